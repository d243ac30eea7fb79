//! Live co-editing over WebSocket: `GET /api/v1/pages/{title}/live` speaks the standard
//! y-websocket protocol, so any Yjs client can join.
//!
//! Each page with people connected has one session task (in this process) owning the
//! page's [`LiveDoc`]. Connection tasks forward frames to it; it handles them in batches:
//! every update of a batch is stored in one transaction *before* anything is sent on,
//! then one merged update goes to every connection, its author included — that echo is
//! the acknowledgement, so a client that saw its keystroke come back knows it survives a
//! crash. Busy sessions thus commit in groups, and a slow client is dropped (it resyncs
//! when it reconnects) rather than holding memory. Checkpoints become revisions through
//! `Store::save`, like any save; revisions saved elsewhere (forms, restores) are merged
//! into the live text.
//!
//! Several processes on one database share a page's document through its stored
//! updates: each session reads what others stored (woken by PostgreSQL `NOTIFY`, and
//! every second anyway) and relays it to its own clients. One process at a time — the
//! holder of the document's checkpoint lease — makes revisions and merges revisions
//! saved elsewhere into the live text, so typing is never saved or merged twice.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, rt, web};
use actix_ws::AggregatedMessage;
use carnet_core::rights::Action;
use carnet_core::{Author, Comment, MergeLabels, PageText, RevisionId, Title};
use carnet_live::{
    CheckpointClock, CheckpointReason, CheckpointRules, LiveDoc, Participant, Participants,
};
use carnet_store::{Edit, LiveParticipant, SaveOutcome};
use tokio::sync::{mpsc, oneshot};

use crate::accounts::PendingIdentity;
use crate::caller::Caller;
use crate::i18n::{Lang, Tr};
use crate::problem::Problem;
use crate::views::Ctx;
use crate::{AppState, api};

const API_PAGES: &str = "/api/v1/pages/";
const LIVE_SUFFIX: &str = "/live";

/// Messages waiting for one client before it is dropped as too slow.
const OUTBOX: usize = 4096;
/// Commands handled in one batch (one transaction) at most.
const MAX_BATCH: usize = 2048;
/// How often a session looks at its clock and at revisions saved elsewhere.
const TICK: Duration = Duration::from_secs(1);
/// How often a session checks for revisions saved by other processes or routes.
const TAKE_IN_EVERY: Duration = Duration::from_secs(2);
/// Updates stored before they are folded into the snapshot.
const COMPACT_AFTER: usize = 2000;
/// How long the checkpoint lease lasts unless renewed (every tick): a process that
/// died hands the checkpoints over to another after this.
const LEASE_SECS: i64 = 5;
/// How long ending a session (locking the notes) may take.
const END_TIMEOUT: Duration = Duration::from_secs(60);

/// Sessions with more clients than this gather commands before handling them.
const COALESCE_ABOVE: usize = 100;
/// The longest wait for more commands by default: none. Measured at 400 typists on
/// 2 cores, a 30 ms window did not reduce latency (docs/PERFORMANCE.md); the
/// environment variable `CARNET_LIVE_COALESCE_MAX_MS` sets one for experiments.
const COALESCE_MAX: Duration = Duration::ZERO;

/// How long a session with `clients` connected waits to gather a batch: nothing up to
/// [`COALESCE_ABOVE`] clients, then 0.1 ms more per client, at most `max`. Each
/// broadcast costs one frame per client, so a busy page with many clients spends its
/// time writing frames; waiting a few milliseconds divides their number.
fn coalesce_window(clients: usize, max: Duration) -> Duration {
    let extra = clients.saturating_sub(COALESCE_ABOVE);
    let micros = u64::try_from(extra).unwrap_or(u64::MAX).saturating_mul(100);
    Duration::from_micros(micros).min(max)
}

type Sessions = Arc<Mutex<HashMap<i64, mpsc::UnboundedSender<Command>>>>;

/// Every live session of this process, by page.
pub struct LiveHub {
    sessions: Mutex<HashMap<String, mpsc::UnboundedSender<Command>>>,
    /// The same sessions by stored document, for the wake-ups of other processes.
    documents: Sessions,
    /// Whether this process listens for other processes' changes (PostgreSQL).
    listening: AtomicBool,
    /// Names this process in the database (checkpoint lease, notifications).
    instance: String,
    next_connection: AtomicU64,
    rules: CheckpointRules,
    /// The longest a crowded session waits to gather a batch.
    coalesce_max: Duration,
    /// The server is stopping: no new connection joins.
    stopping: AtomicBool,
}

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub::new(CheckpointRules::default())
    }
}

impl LiveHub {
    pub fn new(rules: CheckpointRules) -> LiveHub {
        let mut random = [0u8; 8];
        let instance = match getrandom::fill(&mut random) {
            Ok(()) => random.iter().map(|b| format!("{b:02x}")).collect(),
            Err(_) => format!("{}-{:?}", std::process::id(), Instant::now()),
        };
        LiveHub {
            sessions: Mutex::new(HashMap::new()),
            documents: Arc::new(Mutex::new(HashMap::new())),
            listening: AtomicBool::new(false),
            instance,
            next_connection: AtomicU64::new(1),
            rules,
            coalesce_max: std::env::var("CARNET_LIVE_COALESCE_MAX_MS")
                .ok()
                .and_then(|ms| ms.trim().parse().ok())
                .map_or(COALESCE_MAX, Duration::from_millis),
            stopping: AtomicBool::new(false),
        }
    }

    /// Starts listening for other processes' changes, once (PostgreSQL only).
    fn listen(&self, store: &carnet_store::Store) {
        if self.listening.swap(true, Ordering::SeqCst) {
            return;
        }
        let documents = Arc::downgrade(&self.documents);
        store.live_listen(
            self.instance.clone(),
            Box::new(move |document, presence| {
                // The hub is gone (the server stopped): stop listening.
                let Some(documents) = documents.upgrade() else {
                    return false;
                };
                let documents = documents.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(session) = documents.get(&document) {
                    let _ = session.send(match presence {
                        Some(message) => Command::Presence(Bytes::from(message)),
                        None => Command::Wake,
                    });
                }
                true
            }),
        );
    }

    /// Ends the page's live session in every process and saves its last revision
    /// ("end the session and lock the notes"): once this returns, every update typed
    /// before is in that revision, and later ones are refused.
    pub async fn end(
        &self,
        state: &web::Data<AppState>,
        title: Title,
        summary: String,
    ) -> Result<(), Problem> {
        let (done, ended) = oneshot::channel();
        let _ = self.send(state, title, Command::End { summary, done });
        match tokio::time::timeout(END_TIMEOUT, ended).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(failure))) => Err(Problem::internal(failure)),
            Ok(Err(_)) => Err(Problem::internal("live session ended without saving")),
            Err(_) => Err(Problem::internal("live session took too long to end")),
        }
    }

    /// Sends a command to the page's session, starting it if needed; returns the
    /// session's queue.
    fn send(
        &self,
        state: &web::Data<AppState>,
        title: Title,
        command: Command,
    ) -> mpsc::UnboundedSender<Command> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let key = title.to_string();
        let commands = match sessions.get(&key) {
            Some(commands) if !commands.is_closed() => commands.clone(),
            _ => {
                let (commands, receiver) = mpsc::unbounded_channel();
                sessions.insert(key, commands.clone());
                rt::spawn(run_session(
                    state.clone(),
                    title,
                    commands.clone(),
                    receiver,
                    self.rules,
                ));
                commands
            }
        };
        // Under the lock: a session only ends when its queue is empty, checked
        // under the same lock, so a command is never lost.
        let _ = commands.send(command);
        commands
    }

    /// Tells the page's session, if one is open here, that a revision was saved
    /// outside it, so the live text takes it in now rather than at the next look.
    pub fn revision_saved(&self, title: &Title) {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(session) = sessions.get(&title.to_string()) {
            let _ = session.send(Command::RevisionSaved);
        }
    }

    /// How many live sessions are open in this process (the metrics gauge).
    pub fn open_sessions(&self) -> usize {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// The server is stopping: refuses new connections, and asks every session to save
    /// what was typed as a revision (the checkpoint lease's holder does; others' typing
    /// is stored already and saved by the holder), release its lease and close its
    /// connections. Returns how many sessions closed within `timeout`, of how many.
    pub async fn shutdown(&self, timeout: Duration) -> String {
        self.stopping.store(true, Ordering::SeqCst);
        let sessions: Vec<mpsc::UnboundedSender<Command>> = self
            .sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        let total = sessions.len();
        let mut waiting = Vec::new();
        for session in sessions {
            let (done, closed) = oneshot::channel();
            if session.send(Command::Shutdown { done }).is_ok() {
                waiting.push(closed);
            }
        }
        // The sessions work at once; waiting for them in turn costs nothing more.
        let deadline = tokio::time::Instant::now() + timeout;
        let mut closed = 0;
        for session in waiting {
            match tokio::time::timeout_at(deadline, session).await {
                Ok(Ok(())) => closed += 1,
                Ok(Err(_)) => {}
                Err(_) => return format!("timed out: {closed} of {total} closed"),
            }
        }
        format!("{closed} of {total}")
    }

    /// Whether a session is open here for `title` (tests, diagnostics).
    pub fn is_open(&self, title: &Title) -> bool {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.contains_key(&title.to_string())
    }

    fn connect(
        &self,
        state: &web::Data<AppState>,
        title: Title,
        writer: Option<Writer>,
        session: actix_ws::Session,
        stream: actix_ws::MessageStream,
    ) {
        if self.stopping.load(Ordering::SeqCst) {
            // Dropping the WebSocket closes it; the client reconnects elsewhere.
            drop((session, stream));
            return;
        }
        let connection = self.next_connection.fetch_add(1, Ordering::Relaxed);
        let (out, outbox) = mpsc::channel(OUTBOX);
        let commands = self.send(
            state,
            title,
            Command::Join {
                connection,
                writer,
                out,
            },
        );
        let max_frame = frame_limit(state.store.max_page_bytes());
        rt::spawn(run_connection(
            connection, session, stream, commands, outbox, max_frame,
        ));
    }

    /// Removes a session that has nothing left to do. False when commands arrived
    /// meanwhile (the session goes on).
    fn close_if_idle(
        &self,
        title: &Title,
        own: &mpsc::UnboundedSender<Command>,
        receiver: &mpsc::UnboundedReceiver<Command>,
    ) -> bool {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        if !receiver.is_empty() {
            return false;
        }
        let key = title.to_string();
        if sessions.get(&key).is_some_and(|s| s.same_channel(own)) {
            sessions.remove(&key);
        }
        true
    }
}

/// A frame may carry a whole page (a client's first sync), escaped at most twofold.
fn frame_limit(max_page_bytes: usize) -> usize {
    max_page_bytes.saturating_mul(2).saturating_add(64 * 1024)
}

/// `GET /api/v1/pages/{title}/live`: upgrades to a WebSocket. Anyone who may read may
/// watch; writing needs the right to edit (or create) the page, from this site or with
/// a writing token, and a signer (a logged-out writer gets a temporary identity).
#[utoipa::path(
    get,
    path = "/api/v1/pages/{title}/live",
    tag = "pages",
    operation_id = "pageLive",
    summary = "Co-edit a page live (WebSocket)",
    description = "Upgrades to a WebSocket speaking the y-websocket protocol (Yjs sync \
        and awareness messages) on a document whose `Y.Text` named `text` is the page's \
        text; a binary message tagged 100 followed by a summary asks for a revision to \
        be saved. Anyone who may read may watch; the writes of those who may not edit \
        (protected page, blocked, another site, read-only token) are ignored.",
    params(
        ("title" = String, Path, description = "A page title, as for `GET /api/v1/pages/{title}`."),
        ("Upgrade" = String, Header, description = "`websocket`."),
    ),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol."),
        (status = 400, description = "Not a WebSocket upgrade, or a malformed title (`bad_parameter`, `bad_title`).", body = crate::api::ErrorBody),
        (status = 401, description = "`Authorization` without a live token (`invalid_token`).", body = crate::api::ErrorBody),
        (status = 403, description = "Special page or page not readable (`special_page`, `forbidden`).", body = crate::api::ErrorBody),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn live_socket(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    caller: Caller,
) -> HttpResponse {
    match open(&req, body, &state, &caller).await {
        Ok(response) => response,
        Err(problem) => api::problem_response(&req, &problem),
    }
}

async fn open(
    req: &HttpRequest,
    body: web::Payload,
    state: &web::Data<AppState>,
    caller: &Caller,
) -> Result<HttpResponse, Problem> {
    let title = live_title(req)?;
    if !title.namespace().is_editable() {
        return Err(Problem::SpecialPage);
    }
    let ctx = Ctx::load(req, state).await;
    let store = state.store.clone();
    let page_title = title.clone();
    let exists = web::block(move || store.page(&page_title))
        .await??
        .is_some();
    let protection = ctx.protection_of(&title).await?;
    ctx.require(Action::Read, protection.as_ref())?;
    let action = if exists { Action::Edit } else { Action::Create };
    // A WebSocket upgrade is a GET, which the API guard lets through: writing from
    // another site's page (cookies ride along) is refused here, as for any write.
    let may_write =
        caller.may_write(req).is_ok() && ctx.require(action, protection.as_ref()).is_ok();
    // A logged-out writer's temporary identity is made at their first update, not
    // here: someone who only watches never gets one. The cookie naming it comes now
    // (the socket's answer is the last chance to set one).
    let (writer, cookie) = match (&ctx.user, may_write) {
        (_, false) => (None, None),
        (Some(user), true) => (
            Some(Writer::Known(Participant {
                name: user.name.as_str().to_owned(),
                user: Some(user.id),
            })),
            None,
        ),
        (None, true) => {
            let (pending, cookie) = crate::accounts::pending_identity(req, state)?;
            (Some(Writer::Pending(pending)), Some(cookie))
        }
    };
    let (mut response, session, stream) =
        actix_ws::handle(req, body).map_err(|_| Problem::BadParameter("upgrade"))?;
    if let Some(cookie) = cookie {
        response.add_cookie(&cookie).map_err(Problem::internal)?;
    }
    state.live.connect(state, title, writer, session, stream);
    Ok(response)
}

/// The title in `/api/v1/pages/{title}/live` (a page whose title ends in `/live` is
/// reached by encoding its slash).
fn live_title(req: &HttpRequest) -> Result<Title, Problem> {
    let raw = req
        .uri()
        .path()
        .strip_prefix(API_PAGES)
        .and_then(|rest| rest.strip_suffix(LIVE_SUFFIX))
        .ok_or(Problem::BadParameter("title"))?;
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| Problem::BadParameter("title"))?;
    Ok(Title::parse(&decoded)?)
}

/// Who may write on a connection: an account or temporary identity, or a logged-out
/// writer whose temporary identity is made at their first update.
enum Writer {
    Known(Participant),
    Pending(PendingIdentity),
}

/// What connections (and form saves, other processes, moderators) tell a session.
enum Command {
    Join {
        connection: u64,
        writer: Option<Writer>,
        out: mpsc::Sender<Outgoing>,
    },
    Frame {
        connection: u64,
        data: Bytes,
    },
    Leave {
        connection: u64,
    },
    RevisionSaved,
    /// Another process stored something for this document.
    Wake,
    /// Presence (awareness) of another process's clients.
    Presence(Bytes),
    /// End the session everywhere after a last revision (locking the notes).
    End {
        summary: String,
        done: oneshot::Sender<Result<(), String>>,
    },
    /// The server is stopping: save, close, and say so.
    Shutdown {
        done: oneshot::Sender<()>,
    },
}

/// What a session sends one of its clients.
#[derive(Clone)]
enum Outgoing {
    /// A document update, both raw (to merge with the next ones) and as the message
    /// sent when it goes alone (encoded once by the session for every client).
    Update { update: Bytes, message: Bytes },
    /// Any other message (sync answers, awareness), sent as it is.
    Message(Bytes),
}

/// At most this many queued messages go out merged in one frame.
const MAX_COALESCED: usize = 256;

/// The frames for whatever is queued for one client: consecutive updates merged into
/// one message, so a client that fell behind (a slow computer, a busy page) catches up
/// with one frame instead of hundreds, and costs the server one write instead of
/// hundreds. A client that keeps up gets each update alone, with no added delay.
fn coalesce(queued: Vec<Outgoing>) -> Vec<Bytes> {
    let mut frames = Vec::new();
    let mut run: Vec<Outgoing> = Vec::new();
    for item in queued {
        match item {
            Outgoing::Update { .. } => run.push(item),
            Outgoing::Message(message) => {
                flush_updates(&mut run, &mut frames);
                frames.push(message);
            }
        }
    }
    flush_updates(&mut run, &mut frames);
    frames
}

fn flush_updates(run: &mut Vec<Outgoing>, frames: &mut Vec<Bytes>) {
    let items = std::mem::take(run);
    if let [Outgoing::Update { message, .. }] = items.as_slice() {
        frames.push(message.clone());
        return;
    }
    let updates: Vec<Bytes> = items
        .iter()
        .filter_map(|item| match item {
            Outgoing::Update { update, .. } => Some(update.clone()),
            Outgoing::Message(_) => None,
        })
        .collect();
    if updates.is_empty() {
        return;
    }
    match LiveDoc::update_message(&updates) {
        Ok(message) => frames.push(Bytes::from(message)),
        // Not expected (the session made each of them), but never lose one: send
        // them one by one.
        Err(_) => frames.extend(items.into_iter().filter_map(|item| match item {
            Outgoing::Update { message, .. } => Some(message),
            Outgoing::Message(_) => None,
        })),
    }
}

/// Pumps one WebSocket: frames in go to the session, messages out come from it.
async fn run_connection(
    connection: u64,
    mut session: actix_ws::Session,
    stream: actix_ws::MessageStream,
    commands: mpsc::UnboundedSender<Command>,
    mut outbox: mpsc::Receiver<Outgoing>,
    max_frame: usize,
) {
    let mut stream = stream
        .max_frame_size(max_frame)
        .aggregate_continuations()
        .max_continuation_size(max_frame);
    loop {
        tokio::select! {
            incoming = stream.recv() => match incoming {
                Some(Ok(AggregatedMessage::Binary(data))) => {
                    if commands.send(Command::Frame { connection, data }).is_err() {
                        break;
                    }
                }
                Some(Ok(AggregatedMessage::Ping(bytes))) => {
                    if session.pong(&bytes).await.is_err() {
                        break;
                    }
                }
                Some(Ok(AggregatedMessage::Text(_) | AggregatedMessage::Pong(_))) => {}
                Some(Ok(AggregatedMessage::Close(_)) | Err(_)) | None => break,
            },
            outgoing = outbox.recv() => match outgoing {
                Some(first) => {
                    let mut queued = vec![first];
                    while queued.len() < MAX_COALESCED {
                        match outbox.try_recv() {
                            Ok(more) => queued.push(more),
                            Err(_) => break,
                        }
                    }
                    let mut failed = false;
                    for frame in coalesce(queued) {
                        if session.binary(frame).await.is_err() {
                            failed = true;
                            break;
                        }
                    }
                    if failed {
                        break;
                    }
                }
                // The session dropped this client (too slow, bad frame, or it ended).
                None => break,
            },
        }
    }
    let _ = commands.send(Command::Leave { connection });
    let _ = session.close(None).await;
}

/// One connected client, as its session sees it.
struct Connection {
    out: mpsc::Sender<Outgoing>,
    writer: Option<Writer>,
    /// Awareness client ids it spoke for, cleared when it leaves.
    awareness: HashSet<u64>,
}

/// Why a session stops: its storage failed. Clients reconnect and resend what the
/// server lacks (their documents keep everything), so nothing typed is lost.
#[derive(Debug)]
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure(error.to_string())
    }
}

/// A page's live session.
struct Session {
    state: web::Data<AppState>,
    title: Title,
    document: i64,
    doc: LiveDoc,
    /// The revision the live text last took in (or was saved as), and its text.
    synced: Option<(RevisionId, String)>,
    connections: HashMap<u64, Connection>,
    /// Who typed here and is already stored as a participant since the last checkpoint.
    participants: Participants,
    clock: CheckpointClock,
    rules: CheckpointRules,
    /// Every stored update of the document up to this id is in `doc`.
    seen: i64,
    /// Ids of this session's own updates above `seen` (not to apply twice).
    own: BTreeSet<i64>,
    /// The document's closings when the session started: a change ends it.
    closings: i64,
    /// Whether this process holds the checkpoint lease.
    holder: bool,
    /// The revision the stored document last took in, as last read.
    observed_synced: Option<RevisionId>,
    /// When another process last brought typing.
    last_foreign: Option<Instant>,
    /// A "save a version" asked on another process, for the holder.
    request: Option<String>,
    /// The session was ended (locked) or its updates are refused: it closes.
    ended: bool,
    /// The server is stopping: whom to tell once the session is saved and closed.
    stopping: Vec<oneshot::Sender<()>>,
    since_snapshot: usize,
    last_take_in: Instant,
    take_in_wanted: bool,
}

async fn run_session(
    state: web::Data<AppState>,
    title: Title,
    own: mpsc::UnboundedSender<Command>,
    mut commands: mpsc::UnboundedReceiver<Command>,
    rules: CheckpointRules,
) {
    let mut session = match Session::load(state.clone(), title.clone(), rules).await {
        Ok(session) => session,
        Err(failure) => {
            log::error!("live session of {title} cannot start: {}", failure.0);
            state.live.close_if_idle(&title, &own, &commands);
            return;
        }
    };
    {
        let mut documents = state
            .live
            .documents
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        documents.insert(session.document, own.clone());
    }
    state.live.listen(&state.store);
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let first = tokio::select! {
            command = commands.recv() => command,
            _ = tick.tick() => {
                if let Err(failure) = session.on_tick().await {
                    log::error!("live session of {title} stops: {}", failure.0);
                    break;
                }
                if session.ended {
                    break;
                }
                if session.connections.is_empty() && session.wind_down(&own, &commands).await {
                    return;
                }
                continue;
            }
        };
        let Some(first) = first else { break };
        // Under load, optionally wait a little so one stored batch and one frame per
        // client carry many keystrokes (off by default: it did not help, see above).
        let window = coalesce_window(session.connections.len(), state.live.coalesce_max);
        if !window.is_zero() {
            tokio::time::sleep(window).await;
        }
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match commands.try_recv() {
                Ok(command) => batch.push(command),
                Err(_) => break,
            }
        }
        if let Err(failure) = session.handle(batch).await {
            log::error!("live session of {title} stops: {}", failure.0);
            break;
        }
        if session.ended || !session.stopping.is_empty() {
            break;
        }
        if session.connections.is_empty() && session.wind_down(&own, &commands).await {
            return;
        }
    }
    // Ended or failed: forget the session; dropping it closes every connection
    // (clients reconnect, and find the page as it now is).
    if session.ended {
        log::info!("live session of {title} ended");
    }
    let stopping = std::mem::take(&mut session.stopping);
    session.forget(&own).await;
    for done in stopping {
        let _ = done.send(());
    }
}

impl Session {
    async fn load(
        state: web::Data<AppState>,
        title: Title,
        rules: CheckpointRules,
    ) -> Result<Session, Failure> {
        let store = state.store.clone();
        let page_title = title.clone();
        let stored =
            web::block(move || store.live_open(&page_title, &|text| LiveDoc::new(text).snapshot()))
                .await??;
        let doc = LiveDoc::load(
            &stored.snapshot,
            stored.updates.iter().map(|(_, data)| data.as_slice()),
        )?;
        let participants = Participants::from_stored(
            stored
                .participants
                .into_iter()
                .map(|p| Participant {
                    name: p.name,
                    user: p.user,
                })
                .collect(),
        );
        let mut clock = CheckpointClock::default();
        if !participants.is_empty() {
            // Typing stored before a restart still needs its revision.
            clock.edited(Instant::now());
        }
        let synced = stored
            .synced
            .map(|revision| (revision.meta.id, revision.text.into_string()));
        let mut session = Session {
            title,
            document: stored.document,
            since_snapshot: stored.updates.len(),
            seen: stored.seen,
            own: BTreeSet::new(),
            closings: stored.closings,
            holder: false,
            observed_synced: synced.as_ref().map(|(id, _)| *id),
            last_foreign: None,
            request: None,
            ended: false,
            stopping: Vec::new(),
            doc,
            synced,
            connections: HashMap::new(),
            participants,
            clock,
            rules,
            last_take_in: Instant::now(),
            take_in_wanted: false,
            state,
        };
        session.lease().await?;
        if session.holder {
            // Revisions saved while nobody was live.
            session.take_in_current().await?;
        }
        Ok(session)
    }

    fn origin(&self) -> String {
        self.state.live.instance.clone()
    }

    /// Handles a batch of commands: one transaction for all their updates, then the
    /// answers and one broadcast.
    async fn handle(&mut self, batch: Vec<Command>) -> Result<(), Failure> {
        let mut replies: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut updates: Vec<Vec<u8>> = Vec::new();
        let mut new_participants: Vec<(usize, LiveParticipant)> = Vec::new();
        let mut awareness: Vec<Vec<u8>> = Vec::new();
        let mut checkpoint: Option<String> = None;
        let mut wake = false;
        let mut remote_awareness: Vec<Vec<u8>> = Vec::new();
        let mut ends: Vec<(String, oneshot::Sender<Result<(), String>>)> = Vec::new();
        for command in batch {
            match command {
                Command::Join {
                    connection,
                    writer,
                    out,
                } => {
                    replies.push((connection, self.doc.sync_step1()));
                    if let Some(message) = self.doc.awareness_message() {
                        replies.push((connection, message));
                    }
                    self.connections.insert(
                        connection,
                        Connection {
                            out,
                            writer,
                            awareness: HashSet::new(),
                        },
                    );
                }
                Command::Frame { connection, data } => {
                    let Some(client) = self.connections.get_mut(&connection) else {
                        continue;
                    };
                    let incoming = match self.doc.receive(&data, client.writer.is_some()) {
                        Ok(incoming) => incoming,
                        Err(error) => {
                            log::info!("live client dropped on {}: {error}", self.title);
                            awareness.extend(self.drop_connection(connection));
                            continue;
                        }
                    };
                    if !incoming.updates.is_empty()
                        && let Some(Writer::Pending(pending)) = &client.writer
                    {
                        // A logged-out writer's first update: now they need a name.
                        let pending = pending.clone();
                        let store = self.state.store.clone();
                        let user = web::block(move || pending.create(&store)).await??;
                        client.writer = Some(Writer::Known(Participant {
                            name: user.name.as_str().to_owned(),
                            user: Some(user.id),
                        }));
                    }
                    if !incoming.updates.is_empty()
                        && let Some(Writer::Known(writer)) = &client.writer
                        && self.participants.add(writer)
                    {
                        new_participants.push((
                            self.participants.list().len(),
                            LiveParticipant {
                                name: writer.name.clone(),
                                user: writer.user,
                            },
                        ));
                    }
                    replies.extend(incoming.replies.into_iter().map(|r| (connection, r)));
                    updates.extend(incoming.updates);
                    client.awareness.extend(incoming.awareness_clients);
                    awareness.extend(incoming.awareness);
                    if client.writer.is_some() && incoming.checkpoint.is_some() {
                        checkpoint = incoming.checkpoint;
                    }
                }
                Command::Leave { connection } => {
                    awareness.extend(self.drop_connection(connection));
                }
                Command::RevisionSaved => self.take_in_wanted = true,
                Command::Wake => wake = true,
                Command::Presence(data) => {
                    // Relayed to this process's clients, not back to the others.
                    if let Ok(incoming) = self.doc.receive(&data, false) {
                        remote_awareness.extend(incoming.awareness);
                    }
                }
                Command::End { summary, done } => ends.push((summary, done)),
                Command::Shutdown { done } => self.stopping.push(done),
            }
        }
        if !updates.is_empty() || !new_participants.is_empty() {
            self.persist(updates, new_participants, None).await?;
            self.clock.edited(Instant::now());
        }
        if self.ended {
            // The updates were refused: the session was ended meanwhile.
            return Ok(());
        }
        for (connection, reply) in replies {
            self.send_to(connection, Bytes::from(reply));
        }
        for message in &awareness {
            self.broadcast(Bytes::from(message.clone()));
        }
        for message in remote_awareness {
            self.broadcast(Bytes::from(message));
        }
        if !awareness.is_empty() && self.state.store.backend() == carnet_store::Backend::Postgres {
            let store = self.state.store.clone();
            let (document, origin) = (self.document, self.origin());
            web::block(move || store.live_share_presence(document, &origin, &awareness)).await??;
        }
        if !self.stopping.is_empty() && ends.is_empty() {
            self.save_before_stopping().await;
            return Ok(());
        }
        if !ends.is_empty() {
            let summary = ends
                .first()
                .map(|(summary, _)| summary.clone())
                .unwrap_or_default();
            let result = self.end_now(summary).await.map_err(|failure| failure.0);
            for (_, done) in ends {
                let _ = done.send(result.clone());
            }
            self.ended = true;
            return Ok(());
        }
        if wake {
            self.catch_up().await?;
            self.answer_request().await?;
        }
        if self.take_in_wanted && self.holder {
            self.take_in_current().await?;
        }
        if let Some(summary) = checkpoint {
            if self.holder {
                self.checkpoint(CheckpointReason::Requested, Some(summary))
                    .await?;
            } else {
                // The holder (another process) saves it, woken by the request.
                let store = self.state.store.clone();
                let (document, origin) = (self.document, self.origin());
                web::block(move || store.live_request_checkpoint(document, &summary, &origin))
                    .await??;
            }
        }
        Ok(())
    }

    /// Stores updates, then broadcasts them (merged) to everyone, authors included.
    async fn persist(
        &mut self,
        updates: Vec<Vec<u8>>,
        participants: Vec<(usize, LiveParticipant)>,
        synced: Option<RevisionId>,
    ) -> Result<(), Failure> {
        let store = self.state.store.clone();
        let (document, closings, origin) = (self.document, self.closings, self.origin());
        let (appended, updates) = web::block(move || {
            store
                .live_append(document, &updates, &participants, synced, closings, &origin)
                .map(|appended| (appended, updates))
        })
        .await??;
        let Some(appended) = appended else {
            self.ended = true;
            return Ok(());
        };
        if appended.previous <= self.seen {
            // Nobody else stored anything in between: all seen up to ours.
            if let Some(last) = appended.ids.last() {
                self.seen = self.seen.max(*last);
            }
        } else {
            self.own.extend(appended.ids);
        }
        if updates.is_empty() {
            return Ok(());
        }
        self.since_snapshot += updates.len();
        self.broadcast_update(&updates)?;
        Ok(())
    }

    /// Reads what other processes stored (or compacted) since `seen`, applies it and
    /// relays it to this process's clients.
    async fn catch_up(&mut self) -> Result<(), Failure> {
        let store = self.state.store.clone();
        let (document, after) = (self.document, self.seen);
        let news = web::block(move || store.live_news(document, after)).await??;
        if news.closings != self.closings {
            self.ended = true;
            return Ok(());
        }
        let before = self.doc.state();
        let mut changed = false;
        if let Some(snapshot) = &news.snapshot {
            changed |= self.doc.apply(snapshot)?;
        }
        for (id, data) in &news.updates {
            if self.own.remove(id) {
                continue;
            }
            changed |= self.doc.apply(data)?;
            self.since_snapshot += 1;
        }
        self.seen = self.seen.max(news.seen);
        let seen = self.seen;
        self.own.retain(|id| *id > seen);
        if changed {
            let update = self.doc.update_since(&before)?;
            self.broadcast_update(&[update])?;
            let now = Instant::now();
            self.clock.edited(now);
            self.last_foreign = Some(now);
        }
        if news.synced != self.observed_synced {
            // A checkpoint (or a revision taken in) somewhere: the participants stored
            // were named in it, so this session names its writers again when they type.
            self.observed_synced = news.synced;
            self.participants.clear();
        }
        self.request = news.checkpoint_request;
        Ok(())
    }

    /// Takes or renews the checkpoint lease. A session that just took it adopts the
    /// revision the stored document is in step with (the last holder's checkpoint).
    async fn lease(&mut self) -> Result<(), Failure> {
        let store = self.state.store.clone();
        let (document, origin) = (self.document, self.origin());
        let holder = web::block(move || store.live_lease(document, &origin, LEASE_SECS)).await??;
        if holder && !self.holder {
            self.adopt_observed().await?;
        }
        self.holder = holder;
        Ok(())
    }

    /// Takes the stored document's revision as the one this session is in step with
    /// (it was made from, or merged into, the stored updates this session has read).
    async fn adopt_observed(&mut self) -> Result<(), Failure> {
        let Some(id) = self.observed_synced else {
            return Ok(());
        };
        if self.synced.as_ref().map(|(synced, _)| *synced) == Some(id) {
            return Ok(());
        }
        let store = self.state.store.clone();
        if let Some(text) = web::block(move || store.revision_text(id)).await?? {
            self.synced = Some((id, text.into_string()));
        }
        Ok(())
    }

    /// The holder answers a "save a version" asked on another process.
    async fn answer_request(&mut self) -> Result<(), Failure> {
        if !self.holder {
            return Ok(());
        }
        let Some(summary) = self.request.take() else {
            return Ok(());
        };
        let store = self.state.store.clone();
        let document = self.document;
        let asked = summary.clone();
        if web::block(move || store.live_take_request(document, &asked)).await?? {
            self.checkpoint(CheckpointReason::Requested, Some(summary))
                .await?;
        }
        Ok(())
    }

    /// Ends the session everywhere: refuses every other session's updates from now on,
    /// reads what they stored before, and saves it all as a last revision.
    async fn end_now(&mut self, summary: String) -> Result<(), Failure> {
        let store = self.state.store.clone();
        let (document, origin) = (self.document, self.origin());
        self.closings = web::block(move || store.live_close(document, &origin)).await??;
        self.catch_up().await?;
        // Whoever held the lease stops at its next look; this session saves.
        self.holder = true;
        self.adopt_observed().await?;
        self.checkpoint(CheckpointReason::Requested, Some(summary))
            .await?;
        let store = self.state.store.clone();
        let origin = self.origin();
        web::block(move || store.live_release(document, &origin)).await??;
        self.holder = false;
        Ok(())
    }

    /// The server is stopping: what was typed becomes a revision now (if this process
    /// makes the checkpoints), and the stored updates are compacted. Every update was
    /// stored before it was acknowledged, so nothing acknowledged is lost either way.
    async fn save_before_stopping(&mut self) {
        if let Err(failure) = self.catch_up().await {
            log::error!(
                "live session of {} cannot catch up: {}",
                self.title,
                failure.0
            );
        }
        if self.ended {
            return;
        }
        if self.clock.is_dirty()
            && self.lease().await.is_ok()
            && self.holder
            && let Err(failure) = self
                .checkpoint(CheckpointReason::LastWriterLeft, None)
                .await
        {
            log::error!("live checkpoint of {} failed: {}", self.title, failure.0);
        }
        if self.holder
            && self.since_snapshot > 0
            && let Err(failure) = self.compact().await
        {
            log::error!("live compaction of {} failed: {}", self.title, failure.0);
        }
        log::info!("live session of {} saved before stopping", self.title);
    }

    /// Closes every connection and forgets the session (it ended or failed).
    async fn forget(mut self, own: &mpsc::UnboundedSender<Command>) {
        self.connections.clear();
        self.unregister(own);
        {
            let mut sessions = self
                .state
                .live
                .sessions
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let key = self.title.to_string();
            if sessions.get(&key).is_some_and(|s| s.same_channel(own)) {
                sessions.remove(&key);
            }
        }
        if self.holder {
            let store = self.state.store.clone();
            let (document, origin) = (self.document, self.origin());
            let _ = web::block(move || store.live_release(document, &origin)).await;
        }
    }

    fn unregister(&self, own: &mpsc::UnboundedSender<Command>) {
        let mut documents = self
            .state
            .live
            .documents
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if documents
            .get(&self.document)
            .is_some_and(|s| s.same_channel(own))
        {
            documents.remove(&self.document);
        }
    }

    fn send_to(&mut self, connection: u64, message: Bytes) {
        let Some(client) = self.connections.get(&connection) else {
            return;
        };
        if client.out.try_send(Outgoing::Message(message)).is_err() {
            let forgotten = self.drop_connection(connection);
            if let Some(message) = forgotten {
                self.broadcast(Bytes::from(message));
            }
        }
    }

    fn broadcast(&mut self, message: Bytes) {
        self.broadcast_outgoing(Outgoing::Message(message));
    }

    /// Sends stored `updates` (merged) to everyone, authors included; each client's
    /// connection may merge them further with what is already queued for it.
    fn broadcast_update(&mut self, updates: &[Vec<u8>]) -> Result<(), Failure> {
        let update = LiveDoc::merge_updates(updates)?;
        let message = LiveDoc::update_message(std::slice::from_ref(&update))?;
        self.broadcast_outgoing(Outgoing::Update {
            update: Bytes::from(update),
            message: Bytes::from(message),
        });
        Ok(())
    }

    fn broadcast_outgoing(&mut self, outgoing: Outgoing) {
        let slow: Vec<u64> = self
            .connections
            .iter()
            .filter(|(_, client)| client.out.try_send(outgoing.clone()).is_err())
            .map(|(connection, _)| *connection)
            .collect();
        for connection in slow {
            log::info!("live client too slow on {}: dropped", self.title);
            let forgotten = self.drop_connection(connection);
            if let Some(message) = forgotten {
                self.broadcast(Bytes::from(message));
            }
        }
    }

    /// Forgets a connection (dropping its outbox ends it); returns the awareness
    /// message telling the others it left.
    fn drop_connection(&mut self, connection: u64) -> Option<Vec<u8>> {
        let client = self.connections.remove(&connection)?;
        let clients: Vec<u64> = client.awareness.into_iter().collect();
        self.doc.forget(&clients)
    }

    async fn on_tick(&mut self) -> Result<(), Failure> {
        self.catch_up().await?;
        if self.ended {
            return Ok(());
        }
        self.lease().await?;
        if !self.holder {
            return Ok(());
        }
        self.answer_request().await?;
        let now = Instant::now();
        if self.take_in_wanted || now.duration_since(self.last_take_in) >= TAKE_IN_EVERY {
            self.take_in_current().await?;
        }
        let mut writers = self
            .connections
            .values()
            .filter(|client| client.writer.is_some())
            .count();
        // Writers on other processes count as here while they keep typing.
        if self
            .last_foreign
            .is_some_and(|at| now.duration_since(at) < self.rules.idle)
        {
            writers += 1;
        }
        if let Some(reason) = self.clock.due(&self.rules, now, writers) {
            self.checkpoint(reason, None).await?;
        }
        if self.since_snapshot >= COMPACT_AFTER {
            self.compact().await?;
        }
        Ok(())
    }

    /// Nobody is connected here: saves what was typed (if this process makes the
    /// checkpoints, or can now), compacts, and ends the session unless someone joined
    /// meanwhile. True when it ended.
    async fn wind_down(
        &mut self,
        own: &mpsc::UnboundedSender<Command>,
        commands: &mpsc::UnboundedReceiver<Command>,
    ) -> bool {
        if let Err(failure) = self.catch_up().await {
            log::error!(
                "live session of {} cannot catch up: {}",
                self.title,
                failure.0
            );
        }
        if self.clock.is_dirty()
            && !self.ended
            && self.lease().await.is_ok()
            && self.holder
            && let Err(failure) = self
                .checkpoint(CheckpointReason::LastWriterLeft, None)
                .await
        {
            log::error!("live checkpoint of {} failed: {}", self.title, failure.0);
        }
        if self.holder
            && self.since_snapshot > 0
            && let Err(failure) = self.compact().await
        {
            log::error!("live compaction of {} failed: {}", self.title, failure.0);
        }
        if !self.state.live.close_if_idle(&self.title, own, commands) {
            return false;
        }
        self.unregister(own);
        if self.holder {
            let store = self.state.store.clone();
            let (document, origin) = (self.document, self.origin());
            if let Err(error) = web::block(move || store.live_release(document, &origin)).await {
                log::error!("live lease of {} not released: {error}", self.title);
            }
        }
        true
    }

    async fn compact(&mut self) -> Result<(), Failure> {
        let store = self.state.store.clone();
        let document = self.document;
        let snapshot = self.doc.snapshot();
        let through = self.seen;
        web::block(move || store.live_compact(document, &snapshot, through)).await??;
        self.since_snapshot = 0;
        Ok(())
    }

    /// Takes in the page's current revision if it is not the one the live text last
    /// took in (a form save, a restore). A revision the stored document already took in
    /// or was saved as (another process's checkpoint) is adopted, not merged: its text
    /// is in the updates this session read.
    async fn take_in_current(&mut self) -> Result<(), Failure> {
        self.take_in_wanted = false;
        self.last_take_in = Instant::now();
        let store = self.state.store.clone();
        let title = self.title.clone();
        let Some((_, revision)) = web::block(move || store.page(&title)).await?? else {
            return Ok(());
        };
        if self.synced.as_ref().map(|(id, _)| *id) == Some(revision.meta.id) {
            return Ok(());
        }
        if self.observed_synced == Some(revision.meta.id) {
            self.synced = Some((revision.meta.id, revision.text.into_string()));
            return Ok(());
        }
        let base = self
            .synced
            .as_ref()
            .map(|(_, text)| text.clone())
            .unwrap_or_default();
        self.take_in(&base, revision.meta.id, revision.text.as_str())
            .await
    }

    /// Merges revision `id` (its `text` changed from `base`) into the live text, and
    /// stores the edit with the revision it brings in.
    async fn take_in(&mut self, base: &str, id: RevisionId, text: &str) -> Result<(), Failure> {
        let labels = self.labels();
        let updates: Vec<Vec<u8>> = self
            .doc
            .merge_revision(base, text, &labels)
            .into_iter()
            .collect();
        self.persist(updates, Vec::new(), Some(id)).await?;
        self.synced = Some((id, text.to_owned()));
        self.observed_synced = Some(id);
        Ok(())
    }

    /// Saves the live text as a revision signed by everyone who typed since the last,
    /// in any process.
    async fn checkpoint(
        &mut self,
        reason: CheckpointReason,
        summary: Option<String>,
    ) -> Result<(), Failure> {
        self.catch_up().await?;
        if self.ended {
            return Ok(());
        }
        self.take_in_current().await?;
        if self.ended {
            return Ok(());
        }
        let store = self.state.store.clone();
        let document = self.document;
        let named = web::block(move || store.live_participants(document)).await??;
        let participants = Participants::from_stored(
            named
                .into_iter()
                .map(|p| Participant {
                    name: p.name,
                    user: p.user,
                })
                .collect(),
        );
        let label = Tr::new(&self.state.i18n, Lang::Fr).t("live-checkpoint-comment");
        for _ in 0..3 {
            let text = self.doc.text();
            let page_text = PageText::new(&text, self.state.store.max_page_bytes())?;
            let unchanged = match &self.synced {
                Some((_, synced)) => synced == page_text.as_str(),
                None => page_text.as_str().is_empty(),
            };
            if unchanged {
                return self.checkpointed(&participants).await;
            }
            let author = match participants.author_line() {
                line if line.is_empty() => Author::new(Author::ANONYMOUS)?,
                line => Author::new(&line)?,
            };
            let comment = participants.comment(summary.as_deref(), &label);
            let edit = Edit {
                title: self.title.clone(),
                text: page_text,
                base: self.synced.as_ref().map(|(id, _)| *id),
                author,
                user: participants.first_user(),
                comment: Comment::new(&comment)?,
                minor: false,
                labels: self.labels(),
            };
            log::info!(
                "live checkpoint of {} ({reason:?}) by {}",
                self.title,
                edit.author.as_str()
            );
            let submitted = edit.text.as_str().to_owned();
            let store = self.state.store.clone();
            let outcome = web::block(move || store.save(&edit)).await??;
            crate::ops::record_save("live", &outcome);
            match outcome {
                SaveOutcome::Created(meta)
                | SaveOutcome::Unchanged(meta)
                | SaveOutcome::Saved {
                    revision: meta,
                    merged: false,
                } => {
                    self.synced = Some((meta.id, submitted));
                }
                SaveOutcome::Saved {
                    revision,
                    merged: true,
                } => {
                    // Another save landed meanwhile and the store merged it in: bring
                    // its changes into the live text too.
                    let store = self.state.store.clone();
                    let id = revision.id;
                    let merged = web::block(move || store.revision_text(id))
                        .await??
                        .map(PageText::into_string)
                        .unwrap_or_default();
                    self.take_in(&submitted, revision.id, &merged).await?;
                }
                SaveOutcome::Conflict { current, .. } => {
                    let base = self
                        .synced
                        .as_ref()
                        .map(|(_, text)| text.clone())
                        .unwrap_or_default();
                    self.take_in(&base, current.meta.id, current.text.as_str())
                        .await?;
                    continue;
                }
            }
            return self.checkpointed(&participants).await;
        }
        Err(Failure("checkpoint kept conflicting".to_owned()))
    }

    /// Records that everything typed by `participants` is in the revision `synced`.
    async fn checkpointed(&mut self, participants: &Participants) -> Result<(), Failure> {
        if let Some((revision, _)) = &self.synced {
            let store = self.state.store.clone();
            let (document, origin) = (self.document, self.origin());
            let revision = *revision;
            let named: Vec<String> = participants.list().iter().map(|p| p.name.clone()).collect();
            web::block(move || store.live_checkpointed(document, revision, &named, &origin))
                .await??;
            self.observed_synced = Some(revision);
        }
        self.participants.clear();
        self.clock.saved();
        Ok(())
    }

    fn labels(&self) -> MergeLabels {
        let tr = Tr::new(&self.state.i18n, Lang::Fr);
        MergeLabels {
            base: tr.t("merge-label-base"),
            theirs: tr.t("live-merge-label-live"),
            mine: tr.t("live-merge-label-saved"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_crowded_sessions_wait_to_gather_a_batch() {
        let max = Duration::from_millis(40);
        assert_eq!(coalesce_window(1, max), Duration::ZERO);
        assert_eq!(coalesce_window(100, max), Duration::ZERO);
        assert_eq!(coalesce_window(200, max), Duration::from_millis(10));
        assert_eq!(coalesce_window(400, max), Duration::from_millis(30));
        assert_eq!(coalesce_window(10_000, max), max);
        assert_eq!(coalesce_window(400, COALESCE_MAX), Duration::ZERO);
    }

    fn update(doc: &mut LiveDoc, text: &str) -> Outgoing {
        let update = doc.replace_text(text).unwrap();
        let message = LiveDoc::update_message(std::slice::from_ref(&update)).unwrap();
        Outgoing::Update {
            update: Bytes::from(update),
            message: Bytes::from(message),
        }
    }

    #[test]
    fn queued_updates_go_out_merged_in_order_around_other_messages() {
        let mut server = LiveDoc::new("a");
        let base = server.snapshot();
        let queued = vec![
            update(&mut server, "ab"),
            update(&mut server, "abc"),
            Outgoing::Message(Bytes::from_static(b"awareness")),
            update(&mut server, "abcd"),
        ];
        let frames = coalesce(queued);
        assert_eq!(
            frames.len(),
            3,
            "two updates merged, the message, the last update"
        );
        assert_eq!(frames[1], Bytes::from_static(b"awareness"));
        let mut client = LiveDoc::load(&base, []).unwrap();
        client.receive(&frames[0], true).unwrap();
        assert_eq!(client.text(), "abc");
        client.receive(&frames[2], true).unwrap();
        assert_eq!(client.text(), "abcd");
    }

    #[test]
    fn an_update_alone_goes_out_as_the_session_encoded_it() {
        let mut server = LiveDoc::new("a");
        let alone = update(&mut server, "ab");
        let Outgoing::Update { message, .. } = alone.clone() else {
            unreachable!()
        };
        assert_eq!(coalesce(vec![alone]), vec![message]);
    }
}
