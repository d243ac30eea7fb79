//! `carnet export html DIR`: a static, browsable copy of the current wiki, for archives
//! and offline workshops — every current page as a standalone HTML file with the site's
//! stylesheet, relative links only, the pictures the pages show, an index and an
//! alphabetical list of all pages; no script, no form.
//!
//! Pages are read through the same code as the server (`views::load_page`: the render
//! cache, else the renderer), then every URL of their HTML is rewritten by
//! [`carnet_render::relink`] (the same allow-list again): a link to an exported page
//! becomes a relative path, a red link or a link to anything else of the server (special
//! pages, edit forms, histories) loses its `href` and reads as plain text, a file's URL
//! becomes the copied file. Where files go is `carnet_core::export`.
//!
//! Memory: the titles of all pages (to know which links lead somewhere and to sort the
//! list), never their texts — one page is read, rendered and written at a time.
//! The copy is built in a fresh folder next to `DIR` and swapped in at the end, so a
//! failed export leaves the previous one untouched.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use askama::Template;
use carnet_core::export::{original_path, page_path, relative, thumbnail_path};
use carnet_core::{Namespace, PageId, Title, collation_key};
use carnet_media::MediaKind;
use carnet_store::StoreError;
use chrono::{DateTime, Utc};
use percent_encoding::percent_decode_str;

use crate::AppState;
use crate::i18n::{Lang, Tr};
use crate::views::{Loaded, last_modified, load_page};

/// The file that marks a folder as a Carnet export (so re-exporting may replace it).
pub const MARKER: &str = ".carnet-export";
/// The alphabetical list's first file; the next ones are `all-pages-2.html`…
pub const ALL_PAGES: &str = "all-pages.html";
/// Entries per file of the alphabetical list.
const LIST_CHUNK: usize = 2000;
/// Titles read per query of the walk over all pages.
const TITLE_BATCH: usize = 1000;
/// Pages listed under a file ("pages using this file"), as on the server.
const FILE_USERS: usize = 200;
/// Members read per query of a category's list.
const CATEGORY_BATCH: usize = 500;

/// What can stop an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "{0} is not empty and is not a previous Carnet export (it has no {MARKER} file): \
         choose a new or empty folder"
    )]
    NotAnExport(PathBuf),
    #[error("{0} is not a folder")]
    NotAFolder(PathBuf),
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("two pages would share the file {0}")]
    Collision(String),
    #[error("{0}")]
    Other(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |error| ExportError::Io {
        path: path.to_owned(),
        error,
    }
}

/// How to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The language of the copy's interface (the pages' own text is as written).
    pub lang: Lang,
    /// The export date shown in every footer.
    pub now: DateTime<Utc>,
}

/// Where an export stands, for a progress bar.
#[derive(Debug, Clone, Default)]
pub struct ExportProgress {
    pub pages_done: u64,
    pub pages_total: u64,
    pub media_files: u64,
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSummary {
    /// Page files (index and lists not counted).
    pub pages: u64,
    /// Of which redirects.
    pub redirects: u64,
    /// Originals and thumbnails copied.
    pub media_files: u64,
    /// Bytes written in all.
    pub bytes: u64,
}

/// Exports the current wiki into `dir` (created if missing; an existing folder must be
/// empty or a previous export, which is replaced). Blocking: call it outside async code.
pub fn export_html(
    state: &AppState,
    dir: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(&ExportProgress),
) -> Result<ExportSummary, ExportError> {
    let existed = check_target(dir)?;
    let name = dir
        .file_name()
        .ok_or_else(|| ExportError::NotAFolder(dir.to_owned()))?
        .to_string_lossy()
        .into_owned();
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let building = parent.join(format!(".{name}.carnet-export-{}", std::process::id()));
    if building.exists() {
        std::fs::remove_dir_all(&building).map_err(io(&building))?;
    }
    std::fs::create_dir_all(&building).map_err(io(&building))?;
    let result =
        Exporter::new(state, &building, options).and_then(|mut exporter| exporter.run(progress));
    let summary = match result {
        Ok(summary) => summary,
        Err(error) => {
            let _ = std::fs::remove_dir_all(&building);
            return Err(error);
        }
    };
    // Swap the new copy in; the old one goes only once the new one is in place.
    if existed {
        let old = parent.join(format!(".{name}.carnet-export-old-{}", std::process::id()));
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        std::fs::rename(dir, &old).map_err(io(dir))?;
        if let Err(error) = std::fs::rename(&building, dir) {
            let _ = std::fs::rename(&old, dir);
            return Err(io(dir)(error));
        }
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    } else {
        if dir.exists() {
            // Checked empty above.
            std::fs::remove_dir(dir).map_err(io(dir))?;
        }
        std::fs::rename(&building, dir).map_err(io(dir))?;
    }
    Ok(summary)
}

/// Whether `dir` holds a previous export; refuses a file, or a folder with anything else.
fn check_target(dir: &Path) -> Result<bool, ExportError> {
    let metadata = match std::fs::symlink_metadata(dir) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(io(dir)(error)),
    };
    if !metadata.is_dir() {
        return Err(ExportError::NotAFolder(dir.to_owned()));
    }
    if dir.join(MARKER).is_file() {
        return Ok(true);
    }
    let mut entries = std::fs::read_dir(dir).map_err(io(dir))?;
    if entries.next().is_some() {
        return Err(ExportError::NotAnExport(dir.to_owned()));
    }
    Ok(false)
}

/// What every page's rewriting needs: which pages are exported where, and which files
/// were copied where.
struct Site {
    pages: HashMap<Title, String>,
    /// `o:<sha256>` or `t:<sha256>:<width>` → the copy's path (`None`: not copied).
    media: Mutex<HashMap<String, Option<String>>>,
}

impl Site {
    /// The URL `url` (as the server writes it) seen from the file `from`: relative, or
    /// `None` when it leads nowhere in the copy.
    fn map(&self, from: &str, url: &str) -> Option<String> {
        if url.starts_with('#') {
            return Some(url.to_owned());
        }
        if let Some(rest) = url.strip_prefix("//") {
            return Some(format!("https://{rest}"));
        }
        if let Some((scheme, _)) = url.split_once(':')
            && !scheme.contains(['/', '?', '#'])
        {
            let scheme = scheme.to_ascii_lowercase();
            return matches!(
                scheme.as_str(),
                "http" | "https" | "mailto" | "ftp" | "ftps"
            )
            .then(|| url.to_owned());
        }
        if let Some(rest) = url.strip_prefix(carnet_render::WIKI_PATH) {
            let (rest, fragment) = match rest.split_once('#') {
                Some((rest, fragment)) => (rest, Some(fragment)),
                None => (rest, None),
            };
            if rest.contains('?') {
                // Edit forms (red links), histories, diffs, old revisions.
                return None;
            }
            let decoded = percent_decode_str(rest).decode_utf8().ok()?;
            let title = Title::parse(&decoded).ok()?;
            let file = self.pages.get(&title)?;
            let mut out = relative(from, file);
            if let Some(fragment) = fragment {
                out.push('#');
                out.push_str(fragment);
            }
            return Some(out);
        }
        if url.starts_with(carnet_render::MEDIA_PATH) {
            let key = media_key(url)?;
            let media = self.media.lock().ok()?;
            let path = media.get(&key)?.as_ref()?;
            return Some(relative(from, path));
        }
        None
    }

    fn link(&self, from: &str, title: &Title, label: String) -> ExLink {
        ExLink {
            href: self.pages.get(title).map(|file| relative(from, file)),
            label,
        }
    }

    fn link_view(&self, from: &str, link: &crate::templates::LinkView) -> ExLink {
        ExLink {
            href: self.map(from, &link.href),
            label: link.label.clone(),
        }
    }
}

/// `o:<sha256>` for an original, `t:<sha256>:<width>` for a thumbnail.
fn media_key(url: &str) -> Option<String> {
    let url = url.split(['?', '#']).next()?;
    if let Some(rest) = url.strip_prefix(carnet_render::THUMB_PATH) {
        let (sha, width) = rest.split_once('/')?;
        let width: u32 = width.parse().ok()?;
        return (carnet_store::is_sha256(sha) && carnet_media::is_standard_width(width))
            .then(|| format!("t:{sha}:{width}"));
    }
    let rest = url.strip_prefix(carnet_render::MEDIA_PATH)?;
    let (sha, _) = rest.split_once('/')?;
    carnet_store::is_sha256(sha).then(|| format!("o:{sha}"))
}

/// A link of the copy: relative, or none (plain text, marked missing).
pub struct ExLink {
    pub href: Option<String>,
    pub label: String,
}

impl ExLink {
    /// The link as HTML, escaped.
    pub fn html(&self) -> String {
        match &self.href {
            Some(href) => format!("<a href=\"{}\">{}</a>", escape(href), escape(&self.label)),
            None => format!("<a class=\"new\">{}</a>", escape(&self.label)),
        }
    }
}

fn escape(text: &str) -> String {
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

/// The frame of every file: where the root is, the page's title, the footer's note.
pub struct Frame {
    pub root: String,
    pub page_title: String,
    pub note: String,
    /// A redirect's target, for `<meta http-equiv="refresh">` (no script needed).
    pub refresh: Option<String>,
}

pub struct ExPicture {
    pub src: String,
    pub srcset: String,
    pub width: u32,
    pub height: u32,
}

pub struct ExFile {
    pub picture: Option<ExPicture>,
    pub audio_src: Option<String>,
    pub original_href: Option<String>,
    pub facts: Vec<(String, String)>,
    pub author: String,
    pub source: String,
    pub source_href: Option<String>,
    pub licence: String,
    pub licence_href: Option<String>,
    pub users: Vec<ExLink>,
}

pub struct ExCategory {
    pub subcategories: Vec<ExLink>,
    pub pages: Vec<ExLink>,
}

pub struct ExFeature {
    pub link: ExLink,
    pub picture: Option<ExLink>,
    pub blurb: String,
}

pub struct ExSection {
    pub heading: String,
    pub pages: Vec<ExLink>,
    pub more: ExLink,
}

pub struct ExPortal {
    pub today: Option<ExFeature>,
    pub featured: Vec<ExFeature>,
    pub sections: Vec<ExSection>,
}

#[derive(Template)]
#[template(path = "export_page.html")]
pub struct ExportPageView<'a> {
    pub tr: Tr<'a>,
    pub frame: Frame,
    pub title: String,
    pub html: String,
    pub redirect: Option<ExLink>,
    pub missing: bool,
    pub file: Option<ExFile>,
    pub category: Option<ExCategory>,
    pub portal: Option<ExPortal>,
    pub categories: Vec<ExLink>,
    pub last_modified: String,
}

pub struct ExGroup {
    pub heading: String,
    pub links: Vec<ExLink>,
}

#[derive(Template)]
#[template(path = "export_list.html")]
pub struct ExportListView<'a> {
    pub tr: Tr<'a>,
    pub frame: Frame,
    pub summary: String,
    pub groups: Vec<ExGroup>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

struct Exporter<'a> {
    state: &'a AppState,
    root: &'a Path,
    tr: Tr<'a>,
    note: String,
    site: Arc<Site>,
    runtime: actix_web::rt::Runtime,
    summary: ExportSummary,
    progress: ExportProgress,
    now: DateTime<Utc>,
}

impl<'a> Exporter<'a> {
    fn new(
        state: &'a AppState,
        root: &'a Path,
        options: &ExportOptions,
    ) -> Result<Exporter<'a>, ExportError> {
        let tr = Tr::new(&state.i18n, options.lang);
        let note = tr.t_with(
            "export-note",
            &[
                ("site", tr.t("site-name").into()),
                ("date", tr.date(&options.now).into()),
            ],
        );
        Ok(Exporter {
            state,
            root,
            tr,
            note,
            site: Arc::new(Site {
                pages: HashMap::new(),
                media: Mutex::new(HashMap::new()),
            }),
            runtime: actix_web::rt::Runtime::new().map_err(io(root))?,
            summary: ExportSummary::default(),
            progress: ExportProgress::default(),
            now: options.now,
        })
    }

    fn run(
        &mut self,
        progress: &mut dyn FnMut(&ExportProgress),
    ) -> Result<ExportSummary, ExportError> {
        let marker = format!(
            "Carnet static HTML export, format 1\nexported: {}\n",
            self.now_text()
        );
        self.write(MARKER, marker.as_bytes())?;
        self.write("static/carnet.css", crate::STYLESHEET.as_bytes())?;

        // Every current page's title and file: which links lead somewhere.
        let mut titles: Vec<Title> = Vec::new();
        let mut pages = HashMap::new();
        let mut files = HashSet::new();
        let mut after: Option<PageId> = None;
        loop {
            let (batch, last) = self.state.store.current_pages_after(after, TITLE_BATCH)?;
            for (_, title) in batch {
                let path = page_path(&title);
                if !files.insert(path.to_ascii_lowercase()) {
                    return Err(ExportError::Collision(path));
                }
                pages.insert(title.clone(), path);
                titles.push(title);
            }
            match last {
                Some(last) => after = Some(last),
                None => break,
            }
        }
        drop(files);
        self.site = Arc::new(Site {
            pages,
            media: Mutex::new(HashMap::new()),
        });
        self.progress.pages_total = u64::try_from(titles.len()).unwrap_or(u64::MAX);
        progress(&self.progress);

        let mut gone = Vec::new();
        for title in &titles {
            let Some(path) = self.site.pages.get(title).cloned() else {
                continue;
            };
            if !self.page(title, &path)? {
                gone.push((title.clone(), path));
            }
            self.progress.pages_done += 1;
            progress(&self.progress);
        }
        // A page deleted since the titles were read: its file says so, so that no link
        // of the copy leads nowhere.
        for (title, path) in gone {
            self.gone(&title, &path)?;
        }

        let main_page = self.state.main_page.clone();
        let has_main =
            self.site.pages.contains_key(&main_page) && self.page(&main_page, "index.html")?;
        self.lists(titles, !has_main)?;
        Ok(self.summary.clone())
    }

    fn now_text(&self) -> String {
        self.now.to_rfc3339()
    }

    fn frame(&self, from: &str, page_title: String, refresh: Option<String>) -> Frame {
        Frame {
            root: relative(from, ""),
            page_title,
            note: self.note.clone(),
            refresh,
        }
    }

    /// Writes `bytes` at `path` (relative, `/`-separated, checked) under the root.
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<(), ExportError> {
        let safe = !path.is_empty()
            && !path.starts_with('/')
            && path
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..")
            && path
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'));
        if !safe {
            return Err(ExportError::Other(format!(
                "unsafe path in the export: {path:?}"
            )));
        }
        let full = path
            .split('/')
            .fold(self.root.to_path_buf(), |full, part| full.join(part));
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&full, bytes).map_err(io(&full))?;
        self.summary.bytes += u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        Ok(())
    }

    /// One page into `path`; `false` when it no longer exists.
    fn page(&mut self, title: &Title, path: &str) -> Result<bool, ExportError> {
        let state = self.state;
        let store = &state.store;
        let loaded = load_page(store, title, true, None, &state.messages, true)
            .map_err(|problem| ExportError::Other(format!("{title}: {problem:?}")))?;
        let tr = self.tr;
        let view = match loaded {
            None => return Ok(false),
            Some(Loaded::Redirect(target)) => {
                let link = self.site.link(path, &target, target.to_string());
                self.summary.redirects += 1;
                ExportPageView {
                    tr,
                    frame: self.frame(path, title.to_string(), link.href.clone()),
                    title: title.to_string(),
                    html: String::new(),
                    redirect: Some(link),
                    missing: false,
                    file: None,
                    category: None,
                    portal: None,
                    categories: Vec::new(),
                    last_modified: String::new(),
                }
            }
            Some(Loaded::Page {
                revision,
                html,
                categories,
                ..
            }) => {
                let panel = if title.namespace() == Namespace::File {
                    let versions = store.file_versions(title)?;
                    let users = store.file_users(title, FILE_USERS)?;
                    crate::media::file_panel(tr, title, &versions, &users, false)
                } else {
                    None
                };
                // Copy the files this page shows before its links are rewritten.
                let mut urls = if html.contains(carnet_render::MEDIA_PATH) {
                    media_urls(&html)
                } else {
                    Vec::new()
                };
                if let Some(panel) = &panel {
                    if let Some(picture) = &panel.picture {
                        urls.push(picture.src.clone());
                        urls.extend(srcset_urls(&picture.srcset));
                    }
                    urls.push(panel.original_href.clone());
                }
                for url in &urls {
                    self.copy_media(url)?;
                }
                let site = Arc::clone(&self.site);
                let from = path.to_owned();
                let html =
                    carnet_render::relink(&html, Arc::new(move |url: &str| site.map(&from, url)));
                let file = panel.map(|panel| self.file_view(path, panel));
                let category = if title.namespace() == Namespace::Category {
                    Some(self.category(path, title)?)
                } else {
                    None
                };
                let portal = if crate::portals::is_portal(title) {
                    crate::portals::load_panel(store, tr, title)
                        .map_err(|problem| ExportError::Other(format!("{title}: {problem:?}")))?
                        .map(|panel| self.portal_view(path, panel))
                } else {
                    None
                };
                ExportPageView {
                    tr,
                    frame: self.frame(path, title.to_string(), None),
                    title: title.to_string(),
                    html,
                    redirect: None,
                    missing: false,
                    file,
                    category,
                    portal,
                    categories: categories
                        .iter()
                        .map(|(category, _)| {
                            self.site.link(path, category, category.name().to_owned())
                        })
                        .collect(),
                    last_modified: last_modified(tr, &revision),
                }
            }
        };
        let body = view
            .render()
            .map_err(|error| ExportError::Other(format!("{title}: {error}")))?;
        self.write(path, body.as_bytes())?;
        self.summary.pages += u64::from(path != "index.html");
        Ok(true)
    }

    fn gone(&mut self, title: &Title, path: &str) -> Result<(), ExportError> {
        let view = ExportPageView {
            tr: self.tr,
            frame: self.frame(path, title.to_string(), None),
            title: title.to_string(),
            html: String::new(),
            redirect: None,
            missing: true,
            file: None,
            category: None,
            portal: None,
            categories: Vec::new(),
            last_modified: String::new(),
        };
        let body = view
            .render()
            .map_err(|error| ExportError::Other(format!("{title}: {error}")))?;
        self.write(path, body.as_bytes())
    }

    fn file_view(&self, from: &str, panel: crate::media::FilePanel) -> ExFile {
        let map = |url: &str| self.site.map(from, url);
        let picture = panel.picture.and_then(|picture| {
            Some(ExPicture {
                src: map(&picture.src)?,
                srcset: srcset_urls(&picture.srcset)
                    .iter()
                    .zip(picture.srcset.split(','))
                    .filter_map(|(url, candidate)| {
                        let density = candidate.split_whitespace().nth(1).unwrap_or("1x");
                        Some(format!("{} {density}", map(url)?))
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                width: picture.width,
                height: picture.height,
            })
        });
        ExFile {
            picture,
            audio_src: panel.audio_src.as_deref().and_then(map),
            original_href: map(&panel.original_href),
            facts: panel.facts,
            author: panel.author,
            source: panel.source,
            source_href: panel.source_href,
            licence: panel.licence,
            licence_href: panel.licence_href,
            users: panel
                .users
                .iter()
                .map(|link| self.site.link_view(from, link))
                .collect(),
        }
    }

    /// Every member of a category (the server pages them; the copy lists them all).
    fn category(&self, from: &str, title: &Title) -> Result<ExCategory, ExportError> {
        let mut listing = ExCategory {
            subcategories: Vec::new(),
            pages: Vec::new(),
        };
        let mut after: Option<String> = None;
        loop {
            let slice = self
                .state
                .store
                .category_page(title, after.as_deref(), CATEGORY_BATCH)?;
            listing.subcategories.extend(
                slice
                    .subcategories
                    .iter()
                    .map(|t| self.site.link(from, t, t.to_string())),
            );
            listing.pages.extend(
                slice
                    .pages
                    .iter()
                    .map(|t| self.site.link(from, t, t.to_string())),
            );
            match slice.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        Ok(listing)
    }

    fn portal_view(&self, from: &str, panel: crate::portals::PortalPanel) -> ExPortal {
        let feature = |feature: &crate::portals::FeaturedView| ExFeature {
            link: self.site.link_view(from, &feature.link),
            picture: feature
                .picture
                .as_ref()
                .map(|picture| self.site.link_view(from, picture)),
            blurb: feature.blurb.clone(),
        };
        ExPortal {
            today: panel.today.as_ref().map(feature),
            featured: panel.featured.iter().map(feature).collect(),
            sections: panel
                .sections
                .iter()
                .map(|section| ExSection {
                    heading: section.heading.clone(),
                    pages: section
                        .pages
                        .iter()
                        .map(|link| self.site.link_view(from, link))
                        .collect(),
                    more: self.site.link_view(from, &section.more),
                })
                .collect(),
        }
    }

    /// Copies the file behind a server media URL, once; a file that cannot be read is
    /// logged and left out (its links are dropped).
    fn copy_media(&mut self, url: &str) -> Result<(), ExportError> {
        let Some(key) = media_key(url) else {
            return Ok(());
        };
        if self
            .site
            .media
            .lock()
            .map_err(|_| ExportError::Other("media table poisoned".to_owned()))?
            .contains_key(&key)
        {
            return Ok(());
        }
        let made = match self.media_bytes(&key) {
            Ok(made) => made,
            Err(error) => {
                log::warn!("export: {url} left out: {error}");
                None
            }
        };
        let path = match made {
            Some((path, bytes)) => {
                self.write(&path, &bytes)?;
                self.summary.media_files += 1;
                self.progress.media_files += 1;
                Some(path)
            }
            None => None,
        };
        self.site
            .media
            .lock()
            .map_err(|_| ExportError::Other("media table poisoned".to_owned()))?
            .insert(key, path);
        Ok(())
    }

    /// The path and bytes of a media key: originals as the server serves them
    /// (metadata removed), thumbnails from the blob store's cache or made now.
    fn media_bytes(&self, key: &str) -> Result<Option<(String, Vec<u8>)>, String> {
        let mut parts = key.split(':');
        let (Some(which), Some(sha)) = (parts.next(), parts.next()) else {
            return Ok(None);
        };
        let kind = self
            .state
            .store
            .blob_kind(sha)
            .map_err(|e| e.to_string())?
            .as_deref()
            .and_then(MediaKind::parse);
        let Some(kind) = kind else {
            return Ok(None);
        };
        let blobs = &self.state.blobs;
        let original = || -> Result<Option<bytes::Bytes>, String> {
            self.runtime
                .block_on(blobs.original(sha))
                .map_err(|e| e.to_string())
        };
        match (which, parts.next()) {
            ("o", None) => {
                let Some(bytes) = original()? else {
                    return Ok(None);
                };
                let served =
                    carnet_media::served_original(&bytes, kind).map_err(|e| e.to_string())?;
                Ok(original_path(sha, kind.extension()).map(|path| (path, served)))
            }
            ("t", Some(width)) => {
                let width: u32 = width.parse().map_err(|_| "bad width".to_owned())?;
                if !kind.is_image() {
                    return Ok(None);
                }
                let cached = self
                    .runtime
                    .block_on(blobs.thumbnail(sha, width))
                    .map_err(|e| e.to_string())?;
                let bytes = match cached {
                    Some(bytes) => bytes.to_vec(),
                    None => {
                        let Some(source) = original()? else {
                            return Ok(None);
                        };
                        carnet_media::thumbnail(&source, kind, width, &self.state.media_limits)
                            .map_err(|e| e.to_string())?
                            .bytes
                    }
                };
                let extension = if bytes.starts_with(b"\x89PNG") {
                    "png"
                } else if bytes.starts_with(b"GIF8") {
                    "gif"
                } else if bytes.starts_with(b"RIFF") {
                    "webp"
                } else {
                    "jpg"
                };
                Ok(thumbnail_path(sha, width, extension).map(|path| (path, bytes)))
            }
            _ => Ok(None),
        }
    }

    /// The alphabetical list of every page, by namespace, in files of [`LIST_CHUNK`]
    /// entries; also `index.html` when the wiki has no main page.
    fn lists(&mut self, titles: Vec<Title>, as_index: bool) -> Result<(), ExportError> {
        let mut sorted: Vec<(usize, String, Title)> = titles
            .into_iter()
            .map(|title| {
                let order = Namespace::ALL
                    .iter()
                    .position(|ns| *ns == title.namespace())
                    .unwrap_or(usize::MAX);
                (order, collation_key(title.name()), title)
            })
            .collect();
        sorted.sort();
        let total = sorted.len();
        let chunks: Vec<&[(usize, String, Title)]> = if sorted.is_empty() {
            vec![&[]]
        } else {
            sorted.chunks(LIST_CHUNK).collect()
        };
        let count = chunks.len();
        let name = |index: usize| {
            if index == 0 {
                ALL_PAGES.to_owned()
            } else {
                format!("all-pages-{}.html", index + 1)
            }
        };
        let summary = self.tr.tn(
            "export-page-count",
            "count",
            i64::try_from(total).unwrap_or(i64::MAX),
        );
        for (index, chunk) in chunks.iter().enumerate() {
            let mut targets = vec![name(index)];
            if index == 0 && as_index {
                targets.push("index.html".to_owned());
            }
            for path in targets {
                let mut groups: Vec<ExGroup> = Vec::new();
                let mut current: Option<Namespace> = None;
                for (_, _, title) in chunk.iter() {
                    if current != Some(title.namespace()) {
                        current = Some(title.namespace());
                        groups.push(ExGroup {
                            heading: self.tr.t(namespace_key(title.namespace())),
                            links: Vec::new(),
                        });
                    }
                    if let Some(group) = groups.last_mut() {
                        group
                            .links
                            .push(self.site.link(&path, title, title.name().to_owned()));
                    }
                }
                let view = ExportListView {
                    tr: self.tr,
                    frame: self.frame(&path, self.tr.t("export-all-pages"), None),
                    summary: summary.clone(),
                    groups,
                    previous: (index > 0).then(|| relative(&path, &name(index - 1))),
                    next: (index + 1 < count).then(|| relative(&path, &name(index + 1))),
                };
                let body = view
                    .render()
                    .map_err(|error| ExportError::Other(error.to_string()))?;
                self.write(&path, body.as_bytes())?;
            }
        }
        Ok(())
    }
}

fn namespace_key(namespace: Namespace) -> &'static str {
    match namespace {
        Namespace::Main | Namespace::Special => "export-ns-main",
        Namespace::Talk => "export-ns-talk",
        Namespace::User => "export-ns-user",
        Namespace::File => "export-ns-file",
        Namespace::Template => "export-ns-template",
        Namespace::Category => "export-ns-category",
        Namespace::Portal => "export-ns-portal",
    }
}

/// The `/media/…` URLs in rendered HTML (`href`, `src` and `srcset` alike).
fn media_urls(html: &str) -> Vec<String> {
    let found = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&found);
    carnet_render::relink(
        html,
        Arc::new(move |url: &str| {
            if url.starts_with(carnet_render::MEDIA_PATH)
                && let Ok(mut urls) = sink.lock()
            {
                urls.push(url.to_owned());
            }
            Some(url.to_owned())
        }),
    );
    found.lock().map(|urls| urls.clone()).unwrap_or_default()
}

/// The URLs of a `srcset` value, in order.
fn srcset_urls(srcset: &str) -> Vec<String> {
    srcset
        .split(',')
        .filter_map(|candidate| candidate.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        let mut pages = HashMap::new();
        for title in ["Accueil", "Café", "Catégorie:Parcs"] {
            let title = Title::parse(title).unwrap();
            let path = page_path(&title);
            pages.insert(title, path);
        }
        Site {
            pages,
            media: Mutex::new(HashMap::new()),
        }
    }

    #[test]
    fn server_urls_become_relative_or_nothing() {
        let site = site();
        let from = "pages/article/accueil.html";
        assert_eq!(
            site.map(from, "/wiki/Cat%C3%A9gorie:Parcs").as_deref(),
            Some("../../pages/categorie/parcs.html")
        );
        let cafe = site.map(from, "/wiki/Caf%C3%A9#Horaires").unwrap();
        assert!(cafe.starts_with("../../pages/article/cafe.") && cafe.ends_with("#Horaires"));
        assert_eq!(
            site.map("index.html", "/wiki/Accueil").as_deref(),
            Some("pages/article/accueil.html")
        );
        assert_eq!(site.map(from, "/wiki/Absente?action=edit"), None);
        assert_eq!(site.map(from, "/wiki/Absente"), None);
        assert_eq!(site.map(from, "/wiki/Accueil?action=history"), None);
        assert_eq!(
            site.map(from, "/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes"),
            None
        );
        assert_eq!(site.map(from, "/account/login"), None);
        assert_eq!(site.map(from, "../../../etc/passwd"), None);
        assert_eq!(site.map(from, "javascript:alert(1)"), None);
        assert_eq!(site.map(from, "#section").as_deref(), Some("#section"));
        assert_eq!(
            site.map(from, "https://example.org/a").as_deref(),
            Some("https://example.org/a")
        );
        assert_eq!(
            site.map(from, "//example.org/a").as_deref(),
            Some("https://example.org/a")
        );
        let sha = "ab".repeat(32);
        assert_eq!(site.map(from, &format!("/media/thumb/{sha}/250")), None);
        site.media.lock().unwrap().insert(
            format!("t:{sha}:250"),
            Some(format!("media/thumb/{sha}-250.jpg")),
        );
        assert_eq!(
            site.map(from, &format!("/media/thumb/{sha}/250")),
            Some(format!("../../media/thumb/{sha}-250.jpg"))
        );
        assert_eq!(media_key(&format!("/media/thumb/{sha}/251")), None);
        assert_eq!(media_key("/media/../x/y"), None);
        assert_eq!(
            media_key(&format!("/media/{sha}/X.png")),
            Some(format!("o:{sha}"))
        );
    }

    #[test]
    fn links_are_escaped() {
        let link = ExLink {
            href: Some("a\"b.html".to_owned()),
            label: "<x>".to_owned(),
        };
        assert_eq!(link.html(), "<a href=\"a&quot;b.html\">&lt;x&gt;</a>");
        let missing = ExLink {
            href: None,
            label: "Y".to_owned(),
        };
        assert_eq!(missing.html(), "<a class=\"new\">Y</a>");
    }
}
