//! `carnet import mediawiki` speed: revisions per second on the 135-revision German
//! Wiktionary history of `shared/corpora/mediawiki-xml` and on a generated dump, and
//! the process's peak memory (to show that it does not grow with the dump).
//!
//! ```sh
//! sudo apt-get install wfrench     # the word list, /usr/share/dict/french (else generated words)
//! cargo run --release -p carnet --example import_bench -- --pages 2000 --revisions-per-page 50
//! ```
//!
//! - The generated dump (format 0.11, written to a temporary file first, streamed) has
//!   `--pages` pages (default 2,000) of `--revisions-per-page` revisions (default 50):
//!   each page starts with 150 to 400 words drawn from the word list with a fixed seed,
//!   a few links and a category, and each revision changes a few words and appends a
//!   sentence, as real histories do; authors alternate between 20 names and addresses.
//! - Each dump is imported into a fresh temporary SQLite database (or a fresh
//!   PostgreSQL database on the server of `CARNET_TEST_DATABASE_URL`) through the same
//!   code as the command (`carnet::import::import_dump`, the renderer as link
//!   analyzer), with the default batches.
//! - Output: revisions, seconds, revisions per second (wall clock), the CPU time the
//!   import used (user + system, from `/proc/self/stat`: on a shared machine the wall
//!   clock measures the neighbours too) and revisions per CPU second, and the peak
//!   resident memory (`VmHWM`) after each import.

#![expect(clippy::unwrap_used, reason = "a benchmark panics on setup failure")]
#![expect(clippy::indexing_slicing, reason = "indices are drawn within bounds")]

use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::time::Instant;

use carnet::import::{ImportOptions, ReportRow, import_dump};
use carnet_store::testing::TestDb;

const WORD_LIST: &str = "/usr/share/dict/french";

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

fn words() -> Vec<String> {
    match std::fs::read_to_string(WORD_LIST) {
        Ok(list) => list
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty() && !w.contains(['&', '<', '>', '[', ']', '{', '}']))
            .map(str::to_owned)
            .collect(),
        Err(_) => {
            eprintln!("{WORD_LIST} missing: generated words");
            let mut rng = Rng(7);
            (0..50_000)
                .map(|_| {
                    (0..3 + rng.below(6))
                        .map(|_| char::from(b'a' + rng.below(26) as u8))
                        .collect()
                })
                .collect()
        }
    }
}

fn generate(path: &Path, pages: usize, revisions_per_page: usize) -> u64 {
    let words = words();
    let mut rng = Rng(42);
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        out,
        r#"<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="fr">
  <siteinfo>
    <sitename>Banc d'essai</sitename>
    <dbname>bancwiki</dbname>
    <base>https://banc.example/wiki/Accueil</base>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="14" case="first-letter">Catégorie</namespace>
    </namespaces>
  </siteinfo>"#
    )
    .unwrap();
    let mut revision_id = 1_000_u64;
    let mut total = 0;
    for page in 0..pages {
        let title = format!("{} {page}", words[rng.below(words.len())]);
        writeln!(
            out,
            "  <page>\n    <title>{title}</title>\n    <ns>0</ns>\n    <id>{}</id>",
            page + 1
        )
        .unwrap();
        let count = 150 + rng.below(250);
        let mut text: Vec<String> = (0..count)
            .map(|_| words[rng.below(words.len())].clone())
            .collect();
        for _ in 0..3 {
            let at = rng.below(text.len());
            text[at] = format!("[[{}]]", words[rng.below(words.len())]);
        }
        for r in 0..revisions_per_page {
            for _ in 0..3 {
                let at = rng.below(text.len());
                text[at] = words[rng.below(words.len())].clone();
            }
            text.push(format!("{}.", words[rng.below(words.len())]));
            let body = format!("{}\n\n[[Catégorie:{}]]", text.join(" "), words[page % 50]);
            revision_id += 1;
            let contributor = if r % 3 == 2 {
                format!("<ip>192.0.2.{}</ip>", rng.below(200))
            } else {
                format!(
                    "<username>Contributrice {}</username><id>{}</id>",
                    r % 20,
                    r % 20 + 1
                )
            };
            writeln!(
                out,
                "    <revision>\n      <id>{revision_id}</id>\n      <timestamp>2020-{:02}-{:02}T{:02}:00:00Z</timestamp>\n      <contributor>{contributor}</contributor>\n      {}<comment>révision {r}</comment>\n      <model>wikitext</model>\n      <format>text/x-wiki</format>\n      <text bytes=\"{}\" xml:space=\"preserve\">{}</text>\n    </revision>",
                1 + r / 28 % 12,
                1 + r % 28,
                page % 24,
                if r % 4 == 1 { "<minor/>\n      " } else { "" },
                body.len(),
                body.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
            )
            .unwrap();
            total += 1;
        }
        writeln!(out, "  </page>").unwrap();
    }
    writeln!(out, "</mediawiki>").unwrap();
    out.flush().unwrap();
    total
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU seconds (user + system) this process used so far, from `/proc/self/stat`.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 12th, stime
    // the 13th, in clock ticks (100 a second on Linux).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn import(label: &str, path: &Path) {
    let db = TestDb::new();
    let store = carnet_web::AppState::new(db.store().unwrap())
        .unwrap()
        .store;
    let mut opened = carnet_mediawiki::dump::open(path).unwrap();
    let mut report: Vec<ReportRow> = Vec::new();
    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let summary = import_dump(
        &store,
        &mut opened.reader,
        ImportOptions::default(),
        &mut report,
        &mut |_| {},
    )
    .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    assert_eq!(summary.revisions_added, summary.revisions_read);
    println!(
        "| {label} | {} | {} | {seconds:.2} | {:.0} | {cpu:.2} | {:.0} | {} |",
        summary.pages_read,
        summary.revisions_added,
        summary.revisions_added as f64 / seconds,
        summary.revisions_added as f64 / cpu.max(0.01),
        peak_rss_kib() / 1024
    );
}

fn main() {
    let mut pages = 2000;
    let mut per_page = 50;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pages" => pages = args.next().unwrap().parse().unwrap(),
            "--revisions-per-page" => per_page = args.next().unwrap().parse().unwrap(),
            other => panic!("unknown argument {other}"),
        }
    }
    let backend = if std::env::var(carnet_store::testing::TEST_DATABASE_URL)
        .is_ok_and(|url| !url.is_empty())
    {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("{backend}\n");
    println!(
        "| dump | pages | revisions | seconds | revisions/s | CPU seconds | revisions/CPU s | peak RSS (MiB) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora/mediawiki-xml/dewiktionary-Hallo-history.xml");
    if corpus.exists() {
        import("dewiktionary-Hallo-history.xml", &corpus);
    } else {
        eprintln!("skipped: {} is missing", corpus.display());
    }
    let dir = tempfile::tempdir().unwrap();
    let generated = dir.path().join("generated.xml");
    let started = Instant::now();
    let revisions = generate(&generated, pages, per_page);
    let size = std::fs::metadata(&generated).unwrap().len();
    eprintln!(
        "generated {revisions} revisions, {} MiB, in {:.1} s",
        size / (1024 * 1024),
        started.elapsed().as_secs_f64()
    );
    import(
        &format!(
            "generated, {pages} × {per_page}, {} MiB",
            size / (1024 * 1024)
        ),
        &generated,
    );
}
