//! Line diffs with word-level highlights, shaped for both inline and side-by-side views.

use std::time::Duration;

use similar::{ChangeTag, InlineChangeOptions, TextDiff};

/// Lines of unchanged context shown around each change.
const CONTEXT_LINES: usize = 3;
/// Past this, the diff algorithm settles for a correct but less minimal answer, so a
/// pathological pair of texts cannot hold a worker.
const DIFF_TIMEOUT: Duration = Duration::from_millis(500);

/// The differences between two texts, in hunks of changed lines with context.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diff {
    pub hunks: Vec<Hunk>,
}

/// A run of changed lines and the context around them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// First line (1-based) of the hunk in the old text.
    pub old_start: usize,
    pub old_len: usize,
    /// First line (1-based) of the hunk in the new text.
    pub new_start: usize,
    pub new_len: usize,
    pub lines: Vec<DiffLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Context,
    Deleted,
    Inserted,
}

/// One line of a hunk, split into segments; emphasized segments are the words that
/// changed within a changed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: LineKind,
    /// 1-based line number in the old text (absent for inserted lines).
    pub old_number: Option<usize>,
    /// 1-based line number in the new text (absent for deleted lines).
    pub new_number: Option<usize>,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub emphasized: bool,
}

/// A row of a side-by-side view: old line on the left, new line on the right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRow {
    pub left: Option<DiffLine>,
    pub right: Option<DiffLine>,
}

impl Diff {
    /// Compares `old` with `new` line by line, refining changed lines word by word.
    ///
    /// ```
    /// use carnet_core::{Diff, LineKind};
    /// let diff = Diff::between("Le pont\nLa rivière", "Le pont neuf\nLa rivière");
    /// let line = &diff.hunks[0].lines[1];
    /// assert_eq!(line.kind, LineKind::Inserted);
    /// assert!(line.segments.iter().any(|s| s.emphasized && s.text.contains("neuf")));
    /// ```
    pub fn between(old: &str, new: &str) -> Diff {
        let old = terminated(old);
        let new = terminated(new);
        let text_diff = TextDiff::configure()
            .timeout(DIFF_TIMEOUT)
            .diff_lines(old.as_str(), new.as_str());
        // Refine every replaced block word by word, however different: a reader
        // looks for the changed words, and a fully emphasized line says "rewritten".
        let mut inline_options = InlineChangeOptions::new();
        inline_options.min_ratio(0.0).semantic_cleanup(true);
        let mut hunks = Vec::new();
        for group in text_diff.grouped_ops(CONTEXT_LINES) {
            let (Some(first), Some(last)) = (group.first(), group.last()) else {
                continue;
            };
            let old_range = first.old_range().start..last.old_range().end;
            let new_range = first.new_range().start..last.new_range().end;
            let mut lines = Vec::new();
            for op in &group {
                for change in text_diff.iter_inline_changes_with_options(op, inline_options) {
                    let kind = match change.tag() {
                        ChangeTag::Equal => LineKind::Context,
                        ChangeTag::Delete => LineKind::Deleted,
                        ChangeTag::Insert => LineKind::Inserted,
                    };
                    let mut segments: Vec<Segment> = change
                        .iter_strings_lossy()
                        .map(|(emphasized, text)| Segment {
                            text: text.into_owned(),
                            emphasized,
                        })
                        .collect();
                    if let Some(last_segment) = segments.last_mut()
                        && last_segment.text.ends_with('\n')
                    {
                        last_segment.text.pop();
                    }
                    segments.retain(|segment| !segment.text.is_empty());
                    lines.push(DiffLine {
                        kind,
                        old_number: change.old_index().map(|i| i + 1),
                        new_number: change.new_index().map(|i| i + 1),
                        segments,
                    });
                }
            }
            hunks.push(Hunk {
                old_start: old_range.start + 1,
                old_len: old_range.len(),
                new_start: new_range.start + 1,
                new_len: new_range.len(),
                lines,
            });
        }
        Diff { hunks }
    }

    /// True when the two texts had the same lines.
    pub fn is_empty(&self) -> bool {
        self.hunks.is_empty()
    }

    /// Number of lines inserted and deleted, for summaries.
    pub fn line_counts(&self) -> (usize, usize) {
        let lines = self.hunks.iter().flat_map(|hunk| hunk.lines.iter());
        lines.fold((0, 0), |(inserted, deleted), line| match line.kind {
            LineKind::Inserted => (inserted + 1, deleted),
            LineKind::Deleted => (inserted, deleted + 1),
            LineKind::Context => (inserted, deleted),
        })
    }
}

impl Hunk {
    /// Pairs deleted lines with the inserted lines that replaced them, row by row, for a
    /// two-column view; context lines appear on both sides.
    pub fn side_by_side(&self) -> Vec<DiffRow> {
        let mut rows = Vec::new();
        let mut deleted: Vec<DiffLine> = Vec::new();
        let mut inserted: Vec<DiffLine> = Vec::new();
        let flush =
            |rows: &mut Vec<DiffRow>, deleted: &mut Vec<DiffLine>, inserted: &mut Vec<DiffLine>| {
                let count = deleted.len().max(inserted.len());
                let mut left = deleted.drain(..);
                let mut right = inserted.drain(..);
                for _ in 0..count {
                    rows.push(DiffRow {
                        left: left.next(),
                        right: right.next(),
                    });
                }
            };
        for line in &self.lines {
            match line.kind {
                LineKind::Deleted => {
                    // A deletion after insertions starts a new change block.
                    if !inserted.is_empty() {
                        flush(&mut rows, &mut deleted, &mut inserted);
                    }
                    deleted.push(line.clone());
                }
                LineKind::Inserted => inserted.push(line.clone()),
                LineKind::Context => {
                    flush(&mut rows, &mut deleted, &mut inserted);
                    rows.push(DiffRow {
                        left: Some(line.clone()),
                        right: Some(line.clone()),
                    });
                }
            }
        }
        flush(&mut rows, &mut deleted, &mut inserted);
        rows
    }
}

impl DiffLine {
    /// The whole line without highlights.
    pub fn text(&self) -> String {
        self.segments
            .iter()
            .map(|segment| segment.text.as_str())
            .collect()
    }
}

fn terminated(text: &str) -> String {
    let mut owned = text.to_owned();
    if !owned.is_empty() && !owned.ends_with('\n') {
        owned.push('\n');
    }
    owned
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders a diff as `-`/`+`/` ` lines with `[emphasis]`, the shape tests compare.
    fn check(old: &str, new: &str, expected: &str) {
        let diff = Diff::between(old, new);
        let mut out = String::new();
        for hunk in &diff.hunks {
            out.push_str(&format!(
                "@@ -{},{} +{},{} @@\n",
                hunk.old_start, hunk.old_len, hunk.new_start, hunk.new_len
            ));
            for line in &hunk.lines {
                out.push(match line.kind {
                    LineKind::Context => ' ',
                    LineKind::Deleted => '-',
                    LineKind::Inserted => '+',
                });
                for segment in &line.segments {
                    if segment.emphasized {
                        out.push_str(&format!("[{}]", segment.text));
                    } else {
                        out.push_str(&segment.text);
                    }
                }
                out.push('\n');
            }
        }
        assert_eq!(out, expected);
    }

    #[test]
    fn identical_texts_have_no_hunks() {
        assert!(Diff::between("a\nb", "a\nb").is_empty());
        assert!(Diff::between("a\nb\n", "a\nb").is_empty());
    }

    #[test]
    fn changed_word_is_emphasized() {
        check(
            "Le marché a lieu le mardi.\nFin",
            "Le marché a lieu le jeudi.\nFin",
            "@@ -1,2 +1,2 @@\n-Le marché a lieu le [mardi.]\n+Le marché a lieu le [jeudi.]\n Fin\n",
        );
    }

    #[test]
    fn lines_replaced_by_several_are_refined_word_by_word() {
        check(
            "titre\nConstruit en 1850.\nfin",
            "titre\nConstruit en 1852 par la ville.\nRénové en 1990.\nfin",
            "@@ -1,3 +1,4 @@\n titre\n-Construit en [1850.]\n+Construit en [1852 par la ville.]\n+[Rénové en 1990.]\n fin\n",
        );
    }

    #[test]
    fn creation_is_all_insertions() {
        check("", "a\nb", "@@ -1,0 +1,2 @@\n+a\n+b\n");
    }

    #[test]
    fn context_is_limited_to_three_lines() {
        let old: String = (1..=20).map(|i| format!("l{i}\n")).collect();
        let new = old.replace("l10\n", "L10\n");
        let diff = Diff::between(&old, &new);
        assert_eq!(diff.hunks.len(), 1);
        let hunk = &diff.hunks[0];
        assert_eq!((hunk.old_start, hunk.old_len), (7, 7));
        assert_eq!(diff.line_counts(), (1, 1));
    }

    #[test]
    fn side_by_side_pairs_replacements() {
        let diff = Diff::between("a\nb\nc\nd", "a\nB\nc\nd\ne");
        let rows = diff.hunks[0].side_by_side();
        let shape: Vec<(Option<String>, Option<String>)> = rows
            .iter()
            .map(|row| {
                (
                    row.left.as_ref().map(DiffLine::text),
                    row.right.as_ref().map(DiffLine::text),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (Some("a".into()), Some("a".into())),
                (Some("b".into()), Some("B".into())),
                (Some("c".into()), Some("c".into())),
                (Some("d".into()), Some("d".into())),
                (None, Some("e".into())),
            ]
        );
    }

    #[test]
    fn large_texts_diff_quickly_enough_to_finish() {
        let old: String = (0..5000).map(|i| format!("ligne {i}\n")).collect();
        let new: String = (0..5000).rev().map(|i| format!("ligne {i}\n")).collect();
        let diff = Diff::between(&old, &new);
        assert!(!diff.is_empty());
    }
}
