//! Keeping SQLite's write-ahead log small.
//!
//! SQLite checkpoints the log by itself (every 1,000 pages written), but it can only
//! start the file over when no reader is using it. A busy wiki always has a reader
//! somewhere — while the render cache filled under load, the log grew to 2.4 GB in
//! four minutes and never shrank. [`Store::checkpoint_wal`] waits for the readers of
//! the moment to finish, writes the whole log back and truncates the file; `carnet
//! serve` calls it when the file grows past a bound (see `checkpoint_when_larger`).
//! Every connection also carries `journal_size_limit`, so a log that does restart is
//! cut back to that size.

use std::path::PathBuf;

use diesel::prelude::*;
use diesel::sql_types::Integer;

use crate::connection::{AnyConnection, Backend};
use crate::{Store, StoreError};

/// What a checkpoint did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalCheckpoint {
    /// The log file's size before, in bytes.
    pub bytes_before: u64,
    /// Its size after (0 when the checkpoint could finish).
    pub bytes_after: u64,
    /// Whether readers or writers kept it from finishing (SQLite's "busy" answer).
    pub busy: bool,
}

#[derive(QueryableByName)]
struct CheckpointRow {
    #[diesel(sql_type = Integer)]
    busy: i32,
}

impl Store {
    /// The SQLite write-ahead log file, if this store is SQLite.
    pub fn wal_path(&self) -> Option<PathBuf> {
        match Backend::from_url(&self.url) {
            (Backend::Sqlite, path) => Some(PathBuf::from(format!("{path}-wal"))),
            (Backend::Postgres, _) => None,
        }
    }

    /// Writes the whole log back into the database and truncates it, waiting (the
    /// busy timeout at most) for the readers of the moment. `None` on PostgreSQL.
    pub fn checkpoint_wal(&self) -> Result<Option<WalCheckpoint>, StoreError> {
        let Some(wal) = self.wal_path() else {
            return Ok(None);
        };
        let size = |path: &PathBuf| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let bytes_before = size(&wal);
        let mut conn = self.conn()?;
        let AnyConnection::Sqlite(sqlite) = &mut *conn else {
            return Ok(None);
        };
        let row = diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)")
            .get_result::<CheckpointRow>(sqlite)?;
        Ok(Some(WalCheckpoint {
            bytes_before,
            bytes_after: size(&wal),
            busy: row.busy != 0,
        }))
    }

    /// [`Store::checkpoint_wal`] when the log file is larger than `limit` bytes.
    pub fn checkpoint_when_larger(&self, limit: u64) -> Result<Option<WalCheckpoint>, StoreError> {
        let Some(wal) = self.wal_path() else {
            return Ok(None);
        };
        let bytes = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if bytes <= limit {
            return Ok(None);
        }
        self.checkpoint_wal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With a reader always somewhere, SQLite's own checkpoints cannot start the log
    /// over; ours waits for the readers of the moment and empties it.
    #[test]
    fn the_log_is_emptied_despite_readers_coming_and_going() {
        let db = crate::testing::TestDb::new();
        let store = db.store().unwrap();
        if store.backend() != Backend::Sqlite {
            return;
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        // Overlapping readers: two threads, each a transaction of a few milliseconds.
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let store = store.clone();
                let stop = std::sync::Arc::clone(&stop);
                std::thread::spawn(move || {
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let _ = store.content_generation();
                    }
                })
            })
            .collect();
        let mut conn = store.conn().unwrap();
        let AnyConnection::Sqlite(sqlite) = &mut *conn else {
            unreachable!()
        };
        diesel::sql_query("CREATE TABLE filler (x BLOB)")
            .execute(sqlite)
            .unwrap();
        for _ in 0..300 {
            diesel::sql_query("INSERT INTO filler VALUES (randomblob(16000))")
                .execute(sqlite)
                .unwrap();
        }
        drop(conn);
        let wal = store.wal_path().unwrap();
        let grown = std::fs::metadata(&wal).unwrap().len();
        assert!(
            grown > 4_000_000,
            "the log should have grown: {grown} bytes"
        );
        assert_eq!(store.checkpoint_when_larger(u64::MAX).unwrap(), None);
        let done = store.checkpoint_when_larger(1_000_000).unwrap().unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for reader in readers {
            reader.join().unwrap();
        }
        assert_eq!(done.bytes_before, grown);
        assert!(!done.busy, "{done:?}");
        assert_eq!(done.bytes_after, 0);
        assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
    }
}
