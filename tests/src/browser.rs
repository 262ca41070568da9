//! Browser tests: a small W3C WebDriver client (<https://www.w3.org/TR/webdriver2/>) driving
//! Debian's headless Chromium through `chromedriver`, which each [`Browser`] starts on a free
//! port of its own.
//!
//! Like the PostgreSQL tests, a browser test is skipped with a note when `chromium` or
//! `chromedriver` is not installed, unless `DAR_TEST_REQUIRE_BROWSER=1` (CI sets it): then a
//! missing browser fails the test.
//!
//! At most [`MAX_BROWSERS`] browsers run at once (a browser is heavy on a two-core machine);
//! a test holds one [`Browser`] at a time, dropping it before starting the next.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{Semaphore, SemaphorePermit};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The vendored axe-core release (see `tests/fixtures/axe/README.md`).
pub const AXE_VERSION: &str = "4.14.1";
const AXE_SOURCE: &str = include_str!("../fixtures/axe/axe.min.js");

pub const MAX_BROWSERS: usize = 2;
static BROWSERS: Semaphore = Semaphore::const_new(MAX_BROWSERS);

/// The W3C key under which a web element reference travels.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long `find` waits for an element to appear (pages that render with script, such as
/// the API docs, fill in after the load event).
const IMPLICIT_WAIT: Duration = Duration::from_secs(10);
const COMMAND_TIMEOUT: Duration = Duration::from_secs(90);

/// The size of the browser window, which in headless mode is the page's viewport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
}

impl Viewport {
    pub const DESKTOP: Viewport = Viewport {
        width: 1280,
        height: 900,
    };
    /// A current mid-size phone held upright.
    pub const PHONE: Viewport = Viewport {
        width: 390,
        height: 844,
    };
}

/// A headless Chromium session. Dropping it (also when the test panics) ends the session,
/// stops `chromedriver` and the browser, and deletes the browser profile.
pub struct Browser {
    http: reqwest::Client,
    driver: String,
    session: String,
    process: Child,
    /// Dropped after `Drop::drop` has stopped the browser that uses it.
    profile: Profile,
    pub viewport: Viewport,
    _permit: SemaphorePermit<'static>,
}

/// One element of the current page.
pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

/// An accessibility rule the page breaks, as axe-core reports it.
#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    #[serde(rename = "helpUrl")]
    pub help_url: String,
    pub nodes: Vec<ViolationNode>,
}

#[derive(Debug, Deserialize)]
pub struct ViolationNode {
    pub html: String,
    pub target: Value,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let impact = self.impact.as_deref().unwrap_or("?");
        writeln!(f, "{} ({impact}): {} {}", self.id, self.help, self.help_url)?;
        for node in &self.nodes {
            writeln!(f, "    {} {}", node.target, node.html)?;
        }
        Ok(())
    }
}

/// Whether the browser tests must run (CI) rather than be skipped when no browser is found.
fn required() -> bool {
    std::env::var("DAR_TEST_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

impl Browser {
    /// Starts a headless Chromium with a window of `viewport`; `None` (after a note) when
    /// Chromium or chromedriver is not installed and `DAR_TEST_REQUIRE_BROWSER` is not `1`.
    pub async fn start(viewport: Viewport) -> Option<Browser> {
        let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
            .into_iter()
            .filter(|path| !Path::new(path).is_file())
            .collect();
        if !missing.is_empty() {
            if required() {
                panic!(
                    "DAR_TEST_REQUIRE_BROWSER=1 but {} is missing (apt-get install chromium chromium-driver)",
                    missing.join(" and ")
                );
            }
            eprintln!(
                "skipped: browser test ({} is not installed: apt-get install chromium chromium-driver)",
                missing.join(" and ")
            );
            return None;
        }
        let permit = BROWSERS
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let profile = Profile::new();
        let http = reqwest::Client::builder()
            .timeout(COMMAND_TIMEOUT)
            .build()
            .expect("client");
        let (process, driver) = spawn_driver(&http, &profile.0).await;
        // From here on, Drop cleans up whatever happens next.
        let mut browser = Browser {
            http,
            driver,
            session: String::new(),
            process,
            profile,
            viewport,
            _permit: permit,
        };
        let user_data_dir = browser.profile.0.join("user-data");
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {
                "implicit": IMPLICIT_WAIT.as_millis() as u64,
                "pageLoad": 60_000,
                "script": 60_000,
            },
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    format!("--user-data-dir={}", user_data_dir.display()),
                    format!("--window-size={},{}", viewport.width, viewport.height),
                ],
            },
        }}});
        let created = browser
            .request(
                reqwest::Method::POST,
                format!("{}/session", browser.driver),
                Some(capabilities),
            )
            .await;
        browser.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("WebDriver: no session id in {created}"))
            .to_string();
        browser.fit_viewport().await;
        Some(browser)
    }

    /// `--window-size` sizes the window, which in headless mode still counts some browser
    /// frame: grow the window by the difference so the page's viewport is the one asked for.
    async fn fit_viewport(&self) {
        let inner_size = "return [window.innerWidth, window.innerHeight]";
        let inner = self.execute(inner_size).await;
        let rect = self
            .command(reqwest::Method::GET, "/window/rect", None)
            .await;
        let number = |value: &Value| {
            value
                .as_i64()
                .unwrap_or_else(|| panic!("WebDriver: window {rect}, viewport {inner}"))
        };
        let width = i64::from(self.viewport.width) + number(&rect["width"]) - number(&inner[0]);
        let height = i64::from(self.viewport.height) + number(&rect["height"]) - number(&inner[1]);
        self.command(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        )
        .await;
        assert_eq!(
            self.execute(inner_size).await,
            json!([self.viewport.width, self.viewport.height]),
            "the page's viewport is not the one asked for (window {width}x{height})"
        );
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.command(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    pub async fn current_url(&self) -> String {
        string(self.command(reqwest::Method::GET, "/url", None).await)
    }

    /// The current DOM, serialised.
    pub async fn page_source(&self) -> String {
        string(self.command(reqwest::Method::GET, "/source", None).await)
    }

    /// The first element matching the CSS selector, waiting up to 10 s for one to appear;
    /// panics when there is none.
    pub async fn find(&self, css: &str) -> Element<'_> {
        let found = self
            .command(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        self.element(&found)
    }

    /// Every element matching the CSS selector (waiting up to 10 s while there is none).
    pub async fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        let found = self
            .command(
                reqwest::Method::POST,
                "/elements",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        found
            .as_array()
            .unwrap_or_else(|| panic!("WebDriver: elements are not a list: {found}"))
            .iter()
            .map(|reference| self.element(reference))
            .collect()
    }

    fn element(&self, reference: &Value) -> Element<'_> {
        let id = reference[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("WebDriver: not an element reference: {reference}"));
        Element {
            browser: self,
            id: id.to_string(),
        }
    }

    /// Runs `script` as the body of a function in the page and returns what it returns (a
    /// returned promise is awaited).
    pub async fn execute(&self, script: &str) -> Value {
        self.command(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// Saves what the viewport shows as `<target>/screenshots/<name>.png` and returns the
    /// path; panics when the picture is blank (every pixel the same colour), which is what
    /// a page that failed to render looks like.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let encoded = string(
            self.command(reqwest::Method::GET, "/screenshot", None)
                .await,
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("WebDriver: a screenshot is base64");
        let folder = screenshot_folder();
        std::fs::create_dir_all(&folder).expect("creating the screenshot folder");
        let path = folder.join(format!("{name}.png"));
        std::fs::write(&path, &png).expect("saving the screenshot");
        let picture = Picture::decode(&png);
        assert_eq!(
            (picture.width, picture.height),
            (self.viewport.width, self.viewport.height),
            "screenshot {} is not the size of the viewport",
            path.display()
        );
        assert!(
            !picture.is_blank(),
            "screenshot {} is blank: the page did not render",
            path.display()
        );
        path
    }

    /// Runs axe-core on the current page and returns the violations of impact `serious` or
    /// `critical` (the ones a page must not have).
    pub async fn axe_scan(&self) -> Vec<Violation> {
        self.execute(AXE_SOURCE).await;
        let version = self.execute("return window.axe.version").await;
        assert_eq!(version, json!(AXE_VERSION), "axe-core did not load");
        let violations = self
            .execute(
                "return window.axe.run(document, {resultTypes: ['violations']})\
                 .then(results => results.violations)",
            )
            .await;
        let violations: Vec<Violation> = serde_json::from_value(violations.clone())
            .unwrap_or_else(|e| panic!("axe-core results: {e}: {violations}"));
        violations
            .into_iter()
            .filter(|v| matches!(v.impact.as_deref(), Some("serious" | "critical")))
            .collect()
    }

    async fn command(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.driver, self.session);
        self.request(method, url, body).await
    }

    /// One WebDriver command: the answer's `value`, or a panic naming the WebDriver error.
    async fn request(&self, method: reqwest::Method, url: String, body: Option<Value>) -> Value {
        let mut request = self.http.request(method.clone(), &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("WebDriver {method} {url}: {e}"));
        let status = response.status();
        let answer: Value = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("WebDriver {method} {url}: {status}, not JSON: {e}"));
        let value = answer["value"].clone();
        if !status.is_success() {
            panic!(
                "WebDriver {method} {url}: {status} {}: {}",
                value["error"].as_str().unwrap_or("(no error code)"),
                value["message"].as_str().unwrap_or("(no message)")
            );
        }
        value
    }

    /// The process id of this browser's chromedriver (the leader of its processes).
    pub fn driver_pid(&self) -> u32 {
        self.process.id()
    }

    fn driver_port(&self) -> Option<u16> {
        self.driver.rsplit_once(':')?.1.parse().ok()
    }
}

impl Element<'_> {
    fn path(&self, tail: &str) -> String {
        format!("/element/{}{tail}", self.id)
    }

    pub async fn click(&self) {
        self.browser
            .command(reqwest::Method::POST, &self.path("/click"), Some(json!({})))
            .await;
    }

    /// Types `text` into the element, as keystrokes.
    pub async fn type_text(&self, text: &str) {
        self.browser
            .command(
                reqwest::Method::POST,
                &self.path("/value"),
                Some(json!({"text": text})),
            )
            .await;
    }

    /// The element's rendered text.
    pub async fn text(&self) -> String {
        string(
            self.browser
                .command(reqwest::Method::GET, &self.path("/text"), None)
                .await,
        )
    }

    /// The attribute `name`, `None` when the element has none.
    pub async fn attribute(&self, name: &str) -> Option<String> {
        let value = self
            .browser
            .command(
                reqwest::Method::GET,
                &self.path(&format!("/attribute/{name}")),
                None,
            )
            .await;
        value.as_str().map(str::to_string)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Drop cannot await: end the session over a plain blocking connection, which has
        // chromedriver close the browser, then stop chromedriver.
        if !self.session.is_empty()
            && let Some(port) = self.driver_port()
            && let Err(e) = delete_session(port, &self.session)
        {
            eprintln!("ending the browser session: {e}");
        }
        // chromedriver is the leader of its own process group, which the browser's
        // processes join: killing the group also ends a browser the session left behind.
        let group = self.process.id();
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{group}")])
            .stderr(Stdio::null())
            .status();
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// A fresh folder for the browser's profile and chromedriver's log, deleted on drop.
struct Profile(PathBuf);

impl Profile {
    fn new() -> Profile {
        let path =
            std::env::temp_dir().join(format!("dar-browser-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).expect("creating the browser profile folder");
        Profile(path)
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn delete_session(port: u16, session: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    // chromedriver keeps the connection open after answering: read the answer's length.
    let mut answer = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let read = stream.read(&mut chunk)?;
        if read == 0 {
            return Ok(());
        }
        answer.extend_from_slice(&chunk[..read]);
        let text = String::from_utf8_lossy(&answer);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return Ok(());
            }
        }
    }
}

/// Starts chromedriver on a free port and waits until it is ready; returns the process and
/// its base URL. A port taken between choosing it and chromedriver binding it makes
/// chromedriver exit, so that is retried on another port.
async fn spawn_driver(http: &reqwest::Client, profile: &Path) -> (Child, String) {
    let log = profile.join("chromedriver.log");
    for _ in 0..3 {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let log_file = std::fs::File::create(&log).expect("creating the chromedriver log");
        let mut process = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(log_file.try_clone().expect("log file"))
            .stderr(log_file)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {CHROMEDRIVER}: {e}"));
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if process.try_wait().ok().flatten().is_some() {
                break;
            }
            let ready = match http.get(format!("{url}/status")).send().await {
                Ok(response) => response
                    .json::<Value>()
                    .await
                    .is_ok_and(|status| status["value"]["ready"] == json!(true)),
                Err(_) => false,
            };
            if ready {
                return (process, url);
            }
            if Instant::now() > deadline {
                let _ = process.kill();
                let _ = process.wait();
                panic!(
                    "chromedriver did not become ready in 30 s:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    panic!(
        "chromedriver exited three times at start:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
}

fn string(value: Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("WebDriver: expected a string, got {value}"))
        .to_string()
}

/// `$CARGO_TARGET_DIR/screenshots`, else the workspace's `target/screenshots`.
pub fn screenshot_folder() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("screenshots")
}

/// A decoded PNG, in 8 or 16 bits per sample.
struct Picture {
    width: u32,
    height: u32,
    bytes_per_pixel: usize,
    pixels: Vec<u8>,
}

impl Picture {
    fn decode(png: &[u8]) -> Picture {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        // Palette and sub-byte pictures become whole bytes per sample, so a pixel is a
        // fixed number of bytes.
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("a screenshot is a PNG");
        let mut pixels = vec![0; reader.output_buffer_size().expect("a sane PNG size")];
        let frame = reader.next_frame(&mut pixels).expect("decoding the PNG");
        pixels.truncate(frame.buffer_size());
        Picture {
            width: frame.width,
            height: frame.height,
            bytes_per_pixel: frame.line_size / frame.width as usize,
            pixels,
        }
    }

    fn is_blank(&self) -> bool {
        let mut pixels = self.pixels.chunks_exact(self.bytes_per_pixel);
        let Some(first) = pixels.next() else {
            return true;
        };
        pixels.all(|pixel| pixel == first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn png(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("header");
        writer.write_image_data(rgb).expect("data");
        writer.finish().expect("finish");
        out
    }

    #[test]
    fn a_picture_of_one_colour_is_blank() {
        let white = png(3, 2, &[255; 18]);
        assert!(Picture::decode(&white).is_blank());
    }

    #[test]
    fn a_picture_with_one_different_pixel_is_not_blank() {
        let mut pixels = [255; 18];
        pixels[16] = 0;
        let picture = Picture::decode(&png(3, 2, &pixels));
        assert_eq!((picture.width, picture.height), (3, 2));
        assert!(!picture.is_blank());
    }

    #[test]
    fn the_vendored_axe_core_is_the_version_and_file_its_readme_names() {
        assert!(
            AXE_SOURCE.starts_with(&format!("/*! axe v{AXE_VERSION}\n")),
            "the vendored axe.min.js is not axe-core {AXE_VERSION}"
        );
        let readme = include_str!("../fixtures/axe/README.md");
        let digest: String = Sha256::digest(AXE_SOURCE.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(
            readme.contains(&format!("`axe-core` {AXE_VERSION}")) && readme.contains(&digest),
            "tests/fixtures/axe/README.md does not name axe-core {AXE_VERSION} with sha256 {digest}"
        );
    }
}
