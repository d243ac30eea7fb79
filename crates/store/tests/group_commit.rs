#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on setup errors"
)]

//! Saves that queue for SQLite's writer are committed together (`batch.rs`), each in
//! its own savepoint: every save keeps its own outcome — saved, merged against the ones
//! before it, in conflict, refused — and a failed one takes nothing of the others with
//! it. On PostgreSQL (`CARNET_TEST_DATABASE_URL`) each save has its own transaction and
//! the same outcomes are checked.

use std::time::{Duration, Instant};

use carnet_core::{Analyzer, RevisionId, SearchQuery, Title};
use carnet_store::testing::{TestDb, edit, hold_sqlite_writer, queued_saves};
use carnet_store::{Backend, Edit, SaveOutcome, SearchFilter, Store, StoreError};

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(30), "never: {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Saves `edits` from one thread each. On SQLite they queue in this order while the
/// test holds the writer, then go: the first to get the turn commits them all. On
/// PostgreSQL they run one after the other. Their outcomes, in order.
fn saved_together(store: &Store, edits: Vec<Edit>) -> Vec<Result<SaveOutcome, StoreError>> {
    if store.backend() == Backend::Postgres {
        return edits.iter().map(|edit| store.save(edit)).collect();
    }
    let held = hold_sqlite_writer();
    let before = store.save_transactions();
    let mut handles = Vec::new();
    for (i, edit) in edits.into_iter().enumerate() {
        let saver = store.clone();
        handles.push(std::thread::spawn(move || saver.save(&edit)));
        wait_until("the save is queued", || queued_saves(store) > i);
    }
    let queued = handles.len();
    drop(held);
    let outcomes: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(queued_saves(store), 0);
    assert_eq!(
        store.save_transactions() - before,
        1,
        "{queued} queued saves, one transaction"
    );
    outcomes
}

fn revision_of(outcome: &Result<SaveOutcome, StoreError>) -> RevisionId {
    match outcome {
        Ok(SaveOutcome::Created(meta)) | Ok(SaveOutcome::Saved { revision: meta, .. }) => meta.id,
        other => panic!("not saved: {other:?}"),
    }
}

fn text_of(store: &Store, title: &str) -> Option<String> {
    store
        .page(&Title::parse(title).unwrap())
        .unwrap()
        .map(|(_, revision)| revision.text.as_str().to_owned())
}

#[test]
fn saves_committed_together_keep_their_own_outcomes() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let Ok(SaveOutcome::Created(notes)) = store.save(&edit("Notes", "a\n\nb\n\nc", None)) else {
        panic!("Notes not created");
    };
    let Ok(SaveOutcome::Created(other)) = store.save(&edit("Autre", "autre", None)) else {
        panic!("Autre not created");
    };
    let Ok(SaveOutcome::Created(source)) = store.save(&edit("Source", "eau\n\nclaire", None))
    else {
        panic!("Source not created");
    };
    let outcomes = saved_together(
        &store,
        vec![
            // 0: a new page.
            edit("Lavoir", "Le lavoir.", None),
            // 1: an edit of Notes on its current revision.
            edit("Notes", "A\n\nb\n\nc", Some(notes.id)),
            // 2: another edit of Notes from the same base, on another line: merged
            // with 1, which it has not seen.
            edit("Notes", "a\n\nb\n\nC", Some(notes.id)),
            // 3: a base revision from another page: refused, alone.
            edit("Fontaine", "La fontaine.", Some(other.id)),
            // 4: Lavoir again as a new page: it exists since 0, a conflict.
            edit("Lavoir", "Un autre lavoir.", None),
            // 5: the same line of Notes as 1, from the old base: a conflict.
            edit("Notes", "Alpha\n\nb\n\nc", Some(notes.id)),
            // 6: a new page after all of that.
            edit("Puits", "Le puits.", None),
            // 7 and 8: Source twice, merged: the word index keeps its last text.
            edit("Source", "eau\n\ntrouble", Some(source.id)),
            edit("Source", "ruisseau\n\nclaire", Some(source.id)),
        ],
    );
    assert!(
        matches!(outcomes[0], Ok(SaveOutcome::Created(_))),
        "{:?}",
        outcomes[0]
    );
    let first = revision_of(&outcomes[1]);
    match &outcomes[2] {
        Ok(SaveOutcome::Saved { revision, merged }) => {
            assert!(merged, "merged with the save before it");
            assert_eq!(revision.parent, Some(first));
        }
        other => panic!("not merged: {other:?}"),
    }
    assert!(
        matches!(outcomes[3], Err(StoreError::ForeignBase(id)) if id == other.id.0),
        "{:?}",
        outcomes[3]
    );
    assert!(
        matches!(outcomes[4], Ok(SaveOutcome::Conflict { .. })),
        "{:?}",
        outcomes[4]
    );
    assert!(
        matches!(outcomes[5], Ok(SaveOutcome::Conflict { .. })),
        "{:?}",
        outcomes[5]
    );
    assert!(
        matches!(outcomes[6], Ok(SaveOutcome::Created(_))),
        "{:?}",
        outcomes[6]
    );

    assert_eq!(text_of(&store, "Lavoir").as_deref(), Some("Le lavoir."));
    assert_eq!(text_of(&store, "Notes").as_deref(), Some("A\n\nb\n\nC"));
    assert_eq!(
        text_of(&store, "Fontaine"),
        None,
        "the refused save left nothing"
    );
    assert_eq!(text_of(&store, "Puits").as_deref(), Some("Le puits."));
    let history = store
        .history(&Title::parse("Notes").unwrap(), 10, None, false)
        .unwrap()
        .unwrap();
    assert_eq!(
        history.entries.len(),
        3,
        "the creation and the two saves that landed"
    );
    // What links and search know came through the savepoints too.
    assert_eq!(
        text_of(&store, "Source").as_deref(),
        Some("ruisseau\n\ntrouble")
    );
    assert_eq!(found(&store, "puits"), vec!["Puits".to_owned()]);
    assert_eq!(found(&store, "fontaine"), Vec::<String>::new());
    assert_eq!(found(&store, "ruisseau trouble"), vec!["Source".to_owned()]);
    assert_eq!(found(&store, "claire"), Vec::<String>::new());
}

fn found(store: &Store, words: &str) -> Vec<String> {
    let analyzer = Analyzer::new(store.search_language());
    let query = SearchQuery::parse(words, &analyzer).unwrap();
    let filter = SearchFilter {
        limit: 10,
        ..SearchFilter::default()
    };
    let results = store.search(&query, &filter).unwrap();
    results.hits.iter().map(|h| h.title.to_string()).collect()
}

/// Many writers at once, with no help from the test: everything lands, and on SQLite
/// the queue shares commits (fewer transactions than saves).
#[test]
fn many_writers_at_once_share_commits_and_lose_nothing() {
    const WRITERS: usize = 12;
    const EACH: usize = 15;
    let db = TestDb::new();
    let store = db.store().unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(WRITERS));
    let handles: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let store = store.clone();
            let barrier = std::sync::Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                (0..EACH)
                    .map(|i| {
                        let title = format!("Page {writer}-{i}");
                        let text = format!("Texte {writer} {i}, écrit en même temps.");
                        revision_of(&store.save(&edit(&title, &text, None)));
                        (title, text)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let written: Vec<(String, String)> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert_eq!(written.len(), WRITERS * EACH);
    for (title, text) in &written {
        assert_eq!(text_of(&store, title).as_deref(), Some(text.as_str()));
    }
    let transactions = store.save_transactions();
    match store.backend() {
        Backend::Sqlite => assert!(
            transactions < (WRITERS * EACH) as u64,
            "{transactions} transactions for {} saves",
            WRITERS * EACH
        ),
        Backend::Postgres => assert_eq!(transactions, (WRITERS * EACH) as u64),
    }
}
