//! `{| … |}` tables: a Markdown (GFM) table when the table fits one (a header row,
//! then plain rows of one-line cells, no spans, no nested table; a caption goes above as
//! a paragraph); else an HTML table whose cells are Markdown, reported as
//! `table-complex`.

use super::inline::{self, Mode};
use super::stash::attribute;
use super::{Ctx, block};

#[derive(Debug, Default)]
struct Cell {
    header: bool,
    attrs: String,
    content: String,
}

#[derive(Debug, Default)]
struct Table {
    caption: Option<String>,
    rows: Vec<Vec<Cell>>,
    nested: bool,
    /// Text before the first cell (MediaWiki moves it out of the table).
    loose: Vec<String>,
}

pub fn convert(lines: &[&str], ctx: &mut Ctx) -> String {
    if ctx.depth >= super::MAX_NESTING {
        ctx.report("table-nesting");
        return super::stash::fenced(&ctx.restore(&lines.join("\n")), "");
    }
    ctx.depth += 1;
    if lines
        .iter()
        .any(|line| ctx.restore(line).to_ascii_lowercase().contains("style="))
    {
        // Colours, widths, alignments: the sanitizer keeps no style.
        ctx.report("html-attribute:style");
    }
    let table = parse(lines);
    let converted = if fits_markdown(&table, ctx) {
        markdown(&table, ctx)
    } else {
        ctx.report("table-complex");
        html(&table, ctx)
    };
    ctx.depth -= 1;
    converted
}

fn parse(lines: &[&str]) -> Table {
    let mut table = Table::default();
    let mut row: Vec<Cell> = Vec::new();
    let mut depth = 0usize;
    let mut in_caption = false;
    for line in lines.iter().skip(1) {
        let t = line.trim_start();
        if depth > 0 {
            if t.starts_with("{|") {
                depth += 1;
            } else if t.starts_with("|}") {
                depth -= 1;
            }
            append(&mut row, &mut table, line, in_caption);
            continue;
        }
        if t.starts_with("{|") {
            depth = 1;
            table.nested = true;
            append(&mut row, &mut table, line, in_caption);
            continue;
        }
        if t.starts_with("|}") {
            break;
        }
        if let Some(caption) = t.strip_prefix("|+") {
            table.caption = Some(caption.trim().to_owned());
            in_caption = true;
            continue;
        }
        if t.starts_with("|-") {
            if !row.is_empty() {
                table.rows.push(std::mem::take(&mut row));
            }
            in_caption = false;
            continue;
        }
        if let Some(rest) = t.strip_prefix('!') {
            in_caption = false;
            for part in split_cells(rest, true) {
                row.push(cell(part, true));
            }
            continue;
        }
        if let Some(rest) = t.strip_prefix('|') {
            in_caption = false;
            for part in split_cells(rest, false) {
                row.push(cell(part, false));
            }
            continue;
        }
        append(&mut row, &mut table, line, in_caption);
    }
    if !row.is_empty() {
        table.rows.push(row);
    }
    table
}

/// A line that continues the current cell (or caption).
fn append(row: &mut [Cell], table: &mut Table, line: &str, in_caption: bool) {
    if in_caption && let Some(caption) = table.caption.as_mut() {
        caption.push('\n');
        caption.push_str(line);
        return;
    }
    match row.last_mut() {
        Some(cell) => {
            cell.content.push('\n');
            cell.content.push_str(line);
        }
        None => match table.rows.last_mut().and_then(|r| r.last_mut()) {
            Some(cell) => {
                cell.content.push('\n');
                cell.content.push_str(line);
            }
            None => table.loose.push((*line).to_owned()),
        },
    }
}

/// Splits `a || b` (and `a !! b` in header lines) outside links.
fn split_cells(text: &str, header: bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut pos = 0;
    while let Some(rest) = text.get(pos..) {
        if rest.is_empty() {
            break;
        }
        if rest.starts_with("[[") {
            depth += 1;
            pos += 2;
            continue;
        }
        if rest.starts_with("]]") {
            depth = depth.saturating_sub(1);
            pos += 2;
            continue;
        }
        if depth == 0 && (rest.starts_with("||") || (header && rest.starts_with("!!"))) {
            parts.push(text.get(start..pos).unwrap_or_default());
            pos += 2;
            start = pos;
            continue;
        }
        pos += rest.chars().next().map_or(1, char::len_utf8);
    }
    parts.push(text.get(start..).unwrap_or_default());
    parts
}

/// `attrs | content` or `content`.
fn cell(text: &str, header: bool) -> Cell {
    let mut depth = 0usize;
    let mut pos = 0;
    while let Some(rest) = text.get(pos..) {
        if rest.is_empty() {
            break;
        }
        if rest.starts_with("[[") {
            depth += 1;
            pos += 2;
            continue;
        }
        if rest.starts_with("]]") {
            depth = depth.saturating_sub(1);
            pos += 2;
            continue;
        }
        if depth == 0 && rest.starts_with('|') {
            let attrs = text.get(..pos).unwrap_or_default();
            if !attrs.contains(['[', super::stash::MARK_OPEN]) {
                return Cell {
                    header,
                    attrs: attrs.trim().to_owned(),
                    content: rest.get(1..).unwrap_or_default().to_owned(),
                };
            }
            break;
        }
        pos += rest.chars().next().map_or(1, char::len_utf8);
    }
    Cell {
        header,
        attrs: String::new(),
        content: text.to_owned(),
    }
}

fn spans(attrs: &str) -> bool {
    let lower = attrs.to_ascii_lowercase();
    lower.contains("rowspan") || lower.contains("colspan")
}

fn fits_markdown(table: &Table, ctx: &Ctx) -> bool {
    let Some(first) = table.rows.first() else {
        return false;
    };
    let multiline_caption = table
        .caption
        .as_ref()
        .is_some_and(|c| ctx.expand(c.trim()).contains('\n'));
    if table.nested || multiline_caption || !table.loose.is_empty() {
        return false;
    }
    if !first.iter().all(|c| c.header) {
        return false;
    }
    let columns = first.len();
    table.rows.iter().enumerate().all(|(index, row)| {
        (index == 0 || (row.iter().all(|c| !c.header) && row.len() <= columns))
            && row
                .iter()
                .all(|c| !spans(&c.attrs) && !ctx.expand(c.content.trim()).contains('\n'))
    })
}

fn markdown(table: &Table, ctx: &mut Ctx) -> String {
    let columns = table.rows.first().map_or(0, Vec::len);
    let mut out = String::new();
    // Markdown tables have no caption: it goes just above, as a paragraph.
    if let Some(caption) = table.caption.as_deref().filter(|c| !c.trim().is_empty()) {
        let converted = inline::convert(caption.trim(), ctx, Mode::Normal);
        out.push_str(&block::escape_line_start(&converted));
        out.push_str("\n\n");
    }
    for (index, row) in table.rows.iter().enumerate() {
        out.push('|');
        for column in 0..columns {
            let content = row
                .get(column)
                .map(|c| inline::convert(c.content.trim(), ctx, Mode::Table))
                .unwrap_or_default();
            out.push(' ');
            out.push_str(content.trim());
            out.push_str(" |");
        }
        out.push('\n');
        if index == 0 {
            out.push('|');
            out.push_str(&" --- |".repeat(columns));
            out.push('\n');
        }
    }
    out
}

fn html(table: &Table, ctx: &mut Ctx) -> String {
    let mut out = String::new();
    for line in &table.loose {
        out.push_str(&block::blocks(line, ctx));
        out.push_str("\n\n");
    }
    out.push_str("<table>\n");
    if let Some(caption) = &table.caption {
        out.push_str("<caption>");
        cell_body(caption, ctx, &mut out);
        out.push_str("</caption>\n");
    }
    for row in &table.rows {
        out.push_str("<tr>\n");
        for cell in row {
            let tag = if cell.header { "th" } else { "td" };
            out.push('<');
            out.push_str(tag);
            for name in ["rowspan", "colspan"] {
                if let Some(value) = attribute(&cell.attrs, name)
                    && !value.is_empty()
                    && value.chars().all(|c| c.is_ascii_digit())
                {
                    out.push_str(&format!(" {name}=\"{value}\""));
                }
            }
            out.push('>');
            cell_body(&cell.content, ctx, &mut out);
            out.push_str(&format!("</{tag}>\n"));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>");
    out
}

/// A cell's content as Markdown between blank lines, so that Markdown reads it.
fn cell_body(content: &str, ctx: &mut Ctx, out: &mut String) {
    let converted = block::blocks(content.trim(), ctx);
    if converted.trim().is_empty() {
        return;
    }
    out.push_str("\n\n");
    out.push_str(converted.trim());
    out.push_str("\n\n");
}
