//! Group commit of saves on SQLite.
//!
//! SQLite has one writer at a time, and a save's commit is costly for what it is: it
//! writes every page the save touched to the log, and flushes the full-text index's new
//! terms into a new segment that later merges rewrite again. When saves queue for the
//! writer (a workshop, a load), the save whose turn it is also makes the ones waiting
//! behind it, each in its own savepoint, in one transaction: one commit, shared pages
//! written once for the lot. The full-text index of the lot is written after the
//! savepoints (FTS5 writes a segment whenever one opens or ends): one segment too.
//!
//! Nothing else changes: each save still decides (save, merge, conflict) against what
//! the saves before it wrote, exactly as if it had waited for their commits, and answers
//! only once the commit that holds it is done. A save that fails rolls back its own
//! savepoint and no other; if the shared transaction itself fails, every save of the
//! batch is made again alone.
//!
//! PostgreSQL serves several writers at once and several processes, and keeps one
//! transaction per save (`Store::save`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::{Condvar, Mutex};

use crate::connection::{AnyConnection, sqlite_writer_turn, write_transaction_in_turn};
use crate::pages::{AttemptError, MAX_SAVE_ATTEMPTS};
use crate::search::PendingIndex;
use crate::{Edit, SaveOutcome, Store, StoreError};

/// Saves made in one transaction at most: enough to share the commit among a queue
/// of writers, few enough that the first of them does not wait long for its answer.
const MAX_BATCH: usize = 32;

/// The saves waiting for the writer, oldest first.
#[derive(Default)]
pub(crate) struct SaveQueue {
    waiting: Mutex<Vec<Arc<Ticket>>>,
    /// Transactions that committed saves, for the metrics (compared with the saves).
    transactions: AtomicU64,
}

/// One save waiting for its outcome.
struct Ticket {
    edit: Edit,
    outcome: Mutex<Option<Result<SaveOutcome, StoreError>>>,
    done: Condvar,
}

impl Ticket {
    fn take(&self) -> Option<Result<SaveOutcome, StoreError>> {
        self.outcome.lock().take()
    }

    fn answer(&self, outcome: Result<SaveOutcome, StoreError>) {
        *self.outcome.lock() = Some(outcome);
        self.done.notify_all();
    }

    /// Waits for a save that another thread has taken into its batch.
    fn wait(&self) -> Result<SaveOutcome, StoreError> {
        let mut outcome = self.outcome.lock();
        loop {
            if let Some(outcome) = outcome.take() {
                return outcome;
            }
            if self
                .done
                .wait_for(&mut outcome, crate::connection::SQLITE_BUSY_TIMEOUT)
                .timed_out()
            {
                return outcome.take().unwrap_or(Err(StoreError::Busy));
            }
        }
    }
}

/// Answers the tickets a batch left unanswered (its thread panicked): their writers
/// get "busy, try again" instead of waiting forever.
struct AnswerAll<'a>(&'a [Arc<Ticket>]);

impl Drop for AnswerAll<'_> {
    fn drop(&mut self) {
        for ticket in self.0 {
            let mut outcome = ticket.outcome.lock();
            if outcome.is_none() {
                *outcome = Some(Err(StoreError::Busy));
                ticket.done.notify_all();
            }
        }
    }
}

impl SaveQueue {
    /// Saves waiting for the writer's turn.
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.lock().len()
    }

    /// Takes `mine` out of the queue, with up to `MAX_BATCH - 1` saves that came
    /// before or after it; `None` when another batch has taken it already.
    fn take_batch(&self, mine: &Arc<Ticket>) -> Option<Vec<Arc<Ticket>>> {
        let mut waiting = self.waiting.lock();
        let position = waiting.iter().position(|t| Arc::ptr_eq(t, mine))?;
        let mut batch = vec![waiting.remove(position)];
        let others = waiting.len().min(MAX_BATCH - 1);
        batch.extend(waiting.drain(..others));
        Some(batch)
    }
}

impl Store {
    /// Transactions that have committed saves since the store opened: on SQLite,
    /// fewer than the saves when saves queued for the writer were committed together.
    pub fn save_transactions(&self) -> u64 {
        self.saves.transactions.load(Ordering::Relaxed)
    }

    /// `save` on SQLite: queues the edit, and makes it — with the saves queued
    /// meanwhile — when this thread gets the writer's turn, unless the writer before
    /// has made it already.
    pub(crate) fn save_grouped(&self, edit: &Edit) -> Result<SaveOutcome, StoreError> {
        // The connection first, as every writer does: waiting for the pool while
        // holding the writer's turn could wait for ever on the writers queued behind.
        let mut conn = self.conn()?;
        let mine = Arc::new(Ticket {
            edit: edit.clone(),
            outcome: Mutex::new(None),
            done: Condvar::new(),
        });
        self.saves.waiting.lock().push(Arc::clone(&mine));
        let turn = sqlite_writer_turn();
        if let Some(outcome) = mine.take() {
            return outcome;
        }
        let Some(batch) = self.saves.take_batch(&mine) else {
            // Taken by a batch still at work: only possible without the turn.
            return mine.wait();
        };
        let _answer_all = AnswerAll(&batch);
        let outcomes = if turn.is_some() {
            self.save_batch(&mut conn, &batch)
        } else {
            // Without the turn another thread may be writing: one transaction each,
            // each waiting for SQLite's lock like any other writer.
            batch
                .iter()
                .map(|ticket| self.save_alone(&mut conn, &ticket.edit))
                .collect()
        };
        let mut own = Err(StoreError::Busy);
        for (ticket, outcome) in batch.iter().zip(outcomes) {
            if Arc::ptr_eq(ticket, &mine) {
                own = outcome;
            } else {
                ticket.answer(outcome);
            }
        }
        drop(turn);
        own
    }

    /// Makes the edits of `batch` in one transaction, one savepoint each; their
    /// outcomes, in order.
    fn save_batch(
        &self,
        conn: &mut AnyConnection,
        batch: &[Arc<Ticket>],
    ) -> Vec<Result<SaveOutcome, StoreError>> {
        if let [ticket] = batch {
            return vec![self.save_alone(conn, &ticket.edit)];
        }
        let together = write_transaction_in_turn(conn, |conn| {
            let mut index_later = Vec::new();
            let outcomes = batch
                .iter()
                .map(|ticket| self.save_in_savepoint(conn, &ticket.edit, &mut index_later))
                .collect::<Vec<_>>();
            // The full-text index last, outside every savepoint: FTS5 writes its pending
            // terms out as a new segment whenever a savepoint opens or ends, so written
            // inside them it would cost a segment (and its merges) per save again. A page
            // saved twice is indexed once, with its last text.
            let mut indexed = std::collections::HashSet::new();
            for pending in index_later.iter().rev() {
                if indexed.insert(pending.page_id) {
                    crate::search::index_page(
                        conn,
                        self.search_language,
                        pending.page_id,
                        &pending.title,
                        &pending.text,
                    )?;
                }
            }
            Ok::<_, StoreError>(outcomes)
        });
        match together {
            Ok(outcomes) => {
                self.saves.transactions.fetch_add(1, Ordering::Relaxed);
                outcomes
            }
            Err(error) => {
                log::warn!(
                    "a batch of {} saves failed ({error}); saving each alone",
                    batch.len()
                );
                batch
                    .iter()
                    .map(|ticket| self.save_alone(conn, &ticket.edit))
                    .collect()
            }
        }
    }

    /// One edit inside the batch's transaction: what it wrote stays only if it saved.
    /// Its text's full-text indexing is added to `index_later` once it has saved.
    fn save_in_savepoint(
        &self,
        conn: &mut AnyConnection,
        edit: &Edit,
        index_later: &mut Vec<PendingIndex>,
    ) -> Result<SaveOutcome, StoreError> {
        use diesel::Connection;
        for _ in 0..MAX_SAVE_ATTEMPTS {
            let mut pending = Vec::new();
            let attempt = conn.transaction::<_, AttemptError, _>(|conn| {
                self.attempt_save_indexing(conn, edit, Some(&mut pending))
            });
            match attempt {
                Ok(outcome) => {
                    index_later.append(&mut pending);
                    return Ok(outcome);
                }
                Err(AttemptError::Retry) => continue,
                Err(AttemptError::Store(error)) => return Err(error),
            }
        }
        Err(StoreError::Busy)
    }

    /// One edit in its own transaction, retried from a fresh read when it lost a race
    /// (PostgreSQL). On SQLite the caller holds the writer's turn (or goes on without).
    pub(crate) fn save_alone(
        &self,
        conn: &mut AnyConnection,
        edit: &Edit,
    ) -> Result<SaveOutcome, StoreError> {
        for _ in 0..MAX_SAVE_ATTEMPTS {
            match write_transaction_in_turn(conn, |conn| self.attempt_save(conn, edit)) {
                Ok(outcome) => {
                    self.saves.transactions.fetch_add(1, Ordering::Relaxed);
                    return Ok(outcome);
                }
                Err(AttemptError::Retry) => continue,
                Err(AttemptError::Store(error)) => return Err(error),
            }
        }
        Err(StoreError::Busy)
    }
}
