//! Rate limits at the edge: sign-ups, failed logins, saves and page creations, per
//! account and per client address, counted in the database (shared by every process).
//!
//! The policy (keys, windows, how events relax per-IP limits) is
//! [`carnet_core::LimitPolicy`]; this module finds the client's address, asks the store
//! for open events and counts, and turns a refusal into [`Problem::RateLimited`]. The
//! `Retry-After` header is added by [`retry_after_header`] for HTML and JSON alike.

use std::net::{IpAddr, Ipv4Addr};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, web};
use carnet_core::{
    Account, LimitCheck, LimitPolicy, LimitedAction, Refusal, Title, UserName, account_key,
};
use carnet_store::{Store, StoreError, User};
use chrono::Utc;

use crate::AppState;
use crate::problem::Problem;

/// Rate limit settings of a server.
#[derive(Debug, Clone, Default)]
pub struct LimitConfig {
    pub policy: LimitPolicy,
    /// Take the client's address from the last `X-Forwarded-For` entry (the one the
    /// reverse proxy appended) instead of the TCP peer. Only behind a proxy: otherwise
    /// anyone could pick their own address.
    pub trust_proxy: bool,
}

/// The wait of a refused request, left on the request for [`retry_after_header`].
#[derive(Debug, Clone, Copy)]
struct RetryAfter(u64);

/// The client's address. Unknown addresses (no peer, e.g. a Unix socket) share one
/// counter.
pub fn client_ip(req: &HttpRequest, trust_proxy: bool) -> IpAddr {
    if trust_proxy
        && let Some(ip) = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .last()
            .and_then(|entry| entry.trim().parse::<IpAddr>().ok())
    {
        return ip;
    }
    req.peer_addr()
        .map(|peer| peer.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// Counts a save (and a creation when `title` does not exist yet) for the account, if
/// any, and the address. Refused: nothing must be saved.
pub async fn check_save(
    req: &HttpRequest,
    state: &AppState,
    user: Option<&User>,
    title: &Title,
) -> Result<(), Problem> {
    let ip = client_ip(req, state.limits.trust_proxy);
    let policy = state.limits.policy.clone();
    let user_id = user.map(|user| user.id);
    let title = title.clone();
    let store = state.store.clone();
    let outcome = web::block(move || -> Result<Result<(), Refusal>, StoreError> {
        let account = user_id.map(Account::User);
        let counted = |relaxed| {
            let saves = policy.checks(LimitedAction::Save, account, ip, relaxed);
            let creations = policy.checks(LimitedAction::Creation, account, ip, relaxed);
            (saves, creations)
        };
        let (mut checks, mut creations) = counted(false);
        if checks.is_empty() && creations.is_empty() {
            return Ok(Ok(()));
        }
        if event_relaxes(&store, ip)? {
            (checks, creations) = counted(true);
        }
        if !creations.is_empty() && !store.page_exists(&title)? {
            checks.extend(creations);
        }
        count(&store, &checks)
    })
    .await;
    settle(req, outcome)
}

/// Counts a sign-up attempt for the address.
pub async fn check_signup(req: &HttpRequest, state: &AppState) -> Result<(), Problem> {
    let ip = client_ip(req, state.limits.trust_proxy);
    let policy = state.limits.policy.clone();
    let store = state.store.clone();
    let outcome = web::block(move || {
        count(
            &store,
            &counters_for(&store, &policy, LimitedAction::Signup, None, ip)?,
        )
    })
    .await;
    settle(req, outcome)
}

/// Before checking a password: refused once the name or the address has used up its
/// failures, whatever the password (brute force gets nothing from trying on).
pub async fn check_login(req: &HttpRequest, state: &AppState, name: &str) -> Result<(), Problem> {
    let ip = client_ip(req, state.limits.trust_proxy);
    let policy = state.limits.policy.clone();
    let name = login_name(name);
    let store = state.store.clone();
    let outcome = web::block(move || -> Result<Result<(), Refusal>, StoreError> {
        let account = Some(Account::Name(&name));
        let checks = counters_for(&store, &policy, LimitedAction::LoginFailure, account, ip)?;
        let now = Utc::now().timestamp();
        let counts = store.peek_hits(&checks, now)?;
        Ok(carnet_core::verdict(&checks, &counts, now, false))
    })
    .await;
    settle(req, outcome)
}

/// Counts a failed login for the name and the address.
pub async fn login_failed(req: &HttpRequest, state: &AppState, name: &str) {
    let ip = client_ip(req, state.limits.trust_proxy);
    let policy = state.limits.policy.clone();
    let name = login_name(name);
    let store = state.store.clone();
    let counted = web::block(move || -> Result<(), StoreError> {
        let account = Some(Account::Name(&name));
        let checks = counters_for(&store, &policy, LimitedAction::LoginFailure, account, ip)?;
        store.count_hits(&checks, Utc::now().timestamp())?;
        Ok(())
    })
    .await;
    if !matches!(counted, Ok(Ok(()))) {
        log::error!("a failed login could not be counted");
    }
}

/// A successful login forgets the name's failures (not the address's: one valid
/// account must not reset an attacker's count).
pub async fn login_succeeded(state: &AppState, name: &str) {
    let policy = state.limits.policy.clone();
    let name = login_name(name);
    let store = state.store.clone();
    if policy.login_failures_per_account.is_off() {
        return;
    }
    let key = account_key(LimitedAction::LoginFailure, Account::Name(&name));
    let cleared = web::block(move || store.clear_hits(&key)).await;
    if !matches!(cleared, Ok(Ok(()))) {
        log::error!("login failures could not be cleared");
    }
}

/// Adds `Retry-After` (seconds) to the 429 answers of refused requests.
pub async fn retry_after_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let wait = response.request().extensions().get::<RetryAfter>().copied();
    if let Some(RetryAfter(seconds)) = wait
        && response.status() == StatusCode::TOO_MANY_REQUESTS
    {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Ok(response)
}

/// The name as accounts are found by it, so `marie` and `Marie` share a counter; a name
/// that is not valid is counted as typed.
fn login_name(typed: &str) -> String {
    UserName::parse(typed)
        .map(|name| name.as_str().to_owned())
        .unwrap_or_else(|_| typed.trim().to_owned())
}

/// The counters of `action`, with per-IP limits relaxed when an open event covers `ip`.
/// Events are only looked up when something is counted at all.
fn counters_for(
    store: &Store,
    policy: &LimitPolicy,
    action: LimitedAction,
    account: Option<Account<'_>>,
    ip: IpAddr,
) -> Result<Vec<LimitCheck>, StoreError> {
    let checks = policy.checks(action, account, ip, false);
    if checks.is_empty() {
        return Ok(checks);
    }
    let relaxed = event_relaxes(store, ip)?;
    Ok(if relaxed {
        policy.checks(action, account, ip, true)
    } else {
        checks
    })
}

/// Whether an open event covers `ip` now.
fn event_relaxes(store: &Store, ip: IpAddr) -> Result<bool, StoreError> {
    let now = Utc::now();
    Ok(store
        .open_event_windows(now)?
        .iter()
        .any(|window| window.relaxes(ip, now)))
}

fn count(store: &Store, checks: &[LimitCheck]) -> Result<Result<(), Refusal>, StoreError> {
    if checks.is_empty() {
        return Ok(Ok(()));
    }
    let now = Utc::now().timestamp();
    let counts = store.count_hits(checks, now)?;
    Ok(carnet_core::verdict(checks, &counts, now, true))
}

fn settle(
    req: &HttpRequest,
    outcome: Result<Result<Result<(), Refusal>, StoreError>, actix_web::error::BlockingError>,
) -> Result<(), Problem> {
    match outcome?? {
        Ok(()) => Ok(()),
        Err(refusal) => {
            req.extensions_mut()
                .insert(RetryAfter(refusal.retry_after_secs));
            Err(Problem::RateLimited(refusal))
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn the_proxy_header_is_trusted_only_when_asked() {
        let peer = "198.51.100.4:5000".parse().unwrap();
        let req = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("X-Forwarded-For", "203.0.113.1, 192.0.2.9"))
            .to_http_request();
        assert_eq!(
            client_ip(&req, false),
            "198.51.100.4".parse::<IpAddr>().unwrap()
        );
        // The last entry is the one the proxy appended; the first is the client's word,
        // and an entry the proxy did not write as an address is not trusted either.
        assert_eq!(
            client_ip(&req, true),
            "192.0.2.9".parse::<IpAddr>().unwrap()
        );
        let garbage = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("X-Forwarded-For", "192.0.2.9, unknown"))
            .to_http_request();
        assert_eq!(
            client_ip(&garbage, true),
            "198.51.100.4".parse::<IpAddr>().unwrap()
        );
        let no_peer = TestRequest::default().to_http_request();
        assert_eq!(
            client_ip(&no_peer, false),
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        );
    }

    #[test]
    fn login_names_share_a_counter_whatever_the_case_of_the_first_letter() {
        assert_eq!(login_name("marie"), login_name("Marie"));
        assert_eq!(login_name(" a/b "), "a/b");
    }
}
