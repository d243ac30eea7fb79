//! Personal API tokens through the real server: created and revoked from the account
//! page, used with `Authorization: Bearer` on the JSON API, read-only or read-write.

use carnet_tests::{Browser, Reply, TestServer};
use serde_json::json;

fn signup(browser: &mut Browser<'_>, name: &str) -> Reply {
    let form = browser.get("/account/signup");
    let reply = browser.post_form(
        "/account/signup",
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("name", name),
            ("password", "une phrase de passe"),
        ],
    );
    reply.assert_status(303);
    reply
}

/// Creates a token from the account page and returns the page and the secret it shows.
fn create_token(browser: &mut Browser<'_>, name: &str, write: bool) -> (Reply, String) {
    let page = browser.get("/account/tokens");
    page.assert_status(200);
    let token = page.field("csrf_token").unwrap();
    let mut fields = vec![("csrf_token", token.as_str()), ("name", name)];
    if write {
        fields.push(("write", "1"));
    }
    let reply = browser.post_form("/account/tokens", &fields);
    reply.assert_status(201);
    let secret = secret_of(&reply).unwrap_or_else(|| panic!("no token shown: {}", reply.body));
    (reply, secret)
}

fn secret_of(reply: &Reply) -> Option<String> {
    let at = reply.body.find("<code id=\"new-token\">")?;
    let rest = reply.body.get(at + "<code id=\"new-token\">".len()..)?;
    Some(rest.get(..rest.find('<')?)?.to_owned())
}

fn bearer(secret: &str) -> String {
    format!("Bearer {secret}")
}

fn put_with(
    server: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
    body: &serde_json::Value,
) -> Reply {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    server.send("PUT", path, &all, &body.to_string())
}

/// The token id in the revoke form of the row named `name`.
fn token_id(page: &Reply, name: &str) -> String {
    let row_at = page.body.find(&format!("<td>{name}</td>")).unwrap();
    let rest = page.body.get(row_at..).unwrap();
    let marker = "name=\"token_id\" value=\"";
    let at = rest.find(marker).unwrap() + marker.len();
    let rest = rest.get(at..).unwrap();
    rest.get(..rest.find('"').unwrap()).unwrap().to_owned()
}

#[test]
fn tokens_are_created_shown_once_listed_and_used() {
    let server = TestServer::start();
    // Logged out, the page sends to the login form and back.
    let reply = server.get("/account/tokens");
    reply.assert_status(303);
    assert_eq!(
        reply.header("location"),
        Some("/account/login?return=%2Faccount%2Ftokens")
    );

    let mut browser = server.browser();
    signup(&mut browser, "Léa");
    let page = browser.get("/account/tokens");
    page.assert_status(200);
    assert!(page.text().contains("Jetons d'accès à l'API"));
    assert!(page.text().contains("Vous n'avez aucun jeton actif."));
    assert!(
        browser
            .get("/wiki/Accueil")
            .body
            .contains("href=\"/account/tokens\"")
    );

    let (created, reader) = create_token(&mut browser, "robot lecteur", false);
    assert!(
        reader.starts_with("carnet_") && reader.len() == 71,
        "{reader}"
    );
    assert!(
        created
            .text()
            .contains("Le jeton « robot lecteur » est créé")
    );
    assert_eq!(created.header("cache-control"), Some("no-store"));
    let (_, writer) = create_token(&mut browser, "robot écrivain", true);

    // Shown once: the list never shows a secret again.
    let page = browser.get("/account/tokens");
    assert!(!page.body.contains(&reader) && !page.body.contains(&writer));
    let text = page.text();
    assert!(text.contains("robot lecteur") && text.contains("robot écrivain"));
    assert!(text.contains("Lecture seule") && text.contains("Lecture et écriture"));
    assert!(text.contains("Jamais"));

    // A token reads, and is noted as used.
    let reply = server.get_with(
        "/api/v1/pages/Accueil",
        &[("Authorization", &bearer(&reader))],
    );
    reply.assert_status(200);
    let page = browser.get("/account/tokens");
    let row_start = page.body.find("<td>robot lecteur</td>").unwrap();
    let row = page.body.get(row_start..).unwrap();
    let row = row.get(..row.find("</tr>").unwrap()).unwrap();
    assert!(!row.contains("Jamais"), "{row}");

    // English page.
    let mut english = server.browser().with_header("Accept-Language", "en");
    signup(&mut english, "Ann");
    let page = english.get("/account/tokens");
    assert!(page.text().contains("API access tokens"));
    assert!(page.text().contains("You have no active token."));
}

#[test]
fn a_write_token_edits_as_its_user_from_anywhere() {
    let server = TestServer::start();
    let mut browser = server.browser();
    signup(&mut browser, "Léa");
    let (_, writer) = create_token(&mut browser, "robot", true);

    // No cookie, another site's Origin (a token is no ambient credential), a false
    // author: the edit is Léa's.
    let reply = put_with(
        &server,
        "/api/v1/pages/Journal_du_robot",
        &[
            ("Authorization", &bearer(&writer)),
            ("Origin", "https://outil.example"),
        ],
        &json!({"text": "Relevé du jour", "comment": "relevé", "author": "Quelqu'un"}),
    );
    reply.assert_status(201);
    assert_eq!(reply.json()["revision"]["author"], "Léa");
    let saved = server.get("/api/v1/pages/Journal_du_robot").json();
    assert_eq!(saved["revision"]["author"], "Léa");
    assert_eq!(saved["text"], "Relevé du jour");

    let reply = server.send(
        "POST",
        "/api/v1/render",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &bearer(&writer)),
        ],
        &json!({"text": "'''gras'''"}).to_string(),
    );
    reply.assert_status(200);

    // The token wins over someone else's session cookie.
    let mut paul = server.browser();
    signup(&mut paul, "Paul");
    let cookie = format!("carnet_session={}", paul.cookie("carnet_session").unwrap());
    let revision = saved["revision"]["id"].as_i64().unwrap();
    let reply = put_with(
        &server,
        "/api/v1/pages/Journal_du_robot",
        &[("Authorization", &bearer(&writer)), ("Cookie", &cookie)],
        &json!({"text": "Relevé du lendemain", "base_revision": revision}),
    );
    reply.assert_status(200);
    assert_eq!(reply.json()["revision"]["author"], "Léa");
}

#[test]
fn a_read_only_token_reads_but_never_writes() {
    let server = TestServer::start();
    let mut browser = server.browser();
    signup(&mut browser, "Léa");
    let (_, reader) = create_token(&mut browser, "lecteur", false);
    let auth = bearer(&reader);
    let headers = [("Authorization", auth.as_str())];

    server
        .get_with("/api/v1/pages/Accueil", &headers)
        .assert_status(200);
    server
        .get_with("/api/v1/pages/Accueil/history", &headers)
        .assert_status(200);
    let before = server.fingerprint();

    let reply = put_with(
        &server,
        "/api/v1/pages/Accueil",
        &headers,
        &json!({"text": "effacé"}),
    );
    reply.assert_status(403);
    let error = &reply.json()["error"];
    assert_eq!(error["code"], "token_read_only");
    assert_eq!(
        error["message"],
        "Ce jeton d'accès est en lecture seule : il ne permet pas de modifier le wiki."
    );
    let reply = put_with(
        &server,
        "/api/v1/pages/Nouvelle",
        &[("Authorization", auth.as_str()), ("Accept-Language", "en")],
        &json!({"text": "créée"}),
    );
    reply.assert_status(403);
    assert_eq!(
        reply.json()["error"]["message"],
        "This access token is read-only: it cannot be used to change the wiki."
    );
    // Every other method is a write too, even on routes that do not exist yet.
    for (method, path) in [
        ("POST", "/api/v1/render"),
        ("DELETE", "/api/v1/pages/Accueil"),
        ("POST", "/api/v1/pages/Accueil/protect"),
    ] {
        let reply = server.send(
            method,
            path,
            &[
                ("Authorization", auth.as_str()),
                ("Content-Type", "application/json"),
            ],
            "{\"text\": \"x\"}",
        );
        assert_eq!(reply.status, 403, "{method} {path}: {}", reply.body);
        assert_eq!(reply.json()["error"]["code"], "token_read_only");
    }
    assert_eq!(
        server.fingerprint(),
        before,
        "a refused write changed the database"
    );
}

#[test]
fn bad_tokens_are_refused_never_anonymous() {
    let server = TestServer::start();
    let mut browser = server.browser();
    signup(&mut browser, "Léa");
    let (_, writer) = create_token(&mut browser, "robot", true);
    let unknown = format!("carnet_{}", "ab".repeat(32));
    let before = server.fingerprint();
    for authorization in [
        bearer(&unknown),
        "Bearer carnet_court".to_owned(),
        "Bearer ".to_owned(),
        format!("Basic {writer}"),
        writer.clone(),
        format!("Bearer {}", writer.to_uppercase()),
    ] {
        for (method, body) in [("GET", ""), ("PUT", "{\"text\": \"anonyme ?\"}")] {
            let reply = server.send(
                method,
                "/api/v1/pages/Accueil",
                &[
                    ("Authorization", authorization.as_str()),
                    ("Content-Type", "application/json"),
                ],
                body,
            );
            assert_eq!(
                reply.status, 401,
                "{authorization:?} {method}: {}",
                reply.body
            );
            assert!(
                reply
                    .header("www-authenticate")
                    .unwrap()
                    .starts_with("Bearer"),
                "{:?}",
                reply.headers
            );
            let error = &reply.json()["error"];
            assert_eq!(error["code"], "invalid_token");
            assert!(
                error["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("Jeton d'accès refusé : il est inconnu, révoqué ou mal formé."),
                "{error}"
            );
        }
    }
    let reply = server.get_with(
        "/api/v1/pages/Accueil",
        &[
            ("Authorization", &bearer(&unknown)),
            ("Accept-Language", "en"),
        ],
    );
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Access token refused: it is unknown, revoked or malformed.")
    );
    assert_eq!(server.fingerprint(), before);
}

#[test]
fn tokens_are_revoked_by_their_owner_only() {
    let server = TestServer::start();
    let mut lea = server.browser();
    signup(&mut lea, "Léa");
    let (_, writer) = create_token(&mut lea, "robot", true);
    let (page, reader) = create_token(&mut lea, "lecteur", false);
    let writer_id = token_id(&page, "robot");
    let reader_id = token_id(&page, "lecteur");

    // Paul cannot revoke Léa's token, even knowing its id.
    let mut paul = server.browser();
    signup(&mut paul, "Paul");
    let form = paul.get("/account/tokens");
    let reply = paul.post_form(
        "/account/tokens/revoke",
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("token_id", &writer_id),
        ],
    );
    reply.assert_status(404);
    assert!(
        reply
            .text()
            .contains("Ce jeton n'existe pas ou a déjà été révoqué.")
    );
    server
        .get_with(
            "/api/v1/pages/Accueil",
            &[("Authorization", &bearer(&writer))],
        )
        .assert_status(200);

    let form = lea.get("/account/tokens");
    let csrf = form.field("csrf_token").unwrap();
    let reply = lea.post_form(
        "/account/tokens/revoke",
        &[("csrf_token", &csrf), ("token_id", &writer_id)],
    );
    reply.assert_status(303);
    assert_eq!(
        reply.header("location"),
        Some("/account/tokens?notice=revoked")
    );
    let page = lea.get("/account/tokens?notice=revoked");
    assert!(page.text().contains("Le jeton a été révoqué"));
    assert!(!page.text().contains("<td>robot</td>") && page.text().contains("lecteur"));
    let reply = server.get_with(
        "/api/v1/pages/Accueil",
        &[("Authorization", &bearer(&writer))],
    );
    reply.assert_status(401);
    // Revoking twice, or nonsense ids.
    lea.post_form(
        "/account/tokens/revoke",
        &[("csrf_token", &csrf), ("token_id", &writer_id)],
    )
    .assert_status(404);
    lea.post_form(
        "/account/tokens/revoke",
        &[("csrf_token", &csrf), ("token_id", "abc")],
    )
    .assert_status(400);
    server
        .get_with(
            "/api/v1/pages/Accueil",
            &[("Authorization", &bearer(&reader))],
        )
        .assert_status(200);
    assert_ne!(reader_id, writer_id);
}

#[test]
fn token_names_are_checked_and_logged_out_posts_refused() {
    let server = TestServer::start();
    let mut browser = server.browser();
    signup(&mut browser, "Léa");
    let form = browser.get("/account/tokens");
    let csrf = form.field("csrf_token").unwrap();
    let before = server.fingerprint();
    let long = "n".repeat(101);
    for (name, message) in [
        ("   ", "Donnez un nom au jeton."),
        (long.as_str(), "Le nom du jeton dépasse 100 caractères."),
        (
            "a\u{1b}b",
            "Le nom du jeton contient un caractère de contrôle.",
        ),
    ] {
        let reply = browser.post_form(
            "/account/tokens",
            &[("csrf_token", &csrf), ("name", name), ("write", "1")],
        );
        reply.assert_status(400);
        assert!(reply.text().contains(message), "{}", reply.text());
        assert!(secret_of(&reply).is_none());
        // The form is given back as typed.
        assert_eq!(reply.field("name").as_deref(), Some(name));
        assert!(
            reply
                .body
                .contains("name=\"write\" type=\"checkbox\" value=\"1\" checked")
        );
    }
    // Logged out (with a genuine CSRF token): refused.
    let mut stranger = server.browser();
    let form = stranger.get("/account/login");
    let reply = stranger.post_form(
        "/account/tokens",
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("name", "robot"),
        ],
    );
    reply.assert_status(401);
    assert!(
        reply
            .text()
            .contains("Connectez-vous pour accéder à cette page.")
    );
    assert_eq!(server.fingerprint(), before);
}
