//! The wiki-journée dashboard (issue 6): an event's page `Spécial:Événements/<id>` with
//! its figures, latest edits and per-participant table; live while the event runs
//! (server-sent events at `/events/{id}/live`, polled from the database so that every
//! Carnet process serves them); after the event, the same page is its report, also as
//! CSV (`/events/{id}/report.csv`). Newcomers join through the event's sign-up link
//! (`/events/{id}/join/{token}`): one form makes their account and registers them.
//!
//! **Participants** of an event are (1) the accounts that joined through its sign-up
//! link and (2) every account or temporary identity that saved a page (form, API, live
//! editor connection) from an address the event covers while it was open — every
//! address when it has no range. (2) is recorded at save time ([`note_writer`]): IP
//! addresses are never stored. The figures count the participants' revisions saved
//! between the event's start and its (effective) end, deleted revisions left out.

use std::convert::Infallible;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use actix_web::http::{StatusCode, header};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use carnet_core::rights::Action;
use carnet_core::{
    EventEdit, EventFigures, EventStatus, Namespace, Role, Tally, Title, UserId, UserName,
    check_password,
};
use carnet_store::{ActivityMark, EventActivity, StoreError, User};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::AppState;
use crate::csrf;
use crate::i18n::{Lang, Tr};
use crate::paths;
use crate::problem::Problem;
use crate::templates::Chrome;
use crate::views::Ctx;

/// Latest edits listed.
const LATEST_SHOWN: usize = 20;
/// How often a live dashboard asks the database whether anything changed.
const POLL: Duration = Duration::from_secs(1);
/// A comment line this often keeps proxies from closing a quiet stream.
const KEEPALIVE: Duration = Duration::from_secs(15);
/// A stream ends after this long; the browser's `EventSource` reconnects by itself.
const STREAM_MAX: Duration = Duration::from_secs(10 * 60);

/// The dashboard's script, compiled in like the stylesheet.
const SCRIPT: &str = include_str!("../../../web/static/dashboard.js");
/// Its URL, with a fingerprint of its content.
static SCRIPT_HREF: LazyLock<String> =
    LazyLock::new(|| crate::assets::href("/static/dashboard.js", SCRIPT));

/// `GET /static/dashboard.js`.
pub async fn script(req: actix_web::HttpRequest) -> HttpResponse {
    crate::assets::serve(
        &req,
        SCRIPT,
        "application/javascript; charset=utf-8",
        &SCRIPT_HREF,
    )
}

// ---------------------------------------------------------------------------------
// Views

/// The part of the page the live stream replaces.
pub struct LiveFigures {
    /// `upcoming`, `open` or `past`.
    pub status_code: &'static str,
    pub status: String,
    pub figures: Vec<Figure>,
    pub uploads_note: String,
    pub latest: Vec<LatestEdit>,
    pub rows: Vec<ParticipantRow>,
    pub total: ParticipantRow,
}

pub struct Figure {
    pub key: &'static str,
    pub label: String,
    pub value: i64,
}

pub struct LatestEdit {
    pub when: String,
    pub title: String,
    pub href: String,
    pub diff_href: String,
    pub diff_label: String,
    pub author: String,
    pub author_href: String,
    pub delta: String,
    pub comment: String,
}

pub struct ParticipantRow {
    pub name: String,
    pub href: String,
    pub how: String,
    pub edits: u64,
    pub created: u64,
    pub edited: u64,
    pub bytes: i64,
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage<'a> {
    tr: Tr<'a>,
    chrome: Chrome,
    heading: String,
    when: String,
    by: String,
    target: Option<(String, String)>,
    join_link: Option<String>,
    stream_href: Option<String>,
    live: LiveFigures,
    csv_href: String,
    list_href: String,
    script_href: &'static str,
}

#[derive(Template)]
#[template(path = "event_live.html")]
struct LiveFragment<'a> {
    tr: Tr<'a>,
    live: LiveFigures,
}

#[derive(Template)]
#[template(path = "event_join.html")]
struct JoinPage<'a> {
    tr: Tr<'a>,
    chrome: Chrome,
    heading: String,
    when: String,
    problem: Option<String>,
    action: String,
    csrf: String,
    /// A logged-in account joins with one button.
    member_name: Option<String>,
    name: String,
    event_href: String,
}

fn status_of(tr: Tr<'_>, status: EventStatus) -> (&'static str, String) {
    match status {
        EventStatus::Upcoming => ("upcoming", tr.t("event-status-upcoming")),
        EventStatus::Open => ("open", tr.t("event-status-open")),
        EventStatus::Past => ("past", tr.t("event-status-past")),
    }
}

/// The figures of an activity, added up by `carnet_core::EventFigures`.
fn figures_of(activity: &EventActivity) -> EventFigures {
    let participants: Vec<i64> = activity.participants.iter().map(|p| p.user.0).collect();
    let edits: Vec<EventEdit> = activity
        .revisions
        .iter()
        .map(|revision| EventEdit {
            page: revision.page_id,
            user: revision.user.0,
            created: revision.parent.is_none(),
            delta: revision.delta,
        })
        .collect();
    EventFigures::tally(&participants, &edits)
}

fn live_figures(tr: Tr<'_>, activity: &EventActivity, now: DateTime<Utc>) -> LiveFigures {
    let figures = figures_of(activity);
    let (status_code, status) = status_of(tr, activity.event.window.status(now));
    let total = figures.total;
    let figure = |key: &'static str, value: i64| Figure {
        key,
        label: tr.t(&format!("event-figure-{key}")),
        value,
    };
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let figures_list = vec![
        figure(
            "participants",
            i64::try_from(figures.participants).unwrap_or(i64::MAX),
        ),
        figure("pages-created", count(total.pages_created)),
        figure("pages-edited", count(total.pages_edited)),
        figure("edits", count(total.edits)),
        figure("bytes-added", total.bytes_added),
        figure("photos", activity.uploads),
    ];
    let names: std::collections::HashMap<i64, &str> = activity
        .participants
        .iter()
        .map(|p| (p.user.0, p.name.as_str()))
        .collect();
    let latest = activity
        .revisions
        .iter()
        .rev()
        .filter(|revision| !revision.text_hidden)
        .take(LATEST_SHOWN)
        .map(|revision| {
            let author = names.get(&revision.user.0).copied().unwrap_or_default();
            let (diff_href, diff_label) = match revision.parent {
                Some(parent) => (
                    paths::diff(&revision.title, parent.0, revision.revision.0),
                    tr.t("changes-diff"),
                ),
                None => (
                    paths::old_revision(&revision.title, revision.revision.0),
                    tr.t("changes-new-title"),
                ),
            };
            LatestEdit {
                when: tr.date(&revision.timestamp),
                title: revision.title.to_string(),
                href: paths::page(&revision.title),
                diff_href,
                diff_label,
                author: author.to_owned(),
                author_href: paths::contributions(author),
                delta: format!("{:+}", revision.delta),
                comment: revision.comment.clone(),
            }
        })
        .collect();
    let row = |name: &str, how: String, tally: Tally| ParticipantRow {
        name: name.to_owned(),
        href: paths::contributions(name),
        how,
        edits: tally.edits,
        created: tally.pages_created,
        edited: tally.pages_edited,
        bytes: tally.bytes_added,
    };
    let rows = activity
        .participants
        .iter()
        .map(|p| {
            let tally = figures.per_user.get(&p.user.0).copied().unwrap_or_default();
            row(p.name.as_str(), how_joined(tr, p.via_link), tally)
        })
        .collect();
    let mut total_row = row("", String::new(), total);
    total_row.name = tr.t("event-total");
    LiveFigures {
        status_code,
        status,
        figures: figures_list,
        uploads_note: tr.t("event-photos-note"),
        latest,
        rows,
        total: total_row,
    }
}

fn how_joined(tr: Tr<'_>, via_link: bool) -> String {
    tr.t(if via_link {
        "event-joined-link"
    } else {
        "event-joined-editing"
    })
}

fn when(tr: Tr<'_>, activity_event: &carnet_store::Event) -> String {
    let window = &activity_event.window;
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
    when
}

fn parse_id(raw: &str) -> Result<i64, Problem> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(Problem::EventMissing)
}

async fn load(state: &AppState, id: i64) -> Result<EventActivity, Problem> {
    let store = state.store.clone();
    web::block(move || store.event_activity(id))
        .await??
        .ok_or(Problem::EventMissing)
}

/// The site's own address, for the sign-up link people copy.
fn absolute(req: &HttpRequest, path: &str) -> String {
    let info = req.connection_info();
    format!("{}://{}{path}", info.scheme(), info.host())
}

/// `GET /wiki/Spécial:Événements/<id>` (called by `events::page`'s dispatch).
pub async fn page(ctx: &Ctx<'_>, argument: &str) -> Result<HttpResponse, Problem> {
    let id = parse_id(argument)?;
    let activity = load(ctx.state, id).await?;
    let tr = ctx.tr;
    let now = Utc::now();
    let event = &activity.event;
    let past = event.window.status(now) == EventStatus::Past;
    let may_manage = ctx.may(Action::CreateEvent, None);
    let heading = tr.t1(
        if past {
            "event-report-heading"
        } else {
            "event-heading"
        },
        "name",
        &event.name,
    );
    let view = EventPage {
        tr,
        chrome: ctx.chrome_for(heading.clone()),
        heading,
        when: when(tr, event),
        by: tr.t1("events-by", "name", event.created_by.as_str()),
        target: event
            .target
            .as_ref()
            .map(|target| (target.to_string(), paths::page(target))),
        join_link: (may_manage && !past && !event.join_token.is_empty())
            .then(|| absolute(ctx.req, &paths::event_join(id, &event.join_token))),
        stream_href: (!past).then(|| paths::event_stream(id)),
        live: live_figures(tr, &activity, now),
        csv_href: paths::event_csv(id),
        list_href: paths::page(&Title::parse("Spécial:Événements")?),
        script_href: SCRIPT_HREF.as_str(),
    };
    Ok(ctx.html_response(StatusCode::OK, &view))
}

// ---------------------------------------------------------------------------------
// Live stream

/// `GET /events/{id}/live`: `event: figures` with the HTML fragment now and at every
/// change (checked every second in the database), a comment line every 15 s, and
/// `event: end` once the event is over. Ends after 10 minutes; browsers reconnect.
pub async fn stream(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::new(&req, &state);
    let id = match parse_id(&path) {
        Ok(id) => id,
        Err(problem) => return ctx.problem(problem),
    };
    let store = state.store.clone();
    match web::block(move || store.event(id)).await {
        Ok(Ok(Some(_))) => {}
        Ok(Ok(None)) => return ctx.problem(Problem::EventMissing),
        Ok(Err(error)) => return ctx.problem(error.into()),
        Err(error) => return ctx.problem(error.into()),
    }
    let feed = Feed {
        state: state.into_inner(),
        id,
        lang: Lang::of_request(&req),
        started: Instant::now(),
        last_sent: Instant::now(),
        mark: None,
        window: None,
        status: None,
        first: true,
        finished: false,
    };
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        // Not compressed: a compressor would hold the events back.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(futures_util::stream::unfold(feed, Feed::step))
}

struct Feed {
    state: Arc<AppState>,
    id: i64,
    lang: Lang,
    started: Instant,
    last_sent: Instant,
    mark: Option<ActivityMark>,
    /// The event's window as last read, and its status when last sent: a status that
    /// changes with time alone (the start, the end) is sent too.
    window: Option<carnet_core::EventWindow>,
    status: Option<EventStatus>,
    first: bool,
    finished: bool,
}

type Chunk = Result<Bytes, Infallible>;

impl Feed {
    async fn step(mut self) -> Option<(Chunk, Feed)> {
        if self.finished {
            return None;
        }
        if self.first {
            self.first = false;
            self.mark = self.read_mark().await;
            let (event, past) = self.render().await?;
            self.finished = past;
            return Some((Ok(Bytes::from(format!("retry: 3000\n\n{event}"))), self));
        }
        loop {
            tokio::time::sleep(POLL).await;
            if self.started.elapsed() > STREAM_MAX {
                return None;
            }
            let mark = self.read_mark().await?;
            let moved = self
                .window
                .as_ref()
                .is_some_and(|window| Some(window.status(Utc::now())) != self.status);
            if self.mark != Some(mark) || moved {
                self.mark = Some(mark);
                let (event, past) = self.render().await?;
                self.finished = past;
                self.last_sent = Instant::now();
                return Some((Ok(Bytes::from(event)), self));
            }
            if self.last_sent.elapsed() >= KEEPALIVE {
                self.last_sent = Instant::now();
                return Some((Ok(Bytes::from_static(b": keep-alive\n\n")), self));
            }
        }
    }

    async fn read_mark(&self) -> Option<ActivityMark> {
        let store = self.state.store.clone();
        let id = self.id;
        match web::block(move || store.activity_mark(id)).await {
            Ok(Ok(mark)) => Some(mark),
            Ok(Err(error)) => {
                log::error!("event {id}: {error}");
                None
            }
            Err(error) => {
                log::error!("event {id}: {error}");
                None
            }
        }
    }

    /// The `figures` event (and `end` when the event is over); whether it is over.
    async fn render(&mut self) -> Option<(String, bool)> {
        let activity = match load(&self.state, self.id).await {
            Ok(activity) => activity,
            Err(_) => return None,
        };
        let now = Utc::now();
        let status = activity.event.window.status(now);
        self.window = Some(activity.event.window.clone());
        self.status = Some(status);
        let past = status == EventStatus::Past;
        let tr = Tr::new(&self.state.i18n, self.lang);
        let fragment = LiveFragment {
            tr,
            live: live_figures(tr, &activity, now),
        };
        let html = fragment
            .render()
            .inspect_err(|error| log::error!("event fragment: {error}"))
            .ok()?;
        let mut event = String::from("event: figures\n");
        for line in html.lines() {
            event.push_str("data: ");
            event.push_str(line);
            event.push('\n');
        }
        event.push('\n');
        if past {
            event.push_str("event: end\ndata: \n\n");
        }
        Some((event, past))
    }
}

// ---------------------------------------------------------------------------------
// CSV report

/// `GET /events/{id}/report.csv`: one row per participant, then the totals.
pub async fn csv_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::new(&req, &state);
    match csv_body(&ctx, &path).await {
        Ok((id, body)) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"event-{id}.csv\""),
            ))
            .insert_header((header::VARY, "Accept-Language, Cookie"))
            .body(body),
        Err(problem) => ctx.problem(problem),
    }
}

async fn csv_body(ctx: &Ctx<'_>, raw_id: &str) -> Result<(i64, Vec<u8>), Problem> {
    let id = parse_id(raw_id)?;
    let activity = load(ctx.state, id).await?;
    let figures = figures_of(&activity);
    let tr = ctx.tr;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "event-csv-participant",
        "event-csv-joined",
        "event-csv-edits",
        "event-csv-pages-created",
        "event-csv-pages-edited",
        "event-csv-bytes-added",
    ]
    .map(|key| tr.t(key));
    writer.write_record(&header).map_err(Problem::internal)?;
    let record = |name: &str, how: String, tally: Tally| {
        [
            spreadsheet_safe(name),
            how,
            tally.edits.to_string(),
            tally.pages_created.to_string(),
            tally.pages_edited.to_string(),
            tally.bytes_added.to_string(),
        ]
    };
    for participant in &activity.participants {
        let tally = figures
            .per_user
            .get(&participant.user.0)
            .copied()
            .unwrap_or_default();
        writer
            .write_record(record(
                participant.name.as_str(),
                how_joined(tr, participant.via_link),
                tally,
            ))
            .map_err(Problem::internal)?;
    }
    writer
        .write_record(record(
            &tr.t("event-total"),
            figures.participants.to_string(),
            figures.total,
        ))
        .map_err(Problem::internal)?;
    let body = writer.into_inner().map_err(Problem::internal)?;
    Ok((id, body))
}

/// A cell a spreadsheet will not run as a formula: names may start with `=`, `+` or
/// `-`, which spreadsheets evaluate (CSV injection); such a cell gets a leading `'`.
fn spreadsheet_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

// ---------------------------------------------------------------------------------
// Participants

/// Records the writer of a save as a participant of every open event that covers the
/// request's address (called when a save is signed, see `Ctx::signer`). Nothing about
/// the address is stored. Failures are logged: they must not stop the save.
pub async fn note_writer(req: &HttpRequest, state: &AppState, user: UserId) {
    let ip = crate::limits::client_ip(req, state.limits.trust_proxy);
    let store = state.store.clone();
    let noted = web::block(move || -> Result<(), StoreError> {
        let now = Utc::now();
        for (id, window) in store.open_events(now)? {
            if window.relaxes(ip, now) {
                store.join_event(id, user, false, now)?;
            }
        }
        Ok(())
    })
    .await;
    match noted {
        Ok(Ok(())) => {}
        Ok(Err(error)) => log::error!("event participation not recorded: {error}"),
        Err(error) => log::error!("event participation not recorded: {error}"),
    }
}

/// The fields of the sign-up form.
#[derive(Debug, Default, Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    /// A logged-in account joins as itself.
    #[serde(default)]
    as_me: String,
}

/// The event behind a sign-up link, if the link is right and the event not over.
async fn joinable(
    state: &AppState,
    raw_id: &str,
    token: &str,
) -> Result<carnet_store::Event, Problem> {
    let id = parse_id(raw_id).map_err(|_| Problem::BadJoinLink)?;
    let store = state.store.clone();
    let event = web::block(move || store.event(id))
        .await??
        .ok_or(Problem::BadJoinLink)?;
    if event.join_token.is_empty() || !csrf::constant_time_eq(&event.join_token, token.trim()) {
        return Err(Problem::BadJoinLink);
    }
    if event.window.status(Utc::now()) == EventStatus::Past {
        return Err(Problem::EventOver);
    }
    Ok(event)
}

fn join_view(
    ctx: &Ctx<'_>,
    event: &carnet_store::Event,
    token: &str,
    status: StatusCode,
    problem: Option<Problem>,
    name: String,
) -> HttpResponse {
    let tr = ctx.tr;
    let heading = tr.t1("event-join-heading", "name", &event.name);
    let member_name = ctx
        .user
        .as_ref()
        .filter(|user| !user.temporary)
        .map(|user| user.name.as_str().to_owned());
    let view = JoinPage {
        tr,
        chrome: ctx.chrome_for(heading.clone()),
        heading,
        when: when(tr, event),
        problem: problem.map(|problem| problem.message(tr)),
        action: paths::event_join(event.id, token),
        csrf: ctx.csrf.value().to_owned(),
        member_name,
        name,
        event_href: paths::event(event.id),
    };
    ctx.html_response(status, &view)
}

/// `GET /events/{id}/join/{token}`: the one-step sign-up form.
pub async fn join_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    let (raw_id, token) = path.into_inner();
    match joinable(&state, &raw_id, &token).await {
        Ok(event) => join_view(&ctx, &event, &token, StatusCode::OK, None, String::new()),
        Err(problem) => ctx.problem(problem),
    }
}

/// `POST /events/{id}/join/{token}`: makes the account (or takes the logged-in one),
/// registers it as a participant, logs it in and lands on its user page's edit form.
pub async fn join(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<JoinForm>,
) -> HttpResponse {
    let ctx = Ctx::load(&req, &state).await;
    if let Err(problem) = csrf::check_form(&req, &form.csrf_token) {
        return ctx.problem(problem);
    }
    let (raw_id, token) = path.into_inner();
    let event = match joinable(&state, &raw_id, &token).await {
        Ok(event) => event,
        Err(problem) => return ctx.problem(problem),
    };
    let form = form.into_inner();
    let member = ctx.user.clone().filter(|user| !user.temporary);
    let result = match member {
        Some(user) if !form.as_me.is_empty() => Ok((user, false)),
        _ => new_account(&req, &state, &form).await,
    };
    let (user, fresh) = match result {
        Ok(joined) => joined,
        Err(problem) => {
            let status = problem.status();
            return join_view(&ctx, &event, &token, status, Some(problem), form.name);
        }
    };
    let store = state.store.clone();
    let (event_id, user_id) = (event.id, user.id);
    let joined = web::block(move || store.join_event(event_id, user_id, true, Utc::now())).await;
    if let Err(problem) = joined
        .map_err(Problem::from)
        .and_then(|r| r.map_err(Problem::from))
    {
        return ctx.problem(problem);
    }
    log::info!("user {} joined event {event_id}", user_id.0);
    let landing = Title::from_parts(Namespace::User, user.name.as_str())
        .map(|page| paths::action(&page, "edit"))
        .unwrap_or_else(|_| paths::event(event_id));
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, landing));
    if fresh {
        match crate::accounts::open_session(&req, &state, &user).await {
            Ok(cookie) => {
                response.cookie(cookie);
            }
            Err(problem) => return ctx.problem(problem),
        }
    }
    response.finish()
}

/// A new writer account from the sign-up form (the sign-up rate limit applies, relaxed
/// like every per-address limit when the event covers the address).
async fn new_account(
    req: &HttpRequest,
    state: &AppState,
    form: &JoinForm,
) -> Result<(User, bool), Problem> {
    let name = UserName::parse(&form.name).map_err(Problem::BadUserName)?;
    check_password(&name, &form.password).map_err(Problem::Password)?;
    crate::limits::check_signup(req, state).await?;
    let password = form.password.clone();
    let store = state.store.clone();
    let created = web::block(move || -> Result<_, Problem> {
        let hash = crate::accounts::hash_password(&password)?;
        Ok(store.create_user(&name, &hash, Role::Writer)?)
    })
    .await??;
    created.ok_or(Problem::NameTaken).map(|user| (user, true))
}

// ---------------------------------------------------------------------------------
// JSON

/// A wiki-journée (event window) and its figures.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Event)]
pub struct EventJson {
    id: i64,
    name: String,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    starts_at: String,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    ends_at: String,
    /// When it was ended early, if it was.
    #[schema(required = true)]
    ended_at: Option<String>,
    /// `upcoming`, `open` or `past`.
    #[schema(value_type = String, example = "open")]
    status: &'static str,
    /// The portal or category the event is about, if any.
    #[schema(required = true)]
    target: Option<String>,
    figures: FiguresJson,
    participants: Vec<ParticipantJson>,
}

/// An event's totals.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = EventFigures)]
pub struct FiguresJson {
    participants: usize,
    pages_created: u64,
    pages_edited: u64,
    edits: u64,
    bytes_added: i64,
    /// Pictures the participants uploaded during the event.
    photos: i64,
}

/// A participant's figures.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = EventParticipant)]
pub struct ParticipantJson {
    /// The account's name.
    name: String,
    via_link: bool,
    edits: u64,
    pages_created: u64,
    pages_edited: u64,
    bytes_added: i64,
}

/// `GET /api/v1/events/{id}`: the dashboard's figures for scripts (public, as the page).
#[utoipa::path(
    get,
    path = "/api/v1/events/{id}",
    tag = "events",
    operation_id = "getEvent",
    summary = "A wiki-journée's figures",
    description = "What the event's dashboard (`Spécial:Événements/{id}`) shows: \
        participants, pages created and edited, edits, bytes added, photos uploaded, \
        in total and per participant. Public, as the page.",
    params(("id" = i64, Path, description = "The event's id.")),
    responses(
        (status = 200, description = "The event.", body = EventJson),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = crate::api::ErrorBody),
        (status = 404, description = "No such event (`event_missing`).", body = crate::api::ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn json(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    let result = async {
        let id = parse_id(&path)?;
        let activity = load(&state, id).await?;
        let figures = figures_of(&activity);
        let event = &activity.event;
        let window = &event.window;
        let time = |at: &DateTime<Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let (status, _) = status_of(
            Tr::new(&state.i18n, Lang::of_request(&req)),
            window.status(Utc::now()),
        );
        let participants = activity
            .participants
            .iter()
            .map(|p| {
                let tally = figures.per_user.get(&p.user.0).copied().unwrap_or_default();
                ParticipantJson {
                    name: p.name.as_str().to_owned(),
                    via_link: p.via_link,
                    edits: tally.edits,
                    pages_created: tally.pages_created,
                    pages_edited: tally.pages_edited,
                    bytes_added: tally.bytes_added,
                }
            })
            .collect();
        Ok(HttpResponse::Ok().json(EventJson {
            id,
            name: event.name.clone(),
            starts_at: time(&window.starts_at),
            ends_at: time(&window.ends_at),
            ended_at: window.ended_at.as_ref().map(time),
            status,
            target: event.target.as_ref().map(ToString::to_string),
            figures: FiguresJson {
                participants: figures.participants,
                pages_created: figures.total.pages_created,
                pages_edited: figures.total.pages_edited,
                edits: figures.total.edits,
                bytes_added: figures.total.bytes_added,
                photos: activity.uploads,
            },
            participants,
        }))
    }
    .await;
    result.unwrap_or_else(|problem| crate::api::problem_response(&req, &problem))
}
