//! Save and read latency on a page with a short history against one with a long history.
//!
//! Run with `cargo bench -p carnet-store --bench save`: a temporary SQLite database, or a
//! fresh PostgreSQL database when `CARNET_TEST_DATABASE_URL` is set (see
//! `docs/PERFORMANCE.md`). The figure that matters is the ratio between the two pages,
//! both measured in the same run on the same database: saving should not get slower as
//! a page's history grows.
//!
//! - The long page gets its 10,000 revisions through `Store::save`, like real edits.
//! - Each measured save changes one line of a ~4 KB page, based on the current revision
//!   (no merge). The long page keeps growing while it is measured (10,000 plus the
//!   iterations). The short history is a pool of pages created before any measurement,
//!   10 revisions each: ten measured saves on one, then on to the next, so "10
//!   revisions" means 10 to 20 (more only past 20,000 measured saves, when the pool
//!   wraps around). Both benchmarks thus grow the database the same way.
//! - Edits are built before the clock starts; what is timed is `Store::save` alone.

#![expect(clippy::unwrap_used, reason = "benchmarks panic on setup failure")]

use std::hint::black_box;
use std::time::{Duration, Instant};

use carnet_core::{Author, Comment, MAX_PAGE_BYTES, MergeLabels, PageText, RevisionId, Title};
use carnet_store::testing::TestDb;
use carnet_store::{Edit, SaveOutcome, Store};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Revisions of the short page.
const SHORT_HISTORY: u64 = 10;
/// Revisions of the long page.
const LONG_HISTORY: u64 = 10_000;
/// Pages of the short-history pool.
const SHORT_PAGES: usize = 2_000;

/// Builds the texts and edits of the benchmark pages.
struct Writer {
    lines: Vec<String>,
    author: Author,
    comment: Comment,
    /// Number of the next revision text; each differs from the previous one.
    counter: u64,
}

impl Writer {
    fn new() -> Writer {
        let mut lines = vec!["# Rue des Tanneurs".to_owned(), String::new()];
        for section in 1..=6 {
            lines.push(format!("## Partie {section}"));
            lines.push(String::new());
            for paragraph in 1..=4 {
                lines.push(format!(
                    "Paragraphe {paragraph} de la partie {section} : la rue des Tanneurs \
                     longe la rivière depuis le pont jusqu'à la place du marché."
                ));
            }
            lines.push(String::new());
            for item in 1..=3 {
                lines.push(format!(
                    "- point {item} : horaires, accès et [[Plan du quartier]]"
                ));
            }
            lines.push(String::new());
        }
        Writer {
            lines,
            author: Author::new("Banc d'essai").unwrap(),
            comment: Comment::new("une ligne modifiée").unwrap(),
            counter: 0,
        }
    }

    /// The next revision's text: one line carries the revision number.
    fn next_text(&mut self) -> PageText {
        let n = self.counter;
        self.counter += 1;
        let changed = usize::try_from(n).unwrap() % self.lines.len();
        let text: Vec<String> = self
            .lines
            .iter()
            .enumerate()
            .map(|(index, line)| {
                if index == changed {
                    format!("{line} Révision {n}.")
                } else {
                    line.clone()
                }
            })
            .collect();
        PageText::new(&text.join("\n"), MAX_PAGE_BYTES).unwrap()
    }

    fn next_edit(&mut self, title: &Title, base: Option<RevisionId>) -> Edit {
        Edit {
            title: title.clone(),
            text: self.next_text(),
            base,
            author: self.author.clone(),
            user: None,
            comment: self.comment.clone(),
            minor: false,
            labels: MergeLabels::default(),
        }
    }

    /// Creates the page `title` with `revisions` revisions; returns the current one.
    fn page(&mut self, store: &Store, title: &Title, revisions: u64) -> RevisionId {
        let mut current = save(store, &self.next_edit(title, None));
        for _ in 1..revisions {
            current = save(store, &self.next_edit(title, Some(current)));
        }
        current
    }
}

/// Saves an edit that must create a revision, and returns its id.
fn save(store: &Store, edit: &Edit) -> RevisionId {
    match store.save(edit).unwrap() {
        SaveOutcome::Created(meta)
        | SaveOutcome::Saved {
            revision: meta,
            merged: false,
        } => meta.id,
        other => panic!("the benchmark expected a plain save, got {other:?}"),
    }
}

fn bench_store(c: &mut Criterion) {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let mut writer = Writer::new();
    let short = Title::parse("Page courte").unwrap();
    let long = Title::parse("Page longue").unwrap();
    writer.page(&store, &short, SHORT_HISTORY);
    let mut long_current = writer.page(&store, &long, LONG_HISTORY);

    // Reads first, while the pages have exactly 10 and 10,000 revisions.
    let mut group = c.benchmark_group("read/current_revision");
    group.throughput(Throughput::Elements(1));
    for (name, title) in [("10_revisions", &short), ("10000_revisions", &long)] {
        group.bench_function(name, |b| {
            b.iter(|| store.page(black_box(title)).unwrap().unwrap());
        });
    }
    group.finish();

    // The pool is built after the reads so they see a database of two pages.
    let mut pool: Vec<(Title, RevisionId)> = (1..=SHORT_PAGES)
        .map(|n| {
            let title = Title::parse(&format!("Page courte {n}")).unwrap();
            let current = writer.page(&store, &title, SHORT_HISTORY);
            (title, current)
        })
        .collect();
    let mut short_saves = 0usize;

    let mut group = c.benchmark_group("save");
    group.throughput(Throughput::Elements(1));
    group.bench_function("10_revisions", |b| {
        b.iter_custom(|iters| {
            // Ten consecutive saves per page of the pool.
            let per_page = usize::try_from(SHORT_HISTORY).unwrap();
            let edits: Vec<(usize, Edit)> = (0..iters)
                .map(|_| {
                    let slot = (short_saves / per_page) % pool.len();
                    short_saves += 1;
                    let (title, _) = pool.get(slot).unwrap();
                    (slot, writer.next_edit(title, None))
                })
                .collect();
            let start = Instant::now();
            for (slot, mut edit) in edits {
                let (_, current) = pool.get_mut(slot).unwrap();
                edit.base = Some(*current);
                *current = save(&store, &edit);
            }
            start.elapsed()
        });
    });
    group.bench_function("10000_revisions", |b| {
        b.iter_custom(|iters| {
            let edits: Vec<Edit> = (0..iters).map(|_| writer.next_edit(&long, None)).collect();
            let start = Instant::now();
            for mut edit in edits {
                edit.base = Some(long_current);
                long_current = save(&store, &edit);
            }
            start.elapsed()
        });
    });
    group.finish();
}

criterion_group! {
    name = save_benches;
    // Few samples, short runs: the machine is shared and the ratios are what matter.
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    targets = bench_store
}
criterion_main!(save_benches);
