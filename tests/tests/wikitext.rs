//! Wiki constructs end to end: link tables, render cache invalidation, categories,
//! redirects, special pages and the render API, through the real server.

use carnet_tests::TestServer;
use serde_json::json;

fn put(server: &TestServer, path: &str, text: &str) {
    let current = server.get(&format!("/api/v1/pages/{path}"));
    let base = if current.status == 200 {
        current.json()["revision"]["id"].clone()
    } else {
        serde_json::Value::Null
    };
    let reply = server.put_json(
        &format!("/api/v1/pages/{path}"),
        &json!({"text": text, "base_revision": base}),
    );
    assert!(
        reply.status == 200 || reply.status == 201,
        "{path}: {}",
        reply.body
    );
}

#[test]
fn red_links_turn_blue_as_soon_as_the_page_is_created() {
    let server = TestServer::start();
    put(&server, "Quartier", "Voir [[Place du marché]].");
    let page = server.get("/wiki/Quartier");
    assert!(
        page.body
            .contains("href=\"/wiki/Place_du_march%C3%A9?action=edit\" class=\"new\""),
        "{}",
        page.body
    );
    // Served from the render cache now; creating the target must invalidate it.
    server.get("/wiki/Quartier");
    put(&server, "Place_du_march%C3%A9", "La place.");
    let page = server.get("/wiki/Quartier");
    assert!(
        page.body.contains("href=\"/wiki/Place_du_march%C3%A9\""),
        "{}",
        page.body
    );
    assert!(!page.body.contains("class=\"new\""), "{}", page.body);
}

#[test]
fn template_changes_reach_the_pages_using_them() {
    let server = TestServer::start();
    put(&server, "Mod%C3%A8le:Horaires", "Ouvert le {{{1|samedi}}}.");
    put(&server, "Mod%C3%A8le:Encart", "**{{Horaires|mardi}}**");
    put(&server, "Biblioth%C3%A8que", "{{Encart}}");
    assert!(
        server
            .get("/wiki/Biblioth%C3%A8que")
            .body
            .contains("<strong>Ouvert le mardi.</strong>")
    );
    // A change two levels down shows on the next view.
    put(&server, "Mod%C3%A8le:Horaires", "Fermé le {{{1|samedi}}}.");
    let page = server.get("/wiki/Biblioth%C3%A8que");
    assert!(
        page.body.contains("<strong>Fermé le mardi.</strong>"),
        "{}",
        page.body
    );
}

#[test]
fn missing_template_is_a_red_link_until_created() {
    let server = TestServer::start();
    put(&server, "Accueil_bis", "{{Bandeau}}");
    assert!(
        server
            .get("/wiki/Accueil_bis")
            .body
            .contains("Mod%C3%A8le:Bandeau?action=edit")
    );
    put(&server, "Mod%C3%A8le:Bandeau", "Bienvenue !");
    assert!(server.get("/wiki/Accueil_bis").body.contains("Bienvenue !"));
}

#[test]
fn category_pages_list_members_in_french_order_with_subcategories() {
    let server = TestServer::start();
    for name in ["Étang", "Eau", "Zoo", "École", "Ecluse"] {
        put(
            &server,
            &carnet_tests::encode(name),
            &format!("{name}\n\n[[Catégorie:Lieux]]"),
        );
    }
    put(
        &server,
        "Cat%C3%A9gorie:Parcs",
        "Les parcs.\n\n[[Catégorie:Lieux]]",
    );
    put(&server, "Cat%C3%A9gorie:Lieux", "Tous les lieux.");
    let page = server.get("/wiki/Cat%C3%A9gorie:Lieux");
    page.assert_status(200);
    let text = page.text();
    assert!(text.contains("Tous les lieux."));
    assert!(text.contains("Sous-catégories"));
    let order: Vec<usize> = ["Eau", "Ecluse", "École", "Étang", "Zoo"]
        .iter()
        .map(|name| {
            text.find(&format!(">{name}</a>"))
                .unwrap_or_else(|| panic!("{name} missing: {text}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // The member's footer names its category.
    let member = server.get("/wiki/Zoo");
    assert!(member.text().contains("Catégories :"), "{}", member.text());
    assert!(member.body.contains("href=\"/wiki/Cat%C3%A9gorie:Lieux\""));
}

#[test]
fn dynamic_lists_follow_category_membership() {
    let server = TestServer::start();
    put(
        &server,
        "Portail:%C3%89coles",
        "{{#catégorie:Écoles}}\n\n{{#pages:}} articles.",
    );
    put(
        &server,
        "%C3%89cole_Jean-Mac%C3%A9",
        "Une école.\n[[Catégorie:Écoles]]",
    );
    let portal = server.get("/wiki/Portail:%C3%89coles");
    assert!(
        portal.text().contains(">École Jean-Macé</a>"),
        "{}",
        portal.text()
    );
    // Served from cache; a new member must invalidate it.
    put(
        &server,
        "Coll%C3%A8ge_Amp%C3%A8re",
        "Un collège.\n[[Catégorie:Écoles]]",
    );
    let portal = server.get("/wiki/Portail:%C3%89coles");
    assert!(
        portal.text().contains(">Collège Ampère</a>"),
        "{}",
        portal.text()
    );
    // Leaving the category removes it from the list.
    put(
        &server,
        "Coll%C3%A8ge_Amp%C3%A8re",
        "Un collège, plus une école.",
    );
    let portal = server.get("/wiki/Portail:%C3%89coles");
    assert!(
        !portal.text().contains(">Collège Ampère</a>"),
        "{}",
        portal.text()
    );
    // Accueil + the two school pages are articles.
    assert!(portal.text().contains("3 articles."), "{}", portal.text());
}

#[test]
fn redirects_send_readers_to_the_target() {
    let server = TestServer::start();
    put(&server, "Mairie", "L'hôtel de ville.");
    put(&server, "H%C3%B4tel_de_ville", "#REDIRECTION [[Mairie]]");
    let reply = server.get("/wiki/H%C3%B4tel_de_ville");
    reply.assert_status(302);
    assert_eq!(
        reply.header("location"),
        Some("/wiki/Mairie?rdfrom=H%C3%B4tel_de_ville")
    );
    let target = server.get("/wiki/Mairie?rdfrom=H%C3%B4tel_de_ville");
    assert!(
        target.text().contains("(Redirigé depuis Hôtel de ville)"),
        "{}",
        target.text()
    );
    assert!(
        target
            .body
            .contains("href=\"/wiki/H%C3%B4tel_de_ville?redirect=no\"")
    );
    let itself = server.get("/wiki/H%C3%B4tel_de_ville?redirect=no");
    itself.assert_status(200);
    assert!(itself.body.contains("href=\"/wiki/Mairie\""));
    // A redirect to a redirect is not followed twice.
    put(&server, "HDV", "#REDIRECT [[Hôtel de ville]]");
    let reply = server.get("/wiki/HDV");
    assert_eq!(
        reply.header("location"),
        Some("/wiki/H%C3%B4tel_de_ville?rdfrom=HDV")
    );
    server
        .get("/wiki/H%C3%B4tel_de_ville?rdfrom=HDV")
        .assert_status(200);
}

#[test]
fn special_pages_from_the_link_tables() {
    let server = TestServer::start();
    put(
        &server,
        "Pont",
        "Le pont mène à [[Rive gauche]] et [[Rive droite]].",
    );
    put(
        &server,
        "Quai",
        "Le quai mène à [[Rive gauche]] et au [[Pont]].",
    );
    let wanted = server.get("/wiki/Sp%C3%A9cial:Pages_demand%C3%A9es");
    wanted.assert_status(200);
    let text = wanted.text();
    let gauche = text
        .find("Rive gauche</a> (2 liens)")
        .unwrap_or_else(|| panic!("{text}"));
    let droite = text
        .find("Rive droite</a> (1 lien)")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(gauche < droite, "most wanted first");

    let here = server.get("/wiki/Special:WhatLinksHere/Pont");
    assert_eq!(here.status, 301);
    let here = server.get("/wiki/Sp%C3%A9cial:Pages_li%C3%A9es/Pont");
    here.assert_status(200);
    assert!(here.text().contains(">Quai</a>"), "{}", here.text());

    let orphans = server.get("/wiki/Sp%C3%A9cial:Pages_orphelines");
    let text = orphans.text();
    assert!(text.contains(">Quai</a>"), "{text}");
    assert!(!text.contains(">Pont</a>"), "{text}");
    server.get("/wiki/Sp%C3%A9cial:Inconnue").assert_status(404);
}

#[test]
fn render_api_returns_html_and_what_the_text_links_to() {
    let server = TestServer::start();
    put(&server, "Mod%C3%A8le:Salut", "Bonjour [[Accueil]]");
    let reply = server.send(
        "POST",
        "/api/v1/render",
        &[("Content-Type", "application/json")],
        &json!({"text": "{{Salut}}\n\n## Un\n\n## Deux\n\n## Trois\n\n## Quatre\n\n[[Catégorie:Essais]]", "title": "Brouillon"})
            .to_string(),
    );
    reply.assert_status(200);
    let body = reply.json();
    assert!(
        body["html"]
            .as_str()
            .unwrap()
            .contains("href=\"/wiki/Accueil\"")
    );
    assert_eq!(body["categories"], json!(["Catégorie:Essais"]));
    assert_eq!(body["links"], json!(["Accueil"]));
    assert_eq!(body["templates"], json!(["Modèle:Salut"]));
    assert_eq!(body["toc"].as_array().unwrap().len(), 4);
    assert_eq!(body["toc"][0]["anchor"], "Un");
    // Nothing was saved.
    server.get("/api/v1/pages/Brouillon").assert_status(404);
    let reply = server.send(
        "POST",
        "/api/v1/render",
        &[("Content-Type", "text/plain")],
        "x",
    );
    reply.assert_status(415);
}

#[test]
fn template_loops_show_an_error_not_a_hang() {
    let server = TestServer::start();
    put(&server, "Mod%C3%A8le:A", "{{B}}");
    put(&server, "Mod%C3%A8le:B", "{{A}}");
    put(&server, "Boucle", "avant {{A}} après");
    let page = server.get("/wiki/Boucle");
    page.assert_status(200);
    assert!(page.text().contains("Boucle de modèles"), "{}", page.text());
    assert!(page.text().contains("après"));
}

#[test]
fn preview_renders_with_the_wiki() {
    let server = TestServer::start();
    let mut browser = server.browser();
    let form = browser.get("/wiki/Brouillon?action=edit");
    let reply = browser.post_form(
        "/wiki/Brouillon?action=edit",
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("text", "[[Accueil]] et [[Nulle part]]"),
            ("do", "preview"),
        ],
    );
    reply.assert_status(200);
    assert!(reply.body.contains("href=\"/wiki/Accueil\""));
    assert!(
        reply
            .body
            .contains("href=\"/wiki/Nulle_part?action=edit\" class=\"new\"")
    );
}
