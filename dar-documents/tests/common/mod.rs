//! Helpers for the tests: fixtures, and running the poppler/qpdf tools on a PDF.

#![allow(dead_code)]

pub mod fixtures;

use std::path::PathBuf;
use std::process::Command;

/// Writes `pdf` to a fresh file under the target directory and returns its path.
pub fn write_pdf(name: &str, pdf: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dar-documents");
    std::fs::create_dir_all(&dir).expect("create test output directory");
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).expect("write PDF");
    path
}

/// Runs an external tool, failing the test with an install hint when it is missing.
pub fn tool(program: &str, args: &[&str]) -> std::process::Output {
    match Command::new(program).args(args).output() {
        Ok(output) => output,
        Err(e) => panic!(
            "could not run `{program}` ({e}); these tests need poppler-utils and qpdf \
             installed (e.g. `apt-get install poppler-utils qpdf`)"
        ),
    }
}

pub fn tool_ok(program: &str, args: &[&str]) -> String {
    let out = tool(program, args);
    assert!(
        out.status.success(),
        "`{program} {}` failed: {}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of the whole document, laid out as on the page.
pub fn text(path: &std::path::Path) -> String {
    tool_ok("pdftotext", &["-layout", path_str(path), "-"])
}

/// The text of each page separately.
pub fn page_texts(path: &std::path::Path) -> Vec<String> {
    text(path)
        .split('\u{c}')
        .map(str::to_string)
        .filter(|p| !p.trim().is_empty())
        .collect()
}

pub fn path_str(path: &std::path::Path) -> &str {
    path.to_str().expect("UTF-8 path")
}
