//! The JSON API, version 1. Its wire types live here and are converted by hand from
//! the domain types, so the domain can change without breaking clients.

use actix_web::error::JsonPayloadError;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use carnet_core::{Author, Comment, Diff, LineKind, PageText, RevisionId, RevisionMeta, Title};
use carnet_store::{Edit, HistoryPage, SaveOutcome};
use serde::{Deserialize, Serialize};

use crate::caller::Caller;
use crate::i18n::{Lang, Tr};
use crate::problem::Problem;
use crate::views::title_from_path;
use crate::{AppState, paths};
use carnet_core::rights::Action;

const API_PAGES: &str = "/api/v1/pages/";
const DEFAULT_HISTORY_LIMIT: usize = 50;
const MAX_HISTORY_LIMIT: usize = 500;

#[derive(Serialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize)]
struct ErrorDetail {
    code: &'static str,
    message: String,
}

/// A JSON error response in the reader's language.
pub fn problem_response(req: &HttpRequest, problem: &Problem) -> HttpResponse {
    let message = match req.app_data::<web::Data<AppState>>() {
        Some(state) => problem.message(Tr::new(&state.i18n, Lang::of_request(req))),
        None => problem.code().to_owned(),
    };
    HttpResponse::build(problem.status()).json(ErrorBody {
        error: ErrorDetail {
            code: problem.code(),
            message,
        },
    })
}

/// Turns actix's JSON body errors into our own: 415 for a wrong content type, 413 for
/// a body over the limit, 400 for malformed JSON.
pub fn json_error(error: JsonPayloadError, req: &HttpRequest) -> actix_web::Error {
    let problem = match &error {
        JsonPayloadError::ContentType => Problem::ContentType,
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => Problem::PayloadTooLarge(*limit),
        // serde_json has no public error kinds; this is its message for bytes that are
        // not UTF-8, which deserve the same clear refusal as a form's.
        JsonPayloadError::Deserialize(error)
            if error.is_syntax() && error.to_string().starts_with("invalid unicode code point") =>
        {
            Problem::BadEncoding
        }
        JsonPayloadError::Deserialize(error) => Problem::BadJson(error.to_string()),
        other => Problem::BadJson(other.to_string()),
    };
    actix_web::error::InternalError::from_response(error, problem_response(req, &problem)).into()
}

#[derive(Serialize)]
struct RevisionJson {
    id: i64,
    parent: Option<i64>,
    author: String,
    /// RFC 3339, UTC.
    timestamp: String,
    comment: String,
    minor: bool,
    size: usize,
    sha256: String,
}

impl From<&RevisionMeta> for RevisionJson {
    fn from(meta: &RevisionMeta) -> Self {
        RevisionJson {
            id: meta.id.0,
            parent: meta.parent.map(|parent| parent.0),
            author: meta.author.as_str().to_owned(),
            timestamp: meta
                .timestamp
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            comment: meta.comment.as_str().to_owned(),
            minor: meta.minor,
            size: meta.size,
            sha256: meta.hash.as_str().to_owned(),
        }
    }
}

#[derive(Serialize)]
struct PageJson {
    title: String,
    text: String,
    revision: RevisionJson,
}

/// The body of `PUT /api/v1/pages/{title}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveBody {
    text: String,
    /// The revision the text was based on; `null` (or absent) to create the page.
    #[serde(default)]
    base_revision: Option<i64>,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    minor: bool,
    /// Accepted for older clients and ignored: edits are signed by the session's
    /// account or temporary identity.
    #[serde(default)]
    #[allow(dead_code, reason = "accepted and ignored")]
    author: Option<String>,
}

#[derive(Serialize)]
struct SavedJson {
    title: String,
    revision: RevisionJson,
    merged: bool,
    changed: bool,
}

#[derive(Serialize)]
struct ConflictJson {
    error: ErrorDetail,
    current_revision: RevisionJson,
    theirs: String,
    mine: String,
    merged_with_markers: String,
    conflicts: usize,
}

#[derive(Serialize)]
struct HistoryJson {
    title: String,
    revisions: Vec<HistoryEntryJson>,
    /// Pass as `before` for the next, older slice; `null` when this is the end.
    older: Option<i64>,
}

#[derive(Serialize)]
struct HistoryEntryJson {
    #[serde(flatten)]
    revision: RevisionJson,
    delta: i64,
}

#[derive(Serialize)]
struct RevisionWithTextJson {
    title: String,
    text: String,
    revision: RevisionJson,
    current: bool,
}

#[derive(Serialize)]
struct DiffJson {
    from: Option<DiffSideJson>,
    to: DiffSideJson,
    inserted: usize,
    deleted: usize,
    hunks: Vec<HunkJson>,
}

#[derive(Serialize)]
struct DiffSideJson {
    id: i64,
    title: String,
}

#[derive(Serialize)]
struct HunkJson {
    old_start: usize,
    old_lines: usize,
    new_start: usize,
    new_lines: usize,
    lines: Vec<LineJson>,
}

#[derive(Serialize)]
struct LineJson {
    kind: &'static str,
    old_line: Option<usize>,
    new_line: Option<usize>,
    text: String,
    segments: Vec<SegmentJson>,
}

#[derive(Serialize)]
struct SegmentJson {
    text: String,
    changed: bool,
}

fn respond(req: &HttpRequest, result: Result<HttpResponse, Problem>) -> HttpResponse {
    result.unwrap_or_else(|problem| problem_response(req, &problem))
}

/// `/api/v1/pages/{title}` and `/api/v1/pages/{title}/history`. A page whose title
/// ends in `/history` is reached by encoding its slash (`%2Fhistory`).
fn page_route(req: &HttpRequest) -> Result<(Title, bool), Problem> {
    let path = req.uri().path();
    match path.strip_suffix("/history") {
        Some(page_path) => {
            let raw = page_path.strip_prefix(API_PAGES).unwrap_or_default();
            let decoded = percent_encoding::percent_decode_str(raw)
                .decode_utf8()
                .map_err(|_| Problem::BadParameter("title"))?;
            Ok((Title::parse(&decoded)?, true))
        }
        None => Ok((title_from_path(req, API_PAGES)?, false)),
    }
}

/// `GET /api/v1/pages/{title}[/history]`.
pub async fn get_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        let (title, wants_history) = page_route(&req)?;
        if wants_history {
            return history(&req, &state, title).await;
        }
        let store = state.store.clone();
        let found = web::block(move || store.page(&title)).await??;
        let (summary, revision) = found.ok_or(Problem::PageNotFound)?;
        Ok(HttpResponse::Ok().json(PageJson {
            title: summary.title.to_string(),
            text: revision.text.into_string(),
            revision: RevisionJson::from(&revision.meta),
        }))
    }
    .await;
    respond(&req, result)
}

#[derive(Debug, Deserialize)]
struct HistoryQuery {
    limit: Option<String>,
    before: Option<String>,
}

async fn history(
    req: &HttpRequest,
    state: &AppState,
    title: Title,
) -> Result<HttpResponse, Problem> {
    let query = web::Query::<HistoryQuery>::from_query(req.query_string())
        .map_err(|_| Problem::BadParameter("query"))?;
    let limit = match query.limit.as_deref() {
        None => DEFAULT_HISTORY_LIMIT,
        Some(limit) => limit
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_HISTORY_LIMIT).contains(n))
            .ok_or(Problem::BadParameter("limit"))?,
    };
    let before = match query.before.as_deref() {
        None => None,
        Some(before) => Some(RevisionId(
            before
                .parse()
                .map_err(|_| Problem::BadParameter("before"))?,
        )),
    };
    let store = state.store.clone();
    let found = web::block(move || store.history(&title, limit, before, false)).await??;
    let HistoryPage {
        page,
        entries,
        older,
    } = found.ok_or(Problem::PageNotFound)?;
    Ok(HttpResponse::Ok().json(HistoryJson {
        title: page.title.to_string(),
        revisions: entries
            .iter()
            .map(|entry| HistoryEntryJson {
                revision: RevisionJson::from(&entry.meta),
                delta: entry.delta,
            })
            .collect(),
        older: older.map(|older| older.0),
    }))
}

/// `PUT /api/v1/pages/{title}`: create or save, merging concurrent edits.
pub async fn put_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<SaveBody>,
) -> HttpResponse {
    let result = async {
        caller.may_write(&req)?;
        let (title, wants_history) = page_route(&req)?;
        if wants_history {
            return Err(Problem::MethodNotAllowed);
        }
        if !title.namespace().is_editable() {
            return Err(Problem::SpecialPage);
        }
        let body = body.into_inner();
        let tr = Tr::new(&state.i18n, Lang::of_request(&req));
        let ctx = crate::views::Ctx::load(&req, &state).await;
        let text = PageText::new(&body.text, state.store.max_page_bytes())?;
        let comment = Comment::new(&body.comment)?;
        let protection = ctx.protection_of(&title).await?;
        ctx.require(Action::Edit, protection.as_ref())?;
        // The caller's account (session or token) or temporary identity signs; a
        // logged-out client gets a temporary identity and its cookie (`author` is
        // accepted and ignored).
        crate::limits::check_save(&req, &state, ctx.user.as_ref(), &title).await?;
        let (signer, new_session) = ctx.signer().await?;
        let text = if text.as_str().contains("~~~") {
            let signed = carnet_core::expand_signatures(
                text.as_str(),
                signer.name.as_str(),
                chrono::Utc::now(),
            );
            PageText::new(&signed, state.store.max_page_bytes())?
        } else {
            text
        };
        let edit = Edit {
            title: title.clone(),
            text,
            base: body.base_revision.map(RevisionId),
            author: Author::new(signer.name.as_str())?,
            user: Some(signer.id),
            comment,
            minor: body.minor,
            labels: carnet_core::MergeLabels {
                base: tr.t("merge-label-base"),
                theirs: tr.t("merge-label-theirs"),
                mine: tr.t("merge-label-mine"),
            },
        };
        let mine = edit.text.as_str().to_owned();
        let store = state.store.clone();
        let outcome = web::block(move || store.save(&edit)).await??;
        // A live session on the page takes the saved text in (merged, never dropped).
        state.live.revision_saved(&title);
        state.watch.poke(&title);
        let title_text = title.to_string();
        let mut response = match outcome {
            SaveOutcome::Created(meta) => HttpResponse::Created()
                .insert_header((
                    header::LOCATION,
                    format!("{API_PAGES}{}", title.url_encoded()),
                ))
                .insert_header((header::CONTENT_LOCATION, paths::page(&title)))
                .json(SavedJson {
                    title: title_text,
                    revision: RevisionJson::from(&meta),
                    merged: false,
                    changed: true,
                }),
            SaveOutcome::Saved { revision, merged } => HttpResponse::Ok().json(SavedJson {
                title: title_text,
                revision: RevisionJson::from(&revision),
                merged,
                changed: true,
            }),
            SaveOutcome::Unchanged(meta) => HttpResponse::Ok().json(SavedJson {
                title: title_text,
                revision: RevisionJson::from(&meta),
                merged: false,
                changed: false,
            }),
            SaveOutcome::Conflict {
                current,
                with_markers,
                conflicts,
            } => HttpResponse::build(StatusCode::CONFLICT).json(ConflictJson {
                error: ErrorDetail {
                    code: Problem::Conflict.code(),
                    message: Problem::Conflict.message(tr),
                },
                current_revision: RevisionJson::from(&current.meta),
                theirs: current.text.into_string(),
                mine,
                merged_with_markers: with_markers,
                conflicts,
            }),
        };
        if let Some(cookie) = new_session {
            response.add_cookie(&cookie).map_err(Problem::internal)?;
        }
        Ok(response)
    }
    .await;
    respond(&req, result)
}

/// `GET /api/v1/revisions/{id}`.
pub async fn get_revision(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let result = async {
        let id: i64 = id.parse().map_err(|_| Problem::BadParameter("id"))?;
        let store = state.store.clone();
        let found = web::block(move || store.revision(RevisionId(id))).await??;
        let found = found.ok_or(Problem::RevisionNotFound(id))?;
        crate::views::Ctx::load(&req, &state)
            .await
            .check_readable(&found.revision.meta)?;
        Ok(HttpResponse::Ok().json(RevisionWithTextJson {
            title: found.title.to_string(),
            current: found.latest == Some(found.revision.meta.id),
            revision: RevisionJson::from(&found.revision.meta),
            text: found.revision.text.into_string(),
        }))
    }
    .await;
    respond(&req, result)
}

#[derive(Debug, Deserialize)]
struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /api/v1/diff?from=A&to=B` (`from` defaults to the parent of `to`).
pub async fn get_diff(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        let query = web::Query::<DiffQuery>::from_query(req.query_string())
            .map_err(|_| Problem::BadParameter("query"))?;
        let to: i64 = query
            .to
            .as_deref()
            .and_then(|to| to.parse().ok())
            .ok_or(Problem::BadParameter("to"))?;
        let from: Option<i64> = match query.from.as_deref() {
            None => None,
            Some(from) => Some(from.parse().map_err(|_| Problem::BadParameter("from"))?),
        };
        let store = state.store.clone();
        let (from, to) = web::block(move || -> Result<_, Problem> {
            let to = store
                .revision(RevisionId(to))?
                .ok_or(Problem::RevisionNotFound(to))?;
            let from = crate::views::revision_before(&store, &to, from)?;
            Ok((from, to))
        })
        .await??;
        let ctx = crate::views::Ctx::load(&req, &state).await;
        ctx.check_readable(&to.revision.meta)?;
        if let Some(from) = &from {
            ctx.check_readable(&from.revision.meta)?;
        }
        let diff = Diff::between(
            from.as_ref()
                .map(|from| from.revision.text.as_str())
                .unwrap_or(""),
            to.revision.text.as_str(),
        );
        let (inserted, deleted) = diff.line_counts();
        Ok(HttpResponse::Ok().json(DiffJson {
            from: from.map(|from| DiffSideJson {
                id: from.revision.meta.id.0,
                title: from.title.to_string(),
            }),
            to: DiffSideJson {
                id: to.revision.meta.id.0,
                title: to.title.to_string(),
            },
            inserted,
            deleted,
            hunks: diff
                .hunks
                .iter()
                .map(|hunk| HunkJson {
                    old_start: hunk.old_start,
                    old_lines: hunk.old_len,
                    new_start: hunk.new_start,
                    new_lines: hunk.new_len,
                    lines: hunk
                        .lines
                        .iter()
                        .map(|line| LineJson {
                            kind: match line.kind {
                                LineKind::Context => "context",
                                LineKind::Deleted => "deleted",
                                LineKind::Inserted => "inserted",
                            },
                            old_line: line.old_number,
                            new_line: line.new_number,
                            text: line.text(),
                            segments: line
                                .segments
                                .iter()
                                .map(|segment| SegmentJson {
                                    text: segment.text.clone(),
                                    changed: segment.emphasized,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }))
    }
    .await;
    respond(&req, result)
}

/// The body of `POST /api/v1/render`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenderBody {
    text: String,
    /// The page the text belongs to (self links, `{{PAGENAME}}`); default: the main page.
    #[serde(default)]
    title: Option<String>,
}

#[derive(Serialize)]
struct RenderedJson {
    html: String,
    categories: Vec<String>,
    links: Vec<String>,
    templates: Vec<String>,
    toc: Vec<TocJson>,
    redirect: Option<String>,
}

#[derive(Serialize)]
struct TocJson {
    level: u8,
    number: String,
    text: String,
    anchor: String,
}

/// `POST /api/v1/render`: renders text as a page would be, for previews. Saves nothing.
pub async fn render_text(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<RenderBody>,
) -> HttpResponse {
    let result = async {
        caller.may_write(&req)?;
        let body = body.into_inner();
        let title = match body.title.as_deref() {
            Some(title) => Title::parse(title)?,
            None => state.main_page.clone(),
        };
        let text = PageText::new(&body.text, state.store.max_page_bytes())?;
        let store = state.store.clone();
        let state = state.clone();
        let rendered = web::block(move || -> Result<_, Problem> {
            let lookup = store.lookup()?;
            Ok(crate::wiki::render_page(
                text.as_str(),
                &title,
                &lookup,
                &state.messages,
            ))
        })
        .await??;
        Ok(HttpResponse::Ok().json(RenderedJson {
            html: rendered.html,
            categories: rendered
                .links
                .categories
                .iter()
                .map(|link| link.category.to_string())
                .collect(),
            links: rendered.links.links.iter().map(Title::to_string).collect(),
            templates: rendered
                .links
                .templates
                .iter()
                .map(Title::to_string)
                .collect(),
            toc: rendered
                .toc
                .into_iter()
                .map(|entry| TocJson {
                    level: entry.level,
                    number: entry.number,
                    text: entry.text,
                    anchor: entry.anchor,
                })
                .collect(),
            redirect: rendered.links.redirect.map(|title| title.to_string()),
        }))
    }
    .await;
    respond(&req, result)
}

/// Any other `/api/…` URL.
pub async fn api_not_found(req: HttpRequest) -> HttpResponse {
    problem_response(&req, &Problem::PageNotFound)
}
