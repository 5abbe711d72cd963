//! `streamtide`: the one binary. Parses the command line, loads the configuration and hands off to
//! the command modules, which wire the library crates together.

mod commands;
mod output;
mod settings;
mod shutdown;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use streamtide_core::Platform;
use streamtide_storage::Job;

use crate::settings::Settings;

#[derive(Parser, Debug)]
#[command(
    name = "streamtide",
    version,
    about = "Who is rising, who is falling, and what is live now on CHZZK, SOOP, Twitch and YouTube."
)]
struct Cli {
    /// Configuration file (default: ./streamtide.toml if present).
    #[arg(long, global = true, env = "STREAMTIDE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The main job: collector daemon and API server in one process.
    Run,
    /// API server only (another process collects).
    Serve,
    /// Collection rounds from the command line.
    Collect {
        /// One round of each job, then exit with a summary.
        #[arg(long)]
        once: bool,
        /// Only this platform.
        #[arg(long)]
        platform: Option<Platform>,
        /// Only this job (live, channels, videos); default all.
        #[arg(long, value_parser = parse_job)]
        job: Option<Job>,
    },
    /// Start the built-in platform simulator and run the real collector and server against it.
    Demo {
        /// Database of the demo (kept apart from the real one).
        #[arg(long, default_value = "sqlite://streamtide-demo.db")]
        db: String,
        /// Channels per simulated platform.
        #[arg(long, default_value_t = 400)]
        channels: usize,
        /// Roster size per platform (channels tracked for followers and videos).
        #[arg(long, default_value_t = 40)]
        track: usize,
    },
    /// Manage the roster of tracked channels.
    Channels {
        #[command(subcommand)]
        action: ChannelsAction,
    },
    /// Print the merged live list.
    Live {
        #[arg(long, default_value_t = 30)]
        limit: u32,
        #[arg(long)]
        platform: Option<Platform>,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Create or update the database schema.
    Migrate,
}

#[derive(Subcommand, Debug)]
enum ChannelsAction {
    /// Track a channel by URL or id (`chzzk:<id>`, `soop:<bj id>`, or `--platform P NAME`).
    Add {
        input: String,
        /// Platform of a bare name or id that is not a URL.
        #[arg(long)]
        platform: Option<Platform>,
    },
    /// List channels.
    List {
        #[arg(long)]
        platform: Option<Platform>,
        /// Include channels only seen in live lists.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Stop tracking a channel (its history is kept).
    Remove {
        input: String,
        #[arg(long)]
        platform: Option<Platform>,
    },
}

#[derive(Subcommand, Debug)]
enum ConfigAction {
    /// Print the annotated default configuration.
    Default,
    /// Print the effective configuration (defaults + file + environment).
    Show,
}

fn parse_job(s: &str) -> Result<Job, String> {
    Job::ALL
        .into_iter()
        .find(|j| j.as_str() == s)
        .ok_or_else(|| format!("unknown job `{s}` (expected live, channels or videos)"))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    init_tracing();
    let cli = Cli::parse();
    match dispatch(cli).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

async fn dispatch(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    use std::process::ExitCode;
    if let Command::Config {
        action: ConfigAction::Default,
    } = &cli.command
    {
        print!("{}", settings::EXAMPLE_CONFIG);
        return Ok(ExitCode::SUCCESS);
    }
    let settings = Settings::load(cli.config.as_deref())?;
    match cli.command {
        Command::Run => commands::run::run(settings).await?,
        Command::Serve => commands::run::serve(settings).await?,
        Command::Collect {
            once,
            platform,
            job,
        } => {
            if !once {
                anyhow::bail!("`collect` needs --once (the daemon is `streamtide run`)");
            }
            return commands::collect::once(settings, platform, job).await;
        }
        Command::Demo {
            db,
            channels,
            track,
        } => commands::demo::run(settings, db, channels, track).await?,
        Command::Channels { action } => match action {
            ChannelsAction::Add { input, platform } => {
                commands::channels::add(settings, &input, platform).await?
            }
            ChannelsAction::List {
                platform,
                all,
                json,
            } => commands::channels::list(settings, platform, all, json).await?,
            ChannelsAction::Remove { input, platform } => {
                commands::channels::remove(settings, &input, platform).await?
            }
        },
        Command::Live {
            limit,
            platform,
            json,
        } => commands::live::print(settings, limit, platform, json).await?,
        Command::Config {
            action: ConfigAction::Show,
        } => {
            print!("{}", toml::to_string_pretty(&settings)?);
        }
        Command::Config {
            action: ConfigAction::Default,
        } => unreachable!("handled before loading settings"),
        Command::Migrate => {
            let store = streamtide_storage::Store::connect(&settings.storage.url).await?;
            let n = store.migrate().await?;
            println!(
                "{n} migration(s) applied to {}",
                streamtide_storage::redact_url(&settings.storage.url)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
