//! Three-way merges of concurrent edits, line by line.

use similar::TextMerge;

/// How the two sides are labelled in conflict markers; the caller translates them.
#[derive(Debug, Clone)]
pub struct MergeLabels {
    pub base: String,
    pub theirs: String,
    pub mine: String,
}

impl Default for MergeLabels {
    fn default() -> Self {
        MergeLabels {
            base: "base".to_owned(),
            theirs: "saved".to_owned(),
            mine: "yours".to_owned(),
        }
    }
}

/// The result of merging: never an error, conflicts are an outcome like any other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeOutcome {
    /// The changes did not overlap: this text contains both.
    Clean(String),
    /// Some changes overlapped; `with_markers` contains diff3-style conflict markers
    /// around each of the `conflicts` regions, for a person to resolve.
    Conflicted {
        with_markers: String,
        conflicts: usize,
    },
}

/// Merges `theirs` (what was saved meanwhile) and `mine` (what is being saved), both
/// descended from `base`.
///
/// Texts are compared as lines; a missing final newline is not a change.
///
/// ```
/// use carnet_core::{merge, MergeLabels, MergeOutcome};
/// let base = "un\ndeux\ntrois\nquatre";
/// let theirs = "UN\ndeux\ntrois\nquatre";
/// let mine = "un\ndeux\ntrois\nQUATRE";
/// assert_eq!(
///     merge(base, theirs, mine, &MergeLabels::default()),
///     MergeOutcome::Clean("UN\ndeux\ntrois\nQUATRE".to_owned())
/// );
/// ```
pub fn merge(base: &str, theirs: &str, mine: &str, labels: &MergeLabels) -> MergeOutcome {
    let base = terminated(base);
    let theirs = terminated(theirs);
    let mine = terminated(mine);
    // "ours" in similar's vocabulary is the stored side: conflict markers show the saved
    // text first, then the writer's own, as in MediaWiki's edit-conflict screen.
    let mut result = TextMerge::from_lines(base.as_str(), theirs.as_str(), mine.as_str());
    result.labels(&labels.base, &labels.theirs, &labels.mine);
    let conflicts = result.conflict_count();
    let text = result.to_string();
    let text = text.strip_suffix('\n').unwrap_or(&text).to_owned();
    if conflicts == 0 {
        MergeOutcome::Clean(text)
    } else {
        MergeOutcome::Conflicted {
            with_markers: text,
            conflicts,
        }
    }
}

fn terminated(text: &str) -> String {
    let mut owned = text.to_owned();
    if !owned.ends_with('\n') {
        owned.push('\n');
    }
    owned
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(base: &str, theirs: &str, mine: &str, expected: MergeOutcome) {
        assert_eq!(merge(base, theirs, mine, &MergeLabels::default()), expected);
    }

    #[test]
    fn separate_changes_merge_cleanly() {
        check(
            "# Réunion\n\nOrdre du jour\n\n- budget\n\nDécisions\n\n- aucune",
            "# Réunion du 3 mars\n\nOrdre du jour\n\n- budget\n\nDécisions\n\n- aucune",
            "# Réunion\n\nOrdre du jour\n\n- budget\n\nDécisions\n\n- voter le budget",
            MergeOutcome::Clean(
                "# Réunion du 3 mars\n\nOrdre du jour\n\n- budget\n\nDécisions\n\n- voter le budget"
                    .to_owned(),
            ),
        );
    }

    #[test]
    fn identical_changes_merge_cleanly() {
        check(
            "a\nb",
            "a\nB",
            "a\nB",
            MergeOutcome::Clean("a\nB".to_owned()),
        );
    }

    #[test]
    fn overlapping_changes_conflict_with_markers() {
        let outcome = merge("a\nb\nc", "a\nX\nc", "a\nY\nc", &MergeLabels::default());
        match outcome {
            MergeOutcome::Conflicted {
                with_markers,
                conflicts,
            } => {
                assert_eq!(conflicts, 1);
                assert_eq!(
                    with_markers,
                    "a\n<<<<<<< saved\nX\n=======\nY\n>>>>>>> yours\nc"
                );
            }
            MergeOutcome::Clean(text) => panic!("expected a conflict, got {text:?}"),
        }
    }

    #[test]
    fn both_appending_at_the_end_conflicts() {
        let outcome = merge("a", "a\nb", "a\nc", &MergeLabels::default());
        assert!(matches!(
            outcome,
            MergeOutcome::Conflicted { conflicts: 1, .. }
        ));
    }

    #[test]
    fn missing_final_newline_is_not_a_change() {
        check(
            "a\nb\n",
            "a\nb",
            "A\nb\n",
            MergeOutcome::Clean("A\nb".to_owned()),
        );
    }

    #[test]
    fn creation_race_from_empty_base() {
        check("", "same", "same", MergeOutcome::Clean("same".to_owned()));
        let outcome = merge("", "one", "two", &MergeLabels::default());
        assert!(matches!(outcome, MergeOutcome::Conflicted { .. }));
    }

    #[test]
    fn labels_are_used() {
        let labels = MergeLabels {
            base: "ancêtre".to_owned(),
            theirs: "version enregistrée".to_owned(),
            mine: "votre version".to_owned(),
        };
        let MergeOutcome::Conflicted { with_markers, .. } = merge("a", "b", "c", &labels) else {
            panic!("expected a conflict");
        };
        assert!(with_markers.contains("<<<<<<< version enregistrée"));
        assert!(with_markers.contains(">>>>>>> votre version"));
    }
}
