//! Personal API tokens: the name a person gives a token, and the token's shape.

use std::fmt;

/// The longest token name, in characters.
pub const MAX_TOKEN_NAME_CHARS: usize = 100;
/// Every token starts with this, so a leaked one is recognisable (secret scanners,
/// logs) and never mistaken for a session token.
pub const TOKEN_PREFIX: &str = "carnet_";

/// What a person calls a token ("robot de sauvegarde"), to recognise it in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenNameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is longer than {MAX_TOKEN_NAME_CHARS} characters")]
    TooLong,
    #[error("the name contains a control character")]
    ControlCharacter,
}

impl TokenName {
    /// Trims and checks a name typed in the account page.
    ///
    /// ```
    /// use carnet_core::TokenName;
    /// assert_eq!(TokenName::parse("  robot ").unwrap().as_str(), "robot");
    /// assert!(TokenName::parse(" ").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<TokenName, TokenNameError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(TokenNameError::Empty);
        }
        if name.chars().count() > MAX_TOKEN_NAME_CHARS {
            return Err(TokenNameError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(TokenNameError::ControlCharacter);
        }
        Ok(TokenName(name.to_owned()))
    }

    /// Wraps a name read back from storage.
    pub fn from_stored(name: String) -> TokenName {
        TokenName(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TokenName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(
            TokenName::parse("\tbot\n").map(|n| n.0),
            Ok("bot".to_owned())
        );
        assert_eq!(TokenName::parse(""), Err(TokenNameError::Empty));
        assert_eq!(
            TokenName::parse(&"é".repeat(MAX_TOKEN_NAME_CHARS)).map(|n| n.0.chars().count()),
            Ok(MAX_TOKEN_NAME_CHARS)
        );
        assert_eq!(
            TokenName::parse(&"é".repeat(MAX_TOKEN_NAME_CHARS + 1)),
            Err(TokenNameError::TooLong)
        );
        assert_eq!(
            TokenName::parse("a\u{7}b"),
            Err(TokenNameError::ControlCharacter)
        );
    }
}
