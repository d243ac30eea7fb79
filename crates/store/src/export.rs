//! A whole wiki out and back in (`carnet export`, `carnet import carnet`), as the
//! plain records of [`carnet_core::ArchiveItem`].
//!
//! **Out** ([`Store::export_archive`]): one read transaction (a snapshot: `REPEATABLE
//! READ` on PostgreSQL, a WAL read transaction on SQLite), so a dump taken while the
//! wiki is written is consistent. Users first, then pages by id, each followed by its
//! revisions and its file versions by id. Pages are read 200 at a time and revisions
//! 100 at a time (keyset on ids): memory does not grow with the wiki.
//!
//! **In** ([`Store::restore_archive`]): into an empty database only (no page,
//! revision, user or file), in **one** write transaction: a dump cut short or invalid
//! leaves the database as it was. Every row keeps its id, times, flags and authors
//! (accounts are recreated with their ids, names, roles and dates, and their password
//! hashes when the dump has them);
//! each text is checked against its SHA-256 and size. Then, as a save does, every
//! current page's links, categories and search entry are worked out by the store's
//! analyzer, once all pages and files are in (so templates and files are found
//! whatever their order in the dump). The render cache starts empty.

use std::collections::HashMap;

use carnet_core::{
    ArchiveFile, ArchiveItem, ArchiveOrigin, ArchivePage, ArchiveRevision, ArchiveUser,
    ContentHash, Namespace, Title,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{AnyConnection, write_transaction};
use crate::links::LinkChange;
// A `file_versions` row, column by column: the one the media module reads.
use crate::media::{VersionRow as FileRecord, version_columns};
use crate::schema::{file_versions, imported_pages, imported_revisions, pages, revisions, users};
use crate::{Store, StoreError};

/// Pages read per query.
const PAGE_BATCH: i64 = 200;
/// Revisions (with their texts) read per query.
const REVISION_BATCH: i64 = 100;
/// Revisions inserted per statement when restoring, and their text bytes at most.
const INSERT_BATCH: usize = 200;
const INSERT_BYTES: usize = 8 * 1024 * 1024;

/// Why an export or a restore stopped.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError<E> {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The caller's own failure (writing the dump, reading it).
    #[error("{0}")]
    Caller(E),
    /// A restore needs an empty database.
    #[error(
        "the database is not empty ({0}): `carnet import carnet` restores into an empty database"
    )]
    NotEmpty(String),
    /// The dump contradicts itself (a revision of another page, a text that does not
    /// match its hash…).
    #[error("the dump is inconsistent: {0}")]
    Invalid(String),
}

impl<E> From<diesel::result::Error> for ArchiveError<E> {
    fn from(error: diesel::result::Error) -> Self {
        ArchiveError::Store(StoreError::Database(error))
    }
}

/// What a restore wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RestoreSummary {
    pub users: u64,
    pub pages: u64,
    pub revisions: u64,
    pub files: u64,
}

type PageRecord = (
    i64,
    i32,
    String,
    Option<i64>,
    NaiveDateTime,
    NaiveDateTime,
    Option<i32>,
    Option<String>,
);

type RevisionRecord = (
    i64,
    i64,
    Option<i64>,
    String,
    Option<i64>,
    NaiveDateTime,
    String,
    bool,
    i64,
    String,
    crate::texts::StoredText,
    bool,
    bool,
);

fn title_of(namespace: i32, name: &str) -> Result<Title, StoreError> {
    Namespace::from_id(namespace)
        .and_then(|ns| Title::from_parts(ns, name).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("page title {namespace}:{name}")))
}

impl Store {
    /// Reads the whole wiki in one snapshot and hands `sink` each item in dump order;
    /// accounts carry their password hashes only `with_passwords`.
    pub fn export_archive<E>(
        &self,
        with_passwords: bool,
        sink: &mut dyn FnMut(ArchiveItem) -> Result<(), E>,
    ) -> Result<(), ArchiveError<E>> {
        let mut conn = self.conn()?;
        let conn = &mut *conn;
        conn.transaction(|conn| {
            if let AnyConnection::Postgresql(_) = conn {
                diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(conn)?;
            }
            export_users(conn, with_passwords, sink)?;
            let mut after = i64::MIN;
            loop {
                let batch: Vec<PageRecord> = pages::table
                    .filter(pages::id.gt(after))
                    .order(pages::id.asc())
                    .limit(PAGE_BATCH)
                    .select((
                        pages::id,
                        pages::namespace,
                        pages::name,
                        pages::latest_revision_id,
                        pages::created_at,
                        pages::touched_at,
                        pages::redirect_namespace,
                        pages::redirect_name,
                    ))
                    .load(conn)?;
                let Some(last) = batch.last() else {
                    return Ok(());
                };
                after = last.0;
                let ids: Vec<i64> = batch.iter().map(|p| p.0).collect();
                let mut origins = page_origins(conn, &ids)?;
                for (id, namespace, name, latest, created, touched, r_ns, r_name) in batch {
                    let redirect = match (r_ns, r_name) {
                        (Some(ns), Some(name)) => title_of(ns, &name).ok(),
                        _ => None,
                    };
                    let page = ArchivePage {
                        id,
                        title: title_of(namespace, &name)?,
                        created_at: created.and_utc(),
                        touched_at: touched.and_utc(),
                        latest,
                        redirect,
                        origins: origins.remove(&id).unwrap_or_default(),
                    };
                    sink(ArchiveItem::Page(page)).map_err(ArchiveError::Caller)?;
                    export_revisions(conn, id, sink)?;
                    export_files(conn, id, sink)?;
                }
            }
        })
    }
}

fn export_users<E>(
    conn: &mut AnyConnection,
    with_passwords: bool,
    sink: &mut dyn FnMut(ArchiveItem) -> Result<(), E>,
) -> Result<(), ArchiveError<E>> {
    let mut after = i64::MIN;
    loop {
        let batch: Vec<(i64, String, String, NaiveDateTime, bool, String)> = users::table
            .filter(users::id.gt(after))
            .order(users::id.asc())
            .limit(1000)
            .select((
                users::id,
                users::name,
                users::role,
                users::created_at,
                users::temporary,
                users::password_hash,
            ))
            .load(conn)?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.0;
        for (id, name, role, created_at, temporary, hash) in batch {
            sink(ArchiveItem::User(ArchiveUser {
                id,
                name,
                role,
                created_at: created_at.and_utc(),
                temporary,
                password_hash: Some(hash).filter(|h| with_passwords && !h.is_empty()),
            }))
            .map_err(ArchiveError::Caller)?;
        }
    }
}

fn page_origins(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<ArchiveOrigin>>, diesel::result::Error> {
    let rows: Vec<(i64, String, i64)> = imported_pages::table
        .filter(imported_pages::page_id.eq_any(ids))
        .order((
            imported_pages::page_id,
            imported_pages::source,
            imported_pages::source_page_id,
        ))
        .select((
            imported_pages::page_id,
            imported_pages::source,
            imported_pages::source_page_id,
        ))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<ArchiveOrigin>> = HashMap::new();
    for (page, source, id) in rows {
        out.entry(page)
            .or_default()
            .push(ArchiveOrigin { source, id });
    }
    Ok(out)
}

fn export_revisions<E>(
    conn: &mut AnyConnection,
    page_id: i64,
    sink: &mut dyn FnMut(ArchiveItem) -> Result<(), E>,
) -> Result<(), ArchiveError<E>> {
    let mut after = i64::MIN;
    loop {
        let batch: Vec<RevisionRecord> = revisions::table
            .filter(revisions::page_id.eq(page_id))
            .filter(revisions::id.gt(after))
            .order(revisions::id.asc())
            .limit(REVISION_BATCH)
            .select((
                revisions::id,
                revisions::page_id,
                revisions::parent_id,
                revisions::author,
                revisions::user_id,
                revisions::created_at,
                revisions::comment,
                revisions::minor,
                revisions::size,
                revisions::sha256,
                crate::texts::StoredText::as_select(),
                revisions::text_hidden,
                revisions::deleted,
            ))
            .load(conn)?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        let texts = crate::texts::read_many(conn, batch.iter().map(|r| r.10.clone()).collect())?;
        after = last.0;
        let ids: Vec<i64> = batch.iter().map(|r| r.0).collect();
        let rows: Vec<(i64, String, i64)> = imported_revisions::table
            .filter(imported_revisions::revision_id.eq_any(&ids))
            .order((
                imported_revisions::revision_id,
                imported_revisions::source,
                imported_revisions::source_revision_id,
            ))
            .select((
                imported_revisions::revision_id,
                imported_revisions::source,
                imported_revisions::source_revision_id,
            ))
            .load(conn)?;
        let mut origins: HashMap<i64, Vec<ArchiveOrigin>> = HashMap::new();
        for (revision, source, id) in rows {
            origins
                .entry(revision)
                .or_default()
                .push(ArchiveOrigin { source, id });
        }
        for (record, text) in batch.into_iter().zip(texts) {
            let (
                id,
                page_id,
                parent_id,
                author,
                user_id,
                created_at,
                comment,
                minor,
                size,
                sha256,
                _,
                text_hidden,
                deleted,
            ) = record;
            sink(ArchiveItem::Revision(ArchiveRevision {
                id,
                page_id,
                parent_id,
                author,
                user_id,
                created_at: created_at.and_utc(),
                comment,
                minor,
                size,
                sha256,
                text,
                text_hidden,
                deleted,
                origins: origins.remove(&id).unwrap_or_default(),
            }))
            .map_err(ArchiveError::Caller)?;
        }
    }
}

fn export_files<E>(
    conn: &mut AnyConnection,
    page_id: i64,
    sink: &mut dyn FnMut(ArchiveItem) -> Result<(), E>,
) -> Result<(), ArchiveError<E>> {
    let rows: Vec<FileRecord> = file_versions::table
        .filter(file_versions::page_id.eq(page_id))
        .order(file_versions::id.asc())
        .select(version_columns!())
        .load(conn)?;
    for row in rows {
        let (
            id,
            page_id,
            sha256,
            kind,
            bytes,
            width,
            height,
            uploader_id,
            uploader,
            author,
            source,
            licence,
            comment,
            uploaded_at,
            restored_from,
        ) = row;
        sink(ArchiveItem::File(ArchiveFile {
            id,
            page_id,
            sha256,
            kind,
            bytes,
            width,
            height,
            uploader_id,
            uploader,
            author,
            source,
            licence,
            comment,
            uploaded_at: uploaded_at.and_utc(),
            restored_from,
        }))
        .map_err(ArchiveError::Caller)?;
    }
    Ok(())
}

#[derive(Insertable)]
#[diesel(table_name = revisions)]
struct RevisionRow {
    id: i64,
    page_id: i64,
    parent_id: Option<i64>,
    author: String,
    user_id: Option<i64>,
    created_at: NaiveDateTime,
    comment: String,
    minor: bool,
    size: i64,
    sha256: String,
    /// Empty: the text is in `content` (`crate::texts`).
    text: String,
    text_hidden: bool,
    deleted: bool,
    format: String,
    content: Option<Vec<u8>>,
    keyframe_id: Option<i64>,
    chain_bytes: i64,
}

/// The page being restored: its id and the current revision to point it at once its
/// revisions are in.
struct OpenPage {
    id: i64,
    latest: Option<i64>,
    /// The keyframe its next revision is stored against.
    base: Option<crate::texts::Base>,
}

/// Restore state inside the transaction.
struct Restore {
    summary: RestoreSummary,
    page: Option<OpenPage>,
    pending: Vec<RevisionRow>,
    pending_bytes: usize,
    origins: Vec<(String, i64, i64)>,
}

impl Store {
    /// Restores a dump into this (empty) database, in one transaction; `next` gives
    /// the items in dump order (`None` at the end). See the module documentation.
    pub fn restore_archive<E>(
        &self,
        next: &mut dyn FnMut() -> Result<Option<ArchiveItem>, E>,
        progress: &mut dyn FnMut(&RestoreSummary),
    ) -> Result<RestoreSummary, ArchiveError<E>> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            refuse_unless_empty(conn)?;
            let mut state = Restore {
                summary: RestoreSummary::default(),
                page: None,
                pending: Vec::new(),
                pending_bytes: 0,
                origins: Vec::new(),
            };
            while let Some(item) = next().map_err(ArchiveError::Caller)? {
                match item {
                    ArchiveItem::User(user) => {
                        if state.page.is_some() {
                            return Err(ArchiveError::Invalid(format!(
                                "user {} comes after pages",
                                user.name
                            )));
                        }
                        restore_user(conn, &user)?;
                        state.summary.users += 1;
                    }
                    ArchiveItem::Page(page) => {
                        close_page(conn, &mut state)?;
                        restore_page(conn, &page)?;
                        state.page = Some(OpenPage {
                            id: page.id,
                            latest: page.latest,
                            base: None,
                        });
                        state.summary.pages += 1;
                    }
                    ArchiveItem::Revision(revision) => {
                        add_revision(conn, &mut state, revision)?;
                    }
                    ArchiveItem::File(file) => {
                        if state.page.as_ref().map(|p| p.id) != Some(file.page_id) {
                            return Err(ArchiveError::Invalid(format!(
                                "file version {} outside of its page",
                                file.id
                            )));
                        }
                        flush(conn, &mut state)?;
                        restore_file(conn, &file)?;
                        state.summary.files += 1;
                    }
                }
                progress(&state.summary);
            }
            close_page(conn, &mut state)?;
            if let AnyConnection::Postgresql(_) = conn {
                for table in ["pages", "revisions", "users", "file_versions"] {
                    diesel::sql_query(format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                         coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                    ))
                    .execute(conn)?;
                }
            }
            self.rebuild_derived(conn)?;
            Ok(state.summary)
        })
    }

    /// Links, categories, redirects and the search entry of every current page, as a
    /// save works them out, once every page and file is in.
    fn rebuild_derived<E>(&self, conn: &mut AnyConnection) -> Result<(), ArchiveError<E>> {
        let mut after = i64::MIN;
        loop {
            let batch: Vec<(i64, i32, String, crate::texts::StoredText)> = pages::table
                .inner_join(
                    revisions::table.on(pages::latest_revision_id.eq(revisions::id.nullable())),
                )
                .filter(pages::id.gt(after))
                .order(pages::id.asc())
                .limit(PAGE_BATCH)
                .select((
                    pages::id,
                    pages::namespace,
                    pages::name,
                    crate::texts::StoredText::as_select(),
                ))
                .load(conn)?;
            let Some(last) = batch.last() else {
                return Ok(());
            };
            after = last.0;
            let texts = crate::texts::read_many(conn, batch.iter().map(|r| r.3.clone()).collect())?;
            for ((id, namespace, name, _), text) in batch.into_iter().zip(texts) {
                let title = title_of(namespace, &name)?;
                self.after_new_text::<StoreError>(conn, id, &title, &text, LinkChange::Created)?;
            }
        }
    }
}

fn refuse_unless_empty<E>(conn: &mut AnyConnection) -> Result<(), ArchiveError<E>> {
    let counts = [
        ("pages", pages::table.count().get_result::<i64>(conn)?),
        (
            "revisions",
            revisions::table.count().get_result::<i64>(conn)?,
        ),
        ("users", users::table.count().get_result::<i64>(conn)?),
        (
            "files",
            file_versions::table.count().get_result::<i64>(conn)?,
        ),
    ];
    let held: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(what, n)| format!("{n} {what}"))
        .collect();
    if held.is_empty() {
        Ok(())
    } else {
        Err(ArchiveError::NotEmpty(held.join(", ")))
    }
}

fn restore_user<E>(conn: &mut AnyConnection, user: &ArchiveUser) -> Result<(), ArchiveError<E>> {
    if carnet_core::Role::parse(&user.role).is_none() {
        return Err(ArchiveError::Invalid(format!(
            "user {} has role {:?}",
            user.name, user.role
        )));
    }
    diesel::insert_into(users::table)
        .values((
            users::id.eq(user.id),
            users::name.eq(&user.name),
            users::password_hash.eq(user.password_hash.as_deref().unwrap_or_default()),
            users::role.eq(&user.role),
            users::created_at.eq(user.created_at.naive_utc()),
            users::temporary.eq(user.temporary),
        ))
        .execute(conn)?;
    Ok(())
}

fn restore_page<E>(conn: &mut AnyConnection, page: &ArchivePage) -> Result<(), ArchiveError<E>> {
    diesel::insert_into(pages::table)
        .values((
            pages::id.eq(page.id),
            pages::namespace.eq(page.title.namespace().id()),
            pages::name.eq(page.title.name()),
            pages::created_at.eq(page.created_at.naive_utc()),
            pages::touched_at.eq(page.touched_at.naive_utc()),
        ))
        .execute(conn)?;
    for origin in &page.origins {
        diesel::insert_into(imported_pages::table)
            .values((
                imported_pages::source.eq(&origin.source),
                imported_pages::source_page_id.eq(origin.id),
                imported_pages::page_id.eq(page.id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn add_revision<E>(
    conn: &mut AnyConnection,
    state: &mut Restore,
    revision: ArchiveRevision,
) -> Result<(), ArchiveError<E>> {
    if state.page.as_ref().map(|p| p.id) != Some(revision.page_id) {
        return Err(ArchiveError::Invalid(format!(
            "revision {} outside of its page",
            revision.id
        )));
    }
    if ContentHash::of(&revision.text).as_str() != revision.sha256
        || i64::try_from(revision.text.len()).ok() != Some(revision.size)
    {
        return Err(ArchiveError::Invalid(format!(
            "the text of revision {} does not match its SHA-256 or size",
            revision.id
        )));
    }
    for origin in revision.origins {
        state.origins.push((origin.source, origin.id, revision.id));
    }
    let page = state.page.as_mut().ok_or_else(|| {
        ArchiveError::Invalid(format!("revision {} outside of its page", revision.id))
    })?;
    let stored = crate::texts::encode(&revision.text, page.base.as_ref())?;
    page.base = stored.next_base(revision.id, &revision.text, page.base.take());
    state.pending_bytes += stored.content.len();
    state.pending.push(RevisionRow {
        id: revision.id,
        page_id: revision.page_id,
        parent_id: revision.parent_id,
        author: revision.author,
        user_id: revision.user_id,
        created_at: revision.created_at.naive_utc(),
        comment: revision.comment,
        minor: revision.minor,
        size: revision.size,
        sha256: revision.sha256,
        text: String::new(),
        text_hidden: revision.text_hidden,
        deleted: revision.deleted,
        format: stored.format.to_owned(),
        content: Some(stored.content),
        keyframe_id: stored.keyframe_id,
        chain_bytes: stored.chain_bytes,
    });
    state.summary.revisions += 1;
    if state.pending.len() >= INSERT_BATCH || state.pending_bytes >= INSERT_BYTES {
        flush(conn, state)?;
    }
    Ok(())
}

/// Inserts the revisions gathered so far (several rows per statement: not available
/// through the multi-connection, so the same statement runs on the inner connection).
fn flush<E>(conn: &mut AnyConnection, state: &mut Restore) -> Result<(), ArchiveError<E>> {
    if !state.pending.is_empty() {
        let insert = diesel::insert_into(revisions::table).values(&state.pending);
        match conn {
            AnyConnection::Sqlite(inner) => insert.execute(inner)?,
            AnyConnection::Postgresql(inner) => insert.execute(inner)?,
        };
        state.pending.clear();
        state.pending_bytes = 0;
    }
    for (source, source_id, revision_id) in state.origins.drain(..) {
        diesel::insert_into(imported_revisions::table)
            .values((
                imported_revisions::source.eq(source),
                imported_revisions::source_revision_id.eq(source_id),
                imported_revisions::revision_id.eq(revision_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The page's revisions are all in: point it at its current one.
fn close_page<E>(conn: &mut AnyConnection, state: &mut Restore) -> Result<(), ArchiveError<E>> {
    flush(conn, state)?;
    let Some(page) = state.page.take() else {
        return Ok(());
    };
    if let Some(latest) = page.latest {
        let owner: Option<i64> = revisions::table
            .find(latest)
            .select(revisions::page_id)
            .first(conn)
            .optional()?;
        if owner != Some(page.id) {
            return Err(ArchiveError::Invalid(format!(
                "page {} names revision {latest} as current, which is not one of its own",
                page.id
            )));
        }
        diesel::update(pages::table.find(page.id))
            .set(pages::latest_revision_id.eq(Some(latest)))
            .execute(conn)?;
    }
    Ok(())
}

fn restore_file<E>(conn: &mut AnyConnection, file: &ArchiveFile) -> Result<(), ArchiveError<E>> {
    if !crate::is_sha256(&file.sha256) {
        return Err(ArchiveError::Invalid(format!(
            "file version {} has hash {:?}",
            file.id, file.sha256
        )));
    }
    diesel::insert_into(file_versions::table)
        .values((
            file_versions::id.eq(file.id),
            file_versions::page_id.eq(file.page_id),
            file_versions::sha256.eq(&file.sha256),
            file_versions::kind.eq(&file.kind),
            file_versions::bytes.eq(file.bytes),
            file_versions::width.eq(file.width),
            file_versions::height.eq(file.height),
            file_versions::uploader_id.eq(file.uploader_id),
            file_versions::uploader.eq(&file.uploader),
            file_versions::author.eq(&file.author),
            file_versions::source.eq(&file.source),
            file_versions::licence.eq(&file.licence),
            file_versions::comment.eq(&file.comment),
            file_versions::uploaded_at.eq(file.uploaded_at.naive_utc()),
            file_versions::restored_from.eq(file.restored_from),
        ))
        .execute(conn)?;
    Ok(())
}
