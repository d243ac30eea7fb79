//! The `carnet` command: runs the wiki.
//!
//! `carnet serve` opens (or creates) the database, migrates it, writes the welcome page
//! on first start and serves HTTP until stopped.

use std::net::TcpListener;
use std::path::PathBuf;

use anyhow::Context as _;
use carnet_core::{Role, SearchLanguage, UserName, check_password};
use carnet_store::{Store, StoreConfig};
use carnet_web::{AppState, LimitConfig, WebConfig};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "carnet", version, about = "Carnet, le wiki du territoire")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the wiki over HTTP. Settings come from flags, environment variables and
    /// a TOML file (--config), in that order; see docs/ADMIN.md, "Configuration".
    Serve(Box<carnet::config::ServeArgs>),
    /// Full-text search: rebuild the index.
    Search {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        command: SearchCommand,
    },
    /// Import another wiki's pages with their histories.
    Import {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Export the wiki: the whole wiki (every page, revision, account, file) as MediaWiki
    /// XML (format 0.11 with Carnet's extensions) to FILE or standard output, or
    /// `carnet export html DIR`, a static copy to browse offline. See docs/ADMIN.md,
    /// "Exporter et restaurer" and "Export HTML".
    #[command(args_conflicts_with_subcommands = true)]
    Export {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        format: Option<ExportFormat>,
        /// The dump file; standard output when absent.
        file: Option<PathBuf>,
        /// Leave files' bytes out of the dump (by reference: restore with --media).
        #[arg(long)]
        without_media: bool,
        /// Put the accounts' password hashes (argon2id) in the dump, so that a restore
        /// can log in; keep such a dump as secret as the database.
        #[arg(long)]
        with_passwords: bool,
    },
    /// Manage accounts (the first administrator, roles).
    User {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Back up the wiki to one file while it runs: the SQLite database and the uploaded
    /// files (on PostgreSQL, the files only: see docs/ADMIN.md for pg_dump).
    Backup {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The backup file to write (e.g. carnet-2026-11-29.tar.zst).
        file: PathBuf,
    },
    /// Restore a backup into a data folder (refused if it holds a wiki, unless --force,
    /// which moves it aside); pending migrations are applied.
    Restore {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The backup file written by `carnet backup`.
        file: PathBuf,
        /// Move a non-empty data folder aside (to DATA.before-restore-DATE) first.
        #[arg(long)]
        force: bool,
    },
    /// Rewrite the revisions stored by a release before compact storage (plain text)
    /// as compressed keyframes and deltas, to the end (`serve` does it in the
    /// background too). See docs/ADMIN.md, "Mettre à jour".
    Compact {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Copy the wiki's SQLite database into an empty PostgreSQL database, verified.
    MigrateDb {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The PostgreSQL database to fill (postgres://…).
        #[arg(long)]
        to: String,
        /// Delete what the target holds first (in the same transaction).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(clap::Args)]
struct DatabaseArgs {
    /// Folder for Carnet's data (the SQLite database lives here).
    #[arg(long, env = "CARNET_DATA", default_value = "./data", global = true)]
    data: PathBuf,
    /// A postgres:// URL to use PostgreSQL instead of the embedded SQLite database.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// The language of full-text search (stemming): fr or en.
    #[arg(long, env = "CARNET_SEARCH_LANGUAGE", default_value = "fr", value_parser = parse_language, global = true)]
    search_language: SearchLanguage,
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Rebuild the whole index (pages stay readable and editable meanwhile).
    Reindex,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A MediaWiki XML dump (export format 0.10 or 0.11), plain or compressed with
    /// gzip or bzip2: every page with every revision. Running it again adds only what
    /// is new. See docs/ADMIN.md, "Importer un wiki MediaWiki".
    Mediawiki {
        /// The dump file (.xml, .xml.gz, .xml.bz2).
        path: PathBuf,
        /// Where to write the import report (CSV: page, construct, count); by default
        /// import-report-DATE.csv in the data folder.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// A dump written by `carnet export`, into an empty database, all or nothing.
    Carnet {
        /// The dump file.
        path: PathBuf,
        /// Where to take files left out of the dump: the exported wiki's media folder.
        #[arg(long)]
        media: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ExportFormat {
    /// A static, browsable copy of the current wiki (pages, categories, portals,
    /// pictures) readable without a server nor JavaScript. DIR must be new, empty or a
    /// previous export (replaced). See docs/ADMIN.md, "Export HTML".
    Html {
        /// The folder to write (index.html is its entry).
        dir: PathBuf,
        /// The language of the copy's interface: fr or en.
        #[arg(long, env = "CARNET_EXPORT_LANGUAGE", default_value = "fr", value_parser = parse_ui_language)]
        language: carnet_web::Lang,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is asked on the terminal, or read from the
    /// first line of standard input when it is not a terminal.
    Create {
        name: String,
        /// Make the account an administrator.
        #[arg(long)]
        admin: bool,
        /// Role: writer, animateur or admin.
        #[arg(long, conflicts_with = "admin")]
        role: Option<String>,
    },
    /// Change an account's role (writer, animateur, admin).
    SetRole { name: String, role: String },
    /// List accounts with their roles.
    List,
}

/// mimalloc instead of glibc's allocator for Rust's allocations: `malloc` and `free`
/// were a tenth of serving a cached page and a fifth of a save (SQLite's own
/// allocations stay with the C library: overriding them too raised resident memory).
/// Built without the `mimalloc` feature for heap profiling.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve(_)) {
        // `serve` reads its log settings with the others (carnet::config).
        let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".to_owned());
        carnet::config::init_logging(&filter, carnet::config::LogFormat::Text)?;
    }
    match cli.command {
        Command::Serve(args) => serve(&args),
        Command::User { database, command } => user(&database, command),
        Command::Search { database, command } => search(&database, command),
        Command::Export {
            database,
            format: Some(ExportFormat::Html { dir, language }),
            ..
        } => export_html(&database, &dir, language),
        Command::Import { database, command } => match command {
            ImportCommand::Mediawiki { path, report } => {
                import_mediawiki(&database, &path, report.as_deref())
            }
            ImportCommand::Carnet { path, media } => {
                let open = || -> anyhow::Result<Store> {
                    let url = database_url(&database.data, database.database_url.clone())?;
                    let store = open_store(&url, database.search_language)?;
                    prepare_search(&store)?;
                    Ok(AppState::new(store).map_err(anyhow::Error::msg)?.store)
                };
                carnet::export::import_command(open, &database.data, &path, media.as_deref())
                    .map(|_| ())
            }
        },
        Command::Backup { database, file } => {
            carnet::backup::run_backup(&database.data, database.database_url.as_deref(), &file)
        }
        Command::Restore {
            database,
            file,
            force,
        } => carnet::backup::run_restore(
            &file,
            &database.data,
            database.database_url.as_deref(),
            force,
        ),
        Command::Compact { database } => compact(&database),
        Command::MigrateDb {
            database,
            to,
            replace,
        } => carnet::migrate::run_migrate(
            &database.data,
            database.database_url.as_deref(),
            &to,
            replace,
        ),
        Command::Export {
            database,
            format: None,
            file,
            without_media,
            with_passwords,
        } => {
            let url = database_url(&database.data, database.database_url.clone())?;
            let store = open_store(&url, database.search_language)?;
            carnet::export::export_command(
                &store,
                &database.data,
                file.as_deref(),
                !without_media,
                with_passwords,
            )
        }
    }
}

fn parse_language(code: &str) -> Result<SearchLanguage, String> {
    SearchLanguage::from_code(code).ok_or_else(|| format!("unknown language {code:?}: fr or en"))
}

fn parse_ui_language(code: &str) -> Result<carnet_web::Lang, String> {
    carnet_web::Lang::from_code(code).ok_or_else(|| format!("unknown language {code:?}: fr or en"))
}

/// `carnet export html DIR`: the store and the media folder as `serve` opens them, then
/// `carnet_web::static_site::export_html` with a progress bar.
fn export_html(
    database: &DatabaseArgs,
    dir: &std::path::Path,
    language: carnet_web::Lang,
) -> anyhow::Result<()> {
    use carnet_web::static_site::{ExportOptions, export_html};

    let url = database_url(&database.data, database.database_url.clone())?;
    let store = open_store(&url, database.search_language)?;
    let mut state = AppState::new(store).map_err(anyhow::Error::msg)?;
    let media = database.data.join("media");
    state.blobs = carnet_store::BlobStore::local(&media)
        .with_context(|| format!("cannot open the media folder {}", media.display()))?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "export {bar:40} {pos}/{len} pages ({per_sec}, reste {eta}) {msg}",
        )
        .context("progress bar template")?,
    );
    let started = std::time::Instant::now();
    let options = ExportOptions {
        lang: language,
        now: chrono::Utc::now(),
    };
    let result = export_html(&state, dir, &options, &mut |progress| {
        bar.set_length(progress.pages_total);
        bar.set_position(progress.pages_done);
        bar.set_message(format!("{} fichiers", progress.media_files));
    });
    bar.finish_and_clear();
    let summary = result.with_context(|| format!("cannot export to {}", dir.display()))?;
    println!(
        "{} pages (dont {} redirections) et {} fichiers exportés dans {} ({:.1} Mo, {:.1} s) ; ouvrir {}",
        summary.pages,
        summary.redirects,
        summary.media_files,
        dir.display(),
        summary.bytes as f64 / 1_048_576.0,
        started.elapsed().as_secs_f64(),
        dir.join("index.html").display(),
    );
    Ok(())
}

fn open_store(url: &str, language: SearchLanguage) -> anyhow::Result<Store> {
    let mut config = StoreConfig::new(url);
    config.search_language = language;
    Store::open(&config).with_context(|| format!("cannot open the database {}", redact(url)))
}

fn search(database: &DatabaseArgs, command: SearchCommand) -> anyhow::Result<()> {
    let url = database_url(&database.data, database.database_url.clone())?;
    let store = open_store(&url, database.search_language)?;
    match command {
        SearchCommand::Reindex => {
            let done = reindex(&store, true)?;
            println!("{done} pages indexed ({})", store.search_language().code());
        }
    }
    Ok(())
}

/// Rebuilds the index with a progress bar on the terminal.
fn reindex(store: &Store, forced: bool) -> anyhow::Result<u64> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "indexation {bar:40} {pos}/{len} pages ({per_sec}, reste {eta})",
        )
        .context("progress bar template")?,
    );
    let mut progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let done = if forced {
        Some(store.reindex(&mut progress)?)
    } else {
        store.search_prepare(&mut progress)?
    };
    bar.finish_and_clear();
    Ok(done.unwrap_or(0))
}

/// A database from before search, or indexed in another language, is indexed now
/// (before serving, and before an import adds to the index).
fn prepare_search(store: &Store) -> anyhow::Result<()> {
    if store.search_needs_reindex()? {
        log::info!("building the search index…");
        let done = reindex(store, false)?;
        log::info!("search index built: {done} pages");
    } else {
        store.search_prepare(&mut |_, _| {})?;
    }
    Ok(())
}

/// `carnet import mediawiki`: the dump is opened first (a file that is not a dump
/// stops here), then the store, with the renderer as its link analyzer like `serve`.
fn import_mediawiki(
    database: &DatabaseArgs,
    path: &std::path::Path,
    report: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use carnet::import::{ImportError, ImportOptions, import_dump};

    let mut dump = carnet_mediawiki::dump::open(path)
        .with_context(|| format!("cannot import {}", path.display()))?;
    let url = database_url(&database.data, database.database_url.clone())?;
    let store = open_store(&url, database.search_language)?;
    prepare_search(&store)?;
    let store = AppState::new(store).map_err(anyhow::Error::msg)?.store;
    let report_path = match report {
        Some(path) => path.to_owned(),
        None => database.data.join(format!(
            "import-report-{}.csv",
            chrono::Utc::now().format("%Y%m%d-%H%M%S")
        )),
    };
    let mut sink = CsvReport::create(&report_path)?;
    let site = dump.reader.site_info().clone();
    println!(
        "Import de {} ({}, format {}) depuis {}",
        site.site_name,
        site.source_key(),
        site.version,
        path.display()
    );
    let bar = indicatif::ProgressBar::new(dump.file_size);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "import {bar:40} {bytes}/{total_bytes} ({eta}) {msg}",
        )
        .context("progress bar template")?,
    );
    let bytes_read = dump.bytes_read.clone();
    let started = std::time::Instant::now();
    let mut progress = |p: carnet::import::Progress| {
        bar.set_position(bytes_read.get());
        bar.set_message(format!(
            "{} révisions lues, {} importées",
            p.revisions_read, p.revisions_added
        ));
    };
    let result = import_dump(
        &store,
        &mut dump.reader,
        ImportOptions::default(),
        &mut sink,
        &mut progress,
    );
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let (summary, failure) = match result {
        Ok(summary) => (summary, None),
        Err(ImportError::Dump { error, summary }) => (*summary, Some(error.to_string())),
        Err(ImportError::Store { error, summary }) => (*summary, Some(error.to_string())),
    };
    sink.finish()?;
    println!(
        "{} pages et {} révisions lues ; {} pages créées, {} révisions importées, {} déjà importées, {} non importées ({:.1} s, {:.0} révisions/s)",
        summary.pages_read,
        summary.revisions_read,
        summary.pages_created,
        summary.revisions_added,
        summary.revisions_already,
        summary.revisions_skipped,
        elapsed,
        summary.revisions_read as f64 / elapsed.max(1e-9),
    );
    sink.print_summary(&report_path, summary.pages_reported);
    if let Some(failure) = failure {
        anyhow::bail!(
            "the import stopped: {failure}\nWhat was imported before stays; once the dump is \
             fixed, run the same command again: nothing is imported twice."
        );
    }
    Ok(())
}

/// The import report as a CSV file written as rows come, with a count per construct
/// and the first rows kept for the terminal.
struct CsvReport {
    writer: csv::Writer<std::fs::File>,
    by_construct: std::collections::BTreeMap<String, (usize, usize)>,
    first: Vec<carnet::import::ReportRow>,
    error: Option<csv::Error>,
}

impl CsvReport {
    fn create(path: &std::path::Path) -> anyhow::Result<CsvReport> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let mut writer = csv::Writer::from_path(path)
            .with_context(|| format!("cannot write the report {}", path.display()))?;
        writer.write_record(["page", "construct", "count"])?;
        Ok(CsvReport {
            writer,
            by_construct: std::collections::BTreeMap::new(),
            first: Vec::new(),
            error: None,
        })
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        if let Some(error) = self.error.take() {
            return Err(error).context("cannot write the report");
        }
        self.writer.flush().context("cannot write the report")
    }

    fn print_summary(&self, path: &std::path::Path, pages: u64) {
        if self.by_construct.is_empty() {
            println!("Rapport : rien à signaler ({})", path.display());
            return;
        }
        println!("Rapport ({pages} pages) : {}", path.display());
        for (construct, (pages, count)) in &self.by_construct {
            println!("  {construct} : {count} (dans {pages} pages)");
        }
        for row in &self.first {
            println!("  {} — {} × {}", row.page, row.construct, row.count);
        }
        if self.first.len() == REPORT_SHOWN {
            println!("  … (la suite dans le fichier)");
        }
    }
}

/// Report rows shown on the terminal; the file has them all.
const REPORT_SHOWN: usize = 20;

impl carnet::import::ReportSink for CsvReport {
    fn row(&mut self, row: carnet::import::ReportRow) {
        let count = row.count.to_string();
        if let Err(error) =
            self.writer
                .write_record([row.page.as_str(), row.construct.as_str(), count.as_str()])
        {
            self.error.get_or_insert(error);
        }
        let entry = self.by_construct.entry(row.construct.clone()).or_default();
        entry.0 += 1;
        entry.1 += row.count;
        if self.first.len() < REPORT_SHOWN {
            self.first.push(row);
        }
    }
}

fn database_url(data: &std::path::Path, database_url: Option<String>) -> anyhow::Result<String> {
    match database_url.filter(|url| !url.trim().is_empty()) {
        Some(url) => Ok(url),
        None => {
            std::fs::create_dir_all(data)
                .with_context(|| format!("cannot create the data folder {}", data.display()))?;
            Ok(data.join("carnet.db").to_string_lossy().into_owned())
        }
    }
}

fn user(database: &DatabaseArgs, command: UserCommand) -> anyhow::Result<()> {
    let url = database_url(&database.data, database.database_url.clone())?;
    let store = open_store(&url, database.search_language)?;
    match command {
        UserCommand::Create { name, admin, role } => {
            let name =
                UserName::parse(&name).map_err(|e| anyhow::anyhow!("invalid user name: {e}"))?;
            let role = match (admin, role) {
                (true, _) => Role::Administrator,
                (false, Some(role)) => parse_role(&role)?,
                (false, None) => Role::Writer,
            };
            let password = read_password()?;
            check_password(&name, &password)
                .map_err(|e| anyhow::anyhow!("invalid password: {e}"))?;
            let hash = carnet_web::hash_password(&password)
                .map_err(|_| anyhow::anyhow!("cannot hash the password"))?;
            match store.create_user(&name, &hash, role)? {
                Some(user) => println!("{} ({}) created", user.name, user.role.code()),
                None => anyhow::bail!("the name {name} is already taken"),
            }
        }
        UserCommand::SetRole { name, role } => {
            let name =
                UserName::parse(&name).map_err(|e| anyhow::anyhow!("invalid user name: {e}"))?;
            let role = parse_role(&role)?;
            if !store.set_role(&name, role, None, "carnet user set-role")? {
                anyhow::bail!("no user named {name}");
            }
            println!("{name} is now {}", role.code());
        }
        UserCommand::List => {
            for user in store.users()? {
                println!(
                    "{}\t{}\t{}",
                    user.name,
                    user.role.code(),
                    user.created_at.format("%Y-%m-%d")
                );
            }
        }
    }
    Ok(())
}

fn parse_role(role: &str) -> anyhow::Result<Role> {
    Role::parse(role)
        .ok_or_else(|| anyhow::anyhow!("unknown role {role:?}: writer, animateur or admin"))
}

/// From the terminal without echo, or the first line of a pipe.
fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal as _;
    if std::io::stdin().is_terminal() {
        let password = rpassword::prompt_password("Mot de passe : ")?;
        let again = rpassword::prompt_password("Encore une fois : ")?;
        if password != again {
            anyhow::bail!("the two passwords differ");
        }
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

fn serve(args: &carnet::config::ServeArgs) -> anyhow::Result<()> {
    let config = carnet::config::ServeConfig::load(args, &|name| std::env::var(name).ok())?;
    carnet::config::init_logging(&config.log, config.log_format)?;
    if let Some(file) = &config.file {
        log::info!("settings read from {}", file.display());
    }
    let url = database_url(&config.data, config.database_url.clone())?;
    let mut store_config = StoreConfig::new(&url);
    store_config.search_language = config.search_language;
    store_config.pool_size = config.database_pool_size;
    let store = Store::open(&store_config)
        .with_context(|| format!("cannot open the database {}", redact(&url)))?;
    prepare_search(&store)?;
    compact_in_background(&store);
    checkpoint_in_background(&store);
    if carnet_web::seed_welcome_page(&store).context("cannot write the welcome page")? {
        log::info!("welcome page created");
    }
    let listener = TcpListener::bind(&config.bind)
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let address = listener.local_addr().context("no local address")?;
    let mut state = AppState::new(store).map_err(anyhow::Error::msg)?;
    state.policy.anonymous_editing = config.anonymous_edits;
    state.limits = LimitConfig {
        policy: config.limits.clone(),
        trust_proxy: config.trust_proxy,
    };
    state.ops.metrics_token = config.metrics_token.clone();
    state.page_cache = carnet_web::page_cache::PageCache::with_budget(
        config.page_cache_mb.saturating_mul(1024 * 1024),
    );
    // Uploaded files, content-addressed under the data folder (docs/ADMIN.md: object
    // storage for several machines).
    let media = config.data.join("media");
    state.blobs = carnet_store::BlobStore::local(&media)
        .with_context(|| format!("cannot open the media folder {}", media.display()))?;
    state.media_limits.max_bytes = config.max_upload_bytes;
    let web_config = WebConfig {
        workers: config.workers,
        shutdown_timeout: config.shutdown_timeout,
    };
    println!(
        "Carnet est prêt : http://{address}/ (base : {})",
        redact(&url)
    );
    actix_web::rt::System::new().block_on(async move {
        carnet_web::serve_until_stopped(listener, state, &web_config)
            .await
            .context("the HTTP server stopped with an error")
    })?;
    log::info!("stopped");
    Ok(())
}

/// Revisions of a wiki upgraded from a release before compact storage are rewritten
/// in the background, in small transactions with pauses: saves go in between, and the
/// rows not yet rewritten are read as they are.
fn compact_in_background(store: &Store) {
    let store = store.clone();
    let spawned = std::thread::Builder::new()
        .name("compaction".to_owned())
        .spawn(move || {
            match store.plain_revisions() {
                Ok(0) => return,
                Ok(n) => log::info!("compacting {n} revisions stored by an older release"),
                Err(error) => {
                    log::error!("compaction: {error}");
                    return;
                }
            }
            let pause = std::time::Duration::from_millis(20);
            match store.compact_all(carnet_store::COMPACT_BATCH, pause, &mut |_| {}) {
                Ok(n) => log::info!("compaction done: {n} revisions rewritten"),
                Err(error) => log::error!("compaction stopped: {error}"),
            }
        });
    if let Err(error) = spawned {
        log::error!("cannot start the compaction: {error}");
    }
}

/// The SQLite write-ahead log is written back and emptied whenever it passes this
/// size (checked every [`WAL_CHECK_EVERY`]): SQLite cannot start it over by itself
/// while readers keep coming (see `carnet_store`'s `wal.rs`).
const WAL_LIMIT: u64 = 64 * 1024 * 1024;
const WAL_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Keeps the SQLite write-ahead log under [`WAL_LIMIT`] (nothing to do on PostgreSQL).
fn checkpoint_in_background(store: &Store) {
    if store.wal_path().is_none() {
        return;
    }
    let store = store.clone();
    let spawned = std::thread::Builder::new()
        .name("wal-checkpoint".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(WAL_CHECK_EVERY);
                match store.checkpoint_when_larger(WAL_LIMIT) {
                    Ok(Some(done)) => log::info!(
                        "write-ahead log checkpointed: {} MiB, then {} MiB{}",
                        done.bytes_before / (1024 * 1024),
                        done.bytes_after / (1024 * 1024),
                        if done.busy {
                            " (busy: will try again)"
                        } else {
                            ""
                        }
                    ),
                    Ok(None) => {}
                    Err(error) => log::error!("write-ahead log checkpoint: {error}"),
                }
            }
        });
    if let Err(error) = spawned {
        log::error!("cannot start the write-ahead log checkpoints: {error}");
    }
}

/// `carnet compact`: the same, in the foreground, to the end.
fn compact(database: &DatabaseArgs) -> anyhow::Result<()> {
    let url = database_url(&database.data, database.database_url.clone())?;
    let store = open_store(&url, database.search_language)?;
    let total = store.plain_revisions()?;
    let started = std::time::Instant::now();
    let done = store.compact_all(
        carnet_store::COMPACT_BATCH,
        std::time::Duration::ZERO,
        &mut |done| eprint!("\r{done}/{total} révisions compactées"),
    )?;
    if done > 0 {
        eprintln!();
    }
    println!(
        "{done} révisions compactées ({:.1} s) ; il n'en reste aucune en texte brut",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Hides a password in a database URL before printing it.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = url.get(scheme_end + 3..at).unwrap_or_default();
            match credentials.split_once(':') {
                Some((user, _)) => format!(
                    "{}{user}:***{}",
                    url.get(..scheme_end + 3).unwrap_or_default(),
                    url.get(at..).unwrap_or_default()
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact("postgres://carnet:secret@db:5432/wiki"),
            "postgres://carnet:***@db:5432/wiki"
        );
        assert_eq!(
            redact("postgres://carnet@db/wiki"),
            "postgres://carnet@db/wiki"
        );
        assert_eq!(redact("data/carnet.db"), "data/carnet.db");
    }
}
