//! A portal whose section category has 10,000 pages, read as a reader gets it, against
//! a plain page of the same wiki measured in the same run.
//!
//! Run with `cargo bench -p carnet-web --bench portal`: a temporary SQLite database, or
//! a fresh PostgreSQL database when `CARNET_TEST_DATABASE_URL` is set (see
//! `docs/PERFORMANCE.md`).
//!
//! The wiki: 10,000 pages in `Catégorie:Grand` and 1,000 in other categories, all saved
//! through `Store::save` with the renderer as analyzer (like real edits), then 200 of the
//! big category's pages edited again. `Portail:Grand` has 20 featured pages, three
//! sections on `Catégorie:Grand` (newest, recently changed, alphabetical; 10 pages
//! each), the activity block (10 changes), and in its own text a dynamic list
//! `{{#catégorie:Grand|tri=récent|limite=10}}`. The reference is `Plan du quartier`, a
//! plain page of about the same length without lists.
//!
//! Measured (`carnet_web::read_page_html`, everything but HTTP):
//! - `*/cached`: the page's HTML from the render cache, plus for the portal its blocks
//!   (always computed: they are never cached) and the template — what a reader pays;
//! - `*/uncached`: the wikitext rendered again at every read (the dynamic list's query
//!   included), the render cache neither read nor written — the cost of a cache miss.

#![expect(clippy::unwrap_used, reason = "benchmarks panic on setup failure")]

use std::hint::black_box;
use std::time::{Duration, Instant};

use carnet_core::portal::SectionOrder;
use carnet_core::{Author, Comment, MAX_PAGE_BYTES, MergeLabels, PageText, Role, Title, UserName};
use carnet_store::testing::TestDb;
use carnet_store::{Edit, PortalChange, SaveOutcome, Store};
use carnet_web::AppState;
use criterion::{Criterion, criterion_group, criterion_main};

const BIG_CATEGORY: usize = 10_000;
const OTHER_PAGES: usize = 1_000;
const EDITED_AGAIN: usize = 200;
const FEATURED: usize = 20;

fn save(store: &Store, title: &Title, text: &str) {
    let base = store.page(title).unwrap().map(|(_, rev)| rev.meta.id);
    let outcome = store
        .save(&Edit {
            title: title.clone(),
            text: PageText::new(text, MAX_PAGE_BYTES).unwrap(),
            base,
            author: Author::new("Banc d'essai").unwrap(),
            user: None,
            comment: Comment::new("banc d'essai").unwrap(),
            minor: false,
            labels: MergeLabels::default(),
        })
        .unwrap();
    assert!(matches!(
        outcome,
        SaveOutcome::Created(_) | SaveOutcome::Saved { .. }
    ));
}

fn paragraph(n: usize) -> String {
    format!(
        "Le parc numéro {n} longe la rivière depuis le pont jusqu'à la place du marché ; \
         on y trouve des bancs, une aire de jeux et un kiosque à musique. \
         Voir aussi [[Plan du quartier]] et [[Gare centrale]]."
    )
}

fn build(state: &AppState) -> (Title, Title) {
    let store = &state.store;
    let started = Instant::now();
    for n in 0..BIG_CATEGORY {
        let title = Title::parse(&format!("Lieu {n:05}")).unwrap();
        save(
            store,
            &title,
            &format!("{}\n\n[[Catégorie:Grand]]", paragraph(n)),
        );
    }
    for n in 0..OTHER_PAGES {
        let title = Title::parse(&format!("Autre {n:04}")).unwrap();
        save(
            store,
            &title,
            &format!("{}\n\n[[Catégorie:Petite {}]]", paragraph(n), n % 10),
        );
    }
    for n in 0..EDITED_AGAIN {
        let title = Title::parse(&format!("Lieu {:05}", n * 37 % BIG_CATEGORY)).unwrap();
        save(
            store,
            &title,
            &format!("{} Modifié.\n\n[[Catégorie:Grand]]", paragraph(n)),
        );
    }
    eprintln!(
        "{} pages saved in {:.1} s",
        BIG_CATEGORY + OTHER_PAGES + EDITED_AGAIN,
        started.elapsed().as_secs_f64()
    );

    let mut text = String::from("# Le grand portail\n\n");
    for n in 0..6 {
        text.push_str(&paragraph(n));
        text.push_str("\n\n");
    }
    let plain_text = format!("{text}\n\n{}\n", paragraph(99));
    text.push_str("## Derniers changements\n\n{{#catégorie:Grand|tri=récent|limite=10}}\n");
    let portal = Title::parse("Portail:Grand").unwrap();
    save(store, &portal, &text);
    let plain = Title::parse("Plan du quartier").unwrap();
    save(store, &plain, &plain_text);

    let admin = store
        .create_user(
            &UserName::parse("Camille").unwrap(),
            "x",
            Role::Administrator,
        )
        .unwrap()
        .unwrap();
    for n in 0..FEATURED {
        let change = PortalChange::Feature {
            target: Title::parse(&format!("Lieu {:05}", n * 499)).unwrap(),
            blurb: format!("Le lieu {n}, à la une."),
            picture: Some(Title::parse(&format!("Fichier:Lieu {n}.jpg")).unwrap()),
        };
        store.curate(&portal, &change, &admin, "").unwrap();
    }
    for order in SectionOrder::ALL {
        let change = PortalChange::AddSection {
            category: Title::parse("Catégorie:Grand").unwrap(),
            order,
            size: 10,
        };
        store.curate(&portal, &change, &admin, "").unwrap();
    }
    // Fill the render cache of both pages.
    carnet_web::read_page_html(state, &portal, true).unwrap();
    carnet_web::read_page_html(state, &plain, true).unwrap();
    (portal, plain)
}

fn bench(c: &mut Criterion) {
    let db = TestDb::new();
    let backend = if db.url().starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    let state = AppState::new(db.store().unwrap()).unwrap();
    let (portal, plain) = build(&state);
    let html = carnet_web::read_page_html(&state, &portal, true).unwrap();
    assert!(html.contains("Lieu 0"), "the portal lists the category");
    assert_eq!(html.matches("class=\"portal-section\"").count(), 3);

    // The plans of the section queries on the big category, for docs/PERFORMANCE.md.
    for (order, plan) in state.store.explain_member_queries("Grand").unwrap() {
        eprintln!("plan {order:?}:\n{plan}");
    }

    let mut group = c.benchmark_group(format!("portal_{backend}"));
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    for (name, title) in [("portal_10000", &portal), ("plain_page", &plain)] {
        for (mode, use_cache) in [("cached", true), ("uncached", false)] {
            group.bench_function(format!("{name}/{mode}"), |b| {
                b.iter(|| black_box(carnet_web::read_page_html(&state, title, use_cache).unwrap()));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
