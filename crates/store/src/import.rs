//! Writing the pages and revisions of another wiki (`carnet import mediawiki`).
//!
//! Revisions keep their original time, author (as an imported name: see
//! [`Author::imported`]), summary and minor flag, and are chained in the order given.
//! Everything else a normal save does is done too — the page's current revision
//! pointer moved by compare-and-set, link rows, category rows, cached HTML thrown away,
//! search index — but once per page and call, for its last revision only: what readers
//! see is the current text, and older revisions are never analysed by a save either.
//! No rate limit applies (the store has none; the web layer's are not involved).
//!
//! Idempotent: `imported_pages` and `imported_revisions` remember the source wiki's
//! page and revision ids, so a revision already imported is skipped, and importing a
//! newer dump of the same wiki adds only the revisions made since. A page is written
//! only when this import owns it: a title taken by a page with a history of its own
//! here, a page edited here since its import, deleted here, or renamed (here or in the
//! source) since, is left alone and reported ([`ImportRefusal`]).

use std::collections::HashSet;

use carnet_core::{Author, Comment, ContentHash, PageText, Title};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::connection::{AnyConnection, write_transaction};
use crate::links::LinkChange;
use crate::pages::{
    NewRevision, PageRow, advance_latest, find_page, insert_page, insert_revision, lock_page,
};
use crate::schema::{imported_pages, imported_revisions, pages};
use crate::{Store, StoreError};

/// Ids are looked up by this many at a time (bound parameters).
const CHUNK: usize = 500;

/// Who made an imported revision, as the source wiki knew them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportedAuthor {
    /// A registered contributor there: shown as `Name (importé)`, with no account here.
    Registered(String),
    /// A logged-out writer, known there by their IP address: shown as a pseudonym made
    /// from a hash of the address keyed with this database's secret, never the address.
    Address(String),
    /// Hidden or missing.
    Unknown,
}

/// One revision to import.
#[derive(Debug, Clone)]
pub struct ImportedRevision {
    /// Its id in the source wiki.
    pub source_id: i64,
    pub author: ImportedAuthor,
    pub timestamp: DateTime<Utc>,
    pub comment: Comment,
    pub minor: bool,
    pub text: PageText,
}

/// Some revisions of one page, in order (a page's history may come in several parts).
#[derive(Debug, Clone)]
pub struct ImportedPage {
    /// Its id in the source wiki.
    pub source_id: i64,
    pub title: Title,
    pub revisions: Vec<ImportedRevision>,
}

/// Why a page's revisions were not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportRefusal {
    /// The title belongs to a page with a history of its own here.
    LocalPage,
    /// The page was edited here since it was imported.
    LocalEdits,
    /// The page was deleted here.
    Deleted,
    /// Another page of the same wiki was imported under this title (e.g. titles that
    /// differ only by the case of their first letter, in a case-sensitive wiki).
    TitleTaken { source_page_id: i64 },
    /// This page was imported before under another title (renamed since, here or in
    /// the source wiki).
    Renamed { here: Title },
}

/// What happened to one [`ImportedPage`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageImported {
    pub title: Title,
    /// The page was created by this call.
    pub created: bool,
    /// Revisions written.
    pub added: usize,
    /// Revisions skipped because an earlier import wrote them.
    pub already: usize,
    /// Set when nothing was written although there was something new.
    pub refused: Option<ImportRefusal>,
}

#[derive(Insertable)]
#[diesel(table_name = imported_revisions)]
struct ImportedRevisionRow<'a> {
    source: &'a str,
    source_revision_id: i64,
    revision_id: i64,
}

impl Store {
    /// Writes pages' revisions in one transaction (all or nothing), in order. `source`
    /// names the source wiki (its database name).
    pub fn import_pages(
        &self,
        source: &str,
        pages: &[ImportedPage],
    ) -> Result<Vec<PageImported>, StoreError> {
        let needs_secret = pages.iter().any(|page| {
            page.revisions
                .iter()
                .any(|r| matches!(r.author, ImportedAuthor::Address(_)))
        });
        let secret = if needs_secret {
            self.limit_secret()?
        } else {
            String::new()
        };
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            pages
                .iter()
                .map(|page| self.import_page(conn, &secret, source, page))
                .collect()
        })
    }

    fn import_page(
        &self,
        conn: &mut AnyConnection,
        secret: &str,
        source: &str,
        page: &ImportedPage,
    ) -> Result<PageImported, StoreError> {
        lock_page(conn, &page.title)?;
        let known = known_revisions(conn, source, &page.revisions)?;
        let mut seen = HashSet::new();
        let new: Vec<&ImportedRevision> = page
            .revisions
            .iter()
            .filter(|r| !known.contains(&r.source_id) && seen.insert(r.source_id))
            .collect();
        let mut outcome = PageImported {
            title: page.title.clone(),
            created: false,
            added: 0,
            already: page.revisions.len() - new.len(),
            refused: None,
        };
        let (Some(first), Some(last)) = (new.first(), new.last()) else {
            return Ok(outcome);
        };
        let target = owner(conn, source, page)?;
        let (page_id, mut parent) = match target {
            Ok(Some((page_id, latest))) => (page_id, Some(latest)),
            Ok(None) => {
                let page_id = insert_page(conn, &page.title, first.timestamp.naive_utc())?;
                diesel::insert_into(imported_pages::table)
                    .values((
                        imported_pages::source.eq(source),
                        imported_pages::source_page_id.eq(page.source_id),
                        imported_pages::page_id.eq(page_id),
                    ))
                    .execute(conn)?;
                outcome.created = true;
                (page_id, None)
            }
            Err(refusal) => {
                outcome.refused = Some(refusal);
                return Ok(outcome);
            }
        };
        let latest_before = parent;
        let mut storage_base = crate::texts::base_of(conn, parent)?;
        let mut links = Vec::with_capacity(new.len());
        for revision in &new {
            let author = match &revision.author {
                ImportedAuthor::Registered(name) => Author::imported(name),
                ImportedAuthor::Address(address) => {
                    Author::imported_pseudonym(address_hash(secret, address).as_str())
                }
                ImportedAuthor::Unknown => Author::imported(""),
            };
            let hash = revision.text.hash();
            let size = i64::try_from(revision.text.size())
                .map_err(|_| StoreError::Corrupt("text size overflows".to_owned()))?;
            let stored = crate::texts::encode(revision.text.as_str(), storage_base.as_ref())?;
            let id = insert_revision(
                conn,
                &NewRevision {
                    page_id,
                    parent_id: parent,
                    author: author.as_str(),
                    created_at: revision.timestamp.naive_utc(),
                    comment: revision.comment.as_str(),
                    minor: revision.minor,
                    size,
                    sha256: hash.as_str(),
                    user_id: None,
                },
                &stored,
            )?;
            storage_base = stored.next_base(id, revision.text.as_str(), storage_base);
            links.push(ImportedRevisionRow {
                source,
                source_revision_id: revision.source_id,
                revision_id: id,
            });
            parent = Some(id);
            outcome.added += 1;
        }
        // One statement for the page's source ids (a round trip less per revision).
        // Multi-row inserts are not available through the multi-connection: the same
        // statement runs on either inner connection.
        for chunk in links.chunks(CHUNK) {
            let insert = diesel::insert_into(imported_revisions::table).values(chunk);
            match conn {
                AnyConnection::Sqlite(inner) => insert.execute(inner)?,
                AnyConnection::Postgresql(inner) => insert.execute(inner)?,
            };
        }
        let Some(newest) = parent else {
            return Ok(outcome);
        };
        if !advance_latest(
            conn,
            page_id,
            latest_before,
            newest,
            last.timestamp.naive_utc(),
        )? {
            return Err(StoreError::Busy);
        }
        let change = if outcome.created {
            LinkChange::Created
        } else {
            LinkChange::Edited
        };
        self.after_new_text::<StoreError>(conn, page_id, &page.title, last.text.as_str(), change)?;
        Ok(outcome)
    }
}

/// Whether this import may write the page: `Ok(None)` to create it, `Ok(Some((page,
/// current revision)))` to continue its imported history.
fn owner(
    conn: &mut AnyConnection,
    source: &str,
    page: &ImportedPage,
) -> Result<Result<Option<(i64, i64)>, ImportRefusal>, StoreError> {
    let existing = find_page(conn, &page.title)?;
    let mapped: Option<i64> = imported_pages::table
        .filter(imported_pages::source.eq(source))
        .filter(imported_pages::source_page_id.eq(page.source_id))
        .select(imported_pages::page_id)
        .first(conn)
        .optional()?;
    Ok(match (existing, mapped) {
        (None, None) => Ok(None),
        (Some(row), Some(id)) if row.id == id => match row.latest_revision_id {
            None => Err(ImportRefusal::Deleted),
            Some(latest) if is_imported(conn, latest)? => Ok(Some((row.id, latest))),
            Some(_) => Err(ImportRefusal::LocalEdits),
        },
        (_, Some(id)) => Err(ImportRefusal::Renamed {
            here: page_title(conn, id)?,
        }),
        (Some(row), None) => {
            let other: Option<i64> = imported_pages::table
                .filter(imported_pages::source.eq(source))
                .filter(imported_pages::page_id.eq(row.id))
                .select(imported_pages::source_page_id)
                .first(conn)
                .optional()?;
            match other {
                Some(source_page_id) => Err(ImportRefusal::TitleTaken { source_page_id }),
                None => Err(ImportRefusal::LocalPage),
            }
        }
    })
}

/// The source revision ids among `revisions` that an earlier import wrote.
fn known_revisions(
    conn: &mut AnyConnection,
    source: &str,
    revisions: &[ImportedRevision],
) -> Result<HashSet<i64>, StoreError> {
    let ids: Vec<i64> = revisions.iter().map(|r| r.source_id).collect();
    let mut known = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<i64> = imported_revisions::table
            .filter(imported_revisions::source.eq(source))
            .filter(imported_revisions::source_revision_id.eq_any(chunk))
            .select(imported_revisions::source_revision_id)
            .load(conn)?;
        known.extend(found);
    }
    Ok(known)
}

fn is_imported(conn: &mut AnyConnection, revision_id: i64) -> Result<bool, StoreError> {
    let found: Option<i64> = imported_revisions::table
        .filter(imported_revisions::revision_id.eq(revision_id))
        .select(imported_revisions::revision_id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

fn page_title(conn: &mut AnyConnection, page_id: i64) -> Result<Title, StoreError> {
    let row: PageRow = pages::table
        .find(page_id)
        .select(PageRow::as_select())
        .first(conn)?;
    row.title()
}

/// The keyed hash an address is known by: SHA-256 of the database's secret and the
/// address (lower-cased), so the address cannot be read back nor guessed without the
/// secret.
fn address_hash(secret: &str, address: &str) -> ContentHash {
    ContentHash::of(&format!(
        "{secret}\nimported address\n{}",
        address.trim().to_lowercase()
    ))
}
