//! An uploaded file as rows with their header: CSV or XLSX told from the bytes, the header
//! row found, and each column's field recognised, then overridden by what the cooperative
//! chose before (its saved mapping) and by what the user chooses now.

use std::collections::HashMap;

use crate::columns::{Field, header_row, normalise, recognise};
use crate::decode::{TextEncoding, decode_owned};
use crate::table::{Row, TableError, rows, sniff_delimiter};

/// What kind of file was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv {
        encoding: TextEncoding,
        delimiter: u8,
    },
    Xlsx,
    /// An Open Cap Format package: its rows are made from its objects (see
    /// [`dar_ocf::read`]) in the import's own columns.
    Ocf,
}

/// The rows of a file, the header among them.
#[derive(Clone, Debug)]
pub struct Source {
    pub format: Format,
    /// The header row's cells.
    pub headers: Vec<String>,
    /// The line of the header row.
    pub header_line: u64,
    /// The rows below the header; see [`Source::rows`].
    body: Body,
    /// For an OCF package: the object each row comes from, by line (the line is the row's
    /// position, from 1).
    pub objects: Vec<String>,
    /// For an OCF package: what cannot be imported, as (object, message).
    pub problems: Vec<(String, String)>,
}

/// Where the rows below the header are.
#[derive(Clone, Debug)]
enum Body {
    /// Read already (a workbook's sheet, an OCF package's objects).
    Rows(Vec<Row>),
    /// A CSV's text, read again each time its rows are asked for: a register of 400,000
    /// rows is then held as its text, not as millions of cells.
    Csv {
        text: String,
        delimiter: u8,
        /// Rows (empty ones left out) up to and including the header.
        skip: usize,
    },
}

/// Why a file cannot be read as a register at all.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(
        "no header row found in the first 20 rows: name the columns (for example Nr, Naam, Aandelen)"
    )]
    NoHeader,
    #[error("the file is empty")]
    Empty,
    #[error(transparent)]
    Ocf(#[from] dar_ocf::read::ReadError),
}

/// XLSX is a ZIP archive; everything else is read as text.
fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Whether `bytes` is an Open Cap Format package (a ZIP archive with an OCF manifest).
pub fn is_ocf(bytes: &[u8]) -> bool {
    is_zip(bytes) && dar_ocf::read::is_package(bytes)
}

/// Reads `bytes` as CSV, XLSX or an OCF package and finds the header row.
pub fn read(bytes: &[u8]) -> Result<Source, SourceError> {
    read_owned(bytes.to_vec())
}

/// [`read`], keeping a UTF-8 file's bytes as its text.
pub fn read_owned(bytes: Vec<u8>) -> Result<Source, SourceError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SourceError::Empty);
    }
    if is_ocf(&bytes) {
        return ocf(&bytes);
    }
    if is_zip(&bytes) {
        let mut all = crate::xlsx::rows(&bytes)?;
        let header =
            header_row(all.iter().map(|r| r.cells.as_slice())).ok_or(SourceError::NoHeader)?;
        let body = all.split_off(header + 1);
        let head = all.pop().ok_or(SourceError::NoHeader)?;
        return Ok(Source {
            format: Format::Xlsx,
            headers: head.cells,
            header_line: head.line,
            body: Body::Rows(body),
            objects: Vec::new(),
            problems: Vec::new(),
        });
    }
    let (text, encoding) = decode_owned(bytes);
    let delimiter = sniff_delimiter(&text);
    let first: Vec<Row> = rows(&text, delimiter)
        .take(20)
        .collect::<Result<Vec<_>, _>>()?;
    let header =
        header_row(first.iter().map(|r| r.cells.as_slice())).ok_or(SourceError::NoHeader)?;
    // Every row read once now, so that a broken one is named before anything else and the
    // rows can be read again later without failing.
    for row in rows(&text, delimiter) {
        row?;
    }
    let head = first.into_iter().nth(header).ok_or(SourceError::NoHeader)?;
    Ok(Source {
        format: Format::Csv {
            encoding,
            delimiter,
        },
        headers: head.cells,
        header_line: head.line,
        body: Body::Csv {
            text,
            delimiter,
            skip: header + 1,
        },
        objects: Vec::new(),
        problems: Vec::new(),
    })
}

fn ocf(bytes: &[u8]) -> Result<Source, SourceError> {
    let read = dar_ocf::read::read(bytes)?;
    let mut objects = Vec::with_capacity(read.rows.len());
    let body = read
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, mut cells)| {
            // The first column names the object; it is not imported.
            objects.push(std::mem::take(&mut cells[0]));
            Row {
                line: i as u64 + 1,
                cells,
            }
        })
        .collect();
    Ok(Source {
        format: Format::Ocf,
        headers: dar_ocf::read::COLUMNS
            .iter()
            .map(|c| c.to_string())
            .collect(),
        header_line: 0,
        body: Body::Rows(body),
        objects,
        problems: read.problems,
    })
}

impl Source {
    /// The rows below the header, read from the start each time.
    pub fn rows(&self) -> Box<dyn Iterator<Item = Row> + '_> {
        match &self.body {
            Body::Rows(rows) => Box::new(rows.iter().cloned()),
            Body::Csv {
                text,
                delimiter,
                skip,
            } => Box::new(
                rows(text, *delimiter)
                    .skip(*skip)
                    // Every row was read without error when the file was.
                    .filter_map(Result::ok),
            ),
        }
    }

    /// Each column's field: for a spreadsheet as [`columns`] finds them; an OCF package's
    /// columns are the import's own and take no mapping.
    pub fn fields(&self, chosen: &Mapping) -> Vec<Option<Field>> {
        match self.format {
            Format::Ocf => self.headers.iter().map(|h| Field::from_key(h)).collect(),
            _ => columns(&self.headers, chosen),
        }
    }

    /// The object a row comes from (OCF), by the row's line.
    pub fn object(&self, line: u64) -> Option<&str> {
        let i = usize::try_from(line).ok()?.checked_sub(1)?;
        self.objects.get(i).map(String::as_str)
    }
}

/// A mapping the user chose, by normalised header: a field, or `None` for a column left out.
pub type Mapping = HashMap<String, Option<Field>>;

/// Each column's field: recognised from its header, then `chosen` (the saved mapping with
/// today's choices over it) wins for the headers it names. A field chosen for one column is
/// taken from any other column that was recognised as it.
pub fn columns(headers: &[String], chosen: &Mapping) -> Vec<Option<Field>> {
    let mut fields = recognise(headers);
    let keys: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut overridden = vec![false; fields.len()];
    for (i, key) in keys.iter().enumerate() {
        if let Some(choice) = chosen.get(key) {
            fields[i] = *choice;
            overridden[i] = true;
        }
    }
    for i in 0..fields.len() {
        if overridden[i] {
            continue;
        }
        let clash = fields[i].is_some()
            && (0..fields.len()).any(|j| j != i && overridden[j] && fields[j] == fields[i]);
        if clash {
            fields[i] = None;
        }
    }
    fields
}

/// A column as a spreadsheet names it: A, B, …, Z, AA, AB, …
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_in_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn a_chosen_field_wins_and_leaves_no_second_column_with_it() {
        let headers: Vec<String> = ["Nr", "Naam", "Familienaam"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let chosen: Mapping = [("familienaam".to_string(), Some(Field::LastName))].into();
        assert_eq!(
            columns(&headers, &chosen),
            [Some(Field::RegisterNumber), None, Some(Field::LastName)]
        );
    }

    #[test]
    fn a_file_without_a_header_row_is_named_as_such() {
        assert!(matches!(
            read(b"1;2;3\n4;5;6\n"),
            Err(SourceError::NoHeader)
        ));
        assert!(matches!(read(b"  \n"), Err(SourceError::Empty)));
    }
}
