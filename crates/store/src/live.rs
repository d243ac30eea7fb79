//! Live co-editing sessions: each page's Yjs document as a compacted snapshot plus the
//! updates stored since, and who typed since the last checkpoint revision.
//!
//! The store does not read the updates (they are opaque bytes to it): the live crate
//! builds snapshots, and the web layer stores every update here before telling anyone.

use carnet_core::{PageText, Revision, RevisionId, Title, UserId};
use chrono::Utc;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::connection::write_transaction;
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
    /// The revision the document last took in, if the page exists.
    pub synced: Option<Revision>,
    /// Who typed since the last checkpoint, in the order they first did.
    pub participants: Vec<LiveParticipant>,
}

/// Someone who typed since the last checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveParticipant {
    pub name: String,
    pub user: Option<UserId>,
}

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
            let found: Option<(i64, Option<i64>, Vec<u8>, i64)> = live_documents::table
                .filter(live_documents::namespace.eq(title.namespace().id()))
                .filter(live_documents::name.eq(title.name()))
                .select((
                    live_documents::id,
                    live_documents::synced_revision_id,
                    live_documents::snapshot,
                    live_documents::snapshot_through,
                ))
                .first(&mut conn)
                .optional()?;
            if let Some((document, synced, snapshot, through)) = found {
                let updates = live_updates::table
                    .filter(live_updates::document_id.eq(document))
                    .filter(live_updates::id.gt(through))
                    .order(live_updates::id.asc())
                    .select((live_updates::id, live_updates::data))
                    .load(&mut conn)?;
                let participants: Vec<(String, Option<i64>)> = live_participants::table
                    .filter(live_participants::document_id.eq(document))
                    .order(live_participants::position.asc())
                    .select((live_participants::name, live_participants::user_id))
                    .load(&mut conn)?;
                let synced = match synced {
                    Some(id) => load_revision(&mut conn, id)?,
                    None => None,
                };
                return Ok(LiveStored {
                    document,
                    snapshot,
                    updates,
                    synced,
                    participants: participants
                        .into_iter()
                        .map(|(name, user)| LiveParticipant {
                            name,
                            user: user.map(UserId),
                        })
                        .collect(),
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

    /// Stores updates (and the participants new since the last checkpoint, and the
    /// revision the document took in, if it did) in one transaction. Returns the id of
    /// the last update stored (0 if none).
    pub fn live_append(
        &self,
        document: i64,
        updates: &[Vec<u8>],
        participants: &[(usize, LiveParticipant)],
        synced: Option<RevisionId>,
    ) -> Result<i64, StoreError> {
        let mut conn = self.conn()?;
        let now = Utc::now().naive_utc();
        write_transaction(&mut conn, |conn| {
            // One statement per update: batch inserts are not available through the
            // multi-backend connection, and within one transaction they cost little.
            for data in updates {
                diesel::insert_into(live_updates::table)
                    .values(NewUpdate {
                        document_id: document,
                        data,
                        created_at: now,
                    })
                    .execute(conn)?;
            }
            for (position, participant) in participants {
                diesel::insert_into(live_participants::table)
                    .values((
                        live_participants::document_id.eq(document),
                        live_participants::position
                            .eq(i32::try_from(*position).unwrap_or(i32::MAX)),
                        live_participants::name.eq(&participant.name),
                        live_participants::user_id.eq(participant.user.map(|u| u.0)),
                    ))
                    .execute(conn)?;
            }
            let target = live_documents::table.find(document);
            match synced {
                Some(revision) => diesel::update(target)
                    .set((
                        live_documents::synced_revision_id.eq(revision.0),
                        live_documents::updated_at.eq(now),
                    ))
                    .execute(conn)?,
                None => diesel::update(target)
                    .set(live_documents::updated_at.eq(now))
                    .execute(conn)?,
            };
            if updates.is_empty() {
                return Ok(0);
            }
            let last: Option<i64> = live_updates::table
                .filter(live_updates::document_id.eq(document))
                .select(diesel::dsl::max(live_updates::id))
                .first(conn)?;
            Ok(last.unwrap_or(0))
        })
    }

    /// Replaces the stored updates up to `through` by `snapshot`, which includes them.
    pub fn live_compact(
        &self,
        document: i64,
        snapshot: &[u8],
        through: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            diesel::update(live_documents::table.find(document))
                .set((
                    live_documents::snapshot.eq(snapshot),
                    live_documents::snapshot_through.eq(through),
                ))
                .execute(conn)?;
            diesel::delete(
                live_updates::table
                    .filter(live_updates::document_id.eq(document))
                    .filter(live_updates::id.le(through)),
            )
            .execute(conn)?;
            Ok(())
        })
    }

    /// Records a checkpoint: the document is in step with `revision`, and nobody has
    /// typed since.
    pub fn live_checkpointed(&self, document: i64, revision: RevisionId) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            diesel::update(live_documents::table.find(document))
                .set(live_documents::synced_revision_id.eq(revision.0))
                .execute(conn)?;
            diesel::delete(
                live_participants::table.filter(live_participants::document_id.eq(document)),
            )
            .execute(conn)?;
            Ok(())
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
            )
            .unwrap();
        store
            .live_append(opened.document, &[b"u3".to_vec()], &[], None)
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
}
