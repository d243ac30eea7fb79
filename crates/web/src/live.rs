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

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
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
use tokio::sync::mpsc;

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

/// Every live session of this process, by page.
pub struct LiveHub {
    sessions: Mutex<HashMap<String, mpsc::UnboundedSender<Command>>>,
    next_connection: AtomicU64,
    rules: CheckpointRules,
}

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub::new(CheckpointRules::default())
    }
}

impl LiveHub {
    pub fn new(rules: CheckpointRules) -> LiveHub {
        LiveHub {
            sessions: Mutex::new(HashMap::new()),
            next_connection: AtomicU64::new(1),
            rules,
        }
    }

    /// Tells the page's session, if one is open here, that a revision was saved
    /// outside it, so the live text takes it in now rather than at the next look.
    pub fn revision_saved(&self, title: &Title) {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(session) = sessions.get(&title.to_string()) {
            let _ = session.send(Command::RevisionSaved);
        }
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
        writer: Option<Participant>,
        session: actix_ws::Session,
        stream: actix_ws::MessageStream,
    ) {
        let connection = self.next_connection.fetch_add(1, Ordering::Relaxed);
        let (out, outbox) = mpsc::channel(OUTBOX);
        let commands = {
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
            // under the same lock, so a join is never lost.
            let _ = commands.send(Command::Join {
                connection,
                writer,
                out,
            });
            commands
        };
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
    let (writer, cookie) = if may_write {
        let (user, cookie) = ctx.signer().await?;
        let writer = Participant {
            name: user.name.as_str().to_owned(),
            user: Some(user.id),
        };
        (Some(writer), cookie)
    } else {
        (None, None)
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

/// What connections (and form saves) tell a session.
enum Command {
    Join {
        connection: u64,
        writer: Option<Participant>,
        out: mpsc::Sender<Bytes>,
    },
    Frame {
        connection: u64,
        data: Bytes,
    },
    Leave {
        connection: u64,
    },
    RevisionSaved,
}

/// Pumps one WebSocket: frames in go to the session, messages out come from it.
async fn run_connection(
    connection: u64,
    mut session: actix_ws::Session,
    stream: actix_ws::MessageStream,
    commands: mpsc::UnboundedSender<Command>,
    mut outbox: mpsc::Receiver<Bytes>,
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
                Some(data) => {
                    if session.binary(data).await.is_err() {
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
    out: mpsc::Sender<Bytes>,
    writer: Option<Participant>,
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
    participants: Participants,
    clock: CheckpointClock,
    rules: CheckpointRules,
    last_update: i64,
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
                if session.connections.is_empty() && session.wind_down(&own, &commands).await {
                    return;
                }
                continue;
            }
        };
        let Some(first) = first else { break };
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
        if session.connections.is_empty() && session.wind_down(&own, &commands).await {
            return;
        }
    }
    // A failure: forget the session; dropping it closes every connection.
    let mut sessions = state
        .live
        .sessions
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let key = title.to_string();
    if sessions.get(&key).is_some_and(|s| s.same_channel(&own)) {
        sessions.remove(&key);
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
        let mut session = Session {
            title,
            document: stored.document,
            since_snapshot: stored.updates.len(),
            last_update: stored.updates.last().map(|(id, _)| *id).unwrap_or(0),
            doc,
            synced: stored
                .synced
                .map(|revision| (revision.meta.id, revision.text.into_string())),
            connections: HashMap::new(),
            participants,
            clock,
            rules,
            last_take_in: Instant::now(),
            take_in_wanted: false,
            state,
        };
        // Revisions saved while nobody was live.
        session.take_in_current().await?;
        Ok(session)
    }

    /// Handles a batch of commands: one transaction for all their updates, then the
    /// answers and one broadcast.
    async fn handle(&mut self, batch: Vec<Command>) -> Result<(), Failure> {
        let mut replies: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut updates: Vec<Vec<u8>> = Vec::new();
        let mut new_participants: Vec<(usize, LiveParticipant)> = Vec::new();
        let mut awareness: Vec<Vec<u8>> = Vec::new();
        let mut checkpoint: Option<String> = None;
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
                    match self.doc.receive(&data, client.writer.is_some()) {
                        Ok(incoming) => {
                            replies.extend(incoming.replies.into_iter().map(|r| (connection, r)));
                            if !incoming.updates.is_empty()
                                && let Some(writer) = &client.writer
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
                            updates.extend(incoming.updates);
                            client.awareness.extend(incoming.awareness_clients);
                            awareness.extend(incoming.awareness);
                            if client.writer.is_some() && incoming.checkpoint.is_some() {
                                checkpoint = incoming.checkpoint;
                            }
                        }
                        Err(error) => {
                            log::info!("live client dropped on {}: {error}", self.title);
                            awareness.extend(self.drop_connection(connection));
                        }
                    }
                }
                Command::Leave { connection } => {
                    awareness.extend(self.drop_connection(connection));
                }
                Command::RevisionSaved => self.take_in_wanted = true,
            }
        }
        if !updates.is_empty() || !new_participants.is_empty() {
            self.persist(updates, new_participants, None).await?;
            self.clock.edited(Instant::now());
        }
        for (connection, reply) in replies {
            self.send_to(connection, Bytes::from(reply));
        }
        for message in awareness {
            self.broadcast(Bytes::from(message));
        }
        if self.take_in_wanted {
            self.take_in_current().await?;
        }
        if let Some(summary) = checkpoint {
            self.checkpoint(CheckpointReason::Requested, Some(summary))
                .await?;
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
        let document = self.document;
        let (last, updates) = web::block(move || {
            store
                .live_append(document, &updates, &participants, synced)
                .map(|last| (last, updates))
        })
        .await??;
        if updates.is_empty() {
            return Ok(());
        }
        self.last_update = self.last_update.max(last);
        self.since_snapshot += updates.len();
        let message = LiveDoc::update_message(&updates)?;
        self.broadcast(Bytes::from(message));
        Ok(())
    }

    fn send_to(&mut self, connection: u64, message: Bytes) {
        let Some(client) = self.connections.get(&connection) else {
            return;
        };
        if client.out.try_send(message).is_err() {
            let forgotten = self.drop_connection(connection);
            if let Some(message) = forgotten {
                self.broadcast(Bytes::from(message));
            }
        }
    }

    fn broadcast(&mut self, message: Bytes) {
        let slow: Vec<u64> = self
            .connections
            .iter()
            .filter(|(_, client)| client.out.try_send(message.clone()).is_err())
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
        let now = Instant::now();
        if self.take_in_wanted || now.duration_since(self.last_take_in) >= TAKE_IN_EVERY {
            self.take_in_current().await?;
        }
        let writers = self
            .connections
            .values()
            .filter(|client| client.writer.is_some())
            .count();
        if let Some(reason) = self.clock.due(&self.rules, now, writers) {
            self.checkpoint(reason, None).await?;
        }
        if self.since_snapshot >= COMPACT_AFTER {
            self.compact().await?;
        }
        Ok(())
    }

    /// Nobody is connected: saves what was typed, compacts, and ends the session
    /// unless someone joined meanwhile. True when it ended.
    async fn wind_down(
        &mut self,
        own: &mpsc::UnboundedSender<Command>,
        commands: &mpsc::UnboundedReceiver<Command>,
    ) -> bool {
        if self.clock.is_dirty()
            && let Err(failure) = self
                .checkpoint(CheckpointReason::LastWriterLeft, None)
                .await
        {
            log::error!("live checkpoint of {} failed: {}", self.title, failure.0);
        }
        if self.since_snapshot > 0
            && let Err(failure) = self.compact().await
        {
            log::error!("live compaction of {} failed: {}", self.title, failure.0);
        }
        self.state.live.close_if_idle(&self.title, own, commands)
    }

    async fn compact(&mut self) -> Result<(), Failure> {
        let store = self.state.store.clone();
        let document = self.document;
        let snapshot = self.doc.snapshot();
        let through = self.last_update;
        web::block(move || store.live_compact(document, &snapshot, through)).await??;
        self.since_snapshot = 0;
        Ok(())
    }

    /// Takes in the page's current revision if it is not the one the live text last
    /// took in (a form save, a restore, another process's checkpoint).
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
        Ok(())
    }

    /// Saves the live text as a revision signed by everyone who typed since the last.
    async fn checkpoint(
        &mut self,
        reason: CheckpointReason,
        summary: Option<String>,
    ) -> Result<(), Failure> {
        self.take_in_current().await?;
        let label = Tr::new(&self.state.i18n, Lang::Fr).t("live-checkpoint-comment");
        for _ in 0..3 {
            let text = self.doc.text();
            let page_text = PageText::new(&text, self.state.store.max_page_bytes())?;
            let unchanged = match &self.synced {
                Some((_, synced)) => synced == page_text.as_str(),
                None => page_text.as_str().is_empty(),
            };
            if unchanged {
                return self.checkpointed().await;
            }
            let author = match self.participants.author_line() {
                line if line.is_empty() => Author::new(Author::ANONYMOUS)?,
                line => Author::new(&line)?,
            };
            let comment = self.participants.comment(summary.as_deref(), &label);
            let edit = Edit {
                title: self.title.clone(),
                text: page_text,
                base: self.synced.as_ref().map(|(id, _)| *id),
                author,
                user: self.participants.first_user(),
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
            return self.checkpointed().await;
        }
        Err(Failure("checkpoint kept conflicting".to_owned()))
    }

    /// Records that everything typed is in the revision `synced`.
    async fn checkpointed(&mut self) -> Result<(), Failure> {
        if let Some((revision, _)) = &self.synced {
            let store = self.state.store.clone();
            let document = self.document;
            let revision = *revision;
            web::block(move || store.live_checkpointed(document, revision)).await??;
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
