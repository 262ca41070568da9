//! Validated Belgian identifiers.
//!
//! Every type here is a newtype over its normalised string form and can only
//! be built through `parse` (or `FromStr` / `TryFrom<String>` / serde, which
//! all go through `parse`). Holding a value therefore proves it passed the
//! format and checksum rules, so downstream code never re-validates.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Why a string is not a valid identifier.
///
/// Messages never echo the input: some identifiers (national register
/// numbers) are personal data and errors tend to end up in logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidIdentifier {
    #[error("enterprise number must have 10 digits (or 9 for an old number)")]
    EnterpriseNumberFormat,
    #[error("enterprise number must start with 0 or 1")]
    EnterpriseNumberFirstDigit,
    #[error("enterprise number check digits do not match")]
    EnterpriseNumberChecksum,
    #[error("national register number must have 11 digits")]
    NationalNumberFormat,
    #[error("national register number check digits do not match")]
    NationalNumberChecksum,
    #[error(
        "IBAN must consist of a 2-letter country code, 2 check digits and an account of letters and digits"
    )]
    IbanFormat,
    #[error("IBAN must have between 15 and 34 characters")]
    IbanLength,
    #[error("IBAN for country {country} must have {expected} characters")]
    IbanCountryLength {
        country: &'static str,
        expected: usize,
    },
    #[error("IBAN check digits do not match")]
    IbanChecksum,
    #[error("Belgian IBAN must have 12 digits after the check digits")]
    IbanBelgianAccountFormat,
    #[error("Belgian IBAN account number check digits do not match")]
    IbanBelgianAccountChecksum,
    #[error("structured communication must have 12 digits, like +++010/8068/17183+++")]
    StructuredCommunicationFormat,
    #[error("structured communication check digits do not match")]
    StructuredCommunicationChecksum,
}

/// Shared plumbing for the string newtypes, so that every entry point
/// (`FromStr`, `TryFrom<String>`, serde) funnels through `parse`.
macro_rules! string_identifier {
    ($ty:ident) => {
        impl $ty {
            /// The normalised form (digits only, or uppercase without spaces).
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $ty {
            type Err = InvalidIdentifier;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = InvalidIdentifier;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.0
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// `true` when `s` is non-empty and made of ASCII digits only.
fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses a string already known to hold at most 19 ASCII digits.
fn digits_value(s: &str) -> u64 {
    s.bytes().fold(0, |acc, b| acc * 10 + u64::from(b - b'0'))
}

/// The "97 minus remainder" check used by enterprise and national numbers.
fn complement_97(n: u64) -> u64 {
    97 - n % 97
}

/// The "remainder, with 0 written as 97" check used by bank accounts and
/// structured communications.
fn remainder_97(n: u64) -> u64 {
    match n % 97 {
        0 => 97,
        r => r,
    }
}

// ---------------------------------------------------------------------------
// Enterprise number
// ---------------------------------------------------------------------------

/// A KBO/BCE enterprise number, normalised to 10 digits ("0403019261").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct EnterpriseNumber(String);

string_identifier!(EnterpriseNumber);

impl EnterpriseNumber {
    /// Accepts "0403019261", "0403.019.261", "BE 0403 019 261" and old
    /// 9-digit numbers ("403019261"), which predate the leading 0.
    pub fn parse(input: &str) -> Result<Self, InvalidIdentifier> {
        let cleaned: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .collect();
        let digits = match cleaned.get(..2) {
            Some(prefix) if prefix.eq_ignore_ascii_case("BE") => &cleaned[2..],
            _ => cleaned.as_str(),
        };
        if !all_digits(digits) {
            return Err(InvalidIdentifier::EnterpriseNumberFormat);
        }
        let digits = match digits.len() {
            10 => digits.to_owned(),
            9 => format!("0{digits}"),
            _ => return Err(InvalidIdentifier::EnterpriseNumberFormat),
        };
        // Numbers starting with 2..=8 are establishment units, not
        // enterprises, so they cannot identify a cooperative.
        if !matches!(digits.as_bytes()[0], b'0' | b'1') {
            return Err(InvalidIdentifier::EnterpriseNumberFirstDigit);
        }
        if complement_97(digits_value(&digits[..8])) != digits_value(&digits[8..]) {
            return Err(InvalidIdentifier::EnterpriseNumberChecksum);
        }
        Ok(Self(digits))
    }

    /// The official presentation, "0403.019.261".
    pub fn formatted(&self) -> String {
        let d = &self.0;
        format!("{}.{}.{}", &d[..4], &d[4..7], &d[7..])
    }
}

impl fmt::Display for EnterpriseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------
// National register number
// ---------------------------------------------------------------------------

/// A Belgian national register number (rijksregisternummer), normalised to
/// 11 digits.
///
/// This is sensitive personal data: `Debug` is masked so the number cannot
/// leak through `{:?}` in logs or panic messages. `Display`, `as_str` and
/// serde do expose it, because storing and returning it is the point; do not
/// log those.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct NationalNumber(String);

string_identifier!(NationalNumber);

impl NationalNumber {
    /// Accepts "85073003328" and "85.07.30-033.28" (spaces also allowed).
    pub fn parse(input: &str) -> Result<Self, InvalidIdentifier> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
            .collect();
        if digits.len() != 11 || !all_digits(&digits) {
            return Err(InvalidIdentifier::NationalNumberFormat);
        }
        let number = Self(digits);
        if number.century().is_none() {
            return Err(InvalidIdentifier::NationalNumberChecksum);
        }
        Ok(number)
    }

    /// The official presentation, "85.07.30-033.28".
    pub fn formatted(&self) -> String {
        let d = &self.0;
        format!(
            "{}.{}.{}-{}.{}",
            &d[..2],
            &d[2..4],
            &d[4..6],
            &d[6..9],
            &d[9..]
        )
    }

    /// The birth date encoded in the number, if it encodes a full one.
    ///
    /// Numbers for people whose birth date is (partly) unknown use 00 for
    /// the month or day; those give `None`. Bis numbers add 20 or 40 to the
    /// month, which is undone here.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let century = self.century()?;
        let d = &self.0;
        let yy = i32::try_from(digits_value(&d[..2])).ok()?;
        let month = match digits_value(&d[2..4]) {
            m @ 1..=12 => m,
            m @ 21..=32 => m - 20,
            m @ 41..=52 => m - 40,
            _ => return None,
        };
        let day = digits_value(&d[4..6]);
        NaiveDate::from_ymd_opt(
            century + yy,
            u32::try_from(month).ok()?,
            u32::try_from(day).ok()?,
        )
    }

    /// Which checksum rule matches tells the century: people born from
    /// 2000 on have a "2" prepended before the mod-97. The two rules can
    /// never both match because 2_000_000_000 is not a multiple of 97.
    fn century(&self) -> Option<i32> {
        let base = digits_value(&self.0[..9]);
        let check = digits_value(&self.0[9..]);
        if complement_97(base) == check {
            Some(1900)
        } else if complement_97(2_000_000_000 + base) == check {
            Some(2000)
        } else {
            None
        }
    }
}

impl fmt::Debug for NationalNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NationalNumber(***)")
    }
}

impl fmt::Display for NationalNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Hand-written rather than `try_from = "String"`: serde's own type-mismatch
// errors echo the offending value (e.g. a JSON integer), which would put the
// number in error responses and logs.
impl<'de> Deserialize<'de> for NationalNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = NationalNumber;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a national register number as a string")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                NationalNumber::parse(v).map_err(E::custom)
            }

            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Err(E::custom("national register number must be a string"))
            }

            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Err(E::custom("national register number must be a string"))
            }

            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Err(E::custom("national register number must be a string"))
            }
        }

        // `deserialize_any`, because with `deserialize_str` serde_json
        // reports a number itself, bypassing the visitor and echoing it.
        deserializer.deserialize_any(Visitor)
    }
}

// ---------------------------------------------------------------------------
// IBAN
// ---------------------------------------------------------------------------

/// Exact IBAN lengths for SEPA countries. Countries not listed are only held
/// to the generic 15..=34 range, so a valid foreign IBAN is never refused
/// just because the table is incomplete.
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
];

/// An ISO 13616 IBAN, normalised to uppercase without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Iban(String);

string_identifier!(Iban);

impl Iban {
    /// Accepts the electronic form ("BE68539007547034") and the paper form
    /// with spaces and any letter case ("be68 5390 0754 7034").
    pub fn parse(input: &str) -> Result<Self, InvalidIdentifier> {
        let iban: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if iban.is_empty() || !iban.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(InvalidIdentifier::IbanFormat);
        }
        if !(15..=34).contains(&iban.len()) {
            return Err(InvalidIdentifier::IbanLength);
        }
        let bytes = iban.as_bytes();
        if !bytes[..2].iter().all(u8::is_ascii_uppercase)
            || !bytes[2..4].iter().all(u8::is_ascii_digit)
        {
            return Err(InvalidIdentifier::IbanFormat);
        }
        let country = &iban[..2];
        if let Some(&(country, expected)) = IBAN_LENGTHS.iter().find(|(c, _)| *c == country)
            && iban.len() != expected
        {
            return Err(InvalidIdentifier::IbanCountryLength { country, expected });
        }
        if iban_mod97(&iban) != 1 {
            return Err(InvalidIdentifier::IbanChecksum);
        }
        if country == "BE" {
            // The ISO check does not cover the older Belgian account check,
            // and banks reject accounts failing it, so catch it here.
            let bban = &iban[4..];
            if !all_digits(bban) {
                return Err(InvalidIdentifier::IbanBelgianAccountFormat);
            }
            if remainder_97(digits_value(&bban[..10])) != digits_value(&bban[10..]) {
                return Err(InvalidIdentifier::IbanBelgianAccountChecksum);
            }
        }
        Ok(Self(iban))
    }

    /// The paper form: groups of four separated by spaces.
    pub fn formatted(&self) -> String {
        let mut out = String::with_capacity(self.0.len() + self.0.len() / 4);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }

    /// The ISO 3166 country code, e.g. "BE".
    pub fn country(&self) -> &str {
        &self.0[..2]
    }
}

/// ISO 7064 mod 97-10 over the rearranged IBAN (first four characters moved
/// to the end, letters as 10..=35). Done digit by digit because the number
/// has up to ~68 digits, far beyond any native integer.
fn iban_mod97(iban: &str) -> u32 {
    let (head, tail) = iban.split_at(4);
    tail.bytes().chain(head.bytes()).fold(0u32, |acc, b| {
        if b.is_ascii_digit() {
            (acc * 10 + u32::from(b - b'0')) % 97
        } else {
            (acc * 100 + u32::from(b - b'A' + 10)) % 97
        }
    })
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------
// Structured communication
// ---------------------------------------------------------------------------

/// A Belgian structured communication (OGM/VCS), normalised to 12 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct StructuredCommunication(String);

string_identifier!(StructuredCommunication);

impl StructuredCommunication {
    /// Accepts "+++010/8068/17183+++", "***010/8068/17183***" (both as
    /// printed on transfer forms) or the bare 12 digits.
    pub fn parse(input: &str) -> Result<Self, InvalidIdentifier> {
        let input = input.trim();
        let digits = if all_digits(input) {
            input.to_owned()
        } else {
            let inner = input
                .strip_prefix("+++")
                .and_then(|s| s.strip_suffix("+++"))
                .or_else(|| {
                    input
                        .strip_prefix("***")
                        .and_then(|s| s.strip_suffix("***"))
                })
                .ok_or(InvalidIdentifier::StructuredCommunicationFormat)?;
            let groups: Vec<&str> = inner.split('/').collect();
            if groups.iter().map(|g| g.len()).collect::<Vec<_>>() != [3, 4, 5]
                || !groups.iter().all(|g| all_digits(g))
            {
                return Err(InvalidIdentifier::StructuredCommunicationFormat);
            }
            groups.concat()
        };
        if digits.len() != 12 {
            return Err(InvalidIdentifier::StructuredCommunicationFormat);
        }
        if remainder_97(digits_value(&digits[..10])) != digits_value(&digits[10..]) {
            return Err(InvalidIdentifier::StructuredCommunicationChecksum);
        }
        Ok(Self(digits))
    }

    /// Builds the communication for a reference number, e.g. an invoice or
    /// subscription number, adding the check digits.
    ///
    /// # Panics
    ///
    /// If `base` has more than 10 digits (`base >= 10^10`); callers allocate
    /// the references, so an oversized one is a programming error.
    pub fn from_base(base: u64) -> Self {
        assert!(
            base < 10_000_000_000,
            "structured communication base must be below 10^10"
        );
        Self(format!("{base:010}{:02}", remainder_97(base)))
    }
}

impl fmt::Display for StructuredCommunication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        write!(f, "+++{}/{}/{}+++", &d[..3], &d[3..7], &d[7..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // --- EnterpriseNumber -------------------------------------------------

    #[test]
    fn enterprise_number_plain_ten_digits_is_accepted() {
        let n = EnterpriseNumber::parse("0403019261").unwrap();
        assert_eq!(n.as_str(), "0403019261");
    }

    #[test]
    fn enterprise_number_with_be_prefix_dots_and_spaces_is_normalised() {
        let n = EnterpriseNumber::parse("BE 0403.019.261").unwrap();
        assert_eq!(n.as_str(), "0403019261");
    }

    #[test]
    fn enterprise_number_prefix_is_case_insensitive() {
        let n = EnterpriseNumber::parse("be0403019261").unwrap();
        assert_eq!(n.as_str(), "0403019261");
    }

    #[test]
    fn enterprise_number_old_nine_digit_form_gets_leading_zero() {
        let n = EnterpriseNumber::parse("403019261").unwrap();
        assert_eq!(n.as_str(), "0403019261");
    }

    #[test]
    fn enterprise_number_with_wrong_check_digits_is_rejected() {
        assert_eq!(
            EnterpriseNumber::parse("0403019262"),
            Err(InvalidIdentifier::EnterpriseNumberChecksum)
        );
    }

    #[test]
    fn enterprise_number_with_wrong_length_is_rejected() {
        for input in ["", "BE", "04030192", "04030192611"] {
            assert_eq!(
                EnterpriseNumber::parse(input),
                Err(InvalidIdentifier::EnterpriseNumberFormat),
                "{input:?}"
            );
        }
    }

    #[test]
    fn enterprise_number_with_letters_is_rejected() {
        assert_eq!(
            EnterpriseNumber::parse("04030192A1"),
            Err(InvalidIdentifier::EnterpriseNumberFormat)
        );
    }

    #[test]
    fn enterprise_number_starting_with_two_is_rejected() {
        // 2000000042 satisfies the checksum but is an establishment unit.
        assert_eq!(
            EnterpriseNumber::parse("2000000042"),
            Err(InvalidIdentifier::EnterpriseNumberFirstDigit)
        );
    }

    #[test]
    fn enterprise_number_formatted_uses_dots() {
        let n = EnterpriseNumber::parse("0403019261").unwrap();
        assert_eq!(n.formatted(), "0403.019.261");
    }

    #[test]
    fn enterprise_number_display_and_from_str_round_trip() {
        let n: EnterpriseNumber = "BE 0403.019.261".parse().unwrap();
        assert_eq!(n.to_string(), "0403019261");
        assert_eq!(n.to_string().parse::<EnterpriseNumber>().unwrap(), n);
        assert_eq!(n.as_ref(), "0403019261");
    }

    #[test]
    fn enterprise_number_serde_round_trip_uses_normalised_string() {
        let n = EnterpriseNumber::parse("BE 0403.019.261").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"0403019261\"");
        assert_eq!(serde_json::from_str::<EnterpriseNumber>(&json).unwrap(), n);
    }

    #[test]
    fn enterprise_number_deserialize_reports_validation_message() {
        let err = serde_json::from_str::<EnterpriseNumber>("\"0403019262\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("enterprise number check digits do not match"),
            "{err}"
        );
    }

    // --- NationalNumber ---------------------------------------------------

    #[test]
    fn national_number_pre_2000_is_accepted() {
        let n = NationalNumber::parse("85073003328").unwrap();
        assert_eq!(n.as_str(), "85073003328");
    }

    #[test]
    fn national_number_with_separators_is_normalised() {
        let n = NationalNumber::parse("85.07.30-033.28").unwrap();
        assert_eq!(n.as_str(), "85073003328");
        let n = NationalNumber::parse("85 07 30 033 28").unwrap();
        assert_eq!(n.as_str(), "85073003328");
    }

    #[test]
    fn national_number_born_after_2000_is_accepted_with_two_prefix_rule() {
        let n = NationalNumber::parse("17073003384").unwrap();
        assert_eq!(n.as_str(), "17073003384");
    }

    #[test]
    fn national_number_with_wrong_check_digits_is_rejected() {
        assert_eq!(
            NationalNumber::parse("85073003329"),
            Err(InvalidIdentifier::NationalNumberChecksum)
        );
    }

    #[test]
    fn national_number_with_wrong_length_is_rejected() {
        for input in ["", "8507300332", "850730033288", "85O73003328"] {
            assert_eq!(
                NationalNumber::parse(input),
                Err(InvalidIdentifier::NationalNumberFormat),
                "{input:?}"
            );
        }
    }

    #[test]
    fn national_number_formatted_uses_official_layout() {
        let n = NationalNumber::parse("85073003328").unwrap();
        assert_eq!(n.formatted(), "85.07.30-033.28");
    }

    #[test]
    fn national_number_birth_date_pre_2000() {
        let n = NationalNumber::parse("85073003328").unwrap();
        assert_eq!(n.birth_date(), NaiveDate::from_ymd_opt(1985, 7, 30));
    }

    #[test]
    fn national_number_birth_date_from_2000() {
        let n = NationalNumber::parse("17073003384").unwrap();
        assert_eq!(n.birth_date(), NaiveDate::from_ymd_opt(2017, 7, 30));
    }

    /// Builds a valid pre-2000 number from its first nine digits.
    fn with_check(base: &str) -> NationalNumber {
        let check = complement_97(digits_value(base));
        NationalNumber::parse(&format!("{base}{check:02}")).unwrap()
    }

    #[test]
    fn national_number_bis_month_offsets_are_removed_from_birth_date() {
        assert_eq!(
            with_check("852730033").birth_date(),
            NaiveDate::from_ymd_opt(1985, 7, 30)
        );
        assert_eq!(
            with_check("854730033").birth_date(),
            NaiveDate::from_ymd_opt(1985, 7, 30)
        );
    }

    #[test]
    fn national_number_with_unknown_month_or_day_has_no_birth_date() {
        assert_eq!(with_check("850030033").birth_date(), None);
        assert_eq!(with_check("850700033").birth_date(), None);
        assert_eq!(with_check("852000033").birth_date(), None);
    }

    #[test]
    fn national_number_with_impossible_date_has_no_birth_date() {
        assert_eq!(with_check("850231033").birth_date(), None);
        assert_eq!(with_check("851330033").birth_date(), None);
    }

    #[test]
    fn national_number_debug_does_not_reveal_the_number() {
        let n = NationalNumber::parse("85073003328").unwrap();
        assert_eq!(format!("{n:?}"), "NationalNumber(***)");
        assert_eq!(format!("{:?}", Some(&n)), "Some(NationalNumber(***))");
    }

    #[test]
    fn national_number_display_and_from_str_round_trip() {
        let n: NationalNumber = "85.07.30-033.28".parse().unwrap();
        assert_eq!(n.to_string(), "85073003328");
        assert_eq!(n.to_string().parse::<NationalNumber>().unwrap(), n);
    }

    #[test]
    fn national_number_serde_round_trip_uses_normalised_string() {
        let n = NationalNumber::parse("85.07.30-033.28").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"85073003328\"");
        assert_eq!(serde_json::from_str::<NationalNumber>(&json).unwrap(), n);
    }

    #[test]
    fn national_number_deserialize_reports_validation_message() {
        let err = serde_json::from_str::<NationalNumber>("\"85073003329\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("national register number check digits do not match"),
            "{err}"
        );
    }

    #[test]
    fn national_number_deserialize_from_json_integer_does_not_echo_it() {
        let err = serde_json::from_str::<NationalNumber>("85073003328").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("must be a string"), "{msg}");
        assert!(!msg.contains("85073003328"), "{msg}");
    }

    // --- Iban -------------------------------------------------------------

    #[test]
    fn iban_known_valid_examples_are_accepted() {
        for input in [
            "BE68539007547034",
            "NL91ABNA0417164300",
            "DE89370400440532013000",
            "FR1420041010050500013M02606",
        ] {
            let iban = Iban::parse(input).unwrap();
            assert_eq!(iban.as_str(), input);
        }
    }

    #[test]
    fn iban_with_spaces_and_lowercase_is_normalised() {
        let iban = Iban::parse("be68 5390 0754 7034").unwrap();
        assert_eq!(iban.as_str(), "BE68539007547034");
    }

    #[test]
    fn iban_with_wrong_check_digits_is_rejected() {
        assert_eq!(
            Iban::parse("BE68539007547035"),
            Err(InvalidIdentifier::IbanChecksum)
        );
    }

    #[test]
    fn iban_with_wrong_country_length_is_rejected() {
        assert_eq!(
            Iban::parse("BE685390075470341"),
            Err(InvalidIdentifier::IbanCountryLength {
                country: "BE",
                expected: 16
            })
        );
    }

    #[test]
    fn iban_country_length_message_names_country_and_length() {
        let err = Iban::parse("NL91ABNA041716430").unwrap_err();
        assert_eq!(
            err.to_string(),
            "IBAN for country NL must have 18 characters"
        );
    }

    #[test]
    fn iban_outside_generic_length_range_is_rejected() {
        assert_eq!(
            Iban::parse("XX1212345678"),
            Err(InvalidIdentifier::IbanLength)
        );
        assert_eq!(
            Iban::parse(&format!("XX12{}", "1".repeat(31))),
            Err(InvalidIdentifier::IbanLength)
        );
    }

    #[test]
    fn iban_with_bad_structure_is_rejected() {
        for input in [
            "",
            "1268539007547034",
            "BEAB539007547034",
            "BE68-5390-0754-7034",
        ] {
            assert_eq!(
                Iban::parse(input),
                Err(InvalidIdentifier::IbanFormat),
                "{input:?}"
            );
        }
    }

    #[test]
    fn iban_belgian_account_with_wrong_national_check_is_rejected() {
        // ISO check digits recomputed so only the Belgian account check
        // fails: account 539007547000 has remainder 34, not 00.
        let iban = with_iso_check("BE", "539007547000");
        assert_eq!(
            Iban::parse(&iban),
            Err(InvalidIdentifier::IbanBelgianAccountChecksum)
        );
    }

    #[test]
    fn iban_belgian_account_with_letters_is_rejected() {
        let iban = with_iso_check("BE", "5390075470AB");
        assert_eq!(
            Iban::parse(&iban),
            Err(InvalidIdentifier::IbanBelgianAccountFormat)
        );
    }

    /// Computes valid ISO 13616 check digits for a country and BBAN.
    fn with_iso_check(country: &str, bban: &str) -> String {
        let remainder = iban_mod97(&format!("{country}00{bban}"));
        format!("{country}{:02}{bban}", 98 - remainder)
    }

    #[test]
    fn iban_formatted_groups_by_four() {
        let iban = Iban::parse("FR1420041010050500013M02606").unwrap();
        assert_eq!(iban.formatted(), "FR14 2004 1010 0505 0001 3M02 606");
        let iban = Iban::parse("BE68539007547034").unwrap();
        assert_eq!(iban.formatted(), "BE68 5390 0754 7034");
    }

    #[test]
    fn iban_country_is_first_two_letters() {
        assert_eq!(Iban::parse("nl91abna0417164300").unwrap().country(), "NL");
    }

    #[test]
    fn iban_display_and_from_str_round_trip() {
        let iban: Iban = "be68 5390 0754 7034".parse().unwrap();
        assert_eq!(iban.to_string(), "BE68539007547034");
        assert_eq!(iban.to_string().parse::<Iban>().unwrap(), iban);
    }

    #[test]
    fn iban_serde_round_trip_uses_normalised_string() {
        let iban = Iban::parse("be68 5390 0754 7034").unwrap();
        let json = serde_json::to_string(&iban).unwrap();
        assert_eq!(json, "\"BE68539007547034\"");
        assert_eq!(serde_json::from_str::<Iban>(&json).unwrap(), iban);
    }

    #[test]
    fn iban_deserialize_reports_validation_message() {
        let err = serde_json::from_str::<Iban>("\"BE68539007547035\"").unwrap_err();
        assert!(
            err.to_string().contains("IBAN check digits do not match"),
            "{err}"
        );
    }

    // --- StructuredCommunication -----------------------------------------

    #[test]
    fn structured_communication_with_plus_delimiters_is_accepted() {
        let s = StructuredCommunication::parse("+++010/8068/17183+++").unwrap();
        assert_eq!(s.as_str(), "010806817183");
    }

    #[test]
    fn structured_communication_with_star_delimiters_is_accepted() {
        let s = StructuredCommunication::parse("***010/8068/17183***").unwrap();
        assert_eq!(s.as_str(), "010806817183");
    }

    #[test]
    fn structured_communication_plain_digits_are_accepted() {
        let s = StructuredCommunication::parse("010806817183").unwrap();
        assert_eq!(s.as_str(), "010806817183");
    }

    #[test]
    fn structured_communication_with_wrong_check_digits_is_rejected() {
        assert_eq!(
            StructuredCommunication::parse("+++010/8068/17184+++"),
            Err(InvalidIdentifier::StructuredCommunicationChecksum)
        );
    }

    #[test]
    fn structured_communication_with_bad_layout_is_rejected() {
        for input in [
            "",
            "01080681718",
            "0108068171833",
            "+++010/8068/17183***",
            "+++0108/068/17183+++",
            "+++010/8068/1718A+++",
            "+++010806817183+++",
        ] {
            assert_eq!(
                StructuredCommunication::parse(input),
                Err(InvalidIdentifier::StructuredCommunicationFormat),
                "{input:?}"
            );
        }
    }

    #[test]
    fn structured_communication_display_uses_plus_layout() {
        let s = StructuredCommunication::parse("010806817183").unwrap();
        assert_eq!(s.to_string(), "+++010/8068/17183+++");
    }

    #[test]
    fn structured_communication_from_base_adds_check_digits() {
        assert_eq!(
            StructuredCommunication::from_base(108_068_171).as_str(),
            "010806817183"
        );
    }

    #[test]
    fn structured_communication_from_base_zero_remainder_uses_97() {
        assert_eq!(
            StructuredCommunication::from_base(0).as_str(),
            "000000000097"
        );
        assert_eq!(
            StructuredCommunication::from_base(97).as_str(),
            "000000009797"
        );
    }

    #[test]
    #[should_panic(expected = "below 10^10")]
    fn structured_communication_from_base_too_large_panics() {
        StructuredCommunication::from_base(10_000_000_000);
    }

    #[test]
    fn structured_communication_serde_round_trip_uses_digits() {
        let s = StructuredCommunication::parse("+++010/8068/17183+++").unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, "\"010806817183\"");
        assert_eq!(
            serde_json::from_str::<StructuredCommunication>(&json).unwrap(),
            s
        );
    }

    #[test]
    fn structured_communication_deserialize_reports_validation_message() {
        let err = serde_json::from_str::<StructuredCommunication>("\"010806817184\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("structured communication check digits do not match"),
            "{err}"
        );
    }

    proptest! {
        #[test]
        fn structured_communication_from_base_always_parses_back(base in 0u64..10_000_000_000) {
            let s = StructuredCommunication::from_base(base);
            // Display is the +++…+++ form, distinct from the digits in as_str.
            let printed = s.to_string();
            prop_assert_eq!(StructuredCommunication::parse(&printed).unwrap(), s.clone());
            prop_assert_eq!(StructuredCommunication::parse(s.as_str()).unwrap(), s.clone());
            prop_assert_eq!(digits_value(&s.as_str()[..10]), base);
        }

        #[test]
        fn iban_with_any_single_digit_changed_is_rejected(
            index in 2usize..16,
            offset in 1u8..10,
        ) {
            let mut bytes = b"BE68539007547034".to_vec();
            bytes[index] = b'0' + (bytes[index] - b'0' + offset) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(Iban::parse(&changed).is_err(), "{} accepted", changed);
        }
    }
}
