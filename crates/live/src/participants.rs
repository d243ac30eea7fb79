//! Who wrote in a live session since its last revision, and how a revision names them
//! within the limits of an author name and an edit summary.

use carnet_core::{MAX_AUTHOR_CHARS, MAX_COMMENT_CHARS, UserId};

/// Someone who typed in the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Their display name (account or temporary identity).
    pub name: String,
    pub user: Option<UserId>,
}

/// The participants since the last revision, in the order they first typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participants(Vec<Participant>);

impl Participants {
    /// Participants read back from storage, in their stored order.
    pub fn from_stored(list: Vec<Participant>) -> Participants {
        let mut participants = Participants::default();
        for participant in list {
            participants.add(&participant);
        }
        participants
    }

    /// Adds someone; true when they are new since the last revision (and must be stored).
    pub fn add(&mut self, participant: &Participant) -> bool {
        if self.0.iter().any(|known| known.name == participant.name) {
            return false;
        }
        self.0.push(participant.clone());
        true
    }

    pub fn list(&self) -> &[Participant] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The account a revision is attributed to: the first to type.
    pub fn first_user(&self) -> Option<UserId> {
        self.0.first().and_then(|participant| participant.user)
    }

    /// The revision's author field: every name, joined with ", ". When they do not fit
    /// in an author name, the first names that do and "+N" for the others (the summary
    /// lists them all).
    pub fn author_line(&self) -> String {
        joined(&self.0, MAX_AUTHOR_CHARS)
    }

    /// The revision's summary: the writer's own summary if any, then `label` and every
    /// participant, within the summary limit.
    pub fn comment(&self, summary: Option<&str>, label: &str) -> String {
        let summary = summary.map(str::trim).filter(|summary| !summary.is_empty());
        let head = match summary {
            Some(summary) => format!("{summary} — {label} "),
            None => format!("{label} "),
        };
        let room = MAX_COMMENT_CHARS.saturating_sub(head.chars().count());
        if room < 8 {
            // A summary filling the limit leaves no room for names: it wins.
            return summary
                .unwrap_or(label)
                .chars()
                .take(MAX_COMMENT_CHARS)
                .collect();
        }
        format!("{head}{}", joined(&self.0, room))
    }
}

/// Names joined with ", " within `limit` characters, ending in "+N" for those left out.
fn joined(participants: &[Participant], limit: usize) -> String {
    let mut line = String::new();
    for (index, participant) in participants.iter().enumerate() {
        let separator = if index == 0 { "" } else { ", " };
        let left_after = participants.len() - index - 1;
        let candidate = format!("{line}{separator}{}", participant.name);
        // Room must remain for " +N" if more names follow.
        let reserve = if left_after == 0 {
            0
        } else {
            format!(" +{left_after}").chars().count()
        };
        if candidate.chars().count() + reserve > limit {
            let rest = participants.len() - index;
            return if line.is_empty() {
                format!("+{rest}")
            } else {
                format!("{line} +{rest}")
            };
        }
        line = candidate;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(names: &[&str]) -> Participants {
        let mut participants = Participants::default();
        for (index, name) in names.iter().enumerate() {
            participants.add(&Participant {
                name: (*name).to_owned(),
                user: Some(UserId(index as i64 + 1)),
            });
        }
        participants
    }

    #[test]
    fn each_person_once_in_order() {
        let mut participants = people(&["Ada", "Bob"]);
        assert!(!participants.add(&Participant {
            name: "Ada".to_owned(),
            user: Some(UserId(1)),
        }));
        assert_eq!(participants.author_line(), "Ada, Bob");
        assert_eq!(participants.first_user(), Some(UserId(1)));
    }

    #[test]
    fn author_line_fits_the_author_limit() {
        let names: Vec<String> = (0..40).map(|i| format!("~2026-{i:03}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let line = people(&refs).author_line();
        assert!(line.chars().count() <= MAX_AUTHOR_CHARS, "{line}");
        assert!(line.starts_with("~2026-000, ~2026-001"), "{line}");
        assert!(line.ends_with(" +33"), "{line}");
        assert!(carnet_core::Author::new(&line).is_ok());
    }

    #[test]
    fn comment_lists_everyone_after_the_summary() {
        let participants = people(&["Ada", "Bob", "Chloé"]);
        assert_eq!(
            participants.comment(Some(" Ordre du jour "), "en direct avec"),
            "Ordre du jour — en direct avec Ada, Bob, Chloé"
        );
        assert_eq!(
            participants.comment(None, "en direct avec"),
            "en direct avec Ada, Bob, Chloé"
        );
        let long = "x".repeat(600);
        let comment = participants.comment(Some(&long), "en direct avec");
        assert_eq!(comment.chars().count(), MAX_COMMENT_CHARS);
    }
}
