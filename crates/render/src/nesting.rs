//! Bounds on how deep a page's markup may nest.
//!
//! The sanitizer (html5ever's tree builder, then ammonia's walk) costs more than linear
//! time in the nesting depth: `">".repeat(16_000)` — sixteen kilobytes of block-quote
//! markers — took 1.4 s to sanitise, 64 KB took two minutes. No real page nests more than
//! a few levels, so deeper structure is flattened (Markdown) or shown as text (raw HTML)
//! before it reaches the sanitizer. Both passes are linear.

use comrak::nodes::{Node, NodeValue};

/// Markdown structure deeper than this is flattened: its content stays, its boxes go.
pub const MAX_MARKDOWN_DEPTH: usize = 48;

/// Raw HTML whose elements would nest deeper than this is shown as text.
pub const MAX_HTML_DEPTH: usize = 96;

/// Flattens every node nested deeper than [`MAX_MARKDOWN_DEPTH`] under `root`: a node too
/// deep is replaced by its children, so text is never lost. Each node is visited and
/// moved at most once, however deep the input.
pub fn flatten_deep_nodes<'a>(root: Node<'a>) {
    let mut stack = vec![(root, 0_usize)];
    while let Some((node, depth)) = stack.pop() {
        let mut next = node.first_child();
        while let Some(child) = next {
            if child.first_child().is_none() {
                next = child.next_sibling();
                continue;
            }
            if depth >= MAX_MARKDOWN_DEPTH {
                let after = child.next_sibling();
                let first = child.first_child();
                while let Some(grandchild) = child.first_child() {
                    grandchild.detach();
                    child.insert_before(grandchild);
                }
                child.detach();
                // The grandchildren now sit at this level; look at them next.
                next = first.or(after);
            } else {
                stack.push((child, depth + 1));
                next = child.next_sibling();
            }
        }
    }
}

/// Shows the raw HTML of the document as text when, all fragments taken in order, its
/// elements would nest deeper than [`MAX_HTML_DEPTH`]. Nothing is lost: the writer sees
/// their markup and can fix it.
pub fn defuse_deep_html<'a>(root: Node<'a>) {
    let raw: Vec<Node<'a>> = root
        .descendants()
        .filter(|node| {
            matches!(
                node.data().value,
                NodeValue::HtmlBlock(_) | NodeValue::HtmlInline(_)
            )
        })
        .collect();
    let mut depth = 0_usize;
    let mut deepest = 0_usize;
    for node in &raw {
        match &node.data().value {
            NodeValue::HtmlBlock(block) => scan_depth(&block.literal, &mut depth, &mut deepest),
            NodeValue::HtmlInline(html) => scan_depth(html, &mut depth, &mut deepest),
            _ => {}
        }
    }
    if deepest <= MAX_HTML_DEPTH {
        return;
    }
    for node in raw {
        let mut data = node.data_mut();
        let shown = match &data.value {
            NodeValue::HtmlBlock(block) => {
                format!(
                    "<pre>{}</pre>",
                    crate::template::escape_html(&block.literal)
                )
            }
            NodeValue::HtmlInline(html) => crate::template::escape_html(html),
            _ => continue,
        };
        match &mut data.value {
            NodeValue::HtmlBlock(block) => block.literal = shown,
            NodeValue::HtmlInline(html) => *html = shown,
            _ => {}
        }
    }
}

/// Elements that never hold others, or whose end tag a parser infers from the next
/// sibling: they do not deepen the tree.
const FLAT_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "dd", "dt", "embed", "hr", "img", "input", "li", "link", "meta",
    "option", "p", "param", "source", "td", "th", "tr", "track", "wbr",
];

/// Follows start and end tags through `html`, as a browser's tokenizer would see them
/// roughly: an estimate of depth, which errs deep only on markup no writer means.
fn scan_depth(html: &str, depth: &mut usize, deepest: &mut usize) {
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(offset) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        at += offset + 1;
        let closing = bytes.get(at) == Some(&b'/');
        let name_start = if closing { at + 1 } else { at };
        let name_len = bytes
            .get(name_start..)
            .map(|rest| {
                rest.iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count()
            })
            .unwrap_or(0);
        if name_len == 0 || !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name = html
            .get(name_start..name_start + name_len)
            .unwrap_or_default()
            .to_ascii_lowercase();
        if FLAT_ELEMENTS.contains(&name.as_str()) {
            continue;
        }
        let end = bytes
            .get(name_start..)
            .and_then(|rest| rest.iter().position(|&b| b == b'>'))
            .map(|p| name_start + p);
        let self_closing = end.is_some_and(|e| e > 0 && bytes.get(e - 1) == Some(&b'/'));
        if closing {
            *depth = depth.saturating_sub(1);
        } else if !self_closing {
            *depth += 1;
            *deepest = (*deepest).max(*depth);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deepest(html: &str) -> usize {
        let (mut depth, mut deepest) = (0, 0);
        scan_depth(html, &mut depth, &mut deepest);
        deepest
    }

    #[test]
    fn depth_follows_start_and_end_tags() {
        assert_eq!(deepest("<div><span>a</span><em>b</em></div>"), 2);
        assert_eq!(deepest("<div><div><div></div></div></div>"), 3);
        assert_eq!(deepest("<ul><li>a<li>b<li>c</ul>"), 1);
        assert_eq!(deepest("<p>a<p>b<br><img src=x><hr/>"), 0);
        assert_eq!(deepest("a < b and 3<4, <!-- <div> -->"), 1);
        assert_eq!(deepest("<svg/><x-y/>"), 0);
    }
}
