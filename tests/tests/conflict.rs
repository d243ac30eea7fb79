#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

//! Stale edit forms (issue 5): the "this page changed since you opened it" event stream
//! (`GET /api/v1/pages/{title}/changes?since=…`, server-sent events) and the conflict
//! screen (the others' changes next to the writer's, the merged text to save).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use carnet_core::{Role, Title};
use carnet_tests::TestServer;

/// A raw HTTP client reading an event stream as it comes (chunk sizes included: the
/// tests look for whole events, each sent as one chunk).
struct Events {
    status: u16,
    head: String,
    received: Arc<Mutex<String>>,
    socket: TcpStream,
}

impl Events {
    fn open(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> Events {
        let address = server.base.strip_prefix("http://").unwrap().to_owned();
        let mut socket = TcpStream::connect(&address).unwrap();
        let mut request = format!(
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\nConnection: close\r\n"
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        socket.write_all(request.as_bytes()).unwrap();
        let received = Arc::new(Mutex::new(String::new()));
        let mut reader = socket.try_clone().unwrap();
        let sink = Arc::clone(&received);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
            sink.lock().unwrap().push_str("\n<closed>");
        });
        let started = Instant::now();
        let head = loop {
            let text = received.lock().unwrap().clone();
            if let Some(end) = text.find("\r\n\r\n") {
                break text[..end].to_owned();
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no response head: {text:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap();
        received.lock().unwrap().replace_range(..head.len() + 4, "");
        Events {
            status,
            head,
            received,
            socket,
        }
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }

    fn text(&self) -> String {
        self.received.lock().unwrap().clone()
    }

    /// Waits until the stream holds `needle`; whether it came in time.
    fn wait_for(&self, needle: &str, timeout: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < timeout {
            if self.text().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.text().contains(needle)
    }

    /// The JSON data of the last `event: {kind}`.
    fn last(&self, kind: &str) -> serde_json::Value {
        let text = self.text();
        let at = text
            .rfind(&format!("event: {kind}\n"))
            .unwrap_or_else(|| panic!("no {kind} event in {text:?}"));
        let rest = &text[at..];
        let data = rest.find("data: ").unwrap() + "data: ".len();
        let line = &rest[data..];
        serde_json::from_str(&line[..line.find('\n').unwrap()]).unwrap()
    }

    fn count(&self, kind: &str) -> usize {
        self.text().matches(&format!("event: {kind}\n")).count()
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = self.socket.shutdown(std::net::Shutdown::Both);
    }
}

fn latest(server: &TestServer, title: &str) -> i64 {
    server.history(title).first().unwrap().meta.id.0
}

#[test]
fn the_change_stream_speaks_when_the_page_changes_and_not_before() {
    let server = TestServer::start();
    let mut alice = server.account("Alice", Role::Writer);
    let mut bob = server.account("Bob", Role::Writer);
    alice
        .edit("Compte_rendu", "Ordre du jour\n\n- budget", "début")
        .assert_status(303);
    let first = latest(&server, "Compte rendu");

    let events = Events::open(
        &server,
        &format!("/api/v1/pages/Compte_rendu/changes?since={first}"),
        &[],
    );
    assert_eq!(events.status, 200, "{}", events.head);
    assert_eq!(
        events.header("content-type").as_deref(),
        Some("text/event-stream")
    );
    assert_eq!(
        events.header("content-encoding").as_deref(),
        Some("identity")
    );
    assert!(events.wait_for("retry: ", Duration::from_secs(5)));
    // Nothing changed: more than two polls of the database go by in silence.
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(events.count("changed"), 0, "{}", events.text());

    // Bob saves: Alice's stream says so, with who, why, and where to see the change.
    bob.edit(
        "Compte_rendu",
        "Ordre du jour\n\n- budget\n- locaux",
        "ajout des locaux",
    )
    .assert_status(303);
    let second = latest(&server, "Compte rendu");
    assert!(
        events.wait_for("event: changed", Duration::from_secs(5)),
        "{}",
        events.text()
    );
    assert!(events.text().contains(&format!("id: {second}\n")));
    let event = events.last("changed");
    assert_eq!(event["revision"], second);
    assert_eq!(event["authors"], serde_json::json!(["Bob"]));
    assert_eq!(event["count"], 1);
    assert_eq!(event["comment"], "ajout des locaux");
    assert_eq!(
        event["diff_href"],
        format!("/wiki/Compte_rendu?action=diff&from={first}&to={second}")
    );
    let message = event["message"].as_str().unwrap();
    assert!(
        message.contains("Cette page a changé depuis que vous l'avez ouverte")
            && message.contains("Bob")
            && message.contains("ajout des locaux"),
        "{message}"
    );
    assert!(!event["hint"].as_str().unwrap().is_empty());
    assert_eq!(events.count("changed"), 1);

    // A second change: a second event, counting both, in the reader's language.
    alice
        .edit(
            "Compte_rendu",
            "Ordre du jour\n\n- budget\n- locaux\n- divers",
            "",
        )
        .assert_status(303);
    assert!(events.wait_for(
        &format!("id: {}\n", latest(&server, "Compte rendu")),
        Duration::from_secs(5)
    ));
    assert_eq!(events.count("changed"), 2);
    assert_eq!(events.last("changed")["count"], 2);
    assert_eq!(
        events.last("changed")["authors"],
        serde_json::json!(["Alice", "Bob"])
    );

    // A form opened on an old revision hears at once; in English when asked.
    let late = Events::open(
        &server,
        &format!("/api/v1/pages/Compte_rendu/changes?since={first}"),
        &[("Accept-Language", "en")],
    );
    assert!(late.wait_for("event: changed", Duration::from_secs(5)));
    let message = late.last("changed")["message"].as_str().unwrap().to_owned();
    assert!(
        message.starts_with("This page changed since you opened it: 2 edits by Alice, Bob."),
        "{message}"
    );
    // A form on the current revision hears nothing; a reconnecting browser's
    // Last-Event-ID counts as its base.
    let current = latest(&server, "Compte rendu");
    let quiet = Events::open(
        &server,
        &format!("/api/v1/pages/Compte_rendu/changes?since={first}"),
        &[("Last-Event-ID", &current.to_string())],
    );
    assert_eq!(quiet.status, 200);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(quiet.count("changed"), 0, "{}", quiet.text());
}

#[test]
fn a_page_being_created_hears_of_its_creation() {
    let server = TestServer::start();
    let events = Events::open(&server, "/api/v1/pages/Nouvelle_page/changes", &[]);
    assert_eq!(events.status, 200, "{}", events.head);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(events.count("changed"), 0);
    server
        .put_json(
            "/api/v1/pages/Nouvelle_page",
            &serde_json::json!({"text": "Créée ailleurs.", "comment": "création"}),
        )
        .assert_status(201);
    assert!(events.wait_for("event: changed", Duration::from_secs(5)));
    assert_eq!(events.last("changed")["diff_href"], "/wiki/Nouvelle_page");
}

#[test]
fn the_change_stream_sees_saves_made_by_another_process() {
    let first_server = TestServer::start();
    let second_server = first_server.start_sharing();
    let mut writer = second_server.browser();
    writer
        .edit("Partag%C3%A9e", "Un texte.", "")
        .assert_status(303);
    let first = latest(&first_server, "Partagée");
    let events = Events::open(
        &first_server,
        &format!("/api/v1/pages/Partag%C3%A9e/changes?since={first}"),
        &[],
    );
    assert_eq!(events.status, 200);
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(events.count("changed"), 0);
    // Saved through the other process, which cannot poke this one: the database is
    // watched.
    writer
        .edit("Partag%C3%A9e", "Un texte, complété.", "ailleurs")
        .assert_status(303);
    assert!(
        events.wait_for("event: changed", Duration::from_secs(5)),
        "{}",
        events.text()
    );
    assert_eq!(events.last("changed")["comment"], "ailleurs");
}

#[test]
fn the_change_stream_refuses_what_cannot_be_read() {
    let server = TestServer::start();
    let mut admin = server.account("Camille", Role::Administrator);
    admin.edit("Secret", "Première.", "").assert_status(303);
    admin.edit("Secret", "Deuxième.", "").assert_status(303);
    admin.edit("Autre", "Ailleurs.", "").assert_status(303);
    let history = server.history("Secret");
    let (second, first) = (history[0].meta.id.0, history[1].meta.id.0);
    let other = latest(&server, "Autre");

    // Special pages have no revisions to watch.
    let reply = server.get("/api/v1/pages/Sp%C3%A9cial:Modifications_r%C3%A9centes/changes");
    reply.assert_status(403);
    assert_eq!(reply.json()["error"]["code"], "special_page");
    // A page that does not exist, a revision of another page, a bad number.
    server
        .get("/api/v1/pages/Inconnue/changes?since=1")
        .assert_status(404);
    server
        .get(&format!("/api/v1/pages/Secret/changes?since={other}"))
        .assert_status(404);
    server
        .get("/api/v1/pages/Secret/changes?since=abc")
        .assert_status(400);

    // A hidden revision's readers may not use it as a base; administrators may.
    let camille = server.store().user_named("Camille").unwrap().unwrap();
    server
        .store()
        .set_text_hidden(carnet_core::RevisionId(first), true, &camille, "test")
        .unwrap();
    let reply = server.get(&format!("/api/v1/pages/Secret/changes?since={first}"));
    reply.assert_status(403);
    assert_eq!(reply.json()["error"]["code"], "revision_hidden");
    let cookie = format!("carnet_session={}", admin.cookie("carnet_session").unwrap());
    let allowed = Events::open(
        &server,
        &format!("/api/v1/pages/Secret/changes?since={first}"),
        &[("Cookie", &cookie)],
    );
    assert_eq!(allowed.status, 200, "{}", allowed.head);
    drop(allowed);

    // A page deleted while a form is open: the stream says so and ends; afterwards it
    // is refused like a missing page.
    let events = Events::open(
        &server,
        &format!("/api/v1/pages/Secret/changes?since={second}"),
        &[],
    );
    assert_eq!(events.status, 200);
    assert!(events.wait_for("retry: ", Duration::from_secs(5)));
    server
        .store()
        .delete_page(&Title::parse("Secret").unwrap(), &camille, "test")
        .unwrap();
    assert!(
        events.wait_for("event: gone", Duration::from_secs(5)),
        "{}",
        events.text()
    );
    assert!(
        events.last("gone")["message"]
            .as_str()
            .unwrap()
            .contains("supprimée")
    );
    assert!(
        events.wait_for("<closed>", Duration::from_secs(5)),
        "the stream did not end: {}",
        events.text()
    );
    server
        .get(&format!("/api/v1/pages/Secret/changes?since={second}"))
        .assert_status(404);
}

#[test]
fn the_conflict_screen_shows_both_sides_and_saves_the_merged_text() {
    let server = TestServer::start();
    let mut alice = server.account("Alice", Role::Writer);
    let mut bob = server.account("Bob", Role::Writer);
    let start = "Réunion du lundi\n\nPrésents : Alice\n\nBudget : à voir\n\nDivers : rien";
    alice.edit("R%C3%A9union", start, "").assert_status(303);
    let base = latest(&server, "Réunion");
    let bob_form = bob.get("/wiki/R%C3%A9union?action=edit");
    assert_eq!(bob_form.field("base_revision"), Some(base.to_string()));
    // The form subscribes to the page's changes after its base revision.
    assert!(
        bob_form.body.contains(&format!(
            "data-changes=\"/api/v1/pages/R%C3%A9union/changes?since={base}\""
        )),
        "{}",
        bob_form.body
    );
    assert!(bob_form.body.contains("<script src=\"/static/stale.js?v="));
    assert!(bob_form.body.contains("id=\"stale-notice\""));

    // Alice changes the budget line.
    alice
        .edit(
            "R%C3%A9union",
            "Réunion du lundi\n\nPrésents : Alice\n\nBudget : 1200 euros\n\nDivers : rien",
            "budget",
        )
        .assert_status(303);
    let theirs = latest(&server, "Réunion");
    // Bob, from the old form, changes the same line and two others.
    let mine =
        "Réunion du lundi\n\nPrésents : Alice, Bob\n\nBudget : 900 euros\n\nDivers : pot de départ";
    let reply = bob.post_form(
        "/wiki/R%C3%A9union?action=edit",
        &[
            ("csrf_token", &bob_form.field("csrf_token").unwrap()),
            ("base_revision", &base.to_string()),
            // As browsers post a textarea: CRLF line endings.
            ("text", &mine.replace('\n', "\r\n")),
            ("summary", "mes notes"),
            ("minor", "1"),
            ("do", "save"),
        ],
    );
    reply.assert_status(409);
    let text = reply.text();
    // Nothing saved.
    assert_eq!(latest(&server, "Réunion"), theirs);

    // The others' changes (start → saved) next to the writer's (start → his text).
    assert!(
        text.contains("Ce qu'a changé Alice (version de départ → version enregistrée)"),
        "{text}"
    );
    assert!(text.contains("Vos modifications (version de départ → votre version)"));
    assert_eq!(
        reply
            .body
            .matches("<table class=\"diff side-by-side\">")
            .count(),
        2
    );
    let sides: Vec<&str> = reply
        .body
        .split("<section class=\"conflict-side\">")
        .collect();
    assert_eq!(sides.len(), 3);
    let side = |part: &str| html(&part[..part.find("</section>").unwrap()]);
    let (their_side, my_side) = (side(sides[1]), side(sides[2]));
    assert!(their_side.contains("1200 euros") && their_side.contains("à voir"));
    assert!(!their_side.contains("900 euros") && !their_side.contains("pot de départ"));
    assert!(my_side.contains("900 euros") && my_side.contains("pot de départ"));
    assert!(my_side.contains("Alice, Bob") && !my_side.contains("1200"));
    // Only the lines Bob changed, whatever his browser's line endings.
    assert!(
        their_side.contains("1 ligne ajoutée, 1 ligne supprimée"),
        "{their_side}"
    );
    assert!(
        my_side.contains("3 lignes ajoutées, 3 lignes supprimées"),
        "{my_side}"
    );
    assert!(their_side.contains("version de départ") && their_side.contains("version enregistrée"));
    assert!(my_side.contains("votre version"));
    assert!(text.contains(&format!(
        "href=\"/wiki/R%C3%A9union?action=diff&from={base}&to={theirs}\""
    )));

    // The merged text: Bob's separate changes merged in, the clash between markers.
    let merged = reply.field("text").unwrap();
    assert!(merged.contains("Présents : Alice, Bob"), "{merged}");
    assert!(merged.contains("Divers : pot de départ"), "{merged}");
    assert!(
        merged.contains("<<<<<<< version enregistrée\nBudget : 1200 euros\n"),
        "{merged}"
    );
    assert!(
        merged.contains("Budget : 900 euros\n>>>>>>> votre version"),
        "{merged}"
    );
    // Built on the saved revision; the summary and minor flag kept; Bob's whole text
    // still shown; the button says what it does.
    assert_eq!(reply.field("base_revision"), Some(theirs.to_string()));
    assert_eq!(reply.field("summary").as_deref(), Some("mes notes"));
    assert!(
        reply
            .body
            .contains("name=\"minor\" type=\"checkbox\" value=\"1\" checked")
    );
    assert!(text.contains(mine));
    assert!(text.contains("Publier le texte fusionné"));
    assert!(text.contains("Texte fusionné : corrigez les passages entre marqueurs"));
    assert!(reply.body.contains(&format!(
        "data-changes=\"/api/v1/pages/R%C3%A9union/changes?since={theirs}\""
    )));

    // Saving the merged text as corrected: against the saved revision, no data lost.
    let resolved = merged
        .replace("<<<<<<< version enregistrée\n", "")
        .replace("=======\n", "")
        .replace(">>>>>>> votre version", "")
        .replace(
            "Budget : 1200 euros\nBudget : 900 euros\n",
            "Budget : 1200 euros (900 hors taxes)\n",
        );
    assert!(
        !resolved.contains("<<<") && !resolved.contains(">>>"),
        "{resolved}"
    );
    let saved = bob.post_form(
        "/wiki/R%C3%A9union?action=edit",
        &[
            ("csrf_token", &reply.field("csrf_token").unwrap()),
            ("base_revision", &reply.field("base_revision").unwrap()),
            ("text", &resolved),
            ("summary", &reply.field("summary").unwrap()),
            ("do", "save"),
        ],
    );
    saved.assert_status(303);
    assert_eq!(
        saved.header("location"),
        Some("/wiki/R%C3%A9union?notice=saved")
    );
    let stored = server.get("/wiki/R%C3%A9union?action=raw").body;
    assert_eq!(stored, resolved.trim_end_matches('\n'));
    for kept in [
        "Présents : Alice, Bob",
        "Budget : 1200 euros (900 hors taxes)",
        "Divers : pot de départ",
    ] {
        assert!(stored.contains(kept), "{stored}");
    }
    let history = server.history("Réunion");
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].meta.author.as_str(), "Bob");
    assert_eq!(
        history[0].meta.parent,
        Some(carnet_core::RevisionId(theirs))
    );
    assert_eq!(history[0].meta.comment.as_str(), "mes notes");
}

#[test]
fn a_conflict_on_a_page_created_meanwhile_compares_the_two_texts() {
    let server = TestServer::start();
    let mut alice = server.browser();
    let mut bob = server.browser().with_header("Accept-Language", "en");
    let form = bob.get("/wiki/Pot?action=edit");
    alice.edit("Pot", "Vendredi à 17 h", "").assert_status(303);
    let reply = bob.post_form(
        "/wiki/Pot?action=edit",
        &[
            ("csrf_token", &form.field("csrf_token").unwrap()),
            ("base_revision", ""),
            ("text", "Jeudi à midi"),
            ("do", "save"),
        ],
    );
    reply.assert_status(409);
    let text = reply.text();
    assert!(
        text.contains("What differs between the saved revision and yours"),
        "{text}"
    );
    assert_eq!(
        reply
            .body
            .matches("<table class=\"diff side-by-side\">")
            .count(),
        1
    );
    let merged = reply.field("text").unwrap();
    assert!(merged.contains("Vendredi à 17 h") && merged.contains("Jeudi à midi"));
    assert!(text.contains("Publish the merged text"));
}

/// HTML with entities decoded and tags dropped, for text assertions on one part.
fn html(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    carnet_tests::html_unescape(&out)
}
