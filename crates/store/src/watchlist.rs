//! Watchlists: pages a person follows, by title, and when they last looked.

use carnet_core::{Namespace, Title, UserId};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::schema::{users, watchlist};
use crate::{Store, StoreError};

/// A person's watchlist settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchSettings {
    /// Pages they create or edit are added (on by default).
    pub watch_own_edits: bool,
    /// When they last opened their watchlist.
    pub seen_at: Option<DateTime<Utc>>,
}

/// Adds a page to a watchlist (nothing if already there), inside any transaction.
pub(crate) fn add(
    conn: &mut AnyConnection,
    user: UserId,
    title: &Title,
) -> Result<(), diesel::result::Error> {
    let query = diesel::insert_into(watchlist::table)
        .values((
            watchlist::user_id.eq(user.0),
            watchlist::namespace.eq(title.namespace().id()),
            watchlist::name.eq(title.name()),
            watchlist::added_at.eq(Utc::now().naive_utc()),
        ))
        .on_conflict_do_nothing();
    // `on_conflict` is not available through the multi-connection.
    match conn {
        AnyConnection::Sqlite(inner) => query.execute(inner)?,
        AnyConnection::Postgresql(inner) => query.execute(inner)?,
    };
    Ok(())
}

/// After a save: adds the page to the writer's watchlist if they asked for it.
pub(crate) fn after_save(
    conn: &mut AnyConnection,
    user: UserId,
    title: &Title,
) -> Result<(), diesel::result::Error> {
    let wanted: Option<bool> = users::table
        .find(user.0)
        .select(users::watch_own_edits)
        .first(conn)
        .optional()?;
    if wanted == Some(true) {
        add(conn, user, title)?;
    }
    Ok(())
}

impl Store {
    pub fn watch(&self, user: UserId, title: &Title) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        add(&mut conn, user, title)?;
        Ok(())
    }

    pub fn unwatch(&self, user: UserId, title: &Title) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        diesel::delete(
            watchlist::table
                .filter(watchlist::user_id.eq(user.0))
                .filter(watchlist::namespace.eq(title.namespace().id()))
                .filter(watchlist::name.eq(title.name())),
        )
        .execute(&mut conn)?;
        Ok(())
    }

    pub fn is_watched(&self, user: UserId, title: &Title) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let found: Option<i64> = watchlist::table
            .filter(watchlist::user_id.eq(user.0))
            .filter(watchlist::namespace.eq(title.namespace().id()))
            .filter(watchlist::name.eq(title.name()))
            .select(watchlist::user_id)
            .first(&mut conn)
            .optional()?;
        Ok(found.is_some())
    }

    /// The pages someone follows, by namespace then name.
    pub fn watched_pages(&self, user: UserId) -> Result<Vec<Title>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<(i32, String)> = watchlist::table
            .filter(watchlist::user_id.eq(user.0))
            .order((watchlist::namespace.asc(), watchlist::name.asc()))
            .select((watchlist::namespace, watchlist::name))
            .load(&mut conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|(ns, name)| {
                Namespace::from_id(ns).and_then(|ns| Title::from_parts(ns, &name).ok())
            })
            .collect())
    }

    pub fn watch_settings(&self, user: UserId) -> Result<WatchSettings, StoreError> {
        let mut conn = self.conn()?;
        let (watch_own_edits, seen_at): (bool, Option<chrono::NaiveDateTime>) = users::table
            .find(user.0)
            .select((users::watch_own_edits, users::watchlist_seen_at))
            .first(&mut conn)?;
        Ok(WatchSettings {
            watch_own_edits,
            seen_at: seen_at.map(|at| at.and_utc()),
        })
    }

    pub fn set_watch_own_edits(&self, user: UserId, on: bool) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        diesel::update(users::table.find(user.0))
            .set(users::watch_own_edits.eq(on))
            .execute(&mut conn)?;
        Ok(())
    }

    /// Remembers that someone looked at their watchlist now.
    pub fn mark_watchlist_seen(&self, user: UserId, at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        diesel::update(users::table.find(user.0))
            .set(users::watchlist_seen_at.eq(Some(at.naive_utc())))
            .execute(&mut conn)?;
        Ok(())
    }
}
