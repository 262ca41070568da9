//! VAT rates of a Belgian invoice line.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The VAT of one line: one of the Belgian rates (21 % standard, 12 % and 6 % reduced), or
/// exempt. Each maps onto an EN 16931 VAT category (`S` with its rate, `E`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum VatRate {
    #[serde(rename = "21")]
    Standard,
    #[serde(rename = "12")]
    Reduced12,
    #[serde(rename = "6")]
    Reduced6,
    #[serde(rename = "exempt")]
    Exempt,
}

impl VatRate {
    pub const ALL: [VatRate; 4] = [
        VatRate::Standard,
        VatRate::Reduced12,
        VatRate::Reduced6,
        VatRate::Exempt,
    ];

    /// The rate in percent.
    pub fn percent(self) -> Decimal {
        match self {
            VatRate::Standard => Decimal::from(21),
            VatRate::Reduced12 => Decimal::from(12),
            VatRate::Reduced6 => Decimal::from(6),
            VatRate::Exempt => Decimal::ZERO,
        }
    }

    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            VatRate::Standard => "21",
            VatRate::Reduced12 => "12",
            VatRate::Reduced6 => "6",
            VatRate::Exempt => "exempt",
        }
    }

    pub fn parse(s: &str) -> Option<VatRate> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The EN 16931 VAT category code (UNCL5305).
    pub fn category(self) -> &'static str {
        match self {
            VatRate::Exempt => "E",
            _ => "S",
        }
    }
}

impl Default for VatRate {
    /// 21 %, the rate of DAR's own services.
    fn default() -> Self {
        VatRate::Standard
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rate_parses_back_from_its_name() {
        for rate in VatRate::ALL {
            assert_eq!(VatRate::parse(rate.as_str()), Some(rate));
        }
        assert_eq!(VatRate::parse("21%"), None);
    }

    #[test]
    fn the_default_rate_is_twenty_one_percent() {
        assert_eq!(VatRate::default().percent(), Decimal::from(21));
        assert_eq!(VatRate::default().category(), "S");
        assert_eq!(VatRate::Exempt.category(), "E");
    }
}
