//! Inviting people and accepting invitations: one implementation for both front doors (the
//! JSON API and the web pages), so an invitation made or accepted either way is the same.

use actix_web::web;
use chrono::{DateTime, Utc};

use crate::auth::{Need, Principal, password, throttle, tokens};
use crate::config::Settings;
use crate::error::{ApiError, ApiResult};
use crate::request::RequestMeta;
use crate::routes::{parse_path_id, tenant_access};
use crate::state::{AppState, Audited};
use dar_core::ids::{ShareholderId, TenantId, UserId};
use dar_core::types::{Language, Role};
use dar_db::DbConnection;
use dar_db::audit::{self, NewAuditEvent};
use dar_db::users::{self, Grant, UserRow};

/// How long an invitation can be accepted.
pub const INVITATION_DAYS: i64 = 14;

/// Whether `email` looks like an e-mail address (the mail server has the last word).
pub fn check_email(email: &str) -> ApiResult<()> {
    let email = email.trim();
    let ok = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid("email", "not an email address"))
    }
}

/// Whom to invite, as what.
pub struct NewInvitation {
    pub email: String,
    pub role: Role,
    /// For a shareholder: the record the account will see.
    pub shareholder: Option<ShareholderId>,
    /// The mail's language; by default the shareholder's, else the cooperative's.
    pub lang: Option<Language>,
}

/// A made invitation. The token is shown once (the mail carries it too) and kept only as
/// a hash.
pub struct Invited {
    pub id: String,
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub mail_id: String,
}

/// Invites someone to the cooperative `tenant_key` (id or slug), and queues the mail that
/// carries the link, on the caller's write transaction: the invitation, its mail and (the
/// caller's `write` records it) its audit event commit together or not at all. The
/// coordinator may invite a cooperative's administrator; its administrators invite anyone.
/// Call [`crate::mail::Outbox::wake`] once the transaction committed.
pub fn invite_to_tenant(
    conn: &mut DbConnection,
    settings: &Settings,
    principal: &Principal,
    meta: &RequestMeta,
    tenant_key: &str,
    new: NewInvitation,
) -> ApiResult<Audited<Invited>> {
    check_email(&new.email)?;
    if !new.role.is_tenant_role() {
        return Err(ApiError::invalid(
            "role",
            "must be admin, viewer or shareholder",
        ));
    }
    let (tenant, tenant_id, actor_role): (_, TenantId, &str) =
        if principal.has_platform_role(Role::Coordinator) && new.role == Role::Admin {
            let t = dar_db::tenants::find(conn, tenant_key)?;
            let id = parse_path_id(&t.id)?;
            (t, id, "coordinator")
        } else {
            let (t, id, access) =
                tenant_access(conn, principal, tenant_key, Need::ManageTenant, meta)?;
            (t, id, access.actor_role())
        };
    let holder_language = match &new.shareholder {
        Some(holder) => Some(
            dar_db::shareholders::get(conn, &tenant_id, holder)
                .map_err(|e| match e {
                    dar_db::StoreError::NotFound => ApiError::invalid(
                        "shareholder_id",
                        "no shareholder with this id in this register",
                    ),
                    other => other.into(),
                })?
                .language,
        ),
        None => None,
    };
    let lang = new
        .lang
        .or_else(|| holder_language.as_deref().and_then(Language::parse))
        .or_else(|| Language::parse(&tenant.default_language))
        .unwrap_or(Language::Nl);
    let now = Utc::now();
    let (token, hash) = tokens::opaque_token();
    let expires = now + chrono::Duration::days(INVITATION_DAYS);
    let row = users::create_invitation(
        conn,
        &tenant_id,
        &new.email,
        new.role,
        new.shareholder,
        &hash,
        expires,
        &principal.user_id,
        now,
    )?;
    let mail = crate::mail::enqueue_invitation(
        conn,
        settings,
        &crate::mail::InvitationMail {
            to: &row.email,
            lang,
            cooperative: Some((&tenant_id, &tenant.legal_name)),
            role: new.role,
            token: &token,
            expires_at: expires,
        },
        now,
    )?;
    let event = NewAuditEvent {
        tenant_id: Some(tenant.id.clone()),
        actor_user_id: Some(principal.user_id.to_string()),
        actor_role: Some(actor_role.into()),
        action: "invitation.created".into(),
        object_type: Some("invitation".into()),
        object_id: Some(row.id.clone()),
        request_id: Some(meta.request_id.clone()),
        source_ip: meta.source_ip.clone(),
        details: Some(serde_json::json!({
            "role": new.role.as_str(), "email": row.email, "mail_id": mail.id,
        })),
        ..Default::default()
    };
    Ok(Audited {
        event,
        value: Invited {
            id: row.id,
            token,
            expires_at: expires,
            mail_id: mail.id,
        },
    })
}

/// Invites someone to a platform role (another coordinator, or a helpdesk agent); only the
/// coordinator may. Like [`invite_to_tenant`], on the caller's write transaction, with the
/// mail in the inviter's chosen language (Dutch by default).
pub fn invite_to_platform(
    conn: &mut DbConnection,
    settings: &Settings,
    principal: &Principal,
    meta: &RequestMeta,
    new: NewInvitation,
) -> ApiResult<Audited<Invited>> {
    if !principal.has_platform_role(Role::Coordinator) {
        return Err(ApiError::Forbidden(
            "only the coordinator invites platform users",
        ));
    }
    check_email(&new.email)?;
    if new.role.is_tenant_role() {
        return Err(ApiError::invalid("role", "must be coordinator or helpdesk"));
    }
    let now = Utc::now();
    let (token, hash) = tokens::opaque_token();
    let expires = now + chrono::Duration::days(INVITATION_DAYS);
    let row = users::create_platform_invitation(
        conn,
        &new.email,
        new.role,
        &hash,
        expires,
        &principal.user_id,
        now,
    )?;
    let mail = crate::mail::enqueue_invitation(
        conn,
        settings,
        &crate::mail::InvitationMail {
            to: &row.email,
            lang: new.lang.unwrap_or(Language::Nl),
            cooperative: None,
            role: new.role,
            token: &token,
            expires_at: expires,
        },
        now,
    )?;
    let event = NewAuditEvent {
        actor_user_id: Some(principal.user_id.to_string()),
        actor_role: Some("coordinator".into()),
        action: "invitation.created".into(),
        object_type: Some("platform_invitation".into()),
        object_id: Some(row.id.clone()),
        request_id: Some(meta.request_id.clone()),
        source_ip: meta.source_ip.clone(),
        details: Some(serde_json::json!({
            "role": new.role.as_str(), "email": row.email, "mail_id": mail.id,
        })),
        ..Default::default()
    };
    Ok(Audited {
        event,
        value: Invited {
            id: row.id,
            token,
            expires_at: expires,
            mail_id: mail.id,
        },
    })
}

/// Accepts an invitation: creates the account, or adds the grant to the existing account
/// with that e-mail (whose password must then be given; it is throttled like a login, or an
/// invitation would be a way around the login throttle). Returns the account.
pub async fn accept_invitation(
    state: &AppState,
    meta: RequestMeta,
    token: &str,
    pw: String,
    display_name: Option<String>,
) -> ApiResult<UserRow> {
    let ip = meta.source_ip.as_deref().and_then(|ip| ip.parse().ok());
    let token_hash = tokens::token_hash(token);
    let hash = token_hash.clone();
    let existing = state
        .db(move |conn| {
            let email = users::invitation_email(conn, &hash)?.ok_or(ApiError::NotFound)?;
            Ok(users::find_by_email(conn, &email)?)
        })
        .await?;
    // A refused attempt leaves the invitation unclaimed, to be tried again.
    let account = existing.as_ref().map(|u| users::normalise_email(&u.email));
    if let Some(account) = &account {
        state
            .login_throttle
            .check(account, ip, std::time::Instant::now())?;
    }
    // Argon2 is slow on purpose, so the password is checked (or hashed for the new account)
    // before the transaction, which then holds its locks only for the writes.
    let known_hash = existing.as_ref().map(|u| u.password_hash.clone());
    let checked = web::block(move || match known_hash {
        Some(stored) if password::verify(&pw, &stored) => Ok(None),
        Some(_) => Err(ApiError::Unauthenticated(
            "give the password of the existing account",
        )),
        None => {
            password::check_strength(&pw)?;
            password::hash(&pw).map(Some)
        }
    })
    .await?;
    if let (Some(account), Some(user)) = (&account, &existing) {
        let now = std::time::Instant::now();
        if matches!(checked, Err(ApiError::Unauthenticated(_))) {
            let started = state.login_throttle.failed(account, ip, now);
            let events: Vec<_> = started
                .iter()
                .map(|s| throttle::started_event(s, Some(user.id.clone()), &meta))
                .collect();
            if !events.is_empty() {
                state
                    .db(move |conn| Ok(audit::record_many(conn, events, Utc::now())?))
                    .await?;
            }
        } else if checked.is_ok() {
            state.login_throttle.succeeded(account, ip, now);
        }
    }
    let new_hash = checked?;
    state
        .write(move |conn| {
            let now = Utc::now();
            let claimed = claim(conn, &token_hash, now)?;
            let user = match (users::find_by_email(conn, &claimed.email)?, new_hash) {
                (Some(user), None) if existing.as_ref().is_some_and(|e| e.id == user.id) => user,
                (None, Some(hash)) => {
                    users::create(conn, &claimed.email, &hash, display_name.as_deref(), now)?
                }
                // The account was created (or removed) while the password was checked.
                _ => {
                    return Err(ApiError::Unavailable(
                        "the account changed while this invitation was accepted; retry".into(),
                    ));
                }
            };
            let user_id: UserId = user.id.parse().map_err(ApiError::internal)?;
            users::add_grant(conn, &user_id, &claimed.grant, now)?;
            let event = NewAuditEvent {
                tenant_id: claimed.grant.tenant_id.map(|t| t.to_string()),
                actor_user_id: Some(user.id.clone()),
                action: "invitation.accepted".into(),
                object_type: Some("invitation".into()),
                object_id: Some(claimed.id.clone()),
                request_id: Some(meta.request_id.clone()),
                source_ip: meta.source_ip.clone(),
                details: Some(serde_json::json!({ "role": claimed.grant.role.as_str() })),
                ..Default::default()
            };
            Ok(Audited { value: user, event })
        })
        .await
}

/// An accepted invitation: whom it was for and the grant it gives.
struct Claimed {
    id: String,
    email: String,
    grant: Grant,
}

/// Claims a tenant invitation or, failing that, a platform invitation with this token.
fn claim(conn: &mut DbConnection, token_hash: &str, now: DateTime<Utc>) -> ApiResult<Claimed> {
    let bad =
        |what: &str| ApiError::internal(anyhow::anyhow!("stored invitation has a bad {what}"));
    match users::claim_invitation(conn, token_hash, now) {
        Ok(invitation) => Ok(Claimed {
            grant: Grant {
                role: Role::parse(&invitation.role).ok_or_else(|| bad("role"))?,
                tenant_id: Some(invitation.tenant_id.parse().map_err(|_| bad("tenant"))?),
                shareholder_id: invitation
                    .shareholder_id
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(|_| bad("shareholder"))?,
            },
            id: invitation.id,
            email: invitation.email,
        }),
        Err(dar_db::StoreError::NotFound) => {
            match users::claim_platform_invitation(conn, token_hash, now) {
                Ok(invitation) => Ok(Claimed {
                    grant: Grant {
                        role: Role::parse(&invitation.role).ok_or_else(|| bad("role"))?,
                        tenant_id: None,
                        shareholder_id: None,
                    },
                    id: invitation.id,
                    email: invitation.email,
                }),
                Err(dar_db::StoreError::NotFound) => Err(ApiError::NotFound),
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}
