#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on setup errors"
)]

//! The store on a real database: SQLite by default, PostgreSQL when
//! `CARNET_TEST_DATABASE_URL` is set (CI runs both).

use std::sync::{Arc, Barrier};

use carnet_core::{RevisionId, Title};
use carnet_store::testing::{TestDb, edit};
use carnet_store::{SaveOutcome, Store, StoreError};

fn created(store: &Store, title: &str, text: &str) -> RevisionId {
    match store.save(&edit(title, text, None)).unwrap() {
        SaveOutcome::Created(meta) => meta.id,
        other => panic!("expected Created, got {other:?}"),
    }
}

fn saved(store: &Store, title: &str, text: &str, base: RevisionId) -> (RevisionId, bool) {
    match store.save(&edit(title, text, Some(base))).unwrap() {
        SaveOutcome::Saved { revision, merged } => (revision.id, merged),
        other => panic!("expected Saved, got {other:?}"),
    }
}

#[test]
fn create_read_and_edit_a_page() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let title = Title::parse("Place du marché").unwrap();
    assert!(store.page(&title).unwrap().is_none());

    let first = created(&store, "Place_du_marché", "Bonjour");
    let (second, merged) = saved(&store, "Place du marché", "Bonjour le quartier", first);
    assert!(!merged);

    let (page, revision) = store.page(&title).unwrap().unwrap();
    assert_eq!(page.title, title);
    assert_eq!(revision.meta.id, second);
    assert_eq!(revision.meta.parent, Some(first));
    assert_eq!(revision.text.as_str(), "Bonjour le quartier");
    assert_eq!(revision.meta.size, "Bonjour le quartier".len());
    assert_eq!(revision.meta.author.as_str(), "Testeuse");
    assert_eq!(revision.meta.hash, revision.text.hash());

    let old = store.revision(first).unwrap().unwrap();
    assert_eq!(old.revision.text.as_str(), "Bonjour");
    assert_eq!(old.latest, Some(second));
    assert_eq!(old.title, title);
}

#[test]
fn accented_titles_round_trip() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    created(&store, "Catégorie:Écoles élémentaires", "Les écoles");
    let title = Title::parse("category:écoles_élémentaires").unwrap();
    let (page, _) = store.page(&title).unwrap().unwrap();
    assert_eq!(page.title.to_string(), "Catégorie:Écoles élémentaires");
}

#[test]
fn null_edit_creates_no_revision() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let first = created(&store, "Accueil", "Texte\n");
    match store
        .save(&edit("Accueil", "Texte\r\n\r\n", Some(first)))
        .unwrap()
    {
        SaveOutcome::Unchanged(meta) => assert_eq!(meta.id, first),
        other => panic!("expected Unchanged, got {other:?}"),
    }
    let history = store
        .history(&Title::parse("Accueil").unwrap(), 50, None, false)
        .unwrap()
        .unwrap();
    assert_eq!(history.entries.len(), 1);
}

#[test]
fn stale_base_merges_or_conflicts() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let base = created(&store, "Réunion", "titre\n\nun\n\ndeux\n\ntrois");
    let (theirs, _) = saved(&store, "Réunion", "TITRE\n\nun\n\ndeux\n\ntrois", base);

    // A non-overlapping change based on the old revision is merged.
    let (mine, merged) = saved(&store, "Réunion", "titre\n\nun\n\ndeux\n\nTROIS", base);
    assert!(merged);
    let merged_revision = store.revision(mine).unwrap().unwrap().revision;
    assert_eq!(
        merged_revision.text.as_str(),
        "TITRE\n\nun\n\ndeux\n\nTROIS"
    );
    assert_eq!(merged_revision.meta.parent, Some(theirs));

    // An overlapping change conflicts and stores nothing.
    match store
        .save(&edit(
            "Réunion",
            "Titre modifié\n\nun\n\ndeux\n\ntrois",
            Some(base),
        ))
        .unwrap()
    {
        SaveOutcome::Conflict {
            current,
            with_markers,
            conflicts,
        } => {
            assert_eq!(current.meta.id, mine);
            assert_eq!(conflicts, 1);
            assert!(with_markers.contains("<<<<<<<"));
            assert!(with_markers.contains("TITRE"));
            assert!(with_markers.contains("Titre modifié"));
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
    let history = store
        .history(&Title::parse("Réunion").unwrap(), 50, None, false)
        .unwrap()
        .unwrap();
    assert_eq!(history.entries.len(), 3);
}

#[test]
fn creating_an_existing_page_is_a_conflict() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    created(&store, "Doublon", "premier");
    assert!(matches!(
        store.save(&edit("Doublon", "second", None)).unwrap(),
        SaveOutcome::Conflict { .. }
    ));
    // Creating it again with the same text is a null edit, not an error.
    assert!(matches!(
        store.save(&edit("Doublon", "premier", None)).unwrap(),
        SaveOutcome::Unchanged(_)
    ));
}

#[test]
fn a_base_from_another_page_is_refused() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let other = created(&store, "Autre", "a");
    created(&store, "Cible", "b");
    assert!(matches!(
        store.save(&edit("Cible", "c", Some(other))),
        Err(StoreError::ForeignBase(_))
    ));
    assert!(matches!(
        store.save(&edit("Cible", "c", Some(RevisionId(999_999)))),
        Err(StoreError::ForeignBase(999_999))
    ));
}

#[test]
fn history_is_paged_with_byte_deltas() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let mut text = String::from("x");
    let mut ids = vec![created(&store, "Long", &text)];
    for _ in 0..6 {
        text.push_str("yy");
        let base = *ids.last().unwrap();
        ids.push(saved(&store, "Long", &text, base).0);
    }
    let title = Title::parse("Long").unwrap();
    let first_page = store.history(&title, 3, None, false).unwrap().unwrap();
    let shown: Vec<_> = first_page.entries.iter().map(|e| e.meta.id).collect();
    assert_eq!(shown, vec![ids[6], ids[5], ids[4]]);
    assert!(first_page.entries.iter().all(|e| e.delta == 2));
    assert_eq!(first_page.older, Some(ids[4]));

    let last_page = store
        .history(&title, 10, Some(ids[2]), false)
        .unwrap()
        .unwrap();
    let shown: Vec<_> = last_page.entries.iter().map(|e| e.meta.id).collect();
    assert_eq!(shown, vec![ids[1], ids[0]]);
    assert_eq!(
        last_page.entries[1].delta, 1,
        "first revision's delta is its size"
    );
    assert_eq!(last_page.older, None);
}

#[test]
fn merged_text_over_the_size_limit_is_refused() {
    let db = TestDb::new();
    let mut config = carnet_store::StoreConfig::new(db.url());
    config.max_page_bytes = 40;
    let store = Store::open(&config).unwrap();
    let base = created(&store, "Limite", "a\n\nb\n\nc");
    saved(
        &store,
        "Limite",
        &format!("{}\n\nb\n\nc", "a".repeat(20)),
        base,
    );
    let res = store.save(&edit(
        "Limite",
        &format!("a\n\nb\n\n{}", "c".repeat(20)),
        Some(base),
    ));
    assert!(matches!(res, Err(StoreError::Text(_))), "{res:?}");
}

/// Many threads save the same page at once, each owning one line: every save lands
/// (merged) or conflicts, and the history holds exactly the landed ones.
#[test]
fn concurrent_saves_lose_nothing() {
    const WRITERS: usize = 8;
    const ROUNDS: usize = 10;
    let db = TestDb::new();
    let store = db.store().unwrap();
    let initial: Vec<String> = (0..WRITERS).map(|i| format!("ligne {i}: 0")).collect();
    let first = created(&store, "Course", &initial.join("\n\n"));
    let barrier = Arc::new(Barrier::new(WRITERS));
    let handles: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let store = store.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let mut landed = Vec::new();
                let mut conflicts = 0;
                for round in 1..=ROUNDS {
                    let title = Title::parse("Course").unwrap();
                    let (_, current) = store.page(&title).unwrap().unwrap();
                    let lines: Vec<String> = current
                        .text
                        .as_str()
                        .split("\n\n")
                        .enumerate()
                        .map(|(i, line)| {
                            if i == writer {
                                format!("ligne {i}: {round}")
                            } else {
                                line.to_owned()
                            }
                        })
                        .collect();
                    match store
                        .save(&edit("Course", &lines.join("\n\n"), Some(current.meta.id)))
                        .unwrap()
                    {
                        SaveOutcome::Saved { revision, .. } => landed.push((revision.id, round)),
                        SaveOutcome::Conflict { .. } => conflicts += 1,
                        other => panic!("unexpected {other:?}"),
                    }
                }
                (writer, landed, conflicts)
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let title = Title::parse("Course").unwrap();
    let history = store.history(&title, 10_000, None, false).unwrap().unwrap();
    let mut history_ids: Vec<_> = history.entries.iter().map(|e| e.meta.id).collect();
    history_ids.sort();
    let mut landed_ids: Vec<_> = results
        .iter()
        .flat_map(|(_, landed, _)| landed.iter().map(|(id, _)| *id))
        .chain(std::iter::once(first))
        .collect();
    landed_ids.sort();
    assert_eq!(
        history_ids, landed_ids,
        "history holds exactly the landed saves"
    );
    // Each writer's last landed value is in the final text: nothing was overwritten.
    let (_, current) = store.page(&title).unwrap().unwrap();
    let final_lines: Vec<&str> = current.text.as_str().split("\n\n").collect();
    for (writer, landed, _) in &results {
        let expected = match landed.last() {
            Some((_, round)) => format!("ligne {writer}: {round}"),
            None => format!("ligne {writer}: 0"),
        };
        assert_eq!(final_lines[*writer], expected);
    }
    // Every revision's parent is the previous one: the history is one line.
    let mut entries = history.entries.clone();
    entries.reverse();
    for pair in entries.windows(2) {
        assert_eq!(pair[1].meta.parent, Some(pair[0].meta.id));
    }
}

/// Files every page under "Tout" with its own name as sort key, as the renderer would
/// for `[[Catégorie:Tout]]`.
struct EverythingInOneCategory;

impl carnet_store::Analyzer for EverythingInOneCategory {
    fn analyze(&self, _: &Title, _: &str, _: &carnet_store::Lookup<'_>) -> carnet_core::PageLinks {
        carnet_core::PageLinks {
            categories: vec![carnet_core::CategoryLink {
                category: Title::parse("Catégorie:Tout").unwrap(),
                sort_key: None,
            }],
            ..carnet_core::PageLinks::default()
        }
    }
}

#[test]
fn category_members_are_paged_in_french_order() {
    let db = TestDb::new();
    let store = db
        .store()
        .unwrap()
        .with_analyzer(std::sync::Arc::new(EverythingInOneCategory));
    for name in ["Zèbre", "étang", "Eau", "École", "Ecluse", "Catégorie:Sous"] {
        created(&store, name, "texte");
    }
    let category = Title::parse("Catégorie:Tout").unwrap();
    let first = store.category_page(&category, None, 3).unwrap();
    let names = |page: &carnet_store::MemberPage| -> Vec<String> {
        page.subcategories
            .iter()
            .chain(&page.pages)
            .map(Title::to_string)
            .collect()
    };
    assert_eq!(names(&first), vec!["Eau", "Ecluse", "École"]);
    let second = store
        .category_page(&category, first.next.as_deref(), 3)
        .unwrap();
    assert_eq!(
        second.subcategories,
        vec![Title::parse("Catégorie:Sous").unwrap()]
    );
    assert_eq!(
        second
            .pages
            .iter()
            .map(Title::to_string)
            .collect::<Vec<_>>(),
        vec!["Étang", "Zèbre"]
    );
    assert_eq!(second.next, None);
    let lookup = store.lookup().unwrap();
    assert_eq!(lookup.page_count(), 5);
    assert_eq!(
        lookup.category_members(&category, 2, carnet_store::MemberOrder::Alphabetical),
        vec![
            Title::parse("Eau").unwrap(),
            Title::parse("Ecluse").unwrap()
        ]
    );
}

/// A workshop: many newcomers save their first edit at the same moment, each getting a
/// temporary identity. Every one gets one at once (no "busy" after lost races), with
/// distinct names numbered 1, 2, 3… without gaps.
#[test]
fn temporary_identities_made_at_the_same_moment_all_get_a_number() {
    const NEWCOMERS: usize = 12;
    const EACH: usize = 25;
    let db = TestDb::new();
    let store = db.store().unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-06-13T10:00:00Z")
        .unwrap()
        .to_utc();
    let barrier = Arc::new(Barrier::new(NEWCOMERS));
    let handles: Vec<_> = (0..NEWCOMERS)
        .map(|_| {
            let store = store.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                (0..EACH)
                    .map(|_| store.create_temporary_user(now).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut numbers: Vec<usize> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .map(|user| {
            assert!(user.temporary);
            let name = user.name.as_str().to_owned();
            let number = name
                .strip_prefix("~2026-")
                .unwrap_or_else(|| panic!("{name}"));
            number.parse().unwrap()
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=NEWCOMERS * EACH).collect::<Vec<_>>());
    // Another year starts again at 1.
    let next_year = now + chrono::Duration::days(365);
    assert_eq!(
        store
            .create_temporary_user(next_year)
            .unwrap()
            .name
            .as_str(),
        "~2027-1"
    );
}

/// A name already taken (a counter behind the accounts, as after a restore by hand) is
/// skipped: the identity takes the next free number instead of failing.
#[test]
fn a_temporary_name_already_taken_is_skipped() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-06-13T10:00:00Z")
        .unwrap()
        .to_utc();
    let first = store.create_temporary_user(now).unwrap();
    let second = store.create_temporary_user(now).unwrap();
    assert_eq!(
        (first.name.as_str(), second.name.as_str()),
        ("~2026-1", "~2026-2")
    );
    carnet_store::testing::execute(&store, "UPDATE temporary_names SET taken = 0").unwrap();
    let third = store.create_temporary_user(now).unwrap();
    assert_eq!(third.name.as_str(), "~2026-3");
    assert_ne!(third.id, second.id);
}
