//! `streamtide-bench`: the figures of BENCHMARKS.md, measured on this machine (see the
//! library's header). It uses the built-in defaults, not a local configuration, so its figures
//! are comparable between machines.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use streamtide_bench::run::{self, BenchArgs, Worker};

#[derive(Parser, Debug)]
#[command(
    name = "streamtide-bench",
    version,
    about = "Measure collection rounds, store writes and the API on this machine (see BENCHMARKS.md)."
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(flatten)]
    args: BenchArgs,
    #[command(subcommand)]
    command: Option<Hidden>,
}

#[derive(Subcommand, Debug)]
enum Hidden {
    /// One measured part, run in its own process; prints its result as one JSON line.
    #[command(hide = true)]
    Worker {
        #[command(subcommand)]
        part: Worker,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Hidden::Worker { part }) => run::worker(part).await.map(|()| ExitCode::SUCCESS),
        None => run::run(cli.args).await,
    };
    result.unwrap_or_else(|e| {
        eprintln!("streamtide-bench: {e:#}");
        ExitCode::FAILURE
    })
}
