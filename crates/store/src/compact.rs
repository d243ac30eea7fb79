//! Compaction: rewrites the `plain` revision rows of a wiki upgraded from a release
//! before compact storage (their text in the `text` column) as keyframes and deltas,
//! a few at a time, each batch in one write transaction. `carnet serve` runs it in the
//! background at start; `carnet compact` runs it to the end. Until a row is rewritten
//! it is read as it is, so the wiki works throughout.

use std::time::Duration;

use diesel::prelude::*;

use crate::connection::{AnyConnection, write_transaction};
use crate::schema::revisions;
use crate::texts::{self, StoredText};
use crate::{Store, StoreError};

/// The advisory lock of compaction on PostgreSQL ("Compac").
const COMPACT_LOCK_ID: i64 = 0x436f_6d70_6163;

/// Rows rewritten per transaction by the background compaction of `carnet serve`.
pub const COMPACT_BATCH: usize = 200;

/// How a page's (or the wiki's) revisions are stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StorageStats {
    pub revisions: u64,
    pub keyframes: u64,
    pub deltas: u64,
    pub plain: u64,
    /// The revisions' texts, in bytes, as full copies would hold them.
    pub text_bytes: u64,
    /// What is stored for them: compressed `content` plus the `text` of plain rows.
    pub stored_bytes: u64,
}

impl Store {
    /// How the revisions of the page with id `page` (all pages: `None`) are stored.
    pub fn storage_stats(
        &self,
        page: Option<carnet_core::PageId>,
    ) -> Result<StorageStats, StoreError> {
        use diesel::sql_types::{BigInt, Nullable, Text};
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            format: String,
            #[diesel(sql_type = BigInt)]
            n: i64,
            #[diesel(sql_type = Nullable<BigInt>)]
            text_bytes: Option<i64>,
            #[diesel(sql_type = Nullable<BigInt>)]
            stored_bytes: Option<i64>,
        }
        let mut conn = self.conn()?;
        let filter = page.map_or_else(String::new, |page| format!("WHERE page_id = {}", page.0));
        let rows: Vec<Row> = match &mut *conn {
            AnyConnection::Sqlite(conn) => diesel::sql_query(format!(
                "SELECT format, count(*) AS n, sum(size) AS text_bytes, \
                 sum(coalesce(length(content), 0) + length(CAST(text AS BLOB))) AS stored_bytes \
                 FROM revisions {filter} GROUP BY format"
            ))
            .load(conn)?,
            AnyConnection::Postgresql(conn) => diesel::sql_query(format!(
                "SELECT format, count(*)::bigint AS n, sum(size)::bigint AS text_bytes, \
                 sum(coalesce(octet_length(content), 0) + octet_length(text))::bigint \
                 AS stored_bytes FROM revisions {filter} GROUP BY format"
            ))
            .load(conn)?,
        };
        let mut stats = StorageStats::default();
        let count = |n: Option<i64>| u64::try_from(n.unwrap_or(0)).unwrap_or(0);
        for row in rows {
            let n = count(Some(row.n));
            match row.format.as_str() {
                "keyframe" => stats.keyframes += n,
                "delta" => stats.deltas += n,
                _ => stats.plain += n,
            }
            stats.revisions += n;
            stats.text_bytes += count(row.text_bytes);
            stats.stored_bytes += count(row.stored_bytes);
        }
        Ok(stats)
    }

    /// How many revision rows are still `plain`.
    pub fn plain_revisions(&self) -> Result<u64, StoreError> {
        let mut conn = self.conn()?;
        let n: i64 = revisions::table
            .filter(is_plain())
            .count()
            .get_result(&mut conn)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Rewrites up to `limit` plain rows (page by page, oldest first) in one write
    /// transaction; how many it rewrote (0: nothing was left). Every row is decoded
    /// again before it is written and must give its text back byte for byte.
    pub fn compact_step(&self, limit: usize) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            // Processes sharing a PostgreSQL database compact one at a time (SQLite's
            // write transactions are serialised already).
            if let AnyConnection::Postgresql(pg) = conn {
                diesel::sql_query(format!("SELECT pg_advisory_xact_lock({COMPACT_LOCK_ID})"))
                    .execute(pg)?;
            }
            let mut done = 0usize;
            while done < limit {
                let rewritten = compact_page(conn, limit - done)?;
                if rewritten == 0 {
                    break;
                }
                done += rewritten;
            }
            Ok(done)
        })
    }

    /// Runs [`Store::compact_step`] until no plain row is left, pausing `pause`
    /// between batches (other writers go in between); `progress(rewritten so far)`.
    pub fn compact_all(
        &self,
        batch: usize,
        pause: Duration,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64, StoreError> {
        let mut total = 0u64;
        loop {
            let done = self.compact_step(batch.max(1))?;
            if done == 0 {
                return Ok(total);
            }
            total += u64::try_from(done).unwrap_or(0);
            progress(total);
            if !pause.is_zero() {
                std::thread::sleep(pause);
            }
        }
    }
}

/// `format = 'plain'` written out, not bound: SQLite is built with its query planner
/// stability guarantee (`SQLITE_ENABLE_QPSG`, `.cargo/config.toml`), and only a literal
/// lets it use the partial index `revisions_plain`.
fn is_plain() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql("revisions.format = 'plain'")
}

/// Rewrites up to `limit` plain rows of the first page that has some.
fn compact_page(conn: &mut AnyConnection, limit: usize) -> Result<usize, StoreError> {
    let page: Option<i64> = revisions::table
        .filter(is_plain())
        .order((revisions::page_id, revisions::id))
        .select(revisions::page_id)
        .first(conn)
        .optional()?;
    let Some(page) = page else {
        return Ok(0);
    };
    let rows: Vec<StoredText> = revisions::table
        .filter(revisions::page_id.eq(page))
        .filter(is_plain())
        .order(revisions::id.asc())
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select(StoredText::as_select())
        .load(conn)?;
    let Some(first) = rows.first() else {
        return Ok(0);
    };
    // Rows are rewritten oldest first, each against the keyframe the previous one left.
    let previous: Option<i64> = revisions::table
        .filter(revisions::page_id.eq(page))
        .filter(revisions::id.lt(first.id))
        .select(diesel::dsl::max(revisions::id))
        .first(conn)?;
    let mut base = texts::base_of(conn, previous)?;
    let count = rows.len();
    for row in rows {
        let id = row.id;
        let text = texts::read(conn, row)?;
        let stored = texts::encode(&text, base.as_ref())?;
        texts::verify(id, base.as_ref(), &stored, &text)?;
        diesel::update(
            revisions::table
                .filter(revisions::id.eq(id))
                .filter(revisions::format.eq("plain")),
        )
        .set((
            revisions::text.eq(""),
            revisions::format.eq(stored.format),
            revisions::content.eq(Some(stored.content.as_slice())),
            revisions::keyframe_id.eq(stored.keyframe_id),
            revisions::chain_bytes.eq(stored.chain_bytes),
        ))
        .execute(conn)?;
        base = stored.next_base(id, &text, base);
    }
    Ok(count)
}
