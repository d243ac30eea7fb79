//! Connections to either backend behind one type, a pool, and write transactions.

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::R2D2Connection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::StoreError;

/// One connection type for both backends, so every query is written once.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// The database engine behind a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `postgres://` and `postgresql://` are PostgreSQL; `sqlite://PATH`, `sqlite:PATH`
    /// or a plain file path are SQLite. Decided here, never by trial: a PostgreSQL URL
    /// must not silently become a SQLite file when the server is down.
    pub fn from_url(url: &str) -> (Backend, String) {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return (Backend::Postgres, url.to_owned());
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        (Backend::Sqlite, path.to_owned())
    }
}

pub(crate) const SQLITE_MIGRATIONS: EmbeddedMigrations =
    embed_migrations!("../../migrations/sqlite");
pub(crate) const POSTGRES_MIGRATIONS: EmbeddedMigrations =
    embed_migrations!("../../migrations/postgres");

/// A lock id shared by every Carnet process, so that processes starting together on one
/// PostgreSQL database migrate one at a time.
const MIGRATION_LOCK_ID: i64 = 0x4361_726e_6574; // "Carnet"

/// How long a SQLite connection waits for another writer before giving up.
pub(crate) const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// The size a write-ahead log that starts over is cut back to (64 MiB): without it
/// the file keeps its largest size forever (see `wal.rs`).
const SQLITE_JOURNAL_SIZE_LIMIT: u64 = 64 * 1024 * 1024;

/// Log pages after which a commit copies the log into the database (SQLite's default
/// is 1,000, about 4 MiB): every twenty saves or so, a save paid for copying and
/// syncing the pages all the others had changed. A longer log copies each hot page
/// (indexes, the word index's segments) once for more saves.
const SQLITE_WAL_AUTOCHECKPOINT: u32 = 4_000;

/// How long a reader on an async worker thread waits for a locked SQLite file (WAL
/// readers are only held up by a checkpoint resetting the log, for a moment).
const SQLITE_READER_BUSY_TIMEOUT: Duration = Duration::from_millis(200);

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// Opens connections of the backend chosen from the URL, set up for Carnet.
#[derive(Debug, Clone)]
pub struct Manager {
    backend: Backend,
    target: String,
}

impl Manager {
    pub fn new(url: &str) -> Manager {
        let (backend, target) = Backend::from_url(url);
        Manager { backend, target }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn open(&self) -> Result<AnyConnection, ConnectError> {
        match self.backend {
            Backend::Postgres => Ok(AnyConnection::Postgresql(PgConnection::establish(
                &self.target,
            )?)),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)?;
                // busy_timeout first: the other pragmas may already need the lock.
                // temp_store: statement journals and the temporary tables of `IN
                // (SELECT …)` stay in memory — on files in /var/tmp they were a few
                // hundred kilobytes written per save.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {};
                     PRAGMA foreign_keys = ON;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA journal_size_limit = {};
                     PRAGMA wal_autocheckpoint = {};
                     PRAGMA temp_store = MEMORY;",
                    SQLITE_BUSY_TIMEOUT.as_millis(),
                    SQLITE_JOURNAL_SIZE_LIMIT,
                    SQLITE_WAL_AUTOCHECKPOINT
                ))?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }

    /// A SQLite connection that only reads, waiting a moment at most when the file is
    /// locked (it may run on an async worker thread: see
    /// `Store::content_generation_here`).
    pub(crate) fn open_reader(&self) -> Result<SqliteConnection, ConnectError> {
        let mut conn = SqliteConnection::establish(&self.target)?;
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {}; PRAGMA query_only = ON;",
            SQLITE_READER_BUSY_TIMEOUT.as_millis()
        ))?;
        Ok(conn)
    }

    /// Prepares the database once, before the pool opens: WAL mode on SQLite (readers
    /// never wait for the writer) and the schema migrations on both backends.
    pub fn prepare(&self) -> Result<(), StoreError> {
        let mut conn = self.open()?;
        match &mut conn {
            AnyConnection::Sqlite(conn) => {
                conn.batch_execute("PRAGMA journal_mode = WAL;")?;
                conn.run_pending_migrations(SQLITE_MIGRATIONS)
                    .map_err(|e| StoreError::Migration(e.to_string()))?;
            }
            AnyConnection::Postgresql(conn) => {
                conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_ID})"))?;
                let migrated = conn
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|_| ())
                    .map_err(|e| StoreError::Migration(e.to_string()));
                conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_ID})"))?;
                migrated?;
            }
        }
        Ok(())
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<AnyConnection, ConnectError> {
        self.open()
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), ConnectError> {
        conn.ping().map_err(ConnectError::Query)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<Manager>;

/// The queue of this process's SQLite write transactions.
///
/// SQLite has one writer at a time; a connection that finds the lock taken sleeps in
/// its busy handler (1, 2, 5 … 100 ms) and tries again. With tens of saves at once most
/// of the time went to those sleeps (76 saves/s, the core a third busy). Waiting here
/// instead hands the lock over the moment the previous transaction ends. Writes of
/// other processes on the same file (a `carnet` command) still meet the busy handler.
/// One queue per process, whatever the file: Carnet serves one database, and tests
/// that open several only wait a little longer.
static SQLITE_WRITER: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

/// How long a write waits in the queue before trying without it. Nothing should hold
/// it that long; if something ever does (a transaction waiting for another one in the
/// same process), going on with the busy handler alone cannot deadlock.
const SQLITE_WRITER_WAIT: Duration = SQLITE_BUSY_TIMEOUT;

/// This process's turn to write on SQLite, held until dropped; `None` when the queue
/// was held too long and the write goes on without it (the busy handler still guards).
pub(crate) fn sqlite_writer_turn() -> Option<parking_lot::MutexGuard<'static, ()>> {
    let turn = SQLITE_WRITER.try_lock_for(SQLITE_WRITER_WAIT);
    if turn.is_none() {
        log::warn!("the SQLite writer queue was held too long; writing without it");
    }
    turn
}

/// Runs `f` in a transaction that writes. On SQLite it starts with `BEGIN IMMEDIATE`,
/// taking the write lock up front (a deferred transaction that reads and then writes
/// can fail with SQLITE_BUSY at once, whatever the busy timeout), after its turn in
/// the process's writer queue.
pub fn write_transaction<T, E>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let _turn = match conn {
        AnyConnection::Sqlite(_) => sqlite_writer_turn(),
        AnyConnection::Postgresql(_) => None,
    };
    write_transaction_in_turn(conn, f)
}

/// [`write_transaction`] without queueing: for a caller that holds its
/// [`sqlite_writer_turn`] already, or goes on without it, and on PostgreSQL.
pub(crate) fn write_transaction_in_turn<T, E>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        AnyConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
        }
        AnyConnection::Postgresql(_) => {
            <AnyConnection as Connection>::TransactionManager::begin_transaction(conn)?;
        }
    }
    match f(conn) {
        Ok(value) => {
            <AnyConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            // The caller's error matters more than a failed rollback, which leaves the
            // connection broken and r2d2 discards it.
            let _ = <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn);
            Err(error)
        }
    }
}

impl crate::Store {
    /// The embedded migrations this database lacks, by name (empty: the schema is
    /// current). Reading them also shows that the database answers; a connection is
    /// awaited `wait` at most (readiness probes must answer quickly).
    pub fn pending_migrations(&self, wait: Duration) -> Result<Vec<String>, StoreError> {
        let mut conn = self.pool.get_timeout(wait)?;
        let names = match &mut *conn {
            AnyConnection::Sqlite(conn) => conn
                .pending_migrations(SQLITE_MIGRATIONS)
                .map(|pending| pending.iter().map(|m| m.name().to_string()).collect()),
            AnyConnection::Postgresql(conn) => conn
                .pending_migrations(POSTGRES_MIGRATIONS)
                .map(|pending| pending.iter().map(|m| m.name().to_string()).collect()),
        };
        names.map_err(|e| StoreError::Migration(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use diesel::sql_types::Text;
    use diesel::{QueryableByName, RunQueryDsl};

    use super::*;

    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = Text)]
        compile_options: String,
    }

    /// Without the guarantee every `.first()` (`LIMIT ?`) is compiled again on each run
    /// (see `.cargo/config.toml`): the build must keep it.
    #[test]
    fn sqlite_keeps_its_query_plans() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let options: Vec<String> = diesel::sql_query("SELECT * FROM pragma_compile_options")
            .load::<CompileOption>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|row| row.compile_options)
            .collect();
        assert!(
            options.iter().any(|o| o.starts_with("THREADSAFE")),
            "{options:?}"
        );
        assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    }
}
