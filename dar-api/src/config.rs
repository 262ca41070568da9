//! Configuration from the environment (SPEC §6b).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use dar_db::DatabaseUrl;

use crate::auth::throttle::ThrottleSettings;

#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub listen: SocketAddr,
    pub jwt_secret: Secret,
    pub public_url: String,
    pub bootstrap_email: Option<String>,
    pub bootstrap_password: Option<Secret>,
    /// Lifetime of an access token.
    pub access_token_seconds: i64,
    /// Lifetime of a refresh token.
    pub refresh_token_days: i64,
    pub pool_size: u32,
    /// Threads that post ledger entries, each grouping concurrent requests into one commit.
    pub ledger_writers: usize,
    /// Failed logins before back-off, and its durations (README "Login throttling").
    pub login_throttle: ThrottleSettings,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`DAR_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<IpAddr>,
    /// Where and how mails are sent (README "E-mail").
    pub mail: MailSettings,
}

/// How the outbox sends mail.
#[derive(Clone, Debug)]
pub struct MailSettings {
    pub transport: MailTransport,
    /// The sender, as `Name <address>` or a bare address (`DAR_MAIL_FROM`).
    pub from: String,
    /// The wait after a first failed attempt; each further failure doubles it.
    pub retry_first: Duration,
    /// The longest wait between two attempts.
    pub retry_max: Duration,
    /// Attempts before a mail is given up.
    pub attempts_max: u32,
    /// How long a claimed mail is left to its worker before another may send it again.
    pub lease: Duration,
    /// How often the worker looks for due mails when nothing woke it.
    pub poll: Duration,
}

#[derive(Clone, Debug)]
pub enum MailTransport {
    /// An SMTP server, by URL (`DAR_SMTP_URL`): `smtp://host:25` (no TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465`.
    Smtp(Secret),
    /// No SMTP server (the demo): each mail is written to this folder as an `.eml` file
    /// (`DAR_MAIL_DIR`, by default `mail/` in the data folder).
    Folder(PathBuf),
}

impl MailSettings {
    /// The production numbers, with mails going to `transport`.
    pub fn new(transport: MailTransport) -> Self {
        MailSettings {
            transport,
            from: DEFAULT_MAIL_FROM.into(),
            retry_first: Duration::from_secs(60),
            retry_max: Duration::from_secs(3600),
            attempts_max: 8,
            lease: Duration::from_secs(300),
            poll: Duration::from_secs(5),
        }
    }
}

const DEFAULT_MAIL_FROM: &str = "DAR <noreply@localhost>";

/// A value that must never be printed.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

const DEFAULT_DATA_DIR: &str = "dar-data";

impl Settings {
    /// Reads `DAR_*` variables. On the SQLite default, the data folder is created and a JWT
    /// secret is generated there once and kept, so tokens survive a restart.
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let data_dir =
            PathBuf::from(var("DAR_DATA_DIR").unwrap_or_else(|| DEFAULT_DATA_DIR.into()));
        let url = match var("DAR_DATABASE_URL") {
            Some(url) => url,
            None => {
                std::fs::create_dir_all(&data_dir)
                    .with_context(|| format!("creating the data folder {}", data_dir.display()))?;
                format!("sqlite://{}", data_dir.join("dar.db").display())
            }
        };
        let database_url = DatabaseUrl::parse(&url).map_err(|e| anyhow::anyhow!("{e}"))?;
        let listen: SocketAddr = var("DAR_LISTEN")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse()
            .context("DAR_LISTEN must be host:port, e.g. 127.0.0.1:8080")?;
        let jwt_secret = match (var("DAR_JWT_SECRET"), &database_url) {
            (Some(secret), _) if secret.len() >= 32 => Secret(secret),
            (Some(_), _) => bail!("DAR_JWT_SECRET must be at least 32 characters"),
            (None, DatabaseUrl::Postgres(_)) => bail!("DAR_JWT_SECRET is required with PostgreSQL"),
            (None, DatabaseUrl::Sqlite(_)) => Secret(kept_secret(&data_dir)?),
        };
        let public_url = var("DAR_PUBLIC_URL").unwrap_or_else(|| format!("http://{listen}"));
        let number = |name: &str, default: i64| -> anyhow::Result<i64> {
            var(name).map_or(Ok(default), |v| {
                v.parse()
                    .with_context(|| format!("{name} must be a number"))
            })
        };
        let ledger_writers = match database_url {
            // SQLite has one writer at a time; more threads would only queue on its lock.
            DatabaseUrl::Sqlite(_) => 1,
            // Two transactions in flight: one commits (waits on the WAL flush) while the other
            // is planned and written. Each further writer splits the queue into smaller
            // groups, and a group's cost is mostly per statement, not per entry: measured on
            // two cores, 32 tenants, 1 writer 1,137/s, 2 writers 1,957/s, 4 1,474/s, 8 1,014/s.
            DatabaseUrl::Postgres(_) => number("DAR_LEDGER_WRITERS", 2)?.clamp(1, 64) as usize,
        };
        let trusted_proxies = var("DAR_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpAddr>()
                    .with_context(|| format!("DAR_TRUSTED_PROXIES: {s:?} is not an IP address"))
            })
            .collect::<anyhow::Result<_>>()?;
        let transport = match var("DAR_SMTP_URL") {
            Some(url) => MailTransport::Smtp(Secret(url)),
            None => MailTransport::Folder(
                var("DAR_MAIL_DIR").map_or_else(|| data_dir.join("mail"), PathBuf::from),
            ),
        };
        let mail = MailSettings {
            from: var("DAR_MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.into()),
            ..MailSettings::new(transport)
        };
        crate::mail::check_settings(&mail)?;
        Ok(Settings {
            database_url,
            listen,
            jwt_secret,
            public_url: public_url.trim_end_matches('/').to_string(),
            bootstrap_email: var("DAR_BOOTSTRAP_EMAIL"),
            bootstrap_password: var("DAR_BOOTSTRAP_PASSWORD").map(Secret),
            access_token_seconds: number("DAR_ACCESS_TOKEN_SECONDS", 900)?.clamp(10, 86_400),
            refresh_token_days: number("DAR_REFRESH_TOKEN_DAYS", 30)?.clamp(1, 365),
            pool_size: number("DAR_POOL_SIZE", 16)?.clamp(2, 512) as u32,
            ledger_writers,
            login_throttle: ThrottleSettings::default(),
            trusted_proxies,
            mail,
        })
    }
}

fn kept_secret(data_dir: &std::path::Path) -> anyhow::Result<String> {
    use rand::Rng;
    let path = data_dir.join("jwt-secret");
    if let Ok(secret) = std::fs::read_to_string(&path) {
        return Ok(secret.trim().to_string());
    }
    std::fs::create_dir_all(data_dir)?;
    let bytes: [u8; 32] = rand::rng().random();
    let secret = hex::encode(bytes);
    std::fs::write(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_debug_form_shows_no_password_or_secret() {
        let settings = Settings {
            database_url: DatabaseUrl::parse("postgres://dar:pg-password-42@db:5432/dar").unwrap(),
            listen: "127.0.0.1:8080".parse().unwrap(),
            jwt_secret: Secret("jwt-secret-0123456789-0123456789-abc".into()),
            public_url: "https://register.example.coop".into(),
            bootstrap_email: None,
            bootstrap_password: Some(Secret("bootstrap-password-7".into())),
            access_token_seconds: 900,
            refresh_token_days: 30,
            pool_size: 16,
            ledger_writers: 4,
            login_throttle: ThrottleSettings::default(),
            trusted_proxies: vec![],
            mail: MailSettings::new(MailTransport::Smtp(Secret(
                "smtp://dar:smtp-password-9@mail.example:587".into(),
            ))),
        };
        let debug = format!("{settings:?} {settings:#?}");
        for secret in [
            "pg-password-42",
            "jwt-secret",
            "bootstrap-password",
            "smtp-password",
        ] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("postgres://dar:***@db:5432/dar"), "{debug}");
    }
}
