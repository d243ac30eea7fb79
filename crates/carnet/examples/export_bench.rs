//! `carnet export` and `carnet import carnet` speed: revisions per second out and back
//! in on a generated wiki, and the process's peak memory.
//!
//! ```sh
//! cargo run --release -p carnet --example export_bench -- --pages 2000 --revisions-per-page 50
//! ```
//!
//! The wiki is written through `Store::import_pages` (fast batches): `--pages` pages of
//! `--revisions-per-page` revisions of 2 to 4 KB of generated words, with a link and a
//! category each. Then the same code as the commands: `carnet::export::export_wiki` to
//! a temporary file, and `carnet::export::import_carnet` from it into a fresh database
//! (the renderer as link analyzer), each timed. SQLite, or PostgreSQL when
//! `CARNET_TEST_DATABASE_URL` is set.

#![expect(clippy::unwrap_used, reason = "a benchmark panics on setup failure")]

use std::io::{BufReader, BufWriter};
use std::time::Instant;

use carnet_core::{Comment, PageText, Title};
use carnet_store::testing::TestDb;
use carnet_store::{BlobStore, ImportedAuthor, ImportedPage, ImportedRevision, Store};

fn argument(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn store(db: &TestDb) -> Store {
    carnet_web::AppState::new(db.store().unwrap())
        .unwrap()
        .store
}

fn text(seed: u64, words: usize) -> String {
    const SYLLABLES: [&str; 16] = [
        "ba", "ré", "mi", "lon", "tu", "che", "va", "ro", "qui", "sel", "dé", "pa", "nu", "ga",
        "to", "fé",
    ];
    let mut state = seed;
    let mut out = String::new();
    for i in 0..words {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let a = SYLLABLES.get((state >> 33) as usize % 16).unwrap_or(&"a");
        let b = SYLLABLES.get((state >> 45) as usize % 16).unwrap_or(&"b");
        out.push_str(a);
        out.push_str(b);
        out.push(if i % 12 == 11 { '\n' } else { ' ' });
    }
    out
}

fn main() {
    let pages = argument("--pages", 2000);
    let per_page = argument("--revisions-per-page", 50);
    let db = TestDb::new();
    let original = store(&db);
    let started = Instant::now();
    for chunk in 0..pages.div_ceil(40) {
        let batch: Vec<ImportedPage> = (chunk * 40..((chunk + 1) * 40).min(pages))
            .map(|p| ImportedPage {
                source_id: p as i64,
                title: Title::parse(&format!("Page {p}")).unwrap(),
                revisions: (0..per_page)
                    .map(|r| ImportedRevision {
                        source_id: (p * per_page + r) as i64,
                        author: ImportedAuthor::Registered(format!("Auteur {}", r % 20)),
                        timestamp: chrono::DateTime::from_timestamp(
                            1_700_000_000 + (p * per_page + r) as i64,
                            0,
                        )
                        .unwrap(),
                        comment: Comment::new("modification").unwrap(),
                        minor: r % 4 == 0,
                        text: PageText::new(
                            &format!(
                                "{}\n[[Page {}]] [[Catégorie:Essais]]",
                                text(p as u64, 300 + r * 4),
                                (p + 1) % pages
                            ),
                            1 << 20,
                        )
                        .unwrap(),
                    })
                    .collect(),
            })
            .collect();
        original.import_pages("bench", &batch).unwrap();
    }
    let revisions = pages * per_page;
    println!(
        "generated {pages} pages × {per_page} = {revisions} revisions in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("wiki.xml");
    let started = Instant::now();
    let out = BufWriter::with_capacity(256 * 1024, std::fs::File::create(&path).unwrap());
    let (summary, _) =
        carnet::export::export_wiki(&original, None, false, out, &mut |_| {}).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "export: {} revisions, {:.0} MiB, {seconds:.2} s, {:.0} revisions/s, peak RSS {} MiB",
        summary.revisions,
        size as f64 / 1_048_576.0,
        summary.revisions as f64 / seconds,
        peak_rss_kib() / 1024
    );
    drop(original);
    drop(db);

    let target_db = TestDb::new();
    let target = store(&target_db);
    let blobs = BlobStore::local(&folder.path().join("media")).unwrap();
    let input = BufReader::with_capacity(256 * 1024, std::fs::File::open(&path).unwrap());
    let mut reader = carnet_mediawiki::carnet::CarnetReader::new(input).unwrap();
    let started = Instant::now();
    let restored =
        carnet::export::import_carnet(&target, &mut reader, &blobs, None, &mut |_| {}).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "import carnet: {} revisions, {seconds:.2} s, {:.0} revisions/s, peak RSS {} MiB",
        restored.revisions,
        restored.revisions as f64 / seconds,
        peak_rss_kib() / 1024
    );
}
