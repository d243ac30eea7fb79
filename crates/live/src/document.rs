//! A page's live document and the y-websocket messages about it.

use std::time::Duration;

use carnet_core::{MergeLabels, MergeOutcome};
use similar::{ChangeTag, TextDiff};
use yrs::encoding::read::Cursor;
use yrs::sync::{Awareness, Message, MessageReader, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::{ClientID, Doc, GetString, ReadTxn, StateVector, Text, TextRef, Transact, Update};

/// The name of the document's shared text, as Yjs clients know it (`ydoc.getText("text")`).
pub const TEXT_NAME: &str = "text";

/// Carnet's own message tag (y-websocket uses 0 to 3): "save a version", followed by the
/// summary as a length-prefixed UTF-8 string. Standard clients never send it.
pub const MSG_CHECKPOINT: u8 = 100;

/// How long a server-side text replacement may spend diffing before settling for a
/// coarser (still correct) edit.
const DIFF_TIMEOUT: Duration = Duration::from_millis(500);

/// A malformed frame or update: the connection that sent it is dropped.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("malformed y-websocket message: {0}")]
    Decode(String),
    #[error("update cannot be applied: {0}")]
    Update(String),
}

/// What one frame from a client asks of the server.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Incoming {
    /// Messages for the sender only (sync step 2 answering its step 1, awareness states).
    pub replies: Vec<Vec<u8>>,
    /// Document updates that changed the document: persist them before anything is
    /// sent to anyone, then broadcast them with [`LiveDoc::update_message`].
    pub updates: Vec<Vec<u8>>,
    /// An awareness message (presence, cursors) for everyone.
    pub awareness: Vec<Vec<u8>>,
    /// Awareness client ids the sender spoke for, forgotten when it leaves.
    pub awareness_clients: Vec<u64>,
    /// A "save a version" request and its summary.
    pub checkpoint: Option<String>,
    /// Updates ignored because the sender may only watch.
    pub refused: usize,
}

/// One page's shared document: a `Y.Text` named [`TEXT_NAME`] and the presence of
/// the people connected.
pub struct LiveDoc {
    awareness: Awareness,
    text: TextRef,
}

impl std::fmt::Debug for LiveDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveDoc")
            .field("text", &self.text())
            .finish()
    }
}

impl LiveDoc {
    /// A new document holding `initial` (the page's current text).
    pub fn new(initial: &str) -> LiveDoc {
        let doc = LiveDoc::empty();
        if !initial.is_empty() {
            let mut txn = doc.doc().transact_mut();
            doc.text.insert(&mut txn, 0, initial);
        }
        doc
    }

    /// The document rebuilt from its stored snapshot and the updates stored after it.
    pub fn load<'a>(
        snapshot: &[u8],
        updates: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<LiveDoc, LiveError> {
        let mut doc = LiveDoc::empty();
        doc.apply(snapshot)?;
        for update in updates {
            doc.apply(update)?;
        }
        Ok(doc)
    }

    fn empty() -> LiveDoc {
        // A fresh random client id per load: the server's own edits (initial text,
        // merged form saves) never reuse a clock another process or an earlier run used.
        let doc = Doc::new();
        let text = doc.get_or_insert_text(TEXT_NAME);
        LiveDoc {
            awareness: Awareness::new(doc),
            text,
        }
    }

    fn doc(&self) -> &Doc {
        self.awareness.doc()
    }

    /// The text as it stands.
    pub fn text(&self) -> String {
        let txn = self.doc().transact();
        self.text.get_string(&txn)
    }

    /// The whole document as one update, to store as a compacted snapshot.
    pub fn snapshot(&self) -> Vec<u8> {
        self.doc()
            .transact()
            .encode_state_as_update_v1(&StateVector::default())
    }

    /// The document's state vector, encoded: what it holds, to ask later what changed.
    pub fn state(&self) -> Vec<u8> {
        self.doc().transact().state_vector().encode_v1()
    }

    /// Everything the document gained since it was at `state` (see [`LiveDoc::state`]),
    /// as one update.
    pub fn update_since(&self, state: &[u8]) -> Result<Vec<u8>, LiveError> {
        let state = StateVector::decode_v1(state).map_err(|e| LiveError::Decode(e.to_string()))?;
        Ok(self.doc().transact().encode_state_as_update_v1(&state))
    }

    /// The server's sync step 1, sent to each client that joins so it sends back what
    /// the server lacks (typing done while disconnected).
    pub fn sync_step1(&self) -> Vec<u8> {
        let state = self.doc().transact().state_vector();
        Message::Sync(SyncMessage::SyncStep1(state)).encode_v1()
    }

    /// The presence of everyone connected, for a client that joins.
    pub fn awareness_message(&self) -> Option<Vec<u8>> {
        let update = self.awareness.update().ok()?;
        if update.clients.is_empty() {
            return None;
        }
        Some(Message::Awareness(update).encode_v1())
    }

    /// One broadcast message carrying persisted `updates` (merged when several).
    pub fn update_message<B: AsRef<[u8]>>(updates: &[B]) -> Result<Vec<u8>, LiveError> {
        let merged = LiveDoc::merge_updates(updates)?;
        Ok(Message::Sync(SyncMessage::Update(merged)).encode_v1())
    }

    /// Several updates as one (a single one is returned as it is).
    pub fn merge_updates<B: AsRef<[u8]>>(updates: &[B]) -> Result<Vec<u8>, LiveError> {
        match updates {
            [one] => Ok(one.as_ref().to_vec()),
            many => yrs::merge_updates_v1(many).map_err(|e| LiveError::Decode(e.to_string())),
        }
    }

    /// Handles one frame (one or more y-websocket messages) from a client. Updates of a
    /// client that may only watch are ignored and counted in [`Incoming::refused`].
    pub fn receive(&mut self, frame: &[u8], may_write: bool) -> Result<Incoming, LiveError> {
        let mut incoming = Incoming::default();
        let mut decoder = DecoderV1::new(Cursor::new(frame));
        for message in MessageReader::new(&mut decoder) {
            let message = message.map_err(|e| LiveError::Decode(e.to_string()))?;
            match message {
                Message::Sync(SyncMessage::SyncStep1(state)) => {
                    let diff = self.doc().transact().encode_state_as_update_v1(&state);
                    incoming
                        .replies
                        .push(Message::Sync(SyncMessage::SyncStep2(diff)).encode_v1());
                }
                Message::Sync(SyncMessage::SyncStep2(update) | SyncMessage::Update(update)) => {
                    if !may_write {
                        incoming.refused += 1;
                    } else if self.apply(&update)? {
                        incoming.updates.push(update);
                    }
                }
                Message::Awareness(update) => {
                    incoming
                        .awareness_clients
                        .extend(update.clients.keys().map(ClientID::get));
                    let message = Message::Awareness(update.clone()).encode_v1();
                    let changed = self
                        .awareness
                        .apply_update_summary(update)
                        .map_err(|e| LiveError::Decode(e.to_string()))?;
                    if changed.is_some() {
                        incoming.awareness.push(message);
                    }
                }
                Message::AwarenessQuery => {
                    if let Some(message) = self.awareness_message() {
                        incoming.replies.push(message);
                    }
                }
                Message::Custom(MSG_CHECKPOINT, summary) => {
                    incoming.checkpoint = Some(String::from_utf8_lossy(&summary).into_owned());
                }
                // Authentication is the HTTP session's; other tags are not ours.
                Message::Auth(_) | Message::Custom(..) => {}
            }
        }
        Ok(incoming)
    }

    /// Applies an update; true when it changed the document (or is waiting for missing
    /// predecessors, which must survive a restart too).
    pub fn apply(&mut self, update: &[u8]) -> Result<bool, LiveError> {
        let update = Update::decode_v1(update).map_err(|e| LiveError::Decode(e.to_string()))?;
        let mut txn = self.doc().transact_mut();
        txn.apply_update(update)
            .map_err(|e| LiveError::Update(e.to_string()))?;
        Ok(!txn.insert_set().is_empty()
            || !txn.delete_set().is_empty()
            || txn.has_missing_updates())
    }

    /// Forgets the presence of clients that left; the message tells the others.
    pub fn forget(&mut self, clients: &[u64]) -> Option<Vec<u8>> {
        if clients.is_empty() {
            return None;
        }
        let ids: Vec<ClientID> = clients.iter().map(|id| ClientID::new(*id)).collect();
        for id in &ids {
            self.awareness.remove_state(*id);
        }
        let update = self.awareness.update_with_clients(ids).ok()?;
        Some(Message::Awareness(update).encode_v1())
    }

    /// Brings a revision saved outside the session (a form save, a restore) into the
    /// live text: a three-way merge of `base` (the text the session last shared with
    /// the wiki), the live text and `revision`, turned into Yjs edits so nobody's typing
    /// is overwritten. Overlapping changes keep both sides between conflict markers.
    /// Returns the update to persist and broadcast, if anything changed.
    pub fn merge_revision(
        &mut self,
        base: &str,
        revision: &str,
        labels: &MergeLabels,
    ) -> Option<Vec<u8>> {
        let live = self.text();
        let merged = match carnet_core::merge(base, &live, revision, labels) {
            MergeOutcome::Clean(text) => text,
            MergeOutcome::Conflicted { with_markers, .. } => with_markers,
        };
        // The merge works on terminated lines; keep the live text's own ending.
        let merged = match (live.ends_with('\n'), merged.ends_with('\n')) {
            (true, false) => merged + "\n",
            (false, true) => merged.trim_end_matches('\n').to_owned(),
            _ => merged,
        };
        self.replace_text(&merged)
    }

    /// Edits the text into `target` with the smallest character edits found, in one
    /// transaction. Returns the update, if anything changed.
    pub fn replace_text(&mut self, target: &str) -> Option<Vec<u8>> {
        let current = self.text();
        if current == target {
            return None;
        }
        let diff = TextDiff::configure()
            .timeout(DIFF_TIMEOUT)
            .diff_chars(current.as_str(), target);
        let mut txn = self.doc().transact_mut();
        // Byte offsets (the document's offset kind) into the text being edited.
        let mut offset: u32 = 0;
        let mut run = String::new();
        let mut run_tag = ChangeTag::Equal;
        let mut flush = |tag: ChangeTag, run: &str, offset: &mut u32| {
            let len = u32::try_from(run.len()).unwrap_or(u32::MAX);
            match tag {
                ChangeTag::Equal => *offset = offset.saturating_add(len),
                ChangeTag::Delete => self.text.remove_range(&mut txn, *offset, len),
                ChangeTag::Insert => {
                    self.text.insert(&mut txn, *offset, run);
                    *offset = offset.saturating_add(len);
                }
            }
        };
        for change in diff.iter_all_changes() {
            if change.tag() != run_tag && !run.is_empty() {
                flush(run_tag, &run, &mut offset);
                run.clear();
            }
            run_tag = change.tag();
            run.push_str(change.value());
        }
        if !run.is_empty() {
            flush(run_tag, &run, &mut offset);
        }
        Some(txn.encode_update_v1())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::updates::encoder::Encode;

    /// A client as a browser would be: its own document, speaking y-sync.
    struct Client {
        doc: Doc,
        text: TextRef,
    }

    impl Client {
        fn new() -> Client {
            let doc = Doc::new();
            let text = doc.get_or_insert_text(TEXT_NAME);
            Client { doc, text }
        }

        fn hello(&self) -> Vec<u8> {
            let state = self.doc.transact().state_vector();
            Message::Sync(SyncMessage::SyncStep1(state)).encode_v1()
        }

        /// Applies every sync step 2 or update in a server frame.
        fn hear(&self, frame: &[u8]) {
            let mut decoder = DecoderV1::new(Cursor::new(frame));
            for message in MessageReader::new(&mut decoder) {
                if let Message::Sync(SyncMessage::SyncStep2(u) | SyncMessage::Update(u)) =
                    message.unwrap()
                {
                    let mut txn = self.doc.transact_mut();
                    txn.apply_update(Update::decode_v1(&u).unwrap()).unwrap();
                }
            }
        }

        /// Types `chunk` at byte `index` and returns the update message.
        fn type_at(&self, index: u32, chunk: &str) -> Vec<u8> {
            let mut txn = self.doc.transact_mut();
            self.text.insert(&mut txn, index, chunk);
            Message::Sync(SyncMessage::Update(txn.encode_update_v1())).encode_v1()
        }

        fn text(&self) -> String {
            self.text.get_string(&self.doc.transact())
        }

        fn len(&self) -> u32 {
            self.text.len(&self.doc.transact())
        }
    }

    /// Joins a client: its step 1 is answered with the whole document.
    fn join(server: &mut LiveDoc, client: &Client) {
        let incoming = server.receive(&client.hello(), true).unwrap();
        for reply in &incoming.replies {
            client.hear(reply);
        }
    }

    /// Sends a client's message and delivers the resulting broadcast to everyone, as
    /// the web layer does after persisting.
    fn send(server: &mut LiveDoc, frame: &[u8], may_write: bool, everyone: &[&Client]) -> Incoming {
        let incoming = server.receive(frame, may_write).unwrap();
        if !incoming.updates.is_empty() {
            let message = LiveDoc::update_message(&incoming.updates).unwrap();
            for client in everyone {
                client.hear(&message);
            }
        }
        incoming
    }

    #[test]
    fn two_clients_typing_at_once_converge() {
        let mut server = LiveDoc::new("Ordre du jour\n");
        let ada = Client::new();
        let bob = Client::new();
        join(&mut server, &ada);
        join(&mut server, &bob);
        assert_eq!(ada.text(), "Ordre du jour\n");

        // Both type before hearing each other, then the server delivers both.
        let from_ada = ada.type_at(ada.len(), "- budget\n");
        let from_bob = bob.type_at(0, "# Réunion\n");
        send(&mut server, &from_ada, true, &[&ada, &bob]);
        send(&mut server, &from_bob, true, &[&ada, &bob]);
        for i in 0..20 {
            let a = ada.type_at(ada.len(), &i.to_string());
            let b = bob.type_at(0, "é");
            send(&mut server, &b, true, &[&ada, &bob]);
            send(&mut server, &a, true, &[&ada, &bob]);
        }
        assert_eq!(ada.text(), bob.text());
        assert_eq!(ada.text(), server.text());
        assert!(server.text().contains("# Réunion\n"));
        assert!(server.text().contains("- budget\n012345678910"));
    }

    #[test]
    fn persisted_updates_rebuild_the_same_document() {
        let mut server = LiveDoc::new("un\n");
        let snapshot = server.snapshot();
        let ada = Client::new();
        join(&mut server, &ada);
        let mut stored = Vec::new();
        for word in ["deux ", "trois ", "quatre"] {
            let incoming = send(&mut server, &ada.type_at(ada.len(), word), true, &[&ada]);
            stored.extend(incoming.updates);
        }
        let reloaded = LiveDoc::load(&snapshot, stored.iter().map(Vec::as_slice)).unwrap();
        assert_eq!(reloaded.text(), "un\ndeux trois quatre");
        // A compacted snapshot alone says the same.
        let compacted = LiveDoc::load(&server.snapshot(), []).unwrap();
        assert_eq!(compacted.text(), reloaded.text());
    }

    #[test]
    fn known_updates_are_not_persisted_twice() {
        let mut server = LiveDoc::new("");
        let ada = Client::new();
        join(&mut server, &ada);
        let frame = ada.type_at(0, "bonjour");
        assert_eq!(server.receive(&frame, true).unwrap().updates.len(), 1);
        assert!(server.receive(&frame, true).unwrap().updates.is_empty());
    }

    #[test]
    fn watchers_cannot_write() {
        let mut server = LiveDoc::new("protégé");
        let eve = Client::new();
        join(&mut server, &eve);
        let incoming = server.receive(&eve.type_at(0, "vandale "), false).unwrap();
        assert_eq!(incoming.refused, 1);
        assert!(incoming.updates.is_empty());
        assert_eq!(server.text(), "protégé");
    }

    #[test]
    fn a_form_save_is_merged_into_live_typing() {
        let base = "titre\n\nparagraphe un\n\nparagraphe deux\n";
        let mut server = LiveDoc::new(base);
        let ada = Client::new();
        join(&mut server, &ada);
        // Live typing at the end…
        let at = ada.len();
        send(
            &mut server,
            &ada.type_at(at, "ajout en direct\n"),
            true,
            &[&ada],
        );
        // …while a form saved a change to the first line.
        let saved = "TITRE\n\nparagraphe un\n\nparagraphe deux\n";
        let update = server
            .merge_revision(base, saved, &MergeLabels::default())
            .unwrap();
        ada.hear(&LiveDoc::update_message(&[update]).unwrap());
        let expected = "TITRE\n\nparagraphe un\n\nparagraphe deux\najout en direct\n";
        assert_eq!(server.text(), expected);
        assert_eq!(ada.text(), expected);
        // Saving the same revision again changes nothing.
        assert!(
            server
                .merge_revision(saved, saved, &MergeLabels::default())
                .is_none()
        );
    }

    #[test]
    fn overlapping_changes_keep_both_sides() {
        let mut server = LiveDoc::new("une ligne\n");
        let ada = Client::new();
        join(&mut server, &ada);
        send(&mut server, &ada.type_at(0, "live: "), true, &[&ada]);
        server.merge_revision("une ligne\n", "form: une ligne\n", &MergeLabels::default());
        let text = server.text();
        assert!(text.contains("live: une ligne"), "{text}");
        assert!(text.contains("form: une ligne"), "{text}");
    }

    #[test]
    fn replacing_text_with_multibyte_characters() {
        let mut server = LiveDoc::new("café crème");
        let update = server.replace_text("thé crème brûlée").unwrap();
        assert_eq!(server.text(), "thé crème brûlée");
        let copy = LiveDoc::load(&LiveDoc::new("").snapshot(), []).unwrap();
        drop(copy);
        let client = Client::new();
        client.hear(&Message::Sync(SyncMessage::Update(server.snapshot())).encode_v1());
        client.hear(&LiveDoc::update_message(&[update]).unwrap());
        assert_eq!(client.text(), "thé crème brûlée");
    }

    #[test]
    fn presence_is_relayed_and_forgotten() {
        let mut server = LiveDoc::new("");
        let update = yrs::sync::AwarenessUpdate {
            clients: [(
                ClientID::new(7),
                yrs::sync::awareness::AwarenessUpdateEntry {
                    clock: 1,
                    json: r#"{"user":{"name":"Ada"}}"#.into(),
                },
            )]
            .into_iter()
            .collect(),
        };
        let frame = Message::Awareness(update).encode_v1();
        let incoming = server.receive(&frame, false).unwrap();
        assert_eq!(incoming.awareness_clients, vec![7]);
        assert_eq!(incoming.awareness.len(), 1);
        assert!(server.awareness_message().is_some());
        assert!(server.forget(&[7]).is_some());
        assert!(server.awareness_message().is_none());
    }

    #[test]
    fn checkpoint_requests_carry_their_summary() {
        let mut server = LiveDoc::new("");
        let frame =
            Message::Custom(MSG_CHECKPOINT, "Fin de réunion".as_bytes().to_vec()).encode_v1();
        let incoming = server.receive(&frame, true).unwrap();
        assert_eq!(incoming.checkpoint.as_deref(), Some("Fin de réunion"));
    }

    #[test]
    fn garbage_is_an_error() {
        let mut server = LiveDoc::new("");
        // A sync message of an unknown kind.
        assert!(server.receive(&[0, 7], true).is_err());
        // A truncated update ends the frame (y-protocols reads until the buffer ends).
        assert!(
            server
                .receive(&[0, 2, 5, 1, 2], true)
                .unwrap()
                .updates
                .is_empty()
        );
    }
}
