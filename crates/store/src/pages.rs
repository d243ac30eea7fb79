//! Pages and revisions: reading, history and saving.

use carnet_core::{
    Author, Comment, ContentHash, MergeLabels, Namespace, PageId, PageText, Revision, RevisionId,
    RevisionMeta, SaveDecision, Title, decide_save,
};
use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::connection::{AnyConnection, Backend, write_transaction};
use crate::links::{LinkChange, Lookup, replace_links};
use crate::schema::{pages, revisions};
use crate::texts::{self, StoredText};
use crate::{Store, StoreError, TitledRevision};

/// How many times a save is retried when another process won the race for the page.
/// Each retry re-reads and re-merges, so a retry is as correct as a first try.
pub(crate) const MAX_SAVE_ATTEMPTS: usize = 8;

/// A save request: what the writer typed and the revision they started from.
#[derive(Debug, Clone)]
pub struct Edit {
    pub title: Title,
    pub text: PageText,
    /// The revision the writer's text is based on; `None` to create the page.
    pub base: Option<RevisionId>,
    pub author: Author,
    /// The account saving, if logged in (`author` is then its name).
    pub user: Option<carnet_core::UserId>,
    pub comment: Comment,
    pub minor: bool,
    /// Translated labels for conflict markers.
    pub labels: MergeLabels,
}

/// What a save did.
#[derive(Debug, Clone)]
pub enum SaveOutcome {
    /// The page did not exist and now has its first revision.
    Created(RevisionMeta),
    /// A new revision was stored; `merged` when concurrent changes were merged in.
    Saved {
        revision: RevisionMeta,
        merged: bool,
    },
    /// The text was already the current text: no revision was created.
    Unchanged(RevisionMeta),
    /// Overlapping changes: nothing was stored.
    Conflict {
        current: Revision,
        with_markers: String,
        conflicts: usize,
    },
}

/// A page and its current revision's metadata.
#[derive(Debug, Clone)]
pub struct PageSummary {
    pub id: PageId,
    pub title: Title,
    pub latest: RevisionMeta,
}

/// One line of a page's history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub meta: RevisionMeta,
    /// Size change in bytes against the previous revision.
    pub delta: i64,
}

/// A slice of history, newest first.
#[derive(Debug, Clone)]
pub struct HistoryPage {
    pub page: PageSummary,
    pub entries: Vec<HistoryEntry>,
    /// Pass as `before` to get the next (older) slice; `None` at the first revision.
    pub older: Option<RevisionId>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = pages)]
pub(crate) struct PageRow {
    pub(crate) id: i64,
    namespace: i32,
    name: String,
    pub(crate) latest_revision_id: Option<i64>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = revisions)]
struct MetaRow {
    id: i64,
    page_id: i64,
    parent_id: Option<i64>,
    author: String,
    created_at: NaiveDateTime,
    comment: String,
    minor: bool,
    size: i64,
    sha256: String,
    text_hidden: bool,
    deleted: bool,
}

#[derive(Insertable)]
#[diesel(table_name = revisions)]
pub(crate) struct NewRevision<'a> {
    pub(crate) page_id: i64,
    pub(crate) parent_id: Option<i64>,
    pub(crate) author: &'a str,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) comment: &'a str,
    pub(crate) minor: bool,
    pub(crate) size: i64,
    pub(crate) sha256: &'a str,
    pub(crate) user_id: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = pages)]
pub(crate) struct NewPage<'a> {
    pub(crate) namespace: i32,
    pub(crate) name: &'a str,
    pub(crate) latest_revision_id: Option<i64>,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) touched_at: NaiveDateTime,
}

impl MetaRow {
    fn into_meta(self) -> Result<RevisionMeta, StoreError> {
        let size = usize::try_from(self.size).map_err(|_| {
            StoreError::Corrupt(format!("revision {} has size {}", self.id, self.size))
        })?;
        Ok(RevisionMeta {
            id: RevisionId(self.id),
            page: PageId(self.page_id),
            parent: self.parent_id.map(RevisionId),
            author: Author::from_stored(self.author),
            timestamp: self.created_at.and_utc(),
            comment: Comment::from_stored(self.comment),
            minor: self.minor,
            size,
            hash: ContentHash::from_stored(self.sha256),
            text_hidden: self.text_hidden,
            deleted: self.deleted,
        })
    }
}

impl PageRow {
    pub(crate) fn title(&self) -> Result<Title, StoreError> {
        let namespace = Namespace::from_id(self.namespace).ok_or_else(|| {
            StoreError::Corrupt(format!("page {} has namespace {}", self.id, self.namespace))
        })?;
        Title::from_parts(namespace, &self.name).map_err(|e| {
            StoreError::Corrupt(format!("page {} has title {:?}: {e}", self.id, self.name))
        })
    }
}

/// Internal failure of one save attempt: `Retry` rolls the transaction back and tries
/// again from a fresh read.
pub(crate) enum AttemptError {
    Store(StoreError),
    Retry,
}

impl From<DieselError> for AttemptError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
            | DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AttemptError::Retry
            }
            other => AttemptError::Store(StoreError::Database(other)),
        }
    }
}

impl From<StoreError> for AttemptError {
    fn from(error: StoreError) -> Self {
        AttemptError::Store(error)
    }
}

// Reading.
impl Store {
    /// The page with this title and its current revision (with text).
    pub fn page(&self, title: &Title) -> Result<Option<(PageSummary, Revision)>, StoreError> {
        let mut conn = self.conn()?;
        let Some(page) = find_page(&mut conn, title)? else {
            return Ok(None);
        };
        let Some(latest) = page.latest_revision_id else {
            return Ok(None);
        };
        let revision = load_revision(&mut conn, latest)?.ok_or_else(|| {
            StoreError::Corrupt(format!("page {} lost revision {latest}", page.id))
        })?;
        let summary = PageSummary {
            id: PageId(page.id),
            title: page.title()?,
            latest: revision.meta.clone(),
        };
        Ok(Some((summary, revision)))
    }

    /// The id of the page's current revision (`None`: no such page, or deleted): one
    /// indexed row, no text.
    pub fn latest_revision_id(&self, title: &Title) -> Result<Option<RevisionId>, StoreError> {
        let mut conn = self.conn()?;
        let latest: Option<Option<i64>> = pages::table
            .filter(pages::namespace.eq(title.namespace().id()))
            .filter(pages::name.eq(title.name()))
            .select(pages::latest_revision_id)
            .first(&mut conn)
            .optional()?;
        Ok(latest.flatten().map(RevisionId))
    }

    /// [`Store::latest_revision_id`] of many pages at once, in their order: one query
    /// per namespace and 500 titles (on the unique `(namespace, name)` index), read every
    /// second for all the pages open in edit forms (the "this page changed" notice).
    pub fn latest_revision_ids(
        &self,
        titles: &[Title],
    ) -> Result<Vec<Option<RevisionId>>, StoreError> {
        const CHUNK: usize = 500;
        let mut conn = self.conn()?;
        let mut by_namespace: std::collections::BTreeMap<i32, Vec<&str>> =
            std::collections::BTreeMap::new();
        for title in titles {
            by_namespace
                .entry(title.namespace().id())
                .or_default()
                .push(title.name());
        }
        let mut found: std::collections::HashMap<(i32, String), i64> =
            std::collections::HashMap::new();
        for (namespace, names) in by_namespace {
            for chunk in names.chunks(CHUNK) {
                let rows: Vec<(String, Option<i64>)> = pages::table
                    .filter(pages::namespace.eq(namespace))
                    .filter(pages::name.eq_any(chunk))
                    .select((pages::name, pages::latest_revision_id))
                    .load(&mut conn)?;
                for (name, latest) in rows {
                    if let Some(latest) = latest {
                        found.insert((namespace, name), latest);
                    }
                }
            }
        }
        Ok(titles
            .iter()
            .map(|title| {
                found
                    .get(&(title.namespace().id(), title.name().to_owned()))
                    .copied()
                    .map(RevisionId)
            })
            .collect())
    }

    /// The id of the page with this title if it is deleted now (it has revisions, none
    /// current), for the notice shown instead of the page.
    pub fn deleted_page(&self, title: &Title) -> Result<Option<PageId>, StoreError> {
        let mut conn = self.conn()?;
        Ok(find_page(&mut conn, title)?
            .filter(|page| page.latest_revision_id.is_none())
            .map(|page| PageId(page.id)))
    }

    /// A revision by id, with its page's title.
    pub fn revision(&self, id: RevisionId) -> Result<Option<TitledRevision>, StoreError> {
        let mut conn = self.conn()?;
        let Some(revision) = load_revision(&mut conn, id.0)? else {
            return Ok(None);
        };
        let page: PageRow = pages::table
            .find(revision.meta.page.0)
            .select(PageRow::as_select())
            .first(&mut conn)?;
        Ok(Some(TitledRevision {
            title: page.title()?,
            latest: page.latest_revision_id.map(RevisionId),
            revision,
        }))
    }

    /// The revision saved right after `id` on the same page, for "next edit" links.
    pub fn next_revision(
        &self,
        page: PageId,
        id: RevisionId,
    ) -> Result<Option<RevisionId>, StoreError> {
        let mut conn = self.conn()?;
        let next: Option<i64> = revisions::table
            .filter(revisions::page_id.eq(page.0))
            .filter(revisions::id.gt(id.0))
            .order(revisions::id.asc())
            .select(revisions::id)
            .first(&mut conn)
            .optional()?;
        Ok(next.map(RevisionId))
    }

    /// Up to `limit` revisions of a page, newest first, older than `before` if given.
    /// Revisions of a deletion are left out unless `include_deleted` (administrators),
    /// which also gives the history of a page that is deleted now.
    pub fn history(
        &self,
        title: &Title,
        limit: usize,
        before: Option<RevisionId>,
        include_deleted: bool,
    ) -> Result<Option<HistoryPage>, StoreError> {
        let mut conn = self.conn()?;
        let Some(page) = find_page(&mut conn, title)? else {
            return Ok(None);
        };
        let latest_id = match page.latest_revision_id {
            Some(id) => id,
            None if include_deleted => {
                let newest: Option<i64> = revisions::table
                    .filter(revisions::page_id.eq(page.id))
                    .select(diesel::dsl::max(revisions::id))
                    .first(&mut conn)?;
                match newest {
                    Some(id) => id,
                    None => return Ok(None),
                }
            }
            None => return Ok(None),
        };
        let latest = load_meta(&mut conn, latest_id)?.ok_or_else(|| {
            StoreError::Corrupt(format!("page {} lost revision {latest_id}", page.id))
        })?;
        // One extra row gives the size before the oldest shown revision.
        let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
        let mut query = revisions::table
            .filter(revisions::page_id.eq(page.id))
            .order(revisions::id.desc())
            .limit(fetch)
            .select(MetaRow::as_select())
            .into_boxed();
        if let Some(before) = before {
            query = query.filter(revisions::id.lt(before.0));
        }
        if !include_deleted {
            query = query.filter(revisions::deleted.eq(false));
        }
        let rows: Vec<MetaRow> = query.load(&mut conn)?;
        let mut metas = rows
            .into_iter()
            .map(MetaRow::into_meta)
            .collect::<Result<Vec<_>, _>>()?;
        let extra = if metas.len() > limit {
            metas.pop()
        } else {
            None
        };
        let older = extra.as_ref().and(metas.last().map(|meta| meta.id));
        let mut entries = Vec::with_capacity(metas.len());
        let previous_sizes = metas
            .iter()
            .skip(1)
            .map(|meta| Some(meta.size))
            .chain(std::iter::once(extra.map(|meta| meta.size)));
        for (meta, previous) in metas.iter().zip(previous_sizes) {
            let delta = signed(meta.size) - previous.map(signed).unwrap_or(0);
            entries.push(HistoryEntry {
                meta: meta.clone(),
                delta,
            });
        }
        Ok(Some(HistoryPage {
            page: PageSummary {
                id: PageId(page.id),
                title: page.title()?,
                latest,
            },
            entries,
            older,
        }))
    }
}

// Writing.
impl Store {
    /// Saves an edit: a new revision, a merge with what changed meanwhile, or a
    /// conflict that stores nothing. An accepted save is never overwritten: the page
    /// pointer only moves forward from the revision the decision was based on.
    ///
    /// On SQLite, saves that queue for the writer are committed together
    /// (`batch.rs`); each still decides against what the ones before it wrote.
    pub fn save(&self, edit: &Edit) -> Result<SaveOutcome, StoreError> {
        match self.backend {
            Backend::Sqlite => self.save_grouped(edit),
            Backend::Postgres => {
                let mut conn = self.conn()?;
                self.save_alone(&mut conn, edit)
            }
        }
    }

    /// Saves `extend(current text)` on top of whatever the page holds when the write
    /// transaction runs (a talk page's new section): the page is locked while the text
    /// is made, so additions by several writers at once all land, without conflicts.
    /// `edit.text` and `edit.base` are ignored.
    pub fn save_extending(
        &self,
        edit: &Edit,
        extend: &dyn Fn(&str) -> String,
    ) -> Result<SaveOutcome, StoreError> {
        let mut conn = self.conn()?;
        for _ in 0..MAX_SAVE_ATTEMPTS {
            let attempt = write_transaction(&mut conn, |conn| {
                lock_page(conn, &edit.title)?;
                let current = match find_page(conn, &edit.title)?.and_then(|p| p.latest_revision_id)
                {
                    Some(id) => Some(load_revision(conn, id)?.ok_or_else(|| {
                        StoreError::Corrupt(format!("page {} lost revision {id}", edit.title))
                    })?),
                    None => None,
                };
                let existing = current.as_ref().map_or("", |r| r.text.as_str());
                let text = PageText::new(&extend(existing), self.max_page_bytes)
                    .map_err(StoreError::Text)?;
                let edit = Edit {
                    text,
                    base: current.as_ref().map(|r| r.meta.id),
                    ..edit.clone()
                };
                match self.attempt_save(conn, &edit)? {
                    // The text was made from the page as read, under its lock, so the
                    // one way to a conflict is a page that did not exist yet (no row to
                    // lock on PostgreSQL) and was created meanwhile: extend it instead.
                    SaveOutcome::Conflict { .. } => Err(AttemptError::Retry),
                    outcome => Ok(outcome),
                }
            });
            match attempt {
                Ok(outcome) => return Ok(outcome),
                Err(AttemptError::Retry) => continue,
                Err(AttemptError::Store(error)) => return Err(error),
            }
        }
        Err(StoreError::Busy)
    }

    pub(crate) fn attempt_save(
        &self,
        conn: &mut AnyConnection,
        edit: &Edit,
    ) -> Result<SaveOutcome, AttemptError> {
        self.attempt_save_indexing(conn, edit, None)
    }

    /// [`Store::attempt_save`]; with `index_later`, the page's new text is added to it
    /// instead of the full-text index, which the caller writes before committing.
    pub(crate) fn attempt_save_indexing(
        &self,
        conn: &mut AnyConnection,
        edit: &Edit,
        index_later: Option<&mut Vec<crate::search::PendingIndex>>,
    ) -> Result<SaveOutcome, AttemptError> {
        lock_page(conn, &edit.title)?;
        let page = find_page(conn, &edit.title)?;
        let (current, storage_base) = match page.as_ref().and_then(|page| page.latest_revision_id) {
            Some(id) => {
                let (revision, base) = load_revision_with_base(conn, id)?.ok_or_else(|| {
                    StoreError::Corrupt(format!("page {} lost revision {id}", edit.title))
                })?;
                (Some(revision), base)
            }
            None => (None, None),
        };
        let base = match (edit.base, &current) {
            (None, _) => None,
            (Some(base), Some(current)) if base == current.meta.id => Some(current.clone()),
            (Some(base), _) => {
                let page_id = page.as_ref().map(|page| page.id);
                let revision = load_revision(conn, base.0)?
                    .filter(|revision| Some(revision.meta.page.0) == page_id)
                    .ok_or(StoreError::ForeignBase(base.0))?;
                Some(revision)
            }
        };
        let decision = decide_save(
            base.as_ref()
                .map(|revision| (revision.meta.id, &revision.text)),
            current
                .as_ref()
                .map(|revision| (revision.meta.id, &revision.text)),
            edit.text.clone(),
            self.max_page_bytes,
            &edit.labels,
        )
        .map_err(StoreError::Text)?;
        let (text, merged) = match decision {
            SaveDecision::Unchanged => {
                let current = current.ok_or_else(|| {
                    StoreError::Corrupt("a null edit on a missing page".to_owned())
                })?;
                return Ok(SaveOutcome::Unchanged(current.meta));
            }
            SaveDecision::Conflict {
                with_markers,
                conflicts,
            } => {
                let current = current.ok_or_else(|| {
                    StoreError::Corrupt("a conflict on a missing page".to_owned())
                })?;
                return Ok(SaveOutcome::Conflict {
                    current,
                    with_markers,
                    conflicts,
                });
            }
            SaveDecision::Save { text, merged } => (text, merged),
        };
        let now = Utc::now().naive_utc();
        let page_id = match &page {
            Some(page) => page.id,
            None => insert_page(conn, &edit.title, now)?,
        };
        let parent_id = current.as_ref().map(|revision| revision.meta.id.0);
        let hash = text.hash();
        let size = i64::try_from(text.size())
            .map_err(|_| StoreError::Corrupt("text size overflows".to_owned()))?;
        let stored = texts::encode(text.as_str(), storage_base.as_ref())?;
        let new_id = insert_revision(
            conn,
            &NewRevision {
                page_id,
                parent_id,
                author: edit.author.as_str(),
                created_at: now,
                comment: edit.comment.as_str(),
                minor: edit.minor,
                size,
                sha256: hash.as_str(),
                user_id: edit.user.map(|user| user.0),
            },
            &stored,
        )?;
        if !advance_latest(conn, page_id, parent_id, new_id, now)? {
            return Err(AttemptError::Retry);
        }
        let change = if current.is_none() {
            LinkChange::Created
        } else {
            LinkChange::Edited
        };
        match index_later {
            None => self.after_new_text::<AttemptError>(
                conn,
                page_id,
                &edit.title,
                text.as_str(),
                change,
            )?,
            Some(later) => {
                self.links_of_new_text::<AttemptError>(
                    conn,
                    page_id,
                    &edit.title,
                    text.as_str(),
                    change,
                )?;
                later.push(crate::search::PendingIndex {
                    page_id,
                    title: edit.title.clone(),
                    text: text.as_str().to_owned(),
                });
            }
        }
        if let Some(user) = edit.user {
            crate::watchlist::after_save(conn, user, &edit.title)?;
        }
        let meta = RevisionMeta {
            id: RevisionId(new_id),
            page: PageId(page_id),
            parent: parent_id.map(RevisionId),
            author: edit.author.clone(),
            timestamp: now.and_utc(),
            comment: edit.comment.clone(),
            minor: edit.minor,
            size: text.size(),
            hash,
            text_hidden: false,
            deleted: false,
        };
        Ok(match current {
            None => SaveOutcome::Created(meta),
            Some(_) => SaveOutcome::Saved {
                revision: meta,
                merged,
            },
        })
    }
}

impl Store {
    /// What every new current text of a page needs, in the transaction that stored it:
    /// its links worked out by the analyzer (reading the wiki through the transaction),
    /// the link rows replaced (and the cached HTML they make stale thrown away), and the
    /// search index rewritten.
    pub(crate) fn after_new_text<E>(
        &self,
        conn: &mut AnyConnection,
        page_id: i64,
        title: &Title,
        text: &str,
        change: LinkChange,
    ) -> Result<(), E>
    where
        E: From<DieselError> + From<StoreError>,
    {
        self.links_of_new_text::<E>(conn, page_id, title, text, change)?;
        crate::search::index_page(conn, self.search_language, page_id, title, text)?;
        Ok(())
    }

    /// The link rows of a page's new text (its analysis, then `replace_links`).
    pub(crate) fn links_of_new_text<E>(
        &self,
        conn: &mut AnyConnection,
        page_id: i64,
        title: &Title,
        text: &str,
        change: LinkChange,
    ) -> Result<(), E>
    where
        E: From<DieselError> + From<StoreError>,
    {
        let links = {
            let lookup = Lookup::borrowed(&mut *conn);
            let links = self.analyzer.analyze(title, text, &lookup);
            if lookup.failed() {
                return Err(StoreError::Analysis.into());
            }
            links
        };
        replace_links(conn, page_id, title, &links, change)?;
        Ok(())
    }
}

/// A new page row without a current revision yet; its id.
pub(crate) fn insert_page(
    conn: &mut AnyConnection,
    title: &Title,
    created_at: NaiveDateTime,
) -> Result<i64, DieselError> {
    diesel::insert_into(pages::table)
        .values(NewPage {
            namespace: title.namespace().id(),
            name: title.name(),
            latest_revision_id: None,
            created_at,
            touched_at: created_at,
        })
        .returning(pages::id)
        .get_result::<i64>(conn)
}

/// Stores an (immutable) revision with its text encoded as `stored`; its id.
pub(crate) fn insert_revision(
    conn: &mut AnyConnection,
    revision: &NewRevision<'_>,
    stored: &texts::ToStore,
) -> Result<i64, DieselError> {
    diesel::insert_into(revisions::table)
        .values((
            revision,
            revisions::text.eq(""),
            revisions::format.eq(stored.format),
            revisions::content.eq(Some(stored.content.as_slice())),
            revisions::keyframe_id.eq(stored.keyframe_id),
            revisions::chain_bytes.eq(stored.chain_bytes),
        ))
        .returning(revisions::id)
        .get_result(conn)
}

/// Moves a page's current revision pointer from `from` to `to` (compare-and-set: only
/// from the revision the writer built on). False when another writer moved it first.
pub(crate) fn advance_latest(
    conn: &mut AnyConnection,
    page_id: i64,
    from: Option<i64>,
    to: i64,
    touched_at: NaiveDateTime,
) -> Result<bool, DieselError> {
    let target = pages::table.filter(pages::id.eq(page_id));
    let values = (
        pages::latest_revision_id.eq(Some(to)),
        pages::touched_at.eq(touched_at),
    );
    let updated = match from {
        Some(parent) => diesel::update(target.filter(pages::latest_revision_id.eq(parent)))
            .set(values)
            .execute(conn)?,
        None => diesel::update(target.filter(pages::latest_revision_id.is_null()))
            .set(values)
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// Serialises writers of one page. SQLite's `BEGIN IMMEDIATE` already holds the
/// database's single write lock; on PostgreSQL, concurrent writers would otherwise all
/// merge against the same revision and all but one would lose the compare-and-set and
/// retry, over and over under load. Locking the page row makes them queue instead.
pub(crate) fn lock_page(conn: &mut AnyConnection, title: &Title) -> Result<(), DieselError> {
    if let AnyConnection::Postgresql(pg) = conn {
        pages::table
            .filter(pages::namespace.eq(title.namespace().id()))
            .filter(pages::name.eq(title.name()))
            .select(pages::id)
            .for_update()
            .load::<i64>(pg)?;
    }
    Ok(())
}

pub(crate) fn find_page(
    conn: &mut AnyConnection,
    title: &Title,
) -> Result<Option<PageRow>, StoreError> {
    Ok(pages::table
        .filter(pages::namespace.eq(title.namespace().id()))
        .filter(pages::name.eq(title.name()))
        .select(PageRow::as_select())
        .first(conn)
        .optional()?)
}

pub(crate) fn load_meta(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<RevisionMeta>, StoreError> {
    let row: Option<MetaRow> = revisions::table
        .find(id)
        .select(MetaRow::as_select())
        .first(conn)
        .optional()?;
    row.map(MetaRow::into_meta).transpose()
}

pub(crate) fn load_revision(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<Revision>, StoreError> {
    Ok(load_revision_with_base(conn, id)?.map(|(revision, _)| revision))
}

/// A revision and the storage base of a revision saved on top of it.
pub(crate) fn load_revision_with_base(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(Revision, Option<texts::Base>)>, StoreError> {
    let row: Option<(MetaRow, StoredText)> = revisions::table
        .find(id)
        .select((MetaRow::as_select(), StoredText::as_select()))
        .first(conn)
        .optional()?;
    let Some((meta, stored)) = row else {
        return Ok(None);
    };
    let (text, base) = texts::read_with_base(conn, stored)?;
    Ok(Some((
        Revision {
            meta: meta.into_meta()?,
            text: PageText::from_stored(text),
        },
        base,
    )))
}

fn signed(size: usize) -> i64 {
    i64::try_from(size).unwrap_or(i64::MAX)
}
