//! The cooperative's audit log page, for whom `authorize` lets read it: newest first, 50
//! events a page with a cursor, filtered by action, actor and dates (typed 31/12/2025, a
//! Brussels day each).

use actix_web::{HttpRequest, get, web};
use serde::Deserialize;

use super::session::WebUser;
use super::support::{chrome, cooperative_frame};
use super::{PageError, PageResult, ok};
use crate::auth::Need;
use crate::error::ApiError;
use crate::request::RequestMeta;
use crate::routes::{decode_cursor, tenant_access};
use crate::state::AppState;
use dar_db::audit::AuditFilter;
use dar_web::audit::{self as pages, AuditText, Filters};
use dar_web::forms::{FieldErrors, parse_date};
use dar_web::i18n::t;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(audit_log);
}

/// Events a page shows.
const PAGE_EVENTS: i64 = 50;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<String>,
}

/// An action as the log writes them: `ledger.posted`, `helpdesk.read`.
fn is_action(s: &str) -> bool {
    s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')
}

#[get("/c/{tenant}/audit")]
async fn audit_log(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let q: AuditQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let before: Option<String> = match q.before.as_deref() {
        None => None,
        Some(c) => Some(decode_cursor(c).map_err(|_| PageError::NotFound { lang })?),
    };
    let filters = Filters {
        action: q.action.clone().unwrap_or_default().trim().to_string(),
        actor: q.actor.clone().unwrap_or_default(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
    };
    let mut errors = FieldErrors::default();
    if !is_action(&filters.action) {
        errors.add("action", t(lang, AuditText::ActionProblem));
    }
    let date = |typed: &str, errors: &mut FieldErrors, field: &str| {
        if typed.trim().is_empty() {
            return None;
        }
        let parsed = parse_date(typed);
        if parsed.is_none() {
            errors.add(field, t(lang, AuditText::DateProblem));
        }
        parsed
    };
    let from = date(&filters.from, &mut errors, "from");
    let to = date(&filters.to, &mut errors, "to");
    if let (Some(f), Some(u)) = (from, to)
        && u < f
    {
        errors.add("to", t(lang, AuditText::OrderProblem));
    }
    let key = path.into_inner();
    let principal = user.principal.clone();
    let (page, banner) = state
        .db(move |conn| {
            let (tenant, tenant_id, access) =
                tenant_access(conn, &principal, &key, Need::ReadAudit, &meta)?;
            let chrome = chrome(conn, &principal, &tenant, &access, &meta)?;
            let actors = dar_db::audit::actors(conn, &tenant.id)?;
            if !filters.actor.is_empty() && !actors.iter().any(|(id, _)| *id == filters.actor) {
                errors.add("actor", t(lang, AuditText::ActorProblem));
            }
            let mut lines = Vec::new();
            let mut next = None;
            if errors.is_empty() {
                let rows = dar_db::audit::list(
                    conn,
                    &AuditFilter {
                        tenant_id: Some(tenant.id.clone()),
                        action: Some(filters.action.clone()).filter(|a| !a.is_empty()),
                        actor_user_id: Some(filters.actor.clone()).filter(|a| !a.is_empty()),
                        before_id: before,
                        from: from.map(dar_core::time::brussels_day_start),
                        until: to
                            .and_then(|d| d.succ_opt())
                            .map(dar_core::time::brussels_day_start),
                        limit: PAGE_EVENTS,
                    },
                )?;
                next = crate::routes::next_cursor(&rows, PAGE_EVENTS, |r| r.id.clone()).map(
                    |cursor| {
                        let mut link = form_urlencoded::Serializer::new(String::new());
                        for (name, value) in [
                            ("action", &filters.action),
                            ("actor", &filters.actor),
                            ("from", &filters.from),
                            ("to", &filters.to),
                        ] {
                            if !value.is_empty() {
                                link.append_pair(name, value);
                            }
                        }
                        link.append_pair("before", &cursor);
                        format!("/c/{}/audit?{}", tenant.slug, link.finish())
                    },
                );
                let mut ids: Vec<String> = rows
                    .iter()
                    .filter_map(|r| r.actor_user_id.clone())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                let emails = dar_db::audit::emails(conn, &ids)?;
                let tickets: std::collections::HashMap<String, String> =
                    dar_db::support::list(conn, &tenant_id, 10_000)?
                        .into_iter()
                        .map(|s| (s.id, s.ticket))
                        .collect();
                lines = rows
                    .into_iter()
                    .map(|r| pages::AuditLine {
                        at: dar_core::time::brussels_time(r.at.and_utc()),
                        actor: r
                            .actor_user_id
                            .as_ref()
                            .and_then(|id| emails.get(id).cloned())
                            .unwrap_or_default(),
                        role: r.actor_role.unwrap_or_default(),
                        action: r.action,
                        object: [r.object_type, r.object_id]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" "),
                        support_ticket: r
                            .support_session_id
                            .map(|id| tickets.get(&id).cloned().unwrap_or_default()),
                    })
                    .collect();
            }
            Ok::<_, ApiError>((
                pages::AuditPage {
                    cooperative: tenant.legal_name,
                    slug: tenant.slug,
                    tools: chrome.tools,
                    filters,
                    actors,
                    errors,
                    lines,
                    next,
                },
                chrome.banner,
            ))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let here = format!("/c/{}/audit", page.slug);
    let title = t(lang, AuditText::Title);
    let status = if page.errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = pages::audit_page(
        &cooperative_frame(&user, title, &here, banner.as_ref()),
        &page,
    );
    if status.is_success() {
        ok(body)
    } else {
        Ok(super::html_response(status, body))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_action_is_lower_case_words_with_dots() {
        assert!(super::is_action("ledger.posted"));
        assert!(super::is_action(""));
        assert!(!super::is_action("Ledger posted"));
        assert!(!super::is_action("x'; drop"));
    }
}
