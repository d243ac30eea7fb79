//! The wiki constructs on expanded text: `[[links]]`, categories, files, magic words,
//! redirects and `<nowiki>`. They become Markdown with inline HTML, which comrak then
//! parses; pipes inside links never reach comrak's table parser.

use carnet_core::{CategoryLink, Namespace, Title};

use crate::code::{
    Protected, ProtectedKind, protected_regions, region_at, starts_with_ignore_case,
};
use crate::template::escape_html;

/// A piece of the page after the wiki pass; links wait for the existence check.
#[derive(Debug)]
pub enum Segment {
    Markdown(String),
    Link {
        target: Title,
        fragment: Option<String>,
        /// Markdown of the label.
        label: String,
    },
    File {
        target: Title,
        options: FileOptions,
    },
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct FileOptions {
    /// `vignette`/`thumb`, and `cadre`/`frame`: in a figure with its caption.
    pub thumb: bool,
    /// `cadre`/`frame`: the figure shows the picture at its own size by default.
    pub framed: bool,
    /// `sans_cadre`/`frameless`: inline, at the thumbnail width by default.
    pub frameless: bool,
    pub align: Option<&'static str>,
    /// `200px`, or the width of `200x100px`.
    pub width: Option<u32>,
    /// The height of `x100px` or `200x100px`: the picture fits the box.
    pub height: Option<u32>,
    pub alt: Option<String>,
    pub caption: Option<String>,
}

/// What the wiki pass found.
#[derive(Debug, Default)]
pub struct WikiPass {
    pub segments: Vec<Segment>,
    pub categories: Vec<CategoryLink>,
    pub redirect: Option<(Title, Option<String>)>,
    pub toc: TocMode,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TocMode {
    pub here: bool,
    pub never: bool,
    pub always: bool,
}

/// Where the `__TOC__` marker was: the TOC goes there.
pub const TOC_MARKER: &str = "<!--carnet-toc-->";

/// Sets one flag of the table-of-contents mode.
type TocSwitch = fn(&mut TocMode);

const MAGIC_WORDS: [(&str, TocSwitch); 6] = [
    ("__TOC__", |toc| toc.here = true),
    ("__SOMMAIRE__", |toc| toc.here = true),
    ("__NOTOC__", |toc| toc.never = true),
    ("__AUCUNSOMMAIRE__", |toc| toc.never = true),
    ("__FORCETOC__", |toc| toc.always = true),
    ("__FORCERSOMMAIRE__", |toc| toc.always = true),
];

pub fn wiki_pass(text: &str) -> WikiPass {
    let mut pass = WikiPass::default();
    let text = redirect(text, &mut pass);
    let regions = protected_regions(text);
    let mut markdown = String::with_capacity(text.len());
    let mut pos = 0;
    while pos < text.len() {
        if let Some(region) = region_at(&regions, pos) {
            let content = text.get(region.range.clone()).unwrap_or_default();
            match region.kind {
                ProtectedKind::Nowiki => markdown.push_str(&nowiki(content)),
                ProtectedKind::Code | ProtectedKind::Comment => markdown.push_str(content),
            }
            pos = region.range.end;
            continue;
        }
        let rest = text.get(pos..).unwrap_or_default();
        if rest.starts_with("[[")
            && let Some(end) = link_end(text, pos, &regions)
        {
            let inner = text.get(pos + 2..end - 2).unwrap_or_default();
            if let Some(segment) = link(inner, &mut pass) {
                if !markdown.is_empty() {
                    pass.segments
                        .push(Segment::Markdown(std::mem::take(&mut markdown)));
                }
                pass.segments.push(segment);
                pos = end;
                continue;
            }
            if is_category_link(inner) {
                // Categories are listed at the foot of the page, not inline.
                pos = end;
                continue;
            }
            // Not a valid link: shown as typed.
            markdown.push_str(&escape_markdown(text.get(pos..end).unwrap_or_default()));
            pos = end;
            continue;
        }
        if rest.starts_with("__")
            && let Some((word, apply)) = MAGIC_WORDS.iter().find(|(word, _)| rest.starts_with(word))
        {
            apply(&mut pass.toc);
            if *word == "__TOC__" || *word == "__SOMMAIRE__" {
                markdown.push_str(&format!("\n\n{TOC_MARKER}\n\n"));
            }
            pos += word.len();
            continue;
        }
        if rest.starts_with('<') && opens_unclosed_raw_text(rest) {
            // The browser would swallow the rest of the page into this element.
            markdown.push_str("&lt;");
            pos += 1;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        markdown.push(c);
        pos += c.len_utf8();
    }
    if !markdown.is_empty() {
        pass.segments.push(Segment::Markdown(markdown));
    }
    pass
}

/// Elements whose content HTML parsers read as raw text up to their end tag: an
/// unclosed one would hide (or show as source) the whole rest of the page.
const RAW_TEXT_TAGS: [&str; 9] = [
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// `rest` starts with `<tag` of a raw-text element that has no end tag after it.
fn opens_unclosed_raw_text(rest: &str) -> bool {
    let Some(name) = rest.get(1..) else {
        return false;
    };
    RAW_TEXT_TAGS.iter().any(|tag| {
        starts_with_ignore_case(name, tag)
            && name
                .get(tag.len()..)
                .and_then(|after| after.chars().next())
                .is_none_or(|c| c.is_whitespace() || c == '>' || c == '/')
            && crate::code::find_ignore_case(rest, &format!("</{tag}")).is_none()
    })
}

/// `#REDIRECTION [[Cible]]` at the very start: recorded, and shown as an arrow.
fn redirect<'t>(text: &'t str, pass: &mut WikiPass) -> &'t str {
    let trimmed = text.trim_start();
    for keyword in ["#REDIRECTION", "#REDIRECT"] {
        if !starts_with_ignore_case(trimmed, keyword) {
            continue;
        }
        let after = trimmed.get(keyword.len()..).unwrap_or_default();
        let after = after.strip_prefix(':').unwrap_or(after).trim_start();
        if let Some(inner) = after.strip_prefix("[[")
            && let Some(end) = inner.find("]]")
        {
            let target = inner.get(..end).unwrap_or_default();
            let target = target.split('|').next().unwrap_or_default();
            let (page, fragment) = split_fragment(target);
            if let Ok(title) = Title::parse(page) {
                pass.redirect = Some((title, fragment.map(str::to_owned)));
                // Keep the link visible (for `?redirect=no`), without the keyword that
                // Markdown would read as a heading.
                return after;
            }
        }
    }
    text
}

/// The end (exclusive) of the `[[…]]` starting at `start`, with nested links inside
/// (file captions); `None` when unclosed on its line-ish span.
fn link_end(text: &str, start: usize, regions: &[Protected]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    let limit = (start + 4096).min(text.len());
    while i < limit {
        if region_at(regions, i).is_some() {
            return None;
        }
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'['), Some(b'[')) => {
                depth += 1;
                i += 2;
            }
            (Some(b']'), Some(b']')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            (Some(b'\n'), Some(b'\n')) => return None,
            _ => i += 1,
        }
    }
    None
}

fn split_fragment(target: &str) -> (&str, Option<&str>) {
    match target.split_once('#') {
        Some((page, fragment)) => (page, Some(fragment)),
        None => (target, None),
    }
}

/// Splits on top-level pipes (not those of nested links).
fn split_pipes(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'['), Some(b'[')) => {
                depth += 1;
                i += 2;
            }
            (Some(b']'), Some(b']')) => {
                depth = depth.saturating_sub(1);
                i += 2;
            }
            (Some(b'|'), _) if depth == 0 => {
                parts.push(inner.get(start..i).unwrap_or_default());
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    parts.push(inner.get(start..).unwrap_or_default());
    parts
}

fn is_category_link(inner: &str) -> bool {
    let target = inner.split('|').next().unwrap_or_default().trim_start();
    !target.starts_with(':')
        && Title::parse(target).is_ok_and(|title| title.namespace() == Namespace::Category)
}

fn link(inner: &str, pass: &mut WikiPass) -> Option<Segment> {
    let parts = split_pipes(inner);
    let (target, rest) = parts.split_first()?;
    let raw_target = target.trim();
    let forced = raw_target.starts_with(':');
    let (page, fragment) = split_fragment(raw_target.trim_start_matches(':'));
    let fragment = fragment
        .map(|f| f.trim().to_owned())
        .filter(|f| !f.is_empty());
    if page.trim().is_empty() {
        // `[[#Section]]`: a link within the page.
        let fragment = fragment?;
        let label = rest
            .first()
            .map(|l| (*l).to_owned())
            .unwrap_or_else(|| escape_markdown(&format!("#{fragment}")));
        return Some(Segment::Markdown(format!(
            "<a href=\"#{}\">{}</a>",
            escape_html(&crate::heading::anchor(&fragment)),
            label
        )));
    }
    let title = Title::parse(page).ok()?;
    match title.namespace() {
        Namespace::Category if !forced => {
            let sort_key = rest
                .first()
                .map(|key| key.trim().to_owned())
                .filter(|key| !key.is_empty());
            let link = CategoryLink {
                category: title,
                sort_key,
            };
            if !pass.categories.iter().any(|c| c.category == link.category) {
                pass.categories.push(link);
            }
            None
        }
        Namespace::File if !forced => Some(Segment::File {
            target: title,
            options: file_options(rest),
        }),
        _ => {
            let label = match rest.last() {
                Some(label) if !label.trim().is_empty() => (*label).to_owned(),
                // `[[Page]]` shows what was typed, without a leading colon.
                _ => escape_markdown(raw_target.trim_start_matches(':')),
            };
            Some(Segment::Link {
                target: title,
                fragment,
                label,
            })
        }
    }
}

/// `vignette|droite|200px|alt=…|légende` and the English words.
fn file_options(parts: &[&str]) -> FileOptions {
    let mut options = FileOptions::default();
    for part in parts {
        let word = part.trim();
        match word {
            "vignette" | "thumb" | "thumbnail" | "miniature" => options.thumb = true,
            "cadre" | "encadré" | "frame" | "framed" | "enframed" => {
                options.thumb = true;
                options.framed = true;
            }
            "sans_cadre" | "sans cadre" | "frameless" => options.frameless = true,
            "droite" | "right" => options.align = Some("right"),
            "gauche" | "left" => options.align = Some("left"),
            "centre" | "center" => options.align = Some("center"),
            "néant" | "none" => options.align = Some("none"),
            _ => {
                if let Some((width, height)) = word.strip_suffix("px").and_then(pixel_box) {
                    options.width = width;
                    options.height = height;
                } else if let Some(alt) = word.strip_prefix("alt=") {
                    options.alt = Some(alt.trim().to_owned());
                } else if !word.is_empty() {
                    options.caption = Some((*part).trim().to_owned());
                }
            }
        }
    }
    options
}

/// `200`, `x100`, `200x100` (before `px`): a width, a height, or both.
fn pixel_box(size: &str) -> Option<(Option<u32>, Option<u32>)> {
    let number = |text: &str| -> Option<u32> {
        let text = text.trim();
        text.parse().ok().filter(|&n: &u32| n > 0)
    };
    match size.split_once('x') {
        None => Some((Some(number(size)?), None)),
        Some((width, height)) if width.trim().is_empty() => Some((None, Some(number(height)?))),
        Some((width, height)) => Some((Some(number(width)?), Some(number(height)?))),
    }
}

/// `<nowiki>` content shown literally: every Markdown punctuation escaped.
fn nowiki(content: &str) -> String {
    let inner = content
        .get("<nowiki>".len()..content.len().saturating_sub("</nowiki>".len()))
        .filter(|_| {
            content.len() >= "<nowiki></nowiki>".len()
                && starts_with_ignore_case(content, "<nowiki>")
        })
        .unwrap_or_default();
    escape_markdown(inner)
}

/// Backslash-escapes ASCII punctuation so Markdown shows it as typed; `<` and `&`
/// become entities (a backslash does not stop raw HTML).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markdown(pass: &WikiPass) -> String {
        pass.segments
            .iter()
            .map(|segment| match segment {
                Segment::Markdown(text) => text.clone(),
                Segment::Link {
                    target,
                    fragment,
                    label,
                } => {
                    format!(
                        "<L {target}#{} '{label}'>",
                        fragment.clone().unwrap_or_default()
                    )
                }
                Segment::File { target, options } => format!("<F {target} {options:?}>"),
            })
            .collect()
    }

    #[test]
    fn links_with_labels_and_sections() {
        let pass = wiki_pass(
            "[[place du marché]], [[Portal:Patrimoine|le portail]], [[Pont#Histoire|son histoire]]",
        );
        assert_eq!(
            markdown(&pass),
            "<L Place du marché# 'place du marché'>, <L Portail:Patrimoine# 'le portail'>, <L Pont#Histoire 'son histoire'>"
        );
    }

    #[test]
    fn categories_are_collected_and_removed() {
        let pass = wiki_pass(
            "Texte.\n[[Catégorie:Parcs]]\n[[Category:Jardins|Roses]]\n[[:Catégorie:Parcs]]",
        );
        assert_eq!(
            markdown(&pass),
            "Texte.\n\n\n<L Catégorie:Parcs# 'Catégorie\\:Parcs'>"
        );
        assert_eq!(pass.categories.len(), 2);
        assert_eq!(pass.categories[1].sort_key.as_deref(), Some("Roses"));
    }

    #[test]
    fn files_with_options_and_nested_links() {
        let pass = wiki_pass("[[Fichier:Pont.jpg|vignette|droite|200px|Le [[pont]] en 1900]]");
        let Segment::File { target, options } = &pass.segments[0] else {
            panic!()
        };
        assert_eq!(target.to_string(), "Fichier:Pont.jpg");
        assert!(options.thumb);
        assert_eq!(options.align, Some("right"));
        assert_eq!(options.width, Some(200));
        assert_eq!(options.caption.as_deref(), Some("Le [[pont]] en 1900"));
    }

    #[test]
    fn file_sizes_and_frames() {
        let options = |text: &str| match wiki_pass(text).segments.into_iter().next() {
            Some(Segment::File { options, .. }) => options,
            _ => panic!("{text}"),
        };
        let box_ = options("[[File:a.png|200x100px|frameless]]");
        assert_eq!(
            (box_.width, box_.height, box_.frameless),
            (Some(200), Some(100), true)
        );
        let height = options("[[File:a.png|x80px|cadre|légende]]");
        assert_eq!((height.width, height.height), (None, Some(80)));
        assert!(height.thumb && height.framed);
        assert_eq!(height.caption.as_deref(), Some("légende"));
        // Not a size: a caption.
        assert_eq!(
            options("[[File:a.png|0px]]").caption.as_deref(),
            Some("0px")
        );
        assert_eq!(options("[[File:a.png|ax2px]]").width, None);
    }

    #[test]
    fn redirects() {
        let pass =
            wiki_pass("#REDIRECTION [[Place du marché#Histoire]]\n[[Catégorie:Redirections]]");
        let (target, fragment) = pass.redirect.clone().unwrap();
        assert_eq!(target.to_string(), "Place du marché");
        assert_eq!(fragment.as_deref(), Some("Histoire"));
        assert!(markdown(&pass).starts_with("<L Place du marché#Histoire"));
        assert!(wiki_pass("  #redirect: [[Target]]").redirect.is_some());
        assert!(wiki_pass("texte\n#REDIRECT [[Target]]").redirect.is_none());
    }

    #[test]
    fn magic_words() {
        let pass = wiki_pass("a __NOTOC__ b __FORCETOC__");
        assert!(pass.toc.never && pass.toc.always);
        assert_eq!(markdown(&pass), "a  b ");
        let pass = wiki_pass("__TOC__");
        assert!(pass.toc.here);
        assert!(markdown(&pass).contains(TOC_MARKER));
    }

    #[test]
    fn nowiki_and_code_are_literal() {
        let pass = wiki_pass("<nowiki>[[x]] *y*</nowiki> `[[z]]`");
        assert_eq!(markdown(&pass), "\\[\\[x\\]\\] \\*y\\* `[[z]]`");
    }

    #[test]
    fn unclosed_raw_text_tags_are_shown_as_text() {
        let pass = wiki_pass("a <style> b\n\n# Titre");
        assert_eq!(markdown(&pass), "a &lt;style> b\n\n# Titre");
        let pass = wiki_pass("<script>x</script> <STYLE >y</style>");
        assert_eq!(markdown(&pass), "<script>x</script> <STYLE >y</style>");
        assert_eq!(markdown(&wiki_pass("<stylesheet")), "<stylesheet");
    }

    #[test]
    fn invalid_links_are_shown_as_typed() {
        let pass = wiki_pass("[[a<b]] [[]] [[ouvert");
        assert_eq!(markdown(&pass), "\\[\\[a&lt;b\\]\\] \\[\\[\\]\\] [[ouvert");
    }
}
