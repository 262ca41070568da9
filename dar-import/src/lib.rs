//! Registers as cooperatives keep them before DAR: spreadsheets saved as CSV (UTF-8 with or
//! without a byte order mark, Windows-1252 or UTF-16, with `;`, `,`, tabs or `|` between
//! fields) and their columns, named in Dutch, French or English.
//!
//! - [`decode`] turns the uploaded bytes into text, saying which encoding it read.
//! - [`table`] finds the delimiter and splits the text into rows, leaving out empty lines;
//!   [`xlsx`] reads the first worksheet of a workbook into the same rows.
//! - [`columns`] finds the header row below any title rows and recognises what each column
//!   holds; a cooperative's own mapping overrides what was recognised.
//!
//! Values are read as typed in Belgium by [`dar_core::typed`]; [`numbers`] tells from a
//! file's own amounts whether it writes `1.250,00` or `1,250.00`.

pub mod columns;
pub mod decode;
pub mod numbers;
pub mod plan;
pub mod source;
pub mod table;
pub mod xlsx;

#[cfg(test)]
mod tests {
    use dar_core::typed::{parse_amount, parse_count};
    use dar_core::types::Language;

    use crate::columns::{Field, header_row, recognise};
    use crate::decode::{TextEncoding, decode};
    use crate::table::{rows, sniff_delimiter};

    #[test]
    fn a_windows_1252_register_with_a_title_row_and_belgian_amounts_is_read() {
        let file: &[u8] =
            b"Register De Korenbloem cv;;;\r\n\r\nNr;Naam;Aantal aandelen;Volstort\r\n\
            1;H\xe9l\xe8ne Peeters;5;1.250,00\r\n2;\"Aerts; Jan\";12;3.000\r\n";
        let (text, encoding) = decode(file);
        assert_eq!(encoding, TextEncoding::Windows1252);
        let read: Vec<_> = rows(&text, sniff_delimiter(&text))
            .map(Result::unwrap)
            .collect();
        let header = header_row(read.iter().map(|r| r.cells.as_slice())).unwrap();
        assert_eq!(read[header].line, 3);
        let fields = recognise(&read[header].cells);
        assert_eq!(
            fields,
            [
                Field::RegisterNumber,
                Field::LastName,
                Field::Shares,
                Field::PaidUp
            ]
            .map(Some)
        );
        let body = &read[header + 1..];
        assert_eq!(body[0].cells[1], "Hélène Peeters");
        assert_eq!(body[1].cells[1], "Aerts; Jan");
        assert_eq!(parse_count(Language::Nl, &body[1].cells[2]), Some(12));
        assert_eq!(parse_amount(Language::Nl, &body[0].cells[3]), Some(125_000));
        assert_eq!(parse_amount(Language::Nl, &body[1].cells[3]), Some(300_000));
        assert_eq!(body[1].line, 5);
    }
}
