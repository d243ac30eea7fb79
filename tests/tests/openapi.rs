//! The OpenAPI document of the JSON API (`/api/v1/openapi.json`) against the real
//! server: it is OpenAPI 3.1 read by an independent parser, every reference resolves,
//! the routes the server registers and the routes it documents are the same (both ways,
//! with their methods, checked on the running server), real answers of each route match
//! the documented schema of their status, and `Spécial:API` shows all of it in French and
//! English without script.

use std::collections::{BTreeMap, BTreeSet};

use carnet_core::Role;
use carnet_tests::{Reply, TestServer};
use serde_json::{Value, json};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

fn document(server: &TestServer) -> Value {
    let reply = server.get("/api/v1/openapi.json");
    reply.assert_status(200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    reply.json()
}

/// Every `(method, path)` the document describes.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "put", "post", "delete", "patch", "head", "options"]
                .contains(&method.as_str())
            {
                out.insert((method.clone(), path.clone()));
            }
        }
    }
    out
}

/// Every `(method, path)` the server registers under `/api/v1`.
fn registered() -> BTreeSet<(String, String)> {
    carnet_web::API_ROUTES
        .iter()
        .map(|route| (route.method.to_owned(), route.path.to_owned()))
        .collect()
}

/// The value a JSON pointer (`#/components/schemas/Page`) designates.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "$ref"
                    && let Some(reference) = inner.as_str()
                {
                    out.push(reference.to_owned());
                }
                collect_refs(inner, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

#[test]
fn the_document_is_openapi_3_1_and_every_reference_resolves() {
    let server = TestServer::start();
    let reply = server.get("/api/v1/openapi.json");
    reply.assert_status(200);
    // Cacheable, no authentication needed, conditional requests answered.
    let etag = reply.header("etag").expect("an ETag").to_owned();
    assert!(reply.header("cache-control").unwrap().contains("max-age"));
    let again = server.get_with("/api/v1/openapi.json", &[("If-None-Match", &etag)]);
    again.assert_status(304);
    assert!(again.body.is_empty());

    // An independent OpenAPI 3.1 parser reads it.
    let spec = oas3::from_json(&reply.body).expect("oas3 parses the document");
    let version = spec
        .validate_version()
        .expect("a supported OpenAPI version");
    assert_eq!((version.major, version.minor), (3, 1), "{}", spec.openapi);
    assert_eq!(spec.info.title, "Carnet JSON API");
    let operations: Vec<_> = spec.operations().collect();
    assert_eq!(operations.len(), registered().len());
    for (path, method, operation) in &operations {
        // Every response and request body resolves, and so does every schema in them.
        for (status, response) in operation.responses(&spec) {
            for (content_type, media) in &response.content {
                if let Some(schema) = &media.schema {
                    schema.resolve(&spec).unwrap_or_else(|error| {
                        panic!("{method} {path} {status} {content_type}: {error}")
                    });
                }
            }
        }
        if let Some(body) = &operation.request_body {
            body.resolve(&spec)
                .unwrap_or_else(|error| panic!("{method} {path} body: {error}"));
        }
    }

    let doc = reply.json();
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 50, "{} references", refs.len());
    for reference in &refs {
        assert!(
            resolve(&doc, reference).is_some(),
            "{reference} does not resolve"
        );
    }
    // Every named schema is used somewhere (none left over from a renamed type): by
    // reference, or named in an operation's description (the events of a stream, which
    // OpenAPI 3.1 cannot reference from `text/event-stream`).
    let descriptions: String = documented(&doc)
        .iter()
        .map(|(method, path)| {
            doc["paths"][path][method]["description"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        let reference = format!("#/components/schemas/{name}");
        assert!(
            refs.contains(&reference) || descriptions.contains(&format!("`{name}`")),
            "{name} is never referenced"
        );
    }

    // Answers always carry every field of their schemas (`null` when empty), so every
    // property of a schema answered is required; only request bodies have optional ones.
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        if name.ends_with("Request") {
            continue;
        }
        let required = schema["required"].as_array().cloned().unwrap_or_default();
        for property in schema["properties"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.keys())
        {
            assert!(
                required.contains(&json!(property)),
                "{name}.{property} is not required"
            );
        }
    }

    let mut operation_ids = BTreeSet::new();
    for (method, path) in documented(&doc) {
        let operation = &doc["paths"][&path][&method];
        let here = format!("{method} {path}");
        assert!(
            operation_ids.insert(operation["operationId"].as_str().unwrap().to_owned()),
            "{here}: duplicate operationId"
        );
        assert!(
            !operation["summary"].as_str().unwrap_or("").is_empty(),
            "{here}: no summary"
        );
        assert!(
            operation["tags"]
                .as_array()
                .is_some_and(|tags| !tags.is_empty()),
            "{here}: no tag"
        );
        // Each `{parameter}` of the path is a documented, required path parameter.
        let parameters = operation["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for name in path
            .split('{')
            .skip(1)
            .map(|rest| rest.split('}').next().unwrap())
        {
            assert!(
                parameters
                    .iter()
                    .any(|p| p["name"] == name && p["in"] == "path" && p["required"] == true),
                "{here}: path parameter {name} undocumented"
            );
        }
        // Authentication is optional everywhere, and the schemes exist.
        let security = operation["security"].as_array().unwrap();
        assert!(
            security.contains(&json!({})),
            "{here}: anonymous access not said"
        );
        for requirement in security {
            for scheme in requirement.as_object().unwrap().keys() {
                assert!(
                    doc["components"]["securitySchemes"][scheme].is_object(),
                    "{here}: {scheme}"
                );
            }
        }
        // Every refusal has the error body (or, for 409, the conflict), and every route
        // says what a bad token gets.
        let responses = operation["responses"].as_object().unwrap();
        assert!(responses.contains_key("401"), "{here}: no 401");
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                let expected = if status == "409" {
                    "Conflict"
                } else {
                    "ErrorBody"
                };
                assert_eq!(
                    schema,
                    &json!(format!("#/components/schemas/{expected}")),
                    "{here} {status}"
                );
            }
        }
    }
    // The two ways to authenticate.
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["session"]["in"],
        "cookie"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["session"]["name"],
        "carnet_session"
    );
}

/// What the test wiki holds: ids to put in the routes' paths.
struct Samples {
    revision: i64,
    parent: i64,
    event: i64,
    /// The first revision of `Conflit`, whose only line was changed since.
    conflict_base: i64,
}

fn prepare(server: &TestServer) -> Samples {
    // Two revisions of a page.
    let created = server.put_json("/api/v1/pages/Essai", &json!({"text": "un\ndeux\n"}));
    created.assert_status(201);
    let parent = created.json()["revision"]["id"].as_i64().unwrap();
    let saved = server.put_json(
        "/api/v1/pages/Essai",
        &json!({"text": "un\ndeux\ntrois [[Accueil]]\n", "base_revision": parent, "comment": "plus"}),
    );
    saved.assert_status(200);
    let revision = saved.json()["revision"]["id"].as_i64().unwrap();
    let first = server.put_json("/api/v1/pages/Conflit", &json!({"text": "a\n"}));
    let conflict_base = first.json()["revision"]["id"].as_i64().unwrap();
    server
        .put_json(
            "/api/v1/pages/Conflit",
            &json!({"text": "b\n", "base_revision": conflict_base}),
        )
        .assert_status(200);
    // A file, used by a page.
    server
        .send_bytes(
            "POST",
            "/api/v1/files/Notes.pdf?licence=cc0-1.0",
            &[("Content-Type", "application/octet-stream")],
            PDF,
        )
        .assert_status(201);
    server.put_page("Lectures", "[[Fichier:Notes.pdf]]");
    // An event.
    let mut animateur = server.account("Anim", Role::Animateur);
    let form = animateur.get("/wiki/Sp%C3%A9cial:%C3%89v%C3%A9nements");
    let now = chrono::Utc::now();
    animateur
        .post_form(
            "/events",
            &[
                ("csrf_token", &form.field("csrf_token").unwrap()),
                ("name", "Journée test"),
                ("starts_at", &now.format("%Y-%m-%dT%H:%M").to_string()),
                (
                    "ends_at",
                    &(now + chrono::Duration::hours(2))
                        .format("%Y-%m-%dT%H:%M")
                        .to_string(),
                ),
                ("ip_range", ""),
                ("target", ""),
            ],
        )
        .assert_status(303);
    let event = server.store().events(10).unwrap().first().unwrap().id;
    Samples {
        revision,
        parent,
        event,
        conflict_base,
    }
}

/// A request exercising one documented route on the sample wiki.
fn exercise(server: &TestServer, samples: &Samples, method: &str, path: &str) -> Reply {
    let json_body = [("Content-Type", "application/json")];
    match (method, path) {
        ("get", "/api/v1/pages/{title}") => server.get("/api/v1/pages/Essai"),
        ("put", "/api/v1/pages/{title}") => server.put_json(
            "/api/v1/pages/Essai",
            &json!({"text": "un\ndeux\ntrois [[Accueil]]\nquatre\n", "base_revision": samples.revision, "minor": true}),
        ),
        ("get", "/api/v1/pages/{title}/history") => server.get("/api/v1/pages/Essai/history?limit=1"),
        // Not an upgrade: refused, but by the route.
        ("get", "/api/v1/pages/{title}/live") => server.get("/api/v1/pages/Essai/live"),
        // A malformed `since`: refused at once rather than streaming forever.
        ("get", "/api/v1/pages/{title}/changes") => server.get("/api/v1/pages/Essai/changes?since=x"),
        ("get", "/api/v1/files/{title}") => server.get("/api/v1/files/Notes.pdf"),
        ("post", "/api/v1/files/{title}") => server.send_bytes(
            "POST",
            "/api/v1/files/Fichier:Notes.pdf?comment=encore",
            &[("Content-Type", "application/octet-stream")],
            &[PDF, b"%comment\n%%EOF\n"].concat(),
        ),
        ("get", "/api/v1/revisions/{id}") => server.get(&format!("/api/v1/revisions/{}", samples.revision)),
        ("get", "/api/v1/diff") => server.get(&format!("/api/v1/diff?from={}&to={}", samples.parent, samples.revision)),
        ("post", "/api/v1/render") => server.send(
            "POST",
            "/api/v1/render",
            &json_body,
            &json!({"text": "== Un ==\n[[Accueil]] [[Catégorie:Essais]]", "title": "Brouillon"}).to_string(),
        ),
        ("get", "/api/v1/recent-changes") => server.get("/api/v1/recent-changes?limit=5"),
        ("get", "/api/v1/search") => server.get("/api/v1/search?q=deux"),
        ("get", "/api/v1/suggest") => server.get("/api/v1/suggest?q=es"),
        ("get", "/api/v1/events/{id}") => server.get(&format!("/api/v1/events/{}", samples.event)),
        ("get", "/api/v1/openapi.json") => server.get("/api/v1/openapi.json"),
        _ => panic!("{method} {path}: documented but not exercised by this test; add it here"),
    }
}

/// `path` with its parameters filled, to try other methods on it.
fn concrete(path: &str, samples: &Samples) -> String {
    path.replace("/files/{title}", "/files/Notes.pdf")
        .replace("{title}", "Essai")
        .replace(
            "/revisions/{id}",
            &format!("/revisions/{}", samples.revision),
        )
        .replace("{id}", &samples.event.to_string())
}

#[test]
fn registered_and_documented_routes_are_the_same() {
    let server = TestServer::start();
    let doc = document(&server);
    let documented = documented(&doc);
    let registered = registered();
    let undocumented: Vec<_> = registered.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "registered but not documented: {undocumented:?}"
    );
    let unregistered: Vec<_> = documented.difference(&registered).collect();
    assert!(
        unregistered.is_empty(),
        "documented but not registered: {unregistered:?}"
    );

    // On the running server: each documented route answers with one of its documented
    // statuses (never the router's 404 or 405)…
    let samples = prepare(&server);
    for (method, path) in &documented {
        let reply = exercise(&server, &samples, method, path);
        let statuses = doc["paths"][path][method]["responses"].as_object().unwrap();
        assert!(
            statuses.contains_key(&reply.status.to_string()),
            "{method} {path}: {} is not documented: {}",
            reply.status,
            reply.body
        );
        assert!(
            !matches!(reply.status, 404 | 405),
            "{method} {path}: {}",
            reply.status
        );
    }
    // …and each documented path refuses exactly the methods it does not document, with
    // a JSON 405 naming those it does.
    let mut paths: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (method, path) in &documented {
        paths.entry(path).or_default().insert(method.to_uppercase());
    }
    for (path, methods) in &paths {
        let url = concrete(path, &samples);
        for other in ["GET", "PUT", "POST", "DELETE", "PATCH"] {
            if methods.contains(other) {
                continue;
            }
            let reply = server.send(other, &url, &[("Content-Type", "application/json")], "{}");
            assert_eq!(reply.status, 405, "{other} {url}: {}", reply.body);
            assert_eq!(reply.json()["error"]["code"], "method_not_allowed");
            let allow: BTreeSet<String> = reply
                .header("allow")
                .unwrap()
                .split(',')
                .map(|m| m.trim().to_owned())
                .collect();
            assert_eq!(&allow, methods, "{other} {url}");
        }
    }
    // Anything else under /api/v1 is a JSON 404.
    let reply = server.get("/api/v1/nothing-here");
    reply.assert_status(404);
    assert_eq!(reply.json()["error"]["code"], "page_not_found");
}

/// A JSON Schema (2020-12, which OpenAPI 3.1 uses) for `schema` in the document: its
/// references resolve in the copied components. Every object is closed
/// (`unevaluatedProperties: false`), so a field the document does not describe fails.
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let originals = doc["components"]["schemas"].clone();
    let mut components = doc["components"].clone();
    for named in components["schemas"].as_object_mut().unwrap().values_mut() {
        inline_all_of_parts(named, &originals);
        close_objects(named);
    }
    let mut root = schema.clone();
    inline_all_of_parts(&mut root, &originals);
    close_objects(&mut root);
    if let Value::Object(map) = &mut root {
        map.insert("components".to_owned(), components);
    }
    jsonschema::draft202012::new(&root).unwrap_or_else(|error| panic!("{error}: {root}"))
}

/// Replaces the named schemas an `allOf` is made of by copies, which stay open: the
/// named schema itself is closed, and would refuse the other parts' properties.
fn inline_all_of_parts(value: &mut Value, originals: &Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(parts)) = map.get_mut("allOf") {
                for part in parts.iter_mut() {
                    let name = part["$ref"]
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        .map(str::to_owned);
                    if let Some(name) = name {
                        *part = originals[&name].clone();
                    }
                }
            }
            map.values_mut()
                .for_each(|inner| inline_all_of_parts(inner, originals));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| inline_all_of_parts(item, originals)),
        _ => {}
    }
}

/// Adds `unevaluatedProperties: false` to every schema with properties or parts, but
/// not to the parts of an `allOf` (the whole is closed, not each part).
fn close_objects(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    let is_object = map.contains_key("properties") || map.contains_key("allOf");
    for (key, inner) in map.iter_mut() {
        match key.as_str() {
            "allOf" => {
                for part in inner.as_array_mut().into_iter().flatten() {
                    if let Value::Object(part) = part {
                        for value in part.values_mut() {
                            close_within(value);
                        }
                    }
                }
            }
            _ => close_within(inner),
        }
    }
    if is_object && !map.contains_key("additionalProperties") {
        map.insert("unevaluatedProperties".to_owned(), Value::Bool(false));
    }
}

fn close_within(value: &mut Value) {
    match value {
        Value::Object(map)
            if map.contains_key("properties")
                || map.contains_key("type")
                || map.contains_key("allOf")
                || map.contains_key("items")
                || map.contains_key("oneOf") =>
        {
            close_objects(value)
        }
        Value::Object(map) => map.values_mut().for_each(close_within),
        Value::Array(items) => items.iter_mut().for_each(close_within),
        _ => {}
    }
}

fn check_against_document(doc: &Value, method: &str, path: &str, reply: &Reply) -> bool {
    let here = format!("{method} {path} {}", reply.status);
    let response = &doc["paths"][path][method]["responses"][reply.status.to_string()];
    assert!(response.is_object(), "{here}: status not documented");
    let Some(content) = response["content"].as_object() else {
        assert!(
            reply.body.is_empty(),
            "{here}: a body the document does not describe"
        );
        return false;
    };
    let served = reply.header("content-type").unwrap_or_default().to_owned();
    let (content_type, media) = content.iter().next().unwrap();
    assert!(
        served.starts_with(content_type.as_str()),
        "{here}: served {served}, documented {content_type}"
    );
    if content_type != "application/json" {
        return false;
    }
    let instance: Value = serde_json::from_str(&reply.body).unwrap();
    let validator = validator(doc, &media["schema"]);
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{here}: {errors:#?}\n{}", reply.body);
    true
}

#[test]
fn real_answers_match_their_documented_schemas() {
    let server = TestServer::start();
    let doc = document(&server);
    let samples = prepare(&server);
    let mut checked = 0;
    for (method, path) in documented(&doc) {
        let reply = exercise(&server, &samples, &method, &path);
        if check_against_document(&doc, &method, &path, &reply) {
            checked += 1;
        }
    }
    assert!(checked >= 14, "{checked} answers checked");

    // The check can fail: a field the document does not describe, a missing required
    // field, a wrong type or an unknown enumeration value are caught.
    let page_schema = &doc["paths"]["/api/v1/pages/{title}"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"];
    let page = server.get("/api/v1/pages/Essai").json();
    let strict = validator(&doc, page_schema);
    assert!(strict.is_valid(&page));
    let mut extra = page.clone();
    extra["revision"]["colour"] = json!("bleu");
    assert!(!strict.is_valid(&extra), "an undocumented field passed");
    let mut missing = page.clone();
    missing.as_object_mut().unwrap().remove("text");
    assert!(!strict.is_valid(&missing), "a missing field passed");
    let mut wrong = page.clone();
    wrong["revision"]["id"] = json!("12");
    assert!(!strict.is_valid(&wrong), "a string id passed");
    let history_schema = &doc["paths"]["/api/v1/pages/{title}/history"]["get"]["responses"]["200"]
        ["content"]["application/json"]["schema"];
    let mut history = server.get("/api/v1/pages/Essai/history").json();
    assert!(validator(&doc, history_schema).is_valid(&history));
    history["revisions"][0]["colour"] = json!(1);
    assert!(
        !validator(&doc, history_schema).is_valid(&history),
        "allOf left open"
    );
    let diff_schema = &doc["paths"]["/api/v1/diff"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    let mut diff = server
        .get(&format!("/api/v1/diff?to={}", samples.revision))
        .json();
    assert!(validator(&doc, diff_schema).is_valid(&diff));
    diff["hunks"][0]["lines"][0]["kind"] = json!("moved");
    assert!(
        !validator(&doc, diff_schema).is_valid(&diff),
        "an unknown line kind passed"
    );

    // Refusals and the other successes, each against its status's schema.
    let cases: Vec<(&str, &str, Reply)> = vec![
        (
            "get",
            "/api/v1/pages/{title}",
            server.get("/api/v1/pages/Nulle_part"),
        ),
        (
            "get",
            "/api/v1/pages/{title}",
            server.get_with(
                "/api/v1/pages/Essai",
                &[("Authorization", "Bearer carnet_0")],
            ),
        ),
        (
            "get",
            "/api/v1/revisions/{id}",
            server.get("/api/v1/revisions/x"),
        ),
        ("get", "/api/v1/search", server.get("/api/v1/search?q=")),
        (
            "get",
            "/api/v1/files/{title}",
            server.get("/api/v1/files/Absent.pdf"),
        ),
        (
            "get",
            "/api/v1/events/{id}",
            server.get("/api/v1/events/999"),
        ),
        ("get", "/api/v1/diff", server.get("/api/v1/diff")),
        (
            "put",
            "/api/v1/pages/{title}",
            server.put_json("/api/v1/pages/Neuve", &json!({"text": "neuf"})),
        ),
        (
            "put",
            "/api/v1/pages/{title}",
            server.put_json(
                "/api/v1/pages/Neuve",
                &json!({"text": "neuf", "base_revision": samples.revision, "colour": 1}),
            ),
        ),
        (
            "put",
            "/api/v1/pages/{title}",
            server.send(
                "PUT",
                "/api/v1/pages/Neuve",
                &[("Content-Type", "text/plain")],
                "neuf",
            ),
        ),
        (
            "put",
            "/api/v1/pages/{title}",
            server.put_json("/api/v1/pages/Sp%C3%A9cial:Journal", &json!({"text": "x"})),
        ),
        // Both sides changed the same line since `conflict_base`: a conflict.
        (
            "put",
            "/api/v1/pages/{title}",
            server.put_json(
                "/api/v1/pages/Conflit",
                &json!({"text": "c\n", "base_revision": samples.conflict_base}),
            ),
        ),
        (
            "post",
            "/api/v1/files/{title}",
            server.send_bytes(
                "POST",
                "/api/v1/files/Image.png",
                &[("Content-Type", "application/octet-stream")],
                b"<svg></svg>",
            ),
        ),
    ];
    let statuses: BTreeSet<u16> = cases.iter().map(|(_, _, reply)| reply.status).collect();
    assert_eq!(
        statuses,
        BTreeSet::from([201, 400, 401, 403, 404, 409, 415]),
        "{cases:#?}"
    );
    for (method, path, reply) in &cases {
        assert!(check_against_document(&doc, method, path, reply));
    }
}

#[test]
fn the_api_page_shows_every_route_in_french_and_english_without_script() {
    let server = TestServer::start();
    let doc = document(&server);
    let home = server.get("/wiki/Accueil");
    assert!(
        home.body.contains("href=\"/wiki/Sp%C3%A9cial:API\""),
        "no link to the API page"
    );

    let french = server.get("/wiki/Sp%C3%A9cial:API");
    french.assert_status(200);
    assert!(
        french
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(french.body.contains("<html lang=\"fr\">"));
    assert!(french.body.contains("<h1>API JSON</h1>"), "{}", french.body);
    assert!(french.body.contains("Paramètres") && french.body.contains("Réponses"));
    assert!(french.body.contains("href=\"/api/v1/openapi.json\""));
    assert!(french.body.contains("href=\"/account/tokens\""));

    let english = server.get_with("/wiki/Sp%C3%A9cial:API", &[("Accept-Language", "en")]);
    english.assert_status(200);
    assert!(english.body.contains("<html lang=\"en\">"));
    assert!(english.body.contains("<h1>JSON API</h1>"));
    assert!(english.body.contains("Parameters") && english.body.contains("Responses"));
    assert!(!english.body.contains("Paramètres"));

    for page in [&french, &english] {
        // Everything is in the HTML: the only script is the search box's enhancement.
        assert_eq!(page.body.matches("<script").count(), 1);
        assert!(page.body.contains("/static/search.js"));
        for (method, path) in documented(&doc) {
            let operation = &doc["paths"][&path][&method];
            let id = operation["operationId"].as_str().unwrap();
            let shown = format!(
                "<code class=\"api-method\">{}</code> <code>{path}</code>",
                method.to_uppercase()
            );
            assert!(page.body.contains(&shown), "{shown} missing");
            assert!(
                page.body.contains(&format!("id=\"op-{id}\"")),
                "{id} missing"
            );
            // Each response status of the operation is listed.
            let article = page.body.split(&format!("id=\"op-{id}\"")).nth(1).unwrap();
            let article = article.split("</article>").next().unwrap();
            for status in operation["responses"].as_object().unwrap().keys() {
                assert!(
                    article.contains(&format!("<td><code>{status}</code></td>")),
                    "{id}: {status}"
                );
            }
            assert!(
                article.contains("<pre class=\"api-curl\"><code>curl "),
                "{id}: no example"
            );
        }
        for name in doc["components"]["schemas"].as_object().unwrap().keys() {
            assert!(
                page.body.contains(&format!("id=\"schema-{name}\"")),
                "schema {name}"
            );
        }
    }
    // The example of a write is a command that works: method, JSON body, real origin.
    let put = french.body.split("id=\"op-putPage\"").nth(1).unwrap();
    let curl = carnet_tests::html_unescape(
        put.split("<pre class=\"api-curl\"><code>")
            .nth(1)
            .unwrap()
            .split("</code>")
            .next()
            .unwrap(),
    );
    assert!(curl.starts_with("curl -X PUT -H 'Authorization: Bearer carnet_…' -H 'Content-Type: application/json' --data '{"), "{curl}");
    assert!(
        curl.ends_with(&format!("'{}/api/v1/pages/Accueil'", server.base)),
        "{curl}"
    );
}
