//! Tables for spreadsheets and bookkeeping imports: CSV in two dialects, and XLSX. Rows are
//! written as they come, so a table of any length is streamed in flat memory.
//!
//! - [`CsvDialect::Excel`]: what Excel in a Belgian locale opens without an import wizard:
//!   UTF-8 with a byte order mark, `;` between fields, decimal comma, dates as dd/mm/yyyy.
//!   A text that Excel would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or
//!   a carriage return) gets a leading `'`, as OWASP advises against CSV injection.
//! - [`CsvDialect::Rfc4180`]: for programs: `,`, decimal point, ISO 8601 dates, no byte
//!   order mark, every text as it is.
//! - XLSX: one worksheet, the header row frozen and bold, amounts as numbers in a `#,##0.00`
//!   format, dates as dates. Texts are inline strings, so nothing is kept for the end.
//!
//! Both CSV dialects end lines with CRLF and quote a field that holds the separator, a
//! quote or a line break (RFC 4180).

use std::io::{self, Write};

use chrono::NaiveDate;

/// One field of a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell<'a> {
    Text(&'a str),
    Int(i64),
    /// An amount in euro cents, shown as euros with two decimals.
    Cents(i64),
    Date(NaiveDate),
    Empty,
}

impl<'a> From<Option<&'a str>> for Cell<'a> {
    fn from(text: Option<&'a str>) -> Self {
        text.map_or(Cell::Empty, Cell::Text)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvDialect {
    Excel,
    Rfc4180,
}

impl CsvDialect {
    pub const ALL: &'static [CsvDialect] = &[CsvDialect::Excel, CsvDialect::Rfc4180];

    /// The name a request gives the dialect by.
    pub fn as_str(self) -> &'static str {
        match self {
            CsvDialect::Excel => "excel",
            CsvDialect::Rfc4180 => "rfc4180",
        }
    }

    /// `excel` or `rfc4180`.
    pub fn parse(text: &str) -> Option<Self> {
        CsvDialect::ALL.iter().copied().find(|d| d.as_str() == text)
    }

    fn separator(self) -> char {
        match self {
            CsvDialect::Excel => ';',
            CsvDialect::Rfc4180 => ',',
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv(CsvDialect),
    Xlsx,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv(_) => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv(_) => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// A table being written to `W`.
pub struct Table<W: Write> {
    inner: Inner<W>,
    columns: usize,
}

enum Inner<W: Write> {
    Csv {
        out: W,
        dialect: CsvDialect,
        line: String,
    },
    Xlsx {
        zip: Box<zip::ZipWriter<zip::write::StreamWriter<W>>>,
        rows: u32,
        line: String,
    },
}

impl<W: Write> Table<W> {
    /// Starts a table with its header row. `sheet` names the XLSX worksheet (at most 31
    /// characters, none of `[]:*?/\`).
    pub fn start(out: W, format: Format, sheet: &str, header: &[&str]) -> io::Result<Self> {
        let inner = match format {
            Format::Csv(dialect) => {
                let mut out = out;
                if dialect == CsvDialect::Excel {
                    out.write_all("\u{feff}".as_bytes())?;
                }
                Inner::Csv {
                    out,
                    dialect,
                    line: String::new(),
                }
            }
            Format::Xlsx => Inner::Xlsx {
                zip: Box::new(xlsx::start(out, sheet)?),
                rows: 0,
                line: String::new(),
            },
        };
        let mut table = Table {
            inner,
            columns: header.len(),
        };
        let cells: Vec<Cell> = header.iter().map(|h| Cell::Text(h)).collect();
        table.write(&cells, true)?;
        Ok(table)
    }

    /// Writes one row; it must have as many cells as the header.
    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        if cells.len() != self.columns {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "a row of {} cells in a table of {}",
                    cells.len(),
                    self.columns
                ),
            ));
        }
        self.write(cells, false)
    }

    fn write(&mut self, cells: &[Cell], header: bool) -> io::Result<()> {
        match &mut self.inner {
            Inner::Csv { out, dialect, line } => {
                line.clear();
                for (i, cell) in cells.iter().enumerate() {
                    if i > 0 {
                        line.push(dialect.separator());
                    }
                    csv_field(line, *dialect, cell);
                }
                line.push_str("\r\n");
                out.write_all(line.as_bytes())
            }
            Inner::Xlsx { zip, rows, line } => {
                *rows += 1;
                line.clear();
                xlsx::row(line, *rows, cells, header);
                zip.write_all(line.as_bytes())
            }
        }
    }

    /// Ends the table and hands back the writer, flushed.
    pub fn finish(self) -> io::Result<W> {
        match self.inner {
            Inner::Csv { mut out, .. } => {
                out.flush()?;
                Ok(out)
            }
            Inner::Xlsx { zip, .. } => xlsx::finish(*zip),
        }
    }
}

fn csv_field(line: &mut String, dialect: CsvDialect, cell: &Cell) {
    use std::fmt::Write as _;
    match (cell, dialect) {
        (Cell::Empty, _) => {}
        (Cell::Int(n), _) => {
            let _ = write!(line, "{n}");
        }
        (Cell::Cents(c), CsvDialect::Excel) => line.push_str(&euros(*c).replace('.', ",")),
        (Cell::Cents(c), CsvDialect::Rfc4180) => line.push_str(&euros(*c)),
        (Cell::Date(d), CsvDialect::Excel) => {
            let _ = write!(line, "{}", d.format("%d/%m/%Y"));
        }
        (Cell::Date(d), CsvDialect::Rfc4180) => {
            let _ = write!(line, "{}", d.format("%Y-%m-%d"));
        }
        (Cell::Text(t), _) => {
            let neutralise =
                dialect == CsvDialect::Excel && t.starts_with(['=', '+', '-', '@', '\t', '\r']);
            let quote = neutralise
                || t.contains([dialect.separator(), '"', '\r', '\n'])
                || t.starts_with(' ')
                || t.ends_with(' ');
            if quote {
                line.push('"');
            }
            if neutralise {
                line.push('\'');
            }
            line.push_str(&t.replace('"', "\"\""));
            if quote {
                line.push('"');
            }
        }
    }
}

/// `-1234.05` for -123405 cents: exact, never through a float.
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

mod xlsx {
    use std::io::{self, Write};

    use chrono::NaiveDate;
    use zip::write::{SimpleFileOptions, StreamWriter};

    use super::{Cell, euros};

    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    const DOC_RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

    /// Cell styles, by their index in `cellXfs` below.
    const DATE_STYLE: u8 = 1;
    const MONEY_STYLE: u8 = 2;
    const HEADER_STYLE: u8 = 3;

    fn options() -> SimpleFileOptions {
        SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false)
    }

    pub fn start<W: Write>(out: W, sheet: &str) -> io::Result<zip::ZipWriter<StreamWriter<W>>> {
        let mut zip = zip::ZipWriter::new_stream(out);
        let mut part = |name: &str, body: String| -> io::Result<()> {
            zip.start_file(name, options()).map_err(io::Error::other)?;
            zip.write_all(DECLARATION.as_bytes())?;
            zip.write_all(body.as_bytes())
        };
        part(
            "[Content_Types].xml",
            concat!(
                r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
                r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
                r#"<Default Extension="xml" ContentType="application/xml"/>"#,
                r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
                r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
                r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
                "</Types>"
            )
            .to_string(),
        )?;
        part(
            "_rels/.rels",
            format!(
                r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        )?;
        let name: String = sheet
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        let mut escaped = String::new();
        text(&mut escaped, &name);
        part(
            "xl/workbook.xml",
            format!(
                r#"<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets><sheet name="{escaped}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        )?;
        part(
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{DOC_RELS}/styles" Target="styles.xml"/></Relationships>"#
            ),
        )?;
        part(
            "xl/styles.xml",
            format!(
                concat!(
                    r#"<styleSheet xmlns="{}">"#,
                    r##"<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00"/></numFmts>"##,
                    r#"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#,
                    r#"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#,
                    r#"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#,
                    r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
                    r#"<cellXfs count="4">"#,
                    r#"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#,
                    r#"<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#,
                    r#"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#,
                    r#"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#,
                    r#"</cellXfs>"#,
                    r#"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#,
                    "</styleSheet>"
                ),
                MAIN
            ),
        )?;
        zip.start_file("xl/worksheets/sheet1.xml", options())
            .map_err(io::Error::other)?;
        zip.write_all(DECLARATION.as_bytes())?;
        write!(
            zip,
            r#"<worksheet xmlns="{MAIN}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>"#
        )?;
        Ok(zip)
    }

    pub fn row(line: &mut String, number: u32, cells: &[Cell], header: bool) {
        use std::fmt::Write as _;
        let _ = write!(line, r#"<row r="{number}">"#);
        for (i, cell) in cells.iter().enumerate() {
            let at = format!("{}{number}", column(i));
            match cell {
                Cell::Empty => {}
                Cell::Text(t) => {
                    let style = if header {
                        format!(r#" s="{HEADER_STYLE}""#)
                    } else {
                        String::new()
                    };
                    let _ = write!(
                        line,
                        r#"<c r="{at}"{style} t="inlineStr"><is><t xml:space="preserve">"#
                    );
                    text(line, t);
                    line.push_str("</t></is></c>");
                }
                Cell::Int(n) => {
                    let _ = write!(line, r#"<c r="{at}"><v>{n}</v></c>"#);
                }
                Cell::Cents(c) => {
                    let _ = write!(
                        line,
                        r#"<c r="{at}" s="{MONEY_STYLE}"><v>{}</v></c>"#,
                        euros(*c)
                    );
                }
                Cell::Date(d) => {
                    let _ = write!(
                        line,
                        r#"<c r="{at}" s="{DATE_STYLE}"><v>{}</v></c>"#,
                        serial(*d)
                    );
                }
            }
        }
        line.push_str("</row>");
    }

    pub fn finish<W: Write>(mut zip: zip::ZipWriter<StreamWriter<W>>) -> io::Result<W> {
        zip.write_all(b"</sheetData></worksheet>")?;
        let mut out = zip.finish().map_err(io::Error::other)?.into_inner();
        out.flush()?;
        Ok(out)
    }

    /// A, B, … Z, AA, AB, …
    fn column(index: usize) -> String {
        let mut n = index + 1;
        let mut letters = Vec::new();
        while n > 0 {
            let rem = (n - 1) % 26;
            letters.push(b'A' + rem as u8);
            n = (n - 1) / 26;
        }
        letters.reverse();
        String::from_utf8(letters).expect("ASCII letters")
    }

    /// Days since 30 December 1899, the spreadsheet epoch.
    fn serial(date: NaiveDate) -> i64 {
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("a valid date");
        (date - epoch).num_days()
    }

    /// XML text: escaped, and without the control characters XML 1.0 cannot carry.
    fn text(out: &mut String, t: &str) {
        for c in t.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\t' | '\n' | '\r' => out.push(c),
                c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
                c => out.push(c),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn columns_are_lettered_as_spreadsheets_do() {
            assert_eq!(column(0), "A");
            assert_eq!(column(25), "Z");
            assert_eq!(column(26), "AA");
            assert_eq!(column(701), "ZZ");
            assert_eq!(column(702), "AAA");
        }

        #[test]
        fn dates_count_days_from_the_spreadsheet_epoch() {
            assert_eq!(serial(NaiveDate::from_ymd_opt(1900, 3, 1).unwrap()), 61);
            assert_eq!(serial(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()), 45658);
        }

        #[test]
        fn text_is_escaped_and_loses_characters_xml_cannot_carry() {
            let mut out = String::new();
            text(&mut out, "a<b>&\"c\"\u{1}\u{7}d\te");
            assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&quot;d\te");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(dialect: CsvDialect, rows: &[&[Cell]]) -> String {
        let mut table = Table::start(Vec::new(), Format::Csv(dialect), "t", &["a", "b"]).unwrap();
        for row in rows {
            table.row(row).unwrap();
        }
        String::from_utf8(table.finish().unwrap()).unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_excel_dialect_has_a_byte_order_mark_semicolons_and_decimal_commas() {
        let out = csv(
            CsvDialect::Excel,
            &[&[Cell::Cents(125_000), Cell::Date(date("2025-03-01"))]],
        );
        assert_eq!(out, "\u{feff}a;b\r\n1250,00;01/03/2025\r\n");
    }

    #[test]
    fn the_rfc4180_dialect_has_commas_decimal_points_and_iso_dates() {
        let out = csv(
            CsvDialect::Rfc4180,
            &[&[Cell::Cents(-5), Cell::Date(date("2025-03-01"))]],
        );
        assert_eq!(out, "a,b\r\n-0.05,2025-03-01\r\n");
    }

    #[test]
    fn fields_with_separators_quotes_or_line_breaks_are_quoted() {
        let out = csv(
            CsvDialect::Rfc4180,
            &[&[Cell::Text("Peeters, \"Jan\""), Cell::Text("line\nbreak")]],
        );
        assert_eq!(out, "a,b\r\n\"Peeters, \"\"Jan\"\"\",\"line\nbreak\"\r\n");
        let out = csv(
            CsvDialect::Excel,
            &[&[Cell::Text("a;b"), Cell::Text("a,b")]],
        );
        assert_eq!(out, "\u{feff}a;b\r\n\"a;b\";a,b\r\n");
    }

    #[test]
    fn a_text_excel_would_run_as_a_formula_is_neutralised_in_the_excel_dialect_only() {
        let row: &[Cell] = &[Cell::Text("=HYPERLINK(\"x\")"), Cell::Text("+32 470")];
        assert_eq!(
            csv(CsvDialect::Excel, &[row]),
            "\u{feff}a;b\r\n\"'=HYPERLINK(\"\"x\"\")\";\"'+32 470\"\r\n"
        );
        assert_eq!(
            csv(CsvDialect::Rfc4180, &[row]),
            "a,b\r\n\"=HYPERLINK(\"\"x\"\")\",+32 470\r\n"
        );
    }

    #[test]
    fn empty_cells_stay_empty_and_a_row_of_the_wrong_width_is_refused() {
        assert_eq!(
            csv(CsvDialect::Rfc4180, &[&[Cell::Empty, Cell::Int(7)]]),
            "a,b\r\n,7\r\n"
        );
        let mut table =
            Table::start(Vec::new(), Format::Csv(CsvDialect::Excel), "t", &["a"]).unwrap();
        assert!(table.row(&[Cell::Int(1), Cell::Int(2)]).is_err());
    }

    #[test]
    fn amounts_are_exact_to_the_cent() {
        assert_eq!(euros(0), "0.00");
        assert_eq!(euros(1), "0.01");
        assert_eq!(euros(-100), "-1.00");
        assert_eq!(euros(i64::MIN), "-92233720368547758.08");
    }

    #[test]
    fn an_xlsx_table_is_a_zip_with_the_parts_a_spreadsheet_needs() {
        let mut table =
            Table::start(Vec::new(), Format::Xlsx, "Register", &["name", "paid"]).unwrap();
        table
            .row(&[Cell::Text("Ada & co"), Cell::Cents(2550)])
            .unwrap();
        let bytes = table.finish().unwrap();
        assert_eq!(&bytes[..2], b"PK");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut names: Vec<String> = archive
            .file_names()
            .map(|n| n.unwrap().to_string())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "[Content_Types].xml",
                "_rels/.rels",
                "xl/_rels/workbook.xml.rels",
                "xl/styles.xml",
                "xl/workbook.xml",
                "xl/worksheets/sheet1.xml"
            ]
        );
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut sheet,
        )
        .unwrap();
        assert!(sheet.contains(r#"<c r="A2" t="inlineStr"><is><t xml:space="preserve">Ada &amp; co</t></is></c><c r="B2" s="2"><v>25.50</v></c>"#), "{sheet}");
    }
}
