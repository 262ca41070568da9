//! The register's calendar: legal dates are Belgian dates.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Brussels;

/// The date in Brussels at `now`: an entry posted at 00:30 on 1 January in Brussels is dated
/// 1 January, although it is still 31 December in UTC.
pub fn brussels_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Brussels).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

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
