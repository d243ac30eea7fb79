//! Whole-database operations for `carnet backup`, `carnet restore` and
//! `carnet migrate-db`: a consistent SQLite snapshot (`VACUUM INTO`), what a database
//! holds (schema version, counts, the media it references), and the copy of a SQLite
//! database into PostgreSQL.
//!
//! The copy is generic: the tables and columns come from the two catalogs, so a table
//! added by a later migration (written for both backends, as every migration is) is
//! copied without touching this file. Rows travel as JSON: SQLite's `json_object` writes
//! a batch, PostgreSQL's `json_populate_recordset` reads it with the target table's own
//! column types (booleans stored as 0/1, timestamps as text, blobs as `\x…` hex).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::pg::PgConnection;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, QueryableByName, RunQueryDsl};

use crate::StoreError;
use crate::connection::{AnyConnection, Backend, Manager, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

/// Rows sent to PostgreSQL per statement.
const COPY_BATCH: i64 = 500;

/// Tables that exist on one backend only: the full-text word index, an FTS5 virtual
/// table (and its shadow tables) on SQLite, tsvectors on PostgreSQL. Never copied:
/// the target's index is rebuilt from the copied pages (`Store::reindex`).
fn backend_specific(table: &str) -> bool {
    table == "search_index"
        || table.starts_with("search_index_")
        || table == "search_documents"
        // The content generation is each database's own counter (its migration writes
        // the one row, and the copy itself moves it).
        || table == "content_generation"
}

/// The migrations this binary knows, by version (`20261129000016`), oldest first.
pub fn known_migrations(backend: Backend) -> Result<Vec<String>, StoreError> {
    let migrations = match backend {
        Backend::Sqlite => {
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
                .map_err(|e| StoreError::Migration(e.to_string()))?
                .iter()
                .map(|m| m.name().version().to_string())
                .collect::<Vec<_>>()
        }
        Backend::Postgres => MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES_MIGRATIONS)
            .map_err(|e| StoreError::Migration(e.to_string()))?
            .iter()
            .map(|m| m.name().version().to_string())
            .collect::<Vec<_>>(),
    };
    let mut versions = migrations;
    versions.sort();
    Ok(versions)
}

/// What a database holds, read without migrating it (a running server's database is
/// never changed by a backup).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseSummary {
    /// The migrations applied, oldest first.
    pub migrations: Vec<String>,
    /// Rows of the main tables (`pages`, `revisions`, `users`, `file_versions`).
    pub counts: BTreeMap<String, i64>,
    /// The SHA-256 of every file version's blob, each once, sorted.
    pub media: Vec<String>,
}

#[derive(QueryableByName)]
struct TextRow {
    #[diesel(sql_type = Text)]
    value: String,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The tables a summary counts.
const SUMMARY_TABLES: [&str; 4] = ["pages", "revisions", "users", "file_versions"];

/// Reads a database's schema version, main counts and referenced media, in one read
/// transaction (a consistent view), without running migrations.
pub fn describe(url: &str) -> Result<DatabaseSummary, StoreError> {
    let mut conn = Manager::new(url).open()?;
    let migrations_sql = "SELECT version AS value FROM __diesel_schema_migrations ORDER BY version";
    let media_sql = "SELECT DISTINCT sha256 AS value FROM file_versions ORDER BY sha256";
    let summary = conn.transaction(|conn| -> Result<DatabaseSummary, StoreError> {
        let migrations: Vec<TextRow> = diesel::sql_query(migrations_sql).load(conn)?;
        let mut counts = BTreeMap::new();
        for table in SUMMARY_TABLES {
            let row: CountRow =
                diesel::sql_query(format!("SELECT count(*) AS n FROM {table}")).get_result(conn)?;
            counts.insert(table.to_owned(), row.n);
        }
        let media: Vec<TextRow> = diesel::sql_query(media_sql).load(conn)?;
        Ok(DatabaseSummary {
            migrations: migrations.into_iter().map(|r| r.value).collect(),
            counts,
            media: media.into_iter().map(|r| r.value).collect(),
        })
    })?;
    Ok(summary)
}

/// Writes a consistent copy of the SQLite database at `source` to `dest` (which must
/// not exist) with `VACUUM INTO`: a read transaction, so the server's writers go on
/// meanwhile (WAL mode) and the copy is the database as of its start, compacted.
pub fn sqlite_snapshot(source: &Path, dest: &Path) -> Result<(), StoreError> {
    if !source.is_file() {
        return Err(StoreError::Corrupt(format!(
            "no SQLite database at {}",
            source.display()
        )));
    }
    let mut conn = Manager::new(&source.to_string_lossy()).open()?;
    let dest = dest.to_string_lossy().replace('\'', "''");
    conn.batch_execute(&format!("VACUUM INTO '{dest}'"))?;
    Ok(())
}

/// One table's rows in the source and, after the copy, in the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub table: String,
    pub source: i64,
    pub target: i64,
}

/// What `copy_sqlite_to_postgres` did.
#[derive(Debug, Clone)]
pub struct CopyReport {
    /// Every copied table, in copy order, with its verified counts.
    pub tables: Vec<TableCount>,
    /// Tables left out because they exist on one side only (the word index).
    pub skipped: Vec<String>,
    /// The search language recorded in the source (`fr` when none).
    pub search_language: String,
}

/// Why a copy was refused before anything was written.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("the target database already holds a wiki ({pages} pages, {users} accounts)")]
    TargetNotEmpty { pages: i64, users: i64 },
    #[error("the source and target schemas differ: {0}")]
    Schema(String),
    #[error("the counts differ after the copy (nothing was kept): {0}")]
    Verification(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for CopyError {
    fn from(error: diesel::result::Error) -> CopyError {
        CopyError::Store(StoreError::Database(error))
    }
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    /// SQLite's declared type, upper case (`BLOB` columns travel as hex).
    kind: String,
    primary_key: bool,
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<Column>,
    /// Foreign keys: (column, referenced table, nullable).
    references: Vec<(String, String, bool)>,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct ForeignKeyRow {
    #[diesel(sql_type = Text)]
    from_column: String,
    #[diesel(sql_type = Text)]
    to_table: String,
}

#[derive(QueryableByName)]
struct BatchRow {
    #[diesel(sql_type = BigInt)]
    rid: i64,
    #[diesel(sql_type = Text)]
    row: String,
}

#[derive(QueryableByName)]
struct SerialRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

#[derive(QueryableByName)]
struct MaybeText {
    #[diesel(sql_type = Nullable<Text>)]
    value: Option<String>,
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

fn sqlite_tables(conn: &mut SqliteConnection) -> Result<Vec<Table>, StoreError> {
    let names: Vec<TextRow> = diesel::sql_query(
        "SELECT name AS value FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY name",
    )
    .load(conn)?;
    let mut tables = Vec::new();
    for TextRow { value: name } in names {
        let columns: Vec<ColumnRow> = diesel::sql_query(
            "SELECT name, upper(type) AS kind, \"notnull\" AS not_null, pk \
             FROM pragma_table_info(?) ORDER BY cid",
        )
        .bind::<Text, _>(&name)
        .load(conn)?;
        let keys: Vec<ForeignKeyRow> = diesel::sql_query(
            "SELECT \"from\" AS from_column, \"table\" AS to_table FROM pragma_foreign_key_list(?)",
        )
        .bind::<Text, _>(&name)
        .load(conn)?;
        let nullable: BTreeMap<String, bool> = columns
            .iter()
            .map(|c| (c.name.clone(), c.not_null == 0 && c.pk == 0))
            .collect();
        tables.push(Table {
            references: keys
                .into_iter()
                .map(|k| {
                    let null = nullable.get(&k.from_column).copied().unwrap_or(false);
                    (k.from_column, k.to_table, null)
                })
                .collect(),
            columns: columns
                .into_iter()
                .map(|c| Column {
                    name: c.name,
                    kind: c.kind,
                    primary_key: c.pk > 0,
                })
                .collect(),
            name,
        });
    }
    Ok(tables)
}

fn postgres_columns(
    conn: &mut PgConnection,
) -> Result<BTreeMap<String, BTreeSet<String>>, StoreError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name \
         FROM information_schema.columns c JOIN information_schema.tables t \
         ON t.table_name = c.table_name AND t.table_schema = c.table_schema \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
         AND c.table_name <> '__diesel_schema_migrations'",
    )
    .load(conn)?;
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in rows {
        tables
            .entry(row.table_name)
            .or_default()
            .insert(row.column_name);
    }
    Ok(tables)
}

/// The copy order: a table after those it references. A cycle (pages' current revision
/// and revisions' page) is broken at a nullable column, filled in by an update once
/// every table is in. Self-references (a revision's parent) need no care: rows go in
/// rowid order, so a parent is always in before its child.
/// Columns (table, column) filled in after every table is in.
type Deferred = BTreeSet<(String, String)>;

fn copy_order(tables: &[Table]) -> Result<(Vec<String>, Deferred), String> {
    let names: BTreeSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    let by_name: BTreeMap<&str, &Table> = tables.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut deferred: BTreeSet<(String, String)> = BTreeSet::new();
    let mut order: Vec<String> = Vec::new();
    let mut done: BTreeSet<String> = BTreeSet::new();
    // Edges still to satisfy: (table, column, referenced, nullable).
    let pending = |table: &Table,
                   done: &BTreeSet<String>,
                   deferred: &BTreeSet<(String, String)>|
     -> Vec<(String, String, bool)> {
        table
            .references
            .iter()
            .filter(|(column, to, _)| {
                to != &table.name
                    && names.contains(to)
                    && !done.contains(to)
                    && !deferred.contains(&(table.name.clone(), column.clone()))
            })
            .cloned()
            .collect()
    };
    while done.len() < tables.len() {
        let ready: Vec<String> = tables
            .iter()
            .filter(|t| !done.contains(&t.name) && pending(t, &done, &deferred).is_empty())
            .map(|t| t.name.clone())
            .collect();
        if !ready.is_empty() {
            for name in ready {
                done.insert(name.clone());
                order.push(name);
            }
            continue;
        }
        // Stuck: defer a nullable reference that closes a cycle.
        let reaches = |from: &str, goal: &str, done: &BTreeSet<String>| -> bool {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from.to_owned()];
            while let Some(name) = stack.pop() {
                if name == goal {
                    return true;
                }
                if !seen.insert(name.clone()) {
                    continue;
                }
                if let Some(table) = by_name.get(name.as_str()) {
                    for (_, to, _) in pending(table, done, &deferred) {
                        stack.push(to);
                    }
                }
            }
            false
        };
        let mut broken = None;
        'search: for table in tables.iter().filter(|t| !done.contains(&t.name)) {
            for (column, to, nullable) in pending(table, &done, &deferred) {
                if nullable && reaches(&to, &table.name, &done) {
                    broken = Some((table.name.clone(), column));
                    break 'search;
                }
            }
        }
        match broken {
            Some(edge) => {
                deferred.insert(edge);
            }
            None => return Err("a cycle of NOT NULL foreign keys".to_owned()),
        }
    }
    Ok((order, deferred))
}

/// Copies every table of the SQLite database at `source` into the PostgreSQL database
/// at `target`, after migrating both: in one PostgreSQL transaction (all or nothing;
/// run it again after a failure), from one SQLite read transaction (a consistent
/// view), ids kept, sequences moved past the copied ids, counts compared table by
/// table before committing. Refused when the target holds pages or accounts, unless
/// `replace` (then the target's rows are deleted in the same transaction).
pub fn copy_sqlite_to_postgres(
    source: &str,
    target: &str,
    replace: bool,
    progress: &mut dyn FnMut(&str, i64, i64),
) -> Result<CopyReport, CopyError> {
    let source_manager = Manager::new(source);
    let target_manager = Manager::new(target);
    if source_manager.backend() != Backend::Sqlite {
        return Err(CopyError::Schema(
            "the source is not a SQLite database".to_owned(),
        ));
    }
    if target_manager.backend() != Backend::Postgres {
        return Err(CopyError::Schema(
            "the target is not a postgres:// URL".to_owned(),
        ));
    }
    source_manager.prepare()?;
    target_manager.prepare()?;
    let AnyConnection::Sqlite(mut sqlite) = source_manager.open().map_err(StoreError::from)? else {
        return Err(CopyError::Schema("the source is not SQLite".to_owned()));
    };
    let AnyConnection::Postgresql(mut pg) = target_manager.open().map_err(StoreError::from)? else {
        return Err(CopyError::Schema("the target is not PostgreSQL".to_owned()));
    };
    sqlite.transaction(|sqlite| pg.transaction(|pg| copy_all(sqlite, pg, replace, progress)))
}

fn copy_all(
    sqlite: &mut SqliteConnection,
    pg: &mut PgConnection,
    replace: bool,
    progress: &mut dyn FnMut(&str, i64, i64),
) -> Result<CopyReport, CopyError> {
    // Same schema version on both sides (both were just migrated by this binary).
    let versions = "SELECT version AS value FROM __diesel_schema_migrations ORDER BY version";
    let source_versions: Vec<String> = diesel::sql_query(versions)
        .load::<TextRow>(sqlite)?
        .into_iter()
        .map(|r| r.value)
        .collect();
    let target_versions: Vec<String> = diesel::sql_query(versions)
        .load::<TextRow>(pg)?
        .into_iter()
        .map(|r| r.value)
        .collect();
    if source_versions != target_versions {
        return Err(CopyError::Schema(format!(
            "migrations {:?} in the source, {:?} in the target",
            source_versions.last(),
            target_versions.last()
        )));
    }

    let count = |pg: &mut PgConnection, table: &str| -> Result<i64, CopyError> {
        let row: CountRow =
            diesel::sql_query(format!("SELECT count(*) AS n FROM {}", quote(table)))
                .get_result(pg)?;
        Ok(row.n)
    };
    let pages = count(pg, "pages")?;
    let users = count(pg, "users")?;
    if (pages > 0 || users > 0) && !replace {
        return Err(CopyError::TargetNotEmpty { pages, users });
    }

    let all = sqlite_tables(sqlite)?;
    let target_columns = postgres_columns(pg)?;
    let mut skipped: Vec<String> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    for table in all {
        if backend_specific(&table.name) {
            skipped.push(table.name);
            continue;
        }
        let Some(columns) = target_columns.get(&table.name) else {
            return Err(CopyError::Schema(format!(
                "table {} is missing in PostgreSQL",
                table.name
            )));
        };
        let ours: BTreeSet<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        if &ours != columns {
            return Err(CopyError::Schema(format!(
                "the columns of {} differ: {:?} in SQLite, {:?} in PostgreSQL",
                table.name, ours, columns
            )));
        }
        tables.push(table);
    }
    for name in target_columns.keys() {
        if !backend_specific(name) && !tables.iter().any(|t| &t.name == name) {
            return Err(CopyError::Schema(format!(
                "table {name} is missing in SQLite"
            )));
        }
        if backend_specific(name) {
            skipped.push(name.clone());
        }
    }
    let (order, deferred) = copy_order(&tables).map_err(CopyError::Schema)?;
    let by_name: BTreeMap<String, Table> =
        tables.into_iter().map(|t| (t.name.clone(), t)).collect();

    // Rows the migrations wrote (the rate limit secret) or an earlier wiki's, with
    // --replace: out, newest tables first; the word index too.
    for name in target_columns
        .keys()
        .filter(|n| backend_specific(n) && n.as_str() != "content_generation")
    {
        pg.batch_execute(&format!("DELETE FROM {}", quote(name)))?;
    }
    for (name, column) in &deferred {
        pg.batch_execute(&format!(
            "UPDATE {} SET {} = NULL",
            quote(name),
            quote(column)
        ))?;
    }
    for name in order.iter().rev() {
        pg.batch_execute(&format!("DELETE FROM {}", quote(name)))?;
    }

    let mut counts = Vec::new();
    for name in &order {
        let Some(table) = by_name.get(name) else {
            continue;
        };
        let total: CountRow =
            diesel::sql_query(format!("SELECT count(*) AS n FROM {}", quote(name)))
                .get_result(sqlite)?;
        let columns: Vec<&Column> = table
            .columns
            .iter()
            .filter(|c| !deferred.contains(&(name.clone(), c.name.clone())))
            .collect();
        copy_rows(sqlite, pg, name, &columns, &mut |done| {
            progress(name, done, total.n)
        })?;
        counts.push(TableCount {
            table: name.clone(),
            source: total.n,
            target: 0,
        });
    }
    // The references that closed a cycle, now that every row is in.
    for (name, column) in &deferred {
        let Some(table) = by_name.get(name) else {
            continue;
        };
        let mut columns: Vec<&Column> = table.columns.iter().filter(|c| c.primary_key).collect();
        let Some(value) = table.columns.iter().find(|c| &c.name == column) else {
            continue;
        };
        columns.push(value);
        fill_deferred(sqlite, pg, name, &columns, column)?;
    }
    reset_sequences(pg)?;

    let mut mismatches = Vec::new();
    for row in &mut counts {
        row.target = count(pg, &row.table)?;
        if row.target != row.source {
            mismatches.push(format!("{}: {} → {}", row.table, row.source, row.target));
        }
    }
    if !mismatches.is_empty() {
        return Err(CopyError::Verification(mismatches.join(", ")));
    }
    let language: Option<MaybeText> =
        diesel::sql_query("SELECT language AS value FROM search_settings WHERE id = 1")
            .get_results::<MaybeText>(sqlite)?
            .into_iter()
            .next();
    skipped.sort();
    skipped.dedup();
    Ok(CopyReport {
        tables: counts,
        skipped,
        search_language: language
            .and_then(|l| l.value)
            .unwrap_or_else(|| "fr".to_owned()),
    })
}

/// `json_object('a', "a", 'b', '\x' || hex("b"), …)`: one row as JSON.
fn json_row(columns: &[&Column]) -> String {
    columns
        .iter()
        .map(|c| {
            let name = quote(&c.name);
            let value = if c.kind.contains("BLOB") {
                format!("CASE WHEN {name} IS NULL THEN NULL ELSE '\\x' || hex({name}) END")
            } else {
                name
            };
            format!("'{}', {value}", c.name.replace('\'', "''"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn copy_rows(
    sqlite: &mut SqliteConnection,
    pg: &mut PgConnection,
    table: &str,
    columns: &[&Column],
    progress: &mut dyn FnMut(i64),
) -> Result<(), CopyError> {
    let select = format!(
        "SELECT rowid AS rid, json_object({}) AS row FROM {} WHERE rowid > ? ORDER BY rowid LIMIT ?",
        json_row(columns),
        quote(table)
    );
    let names = columns
        .iter()
        .map(|c| quote(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let insert = format!(
        "INSERT INTO {t} ({names}) SELECT {names} FROM json_populate_recordset(NULL::{t}, $1::json)",
        t = quote(table)
    );
    let mut after = i64::MIN;
    let mut done = 0i64;
    progress(0);
    loop {
        let rows: Vec<BatchRow> = diesel::sql_query(&select)
            .bind::<BigInt, _>(after)
            .bind::<BigInt, _>(COPY_BATCH)
            .load(sqlite)?;
        let Some(last) = rows.last().map(|r| r.rid) else {
            break;
        };
        let batch = format!(
            "[{}]",
            rows.iter()
                .map(|r| r.row.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
        diesel::sql_query(&insert)
            .bind::<Text, _>(batch)
            .execute(pg)?;
        done += i64::try_from(rows.len()).unwrap_or(0);
        after = last;
        progress(done);
    }
    Ok(())
}

fn fill_deferred(
    sqlite: &mut SqliteConnection,
    pg: &mut PgConnection,
    table: &str,
    columns: &[&Column],
    column: &str,
) -> Result<(), CopyError> {
    let select = format!(
        "SELECT rowid AS rid, json_object({}) AS row FROM {} \
         WHERE rowid > ? AND {} IS NOT NULL ORDER BY rowid LIMIT ?",
        json_row(columns),
        quote(table),
        quote(column)
    );
    let keys = columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| format!("t.{n} = j.{n}", n = quote(&c.name)))
        .collect::<Vec<_>>()
        .join(" AND ");
    let update = format!(
        "UPDATE {t} AS t SET {c} = j.{c} FROM json_populate_recordset(NULL::{t}, $1::json) AS j \
         WHERE {keys}",
        t = quote(table),
        c = quote(column)
    );
    let mut after = i64::MIN;
    loop {
        let rows: Vec<BatchRow> = diesel::sql_query(&select)
            .bind::<BigInt, _>(after)
            .bind::<BigInt, _>(COPY_BATCH)
            .load(sqlite)?;
        let Some(last) = rows.last().map(|r| r.rid) else {
            break;
        };
        let batch = format!(
            "[{}]",
            rows.iter()
                .map(|r| r.row.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
        diesel::sql_query(&update)
            .bind::<Text, _>(batch)
            .execute(pg)?;
        after = last;
    }
    Ok(())
}

/// Moves every serial column's sequence past the largest id copied, so the next
/// page, revision or account does not collide with a copied one.
fn reset_sequences(pg: &mut PgConnection) -> Result<(), CopyError> {
    let serials: Vec<SerialRow> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         AND column_default LIKE 'nextval(%'",
    )
    .load(pg)?;
    for serial in serials {
        let table = quote(&serial.table_name);
        let column = quote(&serial.column_name);
        pg.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{t}', '{c}'), \
             COALESCE((SELECT max({column}) FROM {table}), 0) + 1, false)",
            t = table.replace('\'', "''"),
            c = serial.column_name.replace('\'', "''"),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, references: &[(&str, &str, bool)]) -> Table {
        Table {
            name: name.to_owned(),
            columns: Vec::new(),
            references: references
                .iter()
                .map(|(c, t, n)| ((*c).to_owned(), (*t).to_owned(), *n))
                .collect(),
        }
    }

    #[test]
    fn tables_come_after_what_they_reference_and_cycles_break_at_a_nullable_column() {
        let tables = vec![
            table(
                "live_documents",
                &[("synced_revision_id", "revisions", true)],
            ),
            table("pages", &[("latest_revision_id", "revisions", true)]),
            table(
                "revisions",
                &[
                    ("page_id", "pages", false),
                    ("parent_id", "revisions", true),
                    ("user_id", "users", true),
                ],
            ),
            table("users", &[]),
        ];
        let (order, deferred) = copy_order(&tables).unwrap();
        assert_eq!(order, ["users", "pages", "revisions", "live_documents"]);
        assert_eq!(
            deferred.into_iter().collect::<Vec<_>>(),
            [("pages".to_owned(), "latest_revision_id".to_owned())]
        );
        let impossible = vec![
            table("a", &[("b_id", "b", false)]),
            table("b", &[("a_id", "a", false)]),
        ];
        assert!(copy_order(&impossible).is_err());
    }

    #[test]
    fn this_binary_knows_the_same_migrations_on_both_backends() {
        let sqlite = known_migrations(Backend::Sqlite).unwrap();
        assert_eq!(sqlite, known_migrations(Backend::Postgres).unwrap());
        assert!(
            sqlite
                .iter()
                .all(|v| v.len() == 14 && v.bytes().all(|b| b.is_ascii_digit()))
        );
    }
}
