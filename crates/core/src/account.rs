//! Accounts: user names, roles and the password rules.

use std::fmt;

use crate::title::{Namespace, Title};

/// The longest user name, in characters.
pub const MAX_USER_NAME_CHARS: usize = 85;
/// Shorter passwords are refused; no other composition rule (NIST SP 800-63B).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longer passwords are refused (hashing cost).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A registered user's name: a valid `Utilisateur:` page name, without `/` or `:`,
/// never an IP address, never starting with `~` (temporary identities).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserNameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is longer than {MAX_USER_NAME_CHARS} characters")]
    TooLong,
    #[error("the name contains a character that is not allowed")]
    ForbiddenCharacter,
    #[error("the name looks like an IP address")]
    LooksLikeIpAddress,
    #[error(
        "names starting with ~ (temporary identities) or ending with (importé) (imported authors) are kept"
    )]
    Reserved,
}

impl UserName {
    /// Normalises like a page title (spaces, NFC, first letter upper-cased) and checks.
    ///
    /// ```
    /// use carnet_core::UserName;
    /// assert_eq!(UserName::parse("  marie_curie ").unwrap().as_str(), "Marie curie");
    /// assert!(UserName::parse("192.168.0.1").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<UserName, UserNameError> {
        if input.contains(['/', ':', '@']) {
            return Err(UserNameError::ForbiddenCharacter);
        }
        let title = Title::from_parts(Namespace::User, input).map_err(|error| match error {
            crate::TitleError::Empty => UserNameError::Empty,
            crate::TitleError::TooLong => UserNameError::TooLong,
            _ => UserNameError::ForbiddenCharacter,
        })?;
        let name = title.name();
        if name.chars().count() > MAX_USER_NAME_CHARS {
            return Err(UserNameError::TooLong);
        }
        if name.starts_with('~') || name.ends_with(crate::Author::IMPORTED_MARK) {
            return Err(UserNameError::Reserved);
        }
        if name.parse::<std::net::IpAddr>().is_ok() {
            return Err(UserNameError::LooksLikeIpAddress);
        }
        Ok(UserName(name.to_owned()))
    }

    /// Wraps a name read back from storage.
    pub fn from_stored(name: String) -> UserName {
        UserName(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a registered person may do beyond writing. Readers and logged-out writers have
/// no account, hence no role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A registered writer.
    Writer,
    /// A workshop facilitator.
    Animateur,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Writer, Role::Animateur, Role::Administrator];

    /// The name stored in the database and used on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Animateur => "animateur",
            Role::Administrator => "admin",
        }
    }

    /// Accepts the stored names and their French forms.
    pub fn parse(code: &str) -> Option<Role> {
        match code.trim().to_lowercase().as_str() {
            "writer" | "rédacteur" | "redacteur" | "rédactrice" | "user" => Some(Role::Writer),
            "animateur" | "animatrice" | "facilitator" => Some(Role::Animateur),
            "admin" | "administrator" | "administrateur" | "administratrice" => {
                Some(Role::Administrator)
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password is shorter than {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password is longer than {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    #[error("the password is the user name")]
    SameAsName,
}

/// The only password rules: a sane length, and not the user name.
pub fn check_password(name: &UserName, password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    if password.trim().to_lowercase() == name.as_str().to_lowercase() {
        return Err(PasswordError::SameAsName);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names() {
        assert_eq!(UserName::parse("léa").unwrap().as_str(), "Léa");
        assert_eq!(
            UserName::parse("Jean  Dupont").unwrap().as_str(),
            "Jean Dupont"
        );
        assert_eq!(UserName::parse(""), Err(UserNameError::Empty));
        assert_eq!(
            UserName::parse("a/b"),
            Err(UserNameError::ForbiddenCharacter)
        );
        assert_eq!(
            UserName::parse("a:b"),
            Err(UserNameError::ForbiddenCharacter)
        );
        assert_eq!(
            UserName::parse("a[b"),
            Err(UserNameError::ForbiddenCharacter)
        );
        assert_eq!(UserName::parse("~2026-1"), Err(UserNameError::Reserved));
        assert_eq!(
            UserName::parse("Marie (importé)"),
            Err(UserNameError::Reserved)
        );
        assert_eq!(
            UserName::parse("::1"),
            Err(UserNameError::ForbiddenCharacter)
        );
        assert_eq!(
            UserName::parse("10.0.0.1"),
            Err(UserNameError::LooksLikeIpAddress)
        );
        assert_eq!(
            UserName::parse(&"x".repeat(86)),
            Err(UserNameError::TooLong)
        );
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("Administratrice"), Some(Role::Administrator));
        assert_eq!(Role::parse("dieu"), None);
    }

    #[test]
    fn password_rules() {
        let name = UserName::parse("Marie").unwrap();
        assert_eq!(check_password(&name, "court"), Err(PasswordError::TooShort));
        assert_eq!(check_password(&name, "marie"), Err(PasswordError::TooShort));
        let long_name = UserName::parse("Marguerite").unwrap();
        assert_eq!(
            check_password(&long_name, "MARGUERITE"),
            Err(PasswordError::SameAsName)
        );
        assert_eq!(
            check_password(&name, &"x".repeat(1025)),
            Err(PasswordError::TooLong)
        );
        assert!(check_password(&name, "correct cheval pile agrafe").is_ok());
    }
}
