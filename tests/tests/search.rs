//! Search through the real server: the results page, "Go", the JSON API and the
//! suggestions, on SQLite (FTS5) and on PostgreSQL (tsvector) in CI.

use carnet_tests::TestServer;
use serde_json::json;

/// The result titles of a results page, in order.
fn result_titles(body: &str) -> Vec<String> {
    let Some(start) = body.find("<ol class=\"search-results\">") else {
        return Vec::new();
    };
    let list = &body[start..body[start..].find("</ol>").unwrap() + start];
    list.split("<li><a href=\"")
        .skip(1)
        .map(|item| {
            let label = &item[item.find('>').unwrap() + 1..];
            carnet_tests::html_unescape(&label[..label.find("</a>").unwrap()])
        })
        .collect()
}

fn wiki() -> TestServer {
    let server = TestServer::start();
    server.put_page(
        "Haras national",
        "Les chevaux du haras. [[Catégorie:Élevage]]",
    );
    server.put_page(
        "Cheval de trait",
        "Un cheval puissant. [[Catégorie:Élevage]]",
    );
    server.put_page("Centre équestre", "On y monte à cheval.");
    server.put_page("Cheval", "#REDIRECTION [[Cheval de trait]]");
    server.put_page("École Jean-Macé", "Une école publique du quartier.");
    server.put_page(
        "Discussion:Haras national",
        "Les chevaux sont-ils visitables ?",
    );
    server
}

#[test]
fn the_results_page_finds_every_form_and_highlights_it() {
    let server = wiki();
    let reply = server.get("/wiki/Sp%C3%A9cial:Recherche?q=chevaux");
    reply.assert_status(200);
    let titles = result_titles(&reply.body);
    assert_eq!(titles.len(), 4, "{titles:?}");
    assert_eq!(titles[0], "Cheval de trait", "the title match first");
    assert!(titles.contains(&"Discussion:Haras national".to_owned()));
    assert!(
        !titles.contains(&"Cheval".to_owned()),
        "redirects are left out"
    );
    assert!(
        reply.body.contains("<mark>chevaux</mark>"),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("<mark>cheval</mark>"));
    assert!(
        reply
            .text()
            .contains("4 pages trouvées, de 1 à 4 ci-dessous.")
    );
    // Filters: articles only, one category.
    let articles = server.get("/wiki/Sp%C3%A9cial:Recherche?q=cheval&ns=0");
    assert_eq!(result_titles(&articles.body).len(), 3);
    let breeding = server.get("/wiki/Sp%C3%A9cial:Recherche?q=cheval&categorie=%C3%89levage");
    let mut titles = result_titles(&breeding.body);
    titles.sort();
    assert_eq!(titles, vec!["Cheval de trait", "Haras national"]);
    // Exclusion and phrase.
    let reply = server.get("/wiki/Sp%C3%A9cial:Recherche?q=cheval+-haras+-%22cheval+puissant%22");
    assert_eq!(result_titles(&reply.body), vec!["Centre équestre"]);
    // Nothing found: said so, with the offer to create the page.
    let reply = server.get("/wiki/Sp%C3%A9cial:Recherche?q=Licorne+bleue");
    assert!(
        reply
            .text()
            .contains("Aucune page ne contient « Licorne bleue ».")
    );
    assert!(
        reply
            .body
            .contains("href=\"/wiki/Licorne_bleue?action=edit\"")
    );
}

#[test]
fn go_opens_the_page_of_that_title() {
    let server = wiki();
    let reply = server.get("/wiki/Sp%C3%A9cial:Recherche?q=cheval+de+trait&go=1");
    reply.assert_status(302);
    assert_eq!(reply.header("location"), Some("/wiki/Cheval_de_trait"));
    // Accents and case aside, one page has that title.
    let reply = server.get("/wiki/Sp%C3%A9cial:Recherche?q=ecole+jean+mace&go=1");
    reply.assert_status(302);
    assert_eq!(
        reply.header("location"),
        Some("/wiki/%C3%89cole_Jean-Mac%C3%A9")
    );
    // No such title: the results instead.
    let reply = server.get("/wiki/Sp%C3%A9cial:Recherche?q=haras+chevaux&go=1");
    reply.assert_status(200);
    assert_eq!(result_titles(&reply.body).len(), 2);
}

#[test]
fn bad_searches_get_a_clear_error() {
    let server = wiki();
    let reply = server.get("/wiki/Sp%C3%A9cial:Recherche?q=-haras");
    reply.assert_status(400);
    assert!(reply.text().contains("Indiquez au moins un mot à chercher"));
    assert!(
        reply.body.contains("value=\"-haras\""),
        "the query stays in the box"
    );
    let reply = server.get_with(
        "/wiki/Sp%C3%A9cial:Recherche?q=cheval&ns=douze",
        &[("Accept-Language", "en")],
    );
    reply.assert_status(400);
    let long = "a".repeat(301);
    let reply = server.get(&format!("/api/v1/search?q={long}"));
    reply.assert_status(400);
    assert_eq!(reply.json()["error"]["code"], "bad_query");
    server
        .get("/api/v1/search?q=cheval&limit=1000")
        .assert_status(400);
    server
        .get("/api/v1/search?q=cheval&offset=-1")
        .assert_status(400);
    server.get("/api/v1/search").assert_status(400);
}

#[test]
fn results_are_paged() {
    let server = TestServer::start();
    for n in 0..25 {
        server.put_page(&format!("Marché {n:02}"), "Une brocante de plein air.");
    }
    let first = server.get("/wiki/Sp%C3%A9cial:Recherche?q=brocantes");
    let titles = result_titles(&first.body);
    assert_eq!(titles.len(), 20);
    assert!(
        first
            .text()
            .contains("25 pages trouvées, de 1 à 20 ci-dessous."),
        "{}",
        first.text()
    );
    assert!(first.body.contains("rel=\"next\""));
    assert!(!first.body.contains("rel=\"prev\""));
    let second = server.get("/wiki/Sp%C3%A9cial:Recherche?q=brocantes&offset=20");
    let rest = result_titles(&second.body);
    assert_eq!(rest.len(), 5);
    assert!(second.body.contains("rel=\"prev\""));
    let mut all: Vec<String> = titles.into_iter().chain(rest).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 25);
}

#[test]
fn the_json_api_and_suggestions() {
    let server = wiki();
    let reply = server.get("/api/v1/search?q=chevaux&limit=2");
    reply.assert_status(200);
    let json = reply.json();
    assert_eq!(json["total"], 4);
    assert_eq!(json["results"].as_array().unwrap().len(), 2);
    assert_eq!(json["results"][0]["title"], "Cheval de trait");
    assert_eq!(json["results"][0]["in_title"], true);
    assert_eq!(json["results"][0]["url"], "/wiki/Cheval_de_trait");
    let parts = json["results"][0]["snippet"].as_array().unwrap();
    assert!(
        parts
            .iter()
            .any(|p| p["match"] == true && p["text"] == "cheval")
    );

    let reply = server.get("/api/v1/suggest?q=ecole");
    reply.assert_status(200);
    assert_eq!(
        reply.json()["titles"],
        json!([{ "title": "École Jean-Macé", "url": "/wiki/%C3%89cole_Jean-Mac%C3%A9" }])
    );
    let reply = server.get("/api/v1/suggest?q=CHEVAL%20D");
    assert_eq!(reply.json()["titles"][0]["title"], "Cheval de trait");
    let reply = server.get("/api/v1/suggest?q=");
    assert_eq!(reply.json()["titles"], json!([]));
    // Every page has the search box, and its script.
    let page = server.get("/wiki/Haras_national");
    assert!(
        page.body
            .contains("action=\"/wiki/Sp%C3%A9cial:Recherche\"")
    );
    assert!(page.body.contains("data-suggest"));
    let script = page
        .body
        .split("<script type=\"module\" src=\"/static/search.js")
        .nth(1)
        .unwrap();
    let script = format!("/static/search.js{script}");
    let script = &script[..script.find('"').unwrap()];
    let reply = server.get(script);
    reply.assert_status(200);
    assert!(reply.body.contains("/api/v1/suggest"));
}

#[test]
fn snippets_never_carry_markup() {
    let server = TestServer::start();
    server.put_page(
        "Piège",
        "<script>alert('cheval')</script> <img src=x onerror=alert(1)> cheval",
    );
    let reply = server.get("/wiki/Sp%C3%A9cial:Recherche?q=cheval");
    assert_eq!(result_titles(&reply.body), vec!["Piège"]);
    assert!(!reply.body.contains("<script>alert"), "{}", reply.body);
    assert!(!reply.body.contains("<img src=x"));
    assert!(
        reply.body.contains("&#60;script"),
        "shown as text: {}",
        reply.body
    );
}
