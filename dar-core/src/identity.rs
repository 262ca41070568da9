//! Who must have which name and number: the rules an identity keeps as a whole, whether it
//! is typed into a form, posted to the API or read from an imported spreadsheet.

use chrono::NaiveDate;

use crate::identifiers::NationalNumber;
use crate::types::ShareholderKind;

/// What the rules look at in an identity (already checked field by field).
#[derive(Clone, Copy, Debug)]
pub struct IdentityFacts<'a> {
    pub kind: ShareholderKind,
    pub has_last_name: bool,
    pub has_legal_name: bool,
    pub national_number: Option<&'a str>,
    pub has_enterprise_number: bool,
    pub birth_date: Option<NaiveDate>,
}

/// Every rule `facts` breaks, as (field, message).
pub fn problems(facts: IdentityFacts, today: NaiveDate) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    match facts.kind {
        ShareholderKind::Natural => {
            if !facts.has_last_name {
                out.push(("last_name", "is required for a natural person".into()));
            }
            if facts.has_enterprise_number {
                out.push((
                    "enterprise_number",
                    "only legal entities have an enterprise number; a natural person has a national register number".into(),
                ));
            }
        }
        ShareholderKind::Legal => {
            if !facts.has_legal_name {
                out.push(("legal_name", "is required for a legal entity".into()));
            }
            if facts.national_number.is_some() {
                out.push((
                    "national_number",
                    "only natural persons have a national register number".into(),
                ));
            }
            if facts.birth_date.is_some() {
                out.push(("birth_date", "a legal entity has no birth date".into()));
            }
        }
    }
    if let (Some(nn), Some(birth)) = (facts.national_number, facts.birth_date)
        && let Ok(parsed) = NationalNumber::parse(nn)
        && let Some(from_nn) = parsed.birth_date()
        && from_nn != birth
    {
        out.push((
            "birth_date",
            "does not match the national register number".into(),
        ));
    }
    if let Some(birth) = facts.birth_date {
        if birth > today {
            out.push(("birth_date", "is in the future".into()));
        } else if let Err(e) = crate::time::not_before(birth, crate::time::BIRTH_FLOOR) {
            out.push(("birth_date", e.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn natural() -> IdentityFacts<'static> {
        IdentityFacts {
            kind: ShareholderKind::Natural,
            has_last_name: true,
            has_legal_name: false,
            national_number: None,
            has_enterprise_number: false,
            birth_date: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    #[test]
    fn a_natural_person_needs_a_last_name_and_no_enterprise_number() {
        let facts = IdentityFacts {
            has_last_name: false,
            has_enterprise_number: true,
            ..natural()
        };
        let fields: Vec<_> = problems(facts, today()).into_iter().map(|p| p.0).collect();
        assert_eq!(fields, ["last_name", "enterprise_number"]);
    }

    #[test]
    fn a_legal_entity_needs_a_legal_name_and_has_no_birth_date() {
        let facts = IdentityFacts {
            kind: ShareholderKind::Legal,
            birth_date: NaiveDate::from_ymd_opt(1990, 1, 1),
            ..natural()
        };
        let fields: Vec<_> = problems(facts, today()).into_iter().map(|p| p.0).collect();
        assert_eq!(fields, ["legal_name", "birth_date"]);
    }

    #[test]
    fn a_birth_date_in_the_future_is_refused() {
        let facts = IdentityFacts {
            birth_date: NaiveDate::from_ymd_opt(2027, 1, 1),
            ..natural()
        };
        assert_eq!(problems(facts, today())[0].0, "birth_date");
        assert!(problems(natural(), today()).is_empty());
    }
}

/// Why an e-mail address is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error(transparent)]
    Text(#[from] crate::text::TextError),
    #[error("is not an e-mail address (like name@example.be)")]
    Shape,
}

/// An e-mail address as people type them: one `@`, a dotted domain, no spaces; kept in
/// lower case. `None` when blank.
pub fn email(value: &str) -> Result<Option<String>, EmailError> {
    let Some(e) = crate::text::optional(value, crate::text::Lines::Single, 254)? else {
        return Ok(None);
    };
    let ok = e
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.contains('@'))
        && !e.chars().any(char::is_whitespace);
    if ok {
        Ok(Some(e.to_lowercase()))
    } else {
        Err(EmailError::Shape)
    }
}
