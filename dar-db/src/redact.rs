//! `Debug` forms of rows that hold personal data or secrets. A row that reaches a log line
//! (an error's context, a `?row` field, a panic message) shows which of those fields are
//! set, never what they hold: SPEC §10 allows the national register number "never in
//! logs", and GDPR data minimisation asks the same of the rest of a person's identity.
//!
//! Masked: first and last name, a person's legal name, national register number, birth
//! date, street, postal code, city, email, phone, IBAN, display name, password and token
//! hashes. Shown: ids, register number, kind, status, admission and exit dates, country,
//! language, enterprise number (public in the Crossroads Bank for Enterprises) and
//! timestamps — enough to follow a row through the logs.

use std::fmt;

/// How a masked field prints.
pub(crate) enum Masked {
    Value,
    Some,
    None,
}

impl fmt::Debug for Masked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Masked::Value => "***",
            Masked::Some => "Some(***)",
            Masked::None => "None",
        })
    }
}

pub(crate) trait Mask {
    fn masked(&self) -> Masked;
}

impl Mask for String {
    fn masked(&self) -> Masked {
        Masked::Value
    }
}

impl<T> Mask for Option<T> {
    fn masked(&self) -> Masked {
        if self.is_some() {
            Masked::Some
        } else {
            Masked::None
        }
    }
}

/// `Debug` for a struct whose fields are either `shown` or `masked`. The struct is
/// destructured without `..`, so a new field does not compile until it is put in one of
/// the two lists.
macro_rules! debug_masked {
    ($name:ident { shown: [$($shown:ident),* $(,)?], masked: [$($masked:ident),* $(,)?] $(,)? }) => {
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #[allow(unused_imports)]
                use $crate::redact::Mask as _;
                let $name { $($shown,)* $($masked,)* } = self;
                f.debug_struct(stringify!($name))
                    $(.field(stringify!($shown), $shown))*
                    $(.field(stringify!($masked), &$masked.masked()))*
                    .finish()
            }
        }
    };
}

pub(crate) use debug_masked;

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::shareholders::{Identity, ShareholderRow, VersionRow};
    use crate::users::{InvitationRow, UserRow};

    const NATIONAL_NUMBER: &str = "85073003328";
    const IBAN: &str = "BE68539007547034";

    fn identity() -> Identity {
        Identity {
            first_name: Some("Françoise".into()),
            last_name: Some("Peeters".into()),
            legal_name: None,
            national_number: Some(NATIONAL_NUMBER.into()),
            enterprise_number: None,
            birth_date: NaiveDate::from_ymd_opt(1985, 7, 30),
            street: Some("Kerkstraat 12".into()),
            postal_code: Some("9000".into()),
            city: Some("Gent".into()),
            country: Some("BE".into()),
            email: Some("francoise@example.be".into()),
            phone: Some("+32470123456".into()),
            iban: Some(IBAN.into()),
            language: "nl".into(),
        }
    }

    fn assert_no_personal_data(debug: &str) {
        for secret in [
            NATIONAL_NUMBER,
            IBAN,
            "Françoise",
            "Peeters",
            "1985",
            "Kerkstraat",
            "9000",
            "Gent",
            "francoise@",
            "+32470",
        ] {
            assert!(!debug.contains(secret), "{secret:?} in {debug}");
        }
    }

    #[test]
    fn an_identity_debug_form_shows_no_personal_data() {
        let debug = format!("{:?}", identity());
        assert_no_personal_data(&debug);
        assert!(debug.contains("national_number: Some(***)"), "{debug}");
        assert!(debug.contains("legal_name: None"), "{debug}");
        assert!(debug.contains("language: \"nl\""), "{debug}");
    }

    #[test]
    fn a_shareholder_row_debug_form_shows_no_national_number_or_iban() {
        let id = identity();
        let at = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let row = ShareholderRow {
            tenant_id: "t".into(),
            id: "h".into(),
            register_number: 301,
            kind: "natural".into(),
            status: "active".into(),
            admission_date: at,
            exit_date: None,
            exit_reason: None,
            version: 1,
            first_name: id.first_name.clone(),
            last_name: id.last_name.clone(),
            legal_name: None,
            national_number: id.national_number.clone(),
            enterprise_number: None,
            birth_date: id.birth_date,
            street: id.street.clone(),
            postal_code: id.postal_code.clone(),
            city: id.city.clone(),
            country: id.country.clone(),
            email: id.email.clone(),
            phone: id.phone.clone(),
            iban: id.iban.clone(),
            language: "nl".into(),
            created_at: at.and_hms_opt(0, 0, 0).unwrap(),
        };
        let debug = format!("{row:?} {row:#?}");
        assert_no_personal_data(&debug);
        assert!(debug.contains("register_number: 301"), "{debug}");
        let version = VersionRow {
            tenant_id: "t".into(),
            shareholder_id: "h".into(),
            version: 1,
            valid_from: at,
            recorded_at: row.created_at,
            actor: "u".into(),
            first_name: id.first_name,
            last_name: id.last_name,
            legal_name: None,
            national_number: id.national_number,
            enterprise_number: None,
            birth_date: id.birth_date,
            street: id.street,
            postal_code: id.postal_code,
            city: id.city,
            country: id.country,
            email: id.email,
            phone: id.phone,
            iban: id.iban,
            language: "nl".into(),
        };
        assert_no_personal_data(&format!("{version:?}"));
    }

    #[test]
    fn a_user_row_debug_form_shows_no_email_or_password_hash() {
        let at = NaiveDate::from_ymd_opt(2025, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let user = UserRow {
            id: "u".into(),
            email: "francoise@example.be".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            display_name: Some("Françoise".into()),
            disabled: false,
            created_at: at,
        };
        let debug = format!("{user:?}");
        assert!(
            !debug.contains("francoise@") && !debug.contains("argon2id"),
            "{debug}"
        );
        assert!(!debug.contains("Françoise"), "{debug}");
        let invitation = InvitationRow {
            tenant_id: "t".into(),
            id: "i".into(),
            email: "francoise@example.be".into(),
            role: "shareholder".into(),
            shareholder_id: None,
            token_hash: "deadbeef".into(),
            expires_at: at,
            accepted_at: None,
            created_by: "u".into(),
            created_at: at,
        };
        let debug = format!("{invitation:?}");
        assert!(
            !debug.contains("francoise@") && !debug.contains("deadbeef"),
            "{debug}"
        );
    }
}
