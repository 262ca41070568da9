//! The seller and the buyer of an invoice, as they were on the day it was issued.

use serde::{Deserialize, Serialize};

/// A party's details as an invoice prints them (and as EN 16931 asks for them). Kept with
/// each issued document, so a later change of address does not change an invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// KBO/BCE number, ten digits.
    pub enterprise_number: String,
    /// `BE` and the ten digits; absent for a buyer without VAT registration.
    pub vat_number: Option<String>,
    /// Peppol participant id (scheme and value, e.g. `0208:0403019261`).
    pub peppol_id: Option<String>,
    pub email: Option<String>,
    /// The seller's account, where the invoice is to be paid.
    pub iban: Option<String>,
    pub bic: Option<String>,
    /// The seller's words at the foot of its invoices, as they were on the day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
}

impl Party {
    /// The Peppol endpoint: the participant id given, else the Belgian default (scheme
    /// `0208`, the enterprise number).
    pub fn endpoint(&self) -> (String, String) {
        match self.peppol_id.as_deref().and_then(|id| id.split_once(':')) {
            Some((scheme, value)) => (scheme.to_string(), value.to_string()),
            None => ("0208".to_string(), self.enterprise_number.clone()),
        }
    }
}

/// A Belgian VAT number, normalised to `BE` and the ten digits of the enterprise number it
/// is ("BE 0403.019.261", "0403019261" → "BE0403019261").
pub fn belgian_vat_number(input: &str) -> Result<String, crate::identifiers::InvalidIdentifier> {
    crate::identifiers::EnterpriseNumber::parse(input).map(|n| format!("BE{}", n.as_str()))
}

/// Why a Peppol participant id is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeppolIdError {
    #[error("a Peppol participant id is a 4-digit scheme and an id, like 0208:0403019261")]
    Format,
    #[error("scheme 0208 takes a Belgian enterprise number: {0}")]
    EnterpriseNumber(crate::identifiers::InvalidIdentifier),
}

/// A Peppol participant id `scheme:value` (ISO 6523 ICD scheme, e.g. `0208` for the
/// Belgian enterprise number, `9925` for a Belgian VAT number); an `iso6523-actorid-upis::`
/// prefix is dropped. Belgian schemes are checked and normalised.
pub fn peppol_id(input: &str) -> Result<String, PeppolIdError> {
    let input = input.trim();
    let input = input
        .strip_prefix("iso6523-actorid-upis::")
        .unwrap_or(input);
    let (scheme, value) = input.split_once(':').ok_or(PeppolIdError::Format)?;
    let value = value.trim();
    if scheme.len() != 4 || !scheme.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PeppolIdError::Format);
    }
    match scheme {
        "0208" => crate::identifiers::EnterpriseNumber::parse(value)
            .map(|n| format!("0208:{}", n.as_str()))
            .map_err(PeppolIdError::EnterpriseNumber),
        "9925" => belgian_vat_number(value)
            .map(|v| format!("9925:{v}"))
            .map_err(PeppolIdError::EnterpriseNumber),
        _ if (1..=50).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)) =>
        {
            Ok(format!("{scheme}:{value}"))
        }
        _ => Err(PeppolIdError::Format),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vat_number_is_be_and_the_enterprise_number() {
        assert_eq!(
            belgian_vat_number("BE 0403.019.261").unwrap(),
            "BE0403019261"
        );
        assert_eq!(belgian_vat_number("0403019261").unwrap(), "BE0403019261");
        assert!(belgian_vat_number("BE0403019262").is_err());
    }

    #[test]
    fn a_belgian_peppol_id_is_checked_and_normalised() {
        assert_eq!(peppol_id("0208:0403.019.261").unwrap(), "0208:0403019261");
        assert_eq!(
            peppol_id("iso6523-actorid-upis::9925:BE0403019261").unwrap(),
            "9925:BE0403019261"
        );
        assert!(matches!(
            peppol_id("0208:0403019262"),
            Err(PeppolIdError::EnterpriseNumber(_))
        ));
        assert_eq!(peppol_id("0403019261"), Err(PeppolIdError::Format));
        assert_eq!(
            peppol_id("0088:5790000435975").unwrap(),
            "0088:5790000435975"
        );
    }

    #[test]
    fn without_a_participant_id_the_endpoint_is_the_enterprise_number() {
        let party = Party {
            name: "X".into(),
            street: "S".into(),
            postal_code: "9000".into(),
            city: "Gent".into(),
            country: "BE".into(),
            enterprise_number: "0403019261".into(),
            vat_number: None,
            peppol_id: None,
            email: None,
            iban: None,
            bic: None,
            footer: None,
        };
        assert_eq!(party.endpoint(), ("0208".into(), "0403019261".into()));
    }
}
