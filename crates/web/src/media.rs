//! Uploaded files (issue 7): the upload form `Spécial:Téléverser` and its multipart
//! submission, the file page's panel (picture, fields, file history, pages using the
//! file), restoring an old version, `Spécial:Fichiers`, and serving originals and
//! thumbnails from the blob store.
//!
//! An upload, in order: same-origin check; the body read field by field, the file
//! counted while it streams (never more than the limit + 1 bytes kept); the CSRF
//! token; rights (`Action::Upload`, the file page's protection) and rate limits;
//! `carnet_media::inspect` on the blocking pool (type from the content, sizes, hostile
//! files refused); the blob written under its SHA-256; only then the database row
//! (`Store::upload`). A refusal at any step leaves no row; a blob is written only for
//! an accepted file.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bytes::Bytes;
use carnet_core::rights::Action;
use carnet_core::{Comment, Namespace, PageText, Title};
use carnet_media::{MediaError, MediaKind, MediaLimits};
use carnet_store::{FileVersion, NewFile, UploadOutcome, is_sha256};
use futures_util::StreamExt;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use sha2::Digest;

use crate::AppState;
use crate::csrf;
use crate::i18n::Tr;
use crate::paths;
use crate::problem::Problem;
use crate::templates::{Chrome, LinkView};
use crate::views::Ctx;

/// The free licences offered, the default first: (code, Fluent key of the label, deed).
pub const LICENCES: &[(&str, &str, Option<&str>)] = &[
    (
        "cc-by-sa-4.0",
        "licence-cc-by-sa-4-0",
        Some("https://creativecommons.org/licenses/by-sa/4.0/deed.fr"),
    ),
    (
        "cc-by-4.0",
        "licence-cc-by-4-0",
        Some("https://creativecommons.org/licenses/by/4.0/deed.fr"),
    ),
    (
        "cc0-1.0",
        "licence-cc0-1-0",
        Some("https://creativecommons.org/publicdomain/zero/1.0/deed.fr"),
    ),
    ("public-domain", "licence-public-domain", None),
];

/// Kept as is in URLs and RFC 5987 file names: letters, digits and `-._~`.
const NAME_KEEP: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The longest author, source or comment field, in characters.
const FIELD_CHARS: usize = 500;
/// Pages listed under "Pages qui utilisent ce fichier".
const USERS_LIMIT: usize = 200;
/// Files per slice of `Spécial:Fichiers`.
const LIST_PAGE_SIZE: usize = 50;
/// The width of the picture on its file page (a standard thumbnail width).
const PAGE_PICTURE_WIDTH: u32 = 800;
/// The small pictures of the file history.
const HISTORY_THUMB_WIDTH: u32 = 120;

/// Whether `title` is the upload page (`Spécial:Téléverser`, `Special:Upload`).
pub fn is_upload_page(title: &Title) -> bool {
    title.namespace() == Namespace::Special
        && matches!(
            title.name().to_lowercase().as_str(),
            "téléverser" | "upload" | "importer un fichier"
        )
}

/// The upload form's URL, for `target` (a file to upload a new version of) if any.
pub fn upload_href(target: Option<&Title>) -> String {
    let base = "/wiki/Sp%C3%A9cial:T%C3%A9l%C3%A9verser";
    match target {
        Some(title) => format!(
            "{base}?cible={}",
            utf8_percent_encode(&title.name().replace(' ', "_"), NAME_KEEP)
        ),
        None => base.to_owned(),
    }
}

/// What the upload form holds: kept across refusals, so nothing typed is lost.
#[derive(Debug, Clone, Default)]
pub struct UploadFields {
    pub csrf_token: String,
    pub target: String,
    pub description: String,
    pub author: String,
    pub source: String,
    pub licence: String,
    pub comment: String,
    /// The name the browser gave the file.
    pub file_name: String,
}

#[derive(Template)]
#[template(path = "upload.html")]
pub struct UploadView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub csrf: String,
    pub action: String,
    pub problem: Option<String>,
    pub fields: UploadFields,
    /// A new version of this existing file (no description asked).
    pub new_version_of: Option<LinkView>,
    pub licences: Vec<(String, String)>,
    pub limits_help: String,
}

fn licence_choices(tr: Tr<'_>) -> Vec<(String, String)> {
    LICENCES
        .iter()
        .map(|(code, key, _)| ((*code).to_owned(), tr.t(key)))
        .collect()
}

fn limits_help(tr: Tr<'_>, limits: &MediaLimits) -> String {
    tr.t1(
        "upload-help-limits",
        "size",
        &human_size(tr, limits.max_bytes),
    )
}

/// "12,5 Kio", "3,2 Mio" (French) or "12.5 KiB" (English).
pub fn human_size(tr: Tr<'_>, bytes: u64) -> String {
    let (value, key) = if bytes >= 1024 * 1024 {
        (bytes as f64 / (1024.0 * 1024.0), "size-mib")
    } else if bytes >= 1024 {
        (bytes as f64 / 1024.0, "size-kib")
    } else {
        return tr.tn(
            "size-bytes",
            "count",
            i64::try_from(bytes).unwrap_or(i64::MAX),
        );
    };
    let mut number = format!("{value:.1}");
    if tr.lang() == crate::i18n::Lang::Fr {
        number = number.replace('.', ",");
    }
    tr.t1(key, "size", &number)
}

/// `GET /wiki/Spécial:Téléverser[?cible=Nom.jpg]`: the form.
pub async fn upload_form(ctx: &Ctx<'_>) -> Result<HttpResponse, Problem> {
    let query = web::Query::<crate::views::PageQuery>::from_query(ctx.req.query_string())
        .map_err(|_| Problem::BadParameter("query"))?;
    let mut fields = UploadFields {
        licence: default_licence().to_owned(),
        ..UploadFields::default()
    };
    if let Some(target) = query.target.as_deref() {
        fields.target = target.trim().to_owned();
    }
    let new_version_of = existing_file(ctx, &fields.target).await?;
    // Refused here already when the person may not upload (blocked, protected file).
    let problem = match &new_version_of {
        Some(title) => ctx.protection_of(title).await?,
        None => None,
    };
    let problem = ctx
        .require(Action::Upload, problem.as_ref())
        .err()
        .map(|problem| (problem.status(), problem.message(ctx.tr)));
    let status = problem
        .as_ref()
        .map_or(StatusCode::OK, |(status, _)| *status);
    let view = UploadView {
        tr: ctx.tr,
        chrome: ctx.chrome_for(ctx.tr.t("upload-heading")),
        csrf: ctx.csrf.value().to_owned(),
        action: upload_href(None),
        problem: problem.map(|(_, message)| message),
        new_version_of: new_version_of.map(|t| LinkView::to(&t, true)),
        fields,
        licences: licence_choices(ctx.tr),
        limits_help: limits_help(ctx.tr, &ctx.state.media_limits),
    };
    Ok(ctx.html_response(status, &view))
}

fn default_licence() -> &'static str {
    LICENCES.first().map_or("cc-by-sa-4.0", |(code, _, _)| code)
}

/// The file page named by a form's target, if it is a file that exists.
async fn existing_file(ctx: &Ctx<'_>, target: &str) -> Result<Option<Title>, Problem> {
    let Some(title) = file_title(target) else {
        return Ok(None);
    };
    let store = ctx.state.store.clone();
    let lookup_title = title.clone();
    let versions = web::block(move || store.file_versions(&lookup_title)).await??;
    Ok((!versions.is_empty()).then_some(title))
}

/// `Nom.jpg` or `Fichier:Nom.jpg` as a title in the file namespace.
fn file_title(name: &str) -> Option<Title> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let title = Title::parse(name).ok()?;
    if title.namespace() == Namespace::File {
        return Some(title);
    }
    Title::from_parts(Namespace::File, name).ok()
}

/// Shows the form again with what was typed and why it was refused.
fn form_again(
    ctx: &Ctx<'_>,
    fields: UploadFields,
    problem: Problem,
    new_version: Option<Title>,
) -> HttpResponse {
    let view = UploadView {
        tr: ctx.tr,
        chrome: ctx.chrome_for(ctx.tr.t("upload-heading")),
        csrf: ctx.csrf.value().to_owned(),
        action: upload_href(None),
        problem: Some(problem.message(ctx.tr)),
        new_version_of: new_version.map(|t| LinkView::to(&t, true)),
        fields,
        licences: licence_choices(ctx.tr),
        limits_help: limits_help(ctx.tr, &ctx.state.media_limits),
    };
    ctx.html_response(problem.status(), &view)
}

/// Whether a request's body is a multipart form (the upload form's encoding).
pub fn is_multipart(req: &actix_web::guard::GuardContext<'_>) -> bool {
    req.head()
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// What was read of a multipart body.
struct Received {
    fields: UploadFields,
    file: Vec<u8>,
    /// More bytes came than the limit allows (reading stopped there).
    too_large: bool,
    has_file: bool,
}

/// Reads the form's fields and its file, keeping at most `max_file + 1` bytes of the
/// file and `max_text` bytes of each other field.
async fn receive(
    mut multipart: Multipart,
    max_file: u64,
    max_text: usize,
) -> Result<Received, Problem> {
    let mut received = Received {
        fields: UploadFields::default(),
        file: Vec::new(),
        too_large: false,
        has_file: false,
    };
    let keep = usize::try_from(max_file.saturating_add(1)).unwrap_or(usize::MAX);
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|_| Problem::BadParameter("form"))?;
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            received.has_file = true;
            received.fields.file_name = field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .unwrap_or_default()
                .to_owned();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|_| Problem::BadParameter("file"))?;
                let room = keep.saturating_sub(received.file.len());
                if chunk.len() > room {
                    received
                        .file
                        .extend_from_slice(chunk.get(..room).unwrap_or_default());
                    received.too_large = true;
                    // Stop reading: nothing more of this body is kept or looked at.
                    return Ok(received);
                }
                received.file.extend_from_slice(&chunk);
            }
            continue;
        }
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| Problem::BadParameter("form"))?;
            if value.len().saturating_add(chunk.len()) > max_text {
                return Err(Problem::PayloadTooLarge(max_text));
            }
            value.extend_from_slice(&chunk);
        }
        let value = String::from_utf8(value).map_err(|_| Problem::BadEncoding)?;
        let fields = &mut received.fields;
        match name.as_str() {
            "csrf_token" => fields.csrf_token = value,
            "target" => fields.target = value,
            "description" => fields.description = value,
            "author" => fields.author = value,
            "source" => fields.source = value,
            "licence" => fields.licence = value,
            "comment" => fields.comment = value,
            _ => {}
        }
    }
    Ok(received)
}

/// `POST /wiki/Spécial:Téléverser` (multipart): an upload.
pub async fn upload_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    let title = match crate::views::title_from_path(&req, "/wiki/") {
        Ok(title) => title,
        Err(problem) => return ctx.problem(problem),
    };
    if !is_upload_page(&title) {
        // Multipart bodies are for the upload form only.
        return ctx.problem(Problem::FormContentType);
    }
    // Before reading anything: another site's form is refused at once.
    if !csrf::same_origin(&req) {
        return ctx.problem(Problem::CrossOrigin);
    }
    let max_text = state.store.max_page_bytes().saturating_add(4096);
    let max_file = state.media_limits.max_bytes;
    // A body announcing more than the file and the text fields can hold is refused
    // without reading it.
    let allowance = max_file
        .saturating_add(
            u64::try_from(max_text)
                .unwrap_or(u64::MAX)
                .saturating_mul(8),
        )
        .saturating_add(64 * 1024);
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|length| length > allowance) {
        return ctx.problem(Problem::Media(MediaError::TooLarge {
            bytes: announced.unwrap_or(0),
            max: max_file,
        }));
    }
    let multipart = Multipart::new(req.headers(), payload.into_inner());
    let received = match receive(multipart, max_file, max_text).await {
        Ok(received) => received,
        Err(problem) => return ctx.problem(problem),
    };
    if let Err(problem) = csrf::check_form(&req, &received.fields.csrf_token) {
        return ctx.problem(problem);
    }
    match accept(&ctx, received).await {
        Ok(response) => response,
        Err((fields, problem, new_version)) => form_again(&ctx, fields, problem, new_version),
    }
}

type Refusal = (UploadFields, Problem, Option<Title>);

async fn accept(ctx: &Ctx<'_>, received: Received) -> Result<HttpResponse, Refusal> {
    let Received {
        mut fields,
        file,
        too_large,
        has_file,
    } = received;
    if fields.target.trim().is_empty() {
        fields.target = file_name_of(&fields.file_name);
    }
    let Some(title) = file_title(&fields.target) else {
        let problem = match Title::parse(&fields.target) {
            Err(error) if !fields.target.trim().is_empty() => Problem::BadTitle(error),
            _ => Problem::NoFileName,
        };
        return Err((fields, problem, None));
    };
    fields.target = title.name().to_owned();
    let existing = match existing_file(ctx, &fields.target).await {
        Ok(existing) => existing,
        Err(problem) => return Err((fields, problem, None)),
    };
    let again =
        |fields: &UploadFields, problem: Problem| (fields.clone(), problem, existing.clone());
    if !has_file || file.is_empty() && fields.file_name.is_empty() {
        return Err(again(&fields, Problem::NoFile));
    }
    if too_large {
        return Err(again(
            &fields,
            Problem::Media(MediaError::TooLarge {
                bytes: u64::try_from(file.len()).unwrap_or(u64::MAX),
                max: ctx.state.media_limits.max_bytes,
            }),
        ));
    }
    let meta = FileMeta {
        author: fields.author.clone(),
        source: fields.source.clone(),
        licence: fields.licence.clone(),
        comment: fields.comment.clone(),
        description: fields.description.clone(),
    };
    let (outcome, new_session) = process(ctx, &title, &meta, Bytes::from(file))
        .await
        .map_err(|problem| again(&fields, problem))?;
    let notice = match outcome {
        UploadOutcome::Created(_) => "uploaded",
        UploadOutcome::NewVersion(_) => "uploaded-version",
    };
    let mut response = HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::with_notice(&title, notice)))
        .finish();
    if let Some(cookie) = new_session {
        response
            .add_cookie(&cookie)
            .map_err(|e| again(&fields, Problem::internal(e)))?;
    }
    Ok(response)
}

/// What an uploader says of a file (form fields, or the API's query).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FileMeta {
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub licence: String,
    #[serde(default)]
    pub comment: String,
    /// The file page's text, when the upload creates it.
    #[serde(default)]
    pub description: String,
}

/// Checks and records an upload whose bytes were received whole (and within the size
/// limit): rights, fields, rate limits, the content (`carnet_media::inspect`), the blob
/// and then the row. Shared by the form and the JSON API.
async fn process(
    ctx: &Ctx<'_>,
    title: &Title,
    meta: &FileMeta,
    bytes: Bytes,
) -> Result<(UploadOutcome, Option<actix_web::cookie::Cookie<'static>>), Problem> {
    let protection = ctx.protection_of(title).await?;
    ctx.require(Action::Upload, protection.as_ref())?;
    let licence = if meta.licence.is_empty() {
        default_licence().to_owned()
    } else {
        meta.licence.clone()
    };
    if !LICENCES.iter().any(|(code, _, _)| *code == licence) {
        return Err(Problem::BadParameter("licence"));
    }
    for (name, value) in [("author", &meta.author), ("source", &meta.source)] {
        if value.chars().count() > FIELD_CHARS || value.chars().any(char::is_control) {
            return Err(Problem::BadParameter(name));
        }
    }
    let comment = Comment::new(meta.comment.trim())?;
    let description_text = if meta.description.trim().is_empty() {
        crate::i18n::Tr::new(&ctx.state.i18n, crate::i18n::Lang::Fr).t("file-default-description")
    } else {
        meta.description.clone()
    };
    let description = PageText::new(&description_text, ctx.state.store.max_page_bytes())?;
    crate::limits::check_save(ctx.req, ctx.state, ctx.user.as_ref(), title).await?;
    // The content decides, on the blocking pool (decoding a picture takes time).
    let limits = ctx.state.media_limits.clone();
    let inspected = bytes.clone();
    let info = web::block(move || carnet_media::inspect(&inspected, &limits))
        .await?
        .map_err(Problem::Media)?;
    if !name_fits(title, info.kind) {
        return Err(Problem::FileNameMismatch(info.kind.extension()));
    }
    let hashed = bytes.clone();
    let sha256 = web::block(move || hex(&sha2::Sha256::digest(&hashed))).await?;
    // The blob first: a row never names a missing blob.
    ctx.state
        .blobs
        .put_original(&sha256, bytes)
        .await
        .map_err(Problem::internal)?;
    let (signer, new_session) = ctx.signer().await?;
    let new_file = NewFile {
        title: title.clone(),
        sha256,
        kind: info.kind.as_str().to_owned(),
        bytes: info.bytes,
        width: info.width,
        height: info.height,
        author: meta.author.trim().to_owned(),
        source: meta.source.trim().to_owned(),
        licence,
        comment,
        description,
    };
    let store = ctx.state.store.clone();
    let outcome = web::block(move || store.upload(&new_file, &signer)).await??;
    Ok((outcome, new_session))
}

/// The last part of a browser's file name (some send a whole Windows path).
fn file_name_of(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Whether a file name ends with an extension of `kind` (`.jpg` for a JPEG…).
fn name_fits(title: &Title, kind: MediaKind) -> bool {
    title
        .name()
        .rsplit_once('.')
        .is_some_and(|(_, ext)| kind.extensions().contains(&ext.to_lowercase().as_str()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------------
// Serving

/// The path parameters of `/media/{sha256}/{name}`.
#[derive(Deserialize)]
pub struct OriginalPath {
    sha256: String,
    name: String,
}

/// The path parameters of `/media/thumb/{sha256}/{width}`.
#[derive(Deserialize)]
pub struct ThumbPath {
    sha256: String,
    width: String,
}

/// The kind of a stored blob, or 404.
async fn stored_kind(state: &AppState, sha256: &str) -> Result<MediaKind, Problem> {
    if !is_sha256(sha256) {
        return Err(Problem::FileNotFound);
    }
    let store = state.store.clone();
    let sha = sha256.to_owned();
    let kind = web::block(move || store.blob_kind(&sha)).await??;
    kind.as_deref()
        .and_then(MediaKind::parse)
        .ok_or(Problem::FileNotFound)
}

/// Headers every served file gets: a type from our records, never sniffed, a sandbox
/// in case a browser renders it as a document anyway, and a year of caching (the URL
/// names the content).
fn served(
    req: &HttpRequest,
    sha256: &str,
    variant: &str,
    mime: &str,
    disposition: Option<String>,
    body: Bytes,
) -> HttpResponse {
    let etag = format!("\"{sha256}-{variant}\"");
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        // Pictures and sounds are compressed already: the `gzip` middleware leaves
        // them as they are (it compresses text only).
        .insert_header((header::ETAG, etag));
    if let Some(disposition) = disposition {
        response.insert_header((header::CONTENT_DISPOSITION, disposition));
    }
    if matches {
        return response.finish();
    }
    response.content_type(mime.to_owned()).body(body)
}

/// `GET /media/{sha256}/{name}`: an original, metadata removed (GPS…), served with
/// the type recorded at upload, `inline` for pictures and sound, `attachment` for PDF.
pub async fn original(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<OriginalPath>,
) -> HttpResponse {
    let result = async {
        let kind = stored_kind(&state, &path.sha256).await?;
        let Some(bytes) = state
            .blobs
            .original(&path.sha256)
            .await
            .map_err(Problem::internal)?
        else {
            log::error!("file {} has a row but no blob", path.sha256);
            return Err(Problem::FileNotFound);
        };
        let body = web::block(move || carnet_media::served_original(&bytes, kind))
            .await?
            .map_err(Problem::internal)?;
        let name = download_name(&path.name, kind);
        let how = if kind == MediaKind::Pdf {
            "attachment"
        } else {
            "inline"
        };
        let disposition = format!(
            "{how}; filename=\"{}\"; filename*=UTF-8''{}",
            ascii_fallback(&name),
            utf8_percent_encode(&name, NAME_KEEP)
        );
        Ok(served(
            &req,
            &path.sha256,
            "original",
            kind.mime(),
            Some(disposition),
            Bytes::from(body),
        ))
    }
    .await;
    result.unwrap_or_else(|problem| Ctx::new(&req, &state).problem(problem))
}

/// The name a download is saved under: the URL's, with an extension of its real kind
/// (`x.html` for a PNG becomes `x.html.png`).
fn download_name(name: &str, kind: MediaKind) -> String {
    let name: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | '"'))
        .take(200)
        .collect();
    let name = if name.trim().is_empty() {
        "fichier".to_owned()
    } else {
        name
    };
    let fits = name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| kind.extensions().contains(&ext.to_lowercase().as_str()));
    if fits {
        name
    } else {
        format!("{name}.{}", kind.extension())
    }
}

fn ascii_fallback(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `GET /media/thumb/{sha256}/{width}`: a thumbnail at a standard width, made on the
/// first request (blocking pool) and kept in the blob store for the next ones.
pub async fn thumbnail(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<ThumbPath>,
) -> HttpResponse {
    let result = async {
        let width = path
            .width
            .parse::<u32>()
            .ok()
            .filter(|w| carnet_media::is_standard_width(*w))
            .ok_or(Problem::FileNotFound)?;
        let kind = stored_kind(&state, &path.sha256).await?;
        if !kind.is_image() {
            return Err(Problem::FileNotFound);
        }
        let variant = format!("w{width}");
        if let Some(cached) = state
            .blobs
            .thumbnail(&path.sha256, width)
            .await
            .map_err(Problem::internal)?
        {
            let mime = sniff_thumbnail(&cached);
            return Ok(served(&req, &path.sha256, &variant, mime, None, cached));
        }
        let Some(bytes) = state
            .blobs
            .original(&path.sha256)
            .await
            .map_err(Problem::internal)?
        else {
            return Err(Problem::FileNotFound);
        };
        let limits = state.media_limits.clone();
        let made = web::block(move || carnet_media::thumbnail(&bytes, kind, width, &limits))
            .await?
            .map_err(Problem::internal)?;
        let body = Bytes::from(made.bytes);
        state
            .blobs
            .put_thumbnail(&path.sha256, width, body.clone())
            .await
            .map_err(Problem::internal)?;
        Ok(served(&req, &path.sha256, &variant, made.mime, None, body))
    }
    .await;
    result.unwrap_or_else(|problem| Ctx::new(&req, &state).problem(problem))
}

/// The type of a thumbnail Carnet made (JPEG or PNG), from its first bytes.
fn sniff_thumbnail(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else if bytes.starts_with(b"GIF8") {
        "image/gif"
    } else if bytes.starts_with(b"RIFF") {
        "image/webp"
    } else {
        "image/jpeg"
    }
}

// ---------------------------------------------------------------------------------
// The file page

/// The file part of a `Fichier:` page.
pub struct FilePanel {
    /// The picture: its thumbnail URL, srcset, size and the original.
    pub picture: Option<Picture>,
    pub audio_src: Option<String>,
    pub original_href: String,
    pub facts: Vec<(String, String)>,
    pub author: String,
    pub source: String,
    /// The source is a web address: linked.
    pub source_href: Option<String>,
    pub licence: String,
    pub licence_href: Option<String>,
    pub history: Vec<FileRow>,
    pub users: Vec<LinkView>,
    /// "Téléverser une nouvelle version", for those who may.
    pub upload_href: Option<String>,
    /// Where "restaurer" posts, for those who may.
    pub restore_action: Option<String>,
}

pub struct Picture {
    pub src: String,
    pub srcset: String,
    pub width: u32,
    pub height: u32,
}

pub struct FileRow {
    pub id: i64,
    pub current: bool,
    pub date: String,
    pub uploader: String,
    pub uploader_href: String,
    pub dimensions: String,
    pub size: String,
    pub comment: String,
    pub href: String,
    pub thumb: Option<String>,
}

/// The picture's size at `width` at most, keeping its proportions.
fn fit(width: u32, height: u32, most: u32) -> (u32, u32) {
    if width <= most || width == 0 {
        return (width, height);
    }
    let scaled = u64::from(height) * u64::from(most) / u64::from(width);
    (most, u32::try_from(scaled).unwrap_or(height).max(1))
}

/// The URL of the picture for `needed` pixels of width: a thumbnail, or the original
/// when it is no wider.
fn picture_url(version: &FileVersion, needed: u32, full_width: u32) -> (String, u32) {
    let standard = carnet_media::standard_width(needed);
    if needed >= full_width || standard >= full_width {
        (
            carnet_render::media_url(&version.sha256, version.title.name()),
            full_width,
        )
    } else {
        (
            carnet_render::thumb_url(&version.sha256, standard),
            standard,
        )
    }
}

fn dimensions(tr: Tr<'_>, version: &FileVersion) -> String {
    match (version.width, version.height) {
        (Some(width), Some(height)) => tr.t_with(
            "file-dimensions",
            &[("width", width.into()), ("height", height.into())],
        ),
        _ => String::new(),
    }
}

/// Builds the panel of a file page, or `None` when no file was uploaded there.
pub async fn panel(ctx: &Ctx<'_>, title: &Title) -> Result<Option<FilePanel>, Problem> {
    if title.namespace() != Namespace::File {
        return Ok(None);
    }
    let (versions, users) = versions_and_users(ctx.state, title).await?;
    if versions.is_empty() {
        return Ok(None);
    }
    let protection = ctx.protection_of(title).await?;
    let may_upload = ctx.may(Action::Upload, protection.as_ref());
    Ok(file_panel(ctx.tr, title, &versions, &users, may_upload))
}

/// The panel from a file's versions (newest first) and the pages using it; `None`
/// without versions. Also for the static export (`static_site.rs`).
pub(crate) fn file_panel(
    tr: Tr<'_>,
    title: &Title,
    versions: &[FileVersion],
    users: &[Title],
    may_upload: bool,
) -> Option<FilePanel> {
    let current = versions.first()?;
    let kind = MediaKind::parse(&current.kind);
    let original_href = carnet_render::media_url(&current.sha256, title.name());
    let picture = match (
        kind.is_some_and(MediaKind::is_image),
        current.width,
        current.height,
    ) {
        (true, Some(width), Some(height)) if width > 0 && height > 0 => {
            let (shown_width, shown_height) = fit(width, height, PAGE_PICTURE_WIDTH);
            let (src, sent) = picture_url(current, shown_width, width);
            let mut srcset = Vec::new();
            for (factor, needed) in [("1.5x", shown_width * 3 / 2), ("2x", shown_width * 2)] {
                let (url, wide) = picture_url(current, needed, width);
                if wide > sent && !srcset.iter().any(|(u, _): &(String, &str)| *u == url) {
                    srcset.push((url, factor));
                }
            }
            Some(Picture {
                src,
                srcset: srcset
                    .iter()
                    .map(|(url, factor)| format!("{url} {factor}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                width: shown_width,
                height: shown_height,
            })
        }
        _ => None,
    };
    let audio_src = kind.filter(|k| k.is_audio()).map(|_| original_href.clone());
    let mut facts = vec![(
        tr.t("file-kind"),
        kind.map_or_else(
            || current.kind.clone(),
            |k| format!("{} ({})", k.as_str().to_uppercase(), k.mime()),
        ),
    )];
    let dims = dimensions(tr, current);
    if !dims.is_empty() {
        facts.push((tr.t("file-dimensions-label"), dims));
    }
    facts.push((tr.t("file-size"), human_size(tr, current.bytes)));
    let (licence, licence_href) = LICENCES
        .iter()
        .find(|(code, _, _)| *code == current.licence)
        .map(|(_, key, deed)| (tr.t(key), deed.map(str::to_owned)))
        .unwrap_or_else(|| (current.licence.clone(), None));
    let source_href = (current.source.starts_with("https://")
        || current.source.starts_with("http://"))
    .then(|| current.source.clone());
    let history = versions
        .iter()
        .enumerate()
        .map(|(index, version)| FileRow {
            id: version.id,
            current: index == 0,
            date: tr.date(&version.uploaded_at),
            uploader: version.uploader.clone(),
            uploader_href: paths::contributions(&version.uploader),
            dimensions: dimensions(tr, version),
            size: human_size(tr, version.bytes),
            comment: version.comment.clone(),
            href: carnet_render::media_url(&version.sha256, title.name()),
            thumb: MediaKind::parse(&version.kind)
                .filter(|k| k.is_image())
                .map(|_| carnet_render::thumb_url(&version.sha256, HISTORY_THUMB_WIDTH)),
        })
        .collect();
    Some(FilePanel {
        picture,
        audio_src,
        original_href,
        facts,
        author: current.author.clone(),
        source: current.source.clone(),
        source_href,
        licence,
        licence_href,
        history,
        users: users.iter().map(|t| LinkView::to(t, true)).collect(),
        upload_href: may_upload.then(|| upload_href(Some(title))),
        restore_action: may_upload.then(|| paths::action(title, "restorefile")),
    })
}

/// `GET /wiki/Fichier:X?action=restorefile&oldid=N`: the confirmation an anonymous
/// reader reaches from the file history (the shared page view carries no CSRF token):
/// the same restore button, in a form with this reader's token.
pub async fn restore_confirm(
    ctx: &Ctx<'_>,
    title: Title,
    oldid: Option<&str>,
) -> Result<HttpResponse, Problem> {
    if title.namespace() != Namespace::File {
        return Err(Problem::FileNotFound);
    }
    let version = oldid
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|v| *v > 0)
        .ok_or(Problem::BadParameter("oldid"))?;
    let protection = ctx.protection_of(&title).await?;
    ctx.require(Action::Upload, protection.as_ref())?;
    let heading = ctx
        .tr
        .t1("file-restore-confirm-heading", "title", &title.to_string());
    let view = crate::templates::ActionView {
        tr: ctx.tr,
        chrome: ctx.chrome_for(heading.clone()),
        tabs: None,
        heading,
        intro: Vec::new(),
        problem: None,
        csrf: ctx.csrf.value().to_owned(),
        forms: vec![crate::templates::ActionForm {
            action: paths::action(&title, "restorefile"),
            fields: vec![crate::templates::Field {
                kind: crate::templates::FieldKind::Hidden,
                name: "oldid",
                label: String::new(),
                hint: String::new(),
                value: version.to_string(),
                options: Vec::new(),
            }],
            submit: ctx.tr.t("file-history-restore"),
            danger: false,
        }],
        entries: Vec::new(),
        filters: Vec::new(),
    };
    Ok(ctx.html_response(StatusCode::OK, &view))
}

/// `POST /wiki/Fichier:X?action=restorefile` (`version=N`): makes an old version
/// current again, as a new version.
pub async fn restore_submit(
    ctx: &Ctx<'_>,
    title: Title,
    form: &crate::views::PageForm,
) -> Result<HttpResponse, Problem> {
    csrf::check_form(ctx.req, &form.csrf_token)?;
    if title.namespace() != Namespace::File {
        return Err(Problem::FileNotFound);
    }
    let version = form
        .oldid
        .as_deref()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or(Problem::BadParameter("oldid"))?;
    let protection = ctx.protection_of(&title).await?;
    ctx.require(Action::Upload, protection.as_ref())?;
    crate::limits::check_save(ctx.req, ctx.state, ctx.user.as_ref(), &title).await?;
    let (signer, new_session) = ctx.signer().await?;
    let comment = Comment::new(&ctx.tr.t1(
        "file-restore-comment",
        "version",
        &version.to_string(),
    ))?;
    let store = ctx.state.store.clone();
    let page_title = title.clone();
    let restored =
        web::block(move || store.restore_file_version(&page_title, version, &signer, &comment))
            .await??;
    if restored.is_none() {
        return Err(Problem::FileVersionNotFound(version));
    }
    let mut response = HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            paths::with_notice(&title, "file-restored"),
        ))
        .finish();
    if let Some(cookie) = new_session {
        response.add_cookie(&cookie).map_err(Problem::internal)?;
    }
    Ok(response)
}

// ---------------------------------------------------------------------------------
// Spécial:Fichiers

#[derive(Template)]
#[template(path = "files.html")]
pub struct FilesView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub rows: Vec<FileListRow>,
    pub next_href: Option<String>,
    pub upload_href: String,
}

pub struct FileListRow {
    pub link: LinkView,
    pub thumb: Option<String>,
    pub date: String,
    pub uploader: String,
    pub uploader_href: String,
    pub dimensions: String,
    pub size: String,
    pub comment: String,
}

/// Whether `title` is the list of files (`Spécial:Fichiers`, `Special:ListFiles`).
pub fn is_files_page(title: &Title) -> bool {
    title.namespace() == Namespace::Special
        && matches!(
            title.name().to_lowercase().as_str(),
            "fichiers" | "files" | "listfiles" | "liste des fichiers"
        )
}

/// `Spécial:Fichiers[?before=N]`: uploads, newest first.
pub async fn list(ctx: &Ctx<'_>) -> Result<HttpResponse, Problem> {
    let query = web::Query::<crate::views::PageQuery>::from_query(ctx.req.query_string())
        .map_err(|_| Problem::BadParameter("query"))?;
    let before = match query.before.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| Problem::BadParameter("before"))?,
        ),
    };
    let store = ctx.state.store.clone();
    let page = web::block(move || store.recent_uploads(LIST_PAGE_SIZE, before)).await??;
    let tr = ctx.tr;
    let rows = page
        .files
        .iter()
        .map(|file| FileListRow {
            link: LinkView::to(&file.title, true),
            thumb: MediaKind::parse(&file.kind)
                .filter(|k| k.is_image())
                .map(|_| carnet_render::thumb_url(&file.sha256, HISTORY_THUMB_WIDTH)),
            date: tr.date(&file.uploaded_at),
            uploader: file.uploader.clone(),
            uploader_href: paths::contributions(&file.uploader),
            dimensions: dimensions(tr, file),
            size: human_size(tr, file.bytes),
            comment: file.comment.clone(),
        })
        .collect();
    let view = FilesView {
        tr,
        chrome: ctx.chrome_for(tr.t("files-heading")),
        rows,
        next_href: page
            .older
            .map(|older| format!("/wiki/Sp%C3%A9cial:Fichiers?before={older}")),
        upload_href: upload_href(None),
    };
    Ok(ctx.html_response(StatusCode::OK, &view))
}

// ---------------------------------------------------------------------------------
// JSON API

/// One version of a file, as the API shows it.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = FileVersion)]
pub struct VersionJson {
    id: i64,
    /// SHA-256 of the original, in hex.
    sha256: String,
    /// What the content was found to be (`jpeg`, `png`, `webp`, `gif`, `pdf`, `mp3`, `ogg`).
    kind: String,
    /// The type it is served with.
    #[schema(value_type = Option<String>, required = true)]
    mime: Option<&'static str>,
    /// Size in bytes.
    bytes: u64,
    /// Pictures only.
    #[schema(required = true)]
    width: Option<u32>,
    /// Pictures only.
    #[schema(required = true)]
    height: Option<u32>,
    /// The account (or temporary identity) that uploaded it.
    uploader: String,
    /// Who made the work (credited).
    author: String,
    source: String,
    /// `cc-by-sa-4.0`, `cc-by-4.0`, `cc0-1.0` or `public-domain`.
    licence: String,
    comment: String,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    timestamp: String,
    /// Where the original is served (`/media/{sha256}/{name}`).
    url: String,
    /// The version this one restored, if it is a restore.
    #[schema(required = true)]
    restored_from: Option<i64>,
}

impl VersionJson {
    fn from(version: &FileVersion) -> VersionJson {
        VersionJson {
            id: version.id,
            sha256: version.sha256.clone(),
            kind: version.kind.clone(),
            mime: MediaKind::parse(&version.kind).map(MediaKind::mime),
            bytes: version.bytes,
            width: version.width,
            height: version.height,
            uploader: version.uploader.clone(),
            author: version.author.clone(),
            source: version.source.clone(),
            licence: version.licence.clone(),
            comment: version.comment.clone(),
            timestamp: version.uploaded_at.to_rfc3339(),
            url: carnet_render::media_url(&version.sha256, version.title.name()),
            restored_from: version.restored_from,
        }
    }
}

/// An uploaded file: its versions and the pages showing it.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = File)]
pub struct FileJson {
    /// `Fichier:…`.
    title: String,
    /// The file page's URL.
    page: String,
    /// Newest first: the first is the current version.
    versions: Vec<VersionJson>,
    /// Titles of the first pages showing the file.
    used_by: Vec<String>,
}

/// What an upload made.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Uploaded)]
pub struct UploadedJson {
    title: String,
    /// A new file (`true`) or a new version of an existing one.
    created: bool,
    version: VersionJson,
}

const API_FILES: &str = "/api/v1/files/";

/// The file named in `/api/v1/files/{title}` (`Fichier:` may be left out).
fn api_title(req: &HttpRequest) -> Result<Title, Problem> {
    let raw = req.uri().path().strip_prefix(API_FILES).unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| Problem::BadParameter("title"))?;
    Title::parse(&decoded)?;
    file_title(&decoded).ok_or(Problem::FileNotFound)
}

/// A file's versions (newest first) and the first pages that use it: what both the
/// file page and the JSON API show.
async fn versions_and_users(
    state: &AppState,
    title: &Title,
) -> Result<(Vec<carnet_store::FileVersion>, Vec<Title>), Problem> {
    let store = state.store.clone();
    let title = title.clone();
    web::block(move || -> Result<_, Problem> {
        Ok((
            store.file_versions(&title)?,
            store.file_users(&title, USERS_LIMIT)?,
        ))
    })
    .await?
}

/// `GET /api/v1/files/{title}`: a file's versions and the pages using it.
#[utoipa::path(
    get,
    path = "/api/v1/files/{title}",
    tag = "files",
    operation_id = "getFile",
    summary = "Read a file's versions",
    description = "An uploaded file's versions (newest, hence current, first) and the pages using it.",
    params(("title" = String, Path, description = "The file's name, `Fichier:` optional (`Photo.jpg`, `Fichier:Photo.jpg`), percent-encoded.")),
    responses(
        (status = 200, description = "The file.", body = FileJson),
        (status = 400, description = "Malformed title (`bad_title`).", body = crate::api::ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = crate::api::ErrorBody),
        (status = 404, description = "No such file (`file_not_found`).", body = crate::api::ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn get_file(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        let title = api_title(&req)?;
        let (versions, users) = versions_and_users(&state, &title).await?;
        if versions.is_empty() {
            return Err(Problem::FileNotFound);
        }
        Ok(HttpResponse::Ok().json(FileJson {
            title: title.to_string(),
            page: paths::page(&title),
            versions: versions.iter().map(VersionJson::from).collect(),
            used_by: users.iter().map(ToString::to_string).collect(),
        }))
    }
    .await;
    result.unwrap_or_else(|problem| crate::api::problem_response(&req, &problem))
}

/// `POST /api/v1/files/{title}?author=&source=&licence=&comment=&description=` with the
/// file as the body (`Content-Type: application/octet-stream`, which a cross-site form
/// cannot send): a new file (201) or a new version (200).
#[utoipa::path(
    post,
    path = "/api/v1/files/{title}",
    tag = "files",
    operation_id = "postFile",
    summary = "Upload a file or a new version",
    description = "The body is the file itself. Its kind is decided from its content \
        (JPEG, PNG, WebP, GIF, PDF, MP3, Ogg audio), never from the name or the \
        `Content-Type`, and the name's extension must match it. Hostile or damaged files \
        are refused; nothing is kept of a refused upload.",
    params(
        ("title" = String, Path, description = "The file's name, `Fichier:` optional, with the extension of its kind."),
        ("author" = Option<String>, Query, description = "Who made the work (default: the uploader)."),
        ("source" = Option<String>, Query, description = "Where it comes from (`own work`, a URL…)."),
        ("licence" = Option<String>, Query, description = "`cc-by-sa-4.0` (the default), `cc-by-4.0`, `cc0-1.0` or `public-domain`."),
        ("comment" = Option<String>, Query, description = "The upload summary."),
        ("description" = Option<String>, Query, description = "The file page's text, when the upload creates it."),
    ),
    request_body(content_type = "application/octet-stream", description = "The file's bytes, whatever they are: Carnet decides the kind from them."),
    responses(
        (status = 200, description = "A new version of an existing file.", body = UploadedJson),
        (status = 201, description = "A new file.", body = UploadedJson,
            headers(("Location" = String, description = "The file in the API."))),
        (status = 400, description = "Damaged file, name and content disagree, bad field (`file_truncated`, `file_trailing_data`, `file_corrupt`, `file_name_mismatch`, `bad_parameter`, `bad_title`…).", body = crate::api::ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = crate::api::ErrorBody),
        (status = 403, description = "As for `PUT /api/v1/pages/{title}` (`token_read_only`, `cross_origin`, `blocked`, `protected`, `account_required`).", body = crate::api::ErrorBody),
        (status = 413, description = "Over the size or picture dimension limits (`file_too_large`…).", body = crate::api::ErrorBody),
        (status = 415, description = "Not `application/octet-stream`, or a kind Carnet refuses (`unsupported_media_type`, `file_svg`, `file_script`, `file_type`…).", body = crate::api::ErrorBody),
        (status = 429, description = "Too many saves (`rate_limited`).", body = crate::api::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait."))),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn post_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: crate::caller::Caller,
    payload: web::Payload,
) -> HttpResponse {
    let result = async {
        caller.may_write(&req)?;
        let octets = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim()
                    .to_ascii_lowercase()
                    .starts_with("application/octet-stream")
            });
        if !octets {
            return Err(Problem::OctetStreamRequired);
        }
        let title = api_title(&req)?;
        let meta = web::Query::<FileMeta>::from_query(req.query_string())
            .map_err(|_| Problem::BadParameter("query"))?
            .into_inner();
        let max = state.media_limits.max_bytes;
        let keep = usize::try_from(max.saturating_add(1)).unwrap_or(usize::MAX);
        let mut body = Vec::new();
        let mut payload = payload.into_inner();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| Problem::BadParameter("body"))?;
            if body.len().saturating_add(chunk.len()) >= keep {
                return Err(Problem::Media(MediaError::TooLarge {
                    bytes: u64::try_from(body.len().saturating_add(chunk.len()))
                        .unwrap_or(u64::MAX),
                    max,
                }));
            }
            body.extend_from_slice(&chunk);
        }
        let ctx = Ctx::load(&req, &state).await;
        let (outcome, new_session) = process(&ctx, &title, &meta, Bytes::from(body)).await?;
        let created = matches!(outcome, UploadOutcome::Created(_));
        let json = UploadedJson {
            title: title.to_string(),
            created,
            version: VersionJson::from(outcome.version()),
        };
        let mut response = if created {
            HttpResponse::Created()
                .insert_header((
                    header::LOCATION,
                    format!("{API_FILES}{}", title.url_encoded()),
                ))
                .json(json)
        } else {
            HttpResponse::Ok().json(json)
        };
        if let Some(cookie) = new_session {
            response.add_cookie(&cookie).map_err(Problem::internal)?;
        }
        Ok(response)
    }
    .await;
    result.unwrap_or_else(|problem| crate::api::problem_response(&req, &problem))
}
