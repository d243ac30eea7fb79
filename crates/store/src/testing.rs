//! A database per test: a temporary SQLite file, or, when `CARNET_TEST_DATABASE_URL`
//! names a PostgreSQL server, a fresh database on it, dropped afterwards.
//!
//! The same test suite thus runs on both backends: CI sets the variable for its second
//! pass.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::{Connection, RunQueryDsl};

use crate::{AnyConnection, Store, StoreConfig, StoreError};

/// The environment variable that points tests at PostgreSQL.
pub const TEST_DATABASE_URL: &str = "CARNET_TEST_DATABASE_URL";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A migrated, empty database that disappears when dropped.
pub struct TestDb {
    url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDb {
    /// Creates the database. Panics with a clear message when it cannot: a test
    /// without its database has nothing to test.
    pub fn new() -> TestDb {
        match std::env::var(TEST_DATABASE_URL) {
            Ok(admin_url) if !admin_url.is_empty() => TestDb::postgres(&admin_url),
            _ => TestDb::sqlite(),
        }
    }

    fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("cannot create a temp dir: {e}"));
        let url = dir.path().join("carnet.db").to_string_lossy().into_owned();
        TestDb {
            url,
            _dir: Some(dir),
            postgres: None,
        }
    }

    fn postgres(admin_url: &str) -> TestDb {
        let mut random = [0u8; 4];
        getrandom::fill(&mut random).unwrap_or_else(|e| panic!("no randomness: {e}"));
        let name = format!(
            "carnet_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            u32::from_le_bytes(random)
        );
        let mut admin = PgConnection::establish(admin_url)
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin_url}: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
        let url = replace_database(admin_url, &name);
        TestDb {
            url,
            _dir: None,
            postgres: Some((admin_url.to_owned(), name)),
        }
    }

    /// The URL to give the store or the server.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens a store on this database (migrating it).
    pub fn store(&self) -> Result<Store, StoreError> {
        self.store_with(|_| {})
    }

    /// Opens a store with settings changed by `adjust` (the search language, limits…).
    pub fn store_with(&self, adjust: impl FnOnce(&mut StoreConfig)) -> Result<Store, StoreError> {
        let mut config = StoreConfig::new(&self.url);
        config.pool_size = 12;
        adjust(&mut config);
        Store::open(&config)
    }
}

impl Default for TestDb {
    fn default() -> Self {
        TestDb::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.postgres
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            // FORCE ends the pool's connections, still open if the store outlives us.
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// A digest of every row of every table, by table name: a test takes one before and one
/// after a refused request to show that it changed nothing. Tables come from the
/// database's catalog, so tables added later are covered without touching this.
pub fn fingerprint(store: &Store) -> Result<BTreeMap<String, String>, StoreError> {
    use diesel::sql_types::{BigInt, Text};

    #[derive(diesel::QueryableByName)]
    struct NameRow {
        #[diesel(sql_type = Text)]
        name: String,
    }
    #[derive(diesel::QueryableByName)]
    struct DigestRow {
        #[diesel(sql_type = BigInt)]
        n: i64,
        #[diesel(sql_type = Text)]
        digest: String,
    }

    let mut conn = store.conn()?;
    let mut out = BTreeMap::new();
    match &mut *conn {
        AnyConnection::Sqlite(conn) => {
            let tables: Vec<NameRow> = diesel::sql_query(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'",
            )
            .load(conn)?;
            for table in tables {
                let columns: Vec<NameRow> = diesel::sql_query(format!(
                    "SELECT name FROM pragma_table_info('{}') ORDER BY cid",
                    table.name
                ))
                .load(conn)?;
                let row = columns
                    .iter()
                    .map(|column| format!("quote(\"{}\")", column.name))
                    .collect::<Vec<_>>()
                    .join(" || ',' || ");
                let digest: DigestRow = diesel::sql_query(format!(
                    "SELECT count(*) AS n, coalesce(group_concat(r, char(30)), '') AS digest \
                     FROM (SELECT {row} AS r FROM \"{}\" ORDER BY 1)",
                    table.name
                ))
                .get_result(conn)?;
                out.insert(table.name, summary(&digest.n, &digest.digest));
            }
        }
        AnyConnection::Postgresql(conn) => {
            let tables: Vec<NameRow> = diesel::sql_query(
                "SELECT table_name::text AS name FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 AND table_name <> '__diesel_schema_migrations'",
            )
            .load(conn)?;
            for table in tables {
                let digest: DigestRow = diesel::sql_query(format!(
                    "SELECT count(*)::bigint AS n, \
                     coalesce(string_agg(t::text, chr(30) ORDER BY t::text), '') AS digest \
                     FROM \"{}\" t",
                    table.name
                ))
                .get_result(conn)?;
                out.insert(table.name, summary(&digest.n, &digest.digest));
            }
        }
    }
    Ok(out)
}

fn summary(rows: &i64, digest: &str) -> String {
    format!(
        "{rows} rows, {}",
        carnet_core::ContentHash::of(digest).as_str()
    )
}

/// `postgres://user@host:port/db?opts` with the database part replaced by `name`.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let (prefix, rest) = base.split_at(scheme_end);
    let host = rest.split_once('/').map(|(host, _)| host).unwrap_or(rest);
    let mut out = format!("{prefix}{host}/{name}");
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Every row of every table both backends share, as backend-neutral text, by table:
/// each row is its columns in name order, `name=value`, values written the same way on
/// SQLite and PostgreSQL (booleans `t`/`f`, blobs in hex, timestamps to the
/// microsecond as PostgreSQL keeps them), rows sorted. `carnet migrate-db`'s test
/// compares a SQLite wiki and its PostgreSQL copy with it, table by table. The word
/// index (backend-specific) is left out.
pub fn canonical_rows(store: &Store) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
    use diesel::sql_types::{Nullable, Text};

    #[derive(diesel::QueryableByName)]
    struct ColumnRow {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
        #[diesel(sql_type = Text)]
        kind: String,
    }
    #[derive(diesel::QueryableByName)]
    struct Value {
        #[diesel(sql_type = Nullable<Text>)]
        v: Option<String>,
    }

    // The content generation is each database's own counter, not content.
    let backend_specific = |t: &str| {
        t == "search_index"
            || t.starts_with("search_index_")
            || t == "search_documents"
            || t == "content_generation"
    };
    let mut conn = store.conn()?;
    let columns: Vec<ColumnRow> = match &mut *conn {
        AnyConnection::Sqlite(conn) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, upper(p.type) AS kind \
             FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' \
             AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'",
        )
        .load(conn)?,
        AnyConnection::Postgresql(conn) => diesel::sql_query(
            "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, \
             upper(c.data_type::text) AS kind FROM information_schema.columns c \
             JOIN information_schema.tables t ON t.table_name = c.table_name \
             AND t.table_schema = c.table_schema WHERE c.table_schema = current_schema() \
             AND t.table_type = 'BASE TABLE' AND c.table_name <> '__diesel_schema_migrations'",
        )
        .load(conn)?,
    };
    let mut tables: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for column in columns {
        if !backend_specific(&column.table_name) {
            tables
                .entry(column.table_name)
                .or_default()
                .push((column.column_name, column.kind));
        }
    }
    let sqlite = matches!(&*conn, AnyConnection::Sqlite(_));
    let mut out = BTreeMap::new();
    for (table, mut columns) in tables {
        columns.sort();
        let mut expressions = Vec::new();
        for (name, kind) in &columns {
            let c = format!("\"{name}\"");
            let text = if kind.contains("BOOL") {
                format!("CASE WHEN {c} IS NULL THEN NULL WHEN {c} THEN 't' ELSE 'f' END")
            } else if kind.contains("BLOB") {
                format!("lower(hex({c}))")
            } else if kind.contains("BYTEA") {
                format!("encode({c}, 'hex')")
            } else if sqlite {
                format!("CAST({c} AS TEXT)")
            } else {
                format!("{c}::text")
            };
            expressions.push(format!("'{name}=' || coalesce({text}, 'NULL')"));
        }
        let glue = if sqlite {
            " || char(31) || "
        } else {
            " || chr(31) || "
        };
        let sql = format!("SELECT {} AS v FROM \"{table}\"", expressions.join(glue));
        let values: Vec<Value> = match &mut *conn {
            AnyConnection::Sqlite(conn) => diesel::sql_query(sql).load(conn)?,
            AnyConnection::Postgresql(conn) => diesel::sql_query(sql).load(conn)?,
        };
        let timestamps: Vec<bool> = columns
            .iter()
            .map(|(_, kind)| kind.contains("TIMESTAMP"))
            .collect();
        let mut rows: Vec<String> = values
            .into_iter()
            .map(|value| {
                let row = value.v.unwrap_or_default();
                row.split('\u{1f}')
                    .zip(timestamps.iter())
                    .map(|(field, timestamp)| {
                        if *timestamp {
                            canonical_timestamp(field)
                        } else {
                            field.to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect();
        rows.sort();
        out.insert(table, rows);
    }
    Ok(out)
}

/// `name=2026-11-29 10:00:00.123456789` → microseconds, rounded half to even as
/// PostgreSQL rounds what it is given.
fn canonical_timestamp(field: &str) -> String {
    let Some((name, value)) = field.split_once('=') else {
        return field.to_owned();
    };
    let Ok(time) = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S%.f") else {
        return field.to_owned();
    };
    use chrono::Timelike as _;
    let nanos = i64::from(time.nanosecond());
    let (micros, rest) = (nanos / 1000, nanos % 1000);
    let up = rest > 500 || (rest == 500 && micros % 2 == 1);
    let rounded = time.with_nanosecond(0).unwrap_or(time)
        + chrono::Duration::microseconds(micros + i64::from(up));
    format!("{name}={}", rounded.format("%Y-%m-%d %H:%M:%S%.6f"))
}

/// Applies the migrations embedded in this binary to the database at `url`, in order,
/// up to and including version `last` (e.g. `2026-11-29-000016`) and no further: the
/// schema of the release that ended there, for upgrade tests.
pub fn migrate_up_to(url: &str, last: &str) -> Result<(), StoreError> {
    use diesel_migrations::MigrationHarness;
    // diesel's versions are the directory names' dates without the dashes.
    let last = last.replace('-', "");
    let last = last.as_str();
    let mut conn = crate::connection::Manager::new(url).open()?;
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migration(e.to_string());
    match &mut conn {
        AnyConnection::Sqlite(conn) => loop {
            let pending = conn
                .pending_migrations(crate::connection::SQLITE_MIGRATIONS)
                .map_err(failed)?;
            match pending.first() {
                Some(next) if next.name().version().to_string().as_str() <= last => {
                    conn.run_migration(next.as_ref()).map_err(failed)?;
                }
                _ => return Ok(()),
            }
        },
        AnyConnection::Postgresql(conn) => loop {
            let pending = conn
                .pending_migrations(crate::connection::POSTGRES_MIGRATIONS)
                .map_err(failed)?;
            match pending.first() {
                Some(next) if next.name().version().to_string().as_str() <= last => {
                    conn.run_migration(next.as_ref()).map_err(failed)?;
                }
                _ => return Ok(()),
            }
        },
    }
}

/// The versions of the migrations embedded in this binary that the database at `url`
/// has not applied (as diesel writes them: `20261129000017`).
pub fn pending_migrations(url: &str) -> Result<Vec<String>, StoreError> {
    use diesel_migrations::MigrationHarness;
    let mut conn = crate::connection::Manager::new(url).open()?;
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migration(e.to_string());
    Ok(match &mut conn {
        AnyConnection::Sqlite(conn) => conn
            .pending_migrations(crate::connection::SQLITE_MIGRATIONS)
            .map_err(failed)?
            .iter()
            .map(|m| m.name().version().to_string())
            .collect(),
        AnyConnection::Postgresql(conn) => conn
            .pending_migrations(crate::connection::POSTGRES_MIGRATIONS)
            .map_err(failed)?
            .iter()
            .map(|m| m.name().version().to_string())
            .collect(),
    })
}

/// The `value` column of a query's rows, as text (tests reading a value or two).
pub fn query_values(store: &Store, sql: &str) -> Result<Vec<String>, StoreError> {
    #[derive(diesel::QueryableByName)]
    struct ValueRow {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let mut conn = store.conn()?;
    let rows: Vec<ValueRow> = diesel::sql_query(sql).load(&mut *conn)?;
    Ok(rows.into_iter().map(|row| row.value).collect())
}

/// Runs raw SQL on the store's database (benchmarks and tests filling big tables fast).
pub fn execute(store: &Store, sql: &str) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    let mut conn = store.conn()?;
    conn.batch_execute(sql)?;
    Ok(())
}

/// An edit by "Testeuse" of `title` to `text` on top of `base`: the tests' usual save.
/// Panics on a malformed title or text (a test's own mistake).
pub fn edit(title: &str, text: &str, base: Option<carnet_core::RevisionId>) -> crate::Edit {
    let parsed = |what: &str, error: &dyn std::fmt::Display| -> ! {
        panic!("test edit: bad {what}: {error}")
    };
    crate::Edit {
        title: carnet_core::Title::parse(title).unwrap_or_else(|e| parsed("title", &e)),
        text: carnet_core::PageText::new(text, carnet_core::MAX_PAGE_BYTES)
            .unwrap_or_else(|e| parsed("text", &e)),
        base,
        author: carnet_core::Author::new("Testeuse").unwrap_or_else(|e| parsed("author", &e)),
        user: None,
        comment: carnet_core::Comment::new("essai").unwrap_or_else(|e| parsed("comment", &e)),
        minor: false,
        labels: carnet_core::MergeLabels::default(),
    }
}

/// Holds this process's SQLite writer turn until dropped: saves made meanwhile queue,
/// and the first to get the turn afterwards commits them together (`batch.rs`).
pub fn hold_sqlite_writer() -> impl Drop {
    match crate::connection::sqlite_writer_turn() {
        Some(turn) => turn,
        None => panic!("the SQLite writer turn was held too long by another test"),
    }
}

/// Saves of `store` waiting for the SQLite writer's turn.
pub fn queued_saves(store: &Store) -> usize {
    store.saves.waiting()
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            replace_database("postgres://carnet@127.0.0.1:5433/postgres", "t1"),
            "postgres://carnet@127.0.0.1:5433/t1"
        );
        assert_eq!(
            replace_database("postgres://localhost:5433?sslmode=disable", "t2"),
            "postgres://localhost:5433/t2?sslmode=disable"
        );
    }
}
