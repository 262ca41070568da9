//! The uploaded bytes as text.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How a file was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 preceded by a byte order mark, as Excel saves "CSV UTF-8".
    Utf8WithBom,
    /// UTF-16 with its byte order mark, as Excel saves "Unicode text".
    Utf16,
    /// Not UTF-8: Excel's "CSV" on a Belgian Windows, where é is one byte (0xE9).
    Windows1252,
}

impl TextEncoding {
    /// Its name, as a report shows it.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8WithBom => "utf-8 with byte order mark",
            TextEncoding::Utf16 => "utf-16",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }
}

/// [`decode`], keeping the bytes as the text when they are UTF-8 already: a large
/// register is then not held twice.
pub fn decode_owned(mut bytes: Vec<u8>) -> (String, TextEncoding) {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    let read = if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
        TextEncoding::Utf8WithBom
    } else if Encoding::for_bom(&bytes).is_some() {
        return decode(&bytes);
    } else {
        TextEncoding::Utf8
    };
    match String::from_utf8(bytes) {
        Ok(text) => (text, read),
        // Not UTF-8 after all (a mark is no proof): as `decode` reads it.
        Err(e) => {
            let mut bytes = e.into_bytes();
            if read == TextEncoding::Utf8WithBom {
                bytes.splice(..0, BOM.iter().copied());
            }
            decode(&bytes)
        }
    }
}

/// Reads `bytes` as text. A byte order mark decides; otherwise UTF-8 when the bytes are
/// valid UTF-8, and Windows-1252 when they are not (every byte sequence is valid
/// Windows-1252, so this never fails, and a Latin-1 file reads the same).
pub fn decode(bytes: &[u8]) -> (String, TextEncoding) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let read = if encoding == UTF_8 {
            TextEncoding::Utf8WithBom
        } else if encoding == UTF_16LE || encoding == UTF_16BE {
            TextEncoding::Utf16
        } else {
            TextEncoding::Utf8
        };
        return (text.into_owned(), read);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), TextEncoding::Utf8),
        Err(_) => {
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), TextEncoding::Windows1252)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_a_byte_order_mark_reads_the_same() {
        assert_eq!(
            decode("Hélène".as_bytes()),
            ("Hélène".into(), TextEncoding::Utf8)
        );
        assert_eq!(
            decode(b"\xef\xbb\xbfH\xc3\xa9l\xc3\xa8ne"),
            ("Hélène".into(), TextEncoding::Utf8WithBom)
        );
    }

    #[test]
    fn owned_bytes_read_as_the_borrowed_ones_do() {
        for bytes in [
            "Hélène".as_bytes().to_vec(),
            b"\xef\xbb\xbfH\xc3\xa9l\xc3\xa8ne".to_vec(),
            b"\xef\xbb\xbfH\xe9l\xe8ne".to_vec(),
            b"H\xe9l\xe8ne;\x80 5".to_vec(),
            vec![0xff, 0xfe, b'A', 0],
        ] {
            assert_eq!(decode_owned(bytes.clone()), decode(&bytes), "{bytes:?}");
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_read_as_windows_1252() {
        // "Hélène;€ 5" saved by Excel on a Belgian Windows.
        assert_eq!(
            decode(b"H\xe9l\xe8ne;\x80 5"),
            ("Hélène;€ 5".into(), TextEncoding::Windows1252)
        );
    }

    #[test]
    fn utf16_with_its_byte_order_mark_is_read() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "Zoë\tA".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes), ("Zoë\tA".into(), TextEncoding::Utf16));
    }
}
