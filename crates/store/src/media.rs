//! Uploaded files: the versions of each `Fichier:` page's file (`file_versions`), who
//! uses them (`file_links`), and what the renderer needs to show them.
//!
//! The bytes are not here: the web front end writes them to the [`crate::BlobStore`]
//! under their SHA-256 *before* calling [`Store::upload`], so every row names a blob
//! that exists. Nothing here looks at the bytes: the type, size and dimensions were
//! decided from the content by `carnet-media` and arrive as plain values.
//!
//! Versions are never updated nor deleted: the current one is the page's newest row; a
//! re-upload and a restore each add a row (a restore names the blob of an older one),
//! in the same transaction as their log entry and the invalidation of the cached HTML
//! of every page showing the file.

use std::collections::{BTreeMap, HashMap};

use carnet_core::{Comment, LogAction, Namespace, PageText, Title, UserId};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::{AnyConnection, write_transaction};
use crate::moderation::write_log;
use crate::pages::{AttemptError, Edit, find_page, lock_page};
use crate::schema::{file_links, file_versions, pages, render_cache};
use crate::{LogTarget, Store, StoreError, User};

/// How many times an upload is retried when another writer won the race for the page.
const MAX_UPLOAD_ATTEMPTS: usize = 8;

/// A file as `carnet-media` described it, with what the uploader said of it.
#[derive(Debug, Clone)]
pub struct NewFile {
    /// A title in the `Fichier:` namespace.
    pub title: Title,
    pub sha256: String,
    /// `carnet_media::MediaKind::as_str` (`jpeg`, `png`, `pdf`…).
    pub kind: String,
    pub bytes: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub author: String,
    pub source: String,
    pub licence: String,
    pub comment: Comment,
    /// The file page's text when the upload creates the page (ignored otherwise: a
    /// new version leaves the description alone).
    pub description: PageText,
}

/// One version of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileVersion {
    pub id: i64,
    pub title: Title,
    pub sha256: String,
    pub kind: String,
    pub bytes: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub uploader: String,
    pub uploader_id: Option<UserId>,
    pub author: String,
    pub source: String,
    pub licence: String,
    pub comment: String,
    pub uploaded_at: DateTime<Utc>,
    /// The version whose blob a restore copied.
    pub restored_from: Option<i64>,
}

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadOutcome {
    /// The file page did not exist: it was created with the description, and the file
    /// has its first version.
    Created(FileVersion),
    /// A new version of an existing file.
    NewVersion(FileVersion),
}

impl UploadOutcome {
    pub fn version(&self) -> &FileVersion {
        match self {
            UploadOutcome::Created(version) | UploadOutcome::NewVersion(version) => version,
        }
    }
}

/// The current version of a file, as pages showing it need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentFile {
    pub sha256: String,
    pub kind: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// A slice of the list of files, newest upload first.
#[derive(Debug, Clone, Default)]
pub struct FileList {
    pub files: Vec<FileVersion>,
    /// Pass as `before` for the next slice.
    pub older: Option<i64>,
}

/// Totals for the statistics page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaStatistics {
    /// Files with a page (current versions).
    pub files: i64,
    /// Bytes of every distinct blob stored (all versions).
    pub bytes: i64,
}

pub(crate) type VersionRow = (
    i64,
    i64,
    String,
    String,
    i64,
    Option<i32>,
    Option<i32>,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    Option<i64>,
);

macro_rules! version_columns {
    () => {
        (
            file_versions::id,
            file_versions::page_id,
            file_versions::sha256,
            file_versions::kind,
            file_versions::bytes,
            file_versions::width,
            file_versions::height,
            file_versions::uploader_id,
            file_versions::uploader,
            file_versions::author,
            file_versions::source,
            file_versions::licence,
            file_versions::comment,
            file_versions::uploaded_at,
            file_versions::restored_from,
        )
    };
}
pub(crate) use version_columns;

fn version_of(row: VersionRow, title: Title) -> FileVersion {
    let (
        id,
        _page,
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
    FileVersion {
        id,
        title,
        sha256,
        kind,
        bytes: u64::try_from(bytes).unwrap_or(0),
        width: width.and_then(|w| u32::try_from(w).ok()),
        height: height.and_then(|h| u32::try_from(h).ok()),
        uploader,
        uploader_id: uploader_id.map(UserId),
        author,
        source,
        licence,
        comment,
        uploaded_at: uploaded_at.and_utc(),
        restored_from,
    }
}

fn dimension(value: Option<u32>) -> Option<i32> {
    value.and_then(|v| i32::try_from(v).ok())
}

/// Inserts a version and throws away the cached HTML of the pages showing the file
/// (their `<img>` names the blob), inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
fn insert_version(
    conn: &mut AnyConnection,
    page_id: i64,
    title: &Title,
    file: &NewFile,
    by: &User,
    restored_from: Option<i64>,
    now: NaiveDateTime,
) -> Result<FileVersion, StoreError> {
    let row: VersionRow = diesel::insert_into(file_versions::table)
        .values((
            file_versions::page_id.eq(page_id),
            file_versions::sha256.eq(&file.sha256),
            file_versions::kind.eq(&file.kind),
            file_versions::bytes.eq(i64::try_from(file.bytes).unwrap_or(i64::MAX)),
            file_versions::width.eq(dimension(file.width)),
            file_versions::height.eq(dimension(file.height)),
            file_versions::uploader_id.eq(Some(by.id.0)),
            file_versions::uploader.eq(by.name.as_str()),
            file_versions::author.eq(&file.author),
            file_versions::source.eq(&file.source),
            file_versions::licence.eq(&file.licence),
            file_versions::comment.eq(file.comment.as_str()),
            file_versions::uploaded_at.eq(now),
            file_versions::restored_from.eq(restored_from),
        ))
        .returning(version_columns!())
        .get_result(conn)?;
    let users = file_links::table
        .filter(file_links::to_name.eq(title.name()))
        .select(file_links::from_page);
    diesel::delete(render_cache::table.filter(render_cache::page_id.eq_any(users)))
        .execute(conn)?;
    Ok(version_of(row, title.clone()))
}

impl Store {
    /// Records an uploaded file whose bytes are already in the blob store: creates the
    /// `Fichier:` page with its description (a normal first revision) if it has none,
    /// then adds the version and its log entry — all in one transaction.
    pub fn upload(&self, file: &NewFile, by: &User) -> Result<UploadOutcome, StoreError> {
        if file.title.namespace() != Namespace::File {
            return Err(StoreError::Corrupt(format!(
                "{} is not in the file namespace",
                file.title
            )));
        }
        let author = carnet_core::Author::new(by.name.as_str())
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut conn = self.conn()?;
        for _ in 0..MAX_UPLOAD_ATTEMPTS {
            let attempt = write_transaction(&mut conn, |conn| -> Result<_, AttemptError> {
                lock_page(conn, &file.title)?;
                let page = find_page(conn, &file.title)?;
                let created = page.as_ref().and_then(|p| p.latest_revision_id).is_none();
                if created {
                    let edit = Edit {
                        title: file.title.clone(),
                        text: file.description.clone(),
                        base: None,
                        author: author.clone(),
                        user: Some(by.id),
                        comment: file.comment.clone(),
                        minor: false,
                        labels: carnet_core::MergeLabels::default(),
                    };
                    self.attempt_save(conn, &edit)?;
                }
                let page = find_page(conn, &file.title)?.ok_or_else(|| {
                    StoreError::Corrupt(format!("file page {} vanished", file.title))
                })?;
                let now = Utc::now().naive_utc();
                let version = insert_version(conn, page.id, &file.title, file, by, None, now)?;
                write_log(
                    conn,
                    LogAction::Upload,
                    Some(by),
                    LogTarget::Page(file.title.clone()),
                    file.comment.as_str(),
                    &format!("version={};sha256={}", version.id, version.sha256),
                )?;
                Ok(if created {
                    UploadOutcome::Created(version)
                } else {
                    UploadOutcome::NewVersion(version)
                })
            });
            match attempt {
                Ok(outcome) => return Ok(outcome),
                Err(AttemptError::Retry) => continue,
                Err(AttemptError::Store(error)) => return Err(error),
            }
        }
        Err(StoreError::Busy)
    }

    /// Makes an old version current again: a new version naming its blob and copying
    /// its author, source and licence. `None` when the file or that version of it is
    /// missing.
    pub fn restore_file_version(
        &self,
        title: &Title,
        version: i64,
        by: &User,
        comment: &Comment,
    ) -> Result<Option<FileVersion>, StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| -> Result<_, StoreError> {
            lock_page(conn, title)?;
            let Some(page) = find_page(conn, title)?.filter(|p| p.latest_revision_id.is_some())
            else {
                return Ok(None);
            };
            let row: Option<VersionRow> = file_versions::table
                .filter(file_versions::id.eq(version))
                .filter(file_versions::page_id.eq(page.id))
                .select(version_columns!())
                .first(conn)
                .optional()?;
            let Some(old) = row.map(|row| version_of(row, title.clone())) else {
                return Ok(None);
            };
            let file = NewFile {
                title: title.clone(),
                sha256: old.sha256.clone(),
                kind: old.kind.clone(),
                bytes: old.bytes,
                width: old.width,
                height: old.height,
                author: old.author.clone(),
                source: old.source.clone(),
                licence: old.licence.clone(),
                comment: comment.clone(),
                description: PageText::from_stored(String::new()),
            };
            let now = Utc::now().naive_utc();
            let restored = insert_version(conn, page.id, title, &file, by, Some(old.id), now)?;
            write_log(
                conn,
                LogAction::Upload,
                Some(by),
                LogTarget::Page(title.clone()),
                comment.as_str(),
                &format!(
                    "version={};sha256={};restored={}",
                    restored.id, restored.sha256, old.id
                ),
            )?;
            Ok(Some(restored))
        })
    }

    /// Every version of a file, newest (current) first; empty for a missing file.
    pub fn file_versions(&self, title: &Title) -> Result<Vec<FileVersion>, StoreError> {
        let mut conn = self.conn()?;
        let Some(page) = find_page(&mut conn, title)?.filter(|p| p.latest_revision_id.is_some())
        else {
            return Ok(Vec::new());
        };
        let rows: Vec<VersionRow> = file_versions::table
            .filter(file_versions::page_id.eq(page.id))
            .order(file_versions::id.desc())
            .select(version_columns!())
            .load(&mut conn)?;
        Ok(rows
            .into_iter()
            .map(|row| version_of(row, title.clone()))
            .collect())
    }

    /// The kind of a stored blob, if a version of a file that still has its page names
    /// it (what the serving route trusts for the `Content-Type`).
    pub fn blob_kind(&self, sha256: &str) -> Result<Option<String>, StoreError> {
        let mut conn = self.conn()?;
        Ok(file_versions::table
            .inner_join(pages::table)
            .filter(file_versions::sha256.eq(sha256))
            .filter(pages::latest_revision_id.is_not_null())
            .select(file_versions::kind)
            .first(&mut conn)
            .optional()?)
    }

    /// Pages showing the file (`[[Fichier:…]]`), by title, up to `limit`.
    pub fn file_users(&self, title: &Title, limit: usize) -> Result<Vec<Title>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<(i32, String)> = file_links::table
            .inner_join(pages::table.on(pages::id.eq(file_links::from_page)))
            .filter(file_links::to_name.eq(title.name()))
            .filter(pages::latest_revision_id.is_not_null())
            .order((pages::namespace.asc(), pages::name.asc()))
            .limit(i64::try_from(limit).unwrap_or(i64::MAX))
            .select((pages::namespace, pages::name))
            .load(&mut conn)?;
        Ok(rows
            .iter()
            .filter_map(|(ns, name)| Title::from_parts(Namespace::from_id(*ns)?, name).ok())
            .collect())
    }

    /// Uploads (new files, new versions, restores), newest first, `limit` at a time;
    /// `before` is the `older` of the previous slice.
    pub fn recent_uploads(
        &self,
        limit: usize,
        before: Option<i64>,
    ) -> Result<FileList, StoreError> {
        let mut conn = self.conn()?;
        let mut query = file_versions::table
            .inner_join(pages::table)
            .filter(pages::latest_revision_id.is_not_null())
            .order(file_versions::id.desc())
            .limit(i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1))
            .select((version_columns!(), pages::namespace, pages::name))
            .into_boxed();
        if let Some(before) = before {
            query = query.filter(file_versions::id.lt(before));
        }
        let rows: Vec<(VersionRow, i32, String)> = query.load(&mut conn)?;
        let mut files = Vec::with_capacity(rows.len());
        for (row, namespace, name) in rows {
            let title = Namespace::from_id(namespace)
                .and_then(|ns| Title::from_parts(ns, &name).ok())
                .ok_or_else(|| StoreError::Corrupt(format!("page title {namespace}:{name}")))?;
            files.push(version_of(row, title));
        }
        let older = if files.len() > limit {
            files.truncate(limit);
            files.last().map(|file| file.id)
        } else {
            None
        };
        Ok(FileList { files, older })
    }

    /// Files and bytes stored, for the statistics page.
    pub fn media_statistics(&self) -> Result<MediaStatistics, StoreError> {
        let mut conn = self.conn()?;
        let files: i64 = file_versions::table
            .inner_join(pages::table)
            .filter(pages::latest_revision_id.is_not_null())
            .select(diesel::dsl::count(file_versions::page_id).aggregate_distinct())
            .first(&mut conn)?;
        // Each blob once, however many versions name it.
        let blobs: Vec<(String, i64)> = file_versions::table
            .select((file_versions::sha256, file_versions::bytes))
            .distinct()
            .load(&mut conn)?;
        let sizes: BTreeMap<String, i64> = blobs.into_iter().collect();
        Ok(MediaStatistics {
            files,
            bytes: sizes.values().sum(),
        })
    }
}

/// A file's name, blob, kind and dimensions.
type CurrentRow = (String, String, String, Option<i32>, Option<i32>);

/// The current version of each of `titles` that is a file with a page.
pub(crate) fn current_files(
    conn: &mut AnyConnection,
    titles: &[Title],
) -> Result<HashMap<Title, CurrentFile>, diesel::result::Error> {
    let names: Vec<&str> = titles
        .iter()
        .filter(|title| title.namespace() == Namespace::File)
        .map(Title::name)
        .collect();
    let mut found = HashMap::new();
    for chunk in names.chunks(500) {
        // Every version of those files, oldest first: the last one seen per file is its
        // current one (files have few versions; one indexed query per 500 titles).
        let rows: Vec<CurrentRow> = file_versions::table
            .inner_join(pages::table)
            .filter(pages::namespace.eq(Namespace::File.id()))
            .filter(pages::name.eq_any(chunk))
            .filter(pages::latest_revision_id.is_not_null())
            .order(file_versions::id.asc())
            .select((
                pages::name,
                file_versions::sha256,
                file_versions::kind,
                file_versions::width,
                file_versions::height,
            ))
            .load(conn)?;
        for (name, sha256, kind, width, height) in rows {
            if let Ok(title) = Title::from_parts(Namespace::File, &name) {
                found.insert(
                    title,
                    CurrentFile {
                        sha256,
                        kind,
                        width: width.and_then(|w| u32::try_from(w).ok()),
                        height: height.and_then(|h| u32::try_from(h).ok()),
                    },
                );
            }
        }
    }
    Ok(found)
}
