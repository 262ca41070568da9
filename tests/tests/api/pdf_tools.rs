//! Real PDF tools (poppler-utils, qpdf) run on the service's documents, so a test checks
//! what a reader of the PDF would see, not what our code believes it wrote. A missing tool
//! fails the test: `.ci/run` installs them.

use std::path::PathBuf;
use std::process::Command;

/// A PDF written to a temporary file for the tools, removed when dropped.
pub struct PdfFile {
    path: PathBuf,
}

impl PdfFile {
    pub fn new(bytes: &[u8]) -> PdfFile {
        assert!(
            bytes.starts_with(b"%PDF-"),
            "not a PDF: {:?}",
            &bytes[..bytes.len().min(16)]
        );
        let path = std::env::temp_dir().join(format!("dar-test-{}.pdf", uuid::Uuid::now_v7()));
        std::fs::write(&path, bytes).expect("writing the PDF");
        PdfFile { path }
    }

    fn run(&self, tool: &str, args: &[&str]) -> std::process::Output {
        Command::new(tool).args(args).output().unwrap_or_else(|e| {
            panic!("{tool} could not run ({e}); install poppler-utils and qpdf (bash .ci/run does)")
        })
    }

    fn path(&self) -> &str {
        self.path.to_str().expect("utf-8 temp path")
    }

    /// The text as `pdftotext -layout` extracts it; pages separated by form feeds.
    pub fn text(&self) -> String {
        let out = self.run("pdftotext", &["-layout", "-enc", "UTF-8", self.path(), "-"]);
        assert!(
            out.status.success(),
            "pdftotext: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("pdftotext gives UTF-8")
    }

    /// Panics unless `qpdf --check` finds the file structurally sound.
    pub fn assert_sound(&self) {
        let out = self.run("qpdf", &["--check", self.path()]);
        assert!(
            out.status.success(),
            "qpdf --check: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The share of dark pixels on page 1 rendered in grey at 40 dpi.
    pub fn ink_on_first_page(&self) -> f64 {
        let out = self.run(
            "pdftoppm",
            &["-gray", "-r", "40", "-f", "1", "-l", "1", self.path()],
        );
        assert!(
            out.status.success(),
            "pdftoppm: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pixels = pgm_pixels(&out.stdout);
        let dark = pixels.iter().filter(|&&p| p < 128).count();
        dark as f64 / pixels.len().max(1) as f64
    }

    /// What the QR code on page 1 says, read back by `zbarimg` (zbar-tools) from the page
    /// rendered at 200 dpi, as a phone's camera would see it.
    pub fn qr_code(&self) -> String {
        let prefix = format!("{}-page", self.path());
        let out = self.run(
            "pdftoppm",
            &[
                "-png",
                "-r",
                "200",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                self.path(),
                &prefix,
            ],
        );
        assert!(
            out.status.success(),
            "pdftoppm: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let png = format!("{prefix}.png");
        let out = Command::new("zbarimg")
            .args(["--quiet", "--raw", "-Sbinary", &png])
            .output()
            .unwrap_or_else(|e| {
                panic!("zbarimg could not run ({e}); install zbar-tools (bash .ci/run does)")
            });
        let _ = std::fs::remove_file(&png);
        assert!(
            out.status.success(),
            "zbarimg found no code: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("a UTF-8 code")
    }

    /// `pdffonts` lines of the embedded fonts: (name, embedded, subset).
    pub fn fonts(&self) -> Vec<(String, bool, bool)> {
        let out = self.run("pdffonts", &[self.path()]);
        assert!(
            out.status.success(),
            "pdffonts: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .skip(2)
            .filter_map(|line| {
                let cols: Vec<&str> = line.split_whitespace().collect();
                // name, type words…, encoding, emb, sub, uni, object, id
                let n = cols.len();
                (n >= 7).then(|| {
                    (
                        cols[0].to_string(),
                        cols[n - 5] == "yes",
                        cols[n - 4] == "yes",
                    )
                })
            })
            .collect()
    }

    /// How many images `pdfimages -list` finds.
    pub fn image_count(&self) -> usize {
        let out = self.run("pdfimages", &["-list", self.path()]);
        assert!(
            out.status.success(),
            "pdfimages: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).lines().skip(2).count()
    }
}

impl Drop for PdfFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The pixel bytes of a binary PGM (P5) image.
fn pgm_pixels(pgm: &[u8]) -> Vec<u8> {
    // Header: "P5", width, height, maxval, each separated by whitespace, then one byte.
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 && i < pgm.len() {
        while i < pgm.len() && pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        while i < pgm.len() && !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    pgm.get(i + 1..).unwrap_or_default().to_vec()
}

/// Text with runs of whitespace collapsed, so a phrase matches however columns were laid out.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
