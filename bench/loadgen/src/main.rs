//! `clerk-wasm-loadgen`: a small HTTP/1.1 keep-alive load generator for `bench/server.mjs`.
//!
//! `--connections` connections each send the same request back to back: first for `--warmup` seconds (not
//! counted), then for `--duration` seconds. A request is an error when its status is not 2xx or it got no answer.
//! One JSON object goes to stdout (see [`stats::Report`]); a summary of failures, if any, to stderr.
//!
//! ```text
//! clerk-wasm-loadgen --url 'http://127.0.0.1:8787/v1/client?_is_native=1' -H 'Authorization: client_….…'
//! ```
#![deny(missing_docs)]

mod connection;
mod options;
mod stats;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;
use tokio::task::JoinSet;

use crate::connection::Window;
use crate::options::{Options, Target};
use crate::stats::{Report, Tally};

fn main() -> ExitCode {
    let options = Options::parse();
    let targets = match Target::all_from_options(&options) {
        Ok(targets) => targets,
        Err(message) => {
            eprintln!("clerk-wasm-loadgen: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = if options.threads == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(usize::from(options.threads))
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("clerk-wasm-loadgen: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let report = runtime.block_on(load(targets.into_iter().map(Arc::new).collect(), &options));
    match serde_json::to_string(&report) {
        Ok(json) => println!("{json}"),
        Err(err) => {
            eprintln!("clerk-wasm-loadgen: cannot serialise the report: {err}");
            return ExitCode::FAILURE;
        }
    }
    if report.errors > 0 {
        let statuses: Vec<String> = report
            .statuses
            .iter()
            .map(|(s, n)| format!("{s}×{n}"))
            .collect();
        eprintln!(
            "clerk-wasm-loadgen: {} of {} requests failed (answers: {}; without an answer: {}{})",
            report.errors,
            report.requests,
            if statuses.is_empty() {
                "none".to_string()
            } else {
                statuses.join(", ")
            },
            report.transport_errors,
            report
                .first_error
                .as_deref()
                .map(|e| format!(", first: {e}"))
                .unwrap_or_default(),
        );
    }
    ExitCode::SUCCESS
}

/// Run every connection through the warm-up and the measured window, and summarise.
async fn load(targets: Vec<Arc<Target>>, options: &Options) -> Report {
    let measure_from = Instant::now() + options.warmup;
    let window = Window {
        measure_from,
        end: measure_from + options.duration,
    };
    let mut tasks = JoinSet::new();
    for (_, target) in (0..options.connections).zip(targets.iter().cycle()) {
        let target = target.clone();
        tasks.spawn(async move { connection::run(&target, window).await });
    }
    let mut total = Tally::default();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(tally) => total.merge(tally),
            Err(err) => total.failure(format!("connection task failed: {err}")),
        }
    }
    // Requests in flight at the window's end still finish and count, so the window lasts until the last one did.
    let elapsed = Instant::now().saturating_duration_since(measure_from);
    total.report(elapsed, options.connections)
}
