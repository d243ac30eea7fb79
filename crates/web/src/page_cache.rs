//! HTTP caching of pages: the in-process cache of anonymous page views, validators
//! (`ETag`, `Last-Modified`) and the answer to conditional requests (304).
//!
//! **The page cache.** An anonymous reader's page view is the same bytes for every
//! anonymous reader of that URL in that language (no per-client token: `csrf.rs`'s
//! withheld token). So the finished HTML is kept, keyed by (path and query, language,
//! UTC day — portals show an article of the day), with the **content generation** read
//! *before* the page was loaded (`Store::content_generation`: a one-row table bumped by
//! database triggers in the transaction of every change of what a page shows, whichever
//! process made it). A later request reads the generation again — one primary-key
//! query — and serves the kept bytes only if it has not moved, and no protection shown
//! on the page has expired since. A change committed while the page was being rendered
//! leaves the entry behind the generation, so it is never served. Memory is bounded by
//! a byte budget of compressed pages (`CARNET_PAGE_CACHE_MB`, default 64, some 16,000
//! pages of 17 KB; 0 turns the cache off), least
//! recently used pages going first. Hits and misses are counted through the `metrics`
//! facade (`carnet_page_cache_hits_total`, `carnet_page_cache_misses_total`).
//!
//! **Validators.** Every HTML answer to a GET carries a strong `ETag` (a hash of its
//! bytes, so it changes with anything on the page, and two processes give the same
//! one). Anonymous page views also carry `Last-Modified`: the later of the content
//! generation's last move, this process's start (a new Carnet may render differently)
//! and what makes a page change without a write (a protection running out, the day of
//! a portal); it is left out while that second is not over by a margin, so that a
//! change in the same second can never hide behind it. The `conditional` middleware
//! answers `If-None-Match` (which takes precedence) and `If-Modified-Since` with 304.

use std::sync::{Arc, Mutex};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage as _, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use lru::LruCache;
use sha2::{Digest, Sha256};

/// The default byte budget of the page cache.
const DEFAULT_BUDGET_MB: usize = 64;

/// Pages larger than this share of the budget are not kept (one huge page would
/// push out hundreds of ordinary ones).
const LARGEST_SHARE: usize = 8;

/// How long after the content generation's last move `Last-Modified` may be sent: a
/// change committed in the same second (or whose commit became visible a little
/// late) could otherwise carry the same date as the page sent before it.
const LAST_MODIFIED_MARGIN: i64 = 2;

/// `Cache-Control` of pages every anonymous reader gets alike: any cache may keep
/// them, and must ask again (with the validators) before each use, so an edit shows
/// at once.
pub const PUBLIC_REVALIDATE: &str = "public, no-cache";

/// `Cache-Control` of everything else: per-person pages, forms with tokens.
pub const PRIVATE_REVALIDATE: &str = "private, no-cache";

/// What a cached page is found by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    /// Path and query string, as requested.
    pub uri: String,
    pub lang: &'static str,
    pub day: NaiveDate,
}

/// A finished page view, kept gzip-compressed: browsers ask for gzip, so most
/// answers are these bytes as they are, and a page takes four to five times less
/// room (a wiki of 10,000 pages fits in some 60 MB). Readers that do not accept gzip
/// get it inflated.
#[derive(Debug)]
pub struct CachedPage {
    /// The content generation read before the page was loaded.
    pub generation: i64,
    gzip: bytes::Bytes,
    /// The entity tag of the uncompressed page (`etag_of`); the compressed one adds
    /// `-gz` (two representations, two strong tags).
    etag: String,
    /// When a protection notice on the page runs out.
    pub valid_until: Option<DateTime<Utc>>,
    /// The page changed without a write at this time (an expired protection, the
    /// day's article of a portal): `Last-Modified` is never earlier.
    pub changed_without_write: Option<DateTime<Utc>>,
}

/// How hard pages are compressed: the default level, paid once per page rendered.
const GZIP_LEVEL: u32 = 6;

impl CachedPage {
    /// Compresses `body` for keeping (`None` if compression failed, which it should not).
    pub fn new(
        generation: i64,
        body: &[u8],
        etag: String,
        valid_until: Option<DateTime<Utc>>,
        changed_without_write: Option<DateTime<Utc>>,
    ) -> Option<CachedPage> {
        let gzip = crate::compress::gzip_bytes(body, flate2::Compression::new(GZIP_LEVEL)).ok()?;
        Some(CachedPage {
            generation,
            // Kept for long, so copied to its exact size: the encoder's buffer has
            // spare capacity (doubled when a page compresses less than 3:1) that the
            // budget would not count. (`shrink_to_fit` may keep the block: mimalloc
            // shrinks in place down to half.)
            gzip: bytes::Bytes::copy_from_slice(&gzip),
            etag,
            valid_until,
            changed_without_write,
        })
    }

    fn weight(&self) -> usize {
        self.gzip
            .len()
            .saturating_add(self.etag.len())
            .saturating_add(256)
    }

    /// The answer to `req` (gzip when accepted), with `last_modified`; `None` if the
    /// kept bytes would not inflate (never expected: the caller renders afresh).
    pub fn answer(
        &self,
        req: &HttpRequest,
        last_modified: Option<DateTime<Utc>>,
    ) -> Option<HttpResponse> {
        let mut response = HttpResponse::Ok();
        response.content_type("text/html; charset=utf-8");
        response.insert_header((header::VARY, "Accept-Encoding, Accept-Language, Cookie"));
        response.insert_header((header::CACHE_CONTROL, PUBLIC_REVALIDATE));
        if let Some(at) = last_modified {
            response.insert_header((header::LAST_MODIFIED, http_date(at)));
        }
        if accepts_gzip(req) {
            response.insert_header((header::CONTENT_ENCODING, "gzip"));
            response.insert_header((header::ETAG, gzip_etag(&self.etag)));
            return Some(response.body(self.gzip.clone()));
        }
        let mut body = Vec::with_capacity(self.gzip.len().saturating_mul(4));
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(self.gzip.as_ref()),
            &mut body,
        )
        .ok()?;
        response.insert_header((header::ETAG, self.etag.as_str()));
        Some(response.body(body))
    }
}

/// The entity tag of the gzip representation of a page tagged `etag`.
fn gzip_etag(etag: &str) -> String {
    match etag.strip_suffix('"') {
        Some(open) => format!("{open}-gz\""),
        None => format!("{etag}-gz"),
    }
}

/// Whether the request's `Accept-Encoding` prefers gzip to no encoding at all.
pub fn accepts_gzip(req: &HttpRequest) -> bool {
    use actix_web::http::header::{AcceptEncoding, Encoding, Header as _};
    let Ok(accepted) = AcceptEncoding::parse(req) else {
        return false;
    };
    accepted
        .negotiate([Encoding::gzip(), Encoding::identity()].iter())
        .is_some_and(|chosen| chosen == Encoding::gzip())
}

struct Inner {
    pages: LruCache<PageKey, Arc<CachedPage>>,
    bytes: usize,
}

/// The in-process cache of anonymous page views (see the module documentation).
pub struct PageCache {
    inner: Mutex<Inner>,
    budget: usize,
}

/// The default budget; `carnet serve` sets the configured one (`page_cache_mb`).
impl Default for PageCache {
    fn default() -> Self {
        PageCache::with_budget(DEFAULT_BUDGET_MB.saturating_mul(1024 * 1024))
    }
}

impl PageCache {
    /// A cache holding at most `budget` bytes of pages (0: nothing is kept).
    pub fn with_budget(budget: usize) -> PageCache {
        PageCache {
            inner: Mutex::new(Inner {
                pages: LruCache::unbounded(),
                bytes: 0,
            }),
            budget,
        }
    }

    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The most bytes of pages kept.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// The kept page for `key`, current or not, without counting (the fast path looks
    /// before it reads the generation).
    pub fn peek(&self, key: &PageKey) -> Option<Arc<CachedPage>> {
        let Ok(inner) = self.inner.lock() else {
            return None;
        };
        inner.pages.peek(key).map(Arc::clone)
    }

    /// Counts a hit served by the fast path, which used [`PageCache::peek`] and marks
    /// the page as recently used.
    fn served(&self, key: &PageKey) {
        if let Ok(mut inner) = self.inner.lock() {
            let _ = inner.pages.get(key);
        }
        metrics::counter!("carnet_page_cache_hits_total").increment(1);
    }

    /// The kept page for `key` if it is still current at `generation`; a stale one is
    /// dropped. Counts the hit or miss.
    pub fn get(
        &self,
        key: &PageKey,
        generation: i64,
        now: DateTime<Utc>,
    ) -> Option<Arc<CachedPage>> {
        let found = {
            let Ok(mut inner) = self.inner.lock() else {
                return None;
            };
            match inner.pages.get(key) {
                Some(page)
                    if page.generation == generation
                        && page.valid_until.is_none_or(|until| until > now) =>
                {
                    Some(Arc::clone(page))
                }
                Some(_) => {
                    if let Some(stale) = inner.pages.pop(key) {
                        inner.bytes = inner.bytes.saturating_sub(stale.weight());
                    }
                    None
                }
                None => None,
            }
        };
        if found.is_some() {
            metrics::counter!("carnet_page_cache_hits_total").increment(1);
        } else {
            metrics::counter!("carnet_page_cache_misses_total").increment(1);
        }
        found
    }

    /// Keeps a page, pushing out the least recently used ones beyond the budget, and
    /// hands it back shared.
    pub fn insert(&self, key: PageKey, page: CachedPage) -> Arc<CachedPage> {
        let page = Arc::new(page);
        let weight = page.weight();
        if weight > self.budget / LARGEST_SHARE {
            return page;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return page;
        };
        if let Some(old) = inner.pages.put(key, Arc::clone(&page)) {
            inner.bytes = inner.bytes.saturating_sub(old.weight());
        }
        inner.bytes = inner.bytes.saturating_add(weight);
        while inner.bytes > self.budget {
            let Some((_, old)) = inner.pages.pop_lru() else {
                inner.bytes = 0;
                break;
            };
            inner.bytes = inner.bytes.saturating_sub(old.weight());
        }
        page
    }

    /// Pages and bytes kept (tests, metrics).
    pub fn usage(&self) -> (usize, usize) {
        match self.inner.lock() {
            Ok(inner) => (inner.pages.len(), inner.bytes),
            Err(_) => (0, 0),
        }
    }
}

/// The route pattern of page views, for the answers the fast path gives before
/// routing (`ops::observe` labels metrics with it).
pub const PAGE_ROUTE: &str = "/wiki/{title:.*}";

/// Answers an anonymous page view from the page cache before routing, when its kept
/// form is current: no session, no CSRF token, no handler — the path nearly every
/// reader of a wiki takes. Anything else (a session cookie, a page not kept, a stale
/// one, another method) goes on to the handler, which reads, renders and keeps.
/// Inside the other middlewares: security headers, `conditional` (304),
/// compression and the request log still apply.
pub async fn serve_cached(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if let Some(answer) = cached_answer(&req).await {
        req.extensions_mut()
            .insert(crate::ops::RoutePattern(PAGE_ROUTE));
        return Ok(req.into_response(answer));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

async fn cached_answer(req: &ServiceRequest) -> Option<HttpResponse> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) || !req.path().starts_with("/wiki/") {
        return None;
    }
    let state = req.app_data::<actix_web::web::Data<crate::AppState>>()?;
    let cache = &state.page_cache;
    if !cache.enabled() || crate::accounts::has_session_cookie(req.request()) {
        return None;
    }
    let now = Utc::now();
    let key = PageKey {
        uri: req.uri().path_and_query()?.as_str().to_owned(),
        lang: crate::i18n::Lang::of_request(req.request()).code(),
        day: now.date_naive(),
    };
    let page = cache.peek(&key)?;
    let generation = match state.store.content_generation_here() {
        Some(read) => read.ok()?,
        None => {
            let store = state.store.clone();
            actix_web::web::block(move || store.content_generation())
                .await
                .ok()?
                .ok()?
        }
    };
    if page.generation != generation.generation
        || page.valid_until.is_some_and(|until| until <= now)
    {
        return None;
    }
    let modified = last_modified(generation.changed_at, page.changed_without_write, now);
    let answer = page.answer(req.request(), modified)?;
    cache.served(&key);
    Some(answer)
}

/// A strong entity tag for `body`: 128 bits of its SHA-256.
pub fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// When this process started (pages it renders may differ from an older version's).
static STARTED: std::sync::LazyLock<DateTime<Utc>> = std::sync::LazyLock::new(Utc::now);

/// Touches the start time (called when the server starts).
pub fn note_start() {
    let _ = *STARTED;
}

/// The `Last-Modified` of an anonymous page view, or `None` when it cannot be told
/// safely yet (the last change is too recent).
pub fn last_modified(
    changed_at: chrono::NaiveDateTime,
    changed_without_write: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let changed = Utc.from_utc_datetime(&changed_at);
    let latest = [Some(changed), Some(*STARTED), changed_without_write]
        .into_iter()
        .flatten()
        .max()?;
    // Whole seconds, rounded up: HTTP dates have no fractions.
    let up = ceil_second(latest);
    (now >= up + Duration::seconds(LAST_MODIFIED_MARGIN)).then_some(up)
}

fn ceil_second(at: DateTime<Utc>) -> DateTime<Utc> {
    let floor = at.timestamp();
    let floor_at = Utc.timestamp_opt(floor, 0).single().unwrap_or(at);
    if floor_at == at {
        at
    } else {
        Utc.timestamp_opt(floor.saturating_add(1), 0)
            .single()
            .unwrap_or(at)
    }
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`). The last one written is kept per
/// thread: cached page views send the same date over and over, and formatting it
/// was a visible share of answering them.
pub fn http_date(at: DateTime<Utc>) -> String {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(DateTime<Utc>, String)>> =
            const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let Ok(mut last) = last.try_borrow_mut() else {
            return at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        };
        match last.as_ref() {
            Some((when, text)) if *when == at => text.clone(),
            _ => {
                let text = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
                *last = Some((at, text.clone()));
                text
            }
        }
    })
}

fn parse_http_date(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for it).
fn none_match_matches(header: &str, etag: &str) -> bool {
    let ours = etag.trim_start_matches("W/");
    header
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == ours)
}

/// Whether a GET or HEAD request may be answered 304 given the response's validators
/// (RFC 9110 §13.2.2: `If-None-Match` when present, else `If-Modified-Since`).
pub fn not_modified(req: &HttpRequest, etag: Option<&str>, last_modified: Option<&str>) -> bool {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return false;
    }
    if let Some(none_match) = req.headers().get(header::IF_NONE_MATCH) {
        let (Ok(none_match), Some(etag)) = (none_match.to_str(), etag) else {
            return false;
        };
        return none_match_matches(none_match, etag);
    }
    let (Some(since), Some(modified)) =
        (req.headers().get(header::IF_MODIFIED_SINCE), last_modified)
    else {
        return false;
    };
    match (
        since.to_str().ok().and_then(parse_http_date),
        parse_http_date(modified),
    ) {
        (Some(since), Some(modified)) => modified <= since,
        _ => false,
    }
}

/// Turns a successful GET answer whose validators match the request's conditions into
/// `304 Not Modified` (no body; the validators and caching headers kept).
pub async fn conditional(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let conditional = req.headers().contains_key(header::IF_NONE_MATCH)
        || req.headers().contains_key(header::IF_MODIFIED_SINCE);
    let response = next.call(req).await?.map_into_boxed_body();
    if !conditional || response.status() != StatusCode::OK {
        return Ok(response);
    }
    let headers = response.headers();
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let etag = text(header::ETAG);
    let modified = text(header::LAST_MODIFIED);
    if etag.is_none() && modified.is_none() {
        return Ok(response);
    }
    if !not_modified(response.request(), etag.as_deref(), modified.as_deref()) {
        return Ok(response);
    }
    let mut answer = HttpResponse::NotModified();
    for name in [
        header::ETAG,
        header::LAST_MODIFIED,
        header::CACHE_CONTROL,
        header::VARY,
        header::EXPIRES,
        header::CONTENT_LOCATION,
    ] {
        for value in headers.get_all(&name) {
            answer.append_header((name.clone(), value.clone()));
        }
    }
    let (request, _) = response.into_parts();
    Ok(ServiceResponse::new(request, answer.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept page of about `size` bytes (compressed: random letters barely shrink).
    fn page(generation: i64, size: usize) -> CachedPage {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64 ^ size as u64;
        let body: Vec<u8> = (0..size)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                b'a' + (seed % 26) as u8
            })
            .collect();
        CachedPage::new(generation, &body, etag_of(&body), None, None).unwrap()
    }

    fn key(uri: &str) -> PageKey {
        PageKey {
            uri: uri.to_owned(),
            lang: "fr",
            day: NaiveDate::default(),
        }
    }

    #[test]
    fn a_page_is_served_only_at_its_generation() {
        let cache = PageCache::with_budget(1 << 20);
        let now = Utc::now();
        cache.insert(key("/wiki/A"), page(7, 100));
        assert!(cache.get(&key("/wiki/A"), 7, now).is_some());
        assert!(cache.get(&key("/wiki/A"), 8, now).is_none());
        // The stale entry is gone, even for its old generation.
        assert!(cache.get(&key("/wiki/A"), 7, now).is_none());
        assert_eq!(cache.usage(), (0, 0));
    }

    #[test]
    fn the_byte_budget_pushes_out_the_least_recently_used() {
        let cache = PageCache::with_budget(20_000);
        let now = Utc::now();
        for n in 0..30 {
            cache.insert(key(&format!("/wiki/{n}")), page(1, 1000));
            assert!(cache.usage().1 <= 20_000);
        }
        assert!(cache.usage().0 > 10);
        assert!(cache.get(&key("/wiki/29"), 1, now).is_some());
        assert!(cache.get(&key("/wiki/0"), 1, now).is_none());
        // Too large for the budget's share: not kept.
        cache.insert(key("/wiki/big"), page(1, 5000));
        assert!(cache.get(&key("/wiki/big"), 1, now).is_none());
    }

    #[test]
    fn an_expired_protection_ends_the_entry() {
        let cache = PageCache::with_budget(1 << 20);
        let now = Utc::now();
        let mut protected = page(1, 10);
        protected.valid_until = Some(now + Duration::seconds(5));
        cache.insert(key("/wiki/P"), protected);
        assert!(cache.get(&key("/wiki/P"), 1, now).is_some());
        assert!(
            cache
                .get(&key("/wiki/P"), 1, now + Duration::seconds(6))
                .is_none()
        );
    }

    #[test]
    fn last_modified_waits_for_the_second_to_pass() {
        let now = Utc::now();
        let changed = (now - Duration::milliseconds(500)).naive_utc();
        assert_eq!(last_modified(changed, None, now), None);
        let later = now + Duration::seconds(5);
        let sent = last_modified(changed, None, later);
        assert!(sent.is_some_and(|at| at.timestamp_subsec_nanos() == 0));
        assert!(sent.is_some_and(|at| at >= Utc.from_utc_datetime(&changed)));
    }

    #[test]
    fn if_none_match_lists_and_weak_tags() {
        assert!(none_match_matches("\"a\", \"b\"", "\"b\""));
        assert!(none_match_matches("W/\"b\"", "\"b\""));
        assert!(none_match_matches("*", "\"b\""));
        assert!(!none_match_matches("\"c\"", "\"b\""));
    }

    #[test]
    fn http_dates_round_trip() {
        let at = Utc.timestamp_opt(784_111_777, 0).single().unwrap();
        assert_eq!(http_date(at), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_http_date(&http_date(at)), Some(at));
    }
}
