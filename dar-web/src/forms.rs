//! Form parts every page uses: a labelled field with its hint and its error next to it
//! (announced to screen readers and linked by `aria-describedby`), the summary of a
//! refused form, and the reading of values the way Belgians type them (31/12/2025,
//! 1.250,00).

use chrono::NaiveDate;
use dar_core::types::Language;
use maud::{Markup, html};

/// What kind of control a field is.
pub enum Control<'a> {
    Text,
    Email,
    Tel,
    Password {
        autocomplete: &'a str,
    },
    /// A date typed as 31/12/2025 (or picked; `yyyy-mm-dd` is accepted too).
    Date,
    /// A whole number of shares.
    Count,
    /// An amount in euro, typed as 1.250,00 or 1250.
    Amount,
    /// Several lines of text.
    Area,
    /// One of `options` as (value, label).
    Select {
        options: Vec<(String, String)>,
    },
}

/// One field of a form: its name (also the element id), label, current value, an optional
/// hint, and the error that refused it, if any.
pub struct Field<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    pub control: Control<'a>,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub required: bool,
}

impl<'a> Field<'a> {
    pub fn new(name: &'a str, label: &'a str, value: &'a str, control: Control<'a>) -> Self {
        Field {
            name,
            label,
            value,
            control,
            hint: None,
            error: None,
            required: false,
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// The error of this field among a form's `errors`, if there is one.
    pub fn error_from(mut self, errors: &'a FieldErrors) -> Self {
        self.error = errors.of(self.name);
        self
    }
}

/// The fields a submitted form was refused for, each with its message in the user's
/// language, in the order the form shows them.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if self.of(field).is_none() {
            self.0.push((field.to_string(), message.into()));
        }
    }

    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }
}

/// A field as a block: label, hint, error, control. The control names its hint and error
/// in `aria-describedby` and is `aria-invalid` when refused.
pub fn field(f: &Field) -> Markup {
    let hint_id = format!("{}-hint", f.name);
    let error_id = format!("{}-error", f.name);
    let described: Vec<&str> = [
        f.hint.map(|_| hint_id.as_str()),
        f.error.map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let invalid = f.error.map(|_| "true");
    html! {
        div.field.invalid[f.error.is_some()] {
            label for=(f.name) { (f.label) }
            @if let Some(hint) = f.hint {
                span.hint id=(hint_id) { (hint) }
            }
            @if let Some(error) = f.error {
                span.field-error id=(error_id) { (error) }
            }
            @match &f.control {
                Control::Area => {
                    textarea id=(f.name) name=(f.name) rows="3" required[f.required]
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid] { (f.value) }
                }
                Control::Select { options } => {
                    select id=(f.name) name=(f.name) required[f.required]
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid] {
                        @for (value, label) in options {
                            option value=(value) selected[value == f.value] { (label) }
                        }
                    }
                }
                control => {
                    @let (kind, mode, autocomplete) = match control {
                        Control::Email => ("email", None, Some("email")),
                        Control::Tel => ("tel", None, Some("tel")),
                        Control::Password { autocomplete } => ("password", None, Some(*autocomplete)),
                        Control::Count => ("text", Some("numeric"), Some("off")),
                        Control::Amount => ("text", Some("decimal"), Some("off")),
                        Control::Date => ("text", Some("numeric"), Some("off")),
                        _ => ("text", None, None),
                    };
                    input id=(f.name) name=(f.name) type=(kind) value=(f.value) inputmode=[mode]
                        autocomplete=[autocomplete] required[f.required]
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid];
                }
            }
        }
    }
}

/// The box above a refused form: what went wrong, each item a link to its field. It is
/// an alert, so screen readers announce it when the page returns.
pub fn error_summary(title: &str, errors: &FieldErrors, labels: &[(&str, &str)]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" tabindex="-1" id="problems" {
                h2 { (title) }
                ul {
                    @for (name, message) in errors.iter() {
                        @let label = labels.iter().find(|(n, _)| *n == name).map_or(name, |(_, l)| *l);
                        li { a href=(format!("#{name}")) { (label) ": " (message) } }
                    }
                }
            }
        }
    }
}

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
