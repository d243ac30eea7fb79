//! The JSON API's route table and its OpenAPI 3.1 description (issue 8).
//!
//! [`api_routes!`] is the one list of `/api/v1` routes: from it come the registration
//! ([`register`], called by `configure` inside the `/api/v1` scope), the list a test
//! enumerates ([`API_ROUTES`]) and the document ([`ApiDoc`], from each handler's
//! `#[utoipa::path]`). A handler added to the list without an annotation does not
//! compile; an annotation whose path or method differs from the registration fails
//! `tests/openapi.rs`. The document is served at `GET /api/v1/openapi.json` and shown to
//! people at `Spécial:API` (rendered here, from the same document, without script).

use std::sync::LazyLock;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::i18n::Tr;
use crate::problem::Problem;
use crate::templates::Chrome;
use crate::views::Ctx;

/// One method of one `/api/v1` route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiRoute {
    /// Lower case, as in `web::get()`: `get`, `put`, `post`.
    pub method: &'static str,
    /// The documented path (`/api/v1/pages/{title}`).
    pub path: &'static str,
    /// The router's pattern inside the `/api/v1` scope (`/pages/{title:.*}`).
    pub pattern: &'static str,
}

/// Declares the API's routes once: `"/doc/path" as "/router/pattern" { method =>
/// module::handler, … }`, in matching order (more specific patterns first).
macro_rules! api_routes {
    ($( $doc:literal as $pattern:literal { $( $method:ident => $module:ident :: $handler:ident ),+ $(,)? } )*) => {
        /// Registers every `/api/v1` route (inside its scope). A method a route does
        /// not answer gets a JSON 405 with `Allow`.
        pub fn register(cfg: &mut web::ServiceConfig) {
            $(
                cfg.service(
                    web::resource($pattern)
                        $( .route(web::$method().to(crate::$module::$handler)) )+
                        .default_service(web::to(|req: HttpRequest| {
                            method_not_allowed(req, &[$( stringify!($method) ),+])
                        })),
                );
            )*
        }

        /// Every route [`register`] registers, one entry per method.
        pub const API_ROUTES: &[ApiRoute] = &[
            $( $( ApiRoute {
                method: stringify!($method),
                path: concat!("/api/v1", $doc),
                pattern: $pattern,
            }, )+ )*
        ];

        /// The OpenAPI document of the JSON API.
        #[derive(OpenApi)]
        #[openapi(
            info(
                title = "Carnet JSON API",
                version = "1",
                description = API_DESCRIPTION,
                license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
            ),
            paths( $( $( crate::$module::$handler ),+ ),* ),
            components(schemas(crate::stale::ChangedEvent, crate::stale::GoneEvent)),
            modifiers(&SecuritySchemes),
            tags(
                (name = "pages", description = "Pages, their revisions and history, diffs, previews, live co-editing."),
                (name = "files", description = "Uploaded files (pictures, PDF, sound)."),
                (name = "changes", description = "Recent changes."),
                (name = "search", description = "Full-text search and title suggestions."),
                (name = "events", description = "Wiki-journées (event windows) and their figures."),
                (name = "meta", description = "This description."),
            ),
        )]
        pub struct ApiDoc;
    };
}

api_routes! {
    // Before `/pages/{title}`, which would take `X/live` for a title.
    "/pages/{title}/live" as "/pages/{title:.*}/live" { get => live::live_socket }
    "/pages/{title}/changes" as "/pages/{title:.*}/changes" { get => stale::changes }
    "/pages/{title}/history" as "/pages/{title:.*}/history" { get => api::get_history }
    "/pages/{title}" as "/pages/{title:.*}" { get => api::get_page, put => api::put_page }
    "/files/{title}" as "/files/{title:.*}" { get => media::get_file, post => media::post_file }
    "/revisions/{id}" as "/revisions/{id}" { get => api::get_revision }
    "/diff" as "/diff" { get => api::get_diff }
    "/render" as "/render" { post => api::render_text }
    "/recent-changes" as "/recent-changes" { get => changes::json }
    "/search" as "/search" { get => search::json }
    "/suggest" as "/suggest" { get => search::suggest }
    "/events/{id}" as "/events/{id}" { get => dashboard::json }
    "/openapi.json" as "/openapi.json" { get => openapi::document }
}

/// The document's introduction (for developers, hence in English).
const API_DESCRIPTION: &str = "Carnet's JSON API, version 1. Every answer is JSON \
    (UTF-8) unless said otherwise; every refusal is `{\"error\": {\"code\", \"message\"}}` \
    (`application/json`, not RFC 9457 problem details), with a stable `code` and a \
    `message` in the caller's language (`Accept-Language`, French by default).\n\n\
    Authentication is optional on every route. A script sends a personal token \
    (`Authorization: Bearer carnet_…`, made on the account's \"API tokens\" page, \
    `/account/tokens`, read-only or read-write) and acts as its owner; a bad token \
    gets 401 `invalid_token` and a read-only token's write 403 `token_read_only`, \
    whatever the route. A browser's session cookie works too: its writes (and \
    anonymous ones) must come from this site (`Origin`), else 403 `cross_origin`. \
    Logged-out writers, when the wiki allows them, are signed by a temporary identity \
    whose session cookie comes with the answer.\n\n\
    Saves and uploads are rate limited (429 `rate_limited`, `Retry-After`). \
    A readable version of this document is at `/wiki/Spécial:API`.";

/// The two ways to authenticate, added to the document's components.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("carnet_<64 hex digits>")
                    .description(Some(
                        "A personal API token, made on /account/tokens (read-only or \
                         read-write). The script acts as the token's owner.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::accounts::SESSION_COOKIE,
                "A browser's session cookie (logging in, or a temporary identity). \
                 Writes with it must come from this site (`Origin`), else 403 `cross_origin`.",
            ))),
        );
    }
}

/// The document as served: built and serialised once, with its validator.
struct Served {
    json: String,
    etag: String,
}

static DOCUMENT: LazyLock<Served> = LazyLock::new(|| {
    let json = ApiDoc::openapi().to_json().unwrap_or_else(|error| {
        log::error!("the OpenAPI document cannot be serialised: {error}");
        "{}".to_owned()
    });
    let hash = carnet_core::ContentHash::of(&json);
    let short: String = hash.as_str().chars().take(16).collect();
    Served {
        etag: format!("\"{short}\""),
        json,
    }
});

/// `GET /api/v1/openapi.json`: this document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    operation_id = "openapi",
    summary = "This OpenAPI document",
    description = "The OpenAPI 3.1 description of the JSON API, generated from Carnet's \
        code. No authentication needed; cacheable, with an `ETag`.",
    params(("If-None-Match" = Option<String>, Header, description = "A previous answer's `ETag`.")),
    responses(
        (status = 200, description = "The document.", body = serde_json::Value,
            headers(("ETag" = String, description = "Changes when the document does."))),
        (status = 304, description = "Not modified since the `ETag` sent."),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`), as on every route: send none.", body = crate::api::ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn document(req: HttpRequest) -> HttpResponse {
    let served = &*DOCUMENT;
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .any(|tag| tag.trim() == served.etag || tag.trim() == "*")
        });
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, served.etag.clone()))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"));
    if fresh {
        response.finish()
    } else {
        response
            .content_type("application/json")
            .body(served.json.clone())
    }
}

/// 405 for a method a route does not answer, with the methods it does.
async fn method_not_allowed(req: HttpRequest, methods: &[&str]) -> HttpResponse {
    let allow = methods
        .iter()
        .map(|method| method.to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(", ");
    let mut response = crate::api::problem_response(&req, &Problem::MethodNotAllowed);
    if let Ok(value) = header::HeaderValue::from_str(&allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

// ---------------------------------------------------------------------------------
// `Spécial:API`: the document for people.

#[derive(Template)]
#[template(path = "api.html")]
pub struct ApiPageView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub description: Vec<String>,
    pub version: String,
    pub tags: Vec<TagView>,
    pub schemas: Vec<SchemaView>,
    pub security: Vec<SecurityView>,
}

pub struct TagView {
    pub name: String,
    pub description: String,
    pub operations: Vec<OperationView>,
}

pub struct OperationView {
    /// The anchor (`op-getPage`).
    pub anchor: String,
    /// Upper case.
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub parameters: Vec<ParameterView>,
    pub body: Option<ContentView>,
    pub responses: Vec<ResponseView>,
    pub curl: String,
}

pub struct ParameterView {
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    pub required: bool,
    pub kind: TypeView,
    pub description: String,
}

pub struct ContentView {
    pub content_type: String,
    pub kind: TypeView,
    pub description: String,
}

pub struct ResponseView {
    pub status: String,
    pub description: String,
    pub content: Option<ContentView>,
    pub headers: Vec<String>,
}

/// A schema as a short label (`array of HistoryEntry`, `integer | null`), with a link
/// to the named schema it is about, if any.
pub struct TypeView {
    pub label: String,
    pub link: Option<String>,
}

pub struct SchemaView {
    pub name: String,
    pub anchor: String,
    pub description: String,
    /// `object` for most; an enumeration's values otherwise.
    pub kind: TypeView,
    pub properties: Vec<PropertyView>,
}

pub struct PropertyView {
    pub name: String,
    pub kind: TypeView,
    pub required: bool,
    pub description: String,
}

pub struct SecurityView {
    pub name: String,
    pub description: String,
}

/// `Spécial:API`.
pub async fn page(ctx: &Ctx<'_>) -> Result<HttpResponse, Problem> {
    let document: Value = serde_json::from_str(&DOCUMENT.json).map_err(Problem::internal)?;
    let tr = ctx.tr;
    let origin = {
        let info = ctx.req.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    };
    let view = ApiPageView {
        tr,
        chrome: ctx.chrome_for(tr.t("api-heading")),
        description: text(&document, &["info", "description"])
            .split("\n\n")
            .map(str::to_owned)
            .collect(),
        version: text(&document, &["info", "version"]),
        tags: tags(&document, &origin),
        schemas: schemas(&document),
        security: security(&document),
    };
    Ok(ctx.html_response(StatusCode::OK, &view))
}

/// A string at `path` in `value`, or empty.
fn text(value: &Value, path: &[&str]) -> String {
    let mut at = value;
    for key in path {
        match at.get(key) {
            Some(next) => at = next,
            None => return String::new(),
        }
    }
    at.as_str().unwrap_or_default().to_owned()
}

fn tags(document: &Value, origin: &str) -> Vec<TagView> {
    let mut tags: Vec<TagView> = document
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .map(|tag| TagView {
                    name: text(tag, &["name"]),
                    description: text(tag, &["description"]),
                    operations: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return tags;
    };
    // In the order of the route table, which reads well (pages first).
    for route in API_ROUTES {
        let Some(operation) = paths
            .get(route.path)
            .and_then(|item| item.get(route.method))
        else {
            continue;
        };
        let tag = operation
            .get("tags")
            .and_then(Value::as_array)
            .and_then(|tags| tags.first())
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let view = operation_view(document, route, operation, origin);
        match tags.iter_mut().find(|t| t.name == tag) {
            Some(found) => found.operations.push(view),
            None => tags.push(TagView {
                name: tag,
                description: String::new(),
                operations: vec![view],
            }),
        }
    }
    tags.retain(|tag| !tag.operations.is_empty());
    tags
}

fn operation_view(
    document: &Value,
    route: &ApiRoute,
    operation: &Value,
    origin: &str,
) -> OperationView {
    let parameters: Vec<ParameterView> = operation
        .get("parameters")
        .and_then(Value::as_array)
        .map(|parameters| {
            parameters
                .iter()
                .map(|parameter| ParameterView {
                    name: text(parameter, &["name"]),
                    location: text(parameter, &["in"]),
                    required: parameter
                        .get("required")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    kind: type_view(parameter.get("schema")),
                    description: text(parameter, &["description"]),
                })
                .collect()
        })
        .unwrap_or_default();
    let body = operation.get("requestBody").and_then(content_view);
    let responses = operation
        .get("responses")
        .and_then(Value::as_object)
        .map(|responses| {
            responses
                .iter()
                .map(|(status, response)| ResponseView {
                    status: status.clone(),
                    description: text(response, &["description"]),
                    content: content_view(response),
                    headers: response
                        .get("headers")
                        .and_then(Value::as_object)
                        .map(|headers| headers.keys().cloned().collect())
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let example = body_example(document, operation);
    let curl = curl(
        route,
        operation,
        &parameters,
        body.as_ref(),
        example,
        origin,
    );
    OperationView {
        anchor: format!("op-{}", text(operation, &["operationId"])),
        method: route.method.to_ascii_uppercase(),
        path: route.path.to_owned(),
        summary: text(operation, &["summary"]),
        description: text(operation, &["description"]),
        parameters,
        body,
        responses,
        curl,
    }
}

/// The first content of a request body or response.
fn content_view(holder: &Value) -> Option<ContentView> {
    let (content_type, media) = holder.get("content")?.as_object()?.iter().next()?;
    let schema = media.get("schema");
    Some(ContentView {
        content_type: content_type.clone(),
        kind: type_view(schema),
        description: text(holder, &["description"]),
    })
}

/// The name of a `#/components/schemas/X` reference.
fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

fn schema_anchor(name: &str) -> String {
    format!("schema-{name}")
}

fn type_view(schema: Option<&Value>) -> TypeView {
    let mut link = None;
    let label = match schema {
        Some(schema) => type_label(schema, &mut link),
        None => String::new(),
    };
    TypeView { label, link }
}

/// A short label for a schema; `link` gets the first named schema met.
fn type_label(schema: &Value, link: &mut Option<String>) -> String {
    if let Some(name) = ref_name(schema) {
        if link.is_none() {
            *link = Some(schema_anchor(name));
        }
        return name.to_owned();
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(parts) = schema.get(combinator).and_then(Value::as_array) {
            let labels: Vec<String> = parts.iter().map(|part| type_label(part, link)).collect();
            let joiner = if combinator == "allOf" { " + " } else { " | " };
            return labels.join(joiner);
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .map(|value| value.to_string())
            .collect::<Vec<_>>()
            .join(" | ");
    }
    let types: Vec<String> = match schema.get("type") {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    let labels: Vec<String> = types
        .iter()
        .map(|kind| match kind.as_str() {
            "array" => {
                let items = schema
                    .get("items")
                    .map(|items| type_label(items, link))
                    .unwrap_or_default();
                format!("array of {items}")
            }
            "string" => match schema.get("format").and_then(Value::as_str) {
                Some(format) => format!("string ({format})"),
                None => "string".to_owned(),
            },
            other => other.to_owned(),
        })
        .collect();
    if labels.is_empty() {
        "any".to_owned()
    } else {
        labels.join(" | ")
    }
}

fn schemas(document: &Value) -> Vec<SchemaView> {
    let Some(schemas) = document
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    schemas
        .iter()
        .map(|(name, schema)| {
            let mut properties = Vec::new();
            collect_properties(schema, schemas, &mut properties);
            SchemaView {
                name: name.clone(),
                anchor: schema_anchor(name),
                description: text(schema, &["description"]),
                kind: type_view(Some(schema)),
                properties,
            }
        })
        .collect()
}

/// A schema's properties, those of the schemas it is made of (`allOf`) first.
fn collect_properties(
    schema: &Value,
    schemas: &serde_json::Map<String, Value>,
    out: &mut Vec<PropertyView>,
) {
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            match ref_name(part).and_then(|name| schemas.get(name)) {
                Some(named) => collect_properties(named, schemas, out),
                None => collect_properties(part, schemas, out),
            }
        }
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            out.push(PropertyView {
                name: name.clone(),
                kind: type_view(Some(property)),
                required: required.contains(&name.as_str()),
                description: text(property, &["description"]),
            });
        }
    }
}

fn security(document: &Value) -> Vec<SecurityView> {
    document
        .get("components")
        .and_then(|c| c.get("securitySchemes"))
        .and_then(Value::as_object)
        .map(|schemes| {
            schemes
                .iter()
                .map(|(name, scheme)| SecurityView {
                    name: name.clone(),
                    description: text(scheme, &["description"]),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An example parameter value, for the curl line.
fn example_value(route: &ApiRoute, parameter: &ParameterView) -> Option<String> {
    match (parameter.name.as_str(), parameter.location.as_str()) {
        ("title", "path") if route.path.starts_with("/api/v1/files/") => {
            Some("Photo.jpg".to_owned())
        }
        ("title", "path") => Some("Accueil".to_owned()),
        ("id", "path") => Some("1".to_owned()),
        ("q", "query") => Some("ecole".to_owned()),
        ("to", "query") => Some("2".to_owned()),
        ("licence", "query") => Some("cc-by-sa-4.0".to_owned()),
        _ => None,
    }
}

/// The example of an operation's JSON request body (on the media type, or on its schema).
fn body_example(document: &Value, operation: &Value) -> Option<String> {
    let media = operation
        .get("requestBody")?
        .get("content")?
        .get("application/json")?;
    if let Some(example) = media.get("example") {
        return Some(example.to_string());
    }
    let mut schema = media.get("schema")?;
    if let Some(name) = ref_name(schema) {
        schema = document.get("components")?.get("schemas")?.get(name)?;
    }
    let example = match schema.get("example") {
        Some(example) => example,
        None => schema.get("examples")?.as_array()?.first()?,
    };
    Some(example.to_string())
}

/// A curl command trying the operation (a shell line; single quotes).
fn curl(
    route: &ApiRoute,
    operation: &Value,
    parameters: &[ParameterView],
    body: Option<&ContentView>,
    example: Option<String>,
    origin: &str,
) -> String {
    let mut path = route.path.to_owned();
    let mut query = Vec::new();
    for parameter in parameters {
        let Some(value) = example_value(route, parameter) else {
            continue;
        };
        match parameter.location.as_str() {
            "path" => path = path.replace(&format!("{{{}}}", parameter.name), &value),
            "query" => query.push(format!("{}={value}", parameter.name)),
            _ => {}
        }
    }
    let url = if query.is_empty() {
        format!("{origin}{path}")
    } else {
        format!("{origin}{path}?{}", query.join("&"))
    };
    let responses = operation.get("responses");
    let upgrade = responses.and_then(|r| r.get("101")).is_some();
    let stream = responses
        .and_then(|r| r.get("200"))
        .and_then(|r| r.get("content"))
        .and_then(|c| c.get("text/event-stream"))
        .is_some();
    let mut parts = vec!["curl".to_owned()];
    if upgrade {
        parts.push("-i -N -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: SGVsbG8sIHdvcmxkIQ=='".to_owned());
    } else if stream {
        parts.push("-N".to_owned());
    }
    if route.method != "get" {
        parts.push(format!("-X {}", route.method.to_ascii_uppercase()));
    }
    parts.push("-H 'Authorization: Bearer carnet_…'".to_owned());
    if let Some(body) = body {
        parts.push(format!("-H 'Content-Type: {}'", body.content_type));
        if body.content_type == "application/json" {
            let example = example.unwrap_or_else(|| "{}".to_owned());
            parts.push(format!("--data '{}'", example.replace('\'', "'\\''")));
        } else {
            parts.push("--data-binary @Photo.jpg".to_owned());
        }
    }
    parts.push(format!("'{url}'"));
    parts.join(" ")
}
