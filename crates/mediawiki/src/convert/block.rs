//! The line pass: headings, lists and indentation, tables, preformatted lines,
//! horizontal rules, block HTML and paragraphs.

use super::inline::{self, Mode};
use super::stash::{fenced, parse_tag};
use super::{Ctx, Kind, table};

/// HTML tags that start a block in CommonMark: Markdown after them on the same line
/// (or the next lines) would not be read, so they go on lines of their own.
const BLOCK_TAGS: [&str; 30] = [
    "div",
    "center",
    "blockquote",
    "p",
    "table",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "ul",
    "ol",
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
    "hr",
    "section",
    "figure",
    "details",
    "summary",
    "aside",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    Nothing,
    Paragraph,
    List,
    Other,
}

/// Markdown being written, block by block.
struct Out {
    text: String,
    last: Last,
    blank: bool,
    /// Lists directly after a list are written with the other marker, so Markdown
    /// does not join them as MediaWiki would not.
    alternate: bool,
}

impl Out {
    fn separate(&mut self) {
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
    }

    fn paragraph_line(&mut self, line: &str) {
        if self.last == Last::Paragraph && !self.blank {
            self.text.push('\n');
        } else {
            self.separate();
        }
        self.text.push_str(line.trim_end());
        self.last = Last::Paragraph;
        self.blank = false;
    }

    fn list_line(&mut self, line: &str) {
        if self.last == Last::List && !self.blank {
            self.text.push('\n');
        } else {
            self.separate();
        }
        self.text.push_str(line.trim_end());
        self.last = Last::List;
        self.blank = false;
    }

    /// A comment: inside the paragraph going on, else a block of its own.
    fn comment(&mut self, comment: &str) {
        if matches!(self.last, Last::Paragraph | Last::List) && !self.blank {
            self.text.push(' ');
            self.text.push_str(comment);
        } else {
            self.block(comment);
        }
    }

    fn block(&mut self, block: &str) {
        self.separate();
        self.text.push_str(block.trim_end());
        self.last = Last::Other;
        self.blank = false;
    }
}

/// Converts stashed text block by block.
pub fn blocks(text: &str, ctx: &mut Ctx) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Out {
        text: String::new(),
        last: Last::Nothing,
        blank: false,
        alternate: false,
    };
    let mut list: Vec<char> = Vec::new();
    let mut index = 0;
    while let Some(line) = lines.get(index).copied() {
        index += 1;
        if line.trim().is_empty() {
            out.blank = true;
            list.clear();
            continue;
        }
        // `:{|`, a table indented on a talk page: the table, without the indentation.
        let unindented = line.trim_start_matches(':').trim_start();
        if unindented.starts_with("{|") {
            let start = index - 1;
            let mut depth = 1usize;
            let mut end = index;
            while let Some(table_line) = lines.get(end) {
                let t = table_line.trim_start();
                if t.starts_with("{|") {
                    depth += 1;
                } else if t.starts_with("|}") {
                    depth = depth.saturating_sub(1);
                }
                end += 1;
                if depth == 0 {
                    break;
                }
            }
            let mut table_lines: Vec<&str> = lines.get(start..end).unwrap_or_default().to_vec();
            if let Some(first) = table_lines.first_mut() {
                *first = unindented;
            }
            out.block(&table::convert(&table_lines, ctx));
            index = end;
            list.clear();
            continue;
        }
        let first_text = out.text.is_empty() && out.last == Last::Nothing;
        if first_text && let Some(redirect) = redirect(line) {
            out.block(&redirect);
            continue;
        }
        if let Some(kinds) = ctx.only_markers(line) {
            if ctx.expand(line).trim().is_empty() {
                // `<references/>`, `<nowiki/>`: nothing to show.
                continue;
            }
            if kinds.iter().all(|k| *k == Kind::Comment) {
                // A line of comments interrupts neither a paragraph nor a list.
                out.comment(line.trim());
                continue;
            }
            list.clear();
            if kinds.contains(&Kind::Block) {
                out.block(line.trim());
                continue;
            }
        }
        // Comments at the start of a line are transparent (`<!-- x -->* item`).
        let (line, leading_comments) = leading_comments(line, ctx);
        if !leading_comments.is_empty() {
            out.comment(&leading_comments);
        }
        if line.starts_with(' ') {
            let mut end = index;
            while lines
                .get(end)
                .is_some_and(|l| l.starts_with(' ') && !l.trim().is_empty())
            {
                end += 1;
            }
            let pre: Vec<&str> = std::iter::once(line)
                .chain(lines.get(index..end).unwrap_or_default().iter().copied())
                .map(|l| l.get(1..).unwrap_or_default())
                .collect();
            let source = ctx.restore(&pre.join("\n"));
            if has_markup(&source) {
                // MediaWiki reads markup in these lines: an HTML `<pre>` keeps it.
                let lines: Vec<String> = pre
                    .iter()
                    .map(|l| inline::convert(l, ctx, Mode::Html))
                    .collect();
                out.block(&format!("<pre>{}</pre>", lines.join("\n")));
            } else {
                out.block(&fenced(&super::stash::decode_entities(&source), ""));
            }
            index = end;
            list.clear();
            continue;
        }
        if let Some(heading) = heading(line, ctx) {
            out.block(&heading);
            list.clear();
            continue;
        }
        if let Some(rest) = line.strip_prefix("----") {
            out.block("----");
            let rest = rest.trim_start_matches('-').trim();
            if !rest.is_empty() {
                paragraph(rest, ctx, &mut out);
            }
            list.clear();
            continue;
        }
        if line.starts_with(['*', '#', ':', ';']) {
            list_item(line, &mut list, ctx, &mut out);
            continue;
        }
        list.clear();
        paragraph(line, ctx, &mut out);
    }
    out.text
}

/// Splits comments off the start of a line that has more after them.
fn leading_comments<'l>(line: &'l str, ctx: &Ctx) -> (&'l str, String) {
    let mut rest = line;
    let mut comments = String::new();
    while let Some(after) = rest.strip_prefix(super::stash::MARK_OPEN) {
        let Some(end) = after.find(super::stash::MARK_CLOSE) else {
            break;
        };
        let marker_len =
            super::stash::MARK_OPEN.len_utf8() + end + super::stash::MARK_CLOSE.len_utf8();
        let marker = rest.get(..marker_len).unwrap_or_default();
        if ctx.only_markers(marker) != Some(vec![Kind::Comment]) {
            break;
        }
        let remaining = rest.get(marker_len..).unwrap_or_default();
        if remaining.trim().is_empty() {
            break;
        }
        comments.push_str(marker);
        rest = remaining;
    }
    (rest, comments)
}

/// `#REDIRECT [[X]]` (any case, French or English) on the first line.
fn redirect(line: &str) -> Option<String> {
    let line = line.trim_start();
    let word = ["#REDIRECTION", "#REDIRECT"].into_iter().find(|w| {
        line.get(..w.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(w))
    })?;
    let rest = line.get(word.len()..)?.trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    if !rest.starts_with("[[") {
        return None;
    }
    Some(format!("#REDIRECTION {rest}"))
}

/// MediaWiki markup that a code block shows as typed.
fn has_markup(code: &str) -> bool {
    code.contains("''")
        || code.contains("[[")
        || code.contains("{{")
        || code.contains('[')
        || code.contains("://")
        || code.contains('<')
        || code.contains('&')
}

/// `== Titre ==` → `## Titre`.
fn heading(line: &str, ctx: &mut Ctx) -> Option<String> {
    if !line.starts_with('=') {
        return None;
    }
    // Comments after the closing `=` are allowed.
    let mut body = line.trim_end();
    let mut trailing = String::new();
    while body.ends_with(super::stash::MARK_CLOSE) {
        let start = body.rfind(super::stash::MARK_OPEN)?;
        let marker = body.get(start..)?;
        if ctx.only_markers(marker) != Some(vec![Kind::Comment]) {
            break;
        }
        trailing.insert_str(0, marker);
        body = body.get(..start)?.trim_end();
    }
    // MediaWiki's `^(={1,6})(.+)\1\s*$`: the most `=` that leave a text between.
    let open = body.len() - body.trim_start_matches('=').len();
    let close = body.len() - body.trim_end_matches('=').len();
    let level = (1..=open.min(close).min(6))
        .rev()
        .find(|n| body.len() > 2 * n)?;
    let inner = body.get(level..body.len() - level)?.trim();
    if inner.is_empty() {
        return None;
    }
    let converted = inline::convert(inner, ctx, Mode::Normal);
    let mut converted = converted.trim().to_owned();
    if converted.ends_with('#') {
        converted.insert(converted.len() - 1, '\\');
    }
    // A comment over several lines cannot stay on the heading's line: it follows it.
    let comment = if trailing.is_empty() {
        String::new()
    } else if ctx.expand(&trailing).contains('\n') {
        format!("\n\n{trailing}")
    } else {
        format!(" {trailing}")
    };
    Some(format!("{} {converted}{comment}", "#".repeat(level)))
}

/// A paragraph line (with block HTML tags put on lines of their own).
fn paragraph(line: &str, ctx: &mut Ctx, out: &mut Out) {
    let trimmed = line.trim_start();
    if starts_with_block_tag(trimmed) {
        for (is_tag, part) in split_block_tags(trimmed) {
            if is_tag {
                out.block(part);
            } else if !part.trim().is_empty() {
                let converted = inline::convert(part.trim(), ctx, Mode::Normal);
                out.paragraph_line(&escape_line_start(&converted));
            }
        }
        return;
    }
    let converted = inline::convert(trimmed, ctx, Mode::Normal);
    let starts_paragraph = out.last != Last::Paragraph || out.blank;
    let lone_tag = parse_tag(converted.trim()).is_some_and(|tag| tag.len == converted.trim().len());
    if starts_paragraph && lone_tag {
        // A tag alone on the first line would open an HTML block in Markdown and hide the
        // Markdown of the lines after it: it stands apart.
        out.block(&converted);
        out.blank = true;
        return;
    }
    out.paragraph_line(&escape_line_start(&converted));
}

fn block_tag_at(text: &str) -> Option<usize> {
    let tag = parse_tag(text)?;
    let name = tag.name.to_ascii_lowercase();
    BLOCK_TAGS.contains(&name.as_str()).then_some(tag.len)
}

fn starts_with_block_tag(text: &str) -> bool {
    block_tag_at(text).is_some()
}

/// Splits a line into block tags and the text between them.
fn split_block_tags(line: &str) -> Vec<(bool, &str)> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    while let Some(rest) = line.get(pos..) {
        let Some(c) = rest.chars().next() else { break };
        if c == '<'
            && let Some(len) = block_tag_at(rest)
        {
            if pos > start {
                parts.push((false, line.get(start..pos).unwrap_or_default()));
            }
            parts.push((true, rest.get(..len).unwrap_or_default()));
            pos += len;
            start = pos;
            continue;
        }
        pos += c.len_utf8();
    }
    if start < line.len() {
        parts.push((false, line.get(start..).unwrap_or_default()));
    }
    parts
}

/// Escapes what would start a Markdown block at the start of a line of text.
pub fn escape_line_start(line: &str) -> String {
    let line = line.trim_start();
    let mut chars = line.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let second = chars.next();
    match first {
        '#' | '>' | '=' | '+' | '-' | '|' => {
            // `-mot` is text; `- `, `--`, `-|` could be a list, a rule or a table row.
            if (first == '-' || first == '+') && second.is_some_and(char::is_alphanumeric) {
                return line.to_owned();
            }
            format!("\\{line}")
        }
        '0'..='9' => {
            let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let after = line.get(digits..).unwrap_or_default();
            if digits <= 9
                && (after.starts_with(". ")
                    || after.starts_with(") ")
                    || after == "."
                    || after == ")")
            {
                format!("{}\\{}", line.get(..digits).unwrap_or_default(), after)
            } else {
                line.to_owned()
            }
        }
        _ => line.to_owned(),
    }
}

/// What a list prefix character becomes.
fn marker(c: char, alternate: bool) -> &'static str {
    match (c, alternate) {
        ('*', false) => "- ",
        ('*', true) => "* ",
        ('#', false) => "1. ",
        ('#', true) => "1) ",
        (':', _) => "> ",
        _ => "",
    }
}

fn continuation(c: char) -> &'static str {
    match c {
        '*' => "  ",
        '#' => "   ",
        ':' => "> ",
        _ => "",
    }
}

fn same_level(a: char, b: char) -> bool {
    a == b || (matches!(a, ':' | ';') && matches!(b, ':' | ';'))
}

/// A line of a MediaWiki list (`*`, `#`, `:`, `;`), nested and mixed.
fn list_item(line: &str, previous: &mut Vec<char>, ctx: &mut Ctx, out: &mut Out) {
    let prefix: Vec<char> = line
        .chars()
        .take_while(|c| matches!(c, '*' | '#' | ':' | ';'))
        .collect();
    let content = line
        .get(prefix.iter().map(|c| c.len_utf8()).sum::<usize>()..)
        .unwrap_or_default();
    // `;terme : définition` on one line: two items.
    if prefix.last() == Some(&';')
        && let Some((term, definition)) = split_definition(content)
    {
        let mut second: Vec<char> = prefix.clone();
        if let Some(last) = second.last_mut() {
            *last = ':';
        }
        write_item(&prefix, term, previous, ctx, out);
        write_item(&second, definition, previous, ctx, out);
        return;
    }
    write_item(&prefix, content, previous, ctx, out);
}

fn write_item(
    prefix: &[char],
    content: &str,
    previous: &mut Vec<char>,
    ctx: &mut Ctx,
    out: &mut Out,
) {
    let common = prefix
        .iter()
        .zip(previous.iter())
        .take_while(|(a, b)| same_level(**a, **b))
        .count();
    let continuing = out.last == Last::List && !out.blank && !previous.is_empty();
    if !continuing {
        out.alternate = out.last == Last::List && !out.alternate;
    }
    let alternate = out.alternate;
    let mut line = String::new();
    let new_item_at = if continuing && prefix.len() <= previous.len() && common == prefix.len() {
        prefix.len().saturating_sub(1)
    } else if continuing {
        common
    } else {
        0
    };
    for (level, c) in prefix.iter().enumerate() {
        if level < new_item_at {
            line.push_str(continuation(*c));
        } else {
            line.push_str(marker(*c, alternate));
        }
    }
    let last = prefix.last().copied().unwrap_or('*');
    let converted = inline::convert(content.trim(), ctx, Mode::Normal);
    let mut converted = escape_line_start(&converted);
    if matches!(last, '*' | '#')
        && (converted.starts_with("[ ]")
            || converted.starts_with("[x]")
            || converted.starts_with("[X]"))
    {
        // `[ ]` would be a task-list checkbox.
        converted.insert(0, '\\');
    }
    if last == ';' && !converted.is_empty() {
        converted = bold(&converted);
    }
    // Two definitions or terms in a row are two paragraphs, not one.
    let after_definition = previous.get(new_item_at) == Some(&':');
    if continuing
        && new_item_at + 1 == prefix.len()
        && (last == ';' || (last == ':' && after_definition))
    {
        let mut separator = String::new();
        for c in prefix.get(..new_item_at).unwrap_or_default() {
            separator.push_str(continuation(*c));
        }
        if last == ':' {
            separator.push('>');
        }
        out.list_line(&separator);
    }
    line.push_str(&converted);
    out.list_line(&line);
    *previous = prefix.to_vec();
}

/// A definition term in bold, in HTML when Markdown's rules would not read `**`.
fn bold(text: &str) -> String {
    let starts = text.chars().next().is_some_and(char::is_alphanumeric);
    let ends = text.chars().last().is_some_and(char::is_alphanumeric);
    if starts && ends {
        format!("**{text}**")
    } else {
        format!("<b>{text}</b>")
    }
}

/// The `:` that ends a definition term: not in a link, a tag, an element or an
/// address.
fn split_definition(content: &str) -> Option<(&str, &str)> {
    let mut brackets = 0usize;
    let mut elements = 0usize;
    let mut in_tag = false;
    for (i, c) in content.char_indices() {
        let rest = content.get(i..).unwrap_or_default();
        match c {
            '[' => brackets += 1,
            ']' => brackets = brackets.saturating_sub(1),
            '<' if rest.starts_with("</") => {
                elements = elements.saturating_sub(1);
                in_tag = true;
            }
            '<' if rest.chars().nth(1).is_some_and(|n| n.is_ascii_alphabetic()) => {
                let tag_end = rest.find('>').unwrap_or(rest.len());
                let tag = rest.get(..tag_end).unwrap_or_default();
                if !tag.ends_with('/') && !tag.to_ascii_lowercase().starts_with("<br") {
                    elements += 1;
                }
                in_tag = true;
            }
            '>' => in_tag = false,
            ':' if brackets == 0 && elements == 0 && !in_tag => {
                let before = content.get(..i).unwrap_or_default();
                let after = content.get(i + 1..).unwrap_or_default();
                let word = before
                    .rsplit(|c: char| !c.is_ascii_alphanumeric())
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let address = after.starts_with("//")
                    || (["news", "mailto", "tel", "geo", "sip", "xmpp", "urn"]
                        .contains(&word.as_str())
                        && after.starts_with(|c: char| !c.is_whitespace()));
                if !address {
                    return Some((before, after));
                }
            }
            _ => {}
        }
    }
    None
}
