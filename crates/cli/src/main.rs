//! `streamtide`: the one binary. Parses the command line, loads the configuration and hands off to
//! the command modules, which wire the library crates together.

mod commands;
mod output;
mod settings;
mod shutdown;
mod validate;
mod wiring;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use streamtide_core::Platform;
use streamtide_storage::{Job, TrendSort};

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
    /// The database of this command: `sqlite://PATH` (or just the file's path),
    /// `postgres://…`, `mysql://…`. Overrides `storage.url`; `demo` defaults to
    /// sqlite://streamtide-demo.db, so `trends --db streamtide-demo.db` reads the demo's.
    #[arg(long, global = true, value_name = "URL")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The main job: collector daemon and API server in one process.
    Run,
    /// API server only (another process collects).
    Serve,
    /// Write the Kafka event stream (`[events.kafka]`) to the store, as one worker of the
    /// ingest consumer group; Ctrl-C/SIGTERM stops it after committing the batch in hand.
    Ingest {
        /// Also serve the API and /metrics on `server.bind`.
        #[arg(long)]
        serve: bool,
    },
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
        /// Channels per simulated platform.
        #[arg(long, default_value_t = 400)]
        channels: usize,
        /// Roster size per platform (channels tracked for followers and videos).
        #[arg(long, default_value_t = 40)]
        track: usize,
        /// The simulated market: `small` (`--channels` per platform) or `full` (the Korean
        /// market's real size: ~3,000 CHZZK, ~6,000 SOOP and ~2,000 Korean Twitch broadcasts
        /// live at once, every one read each live round).
        #[arg(long, value_enum, default_value_t = commands::demo::Market::Small)]
        market: commands::demo::Market,
        /// Days of simulated past written for every tracked channel before the demo starts
        /// (followers, views, videos, broadcasts with their viewers), so rankings and charts are
        /// full on the first screen; 0 for none. Only into a database without observations.
        #[arg(long, value_name = "DAYS", default_value_t = 90)]
        history: u32,
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
    /// Top gainers or losers of a metric over a period, from the daily rollups.
    Trends {
        /// followers, views, viewers (average live viewers), peak_viewers or hours_watched.
        #[arg(long, default_value = "followers")]
        metric: String,
        /// 1d, 7d, 30d or 90d.
        #[arg(long, default_value = "7d")]
        period: String,
        /// How many.
        #[arg(long, default_value_t = 20)]
        top: u32,
        /// Top losers instead of gainers.
        #[arg(long)]
        down: bool,
        #[arg(long)]
        platform: Option<Platform>,
        /// Category (id or name) of the channels' latest broadcast.
        #[arg(long)]
        category: Option<String>,
        /// Rank by percent change instead of absolute change (`--sort pct`).
        #[arg(long, conflicts_with = "sort")]
        pct: bool,
        /// change (absolute; the default), pct, or total: a leaderboard by the period's figure
        /// (hours watched, average or peak viewers, followers), the default with `--scope all`.
        #[arg(long, value_enum)]
        sort: Option<commands::trends::SortArg>,
        /// Rank creators (each the sum of their channels on every platform) instead of channels.
        #[arg(long)]
        by_creator: bool,
        /// Only channels on the tracked roster (added or imported), not those only seen live.
        #[arg(long, conflicts_with = "scope")]
        tracked: bool,
        /// all: every broadcaster seen, tracked or not (the market's streamer ranking, by the
        /// period's figure unless `--sort` says otherwise); tracked: only the roster.
        #[arg(long, value_enum)]
        scope: Option<commands::trends::ScopeArg>,
        /// JSON (the API's `/trends` shape) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Daily rollups: status, `--rebuild` them from the raw observations, `--thin` old raw rows.
    Rollup {
        #[arg(long)]
        rebuild: bool,
        /// Thin raw observations older than `analytics.keep_raw_days` now.
        #[arg(long)]
        thin: bool,
    },
    /// Write a channel's history or daily rollups, or a ranking, as CSV or .xlsx (by the file's
    /// extension), with creator, platform, channel name and channel URL columns.
    Export {
        #[arg(long, value_enum)]
        what: commands::export::ExportWhat,
        /// The file to write: .csv (UTF-8 with BOM, for Excel) or .xlsx.
        #[arg(long)]
        out: PathBuf,
        /// history/daily: the channel's platform (for a bare id or name); trends: only this
        /// platform.
        #[arg(long)]
        platform: Option<Platform>,
        /// history/daily: the channel, as `channels add` takes it: its URL, `chzzk:<id>`,
        /// `soop:<bj id>`, or an id/handle with --platform.
        #[arg(long)]
        channel: Option<String>,
        /// history: followers, views or viewers; trends: followers, views, viewers or hours_watched.
        #[arg(long, default_value = "followers")]
        metric: String,
        /// history/daily: how many days back.
        #[arg(long, default_value_t = 90)]
        days: u32,
        /// trends: 1d, 7d, 30d or 90d.
        #[arg(long, default_value = "7d")]
        period: String,
        /// trends: how many.
        #[arg(long, default_value_t = 100)]
        top: u32,
        /// trends: losers instead of gainers.
        #[arg(long)]
        down: bool,
        /// trends: rank by percent change.
        #[arg(long)]
        pct: bool,
        /// trends: rank creators (their channels summed) instead of channels.
        #[arg(long)]
        by_creator: bool,
    },
    /// One workbook for a period: risers and fallers by creator and per platform, and the daily
    /// figures of every tracked channel.
    Report {
        /// 1d, 7d, 30d or 90d.
        #[arg(long, default_value = "7d")]
        period: String,
        /// The workbook to write (.xlsx).
        #[arg(long)]
        out: PathBuf,
        /// followers, views, viewers or hours_watched.
        #[arg(long, default_value = "followers")]
        metric: String,
        /// Rows of each ranking.
        #[arg(long, default_value_t = 50)]
        top: u32,
    },
    /// Import a roster of creators and channels (.xlsx, .xls, .ods or .csv); exits 1 when any
    /// row was not imported.
    #[command(group(clap::ArgGroup::new("roster").required(true).args(["file", "retry"])))]
    Import {
        /// The roster file (or --retry).
        file: Option<PathBuf>,
        /// Text encoding of a CSV: utf-8, cp949 (= euc-kr, what Korean Excel saves), utf-16;
        /// default: detected.
        #[arg(long)]
        encoding: Option<String>,
        /// Retry the rows kept because their platform was unreachable (also done by `run`).
        #[arg(long)]
        retry: bool,
        /// The report as JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Creators: the people behind channels, across platforms.
    Creators {
        #[command(subcommand)]
        action: CreatorsAction,
    },
    /// Alerts: the rules and destinations in force, recent deliveries, a test message.
    Alerts {
        #[command(subcommand)]
        action: AlertsAction,
    },
    /// The browser extension (new-tab live board), for Chrome or Firefox.
    Extension {
        #[command(subcommand)]
        action: ExtensionAction,
    },
}

#[derive(Subcommand, Debug)]
enum AlertsAction {
    /// The destinations (names and kinds), the rules and the latest deliveries.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Send a sample message to one destination now (its `name` in [[alerts.channels]]).
    Test {
        /// The destination's name.
        channel: String,
    },
}

#[derive(Subcommand, Debug)]
enum ExtensionAction {
    /// Package the extension: a zip for the Chrome Web Store, or a Firefox add-on.
    Pack {
        /// The zip to write (default: ./streamtide-extension-VERSION.zip).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also (or, without --out, only) write the files to this directory, to load unpacked.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Leave the new tab alone: the board is in the toolbar popup only.
        #[arg(long)]
        popup_only: bool,
        /// Your streamtide server (https://…; http only for 127.0.0.1/localhost): the default of
        /// the package, which then asks host permission for that origin only.
        #[arg(long)]
        server: Option<String>,
        /// The extension's name in the store and the browser (default: "streamtide — live now"
        /// in English, "streamtide — 지금 방송 중" in Korean).
        #[arg(long)]
        name: Option<String>,
        /// The browser: chrome (Chrome Web Store zip) or firefox (add-on .xpi).
        #[arg(long, value_enum, default_value = "chrome")]
        target: commands::extension::Target,
        /// Firefox's add-on id (default: streamtide@<server host>).
        #[arg(long)]
        gecko_id: Option<String>,
    },
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
enum CreatorsAction {
    /// List creators with their channels.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Link a tracked channel to a creator (created if the name is new).
    Link {
        /// Creator id or name.
        creator: String,
        /// The channel: URL, `chzzk:<id>`, `soop:<bj>`, or with --platform.
        channel: String,
        #[arg(long)]
        platform: Option<Platform>,
    },
    /// Detach a channel from its creator.
    Unlink {
        channel: String,
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
async fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    match dispatch(cli).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
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

/// `config default` and `extension pack` run without the settings; every other command loads
/// them and goes to its group.
async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Command::Config {
        action: ConfigAction::Default,
    } = &cli.command
    {
        print!("{}", settings::EXAMPLE_CONFIG);
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Extension { action } = cli.command {
        pack_extension(action)?;
        return Ok(ExitCode::SUCCESS);
    }
    let settings = load_settings(&cli)?;
    prepare(&cli.command, &settings).await?;
    match cli.command {
        command @ (Command::Run
        | Command::Serve
        | Command::Ingest { .. }
        | Command::Collect { .. }
        | Command::Demo { .. }) => collection_command(command, settings).await,
        command @ (Command::Channels { .. }
        | Command::Creators { .. }
        | Command::Live { .. }
        | Command::Alerts { .. }) => catalog_command(command, settings).await,
        command @ (Command::Trends { .. }
        | Command::Rollup { .. }
        | Command::Export { .. }
        | Command::Report { .. }) => analytics_command(command, settings).await,
        command @ (Command::Config { .. }
        | Command::Migrate
        | Command::Import { .. }
        | Command::Extension { .. }) => admin_command(command, settings).await,
    }
}

/// `extension pack` needs neither the settings nor a database.
fn pack_extension(action: ExtensionAction) -> anyhow::Result<()> {
    let ExtensionAction::Pack {
        out,
        dir,
        popup_only,
        server,
        name,
        target,
        gecko_id,
    } = action;
    let opts = commands::extension::PackOptions {
        variant: if popup_only {
            commands::extension::Variant::PopupOnly
        } else {
            commands::extension::Variant::NewTab
        },
        target,
        server: server
            .as_deref()
            .map(commands::extension::validate_server)
            .transpose()?,
        name,
        gecko_id,
    };
    commands::extension::pack(out, dir, &opts)
}

fn load_settings(cli: &Cli) -> anyhow::Result<Settings> {
    let mut settings = Settings::load(cli.config.as_deref())?;
    // The demo keeps its own database unless told otherwise; every other command reads `--db`,
    // else `storage.url`.
    if matches!(cli.command, Command::Demo { .. }) {
        settings.storage.url =
            wiring::database::url_from_arg(cli.db.as_deref().unwrap_or(wiring::database::DEMO_DB));
    } else if let Some(db) = &cli.db {
        settings.storage.url = wiring::database::url_from_arg(db);
    }
    Ok(settings)
}

/// What must happen before a command that writes samples runs.
async fn prepare(command: &Command, settings: &Settings) -> anyhow::Result<()> {
    if matches!(
        command,
        Command::Run | Command::Serve | Command::Collect { .. } | Command::Ingest { .. }
    ) {
        // The rollups' days follow `analytics.timezone` (rebuilt if it changed).
        commands::rollup::prepare(settings).await?;
    }
    if matches!(command, Command::Run) {
        // Retention runs beside the daemon; it ends with the process.
        tokio::spawn(commands::rollup::retention_loop(settings.clone()));
    }
    Ok(())
}

/// The daemon, the collector and the demo.
async fn collection_command(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run => commands::run::run(settings).await?,
        Command::Serve => commands::run::serve(settings).await?,
        Command::Ingest { serve } => commands::ingest::run(settings, serve).await?,
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
            channels,
            track,
            market,
            history,
        } => {
            let db = settings.storage.url.clone();
            let sim = commands::demo::simulator_config(market, channels);
            commands::demo::run(settings, db, sim, track, history).await?
        }
        _ => unreachable!("dispatch sends only collection commands here"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The tracked channels, the creators they belong to, who is live and the alerts.
async fn catalog_command(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
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
        Command::Creators { action } => match action {
            CreatorsAction::List { json } => commands::creators::list(settings, json).await?,
            CreatorsAction::Link {
                creator,
                channel,
                platform,
            } => commands::creators::link(settings, &creator, &channel, platform).await?,
            CreatorsAction::Unlink { channel, platform } => {
                commands::creators::unlink(settings, &channel, platform).await?
            }
        },
        Command::Live {
            limit,
            platform,
            json,
        } => commands::live::print(settings, limit, platform, json).await?,
        Command::Alerts { action } => {
            return match action {
                AlertsAction::List { json } => commands::alerts::list(settings, json).await,
                AlertsAction::Test { channel } => commands::alerts::test(settings, &channel).await,
            }
        }
        _ => unreachable!("dispatch sends only catalog commands here"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Trends, rollups, exports and reports over the stored samples.
async fn analytics_command(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Trends {
            metric,
            period,
            top,
            down,
            platform,
            category,
            pct,
            sort,
            by_creator,
            tracked,
            scope,
            json,
        } => {
            let (sort, tracked) = commands::trends::sort_and_scope(pct, sort, tracked, scope);
            let args = commands::trends::TrendArgs {
                metric,
                period,
                top,
                down,
                platform,
                category,
                sort,
                by_creator,
                tracked,
            };
            commands::trends::print(settings, args, json).await?
        }
        Command::Rollup { rebuild, thin } => commands::rollup::run(settings, rebuild, thin).await?,
        Command::Export {
            what,
            out,
            platform,
            channel,
            metric,
            days,
            period,
            top,
            down,
            pct,
            by_creator,
        } => {
            let series = commands::export::SeriesArgs {
                platform,
                channel,
                metric: metric.clone(),
                days,
            };
            let trends = commands::trends::TrendArgs {
                metric,
                period,
                top,
                down,
                platform: series.platform,
                category: None,
                sort: if pct {
                    TrendSort::Pct
                } else {
                    TrendSort::Change
                },
                by_creator,
                tracked: false,
            };
            commands::export::run(settings, what, series, trends, &out).await?
        }
        Command::Report {
            period,
            out,
            metric,
            top,
        } => commands::report::run(settings, &period, &metric, top, &out).await?,
        _ => unreachable!("dispatch sends only analytics commands here"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The configuration, the schema and roster imports.
async fn admin_command(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Config {
            action: ConfigAction::Show,
        } => {
            // Secrets serialize as "***" themselves; a password inside the storage URL is
            // redacted here.
            let mut shown = settings.clone();
            shown.storage.url = streamtide_storage::redact_url(&shown.storage.url);
            print!("{}", toml::to_string_pretty(&shown)?);
        }
        Command::Config {
            action: ConfigAction::Default,
        }
        | Command::Extension { .. } => unreachable!("handled before loading settings"),
        Command::Import {
            file,
            encoding,
            retry,
            json,
        } => {
            return match file {
                Some(file) if !retry => {
                    commands::import::run(settings, &file, encoding.as_deref(), json).await
                }
                _ => commands::import::retry(settings, json).await,
            }
        }
        Command::Migrate => {
            wiring::database::check_can_create(&settings.storage.url)?;
            let store = streamtide_storage::Store::connect(&settings.storage.url).await?;
            let n = store.migrate().await?;
            println!(
                "{n} migration(s) applied to {}",
                streamtide_storage::redact_url(&settings.storage.url)
            );
        }
        _ => unreachable!("dispatch sends only admin commands here"),
    }
    Ok(ExitCode::SUCCESS)
}
