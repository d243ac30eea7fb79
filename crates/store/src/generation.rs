//! The content generation: a number in a one-row table that database triggers bump in
//! the transaction of every change of what a page view shows (pages, revisions, link
//! and category rows, protections, the log, portals, file versions — see the
//! `content_generation` migration). A process that kept a rendered page together with
//! the generation it read before rendering knows, with this one query, whether the
//! page may have changed since — whichever process changed it.

use std::cell::RefCell;
use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use crate::connection::Backend;
use crate::schema::content_generation;
use crate::{Store, StoreError};

thread_local! {
    /// This thread's own SQLite connection for [`Store::content_generation_here`], with
    /// the database it was opened on.
    static HERE: RefCell<Option<(Arc<str>, SqliteConnection)>> = const { RefCell::new(None) };
}

/// The content generation and when it last moved (UTC, the database's clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentGeneration {
    pub generation: i64,
    pub changed_at: NaiveDateTime,
}

impl Store {
    /// The current content generation (one primary-key read).
    pub fn content_generation(&self) -> Result<ContentGeneration, StoreError> {
        let mut conn = self.conn()?;
        let (generation, changed_at) = content_generation::table
            .find(1)
            .select((
                content_generation::generation,
                content_generation::changed_at,
            ))
            .first::<(i64, NaiveDateTime)>(&mut conn)?;
        Ok(ContentGeneration {
            generation,
            changed_at,
        })
    }

    /// The current content generation, read on the calling thread through a connection
    /// of its own — SQLite only (`None` on PostgreSQL).
    ///
    /// The page cache checks the generation on every anonymous page view; through the
    /// pool that meant a hop to a blocking thread and back plus a checkout, several
    /// times the read itself. A SQLite read in WAL mode never waits for the writer, so
    /// it may run on an async worker; on PostgreSQL it is a network round trip, which
    /// must go through [`Store::content_generation`] on a blocking thread.
    pub fn content_generation_here(&self) -> Option<Result<ContentGeneration, StoreError>> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        let read = HERE.with(|here| -> Result<ContentGeneration, StoreError> {
            let mut here = here.try_borrow_mut().map_err(|_| {
                StoreError::Corrupt("the generation reader is already in use".to_owned())
            })?;
            let reusable = here.as_ref().is_some_and(|(url, _)| **url == *self.url);
            if !reusable {
                *here = None;
                let conn = crate::connection::Manager::new(&self.url).open_reader()?;
                *here = Some((Arc::clone(&self.url), conn));
            }
            let Some((_, conn)) = here.as_mut() else {
                return Err(StoreError::Corrupt("no generation reader".to_owned()));
            };
            match read_generation(conn) {
                Ok((generation, changed_at)) => Ok(ContentGeneration {
                    generation,
                    changed_at,
                }),
                Err(error) => {
                    // Whatever went wrong, the next read starts on a fresh connection.
                    *here = None;
                    Err(error.into())
                }
            }
        });
        Some(read)
    }
}

/// The generation row, read on a SQLite connection of its own. No bound parameter
/// (the table has its one row): SQLite, built with STAT4, marks a statement for
/// recompiling whenever a parameter that could change its plan is bound again — with
/// `find(1)` and `first()`'s `LIMIT`, the read was parsed anew on every page view.
fn read_generation(conn: &mut SqliteConnection) -> QueryResult<(i64, NaiveDateTime)> {
    content_generation::table
        .select((
            content_generation::generation,
            content_generation::changed_at,
        ))
        .get_result::<(i64, NaiveDateTime)>(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::InstrumentationEvent;
    use std::sync::{Arc, Mutex};

    /// The read runs on every anonymous page view: it must be prepared once per
    /// connection, not parsed again each time.
    #[test]
    fn the_generation_read_is_prepared_once() {
        let db = crate::testing::TestDb::new();
        let store = db.store().unwrap();
        if store.backend() != Backend::Sqlite {
            return;
        }
        let _ = store.content_generation().unwrap();
        let (_, path) = Backend::from_url(db.url());
        let mut conn = SqliteConnection::establish(&path).unwrap();
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&events);
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            let name = match event {
                InstrumentationEvent::CacheQuery { .. } => "cache",
                InstrumentationEvent::StartQuery { .. } => "start",
                _ => return,
            };
            seen.lock().unwrap().push(name);
        });
        for _ in 0..3 {
            read_generation(&mut conn).unwrap();
        }
        let events = events.lock().unwrap().clone();
        eprintln!("{events:?}");
        assert_eq!(events.iter().filter(|e| **e == "cache").count(), 1);
    }
}
