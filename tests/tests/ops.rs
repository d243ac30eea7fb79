#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests fail loudly"
)]

//! Operations on a running server: request ids (made, or taken from a trusted proxy),
//! `/healthz`, `/readyz` (made to fail by removing a migration's row), and `/metrics`
//! (counters that move with saves and page views, labelled by route pattern, and who may
//! read them). The settings file, log lines and SIGTERM need the real binary:
//! crates/carnet/tests/ops.rs.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use carnet_store::testing::{TestDb, execute, query_values};
use carnet_tests::{TestServer, generous_limits};
use carnet_web::LimitConfig;

fn is_uuid_v4(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && id.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
        && groups[2].starts_with('4')
}

#[test]
fn every_response_carries_a_request_id() {
    let server = TestServer::start();
    let mut seen = HashSet::new();
    for path in [
        "/",
        "/wiki/Accueil",
        "/wiki/Nulle_part",
        "/nowhere",
        "/api/v1/pages/Accueil",
    ] {
        let reply = server.get(path);
        let id = reply
            .header("x-request-id")
            .unwrap_or_else(|| panic!("no X-Request-Id on {path} ({})", reply.status));
        assert!(is_uuid_v4(id), "{path}: {id}");
        assert!(seen.insert(id.to_owned()), "{id} given twice");
    }
    // Without a trusted proxy, a client's id is not taken (it could forge log lines).
    let reply = server.get_with("/", &[("X-Request-Id", "my-own-id")]);
    let id = reply.header("x-request-id").unwrap();
    assert_ne!(id, "my-own-id");
    assert!(is_uuid_v4(id));
}

#[test]
fn a_trusted_proxy_s_request_id_is_kept_when_sane() {
    let server = TestServer::start_with_limits(LimitConfig {
        trust_proxy: true,
        ..generous_limits()
    });
    let reply = server.get_with("/wiki/Accueil", &[("X-Request-Id", "nginx-4f1c.29:a_b")]);
    assert_eq!(reply.header("x-request-id"), Some("nginx-4f1c.29:a_b"));
    for bad in ["", "a b", "line\"break", &"x".repeat(129), "é"] {
        let reply = server.get_with("/", &[("X-Request-Id", bad)]);
        let id = reply.header("x-request-id").unwrap();
        assert!(is_uuid_v4(id), "{bad:?} gave {id}");
    }
}

#[test]
fn healthz_answers_without_the_database() {
    let server = TestServer::start();
    let reply = server.get("/healthz");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, "ok\n");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
}

#[test]
fn readyz_needs_every_migration_applied() {
    let server = TestServer::start();
    let reply = server.get("/readyz");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["status"], "ready");
    // The database loses the record of its newest migration (as a database left
    // behind by an older binary would lack it): not ready, and says which.
    let store = server.store();
    let newest = carnet_store::known_migrations(store.backend())
        .unwrap()
        .last()
        .unwrap()
        .clone();
    execute(
        store,
        &format!("DELETE FROM __diesel_schema_migrations WHERE version = '{newest}'"),
    )
    .unwrap();
    let reply = server.get("/readyz");
    assert_eq!(reply.status, 503, "{}", reply.body);
    let json = reply.json();
    assert_eq!(json["status"], "unavailable");
    assert_eq!(json["reason"], "migrations pending");
    let pending = json["pending_migrations"].as_array().unwrap();
    assert_eq!(pending.len(), 1, "{json}");
    assert!(
        pending[0]
            .as_str()
            .unwrap()
            .replace(['-', '_'], "")
            .starts_with(&newest),
        "{json}"
    );
    // Liveness does not care.
    assert_eq!(server.get("/healthz").status, 200);
    execute(
        store,
        &format!("INSERT INTO __diesel_schema_migrations (version) VALUES ('{newest}')"),
    )
    .unwrap();
    assert_eq!(server.get("/readyz").status, 200);
}

#[test]
fn readyz_fails_quickly_when_the_database_is_unreachable() {
    let server = TestServer::start();
    if server.store().backend() != carnet_store::Backend::Postgres {
        eprintln!("skipped: cutting the database off needs PostgreSQL (CARNET_TEST_DATABASE_URL)");
        return;
    }
    assert_eq!(server.get("/readyz").status, 200);
    // From another database: no new connection to this one, and every open one ended.
    let name = query_values(server.store(), "SELECT current_database() AS value").unwrap();
    let name = name.first().unwrap();
    let other = TestDb::new();
    let admin = other.store().unwrap();
    execute(
        &admin,
        &format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"),
    )
    .unwrap();
    execute(
        &admin,
        &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"),
    )
    .unwrap();
    let started = Instant::now();
    let reply = server.get("/readyz");
    assert_eq!(reply.status, 503, "{}", reply.body);
    assert_eq!(reply.json()["reason"], "database unreachable");
    // Nothing about the database's whereabouts is shown.
    assert!(!reply.body.contains("127.0.0.1") && !reply.body.contains("carnet_test"));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.get("/healthz").status, 200);
}

/// The value of a metric line `name{labels} value` whose labels include every one of
/// `labels` (0 when absent: counters appear at their first increment).
fn metric(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.rsplit_once(' '))
        .filter(|(series, _)| {
            let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
            metric == name && labels.iter().all(|label| rest.contains(label))
        })
        .map(|(_, value)| value.parse::<f64>().unwrap())
        .sum()
}

/// The metrics recorder is the process's: tests that read a gauge take turns.
static METRICS: Mutex<()> = Mutex::new(());

#[test]
fn metrics_count_requests_saves_and_cache_use() {
    let _turn = METRICS.lock().unwrap_or_else(|e| e.into_inner());
    let server = TestServer::start();
    let before = server.get("/metrics");
    assert_eq!(before.status, 200, "{}", before.body);
    assert!(
        before
            .header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
    );
    let before = before.body;
    let title = "Métriques du wiki".to_owned();
    server.put_page(&title, "Un texte.");
    server.put_page(&title, "Un texte, changé.");
    let path = format!("/wiki/{}", carnet_tests::encode(&title.replace(' ', "_")));
    assert_eq!(server.get(&path).status, 200);
    assert_eq!(server.get(&path).status, 200);
    let after = server.get("/metrics").body;
    // Other tests of this binary share the process's recorder: counters only grow, so
    // each is compared with what it was, at least by what this test did.
    let grew =
        |name: &str, labels: &[&str]| metric(&after, name, labels) - metric(&before, name, labels);
    assert!(
        grew("carnet_saves_total", &["via=\"api\""]) >= 2.0,
        "{after}"
    );
    // Set from this server's store when the metrics are read: its two saves, each
    // committed alone (one after the other).
    assert!(
        metric(&after, "carnet_save_transactions_total", &[]) >= 2.0,
        "{after}"
    );
    // The first anonymous view misses both caches; the second is answered whole by the
    // page cache, in front of the render cache.
    assert!(
        grew("carnet_page_cache_misses_total", &[]) >= 1.0,
        "{after}"
    );
    assert!(grew("carnet_page_cache_hits_total", &[]) >= 1.0, "{after}");
    assert!(
        grew("carnet_render_cache_misses_total", &[]) >= 1.0,
        "{after}"
    );
    assert!(
        grew(
            "carnet_http_requests_total",
            &[
                "method=\"GET\"",
                "route=\"/wiki/{title:.*}\"",
                "status=\"2xx\""
            ]
        ) >= 2.0,
        "{after}"
    );
    assert!(
        grew(
            "carnet_http_request_duration_seconds_count",
            &["route=\"/wiki/{title:.*}\""]
        ) >= 2.0,
        "{after}"
    );
    assert!(after.contains("carnet_http_request_duration_seconds_bucket{"));
    // Routes are patterns: the page's title is nowhere in the metrics.
    assert!(!after.contains("M%C3%A9triques") && !after.contains("Métriques"));
    assert!(after.contains("carnet_live_sessions_open"), "{after}");
    // A conflict: a save based on an old revision that changed the same line.
    let first = server.history(&title).last().unwrap().meta.id;
    let conflict = server.put_json(
        &format!(
            "/api/v1/pages/{}",
            carnet_tests::encode(&title.replace(' ', "_"))
        ),
        &serde_json::json!({"text": "Un autre texte.", "base_revision": first.0}),
    );
    assert_eq!(conflict.status, 409, "{}", conflict.body);
    // A merge: two saves from one base revision, changing different lines.
    server.put_page("Fusion", "Ligne un.\n\nLigne deux.\n\nLigne trois.\n");
    let base = server.history("Fusion").last().unwrap().meta.id.0;
    for text in [
        "Ligne un, changée.\n\nLigne deux.\n\nLigne trois.\n",
        "Ligne un.\n\nLigne deux.\n\nLigne trois, changée.\n",
    ] {
        let reply = server.put_json(
            "/api/v1/pages/Fusion",
            &serde_json::json!({"text": text, "base_revision": base}),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let last = server.get("/metrics").body;
    assert!(
        metric(&last, "carnet_conflicts_total", &["via=\"api\""])
            - metric(&after, "carnet_conflicts_total", &["via=\"api\""])
            >= 1.0,
        "{last}"
    );
    assert!(
        metric(&last, "carnet_merges_total", &["via=\"api\""])
            - metric(&after, "carnet_merges_total", &["via=\"api\""])
            >= 1.0,
        "{last}"
    );
}

#[test]
fn the_live_sessions_gauge_follows_the_sessions() {
    let _turn = METRICS.lock().unwrap_or_else(|e| e.into_inner());
    let server = TestServer::start();
    let open = |server: &TestServer| {
        metric(
            &server.get("/metrics").body,
            "carnet_live_sessions_open",
            &[],
        )
    };
    assert_eq!(open(&server), 0.0);
    let url = format!(
        "{}/api/v1/pages/Accueil/live",
        server.base.replace("http://", "ws://")
    );
    let (mut socket, response) = tungstenite::connect(url.as_str()).unwrap();
    assert_eq!(response.status().as_u16(), 101);
    let deadline = Instant::now() + Duration::from_secs(10);
    while open(&server) != 1.0 {
        assert!(Instant::now() < deadline, "the session never counted");
        std::thread::sleep(Duration::from_millis(50));
    }
    socket.close(None).unwrap();
    let _ = socket.read();
    drop(socket);
    let deadline = Instant::now() + Duration::from_secs(15);
    while open(&server) != 0.0 {
        assert!(Instant::now() < deadline, "the session never closed");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_page_cache_gauges_say_how_full_it_is() {
    let _turn = METRICS.lock().unwrap_or_else(|e| e.into_inner());
    let server = TestServer::start();
    let read = |name: &str| metric(&server.get("/metrics").body, name, &[]);
    let pages = read("carnet_page_cache_pages");
    let bytes = read("carnet_page_cache_bytes");
    let budget = read("carnet_page_cache_budget_bytes");
    assert_eq!(budget, 64.0 * 1024.0 * 1024.0);
    let text = "Une phrase de plus pour que la page pèse. ".repeat(40);
    for title in ["Jauge", "Autre jauge"] {
        server.put_page(title, &text);
        let path = format!("/wiki/{}", carnet_tests::encode(&title.replace(' ', "_")));
        // Kept at the first anonymous view; the second is answered from the cache.
        assert_eq!(server.get(&path).status, 200);
        assert_eq!(server.get(&path).status, 200);
    }
    let after = server.get("/metrics").body;
    assert_eq!(metric(&after, "carnet_page_cache_pages", &[]), pages + 2.0);
    // Two compressed pages of some 2 KB of repeated text each: less than the pages
    // themselves, more than nothing.
    let grown = metric(&after, "carnet_page_cache_bytes", &[]) - bytes;
    assert!(grown > 200.0 && grown < 2.0 * 4096.0, "{grown}");
}

#[test]
fn metrics_are_refused_through_a_proxy_without_a_token() {
    // Reading the metrics sets the gauges from this server: tests that read them take turns.
    let _turn = METRICS.lock().unwrap_or_else(|e| e.into_inner());
    let server = TestServer::start();
    assert_eq!(server.get("/metrics").status, 200);
    // A reverse proxy on the same machine connects from loopback too: its header gives
    // it away, and the world must not read the metrics through it.
    for header in ["X-Forwarded-For", "Forwarded"] {
        let reply = server.get_with("/metrics", &[(header, "203.0.113.9")]);
        assert_eq!(reply.status, 403, "{header}");
        assert!(!reply.body.contains("carnet_"), "{header}");
    }
}
