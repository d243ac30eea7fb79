#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on setup errors"
)]

//! Rate limit counters and event windows on a real database: SQLite by default,
//! PostgreSQL when `CARNET_TEST_DATABASE_URL` is set.

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};

use carnet_core::{
    Author, Comment, EventDraft, Limit, LimitCheck, LimitedAction, MAX_PAGE_BYTES, MergeLabels,
    PageText, Role, Title, UserName, parse_time,
};
use carnet_store::testing::TestDb;
use carnet_store::{Edit, Store};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

fn check(key: &str, max: u32, window_secs: u32) -> LimitCheck {
    LimitCheck {
        action: LimitedAction::Save,
        key: key.to_owned(),
        limit: Limit::new(max, window_secs),
    }
}

/// 2026-12-05 09:00:00 UTC, a multiple of every window used here.
const NOW: i64 = 1_796_461_200;

#[test]
fn hits_are_counted_per_key_and_window() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let checks = [
        check("save:user:1", 2, 60),
        check("save:ip:192.0.2.1", 5, 600),
    ];
    assert_eq!(store.peek_hits(&checks, NOW).unwrap(), [0, 0]);
    assert_eq!(store.count_hits(&checks, NOW).unwrap(), [1, 1]);
    assert_eq!(store.count_hits(&checks, NOW + 59).unwrap(), [2, 2]);
    assert_eq!(store.peek_hits(&checks, NOW + 59).unwrap(), [2, 2]);
    // A new minute: the one-minute window starts over, the ten-minute one goes on.
    assert_eq!(store.count_hits(&checks, NOW + 60).unwrap(), [1, 3]);
    // Another key is another counter.
    let other = [check("save:user:2", 2, 60)];
    assert_eq!(store.count_hits(&other, NOW + 60).unwrap(), [1]);
    assert!(store.count_hits(&[], NOW).unwrap().is_empty());

    store.clear_hits("save:user:1").unwrap();
    assert_eq!(store.peek_hits(&checks, NOW + 60).unwrap(), [0, 3]);
}

#[test]
fn concurrent_hits_each_get_their_own_count() {
    const THREADS: usize = 8;
    const HITS: usize = 25;
    let db = TestDb::new();
    let store = db.store().unwrap();
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let store = store.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                (0..HITS)
                    .map(|_| store.count_hits(&[check("k", 10, 3600)], NOW).unwrap()[0])
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let counts: Vec<u64> = handles
        .into_iter()
        .flat_map(|handle| handle.join().unwrap())
        .collect();
    let distinct: BTreeSet<u64> = counts.iter().copied().collect();
    let expected: BTreeSet<u64> = (1..=(THREADS * HITS) as u64).collect();
    assert_eq!(distinct, expected, "every hit is counted exactly once");
    // So exactly `max` of them were under the limit.
    assert_eq!(counts.iter().filter(|count| **count <= 10).count(), 10);
}

#[test]
fn expired_windows_are_pruned() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let short = [check("short", 3, 60)];
    let long = [check("long", 3, 3600)];
    store.count_hits(&short, NOW).unwrap();
    store.count_hits(&long, NOW).unwrap();
    assert_eq!(store.prune_hits(NOW + 59).unwrap(), 0);
    assert_eq!(store.prune_hits(NOW + 60).unwrap(), 1);
    assert_eq!(store.peek_hits(&long, NOW + 60).unwrap(), [1]);
    // Counting also prunes now and then (at most once a minute per process).
    store.count_hits(&short, NOW + 3600).unwrap();
    assert_eq!(store.peek_hits(&long, NOW + 3599).unwrap(), [0]);
}

#[derive(QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

fn stored_keys(db: &TestDb) -> Vec<KeyRow> {
    let query = diesel::sql_query("SELECT key, count FROM rate_limit_hits");
    if db.url().starts_with("postgres") {
        let mut conn = diesel::PgConnection::establish(db.url()).unwrap();
        query.load(&mut conn).unwrap()
    } else {
        let mut conn = diesel::SqliteConnection::establish(db.url()).unwrap();
        query.load(&mut conn).unwrap()
    }
}

#[test]
fn keys_are_stored_hashed_never_as_addresses() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    store
        .count_hits(&[check("save:ip:192.0.2.77", 5, 60)], NOW)
        .unwrap();
    let rows = stored_keys(&db);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].count, 1);
    assert_eq!(rows[0].key.len(), 64, "{}", rows[0].key);
    assert!(!rows[0].key.contains("192.0.2"), "{}", rows[0].key);
    // Keyed with the database's secret: not the plain SHA-256 of the key.
    assert_ne!(
        rows[0].key,
        carnet_core::ContentHash::of("save:ip:192.0.2.77").as_str()
    );
}

fn animateur(store: &Store) -> carnet_store::User {
    store
        .create_user(
            &UserName::parse("Dominique").unwrap(),
            "hash",
            Role::Animateur,
        )
        .unwrap()
        .unwrap()
}

#[test]
fn events_are_recorded_listed_and_ended() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let user = animateur(&store);
    let now = parse_time("2026-12-05T08:00").unwrap();
    let at = |s: &str| parse_time(s).unwrap();
    let workshop = EventDraft::parse(
        "Wiki-journée",
        "2026-12-05T09:00",
        "2026-12-05T17:00",
        "192.0.2.0/24",
        now,
    )
    .unwrap();
    let open_all =
        EventDraft::parse("Partout", "2026-12-05T10:00", "2026-12-05T11:00", "", now).unwrap();
    let first = store.create_event(&workshop, user.id, now).unwrap();
    let second = store.create_event(&open_all, user.id, now).unwrap();
    assert_ne!(first, second);

    let events = store.events(10).unwrap();
    assert_eq!(
        events.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["Partout", "Wiki-journée"],
        "latest start first"
    );
    assert_eq!(events[1].window, *workshop.window());
    assert_eq!(events[1].created_by.as_str(), "Dominique");
    assert_eq!(events[1].created_at, now);

    assert!(
        store
            .open_event_windows(at("2026-12-05T08:59"))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .open_event_windows(at("2026-12-05T09:00"))
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .open_event_windows(at("2026-12-05T10:30"))
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .open_event_windows(at("2026-12-05T17:00"))
            .unwrap()
            .is_empty()
    );

    // Ending early: it stops relaxing from then on, and cannot be ended twice.
    assert!(
        store
            .end_event(first, user.id, at("2026-12-05T10:45"))
            .unwrap()
    );
    assert!(
        !store
            .end_event(first, user.id, at("2026-12-05T10:46"))
            .unwrap()
    );
    let open = store.open_event_windows(at("2026-12-05T10:50")).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].ip_range, None);
    let ended = &store.events(10).unwrap()[1];
    assert_eq!(ended.window.ended_at, Some(at("2026-12-05T10:45")));
    // An event already over, or unknown, is not ended.
    assert!(
        !store
            .end_event(second, user.id, at("2026-12-05T12:00"))
            .unwrap()
    );
    assert!(!store.end_event(9999, user.id, now).unwrap());
}

#[test]
fn page_existence_is_cheap_to_ask() {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let title = Title::parse("Atelier").unwrap();
    assert!(!store.page_exists(&title).unwrap());
    store
        .save(&Edit {
            title: title.clone(),
            text: PageText::new("texte", MAX_PAGE_BYTES).unwrap(),
            base: None,
            author: Author::new("Testeuse").unwrap(),
            user: None,
            comment: Comment::new("").unwrap(),
            minor: false,
            labels: MergeLabels::default(),
        })
        .unwrap();
    assert!(store.page_exists(&title).unwrap());
}
