//! The demo cooperative: a Ghent energy cooperative with a few hundred members and almost
//! four years of history, to try DAR with.
//!
//! Everything comes from a fixed seed, so every installation shows the same people and the
//! same story; only the dates follow today. The generator keeps its own copy of every
//! holding, updated from what the ledger actually posted, so it only proposes entries the
//! rules accept: a refusal is a bug here and fails the load.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::auth::password;
use dar_core::chain::EntryRecord;
use dar_core::holdings::Position;
use dar_core::identifiers::StructuredCommunication;
use dar_core::ids::{EntryId, ShareClassId, ShareholderId, TenantId, UserId};
use dar_core::ledger::{DraftAction, EntryDraft, Movement};
use dar_core::money::{Money, ShareCount};
use dar_core::types::{Role, TransferRule, VotingRule};
use dar_db::shareholders::{Identity, NewShareholder, ShareholderRow};
use dar_db::users::{self, Grant};
use dar_db::{Database, DbConnection, StoreError, ledger, share_classes, shareholders, tenants};

/// The demo tenant's slug; a tenant with this slug means the demo is loaded.
pub const SLUG: &str = "demo";
/// The password of every demo login. Public on purpose: this is demo data.
pub const PASSWORD: &str = "demo-password-2026";

const LEGAL_NAME: &str = "Coöperatieve Energie Ünie cv";
const SEED: u64 = 20_230_110;
const ACTOR: &str = "demo";
/// Shareholders of the demo cooperative unless asked for more (benchmarks ask for 50,000).
pub const HOLDERS: usize = 300;
/// The first holders, admitted at the founding; only they subscribe class A.
const FOUNDERS: usize = 25;
const TRANSFERS_B: usize = 40;
const TRANSFERS_A: usize = 3;
const EXITS: usize = 15;
const PARTLY_PAID: f64 = 0.1;
const A_PRICE_CENTS: i64 = 25_000;
const B_PRICE_CENTS: i64 = 5_000;
const A_MAX_PER_HOLDER: i64 = 20;

/// (code, name, nominal value and issue price in cents, transfer rule, maximum per holder)
#[rustfmt::skip]
const CLASSES: [(&str, &str, i64, TransferRule, Option<i64>); 2] = [
    ("A", "Oprichtersaandelen", A_PRICE_CENTS, TransferRule::Approval, Some(A_MAX_PER_HOLDER)),
    ("B", "Gewone aandelen", B_PRICE_CENTS, TransferRule::Free, None),
];

/// (email, display name, role); the shareholder login sees one member's own record.
const LOGINS: [(&str, &str, Role); 3] = [
    ("admin@demo.dar.coop", "Demo-beheerder", Role::Admin),
    ("viewer@demo.dar.coop", "Demo-lezer", Role::Viewer),
    (
        "aandeelhouder@demo.dar.coop",
        "Demo-aandeelhouder",
        Role::Shareholder,
    ),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Region {
    Flanders,
    Brussels,
    Wallonia,
}

/// (postal code, municipality, region, weight): a Ghent cooperative recruits mostly nearby.
/// Brussels municipalities carry their French name; `BRUSSELS_NL` has the Dutch one.
#[rustfmt::skip]
const PLACES: &[(&str, &str, Region, u32)] = &[
    ("9000", "Gent", Region::Flanders, 40),
    ("9030", "Mariakerke", Region::Flanders, 4),
    ("9031", "Drongen", Region::Flanders, 4),
    ("9040", "Sint-Amandsberg", Region::Flanders, 5),
    ("9050", "Gentbrugge", Region::Flanders, 5),
    ("9070", "Destelbergen", Region::Flanders, 3),
    ("9080", "Lochristi", Region::Flanders, 3),
    ("9820", "Merelbeke", Region::Flanders, 4),
    ("2000", "Antwerpen", Region::Flanders, 6),
    ("2800", "Mechelen", Region::Flanders, 3),
    ("3000", "Leuven", Region::Flanders, 4),
    ("3500", "Hasselt", Region::Flanders, 2),
    ("8000", "Brugge", Region::Flanders, 4),
    ("8400", "Oostende", Region::Flanders, 2),
    ("8500", "Kortrijk", Region::Flanders, 3),
    ("9100", "Sint-Niklaas", Region::Flanders, 2),
    ("9300", "Aalst", Region::Flanders, 3),
    ("1000", "Bruxelles", Region::Brussels, 5),
    ("1030", "Schaerbeek", Region::Brussels, 2),
    ("1050", "Ixelles", Region::Brussels, 3),
    ("1060", "Saint-Gilles", Region::Brussels, 2),
    ("1080", "Molenbeek-Saint-Jean", Region::Brussels, 2),
    ("1348", "Louvain-la-Neuve", Region::Wallonia, 2),
    ("4000", "Liège", Region::Wallonia, 4),
    ("5000", "Namur", Region::Wallonia, 3),
    ("6000", "Charleroi", Region::Wallonia, 2),
    ("7000", "Mons", Region::Wallonia, 2),
    ("7500", "Tournai", Region::Wallonia, 1),
];

#[rustfmt::skip]
const BRUSSELS_NL: &[(&str, &str)] = &[
    ("Bruxelles", "Brussel"), ("Schaerbeek", "Schaarbeek"), ("Ixelles", "Elsene"),
    ("Saint-Gilles", "Sint-Gillis"), ("Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek"),
];

#[rustfmt::skip]
const NL_STREETS: &[&str] = &[
    "Kerkstraat", "Stationsstraat", "Molenstraat", "Dorpsstraat", "Nieuwstraat", "Kapelstraat",
    "Veldstraat", "Schoolstraat", "Beekstraat", "Lindenlaan", "Sint-Jansstraat", "Brugsesteenweg",
    "Groenstraat", "Hoogstraat", "Meersstraat", "Populierenlaan",
];

#[rustfmt::skip]
const FR_STREETS: &[&str] = &[
    "Rue de la Station", "Rue de l'Église", "Rue du Moulin", "Chaussée de Louvain",
    "Avenue des Tilleuls", "Rue Haute", "Rue des Écoles", "Place du Marché", "Rue de la Fontaine",
    "Rue Saint-Rémy", "Chemin des Prés", "Rue du Château", "Rue Léopold",
];

/// Names of one background, and where in Belgium people of that background mostly live.
struct Origin {
    male: &'static [&'static str],
    female: &'static [&'static str],
    last: &'static [&'static str],
    regions: &'static [Region],
}

#[rustfmt::skip]
const FLEMISH: Origin = Origin {
    male: &[
        "Jan", "Pieter", "Wout", "Björn", "Noël", "Jef", "Koen", "Stijn", "Bram", "Joris", "Lowie",
        "Matthias", "Ruben", "Dirk", "Luc", "Arne", "Tuur",
    ],
    female: &[
        "Zoë", "Anneleen", "Els", "Lies", "Marieke", "Sofie", "Nele", "Hanne", "Lotte", "Fien",
        "Griet", "Katrien", "Chloë", "Marthe", "Mieke", "Febe",
    ],
    last: &[
        "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
        "Wouters", "De Smedt", "Van den Broeck", "Vermeulen", "De Vos", "Van Damme", "Verstraete",
        "Desmet", "Coppens", "Vandenberghe", "D'Hondt", "Van de Velde", "De Clercq", "Claeys",
        "Verhaeghe", "Van Acker", "Baert", "Dewaele", "De Backer", "Van Hoecke",
    ],
    regions: &[Region::Flanders, Region::Brussels],
};

#[rustfmt::skip]
const WALLOON: Origin = Origin {
    male: &[
        "Jérôme", "François", "Noël", "Benoît", "Sébastien", "Olivier", "Grégory", "Frédéric",
        "Thierry", "Cédric", "Maxime", "Loïc", "André", "Régis",
    ],
    female: &[
        "Françoise", "Hélène", "Amélie", "Cécile", "Géraldine", "Élodie", "Nathalie", "Béatrice",
        "Mélanie", "Anaïs", "Valérie", "Maëlle", "Léa", "Thérèse",
    ],
    last: &[
        "Dubois", "Lambert", "Dupont", "Martin", "Lefèvre", "Leclercq", "Renard", "Lejeune",
        "Wéry", "Delvaux", "Gérard", "François", "Mathieu", "Henrard", "Delhaye", "Dumont",
        "Collard", "Piérard", "Lemaître", "Nélis",
    ],
    regions: &[Region::Wallonia, Region::Brussels],
};

#[rustfmt::skip]
const NEWER: Origin = Origin {
    male: &[
        "Łukasz", "Mehmet", "Emre", "Youssef", "Karim", "Mohamed", "Tomasz", "Andrei", "Duc",
        "Mamadou", "João", "Giuseppe", "Björn",
    ],
    female: &[
        "Ayşe", "Elif", "Fatima", "Yasmina", "Agnieszka", "Małgorzata", "Ioana", "Linh", "Aïcha",
        "Inês", "Giulia", "Zeynep", "Zoë",
    ],
    last: &[
        "Çelik", "Yılmaz", "Öztürk", "Şahin", "El Amrani", "Benali", "Bouzid", "Wiśniewski",
        "Kowalski", "Nowak", "Popescu", "Nguyen", "Diallo", "Mbuyi", "Ferreira", "Rossi",
        "Lindqvist",
    ],
    regions: &[Region::Flanders, Region::Brussels, Region::Wallonia],
};

/// (origin, percentage of natural-person members)
const ORIGINS: [(&Origin, u32); 3] = [(&FLEMISH, 55), (&WALLOON, 25), (&NEWER, 20)];

/// Legal-entity members: (name, street, postal code, city, language, email).
#[rustfmt::skip]
const LEGAL: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("Stad Gent", "Botermarkt 1", "9000", "Gent", "nl", "energie@stad-gent.example.org"),
    ("OCMW Leuven", "Vesaliusstraat 12", "3000", "Leuven", "nl", "financien@ocmw-leuven.example.org"),
    ("Bakkerij Dupré bv", "Sint-Pietersnieuwstraat 112", "9000", "Gent", "nl", "info@bakkerij-dupre.example.com"),
    ("Boulangerie Lefèvre srl", "Rue Saint-Gilles 88", "4000", "Liège", "fr", "contact@boulangerie-lefevre.example.com"),
    ("Brouwerij Ter Leie bv", "Leiekaai 14", "8500", "Kortrijk", "nl", "info@terleie.example.com"),
    ("Gemeente Destelbergen", "Dorp 1", "9070", "Destelbergen", "nl", "milieu@destelbergen.example.org"),
    ("Buurtwerk Brugse Poort vzw", "Bevrijdingslaan 17", "9000", "Gent", "nl", "info@buurtwerk-bp.example.org"),
    ("Énergie Citoyenne Namuroise SC", "Rue de Fer 31", "5000", "Namur", "fr", "info@ecn.example.net"),
    ("Hoeve Het Groene Hart bv", "Gistelse Steenweg 305", "8200", "Brugge", "nl", "hoeve@groenehart.example.com"),
    ("Bistro Ça Va srl", "Rue du Midi 61", "1000", "Bruxelles", "fr", "bonjour@cava.example.com"),
    ("Architectenbureau Öztürk & Peeters bv", "Mechelsesteenweg 210", "2018", "Antwerpen", "nl", "info@oztp.example.com"),
    ("Ghent Climate Lab vzw", "Dok-Noord 3", "9000", "Gent", "en", "hello@climatelab.example.org"),
];

/// Reserved domains (RFC 2606), so a demo can never mail a real person.
const EMAIL_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];

/// Real Belgian bank codes (BNP Paribas Fortis, Belfius, ING, KBC, AXA, Argenta, Triodos).
const BANK_CODES: &[u64] = &[1, 63, 68, 310, 363, 734, 735, 751, 973, 523];

/// Letters with diacritics and what they become in an email address.
const ASCII_FOLD: &[(&str, char)] = &[
    ("àáâäãåą", 'a'),
    ("çćč", 'c'),
    ("èéêëę", 'e'),
    ("ìíîïı", 'i'),
    ("ł", 'l'),
    ("ñń", 'n'),
    ("òóôöõø", 'o'),
    ("śşš", 's'),
    ("ùúûü", 'u'),
    ("ýÿ", 'y'),
    ("źżž", 'z'),
    ("ğ", 'g'),
];

/// Loads the demo cooperative, or returns `None` when a tenant with its slug exists.
/// Returns a summary for the operator: what was loaded and how to log in.
pub fn load(db: &Database) -> anyhow::Result<Option<String>> {
    load_sized(db, HOLDERS)
}

/// [`load`] with `holders` shareholders (at least the founders and the legal entities).
pub fn load_sized(db: &Database, holders: usize) -> anyhow::Result<Option<String>> {
    let holders = holders.max(FOUNDERS + LEGAL.len());
    let mut conn = db.conn()?;
    match tenants::find(&mut conn, SLUG) {
        Ok(_) => return Ok(None),
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    tracing::info!(tenant.slug = SLUG, "loading the demo cooperative");
    let today = dar_core::time::brussels_date(Utc::now());
    // One transaction: a failed load leaves no half-built tenant that the next run would
    // take for a finished one (and SQLite syncs once instead of once per entry).
    let summary = dar_db::write_transaction(&mut conn, |conn| build(conn, today, holders))?;
    Ok(Some(summary))
}

fn build(conn: &mut DbConnection, today: NaiveDate, holders: usize) -> anyhow::Result<String> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let yesterday = today.pred_opt().context("today has a yesterday")?;
    let tenant = create_tenant(conn, &mut rng)?;
    let class_a = create_classes(conn, &tenant)?;
    let plan = shareholder_plan(&mut rng, today - Days::new(90), holders);
    let rows = create_shareholders(conn, &tenant, &plan)?;
    let mut register = Register::new(tenant, class_a, &rows)?;
    for (date, step) in schedule(&mut rng, &plan, yesterday) {
        register.run(conn, &mut rng, date, step)?;
    }
    register.flush(conn)?;
    let member = register
        .showcase()
        .context("no member to show to the shareholder login")?;
    let created = create_logins(conn, tenant, member.id)?;
    Ok(summary(&register, member, &created))
}

fn create_tenant(conn: &mut DbConnection, rng: &mut StdRng) -> anyhow::Result<TenantId> {
    let new = tenants::NewTenant {
        slug: SLUG.into(),
        legal_name: LEGAL_NAME.into(),
        enterprise_number: enterprise_number(rng),
        legal_form: "cv".into(),
        street: Some("Dok-Noord 7".into()),
        postal_code: Some("9000".into()),
        city: Some("Gent".into()),
        country: "BE".into(),
        default_language: "nl".into(),
        fiscal_year_end: "12-31".into(),
        voting_rule: VotingRule::OneMemberOneVote.as_str().into(),
    };
    Ok(tenants::create(conn, new, Utc::now())?.id.parse()?)
}

/// Creates the share classes and returns the id of class A.
fn create_classes(conn: &mut DbConnection, tenant: &TenantId) -> anyhow::Result<ShareClassId> {
    let mut class_a = None;
    for (code, name, price_cents, transfer_rule, max) in CLASSES {
        let price = Money::from_cents(price_cents)?;
        let new = share_classes::NewShareClass {
            code: code.into(),
            name: name.into(),
            nominal_value: price,
            issue_price: price,
            votes_per_share: 1,
            dividend_rights: true,
            transfer_rule,
            max_shares_per_holder: max,
        };
        let row = share_classes::create(conn, tenant, new, Utc::now())?;
        if code == "A" {
            class_a = Some(row.id.parse()?);
        }
    }
    class_a.context("class A is among the demo classes")
}

fn create_shareholders(
    conn: &mut DbConnection,
    tenant: &TenantId,
    plan: &[NewShareholder],
) -> anyhow::Result<Vec<ShareholderRow>> {
    let mut rows = Vec::with_capacity(plan.len());
    // The load is one transaction: one lock, no savepoint per holder, and the register
    // numbers taken at once (updating the tenant row per holder would leave a version of
    // it per holder for every later read in the transaction to step over).
    dar_db::tenants::lock(conn, tenant)?;
    let first = dar_db::tenants::reserve_register_numbers(conn, tenant, plan.len() as i64)?;
    for (number, new) in (first..).zip(plan) {
        rows.push(shareholders::insert_numbered(
            conn,
            tenant,
            new.clone(),
            number,
            ACTOR,
            Utc::now(),
        )?);
        if rows.len().is_multiple_of(5_000) {
            dar_db::refresh_statistics(conn, &["shareholders", "shareholder_versions"])?;
        }
        if rows.len().is_multiple_of(10_000) {
            tracing::info!(
                shareholders.done = rows.len(),
                shareholders.total = plan.len(),
                "demo: shareholders created"
            );
        }
    }
    Ok(rows)
}

/// Creates the demo logins; returns, per login, whether it was created (an existing email
/// is left alone: it may belong to someone else).
fn create_logins(
    conn: &mut DbConnection,
    tenant: TenantId,
    member: ShareholderId,
) -> anyhow::Result<Vec<bool>> {
    let mut created = Vec::with_capacity(LOGINS.len());
    for (email, display_name, role) in LOGINS {
        if users::find_by_email(conn, email)?.is_some() {
            created.push(false);
            continue;
        }
        let hash = password::hash(PASSWORD)
            .map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
        let user: UserId = users::create(conn, email, &hash, Some(display_name), Utc::now())?
            .id
            .parse()?;
        let shareholder_id = (role == Role::Shareholder).then_some(member);
        let grant = Grant {
            role,
            tenant_id: Some(tenant),
            shareholder_id,
        };
        users::add_grant(conn, &user, &grant, Utc::now())?;
        created.push(true);
    }
    Ok(created)
}

fn summary(register: &Register, member: &Holder, created: &[bool]) -> String {
    let mut lines = vec![
        format!("Demo cooperative \"{LEGAL_NAME}\" loaded, tenant slug \"{SLUG}\":"),
        format!(
            "  {} share classes, {} shareholders, {} ledger entries",
            CLASSES.len(),
            register.holders.len(),
            register.entries
        ),
        format!("Logins, all with password {PASSWORD}:"),
    ];
    for ((email, _, role), created) in LOGINS.iter().zip(created) {
        let whose = match role {
            Role::Shareholder => format!(
                " of {} (register number {})",
                member.name, member.register_number
            ),
            _ => String::new(),
        };
        let note = if *created {
            ""
        } else {
            " (existed already; left unchanged)"
        };
        lines.push(format!("  {email:<29} {role}{whose}{note}"));
    }
    lines.push(
        "The coordinator login is the one from DAR_BOOTSTRAP_EMAIL / DAR_BOOTSTRAP_PASSWORD."
            .into(),
    );
    lines.join("\n")
}

// --- The members --------------------------------------------------------------------------

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid calendar date")
}

fn founded() -> NaiveDate {
    date(2023, 1, 10)
}

fn random_date(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = u64::try_from((to - from).num_days()).unwrap_or(0);
    from + Days::new(rng.random_range(0..=span))
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("demo tables are not empty")
}

/// The members in admission order, so that register numbers follow admission.
fn shareholder_plan(
    rng: &mut StdRng,
    last_admission: NaiveDate,
    holders: usize,
) -> Vec<NewShareholder> {
    let dates = admission_dates(rng, last_admission, holders);
    let legal_slots = rand::seq::index::sample(rng, holders, LEGAL.len()).into_vec();
    let mut national_numbers = std::collections::HashSet::new();
    dates
        .into_iter()
        .enumerate()
        .map(
            |(i, admitted)| match legal_slots.iter().position(|&slot| slot == i) {
                Some(k) => legal_entity(rng, LEGAL[k], admitted),
                None => {
                    let mut person = natural_person(rng, admitted);
                    // A large demo draws the same birth date and serial twice; the register
                    // rightly refuses a second holder with the same number.
                    if let Some(number) = &person.identity.national_number
                        && !national_numbers.insert(number.clone())
                    {
                        person.identity.national_number = None;
                    }
                    person
                }
            },
        )
        .collect()
}

fn admission_dates(rng: &mut StdRng, last: NaiveDate, holders: usize) -> Vec<NaiveDate> {
    let first_after_founding = founded() + Days::new(21);
    let mut later: Vec<NaiveDate> = (FOUNDERS..holders)
        .map(|_| random_date(rng, first_after_founding, last))
        .collect();
    later.sort();
    std::iter::repeat_n(founded(), FOUNDERS)
        .chain(later)
        .collect()
}

fn legal_entity(
    rng: &mut StdRng,
    (name, street, postal_code, city, language, email): (&str, &str, &str, &str, &str, &str),
    admitted: NaiveDate,
) -> NewShareholder {
    let identity = Identity {
        legal_name: Some(name.into()),
        enterprise_number: Some(enterprise_number(rng)),
        street: Some(street.into()),
        postal_code: Some(postal_code.into()),
        city: Some(city.into()),
        country: Some("BE".into()),
        email: Some(email.into()),
        iban: Some(belgian_iban(rng)),
        language: language.into(),
        ..Identity::default()
    };
    NewShareholder {
        kind: "legal".into(),
        admission_date: admitted,
        identity,
    }
}

fn natural_person(rng: &mut StdRng, admitted: NaiveDate) -> NewShareholder {
    let origin = ORIGINS
        .choose_weighted(rng, |o| o.1)
        .expect("weights are positive")
        .0;
    let female = rng.random_bool(0.5);
    let first = *pick(rng, if female { origin.female } else { origin.male });
    // Families mix: some members carry a surname from another background.
    let surnames = if rng.random_bool(0.15) {
        pick(rng, &ORIGINS).0.last
    } else {
        origin.last
    };
    let last = *pick(rng, surnames);
    let birth = random_date(rng, date(1940, 1, 1), date(2005, 12, 31));
    let (postal_code, municipality, region, _) = home(rng, origin);
    let language = language(rng, region);
    let identity = Identity {
        first_name: Some(first.into()),
        last_name: Some(last.into()),
        national_number: rng
            .random_bool(0.5)
            .then(|| national_number(rng, birth, female)),
        birth_date: Some(birth),
        street: Some(street(rng, region, language)),
        postal_code: Some(postal_code.into()),
        city: Some(city_name(municipality, language).into()),
        country: Some("BE".into()),
        email: rng
            .random_bool(0.92)
            .then(|| email(rng, first, last, birth)),
        phone: rng.random_bool(0.45).then(|| phone(rng)),
        iban: rng.random_bool(0.85).then(|| belgian_iban(rng)),
        language: language.into(),
        ..Identity::default()
    };
    NewShareholder {
        kind: "natural".into(),
        admission_date: admitted,
        identity,
    }
}

fn home(rng: &mut StdRng, origin: &Origin) -> (&'static str, &'static str, Region, u32) {
    let near: Vec<_> = PLACES
        .iter()
        .filter(|p| origin.regions.contains(&p.2))
        .collect();
    **near
        .choose_weighted(rng, |p| p.3)
        .expect("weights are positive")
}

fn language(rng: &mut StdRng, region: Region) -> &'static str {
    if rng.random_bool(0.03) {
        return "en";
    }
    match region {
        Region::Flanders => "nl",
        Region::Wallonia => "fr",
        Region::Brussels if rng.random_bool(0.4) => "nl",
        Region::Brussels => "fr",
    }
}

/// Street names follow the region; in bilingual Brussels, the member's language.
fn street(rng: &mut StdRng, region: Region, language: &str) -> String {
    let dutch = region == Region::Flanders || (region == Region::Brussels && language == "nl");
    let name = pick(rng, if dutch { NL_STREETS } else { FR_STREETS });
    let number: u32 = rng.random_range(1..=180);
    if rng.random_bool(0.15) {
        let unit = if dutch { "bus" } else { "boîte" };
        format!("{name} {number} {unit} {}", rng.random_range(1..=12))
    } else {
        format!("{name} {number}")
    }
}

fn city_name(municipality: &'static str, language: &str) -> &'static str {
    match BRUSSELS_NL.iter().find(|(fr, _)| *fr == municipality) {
        Some((_, nl)) if language == "nl" => nl,
        _ => municipality,
    }
}

fn email(rng: &mut StdRng, first: &str, last: &str, birth: NaiveDate) -> String {
    let (first, last) = (mailbox_part(first), mailbox_part(last));
    let domain = pick(rng, EMAIL_DOMAINS);
    if rng.random_bool(0.3) {
        format!("{first}{last}{:02}@{domain}", birth.year() % 100)
    } else {
        format!("{first}.{last}@{domain}")
    }
}

/// A name as it can appear in an email address: lower-case ASCII letters and digits.
fn mailbox_part(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                return Some(c);
            }
            ASCII_FOLD
                .iter()
                .find(|(from, _)| from.contains(c))
                .map(|&(_, to)| to)
        })
        .collect()
}

fn phone(rng: &mut StdRng) -> String {
    let (a, b, c, d): (u32, u32, u32, u32) = (
        rng.random_range(60..=99),
        rng.random_range(0..100),
        rng.random_range(0..100),
        rng.random_range(0..100),
    );
    format!("+32 4{a:02} {b:02} {c:02} {d:02}")
}

// --- Belgian identifiers --------------------------------------------------------------------

/// An enterprise number (KBO/BCE): eight digits starting with 0, then 97 minus their
/// remainder modulo 97.
fn enterprise_number(rng: &mut StdRng) -> String {
    let base: u64 = rng.random_range(2_000_000..10_000_000);
    format!("{base:08}{:02}", 97 - base % 97)
}

/// A national register number: birth date (YYMMDD), a serial that is odd for men and even
/// for women, then 97 minus the remainder modulo 97 of those nine digits, with a 2 put in
/// front of them for people born from 2000 on.
fn national_number(rng: &mut StdRng, birth: NaiveDate, female: bool) -> String {
    let serial: u64 = 2 * rng.random_range(0..499) + if female { 2 } else { 1 };
    let yymmdd = u64::try_from(birth.year() % 100).expect("a year modulo 100 is positive") * 10_000
        + u64::from(birth.month()) * 100
        + u64::from(birth.day());
    let base = yymmdd * 1000 + serial;
    let checked = if birth.year() >= 2000 {
        2_000_000_000 + base
    } else {
        base
    };
    format!("{base:09}{:02}", 97 - checked % 97)
}

/// A Belgian IBAN: bank code and account (ten digits) followed by their remainder modulo 97
/// (97 for 0), then the ISO 13616 check digits in front.
fn belgian_iban(rng: &mut StdRng) -> String {
    let account = pick(rng, BANK_CODES) * 10_000_000 + rng.random_range(0..10_000_000);
    let national = match account % 97 {
        0 => 97,
        r => r,
    };
    let bban = account * 100 + national;
    // ISO 13616 moves "BE00" behind the account, letters as numbers: B = 11, E = 14.
    let check = 98 - (bban * 1_000_000 + 111_400) % 97;
    format!("BE{check:02}{bban:012}")
}

// --- The history ----------------------------------------------------------------------------

/// What happens on a day, declared in the order things happen within one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Subscribe {
        holder: usize,
        partly_paid: bool,
    },
    /// The same subscription booked a second time by mistake, reversed a week later.
    BookTwice(usize),
    Pay(usize),
    TransferB,
    TransferA {
        decided: NaiveDate,
    },
    Exit,
    Reverse,
}

fn schedule(
    rng: &mut StdRng,
    plan: &[NewShareholder],
    yesterday: NaiveDate,
) -> Vec<(NaiveDate, Step)> {
    let twice = double_booked(rng, plan);
    let mut steps = Vec::new();
    for (holder, new) in plan.iter().enumerate() {
        let partly_paid = holder != twice && rng.random_bool(PARTLY_PAID);
        steps.push((
            new.admission_date,
            Step::Subscribe {
                holder,
                partly_paid,
            },
        ));
        if partly_paid {
            let called_up = new.admission_date + Days::new(rng.random_range(30..=240));
            steps.push((called_up.min(yesterday), Step::Pay(holder)));
        }
    }
    let booked = plan[twice].admission_date;
    steps.push((booked, Step::BookTwice(twice)));
    steps.push(((booked + Days::new(7)).min(yesterday), Step::Reverse));
    for _ in 0..TRANSFERS_B {
        steps.push((
            random_date(rng, date(2023, 3, 1), yesterday),
            Step::TransferB,
        ));
    }
    for _ in 0..TRANSFERS_A {
        let decided = random_date(rng, date(2024, 1, 15), yesterday - Days::new(30));
        steps.push((
            decided + Days::new(rng.random_range(1..=14)),
            Step::TransferA { decided },
        ));
    }
    steps.extend(
        exit_dates(rng, yesterday)
            .into_iter()
            .map(|d| (d, Step::Exit)),
    );
    steps.sort();
    steps
}

/// A natural person who joined in 2024 or later, whose subscription gets booked twice.
fn double_booked(rng: &mut StdRng, plan: &[NewShareholder]) -> usize {
    let candidates: Vec<usize> = (FOUNDERS..plan.len())
        .filter(|&i| plan[i].kind == "natural" && plan[i].admission_date >= date(2024, 1, 1))
        .collect();
    candidates.choose(rng).copied().unwrap_or(plan.len() - 1)
}

/// A member may withdraw only in the first half of the financial year (Belgian company law),
/// so every withdrawal takes effect on 30 June.
fn exit_dates(rng: &mut StdRng, yesterday: NaiveDate) -> Vec<NaiveDate> {
    let junes: Vec<NaiveDate> = (2024..=yesterday.year())
        .map(|y| date(y, 6, 30))
        .filter(|d| *d <= yesterday)
        .collect();
    (0..EXITS)
        .filter_map(|_| junes.choose(rng).copied())
        .collect()
}

fn entry(date: NaiveDate, action: DraftAction) -> EntryDraft {
    EntryDraft {
        action,
        effective_date: Some(date),
        reason: None,
        external_reference: None,
    }
}

fn issue(
    date: NaiveDate,
    class: &str,
    to: ShareholderId,
    quantity: i64,
    paid_cents: Option<i64>,
) -> anyhow::Result<EntryDraft> {
    let action = DraftAction::Issue {
        share_class: class.into(),
        to,
        quantity: ShareCount::new(quantity)?,
        price_per_share: None,
        paid: paid_cents.map(Money::from_cents).transpose()?,
    };
    Ok(entry(date, action))
}

/// A member as the generator tracks it.
struct Holder {
    id: ShareholderId,
    register_number: i64,
    name: String,
    natural: bool,
    founder: bool,
    admission: NaiveDate,
    /// Their subscription is booked.
    admitted: bool,
    active: bool,
    /// Holds a double booking that is still to be reversed: nothing may leave the holding.
    protected: bool,
    a: Position,
    b: Position,
    /// What a partly paid subscriber still owes on class B. Known when the issue is queued,
    /// so the call-up payment can be queued too: nothing changes it meanwhile, since only
    /// paid-up shares leave a holding.
    due_cents: i64,
}

impl Holder {
    fn from_row(index: usize, row: &ShareholderRow) -> anyhow::Result<Self> {
        Ok(Holder {
            id: row.id.parse()?,
            register_number: row.register_number,
            name: row.display_name(),
            natural: row.kind == "natural",
            founder: index < FOUNDERS,
            admission: row.admission_date,
            admitted: false,
            active: true,
            protected: false,
            a: Position::default(),
            b: Position::default(),
            due_cents: 0,
        })
    }

    /// Only fully paid-up shares leave a holding, so a payment due stays with the subscriber.
    fn may_give(&self) -> bool {
        let paid_up = |p: &Position| p.paid_cents == p.capital_cents;
        self.active && self.admitted && !self.protected && paid_up(&self.a) && paid_up(&self.b)
    }

    fn may_receive(&self) -> bool {
        self.active && self.admitted
    }
}

/// The register as the generator knows it, kept in step with what the ledger posted.
struct Register {
    tenant: TenantId,
    class_a: ShareClassId,
    holders: Vec<Holder>,
    by_id: HashMap<ShareholderId, usize>,
    entries: usize,
    /// The double booking still to reverse, and whose it is.
    double_booking: Option<(usize, EntryId)>,
    /// Issues of new members not posted yet: they need nothing the register knows, so they
    /// go to the ledger a thousand at a time.
    pending: Vec<EntryDraft>,
}

impl Register {
    fn new(
        tenant: TenantId,
        class_a: ShareClassId,
        rows: &[ShareholderRow],
    ) -> anyhow::Result<Self> {
        let holders = rows
            .iter()
            .enumerate()
            .map(|(i, row)| Holder::from_row(i, row))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let by_id = holders.iter().enumerate().map(|(i, h)| (h.id, i)).collect();
        Ok(Register {
            tenant,
            class_a,
            holders,
            by_id,
            entries: 0,
            double_booking: None,
            pending: Vec::new(),
        })
    }

    fn run(
        &mut self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        date: NaiveDate,
        step: Step,
    ) -> anyhow::Result<()> {
        if !matches!(step, Step::Subscribe { .. } | Step::Pay(_)) {
            // Every other step reads positions, which the queued entries change.
            self.flush(conn)?;
        }
        match step {
            Step::Subscribe {
                holder,
                partly_paid,
            } => self.subscribe(conn, rng, date, holder, partly_paid),
            Step::BookTwice(holder) => self.book_twice(conn, date, holder),
            Step::Pay(holder) => self.pay(conn, date, holder),
            Step::TransferB => self.transfer_b(conn, rng, date),
            Step::TransferA { decided } => self.transfer_a(conn, rng, date, decided),
            Step::Exit => self.exit(conn, rng, date),
            Step::Reverse => self.reverse(conn, date),
        }
    }

    fn subscribe(
        &mut self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        date: NaiveDate,
        holder: usize,
        partly_paid: bool,
    ) -> anyhow::Result<()> {
        let id = self.holders[holder].id;
        let quantity = if rng.random_bool(0.7) {
            rng.random_range(1..=10)
        } else {
            rng.random_range(11..=40)
        };
        // Partly paid members pay half at subscription and the rest when it is called up.
        let paid = partly_paid.then_some(quantity * B_PRICE_CENTS / 2);
        self.holders[holder].due_cents = paid.map_or(0, |paid| quantity * B_PRICE_CENTS - paid);
        self.queue(conn, issue(date, "B", id, quantity, paid)?)?;
        if self.holders[holder].founder {
            self.queue(conn, issue(date, "A", id, rng.random_range(1..=4), None)?)?;
        }
        self.holders[holder].admitted = true;
        Ok(())
    }

    fn book_twice(
        &mut self,
        conn: &mut DbConnection,
        date: NaiveDate,
        holder: usize,
    ) -> anyhow::Result<()> {
        let h = &mut self.holders[holder];
        h.protected = true;
        let draft = issue(date, "B", h.id, h.b.quantity, None)?;
        let record = self.post(conn, draft)?;
        self.double_booking = Some((holder, record.id));
        Ok(())
    }

    fn reverse(&mut self, conn: &mut DbConnection, date: NaiveDate) -> anyhow::Result<()> {
        let Some((holder, target)) = self.double_booking.take() else {
            return Ok(());
        };
        let draft = EntryDraft {
            reason: Some("Inschrijving per vergissing twee keer geboekt".into()),
            ..entry(date, DraftAction::Reversal { reverses: target })
        };
        self.post(conn, draft)?;
        self.holders[holder].protected = false;
        Ok(())
    }

    fn pay(
        &mut self,
        conn: &mut DbConnection,
        date: NaiveDate,
        holder: usize,
    ) -> anyhow::Result<()> {
        let h = &self.holders[holder];
        let due = h.due_cents;
        if due <= 0 {
            return Ok(());
        }
        let communication = StructuredCommunication::from_base(u64::try_from(h.register_number)?);
        let draft = EntryDraft {
            reason: Some("Volstorting".into()),
            external_reference: Some(communication.to_string()),
            ..entry(
                date,
                DraftAction::Payment {
                    share_class: "B".into(),
                    to: h.id,
                    amount: Money::from_cents(due)?,
                },
            )
        };
        self.holders[holder].due_cents = 0;
        self.queue(conn, draft)
    }

    fn transfer_b(
        &mut self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        date: NaiveDate,
    ) -> anyhow::Result<()> {
        // The giver keeps at least one share, and with it their membership.
        let Some(from) = self.pick(rng, |_, h| h.may_give() && h.b.quantity >= 2) else {
            return Ok(());
        };
        let Some(to) = self.pick(rng, |i, h| i != from && h.may_receive()) else {
            return Ok(());
        };
        let quantity = rng.random_range(1..=(self.holders[from].b.quantity - 1).min(10));
        let sold = rng.random_bool(0.5);
        let action = DraftAction::Transfer {
            share_class: "B".into(),
            from: self.holders[from].id,
            to: self.holders[to].id,
            quantity: ShareCount::new(quantity)?,
            price_per_share: sold.then_some(Money::from_cents(B_PRICE_CENTS)?),
        };
        let reason = if sold {
            "Verkoop tussen vennoten"
        } else {
            "Schenking"
        };
        self.post(
            conn,
            EntryDraft {
                reason: Some(reason.into()),
                ..entry(date, action)
            },
        )?;
        Ok(())
    }

    fn transfer_a(
        &mut self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        date: NaiveDate,
        decided: NaiveDate,
    ) -> anyhow::Result<()> {
        let Some(from) = self.pick(rng, |_, h| h.may_give() && h.a.quantity >= 2) else {
            return Ok(());
        };
        let quantity = rng.random_range(1..self.holders[from].a.quantity).min(3);
        let fits = |h: &Holder| h.a.quantity + quantity <= A_MAX_PER_HOLDER;
        let Some(to) = self.pick(rng, |i, h| i != from && h.may_receive() && fits(h)) else {
            return Ok(());
        };
        let action = DraftAction::Transfer {
            share_class: "A".into(),
            from: self.holders[from].id,
            to: self.holders[to].id,
            quantity: ShareCount::new(quantity)?,
            price_per_share: Some(Money::from_cents(A_PRICE_CENTS)?),
        };
        // Class A needs the board's approval; the decision is the external reference.
        let draft = EntryDraft {
            external_reference: Some(format!("Raad van bestuur {decided}")),
            ..entry(date, action)
        };
        self.post(conn, draft)?;
        Ok(())
    }

    /// A member who joined at least a year before withdraws: every share is redeemed at its
    /// paid-up value and the member leaves the register.
    fn exit(
        &mut self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        date: NaiveDate,
    ) -> anyhow::Result<()> {
        let joined_by = date - Days::new(365);
        let eligible =
            |h: &Holder| h.may_give() && !h.founder && h.admission <= joined_by && h.b.quantity > 0;
        let Some(who) = self.pick(rng, |_, h| eligible(h)) else {
            return Ok(());
        };
        let id = self.holders[who].id;
        for (class, position) in [("A", self.holders[who].a), ("B", self.holders[who].b)] {
            if position.quantity == 0 {
                continue;
            }
            let action = DraftAction::Redemption {
                share_class: class.into(),
                from: id,
                quantity: ShareCount::new(position.quantity)?,
                amount: Money::from_cents(position.paid_cents)?,
            };
            self.post(
                conn,
                EntryDraft {
                    reason: Some("uittreding".into()),
                    ..entry(date, action)
                },
            )?;
        }
        shareholders::set_status(
            conn,
            &self.tenant,
            &id,
            "exited",
            Some(date),
            Some("uittreding".into()),
        )?;
        self.holders[who].active = false;
        Ok(())
    }

    fn pick(&self, rng: &mut StdRng, ok: impl Fn(usize, &Holder) -> bool) -> Option<usize> {
        let candidates: Vec<usize> = (0..self.holders.len())
            .filter(|&i| ok(i, &self.holders[i]))
            .collect();
        candidates.choose(rng).copied()
    }

    /// Queues an entry that needs nothing the register knows; posted by [`Self::flush`].
    fn queue(&mut self, conn: &mut DbConnection, draft: EntryDraft) -> anyhow::Result<()> {
        self.pending.push(draft);
        if self.pending.len() >= ledger::BATCH_MAX_ENTRIES {
            self.flush(conn)?;
        }
        Ok(())
    }

    /// Posts the queued entries as one group, through the ledger's bulk path.
    fn flush(&mut self, conn: &mut DbConnection) -> anyhow::Result<()> {
        let drafts = std::mem::take(&mut self.pending);
        self.post_all(conn, drafts)?;
        Ok(())
    }

    fn post(&mut self, conn: &mut DbConnection, draft: EntryDraft) -> anyhow::Result<EntryRecord> {
        self.flush(conn)?;
        self.post_all(conn, vec![draft])?
            .pop()
            .context("the ledger answered no entry")
    }

    /// Posts each draft as its own request, all in one group in the load's transaction (no
    /// savepoints), and follows what the ledger posted.
    fn post_all(
        &mut self,
        conn: &mut DbConnection,
        drafts: Vec<EntryDraft>,
    ) -> anyhow::Result<Vec<EntryRecord>> {
        if drafts.is_empty() {
            return Ok(Vec::new());
        }
        let requests: Vec<ledger::AppendRequest> = drafts
            .into_iter()
            .enumerate()
            .map(|(i, draft)| ledger::AppendRequest {
                tenant_id: self.tenant,
                actor: ACTOR.into(),
                idempotency_key: None,
                request_hash: format!("demo-{}", self.entries + i + 1),
                drafts: vec![draft],
                audit: None,
            })
            .collect();
        let results = ledger::append_within(conn, &requests, Utc::now())?;
        let mut records = Vec::with_capacity(results.len());
        for (request, result) in requests.iter().zip(results) {
            let draft = &request.drafts[0];
            let what = || format!("demo entry: {} on {:?}", draft.kind(), draft.effective_date);
            let record = result
                .with_context(what)?
                .entries()
                .first()
                .cloned()
                .with_context(what)?;
            self.apply(&record.movement);
            records.push(record);
        }
        let before = self.entries;
        self.entries += records.len();
        // Fresh statistics once the ledger has some rows, and every 10,000 entries after.
        if (before < 1_000 && self.entries >= 1_000) || self.entries / 10_000 > before / 10_000 {
            dar_db::refresh_statistics(conn, &["ledger_entries", "holding_positions"])?;
        }
        if self.entries / 10_000 > before / 10_000 {
            tracing::info!(entries.done = self.entries, "demo: ledger entries posted");
        }
        Ok(records)
    }

    /// Follows the legs the ledger computed, so pro-rata amounts match it to the cent.
    fn apply(&mut self, movement: &Movement) {
        for (holder, leg) in movement.legs() {
            let h = &mut self.holders[self.by_id[&holder]];
            let position = if movement.share_class_id == self.class_a {
                &mut h.a
            } else {
                &mut h.b
            };
            position.quantity += leg.quantity;
            position.capital_cents += leg.capital_cents;
            position.paid_cents += leg.paid_cents;
        }
    }

    /// The member the shareholder login sees: preferably a founder still in, who holds both classes.
    fn showcase(&self) -> Option<&Holder> {
        let members: Vec<&Holder> = self
            .holders
            .iter()
            .filter(|h| h.natural && h.active && h.b.quantity > 0)
            .collect();
        members
            .iter()
            .find(|h| h.a.quantity > 0)
            .or(members.first())
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dar_core::identifiers::{EnterpriseNumber, Iban, NationalNumber};
    use dar_db::ledger::Moment;

    #[test]
    fn generated_national_numbers_parse_and_encode_the_birth_date() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..5000 {
            let birth = random_date(&mut rng, date(1920, 1, 1), date(2025, 12, 31));
            let female = rng.random_bool(0.5);
            let number = national_number(&mut rng, birth, female);
            let parsed =
                NationalNumber::parse(&number).unwrap_or_else(|e| panic!("born {birth}: {e}"));
            assert_eq!(parsed.as_str(), number);
            assert_eq!(parsed.birth_date(), Some(birth));
            let serial: u32 = number[6..9].parse().unwrap();
            assert_eq!(serial.is_multiple_of(2), female, "even serials are women's");
        }
    }

    #[test]
    fn generated_enterprise_numbers_parse() {
        let mut rng = StdRng::seed_from_u64(2);
        for _ in 0..5000 {
            let number = enterprise_number(&mut rng);
            let parsed =
                EnterpriseNumber::parse(&number).unwrap_or_else(|e| panic!("{number}: {e}"));
            assert_eq!(parsed.as_str(), number);
        }
    }

    #[test]
    fn generated_ibans_parse() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..5000 {
            let iban = belgian_iban(&mut rng);
            let parsed = Iban::parse(&iban).unwrap_or_else(|e| panic!("{iban}: {e}"));
            assert_eq!(parsed.as_str(), iban);
        }
    }

    #[test]
    fn every_planned_member_has_valid_identifiers_and_a_plain_email() {
        let mut rng = StdRng::seed_from_u64(SEED);
        let plan = shareholder_plan(&mut rng, date(2026, 8, 1), HOLDERS);
        assert_eq!(plan.len(), HOLDERS);
        assert_eq!(
            plan.iter().filter(|p| p.kind == "legal").count(),
            LEGAL.len()
        );
        assert!(
            plan.windows(2)
                .all(|w| w[0].admission_date <= w[1].admission_date)
        );
        for p in &plan {
            let i = &p.identity;
            if let Some(n) = &i.national_number {
                assert_eq!(NationalNumber::parse(n).unwrap().birth_date(), i.birth_date);
            }
            if let Some(n) = &i.enterprise_number {
                EnterpriseNumber::parse(n).unwrap();
            }
            if let Some(iban) = &i.iban {
                Iban::parse(iban).unwrap();
            }
            if let Some(email) = &i.email {
                assert!(email.is_ascii() && email.contains('@'), "{email}");
            }
        }
    }

    #[test]
    fn mailbox_parts_lose_their_diacritics() {
        assert_eq!(mailbox_part("Łukasz"), "lukasz");
        assert_eq!(mailbox_part("Wiśniewski"), "wisniewski");
        assert_eq!(mailbox_part("Van den Broeck"), "vandenbroeck");
        assert_eq!(mailbox_part("D'Hondt"), "dhondt");
        assert_eq!(mailbox_part("Çelik"), "celik");
    }

    /// Removes the database files even when the test fails.
    struct TempDb(std::path::PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut path = self.0.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    #[test]
    fn loads_once_into_a_fresh_database_with_a_sound_ledger() {
        let file =
            TempDb(std::env::temp_dir().join(format!("dar-demo-{}.sqlite", uuid::Uuid::now_v7())));
        let url = dar_db::DatabaseUrl::Sqlite(file.0.to_string_lossy().into_owned());
        let db = Database::connect(&url, 2).unwrap();
        db.migrate().unwrap();

        let summary = load(&db).unwrap().expect("the first load creates the demo");
        assert!(
            summary.contains("demo-password-2026") && summary.contains("DAR_BOOTSTRAP_EMAIL"),
            "{summary}"
        );
        assert!(
            load(&db).unwrap().is_none(),
            "the second load finds the demo"
        );

        let mut conn = db.conn().unwrap();
        let tenant: TenantId = tenants::find(&mut conn, SLUG).unwrap().id.parse().unwrap();
        let report = ledger::verify(&mut conn, &tenant).unwrap();
        assert!(report.ok, "{report:?}");
        assert!(report.entries > 300, "{} entries", report.entries);
        let moment = Moment {
            as_of: date(2100, 1, 1),
            as_of_seq: i64::MAX,
        };
        let holdings = ledger::holdings(&mut conn, &tenant, moment, None, 10_000).unwrap();
        assert!(!holdings.is_empty());
        for h in &holdings {
            assert!(
                h.quantity >= 0 && h.paid_cents >= 0 && h.paid_cents <= h.capital_cents,
                "{h:?}"
            );
        }
    }
}
