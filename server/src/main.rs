//! `clerk-wasm-server`: parse the command line, log to standard error, run until SIGINT/SIGTERM.

use std::io::IsTerminal;

use clap::Parser;
use clerk_wasm_server::config::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let config = Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    if let Err(err) = clerk_wasm_server::run(config, clerk_wasm_server::shutdown_signal()).await {
        tracing::error!("{err}");
        eprintln!("clerk-wasm-server: {err}");
        std::process::exit(1);
    }
}
