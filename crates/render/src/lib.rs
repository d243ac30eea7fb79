//! Carnet's wikitext to safe HTML.
//!
//! Wikitext is CommonMark with GitHub's extensions (tables, task lists,
//! strikethrough, autolinks, footnotes) plus wiki links `[[Page]]` and
//! `[[Page|label]]`. One public function, [`text_to_html`]: the parser is comrak, and
//! everything it emits goes through one ammonia allow-list, so raw HTML in a page can
//! never carry a script, an event handler or a `javascript:` URL.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::Builder;
use carnet_core::Title;
use comrak::nodes::NodeValue;
use comrak::{Arena, Options, format_html, parse_document};

/// Where article URLs live; wiki links point here.
pub const WIKI_PATH: &str = "/wiki/";

/// Renders wikitext to HTML that is safe to insert in a page.
///
/// ```
/// let html = carnet_render::text_to_html("Voir [[Place du marché|la place]] <script>x</script>");
/// assert!(html.contains(r#"href="/wiki/Place_du_march%C3%A9""#));
/// assert!(!html.contains("<script"));
/// ```
pub fn text_to_html(text: &str) -> String {
    let options = comrak_options();
    let arena = Arena::new();
    let root = parse_document(&arena, text, &options);
    for node in root.descendants() {
        let mut data = node.data_mut();
        if let NodeValue::WikiLink(link) = &mut data.value {
            link.url = wiki_link_url(&link.url).unwrap_or_default();
        }
    }
    let mut html = String::new();
    if format_html(root, &options, &mut html).is_err() {
        // Writing into a String does not fail; should it ever, show nothing rather
        // than unsanitised input.
        return String::new();
    }
    SANITIZER.clean(&html).to_string()
}

/// `Page`, `Page#Section` or `#Section` → the URL of that page (or anchor). `None` for
/// a target that is not a valid title; the link then renders without destination.
fn wiki_link_url(target: &str) -> Option<String> {
    let (page, section) = match target.split_once('#') {
        Some((page, section)) => (page, Some(section)),
        None => (target, None),
    };
    let fragment = section
        .map(|section| format!("#{}", anchor(section)))
        .unwrap_or_default();
    if page.trim().is_empty() {
        return section.map(|_| fragment);
    }
    let title = Title::parse(page).ok()?;
    Some(format!("{WIKI_PATH}{}{fragment}", title.url_encoded()))
}

/// A heading anchor the way MediaWiki writes it: spaces as underscores, the rest
/// percent-encoded by the browser.
fn anchor(section: &str) -> String {
    section.split_whitespace().collect::<Vec<_>>().join("_")
}

fn comrak_options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.strikethrough = true;
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.extension.footnotes = true;
    options.extension.wikilinks_title_after_pipe = true;
    options.extension.header_id_prefix = Some(String::new());
    // Raw HTML is let through here and filtered by the sanitizer below, which knows
    // exactly which tags and attributes are safe.
    options.render.r#unsafe = true;
    options
}

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    builder
        .add_tags(["input", "section"])
        // Task lists only: any other input becomes an inert, disabled checkbox.
        .add_tag_attributes("input", ["checked"])
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        .add_tag_attributes("a", ["data-footnote-ref", "data-footnote-backref"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("section", ["data-footnotes"])
        .add_tag_attributes("td", ["align"])
        .add_tag_attributes("th", ["align"])
        .link_rel(Some("nofollow noopener noreferrer"))
        .allowed_classes(HashMap::from([
            ("a", HashSet::from(["anchor", "footnote-backref"])),
            ("section", HashSet::from(["footnotes"])),
            ("li", HashSet::from(["task-list-item"])),
            ("ul", HashSet::from(["contains-task-list"])),
        ]));
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(heading, ["id"]);
    }
    builder
});

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(text_to_html(input).trim_end(), expected, "input {input:?}");
    }

    #[test]
    fn commonmark_basics() {
        check("*a* **b**", "<p><em>a</em> <strong>b</strong></p>");
        check(
            "# Titre",
            r##"<h1 id="titre">Titre<a href="#titre" class="anchor" rel="nofollow noopener noreferrer"></a></h1>"##,
        );
    }

    #[test]
    fn gfm_extensions() {
        let html = text_to_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] fait\n- [ ] à faire\n\n~~barré~~ https://example.org",
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<td>1</td>"), "{html}");
        assert!(
            html.contains(r#"<li><input checked="" disabled="" type="checkbox"> fait</li>"#),
            "{html}"
        );
        assert!(html.contains("<del>barré</del>"), "{html}");
        assert!(html.contains(r#"<a href="https://example.org""#), "{html}");
    }

    #[test]
    fn footnotes() {
        let html = text_to_html("Texte[^1].\n\n[^1]: La note.");
        assert!(html.contains(r##"href="#fn-1""##), "{html}");
        assert!(html.contains(r#"<li id="fn-1">"#), "{html}");
    }

    #[test]
    fn wiki_links() {
        check(
            "[[Place du marché]]",
            r#"<p><a href="/wiki/Place_du_march%C3%A9" rel="nofollow noopener noreferrer">Place du marché</a></p>"#,
        );
        let html = text_to_html("[[portal:Patrimoine#Les églises|églises]]");
        assert!(
            html.contains(r#"href="/wiki/Portail:Patrimoine#Les_%C3%A9glises""#),
            "{html}"
        );
        assert!(html.contains(">églises</a>"), "{html}");
        let html = text_to_html("[[#Histoire du quartier]]");
        assert!(html.contains(r##"href="#Histoire_du_quartier""##), "{html}");
    }

    #[test]
    fn invalid_wiki_link_has_no_destination() {
        let html = text_to_html("[[a<b]]");
        assert!(!html.contains("href=\"/wiki/"), "{html}");
    }

    #[test]
    fn scripts_are_removed() {
        check("<script>alert(1)</script>", "");
        check(
            "a <img src=x onerror=alert(1)>",
            r#"<p>a <img src="x"></p>"#,
        );
    }

    #[test]
    fn javascript_urls_are_removed() {
        check(
            "[x](javascript:alert(1))",
            r#"<p><a rel="nofollow noopener noreferrer">x</a></p>"#,
        );
        check(
            "<a href=\"jAvAsCrIpT:alert(1)\">x</a>",
            r#"<p><a rel="nofollow noopener noreferrer">x</a></p>"#,
        );
    }

    #[test]
    fn iframes_styles_and_forms_are_removed() {
        check("<iframe src=\"https://evil.example\"></iframe>", "");
        check("<p style=\"position:fixed\">x</p>", "<p>x</p>");
        let html = text_to_html("<form action=/x><input name=q type=text></form>");
        assert!(!html.contains("form"), "{html}");
        assert!(!html.contains("name="), "{html}");
        assert!(!html.contains("text"), "{html}");
    }

    #[test]
    fn unknown_classes_are_removed() {
        check(
            "<span class=\"carnet-admin\">x</span>",
            "<p><span>x</span></p>",
        );
    }

    /// Every payload of a public XSS list renders without script, handler or
    /// `javascript:` URL.
    #[test]
    fn xss_corpus_is_neutralised() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/corpora/xss/xss_alert.txt"
        );
        let Ok(corpus) = std::fs::read_to_string(path) else {
            eprintln!("skipping: {path} is absent (shared corpora not beside the project)");
            return;
        };
        let mut checked = 0;
        for payload in corpus.lines().filter(|line| !line.trim().is_empty()) {
            let html = text_to_html(payload).to_lowercase();
            // Text is escaped, so `<` only ever opens a tag the sanitizer let through.
            for tag in html
                .split('<')
                .skip(1)
                .filter_map(|tag| tag.split('>').next())
            {
                let name = tag.split_whitespace().next().unwrap_or_default();
                for forbidden in [
                    "script", "iframe", "svg", "object", "embed", "style", "form",
                ] {
                    assert_ne!(name, forbidden, "{payload:?} → {html}");
                }
                // The sanitizer writes every attribute value in double quotes: even
                // parts are attribute names, odd parts are values.
                for (index, part) in tag.split('"').enumerate() {
                    if index % 2 == 1 {
                        let value = part.trim_start();
                        for scheme in ["javascript:", "vbscript:", "data:"] {
                            assert!(!value.starts_with(scheme), "{payload:?} → {html}");
                        }
                    } else {
                        let has_handler = part
                            .split_whitespace()
                            .any(|attr| attr.starts_with("on") && attr.contains('='));
                        assert!(!has_handler, "{payload:?} → {html}");
                    }
                }
            }
            checked += 1;
        }
        assert!(checked > 600, "only {checked} payloads read");
    }
}
