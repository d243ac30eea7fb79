//! The inside of a line: apostrophes (bold, italic), links, HTML tags, magic words,
//! and escapes for what Markdown would read where MediaWiki reads plain text.

use super::Ctx;
use super::stash::{MARK_CLOSE, MARK_OPEN, Tag, decode_entities, parse_tag};
use super::template::split_pipes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Running text.
    Normal,
    /// A cell of a Markdown table: `|` escaped too.
    Table,
    /// A template argument: links and emphasis converted, nothing escaped.
    Light,
    /// The text of an external link: bare addresses are text there.
    Label,
    /// Inside an HTML block (`<pre>` with markup): HTML, no Markdown.
    Html,
}

/// The mode for the text of a link inside text in `mode`.
fn label_mode(mode: Mode, external: bool) -> Mode {
    match mode {
        Mode::Light | Mode::Html => mode,
        _ if external => Mode::Label,
        _ => Mode::Normal,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Emph {
    Bold,
    Italic,
}

#[derive(Debug, Clone)]
enum Piece {
    /// MediaWiki text, escaped when written.
    Text(String),
    /// A run of apostrophes.
    Quote(usize),
    /// Carnet text written as is.
    Atom(String),
    Open(Emph),
    Close(Emph),
}

/// Converts one line.
pub fn convert(line: &str, ctx: &mut Ctx, mode: Mode) -> String {
    let pieces = tokenize(line, ctx, mode);
    let pieces = quotes(pieces);
    render(pieces, mode)
}

/// Protocols MediaWiki links (`$wgUrlProtocols`), the common ones.
const PROTOCOLS: [&str; 19] = [
    "http://",
    "https://",
    "ftp://",
    "ftps://",
    "sftp://",
    "mailto:",
    "irc://",
    "ircs://",
    "news:",
    "nntp://",
    "gopher://",
    "telnet://",
    "git://",
    "svn://",
    "ssh://",
    "xmpp:",
    "sip:",
    "tel:",
    "geo:",
];

fn protocol_len(text: &str) -> Option<usize> {
    // Every protocol starts with an ASCII letter: most positions are ruled out by one byte.
    let first = text.as_bytes().first()?.to_ascii_lowercase();
    PROTOCOLS
        .iter()
        .filter(|p| p.as_bytes().first() == Some(&first))
        .find(|p| {
            text.get(..p.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(p))
        })
        .map(|p| p.len())
}

/// HTML tags MediaWiki allows and Carnet keeps (its sanitizer decides the attributes).
const KEPT_TAGS: [&str; 57] = [
    "rtc",
    "b",
    "i",
    "u",
    "s",
    "strike",
    "del",
    "ins",
    "sub",
    "sup",
    "small",
    "code",
    "tt",
    "kbd",
    "var",
    "samp",
    "abbr",
    "cite",
    "dfn",
    "q",
    "span",
    "br",
    "hr",
    "div",
    "center",
    "blockquote",
    "p",
    "em",
    "strong",
    "mark",
    "ruby",
    "rt",
    "rp",
    "rb",
    "ol",
    "ul",
    "li",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "bdi",
    "bdo",
    "wbr",
    "data",
    "time",
    "table",
    "tr",
    "td",
    "th",
    "caption",
    "tbody",
];

/// An HTML tag MediaWiki allows in wikitext.
pub fn is_html_tag(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    KEPT_TAGS.contains(&name.as_str())
        || DROPPED_TAGS.contains(&name.as_str())
        || name == "thead"
        || name == "tfoot"
}

/// Tags MediaWiki allows that Carnet's sanitizer removes (their text stays).
const DROPPED_TAGS: [&str; 2] = ["big", "font"];

/// Behaviour switches Carnet reads.
const CARNET_MAGIC_WORDS: [&str; 6] = [
    "__TOC__",
    "__SOMMAIRE__",
    "__NOTOC__",
    "__AUCUNSOMMAIRE__",
    "__FORCETOC__",
    "__FORCERSOMMAIRE__",
];

fn tokenize(line: &str, ctx: &mut Ctx, mode: Mode) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut pos = 0;
    let mut previous: Option<char> = None;
    while let Some(rest) = line.get(pos..) {
        let Some(c) = rest.chars().next() else { break };
        let atom = if c == MARK_OPEN {
            rest.find(MARK_CLOSE).map(|end| {
                let len = end + MARK_CLOSE.len_utf8();
                (rest.get(..len).unwrap_or_default().to_owned(), len)
            })
        } else if c == '\'' && rest.starts_with("''") {
            let run = rest.len() - rest.trim_start_matches('\'').len();
            flush(&mut text, &mut pieces);
            pieces.push(Piece::Quote(run));
            pos += run;
            previous = Some('\'');
            continue;
        } else if rest.starts_with("[[") {
            internal_link(rest, ctx, mode)
        } else if c == '[' {
            external_link(rest, ctx, mode)
        } else if mode != Mode::Label
            && !previous.is_some_and(|p| p.is_alphanumeric() || p == '_')
            && protocol_len(rest).is_some()
        {
            free_url(rest, ctx, mode)
        } else if c == '<' {
            parse_tag(rest).and_then(|tag| html_tag(rest, &tag, ctx))
        } else if rest.starts_with("__") {
            magic_word(rest, ctx)
        } else if (c == 'R' || c == 'P' || c == 'I')
            && mode != Mode::Light
            && !previous.is_some_and(char::is_alphanumeric)
        {
            magic_link(rest, ctx, mode)
        } else {
            None
        };
        match atom {
            Some((markdown, len)) => {
                flush(&mut text, &mut pieces);
                pieces.push(Piece::Atom(markdown));
                pos += len;
                previous = Some('>');
            }
            None => {
                // The rest of a word can start nothing: links, URLs and magic links need a
                // non-alphanumeric character before them. Taking it whole saves the checks.
                let run = if c.is_alphanumeric() {
                    rest.char_indices()
                        .skip(1)
                        .find(|(_, next)| !next.is_alphanumeric())
                        .map_or(rest.len(), |(at, _)| at)
                } else {
                    c.len_utf8()
                };
                let taken = rest.get(..run).unwrap_or_default();
                text.push_str(taken);
                pos += run;
                previous = taken.chars().next_back();
            }
        }
    }
    flush(&mut text, &mut pieces);
    pieces
}

fn flush(text: &mut String, pieces: &mut Vec<Piece>) {
    if !text.is_empty() {
        pieces.push(Piece::Text(std::mem::take(text)));
    }
}

const CATEGORY_PREFIXES: [&str; 3] = ["category", "catégorie", "categorie"];
const FILE_PREFIXES: [&str; 3] = ["file", "fichier", "image"];
/// `[[Media:X]]` links to the file itself; Carnet links to its page.
const MEDIA_PREFIXES: [&str; 2] = ["media", "média"];

/// Interwiki prefixes of the Wikimedia projects, and language codes.
fn is_interwiki(prefix: &str) -> bool {
    const WIKIS: [&str; 16] = [
        "w",
        "wikipedia",
        "wikt",
        "wiktionary",
        "q",
        "wikiquote",
        "s",
        "wikisource",
        "b",
        "wikibooks",
        "n",
        "wikinews",
        "v",
        "commons",
        "meta",
        "species",
    ];
    WIKIS.contains(&prefix)
        || ((prefix.len() == 2 || prefix.len() == 3)
            && prefix.chars().all(|c| c.is_ascii_lowercase()))
        || (prefix.len() > 3
            && prefix.len() <= 12
            && prefix.contains('-')
            && prefix
                .split('-')
                .next()
                .is_some_and(|p| p.len() <= 3 && p.chars().all(|c| c.is_ascii_lowercase())))
}

/// The letters after `]]` that join the link's text.
fn link_trail(after: &str) -> &str {
    let len: usize = after
        .chars()
        .take_while(|c| is_trail_char(*c))
        .map(char::len_utf8)
        .sum();
    after.get(..len).unwrap_or_default()
}

/// `w:Page`, `wikt:en:mot`, `commons:File:X`: the address on the Wikimedia project.
fn wikimedia_url(target: &str, language: &str) -> Option<String> {
    let (prefix, rest) = target.split_once(':')?;
    let prefix = prefix.trim().to_lowercase();
    let project = match prefix.as_str() {
        "w" | "wikipedia" => "wikipedia",
        "wikt" | "wiktionary" => "wiktionary",
        "q" | "wikiquote" => "wikiquote",
        "s" | "wikisource" => "wikisource",
        "b" | "wikibooks" => "wikibooks",
        "n" | "wikinews" => "wikinews",
        "v" | "wikiversity" => "wikiversity",
        "voy" | "wikivoyage" => "wikivoyage",
        "commons" => {
            return Some(format!(
                "https://commons.wikimedia.org/wiki/{}",
                page_path(rest)
            ));
        }
        "m" => {
            return Some(format!(
                "https://meta.wikimedia.org/wiki/{}",
                page_path(rest)
            ));
        }
        "species" => {
            return Some(format!(
                "https://species.wikimedia.org/wiki/{}",
                page_path(rest)
            ));
        }
        _ => return None,
    };
    // `w:en:Page`: another language of the project.
    let (language, page) = match rest.split_once(':') {
        Some((code, page)) if is_language(code.trim()) => (code.trim().to_owned(), page),
        _ => (language.to_owned(), rest),
    };
    Some(format!(
        "https://{language}.{project}.org/wiki/{}",
        page_path(page)
    ))
}

fn page_path(page: &str) -> String {
    let (page, fragment) = match page.split_once('#') {
        Some((page, fragment)) => (page, Some(fragment)),
        None => (page, None),
    };
    let mut path = page.trim().replace(' ', "_");
    if let Some(fragment) = fragment {
        path.push('#');
        path.push_str(&fragment.trim().replace(' ', "_"));
    }
    path.replace('"', "%22")
}

/// `[[fr:…]]`: a link to the same page in another language.
fn is_language(prefix: &str) -> bool {
    (prefix.len() == 2 || prefix.len() == 3) && prefix.chars().all(|c| c.is_ascii_lowercase())
        || prefix.len() > 3
            && prefix.len() <= 12
            && prefix.contains('-')
            && prefix.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

/// Letters that continue a link's text (`[[chat]]s`), as in French MediaWiki.
fn is_trail_char(c: char) -> bool {
    c.is_ascii_lowercase() || "àâçéèêëîïôöûüùÿœæ".contains(c)
}

/// Longer is not a link for Carnet either (and the search stays linear).
const MAX_LINK_BYTES: usize = 4096;

/// The end of `[[…]]` at the start of `text` (nested links allowed, as in captions).
fn link_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut pos = 0;
    while let Some(rest) = text.get(pos..) {
        if pos > MAX_LINK_BYTES {
            return None;
        }
        if rest.starts_with("[[") {
            depth += 1;
            pos += 2;
        } else if rest.starts_with("]]") {
            depth = depth.checked_sub(1)?;
            pos += 2;
            if depth == 0 {
                // `]]]`: the last two close the link.
                if text
                    .get(pos..)
                    .is_some_and(|r| r.starts_with(']') && !r.starts_with("]]"))
                {
                    return None;
                }
                return Some(pos);
            }
        } else {
            let c = rest.chars().next()?;
            if c == '\n' {
                return None;
            }
            pos += c.len_utf8();
        }
    }
    None
}

fn internal_link(rest: &str, ctx: &mut Ctx, mode: Mode) -> Option<(String, usize)> {
    if ctx.depth >= super::MAX_NESTING {
        return None;
    }
    ctx.depth += 1;
    let link = internal_link_at(rest, ctx, mode);
    ctx.depth -= 1;
    link
}

fn internal_link_at(rest: &str, ctx: &mut Ctx, mode: Mode) -> Option<(String, usize)> {
    let end = link_end(rest)?;
    let raw = rest.get(..end)?;
    let inner = rest.get(2..end - 2)?;
    let parts = split_pipes(inner);
    let target = parts.first()?.trim();
    if target.is_empty()
        || (target.contains(['<', '>', '[', ']', '{', '}']) && !target.contains(MARK_OPEN))
        || protocol_len(target).is_some()
        || target.starts_with("//")
    {
        // `[[http://x]]` is `[` and an external link, as in MediaWiki.
        return None;
    }
    let typed = target;
    let decoded;
    let target = if target.contains('&') {
        decoded = decode_entities(target)
            .replace('\u{a0}', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        decoded.as_str()
    } else {
        target
    };
    if target.contains(MARK_OPEN) {
        // A target built by a template: Carnet reads it the same way. Anything else
        // (`<nowiki>`) makes it no link, as in MediaWiki.
        if ctx
            .marker_sources(target)
            .iter()
            .all(|s| s.starts_with("{{"))
        {
            return Some((raw.to_owned(), end));
        }
        return None;
    }
    let (colon, bare) = match target.strip_prefix(':') {
        Some(bare) => (true, bare.trim_start()),
        None => (false, target),
    };
    let prefix = bare
        .split_once(':')
        .map(|(p, _)| p.trim().to_lowercase())
        .unwrap_or_default();
    let prefix_key = prefix.replace('_', " ");
    if !colon && CATEGORY_PREFIXES.contains(&prefix_key.as_str()) {
        return Some((raw.to_owned(), end));
    }
    if MEDIA_PREFIXES.contains(&prefix_key.as_str()) {
        let name = bare.split_once(':').map_or(bare, |(_, n)| n).trim();
        let label = match parts.get(1..).filter(|rest| !rest.is_empty()) {
            Some(rest) => convert(&rest.join("|"), ctx, label_mode(mode, false)),
            None => escape_plain(bare, label_mode(mode, false)),
        };
        return Some((format!("[[:Fichier:{name}|{label}]]"), end));
    }
    if !colon && FILE_PREFIXES.contains(&prefix_key.as_str()) {
        return Some((file_link(&parts, ctx), end));
    }
    if !prefix.is_empty() && is_interwiki(&prefix) {
        if !colon && is_language(&prefix) {
            // Interlanguage links show nowhere in the text: kept in a comment.
            ctx.report("interlanguage-link");
            return Some((format!("<!-- {} -->", raw.replace("--", "- -")), end));
        }
        if let Some(url) = wikimedia_url(bare, &ctx.language) {
            let label = match parts.get(1..).filter(|rest| !rest.is_empty()) {
                Some(rest) => convert(&rest.join("|"), ctx, label_mode(mode, true)),
                None => escape_plain(bare, label_mode(mode, true)),
            };
            let trail = link_trail(rest.get(end..).unwrap_or_default());
            let trail_len = trail.len();
            let label = format!("{label}{trail}");
            let markdown = if mode == Mode::Html {
                format!("<a href=\"{}\">{label}</a>", url.replace('"', "%22"))
            } else {
                format!("[{label}]({})", destination(&url))
            };
            return Some((markdown, end + trail_len));
        }
        ctx.report("interwiki-link");
        return Some((raw.to_owned(), end));
    }
    let label_mode = label_mode(mode, false);
    let label = if parts.len() > 1 {
        let label_raw = parts.get(1..).unwrap_or_default().join("|");
        if label_raw.is_empty() {
            // `[[X|]]` (the pipe trick) is expanded when saving: stored, it is text.
            return None;
        }
        let label_raw = ctx.drop_comments(&label_raw);
        // Carnet reads the last `|` as the label's start: the others are entities.
        Some(convert(&label_raw, ctx, label_mode).replace('|', "&#124;"))
    } else {
        None
    };
    let trail = link_trail(rest.get(end..).unwrap_or_default());
    let trail_len = trail.len();
    let target_raw = parts.first().copied().unwrap_or_default();
    // Entities in the target are decoded (Carnet would not); the text stays as typed.
    let changed = target != typed;
    let target_out = if changed { target } else { target_raw };
    let shown = typed.strip_prefix(':').unwrap_or(typed).trim_start();
    let markdown = match label {
        None if trail.is_empty() && !changed => raw.to_owned(),
        None => format!(
            "[[{target_out}|{}{trail}]]",
            escape_plain(shown, label_mode)
        ),
        Some(label) => format!("[[{target_out}|{label}{trail}]]"),
    };
    Some((markdown, end + trail_len))
}

/// Words MediaWiki reads as file options rather than a caption.
fn is_file_option(part: &str) -> bool {
    const WORDS: [&str; 24] = [
        "thumb",
        "thumbnail",
        "vignette",
        "frame",
        "cadre",
        "frameless",
        "sans_cadre",
        "border",
        "bordure",
        "left",
        "gauche",
        "right",
        "droite",
        "center",
        "centre",
        "none",
        "néant",
        "upright",
        "redresse",
        "baseline",
        "middle",
        "top",
        "bottom",
        "text-top",
    ];
    let part = part.trim();
    let lower = part.to_lowercase();
    WORDS.contains(&lower.as_str())
        || lower.ends_with("px")
            && lower
                .trim_end_matches("px")
                .chars()
                .all(|c| c.is_ascii_digit() || c == 'x')
        || lower
            .split_once('=')
            .is_some_and(|(key, _)| !key.contains(' ') && !key.is_empty())
}

/// `[[Fichier:X|vignette|légende]]`: kept, the caption converted.
fn file_link(parts: &[&str], ctx: &mut Ctx) -> String {
    let mut out = String::from("[[");
    let last = parts.len().saturating_sub(1);
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            out.push('|');
        }
        if index > 0 && index == last && !is_file_option(part) {
            // Carnet writes the caption inside an HTML figure: HTML, not Markdown.
            out.push_str(&convert(part, ctx, Mode::Html));
        } else {
            out.push_str(part);
        }
    }
    out.push_str("]]");
    out
}

/// `[http://x texte]` → `[texte](http://x)`; `[http://x]` → `[[1]](http://x)`.
fn external_link(rest: &str, ctx: &mut Ctx, mode: Mode) -> Option<(String, usize)> {
    let after = rest.get(1..)?;
    if protocol_len(after).is_none() && !after.starts_with("//") {
        return None;
    }
    let close = after.find(']')?;
    let inside = after.get(..close)?;
    if inside.contains('\n') {
        return None;
    }
    // The address ends where a character no address holds begins.
    let url_end = inside
        .find(|c: char| c.is_whitespace() || matches!(c, '[' | '<' | '>' | '"' | MARK_OPEN))
        .unwrap_or(inside.len());
    // `''` ends the address too (`[http://x''italique'']`).
    let url_end = inside
        .get(..url_end)
        .and_then(|url| url.find("''"))
        .unwrap_or(url_end);
    let (url, label) = (inside.get(..url_end)?, inside.get(url_end..)?.trim());
    if protocol_len(url).map_or(url.len() <= 2, |p| url.len() <= p) {
        return None;
    }
    let label = if label.is_empty() {
        // Numbered in the order of the final text (footnotes last, as MediaWiki renders
        // them last): the number is filled in at the end.
        format!("\\[{}\\]", super::LINK_NUMBER)
    } else {
        convert(label, ctx, label_mode(mode, true))
    };
    if mode == Mode::Html {
        let href = url.replace('"', "%22");
        return Some((format!("<a href=\"{href}\">{label}</a>"), close + 2));
    }
    Some((format!("[{label}]({})", destination(url)), close + 2))
}

fn destination(url: &str) -> String {
    let opened = url.matches('(').count();
    let balanced = opened == url.matches(')').count() && !url.contains(")(");
    if url.contains(['<', '>', ' ']) || !balanced {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_owned()
    }
}

/// A bare address: MediaWiki links it, and so does Carnet in `<…>`.
fn free_url(rest: &str, ctx: &Ctx, mode: Mode) -> Option<(String, usize)> {
    let protocol = protocol_len(rest)?;
    let mut len = 0;
    for c in rest.chars() {
        if c.is_whitespace()
            || c.is_control()
            || matches!(c, '[' | ']' | '<' | '>' | '"' | MARK_OPEN | MARK_CLOSE)
            || (c == '\'' && rest.get(len..).is_some_and(|r| r.starts_with("''")))
        {
            break;
        }
        len += c.len_utf8();
    }
    let mut url = rest.get(..len)?;
    loop {
        let trimmed = url.trim_end_matches([',', ';', '.', ':', '!', '?']);
        let trimmed = if trimmed.ends_with(')') && !trimmed.contains('(') {
            trimmed.trim_end_matches(')')
        } else {
            trimmed
        };
        if trimmed.len() == url.len() {
            break;
        }
        url = trimmed;
    }
    if url.len() <= protocol {
        return None;
    }
    // Followed by a template (`http://x/{{page}}`): Carnet expands it first, then links
    // the whole address, as MediaWiki does, if the address is left bare.
    let continued = rest.get(url.len()..).is_some_and(|after| {
        after.starts_with(MARK_OPEN)
            && ctx
                .marker_sources(after)
                .first()
                .is_some_and(|source| source.starts_with("{{"))
    });
    let markdown = if mode == Mode::Light || (continued && mode != Mode::Html) {
        url.to_owned()
    } else if mode == Mode::Html {
        format!("<a href=\"{}\">{url}</a>", url.replace('"', "%22"))
    } else {
        format!("<{url}>")
    };
    Some((markdown, url.len()))
}

fn html_tag(rest: &str, tag: &Tag, ctx: &mut Ctx) -> Option<(String, usize)> {
    let name = tag.name.to_ascii_lowercase();
    let raw = rest.get(..tag.len)?;
    if name == "br" {
        return Some(("<br>".to_owned(), tag.len));
    }
    if DROPPED_TAGS.contains(&name.as_str()) {
        if !tag.closing {
            ctx.report(format!("html-tag:{name}"));
        }
        return Some((raw.to_owned(), tag.len));
    }
    if KEPT_TAGS.contains(&name.as_str()) || name == "thead" || name == "tfoot" {
        if tag.attrs.to_ascii_lowercase().contains("style=") {
            ctx.report("html-attribute:style");
        }
        return Some((raw.to_owned(), tag.len));
    }
    None
}

/// `__NOTOC__` and its kin: Carnet's own kept, others kept in a comment and reported.
fn magic_word(rest: &str, ctx: &mut Ctx) -> Option<(String, usize)> {
    let after = rest.get(2..)?;
    let name_len: usize = after
        .chars()
        .take_while(|c| c.is_uppercase())
        .map(char::len_utf8)
        .sum();
    if name_len < 2 || !after.get(name_len..)?.starts_with("__") {
        return None;
    }
    let word = rest.get(..name_len + 4)?;
    if CARNET_MAGIC_WORDS.contains(&word) {
        return Some((word.to_owned(), word.len()));
    }
    ctx.report(format!("magic-word:{word}"));
    Some((format!("<!-- {word} -->"), word.len()))
}

/// MediaWiki's magic links: `RFC 822` and `PMID 1234` become the links MediaWiki
/// makes; `ISBN …` (a link to a special page Carnet does not have) stays text, reported.
fn magic_link(rest: &str, ctx: &mut Ctx, mode: Mode) -> Option<(String, usize)> {
    let (word, url): (&str, fn(&str) -> String) = if rest.starts_with("RFC ") {
        ("RFC", |n| format!("https://tools.ietf.org/html/rfc{n}"))
    } else if rest.starts_with("PMID ") {
        ("PMID", |n| {
            format!("https://www.ncbi.nlm.nih.gov/pubmed/{n}?dopt=Abstract")
        })
    } else if rest.starts_with("ISBN ") {
        ("ISBN", |_| String::new())
    } else {
        return None;
    };
    let after = rest.get(word.len()..)?;
    let spaces = after.len() - after.trim_start_matches(' ').len();
    let digits: usize = after
        .get(spaces..)?
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    let end = word.len() + spaces + digits;
    if digits == 0
        || rest
            .get(end..)
            .and_then(|r| r.chars().next())
            .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    if word == "ISBN" {
        ctx.report("magic-link:ISBN");
        return None;
    }
    let number = after.get(spaces..spaces + digits)?;
    let text = format!("{word} {number}");
    let markdown = if mode == Mode::Html {
        format!("<a href=\"{}\">{text}</a>", url(number))
    } else {
        format!("[{text}]({})", url(number))
    };
    Some((markdown, end))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    None,
    B,
    I,
    Bi,
    Ib,
    Both,
}

/// MediaWiki's `doQuotes`: which apostrophe runs are bold, italic, or text.
fn quotes(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut normalised = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match piece {
            Piece::Quote(4) => {
                normalised.push(Piece::Text("'".to_owned()));
                normalised.push(Piece::Quote(3));
            }
            Piece::Quote(n) if n > 5 => {
                normalised.push(Piece::Text("'".repeat(n - 5)));
                normalised.push(Piece::Quote(5));
            }
            other => normalised.push(other),
        }
    }
    let italics = normalised
        .iter()
        .filter(|p| matches!(p, Piece::Quote(2) | Piece::Quote(5)))
        .count();
    let bolds = normalised
        .iter()
        .filter(|p| matches!(p, Piece::Quote(3) | Piece::Quote(5)))
        .count();
    if italics == 0 && bolds == 0 {
        return normalised;
    }
    if italics % 2 == 1 && bolds % 2 == 1 {
        // One bold run is read as an apostrophe and an italic one; MediaWiki picks
        // one after a one-letter word (l'''…), else after a longer word, else after a
        // space.
        let mut single = None;
        let mut multi = None;
        let mut space = None;
        let mut segment = String::new();
        for (index, piece) in normalised.iter().enumerate() {
            match piece {
                Piece::Text(t) => segment.push_str(t),
                Piece::Atom(_) => segment.push('>'),
                Piece::Quote(3) => {
                    let mut last = segment.chars().rev();
                    let x1 = last.next();
                    let x2 = last.next();
                    if x1 == Some(' ') {
                        space.get_or_insert(index);
                    } else if x2 == Some(' ') {
                        single = Some(index);
                        break;
                    } else {
                        multi.get_or_insert(index);
                    }
                    segment.clear();
                }
                _ => segment.clear(),
            }
        }
        if let Some(index) = single.or(multi).or(space) {
            if let Some(piece) = normalised.get_mut(index) {
                *piece = Piece::Quote(2);
            }
            normalised.insert(index, Piece::Text("'".to_owned()));
        }
    }
    let mut out: Vec<Piece> = Vec::with_capacity(normalised.len() + 4);
    let mut state = State::None;
    let mut both_at = 0;
    use Emph::{Bold as B, Italic as I};
    use Piece::{Close, Open};
    for piece in normalised {
        let Piece::Quote(n) = piece else {
            out.push(piece);
            continue;
        };
        let (insert, append, next): (Vec<Piece>, Vec<Piece>, State) = match (n, state) {
            (2, State::I) => (vec![], vec![Close(I)], State::None),
            (2, State::Bi) => (vec![], vec![Close(I)], State::B),
            (2, State::Ib) => (vec![], vec![Close(B), Close(I), Open(B)], State::B),
            (2, State::Both) => (vec![Open(B), Open(I)], vec![Close(I)], State::B),
            (2, State::None) => (vec![], vec![Open(I)], State::I),
            (2, State::B) => (vec![], vec![Open(I)], State::Bi),
            (3, State::B) => (vec![], vec![Close(B)], State::None),
            (3, State::Bi) => (vec![], vec![Close(I), Close(B), Open(I)], State::I),
            (3, State::Ib) => (vec![], vec![Close(B)], State::I),
            (3, State::Both) => (vec![Open(I), Open(B)], vec![Close(B)], State::I),
            (3, State::None) => (vec![], vec![Open(B)], State::B),
            (3, State::I) => (vec![], vec![Open(B)], State::Ib),
            (_, State::B) => (vec![], vec![Close(B), Open(I)], State::I),
            (_, State::I) => (vec![], vec![Close(I), Open(B)], State::B),
            (_, State::Bi) => (vec![], vec![Close(I), Close(B)], State::None),
            (_, State::Ib) => (vec![], vec![Close(B), Close(I)], State::None),
            (_, State::Both) => (
                vec![Open(I), Open(B)],
                vec![Close(B), Close(I)],
                State::None,
            ),
            (_, State::None) => {
                both_at = out.len();
                (vec![], vec![], State::Both)
            }
        };
        if !insert.is_empty() {
            let tail = out.split_off(both_at.min(out.len()));
            out.extend(insert);
            out.extend(tail);
        }
        out.extend(append);
        state = next;
    }
    match state {
        State::B => out.push(Close(B)),
        State::I => out.push(Close(I)),
        State::Bi => {
            out.push(Close(I));
            out.push(Close(B));
        }
        State::Ib => {
            out.push(Close(B));
            out.push(Close(I));
        }
        State::Both => {
            if out.len() > both_at {
                let tail = out.split_off(both_at);
                out.push(Open(B));
                out.push(Open(I));
                out.extend(tail);
                out.push(Close(I));
                out.push(Close(B));
            }
        }
        State::None => {}
    }
    out
}

#[derive(Debug, Clone)]
enum Out {
    Str(String),
    Tag { emph: Emph, open: bool, pair: usize },
}

fn render(pieces: Vec<Piece>, mode: Mode) -> String {
    let mut outs: Vec<Out> = Vec::with_capacity(pieces.len());
    let mut stack: Vec<usize> = Vec::new();
    let mut pairs = 0;
    for piece in pieces {
        match piece {
            Piece::Text(text) => outs.push(Out::Str(escape_plain(&text, mode))),
            Piece::Quote(n) => outs.push(Out::Str(escape_plain(&"'".repeat(n), mode))),
            Piece::Atom(atom) => outs.push(Out::Str(atom)),
            Piece::Open(emph) => {
                stack.push(pairs);
                outs.push(Out::Tag {
                    emph,
                    open: true,
                    pair: pairs,
                });
                pairs += 1;
            }
            Piece::Close(emph) => {
                let pair = stack.pop().unwrap_or(usize::MAX);
                outs.push(Out::Tag {
                    emph,
                    open: false,
                    pair,
                });
            }
        }
    }
    if pairs == 0 {
        return outs
            .into_iter()
            .map(|o| match o {
                Out::Str(s) => s,
                Out::Tag { .. } => String::new(),
            })
            .collect();
    }
    shift_spaces(&mut outs);
    remove_empty_pairs(&mut outs);
    let html = if mode == Mode::Html {
        vec![true; pairs]
    } else {
        html_pairs(&outs, pairs)
    };
    let mut line = String::new();
    for out in outs {
        match out {
            Out::Str(s) => line.push_str(&s),
            Out::Tag { emph, open, pair } => {
                let as_html = html.get(pair).copied().unwrap_or(true);
                line.push_str(match (emph, open, as_html) {
                    (Emph::Bold, _, false) => "**",
                    (Emph::Italic, _, false) => "*",
                    (Emph::Bold, true, true) => "<b>",
                    (Emph::Bold, false, true) => "</b>",
                    (Emph::Italic, true, true) => "<i>",
                    (Emph::Italic, false, true) => "</i>",
                });
            }
        }
    }
    line
}

/// Markdown emphasis cannot start before a space or end after one: spaces move out.
fn shift_spaces(outs: &mut [Out]) {
    let len = outs.len();
    for index in 0..len {
        let is_open = matches!(outs.get(index), Some(Out::Tag { open: true, .. }));
        let next_is_str = matches!(outs.get(index + 1), Some(Out::Str(_)));
        if is_open && next_is_str {
            // The run of opening tags ending here.
            let mut first = index;
            while first > 0 && matches!(outs.get(first - 1), Some(Out::Tag { open: true, .. })) {
                first -= 1;
            }
            let moved = match outs.get_mut(index + 1) {
                Some(Out::Str(s)) => {
                    let kept = s.trim_start().to_owned();
                    let moved = s.get(..s.len() - kept.len()).unwrap_or_default().to_owned();
                    *s = kept;
                    moved
                }
                _ => String::new(),
            };
            if !moved.is_empty() {
                append_before(outs, first, &moved);
            }
        }
        let is_close = matches!(outs.get(index), Some(Out::Tag { open: false, .. }));
        let previous_is_str = index > 0 && matches!(outs.get(index - 1), Some(Out::Str(_)));
        if is_close && previous_is_str {
            let mut last = index;
            while matches!(outs.get(last + 1), Some(Out::Tag { open: false, .. })) {
                last += 1;
            }
            let moved = match outs.get_mut(index - 1) {
                Some(Out::Str(s)) => {
                    let kept = s.trim_end().to_owned();
                    let moved = s.get(kept.len()..).unwrap_or_default().to_owned();
                    *s = kept;
                    moved
                }
                _ => String::new(),
            };
            if !moved.is_empty() {
                prepend_after(outs, last, &moved);
            }
        }
    }
}

fn append_before(outs: &mut [Out], first: usize, text: &str) {
    if first > 0
        && let Some(Out::Str(s)) = outs.get_mut(first - 1)
    {
        s.push_str(text);
    }
    // Spaces at the start of the line are dropped.
}

fn prepend_after(outs: &mut [Out], last: usize, text: &str) {
    if let Some(Out::Str(s)) = outs.get_mut(last + 1) {
        s.insert_str(0, text);
    }
    // Spaces at the end of the line are dropped.
}

/// `''''` around nothing: MediaWiki writes empty tags, Markdown would show asterisks.
fn remove_empty_pairs(outs: &mut Vec<Out>) {
    outs.retain(|o| !matches!(o, Out::Str(s) if s.is_empty()));
    loop {
        let found = outs.windows(2).position(|w| {
            matches!(w, [Out::Tag { open: true, pair: a, .. }, Out::Tag { open: false, pair: b, .. }] if a == b)
        });
        match found {
            Some(index) => {
                outs.remove(index + 1);
                outs.remove(index);
            }
            None => break,
        }
    }
}

fn is_punctuation(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

/// Adjacent tags (pair, opening) with the characters before and after them.
type Run = (Vec<(usize, bool)>, char, char);

/// Which pairs must be written `<b>`/`<i>` because Markdown's flanking rules would not
/// read `**`/`*` there.
fn html_pairs(outs: &[Out], pairs: usize) -> Vec<bool> {
    let mut html = vec![false; pairs];
    let mut emphs = vec![Emph::Bold; pairs];
    for out in outs {
        if let Out::Tag { emph, pair, .. } = out
            && let Some(slot) = emphs.get_mut(*pair)
        {
            *slot = *emph;
        }
    }
    // Runs of adjacent tags, with the characters around them.
    let mut runs: Vec<Run> = Vec::new();
    let mut index = 0;
    while index < outs.len() {
        if !matches!(outs.get(index), Some(Out::Tag { .. })) {
            index += 1;
            continue;
        }
        let start = index;
        let mut tags = Vec::new();
        while let Some(Out::Tag { open, pair, .. }) = outs.get(index) {
            tags.push((*pair, *open));
            index += 1;
        }
        let before = outs
            .get(..start)
            .unwrap_or_default()
            .iter()
            .rev()
            .find_map(|o| match o {
                Out::Str(s) => s.chars().last(),
                Out::Tag { .. } => None,
            })
            .unwrap_or(' ');
        let after = match outs.get(index) {
            Some(Out::Str(s)) => s.chars().next().unwrap_or(' '),
            _ => ' ',
        };
        runs.push((tags, before, after));
    }
    for (tags, before, after) in &runs {
        let left = !after.is_whitespace()
            && (!is_punctuation(*after) || before.is_whitespace() || is_punctuation(*before));
        let right = !before.is_whitespace()
            && (!is_punctuation(*before) || after.is_whitespace() || is_punctuation(*after));
        let all_open = tags.iter().all(|(_, open)| *open);
        let all_close = tags.iter().all(|(_, open)| !*open);
        // Markdown reads `***x***` as italic outside bold: bold outside italic needs HTML.
        let kinds: Vec<Emph> = tags
            .iter()
            .filter_map(|(pair, _)| emphs.get(*pair).copied())
            .collect();
        let mixed = kinds.contains(&Emph::Bold) && kinds.contains(&Emph::Italic);
        let nesting_differs = mixed
            && ((all_open && kinds.first() == Some(&Emph::Bold))
                || (all_close && kinds.last() == Some(&Emph::Bold)));
        // `*` may open inside a word (`l**école**`) when the run is one tag.
        let single = tags.len() == 1;
        let fine = !nesting_differs
            && ((all_open && left && (!right || single))
                || (all_close && right && (!left || single)));
        if !fine {
            for (pair, _) in tags {
                if let Some(flag) = html.get_mut(*pair) {
                    *flag = true;
                }
            }
        }
    }
    // A pair written in HTML changes its neighbours in the run: all of the run goes HTML.
    loop {
        let mut changed = false;
        for (tags, _, _) in &runs {
            let any = tags
                .iter()
                .any(|(pair, _)| html.get(*pair).copied().unwrap_or(true));
            if any {
                for (pair, _) in tags {
                    if let Some(flag) = html.get_mut(*pair)
                        && !*flag
                    {
                        *flag = true;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    html
}

/// MediaWiki plain text as Markdown plain text.
pub fn escape_plain(text: &str, mode: Mode) -> String {
    if mode == Mode::Light {
        return text.to_owned();
    }
    if mode == Mode::Html {
        return text.replace('<', "&lt;").replace("[[", "&#91;[");
    }
    let text = short_numeric_entities(text);
    let special = |c: char| {
        matches!(c, '\\' | '*' | '`' | '_' | '~' | '<' | '[' | ']')
            || (c == '|' && mode == Mode::Table)
    };
    if !text.contains(special) {
        // Most text has nothing Markdown would read: no per-character pass.
        return text.into_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (index, c) in chars.iter().copied().enumerate() {
        let previous = index.checked_sub(1).and_then(|i| chars.get(i)).copied();
        let next = chars.get(index + 1).copied();
        match c {
            '\\' => {
                if next.is_none_or(|n| n.is_ascii_punctuation()) {
                    out.push_str("\\\\");
                } else {
                    out.push('\\');
                }
            }
            '*' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '_' => {
                let inside = previous.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric);
                if !inside {
                    out.push('\\');
                }
                out.push('_');
            }
            '~' => {
                if previous == Some('~') || next == Some('~') {
                    out.push('\\');
                }
                out.push('~');
            }
            '<' => {
                if next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) {
                    out.push_str("&lt;");
                } else {
                    out.push('<');
                }
            }
            '[' if next == Some('[') => {
                // Carnet would read `[[` as a link, backslash or not.
                out.push_str("&#91;");
            }
            '[' => {
                if next == Some('^') || bracket_closes_into_link(&chars, index) {
                    out.push('\\');
                }
                out.push('[');
            }
            ']' => {
                if matches!(next, Some('(' | '[' | ':')) {
                    out.push('\\');
                }
                out.push(']');
            }
            '|' if mode == Mode::Table => out.push_str("\\|"),
            _ => out.push(c),
        }
    }
    out
}

/// `&#x0000063;`: MediaWiki decodes any number of leading zeros, Markdown reads at most
/// 6 hexadecimal or 7 decimal digits: the zeros go.
fn short_numeric_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("&#") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("&#") {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 2..).unwrap_or_default();
        let (prefix, digits_from) = match after.strip_prefix(['x', 'X']) {
            Some(hex) => (after.get(..1).unwrap_or_default(), hex),
            None => ("", after),
        };
        let hex = !prefix.is_empty();
        let len = digits_from
            .find(|c: char| {
                !(if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                })
            })
            .unwrap_or(digits_from.len());
        let digits = digits_from.get(..len).unwrap_or_default();
        if len > 0 && digits_from.get(len..).is_some_and(|r| r.starts_with(';')) {
            let trimmed = digits.trim_start_matches('0');
            let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
            out.push_str("&#");
            out.push_str(prefix);
            out.push_str(trimmed);
            out.push(';');
            rest = digits_from.get(len + 1..).unwrap_or_default();
        } else {
            out.push_str("&#");
            rest = after;
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// `[x](y)`, `[x][y]` or `[x]:` would be a Markdown link.
fn bracket_closes_into_link(chars: &[char], open: usize) -> bool {
    let rest = chars.get(open + 1..).unwrap_or_default();
    match rest.iter().position(|c| *c == ']') {
        Some(close) => matches!(rest.get(close + 1), Some('(' | '[' | ':')),
        None => false,
    }
}
