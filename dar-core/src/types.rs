//! Closed vocabularies of the register: each one is an enum with its wire name, so a value
//! outside the list cannot travel past the edge.

use serde::{Deserialize, Serialize};

/// Defines an enum whose variants map one-to-one to stable lower-case wire names, used in
/// JSON and in the database alike.
macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            /// Parses the wire name; `None` for anything else.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($wire => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(
    /// The languages DAR speaks; Dutch first.
    Language { Nl => "nl", Fr => "fr", En => "en" }
);

wire_enum!(
    /// Who may transfer shares of a class (SPEC §2, invariant 9).
    TransferRule { Free => "free", Approval => "approval", NotTransferable => "none" }
);

wire_enum!(
    /// How votes are counted at the general meeting.
    VotingRule { OneMemberOneVote => "one_member_one_vote", PerShare => "per_share" }
);

wire_enum!(
    /// Lifecycle of a tenant on the platform.
    TenantStatus { Active => "active", Suspended => "suspended", Archived => "archived" }
);

wire_enum!(
    /// A natural person or a legal entity.
    ShareholderKind { Natural => "natural", Legal => "legal" }
);

wire_enum!(
    /// Lifecycle of a shareholder in the register.
    ShareholderStatus { Active => "active", Exited => "exited", Excluded => "excluded", Deceased => "deceased" }
);

wire_enum!(
    /// The five roles of SPEC §1.
    Role {
        Coordinator => "coordinator",
        Helpdesk => "helpdesk",
        Admin => "admin",
        Viewer => "viewer",
        Shareholder => "shareholder",
    }
);

wire_enum!(
    /// The kinds of ledger entry.
    EntryKind {
        Issue => "issue",
        Transfer => "transfer",
        Redemption => "redemption",
        Payment => "payment",
        Reversal => "reversal",
    }
);

impl Role {
    /// Roles that belong to one tenant rather than to the whole platform.
    pub fn is_tenant_role(&self) -> bool {
        matches!(self, Role::Admin | Role::Viewer | Role::Shareholder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wire_name_parses_back_to_its_variant() {
        for kind in EntryKind::ALL {
            assert_eq!(EntryKind::parse(kind.as_str()), Some(*kind));
        }
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(
            TransferRule::parse("none"),
            Some(TransferRule::NotTransferable)
        );
    }

    #[test]
    fn unknown_wire_names_are_refused() {
        assert_eq!(Language::parse("de"), None);
        assert!(serde_json::from_str::<Language>("\"NL\"").is_err());
    }
}
