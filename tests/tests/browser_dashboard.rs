#![allow(clippy::unwrap_used, reason = "tests")]

//! The wiki-journée dashboard in real headless Chromium: `tests/browser/dashboard.mjs`
//! opens an open event's page and checks that a page saved over HTTP meanwhile shows up
//! on it without a reload (server-sent events), and that without JavaScript the page is
//! complete.
//!
//! Without Node.js, Chromium or `tests/browser/node_modules` (`npm ci --prefix
//! tests/browser`), it is skipped with a message, except when `CI` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use carnet_core::{EventDraft, Role};
use carnet_tests::{TestServer, in_ci, run_to_end};

const CHROMIUM: &str = "/usr/bin/chromium";
const TIMEOUT: Duration = Duration::from_secs(2 * 60);

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser")
}

fn missing() -> Vec<String> {
    let mut missing = Vec::new();
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !node {
        missing.push("`node` is not on the PATH (apt-get install nodejs npm)".to_owned());
    }
    if !Path::new(CHROMIUM).exists() {
        missing.push(format!("{CHROMIUM} is absent (apt-get install chromium)"));
    }
    let modules = browser_dir().join("node_modules");
    if !modules.join("playwright-core").is_dir() {
        missing.push(format!(
            "{} is absent (npm ci --prefix tests/browser)",
            modules.display()
        ));
    }
    missing
}

#[test]
fn the_dashboard_updates_live_in_a_browser() {
    let missing = missing();
    if !missing.is_empty() {
        let why = missing.join("; ");
        assert!(
            !in_ci(),
            "CI must run the browser dashboard test, but {why}"
        );
        eprintln!("skipping the browser dashboard test: {why} (with CI set, this is a failure)");
        return;
    }
    let server = TestServer::start();
    // An event for every address, open for an hour, opened by an animatrice.
    drop(server.account("Animatrice", Role::Animateur));
    let now = chrono::Utc::now();
    let minute = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%dT%H:%M").to_string();
    let draft = EventDraft::parse(
        "Atelier en direct",
        &minute(now),
        &minute(now + chrono::Duration::hours(1)),
        "",
        now,
    )
    .unwrap();
    let animatrice = server.store().users().unwrap()[0].id;
    let event = server
        .store()
        .create_event(&draft, animatrice, now)
        .unwrap();
    let status = run_to_end(
        Command::new("node")
            .arg(browser_dir().join("dashboard.mjs"))
            .arg(&server.base)
            .arg(format!("/wiki/Sp%C3%A9cial:%C3%89v%C3%A9nements/{event}"))
            .current_dir(browser_dir())
            .env("CHROMIUM", CHROMIUM),
        TIMEOUT,
        "the browser dashboard test",
    );
    assert_eq!(
        status.code(),
        Some(0),
        "the dashboard scenario failed: see its report above"
    );
}
