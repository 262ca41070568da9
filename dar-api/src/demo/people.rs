//! Who the demo's members are: places, names, streets and companies of Flanders, Brussels
//! and Wallonia, and the valid Belgian numbers (national register, enterprise, IBAN) that
//! go with them, all from the demo's seeded random source.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Region {
    Flanders,
    Brussels,
    Wallonia,
}

/// (postal code, municipality, region, weight): a Ghent cooperative recruits mostly nearby.
/// Brussels municipalities carry their French name; `BRUSSELS_NL` has the Dutch one.
#[rustfmt::skip]
pub(super) const PLACES: &[(&str, &str, Region, u32)] = &[
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
pub(super) const BRUSSELS_NL: &[(&str, &str)] = &[
    ("Bruxelles", "Brussel"), ("Schaerbeek", "Schaarbeek"), ("Ixelles", "Elsene"),
    ("Saint-Gilles", "Sint-Gillis"), ("Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek"),
];

#[rustfmt::skip]
pub(super) const NL_STREETS: &[&str] = &[
    "Kerkstraat", "Stationsstraat", "Molenstraat", "Dorpsstraat", "Nieuwstraat", "Kapelstraat",
    "Veldstraat", "Schoolstraat", "Beekstraat", "Lindenlaan", "Sint-Jansstraat", "Brugsesteenweg",
    "Groenstraat", "Hoogstraat", "Meersstraat", "Populierenlaan",
];

#[rustfmt::skip]
pub(super) const FR_STREETS: &[&str] = &[
    "Rue de la Station", "Rue de l'Église", "Rue du Moulin", "Chaussée de Louvain",
    "Avenue des Tilleuls", "Rue Haute", "Rue des Écoles", "Place du Marché", "Rue de la Fontaine",
    "Rue Saint-Rémy", "Chemin des Prés", "Rue du Château", "Rue Léopold",
];

/// Names of one background, and where in Belgium people of that background mostly live.
pub(super) struct Origin {
    pub(super) male: &'static [&'static str],
    pub(super) female: &'static [&'static str],
    pub(super) last: &'static [&'static str],
    pub(super) regions: &'static [Region],
}

#[rustfmt::skip]
pub(super) const FLEMISH: Origin = Origin {
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
pub(super) const WALLOON: Origin = Origin {
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
pub(super) const NEWER: Origin = Origin {
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
pub(super) const ORIGINS: [(&Origin, u32); 3] = [(&FLEMISH, 55), (&WALLOON, 25), (&NEWER, 20)];

/// Legal-entity members: (name, street, postal code, city, language, email).
#[rustfmt::skip]
pub(super) const LEGAL: &[(&str, &str, &str, &str, &str, &str)] = &[
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
pub(super) const EMAIL_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];

/// Real Belgian bank codes (BNP Paribas Fortis, Belfius, ING, KBC, AXA, Argenta, Triodos).
pub(super) const BANK_CODES: &[u64] = &[1, 63, 68, 310, 363, 734, 735, 751, 973, 523];

/// Letters with diacritics and what they become in an email address.
pub(super) const ASCII_FOLD: &[(&str, char)] = &[
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

/// The members in admission order, so that register numbers follow admission.
pub(super) fn shareholder_plan(
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

pub(super) fn admission_dates(rng: &mut StdRng, last: NaiveDate, holders: usize) -> Vec<NaiveDate> {
    let first_after_founding = founded() + Days::new(21);
    let mut later: Vec<NaiveDate> = (FOUNDERS..holders)
        .map(|_| random_date(rng, first_after_founding, last))
        .collect();
    later.sort();
    std::iter::repeat_n(founded(), FOUNDERS)
        .chain(later)
        .collect()
}

pub(super) fn legal_entity(
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

pub(super) fn natural_person(rng: &mut StdRng, admitted: NaiveDate) -> NewShareholder {
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

pub(super) fn home(rng: &mut StdRng, origin: &Origin) -> (&'static str, &'static str, Region, u32) {
    let near: Vec<_> = PLACES
        .iter()
        .filter(|p| origin.regions.contains(&p.2))
        .collect();
    **near
        .choose_weighted(rng, |p| p.3)
        .expect("weights are positive")
}

pub(super) fn language(rng: &mut StdRng, region: Region) -> &'static str {
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
pub(super) fn street(rng: &mut StdRng, region: Region, language: &str) -> String {
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

pub(super) fn city_name(municipality: &'static str, language: &str) -> &'static str {
    match BRUSSELS_NL.iter().find(|(fr, _)| *fr == municipality) {
        Some((_, nl)) if language == "nl" => nl,
        _ => municipality,
    }
}

pub(super) fn email(rng: &mut StdRng, first: &str, last: &str, birth: NaiveDate) -> String {
    let (first, last) = (mailbox_part(first), mailbox_part(last));
    let domain = pick(rng, EMAIL_DOMAINS);
    if rng.random_bool(0.3) {
        format!("{first}{last}{:02}@{domain}", birth.year() % 100)
    } else {
        format!("{first}.{last}@{domain}")
    }
}

/// A name as it can appear in an email address: lower-case ASCII letters and digits.
pub(super) fn mailbox_part(name: &str) -> String {
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

pub(super) fn phone(rng: &mut StdRng) -> String {
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
pub(super) fn enterprise_number(rng: &mut StdRng) -> String {
    let base: u64 = rng.random_range(2_000_000..10_000_000);
    format!("{base:08}{:02}", 97 - base % 97)
}

/// A national register number: birth date (YYMMDD), a serial that is odd for men and even
/// for women, then 97 minus the remainder modulo 97 of those nine digits, with a 2 put in
/// front of them for people born from 2000 on.
pub(super) fn national_number(rng: &mut StdRng, birth: NaiveDate, female: bool) -> String {
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
pub(super) fn belgian_iban(rng: &mut StdRng) -> String {
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
