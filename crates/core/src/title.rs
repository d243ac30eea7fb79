//! Page titles, normalised the way MediaWiki writers expect.
//!
//! A [`Title`] is parsed once at the edge (URL, form, link) and is valid from then on:
//! the rest of Carnet never re-checks it.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use unicode_normalization::UnicodeNormalization;

/// Characters left readable in URL paths, as MediaWiki does: `Catégorie:Parcs/Nord`
/// stays `Cat%C3%A9gorie:Parcs/Nord`, while `?`, `#`, `%`, `&`, `+`, `"` are encoded.
const URL_PATH_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'-')
    .remove(b'.')
    .remove(b'~')
    .remove(b':')
    .remove(b'/')
    .remove(b',')
    .remove(b';')
    .remove(b'@')
    .remove(b'!')
    .remove(b'*')
    .remove(b'(')
    .remove(b')')
    .remove(b'$')
    .remove(b'\'');

/// The longest title, in bytes of UTF-8, namespace prefix excluded (MediaWiki's limit).
pub const MAX_TITLE_BYTES: usize = 255;

/// A namespace groups pages by role. The French name is canonical (the wiki's
/// language); the English name is an alias that parses to the same namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Namespace {
    /// Generated pages (recent changes, search…): never stored.
    Special,
    /// Articles.
    Main,
    /// Discussion of an article.
    Talk,
    /// A user's own page.
    User,
    /// Uploaded media description pages.
    File,
    /// Transcluded building blocks.
    Template,
    /// Category description pages.
    Category,
    /// Thematic portals.
    Portal,
}

impl Namespace {
    /// Every namespace, for lookups and listings.
    pub const ALL: [Namespace; 8] = [
        Namespace::Special,
        Namespace::Main,
        Namespace::Talk,
        Namespace::User,
        Namespace::File,
        Namespace::Template,
        Namespace::Category,
        Namespace::Portal,
    ];

    /// MediaWiki's numeric namespace id, stored in the database (so imports keep them).
    pub fn id(self) -> i32 {
        match self {
            Namespace::Special => -1,
            Namespace::Main => 0,
            Namespace::Talk => 1,
            Namespace::User => 2,
            Namespace::File => 6,
            Namespace::Template => 10,
            Namespace::Category => 14,
            Namespace::Portal => 100,
        }
    }

    /// The namespace with this numeric id, if Carnet knows it.
    pub fn from_id(id: i32) -> Option<Namespace> {
        Namespace::ALL.into_iter().find(|ns| ns.id() == id)
    }

    /// The canonical (French) prefix, without the colon; empty for articles.
    pub fn canonical_name(self) -> &'static str {
        match self {
            Namespace::Special => "Spécial",
            Namespace::Main => "",
            Namespace::Talk => "Discussion",
            Namespace::User => "Utilisateur",
            Namespace::File => "Fichier",
            Namespace::Template => "Modèle",
            Namespace::Category => "Catégorie",
            Namespace::Portal => "Portail",
        }
    }

    /// Names accepted as prefix, French first, compared case-insensitively.
    fn names(self) -> &'static [&'static str] {
        match self {
            Namespace::Special => &["Spécial", "Special"],
            Namespace::Main => &[],
            Namespace::Talk => &["Discussion", "Talk"],
            Namespace::User => &["Utilisateur", "Utilisatrice", "User"],
            Namespace::File => &["Fichier", "File", "Image"],
            Namespace::Template => &["Modèle", "Template"],
            Namespace::Category => &["Catégorie", "Category"],
            Namespace::Portal => &["Portail", "Portal"],
        }
    }

    /// Finds the namespace named by `prefix` (already trimmed), in French or English.
    pub fn from_prefix(prefix: &str) -> Option<Namespace> {
        let wanted = fold_case(prefix);
        Namespace::ALL
            .into_iter()
            .find(|ns| ns.names().iter().any(|name| fold_case(name) == wanted))
    }

    /// Pages in this namespace can be written; special pages are generated.
    pub fn is_editable(self) -> bool {
        self != Namespace::Special
    }
}

/// Why a title was refused. Messages are for logs; the web layer translates the kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TitleError {
    #[error("the title is empty")]
    Empty,
    #[error("the title is longer than {MAX_TITLE_BYTES} bytes")]
    TooLong,
    #[error("the title contains the forbidden character {0:?}")]
    ForbiddenCharacter(char),
    #[error("the title contains a control character")]
    ControlCharacter,
    #[error("the title looks like a relative path (. or ..)")]
    RelativePath,
    #[error("the title contains a percent-encoded sequence")]
    PercentEncoded,
}

/// A valid, normalised page title: a namespace and a name.
///
/// The name uses spaces (never underscores), is NFC-normalised, trimmed, has its inner
/// whitespace collapsed and its first letter upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Title {
    namespace: Namespace,
    name: String,
}

impl Title {
    /// Parses what a person typed, a URL segment (already percent-decoded) or a link
    /// target.
    ///
    /// ```
    /// use carnet_core::{Namespace, Title};
    /// let title = Title::parse("category:  école_du_quartier").unwrap();
    /// assert_eq!(title.namespace(), Namespace::Category);
    /// assert_eq!(title.to_string(), "Catégorie:École du quartier");
    /// assert_eq!(title.url_form(), "Catégorie:École_du_quartier");
    /// ```
    pub fn parse(input: &str) -> Result<Title, TitleError> {
        let cleaned = clean(input)?;
        // A leading colon forces the main namespace in links (`[[:Catégorie:X]]`).
        let cleaned = match cleaned.strip_prefix(':') {
            Some(rest) => rest.trim_start().to_owned(),
            None => cleaned,
        };
        let (namespace, name) = match cleaned.split_once(':') {
            Some((prefix, rest)) => match Namespace::from_prefix(prefix.trim()) {
                Some(namespace) => (namespace, rest.trim().to_owned()),
                None => (Namespace::Main, cleaned.clone()),
            },
            None => (Namespace::Main, cleaned.clone()),
        };
        Title::from_parts(namespace, &name)
    }

    /// Builds a title from a known namespace and a name (e.g. read back from the
    /// database), applying the same checks as [`Title::parse`].
    pub fn from_parts(namespace: Namespace, name: &str) -> Result<Title, TitleError> {
        let name = clean(name)?;
        if name.is_empty() {
            return Err(TitleError::Empty);
        }
        if name.len() > MAX_TITLE_BYTES {
            return Err(TitleError::TooLong);
        }
        check_relative(&name)?;
        check_percent(&name)?;
        Ok(Title {
            namespace,
            name: upper_first(&name),
        })
    }

    pub fn namespace(&self) -> Namespace {
        self.namespace
    }

    /// The name without namespace prefix, with spaces.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The form used in URLs, before percent-encoding: spaces become underscores.
    pub fn url_form(&self) -> String {
        self.to_string().replace(' ', "_")
    }

    /// The URL form, percent-encoded for use in a path (`/wiki/{this}`).
    pub fn url_encoded(&self) -> String {
        utf8_percent_encode(&self.url_form(), URL_PATH_KEEP).to_string()
    }

    /// The talk page of this page (itself for a talk page).
    pub fn talk(&self) -> Title {
        match self.namespace {
            Namespace::Main => Title {
                namespace: Namespace::Talk,
                name: self.name.clone(),
            },
            Namespace::Talk => self.clone(),
            other => Title {
                namespace: Namespace::Talk,
                name: format!("{}:{}", other.canonical_name(), self.name),
            },
        }
    }

    /// The page a talk page is about (itself for other pages): the inverse of
    /// [`Title::talk`].
    ///
    /// ```
    /// use carnet_core::Title;
    /// let page = Title::parse("Portail:Patrimoine").unwrap();
    /// assert_eq!(page.talk().subject(), page);
    /// assert_eq!(Title::parse("Discussion:Gare").unwrap().subject().to_string(), "Gare");
    /// ```
    pub fn subject(&self) -> Title {
        if self.namespace != Namespace::Talk {
            return self.clone();
        }
        if let Some((prefix, rest)) = self.name.split_once(':')
            && let Some(namespace) = Namespace::from_prefix(prefix.trim())
            && namespace != Namespace::Talk
            && namespace != Namespace::Special
            && let Ok(title) = Title::from_parts(namespace, rest)
        {
            return title;
        }
        Title {
            namespace: Namespace::Main,
            name: self.name.clone(),
        }
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.namespace {
            Namespace::Main => f.write_str(&self.name),
            other => write!(f, "{}:{}", other.canonical_name(), self.name),
        }
    }
}

/// NFC, underscores as spaces, whitespace collapsed and trimmed, forbidden characters
/// refused.
fn clean(input: &str) -> Result<String, TitleError> {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.nfc() {
        let c = if c == '_' { ' ' } else { c };
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_invisible_format(c) {
            return Err(TitleError::ControlCharacter);
        }
        if matches!(c, '#' | '<' | '>' | '[' | ']' | '|' | '{' | '}') {
            return Err(TitleError::ForbiddenCharacter(c));
        }
        if c == '\u{FFFD}' {
            return Err(TitleError::ForbiddenCharacter(c));
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    Ok(out)
}

/// Bidi overrides and zero-width marks make two titles look the same; MediaWiki
/// strips or refuses them.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

fn check_relative(name: &str) -> Result<(), TitleError> {
    let bad = name == "."
        || name == ".."
        || name.starts_with("./")
        || name.starts_with("../")
        || name.contains("/./")
        || name.contains("/../")
        || name.ends_with("/.")
        || name.ends_with("/..");
    if bad {
        return Err(TitleError::RelativePath);
    }
    Ok(())
}

/// `%41` in a title would be ambiguous with URL encoding.
fn check_percent(name: &str) -> Result<(), TitleError> {
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '%' {
            let mut lookahead = chars.clone();
            let first = lookahead.next();
            let second = lookahead.next();
            if let (Some(a), Some(b)) = (first, second)
                && a.is_ascii_hexdigit()
                && b.is_ascii_hexdigit()
            {
                return Err(TitleError::PercentEncoded);
            }
        }
    }
    Ok(())
}

fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Case folding for namespace prefixes (`catégorie` = `Catégorie` = `CATÉGORIE`).
fn fold_case(s: &str) -> String {
    s.nfc().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let title = Title::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(title.to_string(), expected, "input {input:?}");
    }

    fn refused(input: &str, expected: TitleError) {
        assert_eq!(Title::parse(input), Err(expected), "input {input:?}");
    }

    #[test]
    fn underscores_and_spaces_are_the_same() {
        check("Place_du_marché", "Place du marché");
        check("Place du marché", "Place du marché");
        assert_eq!(
            Title::parse("Place_du_marché").unwrap(),
            Title::parse("Place du marché").unwrap()
        );
    }

    #[test]
    fn whitespace_is_collapsed_and_trimmed() {
        check("  Rue   de\tla   Paix  ", "Rue de la Paix");
        check("Rue\u{00A0}Haute", "Rue Haute");
        check("__Rue__Haute__", "Rue Haute");
    }

    #[test]
    fn first_letter_is_upper_cased_only() {
        check("école Jean-Macé", "École Jean-Macé");
        check("iPhone", "IPhone");
        check("ßtraße", "SStraße");
        check("rue de la paix", "Rue de la paix");
    }

    #[test]
    fn unicode_is_nfc_normalised() {
        // "e" + combining acute accent vs precomposed "é".
        let decomposed = Title::parse("Cafe\u{301}").unwrap();
        let composed = Title::parse("Café").unwrap();
        assert_eq!(decomposed, composed);
        assert_eq!(decomposed.name(), "Café");
    }

    #[test]
    fn forbidden_characters_are_refused() {
        for c in ['#', '<', '>', '[', ']', '|', '{', '}'] {
            refused(&format!("A{c}B"), TitleError::ForbiddenCharacter(c));
        }
        refused("A\u{7}B", TitleError::ControlCharacter);
        refused("A\u{202E}B", TitleError::ControlCharacter);
    }

    #[test]
    fn empty_and_long_titles_are_refused() {
        refused("", TitleError::Empty);
        refused("   ", TitleError::Empty);
        refused("___", TitleError::Empty);
        refused("Catégorie:", TitleError::Empty);
        let long = "é".repeat(128); // 256 bytes
        refused(&long, TitleError::TooLong);
        let fits = "é".repeat(127); // 254 bytes
        assert!(Title::parse(&fits).is_ok());
        // The namespace prefix does not count against the limit.
        assert!(Title::parse(&format!("Catégorie:{fits}")).is_ok());
    }

    #[test]
    fn namespaces_in_french_and_english() {
        let pairs = [
            ("Catégorie:Parcs", "Category:Parcs", Namespace::Category),
            ("Modèle:Infobox", "Template:Infobox", Namespace::Template),
            ("Portail:Patrimoine", "Portal:Patrimoine", Namespace::Portal),
            ("Fichier:Pont.jpg", "File:Pont.jpg", Namespace::File),
            ("Discussion:Accueil", "Talk:Accueil", Namespace::Talk),
        ];
        for (french, english, namespace) in pairs {
            let a = Title::parse(french).unwrap();
            let b = Title::parse(english).unwrap();
            assert_eq!(a, b);
            assert_eq!(a.namespace(), namespace);
            assert_eq!(a.to_string(), french);
        }
        check("catégorie:parcs", "Catégorie:Parcs");
        check("CATEGORY : parcs", "Catégorie:Parcs");
    }

    #[test]
    fn unknown_prefix_stays_in_the_title() {
        let title = Title::parse("Lyon: une histoire").unwrap();
        assert_eq!(title.namespace(), Namespace::Main);
        assert_eq!(title.name(), "Lyon: une histoire");
    }

    #[test]
    fn leading_colon_forces_main_namespace() {
        let title = Title::parse(":Catégorie:Parcs").unwrap();
        assert_eq!(title.namespace(), Namespace::Category);
        check(":Accueil", "Accueil");
    }

    #[test]
    fn subpages_are_allowed_relative_paths_are_not() {
        check("Projet/Compte rendu/2026", "Projet/Compte rendu/2026");
        refused("..", TitleError::RelativePath);
        refused("./A", TitleError::RelativePath);
        refused("A/../B", TitleError::RelativePath);
        refused("A/..", TitleError::RelativePath);
    }

    #[test]
    fn percent_sequences_are_refused() {
        refused("100%41", TitleError::PercentEncoded);
        check("100 % bio", "100 % bio");
        check("50%", "50%");
    }

    #[test]
    fn url_form_uses_underscores() {
        let title = Title::parse("Portail:Vie du quartier").unwrap();
        assert_eq!(title.url_form(), "Portail:Vie_du_quartier");
        assert_eq!(Title::parse(&title.url_form()).unwrap(), title);
    }

    #[test]
    fn url_encoding_keeps_paths_readable() {
        let title = Title::parse("Catégorie:Parcs/Nord & sud?").unwrap();
        assert_eq!(title.url_encoded(), "Cat%C3%A9gorie:Parcs/Nord_%26_sud%3F");
        let title = Title::parse("100 % bio + \"local\"").unwrap();
        assert_eq!(title.url_encoded(), "100_%25_bio_%2B_%22local%22");
    }

    #[test]
    fn namespace_ids_round_trip() {
        for namespace in Namespace::ALL {
            assert_eq!(Namespace::from_id(namespace.id()), Some(namespace));
        }
        assert_eq!(Namespace::from_id(42), None);
    }

    #[test]
    fn talk_pages() {
        let title = Title::parse("Accueil").unwrap();
        assert_eq!(title.talk().to_string(), "Discussion:Accueil");
        let template = Title::parse("Modèle:Infobox").unwrap();
        assert_eq!(template.talk().to_string(), "Discussion:Modèle:Infobox");
    }
}
