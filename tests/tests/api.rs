//! The JSON API v1 contract that later parts and outside tools rely on.

use carnet_tests::TestServer;
use serde_json::json;

#[test]
fn get_page_returns_text_and_revision() {
    let server = TestServer::start();
    let reply = server.get("/api/v1/pages/Accueil");
    reply.assert_status(200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let page = reply.json();
    assert_eq!(page["title"], "Accueil");
    assert!(
        page["text"]
            .as_str()
            .unwrap()
            .contains("Bienvenue sur Carnet")
    );
    let revision = &page["revision"];
    assert!(revision["id"].as_i64().unwrap() > 0);
    assert_eq!(revision["parent"], serde_json::Value::Null);
    assert_eq!(revision["author"], "Carnet");
    assert_eq!(revision["minor"], false);
    assert_eq!(
        revision["size"].as_u64().unwrap() as usize,
        page["text"].as_str().unwrap().len()
    );
    let timestamp = revision["timestamp"].as_str().unwrap();
    assert!(
        timestamp.ends_with('Z') && timestamp.len() == 20,
        "{timestamp}"
    );
    assert_eq!(revision["comment"], "Page d'accueil");
}

#[test]
fn missing_page_is_a_json_404() {
    let server = TestServer::start();
    let reply = server.get("/api/v1/pages/Nulle_part");
    reply.assert_status(404);
    let body = reply.json();
    assert_eq!(body["error"]["code"], "page_not_found");
    assert_eq!(body["error"]["message"], "Cette page n'existe pas.");
    let reply = server.get_with("/api/v1/pages/Nulle_part", &[("Accept-Language", "en")]);
    assert_eq!(
        reply.json()["error"]["message"],
        "This page does not exist."
    );
}

#[test]
fn put_creates_saves_merges_and_conflicts() {
    let server = TestServer::start();
    let created = server.put_json(
        "/api/v1/pages/Notes_de_r%C3%A9union",
        &json!({"text": "un\n\ndeux\n\ntrois", "base_revision": null, "comment": "début", "minor": false}),
    );
    created.assert_status(201);
    let created = created.json();
    assert_eq!(created["title"], "Notes de réunion");
    assert_eq!(created["merged"], false);
    let first = created["revision"]["id"].as_i64().unwrap();

    let saved = server.put_json(
        "/api/v1/pages/Notes_de_r%C3%A9union",
        &json!({"text": "UN\n\ndeux\n\ntrois", "base_revision": first, "comment": "majuscule", "minor": true, "author": "Léa"}),
    );
    saved.assert_status(200);
    let saved = saved.json();
    assert_eq!(saved["merged"], false);
    assert_eq!(saved["changed"], true);
    assert_eq!(saved["revision"]["parent"], first);
    // Logged out, the client signs with a temporary identity (`author` is ignored).
    let author = saved["revision"]["author"].as_str().unwrap();
    assert!(
        author.starts_with(&carnet_tests::temporary_prefix()),
        "{author}"
    );
    assert_eq!(saved["revision"]["minor"], true);
    let second = saved["revision"]["id"].as_i64().unwrap();

    // Based on the first revision, touching another line: merged.
    let merged = server.put_json(
        "/api/v1/pages/Notes_de_r%C3%A9union",
        &json!({"text": "un\n\ndeux\n\nTROIS", "base_revision": first, "comment": "", "minor": false}),
    );
    merged.assert_status(200);
    let merged = merged.json();
    assert_eq!(merged["merged"], true);
    assert_eq!(merged["revision"]["parent"], second);
    let page = server.get("/api/v1/pages/Notes_de_r%C3%A9union").json();
    assert_eq!(page["text"], "UN\n\ndeux\n\nTROIS");

    // Based on the first revision, touching the same line: conflict, nothing saved.
    let conflict = server.put_json(
        "/api/v1/pages/Notes_de_r%C3%A9union",
        &json!({"text": "Un !\n\ndeux\n\ntrois", "base_revision": first, "comment": "", "minor": false}),
    );
    conflict.assert_status(409);
    let conflict = conflict.json();
    assert_eq!(conflict["error"]["code"], "conflict");
    assert_eq!(conflict["current_revision"]["id"], merged["revision"]["id"]);
    assert_eq!(conflict["theirs"], "UN\n\ndeux\n\nTROIS");
    assert_eq!(conflict["mine"], "Un !\n\ndeux\n\ntrois");
    let markers = conflict["merged_with_markers"].as_str().unwrap();
    assert!(
        markers.contains("<<<<<<<") && markers.contains("UN") && markers.contains("Un !"),
        "{markers}"
    );
    assert!(
        markers.contains("TROIS"),
        "the clean part is merged: {markers}"
    );
    let history = server
        .get("/api/v1/pages/Notes_de_r%C3%A9union/history")
        .json();
    assert_eq!(history["revisions"].as_array().unwrap().len(), 3);
}

#[test]
fn null_edit_is_200_unchanged() {
    let server = TestServer::start();
    let page = server.get("/api/v1/pages/Accueil").json();
    let reply = server.put_json(
        "/api/v1/pages/Accueil",
        &json!({"text": format!("{}\n\n", page["text"].as_str().unwrap()), "base_revision": page["revision"]["id"], "comment": "", "minor": false}),
    );
    reply.assert_status(200);
    let reply = reply.json();
    assert_eq!(reply["changed"], false);
    assert_eq!(reply["revision"]["id"], page["revision"]["id"]);
}

#[test]
fn creating_an_existing_page_conflicts() {
    let server = TestServer::start();
    let reply = server.put_json(
        "/api/v1/pages/Accueil",
        &json!({"text": "Mon accueil à moi", "base_revision": null}),
    );
    reply.assert_status(409);
}

#[test]
fn bad_requests_get_the_right_status_and_a_message() {
    let server = TestServer::start();
    let id = server.get("/api/v1/pages/Accueil").json()["revision"]["id"]
        .as_i64()
        .unwrap();
    let check = |reply: carnet_tests::Reply, status: u16, code: &str| {
        reply.assert_status(status);
        let body = reply.json();
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    };
    // Bad title.
    check(
        server.put_json("/api/v1/pages/A%7CB", &json!({"text": "x"})),
        400,
        "bad_title",
    );
    check(server.get("/api/v1/pages/A%5BB"), 400, "bad_title");
    // Malformed JSON, missing field, unknown field, wrong type.
    check(
        server.send(
            "PUT",
            "/api/v1/pages/X",
            &[("Content-Type", "application/json")],
            "{\"text\":",
        ),
        400,
        "bad_json",
    );
    check(
        server.put_json("/api/v1/pages/X", &json!({"comment": "no text"})),
        400,
        "bad_json",
    );
    check(
        server.put_json("/api/v1/pages/X", &json!({"text": "x", "surprise": 1})),
        400,
        "bad_json",
    );
    check(
        server.put_json("/api/v1/pages/X", &json!({"text": 12})),
        400,
        "bad_json",
    );
    // Wrong content type.
    check(
        server.send(
            "PUT",
            "/api/v1/pages/X",
            &[("Content-Type", "text/plain")],
            "{\"text\":\"x\"}",
        ),
        415,
        "unsupported_media_type",
    );
    check(
        server.send("PUT", "/api/v1/pages/X", &[], "{\"text\":\"x\"}"),
        415,
        "unsupported_media_type",
    );
    // A base revision of another page.
    check(
        server.put_json(
            "/api/v1/pages/Autre",
            &json!({"text": "x", "base_revision": id}),
        ),
        400,
        "bad_base_revision",
    );
    // Special pages.
    check(
        server.put_json("/api/v1/pages/Special:X", &json!({"text": "x"})),
        403,
        "special_page",
    );
    // Unknown revision, bad ids.
    check(
        server.get("/api/v1/revisions/999999"),
        404,
        "revision_not_found",
    );
    check(server.get("/api/v1/revisions/abc"), 400, "bad_parameter");
    check(server.get("/api/v1/diff?from=1"), 400, "bad_parameter");
    check(
        server.get("/api/v1/pages/Accueil/history?limit=100000"),
        400,
        "bad_parameter",
    );
    check(
        server.get("/api/v1/pages/Nulle_part/history"),
        404,
        "page_not_found",
    );
    // Nothing was created by all of this.
    server.get("/api/v1/pages/X").assert_status(404);
}

#[test]
fn text_over_the_limit_is_413() {
    let server = TestServer::start_with(1000);
    let reply = server.put_json("/api/v1/pages/Gros", &json!({"text": "a".repeat(1001)}));
    reply.assert_status(413);
    assert_eq!(reply.json()["error"]["code"], "text_too_large");
    // A body far over the limit is refused before being read whole.
    let reply = server.put_json("/api/v1/pages/Gros", &json!({"text": "a".repeat(300_000)}));
    reply.assert_status(413);
    assert_eq!(reply.json()["error"]["code"], "payload_too_large");
    server
        .put_json("/api/v1/pages/Gros", &json!({"text": "a".repeat(1000)}))
        .assert_status(201);
}

#[test]
fn cross_origin_writes_are_refused() {
    let server = TestServer::start();
    let reply = server.send(
        "PUT",
        "/api/v1/pages/Cible",
        &[
            ("Content-Type", "application/json"),
            ("Origin", "https://evil.example"),
        ],
        "{\"text\":\"pwned\"}",
    );
    reply.assert_status(403);
    assert_eq!(reply.json()["error"]["code"], "cross_origin");
    server.get("/api/v1/pages/Cible").assert_status(404);
    // The same origin is fine.
    let origin = server.base.clone();
    server
        .send(
            "PUT",
            "/api/v1/pages/Cible",
            &[
                ("Content-Type", "application/json"),
                ("Origin", origin.as_str()),
            ],
            "{\"text\":\"ok\"}",
        )
        .assert_status(201);
}

#[test]
fn history_is_paged_newest_first() {
    let server = TestServer::start();
    let mut base = serde_json::Value::Null;
    let mut ids = Vec::new();
    for n in 0..7 {
        let reply = server.put_json(
            "/api/v1/pages/Compteur",
            &json!({"text": "x".repeat(n + 1), "base_revision": base, "comment": format!("n{n}")}),
        );
        assert!(reply.status == 200 || reply.status == 201, "{}", reply.body);
        let id = reply.json()["revision"]["id"].clone();
        ids.push(id.as_i64().unwrap());
        base = id;
    }
    let first = server.get("/api/v1/pages/Compteur/history?limit=3").json();
    let shown: Vec<i64> = first["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(shown, vec![ids[6], ids[5], ids[4]]);
    assert_eq!(first["revisions"][0]["delta"], 1);
    assert_eq!(first["revisions"][0]["comment"], "n6");
    let older = first["older"].as_i64().unwrap();
    let rest = server
        .get(&format!(
            "/api/v1/pages/Compteur/history?limit=10&before={older}"
        ))
        .json();
    let shown: Vec<i64> = rest["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(shown, vec![ids[3], ids[2], ids[1], ids[0]]);
    assert_eq!(rest["older"], serde_json::Value::Null);
    assert_eq!(rest["revisions"][3]["delta"], 1);
}

#[test]
fn revisions_and_diffs() {
    let server = TestServer::start();
    let a = server
        .put_json(
            "/api/v1/pages/Pont",
            &json!({"text": "Le pont\nConstruit en 1850."}),
        )
        .json();
    let a = a["revision"]["id"].as_i64().unwrap();
    let b = server
        .put_json(
            "/api/v1/pages/Pont",
            &json!({"text": "Le pont\nConstruit en 1852.", "base_revision": a}),
        )
        .json();
    let b = b["revision"]["id"].as_i64().unwrap();

    let old = server.get(&format!("/api/v1/revisions/{a}")).json();
    assert_eq!(old["title"], "Pont");
    assert_eq!(old["text"], "Le pont\nConstruit en 1850.");
    assert_eq!(old["current"], false);
    assert_eq!(
        server.get(&format!("/api/v1/revisions/{b}")).json()["current"],
        true
    );

    let diff = server.get(&format!("/api/v1/diff?from={a}&to={b}")).json();
    assert_eq!(diff["from"]["id"], a);
    assert_eq!(diff["to"]["id"], b);
    assert_eq!(diff["inserted"], 1);
    assert_eq!(diff["deleted"], 1);
    let lines = diff["hunks"][0]["lines"].as_array().unwrap();
    assert_eq!(lines[0]["kind"], "context");
    assert_eq!(lines[1]["kind"], "deleted");
    assert_eq!(lines[1]["old_line"], 2);
    assert_eq!(lines[2]["kind"], "inserted");
    assert_eq!(lines[2]["text"], "Construit en 1852.");
    let changed: Vec<&str> = lines[2]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["changed"] == true)
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(changed, vec!["1852."]);
    // Without `from`, the diff is against the parent.
    let implicit = server.get(&format!("/api/v1/diff?to={b}")).json();
    assert_eq!(implicit["from"]["id"], a);
}

#[test]
fn a_page_named_history_is_reachable_by_encoding_its_slash() {
    let server = TestServer::start();
    server
        .put_json(
            "/api/v1/pages/Projet%2Fhistory",
            &json!({"text": "sous-page"}),
        )
        .assert_status(201);
    let page = server.get("/api/v1/pages/Projet%2Fhistory").json();
    assert_eq!(page["title"], "Projet/history");
    let history = server.get("/api/v1/pages/Projet/history");
    history.assert_status(404);
}
