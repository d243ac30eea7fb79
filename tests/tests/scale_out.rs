//! Scale-out (issue 9): two Carnet servers on one PostgreSQL database, behind nginx
//! running `docs/nginx.conf.example` (round robin, the micro-cache of anonymous pages
//! with revalidation). Checks that a save through one server is shown at once by the
//! other (directly and through nginx), that sessions are shared, that concurrent saves
//! through both merge without losing any, and that live editing connects through nginx.
//!
//! The two servers are two `TestServer`s in this test process, each with its own
//! connection pool and state (page cache, live sessions, watchers) — nothing shared but
//! the database, as two processes would be.
//!
//! Needs PostgreSQL (`CARNET_TEST_DATABASE_URL`, the second pass of `.ci/run`) and an
//! nginx binary; skipped with a message otherwise (on SQLite a second process only
//! shares a file on the same machine: `http_cache.rs` covers that).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use carnet_core::Role;
use carnet_tests::{TestServer, in_ci};

const EXAMPLE: &str = include_str!("../../docs/nginx.conf.example");

fn nginx_binary() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn ready() -> Option<PathBuf> {
    if std::env::var("CARNET_TEST_DATABASE_URL").is_err() {
        eprintln!(
            "scale_out: skipped — needs PostgreSQL (set CARNET_TEST_DATABASE_URL, as the \
             second pass of .ci/run does)"
        );
        return None;
    }
    let nginx = nginx_binary();
    if nginx.is_none() {
        assert!(
            !in_ci(),
            "scale_out: no nginx binary in CI (.ci/run installs it)"
        );
        eprintln!("scale_out: skipped — no nginx binary (apt-get install nginx)");
    }
    nginx
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx in the foreground on a temporary folder, running the example configuration
/// with the test's addresses.
struct Nginx {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Nginx {
    fn start(binary: &Path, upstreams: [&str; 2]) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let path = |name: &str| dir.path().join(name).display().to_string();
        // Every line the test changes must be in the example: if the file drifts,
        // this fails rather than testing something else.
        let mut conf = EXAMPLE.to_owned();
        for (from, to) in [
            (
                "server 127.0.0.1:8081;",
                format!("server {};", upstreams[0]),
            ),
            (
                "server 127.0.0.1:8082;",
                format!("server {};", upstreams[1]),
            ),
            ("listen 80;", format!("listen 127.0.0.1:{port};")),
            ("/var/cache/nginx/carnet", path("cache")),
        ] {
            assert!(conf.contains(from), "docs/nginx.conf.example lost `{from}`");
            conf = conf.replace(from, &to);
        }
        std::fs::write(dir.path().join("carnet.conf"), conf).unwrap();
        let main = format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid {pid};\n\
             error_log {error} info;\nevents {{ worker_connections 512; }}\n\
             http {{\n  access_log {access};\n  client_body_temp_path {body};\n  \
             proxy_temp_path {proxy};\n  fastcgi_temp_path {fastcgi};\n  \
             uwsgi_temp_path {uwsgi};\n  scgi_temp_path {scgi};\n  \
             include {carnet};\n}}\n",
            pid = path("nginx.pid"),
            error = path("error.log"),
            access = path("access.log"),
            body = path("body"),
            proxy = path("proxy"),
            fastcgi = path("fastcgi"),
            uwsgi = path("uwsgi"),
            scgi = path("scgi"),
            carnet = path("carnet.conf"),
        );
        std::fs::write(dir.path().join("nginx.conf"), main).unwrap();
        let child = Command::new(binary)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "nginx did not start: {}",
                std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx {
            child,
            port,
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A GET through nginx: status, headers, body.
fn get(url: &str, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>, String) {
    let reply = carnet_tests::raw_get(url, headers);
    let body = reply.text();
    (reply.status, reply.headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn authority(server: &TestServer) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

#[test]
fn two_servers_behind_nginx_share_everything() {
    let Some(binary) = ready() else {
        return;
    };
    let a = TestServer::start();
    let b = a.start_sharing();
    let nginx = Nginx::start(&binary, [&authority(&a), &authority(&b)]);

    // Saved through A, shown by B at once — B had the page in its cache.
    a.put_page("Réunion", "Ordre du jour : rien.");
    assert!(b.get("/wiki/R%C3%A9union").text().contains("rien"));
    assert!(b.get("/wiki/R%C3%A9union").text().contains("rien"));
    a.put_page("Réunion", "Ordre du jour : le budget.");
    assert!(b.get("/wiki/R%C3%A9union").text().contains("le budget"));

    // Through nginx, anonymous: cached (a hit within the second), then revalidated —
    // Carnet's 304 keeps the entry — and a change shows once the second is over.
    let page = nginx.url("/wiki/R%C3%A9union");
    // Two requests in a row: the second is a hit (retried in case the machine stalled
    // past the entry's second between them).
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let (status, _, body) = get(&page, &[]);
        assert_eq!(status, 200);
        assert!(body.contains("le budget"));
        let (_, headers, _) = get(&page, &[]);
        let cache = header(&headers, "X-Cache-Status")
            .unwrap_or_default()
            .to_owned();
        statuses.push(cache.clone());
        if cache == "HIT" {
            break;
        }
    }
    assert_eq!(
        statuses.last().map(String::as_str),
        Some("HIT"),
        "{statuses:?}"
    );
    // nginx counts whole seconds: an entry valid "1s" lasts until the end of the next.
    std::thread::sleep(Duration::from_millis(2_100));
    let (_, headers, body) = get(&page, &[]);
    assert_eq!(
        header(&headers, "X-Cache-Status"),
        Some("REVALIDATED"),
        "{headers:?}"
    );
    assert!(body.contains("le budget"));
    b.put_page("Réunion", "Ordre du jour : les travaux.");
    let started = Instant::now();
    loop {
        let (_, _, body) = get(&page, &[]);
        if body.contains("les travaux") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_millis(3_500),
            "anonymous readers through nginx still see the old page"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // Sessions: logged in on A, known to B and through nginx — and a logged-in reader
    // bypasses nginx's cache, so sees a save at once, whichever server made it.
    let mut alice = a.account("Alice", Role::Writer);
    let session = format!("carnet_session={}", alice.cookie("carnet_session").unwrap());
    let on_b = b.get_with("/wiki/R%C3%A9union", &[("Cookie", &session)]);
    assert!(on_b.text().contains("Alice"), "{}", on_b.body);
    assert_eq!(on_b.header("Cache-Control"), Some("private, no-cache"));
    for round in 0..4 {
        let text = format!("Ordre du jour : point {round}.");
        if round % 2 == 0 {
            alice.edit("R%C3%A9union", &text, "").assert_status(303);
        } else {
            b.put_page("Réunion", &text);
        }
        let (_, headers, body) = get(&page, &[("Cookie", &session)]);
        assert!(body.contains(&format!("point {round}.")), "round {round}");
        assert!(body.contains("Alice"));
        assert_eq!(header(&headers, "X-Cache-Status"), Some("BYPASS"));
    }

    // Concurrent saves through both servers, all from the same base revision, each on
    // its own paragraph: every one merged, none lost.
    let lines: Vec<String> = (0..8).map(|n| format!("Paragraphe {n}.")).collect();
    a.put_page("Chantier", &lines.join("\n\n"));
    let base = a.history("Chantier")[0].meta.id.0;
    std::thread::scope(|scope| {
        for n in 0..8 {
            let server = if n % 2 == 0 { &a } else { &b };
            let mut text = lines.clone();
            text[n] = format!(
                "Paragraphe {n}, relu par {}.",
                if n % 2 == 0 { "A" } else { "B" }
            );
            scope.spawn(move || {
                let reply = server.put_json(
                    "/api/v1/pages/Chantier",
                    &serde_json::json!({ "text": text.join("\n\n"), "base_revision": base }),
                );
                assert!(
                    matches!(reply.status, 200 | 201),
                    "{n}: {} {}",
                    reply.status,
                    reply.body
                );
            });
        }
    });
    let (_, _, merged) = get(&nginx.url("/api/v1/pages/Chantier"), &[]);
    let merged: serde_json::Value = serde_json::from_str(&merged).unwrap();
    let text = merged["text"].as_str().unwrap();
    for n in 0..8 {
        let by = if n % 2 == 0 { "A" } else { "B" };
        assert!(
            text.contains(&format!("Paragraphe {n}, relu par {by}.")),
            "lost save {n}: {text}"
        );
    }
    assert_eq!(a.history("Chantier").len(), 9);
    // Both servers show the merged page to anonymous readers.
    for server in [&a, &b] {
        let shown = server.get("/wiki/Chantier").text();
        assert!(shown.contains("Paragraphe 7, relu par B."));
    }

    // Static assets through nginx: kept (a year at the fingerprinted URL).
    let home = a.get("/wiki/Accueil").text();
    let css = home
        .split("href=\"")
        .find_map(|rest| {
            rest.split('"')
                .next()
                .filter(|h| h.starts_with("/static/carnet.css?v="))
        })
        .unwrap()
        .to_owned();
    let (status, _, _) = get(&nginx.url(&css), &[]);
    assert_eq!(status, 200);
    let (_, headers, _) = get(&nginx.url(&css), &[]);
    assert_eq!(header(&headers, "X-Cache-Status"), Some("HIT"));
    assert_eq!(
        header(&headers, "Cache-Control"),
        Some("public, max-age=31536000, immutable")
    );

    // Live editing: the WebSocket upgrade passes through nginx (the documents are
    // shared across servers through the database: tests/tests/live.rs).
    let mut socket = TcpStream::connect(("127.0.0.1", nginx.port)).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        socket,
        "GET /api/v1/pages/Chantier/live HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\
         Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        nginx.port
    )
    .unwrap();
    let mut status_line = String::new();
    BufReader::new(socket.try_clone().unwrap())
        .read_line(&mut status_line)
        .unwrap();
    assert!(status_line.contains(" 101 "), "{status_line}");
    let mut rest = [0u8; 1];
    let _ = socket.read(&mut rest);
}
