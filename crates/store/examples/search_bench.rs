//! Full-text search latency on N generated French pages (issue 7).
//!
//! ```sh
//! sudo apt-get install wfrench     # the word list, /usr/share/dict/french
//! cargo run --release -p carnet-store --example search_bench -- --pages 100000
//! ```
//!
//! - Database: a temporary SQLite file; a fresh PostgreSQL database (dropped afterwards)
//!   on the server named by `CARNET_TEST_DATABASE_URL`; or, with `--database-url URL`,
//!   that database itself (it must hold no page: the benchmark leaves its pages there).
//! - Pages: `--pages N` (default 100,000) of 150 to 400 words each, drawn from the word
//!   list (shuffled with a fixed seed) with a Zipf-like frequency (weight 1/rank), so a
//!   few words are on nearly every page and most are on none or a handful. Everything
//!   is seeded (`--seed`): two runs build the same wiki. They are saved one by one
//!   through `Store::save`, like real edits (which indexes them), by `--writers` threads
//!   (default 2); the load time is reported.
//! - Queries: `--queries` (default 300) of each kind: one word (half among the 100 most
//!   frequent words, half rarer than rank 5,000), two words (any two Zipf-drawn words),
//!   and a two-word phrase (two neighbouring words of a generated page, so it matches).
//!   Each query asks for the first page of 20 results, with the total count, as
//!   Spécial:Recherche does. Rounds interleave the kinds with a reference, a read of a
//!   page by title (`Store::page`), so that load on the machine hits them alike and the
//!   figures can be read as ratios to the reference.
//! - Output: a markdown table of p50/p95/p99 latencies and result counts.

#![expect(clippy::unwrap_used, reason = "a benchmark panics on setup failure")]
#![expect(clippy::expect_used, reason = "a benchmark panics on setup failure")]
#![expect(clippy::indexing_slicing, reason = "indices are drawn within bounds")]

use std::hint::black_box;
use std::time::{Duration, Instant};

use carnet_core::{
    Analyzer, Author, Comment, MAX_PAGE_BYTES, MergeLabels, PageText, SearchQuery, Title,
};
use carnet_store::testing::TestDb;
use carnet_store::{Edit, SaveOutcome, SearchFilter, Store, StoreConfig};

const WORD_LIST: &str = "/usr/share/dict/french";
const RESULTS_PER_PAGE: usize = 20;

/// splitmix64: small, seeded, good enough to draw words.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }

    /// A float in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The word list, shuffled, with cumulative Zipf weights (rank r weighs 1/r).
struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn load(seed: u64) -> Vocabulary {
        let text = match std::fs::read_to_string(WORD_LIST) {
            Ok(text) => text,
            Err(e) => {
                eprintln!(
                    "cannot read the French word list {WORD_LIST}: {e}\n\
                     Install it with: sudo apt-get install wfrench (Debian/Ubuntu)"
                );
                std::process::exit(2);
            }
        };
        let mut words: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let mut rng = Rng(seed ^ 0x5EED);
        for i in (1..words.len()).rev() {
            let j = rng.below(i + 1);
            words.swap(i, j);
        }
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    /// The rank of a Zipf-drawn word.
    fn draw(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = rng.unit() * total;
        self.cumulative
            .partition_point(|&c| c <= target)
            .min(self.words.len() - 1)
    }

    fn page_words(&self, rng: &mut Rng) -> Vec<usize> {
        let count = 150 + rng.below(251);
        (0..count).map(|_| self.draw(rng)).collect()
    }

    /// A page's text: sentences of 6 to 15 words, paragraphs of 4 sentences.
    fn page_text(&self, ranks: &[usize], rng: &mut Rng) -> String {
        let mut text = String::new();
        let mut in_sentence = 0;
        let mut sentence_length = 6 + rng.below(10);
        let mut sentences = 0;
        for &rank in ranks {
            let word = &self.words[rank];
            if in_sentence == 0 {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    text.extend(first.to_uppercase());
                    text.push_str(chars.as_str());
                }
            } else {
                text.push(' ');
                text.push_str(word);
            }
            in_sentence += 1;
            if in_sentence == sentence_length {
                text.push('.');
                in_sentence = 0;
                sentence_length = 6 + rng.below(10);
                sentences += 1;
                text.push_str(if sentences % 4 == 0 { "\n\n" } else { " " });
            }
        }
        if in_sentence > 0 {
            text.push('.');
        }
        text
    }
}

/// Page `index`'s title, its word ranks and its text: a function of the seed alone.
fn page(vocabulary: &Vocabulary, seed: u64, index: usize) -> (Title, Vec<usize>, String) {
    let mut rng = Rng(seed.wrapping_mul(0x1_0000_0001).wrapping_add(index as u64));
    let ranks = vocabulary.page_words(&mut rng);
    let text = vocabulary.page_text(&ranks, &mut rng);
    let title = Title::parse(&format!(
        "Page {index} {}",
        vocabulary.words[vocabulary.draw(&mut rng)]
    ))
    .unwrap();
    (title, ranks, text)
}

struct Options {
    pages: usize,
    queries: usize,
    writers: usize,
    seed: u64,
    database_url: Option<String>,
}

fn options() -> Options {
    let mut options = Options {
        pages: 100_000,
        queries: 300,
        writers: 2,
        seed: 7,
        database_url: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--pages" => options.pages = value().parse().expect("--pages N"),
            "--queries" => options.queries = value().parse().expect("--queries N"),
            "--writers" => options.writers = value().parse().expect("--writers N"),
            "--seed" => options.seed = value().parse().expect("--seed N"),
            "--database-url" => options.database_url = Some(value()),
            "--bench" => {} // passed by `cargo bench`-style runners
            other => panic!(
                "unknown argument {other}; use --pages N --queries N --writers N --seed N \
                 --database-url URL"
            ),
        }
    }
    options
}

fn load(store: &Store, vocabulary: &Vocabulary, options: &Options) -> Duration {
    let start = Instant::now();
    let author = Author::new("Banc d'essai").unwrap();
    let comment = Comment::new("page générée").unwrap();
    let writers = options.writers.max(1);
    std::thread::scope(|scope| {
        for writer in 0..writers {
            let (author, comment) = (author.clone(), comment.clone());
            scope.spawn(move || {
                for index in (writer..options.pages).step_by(writers) {
                    let (title, _, text) = page(vocabulary, options.seed, index);
                    let edit = Edit {
                        title,
                        text: PageText::new(&text, MAX_PAGE_BYTES).unwrap(),
                        base: None,
                        author: author.clone(),
                        user: None,
                        comment: comment.clone(),
                        minor: false,
                        labels: MergeLabels::default(),
                    };
                    match store.save(&edit).unwrap() {
                        SaveOutcome::Created(_) => {}
                        other => panic!("expected a new page, got {other:?}"),
                    }
                    if writer == 0 && index % 10_000 < writers {
                        eprintln!(
                            "  {index} pages saved, {:.0} s",
                            start.elapsed().as_secs_f64()
                        );
                    }
                }
            });
        }
    });
    start.elapsed()
}

#[derive(Default)]
struct Samples {
    times: Vec<Duration>,
    totals: Vec<i64>,
}

impl Samples {
    fn percentile(&self, p: f64) -> Duration {
        let mut times = self.times.clone();
        times.sort();
        if times.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * times.len() as f64).ceil() as usize;
        times[rank.clamp(1, times.len()) - 1]
    }

    fn total_percentile(&self, p: f64) -> i64 {
        let mut totals = self.totals.clone();
        totals.sort();
        if totals.is_empty() {
            return 0;
        }
        let rank = ((p / 100.0) * totals.len() as f64).ceil() as usize;
        totals[rank.clamp(1, totals.len()) - 1]
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let options = options();
    let vocabulary = Vocabulary::load(options.seed);
    let db;
    let (store, backend) = match &options.database_url {
        Some(url) => (Store::open(&StoreConfig::new(url)).unwrap(), "given URL"),
        None => {
            db = TestDb::new();
            let backend = if db.url().starts_with("postgres") {
                "PostgreSQL (fresh database)"
            } else {
                "SQLite (temporary file)"
            };
            (db.store().unwrap(), backend)
        }
    };
    eprintln!(
        "{} words; saving {} pages on {backend} with {} writers…",
        vocabulary.words.len(),
        options.pages,
        options.writers
    );
    let load_time = load(&store, &vocabulary, &options);
    eprintln!("loaded in {:.1} s", load_time.as_secs_f64());

    // Queries, drawn from a seeded generator of their own.
    let analyzer = Analyzer::new(store.search_language());
    let mut rng = Rng(options.seed ^ 0xC0FFEE);
    let frequent = 100.min(vocabulary.words.len());
    let rare_from = 5_000.min(vocabulary.words.len() - 1);
    let mut one = Vec::new();
    let mut two = Vec::new();
    let mut phrases = Vec::new();
    let mut references = Vec::new();
    for q in 0..options.queries {
        let rank = if q % 2 == 0 {
            rng.below(frequent)
        } else {
            rare_from + rng.below(vocabulary.words.len() - rare_from)
        };
        one.push(vocabulary.words[rank].clone());
        two.push(format!(
            "{} {}",
            vocabulary.words[vocabulary.draw(&mut rng)],
            vocabulary.words[vocabulary.draw(&mut rng)]
        ));
        let (title, ranks, _) = page(&vocabulary, options.seed, rng.below(options.pages));
        let at = rng.below(ranks.len() - 1);
        phrases.push(format!(
            "\"{} {}\"",
            vocabulary.words[ranks[at]],
            vocabulary.words[ranks[at + 1]]
        ));
        references.push(title);
    }
    let filter = SearchFilter {
        limit: RESULTS_PER_PAGE,
        ..SearchFilter::default()
    };
    let run = |text: &str, samples: &mut Samples| {
        let query = SearchQuery::parse(text, &analyzer).unwrap();
        let start = Instant::now();
        let results = store.search(&query, &filter).unwrap();
        samples.times.push(start.elapsed());
        samples.totals.push(results.total);
        black_box(results);
    };
    // A warm-up round of each kind, not counted.
    let mut warm = Samples::default();
    for i in 0..options.queries.min(20) {
        run(&one[i], &mut warm);
        run(&two[i], &mut warm);
        run(&phrases[i], &mut warm);
        black_box(store.page(&references[i]).unwrap());
    }
    let (mut s_one, mut s_two, mut s_phrase, mut s_ref) = Default::default();
    let started = Instant::now();
    for i in 0..options.queries {
        let start = Instant::now();
        let found = store.page(&references[i]).unwrap();
        let reference: &mut Samples = &mut s_ref;
        reference.times.push(start.elapsed());
        reference.totals.push(i64::from(found.is_some()));
        run(&one[i], &mut s_one);
        run(&two[i], &mut s_two);
        run(&phrases[i], &mut s_phrase);
    }
    let query_time = started.elapsed();

    println!(
        "\n{} pages on {backend}; loaded in {:.1} s ({:.2} ms a page, {} writers); \
         {} queries of each kind in {:.1} s.\n",
        options.pages,
        load_time.as_secs_f64(),
        load_time.as_secs_f64() * 1000.0 / options.pages.max(1) as f64,
        options.writers,
        options.queries,
        query_time.as_secs_f64()
    );
    println!("| Query | p50 | p95 | p99 | p50 / reference | results: median (p95) | no result |");
    println!("|---|---|---|---|---|---|---|");
    let reference_p50 = s_ref.percentile(50.0).as_secs_f64();
    let rows: [(&str, &Samples); 4] = [
        ("page read by title (reference)", &s_ref),
        ("one word", &s_one),
        ("two words", &s_two),
        ("two-word phrase", &s_phrase),
    ];
    for (name, samples) in rows {
        let empty = samples.totals.iter().filter(|&&t| t == 0).count();
        println!(
            "| {name} | {} | {} | {} | {:.1}× | {} ({}) | {empty} |",
            ms(samples.percentile(50.0)),
            ms(samples.percentile(95.0)),
            ms(samples.percentile(99.0)),
            samples.percentile(50.0).as_secs_f64() / reference_p50,
            samples.total_percentile(50.0),
            samples.total_percentile(95.0),
        );
    }
    // One-word queries split by frequency (even = frequent, odd = rare).
    for (name, parity) in [("one frequent word", 0), ("one rare word", 1)] {
        let part = Samples {
            times: s_one
                .times
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 2 == parity)
                .map(|(_, t)| *t)
                .collect(),
            totals: s_one
                .totals
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 2 == parity)
                .map(|(_, t)| *t)
                .collect(),
        };
        let empty = part.totals.iter().filter(|&&t| t == 0).count();
        println!(
            "| ↳ {name} | {} | {} | {} | {:.1}× | {} ({}) | {empty} |",
            ms(part.percentile(50.0)),
            ms(part.percentile(95.0)),
            ms(part.percentile(99.0)),
            part.percentile(50.0).as_secs_f64() / reference_p50,
            part.total_percentile(50.0),
            part.total_percentile(95.0),
        );
    }
}
