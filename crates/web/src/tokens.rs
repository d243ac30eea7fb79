//! The account page's personal API tokens (`/account/tokens`): list, create (the
//! secret is shown once, right after creation, and never stored) and revoke. Plain
//! forms with the CSRF token, no JavaScript. How a token is read on the API is in
//! `caller.rs`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use carnet_core::TokenName;
use carnet_store::{ApiToken, User};
use serde::Deserialize;

use crate::AppState;
use crate::caller;
use crate::csrf;
use crate::i18n::Tr;
use crate::problem::Problem;
use crate::templates::Chrome;
use crate::views::Ctx;

const TOKENS_PATH: &str = "/account/tokens";

#[derive(Template)]
#[template(path = "tokens.html")]
pub struct TokensView<'a> {
    pub tr: Tr<'a>,
    pub chrome: Chrome,
    pub problem: Option<String>,
    pub notice: Option<String>,
    /// The new token, shown once.
    pub created: Option<CreatedToken>,
    pub tokens: Vec<TokenRow>,
    pub csrf: String,
    /// The create form, filled back after a refusal.
    pub name: String,
    pub write: bool,
}

pub struct CreatedToken {
    pub message: String,
    pub secret: String,
    pub usage: String,
}

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub created: String,
    pub last_used: String,
}

impl TokenRow {
    fn new(tr: Tr<'_>, token: &ApiToken) -> TokenRow {
        TokenRow {
            id: token.id,
            name: token.name.to_string(),
            scope: tr.t(if token.read_only {
                "tokens-scope-read"
            } else {
                "tokens-scope-write"
            }),
            created: tr.date(&token.created_at),
            last_used: match &token.last_used_at {
                Some(at) => tr.date(at),
                None => tr.t("tokens-never-used"),
            },
        }
    }
}

/// Fields of the create and revoke forms.
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    /// The checkbox: present when the token may write.
    #[serde(default)]
    write: Option<String>,
    #[serde(default)]
    token_id: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct TokensQuery {
    notice: Option<String>,
}

/// What one rendering of the page shows besides the list.
#[derive(Default)]
struct Shown {
    problem: Option<Problem>,
    notice: Option<String>,
    created: Option<(ApiToken, String)>,
    name: String,
    write: bool,
}

/// `GET /account/tokens`; logged-out readers are sent to the login form first.
pub async fn list_tokens(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<TokensQuery>,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    let Some(user) = ctx.user.clone() else {
        return HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                "/account/login?return=%2Faccount%2Ftokens",
            ))
            .finish();
    };
    let notice = match query.notice.as_deref() {
        Some("revoked") => Some(ctx.tr.t("tokens-revoked")),
        _ => None,
    };
    let shown = Shown {
        notice,
        ..Shown::default()
    };
    render(&ctx, &user, shown).await
}

/// `POST /account/tokens`: creates a token and shows its secret this once.
pub async fn create_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<TokenForm>,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    let user = match checked_user(&ctx, &form.csrf_token) {
        Ok(user) => user,
        Err(problem) => return ctx.problem(problem),
    };
    let write = form.write.is_some();
    let name = match TokenName::parse(&form.name) {
        Ok(name) => name,
        Err(error) => {
            let shown = Shown {
                problem: Some(Problem::BadTokenName(error)),
                name: form.name.clone(),
                write,
                ..Shown::default()
            };
            return render(&ctx, &user, shown).await;
        }
    };
    let secret = match caller::new_secret() {
        Ok(secret) => secret,
        Err(problem) => return ctx.problem(problem),
    };
    let hash = caller::token_hash(&secret);
    let store = state.store.clone();
    let user_id = user.id;
    match web::block(move || store.create_api_token(user_id, &name, &hash, !write)).await {
        Ok(Ok(token)) => {
            let shown = Shown {
                created: Some((token, secret)),
                ..Shown::default()
            };
            render(&ctx, &user, shown).await
        }
        Ok(Err(error)) => ctx.problem(error.into()),
        Err(error) => ctx.problem(error.into()),
    }
}

/// `POST /account/tokens/revoke`: revokes one of the reader's own tokens.
pub async fn revoke_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<TokenForm>,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    let user = match checked_user(&ctx, &form.csrf_token) {
        Ok(user) => user,
        Err(problem) => return ctx.problem(problem),
    };
    let Ok(id) = form.token_id.trim().parse::<i64>() else {
        return ctx.problem(Problem::BadParameter("token_id"));
    };
    let store = state.store.clone();
    let user_id = user.id;
    match web::block(move || store.revoke_api_token(user_id, id)).await {
        Ok(Ok(true)) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("{TOKENS_PATH}?notice=revoked")))
            .finish(),
        Ok(Ok(false)) => {
            let shown = Shown {
                problem: Some(Problem::TokenNotFound),
                ..Shown::default()
            };
            render(&ctx, &user, shown).await
        }
        Ok(Err(error)) => ctx.problem(error.into()),
        Err(error) => ctx.problem(error.into()),
    }
}

/// The CSRF check first (a forged request learns nothing), then the login.
fn checked_user(ctx: &Ctx<'_>, submitted: &str) -> Result<User, Problem> {
    csrf::check_form(ctx.req, submitted)?;
    ctx.user.clone().ok_or(Problem::LoginRequired)
}

async fn render(ctx: &Ctx<'_>, user: &User, shown: Shown) -> HttpResponse {
    let store = ctx.state.store.clone();
    let user_id = user.id;
    let tokens = match web::block(move || store.api_tokens(user_id)).await {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(error)) => return ctx.problem(error.into()),
        Err(error) => return ctx.problem(error.into()),
    };
    let tr = ctx.tr;
    let status = match (&shown.problem, &shown.created) {
        (Some(problem), _) => problem.status(),
        (None, Some(_)) => StatusCode::CREATED,
        (None, None) => StatusCode::OK,
    };
    let usage_url = format!(
        "{}://{}/api/v1/pages/{}",
        ctx.req.connection_info().scheme(),
        ctx.req.connection_info().host(),
        ctx.state.main_page.url_encoded()
    );
    let view = TokensView {
        tr,
        chrome: ctx.chrome_for(tr.t("tokens-heading")),
        problem: shown.problem.map(|problem| problem.message(tr)),
        notice: shown.notice,
        created: shown.created.map(|(token, secret)| CreatedToken {
            message: tr.t1("tokens-created", "name", token.name.as_str()),
            secret,
            usage: tr.t1("tokens-created-usage", "url", &usage_url),
        }),
        tokens: tokens
            .iter()
            .map(|token| TokenRow::new(tr, token))
            .collect(),
        csrf: ctx.csrf.value().to_owned(),
        name: shown.name,
        write: shown.write,
    };
    match view.render() {
        Ok(body) => {
            let mut response = HttpResponse::build(status);
            response
                .content_type("text/html; charset=utf-8")
                // The page may hold a secret: no cache may keep it.
                .insert_header((header::CACHE_CONTROL, "no-store"));
            if let Some(cookie) = ctx.csrf.cookie(csrf::is_https(ctx.req)) {
                response.cookie(cookie);
            }
            response.body(body)
        }
        Err(error) => ctx.problem(Problem::internal(error)),
    }
}
