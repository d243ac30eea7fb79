//! Conformance of the MediaWiki → Carnet converter against MediaWiki's own parser tests
//! (`../shared/corpora/mediawiki-parsertests-1.39/parserTests.txt`).
//!
//! Each usable test's wikitext is converted, rendered by Carnet (`carnet_render::render`,
//! with the test file's articles as the wiki's pages, templates converted too), and the
//! result compared with MediaWiki's expected HTML on *structure and text*, not bytes:
//!
//! - headings: level and text, in order;
//! - links: target (internal: the page title, `_` as space, first letter capital,
//!   fragment dropped; external: the address) and text, in order — links to an anchor
//!   of the page itself (footnote calls and back-links) are left out;
//! - list items (`<ul>`/`<ol>`): depth and kind, in order;
//! - table cells: header or not, and text, in order;
//! - bold and italic: `<b>`/`<strong>` and `<i>`/`<em>` with their text, in order (a
//!   definition term `<dt>` counts as bold: the converter writes `;terme` in bold);
//! - the text: every character outside tags, with whitespace removed (paragraph and
//!   line breaks differ by design), and the table of contents, footnote brackets and
//!   back-link arrows left out.
//!
//! Tests are skipped when their options ask for something the converter cannot honour
//! (pre-save transform, another title or language, subpages, categories or
//! interlanguage links in the output, configuration changes) or when they have no
//! output for MediaWiki's own parser (Parsoid-only). Each test goes to one construct
//! family; the tried and passed counts per family are printed and each family must
//! keep at least its measured floor.
//!
//! Run: `cargo test -p carnet-mediawiki --test parser_tests -- --nocapture`.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests"
)]

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use carnet_core::Title;
use carnet_mediawiki::convert::Options;
use carnet_render::{Messages, WikiData, render};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

fn corpus() -> Option<PathBuf> {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpora/mediawiki-parsertests-1.39/parserTests.txt"
    ));
    path.is_file().then_some(path)
}

// ---------------------------------------------------------------------------------------
// The test file

#[derive(Debug, Default, Clone)]
struct Case {
    name: String,
    wikitext: String,
    html: Option<String>,
    options: String,
    config: bool,
}

#[derive(Debug, Default)]
struct TestFile {
    cases: Vec<Case>,
    /// `!! article` pages: (title, text).
    articles: Vec<(String, String)>,
}

fn parse_file(text: &str) -> TestFile {
    let mut file = TestFile::default();
    let mut section: Option<String> = None;
    let mut buffer = String::new();
    let mut case = Case::default();
    let mut article_title = String::new();
    let finish = |section: &Option<String>,
                  buffer: &mut String,
                  case: &mut Case,
                  article_title: &mut String,
                  file: &mut TestFile| {
        let content = std::mem::take(buffer);
        let content = content.strip_suffix('\n').unwrap_or(&content).to_owned();
        match section.as_deref() {
            Some("test") => case.name = content.trim().to_owned(),
            Some("wikitext") => case.wikitext = content,
            Some("html/php") => case.html = Some(content),
            Some("html") | Some("html/*") if case.html.is_none() => case.html = Some(content),
            Some("options") => case.options = content,
            Some("config") => case.config = true,
            Some("article") => *article_title = content.trim().to_owned(),
            Some("text") => file.articles.push((std::mem::take(article_title), content)),
            _ => {}
        }
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("!!") {
            let name = rest.trim().to_ascii_lowercase();
            finish(
                &section,
                &mut buffer,
                &mut case,
                &mut article_title,
                &mut file,
            );
            match name.as_str() {
                "end" => {
                    file.cases.push(std::mem::take(&mut case));
                    section = None;
                }
                "endarticle" => section = None,
                _ => section = Some(name),
            }
            continue;
        }
        if section.is_some() {
            buffer.push_str(line);
            buffer.push('\n');
        }
    }
    file
}

/// Options that ask for something else than rendering the wikitext as an article.
const UNSUPPORTED_OPTIONS: [&str; 20] = [
    "disabled",
    "pst",
    "msg",
    "comment",
    "subpage",
    "title=",
    "language=",
    "variant=",
    "showtitle",
    "showindicators",
    "ill",
    "cat",
    "property=",
    "extension=",
    "local",
    "showflags",
    "showmedia",
    "preprocessor",
    "section=",
    "replace=",
];

fn usable(case: &Case) -> bool {
    if case.config || case.html.is_none() {
        return false;
    }
    let options = case.options.to_ascii_lowercase();
    !options.split(|c: char| c.is_whitespace()).any(|word| {
        UNSUPPORTED_OPTIONS.iter().any(|o| {
            if o.ends_with('=') {
                word.starts_with(o)
            } else {
                word == *o
            }
        })
    })
}

// ---------------------------------------------------------------------------------------
// Families

const FAMILIES: [&str; 14] = [
    "headings",
    "bold-italic",
    "lists",
    "definition-lists",
    "links-internal",
    "links-external",
    "tables",
    "refs",
    "nowiki",
    "pre",
    "templates",
    "magic-words",
    "html-tags",
    "other",
];

fn family(case: &Case) -> &'static str {
    let name = case.name.to_lowercase();
    let text = &case.wikitext;
    let line_starts = |chars: &[char]| {
        text.lines()
            .any(|l| l.starts_with(|c: char| chars.contains(&c)))
    };
    if text.contains("<ref") || text.contains("<references") {
        "refs"
    } else if text.contains("{|") || name.contains("table") {
        "tables"
    } else if text.contains("{{") {
        "templates"
    } else if name.contains("nowiki") || text.contains("<nowiki") {
        "nowiki"
    } else if name.contains("definition list") || line_starts(&[';', ':']) {
        "definition-lists"
    } else if name.contains("list") || line_starts(&['*', '#']) {
        "lists"
    } else if name.contains("heading") || name.contains("section") || line_starts(&['=']) {
        "headings"
    } else if text.contains("<pre")
        || name.contains("indent-pre")
        || name.contains("preformatted")
        || line_starts(&[' '])
    {
        "pre"
    } else if text.contains("[[") {
        "links-internal"
    } else if text.contains("http:")
        || text.contains("https:")
        || text.contains("[//")
        || text.contains("mailto:")
        || text.contains("ftp:")
    {
        "links-external"
    } else if text.contains("''") {
        "bold-italic"
    } else if text.contains("__") {
        "magic-words"
    } else if text.contains('<') {
        "html-tags"
    } else {
        "other"
    }
}

// ---------------------------------------------------------------------------------------
// Structure of HTML

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Structure {
    headings: Vec<(u8, String)>,
    links: Vec<(String, String)>,
    items: Vec<(usize, bool)>,
    cells: Vec<(bool, String)>,
    /// Bold (`b`) and italic (`i`) runs with their text, in the order they close.
    emphasis: Vec<(char, String)>,
    text: String,
}

#[derive(Default)]
struct Collector {
    structure: Structure,
    /// Open captures: (kind, start in `text`, extra).
    heading: Option<(u8, usize)>,
    link: Option<(String, usize)>,
    cell: Option<(bool, usize)>,
    lists: Vec<bool>,
    /// Open bold and italic elements.
    emphasis: Vec<(char, usize)>,
    /// Inside the table of contents (skipped): the tag and its depth.
    skip: Option<(String, usize)>,
    /// Raw text (before whitespace removal).
    raw: String,
}

struct Sink(RefCell<Collector>);

fn attr(tag: &html5ever::tokenizer::Tag, name: &str) -> Option<String> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| a.value.to_string())
}

fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '↑' | '↩' | '^'))
        .collect()
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut c = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                let start = tag.kind == TagKind::StartTag;
                if let Some((skip_tag, depth)) = c.skip.clone() {
                    if name == skip_tag && !tag.self_closing {
                        let depth = if start { depth + 1 } else { depth - 1 };
                        c.skip = (depth > 0).then_some((skip_tag, depth));
                    }
                    return TokenSinkResult::Continue;
                }
                if start {
                    let id = attr(&tag, "id").unwrap_or_default();
                    let class = attr(&tag, "class").unwrap_or_default();
                    if id == "toc"
                        || class
                            .split(' ')
                            .any(|k| k == "toc" || k == "mw-editsection")
                    {
                        c.skip = Some((name, 1));
                        return TokenSinkResult::Continue;
                    }
                }
                // Block boundaries separate words.
                c.raw.push(' ');
                let len = c.raw.len();
                match (name.as_str(), start) {
                    ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => {
                        let level = name.get(1..).and_then(|l| l.parse().ok()).unwrap_or(0);
                        c.heading = Some((level, len));
                    }
                    ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => {
                        if let Some((level, from)) = c.heading.take() {
                            let text = squash(c.raw.get(from..).unwrap_or_default());
                            c.structure.headings.push((level, text));
                        }
                    }
                    ("a", true) => {
                        if let Some(href) = attr(&tag, "href")
                            && !href.starts_with('#')
                        {
                            c.link = Some((normalise_href(&href), len));
                        }
                    }
                    ("a", false) => {
                        if let Some((target, from)) = c.link.take() {
                            let text = squash(c.raw.get(from..).unwrap_or_default());
                            c.structure.links.push((target, text));
                        }
                    }
                    ("ul" | "ol", true) => {
                        let ordered = name == "ol";
                        c.lists.push(ordered);
                    }
                    ("ul" | "ol", false) => {
                        c.lists.pop();
                    }
                    ("li", true) => {
                        let depth = c.lists.len();
                        let ordered = c.lists.last().copied().unwrap_or(false);
                        c.structure.items.push((depth, ordered));
                    }
                    ("b" | "strong" | "dt" | "i" | "em", true) if !tag.self_closing => {
                        let kind = if matches!(name.as_str(), "b" | "strong" | "dt") {
                            'b'
                        } else {
                            'i'
                        };
                        c.emphasis.push((kind, len));
                    }
                    ("b" | "strong" | "dt" | "i" | "em", false) => {
                        let kind = if matches!(name.as_str(), "b" | "strong" | "dt") {
                            'b'
                        } else {
                            'i'
                        };
                        if let Some(position) = c.emphasis.iter().rposition(|(k, _)| *k == kind) {
                            let (_, from) = c.emphasis.remove(position);
                            let text = squash(c.raw.get(from..).unwrap_or_default());
                            if !text.is_empty() {
                                c.structure.emphasis.push((kind, text));
                            }
                        }
                    }
                    ("td" | "th", true) => c.cell = Some((name == "th", len)),
                    ("td" | "th", false) => {
                        if let Some((header, from)) = c.cell.take() {
                            let text = squash(c.raw.get(from..).unwrap_or_default());
                            c.structure.cells.push((header, text));
                        }
                    }
                    ("tr", _) => {
                        // An unclosed cell ends with its row.
                        if let Some((header, from)) = c.cell.take() {
                            let text = squash(c.raw.get(from..).unwrap_or_default());
                            c.structure.cells.push((header, text));
                        }
                    }
                    _ => {}
                }
            }
            Token::CharacterTokens(text) if c.skip.is_none() => c.raw.push_str(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(value) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(value);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Internal links as their page title; external ones as their address.
fn normalise_href(href: &str) -> String {
    let title = if let Some(query) = href.split_once("title=").map(|(_, q)| q) {
        query.split('&').next().unwrap_or_default().to_owned()
    } else if let Some(path) = href.strip_prefix("/wiki/") {
        path.split(['?', '#']).next().unwrap_or_default().to_owned()
    } else {
        // `http:` or `https:`: MediaWiki's test interwikis use one, Carnet the other.
        let href = href
            .strip_prefix("https:")
            .or_else(|| href.strip_prefix("http:"))
            .unwrap_or(href);
        return percent_decode(href.trim_end_matches('/'));
    };
    let title = percent_decode(&title).replace('_', " ");
    match Title::parse(&title) {
        Ok(parsed) => parsed.to_string(),
        Err(_) => title,
    }
}

fn structure(html: &str) -> Structure {
    let sink = Sink(RefCell::new(Collector::default()));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let mut collector = tokenizer.sink.0.into_inner();
    collector.structure.text = squash(&collector.raw);
    collector.structure
}

// ---------------------------------------------------------------------------------------
// The wiki of the test file

struct Articles {
    pages: HashMap<Title, String>,
}

impl WikiData for Articles {
    fn existing(&self, titles: &[Title]) -> HashSet<Title> {
        titles
            .iter()
            .filter(|t| self.pages.contains_key(*t))
            .cloned()
            .collect()
    }

    fn template_source(&self, title: &Title) -> Option<String> {
        self.pages.get(title).cloned()
    }
}

// ---------------------------------------------------------------------------------------

/// The measured pass counts (floors, `docs/CONFORMANCE.md`): a family passing fewer fails
/// the test. Raise them when the converter gets better.
const FLOORS: [(&str, usize); 14] = [
    ("headings", 32),
    ("bold-italic", 42),
    ("lists", 45),
    ("definition-lists", 38),
    ("links-internal", 70),
    ("links-external", 69),
    ("tables", 101),
    ("refs", 0),
    ("nowiki", 30),
    ("pre", 49),
    ("templates", 127),
    ("magic-words", 1),
    ("html-tags", 128),
    ("other", 37),
];

#[test]
fn mediawiki_parser_tests() {
    let Some(path) = corpus() else {
        eprintln!(
            "skipping: ../shared/corpora/mediawiki-parsertests-1.39/parserTests.txt is absent \
             (shared corpora not beside the project)"
        );
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let file = parse_file(&text);
    assert!(
        file.cases.len() > 1500,
        "parserTests.txt 1.39 has about 1,700 tests"
    );
    // MediaWiki's parser tests run on an English wiki (`[[wikipedia:X]]` is English).
    let english = Options {
        language: "en".to_owned(),
    };
    let mut pages = HashMap::new();
    for (title, text) in &file.articles {
        if let Ok(title) = Title::parse(title) {
            pages.insert(
                title,
                carnet_mediawiki::convert::convert_with(text, &english).text,
            );
        }
    }
    let data = Articles { pages };
    let page = Title::parse("Parser test").unwrap();
    let messages = Messages::default();
    let verbose = std::env::var("PARSER_TESTS_VERBOSE").ok();
    let mut tally: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut skipped = 0;
    for case in &file.cases {
        // Every test's wikitext converts without panicking, usable or not.
        let _ = carnet_mediawiki::convert::convert(&case.wikitext);
        if !usable(case) {
            skipped += 1;
            continue;
        }
        let family = family(case);
        if std::env::var_os("PARSER_TESTS_TRACE").is_some() {
            eprintln!("{}", case.name);
        }
        let converted = carnet_mediawiki::convert::convert_with(&case.wikitext, &english);
        let rendered = render(&converted.text, &page, &data, &messages);
        let expected = structure(case.html.as_deref().unwrap_or_default());
        let got = structure(&rendered.html);
        let passed = expected == got;
        let entry = tally.entry(family).or_default();
        entry.0 += 1;
        if passed {
            entry.1 += 1;
        } else if verbose
            .as_deref()
            .is_some_and(|v| v == family || v == "all")
        {
            eprintln!(
                "--- FAIL [{family}] {}\n{}\n--- converted:\n{}\n--- expected: {:?}\n--- got:      {:?}\n",
                case.name, case.wikitext, converted.text, expected, got
            );
        }
    }
    let mut total = (0, 0);
    eprintln!("\n| Family | Tried | Passed |\n|---|---:|---:|");
    for family in FAMILIES {
        let (tried, passed) = tally.get(family).copied().unwrap_or_default();
        total.0 += tried;
        total.1 += passed;
        eprintln!("| {family} | {tried} | {passed} |");
    }
    eprintln!("| **all** | {} | {} |", total.0, total.1);
    eprintln!("({skipped} tests skipped for their options, configuration or missing PHP output)\n");
    for (family, floor) in FLOORS {
        let passed = tally.get(family).map_or(0, |t| t.1);
        assert!(
            passed >= floor,
            "{family}: {passed} passed, fewer than the floor of {floor}"
        );
    }
}
