//! Why a document could not be made.

/// Everything that can go wrong turning content into a PDF.
///
/// Odd content (empty names, huge amounts, no holdings) is not an error: it renders.
/// These are the cases where rendering would print something other than the record.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// An uploaded image was refused; the text is a reason a person can act on.
    #[error("image refused: {0}")]
    Image(String),
    /// The content names an image (by SHA-256) that was not supplied.
    #[error("image {0} is referenced but was not supplied")]
    MissingImage(String),
    /// The record was issued with a layout this build cannot reproduce.
    #[error("certificate layout {0} is not supported")]
    UnsupportedLayout(u32),
    /// The embedded fonts could not be read; a build problem, not bad input.
    #[error("embedded font could not be loaded: {0}")]
    Font(String),
    /// The finished document could not be written.
    #[error("PDF could not be written: {0}")]
    Pdf(String),
}
