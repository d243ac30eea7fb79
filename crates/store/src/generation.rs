//! The content generation: a number in a one-row table that database triggers bump in
//! the transaction of every change of what a page view shows (pages, revisions, link
//! and category rows, protections, the log, portals, file versions — see the
//! `content_generation` migration). A process that kept a rendered page together with
//! the generation it read before rendering knows, with this one query, whether the
//! page may have changed since — whichever process changed it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::content_generation;
use crate::{Store, StoreError};

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
}
