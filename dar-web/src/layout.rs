//! The frame every page shares: the document head, the header with the user's menu and the
//! language switch, a skip link, and the main landmark.

use dar_core::types::Language;
use maud::{DOCTYPE, Markup, html};

use crate::i18n::{Text, language_name, t};

/// Path of the stylesheet; the version in it lets browsers cache it for good.
pub const STYLESHEET_PATH: &str = "/assets/dar-1.css";

/// The signed-in user as the header shows them.
pub struct Signed<'a> {
    pub email: &'a str,
    /// The session's CSRF token, for the sign-out form.
    pub csrf: &'a str,
}

/// What the frame needs besides the page's own content.
pub struct Frame<'a> {
    pub lang: Language,
    pub title: &'a str,
    pub signed: Option<Signed<'a>>,
    /// The path of this page, where the language switch returns to.
    pub path: &'a str,
    /// A notice shown above every page of a context, such as the helpdesk's support
    /// session with its remaining time.
    pub banner: Option<Markup>,
}

/// A whole HTML document around `main`.
pub fn page(frame: &Frame, main: Markup) -> String {
    let lang = frame.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.as_str()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (frame.title) " · " (t(lang, Text::AppName)) }
                link rel="stylesheet" href=(STYLESHEET_PATH);
            }
            body {
                a.skip href="#main" { (t(lang, Text::SkipToContent)) }
                header.top {
                    a.brand href="/" {
                        span.logo { (t(lang, Text::AppName)) }
                        span.tagline { (t(lang, Text::AppTagline)) }
                    }
                    nav.tools aria-label=(t(lang, Text::LanguageLabel)) {
                        ul.languages {
                            @for other in Language::ALL {
                                li {
                                    @if *other == lang {
                                        span aria-current="true" lang=(other.as_str()) { (language_name(*other)) }
                                    } @else {
                                        a href=(format!("/language/{}?next={}", other.as_str(), frame.path))
                                            lang=(other.as_str()) hreflang=(other.as_str()) { (language_name(*other)) }
                                    }
                                }
                            }
                        }
                        @if let Some(signed) = &frame.signed {
                            form.sign-out method="post" action="/sign-out" {
                                span.who { (signed.email) }
                                a.account href="/account/password" { (t(lang, Text::ChangePassword)) }
                                input type="hidden" name="csrf" value=(signed.csrf);
                                button type="submit" { (t(lang, Text::SignOut)) }
                            }
                        }
                    }
                }
                @if let Some(banner) = &frame.banner {
                    div.banner role="status" { (banner) }
                }
                main #main tabindex="-1" { (main) }
            }
        }
    }
    .into_string()
}

/// The page for a path that leads nowhere (or somewhere the user may not go).
pub fn not_found(frame: &Frame) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            h1 { (t(lang, Text::NotFoundTitle)) }
            p { (t(lang, Text::NotFoundBody)) }
            p { a href="/" { (t(lang, Text::BackHome)) } }
        },
    )
}

/// The page for a failure that is not the user's doing.
pub fn error(frame: &Frame) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            h1 { (t(lang, Text::ErrorTitle)) }
            p { (t(lang, Text::ErrorBody)) }
            p { a href="/" { (t(lang, Text::BackHome)) } }
        },
    )
}

/// The page for a form body that no page of DAR sends (changed by hand, or by a tool).
pub fn bad_form(frame: &Frame) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            h1 { (t(lang, Text::BadFormTitle)) }
            p { (t(lang, Text::BadFormBody)) }
            p { a href="/" { (t(lang, Text::BackHome)) } }
        },
    )
}
