//! The bridge between the renderer and the store: what a page needs from the wiki is
//! read through the store's [`Lookup`], and the renderer is the store's analyzer of
//! links on every save.

use std::collections::{HashMap, HashSet};

use carnet_core::{PageLinks, Title};
use carnet_render::{FileInfo, ListOrder, Messages, Rendered, WikiData, render};
use carnet_store::{Analyzer, Lookup, MemberOrder};

use crate::i18n::{I18n, Lang, Tr};

/// The renderer's view of the wiki, through a store lookup.
pub struct LookupData<'a, 'c>(pub &'a Lookup<'c>);

impl WikiData for LookupData<'_, '_> {
    fn existing(&self, titles: &[Title]) -> HashSet<Title> {
        self.0.existing(titles)
    }

    fn template_source(&self, title: &Title) -> Option<String> {
        self.0.page_text(title)
    }

    fn category_members(&self, category: &Title, limit: usize, order: ListOrder) -> Vec<Title> {
        let order = match order {
            ListOrder::Alphabetical => MemberOrder::Alphabetical,
            ListOrder::RecentlyChanged => MemberOrder::RecentlyChanged,
            ListOrder::Newest => MemberOrder::Newest,
        };
        self.0.category_members(category, limit, order)
    }

    fn page_count(&self) -> u64 {
        self.0.page_count()
    }

    fn files(&self, titles: &[Title]) -> HashMap<Title, FileInfo> {
        self.0
            .files(titles)
            .into_iter()
            .filter_map(|(title, file)| {
                // A kind this version of Carnet does not know is shown as missing.
                let kind = carnet_media::MediaKind::parse(&file.kind)?;
                Some((
                    title,
                    FileInfo {
                        sha256: file.sha256,
                        kind: file.kind,
                        mime: kind.mime().to_owned(),
                        width: file.width,
                        height: file.height,
                        is_image: kind.is_image(),
                    },
                ))
            })
            .collect()
    }
}

/// Renders `text` as the page `title`, reading the wiki through `lookup`.
pub fn render_page(
    text: &str,
    title: &Title,
    lookup: &Lookup<'_>,
    messages: &Messages,
) -> Rendered {
    render(text, title, &LookupData(lookup), messages)
}

/// Works out links on save with the renderer's own analysis (`carnet_render::links`):
/// templates expanded and wiki links read exactly as a render would, without making the
/// HTML, which is made (and cached) on first view.
pub struct RenderAnalyzer {
    pub messages: Messages,
}

impl Analyzer for RenderAnalyzer {
    fn analyze(&self, title: &Title, text: &str, lookup: &Lookup<'_>) -> PageLinks {
        carnet_render::links(text, title, &LookupData(lookup), &self.messages)
    }
}

/// What the renderer writes into pages, in the wiki's content language (French): the
/// cached HTML is shared by every reader, whatever their interface language.
pub fn content_messages(i18n: &I18n) -> Messages {
    let tr = Tr::new(i18n, Lang::Fr);
    Messages {
        toc: tr.t("render-toc"),
        missing_page: tr.t1("render-missing-page", "title", "{}"),
        template_loop: tr.t1("render-template-loop", "template", "{}"),
        template_depth: tr.t1("render-template-depth", "depth", "{}"),
        template_size: tr.t("render-template-size"),
        template_time: tr.t("render-template-time"),
        unknown_function: tr.t1("render-unknown-function", "function", "{}"),
        missing_category: tr.t("render-missing-category"),
    }
}
