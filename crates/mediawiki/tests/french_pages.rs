//! Real French pages (`../shared/corpora/mediawiki-xml/frwikiquote-Kaamelott*.xml`):
//! the latest revision is converted and rendered; no word of the page may be lost on
//! the way.
//!
//! 1. Every word of the MediaWiki text is in the converted text.
//! 2. Every word of the converted text outside template calls, comments and link
//!    targets is in the rendered page's text (the templates do not exist in the
//!    rendering wiki, so their arguments cannot show).

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests"
)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use carnet_core::Title;
use carnet_render::{Messages, NoData, render};

fn corpus() -> Option<PathBuf> {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpora/mediawiki-xml"
    ));
    path.is_dir().then_some(path)
}

fn unescape_xml(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#039;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The text of the last revision of the first page.
fn latest_text(xml: &str) -> String {
    let start = xml.rfind("<text").unwrap();
    let open_end = start + xml[start..].find('>').unwrap() + 1;
    let end = open_end + xml[open_end..].find("</text>").unwrap();
    unescape_xml(&xml[open_end..end])
}

fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

/// Removes the `open … close` regions (balanced) of `text`.
fn without(text: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut rest = text;
    while !rest.is_empty() {
        if rest.starts_with(open) {
            depth += 1;
            rest = &rest[open.len()..];
        } else if depth > 0 && rest.starts_with(close) {
            depth -= 1;
            rest = &rest[close.len()..];
        } else {
            let c = rest.chars().next().unwrap();
            if depth == 0 {
                out.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// `[[target|label]]` → `label`; `[label](url)` → `label`.
fn link_labels(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &after[..end];
        let lower = inner.to_lowercase();
        if !lower.starts_with("catégorie:") && !lower.starts_with("category:") {
            out.push_str(inner.rsplit('|').next().unwrap_or(inner));
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    without(&out, "](", ")")
}

fn html_text(html: &str) -> String {
    // Tags separate words.
    without(&html.replace('<', " <"), "<", ">")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[test]
fn kaamelott_pages_lose_no_word() {
    let Some(dir) = corpus() else {
        eprintln!("skipping: ../shared/corpora/mediawiki-xml is absent");
        return;
    };
    let mut pages = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("frwikiquote-Kaamelott") || !name.ends_with(".xml") {
            continue;
        }
        pages += 1;
        let source = latest_text(&std::fs::read_to_string(&path).unwrap());
        let converted = carnet_mediawiki::convert::convert(&source);
        // Tag names (`<poem>`) and interwiki prefixes (`[[wikt:…]]`, now an address)
        // are markup, not words.
        let markup_free = without(&source, "<", ">")
            .replace("[[wikt:", "[[")
            .replace("[[:wikt:", "[[");
        let lost: Vec<_> = words(&markup_free)
            .difference(&words(&converted.text))
            .cloned()
            .collect();
        assert!(
            lost.is_empty(),
            "{name}: words lost in conversion: {lost:?}"
        );

        let page = Title::parse("Kaamelott").unwrap();
        let rendered = render(&converted.text, &page, &NoData, &Messages::default());
        let visible = link_labels(&without(
            &without(&converted.text, "{{", "}}"),
            "<!--",
            "-->",
        ));
        let shown = words(&html_text(&rendered.html));
        let lost: Vec<_> = words(&visible).difference(&shown).cloned().collect();
        assert!(lost.is_empty(), "{name}: words lost in rendering: {lost:?}");
        eprintln!(
            "{name}: {} bytes of wikitext, {} words, unconverted: {:?}",
            source.len(),
            words(&source).len(),
            converted.unconverted
        );
    }
    assert!(pages >= 2, "the two Kaamelott pages are in the corpus");
}
