#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on setup errors"
)]

//! Full-text search on a real database: SQLite's FTS5 by default, PostgreSQL's tsvector
//! when `CARNET_TEST_DATABASE_URL` is set. The same queries must find the same pages on
//! both (ranks may differ; the tests only rely on "title matches first").

use carnet_core::{
    Analyzer, Author, Comment, MAX_PAGE_BYTES, MergeLabels, Namespace, PageText, SearchLanguage,
    SearchQuery, Title,
};
use carnet_store::testing::TestDb;
use carnet_store::{Edit, SaveOutcome, SearchFilter, Store};

fn put(store: &Store, title: &str, text: &str) {
    let title = Title::parse(title).unwrap();
    let base = store.page(&title).unwrap().map(|(_, r)| r.meta.id);
    let outcome = store
        .save(&Edit {
            title,
            text: PageText::new(text, MAX_PAGE_BYTES).unwrap(),
            base,
            author: Author::new("Testeuse").unwrap(),
            user: None,
            comment: Comment::new("").unwrap(),
            minor: false,
            labels: MergeLabels::default(),
        })
        .unwrap();
    assert!(!matches!(outcome, SaveOutcome::Conflict { .. }));
}

fn find(store: &Store, query: &str) -> Vec<String> {
    find_with(store, query, SearchFilter::default())
}

fn find_with(store: &Store, query: &str, mut filter: SearchFilter) -> Vec<String> {
    let analyzer = Analyzer::new(store.search_language());
    let query = SearchQuery::parse(query, &analyzer).unwrap();
    if filter.limit == 0 {
        filter.limit = 50;
    }
    let results = store.search(&query, &filter).unwrap();
    let titles: Vec<String> = results.hits.iter().map(|h| h.title.to_string()).collect();
    if filter.offset == 0 && titles.len() < filter.limit {
        assert_eq!(results.total, titles.len() as i64, "total of {titles:?}");
    }
    titles
}

fn sorted(mut titles: Vec<String>) -> Vec<String> {
    titles.sort();
    titles
}

fn wiki() -> (TestDb, Store) {
    let db = TestDb::new();
    let store = db.store().unwrap();
    put(
        &store,
        "Haras national",
        "Les chevaux du haras. [[Catégorie:Élevage]]",
    );
    put(
        &store,
        "Cheval de trait",
        "Un cheval puissant. [[Catégorie:Élevage]]",
    );
    put(
        &store,
        "Patronage Saint-Louis",
        "Un des patronages laïques de la ville.",
    );
    put(
        &store,
        "Piscine municipale",
        "La piscine et le patronage laïque voisin.",
    );
    put(&store, "École Jean-Macé", "Une école publique du quartier.");
    put(
        &store,
        "Discussion:École Jean-Macé",
        "Faut-il parler de la cantine de l'école ?",
    );
    (db, store)
}

#[test]
fn french_words_are_found_whatever_their_form() {
    let (_db, store) = wiki();
    assert_eq!(
        sorted(find(&store, "cheval")),
        vec!["Cheval de trait", "Haras national"]
    );
    assert_eq!(find(&store, "CHEVAUX").len(), 2);
    assert_eq!(
        sorted(find(&store, "patronage")),
        vec!["Patronage Saint-Louis", "Piscine municipale"]
    );
    assert_eq!(
        sorted(find(&store, "ecole")),
        vec!["Discussion:École Jean-Macé", "École Jean-Macé"]
    );
    assert!(find(&store, "chevreuil").is_empty());
}

#[test]
fn title_matches_come_first() {
    let (_db, store) = wiki();
    // "cheval" is in one title and in both texts.
    assert_eq!(find(&store, "cheval").first().unwrap(), "Cheval de trait");
    assert_eq!(
        find(&store, "patronage").first().unwrap(),
        "Patronage Saint-Louis"
    );
}

#[test]
fn phrases_exclusions_and_filters() {
    let (_db, store) = wiki();
    assert_eq!(
        sorted(find(&store, "\"patronages laïques\"")),
        vec!["Patronage Saint-Louis", "Piscine municipale"]
    );
    assert!(
        find(&store, "\"laïque patronage\"").is_empty(),
        "order matters"
    );
    assert_eq!(
        find(&store, "patronage -piscine"),
        vec!["Patronage Saint-Louis"]
    );
    assert_eq!(find(&store, "jean-macé"), find(&store, "\"jean mace\""));
    let articles = SearchFilter {
        namespaces: vec![Namespace::Main],
        ..SearchFilter::default()
    };
    assert_eq!(
        find_with(&store, "école", articles),
        vec!["École Jean-Macé"]
    );
    // The category filter needs link rows, which only a store with the renderer
    // writes: tests/tests/search.rs checks it through the server.
}

#[test]
fn results_are_paged_and_have_snippets() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    for n in 0..7 {
        put(
            &store,
            &format!("Marché {n}"),
            &format!("Le marché numéro {n} ouvre tôt."),
        );
    }
    let analyzer = Analyzer::new(SearchLanguage::French);
    let query = SearchQuery::parse("marchés", &analyzer).unwrap();
    let first = store
        .search(
            &query,
            &SearchFilter {
                limit: 3,
                ..SearchFilter::default()
            },
        )
        .unwrap();
    assert_eq!(first.total, 7);
    assert_eq!(first.hits.len(), 3);
    let rest = store
        .search(
            &query,
            &SearchFilter {
                limit: 10,
                offset: 3,
                ..SearchFilter::default()
            },
        )
        .unwrap();
    assert_eq!(rest.hits.len(), 4);
    let mut all: Vec<String> = first
        .hits
        .iter()
        .chain(&rest.hits)
        .map(|h| h.title.to_string())
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 7, "no page twice, none missing");
    let hit = &first.hits[0];
    assert!(hit.in_title);
    let highlighted: Vec<&str> = hit
        .snippet
        .iter()
        .filter(|p| p.matched)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(highlighted, vec!["marché"]);
}

#[test]
fn the_index_follows_edits_moves_and_deletions() {
    let (_db, store) = wiki();
    put(&store, "Cheval de trait", "Un animal de ferme.");
    assert_eq!(find(&store, "puissant"), Vec::<String>::new());
    assert_eq!(find(&store, "ferme"), vec!["Cheval de trait"]);
    let admin = store
        .create_user(
            &carnet_core::UserName::parse("Admin").unwrap(),
            "x",
            carnet_core::Role::Administrator,
        )
        .unwrap()
        .unwrap();
    let title = Title::parse("Haras national").unwrap();
    assert!(store.delete_page(&title, &admin, "test").unwrap());
    assert!(
        find(&store, "haras").is_empty(),
        "a deleted page is not found"
    );
    assert!(store.suggest_titles("haras", 10).unwrap().is_empty());
    store.undelete_page(&title, &admin, "test").unwrap();
    assert_eq!(find(&store, "haras"), vec!["Haras national"]);
    let moved = store
        .move_page(
            &Title::parse("Piscine municipale").unwrap(),
            &Title::parse("Centre nautique").unwrap(),
            &admin,
            "test",
            &Comment::new("déplacée").unwrap(),
            &Comment::new("redirection").unwrap(),
        )
        .unwrap();
    assert!(matches!(moved, carnet_store::MoveOutcome::Moved));
    // The old title is a redirect whose text names the new one; the server leaves
    // redirects out of results (tests/tests/search.rs), this bare store cannot tell.
    assert_eq!(find(&store, "nautique").first().unwrap(), "Centre nautique");
    assert_eq!(
        store.suggest_titles("centre", 5).unwrap(),
        vec![Title::parse("Centre nautique").unwrap()]
    );
}

#[test]
fn suggestions_ignore_accents_and_case() {
    let (_db, store) = wiki();
    put(&store, "École des Beaux-Arts", "Une autre école.");
    let titles = |typed: &str| -> Vec<String> {
        store
            .suggest_titles(typed, 10)
            .unwrap()
            .into_iter()
            .map(|t| t.to_string())
            .collect()
    };
    assert_eq!(
        titles("ecole"),
        vec![
            "École des Beaux-Arts",
            "École Jean-Macé",
            "Discussion:École Jean-Macé"
        ]
    );
    assert_eq!(
        titles("ÉCOLE JEAN"),
        vec!["École Jean-Macé", "Discussion:École Jean-Macé"]
    );
    assert_eq!(titles("Discussion:éc"), vec!["Discussion:École Jean-Macé"]);
    assert!(titles("zzz").is_empty());
    assert!(titles("%").is_empty());
    assert!(titles("_").is_empty());
}

#[test]
fn reindex_rebuilds_everything() {
    let (_db, store) = wiki();
    // Every page was indexed as it was saved.
    assert!(!store.search_needs_reindex().unwrap());
    assert_eq!(store.search_prepare(&mut |_, _| {}).unwrap(), None);
    let mut calls = Vec::new();
    let done = store
        .reindex(&mut |done, total| calls.push((done, total)))
        .unwrap();
    // Six pages of the fixture (plus nothing else: a bare store has no welcome page).
    assert_eq!(done, 6);
    assert_eq!(calls.first(), Some(&(0, 6)));
    assert_eq!(calls.last(), Some(&(6, 6)));
    assert!(!store.search_needs_reindex().unwrap());
    assert_eq!(find(&store, "cheval").len(), 2);
}

#[test]
fn another_language_rebuilds_the_index_with_its_stemmer() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    put(&store, "Library", "The libraries of the town.");
    store.search_prepare(&mut |_, _| {}).unwrap();
    let english = db
        .store_with(|config| config.search_language = SearchLanguage::English)
        .unwrap();
    assert!(english.search_needs_reindex().unwrap(), "built in French");
    assert_eq!(english.search_prepare(&mut |_, _| {}).unwrap(), Some(1));
    assert!(!english.search_needs_reindex().unwrap());
    assert_eq!(find(&english, "library"), vec!["Library"]);
}
