//! Where a static HTML export (`carnet export html DIR`) puts each page and file: safe,
//! deterministic paths for any title.
//!
//! The mapping, documented in docs/ADMIN.md ("Export HTML"):
//!
//! - a page goes to `pages/<namespace folder>/<stem>.html`, the folder a fixed ASCII
//!   word per namespace ([`namespace_folder`]);
//! - the stem is the name folded to lower-case ASCII (accents dropped; every run of
//!   other characters — spaces, `/`, `?`, `#`, `%`, `.`, non-Latin letters — becomes
//!   one `_`; at most [`MAX_STEM_CHARS`] characters; `page` when nothing is left);
//! - when that stem does not give the name back exactly (accents, capitals after the
//!   first letter, punctuation, truncation, a reserved Windows device name such as
//!   `con`), `.` and 16 hexadecimal digits of the SHA-256 of the full title are
//!   appended: `pages/article/cafe_co.3f9a….html`.
//!
//! Stems that give their name back contain no `.`, the others do, so the two kinds never
//! meet; two titles share a hashed stem only if 64 bits of SHA-256 collide (the export
//! checks anyway). Every path is lower-case ASCII letters, digits, `_`, `-`, `.` and
//! `/`, never `..` nor absolute: safe on case-insensitive file systems (macOS, Windows)
//! and unable to leave the export folder.

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::{Namespace, Title};

/// The folder holding every page's file.
pub const PAGES_FOLDER: &str = "pages";

/// The longest stem kept before the hash, in characters (all ASCII).
pub const MAX_STEM_CHARS: usize = 80;

/// Device names Windows refuses as file names, whatever the extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The folder of a namespace's pages under [`PAGES_FOLDER`].
pub fn namespace_folder(namespace: Namespace) -> &'static str {
    match namespace {
        Namespace::Special => "special",
        Namespace::Main => "article",
        Namespace::Talk => "discussion",
        Namespace::User => "utilisateur",
        Namespace::File => "fichier",
        Namespace::Template => "modele",
        Namespace::Category => "categorie",
        Namespace::Portal => "portail",
    }
}

/// The path of a page's file inside the export, with `/` separators.
///
/// ```
/// use carnet_core::{Title, export::page_path};
/// assert_eq!(page_path(&Title::parse("Accueil").unwrap()), "pages/article/accueil.html");
/// assert_eq!(
///     page_path(&Title::parse("Catégorie:Parcs").unwrap()),
///     "pages/categorie/parcs.html"
/// );
/// assert!(page_path(&Title::parse("Café").unwrap()).starts_with("pages/article/cafe."));
/// ```
pub fn page_path(title: &Title) -> String {
    format!(
        "{PAGES_FOLDER}/{}/{}.html",
        namespace_folder(title.namespace()),
        page_stem(title)
    )
}

/// The file name of a page without folder nor `.html`.
pub fn page_stem(title: &Title) -> String {
    let stem = fold(title.name());
    if gives_back(&stem, title.name()) {
        stem
    } else {
        let digest = Sha256::digest(title.to_string().as_bytes());
        let hash: String = digest
            .iter()
            .take(8)
            .map(|byte| format!("{byte:02x}"))
            .collect();
        format!("{stem}.{hash}")
    }
}

/// Lower-case ASCII letters and digits, `-`, and `_` for every run of anything else.
fn fold(name: &str) -> String {
    let mut out = String::new();
    for c in name.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c.is_ascii_alphanumeric() || c == '-' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed: String = out.trim_matches('_').chars().take(MAX_STEM_CHARS).collect();
    let trimmed = trimmed.trim_end_matches('_').to_owned();
    if trimmed.is_empty() {
        "page".to_owned()
    } else {
        trimmed
    }
}

/// Whether `stem` names `name` alone: the name is the stem with `_` as spaces and the
/// first letter in capitals (as every title has it), and is no Windows device name.
fn gives_back(stem: &str, name: &str) -> bool {
    if RESERVED.contains(&stem) {
        return false;
    }
    let spaced = stem.replace('_', " ");
    let mut chars = spaced.chars();
    let back: String = match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    };
    back == name
}

/// The path of an original file inside the export: `media/<sha256>.<extension>`.
/// `None` unless `sha256` is 64 lower-case hexadecimal digits and `extension` lower-case
/// ASCII letters and digits.
pub fn original_path(sha256: &str, extension: &str) -> Option<String> {
    (is_hash(sha256) && is_extension(extension)).then(|| format!("media/{sha256}.{extension}"))
}

/// The path of a thumbnail inside the export: `media/thumb/<sha256>-<width>.<extension>`.
pub fn thumbnail_path(sha256: &str, width: u32, extension: &str) -> Option<String> {
    (is_hash(sha256) && is_extension(extension))
        .then(|| format!("media/thumb/{sha256}-{width}.{extension}"))
}

fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_extension(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 8
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The relative path from the folder of `from` (a path inside the export) to `to`:
/// `../../` per folder of `from`, then `to`.
///
/// ```
/// use carnet_core::export::relative;
/// assert_eq!(relative("index.html", "pages/article/a.html"), "pages/article/a.html");
/// assert_eq!(relative("pages/article/a.html", "index.html"), "../../index.html");
/// ```
pub fn relative(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    format!("{}{to}", "../".repeat(depth))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn path(title: &str) -> String {
        page_path(&Title::parse(title).unwrap())
    }

    fn safe(path: &str) -> bool {
        !path.starts_with('/')
            && path
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..")
            && path.bytes().all(|b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || matches!(b, b'_' | b'-' | b'.' | b'/')
            })
            && path.split('/').all(|part| part.len() <= 120)
    }

    #[test]
    fn plain_names_are_readable() {
        assert_eq!(path("Accueil"), "pages/article/accueil.html");
        assert_eq!(
            path("Parc de la ville"),
            "pages/article/parc_de_la_ville.html"
        );
        assert_eq!(path("Modèle:Infobox"), "pages/modele/infobox.html");
        assert_eq!(path("Portail:Patrimoine"), "pages/portail/patrimoine.html");
        assert_eq!(path("Fichier:Pont-neuf"), "pages/fichier/pont-neuf.html");
        assert_eq!(path("1984"), "pages/article/1984.html");
        assert_eq!(path("Discussion:Gare"), "pages/discussion/gare.html");
    }

    #[test]
    fn other_names_get_a_hash() {
        for title in [
            "Café",
            "Place du Marché",
            "Lyon/Nord",
            "Quoi ?",
            "100 %",
            "..a",
            "a..",
            "École/..x/etc/passwd",
            "~/.ssh",
            "Con",
            "NUL",
            "Fichier:Pont.jpg",
            "東京",
            "Paris",
            "PARIS",
        ] {
            let got = path(title);
            assert!(safe(&got), "{title}: {got}");
            let stem = got.rsplit('/').next().unwrap().trim_end_matches(".html");
            if title == "Paris" {
                assert_eq!(got, "pages/article/paris.html");
            } else {
                assert!(stem.contains('.'), "{title}: {got}");
            }
        }
        assert!(path("東京").starts_with("pages/article/page."));
        assert!(path("Café").starts_with("pages/article/cafe."));
    }

    #[test]
    fn long_titles_are_cut() {
        let long = "Très long titre ".repeat(15);
        let got = path(long.trim());
        assert!(safe(&got), "{got}");
        assert!(got.len() < 140, "{got}");
        let plain = "a".repeat(200);
        let got = path(&plain);
        assert!(got.contains('.') && got.len() < 140, "{got}");
    }

    #[test]
    fn distinct_titles_get_distinct_paths_ignoring_case() {
        let titles = [
            "Paris",
            "PARIS",
            "PaRis",
            "Pâris",
            "Paris ",
            "Paris?",
            "Paris/",
            "Paris_2",
            "Paris 2",
            "Paris-2",
            "Páris",
            "Parïs",
            "Catégorie:Paris",
            "Paris.",
            "Paris..",
            "P",
            "p",
        ];
        let mut seen = HashSet::new();
        let mut distinct = HashSet::new();
        for title in titles {
            let parsed = Title::parse(title).unwrap();
            if distinct.insert(parsed.clone()) {
                assert!(seen.insert(page_path(&parsed).to_lowercase()), "{title}");
            }
        }
        // The same title always lands on the same file.
        assert_eq!(path("Place du Marché"), path("place_du_Marché"));
    }

    #[test]
    fn media_paths_check_their_parts() {
        let sha = "ab".repeat(32);
        assert_eq!(
            original_path(&sha, "png").as_deref(),
            Some(format!("media/{sha}.png").as_str())
        );
        assert_eq!(
            thumbnail_path(&sha, 250, "jpg").as_deref(),
            Some(format!("media/thumb/{sha}-250.jpg").as_str())
        );
        assert_eq!(original_path("../x", "png"), None);
        assert_eq!(original_path(&sha, "p/g"), None);
        assert_eq!(original_path(&sha.to_uppercase(), "png"), None);
    }
}
