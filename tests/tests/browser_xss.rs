#![allow(clippy::unwrap_used, reason = "tests")]

//! Every payload of the public XSS list `shared/corpora/xss/xss_alert.txt`, put in page
//! texts, titles, edit summaries, display names and account names of a real Carnet
//! server, loaded in real headless Chromium (Debian's `/usr/bin/chromium`): no script
//! may run, with the Content-Security-Policy as served and with it bypassed. The work
//! is done by `tests/browser/xss.mjs` (playwright-core); this test starts the server
//! and runs it.
//!
//! Without Node.js, Chromium, `tests/browser/node_modules` (`npm ci --prefix
//! tests/browser`) or the corpus, the test is skipped with a message — except when the
//! `CI` variable is set, where it fails: CI must run it (`.ci/run` installs what it
//! needs).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use carnet_tests::{TestServer, in_ci, run_to_end};

const CHROMIUM: &str = "/usr/bin/chromium";
/// The script bounds itself to twelve minutes; this only catches a hung process.
const TIMEOUT: Duration = Duration::from_secs(15 * 60);

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser")
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora/xss/xss_alert.txt")
}

fn node_works() -> bool {
    Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// What the test needs and does not find.
fn missing() -> Vec<String> {
    let mut missing = Vec::new();
    if !node_works() {
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
    if !corpus().is_file() {
        missing.push(format!(
            "{} is absent (shared corpora not beside the project)",
            corpus().display()
        ));
    }
    missing
}

#[test]
fn no_xss_payload_runs_script_in_chromium() {
    let missing = missing();
    if !missing.is_empty() {
        let why = missing.join("; ");
        assert!(!in_ci(), "CI must run the browser XSS test, but {why}");
        eprintln!("skipping the browser XSS test: {why} (with CI set, this is a failure)");
        return;
    }

    let server = TestServer::start();
    let script = browser_dir().join("xss.mjs");
    eprintln!("running node {} {}", script.display(), server.base);
    let status = run_to_end(
        Command::new("node")
            .arg(&script)
            .arg(&server.base)
            .current_dir(browser_dir())
            .env("CARNET_XSS_CORPUS", corpus())
            .env("CHROMIUM", CHROMIUM),
        TIMEOUT,
        "the browser XSS test",
    );
    assert!(
        status.success(),
        "script ran in Chromium, or the browser test could not run ({status}): see its report above"
    );
}
