//! Who makes a request: nobody, the account of a session cookie, or the account of a
//! personal API token (`Authorization: Bearer carnet_…`).
//!
//! This is the one place that answers the question, so rights checks ask [`Caller`]
//! and never look at cookies or headers themselves. On `/api/v1` the [`api_guard`]
//! middleware resolves the caller once, refuses bad tokens (401) and refuses writes by
//! read-only tokens (403) or from other sites (403) before any handler runs.

use std::future::{Ready, ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use carnet_core::{ContentHash, TOKEN_PREFIX};
use carnet_store::{ApiToken, User};

use crate::AppState;
use crate::csrf;
use crate::problem::Problem;

/// Random bytes in a token; hex-encoded after the prefix.
pub const TOKEN_BYTES: usize = 32;

/// The author of a request.
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    /// A browser with a live session cookie.
    Session(User),
    /// A script with a personal API token.
    Token {
        user: User,
        token: ApiToken,
    },
}

impl Caller {
    /// The account acting, if any (edits are attributed to it).
    pub fn user(&self) -> Option<&User> {
        match self {
            Caller::Anonymous => None,
            Caller::Session(user) | Caller::Token { user, .. } => Some(user),
        }
    }

    /// Resolves an API request's caller. An `Authorization` header wins over cookies and
    /// must hold a live token: a bad one is refused, never treated as anonymous, so a
    /// script with a revoked token does not silently write under no name.
    pub async fn of_api_request(req: &HttpRequest, state: &AppState) -> Result<Caller, Problem> {
        let Some(authorization) = req.headers().get(header::AUTHORIZATION) else {
            return Ok(match crate::accounts::current_user(req, state).await {
                Some(user) => Caller::Session(user),
                None => Caller::Anonymous,
            });
        };
        let secret = authorization
            .to_str()
            .ok()
            .and_then(bearer_secret)
            .ok_or(Problem::BadToken)?;
        let hash = token_hash(secret);
        let store = state.store.clone();
        let found = web::block(move || store.api_token_user(&hash)).await??;
        let (user, token) = found.ok_or(Problem::BadToken)?;
        Ok(Caller::Token { user, token })
    }

    /// May this caller change something? Read-only tokens may not. Cookies are sent by
    /// browsers whatever site asks, so a cookie-carrying (or anonymous) write must come
    /// from this site; a token is no ambient credential, so a token's write need not.
    pub fn may_write(&self, req: &HttpRequest) -> Result<(), Problem> {
        match self {
            Caller::Token { token, .. } if token.read_only => Err(Problem::TokenReadOnly),
            Caller::Token { .. } => Ok(()),
            Caller::Anonymous | Caller::Session(_) => {
                if csrf::same_origin(req) {
                    Ok(())
                } else {
                    Err(Problem::CrossOrigin)
                }
            }
        }
    }
}

/// Handlers under [`api_guard`] take the caller it resolved.
impl FromRequest for Caller {
    type Error = actix_web::Error;
    type Future = Ready<Result<Caller, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.extensions().get::<Caller>() {
            Some(caller) => Ok(caller.clone()),
            None => Err(actix_web::error::ErrorInternalServerError(
                "the caller was not resolved: route outside api_guard",
            )),
        })
    }
}

/// Middleware of `/api/v1`: resolves the caller, refuses bad tokens and unwelcome
/// writes (any method but GET and HEAD) before routing, so a write route added later is
/// covered without doing anything.
pub async fn api_guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err(actix_web::error::ErrorInternalServerError("no app state"));
    };
    let checked = match Caller::of_api_request(req.request(), &state).await {
        Ok(caller) if !req.method().is_safe() => caller.may_write(req.request()).map(|()| caller),
        other => other,
    };
    match checked {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        Err(problem) => {
            let response = refusal(req.request(), &problem);
            Ok(req.into_response(response))
        }
    }
}

/// A JSON refusal; a 401 says how to authenticate (RFC 6750).
fn refusal(req: &HttpRequest, problem: &Problem) -> HttpResponse {
    let mut response = crate::api::problem_response(req, problem);
    if matches!(problem, Problem::BadToken) {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"carnet\", error=\"invalid_token\""),
        );
    }
    response
}

/// The secret of `Bearer carnet_<64 hex>`, or `None` for any other shape.
fn bearer_secret(value: &str) -> Option<&str> {
    let (scheme, secret) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let secret = secret.trim();
    let hex = secret.strip_prefix(TOKEN_PREFIX)?;
    (hex.len() == TOKEN_BYTES * 2 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(secret)
}

/// What the database keeps of a token.
pub fn token_hash(secret: &str) -> String {
    ContentHash::of(secret).as_str().to_owned()
}

/// A fresh token secret: the prefix and 32 random bytes in hex.
pub fn new_secret() -> Result<String, Problem> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(Problem::internal)?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{TOKEN_PREFIX}{hex}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_bearer_tokens_are_read() {
        let secret = new_secret().unwrap();
        assert!(secret.starts_with("carnet_") && secret.len() == 7 + 64);
        assert_ne!(secret, new_secret().unwrap());
        assert_eq!(
            bearer_secret(&format!("Bearer {secret}")),
            Some(secret.as_str())
        );
        assert_eq!(
            bearer_secret(&format!("bearer  {secret} ")),
            Some(secret.as_str())
        );
        assert_eq!(bearer_secret(&format!("Basic {secret}")), None);
        assert_eq!(bearer_secret(&secret), None);
        assert_eq!(bearer_secret("Bearer carnet_zz"), None);
        assert_eq!(bearer_secret(&format!("Bearer {}", "a".repeat(64))), None);
        assert_eq!(token_hash(&secret).len(), 64);
    }
}
