//! MediaWiki wikitext → Carnet wikitext.
//!
//! Three passes, the way MediaWiki's own parser is organised:
//! 1. [`stash`] takes out what must not be read as wikitext line by line: comments,
//!    extension tags (`<ref>`, `<nowiki>`, `<pre>`, `<syntaxhighlight>`, `<gallery>`,
//!    `<math>`…) and template calls, converts each one on its own and leaves a
//!    placeholder (a private-use character pair around an index, like MediaWiki's
//!    strip markers);
//! 2. [`block`] reads the text line by line: headings, lists, indentation, tables,
//!    preformatted lines, rules, paragraphs;
//! 3. [`inline`] converts the inside of a line: bold and italic (MediaWiki's own
//!    apostrophe rules), links, HTML tags, and escapes what Markdown would read as
//!    markup where MediaWiki reads plain text.
//!
//! Then the placeholders are replaced and the footnotes (`<ref>`) appended. What has
//! no Carnet equivalent stays visible in the text and is counted in
//! [`Conversion::unconverted`]. The conversion table is in `docs/wikitext.md`,
//! « Venir de MediaWiki ».

mod block;
mod inline;
mod stash;
mod table;
mod template;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

/// One kind of construct that was kept as it was because Carnet has no equivalent,
/// with how many times it occurred in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconverted {
    /// A short stable name of the construct, e.g. `"table-complex"`, `"parser-function:#if"`.
    pub construct: String,
    pub count: usize,
}

/// The result of converting one revision's text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conversion {
    /// Carnet wikitext.
    pub text: String,
    /// What was kept visibly unconverted (for the import report); empty when all converted.
    pub unconverted: Vec<Unconverted>,
}

/// What the converter needs to know about the wiki the text comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The wiki's language code (`xml:lang` of the dump): interwiki links such as
    /// `[[w:Page]]` point to this language's Wikipedia.
    pub language: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            language: "fr".to_owned(),
        }
    }
}

/// Converts MediaWiki wikitext to Carnet wikitext, for a French wiki.
pub fn convert(wikitext: &str) -> Conversion {
    convert_with(wikitext, &Options::default())
}

/// Converts MediaWiki wikitext to Carnet wikitext.
pub fn convert_with(wikitext: &str, options: &Options) -> Conversion {
    let mut ctx = Ctx {
        language: options.language.clone(),
        ..Ctx::default()
    };
    let source = wikitext
        .replace("\r\n", "\n")
        .replace(['\r', stash::MARK_OPEN, stash::MARK_CLOSE, LINK_NUMBER], "");
    let stashed = stash::stash(&source, &mut ctx);
    let mut text = block::blocks(&stashed, &mut ctx);
    let notes = std::mem::take(&mut ctx.notes);
    if !notes.is_empty() {
        text.push('\n');
        for (index, note) in notes.iter().enumerate() {
            text.push_str(&format!("\n[^{}]: {}", index + 1, note));
        }
    }
    let mut text = number_links(&ctx.expand(&text));
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    if !text.is_empty() {
        text.push('\n');
    }
    Conversion {
        text,
        unconverted: ctx
            .report
            .into_iter()
            .map(|(construct, count)| Unconverted { construct, count })
            .collect(),
    }
}

/// Stands for the number of a `[http://x]` link until the text is complete.
const LINK_NUMBER: char = '\u{E002}';

/// `[http://x]` links are numbered like MediaWiki's, in the order of the page.
fn number_links(text: &str) -> String {
    if !text.contains(LINK_NUMBER) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut number = 0;
    for c in text.chars() {
        if c == LINK_NUMBER {
            number += 1;
            out.push_str(&number.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// What a stashed piece is, for the line pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Inline text (a footnote call, a template call, `<nowiki>`…).
    Inline,
    /// A block of its own (a code block, a gallery): placed on its own line.
    Block,
    /// An HTML comment, kept.
    Comment,
}

#[derive(Debug, Clone)]
struct Item {
    /// The MediaWiki source, for places where nothing is interpreted (code).
    source: String,
    /// The Carnet text.
    text: String,
    kind: Kind,
}

/// The state of one conversion.
#[derive(Debug, Default)]
struct Ctx {
    items: Vec<Item>,
    report: BTreeMap<String, usize>,
    /// Footnote texts, numbered from 1.
    notes: Vec<String>,
    /// `<ref name=…>` → footnote number.
    named_notes: HashMap<String, usize>,
    /// The source wiki's language, for interwiki links.
    language: String,
    /// How deep the conversion is in nested tables and links (bounded, so that no input
    /// can exhaust the stack).
    depth: usize,
}

/// Deeper nesting of tables or links is kept as typed.
const MAX_NESTING: usize = 32;

impl Ctx {
    fn report(&mut self, construct: impl Into<String>) {
        *self.report.entry(construct.into()).or_insert(0) += 1;
    }

    /// Stores a converted piece; returns its placeholder.
    fn stash(&mut self, source: &str, text: String, kind: Kind) -> String {
        self.items.push(Item {
            source: source.to_owned(),
            text,
            kind,
        });
        stash::marker(self.items.len() - 1)
    }

    fn item(&self, index: usize) -> Option<&Item> {
        self.items.get(index)
    }

    /// Replaces the placeholders with their Carnet text.
    fn expand(&self, text: &str) -> String {
        self.replace_markers(text, false, 0)
    }

    /// Replaces the placeholders with their MediaWiki source.
    fn restore(&self, text: &str) -> String {
        self.replace_markers(text, true, 0)
    }

    fn replace_markers(&self, text: &str, source: bool, depth: usize) -> String {
        if !text.contains(stash::MARK_OPEN) || depth > 64 {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(stash::MARK_OPEN) {
            out.push_str(rest.get(..start).unwrap_or_default());
            let after = rest
                .get(start + stash::MARK_OPEN.len_utf8()..)
                .unwrap_or_default();
            let Some(end) = after.find(stash::MARK_CLOSE) else {
                rest = after;
                continue;
            };
            let index = after.get(..end).and_then(|n| n.parse::<usize>().ok());
            if let Some(item) = index.and_then(|i| self.item(i)) {
                let inner = if source { &item.source } else { &item.text };
                out.push_str(&self.replace_markers(inner, source, depth + 1));
            }
            rest = after
                .get(end + stash::MARK_CLOSE.len_utf8()..)
                .unwrap_or_default();
        }
        out.push_str(rest);
        out
    }

    /// The MediaWiki source of each placeholder in `text`.
    fn marker_sources(&self, text: &str) -> Vec<&str> {
        let mut sources = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find(stash::MARK_OPEN) {
            let after = rest
                .get(start + stash::MARK_OPEN.len_utf8()..)
                .unwrap_or_default();
            let Some(end) = after.find(stash::MARK_CLOSE) else {
                break;
            };
            if let Some(item) = after
                .get(..end)
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|i| self.item(i))
            {
                sources.push(item.source.as_str());
            }
            rest = after
                .get(end + stash::MARK_CLOSE.len_utf8()..)
                .unwrap_or_default();
        }
        sources
    }

    /// `text` without its comments.
    fn drop_comments(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(stash::MARK_OPEN) {
            let after = rest.get(start..).unwrap_or_default();
            let end = after
                .find(stash::MARK_CLOSE)
                .map_or(after.len(), |e| e + stash::MARK_CLOSE.len_utf8());
            let marker = after.get(..end).unwrap_or_default();
            out.push_str(rest.get(..start).unwrap_or_default());
            if self.only_markers(marker) != Some(vec![Kind::Comment]) {
                out.push_str(marker);
            }
            rest = after.get(end..).unwrap_or_default();
        }
        out.push_str(rest);
        out
    }

    /// The kinds of the placeholders `text` is made of, if it is only placeholders and
    /// spaces.
    fn only_markers(&self, text: &str) -> Option<Vec<Kind>> {
        let mut kinds = Vec::new();
        let mut rest = text.trim();
        if rest.is_empty() {
            return None;
        }
        while !rest.is_empty() {
            let after = rest.strip_prefix(stash::MARK_OPEN)?;
            let end = after.find(stash::MARK_CLOSE)?;
            let index: usize = after.get(..end)?.parse().ok()?;
            kinds.push(self.item(index)?.kind);
            rest = after
                .get(end + stash::MARK_CLOSE.len_utf8()..)
                .unwrap_or_default()
                .trim_start();
        }
        Some(kinds)
    }
}
