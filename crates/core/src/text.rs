//! Page text as it is stored: normalised line endings, a size limit, a content hash.

use std::fmt;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// Default upper bound for one revision's text (2 MiB, like MediaWiki's default).
pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("the text is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("the text contains a NUL character")]
    NulCharacter,
}

/// The text of a page, normalised so that saving the same words twice compares equal:
/// `\r\n` and lone `\r` become `\n`, trailing whitespace at the very end is dropped
/// (browsers add and remove final newlines at will).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageText(String);

impl PageText {
    /// Normalises and checks `raw` against `limit` bytes.
    pub fn new(raw: &str, limit: usize) -> Result<PageText, TextError> {
        if raw.contains('\0') {
            return Err(TextError::NulCharacter);
        }
        let unified = if raw.contains('\r') {
            raw.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            raw.to_owned()
        };
        let trimmed = unified.trim_end().to_owned();
        if trimmed.len() > limit {
            return Err(TextError::TooLarge {
                size: trimmed.len(),
                limit,
            });
        }
        Ok(PageText(trimmed))
    }

    /// Wraps text read back from storage, which was normalised when saved.
    pub fn from_stored(text: String) -> PageText {
        PageText(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Size in bytes of UTF-8, as shown in history.
    pub fn size(&self) -> usize {
        self.0.len()
    }

    pub fn hash(&self) -> ContentHash {
        ContentHash::of(&self.0)
    }
}

/// SHA-256 of a revision's text, hex-encoded: detects identical texts (reverts, null
/// edits) without comparing them, and corruption when read back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContentHash(String);

impl ContentHash {
    pub fn of(text: &str) -> ContentHash {
        let digest = Sha256::digest(text.as_bytes());
        let hex = digest
            .iter()
            .fold(String::with_capacity(64), |mut hex, byte| {
                // Writing to a String cannot fail.
                let _ = write!(hex, "{byte:02x}");
                hex
            });
        ContentHash(hex)
    }

    /// Wraps a stored hash.
    pub fn from_stored(hex: String) -> ContentHash {
        ContentHash(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_are_unified_and_end_trimmed() {
        let text = PageText::new("a\r\nb\rc\n\n  \n", MAX_PAGE_BYTES).unwrap();
        assert_eq!(text.as_str(), "a\nb\nc");
        // Leading whitespace is meaningful in Markdown (indented code) and is kept.
        let text = PageText::new("    code\n", MAX_PAGE_BYTES).unwrap();
        assert_eq!(text.as_str(), "    code");
    }

    #[test]
    fn size_limit_is_enforced_after_normalisation() {
        assert_eq!(
            PageText::new("abcdef", 5),
            Err(TextError::TooLarge { size: 6, limit: 5 })
        );
        assert!(PageText::new("abcde\n\n\n", 5).is_ok());
    }

    #[test]
    fn nul_is_refused() {
        assert_eq!(
            PageText::new("a\0b", MAX_PAGE_BYTES),
            Err(TextError::NulCharacter)
        );
    }

    #[test]
    fn hash_is_sha256_hex() {
        assert_eq!(
            ContentHash::of("").as_str(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let text = PageText::new("Bonjour", MAX_PAGE_BYTES).unwrap();
        assert_eq!(text.hash(), ContentHash::of("Bonjour"));
    }
}
