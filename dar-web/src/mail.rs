//! The e-mails DAR sends, in Dutch, French and English: plain text, so every mail program
//! shows them the same and a link is a link. Each template is a match over the three
//! languages, so none can be missing one.

use chrono::NaiveDate;
use dar_core::types::{Language, Role};

use crate::i18n::{Text, date, t};

/// A mail's subject and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// What an invitation mail says.
pub struct Invitation<'a> {
    /// The cooperative's name; `None` for a platform role (coordinator, helpdesk).
    pub cooperative: Option<&'a str>,
    pub role: Role,
    /// The page that accepts it.
    pub link: &'a str,
    /// The last day the link works.
    pub valid_until: NaiveDate,
}

/// What a password reset mail says.
pub struct PasswordReset<'a> {
    pub link: &'a str,
    pub valid_minutes: i64,
}

/// What a "your certificate is ready" mail says.
pub struct CertificateReady<'a> {
    pub cooperative: &'a str,
    pub number: i64,
    /// The shareholder's own page, where the certificate can be downloaded.
    pub link: &'a str,
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

/// The closing every mail shares: who sent it and why the reader got it.
fn signature(lang: Language) -> &'static str {
    match lang {
        Language::Nl => {
            "--\nDAR, het digitale aandeelhoudersregister.\nDit bericht werd automatisch verstuurd; antwoorden wordt niet gelezen."
        }
        Language::Fr => {
            "--\nDAR, le registre des actionnaires numérique.\nCe message a été envoyé automatiquement ; les réponses ne sont pas lues."
        }
        Language::En => {
            "--\nDAR, the digital shareholder register.\nThis message was sent automatically; replies are not read."
        }
    }
}

pub fn invitation(lang: Language, m: &Invitation) -> Rendered {
    let role = t(lang, role_text(m.role));
    let until = date(m.valid_until);
    let link = m.link;
    let (subject, body) = match (lang, m.cooperative) {
        (Language::Nl, Some(coop)) => (
            format!("Uitnodiging voor het register van {coop}"),
            format!(
                "Goeddag,\n\nU bent uitgenodigd als {role} in het aandeelhoudersregister van {coop}.\n\nOpen deze link om de uitnodiging te aanvaarden en een wachtwoord te kiezen:\n{link}\n\nDe link werkt tot en met {until}.\nVerwachtte u deze uitnodiging niet? Dan kunt u dit bericht negeren.\n"
            ),
        ),
        (Language::Nl, None) => (
            "Uitnodiging voor DAR".to_string(),
            format!(
                "Goeddag,\n\nU bent uitgenodigd als {role} van het platform DAR.\n\nOpen deze link om de uitnodiging te aanvaarden en een wachtwoord te kiezen:\n{link}\n\nDe link werkt tot en met {until}.\nVerwachtte u deze uitnodiging niet? Dan kunt u dit bericht negeren.\n"
            ),
        ),
        (Language::Fr, Some(coop)) => (
            format!("Invitation au registre de {coop}"),
            format!(
                "Bonjour,\n\nVous êtes invité(e) en tant que {role} dans le registre des actionnaires de {coop}.\n\nOuvrez ce lien pour accepter l'invitation et choisir un mot de passe :\n{link}\n\nLe lien est valable jusqu'au {until} inclus.\nVous n'attendiez pas cette invitation ? Vous pouvez ignorer ce message.\n"
            ),
        ),
        (Language::Fr, None) => (
            "Invitation à DAR".to_string(),
            format!(
                "Bonjour,\n\nVous êtes invité(e) en tant que {role} de la plateforme DAR.\n\nOuvrez ce lien pour accepter l'invitation et choisir un mot de passe :\n{link}\n\nLe lien est valable jusqu'au {until} inclus.\nVous n'attendiez pas cette invitation ? Vous pouvez ignorer ce message.\n"
            ),
        ),
        (Language::En, Some(coop)) => (
            format!("Invitation to the register of {coop}"),
            format!(
                "Hello,\n\nYou have been invited as {role} in the shareholder register of {coop}.\n\nOpen this link to accept the invitation and choose a password:\n{link}\n\nThe link works until {until} inclusive.\nDid you not expect this invitation? Then you can ignore this message.\n"
            ),
        ),
        (Language::En, None) => (
            "Invitation to DAR".to_string(),
            format!(
                "Hello,\n\nYou have been invited as {role} of the DAR platform.\n\nOpen this link to accept the invitation and choose a password:\n{link}\n\nThe link works until {until} inclusive.\nDid you not expect this invitation? Then you can ignore this message.\n"
            ),
        ),
    };
    Rendered {
        subject,
        body: format!("{body}\n{}\n", signature(lang)),
    }
}

pub fn password_reset(lang: Language, m: &PasswordReset) -> Rendered {
    let (link, minutes) = (m.link, m.valid_minutes);
    let (subject, body) = match lang {
        Language::Nl => (
            "Een nieuw wachtwoord kiezen",
            format!(
                "Goeddag,\n\nIemand vroeg een nieuw wachtwoord voor uw account bij DAR. Open deze link om er een te kiezen:\n{link}\n\nDe link werkt één keer, {minutes} minuten lang.\nVroeg u dit niet? Dan kunt u dit bericht negeren: uw wachtwoord blijft wat het was.\n"
            ),
        ),
        Language::Fr => (
            "Choisir un nouveau mot de passe",
            format!(
                "Bonjour,\n\nQuelqu'un a demandé un nouveau mot de passe pour votre compte DAR. Ouvrez ce lien pour en choisir un :\n{link}\n\nLe lien ne fonctionne qu'une fois, pendant {minutes} minutes.\nVous n'avez rien demandé ? Vous pouvez ignorer ce message : votre mot de passe reste inchangé.\n"
            ),
        ),
        Language::En => (
            "Choose a new password",
            format!(
                "Hello,\n\nSomeone asked for a new password for your DAR account. Open this link to choose one:\n{link}\n\nThe link works once, for {minutes} minutes.\nDid you not ask for this? Then you can ignore this message: your password stays as it was.\n"
            ),
        ),
    };
    Rendered {
        subject: subject.to_string(),
        body: format!("{body}\n{}\n", signature(lang)),
    }
}

pub fn certificate_ready(lang: Language, m: &CertificateReady) -> Rendered {
    let (coop, number, link) = (m.cooperative, m.number, m.link);
    let (subject, body) = match lang {
        Language::Nl => (
            format!("Uw aandelencertificaat van {coop} staat klaar"),
            format!(
                "Goeddag,\n\nCertificaat nr. {number} van uw aandelen in {coop} staat klaar. U vindt het op uw pagina in het register:\n{link}\n"
            ),
        ),
        Language::Fr => (
            format!("Votre certificat d'actions de {coop} est prêt"),
            format!(
                "Bonjour,\n\nLe certificat n° {number} de vos actions dans {coop} est prêt. Vous le trouverez sur votre page du registre :\n{link}\n"
            ),
        ),
        Language::En => (
            format!("Your share certificate of {coop} is ready"),
            format!(
                "Hello,\n\nCertificate no. {number} of your shares in {coop} is ready. You will find it on your page of the register:\n{link}\n"
            ),
        ),
    };
    Rendered {
        subject,
        body: format!("{body}\n{}\n", signature(lang)),
    }
}

/// What the mail carrying an invoice or credit note says (the PDF and the UBL are attached).
pub struct InvoiceSent<'a> {
    pub credit_note: bool,
    pub number: &'a str,
    pub seller: &'a str,
    /// Total with VAT, as written in the language (1.250,00 €).
    pub total: &'a str,
    pub due_date: Option<NaiveDate>,
    /// `+++123/4567/89002+++`.
    pub communication: Option<&'a str>,
    pub iban: Option<&'a str>,
}

pub fn invoice_sent(lang: Language, m: &InvoiceSent) -> Rendered {
    let (number, seller, total) = (m.number, m.seller, m.total);
    let pay = match (m.due_date, m.communication, m.iban) {
        (Some(due), Some(reference), Some(iban)) => {
            let due = date(due);
            match lang {
                Language::Nl => format!(
                    "\nGelieve {total} te betalen uiterlijk op {due} op rekening {iban} met de mededeling {reference}. Met de QR-code op de factuur betaalt u vanuit uw bankapp.\n"
                ),
                Language::Fr => format!(
                    "\nMerci de payer {total} au plus tard le {due} sur le compte {iban} avec la communication {reference}. Le code QR de la facture vous permet de payer depuis votre application bancaire.\n"
                ),
                Language::En => format!(
                    "\nPlease pay {total} by {due} to account {iban} with the reference {reference}. The QR code on the invoice pays it from your banking app.\n"
                ),
            }
        }
        _ => String::new(),
    };
    let (subject, body) = match (lang, m.credit_note) {
        (Language::Nl, false) => (
            format!("Factuur {number} van {seller}"),
            format!(
                "Goeddag,\n\nIn bijlage vindt u factuur {number} van {seller} voor het gebruik van DAR ({total}), als PDF en als e-factuur (UBL, Peppol BIS 3.0).\n{pay}"
            ),
        ),
        (Language::Nl, true) => (
            format!("Creditnota {number} van {seller}"),
            format!(
                "Goeddag,\n\nIn bijlage vindt u creditnota {number} van {seller} ({total}), als PDF en als e-factuur (UBL, Peppol BIS 3.0).\n"
            ),
        ),
        (Language::Fr, false) => (
            format!("Facture {number} de {seller}"),
            format!(
                "Bonjour,\n\nVous trouverez en annexe la facture {number} de {seller} pour l'utilisation de DAR ({total}), en PDF et en facture électronique (UBL, Peppol BIS 3.0).\n{pay}"
            ),
        ),
        (Language::Fr, true) => (
            format!("Note de crédit {number} de {seller}"),
            format!(
                "Bonjour,\n\nVous trouverez en annexe la note de crédit {number} de {seller} ({total}), en PDF et en facture électronique (UBL, Peppol BIS 3.0).\n"
            ),
        ),
        (Language::En, false) => (
            format!("Invoice {number} from {seller}"),
            format!(
                "Hello,\n\nAttached is invoice {number} from {seller} for the use of DAR ({total}), as a PDF and as an e-invoice (UBL, Peppol BIS 3.0).\n{pay}"
            ),
        ),
        (Language::En, true) => (
            format!("Credit note {number} from {seller}"),
            format!(
                "Hello,\n\nAttached is credit note {number} from {seller} ({total}), as a PDF and as an e-invoice (UBL, Peppol BIS 3.0).\n"
            ),
        ),
    };
    Rendered {
        subject,
        body: format!("{body}\n{}\n", signature(lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_mail(lang: Language) -> Vec<Rendered> {
        let until = NaiveDate::from_ymd_opt(2026, 12, 13).unwrap();
        vec![
            invitation(
                lang,
                &Invitation {
                    cooperative: Some("Coöperatie Zon cv"),
                    role: Role::Admin,
                    link: "https://dar.example/invitations/tok",
                    valid_until: until,
                },
            ),
            invitation(
                lang,
                &Invitation {
                    cooperative: None,
                    role: Role::Helpdesk,
                    link: "https://dar.example/invitations/tok",
                    valid_until: until,
                },
            ),
            password_reset(
                lang,
                &PasswordReset {
                    link: "https://dar.example/password/reset/tok",
                    valid_minutes: 60,
                },
            ),
            certificate_ready(
                lang,
                &CertificateReady {
                    cooperative: "Coöperatie Zon cv",
                    number: 7,
                    link: "https://dar.example/c/zon/me",
                },
            ),
        ]
    }

    #[test]
    fn an_invoice_mail_says_how_to_pay_and_a_credit_note_mail_does_not() {
        for lang in Language::ALL {
            let mail = |credit_note| {
                invoice_sent(
                    *lang,
                    &InvoiceSent {
                        credit_note,
                        number: "F2027-00001",
                        seller: "Netwerk vzw",
                        total: "544,50 €",
                        due_date: NaiveDate::from_ymd_opt(2027, 1, 31),
                        communication: (!credit_note).then_some("+++202/7000/00122+++"),
                        iban: Some("BE68 5390 0754 7034"),
                    },
                )
            };
            let invoice = mail(false);
            assert!(invoice.subject.contains("F2027-00001"), "{invoice:?}");
            assert!(invoice.body.contains("+++202/7000/00122+++"), "{invoice:?}");
            assert!(invoice.body.contains("BE68 5390 0754 7034"), "{invoice:?}");
            assert!(invoice.body.contains("31/01/2027"), "{invoice:?}");
            let credit = mail(true);
            assert!(!credit.body.contains("BE68"), "{credit:?}");
        }
    }

    #[test]
    fn every_mail_carries_its_link_in_every_language() {
        for lang in Language::ALL {
            for mail in every_mail(*lang) {
                assert!(mail.body.contains("https://dar.example/"), "{mail:?}");
                assert!(!mail.subject.contains('\n'), "{mail:?}");
            }
        }
    }

    #[test]
    fn the_three_languages_say_it_differently() {
        let nl = every_mail(Language::Nl);
        let fr = every_mail(Language::Fr);
        let en = every_mail(Language::En);
        for ((nl, fr), en) in nl.iter().zip(&fr).zip(&en) {
            assert_ne!(nl.body, fr.body);
            assert_ne!(nl.body, en.body);
            assert_ne!(fr.body, en.body);
        }
    }

    #[test]
    fn the_invitation_states_its_last_day_in_belgian_form() {
        let mail = &every_mail(Language::Nl)[0];
        assert!(mail.body.contains("13/12/2026"), "{}", mail.body);
        assert!(mail.body.contains("beheerder"), "{}", mail.body);
    }
}
