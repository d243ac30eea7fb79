//! `Spécial:Événements`: workshop event windows, listed for everyone, opened and ended
//! early by animateurs and administrators with no-JavaScript forms.
//!
//! While an event is open, the per-IP rate limits of the addresses it covers are
//! relaxed (`limits.rs`); per-account limits still apply. Who may manage events is
//! decided by `carnet_core::rights` (`Action::CreateEvent`) alone.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use carnet_core::rights::{Action, Denial};
use carnet_core::{EventDraft, EventStatus, Title};
use carnet_store::Event;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::AppState;
use crate::csrf;
use crate::i18n::Tr;
use crate::paths;
use crate::problem::Problem;
use crate::templates::Chrome;
use crate::views::Ctx;

/// The special page's French title (English: `Special:Events`).
const EVENTS_PAGE: &str = "Spécial:Événements";
/// Events listed, most recent start first.
const LISTED: usize = 200;
/// Past events shown.
const PAST_SHOWN: usize = 20;

/// The fields of the new-event form, kept as typed so a refused form is shown back.
#[derive(Debug, Default, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    ip_range: String,
    /// A portal page or category (optional).
    #[serde(default)]
    target: String,
}

/// The field of an "end now" button.
#[derive(Debug, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    id: String,
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsView<'a> {
    tr: Tr<'a>,
    chrome: Chrome,
    heading: String,
    problem: Option<String>,
    notice: Option<String>,
    sections: Vec<Section>,
    can_manage: bool,
    csrf: String,
    name: String,
    starts_at: String,
    ends_at: String,
    ip_range: String,
    target: String,
}

struct Section {
    heading: String,
    empty: String,
    events: Vec<EventView>,
}

struct EventView {
    id: i64,
    /// Its dashboard (its report once over).
    href: String,
    name: String,
    when: String,
    /// Shown to those who manage events only: addresses are never shown publicly.
    range: Option<String>,
    by: String,
    can_end: bool,
}

/// Whether the request's user may open and end events (`carnet_core::rights`).
fn may_manage(ctx: &Ctx<'_>) -> bool {
    ctx.may(Action::CreateEvent, None)
}

fn events_href() -> String {
    Title::parse(EVENTS_PAGE)
        .map(|title| paths::page(&title))
        .unwrap_or_else(|_| "/".to_owned())
}

/// `GET /wiki/Spécial:Événements` (called by the special pages of `views.rs`).
pub async fn page(ctx: &Ctx<'_>) -> Result<HttpResponse, Problem> {
    #[derive(Deserialize)]
    struct Query {
        notice: Option<String>,
    }
    let notice = web::Query::<Query>::from_query(ctx.req.query_string())
        .ok()
        .and_then(|query| query.into_inner().notice)
        .and_then(|notice| match notice.as_str() {
            "created" => Some(ctx.tr.t("events-notice-created")),
            "ended" => Some(ctx.tr.t("events-notice-ended")),
            _ => None,
        });
    let now = Utc::now();
    let form = EventForm {
        starts_at: form_time(now),
        ends_at: form_time(now + Duration::hours(3)),
        ..EventForm::default()
    };
    render(ctx, StatusCode::OK, None, notice, form).await
}

/// `POST /events`: opens an event window.
pub async fn create_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<EventForm>,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    let form = form.into_inner();
    let checked = (|| {
        allowed(&ctx, &form.csrf_token)?;
        let user = ctx.user.as_ref().ok_or(Problem::EventForbidden)?;
        let draft = EventDraft::parse(
            &form.name,
            &form.starts_at,
            &form.ends_at,
            &form.ip_range,
            Utc::now(),
        )
        .and_then(|draft| draft.with_target(&form.target))
        .map_err(Problem::BadEvent)?;
        Ok((draft, user.id))
    })();
    let (draft, user_id) = match checked {
        Ok(checked) => checked,
        Err(problem) => return refused(&ctx, problem, form).await,
    };
    let store = state.store.clone();
    match web::block(move || store.create_event(&draft, user_id, Utc::now())).await {
        Ok(Ok(id)) => {
            log::info!("event {id} opened by user {}", user_id.0);
            see_other(&format!("{}?notice=created", events_href()))
        }
        Ok(Err(error)) => ctx.problem(error.into()),
        Err(error) => ctx.problem(error.into()),
    }
}

/// `POST /events/end`: ends an upcoming or open event now.
pub async fn end_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<EndForm>,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    let checked = (|| {
        allowed(&ctx, &form.csrf_token)?;
        let user = ctx.user.as_ref().ok_or(Problem::EventForbidden)?;
        let id: i64 = form
            .id
            .trim()
            .parse()
            .map_err(|_| Problem::BadParameter("id"))?;
        Ok((id, user.id))
    })();
    let (id, user_id) = match checked {
        Ok(checked) => checked,
        Err(problem) => return refused(&ctx, problem, EventForm::default()).await,
    };
    let store = state.store.clone();
    match web::block(move || store.end_event(id, user_id, Utc::now())).await {
        Ok(Ok(true)) => {
            log::info!("event {id} ended by user {}", user_id.0);
            see_other(&format!("{}?notice=ended", events_href()))
        }
        Ok(Ok(false)) => refused(&ctx, Problem::EventNotFound, EventForm::default()).await,
        Ok(Err(error)) => ctx.problem(error.into()),
        Err(error) => ctx.problem(error.into()),
    }
}

/// A genuine form from someone who may manage events.
fn allowed(ctx: &Ctx<'_>, token: &str) -> Result<(), Problem> {
    csrf::check_form(ctx.req, token)?;
    // A blocked animateur is told they are blocked; anyone else, who may manage events.
    ctx.require(Action::CreateEvent, None)
        .map_err(|problem| match problem {
            Problem::Denied(Denial::Blocked(_)) => problem,
            _ => Problem::EventForbidden,
        })
}

/// The page again, with the problem and what was typed; nothing was saved.
async fn refused(ctx: &Ctx<'_>, problem: Problem, form: EventForm) -> HttpResponse {
    let status = problem.status();
    match render(ctx, status, Some(problem), None, form).await {
        Ok(response) => response,
        Err(problem) => ctx.problem(problem),
    }
}

async fn render(
    ctx: &Ctx<'_>,
    status: StatusCode,
    problem: Option<Problem>,
    notice: Option<String>,
    form: EventForm,
) -> Result<HttpResponse, Problem> {
    let store = ctx.state.store.clone();
    let events = web::block(move || store.events(LISTED)).await??;
    let can_manage = may_manage(ctx);
    let now = Utc::now();
    let mut open = Vec::new();
    let mut upcoming = Vec::new();
    let mut past = Vec::new();
    for event in &events {
        let status = event.window.status(now);
        let view = event_view(ctx.tr, event, can_manage, status != EventStatus::Past);
        match status {
            EventStatus::Open => open.push(view),
            EventStatus::Upcoming => upcoming.push(view),
            EventStatus::Past if past.len() < PAST_SHOWN => past.push(view),
            EventStatus::Past => {}
        }
    }
    // Soonest first for what is coming; the listing order (latest start first) for the rest.
    upcoming.reverse();
    let section = |heading: &str, empty: &str, events| Section {
        heading: ctx.tr.t(heading),
        empty: ctx.tr.t(empty),
        events,
    };
    let heading = ctx.tr.t("events-heading");
    let view = EventsView {
        tr: ctx.tr,
        chrome: ctx.chrome_for(heading.clone()),
        heading,
        problem: problem.map(|problem| problem.message(ctx.tr)),
        notice,
        sections: vec![
            section("events-open", "events-open-none", open),
            section("events-upcoming", "events-upcoming-none", upcoming),
            section("events-past", "events-past-none", past),
        ],
        can_manage,
        csrf: ctx.csrf.value().to_owned(),
        name: form.name,
        starts_at: form.starts_at,
        ends_at: form.ends_at,
        ip_range: form.ip_range,
        target: form.target,
    };
    let body = view.render().map_err(Problem::internal)?;
    let mut response = HttpResponse::build(status);
    response.content_type("text/html; charset=utf-8");
    response.insert_header((header::VARY, "Accept-Language, Cookie"));
    if let Some(cookie) = ctx.csrf.cookie(csrf::is_https(ctx.req)) {
        response.cookie(cookie);
    }
    Ok(response.body(body))
}

fn event_view(tr: Tr<'_>, event: &Event, can_manage: bool, running: bool) -> EventView {
    let window = &event.window;
    let mut when = tr.t_with(
        "events-when",
        &[
            ("start", tr.date(&window.starts_at).into()),
            ("end", tr.date(&window.ends_at).into()),
        ],
    );
    if let Some(ended) = window.ended_at.filter(|ended| *ended < window.ends_at) {
        when = format!(
            "{when} {}",
            tr.t1("events-ended-early", "date", &tr.date(&ended))
        );
    }
    EventView {
        id: event.id,
        href: paths::event(event.id),
        name: event.name.clone(),
        when,
        range: can_manage.then(|| match window.ip_range {
            Some(range) => tr.t1("events-range", "range", &range.to_string()),
            None => tr.t("events-range-any"),
        }),
        by: tr.t1("events-by", "name", event.created_by.as_str()),
        can_end: can_manage && running,
    }
}

/// A `datetime-local` field's value, to the minute, in UTC.
fn form_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M").to_string()
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}
