//! The live editor's script and what the edit form tells it.
//!
//! `web/static/editor.js` is built from `web/editor/` (CodeMirror 6, Yjs, y-websocket,
//! bundled by esbuild from the pinned lockfile) and committed, so the binary embeds it
//! like the stylesheet and a fresh clone needs no npm. The edit form works without it;
//! with it, the form's `data-` attributes give the script everything it needs.
//!
//! The page does not load the bundle itself: `web/static/editor-loader.js` (a few
//! hundred bytes) imports it at the writer's first keystroke or click in the text area,
//! or at once when a live session is open on the page (others are typing), so the form
//! shows and answers without waiting for it (issue 9: the edit view's Lighthouse score).

use std::sync::LazyLock;

use actix_web::HttpResponse;
use carnet_core::Title;

use crate::i18n::Tr;
use crate::paths;

/// The bundle, compiled in.
const SCRIPT: &str = include_str!("../../../web/static/editor.js");

/// The bundle's URL, fingerprinted by its content (kept a year by browsers).
pub static SCRIPT_HREF: LazyLock<String> =
    LazyLock::new(|| crate::assets::href("/static/editor.js", SCRIPT));

/// The loader the edit form links, which imports the bundle when it is wanted.
const LOADER: &str = include_str!("../../../web/static/editor-loader.js");

/// The loader's URL, fingerprinted by its content.
pub static LOADER_HREF: LazyLock<String> =
    LazyLock::new(|| crate::assets::href("/static/editor-loader.js", LOADER));

/// The interface strings the script shows: its name for each, and the Fluent key.
const STRINGS: &[(&str, &str)] = &[
    ("toolbar", "editor-toolbar"),
    ("link", "editor-link"),
    ("linkPlaceholder", "editor-link-placeholder"),
    ("heading", "editor-heading"),
    ("list", "editor-list"),
    ("table", "editor-table"),
    ("tableHeader", "editor-table-header"),
    ("tableCell", "editor-table-cell"),
    ("category", "editor-category"),
    ("categoryPlaceholder", "editor-category-placeholder"),
    ("previewHeading", "editor-preview-heading"),
    ("previewFailed", "editor-preview-failed"),
    ("people", "editor-people"),
    ("you", "editor-you"),
    ("guest", "editor-guest"),
    ("statusConnecting", "editor-status-connecting"),
    ("statusLive", "editor-status-live"),
    ("statusWatching", "editor-status-watching"),
    ("statusReconnecting", "editor-status-reconnecting"),
    ("statusOffline", "editor-status-offline"),
    ("statusReadOnly", "editor-status-read-only"),
];

/// The edit form's `data-` attributes for the script (escaped by askama).
pub struct EditorData {
    /// The bundle (`data-editor-src`, imported by the loader).
    pub script_href: &'static str,
    /// The loader (the page's `<script>`).
    pub loader_href: &'static str,
    /// The page's title, sent with preview requests.
    pub title: String,
    /// The live document's WebSocket path; empty when the form holds text of its own
    /// (an old revision, a preview, a conflict), which must not be swapped for the live
    /// text: the script then edits alone.
    pub live_href: String,
    /// A live session is open on the page: the loader imports the editor at once
    /// instead of waiting for the writer (`data-live-open`).
    pub live_open: bool,
    pub render_href: &'static str,
    /// The writer's account or temporary identity; empty for a guest.
    pub user_name: String,
    /// This reader may not edit the page: the editor only shows the text.
    pub read_only: bool,
    /// `{name: translated string}` as JSON.
    pub strings: String,
}

impl EditorData {
    pub fn new(
        tr: Tr<'_>,
        title: &Title,
        user_name: Option<&str>,
        live: bool,
        live_open: bool,
        read_only: bool,
    ) -> EditorData {
        let strings: serde_json::Map<String, serde_json::Value> = STRINGS
            .iter()
            .map(|(name, key)| ((*name).to_owned(), tr.t(key).into()))
            .collect();
        EditorData {
            script_href: SCRIPT_HREF.as_str(),
            loader_href: LOADER_HREF.as_str(),
            title: title.to_string(),
            live_href: if live {
                paths::live(title)
            } else {
                String::new()
            },
            live_open: live && live_open,
            render_href: paths::RENDER,
            user_name: user_name.unwrap_or_default().to_owned(),
            read_only,
            strings: serde_json::Value::Object(strings).to_string(),
        }
    }
}

/// `GET /static/editor.js`.
pub async fn script(req: actix_web::HttpRequest) -> HttpResponse {
    crate::assets::serve(
        &req,
        SCRIPT,
        "application/javascript; charset=utf-8",
        &SCRIPT_HREF,
    )
}

/// `GET /static/editor-loader.js`.
pub async fn loader(req: actix_web::HttpRequest) -> HttpResponse {
    crate::assets::serve(
        &req,
        LOADER,
        "application/javascript; charset=utf-8",
        &LOADER_HREF,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{I18n, Lang};

    #[test]
    fn every_string_is_translated() {
        let Ok(i18n) = I18n::new() else {
            panic!("the bundled translations parse");
        };
        for lang in Lang::ALL {
            let tr = Tr::new(&i18n, lang);
            for (_, key) in STRINGS {
                assert_ne!(tr.t(key), *key, "{key} is missing in {}", lang.code());
            }
        }
    }

    #[test]
    fn the_bundle_is_an_es_module_built_from_web_editor() {
        assert!(SCRIPT.starts_with("// Carnet live editor, built from web/editor"));
        assert!(SCRIPT_HREF.starts_with("/static/editor.js?v="));
    }
}
