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

    /// What follows the names of imported authors (`carnet import mediawiki`). Account
    /// names cannot end with it ([`crate::UserName::parse`]), so nobody can sign as an
    /// imported author.
    pub const IMPORTED_MARK: &'static str = "(importé)";

    /// A contributor of an imported wiki, by the name they had there: `"Marie
    /// (importé)"`, shortened to fit [`MAX_AUTHOR_CHARS`]; a name that is not a valid
    /// author name (or looks like an address) becomes `"Anonyme (importé)"`.
    pub fn imported(name: &str) -> Author {
        let room = MAX_AUTHOR_CHARS - Author::IMPORTED_MARK.chars().count() - 1;
        let name: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let short: String = name.chars().take(room).collect();
        match Author::new(short.trim()) {
            Ok(author) if author.0 != Author::ANONYMOUS || short.trim() == Author::ANONYMOUS => {
                Author(format!("{} {}", author.0, Author::IMPORTED_MARK))
            }
            _ => Author(format!("{} {}", Author::ANONYMOUS, Author::IMPORTED_MARK)),
        }
    }

    /// A logged-out writer of an imported wiki: a pseudonym made from a keyed hash of
    /// their address (`"Anonyme-1a2b3c4d (importé)"`), never the address itself.
    pub fn imported_pseudonym(hash_hex: &str) -> Author {
        let short: String = hash_hex
            .chars()
            .filter(char::is_ascii_hexdigit)
            .take(8)
            .collect();
        Author(format!(
            "{}-{short} {}",
            Author::ANONYMOUS,
            Author::IMPORTED_MARK
        ))
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
    fn imported_authors() {
        assert_eq!(
            Author::imported("Wikinator").as_str(),
            "Wikinator (importé)"
        );
        assert_eq!(
            Author::imported("  Zase   Wieder ").as_str(),
            "Zase Wieder (importé)"
        );
        assert_eq!(Author::imported("").as_str(), "Anonyme (importé)");
        assert_eq!(Author::imported("10.0.0.1").as_str(), "Anonyme (importé)");
        assert_eq!(Author::imported("a<b").as_str(), "Anonyme (importé)");
        let long = Author::imported(&"é".repeat(200));
        assert_eq!(long.as_str().chars().count(), MAX_AUTHOR_CHARS);
        assert!(long.as_str().ends_with(" (importé)"));
        assert_eq!(
            Author::imported_pseudonym("0123456789abcdef").as_str(),
            "Anonyme-01234567 (importé)"
        );
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
