//! Reading the whole wiki a slice at a time (the static HTML export walks every current page).

use carnet_core::{Namespace, PageId, Title};
use diesel::prelude::*;

use crate::schema::pages;
use crate::{Store, StoreError};

impl Store {
    /// Up to `limit` current pages (deleted ones left out) with an id above `after`,
    /// by id: a keyset walk over every page that costs the same at any depth. Rows whose
    /// namespace or name Carnet no longer accepts are skipped. Also returns the last id
    /// read (the next call's `after`), `None` at the end.
    #[allow(clippy::type_complexity, reason = "a slice and where it ends")]
    pub fn current_pages_after(
        &self,
        after: Option<PageId>,
        limit: usize,
    ) -> Result<(Vec<(PageId, Title)>, Option<PageId>), StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<(i64, i32, String)> = pages::table
            .filter(pages::latest_revision_id.is_not_null())
            .filter(pages::id.gt(after.map_or(0, |id| id.0)))
            .order(pages::id.asc())
            .select((pages::id, pages::namespace, pages::name))
            .limit(i64::try_from(limit).unwrap_or(i64::MAX))
            .load(&mut conn)?;
        let last = rows.last().map(|row| PageId(row.0));
        let titles = rows
            .into_iter()
            .filter_map(|(id, namespace, name)| {
                let title = Namespace::from_id(namespace)
                    .and_then(|namespace| Title::from_parts(namespace, &name).ok())?;
                Some((PageId(id), title))
            })
            .collect();
        Ok((titles, last))
    }
}
