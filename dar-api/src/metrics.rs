//! A handful of process counters in Prometheus text format. Counters only; rates and
//! quantiles are the monitoring system's job.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

static RESPONSES_2XX: AtomicU64 = AtomicU64::new(0);
static RESPONSES_4XX: AtomicU64 = AtomicU64::new(0);
static RESPONSES_5XX: AtomicU64 = AtomicU64::new(0);
static ENTRIES_POSTED: AtomicU64 = AtomicU64::new(0);
static WRITER_PANICS: AtomicU64 = AtomicU64::new(0);

pub fn count_response(status: u16) {
    let counter = match status {
        500.. => &RESPONSES_5XX,
        400..=499 => &RESPONSES_4XX,
        _ => &RESPONSES_2XX,
    };
    counter.fetch_add(1, Ordering::Relaxed);
}

pub fn count_entries(n: usize) {
    ENTRIES_POSTED.fetch_add(n as u64, Ordering::Relaxed);
}

/// A ledger writer thread panicked (and was replaced).
pub fn count_writer_panic() {
    WRITER_PANICS.fetch_add(1, Ordering::Relaxed);
}

pub fn render() -> String {
    let mut out = String::new();
    out.push_str("# HELP dar_http_responses_total HTTP responses by status class.\n");
    out.push_str("# TYPE dar_http_responses_total counter\n");
    for (class, counter) in [
        ("2xx", &RESPONSES_2XX),
        ("4xx", &RESPONSES_4XX),
        ("5xx", &RESPONSES_5XX),
    ] {
        let _ = writeln!(
            out,
            "dar_http_responses_total{{class=\"{class}\"}} {}",
            counter.load(Ordering::Relaxed)
        );
    }
    out.push_str("# HELP dar_ledger_entries_posted_total Ledger entries posted by this process.\n");
    out.push_str("# TYPE dar_ledger_entries_posted_total counter\n");
    let _ = writeln!(
        out,
        "dar_ledger_entries_posted_total {}",
        ENTRIES_POSTED.load(Ordering::Relaxed)
    );
    out.push_str(
        "# HELP dar_ledger_writer_panics_total Ledger writer threads that panicked and were replaced.\n",
    );
    out.push_str("# TYPE dar_ledger_writer_panics_total counter\n");
    let _ = writeln!(
        out,
        "dar_ledger_writer_panics_total {}",
        WRITER_PANICS.load(Ordering::Relaxed)
    );
    out
}
