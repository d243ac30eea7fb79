//! Static assets (`/static/…`: the stylesheet and the scripts), compiled into the
//! binary. Pages link them with a fingerprint of their content (`?v=` and 12 hex
//! digits of its SHA-256), so that answer may be kept for a year (`immutable`): a new
//! version of an asset gets a new URL. The same path without the fingerprint, or with
//! an older one, still answers with the current content, kept for five minutes only.
//! Every answer carries the fingerprint as `ETag` (304 through the `conditional`
//! middleware). Browsers that accept gzip get the asset compressed once, at the best
//! level, and kept (the editor's script is 435 KB: compressing it for every newcomer of
//! a wiki-journée would cost more and send more).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use bytes::Bytes;

/// A year: fingerprinted URLs never change content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// URLs without the current fingerprint (old pages, hand-typed links).
pub const SHORT: &str = "public, max-age=300";

/// The fingerprinted URL of an asset served at `path`.
pub fn href(path: &str, body: &str) -> String {
    format!("{path}?v={}", fingerprint(body))
}

/// The fingerprint of an asset: 12 hex digits of the SHA-256 of its content.
pub fn fingerprint(body: &str) -> String {
    carnet_core::ContentHash::of(body)
        .as_str()
        .chars()
        .take(12)
        .collect()
}

/// Answers a request for an asset whose fingerprinted URL is `href`.
pub fn serve(
    req: &HttpRequest,
    body: &'static str,
    content_type: &'static str,
    href: &str,
) -> HttpResponse {
    let current = href.split_once("?v=").map(|(_, v)| v).unwrap_or_default();
    let asked = req
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("v="));
    let cache = if !current.is_empty() && asked == Some(current) {
        IMMUTABLE
    } else {
        SHORT
    };
    let mut response = HttpResponse::Ok();
    response
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::VARY, "Accept-Encoding"));
    if crate::page_cache::accepts_gzip(req)
        && let Some(compressed) = gzipped(href, body)
    {
        // Another representation, another strong tag (as the page cache does).
        return response
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .insert_header((header::ETAG, format!("\"{current}-gz\"")))
            .body(compressed);
    }
    response
        .insert_header((header::ETAG, format!("\"{current}\"")))
        .body(body)
}

/// The assets compressed so far, by fingerprinted URL: a handful, each made once.
static GZIPPED: LazyLock<Mutex<HashMap<String, Bytes>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// `body` gzipped at the best level, made at its first request and kept.
fn gzipped(href: &str, body: &'static str) -> Option<Bytes> {
    let mut kept = GZIPPED.lock().ok()?;
    if let Some(compressed) = kept.get(href) {
        return Some(compressed.clone());
    }
    let compressed = Bytes::from(
        crate::compress::gzip_bytes(body.as_bytes(), flate2::Compression::best()).ok()?,
    );
    kept.insert(href.to_owned(), compressed.clone());
    Some(compressed)
}

#[cfg(test)]
mod tests {
    use actix_web::body::MessageBody as _;
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn a_browser_gets_the_asset_compressed_once_with_its_own_tag() {
        use std::io::Read as _;
        let body: &'static str = "body { color: black; }\n".repeat(200).leak();
        let href = href("/static/gz.css", body);
        let ask = || {
            let req = TestRequest::get()
                .uri(&href)
                .insert_header((header::ACCEPT_ENCODING, "gzip, deflate, br"))
                .to_http_request();
            serve(&req, body, "text/css", &href)
        };
        let first = ask();
        let headers = first.headers();
        assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "gzip");
        assert_eq!(headers.get(header::VARY).unwrap(), "Accept-Encoding");
        assert_eq!(
            headers.get(header::ETAG).unwrap().to_str().unwrap(),
            format!("\"{}-gz\"", fingerprint(body))
        );
        assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), IMMUTABLE);
        let compressed = first.into_body().try_into_bytes().unwrap();
        let mut inflated = String::new();
        flate2::read::GzDecoder::new(compressed.as_ref())
            .read_to_string(&mut inflated)
            .unwrap();
        assert_eq!(inflated, body);
        // Kept: the second answer is the same bytes, not a second compression.
        let again = ask().into_body().try_into_bytes().unwrap();
        assert_eq!(again.as_ptr(), compressed.as_ptr());
        // Without gzip: the asset as it is, with the plain tag.
        let req = TestRequest::get().uri(&href).to_http_request();
        let plain = serve(&req, body, "text/css", &href);
        assert_eq!(plain.headers().get(header::CONTENT_ENCODING), None);
        assert_eq!(
            plain.headers().get(header::ETAG).unwrap().to_str().unwrap(),
            format!("\"{}\"", fingerprint(body))
        );
        assert_eq!(plain.into_body().try_into_bytes().unwrap(), body.as_bytes());
    }

    #[test]
    fn only_the_current_fingerprint_is_immutable() {
        let body = "body { }";
        let href = href("/static/x.css", body);
        let req = TestRequest::get().uri(&href).to_http_request();
        let answer = serve(&req, body, "text/css", &href);
        assert_eq!(
            answer.headers().get(header::CACHE_CONTROL).unwrap(),
            IMMUTABLE
        );
        let req = TestRequest::get().uri("/static/x.css").to_http_request();
        let answer = serve(&req, body, "text/css", &href);
        assert_eq!(answer.headers().get(header::CACHE_CONTROL).unwrap(), SHORT);
        let req = TestRequest::get()
            .uri("/static/x.css?v=000000000000")
            .to_http_request();
        let answer = serve(&req, body, "text/css", &href);
        assert_eq!(answer.headers().get(header::CACHE_CONTROL).unwrap(), SHORT);
        assert_eq!(
            answer
                .headers()
                .get(header::ETAG)
                .unwrap()
                .to_str()
                .unwrap(),
            format!("\"{}\"", fingerprint(body))
        );
    }
}
