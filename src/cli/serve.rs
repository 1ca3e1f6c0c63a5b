//! `framemark serve`: the HTTP API (see the `framemark::serve` module docs for the endpoints).

use std::net::SocketAddr;
use std::num::{NonZeroU64, NonZeroUsize};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};

use super::ModelArgs;
use framemark::serve::{shutdown_signal, Limits, Server};

/// How long exiting waits for inferences still running after the server stopped.
const EXIT_WAIT: Duration = Duration::from_secs(5);

/// Arguments of `framemark serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on, IP:PORT. Port 0 picks a free port. Either way the address is printed as
    /// `listening on ADDR`, the first line on stderr. The default listens on loopback only.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    bind: SocketAddr,
    /// Inferences running at once; further requests wait in a queue, first come first served, until
    /// a slot frees or their --request-timeout passes.
    #[arg(long, default_value = "2", value_name = "N")]
    max_concurrency: NonZeroUsize,
    /// Largest request body in bytes; a larger one is answered 413.
    #[arg(long, default_value_t = 2 * 1024 * 1024, value_name = "BYTES")]
    max_body_bytes: usize,
    /// Most documents in one request; more are answered 413.
    #[arg(long, default_value = "64", value_name = "N")]
    max_documents: NonZeroUsize,
    /// Longest document, in characters (as for `classify`); a longer one is answered 413.
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    max_chars: usize,
    /// Seconds a request may take, from its headers to its answer, waiting for a slot included; past
    /// it the answer is 503. Shutdown waits this long (plus 5 s) for requests in flight.
    #[arg(long, default_value = "60", value_name = "SECS")]
    request_timeout: NonZeroU64,
    #[command(flatten)]
    model: ModelArgs,
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let classifier = args.model.classifier()?;
    let limits = Limits {
        max_concurrency: args.max_concurrency.get(),
        max_body_bytes: args.max_body_bytes,
        max_documents: args.max_documents.get(),
        max_chars: args.max_chars,
        request_timeout: Duration::from_secs(args.request_timeout.get()),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the async runtime")?;
    let served = runtime.block_on(async {
        let server = Server::bind(args.bind, classifier, limits).await?;
        eprintln!("listening on {}", server.local_addr());
        server
            .run(async {
                shutdown_signal().await;
                eprintln!("framemark: shutting down, finishing requests in flight");
            })
            .await
    });
    // An inference whose request timed out may still be running: give it a moment, not forever.
    runtime.shutdown_timeout(EXIT_WAIT);
    served?;
    eprintln!("framemark: stopped");
    Ok(ExitCode::SUCCESS)
}
