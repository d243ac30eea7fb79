#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on setup errors"
)]

//! Portals in the store: curation changes and their log, section lists in the three
//! orders, the portal's activity, the index figures, and the query plans of the member
//! lists (index range scans, no sort of the category).

use std::sync::Arc;

use carnet_core::portal::SectionOrder;
use carnet_core::{
    Author, CategoryLink, Comment, LogAction, MAX_PAGE_BYTES, MergeLabels, Namespace, PageLinks,
    PageText, Role, Title, UserName,
};
use carnet_store::testing::TestDb;
use carnet_store::{
    Analyzer, CurateOutcome, Edit, LogTarget, Lookup, MemberOrder, PortalChange, Store,
};

/// Categories are the lines `[[Catégorie:X]]` of the text.
struct Categories;

impl Analyzer for Categories {
    fn analyze(&self, _: &Title, text: &str, _: &Lookup<'_>) -> PageLinks {
        PageLinks {
            categories: text
                .lines()
                .filter_map(|line| line.trim().strip_prefix("[[Catégorie:"))
                .filter_map(|rest| rest.strip_suffix("]]"))
                .map(|name| CategoryLink {
                    category: Title::from_parts(Namespace::Category, name).unwrap(),
                    sort_key: None,
                })
                .collect(),
            ..PageLinks::default()
        }
    }
}

fn save(store: &Store, title: &str, text: &str) {
    let title = Title::parse(title).unwrap();
    let base = store.page(&title).unwrap().map(|(_, rev)| rev.meta.id);
    store
        .save(&Edit {
            title,
            text: PageText::new(text, MAX_PAGE_BYTES).unwrap(),
            base,
            author: Author::new("Testeuse").unwrap(),
            user: None,
            comment: Comment::new("essai").unwrap(),
            minor: false,
            labels: MergeLabels::default(),
        })
        .unwrap();
}

fn t(s: &str) -> Title {
    Title::parse(s).unwrap()
}

fn names(titles: &[Title]) -> Vec<String> {
    titles.iter().map(Title::to_string).collect()
}

#[test]
fn curation_sections_activity_and_log() {
    let db = TestDb::new();
    let store = db.store().unwrap().with_analyzer(Arc::new(Categories));
    let admin = store
        .create_user(
            &UserName::parse("Camille").unwrap(),
            "x",
            Role::Administrator,
        )
        .unwrap()
        .unwrap();
    let portal = t("Portail:Parcs");
    // A portal that does not exist cannot be curated.
    let feature = |target: &str| PortalChange::Feature {
        target: t(target),
        blurb: format!("À propos de {target}"),
        picture: None,
    };
    assert_eq!(
        store.curate(&portal, &feature("Zoo"), &admin, "").unwrap(),
        CurateOutcome::PortalMissing
    );
    save(&store, "Portail:Parcs", "Le portail des parcs.");
    // Three parks, created in this order; then the first one is edited.
    for name in ["Buttes", "Monceau", "Andre"] {
        save(&store, name, &format!("Parc {name}.\n[[Catégorie:Parcs]]"));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    save(
        &store,
        "Buttes",
        "Parc des Buttes, agrandi.\n[[Catégorie:Parcs]]",
    );
    save(&store, "Gare", "Hors portail.");

    for target in ["Zoo", "Monceau", "Gare"] {
        assert_eq!(
            store.curate(&portal, &feature(target), &admin, "").unwrap(),
            CurateOutcome::Done
        );
    }
    // Featuring again updates the blurb and keeps the place.
    let again = PortalChange::Feature {
        target: t("Zoo"),
        blurb: "Nouveau texte".into(),
        picture: Some(t("Fichier:Zoo.jpg")),
    };
    assert_eq!(
        store.curate(&portal, &again, &admin, "").unwrap(),
        CurateOutcome::Done
    );
    let up = PortalChange::MoveFeature {
        target: t("Gare"),
        up: true,
    };
    assert_eq!(
        store.curate(&portal, &up, &admin, "ordre").unwrap(),
        CurateOutcome::Done
    );
    let top = PortalChange::MoveFeature {
        target: t("Zoo"),
        up: true,
    };
    assert_eq!(
        store.curate(&portal, &top, &admin, "").unwrap(),
        CurateOutcome::Unchanged
    );
    assert_eq!(
        store
            .curate(&portal, &PortalChange::Unfeature(t("Absent")), &admin, "")
            .unwrap(),
        CurateOutcome::NotFound
    );
    for order in SectionOrder::ALL {
        let add = PortalChange::AddSection {
            category: t("Catégorie:Parcs"),
            order,
            size: 2,
        };
        assert_eq!(
            store.curate(&portal, &add, &admin, "").unwrap(),
            CurateOutcome::Done
        );
    }
    let curation = store.curation(&portal).unwrap().unwrap();
    assert_eq!(
        curation
            .featured
            .iter()
            .map(|f| (f.title.to_string(), f.exists))
            .collect::<Vec<_>>(),
        [
            ("Zoo".to_owned(), false),
            ("Gare".to_owned(), true),
            ("Monceau".to_owned(), true)
        ]
    );
    assert_eq!(curation.featured[0].blurb, "Nouveau texte");
    assert_eq!(
        curation.featured[0].picture.as_ref().map(Title::to_string),
        Some("Fichier:Zoo.jpg".to_owned())
    );

    let view = store.portal_view(&portal, 10).unwrap().unwrap();
    let lists: Vec<(SectionOrder, Vec<String>)> = view
        .sections
        .iter()
        .map(|(section, pages)| (section.order, names(pages)))
        .collect();
    assert_eq!(
        lists,
        [
            (SectionOrder::Newest, names(&[t("Andre"), t("Monceau")])),
            (
                SectionOrder::RecentlyChanged,
                names(&[t("Buttes"), t("Andre")])
            ),
            (
                SectionOrder::Alphabetical,
                names(&[t("Andre"), t("Buttes")])
            ),
        ]
    );
    // Activity: the portal, its category's pages and its featured pages (Gare), not
    // others.
    save(&store, "Ailleurs", "Rien à voir.");
    let view = store.portal_view(&portal, 10).unwrap().unwrap();
    let activity: Vec<String> = view.activity.iter().map(|c| c.title.to_string()).collect();
    assert_eq!(
        activity,
        [
            "Gare",
            "Buttes",
            "Andre",
            "Monceau",
            "Buttes",
            "Portail:Parcs"
        ]
    );
    // The same through the recent changes filter.
    let filter = carnet_store::ChangeFilter {
        portal: Some(portal.clone()),
        ..Default::default()
    };
    let listed: Vec<String> = store
        .recent_changes(&filter, 50, None)
        .unwrap()
        .changes
        .iter()
        .map(|c| c.title.to_string())
        .collect();
    assert_eq!(listed, activity);

    // Every curation change is in the log, on the portal page.
    let log = store
        .log(&[], Some(&LogTarget::Page(portal.clone())), 50, None)
        .unwrap();
    assert_eq!(log.entries.len(), 3 + 1 + 1 + 3);
    assert!(log.entries.iter().all(|e| e.action == LogAction::Curate));
    assert!(
        log.entries
            .iter()
            .all(|e| e.actor.as_deref() == Some("Camille"))
    );
    assert!(
        log.entries
            .iter()
            .any(|e| e.details == "up\tGare" && e.reason == "ordre")
    );

    // Animateurs.
    let lea = store
        .create_user(&UserName::parse("Léa").unwrap(), "x", Role::Writer)
        .unwrap()
        .unwrap();
    assert!(!store.is_portal_animateur(&portal, lea.id).unwrap());
    assert_eq!(
        store
            .curate(&portal, &PortalChange::Appoint(lea.clone()), &admin, "")
            .unwrap(),
        CurateOutcome::Done
    );
    assert!(store.is_portal_animateur(&portal, lea.id).unwrap());
    assert!(
        !store
            .is_portal_animateur(&t("Portail:Autre"), lea.id)
            .unwrap()
    );
    assert_eq!(
        store.curation(&portal).unwrap().unwrap().animateurs,
        ["Léa"]
    );

    // The index: 3 category pages + Gare (featured, outside) = 4; Zoo does not exist.
    save(&store, "Portail:Autre", "Vide.");
    let index = store.portal_index(None, 10).unwrap();
    let figures: Vec<(String, i64)> = index
        .iter()
        .map(|p| (p.title.to_string(), p.pages))
        .collect();
    assert_eq!(
        figures,
        [
            ("Portail:Autre".to_owned(), 0),
            ("Portail:Parcs".to_owned(), 4)
        ]
    );
    assert!(index.iter().all(|p| p.last_activity.is_some()));
    let after = store.portal_index(Some("Autre"), 10).unwrap();
    assert_eq!(after.len(), 1);
}

#[test]
fn member_lists_are_index_range_scans() {
    let db = TestDb::new();
    let store = db.store().unwrap().with_analyzer(Arc::new(Categories));
    let postgres = db.url().starts_with("postgres");
    if postgres {
        // PostgreSQL's planner decides by statistics: give it a category worth an index
        // (SQLite's planner prefers the index on an empty table already).
        for n in 0..1_000 {
            save(
                &store,
                &format!("Parc {n:04}"),
                "Un parc.\n[[Catégorie:Parcs]]",
            );
        }
        for n in 0..200 {
            save(
                &store,
                &format!("Rue {n:04}"),
                "Une rue.\n[[Catégorie:Rues]]",
            );
        }
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        diesel::PgConnection::establish(db.url())
            .unwrap()
            .batch_execute("ANALYZE")
            .unwrap();
    }
    let plans = store.explain_member_queries("Parcs").unwrap();
    assert_eq!(plans.len(), 3);
    for (order, plan) in plans {
        let index = match order {
            MemberOrder::Newest => "category_links_newest",
            MemberOrder::RecentlyChanged => "category_links_recent",
            MemberOrder::Alphabetical => "category_links_alpha",
        };
        if postgres {
            assert!(
                plan.contains(&format!("Index Only Scan using {index} on category_links"))
                    || plan.contains(&format!(
                        "Index Only Scan Backward using {index} on category_links"
                    ))
                    || plan.contains(&format!("Index Scan using {index} on category_links"))
                    || plan.contains(&format!(
                        "Index Scan Backward using {index} on category_links"
                    )),
                "{order:?}: {plan}"
            );
            assert!(plan.starts_with("Limit"), "{order:?}: {plan}");
            assert!(!plan.contains("Sort"), "{order:?} sorts: {plan}");
            assert!(
                !plan.contains("Seq Scan on category_links"),
                "{order:?}: {plan}"
            );
            continue;
        }
        assert!(
            plan.contains(&format!("SEARCH c USING INDEX {index} (category=?)"))
                || plan.contains(&format!(
                    "SEARCH c USING COVERING INDEX {index} (category=?)"
                )),
            "{order:?}: {plan}"
        );
        assert!(!plan.contains("TEMP B-TREE"), "{order:?} sorts: {plan}");
        assert!(!plan.contains("SCAN"), "{order:?} scans: {plan}");
    }
}
