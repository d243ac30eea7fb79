//! Writes the load benchmark's wiki (`bench/load/run.sh`) as a MediaWiki XML dump, to
//! be imported with `carnet import mediawiki`, plus the lists the load scripts read.
//!
//! ```sh
//! sudo apt-get install wfrench     # the word list, /usr/share/dict/french (else generated words)
//! cargo run --release -p carnet --example bench_wiki -- --out DIR [--pages 10000] [--revisions 100000]
//! ```
//!
//! What it writes in `DIR` (everything deterministic for a given version and seed):
//! - `dump.xml` — format 0.11, French: `--pages` articles (default 10,000) and a few
//!   templates, `--revisions` revisions in all (default 100,000). Articles look like a
//!   local French wiki's: an infobox template on a third of them, an introduction with
//!   the title in bold, two to six sections (`== Histoire ==`…) of paragraphs, lists,
//!   a table on some, footnotes (`<ref>`), wiki links to other articles (about one in
//!   twenty to a missing page: red links), an external link, one to three categories
//!   among 120, and a stub template on some. The number of revisions per page is skewed
//!   as on real wikis (most pages have a few, a few pages have hundreds): each revision
//!   changes a few words, adds a sentence, a paragraph, a section or a link; one in
//!   forty is vandalism, reverted by the next one.
//! - `titles.txt` — the articles' URL paths (`/wiki/…`, percent-encoded) and titles,
//!   tab-separated, one article a line.
//! - `words.txt` — 200 search queries (percent-encoded): 100 of the most frequent words,
//!   100 rarer ones (rank 2,000 to 10,000 of the Zipf draw).
//! - `save.json` — a realistic article text in Carnet wikitext as a JSON string, the body
//!   of the benchmark's saves.
//!
//! The words come from Debian's `wfrench` list with French function words in between
//! (drawn with Zipf frequencies, so that search has frequent and rare words); the
//! sentences are not French, the markup and sizes are a wiki's. [`VERSION`] changes
//! whenever the output changes: the script caches the imported database under it.
//! (Version 1's infobox template had a `colspan` header the importer keeps unconverted,
//! so its infoboxes showed as plain text; version 2's is a simple table.)

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark tool panics on setup failure"
)]
#![expect(clippy::indexing_slicing, reason = "indices are drawn within bounds")]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{BufWriter, Write as _};
use std::path::PathBuf;

use carnet_core::{Namespace, Title};

/// The generator's version: part of the cache key of the imported database.
const VERSION: u32 = 2;
const WORD_LIST: &str = "/usr/share/dict/french";

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

const FUNCTION_WORDS: &[&str] = &[
    "le", "la", "les", "de", "du", "des", "et", "en", "un", "une", "dans", "sur", "pour", "par",
    "avec", "qui", "que", "est", "sont", "au", "aux", "son", "sa", "ses", "ce", "cette", "à",
    "a été", "plus", "sous", "entre", "vers", "depuis", "comme", "mais", "ou", "où", "leur",
];

const PLACE_KINDS: &[&str] = &[
    "Église",
    "Château",
    "Moulin",
    "Rue",
    "Place",
    "Gare",
    "Pont",
    "Lavoir",
    "Chapelle",
    "Marché",
    "École",
    "Fontaine",
    "Abbaye",
    "Ferme",
    "Forêt",
    "Étang",
    "Quartier",
    "Association",
    "Fête",
    "Foire",
    "Musée",
    "Bibliothèque",
    "Halle",
    "Croix",
    "Tour",
];

const DEPARTEMENTS: &[&str] = &[
    "Lozère",
    "Aveyron",
    "Cantal",
    "Ardèche",
    "Gard",
    "Hérault",
    "Tarn",
    "Lot",
    "Corrèze",
    "Creuse",
    "Allier",
    "Puy-de-Dôme",
    "Haute-Loire",
    "Drôme",
    "Isère",
    "Savoie",
    "Jura",
    "Doubs",
    "Vosges",
    "Meuse",
    "Orne",
    "Manche",
    "Finistère",
    "Morbihan",
    "Vienne",
];

const SECTIONS: &[&str] = &[
    "Histoire",
    "Géographie",
    "Architecture",
    "Patrimoine",
    "Économie",
    "Vie locale",
    "Personnalités liées",
    "Culture",
    "Transports",
    "Toponymie",
    "Démographie",
    "Galerie",
];

const MONTHS: &[&str] = &[
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// The word list, shuffled: its order is the Zipf rank.
fn vocabulary(rng: &mut Rng) -> Vec<String> {
    let mut words: Vec<String> = match std::fs::read_to_string(WORD_LIST) {
        Ok(list) => list
            .lines()
            .map(str::trim)
            .filter(|w| {
                (3..=11).contains(&w.chars().count())
                    && w.chars().all(|c| c.is_alphabetic() || c == '-')
                    && w.chars().next().is_some_and(char::is_lowercase)
            })
            .map(str::to_owned)
            .collect(),
        Err(_) => {
            eprintln!("{WORD_LIST} missing (apt-get install wfrench): generated words");
            (0..60_000)
                .map(|_| {
                    (0..3 + rng.below(7))
                        .map(|_| char::from(b'a' + rng.below(26) as u8))
                        .collect()
                })
                .collect()
        }
    };
    for i in (1..words.len()).rev() {
        let j = rng.below(i + 1);
        words.swap(i, j);
    }
    words.truncate(40_000);
    words
}

struct Gen {
    rng: Rng,
    words: Vec<String>,
    titles: Vec<String>,
    categories: Vec<String>,
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Gen {
    /// A word drawn with Zipf-like frequencies (rank ~ u³: the first hundred words make
    /// a good share of the text).
    fn word(&mut self) -> String {
        let u = self.rng.unit();
        let rank = (self.words.len() as f64 * u * u * u) as usize;
        self.words[rank.min(self.words.len() - 1)].clone()
    }

    fn sentence(&mut self, links: bool) -> String {
        let length = 8 + self.rng.below(18);
        let mut out = String::new();
        for i in 0..length {
            if i > 0 {
                out.push(' ');
            }
            let word = if self.rng.chance(3) {
                (*self.rng.pick(FUNCTION_WORDS)).to_owned()
            } else {
                self.word()
            };
            if i == 0 {
                out.push_str(&capitalise(&word));
            } else if links && self.rng.chance(14) {
                out.push_str(&self.link());
            } else if self.rng.chance(60) {
                let _ = write!(out, "''{word}''");
            } else if self.rng.chance(25) {
                let _ = write!(out, "{}", 1600 + self.rng.below(425));
            } else {
                out.push_str(&word);
            }
        }
        if self.rng.chance(9) {
            let _ = write!(
                out,
                "<ref>{} {}, « {} », {} {}, p. {}.</ref>",
                capitalise(&self.word()),
                capitalise(&self.word()),
                capitalise(&self.sentence(false)).trim_end_matches('.'),
                self.rng.pick(MONTHS),
                1950 + self.rng.below(75),
                1 + self.rng.below(300)
            );
        }
        out.push('.');
        out
    }

    fn link(&mut self) -> String {
        if self.rng.chance(20) {
            // A page nobody wrote yet: a red link.
            return format!("[[{} {}]]", capitalise(&self.word()), self.word());
        }
        let target = self.rng.pick(&self.titles).clone();
        if self.rng.chance(3) {
            format!("[[{target}|{}]]", self.word())
        } else {
            format!("[[{target}]]")
        }
    }

    fn paragraph(&mut self) -> String {
        let count = 2 + self.rng.below(5);
        (0..count)
            .map(|_| self.sentence(true))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// An article as its parts, so that revisions can change one part at a time.
#[derive(Clone)]
struct Article {
    infobox: Option<String>,
    intro: String,
    sections: Vec<(String, Vec<String>)>,
    external: String,
    stub: bool,
    categories: Vec<String>,
}

impl Article {
    fn new(g: &mut Gen, title: &str) -> Article {
        let infobox = g.rng.chance(3).then(|| {
            format!(
                "{{{{Infobox Lieu\n| nom = {title}\n| commune = {}\n| département = {}\n| altitude = {} m\n| fondation = {}\n}}}}\n",
                g.link(),
                g.rng.pick(DEPARTEMENTS),
                100 + g.rng.below(1500),
                1100 + g.rng.below(800)
            )
        });
        let intro = format!(
            "'''{title}''' est {} {} {}. {}",
            g.rng.pick(&["un", "une", "le", "la"]),
            g.word(),
            g.link(),
            g.paragraph()
        );
        let categories = (0..1 + g.rng.below(3))
            .map(|_| g.rng.pick(&g.categories).clone())
            .collect();
        let external = format!(
            "* [https://www.example.org/{} Site de {}]",
            g.word(),
            capitalise(&g.word())
        );
        Article {
            infobox,
            intro,
            sections: vec![(SECTIONS[0].to_owned(), vec![g.paragraph()])],
            external,
            stub: g.rng.chance(4),
            categories,
        }
    }

    fn add_section(&mut self, g: &mut Gen) {
        if self.sections.len() >= 6 {
            let at = g.rng.below(self.sections.len());
            if self.sections[at].1.len() < 6 {
                let paragraph = g.paragraph();
                self.sections[at].1.push(paragraph);
            }
            return;
        }
        let name = SECTIONS[self.sections.len() % SECTIONS.len()].to_owned();
        let mut body = vec![g.paragraph()];
        match g.rng.below(4) {
            0 => body.push(
                (0..3 + g.rng.below(4))
                    .map(|_| format!("* {} : {}", g.link(), g.sentence(false)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            1 => {
                let mut table = String::from("{| class=\"wikitable\"\n! Année !! Événement\n");
                for _ in 0..2 + g.rng.below(4) {
                    let _ = write!(
                        table,
                        "|-\n| {} || {}\n",
                        1700 + g.rng.below(320),
                        g.sentence(false)
                    );
                }
                table.push_str("|}");
                body.push(table);
            }
            _ => body.push(g.paragraph()),
        }
        self.sections.push((name, body));
    }

    fn edit_words(&mut self, g: &mut Gen) {
        let section = g.rng.below(self.sections.len());
        let paragraphs = &mut self.sections[section].1;
        let at = g.rng.below(paragraphs.len());
        let mut words: Vec<String> = paragraphs[at].split(' ').map(str::to_owned).collect();
        for _ in 0..1 + g.rng.below(4) {
            let i = g.rng.below(words.len());
            // Only plain words: links and markup stay whole.
            if words[i].chars().all(char::is_alphabetic) {
                words[i] = g.word();
            }
        }
        paragraphs[at] = words.join(" ");
    }

    fn text(&self) -> String {
        let mut out = String::new();
        if let Some(infobox) = &self.infobox {
            out.push_str(infobox);
        }
        out.push_str(&self.intro);
        out.push('\n');
        for (name, paragraphs) in &self.sections {
            let _ = write!(out, "\n== {name} ==\n");
            for paragraph in paragraphs {
                out.push_str(paragraph);
                out.push_str("\n\n");
            }
        }
        let _ = write!(
            out,
            "== Voir aussi ==\n{}\n\n== Notes et références ==\n<references />\n",
            self.external
        );
        if self.stub {
            out.push_str("\n{{Ébauche|géographie}}\n");
        }
        out.push('\n');
        for category in &self.categories {
            let _ = writeln!(out, "[[Catégorie:{category}]]");
        }
        out
    }
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

struct Dump {
    out: BufWriter<std::fs::File>,
    revision_id: u64,
    page_id: u64,
    /// Revisions written.
    written: u64,
}

/// One revision of the dump.
struct Rev {
    time: String,
    contributor: String,
    comment: String,
    text: String,
    minor: bool,
}

impl Dump {
    fn page(&mut self, title: &str, ns: i32, revisions: &[Rev]) {
        self.page_id += 1;
        writeln!(
            self.out,
            "  <page>\n    <title>{}</title>\n    <ns>{ns}</ns>\n    <id>{}</id>",
            xml_escape(title),
            self.page_id
        )
        .unwrap();
        for rev in revisions {
            self.revision_id += 1;
            self.written += 1;
            writeln!(
                self.out,
                "    <revision>\n      <id>{}</id>\n      <timestamp>{}</timestamp>\n      <contributor>{}</contributor>\n      {}<comment>{}</comment>\n      <model>wikitext</model>\n      <format>text/x-wiki</format>\n      <text bytes=\"{}\" xml:space=\"preserve\">{}</text>\n    </revision>",
                self.revision_id,
                rev.time,
                rev.contributor,
                if rev.minor { "<minor/>\n      " } else { "" },
                xml_escape(&rev.comment),
                rev.text.len(),
                xml_escape(&rev.text)
            )
            .unwrap();
        }
        writeln!(self.out, "  </page>").unwrap();
    }
}

fn timestamp(seconds_since_2016: u64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(2016, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let at = base + chrono::Duration::seconds(seconds_since_2016 as i64);
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn contributor(rng: &mut Rng) -> String {
    if rng.chance(3) {
        format!("<ip>192.0.2.{}</ip>", rng.below(250))
    } else {
        let n = (rng.unit() * rng.unit() * 300.0) as usize;
        format!("<username>Contributrice {n}</username><id>{}</id>", n + 1)
    }
}

/// Revisions per page: one each, then the rest spread with a skew (page rank ~ u²:
/// the first pages get hundreds).
fn revision_counts(rng: &mut Rng, pages: usize, revisions: usize) -> Vec<usize> {
    let mut counts = vec![1; pages];
    for _ in pages..revisions {
        let u = rng.unit();
        let page = ((pages as f64) * u * u) as usize;
        counts[page.min(pages - 1)] += 1;
    }
    // Spread the busy pages over the alphabet and the dump.
    for i in (1..pages).rev() {
        let j = rng.below(i + 1);
        counts.swap(i, j);
    }
    counts
}

fn main() {
    let mut pages = 10_000;
    let mut revisions = 100_000;
    let mut seed = 2026;
    let mut out_dir: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pages" => pages = args.next().unwrap().parse().unwrap(),
            "--revisions" => revisions = args.next().unwrap().parse().unwrap(),
            "--seed" => seed = args.next().unwrap().parse().unwrap(),
            "--out" => out_dir = Some(PathBuf::from(args.next().unwrap())),
            "--version" => {
                println!("{VERSION}");
                return;
            }
            other => panic!("unknown argument {other}"),
        }
    }
    let Some(out_dir) = out_dir else {
        panic!("--out DIR is required");
    };
    assert!(
        pages >= 1 && revisions >= pages,
        "--revisions must be at least --pages"
    );
    std::fs::create_dir_all(&out_dir).unwrap();
    let started = std::time::Instant::now();
    let mut rng = Rng(seed);
    let words = vocabulary(&mut rng);

    // Titles: places and things of a territory, unique, already in Carnet's canonical
    // form (first letter upper case) so that the URL paths are the pages'.
    let mut seen = HashSet::new();
    let mut titles = Vec::with_capacity(pages);
    let mut g = Gen {
        rng,
        words,
        titles: Vec::new(),
        categories: Vec::new(),
    };
    while titles.len() < pages {
        let name = capitalise(&g.word());
        let title = match g.rng.below(5) {
            0 => name,
            1 => format!("{} de {name}", g.rng.pick(PLACE_KINDS)),
            2 => format!("{name} ({})", g.rng.pick(DEPARTEMENTS)),
            3 => format!("{} {name}", g.rng.pick(PLACE_KINDS)),
            _ => format!("{name}-sur-{}", capitalise(&g.word())),
        };
        if seen.insert(title.clone()) {
            titles.push(title);
        }
    }
    g.titles = titles.clone();
    g.categories = (0..120)
        .map(|i| match i % 3 {
            0 => format!("Patrimoine de {}", DEPARTEMENTS[i % DEPARTEMENTS.len()]),
            1 => format!("{} de {}", g.rng.pick(PLACE_KINDS), capitalise(&g.word())),
            _ => capitalise(&g.word()),
        })
        .collect();

    let dump_path = out_dir.join("dump.xml");
    let mut dump = Dump {
        out: BufWriter::new(std::fs::File::create(&dump_path).unwrap()),
        revision_id: 0,
        page_id: 0,
        written: 0,
    };
    writeln!(
        dump.out,
        r#"<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="fr">
  <siteinfo>
    <sitename>Banc de charge</sitename>
    <dbname>bancdecharge</dbname>
    <base>https://banc.example/wiki/Accueil</base>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="10" case="first-letter">Modèle</namespace>
      <namespace key="14" case="first-letter">Catégorie</namespace>
    </namespaces>
  </siteinfo>"#
    )
    .unwrap();
    let templates = [
        (
            "Infobox Lieu",
            "{| class=\"wikitable\"\n! Lieu !! {{{nom}}}\n|-\n| Commune || {{{commune}}}\n|-\n| Département || {{{département}}}\n|-\n| Altitude || {{{altitude}}}\n|-\n| Fondation || {{{fondation}}}\n|}\n<noinclude>Boîte d'information des lieux.</noinclude>",
        ),
        (
            "Ébauche",
            "''Cet article sur la {{{1|géographie}}} est une ébauche : vous pouvez le compléter.''<noinclude>\n[[Catégorie:Modèle d'ébauche]]</noinclude>",
        ),
    ];
    let mut revisions_written = 0;
    for (name, text) in templates {
        dump.page(
            &format!("Modèle:{name}"),
            Namespace::Template.id(),
            &[Rev {
                time: timestamp(0),
                contributor: "<username>Contributrice 0</username><id>1</id>".to_owned(),
                comment: "création".to_owned(),
                text: text.to_owned(),
                minor: false,
            }],
        );
        revisions_written += 1;
    }

    let counts = revision_counts(&mut g.rng, pages, revisions - revisions_written);
    // About ten years of history; a page's revisions follow each other.
    let span: u64 = 10 * 365 * 86_400;
    let mut paths = String::new();
    let mut last_text = String::new();
    for (i, title) in titles.iter().enumerate() {
        let parsed = Title::parse(title).unwrap();
        assert_eq!(parsed.name(), title, "generated titles are canonical");
        let _ = writeln!(paths, "/wiki/{}\t{title}", parsed.url_encoded());
        let mut article = Article::new(&mut g, title);
        let count = counts[i];
        let mut at = g.rng.next() % (span / 2);
        let step = (span - at) / (count as u64 + 1);
        let mut history = Vec::with_capacity(count);
        let mut vandalised: Option<Article> = None;
        for r in 0..count {
            let comment;
            if let Some(before) = vandalised.take() {
                article = before;
                comment = "Annulation de la modification précédente (vandalisme)".to_owned();
            } else if r == 0 {
                comment = "Création de la page".to_owned();
            } else if r + 1 < count && g.rng.chance(40) {
                vandalised = Some(article.clone());
                article.intro = format!("{} {}", g.word().to_uppercase(), g.word().to_uppercase());
                comment = String::new();
            } else {
                comment = match g.rng.below(10) {
                    0..=3 => {
                        article.edit_words(&mut g);
                        "orthographe".to_owned()
                    }
                    4..=5 => {
                        let section = g.rng.below(article.sections.len());
                        let sentence = g.sentence(true);
                        let paragraphs = &mut article.sections[section].1;
                        if let Some(last) = paragraphs.last_mut() {
                            last.push(' ');
                            last.push_str(&sentence);
                        }
                        "précisions".to_owned()
                    }
                    6..=7 => {
                        article.add_section(&mut g);
                        format!("/* {} */ ajout", article.sections.last().unwrap().0)
                    }
                    8 => {
                        let link = g.link();
                        article.intro.push_str(&format!(" Voir aussi {link}."));
                        "lien".to_owned()
                    }
                    _ => {
                        let category = g.rng.pick(&g.categories).clone();
                        if !article.categories.contains(&category) {
                            article.categories.push(category);
                        }
                        "catégorie".to_owned()
                    }
                };
            }
            at += 1 + g.rng.next() % (2 * step.max(1));
            let text = article.text();
            if r + 1 == count {
                last_text.clone_from(&text);
            }
            history.push(Rev {
                time: timestamp(at.min(span + 30 * 86_400)),
                contributor: contributor(&mut g.rng),
                minor: comment == "orthographe",
                comment,
                text,
            });
        }
        dump.page(title, 0, &history);
        revisions_written += count;
    }
    writeln!(dump.out, "</mediawiki>").unwrap();
    dump.out.flush().unwrap();
    std::fs::write(out_dir.join("titles.txt"), paths).unwrap();

    // Search queries: frequent words and rarer ones (ranks from the Zipf draw).
    let mut queries = String::new();
    for rank in (0..100).chain((0..100).map(|i| 2000 + i * 80)) {
        let word = &g.words[rank.min(g.words.len() - 1)];
        let encoded: String = percent_encode(word);
        let _ = writeln!(queries, "{encoded}");
    }
    std::fs::write(out_dir.join("words.txt"), queries).unwrap();

    // The saves' body: a real article converted to Carnet wikitext.
    let converted = carnet_mediawiki::convert::convert(&last_text).text;
    std::fs::write(
        out_dir.join("save.json"),
        serde_json::to_string(&converted).unwrap(),
    )
    .unwrap();
    let size = std::fs::metadata(&dump_path).unwrap().len();
    eprintln!(
        "bench_wiki v{VERSION}: {pages} articles, {} revisions ({revisions_written} counted), {} MiB of XML in {:.1} s",
        dump.written,
        size / (1024 * 1024),
        started.elapsed().as_secs_f64()
    );
}

fn percent_encode(word: &str) -> String {
    let mut out = String::new();
    for byte in word.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}
