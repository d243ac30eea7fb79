//! Carnet's full render of a 100 KB page with 500 wiki links and 20 template calls,
//! against comrak alone on the same text (and comrak + ammonia, the crates.io way), in
//! the same run. The ratio full / comrak is what docs/PERFORMANCE.md reports.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "benchmarks fail loudly on setup"
)]

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::time::Duration;

use carnet_core::Title;
use carnet_render::{ListOrder, Messages, WikiData, render};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const WORDS: [&str; 24] = [
    "quartier",
    "marché",
    "école",
    "rivière",
    "pont",
    "bibliothèque",
    "habitants",
    "rue",
    "place",
    "histoire",
    "association",
    "jardin",
    "fête",
    "mairie",
    "église",
    "atelier",
    "samedi",
    "voisins",
    "musique",
    "théâtre",
    "vélo",
    "boulangerie",
    "parc",
    "gare",
];

/// An in-memory wiki: half the linked pages exist, templates have parameters.
struct Wiki {
    existing: HashSet<Title>,
    templates: HashMap<Title, String>,
}

impl WikiData for Wiki {
    fn existing(&self, titles: &[Title]) -> HashSet<Title> {
        titles
            .iter()
            .filter(|t| self.existing.contains(t))
            .cloned()
            .collect()
    }

    fn template_source(&self, title: &Title) -> Option<String> {
        self.templates.get(title).cloned()
    }

    fn category_members(&self, _: &Title, _: usize, _: ListOrder) -> Vec<Title> {
        Vec::new()
    }
}

/// ~100 KB of Markdown: sections, paragraphs, lists, a table, 500 wiki links and 20
/// template calls.
fn page_text() -> String {
    let mut text = String::new();
    let mut links = 0;
    let mut templates = 0;
    let mut n = 0usize;
    let mut word = || {
        n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        WORDS[(n >> 8) % WORDS.len()]
    };
    let mut section = 0;
    while text.len() < 100 * 1024 {
        section += 1;
        text.push_str(&format!(
            "## Section {section} : {} et {}\n\n",
            word(),
            word()
        ));
        for paragraph in 0..4 {
            for sentence in 0..6 {
                text.push_str(word());
                text.push(' ');
                text.push_str(word());
                if links < 500 && (sentence + paragraph) % 2 == 0 {
                    links += 1;
                    text.push_str(&format!(" [[{} {}|{}]]", word(), links % 37, word()));
                }
                text.push_str(&format!(" **{}** {} *{}*. ", word(), word(), word()));
            }
            text.push_str("\n\n");
        }
        if templates < 20 {
            templates += 1;
            text.push_str(&format!("{{{{Encart|{}|lieu={}}}}}\n\n", word(), word()));
        }
        text.push_str(&format!("- {}\n- {}\n- [[{}]]\n\n", word(), word(), word()));
        if section % 5 == 0 {
            text.push_str("| lieu | jour |\n|---|---|\n| marché | samedi |\n| gare | lundi |\n\n");
        }
    }
    text.push_str("[[Catégorie:Quartier]]\n");
    assert!(
        links >= 500 && templates == 20,
        "{links} links, {templates} templates"
    );
    text
}

fn wiki() -> Wiki {
    let mut existing = HashSet::new();
    for word in WORDS {
        for i in (0..37).step_by(2) {
            existing.insert(Title::parse(&format!("{word} {i}")).unwrap());
        }
    }
    let mut templates = HashMap::new();
    templates.insert(
        Title::parse("Modèle:Encart").unwrap(),
        "<noinclude>Un encart.</noinclude>> **{{{1}}}** — {{Lieu|{{{lieu|ici}}}}}".to_owned(),
    );
    templates.insert(
        Title::parse("Modèle:Lieu").unwrap(),
        "à [[{{{1}}}]]".to_owned(),
    );
    Wiki {
        existing,
        templates,
    }
}

fn comrak_options() -> comrak::Options<'static> {
    let mut options = comrak::Options::default();
    options.extension.strikethrough = true;
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.extension.footnotes = true;
    options.extension.wikilinks_title_after_pipe = true;
    options.render.r#unsafe = true;
    options
}

fn bench_render(c: &mut Criterion) {
    let text = page_text();
    let wiki = wiki();
    let page = Title::parse("Quartier").unwrap();
    let messages = Messages::default();
    let options = comrak_options();
    let mut group = c.benchmark_group("render/100KB_500_links_20_templates");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("comrak_alone", |b| {
        b.iter(|| comrak::markdown_to_html(black_box(&text), &options))
    });
    group.bench_function("comrak_and_ammonia", |b| {
        b.iter(|| ammonia::clean(&comrak::markdown_to_html(black_box(&text), &options)))
    });
    group.bench_function("carnet_full", |b| {
        b.iter(|| render(black_box(&text), &page, &wiki, &messages))
    });
    group.finish();
}

/// Deeply nested block quotes, 4,000 and 16,000 markers: with depth bounded, four times
/// the input should cost about four times the time (it cost 100× before).
fn bench_nesting(c: &mut Criterion) {
    let wiki = wiki();
    let page = Title::parse("Quartier").unwrap();
    let messages = Messages::default();
    let mut group = c.benchmark_group("render/nested_quotes");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for markers in [4_000, 16_000] {
        let text = format!("{}citation\n", ">".repeat(markers));
        group.bench_function(format!("{markers}_markers"), |b| {
            b.iter(|| render(black_box(&text), &page, &wiki, &messages))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_render, bench_nesting);
criterion_main!(benches);
