//! Form bodies must be UTF-8 once percent-decoded. actix's `Form` (serde_urlencoded)
//! decodes lossily, so `text=%FF` would be saved as "�" without a word; this middleware
//! refuses such a body with a clear 400 before any handler, for every form route
//! (present and future) at once.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::AppState;
use crate::problem::Problem;

/// The largest form body: text fields are percent-encoded (up to 3 bytes per byte).
pub fn form_limit(max_page_bytes: usize) -> usize {
    max_page_bytes.saturating_mul(3).saturating_add(64 * 1024)
}

/// Middleware: reads an `application/x-www-form-urlencoded` body, checks it and puts it
/// back for the handler's extractor.
pub async fn check_form_encoding(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !is_form(req.request()) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let limit = form_limit(state.store.max_page_bytes());
    let payload = req.extract::<web::Payload>().await?;
    let body = match payload.to_bytes_limited(limit).await {
        Ok(body) => body?,
        Err(_) => {
            let response = refusal(req.request(), &state, Problem::PayloadTooLarge(limit));
            return Ok(req.into_response(response));
        }
    };
    if !is_utf8_form(&body) {
        let response = refusal(req.request(), &state, Problem::BadEncoding);
        return Ok(req.into_response(response));
    }
    req.set_payload(Payload::from(body));
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn is_form(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Separators are ASCII, so the decoded body is UTF-8 exactly when every decoded name
/// and value is.
fn is_utf8_form(body: &[u8]) -> bool {
    let decoded: Vec<u8> = percent_encoding::percent_decode(body).collect();
    std::str::from_utf8(&decoded).is_ok()
}

fn refusal(req: &HttpRequest, state: &AppState, problem: Problem) -> HttpResponse {
    if req.path().starts_with("/api/") {
        crate::api::problem_response(req, &problem)
    } else {
        crate::views::Ctx::new(req, state).problem(problem)
    }
}

#[cfg(test)]
mod tests {
    use super::is_utf8_form;

    #[test]
    fn percent_decoded_bytes_must_be_utf8() {
        assert!(is_utf8_form(b"text=caf%C3%A9&summary=ok+go"));
        assert!(is_utf8_form("text=café".as_bytes()));
        assert!(!is_utf8_form(b"text=%FF"));
        assert!(!is_utf8_form(b"text=\xff"));
        assert!(!is_utf8_form(b"a=%C3&b=%A9"));
    }
}
