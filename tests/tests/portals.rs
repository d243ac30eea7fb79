#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on setup errors"
)]

//! Portals through the real server: curation rights (administrators, appointed
//! animateurs, nobody else), the curation log in the portal's history, the blocks shown
//! around the portal's text (article du jour, featured pages, sections in three orders,
//! activity), the portal index, recent changes by portal and the portal's Atom feed.

use carnet_core::Role;
use carnet_core::portal::article_of_the_day;
use carnet_tests::{Browser, TestServer};

const PORTAL: &str = "/wiki/Portail:Parcs";
const CURATE: &str = "/wiki/Portail:Parcs?action=curate";

/// Posts a curation form as `who`, with a fresh CSRF token from the page.
fn curate(who: &mut Browser<'_>, fields: &[(&str, &str)]) -> carnet_tests::Reply {
    // The edit form carries a CSRF token for everyone, logged in or not.
    let page = who.get("/wiki/Portail:Parcs?action=edit");
    let token = page.field("csrf_token").unwrap();
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    who.post_form(CURATE, &all)
}

/// A portal with three parks in its category and a page outside it.
fn setup(server: &TestServer) -> Browser<'_> {
    let mut camille = server.account("Camille", Role::Administrator);
    camille
        .edit("Portail:Parcs", "Les parcs de la ville.", "création")
        .assert_status(303);
    for name in ["Buttes", "Monceau", "Andr%C3%A9_Citro%C3%ABn"] {
        camille
            .edit(name, "Un parc.\n\n[[Catégorie:Parcs]]", "")
            .assert_status(303);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    camille.edit("Gare", "La gare.", "").assert_status(303);
    camille
}

#[test]
fn only_administrators_and_appointed_animateurs_curate() {
    let server = TestServer::start();
    let mut camille = setup(&server);
    let mut lea = server.account("Léa", Role::Writer);
    let mut dominique = server.account("Dominique", Role::Animateur);
    let mut anonymous = server.browser();

    // Nobody but administrators, before any appointment: 403 with the reason, nothing
    // changed (but the render cache, which reading fills).
    let fingerprint = || {
        let mut tables = server.fingerprint();
        tables.remove("render_cache");
        tables
    };
    let before = fingerprint();
    for (who, lang, message) in [
        (
            &mut lea,
            "fr",
            "Seuls les administrateurs, administratrices et les animateurs ou animatrices nommés pour ce portail",
        ),
        (
            &mut dominique,
            "en",
            "Only administrators and the animateurs appointed to this portal may curate it.",
        ),
        (
            &mut anonymous,
            "fr",
            "nommés pour ce portail peuvent l'organiser",
        ),
    ] {
        *who = std::mem::replace(who, server.browser()).with_header("Accept-Language", lang);
        let reply = curate(who, &[("do", "feature"), ("target", "Buttes")]);
        reply.assert_status(403);
        assert!(reply.text().contains(message), "{}", reply.text());
        let form = who.get(CURATE);
        form.assert_status(403);
        // No curation tab for them.
        assert!(!who.get(PORTAL).body.contains("action=curate"));
    }
    assert_eq!(fingerprint(), before, "refusals change nothing");

    // The administrator sees the tab and appoints Léa.
    assert!(camille.get(PORTAL).body.contains("action=curate"));
    curate(&mut camille, &[("do", "appoint"), ("target", "Léa")]).assert_status(303);
    assert!(
        camille
            .get(CURATE)
            .text()
            .contains("Animateurs et animatrices du portail : Léa.")
    );

    // Léa curates this portal now, and sees the tab.
    assert!(lea.get(PORTAL).body.contains("action=curate"));
    lea.get(CURATE).assert_status(200);
    curate(
        &mut lea,
        &[
            ("do", "feature"),
            ("target", "Buttes"),
            ("blurb", "Le plus escarpé."),
            ("picture", "Buttes.jpg"),
            ("reason", "pour la journée"),
        ],
    )
    .assert_status(303);
    curate(&mut lea, &[("do", "feature"), ("target", "Gare")]).assert_status(303);
    curate(&mut lea, &[("do", "up"), ("target", "Gare")]).assert_status(303);
    curate(
        &mut lea,
        &[
            ("do", "section"),
            ("category", "Parcs"),
            ("sort", "alpha"),
            ("size", "2"),
        ],
    )
    .assert_status(303);
    // …but not appoint others, nor curate another portal.
    let reply = curate(&mut lea, &[("do", "appoint"), ("target", "Dominique")]);
    reply.assert_status(403);
    assert!(reply.text().contains("Seuls les administrateurs"));
    camille
        .edit("Portail:Gares", "Les gares.", "")
        .assert_status(303);
    let page = lea.get("/wiki/Portail:Gares");
    let token = page.field("csrf_token").unwrap();
    lea.post_form(
        "/wiki/Portail:Gares?action=curate",
        &[
            ("csrf_token", &token),
            ("do", "feature"),
            ("target", "Gare"),
        ],
    )
    .assert_status(403);

    // Bad input: 400 or 404 with a reason, nothing saved.
    let before = fingerprint();
    let long = "x".repeat(301);
    for (fields, status) in [
        (
            vec![
                ("do", "feature"),
                ("target", "Buttes"),
                ("blurb", long.as_str()),
            ],
            400,
        ),
        (
            vec![
                ("do", "section"),
                ("category", "Parcs"),
                ("sort", "alpha"),
                ("size", "0"),
            ],
            400,
        ),
        (
            vec![("do", "section"), ("category", "Parcs"), ("sort", "hasard")],
            400,
        ),
        (vec![("do", "unfeature"), ("target", "Monceau")], 404),
        (vec![("do", "explode")], 400),
    ] {
        let reply = curate(&mut lea, &fields);
        assert_eq!(reply.status, status, "{fields:?}: {}", reply.body);
    }
    assert_eq!(fingerprint(), before);
    let page = camille.get("/wiki/Gare");
    let token = page.field("csrf_token").unwrap();
    let reply = camille.post_form(
        "/wiki/Gare?action=curate",
        &[
            ("csrf_token", &token),
            ("do", "feature"),
            ("target", "Buttes"),
        ],
    );
    reply.assert_status(400);
    assert!(
        reply
            .text()
            .contains("Seules les pages de l'espace Portail")
    );

    // Who curated what: the portal's history and the public log.
    let history = anonymous.get("/wiki/Portail:Parcs?action=history").text();
    for line in [
        "Camille a nommé Léa animateur ou animatrice de « Portail:Parcs »",
        "Léa a mis « Buttes » à la une de « Portail:Parcs » — motif : pour la journée",
        "Léa a mis « Gare » à la une de « Portail:Parcs »",
        "Léa a monté « Gare » sur « Portail:Parcs »",
        "Léa a ajouté la section Catégorie:Parcs (par ordre alphabétique) à « Portail:Parcs »",
    ] {
        assert!(history.contains(line), "{line} not in the history");
    }
    let log = anonymous
        .get("/wiki/Sp%C3%A9cial:Journal?type=portal")
        .text();
    assert!(log.contains("Léa a monté « Gare »"));
    assert!(
        !anonymous
            .get("/wiki/Sp%C3%A9cial:Journal?type=block")
            .text()
            .contains("Gare")
    );

    // A blocked animateur curates nothing.
    let page = camille.get("/wiki/Sp%C3%A9cial:Bloquer?cible=L%C3%A9a");
    camille
        .post_form(
            "/wiki/Sp%C3%A9cial:Bloquer",
            &[
                ("csrf_token", &page.field("csrf_token").unwrap()),
                ("do", "block"),
                ("target", "Léa"),
                ("expiry", "1j"),
                ("reason", "essai"),
            ],
        )
        .assert_status(303);
    let reply = curate(&mut lea, &[("do", "down"), ("target", "Gare")]);
    reply.assert_status(403);
    assert!(reply.text().contains("bloqué"));

    // Dismissed, Léa is back to a plain writer.
    curate(&mut camille, &[("do", "dismiss"), ("target", "Léa")]).assert_status(303);
    assert!(
        anonymous
            .get("/wiki/Portail:Parcs?action=history")
            .text()
            .contains("Camille a retiré Léa des animateurs de « Portail:Parcs »")
    );
}

#[test]
fn the_portal_shows_its_blocks_around_its_text() {
    let server = TestServer::start();
    let mut camille = setup(&server);
    for target in ["Buttes", "Monceau", "Gare", "Zoo"] {
        curate(
            &mut camille,
            &[
                ("do", "feature"),
                ("target", target),
                ("blurb", &format!("À propos de {target}")),
            ],
        )
        .assert_status(303);
    }
    for sort in ["newest", "recent", "alpha"] {
        curate(
            &mut camille,
            &[
                ("do", "section"),
                ("category", "Catégorie:Parcs"),
                ("sort", sort),
                ("size", "2"),
            ],
        )
        .assert_status(303);
    }
    // Buttes changes last: first of "recently changed".
    camille
        .edit("Buttes", "Un grand parc.\n\n[[Catégorie:Parcs]]", "")
        .assert_status(303);
    let mut reader = server.browser();
    let page = reader.get(PORTAL);
    page.assert_status(200);
    let text = page.text();
    assert!(
        text.contains("Les parcs de la ville."),
        "the portal's own text"
    );

    // Article du jour: the day's pick among the featured pages that exist (Zoo does
    // not), the same on every view.
    let existing = ["Buttes", "Monceau", "Gare"];
    let today = chrono::Utc::now().date_naive();
    let pick = existing[article_of_the_day(existing.len(), today).unwrap()];
    let block = |text: &str, start: &str| -> String {
        let at = text.find(start).unwrap();
        let rest = &text[at..];
        rest[..rest.find("</section>").unwrap()].to_owned()
    };
    let article = block(&text, "class=\"portal-today\"");
    assert!(
        article.contains(&format!(">{pick}</a>"))
            && article.contains(&format!("À propos de {pick}")),
        "{article}"
    );
    assert_eq!(
        block(&reader.get(PORTAL).text(), "class=\"portal-today\""),
        article
    );

    // Featured pages in order, the missing one as a red link.
    let featured = block(&text, "class=\"portal-featured\"");
    let order: Vec<usize> = ["Buttes", "Monceau", "Gare", "Zoo"]
        .iter()
        .map(|name| featured.find(&format!(">{name}</a>")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{featured}");
    assert!(featured.contains("class=\"new\">Zoo</a>"));

    // Sections: newest, recently changed, alphabetical; two pages each.
    let sections: Vec<String> = text
        .match_indices("class=\"portal-section\"")
        .map(|(at, _)| block(&text[at..], "class=\"portal-section\""))
        .collect();
    let names = |section: &str| -> Vec<&str> {
        ["André Citroën", "Buttes", "Monceau"]
            .into_iter()
            .filter(|name| section.contains(&format!(">{name}</a></li>")))
            .collect()
    };
    assert_eq!(sections.len(), 3);
    assert!(sections[0].contains("Parcs (les plus récentes)"));
    assert_eq!(names(&sections[0]), ["André Citroën", "Monceau"]);
    assert_eq!(names(&sections[1]), ["André Citroën", "Buttes"]);
    assert!(sections[1].find(">Buttes<").unwrap() < sections[1].find(">André Citroën<").unwrap());
    assert_eq!(names(&sections[2]), ["André Citroën", "Buttes"]);

    // Activity: the portal's pages only, with links to all of it and the feed.
    let activity = block(&text, "class=\"portal-activity\"");
    assert!(activity.contains(">Buttes</a>"));
    assert!(activity.contains(">Gare</a>"), "featured pages count");
    assert!(activity.contains("portal=Portail%3AParcs"));

    // Curation shows at once, without any edit of the portal (the blocks are never
    // served from the render cache).
    curate(&mut camille, &[("do", "unfeature"), ("target", pick)]).assert_status(303);
    let text = reader.get(PORTAL).text();
    let article = block(&text, "class=\"portal-today\"");
    assert!(!article.contains(&format!(">{pick}</a>")), "{article}");
    let left: Vec<&str> = existing.into_iter().filter(|name| *name != pick).collect();
    let new_pick = left[article_of_the_day(left.len(), today).unwrap()];
    assert!(article.contains(&format!(">{new_pick}</a>")));
}

#[test]
fn dynamic_lists_by_date_follow_edits_of_their_members() {
    let server = TestServer::start();
    let mut camille = setup(&server);
    camille
        .edit(
            "Derniers_parcs",
            "{{#catégorie:Parcs|tri=récent|limite=1}}",
            "",
        )
        .assert_status(303);
    let mut reader = server.browser();
    assert!(
        reader
            .get("/wiki/Derniers_parcs")
            .text()
            .contains(">André Citroën</a>")
    );
    // Editing a member (no category change) moves it first: the cached page is redone.
    camille
        .edit("Monceau", "Un parc, rénové.\n\n[[Catégorie:Parcs]]", "")
        .assert_status(303);
    let text = reader.get("/wiki/Derniers_parcs").text();
    assert!(text.contains(">Monceau</a>"), "{text}");
    assert!(!text.contains(">André Citroën</a>"));
}

#[test]
fn portal_index_recent_changes_and_feed() {
    let server = TestServer::start();
    let mut camille = setup(&server);
    curate(
        &mut camille,
        &[("do", "section"), ("category", "Parcs"), ("sort", "recent")],
    )
    .assert_status(303);
    curate(&mut camille, &[("do", "feature"), ("target", "Gare")]).assert_status(303);
    camille
        .edit("Ailleurs", "Hors portail.", "")
        .assert_status(303);
    camille
        .edit("Portail:Gares", "Les gares.", "")
        .assert_status(303);

    // The index: both portals, with their page counts (3 parks + the featured Gare)
    // and last activity, in French and English.
    let mut reader = server.browser();
    let index = reader.get("/wiki/Sp%C3%A9cial:Portails");
    index.assert_status(200);
    let text = index.text();
    assert!(
        text.contains(">Portail:Parcs</a> (4 pages, dernière activité le "),
        "{text}"
    );
    // French counts 0 in the singular.
    assert!(
        text.contains(">Portail:Gares</a> (0 page, dernière activité le "),
        "{text}"
    );
    assert!(text.find(">Portail:Gares</a>").unwrap() < text.find(">Portail:Parcs</a>").unwrap());
    let mut english = server.browser().with_header("Accept-Language", "en");
    // The English name leads to the canonical URL of the same page.
    let moved = english.get("/wiki/Special:Portals");
    moved.assert_status(301);
    let english = english.get(moved.header("location").unwrap()).text();
    assert!(english.contains("4 pages, last activity"), "{english}");

    // Recent changes by portal: the portal, its category's pages, its featured pages.
    let titles = |query: &str| -> Vec<String> {
        let reply = server.get(&format!("/api/v1/recent-changes?{query}"));
        reply.assert_status(200);
        reply.json()["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut listed = titles("portal=Portail%3AParcs");
    assert_eq!(titles("portal=Parcs"), listed, "the prefix is optional");
    listed.sort();
    assert_eq!(
        listed,
        [
            "André Citroën",
            "Buttes",
            "Gare",
            "Monceau",
            "Portail:Parcs"
        ]
    );
    assert!(titles("portal=Inconnu").is_empty());
    let page = reader.get("/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes?portal=Parcs");
    page.assert_status(200);
    let text = page.text();
    assert!(text.contains(">Buttes</a>") && !text.contains(">Ailleurs</a>"));
    assert!(text.contains("/feeds/changes.atom?portal=Parcs"));

    // The portal's Atom feed, read by an independent parser.
    let reply = server.get("/feeds/changes.atom?portal=Portail%3AParcs");
    reply.assert_status(200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    let feed = feed_rs::parser::parse(reply.body.as_bytes()).unwrap();
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert!(feed.title.unwrap().content.contains("Parcs"));
    let mut entries: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    entries.sort();
    assert_eq!(entries, listed);
    assert!(
        feed.links
            .iter()
            .any(|link| link.href.ends_with("/wiki/Portail:Parcs"))
    );
}
