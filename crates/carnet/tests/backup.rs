#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests fail loudly"
)]

//! `carnet backup` and `carnet restore` with the real binary: a backup taken while the
//! real server keeps saving is a consistent snapshot (every page, revision and file it
//! holds is served by a server started on the restored folder, media bytes identical,
//! pages created after it simply absent, never half there); damaged and truncated
//! backups, a non-empty target and a backup of a newer schema are refused with nothing
//! touched. On PostgreSQL, the documented pg_dump / pg_restore procedure, run as
//! written in docs/ADMIN.md (only when `CARNET_TEST_DATABASE_URL` is set).

mod common;

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use carnet_core::{Comment, PageText, Title};
use carnet_store::testing::{TEST_DATABASE_URL, TestDb, canonical_rows};
use carnet_store::{NewFile, Store, StoreConfig};
use common::{carnet, get, get_bytes, history, login, put_page, start};
use sha2::Digest as _;

fn hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A small PNG, different for each `seed`.
fn png(seed: u8) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(16, 12, |x, y| {
        image::Rgb([seed, (x * 16) as u8, (y * 20) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Uploads a file as the server does: the blob under `<data>/media`, then the rows.
fn upload(data: &Path, store: &Store, title: &str, bytes: &[u8]) -> String {
    let sha256 = hex(bytes);
    let blob = data
        .join("media/originals")
        .join(&sha256[0..2])
        .join(&sha256[2..4])
        .join(&sha256);
    std::fs::create_dir_all(blob.parent().unwrap()).unwrap();
    std::fs::write(&blob, bytes).unwrap();
    let uploader = store.user_named("Camille").unwrap().unwrap();
    store
        .upload(
            &NewFile {
                title: Title::parse(title).unwrap(),
                sha256: sha256.clone(),
                kind: "png".to_owned(),
                bytes: bytes.len() as u64,
                width: Some(16),
                height: Some(12),
                author: "Camille".to_owned(),
                source: "travail personnel".to_owned(),
                licence: "cc-by-sa-4.0".to_owned(),
                comment: Comment::new("envoi").unwrap(),
                description: PageText::new("Une image.", 1 << 20).unwrap(),
            },
            &uploader,
        )
        .unwrap();
    sha256
}

fn sqlite_store(data: &Path) -> Store {
    let db = data.join("carnet.db").to_string_lossy().into_owned();
    Store::open(&StoreConfig::new(&db)).unwrap()
}

/// A data folder with an account, pages with histories and two files.
fn small_wiki(data: &Path) -> Vec<String> {
    let created = carnet(
        &[
            "user",
            "create",
            "Camille",
            "--admin",
            "--data",
            data.to_str().unwrap(),
        ],
        "phrase secrète\n",
    );
    assert!(created.status.success(), "{created:?}");
    let store = sqlite_store(data);
    let hashes = vec![
        upload(data, &store, "Fichier:Un.png", &png(1)),
        upload(data, &store, "Fichier:Deux.png", &png(2)),
    ];
    drop(store);
    hashes
}

fn files_under(folder: &Path) -> BTreeSet<(PathBuf, Vec<u8>)> {
    let mut out = BTreeSet::new();
    let mut stack = vec![folder.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert((path.strip_prefix(folder).unwrap().to_owned(), bytes));
            }
        }
    }
    out
}

/// What sits next to the data folders: no temporary folder or half file left behind.
fn leftovers(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".carnet-"))
        .collect()
}

/// Reads a backup's manifest with independent code (tar + zstd).
fn manifest(file: &Path) -> serde_json::Value {
    let decoder = zstd::Decoder::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut archive = tar::Archive::new(decoder);
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().to_str() == Some("manifest.json") {
            let mut json = String::new();
            entry.read_to_string(&mut json).unwrap();
            return serde_json::from_str(&json).unwrap();
        }
    }
    panic!("no manifest in {}", file.display());
}

#[test]
fn a_backup_taken_while_saving_restores_a_consistent_wiki() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let hashes = small_wiki(&data);
    let server = start(&data, None);
    for i in 0..5 {
        assert_eq!(
            put_page(&server.base, "Compteur", &format!("valeur {i}")),
            if i == 0 { 201 } else { 200 }
        );
    }

    // A writer keeps creating pages and editing one while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let base = server.base.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut created = 0usize;
            while !stop.load(Ordering::Relaxed) {
                assert_eq!(
                    put_page(
                        &base,
                        &format!("Flux_{created}"),
                        &format!("page {created}")
                    ),
                    201
                );
                assert_eq!(
                    put_page(&base, "Compteur", &format!("valeur après {created}")),
                    200
                );
                created += 1;
            }
            created
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(500));
    // A file uploaded during the backup, too.
    let extra = {
        let store = sqlite_store(&data);
        upload(&data, &store, "Fichier:Pendant.png", &png(3))
    };
    let file = root.path().join("sauvegarde.tar.zst");
    let backup = carnet(
        &[
            "backup",
            file.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        "",
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    let created = writer.join().unwrap();
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    assert!(String::from_utf8_lossy(&backup.stdout).contains("Sauvegarde écrite"));
    assert!(created > 0, "the writer saved nothing during the backup");
    assert!(
        leftovers(root.path()).is_empty(),
        "{:?}",
        leftovers(root.path())
    );

    let manifest = manifest(&file);
    assert_eq!(manifest["backend"], "sqlite");
    assert_eq!(manifest["carnet_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        manifest["schema_version"].as_str().unwrap(),
        carnet_store::known_migrations(carnet_store::Backend::Sqlite)
            .unwrap()
            .last()
            .unwrap()
    );

    // Restore into a new folder and serve it.
    let restored = root.path().join("restaurée");
    let output = carnet(
        &[
            "restore",
            file.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ],
        "",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(leftovers(root.path()).is_empty());
    drop(server);
    let original_rows = canonical_rows(&sqlite_store(&data)).unwrap();
    let restored_rows = canonical_rows(&sqlite_store(&restored)).unwrap();
    // The snapshot is a moment of the wiki: its revisions and files are the original's
    // (revisions are never changed), counted as the manifest says.
    for table in ["revisions", "file_versions", "users"] {
        let original: BTreeSet<&String> = original_rows[table].iter().collect();
        for row in &restored_rows[table] {
            assert!(original.contains(row), "{table}: {row}");
        }
        assert_eq!(
            restored_rows[table].len() as i64,
            manifest["counts"][table].as_i64().unwrap(),
            "{table}"
        );
    }
    assert_eq!(
        restored_rows["pages"].len() as i64,
        manifest["counts"]["pages"].as_i64().unwrap()
    );
    assert!(restored_rows["revisions"].len() < original_rows["revisions"].len());

    let old = start(&data, None);
    let new = start(&restored, None);
    // Pages created one after the other: those in the backup are a prefix, each with
    // the very history the original has up to its snapshot, never half a save.
    let mut present = 0;
    for i in 0..created {
        let title = format!("Flux_{i}");
        let (status, _) = get(&new.base, &format!("/api/v1/pages/{title}"));
        if status == 404 {
            break;
        }
        assert_eq!(status, 200);
        assert_eq!(history(&new.base, &title), history(&old.base, &title));
        present += 1;
    }
    for i in present..created {
        let (status, _) = get(&new.base, &format!("/api/v1/pages/Flux_{i}"));
        assert_eq!(status, 404, "Flux_{i} after a missing one");
    }
    let counter_new = history(&new.base, "Compteur");
    let counter_old = history(&old.base, "Compteur");
    assert!(counter_new.len() >= 5 + present.saturating_sub(1));
    assert_eq!(
        counter_new[..],
        counter_old[counter_old.len() - counter_new.len()..]
    );
    // Every page in the snapshot is served at its snapshot revision.
    let mut pages = 0;
    for row in &restored_rows["pages"] {
        let field = |name: &str| {
            row.split(" | ")
                .find_map(|f| f.strip_prefix(&format!("{name}=")))
                .unwrap()
                .to_owned()
        };
        let latest = field("latest_revision_id");
        let prefix = match field("namespace").as_str() {
            "0" => "",
            "6" => "Fichier:",
            other => panic!("namespace {other} in the test wiki"),
        };
        let title = common::encode(&format!("{prefix}{}", field("name")).replace(' ', "_"));
        let (status, body) = get(&new.base, &format!("/api/v1/pages/{title}"));
        assert_eq!(status, 200, "{title}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["revision"]["id"].to_string(), latest, "{title}");
        pages += 1;
    }
    assert!(pages >= 2 + 1 + 1 + present, "{pages} pages");
    // Every revision in the snapshot is served, with its text.
    for row in &restored_rows["revisions"] {
        let id = row
            .split(" | ")
            .find_map(|field| field.strip_prefix("id="))
            .unwrap();
        let (status, body) = get(&new.base, &format!("/api/v1/revisions/{id}"));
        assert_eq!(status, 200, "revision {id}");
        let (_, original) = get(&old.base, &format!("/api/v1/revisions/{id}"));
        // The same revision; only whether it is still the current one may differ.
        let mut body: serde_json::Value = serde_json::from_str(&body).unwrap();
        let mut original: serde_json::Value = serde_json::from_str(&original).unwrap();
        body["current"] = serde_json::Value::Null;
        original["current"] = serde_json::Value::Null;
        assert_eq!(body, original, "revision {id}");
    }
    // Files: the two uploaded before the backup are in it, byte for byte, and served
    // alike; the one uploaded during it is there only if its row is.
    for (sha256, name) in hashes.iter().zip(["Un.png", "Deux.png"]) {
        let (status, served) = get_bytes(&new.base, &format!("/media/{sha256}/{name}"));
        assert_eq!(status, 200, "{name}");
        assert_eq!(
            served,
            get_bytes(&old.base, &format!("/media/{sha256}/{name}")).1
        );
        let thumb = get_bytes(&new.base, &format!("/media/thumb/{sha256}/120"));
        assert_eq!(thumb.0, 200, "thumbnails are made again");
    }
    let on_disk = files_under(&restored.join("media/originals"));
    let original_disk = files_under(&data.join("media/originals"));
    assert!(on_disk.is_subset(&original_disk));
    let extra_in_backup = restored_rows["file_versions"]
        .iter()
        .any(|row| row.contains(&extra));
    assert_eq!(
        on_disk.len(),
        2 + usize::from(extra_in_backup),
        "exactly the files the snapshot references"
    );
    let (status, _) = get(&new.base, "/wiki/Fichier:Pendant.png");
    assert_eq!(status == 200, extra_in_backup);
    // The restored wiki takes new saves, and logins.
    assert_eq!(put_page(&new.base, "Restauration", "restaurée"), 201);
    assert!(login(&new.base, "Camille", "phrase secrète").is_ok());
}

#[test]
fn damaged_backups_and_occupied_targets_are_refused_untouched() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    small_wiki(&data);
    let file = root.path().join("wiki.tar.zst");
    let made = carnet(
        &[
            "backup",
            file.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        "",
    );
    assert!(made.status.success(), "{made:?}");
    let good = std::fs::read(&file).unwrap();

    let restore = |file: &Path, target: &Path, force: bool| {
        let mut args = vec![
            "restore",
            file.to_str().unwrap(),
            "--data",
            target.to_str().unwrap(),
        ];
        if force {
            args.push("--force");
        }
        carnet(&args, "")
    };

    // Truncated, and one byte changed: refused, the target never created.
    let target = root.path().join("cible");
    let truncated = root.path().join("tronquée.tar.zst");
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let damaged = root.path().join("abîmée.tar.zst");
    std::fs::write(&damaged, &flipped).unwrap();
    let not_a_backup = root.path().join("texte.tar.zst");
    std::fs::write(&not_a_backup, "pas une sauvegarde").unwrap();
    for bad in [&truncated, &damaged, &not_a_backup] {
        let output = restore(bad, &target, false);
        assert!(!output.status.success(), "{}", bad.display());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("damaged or incomplete"), "{stderr}");
        assert!(!target.exists(), "{}", bad.display());
        assert!(leftovers(root.path()).is_empty());
    }

    // A backup whose files differ from its manifest (a blob swapped): refused.
    let rewritten = root.path().join("modifiée.tar.zst");
    rewrite(&good, &rewritten, |path, bytes, manifest| {
        if path.starts_with("media/") && bytes.len() > 10 {
            bytes[10] ^= 1;
        }
        let _ = manifest;
    });
    let output = restore(&rewritten, &target, false);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("damaged or incomplete"));
    assert!(!target.exists());

    // A backup from a newer Carnet: refused, saying so.
    let newer = root.path().join("future.tar.zst");
    rewrite(&good, &newer, |_, _, manifest| {
        let migrations = manifest["migrations"].as_array_mut().unwrap();
        migrations.push("29991231000001".into());
        manifest["schema_version"] = "29991231000001".into();
        manifest["carnet_version"] = "9.0.0".into();
    });
    let output = restore(&newer, &target, false);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("newer Carnet (9.0.0, schema 29991231000001)"),
        "{stderr}"
    );
    assert!(!target.exists());
    assert!(leftovers(root.path()).is_empty());

    // An occupied target: refused and untouched; with --force moved aside, not lost.
    let before = files_under(&data);
    let output = restore(&file, &data, false);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not empty"), "{stderr}");
    assert_eq!(files_under(&data), before);
    // A damaged backup with --force does not touch it either.
    let output = restore(&damaged, &data, true);
    assert!(!output.status.success());
    assert_eq!(files_under(&data), before);
    let output = restore(&file, &data, true);
    assert!(output.status.success(), "{output:?}");
    let aside: Vec<PathBuf> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("data.before-restore-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(files_under(&aside[0]), before);
    assert!(data.join("carnet.db").is_file());

    // A backup that cannot be complete (a file the database names is gone) fails, and
    // leaves no file under the backup's name.
    let missing = root.path().join("incomplète.tar.zst");
    std::fs::remove_dir_all(data.join("media")).unwrap();
    let output = carnet(
        &[
            "backup",
            missing.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        "",
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is missing"));
    assert!(!missing.exists());
    assert!(leftovers(root.path()).is_empty());
}

/// Copies a backup entry by entry, letting `change` alter entries and the manifest.
fn rewrite(
    good: &[u8],
    out: &Path,
    mut change: impl FnMut(&str, &mut Vec<u8>, &mut serde_json::Value),
) {
    let mut archive = tar::Archive::new(zstd::Decoder::new(good).unwrap());
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        entries.push((path, bytes));
    }
    let (_, manifest_bytes) = entries.pop().unwrap();
    let mut manifest: serde_json::Value = serde_json::from_slice(&manifest_bytes).unwrap();
    for (path, bytes) in &mut entries {
        change(path, bytes, &mut manifest);
    }
    let mut dummy = Vec::new();
    change("manifest.json", &mut dummy, &mut manifest);
    let encoder = zstd::Encoder::new(std::fs::File::create(out).unwrap(), 3).unwrap();
    let mut builder = tar::Builder::new(encoder);
    let json = serde_json::to_vec(&manifest).unwrap();
    for (path, bytes) in entries
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .chain([("manifest.json", json.as_slice())])
    {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        builder.append_data(&mut header, path, bytes).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap();
}

/// docs/ADMIN.md, "PostgreSQL": pg_dump of a Carnet database with content, pg_restore
/// into a fresh database, Carnet started on it — run with the commands as documented.
#[test]
fn postgresql_pg_dump_and_pg_restore_as_documented() {
    if std::env::var(TEST_DATABASE_URL).is_err() {
        eprintln!(
            "skipped: the pg_dump procedure needs a PostgreSQL server; set {TEST_DATABASE_URL} \
             (CI's PostgreSQL pass does)"
        );
        return;
    }
    let bin = PathBuf::from(
        std::env::var("CARNET_PG_BIN").unwrap_or_else(|_| "/usr/lib/postgresql/15/bin".to_owned()),
    );
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let source = TestDb::new();
    let created = carnet(
        &[
            "user",
            "create",
            "Camille",
            "--admin",
            "--database-url",
            source.url(),
        ],
        "phrase secrète\n",
    );
    assert!(created.status.success(), "{created:?}");
    let server = start(&data, Some(source.url()));
    for i in 0..4 {
        assert_eq!(
            put_page(&server.base, "Histoire", &format!("version {i}")),
            if i == 0 { 201 } else { 200 }
        );
        assert_eq!(put_page(&server.base, &format!("Page_{i}"), "texte"), 201);
    }
    let titles = [
        "Histoire", "Page_0", "Page_1", "Page_2", "Page_3", "Accueil",
    ];
    let before: Vec<_> = titles.iter().map(|t| history(&server.base, t)).collect();

    // pg_dump while the server runs (as documented), then the media backup.
    let dump = root.path().join("carnet.dump");
    let output = std::process::Command::new(bin.join("pg_dump"))
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(&dump)
        .arg(source.url())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let media = root.path().join("media.tar.zst");
    let output = carnet(
        &[
            "backup",
            media.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--database-url",
            source.url(),
        ],
        "",
    );
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("pg_dump"), "{stdout}");
    assert_eq!(manifest(&media)["backend"], "postgres");
    drop(server);

    // pg_restore into a fresh, empty database.
    let fresh = TestDb::new();
    let output = std::process::Command::new(bin.join("pg_restore"))
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(fresh.url())
        .arg(&dump)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let restored_data = root.path().join("restored");
    let output = carnet(
        &[
            "restore",
            media.to_str().unwrap(),
            "--data",
            restored_data.to_str().unwrap(),
            "--database-url",
            fresh.url(),
        ],
        "",
    );
    assert!(output.status.success(), "{output:?}");

    let server = start(&restored_data, Some(fresh.url()));
    let after: Vec<_> = titles.iter().map(|t| history(&server.base, t)).collect();
    assert_eq!(after, before);
    assert_eq!(before[0].len(), 4);
    assert!(login(&server.base, "Camille", "phrase secrète").is_ok());
    // The sequences came with the dump: new rows do not collide.
    assert_eq!(put_page(&server.base, "Apres_restauration", "oui"), 201);
    assert_eq!(put_page(&server.base, "Histoire", "version 5"), 200);
}
