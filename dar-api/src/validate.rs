//! Checking request values after they were read: every field is checked and every problem
//! reported in one answer, so a form can mark all its wrong fields at once.
//!
//! Reading (types, the text policy, ISO dates) happens in [`crate::request`]; what is here
//! are the rules a value must keep once it has the right type.

use std::fmt::Display;

use dar_core::ids::{ShareholderId, TenantId};
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

/// An e-mail address (`dar_core::identity::email`); `None` when blank.
pub fn email(problems: &mut Problems, field: &str, value: Option<&str>) -> Option<String> {
    problems
        .check(field, dar_core::identity::email(value?))
        .flatten()
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

/// A shareholder named in a request: their id (`"0190c2f0-…"`) or, as people write it on
/// paper, their register number (`301`, a JSON number).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HolderRef {
    Id(ShareholderId),
    Number(i64),
}

impl<'de> Deserialize<'de> for HolderRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = HolderRef;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a shareholder id or register number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<HolderRef, E> {
                v.parse().map(HolderRef::Id).map_err(|_| {
                    E::custom("must be a shareholder id (a UUID) or a register number (a whole number without quotes)")
                })
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<HolderRef, E> {
                match i64::try_from(v) {
                    Ok(n) if n >= 1 => Ok(HolderRef::Number(n)),
                    _ => Err(E::custom("a register number is a whole number from 1")),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<HolderRef, E> {
                if v >= 1 {
                    Ok(HolderRef::Number(v))
                } else {
                    Err(E::custom("a register number is a whole number from 1"))
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

pub fn holder_ref_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{
        KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
    };
    Schema::OneOf(
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .description(Some("the shareholder's id")),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                    .minimum(Some(1))
                    .description(Some("the shareholder's register number")),
            )
            .build(),
    )
}

/// A list of [`HolderRef`]s, or null.
pub fn holder_refs_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, Schema, SchemaType, Type};
    Schema::Array(
        ArrayBuilder::new()
            .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
            .items(utoipa::openapi::RefOr::T(holder_ref_schema()))
            .description(Some("shareholder ids, or register numbers as JSON numbers"))
            .build(),
    )
}

/// The ids of the holders `refs` name, in order; every register number this register does
/// not have is reported with its field. A register number never changes hands, so reading
/// it before a write transaction is safe.
pub fn resolve_holders(
    conn: &mut dar_db::DbConnection,
    tenant: &TenantId,
    refs: &[(String, HolderRef)],
) -> ApiResult<Vec<ShareholderId>> {
    let mut numbers: Vec<i64> = refs
        .iter()
        .filter_map(|(_, r)| match r {
            HolderRef::Number(n) => Some(*n),
            HolderRef::Id(_) => None,
        })
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let found = dar_db::shareholders::ids_by_register_number(conn, tenant, &numbers)?;
    let mut problems = Problems::new();
    let ids = refs
        .iter()
        .filter_map(|(field, r)| match r {
            HolderRef::Id(id) => Some(*id),
            HolderRef::Number(n) => {
                let id = found.get(n).copied();
                if id.is_none() {
                    problems.add(
                        field.clone(),
                        format!("this register has no shareholder with register number {n}"),
                    );
                }
                id
            }
        })
        .collect();
    problems.finish()?;
    Ok(ids)
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
