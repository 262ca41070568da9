//! Rows of a CSV text: the delimiter found, quotes and line breaks inside quotes read as
//! RFC 4180 says, empty lines left out, each row with the line it starts on (what a
//! spreadsheet user sees as the row number).

/// The delimiters tried, in order of preference when two fit equally well.
const DELIMITERS: [u8; 4] = [b';', b',', b'\t', b'|'];
/// Records looked at to find the delimiter.
const SAMPLE: usize = 50;

/// One row of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The line of the file the row starts on, from 1.
    pub line: u64,
    /// The cells, trimmed of surrounding spaces.
    pub cells: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct TableError {
    pub line: u64,
    pub message: String,
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
}

/// The delimiter under which most of the first rows have the same number of cells (more
/// than one): title rows above the header and a ragged last row do not sway it. `;` when
/// nothing fits, as Excel writes it in Belgium.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut best = (0usize, 0usize, DELIMITERS[0]);
    for delimiter in DELIMITERS {
        let mut widths: Vec<usize> = reader(text, delimiter)
            .records()
            .map_while(Result::ok)
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .take(SAMPLE)
            .map(|r| r.len())
            .filter(|w| *w > 1)
            .collect();
        widths.sort_unstable();
        // The most common width and how many rows have it.
        let mut modal = (0usize, 0usize);
        for chunk in widths.chunk_by(|a, b| a == b) {
            if chunk.len() > modal.0 || (chunk.len() == modal.0 && chunk[0] > modal.1) {
                modal = (chunk.len(), chunk[0]);
            }
        }
        if (modal.0, modal.1) > (best.0, best.1) {
            best = (modal.0, modal.1, delimiter);
        }
    }
    best.2
}

/// The rows of `text` split at `delimiter`, without the empty ones.
pub fn rows(text: &str, delimiter: u8) -> impl Iterator<Item = Result<Row, TableError>> + '_ {
    // The reader places a record where the one before it ended, ahead of any empty lines
    // it skipped: the row starts at the first byte after them. Lines are counted from the
    // last row on, so numbering a file costs one pass over it.
    let bytes = text.as_bytes();
    let mut counted = (0usize, 1u64);
    let mut line_at = move |byte: usize| -> u64 {
        let mut start = byte.min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let (from, line) = counted;
        let newlines = bytes[from.min(start)..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted = (start, line + newlines as u64);
        counted.1
    };
    reader(text, delimiter)
        .into_records()
        .filter_map(move |record| match record {
            Ok(r) if r.iter().all(str::is_empty) => None,
            Ok(r) => Some(Ok(Row {
                line: r.position().map_or(0, |p| line_at(p.byte() as usize)),
                cells: r.iter().map(str::to_string).collect(),
            })),
            Err(e) => Some(Err(TableError {
                line: e.position().map_or(0, |p| line_at(p.byte() as usize)),
                message: e.to_string(),
            })),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<Row> {
        rows(text, sniff_delimiter(text))
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn the_delimiter_is_the_one_that_splits_the_rows_alike() {
        assert_eq!(sniff_delimiter("naam;bedrag\nPeeters;1.250,00\n"), b';');
        assert_eq!(sniff_delimiter("name,amount\nPeeters,\"1,250.00\"\n"), b',');
        assert_eq!(sniff_delimiter("name\tamount\nPeeters\t12\n"), b'\t');
        assert_eq!(sniff_delimiter("a|b|c\n1|2|3\n"), b'|');
        // A title row with a comma does not make it comma-separated.
        assert_eq!(
            sniff_delimiter(
                "Register, stand 2025\nnr;naam;aandelen\n1;Peeters, Jan;5\n2;Aerts;3\n"
            ),
            b';'
        );
    }

    #[test]
    fn empty_lines_are_left_out_and_rows_keep_their_line_numbers() {
        let read = all("nr;naam\r\n\r\n1;Peeters\r\n;\r\n2;\"Aerts\r\nDe Smet\"\r\n3;Maes");
        let lines: Vec<u64> = read.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 3, 5, 7]);
        assert_eq!(read[2].cells, ["2", "Aerts\r\nDe Smet"]);
        assert_eq!(read[3].cells, ["3", "Maes"]);
    }

    #[test]
    fn cells_are_trimmed_and_ragged_rows_are_kept() {
        let read = all("a;b;c\n 1 ; 2 \n");
        assert_eq!(read[1].cells, ["1", "2"]);
    }
}
