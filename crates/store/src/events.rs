//! Workshop events (wiki-journées): recorded by animateurs, read by the rate limiter on
//! every counted request (a small table, indexed on its end), and by the event's
//! dashboard — its participants and the revisions of its window.

use carnet_core::{
    EventDraft, EventWindow, IpRange, Namespace, RevisionId, Title, UserId, UserName,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::schema::{event_participants, event_windows, file_versions, pages, revisions, users};
use crate::{Store, StoreError};

/// Random bytes of a sign-up link's secret (written as hexadecimal).
const JOIN_TOKEN_BYTES: usize = 16;

/// A recorded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub name: String,
    pub window: EventWindow,
    /// Who opened it.
    pub created_by: UserName,
    pub created_at: DateTime<Utc>,
    /// The portal page or category the workshop works on.
    pub target: Option<Title>,
    /// The secret of the sign-up link `/events/{id}/join/{token}`.
    pub join_token: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = event_windows)]
struct EventRow {
    id: i64,
    name: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    ip_range: Option<String>,
    created_at: NaiveDateTime,
    ended_at: Option<NaiveDateTime>,
    target_namespace: Option<i32>,
    target_name: Option<String>,
    join_token: Option<String>,
}

impl EventRow {
    fn window(&self) -> Result<EventWindow, StoreError> {
        let ip_range = match &self.ip_range {
            Some(range) => Some(IpRange::parse(range).map_err(|_| {
                StoreError::Corrupt(format!("event {} has the range {range:?}", self.id))
            })?),
            None => None,
        };
        Ok(EventWindow {
            starts_at: self.starts_at.and_utc(),
            ends_at: self.ends_at.and_utc(),
            ended_at: self.ended_at.map(|at| at.and_utc()),
            ip_range,
        })
    }

    fn into_event(self, created_by: String) -> Result<Event, StoreError> {
        let target = match (self.target_namespace, &self.target_name) {
            (Some(namespace), Some(name)) => Some(
                Namespace::from_id(namespace)
                    .and_then(|ns| Title::from_parts(ns, name).ok())
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("event {} has the target {name:?}", self.id))
                    })?,
            ),
            _ => None,
        };
        Ok(Event {
            window: self.window()?,
            id: self.id,
            name: self.name,
            created_by: UserName::from_stored(created_by),
            created_at: self.created_at.and_utc(),
            target,
            join_token: self.join_token.unwrap_or_default(),
        })
    }
}

impl Store {
    /// Records an event opened by `by`.
    pub fn create_event(
        &self,
        draft: &EventDraft,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut conn = self.conn()?;
        let window = draft.window();
        let mut random = [0u8; JOIN_TOKEN_BYTES];
        getrandom::fill(&mut random)
            .map_err(|error| StoreError::Corrupt(format!("no randomness: {error}")))?;
        let token: String = random.iter().map(|b| format!("{b:02x}")).collect();
        Ok(diesel::insert_into(event_windows::table)
            .values((
                event_windows::name.eq(draft.name()),
                event_windows::target_namespace.eq(draft.target().map(|t| t.namespace().id())),
                event_windows::target_name.eq(draft.target().map(|t| t.name().to_owned())),
                event_windows::join_token.eq(token),
                event_windows::starts_at.eq(window.starts_at.naive_utc()),
                event_windows::ends_at.eq(window.ends_at.naive_utc()),
                event_windows::ip_range.eq(window.ip_range.map(|range| range.to_string())),
                event_windows::created_by.eq(by.0),
                event_windows::created_at.eq(now.naive_utc()),
            ))
            .returning(event_windows::id)
            .get_result(&mut conn)?)
    }

    /// The `limit` events that start last, latest first (upcoming, open, then past).
    pub fn events(&self, limit: usize) -> Result<Vec<Event>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<(EventRow, String)> = event_windows::table
            .inner_join(users::table)
            .order((event_windows::starts_at.desc(), event_windows::id.desc()))
            .limit(i64::try_from(limit).unwrap_or(i64::MAX))
            .select((EventRow::as_select(), users::name))
            .load(&mut conn)?;
        rows.into_iter()
            .map(|(row, name)| row.into_event(name))
            .collect()
    }

    /// The windows open at `now`. A stored range that no longer parses is skipped (and
    /// logged): it must not make every counted request fail.
    pub fn open_event_windows(&self, now: DateTime<Utc>) -> Result<Vec<EventWindow>, StoreError> {
        Ok(self
            .open_events(now)?
            .into_iter()
            .map(|(_, window)| window)
            .collect())
    }

    /// Ends an upcoming or open event now; false when there is no such event or it is
    /// already over.
    pub fn end_event(&self, id: i64, by: UserId, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let now = now.naive_utc();
        let ended = diesel::update(
            event_windows::table
                .find(id)
                .filter(event_windows::ends_at.gt(now))
                .filter(event_windows::ended_at.is_null()),
        )
        .set((
            event_windows::ended_at.eq(now),
            event_windows::ended_by.eq(by.0),
        ))
        .execute(&mut conn)?;
        Ok(ended == 1)
    }
}

/// A participant of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventParticipant {
    pub user: UserId,
    pub name: UserName,
    /// A temporary identity (`~2026-42`).
    pub temporary: bool,
    /// Joined through the sign-up link (else: saved from an address the event covers).
    pub via_link: bool,
    pub joined_at: DateTime<Utc>,
}

/// One revision of an event's window by a participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRevision {
    pub revision: RevisionId,
    pub parent: Option<RevisionId>,
    pub page_id: i64,
    pub title: Title,
    pub user: UserId,
    pub timestamp: DateTime<Utc>,
    pub comment: String,
    /// Size change against the parent revision (a creation: its size).
    pub delta: i64,
    /// Hidden text: counted, but not listed publicly.
    pub text_hidden: bool,
}

/// What an event's dashboard shows, read in one go.
#[derive(Debug, Clone)]
pub struct EventActivity {
    pub event: Event,
    /// By name.
    pub participants: Vec<EventParticipant>,
    /// The window's revisions by participants, oldest first (deleted ones left out).
    pub revisions: Vec<EventRevision>,
    /// Photos uploaded during the window by participants: versions of image files
    /// (JPEG, PNG, WebP, GIF) in `file_versions`, new files and new versions alike;
    /// restores of an old version are not new photos and are left out.
    pub uploads: i64,
}

/// What changes when an event's figures change, cheap to read every second or two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityMark {
    /// The newest revision of the whole wiki (a primary key maximum).
    pub latest_revision: Option<i64>,
    /// The newest file version (a new version of a file makes no revision).
    pub latest_upload: Option<i64>,
    pub participants: i64,
    /// Set once the event was ended early.
    pub ended: bool,
}

type RevisionRow = (
    i64,
    Option<i64>,
    i64,
    Option<i64>,
    NaiveDateTime,
    String,
    i64,
    bool,
    i32,
    String,
    Option<i64>,
);

impl Store {
    /// One event by id.
    pub fn event(&self, id: i64) -> Result<Option<Event>, StoreError> {
        let mut conn = self.conn()?;
        let row: Option<(EventRow, String)> = event_windows::table
            .inner_join(users::table)
            .filter(event_windows::id.eq(id))
            .select((EventRow::as_select(), users::name))
            .first(&mut conn)
            .optional()?;
        row.map(|(row, name)| row.into_event(name)).transpose()
    }

    /// The events open at `now`, with their ids (to record who writes from them).
    pub fn open_events(&self, now: DateTime<Utc>) -> Result<Vec<(i64, EventWindow)>, StoreError> {
        let mut conn = self.conn()?;
        let now = now.naive_utc();
        let rows: Vec<EventRow> = event_windows::table
            .filter(event_windows::ends_at.gt(now))
            .filter(event_windows::starts_at.le(now))
            .filter(
                event_windows::ended_at
                    .is_null()
                    .or(event_windows::ended_at.gt(now)),
            )
            .select(EventRow::as_select())
            .load(&mut conn)?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                row.window()
                    .inspect_err(|error| log::error!("{error}"))
                    .ok()
                    .map(|window| (row.id, window))
            })
            .collect())
    }

    /// Makes `user` a participant of `event` (once; joining through the link later
    /// marks them so). Returns whether anything changed.
    pub fn join_event(
        &self,
        event: i64,
        user: UserId,
        via_link: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let existing: Option<bool> = event_participants::table
            .find((event, user.0))
            .select(event_participants::via_link)
            .first(&mut conn)
            .optional()?;
        match existing {
            Some(true) => Ok(false),
            Some(false) if !via_link => Ok(false),
            Some(false) => {
                diesel::update(event_participants::table.find((event, user.0)))
                    .set(event_participants::via_link.eq(true))
                    .execute(&mut conn)?;
                Ok(true)
            }
            None => {
                let inserted = diesel::insert_into(event_participants::table)
                    .values((
                        event_participants::event_id.eq(event),
                        event_participants::user_id.eq(user.0),
                        event_participants::joined_at.eq(now.naive_utc()),
                        event_participants::via_link.eq(via_link),
                    ))
                    .execute(&mut conn);
                match inserted {
                    Ok(_) => Ok(true),
                    // Recorded by a concurrent request meanwhile.
                    Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                        Ok(false)
                    }
                    Err(error) => Err(error.into()),
                }
            }
        }
    }

    /// Whether `user` is a participant of `event`.
    pub fn is_participant(&self, event: i64, user: UserId) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let found: i64 = event_participants::table
            .filter(event_participants::event_id.eq(event))
            .filter(event_participants::user_id.eq(user.0))
            .count()
            .get_result(&mut conn)?;
        Ok(found > 0)
    }

    /// A cheap summary that changes whenever the dashboard's figures may have: polled
    /// by the live dashboard (works across processes, as it reads the database).
    pub fn activity_mark(&self, event: i64) -> Result<ActivityMark, StoreError> {
        let mut conn = self.conn()?;
        let latest_revision: Option<i64> = revisions::table
            .select(diesel::dsl::max(revisions::id))
            .first(&mut conn)?;
        let latest_upload: Option<i64> = file_versions::table
            .select(diesel::dsl::max(file_versions::id))
            .first(&mut conn)?;
        let participants: i64 = event_participants::table
            .filter(event_participants::event_id.eq(event))
            .count()
            .get_result(&mut conn)?;
        let ended: Option<Option<NaiveDateTime>> = event_windows::table
            .find(event)
            .select(event_windows::ended_at)
            .first(&mut conn)
            .optional()?;
        Ok(ActivityMark {
            latest_revision,
            latest_upload,
            participants,
            ended: matches!(ended, Some(Some(_))),
        })
    }

    /// The event, its participants and their revisions of its window: one indexed range
    /// on `revisions (created_at)` restricted to the participants, each row joined to its
    /// page and its parent's size (no text is read).
    pub fn event_activity(&self, id: i64) -> Result<Option<EventActivity>, StoreError> {
        let Some(event) = self.event(id)? else {
            return Ok(None);
        };
        let mut conn = self.conn()?;
        let people: Vec<(i64, String, bool, bool, NaiveDateTime)> = event_participants::table
            .inner_join(users::table)
            .filter(event_participants::event_id.eq(id))
            .order(users::name.asc())
            .select((
                users::id,
                users::name,
                users::temporary,
                event_participants::via_link,
                event_participants::joined_at,
            ))
            .load(&mut conn)?;
        let participants = people
            .into_iter()
            .map(
                |(user, name, temporary, via_link, joined_at)| EventParticipant {
                    user: UserId(user),
                    name: UserName::from_stored(name),
                    temporary,
                    via_link,
                    joined_at: joined_at.and_utc(),
                },
            )
            .collect();
        let parents = diesel::alias!(revisions as parents);
        let members = event_participants::table
            .filter(event_participants::event_id.eq(id))
            .select(event_participants::user_id);
        let rows: Vec<RevisionRow> = revisions::table
            .inner_join(pages::table)
            .left_join(
                parents.on(parents
                    .field(revisions::id)
                    .nullable()
                    .eq(revisions::parent_id)),
            )
            .filter(revisions::created_at.ge(event.window.starts_at.naive_utc()))
            .filter(revisions::created_at.lt(event.window.effective_end().naive_utc()))
            .filter(revisions::deleted.eq(false))
            .filter(revisions::user_id.eq_any(members.nullable()))
            .order(revisions::id.asc())
            .select((
                revisions::id,
                revisions::parent_id,
                revisions::page_id,
                revisions::user_id,
                revisions::created_at,
                revisions::comment,
                revisions::size,
                revisions::text_hidden,
                pages::namespace,
                pages::name,
                parents.field(revisions::size).nullable(),
            ))
            .load(&mut conn)?;
        let mut revisions = Vec::with_capacity(rows.len());
        for (id, parent, page_id, user, at, comment, size, hidden, namespace, name, before) in rows
        {
            let title = Namespace::from_id(namespace)
                .and_then(|ns| Title::from_parts(ns, &name).ok())
                .ok_or_else(|| StoreError::Corrupt(format!("page title {namespace}:{name}")))?;
            let Some(user) = user else { continue };
            revisions.push(EventRevision {
                revision: RevisionId(id),
                parent: parent.map(RevisionId),
                page_id,
                title,
                user: UserId(user),
                timestamp: at.and_utc(),
                comment,
                delta: size - before.unwrap_or(0),
                text_hidden: hidden,
            });
        }
        let members = event_participants::table
            .filter(event_participants::event_id.eq(id))
            .select(event_participants::user_id);
        let uploads: i64 = file_versions::table
            .filter(file_versions::uploaded_at.ge(event.window.starts_at.naive_utc()))
            .filter(file_versions::uploaded_at.lt(event.window.effective_end().naive_utc()))
            .filter(file_versions::uploader_id.eq_any(members.nullable()))
            .filter(file_versions::restored_from.is_null())
            .filter(file_versions::kind.eq_any(["jpeg", "png", "webp", "gif"]))
            .count()
            .get_result(&mut conn)?;
        Ok(Some(EventActivity {
            event,
            participants,
            revisions,
            uploads,
        }))
    }
}
