#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests fail loudly"
)]

//! `carnet migrate-db --to postgres://…`: a SQLite wiki filled through the store (pages
//! with histories, accounts with passwords, a temporary identity, a session, a
//! watchlist, a portal's curation, an event, file versions, log entries, a live
//! document) is copied by the real command into a fresh PostgreSQL database; every
//! shared table is then compared row by row, the real server is started on the copy,
//! the migrated password logs in, and new saves work (ids do not collide: the
//! sequences were moved). Runs only when `CARNET_TEST_DATABASE_URL` names a PostgreSQL
//! server (CI's PostgreSQL pass). A second run is refused; `--replace` copies again.

mod common;

use carnet_core::{Author, Comment, EventDraft, MergeLabels, PageText, Role, Title, UserName};
use carnet_store::testing::{TEST_DATABASE_URL, TestDb, canonical_rows};
use carnet_store::{Edit, LiveParticipant, NewFile, PortalChange, SaveOutcome, Store, StoreConfig};
use common::{carnet, get, history, login, page_as, put_page, start};

const PASSWORD: &str = "phrase secrète";

fn save(store: &Store, title: &str, text: &str, user: Option<&carnet_store::User>) {
    let title = Title::parse(title).unwrap();
    let base = store.latest_revision_id(&title).unwrap();
    let outcome = store
        .save(&Edit {
            title,
            text: PageText::new(text, 1 << 20).unwrap(),
            base,
            author: Author::new(user.map_or("~2026-1", |u| u.name.as_str())).unwrap(),
            user: user.map(|u| u.id),
            comment: Comment::new("essai").unwrap(),
            minor: false,
            labels: MergeLabels::default(),
        })
        .unwrap();
    assert!(
        matches!(outcome, SaveOutcome::Created(_) | SaveOutcome::Saved { .. }),
        "{outcome:?}"
    );
}

/// A wiki with a bit of everything, written through the store like the server would.
fn fill(data: &std::path::Path) {
    let created = carnet(
        &[
            "user",
            "create",
            "Camille",
            "--admin",
            "--data",
            data.to_str().unwrap(),
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(created.status.success(), "{created:?}");
    let db = data.join("carnet.db").to_string_lossy().into_owned();
    let store = carnet_web::AppState::new(Store::open(&StoreConfig::new(&db)).unwrap())
        .unwrap()
        .store;
    // As `carnet serve` does at start: the search language recorded.
    store.search_prepare(&mut |_, _| {}).unwrap();
    let camille = store.user_named("Camille").unwrap().unwrap();
    let dominique = store
        .create_user(
            &UserName::parse("Dominique").unwrap(),
            &carnet_web::hash_password("autre phrase").unwrap(),
            Role::Writer,
        )
        .unwrap()
        .unwrap();
    let temporary = store.create_temporary_user(chrono::Utc::now()).unwrap();
    for i in 0..3 {
        save(
            &store,
            "Place Bellecour",
            &format!("Version {i}, voir [[Fourvière]] et [[Rhône]].\n\n[[Catégorie:Places]]"),
            Some(&camille),
        );
    }
    save(
        &store,
        "Fourvière",
        "La colline qui prie. {{Modèle:Note}}",
        Some(&dominique),
    );
    save(&store, "Modèle:Note", "''note''", Some(&temporary));
    save(&store, "Catégorie:Places", "Les places.", Some(&camille));
    save(
        &store,
        "Portail:Lyon",
        "Le portail.\n\n[[Fichier:Plan.png|vignette]]",
        Some(&camille),
    );
    for i in 0..120 {
        save(&store, &format!("Page {i}"), &format!("texte {i}"), None);
    }
    store
        .create_session(
            camille.id,
            &"ab".repeat(32),
            chrono::Utc::now() + chrono::Duration::days(1),
        )
        .unwrap();
    store
        .watch(camille.id, &Title::parse("Fourvière").unwrap())
        .unwrap();
    store
        .set_role(&dominique.name, Role::Animateur, Some(&camille), "aide")
        .unwrap();
    let portal = Title::parse("Portail:Lyon").unwrap();
    store
        .curate(
            &portal,
            &PortalChange::Feature {
                target: Title::parse("Place Bellecour").unwrap(),
                blurb: "La grande place.".to_owned(),
                picture: None,
            },
            &camille,
            "",
        )
        .unwrap();
    store
        .curate(
            &portal,
            &PortalChange::Appoint(dominique.clone()),
            &camille,
            "",
        )
        .unwrap();
    let now = chrono::Utc::now();
    let draft = EventDraft::parse(
        "Wiki-journée",
        &(now - chrono::Duration::hours(1))
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        &(now + chrono::Duration::hours(2))
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        "192.0.2.0/24",
        now,
    )
    .unwrap();
    let event = store.create_event(&draft, camille.id, now).unwrap();
    store.join_event(event, dominique.id, true, now).unwrap();
    for (i, bytes) in [b"premier".as_slice(), b"second"].iter().enumerate() {
        use sha2::Digest as _;
        let sha256: String = sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        store
            .upload(
                &NewFile {
                    title: Title::parse("Fichier:Plan.png").unwrap(),
                    sha256,
                    kind: "png".to_owned(),
                    bytes: bytes.len() as u64,
                    width: Some(10 + i as u32),
                    height: Some(20),
                    author: "Camille".to_owned(),
                    source: "travail personnel".to_owned(),
                    licence: "cc-by-sa-4.0".to_owned(),
                    comment: Comment::new("plan").unwrap(),
                    description: PageText::new("Un plan.", 1 << 20).unwrap(),
                },
                &camille,
            )
            .unwrap();
    }
    let live = store
        .live_open(&Title::parse("Notes de séance").unwrap(), &|_| {
            vec![0, 1, 2, 255]
        })
        .unwrap();
    store
        .live_append(
            live.document,
            &[vec![9, 8, 7], vec![0]],
            &[(
                0,
                LiveParticipant {
                    name: "Camille".to_owned(),
                    user: Some(camille.id),
                },
            )],
            None,
            live.closings,
            "test",
        )
        .unwrap();
}

#[test]
fn a_sqlite_wiki_moves_to_postgresql_whole() {
    if std::env::var(TEST_DATABASE_URL).is_err() {
        eprintln!(
            "skipped: migrate-db needs a PostgreSQL server; set {TEST_DATABASE_URL} \
             (CI's PostgreSQL pass does)"
        );
        return;
    }
    let data = tempfile::tempdir().unwrap();
    fill(data.path());
    let target = TestDb::new();
    let data_arg = data.path().to_str().unwrap();

    let migrated = carnet(
        &["migrate-db", "--data", data_arg, "--to", target.url()],
        "",
    );
    let stdout = String::from_utf8_lossy(&migrated.stdout);
    assert!(
        migrated.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    assert!(stdout.contains("Copie vérifiée"), "{stdout}");
    assert!(stdout.contains("revisions"), "{stdout}");
    assert!(stdout.contains("search_index"), "{stdout}");

    // Table by table, row by row.
    let db = data.path().join("carnet.db").to_string_lossy().into_owned();
    let source = canonical_rows(&Store::open(&StoreConfig::new(&db)).unwrap()).unwrap();
    let copy = canonical_rows(&target.store().unwrap()).unwrap();
    assert_eq!(
        source.keys().collect::<Vec<_>>(),
        copy.keys().collect::<Vec<_>>()
    );
    for (table, rows) in &source {
        assert_eq!(rows, &copy[table], "table {table}");
    }
    for table in [
        "pages",
        "revisions",
        "users",
        "sessions",
        "watchlist",
        "page_links",
        "template_links",
        "category_links",
        "file_links",
        "log_entries",
        "event_windows",
        "event_participants",
        "portal_features",
        "portal_animateurs",
        "file_versions",
        "live_documents",
        "live_updates",
        "live_participants",
        "search_titles",
        "search_settings",
        "rate_limit_secret",
    ] {
        assert!(!source[table].is_empty(), "the test wiki has no {table}");
    }

    // A second run is refused: the target holds a wiki now.
    let again = carnet(
        &["migrate-db", "--data", data_arg, "--to", target.url()],
        "",
    );
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already holds a wiki"), "{stderr}");
    assert_eq!(canonical_rows(&target.store().unwrap()).unwrap(), copy);
    // --replace empties it in the same transaction (the pages ↔ revisions cycle
    // included) and copies again: the same rows.
    let replaced = carnet(
        &[
            "migrate-db",
            "--data",
            data_arg,
            "--to",
            target.url(),
            "--replace",
        ],
        "",
    );
    assert!(replaced.status.success(), "{replaced:?}");
    assert_eq!(canonical_rows(&target.store().unwrap()).unwrap(), copy);

    // The real server on the copy.
    let server = start(data.path(), Some(target.url()));
    let revisions = history(&server.base, "Place_Bellecour");
    assert_eq!(revisions.len(), 3);
    let (status, html) = get(&server.base, "/wiki/Fourvi%C3%A8re");
    assert_eq!(status, 200);
    assert!(html.contains("note"), "the template is transcluded");
    // The word index was rebuilt on PostgreSQL.
    let (status, found) = get(&server.base, "/api/v1/search?q=colline");
    assert_eq!(status, 200);
    assert!(found.contains("Fourvière"), "{found}");
    // The migrated password logs in; a wrong one does not.
    let session = login(&server.base, "Camille", PASSWORD).unwrap();
    assert!(
        page_as(&server.base, "/wiki/Fourvi%C3%A8re", &session).contains("Connecté·e : Camille")
    );
    assert!(login(&server.base, "Camille", "pas le bon").is_err());
    // New rows get fresh ids: a new page (pages, revisions), a new version of an old
    // one, a new account. Without the sequences reset these collide with copied ids.
    assert_eq!(
        put_page(&server.base, "Nouvelle_page", "après la migration"),
        201
    );
    assert_eq!(put_page(&server.base, "Page_3", "modifiée après"), 200);
    let created = carnet(
        &["user", "create", "Eloi", "--database-url", target.url()],
        "encore une phrase\n",
    );
    assert!(created.status.success(), "{created:?}");
    assert_eq!(history(&server.base, "Page_3").len(), 2);
    let (_, raw) = get(&server.base, "/wiki/Nouvelle_page?action=raw");
    assert_eq!(raw, "après la migration");
}
