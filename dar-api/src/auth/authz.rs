//! The permission matrix of SPEC §1, in one place. Every tenant handler calls [`authorize`]
//! with what it needs; nothing else decides who may do what.
//!
//! Someone with no business on a tenant gets `404`, exactly as for a tenant that does not
//! exist, so tenant ids cannot be confirmed. Platform roles know tenants exist and get `403`.

use chrono::Utc;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::request::RequestMeta;
use dar_core::ids::{ShareholderId, TenantId};
use dar_core::types::Role;
use dar_db::DbConnection;
use dar_db::audit::{self, NewAuditEvent};
use dar_db::tenants::TenantRow;

/// What a handler is about to do on a tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Read the register: classes, shareholders, ledger, holdings.
    ReadRegister,
    /// Post entries, create or change classes and shareholders.
    WriteRegister,
    /// Invite users, change tenant settings.
    ManageTenant,
    /// Read the tenant's audit log.
    ReadAudit,
    /// Read one shareholder's record, holdings and entries.
    ReadShareholder(ShareholderId),
    /// Change one shareholder's contact details.
    UpdateContact(ShareholderId),
    /// Have a current certificate issued for one shareholder: the register's keepers
    /// always, the holder themselves when the cooperative lets its shareholders ask.
    RequestCertificate(ShareholderId),
    /// Consult the minimised register of a class (the handler checks the class is held).
    ConsultClassRegister,
    /// See the cooperative itself (name, enterprise number, settings): every member may.
    ReadTenant,
    /// Close a support session.
    CloseSupportSession,
}

impl Need {
    fn writes(&self) -> bool {
        matches!(
            self,
            Need::WriteRegister
                | Need::ManageTenant
                | Need::UpdateContact(_)
                | Need::RequestCertificate(_)
        )
    }
}

/// How the caller was let in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    pub role: Role,
    /// Set when the helpdesk acts inside a support session.
    pub support_session_id: Option<String>,
    /// The caller's own shareholder records on this tenant.
    pub own_shareholders: Vec<ShareholderId>,
}

impl Access {
    /// National register numbers are shown only to those who need them: the tenant's
    /// admins, and shareholders for their own record.
    pub fn sees_national_number(&self, holder: &ShareholderId) -> bool {
        self.role == Role::Admin || self.own_shareholders.contains(holder)
    }

    /// Who was on the other side of a transfer is shown to those who keep or read the
    /// register (admins, viewers, the helpdesk in a session), not to a shareholder reading
    /// their own history (README "Privacy").
    pub fn sees_counterparties(&self) -> bool {
        self.role != Role::Shareholder
    }

    pub fn actor_role(&self) -> &'static str {
        self.role.as_str()
    }
}

/// An administrator of the tenant may do everything in it, and the token alone says so: the
/// answer needs no database. `None`: someone else, whom [`authorize`] decides on.
pub fn admin_access(principal: &Principal, tenant: &TenantId) -> Option<Access> {
    let grants: Vec<_> = principal.tenant_grants(tenant).collect();
    grants
        .iter()
        .any(|g| g.role == Role::Admin)
        .then(|| Access {
            role: Role::Admin,
            support_session_id: None,
            own_shareholders: grants.iter().filter_map(|g| g.shareholder_id).collect(),
        })
}

pub fn authorize(
    conn: &mut DbConnection,
    principal: &Principal,
    tenant: &TenantRow,
    need: Need,
    meta: &RequestMeta,
) -> Result<Access, ApiError> {
    let tenant_id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
    let roles: Vec<_> = principal.tenant_grants(&tenant_id).collect();
    let own_shareholders: Vec<ShareholderId> =
        roles.iter().filter_map(|g| g.shareholder_id).collect();
    let has = |role: Role| roles.iter().any(|g| g.role == role);

    if let Some(access) = admin_access(principal, &tenant_id) {
        return Ok(access);
    }
    if has(Role::Viewer) && !need.writes() && need != Need::ManageTenant && need != Need::ReadAudit
    {
        if need == Need::CloseSupportSession {
            return Err(ApiError::Forbidden(
                "only admins and the helpdesk close support sessions",
            ));
        }
        return Ok(Access {
            role: Role::Viewer,
            support_session_id: None,
            own_shareholders,
        });
    }
    if !own_shareholders.is_empty() {
        match need {
            Need::ReadShareholder(id) | Need::UpdateContact(id)
                if own_shareholders.contains(&id) =>
            {
                return Ok(Access {
                    role: Role::Shareholder,
                    support_session_id: None,
                    own_shareholders,
                });
            }
            Need::RequestCertificate(id) if own_shareholders.contains(&id) => {
                let settings = dar_db::documents::settings(conn, &tenant_id)?;
                if !settings.holders_may_request_certificates {
                    return Err(ApiError::Forbidden(
                        "this cooperative does not let its shareholders ask for certificates",
                    ));
                }
                return Ok(Access {
                    role: Role::Shareholder,
                    support_session_id: None,
                    own_shareholders,
                });
            }
            Need::ConsultClassRegister | Need::ReadTenant => {
                return Ok(Access {
                    role: Role::Shareholder,
                    support_session_id: None,
                    own_shareholders,
                });
            }
            // Another holder's record: not confirmable.
            Need::ReadShareholder(_) | Need::UpdateContact(_) | Need::RequestCertificate(_) => {
                return Err(ApiError::NotFound);
            }
            _ if has(Role::Viewer) => return Err(ApiError::Forbidden("viewers may only read")),
            _ => {
                return Err(ApiError::Forbidden(
                    "shareholders see only their own record",
                ));
            }
        }
    }
    if has(Role::Viewer) {
        return Err(ApiError::Forbidden("viewers may only read"));
    }
    if principal.has_platform_role(Role::Helpdesk) {
        return helpdesk_access(conn, principal, tenant, &tenant_id, need, meta);
    }
    if principal.has_platform_role(Role::Coordinator) {
        return Err(ApiError::Forbidden(
            "the coordinator does not see a cooperative's register",
        ));
    }
    Err(ApiError::NotFound)
}

/// The helpdesk works on a tenant only inside an open support session; every request in it
/// is audited, reads included, and writes need both the session and the tenant to allow them.
fn helpdesk_access(
    conn: &mut DbConnection,
    principal: &Principal,
    tenant: &TenantRow,
    tenant_id: &TenantId,
    need: Need,
    meta: &RequestMeta,
) -> Result<Access, ApiError> {
    let now = Utc::now();
    let session = dar_db::support::active(conn, tenant_id, &principal.user_id, now)?;
    let Some(session) = session else {
        return Err(ApiError::Forbidden(
            "open a support session on this cooperative first",
        ));
    };
    match need {
        Need::ManageTenant | Need::ReadAudit => {
            return Err(ApiError::Forbidden(
                "the helpdesk cannot manage a cooperative's users or audit log",
            ));
        }
        // An agent closes their own session (checked before `authorize` is asked), not a
        // colleague's: that is the cooperative's call.
        Need::CloseSupportSession => {
            return Err(ApiError::Forbidden(
                "the helpdesk closes only its own support sessions",
            ));
        }
        n if n.writes() && !(session.can_write && tenant.helpdesk_may_write) => {
            return Err(ApiError::Forbidden(
                "this cooperative does not allow the helpdesk to write",
            ));
        }
        _ => {}
    }
    audit::record(
        conn,
        NewAuditEvent {
            tenant_id: Some(tenant.id.clone()),
            actor_user_id: Some(principal.user_id.to_string()),
            actor_role: Some(Role::Helpdesk.as_str().into()),
            action: if need.writes() {
                "helpdesk.write".into()
            } else {
                "helpdesk.read".into()
            },
            object_type: Some("request".into()),
            object_id: Some(meta.path.clone()),
            request_id: Some(meta.request_id.clone()),
            source_ip: meta.source_ip.clone(),
            support_session_id: Some(session.id.clone()),
            details: Some(serde_json::json!({ "method": meta.method, "ticket": session.ticket })),
        },
        now,
    )?;
    Ok(Access {
        role: Role::Helpdesk,
        support_session_id: Some(session.id),
        own_shareholders: vec![],
    })
}

/// What a caller is about to do with the platform's billing (SPEC §1, §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BillingNeed {
    /// Invoicing identity, plans, profiles, usage, runs, invoices, credit notes, payments:
    /// the coordinator's alone.
    Manage,
    /// Read the invoices of one cooperative: the coordinator, and that cooperative's admins.
    ReadInvoicesOf(TenantId),
}

pub fn authorize_billing(principal: &Principal, need: BillingNeed) -> Result<(), ApiError> {
    if principal.has_platform_role(Role::Coordinator) {
        return Ok(());
    }
    match need {
        BillingNeed::Manage => Err(ApiError::Forbidden("only the coordinator manages billing")),
        BillingNeed::ReadInvoicesOf(tenant) if admin_access(principal, &tenant).is_some() => Ok(()),
        // Another cooperative's invoice, or no admin: not confirmable.
        BillingNeed::ReadInvoicesOf(_) => Err(ApiError::NotFound),
    }
}
