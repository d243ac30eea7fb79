#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

//! The live editor as the server delivers it: the small loader the edit form links, the
//! committed bundle at a fingerprinted URL (imported by the loader, not by the page),
//! and the edit form's `data-` attributes. (The browser tests drive it:
//! `browser_editor.rs`.)

use carnet_tests::{TestServer, html_unescape, temporary_prefix};

const BUNDLE: &str = include_str!("../../web/static/editor.js");
const LOADER: &str = include_str!("../../web/static/editor-loader.js");

/// The value of `name="…"` on the edit form, entities decoded.
fn form_attribute(body: &str, name: &str) -> String {
    let form = &body[body.find("<form method=\"post\"").unwrap()..];
    let tag = &form[..form.find('>').unwrap()];
    let marker = format!(" {name}=\"");
    let start = tag
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + marker.len();
    html_unescape(&tag[start..start + tag[start..].find('"').unwrap()])
}

fn script_src(body: &str) -> String {
    let marker = "<script type=\"module\" src=\"";
    let start = body.find(marker).unwrap() + marker.len();
    let rest = &body[start..];
    let src = &rest[..rest.find('"').unwrap()];
    assert!(
        rest.starts_with(&format!("{src}\" defer></script>")),
        "{rest:.80}"
    );
    html_unescape(src)
}

#[test]
fn the_bundle_is_served_fingerprinted_and_cached_for_a_year() {
    let server = TestServer::start();
    let form = server.get("/wiki/Bac_%C3%A0_sable?action=edit");
    // The page loads only the loader; the bundle's URL is the form's for the loader.
    let loader = script_src(&form.body);
    assert!(
        loader.starts_with("/static/editor-loader.js?v="),
        "{loader}"
    );
    assert_eq!(form.body.matches("<script type=\"module\"").count(), 2);
    assert!(
        !form
            .body
            .contains("<script type=\"module\" src=\"/static/editor.js")
    );
    let src = form_attribute(&form.body, "data-editor-src");
    assert!(src.starts_with("/static/editor.js?v="), "{src}");
    assert_eq!(form_attribute(&form.body, "data-live-open"), "false");
    for (href, body, what) in [
        (&src, BUNDLE, "the committed bundle"),
        (&loader, LOADER, "the loader"),
    ] {
        let script = server.get(href);
        script.assert_status(200);
        assert_eq!(
            script.header("content-type"),
            Some("application/javascript; charset=utf-8")
        );
        assert_eq!(
            script.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(script.body, body, "the binary serves {what}");
    }
    // A few hundred bytes (the bundle is some 430 KB).
    assert!(LOADER.len() < 4096, "{}", LOADER.len());
    // The CSP allows it (same origin) and nothing inline.
    let csp = form.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!form.body.contains("<script>"));
}

#[test]
fn a_fresh_edit_form_tells_the_editor_where_the_live_document_is() {
    let server = TestServer::start();
    let mut browser = server.browser();
    browser
        .edit("Compte_rendu", "Ordre du jour", "début")
        .assert_status(303);
    let form = browser.get("/wiki/Compte_rendu?action=edit");
    form.assert_status(200);
    assert_eq!(form_attribute(&form.body, "data-title"), "Compte rendu");
    assert_eq!(
        form_attribute(&form.body, "data-live"),
        "/api/v1/pages/Compte_rendu/live"
    );
    assert_eq!(form_attribute(&form.body, "data-render"), "/api/v1/render");
    assert_eq!(form_attribute(&form.body, "data-readonly"), "false");
    // The writer's temporary identity names them to the others.
    assert!(form_attribute(&form.body, "data-user").starts_with(&temporary_prefix()));
    let strings: serde_json::Value =
        serde_json::from_str(&form_attribute(&form.body, "data-strings")).unwrap();
    assert_eq!(strings["guest"], "Invité·e");
    assert_eq!(strings["link"], "Lien");

    let english = server.get_with(
        "/wiki/Compte_rendu?action=edit",
        &[("Accept-Language", "en")],
    );
    assert_eq!(form_attribute(&english.body, "data-user"), "");
    let strings: serde_json::Value =
        serde_json::from_str(&form_attribute(&english.body, "data-strings")).unwrap();
    assert_eq!(strings["guest"], "Guest");
}

#[test]
fn a_form_holding_its_own_text_is_not_swapped_for_the_live_one() {
    let server = TestServer::start();
    let mut browser = server.browser();
    browser
        .edit("Compte_rendu", "Première version", "début")
        .assert_status(303);
    let first = server.get("/api/v1/pages/Compte_rendu").json()["revision"]["id"]
        .as_i64()
        .unwrap();
    browser
        .edit("Compte_rendu", "Deuxième version", "suite")
        .assert_status(303);
    // An old revision's text.
    let old = browser.get(&format!("/wiki/Compte_rendu?action=edit&oldid={first}"));
    assert_eq!(form_attribute(&old.body, "data-live"), "");
    // A preview shows the writer's own text back.
    let form = browser.get("/wiki/Compte_rendu?action=edit");
    let token = form.field("csrf_token").unwrap();
    let base = form.field("base_revision").unwrap();
    let preview = browser.post_form(
        "/wiki/Compte_rendu?action=edit",
        &[
            ("csrf_token", &token),
            ("base_revision", &base),
            ("text", "Mon brouillon"),
            ("summary", ""),
            ("do", "preview"),
        ],
    );
    preview.assert_status(200);
    assert_eq!(preview.field("text").unwrap(), "Mon brouillon");
    assert_eq!(form_attribute(&preview.body, "data-live"), "");
}

#[test]
fn those_who_may_not_edit_watch_read_only() {
    let server = TestServer::start();
    let mut browser = server.browser();
    browser
        .edit("Charte", "Texte adopté", "début")
        .assert_status(303);
    let form = browser.get("/wiki/Charte?action=edit");
    let signer = server
        .store()
        .user_named(&form_attribute(&form.body, "data-user"))
        .unwrap()
        .unwrap();
    let protection = carnet_core::rights::Protection {
        level: carnet_core::rights::ProtectionLevel::Administrators,
        reason: "adopté".into(),
        expires: None,
    };
    assert!(
        server
            .store()
            .protect(
                &carnet_core::Title::parse("Charte").unwrap(),
                Some(&protection),
                &signer,
                "adopté"
            )
            .unwrap()
    );
    let form = server.get("/wiki/Charte?action=edit");
    form.assert_status(403);
    assert_eq!(form_attribute(&form.body, "data-readonly"), "true");
    assert_eq!(
        form_attribute(&form.body, "data-live"),
        "/api/v1/pages/Charte/live"
    );
}

/// Typing done before the live document arrived is merged into it without loss
/// (`diff` and `mergeTyping` of the committed bundle, on seeded random edits):
/// `web/editor/test/merge.mjs` under Node, which needs no browser and no npm packages.
#[test]
fn early_typing_merges_into_the_live_text_without_loss() {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/editor/test/merge.mjs");
    let output = match std::process::Command::new("node").arg(&script).output() {
        Ok(output) => output,
        Err(error) => {
            assert!(
                !carnet_tests::in_ci(),
                "CI must run the merge test, but node: {error}"
            );
            eprintln!("skipping the merge test: node cannot run ({error})");
            return;
        }
    };
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
