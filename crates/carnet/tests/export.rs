#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests fail loudly"
)]

//! `carnet export` and `carnet import carnet`: a wiki written through the store's own
//! functions (namespaces, accented titles, a move and its redirect, a minor edit, a
//! hidden revision, a deleted page, an imported page, several authors and a temporary
//! identity, a file with versions and a restore, texts XML cannot carry as they are)
//! is exported, restored into an empty database and compared table by table; the
//! restored wiki exports byte for byte the same dump; MediaWiki's reader reads it; a
//! cut, tampered or foreign dump and a non-empty database are refused with nothing
//! written. On SQLite, and on PostgreSQL when `CARNET_TEST_DATABASE_URL` is set.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use carnet::export::{ExportError, export_wiki, import_carnet};
use carnet_core::{
    Analyzer, Author, Comment, MergeLabels, PageText, Role, SearchQuery, Title, UserName,
};
use carnet_mediawiki::carnet::CarnetReader;
use carnet_store::testing::{TEST_DATABASE_URL, TestDb, fingerprint};
use carnet_store::{
    BlobStore, Edit, ImportedAuthor, ImportedPage, ImportedRevision, NewFile, SearchFilter, Store,
    User,
};

/// A store with the renderer as its analyzer, as the commands have it.
fn store(db: &TestDb) -> Store {
    carnet_web::AppState::new(db.store().unwrap())
        .unwrap()
        .store
}

fn title(text: &str) -> Title {
    Title::parse(text).unwrap()
}

fn save(store: &Store, page: &str, text: &str, by: &User, comment: &str, minor: bool) {
    let current = store.latest_revision_id(&title(page)).unwrap();
    let outcome = store
        .save(&Edit {
            title: title(page),
            text: PageText::new(text, carnet_core::MAX_PAGE_BYTES).unwrap(),
            base: current,
            author: Author::new(by.name.as_str()).unwrap(),
            user: Some(by.id),
            comment: Comment::new(comment).unwrap(),
            minor,
            labels: MergeLabels::default(),
        })
        .unwrap();
    assert!(
        matches!(
            outcome,
            carnet_store::SaveOutcome::Created(_) | carnet_store::SaveOutcome::Saved { .. }
        ),
        "{page}: {outcome:?}"
    );
}

fn put_blob(blobs: &BlobStore, bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let hash: String = sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    actix_web::rt::Runtime::new()
        .unwrap()
        .block_on(blobs.put_original(&hash, bytes.to_vec().into()))
        .unwrap();
    hash
}

fn upload(store: &Store, blobs: &BlobStore, bytes: &[u8], by: &User, comment: &str) {
    let sha256 = put_blob(blobs, bytes);
    store
        .upload(
            &NewFile {
                title: title("Fichier:Plan du quartier.png"),
                sha256,
                kind: "png".to_owned(),
                bytes: bytes.len() as u64,
                width: Some(640),
                height: Some(480),
                author: "Camille & co <atelier>".to_owned(),
                source: "travail personnel\tscanné".to_owned(),
                licence: "CC-BY-SA-4.0".to_owned(),
                comment: Comment::new(comment).unwrap(),
                description: PageText::new(
                    "Plan dessiné à la main.\n[[Catégorie:Lieux]]",
                    carnet_core::MAX_PAGE_BYTES,
                )
                .unwrap(),
            },
            by,
        )
        .unwrap();
}

/// The text XML has trouble with: markup characters, a CDATA end, a carriage-return
/// look-alike and control characters XML 1.0 cannot carry at all.
const HOSTILE: &str = "Des <balises> & des ]]> et \"guillemets\" 'simples'\n\ttabulé\n\
                       contrôle \u{1}\u{b}\u{c}\u{1f} et \u{fffe}\u{ffff} fin, \u{7f}\u{85}\u{2028}.\n\
                       {{Boîte|dedans}} [[Fichier:Plan du quartier.png|vignette]]\n\
                       [[Catégorie:Lieux]] [[Nouveau nom]] [[Page rouge]]";

/// Writes the test wiki through the store's functions.
fn populate(store: &Store, blobs: &BlobStore) {
    let camille = store
        .create_user(
            &UserName::parse("Camille").unwrap(),
            "$argon2id$hash-of-camille",
            Role::Administrator,
        )
        .unwrap()
        .unwrap();
    let dominique = store
        .create_user(&UserName::parse("Dominique").unwrap(), "hash", Role::Writer)
        .unwrap()
        .unwrap();
    let temporary = store.create_temporary_user(chrono::Utc::now()).unwrap();

    save(
        store,
        "Modèle:Boîte",
        "**{{{1}}}**",
        &camille,
        "modèle",
        false,
    );
    save(
        store,
        "Catégorie:Lieux",
        "Les lieux du quartier.",
        &camille,
        "",
        false,
    );
    upload(
        store,
        blobs,
        b"\x89PNG premier plan",
        &camille,
        "premier plan",
    );
    save(
        store,
        "Éléphant & Cie",
        "Première version.",
        &camille,
        "création <&>",
        false,
    );
    save(
        store,
        "Éléphant & Cie",
        "Deuxième version, à cacher.",
        &dominique,
        "oups",
        false,
    );
    save(
        store,
        "Éléphant & Cie",
        HOSTILE,
        &dominique,
        "texte hostile ]]>",
        false,
    );
    save(
        store,
        "Éléphant & Cie",
        &format!("{HOSTILE}\nCoquille."),
        &temporary,
        "coquille",
        true,
    );
    let history = store
        .history(&title("Éléphant & Cie"), 10, None, true)
        .unwrap()
        .unwrap();
    let to_hide = history.entries[2].meta.id; // "Deuxième version"
    assert_eq!(
        store
            .set_text_hidden(to_hide, true, &camille, "données personnelles")
            .unwrap(),
        carnet_store::HideOutcome::Done
    );
    save(
        store,
        "Ancien nom",
        "Une page renommée. [[Catégorie:Lieux]]",
        &dominique,
        "",
        false,
    );
    assert_eq!(
        store
            .move_page(
                &title("Ancien nom"),
                &title("Nouveau nom"),
                &camille,
                "meilleur nom",
                &Comment::new("renommée").unwrap(),
                &Comment::new("redirection").unwrap(),
            )
            .unwrap(),
        carnet_store::MoveOutcome::Moved
    );
    save(
        store,
        "À supprimer",
        "Bientôt supprimée.",
        &dominique,
        "",
        false,
    );
    assert!(
        store
            .delete_page(&title("À supprimer"), &camille, "doublon")
            .unwrap()
    );
    save(
        store,
        "Discussion:Éléphant & Cie",
        "Une question ?",
        &temporary,
        "",
        false,
    );
    save(
        store,
        "Utilisateur:Dominique",
        "Bonjour, je suis Dominique.",
        &dominique,
        "",
        false,
    );
    save(
        store,
        "Portail:Quartier",
        "Bienvenue. {{Boîte|portail}}",
        &camille,
        "",
        false,
    );
    upload(
        store,
        blobs,
        b"\x89PNG second plan, plus net",
        &dominique,
        "version nette",
    );
    let versions = store
        .file_versions(&title("Fichier:Plan du quartier.png"))
        .unwrap();
    let first = versions.last().unwrap().id;
    store
        .restore_file_version(
            &title("Fichier:Plan du quartier.png"),
            first,
            &camille,
            &Comment::new("retour au premier").unwrap(),
        )
        .unwrap()
        .unwrap();
    store
        .import_pages(
            "frwiki",
            &[ImportedPage {
                source_id: 77,
                title: title("Histoire du quartier"),
                revisions: vec![
                    ImportedRevision {
                        source_id: 700,
                        author: ImportedAuthor::Registered("Wikinator".to_owned()),
                        timestamp: "2010-01-02T03:04:05Z".parse().unwrap(),
                        comment: Comment::new("import").unwrap(),
                        minor: false,
                        text: PageText::new("Autrefois.", 1 << 20).unwrap(),
                    },
                    ImportedRevision {
                        source_id: 701,
                        author: ImportedAuthor::Unknown,
                        timestamp: "2011-01-02T03:04:05Z".parse().unwrap(),
                        comment: Comment::new("").unwrap(),
                        minor: true,
                        text: PageText::new("Autrefois, et plus tard.", 1 << 20).unwrap(),
                    },
                ],
            }],
        )
        .unwrap();
}

/// Tables compared row for row: every stored column of what a dump carries, and the
/// derived tables the restore rebuilds (not the render cache, which starts empty, nor
/// the search engine's own tables, checked by searching).
const COMPARED: [&str; 11] = [
    "pages",
    "revisions",
    "file_versions",
    "page_links",
    "template_links",
    "file_links",
    "category_links",
    "listed_categories",
    "search_titles",
    "imported_pages",
    "imported_revisions",
];

fn compared(store: &Store) -> BTreeMap<String, String> {
    let all = fingerprint(store).unwrap();
    COMPARED
        .iter()
        .map(|table| {
            (
                (*table).to_owned(),
                all.get(*table)
                    .unwrap_or_else(|| panic!("no table {table}"))
                    .clone(),
            )
        })
        .collect()
}

/// Accounts without their password hashes (exported only when asked).
fn accounts(store: &Store) -> Vec<(i64, String, String, chrono::DateTime<chrono::Utc>, bool)> {
    let mut out: Vec<_> = store
        .users()
        .unwrap()
        .into_iter()
        .map(|u| {
            (
                u.id.0,
                u.name.as_str().to_owned(),
                u.role.code().to_owned(),
                u.created_at,
                u.temporary,
            )
        })
        .collect();
    let temporary = store
        .user_named(&format!("~{}-1", chrono::Utc::now().format("%Y")))
        .unwrap()
        .unwrap();
    out.push((
        temporary.id.0,
        temporary.name.as_str().to_owned(),
        temporary.role.code().to_owned(),
        temporary.created_at,
        temporary.temporary,
    ));
    out
}

fn export(store: &Store, blobs: Option<&BlobStore>) -> Vec<u8> {
    export_wiki(store, blobs, false, Vec::new(), &mut |_| {})
        .unwrap()
        .1
}

fn restore(
    store: &Store,
    dump: &[u8],
    blobs: &BlobStore,
    media: Option<&BlobStore>,
) -> Result<carnet_store::RestoreSummary, ExportError> {
    let mut reader = CarnetReader::new(dump)?;
    import_carnet(store, &mut reader, blobs, media, &mut |_| {})
}

fn keys(blobs: &BlobStore) -> Vec<String> {
    actix_web::rt::Runtime::new()
        .unwrap()
        .block_on(blobs.keys())
        .unwrap()
}

#[test]
fn a_wiki_comes_back_identical_and_exports_the_same_bytes() {
    let folder = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let original = store(&db);
    let blobs = BlobStore::local(&folder.path().join("a")).unwrap();
    populate(&original, &blobs);
    let dump = export(&original, Some(&blobs));
    let xml = String::from_utf8(dump.clone()).unwrap();
    // What MediaWiki's format says its way.
    assert!(xml.contains(r#"xmlns="http://www.mediawiki.org/xml/export-0.11/""#));
    assert!(xml.contains(r#"<namespace key="14" case="first-letter">Catégorie</namespace>"#));
    assert!(xml.contains("<title>Éléphant &amp; Cie</title>"));
    assert!(xml.contains(r#"<redirect title="Nouveau nom"/>"#), "{xml}");
    assert!(xml.contains("<model>carnet-wikitext</model>"));
    assert!(xml.contains("<minor/>"));
    assert!(xml.contains("<comment>création &lt;&amp;&gt;</comment>"));
    assert!(xml.contains("<filename>Plan du quartier.png</filename>"));
    assert!(xml.contains(r#"<contents encoding="base64">"#));
    assert!(xml.contains("<carnet:rawtext encoding=\"base64\">"));
    assert!(xml.contains(r#"hidden="true""#) && xml.contains(r#"deleted="true""#));
    assert!(xml.contains(r#"<carnet:origin source="frwiki" id="700"/>"#));
    assert!(!xml.contains('\u{1}') && !xml.contains('\u{ffff}'));

    let target_db = TestDb::new();
    let restored = store(&target_db);
    let target_blobs = BlobStore::local(&folder.path().join("b")).unwrap();
    let summary = restore(&restored, &dump, &target_blobs, None).unwrap();
    assert_eq!(summary.users, 3);
    assert_eq!(summary.files, 3);
    assert_eq!(compared(&restored), compared(&original));
    assert_eq!(accounts(&restored), accounts(&original));
    assert_eq!(keys(&target_blobs), keys(&blobs));
    // No password came: nobody can log in yet.
    let camille = UserName::parse("Camille").unwrap();
    assert_eq!(
        restored
            .credentials(&camille)
            .unwrap()
            .unwrap()
            .password_hash,
        ""
    );
    assert!(!String::from_utf8_lossy(&dump).contains("hash-of-camille"));
    // The hostile text, exactly.
    let (_, current) = restored.page(&title("Éléphant & Cie")).unwrap().unwrap();
    assert_eq!(current.text.as_str(), format!("{HOSTILE}\nCoquille."));
    // Derived state answers as a save leaves it: search, categories, redirects.
    let query = SearchQuery::parse("coquille", &Analyzer::new(restored.search_language())).unwrap();
    let filter = SearchFilter {
        limit: 10,
        ..SearchFilter::default()
    };
    let found = restored.search(&query, &filter).unwrap();
    assert_eq!(found.total, 1, "{:?}", found.hits);
    let query = SearchQuery::parse("renommée", &Analyzer::new(restored.search_language())).unwrap();
    assert_eq!(restored.search(&query, &filter).unwrap().total, 1);
    assert!(restored.page(&title("À supprimer")).unwrap().is_none());
    assert!(
        restored
            .deleted_page(&title("À supprimer"))
            .unwrap()
            .is_some()
    );
    // New rows after a restore get new ids (PostgreSQL's sequences moved on).
    let camille = restored.user_named("Camille").unwrap().unwrap();
    save(
        &restored,
        "Après",
        "Écrit après la restauration.",
        &camille,
        "",
        false,
    );

    // The restored wiki (before that last save) exports the same bytes.
    let again_db = TestDb::new();
    let again = store(&again_db);
    let again_blobs = BlobStore::local(&folder.path().join("c")).unwrap();
    restore(&again, &dump, &again_blobs, None).unwrap();
    assert!(
        export(&again, Some(&again_blobs)) == dump,
        "re-export differs"
    );

    // Asked for, password hashes come back too.
    let with_passwords = export_wiki(&original, None, true, Vec::new(), &mut |_| {})
        .unwrap()
        .1;
    let secret_db = TestDb::new();
    let secret = store(&secret_db);
    restore(&secret, &with_passwords, &again_blobs, None).unwrap();
    assert_eq!(
        secret
            .credentials(&UserName::parse("Camille").unwrap())
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$hash-of-camille"
    );

    // MediaWiki's reader reads the dump: every page and revision.
    let mut reader = carnet_mediawiki::dump::DumpReader::new(dump.as_slice()).unwrap();
    assert_eq!(reader.site_info().namespace_name(6), Some("Fichier"));
    let counts = carnet_mediawiki::dump::count(&mut reader).unwrap();
    assert_eq!(counts.pages, 11);
    assert_eq!(counts.revisions, 16);
    assert_eq!(counts.by_page.get("Éléphant & Cie"), Some(&4));
}

#[test]
fn files_by_reference_come_from_the_media_folder() {
    let folder = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let original = store(&db);
    let blobs = BlobStore::local(&folder.path().join("a")).unwrap();
    populate(&original, &blobs);
    let dump = export(&original, None);
    assert!(!String::from_utf8_lossy(&dump).contains("<contents"));

    let target_db = TestDb::new();
    let restored = store(&target_db);
    let target_blobs = BlobStore::local(&folder.path().join("b")).unwrap();
    let before = fingerprint(&restored).unwrap();
    let error = restore(&restored, &dump, &target_blobs, None).unwrap_err();
    assert!(error.to_string().contains("--media"), "{error}");
    assert_eq!(fingerprint(&restored).unwrap(), before);
    restore(&restored, &dump, &target_blobs, Some(&blobs)).unwrap();
    assert_eq!(compared(&restored), compared(&original));
    assert_eq!(keys(&target_blobs), keys(&blobs));
}

#[test]
fn bad_dumps_and_full_databases_are_refused_with_nothing_written() {
    let folder = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let original = store(&db);
    let blobs = BlobStore::local(&folder.path().join("a")).unwrap();
    populate(&original, &blobs);
    let dump = export(&original, Some(&blobs));
    let xml = String::from_utf8(dump.clone()).unwrap();

    let target_db = TestDb::new();
    let target = store(&target_db);
    let target_blobs = BlobStore::local(&folder.path().join("b")).unwrap();
    let empty = fingerprint(&target).unwrap();

    // Cut short, at several places.
    for cut in [xml.len() / 3, xml.len() / 2, xml.len() - 20] {
        let error = restore(&target, &dump[..cut], &target_blobs, None).unwrap_err();
        assert!(
            error.to_string().contains("truncated") || error.to_string().contains("XML"),
            "{error}"
        );
        assert_eq!(fingerprint(&target).unwrap(), empty, "cut at {cut}");
    }
    // A text changed by hand: its SHA-256 no longer matches.
    let tampered = xml.replacen("Première version.", "Premiere version.", 1);
    let error = restore(&target, tampered.as_bytes(), &target_blobs, None).unwrap_err();
    assert!(error.to_string().contains("SHA-256"), "{error}");
    assert_eq!(fingerprint(&target).unwrap(), empty);
    // Broken XML.
    let broken = xml.replacen("</comment>", "</commentaire>", 1);
    assert!(restore(&target, broken.as_bytes(), &target_blobs, None).is_err());
    assert_eq!(fingerprint(&target).unwrap(), empty);
    // A MediaWiki dump not written by Carnet.
    let foreign = "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.11/\" version=\"0.11\">\
                   <siteinfo><sitename>W</sitename></siteinfo></mediawiki>";
    let error = restore(&target, foreign.as_bytes(), &target_blobs, None).unwrap_err();
    assert!(
        error.to_string().contains("carnet import mediawiki"),
        "{error}"
    );
    assert!(restore(&target, b"<html></html>", &target_blobs, None).is_err());
    assert_eq!(fingerprint(&target).unwrap(), empty);
    // A database that is not empty.
    let before = fingerprint(&original).unwrap();
    let error = restore(&original, &dump, &blobs, None).unwrap_err();
    assert!(matches!(error, ExportError::NotEmpty(_)), "{error}");
    assert_eq!(fingerprint(&original).unwrap(), before);
    // And the good dump still restores after all that.
    restore(&target, &dump, &target_blobs, None).unwrap();
    assert_eq!(compared(&target), compared(&original));
}

/// The real commands: `carnet export FILE`, to standard output, `carnet import carnet`.
#[test]
fn the_commands_export_and_restore() {
    let folder = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let data = folder.path().join("data");
    let original = store(&db);
    let blobs = BlobStore::local(&data.join("media")).unwrap();
    populate(&original, &blobs);
    let run = |data: &Path, url: &str, args: &[&std::ffi::OsStr]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_carnet"));
        command
            .args(args)
            .arg("--data")
            .arg(data)
            .args(["--database-url", url])
            .env_remove("DATABASE_URL")
            .env_remove("CARNET_DATA")
            .env("RUST_LOG", "warn");
        command.output().unwrap()
    };
    let file = folder.path().join("wiki.xml");
    let output = run(&data, db.url(), &["export".as_ref(), file.as_os_str()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("16 révisions"));
    let written = std::fs::read(&file).unwrap();
    assert_eq!(written, export(&original, Some(&blobs)));
    let output = run(&data, db.url(), &["export".as_ref()]);
    assert!(output.status.success());
    assert_eq!(output.stdout, written);

    let target_db = TestDb::new();
    let target_data = folder.path().join("restored");
    let output = run(
        &target_data,
        target_db.url(),
        &["import".as_ref(), "carnet".as_ref(), file.as_os_str()],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("16 révisions"));
    let restored = store(&target_db);
    assert_eq!(compared(&restored), compared(&original));
    // Again into the same (now full) database: refused.
    let output = run(
        &target_data,
        target_db.url(),
        &["import".as_ref(), "carnet".as_ref(), file.as_os_str()],
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not empty"));
    let _ = std::env::var(TEST_DATABASE_URL);
}
