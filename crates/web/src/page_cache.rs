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
//! a byte budget (`CARNET_PAGE_CACHE_MB`, default 32; 0 turns the cache off), least
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
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use lru::LruCache;
use sha2::{Digest, Sha256};

/// The default byte budget of the page cache.
const DEFAULT_BUDGET_MB: usize = 32;

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

/// A finished page view.
#[derive(Debug)]
pub struct CachedPage {
    /// The content generation read before the page was loaded.
    pub generation: i64,
    pub body: bytes::Bytes,
    pub etag: String,
    /// When a protection notice on the page runs out.
    pub valid_until: Option<DateTime<Utc>>,
    /// The page changed without a write at this time (an expired protection, the
    /// day's article of a portal): `Last-Modified` is never earlier.
    pub changed_without_write: Option<DateTime<Utc>>,
}

impl CachedPage {
    fn weight(&self) -> usize {
        self.body
            .len()
            .saturating_add(self.etag.len())
            .saturating_add(256)
    }
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

    /// Keeps a page, pushing out the least recently used ones beyond the budget.
    pub fn insert(&self, key: PageKey, page: CachedPage) {
        let weight = page.weight();
        if weight > self.budget / LARGEST_SHARE {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if let Some(old) = inner.pages.put(key, Arc::new(page)) {
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
    }

    /// Pages and bytes kept (tests, metrics).
    pub fn usage(&self) -> (usize, usize) {
        match self.inner.lock() {
            Ok(inner) => (inner.pages.len(), inner.bytes),
            Err(_) => (0, 0),
        }
    }
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

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
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

    fn page(generation: i64, size: usize) -> CachedPage {
        CachedPage {
            generation,
            body: bytes::Bytes::from(vec![b'x'; size]),
            etag: etag_of(&[]),
            valid_until: None,
            changed_without_write: None,
        }
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
