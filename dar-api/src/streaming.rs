//! Response bodies written by a blocking thread (a ZIP of certificates, an export of the
//! register) and sent as they are written, through a small bounded channel: the thread
//! waits while the client reads, so memory stays flat however long the body.

use std::io::Write;

use actix_web::web::Bytes;

/// Chunks of about this size go to the client.
const CHUNK: usize = 64 * 1024;
/// Chunks written ahead of the client.
const AHEAD: usize = 4;

/// A `Write` that hands what is written to an HTTP response body in chunks; fails once the
/// client has gone, which stops the thread writing.
pub struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Runs `write` on a thread of its own (named `name`, in the caller's tracing span) and
/// streams what it writes. A failure after the first bytes can only cut the body short:
/// it is logged, and the client sees the connection end with an error.
pub fn from_thread<F>(
    name: &str,
    write: F,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + use<F>
where
    F: FnOnce(ChannelWriter) -> anyhow::Result<()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(AHEAD);
    let span = tracing::Span::current();
    let thread = name.to_string();
    let spawned = std::thread::Builder::new().name(name.into()).spawn(move || {
        let _entered = span.enter();
        let error_tx = tx.clone();
        let writer = ChannelWriter {
            tx,
            buf: Vec::with_capacity(CHUNK),
        };
        if let Err(e) = write(writer) {
            tracing::warn!(thread = %thread, error = %format!("{e:#}"), "streamed response stopped");
            let _ = error_tx.blocking_send(Err(std::io::Error::other(e.to_string())));
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start a streaming thread");
    }
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}
