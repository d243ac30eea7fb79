//! Carnet's web front end: server-rendered HTML views (usable without JavaScript), the
//! JSON API v1, and the translations of the interface.
//!
//! The route table is [`configure`]; every handler reads its request, validates it
//! into domain types, calls the store off the async threads, and renders.

mod accounts;
mod api;
mod assets;
mod caller;
mod categories;
mod changes;
mod compress;
mod csrf;
mod dashboard;
mod editor;
mod events;
mod forms;
mod i18n;
mod limits;
mod live;
mod media;
mod moderation;
mod openapi;
pub mod ops;
pub mod page_cache;
mod paths;
mod portals;
mod problem;
mod rights;
mod search;
mod stale;
pub mod static_site;
mod talk;
mod templates;
mod tokens;
mod views;
mod watch;
mod wiki;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::error::UrlencodedError;
use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use carnet_core::{Author, Comment, MergeLabels, PageText, Title};
use carnet_store::{Edit, SaveOutcome, Store, StoreError};

pub use accounts::{hash_password, verify_password};
pub use i18n::{I18n, Lang};
pub use limits::LimitConfig;
pub use live::LiveHub;
/// The JSON API's routes, as registered (tests compare them with the OpenAPI document).
pub use openapi::{API_ROUTES, ApiRoute};
#[doc(hidden)]
pub use views::read_page_html;

/// The stylesheet, compiled in so the binary is self-contained.
const STYLESHEET: &str = include_str!("../../../web/static/carnet.css");
/// The stylesheet's URL, with a fingerprint of its content: browsers may keep it for a
/// year, and a new version of Carnet gets a new URL.
static STYLESHEET_HREF: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| assets::href("/static/carnet.css", STYLESHEET));

/// The welcome page written on first start.
const WELCOME_TEXT: &str = include_str!("../../../web/seed/Accueil.md");

/// Settings of the front end.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Worker threads; actix's default is one per core.
    pub workers: Option<usize>,
    /// How long requests in flight (and live sessions) have to finish once stopping.
    pub shutdown_timeout: std::time::Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            workers: None,
            shutdown_timeout: std::time::Duration::from_secs(30),
        }
    }
}

/// What every handler shares.
pub struct AppState {
    pub store: Store,
    pub i18n: I18n,
    pub main_page: Title,
    /// What the renderer writes into pages, in the wiki's content language.
    pub messages: carnet_render::Messages,
    /// Site-wide settings rights depend on (logged-out editing).
    pub policy: carnet_core::rights::Policy,
    /// Rate limits and where client addresses come from (defaults unless set).
    pub limits: LimitConfig,
    /// The live co-editing sessions open in this process.
    pub live: live::LiveHub,
    /// The pages open in edit forms here, watched for the "page changed" notice.
    pub watch: stale::PageWatch,
    /// Where uploaded files and thumbnails are kept. In memory unless set: `carnet
    /// serve` points it at `<data>/media` (see docs/ADMIN.md for object storage).
    pub blobs: carnet_store::BlobStore,
    /// What uploads may be (size, picture dimensions).
    pub media_limits: carnet_media::MediaLimits,
    /// Anonymous page views as finished, checked against the content generation
    /// (`page_cache.rs`).
    pub page_cache: page_cache::PageCache,
    /// Who may read `/metrics`.
    pub ops: ops::OpsConfig,
}

impl AppState {
    /// Plugs the renderer into the store (links are analysed on every save).
    pub fn new(store: Store) -> Result<AppState, String> {
        let i18n = I18n::new()?;
        let messages = wiki::content_messages(&i18n);
        let analyzer = wiki::RenderAnalyzer {
            messages: messages.clone(),
        };
        Ok(AppState {
            store: store.with_analyzer(Arc::new(analyzer)),
            i18n,
            main_page: Title::parse(paths::MAIN_PAGE).map_err(|e| e.to_string())?,
            messages,
            policy: carnet_core::rights::Policy::default(),
            limits: LimitConfig::default(),
            live: live::LiveHub::default(),
            watch: stale::PageWatch::default(),
            blobs: carnet_store::BlobStore::in_memory(),
            media_limits: carnet_media::MediaLimits::default(),
            page_cache: page_cache::PageCache::default(),
            ops: ops::OpsConfig::default(),
        })
    }
}

/// Creates the French welcome page if the wiki has none. Returns whether it did.
pub fn seed_welcome_page(store: &Store) -> Result<bool, StoreError> {
    let title = Title::parse(paths::MAIN_PAGE).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if store.page(&title)?.is_some() {
        return Ok(false);
    }
    let edit = Edit {
        title,
        text: PageText::new(WELCOME_TEXT, store.max_page_bytes())?,
        base: None,
        author: Author::new("Carnet").map_err(|e| StoreError::Corrupt(e.to_string()))?,
        user: None,
        comment: Comment::new("Page d'accueil").map_err(|e| StoreError::Corrupt(e.to_string()))?,
        minor: false,
        labels: MergeLabels::default(),
    };
    Ok(matches!(store.save(&edit)?, SaveOutcome::Created(_)))
}

/// The route table: every URL Carnet answers.
pub fn configure(cfg: &mut web::ServiceConfig, max_page_bytes: usize) {
    // Form fields are percent-encoded (up to 3 bytes per byte of text), JSON strings
    // escaped (up to 6 per byte for control characters; 2 covers real text).
    let form_limit = forms::form_limit(max_page_bytes);
    let json_limit = max_page_bytes.saturating_mul(2).saturating_add(64 * 1024);
    cfg.app_data(
        web::FormConfig::default()
            .limit(form_limit)
            .error_handler(form_error),
    )
    .app_data(
        web::JsonConfig::default()
            .limit(json_limit)
            .content_type_required(true)
            .error_handler(api::json_error),
    )
    .route("/", web::get().to(views::root))
    // Operations (docs/ADMIN.md, "Monitoring"): liveness, readiness, metrics.
    .route("/healthz", web::get().to(ops::healthz))
    .route("/readyz", web::get().to(ops::readyz))
    .route("/metrics", web::get().to(ops::metrics))
    .route("/static/carnet.css", web::get().to(stylesheet))
    .route("/static/editor.js", web::get().to(editor::script))
    .route("/static/editor-loader.js", web::get().to(editor::loader))
    .route("/static/search.js", web::get().to(search::script))
    .route("/static/stale.js", web::get().to(stale::script))
    .route("/language/{code}", web::get().to(views::choose_language))
    .route("/feeds/changes.atom", web::get().to(changes::atom))
    .route("/account/signup", web::post().to(accounts::signup))
    .route("/account/login", web::post().to(accounts::login))
    .route("/account/logout", web::post().to(accounts::logout))
    .route(
        "/account/password",
        web::post().to(accounts::change_password),
    )
    // Before `/account/{mode}`, which would take "tokens" for a mode.
    .service(
        web::resource("/account/tokens")
            .route(web::get().to(tokens::list_tokens))
            .route(web::post().to(tokens::create_token)),
    )
    .route(
        "/account/tokens/revoke",
        web::post().to(tokens::revoke_token),
    )
    .route("/account/{mode}", web::get().to(accounts::account_form))
    .route("/events", web::post().to(events::create_event))
    .route("/events/end", web::post().to(events::end_event))
    .service(
        web::resource("/events/{id}/join/{token}")
            .route(web::get().to(dashboard::join_form))
            .route(web::post().to(dashboard::join)),
    )
    .route("/events/{id}/live", web::get().to(dashboard::stream))
    .route(
        "/events/{id}/report.csv",
        web::get().to(dashboard::csv_report),
    )
    .route("/static/dashboard.js", web::get().to(dashboard::script))
    // Uploaded files: served from the blob store, never from a folder of the server.
    .route(
        "/media/thumb/{sha256}/{width}",
        web::get().to(media::thumbnail),
    )
    .route("/media/{sha256}/{name}", web::get().to(media::original))
    .service(
        web::resource("/wiki/{title:.*}")
            // Multipart bodies: the upload form (`Spécial:Téléverser`).
            .route(
                web::post()
                    .guard(actix_web::guard::fn_guard(media::is_multipart))
                    .to(media::upload_post),
            )
            .route(web::get().to(views::page_get))
            .route(web::head().to(views::page_get))
            .route(web::post().to(views::page_post)),
    )
    .service(
        web::scope("/api/v1")
            .wrap(actix_web::middleware::from_fn(caller::api_guard))
            // Every API route is in `openapi.rs`'s table, which its OpenAPI document
            // is generated from: add routes there, never here.
            .configure(openapi::register)
            .default_service(web::to(api::api_not_found)),
    )
    .default_service(web::to(not_found));
}

/// Starts the HTTP server on `listener`. It stops when its handle says so (or on
/// actix's own signal handling: [`serve_until_stopped`] is what `carnet serve` runs).
pub fn server(
    listener: TcpListener,
    state: AppState,
    config: &WebConfig,
) -> std::io::Result<Server> {
    build_server(listener, web::Data::new(state), config, true)
}

fn build_server(
    listener: TcpListener,
    state: web::Data<AppState>,
    config: &WebConfig,
    signals: bool,
) -> std::io::Result<Server> {
    page_cache::note_start();
    let max_page_bytes = state.store.max_page_bytes();
    let pool_size = state.store.pool_size();
    // The metrics recorder, installed once per process before the first request.
    ops::prometheus();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            // Innermost: anonymous page views from the page cache, before routing.
            .wrap(actix_web::middleware::from_fn(page_cache::serve_cached))
            .wrap(actix_web::middleware::from_fn(forms::check_form_encoding))
            .wrap(actix_web::middleware::from_fn(limits::retry_after_header))
            .wrap(security_headers())
            .wrap(actix_web::middleware::from_fn(page_cache::conditional))
            .wrap(actix_web::middleware::from_fn(compress::gzip))
            // Outermost: request id, span, metrics and the access log.
            .wrap(actix_web::middleware::from_fn(ops::observe))
            .configure(|cfg| configure(cfg, max_page_bytes))
    })
    .shutdown_timeout(config.shutdown_timeout.as_secs())
    .listen(listener)?;
    if !signals {
        server = server.disable_signals();
    }
    if let Some(workers) = config.workers {
        server = server.workers(workers);
    }
    // Threads for database work, per worker: past the pool's connections they only
    // wait for one, and each thread keeps allocator memory of its own (actix's default,
    // 512 in all, let 32 saves at once grow the server past 300 MB).
    let workers = config.workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    server = server.worker_max_blocking_threads(blocking_threads(pool_size, workers));
    Ok(server.run())
}

/// Blocking threads per worker: the database pool shared among the workers, four at
/// least (a worker waiting on slow reads still answers from the page cache).
fn blocking_threads(pool_size: u32, workers: usize) -> usize {
    (usize::try_from(pool_size).unwrap_or(usize::MAX) / workers.max(1)).max(4)
}

/// Serves until SIGTERM or SIGINT, then stops gracefully: no new connection is
/// accepted, live sessions save what was typed as a revision and close their
/// connections, and requests in flight (saves) get `shutdown_timeout` to finish.
pub async fn serve_until_stopped(
    listener: TcpListener,
    state: AppState,
    config: &WebConfig,
) -> std::io::Result<()> {
    let state = web::Data::new(state);
    let server = build_server(listener, state.clone(), config, false)?;
    let handle = server.handle();
    let mut running = actix_web::rt::spawn(server);
    let signal = tokio::select! {
        ended = &mut running => return ended.map_err(std::io::Error::other)?,
        signal = ops::stop_signal() => signal,
    };
    log::info!(
        "{signal}: stopping (up to {} s for requests in flight and live sessions)",
        config.shutdown_timeout.as_secs()
    );
    // Stop accepting first, then wind the live sessions down while the workers wait
    // for their connections (closing a session closes its WebSockets).
    ops::begin_stopping();
    let stopped = handle.stop(true);
    let saved = state.live.shutdown(config.shutdown_timeout).await;
    log::info!("live sessions closed: {saved}");
    stopped.await;
    running.await.map_err(std::io::Error::other)?
}

/// Headers that keep pages from being framed, sniffed or scripted from elsewhere.
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' https: data:; style-src 'self'; \
             script-src 'self'; object-src 'none'; frame-ancestors 'none'; \
             form-action 'self'; base-uri 'none'",
        ))
}

async fn stylesheet(req: HttpRequest) -> HttpResponse {
    assets::serve(
        &req,
        STYLESHEET,
        "text/css; charset=utf-8",
        &STYLESHEET_HREF,
    )
}

/// Unknown URLs: a translated 404 page.
async fn not_found(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    views::Ctx::new(&req, &state).problem(problem::Problem::PageNotFound)
}

/// Form bodies that cannot be read: too large, wrong type or malformed.
fn form_error(error: UrlencodedError, req: &HttpRequest) -> actix_web::Error {
    let problem = match &error {
        UrlencodedError::Overflow { limit, .. } => problem::Problem::PayloadTooLarge(*limit),
        UrlencodedError::ContentType => problem::Problem::FormContentType,
        _ => problem::Problem::BadParameter("form"),
    };
    let response = match req.app_data::<web::Data<AppState>>() {
        Some(state) => views::Ctx::new(req, state).problem(problem),
        None => HttpResponse::build(problem.status()).finish(),
    };
    actix_web::error::InternalError::from_response(error, response).into()
}
