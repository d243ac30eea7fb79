//! Full-text search, the pure part: how text becomes index words, how a query is read,
//! and how a result's snippet is cut and highlighted.
//!
//! Words are lowercased, stemmed with Snowball (French by default, English as a
//! setting) and then stripped of accents, so that "ecole" finds "École" and "cheval"
//! finds "chevaux". Stemming comes before folding because the French stemmer reads
//! accents ("-ée", "-é"). Both backends index what this module produces: SQLite's FTS5
//! receives the stems, PostgreSQL's `to_tsvector` receives the folded words and stems
//! them with its own Snowball configuration of the same language — so the two match the
//! same pages and may differ only in rank.

use std::collections::{HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};
use thiserror::Error;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The language whose stemming rules the index uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchLanguage {
    #[default]
    French,
    English,
}

impl SearchLanguage {
    /// `fr` or `en`, as stored and as given on the command line.
    pub fn code(self) -> &'static str {
        match self {
            SearchLanguage::French => "fr",
            SearchLanguage::English => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<SearchLanguage> {
        match code.trim().to_lowercase().as_str() {
            "fr" | "french" | "français" | "francais" => Some(SearchLanguage::French),
            "en" | "english" | "anglais" => Some(SearchLanguage::English),
            _ => None,
        }
    }

    /// PostgreSQL's text search configuration of the same language.
    pub fn postgres_config(self) -> &'static str {
        match self {
            SearchLanguage::French => "french",
            SearchLanguage::English => "english",
        }
    }

    fn stemmer(self) -> Stemmer {
        Stemmer::create(match self {
            SearchLanguage::French => Algorithm::French,
            SearchLanguage::English => Algorithm::English,
        })
    }
}

/// Lowercase, without accents or ligatures: how titles are compared for suggestions and
/// how words reach PostgreSQL.
///
/// ```
/// assert_eq!(carnet_core::fold("École Jean-Macé Œuvre"), "ecole jean-mace oeuvre");
/// ```
pub fn fold(text: &str) -> String {
    // Most words are plain ASCII: no decomposition to make (a save folds thousands).
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
    {
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    out
}

/// A title's key for prefix suggestions: folded, punctuation turned into single spaces.
///
/// ```
/// assert_eq!(carnet_core::title_key("  École  Jean-Macé "), "ecole jean mace");
/// ```
pub fn title_key(title: &str) -> String {
    fold(title)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A word of a text and where it is (byte offsets into the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Folded, not stemmed.
    pub folded: String,
    /// Stemmed, then folded: what the SQLite index holds.
    pub stem: String,
    pub start: usize,
    pub end: usize,
}

/// Splits text into words, with French elisions dropped (`l'école` is `école`).
pub struct Analyzer {
    stemmer: Stemmer,
}

impl Analyzer {
    pub fn new(language: SearchLanguage) -> Analyzer {
        Analyzer {
            stemmer: language.stemmer(),
        }
    }

    /// The words of `text`, in order.
    pub fn words(&self, text: &str) -> Vec<Word> {
        let mut words = Vec::new();
        each_word(text, |raw, from, at| words.push(self.word(raw, from, at)));
        words
    }

    fn word(&self, raw: &str, start: usize, end: usize) -> Word {
        let lower = lowercase(raw);
        Word {
            folded: fold(&lower),
            stem: fold(&self.stemmer.stem(&lower)),
            start,
            end,
        }
    }

    /// The stems of `text`, space-separated: what FTS5 indexes. Each distinct word is
    /// stemmed once (a page says "la", "école" or "quartier" many times over).
    pub fn stems(&self, text: &str) -> String {
        self.stems_remembering(text, &mut HashMap::new())
    }

    /// [`Analyzer::stems`], with the stems of words already seen in `known` (lower-cased
    /// word → stem), which it fills in: kept by the caller across texts, it spares
    /// stemming again the words of the rest of a page that an edit did not touch.
    pub fn stems_remembering(&self, text: &str, known: &mut HashMap<String, String>) -> String {
        let mut out = String::with_capacity(text.len());
        each_word(text, |raw, _, _| {
            let lower = lowercase(raw);
            if !out.is_empty() {
                out.push(' ');
            }
            match known.get(&lower) {
                Some(stem) => out.push_str(stem),
                None => {
                    let stem = fold(&self.stemmer.stem(&lower));
                    out.push_str(&stem);
                    known.insert(lower, stem);
                }
            }
        });
        out
    }

    /// The folded words of `text`, space-separated: what PostgreSQL's `to_tsvector` reads.
    pub fn folded(&self, text: &str) -> String {
        self.words(text)
            .into_iter()
            .map(|w| w.folded)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Calls `found(word, start, end)` for each word of `text` in order: runs of letters and
/// digits, French elisions (`l'`, `d'`, `qu'`) left out.
fn each_word(text: &str, mut found: impl FnMut(&str, usize, usize)) {
    let mut start = None;
    for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
        let inside = c.is_alphanumeric();
        match (start, inside) {
            (None, true) => start = Some(at),
            (Some(from), false) => {
                start = None;
                // An elision (`l'`, `d'`, `qu'`) is not a word of its own.
                if (c == '\'' || c == '’') && at - from <= 2 && at < text.len() {
                    continue;
                }
                if let Some(raw) = text.get(from..at) {
                    found(raw, from, at);
                }
            }
            _ => {}
        }
    }
}

/// `str::to_lowercase`, without its Unicode tables for ASCII words.
fn lowercase(word: &str) -> String {
    if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        word.to_lowercase()
    }
}

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 300;
/// Most terms in one query.
pub const MAX_QUERY_TERMS: usize = 16;

/// Why a query cannot be run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum QueryError {
    #[error("the query has no word to look for")]
    NoWords,
    #[error("the query is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("the query has more than {MAX_QUERY_TERMS} terms")]
    TooManyTerms,
}

/// One term: a word or a phrase (several words that must follow each other), wanted
/// or excluded (`-mot`, `-"deux mots"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub words: Vec<Word>,
    pub excluded: bool,
}

/// A parsed query: `cheval "patronage laïque" -piscine`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub terms: Vec<Term>,
}

impl SearchQuery {
    /// Reads a query: words, `"phrases"`, and `-` before either to exclude it. A word
    /// that splits (`Jean-Macé`) is a phrase. Punctuation is ignored; an unclosed quote
    /// runs to the end.
    pub fn parse(input: &str, analyzer: &Analyzer) -> Result<SearchQuery, QueryError> {
        if input.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let mut terms = Vec::new();
        let mut rest = input.trim_start();
        while !rest.is_empty() {
            let (excluded, body) = match rest.strip_prefix('-') {
                Some(body) => (true, body),
                None => (false, rest),
            };
            let (chunk, after) = if let Some(quoted) = body.strip_prefix('"') {
                match quoted.find('"') {
                    Some(end) => (
                        quoted.get(..end).unwrap_or_default(),
                        quoted.get(end + 1..).unwrap_or_default(),
                    ),
                    None => (quoted, ""),
                }
            } else {
                match body.find(char::is_whitespace) {
                    Some(end) => (
                        body.get(..end).unwrap_or_default(),
                        body.get(end..).unwrap_or_default(),
                    ),
                    None => (body, ""),
                }
            };
            let words = analyzer.words(chunk);
            if !words.is_empty() {
                terms.push(Term { words, excluded });
            }
            rest = after.trim_start();
        }
        if terms.len() > MAX_QUERY_TERMS {
            return Err(QueryError::TooManyTerms);
        }
        if !terms.iter().any(|t| !t.excluded) {
            return Err(QueryError::NoWords);
        }
        Ok(SearchQuery { terms })
    }

    fn wanted(&self) -> impl Iterator<Item = &Term> {
        self.terms.iter().filter(|t| !t.excluded)
    }

    fn unwanted(&self) -> impl Iterator<Item = &Term> {
        self.terms.iter().filter(|t| t.excluded)
    }

    /// An FTS5 match expression over stems: `("a" AND "b c") NOT "d"`. Stems hold only
    /// letters and digits, so quoting them is enough.
    pub fn fts5(&self) -> String {
        let phrase = |t: &Term| {
            let stems: Vec<&str> = t.words.iter().map(|w| w.stem.as_str()).collect();
            format!("\"{}\"", stems.join(" "))
        };
        let wanted: Vec<String> = self.wanted().map(phrase).collect();
        let mut expression = format!("({})", wanted.join(" AND "));
        for term in self.unwanted() {
            expression.push_str(" NOT ");
            expression.push_str(&phrase(term));
        }
        expression
    }

    /// The FTS5 expression of the wanted terms alone, within the title column.
    pub fn fts5_title(&self) -> String {
        let wanted: Vec<String> = self
            .wanted()
            .map(|t| {
                let stems: Vec<&str> = t.words.iter().map(|w| w.stem.as_str()).collect();
                format!("\"{}\"", stems.join(" "))
            })
            .collect();
        format!("title : ({})", wanted.join(" AND "))
    }

    /// A PostgreSQL `to_tsquery` text over folded words: `a & (b <-> c) & !d`.
    pub fn tsquery(&self) -> String {
        let phrase = |t: &Term| {
            let words: Vec<&str> = t.words.iter().map(|w| w.folded.as_str()).collect();
            if words.len() == 1 {
                words.join("")
            } else {
                format!("({})", words.join(" <-> "))
            }
        };
        let mut parts: Vec<String> = self.wanted().map(phrase).collect();
        parts.extend(self.unwanted().map(|t| format!("!{}", phrase(t))));
        parts.join(" & ")
    }

    /// The `to_tsquery` text of the wanted terms alone (for "matches in the title").
    pub fn tsquery_wanted(&self) -> String {
        SearchQuery {
            terms: self.wanted().cloned().collect(),
        }
        .tsquery()
    }

    /// Stems to highlight in snippets.
    pub fn highlight_stems(&self) -> HashSet<String> {
        self.wanted()
            .flat_map(|t| t.words.iter().map(|w| w.stem.clone()))
            .collect()
    }
}

/// A piece of a snippet: text, highlighted when it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetPart {
    pub text: String,
    pub matched: bool,
}

/// Characters of context shown around the first match.
const SNIPPET_BEFORE: usize = 60;
const SNIPPET_CHARS: usize = 220;

/// A short extract of `text` around the first word whose stem is in `stems`, with every
/// such word highlighted. Wiki markup characters are shown as spaces; the extract starts
/// and ends on word boundaries, with `…` where text was cut.
pub fn snippet(text: &str, stems: &HashSet<String>, analyzer: &Analyzer) -> Vec<SnippetPart> {
    let plain: String = text
        .chars()
        .map(|c| match c {
            '[' | ']' | '{' | '}' | '|' | '#' | '*' | '_' | '`' | '>' | '\n' | '\r' | '\t' => ' ',
            c => c,
        })
        .collect();
    let plain = collapse_spaces(&plain);
    let words = analyzer.words(&plain);
    let first = words.iter().find(|w| stems.contains(&w.stem));
    let anchor = first.map_or(0, |w| w.start);
    // Start a little before the match, on a word start.
    let chars_before: Vec<(usize, char)> = plain
        .get(..anchor)
        .unwrap_or_default()
        .char_indices()
        .collect();
    let mut start = chars_before
        .len()
        .checked_sub(SNIPPET_BEFORE)
        .and_then(|i| chars_before.get(i))
        .map_or(0, |(at, _)| *at);
    if start > 0 {
        start = words
            .iter()
            .map(|w| w.start)
            .find(|at| *at >= start)
            .unwrap_or(anchor)
            .min(anchor);
    }
    let mut end = plain
        .get(start..)
        .unwrap_or_default()
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(plain.len(), |(at, _)| start + at);
    if end < plain.len() {
        // End after a whole word.
        end = words
            .iter()
            .filter(|w| w.end <= end)
            .map(|w| w.end)
            .max()
            .unwrap_or(end)
            .max(start);
    }
    let mut parts = Vec::new();
    if start > 0 {
        parts.push(SnippetPart {
            text: "… ".to_owned(),
            matched: false,
        });
    }
    let mut at = start;
    for word in words
        .iter()
        .filter(|w| w.start >= start && w.end <= end && stems.contains(&w.stem))
    {
        if let Some(before) = plain.get(at..word.start).filter(|s| !s.is_empty()) {
            parts.push(SnippetPart {
                text: before.to_owned(),
                matched: false,
            });
        }
        parts.push(SnippetPart {
            text: plain
                .get(word.start..word.end)
                .unwrap_or_default()
                .to_owned(),
            matched: true,
        });
        at = word.end;
    }
    if let Some(after) = plain.get(at..end).filter(|s| !s.is_empty()) {
        parts.push(SnippetPart {
            text: after.to_owned(),
            matched: false,
        });
    }
    if end < plain.len() {
        parts.push(SnippetPart {
            text: " …".to_owned(),
            matched: false,
        });
    }
    parts
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars() {
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr() -> Analyzer {
        Analyzer::new(SearchLanguage::French)
    }

    fn stems(text: &str) -> Vec<String> {
        fr().words(text).into_iter().map(|w| w.stem).collect()
    }

    #[test]
    fn french_words_meet_whatever_their_accents_and_number() {
        assert_eq!(stems("cheval"), stems("chevaux"));
        assert_eq!(stems("patronage"), stems("patronages"));
        assert_eq!(stems("laïque"), stems("laiques"));
        assert_eq!(stems("école"), stems("ECOLE"));
        assert_eq!(stems("écoles"), stems("ecole"));
        assert_ne!(stems("cheval"), stems("chevreuil"));
    }

    #[test]
    fn elisions_are_dropped_and_offsets_point_into_the_text() {
        let text = "L'école d’été, qu'on aime.";
        let words = fr().words(text);
        let folded: Vec<&str> = words.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(folded, vec!["ecole", "ete", "on", "aime"]);
        assert_eq!(text.get(words[0].start..words[0].end), Some("école"));
        assert_eq!(text.get(words[1].start..words[1].end), Some("été"));
    }

    #[test]
    fn the_index_text_is_each_words_stem() {
        let text = "L'École des Chevaux : les chevaux de l'école, ŒUVRES et œuvres; \
                    la Place du Marché, les places 42 et 1789. Straße, ÉTÉ, été.";
        let one_by_one: Vec<String> = stems(text);
        assert_eq!(fr().stems(text), one_by_one.join(" "));
        let mut known = HashMap::new();
        assert_eq!(
            fr().stems_remembering(text, &mut known),
            one_by_one.join(" ")
        );
        assert_eq!(known.get("chevaux").map(String::as_str), Some("cheval"));
        // What is remembered is used: a wrong memory shows in the result.
        known.insert("place".to_owned(), "xyz".to_owned());
        assert!(fr().stems_remembering(text, &mut known).contains(" xyz "));
        assert!(one_by_one.len() > 20, "{one_by_one:?}");
        assert_eq!(fr().stems("École ecole"), "ecol ecol");
        assert_eq!(fold("Place DU Marché"), "place du marche");
        assert_eq!(fold("PLACE"), "place");
    }

    #[test]
    fn english_stemming_is_a_setting() {
        let en = Analyzer::new(SearchLanguage::English);
        let s = |t: &str| en.stems(t);
        assert_eq!(s("libraries"), s("library"));
        assert_eq!(
            SearchLanguage::from_code("EN"),
            Some(SearchLanguage::English)
        );
        assert_eq!(SearchLanguage::from_code("de"), None);
    }

    #[test]
    fn a_query_has_words_phrases_and_exclusions() {
        let q = SearchQuery::parse(
            r#"  chevaux "patronages laïques" -piscine -"salle des fêtes""#,
            &fr(),
        )
        .unwrap();
        assert_eq!(q.terms.len(), 4);
        assert!(q.terms[2].excluded && q.terms[3].excluded);
        assert_eq!(
            q.fts5(),
            r#"("cheval" AND "patronag laiqu") NOT "piscin" NOT "sall de fet""#
        );
        assert_eq!(q.fts5_title(), r#"title : ("cheval" AND "patronag laiqu")"#);
        assert_eq!(
            q.tsquery(),
            "chevaux & (patronages <-> laiques) & !piscine & !(salle <-> des <-> fetes)"
        );
        assert_eq!(q.tsquery_wanted(), "chevaux & (patronages <-> laiques)");
    }

    #[test]
    fn a_hyphenated_word_is_a_phrase_and_punctuation_is_ignored() {
        let q = SearchQuery::parse("Jean-Macé ! (école)", &fr()).unwrap();
        assert_eq!(q.tsquery(), "(jean <-> mace) & ecole");
        let q = SearchQuery::parse("\"unclosed phrase", &fr()).unwrap();
        assert_eq!(q.terms[0].words.len(), 2);
    }

    #[test]
    fn queries_without_a_wanted_word_are_refused() {
        assert_eq!(SearchQuery::parse("  ", &fr()), Err(QueryError::NoWords));
        assert_eq!(
            SearchQuery::parse("-piscine", &fr()),
            Err(QueryError::NoWords)
        );
        assert_eq!(SearchQuery::parse("?! …", &fr()), Err(QueryError::NoWords));
        assert_eq!(
            SearchQuery::parse(&"a".repeat(MAX_QUERY_CHARS + 1), &fr()),
            Err(QueryError::TooLong)
        );
        let many = (0..=MAX_QUERY_TERMS)
            .map(|n| format!("mot{n} "))
            .collect::<String>();
        assert_eq!(
            SearchQuery::parse(&many, &fr()),
            Err(QueryError::TooManyTerms)
        );
    }

    #[test]
    fn snippets_highlight_every_form_of_the_word() {
        let text = format!(
            "{}Les [[chevaux]] du manège. Un cheval blanc.\n\n{}",
            "Introduction assez longue pour être coupée au début du résumé. ".repeat(3),
            "Suite. ".repeat(60)
        );
        let q = SearchQuery::parse("cheval", &fr()).unwrap();
        let parts = snippet(&text, &q.highlight_stems(), &fr());
        let matched: Vec<&str> = parts
            .iter()
            .filter(|p| p.matched)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(matched, vec!["chevaux", "cheval"]);
        assert_eq!(parts.first().unwrap().text, "… ");
        assert_eq!(parts.last().unwrap().text, " …");
        let whole: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(!whole.contains("[["), "{whole}");
        assert!(whole.chars().count() < 240, "{whole}");
    }

    #[test]
    fn a_short_text_is_shown_whole() {
        let q = SearchQuery::parse("gare", &fr()).unwrap();
        let parts = snippet("La gare.", &q.highlight_stems(), &fr());
        assert_eq!(
            parts,
            vec![
                SnippetPart {
                    text: "La ".into(),
                    matched: false
                },
                SnippetPart {
                    text: "gare".into(),
                    matched: true
                },
                SnippetPart {
                    text: ".".into(),
                    matched: false
                },
            ]
        );
    }

    #[test]
    fn titles_fold_to_keys() {
        assert_eq!(title_key("Œuvre d'Été"), "oeuvre d ete");
        assert_eq!(fold("Straße"), "strasse");
    }
}
