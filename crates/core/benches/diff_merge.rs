//! Diff and merge of two ~100 KB revisions, and the save decision built on the merge.
//!
//! Run with `cargo bench -p carnet-core --bench diff_merge`; figures and their reading
//! are in `docs/PERFORMANCE.md`. Every group has a reference case measured in the same
//! run (`identical` texts), so results are compared as ratios, not absolute times.
//!
//! The texts are generated deterministically (a small linear congruential generator over
//! a built-in French word list): the same bytes on every machine and every run.

#![expect(clippy::unwrap_used, reason = "benchmarks panic on setup failure")]

use std::hint::black_box;
use std::time::Duration;

use carnet_core::{
    Diff, MAX_PAGE_BYTES, MergeLabels, MergeOutcome, PageText, RevisionId, SaveDecision,
    decide_save, merge,
};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

/// Size the generated page reaches (bytes): about 1,570 lines, 1,220 of them text.
const TARGET_BYTES: usize = 100 * 1024;

/// The vocabulary of the generated pages.
const WORDS: &str = "\
    le la les un une des du de et ou mais donc pour avec sans sous sur dans entre \
    vers chez quartier mairie marché école bibliothèque association réunion conseil \
    habitants rue place jardin fontaine église gare pont rivière forêt village \
    commune département région histoire patrimoine fête été hiver printemps automne \
    matin soir samedi dimanche ouvert fermé gratuit inscription bénévoles comité \
    budget travaux vélo piste stationnement trottoir éclairage propreté déchets tri \
    compost potager enfants parents aînés collège lycée cantine horaires accès \
    adresse téléphone courriel site page article modifier ajouter corriger compléter \
    vérifier source photo carte plan liste exemple décision vote procès-verbal ordre \
    jour prochaine dernière nouvelle ancienne grande petite belle vieille très aussi \
    encore toujours souvent parfois depuis pendant avant après ici là-bas près loin \
    était sera ont sont fait dit peut doit faut voir aller";

/// Knuth's MMIX constants: deterministic, good enough to pick words.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        let n = u64::try_from(n).unwrap_or(u64::MAX).max(1);
        usize::try_from(self.next() % n).unwrap_or(0)
    }

    fn word(&mut self) -> &'static str {
        let count = WORDS.split(' ').count();
        WORDS.split(' ').nth(self.below(count)).unwrap_or("mot")
    }

    fn sentence(&mut self, min: usize, max: usize) -> String {
        let count = min + self.below(max - min + 1);
        let mut words: Vec<String> = (0..count).map(|_| self.word().to_owned()).collect();
        if let Some(first) = words.first_mut() {
            let mut chars = first.chars();
            if let Some(c) = chars.next() {
                *first = c.to_uppercase().chain(chars).collect();
            }
        }
        // Wiki pages link to each other.
        if self.below(4) == 0
            && let Some(word) = words.last_mut()
        {
            *word = format!("[[{word}]]");
        }
        let mut sentence = words.join(" ");
        sentence.push('.');
        sentence
    }
}

/// A Markdown page of about `TARGET_BYTES`: sections with short paragraphs, bullet
/// lists and blank lines between blocks, like a neighbourhood wiki page.
fn page() -> String {
    let mut rng = Lcg(0x00ca_12e7);
    let mut page = String::from("# Quartier de la Gare\n");
    let mut section = 0;
    while page.len() < TARGET_BYTES {
        page.push('\n');
        let block: Vec<String> = match rng.below(6) {
            0 => {
                section += 1;
                vec![format!("## {} {section}", rng.sentence(2, 4))]
            }
            1 | 2 => (0..3 + rng.below(5))
                .map(|_| format!("- {}", rng.sentence(4, 12)))
                .collect(),
            _ => (0..2 + rng.below(3))
                .map(|_| rng.sentence(10, 22))
                .collect(),
        };
        for line in block {
            page.push_str(&line);
            page.push('\n');
        }
    }
    page
}

/// Rewrites the lines of `text` for which `pick(index)` is true: a word changes and one
/// is added, the way a copy-edit touches a line. `tag` makes two edit sets differ.
fn edit_lines(text: &str, tag: &str, pick: impl Fn(usize) -> bool) -> String {
    text.lines()
        .enumerate()
        .map(|(index, line)| {
            if line.is_empty() || !pick(index) {
                return line.to_owned();
            }
            let mut words: Vec<&str> = line.split(' ').collect();
            let middle = words.len() / 2;
            if let Some(word) = words.get_mut(middle) {
                *word = tag;
            }
            let mut edited = words.join(" ");
            edited.push_str(" (modifié)");
            edited
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A heavy revision touching 30% of the non-blank lines: 24% rewritten, 3% deleted,
/// 3% followed by a new line.
fn heavy_edit(text: &str) -> String {
    let mut rng = Lcg(0x0042);
    let mut out = Vec::new();
    for line in text.lines() {
        let roll = rng.below(100);
        if line.is_empty() || roll >= 30 {
            out.push(line.to_owned());
        } else if roll < 3 {
            // deleted
        } else if roll < 6 {
            out.push(line.to_owned());
            out.push(format!("- {}", rng.sentence(4, 10)));
        } else {
            out.push(rng.sentence(6, 16));
        }
    }
    out.join("\n")
}

/// Indices of the non-empty lines, so edits land on text, not on blank separators.
fn text_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.is_empty())
        .map(|(index, _)| index)
        .collect()
}

/// `count` non-empty line indices spread evenly over the page, shifted by `offset`.
fn scattered(text: &str, count: usize, offset: usize) -> Vec<usize> {
    let lines = text_lines(text);
    let step = lines.len() / count;
    (0..count)
        .filter_map(|i| lines.get(i * step + offset).copied())
        .collect()
}

fn bench_diff(c: &mut Criterion) {
    let base = page();
    let few_lines = scattered(&base, 20, 0);
    let few = edit_lines(&base, "changé", |i| few_lines.contains(&i));
    let heavy = heavy_edit(&base);
    assert_eq!(Diff::between(&base, &few).line_counts(), (20, 20));
    let (inserted, deleted) = Diff::between(&base, &heavy).line_counts();
    let lines = base.lines().count();
    assert!(inserted * 100 / lines >= 15 && deleted * 100 / lines >= 15);

    let mut group = c.benchmark_group("diff/100KB");
    group.throughput(Throughput::Bytes(base.len() as u64));
    group.bench_function("identical", |b| {
        b.iter(|| Diff::between(black_box(&base), black_box(&base)));
    });
    group.bench_function("20_lines_changed", |b| {
        b.iter(|| Diff::between(black_box(&base), black_box(&few)));
    });
    group.bench_function("30pct_lines_changed", |b| {
        b.iter(|| Diff::between(black_box(&base), black_box(&heavy)));
    });
    group.finish();
}

fn bench_merge(c: &mut Criterion) {
    let base = page();
    let labels = MergeLabels::default();
    // Theirs and mine each change 20 lines, 20 text lines apart: no overlap.
    let their_lines = scattered(&base, 20, 0);
    let my_lines = scattered(&base, 20, 20);
    let theirs = edit_lines(&base, "enregistré", |i| their_lines.contains(&i));
    let mine = edit_lines(&base, "mien", |i| my_lines.contains(&i));
    // Both change the same 20 lines differently, plus 20 lines each elsewhere.
    let shared = scattered(&base, 20, 10);
    let theirs_conflicting = edit_lines(&base, "enregistré", |i| {
        shared.contains(&i) || their_lines.contains(&i)
    });
    let mine_conflicting = edit_lines(&base, "mien", |i| {
        shared.contains(&i) || my_lines.contains(&i)
    });
    assert!(matches!(
        merge(&base, &theirs, &mine, &labels),
        MergeOutcome::Clean(_)
    ));
    assert!(matches!(
        merge(&base, &theirs_conflicting, &mine_conflicting, &labels),
        MergeOutcome::Conflicted { conflicts: 20, .. }
    ));

    let mut group = c.benchmark_group("merge/100KB");
    group.throughput(Throughput::Bytes(base.len() as u64));
    group.bench_function("identical", |b| {
        b.iter(|| merge(black_box(&base), &base, &base, &labels));
    });
    group.bench_function("clean_2x20_lines", |b| {
        b.iter(|| merge(black_box(&base), &theirs, &mine, &labels));
    });
    group.bench_function("conflict_20_regions", |b| {
        b.iter(|| {
            merge(
                black_box(&base),
                &theirs_conflicting,
                &mine_conflicting,
                &labels,
            )
        });
    });
    group.finish();
}

fn bench_save_decision(c: &mut Criterion) {
    let text = |raw: &str| PageText::new(raw, MAX_PAGE_BYTES).unwrap();
    let raw_base = page();
    let their_lines = scattered(&raw_base, 20, 0);
    let my_lines = scattered(&raw_base, 20, 20);
    let base = text(&raw_base);
    let current = text(&edit_lines(&raw_base, "enregistré", |i| {
        their_lines.contains(&i)
    }));
    let mine = text(&edit_lines(&raw_base, "mien", |i| my_lines.contains(&i)));
    let labels = MergeLabels::default();
    let decide = |base_id: i64, mine: PageText| {
        decide_save(
            Some((RevisionId(base_id), &base)),
            Some((RevisionId(2), &current)),
            mine,
            MAX_PAGE_BYTES,
            &labels,
        )
    };
    assert!(matches!(
        decide(1, mine.clone()),
        Ok(SaveDecision::Save { merged: true, .. })
    ));

    let mut group = c.benchmark_group("save_decision/100KB");
    group.throughput(Throughput::Bytes(base.size() as u64));
    // Reference: the writer's base is the current revision, nothing to merge.
    group.bench_function("current_base", |b| {
        b.iter_batched(
            || mine.clone(),
            |mine| decide(2, mine),
            BatchSize::LargeInput,
        );
    });
    // Someone saved 20 lines meanwhile; the writer's 20 lines are merged in.
    group.bench_function("stale_base_merged", |b| {
        b.iter_batched(
            || mine.clone(),
            |mine| decide(1, mine),
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group! {
    name = diff_merge;
    // Few samples, short runs: the machine is shared and the ratios are what matter.
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(4));
    targets = bench_diff, bench_merge, bench_save_decision
}
criterion_main!(diff_merge);
