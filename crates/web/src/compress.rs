//! Gzip for the answers built in memory (every answer but the dashboard's event
//! stream), compressed in one go when the answer is complete.
//!
//! actix-web's `Compress` middleware makes its encoder (about 230 KB of deflate state)
//! when an answer starts, then compresses on the blocking pool, the one the database
//! work uses. Under 256 connections hundreds of answers waited there with their
//! encoders: 60 MB of the server's peak heap (heaptrack, `bench/load/memory.sh`). Here
//! an encoder lives only while it compresses, on the worker thread for ordinary pages
//! and on the blocking pool for the rare large answer, so at most one per thread.

use std::io::Write as _;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use bytes::Bytes;

/// Below this, gzip saves less than a network packet and costs an encoder's setup.
const MIN_SIZE: usize = 1024;

/// Above this, compressing would hold the worker's other connections for more than
/// about a millisecond: it moves to the blocking pool.
const INLINE_LIMIT: usize = 128 * 1024;

/// Middleware: compresses a complete answer with gzip when the reader accepts it and
/// the content is text, and says in `Vary` that the answer depends on it.
pub async fn gzip(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let accepts = crate::page_cache::accepts_gzip(req.request());
    let response = next.call(req).await?.map_into_boxed_body();
    if !compressible(response.status(), response.headers()) {
        return Ok(response);
    }
    let (request, mut response) = response.into_parts();
    add_vary_accept_encoding(response.headers_mut());
    if !accepts {
        return Ok(ServiceResponse::new(request, response));
    }
    let (head, body) = response.into_parts();
    let body = match body.try_into_bytes() {
        Ok(body) if body.len() >= MIN_SIZE => body,
        // Small, or streamed: sent as it is.
        Ok(body) => {
            return Ok(ServiceResponse::new(
                request,
                head.set_body(BoxBody::new(body)),
            ));
        }
        Err(body) => return Ok(ServiceResponse::new(request, head.set_body(body))),
    };
    let compressed = if body.len() <= INLINE_LIMIT {
        compress(&body)
    } else {
        web::block(move || compress(&body)).await?
    }
    .map_err(actix_web::error::ErrorInternalServerError)?;
    let mut response = head.set_body(BoxBody::new(compressed));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    headers.remove(header::CONTENT_LENGTH);
    weaken_etag(headers);
    Ok(ServiceResponse::new(request, response))
}

/// Whether an answer may be compressed: a body to send, text, not already encoded and
/// not marked `no-transform`.
fn compressible(status: StatusCode, headers: &HeaderMap) -> bool {
    if status.is_informational()
        || matches!(
            status,
            StatusCode::NO_CONTENT | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED
        )
        || headers.contains_key(header::CONTENT_ENCODING)
    {
        return false;
    }
    let no_transform = headers.get_all(header::CACHE_CONTROL).any(|value| {
        value.to_str().is_ok_and(|value| {
            value
                .split(',')
                .any(|directive| directive.trim().eq_ignore_ascii_case("no-transform"))
        })
    });
    !no_transform
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(is_text)
}

/// Text formats shrink; images, audio, video and archives are compressed already.
fn is_text(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("json")
        || essence.ends_with("xml")
        || essence.ends_with("javascript")
}

/// Adds `Accept-Encoding` to the answer's `Vary` (one header: some caches read only
/// the first).
fn add_vary_accept_encoding(headers: &mut HeaderMap) {
    let present: Vec<String> = headers
        .get_all(header::VARY)
        .filter_map(|value| value.to_str().ok())
        .map(str::to_owned)
        .collect();
    if present.iter().any(|value| {
        value.split(',').any(|name| {
            let name = name.trim();
            name == "*" || name.eq_ignore_ascii_case("accept-encoding")
        })
    }) {
        return;
    }
    let mut names = present;
    names.push("Accept-Encoding".to_owned());
    if let Ok(value) = HeaderValue::from_str(&names.join(", ")) {
        headers.insert(header::VARY, value);
    }
}

/// A compressed body is another series of bytes: a strong tag becomes weak, as nginx
/// does (`If-None-Match` compares weakly, so revalidation still answers 304).
fn weaken_etag(headers: &mut HeaderMap) {
    let Some(tag) = headers
        .get(header::ETAG)
        .and_then(|value| value.to_str().ok())
    else {
        return;
    };
    if tag.starts_with("W/") {
        return;
    }
    if let Ok(weak) = HeaderValue::from_str(&format!("W/{tag}")) {
        headers.insert(header::ETAG, weak);
    }
}

/// Gzip at the fastest level: these answers are compressed on every request (the page
/// cache and the static assets, compressed once, use better levels).
fn compress(body: &[u8]) -> std::io::Result<Bytes> {
    gzip_bytes(body, flate2::Compression::fast()).map(Bytes::from)
}

/// `body` as one gzip member, with an encoder that lives for this call only.
pub(crate) fn gzip_bytes(body: &[u8], level: flate2::Compression) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3 + 64), level);
    encoder.write_all(body)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use actix_web::middleware::from_fn;
    use actix_web::test::{TestRequest, call_service, init_service, read_body};
    use actix_web::{App, HttpResponse};

    use super::*;

    fn page() -> String {
        "<p>Une phrase qui se répète pour que la compression serve.</p>\n".repeat(100)
    }

    fn inflate(body: &[u8]) -> String {
        let mut text = String::new();
        flate2::read::GzDecoder::new(body)
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    /// Calls a one-route app answering `answer` through the middleware.
    async fn answer(
        answer: fn() -> HttpResponse,
        accept_encoding: Option<&str>,
    ) -> (actix_web::http::header::HeaderMap, Bytes) {
        let app = init_service(
            App::new()
                .wrap(from_fn(gzip))
                .route("/", web::get().to(move || async move { answer() })),
        )
        .await;
        let mut request = TestRequest::get().uri("/");
        if let Some(accepted) = accept_encoding {
            request = request.insert_header((header::ACCEPT_ENCODING, accepted));
        }
        let response = call_service(&app, request.to_request()).await;
        let headers = response.headers().clone();
        (headers, read_body(response).await)
    }

    fn html() -> HttpResponse {
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::VARY, "Accept-Language, Cookie"))
            .insert_header((header::ETAG, "\"abc\""))
            .body(page())
    }

    #[actix_web::test]
    async fn a_page_is_gzipped_for_a_browser_with_a_weak_tag() {
        let (headers, body) = answer(html, Some("gzip, deflate, br")).await;
        assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "gzip");
        assert_eq!(
            headers.get(header::VARY).unwrap(),
            "Accept-Language, Cookie, Accept-Encoding"
        );
        assert_eq!(headers.get(header::ETAG).unwrap(), "W/\"abc\"");
        assert!(body.len() * 10 < page().len(), "{}", body.len());
        assert_eq!(inflate(&body), page());
    }

    #[actix_web::test]
    async fn a_reader_without_gzip_gets_the_page_as_it_is() {
        for accepted in [None, Some("identity"), Some("gzip;q=0, identity")] {
            let (headers, body) = answer(html, accepted).await;
            assert_eq!(headers.get(header::CONTENT_ENCODING), None, "{accepted:?}");
            assert_eq!(headers.get(header::ETAG).unwrap(), "\"abc\"");
            // A shared cache must still know that the answer depends on it.
            assert!(
                headers
                    .get(header::VARY)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .ends_with("Accept-Encoding")
            );
            assert_eq!(body, page().as_bytes());
        }
    }

    #[actix_web::test]
    async fn small_answers_images_and_encoded_answers_are_left_alone() {
        fn small() -> HttpResponse {
            HttpResponse::Ok()
                .content_type("application/json")
                .body("{\"ok\":true}")
        }
        fn image() -> HttpResponse {
            HttpResponse::Ok()
                .content_type("image/png")
                .body(vec![0_u8; 8192])
        }
        fn stream_like() -> HttpResponse {
            HttpResponse::Ok()
                .content_type("text/event-stream")
                .insert_header((header::CONTENT_ENCODING, "identity"))
                .body(page())
        }
        fn no_transform() -> HttpResponse {
            HttpResponse::Ok()
                .content_type("text/plain")
                .insert_header((header::CACHE_CONTROL, "public, no-transform"))
                .body(page())
        }
        let (headers, body) = answer(small, Some("gzip")).await;
        assert_eq!(headers.get(header::CONTENT_ENCODING), None);
        assert_eq!(headers.get(header::VARY).unwrap(), "Accept-Encoding");
        assert_eq!(body, "{\"ok\":true}");
        let (headers, body) = answer(image, Some("gzip")).await;
        assert_eq!(headers.get(header::CONTENT_ENCODING), None);
        assert_eq!(headers.get(header::VARY), None);
        assert_eq!(body.len(), 8192);
        let (headers, body) = answer(stream_like, Some("gzip")).await;
        assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "identity");
        assert_eq!(body, page().as_bytes());
        let (headers, body) = answer(no_transform, Some("gzip")).await;
        assert_eq!(headers.get(header::CONTENT_ENCODING), None);
        assert_eq!(body, page().as_bytes());
    }

    #[actix_web::test]
    async fn a_large_answer_is_compressed_off_the_worker_thread_all_the_same() {
        fn large() -> HttpResponse {
            HttpResponse::Ok()
                .content_type("application/xml")
                .body(page().repeat(40))
        }
        let (headers, body) = answer(large, Some("gzip")).await;
        assert!(page().len() * 40 > INLINE_LIMIT);
        assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "gzip");
        assert_eq!(inflate(&body), page().repeat(40));
    }

    #[test]
    fn text_formats_are_told_from_binary_ones() {
        for text in [
            "text/html; charset=utf-8",
            "text/css",
            "application/json",
            "application/problem+json",
            "application/xml",
            "application/atom+xml",
            "text/javascript",
            "application/javascript",
            "image/svg+xml",
        ] {
            assert!(is_text(text), "{text}");
        }
        for binary in [
            "image/png",
            "image/webp",
            "application/zstd",
            "video/mp4",
            "",
        ] {
            assert!(!is_text(binary), "{binary}");
        }
    }
}
