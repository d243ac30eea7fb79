//! Heading anchors (`#Histoire_du_quartier`, readable, unique, accents kept) and the
//! table of contents.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;

use comrak::adapters::{HeadingAdapter, HeadingMeta};
use comrak::nodes::Sourcepos;

use crate::template::escape_html;

/// A line of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    /// "1", "1.2", … as MediaWiki numbers sections.
    pub number: String,
    pub text: String,
    pub anchor: String,
}

/// MediaWiki's anchor for a section title: whitespace as underscores.
pub fn anchor(section: &str) -> String {
    section.split_whitespace().collect::<Vec<_>>().join("_")
}

/// Anchors for headings in document order, made unique with `_2`, `_3`…
pub fn unique_anchors(texts: &[String]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    texts
        .iter()
        .map(|text| {
            let base = anchor(text);
            let base = if base.is_empty() {
                "section".to_owned()
            } else {
                base
            };
            let mut candidate = base.clone();
            let mut n = 1;
            while seen.contains_key(&candidate) {
                n += 1;
                candidate = format!("{base}_{n}");
            }
            seen.insert(candidate.clone(), 1);
            candidate
        })
        .collect()
}

/// Numbers headings by their nesting, as a reader sees the outline.
pub fn toc_entries(headings: &[(u8, String)], anchors: &[String]) -> Vec<TocEntry> {
    let mut counters: Vec<usize> = Vec::new();
    let mut levels: Vec<u8> = Vec::new();
    headings
        .iter()
        .zip(anchors)
        .map(|((level, text), anchor)| {
            while levels.last().is_some_and(|last| last > level) {
                levels.pop();
                counters.pop();
            }
            if levels.last() == Some(level) {
                if let Some(last) = counters.last_mut() {
                    *last += 1;
                }
            } else {
                levels.push(*level);
                counters.push(1);
            }
            TocEntry {
                level: u8::try_from(levels.len()).unwrap_or(u8::MAX),
                number: counters
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join("."),
                text: text.clone(),
                anchor: anchor.clone(),
            }
        })
        .collect()
}

/// The table of contents as HTML.
pub fn toc_html(entries: &[TocEntry], label: &str) -> String {
    let mut html = format!(
        "<nav class=\"toc\" aria-labelledby=\"toc-heading\"><h2 id=\"toc-heading\">{}</h2>\n",
        escape_html(label)
    );
    let mut depth = 0u8;
    for entry in entries {
        if entry.level > depth {
            for _ in depth..entry.level {
                html.push_str("<ol>");
            }
        } else {
            html.push_str("</li>");
            for _ in entry.level..depth {
                html.push_str("</ol></li>");
            }
        }
        depth = entry.level;
        html.push_str(&format!(
            "<li><a href=\"#{}\"><span class=\"toc-number\">{}</span> {}</a>",
            escape_html(&entry.anchor),
            entry.number,
            escape_html(&entry.text)
        ));
    }
    if depth > 0 {
        html.push_str("</li>");
        for _ in 1..depth {
            html.push_str("</ol></li>");
        }
        html.push_str("</ol>");
    }
    html.push_str("</nav>\n");
    html
}

/// Writes `<hN id="anchor">` with the anchors computed beforehand, in document order.
pub struct Anchors(pub Mutex<VecDeque<String>>);

impl HeadingAdapter for Anchors {
    fn enter(
        &self,
        output: &mut dyn fmt::Write,
        heading: &HeadingMeta,
        _: Option<Sourcepos>,
    ) -> fmt::Result {
        let next = self
            .0
            .lock()
            .ok()
            .and_then(|mut anchors| anchors.pop_front());
        match next {
            Some(anchor) => write!(
                output,
                "<h{} id=\"{}\">",
                heading.level,
                escape_html(&anchor)
            ),
            None => write!(output, "<h{}>", heading.level),
        }
    }

    fn exit(&self, output: &mut dyn fmt::Write, heading: &HeadingMeta) -> fmt::Result {
        write!(output, "</h{}>", heading.level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_readable_and_unique() {
        let texts: Vec<String> = [
            "Histoire du quartier",
            "Écoles",
            "Histoire du quartier",
            "  ",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        assert_eq!(
            unique_anchors(&texts),
            vec![
                "Histoire_du_quartier",
                "Écoles",
                "Histoire_du_quartier_2",
                "section"
            ]
        );
    }

    #[test]
    fn sections_are_numbered_by_nesting() {
        let headings = vec![
            (2, "A".to_owned()),
            (3, "A1".to_owned()),
            (3, "A2".to_owned()),
            (2, "B".to_owned()),
            (4, "B1".to_owned()),
        ];
        let anchors = unique_anchors(&headings.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>());
        let numbers: Vec<String> = toc_entries(&headings, &anchors)
            .into_iter()
            .map(|e| e.number)
            .collect();
        assert_eq!(numbers, vec!["1", "1.1", "1.2", "2", "2.1"]);
    }
}
