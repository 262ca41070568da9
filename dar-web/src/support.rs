//! The helpdesk's support sessions: the banner over every page of a cooperative that the
//! helpdesk reads in a session, the form that opens a session, and the administrator's list
//! of the sessions on their cooperative.

use chrono::NaiveDateTime;
use dar_core::types::Language;
use maud::{Markup, html};

use crate::forms::{Control, Field, FieldErrors, error_summary, field};
use crate::i18n::{Localized, Text, date, t};
use crate::layout::{Frame, page};
use crate::pages::{Section, Tools, cooperative_nav};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SupportText {
    BannerTitle,
    BannerReason,
    BannerTicket,
    BannerUntil,
    MinutesLeft,
    LessThanAMinute,
    BannerReadOnly,
    BannerMayWrite,
    CloseSession,
    OpenTitle,
    OpenIntro,
    Reason,
    ReasonHint,
    Ticket,
    TicketHint,
    Minutes,
    MinutesHint,
    OpenSession,
    ReasonProblem,
    TicketProblem,
    MinutesProblem,
    NoSessionNotice,
    ClosedNotice,
    OpenLink,
    SessionsTitle,
    SessionsIntro,
    NoSessions,
    Helpdesk,
    Opened,
    Until,
    State,
    StateOpen,
    StateExpired,
    StateClosed,
    Action,
    AdminClosedNotice,
    GoToOverview,
}

impl Localized for SupportText {
    fn text(self, lang: Language) -> &'static str {
        use Language::{En, Fr, Nl};
        use SupportText::*;
        match (self, lang) {
            (BannerTitle, Nl) => "Ondersteuningssessie van de helpdesk",
            (BannerTitle, Fr) => "Session d'assistance du helpdesk",
            (BannerTitle, En) => "Helpdesk support session",
            (BannerReason, Nl) => "Reden",
            (BannerReason, Fr) => "Motif",
            (BannerReason, En) => "Reason",
            (BannerTicket, Nl) => "ticket",
            (BannerTicket, Fr) => "ticket",
            (BannerTicket, En) => "ticket",
            (BannerUntil, Nl) => "Open tot",
            (BannerUntil, Fr) => "Ouverte jusqu'à",
            (BannerUntil, En) => "Open until",
            (MinutesLeft, Nl) => "minuten over",
            (MinutesLeft, Fr) => "minutes restantes",
            (MinutesLeft, En) => "minutes left",
            (LessThanAMinute, Nl) => "minder dan een minuut over",
            (LessThanAMinute, Fr) => "moins d'une minute restante",
            (LessThanAMinute, En) => "less than a minute left",
            (BannerReadOnly, Nl) => "U kunt lezen, niet wijzigen.",
            (BannerReadOnly, Fr) => "Vous pouvez lire, pas modifier.",
            (BannerReadOnly, En) => "You may read, not change anything.",
            (BannerMayWrite, Nl) => "De coöperatie staat toe dat u wijzigt.",
            (BannerMayWrite, Fr) => "La coopérative vous permet de modifier.",
            (BannerMayWrite, En) => "The cooperative allows you to make changes.",
            (CloseSession, Nl) => "Sessie sluiten",
            (CloseSession, Fr) => "Fermer la session",
            (CloseSession, En) => "Close the session",
            (OpenTitle, Nl) => "Ondersteuningssessie openen",
            (OpenTitle, Fr) => "Ouvrir une session d'assistance",
            (OpenTitle, En) => "Open a support session",
            (OpenIntro, Nl) => {
                "De pagina's van een coöperatie gaan voor de helpdesk enkel open tijdens een ondersteuningssessie. Geef de reden en het ticket; de sessie sluit vanzelf na de gekozen tijd (hoogstens 8 uur). De beheerders van de coöperatie zien de sessie en alles wat u erin doet."
            }
            (OpenIntro, Fr) => {
                "Les pages d'une coopérative ne s'ouvrent au helpdesk que pendant une session d'assistance. Indiquez le motif et le ticket ; la session se ferme d'elle-même après la durée choisie (8 heures au plus). Les administrateurs de la coopérative voient la session et tout ce que vous y faites."
            }
            (OpenIntro, En) => {
                "A cooperative's pages open for the helpdesk only during a support session. Give the reason and the ticket; the session closes by itself after the time you choose (8 hours at most). The cooperative's administrators see the session and everything you do in it."
            }
            (Reason, Nl) => "Reden",
            (Reason, Fr) => "Motif",
            (Reason, En) => "Reason",
            (ReasonHint, Nl) => "Waarom u de gegevens van deze coöperatie moet inzien.",
            (ReasonHint, Fr) => "Pourquoi vous devez consulter les données de cette coopérative.",
            (ReasonHint, En) => "Why you need to see this cooperative's data.",
            (Ticket, Nl) => "Ticketnummer",
            (Ticket, Fr) => "Numéro de ticket",
            (Ticket, En) => "Ticket reference",
            (TicketHint, Nl) => "Bijvoorbeeld HD-1234.",
            (TicketHint, Fr) => "Par exemple HD-1234.",
            (TicketHint, En) => "For example HD-1234.",
            (Minutes, Nl) => "Duur in minuten",
            (Minutes, Fr) => "Durée en minutes",
            (Minutes, En) => "Duration in minutes",
            (MinutesHint, Nl) => "Van 1 tot 480; standaard 60.",
            (MinutesHint, Fr) => "De 1 à 480 ; 60 par défaut.",
            (MinutesHint, En) => "From 1 to 480; 60 if left empty.",
            (OpenSession, Nl) => "Sessie openen",
            (OpenSession, Fr) => "Ouvrir la session",
            (OpenSession, En) => "Open the session",
            (ReasonProblem, Nl) => "Geef een reden van 1 tot 500 tekens.",
            (ReasonProblem, Fr) => "Indiquez un motif de 1 à 500 caractères.",
            (ReasonProblem, En) => "Give a reason of 1 to 500 characters.",
            (TicketProblem, Nl) => "Geef een ticketnummer van 1 tot 100 tekens.",
            (TicketProblem, Fr) => "Indiquez un numéro de ticket de 1 à 100 caractères.",
            (TicketProblem, En) => "Give a ticket reference of 1 to 100 characters.",
            (MinutesProblem, Nl) => "Geef een geheel aantal minuten van 1 tot 480.",
            (MinutesProblem, Fr) => "Indiquez un nombre entier de minutes de 1 à 480.",
            (MinutesProblem, En) => "Give a whole number of minutes from 1 to 480.",
            (NoSessionNotice, Nl) => {
                "U hebt geen open ondersteuningssessie op deze coöperatie: ze is verlopen of gesloten. Open een nieuwe om haar pagina's te lezen."
            }
            (NoSessionNotice, Fr) => {
                "Vous n'avez pas de session d'assistance ouverte sur cette coopérative : elle a expiré ou a été fermée. Ouvrez-en une nouvelle pour lire ses pages."
            }
            (NoSessionNotice, En) => {
                "You have no open support session on this cooperative: it expired or was closed. Open a new one to read its pages."
            }
            (ClosedNotice, Nl) => "De ondersteuningssessie is gesloten.",
            (ClosedNotice, Fr) => "La session d'assistance est fermée.",
            (ClosedNotice, En) => "The support session is closed.",
            (OpenLink, Nl) => "Sessie openen",
            (OpenLink, Fr) => "Ouvrir une session",
            (OpenLink, En) => "Open a session",
            (SessionsTitle, Nl) => "Ondersteuningssessies",
            (SessionsTitle, Fr) => "Sessions d'assistance",
            (SessionsTitle, En) => "Support sessions",
            (SessionsIntro, Nl) => {
                "Tijdens een sessie leest de helpdesk het register van uw coöperatie (en wijzigt het enkel als u dat toestaat in de instellingen). U kunt een open sessie op elk moment sluiten."
            }
            (SessionsIntro, Fr) => {
                "Pendant une session, le helpdesk lit le registre de votre coopérative (et ne le modifie que si vous l'autorisez dans les paramètres). Vous pouvez fermer une session ouverte à tout moment."
            }
            (SessionsIntro, En) => {
                "During a session the helpdesk reads your cooperative's register (and changes it only if you allow that in the settings). You may close an open session at any time."
            }
            (NoSessions, Nl) => "De helpdesk heeft nog geen sessie geopend op deze coöperatie.",
            (NoSessions, Fr) => {
                "Le helpdesk n'a encore ouvert aucune session sur cette coopérative."
            }
            (NoSessions, En) => "The helpdesk has not opened a session on this cooperative yet.",
            (Helpdesk, Nl) => "Helpdesk",
            (Helpdesk, Fr) => "Helpdesk",
            (Helpdesk, En) => "Helpdesk",
            (Opened, Nl) => "Geopend",
            (Opened, Fr) => "Ouverte le",
            (Opened, En) => "Opened",
            (Until, Nl) => "Tot",
            (Until, Fr) => "Jusqu'au",
            (Until, En) => "Until",
            (State, Nl) => "Toestand",
            (State, Fr) => "État",
            (State, En) => "State",
            (StateOpen, Nl) => "open",
            (StateOpen, Fr) => "ouverte",
            (StateOpen, En) => "open",
            (StateExpired, Nl) => "verlopen",
            (StateExpired, Fr) => "expirée",
            (StateExpired, En) => "expired",
            (StateClosed, Nl) => "gesloten",
            (StateClosed, Fr) => "fermée",
            (StateClosed, En) => "closed",
            (Action, Nl) => "Actie",
            (Action, Fr) => "Action",
            (Action, En) => "Action",
            (AdminClosedNotice, Nl) => {
                "De sessie is gesloten; de helpdesk ziet de pagina's niet meer."
            }
            (AdminClosedNotice, Fr) => {
                "La session est fermée ; le helpdesk ne voit plus les pages."
            }
            (AdminClosedNotice, En) => {
                "The session is closed; the helpdesk no longer sees the pages."
            }
            (GoToOverview, Nl) => "Naar het overzicht van de coöperatie",
            (GoToOverview, Fr) => "Vers l'aperçu de la coopérative",
            (GoToOverview, En) => "To the cooperative's overview",
        }
    }
}

/// A date and time as Belgians write it: 31/12/2025 14:05.
pub fn date_time(at: NaiveDateTime) -> String {
    format!("{} {}", date(at.date()), at.format("%H:%M"))
}

/// The helpdesk's open session, as the banner over the cooperative's pages shows it.
pub struct SessionBanner {
    pub slug: String,
    pub session_id: String,
    pub reason: String,
    pub ticket: String,
    /// Brussels time.
    pub until: NaiveDateTime,
    pub minutes_left: i64,
    pub may_write: bool,
}

/// The banner: that this is a support session, why, until when and how long still, and the
/// button that closes it. Rendered by the server on every page; no script counts down.
pub fn banner(lang: Language, b: &SessionBanner, csrf: &str) -> Markup {
    use SupportText::*;
    html! {
        div.support-session {
            p {
                strong { (t(lang, BannerTitle)) } " · "
                (t(lang, BannerReason)) ": " (b.reason) " (" (t(lang, BannerTicket)) " " (b.ticket) ")"
            }
            p {
                (t(lang, BannerUntil)) " " (b.until.format("%H:%M")) " · "
                @if b.minutes_left >= 1 {
                    strong.minutes-left { (b.minutes_left) " " (t(lang, MinutesLeft)) }
                } @else {
                    strong.minutes-left { (t(lang, LessThanAMinute)) }
                }
                " · " (t(lang, if b.may_write { BannerMayWrite } else { BannerReadOnly }))
            }
            form.close-session method="post" action=(format!("/c/{}/support/{}/close", b.slug, b.session_id)) {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { (t(lang, CloseSession)) }
            }
        }
    }
}

/// Why the open-session form is shown with a notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A page of the cooperative was asked for without an open session.
    NoSession,
    /// The helpdesk just closed its session.
    Closed,
}

pub struct OpenForm {
    pub cooperative: String,
    pub slug: String,
    pub reason: String,
    pub ticket: String,
    pub minutes: String,
    pub errors: FieldErrors,
    pub notice: Option<Notice>,
}

/// The helpdesk's form that opens a support session on one cooperative.
pub fn open_form(frame: &Frame, csrf: &str, f: &OpenForm) -> String {
    use SupportText::*;
    let lang = frame.lang;
    let labels = [
        ("reason", t(lang, Reason)),
        ("ticket", t(lang, Ticket)),
        ("minutes", t(lang, Minutes)),
    ];
    page(
        frame,
        html! {
            p.context { (f.cooperative) }
            h1 { (t(lang, OpenTitle)) }
            @match f.notice {
                Some(Notice::NoSession) => { p.status.alarm role="status" { (t(lang, NoSessionNotice)) } }
                Some(Notice::Closed) => { p.status.ok role="status" { (t(lang, ClosedNotice)) } }
                None => {}
            }
            p { (t(lang, OpenIntro)) }
            (error_summary(t(lang, Text::FormProblems), &f.errors, &labels))
            form method="post" action=(format!("/c/{}/support/new", f.slug)) novalidate {
                input type="hidden" name="csrf" value=(csrf);
                (field(&Field::new("reason", labels[0].1, &f.reason, Control::Area)
                    .hint(t(lang, ReasonHint)).required().error_from(&f.errors)))
                (field(&Field::new("ticket", labels[1].1, &f.ticket, Control::Text)
                    .hint(t(lang, TicketHint)).required().error_from(&f.errors)))
                (field(&Field::new("minutes", labels[2].1, &f.minutes, Control::Count)
                    .hint(t(lang, MinutesHint)).error_from(&f.errors)))
                button type="submit" { (t(lang, OpenSession)) }
            }
        },
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionState {
    Open,
    Expired,
    Closed,
}

/// One support session in the administrator's list; times in Brussels.
pub struct SessionLine {
    pub id: String,
    pub helpdesk: String,
    pub reason: String,
    pub ticket: String,
    pub opened: NaiveDateTime,
    pub until: NaiveDateTime,
    pub state: SessionState,
}

pub struct SessionsPage {
    pub cooperative: String,
    pub slug: String,
    pub tools: Tools,
    pub lines: Vec<SessionLine>,
    pub closed: bool,
}

/// The support sessions on a cooperative, newest first, an open one with its close button.
pub fn sessions_page(frame: &Frame, csrf: &str, p: &SessionsPage) -> String {
    use SupportText::*;
    let lang = frame.lang;
    page(
        frame,
        html! {
            p.context { (p.cooperative) }
            (cooperative_nav(lang, &p.slug, p.tools, Section::SupportSessions))
            h1 { (t(lang, SessionsTitle)) }
            @if p.closed {
                p.status.ok role="status" { (t(lang, AdminClosedNotice)) }
            }
            p { (t(lang, SessionsIntro)) }
            @if p.lines.is_empty() {
                p { (t(lang, NoSessions)) }
            } @else {
                div.scroll tabindex="0" role="region" aria-label=(t(lang, SessionsTitle)) {
                    table.sessions {
                        thead { tr {
                            th scope="col" { (t(lang, Helpdesk)) }
                            th scope="col" { (t(lang, Reason)) }
                            th scope="col" { (t(lang, Ticket)) }
                            th scope="col" { (t(lang, Opened)) }
                            th scope="col" { (t(lang, Until)) }
                            th scope="col" { (t(lang, State)) }
                            th scope="col" { (t(lang, Action)) }
                        } }
                        tbody {
                            @for l in &p.lines {
                                tr {
                                    td { (l.helpdesk) }
                                    td { (l.reason) }
                                    td { (l.ticket) }
                                    td.nowrap { (date_time(l.opened)) }
                                    td.nowrap { (date_time(l.until)) }
                                    td { (t(lang, match l.state {
                                        SessionState::Open => StateOpen,
                                        SessionState::Expired => StateExpired,
                                        SessionState::Closed => StateClosed,
                                    })) }
                                    td {
                                        @if l.state == SessionState::Open {
                                            form.inline method="post" action=(format!("/c/{}/support/{}/close", p.slug, l.id)) {
                                                input type="hidden" name="csrf" value=(csrf);
                                                button type="submit" aria-label=(format!("{} ({})", t(lang, CloseSession), l.ticket)) {
                                                    (t(lang, CloseSession))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_banner_says_why_until_when_and_how_long_still() {
        let b = SessionBanner {
            slug: "demo".into(),
            session_id: "s1".into(),
            reason: "<b>import</b>".into(),
            ticket: "HD-7".into(),
            until: NaiveDate::from_ymd_opt(2026, 3, 1)
                .unwrap()
                .and_hms_opt(14, 35, 0)
                .unwrap(),
            minutes_left: 42,
            may_write: false,
        };
        let html = banner(Language::En, &b, "tok").into_string();
        assert!(
            html.contains("14:35") && html.contains("42 minutes left"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;import"), "{html}");
        assert!(
            html.contains(r#"action="/c/demo/support/s1/close""#),
            "{html}"
        );
        assert!(html.contains(r#"value="tok""#), "{html}");
    }
}
