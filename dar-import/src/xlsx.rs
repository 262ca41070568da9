//! Rows of the first worksheet of an XLSX workbook, as the same text rows a CSV gives: a
//! value is written the way a Belgian would type it (1250,5; 31/12/2025), so one set of
//! readers ([`dar_core::typed`]) serves both. A merged title above the header is its
//! top-left cell only, which [`crate::columns::header_row`] passes over.

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

use crate::table::{Row, TableError};

fn refused(message: String) -> TableError {
    TableError { line: 0, message }
}

/// The non-empty rows of the first worksheet, each with its row number in the sheet.
pub fn rows(bytes: &[u8]) -> Result<Vec<Row>, TableError> {
    rows_within(bytes, dar_ocf::read::MAX_UNPACKED)
}

fn rows_within(bytes: &[u8], limit: u64) -> Result<Vec<Row>, TableError> {
    // A workbook is a ZIP: what its parts say they unpack to is checked before any is
    // read, so a small upload cannot unpack to gigabytes.
    if let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        // The sizes of the central directory, which a streamed archive (ours) has too.
        let unpacked: u64 = (0..zip.len())
            .filter_map(|i| zip.by_index_raw(i).ok().map(|f| f.size()))
            .fold(0u64, u64::saturating_add);
        if unpacked > limit {
            return Err(refused(format!(
                "the workbook unpacks to more than {} MiB, more than an import takes",
                limit / (1024 * 1024)
            )));
        }
    }
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| refused(format!("not an XLSX workbook: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| refused("the workbook has no worksheet".into()))?
        .map_err(|e| refused(format!("the first worksheet cannot be read: {e}")))?;
    let first = range.start().map_or(0, |(row, _)| row);
    Ok(range
        .rows()
        .enumerate()
        .filter_map(|(i, cells)| {
            let cells: Vec<String> = cells.iter().map(text).collect();
            (!cells.iter().all(String::is_empty)).then(|| Row {
                line: u64::from(first) + i as u64 + 1,
                cells,
            })
        })
        .collect())
}

/// A cell as typed in Belgium. A number that is a whole number of cents (what a sum of
/// amounts in binary floating point is, give or take 10⁻⁹) is written with its cents, so
/// 0.1 + 0.2 reads as 0,30 and not as 0,30000000000000004.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) => {
            let cents = (f * 100.0).round();
            if (f * 100.0 - cents).abs() < 1e-6 && cents.abs() < 9e15 {
                let cents = cents as i64;
                let (sign, abs) = (if cents < 0 { "-" } else { "" }, cents.unsigned_abs());
                match abs % 100 {
                    0 => format!("{sign}{}", abs / 100),
                    c => format!("{sign}{},{c:02}", abs / 100),
                }
            } else {
                f.to_string().replace('.', ",")
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e}"),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::columns::{Field, header_row, recognise};

    /// An XLSX as Excel writes one: a title merged over four columns, a date and amounts
    /// as numbers (one of them a float sum), names as shared strings.
    fn workbook() -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        let rels = "http://schemas.openxmlformats.org/package/2006/relationships";
        let doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let parts = [
            ("[Content_Types].xml", r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#.to_string()),
            ("_rels/.rels", format!(r#"<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{doc}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)),
            ("xl/workbook.xml", format!(r#"<workbook xmlns="{main}" xmlns:r="{doc}"><sheets><sheet name="Leden" sheetId="1" r:id="rId1"/></sheets></workbook>"#)),
            ("xl/_rels/workbook.xml.rels", format!(r#"<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{doc}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{doc}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="{doc}/styles" Target="styles.xml"/></Relationships>"#)),
            ("xl/styles.xml", format!(r#"<styleSheet xmlns="{main}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#)),
            ("xl/sharedStrings.xml", format!(r#"<sst xmlns="{main}" count="6" uniqueCount="6"><si><t>Ledenregister Coöperatie De Korenbloem</t></si><si><t>Nr</t></si><si><t>Naam</t></si><si><t>Toetreding</t></si><si><t>Volstort</t></si><si><t>Hélène Peeters</t></si></sst>"#)),
            ("xl/worksheets/sheet1.xml", format!(concat!(
                r#"<worksheet xmlns="{}"><sheetData>"#,
                r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
                r#"<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" t="s"><v>2</v></c><c r="C3" t="s"><v>3</v></c><c r="D3" t="s"><v>4</v></c></row>"#,
                r#"<row r="4"><c r="A4"><v>1</v></c><c r="B4" t="s"><v>5</v></c><c r="C4" s="1"><v>45658</v></c><c r="D4"><v>0.30000000000000004</v></c></row>"#,
                r#"<row r="5"><c r="A5"><v>2</v></c><c r="B5" t="inlineStr"><is><t>Aerts</t></is></c><c r="C5" s="1"><v>45689</v></c><c r="D5"><v>1250.5</v></c></row>"#,
                r#"</sheetData><mergeCells count="1"><mergeCell ref="A1:D1"/></mergeCells></worksheet>"#), main)),
        ];
        for (name, body) in parts {
            zip.start_file(name, options).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_whose_parts_unpack_beyond_the_limit_is_refused_unread() {
        let book = workbook();
        let Err(e) = rows_within(&book, 100) else {
            panic!("a workbook of more than 100 unpacked bytes was read")
        };
        assert!(e.message.contains("unpacks to more than"), "{}", e.message);
        assert!(rows_within(&book, 1 << 20).is_ok());
    }

    #[test]
    fn a_workbook_with_a_merged_title_reads_as_rows_typed_the_belgian_way() {
        let read = rows(&workbook()).unwrap();
        let header = header_row(read.iter().map(|r| r.cells.as_slice())).unwrap();
        assert_eq!(read[header].line, 3);
        assert_eq!(
            recognise(&read[header].cells),
            [
                Field::RegisterNumber,
                Field::LastName,
                Field::AdmissionDate,
                Field::PaidUp
            ]
            .map(Some)
        );
        assert_eq!(
            read[header + 1].cells,
            ["1", "Hélène Peeters", "01/01/2025", "0,30"]
        );
        assert_eq!(
            read[header + 2].cells,
            ["2", "Aerts", "01/02/2025", "1250,50"]
        );
        assert_eq!(read[header + 2].line, 5);
    }

    #[test]
    fn bytes_that_are_no_workbook_are_refused_with_a_reason() {
        let refused = rows(b"nr;naam\n1;Peeters\n").unwrap_err();
        assert!(
            refused.message.starts_with("not an XLSX workbook"),
            "{refused}"
        );
    }
}
