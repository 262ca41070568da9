//! The EPC QR code of an invoice (EPC069-12, "SEPA credit transfer QR", version 002): a
//! banking app that scans it fills in a transfer with the beneficiary, IBAN, amount and the
//! structured communication.

use crate::identifiers::{Iban, StructuredCommunication};
use crate::money::Money;

/// Why no code can be made for a payment.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EpcError {
    #[error("an EPC QR code needs an amount between 0.01 and 999999999.99 euro")]
    Amount,
    #[error("the beneficiary's name must be 1 to 70 characters")]
    Name,
    #[error("a BIC has 8 or 11 letters and digits")]
    Bic,
}

/// The text the QR code encodes. Version 002 makes the BIC optional inside the EEA; the
/// Belgian structured communication goes in the unstructured remittance field (the
/// structured one takes ISO 11649 `RF` references only), where Belgian banking apps read it.
pub fn payload(
    name: &str,
    iban: &Iban,
    bic: Option<&str>,
    amount: Money,
    communication: &StructuredCommunication,
) -> Result<String, EpcError> {
    if amount < Money::from_cents(1).expect("one cent") || amount.cents() > 99_999_999_999 {
        return Err(EpcError::Amount);
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 70 || name.contains(['\n', '\r']) {
        return Err(EpcError::Name);
    }
    let bic = bic.map(str::trim).unwrap_or_default();
    if !bic.is_empty()
        && !((bic.len() == 8 || bic.len() == 11) && bic.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return Err(EpcError::Bic);
    }
    // Printed with its +++ delimiters, as on a paper transfer form (`as_ref` is the bare digits).
    let remittance = communication.to_string();
    let lines = [
        "BCD",
        "002",
        "1", // UTF-8
        "SCT",
        bic,
        name,
        iban.as_str(),
        &format!("EUR{amount}"),
        "", // purpose
        "", // structured (RF) reference
        &remittance,
    ];
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iban() -> Iban {
        Iban::parse("BE68539007547034").unwrap()
    }

    fn ogm() -> StructuredCommunication {
        StructuredCommunication::parse("+++010/8068/17183+++").unwrap()
    }

    #[test]
    fn the_payload_has_the_epc_fields_in_order() {
        let text = payload(
            "Netwerk Coöperaties vzw",
            &iban(),
            Some("GKCCBEBB"),
            Money::parse("121.00").unwrap(),
            &ogm(),
        )
        .unwrap();
        assert_eq!(
            text,
            "BCD\n002\n1\nSCT\nGKCCBEBB\nNetwerk Coöperaties vzw\nBE68539007547034\nEUR121.00\n\n\n+++010/8068/17183+++"
        );
    }

    #[test]
    fn a_zero_amount_or_a_bad_bic_gets_no_code() {
        let zero = payload("X", &iban(), None, Money::ZERO, &ogm());
        assert_eq!(zero, Err(EpcError::Amount));
        let bic = payload(
            "X",
            &iban(),
            Some("GKCC"),
            Money::parse("1").unwrap(),
            &ogm(),
        );
        assert_eq!(bic, Err(EpcError::Bic));
    }
}
