//! When a live session becomes a wiki revision: after a pause in typing, when the last
//! writer leaves, on request, and at least every so often during a long session so a
//! meeting's notes never sit only in the live tables for long.

use std::time::{Duration, Instant};

/// The timings of checkpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckpointRules {
    /// A pause in typing this long saves a revision.
    pub idle: Duration,
    /// Unsaved typing older than this is saved even while people keep typing.
    pub longest: Duration,
}

impl Default for CheckpointRules {
    fn default() -> Self {
        CheckpointRules {
            idle: Duration::from_secs(30),
            longest: Duration::from_secs(10 * 60),
        }
    }
}

/// Why a revision is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckpointReason {
    /// Nobody typed for [`CheckpointRules::idle`].
    Idle,
    /// The last person allowed to write left.
    LastWriterLeft,
    /// Someone pressed "save a version".
    Requested,
    /// Typing went on for [`CheckpointRules::longest`] without a pause.
    Long,
}

/// What the session typed since its last revision, in time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckpointClock {
    first_unsaved: Option<Instant>,
    last_edit: Option<Instant>,
}

impl CheckpointClock {
    /// Records an edit (a persisted update) at `now`.
    pub fn edited(&mut self, now: Instant) {
        self.first_unsaved.get_or_insert(now);
        self.last_edit = Some(now);
    }

    /// Whether something was typed since the last revision.
    pub fn is_dirty(&self) -> bool {
        self.first_unsaved.is_some()
    }

    /// Whether a revision is due now, with `writers` people allowed to write still here.
    pub fn due(
        &self,
        rules: &CheckpointRules,
        now: Instant,
        writers: usize,
    ) -> Option<CheckpointReason> {
        let (Some(first), Some(last)) = (self.first_unsaved, self.last_edit) else {
            return None;
        };
        if writers == 0 {
            return Some(CheckpointReason::LastWriterLeft);
        }
        if now.saturating_duration_since(last) >= rules.idle {
            return Some(CheckpointReason::Idle);
        }
        if now.saturating_duration_since(first) >= rules.longest {
            return Some(CheckpointReason::Long);
        }
        None
    }

    /// The revision was saved: nothing is unsaved any more.
    pub fn saved(&mut self) {
        *self = CheckpointClock::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(edits: &[u64], now: u64, writers: usize, expect: Option<CheckpointReason>) {
        let start = Instant::now();
        let rules = CheckpointRules::default();
        let mut clock = CheckpointClock::default();
        for second in edits {
            clock.edited(start + Duration::from_secs(*second));
        }
        assert_eq!(
            clock.due(&rules, start + Duration::from_secs(now), writers),
            expect,
            "edits at {edits:?}, now {now}, {writers} writers"
        );
    }

    #[test]
    fn nothing_typed_nothing_due() {
        check(&[], 1000, 0, None);
        check(&[], 1000, 3, None);
    }

    #[test]
    fn thirty_seconds_without_typing() {
        check(&[0, 5, 10], 39, 2, None);
        check(&[0, 5, 10], 40, 2, Some(CheckpointReason::Idle));
    }

    #[test]
    fn last_writer_leaving() {
        check(&[0], 1, 0, Some(CheckpointReason::LastWriterLeft));
    }

    #[test]
    fn long_sessions_are_saved_while_typing() {
        let edits: Vec<u64> = (0..=600).step_by(10).collect();
        check(&edits, 599, 4, None);
        check(&edits, 600, 4, Some(CheckpointReason::Long));
    }

    #[test]
    fn saving_resets() {
        let start = Instant::now();
        let mut clock = CheckpointClock::default();
        clock.edited(start);
        assert!(clock.is_dirty());
        clock.saved();
        assert!(!clock.is_dirty());
        let later = start + Duration::from_secs(3600);
        assert_eq!(clock.due(&CheckpointRules::default(), later, 0), None);
    }
}
