//! The coordinator's billing set-up pages: the invoicing identity, the plans and each
//! cooperative's billing profile. Forms hold text as typed (1.250,00; 31/12/2026); the
//! handlers read it and answer a refused form with every field's problem beside it.

use dar_core::types::Language;
use maud::{Markup, html};

use crate::forms::{Control, Field, FieldErrors, error_summary, field};
use crate::i18n::{Localized, t};
use crate::layout::{Frame, page};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetupText {
    Identity,
    IdentityIntro,
    Name,
    Street,
    PostalCode,
    City,
    Country,
    EnterpriseNumber,
    VatNumber,
    Iban,
    Bic,
    PeppolId,
    PeppolIdHint,
    Email,
    Footer,
    PaymentTerm,
    Save,
    Saved,
    Plans,
    PlansIntro,
    NewPlan,
    Code,
    CodeHint,
    Tiers,
    TiersHint,
    UpTo,
    MemberFee,
    NonMemberFee,
    OnboardingFee,
    MigrationFee,
    VatRate,
    Edit,
    Profiles,
    ProfilesIntro,
    Plan,
    Member,
    BillingStart,
    Migration,
    InvoiceLanguage,
    YearlyFee,
    OwnPriceHint,
    NoProfile,
    Yes,
    No,
    Problems,
    CheckValue,
    BadVatNumber,
    BadIban,
    BadEmail,
    BadAmount,
    BadDate,
    BadEnterpriseNumber,
    BadPeppolId,
    BadTiers,
    BadCode,
    CodeTaken,
    Required,
    AndMore,
}

impl Localized for SetupText {
    fn text(self, lang: Language) -> &'static str {
        use Language::{En, Fr, Nl};
        use SetupText::*;
        match (self, lang) {
            (Identity, Nl) => "Facturatiegegevens",
            (Identity, Fr) => "Données de facturation",
            (Identity, En) => "Invoicing identity",
            (IdentityIntro, Nl) => {
                "Wie de facturen uitreikt en waar ze betaald worden. Uitgereikte facturen houden de gegevens van hun dag."
            }
            (IdentityIntro, Fr) => {
                "Qui émet les factures et où les payer. Les factures émises gardent les données de leur jour."
            }
            (IdentityIntro, En) => {
                "Who issues the invoices and where they are paid. Issued invoices keep the details of their day."
            }
            (Name, Nl) => "Naam",
            (Name, Fr) => "Nom",
            (Name, En) => "Name",
            (Street, Nl) => "Straat en nummer",
            (Street, Fr) => "Rue et numéro",
            (Street, En) => "Street and number",
            (PostalCode, Nl) => "Postcode",
            (PostalCode, Fr) => "Code postal",
            (PostalCode, En) => "Postal code",
            (City, Nl) => "Gemeente",
            (City, Fr) => "Commune",
            (City, En) => "City",
            (Country, Nl) => "Land (BE, NL, …)",
            (Country, Fr) => "Pays (BE, FR, …)",
            (Country, En) => "Country (BE, NL, …)",
            (EnterpriseNumber, Nl) => "Ondernemingsnummer",
            (EnterpriseNumber, Fr) => "Numéro d'entreprise",
            (EnterpriseNumber, En) => "Enterprise number",
            (VatNumber, Nl) => "Btw-nummer",
            (VatNumber, Fr) => "Numéro de TVA",
            (VatNumber, En) => "VAT number",
            (Iban, Nl) => "IBAN",
            (Iban, Fr) => "IBAN",
            (Iban, En) => "IBAN",
            (Bic, Nl) => "BIC",
            (Bic, Fr) => "BIC",
            (Bic, En) => "BIC",
            (PeppolId, Nl) => "Peppol-id",
            (PeppolId, Fr) => "Identifiant Peppol",
            (PeppolId, En) => "Peppol id",
            (PeppolIdHint, Nl) => "Leeg: 0208 en het ondernemingsnummer.",
            (PeppolIdHint, Fr) => "Vide : 0208 et le numéro d'entreprise.",
            (PeppolIdHint, En) => "Empty: 0208 and the enterprise number.",
            (Email, Nl) => "E-mailadres",
            (Email, Fr) => "Adresse e-mail",
            (Email, En) => "E-mail address",
            (Footer, Nl) => "Voettekst van de factuur",
            (Footer, Fr) => "Pied de page de la facture",
            (Footer, En) => "Invoice footer",
            (PaymentTerm, Nl) => "Betaaltermijn (dagen)",
            (PaymentTerm, Fr) => "Délai de paiement (jours)",
            (PaymentTerm, En) => "Payment term (days)",
            (Save, Nl) => "Bewaren",
            (Save, Fr) => "Enregistrer",
            (Save, En) => "Save",
            (Saved, Nl) => "Bewaard.",
            (Saved, Fr) => "Enregistré.",
            (Saved, En) => "Saved.",
            (Plans, Nl) => "Formules",
            (Plans, Fr) => "Formules",
            (Plans, En) => "Plans",
            (PlansIntro, Nl) => {
                "Een jaarbijdrage per schijf van actieve aandeelhouders, voor leden en niet-leden van het netwerk, en eenmalige kosten."
            }
            (PlansIntro, Fr) => {
                "Une cotisation annuelle par tranche d'actionnaires actifs, pour membres et non-membres du réseau, et des frais uniques."
            }
            (PlansIntro, En) => {
                "A yearly fee per tier of active shareholders, for members and non-members of the network, and one-off fees."
            }
            (NewPlan, Nl) => "Nieuwe formule",
            (NewPlan, Fr) => "Nouvelle formule",
            (NewPlan, En) => "New plan",
            (Code, Nl) => "Code",
            (Code, Fr) => "Code",
            (Code, En) => "Code",
            (CodeHint, Nl) => {
                "Kleine letters, cijfers en streepjes; ligt vast eens de formule bestaat."
            }
            (CodeHint, Fr) => "Minuscules, chiffres et tirets ; fixé une fois la formule créée.",
            (CodeHint, En) => "Lower-case letters, digits and dashes; fixed once the plan exists.",
            (Tiers, Nl) => "Schijven",
            (Tiers, Fr) => "Tranches",
            (Tiers, En) => "Tiers",
            (TiersHint, Nl) => {
                "Van klein naar groot; laat 'tot en met' leeg bij de laatste schijf."
            }
            (TiersHint, Fr) => {
                "Du plus petit au plus grand ; laissez « jusqu'à » vide pour la dernière tranche."
            }
            (TiersHint, En) => "From small to large; leave 'up to' empty on the last tier.",
            (UpTo, Nl) => "Tot en met (aandeelhouders)",
            (UpTo, Fr) => "Jusqu'à (actionnaires)",
            (UpTo, En) => "Up to (shareholders)",
            (MemberFee, Nl) => "Leden",
            (MemberFee, Fr) => "Membres",
            (MemberFee, En) => "Members",
            (NonMemberFee, Nl) => "Niet-leden",
            (NonMemberFee, Fr) => "Non-membres",
            (NonMemberFee, En) => "Non-members",
            (OnboardingFee, Nl) => "Opstart (eenmalig)",
            (OnboardingFee, Fr) => "Mise en service (unique)",
            (OnboardingFee, En) => "Onboarding (one-off)",
            (MigrationFee, Nl) => "Overname bestaand register (eenmalig)",
            (MigrationFee, Fr) => "Reprise du registre existant (unique)",
            (MigrationFee, En) => "Migration of an existing register (one-off)",
            (VatRate, Nl) => "Btw-tarief",
            (VatRate, Fr) => "Taux de TVA",
            (VatRate, En) => "VAT rate",
            (Edit, Nl) => "Wijzigen",
            (Edit, Fr) => "Modifier",
            (Edit, En) => "Edit",
            (Profiles, Nl) => "Facturatieprofielen",
            (Profiles, Fr) => "Profils de facturation",
            (Profiles, En) => "Billing profiles",
            (ProfilesIntro, Nl) => {
                "Hoe elke coöperatie gefactureerd wordt: formule, lidmaatschap, startdatum en facturatieadres."
            }
            (ProfilesIntro, Fr) => {
                "Comment chaque coopérative est facturée : formule, adhésion, date de début et adresse de facturation."
            }
            (ProfilesIntro, En) => {
                "How each cooperative is billed: plan, membership, start date and billing address."
            }
            (Plan, Nl) => "Formule",
            (Plan, Fr) => "Formule",
            (Plan, En) => "Plan",
            (Member, Nl) => "Lid van het netwerk",
            (Member, Fr) => "Membre du réseau",
            (Member, En) => "Member of the network",
            (BillingStart, Nl) => "Facturatie vanaf",
            (BillingStart, Fr) => "Facturation à partir du",
            (BillingStart, En) => "Billed from",
            (Migration, Nl) => "Bestaand register overgenomen",
            (Migration, Fr) => "Registre existant repris",
            (Migration, En) => "Existing register migrated",
            (InvoiceLanguage, Nl) => "Taal van de facturen",
            (InvoiceLanguage, Fr) => "Langue des factures",
            (InvoiceLanguage, En) => "Language of the invoices",
            (YearlyFee, Nl) => "Eigen jaarbijdrage",
            (YearlyFee, Fr) => "Cotisation annuelle propre",
            (YearlyFee, En) => "Own yearly fee",
            (OwnPriceHint, Nl) => "Leeg: de prijs van de formule.",
            (OwnPriceHint, Fr) => "Vide : le prix de la formule.",
            (OwnPriceHint, En) => "Empty: the plan's price.",
            (NoProfile, Nl) => "geen profiel",
            (NoProfile, Fr) => "pas de profil",
            (NoProfile, En) => "no profile",
            (Yes, Nl) => "ja",
            (Yes, Fr) => "oui",
            (Yes, En) => "yes",
            (No, Nl) => "nee",
            (No, Fr) => "non",
            (No, En) => "no",
            (Problems, Nl) => "Dit kon niet worden bewaard",
            (Problems, Fr) => "Ceci n'a pas pu être enregistré",
            (Problems, En) => "This could not be saved",
            (CheckValue, Nl) => "Deze waarde wordt niet aanvaard; kijk ze na.",
            (CheckValue, Fr) => "Cette valeur n'est pas acceptée ; vérifiez-la.",
            (CheckValue, En) => "This value is not accepted; please check it.",
            (BadVatNumber, Nl) => {
                "Een btw-nummer is BE en het ondernemingsnummer, zoals BE0403019261."
            }
            (BadVatNumber, Fr) => {
                "Un numéro de TVA est BE et le numéro d'entreprise, comme BE0403019261."
            }
            (BadVatNumber, En) => {
                "A VAT number is BE and the enterprise number, like BE0403019261."
            }
            (BadIban, Nl) => "Dit is geen geldig IBAN-nummer.",
            (BadIban, Fr) => "Ce n'est pas un IBAN valide.",
            (BadIban, En) => "This is not a valid IBAN.",
            (BadEmail, Nl) => "Geef een geldig e-mailadres.",
            (BadEmail, Fr) => "Indiquez une adresse e-mail valide.",
            (BadEmail, En) => "Give a valid e-mail address.",
            (BadAmount, Nl) => "Geef een bedrag zoals 1.250,00.",
            (BadAmount, Fr) => "Indiquez un montant comme 1.250,00.",
            (BadAmount, En) => "Give an amount like 1,250.00.",
            (BadDate, Nl) => "Geef een datum zoals 31/12/2026.",
            (BadDate, Fr) => "Indiquez une date comme 31/12/2026.",
            (BadDate, En) => "Give a date like 31/12/2026.",
            (BadEnterpriseNumber, Nl) => "Dit is geen geldig ondernemingsnummer.",
            (BadEnterpriseNumber, Fr) => "Ce n'est pas un numéro d'entreprise valide.",
            (BadEnterpriseNumber, En) => "This is not a valid enterprise number.",
            (BadPeppolId, Nl) => {
                "Een Peppol-id is een schema van 4 cijfers en een nummer, zoals 0208:0403019261."
            }
            (BadPeppolId, Fr) => {
                "Un identifiant Peppol est un schéma de 4 chiffres et un numéro, comme 0208:0403019261."
            }
            (BadPeppolId, En) => {
                "A Peppol id is a 4-digit scheme and a number, like 0208:0403019261."
            }
            (BadTiers, Nl) => "De schijven moeten stijgen en de laatste mag geen grens hebben.",
            (BadTiers, Fr) => {
                "Les tranches doivent croître et la dernière ne peut avoir de limite."
            }
            (BadTiers, En) => "The tiers must rise and the last one has no limit.",
            (BadCode, Nl) => "Kleine letters, cijfers en streepjes, 2 tot 40 tekens.",
            (BadCode, Fr) => "Minuscules, chiffres et tirets, 2 à 40 caractères.",
            (BadCode, En) => "Lower-case letters, digits and dashes, 2 to 40 characters.",
            (CodeTaken, Nl) => "Er is al een formule met deze code.",
            (CodeTaken, Fr) => "Une formule porte déjà ce code.",
            (CodeTaken, En) => "A plan with this code exists already.",
            (Required, Nl) => "Vul dit in.",
            (Required, Fr) => "Veuillez remplir ce champ.",
            (Required, En) => "Please fill this in.",
            (AndMore, Nl) => "of meer",
            (AndMore, Fr) => "ou plus",
            (AndMore, En) => "or more",
        }
    }
}

/// The values of a form as typed, by field name.
pub type Values = Vec<(&'static str, String)>;

fn value<'a>(values: &'a Values, name: &str) -> &'a str {
    values
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, v)| v.as_str())
}

fn saved(lang: Language, done: bool) -> Markup {
    html! { @if done { p.status.ok role="status" { (t(lang, SetupText::Saved)) } } }
}

fn context(lang: Language) -> Markup {
    html! { p.context { a href="/billing" { (t(lang, crate::billing::BillingText::Billing)) } } }
}

/// The invoicing identity form.
pub fn identity(
    frame: &Frame,
    csrf: &str,
    values: &Values,
    errors: &FieldErrors,
    done: bool,
) -> String {
    use SetupText::*;
    let lang = frame.lang;
    let fields: [(&str, SetupText, Control, bool); 14] = [
        ("name", Name, Control::Text, true),
        ("street", Street, Control::Text, true),
        ("postal_code", PostalCode, Control::Text, true),
        ("city", City, Control::Text, true),
        ("country", Country, Control::Text, false),
        ("enterprise_number", EnterpriseNumber, Control::Text, true),
        ("vat_number", VatNumber, Control::Text, true),
        ("iban", Iban, Control::Text, true),
        ("bic", Bic, Control::Text, false),
        ("peppol_id", PeppolId, Control::Text, false),
        ("email", Email, Control::Email, true),
        ("footer", Footer, Control::Area, false),
        ("payment_term_days", PaymentTerm, Control::Count, true),
        ("", Save, Control::Text, false),
    ];
    let labels: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, l, _, _)| (*n, t(lang, *l)))
        .collect();
    page(
        frame,
        html! {
            (saved(lang, done))
            (error_summary(t(lang, Problems), errors, &labels))
            (context(lang))
            h1 { (t(lang, Identity)) }
            p { (t(lang, IdentityIntro)) }
            form method="post" action="/billing/identity" novalidate {
                input type="hidden" name="csrf" value=(csrf);
                div.form-grid {
                    @for (name, label, control, required) in fields {
                        @if !name.is_empty() {
                            @let f = Field::new(name, t(lang, label), value(values, name), control).error_from(errors);
                            @let f = if required { f.required() } else { f };
                            @let f = if name == "peppol_id" { f.hint(t(lang, PeppolIdHint)) } else { f };
                            (field(&f))
                        }
                    }
                }
                button type="submit" { (t(lang, Save)) }
            }
        },
    )
}

/// One plan as listed.
pub struct PlanLine {
    pub code: String,
    pub name: String,
    /// (from, up to, member fee, non-member fee), as written in the language.
    pub tiers: Vec<(u32, Option<u32>, String, String)>,
    pub onboarding: String,
    pub migration: String,
    pub vat_rate: String,
}

/// The rows of the tier table in a plan form.
pub const TIER_ROWS: usize = 5;

fn plan_form(
    lang: Language,
    csrf: &str,
    action: &str,
    values: &Values,
    errors: &FieldErrors,
    new: bool,
) -> Markup {
    use SetupText::*;
    let vat_options: Vec<(String, String)> = ["21", "12", "6", "exempt"]
        .iter()
        .map(|r| {
            (
                r.to_string(),
                if *r == "exempt" {
                    "0 %".to_string()
                } else {
                    format!("{r} %")
                },
            )
        })
        .collect();
    html! {
        form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(csrf);
            div.form-grid {
                @if new {
                    (field(&Field::new("code", t(lang, Code), value(values, "code"), Control::Text).hint(t(lang, CodeHint)).required().error_from(errors)))
                }
                (field(&Field::new("name", t(lang, Name), value(values, "name"), Control::Text).required().error_from(errors)))
                (field(&Field::new("onboarding_fee", t(lang, OnboardingFee), value(values, "onboarding_fee"), Control::Amount).required().error_from(errors)))
                (field(&Field::new("migration_fee", t(lang, MigrationFee), value(values, "migration_fee"), Control::Amount).required().error_from(errors)))
                (field(&Field::new("vat_rate", t(lang, VatRate), value(values, "vat_rate"), Control::Select { options: vat_options }).error_from(errors)))
            }
            fieldset {
                legend { (t(lang, Tiers)) }
                p.hint { (t(lang, TiersHint)) }
                @if let Some(e) = errors.of("tiers") { p.field-error id="tiers" { (e) } }
                div.scroll tabindex="0" role="region" aria-label=(t(lang, Tiers)) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, UpTo)) }
                            th scope="col" { (t(lang, MemberFee)) }
                            th scope="col" { (t(lang, NonMemberFee)) }
                        } }
                        tbody {
                            @for i in 0..TIER_ROWS {
                                @let names = [format!("up_to_{i}"), format!("member_{i}"), format!("non_member_{i}")];
                                tr {
                                    @for (n, label) in names.iter().zip([UpTo, MemberFee, NonMemberFee]) {
                                        td { input name=(n) id=(n) aria-label=(format!("{} {}", t(lang, label), i + 1))
                                            inputmode=(if label == UpTo { "numeric" } else { "decimal" })
                                            value=(value(values, tier_field(n))); }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            button type="submit" { (t(lang, Save)) }
        }
    }
}

/// The `'static` name of a tier field, for looking its value up.
pub fn tier_field(name: &str) -> &'static str {
    const NAMES: [&str; 3 * TIER_ROWS] = [
        "up_to_0",
        "member_0",
        "non_member_0",
        "up_to_1",
        "member_1",
        "non_member_1",
        "up_to_2",
        "member_2",
        "non_member_2",
        "up_to_3",
        "member_3",
        "non_member_3",
        "up_to_4",
        "member_4",
        "non_member_4",
    ];
    NAMES.iter().find(|n| **n == name).copied().unwrap_or("")
}

/// The plans and the form for a new one.
pub fn plans(
    frame: &Frame,
    csrf: &str,
    plans: &[PlanLine],
    values: &Values,
    errors: &FieldErrors,
    done: bool,
) -> String {
    use SetupText::*;
    let lang = frame.lang;
    let labels = [
        ("code", t(lang, Code)),
        ("name", t(lang, Name)),
        ("tiers", t(lang, Tiers)),
        ("onboarding_fee", t(lang, OnboardingFee)),
        ("migration_fee", t(lang, MigrationFee)),
    ];
    page(
        frame,
        html! {
            (saved(lang, done))
            (error_summary(t(lang, Problems), errors, &labels))
            (context(lang))
            h1 { (t(lang, Plans)) }
            p { (t(lang, PlansIntro)) }
            @for p in plans {
                section {
                    h2 { (p.name) " (" (p.code) ")" }
                    div.scroll tabindex="0" role="region" aria-label=(p.name) {
                        table {
                            thead { tr {
                                th scope="col" { (t(lang, Tiers)) }
                                th scope="col" class="num" { (t(lang, MemberFee)) }
                                th scope="col" class="num" { (t(lang, NonMemberFee)) }
                            } }
                            tbody {
                                @for (from, to, member, non_member) in &p.tiers {
                                    tr {
                                        td { (from) @match to { Some(to) => { " – " (to) }, None => { " " (t(lang, AndMore)) } } }
                                        td.num.nowrap { (member) }
                                        td.num.nowrap { (non_member) }
                                    }
                                }
                            }
                        }
                    }
                    p { (t(lang, OnboardingFee)) ": " (p.onboarding) " · " (t(lang, MigrationFee)) ": " (p.migration)
                        " · " (t(lang, VatRate)) ": " (p.vat_rate) }
                    p { a href=(format!("/billing/plans/{}", p.code)) { (t(lang, Edit)) } }
                }
            }
            h2 { (t(lang, NewPlan)) }
            (plan_form(lang, csrf, "/billing/plans", values, errors, true))
        },
    )
}

/// One plan's edit form.
pub fn plan(
    frame: &Frame,
    csrf: &str,
    code: &str,
    values: &Values,
    errors: &FieldErrors,
) -> String {
    let lang = frame.lang;
    let labels = [
        ("name", t(lang, SetupText::Name)),
        ("tiers", t(lang, SetupText::Tiers)),
    ];
    page(
        frame,
        html! {
            (error_summary(t(lang, SetupText::Problems), errors, &labels))
            (context(lang))
            h1 { (t(lang, SetupText::Plan)) " " (code) }
            (plan_form(lang, csrf, &format!("/billing/plans/{code}"), values, errors, false))
        },
    )
}

/// A cooperative and its profile, as listed.
pub struct ProfileLine {
    pub slug: String,
    pub name: String,
    /// (plan, member, billed from, e-mail) when it has a profile.
    pub profile: Option<(String, bool, String, String)>,
}

pub fn profiles(frame: &Frame, lines: &[ProfileLine]) -> String {
    use SetupText::*;
    let lang = frame.lang;
    page(
        frame,
        html! {
            (context(lang))
            h1 { (t(lang, Profiles)) }
            p { (t(lang, ProfilesIntro)) }
            div.scroll tabindex="0" role="region" aria-label=(t(lang, Profiles)) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, Name)) }
                        th scope="col" { (t(lang, Plan)) }
                        th scope="col" { (t(lang, Member)) }
                        th scope="col" { (t(lang, BillingStart)) }
                        th scope="col" { (t(lang, Email)) }
                    } }
                    tbody {
                        @for l in lines {
                            tr {
                                td { a href=(format!("/billing/profiles/{}", l.slug)) { (l.name) } }
                                @match &l.profile {
                                    Some((plan, member, start, email)) => {
                                        td { (plan) }
                                        td { (t(lang, if *member { Yes } else { No })) }
                                        td.nowrap { (start) }
                                        td { (email) }
                                    }
                                    None => { td colspan="4" { (t(lang, NoProfile)) } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// One cooperative's profile form; `plans` are (code, name).
pub fn profile(
    frame: &Frame,
    csrf: &str,
    cooperative: (&str, &str),
    plans: &[(String, String)],
    values: &Values,
    errors: &FieldErrors,
    done: bool,
) -> String {
    use SetupText::*;
    let lang = frame.lang;
    let (slug, name) = cooperative;
    let yes_no = || {
        vec![
            ("yes".to_string(), t(lang, Yes).to_string()),
            ("no".to_string(), t(lang, No).to_string()),
        ]
    };
    let languages: Vec<(String, String)> = dar_core::types::Language::ALL
        .iter()
        .map(|l| {
            (
                l.as_str().to_string(),
                crate::i18n::language_name(*l).to_string(),
            )
        })
        .collect();
    let plan_options: Vec<(String, String)> = plans
        .iter()
        .map(|(c, n)| (c.clone(), format!("{n} ({c})")))
        .collect();
    let text = |n: &'static str, l: SetupText| {
        Field::new(n, t(lang, l), value(values, n), Control::Text).error_from(errors)
    };
    let amount = |n: &'static str, l: SetupText| {
        Field::new(n, t(lang, l), value(values, n), Control::Amount)
            .hint(t(lang, OwnPriceHint))
            .error_from(errors)
    };
    let labels = [
        ("plan", t(lang, Plan)),
        ("billing_start", t(lang, BillingStart)),
        ("name", t(lang, Name)),
        ("street", t(lang, Street)),
        ("postal_code", t(lang, PostalCode)),
        ("city", t(lang, City)),
        ("country", t(lang, Country)),
        ("enterprise_number", t(lang, EnterpriseNumber)),
        ("vat_number", t(lang, VatNumber)),
        ("peppol_id", t(lang, PeppolId)),
        ("email", t(lang, Email)),
        ("yearly_fee", t(lang, YearlyFee)),
        ("onboarding_fee", t(lang, OnboardingFee)),
        ("migration_fee", t(lang, MigrationFee)),
    ];
    page(
        frame,
        html! {
            (saved(lang, done))
            (error_summary(t(lang, Problems), errors, &labels))
            p.context { a href="/billing/profiles" { (t(lang, Profiles)) } }
            h1 { (name) }
            form method="post" action=(format!("/billing/profiles/{slug}")) novalidate {
                input type="hidden" name="csrf" value=(csrf);
                div.form-grid {
                    (field(&Field::new("plan", t(lang, Plan), value(values, "plan"), Control::Select { options: plan_options }).required().error_from(errors)))
                    (field(&Field::new("member", t(lang, Member), value(values, "member"), Control::Select { options: yes_no() }).error_from(errors)))
                    (field(&Field::new("billing_start", t(lang, BillingStart), value(values, "billing_start"), Control::Date).required().error_from(errors)))
                    (field(&Field::new("migration", t(lang, Migration), value(values, "migration"), Control::Select { options: yes_no() }).error_from(errors)))
                    (field(&text("name", Name).required()))
                    (field(&text("street", Street).required()))
                    (field(&text("postal_code", PostalCode).required()))
                    (field(&text("city", City).required()))
                    (field(&text("country", Country)))
                    (field(&text("enterprise_number", EnterpriseNumber).required()))
                    (field(&text("vat_number", VatNumber)))
                    (field(&text("peppol_id", PeppolId).hint(t(lang, PeppolIdHint))))
                    (field(&Field::new("email", t(lang, Email), value(values, "email"), Control::Email).required().error_from(errors)))
                    (field(&Field::new("language", t(lang, InvoiceLanguage), value(values, "language"), Control::Select { options: languages }).error_from(errors)))
                    (field(&amount("yearly_fee", YearlyFee)))
                    (field(&amount("onboarding_fee", OnboardingFee)))
                    (field(&amount("migration_fee", MigrationFee)))
                }
                button type="submit" { (t(lang, Save)) }
            }
        },
    )
}
