//! "This page changed since you opened it": a Server-Sent Events stream per open edit
//! form, `GET /api/v1/pages/{title}/changes?since={revision}` (issue 5).
//!
//! Every Carnet process watches the database itself, so a save made through another
//! process on the same PostgreSQL database is seen like a local one: [`PageWatch`] runs
//! one task per process that reads the current revision id of every watched page in one
//! batch (`Store::latest_revision_ids`: one indexed query per namespace, no text) every
//! [`POLL`], and hands each page's id to that page's streams through a
//! `tokio::sync::watch` channel. Saves made in this process wake the task at once
//! ([`PageWatch::poke`]). Pages nobody listens to any more are dropped at the next
//! round; the task ends with the last stream, and the next stream starts it again.
//!
//! Each stream is bounded: a heartbeat comment every [`HEARTBEAT`] (a client that went
//! away is noticed at the latest then), a lifetime of [`MAX_LIFETIME`] (browsers'
//! `EventSource` reconnects by itself, with `Last-Event-ID`), and at most
//! [`MAX_STREAMS`] open streams per process (503 beyond).
//!
//! Events (`text/event-stream`):
//! - `changed`, `id:` the current revision: `{revision, authors, count, comment,
//!   message, hint, diff_href, diff_label}`, texts translated in the reader's language;
//! - `gone`: the page was deleted or moved away (`{message}`); the stream ends.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use carnet_core::rights::Action;
use carnet_core::{RevisionId, Title};
use carnet_store::{Store, StoreError};
use serde::Serialize;
use tokio::sync::{Notify, mpsc, watch};

use crate::AppState;
use crate::api;
use crate::i18n::{Lang, Tr};
use crate::paths;
use crate::problem::Problem;
use crate::views::Ctx;

/// How often a watched page's current revision is read from the database.
pub const POLL: Duration = Duration::from_secs(1);
/// A comment line keeps proxies from closing an idle stream and finds gone clients.
pub const HEARTBEAT: Duration = Duration::from_secs(10);
/// A stream ends after this; the browser reconnects on its own.
pub const MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// Open streams per process.
pub const MAX_STREAMS: usize = 4096;
/// The browser waits this long before reconnecting (the stream's `retry:` field).
const RETRY_MS: u64 = 5000;
/// Revisions looked at to say who changed the page.
const AUTHORS_LOOKBACK: usize = 50;

const API_PAGES: &str = "/api/v1/pages/";
const SUFFIX: &str = "/changes";

/// The small script that subscribes from the edit form, compiled in.
const SCRIPT: &str = include_str!("../../../web/static/stale.js");

/// The script's URL, fingerprinted by its content.
pub static SCRIPT_HREF: LazyLock<String> =
    LazyLock::new(|| crate::assets::href("/static/stale.js", SCRIPT));

/// `GET /static/stale.js`.
pub async fn script(req: actix_web::HttpRequest) -> HttpResponse {
    crate::assets::serve(
        &req,
        SCRIPT,
        "application/javascript; charset=utf-8",
        &SCRIPT_HREF,
    )
}

/// What the database says about a watched page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Latest {
    /// Not read yet.
    Unknown,
    /// No such page (never created, deleted, moved away).
    Missing,
    At(i64),
}

/// The pages this process's streams watch, and whether the poller runs.
#[derive(Default)]
struct Watching {
    pages: HashMap<Title, watch::Sender<Latest>>,
    polling: bool,
}

/// The pages watched by this process's streams (see the module's documentation).
#[derive(Clone, Default)]
pub struct PageWatch {
    watching: Arc<Mutex<Watching>>,
    wake: Arc<Notify>,
    streams: Arc<AtomicUsize>,
}

/// One open stream, counted until dropped.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl PageWatch {
    fn watching(&self) -> std::sync::MutexGuard<'_, Watching> {
        self.watching.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Wakes the poller when `title` is watched: a save in this process is seen at once.
    pub fn poke(&self, title: &Title) {
        if self.watching().pages.contains_key(title) {
            self.wake.notify_one();
        }
    }

    /// How many pages and streams are watched now (for tests and logs).
    pub fn counts(&self) -> (usize, usize) {
        (
            self.watching().pages.len(),
            self.streams.load(Ordering::Acquire),
        )
    }

    fn slot(&self) -> Option<Slot> {
        let taken = self
            .streams
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| {
                (open < MAX_STREAMS).then_some(open + 1)
            });
        taken.ok().map(|_| Slot(Arc::clone(&self.streams)))
    }

    /// A receiver of `title`'s current revision; starts the poller if it is not running.
    fn subscribe(&self, store: &Store, title: &Title) -> watch::Receiver<Latest> {
        let mut watching = self.watching();
        let receiver = match watching.pages.get(title) {
            Some(sender) => sender.subscribe(),
            None => {
                let (sender, receiver) = watch::channel(Latest::Unknown);
                watching.pages.insert(title.clone(), sender);
                // A new page: read it now rather than at the next round.
                self.wake.notify_one();
                receiver
            }
        };
        if !watching.polling {
            watching.polling = true;
            actix_web::rt::spawn(poll(self.clone(), store.clone()));
        }
        receiver
    }
}

/// Reads the current revision of every watched page, in one batch, every [`POLL`] (or
/// when poked), while any stream listens; forgets the pages nobody listens to.
async fn poll(hub: PageWatch, store: Store) {
    loop {
        let titles: Vec<Title> = {
            // Under the lock, so that no stream subscribes to a poller that is leaving.
            let mut watching = hub.watching();
            watching
                .pages
                .retain(|_, sender| sender.receiver_count() > 0);
            if watching.pages.is_empty() {
                watching.polling = false;
                return;
            }
            watching.pages.keys().cloned().collect()
        };
        let reader = store.clone();
        let asked = titles.clone();
        match web::block(move || reader.latest_revision_ids(&asked)).await {
            Ok(Ok(found)) => {
                let watching = hub.watching();
                for (title, latest) in titles.iter().zip(found) {
                    let latest = latest.map_or(Latest::Missing, |id| Latest::At(id.0));
                    if let Some(sender) = watching.pages.get(title) {
                        sender.send_if_modified(|value| {
                            let changed = *value != latest;
                            *value = latest;
                            changed
                        });
                    }
                }
            }
            Ok(Err(error)) => log::warn!("watching {} pages: {error}", titles.len()),
            Err(error) => log::warn!("watching {} pages: {error}", titles.len()),
        }
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            () = hub.wake.notified() => {}
        }
    }
}

/// Who changed a page after a revision: the newest first, without repeats.
#[derive(Debug, Clone)]
pub struct ChangesSince {
    pub latest: carnet_core::RevisionMeta,
    pub authors: Vec<String>,
    /// Revisions after `since` (up to [`AUTHORS_LOOKBACK`]).
    pub count: usize,
}

/// The visible revisions of `title` after `since` (all of them when `None`), read from
/// its history; `None` when the page does not exist.
pub fn changes_since(
    store: &Store,
    title: &Title,
    since: Option<RevisionId>,
) -> Result<Option<ChangesSince>, StoreError> {
    let Some(history) = store.history(title, AUTHORS_LOOKBACK, None, false)? else {
        return Ok(None);
    };
    let newer: Vec<_> = history
        .entries
        .iter()
        .filter(|entry| since.is_none_or(|since| entry.meta.id > since))
        .collect();
    let mut authors: Vec<String> = Vec::new();
    for entry in &newer {
        let name = entry.meta.author.as_str();
        if !authors.iter().any(|known| known == name) {
            authors.push(name.to_owned());
        }
    }
    Ok(Some(ChangesSince {
        latest: history.page.latest,
        authors,
        count: newer.len(),
    }))
}

/// The data of an `event: changed` of the page's change stream.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ChangedEvent)]
pub struct ChangedEvent {
    /// The page's current revision (also the event's `id:`).
    revision: i64,
    /// Who saved since the revision the stream started from.
    authors: Vec<String>,
    /// How many revisions were saved since.
    count: usize,
    /// The newest revision's summary.
    comment: String,
    /// A sentence saying so, in the caller's language.
    message: String,
    /// What to do about it, in the caller's language.
    hint: String,
    /// The page's diff between the two revisions.
    diff_href: String,
    diff_label: String,
}

/// The data of an `event: gone`: the page was deleted or moved; the stream ends.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = GoneEvent)]
pub struct GoneEvent {
    message: String,
}

/// The body of an event stream: what the pump task sends, until either side leaves.
struct EventBody {
    events: mpsc::Receiver<Bytes>,
    _slot: Slot,
}

impl MessageBody for EventBody {
    type Error = std::convert::Infallible;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        self.get_mut().events.poll_recv(cx).map(|next| next.map(Ok))
    }
}

/// `GET /api/v1/pages/{title}/changes?since={revision}`.
#[utoipa::path(
    get,
    path = "/api/v1/pages/{title}/changes",
    tag = "pages",
    operation_id = "pageChanges",
    summary = "Be told when a page changes (server-sent events)",
    description = "A `text/event-stream` for an edit form open on the page: `retry:` \
        first, a `: ping` comment every 10 s, then `event: changed` (`id:` the current \
        revision, data a `ChangedEvent` in JSON) whenever a revision newer than `since` \
        is saved, and `event: gone` (a `GoneEvent`) before the end when the page is \
        deleted or moved. A stream ends after 30 minutes; `EventSource` reconnects \
        with `Last-Event-ID`, which is honoured.",
    params(
        ("title" = String, Path, description = "A page title, as for `GET /api/v1/pages/{title}`."),
        ("since" = Option<i64>, Query, description = "The revision the form was opened on; omitted for a page being created."),
        ("Last-Event-ID" = Option<i64>, Header, description = "The last `id:` seen, sent by a reconnecting `EventSource`."),
    ),
    responses(
        (status = 200, description = "The stream (never ends by itself before 30 minutes).", content_type = "text/event-stream", body = String),
        (status = 400, description = "Malformed title or `since` (`bad_title`, `bad_parameter`).", body = crate::api::ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = crate::api::ErrorBody),
        (status = 403, description = "Special page, page not readable, `since` hidden or deleted (`special_page`, `revision_hidden`, `revision_deleted`).", body = crate::api::ErrorBody),
        (status = 404, description = "No such page, or `since` is another page's revision (`page_not_found`, `revision_not_found`).", body = crate::api::ErrorBody),
        (status = 503, description = "Too many streams open on this process (`busy`).", body = crate::api::ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn changes(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    match open(&req, &state).await {
        Ok(response) => response,
        Err(problem) => api::problem_response(&req, &problem),
    }
}

#[derive(Debug, serde::Deserialize)]
struct ChangesQuery {
    since: Option<String>,
}

async fn open(req: &HttpRequest, state: &web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let title = changes_title(req)?;
    if !title.namespace().is_editable() {
        return Err(Problem::SpecialPage);
    }
    let query = web::Query::<ChangesQuery>::from_query(req.query_string())
        .map_err(|_| Problem::BadParameter("since"))?;
    let since = parse_revision(query.since.as_deref(), "since")?;
    // A reconnecting `EventSource` says which event it saw last: only newer revisions
    // are news to it (described, still, from the form's base revision).
    let last_seen = req
        .headers()
        .get("last-event-id")
        .and_then(|value| value.to_str().ok());
    let seen = match parse_revision(last_seen, "last-event-id") {
        Ok(Some(seen)) if since.is_none_or(|since| seen > since) => Some(seen),
        _ => since,
    };
    let ctx = Ctx::load(req, state).await;
    let protection = ctx.protection_of(&title).await?;
    ctx.require(Action::Read, protection.as_ref())?;
    let store = state.store.clone();
    let page = title.clone();
    let (latest, base) = web::block(move || -> Result<_, StoreError> {
        let latest = store.latest_revision_id(&page)?;
        let base = match since {
            Some(id) => store.revision(id)?,
            None => None,
        };
        Ok((latest, base))
    })
    .await??;
    if let Some(since) = since {
        // The page must exist, and `since` be one of its readable revisions.
        if latest.is_none() {
            return Err(Problem::PageNotFound);
        }
        let base = base
            .filter(|base| base.title == title)
            .ok_or(Problem::RevisionNotFound(since.0))?;
        ctx.check_readable(&base.revision.meta)?;
    }
    let slot = state.watch.slot().ok_or(Problem::Busy)?;
    let latest = state.watch.subscribe(&state.store, &title);
    let (sender, events) = mpsc::channel(16);
    actix_web::rt::spawn(pump(
        state.clone(),
        Lang::of_request(req),
        title,
        since,
        seen,
        latest,
        sender,
    ));
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache, no-store"))
        // Compressing would hold events back in the encoder's buffer.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header(("X-Accel-Buffering", "no"))
        .body(EventBody {
            events,
            _slot: slot,
        }))
}

/// Writes one stream's events until the client leaves, the page goes, or the stream's
/// lifetime ends.
async fn pump(
    state: web::Data<AppState>,
    lang: Lang,
    title: Title,
    since: Option<RevisionId>,
    seen: Option<RevisionId>,
    latest: watch::Receiver<Latest>,
    sender: mpsc::Sender<Bytes>,
) {
    let started = tokio::time::Instant::now();
    let why = pump_events(state, lang, &title, since, seen, latest, sender).await;
    log::debug!(
        "changes stream of {title} ended after {:.1?}: {why}",
        started.elapsed()
    );
}

async fn pump_events(
    state: web::Data<AppState>,
    lang: Lang,
    title: &Title,
    since: Option<RevisionId>,
    mut seen: Option<RevisionId>,
    mut latest: watch::Receiver<Latest>,
    sender: mpsc::Sender<Bytes>,
) -> &'static str {
    let opening = format!("retry: {RETRY_MS}\n: open\n\n");
    if sender.send(Bytes::from(opening)).await.is_err() {
        return "client gone";
    }
    let end = tokio::time::sleep(MAX_LIFETIME);
    tokio::pin!(end);
    let mut heartbeat =
        tokio::time::interval_at(tokio::time::Instant::now() + HEARTBEAT, HEARTBEAT);
    loop {
        let now = *latest.borrow_and_update();
        let newer = match now {
            Latest::At(id) => seen.is_none_or(|seen| id > seen.0),
            _ => false,
        };
        if newer {
            match changed_event(&state, lang, title, since).await {
                Ok(Some((id, event))) => {
                    seen = Some(id);
                    if sender.send(event).await.is_err() {
                        return "client gone";
                    }
                }
                // Deleted between the two reads: the next poll says so.
                Ok(None) => {}
                Err(problem) => log::warn!("changes of {title}: {problem:?}"),
            }
        } else if now == Latest::Missing && seen.is_some() && gone(&state, title).await {
            let tr = Tr::new(&state.i18n, lang);
            let data = serde_json::to_string(&GoneEvent {
                message: tr.t("stale-gone"),
            })
            .unwrap_or_default();
            let _ = sender
                .send(Bytes::from(format!("event: gone\ndata: {data}\n\n")))
                .await;
            return "page gone";
        }
        tokio::select! {
            changed = latest.changed() => if changed.is_err() { return "poller gone" },
            _ = heartbeat.tick() => {
                if sender.send(Bytes::from_static(b": ping\n\n")).await.is_err() {
                    return "client gone";
                }
            }
            () = &mut end => return "lifetime over",
            () = sender.closed() => return "client gone",
        }
    }
}

/// Whether the page is really missing: the poller's value may predate this stream
/// (a page created a moment ago, not read since).
async fn gone(state: &web::Data<AppState>, title: &Title) -> bool {
    let store = state.store.clone();
    let page = title.clone();
    matches!(
        web::block(move || store.latest_revision_id(&page)).await,
        Ok(Ok(None))
    )
}

/// The `changed` event for what happened after `since`, and the revision it reports.
async fn changed_event(
    state: &web::Data<AppState>,
    lang: Lang,
    title: &Title,
    since: Option<RevisionId>,
) -> Result<Option<(RevisionId, Bytes)>, Problem> {
    let store = state.store.clone();
    let page = title.clone();
    let Some(changes) = web::block(move || changes_since(&store, &page, since)).await?? else {
        return Ok(None);
    };
    let tr = Tr::new(&state.i18n, lang);
    let latest = &changes.latest;
    let authors = changes.authors.join(", ");
    let count = i64::try_from(changes.count).unwrap_or(i64::MAX);
    let mut message = tr.t_with(
        "stale-notice",
        &[("count", count.into()), ("authors", authors.into())],
    );
    let comment = latest.comment.as_str().to_owned();
    if !comment.is_empty() {
        message.push(' ');
        message.push_str(&tr.t1("stale-summary", "summary", &comment));
    }
    let event = ChangedEvent {
        revision: latest.id.0,
        authors: changes.authors.clone(),
        count: changes.count,
        comment,
        message,
        hint: tr.t("stale-hint"),
        diff_href: match since {
            Some(since) => paths::diff(title, since.0, latest.id.0),
            None => paths::page(title),
        },
        diff_label: tr.t(if since.is_some() {
            "stale-diff"
        } else {
            "stale-view"
        }),
    };
    let data = serde_json::to_string(&event).map_err(Problem::internal)?;
    Ok(Some((
        latest.id,
        Bytes::from(format!(
            "event: changed\nid: {}\ndata: {data}\n\n",
            latest.id.0
        )),
    )))
}

fn parse_revision(value: Option<&str>, name: &'static str) -> Result<Option<RevisionId>, Problem> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => value
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(|id| Some(RevisionId(id)))
            .ok_or(Problem::BadParameter(name)),
    }
}

/// The title in `/api/v1/pages/{title}/changes` (a page whose title ends in `/changes`
/// is reached by encoding its slash).
fn changes_title(req: &HttpRequest) -> Result<Title, Problem> {
    let raw = req
        .uri()
        .path()
        .strip_prefix(API_PAGES)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .ok_or(Problem::BadParameter("title"))?;
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| Problem::BadParameter("title"))?;
    Ok(Title::parse(&decoded)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::i18n::I18n;

    #[test]
    fn every_string_is_translated() {
        let Ok(i18n) = I18n::new() else {
            panic!("the bundled translations parse");
        };
        for lang in Lang::ALL {
            let tr = Tr::new(&i18n, lang);
            for key in [
                "stale-notice",
                "stale-summary",
                "stale-hint",
                "stale-diff",
                "stale-view",
                "stale-gone",
            ] {
                assert_ne!(tr.t(key), key, "{key} is missing in {}", lang.code());
            }
        }
    }

    fn save(store: &Store, title: &Title, text: &str, base: Option<RevisionId>) -> RevisionId {
        let edit = carnet_store::Edit {
            title: title.clone(),
            text: carnet_core::PageText::new(text, store.max_page_bytes()).unwrap(),
            base,
            author: carnet_core::Author::new("Test").unwrap(),
            user: None,
            comment: carnet_core::Comment::new("").unwrap(),
            minor: false,
            labels: carnet_core::MergeLabels::default(),
        };
        match store.save(&edit).unwrap() {
            carnet_store::SaveOutcome::Created(meta)
            | carnet_store::SaveOutcome::Saved { revision: meta, .. } => meta.id,
            other => panic!("not saved: {other:?}"),
        }
    }

    async fn until(receiver: &mut watch::Receiver<Latest>, wanted: Latest, within: Duration) {
        tokio::time::timeout(within, receiver.wait_for(|latest| *latest == wanted))
            .await
            .unwrap_or_else(|_| panic!("not {wanted:?} within {within:?}"))
            .unwrap();
    }

    #[actix_web::test]
    async fn one_poller_follows_every_watched_page_and_ends_with_the_last_stream() {
        let db = carnet_store::testing::TestDb::new();
        let store = db.store().unwrap();
        let title = Title::parse("Suivie").unwrap();
        let other = Title::parse("Discussion:Autre").unwrap();
        let first = save(&store, &title, "un", None);
        let elsewhere = save(&store, &other, "ailleurs", None);
        let hub = PageWatch::default();
        let mut one = hub.subscribe(&store, &title);
        let mut two = hub.subscribe(&store, &title);
        let mut three = hub.subscribe(&store, &other);
        assert_eq!(hub.counts().0, 2, "two pages watched");
        until(&mut one, Latest::At(first.0), POLL * 3).await;
        until(&mut three, Latest::At(elsewhere.0), POLL * 3).await;
        // A save in this process wakes the poller: well before the next round.
        let second = save(&store, &title, "deux", Some(first));
        hub.poke(&title);
        until(&mut two, Latest::At(second.0), POLL / 2).await;
        // A save elsewhere (nobody pokes) is read at the next round.
        let third = save(&store, &title, "trois", Some(second));
        until(&mut one, Latest::At(third.0), POLL * 3).await;
        assert_eq!(*three.borrow(), Latest::At(elsewhere.0));
        // Deleted: missing.
        store
            .delete_page(&title, &test_user(&store), "test")
            .unwrap();
        until(&mut one, Latest::Missing, POLL * 3).await;
        // Pages nobody listens to are forgotten; the poller ends with the last stream.
        drop(one);
        drop(two);
        tokio::time::sleep(POLL * 3).await;
        assert_eq!(hub.counts().0, 1, "the unwatched page is forgotten");
        drop(three);
        tokio::time::sleep(POLL * 3).await;
        assert_eq!(hub.counts().0, 0, "the poller ended with its last stream");
        assert!(!hub.watching().polling);
        // A new stream starts it again.
        let mut again = hub.subscribe(&store, &title);
        until(&mut again, Latest::Missing, POLL * 3).await;
        assert_eq!(hub.counts().0, 1);
    }

    fn test_user(store: &Store) -> carnet_store::User {
        let name = carnet_core::UserName::parse("Camille").unwrap();
        store
            .create_user(&name, "hash", carnet_core::Role::Administrator)
            .unwrap();
        store.user_named("Camille").unwrap().unwrap()
    }

    #[test]
    fn revisions_are_positive_numbers() {
        assert!(matches!(
            parse_revision(Some(" 12 "), "since"),
            Ok(Some(RevisionId(12)))
        ));
        assert!(matches!(parse_revision(Some(""), "since"), Ok(None)));
        assert!(parse_revision(Some("0"), "since").is_err());
        assert!(parse_revision(Some("x"), "since").is_err());
    }
}
