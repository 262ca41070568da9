//! Checking request values after they were read: every field is checked and every problem
//! reported in one answer, so a form can mark all its wrong fields at once.
//!
//! Reading (types, the text policy, ISO dates) happens in [`crate::request`]; what is here
//! are the rules a value must keep once it has the right type.

use std::fmt::Display;

use serde::Deserialize;

use crate::error::{ApiError, ApiResult, FieldProblem};

/// Longest name kept (a person's, a company's, a class's, a signatory's).
pub const NAME_MAX: usize = 200;

/// The problems found so far in one request.
#[derive(Default, Debug)]
pub struct Problems(Vec<FieldProblem>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Display) {
        self.0.push(FieldProblem {
            field: field.into(),
            message: message.to_string(),
        });
    }

    /// The value, or `None` after recording why it is refused.
    pub fn check<T, E: Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|e| self.add(field, e)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing was found, else one 422 naming every field.
    pub fn finish(self) -> ApiResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid_fields(self.0))
        }
    }
}

/// A name as the register keeps it ([`dar_core::text::name`]): one line, trimmed, with
/// something visible in it. Checked while the request is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name(pub String);

impl Name {
    pub fn into_string(self) -> String {
        self.0
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        dar_core::text::name(&raw, NAME_MAX)
            .map(Name)
            .map_err(serde::de::Error::custom)
    }
}

/// Optional one-line text: trimmed, `None` when blank, at most `max` characters.
pub fn optional_text(
    problems: &mut Problems,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let value = value?;
    problems
        .check(
            field,
            dar_core::text::optional(value, dar_core::text::Lines::Single, max),
        )
        .flatten()
}

/// An e-mail address as people type them: one `@`, a dotted domain, no spaces; kept in
/// lower case. `None` when blank.
pub fn email(problems: &mut Problems, field: &str, value: Option<&str>) -> Option<String> {
    let e = optional_text(problems, field, value, 254)?;
    let ok = e
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.contains('@'))
        && !e.chars().any(char::is_whitespace);
    if ok {
        Some(e.to_lowercase())
    } else {
        problems.add(field, "is not an e-mail address (like name@example.be)");
        None
    }
}

/// A postal address checked as a whole: the postal code against the country's format.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckedAddress {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: String,
}

pub fn address(
    problems: &mut Problems,
    prefix: &str,
    street: Option<&str>,
    postal_code: Option<&str>,
    city: Option<&str>,
    country: Option<&str>,
) -> CheckedAddress {
    let field = |name: &str| format!("{prefix}.{name}");
    let country = problems
        .check(&field("country"), dar_core::address::country(country))
        .unwrap_or_default();
    let postal_code =
        optional_text(problems, &field("postal_code"), postal_code, 20).and_then(|code| {
            problems.check(
                &field("postal_code"),
                dar_core::address::postal_code(&country, &code),
            )
        });
    CheckedAddress {
        street: optional_text(problems, &field("street"), street, NAME_MAX),
        postal_code,
        city: optional_text(problems, &field("city"), city, 100),
        country,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_kept() {
        let mut p = Problems::new();
        email(&mut p, "email", Some("not-an-address"));
        let a = address(&mut p, "address", None, Some("90000"), None, Some("BE"));
        assert_eq!(a.postal_code, None);
        let Err(ApiError::Validation { errors, .. }) = p.finish() else {
            panic!("expected a validation problem");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "address.postal_code"]);
    }

    #[test]
    fn a_name_of_only_invisible_characters_is_refused_while_reading() {
        let r: Result<Name, _> = serde_json::from_str("\"\\u200b\\u200b\"");
        assert!(r.is_err());
        let ok: Name = serde_json::from_str("\"  Anna \"").unwrap();
        assert_eq!(ok.0, "Anna");
    }
}
