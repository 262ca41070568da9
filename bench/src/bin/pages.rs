//! `dar-bench-pages`: the web application's server time per page (issue 12: p99 ≤ 50 ms on
//! the 50,000-holder demo), measured as a signed-in browser would ask for each page, one
//! request at a time, side by side with a baseline that does no work (the stylesheet, served
//! from memory) so the figure can be read as a ratio too. See bench/README.md.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Times every page of the DAR web application, signed in as an administrator")]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:18081")]
    base: String,
    #[arg(long, default_value = "admin@demo.dar.coop")]
    email: String,
    #[arg(long, default_value = "demo-password-2026")]
    password: String,
    /// Timed requests per page (after as many warm-up requests as a tenth of this).
    #[arg(long, default_value_t = 200)]
    rounds: usize,
    /// The p99 each page must stay under, in milliseconds.
    #[arg(long, default_value_t = 50.0)]
    target_ms: f64,
}

/// A browser's cookies, as far as DAR sets them.
struct Session {
    client: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
}

impl Session {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, r: &reqwest::Response) {
        for v in r.headers().get_all("set-cookie") {
            let Ok(v) = v.to_str() else { continue };
            let pair = v.split(';').next().unwrap_or("");
            if let Some((k, val)) = pair.split_once('=') {
                self.cookies.retain(|(name, _)| name != k);
                if !val.is_empty() {
                    self.cookies.push((k.to_string(), val.to_string()));
                }
            }
        }
    }

    async fn get(&mut self, path: &str) -> anyhow::Result<(u16, String)> {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await?;
        self.keep(&r);
        let status = r.status().as_u16();
        Ok((status, r.text().await?))
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> anyhow::Result<(u16, String)> {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await?;
        self.keep(&r);
        let status = r.status().as_u16();
        Ok((status, r.text().await?))
    }
}

/// The value of the first `name="…" value="…"` field of a page.
fn field(html: &str, name: &str) -> Option<String> {
    let marker = format!(r#"name="{name}" value=""#);
    let at = html.find(&marker)? + marker.len();
    html[at..].split('"').next().map(str::to_string)
}

/// The first `href` starting with `prefix`.
fn link(html: &str, prefix: &str) -> Option<String> {
    let marker = format!(r#"href="{prefix}"#);
    let at = html.find(&marker)? + 6;
    html[at..]
        .split('"')
        .next()
        .map(|h| h.replace("&amp;", "&"))
}

struct Timing {
    name: String,
    p50: f64,
    p99: f64,
    max: f64,
    bytes: usize,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut s = Session {
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?,
        base: args.base.trim_end_matches('/').to_string(),
        cookies: vec![("dar_lang".into(), "nl".into())],
    };
    let (_, page) = s.get("/sign-in").await?;
    let csrf = field(&page, "csrf").context("the sign-in page has no CSRF field")?;
    let (status, _) = s
        .post(
            "/sign-in",
            &[
                ("csrf", &csrf),
                ("email", &args.email),
                ("password", &args.password),
            ],
        )
        .await?;
    if status != 303 {
        bail!("signing in as {} answered {status}", args.email);
    }
    let (_, home) = s.get("/").await?;
    let coop = link(&home, "/c/").context("the start page links no cooperative")?;
    let (_, list) = s.get(&format!("{coop}/shareholders")).await?;
    let holder = link(&list, &format!("{coop}/shareholders/0"))
        .or_else(|| link(&list, &format!("{coop}/shareholders/")))
        .context("the shareholder list links nobody")?;
    let next_page = link(&list, &format!("{coop}/shareholders?")).unwrap_or_default();
    let (_, ledger) = s.get(&format!("{coop}/ledger")).await?;
    let entry = link(&ledger, &format!("{coop}/entries/0"))
        .or_else(|| link(&ledger, &format!("{coop}/entries/")))
        .context("the ledger links no entry")?;
    let older = link(&ledger, &format!("{coop}/ledger?")).unwrap_or_default();

    let mut pages: Vec<(String, String)> = vec![
        ("baseline: stylesheet".into(), "/assets/dar-1.css".into()),
        ("start".into(), "/".into()),
        ("overview".into(), coop.clone()),
        ("shareholders".into(), format!("{coop}/shareholders")),
        (
            "shareholders, search".into(),
            format!("{coop}/shareholders?q=peeters"),
        ),
        ("shareholder".into(), holder.clone()),
        ("register".into(), format!("{coop}/register")),
        ("ledger".into(), format!("{coop}/ledger")),
        ("entry".into(), entry),
        ("share classes".into(), format!("{coop}/classes")),
        ("issue form".into(), format!("{coop}/entries/new/issue")),
        ("certificates".into(), format!("{coop}/certificates")),
        ("baseline: script".into(), "/assets/dar-1.js".into()),
    ];
    if !next_page.is_empty() {
        pages.push(("shareholders, page 2".into(), next_page));
    }
    if !older.is_empty() {
        pages.push(("ledger, page 2".into(), older));
    }

    let warmup = (args.rounds / 10).max(1);
    let mut timings = Vec::new();
    for (name, path) in &pages {
        let mut times = Vec::with_capacity(args.rounds);
        let mut bytes = 0;
        for round in 0..warmup + args.rounds {
            let started = Instant::now();
            let (status, body) = s.get(path).await?;
            let took = started.elapsed();
            if status != 200 {
                bail!("{name} ({path}) answered {status}");
            }
            if round >= warmup {
                times.push(took);
                bytes = body.len();
            }
        }
        times.sort();
        timings.push(Timing {
            name: name.clone(),
            p50: percentile(&times, 0.50),
            p99: percentile(&times, 0.99),
            max: percentile(&times, 1.0),
            bytes,
        });
    }

    // The preview of an issue: the real append path, rolled back.
    let (_, form) = s.get(&format!("{coop}/entries/new/issue")).await?;
    let csrf = field(&form, "csrf").context("the issue form has no CSRF field")?;
    let class = field(&form, "share_class")
        .or_else(|| {
            let at = form.find("<option value=\"")? + 15;
            form[at..].split('"').next().map(str::to_string)
        })
        .context("no share class on the issue form")?;
    let path = format!("{coop}/entries/new/issue");
    let mut times = Vec::with_capacity(args.rounds);
    let mut bytes = 0;
    for round in 0..warmup + args.rounds {
        let started = Instant::now();
        let (status, body) = s
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("step", "preview"),
                    ("share_class", &class),
                    ("to", "1"),
                    ("quantity", "1"),
                    ("effective_date", "01/01/2025"),
                ],
            )
            .await?;
        let took = started.elapsed();
        if status != 200 {
            bail!("the issue preview answered {status}: {body}");
        }
        if round >= warmup {
            times.push(took);
            bytes = body.len();
        }
    }
    times.sort();
    timings.push(Timing {
        name: "issue preview (POST)".into(),
        p50: percentile(&times, 0.50),
        p99: percentile(&times, 0.99),
        max: percentile(&times, 1.0),
        bytes,
    });

    let baseline = timings[0].p99.max(0.001);
    println!(
        "{:<24} {:>9} {:>9} {:>9} {:>9} {:>10}  result (p99 ≤ {} ms)",
        "page", "p50 ms", "p99 ms", "max ms", "KiB", "p99/base", args.target_ms
    );
    let mut below = 0;
    for t in &timings {
        let pass = t.p99 <= args.target_ms;
        if !pass {
            below += 1;
        }
        println!(
            "{:<24} {:>9.2} {:>9.2} {:>9.2} {:>9.1} {:>10.1}  {}",
            t.name,
            t.p50,
            t.p99,
            t.max,
            t.bytes as f64 / 1024.0,
            t.p99 / baseline,
            if pass { "PASS" } else { "ABOVE" }
        );
    }
    println!(
        "{} requests per page, one at a time, after {warmup} warm-up requests",
        args.rounds
    );
    if below > 0 {
        bail!("{below} page(s) above the target");
    }
    Ok(())
}
