//! `carnet serve`'s settings: one list of keys, each read from a command-line flag, an
//! environment variable, a TOML file (`--config FILE` or `CARNET_CONFIG`) or its
//! default, in that order of precedence, and checked before anything starts.
//!
//! Everything here is pure (the environment is passed in as a function), so that every
//! rule and every error message is tested without a server. [`KEYS`] is the documented
//! list: docs/ADMIN.md ("Configuration") and docs/carnet.example.toml are checked
//! against it by the tests below.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use carnet_core::{Limit, LimitPolicy, SearchLanguage};
use serde::Deserialize;
use toml::Spanned;

/// One setting as documented: its name in the file, its environment variable, its flag,
/// its default (as written in the file) and what it means.
#[derive(Debug, Clone, Copy)]
pub struct KeyDoc {
    /// The key in the TOML file (`limits.saves_per_ip` for a key of the `[limits]` table).
    pub key: &'static str,
    pub env: &'static str,
    pub flag: &'static str,
    /// The default, as the example file writes it; empty when the key has none.
    pub default: &'static str,
    pub meaning: &'static str,
}

const fn key(
    key: &'static str,
    env: &'static str,
    flag: &'static str,
    default: &'static str,
    meaning: &'static str,
) -> KeyDoc {
    KeyDoc {
        key,
        env,
        flag,
        default,
        meaning,
    }
}

/// Every setting of `carnet serve`.
pub const KEYS: &[KeyDoc] = &[
    key(
        "bind",
        "CARNET_BIND",
        "--bind",
        "127.0.0.1:8080",
        "Address and port to listen on (HOST:PORT; port 0 picks a free one).",
    ),
    key(
        "data",
        "CARNET_DATA",
        "--data",
        "./data",
        "Folder of Carnet's data: the SQLite database (carnet.db) and uploaded files (media/).",
    ),
    key(
        "database_url",
        "DATABASE_URL",
        "--database-url",
        "",
        "postgres://USER:PASSWORD@HOST/DB to use PostgreSQL, or a SQLite file (sqlite://PATH, or a path); by default DATA/carnet.db.",
    ),
    key(
        "database_pool_size",
        "CARNET_DATABASE_POOL_SIZE",
        "--database-pool-size",
        "",
        "Database connections kept open by this process (1 to 1000); 4 per core, from 4 to 16, when absent.",
    ),
    key(
        "workers",
        "CARNET_WORKERS",
        "--workers",
        "",
        "HTTP worker threads (1 to 1024); by default one per core.",
    ),
    key(
        "search_language",
        "CARNET_SEARCH_LANGUAGE",
        "--search-language",
        "fr",
        "Language of full-text search (stemming): fr or en. A change rebuilds the index at the next start.",
    ),
    key(
        "anonymous_edits",
        "CARNET_ANONYMOUS_EDITS",
        "--anonymous-edits",
        "true",
        "Whether logged-out people may write (under a temporary identity).",
    ),
    key(
        "max_upload_bytes",
        "CARNET_MAX_UPLOAD_BYTES",
        "--max-upload-bytes",
        "20971520",
        "The largest uploaded file, in bytes (20 MiB).",
    ),
    key(
        "trust_proxy",
        "CARNET_TRUST_PROXY",
        "--trust-proxy",
        "false",
        "Behind a reverse proxy: take the client's address from the last X-Forwarded-For entry, and accept its X-Request-Id.",
    ),
    key(
        "shutdown_timeout",
        "CARNET_SHUTDOWN_TIMEOUT",
        "--shutdown-timeout",
        "30",
        "Seconds given to requests in flight and live sessions to finish after SIGTERM or SIGINT (1 to 3600).",
    ),
    key(
        "page_cache_mb",
        "CARNET_PAGE_CACHE_MB",
        "--page-cache-mb",
        "64",
        "Megabytes of finished pages this process keeps for anonymous readers, gzip-compressed (0 to 65536; 0 turns the page cache off).",
    ),
    key(
        "log",
        "CARNET_LOG",
        "--log",
        "info",
        "What to log: a level (error, warn, info, debug, trace) or tracing directives such as \"info,carnet::access=warn\". RUST_LOG is read when CARNET_LOG is not set.",
    ),
    key(
        "log_format",
        "CARNET_LOG_FORMAT",
        "--log-format",
        "text",
        "text (one readable line per event) or json (one JSON object per line).",
    ),
    key(
        "metrics_token",
        "CARNET_METRICS_TOKEN",
        "--metrics-token",
        "",
        "A secret of at least 16 characters: /metrics then answers requests carrying \"Authorization: Bearer TOKEN\" from anywhere. Without it, only direct loopback requests may read /metrics.",
    ),
    key(
        "limits.signups_per_ip",
        "CARNET_LIMIT_SIGNUPS_PER_IP",
        "--limit-signups-per-ip",
        "10/1h",
        "Sign-ups per client address (COUNT/DURATION with s, m, h or d, or off).",
    ),
    key(
        "limits.login_failures_per_account",
        "CARNET_LIMIT_LOGIN_FAILURES_PER_ACCOUNT",
        "--limit-login-failures-per-account",
        "10/15m",
        "Failed logins per account name; past it, logins with that name wait.",
    ),
    key(
        "limits.login_failures_per_ip",
        "CARNET_LIMIT_LOGIN_FAILURES_PER_IP",
        "--limit-login-failures-per-ip",
        "30/15m",
        "Failed logins per client address.",
    ),
    key(
        "limits.saves_per_account",
        "CARNET_LIMIT_SAVES_PER_ACCOUNT",
        "--limit-saves-per-account",
        "60/10m",
        "Saves per account (or temporary identity).",
    ),
    key(
        "limits.saves_per_ip",
        "CARNET_LIMIT_SAVES_PER_IP",
        "--limit-saves-per-ip",
        "120/10m",
        "Saves per client address.",
    ),
    key(
        "limits.creations_per_account",
        "CARNET_LIMIT_CREATIONS_PER_ACCOUNT",
        "--limit-creations-per-account",
        "20/1h",
        "Page creations per account (or temporary identity).",
    ),
    key(
        "limits.creations_per_ip",
        "CARNET_LIMIT_CREATIONS_PER_IP",
        "--limit-creations-per-ip",
        "40/1h",
        "Page creations per client address.",
    ),
    key(
        "limits.event_factor",
        "CARNET_EVENT_FACTOR",
        "--event-factor",
        "30",
        "How much an open event multiplies the per-address limits of the addresses it covers (1 to 10000).",
    ),
];

/// `carnet serve`'s command line: every setting as an optional flag (values are checked
/// by [`ServeConfig::load`], like those of the environment and the file).
#[derive(clap::Args, Debug, Default, Clone)]
pub struct ServeArgs {
    /// A TOML file of settings (env: CARNET_CONFIG). See docs/carnet.example.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address and port to listen on [env: CARNET_BIND] [default: 127.0.0.1:8080].
    #[arg(long)]
    pub bind: Option<String>,
    /// Folder for Carnet's data, the SQLite database lives here [env: CARNET_DATA]
    /// [default: ./data].
    #[arg(long)]
    pub data: Option<String>,
    /// A postgres:// URL to use PostgreSQL instead of the embedded SQLite database
    /// [env: DATABASE_URL].
    #[arg(long)]
    pub database_url: Option<String>,
    /// Database connections of this process [env: CARNET_DATABASE_POOL_SIZE] [default: 16].
    #[arg(long)]
    pub database_pool_size: Option<String>,
    /// HTTP worker threads [env: CARNET_WORKERS] [default: one per core].
    #[arg(long)]
    pub workers: Option<String>,
    /// The language of full-text search: fr or en [env: CARNET_SEARCH_LANGUAGE]
    /// [default: fr].
    #[arg(long)]
    pub search_language: Option<String>,
    /// Whether logged-out people may write: true or false [env: CARNET_ANONYMOUS_EDITS]
    /// [default: true].
    #[arg(long)]
    pub anonymous_edits: Option<String>,
    /// The largest uploaded file, in bytes [env: CARNET_MAX_UPLOAD_BYTES]
    /// [default: 20971520].
    #[arg(long)]
    pub max_upload_bytes: Option<String>,
    /// Behind a reverse proxy: client addresses from X-Forwarded-For, request ids from
    /// X-Request-Id [env: CARNET_TRUST_PROXY].
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub trust_proxy: Option<String>,
    /// Seconds left to requests and live sessions after SIGTERM
    /// [env: CARNET_SHUTDOWN_TIMEOUT] [default: 30].
    #[arg(long)]
    pub shutdown_timeout: Option<String>,
    /// Megabytes of the anonymous page cache, 0 for none [env: CARNET_PAGE_CACHE_MB]
    /// [default: 32].
    #[arg(long)]
    pub page_cache_mb: Option<String>,
    /// What to log, e.g. info or warn,carnet::access=info [env: CARNET_LOG, RUST_LOG]
    /// [default: info].
    #[arg(long)]
    pub log: Option<String>,
    /// text or json [env: CARNET_LOG_FORMAT] [default: text].
    #[arg(long)]
    pub log_format: Option<String>,
    /// Bearer token that may read /metrics from anywhere [env: CARNET_METRICS_TOKEN].
    #[arg(long)]
    pub metrics_token: Option<String>,
    /// Sign-ups per client address, COUNT/DURATION or off [env: CARNET_LIMIT_SIGNUPS_PER_IP].
    #[arg(long)]
    pub limit_signups_per_ip: Option<String>,
    /// Failed logins per account name [env: CARNET_LIMIT_LOGIN_FAILURES_PER_ACCOUNT].
    #[arg(long)]
    pub limit_login_failures_per_account: Option<String>,
    /// Failed logins per client address [env: CARNET_LIMIT_LOGIN_FAILURES_PER_IP].
    #[arg(long)]
    pub limit_login_failures_per_ip: Option<String>,
    /// Saves per account [env: CARNET_LIMIT_SAVES_PER_ACCOUNT].
    #[arg(long)]
    pub limit_saves_per_account: Option<String>,
    /// Saves per client address [env: CARNET_LIMIT_SAVES_PER_IP].
    #[arg(long)]
    pub limit_saves_per_ip: Option<String>,
    /// Page creations per account [env: CARNET_LIMIT_CREATIONS_PER_ACCOUNT].
    #[arg(long)]
    pub limit_creations_per_account: Option<String>,
    /// Page creations per client address [env: CARNET_LIMIT_CREATIONS_PER_IP].
    #[arg(long)]
    pub limit_creations_per_ip: Option<String>,
    /// How much an open event multiplies per-address limits [env: CARNET_EVENT_FACTOR].
    #[arg(long)]
    pub event_factor: Option<String>,
}

impl ServeArgs {
    fn flag(&self, key: &str) -> Option<&String> {
        match key {
            "bind" => self.bind.as_ref(),
            "data" => self.data.as_ref(),
            "database_url" => self.database_url.as_ref(),
            "database_pool_size" => self.database_pool_size.as_ref(),
            "workers" => self.workers.as_ref(),
            "search_language" => self.search_language.as_ref(),
            "anonymous_edits" => self.anonymous_edits.as_ref(),
            "max_upload_bytes" => self.max_upload_bytes.as_ref(),
            "trust_proxy" => self.trust_proxy.as_ref(),
            "shutdown_timeout" => self.shutdown_timeout.as_ref(),
            "page_cache_mb" => self.page_cache_mb.as_ref(),
            "log" => self.log.as_ref(),
            "log_format" => self.log_format.as_ref(),
            "metrics_token" => self.metrics_token.as_ref(),
            "limits.signups_per_ip" => self.limit_signups_per_ip.as_ref(),
            "limits.login_failures_per_account" => self.limit_login_failures_per_account.as_ref(),
            "limits.login_failures_per_ip" => self.limit_login_failures_per_ip.as_ref(),
            "limits.saves_per_account" => self.limit_saves_per_account.as_ref(),
            "limits.saves_per_ip" => self.limit_saves_per_ip.as_ref(),
            "limits.creations_per_account" => self.limit_creations_per_account.as_ref(),
            "limits.creations_per_ip" => self.limit_creations_per_ip.as_ref(),
            "limits.event_factor" => self.event_factor.as_ref(),
            _ => None,
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// `carnet serve`'s settings, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeConfig {
    pub bind: String,
    pub data: PathBuf,
    /// The database URL given; `None`: the SQLite file in `data`.
    pub database_url: Option<String>,
    pub database_pool_size: u32,
    pub workers: Option<usize>,
    pub search_language: SearchLanguage,
    pub anonymous_edits: bool,
    pub max_upload_bytes: u64,
    pub trust_proxy: bool,
    pub shutdown_timeout: Duration,
    /// The page cache's budget in megabytes (0: off).
    pub page_cache_mb: usize,
    /// Tracing filter directives (checked).
    pub log: String,
    pub log_format: LogFormat,
    pub metrics_token: Option<String>,
    pub limits: LimitPolicy,
    /// The file read, if any.
    pub file: Option<PathBuf>,
}

/// Where a value came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag(&'static str),
    Env(String),
    File { path: PathBuf, line: usize },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "command line {flag}"),
            Origin::Env(name) => write!(f, "environment variable {name}"),
            Origin::File { path, line } => write!(f, "{}, line {line}", path.display()),
        }
    }
}

/// Why the settings were refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value that does not fit its key.
    #[error("invalid setting `{key}` = {value:?} ({origin}): {allowed}")]
    Invalid {
        key: &'static str,
        value: String,
        origin: Origin,
        allowed: String,
    },
    /// The file cannot be read.
    #[error("cannot read the configuration file {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file is not TOML, has an unknown key or a value of the wrong type (the
    /// message names the line and shows it).
    #[error("invalid configuration file {path}: {message}")]
    File { path: PathBuf, message: String },
}

/// The file: every key optional, unknown keys refused, each value with its place.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<Spanned<String>>,
    data: Option<Spanned<String>>,
    database_url: Option<Spanned<String>>,
    database_pool_size: Option<Spanned<i64>>,
    workers: Option<Spanned<i64>>,
    search_language: Option<Spanned<String>>,
    anonymous_edits: Option<Spanned<bool>>,
    max_upload_bytes: Option<Spanned<i64>>,
    trust_proxy: Option<Spanned<bool>>,
    shutdown_timeout: Option<Spanned<i64>>,
    page_cache_mb: Option<Spanned<i64>>,
    log: Option<Spanned<String>>,
    log_format: Option<Spanned<String>>,
    metrics_token: Option<Spanned<String>>,
    limits: Option<FileLimits>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLimits {
    signups_per_ip: Option<Spanned<String>>,
    login_failures_per_account: Option<Spanned<String>>,
    login_failures_per_ip: Option<Spanned<String>>,
    saves_per_account: Option<Spanned<String>>,
    saves_per_ip: Option<Spanned<String>>,
    creations_per_account: Option<Spanned<String>>,
    creations_per_ip: Option<Spanned<String>>,
    event_factor: Option<Spanned<i64>>,
}

/// A file value as text and its byte offset (for its line).
type FileValue = Option<(String, usize)>;

fn spanned<T: ToString>(value: &Option<Spanned<T>>) -> FileValue {
    value
        .as_ref()
        .map(|v| (v.get_ref().to_string(), v.span().start))
}

impl FileConfig {
    fn value(&self, key: &str) -> FileValue {
        let limits = self.limits.as_ref();
        let limit = |pick: fn(&FileLimits) -> FileValue| limits.and_then(pick);
        match key {
            "bind" => spanned(&self.bind),
            "data" => spanned(&self.data),
            "database_url" => spanned(&self.database_url),
            "database_pool_size" => spanned(&self.database_pool_size),
            "workers" => spanned(&self.workers),
            "search_language" => spanned(&self.search_language),
            "anonymous_edits" => spanned(&self.anonymous_edits),
            "max_upload_bytes" => spanned(&self.max_upload_bytes),
            "trust_proxy" => spanned(&self.trust_proxy),
            "shutdown_timeout" => spanned(&self.shutdown_timeout),
            "page_cache_mb" => spanned(&self.page_cache_mb),
            "log" => spanned(&self.log),
            "log_format" => spanned(&self.log_format),
            "metrics_token" => spanned(&self.metrics_token),
            "limits.signups_per_ip" => limit(|l| spanned(&l.signups_per_ip)),
            "limits.login_failures_per_account" => {
                limit(|l| spanned(&l.login_failures_per_account))
            }
            "limits.login_failures_per_ip" => limit(|l| spanned(&l.login_failures_per_ip)),
            "limits.saves_per_account" => limit(|l| spanned(&l.saves_per_account)),
            "limits.saves_per_ip" => limit(|l| spanned(&l.saves_per_ip)),
            "limits.creations_per_account" => limit(|l| spanned(&l.creations_per_account)),
            "limits.creations_per_ip" => limit(|l| spanned(&l.creations_per_ip)),
            "limits.event_factor" => limit(|l| spanned(&l.event_factor)),
            _ => None,
        }
    }
}

/// The sources, in order of precedence.
struct Sources<'a> {
    args: &'a ServeArgs,
    env: &'a dyn Fn(&str) -> Option<String>,
    file: FileConfig,
    path: Option<PathBuf>,
    /// The file's text, to turn offsets into line numbers.
    text: String,
}

impl Sources<'_> {
    /// The value of `key` and where it comes from; `None`: the default. Empty
    /// environment variables count as unset (as `VAR= carnet serve` means).
    fn raw(&self, key: &'static str) -> Option<(String, Origin)> {
        let doc = KEYS.iter().find(|k| k.key == key)?;
        if let Some(value) = self.args.flag(key) {
            return Some((value.clone(), Origin::Flag(doc.flag)));
        }
        let mut names = vec![doc.env];
        if key == "log" {
            names.push("RUST_LOG");
        }
        for name in names {
            if let Some(value) = (self.env)(name).filter(|v| !v.is_empty()) {
                return Some((value, Origin::Env(name.to_owned())));
            }
        }
        let (value, offset) = self.file.value(key)?;
        let line = self
            .text
            .get(..offset)
            .map_or(1, |before| before.matches('\n').count() + 1);
        let path = self.path.clone().unwrap_or_default();
        Some((value, Origin::File { path, line }))
    }

    /// The parsed value of `key`, or `default` when no source sets it.
    fn get<T>(
        &self,
        key: &'static str,
        default: T,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        match self.raw(key) {
            None => Ok(default),
            Some((value, origin)) => parse(value.trim()).map_err(|allowed| ConfigError::Invalid {
                key,
                value,
                origin,
                allowed,
            }),
        }
    }
}

fn whole_number<T>(min: T, max: T) -> impl Fn(&str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
{
    move |text| match text.parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(format!("a whole number from {min} to {max}")),
    }
}

fn boolean(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok(true),
        "false" | "no" | "off" | "0" => Ok(false),
        _ => Err("true or false".to_owned()),
    }
}

fn bind_address(text: &str) -> Result<String, String> {
    const ALLOWED: &str = "HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:8080 or [::]:8080";
    if text.parse::<SocketAddr>().is_ok() {
        return Ok(text.to_owned());
    }
    // A host name (`localhost:8080`): resolved when binding.
    match text.rsplit_once(':') {
        Some((host, port))
            if !host.is_empty()
                && port.parse::<u16>().is_ok()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') =>
        {
            Ok(text.to_owned())
        }
        _ => Err(ALLOWED.to_owned()),
    }
}

fn database_url(text: &str) -> Result<Option<String>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let known = ["postgres://", "postgresql://", "sqlite://", "sqlite:"];
    if known.iter().any(|scheme| text.starts_with(scheme)) {
        return Ok(Some(text.to_owned()));
    }
    if text.contains("://") {
        return Err(
            "postgres://USER:PASSWORD@HOST/DATABASE (or postgresql://), or a SQLite file: sqlite://PATH or a plain path"
                .to_owned(),
        );
    }
    Ok(Some(text.to_owned()))
}

fn language(text: &str) -> Result<SearchLanguage, String> {
    SearchLanguage::from_code(text).ok_or_else(|| "fr or en".to_owned())
}

fn limit(text: &str) -> Result<Limit, String> {
    text.parse::<Limit>()
        .map_err(|_| "COUNT/DURATION with a unit s, m, h or d (e.g. 60/10m), or off".to_owned())
}

fn log_filter(text: &str) -> Result<String, String> {
    tracing_subscriber::EnvFilter::builder()
        .parse(text)
        .map(|_| text.to_owned())
        .map_err(|error| {
            format!("a level (error, warn, info, debug, trace) or tracing directives: {error}")
        })
}

fn log_format(text: &str) -> Result<LogFormat, String> {
    match text {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err("text or json".to_owned()),
    }
}

fn metrics_token(text: &str) -> Result<Option<String>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() >= 16 && text.chars().all(|c| c.is_ascii_graphic()) {
        Ok(Some(text.to_owned()))
    } else {
        Err("at least 16 printable ASCII characters, without spaces".to_owned())
    }
}

impl ServeConfig {
    /// Reads the settings: `args` (flags), then `env`, then the file named by
    /// `--config` or `CARNET_CONFIG` (read from disk), then the defaults.
    pub fn load(
        args: &ServeArgs,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ServeConfig, ConfigError> {
        let path = args.config.clone().or_else(|| {
            env("CARNET_CONFIG")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
        });
        let text = match &path {
            Some(path) => std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
                path: path.clone(),
                error,
            })?,
            None => String::new(),
        };
        ServeConfig::from_sources(args, env, path.as_deref(), &text)
    }

    /// [`ServeConfig::load`] with the file's text given (`path` names it in errors).
    pub fn from_sources(
        args: &ServeArgs,
        env: &dyn Fn(&str) -> Option<String>,
        path: Option<&Path>,
        text: &str,
    ) -> Result<ServeConfig, ConfigError> {
        let file: FileConfig = toml::from_str(text).map_err(|error| ConfigError::File {
            path: path.map(Path::to_path_buf).unwrap_or_default(),
            message: error.to_string(),
        })?;
        let sources = Sources {
            args,
            env,
            file,
            path: path.map(Path::to_path_buf),
            text: text.to_owned(),
        };
        let defaults = LimitPolicy::default();
        let limits = LimitPolicy {
            signups_per_ip: sources.get("limits.signups_per_ip", defaults.signups_per_ip, limit)?,
            login_failures_per_account: sources.get(
                "limits.login_failures_per_account",
                defaults.login_failures_per_account,
                limit,
            )?,
            login_failures_per_ip: sources.get(
                "limits.login_failures_per_ip",
                defaults.login_failures_per_ip,
                limit,
            )?,
            saves_per_account: sources.get(
                "limits.saves_per_account",
                defaults.saves_per_account,
                limit,
            )?,
            saves_per_ip: sources.get("limits.saves_per_ip", defaults.saves_per_ip, limit)?,
            creations_per_account: sources.get(
                "limits.creations_per_account",
                defaults.creations_per_account,
                limit,
            )?,
            creations_per_ip: sources.get(
                "limits.creations_per_ip",
                defaults.creations_per_ip,
                limit,
            )?,
            event_factor: sources.get(
                "limits.event_factor",
                defaults.event_factor,
                whole_number(1, 10_000),
            )?,
        };
        let data = sources.get("data", PathBuf::from("./data"), |text| {
            if text.is_empty() {
                Err("a folder path".to_owned())
            } else {
                Ok(PathBuf::from(text))
            }
        })?;
        Ok(ServeConfig {
            bind: sources.get("bind", "127.0.0.1:8080".to_owned(), bind_address)?,
            data,
            database_url: sources.get("database_url", None, database_url)?,
            database_pool_size: sources.get(
                "database_pool_size",
                carnet_store::StoreConfig::new("").pool_size,
                whole_number(1, 1000),
            )?,
            workers: sources.get("workers", None, |text| {
                whole_number(1, 1024)(text).map(Some)
            })?,
            search_language: sources.get("search_language", SearchLanguage::default(), language)?,
            anonymous_edits: sources.get("anonymous_edits", true, boolean)?,
            max_upload_bytes: sources.get(
                "max_upload_bytes",
                20 * 1024 * 1024,
                whole_number(1, u64::MAX),
            )?,
            trust_proxy: sources.get("trust_proxy", false, boolean)?,
            shutdown_timeout: Duration::from_secs(sources.get(
                "shutdown_timeout",
                30,
                whole_number(1, 3600),
            )?),
            page_cache_mb: sources.get("page_cache_mb", 64, whole_number(0, 65536))?,
            log: sources.get("log", "info".to_owned(), log_filter)?,
            log_format: sources.get("log_format", LogFormat::Text, log_format)?,
            metrics_token: sources.get("metrics_token", None, metrics_token)?,
            limits,
            file: sources.path.clone(),
        })
    }

    /// The database URL to open: the one given, or the SQLite file in the data folder.
    pub fn database_target(&self) -> Option<&str> {
        self.database_url.as_deref()
    }
}

/// Installs the log subscriber: `filter` (tracing directives) in `format`, on standard
/// error. `log::` records of every crate become tracing events (the `tracing-log`
/// bridge), so they are filtered and formatted the same way.
pub fn init_logging(filter: &str, format: LogFormat) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::builder()
        .parse(filter)
        .map_err(|error| anyhow::anyhow!("invalid log filter {filter:?}: {error}"))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().with_current_span(true).try_init(),
    };
    installed.map_err(|error| anyhow::anyhow!("cannot install the logger: {error}"))
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        reason = "tests fail loudly"
    )]

    use std::collections::HashMap;

    use super::*;

    fn load(args: &ServeArgs, env: &[(&str, &str)], file: &str) -> Result<ServeConfig, String> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let lookup = move |name: &str| env.get(name).cloned();
        ServeConfig::from_sources(args, &lookup, Some(Path::new("carnet.toml")), file)
            .map_err(|e| e.to_string())
    }

    fn defaults() -> ServeConfig {
        ServeConfig::from_sources(&ServeArgs::default(), &|_| None, None, "").unwrap()
    }

    #[test]
    fn nothing_set_gives_the_documented_defaults() {
        let config = defaults();
        assert_eq!(config.bind, "127.0.0.1:8080");
        assert_eq!(config.data, PathBuf::from("./data"));
        assert_eq!(config.database_url, None);
        assert_eq!(config.database_pool_size, carnet_store::default_pool_size());
        assert_eq!(config.workers, None);
        assert_eq!(config.search_language, SearchLanguage::French);
        assert!(config.anonymous_edits);
        assert_eq!(config.max_upload_bytes, 20 * 1024 * 1024);
        assert!(!config.trust_proxy);
        assert_eq!(config.shutdown_timeout, Duration::from_secs(30));
        assert_eq!(config.page_cache_mb, 64);
        assert_eq!(config.log, "info");
        assert_eq!(config.log_format, LogFormat::Text);
        assert_eq!(config.metrics_token, None);
        assert_eq!(config.limits, LimitPolicy::default());
        // The documented defaults are these values.
        for doc in KEYS.iter().filter(|k| !k.default.is_empty()) {
            let file = match doc.key.split_once('.') {
                Some((table, key)) => format!("[{table}]\n{key} = {}\n", toml_value(doc)),
                None => format!("{} = {}\n", doc.key, toml_value(doc)),
            };
            assert_eq!(
                load(&ServeArgs::default(), &[], &file).unwrap(),
                ServeConfig {
                    file: Some(PathBuf::from("carnet.toml")),
                    ..defaults()
                },
                "{}",
                doc.key
            );
        }
    }

    /// A documented default as a TOML value (numbers and booleans bare).
    fn toml_value(doc: &KeyDoc) -> String {
        if doc.default.parse::<i64>().is_ok() || doc.default.parse::<bool>().is_ok() {
            doc.default.to_owned()
        } else {
            format!("{:?}", doc.default)
        }
    }

    #[test]
    fn flags_win_over_environment_over_file_over_defaults() {
        let file = "workers = 3\nbind = \"0.0.0.0:80\"\nlog = \"debug\"\n[limits]\nsaves_per_ip = \"5/1m\"\n";
        let env = [
            ("CARNET_WORKERS", "5"),
            ("CARNET_BIND", "127.0.0.1:9000"),
            ("RUST_LOG", "warn"),
        ];
        let args = ServeArgs {
            workers: Some("7".to_owned()),
            ..ServeArgs::default()
        };
        // Flag > env > file > default.
        let config = load(&args, &env, file).unwrap();
        assert_eq!(config.workers, Some(7));
        assert_eq!(config.bind, "127.0.0.1:9000");
        assert_eq!(config.limits.saves_per_ip, Limit::new(5, 60));
        assert_eq!(
            config.limits.saves_per_account,
            LimitPolicy::default().saves_per_account
        );
        // RUST_LOG counts as the environment, below CARNET_LOG.
        assert_eq!(config.log, "warn");
        let config = load(
            &args,
            &[("CARNET_LOG", "error"), ("RUST_LOG", "warn")],
            file,
        )
        .unwrap();
        assert_eq!(config.log, "error");
        // Without the flag, the environment; without it, the file.
        let config = load(&ServeArgs::default(), &env, file).unwrap();
        assert_eq!(config.workers, Some(5));
        let config = load(&ServeArgs::default(), &[], file).unwrap();
        assert_eq!(config.workers, Some(3));
        assert_eq!(config.bind, "0.0.0.0:80");
        assert_eq!(config.log, "debug");
        // An empty variable is unset.
        let config = load(&ServeArgs::default(), &[("CARNET_WORKERS", "")], file).unwrap();
        assert_eq!(config.workers, Some(3));
    }

    #[test]
    fn the_existing_environment_variables_still_work() {
        let env = [
            ("CARNET_BIND", "127.0.0.1:0"),
            ("CARNET_DATA", "/var/lib/carnet"),
            ("DATABASE_URL", "postgres://carnet:secret@db/wiki"),
            ("CARNET_WORKERS", "2"),
            ("CARNET_SEARCH_LANGUAGE", "en"),
            ("CARNET_ANONYMOUS_EDITS", "false"),
            ("CARNET_MAX_UPLOAD_BYTES", "1000"),
            ("CARNET_TRUST_PROXY", "true"),
            ("CARNET_LIMIT_SIGNUPS_PER_IP", "off"),
            ("CARNET_LIMIT_LOGIN_FAILURES_PER_ACCOUNT", "1/1s"),
            ("CARNET_LIMIT_LOGIN_FAILURES_PER_IP", "2/1s"),
            ("CARNET_LIMIT_SAVES_PER_ACCOUNT", "3/1s"),
            ("CARNET_LIMIT_SAVES_PER_IP", "4/1s"),
            ("CARNET_LIMIT_CREATIONS_PER_ACCOUNT", "5/1s"),
            ("CARNET_LIMIT_CREATIONS_PER_IP", "6/1s"),
            ("CARNET_EVENT_FACTOR", "7"),
        ];
        let config = load(&ServeArgs::default(), &env, "").unwrap();
        assert_eq!(config.bind, "127.0.0.1:0");
        assert_eq!(config.data, PathBuf::from("/var/lib/carnet"));
        assert_eq!(
            config.database_url.as_deref(),
            Some("postgres://carnet:secret@db/wiki")
        );
        assert_eq!(config.workers, Some(2));
        assert_eq!(config.search_language, SearchLanguage::English);
        assert!(!config.anonymous_edits);
        assert_eq!(config.max_upload_bytes, 1000);
        assert!(config.trust_proxy);
        assert_eq!(
            config.limits,
            LimitPolicy {
                signups_per_ip: Limit::OFF,
                login_failures_per_account: Limit::new(1, 1),
                login_failures_per_ip: Limit::new(2, 1),
                saves_per_account: Limit::new(3, 1),
                saves_per_ip: Limit::new(4, 1),
                creations_per_account: Limit::new(5, 1),
                creations_per_ip: Limit::new(6, 1),
                event_factor: 7,
            }
        );
        // Every documented variable is one `load` reads.
        for doc in KEYS {
            assert!(doc.env.starts_with("CARNET_") || doc.env == "DATABASE_URL");
        }
    }

    #[test]
    fn bad_values_are_refused_naming_key_value_source_and_what_is_allowed() {
        let cases: &[(&str, &str, &str)] = &[
            ("CARNET_WORKERS", "0", "a whole number from 1 to 1024"),
            ("CARNET_WORKERS", "two", "a whole number from 1 to 1024"),
            ("CARNET_BIND", "8080", "HOST:PORT"),
            ("CARNET_BIND", "127.0.0.1:99999", "HOST:PORT"),
            ("DATABASE_URL", "mysql://db/wiki", "postgres://"),
            ("CARNET_DATABASE_POOL_SIZE", "0", "from 1 to 1000"),
            ("CARNET_MAX_UPLOAD_BYTES", "0", "a whole number from 1"),
            ("CARNET_MAX_UPLOAD_BYTES", "-5", "a whole number from 1"),
            ("CARNET_SEARCH_LANGUAGE", "de", "fr or en"),
            ("CARNET_ANONYMOUS_EDITS", "maybe", "true or false"),
            ("CARNET_TRUST_PROXY", "sometimes", "true or false"),
            ("CARNET_SHUTDOWN_TIMEOUT", "0", "from 1 to 3600"),
            ("CARNET_PAGE_CACHE_MB", "lots", "from 0 to 65536"),
            ("CARNET_LOG", "info,[", "tracing directives"),
            ("CARNET_LOG_FORMAT", "xml", "text or json"),
            ("CARNET_METRICS_TOKEN", "short", "at least 16"),
            ("CARNET_LIMIT_SAVES_PER_IP", "many", "COUNT/DURATION"),
            ("CARNET_EVENT_FACTOR", "0", "from 1 to 10000"),
        ];
        for (name, value, allowed) in cases {
            let error = load(&ServeArgs::default(), &[(*name, *value)], "").unwrap_err();
            let doc = KEYS.iter().find(|k| k.env == *name).unwrap();
            assert!(
                error.contains(&format!("`{}`", doc.key))
                    && error.contains(&format!("{value:?}"))
                    && error.contains(&format!("environment variable {name}"))
                    && error.contains(allowed),
                "{name}={value}: {error}"
            );
        }
        let args = ServeArgs {
            workers: Some("0".to_owned()),
            ..ServeArgs::default()
        };
        let error = load(&args, &[], "").unwrap_err();
        assert_eq!(
            error,
            "invalid setting `workers` = \"0\" (command line --workers): a whole number from 1 to 1024"
        );
    }

    #[test]
    fn bad_file_values_name_the_line() {
        let error = load(&ServeArgs::default(), &[], "# Carnet\n\nworkers = 0\n").unwrap_err();
        assert_eq!(
            error,
            "invalid setting `workers` = \"0\" (carnet.toml, line 3): a whole number from 1 to 1024"
        );
        let error = load(
            &ServeArgs::default(),
            &[],
            "bind = \"127.0.0.1:1\"\n[limits]\nsaves_per_ip = \"lots\"\n",
        )
        .unwrap_err();
        assert!(
            error.starts_with(
                "invalid setting `limits.saves_per_ip` = \"lots\" (carnet.toml, line 3):"
            ),
            "{error}"
        );
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_refused_with_their_line() {
        let error = load(
            &ServeArgs::default(),
            &[],
            "bind = \"127.0.0.1:1\"\nwrokers = 2\n",
        )
        .unwrap_err();
        assert!(error.contains("line 2"), "{error}");
        assert!(error.contains("unknown field `wrokers`"), "{error}");
        let error = load(
            &ServeArgs::default(),
            &[],
            "[limits]\nsaves_per_ipp = \"1/1s\"\n",
        )
        .unwrap_err();
        assert!(error.contains("line 2"), "{error}");
        assert!(error.contains("unknown field `saves_per_ipp`"), "{error}");
        let error = load(&ServeArgs::default(), &[], "\nworkers = \"four\"\n").unwrap_err();
        assert!(error.contains("line 2"), "{error}");
        assert!(error.contains("workers = \"four\""), "{error}");
        assert!(error.contains("invalid type: string"), "{error}");
        let error = load(&ServeArgs::default(), &[], "anonymous_edits = \"yes\"\n").unwrap_err();
        assert!(error.contains("line 1"), "{error}");
        assert!(error.contains("expected a boolean"), "{error}");
        let error = load(&ServeArgs::default(), &[], "bind = \n").unwrap_err();
        assert!(error.contains("line 1"), "{error}");
        assert!(
            error.starts_with("invalid configuration file carnet.toml"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let args = ServeArgs {
            config: Some(PathBuf::from("/nonexistent/carnet.toml")),
            ..ServeArgs::default()
        };
        let error = ServeConfig::load(&args, &|_| None).unwrap_err().to_string();
        assert!(
            error.starts_with("cannot read the configuration file /nonexistent/carnet.toml"),
            "{error}"
        );
        // CARNET_CONFIG names it too.
        let error = ServeConfig::load(&ServeArgs::default(), &|name| {
            (name == "CARNET_CONFIG").then(|| "/nonexistent/other.toml".to_owned())
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("/nonexistent/other.toml"), "{error}");
    }

    #[test]
    fn database_urls_and_addresses_that_are_accepted() {
        for url in [
            "postgres://carnet@db/wiki",
            "postgresql://db/wiki",
            "sqlite:///var/lib/carnet/carnet.db",
            "sqlite:carnet.db",
            "/var/lib/carnet/carnet.db",
        ] {
            let config = load(&ServeArgs::default(), &[("DATABASE_URL", url)], "").unwrap();
            assert_eq!(config.database_url.as_deref(), Some(url));
        }
        for bind in [
            "[::]:8080",
            "0.0.0.0:0",
            "localhost:8080",
            "wiki.example.org:80",
        ] {
            let config = load(&ServeArgs::default(), &[("CARNET_BIND", bind)], "").unwrap();
            assert_eq!(config.bind, bind);
        }
        let args = ServeArgs {
            trust_proxy: Some("true".to_owned()),
            ..ServeArgs::default()
        };
        assert!(
            load(&args, &[("CARNET_TRUST_PROXY", "false")], "")
                .unwrap()
                .trust_proxy
        );
    }

    /// docs/carnet.example.toml is read as a real file would be, and gives exactly the
    /// defaults (so the example cannot drift from the code); every key is in it.
    #[test]
    fn the_example_file_parses_to_the_defaults_and_lists_every_key() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/carnet.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let config =
            ServeConfig::from_sources(&ServeArgs::default(), &|_| None, None, &text).unwrap();
        assert_eq!(config, defaults());
        for doc in KEYS {
            let name = doc.key.rsplit('.').next().unwrap();
            assert!(
                text.lines().any(|line| {
                    let line = line.trim_start_matches('#').trim_start();
                    line.starts_with(&format!("{name} = "))
                }),
                "{} is missing from the example",
                doc.key
            );
            assert!(
                text.contains(doc.env),
                "{} is missing from the example",
                doc.env
            );
        }
        // With every commented line uncommented, it is still valid (only keys that
        // have no default are commented, with an example value).
        let uncommented: String = text
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(setting)
                    if KEYS.iter().any(|k| {
                        let name = k.key.rsplit('.').next().unwrap();
                        setting.starts_with(&format!("{name} = "))
                    }) =>
                {
                    setting
                }
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n");
        ServeConfig::from_sources(&ServeArgs::default(), &|_| None, None, &uncommented).unwrap();
    }

    /// docs/ADMIN.md's table lists every key with its variable and default.
    #[test]
    fn the_admin_guide_documents_every_key() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/ADMIN.md");
        let text = std::fs::read_to_string(&path).unwrap();
        for doc in KEYS {
            let default = if doc.default.is_empty() {
                "—".to_owned()
            } else {
                format!("`{}`", doc.default)
            };
            let row = format!("| `{}` | `{}` | {default} |", doc.key, doc.env);
            assert!(text.contains(&row), "docs/ADMIN.md lacks the row {row}");
        }
    }
}
