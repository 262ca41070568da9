//! Postal addresses as the register keeps them: the country as an ISO 3166 code, and the
//! postal codes of the countries most holders live in checked against their format.

/// Why part of an address is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("must be a two-letter country code such as BE, NL or FR")]
    Country,
    #[error("a Belgian postal code has four digits, from 1000 to 9999")]
    BelgianPostalCode,
    #[error("a Dutch postal code has four digits and two letters, such as 1234 AB")]
    DutchPostalCode,
    #[error("a postal code has at most 10 letters, digits, spaces or hyphens")]
    PostalCode,
}

/// The country code, upper-case; the register's own country when none is given.
pub fn country(code: Option<&str>) -> Result<String, AddressError> {
    match code.map(str::trim) {
        None | Some("") => Ok("BE".into()),
        Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Ok(c.to_ascii_uppercase())
        }
        Some(_) => Err(AddressError::Country),
    }
}

/// The postal code in its usual written form for `country` (an upper-case ISO code).
pub fn postal_code(country: &str, code: &str) -> Result<String, AddressError> {
    let code = code.trim();
    match country {
        "BE" => {
            let ok = code.len() == 4
                && code.bytes().all(|b| b.is_ascii_digit())
                && !code.starts_with('0');
            if ok {
                Ok(code.to_string())
            } else {
                Err(AddressError::BelgianPostalCode)
            }
        }
        "NL" => {
            let compact: String = code.chars().filter(|c| *c != ' ').collect();
            let (digits, letters) = compact.split_at(compact.len().min(4));
            let ok = compact.len() == 6
                && digits.bytes().all(|b| b.is_ascii_digit())
                && !digits.starts_with('0')
                && letters.bytes().all(|b| b.is_ascii_alphabetic())
                // PostNL never hands out SA, SD and SS.
                && !matches!(letters.to_ascii_uppercase().as_str(), "SA" | "SD" | "SS");
            if ok {
                Ok(format!("{digits} {}", letters.to_ascii_uppercase()))
            } else {
                Err(AddressError::DutchPostalCode)
            }
        }
        _ => {
            let ok = !code.is_empty()
                && code.chars().count() <= 10
                && code
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
            if ok {
                Ok(code.to_string())
            } else {
                Err(AddressError::PostalCode)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn belgian_postal_codes_have_four_digits() {
        assert_eq!(postal_code("BE", "9000").unwrap(), "9000");
        for bad in ["90000", "900", "0900", "9OOO", "B-9000"] {
            assert_eq!(postal_code("BE", bad), Err(AddressError::BelgianPostalCode));
        }
    }

    #[test]
    fn dutch_postal_codes_are_written_with_a_space() {
        assert_eq!(postal_code("NL", "1234ab").unwrap(), "1234 AB");
        assert_eq!(postal_code("NL", "1234 AB").unwrap(), "1234 AB");
        for bad in ["0123 AB", "1234 SS", "12345", "1234 A1"] {
            assert_eq!(postal_code("NL", bad), Err(AddressError::DutchPostalCode));
        }
    }

    #[test]
    fn other_countries_get_a_loose_check() {
        assert_eq!(postal_code("FR", "75008").unwrap(), "75008");
        assert_eq!(postal_code("GB", "SW1A 1AA").unwrap(), "SW1A 1AA");
        assert!(postal_code("FR", "75008;DROP").is_err());
    }

    #[test]
    fn the_country_defaults_to_belgium() {
        assert_eq!(country(None).unwrap(), "BE");
        assert_eq!(country(Some("nl")).unwrap(), "NL");
        assert_eq!(country(Some("NLD")), Err(AddressError::Country));
    }
}
