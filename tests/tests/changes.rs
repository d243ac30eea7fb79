//! Recent changes through the real server: the page grouped by day and page, its
//! filters, the JSON, and Atom feeds checked with an independent feed parser.

use carnet_core::{RevisionId, Role, Title};
use carnet_tests::TestServer;
use serde_json::json;

const RC: &str = "/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes";

fn titles(server: &TestServer, query: &str) -> Vec<String> {
    let reply = server.get(&format!("/api/v1/recent-changes?{query}"));
    reply.assert_status(200);
    reply.json()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn recent_changes_list_filters_and_groups() {
    let server = TestServer::start();
    let mut lea = server.account("Léa", Role::Writer);
    let mut anonymous = server.browser();
    lea.edit(
        "Parc_des_Buttes",
        "Un parc.\n\n[[Catégorie:Parcs]]",
        "création",
    )
    .assert_status(303);
    lea.edit(
        "Parc_des_Buttes",
        "Un grand parc.\n\n[[Catégorie:Parcs]]",
        "précision",
    )
    .assert_status(303);
    anonymous.edit("Gare", "La gare.", "").assert_status(303);
    lea.edit("Cat%C3%A9gorie:Parcs", "Les parcs.", "")
        .assert_status(303);
    // A minor edit, through the API with Léa's session.
    let history = server.get("/api/v1/pages/Gare").json();
    let base = history["revision"]["id"].as_i64().unwrap();
    let session = lea.cookie("carnet_session").unwrap().to_owned();
    let reply = server.send(
        "PUT",
        "/api/v1/pages/Gare",
        &[("Content-Type", "application/json"), ("Cookie", &format!("carnet_session={session}"))],
        &json!({"text": "La gare, quai 1.", "base_revision": base, "comment": "typo", "minor": true}).to_string(),
    );
    reply.assert_status(200);

    // Newest first, every change.
    let all = titles(&server, "");
    assert_eq!(
        &all[..5],
        [
            "Gare",
            "Catégorie:Parcs",
            "Gare",
            "Parc des Buttes",
            "Parc des Buttes"
        ]
    );
    assert_eq!(titles(&server, "hideminor=1")[0], "Catégorie:Parcs");
    assert_eq!(titles(&server, "ns=14"), ["Catégorie:Parcs"]);
    let by_lea = titles(&server, "user=l%C3%A9a");
    assert_eq!(by_lea.len(), 4, "{by_lea:?}");
    let created: Vec<String> = titles(&server, "new=1");
    assert!(
        created.contains(&"Gare".to_owned()) && created.len() == 4,
        "{created:?}"
    );
    assert_eq!(
        titles(&server, "category=Parcs"),
        ["Parc des Buttes", "Parc des Buttes"]
    );
    let limited = server.get("/api/v1/recent-changes?limit=2").json();
    assert_eq!(limited["changes"].as_array().unwrap().len(), 2);
    let older = limited["older"].as_i64().unwrap();
    let next = titles(&server, &format!("limit=2&before={older}"));
    assert_eq!(next, ["Gare", "Parc des Buttes"]);
    // Bad filters are refused with a message.
    let reply = server.get("/api/v1/recent-changes?ns=99");
    reply.assert_status(400);
    assert_eq!(reply.json()["error"]["code"], "bad_parameter");

    // The page: grouped by page within the day, with counts, deltas and diff links.
    let page = server.get(RC);
    page.assert_status(200);
    let text = page.text();
    assert!(text.contains("Modifications récentes"));
    assert!(
        text.contains("Parc des Buttes") && text.contains("2 modifications"),
        "{text}"
    );
    assert!(page.body.contains("action=diff"));
    assert!(text.contains("précision"));
    let filtered = server.get(&format!("{RC}?ns=14&days=7"));
    assert!(filtered.text().contains("Catégorie:Parcs"));
    assert!(!filtered.text().contains("Parc des Buttes ("));
    server.get(&format!("{RC}?days=abc")).assert_status(400);
    let english = server.get_with(RC, &[("Accept-Language", "en")]);
    assert!(english.text().contains("Recent changes"));

    // A person's contributions, and the new pages.
    let mine = server.get("/wiki/Sp%C3%A9cial:Contributions/L%C3%A9a");
    mine.assert_status(200);
    assert!(mine.text().contains("Contributions de Léa"));
    assert!(mine.text().contains("Parc des Buttes") && mine.text().contains("typo"));
    let prefix = carnet_tests::temporary_prefix();
    assert!(
        !mine.text().contains(&prefix),
        "not the logged-out writer's edit"
    );
    let new_pages = server.get("/wiki/Sp%C3%A9cial:Nouvelles_pages");
    assert!(new_pages.text().contains("Nouvelles pages"));
    assert!(!new_pages.text().contains("précision"), "only creations");
    server
        .get("/wiki/Sp%C3%A9cial:Contributions")
        .assert_status(400);
}

#[test]
fn feeds_are_valid_atom_and_escape_what_people_write() {
    let server = TestServer::start();
    let mut writer = server.browser();
    writer
        .edit(
            "Rue_des_%C3%89coles",
            "Texte <b>gras</b>",
            "résumé avec <script>alert(1)</script> & co",
        )
        .assert_status(303);
    writer
        .edit(
            "Rue_des_%C3%89coles",
            "Texte encore.\n\n[[Catégorie:Rues]]",
            "suite",
        )
        .assert_status(303);
    writer.edit("Autre", "Autre page", "").assert_status(303);

    let parse = |path: &str| {
        let reply = server.get(path);
        reply.assert_status(200);
        assert_eq!(
            reply.header("content-type"),
            Some("application/atom+xml; charset=utf-8")
        );
        feed_rs::parser::parse(reply.body.as_bytes())
            .unwrap_or_else(|e| panic!("{path}: {e}\n{}", reply.body))
    };
    let feed = parse("/feeds/changes.atom");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.entries.len(), 4, "three edits and the welcome page");
    let first = &feed.entries[0];
    assert_eq!(first.title.as_ref().unwrap().content, "Autre");
    assert!(first.links[0].href.starts_with("http://127.0.0.1:"));
    let summaries: Vec<String> = feed
        .entries
        .iter()
        .filter_map(|e| e.summary.as_ref().map(|s| s.content.clone()))
        .collect();
    assert!(
        summaries
            .iter()
            .any(|s| s.contains("<script>alert(1)</script> & co")),
        "the summary survives as text: {summaries:?}"
    );
    let raw = server.get("/feeds/changes.atom").body;
    assert!(!raw.contains("<script>"), "escaped in the XML");

    let page_feed = parse("/feeds/changes.atom?page=Rue_des_%C3%89coles");
    assert_eq!(page_feed.entries.len(), 2);
    assert!(page_feed.title.unwrap().content.contains("Rue des Écoles"));
    let category_feed = parse("/feeds/changes.atom?category=Rues");
    assert_eq!(category_feed.entries.len(), 2);
    let reply = server.get("/feeds/changes.atom?page=%3Cbad%3E");
    reply.assert_status(400);
}

#[test]
fn deleted_pages_and_hidden_texts_leave_the_public_lists() {
    let server = TestServer::start();
    let mut admin = server.account("Admin", Role::Administrator);
    admin.edit("Brouillon", "un", "").assert_status(303);
    admin.edit("Brouillon", "deux", "").assert_status(303);
    admin.edit("Gard%C3%A9e", "reste", "").assert_status(303);
    let store = server.store();
    let admin_user = store.user_named("Admin").unwrap().unwrap();
    let kept: RevisionId = server.history("Gardée")[0].meta.id;
    store
        .delete_page(&Title::parse("Brouillon").unwrap(), &admin_user, "test")
        .unwrap();
    let all = titles(&server, "");
    assert!(!all.contains(&"Brouillon".to_owned()), "{all:?}");
    assert!(all.contains(&"Gardée".to_owned()));
    admin
        .edit("Gard%C3%A9e", "reste, modifiée", "")
        .assert_status(303);
    store
        .set_text_hidden(kept, true, &admin_user, "test")
        .unwrap();
    let ids: Vec<i64> = server.get("/api/v1/recent-changes").json()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["revision"].as_i64().unwrap())
        .collect();
    assert!(!ids.contains(&kept.0));
}

#[test]
fn statistics_count_what_exists() {
    let server = TestServer::start();
    let mut writer = server.account("Nour", Role::Writer);
    let mut anonymous = server.browser();
    writer
        .edit("March%C3%A9", "Le marché.", "")
        .assert_status(303);
    writer
        .edit("March%C3%A9", "Le marché du samedi.", "")
        .assert_status(303);
    anonymous
        .edit("Redirection", "#REDIRECTION [[Marché]]", "")
        .assert_status(303);
    anonymous
        .edit("Cat%C3%A9gorie:Lieux", "Les lieux.", "")
        .assert_status(303);
    let stats = server.store().statistics().unwrap();
    // The welcome page, Marché; not the redirect, not the category.
    assert_eq!(stats.articles, 2);
    assert_eq!(stats.pages, 4);
    assert_eq!(stats.revisions, 5);
    assert_eq!(stats.accounts, 1);
    assert_eq!(stats.writers, 2, "Nour and one temporary identity");
    let page = server.get("/wiki/Sp%C3%A9cial:Statistiques");
    page.assert_status(200);
    assert!(page.text().contains("2 articles"), "{}", page.text());
    assert!(page.text().contains("5 versions enregistrées"));
}
