#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on setup errors"
)]

//! Migrations are forward-only and tested from both ends: every migration applies to an
//! empty database, and a wiki written by the previous release (the schema up to
//! `2026-11-29-000016_import`, revisions with their text in plain) upgrades — the
//! remaining migrations, then the compaction — with every revision reading back byte for
//! byte. On PostgreSQL when `CARNET_TEST_DATABASE_URL` is set, else on SQLite.

use carnet_core::{
    Analyzer, Author, Comment, ContentHash, Diff, LineKind, MAX_PAGE_BYTES, MergeLabels, PageText,
    RevisionId, SearchQuery, Title,
};
use carnet_store::testing::{TestDb, canonical_rows, migrate_up_to, pending_migrations};
use carnet_store::{Edit, SaveOutcome, SearchFilter, Store};

/// The last migration of the previous release (main at 829a6d9).
const PREVIOUS_RELEASE: &str = "2026-11-29-000016";

fn save(store: &Store, title: &Title, text: &str) -> RevisionId {
    let base = store.page(title).unwrap().map(|(_, r)| r.meta.id);
    let outcome = store
        .save(&Edit {
            title: title.clone(),
            text: PageText::new(text, MAX_PAGE_BYTES).unwrap(),
            base,
            author: Author::new("Testeuse").unwrap(),
            user: None,
            comment: Comment::new("après la mise à jour").unwrap(),
            minor: false,
            labels: MergeLabels::default(),
        })
        .unwrap();
    match outcome {
        SaveOutcome::Created(meta) | SaveOutcome::Saved { revision: meta, .. } => meta.id,
        other => panic!("not saved: {other:?}"),
    }
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The texts of the old wiki: a meeting page growing a line at a time (accents,
/// apostrophes, an emoji, an empty first revision), and a short article.
fn meeting_texts() -> Vec<String> {
    let mut texts = vec![String::new()];
    let mut text = String::from("= Réunion du conseil de quartier =\n");
    for i in 1..=40 {
        text.push_str(&format!(
            "* Point {i} : l'école Jean-Macé demande des bancs 🌳, vote à {} voix.\n",
            i % 7
        ));
        texts.push(text.clone());
    }
    texts
}

/// Writes pages and revisions as the previous release did: plain text in `text`.
/// Returns (revision id, page, text, hidden) of every revision.
fn fill_old_wiki(db: &TestDb) -> Vec<(i64, &'static str, String, bool)> {
    let store_sql = |sql: &str| {
        // The pool-less way: a store cannot open on an old schema without migrating it.
        raw_execute(db.url(), sql);
    };
    let mut rows = Vec::new();
    let pages: [(i64, &'static str, Vec<String>); 2] = [
        (1, "Réunion du conseil", meeting_texts()),
        (
            2,
            "Lavoir",
            vec![
                "Le lavoir de la rue Haute.".to_owned(),
                "Le lavoir de la rue Haute, restauré en 1998.".to_owned(),
                "Le lavoir de la rue Haute, restauré en 1998.\r\nVoir aussi [[Fontaine]]."
                    .to_owned(),
            ],
        ),
    ];
    let mut id = 0i64;
    for (page, name, texts) in pages {
        store_sql(&format!(
            "INSERT INTO pages (id, namespace, name, latest_revision_id, created_at, touched_at) \
             VALUES ({page}, 0, {}, NULL, '2025-03-01 10:00:00', '2025-03-01 10:00:00')",
            quoted(name)
        ));
        let mut parent = "NULL".to_owned();
        for (i, text) in texts.into_iter().enumerate() {
            id += 1;
            let hidden = page == 1 && i == 5;
            store_sql(&format!(
                "INSERT INTO revisions (id, page_id, parent_id, author, created_at, comment, \
                 minor, size, sha256, text, user_id, text_hidden, deleted) VALUES \
                 ({id}, {page}, {parent}, 'Ancienne', '2025-03-0{} 10:{:02}:00', 'avant', \
                 FALSE, {}, '{}', {}, NULL, {}, FALSE)",
                page,
                i % 60,
                text.len(),
                ContentHash::of(&text).as_str(),
                quoted(&text),
                if hidden { "TRUE" } else { "FALSE" },
            ));
            parent = id.to_string();
            rows.push((id, name, text, hidden));
        }
        store_sql(&format!(
            "UPDATE pages SET latest_revision_id = {id} WHERE id = {page}"
        ));
    }
    if db.url().starts_with("postgres") {
        store_sql(
            "SELECT setval(pg_get_serial_sequence('pages', 'id'), 2); \
             SELECT setval(pg_get_serial_sequence('revisions', 'id'), (SELECT max(id) FROM revisions))",
        );
    }
    rows
}

fn raw_execute(url: &str, sql: &str) {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    if url.starts_with("postgres") {
        let mut conn = diesel::pg::PgConnection::establish(url).unwrap();
        conn.batch_execute(sql).unwrap();
    } else {
        let mut conn = diesel::sqlite::SqliteConnection::establish(url).unwrap();
        conn.batch_execute(sql).unwrap();
    }
}

#[test]
fn every_migration_applies_to_an_empty_database() {
    let db = TestDb::new();
    assert!(!pending_migrations(db.url()).unwrap().is_empty());
    let store = db.store().unwrap();
    assert_eq!(pending_migrations(db.url()).unwrap(), Vec::<String>::new());
    // And the schema works: a page saved, read back, its storage compact.
    let title = Title::parse("Accueil").unwrap();
    let first = save(&store, &title, "Bienvenue sur le wiki du quartier.");
    let second = save(&store, &title, "Bienvenue sur le wiki du quartier !");
    for (id, text) in [
        (first, "Bienvenue sur le wiki du quartier."),
        (second, "Bienvenue sur le wiki du quartier !"),
    ] {
        assert_eq!(
            store.revision(id).unwrap().unwrap().revision.text.as_str(),
            text
        );
    }
    assert_eq!(store.plain_revisions().unwrap(), 0);
    // Opening again applies nothing.
    drop(store);
    db.store().unwrap();
    assert!(pending_migrations(db.url()).unwrap().is_empty());
}

/// Temporary identities of a previous release (numbered by counting the year's ones)
/// go on after each year's highest number once the counter table arrives.
#[test]
fn temporary_identities_go_on_after_the_previous_release_numbers() {
    let db = TestDb::new();
    migrate_up_to(db.url(), PREVIOUS_RELEASE).unwrap();
    // A name that only looks numbered, and an account, count for nothing.
    for (name, temporary) in [
        ("~2025-3", "TRUE"),
        ("~2025-11", "TRUE"),
        ("~2026-4", "TRUE"),
        ("~2026-9000-bis", "TRUE"),
        ("~2026-77", "FALSE"),
    ] {
        raw_execute(
            db.url(),
            &format!(
                "INSERT INTO users (name, password_hash, role, created_at, temporary) \
                 VALUES ('{name}', '', 'writer', '2026-01-02 10:00:00', {temporary})"
            ),
        );
    }
    let store = db.store().unwrap();
    let at = |date: &str| {
        chrono::DateTime::parse_from_rfc3339(&format!("{date}T10:00:00Z"))
            .unwrap()
            .to_utc()
    };
    let name = |date: &str| {
        store
            .create_temporary_user(at(date))
            .unwrap()
            .name
            .as_str()
            .to_owned()
    };
    assert_eq!(name("2026-06-01"), "~2026-5");
    assert_eq!(name("2025-12-31"), "~2025-12");
    assert_eq!(name("2027-01-01"), "~2027-1");
}

#[test]
fn a_wiki_of_the_previous_release_upgrades_and_reads_back_identically() {
    let db = TestDb::new();
    migrate_up_to(db.url(), PREVIOUS_RELEASE).unwrap();
    let pending = pending_migrations(db.url()).unwrap();
    let previous = PREVIOUS_RELEASE.replace('-', "");
    assert!(
        pending.iter().all(|v| *v > previous) && !pending.is_empty(),
        "{pending:?}"
    );
    assert!(
        pending.contains(&"20261129000017".to_owned()),
        "{pending:?}"
    );
    let old = fill_old_wiki(&db);

    // The remaining migrations; the old rows are read as they are before compaction.
    let store = db.store().unwrap();
    assert!(pending_migrations(db.url()).unwrap().is_empty());
    assert_eq!(store.plain_revisions().unwrap(), old.len() as u64);
    let check_all = |store: &Store| {
        for (id, page, text, hidden) in &old {
            let got = store.revision(RevisionId(*id)).unwrap().unwrap();
            assert_eq!(got.title.to_string(), *page);
            assert_eq!(
                got.revision.text.as_str().as_bytes(),
                text.as_bytes(),
                "{id}"
            );
            assert_eq!(got.revision.meta.hash, ContentHash::of(text), "{id}");
            assert_eq!(got.revision.meta.size, text.len());
            assert_eq!(got.revision.meta.text_hidden, *hidden, "{id}");
        }
    };
    check_all(&store);

    // A save before compaction: the page's current revision is plain, so the new one
    // starts a keyframe; compaction then rewrites the rows before it.
    let meeting = Title::parse("Réunion du conseil").unwrap();
    let mut last_old = old
        .iter()
        .rfind(|r| r.1 == "Réunion du conseil")
        .unwrap()
        .2
        .clone();
    last_old.push_str("* Point ajouté après la mise à jour.");
    let after_upgrade = save(&store, &meeting, &last_old);

    let mut seen = Vec::new();
    let generation = store.content_generation().unwrap();
    let rewritten = store
        .compact_all(7, std::time::Duration::ZERO, &mut |n| seen.push(n))
        .unwrap();
    assert_eq!(rewritten, old.len() as u64);
    // Rewriting how texts are stored changes no page: cached page views stay valid.
    assert_eq!(
        store.content_generation().unwrap(),
        generation,
        "compaction moved the content generation"
    );
    assert!(seen.len() > 1, "in several batches: {seen:?}");
    assert_eq!(store.plain_revisions().unwrap(), 0);
    assert_eq!(store.compact_step(100).unwrap(), 0, "nothing left");
    check_all(&store);
    assert_eq!(
        store
            .revision(after_upgrade)
            .unwrap()
            .unwrap()
            .revision
            .text
            .as_str(),
        last_old
    );

    // Stored compactly: no text left in plain, deltas against keyframes.
    let rows = canonical_rows(&store).unwrap();
    let revisions = &rows["revisions"];
    assert!(
        revisions
            .iter()
            .all(|r| r.contains("text= |") || r.ends_with("text="))
    );
    let deltas = revisions
        .iter()
        .filter(|r| r.contains("format=delta"))
        .count();
    let keyframes = revisions
        .iter()
        .filter(|r| r.contains("format=keyframe"))
        .count();
    assert!(
        deltas > 30 && keyframes >= 2,
        "{deltas} deltas, {keyframes} keyframes"
    );

    // History and diffs work on the rewritten rows.
    let history = store.history(&meeting, 100, None, false).unwrap().unwrap();
    assert_eq!(history.entries.len(), 42);
    assert_eq!(history.entries[0].meta.id, after_upgrade);
    assert_eq!(
        history.entries[0].delta,
        "* Point ajouté après la mise à jour.".len() as i64
    );
    let newer = store.revision(history.entries[1].meta.id).unwrap().unwrap();
    let older = store.revision(history.entries[2].meta.id).unwrap().unwrap();
    let diff = Diff::between(older.revision.text.as_str(), newer.revision.text.as_str());
    let inserted: Vec<String> = diff
        .hunks
        .iter()
        .flat_map(|h| &h.lines)
        .filter(|l| l.kind == LineKind::Inserted)
        .map(|l| l.segments.iter().map(|s| s.text.as_str()).collect())
        .collect();
    assert_eq!(inserted.len(), 1, "{inserted:?}");
    assert!(inserted[0].contains("Point 40"), "{inserted:?}");

    // Saves after compaction are deltas against the rewritten keyframes.
    let mut text = last_old.clone();
    text.push_str("\n* Et encore un point.");
    let later = save(&store, &meeting, &text);
    assert_eq!(
        store
            .revision(later)
            .unwrap()
            .unwrap()
            .revision
            .text
            .as_str(),
        text
    );

    // Search reads the compacted texts (index and snippets).
    store.reindex(&mut |_, _| {}).unwrap();
    let analyzer = Analyzer::new(store.search_language());
    for (query, title) in [("bancs", "Réunion du conseil"), ("restauré", "Lavoir")] {
        let query = SearchQuery::parse(query, &analyzer).unwrap();
        let filter = SearchFilter {
            limit: 10,
            ..SearchFilter::default()
        };
        let results = store.search(&query, &filter).unwrap();
        assert_eq!(results.hits.len(), 1, "{query:?}");
        assert_eq!(results.hits[0].title.to_string(), title);
        assert!(
            results.hits[0].snippet.iter().any(|part| part.matched),
            "{:?}",
            results.hits[0].snippet
        );
    }
}
