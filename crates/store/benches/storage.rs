//! Compact revision storage: stored bytes against plain full copies, and the time to load
//! the oldest and the newest revision of a long history.
//!
//! Run with `cargo bench -p carnet-store --bench storage`: a temporary SQLite database,
//! or a fresh PostgreSQL database when `CARNET_TEST_DATABASE_URL` is set (see
//! `docs/PERFORMANCE.md`, "Revision storage").
//!
//! - A meeting page: 2,000 revisions, each adding a line of notes (four times in five) or
//!   changing one (a decision recorded, a name corrected).
//! - An article of about 100 KB: 500 revisions, each a small edit (a word replaced, a
//!   sentence inserted or removed) at a random place.
//!
//! Every revision goes through `Store::save`, like a real edit. The setup prints the
//! stored bytes as a share of the plain texts, the save rate, and what the codec
//! costs of it (decoding the current revision and encoding the new one, timed apart on
//! the same texts). Criterion then times `Store::revision` of the oldest, middle and
//! newest revision of each page.

#![expect(clippy::unwrap_used, reason = "benchmarks panic on setup failure")]
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::cast_precision_loss,
    reason = "generated texts, indexes in range by construction"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use carnet_core::storage::{self, Encoded, KeyframeBase};
use carnet_core::{Author, Comment, MAX_PAGE_BYTES, MergeLabels, PageText, RevisionId, Title};
use carnet_store::testing::TestDb;
use carnet_store::{Edit, SaveOutcome, Store};
use criterion::{Criterion, criterion_group, criterion_main};

/// A small deterministic generator: the same texts on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len())]
    }
}

const PEOPLE: &[&str] = &[
    "Amélie",
    "Bertrand",
    "Chloé",
    "Didier",
    "Élodie",
    "François",
    "Gaëlle",
    "Hervé",
    "Inès",
    "Jérôme",
    "Karima",
    "Léon",
    "Maëlle",
    "Noël",
    "Océane",
    "Pascal",
];
const VERBS: &[&str] = &[
    "propose",
    "rappelle",
    "demande",
    "signale",
    "s'engage à préparer",
    "présente",
    "fait remarquer",
    "suggère",
];
const SUBJECTS: &[&str] = &[
    "le budget de la fête de quartier",
    "l'éclairage de la rue des Tanneurs",
    "les horaires de la bibliothèque",
    "le compost partagé du square",
    "la sécurité aux abords de l'école",
    "le calendrier des permanences",
    "la rénovation du lavoir",
    "les bancs de la place du marché",
    "le covoiturage vers le collège",
    "l'atelier de réparation de vélos",
    "la collecte des encombrants",
    "le jardin partagé",
];
const DETAILS: &[&str] = &[
    "avant la fin du mois",
    "avec l'aide de la mairie",
    "pour la prochaine réunion",
    "si le devis est accepté",
    "en lien avec l'association des parents",
    "dès que possible",
    "après consultation des habitants",
    "sans dépense supplémentaire",
];
const WORDS: &[&str] = &[
    "le",
    "la",
    "les",
    "des",
    "du",
    "une",
    "un",
    "et",
    "dans",
    "pour",
    "avec",
    "sur",
    "que",
    "qui",
    "quartier",
    "rivière",
    "moulin",
    "église",
    "siècle",
    "habitants",
    "commune",
    "ancien",
    "nouvelle",
    "pont",
    "route",
    "marché",
    "place",
    "maison",
    "école",
    "jardin",
    "construit",
    "détruit",
    "restauré",
    "agrandi",
    "devient",
    "reste",
    "accueille",
    "abrite",
    "XVIIe",
    "XIXe",
    "1789",
    "1905",
    "1944",
    "célèbre",
    "modeste",
    "important",
    "artisans",
    "tanneurs",
    "meuniers",
    "lavandières",
    "ouvriers",
    "fabrique",
    "filature",
    "canal",
    "crue",
    "inondation",
    "incendie",
    "reconstruction",
    "municipalité",
    "paroisse",
    "patrimoine",
    "façade",
    "toiture",
    "pierre",
    "brique",
    "bois",
    "ardoise",
    "tuile",
];

/// One line of meeting notes.
fn note(rng: &mut Rng, n: usize) -> String {
    format!(
        "* {} {} {} {} (point {n}).",
        rng.pick(PEOPLE),
        rng.pick(VERBS),
        rng.pick(SUBJECTS),
        rng.pick(DETAILS)
    )
}

/// The meeting page's 2,000 texts.
fn meeting(revisions: usize) -> Vec<String> {
    let mut rng = Rng(0x5eed_0001);
    let mut lines = vec![
        "# Conseil de quartier — comptes rendus".to_owned(),
        String::new(),
        "Présents : voir la feuille d'émargement.".to_owned(),
        String::new(),
    ];
    let mut texts = Vec::with_capacity(revisions);
    for n in 0..revisions {
        if n < 5 || rng.below(5) > 0 {
            if n % 40 == 0 {
                lines.push(String::new());
                lines.push(format!("## Séance n° {}", n / 40 + 1));
            }
            lines.push(note(&mut rng, n));
        } else {
            let at = 4 + rng.below(lines.len() - 4);
            if lines[at].starts_with('*') {
                lines[at] = if rng.below(2) == 0 {
                    format!("{} — adopté à l'unanimité", lines[at])
                } else {
                    let (from, to) = (rng.pick(PEOPLE), rng.pick(PEOPLE));
                    lines[at].replacen(from, to, 1)
                };
            } else {
                lines.push(note(&mut rng, n));
            }
        }
        let mut text = lines.join("\n");
        if texts.last() == Some(&text) {
            lines.push(note(&mut rng, n));
            text = lines.join("\n");
        }
        texts.push(text);
    }
    texts
}

fn sentence(rng: &mut Rng) -> String {
    let length = 8 + rng.below(14);
    let mut words: Vec<&str> = (0..length).map(|_| rng.pick(WORDS)).collect();
    let first = words[0].to_owned();
    let mut chars = first.chars();
    let capital: String = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default();
    words[0] = &capital;
    format!("{}.", words.join(" "))
}

/// The article's 500 texts, about 100 KB each.
fn article(revisions: usize) -> Vec<String> {
    let mut rng = Rng(0x5eed_0002);
    let mut paragraphs: Vec<Vec<String>> = Vec::new();
    let mut size = 0;
    while size < 100_000 {
        let paragraph: Vec<String> = (0..5 + rng.below(5)).map(|_| sentence(&mut rng)).collect();
        size += paragraph.iter().map(|s| s.len() + 1).sum::<usize>() + 2;
        paragraphs.push(paragraph);
    }
    let render = |paragraphs: &[Vec<String>]| -> String {
        let mut text = String::from("# Histoire du quartier des Tanneurs\n\n");
        for (i, paragraph) in paragraphs.iter().enumerate() {
            if i % 6 == 0 {
                text.push_str(&format!("## Partie {}\n\n", i / 6 + 1));
            }
            text.push_str(&paragraph.join(" "));
            text.push_str("\n\n");
        }
        text.trim_end().to_owned()
    };
    let mut texts = Vec::with_capacity(revisions);
    for _ in 0..revisions {
        let p = rng.below(paragraphs.len());
        let s = rng.below(paragraphs[p].len());
        match rng.below(4) {
            0 => paragraphs[p].insert(s, sentence(&mut rng)),
            1 if paragraphs[p].len() > 2 => {
                paragraphs[p].remove(s);
            }
            _ => {
                let words: Vec<String> = paragraphs[p][s].split(' ').map(str::to_owned).collect();
                let at = rng.below(words.len());
                let mut words = words;
                words[at] = rng.pick(WORDS).to_owned();
                paragraphs[p][s] = words.join(" ");
            }
        }
        let mut text = render(&paragraphs);
        if texts.last() == Some(&text) {
            paragraphs[p].insert(s, sentence(&mut rng));
            text = render(&paragraphs);
        }
        texts.push(text);
    }
    texts
}

/// Saves every text as a revision of `title`; the ids and the wall time.
fn save_all(store: &Store, title: &Title, texts: &[String]) -> (Vec<RevisionId>, Duration) {
    let author = Author::new("Bench").unwrap();
    let comment = Comment::new("notes").unwrap();
    let edits: Vec<PageText> = texts
        .iter()
        .map(|t| PageText::new(t, MAX_PAGE_BYTES).unwrap())
        .collect();
    let mut ids = Vec::with_capacity(texts.len());
    let mut base = None;
    let started = Instant::now();
    for text in edits {
        let outcome = store
            .save(&Edit {
                title: title.clone(),
                text,
                base,
                author: author.clone(),
                user: None,
                comment: comment.clone(),
                minor: false,
                labels: MergeLabels::default(),
            })
            .unwrap();
        let id = match outcome {
            SaveOutcome::Created(meta) | SaveOutcome::Saved { revision: meta, .. } => meta.id,
            other => panic!("not saved: {other:?}"),
        };
        base = Some(id);
        ids.push(id);
    }
    (ids, started.elapsed())
}

/// What the codec costs the same saves: reading the current revision (its keyframe,
/// then the delta) and encoding the new text, with the store's keyframe choices.
fn codec_time(texts: &[String]) -> Duration {
    let mut keyframe: (String, Vec<u8>) = (String::new(), Vec::new());
    let mut chain = 0u64;
    let mut current: Option<(Encoded, usize)> = None;
    let started = Instant::now();
    for text in texts {
        let base = match &current {
            Some((encoded, size)) => {
                let read = storage::decode_keyframe(&keyframe.1, keyframe.0.len()).unwrap();
                if let Encoded::Delta { content, .. } = encoded {
                    black_box(storage::decode_delta(content, &read, *size).unwrap());
                }
                black_box(read);
                Some(KeyframeBase {
                    text: &keyframe.0,
                    stored_bytes: keyframe.1.len() as u64,
                    chain_bytes: chain,
                })
            }
            None => None,
        };
        let encoded = storage::encode(text, base).unwrap();
        if let Encoded::Keyframe { content } = &encoded {
            keyframe = (text.clone(), content.clone());
        }
        chain = encoded.chain_bytes();
        current = Some((encoded, text.len()));
    }
    started.elapsed()
}

fn report(store: &Store, name: &str, title: &Title, texts: &[String], took: Duration) {
    let (summary, _) = store.page(title).unwrap().unwrap();
    let stats = store.storage_stats(Some(summary.id)).unwrap();
    let codec = codec_time(texts);
    let n = texts.len() as f64;
    println!(
        "{name}: {} revisions, {} keyframes, {} deltas; plain copies {} bytes, stored {} bytes \
         = {:.2} % ({:.0} bytes a revision); saves {:.0}/s ({:.0} µs each), of which codec \
         {:.0} µs ({:.1} %)",
        stats.revisions,
        stats.keyframes,
        stats.deltas,
        stats.text_bytes,
        stats.stored_bytes,
        100.0 * stats.stored_bytes as f64 / stats.text_bytes as f64,
        stats.stored_bytes as f64 / n,
        n / took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / n,
        codec.as_secs_f64() * 1e6 / n,
        100.0 * codec.as_secs_f64() / took.as_secs_f64(),
    );
}

fn bench(c: &mut Criterion) {
    let db = TestDb::new();
    let store = db.store().unwrap();
    let pages = [
        (
            "meeting_2000",
            Title::parse("Conseil de quartier").unwrap(),
            meeting(2_000),
        ),
        (
            "article_100k_500",
            Title::parse("Histoire du quartier").unwrap(),
            article(500),
        ),
    ];
    let mut loaded = Vec::new();
    for (name, title, texts) in &pages {
        let (ids, took) = save_all(&store, title, texts);
        report(&store, name, title, texts, took);
        loaded.push((*name, ids));
    }
    let mut group = c.benchmark_group("storage/load");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(4));
    for (name, ids) in &loaded {
        for (which, id) in [
            ("oldest", ids[0]),
            ("middle", ids[ids.len() / 2]),
            ("newest", ids[ids.len() - 1]),
        ] {
            group.bench_function(format!("{name}/{which}"), |b| {
                b.iter(|| black_box(store.revision(id).unwrap().unwrap()));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
