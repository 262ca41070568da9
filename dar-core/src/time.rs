//! The register's calendar: legal dates are Belgian dates.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Europe::Brussels;
use serde::{Deserialize, Serialize};

/// The date in Brussels at `now`: an entry posted at 00:30 on 1 January in Brussels is dated
/// 1 January, although it is still 31 December in UTC.
pub fn brussels_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Brussels).date_naive()
}

/// The wall-clock time in Brussels, as a register shows when something was recorded.
pub fn brussels_time(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    t.with_timezone(&Brussels).naive_local()
}

/// The earliest date a register can speak of: the Belgian law of 18 May 1873 created the
/// cooperative society, so an admission, an entry or an identity change before it is a typo
/// (a year of 0025 or 1025), not history.
pub const REGISTER_EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1873, 5, 18) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// The earliest birth date accepted: nobody in a register today was born before 1850.
pub const BIRTH_FLOOR: NaiveDate = match NaiveDate::from_ymd_opt(1850, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// Why a date sent by a client is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("must be a date written as YYYY-MM-DD, e.g. 2025-12-31")]
    Format,
    #[error("is not a date in the calendar (check the day and the month)")]
    NoSuchDay,
    #[error("lies before {floor}, the earliest date this register accepts here")]
    TooEarly { floor: NaiveDate },
}

/// A date exactly as ISO 8601 writes it (`YYYY-MM-DD`, four-digit year, no spaces), the
/// only form the API accepts: chrono alone would also take `2025-1-1` and ` 2025-06-01 `,
/// and a register must not guess which day was meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct IsoDate(pub NaiveDate);

impl IsoDate {
    pub fn parse(s: &str) -> Result<Self, DateError> {
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return Err(DateError::Format);
        }
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| DateError::Format);
        let year = i32::try_from(n(0..4)?).map_err(|_| DateError::Format)?;
        NaiveDate::from_ymd_opt(year, n(5..7)?, n(8..10)?)
            .map(IsoDate)
            .ok_or(DateError::NoSuchDay)
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }
}

impl From<IsoDate> for NaiveDate {
    fn from(d: IsoDate) -> Self {
        d.0
    }
}

impl std::fmt::Display for IsoDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }
}

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = IsoDate;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date written as YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<IsoDate, E> {
                IsoDate::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// Refuses a date before `floor`.
pub fn not_before(date: NaiveDate, floor: NaiveDate) -> Result<NaiveDate, DateError> {
    if date < floor {
        Err(DateError::TooEarly { floor })
    } else {
        Ok(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_iso_dates_are_accepted() {
        assert_eq!(IsoDate::parse("2025-06-01").unwrap().0, date("2025-06-01"));
        for bad in [
            "2025-1-1",
            " 2025-06-01 ",
            "31/12/2025",
            "2025-06-01T00:00",
            "+2025-06-01",
            "20250601",
            "２０２５-06-01",
        ] {
            assert_eq!(IsoDate::parse(bad), Err(DateError::Format), "{bad}");
        }
        assert_eq!(IsoDate::parse("2025-02-30"), Err(DateError::NoSuchDay));
        assert_eq!(IsoDate::parse("2025-13-01"), Err(DateError::NoSuchDay));
    }

    #[test]
    fn year_zero_parses_but_lies_before_every_floor() {
        let zero = IsoDate::parse("0000-06-01").unwrap().0;
        assert!(not_before(zero, BIRTH_FLOOR).is_err());
        assert!(not_before(date("1873-05-17"), REGISTER_EPOCH).is_err());
        assert!(not_before(date("1873-05-18"), REGISTER_EPOCH).is_ok());
    }

    #[test]
    fn an_iso_date_prints_as_it_was_read() {
        assert_eq!(
            IsoDate::parse("0999-01-02").unwrap().to_string(),
            "0999-01-02"
        );
        assert_eq!(
            serde_json::to_string(&IsoDate::parse("2025-06-01").unwrap()).unwrap(),
            "\"2025-06-01\""
        );
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn half_past_midnight_in_brussels_on_new_year_is_already_the_new_year() {
        assert_eq!(
            brussels_date(at("2026-12-31T23:30:00Z")),
            date("2027-01-01")
        );
    }

    #[test]
    fn summer_time_puts_brussels_two_hours_ahead() {
        assert_eq!(
            brussels_date(at("2026-07-01T22:30:00Z")),
            date("2026-07-02")
        );
        assert_eq!(
            brussels_date(at("2026-07-01T21:30:00Z")),
            date("2026-07-01")
        );
    }
}
