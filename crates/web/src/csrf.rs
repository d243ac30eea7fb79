//! Protection against cross-site requests.
//!
//! HTML forms carry a token that must equal the one in a `SameSite=Lax`, `HttpOnly`
//! cookie (double submit): another site can make a browser send the cookie but cannot
//! read it to put it in the form. Every state-changing request is also refused when
//! its `Origin` header names another site.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;

pub const CSRF_COOKIE: &str = "carnet_csrf";

/// 32 random bytes, hex-encoded.
const TOKEN_LEN: usize = 64;

/// The token of this request: the reader's existing one, or a new one to set.
#[derive(Debug, Clone)]
pub struct CsrfToken {
    value: String,
    fresh: bool,
    withheld: bool,
}

impl CsrfToken {
    /// No token at all: the read views of anonymous readers (page, history, diff,
    /// recent changes) are the same bytes for every one of them, so that shared caches
    /// may keep them; they carry no per-client token and set no cookie. The forms such
    /// a reader can use there lead to a page that hands out the token (the edit form,
    /// a confirmation), whose answer sets the cookie.
    pub fn withheld() -> CsrfToken {
        CsrfToken {
            value: String::new(),
            fresh: false,
            withheld: true,
        }
    }

    /// Whether this answer is one of those shared read views.
    pub fn is_withheld(&self) -> bool {
        self.withheld
    }

    pub fn of_request(req: &HttpRequest) -> CsrfToken {
        match req.cookie(CSRF_COOKIE) {
            Some(cookie) if is_token(cookie.value()) => CsrfToken {
                value: cookie.value().to_owned(),
                fresh: false,
                withheld: false,
            },
            _ => CsrfToken {
                value: new_token(),
                fresh: true,
                withheld: false,
            },
        }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    /// The cookie to set when the token is new.
    pub fn cookie(&self, secure: bool) -> Option<Cookie<'static>> {
        if !self.fresh {
            return None;
        }
        Some(
            Cookie::build(CSRF_COOKIE, self.value.clone())
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(secure)
                .finish(),
        )
    }
}

/// True when the form's token matches the cookie's and the request comes from this
/// site.
/// Refuses a form whose token is not the reader's, saying whether it came from another
/// site (the one check every state-changing form handler makes first).
pub fn check_form(req: &HttpRequest, submitted: &str) -> Result<(), crate::problem::Problem> {
    if form_is_genuine(req, submitted) {
        Ok(())
    } else if same_origin(req) {
        Err(crate::problem::Problem::Csrf)
    } else {
        Err(crate::problem::Problem::CrossOrigin)
    }
}

pub fn form_is_genuine(req: &HttpRequest, submitted: &str) -> bool {
    let Some(cookie) = req.cookie(CSRF_COOKIE) else {
        return false;
    };
    is_token(cookie.value()) && constant_time_eq(cookie.value(), submitted) && same_origin(req)
}

/// False when the browser says the request comes from another origin. Requests
/// without `Origin` (scripts, old browsers) pass: the other checks still apply.
pub fn same_origin(req: &HttpRequest) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match authority {
        Some(authority) => authority.eq_ignore_ascii_case(req.connection_info().host()),
        None => false,
    }
}

/// Whether the request arrived over HTTPS (directly or through a proxy that says so),
/// which decides the `Secure` flag of cookies.
pub fn is_https(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

fn is_token(value: &str) -> bool {
    value.len() == TOKEN_LEN && value.bytes().all(|b| b.is_ascii_hexdigit())
}

fn new_token() -> String {
    let mut bytes = [0u8; TOKEN_LEN / 2];
    if let Err(error) = getrandom::fill(&mut bytes) {
        // Without randomness no token can be trusted; an empty-looking token fails
        // every check, so forms are refused rather than forgeable.
        log::error!("no randomness for CSRF tokens: {error}");
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn tokens_are_random_hex() {
        let a = new_token();
        let b = new_token();
        assert!(is_token(&a));
        assert_ne!(a, b);
    }

    #[test]
    fn form_token_must_match_cookie() {
        let token = new_token();
        let req = TestRequest::default()
            .cookie(Cookie::new(CSRF_COOKIE, token.clone()))
            .to_http_request();
        assert!(form_is_genuine(&req, &token));
        assert!(!form_is_genuine(&req, &new_token()));
        assert!(!form_is_genuine(&req, ""));
        let without_cookie = TestRequest::default().to_http_request();
        assert!(!form_is_genuine(&without_cookie, &token));
    }

    #[test]
    fn other_origins_are_refused() {
        let token = new_token();
        let req = TestRequest::default()
            .insert_header((header::HOST, "wiki.example"))
            .insert_header((header::ORIGIN, "https://evil.example"))
            .cookie(Cookie::new(CSRF_COOKIE, token.clone()))
            .to_http_request();
        assert!(!form_is_genuine(&req, &token));
        let req = TestRequest::default()
            .insert_header((header::HOST, "wiki.example"))
            .insert_header((header::ORIGIN, "https://wiki.example"))
            .to_http_request();
        assert!(same_origin(&req));
        let req = TestRequest::default()
            .insert_header((header::ORIGIN, "null"))
            .to_http_request();
        assert!(!same_origin(&req));
    }
}
