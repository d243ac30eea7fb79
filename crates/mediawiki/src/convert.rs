//! MediaWiki wikitext → Carnet wikitext.

/// One kind of construct that was kept as it was because Carnet has no equivalent,
/// with how many times it occurred in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconverted {
    /// A short stable name of the construct, e.g. `"table-rowspan"`, `"parser-function"`.
    pub construct: String,
    pub count: usize,
}

/// The result of converting one revision's text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conversion {
    /// Carnet wikitext.
    pub text: String,
    /// What was kept visibly unconverted (for the import report); empty when all converted.
    pub unconverted: Vec<Unconverted>,
}

/// Converts MediaWiki wikitext to Carnet wikitext.
///
/// Interim: returns the text unchanged until the converter lands (issue 8).
pub fn convert(wikitext: &str) -> Conversion {
    Conversion {
        text: wikitext.to_owned(),
        unconverted: Vec::new(),
    }
}
