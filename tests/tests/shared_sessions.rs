//! Two Carnet servers on one database, as behind a load balancer: a session opened on
//! one is live on the other, and ended everywhere by a logout on either. Runs on SQLite
//! (two servers on one file) and, in CI's second pass, on one PostgreSQL database.

use carnet_tests::TestServer;

#[test]
fn a_session_is_shared_by_two_servers_on_one_database() {
    let first = TestServer::start();
    let second = first.start_sharing();
    assert_ne!(first.base, second.base);

    // Sign up on the first server.
    let mut on_first = first.browser();
    let form = on_first.get("/account/signup");
    on_first
        .post_form(
            "/account/signup",
            &[
                ("csrf_token", &form.field("csrf_token").unwrap()),
                ("name", "Inès"),
                ("password", "une phrase de passe"),
            ],
        )
        .assert_status(303);
    let session = on_first.cookie("carnet_session").unwrap().to_owned();
    let csrf = on_first.cookie("carnet_csrf").unwrap().to_owned();
    assert!(
        on_first
            .get("/wiki/Accueil")
            .text()
            .contains("Connecté·e : Inès")
    );

    // The same cookies on the second server: logged in, and edits are hers.
    let mut on_second = second.browser();
    on_second.set_cookie("carnet_session", &session);
    on_second.set_cookie("carnet_csrf", &csrf);
    let page = on_second.get("/wiki/Accueil");
    assert!(page.text().contains("Connecté·e : Inès"), "{}", page.text());
    on_second
        .edit("Relais", "Écrit sur le second serveur", "relais")
        .assert_status(303);
    let saved = first.get("/api/v1/pages/Relais").json();
    assert_eq!(saved["revision"]["author"], "Inès");
    assert_eq!(saved["text"], "Écrit sur le second serveur");

    // Log out on the second server: the first no longer knows the cookie.
    let page = on_second.get("/wiki/Accueil");
    on_second
        .post_form(
            "/account/logout",
            &[("csrf_token", &page.field("csrf_token").unwrap())],
        )
        .assert_status(303);
    let replay = first.get_with(
        "/wiki/Accueil",
        &[("Cookie", &format!("carnet_session={session}"))],
    );
    replay.assert_status(200);
    assert!(!replay.text().contains("Connecté·e"), "{}", replay.text());
    assert!(!on_first.get("/wiki/Accueil").text().contains("Connecté·e"));
    // An edit with the dead cookie is not hers: the form offers a temporary identity.
    let form = on_first.get("/wiki/Relais?action=edit");
    assert!(
        form.text().contains("identité temporaire"),
        "the form no longer writes as her: {}",
        form.text()
    );
}
