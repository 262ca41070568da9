//! The text policy of the whole register: what a string sent by a client may contain.
//!
//! One policy, applied at the edge to every string of every request (JSON bodies, query
//! parameters, path segments), so that both databases store the same thing and nothing
//! downstream has to care: PostgreSQL refuses NUL in `text` outright (a 500 if it reaches
//! the database) while SQLite stores it, and bidi overrides or zero-width characters make
//! a name in the register read differently from what it is.
//!
//! - No control characters (C0, DEL, C1); tab and line breaks only in multi-line text,
//!   where a carriage return is folded into the line feed.
//! - No bidi embedding, override or isolate characters (U+202A–U+202E, U+2066–U+2069).
//! - No noncharacters or lone surrogates (JSON can spell `\ud800`; serde turns it into
//!   U+FFFD, which we refuse too since it means the text was already damaged).
//! - Unicode NFC: "é" typed as one character or as "e" + combining accent is the same name
//!   and must sort and search the same.
//!
//! Names are stricter ([`name`]): not empty and not made only of whitespace or invisible
//! characters.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Why a piece of text is refused. Messages speak to the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not contain control characters (such as NUL or escape codes)")]
    Control,
    #[error("must be a single line (no tabs or line breaks)")]
    LineBreak,
    #[error("must not contain text-direction override characters")]
    Bidi,
    #[error("must not contain damaged or reserved characters (such as U+FFFD)")]
    Noncharacter,
    #[error("must not be empty")]
    Empty,
    #[error("must contain visible letters or digits, not only spaces or invisible characters")]
    Invisible,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
}

/// Whether line breaks and tabs are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    Single,
    Multi,
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_noncharacter(c: char) -> bool {
    let n = c as u32;
    c == '\u{FFFD}' || (0xFDD0..=0xFDEF).contains(&n) || (n & 0xFFFE) == 0xFFFE
}

/// Characters that take no room on the page: a name made only of these is no name.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2060}'..='\u{2064}'
                | '\u{206A}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
        )
}

/// Checks `s` against the policy and returns it in NFC (with `\r\n` and `\r` folded into
/// `\n` in multi-line text). Errors name the first rule broken.
pub fn clean(s: &str, lines: Lines) -> Result<String, TextError> {
    let source: Cow<'_, str> = if lines == Lines::Multi && s.contains('\r') {
        Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(s)
    };
    for c in source.chars() {
        match c {
            '\t' | '\n' if lines == Lines::Multi => {}
            '\t' | '\n' | '\r' => return Err(TextError::LineBreak),
            c if c.is_control() => return Err(TextError::Control),
            c if is_bidi_control(c) => return Err(TextError::Bidi),
            c if is_noncharacter(c) => return Err(TextError::Noncharacter),
            _ => {}
        }
    }
    Ok(source.nfc().collect())
}

/// Whether `s` passes the policy as it is (already NFC, nothing to fold).
pub fn is_clean(s: &str, lines: Lines) -> bool {
    clean(s, lines).is_ok_and(|c| c == s)
}

/// A name (of a person, a company, a class, a signatory): one line, trimmed, not empty,
/// something visible in it, at most `max` characters.
pub fn name(s: &str, max: usize) -> Result<String, TextError> {
    let cleaned = clean(s, Lines::Single)?;
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        return Err(TextError::Empty);
    }
    if trimmed.chars().all(is_invisible) {
        return Err(TextError::Invisible);
    }
    if trimmed.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    Ok(trimmed.to_string())
}

/// Optional free text: trimmed, `None` when nothing visible is left.
pub fn optional(s: &str, lines: Lines, max: usize) -> Result<Option<String>, TextError> {
    let cleaned = clean(s, lines)?;
    let trimmed = cleaned.trim();
    if trimmed.chars().all(is_invisible) {
        return Ok(None);
    }
    if trimmed.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    Ok(Some(trimmed.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_refused_everywhere() {
        assert_eq!(clean("a\0b", Lines::Single), Err(TextError::Control));
        assert_eq!(clean("a\0b", Lines::Multi), Err(TextError::Control));
    }

    #[test]
    fn c1_controls_and_delete_are_refused() {
        assert_eq!(clean("a\u{85}b", Lines::Multi), Err(TextError::Control));
        assert_eq!(clean("a\u{7f}b", Lines::Multi), Err(TextError::Control));
        assert_eq!(clean("a\u{1b}[31m", Lines::Multi), Err(TextError::Control));
    }

    #[test]
    fn line_breaks_only_in_multi_line_text() {
        assert_eq!(clean("a\nb", Lines::Single), Err(TextError::LineBreak));
        assert_eq!(clean("a\tb", Lines::Single), Err(TextError::LineBreak));
        assert_eq!(clean("a\r\nb\rc", Lines::Multi).unwrap(), "a\nb\nc");
    }

    #[test]
    fn bidi_overrides_are_refused() {
        for c in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            assert_eq!(
                clean(&format!("Jan{c}ssens"), Lines::Single),
                Err(TextError::Bidi)
            );
        }
    }

    #[test]
    fn replacement_and_noncharacters_are_refused() {
        assert_eq!(
            clean("a\u{FFFD}", Lines::Single),
            Err(TextError::Noncharacter)
        );
        assert_eq!(
            clean("a\u{FFFF}", Lines::Single),
            Err(TextError::Noncharacter)
        );
        assert_eq!(
            clean("a\u{FDD0}", Lines::Single),
            Err(TextError::Noncharacter)
        );
    }

    #[test]
    fn text_is_normalized_to_nfc() {
        let decomposed = "Franc\u{0327}oise";
        assert_eq!(clean(decomposed, Lines::Single).unwrap(), "Françoise");
        assert!(!is_clean(decomposed, Lines::Single));
        assert!(is_clean("Françoise Łódź 東京", Lines::Single));
    }

    #[test]
    fn a_name_must_have_something_visible() {
        assert_eq!(name("   ", 10), Err(TextError::Empty));
        assert_eq!(name("\u{200B}\u{FEFF}", 10), Err(TextError::Invisible));
        assert_eq!(name(" \u{00A0}\u{3000} ", 10), Err(TextError::Empty));
        assert_eq!(name("  Anna ", 10).unwrap(), "Anna");
        assert_eq!(name("Annabella", 5), Err(TextError::TooLong { max: 5 }));
    }

    #[test]
    fn optional_text_that_is_blank_is_absent() {
        assert_eq!(optional("  \u{200B} ", Lines::Multi, 10), Ok(None));
        assert_eq!(
            optional(" ok\n", Lines::Multi, 10),
            Ok(Some("ok".to_string()))
        );
    }
}
