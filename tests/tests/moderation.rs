//! Rights, protection and moderation through the real server: each right on each
//! role, protection expiry, delete and undelete, hidden revisions, rollback, blocks,
//! moves, and the public log.

use carnet_core::rights::{Protection, ProtectionLevel};
use carnet_core::{Role, Title, UserName};
use carnet_tests::{Browser, Reply, TestServer};
use chrono::{Duration, Utc};
use serde_json::json;

use carnet_tests::TEST_PASSWORD_HASH as HASH;

fn title(name: &str) -> Title {
    Title::parse(name).unwrap()
}

/// Submits a moderation form found at `form_path` with `fields` (CSRF token added).
fn submit(
    browser: &mut Browser<'_>,
    form_path: &str,
    post_path: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let form = browser.get(form_path);
    let token = form
        .field("csrf_token")
        .or_else(|| browser.cookie("carnet_csrf").map(str::to_owned))
        .unwrap();
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    browser.post_form(post_path, &all)
}

fn csrf(browser: &mut Browser<'_>) -> String {
    browser
        .get("/wiki/Accueil?action=edit")
        .field("csrf_token")
        .unwrap()
}

/// The five standings, in the order of the tables below: logged out (no identity
/// yet), temporary identity, registered writer, animateur, administrator.
fn everyone(server: &TestServer) -> Vec<(&'static str, Browser<'_>)> {
    let anonymous = server.browser();
    let mut temporary = server.browser();
    temporary
        .edit("Bac_%C3%A0_sable", "Premier essai", "")
        .assert_status(303);
    assert!(temporary.cookie("carnet_session").is_some());
    vec![
        ("anonymous", anonymous),
        ("temporary", temporary),
        ("writer", server.account("Rédactrice", Role::Writer)),
        ("animateur", server.account("Animateur", Role::Animateur)),
        ("admin", server.account("Admin", Role::Administrator)),
    ]
}

#[test]
fn each_right_on_each_role() {
    let server = TestServer::start();
    let mut people = everyone(&server);
    let (_, admin) = people.last_mut().unwrap();
    admin
        .edit("Place_Carnot", "La place.", "")
        .assert_status(303);
    admin
        .edit("Place_Carnot", "La place, refaite.", "")
        .assert_status(303);
    let first = server.history("Place Carnot").last().unwrap().meta.id.0;
    let hide = format!("/wiki/Place_Carnot?action=hide&oldid={first}");
    // The forms of each moderation action: 200 when allowed, 403 with a reason when not.
    let table: [(&str, &str, [bool; 5]); 7] = [
        ("read", "/wiki/Place_Carnot", [true, true, true, true, true]),
        (
            "edit form",
            "/wiki/Place_Carnot?action=edit",
            [true, true, true, true, true],
        ),
        (
            "move",
            "/wiki/Place_Carnot?action=move",
            [false, false, true, true, true],
        ),
        (
            "protect",
            "/wiki/Place_Carnot?action=protect",
            [false, false, false, false, true],
        ),
        (
            "delete",
            "/wiki/Place_Carnot?action=delete",
            [false, false, false, false, true],
        ),
        ("hide", &hide, [false, false, false, false, true]),
        (
            "block",
            "/wiki/Sp%C3%A9cial:Bloquer",
            [false, false, false, false, true],
        ),
    ];
    for (action, path, expected) in table {
        for ((who, browser), allowed) in people.iter_mut().zip(expected) {
            let reply = browser.get(path);
            let status = if allowed { 200 } else { 403 };
            assert_eq!(reply.status, status, "{action} by {who}: {}", reply.text());
            if !allowed {
                assert!(
                    reply.text().contains("Seuls les") || reply.text().contains("Connectez-vous"),
                    "{action} by {who} says why: {}",
                    reply.text()
                );
            }
        }
    }
    // Tools are offered only to those who may use them.
    for (who, browser) in people.iter_mut() {
        let page = browser.get("/wiki/Place_Carnot");
        assert_eq!(
            page.body.contains("action=delete"),
            *who == "admin",
            "{who}"
        );
        let may_move = matches!(*who, "writer" | "animateur" | "admin");
        assert_eq!(page.body.contains("action=move"), may_move, "{who}");
    }
    // Rollback, a state change: refused below animateur, done by an animateur.
    let (_, temporary) = &mut people[1];
    temporary
        .edit("Place_Carnot", "vandalisme", "")
        .assert_status(303);
    let vandal = server
        .store()
        .page(&title("Place Carnot"))
        .unwrap()
        .unwrap()
        .1
        .meta
        .author;
    for (who, browser) in people.iter_mut().take(3) {
        let token = csrf(browser);
        let reply = browser.post_form(
            "/wiki/Place_Carnot?action=rollback",
            &[("csrf_token", &token), ("author", vandal.as_str())],
        );
        assert_eq!(reply.status, 403, "rollback by {who}");
    }
    let (_, animateur) = &mut people[3];
    let token = csrf(animateur);
    animateur
        .post_form(
            "/wiki/Place_Carnot?action=rollback",
            &[("csrf_token", &token), ("author", vandal.as_str())],
        )
        .assert_status(303);
    let (_, current) = server
        .store()
        .page(&title("Place Carnot"))
        .unwrap()
        .unwrap();
    assert_eq!(current.text.as_str(), "La place, refaite.");
}

#[test]
fn protection_levels_with_expiry_and_reason() {
    let server = TestServer::start();
    let mut people = everyone(&server);
    let (_, admin) = people.last_mut().unwrap();
    admin.edit("Charte", "Version 1", "").assert_status(303);
    submit(
        admin,
        "/wiki/Charte?action=protect",
        "/wiki/Charte?action=protect",
        &[
            ("level", "registered"),
            ("expiry", "1sem"),
            ("expiry_other", ""),
            ("reason", "Vandalisme répété"),
        ],
    )
    .assert_status(303);
    // Shown on the page and in its history, with level, expiry and reason.
    let page = server.get("/wiki/Charte");
    assert!(
        page.text().contains("seules les personnes inscrites"),
        "{}",
        page.text()
    );
    assert!(page.text().contains("Vandalisme répété"));
    let history = server.get("/wiki/Charte?action=history");
    assert!(history.text().contains("Vandalisme répété"));
    assert!(
        history.text().contains("a protégé « Charte »"),
        "{}",
        history.text()
    );

    let expected = [false, false, true, true, true];
    for (n, ((who, browser), allowed)) in people.iter_mut().zip(expected).enumerate() {
        let text = format!("Version par {who} {n}");
        let reply = browser.edit("Charte", &text, "");
        if allowed {
            reply.assert_status(303);
        } else {
            reply.assert_status(403);
            assert!(
                reply.text().contains("Vandalisme répété"),
                "{who}: {}",
                reply.text()
            );
            // The refused text comes back in the form: nothing typed is lost.
            assert_eq!(reply.field("text").as_deref(), Some(text.as_str()));
        }
    }
    // The API says the same, with a code.
    let reply = server.put_json("/api/v1/pages/Charte", &json!({"text": "par l'API"}));
    reply.assert_status(403);
    assert_eq!(reply.json()["error"]["code"], "protected");

    // Administrators only.
    let (_, admin) = people.last_mut().unwrap();
    submit(
        admin,
        "/wiki/Charte?action=protect",
        "/wiki/Charte?action=protect",
        &[
            ("level", "admin"),
            ("expiry", "infini"),
            ("reason", "Texte adopté"),
        ],
    )
    .assert_status(303);
    let (_, animateur) = &mut people[3];
    animateur
        .edit("Charte", "par l'animateur", "")
        .assert_status(403);
    let (_, admin) = people.last_mut().unwrap();
    admin
        .edit("Charte", "par l'administrateur", "")
        .assert_status(303);

    // Expiry: a protection that ended no longer applies.
    let store = server.store();
    let admin_user = store.user_named("Admin").unwrap().unwrap();
    let ended = Protection {
        level: ProtectionLevel::Administrators,
        reason: "court".into(),
        expires: Some(Utc::now() - Duration::seconds(1)),
    };
    store
        .protect(&title("Charte"), Some(&ended), &admin_user, "court")
        .unwrap();
    let (_, writer) = &mut people[2];
    writer
        .edit("Charte", "après expiration", "")
        .assert_status(303);
    assert!(!server.get("/wiki/Charte").text().contains("Page protégée"));

    // A bad expiry is refused with a message, and changes nothing.
    let (_, admin) = people.last_mut().unwrap();
    let reply = submit(
        admin,
        "/wiki/Charte?action=protect",
        "/wiki/Charte?action=protect",
        &[
            ("level", "admin"),
            ("expiry_other", "hier"),
            ("reason", "x"),
        ],
    );
    reply.assert_status(400);
    assert!(reply.text().contains("non comprise"), "{}", reply.text());
    let protection = store.protection(&title("Charte")).unwrap().unwrap();
    assert_eq!(protection.protection.reason, "court");
}

#[test]
fn delete_and_undelete_round_trip_keeps_every_revision() {
    let server = TestServer::start();
    let mut admin = server.account("Admin", Role::Administrator);
    let mut reader = server.browser();
    for text in ["un", "un deux", "un deux trois"] {
        admin.edit("Lavoir", text, "").assert_status(303);
    }
    admin
        .edit("Patrimoine", "Voir [[Lavoir]].", "")
        .assert_status(303);
    assert!(
        !server
            .get("/wiki/Patrimoine")
            .body
            .contains("class=\"new\"")
    );
    let before = server.history("Lavoir");
    assert_eq!(before.len(), 3);

    submit(
        &mut admin,
        "/wiki/Lavoir?action=delete",
        "/wiki/Lavoir?action=delete",
        &[("reason", "doublon")],
    )
    .assert_status(303);
    // Gone for readers, with who and why; links to it are red again.
    let page = reader.get("/wiki/Lavoir");
    page.assert_status(404);
    assert!(
        page.text().contains("a supprimé « Lavoir »"),
        "{}",
        page.text()
    );
    assert!(page.text().contains("doublon"));
    assert!(
        server
            .get("/wiki/Patrimoine")
            .body
            .contains("class=\"new\"")
    );
    reader.get("/wiki/Lavoir?action=history").assert_status(404);
    let old = format!("/wiki/Lavoir?oldid={}", before[1].meta.id.0);
    reader.get(&old).assert_status(403);
    server
        .get(&format!("/api/v1/revisions/{}", before[1].meta.id.0))
        .assert_status(403);
    // Administrators still see everything, and are offered to restore it.
    assert!(admin.get("/wiki/Lavoir").body.contains("action=undelete"));
    assert!(
        !admin
            .get("/wiki/Jamais_cr%C3%A9%C3%A9e")
            .body
            .contains("action=undelete")
    );
    assert!(!page.body.contains("action=undelete"));
    admin.get("/wiki/Lavoir?action=history").assert_status(200);
    admin.get(&old).assert_status(200);
    // Special lists forget it.
    let wanted = server.get("/wiki/Sp%C3%A9cial:Pages_demand%C3%A9es");
    assert!(wanted.text().contains("Lavoir"), "{}", wanted.text());

    submit(
        &mut admin,
        "/wiki/Lavoir?action=undelete",
        "/wiki/Lavoir?action=undelete",
        &[("reason", "erreur")],
    )
    .assert_status(303);
    let page = reader.get("/wiki/Lavoir");
    page.assert_status(200);
    assert!(page.text().contains("un deux trois"));
    let after = server.history("Lavoir");
    let ids = |entries: &[carnet_store::HistoryEntry]| {
        entries
            .iter()
            .map(|e| (e.meta.id, e.meta.hash.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&after), ids(&before), "same revisions, same texts");
    assert!(
        !server
            .get("/wiki/Patrimoine")
            .body
            .contains("class=\"new\"")
    );
    let log = server.get("/wiki/Sp%C3%A9cial:Journal?type=delete");
    assert!(
        log.text().contains("a restauré « Lavoir » (3 versions)"),
        "{}",
        log.text()
    );
    assert!(log.text().contains("a supprimé « Lavoir »"));
}

#[test]
fn hidden_revision_text_keeps_its_history_line() {
    let server = TestServer::start();
    let mut admin = server.account("Admin", Role::Administrator);
    let mut vandal = server.browser();
    admin
        .edit("March%C3%A9", "Le marché, le samedi.", "")
        .assert_status(303);
    vandal
        .edit("March%C3%A9", "Insulte et adresse privée", "")
        .assert_status(303);
    admin
        .edit("March%C3%A9", "Le marché, le samedi.", "retour")
        .assert_status(303);
    let entries = server.history("Marché");
    let bad = entries[1].meta.id.0;
    let current = entries[0].meta.id.0;
    let form = format!("/wiki/March%C3%A9?action=hide&oldid={bad}");
    submit(
        &mut admin,
        &form,
        "/wiki/March%C3%A9?action=hide",
        &[
            ("oldid", &bad.to_string()),
            ("hidden", "hide"),
            ("reason", "données personnelles"),
        ],
    )
    .assert_status(303);
    for path in [
        format!("/wiki/March%C3%A9?oldid={bad}"),
        format!("/wiki/March%C3%A9?action=raw&oldid={bad}"),
        format!("/api/v1/revisions/{bad}"),
        format!("/wiki/March%C3%A9?action=diff&to={bad}"),
    ] {
        let reply = server.get(&path);
        reply.assert_status(403);
        assert!(!reply.body.contains("Insulte"), "{path}");
    }
    let history = server.get("/wiki/March%C3%A9?action=history");
    assert!(history.text().contains("(texte masqué)"));
    assert_eq!(history.body.matches("<tr>").count(), 4, "header + 3 lines");
    assert!(
        admin
            .get(&format!("/wiki/March%C3%A9?action=raw&oldid={bad}"))
            .body
            .contains("Insulte")
    );
    // The current text cannot be hidden.
    let form = format!("/wiki/March%C3%A9?action=hide&oldid={current}");
    let reply = submit(
        &mut admin,
        &form,
        "/wiki/March%C3%A9?action=hide",
        &[
            ("oldid", &current.to_string()),
            ("hidden", "hide"),
            ("reason", ""),
        ],
    );
    reply.assert_status(409);
    // Showing it again.
    let form = format!("/wiki/March%C3%A9?action=hide&oldid={bad}");
    submit(
        &mut admin,
        &form,
        "/wiki/March%C3%A9?action=hide",
        &[
            ("oldid", &bad.to_string()),
            ("hidden", "show"),
            ("reason", ""),
        ],
    )
    .assert_status(303);
    server
        .get(&format!("/api/v1/revisions/{bad}"))
        .assert_status(200);
}

#[test]
fn rollback_reverts_the_consecutive_edits_of_one_author() {
    let server = TestServer::start();
    let mut writer = server.account("Rédactrice", Role::Writer);
    let mut animateur = server.account("Animatrice", Role::Animateur);
    let mut vandal = server.browser();
    writer
        .edit("Gare", "La gare ouvre à 6 h.", "")
        .assert_status(303);
    writer
        .edit("Gare", "La gare ouvre à 6 h, ferme à 22 h.", "")
        .assert_status(303);
    vandal.edit("Gare", "n'importe quoi", "").assert_status(303);
    vandal
        .edit("Gare", "n'importe quoi encore", "")
        .assert_status(303);
    let vandal_name = server
        .store()
        .page(&title("Gare"))
        .unwrap()
        .unwrap()
        .1
        .meta
        .author;
    // The button shows on the history for the animateur, not for the writer.
    let history = animateur.get("/wiki/Gare?action=history");
    assert!(history.body.contains("action=rollback"));
    assert!(
        !writer
            .get("/wiki/Gare?action=history")
            .body
            .contains("action=rollback")
    );
    // A stale click (someone else edited last) is refused.
    let token = csrf(&mut animateur);
    let reply = animateur.post_form(
        "/wiki/Gare?action=rollback",
        &[("csrf_token", &token), ("author", "Rédactrice")],
    );
    reply.assert_status(409);
    animateur
        .post_form(
            "/wiki/Gare?action=rollback",
            &[("csrf_token", &token), ("author", vandal_name.as_str())],
        )
        .assert_status(303);
    let history = server.history("Gare");
    assert_eq!(history.len(), 5, "a new revision, nothing removed");
    let (_, current) = server.store().page(&title("Gare")).unwrap().unwrap();
    assert_eq!(current.text.as_str(), "La gare ouvre à 6 h, ferme à 22 h.");
    assert_eq!(current.meta.author.as_str(), "Animatrice");
    assert!(current.meta.comment.as_str().contains(vandal_name.as_str()));
    // Every revision by the same author: nothing to go back to.
    writer.edit("Seule", "texte", "").assert_status(303);
    let reply = animateur.post_form(
        "/wiki/Seule?action=rollback",
        &[("csrf_token", &token), ("author", "Rédactrice")],
    );
    reply.assert_status(409);
}

#[test]
fn blocked_people_can_read_but_not_write() {
    let server = TestServer::start();
    let mut admin = server.account("Admin", Role::Administrator);
    let mut vandal = server.browser();
    vandal.edit("Forum", "spam", "").assert_status(303);
    let name = server
        .store()
        .page(&title("Forum"))
        .unwrap()
        .unwrap()
        .1
        .meta
        .author
        .as_str()
        .to_owned();
    let form = format!(
        "/wiki/Sp%C3%A9cial:Bloquer?cible={}",
        carnet_tests::encode(&name)
    );
    admin.get(&form).assert_status(200);
    submit(
        &mut admin,
        &form,
        "/wiki/Sp%C3%A9cial:Bloquer",
        &[
            ("do", "block"),
            ("target", name.as_str()),
            ("expiry", "1j"),
            ("expiry_other", ""),
            ("reason", "publicité"),
        ],
    )
    .assert_status(303);
    vandal.get("/wiki/Forum").assert_status(200);
    let reply = vandal.edit("Forum", "encore du spam", "");
    reply.assert_status(403);
    assert!(
        reply.text().contains("Vous êtes bloqué·e"),
        "{}",
        reply.text()
    );
    assert!(reply.text().contains("publicité"));
    assert_eq!(reply.field("text").as_deref(), Some("encore du spam"));
    vandal
        .edit("Autre_page", "spam ailleurs", "")
        .assert_status(403);
    let log = server.get("/wiki/Sp%C3%A9cial:Journal?type=block");
    assert!(
        log.text().contains(&format!("a bloqué {name}")),
        "{}",
        log.text()
    );
    // Unknown names and bad expiries are refused with a message.
    let reply = submit(
        &mut admin,
        &form,
        "/wiki/Sp%C3%A9cial:Bloquer",
        &[
            ("do", "block"),
            ("target", "Personne"),
            ("expiry", "1j"),
            ("reason", ""),
        ],
    );
    reply.assert_status(404);
    let reply = submit(
        &mut admin,
        &form,
        "/wiki/Sp%C3%A9cial:Bloquer",
        &[
            ("do", "block"),
            ("target", name.as_str()),
            ("expiry", "infini"),
            ("expiry_other", "bientôt"),
            ("reason", ""),
        ],
    );
    reply.assert_status(400);
    // Lifted: writing again.
    submit(
        &mut admin,
        &form,
        "/wiki/Sp%C3%A9cial:Bloquer",
        &[
            ("do", "unblock"),
            ("target", name.as_str()),
            ("reason", "compris"),
        ],
    )
    .assert_status(303);
    vandal.edit("Forum", "pardon", "").assert_status(303);
    assert!(
        server
            .get("/wiki/Sp%C3%A9cial:Journal?type=block")
            .text()
            .contains(&format!("a débloqué {name}"))
    );
}

#[test]
fn move_keeps_history_and_leaves_a_redirect() {
    let server = TestServer::start();
    let mut writer = server.account("Rédactrice", Role::Writer);
    writer.edit("Ancien_nom", "Premier", "").assert_status(303);
    writer
        .edit("Ancien_nom", "Premier, second", "")
        .assert_status(303);
    writer
        .edit("Lien", "Voir [[Nouveau nom]].", "")
        .assert_status(303);
    assert!(server.get("/wiki/Lien").body.contains("class=\"new\""));
    submit(
        &mut writer,
        "/wiki/Ancien_nom?action=move",
        "/wiki/Ancien_nom?action=move",
        &[("new_title", "Nouveau nom"), ("reason", "orthographe")],
    )
    .assert_status(303);
    let reply = server.get("/wiki/Ancien_nom");
    reply.assert_status(302);
    assert!(
        reply
            .header("location")
            .unwrap()
            .starts_with("/wiki/Nouveau_nom")
    );
    let history = server.history("Nouveau nom");
    assert_eq!(history.len(), 3, "two edits and the move");
    assert!(history[0].meta.comment.as_str().contains("orthographe"));
    let (_, current) = server.store().page(&title("Nouveau nom")).unwrap().unwrap();
    assert_eq!(current.text.as_str(), "Premier, second");
    // The red link to the new title turned blue.
    assert!(!server.get("/wiki/Lien").body.contains("class=\"new\""));
    // Onto an existing page: refused, nothing moved.
    writer.edit("Occup%C3%A9", "déjà là", "").assert_status(303);
    let reply = submit(
        &mut writer,
        "/wiki/Nouveau_nom?action=move",
        "/wiki/Nouveau_nom?action=move",
        &[("new_title", "Occupé"), ("reason", "")],
    );
    reply.assert_status(409);
    assert!(reply.text().contains("existe déjà"));
    let log = server.get("/wiki/Sp%C3%A9cial:Journal?type=move");
    assert!(
        log.text()
            .contains("a renommé « Ancien nom » en « Nouveau nom »"),
        "{}",
        log.text()
    );
}

#[test]
fn rights_changes_are_logged() {
    let server = TestServer::start();
    let store = server.store();
    let admin = store
        .create_user(
            &UserName::parse("Admin").unwrap(),
            &HASH,
            Role::Administrator,
        )
        .unwrap()
        .unwrap();
    store
        .create_user(&UserName::parse("Nina").unwrap(), &HASH, Role::Writer)
        .unwrap()
        .unwrap();
    assert!(
        store
            .set_role(
                &UserName::parse("Nina").unwrap(),
                Role::Animateur,
                Some(&admin),
                "atelier de mars"
            )
            .unwrap()
    );
    assert!(
        !store
            .set_role(
                &UserName::parse("Personne").unwrap(),
                Role::Animateur,
                None,
                ""
            )
            .unwrap()
    );
    let log = server.get("/wiki/Sp%C3%A9cial:Log?type=rights");
    log.assert_status(200);
    assert!(
        log.text()
            .contains("Admin a changé les droits de Nina (writer → animateur)"),
        "{}",
        log.text()
    );
    assert!(log.text().contains("atelier de mars"));
}
