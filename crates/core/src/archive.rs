//! A whole wiki as plain records, for `carnet export` and `carnet import carnet`.
//!
//! The store reads its tables into these records and writes them back; the
//! `carnet-mediawiki` crate writes and reads them as MediaWiki XML (export format 0.11
//! with Carnet's own extension elements). Nothing is derived here: every field is a
//! stored column, so a dump read back gives the same rows. Derived tables (links,
//! categories, search index, render cache) are not records: they are rebuilt.

use chrono::{DateTime, Utc};

use crate::Title;

/// An account (registered or temporary identity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveUser {
    pub id: i64,
    pub name: String,
    /// `Role::code`: `writer`, `animateur`, `admin`.
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub temporary: bool,
    /// The argon2id hash, only when the export was asked for passwords.
    pub password_hash: Option<String>,
}

/// Where an imported page or revision came from (`imported_pages`,
/// `imported_revisions`): the source wiki's key and its id there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveOrigin {
    pub source: String,
    pub id: i64,
}

/// A page, before its revisions and file versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivePage {
    pub id: i64,
    pub title: Title,
    pub created_at: DateTime<Utc>,
    pub touched_at: DateTime<Utc>,
    /// The current revision; `None` for a deleted page.
    pub latest: Option<i64>,
    /// Where the page points when it is a redirect (derived, written for other tools).
    pub redirect: Option<Title>,
    pub origins: Vec<ArchiveOrigin>,
}

/// One revision, text included (hidden and deleted ones too: a dump is private).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRevision {
    pub id: i64,
    pub page_id: i64,
    pub parent_id: Option<i64>,
    pub author: String,
    pub user_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub comment: String,
    pub minor: bool,
    pub size: i64,
    /// SHA-256 of the text, hex, as stored.
    pub sha256: String,
    pub text: String,
    pub text_hidden: bool,
    pub deleted: bool,
    pub origins: Vec<ArchiveOrigin>,
}

/// One version of an uploaded file (`file_versions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveFile {
    pub id: i64,
    pub page_id: i64,
    pub sha256: String,
    /// `jpeg`, `png`, `pdf`…
    pub kind: String,
    pub bytes: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub uploader_id: Option<i64>,
    pub uploader: String,
    pub author: String,
    pub source: String,
    pub licence: String,
    pub comment: String,
    pub uploaded_at: DateTime<Utc>,
    pub restored_from: Option<i64>,
}

/// What a dump holds, in its order: users first, then each page followed by its
/// revisions (oldest first) and its file versions (oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiveItem {
    User(ArchiveUser),
    Page(ArchivePage),
    Revision(ArchiveRevision),
    File(ArchiveFile),
}

/// The MIME type served for a stored file kind (`file_versions.kind`).
pub fn mime_of_kind(kind: &str) -> &'static str {
    match kind {
        "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        _ => "application/octet-stream",
    }
}
