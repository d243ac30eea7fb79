//! Search: `Spécial:Recherche` (the results page, and "Lire"/"Go" that jumps to a
//! title), `GET /api/v1/search` (the same as JSON), and `GET /api/v1/suggest` (titles
//! as one types, for the search box's list).
//!
//! The search box in every page's header is a plain GET form; `/static/search.js` only
//! fills its `<datalist>` with suggestions.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use carnet_core::{Analyzer, Namespace, QueryError, SearchQuery, Title, title_key};
use carnet_store::{SearchFilter, SearchHit};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use crate::AppState;
use crate::changes::Choice;
use crate::i18n::Tr;
use crate::paths;
use crate::problem::Problem;
use crate::templates::{Chrome, LinkView};
use crate::views::Ctx;

/// Results on one page.
const PAGE_SIZE: usize = 20;
/// Titles suggested as one types.
const SUGGESTIONS: usize = 10;
/// Where the search page is.
pub const SEARCH_HREF: &str = "/wiki/Sp%C3%A9cial:Recherche";

/// The search page's and API's parameters.
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: Option<String>,
    /// A namespace id; empty for every namespace.
    #[serde(default)]
    ns: Option<String>,
    #[serde(default, alias = "categorie")]
    category: Option<String>,
    #[serde(default)]
    offset: Option<String>,
    #[serde(default)]
    limit: Option<String>,
    /// "Lire" (Go): open the page of that exact title if it exists.
    #[serde(default)]
    go: Option<String>,
}

fn filled(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

impl SearchParams {
    fn filter(&self, default_limit: usize) -> Result<SearchFilter, Problem> {
        let namespaces = match filled(self.ns.as_ref()) {
            None => Vec::new(),
            Some(ns) => vec![
                ns.parse::<i32>()
                    .ok()
                    .and_then(Namespace::from_id)
                    .filter(|ns| *ns != Namespace::Special)
                    .ok_or(Problem::BadParameter("ns"))?,
            ],
        };
        let category = match filled(self.category.as_ref()) {
            None => None,
            Some(name) => {
                let title = Title::parse(name)?;
                let title = if title.namespace() == Namespace::Category {
                    title
                } else {
                    Title::from_parts(Namespace::Category, &title.to_string())?
                };
                Some(title.name().to_owned())
            }
        };
        let number =
            |value: Option<&String>, name: &'static str, default: usize| match filled(value) {
                None => Ok(default),
                Some(v) => v.parse::<usize>().map_err(|_| Problem::BadParameter(name)),
            };
        let limit = number(self.limit.as_ref(), "limit", default_limit)?;
        if limit == 0 || limit > carnet_store::MAX_RESULTS {
            return Err(Problem::BadParameter("limit"));
        }
        Ok(SearchFilter {
            namespaces,
            category,
            offset: number(self.offset.as_ref(), "offset", 0)?,
            limit,
        })
    }
}

/// A result as the template shows it.
pub struct HitView {
    pub link: LinkView,
    /// (text, highlighted) pieces.
    pub snippet: Vec<(String, bool)>,
    pub size: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchView<'a> {
    tr: Tr<'a>,
    chrome: Chrome,
    heading: String,
    query: String,
    category: String,
    namespaces: Vec<Choice>,
    problem: Option<String>,
    summary: Option<String>,
    hits: Vec<HitView>,
    previous_href: Option<String>,
    next_href: Option<String>,
    /// "Créer la page « … »" when no page has that exact title.
    create: Option<LinkView>,
}

/// `Spécial:Recherche?q=…`.
pub async fn page(ctx: &Ctx<'_>) -> Result<HttpResponse, Problem> {
    let params = web::Query::<SearchParams>::from_query(ctx.req.query_string())
        .map_err(|_| Problem::BadParameter("query"))?
        .into_inner();
    let typed = filled(params.q.as_ref()).unwrap_or_default().to_owned();
    if params.go.is_some()
        && !typed.is_empty()
        && let Some(title) = exact_title(ctx.state, &typed).await?
    {
        return Ok(HttpResponse::Found()
            .insert_header((header::LOCATION, paths::page(&title)))
            .finish());
    }
    let tr = ctx.tr;
    let selected_ns = filled(params.ns.as_ref()).unwrap_or("").to_owned();
    let namespaces = crate::changes::namespace_choices(tr, &selected_ns);
    let mut view = SearchView {
        tr,
        chrome: ctx.chrome_for(tr.t("search-heading")),
        heading: tr.t("search-heading"),
        query: typed.clone(),
        category: filled(params.category.as_ref())
            .unwrap_or_default()
            .to_owned(),
        namespaces,
        problem: None,
        summary: None,
        hits: Vec::new(),
        previous_href: None,
        next_href: None,
        create: None,
    };
    if typed.is_empty() {
        return Ok(ctx.html_response(StatusCode::OK, &view));
    }
    let found = run(ctx.state, &typed, &params, PAGE_SIZE).await;
    let (results, filter) = match found {
        Ok(found) => found,
        Err(problem) => {
            let status = problem.status();
            view.problem = Some(problem.message(tr));
            return Ok(ctx.html_response(status, &view));
        }
    };
    view.chrome = ctx.chrome_for(tr.t1("search-results-title", "query", &typed));
    view.summary = Some(if results.total == 0 {
        tr.t1("search-none", "query", &typed)
    } else {
        tr.t_with(
            "search-summary",
            &[
                ("total", results.total.into()),
                (
                    "first",
                    i64::try_from(filter.offset + 1).unwrap_or(0).into(),
                ),
                (
                    "last",
                    i64::try_from(filter.offset + results.hits.len())
                        .unwrap_or(0)
                        .into(),
                ),
            ],
        )
    });
    view.hits = results.hits.iter().map(|hit| hit_view(tr, hit)).collect();
    let href = |offset: usize| {
        let encode = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
        let mut query = format!("q={}", encode(&typed));
        if !selected_ns.is_empty() {
            query.push_str(&format!("&ns={}", encode(&selected_ns)));
        }
        if let Some(category) = filled(params.category.as_ref()) {
            query.push_str(&format!("&categorie={}", encode(category)));
        }
        if offset > 0 {
            query.push_str(&format!("&offset={offset}"));
        }
        format!("{SEARCH_HREF}?{query}")
    };
    if filter.offset > 0 {
        view.previous_href = Some(href(filter.offset.saturating_sub(filter.limit)));
    }
    let shown = i64::try_from(filter.offset + results.hits.len()).unwrap_or(i64::MAX);
    if shown < results.total {
        view.next_href = Some(href(filter.offset + filter.limit));
    }
    // Offer to create the page when the words make a title no page has.
    if let Ok(title) = Title::parse(&typed)
        && title.namespace().is_editable()
        && exact_title(ctx.state, &typed).await?.is_none()
    {
        view.create = Some(LinkView {
            href: paths::action(&title, "edit"),
            label: tr.t1("search-create", "title", &title.to_string()),
            missing: true,
        });
    }
    Ok(ctx.html_response(StatusCode::OK, &view))
}

fn hit_view(tr: Tr<'_>, hit: &SearchHit) -> HitView {
    HitView {
        link: LinkView::to(&hit.title, true),
        snippet: hit
            .snippet
            .iter()
            .map(|part| (part.text.clone(), part.matched))
            .collect(),
        size: tr.t_with("history-bytes", &[("size", hit.bytes.into())]),
    }
}

async fn run(
    state: &AppState,
    typed: &str,
    params: &SearchParams,
    default_limit: usize,
) -> Result<(carnet_store::SearchResults, SearchFilter), Problem> {
    let filter = params.filter(default_limit)?;
    let analyzer = Analyzer::new(state.store.search_language());
    let query = SearchQuery::parse(typed, &analyzer)?;
    let store = state.store.clone();
    let wanted = filter.clone();
    let results = web::block(move || store.search(&query, &wanted)).await??;
    Ok((results, filter))
}

/// The page whose title is what was typed: exactly (after title normalisation), or
/// the one page whose title matches it accents and case aside.
async fn exact_title(state: &AppState, typed: &str) -> Result<Option<Title>, Problem> {
    let store = state.store.clone();
    let typed = typed.to_owned();
    web::block(move || -> Result<Option<Title>, Problem> {
        if let Ok(title) = Title::parse(&typed)
            && store.page(&title)?.is_some()
        {
            return Ok(Some(title));
        }
        let key = title_key(&typed);
        let candidates: Vec<Title> = store
            .suggest_titles(&typed, 2)?
            .into_iter()
            .filter(|title| title_key(title.name()) == key)
            .collect();
        Ok(match candidates.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        })
    })
    .await?
}

/// Search results.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = SearchResults)]
pub struct SearchJson {
    /// What was looked for, as typed.
    query: String,
    /// How many pages matched in all.
    total: i64,
    offset: usize,
    limit: usize,
    /// Pages whose title has every word first, then by relevance.
    results: Vec<HitJson>,
}

/// A page found.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = SearchHit)]
pub struct HitJson {
    title: String,
    /// The page's URL.
    url: String,
    /// Every word looked for is in the title.
    in_title: bool,
    /// The page's size in bytes.
    size: i64,
    /// An extract around the first match, cut into runs; `match` marks the words found.
    snippet: Vec<SnippetJson>,
}

/// A run of a snippet.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = SnippetPart)]
pub struct SnippetJson {
    text: String,
    #[serde(rename = "match")]
    matched: bool,
}

/// Titles starting with what was typed.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Suggestions)]
pub struct SuggestJson {
    query: String,
    /// Ten at most.
    titles: Vec<SuggestionJson>,
}

/// A suggested title.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Suggestion)]
pub struct SuggestionJson {
    title: String,
    /// The page's URL.
    url: String,
}

/// `GET /api/v1/search?q=…`: results as JSON.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    operation_id = "search",
    summary = "Full-text search",
    description = "Pages matching every word (French stemming and accents aside: \
        `ecole` finds `École`, `cheval` finds `chevaux`), `\"exact phrases\"`, \
        `-excluded` words; with a snippet around the first match.",
    params(
        ("q" = String, Query, description = "What to look for (300 characters and 16 terms at most)."),
        ("ns" = Option<i32>, Query, description = "Only this namespace id (`0` articles…); empty for all."),
        ("category" = Option<String>, Query, description = "Only pages in this category (its name)."),
        ("offset" = Option<u32>, Query, description = "Skip this many results (default 0)."),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "How many results (default 20, at most 100)."),
    ),
    responses(
        (status = 200, description = "The results.", body = SearchJson),
        (status = 400, description = "No word to look for, query too long, bad `ns`, `limit` or `offset` (`bad_query`, `bad_parameter`).", body = crate::api::ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = crate::api::ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn json(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        let params = web::Query::<SearchParams>::from_query(req.query_string())
            .map_err(|_| Problem::BadParameter("query"))?
            .into_inner();
        let typed = filled(params.q.as_ref()).ok_or(Problem::Search(QueryError::NoWords))?;
        let (results, filter) = run(&state, typed, &params, PAGE_SIZE).await?;
        let hits = results
            .hits
            .iter()
            .map(|hit| HitJson {
                title: hit.title.to_string(),
                url: paths::page(&hit.title),
                in_title: hit.in_title,
                size: hit.bytes,
                snippet: hit
                    .snippet
                    .iter()
                    .map(|part| SnippetJson {
                        text: part.text.clone(),
                        matched: part.matched,
                    })
                    .collect(),
            })
            .collect();
        Ok::<_, Problem>(SearchJson {
            query: typed.to_owned(),
            total: results.total,
            offset: filter.offset,
            limit: filter.limit,
            results: hits,
        })
    }
    .await;
    match result {
        Ok(body) => HttpResponse::Ok().json(body),
        Err(problem) => crate::api::problem_response(&req, &problem),
    }
}

/// `GET /api/v1/suggest?q=ecole`: up to ten titles starting with what was typed.
#[utoipa::path(
    get,
    path = "/api/v1/suggest",
    tag = "search",
    operation_id = "suggest",
    summary = "Title suggestions",
    description = "Up to ten titles starting with what was typed, accents and case \
        aside (`Catégorie:éco` looks in that namespace). Not cached.",
    params(("q" = Option<String>, Query, description = "The beginning of a title (300 characters at most).")),
    responses(
        (status = 200, description = "The suggestions.", body = SuggestJson),
        (status = 400, description = "Query too long (`bad_query`).", body = crate::api::ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = crate::api::ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn suggest(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        let params = web::Query::<SearchParams>::from_query(req.query_string())
            .map_err(|_| Problem::BadParameter("query"))?
            .into_inner();
        let typed = params.q.unwrap_or_default();
        if typed.chars().count() > carnet_core::MAX_QUERY_CHARS {
            return Err(Problem::Search(QueryError::TooLong));
        }
        let store = state.store.clone();
        let wanted = typed.clone();
        let titles = web::block(move || store.suggest_titles(&wanted, SUGGESTIONS)).await??;
        Ok(SuggestJson {
            query: typed,
            titles: titles
                .iter()
                .map(|title| SuggestionJson {
                    title: title.to_string(),
                    url: paths::page(title),
                })
                .collect(),
        })
    }
    .await;
    match result {
        Ok(body) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(body),
        Err(problem) => crate::api::problem_response(&req, &problem),
    }
}

/// The search box's enhancement: suggestions in the `<datalist>`.
const SCRIPT: &str = include_str!("../../../web/static/search.js");

/// Its URL, with a hash of its content so that it can be cached forever.
pub static SCRIPT_HREF: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| crate::assets::href("/static/search.js", SCRIPT));

/// `GET /static/search.js`.
pub async fn script(req: actix_web::HttpRequest) -> HttpResponse {
    crate::assets::serve(
        &req,
        SCRIPT,
        "application/javascript; charset=utf-8",
        &SCRIPT_HREF,
    )
}
