//! Accounts and sessions through the real server.

use carnet_tests::{Browser, Reply, TestServer};

fn signup(browser: &mut Browser<'_>, name: &str, password: &str) -> Reply {
    let form = browser.get("/account/signup");
    form.assert_status(200);
    browser.post_form(
        "/account/signup",
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("name", name),
            ("password", password),
            ("return", "/wiki/Accueil"),
        ],
    )
}

fn login(browser: &mut Browser<'_>, name: &str, password: &str) -> Reply {
    let form = browser.get("/account/login");
    browser.post_form(
        "/account/login",
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("name", name),
            ("password", password),
        ],
    )
}

#[test]
fn signup_logs_in_and_signs_edits_with_the_account() {
    let server = TestServer::start();
    let mut browser = server.browser();
    let reply = signup(&mut browser, "léa martin", "une phrase de passe");
    reply.assert_status(303);
    assert_eq!(reply.header("location"), Some("/wiki/Accueil"));
    let cookie = reply.set_cookie_line("carnet_session").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let page = browser.get("/wiki/Accueil");
    assert!(
        page.text().contains("Connecté·e : Léa martin"),
        "{}",
        page.text()
    );

    // The edit form shows who signs, and no free name field.
    let form = browser.get("/wiki/Atelier?action=edit");
    assert!(form.text().contains("Vous écrivez en tant que Léa martin"));
    assert!(form.field("author").is_none());
    browser
        .edit("Atelier", "Compte rendu", "notes")
        .assert_status(303);
    let revision = server.get("/api/v1/pages/Atelier").json();
    assert_eq!(revision["revision"]["author"], "Léa martin");

    // The API signs with the session too, whatever `author` says.
    let cookie = format!(
        "carnet_session={}",
        browser.cookie("carnet_session").unwrap()
    );
    let reply = server.send(
        "PUT",
        "/api/v1/pages/Atelier",
        &[("Content-Type", "application/json"), ("Cookie", cookie.as_str())],
        &serde_json::json!({"text": "Compte rendu complet", "base_revision": revision["revision"]["id"], "author": "Quelqu'un d'autre"}).to_string(),
    );
    reply.assert_status(200);
    assert_eq!(reply.json()["revision"]["author"], "Léa martin");
}

#[test]
fn names_and_passwords_are_checked() {
    let server = TestServer::start();
    let mut browser = server.browser();
    signup(&mut browser, "Marie", "une phrase de passe").assert_status(303);
    let mut other = server.browser();
    let reply = signup(&mut other, "marie", "une autre phrase");
    reply.assert_status(409);
    assert!(reply.text().contains("Ce nom est déjà pris"));
    assert_eq!(reply.field("name").as_deref(), Some("marie"));
    let reply = signup(&mut other, "Paul", "court");
    reply.assert_status(400);
    assert!(reply.text().contains("au moins 8 caractères"));
    signup(&mut other, "Marguerite", "marguerite").assert_status(400);
    let reply = signup(&mut other, "10.0.0.1", "une phrase de passe");
    reply.assert_status(400);
    assert!(
        reply
            .text()
            .contains("une adresse IP ne peut pas servir de nom")
    );
    signup(&mut other, "a/b", "une phrase de passe").assert_status(400);
    signup(&mut other, "~2026-1", "une phrase de passe").assert_status(400);
}

#[test]
fn login_rotates_the_session_and_logout_ends_it() {
    let server = TestServer::start();
    let mut browser = server.browser();
    signup(&mut browser, "Nora", "une phrase de passe").assert_status(303);
    let first = browser.cookie("carnet_session").unwrap().to_owned();

    let mut other = server.browser();
    let reply = login(&mut other, "Nora", "mauvais mot de passe");
    reply.assert_status(401);
    assert!(reply.text().contains("Nom ou mot de passe incorrect."));
    let reply = login(&mut other, "Personne", "une phrase de passe");
    reply.assert_status(401);
    assert!(reply.text().contains("Nom ou mot de passe incorrect."));

    let reply = login(&mut browser, "nora", "une phrase de passe");
    reply.assert_status(303);
    let second = browser.cookie("carnet_session").unwrap().to_owned();
    assert_ne!(first, second, "a login gets a new session token");
    // The old token no longer opens a session.
    let old = server.get_with(
        "/wiki/Accueil",
        &[("Cookie", &format!("carnet_session={first}"))],
    );
    assert!(!old.text().contains("Connecté·e"));

    let page = browser.get("/wiki/Accueil");
    let token = page.field("csrf_token").unwrap();
    let reply = browser.post_form("/account/logout", &[("csrf_token", &token)]);
    reply.assert_status(303);
    assert!(!browser.get("/wiki/Accueil").text().contains("Connecté·e"));
    let replay = server.get_with(
        "/wiki/Accueil",
        &[("Cookie", &format!("carnet_session={second}"))],
    );
    assert!(
        !replay.text().contains("Connecté·e"),
        "a logged-out token is dead everywhere"
    );
}

#[test]
fn changing_the_password_needs_the_old_one_and_ends_other_sessions() {
    let server = TestServer::start();
    let mut laptop = server.browser();
    signup(&mut laptop, "Yann", "première phrase").assert_status(303);
    let mut phone = server.browser();
    login(&mut phone, "Yann", "première phrase").assert_status(303);

    let form = laptop.get("/account/password");
    form.assert_status(200);
    let token = form.field("csrf_token").unwrap();
    let reply = laptop.post_form(
        "/account/password",
        &[
            ("csrf_token", &token),
            ("current_password", "pas la bonne"),
            ("password", "deuxième phrase"),
        ],
    );
    reply.assert_status(401);
    let reply = laptop.post_form(
        "/account/password",
        &[
            ("csrf_token", &token),
            ("current_password", "première phrase"),
            ("password", "deuxième phrase"),
        ],
    );
    reply.assert_status(200);
    assert!(reply.text().contains("Votre mot de passe a été changé"));
    assert!(
        laptop
            .get("/wiki/Accueil")
            .text()
            .contains("Connecté·e : Yann")
    );
    assert!(!phone.get("/wiki/Accueil").text().contains("Connecté·e"));
    let mut again = server.browser();
    login(&mut again, "Yann", "première phrase").assert_status(401);
    login(&mut again, "Yann", "deuxième phrase").assert_status(303);
    // Logged out, the page asks to log in.
    server.get("/account/password").assert_status(401);
}

#[test]
fn account_forms_are_protected_against_cross_site_posts() {
    let server = TestServer::start();
    let mut browser = server.browser();
    browser.get("/account/signup");
    let reply = browser.post_form(
        "/account/signup",
        &[
            ("csrf_token", &"0".repeat(64)),
            ("name", "Intrus"),
            ("password", "une phrase de passe"),
        ],
    );
    reply.assert_status(403);
    let mut fresh = server.browser();
    login(&mut fresh, "Intrus", "une phrase de passe").assert_status(401);
    let reply = browser.post_form("/account/logout", &[("csrf_token", "x")]);
    reply.assert_status(403);
}

#[test]
fn session_cookie_is_secure_over_https() {
    let server = TestServer::start();
    let mut browser = server.browser().with_header("X-Forwarded-Proto", "https");
    let reply = signup(&mut browser, "Sécurité", "une phrase de passe");
    reply.assert_status(303);
    assert!(
        reply
            .set_cookie_line("carnet_session")
            .unwrap()
            .contains("Secure")
    );
}
