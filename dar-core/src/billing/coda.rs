//! CODA, the Belgian banks' statement format (Febelfin, version 2): fixed-width records of
//! 128 characters. Read here: the account (record 1), each movement (2.1) with its
//! counterparty (2.3), and the new balance's date (8). Information records (3) and free
//! messages (4) carry nothing a payment match needs and are skipped.
//!
//! Positions below are 1-based, as in the Febelfin specification.

use chrono::NaiveDate;

use crate::identifiers::StructuredCommunication;
use crate::money::Money;

/// Why a file is not a CODA statement we can read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodaError {
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
    #[error("the file has no header record (a CODA file starts with a line beginning with 0)")]
    NoHeader,
    #[error("the file has no movements")]
    Empty,
}

/// One movement of a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movement {
    /// The bank's own reference of the movement: the same movement read twice has the same.
    pub bank_reference: String,
    /// Money in (a credit) or out.
    pub credit: bool,
    pub amount: Money,
    pub value_date: NaiveDate,
    pub entry_date: NaiveDate,
    /// The Belgian structured communication, when the payer gave one (or typed one into
    /// the free communication).
    pub structured: Option<StructuredCommunication>,
    /// The free communication, when not structured.
    pub communication: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_account: Option<String>,
}

/// A statement: the account it is of and its movements, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub account: String,
    pub movements: Vec<Movement>,
}

/// The characters at 1-based positions `from..=to` of a record (padded with spaces).
fn field(record: &[char], from: usize, to: usize) -> String {
    record[from - 1..to].iter().collect()
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%d%m%y").ok()
}

/// An amount of 15 digits with 3 decimals (mills), which must be whole cents.
fn amount(text: &str) -> Option<Money> {
    if text.len() != 15 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mills: i64 = text.parse().ok()?;
    if mills % 10 != 0 {
        return None;
    }
    Money::from_cents(mills / 10).ok()
}

fn trimmed(text: String) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A structured communication typed into a free communication: `+++123/4567/89002+++`,
/// `***…***` or twelve digits on their own.
fn structured_in(text: &str) -> Option<StructuredCommunication> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(start) = compact.find("+++").or_else(|| compact.find("***")) {
        let candidate = compact.get(start..start + 20)?;
        return StructuredCommunication::parse(candidate).ok();
    }
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits.len() == 12
        && text
            .trim()
            .chars()
            .all(|c| c.is_ascii_digit() || " /".contains(c)))
    .then(|| StructuredCommunication::parse(&digits).ok())
    .flatten()
}

/// Reads a CODA file. Lines are 128 characters (shorter ones are padded: some banks and
/// tools strip trailing spaces); a CR before the LF is allowed.
pub fn parse(text: &str) -> Result<Statement, CodaError> {
    let mut account = None;
    let mut movements: Vec<Movement> = Vec::new();
    let mut header = false;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        let bad = |message: &str| CodaError::Line {
            line,
            message: message.to_string(),
        };
        let mut record: Vec<char> = raw.chars().collect();
        if record.len() > 128 {
            return Err(bad("is longer than 128 characters"));
        }
        record.resize(128, ' ');
        match (record[0], record[1]) {
            ('0', _) => header = true,
            ('1', structure) => {
                // Structure 2 (Belgian IBAN) and 3 (foreign IBAN) put the IBAN at 6–39.
                let number = match structure {
                    '2' | '3' => field(&record, 6, 39),
                    _ => field(&record, 6, 42),
                };
                account = trimmed(number);
            }
            ('2', '1') => {
                let sign = record[31];
                let movement = Movement {
                    bank_reference: field(&record, 11, 31).trim().to_string(),
                    credit: match sign {
                        '0' => true,
                        '1' => false,
                        _ => return Err(bad("position 32 must be 0 (credit) or 1 (debit)")),
                    },
                    amount: amount(&field(&record, 33, 47)).ok_or_else(|| {
                        bad("the amount (positions 33–47) is not 15 digits of whole cents")
                    })?,
                    value_date: date(&field(&record, 48, 53))
                        .ok_or_else(|| bad("the value date (positions 48–53) is not DDMMYY"))?,
                    entry_date: date(&field(&record, 116, 121))
                        .ok_or_else(|| bad("the entry date (positions 116–121) is not DDMMYY"))?,
                    structured: None,
                    communication: None,
                    counterparty_name: None,
                    counterparty_account: None,
                };
                if movement.bank_reference.is_empty() {
                    return Err(bad("the bank reference (positions 11–31) is empty"));
                }
                let communication = field(&record, 63, 115);
                let movement = match record[61] {
                    // Type 101 (and 102): the Belgian structured communication.
                    '1' if matches!(&communication[..3], "101" | "102") => Movement {
                        structured: StructuredCommunication::parse(&communication[3..15]).ok(),
                        communication: trimmed(communication),
                        ..movement
                    },
                    _ => Movement {
                        structured: structured_in(&communication),
                        communication: trimmed(communication),
                        ..movement
                    },
                };
                // A movement split over detail records (globalisation) repeats its
                // sequence number; only the first line of each is a movement of its own.
                let detail = field(&record, 7, 10);
                if detail.trim_start_matches('0').is_empty() || movements.is_empty() {
                    movements.push(movement);
                }
            }
            ('2', '3') => {
                if let Some(last) = movements.last_mut() {
                    last.counterparty_account = trimmed(field(&record, 11, 47));
                    last.counterparty_name = trimmed(field(&record, 48, 82));
                }
            }
            ('2', '2') | ('3', _) | ('4', _) | ('8', _) | ('9', _) => {}
            _ => {
                return Err(bad(
                    "is not a CODA record (it must start with 0, 1, 2, 3, 4, 8 or 9)",
                ));
            }
        }
    }
    if !header {
        return Err(CodaError::NoHeader);
    }
    if movements.is_empty() {
        return Err(CodaError::Empty);
    }
    Ok(Statement {
        account: account.unwrap_or_default(),
        movements,
    })
}

/// Writes CODA records, for tests and fixtures: a statement of `account` with `movements`.
pub fn write(account: &str, created: NaiveDate, movements: &[Movement]) -> String {
    fn pad(text: &str, width: usize) -> String {
        let mut out: String = text.chars().take(width).collect();
        while out.chars().count() < width {
            out.push(' ');
        }
        out
    }
    let day = |d: NaiveDate| d.format("%d%m%y").to_string();
    let mut lines = vec![pad(
        &format!("0000{}725DAR TEST            ", day(created)),
        128,
    )];
    lines.push(pad(
        &format!("12001{}EUR0{:015}{}", pad(account, 34), 0, day(created)),
        128,
    ));
    for (i, m) in movements.iter().enumerate() {
        let (kind, communication) = match (&m.structured, &m.communication) {
            (Some(s), _) => ('1', format!("101{}", s.as_str())),
            (None, Some(text)) => ('0', text.clone()),
            (None, None) => ('0', String::new()),
        };
        let record = format!(
            "21{:04}0000{}{}{:015}{}{}{}{}{}{:03}0 0",
            i + 1,
            pad(&m.bank_reference, 21),
            if m.credit { '0' } else { '1' },
            m.amount.cents() * 10,
            day(m.value_date),
            pad("00150000", 8),
            kind,
            pad(&communication, 53),
            day(m.entry_date),
            1,
        );
        lines.push(pad(&record, 128));
        let counterparty = format!(
            "23{:04}0000{}{}",
            i + 1,
            pad(m.counterparty_account.as_deref().unwrap_or(""), 37),
            pad(m.counterparty_name.as_deref().unwrap_or(""), 35),
        );
        lines.push(pad(&counterparty, 128));
    }
    lines.push(pad(
        &format!("8001{}EUR0{:015}{}", pad(account, 37), 0, day(created)),
        128,
    ));
    lines.push(pad(&format!("9               {:06}", lines.len() - 1), 128));
    lines.join("\r\n") + "\r\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn movement(reference: &str, cents: i64) -> Movement {
        let day = NaiveDate::from_ymd_opt(2027, 2, 3).unwrap();
        Movement {
            bank_reference: reference.into(),
            credit: true,
            amount: Money::from_cents(cents).unwrap(),
            value_date: day,
            entry_date: day,
            structured: Some(StructuredCommunication::parse("+++010/8068/17183+++").unwrap()),
            communication: None,
            counterparty_name: Some("Coöperatie De Zon cv".into()),
            counterparty_account: Some("BE68539007547034".into()),
        }
    }

    fn created() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 2, 4).unwrap()
    }

    #[test]
    fn a_written_statement_reads_back_the_same() {
        let movements = vec![movement("REF0001", 54450), movement("REF0002", 1)];
        let text = write("BE68539007547034", created(), &movements);
        assert!(
            text.lines()
                .all(|l| l.trim_end_matches('\r').chars().count() == 128)
        );
        let statement = parse(&text).unwrap();
        assert_eq!(statement.account, "BE68539007547034");
        let mut expected = movements;
        for m in &mut expected {
            m.communication = Some(format!("101{}", m.structured.as_ref().unwrap().as_str()));
        }
        assert_eq!(statement.movements, expected);
    }

    #[test]
    fn a_structured_communication_typed_as_free_text_is_found() {
        let mut m = movement("REF0003", 100);
        m.structured = None;
        m.communication = Some("factuur +++010/8068/17183+++ dank u".into());
        let statement = parse(&write("BE68539007547034", created(), &[m])).unwrap();
        assert_eq!(
            statement.movements[0]
                .structured
                .as_ref()
                .map(|s| s.as_str()),
            Some("010806817183")
        );
    }

    #[test]
    fn a_wrong_check_digit_is_no_structured_communication() {
        let mut m = movement("REF0004", 100);
        m.structured = None;
        m.communication = Some("+++010/8068/17184+++".into());
        let statement = parse(&write("BE68539007547034", created(), &[m])).unwrap();
        assert_eq!(statement.movements[0].structured, None);
    }

    #[test]
    fn lines_with_trailing_spaces_stripped_are_read() {
        let text = write("BE68539007547034", created(), &[movement("REF0005", 100)]);
        let stripped: String = text
            .lines()
            .map(|l| l.trim_end().to_string() + "\n")
            .collect();
        assert_eq!(parse(&stripped).unwrap().movements.len(), 1);
    }

    #[test]
    fn a_bad_amount_names_its_line() {
        let text = write("BE68539007547034", created(), &[movement("REF0006", 100)]);
        let broken = text.replacen("000000000001000", "0000000000010x0", 1);
        assert!(
            matches!(parse(&broken), Err(CodaError::Line { line: 3, .. })),
            "{:?}",
            parse(&broken)
        );
    }

    #[test]
    fn something_else_than_coda_is_refused() {
        assert_eq!(
            parse("hello\n"),
            Err(CodaError::Line {
                line: 1,
                message: "is not a CODA record (it must start with 0, 1, 2, 3, 4, 8 or 9)".into()
            })
        );
        assert_eq!(parse(""), Err(CodaError::NoHeader));
    }
}
