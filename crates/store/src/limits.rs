//! Rate limit counters in the database, so that every Carnet process on one database
//! counts together.
//!
//! One row per key and fixed window, bumped with an atomic upsert that returns the new
//! count (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`, SQLite ≥ 3.35 and
//! PostgreSQL). Keys are stored as a SHA-256 keyed with a per-database secret: the
//! table never holds an IP address or a typed login name. Expired windows are deleted
//! at most once a minute per process, by an indexed range delete.

use std::sync::atomic::Ordering;

use carnet_core::{ContentHash, LimitCheck, Title, window_start};
use diesel::prelude::*;

use crate::connection::{AnyConnection, write_transaction};
use crate::schema::{pages, rate_limit_hits, rate_limit_secret};
use crate::{Store, StoreError};

/// Seconds between two prunings of expired windows by one process.
const PRUNE_EVERY_SECS: i64 = 60;

impl Store {
    /// Counts one hit on each check's key in its current window and returns the counts,
    /// this hit included, in the same order. All or nothing, in one transaction.
    pub fn count_hits(&self, checks: &[LimitCheck], now_secs: i64) -> Result<Vec<u64>, StoreError> {
        if checks.is_empty() {
            return Ok(Vec::new());
        }
        let secret = self.limit_secret()?;
        let mut conn = self.conn()?;
        let counts = write_transaction(&mut conn, |conn| -> Result<Vec<u64>, StoreError> {
            checks
                .iter()
                .map(|check| bump(conn, &secret, check, now_secs))
                .collect()
        })?;
        self.prune_hits_now_and_then(&mut conn, now_secs);
        Ok(counts)
    }

    /// The counts of the checks' current windows, without counting anything.
    pub fn peek_hits(&self, checks: &[LimitCheck], now_secs: i64) -> Result<Vec<u64>, StoreError> {
        if checks.is_empty() {
            return Ok(Vec::new());
        }
        let secret = self.limit_secret()?;
        let mut conn = self.conn()?;
        checks
            .iter()
            .map(|check| {
                let count: Option<i64> = rate_limit_hits::table
                    .find((
                        hashed_key(&secret, &check.key),
                        window_start(now_secs, check.limit.window_secs),
                    ))
                    .select(rate_limit_hits::count)
                    .first(&mut conn)
                    .optional()?;
                Ok(count.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
            })
            .collect()
    }

    /// Forgets every window of a key (a successful login clears its name's failures).
    pub fn clear_hits(&self, key: &str) -> Result<(), StoreError> {
        let secret = self.limit_secret()?;
        let mut conn = self.conn()?;
        diesel::delete(
            rate_limit_hits::table.filter(rate_limit_hits::key.eq(hashed_key(&secret, key))),
        )
        .execute(&mut conn)?;
        Ok(())
    }

    /// Deletes the windows that ended by `now_secs`; returns how many.
    pub fn prune_hits(&self, now_secs: i64) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        Ok(prune(&mut conn, now_secs)?)
    }

    /// Whether a page has a current revision (a save to it is not a creation).
    pub fn page_exists(&self, title: &Title) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let found: Option<i64> = pages::table
            .filter(pages::namespace.eq(title.namespace().id()))
            .filter(pages::name.eq(title.name()))
            .filter(pages::latest_revision_id.is_not_null())
            .select(pages::id)
            .first(&mut conn)
            .optional()?;
        Ok(found.is_some())
    }

    /// The database's hashing secret, read once per store.
    pub(crate) fn limit_secret(&self) -> Result<String, StoreError> {
        if let Some(secret) = self.limit_secret.get() {
            return Ok(secret.clone());
        }
        let mut conn = self.conn()?;
        let secret: String = rate_limit_secret::table
            .find(1)
            .select(rate_limit_secret::secret)
            .first(&mut conn)?;
        if secret.len() < 32 {
            return Err(StoreError::Corrupt(
                "the rate limit secret is too short".to_owned(),
            ));
        }
        Ok(self.limit_secret.get_or_init(|| secret).clone())
    }

    fn prune_hits_now_and_then(&self, conn: &mut AnyConnection, now_secs: i64) {
        let last = self.last_prune.load(Ordering::Relaxed);
        if now_secs.saturating_sub(last) < PRUNE_EVERY_SECS
            || self
                .last_prune
                .compare_exchange(last, now_secs, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        // Pruning is housekeeping: a failure only leaves rows for the next time.
        if let Err(error) = prune(conn, now_secs) {
            log::warn!("pruning rate limit windows failed: {error}");
        }
    }
}

fn hashed_key(secret: &str, key: &str) -> String {
    ContentHash::of(&format!("{secret}\n{key}"))
        .as_str()
        .to_owned()
}

fn bump(
    conn: &mut AnyConnection,
    secret: &str,
    check: &LimitCheck,
    now_secs: i64,
) -> Result<u64, StoreError> {
    let start = window_start(now_secs, check.limit.window_secs);
    let query = diesel::insert_into(rate_limit_hits::table)
        .values((
            rate_limit_hits::key.eq(hashed_key(secret, &check.key)),
            rate_limit_hits::window_start.eq(start),
            rate_limit_hits::expires_at.eq(start + i64::from(check.limit.window_secs)),
            rate_limit_hits::count.eq(1_i64),
        ))
        .on_conflict((rate_limit_hits::key, rate_limit_hits::window_start))
        .do_update()
        .set(rate_limit_hits::count.eq(rate_limit_hits::count + 1_i64))
        .returning(rate_limit_hits::count);
    // `on_conflict` is not available through the multi-connection: the same query
    // value runs on either inner connection.
    let count: i64 = match conn {
        AnyConnection::Sqlite(inner) => query.get_result(inner)?,
        AnyConnection::Postgresql(inner) => query.get_result(inner)?,
    };
    Ok(u64::try_from(count).unwrap_or(0))
}

fn prune(conn: &mut AnyConnection, now_secs: i64) -> Result<usize, diesel::result::Error> {
    diesel::delete(rate_limit_hits::table.filter(rate_limit_hits::expires_at.le(now_secs)))
        .execute(conn)
}
