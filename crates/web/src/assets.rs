//! Static assets (`/static/…`: the stylesheet and the scripts), compiled into the
//! binary. Pages link them with a fingerprint of their content (`?v=` and 12 hex
//! digits of its SHA-256), so that answer may be kept for a year (`immutable`): a new
//! version of an asset gets a new URL. The same path without the fingerprint, or with
//! an older one, still answers with the current content, kept for five minutes only.
//! Every answer carries the fingerprint as `ETag` (304 through the `conditional`
//! middleware).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

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
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, format!("\"{current}\"")))
        .body(body)
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

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
