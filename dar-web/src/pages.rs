//! The pages themselves: each a plain function from what it shows to HTML. Values are
//! inserted by maud, which escapes them, so a name like `<img onerror=…>` shows as text.

use chrono::NaiveDate;
use dar_core::types::{EntryKind, Language, Role, ShareholderStatus, TenantStatus};
use maud::Markup;
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
                p { a href="/password/forgot" { (t(lang, crate::accounts::AccountText::ForgotLink)) } }
            }
        },
    )
}

/// A cooperative the user may open, and as what.
pub struct CooperativeLink {
    pub name: String,
    pub slug: String,
    pub role: Role,
    /// Where the link leads: the overview for the register's keepers, the holder's own
    /// page for a shareholder.
    pub href: String,
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
                            a href=(c.href) {
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
    /// The entry's own page, for those who may open it.
    pub href: Option<String>,
}

pub struct Dashboard {
    pub cooperative: String,
    pub slug: String,
    pub tools: Tools,
    pub classes: Vec<ClassLine>,
    pub active_holders: i64,
    pub latest: Vec<EntryLine>,
    pub verified: bool,
    /// The reader keeps the register: offer to record entries and add holders.
    pub may_write: bool,
}

pub(crate) fn kind_text(kind: EntryKind) -> Text {
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
            (cooperative_nav(lang, &d.slug, d.tools, Section::Overview))
            @if d.verified {
                p.status.ok { (t(lang, Text::LedgerVerified)) }
            } @else {
                p.status.alarm role="alert" { (t(lang, Text::LedgerBroken)) }
            }
            p.figure {
                strong { (count(lang, d.active_holders)) } " " (t(lang, Text::ActiveHolders))
            }
            @if d.may_write {
                p.actions {
                    a.button href=(format!("/c/{}/entries/new", d.slug)) { (t(lang, crate::entries::EntryText::NewEntry)) }
                    a.button href=(format!("/c/{}/shareholders/new", d.slug)) { (t(lang, crate::holders::HolderText::AddShareholder)) }
                }
            }
            section aria-labelledby="classes" {
                h2 #classes { (t(lang, Text::CapitalAndShares)) }
                div.scroll tabindex="0" role="region" aria-label=(t(lang, Text::CapitalAndShares)) {
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
            p.actions {
                a href=(format!("/c/{}/classes", d.slug)) { (t(lang, crate::classes::ClassText::Classes)) }
                @if d.may_write {
                    a href=(format!("/c/{}/users", d.slug)) { (t(lang, crate::people::PeopleText::Users)) }
                }
            }
            (entries_section(lang, "latest", Text::LatestEntries, &d.latest))
        },
    )
}

/// The sections of a cooperative's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Overview,
    Shareholders,
    Register,
    Ledger,
    Certificates,
    Imports,
    Audit,
    SupportSessions,
    Settings,
}

/// The sections beyond the register that the user may open, as `authorize` decided: the
/// audit log and support sessions (reading the audit), the settings (managing the
/// cooperative), imports (writing the register). Without them the links are not shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tools {
    pub audit: bool,
    pub settings: bool,
    /// Importing a register (writing to it).
    pub imports: bool,
}

/// The navigation between a cooperative's sections; the current one is marked.
pub fn cooperative_nav(lang: Language, slug: &str, tools: Tools, current: Section) -> Markup {
    let mut items = vec![
        (
            Section::Overview,
            format!("/c/{slug}"),
            t(lang, Text::Dashboard),
        ),
        (
            Section::Shareholders,
            format!("/c/{slug}/shareholders"),
            t(lang, Text::Holders),
        ),
        (
            Section::Register,
            format!("/c/{slug}/register"),
            t(lang, Text::Register),
        ),
        (
            Section::Ledger,
            format!("/c/{slug}/ledger"),
            t(lang, Text::Ledger),
        ),
        (
            Section::Certificates,
            format!("/c/{slug}/certificates"),
            t(lang, Text::Certificates),
        ),
    ];
    if tools.imports {
        items.push((
            Section::Imports,
            format!("/c/{slug}/imports"),
            t(lang, crate::imports::ImportText::Title),
        ));
    }
    if tools.audit {
        items.push((
            Section::Audit,
            format!("/c/{slug}/audit"),
            t(lang, crate::audit::AuditText::Title),
        ));
        items.push((
            Section::SupportSessions,
            format!("/c/{slug}/support"),
            t(lang, crate::support::SupportText::SessionsTitle),
        ));
    }
    if tools.settings {
        items.push((
            Section::Settings,
            format!("/c/{slug}/settings"),
            t(lang, crate::settings::SettingsText::Title),
        ));
    }
    html! {
        nav.sections aria-label=(t(lang, Text::CooperativeSections)) {
            ul {
                @for (section, href, text) in &items {
                    li {
                        @if *section == current {
                            a href=(href) aria-current="page" { (text) }
                        } @else {
                            a href=(href) { (text) }
                        }
                    }
                }
            }
        }
    }
}

pub fn status_text(status: ShareholderStatus) -> Text {
    match status {
        ShareholderStatus::Active => Text::StatusActive,
        ShareholderStatus::Exited => Text::StatusExited,
        ShareholderStatus::Excluded => Text::StatusExcluded,
        ShareholderStatus::Deceased => Text::StatusDeceased,
    }
}

/// One line of the shareholder list.
pub struct HolderLine {
    pub id: String,
    pub register_number: i64,
    pub name: String,
    pub status: ShareholderStatus,
    pub municipality: Option<String>,
}

pub struct HolderList {
    pub cooperative: String,
    pub slug: String,
    pub tools: Tools,
    pub query: String,
    pub status: Option<ShareholderStatus>,
    pub lines: Vec<HolderLine>,
    /// The link to the next page, when there is one.
    pub next: Option<String>,
}

/// The shareholders of a cooperative, searchable by name or register number.
pub fn shareholder_list(frame: &Frame, list: &HolderList) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            p.context { (list.cooperative) }
            (cooperative_nav(lang, &list.slug, list.tools, Section::Shareholders))
            h1 { (t(lang, Text::Holders)) }
            p.downloads { (table_downloads(lang, &list.slug, "shareholders", None)) }
            form.search method="get" action=(format!("/c/{}/shareholders", list.slug)) role="search" {
                div {
                    label for="q" { (t(lang, Text::SearchHint)) }
                    input #q type="search" name="q" value=(list.query);
                }
                div {
                    label for="status" { (t(lang, Text::Status)) }
                    select #status name="status" {
                        option value="" selected[list.status.is_none()] { (t(lang, Text::AnyStatus)) }
                        @for s in ShareholderStatus::ALL {
                            option value=(s.as_str()) selected[list.status == Some(*s)] { (t(lang, status_text(*s))) }
                        }
                    }
                }
                button type="submit" { (t(lang, Text::Search)) }
            }
            @if list.lines.is_empty() {
                p role="status" { (t(lang, Text::NoShareholdersFound)) }
            } @else {
                div.scroll tabindex="0" role="region" aria-label=(t(lang, Text::Holders)) {
                    table {
                        thead { tr {
                            th scope="col" class="num" { (register_number_heading(lang)) }
                            th scope="col" { (t(lang, Text::Name)) }
                            th scope="col" { (t(lang, Text::Municipality)) }
                            th scope="col" { (t(lang, Text::Status)) }
                        } }
                        tbody {
                            @for h in &list.lines {
                                tr {
                                    td.num { (h.register_number) }
                                    td { a href=(format!("/c/{}/shareholders/{}", list.slug, h.id)) { (h.name) } }
                                    td { (h.municipality.as_deref().unwrap_or("")) }
                                    td { (t(lang, status_text(h.status))) }
                                }
                            }
                        }
                    }
                }
                @if let Some(next) = &list.next {
                    p { a rel="next" href=(next) { (t(lang, Text::NextPage)) } }
                }
            }
        },
    )
}

/// One class a holder holds at a date.
pub struct HoldingLine {
    pub class: String,
    pub shares: i64,
    pub subscribed_cents: i64,
    pub paid_cents: i64,
}

pub struct HolderPage {
    pub cooperative: String,
    pub slug: String,
    pub tools: Tools,
    pub name: String,
    pub register_number: i64,
    pub legal: bool,
    pub status: ShareholderStatus,
    pub admission_date: NaiveDate,
    /// Shown only to whom may see it (an administrator, the holder).
    pub national_number: Option<String>,
    pub enterprise_number: Option<String>,
    pub address: Vec<String>,
    pub as_of: NaiveDate,
    pub holdings: Vec<HoldingLine>,
    pub history: Vec<EntryLine>,
    /// The reader keeps the register: offer to record an entry for this holder.
    pub may_write: bool,
    /// The holder was just added: confirm it.
    pub added: bool,
    /// The date typed could not be read: today is shown, and the field says why.
    pub as_of_refused: bool,
    /// The holder's details were just changed: confirm it.
    pub updated: bool,
    /// For an administrator: the identity's versions and the portal accounts that see the
    /// holder (`holder_edit::admin_sections`).
    pub admin: Option<Markup>,
    /// The holder's certificates and, for whoever may, the form to issue one.
    pub certificates: Option<Markup>,
}

/// One shareholder: who they are, what they hold on a date, and every movement.
pub fn shareholder_page(frame: &Frame, h: &HolderPage, own_path: &str) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            p.context { (h.cooperative) }
            (cooperative_nav(lang, &h.slug, h.tools, Section::Shareholders))
            @if h.added {
                p.status.ok role="status" { (t(lang, crate::holders::HolderText::Added)) }
            }
            @if h.updated {
                p.status.ok role="status" { (t(lang, crate::holder_edit::EditText::Updated)) }
            }
            h1 { (h.name) " " span.number { "(" (h.register_number) ")" } }
            @if h.may_write {
                p { a.button href=(format!("/c/{}/entries/new?to={}", h.slug, h.register_number)) {
                    (t(lang, crate::holders::HolderText::RecordEntry))
                } " "
                a.button href=(format!("{own_path}/edit")) {
                    (t(lang, crate::holder_edit::EditText::EditDetails))
                } }
            }
            section aria-labelledby="identity" {
                h2 #identity { (t(lang, Text::Identity)) }
                dl.facts {
                    dt { (t(lang, Text::RegisterNumber)) } dd { (h.register_number) }
                    dt { (t(lang, Text::Kind)) }
                    dd { (t(lang, if h.legal { Text::PersonLegal } else { Text::PersonNatural })) }
                    dt { (t(lang, Text::Status)) } dd { (t(lang, status_text(h.status))) }
                    dt { (t(lang, Text::AdmissionDate)) } dd { (date(h.admission_date)) }
                    @if let Some(nn) = &h.national_number {
                        dt { (t(lang, Text::NationalNumber)) } dd { (nn) }
                    }
                    @if let Some(en) = h.enterprise_number.as_deref().map(crate::i18n::enterprise_number) {
                        dt { (t(lang, Text::EnterpriseNumber)) } dd { (en) }
                    }
                    @if !h.address.is_empty() {
                        dt { (t(lang, Text::Address)) }
                        dd { @for (i, line) in h.address.iter().enumerate() { @if i > 0 { br; } (line) } }
                    }
                }
            }
            (holdings_section(lang, Text::Holdings, own_path, h.as_of, h.as_of_refused, &h.holdings))
            @if let Some(certificates) = &h.certificates { (certificates) }
            (entries_section(lang, "history", Text::History, &h.history))
            @if let Some(admin) = &h.admin { (admin) }
        },
    )
}

/// What a holder holds on a date, with the form to choose the date.
pub fn holdings_section(
    lang: Language,
    title: Text,
    action: &str,
    as_of: NaiveDate,
    refused: bool,
    holdings: &[HoldingLine],
) -> Markup {
    html! {
        section aria-labelledby="holdings" {
            h2 #holdings { (t(lang, title)) }
            (as_of_form(lang, action, as_of, refused))
            @if holdings.is_empty() {
                p { (t(lang, Text::NoHoldings)) }
            } @else {
                (holdings_table(lang, holdings))
            }
        }
    }
}

/// A titled list of entries; `id` names the section for its heading.
pub fn entries_section(lang: Language, id: &str, title: Text, entries: &[EntryLine]) -> Markup {
    html! {
        section aria-labelledby=(id) {
            h2 id=(id) { (t(lang, title)) }
            @if entries.is_empty() {
                p { (t(lang, Text::NoEntries)) }
            } @else {
                (entries_table(lang, title, entries))
            }
        }
    }
}

/// "Nr." over a column of register numbers, spelled out for screen readers and on hover:
/// the full word would make the column too wide for a phone.
pub fn register_number_heading(lang: Language) -> Markup {
    html! { abbr title=(t(lang, Text::RegisterNumber)) { (t(lang, Text::EntryNumber)) } }
}

/// The form that chooses the date a page shows; `refused` when the date typed could not be
/// read (the page then shows today, and says so next to the field).
fn as_of_form(lang: Language, action: &str, as_of: NaiveDate, refused: bool) -> Markup {
    html! {
        @if refused {
            p.problem role="alert" id="as_of-error" { (t(lang, crate::entries::EntryText::NotADate)) }
        }
        form.as-of method="get" action=(action) {
            label for="as_of" { (t(lang, Text::AsOf)) }
            // A text field, not `type=date`: that one shows the browser's format (11/29/2026
            // on an American system); the register speaks Belgian (29/11/2026).
            input #as_of type="text" inputmode="numeric" autocomplete="off" size="10" name="as_of" value=(date(as_of))
                aria-invalid=[refused.then_some("true")] aria-describedby=[refused.then_some("as_of-error")];
            button type="submit" { (t(lang, Text::Show)) }
        }
    }
}

pub(crate) fn holdings_table(lang: Language, lines: &[HoldingLine]) -> Markup {
    html! {
        div.scroll tabindex="0" role="region" aria-label=(t(lang, Text::Holdings)) {
            table {
                thead { tr {
                    th scope="col" { (t(lang, Text::Class)) }
                    th scope="col" class="num" { (t(lang, Text::Shares)) }
                    th scope="col" class="num" { (t(lang, Text::Subscribed)) }
                    th scope="col" class="num" { (t(lang, Text::PaidUp)) }
                } }
                tbody {
                    @for l in lines {
                        tr {
                            th scope="row" { (l.class) }
                            td.num { (count(lang, l.shares)) }
                            td.num { (money(lang, l.subscribed_cents)) }
                            td.num { (money(lang, l.paid_cents)) }
                        }
                    }
                }
            }
        }
    }
}

pub(crate) fn entries_table(lang: Language, label: Text, entries: &[EntryLine]) -> Markup {
    html! {
        div.scroll tabindex="0" role="region" aria-label=(t(lang, label)) {
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
                    @for e in entries {
                        tr {
                            td.num {
                                @if let Some(href) = &e.href { a href=(href) { (e.seq) } } @else { (e.seq) }
                            }
                            td.nowrap { (date(e.effective_date)) }
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

/// One holding in the register.
pub struct RegisterLine {
    pub register_number: i64,
    pub name: String,
    pub holder_id: String,
    pub holding: HoldingLine,
}

pub struct RegisterPage {
    pub cooperative: String,
    pub slug: String,
    pub tools: Tools,
    pub as_of: NaiveDate,
    /// The date typed could not be read: today is shown, and the field says why.
    pub as_of_refused: bool,
    pub lines: Vec<RegisterLine>,
    pub next: Option<String>,
}

/// Links to a table of the cooperative (`register`, `ledger` or `shareholders`) as CSV for
/// Excel and as XLSX; the register's as of `as_of`.
pub fn table_downloads(
    lang: Language,
    slug: &str,
    table: &str,
    as_of: Option<NaiveDate>,
) -> Markup {
    let query = as_of
        .map(|d| format!("?as_of={}", d.format("%Y-%m-%d")))
        .unwrap_or_default();
    html! {
        a.button href=(format!("/c/{slug}/exports/{table}.csv{query}")) download { (t(lang, Text::DownloadCsv)) }
        " "
        a.button href=(format!("/c/{slug}/exports/{table}.xlsx{query}")) download { (t(lang, Text::DownloadXlsx)) }
    }
}

/// The register as of a date, a page at a time, with the PDF extract for printing.
pub fn register_page(frame: &Frame, r: &RegisterPage) -> String {
    let lang = frame.lang;
    let pdf = format!(
        "/c/{}/register.pdf?as_of={}",
        r.slug,
        r.as_of.format("%Y-%m-%d")
    );
    page(
        frame,
        html! {
            p.context { (r.cooperative) }
            (cooperative_nav(lang, &r.slug, r.tools, Section::Register))
            h1 { (t(lang, Text::RegisterAsOf)) " " (date(r.as_of)) }
            (as_of_form(lang, &format!("/c/{}/register", r.slug), r.as_of, r.as_of_refused))
            p.downloads {
                a.button href=(pdf) download { (t(lang, Text::DownloadPdf)) }
                " "
                (table_downloads(lang, &r.slug, "register", Some(r.as_of)))
            }
            @if r.lines.is_empty() {
                p { (t(lang, Text::NoHoldings)) }
            } @else {
                div.scroll tabindex="0" role="region" aria-label=(t(lang, Text::Register)) {
                    table {
                        thead { tr {
                            th scope="col" class="num" { (register_number_heading(lang)) }
                            th scope="col" { (t(lang, Text::Name)) }
                            th scope="col" { (t(lang, Text::Class)) }
                            th scope="col" class="num" { (t(lang, Text::Shares)) }
                            th scope="col" class="num" { (t(lang, Text::Subscribed)) }
                            th scope="col" class="num" { (t(lang, Text::PaidUp)) }
                        } }
                        tbody {
                            @for l in &r.lines {
                                tr {
                                    td.num { (l.register_number) }
                                    td { a href=(format!("/c/{}/shareholders/{}", r.slug, l.holder_id)) { (l.name) } }
                                    td { (l.holding.class) }
                                    td.num { (count(lang, l.holding.shares)) }
                                    td.num { (money(lang, l.holding.subscribed_cents)) }
                                    td.num { (money(lang, l.holding.paid_cents)) }
                                }
                            }
                        }
                    }
                }
                @if let Some(next) = &r.next {
                    p { a rel="next" href=(next) { (t(lang, Text::NextPage)) } }
                }
            }
        },
    )
}

/// A certificate of the holder's, newest first.
pub struct CertificateLine {
    pub number: i64,
    pub as_of: NaiveDate,
    pub issued_on: NaiveDate,
    pub current: bool,
    pub pdf: String,
}

/// A cooperative as the platform's coordinator and helpdesk see it: no personal data.
pub struct PlatformLine {
    pub name: String,
    pub slug: String,
    pub enterprise_number: String,
    pub status: TenantStatus,
    pub entries: i64,
}

/// The start page of the coordinator and the helpdesk: every cooperative on the platform.
pub fn platform_home(frame: &Frame, role: Role, lines: &[PlatformLine]) -> String {
    let lang = frame.lang;
    let status = |s: TenantStatus| match s {
        TenantStatus::Active => Text::TenantActive,
        TenantStatus::Suspended => Text::TenantSuspended,
        TenantStatus::Archived => Text::TenantArchived,
    };
    page(
        frame,
        html! {
            p.context { (t(lang, role_text(role))) }
            h1 { (t(lang, Text::Cooperatives)) }
            p { (t(lang, Text::PlatformIntro)) }
            @if role == Role::Coordinator {
                p.actions {
                    a.button href="/cooperatives/new" { (t(lang, crate::people::PeopleText::AddCooperative)) }
                    a.button href="/platform/users" { (t(lang, crate::people::PeopleText::PlatformUsers)) }
                    a.button href="/billing" { (t(lang, crate::billing::BillingText::Billing)) }
                }
            }
            div.scroll tabindex="0" role="region" aria-label=(t(lang, Text::Cooperatives)) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, Text::Name)) }
                        th scope="col" { (t(lang, Text::Slug)) }
                        th scope="col" { (t(lang, Text::EnterpriseNumber)) }
                        th scope="col" { (t(lang, Text::Status)) }
                        th scope="col" class="num" { (t(lang, Text::Entries)) }
                    } }
                    tbody {
                        @for l in lines {
                            tr {
                                @if role == Role::Helpdesk {
                                    // The helpdesk opens a cooperative through a support session.
                                    td { a href=(format!("/c/{}/support/new", l.slug)) { (l.name) } }
                                } @else if role == Role::Coordinator {
                                    td { a href=(format!("/cooperatives/{}", l.slug)) { (l.name) } }
                                } @else {
                                    td { (l.name) }
                                }
                                td { (l.slug) }
                                td.nowrap { (crate::i18n::enterprise_number(&l.enterprise_number)) }
                                td { (t(lang, status(l.status))) }
                                td.num { (count(lang, l.entries)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The change-password form; `problem` is shown next to the field it is about, `done` after
/// a change.
pub struct PasswordForm<'a> {
    pub csrf: &'a str,
    pub problem: Option<(&'static str, Text)>,
    pub done: bool,
}

pub fn change_password(frame: &Frame, form: &PasswordForm) -> String {
    let lang = frame.lang;
    let problem_for = |field: &str| {
        form.problem
            .filter(|(f, _)| *f == field)
            .map(|(_, text)| text)
    };
    let field = |id: &'static str, label: Text, autocomplete: &'static str| {
        let problem = problem_for(id);
        let hint = format!("{id}-problem");
        html! {
            label for=(id) { (t(lang, label)) }
            @if let Some(problem) = problem {
                p.problem id=(hint) role="alert" { (t(lang, problem)) }
            }
            input id=(id) type="password" name=(id) autocomplete=(autocomplete) required
                aria-invalid=[problem.map(|_| "true")] aria-describedby=[problem.map(|_| hint.clone())];
        }
    };
    page(
        frame,
        html! {
            section.narrow {
                h1 { (t(lang, Text::ChangePassword)) }
                @if form.done {
                    p.status.ok role="status" { (t(lang, Text::PasswordChanged)) }
                }
                form method="post" action="/account/password" {
                    input type="hidden" name="csrf" value=(form.csrf);
                    (field("current", Text::CurrentPassword, "current-password"))
                    (field("new", Text::NewPassword, "new-password"))
                    (field("repeat", Text::RepeatPassword, "new-password"))
                    button type="submit" { (t(lang, Text::ChangePassword)) }
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
            banner: None,
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
                href: "/c/demo".into(),
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
