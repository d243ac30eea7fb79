//! What the tests of the real `carnet` binary share: starting `carnet serve` on a data
//! folder, running a subcommand, an HTTP agent, logging in through the form.

#![allow(dead_code, reason = "each test file uses a part")]

use std::io::{BufRead, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Running {
    pub child: Child,
    pub base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `carnet serve` on `data` (and PostgreSQL at `database_url`), on a free port.
pub fn start(data: &Path, database_url: Option<&str>) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_carnet"));
    command
        .args(["serve", "--bind", "127.0.0.1:0", "--data"])
        .arg(data)
        .env_remove("DATABASE_URL")
        .env_remove("CARNET_BIND")
        .env_remove("CARNET_DATA")
        // Many saves from one address in a few seconds.
        .env("CARNET_LIMIT_SAVES_PER_IP", "off")
        .env("CARNET_LIMIT_SAVES_PER_ACCOUNT", "off")
        .env("CARNET_LIMIT_CREATIONS_PER_IP", "off")
        .env("CARNET_LIMIT_CREATIONS_PER_ACCOUNT", "off")
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
    let base = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL printed: {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    Running { child, base }
}

/// Runs `carnet ARGS` with `stdin`, without the environment's database settings.
pub fn carnet(args: &[&str], stdin: &str) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_carnet"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("CARNET_DATA")
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// GET as text: (status, body).
pub fn get(base: &str, path: &str) -> (u16, String) {
    let mut reply = agent().get(&format!("{base}{path}")).call().unwrap();
    let status = reply.status().as_u16();
    (status, reply.body_mut().read_to_string().unwrap())
}

/// GET as bytes: (status, body).
pub fn get_bytes(base: &str, path: &str) -> (u16, Vec<u8>) {
    let mut reply = agent().get(&format!("{base}{path}")).call().unwrap();
    let status = reply.status().as_u16();
    (
        status,
        reply
            .body_mut()
            .with_config()
            .limit(100 * 1024 * 1024)
            .read_to_vec()
            .unwrap(),
    )
}

/// PUT a page through the JSON API (anonymous), on top of its current revision: the
/// status.
pub fn put_page(base: &str, title: &str, text: &str) -> u16 {
    let (status, current) = get(base, &format!("/api/v1/pages/{title}"));
    let base_revision = match status {
        200 => {
            serde_json::from_str::<serde_json::Value>(&current).unwrap()["revision"]["id"].as_i64()
        }
        _ => None,
    };
    agent()
        .put(&format!("{base}/api/v1/pages/{title}"))
        .header("Content-Type", "application/json")
        .send(serde_json::json!({ "text": text, "base_revision": base_revision }).to_string())
        .unwrap()
        .status()
        .as_u16()
}

/// The JSON of a page's history (`revisions`: newest first).
pub fn history(base: &str, title: &str) -> Vec<serde_json::Value> {
    let (status, body) = get(base, &format!("/api/v1/pages/{title}/history?limit=500"));
    assert_eq!(status, 200, "history of {title}: {body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["revisions"].as_array().unwrap().clone()
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

fn form_token(body: &str) -> String {
    let at = body.find("name=\"csrf_token\" value=\"").unwrap() + 25;
    body[at..at + 64].to_owned()
}

/// Logs in through the form: the session cookie, or the status of a refusal.
pub fn login(base: &str, name: &str, password: &str) -> Result<String, u16> {
    let mut form = agent()
        .get(&format!("{base}/account/login"))
        .call()
        .unwrap();
    let csrf = cookie_value(&form, "carnet_csrf").unwrap();
    let token = form_token(&form.body_mut().read_to_string().unwrap());
    let body = format!(
        "csrf_token={token}&name={}&password={}",
        encode(name),
        encode(password)
    );
    let login = agent()
        .post(&format!("{base}/account/login"))
        .header("Cookie", &format!("carnet_csrf={csrf}"))
        .content_type("application/x-www-form-urlencoded")
        .send(body)
        .unwrap();
    match cookie_value(&login, "carnet_session") {
        Some(session) if login.status() == 303 => Ok(session),
        _ => Err(login.status().as_u16()),
    }
}

/// A page's HTML as the holder of `session` sees it.
pub fn page_as(base: &str, path: &str, session: &str) -> String {
    agent()
        .get(&format!("{base}{path}"))
        .header("Cookie", &format!("carnet_session={session}"))
        .header("Accept-Language", "fr")
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap()
}

pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for byte in s.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}
