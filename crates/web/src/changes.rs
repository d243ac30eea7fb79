//! Recent changes: `Spécial:Modifications_récentes` (grouped by day, then by page), the
//! same list as JSON (`GET /api/v1/recent-changes`) and as Atom 1.0 feeds
//! (`GET /feeds/changes.atom`, for the whole wiki, one page or one category).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use carnet_core::{Namespace, RevisionId, Title};
use carnet_store::{Change, ChangeFilter, ChangePage};
use chrono::{Duration, Utc};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::i18n::{Lang, Tr};
use crate::paths;
use crate::problem::Problem;
use crate::templates::{Chrome, LinkView};
use crate::views::Ctx;

/// Changes per page of the list, unless asked otherwise.
const DEFAULT_LIMIT: usize = 100;
/// Entries in a feed.
const FEED_LIMIT: usize = 50;
/// The choices of the period filter, in days.
const PERIODS: [i64; 6] = [1, 3, 7, 30, 90, 365];

/// Filters, in the query string of the page, the JSON and the feeds.
#[derive(Debug, Default, Deserialize)]
pub struct ChangesQuery {
    /// Namespace id (`0` articles, `14` categories…); empty for all.
    ns: Option<String>,
    #[serde(alias = "catégorie", alias = "categorie")]
    category: Option<String>,
    page: Option<String>,
    #[serde(alias = "utilisateur")]
    user: Option<String>,
    /// `1`: page creations only.
    #[serde(alias = "nouvelles")]
    new: Option<String>,
    /// `1`: leave minor edits out.
    hideminor: Option<String>,
    /// Only the last N days.
    #[serde(alias = "jours")]
    days: Option<String>,
    limit: Option<String>,
    before: Option<String>,
    /// A portal's pages (`Portail:X` or `X`).
    #[serde(alias = "portail")]
    portal: Option<String>,
}

fn flag(value: Option<&String>) -> bool {
    matches!(value.map(|v| v.trim()), Some("1" | "on" | "true" | "oui"))
}

fn filled(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

impl ChangesQuery {
    fn filter(&self) -> Result<ChangeFilter, Problem> {
        let namespace = match filled(self.ns.as_ref()) {
            None => None,
            Some(ns) => Some(
                ns.parse::<i32>()
                    .ok()
                    .and_then(Namespace::from_id)
                    .filter(|ns| *ns != Namespace::Special)
                    .ok_or(Problem::BadParameter("ns"))?,
            ),
        };
        let category = match filled(self.category.as_ref()) {
            None => None,
            Some(name) => Some(Title::from_parts(
                Namespace::Category,
                name.strip_prefix("Catégorie:")
                    .or_else(|| name.strip_prefix("Category:"))
                    .unwrap_or(name),
            )?),
        };
        let page = filled(self.page.as_ref()).map(Title::parse).transpose()?;
        let portal = match filled(self.portal.as_ref()) {
            None => None,
            Some(name) => {
                let title = Title::parse(name)?;
                Some(if title.namespace() == Namespace::Portal {
                    title
                } else {
                    Title::from_parts(Namespace::Portal, name)?
                })
            }
        };
        let since = match filled(self.days.as_ref()) {
            None => None,
            Some(days) => {
                let days = days
                    .parse::<i64>()
                    .ok()
                    .filter(|d| (1..=3650).contains(d))
                    .ok_or(Problem::BadParameter("days"))?;
                Some(Utc::now() - Duration::days(days))
            }
        };
        Ok(ChangeFilter {
            namespace,
            category,
            page,
            author: filled(self.user.as_ref()).map(str::to_owned),
            new_pages_only: flag(self.new.as_ref()),
            hide_minor: flag(self.hideminor.as_ref()),
            since,
            watched_by: None,
            portal,
        })
    }

    fn limit(&self, default: usize) -> Result<usize, Problem> {
        match filled(self.limit.as_ref()) {
            None => Ok(default),
            Some(limit) => limit
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=carnet_store::MAX_CHANGES).contains(n))
                .ok_or(Problem::BadParameter("limit")),
        }
    }

    fn before(&self) -> Result<Option<RevisionId>, Problem> {
        match filled(self.before.as_ref()) {
            None => Ok(None),
            Some(id) => id
                .parse::<i64>()
                .map(|id| Some(RevisionId(id)))
                .map_err(|_| Problem::BadParameter("before")),
        }
    }

    /// The filters again, as a query string (for paging and the feed link).
    fn query_string(&self) -> String {
        let pairs = [
            ("ns", &self.ns),
            ("category", &self.category),
            ("page", &self.page),
            ("user", &self.user),
            ("new", &self.new),
            ("hideminor", &self.hideminor),
            ("days", &self.days),
            ("limit", &self.limit),
            ("portal", &self.portal),
        ];
        pairs
            .iter()
            .filter_map(|(name, value)| {
                filled(value.as_ref())
                    .map(|v| format!("{name}={}", utf8_percent_encode(v, NON_ALPHANUMERIC)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

async fn load(
    state: &AppState,
    query: &ChangesQuery,
    default_limit: usize,
) -> Result<ChangePage, Problem> {
    let filter = query.filter()?;
    let limit = query.limit(default_limit)?;
    let before = query.before()?;
    let store = state.store.clone();
    Ok(web::block(move || store.recent_changes(&filter, limit, before)).await??)
}

fn delta_label(delta: i64) -> (String, &'static str) {
    match delta {
        d if d > 0 => (format!("+{d}"), "grew"),
        d if d < 0 => (format!("−{}", d.unsigned_abs()), "shrank"),
        _ => ("0".to_owned(), "same"),
    }
}

/// One change in the page.
pub struct ChangeRow {
    pub time: String,
    pub diff_href: Option<String>,
    pub author: String,
    pub author_href: String,
    pub delta_label: String,
    pub delta_class: &'static str,
    pub comment: String,
    pub created: bool,
    pub minor: bool,
}

/// The changes of one page on one day, newest first.
pub struct PageGroup {
    pub page: LinkView,
    pub history_href: String,
    /// From before the first change of the day to the last.
    pub diff_href: Option<String>,
    pub count_label: String,
    pub delta_label: String,
    pub delta_class: &'static str,
    pub rows: Vec<ChangeRow>,
}

pub struct DayGroup {
    pub day: String,
    pub pages: Vec<PageGroup>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The namespace menu of a filter form (every namespace, then each one but special
/// pages), with `selected` (a namespace id, or empty) chosen.
pub fn namespace_choices(tr: Tr<'_>, selected: &str) -> Vec<Choice> {
    let mut choices = vec![Choice {
        value: String::new(),
        label: tr.t("changes-all-namespaces"),
        selected: selected.is_empty(),
    }];
    for ns in Namespace::ALL
        .into_iter()
        .filter(|ns| *ns != Namespace::Special)
    {
        let value = ns.id().to_string();
        choices.push(Choice {
            selected: value == selected,
            label: if ns == Namespace::Main {
                tr.t("changes-articles")
            } else {
                ns.canonical_name().to_owned()
            },
            value,
        });
    }
    choices
}

#[derive(Template)]
#[template(path = "changes.html")]
pub struct ChangesView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub heading: String,
    pub namespaces: Vec<Choice>,
    pub periods: Vec<Choice>,
    pub user: String,
    pub category: String,
    /// The portal filter, as typed.
    pub portal: String,
    pub new_only: bool,
    pub hide_minor: bool,
    pub days: Vec<DayGroup>,
    pub feed_href: String,
    pub older_href: Option<String>,
}

pub fn group(tr: Tr<'_>, changes: &[Change]) -> Vec<DayGroup> {
    let mut days: Vec<DayGroup> = Vec::new();
    for change in changes {
        let day = tr.day(&change.timestamp);
        if days.last().is_none_or(|last| last.day != day) {
            days.push(DayGroup {
                day: day.clone(),
                pages: Vec::new(),
            });
        }
        let Some(today) = days.last_mut() else {
            continue;
        };
        let label = change.title.to_string();
        let (delta_label, delta_class) = delta_label(change.delta);
        let row = ChangeRow {
            time: change.timestamp.format("%H:%M").to_string(),
            diff_href: change
                .parent
                .map(|parent| paths::diff(&change.title, parent.0, change.revision.0)),
            author: change.author.clone(),
            author_href: paths::contributions(&change.author),
            delta_label,
            delta_class,
            comment: change.comment.clone(),
            created: change.created,
            minor: change.minor,
        };
        match today
            .pages
            .iter_mut()
            .find(|group| group.page.label == label)
        {
            Some(group) => group.rows.push(row),
            None => today.pages.push(PageGroup {
                page: LinkView::to(&change.title, true),
                history_href: paths::action(&change.title, "history"),
                diff_href: None,
                count_label: String::new(),
                delta_label: String::new(),
                delta_class: "same",
                rows: vec![row],
            }),
        }
    }
    // Totals per page and day, now that the groups are complete.
    for day in &mut days {
        for page in &mut day.pages {
            let title_changes: Vec<&Change> = changes
                .iter()
                .filter(|c| {
                    c.title.to_string() == page.page.label && tr.day(&c.timestamp) == day.day
                })
                .collect();
            let total: i64 = title_changes.iter().map(|c| c.delta).sum();
            let (label, class) = delta_label(total);
            page.delta_label = label;
            page.delta_class = class;
            page.count_label = tr.tn(
                "changes-count",
                "count",
                i64::try_from(title_changes.len()).unwrap_or(i64::MAX),
            );
            if let (Some(newest), Some(oldest)) = (title_changes.first(), title_changes.last())
                && let Some(parent) = oldest.parent
            {
                page.diff_href = Some(paths::diff(&newest.title, parent.0, newest.revision.0));
            }
        }
    }
    days
}

/// `Spécial:Modifications_récentes` (`Special:RecentChanges`).
pub async fn page(
    ctx: &Ctx<'_>,
    query_string: &str,
    heading: Option<String>,
) -> Result<HttpResponse, Problem> {
    let query = web::Query::<ChangesQuery>::from_query(query_string)
        .map_err(|_| Problem::BadParameter("query"))?
        .into_inner();
    let found = load(ctx.state, &query, DEFAULT_LIMIT).await?;
    let tr = ctx.tr;
    let namespaces = namespace_choices(tr, filled(query.ns.as_ref()).unwrap_or(""));
    let selected_days = filled(query.days.as_ref()).unwrap_or("");
    let mut periods = vec![Choice {
        value: String::new(),
        label: tr.t("changes-any-period"),
        selected: selected_days.is_empty(),
    }];
    for days in PERIODS {
        let value = days.to_string();
        periods.push(Choice {
            selected: value == selected_days,
            label: tr.tn("changes-last-days", "count", days),
            value,
        });
    }
    let filters = query.query_string();
    let base = "/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes";
    let heading = heading.unwrap_or_else(|| tr.t("changes-heading"));
    let view = ChangesView {
        tr,
        chrome: ctx.chrome_for(heading.clone()),
        heading,
        namespaces,
        periods,
        user: query.user.clone().unwrap_or_default(),
        category: query.category.clone().unwrap_or_default(),
        portal: query.portal.clone().unwrap_or_default(),
        new_only: flag(query.new.as_ref()),
        hide_minor: flag(query.hideminor.as_ref()),
        days: group(tr, &found.changes),
        feed_href: if filters.is_empty() {
            "/feeds/changes.atom".to_owned()
        } else {
            format!("/feeds/changes.atom?{filters}")
        },
        older_href: found.older.map(|older| {
            if filters.is_empty() {
                format!("{base}?before={}", older.0)
            } else {
                format!("{base}?{filters}&before={}", older.0)
            }
        }),
    };
    Ok(ctx.html_response(StatusCode::OK, &view))
}

/// A revision in the recent changes.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Change)]
pub struct ChangeJson {
    title: String,
    revision: i64,
    #[schema(required = true)]
    parent: Option<i64>,
    author: String,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    timestamp: String,
    comment: String,
    minor: bool,
    /// The text's size in bytes after the change.
    size: i64,
    /// Bytes added or removed.
    delta: i64,
    /// The revision created the page.
    created: bool,
}

/// Recent changes, newest first.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Changes)]
pub struct ChangesJson {
    changes: Vec<ChangeJson>,
    /// Pass as `before` for older changes.
    #[schema(required = true)]
    older: Option<i64>,
}

/// `GET /api/v1/recent-changes`: the same filters as the page.
#[utoipa::path(
    get,
    path = "/api/v1/recent-changes",
    tag = "changes",
    operation_id = "recentChanges",
    summary = "Recent changes",
    description = "The wiki's latest revisions, newest first, with the filters of \
        `Spécial:Modifications_récentes`. `/feeds/changes.atom` takes the same filters.",
    params(
        ("ns" = Option<i32>, Query, description = "A namespace id (`0` articles, `14` categories…)."),
        ("category" = Option<String>, Query, description = "Only pages in this category (its name)."),
        ("page" = Option<String>, Query, description = "Only this page's revisions."),
        ("user" = Option<String>, Query, description = "Only this author's revisions."),
        ("new" = Option<String>, Query, description = "`1`: page creations only."),
        ("hideminor" = Option<String>, Query, description = "`1`: leave minor edits out."),
        ("days" = Option<u32>, Query, description = "Only the last N days."),
        ("portal" = Option<String>, Query, description = "Only the pages of a portal (`Portail:X` or `X`)."),
        ("limit" = Option<u32>, Query, description = "How many changes (default 100, at most 500)."),
        ("before" = Option<i64>, Query, description = "Only changes older than this revision id (the previous answer's `older`)."),
    ),
    responses(
        (status = 200, description = "The changes.", body = ChangesJson),
        (status = 400, description = "A malformed filter (`bad_parameter`, `bad_title`).", body = crate::api::ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = crate::api::ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn json(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        let query = web::Query::<ChangesQuery>::from_query(req.query_string())
            .map_err(|_| Problem::BadParameter("query"))?
            .into_inner();
        let found = load(&state, &query, DEFAULT_LIMIT).await?;
        Ok::<_, Problem>(
            HttpResponse::Ok().json(ChangesJson {
                changes: found
                    .changes
                    .iter()
                    .map(|c| ChangeJson {
                        title: c.title.to_string(),
                        revision: c.revision.0,
                        parent: c.parent.map(|p| p.0),
                        author: c.author.clone(),
                        timestamp: c
                            .timestamp
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        comment: c.comment.clone(),
                        minor: c.minor,
                        size: c.size,
                        delta: c.delta,
                        created: c.created,
                    })
                    .collect(),
                older: found.older.map(|o| o.0),
            }),
        )
    }
    .await;
    match result {
        Ok(response) => response,
        Err(problem) => crate::api::problem_response(&req, &problem),
    }
}

/// This site's origin as readers reach it, for the absolute URLs feeds need.
fn origin(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// `GET /feeds/changes.atom`: recent changes as Atom 1.0 (`?page=` for one page's
/// history, `?category=` for a category, and the page's other filters).
pub async fn atom(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let tr = Tr::new(&state.i18n, Lang::of_request(&req));
    let result = async {
        let query = web::Query::<ChangesQuery>::from_query(req.query_string())
            .map_err(|_| Problem::BadParameter("query"))?
            .into_inner();
        let filter = query.filter()?;
        let found = load(&state, &query, FEED_LIMIT).await?;
        let origin = origin(&req);
        let title = match (&filter.page, &filter.category, &filter.portal) {
            (Some(page), _, _) => tr.t1("feed-page-title", "title", &page.to_string()),
            (None, Some(category), _) => tr.t1("feed-category-title", "title", category.name()),
            (None, None, Some(portal)) => tr.t1("feed-portal-title", "title", portal.name()),
            (None, None, None) => tr.t("feed-changes-title"),
        };
        let self_href = format!("{origin}{}", req.uri());
        let alternate = match (&filter.page, &filter.portal) {
            (Some(page), _) => format!("{origin}{}", paths::action(page, "history")),
            (None, Some(portal)) => format!("{origin}{}", paths::page(portal)),
            (None, None) => format!("{origin}/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes"),
        };
        let updated = found
            .changes
            .first()
            .map(|c| c.timestamp)
            .unwrap_or_else(Utc::now);
        let entries = found
            .changes
            .iter()
            .map(|change| {
                let href = match change.parent {
                    Some(parent) => paths::diff(&change.title, parent.0, change.revision.0),
                    None => paths::old_revision(&change.title, change.revision.0),
                };
                let summary = if change.comment.is_empty() {
                    tr.t("feed-no-summary")
                } else {
                    change.comment.clone()
                };
                let (delta, _) = delta_label(change.delta);
                Entry {
                    title: Text::plain(change.title.to_string()),
                    id: format!("{origin}/revision/{}", change.revision.0),
                    updated: change.timestamp.fixed_offset(),
                    authors: vec![Person {
                        name: change.author.clone(),
                        ..Person::default()
                    }],
                    links: vec![Link {
                        href: format!("{origin}{href}"),
                        rel: "alternate".to_owned(),
                        mime_type: Some("text/html".to_owned()),
                        ..Link::default()
                    }],
                    summary: Some(Text::plain(format!("{summary} ({delta})"))),
                    content: Some(Content {
                        value: Some(tr.t_with(
                            "feed-entry",
                            &[
                                ("author", change.author.clone().into()),
                                ("summary", summary.into()),
                                ("delta", delta.into()),
                            ],
                        )),
                        content_type: Some("text".to_owned()),
                        ..Content::default()
                    }),
                    ..Entry::default()
                }
            })
            .collect();
        let feed = Feed {
            title: Text::plain(title),
            id: self_href.clone(),
            updated: updated.fixed_offset(),
            links: vec![
                Link {
                    href: self_href,
                    rel: "self".to_owned(),
                    mime_type: Some("application/atom+xml".to_owned()),
                    ..Link::default()
                },
                Link {
                    href: alternate,
                    rel: "alternate".to_owned(),
                    mime_type: Some("text/html".to_owned()),
                    ..Link::default()
                },
            ],
            generator: Some(atom_syndication::Generator {
                value: "Carnet".to_owned(),
                ..atom_syndication::Generator::default()
            }),
            entries,
            ..Feed::default()
        };
        Ok::<_, Problem>(
            HttpResponse::Ok()
                .content_type("application/atom+xml; charset=utf-8")
                .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
                .body(feed.to_string()),
        )
    }
    .await;
    match result {
        Ok(response) => response,
        Err(problem) => HttpResponse::build(problem.status())
            .content_type("text/plain; charset=utf-8")
            .body(problem.message(tr)),
    }
}
