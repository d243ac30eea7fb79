//! The HTML views: read, edit, history, diff, raw text and restore — all usable
//! without JavaScript.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;
use carnet_core::rights::Action;
use carnet_core::{
    Author, Comment, Diff, MergeLabels, Namespace, PageText, Revision, RevisionId, Title,
};
use carnet_store::{
    Edit, HistoryPage, MemberPage, PageSummary, SaveOutcome, Store, TitledRevision, User,
};
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::Deserialize;

use crate::AppState;
use crate::csrf::{self, CsrfToken};
use crate::i18n::{LANG_COOKIE, Lang, Tr};
use crate::paths;
use crate::problem::Problem;
use crate::templates::{
    CategoryListing, Chrome, ConflictSide, ConflictView, DiffPageView, DiffView, EditView,
    ErrorView, HistoryRow, HistoryView, LinkView, MissingView, OldRevision, PageView,
    RollbackButton, SpecialView, Tabs,
};
use crate::wiki::render_page;

const DEFAULT_HISTORY_LIMIT: usize = 50;
const MAX_HISTORY_LIMIT: usize = 500;
/// Log entries shown under a page's history.
const PAGE_LOG_LIMIT: usize = 20;

/// What every HTML handler needs about its request.
pub struct Ctx<'a> {
    pub req: &'a HttpRequest,
    pub state: &'a AppState,
    pub tr: Tr<'a>,
    pub csrf: CsrfToken,
    /// The logged-in account or temporary identity, if any.
    pub user: Option<User>,
    /// The block in force on that account, if any.
    pub block: Option<carnet_core::rights::Block>,
}

impl<'a> Ctx<'a> {
    /// A context without looking up the session (error handlers, which cannot wait).
    pub fn new(req: &'a HttpRequest, state: &'a AppState) -> Ctx<'a> {
        Ctx {
            req,
            state,
            tr: Tr::new(&state.i18n, Lang::of_request(req)),
            csrf: CsrfToken::of_request(req),
            user: None,
            block: None,
        }
    }

    /// A context with the session's user.
    pub async fn load(req: &'a HttpRequest, state: &'a AppState) -> Ctx<'a> {
        let mut ctx = Ctx::new(req, state);
        // On the API, the guard has resolved the caller (session or token) already.
        let resolved = req
            .extensions()
            .get::<crate::caller::Caller>()
            .map(|caller| caller.user().cloned());
        ctx.user = match resolved {
            Some(user) => user,
            None => crate::accounts::current_user(req, state).await,
        };
        if let Some(user) = &ctx.user {
            let store = state.store.clone();
            let id = user.id;
            match web::block(move || store.active_block(id, chrono::Utc::now())).await {
                Ok(Ok(block)) => ctx.block = block,
                // Failing closed would lock everyone out on a database hiccup; the
                // save itself fails on the same database anyway.
                Ok(Err(error)) => log::error!("block lookup failed: {error}"),
                Err(error) => log::error!("block lookup failed: {error}"),
            }
        }
        ctx
    }

    /// The page frame, for other modules' views.
    pub fn chrome_for(&self, page_title: String) -> Chrome {
        self.chrome(page_title)
    }

    fn chrome(&self, page_title: String) -> Chrome {
        let here = match self.req.uri().path_and_query() {
            Some(path) => path.as_str().to_owned(),
            None => "/".to_owned(),
        };
        let mut chrome = Chrome::new(
            self.tr,
            &self.state.main_page,
            page_title,
            &here,
            self.user.as_ref().map(|user| user.name.as_str()),
            self.csrf.value(),
        );
        chrome.temporary = self.user.as_ref().is_some_and(|user| user.temporary);
        chrome
    }

    /// An HTML response; sets the CSRF cookie when this reader had none.
    fn html(&self, status: StatusCode, view: &impl Template) -> HttpResponse {
        let body = match view.render() {
            Ok(body) => body,
            Err(error) => return self.problem(Problem::internal(error)),
        };
        let etag = crate::page_cache::etag_of(body.as_bytes());
        self.html_bytes(status, bytes::Bytes::from(body), &etag, None)
    }

    /// Whether this answer is the same for every anonymous reader (a shared read view:
    /// no token, no cookie), which caches may keep.
    pub(crate) fn is_shared(&self) -> bool {
        self.csrf.is_withheld() && self.user.is_none()
    }

    /// A finished HTML answer with its validators: a strong `ETag` on every success
    /// (the `conditional` middleware answers 304 from it), `Last-Modified` when known,
    /// and `Cache-Control` — public with revalidation for shared read views, private
    /// otherwise.
    pub(crate) fn html_bytes(
        &self,
        status: StatusCode,
        body: bytes::Bytes,
        etag: &str,
        last_modified: Option<chrono::DateTime<chrono::Utc>>,
    ) -> HttpResponse {
        let mut response = HttpResponse::build(status);
        response.content_type("text/html; charset=utf-8");
        // The Vary header keeps caches from serving one language to another reader,
        // or an anonymous page to someone logged in.
        response.insert_header((header::VARY, "Accept-Language, Cookie"));
        if let Some(cookie) = self.csrf.cookie(csrf::is_https(self.req)) {
            response.cookie(cookie);
        }
        response.insert_header((
            header::CACHE_CONTROL,
            if self.is_shared() {
                crate::page_cache::PUBLIC_REVALIDATE
            } else {
                crate::page_cache::PRIVATE_REVALIDATE
            },
        ));
        if status == StatusCode::OK {
            response.insert_header((header::ETAG, etag));
            if let Some(at) = last_modified {
                response.insert_header((header::LAST_MODIFIED, crate::page_cache::http_date(at)));
            }
        }
        response.body(body)
    }

    /// An HTML response for other modules' views.
    pub fn html_response(&self, status: StatusCode, view: &impl Template) -> HttpResponse {
        self.html(status, view)
    }

    /// The error page for a problem, in the reader's language.
    pub fn problem(&self, problem: Problem) -> HttpResponse {
        let view = ErrorView {
            tr: self.tr,
            chrome: self.chrome(self.tr.t("error-heading")),
            message: problem.message(self.tr),
        };
        match view.render() {
            Ok(body) => HttpResponse::build(problem.status())
                .content_type("text/html; charset=utf-8")
                .body(body),
            Err(error) => {
                log::error!("error page failed to render: {error}");
                HttpResponse::build(problem.status())
                    .content_type("text/plain; charset=utf-8")
                    .body(problem.message(self.tr))
            }
        }
    }

    pub(crate) fn labels(&self) -> MergeLabels {
        MergeLabels {
            base: self.tr.t("merge-label-base"),
            theirs: self.tr.t("merge-label-theirs"),
            mine: self.tr.t("merge-label-mine"),
        }
    }

    /// Who signs a save: the account or temporary identity of the session, else a new
    /// temporary identity, whose session cookie the response must carry.
    /// The signer becomes a participant of the open events covering the request's
    /// address (`dashboard::note_writer`).
    pub async fn signer(&self) -> Result<(User, Option<Cookie<'static>>), Problem> {
        let (user, cookie) = match &self.user {
            Some(user) => (user.clone(), None),
            None => {
                let (user, cookie) =
                    crate::accounts::temporary_identity(self.req, self.state).await?;
                (user, Some(cookie))
            }
        };
        crate::dashboard::note_writer(self.req, self.state, user.id).await;
        Ok((user, cookie))
    }

    /// Refuses a deleted revision or a hidden text to those who may not see them.
    pub fn check_readable(&self, meta: &carnet_core::RevisionMeta) -> Result<(), Problem> {
        if meta.deleted && !self.may(Action::ViewDeleted, None) {
            return Err(Problem::RevisionDeleted(meta.id.0));
        }
        if meta.text_hidden && !self.may(Action::ViewHidden, None) {
            return Err(Problem::RevisionHidden(meta.id.0));
        }
        Ok(())
    }
}

/// Query parameters of `/wiki/{title}`. Numbers are parsed by hand so a bad one gets a
/// clear message naming it.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub(crate) action: Option<String>,
    pub(crate) oldid: Option<String>,
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    pub(crate) limit: Option<String>,
    pub(crate) before: Option<String>,
    pub(crate) mode: Option<String>,
    pub(crate) notice: Option<String>,
    pub(crate) redirect: Option<String>,
    pub(crate) rdfrom: Option<String>,
    pub(crate) pagefrom: Option<String>,
    /// The log's filter (`Spécial:Journal?type=block`).
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    /// Who to block (`Spécial:Bloquer?cible=…`).
    #[serde(alias = "cible")]
    pub(crate) target: Option<String>,
}

fn parse_id(value: Option<&String>, name: &'static str) -> Result<Option<i64>, Problem> {
    match value.map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or(Problem::BadParameter(name)),
    }
}

/// The title in `/wiki/{title}`, read from the raw path so that percent-encoding is
/// decoded exactly once.
pub fn title_from_path(req: &HttpRequest, prefix: &str) -> Result<Title, Problem> {
    let raw = req.uri().path().strip_prefix(prefix).unwrap_or_default();
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| Problem::BadParameter("title"))?;
    Ok(Title::parse(&decoded)?)
}

/// `GET /wiki/{title}` and its actions.
pub async fn page_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let mut ctx = Ctx::load(&req, &state).await;
    if is_shared_read(&req, &ctx) {
        ctx.csrf = CsrfToken::withheld();
    }
    match page_get_inner(&ctx).await {
        Ok(response) => response,
        Err(problem) => ctx.problem(problem),
    }
}

async fn page_get_inner(ctx: &Ctx<'_>) -> Result<HttpResponse, Problem> {
    let title = title_from_path(ctx.req, "/wiki/")?;
    // One URL per page: `/wiki/place du marché` goes to `/wiki/Place_du_march%C3%A9`.
    let canonical = paths::page(&title);
    if ctx.req.uri().path() != canonical {
        let location = match ctx.req.uri().query() {
            Some(query) => format!("{canonical}?{query}"),
            None => canonical,
        };
        return Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, location))
            .finish());
    }
    let query = web::Query::<PageQuery>::from_query(ctx.req.query_string())
        .map_err(|_| Problem::BadParameter("query"))?
        .into_inner();
    match query.action.as_deref().unwrap_or("view") {
        "view" => view(ctx, title, &query).await,
        "edit" => edit_form(ctx, title, &query).await,
        "history" => history(ctx, title, &query).await,
        "diff" => diff(ctx, title, &query).await,
        "raw" => raw(ctx, title, &query).await,
        "newsection" => crate::talk::form(ctx, title).await,
        action @ ("protect" | "delete" | "undelete" | "move" | "hide") => {
            crate::moderation::form(ctx, title, action, &query).await
        }
        "curate" => crate::portals::form(ctx, title, &query).await,
        "restorefile" => crate::media::restore_confirm(ctx, title, query.oldid.as_deref()).await,
        other => Err(Problem::UnknownAction(other.to_owned())),
    }
}

/// Whether a `GET /wiki/…` is a read view answered alike to every anonymous reader:
/// a page (current or old revision), its history or a diff, recent changes. Those
/// carry no CSRF token and set no cookie (`CsrfToken::withheld`); their few forms an
/// anonymous reader may use lead to pages that hand out the token.
fn is_shared_read(req: &HttpRequest, ctx: &Ctx<'_>) -> bool {
    if ctx.user.is_some()
        || !matches!(
            *req.method(),
            actix_web::http::Method::GET | actix_web::http::Method::HEAD
        )
    {
        return false;
    }
    let Ok(title) = title_from_path(req, "/wiki/") else {
        return false;
    };
    let Ok(query) = web::Query::<PageQuery>::from_query(req.query_string()) else {
        return false;
    };
    if !matches!(
        query.action.as_deref(),
        None | Some("view" | "history" | "diff")
    ) {
        return false;
    }
    if title.namespace() != Namespace::Special {
        return true;
    }
    let name = title.name().to_lowercase();
    matches!(
        name.as_str(),
        "modifications récentes" | "recentchanges" | "recent changes"
    )
}

/// A page as loaded for reading.
pub(crate) enum Loaded {
    Redirect(Title),
    Page {
        revision: Box<Revision>,
        html: String,
        categories: Vec<(Title, bool)>,
        /// A category's members, and the loop of categories it is part of.
        listing: Option<(MemberPage, Option<Vec<Title>>)>,
    },
}

/// Members shown per slice of a category page.
const CATEGORY_PAGE_SIZE: usize = 200;

async fn view(ctx: &Ctx<'_>, title: Title, query: &PageQuery) -> Result<HttpResponse, Problem> {
    if crate::watch::is_watchlist(&title) {
        let saved = ctx.req.query_string().contains("saved=1");
        return crate::watch::page(ctx, saved).await;
    }
    if title.namespace() == Namespace::Special {
        return match crate::moderation::special_kind(&title) {
            Some("journal") => crate::moderation::journal(ctx, query).await,
            Some(_) => crate::moderation::block_form(ctx, query).await,
            None => special(ctx, &title).await,
        };
    }
    let store = ctx.state.store.clone();
    let messages = ctx.state.messages.clone();
    if let Some(oldid) = parse_id(query.oldid.as_ref(), "oldid")? {
        let found = web::block(move || -> Result<_, Problem> {
            let Some(found) = store.revision(RevisionId(oldid))? else {
                return Ok(None);
            };
            let lookup = store.lookup()?;
            let html = render_page(
                found.revision.text.as_str(),
                &found.title,
                &lookup,
                &messages,
            )
            .html;
            Ok(Some((found, html)))
        })
        .await??;
        let Some((found, html)) = found else {
            return Err(Problem::RevisionNotFound(oldid));
        };
        ctx.check_readable(&found.revision.meta)?;
        if found.title != title {
            return Ok(redirect(&paths::old_revision(&found.title, oldid)));
        }
        return Ok(old_revision_view(ctx, &title, &found, html));
    }
    // Anonymous readers: the page as finished for an earlier one, if no content of
    // the wiki changed since (one query: the content generation, read before anything
    // else so a change made while this page is put together leaves it behind).
    let now = chrono::Utc::now();
    let generation = if ctx.is_shared() {
        let store = ctx.state.store.clone();
        Some(web::block(move || store.content_generation()).await??)
    } else {
        None
    };
    let cache = &ctx.state.page_cache;
    let key = crate::page_cache::PageKey {
        uri: ctx
            .req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        lang: ctx.tr.lang().code(),
        day: now.date_naive(),
    };
    if let Some(generation) = generation
        && cache.enabled()
        && let Some(hit) = cache.get(&key, generation.generation, now)
    {
        let modified =
            crate::page_cache::last_modified(generation.changed_at, hit.changed_without_write, now);
        if let Some(answer) = hit.answer(ctx.req, modified) {
            return Ok(answer);
        }
    }
    // A redirect is followed once, and not when asked to show the redirect page itself.
    let redirected_from = query
        .rdfrom
        .as_deref()
        .and_then(|from| Title::parse(from).ok());
    let follow = query.redirect.as_deref() != Some("no") && redirected_from.is_none();
    let page_from = query.pagefrom.clone();
    let page_title = title.clone();
    let loaded = web::block(move || {
        load_page(
            &store,
            &page_title,
            follow,
            page_from.as_deref(),
            &messages,
            true,
        )
    })
    .await??;
    let Some(loaded) = loaded else {
        let store = ctx.state.store.clone();
        let page_title = title.clone();
        let log = web::block(move || -> Result<_, Problem> {
            if store.deleted_page(&page_title)?.is_none() {
                return Ok(None);
            }
            Ok(Some(
                store
                    .log(
                        &[carnet_core::LogAction::Delete, carnet_core::LogAction::Move],
                        Some(&carnet_store::LogTarget::Page(page_title)),
                        PAGE_LOG_LIMIT,
                        None,
                    )?
                    .entries,
            ))
        })
        .await??;
        let deleted = log.is_some();
        let log = log.unwrap_or_default();
        let view = MissingView {
            tr: ctx.tr,
            chrome: ctx.chrome(title.to_string()),
            tabs: crate::moderation::tabs_for_missing(ctx, &title, deleted),
            deletion_log: log
                .iter()
                .map(|entry| crate::moderation::describe(ctx.tr, entry))
                .collect(),
            upload_href: (title.namespace() == Namespace::File)
                .then(|| crate::media::upload_href(Some(&title))),
        };
        return Ok(ctx.html(StatusCode::NOT_FOUND, &view));
    };
    let (revision, html, categories, listing) = match loaded {
        Loaded::Redirect(target) => {
            return Ok(HttpResponse::Found()
                .insert_header((header::LOCATION, paths::redirected(&target, None, &title)))
                .finish());
        }
        Loaded::Page {
            revision,
            html,
            categories,
            listing,
        } => (revision, html, categories, listing),
    };
    let notice = query.notice.as_deref().and_then(|notice| match notice {
        "created" | "saved" | "merged" | "unchanged" | "restored" | "protected" | "undeleted"
        | "moved" | "rolledback" | "section-added" | "curated" | "locked" | "uploaded"
        | "uploaded-version" | "file-restored" => Some(ctx.tr.t(&format!("notice-{notice}"))),
        _ => None,
    });
    let category_listing = listing.map(|(listing, cycle)| CategoryListing {
        cycle: cycle
            .unwrap_or_default()
            .iter()
            .map(|t| LinkView::to(t, true))
            .collect(),
        tree_href: crate::categories::tree_href(Some(title.name())),
        subcategories: listing
            .subcategories
            .iter()
            .map(|t| LinkView::to(t, true))
            .collect(),
        pages: listing
            .pages
            .iter()
            .map(|t| LinkView::to(t, true))
            .collect(),
        next_href: listing.next.map(|next| {
            format!(
                "{}?pagefrom={}",
                paths::page(&title),
                utf8_percent_encode(&next, NON_ALPHANUMERIC)
            )
        }),
    });
    let page_title = title.clone();
    let store = ctx.state.store.clone();
    let found_protection = web::block(move || store.protection(&page_title)).await??;
    // A protection running out changes the page without any write.
    let protection_ends = found_protection
        .as_ref()
        .and_then(|found| found.protection.expires);
    let protection = found_protection
        .filter(|found| found.protection.is_active(now))
        .map(|found| crate::moderation::protection_notice(ctx.tr, &found));
    let mut tabs = crate::moderation::tabs(ctx, &title, true, "read");
    tabs.watch = crate::watch::button(ctx, &title).await;
    let portal = if crate::portals::is_portal(&title) {
        if crate::portals::may_curate(ctx, &title).await {
            tabs.tools.push(crate::portals::curate_tab(ctx, &title));
        }
        let store = ctx.state.store.clone();
        let tr = ctx.tr;
        let portal_title = title.clone();
        let view =
            web::block(move || store.portal_view(&portal_title, crate::portals::ACTIVITY_LIMIT))
                .await??;
        view.map(|view| crate::portals::panel(tr, &title, &view, chrono::Utc::now().date_naive()))
    } else {
        None
    };
    let file = crate::media::panel(ctx, &title).await?;
    let view = PageView {
        tr: ctx.tr,
        chrome: ctx.chrome(title.to_string()),
        tabs,
        html,
        notice,
        protection,
        last_modified: last_modified(ctx.tr, &revision),
        old: None,
        csrf: ctx.csrf.value().to_owned(),
        redirected_from: redirected_from.map(|from| LinkView {
            href: paths::no_redirect(&from),
            label: from.to_string(),
            missing: false,
        }),
        categories: categories
            .iter()
            .map(|(t, exists)| LinkView::to(t, *exists))
            .collect(),
        category_listing,
        portal,
        file,
    };
    let body = view.render().map_err(Problem::internal)?;
    let etag = crate::page_cache::etag_of(body.as_bytes());
    let body = bytes::Bytes::from(body);
    let Some(generation) = generation else {
        return Ok(ctx.html_bytes(StatusCode::OK, body, &etag, None));
    };
    // What changes the page without a write: a protection that ran out, a portal's
    // article of the day (the day is part of the key).
    let midnight = now.date_naive().and_hms_opt(0, 0, 0).map(|at| at.and_utc());
    let changed_without_write = [
        protection_ends.filter(|ends| *ends <= now),
        view.portal.as_ref().and(midnight),
    ]
    .into_iter()
    .flatten()
    .max();
    let modified =
        crate::page_cache::last_modified(generation.changed_at, changed_without_write, now);
    if cache.enabled()
        && let Some(page) = crate::page_cache::CachedPage::new(
            generation.generation,
            &body,
            etag.clone(),
            protection_ends.filter(|ends| *ends > now),
            changed_without_write,
        )
    {
        // Answered from the kept form: a reader asking for gzip gets the bytes just
        // compressed, not a second compression by the middleware.
        let page = cache.insert(key, page);
        if let Some(answer) = page.answer(ctx.req, modified) {
            return Ok(answer);
        }
    }
    Ok(ctx.html_bytes(StatusCode::OK, body, &etag, modified))
}

/// Reads a page for display: its redirect, or its HTML (from the render cache, or
/// rendered and cached now), its categories and, for a category, its members.
pub(crate) fn load_page(
    store: &Store,
    title: &Title,
    follow_redirect: bool,
    page_from: Option<&str>,
    messages: &carnet_render::Messages,
    use_cache: bool,
) -> Result<Option<Loaded>, Problem> {
    let Some((summary, revision)) = store.page(title)? else {
        return Ok(None);
    };
    let summary: PageSummary = summary;
    if follow_redirect && let Some(target) = store.redirect_target(summary.id)? {
        return Ok(Some(Loaded::Redirect(target)));
    }
    let cached = if use_cache {
        store.cached_html(summary.id, revision.meta.id)?
    } else {
        None
    };
    if use_cache {
        crate::ops::record_render_cache(cached.is_some());
    }
    let html = match cached {
        Some(html) => html,
        None => {
            let lookup = store.lookup()?;
            let rendered = render_page(revision.text.as_str(), title, &lookup, messages);
            let trusted = !lookup.failed();
            drop(lookup);
            if trusted && use_cache {
                store.cache_render(
                    summary.id,
                    revision.meta.id,
                    title,
                    &rendered.html,
                    &rendered.links,
                )?;
            }
            rendered.html
        }
    };
    let categories = store.page_categories(summary.id)?;
    let listing = if title.namespace() == Namespace::Category {
        Some((
            store.category_page(title, page_from, CATEGORY_PAGE_SIZE)?,
            crate::categories::cycle_notice(store, title),
        ))
    } else {
        None
    };
    Ok(Some(Loaded::Page {
        revision: Box::new(revision),
        html,
        categories,
        listing,
    }))
}

/// Lists generated from the link tables: `Spécial:Pages_liées/Titre`,
/// `Spécial:Pages_demandées`, `Spécial:Pages_orphelines` (and their English names).
async fn special(ctx: &Ctx<'_>, title: &Title) -> Result<HttpResponse, Problem> {
    const LIMIT: usize = 500;
    let (name, argument) = match title.name().split_once('/') {
        Some((name, argument)) => (name, Some(argument)),
        None => (title.name(), None),
    };
    let store = ctx.state.store.clone();
    let kind = name.to_lowercase();
    if matches!(
        kind.as_str(),
        "modifications récentes" | "recentchanges" | "recent changes"
    ) {
        return crate::changes::page(ctx, ctx.req.query_string(), None).await;
    }
    // A person's contributions and the new pages: recent changes, filtered.
    if matches!(kind.as_str(), "contributions") {
        let name = argument.unwrap_or_default().trim();
        if name.is_empty() {
            return Err(Problem::BadParameter("user"));
        }
        let query = format!(
            "user={}&{}",
            utf8_percent_encode(name, NON_ALPHANUMERIC),
            ctx.req.query_string()
        );
        let heading = ctx.tr.t1("contributions-heading", "name", name);
        return crate::changes::page(ctx, &query, Some(heading)).await;
    }
    if matches!(kind.as_str(), "nouvelles pages" | "newpages" | "new pages") {
        let query = format!("new=1&{}", ctx.req.query_string());
        let heading = ctx.tr.t("new-pages-heading");
        return crate::changes::page(ctx, &query, Some(heading)).await;
    }
    match kind.as_str() {
        "arbre des catégories" | "categorytree" | "category tree" => {
            return crate::categories::tree(ctx, argument).await;
        }
        "pages longues" | "longpages" | "long pages" => {
            return crate::categories::by_size(ctx, true).await;
        }
        "pages courtes" | "shortpages" | "short pages" => {
            return crate::categories::by_size(ctx, false).await;
        }
        "recherche" | "search" => return crate::search::page(ctx).await,
        "api" => return crate::openapi::page(ctx).await,
        _ if crate::media::is_upload_page(title) => return crate::media::upload_form(ctx).await,
        _ if crate::media::is_files_page(title) => return crate::media::list(ctx).await,
        _ => {}
    }
    let (heading, help, items) = match kind.as_str() {
        "événements" | "events" => {
            return match argument {
                Some(id) => crate::dashboard::page(ctx, id).await,
                None => crate::events::page(ctx).await,
            };
        }
        "portails" | "portals" => return crate::portals::index(ctx).await,
        "statistiques" | "statistics" => {
            let (figures, media) = web::block(move || -> Result<_, Problem> {
                Ok((store.statistics()?, store.media_statistics()?))
            })
            .await??;
            let tr = ctx.tr;
            let line = |key: &str, count: i64, href: &str| {
                (
                    LinkView {
                        href: href.to_owned(),
                        label: tr.tn(key, "count", count),
                        missing: false,
                    },
                    String::new(),
                )
            };
            let changes = "/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes";
            let items = vec![
                line(
                    "stats-articles",
                    figures.articles,
                    "/wiki/Sp%C3%A9cial:Nouvelles_pages",
                ),
                line("stats-pages", figures.pages, changes),
                line("stats-revisions", figures.revisions, changes),
                line("stats-accounts", figures.accounts, changes),
                line("stats-writers", figures.writers, changes),
                line("stats-files", media.files, "/wiki/Sp%C3%A9cial:Fichiers"),
            ];
            let bytes = u64::try_from(media.bytes).unwrap_or(0);
            let mut items = items;
            items.push((
                LinkView {
                    href: "/wiki/Sp%C3%A9cial:Fichiers".to_owned(),
                    label: tr.t1(
                        "stats-file-bytes",
                        "size",
                        &crate::media::human_size(tr, bytes),
                    ),
                    missing: false,
                },
                String::new(),
            ));
            (tr.t("stats-heading"), Some(tr.t("stats-help")), items)
        }
        "pages liées" | "whatlinkshere" => {
            let target = Title::parse(argument.unwrap_or_default())?;
            let target_for_query = target.clone();
            let pages = web::block(move || store.links_here(&target_for_query, LIMIT)).await??;
            let help = pages.is_empty().then(|| {
                ctx.tr
                    .t1("special-links-here-none", "title", &target.to_string())
            });
            let items = pages
                .iter()
                .map(|t| (LinkView::to(t, true), String::new()))
                .collect();
            (
                ctx.tr
                    .t1("special-links-here-heading", "title", &target.to_string()),
                help,
                items,
            )
        }
        "pages demandées" | "wantedpages" => {
            let wanted = web::block(move || store.wanted_pages(LIMIT)).await??;
            let items = wanted
                .iter()
                .map(|w| {
                    (
                        LinkView::to(&w.title, false),
                        ctx.tr.tn("special-wanted-links", "count", w.links),
                    )
                })
                .collect();
            (
                ctx.tr.t("special-wanted-heading"),
                Some(ctx.tr.t("special-wanted-help")),
                items,
            )
        }
        "pages orphelines" | "lonelypages" | "orphanedpages" => {
            let pages = web::block(move || store.orphaned_pages(LIMIT)).await??;
            let items = pages
                .iter()
                .map(|t| (LinkView::to(t, true), String::new()))
                .collect();
            (
                ctx.tr.t("special-orphaned-heading"),
                Some(ctx.tr.t("special-orphaned-help")),
                items,
            )
        }
        _ => return Err(Problem::PageNotFound),
    };
    let view = SpecialView {
        tr: ctx.tr,
        chrome: ctx.chrome(heading.clone()),
        heading,
        help,
        items,
        next_href: None,
    };
    Ok(ctx.html(StatusCode::OK, &view))
}

fn old_revision_view(
    ctx: &Ctx<'_>,
    title: &Title,
    found: &TitledRevision,
    html: String,
) -> HttpResponse {
    let meta = &found.revision.meta;
    let is_current = found.latest == Some(meta.id);
    let old = (!is_current).then(|| OldRevision {
        banner: ctx.tr.t_with(
            "oldid-banner",
            &[
                ("date", ctx.tr.date(&meta.timestamp).into()),
                ("author", meta.author.as_str().to_owned().into()),
            ],
        ),
        oldid: meta.id.0,
        current_href: paths::page(title),
        diff_href: found
            .latest
            .map(|latest| paths::diff(title, meta.id.0, latest.0))
            .unwrap_or_else(|| paths::page(title)),
        restore_action: title
            .namespace()
            .is_editable()
            .then(|| paths::action(title, "restore")),
    });
    let view = PageView {
        tr: ctx.tr,
        chrome: ctx.chrome(title.to_string()),
        tabs: Tabs::new(title, true, "read"),
        html,
        notice: None,
        protection: None,
        last_modified: last_modified(ctx.tr, &found.revision),
        old,
        csrf: ctx.csrf.value().to_owned(),
        redirected_from: None,
        categories: Vec::new(),
        category_listing: None,
        portal: None,
        file: None,
    };
    ctx.html(StatusCode::OK, &view)
}

pub(crate) fn last_modified(tr: Tr<'_>, revision: &Revision) -> String {
    tr.t_with(
        "page-last-modified",
        &[
            ("date", tr.date(&revision.meta.timestamp).into()),
            ("author", revision.meta.author.as_str().to_owned().into()),
        ],
    )
}

/// The state of an edit form, whether fresh, previewed, refused or in conflict.
struct EditState {
    text: String,
    summary: String,
    minor: bool,
    base: Option<RevisionId>,
    problem: Option<Problem>,
    preview_html: Option<String>,
    old_warning: bool,
    conflict: Option<ConflictState>,
    /// A live session is open on the page (in some process): the live editor loads at
    /// once, so the newcomer sees the others typing; otherwise it loads when the writer
    /// starts (see `web/static/editor-loader.js`).
    live_open: bool,
}

/// A save that conflicted: the revisions and texts the conflict screen compares.
struct ConflictState {
    /// The revision saved meanwhile (the page's current one).
    current: Revision,
    /// The writer's text, as posted.
    mine: String,
    /// The revision the writer started from, when this reader may see its text.
    base: Option<Revision>,
    /// Who saved revisions after the writer's starting one, newest first.
    authors: Vec<String>,
}

fn conflict_view(ctx: &Ctx<'_>, title: &Title, conflict: &ConflictState) -> ConflictView {
    let current = &conflict.current;
    let authors = if conflict.authors.is_empty() {
        current.meta.author.as_str().to_owned()
    } else {
        conflict.authors.join(", ")
    };
    let base_label = ctx.tr.t("merge-label-base");
    let sides = match &conflict.base {
        Some(base) => vec![
            ConflictSide {
                heading: ctx.tr.t1("conflict-their-changes", "authors", &authors),
                diff: DiffView::new(
                    ctx.tr,
                    &Diff::between(base.text.as_str(), current.text.as_str()),
                    true,
                )
                .labelled(base_label.clone(), ctx.tr.t("merge-label-theirs")),
            },
            ConflictSide {
                heading: ctx.tr.t("conflict-my-changes"),
                diff: DiffView::new(
                    ctx.tr,
                    &Diff::between(base.text.as_str(), &conflict.mine),
                    true,
                )
                .labelled(base_label, ctx.tr.t("merge-label-mine")),
            },
        ],
        // A page created meanwhile, or a starting revision hidden since: the saved
        // text against the writer's.
        None => vec![ConflictSide {
            heading: ctx.tr.t("conflict-changes"),
            diff: DiffView::new(
                ctx.tr,
                &Diff::between(current.text.as_str(), &conflict.mine),
                true,
            )
            .labelled(ctx.tr.t("merge-label-theirs"), ctx.tr.t("merge-label-mine")),
        }],
    };
    ConflictView {
        explanation: ctx.tr.t1("conflict-explanation", "author", &authors),
        sides,
        diff_href: conflict
            .base
            .as_ref()
            .map(|base| paths::diff(title, base.meta.id.0, current.meta.id.0)),
        theirs_heading: ctx.tr.t1("conflict-theirs", "author", &authors),
        theirs_text: current.text.as_str().to_owned(),
        mine_text: conflict.mine.clone(),
    }
}

fn edit_view(ctx: &Ctx<'_>, title: &Title, exists: bool, state: EditState) -> HttpResponse {
    let status = state
        .problem
        .as_ref()
        .map(Problem::status)
        .or(state.conflict.as_ref().map(|_| StatusCode::CONFLICT))
        .unwrap_or(StatusCode::OK);
    let heading_key = if exists {
        "edit-heading-edit"
    } else {
        "edit-heading-create"
    };
    let conflict = state
        .conflict
        .as_ref()
        .map(|conflict| conflict_view(ctx, title, conflict));
    // The live document replaces the form's text only when that text is the current
    // revision as loaded (`GET`): not an old revision, nor a posted text shown back
    // (preview, refused save, conflict).
    let live = ctx.req.method() == actix_web::http::Method::GET && !state.old_warning;
    let editor = crate::editor::EditorData::new(
        ctx.tr,
        title,
        ctx.user.as_ref().map(|user| user.name.as_str()),
        live,
        live && state.live_open,
        matches!(state.problem, Some(Problem::Denied(_))),
    );
    let text = state.text;
    let view = EditView {
        tr: ctx.tr,
        chrome: ctx.chrome(ctx.tr.t1(heading_key, "title", &title.to_string())),
        tabs: Tabs::new(title, exists, "edit"),
        heading: ctx.tr.t1(heading_key, "title", &title.to_string()),
        form_action: paths::action(title, "edit"),
        csrf: ctx.csrf.value().to_owned(),
        base_revision: state.base.map(|id| id.0.to_string()).unwrap_or_default(),
        preview_html: state.preview_html,
        text,
        summary: state.summary,
        minor: state.minor,
        problem: state.problem.map(|problem| problem.message(ctx.tr)),
        writing_as: ctx.user.as_ref().map(|user| {
            let key = if user.temporary {
                "edit-writing-as-temporary"
            } else {
                "edit-writing-as"
            };
            ctx.tr.t1(key, "name", user.name.as_str())
        }),
        old_warning: state.old_warning,
        conflict,
        editor,
        changes_href: paths::changes(title, state.base.map(|id| id.0)),
        stale_script_href: crate::stale::SCRIPT_HREF.as_str(),
        lock_action: (exists && ctx.may(Action::LockLive, None))
            .then(|| paths::action(title, "lock")),
    };
    ctx.html(status, &view)
}

async fn edit_form(
    ctx: &Ctx<'_>,
    title: Title,
    query: &PageQuery,
) -> Result<HttpResponse, Problem> {
    if !title.namespace().is_editable() {
        return Err(Problem::SpecialPage);
    }
    let store = ctx.state.store.clone();
    let oldid = parse_id(query.oldid.as_ref(), "oldid")?;
    let page_title = title.clone();
    // A session of this process answers without asking the database.
    let open_here = ctx.state.live.is_open(&title);
    let (current, old, live_open) = web::block(move || -> Result<_, carnet_store::StoreError> {
        let current = store.page(&page_title)?;
        let old = match oldid {
            Some(id) => store.revision(RevisionId(id))?,
            None => None,
        };
        let live_open = open_here || store.live_session_open(&page_title)?;
        Ok((current, old, live_open))
    })
    .await??;
    if let Some(id) = oldid
        && old.as_ref().is_none_or(|old| old.title != title)
    {
        return Err(Problem::RevisionNotFound(id));
    }
    let exists = current.is_some();
    let base = current.as_ref().map(|(_, revision)| revision.meta.id);
    // Those who may not edit still see the text (to copy it) and why.
    let protection = ctx.protection_of(&title).await?;
    let problem = ctx.require(Action::Edit, protection.as_ref()).err();
    if let Some(old) = &old {
        ctx.check_readable(&old.revision.meta)?;
    }
    let (text, old_warning) = match (&old, &current) {
        (Some(old), Some((_, current))) if old.revision.meta.id != current.meta.id => {
            (old.revision.text.as_str().to_owned(), true)
        }
        (_, Some((_, current))) => (current.text.as_str().to_owned(), false),
        (_, None) => (String::new(), false),
    };
    Ok(edit_view(
        ctx,
        &title,
        exists,
        EditState {
            text,
            summary: String::new(),
            minor: false,
            base,
            problem,
            preview_html: None,
            old_warning,
            conflict: None,
            live_open,
        },
    ))
}

/// The fields of the forms posted to a page: edit, restore, and the moderation forms.
#[derive(Debug, Deserialize)]
pub struct PageForm {
    #[serde(default)]
    pub(crate) csrf_token: String,
    #[serde(default)]
    pub(crate) base_revision: String,
    #[serde(default)]
    pub(crate) text: String,
    #[serde(default)]
    pub(crate) summary: String,
    /// The subject of a new section (`?action=newsection`).
    #[serde(default)]
    pub(crate) subject: Option<String>,
    #[serde(default)]
    pub(crate) author: String,
    #[serde(default)]
    pub(crate) minor: Option<String>,
    #[serde(default, rename = "do")]
    pub(crate) intent: Option<String>,
    #[serde(default)]
    pub(crate) oldid: Option<String>,
    #[serde(default)]
    pub(crate) reason: String,
    #[serde(default)]
    pub(crate) level: String,
    #[serde(default)]
    pub(crate) expiry: String,
    #[serde(default)]
    pub(crate) expiry_other: String,
    #[serde(default)]
    pub(crate) new_title: String,
    #[serde(default)]
    pub(crate) hidden: String,
    #[serde(default)]
    pub(crate) target: String,
    /// The watchlist setting's checkbox.
    #[serde(default)]
    pub(crate) watch_own: String,
    /// Portal curation (`portals.rs`): a featured page's blurb and picture, a section's
    /// category, order and size.
    #[serde(default)]
    pub(crate) blurb: String,
    #[serde(default)]
    pub(crate) picture: String,
    #[serde(default)]
    pub(crate) category: String,
    #[serde(default)]
    pub(crate) sort: String,
    #[serde(default)]
    pub(crate) size: String,
}

/// `POST /wiki/{title}?action=edit|restore`.
pub async fn page_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<PageForm>,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    let result = async {
        let title = title_from_path(&req, "/wiki/")?;
        let query = web::Query::<PageQuery>::from_query(req.query_string())
            .map_err(|_| Problem::BadParameter("query"))?
            .into_inner();
        if crate::watch::is_watchlist(&title) {
            return crate::watch::save_settings(&ctx, &form).await;
        }
        if crate::moderation::special_kind(&title) == Some("block") {
            return crate::moderation::block_submit(&ctx, &form).await;
        }
        if !title.namespace().is_editable() {
            return Err(Problem::SpecialPage);
        }
        match query.action.as_deref() {
            Some("edit") => Ok(save(&ctx, title, form.into_inner()).await),
            Some("restore") => restore(&ctx, title, form.into_inner()).await,
            Some("newsection") => Ok(crate::talk::submit(&ctx, title, form.into_inner()).await),
            Some("watch") => crate::watch::toggle(&ctx, title, true, &form).await,
            Some("unwatch") => crate::watch::toggle(&ctx, title, false, &form).await,
            Some(
                action
                @ ("protect" | "delete" | "undelete" | "move" | "hide" | "rollback" | "lock"),
            ) => crate::moderation::submit(&ctx, title, action, &form).await,
            Some("curate") => crate::portals::submit(&ctx, title, &form).await,
            Some("restorefile") => crate::media::restore_submit(&ctx, title, &form).await,
            Some(other) => Err(Problem::UnknownAction(other.to_owned())),
            None => Err(Problem::MethodNotAllowed),
        }
    }
    .await;
    match result {
        Ok(response) => response,
        Err(problem) => ctx.problem(problem),
    }
}

/// Saves an edit form. Whatever happens, the writer's text is either saved or shown
/// back to them in the form: never lost.
async fn save(ctx: &Ctx<'_>, title: Title, form: PageForm) -> HttpResponse {
    let base = parse_id(Some(&form.base_revision), "base_revision");
    let exists_hint = !form.base_revision.trim().is_empty();
    let mut state = EditState {
        text: form.text.clone(),
        summary: form.summary.clone(),
        minor: form.minor.is_some(),
        base: base.as_ref().ok().copied().flatten().map(RevisionId),
        problem: None,
        preview_html: None,
        old_warning: false,
        conflict: None,
        // The form shows the writer's own text back: the editor works alone on it.
        live_open: false,
    };
    if let Err(problem) = csrf::check_form(ctx.req, &form.csrf_token) {
        state.problem = Some(problem);
        return edit_view(ctx, &title, exists_hint, state);
    }
    let checked = (|| -> Result<_, Problem> {
        let base = base?.map(RevisionId);
        let text = PageText::new(&form.text, ctx.state.store.max_page_bytes())?;
        let comment = Comment::new(&form.summary)?;
        Ok((base, text, comment))
    })();
    let (base, text, comment) = match checked {
        Ok(checked) => checked,
        Err(problem) => {
            state.problem = Some(problem);
            return edit_view(ctx, &title, exists_hint, state);
        }
    };
    if form.intent.as_deref() == Some("preview") {
        let store = ctx.state.store.clone();
        let messages = ctx.state.messages.clone();
        let page_title = title.clone();
        let preview = web::block(move || -> Result<String, Problem> {
            let lookup = store.lookup()?;
            Ok(render_page(text.as_str(), &page_title, &lookup, &messages).html)
        })
        .await;
        match preview {
            Ok(Ok(html)) => state.preview_html = Some(html),
            Ok(Err(problem)) => state.problem = Some(problem),
            Err(error) => state.problem = Some(error.into()),
        }
        return edit_view(ctx, &title, exists_hint, state);
    }
    // Refused (blocked, protected…): the form comes back with the text, and the reason.
    let allowed = match ctx.protection_of(&title).await {
        Ok(protection) => ctx.require(Action::Edit, protection.as_ref()),
        Err(problem) => Err(problem),
    };
    if let Err(problem) = allowed {
        state.problem = Some(problem);
        return edit_view(ctx, &title, exists_hint, state);
    }
    // Limits before a temporary identity is made: a refused newcomer gets none.
    if let Err(problem) =
        crate::limits::check_save(ctx.req, ctx.state, ctx.user.as_ref(), &title).await
    {
        state.problem = Some(problem);
        return edit_view(ctx, &title, exists_hint, state);
    }
    let (signer, new_session) = match ctx.signer().await {
        Ok(signer) => signer,
        Err(problem) => {
            state.problem = Some(problem);
            return edit_view(ctx, &title, exists_hint, state);
        }
    };
    let with_session = |mut response: HttpResponse| {
        if let Some(cookie) = &new_session
            && let Err(error) = response.add_cookie(cookie)
        {
            log::error!("cannot set the session cookie: {error}");
        }
        response
    };
    let author = match Author::new(signer.name.as_str()) {
        Ok(author) => author,
        Err(problem) => {
            state.problem = Some(problem.into());
            return with_session(edit_view(ctx, &title, exists_hint, state));
        }
    };
    // `~~~~` signs with the writer's name and the time, as the text is saved.
    let text = if text.as_str().contains("~~~") {
        let signed =
            carnet_core::expand_signatures(text.as_str(), signer.name.as_str(), chrono::Utc::now());
        match PageText::new(&signed, ctx.state.store.max_page_bytes()) {
            Ok(text) => text,
            Err(problem) => {
                state.problem = Some(problem.into());
                return with_session(edit_view(ctx, &title, exists_hint, state));
            }
        }
    } else {
        text
    };
    let edit = Edit {
        title: title.clone(),
        text,
        base,
        author,
        user: Some(signer.id),
        comment,
        minor: form.minor.is_some(),
        labels: ctx.labels(),
    };
    // The text as merged (line endings normalised, signatures expanded): the conflict
    // screen compares that, not the raw form field.
    let mine = edit.text.as_str().to_owned();
    let store = ctx.state.store.clone();
    let outcome = match web::block(move || store.save(&edit)).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(error)) => {
            state.problem = Some(error.into());
            return with_session(edit_view(ctx, &title, exists_hint, state));
        }
        Err(error) => {
            state.problem = Some(error.into());
            return with_session(edit_view(ctx, &title, exists_hint, state));
        }
    };
    crate::ops::record_save("form", &outcome);
    // A live session on the page takes the saved text in (merged, never dropped), and
    // the forms open on it here hear of it at once.
    ctx.state.live.revision_saved(&title);
    ctx.state.watch.poke(&title);
    let notice = match outcome {
        SaveOutcome::Created(_) => "created",
        SaveOutcome::Saved { merged: true, .. } => "merged",
        SaveOutcome::Saved { merged: false, .. } => "saved",
        SaveOutcome::Unchanged(_) => "unchanged",
        SaveOutcome::Conflict {
            current,
            with_markers,
            ..
        } => {
            // What the writer started from, and who saved since: shown side by side.
            let store = ctx.state.store.clone();
            let page_title = title.clone();
            let loaded = web::block(move || -> Result<_, carnet_store::StoreError> {
                let base = match base {
                    Some(id) => store.revision(id)?,
                    None => None,
                };
                let authors = crate::stale::changes_since(
                    &store,
                    &page_title,
                    base.as_ref().map(|b| b.revision.meta.id),
                )?
                .map(|changes| changes.authors)
                .unwrap_or_default();
                Ok((base, authors))
            })
            .await;
            let (base, authors) = match loaded {
                Ok(Ok(loaded)) => loaded,
                // The conflict screen without the starting revision is still whole.
                Ok(Err(error)) => {
                    log::error!("conflict screen of {title}: {error}");
                    (None, Vec::new())
                }
                Err(error) => {
                    log::error!("conflict screen of {title}: {error}");
                    (None, Vec::new())
                }
            };
            let base = base
                .filter(|base| {
                    base.title == title && ctx.check_readable(&base.revision.meta).is_ok()
                })
                .map(|base| base.revision);
            state.base = Some(current.meta.id);
            state.text = with_markers;
            state.conflict = Some(ConflictState {
                current,
                mine,
                base,
                authors,
            });
            return with_session(edit_view(ctx, &title, true, state));
        }
    };
    with_session(
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, paths::with_notice(&title, notice)))
            .finish(),
    )
}

/// Restores an old revision: a new revision whose text is the old one.
async fn restore(ctx: &Ctx<'_>, title: Title, form: PageForm) -> Result<HttpResponse, Problem> {
    csrf::check_form(ctx.req, &form.csrf_token)?;
    let oldid = parse_id(form.oldid.as_ref(), "oldid")?.ok_or(Problem::BadParameter("oldid"))?;
    let protection = ctx.protection_of(&title).await?;
    ctx.require(Action::Edit, protection.as_ref())?;
    let store = ctx.state.store.clone();
    let page_title = title.clone();
    let found = web::block(move || -> Result<_, carnet_store::StoreError> {
        Ok((store.revision(RevisionId(oldid))?, store.page(&page_title)?))
    })
    .await??;
    let (Some(old), Some((_, current))) = found else {
        return Err(Problem::RevisionNotFound(oldid));
    };
    if old.title != title {
        return Err(Problem::ForeignBase(oldid));
    }
    ctx.check_readable(&old.revision.meta)?;
    crate::limits::check_save(ctx.req, ctx.state, ctx.user.as_ref(), &title).await?;
    let (signer, new_session) = ctx.signer().await?;
    let comment = ctx.tr.t_with(
        "restore-comment",
        &[
            ("revision", oldid.to_string().into()),
            ("date", ctx.tr.date(&old.revision.meta.timestamp).into()),
            (
                "author",
                old.revision.meta.author.as_str().to_owned().into(),
            ),
        ],
    );
    let edit = Edit {
        title: title.clone(),
        text: old.revision.text.clone(),
        base: Some(current.meta.id),
        author: Author::new(signer.name.as_str())?,
        user: Some(signer.id),
        comment: Comment::new(&comment)?,
        minor: false,
        labels: ctx.labels(),
    };
    let store = ctx.state.store.clone();
    let outcome = web::block(move || store.save(&edit)).await??;
    crate::ops::record_save("restore", &outcome);
    let notice = match outcome {
        SaveOutcome::Saved { .. } | SaveOutcome::Created(_) => "restored",
        SaveOutcome::Unchanged(_) => "unchanged",
        SaveOutcome::Conflict { .. } => return Err(Problem::Conflict),
    };
    let mut response = redirect(&paths::with_notice(&title, notice));
    if let Some(cookie) = new_session {
        response.add_cookie(&cookie).map_err(Problem::internal)?;
    }
    Ok(response)
}

async fn history(ctx: &Ctx<'_>, title: Title, query: &PageQuery) -> Result<HttpResponse, Problem> {
    let limit = match query.limit.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_HISTORY_LIMIT,
        Some(limit) => limit
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_HISTORY_LIMIT).contains(n))
            .ok_or(Problem::BadParameter("limit"))?,
    };
    let before = parse_id(query.before.as_ref(), "before")?.map(RevisionId);
    let include_deleted = ctx.may(Action::ViewDeleted, None);
    let store = ctx.state.store.clone();
    let page_title = title.clone();
    let (found, protection, log) = web::block(move || -> Result<_, Problem> {
        let found = store.history(&page_title, limit, before, include_deleted)?;
        let protection = store.protection(&page_title)?;
        let log = store.log(
            &[],
            Some(&carnet_store::LogTarget::Page(page_title.clone())),
            PAGE_LOG_LIMIT,
            None,
        )?;
        Ok((found, protection, log))
    })
    .await??;
    let Some(HistoryPage {
        page,
        entries,
        older,
    }) = found
    else {
        return Err(Problem::PageNotFound);
    };
    let latest = page.latest.id;
    let may_hide = ctx.may(Action::HideRevision, None);
    let may_block = ctx.may(Action::Block, None);
    let rows = entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let meta = &entry.meta;
            let (delta_label, delta_class) = match entry.delta {
                d if d > 0 => (format!("+{d}"), "grew"),
                d if d < 0 => (format!("−{}", d.unsigned_abs()), "shrank"),
                _ => ("0".to_owned(), "same"),
            };
            HistoryRow {
                id: meta.id.0,
                readable: ctx.check_readable(meta).is_ok(),
                hidden: meta.text_hidden,
                deleted: meta.deleted,
                hide_href: (may_hide && meta.id != latest)
                    .then(|| format!("{}&oldid={}", paths::action(&title, "hide"), meta.id.0)),
                block_href: may_block.then(|| {
                    format!(
                        "/wiki/Sp%C3%A9cial:Bloquer?cible={}",
                        utf8_percent_encode(meta.author.as_str(), NON_ALPHANUMERIC)
                    )
                }),
                date: ctx.tr.date(&meta.timestamp),
                old_href: paths::old_revision(&title, meta.id.0),
                cur_href: (meta.id != latest).then(|| paths::diff(&title, meta.id.0, latest.0)),
                prev_href: meta
                    .parent
                    .map(|parent| paths::diff(&title, parent.0, meta.id.0)),
                author: meta.author.as_str().to_owned(),
                author_href: paths::contributions(meta.author.as_str()),
                size_label: ctx.tr.tn(
                    "history-bytes",
                    "size",
                    i64::try_from(meta.size).unwrap_or(i64::MAX),
                ),
                delta_label,
                delta_class,
                minor: meta.minor,
                comment: meta.comment.as_str().to_owned(),
                from_checked: index == 1 || entries.len() == 1,
                to_checked: index == 0,
            }
        })
        .collect();
    let mut notices = Vec::new();
    if let Some(found) = protection.filter(|p| p.protection.is_active(chrono::Utc::now())) {
        notices.push(crate::moderation::protection_notice(ctx.tr, &found));
    }
    let exists = page.latest.id == latest && !page.latest.deleted;
    if page.latest.deleted {
        notices.push(ctx.tr.t("history-page-deleted"));
    }
    // Rollback: when the newest edits are by one author and someone else wrote before.
    let rollback = entries.first().and_then(|newest| {
        let author = newest.meta.author.as_str();
        let others = entries.iter().any(|e| e.meta.author.as_str() != author);
        let protection = None;
        (before.is_none() && exists && others && ctx.may(Action::Rollback, protection)).then(|| {
            RollbackButton {
                action: paths::action(&title, "rollback"),
                csrf: ctx.csrf.value().to_owned(),
                author: author.to_owned(),
                label: ctx.tr.t1("history-rollback", "author", author),
            }
        })
    });
    let base = paths::action(&title, "history");
    let view = HistoryView {
        tr: ctx.tr,
        chrome: ctx.chrome(ctx.tr.t1("history-heading", "title", &title.to_string())),
        tabs: crate::moderation::tabs(ctx, &title, exists, "history"),
        heading: ctx.tr.t1("history-heading", "title", &title.to_string()),
        notices,
        rows,
        older_href: older.map(|older| format!("{base}&before={}&limit={limit}", older.0)),
        newest_href: before.map(|_| format!("{base}&limit={limit}")),
        rollback,
        log: log
            .entries
            .iter()
            .map(|entry| crate::moderation::describe(ctx.tr, entry))
            .collect(),
    };
    Ok(ctx.html(StatusCode::OK, &view))
}

async fn diff(ctx: &Ctx<'_>, title: Title, query: &PageQuery) -> Result<HttpResponse, Problem> {
    let from = parse_id(query.from.as_ref(), "from")?;
    let to = parse_id(query.to.as_ref(), "to")?;
    let side_by_side = match query.mode.as_deref() {
        None | Some("side") => true,
        Some("inline") => false,
        Some(_) => return Err(Problem::BadParameter("mode")),
    };
    let store = ctx.state.store.clone();
    let page_title = title.clone();
    let loaded = web::block(move || -> Result<_, Problem> {
        // `to` defaults to the current revision, `from` to the parent of `to`.
        let to = match to {
            Some(id) => store
                .revision(RevisionId(id))?
                .ok_or(Problem::RevisionNotFound(id))?,
            None => {
                let (_, current) = store.page(&page_title)?.ok_or(Problem::PageNotFound)?;
                store
                    .revision(current.meta.id)?
                    .ok_or(Problem::RevisionNotFound(current.meta.id.0))?
            }
        };
        let from = revision_before(&store, &to, from)?;
        let next = store.next_revision(to.revision.meta.page, to.revision.meta.id)?;
        let diff = Diff::between(
            from.as_ref()
                .map(|from| from.revision.text.as_str())
                .unwrap_or(""),
            to.revision.text.as_str(),
        );
        Ok((from, to, next, diff))
    })
    .await??;
    let (from, to, next, diff) = loaded;
    ctx.check_readable(&to.revision.meta)?;
    if let Some(from) = &from {
        ctx.check_readable(&from.revision.meta)?;
    }
    let describe = |found: &TitledRevision| {
        let meta = &found.revision.meta;
        ctx.tr.t_with(
            "diff-revision",
            &[
                ("revision", meta.id.0.to_string().into()),
                ("date", ctx.tr.date(&meta.timestamp).into()),
                ("author", meta.author.as_str().to_owned().into()),
            ],
        )
    };
    let comment = |found: &TitledRevision| {
        let comment = found.revision.meta.comment.as_str();
        (!comment.is_empty()).then(|| comment.to_owned())
    };
    let from_id = from
        .as_ref()
        .map(|from| from.revision.meta.id.0)
        .unwrap_or(0);
    let to_id = to.revision.meta.id.0;
    let mode_href = |mode: &str| format!("{}&mode={mode}", paths::diff(&to.title, from_id, to_id));
    let view = DiffPageView {
        tr: ctx.tr,
        chrome: ctx.chrome(ctx.tr.t1("diff-heading", "title", &title.to_string())),
        tabs: Tabs::new(&title, true, "history"),
        heading: ctx.tr.t1("diff-heading", "title", &to.title.to_string()),
        from_label: from.as_ref().map(describe).unwrap_or_default(),
        from_href: from
            .as_ref()
            .map(|from| paths::old_revision(&from.title, from_id))
            .unwrap_or_default(),
        from_comment: from.as_ref().and_then(comment),
        to_label: describe(&to),
        to_href: paths::old_revision(&to.title, to_id),
        to_comment: comment(&to),
        previous_href: from.as_ref().and_then(|from| {
            from.revision
                .meta
                .parent
                .map(|parent| paths::diff(&from.title, parent.0, from_id))
        }),
        next_href: next.map(|next| paths::diff(&to.title, to_id, next.0)),
        side_href: mode_href("side"),
        inline_href: mode_href("inline"),
        diff: DiffView::new(ctx.tr, &diff, side_by_side),
    };
    Ok(ctx.html(StatusCode::OK, &view))
}

/// The older side of a comparison: the revision asked for, else the parent of `to`
/// (none for a page's first revision).
pub(crate) fn revision_before(
    store: &Store,
    to: &TitledRevision,
    from: Option<i64>,
) -> Result<Option<TitledRevision>, Problem> {
    match from.or(to.revision.meta.parent.map(|parent| parent.0)) {
        Some(id) => Ok(Some(
            store
                .revision(RevisionId(id))?
                .ok_or(Problem::RevisionNotFound(id))?,
        )),
        None => Ok(None),
    }
}

async fn raw(ctx: &Ctx<'_>, title: Title, query: &PageQuery) -> Result<HttpResponse, Problem> {
    let oldid = parse_id(query.oldid.as_ref(), "oldid")?;
    let store = ctx.state.store.clone();
    let page_title = title.clone();
    let (view_deleted, view_hidden) = (
        ctx.may(Action::ViewDeleted, None),
        ctx.may(Action::ViewHidden, None),
    );
    let readable = move |meta: &carnet_core::RevisionMeta| -> Result<(), Problem> {
        if meta.deleted && !view_deleted {
            return Err(Problem::RevisionDeleted(meta.id.0));
        }
        if meta.text_hidden && !view_hidden {
            return Err(Problem::RevisionHidden(meta.id.0));
        }
        Ok(())
    };
    let text = web::block(move || -> Result<_, Problem> {
        match oldid {
            Some(id) => {
                let found = store
                    .revision(RevisionId(id))?
                    .filter(|found| found.title == page_title)
                    .ok_or(Problem::RevisionNotFound(id))?;
                readable(&found.revision.meta)?;
                Ok(found.revision.text)
            }
            None => {
                let (_, current) = store.page(&page_title)?.ok_or(Problem::PageNotFound)?;
                Ok(current.text)
            }
        }
    })
    .await;
    match text {
        Ok(Ok(text)) => Ok(HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(text.into_string())),
        Ok(Err(problem)) => Ok(HttpResponse::build(problem.status())
            .content_type("text/plain; charset=utf-8")
            .body(problem.message(ctx.tr))),
        Err(error) => Err(error.into()),
    }
}

/// `GET /` → the main page.
pub async fn root(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, paths::page(&state.main_page)))
        .finish()
}

#[derive(Debug, Deserialize)]
pub struct LanguageQuery {
    #[serde(rename = "return")]
    return_to: Option<String>,
}

/// `GET /language/{code}?return=…`: remembers the reader's language.
pub async fn choose_language(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<LanguageQuery>,
) -> HttpResponse {
    let Some(lang) = Lang::from_code(&code) else {
        let ctx = Ctx::new(&req, &state);
        return ctx.problem(Problem::BadParameter("lang"));
    };
    let target = query
        .return_to
        .as_deref()
        .filter(|path| paths::is_local_path(path))
        .map(str::to_owned)
        .unwrap_or_else(|| paths::page(&state.main_page));
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target))
        .cookie(
            Cookie::build(LANG_COOKIE, lang.code())
                .path("/")
                .same_site(SameSite::Lax)
                .secure(csrf::is_https(&req))
                .max_age(actix_web::cookie::time::Duration::days(365))
                .finish(),
        )
        .finish()
}

pub(crate) fn redirect(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// A page as a reader gets it, without HTTP: the page (from the render cache, or
/// rendered without it when `use_cache` is false), a portal's blocks, the template.
/// For the portal benchmark (`crates/web/benches/portal.rs`); blocking.
#[doc(hidden)]
pub fn read_page_html(state: &AppState, title: &Title, use_cache: bool) -> Result<String, Problem> {
    let tr = Tr::new(&state.i18n, Lang::Fr);
    let Some(Loaded::Page {
        revision,
        html,
        categories,
        ..
    }) = load_page(&state.store, title, false, None, &state.messages, use_cache)?
    else {
        return Err(Problem::PageNotFound);
    };
    let portal = if crate::portals::is_portal(title) {
        crate::portals::load_panel(&state.store, tr, title)?
    } else {
        None
    };
    let view = PageView {
        tr,
        chrome: Chrome::new(tr, &state.main_page, title.to_string(), "/", None, ""),
        tabs: Tabs::new(title, true, "read"),
        html,
        notice: None,
        protection: None,
        last_modified: last_modified(tr, &revision),
        old: None,
        csrf: String::new(),
        redirected_from: None,
        categories: categories
            .iter()
            .map(|(t, exists)| LinkView::to(t, *exists))
            .collect(),
        category_listing: None,
        portal,
        file: None,
    };
    view.render().map_err(Problem::internal)
}
