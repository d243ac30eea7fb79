//! Helpers shared by Carnet's fuzz targets: the in-memory wiki the template target
//! renders against, and the safety checks every rendered page must pass.

use std::collections::HashSet;

use carnet_core::Title;
use carnet_render::{ListOrder, WikiData};

/// Inputs longer than this are ignored, whatever `-max_len` says: each run stays short.
pub const MAX_INPUT: usize = 16 * 1024;

/// Splits the fuzz input of `render_templates` on `0xFF` (a byte that never occurs in
/// UTF-8) into the page text and up to three template sources. `None` when a part is
/// not valid UTF-8.
pub fn split_parts(data: &[u8]) -> Option<Vec<&str>> {
    data.splitn(4, |byte| *byte == 0xFF)
        .map(|part| std::str::from_utf8(part).ok())
        .collect()
}

/// Names of the templates the fuzz input defines, in order.
pub const TEMPLATES: [&str; 3] = ["Modèle:A", "Modèle:B", "Modèle:C"];

/// A small wiki: three templates from the fuzz input, some pages that exist, a few
/// category members and a page count.
pub struct FuzzWiki {
    templates: Vec<(Title, String)>,
}

impl FuzzWiki {
    pub fn new(sources: &[&str]) -> FuzzWiki {
        let templates = TEMPLATES
            .iter()
            .zip(sources)
            .filter_map(|(name, source)| Some((Title::parse(name).ok()?, (*source).to_owned())))
            .collect();
        FuzzWiki { templates }
    }
}

impl WikiData for FuzzWiki {
    /// Templates exist, and so does every page whose name has an even length in bytes:
    /// links come out both blue and red.
    fn existing(&self, titles: &[Title]) -> HashSet<Title> {
        titles
            .iter()
            .filter(|title| {
                title.name().len() % 2 == 0 || self.templates.iter().any(|(t, _)| t == *title)
            })
            .cloned()
            .collect()
    }

    fn template_source(&self, title: &Title) -> Option<String> {
        self.templates
            .iter()
            .find(|(t, _)| t == title)
            .map(|(_, source)| source.clone())
    }

    /// Every category has the same few members, plus a page named after it.
    fn category_members(&self, category: &Title, limit: usize, _order: ListOrder) -> Vec<Title> {
        ["Accueil", "Place du marché", "Modèle:A"]
            .iter()
            .filter_map(|name| Title::parse(name).ok())
            .chain(Title::parse(category.name()).ok())
            .take(limit)
            .collect()
    }

    fn page_count(&self) -> u64 {
        42
    }
}

/// Tags the sanitizer must never let through.
const FORBIDDEN_TAGS: [&str; 16] = [
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta",
    "link", "form", "svg", "math", "template", "noscript",
];

/// Attributes holding a URL.
const URL_ATTRIBUTES: [&str; 8] = [
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "background",
    "poster",
    "cite",
];

/// Checks the sanitised HTML of a page; `Err` describes the first problem.
///
/// The HTML is read as a browser's tokenizer would (tags, quoted attribute values,
/// comments), so a `<script` that is only text inside an attribute value (such as a
/// link's `title="<script>"`) is not mistaken for a tag:
/// - no forbidden tag (`<script`, `<iframe`, `<style`…), in any case;
/// - no attribute whose name starts with `on` (event handlers);
/// - no URL attribute (`href`, `src`…) whose value, entities decoded and blanks
///   removed, starts with `javascript:`, `vbscript:` or `data:`.
///
/// Text is not searched for these strings: `&lt;a href="javascript:x"&gt;` is a
/// harmless sentence about HTML (a `"` needs no escaping in text).
pub fn check_html(html: &str) -> Result<(), String> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |end| end + 3);
            continue;
        }
        let name_start = i + 1 + usize::from(rest.as_bytes().get(1) == Some(&b'/'));
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            // `<` followed by anything else is text to a browser.
            i += 1;
            continue;
        }
        i = check_tag(html, name_start)?;
    }
    Ok(())
}

/// Checks the tag whose name starts at `start`; returns the position after its `>`.
fn check_tag(html: &str, start: usize) -> Result<usize, String> {
    let bytes = html.as_bytes();
    let is_name_end = |b: u8| b.is_ascii_whitespace() || b == b'/' || b == b'>';
    let mut i = start;
    while i < bytes.len() && !is_name_end(bytes[i]) {
        i += 1;
    }
    let tag = html[start..i].to_ascii_lowercase();
    if FORBIDDEN_TAGS.contains(&tag.as_str()) {
        return Err(format!("forbidden tag <{tag}> at byte {start}"));
    }
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        match bytes.get(i) {
            None => return Ok(i),
            Some(b'>') => return Ok(i + 1),
            Some(_) => {}
        }
        let name_start = i;
        // An attribute name may begin with `=` (the tokenizer takes it as a letter).
        i += 1;
        while i < bytes.len() && !is_name_end(bytes[i]) && bytes[i] != b'=' {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let (value_start, value_end, after) = match bytes.get(i) {
                Some(&quote) if quote == b'"' || quote == b'\'' => {
                    let end = html[i + 1..]
                        .find(char::from(quote))
                        .map_or(bytes.len(), |end| i + 1 + end);
                    (i + 1, end, (end + 1).min(bytes.len()))
                }
                _ => {
                    let mut end = i;
                    while end < bytes.len()
                        && !bytes[end].is_ascii_whitespace()
                        && bytes[end] != b'>'
                    {
                        end += 1;
                    }
                    (i, end, end)
                }
            };
            value = &html[value_start..value_end];
            i = after;
        }
        if name.starts_with("on") {
            return Err(format!(
                "event handler attribute {name}={value:?} on <{tag}> at byte {name_start}"
            ));
        }
        if URL_ATTRIBUTES.contains(&name.as_str()) && dangerous_url(value) {
            return Err(format!(
                "script URL in {name}={value:?} on <{tag}> at byte {name_start}"
            ));
        }
    }
}

/// Whether a URL runs script (or smuggles a document) once a browser reads it.
fn dangerous_url(value: &str) -> bool {
    let decoded = decode_entities(value);
    // Browsers ignore ASCII tab and newlines anywhere in a URL, and leading blanks and
    // control characters.
    let compact: String = decoded
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| compact.starts_with(scheme))
}

/// Decodes the character references a URL scheme could hide behind: numeric ones and
/// the few named ones that matter (`&colon;`, `&Tab;`, `&NewLine;`, `&amp;`…).
fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| !c.is_ascii_alphanumeric() && *c != '#')
            .map_or(rest.len(), |(end, _)| end);
        let entity = &rest[1..end];
        let decoded = if let Some(number) = entity.strip_prefix('#') {
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => number.parse().ok(),
            };
            code.and_then(char::from_u32)
        } else {
            match entity {
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                "amp" | "AMP" => Some('&'),
                "quot" | "QUOT" => Some('"'),
                "lt" | "LT" => Some('<'),
                "gt" | "GT" => Some('>'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Panics with the offending input and output when [`check_html`] fails.
pub fn assert_safe(input: &str, html: &str) {
    if let Err(problem) = check_html(html) {
        panic!("unsafe HTML: {problem}\ninput: {input:?}\noutput: {html:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_html_passes() {
        for html in [
            "<p>a &lt;script&gt; b</p>",
            r#"<p><a href="https://x" title="<script>alert(1)</script>" rel="nofollow">x</a></p>"#,
            r#"<p><a href="/wiki/Javascript:x" class="new">Javascript:x</a></p>"#,
            "<p>online: 1 &lt; 2</p><!-- <script> -->",
            r#"<input type="checkbox" disabled="" checked="">"#,
            "<p>1 < 2 and a <3</p>",
            r#"<p>&lt;a href="javascript:x"&gt;y</p>"#,
        ] {
            assert_eq!(check_html(html), Ok(()), "{html}");
        }
    }

    #[test]
    fn unsafe_html_fails() {
        for html in [
            "<p><script>alert(1)</script></p>",
            "<SCRIPT src=x></SCRIPT>",
            "<p><img src=x onerror=alert(1)></p>",
            r#"<p><a title="x" OnClick='alert(1)'>x</a></p>"#,
            r#"<a href="javascript:alert(1)">x</a>"#,
            r#"<a href=" JaVa&#x09;script&colon;alert(1)">x</a>"#,
            r#"<a href='vbscript:x'>x</a>"#,
            r#"<iframe src="https://x"></iframe>"#,
            r#"<p/onmouseover="x">"#,
        ] {
            assert!(check_html(html).is_err(), "{html}");
        }
    }

    #[test]
    fn parts() {
        assert_eq!(split_parts(b"page"), Some(vec!["page"]));
        assert_eq!(
            split_parts(b"p\xFFa\xFFb\xFFc\xFFd"),
            None,
            "a fifth part stays in the third template, which is then not UTF-8"
        );
        assert_eq!(
            split_parts(b"p\xFFa\xFF\xFFc"),
            Some(vec!["p", "a", "", "c"])
        );
    }
}
