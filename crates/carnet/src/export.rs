//! `carnet export` and `carnet import carnet`: the glue between the store's records
//! ([`Store::export_archive`], [`Store::restore_archive`]), the XML of
//! [`carnet_mediawiki::carnet`] and the blob store holding files' bytes. No logic of
//! its own beyond that: the format is `carnet-mediawiki`'s, the rows the store's.
//!
//! Files' bytes go inside the dump (`<contents encoding="base64">`) unless the export
//! is made without them; the import then takes each missing blob from a media folder
//! (`--media DIR`, laid out like `<data>/media`) or finds it already in the target's.
//! Every blob is checked against its SHA-256 before it is stored.

use std::io::{BufRead, Write};

use carnet_core::ArchiveItem;
use carnet_mediawiki::carnet::{CarnetReader, CarnetWriter, ExportSite, WriteError};
use carnet_mediawiki::dump::DumpError;
use carnet_store::{ArchiveError, BlobStore, RestoreSummary, Store};
use sha2::Digest as _;

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportSummary {
    pub users: u64,
    pub pages: u64,
    pub revisions: u64,
    pub files: u64,
    /// Bytes of files put inside the dump.
    pub media_bytes: u64,
}

/// Why an export or an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Read(#[from] DumpError),
    #[error(transparent)]
    Store(#[from] carnet_store::StoreError),
    #[error(
        "the database is not empty ({0}): `carnet import carnet` restores into an empty database"
    )]
    NotEmpty(String),
    #[error("the dump is inconsistent: {0}")]
    Invalid(String),
    #[error("media: {0}")]
    Media(String),
}

impl From<ArchiveError<ExportError>> for ExportError {
    fn from(error: ArchiveError<ExportError>) -> Self {
        match error {
            ArchiveError::Store(error) => ExportError::Store(error),
            ArchiveError::Caller(error) => error,
            ArchiveError::NotEmpty(what) => ExportError::NotEmpty(what),
            ArchiveError::Invalid(what) => ExportError::Invalid(what),
        }
    }
}

/// The `<siteinfo>` of Carnet's dumps.
pub fn site() -> ExportSite {
    ExportSite {
        site_name: "Carnet".to_owned(),
        db_name: "carnet".to_owned(),
        base: String::new(),
        generator: format!("Carnet {}", env!("CARGO_PKG_VERSION")),
    }
}

fn runtime() -> Result<actix_web::rt::Runtime, ExportError> {
    actix_web::rt::Runtime::new().map_err(|e| ExportError::Media(format!("no runtime: {e}")))
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes the whole wiki to `out`. With `media`, each file version's bytes are read
/// from it and put inside the dump (a missing blob is an error); without, files are
/// exported by reference (hash, size, address) only. Password hashes are written only
/// `with_passwords`.
pub fn export_wiki<W: Write>(
    store: &Store,
    media: Option<&BlobStore>,
    with_passwords: bool,
    out: W,
    progress: &mut dyn FnMut(&ExportSummary),
) -> Result<(ExportSummary, W), ExportError> {
    let runtime = match media {
        Some(_) => Some(runtime()?),
        None => None,
    };
    let mut writer = CarnetWriter::new(out, &site())?;
    let mut summary = ExportSummary::default();
    store.export_archive::<ExportError>(with_passwords, &mut |item| {
        let contents = match (&item, media, &runtime) {
            (ArchiveItem::File(file), Some(blobs), Some(runtime)) => {
                let bytes = runtime
                    .block_on(blobs.original(&file.sha256))
                    .map_err(|e| ExportError::Media(e.to_string()))?
                    .ok_or_else(|| {
                        ExportError::Media(format!(
                            "file version {} ({}) is missing from the media folder",
                            file.id, file.sha256
                        ))
                    })?;
                summary.media_bytes += bytes.len() as u64;
                Some(bytes)
            }
            _ => None,
        };
        writer.item(&item, contents.as_deref())?;
        match item {
            ArchiveItem::User(_) => summary.users += 1,
            ArchiveItem::Page(_) => summary.pages += 1,
            ArchiveItem::Revision(_) => summary.revisions += 1,
            ArchiveItem::File(_) => summary.files += 1,
        }
        progress(&summary);
        Ok(())
    })?;
    let out = writer.finish()?;
    Ok((summary, out))
}

/// Restores a dump into an empty database, in one transaction: on any error (a dump
/// cut short, a missing file, a text that does not match its hash) nothing is left in
/// the database. Files' bytes go to `blobs`, from the dump or from `media`.
pub fn import_carnet<R: BufRead>(
    store: &Store,
    reader: &mut CarnetReader<R>,
    blobs: &BlobStore,
    media: Option<&BlobStore>,
    progress: &mut dyn FnMut(&RestoreSummary),
) -> Result<RestoreSummary, ExportError> {
    let runtime = runtime()?;
    let mut next = || -> Result<Option<ArchiveItem>, ExportError> {
        let Some(entry) = reader.next_entry()? else {
            return Ok(None);
        };
        if let ArchiveItem::File(file) = &entry.item {
            store_blob(&runtime, file, entry.contents, blobs, media)?;
        }
        Ok(Some(entry.item))
    };
    Ok(store.restore_archive(&mut next, progress)?)
}

/// Makes sure the file version's blob is in `blobs`, checked against its hash.
fn store_blob(
    runtime: &actix_web::rt::Runtime,
    file: &carnet_core::ArchiveFile,
    contents: Option<Vec<u8>>,
    blobs: &BlobStore,
    media: Option<&BlobStore>,
) -> Result<(), ExportError> {
    let media_error = |e: carnet_store::BlobError| ExportError::Media(e.to_string());
    let bytes = match contents {
        Some(bytes) => bytes,
        None => {
            if runtime
                .block_on(blobs.original(&file.sha256))
                .map_err(media_error)?
                .is_some()
            {
                return Ok(());
            }
            let found = match media {
                Some(media) => runtime
                    .block_on(media.original(&file.sha256))
                    .map_err(media_error)?,
                None => None,
            };
            match found {
                Some(bytes) => bytes.to_vec(),
                None => {
                    return Err(ExportError::Media(format!(
                        "file version {} ({}) has no bytes in the dump nor in the media folder \
                         (give --media DIR: the media folder of the exported wiki)",
                        file.id, file.sha256
                    )));
                }
            }
        }
    };
    let actual = sha256_hex(&bytes);
    if actual != file.sha256 || i64::try_from(bytes.len()).ok() != Some(file.bytes) {
        return Err(ExportError::Media(format!(
            "the bytes of file version {} do not match its SHA-256 {} and size {}",
            file.id, file.sha256, file.bytes
        )));
    }
    runtime
        .block_on(blobs.put_original(&file.sha256, bytes.into()))
        .map_err(media_error)
}

/// `carnet export [FILE]`: the dump to FILE (written beside it under a temporary
/// name, renamed at the end: a failed export leaves no partial file) or to standard
/// output. Files' bytes are read from `<data>/media` unless `with_media` is false.
pub fn export_command(
    store: &Store,
    data: &std::path::Path,
    file: Option<&std::path::Path>,
    with_media: bool,
    with_passwords: bool,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let media = if with_media {
        let folder = data.join("media");
        Some(
            BlobStore::local(&folder)
                .with_context(|| format!("cannot open the media folder {}", folder.display()))?,
        )
    } else {
        None
    };
    let started = std::time::Instant::now();
    let summary = match file {
        None => {
            let stdout = std::io::stdout().lock();
            let out = std::io::BufWriter::with_capacity(256 * 1024, stdout);
            export_wiki(store, media.as_ref(), with_passwords, out, &mut |_| {})?.0
        }
        Some(path) => {
            let mut partial = path.as_os_str().to_owned();
            partial.push(".partial");
            let partial = std::path::PathBuf::from(partial);
            let created = std::fs::File::create(&partial)
                .with_context(|| format!("cannot write {}", partial.display()))?;
            let out = std::io::BufWriter::with_capacity(256 * 1024, created);
            let bar = indicatif::ProgressBar::new_spinner();
            let result = export_wiki(store, media.as_ref(), with_passwords, out, &mut |s| {
                if s.revisions % 1000 == 0 {
                    bar.set_message(format!("{} pages, {} révisions", s.pages, s.revisions));
                    bar.tick();
                }
            });
            bar.finish_and_clear();
            let finished = result.and_then(|(summary, out)| {
                let file = out
                    .into_inner()
                    .map_err(|e| ExportError::Write(WriteError::Io(e.into_error())))?;
                file.sync_all()
                    .map_err(|e| ExportError::Write(WriteError::Io(e)))?;
                Ok(summary)
            });
            match finished {
                Ok(summary) => {
                    std::fs::rename(&partial, path)
                        .with_context(|| format!("cannot rename to {}", path.display()))?;
                    summary
                }
                Err(error) => {
                    let _ = std::fs::remove_file(&partial);
                    return Err(error).context("the export stopped; no file was written");
                }
            }
        }
    };
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "Export : {} comptes, {} pages, {} révisions, {} versions de fichiers ({} octets de fichiers {}) en {:.1} s ({:.0} révisions/s)",
        summary.users,
        summary.pages,
        summary.revisions,
        summary.files,
        summary.media_bytes,
        if with_media { "inclus" } else { "non inclus" },
        elapsed,
        summary.revisions as f64 / elapsed.max(1e-9),
    );
    Ok(())
}

/// `carnet import carnet FILE [--media DIR]`: the dump is opened first (a file that is
/// not a Carnet dump stops there, before the database is opened), then `open` gives
/// the store (with its analyzer, as `serve`). Files go to `<data>/media`.
pub fn import_command(
    open: impl FnOnce() -> anyhow::Result<Store>,
    data: &std::path::Path,
    path: &std::path::Path,
    media: Option<&std::path::Path>,
) -> anyhow::Result<RestoreSummary> {
    use anyhow::Context as _;
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let input = std::io::BufReader::with_capacity(256 * 1024, file);
    let mut reader =
        CarnetReader::new(input).with_context(|| format!("cannot import {}", path.display()))?;
    let store = open()?;
    let folder = data.join("media");
    let blobs = BlobStore::local(&folder)
        .with_context(|| format!("cannot open the media folder {}", folder.display()))?;
    let source = match media {
        Some(dir) => Some(
            BlobStore::local(dir)
                .with_context(|| format!("cannot open the media folder {}", dir.display()))?,
        ),
        None => None,
    };
    let started = std::time::Instant::now();
    let bar = indicatif::ProgressBar::new_spinner();
    let result = import_carnet(&store, &mut reader, &blobs, source.as_ref(), &mut |s| {
        if s.revisions % 1000 == 0 {
            bar.set_message(format!("{} pages, {} révisions", s.pages, s.revisions));
            bar.tick();
        }
    });
    bar.finish_and_clear();
    let summary = result.with_context(|| {
        format!(
            "cannot import {}: nothing was written to the database",
            path.display()
        )
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "Import : {} comptes, {} pages, {} révisions, {} versions de fichiers en {:.1} s ({:.0} révisions/s)",
        summary.users,
        summary.pages,
        summary.revisions,
        summary.files,
        elapsed,
        summary.revisions as f64 / elapsed.max(1e-9),
    );
    Ok(summary)
}
