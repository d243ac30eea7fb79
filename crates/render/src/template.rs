//! Template expansion: `{{Nom|a|clé=valeur}}`, parameters `{{{1}}}`, `{{{clé|défaut}}}`,
//! `<noinclude>`, `<includeonly>`, `<onlyinclude>`, and parser functions (dynamic lists).
//!
//! Expansion happens on the text, before Markdown is parsed, because templates may
//! produce any Markdown (tables, lists, headings). Code and `<nowiki>` are left alone.
//! Every expansion is bounded in depth, size and time; when a bound is hit, a visible
//! error replaces the call and the rest of the page still renders.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use carnet_core::{Namespace, Title};

use crate::code::{find_ignore_case, protected_regions, region_at};
use crate::{ListOrder, Messages, WikiData};

/// How deep templates may call templates.
pub const MAX_DEPTH: usize = 40;
/// Largest expanded text, in bytes.
pub const MAX_EXPANDED_BYTES: usize = 4 * 1024 * 1024;
/// Longest time spent expanding one page.
pub const MAX_EXPANSION_TIME: Duration = Duration::from_secs(2);
/// Most items a dynamic list shows.
const MAX_LIST_ITEMS: usize = 500;
const DEFAULT_LIST_ITEMS: usize = 10;

/// A parsed piece of wikitext.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    /// `{{…}}`: the name and arguments, split on top-level `|`.
    Template(Vec<Vec<Piece>>),
    /// `{{{name|default}}}`.
    Param(Vec<Piece>, Option<Vec<Piece>>),
}

/// What expanding a page found out, besides the text.
#[derive(Debug, Default)]
pub struct Expansion {
    pub text: String,
    pub templates: Vec<Title>,
    pub listed_categories: Vec<Title>,
    pub uses_page_count: bool,
}

struct Expander<'a> {
    data: &'a dyn WikiData,
    messages: &'a Messages,
    page: &'a Title,
    started: Instant,
    expanded_bytes: usize,
    stopped: Option<String>,
    found: Expansion,
}

/// Expands every template call in `text`, the text of `page`.
pub fn expand(text: &str, page: &Title, data: &dyn WikiData, messages: &Messages) -> Expansion {
    let mut expander = Expander {
        data,
        messages,
        page,
        started: Instant::now(),
        expanded_bytes: 0,
        stopped: None,
        found: Expansion::default(),
    };
    let pieces = parse(text);
    let mut stack = Vec::new();
    let text = expander.expand_pieces(&pieces, &HashMap::new(), &mut stack);
    let mut found = expander.found;
    found.text = text;
    found
}

/// The part of a template page that others transclude.
pub fn transcluded_part(source: &str) -> String {
    if find_ignore_case(source, "<onlyinclude>").is_some() {
        let mut out = String::new();
        let mut rest = source;
        while let Some(start) = find_ignore_case(rest, "<onlyinclude>") {
            let after = rest
                .get(start + "<onlyinclude>".len()..)
                .unwrap_or_default();
            let end = find_ignore_case(after, "</onlyinclude>").unwrap_or(after.len());
            out.push_str(after.get(..end).unwrap_or_default());
            rest = after.get(end..).unwrap_or_default();
            rest = rest
                .get("</onlyinclude>".len().min(rest.len())..)
                .unwrap_or_default();
        }
        return strip_tags(&remove_sections(&out, "noinclude"), "includeonly");
    }
    strip_tags(&remove_sections(source, "noinclude"), "includeonly")
}

/// The template page as shown on its own page: `<includeonly>` parts hidden.
pub fn own_page_part(source: &str) -> String {
    strip_tags(
        &strip_tags(&remove_sections(source, "includeonly"), "noinclude"),
        "onlyinclude",
    )
}

fn remove_sections(text: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_ignore_case(rest, &open) {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + open.len()..).unwrap_or_default();
        rest = match find_ignore_case(after, &close) {
            Some(end) => after.get(end + close.len()..).unwrap_or_default(),
            None => "",
        };
    }
    out.push_str(rest);
    out
}

fn strip_tags(text: &str, tag: &str) -> String {
    let mut out = text.to_owned();
    for needle in [format!("<{tag}>"), format!("</{tag}>")] {
        while let Some(at) = find_ignore_case(&out, &needle) {
            out.replace_range(at..at + needle.len(), "");
        }
    }
    out
}

/// Parses `text` into pieces, leaving protected regions as text.
fn parse(text: &str) -> Vec<Piece> {
    let regions = protected_regions(text);
    let mut parser = Parser {
        text,
        regions: &regions,
        pos: 0,
        failed: HashSet::new(),
        steps: 0,
        last_close2: text.rfind("}}"),
        last_close3: text.rfind("}}}"),
    };
    parser.sequence(Stop::End).0
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    End,
    /// Inside `{{…}}`: stop at `|` or `}}`.
    Template,
    /// Inside `{{{…}}}`: stop at `|` or `}}}`.
    Param,
}

#[derive(Debug, PartialEq, Eq)]
enum Ended {
    Pipe,
    Close,
    Eof,
}

struct Parser<'t> {
    text: &'t str,
    regions: &'t [crate::code::Protected],
    pos: usize,
    /// Starts (position, is a parameter) already known not to close. Whether `{{` or
    /// `{{{` at a position closes does not depend on where the parser came from, so
    /// each is tried once: without this, nested unclosed braces take exponential time.
    failed: HashSet<(usize, bool)>,
    /// Characters looked at; past [`MAX_PARSE_STEPS`], braces are plain text.
    steps: usize,
    /// Where the last `}}` and `}}}` start: no brace after them can close.
    last_close2: Option<usize>,
    last_close3: Option<usize>,
}

/// Bounds the parse of pathological brace soups (tens of milliseconds); ordinary pages
/// take a few steps per character.
const MAX_PARSE_STEPS: usize = 4_000_000;

impl<'t> Parser<'t> {
    fn rest(&self) -> &'t str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn sequence(&mut self, stop: Stop) -> (Vec<Piece>, Ended) {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut link_depth = 0usize;
        while self.pos < self.text.len() {
            self.steps += 1;
            if let Some(region) = region_at(self.regions, self.pos) {
                let end = region.range.end;
                text.push_str(self.text.get(self.pos..end).unwrap_or_default());
                self.pos = end;
                continue;
            }
            let rest = self.rest();
            if stop != Stop::End {
                if rest.starts_with('|') && link_depth == 0 {
                    self.pos += 1;
                    flush(&mut text, &mut pieces);
                    return (pieces, Ended::Pipe);
                }
                let close = if stop == Stop::Param { "}}}" } else { "}}" };
                if rest.starts_with(close) {
                    self.pos += close.len();
                    flush(&mut text, &mut pieces);
                    return (pieces, Ended::Close);
                }
            }
            if rest.starts_with("{{{")
                && let Some(param) = self.try_param()
            {
                flush(&mut text, &mut pieces);
                pieces.push(param);
                continue;
            }
            if rest.starts_with("{{")
                && let Some(template) = self.try_template()
            {
                flush(&mut text, &mut pieces);
                pieces.push(template);
                continue;
            }
            if rest.starts_with("[[") {
                link_depth += 1;
                text.push_str("[[");
                self.pos += 2;
                continue;
            }
            if rest.starts_with("]]") && link_depth > 0 {
                link_depth -= 1;
                text.push_str("]]");
                self.pos += 2;
                continue;
            }
            let Some(c) = rest.chars().next() else { break };
            text.push(c);
            self.pos += c.len_utf8();
        }
        flush(&mut text, &mut pieces);
        (pieces, Ended::Eof)
    }

    fn try_param(&mut self) -> Option<Piece> {
        let start = self.pos;
        if self.steps > MAX_PARSE_STEPS
            || self.failed.contains(&(start, true))
            || self.last_close3.is_none_or(|close| close < start + 3)
        {
            return None;
        }
        self.pos += 3;
        let (name, ended) = self.sequence(Stop::Param);
        let result = match ended {
            Ended::Close => Some(Piece::Param(name, None)),
            Ended::Pipe => {
                let (default, ended) = self.sequence(Stop::Param);
                // Extra `|parts` after the default are ignored, as in MediaWiki.
                let mut ended = ended;
                while ended == Ended::Pipe {
                    ended = self.sequence(Stop::Param).1;
                }
                (ended == Ended::Close).then_some(Piece::Param(name, Some(default)))
            }
            Ended::Eof => None,
        };
        if result.is_none() {
            self.failed.insert((start, true));
            self.pos = start;
        }
        result
    }

    fn try_template(&mut self) -> Option<Piece> {
        let start = self.pos;
        // Quick refusal: no closing braces anywhere after.
        if self.steps > MAX_PARSE_STEPS
            || self.failed.contains(&(start, false))
            || self.last_close2.is_none_or(|close| close < start + 2)
        {
            return None;
        }
        self.pos += 2;
        let mut parts = Vec::new();
        loop {
            let (part, ended) = self.sequence(Stop::Template);
            parts.push(part);
            match ended {
                Ended::Pipe => continue,
                Ended::Close => return Some(Piece::Template(parts)),
                Ended::Eof => {
                    self.failed.insert((start, false));
                    self.pos = start;
                    return None;
                }
            }
        }
    }
}

fn flush(text: &mut String, pieces: &mut Vec<Piece>) {
    if !text.is_empty() {
        pieces.push(Piece::Text(std::mem::take(text)));
    }
}

/// Markdown constructs that only work at the start of a line.
fn starts_a_block(text: &str) -> bool {
    ["|", "#", "- ", "* ", "+ ", "> ", "```", "~~~", "1. "]
        .iter()
        .any(|prefix| text.starts_with(prefix))
}

impl Expander<'_> {
    fn expand_pieces(
        &mut self,
        pieces: &[Piece],
        args: &HashMap<String, String>,
        stack: &mut Vec<Title>,
    ) -> String {
        let mut out = String::new();
        for piece in pieces {
            // Parameters can repeat a large argument many times: the size bound holds
            // within one expansion too, not only between template calls.
            if self.expanded_bytes.saturating_add(out.len()) > MAX_EXPANDED_BYTES {
                self.stopped
                    .get_or_insert_with(|| self.messages.template_size.clone());
                let message = self.messages.template_size.clone();
                out.push_str(&self.error(message));
                break;
            }
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Param(name, default) => {
                    let name = self.expand_pieces(name, args, stack);
                    match args.get(name.trim()) {
                        Some(value) => out.push_str(value),
                        None => match default {
                            Some(default) => {
                                let value = self.expand_pieces(default, args, stack);
                                out.push_str(&value);
                            }
                            None => {
                                out.push_str("{{{");
                                out.push_str(&name);
                                out.push_str("}}}");
                            }
                        },
                    }
                }
                Piece::Template(parts) => {
                    let expanded = self.call(parts, args, stack);
                    // A table or list from a template starts on its own line.
                    let at_line_start = out.is_empty() && stack.is_empty() || out.ends_with('\n');
                    if !at_line_start && starts_a_block(&expanded) {
                        out.push('\n');
                    }
                    out.push_str(&expanded);
                }
            }
        }
        out
    }

    fn error(&mut self, message: String) -> String {
        format!("<strong class=\"error\">{}</strong>", escape_html(&message))
    }

    fn over_budget(&mut self) -> Option<String> {
        if let Some(reason) = &self.stopped {
            return Some(reason.clone());
        }
        let reason = if self.started.elapsed() > MAX_EXPANSION_TIME {
            self.messages.template_time.clone()
        } else if self.expanded_bytes > MAX_EXPANDED_BYTES {
            self.messages.template_size.clone()
        } else {
            return None;
        };
        self.stopped = Some(reason.clone());
        Some(reason)
    }

    fn call(
        &mut self,
        parts: &[Vec<Piece>],
        args: &HashMap<String, String>,
        stack: &mut Vec<Title>,
    ) -> String {
        if let Some(reason) = self.over_budget() {
            return self.error(reason);
        }
        let Some((name_pieces, arg_pieces)) = parts.split_first() else {
            return String::new();
        };
        let name = self.expand_pieces(name_pieces, args, stack);
        let name = name.trim();
        if let Some(function) = name.strip_prefix('#') {
            let (function, first) = function.split_once(':').unwrap_or((function, ""));
            let mut call_args = vec![first.trim().to_owned()];
            for part in arg_pieces {
                call_args.push(self.expand_pieces(part, args, stack).trim().to_owned());
            }
            return self.parser_function(&function.trim().to_lowercase(), &call_args);
        }
        if let Some(value) = self.magic_variable(name) {
            return value;
        }
        let Some(title) = template_title(name) else {
            // Not a valid title: show the call as written.
            let mut literal = String::from("{{");
            literal.push_str(name);
            for part in arg_pieces {
                literal.push('|');
                literal.push_str(&self.expand_pieces(part, args, stack));
            }
            literal.push_str("}}");
            return literal;
        };
        if !self.found.templates.contains(&title) {
            self.found.templates.push(title.clone());
        }
        if stack.contains(&title) {
            let message = self
                .messages
                .template_loop
                .replace("{}", &title.to_string());
            return self.error(message);
        }
        if stack.len() >= MAX_DEPTH {
            let message = self
                .messages
                .template_depth
                .replace("{}", &MAX_DEPTH.to_string());
            return self.error(message);
        }
        let Some(source) = self.data.template_source(&title) else {
            // A red link to create the missing template.
            return format!("[[{title}]]");
        };
        let mut call_args = HashMap::new();
        let mut position = 0;
        for part in arg_pieces {
            let value = self.expand_pieces(part, args, stack);
            match named_argument(part, &value) {
                Some((key, value)) => {
                    call_args.insert(key, value);
                }
                None => {
                    position += 1;
                    call_args.insert(position.to_string(), value);
                }
            }
        }
        let body = parse(&transcluded_part(&source));
        stack.push(title);
        let expanded = self.expand_pieces(&body, &call_args, stack);
        stack.pop();
        self.expanded_bytes = self.expanded_bytes.saturating_add(expanded.len());
        if let Some(reason) = self.over_budget() {
            return self.error(reason);
        }
        expanded.trim_end_matches('\n').to_owned()
    }

    fn magic_variable(&self, name: &str) -> Option<String> {
        match name {
            "PAGENAME" | "NOMPAGE" => Some(self.page.name().to_owned()),
            "FULLPAGENAME" | "NOMPAGECOMPLET" => Some(self.page.to_string()),
            "NAMESPACE" | "ESPACENOMMAGE" => {
                Some(self.page.namespace().canonical_name().to_owned())
            }
            _ => None,
        }
    }

    fn parser_function(&mut self, function: &str, args: &[String]) -> String {
        match function {
            "catégorie" | "categorie" | "category" => self.category_list(args, false),
            "nouvelles" | "newest" => self.category_list(args, true),
            "pages" => {
                self.found.uses_page_count = true;
                self.data.page_count().to_string()
            }
            other => {
                let message = self
                    .messages
                    .unknown_function
                    .replace("{}", &format!("#{other}"));
                self.error(message)
            }
        }
    }

    /// `{{#catégorie:Nom|limite=10|tri=récent|alpha}}`: a list of the category's pages.
    fn category_list(&mut self, args: &[String], newest: bool) -> String {
        let Some(name) = args.first().filter(|name| !name.is_empty()) else {
            return self.error(self.messages.missing_category.clone());
        };
        let Ok(category) = Title::from_parts(Namespace::Category, strip_category_prefix(name))
        else {
            return self.error(self.messages.missing_category.clone());
        };
        let mut limit = DEFAULT_LIST_ITEMS;
        let mut order = if newest {
            ListOrder::Newest
        } else {
            ListOrder::Alphabetical
        };
        for option in args.iter().skip(1) {
            match option.split_once('=') {
                Some((key, value)) => match key.trim() {
                    "limite" | "limit" => {
                        limit = value.trim().parse().unwrap_or(limit).min(MAX_LIST_ITEMS);
                    }
                    "tri" | "sort" | "order" => {
                        order = match value.trim() {
                            "récent" | "recent" | "modifié" | "changed" => {
                                ListOrder::RecentlyChanged
                            }
                            "nouveau" | "new" | "newest" | "création" => ListOrder::Newest,
                            _ => ListOrder::Alphabetical,
                        };
                    }
                    _ => {}
                },
                None => match option.trim() {
                    "alpha" | "alphabétique" => order = ListOrder::Alphabetical,
                    "récent" | "recent" => order = ListOrder::RecentlyChanged,
                    _ => {}
                },
            }
        }
        if !self.found.listed_categories.contains(&category) {
            self.found.listed_categories.push(category.clone());
        }
        let members = self.data.category_members(&category, limit, order);
        members
            .iter()
            .map(|title| format!("- [[:{title}]]"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn strip_category_prefix(name: &str) -> &str {
    match name.split_once(':') {
        Some((prefix, rest))
            if Namespace::from_prefix(prefix.trim()) == Some(Namespace::Category) =>
        {
            rest
        }
        _ => name,
    }
}

/// `{{Nom}}` names `Modèle:Nom`; `{{:Nom}}` an article; `{{Portail:X}}` that page.
fn template_title(name: &str) -> Option<Title> {
    if name.is_empty() {
        return None;
    }
    if let Some(main) = name.strip_prefix(':') {
        return Title::from_parts(Namespace::Main, main).ok();
    }
    let title = Title::parse(name).ok()?;
    if title.namespace() == Namespace::Main {
        return Title::from_parts(Namespace::Template, title.name()).ok();
    }
    (title.namespace() != Namespace::Special).then_some(title)
}

/// `clé=valeur` when the argument's first text piece has a top-level `=`.
fn named_argument(part: &[Piece], expanded: &str) -> Option<(String, String)> {
    let Some(Piece::Text(first)) = part.first() else {
        return None;
    };
    let key_len = first.find('=')?;
    let key = first.get(..key_len)?.trim();
    if key.is_empty() {
        return None;
    }
    // The value is everything after the first `=` of the expanded argument.
    let value = expanded.split_once('=').map(|(_, value)| value)?;
    Some((key.to_owned(), value.trim().to_owned()))
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::NoData;

    struct Templates(HashMap<String, String>);

    impl WikiData for Templates {
        fn template_source(&self, title: &Title) -> Option<String> {
            self.0.get(&title.to_string()).cloned()
        }
    }

    fn check(templates: &[(&str, &str)], text: &str, expected: &str) {
        let data = Templates(
            templates
                .iter()
                .map(|(name, source)| ((*name).to_owned(), (*source).to_owned()))
                .collect(),
        );
        let page = Title::parse("Essai").unwrap();
        let found = expand(text, &page, &data, &Messages::default());
        assert_eq!(found.text, expected, "input {text:?}");
    }

    #[test]
    fn plain_call() {
        check(
            &[("Modèle:Salut", "Bonjour !")],
            "{{Salut}} dit-il",
            "Bonjour ! dit-il",
        );
        check(
            &[("Modèle:Salut", "Bonjour !")],
            "{{template:salut}}",
            "Bonjour !",
        );
    }

    #[test]
    fn positional_and_named_parameters_with_defaults() {
        let source = "{{{1}}} et {{{2|rien}}} ; {{{lieu|ailleurs}}} ; {{{absent}}}";
        check(
            &[("Modèle:P", source)],
            "{{P|un| deux |lieu = la place }}",
            "un et  deux  ; la place ; {{{absent}}}",
        );
        check(
            &[("Modèle:P", source)],
            "{{P|un}}",
            "un et rien ; ailleurs ; {{{absent}}}",
        );
    }

    #[test]
    fn pipes_inside_links_do_not_split_arguments() {
        check(
            &[("Modèle:L", "<{{{1}}}>")],
            "{{L|[[Page|étiquette]]}}",
            "<[[Page|étiquette]]>",
        );
    }

    #[test]
    fn templates_use_templates_and_parameters_pass_down() {
        check(
            &[("Modèle:A", "A({{B|{{{1}}}}})"), ("Modèle:B", "B[{{{1}}}]")],
            "{{A|x}}",
            "A(B[x])",
        );
    }

    #[test]
    fn include_sections() {
        check(
            &[(
                "Modèle:I",
                "<noinclude>doc</noinclude>visible<includeonly> aussi</includeonly>",
            )],
            "{{I}}",
            "visible aussi",
        );
        check(
            &[("Modèle:O", "avant <onlyinclude>seul</onlyinclude> après")],
            "{{O}}",
            "seul",
        );
        assert_eq!(
            own_page_part("<noinclude>doc </noinclude>visible<includeonly> caché</includeonly>"),
            "doc visible"
        );
    }

    #[test]
    fn loops_stop_with_a_visible_error() {
        check(
            &[("Modèle:Boucle", "x{{Boucle}}")],
            "{{Boucle}}",
            "x<strong class=\"error\">Boucle de modèles : Modèle:Boucle s&#39;appelle lui-même.</strong>",
        );
        // Mutual recursion too.
        let data = Templates(HashMap::from([
            ("Modèle:A".to_owned(), "{{B}}".to_owned()),
            ("Modèle:B".to_owned(), "{{A}}".to_owned()),
        ]));
        let found = expand(
            "{{A}}",
            &Title::parse("Essai").unwrap(),
            &data,
            &Messages::default(),
        );
        assert!(found.text.contains("class=\"error\""), "{}", found.text);
    }

    #[test]
    fn exponential_expansion_is_bounded() {
        // Each level calls the next twice: 2^30 calls without a bound.
        let mut templates = Vec::new();
        for level in 0..30 {
            templates.push((
                format!("Modèle:N{level}"),
                format!("{{{{N{}}}}}{{{{N{}}}}}", level + 1, level + 1),
            ));
        }
        templates.push(("Modèle:N30".to_owned(), "x".repeat(1000)));
        let data = Templates(templates.into_iter().collect());
        let started = Instant::now();
        let found = expand(
            "{{N0}}",
            &Title::parse("Essai").unwrap(),
            &data,
            &Messages::default(),
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(found.text.contains("class=\"error\""));
        assert!(found.text.len() < 3 * MAX_EXPANDED_BYTES);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let templates: Vec<(String, String)> = (0..60)
            .map(|level| {
                (
                    format!("Modèle:D{level}"),
                    format!("{{{{D{}}}}}", level + 1),
                )
            })
            .collect();
        let data = Templates(templates.into_iter().collect());
        let found = expand(
            "{{D0}}",
            &Title::parse("Essai").unwrap(),
            &data,
            &Messages::default(),
        );
        assert!(
            found.text.contains("Trop de modèles imbriqués"),
            "{}",
            found.text
        );
    }

    #[test]
    fn missing_template_is_a_red_link_and_recorded() {
        let page = Title::parse("Essai").unwrap();
        let found = expand("{{Absent|x}}", &page, &NoData, &Messages::default());
        assert_eq!(found.text, "[[Modèle:Absent]]");
        assert_eq!(
            found.templates,
            vec![Title::parse("Modèle:Absent").unwrap()]
        );
    }

    #[test]
    fn nothing_expands_in_code_or_nowiki() {
        let templates = [("Modèle:X", "EXPANDED")];
        check(&templates, "`{{X}}` et {{X}}", "`{{X}}` et EXPANDED");
        check(
            &templates,
            "```\n{{X}}\n```\n{{X}}",
            "```\n{{X}}\n```\nEXPANDED",
        );
        check(
            &templates,
            "<nowiki>{{X}}</nowiki>",
            "<nowiki>{{X}}</nowiki>",
        );
        check(&templates, "{{X|`a|b`}}", "EXPANDED");
    }

    #[test]
    fn block_output_starts_on_its_own_line() {
        check(
            &[("Modèle:T", "| a |\n|---|\n| 1 |")],
            "Tableau : {{T}}",
            "Tableau : \n| a |\n|---|\n| 1 |",
        );
    }

    #[test]
    fn nested_unclosed_braces_parse_in_polynomial_time() {
        let started = Instant::now();
        for text in [
            "{".repeat(2000),
            format!("{}}}}}", "{".repeat(1000)),
            format!("{}{{}}}}", "{".repeat(44)),
            format!("{}x|y", "{{{".repeat(700)),
            format!("_}}{}\0\0\n##AIRE__", "{".repeat(500)),
        ] {
            let found = expand(
                &text,
                &Title::parse("Essai").unwrap(),
                &NoData,
                &Messages::default(),
            );
            assert!(!found.text.is_empty());
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn parameter_amplification_is_bounded() {
        // Each level repeats its argument 16 times: 16^6 × 1 KB without a bound.
        let mut templates = Vec::new();
        for level in 0..6 {
            let call = if level == 5 {
                "{{{1}}}".to_owned()
            } else {
                format!("{{{{A{}|{{{{{{1}}}}}}}}}}", level + 1)
            };
            templates.push((format!("Modèle:A{level}"), call.repeat(16)));
        }
        let data = Templates(templates.into_iter().collect());
        let started = Instant::now();
        let found = expand(
            &format!("{{{{A0|{}}}}}", "x".repeat(1024)),
            &Title::parse("Essai").unwrap(),
            &data,
            &Messages::default(),
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(found.text.contains("class=\"error\""));
        assert!(
            found.text.len() < 3 * MAX_EXPANDED_BYTES,
            "{} bytes",
            found.text.len()
        );
    }

    #[test]
    fn unbalanced_braces_are_text() {
        check(&[], "{{ pas fermé", "{{ pas fermé");
        check(&[], "}} {{{", "}} {{{");
        check(&[], "{{a<b}}", "{{a<b}}");
    }

    #[test]
    fn magic_variables() {
        check(&[], "{{PAGENAME}} / {{NOMPAGECOMPLET}}", "Essai / Essai");
    }

    #[test]
    fn unknown_parser_function_is_an_error() {
        check(
            &[],
            "{{#explose:x}}",
            "<strong class=\"error\">Fonction inconnue : #explose</strong>",
        );
    }
}
