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
//!   iterations); the short pages do not: every ten measured saves move on to a fresh
//!   page created, outside the measured time, with 10 revisions, so "10 revisions"
//!   stays between 10 and 20.
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

    let mut group = c.benchmark_group("save");
    group.throughput(Throughput::Elements(1));
    let mut short_pages = 0u64;
    group.bench_function("10_revisions", |b| {
        b.iter_custom(|iters| {
            // Ten saves per fresh 10-revision page, all prepared off the clock.
            let mut edits = Vec::new();
            for _ in 0..iters.div_ceil(SHORT_HISTORY) {
                short_pages += 1;
                let title = Title::parse(&format!("Page courte {short_pages}")).unwrap();
                let current = writer.page(&store, &title, SHORT_HISTORY);
                let page_edits = (0..SHORT_HISTORY).map(|_| writer.next_edit(&title, None));
                edits.push((current, page_edits.collect::<Vec<_>>()));
            }
            let mut remaining = iters;
            let start = Instant::now();
            for (mut current, page_edits) in edits {
                for mut edit in page_edits
                    .into_iter()
                    .take(usize::try_from(remaining).unwrap())
                {
                    edit.base = Some(current);
                    current = save(&store, &edit);
                    remaining -= 1;
                }
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
