//! The HTML views, driven over HTTP like a browser without JavaScript.

use carnet_tests::TestServer;

#[test]
fn root_redirects_to_the_french_welcome_page() {
    let server = TestServer::start();
    let reply = server.get("/");
    reply.assert_status(302);
    assert_eq!(reply.header("location"), Some("/wiki/Accueil"));

    let page = server.get("/wiki/Accueil");
    page.assert_status(200);
    assert!(page.body.contains("<html lang=\"fr\">"));
    assert!(page.body.contains("Bienvenue sur Carnet"));
    assert!(page.body.contains(">Modifier</a>"));
    assert!(page.body.contains(">Historique</a>"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}

#[test]
fn missing_page_is_404_with_a_link_to_create_it() {
    let server = TestServer::start();
    let reply = server.get("/wiki/March%C3%A9_du_samedi");
    reply.assert_status(404);
    let text = reply.text();
    assert!(text.contains("Cette page n'existe pas encore"), "{text}");
    assert!(
        reply
            .body
            .contains("href=\"/wiki/March%C3%A9_du_samedi?action=edit\"")
    );
    assert!(text.contains("Créer la page « Marché du samedi »"));
}

#[test]
fn create_edit_and_read_a_page_without_javascript() {
    let server = TestServer::start();
    let mut browser = server.browser();
    let reply = browser.edit(
        "March%C3%A9_du_samedi",
        "Le marché a lieu **place Carnot**.",
        "création",
    );
    reply.assert_status(303);
    assert_eq!(
        reply.header("location"),
        Some("/wiki/March%C3%A9_du_samedi?notice=created")
    );
    let page = browser.get("/wiki/March%C3%A9_du_samedi?notice=created");
    page.assert_status(200);
    assert!(page.body.contains("<strong>place Carnot</strong>"));
    assert!(page.text().contains("La page a été créée."));
    // A logged-out writer signs with a temporary identity, kept in the session cookie.
    let identity = browser
        .cookie("carnet_session")
        .map(str::to_owned)
        .expect("a session for the temporary identity");
    let prefix = carnet_tests::temporary_prefix();
    assert!(
        page.text().contains(&format!("par {prefix}")),
        "{}",
        page.text()
    );

    let reply = browser.edit(
        "March%C3%A9_du_samedi",
        "Le marché a lieu **place Carnot**, le samedi.",
        "précision",
    );
    reply.assert_status(303);
    assert_eq!(
        reply.header("location"),
        Some("/wiki/March%C3%A9_du_samedi?notice=saved")
    );
    let raw = server.get("/wiki/March%C3%A9_du_samedi?action=raw");
    raw.assert_status(200);
    assert_eq!(
        raw.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(raw.body, "Le marché a lieu **place Carnot**, le samedi.");
    // The same identity signs the second edit, and the form says so.
    assert_eq!(browser.cookie("carnet_session"), Some(identity.as_str()));
    let form = browser.get("/wiki/March%C3%A9_du_samedi?action=edit");
    assert!(form.field("author").is_none());
    assert!(
        form.text()
            .contains(&format!("identité temporaire {prefix}"))
    );
    let history = server.get("/wiki/March%C3%A9_du_samedi?action=history");
    let authors: Vec<&str> = history
        .body
        .match_indices(&prefix)
        .map(|(at, _)| &history.body[at..at + prefix.len() + 1])
        .collect();
    assert_eq!(authors.len(), 2, "{}", history.text());
    assert_eq!(authors[0], authors[1]);
}

#[test]
fn titles_have_one_canonical_url() {
    let server = TestServer::start();
    let reply = server.get("/wiki/accueil");
    reply.assert_status(301);
    assert_eq!(reply.header("location"), Some("/wiki/Accueil"));
    let reply = server.get("/wiki/category:%C3%A9coles%20publiques?action=history");
    reply.assert_status(301);
    assert_eq!(
        reply.header("location"),
        Some("/wiki/Cat%C3%A9gorie:%C3%89coles_publiques?action=history")
    );
}

#[test]
fn accented_and_subpage_titles_round_trip() {
    let server = TestServer::start();
    let mut browser = server.browser();
    for (path, shown) in [
        ("%C3%89cole_Jean-Mac%C3%A9", "École Jean-Macé"),
        ("Projet/Compte_rendu_n%C2%B03", "Projet/Compte rendu n°3"),
        ("Caf%C3%A9_%26_co%3F", "Café & co?"),
    ] {
        browser
            .edit(path, &format!("Texte de {shown}"), "")
            .assert_status(303);
        let page = server.get(&format!("/wiki/{path}"));
        page.assert_status(200);
        assert!(
            page.text().contains(&format!("<h1>{shown}</h1>")),
            "{shown}"
        );
        assert!(page.text().contains(&format!("Texte de {shown}")));
    }
}

#[test]
fn invalid_titles_get_a_clear_400() {
    let server = TestServer::start();
    let reply = server.get("/wiki/A%5BB%5D");
    reply.assert_status(400);
    assert!(
        reply.text().contains("le caractère « [ » n'est pas permis"),
        "{}",
        reply.text()
    );
    let reply = server.get_with("/wiki/A%7CB", &[("Accept-Language", "en")]);
    reply.assert_status(400);
    assert!(
        reply.text().contains("the character “|” is not allowed"),
        "{}",
        reply.text()
    );
}

#[test]
fn unknown_action_and_bad_parameters_are_400() {
    let server = TestServer::start();
    server
        .get("/wiki/Accueil?action=explode")
        .assert_status(400);
    let reply = server.get("/wiki/Accueil?oldid=abc");
    reply.assert_status(400);
    assert!(
        reply
            .text()
            .contains("Le paramètre « oldid » est invalide.")
    );
    server
        .get("/wiki/Accueil?action=history&limit=0")
        .assert_status(400);
    server
        .get("/wiki/Accueil?action=diff&mode=3d")
        .assert_status(400);
}

#[test]
fn english_by_accept_language_then_by_choice() {
    let server = TestServer::start();
    let page = server.get_with(
        "/wiki/Accueil",
        &[("Accept-Language", "en-GB,en;q=0.9,fr;q=0.5")],
    );
    assert!(page.body.contains("<html lang=\"en\">"));
    assert!(page.body.contains(">Edit</a>"));
    // The page text stays as written; only the interface changes.
    assert!(page.body.contains("Bienvenue sur Carnet"));

    let mut browser = server.browser().with_header("Accept-Language", "en");
    let reply = browser.get("/language/fr?return=%2Fwiki%2FAccueil%3Faction%3Dhistory");
    reply.assert_status(303);
    assert_eq!(
        reply.header("location"),
        Some("/wiki/Accueil?action=history")
    );
    assert_eq!(browser.cookie("carnet_lang"), Some("fr"));
    let page = browser.get("/wiki/Accueil");
    assert!(page.body.contains("<html lang=\"fr\">"));
    // No open redirect.
    let reply = browser.get("/language/en?return=%2F%2Fevil.example%2F");
    assert_eq!(reply.header("location"), Some("/wiki/Accueil"));
    browser.get("/language/xx").assert_status(400);
}

#[test]
fn history_diff_old_revision_and_restore() {
    let server = TestServer::start();
    let mut browser = server.browser();
    let versions = [
        "# Le pont\n\nConstruit en 1850.",
        "# Le pont\n\nConstruit en 1852 par la ville.",
        "# Le pont\n\nConstruit en 1852 par la ville.\n\nRénové en 1990.",
    ];
    for (index, text) in versions.iter().enumerate() {
        browser
            .edit("Le_pont", text, &format!("version {}", index + 1))
            .assert_status(303);
    }
    let history = server.get("/wiki/Le_pont?action=history");
    history.assert_status(200);
    let text = history.text();
    assert!(text.contains("version 1") && text.contains("version 3"));
    assert_eq!(history.body.matches("name=\"from\"").count(), 3);
    // Byte deltas against the previous revision.
    let delta = versions[2].len() - versions[1].len();
    assert!(text.contains(&format!("(+{delta})")), "{text}");

    let api = server.get("/api/v1/pages/Le_pont/history").json();
    let ids: Vec<i64> = api["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    let (newest, oldest) = (ids[0], ids[2]);

    let diff = server.get(&format!(
        "/wiki/Le_pont?action=diff&from={oldest}&to={newest}"
    ));
    diff.assert_status(200);
    assert!(diff.body.contains("<del>1850.</del>"), "{}", diff.body);
    assert!(
        diff.body.contains("<ins>1852 par la ville.</ins>"),
        "{}",
        diff.body
    );
    assert!(diff.body.contains("class=\"diff side-by-side\""));
    let inline = server.get(&format!(
        "/wiki/Le_pont?action=diff&from={oldest}&to={newest}&mode=inline"
    ));
    assert!(inline.body.contains("class=\"diff inline\""));
    assert!(inline.text().contains("Rénové en 1990."));

    let old = server.get(&format!("/wiki/Le_pont?oldid={oldest}"));
    old.assert_status(200);
    assert!(
        old.text()
            .contains("Ceci est une ancienne version de cette page")
    );
    assert!(old.body.contains("Construit en 1850."));
    let token = browser
        .get(&format!("/wiki/Le_pont?oldid={oldest}"))
        .field("csrf_token")
        .unwrap();
    let reply = browser.post_form(
        "/wiki/Le_pont?action=restore",
        &[("csrf_token", &token), ("oldid", &oldest.to_string())],
    );
    reply.assert_status(303);
    assert_eq!(
        reply.header("location"),
        Some("/wiki/Le_pont?notice=restored")
    );
    let raw = server.get("/wiki/Le_pont?action=raw");
    assert_eq!(raw.body, versions[0]);
    let history = server.get("/api/v1/pages/Le_pont/history").json();
    let revisions = history["revisions"].as_array().unwrap();
    assert_eq!(
        revisions.len(),
        4,
        "restoring adds a revision, never rewrites"
    );
    assert!(
        revisions[0]["comment"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Restauration de la version {oldest}"))
    );
}

#[test]
fn old_revision_of_another_page_redirects_to_its_page() {
    let server = TestServer::start();
    let id = server.get("/api/v1/pages/Accueil").json()["revision"]["id"]
        .as_i64()
        .unwrap();
    let mut browser = server.browser();
    browser.edit("Autre", "autre", "").assert_status(303);
    let reply = server.get(&format!("/wiki/Autre?oldid={id}"));
    reply.assert_status(303);
    assert_eq!(
        reply.header("location"),
        Some(format!("/wiki/Accueil?oldid={id}").as_str())
    );
    server.get("/wiki/Autre?oldid=999999").assert_status(404);
}

#[test]
fn preview_shows_rendered_text_and_saves_nothing() {
    let server = TestServer::start();
    let mut browser = server.browser();
    let form = browser.get("/wiki/Brouillon?action=edit");
    form.assert_status(200);
    let token = form.field("csrf_token").unwrap();
    let reply = browser.post_form(
        "/wiki/Brouillon?action=edit",
        &[
            ("csrf_token", &token),
            ("base_revision", ""),
            ("text", "Du **gras**"),
            ("summary", "s"),
            ("do", "preview"),
        ],
    );
    reply.assert_status(200);
    assert!(reply.body.contains("<strong>gras</strong>"));
    assert_eq!(reply.field("text").as_deref(), Some("Du **gras**"));
    assert_eq!(reply.field("summary").as_deref(), Some("s"));
    server.get("/wiki/Brouillon").assert_status(404);
}

#[test]
fn forged_or_expired_form_is_refused_but_the_text_is_kept() {
    let server = TestServer::start();
    let mut browser = server.browser();
    let form = browser.get("/wiki/Accueil?action=edit");
    let base = form.field("base_revision").unwrap();
    let precious = "Un long texte écrit pendant une heure.";
    // No cookie at all (expired session, or another site posting).
    browser.forget_cookies();
    let reply = browser.post_form(
        "/wiki/Accueil?action=edit",
        &[
            ("csrf_token", "0".repeat(64).as_str()),
            ("base_revision", &base),
            ("text", precious),
            ("do", "save"),
        ],
    );
    reply.assert_status(403);
    assert!(
        reply
            .text()
            .contains("Rien n'a été enregistré, mais votre texte est conservé")
    );
    assert_eq!(reply.field("text").as_deref(), Some(precious));
    // The refusal came with a fresh token: posting again works.
    let token = reply.field("csrf_token").unwrap();
    let reply = browser.post_form(
        "/wiki/Accueil?action=edit",
        &[
            ("csrf_token", &token),
            ("base_revision", &base),
            ("text", precious),
            ("do", "save"),
        ],
    );
    reply.assert_status(303);
    assert_eq!(server.get("/wiki/Accueil?action=raw").body, precious);

    // A cross-site post with a valid cookie but a foreign Origin is refused too.
    let token = browser
        .get("/wiki/Accueil?action=edit")
        .field("csrf_token")
        .unwrap();
    let reply = browser.post_form_with(
        "/wiki/Accueil?action=edit",
        &[
            ("csrf_token", &token),
            ("text", "vandalisme"),
            ("do", "save"),
        ],
        &[("Origin", "https://evil.example")],
    );
    reply.assert_status(403);
    assert_eq!(server.get("/wiki/Accueil?action=raw").body, precious);
}

#[test]
fn csrf_cookie_is_httponly_and_samesite() {
    let server = TestServer::start();
    let reply = server.get("/wiki/Accueil?action=edit");
    let cookie = reply.set_cookie_line("carnet_csrf").unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP must not mark it Secure: {cookie}"
    );
    let reply = server.get_with(
        "/wiki/Accueil?action=edit",
        &[("X-Forwarded-Proto", "https")],
    );
    assert!(
        reply
            .set_cookie_line("carnet_csrf")
            .unwrap()
            .contains("Secure")
    );
}

#[test]
fn too_large_text_is_413_and_kept_in_the_form() {
    let server = TestServer::start_with(1000);
    let mut browser = server.browser();
    let text = "é".repeat(600);
    let reply = browser.edit("Gros", &text, "");
    reply.assert_status(413);
    assert!(
        reply.text().contains("plus que la limite de 1000 octets"),
        "{}",
        reply.text()
    );
    assert_eq!(reply.field("text").as_deref(), Some(text.as_str()));
    server.get("/wiki/Gros").assert_status(404);
}

#[test]
fn logged_out_writers_get_distinct_temporary_identities_and_no_ip_is_shown() {
    let server = TestServer::start();
    let prefix = carnet_tests::temporary_prefix();
    let mut first = server.browser();
    let mut second = server.browser();
    first.edit("Atelier", "Premier jet", "").assert_status(303);
    second
        .edit("Atelier", "Premier jet, relu", "")
        .assert_status(303);
    // A name typed in an old form is ignored: nobody signs as someone else.
    let token = first
        .get("/wiki/Atelier?action=edit")
        .field("csrf_token")
        .unwrap();
    let base = first
        .get("/wiki/Atelier?action=edit")
        .field("base_revision")
        .unwrap();
    first
        .post_form(
            "/wiki/Atelier?action=edit",
            &[
                ("csrf_token", &token),
                ("base_revision", &base),
                ("text", "Premier jet, relu, complété"),
                ("author", "Maire"),
                ("do", "save"),
            ],
        )
        .assert_status(303);
    let history = server
        .store()
        .history(
            &carnet_core::Title::parse("Atelier").unwrap(),
            10,
            None,
            false,
        )
        .unwrap()
        .unwrap();
    let authors: Vec<String> = history
        .entries
        .iter()
        .map(|e| e.meta.author.as_str().to_owned())
        .collect();
    assert_eq!(authors.len(), 3);
    assert!(
        authors.iter().all(|a| a.starts_with(&prefix)),
        "{authors:?}"
    );
    assert_eq!(
        authors[0], authors[2],
        "the first writer keeps their identity"
    );
    assert_ne!(
        authors[0], authors[1],
        "another browser gets another identity"
    );
    let page = server.get("/wiki/Atelier?action=history");
    assert!(!page.body.contains("127.0.0.1"));
    assert!(!page.body.contains("Maire"));
    // Readers never get an identity: reading sets no session.
    let mut reader = server.browser();
    reader.get("/wiki/Atelier").assert_status(200);
    assert!(reader.cookie("carnet_session").is_none());
}

#[test]
fn concurrent_form_edits_merge_or_show_a_conflict_screen() {
    let server = TestServer::start();
    let mut alice = server.browser();
    let mut bob = server.browser();
    alice
        .edit(
            "R%C3%A9union",
            "Ordre du jour\n\n- budget\n\nDécisions\n\n- aucune",
            "",
        )
        .assert_status(303);
    let alice_form = alice.get("/wiki/R%C3%A9union?action=edit");
    let bob_form = bob.get("/wiki/R%C3%A9union?action=edit");
    let submit =
        |browser: &mut carnet_tests::Browser<'_>, form: &carnet_tests::Reply, text: &str| {
            browser.post_form(
                "/wiki/R%C3%A9union?action=edit",
                &[
                    ("csrf_token", &form.field("csrf_token").unwrap()),
                    ("base_revision", &form.field("base_revision").unwrap()),
                    ("text", text),
                    ("do", "save"),
                ],
            )
        };
    submit(
        &mut alice,
        &alice_form,
        "Ordre du jour\n\n- budget 2027\n\nDécisions\n\n- aucune",
    )
    .assert_status(303);
    // Bob started from the same revision and changed another line: merged.
    let reply = submit(
        &mut bob,
        &bob_form,
        "Ordre du jour\n\n- budget\n\nDécisions\n\n- voter le budget",
    );
    reply.assert_status(303);
    assert_eq!(
        reply.header("location"),
        Some("/wiki/R%C3%A9union?notice=merged")
    );
    assert_eq!(
        server.get("/wiki/R%C3%A9union?action=raw").body,
        "Ordre du jour\n\n- budget 2027\n\nDécisions\n\n- voter le budget"
    );
    assert!(
        bob.get("/wiki/R%C3%A9union?notice=merged")
            .text()
            .contains("vos modifications ont été fusionnées")
    );

    // Bob, still on his old form, changes the line Alice changed: conflict screen.
    let reply = submit(
        &mut bob,
        &bob_form,
        "Ordre du jour\n\n- budget 2026\n\nDécisions\n\n- aucune",
    );
    reply.assert_status(409);
    let text = reply.text();
    assert!(
        text.contains("Conflit de modification : rien n'est perdu"),
        "{text}"
    );
    let merged = reply.field("text").unwrap();
    assert!(merged.contains("<<<<<<< version enregistrée"), "{merged}");
    assert!(
        merged.contains("- budget 2027") && merged.contains("- budget 2026"),
        "{merged}"
    );
    // His own version is shown in full, and the form now builds on the newest revision.
    assert!(text.contains("Ordre du jour\n\n- budget 2026\n\nDécisions\n\n- aucune"));
    let current = server.get("/api/v1/pages/R%C3%A9union").json()["revision"]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(reply.field("base_revision"), Some(current.to_string()));
    // Nothing was saved by the conflicting attempt.
    assert_eq!(
        server.get("/wiki/R%C3%A9union?action=raw").body,
        "Ordre du jour\n\n- budget 2027\n\nDécisions\n\n- voter le budget"
    );
    // Resolving and saving from the conflict screen works.
    let resolved = "Ordre du jour\n\n- budget 2026-2027\n\nDécisions\n\n- voter le budget";
    let reply = bob.post_form(
        "/wiki/R%C3%A9union?action=edit",
        &[
            ("csrf_token", &reply.field("csrf_token").unwrap()),
            ("base_revision", &reply.field("base_revision").unwrap()),
            ("text", resolved),
            ("do", "save"),
        ],
    );
    reply.assert_status(303);
    assert_eq!(server.get("/wiki/R%C3%A9union?action=raw").body, resolved);
}

#[test]
fn saving_the_same_text_creates_no_revision() {
    let server = TestServer::start();
    let mut browser = server.browser();
    let current = server.get("/wiki/Accueil?action=raw").body;
    let reply = browser.edit("Accueil", &format!("{current}\r\n\r\n"), "rien");
    reply.assert_status(303);
    assert_eq!(
        reply.header("location"),
        Some("/wiki/Accueil?notice=unchanged")
    );
    let history = server.get("/api/v1/pages/Accueil/history").json();
    assert_eq!(history["revisions"].as_array().unwrap().len(), 1);
}

#[test]
fn rendered_pages_are_sanitised() {
    let server = TestServer::start();
    let mut browser = server.browser();
    browser
        .edit(
            "Pi%C3%A8ge",
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))",
            "",
        )
        .assert_status(303);
    let page = server.get("/wiki/Pi%C3%A8ge");
    assert!(!page.body.contains("<script>alert"));
    assert!(!page.body.contains("onerror"));
    assert!(!page.body.contains("javascript:"));
}

#[test]
fn special_pages_cannot_be_edited() {
    let server = TestServer::start();
    server
        .get("/wiki/Sp%C3%A9cial:Rien?action=edit")
        .assert_status(403);
    server.get("/wiki/Special:Nothing").assert_status(301);
    server.get("/wiki/Sp%C3%A9cial:Nothing").assert_status(404);
}

#[test]
fn unknown_urls_are_translated_404s() {
    let server = TestServer::start();
    let reply = server.get("/nowhere");
    reply.assert_status(404);
    assert!(reply.text().contains("Cette page n'existe pas."));
    let reply = server.get("/api/v1/nowhere");
    reply.assert_status(404);
    assert_eq!(reply.json()["error"]["code"], "page_not_found");
}

#[test]
fn stylesheet_is_served() {
    let server = TestServer::start();
    let page = server.get("/wiki/Accueil");
    let href = page
        .body
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert!(href.starts_with("/static/carnet.css?v="), "{href}");
    let reply = server.get(&href);
    reply.assert_status(200);
    assert_eq!(
        reply.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        reply.header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert!(reply.body.contains("table.diff"));
}
