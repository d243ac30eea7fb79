//! Revisions: immutable snapshots of a page's text with who, when and why.

use chrono::{DateTime, Utc};

use crate::ids::{PageId, RevisionId};
use crate::text::{ContentHash, PageText};

/// The longest display name accepted for an author.
pub const MAX_AUTHOR_CHARS: usize = 85;
/// The longest edit summary (MediaWiki's limit).
pub const MAX_COMMENT_CHARS: usize = 500;

/// Who wrote a revision: a display name, never an IP address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Author(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorError {
    #[error("the name is longer than {MAX_AUTHOR_CHARS} characters")]
    TooLong,
    #[error("the name contains a control character or a forbidden character")]
    ForbiddenCharacter,
    #[error("the name looks like an IP address")]
    LooksLikeIpAddress,
}

impl Author {
    /// Who saves when no name was given.
    pub const ANONYMOUS: &'static str = "Anonyme";

    /// Validates a display name; an empty one becomes [`Author::ANONYMOUS`].
    pub fn new(name: &str) -> Result<Author, AuthorError> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Ok(Author(Author::ANONYMOUS.to_owned()));
        }
        if name.chars().count() > MAX_AUTHOR_CHARS {
            return Err(AuthorError::TooLong);
        }
        if name
            .chars()
            .any(|c| c.is_control() || matches!(c, '<' | '>' | '[' | ']' | '|' | '{' | '}' | '#'))
        {
            return Err(AuthorError::ForbiddenCharacter);
        }
        if name.parse::<std::net::IpAddr>().is_ok() {
            return Err(AuthorError::LooksLikeIpAddress);
        }
        Ok(Author(name))
    }

    /// Wraps a name read back from storage.
    pub fn from_stored(name: String) -> Author {
        Author(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An edit summary: one line, bounded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Comment(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommentError {
    #[error("the summary is longer than {MAX_COMMENT_CHARS} characters")]
    TooLong,
}

impl Comment {
    /// Collapses whitespace (summaries are one line) and checks the length.
    pub fn new(summary: &str) -> Result<Comment, CommentError> {
        let summary: String = summary
            .split(|c: char| c.is_whitespace() || c.is_control())
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if summary.chars().count() > MAX_COMMENT_CHARS {
            return Err(CommentError::TooLong);
        }
        Ok(Comment(summary))
    }

    pub fn from_stored(summary: String) -> Comment {
        Comment(summary)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Everything about a revision except its text: what history lists show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionMeta {
    pub id: RevisionId,
    pub page: PageId,
    /// The revision this one was saved on top of; `None` for a page's first revision.
    pub parent: Option<RevisionId>,
    pub author: Author,
    pub timestamp: DateTime<Utc>,
    pub comment: Comment,
    pub minor: bool,
    /// Size of the text in bytes.
    pub size: usize,
    pub hash: ContentHash,
    /// The text was hidden by an administrator (vandalism): the history line stays,
    /// the text is shown to administrators only.
    pub text_hidden: bool,
    /// The revision belongs to a deletion: only administrators see it until undeleted.
    pub deleted: bool,
}

/// A revision with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub meta: RevisionMeta,
    pub text: PageText,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_names() {
        assert_eq!(
            Author::new("  Marie   Curie ").unwrap().as_str(),
            "Marie Curie"
        );
        assert_eq!(Author::new("").unwrap().as_str(), Author::ANONYMOUS);
        assert_eq!(
            Author::new("192.168.1.20"),
            Err(AuthorError::LooksLikeIpAddress)
        );
        assert_eq!(
            Author::new("2001:db8::1"),
            Err(AuthorError::LooksLikeIpAddress)
        );
        assert_eq!(Author::new("a<b"), Err(AuthorError::ForbiddenCharacter));
        assert_eq!(Author::new(&"x".repeat(86)), Err(AuthorError::TooLong));
    }

    #[test]
    fn comments_are_one_line() {
        assert_eq!(
            Comment::new("typo\r\n  corrigée\t").unwrap().as_str(),
            "typo corrigée"
        );
        assert_eq!(Comment::new(&"é".repeat(501)), Err(CommentError::TooLong));
        assert!(Comment::new(&"é".repeat(500)).is_ok());
    }
}
