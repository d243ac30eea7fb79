//! Carnet's live co-editing: one Yjs document per page, spoken to in the standard
//! y-websocket protocol (sync step 1/2, updates, awareness), and the rules that turn a
//! live session into ordinary wiki revisions.
//!
//! Everything here is pure: no sockets, no database, no clock of its own. The web front
//! end feeds frames in, persists the updates this crate hands back *before* sending
//! anything on, and asks [`CheckpointClock`] when to save a revision. Keeping it apart
//! lets the convergence and checkpoint rules be tested in milliseconds.

mod checkpoint;
mod document;
mod participants;

pub use checkpoint::{CheckpointClock, CheckpointReason, CheckpointRules};
pub use document::{Incoming, LiveDoc, LiveError, MSG_CHECKPOINT, TEXT_NAME};
pub use participants::{Participant, Participants};
