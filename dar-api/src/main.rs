//! `dar`: serve (default), migrate, verify, demo.

use anyhow::Context;
use clap::{Parser, Subcommand};

use dar_api::config::Settings;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "dar",
    version,
    about = "DAR — digital shareholder register for cooperatives"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the service (the default).
    Serve {
        /// Load the demo cooperative first if the database has no tenant yet.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Recompute every tenant's hash chain; exits non-zero if any is broken.
    Verify,
    /// Load a demo cooperative with a few hundred shareholders and their history.
    Demo {
        /// How many shareholders (e.g. 50000 for a benchmark).
        #[arg(long, default_value_t = dar_api::demo::HOLDERS)]
        holders: usize,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    dar_api::telemetry::init();
    let cli = Cli::parse();
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            if demo {
                load_demo(&settings, dar_api::demo::HOLDERS)?;
            }
            let app = dar_api::startup::build(settings.clone()).context("starting")?;
            tracing::info!(listen = %settings.listen, docs = %format!("{}/docs", settings.public_url), "DAR is serving");
            app.server.await?;
        }
        Command::Migrate => {
            let db = dar_db::Database::connect(&settings.database_url, 2)?;
            let applied = db.migrate()?;
            println!("{applied} migration(s) applied");
        }
        Command::Verify => {
            let db = dar_db::Database::connect(&settings.database_url, 2)?;
            db.migrate()?;
            let mut conn = db.conn()?;
            let mut broken = 0;
            let mut after: Option<String> = None;
            loop {
                let tenants = dar_db::tenants::list(&mut conn, after.as_deref(), 500)?;
                let Some(last) = tenants.last() else { break };
                after = Some(last.slug.clone());
                for t in &tenants {
                    let id = t.id.parse()?;
                    let report = dar_db::ledger::verify(&mut conn, &id)?;
                    let positions = dar_db::ledger::verify_positions(&mut conn, &id)?;
                    match (report.first_bad_seq, positions.first_mismatch) {
                        (None, None) => println!(
                            "{}: ok, {} entries, head {}, {} holdings",
                            t.slug, report.entries, report.head_hash, positions.holdings
                        ),
                        (Some(seq), _) => {
                            broken += 1;
                            println!("{}: BROKEN at entry {seq}", t.slug);
                        }
                        (None, Some(m)) => {
                            broken += 1;
                            println!(
                                "{}: stored position of holder {} in class {} on {} differs from the ledger (ledger {:?}, stored {:?})",
                                t.slug,
                                m.shareholder_id,
                                m.share_class_id,
                                m.date,
                                m.ledger,
                                m.stored
                            );
                        }
                    }
                }
            }
            if broken > 0 {
                anyhow::bail!("{broken} ledger(s) broken");
            }
        }
        Command::Demo { holders } => load_demo(&settings, holders)?,
    }
    Ok(())
}

fn load_demo(settings: &Settings, holders: usize) -> anyhow::Result<()> {
    let db = dar_db::Database::connect(&settings.database_url, 2)?;
    db.migrate()?;
    dar_api::bootstrap::ensure_coordinator(&db, settings)?;
    match dar_api::demo::load_sized(&db, holders)? {
        Some(summary) => println!("{summary}"),
        None => println!("the demo cooperative exists already"),
    }
    Ok(())
}
