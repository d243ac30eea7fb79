//! Recent changes: the revisions of the whole wiki, newest first, filtered — what
//! everyone watches, and what the feeds publish.

use std::collections::HashMap;

use carnet_core::{Namespace, RevisionId, Title, UserName};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::{category_links, pages, revisions};
use crate::{Store, StoreError};

/// The most changes one query returns.
pub const MAX_CHANGES: usize = 500;

/// Which changes to list.
#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    pub namespace: Option<Namespace>,
    /// Only pages in this category (its name, in the `Catégorie:` namespace).
    pub category: Option<Title>,
    /// Only one page (its history as a feed).
    pub page: Option<Title>,
    /// Only this author (an account or a temporary identity).
    pub author: Option<String>,
    pub new_pages_only: bool,
    pub hide_minor: bool,
    /// Only changes after this moment.
    pub since: Option<DateTime<Utc>>,
    /// Only pages on this person's watchlist.
    pub watched_by: Option<carnet_core::UserId>,
    /// Only the pages of this portal: the portal page itself, the pages of its sections'
    /// categories and its featured pages (`portal.rs`).
    pub portal: Option<Title>,
}

/// One revision in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub revision: RevisionId,
    pub parent: Option<RevisionId>,
    pub title: Title,
    pub author: String,
    pub timestamp: DateTime<Utc>,
    pub comment: String,
    pub minor: bool,
    pub size: i64,
    /// Size change against the parent revision, in bytes.
    pub delta: i64,
    /// The page's first revision.
    pub created: bool,
}

/// A slice of changes, newest first.
#[derive(Debug, Clone, Default)]
pub struct ChangePage {
    pub changes: Vec<Change>,
    /// Pass as `before` for the next (older) slice.
    pub older: Option<RevisionId>,
}

type Row = (
    i64,
    Option<i64>,
    String,
    chrono::NaiveDateTime,
    String,
    bool,
    i64,
    i32,
    String,
);

impl Store {
    /// Changes matching `filter`, newest first, at most `limit` (capped at
    /// [`MAX_CHANGES`]), older than `before`. Revisions of deleted pages and hidden ones
    /// are left out; a hidden text's line stays in histories, not in public lists.
    pub fn recent_changes(
        &self,
        filter: &ChangeFilter,
        limit: usize,
        before: Option<RevisionId>,
    ) -> Result<ChangePage, StoreError> {
        self.changes(filter, None, limit, before)
    }

    /// The newest `limit` changes of the pages `ids` (a portal's activity).
    pub(crate) fn changes_of_pages(
        &self,
        ids: &[i64],
        limit: usize,
    ) -> Result<Vec<Change>, StoreError> {
        Ok(self
            .changes(&ChangeFilter::default(), Some(ids), limit, None)?
            .changes)
    }

    fn changes(
        &self,
        filter: &ChangeFilter,
        pages_in: Option<&[i64]>,
        limit: usize,
        before: Option<RevisionId>,
    ) -> Result<ChangePage, StoreError> {
        use crate::schema::{portal_features, portal_sections};
        let limit = limit.clamp(1, MAX_CHANGES);
        let mut conn = self.conn()?;
        let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);
        let mut query = revisions::table
            .inner_join(pages::table)
            .filter(revisions::deleted.eq(false))
            .filter(revisions::text_hidden.eq(false))
            .order(revisions::id.desc())
            .limit(fetch)
            .select((
                revisions::id,
                revisions::parent_id,
                revisions::author,
                revisions::created_at,
                revisions::comment,
                revisions::minor,
                revisions::size,
                pages::namespace,
                pages::name,
            ))
            .into_boxed();
        if let Some(namespace) = filter.namespace {
            query = query.filter(pages::namespace.eq(namespace.id()));
        }
        if let Some(page) = &filter.page {
            query = query
                .filter(pages::namespace.eq(page.namespace().id()))
                .filter(pages::name.eq(page.name().to_owned()));
        }
        if let Some(category) = &filter.category {
            let members = category_links::table
                .filter(category_links::category.eq(category.name().to_owned()))
                .select(category_links::from_page);
            query = query.filter(pages::id.eq_any(members));
        }
        if let Some(ids) = pages_in {
            query = query.filter(revisions::page_id.eq_any(ids.to_vec()));
        }
        if let Some(portal) = &filter.portal {
            let Some(page) = crate::pages::find_page(&mut conn, portal)?
                .filter(|page| page.latest_revision_id.is_some())
            else {
                return Ok(ChangePage::default());
            };
            let categories = portal_sections::table
                .filter(portal_sections::portal_id.eq(page.id))
                .select(portal_sections::category);
            let members = category_links::table
                .filter(category_links::category.eq_any(categories))
                .select(category_links::from_page);
            let featured = portal_features::table
                .filter(portal_features::portal_id.eq(page.id))
                .filter(portal_features::namespace.eq(pages::namespace))
                .filter(portal_features::name.eq(pages::name))
                .select(portal_features::portal_id);
            query = query.filter(
                pages::id
                    .eq(page.id)
                    .or(pages::id.eq_any(members))
                    .or(diesel::dsl::exists(featured)),
            );
        }
        if let Some(author) = &filter.author {
            // Names are stored normalised; accept what a person types.
            let name = UserName::parse(author)
                .map(|name| name.as_str().to_owned())
                .unwrap_or_else(|_| author.trim().to_owned());
            query = query.filter(revisions::author.eq(name));
        }
        if let Some(user) = filter.watched_by {
            let watched = crate::schema::watchlist::table
                .filter(crate::schema::watchlist::user_id.eq(user.0))
                .filter(crate::schema::watchlist::namespace.eq(pages::namespace))
                .filter(crate::schema::watchlist::name.eq(pages::name))
                .select(crate::schema::watchlist::user_id);
            query = query.filter(diesel::dsl::exists(watched));
        }
        if filter.new_pages_only {
            query = query.filter(revisions::parent_id.is_null());
        }
        if filter.hide_minor {
            query = query.filter(revisions::minor.eq(false));
        }
        if let Some(since) = filter.since {
            query = query.filter(revisions::created_at.gt(since.naive_utc()));
        }
        if let Some(before) = before {
            query = query.filter(revisions::id.lt(before.0));
        }
        let mut rows: Vec<Row> = query.load(&mut conn)?;
        let older = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|row| RevisionId(row.0))
        } else {
            None
        };
        // Parents' sizes in one query, for the byte deltas.
        let parents: Vec<i64> = rows.iter().filter_map(|row| row.1).collect();
        let mut parent_sizes: HashMap<i64, i64> = HashMap::new();
        for chunk in parents.chunks(500) {
            let sizes: Vec<(i64, i64)> = revisions::table
                .filter(revisions::id.eq_any(chunk))
                .select((revisions::id, revisions::size))
                .load(&mut conn)?;
            parent_sizes.extend(sizes);
        }
        let mut changes = Vec::with_capacity(rows.len());
        for (id, parent, author, at, comment, minor, size, namespace, name) in rows {
            let Some(title) =
                Namespace::from_id(namespace).and_then(|ns| Title::from_parts(ns, &name).ok())
            else {
                return Err(StoreError::Corrupt(format!(
                    "page title {namespace}:{name}"
                )));
            };
            let before_size = parent
                .and_then(|p| parent_sizes.get(&p).copied())
                .unwrap_or(0);
            changes.push(Change {
                revision: RevisionId(id),
                parent: parent.map(RevisionId),
                title,
                author,
                timestamp: at.and_utc(),
                comment,
                minor,
                size,
                delta: size - before_size,
                created: parent.is_none(),
            });
        }
        Ok(ChangePage { changes, older })
    }
}

/// Figures of the whole wiki, for `Spécial:Statistiques`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Statistics {
    /// Articles: main namespace, not redirects, not deleted.
    pub articles: i64,
    /// Every existing page, all namespaces.
    pub pages: i64,
    /// Revisions of existing pages.
    pub revisions: i64,
    /// Registered accounts.
    pub accounts: i64,
    /// People (accounts or temporary identities) who saved at least one revision.
    pub writers: i64,
}

impl Store {
    /// Counts for the statistics page: a few indexed counts, no scan of texts.
    pub fn statistics(&self) -> Result<Statistics, StoreError> {
        use crate::schema::users;
        let mut conn = self.conn()?;
        let articles = pages::table
            .filter(pages::namespace.eq(Namespace::Main.id()))
            .filter(pages::latest_revision_id.is_not_null())
            .filter(pages::redirect_name.is_null())
            .count()
            .get_result(&mut conn)?;
        let pages = pages::table
            .filter(pages::latest_revision_id.is_not_null())
            .count()
            .get_result(&mut conn)?;
        let revisions = revisions::table
            .filter(revisions::deleted.eq(false))
            .count()
            .get_result(&mut conn)?;
        let accounts = users::table
            .filter(users::temporary.eq(false))
            .count()
            .get_result(&mut conn)?;
        let writers = revisions::table
            .filter(revisions::user_id.is_not_null())
            .select(diesel::dsl::count(revisions::user_id).aggregate_distinct())
            .first(&mut conn)?;
        Ok(Statistics {
            articles,
            pages,
            revisions,
            accounts,
            writers,
        })
    }
}
