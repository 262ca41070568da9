//! Values as people type them in Belgium, in forms and in the spreadsheets they import:
//! dates as 31/12/2025, amounts as 1.250,00 (or 1,250.00 in English), counts with a
//! thousands separator. Each reader refuses what it cannot read exactly; nothing is
//! rounded or guessed.

use chrono::NaiveDate;

use crate::types::Language;

/// A date as typed: `31/12/2025`, `31-12-2025`, `31.12.2025` or `2025-12-31`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .filter(|d| (1000..=9999).contains(&chrono::Datelike::year(d)))
}

/// An amount in cents as typed in `lang`: `1.250,00`, `1250,5`, `€ 1 250` in Dutch and
/// French; `1,250.00` in English. A lone separator followed by exactly three digits is a
/// thousands separator only where the language writes it so (`1.250` is 1250 in Dutch,
/// 1.25 in English). More than two decimals is refused, not rounded.
pub fn parse_amount(lang: Language, s: &str) -> Option<i64> {
    let cleaned: String = s
        .trim()
        .trim_start_matches('€')
        .trim_end_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if cleaned.is_empty() || cleaned.starts_with('-') {
        return None;
    }
    let (group, decimal) = match lang {
        Language::Nl | Language::Fr => ('.', ','),
        Language::En => (',', '.'),
    };
    // The other separator is accepted as the decimal mark when the language's own is
    // absent and it cannot be a thousands separator (1250.5 typed in Dutch).
    let (whole, fraction) = match cleaned.rsplit_once(decimal) {
        Some((w, f)) => (w.to_string(), f.to_string()),
        None => match cleaned.rsplit_once(group) {
            Some((w, f)) if f.len() != 3 && !w.contains(group) => (w.to_string(), f.to_string()),
            _ => (cleaned.clone(), String::new()),
        },
    };
    let whole = grouped_digits(&whole, group)?;
    if fraction.len() > 2 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let cents: i64 = format!("{fraction:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(cents)
}

/// Digits, optionally grouped by threes with `group`.
fn grouped_digits(s: &str, group: char) -> Option<i64> {
    if s.is_empty() {
        return Some(0);
    }
    let parts: Vec<&str> = s.split(group).collect();
    let well_grouped = parts.len() == 1
        || (!parts[0].is_empty() && parts[0].len() <= 3 && parts[1..].iter().all(|p| p.len() == 3));
    if !well_grouped || !parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    parts.concat().parse().ok()
}

/// A whole number as typed, with or without the language's thousands separator.
pub fn parse_count(lang: Language, s: &str) -> Option<i64> {
    let group = match lang {
        Language::Nl | Language::Fr => '.',
        Language::En => ',',
    };
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    grouped_digits(&cleaned, group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_as_belgians_type_them() {
        let d = NaiveDate::from_ymd_opt(2025, 12, 31);
        assert_eq!(parse_date("31/12/2025"), d);
        assert_eq!(parse_date(" 31-12-2025 "), d);
        assert_eq!(parse_date("31.12.2025"), d);
        assert_eq!(parse_date("2025-12-31"), d);
        assert_eq!(parse_date("31/02/2025"), None);
        assert_eq!(parse_date("12/31/2025"), None);
        assert_eq!(parse_date("31/12/25"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn amounts_are_read_in_the_users_language() {
        assert_eq!(parse_amount(Language::Nl, "1.250,00"), Some(125_000));
        assert_eq!(parse_amount(Language::Nl, "1250"), Some(125_000));
        assert_eq!(parse_amount(Language::Nl, "1.250"), Some(125_000));
        assert_eq!(parse_amount(Language::Nl, "€ 12,5"), Some(1_250));
        assert_eq!(parse_amount(Language::Nl, "1250.5"), Some(125_050));
        assert_eq!(parse_amount(Language::Fr, "1 250,00 €"), Some(125_000));
        assert_eq!(parse_amount(Language::En, "1,250.00"), Some(125_000));
        assert_eq!(parse_amount(Language::En, "1.25"), Some(125));
        assert_eq!(parse_amount(Language::Nl, "0,05"), Some(5));
    }

    #[test]
    fn amounts_that_are_not_amounts_are_refused() {
        for bad in [
            "",
            "-5",
            "1,255",
            "12,345,6",
            "1.25.0",
            "abc",
            "1,2,3",
            "1.2345,00",
            "9".repeat(30).as_str(),
        ] {
            assert_eq!(parse_amount(Language::Nl, bad), None, "{bad}");
        }
        // A Belgian on the English pages may still type a decimal comma.
        assert_eq!(parse_amount(Language::En, "1,2"), Some(120));
        assert_eq!(parse_amount(Language::En, "1,25"), Some(125));
    }

    #[test]
    fn counts_accept_the_thousands_separator() {
        assert_eq!(parse_count(Language::Nl, "1.000"), Some(1000));
        assert_eq!(parse_count(Language::En, "1,000"), Some(1000));
        assert_eq!(parse_count(Language::Nl, "12"), Some(12));
        assert_eq!(parse_count(Language::Nl, "1,5"), None);
        assert_eq!(parse_count(Language::Nl, "-3"), None);
        assert_eq!(parse_count(Language::Nl, ""), None);
    }
}
