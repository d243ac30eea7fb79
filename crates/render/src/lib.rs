//! Carnet's wikitext to safe HTML.
//!
//! Wikitext is CommonMark with GitHub's extensions (tables, task lists,
//! strikethrough, autolinks, footnotes) plus the wiki constructs writers know from
//! MediaWiki: `[[links]]`, categories, files, templates with parameters, dynamic lists,
//! magic words and redirects. See `docs/wikitext.md`.
//!
//! The pipeline, all in memory:
//! 1. [`template`] expands `{{…}}` on the text (bounded in depth, size and time);
//! 2. [`wiki`] turns links, categories and files into Markdown with inline HTML;
//! 3. the link targets are checked in one batch ([`WikiData::existing`]) to tell blue
//!    links from red ones;
//! 4. comrak parses the Markdown; headings get readable anchors and a table of contents;
//! 5. everything comrak writes passes one ammonia allow-list.
//!
//! What the page needs from the wiki (does a page exist, a template's text, a
//! category's members) comes through the narrow [`WikiData`] trait, so this crate does
//! no I/O and is tested with in-memory data.

mod code;
mod heading;
mod nesting;
mod template;
mod wiki;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{LazyLock, Mutex};

use ammonia::Builder;
use carnet_core::{CategoryLink, Namespace, PageLinks, Title};
use comrak::nodes::{NodeHtmlBlock, NodeValue};
use comrak::options::Plugins;
use comrak::{Arena, Options, format_html_with_plugins, parse_document};

pub use heading::TocEntry;
/// The anchor of a section heading (`#Horaires_du_marché`), for links to a section.
pub use heading::anchor as section_anchor;
pub use template::{MAX_DEPTH, MAX_EXPANDED_BYTES, MAX_EXPANSION_TIME};

use template::escape_html;
use wiki::{FileOptions, Segment, TOC_MARKER};

/// Where article URLs live; wiki links point here.
pub const WIKI_PATH: &str = "/wiki/";

/// MediaWiki shows a table of contents from this many headings on.
const TOC_THRESHOLD: usize = 4;

/// How a dynamic list orders a category's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOrder {
    /// By sort key, the French way.
    Alphabetical,
    /// Most recently changed first.
    RecentlyChanged,
    /// Most recently created first.
    Newest,
}

/// What rendering needs to know about the rest of the wiki. Every method has a
/// default meaning "nothing there", so tests implement only what they need.
pub trait WikiData {
    /// Which of `titles` exist (blue links); the others are red.
    fn existing(&self, titles: &[Title]) -> HashSet<Title> {
        let _ = titles;
        HashSet::new()
    }

    /// The current text of a template (or any transcluded page).
    fn template_source(&self, title: &Title) -> Option<String> {
        let _ = title;
        None
    }

    /// Up to `limit` pages of a category, in `order`.
    fn category_members(&self, category: &Title, limit: usize, order: ListOrder) -> Vec<Title> {
        let _ = (category, limit, order);
        Vec::new()
    }

    /// The number of articles (main namespace).
    fn page_count(&self) -> u64 {
        0
    }

    /// The uploaded files among `titles` (all in the file namespace), in one batch;
    /// a title without a file is simply absent.
    fn files(&self, titles: &[Title]) -> HashMap<Title, FileInfo> {
        let _ = titles;
        HashMap::new()
    }
}

/// What the renderer knows of an uploaded file: plain strings and numbers, so this crate
/// needs nothing of the media crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// SHA-256 of the content, lower-case hex: the file's address under [`MEDIA_PATH`].
    pub sha256: String,
    /// The media crate's stable kind name (`"jpeg"`, `"png"`, `"pdf"`, `"mp3"`…).
    pub kind: String,
    /// The `Content-Type` the file is served with (`audio/…` files get a player).
    pub mime: String,
    /// Displayed width of a picture (EXIF orientation applied).
    pub width: Option<u32>,
    /// Displayed height of a picture.
    pub height: Option<u32>,
    /// A picture: shown as `<img>` with thumbnails.
    pub is_image: bool,
}

/// Where original files are served: `/media/{sha256}/{file name}`.
pub const MEDIA_PATH: &str = "/media/";

/// Where thumbnails are served: `/media/thumb/{sha256}/{width}`, `width` one of
/// [`carnet_core::THUMB_WIDTHS`].
pub const THUMB_PATH: &str = "/media/thumb/";

/// Characters kept readable in a file name in a URL; `/`, `?`, `#`, `%` are encoded.
const FILE_NAME_KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'-')
    .remove(b'.')
    .remove(b'~')
    .remove(b'(')
    .remove(b')')
    .remove(b',');

/// The URL of an original file: `/media/{sha256}/{name}`, the name (without namespace)
/// with spaces as underscores, percent-encoded (a `/` in it too). The name is for the
/// reader and the browser's "save as": the hash alone identifies the content.
///
/// ```
/// assert_eq!(
///     carnet_render::media_url("ab12", "Pont neuf/été.jpg"),
///     "/media/ab12/Pont_neuf%2F%C3%A9t%C3%A9.jpg"
/// );
/// ```
pub fn media_url(sha256: &str, name: &str) -> String {
    let name = name.replace(' ', "_");
    format!(
        "{MEDIA_PATH}{sha256}/{}",
        percent_encoding::utf8_percent_encode(&name, FILE_NAME_KEEP)
    )
}

/// The URL of a thumbnail: `/media/thumb/{sha256}/{width}`; `width` should be one of
/// [`carnet_core::THUMB_WIDTHS`] (the renderer only writes those).
///
/// ```
/// assert_eq!(carnet_render::thumb_url("ab12", 250), "/media/thumb/ab12/250");
/// ```
pub fn thumb_url(sha256: &str, width: u32) -> String {
    format!("{THUMB_PATH}{sha256}/{width}")
}

/// A thumbnail's width when none is given (`[[Fichier:x.jpg|vignette]]`).
pub const DEFAULT_THUMB_WIDTH: u32 = 250;

/// A wiki with no pages: every link is red.
pub struct NoData;

impl WikiData for NoData {}

/// Texts the renderer writes into pages, translated by the caller. `{}` stands for the
/// variable part.
#[derive(Debug, Clone)]
pub struct Messages {
    pub toc: String,
    pub missing_page: String,
    pub template_loop: String,
    pub template_depth: String,
    pub template_size: String,
    pub template_time: String,
    pub unknown_function: String,
    pub missing_category: String,
}

impl Default for Messages {
    /// French, the wiki's default language.
    fn default() -> Self {
        Messages {
            toc: "Sommaire".to_owned(),
            missing_page: "{} (page inexistante)".to_owned(),
            template_loop: "Boucle de modèles : {} s'appelle lui-même.".to_owned(),
            template_depth: "Trop de modèles imbriqués (plus de {} niveaux).".to_owned(),
            template_size: "Les modèles produisent un texte trop long ; l'expansion s'arrête ici."
                .to_owned(),
            template_time: "Les modèles prennent trop de temps ; l'expansion s'arrête ici."
                .to_owned(),
            unknown_function: "Fonction inconnue : {}".to_owned(),
            missing_category: "Indiquez une catégorie, par exemple {{#catégorie:Parcs}}."
                .to_owned(),
        }
    }
}

/// A rendered page.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Safe HTML of the page body.
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Categories with whether their page exists, for the page's footer.
    pub categories: Vec<(CategoryLink, bool)>,
    /// What the page links to, for the link tables.
    pub links: PageLinks,
}

/// The page's own text expanded and split into wiki segments: what both [`render`] and
/// [`links`] start from.
struct Analysis {
    expansion: template::Expansion,
    pass: wiki::WikiPass,
    /// File captions' own segments, by the index of their file segment.
    captions: HashMap<usize, Vec<Segment>>,
}

fn analyse(text: &str, page: &Title, data: &dyn WikiData, messages: &Messages) -> Analysis {
    let own_text;
    let text = if page.namespace() == Namespace::Template {
        own_text = template::own_page_part(text);
        own_text.as_str()
    } else {
        text
    };
    let expansion = template::expand(text, page, data, messages);
    let pass = wiki::wiki_pass(&expansion.text);
    let captions = caption_segments(&pass.segments);
    Analysis {
        expansion,
        pass,
        captions,
    }
}

/// What `page` links to, without making its HTML: the link tables' side of [`render`]
/// (same result as `render(…).links`), for every save. Skipping the existence queries,
/// Markdown and the sanitizer makes it several times cheaper than a render.
pub fn links(text: &str, page: &Title, data: &dyn WikiData, messages: &Messages) -> PageLinks {
    let Analysis {
        expansion,
        pass,
        captions,
        ..
    } = analyse(text, page, data, messages);
    page_links(expansion, pass, &captions)
}

fn page_links(
    expansion: template::Expansion,
    pass: wiki::WikiPass,
    captions: &HashMap<usize, Vec<Segment>>,
) -> PageLinks {
    let mut links = Vec::new();
    let mut files = Vec::new();
    collect_link_kinds(&pass.segments, captions, &mut links, &mut files);
    if let Some((target, _)) = &pass.redirect
        && !links.contains(target)
    {
        links.push(target.clone());
    }
    PageLinks {
        links,
        categories: pass.categories,
        templates: expansion.templates,
        files,
        listed_categories: expansion.listed_categories,
        uses_page_count: expansion.uses_page_count,
        redirect: pass.redirect.map(|(target, _)| target),
    }
}

/// Renders the text of `page` with what `data` knows of the wiki.
pub fn render(text: &str, page: &Title, data: &dyn WikiData, messages: &Messages) -> Rendered {
    let Analysis {
        expansion,
        pass,
        captions,
    } = analyse(text, page, data, messages);

    // One existence query for every link, file and category of the page (captions'
    // included).
    let mut targets: Vec<Title> = Vec::new();
    collect_targets(&pass.segments, &mut targets);
    for caption in captions.values() {
        collect_targets(caption, &mut targets);
    }
    targets.extend(pass.categories.iter().map(|c| c.category.clone()));
    dedup(&mut targets);
    let existing = data.existing(&targets);
    let file_titles: Vec<Title> = targets
        .iter()
        .filter(|title| title.namespace() == Namespace::File)
        .cloned()
        .collect();
    let files = if file_titles.is_empty() {
        HashMap::new()
    } else {
        data.files(&file_titles)
    };

    let mut markdown = String::with_capacity(expansion.text.len() + 256);
    let assembler = Assembler {
        page,
        existing: &existing,
        files: &files,
        messages,
    };
    for (index, segment) in pass.segments.iter().enumerate() {
        assembler.write(segment, captions.get(&index), &mut markdown);
    }
    let (html, toc) = markdown_to_html(&markdown, pass.toc, messages);
    let categories = pass
        .categories
        .iter()
        .map(|link| (link.clone(), existing.contains(&link.category)))
        .collect();
    Rendered {
        html,
        toc,
        categories,
        links: page_links(expansion, pass, &captions),
    }
}

/// Renders text that belongs to no page and sees no wiki (every link red): for tests and
/// previews of loose text.
///
/// ```
/// let html = carnet_render::text_to_html("Voir [[Place du marché|la place]] <script>x</script>");
/// assert!(html.contains(r#"href="/wiki/Place_du_march%C3%A9?action=edit""#));
/// assert!(html.contains(r#"class="new""#));
/// assert!(!html.contains("<script"));
/// ```
pub fn text_to_html(text: &str) -> String {
    let page = Title::from_parts(Namespace::Special, "Rendu").ok();
    match page {
        Some(page) => render(text, &page, &NoData, &Messages::default()).html,
        None => String::new(),
    }
}

/// Cleans HTML with the allow-list every rendered page goes through — the same one, for
/// HTML that did not come from wikitext (the conformance test sanitises the specs'
/// expected HTML with it, to tell sanitising differences from bugs).
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

fn dedup(titles: &mut Vec<Title>) {
    let mut seen = HashSet::new();
    titles.retain(|title| seen.insert(title.clone()));
}

fn collect_targets(segments: &[Segment], targets: &mut Vec<Title>) {
    for segment in segments {
        match segment {
            Segment::Link { target, .. } | Segment::File { target, .. } => {
                targets.push(target.clone())
            }
            Segment::Markdown(_) => {}
        }
    }
}

/// File captions may hold links: they are parsed once, here.
fn caption_segments(segments: &[Segment]) -> HashMap<usize, Vec<Segment>> {
    let mut captions = HashMap::new();
    for (index, segment) in segments.iter().enumerate() {
        if let Segment::File {
            options:
                FileOptions {
                    caption: Some(caption),
                    ..
                },
            ..
        } = segment
        {
            let pass = wiki::wiki_pass(caption);
            captions.insert(index, pass.segments);
        }
    }
    captions
}

fn collect_link_kinds(
    segments: &[Segment],
    captions: &HashMap<usize, Vec<Segment>>,
    links: &mut Vec<Title>,
    files: &mut Vec<Title>,
) {
    for (index, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Link { target, .. } => {
                if target.namespace() == Namespace::File {
                    files.push(target.clone());
                } else {
                    links.push(target.clone());
                }
            }
            Segment::File { target, .. } => files.push(target.clone()),
            Segment::Markdown(_) => {}
        }
        if let Some(caption) = captions.get(&index) {
            collect_link_kinds(caption, &HashMap::new(), links, files);
        }
    }
    dedup(links);
    dedup(files);
}

struct Assembler<'a> {
    page: &'a Title,
    existing: &'a HashSet<Title>,
    files: &'a HashMap<Title, FileInfo>,
    messages: &'a Messages,
}

impl Assembler<'_> {
    fn write(&self, segment: &Segment, caption: Option<&Vec<Segment>>, out: &mut String) {
        match segment {
            Segment::Markdown(text) => out.push_str(text),
            Segment::Link {
                target,
                fragment,
                label,
            } => self.link(target, fragment.as_deref(), label, out),
            Segment::File { target, options } => {
                let mut caption_html = String::new();
                for part in caption.map(Vec::as_slice).unwrap_or_default() {
                    self.write(part, None, &mut caption_html);
                }
                self.file(target, options, &caption_html, out);
            }
        }
    }

    fn link(&self, target: &Title, fragment: Option<&str>, label: &str, out: &mut String) {
        let title_attr = escape_html(&target.to_string());
        if target == self.page && fragment.is_none() {
            out.push_str(&format!("<strong class=\"selflink\">{label}</strong>"));
            return;
        }
        let exists = target.namespace() == Namespace::Special
            || self.existing.contains(target)
            || self.files.contains_key(target);
        if exists {
            let fragment = fragment
                .map(|f| format!("#{}", escape_html(&heading::anchor(f))))
                .unwrap_or_default();
            out.push_str(&format!(
                "<a href=\"{WIKI_PATH}{}{fragment}\" title=\"{title_attr}\">{label}</a>",
                target.url_encoded()
            ));
        } else {
            let tooltip = escape_html(
                &self
                    .messages
                    .missing_page
                    .replace("{}", &target.to_string()),
            );
            out.push_str(&format!(
                "<a href=\"{WIKI_PATH}{}?action=edit\" class=\"new\" title=\"{tooltip}\">{label}</a>",
                target.url_encoded()
            ));
        }
    }

    /// A file: its picture (linked to the file page), a player and a link for sound, a
    /// link with the kind for documents — in a figure with its caption for `vignette`.
    /// A file not uploaded is a red link to its page.
    fn file(&self, target: &Title, options: &FileOptions, caption: &str, out: &mut String) {
        let Some(info) = self.files.get(target) else {
            let mut link = String::new();
            let label = escape_html(&target.to_string());
            self.link(target, None, &label, &mut link);
            self.framed(&link, options, caption, out);
            return;
        };
        let href = format!("{WIKI_PATH}{}", target.url_encoded());
        let title = escape_html(&target.to_string());
        let name = escape_html(target.name());
        let body = match (info.is_image, info.width, info.height) {
            (true, Some(width), Some(height)) if width > 0 && height > 0 => {
                let img = image_tag(target, info, (width, height), options, caption);
                format!("<a href=\"{href}\" title=\"{title}\">{img}</a>")
            }
            _ => {
                let kind = escape_html(&info.kind.to_uppercase());
                let link = format!("<a href=\"{href}\" title=\"{title}\">{name}</a> ({kind})");
                if info.mime.starts_with("audio/") {
                    let src = escape_html(&media_url(&info.sha256, target.name()));
                    format!("<audio controls preload=\"none\" src=\"{src}\"></audio> {link}")
                } else {
                    link
                }
            }
        };
        self.framed(&body, options, caption, out);
    }

    /// `body` as is, or in a figure with its caption for `vignette` and `cadre`.
    fn framed(&self, body: &str, options: &FileOptions, caption: &str, out: &mut String) {
        if !options.thumb {
            out.push_str(body);
            return;
        }
        let align = options.align.unwrap_or("right");
        let caption = if caption.trim().is_empty() {
            String::new()
        } else {
            format!("<figcaption>{caption}</figcaption>")
        };
        out.push_str(&format!(
            "\n\n<figure class=\"thumb {align}\">{body}{caption}</figure>\n\n"
        ));
    }
}

/// The size a picture is shown at, in CSS pixels: the width asked for (`200px`), or
/// fitting the box asked for (`200x100px`, `x100px`), else [`DEFAULT_THUMB_WIDTH`] for
/// thumbnails and frameless pictures, the picture's own width for frames and inline
/// pictures (at most the largest thumbnail width) — never wider than the picture
/// itself; the height follows the picture's proportions.
fn shown_size(original: (u32, u32), options: &FileOptions) -> (u32, u32) {
    let (full_width, full_height) = original;
    let largest = carnet_core::THUMB_WIDTHS
        .last()
        .copied()
        .unwrap_or(full_width);
    let by_height = options.height.map(|height| {
        u32::try_from(u64::from(height) * u64::from(full_width) / u64::from(full_height))
            .unwrap_or(u32::MAX)
            .max(1)
    });
    let asked = match (options.width, by_height) {
        (Some(width), Some(fit)) => width.min(fit),
        (Some(width), None) => width,
        (None, Some(fit)) => fit,
        (None, None) if options.framed => full_width.min(largest),
        (None, None) if options.thumb || options.frameless => DEFAULT_THUMB_WIDTH,
        (None, None) => full_width.min(largest),
    };
    let width = asked.clamp(1, full_width);
    let height = u32::try_from(
        (u64::from(full_height) * u64::from(width) + u64::from(full_width) / 2)
            / u64::from(full_width),
    )
    .unwrap_or(full_height)
    .max(1);
    (width, height)
}

/// The picture to send for `needed` pixels of width: the smallest standard thumbnail at
/// least that wide, or the original (metadata removed) when it is no wider; with the
/// width of what is sent.
fn source_for(info: &FileInfo, name: &str, needed: u32, full_width: u32) -> (String, u32) {
    let standard = carnet_core::standard_width(needed);
    if needed >= full_width || standard >= full_width {
        (media_url(&info.sha256, name), full_width)
    } else {
        (thumb_url(&info.sha256, standard), standard)
    }
}

/// `<img>` with its size (no layout shift), a `srcset` for 1.5× and 2× screens, `alt`
/// (the `alt=` option; else, inline, the caption or the file name; in a figure with a
/// caption, empty, the caption describing it), lazy loading.
fn image_tag(
    target: &Title,
    info: &FileInfo,
    original: (u32, u32),
    options: &FileOptions,
    caption: &str,
) -> String {
    let (width, height) = shown_size(original, options);
    let name = target.name();
    let (src, sent) = source_for(info, name, width, original.0);
    let mut candidates: Vec<(String, u32)> = Vec::new();
    for (numerator, denominator) in [(3u32, 2u32), (2, 1)] {
        let needed = width.saturating_mul(numerator).div_ceil(denominator);
        let (url, wide) = source_for(info, name, needed, original.0);
        if wide > sent && !candidates.iter().any(|(known, _)| known == &url) {
            candidates.push((url, wide));
        }
    }
    let srcset = candidates
        .iter()
        .map(|(url, wide)| format!("{} {}x", escape_html(url), density(*wide, width)))
        .collect::<Vec<_>>()
        .join(", ");
    let srcset = if srcset.is_empty() {
        String::new()
    } else {
        format!(" srcset=\"{srcset}\"")
    };
    let alt = match (&options.alt, options.thumb) {
        (Some(alt), _) => alt.clone(),
        (None, true) if !caption.trim().is_empty() => String::new(),
        (None, false) => options
            .caption
            .as_deref()
            .map(link_labels)
            .unwrap_or_else(|| name.to_owned()),
        (None, true) => name.to_owned(),
    };
    format!(
        "<img src=\"{}\"{srcset} width=\"{width}\" height=\"{height}\" alt=\"{}\" loading=\"lazy\" decoding=\"async\">",
        escape_html(&src),
        escape_html(&alt)
    )
}

/// A caption as alternative text: `[[target|label]]` becomes its label, `[[target]]` its
/// target; the rest as typed (escaped by the caller).
fn link_labels(wikitext: &str) -> String {
    let mut out = String::new();
    let mut rest = wikitext;
    while let Some((before, after)) = rest.split_once("[[") {
        let Some((inner, tail)) = after.split_once("]]") else {
            break;
        };
        out.push_str(before);
        out.push_str(
            inner
                .rsplit('|')
                .next()
                .unwrap_or(inner)
                .trim_start_matches(':'),
        );
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// `wide / shown` as a `srcset` density: `2`, `1.5`, `1.33`.
fn density(wide: u32, shown: u32) -> String {
    let ratio = f64::from(wide) / f64::from(shown.max(1));
    let text = format!("{ratio:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn comrak_options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.strikethrough = true;
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.extension.footnotes = true;
    // Raw HTML is let through here and filtered by the sanitizer below, which knows
    // exactly which tags and attributes are safe.
    options.render.r#unsafe = true;
    options
}

/// comrak, anchors and table of contents, sanitizer.
fn markdown_to_html(
    markdown: &str,
    toc_mode: wiki::TocMode,
    messages: &Messages,
) -> (String, Vec<TocEntry>) {
    let options = comrak_options();
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options);
    nesting::flatten_deep_nodes(root);
    nesting::defuse_deep_html(root);
    let headings: Vec<_> = root
        .descendants()
        .filter_map(|node| match node.data().value {
            NodeValue::Heading(heading) => Some((node, heading.level)),
            _ => None,
        })
        .collect();
    let texts: Vec<(u8, String)> = headings
        .iter()
        .map(|(node, level)| (*level, node.collect_text().trim().to_owned()))
        .collect();
    let anchors = heading::unique_anchors(
        &texts
            .iter()
            .map(|(_, text)| text.clone())
            .collect::<Vec<_>>(),
    );
    let show_toc =
        !toc_mode.never && (toc_mode.always || toc_mode.here || headings.len() >= TOC_THRESHOLD);
    let toc = if show_toc {
        heading::toc_entries(&texts, &anchors)
    } else {
        Vec::new()
    };
    let toc_block = if toc.is_empty() {
        String::new()
    } else {
        heading::toc_html(&toc, &messages.toc)
    };
    let mut placed = false;
    for node in root.descendants() {
        let mut data = node.data_mut();
        if let NodeValue::HtmlBlock(block) = &mut data.value
            && block.literal.trim() == TOC_MARKER
        {
            block.literal = if placed {
                String::new()
            } else {
                toc_block.clone()
            };
            placed = true;
        }
    }
    if !placed
        && !toc_block.is_empty()
        && let Some((first, _)) = headings.first()
    {
        let block = arena.alloc(
            NodeValue::HtmlBlock(NodeHtmlBlock {
                block_type: 6,
                literal: toc_block,
            })
            .into(),
        );
        first.insert_before(block);
    }
    mark_external_links(&arena, root);
    let adapter = heading::Anchors(Mutex::new(VecDeque::from(anchors)));
    let mut plugins = Plugins::default();
    plugins.render.heading_adapter = Some(&adapter);
    let mut html = String::new();
    if format_html_with_plugins(root, &options, &mut html, &plugins).is_err() {
        // Writing into a String does not fail; should it ever, show nothing rather
        // than unsanitised input.
        return (String::new(), toc);
    }
    (SANITIZER.clean(&html).to_string(), toc)
}

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = allow_list();
    builder.attribute_filter(media_only);
    builder
});

/// A URL rewriter for [`relink`]: the new URL, or `None` to drop it.
pub type Relinker = std::sync::Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Rendered HTML with every URL passed through `rewrite` — `href`, `src`, `cite`, and
/// each candidate of an `<img srcset>` — and the result through the same allow-list
/// again. `None` drops the attribute: an `<a>` without `href` is plain text (a red link
/// keeps its `class="new"`), an `<img>` without `src` shows nothing. For the static
/// HTML export, whose links are relative files.
///
/// ```
/// use std::sync::Arc;
/// let html = carnet_render::text_to_html("[[Absente]] [site](https://example.org/)");
/// let relinked = carnet_render::relink(&html, Arc::new(|url: &str| {
///     url.starts_with("https:").then(|| url.to_owned())
/// }));
/// assert!(relinked.contains(r#"class="new""#) && !relinked.contains("/wiki/"), "{relinked}");
/// assert!(relinked.contains(r#"href="https://example.org/""#));
/// ```
pub fn relink(html: &str, rewrite: Relinker) -> String {
    let mut builder = allow_list();
    builder.attribute_filter(move |element, attribute, value| {
        let value = media_only(element, attribute, value)?;
        match attribute {
            "href" | "src" | "cite" => rewrite(&value).map(std::borrow::Cow::Owned),
            "srcset" => {
                let candidates: Vec<String> = value
                    .split(',')
                    .filter_map(|candidate| {
                        let mut parts = candidate.split_whitespace();
                        let url = rewrite(parts.next()?)?;
                        let rest: Vec<&str> = parts.collect();
                        Some(if rest.is_empty() {
                            url
                        } else {
                            format!("{url} {}", rest.join(" "))
                        })
                    })
                    .collect();
                (!candidates.is_empty()).then(|| std::borrow::Cow::Owned(candidates.join(", ")))
            }
            _ => Some(value),
        }
    });
    builder.clean(html).to_string()
}

/// The allow-list of every rendered page, without its attribute filter (set by the
/// caller: an ammonia builder takes one).
fn allow_list() -> Builder<'static> {
    let mut builder = Builder::default();
    builder
        .add_tags(["input", "section", "figure", "figcaption", "nav", "audio"])
        // Pictures of uploaded files: responsive sources, size, lazy loading. `srcset`
        // and `<audio src>` may only point at this wiki's files (see `media_only`).
        .add_tag_attributes("img", ["srcset", "loading", "decoding"])
        .add_tag_attributes("audio", ["controls", "preload", "src"])
        // Task lists only: any other input becomes an inert, disabled checkbox.
        .add_tag_attributes("input", ["checked"])
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        // `rel` is written by `mark_external_links`; internal links stay followable.
        .add_tag_attributes("a", ["rel", "data-footnote-ref", "data-footnote-backref"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("section", ["data-footnotes"])
        .add_tag_attributes("nav", ["aria-labelledby"])
        .add_tag_attributes("td", ["align"])
        .add_tag_attributes("th", ["align"])
        .link_rel(None)
        .allowed_classes(HashMap::from([
            ("a", HashSet::from(["new", "footnote-backref"])),
            ("strong", HashSet::from(["selflink", "error"])),
            ("section", HashSet::from(["footnotes"])),
            ("li", HashSet::from(["task-list-item"])),
            ("ul", HashSet::from(["contains-task-list"])),
            ("nav", HashSet::from(["toc"])),
            ("span", HashSet::from(["toc-number"])),
            (
                "figure",
                HashSet::from(["thumb", "right", "left", "center", "none"]),
            ),
        ]));
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(heading, ["id"]);
    }
    builder
}

/// The attribute filter of the sanitiser: `<img srcset>` candidates and `<audio src>`
/// must be this wiki's files (`/media/…`), and the enumerated attributes known values.
fn media_only<'u>(
    element: &str,
    attribute: &str,
    value: &'u str,
) -> Option<std::borrow::Cow<'u, str>> {
    let ours = |url: &str| url.starts_with(MEDIA_PATH);
    let keep = match (element, attribute) {
        ("img", "srcset") => value
            .split(',')
            .all(|candidate| candidate.split_whitespace().next().is_some_and(ours)),
        ("audio", "src") => ours(value),
        ("img", "loading") => matches!(value, "lazy" | "eager"),
        ("img", "decoding") => matches!(value, "async" | "sync" | "auto"),
        ("audio", "preload") => matches!(value, "none" | "metadata" | "auto"),
        _ => true,
    };
    keep.then_some(std::borrow::Cow::Borrowed(value))
}

/// External links get `rel="nofollow noopener noreferrer"`, so spam gains nothing and
/// the other site cannot reach back into the wiki's window.
fn mark_external_links<'a>(arena: &'a Arena<'a>, root: comrak::nodes::Node<'a>) {
    let external: Vec<_> = root
        .descendants()
        .filter(
            |node| matches!(&node.data().value, NodeValue::Link(link) if is_external(&link.url)),
        )
        .collect();
    for node in external {
        let (url, title) = match &node.data().value {
            NodeValue::Link(link) => (link.url.clone(), link.title.clone()),
            _ => continue,
        };
        let title = if title.is_empty() {
            String::new()
        } else {
            format!(" title=\"{}\"", escape_html(&title))
        };
        // comrak's own href escaping (percent-encodes what CommonMark says to).
        let mut href = String::new();
        if comrak::html::escape_href(&mut href, &url, false).is_err() {
            href = escape_html(&url);
        }
        let open = format!("<a href=\"{href}\"{title} rel=\"nofollow noopener noreferrer\">");
        node.insert_before(arena.alloc(NodeValue::HtmlInline(open).into()));
        while let Some(child) = node.first_child() {
            child.detach();
            node.insert_before(child);
        }
        node.insert_before(arena.alloc(NodeValue::HtmlInline("</a>".to_owned()).into()));
        node.detach();
    }
}

fn is_external(href: &str) -> bool {
    href.starts_with("http://") || href.starts_with("https://") || href.starts_with("//")
}

#[cfg(test)]
mod tests;
