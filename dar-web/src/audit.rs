//! The cooperative's audit log, for its administrators: newest first, filtered by action,
//! actor and dates, a page at a time; what the helpdesk did in a support session is marked.

use chrono::NaiveDateTime;
use dar_core::types::Language;
use maud::html;

use crate::forms::{Control, Field, FieldErrors, error_summary, field};
use crate::i18n::{Localized, Text, t};
use crate::layout::{Frame, page};
use crate::pages::{Section, Tools, cooperative_nav};
use crate::support::date_time;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditText {
    Title,
    Intro,
    Action,
    ActionHint,
    Actor,
    Anyone,
    FromDate,
    ToDate,
    DateHint,
    Filter,
    When,
    Role,
    Object,
    Support,
    InSession,
    NoEvents,
    Older,
    DateProblem,
    OrderProblem,
    ActionProblem,
    ActorProblem,
}

impl Localized for AuditText {
    fn text(self, lang: Language) -> &'static str {
        use AuditText::*;
        use Language::{En, Fr, Nl};
        match (self, lang) {
            (Title, Nl) => "Auditlog",
            (Title, Fr) => "Journal d'audit",
            (Title, En) => "Audit log",
            (Intro, Nl) => {
                "Elke wijziging, aanmelding en ondersteuningssessie, de nieuwste eerst. Wat de helpdesk in een sessie deed, is gemarkeerd."
            }
            (Intro, Fr) => {
                "Chaque modification, connexion et session d'assistance, les plus récentes d'abord. Ce que le helpdesk a fait pendant une session est signalé."
            }
            (Intro, En) => {
                "Every change, sign-in and support session, newest first. What the helpdesk did in a session is marked."
            }
            (Action, Nl) => "Actie",
            (Action, Fr) => "Action",
            (Action, En) => "Action",
            (ActionHint, Nl) => "Bijvoorbeeld ledger.posted of helpdesk.read.",
            (ActionHint, Fr) => "Par exemple ledger.posted ou helpdesk.read.",
            (ActionHint, En) => "For example ledger.posted or helpdesk.read.",
            (Actor, Nl) => "Wie",
            (Actor, Fr) => "Qui",
            (Actor, En) => "Who",
            (Anyone, Nl) => "iedereen",
            (Anyone, Fr) => "tout le monde",
            (Anyone, En) => "anyone",
            (FromDate, Nl) => "Vanaf",
            (FromDate, Fr) => "Du",
            (FromDate, En) => "From",
            (ToDate, Nl) => "Tot en met",
            (ToDate, Fr) => "Au",
            (ToDate, En) => "Up to and including",
            (DateHint, Nl) => "Zoals 31/12/2025.",
            (DateHint, Fr) => "Comme 31/12/2025.",
            (DateHint, En) => "Such as 31/12/2025.",
            (Filter, Nl) => "Filteren",
            (Filter, Fr) => "Filtrer",
            (Filter, En) => "Filter",
            (When, Nl) => "Wanneer",
            (When, Fr) => "Quand",
            (When, En) => "When",
            (Role, Nl) => "Rol",
            (Role, Fr) => "Rôle",
            (Role, En) => "Role",
            (Object, Nl) => "Waarop",
            (Object, Fr) => "Sur quoi",
            (Object, En) => "On what",
            (Support, Nl) => "Ondersteuning",
            (Support, Fr) => "Assistance",
            (Support, En) => "Support",
            (InSession, Nl) => "in sessie",
            (InSession, Fr) => "en session",
            (InSession, En) => "in session",
            (NoEvents, Nl) => "Geen gebeurtenissen gevonden.",
            (NoEvents, Fr) => "Aucun événement trouvé.",
            (NoEvents, En) => "No events found.",
            (Older, Nl) => "Oudere gebeurtenissen",
            (Older, Fr) => "Événements plus anciens",
            (Older, En) => "Older events",
            (DateProblem, Nl) => "Typ een datum zoals 31/12/2025.",
            (DateProblem, Fr) => "Tapez une date comme 31/12/2025.",
            (DateProblem, En) => "Type a date such as 31/12/2025.",
            (OrderProblem, Nl) => "Deze datum ligt vóór de begindatum.",
            (OrderProblem, Fr) => "Cette date précède la date de début.",
            (OrderProblem, En) => "This date lies before the start date.",
            (ActionProblem, Nl) => {
                "Een actie bestaat uit kleine letters, punten en liggende streepjes."
            }
            (ActionProblem, Fr) => {
                "Une action se compose de minuscules, de points et de tirets bas."
            }
            (ActionProblem, En) => "An action is lower-case letters, dots and underscores.",
            (ActorProblem, Nl) => "Kies iemand uit de lijst.",
            (ActorProblem, Fr) => "Choisissez quelqu'un dans la liste.",
            (ActorProblem, En) => "Choose someone from the list.",
        }
    }
}

/// The filters as typed.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub action: String,
    pub actor: String,
    pub from: String,
    pub to: String,
}

/// One event; the time in Brussels.
pub struct AuditLine {
    pub at: NaiveDateTime,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub object: String,
    /// The support session's ticket, for what the helpdesk did in one.
    pub support_ticket: Option<String>,
}

pub struct AuditPage {
    pub cooperative: String,
    pub slug: String,
    pub tools: Tools,
    pub filters: Filters,
    /// Who may be chosen as actor: (user id, e-mail).
    pub actors: Vec<(String, String)>,
    pub errors: FieldErrors,
    pub lines: Vec<AuditLine>,
    pub next: Option<String>,
}

pub fn audit_page(frame: &Frame, p: &AuditPage) -> String {
    use AuditText::*;
    let lang = frame.lang;
    let f = &p.filters;
    let e = &p.errors;
    let labels = [
        ("action", t(lang, Action)),
        ("actor", t(lang, Actor)),
        ("from", t(lang, FromDate)),
        ("to", t(lang, ToDate)),
    ];
    let mut actors = vec![(String::new(), t(lang, Anyone).to_string())];
    actors.extend(p.actors.iter().cloned());
    page(
        frame,
        html! {
            p.context { (p.cooperative) }
            (cooperative_nav(lang, &p.slug, p.tools, Section::Audit))
            h1 { (t(lang, Title)) }
            p { (t(lang, Intro)) }
            (error_summary(t(lang, Text::FormProblems), e, &labels))
            form.search.filters method="get" action=(format!("/c/{}/audit", p.slug)) role="search" {
                div { (field(&Field::new("action", labels[0].1, &f.action, Control::Text).hint(t(lang, ActionHint)).error_from(e))) }
                div { (field(&Field::new("actor", labels[1].1, &f.actor, Control::Select { options: actors }).error_from(e))) }
                div { (field(&Field::new("from", labels[2].1, &f.from, Control::Date).hint(t(lang, DateHint)).error_from(e))) }
                div { (field(&Field::new("to", labels[3].1, &f.to, Control::Date).hint(t(lang, DateHint)).error_from(e))) }
                button type="submit" { (t(lang, Filter)) }
            }
            @if e.is_empty() {
                @if p.lines.is_empty() {
                    p role="status" { (t(lang, NoEvents)) }
                } @else {
                    div.scroll tabindex="0" role="region" aria-label=(t(lang, Title)) {
                        table.audit {
                            thead { tr {
                                th scope="col" { (t(lang, When)) }
                                th scope="col" { (t(lang, Actor)) }
                                th scope="col" { (t(lang, Role)) }
                                th scope="col" { (t(lang, Action)) }
                                th scope="col" { (t(lang, Object)) }
                                th scope="col" { (t(lang, Support)) }
                            } }
                            tbody {
                                @for l in &p.lines {
                                    tr.in-session[l.support_ticket.is_some()] {
                                        td.nowrap { (date_time(l.at)) }
                                        td { (l.actor) }
                                        td { (l.role) }
                                        td { code { (l.action) } }
                                        td.object { (l.object) }
                                        td {
                                            @if let Some(ticket) = &l.support_ticket {
                                                span.badge { (t(lang, InSession)) " " (ticket) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if let Some(next) = &p.next {
                        p { a rel="next" href=(next) { (t(lang, Older)) } }
                    }
                }
            }
        },
    )
}
