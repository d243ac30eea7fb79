//! What a page's text refers to: the link tables kept up to date on every save.

use unicode_normalization::UnicodeNormalization;

use crate::title::Title;

/// A page's membership in a category, with the key it sorts under there.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CategoryLink {
    /// The category page (namespace Category).
    pub category: Title,
    /// What the page sorts under in that category: the `clé` of
    /// `[[Catégorie:Nom|clé]]`, else the page's own name.
    pub sort_key: Option<String>,
}

/// Everything a revision's text links to, found while rendering it (after template
/// expansion, so a template's links and categories count for the pages using it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageLinks {
    /// Pages linked to, existing or not (red links are wanted pages).
    pub links: Vec<Title>,
    pub categories: Vec<CategoryLink>,
    /// Templates transcluded, directly or through other templates, existing or not.
    pub templates: Vec<Title>,
    /// Files shown or linked.
    pub files: Vec<Title>,
    /// Categories whose members the page lists (dynamic lists): the page must be
    /// rendered again when their membership changes.
    pub listed_categories: Vec<Title>,
    /// The page shows the number of pages, which changes with every creation.
    pub uses_page_count: bool,
    /// `#REDIRECTION [[Cible]]`.
    pub redirect: Option<Title>,
}

/// A key that sorts names the French way: accents and case only break ties, so
/// "école" sorts with "ecole", before "étang" and after "eau".
///
/// ```
/// use carnet_core::collation_key;
/// let mut names = vec!["Zoo", "étang", "École", "eau", "Ecole", "été"];
/// names.sort_by_key(|name| collation_key(name));
/// assert_eq!(names, vec!["eau", "Ecole", "École", "étang", "été", "Zoo"]);
/// ```
pub fn collation_key(name: &str) -> String {
    let primary: String = name
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'œ' => "oe".to_owned(),
            'æ' => "ae".to_owned(),
            'ß' => "ss".to_owned(),
            other => other.to_string(),
        })
        .collect();
    // The secondary part (accents) and tertiary part (case) break ties in that order.
    let secondary: String = name.nfd().flat_map(char::to_lowercase).collect();
    format!("{primary}\u{1}{secondary}\u{1}{name}")
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_sort_with_their_letter() {
        let mut names = vec![
            "Fête", "Ferme", "Février", "Fenêtre", "Œuvre", "Orgue", "Oeil",
        ];
        names.sort_by_key(|name| collation_key(name));
        assert_eq!(
            names,
            vec![
                "Fenêtre", "Ferme", "Fête", "Février", "Oeil", "Œuvre", "Orgue"
            ]
        );
    }

    #[test]
    fn equal_primary_keys_break_ties_stably() {
        assert!(collation_key("cote") < collation_key("coté"));
        assert!(collation_key("coté") < collation_key("côte"));
        assert_ne!(collation_key("Cote"), collation_key("cote"));
    }
}
