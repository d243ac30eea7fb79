//! Template calls: Carnet's syntax is MediaWiki's on purpose, so calls are kept and
//! their arguments converted; parser functions and variables Carnet does not know are
//! kept as typed and reported.

use super::{Ctx, inline};

/// Parser functions Carnet evaluates (`{{#catégorie:…}}`…).
const CARNET_FUNCTIONS: [&str; 6] = [
    "catégorie",
    "categorie",
    "category",
    "nouvelles",
    "newest",
    "pages",
];

/// Variables Carnet knows.
const CARNET_VARIABLES: [&str; 6] = [
    "PAGENAME",
    "NOMPAGE",
    "FULLPAGENAME",
    "NOMPAGECOMPLET",
    "NAMESPACE",
    "ESPACENOMMAGE",
];

/// MediaWiki functions written `{{name:…}}` without `#` (lowercase).
const COLON_FUNCTIONS: [&str; 40] = [
    "lc",
    "uc",
    "lcfirst",
    "ucfirst",
    "urlencode",
    "anchorencode",
    "formatnum",
    "padleft",
    "padright",
    "plural",
    "grammar",
    "gender",
    "int",
    "ns",
    "nse",
    "fullurl",
    "localurl",
    "canonicalurl",
    "filepath",
    "defaultsort",
    "defaultsortkey",
    "defaultcategorysort",
    "clédetri",
    "cledetri",
    "displaytitle",
    "titreaffiché",
    "subst",
    "safesubst",
    "msg",
    "msgnw",
    "raw",
    "tag",
    "localtime",
    "currenttime",
    "pagesincategory",
    "pagesize",
    "protectionlevel",
    "special",
    "speciale",
    "bidi",
];

/// MediaWiki variables (`{{CURRENTYEAR}}`…) — all capitals, no arguments.
fn is_variable(name: &str) -> bool {
    name.len() > 1
        && name
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == 'É' || c == 'È')
}

/// Templates that only show the footnotes: Carnet shows them at the end anyway.
const REFERENCE_TEMPLATES: [&str; 6] = [
    "références",
    "references",
    "reflist",
    "notes",
    "références discussion",
    "reférences",
];

/// Splits at top-level `|` (not inside `{{…}}` or `[[…]]`).
pub fn split_pipes(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut braces = 0usize;
    let mut brackets = 0usize;
    let mut start = 0;
    let mut previous = '\0';
    for (i, c) in text.char_indices() {
        match c {
            '{' if previous == '{' => braces += 1,
            '}' if previous == '}' => braces = braces.saturating_sub(1),
            '[' if previous == '[' => brackets += 1,
            ']' if previous == ']' => brackets = brackets.saturating_sub(1),
            '|' if braces == 0 && brackets == 0 => {
                parts.push(text.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
        // `{{{` or `]]]`: a brace pairs with only one neighbour.
        previous = if previous == c { '\0' } else { c };
    }
    parts.push(text.get(start..).unwrap_or_default());
    parts
}

/// Converts one `{{…}}`.
pub fn convert(raw: &str, ctx: &mut Ctx) -> String {
    if raw.starts_with("{{{") {
        // A parameter of a template page: Carnet's syntax is the same.
        return raw.to_owned();
    }
    let inner = raw
        .strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
        .unwrap_or_default();
    let parts = split_pipes(inner);
    // Comments in a template's name are ignored by MediaWiki; Carnet would not.
    let name_part = parts.first().copied().unwrap_or_default();
    let name_owned = ctx.drop_comments(name_part);
    let name = name_owned.trim();
    // Calls inside this one are reported here, once, without recursion.
    report_nested(inner, ctx);
    if name == "NUMBEROFARTICLES" || name == "NOMBREARTICLES" {
        return "{{#pages:}}".to_owned();
    }
    if let Some(construct) = unconverted(name, parts.len() > 1) {
        let is_function = construct.starts_with("parser-function:");
        ctx.report(construct);
        if is_function || parts.len() == 1 {
            return raw.to_owned();
        }
    }
    if name.starts_with('#') || (parts.len() == 1 && is_variable(name)) {
        // Carnet's own functions and variables.
        return raw.to_owned();
    }
    let lower = name.to_lowercase().replace('_', " ");
    let lower = lower
        .strip_prefix("modèle:")
        .or_else(|| lower.strip_prefix("template:"))
        .unwrap_or(&lower);
    if REFERENCE_TEMPLATES.contains(&lower.trim()) {
        return String::new();
    }
    let mut out = String::from("{{");
    for (index, part) in parts.iter().enumerate() {
        if index == 0 {
            if name_owned.len() == name_part.len() {
                out.push_str(part);
            } else {
                out.push_str(name);
            }
            continue;
        }
        out.push('|');
        match named_key(part) {
            Some((key, value)) => {
                let clean_key = ctx.drop_comments(key);
                if clean_key.len() == key.len() {
                    out.push_str(key);
                } else {
                    out.push_str(clean_key.trim());
                }
                out.push('=');
                out.push_str(&argument(value, ctx));
            }
            None => out.push_str(&argument(part, ctx)),
        }
    }
    out.push_str("}}");
    out
}

/// `key=value`: the key has no link or template in it.
fn named_key(part: &str) -> Option<(&str, &str)> {
    let (key, value) = part.split_once('=')?;
    if key.contains(['[', '{', '<', '\n']) && !key.trim().is_empty() {
        return None;
    }
    Some((key, value))
}

/// An argument's value: emphasis and links converted line by line, nothing escaped
/// (the template decides what its arguments become) — unless it holds lines of lists,
/// headings or tables: then it is page text, converted as such (a `# item` line would
/// be a Markdown heading).
fn argument(value: &str, ctx: &mut Ctx) -> String {
    let has_blocks = value.contains('\n')
        && value
            .lines()
            .skip(1)
            .any(|line| line.starts_with(['*', '#', ':', ';', '=']) || line.starts_with("{|"));
    if has_blocks && ctx.depth < super::MAX_NESTING {
        let leading = if value.starts_with('\n') { "\n" } else { "" };
        let trailing = if value.ends_with('\n') { "\n" } else { "" };
        // Templates inside are taken out first, so that lines do not split them.
        ctx.depth += 1;
        let stashed = super::stash::stash(value, ctx);
        let converted = super::block::blocks(&stashed, ctx);
        ctx.depth -= 1;
        return format!("{leading}{}{trailing}", converted.trim());
    }
    value
        .split('\n')
        .map(|line| inline::convert(line, ctx, inline::Mode::Light))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a call named `name` is reported as, if Carnet lacks it.
fn unconverted(name: &str, has_arguments: bool) -> Option<String> {
    if let Some(function) = name.strip_prefix('#') {
        let function = function
            .split(':')
            .next()
            .unwrap_or_default()
            .trim()
            .to_lowercase();
        return (!CARNET_FUNCTIONS.contains(&function.as_str()))
            .then(|| format!("parser-function:#{function}"));
    }
    if let Some((prefix, _)) = name.split_once(':') {
        let lower = prefix.trim().to_lowercase();
        if COLON_FUNCTIONS.contains(&lower.as_str()) {
            return Some(format!("parser-function:{lower}"));
        }
    }
    if !has_arguments && is_variable(name) && !CARNET_VARIABLES.contains(&name) {
        if name == "NUMBEROFARTICLES" || name == "NOMBREARTICLES" {
            return None;
        }
        return Some(format!("magic-variable:{name}"));
    }
    if name == "!" || name == "=" {
        return Some(format!("magic-variable:{name}"));
    }
    None
}

/// Calls nested in a call's arguments, reported in one pass (no recursion: nesting can
/// be as deep as the text is long).
fn report_nested(inner: &str, ctx: &mut Ctx) {
    let mut rest = inner;
    while let Some(start) = rest.find("{{") {
        let after = rest.get(start + 2..).unwrap_or_default();
        if after.starts_with('{') {
            // A parameter `{{{…}}}`.
            rest = after.trim_start_matches('{');
            continue;
        }
        let name_end = after.find(['|', '}', '{']).unwrap_or(after.len());
        let name = ctx.drop_comments(after.get(..name_end).unwrap_or_default());
        let has_arguments = after.get(name_end..).is_some_and(|r| r.starts_with('|'));
        if let Some(construct) = unconverted(name.trim(), has_arguments) {
            ctx.report(construct);
        }
        rest = after;
    }
}
