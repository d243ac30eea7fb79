//! Sign up, log in, log out, change password; server-side sessions.
//!
//! Passwords are hashed with argon2id on the blocking pool (hashing takes tens of
//! milliseconds by design). The session cookie carries a random token; the database
//! keeps only its SHA-256, so several Carnet processes share sessions and a leaked table
//! opens none. The token changes at every login.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use askama::Template;
use carnet_core::{ContentHash, Role, UserName, check_password};
use carnet_store::User;
use chrono::{Duration, Utc};
use serde::Deserialize;

use crate::AppState;
use crate::csrf;
use crate::paths;
use crate::problem::Problem;
use crate::templates::AccountView;
use crate::views::Ctx;

pub const SESSION_COOKIE: &str = "carnet_session";
/// How long a session lasts without logging in again.
const SESSION_DAYS: i64 = 30;
const TOKEN_BYTES: usize = 32;

/// Hashes a password (argon2id, default OWASP-grade parameters, random salt).
pub fn hash_password(password: &str) -> Result<String, Problem> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(Problem::internal)
}

/// Whether `password` matches the stored PHC string.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash that costs as much to check as a real one: unknown names take as long as
/// wrong passwords, so timing does not tell which names exist.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("carnet-dummy-password").unwrap_or_default());

/// Whether the request carries something that looks like a session (it may still
/// turn out expired): such a reader is not served the anonymous page blindly.
pub(crate) fn has_session_cookie(req: &HttpRequest) -> bool {
    session_token(req).is_some()
}

fn session_token(req: &HttpRequest) -> Option<String> {
    req.cookie(SESSION_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|token| {
            token.len() == TOKEN_BYTES * 2 && token.bytes().all(|b| b.is_ascii_hexdigit())
        })
}

fn token_hash(token: &str) -> String {
    ContentHash::of(token).as_str().to_owned()
}

/// The user of the request's session, if it is live.
pub async fn current_user(req: &HttpRequest, state: &AppState) -> Option<User> {
    let token = session_token(req)?;
    let store = state.store.clone();
    match web::block(move || store.session_user(&token_hash(&token))).await {
        Ok(Ok(user)) => user,
        Ok(Err(error)) => {
            log::error!("session lookup failed: {error}");
            None
        }
        Err(error) => {
            log::error!("session lookup failed: {error}");
            None
        }
    }
}

fn new_token() -> Result<String, Problem> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(Problem::internal)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Opens a new session for `user` (ending the request's previous one) and returns
/// its cookie.
pub(crate) async fn open_session(
    req: &HttpRequest,
    state: &AppState,
    user: &User,
) -> Result<Cookie<'static>, Problem> {
    let token = new_token()?;
    let hash = token_hash(&token);
    let previous = session_token(req).map(|old| token_hash(&old));
    let store = state.store.clone();
    let user_id = user.id;
    web::block(move || -> Result<(), Problem> {
        if let Some(previous) = previous {
            store.delete_session(&previous)?;
        }
        store.create_session(user_id, &hash, Utc::now() + Duration::days(SESSION_DAYS))?;
        Ok(())
    })
    .await??;
    Ok(session_cookie(req, token))
}

/// A temporary identity promised to a logged-out live writer: its session cookie is
/// set when the WebSocket opens, but the identity (`~2026-42`) and the session row are
/// made only at their first update, so someone who only watches never gets one.
#[derive(Debug, Clone)]
pub struct PendingIdentity {
    token_hash: String,
    previous: Option<String>,
}

impl PendingIdentity {
    /// Makes the identity and opens the session its cookie names.
    pub fn create(&self, store: &carnet_store::Store) -> Result<User, carnet_store::StoreError> {
        let user = store.create_temporary_user(Utc::now())?;
        if let Some(previous) = &self.previous {
            store.delete_session(previous)?;
        }
        store.create_session(
            user.id,
            &self.token_hash,
            Utc::now() + Duration::days(SESSION_DAYS),
        )?;
        Ok(user)
    }
}

/// The cookie of a [`PendingIdentity`], nothing stored yet.
pub fn pending_identity(
    req: &HttpRequest,
    _state: &AppState,
) -> Result<(PendingIdentity, Cookie<'static>), Problem> {
    let token = new_token()?;
    let pending = PendingIdentity {
        token_hash: token_hash(&token),
        previous: session_token(req).map(|old| token_hash(&old)),
    };
    Ok((pending, session_cookie(req, token)))
}

fn session_cookie(req: &HttpRequest, token: String) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(csrf::is_https(req))
        .max_age(actix_web::cookie::time::Duration::days(SESSION_DAYS))
        .finish()
}

/// Gives a logged-out writer a temporary identity (`~2026-42`) and its session
/// cookie, at their first save: readers never get one, and the writer keeps the same
/// name for their following edits.
pub async fn temporary_identity(
    req: &HttpRequest,
    state: &AppState,
) -> Result<(User, Cookie<'static>), Problem> {
    let store = state.store.clone();
    let user = web::block(move || store.create_temporary_user(Utc::now())).await??;
    let cookie = open_session(req, state, &user).await?;
    Ok((user, cookie))
}

/// Query and form fields of the account pages.
#[derive(Debug, Default, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    current_password: String,
    #[serde(default, rename = "return")]
    return_to: String,
}

struct Page {
    mode: &'static str,
    problem: Option<Problem>,
    notice: Option<String>,
    show_form: bool,
    name: String,
    return_to: String,
}

fn render(ctx: &Ctx<'_>, page: Page) -> HttpResponse {
    let (heading, action, intro) = match page.mode {
        "signup" => (
            ctx.tr.t("account-signup"),
            "/account/signup",
            Some(ctx.tr.t("account-signup-intro")),
        ),
        "password" => (ctx.tr.t("account-password"), "/account/password", None),
        _ => (
            "".to_owned(),
            "/account/login",
            Some(ctx.tr.t("account-login-intro")),
        ),
    };
    let heading = if heading.is_empty() {
        ctx.tr.t("account-login")
    } else {
        heading
    };
    let status = page
        .problem
        .as_ref()
        .map(Problem::status)
        .unwrap_or(StatusCode::OK);
    let view = AccountView {
        tr: ctx.tr,
        chrome: ctx.chrome_for(heading.clone()),
        mode: page.mode,
        heading,
        intro,
        problem: page.problem.map(|problem| problem.message(ctx.tr)),
        notice: page.notice,
        show_form: page.show_form,
        action,
        csrf: ctx.csrf.value().to_owned(),
        name: page.name,
        return_to: page.return_to,
    };
    match view.render() {
        Ok(body) => {
            let mut response = HttpResponse::build(status);
            response.content_type("text/html; charset=utf-8");
            if let Some(cookie) = ctx.csrf.cookie(csrf::is_https(ctx.req)) {
                response.cookie(cookie);
            }
            response.body(body)
        }
        Err(error) => ctx.problem(Problem::internal(error)),
    }
}

fn local_return(return_to: &str, state: &AppState) -> String {
    if paths::is_local_path(return_to) {
        return_to.to_owned()
    } else {
        paths::page(&state.main_page)
    }
}

fn form_page(mode: &'static str, form: &AccountForm) -> Page {
    Page {
        mode,
        problem: None,
        notice: None,
        show_form: true,
        name: form.name.clone(),
        return_to: form.return_to.clone(),
    }
}

/// `GET /account/signup`, `/account/login`, `/account/password`.
pub async fn account_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    mode: web::Path<String>,
    query: web::Query<AccountForm>,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    let mode = match mode.as_str() {
        "signup" => "signup",
        "login" => "login",
        "password" => "password",
        _ => return ctx.problem(Problem::PageNotFound),
    };
    if mode == "password" && ctx.user.is_none() {
        let mut page = form_page("login", &query);
        page.problem = Some(Problem::LoginRequired);
        page.return_to = "/account/password".to_owned();
        return render(&ctx, page);
    }
    render(&ctx, form_page(mode, &query))
}

/// `POST /account/signup`: creates the account and logs in.
pub async fn signup(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<AccountForm>,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    let form = form.into_inner();
    let mut page = form_page("signup", &form);
    if !csrf::form_is_genuine(&req, &form.csrf_token) {
        page.problem = Some(Problem::Csrf);
        return render(&ctx, page);
    }
    let result = async {
        let name = UserName::parse(&form.name).map_err(Problem::BadUserName)?;
        check_password(&name, &form.password).map_err(Problem::Password)?;
        crate::limits::check_signup(&req, &state).await?;
        let password = form.password.clone();
        let store = state.store.clone();
        let created = web::block(move || -> Result<_, Problem> {
            let hash = hash_password(&password)?;
            Ok(store.create_user(&name, &hash, Role::Writer)?)
        })
        .await??;
        created.ok_or(Problem::NameTaken)
    }
    .await;
    match result {
        Ok(user) => match open_session(&req, &state, &user).await {
            Ok(cookie) => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, local_return(&form.return_to, &state)))
                .cookie(cookie)
                .finish(),
            Err(problem) => ctx.problem(problem),
        },
        Err(problem) => {
            page.problem = Some(problem);
            render(&ctx, page)
        }
    }
}

/// `POST /account/login`.
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<AccountForm>,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    let form = form.into_inner();
    let mut page = form_page("login", &form);
    if !csrf::form_is_genuine(&req, &form.csrf_token) {
        page.problem = Some(Problem::Csrf);
        return render(&ctx, page);
    }
    if let Err(problem) = crate::limits::check_login(&req, &state, &form.name).await {
        page.problem = Some(problem);
        return render(&ctx, page);
    }
    let name = UserName::parse(&form.name).ok();
    let password = form.password.clone();
    let store = state.store.clone();
    let checked = web::block(move || -> Result<Option<User>, Problem> {
        let credentials = match &name {
            Some(name) => store.credentials(name)?,
            None => None,
        };
        match credentials {
            Some(credentials) if verify_password(&password, &credentials.password_hash) => {
                Ok(Some(credentials.user))
            }
            Some(_) => Ok(None),
            None => {
                // Same work as a real check.
                let _ = verify_password(&password, &DUMMY_HASH);
                Ok(None)
            }
        }
    })
    .await;
    let user = match checked {
        Ok(Ok(Some(user))) => user,
        Ok(Ok(None)) => {
            crate::limits::login_failed(&req, &state, &form.name).await;
            page.problem = Some(Problem::WrongCredentials);
            return render(&ctx, page);
        }
        Ok(Err(problem)) => return ctx.problem(problem),
        Err(error) => return ctx.problem(error.into()),
    };
    crate::limits::login_succeeded(&state, &form.name).await;
    match open_session(&req, &state, &user).await {
        Ok(cookie) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, local_return(&form.return_to, &state)))
            .cookie(cookie)
            .finish(),
        Err(problem) => ctx.problem(problem),
    }
}

/// `POST /account/logout`: ends the session here (and on every process sharing it).
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<AccountForm>,
) -> HttpResponse {
    let ctx = Ctx::new(&req, &state);
    if !csrf::form_is_genuine(&req, &form.csrf_token) {
        return ctx.problem(Problem::Csrf);
    }
    if let Some(token) = session_token(&req) {
        let store = state.store.clone();
        let ended = web::block(move || store.delete_session(&token_hash(&token))).await;
        if !matches!(ended, Ok(Ok(()))) {
            return ctx.problem(Problem::Internal);
        }
    }
    let mut expired = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    expired.make_removal();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::page(&state.main_page)))
        .cookie(expired)
        .finish()
}

/// `POST /account/password`: needs the current password; ends the other sessions.
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<AccountForm>,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    let form = form.into_inner();
    let mut page = form_page("password", &form);
    let Some(user) = ctx.user.clone() else {
        let mut page = form_page("login", &form);
        page.problem = Some(Problem::LoginRequired);
        return render(&ctx, page);
    };
    if !csrf::form_is_genuine(&req, &form.csrf_token) {
        page.problem = Some(Problem::Csrf);
        return render(&ctx, page);
    }
    if let Err(error) = check_password(&user.name, &form.password) {
        page.problem = Some(Problem::Password(error));
        return render(&ctx, page);
    }
    let store = state.store.clone();
    let keep = session_token(&req).map(|token| token_hash(&token));
    let current = form.current_password.clone();
    let new = form.password.clone();
    let changed = web::block(move || -> Result<bool, Problem> {
        let credentials = store
            .credentials(&user.name)?
            .ok_or(Problem::WrongCredentials)?;
        if !verify_password(&current, &credentials.password_hash) {
            return Ok(false);
        }
        store.set_password(user.id, &hash_password(&new)?, keep.as_deref())?;
        Ok(true)
    })
    .await;
    match changed {
        Ok(Ok(true)) => {
            page.show_form = false;
            page.notice = Some(ctx.tr.t("account-password-done"));
            render(&ctx, page)
        }
        Ok(Ok(false)) => {
            page.problem = Some(Problem::WrongCredentials);
            render(&ctx, page)
        }
        Ok(Err(problem)) => ctx.problem(problem),
        Err(error) => ctx.problem(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("une phrase de passe").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("une phrase de passe", &hash));
        assert!(!verify_password("une autre phrase", &hash));
        assert!(!verify_password("x", "not a hash"));
        // Salted: the same password hashes differently.
        assert_ne!(hash, hash_password("une phrase de passe").unwrap());
    }
}
