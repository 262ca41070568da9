//! Typed ids, so that a shareholder id can never be passed where a tenant id is meant.
//! Ids are UUID v7: time-ordered, which keeps B-tree inserts local.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A cooperative (tenant) of the platform.
    TenantId
);
id_type!(
    /// A platform user (a login).
    UserId
);
id_type!(
    /// A share class of one tenant.
    ShareClassId
);
id_type!(
    /// A shareholder record of one tenant.
    ShareholderId
);
id_type!(
    /// A ledger entry.
    EntryId
);
id_type!(
    /// An invitation to join a tenant.
    InvitationId
);
id_type!(
    /// A helpdesk support session on one tenant.
    SupportSessionId
);
id_type!(
    /// A share certificate issued to a holder.
    CertificateId
);
id_type!(
    /// A background job that issues certificates in bulk.
    CertificateBatchId
);
id_type!(
    /// An uploaded register: its dry run and, once committed, the job that wrote it.
    ImportId
);
