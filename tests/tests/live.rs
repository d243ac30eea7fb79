//! Live co-editing through the real server: y-websocket clients (yrs over tungstenite,
//! as any Yjs client would speak) typing at once on one page converge, their typing
//! becomes a revision naming them, a form save made meanwhile is merged into the live
//! text, and a protected page lets people watch but not write.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use carnet_core::rights::{Protection, ProtectionLevel};
use carnet_core::{Role, Title, UserName};
use carnet_tests::{TestServer, temporary_prefix};
use serde_json::json;
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message as WsMessage, WebSocket};
use yrs::encoding::read::Cursor;
use yrs::sync::{Message, MessageReader, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::{Doc, GetString, ReadTxn, Text, TextRef, Transact, Update};

/// A Yjs client: its own document, synced over the live endpoint.
struct LiveClient {
    socket: WebSocket<TcpStream>,
    doc: Doc,
    text: TextRef,
    /// Awareness client ids heard of (presence).
    presence: Vec<u64>,
}

impl LiveClient {
    fn connect(server: &TestServer, page: &str) -> LiveClient {
        let url = format!(
            "{}/api/v1/pages/{page}/live",
            server.base.replace("http://", "ws://")
        );
        let request = url.as_str().into_client_request().unwrap();
        let address = server.base.trim_start_matches("http://");
        let stream = TcpStream::connect(address).unwrap();
        let (socket, response) = tungstenite::client(request, stream).unwrap();
        // Short reads once connected, so one thread can drive several clients.
        socket
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        assert_eq!(response.status().as_u16(), 101);
        let doc = Doc::new();
        let text = doc.get_or_insert_text("text");
        let mut client = LiveClient {
            socket,
            doc,
            text,
            presence: Vec::new(),
        };
        let state = client.doc.transact().state_vector();
        client.send(Message::Sync(SyncMessage::SyncStep1(state)).encode_v1());
        client
    }

    fn send(&mut self, frame: Vec<u8>) {
        self.socket.send(WsMessage::binary(frame)).unwrap();
    }

    /// Types `chunk` at byte `index` and sends the update.
    fn type_at(&mut self, index: u32, chunk: &str) {
        let update = {
            let mut txn = self.doc.transact_mut();
            self.text.insert(&mut txn, index, chunk);
            txn.encode_update_v1()
        };
        self.send(Message::Sync(SyncMessage::Update(update)).encode_v1());
    }

    fn type_at_end(&mut self, chunk: &str) {
        let len = self.text.len(&self.doc.transact());
        self.type_at(len, chunk);
    }

    /// Says who is here (an awareness state under client id `id`).
    fn announce(&mut self, id: u64, name: &str) {
        let update = yrs::sync::AwarenessUpdate {
            clients: [(
                yrs::ClientID::new(id),
                yrs::sync::awareness::AwarenessUpdateEntry {
                    clock: 1,
                    json: format!(r#"{{"user":{{"name":"{name}"}}}}"#).into(),
                },
            )]
            .into_iter()
            .collect(),
        };
        self.send(Message::Awareness(update).encode_v1());
    }

    /// Asks for a revision now ("save a version").
    fn save_version(&mut self, summary: &str) {
        self.send(Message::Custom(100, summary.as_bytes().to_vec()).encode_v1());
    }

    fn text(&self) -> String {
        self.text.get_string(&self.doc.transact())
    }

    /// Reads what the server sent for a moment, answering its sync step 1.
    fn pump(&mut self) {
        let deadline = Instant::now() + Duration::from_millis(50);
        while Instant::now() < deadline {
            match self.socket.read() {
                Ok(WsMessage::Binary(frame)) => self.hear(&frame),
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    break;
                }
                Err(e) => panic!("live socket failed: {e}"),
            }
        }
    }

    fn hear(&mut self, frame: &[u8]) {
        let mut replies = Vec::new();
        {
            let mut decoder = DecoderV1::new(Cursor::new(frame));
            for message in MessageReader::new(&mut decoder) {
                match message.unwrap() {
                    Message::Sync(SyncMessage::SyncStep1(state)) => {
                        let diff = self.doc.transact().encode_state_as_update_v1(&state);
                        replies.push(Message::Sync(SyncMessage::SyncStep2(diff)).encode_v1());
                    }
                    Message::Sync(SyncMessage::SyncStep2(u) | SyncMessage::Update(u)) => {
                        let mut txn = self.doc.transact_mut();
                        txn.apply_update(Update::decode_v1(&u).unwrap()).unwrap();
                    }
                    Message::Awareness(update) => {
                        self.presence
                            .extend(update.clients.keys().map(|id| id.get()));
                    }
                    _ => {}
                }
            }
        }
        for reply in replies {
            self.send(reply);
        }
    }

    /// Whether the server closes the socket within `limit` (answering what it sends).
    fn closed_within(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            match self.socket.read() {
                Ok(WsMessage::Binary(frame)) => self.hear(&frame),
                Ok(WsMessage::Close(_)) => return true,
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => return true,
            }
        }
        false
    }

    fn close(mut self) {
        let _ = self.socket.close(None);
        for _ in 0..20 {
            match self.socket.read() {
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                    return;
                }
                Err(tungstenite::Error::Io(_)) | Ok(_) => {}
                Err(_) => return,
            }
        }
    }
}

/// Pumps every client until `done` holds, or fails after ten seconds.
fn pump_until(
    clients: &mut [&mut LiveClient],
    what: &str,
    done: impl Fn(&[&mut LiveClient]) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        for client in clients.iter_mut() {
            client.pump();
        }
        if done(clients) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {:?}",
            clients.iter().map(|c| c.text()).collect::<Vec<_>>()
        );
    }
}

/// Waits until the stored page's text satisfies `done`; returns the page JSON.
fn page_until(server: &TestServer, page: &str, done: impl Fn(&str) -> bool) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let reply = server.get(&format!("/api/v1/pages/{page}"));
        if reply.status == 200 {
            let json = reply.json();
            if done(json["text"].as_str().unwrap()) {
                return json;
            }
        }
        assert!(
            Instant::now() < deadline,
            "stored page never matched: {}",
            reply.body
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn create(server: &TestServer, page: &str, text: &str) -> i64 {
    let reply = server.put_json(
        &format!("/api/v1/pages/{page}"),
        &json!({"text": text, "base_revision": null}),
    );
    reply.assert_status(201);
    reply.json()["revision"]["id"].as_i64().unwrap()
}

#[test]
fn three_clients_type_at_once_converge_and_checkpoint() {
    let server = TestServer::start();
    create(&server, "R%C3%A9union", "Ordre du jour");
    let mut ada = LiveClient::connect(&server, "R%C3%A9union");
    let mut bob = LiveClient::connect(&server, "R%C3%A9union");
    let mut eve = LiveClient::connect(&server, "R%C3%A9union");
    pump_until(
        &mut [&mut ada, &mut bob, &mut eve],
        "the initial text",
        |cs| cs.iter().all(|c| c.text() == "Ordre du jour"),
    );

    // Both type without waiting for each other; Eve only watches.
    for i in 0..30 {
        ada.type_at_end(&format!("a{i} "));
        bob.type_at(0, &format!("b{i} "));
        if i % 5 == 0 {
            ada.pump();
            bob.pump();
        }
    }
    pump_until(&mut [&mut ada, &mut bob, &mut eve], "convergence", |cs| {
        let text = cs[0].text();
        cs.iter().all(|c| c.text() == text)
            && (0..30).all(|i| text.contains(&format!("a{i} ")) && text.contains(&format!("b{i} ")))
    });
    let live_text = ada.text();

    // "Save a version": a revision with the summary, naming both writers.
    ada.save_version("Notes de la réunion");
    let page = page_until(&server, "R%C3%A9union", |text| text == live_text.trim_end());
    let revision = &page["revision"];
    assert!(
        revision["comment"]
            .as_str()
            .unwrap()
            .starts_with("Notes de la réunion — en direct avec "),
        "{revision}"
    );
    let author = revision["author"].as_str().unwrap();
    assert_eq!(
        author.matches(", ").count(),
        1,
        "two writers, not the watcher: {author}"
    );

    // More typing, then everyone leaves: the last writer leaving saves again.
    bob.type_at_end("fin");
    pump_until(
        &mut [&mut ada, &mut bob, &mut eve],
        "the last keystrokes",
        |cs| cs.iter().all(|c| c.text().ends_with("fin")),
    );
    let final_text = bob.text();
    ada.close();
    bob.close();
    eve.close();
    let page = page_until(&server, "R%C3%A9union", |text| {
        text == final_text.trim_end()
    });
    let history = server.get("/api/v1/pages/R%C3%A9union/history").json();
    assert_eq!(
        history["revisions"].as_array().unwrap().len(),
        3,
        "{history}"
    );
    assert!(
        page["revision"]["author"]
            .as_str()
            .unwrap()
            .starts_with('~')
    );
}

#[test]
fn a_form_save_during_a_live_session_is_merged_into_the_live_text() {
    let server = TestServer::start();
    let base = "titre\n\nparagraphe un\n\nparagraphe deux";
    let first = create(&server, "Compte_rendu", base);
    let mut ada = LiveClient::connect(&server, "Compte_rendu");
    pump_until(&mut [&mut ada], "the initial text", |cs| {
        cs[0].text() == base
    });
    ada.type_at_end("\n\najout en direct");
    pump_until(&mut [&mut ada], "the echo", |cs| {
        cs[0].text().ends_with("en direct")
    });

    // A no-JS writer saves a change to the first line from the old revision.
    let saved = server.put_json(
        "/api/v1/pages/Compte_rendu",
        &json!({"text": "TITRE\n\nparagraphe un\n\nparagraphe deux", "base_revision": first}),
    );
    assert!(saved.status == 200, "{}", saved.body);
    let expected = "TITRE\n\nparagraphe un\n\nparagraphe deux\n\najout en direct";
    pump_until(&mut [&mut ada], "the form save in the live text", |cs| {
        cs[0].text() == expected
    });

    ada.close();
    page_until(&server, "Compte_rendu", |text| text == expected);
}

#[test]
fn a_protected_page_can_be_watched_but_not_written() {
    let server = TestServer::start();
    create(&server, "Charte", "texte protégé");
    let store = server.store();
    let hash = carnet_web::hash_password("une phrase de passe").unwrap();
    store
        .create_user(
            &UserName::parse("Admin").unwrap(),
            &hash,
            Role::Administrator,
        )
        .unwrap()
        .unwrap();
    let admin = store.user_named("Admin").unwrap().unwrap();
    let protection = Protection {
        level: ProtectionLevel::Registered,
        reason: "charte".into(),
        expires: None,
    };
    store
        .protect(
            &Title::parse("Charte").unwrap(),
            Some(&protection),
            &admin,
            "charte",
        )
        .unwrap();
    let before = server.fingerprint();

    let mut eve = LiveClient::connect(&server, "Charte");
    pump_until(&mut [&mut eve], "the text", |cs| {
        cs[0].text() == "texte protégé"
    });
    eve.type_at(0, "vandale ");
    eve.save_version("vandalisme");
    eve.pump();
    // A second watcher joining sees the stored text only.
    let mut other = LiveClient::connect(&server, "Charte");
    pump_until(&mut [&mut other], "the text", |cs| {
        cs[0].text() == "texte protégé"
    });
    std::thread::sleep(Duration::from_millis(300));
    other.pump();
    assert_eq!(other.text(), "texte protégé");
    eve.close();
    other.close();
    std::thread::sleep(Duration::from_millis(500));
    let page = server.get("/api/v1/pages/Charte").json();
    assert_eq!(page["text"], "texte protégé");
    // Nothing written but the live document itself (created on first join).
    let after = server.fingerprint();
    for (table, digest) in &before {
        if !table.starts_with("live_") {
            assert_eq!(after.get(table), Some(digest), "{table} changed");
        }
    }
    let history = server.get("/api/v1/pages/Charte/history").json();
    assert_eq!(history["revisions"].as_array().unwrap().len(), 1);
}

#[test]
fn a_plain_get_without_upgrade_is_refused() {
    let server = TestServer::start();
    let reply = server.get("/api/v1/pages/Accueil/live");
    assert_eq!(reply.status, 400, "{}", reply.body);
    let reply = server.get("/api/v1/pages/Sp%C3%A9cial:Journal/live");
    assert_eq!(reply.status, 403, "{}", reply.body);
}

/// Two Carnet processes on one database (as `carnet serve` twice behind a load
/// balancer): writers on each see each other's typing, a "save a version" asked on
/// either is saved once, and leaving saves nothing twice.
#[test]
fn two_processes_share_one_live_session() {
    let _ = env_logger::builder().is_test(true).try_init();
    if std::env::var_os("CARNET_TEST_DATABASE_URL").is_none() {
        // On SQLite the relay works the same (both servers share the file and read
        // each other's updates every second), so the test runs there too.
        eprintln!("two processes on one SQLite file (PostgreSQL: set CARNET_TEST_DATABASE_URL)");
    }
    let one = TestServer::start();
    let two = one.start_sharing();
    create(&one, "S%C3%A9ance", "Ordre du jour");
    let mut ada = LiveClient::connect(&one, "S%C3%A9ance");
    let mut bob = LiveClient::connect(&two, "S%C3%A9ance");
    pump_until(&mut [&mut ada, &mut bob], "the initial text", |cs| {
        cs.iter().all(|c| c.text() == "Ordre du jour")
    });
    // Presence crosses processes too (PostgreSQL notifications only).
    if std::env::var_os("CARNET_TEST_DATABASE_URL").is_some() {
        ada.announce(4242, "Ada");
        pump_until(&mut [&mut ada, &mut bob], "Ada's presence at Bob's", |cs| {
            cs[1].presence.contains(&4242)
        });
    }
    // One keystroke at a time: how long until the other process's client has it.
    let mut delays = Vec::new();
    for i in 0..5 {
        let mark = format!("<{i}>");
        let typed = Instant::now();
        ada.type_at(0, &mark);
        pump_until(&mut [&mut ada, &mut bob], "one keystroke relayed", |cs| {
            cs[1].text().contains(&mark)
        });
        delays.push(typed.elapsed());
    }
    delays.sort();
    let median = delays[2];
    eprintln!("keystroke relayed to the other process in {delays:?}");
    if std::env::var_os("CARNET_TEST_DATABASE_URL").is_some() {
        // NOTIFY wakes the other process at once; its fallback look is every second.
        assert!(median < Duration::from_millis(300), "{delays:?}");
    }
    for i in 0..25 {
        ada.type_at_end(&format!("[a{i}]"));
        bob.type_at(0, &format!("[b{i}]"));
        if i % 5 == 0 {
            ada.pump();
            bob.pump();
        }
    }
    let every = |text: &str, upto: usize| {
        (0..upto).all(|i| {
            text.matches(&format!("[a{i}]")).count() == 1
                && text.matches(&format!("[b{i}]")).count() == 1
        })
    };
    pump_until(
        &mut [&mut ada, &mut bob],
        "convergence across processes",
        |cs| {
            let text = cs[0].text();
            cs.iter().all(|c| c.text() == text) && every(&text, 25)
        },
    );
    let live_text = ada.text();

    // "Save a version" on the second process: one revision, naming both writers.
    bob.save_version("Notes communes");
    let page = page_until(&one, "S%C3%A9ance", |text| text == live_text.trim_end());
    let revision = &page["revision"];
    assert!(
        revision["comment"]
            .as_str()
            .unwrap()
            .starts_with("Notes communes"),
        "{revision}"
    );
    assert_eq!(
        revision["author"].as_str().unwrap().matches(", ").count(),
        1,
        "both writers named: {revision}"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(one.history("Séance").len(), 2, "one checkpoint, not two");

    // Ada leaves (her process held the checkpoints); Bob types on and leaves: the
    // other process takes over and saves his last words, once.
    ada.close();
    std::thread::sleep(Duration::from_millis(1500));
    bob.type_at_end("[fin]");
    pump_until(&mut [&mut bob], "the last keystroke", |cs| {
        cs[0].text().ends_with("[fin]")
    });
    let final_text = bob.text();
    bob.close();
    let page = page_until(&two, "S%C3%A9ance", |text| text == final_text.trim_end());
    let text = page["text"].as_str().unwrap();
    assert!(every(text, 25), "{text}");
    assert_eq!(text.matches("[fin]").count(), 1, "{text}");
    std::thread::sleep(Duration::from_secs(3));
    let history = one.history("Séance");
    assert_eq!(history.len(), 3, "no duplicated revision: {history:?}");
    let stored = one.get("/api/v1/pages/S%C3%A9ance").json();
    assert_eq!(stored["text"].as_str().unwrap(), text);
}

/// "End the session and lock the notes": the last revision keeps everything typed on
/// either process, every writer's socket is closed, the page is protected (in the
/// public log), and reconnecting writers may only watch. A writer may not do it.
#[test]
fn an_animateur_ends_the_live_session_and_locks_the_notes() {
    let one = TestServer::start();
    let two = one.start_sharing();
    create(&one, "Atelier", "Notes");
    let mut ada = LiveClient::connect(&one, "Atelier");
    let mut bob = LiveClient::connect(&two, "Atelier");
    pump_until(&mut [&mut ada, &mut bob], "the initial text", |cs| {
        cs.iter().all(|c| c.text() == "Notes")
    });
    ada.type_at_end(" de Ada");
    bob.type_at(0, "Bob : ");
    pump_until(&mut [&mut ada, &mut bob], "both keystrokes", |cs| {
        cs.iter().all(|c| c.text() == "Bob : Notes de Ada")
    });

    // A writer sees no such form, and is refused with the reason.
    let mut wanda = one.account("Wanda", Role::Writer);
    let form = wanda.get("/wiki/Atelier?action=edit");
    assert!(!form.body.contains("action=lock"), "{}", form.body);
    let token = form.field("csrf_token").unwrap();
    let refused = wanda.post_form(
        "/wiki/Atelier?action=lock",
        &[("csrf_token", &token), ("reason", "")],
    );
    refused.assert_status(403);
    assert!(refused.text().contains("animateur"), "{}", refused.body);
    assert!(one.history("Atelier").len() == 1);

    // The animateur ends it: the answer comes once the last revision is saved.
    let mut anna = one.account("Anna", Role::Animateur);
    let form = anna.get("/wiki/Atelier?action=edit");
    assert!(form.body.contains("action=lock"), "{}", form.body);
    let token = form.field("csrf_token").unwrap();
    let done = anna.post_form(
        "/wiki/Atelier?action=lock",
        &[("csrf_token", &token), ("reason", "fin de l'atelier")],
    );
    done.assert_status(303);
    assert!(done.header("Location").unwrap().contains("notice=locked"));
    let page = one.get("/api/v1/pages/Atelier").json();
    assert_eq!(page["text"], "Bob : Notes de Ada");
    assert!(
        page["revision"]["comment"]
            .as_str()
            .unwrap()
            .starts_with("Fin de la séance"),
        "{page}"
    );
    assert_eq!(
        page["revision"]["author"]
            .as_str()
            .unwrap()
            .matches(", ")
            .count(),
        1,
        "{page}"
    );

    // Every writer's socket is closed, on both processes.
    assert!(
        ada.closed_within(Duration::from_secs(3)),
        "Ada still connected"
    );
    assert!(
        bob.closed_within(Duration::from_secs(3)),
        "Bob still connected"
    );

    // Back again, they may only watch: what they type is not kept.
    let mut again = LiveClient::connect(&two, "Atelier");
    pump_until(&mut [&mut again], "the locked text", |cs| {
        cs[0].text() == "Bob : Notes de Ada"
    });
    again.type_at_end(" (ajout refusé)");
    again.save_version("refusé");
    std::thread::sleep(Duration::from_millis(1500));
    again.pump();
    again.close();
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        one.get("/api/v1/pages/Atelier").json()["text"],
        "Bob : Notes de Ada"
    );
    assert_eq!(one.history("Atelier").len(), 2);

    // The protection is in the public log, with its reason.
    let log = one.get("/wiki/Sp%C3%A9cial:Journal?type=protect");
    log.assert_status(200);
    assert!(log.text().contains("fin de l'atelier"), "{}", log.body);
}

/// Someone who only watches a live page gets no temporary identity; a logged-out
/// writer gets one at their first keystroke, and the revision is signed with it.
#[test]
fn a_temporary_identity_is_made_at_the_first_keystroke_not_on_connect() {
    let server = TestServer::start();
    create(&server, "Brouillon", "texte");
    let users = |server: &TestServer| server.fingerprint().get("users").cloned();
    let before = users(&server);
    let mut eve = LiveClient::connect(&server, "Brouillon");
    pump_until(&mut [&mut eve], "the text", |cs| cs[0].text() == "texte");
    std::thread::sleep(Duration::from_millis(300));
    eve.pump();
    assert_eq!(users(&server), before, "a watcher got an identity");

    eve.type_at_end(" tapé");
    pump_until(&mut [&mut eve], "the echo", |cs| {
        cs[0].text() == "texte tapé"
    });
    assert_ne!(users(&server), before, "no identity after typing");
    eve.save_version("essai");
    let page = page_until(&server, "Brouillon", |text| text == "texte tapé");
    let author = page["revision"]["author"].as_str().unwrap();
    assert!(author.starts_with(&temporary_prefix()), "{author}");
    eve.close();
}

/// `data-live-open` on the edit form at `path`: whether the form loads the live editor
/// at once (a session is open: others are typing) or at the writer's first keystroke.
fn live_open_attribute(server: &TestServer, path: &str) -> String {
    let form = server.get(path);
    form.assert_status(200);
    let value = form
        .body
        .split(" data-live-open=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next());
    value.unwrap().to_owned()
}

#[test]
fn the_edit_form_loads_the_editor_at_once_while_a_live_session_is_open() {
    let one = TestServer::start();
    let two = one.start_sharing();
    let first = create(&one, "R%C3%A9union", "Ordre du jour");
    one.put_json(
        "/api/v1/pages/R%C3%A9union",
        &json!({"text": "Ordre du jour : budget", "base_revision": first}),
    )
    .assert_status(200);
    create(&one, "Autre", "Rien");
    let form = "/wiki/R%C3%A9union?action=edit";
    // Nobody is live: the editor waits for the writer.
    assert_eq!(live_open_attribute(&one, form), "false");
    assert_eq!(live_open_attribute(&two, form), "false");
    let mut ada = LiveClient::connect(&one, "R%C3%A9union");
    pump_until(&mut [&mut ada], "the initial text", |cs| {
        cs[0].text() == "Ordre du jour : budget"
    });
    // Open in this process (its hub), and seen from another process (the lease).
    assert_eq!(live_open_attribute(&one, form), "true");
    assert_eq!(live_open_attribute(&two, form), "true");
    // Not on another page, nor on a form holding its own text (an old revision).
    assert_eq!(
        live_open_attribute(&one, "/wiki/Autre?action=edit"),
        "false"
    );
    let old = format!("/wiki/R%C3%A9union?action=edit&oldid={first}");
    assert_eq!(live_open_attribute(&one, &old), "false");
    // The last client gone, the session closes and the form waits again.
    ada.close();
    let deadline = Instant::now() + Duration::from_secs(20);
    while live_open_attribute(&one, form) != "false" || live_open_attribute(&two, form) != "false" {
        assert!(Instant::now() < deadline, "the session never closed");
        std::thread::sleep(Duration::from_millis(200));
    }
}
