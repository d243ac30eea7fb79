//! The security envelope through the real server: headers on every kind of response,
//! static files, CSRF on every state-changing route, and bad input everywhere — each
//! refusal clear, translated, and leaving the database as it was.

use std::collections::BTreeMap;

use carnet_tests::{Browser, Reply, TestServer};
use serde_json::json;

const SANDBOX: &str = "/wiki/Bac_%C3%A0_sable";
const SANDBOX_API: &str = "/api/v1/pages/Bac_%C3%A0_sable";
const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// A logged-in writer with a page of two revisions and an API token: what a forged
/// request would try to damage.
struct Fixture {
    server: TestServer,
    session: String,
    csrf: String,
    first_revision: i64,
    revision: i64,
    token_id: String,
}

impl Fixture {
    fn new() -> Fixture {
        let server = TestServer::start();
        let mut browser = server.browser();
        let form = browser.get("/account/signup");
        browser
            .post_form(
                "/account/signup",
                &[
                    ("csrf_token", &form.field("csrf_token").unwrap()),
                    ("name", "Victime"),
                    ("password", "une phrase de passe"),
                ],
            )
            .assert_status(303);
        // An administrator: a forged moderation request would otherwise be refused for
        // want of rights, not for being forged.
        server
            .store()
            .set_role(
                &carnet_core::UserName::parse("Victime").unwrap(),
                carnet_core::Role::Administrator,
                None,
                "",
            )
            .unwrap();
        browser
            .edit("Bac_%C3%A0_sable", "première version", "début")
            .assert_status(303);
        browser
            .edit("Bac_%C3%A0_sable", "deuxième version", "suite")
            .assert_status(303);
        let history = server.get(&format!("{SANDBOX_API}/history")).json();
        let revision = history["revisions"][0]["id"].as_i64().unwrap();
        let first_revision = history["revisions"][1]["id"].as_i64().unwrap();
        let token_id = create_token(&mut browser);
        // Readers' visits fill the render cache; do it now, not during the checks.
        browser.get(SANDBOX).assert_status(200);
        let session = browser.cookie("carnet_session").unwrap().to_owned();
        let csrf = browser.cookie("carnet_csrf").unwrap().to_owned();
        Fixture {
            server,
            session,
            csrf,
            first_revision,
            revision,
            token_id,
        }
    }

    fn cookies(&self) -> String {
        format!("carnet_session={}; carnet_csrf={}", self.session, self.csrf)
    }

    fn fill(&self, template: &str) -> String {
        template
            .replace("{revision}", &self.revision.to_string())
            .replace("{first_revision}", &self.first_revision.to_string())
            .replace("{token_id}", &self.token_id)
            .replace("{csrf}", &self.csrf)
    }

    #[track_caller]
    fn assert_unchanged(&self, before: &BTreeMap<String, String>, what: &str) {
        let after = self.server.fingerprint();
        // Rate limit counters count attempts, refused ones included: bookkeeping, not data.
        let changed: Vec<_> = after
            .iter()
            .filter(|(table, _)| table.as_str() != "rate_limit_hits")
            .filter(|(table, digest)| before.get(*table) != Some(*digest))
            .map(|(table, _)| table)
            .collect();
        assert!(changed.is_empty(), "{what} changed tables {changed:?}");
    }
}

fn create_token(browser: &mut Browser<'_>) -> String {
    let page = browser.get("/account/tokens");
    browser
        .post_form(
            "/account/tokens",
            &[
                ("csrf_token", &page.field("csrf_token").unwrap()),
                ("name", "robot"),
            ],
        )
        .assert_status(201);
    let page = browser.get("/account/tokens");
    let marker = "name=\"token_id\" value=\"";
    let at = page.body.find(marker).unwrap() + marker.len();
    let rest = page.body.get(at..).unwrap();
    rest.get(..rest.find('"').unwrap()).unwrap().to_owned()
}

// ---------------------------------------------------------------------------------
// Headers and static files

#[track_caller]
fn assert_security_headers(reply: &Reply, what: &str) {
    let csp = reply
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP in {:?}", reply.headers));
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.split_whitespace().next() == Some(name))
            .map(str::to_owned)
    };
    let scripts = directive("script-src")
        .or_else(|| directive("default-src"))
        .unwrap_or_else(|| panic!("{what}: no script policy in {csp}"));
    assert!(
        !scripts.contains("'unsafe-inline'") && !scripts.contains("'unsafe-eval'"),
        "{what}: {scripts}"
    );
    assert!(!scripts.contains('*'), "{what}: {scripts}");
    assert_eq!(
        directive("frame-ancestors").as_deref(),
        Some("frame-ancestors 'none'"),
        "{what}: {csp}"
    );
    assert_eq!(
        directive("object-src").as_deref(),
        Some("object-src 'none'")
    );
    assert_eq!(
        reply.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    let referrer = reply.header("referrer-policy").unwrap_or_default();
    assert!(
        [
            "same-origin",
            "no-referrer",
            "strict-origin",
            "strict-origin-when-cross-origin"
        ]
        .contains(&referrer),
        "{what}: Referrer-Policy {referrer:?}"
    );
    if reply
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html"))
    {
        // No inline script: only Carnet's own external same-origin files — the live
        // editor's loader, the event dashboard's and the search box's modules, and the
        // stale-form notice's script.
        let body = reply.body.to_lowercase();
        for (at, _) in body.match_indices("<script") {
            let tag = body.get(at..).unwrap_or_default();
            let own = [
                "<script type=\"module\" src=\"/static/editor-loader.js?v=",
                "<script type=\"module\" src=\"/static/dashboard.js?v=",
                "<script type=\"module\" src=\"/static/search.js?v=",
                "<script src=\"/static/stale.js?v=",
            ]
            .iter()
            .find_map(|prefix| tag.strip_prefix(prefix))
            .map(|rest| rest.trim_start_matches(|c: char| c.is_ascii_hexdigit()))
            .is_some_and(|rest| rest.starts_with("\" defer></script>"));
            assert!(own, "{what}: inline script: {:.120}", tag);
        }
    }
}

/// An event open for an hour, by the fixture's administrator; its id.
fn open_event(server: &TestServer) -> i64 {
    let now = chrono::Utc::now();
    let format = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%dT%H:%M").to_string();
    let draft = carnet_core::EventDraft::parse(
        "Atelier",
        &format(now),
        &format(now + chrono::Duration::hours(1)),
        "",
        now,
    )
    .unwrap();
    let admin = server.store().users().unwrap()[0].id;
    server.store().create_event(&draft, admin, now).unwrap()
}

#[test]
fn every_kind_of_response_carries_the_security_headers() {
    let fixture = Fixture::new();
    let server = &fixture.server;
    let cookie = fixture.cookies();
    let logged_in = [("Cookie", cookie.as_str())];
    let stylesheet = server.get("/static/carnet.css");
    let event = open_event(server);
    let cases: Vec<(&str, Reply, u16)> = vec![
        (
            "event dashboard",
            server.get(&format!("/wiki/Sp%C3%A9cial:%C3%89v%C3%A9nements/{event}")),
            200,
        ),
        (
            "event report (CSV)",
            server.get(&format!("/events/{event}/report.csv")),
            200,
        ),
        (
            "event dashboard script",
            server.get("/static/dashboard.js"),
            200,
        ),
        ("HTML page", server.get(SANDBOX), 200),
        (
            "edit form",
            server.get(&format!("{SANDBOX}?action=edit")),
            200,
        ),
        (
            "history",
            server.get(&format!("{SANDBOX}?action=history")),
            200,
        ),
        (
            "diff",
            server.get(&format!("{SANDBOX}?action=diff&to={}", fixture.revision)),
            200,
        ),
        (
            "account page",
            server.get_with("/account/tokens", &logged_in),
            200,
        ),
        ("login form", server.get("/account/login"), 200),
        ("API JSON", server.get(SANDBOX_API), 200),
        ("API error", server.get("/api/v1/pages/Nulle_part"), 404),
        ("API unknown route", server.get("/api/v1/nothing"), 404),
        (
            "API bad token",
            server.get_with(SANDBOX_API, &[("Authorization", "Bearer carnet_0000")]),
            401,
        ),
        ("missing page", server.get("/wiki/Nulle_part"), 404),
        ("unknown URL", server.get("/nowhere"), 404),
        (
            "CSRF refusal",
            server.send("POST", "/account/logout", &[("Content-Type", FORM)], ""),
            403,
        ),
        ("redirect", server.get("/"), 302),
        ("static CSS", stylesheet, 200),
    ];
    for (what, reply, status) in &cases {
        assert_eq!(reply.status, *status, "{what}: {}", reply.body);
        assert_security_headers(reply, what);
    }
    let stylesheet = &cases.last().unwrap().1;
    assert!(
        stylesheet
            .header("content-type")
            .unwrap()
            .starts_with("text/css"),
        "{:?}",
        stylesheet.headers
    );
    for (what, reply, _) in &cases {
        let content_type = reply.header("content-type").unwrap_or_default();
        if what.starts_with("API") {
            assert_eq!(content_type, "application/json", "{what}");
        }
    }
}

#[test]
fn static_paths_neither_list_nor_leak_files() {
    let server = TestServer::start();
    for path in [
        "/static",
        "/static/",
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/..%2fCargo.toml",
        "/static/carnet.css/../../Cargo.toml",
        "/static/carnet.css/",
        "/static/../../web/static/carnet.css",
        "/static/nothing.css",
        "/Cargo.toml",
        "/web/static/carnet.css",
        "/.git/config",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}: {}", reply.body);
        assert_security_headers(&reply, path);
        for leak in [
            "[workspace]",
            "[package]",
            "carnet-core",
            "Index of",
            "[core]",
            "--ink",
        ] {
            assert!(!reply.body.contains(leak), "{path} leaks {leak}");
        }
    }
    let stylesheet = server.get("/static/carnet.css");
    stylesheet.assert_status(200);
    assert!(stylesheet.body.contains("--ink"));
}

// ---------------------------------------------------------------------------------
// CSRF

/// How a route takes its input.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// An HTML form: needs the double-submit token (`csrf_token` field = cookie).
    Form,
    /// A JSON API call: a cookie-carrying request must come from this site.
    Api,
    /// A multipart form (file uploads): the same token, as a part of the body.
    Multipart,
}

struct Route {
    name: &'static str,
    kind: Kind,
    method: &'static str,
    path: &'static str,
    /// Form fields (urlencoded, without `csrf_token`) or JSON; `{revision}`,
    /// `{first_revision}` and `{token_id}` are replaced by the fixture's.
    body: &'static str,
}

const fn form(name: &'static str, path: &'static str, body: &'static str) -> Route {
    Route {
        name,
        kind: Kind::Form,
        method: "POST",
        path,
        body,
    }
}

const fn multipart(name: &'static str, path: &'static str, body: &'static str) -> Route {
    Route {
        name,
        kind: Kind::Multipart,
        method: "POST",
        path,
        body,
    }
}

const fn api(
    name: &'static str,
    method: &'static str,
    path: &'static str,
    body: &'static str,
) -> Route {
    Route {
        name,
        kind: Kind::Api,
        method,
        path,
        body,
    }
}

/// Every state-changing route of Carnet (see `configure` in `crates/web/src/lib.rs`).
///
/// **Adding a route that changes something? Add its row here** (protect, delete, block,
/// move, workshop events…): the test below sends it as a forged request — without the
/// CSRF token, with a wrong one and from another site for forms; from another site,
/// from an opaque (`null`) origin and without cookies from another site for the API —
/// and checks that each try gets 403 with a translated message (French, then English)
/// and that no table of the database changed.
const ROUTES: &[Route] = &[
    form(
        "save a page",
        "/wiki/Bac_%C3%A0_sable?action=edit",
        "text=vandalis%C3%A9&summary=x&base_revision={revision}&do=save",
    ),
    form(
        "add a section",
        "/wiki/Discussion:Bac_%C3%A0_sable?action=newsection",
        "subject=forg%C3%A9&text=vandalis%C3%A9",
    ),
    form(
        "restore a revision",
        "/wiki/Bac_%C3%A0_sable?action=restore",
        "oldid={first_revision}",
    ),
    form(
        "sign up",
        "/account/signup",
        "name=Intrus&password=une+phrase+de+passe",
    ),
    form(
        "log in",
        "/account/login",
        "name=Victime&password=une+phrase+de+passe",
    ),
    form("log out", "/account/logout", ""),
    form(
        "change password",
        "/account/password",
        "current_password=une+phrase+de+passe&password=un+mot+de+passe+vol%C3%A9",
    ),
    form(
        "create an API token",
        "/account/tokens",
        "name=vol%C3%A9&write=1",
    ),
    form(
        "revoke an API token",
        "/account/tokens/revoke",
        "token_id={token_id}",
    ),
    form(
        "protect a page",
        "/wiki/Bac_%C3%A0_sable?action=protect",
        "level=admin&expiry=infini&reason=forg%C3%A9",
    ),
    form(
        "end a live session and lock the notes",
        "/wiki/Bac_%C3%A0_sable?action=lock",
        "reason=forg%C3%A9",
    ),
    form(
        "delete a page",
        "/wiki/Bac_%C3%A0_sable?action=delete",
        "reason=forg%C3%A9",
    ),
    form(
        "undelete a page",
        "/wiki/Bac_%C3%A0_sable?action=undelete",
        "reason=forg%C3%A9",
    ),
    form(
        "move a page",
        "/wiki/Bac_%C3%A0_sable?action=move",
        "new_title=Vol%C3%A9e&reason=forg%C3%A9",
    ),
    form(
        "hide a revision's text",
        "/wiki/Bac_%C3%A0_sable?action=hide",
        "oldid={first_revision}&hidden=hide&reason=forg%C3%A9",
    ),
    form(
        "roll back",
        "/wiki/Bac_%C3%A0_sable?action=rollback",
        "author=Victime",
    ),
    form(
        "block someone",
        "/wiki/Sp%C3%A9cial:Bloquer",
        "do=block&target=Victime&expiry=1j&reason=forg%C3%A9",
    ),
    form(
        "open an event window",
        "/events",
        "name=Atelier+forg%C3%A9&starts_at=2026-01-01T10%3A00&ends_at=2099-01-01T10%3A00&ip_range=",
    ),
    form("end an event window", "/events/end", "id=1"),
    form(
        "join an event through its sign-up link",
        "/events/1/join/00000000000000000000000000000000",
        "name=Intrus&password=une+phrase+de+passe",
    ),
    form("watch a page", "/wiki/Accueil?action=watch", ""),
    form(
        "unwatch a page",
        "/wiki/Bac_%C3%A0_sable?action=unwatch",
        "",
    ),
    form(
        "change the watchlist setting",
        "/wiki/Sp%C3%A9cial:Liste_de_suivi",
        "do=settings",
    ),
    form(
        "curate a portal",
        "/wiki/Portail:Forg%C3%A9?action=curate",
        "do=feature&target=Vol%C3%A9e&reason=forg%C3%A9",
    ),
    form(
        "appoint a portal animateur",
        "/wiki/Portail:Forg%C3%A9?action=curate",
        "do=appoint&target=Victime&reason=forg%C3%A9",
    ),
    multipart(
        "upload a file",
        "/wiki/Sp%C3%A9cial:T%C3%A9l%C3%A9verser",
        "target=Vol%C3%A9.gif&licence=cc0-1.0&comment=forg%C3%A9",
    ),
    form(
        "restore an old version of a file",
        "/wiki/Fichier:Vol%C3%A9.gif?action=restorefile",
        "oldid=1",
    ),
    api(
        "save a page (API)",
        "PUT",
        "/api/v1/pages/Bac_%C3%A0_sable",
        r#"{"text": "vandalisé", "base_revision": {revision}}"#,
    ),
    api(
        "create a page (API)",
        "PUT",
        "/api/v1/pages/Page_forg%C3%A9e",
        r#"{"text": "forgée"}"#,
    ),
    api("render (API)", "POST", "/api/v1/render", r#"{"text": "x"}"#),
    api(
        "upload a file (API)",
        "POST",
        "/api/v1/files/Vol%C3%A9.gif",
        "GIF89a",
    ),
];

/// One forged request: its label, extra form fields, cookies and headers.
struct Attempt {
    label: &'static str,
    token: Option<&'static str>,
    with_cookies: bool,
    origin: Option<&'static str>,
}

const WRONG_TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const GENUINE: &str = "genuine";

fn attempts(kind: Kind) -> Vec<Attempt> {
    match kind {
        Kind::Form | Kind::Multipart => vec![
            Attempt {
                label: "without a CSRF token",
                token: None,
                with_cookies: true,
                origin: None,
            },
            Attempt {
                label: "with a wrong CSRF token",
                token: Some(WRONG_TOKEN),
                with_cookies: true,
                origin: None,
            },
            Attempt {
                label: "from another site (genuine token)",
                token: Some(GENUINE),
                with_cookies: true,
                origin: Some("https://evil.example"),
            },
        ],
        Kind::Api => vec![
            Attempt {
                label: "from another site",
                token: None,
                with_cookies: true,
                origin: Some("https://evil.example"),
            },
            Attempt {
                label: "from an opaque origin",
                token: None,
                with_cookies: true,
                origin: Some("null"),
            },
            Attempt {
                label: "from another site, without cookies",
                token: None,
                with_cookies: false,
                origin: Some("http://127.0.0.1.evil.example"),
            },
        ],
    }
}

#[test]
fn every_state_changing_route_refuses_forged_requests() {
    let fixture = Fixture::new();
    let server = &fixture.server;
    let before = server.fingerprint();
    let cookies = fixture.cookies();
    let messages = [
        (
            "fr",
            [
                "Le formulaire n'a pas pu être vérifié",
                "Requête refusée : elle provient d'un autre site.",
            ],
        ),
        (
            "en",
            [
                "The form could not be verified",
                "Request refused: it comes from another site.",
            ],
        ),
    ];
    let mut tried = 0;
    for route in ROUTES {
        for attempt in attempts(route.kind) {
            for (lang, expected) in &messages {
                let what = format!("{} {} {} ({lang})", route.name, route.path, attempt.label);
                let mut headers = vec![("Accept-Language", *lang)];
                if attempt.with_cookies {
                    headers.push(("Cookie", cookies.as_str()));
                }
                if let Some(origin) = attempt.origin {
                    headers.push(("Origin", origin));
                }
                let body = match route.kind {
                    Kind::Form => {
                        headers.push(("Content-Type", FORM));
                        let mut body = fixture.fill(route.body);
                        if let Some(token) = attempt.token {
                            let token = if token == GENUINE {
                                fixture.csrf.as_str()
                            } else {
                                token
                            };
                            if !body.is_empty() {
                                body.push('&');
                            }
                            body.push_str(&format!("csrf_token={token}"));
                        }
                        body
                    }
                    Kind::Api => {
                        headers.push(("Content-Type", JSON));
                        fixture.fill(route.body)
                    }
                    Kind::Multipart => String::new(),
                };
                let reply = if matches!(route.kind, Kind::Multipart) {
                    let filled = fixture.fill(route.body);
                    let decoded: Vec<(String, String)> = filled
                        .split('&')
                        .filter_map(|pair| pair.split_once('='))
                        .map(|(n, v)| (n.to_owned(), percent_decode(v)))
                        .collect();
                    let mut fields: Vec<(&str, &str)> = decoded
                        .iter()
                        .map(|(n, v)| (n.as_str(), v.as_str()))
                        .collect();
                    let token = attempt.token.map(|token| {
                        if token == GENUINE {
                            fixture.csrf.as_str()
                        } else {
                            token
                        }
                    });
                    if let Some(token) = token {
                        fields.insert(0, ("csrf_token", token));
                    }
                    // A real (tiny) GIF: only the forgery stands in the way.
                    let gif: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff\x21\xf9\x04\x01\x00\x00\x00\x00\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b";
                    let (content_type, body) = carnet_tests::multipart_body(
                        &fields,
                        &[("file", "vol.gif", "image/gif", gif)],
                    );
                    let mut headers = headers.clone();
                    headers.push(("Content-Type", content_type.as_str()));
                    server.send_bytes(route.method, route.path, &headers, &body)
                } else {
                    server.send(route.method, route.path, &headers, &body)
                };
                assert_eq!(reply.status, 403, "{what}: {}", reply.body);
                let text = reply.text();
                assert!(
                    expected.iter().any(|message| text.contains(message)),
                    "{what}: no translated refusal in {text}"
                );
                if matches!(route.kind, Kind::Api) {
                    assert_eq!(reply.json()["error"]["code"], "cross_origin", "{what}");
                }
                fixture.assert_unchanged(&before, &what);
                tried += 1;
            }
        }
    }
    assert_eq!(tried, ROUTES.len() * 3 * 2);

    // The same JSON from a cross-site HTML form (whose types are form types): refused
    // for its type, unchanged too.
    for route in ROUTES.iter().filter(|r| matches!(r.kind, Kind::Api)) {
        for content_type in [FORM, "text/plain", "multipart/form-data; boundary=x"] {
            let reply = server.send(
                route.method,
                route.path,
                &[("Content-Type", content_type), ("Cookie", cookies.as_str())],
                &fixture.fill(route.body),
            );
            assert_eq!(
                reply.status, 415,
                "{} as {content_type}: {}",
                route.name, reply.body
            );
            fixture.assert_unchanged(&before, route.name);
        }
    }

    // The table is not vacuous: the same request, genuine, goes through.
    let reply = server.send(
        "POST",
        "/account/tokens",
        &[("Content-Type", FORM), ("Cookie", cookies.as_str())],
        &format!("name=robot+2&csrf_token={}", fixture.csrf),
    );
    reply.assert_status(201);
    assert_ne!(server.fingerprint(), before);
}

// ---------------------------------------------------------------------------------
// Bad input

struct Bad {
    name: &'static str,
    method: &'static str,
    path: String,
    content_type: Option<&'static str>,
    /// `{csrf}`, `{revision}`… are filled in; may hold bytes that are not UTF-8.
    body: Vec<u8>,
    status: u16,
    /// Fragments of the message, in French and in English.
    fr: &'static str,
    en: &'static str,
}

fn bad(
    name: &'static str,
    method: &'static str,
    path: impl Into<String>,
    content_type: Option<&'static str>,
    body: &[u8],
    (status, fr, en): (u16, &'static str, &'static str),
) -> Bad {
    Bad {
        name,
        method,
        path: path.into(),
        content_type,
        body: body.to_vec(),
        status,
        fr,
        en,
    }
}

fn fill_bytes(fixture: &Fixture, body: &[u8]) -> Vec<u8> {
    // Placeholders are ASCII: replace them around whatever bytes the body holds.
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.iter().position(|b| *b == b'{') {
        let (head, tail) = rest.split_at(at);
        out.extend_from_slice(head);
        let end = tail.iter().position(|b| *b == b'}').map(|end| end + 1);
        match end.and_then(|end| std::str::from_utf8(&tail[..end]).ok().map(|p| (end, p))) {
            Some((end, placeholder)) if fixture.fill(placeholder) != placeholder => {
                out.extend_from_slice(fixture.fill(placeholder).as_bytes());
                rest = &tail[end..];
            }
            _ => {
                out.push(b'{');
                rest = &tail[1..];
            }
        }
    }
    out.extend_from_slice(rest);
    out
}

#[test]
fn bad_input_is_refused_clearly_and_changes_nothing() {
    let fixture = Fixture::new();
    let server = &fixture.server;
    let long_title = "T".repeat(300);
    let long_summary = "r".repeat(600);
    let long_name = "n".repeat(100);
    let save_form = |text: &str, summary: &str| {
        format!(
            "csrf_token={{csrf}}&base_revision={{revision}}&text={text}&summary={summary}&do=save"
        )
        .into_bytes()
    };
    let cases = vec![
        // Encodings
        bad(
            "form text not UTF-8 (percent-encoded)",
            "POST",
            format!("{SANDBOX}?action=edit"),
            Some(FORM),
            &save_form("caf%E9", "x"),
            (400, "n'est pas de l'UTF-8 valide", "is not valid UTF-8"),
        ),
        bad(
            "form text not UTF-8 (raw byte)",
            "POST",
            format!("{SANDBOX}?action=edit"),
            Some(FORM),
            b"csrf_token={csrf}&base_revision={revision}&text=caf\xe9&do=save",
            (400, "n'est pas de l'UTF-8 valide", "is not valid UTF-8"),
        ),
        bad(
            "sign-up name not UTF-8",
            "POST",
            "/account/signup",
            Some(FORM),
            b"csrf_token={csrf}&name=%FF%FE&password=une+phrase+de+passe",
            (400, "n'est pas de l'UTF-8 valide", "is not valid UTF-8"),
        ),
        bad(
            "JSON text not UTF-8",
            "PUT",
            SANDBOX_API,
            Some(JSON),
            b"{\"text\": \"caf\xe9\", \"base_revision\": {revision}}",
            (400, "n'est pas de l'UTF-8 valide", "is not valid UTF-8"),
        ),
        bad(
            "JSON with a lone surrogate",
            "PUT",
            SANDBOX_API,
            Some(JSON),
            b"{\"text\": \"\\ud800\", \"base_revision\": {revision}}",
            (400, "n'est pas un JSON valide", "is not valid JSON"),
        ),
        // Malformed or misdeclared bodies
        bad(
            "truncated JSON",
            "PUT",
            SANDBOX_API,
            Some(JSON),
            b"{\"text\": ",
            (400, "n'est pas un JSON valide", "is not valid JSON"),
        ),
        bad(
            "JSON array",
            "PUT",
            SANDBOX_API,
            Some(JSON),
            b"[1, 2]",
            (400, "n'est pas un JSON valide", "is not valid JSON"),
        ),
        bad(
            "JSON with an unknown field",
            "PUT",
            SANDBOX_API,
            Some(JSON),
            b"{\"texte\": \"x\"}",
            (400, "n'est pas un JSON valide", "is not valid JSON"),
        ),
        bad(
            "JSON text of the wrong type",
            "POST",
            "/api/v1/render",
            Some(JSON),
            b"{\"text\": 5}",
            (400, "n'est pas un JSON valide", "is not valid JSON"),
        ),
        bad(
            "API body as text/plain",
            "PUT",
            SANDBOX_API,
            Some("text/plain"),
            b"{\"text\": \"x\"}",
            (415, "doit être du JSON", "must be JSON"),
        ),
        bad(
            "API body without a type",
            "PUT",
            SANDBOX_API,
            None,
            b"{\"text\": \"x\"}",
            (415, "doit être du JSON", "must be JSON"),
        ),
        bad(
            "form as text/plain",
            "POST",
            format!("{SANDBOX}?action=edit"),
            Some("text/plain"),
            &save_form("x", "x"),
            (
                415,
                "Le formulaire doit être envoyé en application/x-www-form-urlencoded",
                "The form must be sent as application/x-www-form-urlencoded",
            ),
        ),
        bad(
            "form as JSON",
            "POST",
            "/account/login",
            Some(JSON),
            b"{\"name\": \"Victime\"}",
            (
                415,
                "Le formulaire doit être envoyé",
                "The form must be sent",
            ),
        ),
        // Overlong fields
        bad(
            "overlong title (read)",
            "GET",
            format!("/wiki/{long_title}"),
            None,
            b"",
            (
                400,
                "le titre dépasse 255 octets",
                "the title is longer than 255 bytes",
            ),
        ),
        bad(
            "overlong title (form save)",
            "POST",
            format!("/wiki/{long_title}?action=edit"),
            Some(FORM),
            &save_form("x", "x"),
            (
                400,
                "le titre dépasse 255 octets",
                "the title is longer than 255 bytes",
            ),
        ),
        bad(
            "overlong title (API)",
            "PUT",
            format!("/api/v1/pages/{long_title}"),
            Some(JSON),
            b"{\"text\": \"x\"}",
            (
                400,
                "le titre dépasse 255 octets",
                "the title is longer than 255 bytes",
            ),
        ),
        bad(
            "overlong edit summary (form)",
            "POST",
            format!("{SANDBOX}?action=edit"),
            Some(FORM),
            &save_form("nouveau", &long_summary),
            (400, "Le résumé est trop long", "The summary is too long"),
        ),
        bad(
            "overlong edit summary (API)",
            "PUT",
            SANDBOX_API,
            Some(JSON),
            json!({"text": "nouveau", "base_revision": 0, "comment": long_summary})
                .to_string()
                .replace("\"base_revision\":0", "\"base_revision\":{revision}")
                .as_bytes(),
            (400, "Le résumé est trop long", "The summary is too long"),
        ),
        bad(
            "overlong user name",
            "POST",
            "/account/signup",
            Some(FORM),
            format!("csrf_token={{csrf}}&name={long_name}&password=une+phrase+de+passe").as_bytes(),
            (
                400,
                "il dépasse 85 caractères",
                "it is longer than 85 characters",
            ),
        ),
        bad(
            "overlong token name",
            "POST",
            "/account/tokens",
            Some(FORM),
            format!("csrf_token={{csrf}}&name={}", "n".repeat(101)).as_bytes(),
            (
                400,
                "Le nom du jeton dépasse 100 caractères.",
                "The token name is longer than 100 characters.",
            ),
        ),
        // Unknown or malformed revision ids
        bad(
            "unknown oldid",
            "GET",
            format!("{SANDBOX}?oldid=999999"),
            None,
            b"",
            (
                404,
                "La version 999999 n'existe pas.",
                "Revision 999999 does not exist.",
            ),
        ),
        bad(
            "non-numeric oldid",
            "GET",
            format!("{SANDBOX}?oldid=abc"),
            None,
            b"",
            (
                400,
                "Le paramètre « oldid » est invalide.",
                "The parameter “oldid” is invalid.",
            ),
        ),
        bad(
            "negative oldid",
            "GET",
            format!("{SANDBOX}?oldid=-3"),
            None,
            b"",
            (
                400,
                "Le paramètre « oldid » est invalide.",
                "The parameter “oldid” is invalid.",
            ),
        ),
        bad(
            "unknown revisions in a diff",
            "GET",
            format!("{SANDBOX}?action=diff&from=999998&to=999999"),
            None,
            b"",
            (404, "n'existe pas.", "does not exist."),
        ),
        bad(
            "unknown revision (API)",
            "GET",
            "/api/v1/revisions/999999",
            None,
            b"",
            (
                404,
                "La version 999999 n'existe pas.",
                "Revision 999999 does not exist.",
            ),
        ),
        bad(
            "non-numeric revision (API)",
            "GET",
            "/api/v1/revisions/abc",
            None,
            b"",
            (
                400,
                "Le paramètre « id » est invalide.",
                "The parameter “id” is invalid.",
            ),
        ),
        bad(
            "revision id over 64 bits (API)",
            "GET",
            "/api/v1/revisions/99999999999999999999",
            None,
            b"",
            (
                400,
                "Le paramètre « id » est invalide.",
                "The parameter “id” is invalid.",
            ),
        ),
        bad(
            "unknown diff target (API)",
            "GET",
            "/api/v1/diff?to=999999",
            None,
            b"",
            (
                404,
                "La version 999999 n'existe pas.",
                "Revision 999999 does not exist.",
            ),
        ),
        bad(
            "non-numeric diff source (API)",
            "GET",
            "/api/v1/diff?from=abc&to=1",
            None,
            b"",
            (
                400,
                "Le paramètre « from » est invalide.",
                "The parameter “from” is invalid.",
            ),
        ),
        bad(
            "unknown base revision (API)",
            "PUT",
            SANDBOX_API,
            Some(JSON),
            b"{\"text\": \"x\", \"base_revision\": 999999}",
            (
                400,
                "La version de départ 999999 n'appartient pas à cette page.",
                "The base revision 999999 does not belong to this page.",
            ),
        ),
        bad(
            "unknown base revision (form)",
            "POST",
            format!("{SANDBOX}?action=edit"),
            Some(FORM),
            b"csrf_token={csrf}&base_revision=999999&text=x&do=save",
            (
                400,
                "La version de départ 999999 n'appartient pas à cette page.",
                "The base revision 999999 does not belong to this page.",
            ),
        ),
        bad(
            "restore of an unknown revision",
            "POST",
            format!("{SANDBOX}?action=restore"),
            Some(FORM),
            b"csrf_token={csrf}&oldid=999999",
            (
                404,
                "La version 999999 n'existe pas.",
                "Revision 999999 does not exist.",
            ),
        ),
        bad(
            "history page size that is not a number (API)",
            "GET",
            format!("{SANDBOX_API}/history?limit=abc"),
            None,
            b"",
            (
                400,
                "Le paramètre « limit » est invalide.",
                "The parameter “limit” is invalid.",
            ),
        ),
        bad(
            "unknown action",
            "GET",
            format!("{SANDBOX}?action=d%C3%A9truire"),
            None,
            b"",
            (
                400,
                "Action inconnue : « détruire ».",
                "Unknown action: “détruire”.",
            ),
        ),
        bad(
            "title not UTF-8",
            "GET",
            "/wiki/%FF",
            None,
            b"",
            (
                400,
                "Le paramètre « title » est invalide.",
                "The parameter “title” is invalid.",
            ),
        ),
    ];
    let cookies = fixture.cookies();
    let before = server.fingerprint();
    for case in &cases {
        let body = fill_bytes(&fixture, &case.body);
        let mut messages = Vec::new();
        for (lang, fragment) in [("fr", case.fr), ("en", case.en)] {
            let what = format!("{} ({lang})", case.name);
            let mut headers = vec![("Accept-Language", lang)];
            if !case.name.contains("logged out") {
                headers.push(("Cookie", cookies.as_str()));
            }
            if let Some(content_type) = case.content_type {
                headers.push(("Content-Type", content_type));
            }
            let reply = server.send_bytes(case.method, &case.path, &headers, &body);
            assert_eq!(reply.status, case.status, "{what}: {}", reply.body);
            let message = if case.path.starts_with("/api/") {
                reply.json()["error"]["message"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{what}: {}", reply.body))
                    .to_owned()
            } else {
                reply.text()
            };
            assert!(
                message.contains(fragment),
                "{what}: {fragment:?} not in {message}"
            );
            messages.push(message);
            fixture.assert_unchanged(&before, &what);
        }
        assert_ne!(messages[0], messages[1], "{}: not translated", case.name);
    }
}

/// Decodes `%XX` and `+` of a urlencoded value (the multipart rows are written as
/// urlencoded pairs).
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}
