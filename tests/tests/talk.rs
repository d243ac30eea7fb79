//! Talk pages and signatures through the real server.

use carnet_core::{Role, UserName};
use carnet_tests::TestServer;
use serde_json::json;

#[test]
fn talk_tabs_and_signatures() {
    let server = TestServer::start();
    let hash = carnet_web::hash_password("une phrase de passe").unwrap();
    server
        .store()
        .create_user(&UserName::parse("Léa").unwrap(), &hash, Role::Writer)
        .unwrap()
        .unwrap();
    let mut lea = server.browser();
    let form = lea.get("/account/login");
    lea.post_form(
        "/account/login",
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("name", "Léa"),
            ("password", "une phrase de passe"),
        ],
    )
    .assert_status(303);
    lea.edit("Gare", "La gare.", "").assert_status(303);
    // Every page links to its talk page, and back.
    let page = server.get("/wiki/Gare");
    assert!(
        page.body.contains("href=\"/wiki/Discussion:Gare\""),
        "{}",
        page.body
    );
    assert!(page.text().contains("Discussion"));
    lea.edit(
        "Discussion:Gare",
        "## Horaires\n\nFaut-il les ajouter ? ~~~~\n\nEn code : `~~~~`",
        "",
    )
    .assert_status(303);
    let raw = server.get("/wiki/Discussion:Gare?action=raw").body;
    assert!(
        raw.contains("Faut-il les ajouter ? [[Utilisateur:Léa|Léa]] "),
        "{raw}"
    );
    assert!(raw.contains("(UTC)"));
    assert!(raw.contains("`~~~~`"), "code keeps its tildes: {raw}");
    let talk = server.get("/wiki/Discussion:Gare");
    assert!(talk.body.contains("href=\"/wiki/Gare\""), "the Page tab");
    assert!(
        talk.body.contains("Utilisateur:L%C3%A9a"),
        "the signature links to her page"
    );
    // Logged out through the API: the temporary identity signs.
    let reply = server.put_json(
        "/api/v1/pages/Discussion:Piscine",
        &json!({"text": "Question ~~~"}),
    );
    reply.assert_status(201);
    let raw = server.get("/wiki/Discussion:Piscine?action=raw").body;
    let prefix = carnet_tests::temporary_prefix();
    assert!(
        raw.starts_with(&format!("Question [[Utilisateur:{prefix}")),
        "{raw}"
    );
}
