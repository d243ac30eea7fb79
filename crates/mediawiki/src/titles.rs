//! MediaWiki titles, namespaces and redirects, as Carnet writes them.
//!
//! A dump's page is in a numbered namespace that its `<siteinfo>` names in the wiki's
//! language. Carnet keeps MediaWiki's numbers for the namespaces it has (main, talk,
//! user, file, template, category, portal), so those map by number whatever the
//! language; the others (project, help, module, user talk…) have no place here: their
//! pages keep their prefix as part of a main-namespace title, and the import report
//! says so.

use carnet_core::{Namespace, Title};

use crate::dump::{PageHeader, SiteInfo};

/// Where a dump's page goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedTitle {
    pub title: Title,
    /// Set when the page's namespace has no equivalent in Carnet: its local name, kept
    /// as a prefix of the title in the main namespace.
    pub kept_prefix: Option<String>,
}

/// Why a page cannot be imported under any title.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TitleRefusal {
    #[error("invalid title: {0}")]
    Invalid(String),
    /// The title would be read back as another page (e.g. a main-namespace page whose
    /// name starts with one of Carnet's namespace names).
    #[error("the title would be read as {0}")]
    Ambiguous(String),
    /// Special and media pages are generated, never stored.
    #[error("namespace {0} holds no pages")]
    Virtual(i32),
}

/// The Carnet title of a dump's page.
pub fn carnet_title(site: &SiteInfo, page: &PageHeader) -> Result<MappedTitle, TitleRefusal> {
    if page.ns < 0 {
        return Err(TitleRefusal::Virtual(page.ns));
    }
    let known = Namespace::from_id(page.ns).filter(|ns| ns.is_editable());
    let (namespace, name, kept_prefix) = match known {
        Some(namespace) => (namespace, site.strip_prefix(&page.title, page.ns), None),
        None => (
            Namespace::Main,
            page.title.as_str(),
            Some(
                site.namespace_name(page.ns)
                    .map_or_else(|| page.ns.to_string(), str::to_owned),
            ),
        ),
    };
    let title = Title::from_parts(namespace, name)
        .map_err(|error| TitleRefusal::Invalid(error.to_string()))?;
    // Reachable by its own name: `[[Name]]` and the URL must lead back to this page.
    match Title::parse(&title.to_string()) {
        Ok(again) if again == title => Ok(MappedTitle { title, kept_prefix }),
        Ok(again) => Err(TitleRefusal::Ambiguous(again.to_string())),
        Err(error) => Err(TitleRefusal::Invalid(error.to_string())),
    }
}

/// The redirect keywords of MediaWiki's languages most likely met here.
const REDIRECT_KEYWORDS: [&str; 7] = [
    "redirect",
    "redirection",
    "weiterleitung",
    "rinvia",
    "redirección",
    "redireccion",
    "doorverwijzing",
];

/// A redirect's text split: its target as the source wiki wrote it, and what follows
/// the link (often categories). `None` when the text is not a redirect. `header_says`
/// is the page's `<redirect>` element: any `#WORD [[…]]` start is then a redirect.
pub fn split_redirect(text: &str, header_says: bool) -> Option<(String, &str)> {
    let rest = text.trim_start().strip_prefix('#')?;
    let keyword_end = rest
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(rest.len());
    let (keyword, rest) = rest.split_at_checked(keyword_end)?;
    let keyword = keyword.to_lowercase();
    if !header_says && !REDIRECT_KEYWORDS.contains(&keyword.as_str()) {
        return None;
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let inner = rest.strip_prefix("[[")?;
    let close = inner.find("]]")?;
    let (target, after) = inner.split_at_checked(close)?;
    let after = after.get(2..).unwrap_or_default();
    let target = target.split('|').next().unwrap_or_default().trim();
    if target.is_empty() {
        return None;
    }
    Some((target.to_owned(), after))
}

/// A redirect target in Carnet's words: the source wiki's name of a namespace Carnet
/// has is replaced by Carnet's (`Benutzer:X` → `Utilisateur:X`); anything else is kept.
pub fn carnet_target(site: &SiteInfo, target: &str) -> String {
    let (forced, bare) = match target.strip_prefix(':') {
        Some(rest) => (":", rest),
        None => ("", target),
    };
    if let Some((prefix, rest)) = bare.split_once(':') {
        let wanted = prefix.trim().replace('_', " ").to_lowercase();
        let found = site
            .namespaces
            .iter()
            .find(|ns| !ns.name.is_empty() && ns.name.replace('_', " ").to_lowercase() == wanted);
        if let Some(namespace) = found.and_then(|ns| Namespace::from_id(ns.key))
            && namespace.is_editable()
            && namespace != Namespace::Main
        {
            return format!("{forced}{}:{}", namespace.canonical_name(), rest.trim());
        }
    }
    target.to_owned()
}

/// The first line of a redirect in Carnet's syntax.
pub fn redirect_line(target: &str) -> String {
    format!("#REDIRECTION [[{target}]]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dump::SiteNamespace;

    fn site() -> SiteInfo {
        let names = [
            (-1, "Spezial"),
            (0, ""),
            (1, "Diskussion"),
            (2, "Benutzer"),
            (4, "Wiktionary"),
            (10, "Vorlage"),
            (14, "Kategorie"),
        ];
        SiteInfo {
            namespaces: names
                .into_iter()
                .map(|(key, name)| SiteNamespace {
                    key,
                    name: name.to_owned(),
                })
                .collect(),
            ..SiteInfo::default()
        }
    }

    fn page(title: &str, ns: i32) -> PageHeader {
        PageHeader {
            title: title.to_owned(),
            ns,
            id: 1,
            redirect: None,
        }
    }

    #[test]
    fn namespaces_by_number() {
        let site = site();
        let mapped = carnet_title(&site, &page("Kategorie:Verb", 14)).unwrap();
        assert_eq!(mapped.title.to_string(), "Catégorie:Verb");
        assert_eq!(mapped.kept_prefix, None);
        let mapped = carnet_title(&site, &page("Benutzer:Wikinator", 2)).unwrap();
        assert_eq!(mapped.title.to_string(), "Utilisateur:Wikinator");
        let mapped = carnet_title(&site, &page("hallo", 0)).unwrap();
        assert_eq!(mapped.title.to_string(), "Hallo");
        // A namespace Carnet does not have: the prefix stays, in the main namespace.
        let mapped = carnet_title(&site, &page("Wiktionary:Hilfe", 4)).unwrap();
        assert_eq!(mapped.title.namespace(), Namespace::Main);
        assert_eq!(mapped.title.to_string(), "Wiktionary:Hilfe");
        assert_eq!(mapped.kept_prefix.as_deref(), Some("Wiktionary"));
        // A main-namespace title that Carnet would read as a category.
        assert_eq!(
            carnet_title(&site, &page("Category:X", 0)),
            Err(TitleRefusal::Ambiguous("Catégorie:X".to_owned()))
        );
        assert_eq!(
            carnet_title(&site, &page("Spezial:Suche", -1)),
            Err(TitleRefusal::Virtual(-1))
        );
        assert!(matches!(
            carnet_title(&site, &page("a%20b", 0)),
            Err(TitleRefusal::Invalid(_))
        ));
    }

    #[test]
    fn redirects() {
        assert_eq!(
            split_redirect("#REDIRECT [[Çullu, Quzanlı]]", false),
            Some(("Çullu, Quzanlı".to_owned(), ""))
        );
        assert_eq!(
            split_redirect("  #redirection: [[Place|x]]\n[[Catégorie:R]]", false),
            Some(("Place".to_owned(), "\n[[Catégorie:R]]"))
        );
        assert_eq!(
            split_redirect("#WEITERLEITUNG [[Hallo]]", false),
            Some(("Hallo".to_owned(), ""))
        );
        assert_eq!(split_redirect("#PERENAAN [[X]]", false), None);
        assert_eq!(
            split_redirect("#PERENAAN [[X]]", true),
            Some(("X".to_owned(), ""))
        );
        assert_eq!(split_redirect("# une liste [[X]]", false), None);
        assert_eq!(split_redirect("texte\n#REDIRECT [[X]]", false), None);
        let site = site();
        assert_eq!(
            carnet_target(&site, "Benutzer:Wikinator"),
            "Utilisateur:Wikinator"
        );
        assert_eq!(carnet_target(&site, "Wiktionary:Hilfe"), "Wiktionary:Hilfe");
        assert_eq!(carnet_target(&site, "Hallo#Deutsch"), "Hallo#Deutsch");
        assert_eq!(redirect_line("X"), "#REDIRECTION [[X]]");
    }
}
