//! The pages themselves: each a plain function from what it shows to HTML. Values are
//! inserted by maud, which escapes them, so a name like `<img onerror=…>` shows as text.

use chrono::NaiveDate;
use dar_core::types::{EntryKind, Role};
use maud::html;

use crate::i18n::{Text, count, date, money, t};
use crate::layout::{Frame, page};

/// The sign-in form; `problem` is shown above it and announced to screen readers.
pub struct SignIn<'a> {
    pub csrf: &'a str,
    pub email: &'a str,
    pub problem: Option<Text>,
}

pub fn sign_in(frame: &Frame, form: &SignIn) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            section.narrow {
                h1 { (t(lang, Text::SignInTitle)) }
                p { (t(lang, Text::SignInIntro)) }
                @if let Some(problem) = form.problem {
                    p.problem role="alert" id="sign-in-problem" { (t(lang, problem)) }
                }
                form method="post" action="/sign-in" {
                    input type="hidden" name="csrf" value=(form.csrf);
                    label for="email" { (t(lang, Text::Email)) }
                    input #email type="email" name="email" value=(form.email) autocomplete="username"
                        required aria-describedby=[form.problem.map(|_| "sign-in-problem")];
                    label for="password" { (t(lang, Text::Password)) }
                    input #password type="password" name="password" autocomplete="current-password" required;
                    button type="submit" { (t(lang, Text::SignIn)) }
                }
            }
        },
    )
}

/// A cooperative the user may open, and as what.
pub struct CooperativeLink {
    pub name: String,
    pub slug: String,
    pub role: Role,
}

fn role_text(role: Role) -> Text {
    match role {
        Role::Admin => Text::RoleAdmin,
        Role::Viewer => Text::RoleViewer,
        Role::Shareholder => Text::RoleShareholder,
        Role::Helpdesk => Text::RoleHelpdesk,
        Role::Coordinator => Text::RoleCoordinator,
    }
}

/// The start page after signing in: the user's cooperatives.
pub fn home(frame: &Frame, cooperatives: &[CooperativeLink]) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            h1 { (t(lang, Text::MyCooperatives)) }
            @if cooperatives.is_empty() {
                p { (t(lang, Text::NoCooperatives)) }
            } @else {
                ul.cards {
                    @for c in cooperatives {
                        li {
                            a href=(format!("/c/{}", c.slug)) {
                                span.name { (c.name) }
                                span.role { (t(lang, role_text(c.role))) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// One class on the dashboard.
pub struct ClassLine {
    pub code: String,
    pub name: String,
    pub shares: i64,
    pub subscribed_cents: i64,
    pub paid_cents: i64,
}

/// One recent entry on the dashboard; holders as the register names them.
pub struct EntryLine {
    pub seq: i64,
    pub effective_date: NaiveDate,
    pub kind: EntryKind,
    pub class: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub quantity: i64,
}

pub struct Dashboard {
    pub cooperative: String,
    pub classes: Vec<ClassLine>,
    pub active_holders: i64,
    pub latest: Vec<EntryLine>,
    pub verified: bool,
}

fn kind_text(kind: EntryKind) -> Text {
    match kind {
        EntryKind::Issue => Text::KindIssue,
        EntryKind::Transfer => Text::KindTransfer,
        EntryKind::Redemption => Text::KindRedemption,
        EntryKind::Payment => Text::KindPayment,
        EntryKind::Reversal => Text::KindReversal,
    }
}

/// An administrator's or viewer's overview of one cooperative.
pub fn dashboard(frame: &Frame, d: &Dashboard) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            h1 { (d.cooperative) }
            @if d.verified {
                p.status.ok { (t(lang, Text::LedgerVerified)) }
            } @else {
                p.status.alarm role="alert" { (t(lang, Text::LedgerBroken)) }
            }
            p.figure {
                strong { (count(lang, d.active_holders)) } " " (t(lang, Text::ActiveHolders))
            }
            section aria-labelledby="classes" {
                h2 #classes { (t(lang, Text::CapitalAndShares)) }
                div.scroll {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, Text::Class)) }
                            th scope="col" class="num" { (t(lang, Text::Shares)) }
                            th scope="col" class="num" { (t(lang, Text::Subscribed)) }
                            th scope="col" class="num" { (t(lang, Text::PaidUp)) }
                        } }
                        tbody {
                            @for c in &d.classes {
                                tr {
                                    th scope="row" { (c.code) " · " (c.name) }
                                    td.num { (count(lang, c.shares)) }
                                    td.num { (money(lang, c.subscribed_cents)) }
                                    td.num { (money(lang, c.paid_cents)) }
                                }
                            }
                        }
                        tfoot { tr {
                            th scope="row" { (t(lang, Text::Total)) }
                            td.num { (count(lang, d.classes.iter().map(|c| c.shares).sum())) }
                            td.num { (money(lang, d.classes.iter().map(|c| c.subscribed_cents).sum())) }
                            td.num { (money(lang, d.classes.iter().map(|c| c.paid_cents).sum())) }
                        } }
                    }
                }
            }
            section aria-labelledby="latest" {
                h2 #latest { (t(lang, Text::LatestEntries)) }
                @if d.latest.is_empty() {
                    p { (t(lang, Text::NoEntries)) }
                } @else {
                    div.scroll {
                        table {
                            thead { tr {
                                th scope="col" class="num" { (t(lang, Text::EntryNumber)) }
                                th scope="col" { (t(lang, Text::EffectiveDate)) }
                                th scope="col" { (t(lang, Text::Kind)) }
                                th scope="col" { (t(lang, Text::Class)) }
                                th scope="col" { (t(lang, Text::From)) }
                                th scope="col" { (t(lang, Text::To)) }
                                th scope="col" class="num" { (t(lang, Text::Quantity)) }
                            } }
                            tbody {
                                @for e in &d.latest {
                                    tr {
                                        td.num { (e.seq) }
                                        td { (date(e.effective_date)) }
                                        td { (t(lang, kind_text(e.kind))) }
                                        td { (e.class) }
                                        td { (e.from.as_deref().unwrap_or("")) }
                                        td { (e.to.as_deref().unwrap_or("")) }
                                        td.num { (count(lang, e.quantity)) }
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
    use dar_core::types::Language;

    fn frame() -> Frame<'static> {
        Frame {
            lang: Language::Nl,
            title: "Overzicht",
            signed: None,
            path: "/",
        }
    }

    #[test]
    fn a_name_with_markup_is_shown_as_text() {
        let html = home(
            &frame(),
            &[CooperativeLink {
                name: "<img src=x onerror=alert(1)>".into(),
                slug: "demo".into(),
                role: Role::Admin,
            }],
        );
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
    }

    #[test]
    fn the_sign_in_form_carries_its_csrf_token_and_labels_every_field() {
        let html = sign_in(
            &frame(),
            &SignIn {
                csrf: "tok",
                email: "",
                problem: None,
            },
        );
        assert!(html.contains(r#"name="csrf" value="tok""#), "{html}");
        assert!(
            html.contains(r#"<label for="email">"#) && html.contains(r#"<label for="password">"#)
        );
        assert!(html.contains(r#"<html lang="nl">"#));
    }
}
