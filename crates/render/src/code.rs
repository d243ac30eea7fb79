//! Finds the parts of wikitext where wiki constructs are not interpreted: code spans,
//! fenced and indented code blocks, HTML comments and `<nowiki>` sections.
//!
//! This runs before comrak (templates must be expanded before Markdown is parsed), so
//! it follows CommonMark's rules closely enough for writers' habits, without a parse.

use std::ops::Range;

/// A protected region and why it is protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    pub range: Range<usize>,
    pub kind: ProtectedKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectedKind {
    /// Code: kept exactly, rendered by comrak as code.
    Code,
    /// `<!-- … -->`: kept (the sanitizer removes it).
    Comment,
    /// `<nowiki>…</nowiki>`, tags included: shown literally.
    Nowiki,
}

/// The protected regions of `text`, sorted and disjoint.
pub fn protected_regions(text: &str) -> Vec<Protected> {
    let mut regions = Vec::new();
    let mut line_start = 0;
    let mut fence: Option<(u8, usize, usize)> = None; // (char, length, start)
    let mut previous_blank = true;
    let mut previous_list_or_text = false;
    let mut indented_start: Option<usize> = None;
    let mut inline_from: Option<usize> = None;
    while line_start < text.len() {
        let line_end = text
            .get(line_start..)
            .and_then(|rest| rest.find('\n'))
            .map(|i| line_start + i + 1)
            .unwrap_or(text.len());
        let line = text.get(line_start..line_end).unwrap_or_default();
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let blank = trimmed.trim().is_empty();
        if let Some((fence_char, fence_len, start)) = fence {
            if closes_fence(trimmed, fence_char, fence_len) {
                regions.push(Protected {
                    range: start..line_end,
                    kind: ProtectedKind::Code,
                });
                fence = None;
            }
            line_start = line_end;
            previous_blank = false;
            continue;
        }
        if let Some(start) = indented_start {
            if blank || indentation(trimmed) >= 4 {
                line_start = line_end;
                continue;
            }
            regions.push(Protected {
                range: start..line_start,
                kind: ProtectedKind::Code,
            });
            indented_start = None;
        }
        if let Some((fence_char, fence_len)) = opens_fence(trimmed) {
            if let Some(from) = inline_from.take() {
                inline_regions(text, from, line_start, &mut regions);
            }
            fence = Some((fence_char, fence_len, line_start));
            line_start = line_end;
            previous_blank = false;
            continue;
        }
        if !blank && indentation(trimmed) >= 4 && previous_blank && !previous_list_or_text {
            if let Some(from) = inline_from.take() {
                inline_regions(text, from, line_start, &mut regions);
            }
            indented_start = Some(line_start);
            line_start = line_end;
            continue;
        }
        if blank {
            // Inline constructs do not cross a blank line (paragraph end).
            if let Some(from) = inline_from.take() {
                inline_regions(text, from, line_start, &mut regions);
            }
        } else {
            inline_from.get_or_insert(line_start);
            previous_list_or_text = true;
        }
        if blank && !previous_blank {
            // After a blank line, only a list item's continuation keeps the context.
            previous_list_or_text = is_list_item(previous_line(text, line_start));
        }
        previous_blank = blank;
        line_start = line_end;
    }
    if let Some((_, _, start)) = fence {
        regions.push(Protected {
            range: start..text.len(),
            kind: ProtectedKind::Code,
        });
    }
    if let Some(start) = indented_start {
        regions.push(Protected {
            range: start..text.len(),
            kind: ProtectedKind::Code,
        });
    }
    if let Some(from) = inline_from {
        inline_regions(text, from, text.len(), &mut regions);
    }
    regions.sort_by_key(|region| region.range.start);
    regions
}

/// Code spans, comments and nowiki within one paragraph-like stretch.
fn inline_regions(text: &str, from: usize, to: usize, regions: &mut Vec<Protected>) {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < to {
        let Some(&byte) = bytes.get(i) else { break };
        if byte == b'`' {
            let run = run_length(bytes, i, b'`');
            match find_closing_run(bytes, i + run, to, run) {
                Some(end) => {
                    regions.push(Protected {
                        range: i..end,
                        kind: ProtectedKind::Code,
                    });
                    i = end;
                }
                None => i += run,
            }
            continue;
        }
        if byte == b'<' {
            let rest = text.get(i..to).unwrap_or_default();
            if rest.starts_with("<!--") {
                let end = rest.find("-->").map(|e| i + e + 3).unwrap_or(to);
                regions.push(Protected {
                    range: i..end,
                    kind: ProtectedKind::Comment,
                });
                i = end;
                continue;
            }
            if starts_with_ignore_case(rest, "<nowiki>") {
                let end = find_ignore_case(rest, "</nowiki>")
                    .map(|e| i + e + "</nowiki>".len())
                    .unwrap_or(to);
                regions.push(Protected {
                    range: i..end,
                    kind: ProtectedKind::Nowiki,
                });
                i = end;
                continue;
            }
            if starts_with_ignore_case(rest, "<nowiki/>")
                || starts_with_ignore_case(rest, "<nowiki />")
            {
                let len = if starts_with_ignore_case(rest, "<nowiki/>") {
                    9
                } else {
                    10
                };
                regions.push(Protected {
                    range: i..i + len,
                    kind: ProtectedKind::Nowiki,
                });
                i += len;
                continue;
            }
        }
        if byte == b'\\' {
            // A backslash-escaped backtick does not open a code span.
            i += 2;
            continue;
        }
        i += 1;
    }
}

fn run_length(bytes: &[u8], start: usize, byte: u8) -> usize {
    bytes
        .get(start..)
        .map(|rest| rest.iter().take_while(|b| **b == byte).count())
        .unwrap_or(0)
}

/// The end of the backtick run of exactly `run` backticks closing a code span.
fn find_closing_run(bytes: &[u8], from: usize, to: usize, run: usize) -> Option<usize> {
    let mut i = from;
    while i < to {
        if bytes.get(i) == Some(&b'`') {
            let length = run_length(bytes, i, b'`');
            if length == run {
                return Some(i + length);
            }
            i += length;
        } else {
            i += 1;
        }
    }
    None
}

fn opens_fence(line: &str) -> Option<(u8, usize)> {
    if indentation(line) > 3 {
        return None;
    }
    let rest = line.trim_start();
    let first = *rest.as_bytes().first()?;
    if first != b'`' && first != b'~' {
        return None;
    }
    let length = run_length(rest.as_bytes(), 0, first);
    if length < 3 {
        return None;
    }
    // A backtick fence's info string may not contain backticks.
    if first == b'`' && rest.get(length..).is_some_and(|info| info.contains('`')) {
        return None;
    }
    Some((first, length))
}

fn closes_fence(line: &str, fence_char: u8, fence_len: usize) -> bool {
    if indentation(line) > 3 {
        return false;
    }
    let rest = line.trim_start();
    let length = run_length(rest.as_bytes(), 0, fence_char);
    length >= fence_len
        && rest
            .get(length..)
            .is_some_and(|tail| tail.trim().is_empty())
}

fn indentation(line: &str) -> usize {
    let mut width = 0;
    for c in line.chars() {
        match c {
            ' ' => width += 1,
            '\t' => width += 4 - width % 4,
            _ => break,
        }
    }
    width
}

fn previous_line(text: &str, line_start: usize) -> &str {
    let before = text
        .get(..line_start)
        .unwrap_or_default()
        .trim_end_matches('\n');
    let before = before.trim_end_matches(|c: char| c.is_whitespace() && c != '\n');
    let start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    before.get(start..).unwrap_or_default()
}

fn is_list_item(line: &str) -> bool {
    let trimmed = line.trim_start();
    if trimmed.starts_with("- ") || trimmed.starts_with("* ") || trimmed.starts_with("+ ") {
        return true;
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    digits > 0
        && trimmed
            .get(digits..)
            .is_some_and(|rest| rest.starts_with(". ") || rest.starts_with(") "))
        || indentation(line) >= 2
}

pub fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

pub fn find_ignore_case(text: &str, needle: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    lower.find(&needle.to_ascii_lowercase())
}

/// Whether `position` lies in one of the sorted `regions`; returns that region.
pub fn region_at(regions: &[Protected], position: usize) -> Option<&Protected> {
    let index = regions.partition_point(|region| region.range.end <= position);
    regions
        .get(index)
        .filter(|region| region.range.start <= position)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protected(text: &str) -> Vec<&str> {
        protected_regions(text)
            .iter()
            .map(|region| text.get(region.range.clone()).unwrap())
            .collect()
    }

    #[test]
    fn code_spans() {
        assert_eq!(
            protected("a `{{x}}` b ``c ` d`` e"),
            vec!["`{{x}}`", "``c ` d``"]
        );
        assert_eq!(protected("a ` b"), Vec::<&str>::new());
        // A code span does not cross a paragraph break.
        assert_eq!(protected("a `b\n\nc` d"), Vec::<&str>::new());
    }

    #[test]
    fn fenced_blocks() {
        let text = "avant\n```rust\n{{x}}\n```\naprès {{y}}\n";
        assert_eq!(protected(text), vec!["```rust\n{{x}}\n```\n"]);
        let unclosed = "a\n~~~\n{{x}}\n";
        assert_eq!(protected(unclosed), vec!["~~~\n{{x}}\n"]);
    }

    #[test]
    fn indented_blocks_but_not_list_continuations() {
        let text = "para\n\n    {{code}}\n\nsuite";
        assert_eq!(protected(text), vec!["    {{code}}\n\n"]);
        let list = "- item\n\n    {{continuation}}\n";
        assert_eq!(protected(list), Vec::<&str>::new());
    }

    #[test]
    fn nowiki_and_comments() {
        let text = "a <nowiki>[[x]] {{y}}</nowiki> b <!-- {{z}} --> c <NOWIKI/>d";
        assert_eq!(
            protected(text),
            vec![
                "<nowiki>[[x]] {{y}}</nowiki>",
                "<!-- {{z}} -->",
                "<NOWIKI/>"
            ]
        );
    }

    #[test]
    fn region_lookup() {
        let text = "a `b` c `d` e";
        let regions = protected_regions(text);
        assert!(region_at(&regions, 0).is_none());
        assert!(region_at(&regions, 2).is_some());
        assert!(region_at(&regions, 4).is_some());
        assert!(region_at(&regions, 5).is_none());
        assert!(region_at(&regions, 8).is_some());
    }
}
