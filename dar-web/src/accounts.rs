//! Pages of accounts before a session: accepting an invitation from its e-mailed link, and
//! a forgotten password (asking for a link, then choosing a new password through it).

use dar_core::types::{Language, Role};
use maud::{Markup, html};

use crate::forms::{Control, Field, field};
use crate::i18n::{Localized, Text, t};
use crate::layout::{Frame, page};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountText {
    AcceptTitle,
    AcceptNewIntro,
    AcceptExistingIntro,
    Cooperative,
    Platform,
    Role,
    Accept,
    ExistingPassword,
    InvitationGoneTitle,
    InvitationGoneBody,
    ForgotLink,
    ForgotTitle,
    ForgotIntro,
    SendLink,
    ForgotSent,
    NotAnEmail,
    ResetTitle,
    ResetIntro,
    SetPassword,
    ResetGoneTitle,
    ResetGoneBody,
    AskNewLink,
    AccountChanged,
}

impl Localized for AccountText {
    fn text(self, lang: Language) -> &'static str {
        use AccountText::*;
        use Language::{En, Fr, Nl};
        match (self, lang) {
            (AcceptTitle, Nl) => "Uitnodiging aanvaarden",
            (AcceptTitle, Fr) => "Accepter l'invitation",
            (AcceptTitle, En) => "Accept the invitation",
            (AcceptNewIntro, Nl) => "Kies een wachtwoord voor uw nieuwe account.",
            (AcceptNewIntro, Fr) => "Choisissez un mot de passe pour votre nouveau compte.",
            (AcceptNewIntro, En) => "Choose a password for your new account.",
            (AcceptExistingIntro, Nl) => {
                "Er is al een account met dit e-mailadres. Geef het wachtwoord ervan om de uitnodiging aan dat account toe te voegen."
            }
            (AcceptExistingIntro, Fr) => {
                "Un compte existe déjà pour cette adresse e-mail. Donnez son mot de passe pour ajouter l'invitation à ce compte."
            }
            (AcceptExistingIntro, En) => {
                "There already is an account with this e-mail address. Give its password to add the invitation to that account."
            }
            (Cooperative, Nl) => "Coöperatie",
            (Cooperative, Fr) => "Coopérative",
            (Cooperative, En) => "Cooperative",
            (Platform, Nl) => "Het platform DAR",
            (Platform, Fr) => "La plateforme DAR",
            (Platform, En) => "The DAR platform",
            (Role, Nl) => "Rol",
            (Role, Fr) => "Rôle",
            (Role, En) => "Role",
            (Accept, Nl) => "Aanvaarden",
            (Accept, Fr) => "Accepter",
            (Accept, En) => "Accept",
            (ExistingPassword, Nl) => "Wachtwoord van uw account",
            (ExistingPassword, Fr) => "Mot de passe de votre compte",
            (ExistingPassword, En) => "Your account's password",
            (InvitationGoneTitle, Nl) => "Deze uitnodiging werkt niet meer",
            (InvitationGoneTitle, Fr) => "Cette invitation n'est plus valable",
            (InvitationGoneTitle, En) => "This invitation no longer works",
            (InvitationGoneBody, Nl) => {
                "De uitnodiging is verlopen of werd al aanvaard. Was u het zelf? Meld u dan aan. Anders vraagt u wie u uitnodigde om een nieuwe."
            }
            (InvitationGoneBody, Fr) => {
                "L'invitation a expiré ou a déjà été acceptée. Si c'était vous, connectez-vous. Sinon, demandez une nouvelle invitation à la personne qui vous a invité(e)."
            }
            (InvitationGoneBody, En) => {
                "The invitation has expired or was accepted already. If that was you, sign in. Otherwise, ask whoever invited you for a new one."
            }
            (ForgotLink, Nl) => "Wachtwoord vergeten?",
            (ForgotLink, Fr) => "Mot de passe oublié ?",
            (ForgotLink, En) => "Forgot your password?",
            (ForgotTitle, Nl) => "Wachtwoord vergeten",
            (ForgotTitle, Fr) => "Mot de passe oublié",
            (ForgotTitle, En) => "Forgotten password",
            (ForgotIntro, Nl) => {
                "Geef het e-mailadres van uw account. We sturen er een link naartoe waarmee u een nieuw wachtwoord kiest."
            }
            (ForgotIntro, Fr) => {
                "Donnez l'adresse e-mail de votre compte. Nous y enverrons un lien pour choisir un nouveau mot de passe."
            }
            (ForgotIntro, En) => {
                "Give your account's e-mail address. We will send a link to it with which you choose a new password."
            }
            (SendLink, Nl) => "Link versturen",
            (SendLink, Fr) => "Envoyer le lien",
            (SendLink, En) => "Send the link",
            (ForgotSent, Nl) => {
                "Als er een account is met dit adres, is er een e-mail onderweg. De link erin werkt één keer, een uur lang."
            }
            (ForgotSent, Fr) => {
                "Si un compte existe pour cette adresse, un e-mail est en route. Le lien qu'il contient ne fonctionne qu'une fois, pendant une heure."
            }
            (ForgotSent, En) => {
                "If this address has an account, a mail is on its way. The link in it works once, for one hour."
            }
            (NotAnEmail, Nl) => "Geef een e-mailadres, bijvoorbeeld naam@voorbeeld.be.",
            (NotAnEmail, Fr) => "Donnez une adresse e-mail, par exemple nom@exemple.be.",
            (NotAnEmail, En) => "Give an e-mail address, for example name@example.be.",
            (ResetTitle, Nl) => "Een nieuw wachtwoord kiezen",
            (ResetTitle, Fr) => "Choisir un nouveau mot de passe",
            (ResetTitle, En) => "Choose a new password",
            (ResetIntro, Nl) => {
                "Met het nieuwe wachtwoord wordt u overal elders afgemeld, en hier aangemeld."
            }
            (ResetIntro, Fr) => {
                "Avec le nouveau mot de passe, vous êtes déconnecté(e) partout ailleurs, et connecté(e) ici."
            }
            (ResetIntro, En) => {
                "With the new password you are signed out everywhere else, and signed in here."
            }
            (SetPassword, Nl) => "Wachtwoord instellen",
            (SetPassword, Fr) => "Enregistrer le mot de passe",
            (SetPassword, En) => "Set the password",
            (ResetGoneTitle, Nl) => "Deze link werkt niet meer",
            (ResetGoneTitle, Fr) => "Ce lien n'est plus valable",
            (ResetGoneTitle, En) => "This link no longer works",
            (ResetGoneBody, Nl) => {
                "Een link om een wachtwoord te kiezen werkt één keer, een uur lang. Deze is al gebruikt of verlopen."
            }
            (ResetGoneBody, Fr) => {
                "Un lien pour choisir un mot de passe ne fonctionne qu'une fois, pendant une heure. Celui-ci a déjà servi ou a expiré."
            }
            (ResetGoneBody, En) => {
                "A link to choose a password works once, for one hour. This one was used already or has expired."
            }
            (AskNewLink, Nl) => "Een nieuwe link vragen",
            (AskNewLink, Fr) => "Demander un nouveau lien",
            (AskNewLink, En) => "Ask for a new link",
            (AccountChanged, Nl) => {
                "Het account veranderde terwijl u dit formulier invulde. Probeer het opnieuw."
            }
            (AccountChanged, Fr) => {
                "Le compte a changé pendant que vous remplissiez ce formulaire. Réessayez."
            }
            (AccountChanged, En) => {
                "The account changed while you filled in this form. Please try again."
            }
        }
    }
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

/// A refused field and why, in the page's language.
pub type Problem = (&'static str, &'static str);

fn error_of(problem: Option<Problem>, name: &str) -> Option<&'static str> {
    problem.filter(|(f, _)| *f == name).map(|(_, m)| m)
}

/// The two password fields of a new password, with the refusal next to its field.
fn new_password_fields(lang: Language, problem: Option<Problem>) -> Markup {
    let new = Field {
        error: error_of(problem, "password"),
        ..Field::new(
            "password",
            t(lang, Text::NewPassword),
            "",
            Control::Password {
                autocomplete: "new-password",
            },
        )
        .required()
    };
    let repeat = Field {
        error: error_of(problem, "repeat"),
        ..Field::new(
            "repeat",
            t(lang, Text::RepeatPassword),
            "",
            Control::Password {
                autocomplete: "new-password",
            },
        )
        .required()
    };
    html! { (field(&new)) (field(&repeat)) }
}

/// An open invitation, as its page shows it.
pub struct AcceptForm<'a> {
    /// Where the form posts: the invitation's own path.
    pub action: &'a str,
    pub csrf: &'a str,
    pub email: &'a str,
    /// The cooperative's name; `None` for a platform role.
    pub cooperative: Option<&'a str>,
    pub role: Role,
    /// Whether an account with this e-mail exists: then its password is asked, once.
    pub existing_account: bool,
    pub problem: Option<Problem>,
}

pub fn accept_invitation(frame: &Frame, form: &AcceptForm) -> String {
    let lang = frame.lang;
    let password = Field {
        error: error_of(form.problem, "password"),
        ..Field::new(
            "password",
            t(lang, AccountText::ExistingPassword),
            "",
            Control::Password {
                autocomplete: "current-password",
            },
        )
        .required()
    };
    page(
        frame,
        html! {
            section.narrow {
                h1 { (t(lang, AccountText::AcceptTitle)) }
                dl.facts {
                    dt { (t(lang, Text::Email)) }
                    dd { (form.email) }
                    dt { (t(lang, AccountText::Cooperative)) }
                    dd { (form.cooperative.unwrap_or(t(lang, AccountText::Platform))) }
                    dt { (t(lang, AccountText::Role)) }
                    dd { (t(lang, role_text(form.role))) }
                }
                form method="post" action=(form.action) {
                    input type="hidden" name="csrf" value=(form.csrf);
                    // The e-mail, for password managers; the account's name is not typed here.
                    input type="hidden" name="email" value=(form.email) autocomplete="username";
                    @if form.existing_account {
                        p { (t(lang, AccountText::AcceptExistingIntro)) }
                        (field(&password))
                    } @else {
                        p { (t(lang, AccountText::AcceptNewIntro)) }
                        (new_password_fields(lang, form.problem))
                    }
                    button type="submit" { (t(lang, AccountText::Accept)) }
                }
            }
        },
    )
}

/// The page of an invitation that cannot be accepted (any more): unknown, expired or used.
pub fn invitation_gone(frame: &Frame) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            h1 { (t(lang, AccountText::InvitationGoneTitle)) }
            p { (t(lang, AccountText::InvitationGoneBody)) }
            p { a href="/sign-in" { (t(lang, Text::SignIn)) } }
        },
    )
}

/// The "forgot password" form; after sending, the same answer whatever the address.
pub struct ForgotForm<'a> {
    pub csrf: &'a str,
    pub email: &'a str,
    pub problem: Option<Problem>,
    pub sent: bool,
}

pub fn forgot_password(frame: &Frame, form: &ForgotForm) -> String {
    let lang = frame.lang;
    let email = Field {
        error: error_of(form.problem, "email"),
        ..Field::new("email", t(lang, Text::Email), form.email, Control::Email).required()
    };
    page(
        frame,
        html! {
            section.narrow {
                h1 { (t(lang, AccountText::ForgotTitle)) }
                @if form.sent {
                    p.status.ok role="status" { (t(lang, AccountText::ForgotSent)) }
                    p { a href="/sign-in" { (t(lang, Text::SignIn)) } }
                } @else {
                    p { (t(lang, AccountText::ForgotIntro)) }
                    form method="post" action="/password/forgot" {
                        input type="hidden" name="csrf" value=(form.csrf);
                        (field(&email))
                        button type="submit" { (t(lang, AccountText::SendLink)) }
                    }
                }
            }
        },
    )
}

/// The form behind a reset link.
pub struct ResetForm<'a> {
    pub action: &'a str,
    pub csrf: &'a str,
    pub email: &'a str,
    pub problem: Option<Problem>,
}

pub fn reset_password(frame: &Frame, form: &ResetForm) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            section.narrow {
                h1 { (t(lang, AccountText::ResetTitle)) }
                p { (t(lang, AccountText::ResetIntro)) }
                dl.facts {
                    dt { (t(lang, Text::Email)) }
                    dd { (form.email) }
                }
                form method="post" action=(form.action) {
                    input type="hidden" name="csrf" value=(form.csrf);
                    input type="hidden" name="email" value=(form.email) autocomplete="username";
                    (new_password_fields(lang, form.problem))
                    button type="submit" { (t(lang, AccountText::SetPassword)) }
                }
            }
        },
    )
}

/// The page of a reset link that no longer works: used, expired, or never made.
pub fn reset_gone(frame: &Frame) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            h1 { (t(lang, AccountText::ResetGoneTitle)) }
            p { (t(lang, AccountText::ResetGoneBody)) }
            p { a href="/password/forgot" { (t(lang, AccountText::AskNewLink)) } }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Frame<'static> {
        Frame {
            lang: Language::Nl,
            title: "Uitnodiging",
            signed: None,
            path: "/",
            banner: None,
        }
    }

    #[test]
    fn an_invitation_for_an_existing_account_asks_its_password_once() {
        let mut form = AcceptForm {
            action: "/invitations/t",
            csrf: "c",
            email: "a@b.be",
            cooperative: Some("<b>Zon</b>"),
            role: Role::Viewer,
            existing_account: true,
            problem: None,
        };
        let html = accept_invitation(&frame(), &form);
        assert!(html.contains("current-password"));
        assert!(!html.contains("name=\"repeat\""));
        assert!(html.contains("&lt;b&gt;Zon&lt;/b&gt;"), "escaped: {html}");
        form.existing_account = false;
        let html = accept_invitation(&frame(), &form);
        assert!(html.contains("name=\"repeat\""));
    }

    #[test]
    fn a_refused_password_is_named_next_to_its_field() {
        let html = reset_password(
            &frame(),
            &ResetForm {
                action: "/password/reset/t",
                csrf: "c",
                email: "a@b.be",
                problem: Some(("repeat", "verschillend")),
            },
        );
        assert!(html.contains(r#"id="repeat-error""#), "{html}");
        assert!(html.contains(r#"aria-invalid="true""#), "{html}");
    }
}
