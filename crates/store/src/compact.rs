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

/// Rows rewritten per transaction by the background compaction of `carnet serve`.
pub const COMPACT_BATCH: usize = 200;

impl Store {
    /// How many revision rows are still `plain`.
    pub fn plain_revisions(&self) -> Result<u64, StoreError> {
        let mut conn = self.conn()?;
        let n: i64 = revisions::table
            .filter(revisions::format.eq("plain"))
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

/// Rewrites up to `limit` plain rows of the first page that has some.
fn compact_page(conn: &mut AnyConnection, limit: usize) -> Result<usize, StoreError> {
    let page: Option<i64> = revisions::table
        .filter(revisions::format.eq("plain"))
        .order((revisions::page_id, revisions::id))
        .select(revisions::page_id)
        .first(conn)
        .optional()?;
    let Some(page) = page else {
        return Ok(0);
    };
    let rows: Vec<StoredText> = revisions::table
        .filter(revisions::page_id.eq(page))
        .filter(revisions::format.eq("plain"))
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
