#![allow(clippy::unwrap_used, reason = "tests")]

//! The live editor (`web/editor`, served as `/static/editor.js`) in real headless
//! Chromium: `tests/browser/editor.mjs` drives it against a real server started here.
//!
//! - `form`: with JavaScript the edit view mounts CodeMirror, the toolbar inserts a wiki
//!   link, the preview shows the server's HTML, and the form saves the editor's text as
//!   a revision; without JavaScript the plain form saves.
//! - `live`: two browser contexts type into one page and converge. It needs the
//!   server's y-websocket endpoint; while `/api/v1/pages/{title}/live` answers 404, it
//!   is skipped with a message (the script exits 3).
//! - `five`: five logged-in writers type into one page at once, converge on every
//!   keystroke, and leave; the checkpoint revision holds the text and names all five
//!   (also skipped while the live endpoint is missing).
//! - `stale`: a form editor whose base revision goes stale sees the "page changed"
//!   notice pushed by the server (SSE) without reloading — the plain form, and the live
//!   editor fallen back to the form —, a connected live editor shows none, and the
//!   stale form's save is merged.
//! - `lazy`: the edit view fetches only the small loader, not the editor's bundle, until
//!   the writer types or clicks in the textarea (its autofocus does not count); what
//!   they type before the editor mounts is kept, with caret and focus; while a live
//!   session is open a newcomer's page loads the bundle at once and shows the others'
//!   typing without any action; and typing done before the editor mounted is merged
//!   into live text others changed meanwhile.
//!
//! Without Node.js, Chromium or `tests/browser/node_modules` (`npm ci --prefix
//! tests/browser`), both are skipped with a message, except when `CI` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use carnet_tests::{TestServer, in_ci, run_to_end};

const CHROMIUM: &str = "/usr/bin/chromium";
const TIMEOUT: Duration = Duration::from_secs(3 * 60);
/// `editor.mjs`'s exit status for a scenario it skipped.
const SKIPPED: i32 = 3;

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

/// Runs one scenario; `None` when the tools are missing (outside CI).
fn run(scenario: &str) -> Option<i32> {
    run_with(scenario, |_| Vec::new())
}

/// Runs one scenario after `setup` prepared the server; `setup` returns environment
/// variables for the script.
fn run_with(
    scenario: &str,
    setup: impl FnOnce(&TestServer) -> Vec<(&'static str, String)>,
) -> Option<i32> {
    let missing = missing();
    if !missing.is_empty() {
        let why = missing.join("; ");
        assert!(!in_ci(), "CI must run the browser editor test, but {why}");
        eprintln!(
            "skipping the browser editor test ({scenario}): {why} (with CI set, this is a failure)"
        );
        return None;
    }
    let server = TestServer::start();
    let env = setup(&server);
    let status = run_to_end(
        Command::new("node")
            .arg(browser_dir().join("editor.mjs"))
            .arg(&server.base)
            .arg(scenario)
            .current_dir(browser_dir())
            .env("CHROMIUM", CHROMIUM)
            .env_remove("CARNET_EDITOR_SOCKET")
            .envs(env),
        TIMEOUT,
        &format!("the browser editor test ({scenario})"),
    );
    Some(status.code().unwrap_or(-1))
}

#[test]
fn editor_mounts_previews_and_saves_and_plain_form_saves_without_js() {
    if let Some(code) = run("form") {
        assert_eq!(code, 0, "the editor scenario failed: see its report above");
    }
}

#[test]
fn two_live_editors_converge() {
    match run("live") {
        Some(SKIPPED) => eprintln!(
            "skipped the two-writer scenario: the live endpoint is not served yet (see the report above)"
        ),
        Some(code) => assert_eq!(
            code, 0,
            "the two-writer scenario failed: see its report above"
        ),
        None => {}
    }
}

/// The five writers of the `five` scenario (accounts, so that history names them).
const FIVE: [&str; 5] = ["Alix", "Basile", "Chloé", "Dounia", "Émile"];

#[test]
fn five_live_editors_converge_and_the_checkpoint_names_all_five() {
    let outcome = run_with("five", |server| {
        for name in FIVE {
            server
                .store()
                .create_user(
                    &carnet_core::UserName::parse(name).unwrap(),
                    &carnet_tests::TEST_PASSWORD_HASH,
                    carnet_core::Role::Writer,
                )
                .unwrap()
                .unwrap();
        }
        vec![
            ("CARNET_WRITERS", FIVE.join(",")),
            ("CARNET_PASSWORD", carnet_tests::TEST_PASSWORD.to_owned()),
        ]
    });
    match outcome {
        Some(SKIPPED) => eprintln!(
            "skipped the five-writer scenario: the live endpoint is not served (see the report above)"
        ),
        Some(code) => assert_eq!(
            code, 0,
            "the five-writer scenario failed: see its report above"
        ),
        None => {}
    }
}

#[test]
fn a_stale_form_editor_sees_the_change_notice_without_reloading() {
    if let Some(code) = run("stale") {
        assert_eq!(
            code, 0,
            "the stale-form scenario failed: see its report above"
        );
    }
}

#[test]
fn the_editor_loads_at_the_first_keystroke_or_at_once_while_live_and_keeps_early_typing() {
    if let Some(code) = run("lazy") {
        assert_eq!(
            code, 0,
            "the lazy-loading scenario failed: see its report above"
        );
    }
}
