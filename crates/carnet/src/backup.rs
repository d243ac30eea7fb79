//! `carnet backup FILE` and `carnet restore FILE`: one file holding a consistent copy
//! of the wiki, made while the server runs.
//!
//! The file is a tar archive compressed with zstd (frame checksums on):
//!
//! - `carnet.db` — the SQLite database as of the start of the backup, written by
//!   `VACUUM INTO` (a read transaction: the server's writers go on meanwhile);
//! - `media/originals/ab/cd/<sha256>` — every uploaded file the *snapshot* references,
//!   copied after it (blobs are immutable and content-addressed, so the files named by
//!   the snapshot are exactly those it needs, whatever is uploaded meanwhile).
//!   Thumbnails are left out: they are made again on demand;
//! - `manifest.json`, last — Carnet's version, the schema migrations applied, counts,
//!   and the size and SHA-256 of every other entry.
//!
//! On PostgreSQL the database is backed up with `pg_dump` (docs/ADMIN.md): the file
//! then holds the media and the manifest only, and says so.
//!
//! The archive is written to a temporary file next to `FILE` and renamed at the end:
//! `FILE` is either a complete backup or absent. A restore unpacks into a temporary
//! folder next to the data folder, checks every entry against the manifest and the
//! schema against this binary, and only then moves it into place (the old data folder
//! moved aside with `--force`, never deleted), then applies pending migrations.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use carnet_store::{Backend, Store, StoreConfig};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The database's name in a data folder and in the archive.
pub const DATABASE_FILE: &str = "carnet.db";
/// The manifest's name in the archive (its last entry).
pub const MANIFEST_ENTRY: &str = "manifest.json";
const FORMAT: &str = "carnet-backup";
const FORMAT_VERSION: u32 = 1;
/// zstd's frame magic number, how a restore tells a compressed archive from a plain tar.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// A manifest larger than this is not one of ours.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// What a backup holds, written as `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// The version of the Carnet that wrote it.
    pub carnet_version: String,
    /// UTC, RFC 3339.
    pub created_at: String,
    /// `sqlite` (database and media) or `postgres` (media only: the database is
    /// pg_dump's).
    pub backend: String,
    /// The newest schema migration applied to the database.
    pub schema_version: Option<String>,
    /// Every migration applied, oldest first.
    pub migrations: Vec<String>,
    /// Rows of the main tables at the time of the snapshot.
    pub counts: BTreeMap<String, i64>,
    /// Every entry but the manifest, in archive order.
    pub entries: Vec<ManifestEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

fn hex(digest: &[u8]) -> String {
    use std::fmt::Write as _;
    digest.iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// The archive path of an original: `media/originals/ab/cd/<sha256>`.
fn media_entry(sha256: &str) -> String {
    format!(
        "media/originals/{}/{}/{sha256}",
        sha256.get(0..2).unwrap_or_default(),
        sha256.get(2..4).unwrap_or_default()
    )
}

/// The hash named by a media entry's path, if the path is exactly one Carnet writes.
fn media_hash(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("media/originals/")?;
    let mut parts = rest.split('/');
    let (first, second, hash) = (parts.next()?, parts.next()?, parts.next()?);
    (parts.next().is_none()
        && carnet_store::is_sha256(hash)
        && hash.get(0..2) == Some(first)
        && hash.get(2..4) == Some(second))
    .then_some(hash)
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        self.hasher.update(read);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Where a data folder's database is, or the PostgreSQL URL in use.
fn source(data: &Path, database_url: Option<&str>) -> (Backend, String) {
    match database_url.filter(|url| !url.trim().is_empty()) {
        Some(url) => Backend::from_url(url),
        None => (
            Backend::Sqlite,
            data.join(DATABASE_FILE).to_string_lossy().into_owned(),
        ),
    }
}

/// Writes a backup of the wiki (`data` folder, or PostgreSQL at `database_url` for the
/// media) to `output`. Returns its manifest.
pub fn backup(data: &Path, database_url: Option<&str>, output: &Path) -> anyhow::Result<Manifest> {
    let (backend, url) = source(data, database_url);
    let folder = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        bail!("the folder {} does not exist", folder.display());
    }
    let work = tempfile::Builder::new()
        .prefix(".carnet-backup-")
        .tempdir_in(&folder)
        .with_context(|| format!("cannot write in {}", folder.display()))?;
    let snapshot = work.path().join(DATABASE_FILE);
    if backend == Backend::Sqlite && !Path::new(&url).is_file() {
        bail!("no SQLite database at {url} (give the data folder with --data)");
    }
    let summary = match backend {
        Backend::Sqlite => {
            carnet_store::sqlite_snapshot(Path::new(&url), &snapshot)
                .with_context(|| format!("cannot copy the database {url}"))?;
            carnet_store::describe(&snapshot.to_string_lossy())
                .context("cannot read the database copy")?
        }
        Backend::Postgres => {
            carnet_store::describe(&url).context("cannot read the PostgreSQL database")?
        }
    };

    let part = tempfile::Builder::new()
        .prefix(".carnet-backup-")
        .suffix(".part")
        .tempfile_in(&folder)
        .with_context(|| format!("cannot write in {}", folder.display()))?;
    let mut encoder = zstd::Encoder::new(BufWriter::new(part.as_file().try_clone()?), 3)?;
    encoder.include_checksum(true)?;
    let mut archive = tar::Builder::new(encoder);
    let mut entries = Vec::new();
    let now = chrono::Utc::now();
    let mtime = u64::try_from(now.timestamp()).unwrap_or(0);

    if backend == Backend::Sqlite {
        let file = File::open(&snapshot).context("cannot read the database copy")?;
        let size = file.metadata()?.len();
        let mut reader = Hashing {
            inner: BufReader::new(file),
            hasher: Sha256::new(),
            bytes: 0,
        };
        let mut header = file_header(size, mtime);
        archive
            .append_data(&mut header, DATABASE_FILE, &mut reader)
            .context("cannot write the backup")?;
        entries.push(ManifestEntry {
            path: DATABASE_FILE.to_owned(),
            bytes: reader.bytes,
            sha256: hex(&reader.hasher.finalize()),
        });
    }
    let media = data.join("media");
    for sha256 in &summary.media {
        if !carnet_store::is_sha256(sha256) {
            bail!("the database names a file by {sha256:?}, which is not a SHA-256");
        }
        let path = media.join(media_entry(sha256).trim_start_matches("media/"));
        let bytes = std::fs::read(&path).with_context(|| {
            format!(
                "the file {sha256} that the database references is missing from {}",
                media.display()
            )
        })?;
        let actual = hex(&Sha256::digest(&bytes));
        if &actual != sha256 {
            bail!(
                "{} is damaged: its content's SHA-256 is {actual}",
                path.display()
            );
        }
        let mut header = file_header(bytes.len() as u64, mtime);
        let entry = media_entry(sha256);
        archive
            .append_data(&mut header, &entry, bytes.as_slice())
            .context("cannot write the backup")?;
        entries.push(ManifestEntry {
            path: entry,
            bytes: bytes.len() as u64,
            sha256: actual,
        });
    }
    let mut counts = summary.counts.clone();
    counts.insert("media_files".to_owned(), summary.media.len() as i64);
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        carnet_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        backend: match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
        .to_owned(),
        schema_version: summary.migrations.last().cloned(),
        migrations: summary.migrations,
        counts,
        entries,
    };
    let json = serde_json::to_vec_pretty(&manifest)?;
    let mut header = file_header(json.len() as u64, mtime);
    archive
        .append_data(&mut header, MANIFEST_ENTRY, json.as_slice())
        .context("cannot write the backup")?;
    let encoder = archive.into_inner().context("cannot write the backup")?;
    let mut writer = encoder.finish().context("cannot write the backup")?;
    writer.flush().context("cannot write the backup")?;
    drop(writer);
    part.as_file()
        .sync_all()
        .context("cannot write the backup")?;
    part.persist(output)
        .with_context(|| format!("cannot write {}", output.display()))?;
    Ok(manifest)
}

fn file_header(size: u64, mtime: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(mtime);
    header.set_entry_type(tar::EntryType::Regular);
    header
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    /// Where the data folder that was there went (`--force`).
    pub moved_aside: Option<PathBuf>,
    /// Migrations applied after the restore (the backup's Carnet was older).
    pub migrations_applied: usize,
}

/// Why a restore refused.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(
        "the data folder {0} is not empty: restore into a new folder, or add --force to move it aside (nothing is deleted)"
    )]
    NotEmpty(PathBuf),
    #[error("the backup file {file} is damaged or incomplete: {reason}")]
    Damaged { file: PathBuf, reason: String },
    #[error(
        "this backup comes from a newer Carnet ({carnet}, schema {schema}); this carnet knows the schema up to {known}: install a newer Carnet to restore it"
    )]
    NewerSchema {
        carnet: String,
        schema: String,
        known: String,
    },
    #[error("{0}")]
    Other(#[from] anyhow::Error),
}

/// Restores `file` into the data folder `data` (see the module documentation). With a
/// PostgreSQL `database_url`, only a media backup is accepted (its files go to
/// `data/media`); the database itself is pg_restore's.
pub fn restore(
    file: &Path,
    data: &Path,
    database_url: Option<&str>,
    force: bool,
) -> Result<Restored, RestoreError> {
    let (backend, _) = source(data, database_url);
    let occupied = match std::fs::read_dir(data) {
        Ok(mut entries) => entries.next().is_some(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => false,
        Err(error) => {
            return Err(anyhow!(error)
                .context(format!("cannot read {}", data.display()))
                .into());
        }
    };
    if occupied && !force && backend == Backend::Sqlite {
        return Err(RestoreError::NotEmpty(data.to_owned()));
    }
    let parent = match data.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".carnet-restore-")
        .tempdir_in(&parent)
        .with_context(|| format!("cannot write in {}", parent.display()))?;
    let damaged = |reason: String| RestoreError::Damaged {
        file: file.to_owned(),
        reason,
    };
    let manifest = unpack(file, staging.path()).map_err(|e| damaged(format!("{e:#}")))?;

    // The schema: nothing newer than what this binary knows.
    let known = carnet_store::known_migrations(Backend::Sqlite).map_err(anyhow::Error::from)?;
    if let Some(unknown) = manifest.migrations.iter().find(|m| !known.contains(m)) {
        return Err(RestoreError::NewerSchema {
            carnet: manifest.carnet_version.clone(),
            schema: manifest
                .schema_version
                .clone()
                .unwrap_or_else(|| unknown.clone()),
            known: known.last().cloned().unwrap_or_default(),
        });
    }
    let pending = known
        .iter()
        .filter(|m| !manifest.migrations.contains(m))
        .count();

    match (manifest.backend.as_str(), backend) {
        ("sqlite", Backend::Sqlite) => {}
        ("sqlite", Backend::Postgres) => {
            return Err(anyhow!(
                "this backup holds a SQLite database: restore it into a data folder (without \
                 --database-url), then copy it to PostgreSQL with `carnet migrate-db --to postgres://…`"
            )
            .into());
        }
        ("postgres", _) => {
            // Media only: content-addressed files join the data folder's media (a file
            // already there has the same content).
            let from = staging.path().join("media");
            let to = data.join("media");
            if from.is_dir() {
                merge_media(&from, &to)?;
            }
            return Ok(Restored {
                manifest,
                moved_aside: None,
                migrations_applied: 0,
            });
        }
        (other, _) => return Err(damaged(format!("unknown backend {other:?}"))),
    }

    // Into place: the old folder aside (never deleted), the new one renamed in.
    let mut moved_aside = None;
    if occupied {
        let name = data
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "data".to_owned());
        let aside = parent.join(format!(
            "{name}.before-restore-{}",
            chrono::Utc::now().format("%Y%m%d-%H%M%S")
        ));
        std::fs::rename(data, &aside).with_context(|| {
            format!(
                "cannot move {} aside to {}",
                data.display(),
                aside.display()
            )
        })?;
        moved_aside = Some(aside);
    } else if data.exists() {
        std::fs::remove_dir(data).with_context(|| format!("cannot replace {}", data.display()))?;
    }
    let unpacked = staging.keep();
    if let Err(error) = std::fs::rename(&unpacked, data) {
        if let Some(aside) = &moved_aside {
            let _ = std::fs::rename(aside, data);
        }
        let _ = std::fs::remove_dir_all(&unpacked);
        return Err(anyhow!(error)
            .context(format!(
                "cannot move the restored wiki to {}",
                data.display()
            ))
            .into());
    }
    // Pending migrations (a backup of an older Carnet), and WAL mode.
    let url = data.join(DATABASE_FILE).to_string_lossy().into_owned();
    Store::open(&StoreConfig::new(&url))
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot open the restored database {url}"))?;
    Ok(Restored {
        manifest,
        moved_aside,
        migrations_applied: pending,
    })
}

/// Reads the archive into `folder`, checking every entry against the manifest.
fn unpack(file: &Path, folder: &Path) -> anyhow::Result<Manifest> {
    let mut input = BufReader::new(
        File::open(file).with_context(|| format!("cannot open {}", file.display()))?,
    );
    let mut magic = [0u8; 4];
    let head = {
        use std::io::BufRead as _;
        let available = input.fill_buf()?;
        let n = available.len().min(4);
        magic
            .get_mut(..n)
            .unwrap_or_default()
            .copy_from_slice(available.get(..n).unwrap_or_default());
        n
    };
    let reader: Box<dyn Read> = if head == 4 && magic == ZSTD_MAGIC {
        Box::new(zstd::Decoder::with_buffer(input)?)
    } else {
        Box::new(input)
    };
    let mut archive = tar::Archive::new(reader);
    let mut found: BTreeMap<String, (u64, String)> = BTreeMap::new();
    let mut manifest: Option<Manifest> = None;
    for entry in archive.entries().context("not a tar archive")? {
        let mut entry = entry?;
        if manifest.is_some() {
            bail!("entries after the manifest");
        }
        let path = entry.path()?.to_string_lossy().into_owned();
        if entry.header().entry_type() != tar::EntryType::Regular {
            bail!("{path} is not a regular file");
        }
        if path == MANIFEST_ENTRY {
            let mut json = Vec::new();
            (&mut entry)
                .take(MAX_MANIFEST_BYTES)
                .read_to_end(&mut json)?;
            manifest = Some(serde_json::from_slice(&json).context("unreadable manifest")?);
            continue;
        }
        if path != DATABASE_FILE && media_hash(&path).is_none() {
            bail!("unexpected entry {path:?}");
        }
        if found.contains_key(&path) {
            bail!("{path} appears twice");
        }
        let target = folder.join(&path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut reader = Hashing {
            inner: &mut entry,
            hasher: Sha256::new(),
            bytes: 0,
        };
        let mut out = File::create(&target)?;
        std::io::copy(&mut reader, &mut out)?;
        out.sync_all()?;
        let sha256 = hex(&reader.hasher.finalize());
        if let Some(expected) = media_hash(&path)
            && expected != sha256
        {
            bail!("{path} does not hold the file its name says");
        }
        found.insert(path, (reader.bytes, sha256));
    }
    let manifest = manifest.ok_or_else(|| anyhow!("no manifest (the file is cut short?)"))?;
    if manifest.format != FORMAT || manifest.format_version > FORMAT_VERSION {
        bail!(
            "not a Carnet backup this version can read ({} {})",
            manifest.format,
            manifest.format_version
        );
    }
    let listed: BTreeMap<String, (u64, String)> = manifest
        .entries
        .iter()
        .map(|e| (e.path.clone(), (e.bytes, e.sha256.clone())))
        .collect();
    if listed != found {
        let differ: Vec<&String> = listed
            .keys()
            .chain(found.keys())
            .filter(|path| listed.get(*path) != found.get(*path))
            .collect();
        bail!("entries differ from the manifest: {differ:?}");
    }
    if (manifest.backend == "sqlite") != found.contains_key(DATABASE_FILE) {
        bail!(
            "the database entry does not match the backend {}",
            manifest.backend
        );
    }
    Ok(manifest)
}

/// Moves every file under `from` to the same place under `to`, keeping files already
/// there (same path, same content: they are named by their hash).
fn merge_media(from: &Path, to: &Path) -> anyhow::Result<()> {
    let mut stack = vec![from.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(from)?;
            let target = to.join(relative);
            if target.exists() {
                continue;
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(&path, &target)
                .with_context(|| format!("cannot write {}", target.display()))?;
        }
    }
    Ok(())
}

/// `carnet backup FILE`: the command, with what it tells the operator.
pub fn run_backup(data: &Path, database_url: Option<&str>, output: &Path) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let manifest = backup(data, database_url, output)?;
    let size = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    let count = |name: &str| manifest.counts.get(name).copied().unwrap_or(0);
    println!(
        "Sauvegarde écrite : {} ({:.1} Mo, {:.1} s)",
        output.display(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    println!(
        "  {} pages, {} révisions, {} comptes, {} versions de fichiers, {} fichiers ; schéma {}",
        count("pages"),
        count("revisions"),
        count("users"),
        count("file_versions"),
        count("media_files"),
        manifest.schema_version.as_deref().unwrap_or("?")
    );
    if manifest.backend == "postgres" {
        println!(
            "  PostgreSQL : ce fichier ne contient que les fichiers téléversés, pas la base. \
             Sauvegardez la base avec pg_dump AVANT cette commande (docs/ADMIN.md, « Sauvegardes »)."
        );
        println!(
            "  PostgreSQL: this file holds the uploaded files only, not the database. Back the \
             database up with pg_dump BEFORE this command (docs/ADMIN.md, \"Backups\")."
        );
    }
    Ok(())
}

/// `carnet restore FILE`: the command, with what it tells the operator.
pub fn run_restore(
    file: &Path,
    data: &Path,
    database_url: Option<&str>,
    force: bool,
) -> anyhow::Result<()> {
    let restored = restore(file, data, database_url, force)?;
    let manifest = &restored.manifest;
    let count = |name: &str| manifest.counts.get(name).copied().unwrap_or(0);
    if let Some(aside) = &restored.moved_aside {
        println!("Ancien dossier déplacé dans {}", aside.display());
    }
    if manifest.backend == "postgres" {
        println!(
            "{} fichiers restaurés dans {} (sauvegarde du {}). Restaurez la base elle-même avec \
             pg_restore (docs/ADMIN.md).",
            count("media_files"),
            data.join("media").display(),
            manifest.created_at
        );
        return Ok(());
    }
    println!(
        "Wiki restauré dans {} : {} pages, {} révisions, {} comptes, {} fichiers (sauvegarde du {}, Carnet {}){}",
        data.display(),
        count("pages"),
        count("revisions"),
        count("users"),
        count("media_files"),
        manifest.created_at,
        manifest.carnet_version,
        if restored.migrations_applied > 0 {
            format!(" ; {} migrations appliquées", restored.migrations_applied)
        } else {
            String::new()
        }
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_paths_are_exactly_those_carnet_writes() {
        let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let path = media_entry(hash);
        assert_eq!(path, format!("media/originals/9f/86/{hash}"));
        assert_eq!(media_hash(&path), Some(hash));
        for bad in [
            format!("media/originals/9f/87/{hash}"),
            format!("media/originals/9f/86/{hash}/x"),
            format!("media/originals/../86/{hash}"),
            "media/originals/9f/86/../../../../etc/passwd".to_owned(),
            format!("/media/originals/9f/86/{hash}"),
            format!("media/thumbs/{hash}/120"),
        ] {
            assert_eq!(media_hash(&bad), None, "{bad}");
        }
    }
}
