//! Workshop event windows: recorded by animateurs, read by the rate limiter on every
//! counted request (a small table, indexed on its end).

use carnet_core::{EventDraft, EventWindow, IpRange, UserId, UserName};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::{event_windows, users};
use crate::{Store, StoreError};

/// A recorded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub name: String,
    pub window: EventWindow,
    /// Who opened it.
    pub created_by: UserName,
    pub created_at: DateTime<Utc>,
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
        Ok(Event {
            window: self.window()?,
            id: self.id,
            name: self.name,
            created_by: UserName::from_stored(created_by),
            created_at: self.created_at.and_utc(),
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
        Ok(diesel::insert_into(event_windows::table)
            .values((
                event_windows::name.eq(draft.name()),
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
            })
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
