//! What a save does, decided without touching storage: the store runs this inside its
//! write transaction with the revisions it read.

use crate::ids::RevisionId;
use crate::merge::{MergeLabels, MergeOutcome, merge};
use crate::text::{PageText, TextError};

/// The outcome of saving `mine` on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveDecision {
    /// The text equals the current revision's (or the writer's change is already
    /// there): no revision is created.
    Unchanged,
    /// Store `text` as a new revision on top of the current one. `merged` says whether
    /// other people's changes made since the writer's base were merged in.
    Save { text: PageText, merged: bool },
    /// Overlapping changes: nothing is saved; the writer resolves `with_markers`.
    Conflict {
        with_markers: String,
        conflicts: usize,
    },
}

/// Decides a save.
///
/// - `base`: the revision the writer started from (`None` when creating the page);
/// - `current`: the page's current revision (`None` when the page does not exist);
/// - `mine`: the writer's text.
///
/// The merge result is checked against `limit` like any text.
pub fn decide_save(
    base: Option<(RevisionId, &PageText)>,
    current: Option<(RevisionId, &PageText)>,
    mine: PageText,
    limit: usize,
    labels: &MergeLabels,
) -> Result<SaveDecision, TextError> {
    let Some((current_id, current_text)) = current else {
        return Ok(SaveDecision::Save {
            text: mine,
            merged: false,
        });
    };
    if &mine == current_text {
        return Ok(SaveDecision::Unchanged);
    }
    if base.map(|(id, _)| id) == Some(current_id) {
        return Ok(SaveDecision::Save {
            text: mine,
            merged: false,
        });
    }
    let base_text = base.map(|(_, text)| text.as_str()).unwrap_or("");
    match merge(base_text, current_text.as_str(), mine.as_str(), labels) {
        MergeOutcome::Clean(text) => {
            let text = PageText::new(&text, limit)?;
            if &text == current_text {
                return Ok(SaveDecision::Unchanged);
            }
            Ok(SaveDecision::Save { text, merged: true })
        }
        MergeOutcome::Conflicted {
            with_markers,
            conflicts,
        } => Ok(SaveDecision::Conflict {
            with_markers,
            conflicts,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::MAX_PAGE_BYTES;

    fn text(s: &str) -> PageText {
        PageText::new(s, MAX_PAGE_BYTES).unwrap()
    }

    fn decide(base: Option<(i64, &str)>, current: Option<(i64, &str)>, mine: &str) -> SaveDecision {
        let base = base.map(|(id, s)| (RevisionId(id), text(s)));
        let current = current.map(|(id, s)| (RevisionId(id), text(s)));
        decide_save(
            base.as_ref().map(|(id, t)| (*id, t)),
            current.as_ref().map(|(id, t)| (*id, t)),
            text(mine),
            MAX_PAGE_BYTES,
            &MergeLabels::default(),
        )
        .unwrap()
    }

    #[test]
    fn creating_a_page() {
        assert_eq!(
            decide(None, None, "Bonjour"),
            SaveDecision::Save {
                text: text("Bonjour"),
                merged: false
            }
        );
    }

    #[test]
    fn saving_on_the_current_revision() {
        assert_eq!(
            decide(Some((1, "a")), Some((1, "a")), "b"),
            SaveDecision::Save {
                text: text("b"),
                merged: false
            }
        );
    }

    #[test]
    fn same_text_is_a_null_edit() {
        assert_eq!(
            decide(Some((1, "a")), Some((1, "a")), "a\r\n"),
            SaveDecision::Unchanged
        );
    }

    #[test]
    fn stale_base_merges() {
        assert_eq!(
            decide(
                Some((1, "a\nb\nc\nd")),
                Some((2, "A\nb\nc\nd")),
                "a\nb\nc\nD"
            ),
            SaveDecision::Save {
                text: text("A\nb\nc\nD"),
                merged: true
            }
        );
    }

    #[test]
    fn stale_base_with_the_same_change_is_unchanged() {
        assert_eq!(
            decide(Some((1, "a\nb")), Some((2, "a\nB")), "a\nB"),
            SaveDecision::Unchanged
        );
    }

    #[test]
    fn overlapping_changes_conflict() {
        assert!(matches!(
            decide(Some((1, "a\nb\nc")), Some((2, "a\nX\nc")), "a\nY\nc"),
            SaveDecision::Conflict { conflicts: 1, .. }
        ));
    }

    #[test]
    fn creating_a_page_someone_just_created_conflicts() {
        assert!(matches!(
            decide(None, Some((7, "leur texte")), "mon texte"),
            SaveDecision::Conflict { .. }
        ));
    }

    #[test]
    fn merged_text_over_the_limit_is_refused() {
        let base = text("a\nb\nc\nd");
        let current = text("aaaaaaaa\nb\nc\nd");
        let res = decide_save(
            Some((RevisionId(1), &base)),
            Some((RevisionId(2), &current)),
            text("a\nb\nc\ndddddddd"),
            20,
            &MergeLabels::default(),
        );
        assert_eq!(
            res,
            Err(TextError::TooLarge {
                size: 21,
                limit: 20
            })
        );
    }
}
