//! Every example of `docs/wikitext.md` is checked: each ```` ```wikitext ```` block is
//! rendered on the page « Bac à sable » of the fixed example wiki described at the top of
//! that document, and the ```` ```html ```` block that follows it must appear in the
//! output (both normalised, see [`normalise`]); a fragment is enough. An optional
//! ```` ```catégories ```` block after it lists the page's categories exactly, one a line
//! (`Catégorie:Nom` or `Catégorie:Nom|clé`).
//!
//! `WIKITEXT_DOC_SHOW=1 cargo test -p carnet-render --test wikitext_doc -- --nocapture`
//! prints every rendering, to write new examples.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests"
)]

use std::collections::{HashMap, HashSet};

use carnet_core::{Namespace, Title};
use carnet_render::{FileInfo, ListOrder, Messages, WikiData, render};

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/wikitext.md");

/// The page every example is rendered on.
const PAGE: &str = "Bac à sable";

/// The example wiki of `docs/wikitext.md` (keep the two in step): pages with their text.
const PAGES: &[(&str, &str)] = &[
    (
        "Place du marché",
        "La place du marché, au cœur du quartier.",
    ),
    ("Pont", "Le pont de pierre."),
    ("Portail:Patrimoine", "Le patrimoine du quartier."),
    ("Catégorie:Parcs", "Les parcs et jardins du quartier."),
    ("Jardin des plantes", "[[Catégorie:Parcs]]"),
    ("Parc de la Tête d'Or", "[[Catégorie:Parcs]]"),
    ("Square Violet", "[[Catégorie:Parcs]]"),
    ("Modèle:Bonjour", "Bonjour {{{1|à tous}}} !"),
    (
        "Modèle:Infobox",
        "<noinclude>Fiche d'un lieu : `{{Infobox|nom=…|année=…}}`.\n\n</noinclude>\
         | Lieu | {{{nom|sans nom}}} |\n|---|---|\n| Année | {{{année|inconnue}}} |",
    ),
    (
        "Modèle:Citation",
        "<includeonly>[[Catégorie:Citations]]</includeonly>\n> {{{1}}}\n>\n> — {{{auteur|anonyme}}}",
    ),
    (
        "Modèle:Extrait",
        "Texte de la page du modèle. <onlyinclude>Seul ce passage est inclus.</onlyinclude> Fin.",
    ),
    ("Modèle:Boucle", "Encore {{Boucle}}"),
];

/// An uploaded file of the example wiki: name, kind, MIME type, size of a picture.
type ExampleFile = (&'static str, &'static str, &'static str, Option<(u32, u32)>);

/// The uploaded files of the example wiki.
const FILES: &[ExampleFile] = &[
    (
        "Fichier:Marché.jpg",
        "jpeg",
        "image/jpeg",
        Some((1600, 1200)),
    ),
    (
        "Fichier:Plan du quartier.pdf",
        "pdf",
        "application/pdf",
        None,
    ),
    ("Fichier:Cloches.ogg", "ogg", "audio/ogg", None),
];

/// Every example file's content hash (the SHA-256 of `test`).
const FILE_SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// Members of Catégorie:Parcs in creation order, with their rank by last change (1 =
/// most recent).
const PARCS: &[(&str, usize)] = &[
    ("Jardin des plantes", 3),
    ("Parc de la Tête d'Or", 1),
    ("Square Violet", 2),
];

struct ExampleWiki {
    pages: HashMap<Title, String>,
}

impl ExampleWiki {
    fn new() -> ExampleWiki {
        ExampleWiki {
            pages: PAGES
                .iter()
                .map(|(title, text)| (Title::parse(title).unwrap(), (*text).to_owned()))
                .collect(),
        }
    }
}

impl WikiData for ExampleWiki {
    fn existing(&self, titles: &[Title]) -> HashSet<Title> {
        titles
            .iter()
            .filter(|title| self.pages.contains_key(*title))
            .cloned()
            .collect()
    }

    fn template_source(&self, title: &Title) -> Option<String> {
        self.pages.get(title).cloned()
    }

    fn category_members(&self, category: &Title, limit: usize, order: ListOrder) -> Vec<Title> {
        if category != &Title::parse("Catégorie:Parcs").unwrap() {
            return Vec::new();
        }
        let mut members: Vec<(usize, &str, usize)> = PARCS
            .iter()
            .enumerate()
            .map(|(created, (name, changed))| (created, *name, *changed))
            .collect();
        match order {
            ListOrder::Alphabetical => members.sort_by_key(|(_, name, _)| *name),
            ListOrder::Newest => members.sort_by_key(|(created, _, _)| std::cmp::Reverse(*created)),
            ListOrder::RecentlyChanged => members.sort_by_key(|(_, _, changed)| *changed),
        }
        members
            .iter()
            .take(limit)
            .map(|(_, name, _)| Title::parse(name).unwrap())
            .collect()
    }

    fn page_count(&self) -> u64 {
        self.pages
            .keys()
            .filter(|title| title.namespace() == Namespace::Main)
            .count() as u64
    }

    fn files(&self, titles: &[Title]) -> HashMap<Title, FileInfo> {
        FILES
            .iter()
            .map(|(name, kind, mime, size)| {
                let info = FileInfo {
                    sha256: FILE_SHA.to_owned(),
                    kind: (*kind).to_owned(),
                    mime: (*mime).to_owned(),
                    width: size.map(|s| s.0),
                    height: size.map(|s| s.1),
                    is_image: size.is_some(),
                };
                (Title::parse(name).unwrap(), info)
            })
            .filter(|(title, _)| titles.contains(title))
            .collect()
    }
}

/// One checked example of the document.
#[derive(Debug)]
struct DocExample {
    line: usize,
    wikitext: String,
    html: String,
    categories: Option<Vec<String>>,
}

/// A fenced block: its info string, its text and the line after it. Fences are runs of
/// three or more backticks; the block ends at a line holding the same run alone, so a
/// four-backtick block may show a three-backtick one.
fn fenced_block(lines: &[&str], start: usize) -> Option<(String, String, usize)> {
    let opening = lines.get(start)?;
    let fence_len = opening.chars().take_while(|c| *c == '`').count();
    if fence_len < 3 {
        return None;
    }
    let fence = &opening[..fence_len];
    let info = opening[fence_len..].trim().to_owned();
    let mut text = String::new();
    for (index, line) in lines.iter().enumerate().skip(start + 1) {
        if line.trim_end() == fence {
            return Some((info, text, index + 1));
        }
        text.push_str(line);
        text.push('\n');
    }
    panic!("docs/wikitext.md line {}: unclosed block", start + 1);
}

fn next_block(lines: &[&str], mut at: usize) -> Option<(String, String, usize)> {
    while lines.get(at).is_some_and(|line| line.trim().is_empty()) {
        at += 1;
    }
    fenced_block(lines, at)
}

fn examples(doc: &str) -> Vec<DocExample> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut examples = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        let Some((info, wikitext, after)) = fenced_block(&lines, at) else {
            at += 1;
            continue;
        };
        if info != "wikitext" {
            at = after;
            continue;
        }
        let (html_info, html, mut after_html) = next_block(&lines, after)
            .unwrap_or_else(|| panic!("docs/wikitext.md line {}: no html block", at + 1));
        assert_eq!(
            html_info,
            "html",
            "docs/wikitext.md line {}: a wikitext block must be followed by an html block",
            at + 1
        );
        let mut categories = None;
        if let Some((info, text, after)) = next_block(&lines, after_html)
            && info == "catégories"
        {
            categories = Some(text.lines().map(str::to_owned).collect());
            after_html = after;
        }
        examples.push(DocExample {
            line: at + 1,
            wikitext,
            html,
            categories,
        });
        at = after_html;
    }
    examples
}

// ---------------------------------------------------------------------------------------
// Normalisation, for "the fragment appears in the output": tag and attribute names
// lower-cased and attributes sorted (ammonia writes forced attributes in no fixed
// order); entities decoded and re-encoded one way (`&quot;` and `"` in text are the same
// text); `<br />` written `<br>`; whitespace runs become one space and whitespace-only
// text between tags is dropped, so a fragment may be laid out on several lines.

fn normalise(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let mut text = String::new();
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some((tag, after)) = tag(rest)
        {
            push_text(&mut out, &std::mem::take(&mut text));
            out.push_str(&tag);
            rest = after;
            continue;
        }
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    push_text(&mut out, &text);
    out
}

fn push_text(out: &mut String, text: &str) {
    let decoded = decode(text);
    if decoded.trim().is_empty() {
        return;
    }
    let collapsed = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    let leading = decoded.starts_with(char::is_whitespace);
    let trailing = decoded.ends_with(char::is_whitespace);
    if leading {
        out.push(' ');
    }
    out.push_str(
        &collapsed
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;"),
    );
    if trailing {
        out.push(' ');
    }
}

/// A start tag, end tag or comment at the start of `s`, normalised.
fn tag(s: &str) -> Option<(String, &str)> {
    if let Some(body) = s.strip_prefix("<!--") {
        let end = body.find("-->")?;
        return Some((s[..end + 7].to_owned(), &body[end + 3..]));
    }
    let end = s.find('>')?;
    let inner = &s[1..end];
    let after = &s[end + 1..];
    if let Some(name) = inner.strip_prefix('/') {
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        return Some((format!("</{}>", name.to_ascii_lowercase()), after));
    }
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    if name_len == 0 {
        return None;
    }
    let name = inner[..name_len].to_ascii_lowercase();
    let mut attributes = Vec::new();
    let mut rest = &inner[name_len..];
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let key_len = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let key = rest[..key_len].to_ascii_lowercase();
        rest = rest[key_len..].trim_start();
        let mut value = String::new();
        if let Some(after_eq) = rest.strip_prefix('=') {
            let after_eq = after_eq.trim_start();
            if let Some(quoted) = after_eq.strip_prefix('"') {
                let close = quoted.find('"')?;
                value = decode(&quoted[..close]);
                rest = &quoted[close + 1..];
            } else {
                let close = after_eq.find(char::is_whitespace).unwrap_or(after_eq.len());
                value = decode(&after_eq[..close]);
                rest = &after_eq[close..];
            }
        }
        attributes.push((key, value));
    }
    attributes.sort();
    let mut out = format!("<{name}");
    for (key, value) in attributes {
        let value = value
            .replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        out.push_str(&format!(" {key}=\"{value}\""));
    }
    out.push('>');
    Some((out, after))
}

fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|end| *end < 12).and_then(|end| {
            let c = match &rest[1..end] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" | "#39" => '\'',
                "nbsp" => '\u{a0}',
                _ => return None,
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn every_example_of_the_wikitext_reference_renders_as_documented() {
    let doc = std::fs::read_to_string(DOC).unwrap();
    let examples = examples(&doc);
    assert!(
        examples.len() >= 40,
        "only {} examples found in docs/wikitext.md",
        examples.len()
    );
    let wiki = ExampleWiki::new();
    let page = Title::parse(PAGE).unwrap();
    let messages = Messages::default();
    let show = std::env::var_os("WIKITEXT_DOC_SHOW").is_some();
    let mut failures = Vec::new();
    for example in &examples {
        let rendered = render(&example.wikitext, &page, &wiki, &messages);
        if show {
            eprintln!(
                "--- line {}\n{}=> {}",
                example.line, example.wikitext, rendered.html
            );
        }
        let expected = normalise(example.html.trim());
        let actual = normalise(&rendered.html);
        if !actual.contains(expected.trim()) {
            failures.push(format!(
                "line {}: {:?}\n  expected to contain: {}\n  got: {}",
                example.line, example.wikitext, expected, actual
            ));
        }
        if let Some(categories) = &example.categories {
            let actual: Vec<String> = rendered
                .categories
                .iter()
                .map(|(link, _)| match &link.sort_key {
                    Some(key) => format!("{}|{key}", link.category),
                    None => link.category.to_string(),
                })
                .collect();
            if &actual != categories {
                failures.push(format!(
                    "line {}: categories {actual:?}, documented {categories:?}",
                    example.line
                ));
            }
        }
    }
    eprintln!(
        "docs/wikitext.md: {} examples checked, {} failing",
        examples.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// The fixed example wiki described in the document is the one the test uses.
#[test]
fn the_document_describes_the_example_wiki() {
    let doc = std::fs::read_to_string(DOC).unwrap();
    for (title, _) in PAGES {
        assert!(
            doc.contains(&format!("« {title} »")),
            "docs/wikitext.md does not list the example page « {title} »"
        );
    }
    for (title, ..) in FILES {
        assert!(
            doc.contains(&format!("« {title} »")),
            "docs/wikitext.md does not list the example file « {title} »"
        );
    }
    assert!(doc.contains(FILE_SHA));
    assert!(doc.contains(&format!("« {PAGE} »")));
}
