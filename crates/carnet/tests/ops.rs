#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests fail loudly"
)]

//! Operations with the real `carnet serve`: a settings file (flags win over it, bad
//! settings stop the start with their key and line), JSON log lines carrying the
//! request id, the metrics token, and stopping on SIGTERM — live typing saved as a
//! revision, saves in flight finished, exit status 0. On SQLite, and on PostgreSQL when
//! `CARNET_TEST_DATABASE_URL` is set.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use carnet_store::testing::TestDb;
use tungstenite::Message as WsMessage;
use tungstenite::client::IntoClientRequest;
use yrs::sync::{Message, SyncMessage};
use yrs::updates::encoder::Encode;
use yrs::{Doc, GetString, ReadTxn, Text, Transact};

/// A `carnet serve` whose standard error is kept, line by line.
struct Server {
    child: Child,
    base: String,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_carnet"));
    command.arg("serve").args(args);
    for name in [
        "DATABASE_URL",
        "CARNET_BIND",
        "CARNET_DATA",
        "CARNET_CONFIG",
        "CARNET_LOG",
        "RUST_LOG",
        "CARNET_METRICS_TOKEN",
    ] {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
    let mut child = command(args, env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = Arc::new(Mutex::new(Vec::new()));
    let lines = Arc::clone(&stderr);
    let pipe = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            eprintln!("carnet: {line}");
            lines.lock().unwrap().push(line);
        }
    });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL printed: {line:?} {:?}", stderr.lock().unwrap()))
        .trim_end_matches('/')
        .to_owned();
    Server {
        child,
        base,
        stderr,
    }
}

/// The options that point at the test database, whichever backend it is.
fn database_args<'a>(db: &'a TestDb, data: &'a Path) -> Vec<&'a str> {
    vec![
        "--bind",
        "127.0.0.1:0",
        "--data",
        data.to_str().unwrap(),
        "--database-url",
        db.url(),
    ]
}

fn signal(server: &Server, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for the process to exit, at most `limit`.
fn exit_within(server: &mut Server, limit: Duration) -> (ExitStatus, Duration) {
    let started = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            return (status, started.elapsed());
        }
        assert!(
            started.elapsed() < limit,
            "still running {limit:?} after the signal: {:?}",
            server.stderr.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn page_text(base: &str, title: &str) -> Option<String> {
    let (status, body) = common::get(base, &format!("/api/v1/pages/{title}"));
    if status != 200 {
        return None;
    }
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["text"].as_str().map(str::to_owned)
}

#[test]
fn a_settings_file_is_read_and_flags_win_over_it() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let config = data.path().join("carnet.toml");
    std::fs::write(
        &config,
        "# test settings\n\
         bind = \"127.0.0.1:1\"\n\
         log = \"info\"\n\
         log_format = \"json\"\n\
         metrics_token = \"0123456789abcdef-token\"\n\
         shutdown_timeout = 5\n\
         [limits]\n\
         saves_per_ip = \"off\"\n",
    )
    .unwrap();
    let mut args = database_args(&db, data.path());
    args.extend(["--config", config.to_str().unwrap()]);
    // --bind 127.0.0.1:0 (a flag) wins over the file's port 1, which would not bind.
    let server = start(&args, &[]);
    let reply = common::agent()
        .get(&format!("{}/wiki/Accueil", server.base))
        .call()
        .unwrap();
    assert_eq!(reply.status(), 200);
    let id = reply
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    // The token from the file guards /metrics, even from loopback.
    let metrics = format!("{}/metrics", server.base);
    let reply = common::agent().get(&metrics).call().unwrap();
    assert_eq!(reply.status(), 401);
    let reply = common::agent()
        .get(&metrics)
        .header("Authorization", "Bearer wrong-token-0123456789")
        .call()
        .unwrap();
    assert_eq!(reply.status(), 401);
    let mut reply = common::agent()
        .get(&metrics)
        .header("Authorization", "Bearer 0123456789abcdef-token")
        .call()
        .unwrap();
    assert_eq!(reply.status(), 200);
    let body = reply.body_mut().read_to_string().unwrap();
    assert!(body.contains("carnet_http_requests_total{"), "{body}");
    // The access log is JSON, one object per line, in the request's span.
    let deadline = Instant::now() + Duration::from_secs(10);
    let line = loop {
        let found = server.stderr.lock().unwrap().iter().find_map(|line| {
            let json: serde_json::Value = serde_json::from_str(line).ok()?;
            (json["target"] == "carnet::access" && json["span"]["request_id"] == id.as_str())
                .then_some(json)
        });
        if let Some(json) = found {
            break json;
        }
        assert!(
            Instant::now() < deadline,
            "no access log line for {id}: {:?}",
            server.stderr.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["fields"]["status"], 200);
    assert!(line["fields"]["bytes"].as_u64().unwrap() > 0, "{line}");
    assert!(line["fields"]["duration_ms"].as_f64().is_some(), "{line}");
    assert_eq!(line["span"]["method"], "GET");
    assert_eq!(line["span"]["path"], "/wiki/Accueil");
    // Every line is JSON (the `log::` records of the other crates included).
    for line in server.stderr.lock().unwrap().iter() {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "{line}"
        );
    }
}

/// Runs `carnet serve` expecting it to refuse its settings; returns standard error.
fn refused(args: &[&str], env: &[(&str, &str)]) -> String {
    let output = command(args, env).stdin(Stdio::null()).output().unwrap();
    assert!(!output.status.success(), "started anyway");
    assert!(output.stdout.is_empty(), "{:?}", output.stdout);
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn bad_settings_stop_the_start_naming_key_value_and_line() {
    let data = tempfile::tempdir().unwrap();
    let config = data.path().join("carnet.toml");
    let config_path = config.to_str().unwrap();
    let data_path = data.path().to_str().unwrap();
    std::fs::write(&config, "bind = \"127.0.0.1:0\"\n\nworkers = 0\n").unwrap();
    let error = refused(&["--config", config_path, "--data", data_path], &[]);
    assert!(
        error.contains(&format!(
            "invalid setting `workers` = \"0\" ({config_path}, line 3): a whole number from 1 to 1024"
        )),
        "{error}"
    );
    std::fs::write(&config, "bind = \"127.0.0.1:0\"\nwrokers = 2\n").unwrap();
    let error = refused(&["--data", data_path], &[("CARNET_CONFIG", config_path)]);
    assert!(error.contains("line 2"), "{error}");
    assert!(error.contains("unknown field `wrokers`"), "{error}");
    let error = refused(
        &["--data", data_path],
        &[("DATABASE_URL", "mysql://localhost/wiki")],
    );
    assert!(
        error.contains(
            "invalid setting `database_url` = \"mysql://localhost/wiki\" (environment variable DATABASE_URL)"
        ),
        "{error}"
    );
    let error = refused(&["--data", data_path, "--bind", "8080"], &[]);
    assert!(
        error.contains("invalid setting `bind` = \"8080\" (command line --bind): HOST:PORT"),
        "{error}"
    );
    // Nothing was created: the settings are checked before the database is opened.
    assert!(!data.path().join("carnet.db").exists());
}

/// A y-websocket client that types into a page's live session.
struct Typist {
    socket: tungstenite::WebSocket<TcpStream>,
    doc: Doc,
    text: yrs::TextRef,
}

impl Typist {
    fn connect(base: &str, page: &str) -> Typist {
        let url = format!(
            "{}/api/v1/pages/{page}/live",
            base.replace("http://", "ws://")
        );
        let stream = TcpStream::connect(base.trim_start_matches("http://")).unwrap();
        let (socket, response) =
            tungstenite::client(url.as_str().into_client_request().unwrap(), stream).unwrap();
        assert_eq!(response.status().as_u16(), 101);
        socket
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let doc = Doc::new();
        let text = doc.get_or_insert_text("text");
        let mut typist = Typist { socket, doc, text };
        let state = typist.doc.transact().state_vector();
        typist.send(Message::Sync(SyncMessage::SyncStep1(state)).encode_v1());
        typist
    }

    fn send(&mut self, frame: Vec<u8>) {
        self.socket.send(WsMessage::binary(frame)).unwrap();
    }

    /// Reads and applies what the server sends until `done` holds (10 s at most).
    fn until(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        use yrs::updates::decoder::{Decode, DecoderV1};
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(&self.text.get_string(&self.doc.transact())) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            let frame = match self.socket.read() {
                Ok(WsMessage::Binary(frame)) => frame,
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(e) => panic!("live socket failed: {e}"),
            };
            let mut decoder = DecoderV1::new(yrs::encoding::read::Cursor::new(&frame));
            let mut replies = Vec::new();
            for message in yrs::sync::MessageReader::new(&mut decoder) {
                match message.unwrap() {
                    Message::Sync(SyncMessage::SyncStep1(state)) => {
                        let diff = self.doc.transact().encode_state_as_update_v1(&state);
                        replies.push(Message::Sync(SyncMessage::SyncStep2(diff)).encode_v1());
                    }
                    Message::Sync(SyncMessage::SyncStep2(u) | SyncMessage::Update(u)) => {
                        let update = yrs::Update::decode_v1(&u).unwrap();
                        self.doc.transact_mut().apply_update(update).unwrap();
                    }
                    _ => {}
                }
            }
            for reply in replies {
                self.send(reply);
            }
        }
    }

    fn type_at_end(&mut self, chunk: &str) {
        let update = {
            let mut txn = self.doc.transact_mut();
            let len = self.text.len(&txn);
            self.text.insert(&mut txn, len, chunk);
            txn.encode_update_v1()
        };
        self.send(Message::Sync(SyncMessage::Update(update)).encode_v1());
    }
}

#[test]
fn sigterm_saves_live_typing_as_a_revision_and_exits_cleanly() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let mut args = database_args(&db, data.path());
    args.extend(["--shutdown-timeout", "15"]);
    let mut server = start(&args, &[("CARNET_LOG", "info")]);
    assert_eq!(
        common::put_page(&server.base, "Notes", "Ordre du jour."),
        201
    );
    let mut typist = Typist::connect(&server.base, "Notes");
    let mut watcher = Typist::connect(&server.base, "Notes");
    typist.until("the page's text", |text| text.starts_with("Ordre du jour."));
    watcher.until("the page's text", |text| text.starts_with("Ordre du jour."));
    typist.type_at_end(" Tapé juste avant l'arrêt.");
    // Another client hears the keystrokes: the server stored them (it stores before
    // it sends on). No revision yet: the idle checkpoint is 30 s away.
    watcher.until("the keystrokes", |text| text.ends_with("avant l'arrêt."));
    assert_eq!(
        page_text(&server.base, "Notes").as_deref(),
        Some("Ordre du jour.")
    );
    signal(&server, "TERM");
    let (status, took) = exit_within(&mut server, Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    eprintln!("stopped in {took:?} after SIGTERM");
    drop((typist, watcher));
    let log = server.stderr.lock().unwrap().join("\n");
    assert!(log.contains("SIGTERM: stopping"), "{log}");
    assert!(log.contains("live sessions closed: 1 of 1"), "{log}");
    // After a restart, the typing is the page's current revision.
    let server = start(&database_args(&db, data.path()), &[]);
    assert_eq!(
        page_text(&server.base, "Notes").as_deref(),
        Some("Ordre du jour. Tapé juste avant l'arrêt.")
    );
    let history = common::history(&server.base, "Notes");
    assert_eq!(history.len(), 2, "{history:?}");
}

#[test]
fn sigterm_lets_saves_in_flight_finish() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let server = start(
        &database_args(&db, data.path()),
        &[
            ("CARNET_LIMIT_SAVES_PER_IP", "off"),
            ("CARNET_LIMIT_CREATIONS_PER_IP", "off"),
        ],
    );
    let base = server.base.clone();
    // Four writers save as fast as they can; each remembers what was acknowledged.
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let base = base.clone();
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                let agent = common::agent();
                for n in 0.. {
                    let url = format!("{base}/api/v1/pages/Page_{writer}_{n}");
                    let body = serde_json::json!({ "text": format!("Texte {writer} {n}.") });
                    match agent.put(&url).send_json(&body) {
                        Ok(reply) if reply.status().as_u16() == 201 => acknowledged.push(n),
                        Ok(reply) => panic!("unexpected {}", reply.status()),
                        // The server stopped accepting.
                        Err(_) => break,
                    }
                }
                acknowledged
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let mut server = server;
    signal(&server, "TERM");
    // Well within the 30 s shutdown timeout (the writers' keep-alive connections do not
    // hold the stop).
    let (status, took) = exit_within(&mut server, Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    eprintln!("stopped in {took:?} after SIGTERM under saves");
    let acknowledged: Vec<Vec<i32>> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    let total: usize = acknowledged.iter().map(Vec::len).sum();
    assert!(total > 0, "no save went through before the stop");
    // Every acknowledged save is there after a restart.
    let server = start(&database_args(&db, data.path()), &[]);
    for (writer, saves) in acknowledged.iter().enumerate() {
        for n in saves {
            assert_eq!(
                page_text(&server.base, &format!("Page_{writer}_{n}")).as_deref(),
                Some(format!("Texte {writer} {n}.").as_str()),
                "acknowledged save {writer}/{n} lost"
            );
        }
    }
    eprintln!("{total} acknowledged saves all kept");
}

#[test]
fn a_save_whose_body_is_still_coming_at_sigterm_is_finished_and_kept() {
    use std::io::{Read as _, Write as _};
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let mut server = start(&database_args(&db, data.path()), &[("CARNET_LOG", "info")]);
    let body = serde_json::json!({ "text": "Enregistré pendant l'arrêt." }).to_string();
    let (first, rest) = body.split_at(10);
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    write!(
        stream,
        "PUT /api/v1/pages/Lente HTTP/1.1\r\nHost: localhost\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    signal(&server, "TERM");
    // The server is stopping; the request it had begun still gets its answer.
    std::thread::sleep(Duration::from_millis(500));
    stream.write_all(rest.as_bytes()).unwrap();
    let mut answer = String::new();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer:?}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    let (status, _) = exit_within(&mut server, Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    let server = start(&database_args(&db, data.path()), &[]);
    assert_eq!(
        page_text(&server.base, "Lente").as_deref(),
        Some("Enregistré pendant l'arrêt.")
    );
}

#[test]
fn sigint_stops_as_gracefully() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let mut server = start(&database_args(&db, data.path()), &[("CARNET_LOG", "info")]);
    assert_eq!(common::get(&server.base, "/healthz").0, 200);
    signal(&server, "INT");
    let (status, _) = exit_within(&mut server, Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    let log = server.stderr.lock().unwrap().join("\n");
    assert!(log.contains("SIGINT: stopping"), "{log}");
}
