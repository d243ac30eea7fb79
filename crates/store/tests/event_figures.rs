#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

//! The event dashboard's queries read the event's window, not the whole history: with
//! a large history before the event, `event_activity` and `activity_mark` stay fast and
//! exact. Run on SQLite, and on PostgreSQL when `CARNET_TEST_DATABASE_URL` is set.
//! `cargo test -p carnet-store --test event_figures -- --nocapture` prints the timings.

use std::time::{Duration, Instant};

use carnet_core::{Author, Comment, EventDraft, MergeLabels, PageText, Role, Title, UserName};
use carnet_store::Edit;
use carnet_store::testing::{TestDb, execute};
use chrono::Utc;

/// Revisions saved before the event (one page's long history);
/// `CARNET_EVENT_HISTORY` changes it (e.g. 1, to compare).
fn history() -> usize {
    std::env::var("CARNET_EVENT_HISTORY")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000)
}
const PARTICIPANTS: usize = 30;
const EDITS_EACH: usize = 10;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[test]
fn dashboard_queries_read_the_window_only() {
    let old_revisions = history();
    let db = TestDb::new();
    let store = db.store().unwrap();
    let save = |title: &str, text: &str, user: &carnet_store::User| {
        let title = Title::parse(title).unwrap();
        let base = store
            .page(&title)
            .unwrap()
            .map(|(_, current)| current.meta.id);
        store
            .save(&Edit {
                title,
                text: PageText::new(text, 1 << 20).unwrap(),
                base,
                author: Author::new(user.name.as_str()).unwrap(),
                user: Some(user.id),
                comment: Comment::new("atelier").unwrap(),
                minor: false,
                labels: MergeLabels::default(),
            })
            .unwrap()
    };
    let old = store
        .create_user(&UserName::parse("Ancien").unwrap(), "x", Role::Writer)
        .unwrap()
        .unwrap();
    save("Histoire", "début", &old);
    // A long history, years before the event, filled in SQL.
    let started = Instant::now();
    execute(
        &store,
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {old_revisions})
             INSERT INTO revisions (page_id, parent_id, author, created_at, comment, minor, size,
                                    sha256, text, user_id, text_hidden, deleted)
             SELECT p.id, NULL, 'Ancien', '2020-01-01 00:00:00', 'ancien', FALSE, 2000, 'x',
                    'un texte de l''ancien temps', {}, FALSE, FALSE
             FROM n, pages p WHERE p.name = 'Histoire'",
            old.id.0
        ),
    )
    .unwrap();
    eprintln!(
        "{old_revisions} old revisions written in {:.1?}",
        started.elapsed()
    );

    let now = Utc::now();
    let minute = |at: chrono::DateTime<Utc>| at.format("%Y-%m-%dT%H:%M").to_string();
    let draft = EventDraft::parse(
        "Atelier",
        &minute(now),
        &minute(now + chrono::Duration::hours(2)),
        "",
        now,
    )
    .unwrap();
    let event = store.create_event(&draft, old.id, now).unwrap();
    for n in 0..PARTICIPANTS {
        let user = store
            .create_user(
                &UserName::parse(&format!("P{n}")).unwrap(),
                "x",
                Role::Writer,
            )
            .unwrap()
            .unwrap();
        store.join_event(event, user.id, true, Utc::now()).unwrap();
        for m in 0..EDITS_EACH {
            save(&format!("Atelier/{n}"), &"x".repeat(10 * (m + 1)), &user);
        }
    }
    // The old writer also edits during the event, but is no participant.
    save("Histoire", "pendant l'atelier", &old);

    let activity = store.event_activity(event).unwrap().unwrap();
    assert_eq!(activity.participants.len(), PARTICIPANTS);
    assert_eq!(activity.revisions.len(), PARTICIPANTS * EDITS_EACH);
    let bytes: i64 = activity.revisions.iter().map(|r| r.delta.max(0)).sum();
    assert_eq!(bytes, (PARTICIPANTS * EDITS_EACH * 10) as i64);
    assert_eq!(activity.uploads, 0);

    let time = |f: &dyn Fn()| {
        median(
            (0..21)
                .map(|_| {
                    let started = Instant::now();
                    f();
                    started.elapsed()
                })
                .collect(),
        )
    };
    let figures = time(&|| {
        store.event_activity(event).unwrap().unwrap();
    });
    let mark = time(&|| {
        store.activity_mark(event).unwrap();
    });
    eprintln!(
        "{:?}: {old_revisions} revisions before the event, {} during it: event_activity {figures:.2?}, activity_mark {mark:.2?} (medians of 21)",
        store.backend(),
        PARTICIPANTS * EDITS_EACH + 1
    );
    // Debug builds spend most of this turning rows into titles; with the history or
    // without (CARNET_EVENT_HISTORY=1) the times are the same: no scan of the history.
    assert!(figures < Duration::from_millis(250), "{figures:?}");
    assert!(mark < Duration::from_millis(50), "{mark:?}");
}
