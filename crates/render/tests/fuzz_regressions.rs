//! Replays every input the fuzzers saved under `fuzz/regressions/` (timeouts, a memory
//! blow-up, superlinear nesting) through the renderer with the fuzz targets' own wiki and
//! safety checks, so a fixed finding stays fixed in the ordinary test run — the fuzz
//! targets themselves need a nightly toolchain and `cargo fuzz`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[path = "../../../fuzz/src/lib.rs"]
#[allow(
    dead_code,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "the fuzz helpers are shared whole, under the fuzz crate's own lints"
)]
mod carnet_fuzz;

use std::path::Path;

use carnet_core::Title;
use carnet_fuzz::{FuzzWiki, assert_safe, split_parts};
use carnet_render::{Messages, render, text_to_html};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(target);
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fuzz/regressions is part of the repository") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        found.push((name, std::fs::read(&path).unwrap()));
    }
    assert!(
        !found.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    found
}

#[test]
fn text_regressions_render_safely() {
    for (name, data) in inputs("render_text") {
        let text = String::from_utf8(data).unwrap();
        let html = text_to_html(&text);
        assert_safe(&name, &html);
        if name.contains("quote") {
            // 48 levels are kept, plus the innermost quote, empty (a leaf is never moved).
            assert!(html.matches("<blockquote>").count() <= 49, "{name}");
        }
    }
}

/// Same decoding as `fuzz_targets/render_templates.rs`: a selector byte for the page,
/// then the page text and up to three templates separated by `0xFF`.
#[test]
fn template_regressions_render_safely() {
    for (name, data) in inputs("render_templates") {
        let (&selector, rest) = data.split_first().unwrap();
        let parts = split_parts(rest).unwrap();
        let (text, templates) = parts.split_first().unwrap();
        let page = match selector {
            b'M' => "Modèle:A",
            b'C' => "Catégorie:Parcs",
            _ => "Essai",
        };
        let page = Title::parse(page).unwrap();
        let rendered = render(text, &page, &FuzzWiki::new(templates), &Messages::default());
        assert_safe(&name, &rendered.html);
    }
}
