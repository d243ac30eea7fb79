//! First pass: comments, extension tags and template calls are converted on their own
//! and replaced by placeholders, so the line pass never splits them.

use super::{Ctx, Kind, block, inline, template};

pub const MARK_OPEN: char = '\u{E000}';
pub const MARK_CLOSE: char = '\u{E001}';

pub fn marker(index: usize) -> String {
    format!("{MARK_OPEN}{index}{MARK_CLOSE}")
}

/// Tags whose content is not wikitext (or is wikitext read apart), handled here.
const EXTENSION_TAGS: [&str; 12] = [
    "nowiki",
    "pre",
    "ref",
    "references",
    "syntaxhighlight",
    "source",
    "math",
    "gallery",
    "poem",
    "includeonly",
    "noinclude",
    "onlyinclude",
];

/// Extension tags Carnet has nothing for: shown as code, reported.
const FOREIGN_TAGS: [&str; 22] = [
    "timeline",
    "score",
    "graph",
    "inputbox",
    "categorytree",
    "imagemap",
    "hiero",
    "chem",
    "ce",
    "templatedata",
    "mapframe",
    "maplink",
    "section",
    "indicator",
    "charinsert",
    "dynamicpagelist",
    "tabber",
    "quiz",
    "rss",
    "languages",
    "translate",
    "tvar",
];

/// Stashes comments, extension tags and templates of `text`.
pub fn stash(text: &str, ctx: &mut Ctx) -> String {
    let tags = stash_tags(text, ctx);
    stash_templates(&tags, ctx)
}

fn stash_tags(text: &str, ctx: &mut Ctx) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    // Tags found unclosed once are unclosed further on too: not searched again.
    let mut unclosed: Vec<&'static str> = Vec::new();
    while let Some(offset) = text.get(pos..).and_then(|rest| rest.find('<')) {
        out.push_str(text.get(pos..pos + offset).unwrap_or_default());
        pos += offset;
        let rest = text.get(pos..).unwrap_or_default();
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map(|e| e + 3).unwrap_or(rest.len());
            let comment = rest.get(..end).unwrap_or_default();
            let marker = ctx.stash(comment, comment.to_owned(), Kind::Comment);
            out.push_str(&marker);
            pos += end;
            continue;
        }
        if let Some(tag) = parse_tag(rest)
            && inline::is_html_tag(&tag.name)
            && let Some(raw) = rest.get(..tag.len)
            && raw.contains('\n')
        {
            // An HTML tag spread over lines: its line breaks are spaces.
            out.push_str(&raw.replace('\n', " "));
            pos += tag.len;
            continue;
        }
        if let Some(tag) = parse_tag(rest)
            && let Some(name) = tag_kind(&tag.name)
            && !unclosed.contains(&name)
        {
            if let Some(consumed) = extension(rest, &tag, name, ctx, &mut out) {
                pos += consumed;
                continue;
            }
            if !tag.closing && !tag.self_closing {
                unclosed.push(name);
            }
        }
        out.push('<');
        pos += 1;
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    out
}

/// The lowercase name if the tag is handled in this pass.
fn tag_kind(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    EXTENSION_TAGS
        .iter()
        .chain(FOREIGN_TAGS.iter())
        .find(|known| **known == lower)
        .copied()
}

/// An opening (or closing) tag at the start of a text.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub attrs: String,
    pub closing: bool,
    pub self_closing: bool,
    /// Length of the tag in bytes.
    pub len: usize,
}

/// Reads `<name attrs>`, `</name>` or `<name/>` at the start of `text`.
pub fn parse_tag(text: &str) -> Option<Tag> {
    let rest = text.strip_prefix('<')?;
    let (closing, rest) = match rest.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let name_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    if name_len == 0 || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name = rest.get(..name_len)?.to_owned();
    let after = rest.get(name_len..)?;
    if !after.starts_with(['>', '/', ' ', '\t', '\n']) {
        return None;
    }
    // The end of the tag, skipping quoted attribute values.
    let mut quote: Option<char> = None;
    let mut end = None;
    for (i, c) in after.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '<' => return None,
            None if c == '>' => {
                end = Some(i);
                break;
            }
            None => {}
        }
    }
    let end = end?;
    let inside = after.get(..end)?;
    let self_closing = inside.trim_end().ends_with('/');
    let attrs = inside.trim().trim_end_matches('/').trim().to_owned();
    let len = text.len() - after.len() + end + 1;
    Some(Tag {
        name,
        attrs,
        closing,
        self_closing,
        len,
    })
}

/// The value of attribute `name` in `attrs` (quoted or not).
pub fn attribute(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let mut search = 0;
    while let Some(found) = lower.get(search..).and_then(|r| r.find(name)) {
        let start = search + found;
        let before_ok = start == 0
            || lower
                .get(..start)
                .and_then(|b| b.chars().last())
                .is_some_and(char::is_whitespace);
        let after = attrs.get(start + name.len()..).unwrap_or_default();
        let after_trim = after.trim_start();
        if before_ok && let Some(value) = after_trim.strip_prefix('=') {
            let value = value.trim_start();
            let parsed = if let Some(q) = value.strip_prefix('"') {
                q.split('"').next()
            } else if let Some(q) = value.strip_prefix('\'') {
                q.split('\'').next()
            } else {
                value.split_whitespace().next()
            };
            return parsed.map(str::to_owned);
        }
        if before_ok && (after.is_empty() || after.starts_with(char::is_whitespace)) {
            return Some(String::new());
        }
        search = start + name.len();
    }
    None
}

/// Finds `</name>` (any case) in `text`; returns (content end, tag end).
fn find_close(text: &str, name: &str) -> Option<(usize, usize)> {
    for (start, _) in text.match_indices("</") {
        let after = text.get(start + 2..).unwrap_or_default();
        let matches_name = after
            .get(..name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name));
        if !matches_name {
            continue;
        }
        let rest = after.get(name.len()..).unwrap_or_default();
        let spaces = rest.len() - rest.trim_start().len();
        if rest.trim_start().starts_with('>') {
            return Some((start, start + 2 + name.len() + spaces + 1));
        }
    }
    None
}

/// Converts one extension tag at the start of `rest`; returns the bytes consumed, or
/// `None` to read the `<` as text (an unclosed tag, as MediaWiki does).
fn extension(rest: &str, tag: &Tag, name: &str, ctx: &mut Ctx, out: &mut String) -> Option<usize> {
    if matches!(name, "includeonly" | "noinclude" | "onlyinclude") {
        // Carnet reads these itself: the tag is kept, its content is wikitext.
        let raw = rest.get(..tag.len)?;
        out.push_str(&ctx.stash(raw, raw.to_owned(), Kind::Inline));
        return Some(tag.len);
    }
    if tag.closing {
        return None;
    }
    let (content, consumed) = if tag.self_closing {
        ("", tag.len)
    } else {
        let after = rest.get(tag.len..)?;
        let (content_end, close_end) = find_close(after, name)?;
        (after.get(..content_end)?, tag.len + close_end)
    };
    let source = rest.get(..consumed)?;
    let marker = match name {
        "nowiki" => {
            // `<nowiki/>` only separates (`''<nowiki/>''`, `[[a]]<nowiki/>b`): an empty
            // placeholder keeps them apart.
            let text = if tag.self_closing {
                String::new()
            } else {
                literal(content)
            };
            ctx.stash(source, text, Kind::Inline)
        }
        "pre" => {
            // `<nowiki>` inside `<pre>` only protects: its tags do not show.
            let code = decode_entities(&remove_nowiki_tags(content));
            let fenced = fenced(&code, "");
            format!("\n{}\n", ctx.stash(source, fenced, Kind::Block))
        }
        "syntaxhighlight" | "source" => {
            let lang = attribute(&tag.attrs, "lang").unwrap_or_default();
            if attribute(&tag.attrs, "inline").is_some() {
                ctx.stash(source, code_span(content), Kind::Inline)
            } else {
                let fenced = fenced(content, &lang);
                format!("\n{}\n", ctx.stash(source, fenced, Kind::Block))
            }
        }
        "math" | "chem" | "ce" => {
            ctx.report(format!("extension-tag:{name}"));
            ctx.stash(source, code_span(content), Kind::Inline)
        }
        "ref" => reference(source, tag, content, ctx),
        "references" => {
            // The footnotes go to the end of the page; definitions listed here are read.
            if !content.trim().is_empty() {
                let _ = stash(content, ctx);
            }
            ctx.stash(source, String::new(), Kind::Inline)
        }
        "gallery" => {
            let text = gallery(content, ctx);
            format!("\n{}\n", ctx.stash(source, text, Kind::Block))
        }
        "poem" => {
            let text = poem(content, ctx);
            format!("\n{}\n", ctx.stash(source, text, Kind::Block))
        }
        other => {
            ctx.report(format!("extension-tag:{other}"));
            let fenced = fenced(source, "");
            format!("\n{}\n", ctx.stash(source, fenced, Kind::Block))
        }
    };
    out.push_str(&marker);
    Some(consumed)
}

/// `<nowiki>` content as Carnet text that reads as it is shown: what Markdown or
/// Carnet's wiki syntax would read is escaped (entities are decoded by both).
pub fn literal(content: &str) -> String {
    let mut out = String::with_capacity(content.len() + 8);
    // A `]` at the end could close a link around the `<nowiki>`.
    let content = match content.strip_suffix(']') {
        Some(rest) => format!("{rest}&#93;"),
        None => content.to_owned(),
    };
    for (index, line) in content.split('\n').enumerate() {
        let escaped = inline::escape_plain(line, inline::Mode::Normal)
            .replace("{{", "&#123;{")
            .replace("]]", "&#93;&#93;")
            .replace('|', "&#124;");
        if index == 0 {
            let lead = escaped.len() - escaped.trim_start().len();
            out.push_str(escaped.get(..lead).unwrap_or_default());
            out.push_str(&block::escape_line_start(&escaped));
        } else {
            out.push('\n');
            out.push_str(&block::escape_line_start(&escaped));
        }
    }
    out
}

fn remove_nowiki_tags(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(start) = rest.find('<') {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start..).unwrap_or_default();
        match parse_tag(after) {
            Some(tag) if tag.name.eq_ignore_ascii_case("nowiki") => {
                rest = after.get(tag.len..).unwrap_or_default();
            }
            _ => {
                out.push('<');
                rest = after.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// `<ref>` → a footnote call `[^n]`; the note text goes to the end of the page.
fn reference(source: &str, tag: &Tag, content: &str, ctx: &mut Ctx) -> String {
    if attribute(&tag.attrs, "group").is_some_and(|g| !g.is_empty()) {
        ctx.report("ref-group");
    }
    let name = attribute(&tag.attrs, "name").filter(|n| !n.is_empty());
    let number = match name.as_ref().and_then(|n| ctx.named_notes.get(n)) {
        Some(number) => *number,
        None => {
            ctx.notes.push(String::new());
            let number = ctx.notes.len();
            if let Some(name) = name {
                ctx.named_notes.insert(name, number);
            }
            number
        }
    };
    if !content.trim().is_empty() {
        let text = inline_fragment(content, ctx);
        if let Some(note) = ctx.notes.get_mut(number - 1)
            && note.is_empty()
        {
            *note = text;
        }
    }
    ctx.stash(source, format!("[^{number}]"), Kind::Inline)
}

/// Wikitext read inline, its lines joined (footnotes, captions).
pub fn inline_fragment(content: &str, ctx: &mut Ctx) -> String {
    let stashed = stash(content, ctx);
    let lines: Vec<String> = stashed
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| inline::convert(line, ctx, inline::Mode::Normal))
        .collect();
    block::escape_line_start(&lines.join(" "))
}

/// `<gallery>`: each line `File:X.jpg|caption` becomes a framed file.
fn gallery(content: &str, ctx: &mut Ctx) -> String {
    let mut figures = Vec::new();
    for line in content.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (file, caption) = match line.split_once('|') {
            Some((file, caption)) => (file.trim(), Some(caption.trim())),
            None => (line, None),
        };
        let file = if file.contains(':') {
            file.to_owned()
        } else {
            format!("Fichier:{file}")
        };
        let caption = caption
            .filter(|c| !c.is_empty())
            .map(|c| {
                // Carnet writes captions inside an HTML figure: HTML, not Markdown.
                let stashed = stash(c, ctx);
                format!("|{}", inline::convert(&stashed, ctx, inline::Mode::Html))
            })
            .unwrap_or_default();
        figures.push(format!("[[{file}|vignette{caption}]]"));
    }
    figures.join("\n\n")
}

/// `<poem>`: lines kept apart (hard line breaks), stanzas as paragraphs.
fn poem(content: &str, ctx: &mut Ctx) -> String {
    let stashed = stash(content.trim_matches('\n'), ctx);
    let mut stanzas: Vec<Vec<String>> = vec![Vec::new()];
    for line in stashed.lines() {
        if line.trim().is_empty() {
            if stanzas.last().is_some_and(|s| !s.is_empty()) {
                stanzas.push(Vec::new());
            }
            continue;
        }
        let converted =
            block::escape_line_start(&inline::convert(line.trim(), ctx, inline::Mode::Normal));
        if let Some(stanza) = stanzas.last_mut() {
            stanza.push(converted);
        }
    }
    stanzas
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.join("\\\n"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Template calls and parameters, outermost first; the inside is converted with them.
fn stash_templates(text: &str, ctx: &mut Ctx) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    // Each `{` with its `}`, in one pass (a search from every `{{` would be quadratic).
    let mut closing = std::collections::HashMap::new();
    let mut open = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '{' => open.push(i),
            '}' => {
                if let Some(o) = open.pop() {
                    closing.insert(o, i);
                }
            }
            _ => {}
        }
    }
    while let Some(offset) = text.get(pos..).and_then(|rest| rest.find("{{")) {
        out.push_str(text.get(pos..pos + offset).unwrap_or_default());
        pos += offset;
        let rest = text.get(pos..).unwrap_or_default();
        match closing.get(&pos).map(|close| close + 1 - pos) {
            Some(end) => {
                let raw = rest.get(..end).unwrap_or_default();
                let converted = template::convert(raw, ctx);
                let source = ctx.restore(raw);
                out.push_str(&ctx.stash(&source, converted, Kind::Inline));
                pos += end;
            }
            None => {
                out.push_str("{{");
                pos += 2;
            }
        }
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    out
}

/// A fenced code block longer than any backtick run inside.
pub fn fenced(code: &str, lang: &str) -> String {
    let longest = longest_run(code, '`');
    let fence = "`".repeat(longest.max(2) + 1);
    let code = code.trim_matches('\n');
    format!("{fence}{lang}\n{code}\n{fence}")
}

/// An inline code span.
pub fn code_span(code: &str) -> String {
    let code = code.trim().replace('\n', " ");
    if code.is_empty() {
        return String::new();
    }
    let ticks = "`".repeat(longest_run(&code, '`') + 1);
    let pad = if code.starts_with('`') || code.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{code}{pad}{ticks}")
}

fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for ch in text.chars() {
        if ch == c {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

/// The common HTML entities, decoded (for code, where Markdown would not).
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let decoded = after.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = after.get(..end)?;
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => '\u{a0}',
                _ => {
                    let number = name.strip_prefix('#')?;
                    let value = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(value)?
                }
            };
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = after.get(end + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
