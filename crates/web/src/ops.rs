//! Operations: request ids and the access log ([`observe`]), Prometheus metrics
//! (`GET /metrics`), liveness (`GET /healthz`), readiness (`GET /readyz`) and the
//! graceful stop of [`crate::serve_until_stopped`].
//!
//! Metrics go through the `metrics` facade (any crate may count with
//! `metrics::counter!`), recorded by `metrics-exporter-prometheus` without its HTTP
//! listener: [`metrics`] renders the recorder's handle. Every name starts with
//! `carnet_`; HTTP metrics are labelled with the route *pattern* (`/wiki/{title:.*}`),
//! never the raw path, so page titles do not multiply the series.
//!
//! A small `from_fn` middleware rather than `tracing-actix-web`: the request id, the
//! span, the route-pattern metrics and the access log written when the body is done
//! (bytes sent) are one place, with no second request-id scheme nor its dependencies.

use std::net::IpAddr;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use carnet_store::SaveOutcome;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing::Instrument as _;

use crate::AppState;

/// The request id header, read from a trusted proxy and always answered.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Who may read `/metrics` beyond direct loopback requests.
#[derive(Debug, Clone, Default)]
pub struct OpsConfig {
    /// With a token, `/metrics` answers `Authorization: Bearer TOKEN` from anywhere.
    pub metrics_token: Option<String>,
}

/// Set once the server is stopping: event streams end (see [`AccessLogBody`]).
static STOPPING: std::sync::LazyLock<tokio::sync::watch::Sender<bool>> =
    std::sync::LazyLock::new(|| tokio::sync::watch::Sender::new(false));

/// The server is stopping: open event streams (`text/event-stream`: "page changed",
/// dashboards) end now, so that they do not hold the stop until its timeout; browsers
/// reconnect (to another process behind the load balancer, or after the restart).
pub fn begin_stopping() {
    STOPPING.send_replace(true);
}

/// Resolves once [`begin_stopping`] was called.
fn stopping() -> Pin<Box<dyn std::future::Future<Output = ()>>> {
    let mut receiver = STOPPING.subscribe();
    Box::pin(async move {
        let _ = receiver.wait_for(|stopping| *stopping).await;
    })
}

/// The route pattern of a request answered before routing (the page cache's fast
/// path), so that its metrics need not match the path against every route again.
#[derive(Debug, Clone, Copy)]
pub struct RoutePattern(pub &'static str);

/// The request's id, left in its extensions for handlers (error pages, logs).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Request latency buckets, in seconds: 0.5 ms to 10 s.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often histogram samples are folded into their buckets.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static PROMETHEUS: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's metrics recorder, installed on first use. `None` when another
/// recorder was installed first (then `/metrics` answers 503).
pub fn prometheus() -> Option<&'static PrometheusHandle> {
    PROMETHEUS
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("carnet_http_request_duration_seconds".to_owned()),
                    LATENCY_BUCKETS,
                )
                .ok()?
                .install_recorder()
                .map_err(|error| log::error!("metrics recorder not installed: {error}"))
                .ok()?;
            describe();
            // Without its own listener the exporter does no upkeep: histogram samples
            // pile up until a scrape drains them, and nobody may ever scrape.
            let upkeep = handle.clone();
            let spawned = std::thread::Builder::new()
                .name("metrics-upkeep".to_owned())
                .spawn(move || {
                    loop {
                        std::thread::sleep(UPKEEP_EVERY);
                        upkeep.run_upkeep();
                    }
                });
            if let Err(error) = spawned {
                log::error!("metrics upkeep not started: {error}");
            }
            Some(handle)
        })
        .as_ref()
}

fn describe() {
    metrics::describe_counter!(
        "carnet_http_requests_total",
        "HTTP requests answered, by method, route pattern and status class"
    );
    metrics::describe_histogram!(
        "carnet_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to the response's headers, by route pattern"
    );
    metrics::describe_counter!(
        "carnet_saves_total",
        "Revisions saved (created pages included), by route: form, api, live, talk, restore, rollback"
    );
    metrics::describe_counter!(
        "carnet_merges_total",
        "Saves merged with edits made meanwhile, by route"
    );
    metrics::describe_counter!(
        "carnet_conflicts_total",
        "Saves refused with a conflict to resolve, by route"
    );
    metrics::describe_counter!(
        "carnet_save_transactions_total",
        "Database transactions that committed saves (on SQLite, saves queued for the writer share one)"
    );
    metrics::describe_gauge!(
        "carnet_live_sessions_open",
        "Live co-editing sessions open in this process"
    );
    metrics::describe_counter!(
        "carnet_page_cache_hits_total",
        "Anonymous page views answered from this process's page cache"
    );
    metrics::describe_counter!(
        "carnet_page_cache_misses_total",
        "Anonymous page views the page cache could not answer (built, then kept)"
    );
    metrics::describe_gauge!(
        "carnet_page_cache_pages",
        "Pages kept in this process's page cache"
    );
    metrics::describe_gauge!(
        "carnet_page_cache_bytes",
        metrics::Unit::Bytes,
        "Compressed bytes kept in this process's page cache"
    );
    metrics::describe_gauge!(
        "carnet_page_cache_budget_bytes",
        metrics::Unit::Bytes,
        "The page cache's budget (page_cache_mb)"
    );
    metrics::describe_counter!(
        "carnet_render_cache_hits_total",
        "Page views built with the article HTML from the render cache"
    );
    metrics::describe_counter!(
        "carnet_render_cache_misses_total",
        "Page views rendered because the render cache had no HTML for the revision"
    );
}

/// Counts a save's outcome; `via` names the route (form, api, live, talk, restore,
/// rollback).
pub fn record_save(via: &'static str, outcome: &SaveOutcome) {
    match outcome {
        SaveOutcome::Created(_) | SaveOutcome::Saved { merged: false, .. } => {
            metrics::counter!("carnet_saves_total", "via" => via).increment(1);
        }
        SaveOutcome::Saved { merged: true, .. } => {
            metrics::counter!("carnet_saves_total", "via" => via).increment(1);
            metrics::counter!("carnet_merges_total", "via" => via).increment(1);
        }
        SaveOutcome::Conflict { .. } => {
            metrics::counter!("carnet_conflicts_total", "via" => via).increment(1);
        }
        SaveOutcome::Unchanged(_) => {}
    }
}

/// Counts a page view's use of the render cache (the page cache, in front of it, counts
/// its own in `page_cache.rs`).
pub fn record_render_cache(hit: bool) {
    if hit {
        metrics::counter!("carnet_render_cache_hits_total").increment(1);
    } else {
        metrics::counter!("carnet_render_cache_misses_total").increment(1);
    }
}

/// A request id from a trusted proxy: 1 to 128 characters among letters, digits and
/// `-_.:` (anything else could forge log lines or headers), or none.
fn incoming_request_id(req: &ServiceRequest, trusted: bool) -> Option<String> {
    if !trusted {
        return None;
    }
    let value = req.headers().get(&REQUEST_ID)?.to_str().ok()?;
    let sane = !value.is_empty()
        && value.len() <= 128
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    sane.then(|| value.to_owned())
}

/// A new request id, written like a random UUID (version 4).
///
/// Ids must be unique, not unguessable: a random starting point drawn once, then a
/// counter mixed through a bijection (SplitMix64's finaliser), so two ids never
/// repeat within a process and look unrelated — without a system call per request.
pub fn new_request_id() -> String {
    static BASE: std::sync::LazyLock<u128> = std::sync::LazyLock::new(|| {
        let mut bytes = [0u8; 16];
        if getrandom::fill(&mut bytes).is_err() {
            // No randomness (should not happen): the clock still tells processes apart.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|elapsed| elapsed.as_nanos())
                .unwrap_or_default();
            bytes = nanos.to_be_bytes();
        }
        u128::from_be_bytes(bytes)
    });
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let base = *BASE;
    let high = mix((base >> 64) as u64 ^ n);
    let low = mix(base as u64 ^ n.rotate_left(32));
    let mut value = (u128::from(high) << 64) | u128::from(low);
    // Version 4 (random), variant RFC 4122.
    value = (value & !(0xf << 76)) | (0x4 << 76);
    value = (value & !(0x3 << 62)) | (0x2 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        value >> 96,
        (value >> 80) & 0xffff,
        (value >> 64) & 0xffff,
        (value >> 48) & 0xffff,
        value & 0xffff_ffff_ffff
    )
}

/// SplitMix64's finaliser: a bijection of 64-bit numbers that scatters neighbours.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Paths not worth an access log line at `info` (assets; counted all the same).
fn quiet(path: &str) -> bool {
    path.starts_with("/static/") || path == "/healthz" || path == "/readyz" || path == "/metrics"
}

/// The outermost middleware: gives the request an id (a trusted proxy's, or a new
/// one), runs it inside a tracing span carrying that id, answers the id in
/// `X-Request-Id`, counts the request and its latency, and writes the access log line
/// once the body is sent (method, path, status, bytes, duration).
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<AccessLogBody>, actix_web::Error> {
    let started = Instant::now();
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.limits.trust_proxy);
    let id = incoming_request_id(&req, trusted).unwrap_or_else(new_request_id);
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let span = tracing::info_span!("request", request_id = %id, method = %method, path = %path);
    req.extensions_mut().insert(RequestId(id.clone()));
    // Handlers' errors arrive as responses (actix converts them at the handler); an
    // `Err` here comes from a middleware and is answered by actix itself, after us.
    let response = match next.call(req).instrument(span.clone()).await {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => {
            let status = error.as_response_error().status_code();
            count(&method, "(error)".to_owned(), status, started);
            let _entered = span.enter();
            tracing::info!(target: "carnet::access", status = status.as_u16(), error = %error, "failed");
            return Err(error);
        }
    };
    let mut response = response;
    let status = response.status();
    let known = response
        .request()
        .extensions()
        .get::<RoutePattern>()
        .copied();
    let route = match known {
        Some(RoutePattern(pattern)) => pattern.to_owned(),
        None => response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "(unmatched)".to_owned()),
    };
    count(&method, route, status, started);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    if *STOPPING.borrow() {
        // Stopping: no more requests on this connection (keep-alive clients would
        // otherwise hold the stop until its timeout).
        response
            .response_mut()
            .head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
    }
    let quiet = quiet(&path);
    let event_stream = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/event-stream"));
    Ok(response.map_body(move |_, body| AccessLogBody {
        body,
        bytes: 0,
        started,
        status,
        span,
        quiet,
        stop: event_stream.then(stopping),
    }))
}

/// Counts a request in `carnet_http_requests_total` and its latency.
fn count(method: &str, route: String, status: StatusCode, started: Instant) {
    let class = match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    metrics::counter!(
        "carnet_http_requests_total",
        "method" => method.to_owned(),
        "route" => route.clone(),
        "status" => class,
    )
    .increment(1);
    metrics::histogram!("carnet_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
}

/// A response body that counts what is sent and writes the access log line when it
/// is done (or dropped: the client went away).
pub struct AccessLogBody {
    body: BoxBody,
    bytes: u64,
    started: Instant,
    status: StatusCode,
    span: tracing::Span,
    quiet: bool,
    /// For event streams: resolves when the server stops, which ends the stream.
    stop: Option<Pin<Box<dyn std::future::Future<Output = ()>>>>,
}

impl MessageBody for AccessLogBody {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        if let Some(stop) = &mut self.stop
            && stop.as_mut().poll(cx).is_ready()
        {
            return Poll::Ready(None);
        }
        let polled = Pin::new(&mut self.body).poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &polled {
            self.bytes = self
                .bytes
                .saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        }
        polled
    }
}

impl Drop for AccessLogBody {
    fn drop(&mut self) {
        let duration_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        let status = self.status.as_u16();
        let _entered = self.span.enter();
        if self.quiet {
            tracing::debug!(target: "carnet::access", status, bytes = self.bytes, duration_ms, "served");
        } else {
            tracing::info!(target: "carnet::access", status, bytes = self.bytes, duration_ms, "served");
        }
    }
}

/// `GET /healthz`: the process answers (no database access).
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body("ok\n")
}

/// How long readiness waits for a database connection.
const READY_WAIT: Duration = Duration::from_secs(3);

/// `GET /readyz`: 200 when the database answers and every embedded migration is
/// applied; 503 with the reason (JSON) otherwise. Load balancers send traffic only
/// to ready processes.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let store = state.store.clone();
    let checked = web::block(move || store.pending_migrations(READY_WAIT)).await;
    let (status, body) = match checked {
        Ok(Ok(pending)) if pending.is_empty() => {
            (StatusCode::OK, serde_json::json!({ "status": "ready" }))
        }
        Ok(Ok(pending)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({
                "status": "unavailable",
                "reason": "migrations pending",
                "pending_migrations": pending,
            }),
        ),
        Ok(Err(error)) => {
            log::warn!("not ready: {error}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                // The error itself is logged, not shown: it may name internal hosts.
                serde_json::json!({
                    "status": "unavailable",
                    "reason": "database unreachable",
                }),
            )
        }
        Err(error) => {
            log::warn!("not ready: {error}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                serde_json::json!({
                    "status": "unavailable",
                    "reason": "no thread to check the database",
                }),
            )
        }
    };
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// Whether `req` may read the metrics: with the configured bearer token from anywhere;
/// without one, only a direct loopback connection (no `Forwarded`/`X-Forwarded-For`:
/// a reverse proxy on the same machine must not expose the metrics to the world).
fn may_read_metrics(req: &HttpRequest, config: &OpsConfig) -> bool {
    if let Some(token) = &config.metrics_token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default();
        return constant_time_eq(given.as_bytes(), token.as_bytes());
    }
    let proxied = req.headers().contains_key(header::FORWARDED)
        || req.headers().contains_key("x-forwarded-for");
    let loopback = req
        .peer_addr()
        .map(|peer| peer.ip())
        .is_some_and(|ip: IpAddr| ip.is_loopback());
    loopback && !proxied
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `GET /metrics`: the Prometheus text format, to whoever [`may_read_metrics`].
pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !may_read_metrics(&req, &state.ops) {
        return match state.ops.metrics_token {
            Some(_) => HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
                .content_type("text/plain; charset=utf-8")
                .body("a bearer token is required\n"),
            None => HttpResponse::Forbidden()
                .content_type("text/plain; charset=utf-8")
                .body(
                    "metrics are served to direct loopback clients only (or set metrics_token)\n",
                ),
        };
    }
    let Some(handle) = prometheus() else {
        return HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("no metrics recorder\n");
    };
    metrics::gauge!("carnet_live_sessions_open").set(state.live.open_sessions() as f64);
    // How full the page cache is, to size `page_cache_mb` against the memory it takes.
    let (pages, bytes) = state.page_cache.usage();
    metrics::gauge!("carnet_page_cache_pages").set(pages as f64);
    metrics::gauge!("carnet_page_cache_bytes").set(bytes as f64);
    metrics::gauge!("carnet_page_cache_budget_bytes").set(state.page_cache.budget() as f64);
    metrics::counter!("carnet_save_transactions_total").absolute(state.store.save_transactions());
    handle.run_upkeep();
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(handle.render())
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C), with the signal's name.
pub async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => "SIGTERM",
                    _ = int.recv() => "SIGINT",
                }
            }
            _ => {
                log::error!("cannot listen for SIGTERM and SIGINT");
                std::future::pending().await
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;

    #[test]
    fn request_ids_are_version_4_uuids() {
        let a = new_request_id();
        let b = new_request_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        let groups: Vec<&str> = a.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('4'));
        assert!(matches!(
            groups[3].chars().next(),
            Some('8' | '9' | 'a' | 'b')
        ));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abcdefghijklmnop", b"abcdefghijklmnop"));
        assert!(!constant_time_eq(b"abcdefghijklmnop", b"abcdefghijklmnoq"));
        assert!(!constant_time_eq(b"abcdefghijklmnop", b"abcdefghijklmno"));
        assert!(!constant_time_eq(b"", b"x"));
    }
}
