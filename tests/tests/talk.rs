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

/// Where a redirect points, without the server part.
fn location(reply: &carnet_tests::Reply) -> String {
    reply.header("location").unwrap_or_default().to_owned()
}

#[test]
fn a_new_section_is_appended_signed_and_linked() {
    let server = TestServer::start();
    let mut lea = server.account("Léa", Role::Writer);
    lea.edit(
        "Discussion:March%C3%A9",
        "## Horaires\n\nOuvert le samedi.",
        "",
    )
    .assert_status(303);
    // The talk page offers the action; an article does not.
    let talk = server.get("/wiki/Discussion:March%C3%A9");
    assert!(
        talk.body
            .contains("href=\"/wiki/Discussion:March%C3%A9?action=newsection\""),
        "{}",
        talk.body
    );
    assert!(talk.text().contains("Nouvelle section"));
    lea.edit("March%C3%A9", "Le marché.", "").assert_status(303);
    assert!(!server.get("/wiki/March%C3%A9").body.contains("newsection"));

    let form = lea.get("/wiki/Discussion:March%C3%A9?action=newsection");
    form.assert_status(200);
    assert!(
        form.text()
            .contains("Nouvelle section sur Discussion:Marché")
    );
    let reply = lea.post_form(
        "/wiki/Discussion:March%C3%A9?action=newsection",
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("subject", "  Ouverture le\n dimanche "),
            ("text", "Qui serait d'accord ?"),
        ],
    );
    reply.assert_status(303);
    assert_eq!(
        location(&reply),
        "/wiki/Discussion:March%C3%A9?notice=section-added#Ouverture_le_dimanche"
    );
    let raw = server.get("/wiki/Discussion:March%C3%A9?action=raw").body;
    assert!(
        raw.starts_with("## Horaires\n\nOuvert le samedi.\n\n## Ouverture le dimanche\n\nQui serait d'accord ? [[Utilisateur:Léa|Léa]] "),
        "{raw}"
    );
    assert!(raw.trim_end().ends_with("(UTC)"), "{raw}");
    let page = server.get("/wiki/Discussion:March%C3%A9");
    assert!(
        page.body.contains("id=\"Ouverture_le_dimanche\""),
        "{}",
        page.body
    );
    let history = server.history("Discussion:Marché");
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[0].meta.comment.as_str(),
        "Nouvelle section : Ouverture le dimanche"
    );
    assert_eq!(history[0].meta.author.as_str(), "Léa");

    // A section on a talk page that does not exist yet creates it.
    let form = lea.get("/wiki/Discussion:Piscine?action=newsection");
    lea.post_form(
        "/wiki/Discussion:Piscine?action=newsection",
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("subject", "Tarifs C#"),
            ("text", "Voici :\n\n```\nprix = 3\n```"),
        ],
    )
    .assert_status(303);
    let raw = server.get("/wiki/Discussion:Piscine?action=raw").body;
    assert!(
        raw.starts_with(
            "## Tarifs C\\#\n\nVoici :\n\n```\nprix = 3\n```\n\n— [[Utilisateur:Léa|Léa]] "
        ),
        "{raw}"
    );
}

#[test]
fn a_refused_section_comes_back_with_its_text_and_a_reason() {
    let server = TestServer::start();
    let mut lea = server.account("Léa", Role::Writer);
    let form = lea.get("/wiki/Discussion:Gare?action=newsection");
    let token = form.field("csrf_token").unwrap();
    let path = "/wiki/Discussion:Gare?action=newsection";
    let reply = lea.post_form(
        path,
        &[
            ("csrf_token", &token),
            ("subject", " "),
            ("text", "Mon long message"),
        ],
    );
    reply.assert_status(400);
    assert!(reply.text().contains("Donnez un sujet à votre section."));
    assert!(reply.body.contains("Mon long message"), "the text is kept");
    let reply = lea.post_form(
        path,
        &[
            ("csrf_token", &token),
            ("subject", &"x".repeat(201)),
            ("text", "Gardé"),
        ],
    );
    reply.assert_status(400);
    assert!(
        reply.text().contains("au plus 200 caractères"),
        "{}",
        reply.text()
    );
    assert!(reply.body.contains("Gardé"));
    let reply = lea.post_form_with(
        path,
        &[
            ("csrf_token", &token),
            ("subject", "Sujet"),
            ("text", "\n "),
        ],
        &[("Accept-Language", "en")],
    );
    reply.assert_status(400);
    assert!(reply.text().contains("Write a message under the subject."));
    // A forged form (no token) is refused, the message still shown back.
    let reply = lea.post_form(path, &[("subject", "Sujet"), ("text", "Pas perdu")]);
    reply.assert_status(403);
    assert!(reply.body.contains("Pas perdu"));
    let title = carnet_core::Title::parse("Discussion:Gare").unwrap();
    assert!(
        server.store().page(&title).unwrap().is_none(),
        "nothing saved"
    );
    // A special page has no sections.
    let reply = lea.post_form(
        "/wiki/Sp%C3%A9cial:Statistiques?action=newsection",
        &[("csrf_token", &token), ("subject", "S"), ("text", "T")],
    );
    reply.assert_status(403);
}

#[test]
fn sections_opened_at_the_same_moment_are_all_kept() {
    const WRITERS: usize = 8;
    let server = TestServer::start_with_limits(carnet_tests::generous_limits());
    let server = &server;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|n| {
                scope.spawn(move || {
                    // Each newcomer is a separate logged-out browser (a temporary identity).
                    let mut browser = server.browser();
                    let form = browser.get("/wiki/Discussion:Atelier?action=newsection");
                    let reply = browser.post_form(
                        "/wiki/Discussion:Atelier?action=newsection",
                        &[
                            ("csrf_token", &form.field("csrf_token").unwrap()),
                            ("subject", &format!("Question {n}")),
                            ("text", &format!("Message numéro {n}")),
                        ],
                    );
                    reply.status
                })
            })
            .collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap(), 303);
        }
    });
    let raw = server.get("/wiki/Discussion:Atelier?action=raw").body;
    for n in 0..WRITERS {
        assert!(
            raw.contains(&format!(
                "## Question {n}\n\nMessage numéro {n} [[Utilisateur:"
            )),
            "{n}: {raw}"
        );
    }
    assert_eq!(raw.matches("## Question").count(), WRITERS);
    assert_eq!(server.history("Discussion:Atelier").len(), WRITERS);
}
