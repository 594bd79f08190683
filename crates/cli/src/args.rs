//! The command line: every command of SPEC's CLI contract, as clap types.
//!
//! Names, flags and defaults here are a stable contract that scripts depend on:
//! extend, never rename.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use gong_timeline_domain::retention::{Retention, DEFAULT_DAYS};
use gong_timeline_domain::{ActivityId, JobId, UserId};

/// The database used when neither `--db` nor `GONG_TIMELINE_DB` is given.
pub const DEFAULT_DB: &str = "sqlite://gong-timeline.db";

/// gong-timeline: every Gong meeting, on the customer Timeline.
#[derive(Debug, Parser)]
#[command(name = "gong-timeline", version, about, long_about = None)]
pub struct Cli {
    /// Database URL: sqlite://FILE (created on first use) or postgres://user@host/db.
    #[arg(
        long,
        global = true,
        env = "GONG_TIMELINE_DB",
        default_value = DEFAULT_DB
    )]
    pub db: String,

    /// How long a sync keeps retrying while Gong is unreachable or failing (5xx,
    /// timeouts), in seconds, before it fails keeping its checkpoint.
    #[arg(
        long,
        global = true,
        env = "GONG_TIMELINE_GONG_RETRY_WINDOW",
        default_value_t = 600,
        value_name = "SECONDS"
    )]
    pub gong_retry_window: u64,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of listings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable table.
    #[default]
    Table,
    /// JSON: an array for listings, one object for a single record or a job summary.
    Json,
}

/// `--format` for every listing.
#[derive(Debug, Clone, Copy, Args)]
pub struct FormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Try the product: simulator + seeded data + sync + web UI.
    Demo(DemoArgs),
    /// Serve the web UI, the JSON API and the four-hourly scheduler.
    Serve(ServeArgs),
    /// Admin accounts of the web UI and JSON API.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Run one sync job of a connection now.
    Sync(SyncArgs),
    /// Import Timeline records from CSV files.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Manage Gong connections.
    #[command(subcommand)]
    Connection(ConnectionCommand),
    /// Show or change a connection's integration settings.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Timeline users and their Gong user mappings.
    #[command(subcommand)]
    Users(UsersCommand),
    /// The execution log: jobs, records, .xlsx export.
    #[command(subcommand)]
    Log(LogCommand),
    /// List Timeline activities.
    Activities(ActivitiesArgs),
    /// List companies.
    #[command(subcommand)]
    Companies(ListOnly),
    /// List company persons.
    #[command(subcommand)]
    Persons(ListOnly),
    /// Run the Gong API simulator alone.
    Sim(SimArgs),
    /// Benchmark one full sync against the simulator (limits off) and print one JSON line
    /// (in a fresh SQLite file, or with --db postgres://… in a fresh schema it drops).
    Bench(BenchArgs),
    /// Database tools: copy a deployment to another database.
    #[command(subcommand)]
    Db(DbCommand),
    /// Erase a person by email address: every local trace is removed or anonymised in
    /// one transaction, and a receipt (counts per table, the address's SHA-256) is kept.
    Erase(EraseArgs),
    /// Purge now, for every connection, the activities and stored meetings older than
    /// the retention period (serve does it at every slot), each logged as a job.
    Retention(RetentionArgs),
    /// The audit log: every admin change, newest first, with who, when, from where and
    /// the value before and after (secrets never) (A4).
    Audit(AuditArgs),
    /// Stored meetings: which are not on the Timeline, and why.
    #[command(subcommand)]
    Meetings(MeetingsCommand),
    /// Gong requests of a connection per day and purpose, its budget and what is left
    /// (Q4), in the columns of Gong's own API usage report.
    Usage(UsageArgs),
}

/// `audit` arguments (A4).
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The newest this many entries.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,
    /// Output format (`json`: one array of entries).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `meetings` subcommands.
#[derive(Debug, Subcommand)]
pub enum MeetingsCommand {
    /// Stored meetings of the backfill window not on the Timeline, grouped by reason,
    /// with counts, the newest examples and the fix for each (evaluated locally under
    /// the current settings: no Gong request).
    Pending {
        /// Connection name.
        #[arg(long)]
        connection: String,
        /// Output format (`json`: an array of groups).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// `usage` arguments (Q4).
#[derive(Debug, Args)]
pub struct UsageArgs {
    /// Connection name.
    #[arg(long)]
    pub connection: String,
    /// UTC days to list, today included.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=400))]
    pub days: u32,
    /// Output format (`json`: one object with the budget, the lanes and the days).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `erase` arguments (G2).
#[derive(Debug, Args)]
pub struct EraseArgs {
    /// The person's email address.
    #[arg(long)]
    pub email: String,
    /// Print what would be erased, change nothing and keep no receipt.
    #[arg(long)]
    pub dry_run: bool,
    /// Then ask every connection's Gong account to erase the address too, and wait
    /// until Gong reports no call left with it.
    #[arg(long)]
    pub also_in_gong: bool,
    /// With --also-in-gong: how long to wait for Gong to report the erasure done
    /// (Gong may take hours; 0 = do not wait).
    #[arg(long, default_value_t = 10)]
    pub wait_minutes: u64,
    /// Output format of the receipt.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `db` subcommands.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy a whole deployment into an empty database (e.g. SQLite to PostgreSQL)
    /// and print each table's row count on both sides.
    Copy(DbCopyArgs),
}

/// `db copy` arguments.
#[derive(Debug, Args)]
pub struct DbCopyArgs {
    /// The database to copy (sqlite://… or postgres://…); it is only read.
    #[arg(long)]
    pub from: String,
    /// The empty database to fill (sqlite://… or postgres://…).
    #[arg(long)]
    pub to: String,
}

/// `companies list` / `persons list`.
#[derive(Debug, Subcommand)]
pub enum ListOnly {
    /// List the imported records, with ids.
    List(FormatArg),
}

/// `demo` arguments. `--db` names a new database for the demo (an existing file is
/// refused); without it the demo recreates its own `gong-timeline-demo.db`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Exit after the first sync with a summary instead of serving the UI.
    #[arg(long)]
    pub once: bool,
    /// Number of simulated Gong calls.
    #[arg(long, default_value_t = 300)]
    pub calls: u64,
    /// Seed of the simulated data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Address of the web UI.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Directory of generated .xlsx exports.
    #[arg(long, default_value = "gong-timeline-demo-exports")]
    pub export_dir: PathBuf,
}

/// `serve` arguments.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The URL users reach this server at; the OAuth redirect URL registered with
    /// your Gong app is this plus `/oauth/callback`. Default: http://BIND.
    #[arg(long, env = "GONG_TIMELINE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// How long a call Gong pushed waits for others to join its batch (one Gong
    /// request re-reads up to 100): lower is fresher, higher spends fewer requests.
    #[arg(
        long,
        env = "GONG_TIMELINE_WEBHOOK_BATCH_SECONDS",
        default_value_t = 5.0,
        value_parser = batch_seconds
    )]
    pub webhook_batch_seconds: f64,
    /// OAuth client id of your Gong app (enables "Authorize" connections).
    #[arg(long, env = "GONG_CLIENT_ID")]
    pub client_id: Option<String>,
    /// OAuth client secret of your Gong app.
    #[arg(long, env = "GONG_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<String>,
    /// Gong OAuth base URL (consent page and token endpoint).
    #[arg(long, env = "GONG_OAUTH_URL", default_value = "https://app.gong.io")]
    pub oauth_url: String,
    /// Single sign-on (A2): the OpenID Connect issuer URL, e.g.
    /// https://accounts.google.com; with the client id and secret.
    #[arg(long, env = "GONG_TIMELINE_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// Single sign-on: the client id registered with the provider.
    #[arg(long, env = "GONG_TIMELINE_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// Single sign-on: the client secret.
    #[arg(long, env = "GONG_TIMELINE_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// Single sign-on: an email domain that may sign in (repeat for several; none
    /// refuses everyone).
    #[arg(
        long = "oidc-allowed-domain",
        env = "GONG_TIMELINE_OIDC_ALLOWED_DOMAINS",
        value_delimiter = ','
    )]
    pub oidc_allowed_domains: Vec<String>,
    /// Single sign-on: the ID token claim naming the role (admin, member, viewer);
    /// without it, a new account's role follows the Timeline user's license type.
    #[arg(long, env = "GONG_TIMELINE_OIDC_ROLE_CLAIM")]
    pub oidc_role_claim: Option<String>,
    /// Single sign-on: the provider's name on the log-in page.
    #[arg(
        long,
        env = "GONG_TIMELINE_OIDC_NAME",
        default_value = "single sign-on"
    )]
    pub oidc_name: String,
    /// A host (`host` or `host:port`) accepted as a Gong API host besides
    /// https://*.gong.io, e.g. a simulator's `127.0.0.1:9090`. Repeatable.
    #[arg(long = "allow-gong-host")]
    pub allow_gong_hosts: Vec<String>,
    /// Directory of generated .xlsx exports.
    #[arg(long, default_value = "gong-timeline-exports")]
    pub export_dir: PathBuf,
    /// Also serve `/metrics` and `/healthz` without log-in on this address (e.g.
    /// 127.0.0.1:9100, reachable only by the monitoring system). On the main address
    /// `/metrics` needs an API token.
    #[arg(long, env = "GONG_TIMELINE_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
    /// How long a job's lease lasts without a heartbeat: another replica takes a
    /// job over this long after its process stopped; for operators and tests.
    #[arg(
        long,
        hide = true,
        env = "GONG_TIMELINE_LEASE_SECONDS",
        default_value_t = 300
    )]
    pub lease_seconds: u32,
    /// Runs this process's clock (schedule slots, leases, sync windows) this many
    /// seconds ahead of the system's (negative: behind); for tests of the schedule.
    #[arg(
        long,
        hide = true,
        env = "GONG_TIMELINE_CLOCK_OFFSET_SECONDS",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    pub clock_offset_seconds: i64,
    /// Activities and stored meetings that started longer ago than this many days are
    /// purged at every slot, each connection's purge logged as a job (trigger
    /// `retention`). The default is Gong's own retention, three years.
    #[arg(long, env = "GONG_TIMELINE_RETENTION_DAYS", default_value_t = DEFAULT_DAYS, value_parser = retention_days)]
    pub retention_days: u32,
}

/// A retention period in days, checked as the domain does.
fn retention_days(text: &str) -> Result<u32, String> {
    let days: u32 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a whole number of days"))?;
    Retention::days(days).map_err(|e| e.to_string())?;
    Ok(days)
}

/// `retention` arguments: purge now what is older than the period.
#[derive(Debug, Args)]
pub struct RetentionArgs {
    /// The retention period in days (as `serve --retention-days`).
    #[arg(long, default_value_t = DEFAULT_DAYS, value_parser = retention_days)]
    pub days: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `admin` subcommands: accounts of the web UI and API.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an admin account (or, with --reset, set its password).
    Create {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Set the password of an existing account instead.
        #[arg(long)]
        reset: bool,
    },
    /// Lift an admin's log-in lock-out, from every address (after too many wrong
    /// passwords).
    Unlock {
        /// Login name.
        #[arg(long)]
        username: String,
    },
    /// Remove an account's sign-in (A1): no password or single sign-on signs it in
    /// any more, and its sessions and API tokens end at once. The last admin keeps
    /// it; `admin create` gives it back.
    Remove {
        /// Login name.
        #[arg(long)]
        username: String,
    },
    /// Create an API token for an admin and print it (shown once).
    Token {
        /// The admin the token acts for.
        #[arg(long)]
        username: String,
        /// A label for the token ("prometheus", "reporting").
        #[arg(long)]
        name: String,
        /// What it may do: read (the API, downloads and /metrics, no changes),
        /// metrics (/metrics only) or admin (everything).
        #[arg(long, default_value = "read")]
        scope: String,
        /// Days until it stops working; without it, it does not expire.
        #[arg(long)]
        expires_in_days: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// `sync` arguments.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Connection name.
    #[arg(long)]
    pub connection: String,
    /// Re-read Gong from this date (UTC midnight), when Gong's data changed
    /// (trigger `resync`); never further back than the backfill.
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with = "reevaluate")]
    pub from: Option<chrono::NaiveDate>,
    /// Only evaluate the stored meetings again under the current settings, users and
    /// companies (trigger `reevaluate`): no calls are read from Gong.
    #[arg(long)]
    pub reevaluate: bool,
    /// With --from: print what the re-sync would cost (calls, requests, days at the
    /// budget, finish time) and stop; spends one Gong request (Q3).
    #[arg(long, requires = "from")]
    pub dry_run: bool,
    /// How long this job's lease lasts without a heartbeat (another process may take
    /// the job over after it); for operators and tests.
    #[arg(
        long,
        hide = true,
        env = "GONG_TIMELINE_LEASE_SECONDS",
        default_value_t = 300
    )]
    pub lease_seconds: u32,
    /// Output format of the job summary (`json`: one object, not a listing).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `import` subcommands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Companies: header `name,crm_account_id,...` (extra columns are filterable fields).
    Companies {
        /// CSV file.
        file: PathBuf,
    },
    /// Company persons: header `email,name,company`.
    Persons {
        /// CSV file.
        file: PathBuf,
    },
    /// Users: header `email,name,license_type,status,...`.
    Users {
        /// CSV file.
        file: PathBuf,
    },
    /// Activity types: header `name,scope,active`.
    ActivityTypes {
        /// CSV file.
        file: PathBuf,
    },
}

/// `connection` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConnectionCommand {
    /// Create an access-key (HTTP Basic) connection; Gong checks the key first.
    Create(ConnectionCreateArgs),
    /// Create or re-authorise an OAuth connection: prints the Gong consent URL and
    /// waits for the redirect on a local port.
    Authorize(ConnectionAuthorizeArgs),
    /// Rename a connection, change its base URL, or replace its access key and secret
    /// (e.g. after Gong refused them); a new key or URL is checked with Gong first.
    Update(ConnectionUpdateArgs),
    /// Delete a connection: its credentials, settings, user mappings and sync state
    /// go; the Timeline's activities and the execution log are kept.
    Delete(ConnectionDeleteArgs),
    /// List connections with their status and last job (never their credentials).
    List(FormatArg),
    /// Set up Gong's webhook for a connection and print the URL to paste into Gong's
    /// automation rule ("Send to webhook"). Without options it shows the set-up
    /// (making a URL-key one when there is none).
    Webhook(ConnectionWebhookArgs),
}

/// `connection webhook` arguments.
#[derive(Debug, Args)]
pub struct ConnectionWebhookArgs {
    /// Connection name.
    #[arg(long)]
    pub name: String,
    /// Check Gong's signed JWT too: the public key (PEM, or the base64 Gong shows)
    /// copied from the automation rule's "Signed JWT header" option.
    #[arg(long, conflicts_with = "no_jwt")]
    pub public_key_file: Option<PathBuf>,
    /// Authenticate by the URL key alone (Gong's "URL secret" option).
    #[arg(long)]
    pub no_jwt: bool,
    /// Make a new URL key: the old URL stops working at once; paste the new one.
    #[arg(long)]
    pub rotate: bool,
    /// The URL Gong reaches `serve` at (as `serve --public-url`).
    #[arg(
        long,
        env = "GONG_TIMELINE_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `connection update` arguments.
#[derive(Debug, Args)]
pub struct ConnectionUpdateArgs {
    /// Connection name.
    #[arg(long)]
    pub name: String,
    /// Rename the connection.
    #[arg(long)]
    pub new_name: Option<String>,
    /// New Gong API base URL (access-key connections; checked with Gong first).
    #[arg(long)]
    pub base_url: Option<String>,
    /// New Gong access key (checked with Gong first); give its secret with
    /// --access-key-secret-stdin or GONG_ACCESS_KEY_SECRET.
    #[arg(long, env = "GONG_ACCESS_KEY")]
    pub access_key: Option<String>,
    /// New Gong access key secret. Prefer --access-key-secret-stdin or the
    /// GONG_ACCESS_KEY_SECRET variable: a secret on the command line shows in `ps`.
    #[arg(
        long,
        env = "GONG_ACCESS_KEY_SECRET",
        hide_env_values = true,
        requires = "access_key"
    )]
    pub access_key_secret: Option<String>,
    /// Read the new access key secret from the first line of standard input.
    #[arg(long, requires = "access_key", conflicts_with = "access_key_secret")]
    pub access_key_secret_stdin: bool,
}

/// `connection delete` arguments.
#[derive(Debug, Args)]
pub struct ConnectionDeleteArgs {
    /// Connection name.
    #[arg(long)]
    pub name: String,
    /// Delete without asking (needed when standard input is not a terminal).
    #[arg(long)]
    pub yes: bool,
}

/// `connection create` arguments.
#[derive(Debug, Args)]
pub struct ConnectionCreateArgs {
    /// Connection name.
    #[arg(long)]
    pub name: String,
    /// Gong API base URL (e.g. https://us-12345.api.gong.io).
    #[arg(long)]
    pub base_url: String,
    /// Gong access key.
    #[arg(long, env = "GONG_ACCESS_KEY")]
    pub access_key: String,
    /// Gong access key secret. Prefer --access-key-secret-stdin or the
    /// GONG_ACCESS_KEY_SECRET variable: a secret on the command line shows in `ps`.
    #[arg(
        long,
        env = "GONG_ACCESS_KEY_SECRET",
        hide_env_values = true,
        required_unless_present = "access_key_secret_stdin"
    )]
    pub access_key_secret: Option<String>,
    /// Read the access key secret from the first line of standard input.
    #[arg(long, conflicts_with = "access_key_secret")]
    pub access_key_secret_stdin: bool,
    /// Replace the connection that already syncs the same Gong account (same
    /// workspace): it is deleted and this one keeps its activities (S10). Without it,
    /// a second connection to one Gong account is refused.
    #[arg(long)]
    pub replace: bool,
}

/// `connection authorize` arguments.
#[derive(Debug, Args)]
pub struct ConnectionAuthorizeArgs {
    /// Connection name (created if it does not exist).
    #[arg(long)]
    pub name: String,
    /// Gong OAuth base URL (authorize and token endpoints).
    #[arg(long, default_value = "https://app.gong.io")]
    pub oauth_url: String,
    /// OAuth client id of your Gong app.
    #[arg(long, env = "GONG_CLIENT_ID")]
    pub client_id: String,
    /// OAuth client secret of your Gong app.
    #[arg(long, env = "GONG_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: String,
    /// Local address to receive the redirect on.
    #[arg(long, default_value = "127.0.0.1:8765")]
    pub listen: SocketAddr,
}

/// `settings` subcommands.
#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Validate and save settings (the next sync uses them).
    Set(SettingsSetArgs),
    /// How many stored meetings of the last 30 days pass the current filters (or the
    /// filters given here), evaluated locally: no Gong request, nothing saved.
    Preview(SettingsPreviewArgs),
    /// Show a connection's settings.
    Show {
        /// Connection name.
        #[arg(long)]
        connection: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// `settings preview` arguments.
#[derive(Debug, Args)]
pub struct SettingsPreviewArgs {
    /// Connection name.
    #[arg(long)]
    pub connection: String,
    /// Preview these filters instead of the saved ones (repeat for several).
    #[arg(long = "filter")]
    pub filters: Vec<String>,
    /// Advanced logic over the previewed filters' numbers.
    #[arg(long)]
    pub filter_logic: Option<String>,
    /// Output format (`json`: one object).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `settings set` arguments.
#[derive(Debug, Args)]
pub struct SettingsSetArgs {
    /// Connection name.
    #[arg(long)]
    pub connection: String,
    /// The "Sync Gong Meetings" toggle.
    #[arg(long)]
    pub enabled: Option<bool>,
    /// Activity type (an active global type).
    #[arg(long)]
    pub activity_type: Option<String>,
    /// A filter such as `Company.industry = Software`; repeat for several (AND).
    /// Replaces the stored filters when given.
    #[arg(long = "filter")]
    pub filters: Vec<String>,
    /// Advanced logic over the filters' numbers, e.g. `(1 AND 2) OR 3`.
    #[arg(long)]
    pub filter_logic: Option<String>,
    /// Remove every filter.
    #[arg(long, conflicts_with = "filters")]
    pub clear_filters: bool,
    /// Days the first sync reaches back.
    #[arg(long)]
    pub backfill_days: Option<u32>,
    /// Hours each incremental sync re-reads before its checkpoint.
    #[arg(long)]
    pub lookback_hours: Option<u32>,
    /// Fetch, keep and search the calls' transcripts (S9; off by default). Each
    /// sync then asks Gong once per 100 calls on the Timeline without one, the
    /// history included; needs the scope `api:calls:read:transcript`.
    #[arg(long)]
    pub transcripts: Option<bool>,
    /// Gong requests this deployment may send for the connection in any 24 hours
    /// (Q1; default 5000, half of Gong's 10,000 a day).
    #[arg(long)]
    pub daily_budget: Option<u64>,
    /// Gong requests per second at most (Q1; default 3, Gong's limit).
    #[arg(long)]
    pub requests_per_second: Option<f64>,
}

/// `users` subcommands.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Gong users of a connection and their mapping status.
    Gong {
        /// Connection name.
        #[arg(long)]
        connection: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Timeline users.
    List(FormatArg),
    /// Map a Gong user to a Timeline user by hand (e.g. to settle a conflict).
    Resolve(UsersResolveArgs),
}

/// `users resolve` arguments.
#[derive(Debug, Args)]
pub struct UsersResolveArgs {
    /// Connection name.
    #[arg(long)]
    pub connection: String,
    /// Gong user id.
    #[arg(long)]
    pub gong_user: String,
    /// Timeline user id to map to.
    #[arg(long, conflicts_with = "user", required_unless_present = "user")]
    pub user_id: Option<UserId>,
    /// Timeline user email to map to (must match exactly one user, with --license-type).
    #[arg(long)]
    pub user: Option<String>,
    /// License type that picks one of several users sharing the email.
    #[arg(long, requires = "user")]
    pub license_type: Option<String>,
}

/// `log` subcommands.
#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Jobs, newest first.
    Jobs(LogJobsArgs),
    /// One job's meeting records.
    Records {
        /// Job id.
        #[arg(long)]
        job: JobId,
        /// Only records with these statuses (repeatable).
        #[arg(long = "status")]
        statuses: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Write one job's records as an .xlsx workbook.
    Export {
        /// Job id.
        #[arg(long)]
        job: JobId,
        /// Output file.
        #[arg(long)]
        output: PathBuf,
    },
}

/// `log jobs` arguments.
#[derive(Debug, Args)]
pub struct LogJobsArgs {
    /// Only jobs started at or after this date (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    pub from: Option<String>,
    /// Only jobs started before the end of this date (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    pub to: Option<String>,
    /// Only jobs with these statuses (repeatable), e.g. `--status "Partial success"`.
    #[arg(long = "status")]
    pub statuses: Vec<String>,
    /// Only this connection's jobs (by name).
    #[arg(long)]
    pub connection: Option<String>,
    /// Only jobs of these triggers (repeatable): schedule, manual, save, reevaluate,
    /// resync, webhook, retention.
    #[arg(long = "trigger")]
    pub triggers: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `activities` arguments.
#[derive(Debug, Args)]
pub struct ActivitiesArgs {
    /// Only this company's activities (by name).
    #[arg(long)]
    pub company: Option<String>,
    /// Only activities whose subject, brief and key points, attendees (names,
    /// emails) or trackers contain this text, ignoring case, or whose transcript has
    /// every word of it (S9).
    #[arg(long)]
    pub search: Option<String>,
    /// Print the transcript of this activity (by id) instead: each sentence with its
    /// time, speaker and side.
    #[arg(long, conflicts_with_all = ["company", "search"])]
    pub transcript: Option<ActivityId>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `sim` arguments.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9090")]
    pub bind: SocketAddr,
    /// Number of generated calls.
    #[arg(long, default_value_t = 1000)]
    pub calls: u64,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// A scenario file (JSON) replacing the generator.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Turn off Gong's rate limits.
    #[arg(long)]
    pub no_limits: bool,
    /// Also write the matching Timeline CSVs (companies, persons, users) here.
    #[arg(long)]
    pub write_csv: Option<PathBuf>,
    /// Make new calls while running, this many per minute (0: none).
    #[arg(long, default_value_t = 0.0)]
    pub new_calls_per_minute: f64,
    /// Stop making new calls after this many.
    #[arg(long)]
    pub new_calls_max: Option<u64>,
    /// Post each new call to this URL as Gong's webhook does (signed RS256 JWT).
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Sign webhooks with this RSA private key (PEM) instead of the built-in demo
    /// key; its public key is served at /_sim/webhook-public-key.
    #[arg(long)]
    pub webhook_key_file: Option<PathBuf>,
    /// Seconds between a new call appearing and its webhook ("processing").
    #[arg(long, default_value_t = 0)]
    pub webhook_delay_secs: u64,
}

/// `bench` arguments.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Number of simulated calls.
    #[arg(long, default_value_t = 10_000)]
    pub calls: u64,
    /// Seed of the simulated data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Ask Gong for no AI content (highlights, outline, outcome, action items): what
    /// the content costs is the difference with a run without this flag (#23).
    #[arg(long)]
    pub without_content: bool,
    /// Turn transcripts on (S9) for the full sync, which then ends by fetching every
    /// activity's transcript: `transcript_requests` (100 calls a request) and what
    /// the transcripts take are in the result (#23).
    #[arg(long, conflicts_with_all = ["webhooks", "replicas"])]
    pub transcripts: bool,
    /// Measure Gong's webhooks instead: `--calls` new calls appear at `--rate` per
    /// second and are pushed to the product (Gong's limits on).
    #[arg(long)]
    pub webhooks: bool,
    /// With --webhooks: new calls per second.
    #[arg(long, default_value_t = 10.0, requires = "webhooks")]
    pub rate: f64,
    /// With --webhooks: the share of webhooks Gong never sends (0 to 1).
    #[arg(long, default_value_t = 0.0, requires = "webhooks")]
    pub drop_rate: f64,
    /// Replicas (engines with their own pools and lease owners) sharing the database:
    /// more than one runs the replica benchmark instead, `--connections` connections
    /// of `--calls` calls each split between them at one schedule slot.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub replicas: u64,
    /// Connections of the replica benchmark.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub connections: u64,
}

/// `--webhook-batch-seconds`: 0 to 600 seconds.
fn batch_seconds(raw: &str) -> Result<f64, String> {
    let seconds: f64 = raw
        .trim()
        .parse()
        .map_err(|_| format!("'{raw}' is not a number of seconds"))?;
    if (0.0..=600.0).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(format!("'{raw}' is out of range: give 0 to 600 seconds"))
    }
}
