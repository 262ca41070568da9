//! `dar-bench`: a closed-loop load generator for the SPEC §8 throughput targets.
//!
//! It sets up N cooperatives over the real HTTP API (tenant, admin, share class B, holders
//! seeded with shares), then runs `--clients` concurrent clients that each post one transfer
//! at a time, and reports transfers per second, errors by status and latency percentiles.
//! The last line of stdout is the result as JSON, for `bench/run.sh`.
//!
//! With `--tenant-slug` it works on an existing cooperative instead (e.g. the demo loaded
//! with `dar demo --holders 400000`): `--preload-entries` first posts that many issues
//! through 1,000-entry `ledger/batch` requests spread over its holders and five dates
//! (reporting entries per second), and `--mode reads` measures one holder's holdings as of
//! a random date instead of posting transfers.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};

/// Password of the per-tenant admin accounts the bench creates.
const ADMIN_PASSWORD: &str = "bench admin password 1";
/// Shares issued to every holder before the run, so transfers of 1 never run dry.
const SEED_SHARES: i64 = 1_000_000;
/// Most entries in one `ledger/batch` request (the service's limit).
const BATCH_MAX: usize = 1000;
/// Setup requests in flight at once.
const SETUP_CONCURRENCY: usize = 16;

#[derive(Parser, Debug)]
#[command(
    name = "dar-bench",
    about = "Closed-loop load generator: transfers over HTTP into DAR"
)]
struct Args {
    /// Base URL of a running `dar serve`.
    #[arg(long, default_value = "http://127.0.0.1:18080")]
    url: String,
    #[arg(long, env = "DAR_BOOTSTRAP_EMAIL", default_value = "bench@dar.test")]
    coordinator_email: String,
    #[arg(
        long,
        env = "DAR_BOOTSTRAP_PASSWORD",
        default_value = "bench-password-1",
        hide_env_values = true
    )]
    coordinator_password: String,
    /// Cooperatives to spread the clients over (client i posts to tenant i % N).
    #[arg(long, default_value_t = 32)]
    tenants: usize,
    /// Concurrent clients, each with one request in flight.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Length of the measured phase.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Unmeasured load before the measured phase.
    #[arg(long, default_value_t = 3)]
    warmup_seconds: u64,
    #[arg(long, default_value_t = 200)]
    holders_per_tenant: usize,
    /// Tokio worker threads of the load generator (it shares the machine with the service).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Prefix of the tenant slugs; random by default.
    #[arg(long)]
    run_id: Option<String>,
    /// Work on this existing cooperative (one tenant) instead of creating `--tenants`.
    #[arg(long)]
    tenant_slug: Option<String>,
    /// An administrator of `--tenant-slug`.
    #[arg(long, default_value = "admin@demo.dar.coop")]
    admin_email: String,
    #[arg(long, default_value = "demo-password-2026", hide_default_value = true)]
    admin_password: String,
    /// With `--tenant-slug`: issues to post through 1,000-entry batches before the run.
    #[arg(long, default_value_t = 0)]
    preload_entries: usize,
    /// What the clients do.
    #[arg(long, value_enum, default_value_t = Mode::Transfers)]
    mode: Mode,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Post one transfer of 1 share between two random holders, dated yesterday.
    Transfers,
    /// Read one random holder's holdings as of a random date of the last three years.
    Reads,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.tenants == 0 || args.clients == 0 || args.seconds == 0 || args.holders_per_tenant < 2 {
        bail!(
            "--tenants, --clients and --seconds must be at least 1, --holders-per-tenant at least 2"
        );
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_all()
        .build()?
        .block_on(run(args))
}

/// One seeded cooperative: where to post and as whom.
struct Tenant {
    id: String,
    token: String,
    holders: Vec<String>,
}

#[derive(Clone)]
struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET that must answer with a 2xx; returns the JSON body.
    async fn get_ok(&self, path: &str, token: &str) -> anyhow::Result<Value> {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .with_context(|| format!("GET {path}"))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if !status.is_success() {
            bail!("GET {path}: {status}: {text}");
        }
        serde_json::from_str(&text)
            .with_context(|| format!("GET {path}: the answer is not JSON: {text}"))
    }

    /// POST that must answer with a 2xx; returns the JSON body.
    async fn post_ok(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> anyhow::Result<Value> {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("POST {path}"))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if !status.is_success() {
            bail!("POST {path}: {status}: {text}");
        }
        serde_json::from_str(&text)
            .with_context(|| format!("POST {path}: the answer is not JSON: {text}"))
    }

    async fn login(&self, email: &str, password: &str) -> anyhow::Result<String> {
        let body = self
            .post_ok(
                "/api/v1/auth/login",
                None,
                &json!({"email": email, "password": password}),
            )
            .await?;
        string_field(&body, "access_token")
    }
}

fn string_field(body: &Value, field: &str) -> anyhow::Result<String> {
    body[field]
        .as_str()
        .map(str::to_string)
        .with_context(|| format!("no `{field}` in {body}"))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.clients + SETUP_CONCURRENCY)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(30))
        .build()?;
    let api = Api {
        client,
        base: args.url.trim_end_matches('/').to_string(),
    };
    let run_id = args
        .run_id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string()[24..].to_string());

    let setup_started = Instant::now();
    let coordinator = api
        .login(&args.coordinator_email, &args.coordinator_password)
        .await
        .context("coordinator login")?;
    eprintln!(
        "setup: {} tenant(s) × {} holders, run id {run_id} …",
        args.tenants, args.holders_per_tenant
    );
    let mut preload = None;
    let tenants: Vec<Tenant> = match &args.tenant_slug {
        None => {
            stream::iter(0..args.tenants)
                .map(|i| setup_tenant(&api, &coordinator, &run_id, i, args.holders_per_tenant))
                .buffered(4)
                .try_collect()
                .await?
        }
        Some(slug) => {
            let (tenant, rate) = existing_tenant(&api, slug, &args).await?;
            preload = rate;
            vec![tenant]
        }
    };
    eprintln!(
        "setup: done in {:.1}s",
        setup_started.elapsed().as_secs_f64()
    );

    let result = load(&api, Arc::new(tenants), &args).await;
    println!(
        "transfers/s={:.1} ok={} errors={} p50_ms={:.2} p90_ms={:.2} p99_ms={:.2} max_ms={:.2} tenants={} clients={} seconds={}",
        result.tps,
        result.ok,
        result.errors,
        result.p50_ms,
        result.p90_ms,
        result.p99_ms,
        result.max_ms,
        args.tenants,
        args.clients,
        args.seconds
    );
    for (status, n) in &result.errors_by_status {
        println!("  errors with status {status}: {n}");
    }
    for (status, body) in &result.error_samples {
        println!("  e.g. {status}: {body}");
    }
    println!(
        "{}",
        json!({
            "tps": result.tps,
            "ok": result.ok,
            "errors": result.errors,
            "errors_by_status": result.errors_by_status,
            "p50_ms": result.p50_ms,
            "p90_ms": result.p90_ms,
            "p99_ms": result.p99_ms,
            "load_cpu_s": result.load_cpu_s,
            "max_ms": result.max_ms,
            "tenants": args.tenants,
            "clients": args.clients,
            "seconds": args.seconds,
            "run_id": run_id,
            "mode": format!("{:?}", args.mode).to_lowercase(),
            "preload_entries_per_s": preload,
        })
    );
    Ok(())
}

/// An existing cooperative: its admin logs in, every holder is listed, `--preload-entries`
/// issues are posted through batches (returning entries per second), and the first
/// `--holders-per-tenant` holders get seed shares for the transfer load.
async fn existing_tenant(
    api: &Api,
    slug: &str,
    args: &Args,
) -> anyhow::Result<(Tenant, Option<f64>)> {
    let token = api.login(&args.admin_email, &args.admin_password).await?;
    let tenant = api
        .get_ok(&format!("/api/v1/tenants/{slug}"), &token)
        .await
        .with_context(|| format!("the cooperative {slug:?}"))?;
    let id = string_field(&tenant, "id")?;
    let listed = Instant::now();
    let mut holders = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/tenants/{id}/shareholders?limit=1000&status=active");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = api.get_ok(&path, &token).await?;
        for h in page["items"].as_array().into_iter().flatten() {
            holders.push(string_field(h, "id")?);
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    eprintln!(
        "setup: {slug} has {} active holders (listed in {:.1}s)",
        holders.len(),
        listed.elapsed().as_secs_f64()
    );
    if holders.len() < 2 {
        bail!("{slug} has fewer than two active holders");
    }
    let mut rate = None;
    if args.preload_entries > 0 {
        let started = Instant::now();
        // Issues spread over every holder and five dates, so each holder gets movements on
        // several dates; all after the demo's last admission (90 days ago).
        let today = chrono::Utc::now().date_naive();
        let dates: Vec<String> = [85u64, 65, 45, 25, 5]
            .iter()
            .map(|d| (today - chrono::Days::new(*d)).to_string())
            .collect();
        let batches = args.preload_entries.div_ceil(BATCH_MAX);
        let path = format!("/api/v1/tenants/{id}/ledger/batch");
        let done = std::sync::atomic::AtomicUsize::new(0);
        stream::iter(0..batches)
            .map(|b| {
                let entries: Vec<Value> = (0..BATCH_MAX.min(args.preload_entries - b * BATCH_MAX))
                    .map(|i| {
                        let n = b * BATCH_MAX + i;
                        let to = &holders[n % holders.len()];
                        let date = &dates[(n / holders.len()) % dates.len()];
                        json!({"kind": "issue", "share_class": "B", "to": to, "quantity": 1, "effective_date": date})
                    })
                    .collect();
                let (api, path, token, done) = (api, &path, &token, &done);
                async move {
                    let n = entries.len();
                    api.post_ok(path, Some(token), &json!({"entries": entries})).await?;
                    let total = done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
                    if (total / BATCH_MAX).is_multiple_of(100) {
                        eprintln!(
                            "preload: {total} of {} entries, {:.0}/s",
                            args.preload_entries,
                            total as f64 / started.elapsed().as_secs_f64()
                        );
                    }
                    anyhow::Ok(())
                }
            })
            .buffer_unordered(args.clients.clamp(1, 8))
            .try_collect::<Vec<()>>()
            .await?;
        let per_s = args.preload_entries as f64 / started.elapsed().as_secs_f64();
        eprintln!(
            "preload: {} entries in {:.1}s, {per_s:.0} entries/s",
            args.preload_entries,
            started.elapsed().as_secs_f64()
        );
        rate = Some(per_s);
    }
    if args.mode == Mode::Transfers {
        holders.truncate(args.holders_per_tenant.max(2));
        let seed_date = (chrono::Utc::now().date_naive() - chrono::Days::new(2)).to_string();
        for chunk in holders.chunks(BATCH_MAX) {
            let entries: Vec<Value> = chunk
                .iter()
                .map(|to| json!({"kind": "issue", "share_class": "B", "to": to, "quantity": SEED_SHARES, "effective_date": seed_date}))
                .collect();
            api.post_ok(
                &format!("/api/v1/tenants/{id}/ledger/batch"),
                Some(&token),
                &json!({"entries": entries}),
            )
            .await?;
        }
    }
    Ok((Tenant { id, token, holders }, rate))
}

/// Creates tenant `i` with an admin, share class B and seeded holders.
async fn setup_tenant(
    api: &Api,
    coordinator: &str,
    run_id: &str,
    i: usize,
    holders: usize,
) -> anyhow::Result<Tenant> {
    let slug = format!("bench-{run_id}-{i}");
    let tenant = api
        .post_ok(
            "/api/v1/tenants",
            Some(coordinator),
            &json!({
                "slug": slug,
                "legal_name": format!("Bench {slug} cv"),
                "enterprise_number": "0403019261",
                "legal_form": "cv",
                "default_language": "nl",
            }),
        )
        .await?;
    let id = string_field(&tenant, "id")?;
    let email = format!("admin@{slug}.test");
    let invitation = api
        .post_ok(
            &format!("/api/v1/tenants/{id}/invitations"),
            Some(coordinator),
            &json!({"email": email, "role": "admin"}),
        )
        .await?;
    let invitation_token = string_field(&invitation, "token")?;
    api.post_ok(
        "/api/v1/auth/accept-invitation",
        None,
        &json!({"token": invitation_token, "password": ADMIN_PASSWORD}),
    )
    .await?;
    let token = api.login(&email, ADMIN_PASSWORD).await?;
    api.post_ok(
        &format!("/api/v1/tenants/{id}/share-classes"),
        Some(&token),
        &json!({"code": "B", "name": "Klasse B", "nominal_value": "50.00", "transfer_rule": "free"}),
    )
    .await?;
    let holder_ids: Vec<String> = stream::iter(0..holders)
        .map(|h| {
            let path = format!("/api/v1/tenants/{id}/shareholders");
            let token = token.clone();
            async move {
                let body = json!({
                    "kind": "natural", "first_name": format!("Holder{h}"), "last_name": format!("Bench{i}"),
                    "admission_date": "2024-01-01",
                });
                string_field(&api.post_ok(&path, Some(&token), &body).await?, "id")
            }
        })
        .buffered(SETUP_CONCURRENCY)
        .try_collect()
        .await?;
    for chunk in holder_ids.chunks(BATCH_MAX) {
        let entries: Vec<Value> = chunk
            .iter()
            .map(|to| {
                json!({"kind": "issue", "share_class": "B", "to": to, "quantity": SEED_SHARES, "effective_date": "2024-01-02"})
            })
            .collect();
        api.post_ok(
            &format!("/api/v1/tenants/{id}/ledger/batch"),
            Some(&token),
            &json!({"entries": entries}),
        )
        .await?;
    }
    Ok(Tenant {
        id,
        token,
        holders: holder_ids,
    })
}

struct Outcome {
    tps: f64,
    ok: u64,
    errors: u64,
    errors_by_status: BTreeMap<String, u64>,
    error_samples: BTreeMap<String, String>,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    /// CPU seconds this process used inside the measured window (Linux only).
    load_cpu_s: Option<f64>,
}

/// CPU seconds (user and system) this process has used, from `/proc/self/stat`.
fn own_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; the kernel
    // counts them in USER_HZ, which is 100 on every Linux architecture we build for.
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

/// What one client saw inside the measured window.
#[derive(Default)]
struct ClientTally {
    warmup: u64,
    ok: u64,
    latencies_us: Vec<u32>,
    errors: BTreeMap<String, u64>,
    samples: BTreeMap<String, String>,
}

/// A small, fast, per-client random source (splitmix64); quality is plenty for picking holders.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % n as u64) as usize
    }
}

/// The measured phase: completions are counted when they finish inside
/// `[start + warmup, start + warmup + seconds]`.
async fn load(api: &Api, tenants: Arc<Vec<Tenant>>, args: &Args) -> Outcome {
    let today = chrono::Utc::now().date_naive();
    let date = (today - chrono::Days::new(1)).to_string();
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(args.warmup_seconds);
    let measure_to = measure_from + Duration::from_secs(args.seconds);
    eprintln!(
        "load: {} client(s), warm-up {}s (discarded), then {}s measured …",
        args.clients, args.warmup_seconds, args.seconds
    );
    // Marks for a caller that samples CPU over the measured window only: bench/run.sh reads
    // them to tell the cost of a request apart from the set-up's (creating tenants and
    // holders took as much CPU as a 15 s load of 32 tenants). This process's own CPU over
    // the window is reported with the result.
    let window = tokio::spawn(async move {
        tokio::time::sleep_until(measure_from.into()).await;
        eprintln!("measure: from");
        let before = own_cpu_seconds();
        tokio::time::sleep_until(measure_to.into()).await;
        eprintln!("measure: to");
        Some(own_cpu_seconds()? - before?)
    });

    let tasks: Vec<_> = (0..args.clients)
        .map(|c| {
            let api = api.clone();
            let tenants = tenants.clone();
            let date = date.clone();
            let mode = args.mode;
            tokio::spawn(async move {
                let tenant = &tenants[c % tenants.len()];
                let path = api.url(&format!("/api/v1/tenants/{}/ledger", tenant.id));
                let mut rng = Rng(0x5EED ^ (c as u64).wrapping_mul(0x1000_0000_01B3));
                let mut tally = ClientTally::default();
                let n = tenant.holders.len();
                loop {
                    let sent = Instant::now();
                    if sent >= measure_to {
                        break;
                    }
                    let result = match mode {
                        Mode::Transfers => {
                            let from = rng.below(n);
                            let to = (from + 1 + rng.below(n - 1)) % n;
                            let body = json!({
                                "kind": "transfer", "share_class": "B",
                                "from": tenant.holders[from], "to": tenant.holders[to],
                                "quantity": 1, "effective_date": date,
                            });
                            api.client
                                .post(&path)
                                .bearer_auth(&tenant.token)
                                .header("Idempotency-Key", uuid::Uuid::now_v7().to_string())
                                .json(&body)
                                .send()
                                .await
                        }
                        Mode::Reads => {
                            let holder = &tenant.holders[rng.below(n)];
                            let as_of = today - chrono::Days::new(rng.below(3 * 365) as u64);
                            api.client
                                .get(api.url(&format!(
                                    "/api/v1/tenants/{}/shareholders/{holder}/holdings?as_of={as_of}",
                                    tenant.id
                                )))
                                .bearer_auth(&tenant.token)
                                .send()
                                .await
                        }
                    };
                    let (status, error_body) = match result {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            // Read the whole body, as a real client would.
                            let text = response.text().await.unwrap_or_default();
                            let ok = status == 201 || (mode == Mode::Reads && status == 200);
                            (status.to_string(), (!ok).then_some(text))
                        }
                        Err(e) => ("transport".to_string(), Some(e.to_string())),
                    };
                    let done = Instant::now();
                    if done < measure_from {
                        tally.warmup += 1;
                        continue;
                    }
                    if done > measure_to {
                        continue;
                    }
                    match error_body {
                        None => {
                            tally.ok += 1;
                            tally
                                .latencies_us
                                .push((done - sent).as_micros().min(u32::MAX as u128) as u32);
                        }
                        Some(text) => {
                            *tally.errors.entry(status.clone()).or_default() += 1;
                            tally
                                .samples
                                .entry(status)
                                .or_insert_with(|| text.chars().take(300).collect());
                        }
                    }
                }
                tally
            })
        })
        .collect();

    let mut ok = 0;
    let mut warmup = 0;
    let mut latencies = Vec::new();
    let mut errors_by_status: BTreeMap<String, u64> = BTreeMap::new();
    let mut error_samples = BTreeMap::new();
    for task in tasks {
        match task.await {
            Ok(tally) => {
                ok += tally.ok;
                warmup += tally.warmup;
                latencies.extend(tally.latencies_us);
                for (status, n) in tally.errors {
                    *errors_by_status.entry(status).or_default() += n;
                }
                for (status, sample) in tally.samples {
                    error_samples.entry(status).or_insert(sample);
                }
            }
            Err(e) => {
                *errors_by_status.entry("client-panic".into()).or_default() += 1;
                error_samples
                    .entry("client-panic".into())
                    .or_insert(e.to_string());
            }
        }
    }
    println!(
        "warm-up: {warmup} request(s) in the first {}s discarded",
        args.warmup_seconds
    );
    latencies.sort_unstable();
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let idx = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[idx] as f64 / 1000.0
    };
    let errors = errors_by_status.values().sum();
    let load_cpu_s = window.await.ok().flatten();
    Outcome {
        load_cpu_s,
        tps: ok as f64 / args.seconds as f64,
        ok,
        errors,
        p50_ms: pct(0.50),
        p90_ms: pct(0.90),
        p99_ms: pct(0.99),
        max_ms: latencies.last().map_or(0.0, |&l| l as f64 / 1000.0),
        errors_by_status,
        error_samples,
    }
}
