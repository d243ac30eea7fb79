#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests fail loudly"
)]

//! The real `carnet serve` binary: starts on a fresh data folder, migrates, seeds the
//! French welcome page once, prints its URL, and keeps data across restarts.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use carnet_store::testing::{TEST_DATABASE_URL, TestDb};

struct Running {
    child: Child,
    base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data: &Path, database_url: Option<&str>) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_carnet"));
    command
        .args(["serve", "--bind", "127.0.0.1:0", "--data"])
        .arg(data)
        .env_remove("DATABASE_URL")
        .env_remove("CARNET_BIND")
        .env_remove("CARNET_DATA")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(url) = database_url {
        command.args(["--database-url", url]);
    }
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    // "Carnet est prêt : http://127.0.0.1:PORT/ (base : …)"
    let base = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL printed: {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    assert!(line.starts_with("Carnet est prêt"), "{line:?}");
    Running { child, base }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn history_len(base: &str) -> usize {
    let body = agent()
        .get(&format!("{base}/api/v1/pages/Accueil/history"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["revisions"].as_array().unwrap().len()
}

#[test]
fn serve_seeds_once_and_keeps_data_across_restarts() {
    let data = tempfile::tempdir().unwrap();
    // On the PostgreSQL pass of CI, the binary gets a fresh PostgreSQL database.
    let db = std::env::var(TEST_DATABASE_URL).ok().map(|_| TestDb::new());
    let url = db.as_ref().map(|db| db.url().to_owned());

    let first = start(data.path(), url.as_deref());
    let reply = agent().get(&format!("{}/", first.base)).call().unwrap();
    assert_eq!(reply.status(), 302);
    assert_eq!(reply.headers()["location"], "/wiki/Accueil");
    let mut reply = agent()
        .get(&format!("{}/wiki/Accueil", first.base))
        .call()
        .unwrap();
    assert_eq!(reply.status(), 200);
    let html = reply.body_mut().read_to_string().unwrap();
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("Bienvenue sur Carnet"));
    let reply = agent()
        .put(&format!("{}/api/v1/pages/Persistance", first.base))
        .header("Content-Type", "application/json")
        .send(r#"{"text": "toujours là"}"#)
        .unwrap();
    assert_eq!(reply.status(), 201);
    assert_eq!(history_len(&first.base), 1);
    drop(first);

    if url.is_none() {
        assert!(data.path().join("carnet.db").is_file());
    }
    let second = start(data.path(), url.as_deref());
    assert_eq!(
        history_len(&second.base),
        1,
        "the welcome page is seeded once"
    );
    let mut reply = agent()
        .get(&format!("{}/wiki/Persistance?action=raw", second.base))
        .call()
        .unwrap();
    assert_eq!(reply.body_mut().read_to_string().unwrap(), "toujours là");
}

#[test]
fn an_unreachable_postgresql_url_is_an_error_not_a_sqlite_file() {
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .current_dir(data.path())
        .args(["serve", "--bind", "127.0.0.1:0", "--data", "."])
        .args(["--database-url", "postgres://nobody@127.0.0.1:1/carnet"])
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot open the database postgres://nobody@127.0.0.1:1/carnet"),
        "{stderr}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(data.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "files were created: {leftovers:?}");
}

fn carnet(args: &[&str], data: &Path, url: Option<&str>, stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    let mut command = Command::new(env!("CARGO_BIN_EXE_carnet"));
    command
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("DATABASE_URL")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(url) = url {
        command.args(["--database-url", url]);
    }
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `name="csrf_token" value="…"` in a form, and the Set-Cookie of the reply.
fn form_token(body: &str) -> String {
    let at = body.find("name=\"csrf_token\" value=\"").unwrap() + 25;
    body[at..at + 64].to_owned()
}

fn cookie_value(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .map(|pair| pair[name.len() + 1..].to_owned())
}

fn page_as(base: &str, session: &str) -> String {
    agent()
        .get(&format!("{base}/wiki/Accueil"))
        .header("Cookie", &format!("carnet_session={session}"))
        .header("Accept-Language", "fr")
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap()
}

#[test]
fn first_admin_from_the_command_line_and_sessions_shared_by_two_processes() {
    let data = tempfile::tempdir().unwrap();
    let db = std::env::var(TEST_DATABASE_URL).ok().map(|_| TestDb::new());
    let url = db.as_ref().map(|db| db.url().to_owned());

    let created = carnet(
        &["user", "create", "Admin", "--admin"],
        data.path(),
        url.as_deref(),
        "phrase secrète\n",
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&created.stdout),
        "Admin (admin) created\n"
    );
    let again = carnet(
        &["user", "create", "admin"],
        data.path(),
        url.as_deref(),
        "phrase secrète\n",
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already taken"));
    let short = carnet(
        &["user", "create", "Bob"],
        data.path(),
        url.as_deref(),
        "court\n",
    );
    assert!(!short.status.success());
    let role = carnet(
        &["user", "set-role", "Admin", "animateur"],
        data.path(),
        url.as_deref(),
        "",
    );
    assert!(role.status.success());
    let role = carnet(
        &["user", "set-role", "Admin", "admin"],
        data.path(),
        url.as_deref(),
        "",
    );
    assert!(role.status.success());
    let list = carnet(&["user", "list"], data.path(), url.as_deref(), "");
    assert!(String::from_utf8_lossy(&list.stdout).starts_with("Admin\tadmin\t"));

    // Two processes on one database: a session opened on one works on the other.
    let first = start(data.path(), url.as_deref());
    let second = start(data.path(), url.as_deref());
    let mut form = agent()
        .get(&format!("{}/account/login", first.base))
        .call()
        .unwrap();
    let csrf = cookie_value(&form, "carnet_csrf").unwrap();
    let token = form_token(&form.body_mut().read_to_string().unwrap());
    let login = agent()
        .post(&format!("{}/account/login", first.base))
        .header("Cookie", &format!("carnet_csrf={csrf}"))
        .content_type("application/x-www-form-urlencoded")
        .send(format!(
            "csrf_token={token}&name=Admin&password=phrase+secr%C3%A8te"
        ))
        .unwrap();
    assert_eq!(login.status(), 303);
    let session = cookie_value(&login, "carnet_session").unwrap();
    assert!(page_as(&first.base, &session).contains("Connecté·e : Admin"));
    assert!(page_as(&second.base, &session).contains("Connecté·e : Admin"));
    // Logging out on the second ends the session on the first too.
    let logout = agent()
        .post(&format!("{}/account/logout", second.base))
        .header(
            "Cookie",
            &format!("carnet_csrf={csrf}; carnet_session={session}"),
        )
        .content_type("application/x-www-form-urlencoded")
        .send(format!("csrf_token={token}"))
        .unwrap();
    assert_eq!(logout.status(), 303);
    assert!(!page_as(&first.base, &session).contains("Connecté·e"));
}

fn search_titles(base: &str, query: &str) -> Vec<String> {
    let body = agent()
        .get(&format!("{base}/api/v1/search"))
        .query("q", query)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["results"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|hit| hit["title"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_search_index_is_rebuilt_on_command_and_when_its_language_changes() {
    let data = tempfile::tempdir().unwrap();
    let db = std::env::var(TEST_DATABASE_URL).ok().map(|_| TestDb::new());
    let url = db.as_ref().map(|db| db.url().to_owned());
    let first = start(data.path(), url.as_deref());
    for (title, text) in [
        ("Biblioth%C3%A8ques", "Les bibliothèques de la ville."),
        ("Library", "The libraries of the town."),
    ] {
        let reply = agent()
            .put(&format!("{}/api/v1/pages/{title}", first.base))
            .header("Content-Type", "application/json")
            .send(serde_json::json!({ "text": text }).to_string())
            .unwrap();
        assert_eq!(reply.status(), 201);
    }
    // The welcome page mentions libraries too; the title match comes first.
    assert_eq!(
        search_titles(&first.base, "bibliotheque")[0],
        "Bibliothèques"
    );
    drop(first);

    let output = carnet(&["search", "reindex"], data.path(), url.as_deref(), "");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The welcome page and the two pages.
    assert!(stdout.contains("3 pages indexed (fr)"), "{stdout}");

    let output = carnet(
        &["search", "reindex", "--search-language", "de"],
        data.path(),
        url.as_deref(),
        "",
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown language \"de\": fr or en"));

    // Started in English, the server rebuilds the index with the English stemmer.
    let mut command = Command::new(env!("CARGO_BIN_EXE_carnet"));
    command
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--search-language",
            "en",
            "--data",
        ])
        .arg(data.path())
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(url) = url.as_deref() {
        command.args(["--database-url", url]);
    }
    let mut child = command.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    let english = Running { child, base };
    assert_eq!(search_titles(&english.base, "library"), vec!["Library"]);
}
