//! Watchlists: the star on every page (`?action=watch|unwatch`) and
//! `Spécial:Liste_de_suivi` (`Special:Watchlist`), the changes of followed pages since
//! the last visit.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use carnet_core::Title;
use carnet_store::{ChangeFilter, User};
use chrono::Utc;

use crate::changes::{DayGroup, group};
use crate::csrf;
use crate::i18n::Tr;
use crate::paths;
use crate::problem::Problem;
use crate::templates::{Chrome, LinkView};
use crate::views::{Ctx, PageForm};

/// Changes shown on the watchlist at most.
const WATCHLIST_LIMIT: usize = 500;
pub const WATCHLIST_PAGE: &str = "/wiki/Sp%C3%A9cial:Liste_de_suivi";

/// The star of a page's tabs.
pub struct WatchButton {
    pub action: String,
    pub csrf: String,
    pub label: String,
    pub watched: bool,
}

/// The star for this reader, if they have an account or a temporary identity.
pub async fn button(ctx: &Ctx<'_>, title: &Title) -> Option<WatchButton> {
    let user = ctx.user.as_ref()?;
    let store = ctx.state.store.clone();
    let (id, page) = (user.id, title.clone());
    let watched = match web::block(move || store.is_watched(id, &page)).await {
        Ok(Ok(watched)) => watched,
        _ => return None,
    };
    Some(WatchButton {
        action: paths::action(title, if watched { "unwatch" } else { "watch" }),
        csrf: ctx.csrf.value().to_owned(),
        label: ctx.tr.t(if watched { "watch-remove" } else { "watch-add" }),
        watched,
    })
}

fn signed_in<'c>(ctx: &'c Ctx<'_>) -> Result<&'c User, Problem> {
    ctx.user.as_ref().ok_or(Problem::LoginRequired)
}

/// `POST /wiki/{title}?action=watch|unwatch`.
pub async fn toggle(
    ctx: &Ctx<'_>,
    title: Title,
    watch: bool,
    form: &PageForm,
) -> Result<HttpResponse, Problem> {
    csrf::check_form(ctx.req, &form.csrf_token)?;
    let user = signed_in(ctx)?.id;
    let store = ctx.state.store.clone();
    let page = title.clone();
    web::block(move || {
        if watch {
            store.watch(user, &page)
        } else {
            store.unwatch(user, &page)
        }
    })
    .await??;
    let notice = if watch { "watched" } else { "unwatched" };
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::with_notice(&title, notice)))
        .finish())
}

#[derive(Template)]
#[template(path = "watchlist.html")]
struct WatchlistView<'a> {
    tr: Tr<'a>,
    chrome: Chrome,
    heading: String,
    since: String,
    notice: Option<String>,
    days: Vec<DayGroup>,
    pages: Vec<LinkView>,
    csrf: String,
    watch_own_edits: bool,
}

/// `Spécial:Liste_de_suivi`: what changed on followed pages since the last visit (or
/// the last week on a first visit), then the followed pages and the setting.
pub async fn page(ctx: &Ctx<'_>, saved: bool) -> Result<HttpResponse, Problem> {
    let user = signed_in(ctx)?.id;
    let store = ctx.state.store.clone();
    let (settings, pages, changes) = web::block(move || -> Result<_, Problem> {
        let settings = store.watch_settings(user)?;
        let since = settings
            .seen_at
            .unwrap_or_else(|| Utc::now() - chrono::Duration::days(7));
        let filter = ChangeFilter {
            watched_by: Some(user),
            since: Some(since),
            ..ChangeFilter::default()
        };
        let changes = store.recent_changes(&filter, WATCHLIST_LIMIT, None)?;
        let pages = store.watched_pages(user)?;
        store.mark_watchlist_seen(user, Utc::now())?;
        Ok((settings, pages, changes))
    })
    .await??;
    let tr = ctx.tr;
    let since = match settings.seen_at {
        Some(at) => tr.t1("watchlist-since", "date", &tr.date(&at)),
        None => tr.t("watchlist-first-visit"),
    };
    let heading = tr.t("watchlist-heading");
    let view = WatchlistView {
        tr,
        chrome: ctx.chrome_for(heading.clone()),
        heading,
        since,
        notice: saved.then(|| tr.t("watchlist-settings-saved")),
        days: group(tr, &changes.changes),
        pages: pages.iter().map(|t| LinkView::to(t, true)).collect(),
        csrf: ctx.csrf.value().to_owned(),
        watch_own_edits: settings.watch_own_edits,
    };
    Ok(ctx.html_response(StatusCode::OK, &view))
}

/// `POST Spécial:Liste_de_suivi` (`do=settings`): whether one's own edits add pages.
pub async fn save_settings(ctx: &Ctx<'_>, form: &PageForm) -> Result<HttpResponse, Problem> {
    csrf::check_form(ctx.req, &form.csrf_token)?;
    let user = signed_in(ctx)?.id;
    // An unticked checkbox sends nothing.
    let on = form.watch_own == "on";
    let store = ctx.state.store.clone();
    web::block(move || store.set_watch_own_edits(user, on)).await??;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{WATCHLIST_PAGE}?saved=1")))
        .finish())
}

/// Whether a special page's name is the watchlist (French or English).
pub fn is_watchlist(title: &Title) -> bool {
    title.namespace() == carnet_core::Namespace::Special
        && matches!(
            title.name().to_lowercase().as_str(),
            "liste de suivi" | "watchlist"
        )
}
