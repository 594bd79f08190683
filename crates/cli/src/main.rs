//! `gong-timeline`: the command line. Parses arguments, sets up logging, and calls
//! one function per command; everything else lives in the library crates.
// Only `memory` may use unsafe code (three C option setters).
#![deny(unsafe_code)]

mod args;
mod commands;
mod error_line;
mod memory;
mod output;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a page of meetings is thousands of small
/// strings made and dropped, and glibc's malloc/free (with its consolidation) was the
/// largest single cost of the engine's thread in profiles. Built without transparent
/// huge pages (feature `no_thp`): with them, memory came and stayed in 2 MB pieces
/// (peak RSS at 100,000 calls 150 MB with them, 111 MB without; README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Before the runtime starts its threads and before SQLite starts.
    let tuned = memory::tune();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(tuned))
}

async fn run(tuned: Result<(), memory::Untuned>) -> ExitCode {
    let cli = args::Cli::parse();
    init_tracing();
    if let Err(untuned) = tuned {
        tracing::warn!("{untuned}");
    }
    match commands::run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", error_line::error_line(&error));
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr, warnings and up unless `RUST_LOG` says otherwise, so that
/// `--format json` output on stdout stays machine-readable; colours only on a
/// terminal. A failed job's reason is printed once, by the command's summary, so the
/// engine's own "Job failed." warning is left to servers' logs.
fn init_tracing() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,gong_timeline_sync::runner=error")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}
