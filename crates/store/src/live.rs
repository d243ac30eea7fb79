//! Live co-editing sessions: each page's Yjs document as a compacted snapshot plus the
//! updates stored since, and who typed since the last checkpoint revision.
//!
//! The store does not read the updates (they are opaque bytes to it): the live crate
//! builds snapshots, and the web layer stores every update here before telling anyone.

use carnet_core::{PageText, Revision, RevisionId, Title, UserId};
use chrono::Utc;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::connection::{AnyConnection, write_transaction};
use crate::pages::{find_page, load_revision};
use crate::schema::{live_documents, live_participants, live_updates};
use crate::{Store, StoreError};

/// A page's live document as stored.
#[derive(Debug, Clone)]
pub struct LiveStored {
    pub document: i64,
    pub snapshot: Vec<u8>,
    /// Updates stored after the snapshot, oldest first, with their ids.
    pub updates: Vec<(i64, Vec<u8>)>,
    /// Every update of the document up to this id is in `snapshot` and `updates`.
    pub seen: i64,
    /// The revision the document last took in, if the page exists.
    pub synced: Option<Revision>,
    /// Who typed since the last checkpoint, in the order they first did.
    pub participants: Vec<LiveParticipant>,
    /// How many times the document's sessions were ended (locking the notes); a session
    /// remembers the count it started with, and its updates are refused once it moved.
    pub closings: i64,
}

/// What other processes stored for a document since a session last looked.
#[derive(Debug, Clone, Default)]
pub struct LiveNews {
    /// The compacted snapshot, when compaction folded updates the session had not seen.
    pub snapshot: Option<Vec<u8>>,
    /// Updates stored after the id the session had seen, oldest first.
    pub updates: Vec<(i64, Vec<u8>)>,
    /// Every update up to this id is now known to the session.
    pub seen: i64,
    /// The revision the document last took in or was saved as (by any process).
    pub synced: Option<RevisionId>,
    pub closings: i64,
    /// A "save a version" summary asked on a process that does not make checkpoints.
    pub checkpoint_request: Option<String>,
}

/// Updates stored by [`Store::live_append`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveAppended {
    /// Their ids, in order.
    pub ids: Vec<i64>,
    /// The highest id the document had before them (updates or snapshot): when the
    /// session had seen it, it has seen everything up to its own last id.
    pub previous: i64,
}

/// Someone who typed since the last checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveParticipant {
    pub name: String,
    pub user: Option<UserId>,
}

/// The PostgreSQL channel on which processes tell each other that a live document
/// changed (payload `document:origin`).
pub const LIVE_CHANNEL: &str = "carnet_live";

#[derive(Insertable)]
#[diesel(table_name = live_documents)]
struct NewDocument<'a> {
    namespace: i32,
    name: &'a str,
    synced_revision_id: Option<i64>,
    snapshot: &'a [u8],
    snapshot_through: i64,
    updated_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = live_updates)]
struct NewUpdate<'a> {
    document_id: i64,
    data: &'a [u8],
    created_at: chrono::NaiveDateTime,
}

/// Reads a document's updates after `after`, then its row (in that order: a compaction
/// in between shows in the row, and its snapshot covers what the updates lacked).
fn read_document(
    conn: &mut AnyConnection,
    document: i64,
    after: i64,
    whole: bool,
) -> Result<LiveNews, StoreError> {
    let mut updates: Vec<(i64, Vec<u8>)> = live_updates::table
        .filter(live_updates::document_id.eq(document))
        .filter(live_updates::id.gt(after))
        .order(live_updates::id.asc())
        .select((live_updates::id, live_updates::data))
        .load(conn)?;
    let (through, synced, closings, checkpoint_request): (i64, Option<i64>, i64, Option<String>) =
        live_documents::table
            .find(document)
            .select((
                live_documents::snapshot_through,
                live_documents::synced_revision_id,
                live_documents::closings,
                live_documents::checkpoint_request,
            ))
            .first(conn)?;
    let snapshot = if whole || through > after {
        let snapshot: Vec<u8> = live_documents::table
            .find(document)
            .select(live_documents::snapshot)
            .first(conn)?;
        updates.retain(|(id, _)| *id > through);
        Some(snapshot)
    } else {
        None
    };
    let mut seen = after;
    if snapshot.is_some() {
        seen = seen.max(through);
    }
    if let Some((last, _)) = updates.last() {
        seen = seen.max(*last);
    }
    Ok(LiveNews {
        snapshot,
        updates,
        seen,
        synced: synced.map(RevisionId),
        closings,
        checkpoint_request,
    })
}

/// Tells the other processes listening on PostgreSQL that `document` changed (sent at
/// commit). SQLite has no such thing: there one process serves everyone.
fn notify(conn: &mut AnyConnection, document: i64, origin: &str) -> Result<(), StoreError> {
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<diesel::sql_types::Text, _>(LIVE_CHANNEL)
            .bind::<diesel::sql_types::Text, _>(format!("{document}:{origin}"))
            .execute(pg)?;
    }
    Ok(())
}

impl Store {
    /// The live document of `title`, created on first use from the page's current text:
    /// `initial` turns that text (empty for a new page) into the first snapshot.
    pub fn live_open(
        &self,
        title: &Title,
        initial: &dyn Fn(&str) -> Vec<u8>,
    ) -> Result<LiveStored, StoreError> {
        let mut conn = self.conn()?;
        // Two processes may create it at once: the loser reads the winner's.
        for _ in 0..2 {
            if let Some(document) = find_document(&mut conn, title)? {
                let news = read_document(&mut conn, document, 0, true)?;
                let participants = read_participants(&mut conn, document)?;
                let synced = match news.synced {
                    Some(id) => load_revision(&mut conn, id.0)?,
                    None => None,
                };
                return Ok(LiveStored {
                    document,
                    snapshot: news.snapshot.unwrap_or_default(),
                    updates: news.updates,
                    seen: news.seen,
                    synced,
                    participants,
                    closings: news.closings,
                });
            }
            let current = match find_page(&mut conn, title)?.and_then(|p| p.latest_revision_id) {
                Some(id) => load_revision(&mut conn, id)?,
                None => None,
            };
            let text = current
                .as_ref()
                .map(|r| r.text.as_str())
                .unwrap_or_default();
            let snapshot = initial(text);
            let inserted = diesel::insert_into(live_documents::table)
                .values(NewDocument {
                    namespace: title.namespace().id(),
                    name: title.name(),
                    synced_revision_id: current.as_ref().map(|r| r.meta.id.0),
                    snapshot: &snapshot,
                    snapshot_through: 0,
                    updated_at: Utc::now().naive_utc(),
                })
                .execute(&mut conn);
            match inserted {
                Ok(_) => {}
                Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Err(StoreError::Corrupt(format!(
            "live document of {title} neither found nor created"
        )))
    }

    /// What was stored for `document` after the update id `after` (by other processes,
    /// or a compaction), and the document's shared state.
    pub fn live_news(&self, document: i64, after: i64) -> Result<LiveNews, StoreError> {
        let mut conn = self.conn()?;
        read_document(&mut conn, document, after, false)
    }

    /// Stores updates (and the participants new since the last checkpoint, and the
    /// revision the document took in, if it did) in one transaction, and wakes the
    /// other processes. `None` when the document's sessions were ended since
    /// `closings` (nothing stored). The document's row is locked first, so the
    /// updates of one document get their ids in commit order.
    pub fn live_append(
        &self,
        document: i64,
        updates: &[Vec<u8>],
        participants: &[(usize, LiveParticipant)],
        synced: Option<RevisionId>,
        closings: i64,
        origin: &str,
    ) -> Result<Option<LiveAppended>, StoreError> {
        let mut conn = self.conn()?;
        let now = Utc::now().naive_utc();
        write_transaction(&mut conn, |conn| {
            let target = live_documents::table
                .find(document)
                .filter(live_documents::closings.eq(closings));
            let through: Option<i64> = match synced {
                Some(revision) => diesel::update(target)
                    .set((
                        live_documents::synced_revision_id.eq(revision.0),
                        live_documents::updated_at.eq(now),
                    ))
                    .returning(live_documents::snapshot_through)
                    .get_result(conn)
                    .optional()?,
                None => diesel::update(target)
                    .set(live_documents::updated_at.eq(now))
                    .returning(live_documents::snapshot_through)
                    .get_result(conn)
                    .optional()?,
            };
            let Some(through) = through else {
                return Ok(None);
            };
            let last: Option<i64> = live_updates::table
                .filter(live_updates::document_id.eq(document))
                .select(diesel::dsl::max(live_updates::id))
                .first(conn)?;
            let mut appended = LiveAppended {
                ids: Vec::with_capacity(updates.len()),
                previous: last.unwrap_or(0).max(through),
            };
            // One statement per update: batch inserts are not available through the
            // multi-backend connection, and within one transaction they cost little.
            for data in updates {
                let id: i64 = diesel::insert_into(live_updates::table)
                    .values(NewUpdate {
                        document_id: document,
                        data,
                        created_at: now,
                    })
                    .returning(live_updates::id)
                    .get_result(conn)?;
                appended.ids.push(id);
            }
            for (position, participant) in participants {
                let query = diesel::insert_into(live_participants::table)
                    .values((
                        live_participants::document_id.eq(document),
                        live_participants::position
                            .eq(i32::try_from(*position).unwrap_or(i32::MAX)),
                        live_participants::name.eq(&participant.name),
                        live_participants::user_id.eq(participant.user.map(|u| u.0)),
                    ))
                    // Another process may have named them already.
                    .on_conflict_do_nothing();
                // `on_conflict` is not available through the multi-connection.
                match conn {
                    AnyConnection::Sqlite(inner) => query.execute(inner)?,
                    AnyConnection::Postgresql(inner) => query.execute(inner)?,
                };
            }
            if !updates.is_empty() || synced.is_some() {
                notify(conn, document, origin)?;
            }
            Ok(Some(appended))
        })
    }

    /// Replaces the stored updates up to `through` by `snapshot`, which includes them.
    /// A compaction older than the stored one (another process's) changes nothing.
    pub fn live_compact(
        &self,
        document: i64,
        snapshot: &[u8],
        through: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            let changed = diesel::update(
                live_documents::table
                    .find(document)
                    .filter(live_documents::snapshot_through.lt(through)),
            )
            .set((
                live_documents::snapshot.eq(snapshot),
                live_documents::snapshot_through.eq(through),
            ))
            .execute(conn)?;
            if changed == 1 {
                diesel::delete(
                    live_updates::table
                        .filter(live_updates::document_id.eq(document))
                        .filter(live_updates::id.le(through)),
                )
                .execute(conn)?;
            }
            Ok(())
        })
    }

    /// Records a checkpoint: the document is in step with `revision`, and the people
    /// named in it no longer wait for a revision (others named meanwhile stay).
    pub fn live_checkpointed(
        &self,
        document: i64,
        revision: RevisionId,
        named: &[String],
        origin: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            diesel::update(live_documents::table.find(document))
                .set(live_documents::synced_revision_id.eq(revision.0))
                .execute(conn)?;
            diesel::delete(
                live_participants::table
                    .filter(live_participants::document_id.eq(document))
                    .filter(live_participants::name.eq_any(named)),
            )
            .execute(conn)?;
            notify(conn, document, origin)?;
            Ok(())
        })
    }

    /// Who typed since the last checkpoint, in every process.
    pub fn live_participants(&self, document: i64) -> Result<Vec<LiveParticipant>, StoreError> {
        let mut conn = self.conn()?;
        read_participants(&mut conn, document)
    }

    /// Whether a live session of `title` is open in some process: its document's
    /// checkpoint lease is held and current. Every open session takes or renews that
    /// lease each second, and the last one to wind down releases it, so this is true
    /// while someone is connected (give or take a second when the holder leaves before
    /// the others, and the lease's length after a process died). One indexed read.
    pub fn live_session_open(&self, title: &Title) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let until: Option<Option<chrono::NaiveDateTime>> = live_documents::table
            .filter(live_documents::namespace.eq(title.namespace().id()))
            .filter(live_documents::name.eq(title.name()))
            .select(live_documents::checkpointer_until)
            .first(&mut conn)
            .optional()?;
        let now = Utc::now().naive_utc();
        Ok(until.flatten().is_some_and(|until| until > now))
    }

    /// Takes or renews the right to make the document's checkpoints for `seconds`;
    /// false while another process holds it. One process at a time turns the shared
    /// document into revisions, so two never save (or merge back) the same typing.
    pub fn live_lease(
        &self,
        document: i64,
        origin: &str,
        seconds: i64,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let now = Utc::now().naive_utc();
        let until = now + chrono::Duration::seconds(seconds);
        let taken = diesel::update(
            live_documents::table.find(document).filter(
                live_documents::checkpointer
                    .is_null()
                    .or(live_documents::checkpointer.eq(origin))
                    .or(live_documents::checkpointer_until.lt(now)),
            ),
        )
        .set((
            live_documents::checkpointer.eq(origin),
            live_documents::checkpointer_until.eq(until),
        ))
        .execute(&mut conn)?;
        Ok(taken == 1)
    }

    /// Gives the checkpoint lease up (a session ending), if `origin` holds it.
    pub fn live_release(&self, document: i64, origin: &str) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        diesel::update(
            live_documents::table
                .find(document)
                .filter(live_documents::checkpointer.eq(origin)),
        )
        .set((
            live_documents::checkpointer.eq(None::<String>),
            live_documents::checkpointer_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(&mut conn)?;
        Ok(())
    }

    /// Asks the process holding the lease for a revision now, with `summary`.
    pub fn live_request_checkpoint(
        &self,
        document: i64,
        summary: &str,
        origin: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            diesel::update(live_documents::table.find(document))
                .set(live_documents::checkpoint_request.eq(summary))
                .execute(conn)?;
            notify(conn, document, origin)
        })
    }

    /// Takes a request of [`Store::live_request_checkpoint`]: true if it was still
    /// there (this process answers it).
    pub fn live_take_request(&self, document: i64, summary: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let taken = diesel::update(
            live_documents::table
                .find(document)
                .filter(live_documents::checkpoint_request.eq(summary)),
        )
        .set(live_documents::checkpoint_request.eq(None::<String>))
        .execute(&mut conn)?;
        Ok(taken == 1)
    }

    /// Ends every live session of `title`, in every process: their updates are refused
    /// from now on, and they close at their next look. Returns the new count of
    /// closings (the caller's own session goes on with it to save the last revision).
    pub fn live_close(&self, document: i64, origin: &str) -> Result<i64, StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            let closings: i64 = diesel::update(live_documents::table.find(document))
                .set(live_documents::closings.eq(live_documents::closings + 1))
                .returning(live_documents::closings)
                .get_result(conn)?;
            notify(conn, document, origin)?;
            Ok(closings)
        })
    }

    /// Updates stored after `after`, oldest first (a process catching up with others).
    pub fn live_updates_after(
        &self,
        document: i64,
        after: i64,
    ) -> Result<Vec<(i64, Vec<u8>)>, StoreError> {
        let mut conn = self.conn()?;
        Ok(live_updates::table
            .filter(live_updates::document_id.eq(document))
            .filter(live_updates::id.gt(after))
            .order(live_updates::id.asc())
            .select((live_updates::id, live_updates::data))
            .load(&mut conn)?)
    }

    /// A revision's text, for merging it into a live document.
    pub fn revision_text(&self, id: RevisionId) -> Result<Option<PageText>, StoreError> {
        let mut conn = self.conn()?;
        Ok(load_revision(&mut conn, id.0)?.map(|revision| revision.text))
    }

    /// Listens for the documents other processes change (PostgreSQL `LISTEN`), on a
    /// thread of its own with its own connection, calling `wake` with each document's
    /// id until it returns false. False on SQLite, which has no notifications: there
    /// one process serves every live session (the others would see changes only
    /// through their sessions' periodic look at the tables).
    pub fn live_listen(
        &self,
        origin: String,
        mut wake: Box<dyn FnMut(i64, Option<Vec<u8>>) -> bool + Send>,
    ) -> bool {
        if self.backend != crate::Backend::Postgres {
            return false;
        }
        let url = self.url.to_string();
        let spawned = std::thread::Builder::new()
            .name("carnet-live-listen".to_owned())
            .spawn(move || {
                use diesel::connection::SimpleConnection;
                'connect: loop {
                    // Nobody listens any more (the server stopped): no reconnecting.
                    if !wake(0, None) {
                        return;
                    }
                    let mut conn =
                        match <diesel::PgConnection as diesel::Connection>::establish(&url) {
                            Ok(conn) => conn,
                            Err(error) => {
                                log::warn!("live relay cannot listen: {error}");
                                std::thread::sleep(std::time::Duration::from_secs(1));
                                continue;
                            }
                        };
                    if let Err(error) = conn.batch_execute(&format!("LISTEN {LIVE_CHANNEL}")) {
                        log::warn!("live relay cannot listen: {error}");
                        std::thread::sleep(std::time::Duration::from_secs(1));
                        continue;
                    }
                    loop {
                        // libpq reads what arrived without blocking: look often.
                        for notification in conn.notifications_iter() {
                            let notification = match notification {
                                Ok(notification) => notification,
                                Err(error) => {
                                    log::warn!("live relay lost its connection: {error}");
                                    continue 'connect;
                                }
                            };
                            let mut parts = notification.payload.splitn(4, ':');
                            let (Some(document), Some(from)) = (parts.next(), parts.next()) else {
                                continue;
                            };
                            if from == origin {
                                continue;
                            }
                            // `document:origin:a:HEX` carries presence (awareness).
                            let presence = match (parts.next(), parts.next()) {
                                (Some("a"), Some(hex)) => match from_hex(hex) {
                                    Some(bytes) => Some(bytes),
                                    None => continue,
                                },
                                _ => None,
                            };
                            if let Ok(document) = document.parse::<i64>()
                                && !wake(document, presence)
                            {
                                return;
                            }
                        }
                        // Also notices, within this delay, that nobody listens any more.
                        if !wake(0, None) {
                            return;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(10));
                    }
                }
            });
        spawned.is_ok()
    }
}

/// PostgreSQL limits a notification's payload to 8,000 bytes.
const MAX_PRESENCE_HEX: usize = 7_800;

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(hex: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = hex
        .chars()
        .map(|c| c.to_digit(16).and_then(|d| u8::try_from(d).ok()))
        .collect::<Option<_>>()?;
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    Some(
        digits
            .chunks(2)
            .map(|pair| pair.iter().fold(0u8, |acc, d| acc * 16 + d))
            .collect(),
    )
}

impl Store {
    /// Tells the other processes about presence messages (awareness: who is here, their
    /// cursors) of `document`'s clients here. PostgreSQL only; nothing is stored. A
    /// message too large for a notification is not relayed.
    pub fn live_share_presence(
        &self,
        document: i64,
        origin: &str,
        messages: &[Vec<u8>],
    ) -> Result<(), StoreError> {
        if self.backend != crate::Backend::Postgres {
            return Ok(());
        }
        let mut conn = self.conn()?;
        if let AnyConnection::Postgresql(pg) = &mut *conn {
            for message in messages {
                let hex = to_hex(message);
                if hex.len() > MAX_PRESENCE_HEX {
                    continue;
                }
                diesel::sql_query("SELECT pg_notify($1, $2)")
                    .bind::<diesel::sql_types::Text, _>(LIVE_CHANNEL)
                    .bind::<diesel::sql_types::Text, _>(format!("{document}:{origin}:a:{hex}"))
                    .execute(pg)?;
            }
        }
        Ok(())
    }
}

fn find_document(conn: &mut AnyConnection, title: &Title) -> Result<Option<i64>, StoreError> {
    Ok(live_documents::table
        .filter(live_documents::namespace.eq(title.namespace().id()))
        .filter(live_documents::name.eq(title.name()))
        .select(live_documents::id)
        .first(conn)
        .optional()?)
}

fn read_participants(
    conn: &mut AnyConnection,
    document: i64,
) -> Result<Vec<LiveParticipant>, StoreError> {
    let participants: Vec<(String, Option<i64>)> = live_participants::table
        .filter(live_participants::document_id.eq(document))
        .order(live_participants::position.asc())
        .select((live_participants::name, live_participants::user_id))
        .load(conn)?;
    Ok(participants
        .into_iter()
        .map(|(name, user)| LiveParticipant {
            name,
            user: user.map(UserId),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;

    #[test]
    fn live_document_round_trip() {
        let db = TestDb::new();
        let store = db.store().unwrap();
        let title = Title::parse("Réunion").unwrap();
        let opened = store
            .live_open(&title, &|text| format!("snap:{text}").into_bytes())
            .unwrap();
        assert_eq!(opened.snapshot, b"snap:");
        assert!(opened.synced.is_none());
        let ada = LiveParticipant {
            name: "Ada".to_owned(),
            user: None,
        };
        let last = store
            .live_append(
                opened.document,
                &[b"u1".to_vec(), b"u2".to_vec()],
                &[(0, ada.clone())],
                None,
                0,
                "test",
            )
            .unwrap()
            .unwrap()
            .ids
            .last()
            .copied()
            .unwrap();
        store
            .live_append(opened.document, &[b"u3".to_vec()], &[], None, 0, "test")
            .unwrap();
        // Opening again reads the same document, not a new one.
        let again = store.live_open(&title, &|_| b"other".to_vec()).unwrap();
        assert_eq!(again.document, opened.document);
        let datas: Vec<&[u8]> = again.updates.iter().map(|(_, d)| d.as_slice()).collect();
        assert_eq!(datas, [b"u1".as_slice(), b"u2", b"u3"]);
        assert_eq!(again.participants, vec![ada]);

        store
            .live_compact(opened.document, b"compacted", last)
            .unwrap();
        let compacted = store.live_open(&title, &|_| Vec::new()).unwrap();
        assert_eq!(compacted.snapshot, b"compacted");
        assert_eq!(compacted.updates.len(), 1);
        assert_eq!(
            store
                .live_updates_after(opened.document, last)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn presence_travels_as_hex() {
        let bytes = vec![0u8, 1, 127, 128, 255];
        assert_eq!(from_hex(&to_hex(&bytes)), Some(bytes));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
    }

    #[test]
    fn lease_closings_and_compaction_are_shared_safely() {
        let db = TestDb::new();
        let store = db.store().unwrap();
        let title = Title::parse("Plénière").unwrap();
        let doc = store.live_open(&title, &|_| b"s0".to_vec()).unwrap();
        let document = doc.document;

        // One holder at a time; released, another takes it.
        assert!(store.live_lease(document, "a", 5).unwrap());
        assert!(store.live_lease(document, "a", 5).unwrap());
        assert!(!store.live_lease(document, "b", 5).unwrap());
        store.live_release(document, "b").unwrap();
        assert!(!store.live_lease(document, "b", 5).unwrap());
        store.live_release(document, "a").unwrap();
        assert!(store.live_lease(document, "b", 5).unwrap());

        // Ids of one document follow each other; `previous` says what came before.
        let first = store
            .live_append(document, &[b"u1".to_vec()], &[], None, 0, "a")
            .unwrap()
            .unwrap();
        assert_eq!(first.previous, 0);
        let second = store
            .live_append(
                document,
                &[b"u2".to_vec(), b"u3".to_vec()],
                &[],
                None,
                0,
                "b",
            )
            .unwrap()
            .unwrap();
        assert_eq!(second.previous, first.ids[0]);
        let news = store.live_news(document, first.ids[0]).unwrap();
        assert!(news.snapshot.is_none());
        assert_eq!(news.updates.len(), 2);
        assert_eq!(news.seen, second.ids[1]);

        // A compaction through u3, then an older one from a lagging process: ignored.
        store.live_compact(document, b"s3", second.ids[1]).unwrap();
        store.live_compact(document, b"s1", first.ids[0]).unwrap();
        let news = store.live_news(document, first.ids[0]).unwrap();
        assert_eq!(news.snapshot.as_deref(), Some(b"s3".as_slice()));
        assert!(news.updates.is_empty());
        assert_eq!(news.seen, second.ids[1]);

        // Ending the sessions: appends of sessions started before are refused.
        let closings = store.live_close(document, "a").unwrap();
        assert_eq!(closings, 1);
        assert!(
            store
                .live_append(document, &[b"late".to_vec()], &[], None, 0, "b")
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .live_append(document, &[b"u4".to_vec()], &[], None, closings, "a")
                .unwrap()
                .is_some()
        );
        let stored = store.live_open(&title, &|_| Vec::new()).unwrap();
        let datas: Vec<&[u8]> = stored.updates.iter().map(|(_, d)| d.as_slice()).collect();
        assert_eq!(datas, [b"u4".as_slice()]);
        assert_eq!(stored.closings, 1);
    }
}
