//! Who has access, and bringing people in: a cooperative's users and invitations (its
//! administrators), the coordinator's onboarding of cooperatives with their first
//! administrator, and the platform's own users (coordinators and the helpdesk). No
//! shareholder's personal data appears on the coordinator's pages.

use chrono::NaiveDateTime;
use dar_core::types::{Language, Role, TenantStatus};
use maud::{Markup, html};

use crate::forms::{Control, Field, FieldErrors, error_summary, field};
use crate::i18n::{Localized, Text, date, language_name, t};
use crate::layout::{Frame, page};
use crate::pages::{Section, Tools, cooperative_nav};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeopleText {
    Users,
    UsersIntro,
    Access,
    NoAccess,
    Role,
    Since,
    Remove,
    Removed,
    Invitations,
    NoInvitations,
    ExpiresOn,
    Expired,
    Invite,
    InviteSomeone,
    InviteIntro,
    Invited,
    ShareholderNumber,
    ShareholderNumberHint,
    MailLanguage,
    AddCooperative,
    AddCooperativeIntro,
    LegalName,
    Slug,
    SlugHint,
    LegalForm,
    DefaultLanguage,
    FirstAdmin,
    FirstAdminHint,
    CooperativeCreated,
    Administrators,
    InviteAdmin,
    StatusLabel,
    ChangeStatus,
    Suspend,
    Reactivate,
    Archive,
    StatusChanged,
    SuspendWarning,
    PlatformUsers,
    BadEmail,
    BadSlug,
    SlugTaken,
    BadEnterpriseNumber,
    Required,
    NeedsHolder,
    UnknownHolder,
    CannotRemoveSelf,
    CheckValue,
}

impl Localized for PeopleText {
    fn text(self, lang: Language) -> &'static str {
        use Language::{En, Fr, Nl};
        use PeopleText::*;
        match (self, lang) {
            (Users, Nl) => "Gebruikers",
            (Users, Fr) => "Utilisateurs",
            (Users, En) => "Users",
            (UsersIntro, Nl) => {
                "Wie deze coöperatie mag openen, en als wat. Beheerders houden het register bij, lezers kijken alleen, aandeelhouders zien hun eigen gegevens."
            }
            (UsersIntro, Fr) => {
                "Qui peut ouvrir cette coopérative, et en quel rôle. Les administrateurs tiennent le registre, les lecteurs consultent, les associés voient leurs propres données."
            }
            (UsersIntro, En) => {
                "Who may open this cooperative, and as what. Administrators keep the register, viewers only read, shareholders see their own data."
            }
            (Access, Nl) => "Toegang",
            (Access, Fr) => "Accès",
            (Access, En) => "Access",
            (NoAccess, Nl) => "Nog niemand.",
            (NoAccess, Fr) => "Personne pour l'instant.",
            (NoAccess, En) => "Nobody yet.",
            (Role, Nl) => "Rol",
            (Role, Fr) => "Rôle",
            (Role, En) => "Role",
            (Since, Nl) => "Sinds",
            (Since, Fr) => "Depuis",
            (Since, En) => "Since",
            (Remove, Nl) => "Toegang intrekken",
            (Remove, Fr) => "Retirer l'accès",
            (Remove, En) => "Remove access",
            (Removed, Nl) => "De toegang is ingetrokken.",
            (Removed, Fr) => "L'accès est retiré.",
            (Removed, En) => "The access is removed.",
            (Invitations, Nl) => "Openstaande uitnodigingen",
            (Invitations, Fr) => "Invitations en attente",
            (Invitations, En) => "Open invitations",
            (NoInvitations, Nl) => "Geen openstaande uitnodigingen.",
            (NoInvitations, Fr) => "Aucune invitation en attente.",
            (NoInvitations, En) => "No open invitations.",
            (ExpiresOn, Nl) => "Geldig tot",
            (ExpiresOn, Fr) => "Valable jusqu'au",
            (ExpiresOn, En) => "Valid until",
            (Expired, Nl) => "verlopen",
            (Expired, Fr) => "expirée",
            (Expired, En) => "expired",
            (Invite, Nl) => "Uitnodiging versturen",
            (Invite, Fr) => "Envoyer l'invitation",
            (Invite, En) => "Send the invitation",
            (InviteSomeone, Nl) => "Iemand uitnodigen",
            (InviteSomeone, Fr) => "Inviter quelqu'un",
            (InviteSomeone, En) => "Invite someone",
            (InviteIntro, Nl) => {
                "De uitgenodigde krijgt een e-mail met een link om een wachtwoord te kiezen; de link blijft 14 dagen geldig."
            }
            (InviteIntro, Fr) => {
                "La personne invitée reçoit un e-mail avec un lien pour choisir un mot de passe ; le lien reste valable 14 jours."
            }
            (InviteIntro, En) => {
                "The invitee gets an e-mail with a link to choose a password; the link stays valid for 14 days."
            }
            (Invited, Nl) => "De uitnodiging is verstuurd.",
            (Invited, Fr) => "L'invitation est envoyée.",
            (Invited, En) => "The invitation is sent.",
            (ShareholderNumber, Nl) => "Registernummer van de aandeelhouder",
            (ShareholderNumber, Fr) => "Numéro de registre de l'associé",
            (ShareholderNumber, En) => "The shareholder's register number",
            (ShareholderNumberHint, Nl) => {
                "Alleen voor de rol aandeelhouder: wiens gegevens deze gebruiker ziet."
            }
            (ShareholderNumberHint, Fr) => {
                "Uniquement pour le rôle associé : les données de qui cet utilisateur voit."
            }
            (ShareholderNumberHint, En) => {
                "For the shareholder role only: whose data this user sees."
            }
            (MailLanguage, Nl) => "Taal van de e-mail",
            (MailLanguage, Fr) => "Langue de l'e-mail",
            (MailLanguage, En) => "Language of the e-mail",
            (AddCooperative, Nl) => "Coöperatie toevoegen",
            (AddCooperative, Fr) => "Ajouter une coopérative",
            (AddCooperative, En) => "Add a cooperative",
            (AddCooperativeIntro, Nl) => {
                "De coöperatie krijgt een leeg register; haar eerste beheerder krijgt een uitnodiging per e-mail."
            }
            (AddCooperativeIntro, Fr) => {
                "La coopérative reçoit un registre vide ; son premier administrateur reçoit une invitation par e-mail."
            }
            (AddCooperativeIntro, En) => {
                "The cooperative gets an empty register; its first administrator gets an invitation by e-mail."
            }
            (LegalName, Nl) => "Naam van de coöperatie",
            (LegalName, Fr) => "Dénomination de la coopérative",
            (LegalName, En) => "Name of the cooperative",
            (Slug, Nl) => "Korte naam in de adresbalk",
            (Slug, Fr) => "Nom court dans l'adresse",
            (Slug, En) => "Short name in the address",
            (SlugHint, Nl) => "Kleine letters, cijfers en streepjes, bijvoorbeeld zonnedak-gent.",
            (SlugHint, Fr) => "Minuscules, chiffres et tirets, par exemple soleil-namur.",
            (SlugHint, En) => "Lower-case letters, digits and dashes, for example sunroof-ghent.",
            (LegalForm, Nl) => "Rechtsvorm",
            (LegalForm, Fr) => "Forme juridique",
            (LegalForm, En) => "Legal form",
            (DefaultLanguage, Nl) => "Taal van de coöperatie",
            (DefaultLanguage, Fr) => "Langue de la coopérative",
            (DefaultLanguage, En) => "Language of the cooperative",
            (FirstAdmin, Nl) => "E-mailadres van de eerste beheerder",
            (FirstAdmin, Fr) => "Adresse e-mail du premier administrateur",
            (FirstAdmin, En) => "E-mail address of the first administrator",
            (FirstAdminHint, Nl) => "Mag leeg blijven; je kan later iemand uitnodigen.",
            (FirstAdminHint, Fr) => "Peut rester vide ; vous pourrez inviter quelqu'un plus tard.",
            (FirstAdminHint, En) => "May stay empty; you can invite someone later.",
            (CooperativeCreated, Nl) => "De coöperatie is aangemaakt.",
            (CooperativeCreated, Fr) => "La coopérative est créée.",
            (CooperativeCreated, En) => "The cooperative is created.",
            (Administrators, Nl) => "Beheerders",
            (Administrators, Fr) => "Administrateurs",
            (Administrators, En) => "Administrators",
            (InviteAdmin, Nl) => "Beheerder uitnodigen",
            (InviteAdmin, Fr) => "Inviter un administrateur",
            (InviteAdmin, En) => "Invite an administrator",
            (StatusLabel, Nl) => "Status",
            (StatusLabel, Fr) => "Statut",
            (StatusLabel, En) => "Status",
            (ChangeStatus, Nl) => "Status wijzigen",
            (ChangeStatus, Fr) => "Changer le statut",
            (ChangeStatus, En) => "Change the status",
            (Suspend, Nl) => "Schorsen",
            (Suspend, Fr) => "Suspendre",
            (Suspend, En) => "Suspend",
            (Reactivate, Nl) => "Opnieuw activeren",
            (Reactivate, Fr) => "Réactiver",
            (Reactivate, En) => "Reactivate",
            (Archive, Nl) => "Archiveren",
            (Archive, Fr) => "Archiver",
            (Archive, En) => "Archive",
            (StatusChanged, Nl) => "De status is gewijzigd.",
            (StatusChanged, Fr) => "Le statut est modifié.",
            (StatusChanged, En) => "The status is changed.",
            (SuspendWarning, Nl) => {
                "Een geschorste of gearchiveerde coöperatie kan haar register nog lezen, maar er niets meer in boeken."
            }
            (SuspendWarning, Fr) => {
                "Une coopérative suspendue ou archivée peut encore lire son registre, mais plus rien y enregistrer."
            }
            (SuspendWarning, En) => {
                "A suspended or archived cooperative can still read its register but can no longer record anything in it."
            }
            (PlatformUsers, Nl) => "Platformgebruikers",
            (PlatformUsers, Fr) => "Utilisateurs de la plateforme",
            (PlatformUsers, En) => "Platform users",
            (BadEmail, Nl) => "Geen geldig e-mailadres (zoals naam@voorbeeld.be).",
            (BadEmail, Fr) => "Adresse e-mail non valide (comme nom@exemple.be).",
            (BadEmail, En) => "Not a valid e-mail address (like name@example.be).",
            (BadSlug, Nl) => {
                "2 tot 40 kleine letters, cijfers of streepjes, niet beginnend met een streepje."
            }
            (BadSlug, Fr) => "2 à 40 minuscules, chiffres ou tirets, sans tiret au début.",
            (BadSlug, En) => {
                "2 to 40 lower-case letters, digits or dashes, not starting with a dash."
            }
            (SlugTaken, Nl) => "Deze korte naam of dit ondernemingsnummer is al in gebruik.",
            (SlugTaken, Fr) => "Ce nom court ou ce numéro d'entreprise est déjà utilisé.",
            (SlugTaken, En) => "This short name or enterprise number is already in use.",
            (BadEnterpriseNumber, Nl) => {
                "Geen geldig ondernemingsnummer (10 cijfers, zoals 0403.170.701)."
            }
            (BadEnterpriseNumber, Fr) => {
                "Numéro d'entreprise non valide (10 chiffres, comme 0403.170.701)."
            }
            (BadEnterpriseNumber, En) => {
                "Not a valid enterprise number (10 digits, like 0403.170.701)."
            }
            (Required, Nl) => "Vul dit in.",
            (Required, Fr) => "Veuillez remplir ce champ.",
            (Required, En) => "Please fill this in.",
            (NeedsHolder, Nl) => "Geef het registernummer van de aandeelhouder.",
            (NeedsHolder, Fr) => "Indiquez le numéro de registre de l'associé.",
            (NeedsHolder, En) => "Give the shareholder's register number.",
            (UnknownHolder, Nl) => "Dit register heeft geen aandeelhouder met dit nummer.",
            (UnknownHolder, Fr) => "Ce registre n'a pas d'associé portant ce numéro.",
            (UnknownHolder, En) => "This register has no shareholder with this number.",
            (CannotRemoveSelf, Nl) => {
                "Je eigen beheerdersrechten trek je niet zelf in; vraag het een andere beheerder."
            }
            (CannotRemoveSelf, Fr) => {
                "Vous ne retirez pas vous-même vos droits d'administrateur ; demandez-le à un autre administrateur."
            }
            (CannotRemoveSelf, En) => {
                "You do not remove your own administrator rights; ask another administrator."
            }
            (CheckValue, Nl) => "Deze waarde wordt niet aanvaard; kijk ze na.",
            (CheckValue, Fr) => "Cette valeur n'est pas acceptée ; vérifiez-la.",
            (CheckValue, En) => "This value is not accepted; please check it.",
        }
    }
}

pub fn role_name(lang: Language, role: Role) -> &'static str {
    t(
        lang,
        match role {
            Role::Admin => Text::RoleAdmin,
            Role::Viewer => Text::RoleViewer,
            Role::Shareholder => Text::RoleShareholder,
            Role::Helpdesk => Text::RoleHelpdesk,
            Role::Coordinator => Text::RoleCoordinator,
        },
    )
}

/// One person's access.
pub struct MemberLine {
    pub email: String,
    pub role: Role,
    /// For a shareholder: whose record, "Janssens, Anna (12)".
    pub holder: Option<String>,
    pub since: NaiveDateTime,
    /// The form's action that removes it, when the reader may.
    pub remove: Option<String>,
}

pub struct InvitationLine {
    pub email: String,
    pub role: Role,
    pub expires_at: NaiveDateTime,
    pub expired: bool,
}

/// The invite form's values as typed.
#[derive(Clone, Debug, Default)]
pub struct InviteValues {
    pub email: String,
    pub role: String,
    pub shareholder: String,
    pub language: String,
}

/// An invite form: where it posts, which roles it offers, whether it asks for a holder.
pub struct InviteForm<'a> {
    pub action: String,
    pub title: PeopleText,
    pub roles: Vec<Role>,
    pub asks_holder: bool,
    pub values: &'a InviteValues,
    pub errors: &'a FieldErrors,
}

fn invite_labels(lang: Language) -> Vec<(&'static str, &'static str)> {
    vec![
        ("email", t(lang, Text::Email)),
        ("role", t(lang, PeopleText::Role)),
        ("shareholder", t(lang, PeopleText::ShareholderNumber)),
        ("language", t(lang, PeopleText::MailLanguage)),
    ]
}

fn languages() -> Vec<(String, String)> {
    Language::ALL
        .iter()
        .map(|l| (l.as_str().to_string(), language_name(*l).to_string()))
        .collect()
}

fn invite_form(lang: Language, csrf: &str, f: &InviteForm) -> Markup {
    let labels = invite_labels(lang);
    let v = f.values;
    let roles = f
        .roles
        .iter()
        .map(|r| (r.as_str().to_string(), role_name(lang, *r).to_string()))
        .collect();
    let mut fields = vec![
        Field::new("email", labels[0].1, &v.email, Control::Email)
            .required()
            .error_from(f.errors),
    ];
    if f.roles.len() > 1 {
        fields.push(
            Field::new(
                "role",
                labels[1].1,
                &v.role,
                Control::Select { options: roles },
            )
            .error_from(f.errors),
        );
    }
    if f.asks_holder {
        fields.push(
            Field::new("shareholder", labels[2].1, &v.shareholder, Control::Count)
                .hint(t(lang, PeopleText::ShareholderNumberHint))
                .error_from(f.errors),
        );
    }
    fields.push(
        Field::new(
            "language",
            labels[3].1,
            &v.language,
            Control::Select {
                options: languages(),
            },
        )
        .error_from(f.errors),
    );
    html! {
        section aria-labelledby="invite" {
            h2 #invite { (t(lang, f.title)) }
            p { (t(lang, PeopleText::InviteIntro)) }
            (error_summary(t(lang, Text::FormProblems), f.errors, &labels))
            form method="post" action=(f.action) novalidate {
                input type="hidden" name="csrf" value=(csrf);
                @if f.roles.len() == 1 {
                    input type="hidden" name="role" value=(f.roles[0].as_str());
                }
                div.form-grid { @for x in &fields { (field(x)) } }
                div.actions { button type="submit" { (t(lang, PeopleText::Invite)) } }
            }
        }
    }
}

fn members_table(lang: Language, csrf: &str, members: &[MemberLine]) -> Markup {
    html! {
        @if members.is_empty() {
            p { (t(lang, PeopleText::NoAccess)) }
        } @else {
            div.scroll tabindex="0" role="region" aria-label=(t(lang, PeopleText::Access)) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, Text::Email)) }
                        th scope="col" { (t(lang, PeopleText::Role)) }
                        th scope="col" { (t(lang, PeopleText::Since)) }
                        th scope="col" { span.visually-hidden { (t(lang, PeopleText::Remove)) } }
                    } }
                    tbody {
                        @for m in members {
                            tr {
                                th scope="row" { (m.email) }
                                td {
                                    (role_name(lang, m.role))
                                    @if let Some(h) = &m.holder { " · " (h) }
                                }
                                td.nowrap { (date(m.since.date())) }
                                td {
                                    @if let Some(action) = &m.remove {
                                        form.inline method="post" action=(action) {
                                            input type="hidden" name="csrf" value=(csrf);
                                            button.secondary type="submit" aria-label=(format!("{} {}", t(lang, PeopleText::Remove), m.email)) {
                                                (t(lang, PeopleText::Remove))
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
    }
}

fn invitations_table(lang: Language, invitations: &[InvitationLine]) -> Markup {
    html! {
        @if invitations.is_empty() {
            p { (t(lang, PeopleText::NoInvitations)) }
        } @else {
            div.scroll tabindex="0" role="region" aria-label=(t(lang, PeopleText::Invitations)) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, Text::Email)) }
                        th scope="col" { (t(lang, PeopleText::Role)) }
                        th scope="col" { (t(lang, PeopleText::ExpiresOn)) }
                    } }
                    tbody {
                        @for i in invitations {
                            tr {
                                th scope="row" { (i.email) }
                                td { (role_name(lang, i.role)) }
                                td.nowrap {
                                    (date(i.expires_at.date()))
                                    @if i.expired { " (" (t(lang, PeopleText::Expired)) ")" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What a page confirms after a change (from the `done` of its address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    Invited,
    Removed,
    Created,
    StatusChanged,
}

fn done_text(done: Done) -> PeopleText {
    match done {
        Done::Invited => PeopleText::Invited,
        Done::Removed => PeopleText::Removed,
        Done::Created => PeopleText::CooperativeCreated,
        Done::StatusChanged => PeopleText::StatusChanged,
    }
}

fn confirmation(lang: Language, done: Option<Done>) -> Markup {
    html! {
        @if let Some(d) = done {
            p.status.ok role="status" { (t(lang, done_text(d))) }
        }
    }
}

pub struct UsersPage<'a> {
    pub cooperative: &'a str,
    pub slug: &'a str,
    pub csrf: &'a str,
    pub members: Vec<MemberLine>,
    pub invitations: Vec<InvitationLine>,
    pub form: InviteForm<'a>,
    pub done: Option<Done>,
    /// A refusal that is about the page, not a field (removing one's own rights).
    pub problem: Option<PeopleText>,
    pub tools: Tools,
}

/// A cooperative's users and invitations, for its administrators.
pub fn users_page(frame: &Frame, p: &UsersPage) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            p.context { (p.cooperative) }
            (cooperative_nav(lang, p.slug, p.tools, Section::Overview))
            (confirmation(lang, p.done))
            @if let Some(problem) = p.problem {
                p.problem role="alert" { (t(lang, problem)) }
            }
            h1 { (t(lang, PeopleText::Users)) }
            p { (t(lang, PeopleText::UsersIntro)) }
            h2 { (t(lang, PeopleText::Access)) }
            (members_table(lang, p.csrf, &p.members))
            h2 { (t(lang, PeopleText::Invitations)) }
            (invitations_table(lang, &p.invitations))
            (invite_form(lang, p.csrf, &p.form))
        },
    )
}

/// The new cooperative form's values as typed.
#[derive(Clone, Debug, Default)]
pub struct CooperativeValues {
    pub legal_name: String,
    pub enterprise_number: String,
    pub slug: String,
    pub legal_form: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub default_language: String,
    pub admin_email: String,
}

pub fn cooperative_labels(lang: Language) -> Vec<(&'static str, &'static str)> {
    let p = |x: PeopleText| t(lang, x);
    let h = |x: crate::holders::HolderText| t(lang, x);
    use crate::holders::HolderText;
    vec![
        ("legal_name", p(PeopleText::LegalName)),
        ("enterprise_number", t(lang, Text::EnterpriseNumber)),
        ("slug", p(PeopleText::Slug)),
        ("legal_form", p(PeopleText::LegalForm)),
        ("street", h(HolderText::Street)),
        ("postal_code", h(HolderText::PostalCode)),
        ("city", h(HolderText::City)),
        ("default_language", p(PeopleText::DefaultLanguage)),
        ("admin_email", p(PeopleText::FirstAdmin)),
    ]
}

pub struct NewCooperative<'a> {
    pub csrf: &'a str,
    pub values: &'a CooperativeValues,
    pub errors: &'a FieldErrors,
}

/// The coordinator's form to onboard a cooperative and invite its first administrator.
pub fn new_cooperative<'v>(frame: &Frame, n: &'v NewCooperative<'v>) -> String {
    let lang = frame.lang;
    let labels = cooperative_labels(lang);
    let v = n.values;
    let label = |name: &str| {
        labels
            .iter()
            .find(|(x, _)| *x == name)
            .map_or("", |(_, l)| *l)
    };
    let text = |name: &'static str, value: &'v str| {
        Field::new(name, label(name), value, Control::Text).error_from(n.errors)
    };
    let fields = [
        text("legal_name", &v.legal_name).required(),
        text("enterprise_number", &v.enterprise_number)
            .required()
            .hint(t(lang, crate::holders::HolderText::EnterpriseNumberHint)),
        text("slug", &v.slug)
            .required()
            .hint(t(lang, PeopleText::SlugHint)),
        text("legal_form", &v.legal_form).required(),
        text("street", &v.street),
        text("postal_code", &v.postal_code),
        text("city", &v.city),
        Field::new(
            "default_language",
            label("default_language"),
            &v.default_language,
            Control::Select {
                options: languages(),
            },
        )
        .error_from(n.errors),
        Field::new(
            "admin_email",
            label("admin_email"),
            &v.admin_email,
            Control::Email,
        )
        .hint(t(lang, PeopleText::FirstAdminHint))
        .error_from(n.errors),
    ];
    page(
        frame,
        html! {
            h1 { (t(lang, PeopleText::AddCooperative)) }
            p { (t(lang, PeopleText::AddCooperativeIntro)) }
            (error_summary(t(lang, Text::FormProblems), n.errors, &labels))
            form method="post" action="/cooperatives/new" novalidate {
                input type="hidden" name="csrf" value=(n.csrf);
                div.form-grid { @for f in &fields { (field(f)) } }
                div.actions {
                    button type="submit" { (t(lang, PeopleText::AddCooperative)) }
                    a href="/" { (t(lang, Text::Cooperatives)) }
                }
            }
        },
    )
}

fn tenant_status_text(status: TenantStatus) -> Text {
    match status {
        TenantStatus::Active => Text::TenantActive,
        TenantStatus::Suspended => Text::TenantSuspended,
        TenantStatus::Archived => Text::TenantArchived,
    }
}

pub struct CooperativePage<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub enterprise_number: &'a str,
    pub status: TenantStatus,
    pub csrf: &'a str,
    pub administrators: Vec<MemberLine>,
    pub invitations: Vec<InvitationLine>,
    pub form: InviteForm<'a>,
    pub done: Option<Done>,
}

/// The coordinator's page of one cooperative: its status, its administrators and their
/// invitations. Nothing of its register.
pub fn cooperative_page(frame: &Frame, c: &CooperativePage) -> String {
    let lang = frame.lang;
    let p = |x: PeopleText| t(lang, x);
    let actions: Vec<(TenantStatus, PeopleText)> = match c.status {
        TenantStatus::Active => vec![
            (TenantStatus::Suspended, PeopleText::Suspend),
            (TenantStatus::Archived, PeopleText::Archive),
        ],
        TenantStatus::Suspended => vec![
            (TenantStatus::Active, PeopleText::Reactivate),
            (TenantStatus::Archived, PeopleText::Archive),
        ],
        TenantStatus::Archived => vec![(TenantStatus::Active, PeopleText::Reactivate)],
    };
    page(
        frame,
        html! {
            (confirmation(lang, c.done))
            h1 { (c.name) }
            dl.facts {
                dt { (t(lang, Text::EnterpriseNumber)) } dd { (crate::i18n::enterprise_number(c.enterprise_number)) }
                dt { (p(PeopleText::Slug)) } dd { (c.slug) }
                dt { (p(PeopleText::StatusLabel)) } dd { (t(lang, tenant_status_text(c.status))) }
            }
            section aria-labelledby="status" {
                h2 #status { (p(PeopleText::ChangeStatus)) }
                p { (p(PeopleText::SuspendWarning)) }
                div.actions {
                    @for (to, label) in &actions {
                        form.inline method="post" action=(format!("/cooperatives/{}/status", c.slug)) {
                            input type="hidden" name="csrf" value=(c.csrf);
                            input type="hidden" name="status" value=(to.as_str());
                            button.secondary type="submit" { (p(*label)) }
                        }
                    }
                }
            }
            h2 { (p(PeopleText::Administrators)) }
            (members_table(lang, c.csrf, &c.administrators))
            h2 { (p(PeopleText::Invitations)) }
            (invitations_table(lang, &c.invitations))
            (invite_form(lang, c.csrf, &c.form))
        },
    )
}

pub struct PlatformUsersPage<'a> {
    pub csrf: &'a str,
    pub members: Vec<MemberLine>,
    pub invitations: Vec<InvitationLine>,
    pub form: InviteForm<'a>,
    pub done: Option<Done>,
}

/// The coordinators and the helpdesk, and inviting another.
pub fn platform_users(frame: &Frame, p: &PlatformUsersPage) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            (confirmation(lang, p.done))
            h1 { (t(lang, PeopleText::PlatformUsers)) }
            h2 { (t(lang, PeopleText::Access)) }
            (members_table(lang, p.csrf, &p.members))
            h2 { (t(lang, PeopleText::Invitations)) }
            (invitations_table(lang, &p.invitations))
            (invite_form(lang, p.csrf, &p.form))
        },
    )
}
