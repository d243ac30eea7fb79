//! The JSON API, version 1. Its wire types live here and are converted by hand from
//! the domain types, so the domain can change without breaking clients.

use actix_web::error::JsonPayloadError;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use carnet_core::{Author, Comment, Diff, LineKind, PageText, RevisionId, RevisionMeta, Title};
use carnet_store::{Edit, HistoryPage, SaveOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::i18n::{Lang, Tr};
use crate::problem::Problem;
use crate::views::title_from_path;
use crate::{AppState, paths};
use carnet_core::rights::Action;

const API_PAGES: &str = "/api/v1/pages/";
const DEFAULT_HISTORY_LIMIT: usize = 50;
const MAX_HISTORY_LIMIT: usize = 500;

/// Every refusal of the API: a stable code for programs and a message for people, in
/// the caller's language (`Accept-Language`, or the language cookie; French by default).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"error": {"code": "page_not_found", "message": "Cette page n'existe pas."}}))]
pub struct ErrorBody {
    error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable and machine-readable (`page_not_found`, `bad_title`, `conflict`,
    /// `rate_limited`, `invalid_token`…); test this, not the message.
    #[schema(value_type = String, example = "page_not_found")]
    code: &'static str,
    /// Translated, for people; may change between versions.
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

/// A revision's metadata (never its text).
#[derive(Serialize, ToSchema)]
#[schema(as = Revision)]
pub struct RevisionJson {
    id: i64,
    /// The previous revision of the page; `null` for its first.
    #[schema(required = true)]
    parent: Option<i64>,
    /// An account, a temporary identity (`~2026-42`) or an imported author.
    author: String,
    /// RFC 3339, UTC.
    #[schema(format = DateTime, example = "2026-11-29T09:30:00Z")]
    timestamp: String,
    /// The edit summary (may be empty).
    comment: String,
    minor: bool,
    /// The text's size in bytes (UTF-8).
    size: usize,
    /// SHA-256 of the text, in hex.
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

/// A page's current text.
#[derive(Serialize, ToSchema)]
#[schema(as = Page)]
pub struct PageJson {
    /// The normalised title (`Catégorie:Oiseaux`, spaces not underscores).
    title: String,
    text: String,
    revision: RevisionJson,
}

/// The body of `PUT /api/v1/pages/{title}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SaveRequest, example = json!({"text": "Bonjour.", "base_revision": 12, "comment": "typo", "minor": true}))]
pub struct SaveBody {
    /// The whole new text of the page (wikitext, see docs/wikitext.md).
    text: String,
    /// The revision the text was based on; `null` (or absent) to create the page. When
    /// the page moved on since, the changes are merged line by line (`merged: true`) or
    /// refused with 409 when they overlap.
    #[serde(default)]
    base_revision: Option<i64>,
    /// The edit summary (500 characters at most).
    #[serde(default)]
    comment: String,
    #[serde(default)]
    minor: bool,
    /// Accepted for older clients and ignored: edits are signed by the session's
    /// account or temporary identity.
    #[serde(default)]
    #[allow(dead_code, reason = "accepted and ignored")]
    #[schema(deprecated)]
    author: Option<String>,
}

/// What a save did.
#[derive(Serialize, ToSchema)]
#[schema(as = Saved)]
pub struct SavedJson {
    title: String,
    /// The page's current revision after the save (the one sent back when nothing changed).
    revision: RevisionJson,
    /// Others saved since `base_revision` and their changes were merged with yours.
    merged: bool,
    /// `false` when the text was the same as the current one: no revision was made.
    changed: bool,
}

/// A save refused because it overlaps changes saved since its base revision.
#[derive(Serialize, ToSchema)]
#[schema(as = Conflict)]
pub struct ConflictJson {
    /// `code` is `conflict`.
    error: ErrorDetail,
    /// The revision to base the next attempt on.
    current_revision: RevisionJson,
    /// The current text.
    theirs: String,
    /// The text that was sent.
    mine: String,
    /// Both, merged, with diff3-style markers around each overlap.
    merged_with_markers: String,
    /// How many overlaps.
    conflicts: usize,
}

/// A slice of a page's history, newest first.
#[derive(Serialize, ToSchema)]
#[schema(as = History)]
pub struct HistoryJson {
    title: String,
    revisions: Vec<HistoryEntryJson>,
    /// Pass as `before` for the next, older slice; `null` when this is the end.
    #[schema(required = true)]
    older: Option<i64>,
}

/// A revision in a history, with its size change.
#[derive(Serialize, ToSchema)]
#[schema(as = HistoryEntry)]
pub struct HistoryEntryJson {
    #[serde(flatten)]
    revision: RevisionJson,
    /// Bytes added (positive) or removed (negative) by this revision.
    delta: i64,
}

/// One revision with its text.
#[derive(Serialize, ToSchema)]
#[schema(as = RevisionWithText)]
pub struct RevisionWithTextJson {
    title: String,
    text: String,
    revision: RevisionJson,
    /// It is the page's current revision.
    current: bool,
}

/// The line and word differences between two revisions.
#[derive(Serialize, ToSchema)]
#[schema(as = Diff)]
pub struct DiffJson {
    /// `null` when `to` is a page's first revision (compared with nothing).
    #[schema(required = true)]
    from: Option<DiffSideJson>,
    to: DiffSideJson,
    /// Lines inserted.
    inserted: usize,
    /// Lines deleted.
    deleted: usize,
    hunks: Vec<HunkJson>,
}

/// A revision compared.
#[derive(Serialize, ToSchema)]
#[schema(as = DiffSide)]
pub struct DiffSideJson {
    id: i64,
    title: String,
}

/// A group of changed lines with some context, as in a unified diff.
#[derive(Serialize, ToSchema)]
#[schema(as = Hunk)]
pub struct HunkJson {
    old_start: usize,
    old_lines: usize,
    new_start: usize,
    new_lines: usize,
    lines: Vec<LineJson>,
}

/// A line of a hunk.
#[derive(Serialize, ToSchema)]
#[schema(as = DiffLine)]
pub struct LineJson {
    kind: LineKindJson,
    /// Its number in the old text (`null` for an inserted line).
    #[schema(required = true)]
    old_line: Option<usize>,
    /// Its number in the new text (`null` for a deleted line).
    #[schema(required = true)]
    new_line: Option<usize>,
    text: String,
    /// The line cut into runs of words, `changed` marking those that differ.
    segments: Vec<SegmentJson>,
}

/// Whether a line is unchanged, deleted or inserted.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = DiffLineKind)]
pub enum LineKindJson {
    Context,
    Deleted,
    Inserted,
}

/// A run of a line's text.
#[derive(Serialize, ToSchema)]
#[schema(as = DiffSegment)]
pub struct SegmentJson {
    text: String,
    changed: bool,
}

fn respond(req: &HttpRequest, result: Result<HttpResponse, Problem>) -> HttpResponse {
    result.unwrap_or_else(|problem| problem_response(req, &problem))
}

/// The title in `/api/v1/pages/{title}/history`. A page whose title ends in
/// `/history` is reached by encoding its slash (`%2Fhistory`), which the router does not
/// decode, so such a URL is the page's own.
fn history_title(req: &HttpRequest) -> Result<Title, Problem> {
    let path = req.uri().path();
    let page_path = path.strip_suffix("/history").unwrap_or(path);
    let raw = page_path.strip_prefix(API_PAGES).unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| Problem::BadParameter("title"))?;
    Ok(Title::parse(&decoded)?)
}

/// The `{title}` parameter of the page routes.
const TITLE_DOC: &str = "A page title, percent-encoded, spaces as `_` or `%20` \
    (`Accueil`, `Cat%C3%A9gorie:Oiseaux`). A title ending in `/history`, `/live` or \
    `/changes` has that slash encoded (`Projet%2Fhistory`).";

/// `GET /api/v1/pages/{title}`.
#[utoipa::path(
    get,
    path = "/api/v1/pages/{title}",
    tag = "pages",
    operation_id = "getPage",
    summary = "Read a page",
    description = "The current text of a page and its revision's metadata.",
    params(("title" = String, Path, description = TITLE_DOC)),
    responses(
        (status = 200, description = "The page.", body = PageJson),
        (status = 400, description = "Malformed title (`bad_title`).", body = ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = ErrorBody),
        (status = 404, description = "No such page, or deleted (`page_not_found`).", body = ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn get_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        let title = title_from_path(&req, API_PAGES)?;
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

/// `GET /api/v1/pages/{title}/history`.
#[utoipa::path(
    get,
    path = "/api/v1/pages/{title}/history",
    tag = "pages",
    operation_id = "getHistory",
    summary = "A page's history",
    description = "The page's visible revisions, newest first, in slices: pass `older` \
        as `before` for the next one.",
    params(
        ("title" = String, Path, description = TITLE_DOC),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500, description = "Revisions per slice (default 50, at most 500)."),
        ("before" = Option<i64>, Query, description = "Only revisions older than this revision id (the previous slice's `older`)."),
    ),
    responses(
        (status = 200, description = "A slice of the history.", body = HistoryJson),
        (status = 400, description = "Malformed title, `limit` or `before` (`bad_title`, `bad_parameter`).", body = ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = ErrorBody),
        (status = 404, description = "No such page (`page_not_found`).", body = ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn get_history(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        let title = history_title(&req)?;
        history(&req, &state, title).await
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
#[utoipa::path(
    put,
    path = "/api/v1/pages/{title}",
    tag = "pages",
    operation_id = "putPage",
    summary = "Create or save a page",
    description = "Saves a new text on top of `base_revision`. When others saved since, \
        their changes and yours are merged line by line (`merged: true`); overlapping \
        changes are refused with 409 and everything needed to resolve them. A save \
        with the current text makes no revision (`changed: false`). `~~~~` is replaced \
        by the signer's signature. Edits are signed by the token's or session's account; \
        a logged-out writer (when the wiki allows it) gets a temporary identity `~2026-N` \
        and its session cookie in `Set-Cookie`.",
    params(("title" = String, Path, description = TITLE_DOC)),
    request_body(content = SaveBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Saved on an existing page (or unchanged).", body = SavedJson),
        (status = 201, description = "The page was created.", body = SavedJson,
            headers(("Location" = String, description = "The page in the API."))),
        (status = 400, description = "Malformed title or JSON, unknown field, NUL in the text, summary too long (`bad_title`, `bad_json`, `bad_text`, `bad_comment`, `bad_base_revision`).", body = ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = ErrorBody),
        (status = 403, description = "Read-only token (`token_read_only`), cookie or anonymous write from another site (`cross_origin`), special page (`special_page`), writer blocked (`blocked`), page protected (`protected`), logged-out editing off (`account_required`).", body = ErrorBody),
        (status = 409, description = "The changes overlap others saved since `base_revision`.", body = ConflictJson),
        (status = 413, description = "Text over the wiki's page size limit (`text_too_large`, `payload_too_large`).", body = ErrorBody),
        (status = 415, description = "The body is not `application/json` (`unsupported_media_type`).", body = ErrorBody),
        (status = 429, description = "Too many saves or creations (`rate_limited`).", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait."))),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn put_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<SaveBody>,
) -> HttpResponse {
    let result = async {
        caller.may_write(&req)?;
        let title = title_from_path(&req, API_PAGES)?;
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
        crate::ops::record_save("api", &outcome);
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
#[utoipa::path(
    get,
    path = "/api/v1/revisions/{id}",
    tag = "pages",
    operation_id = "getRevision",
    summary = "Read a revision",
    description = "Any revision of any page, with its text.",
    params(("id" = i64, Path, description = "A revision id.")),
    responses(
        (status = 200, description = "The revision.", body = RevisionWithTextJson),
        (status = 400, description = "`id` is not a number (`bad_parameter`).", body = ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = ErrorBody),
        (status = 403, description = "Its text was hidden by a moderator (`revision_hidden`) or its page deleted (`revision_deleted`).", body = ErrorBody),
        (status = 404, description = "No such revision (`revision_not_found`).", body = ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/diff",
    tag = "pages",
    operation_id = "getDiff",
    summary = "Compare two revisions",
    description = "Line differences with word-level runs, as the history's diff view shows them.",
    params(
        ("to" = i64, Query, description = "The newer revision."),
        ("from" = Option<i64>, Query, description = "The older revision (any page); default: the parent of `to`."),
    ),
    responses(
        (status = 200, description = "The differences.", body = DiffJson),
        (status = 400, description = "`to` missing or not a number, `from` not a number, `from` not before `to` (`bad_parameter`).", body = ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = ErrorBody),
        (status = 403, description = "A revision's text is hidden or its page deleted (`revision_hidden`, `revision_deleted`).", body = ErrorBody),
        (status = 404, description = "No such revision (`revision_not_found`).", body = ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
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
                                LineKind::Context => LineKindJson::Context,
                                LineKind::Deleted => LineKindJson::Deleted,
                                LineKind::Inserted => LineKindJson::Inserted,
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
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RenderRequest, example = json!({"text": "== Titre ==\n[[Accueil]]", "title": "Brouillon"}))]
pub struct RenderBody {
    /// Wikitext.
    text: String,
    /// The page the text belongs to (self links, `{{PAGENAME}}`); default: the main page.
    #[serde(default)]
    title: Option<String>,
}

/// Text rendered as a page would be.
#[derive(Serialize, ToSchema)]
#[schema(as = Rendered)]
pub struct RenderedJson {
    /// Sanitised HTML of the page body.
    html: String,
    /// The categories the text files the page in (titles).
    categories: Vec<String>,
    /// The pages it links to (titles).
    links: Vec<String>,
    /// The templates it transcludes (titles).
    templates: Vec<String>,
    /// Its table of contents.
    toc: Vec<TocJson>,
    /// The redirect target, when the text is a redirect.
    #[schema(required = true)]
    redirect: Option<String>,
}

/// A heading of the table of contents.
#[derive(Serialize, ToSchema)]
#[schema(as = TocEntry)]
pub struct TocJson {
    level: u8,
    /// Its number (`2.1`).
    number: String,
    text: String,
    /// The heading's id in `html`.
    anchor: String,
}

/// `POST /api/v1/render`: renders text as a page would be, for previews. Saves nothing.
#[utoipa::path(
    post,
    path = "/api/v1/render",
    tag = "pages",
    operation_id = "render",
    summary = "Render wikitext",
    description = "Renders text as a page would be (links, templates, categories), for \
        previews. Saves nothing. A write: read-only tokens and other sites are refused.",
    request_body(content = RenderBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The rendering.", body = RenderedJson),
        (status = 400, description = "Malformed JSON or title (`bad_json`, `bad_title`).", body = ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = ErrorBody),
        (status = 403, description = "Read-only token (`token_read_only`) or another site (`cross_origin`).", body = ErrorBody),
        (status = 413, description = "Text over the page size limit (`text_too_large`, `payload_too_large`).", body = ErrorBody),
        (status = 415, description = "The body is not `application/json` (`unsupported_media_type`).", body = ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
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
