//! The bytes of uploaded files, content-addressed, behind `object_store::ObjectStore`.
//!
//! The trait *is* the abstraction: a single machine uses
//! `object_store::local::LocalFileSystem` on the data folder (`BlobStore::local`); a
//! deployment of several machines can hand [`BlobStore::new`] any other implementation
//! (S3, GCS, Azure: features of the `object_store` crate, off in this build).
//!
//! Keys: `originals/ab/cd/<sha256>` for uploaded files (the same content always gets
//! the same key, so writing twice is harmless), `thumbs/<sha256>/<width>` for
//! thumbnails made on first request. The upload writes the blob *before* the database
//! row: a refused or failed upload leaves at worst a blob no row names (harmless, and
//! reused if the same file comes again), never a row naming nothing.
//! `LocalFileSystem` writes to a temporary file and renames it, so a reader never sees
//! half a blob.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// Failures of the blob store (disk, network): none is the user's fault.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("blob store error: {0}")]
    Store(#[from] object_store::Error),
    #[error("blob store path error: {0}")]
    Path(#[from] object_store::path::Error),
    #[error("cannot create the media folder: {0}")]
    Folder(#[from] std::io::Error),
    /// Not 64 lowercase hexadecimal digits: never turned into a key.
    #[error("not a SHA-256: {0:?}")]
    BadHash(String),
}

/// Where the bytes of files and thumbnails are kept; cheap to clone.
#[derive(Clone, Debug)]
pub struct BlobStore {
    inner: Arc<dyn ObjectStore>,
}

/// Whether `hash` is a SHA-256 as Carnet writes it (64 lowercase hex digits): the only
/// strings that become keys.
pub fn is_sha256(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl BlobStore {
    /// Any `object_store` implementation (S3, another machine's…).
    pub fn new(inner: Arc<dyn ObjectStore>) -> BlobStore {
        BlobStore { inner }
    }

    /// Files under `folder` on this machine's disk (created if missing).
    pub fn local(folder: &std::path::Path) -> Result<BlobStore, BlobError> {
        std::fs::create_dir_all(folder)?;
        let local = object_store::local::LocalFileSystem::new_with_prefix(folder)?
            .with_automatic_cleanup(true);
        Ok(BlobStore::new(Arc::new(local)))
    }

    /// Kept in memory (tests and tools that never serve files).
    pub fn in_memory() -> BlobStore {
        BlobStore::new(Arc::new(object_store::memory::InMemory::new()))
    }

    /// The key of an original: `originals/ab/cd/<sha256>`.
    pub fn original_key(sha256: &str) -> Result<Path, BlobError> {
        if !is_sha256(sha256) {
            return Err(BlobError::BadHash(sha256.to_owned()));
        }
        let first = sha256.get(0..2).unwrap_or_default();
        let second = sha256.get(2..4).unwrap_or_default();
        Ok(Path::parse(format!("originals/{first}/{second}/{sha256}"))?)
    }

    /// The key of a thumbnail: `thumbs/<sha256>/<width>`.
    pub fn thumbnail_key(sha256: &str, width: u32) -> Result<Path, BlobError> {
        if !is_sha256(sha256) {
            return Err(BlobError::BadHash(sha256.to_owned()));
        }
        Ok(Path::parse(format!("thumbs/{sha256}/{width}"))?)
    }

    /// Stores an original under its hash, unless it is already there (same content,
    /// same key: uploading a file twice writes it once).
    pub async fn put_original(&self, sha256: &str, bytes: Bytes) -> Result<(), BlobError> {
        let key = BlobStore::original_key(sha256)?;
        if self.exists(&key).await? {
            return Ok(());
        }
        self.inner.put(&key, PutPayload::from(bytes)).await?;
        Ok(())
    }

    /// The bytes of an original, if stored.
    pub async fn original(&self, sha256: &str) -> Result<Option<Bytes>, BlobError> {
        self.read(&BlobStore::original_key(sha256)?).await
    }

    /// A cached thumbnail, if made already.
    pub async fn thumbnail(&self, sha256: &str, width: u32) -> Result<Option<Bytes>, BlobError> {
        self.read(&BlobStore::thumbnail_key(sha256, width)?).await
    }

    /// Caches a thumbnail.
    pub async fn put_thumbnail(
        &self,
        sha256: &str,
        width: u32,
        bytes: Bytes,
    ) -> Result<(), BlobError> {
        let key = BlobStore::thumbnail_key(sha256, width)?;
        self.inner.put(&key, PutPayload::from(bytes)).await?;
        Ok(())
    }

    /// Every key stored, sorted (tests: nothing new after a refusal).
    pub async fn keys(&self) -> Result<Vec<String>, BlobError> {
        let mut keys: Vec<String> = self
            .inner
            .list(None)
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await?;
        keys.sort();
        Ok(keys)
    }

    async fn exists(&self, key: &Path) -> Result<bool, BlobError> {
        match self.inner.head(key).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    async fn read(&self, key: &Path) -> Result<Option<Bytes>, BlobError> {
        match self.inner.get(key).await {
            Ok(found) => Ok(Some(found.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn keys_are_content_addressed_and_checked() {
        assert_eq!(
            BlobStore::original_key(HASH).unwrap().to_string(),
            format!("originals/9f/86/{HASH}")
        );
        assert_eq!(
            BlobStore::thumbnail_key(HASH, 320).unwrap().to_string(),
            format!("thumbs/{HASH}/320")
        );
        for bad in [
            "",
            "../etc/passwd",
            &HASH.to_uppercase(),
            HASH.get(..63).unwrap(),
        ] {
            assert!(BlobStore::original_key(bad).is_err(), "{bad}");
        }
    }

    /// The local-filesystem implementation on a temporary folder: put, get, idempotent
    /// put, thumbnails, absent keys, files really on disk where documented.
    #[tokio::test(flavor = "current_thread")]
    async fn local_filesystem_store() {
        let folder = tempfile::tempdir().unwrap();
        let blobs = BlobStore::local(folder.path()).unwrap();
        assert_eq!(blobs.original(HASH).await.unwrap(), None);
        blobs
            .put_original(HASH, Bytes::from_static(b"test"))
            .await
            .unwrap();
        assert_eq!(
            blobs.original(HASH).await.unwrap().as_deref(),
            Some(&b"test"[..])
        );
        let on_disk = folder.path().join("originals/9f/86").join(HASH);
        assert_eq!(std::fs::read(&on_disk).unwrap(), b"test");
        // Same key again: not rewritten (the file keeps its first modification time).
        let modified = std::fs::metadata(&on_disk).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        blobs
            .put_original(HASH, Bytes::from_static(b"test"))
            .await
            .unwrap();
        assert_eq!(
            std::fs::metadata(&on_disk).unwrap().modified().unwrap(),
            modified
        );
        assert_eq!(blobs.thumbnail(HASH, 320).await.unwrap(), None);
        blobs
            .put_thumbnail(HASH, 320, Bytes::from_static(b"small"))
            .await
            .unwrap();
        assert_eq!(
            blobs.thumbnail(HASH, 320).await.unwrap().as_deref(),
            Some(&b"small"[..])
        );
        assert_eq!(
            blobs.keys().await.unwrap(),
            vec![
                format!("originals/9f/86/{HASH}"),
                format!("thumbs/{HASH}/320")
            ]
        );
        // No temporary file left behind.
        let mut files = 0;
        let mut stack = vec![folder.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    files += 1;
                }
            }
        }
        assert_eq!(files, 2);
    }
}
