//! Moderation: protection, deletion and undeletion, hidden revisions, moves, blocks and
//! the public log. Every action writes its log entry in the same transaction, so the
//! log never misses one nor shows one that did not happen.
//!
//! Nothing here decides who may act: the web front end asks `carnet_core::rights`
//! first. The store only keeps each action whole and reversible.

use carnet_core::rights::{Block, Protection, ProtectionLevel};
use carnet_core::{
    Author, Comment, LogAction, Namespace, PageId, PageLinks, PageText, RevisionId, RevisionMeta,
    Title, UserId,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::{AnyConnection, write_transaction};
use crate::links::{LinkChange, replace_links};
use crate::pages::{NewPage, NewRevision, find_page, load_meta, load_revision, lock_page};
use crate::schema::{blocks, log_entries, pages, protections, render_cache, revisions};
use crate::{Store, StoreError, User};

/// What a log entry is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    Page(Title),
    /// A user or temporary identity, by name.
    User(String),
}

/// One line of the public log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub id: i64,
    pub action: LogAction,
    /// Who acted; `None` for the command line.
    pub actor: Option<String>,
    pub target: LogTarget,
    pub reason: String,
    /// Action-specific facts: protection level and expiry, new title, revision id…
    pub details: String,
    pub timestamp: DateTime<Utc>,
}

/// A slice of the log, newest first.
#[derive(Debug, Clone, Default)]
pub struct LogPage {
    pub entries: Vec<LogEntry>,
    /// Pass as `before` for the next (older) slice.
    pub older: Option<i64>,
}

/// A page's protection as recorded (it may have expired: ask `is_active`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageProtection {
    pub protection: Protection,
    pub by: String,
    pub since: DateTime<Utc>,
}

/// What a move did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveOutcome {
    Moved,
    SourceMissing,
    /// The new title is taken (by a page, or a deleted page's history).
    TargetExists,
}

/// What hiding (or showing again) a revision's text did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HideOutcome {
    Done,
    NotFound,
    /// The current text cannot be hidden: restore an earlier revision first.
    IsCurrent,
}

/// What a rollback found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RollbackPlan {
    /// Restore this revision, undoing `edits` consecutive edits.
    Restore {
        target: RevisionMeta,
        text: PageText,
        current: RevisionId,
        edits: usize,
    },
    /// The last edit is not by that author (someone edited meanwhile).
    NotLastAuthor,
    /// Every revision is by that author: there is nothing to go back to.
    OnlyAuthor,
    PageMissing,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = log_entries)]
struct LogRow {
    id: i64,
    action: String,
    actor_id: Option<i64>,
    actor_name: String,
    target_namespace: Option<i32>,
    target_name: String,
    reason: String,
    details: String,
    created_at: NaiveDateTime,
}

impl LogRow {
    fn into_entry(self) -> Result<LogEntry, StoreError> {
        let action = LogAction::parse(&self.action).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "log entry {} has action {:?}",
                self.id, self.action
            ))
        })?;
        let target = match self.target_namespace {
            Some(namespace) => LogTarget::Page(
                Namespace::from_id(namespace)
                    .and_then(|ns| Title::from_parts(ns, &self.target_name).ok())
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("log entry {} has a bad title", self.id))
                    })?,
            ),
            None => LogTarget::User(self.target_name),
        };
        Ok(LogEntry {
            id: self.id,
            action,
            actor: self.actor_id.map(|_| self.actor_name),
            target,
            reason: self.reason,
            details: self.details,
            timestamp: self.created_at.and_utc(),
        })
    }
}

/// Writes a log entry, inside the caller's transaction.
pub(crate) fn write_log(
    conn: &mut AnyConnection,
    action: LogAction,
    by: Option<&User>,
    target: LogTarget,
    reason: &str,
    details: &str,
) -> Result<(), diesel::result::Error> {
    let (namespace, name) = match &target {
        LogTarget::Page(title) => (Some(title.namespace().id()), title.name().to_owned()),
        LogTarget::User(name) => (None, name.clone()),
    };
    diesel::insert_into(log_entries::table)
        .values((
            log_entries::action.eq(action.code()),
            log_entries::actor_id.eq(by.map(|user| user.id.0)),
            log_entries::actor_name.eq(by.map(|user| user.name.as_str()).unwrap_or_default()),
            log_entries::target_namespace.eq(namespace),
            log_entries::target_name.eq(name),
            log_entries::reason.eq(reason),
            log_entries::details.eq(details),
            log_entries::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Appends a revision to a page and makes it current, inside the caller's transaction
/// (which holds the page's lock).
fn append_revision(
    conn: &mut AnyConnection,
    page_id: i64,
    parent: Option<i64>,
    text: &PageText,
    by: &User,
    comment: &Comment,
) -> Result<i64, StoreError> {
    let now = Utc::now().naive_utc();
    let hash = text.hash();
    let size = i64::try_from(text.size())
        .map_err(|_| StoreError::Corrupt("text size overflows".to_owned()))?;
    let author = Author::from_stored(by.name.as_str().to_owned());
    let base = crate::texts::base_of(conn, parent)?;
    let stored = crate::texts::encode(text.as_str(), base.as_ref())?;
    let id = crate::pages::insert_revision(
        conn,
        &NewRevision {
            page_id,
            parent_id: parent,
            author: author.as_str(),
            created_at: now,
            comment: comment.as_str(),
            minor: false,
            size,
            sha256: hash.as_str(),
            user_id: Some(by.id.0),
        },
        &stored,
    )?;
    diesel::update(pages::table.find(page_id))
        .set((
            pages::latest_revision_id.eq(Some(id)),
            pages::touched_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

fn expiry(at: Option<DateTime<Utc>>) -> String {
    at.map(|at| at.to_rfc3339()).unwrap_or_default()
}

impl Store {
    /// The recorded protection of a page.
    pub fn protection(&self, title: &Title) -> Result<Option<PageProtection>, StoreError> {
        let mut conn = self.conn()?;
        let row: Option<(String, String, Option<NaiveDateTime>, NaiveDateTime, String)> =
            protections::table
                .inner_join(pages::table)
                .inner_join(
                    crate::schema::users::table
                        .on(crate::schema::users::id.eq(protections::user_id)),
                )
                .filter(pages::namespace.eq(title.namespace().id()))
                .filter(pages::name.eq(title.name()))
                .select((
                    protections::level,
                    protections::reason,
                    protections::expires_at,
                    protections::created_at,
                    crate::schema::users::name,
                ))
                .first(&mut conn)
                .optional()?;
        let Some((level, reason, expires, since, by)) = row else {
            return Ok(None);
        };
        let level = ProtectionLevel::parse(&level)
            .ok_or_else(|| StoreError::Corrupt(format!("protection level {level:?}")))?;
        Ok(Some(PageProtection {
            protection: Protection {
                level,
                reason,
                expires: expires.map(|at| at.and_utc()),
            },
            by,
            since: since.and_utc(),
        }))
    }

    /// Protects a page (replacing any protection), or lifts its protection with `None`.
    /// False when the page does not exist.
    pub fn protect(
        &self,
        title: &Title,
        protection: Option<&Protection>,
        by: &User,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| -> Result<bool, StoreError> {
            let Some(page) = find_page(conn, title)?.filter(|p| p.latest_revision_id.is_some())
            else {
                return Ok(false);
            };
            diesel::delete(protections::table.find(page.id)).execute(conn)?;
            match protection {
                Some(protection) => {
                    diesel::insert_into(protections::table)
                        .values((
                            protections::page_id.eq(page.id),
                            protections::level.eq(protection.level.code()),
                            protections::reason.eq(reason),
                            protections::expires_at.eq(protection.expires.map(|at| at.naive_utc())),
                            protections::user_id.eq(by.id.0),
                            protections::created_at.eq(Utc::now().naive_utc()),
                        ))
                        .execute(conn)?;
                    let details =
                        format!("{} {}", protection.level.code(), expiry(protection.expires));
                    write_log(
                        conn,
                        LogAction::Protect,
                        Some(by),
                        LogTarget::Page(title.clone()),
                        reason,
                        details.trim_end(),
                    )?;
                }
                None => write_log(
                    conn,
                    LogAction::Unprotect,
                    Some(by),
                    LogTarget::Page(title.clone()),
                    reason,
                    "",
                )?,
            }
            Ok(true)
        })
    }

    /// Deletes a page: it disappears for readers (links to it turn red, it leaves its
    /// categories) but every revision is kept, marked, for undeletion. False when there
    /// is no such page.
    pub fn delete_page(&self, title: &Title, by: &User, reason: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| -> Result<bool, StoreError> {
            lock_page(conn, title)?;
            let Some(page) = find_page(conn, title)?.filter(|p| p.latest_revision_id.is_some())
            else {
                return Ok(false);
            };
            diesel::update(
                revisions::table
                    .filter(revisions::page_id.eq(page.id))
                    .filter(revisions::deleted.eq(false)),
            )
            .set(revisions::deleted.eq(true))
            .execute(conn)?;
            diesel::update(pages::table.find(page.id))
                .set((
                    pages::latest_revision_id.eq(None::<i64>),
                    pages::touched_at.eq(Utc::now().naive_utc()),
                ))
                .execute(conn)?;
            replace_links(
                conn,
                page.id,
                title,
                &PageLinks::default(),
                LinkChange::Deleted,
            )?;
            crate::search::unindex_page(conn, page.id)?;
            diesel::delete(render_cache::table.filter(render_cache::page_id.eq(page.id)))
                .execute(conn)?;
            write_log(
                conn,
                LogAction::Delete,
                Some(by),
                LogTarget::Page(title.clone()),
                reason,
                "",
            )?;
            Ok(true)
        })
    }

    /// Restores a deleted page's revisions; the newest becomes current again (or stays
    /// behind a page created since, whose history then shows both). Returns how many
    /// revisions came back.
    pub fn undelete_page(
        &self,
        title: &Title,
        by: &User,
        reason: &str,
    ) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| -> Result<usize, StoreError> {
            lock_page(conn, title)?;
            let Some(page) = find_page(conn, title)? else {
                return Ok(0);
            };
            let restored = diesel::update(
                revisions::table
                    .filter(revisions::page_id.eq(page.id))
                    .filter(revisions::deleted.eq(true)),
            )
            .set(revisions::deleted.eq(false))
            .execute(conn)?;
            if restored == 0 {
                return Ok(0);
            }
            let newest: Option<i64> = revisions::table
                .filter(revisions::page_id.eq(page.id))
                .select(diesel::dsl::max(revisions::id))
                .first(conn)?;
            let newest =
                newest.ok_or_else(|| StoreError::Corrupt("restored nothing".to_owned()))?;
            let was_deleted = page.latest_revision_id.is_none();
            diesel::update(pages::table.find(page.id))
                .set(pages::latest_revision_id.eq(Some(newest)))
                .execute(conn)?;
            if was_deleted {
                let revision = load_revision(conn, newest)?
                    .ok_or_else(|| StoreError::Corrupt("restored revision vanished".into()))?;
                self.after_new_text::<StoreError>(
                    conn,
                    page.id,
                    title,
                    revision.text.as_str(),
                    LinkChange::Created,
                )?;
            }
            write_log(
                conn,
                LogAction::Undelete,
                Some(by),
                LogTarget::Page(title.clone()),
                reason,
                &restored.to_string(),
            )?;
            Ok(restored)
        })
    }

    /// Hides (or shows again) the text of one revision, keeping its history line.
    pub fn set_text_hidden(
        &self,
        revision: RevisionId,
        hidden: bool,
        by: &User,
        reason: &str,
    ) -> Result<HideOutcome, StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| -> Result<HideOutcome, StoreError> {
            let Some(meta) = load_meta(conn, revision.0)? else {
                return Ok(HideOutcome::NotFound);
            };
            let page: (i32, String, Option<i64>) = pages::table
                .find(meta.page.0)
                .select((pages::namespace, pages::name, pages::latest_revision_id))
                .first(conn)?;
            if hidden && page.2 == Some(revision.0) {
                return Ok(HideOutcome::IsCurrent);
            }
            let title = Namespace::from_id(page.0)
                .and_then(|ns| Title::from_parts(ns, &page.1).ok())
                .ok_or_else(|| StoreError::Corrupt(format!("page {} title", meta.page.0)))?;
            diesel::update(revisions::table.find(revision.0))
                .set(revisions::text_hidden.eq(hidden))
                .execute(conn)?;
            let action = if hidden {
                LogAction::HideRevision
            } else {
                LogAction::UnhideRevision
            };
            write_log(
                conn,
                action,
                Some(by),
                LogTarget::Page(title),
                reason,
                &revision.0.to_string(),
            )?;
            Ok(HideOutcome::Done)
        })
    }

    /// Works out a rollback of `author`'s consecutive last edits: the newest revision
    /// by someone else, to be restored as a new revision (through an ordinary save, so
    /// a concurrent edit is merged, not lost).
    pub fn rollback_plan(&self, title: &Title, author: &str) -> Result<RollbackPlan, StoreError> {
        let mut conn = self.conn()?;
        let Some(page) = find_page(&mut conn, title)? else {
            return Ok(RollbackPlan::PageMissing);
        };
        let Some(current) = page.latest_revision_id else {
            return Ok(RollbackPlan::PageMissing);
        };
        let latest_author: String = revisions::table
            .find(current)
            .select(revisions::author)
            .first(&mut conn)?;
        if latest_author != author {
            return Ok(RollbackPlan::NotLastAuthor);
        }
        let target: Option<i64> = revisions::table
            .filter(revisions::page_id.eq(page.id))
            .filter(revisions::deleted.eq(false))
            .filter(revisions::author.ne(author))
            .select(diesel::dsl::max(revisions::id))
            .first(&mut conn)?;
        let Some(target) = target else {
            return Ok(RollbackPlan::OnlyAuthor);
        };
        let edits: i64 = revisions::table
            .filter(revisions::page_id.eq(page.id))
            .filter(revisions::id.gt(target))
            .filter(revisions::deleted.eq(false))
            .count()
            .get_result(&mut conn)?;
        let revision = load_revision(&mut conn, target)?
            .ok_or_else(|| StoreError::Corrupt(format!("revision {target} vanished")))?;
        Ok(RollbackPlan::Restore {
            target: revision.meta,
            text: revision.text,
            current: RevisionId(current),
            edits: usize::try_from(edits).unwrap_or(0),
        })
    }

    /// Renames a page with its history and leaves a redirect at the old title. The
    /// moved page gets a revision saying so (same text), so history tells the story.
    pub fn move_page(
        &self,
        from: &Title,
        to: &Title,
        by: &User,
        reason: &str,
        moved_comment: &Comment,
        redirect_comment: &Comment,
    ) -> Result<MoveOutcome, StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| -> Result<MoveOutcome, StoreError> {
            lock_page(conn, from)?;
            lock_page(conn, to)?;
            let Some(page) = find_page(conn, from)? else {
                return Ok(MoveOutcome::SourceMissing);
            };
            let Some(current) = page.latest_revision_id else {
                return Ok(MoveOutcome::SourceMissing);
            };
            if find_page(conn, to)?.is_some() {
                return Ok(MoveOutcome::TargetExists);
            }
            let revision = load_revision(conn, current)?
                .ok_or_else(|| StoreError::Corrupt(format!("revision {current} vanished")))?;
            diesel::update(pages::table.find(page.id))
                .set((
                    pages::namespace.eq(to.namespace().id()),
                    pages::name.eq(to.name()),
                ))
                .execute(conn)?;
            append_revision(
                conn,
                page.id,
                Some(current),
                &revision.text,
                by,
                moved_comment,
            )?;
            diesel::delete(render_cache::table.filter(render_cache::page_id.eq(page.id)))
                .execute(conn)?;
            // Links to the new title turn blue.
            self.after_new_text::<StoreError>(
                conn,
                page.id,
                to,
                revision.text.as_str(),
                LinkChange::Created,
            )?;
            // The old title becomes a redirect to the new one.
            let now = Utc::now().naive_utc();
            let redirect_id: i64 = diesel::insert_into(pages::table)
                .values(NewPage {
                    namespace: from.namespace().id(),
                    name: from.name(),
                    latest_revision_id: None,
                    created_at: now,
                    touched_at: now,
                })
                .returning(pages::id)
                .get_result(conn)?;
            let redirect_text = PageText::from_stored(format!("#REDIRECTION [[{}]]\n", to));
            append_revision(
                conn,
                redirect_id,
                None,
                &redirect_text,
                by,
                redirect_comment,
            )?;
            self.after_new_text::<StoreError>(
                conn,
                redirect_id,
                from,
                redirect_text.as_str(),
                LinkChange::Created,
            )?;
            write_log(
                conn,
                LogAction::Move,
                Some(by),
                LogTarget::Page(from.clone()),
                reason,
                &to.to_string(),
            )?;
            Ok(MoveOutcome::Moved)
        })
    }

    /// Blocks someone (replacing a block in force), until `expires` or until lifted.
    pub fn block_user(
        &self,
        target: &User,
        by: &User,
        reason: &str,
        expires: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| -> Result<(), StoreError> {
            let now = Utc::now().naive_utc();
            diesel::update(
                blocks::table
                    .filter(blocks::user_id.eq(target.id.0))
                    .filter(blocks::lifted_at.is_null()),
            )
            .set(blocks::lifted_at.eq(Some(now)))
            .execute(conn)?;
            diesel::insert_into(blocks::table)
                .values((
                    blocks::user_id.eq(target.id.0),
                    blocks::reason.eq(reason),
                    blocks::expires_at.eq(expires.map(|at| at.naive_utc())),
                    blocks::blocked_by.eq(by.id.0),
                    blocks::created_at.eq(now),
                ))
                .execute(conn)?;
            write_log(
                conn,
                LogAction::Block,
                Some(by),
                LogTarget::User(target.name.as_str().to_owned()),
                reason,
                &expiry(expires),
            )?;
            Ok(())
        })
    }

    /// Lifts someone's block; false when none was in force.
    pub fn unblock_user(&self, target: &User, by: &User, reason: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| -> Result<bool, StoreError> {
            let now = Utc::now().naive_utc();
            let lifted = diesel::update(
                blocks::table
                    .filter(blocks::user_id.eq(target.id.0))
                    .filter(blocks::lifted_at.is_null())
                    .filter(blocks::expires_at.is_null().or(blocks::expires_at.gt(now))),
            )
            .set(blocks::lifted_at.eq(Some(now)))
            .execute(conn)?;
            if lifted == 0 {
                return Ok(false);
            }
            write_log(
                conn,
                LogAction::Unblock,
                Some(by),
                LogTarget::User(target.name.as_str().to_owned()),
                reason,
                "",
            )?;
            Ok(true)
        })
    }

    /// The block in force on someone at `now`, if any.
    pub fn active_block(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Option<Block>, StoreError> {
        let mut conn = self.conn()?;
        let now = now.naive_utc();
        let row: Option<(String, Option<NaiveDateTime>)> = blocks::table
            .filter(blocks::user_id.eq(user.0))
            .filter(blocks::lifted_at.is_null())
            .filter(blocks::expires_at.is_null().or(blocks::expires_at.gt(now)))
            .order(blocks::id.desc())
            .select((blocks::reason, blocks::expires_at))
            .first(&mut conn)
            .optional()?;
        Ok(row.map(|(reason, expires)| Block {
            reason,
            expires: expires.map(|at| at.and_utc()),
        }))
    }

    /// The public log, newest first: optionally only some actions, or one page's
    /// entries; `limit` at a time, older than `before`.
    pub fn log(
        &self,
        actions: &[LogAction],
        target: Option<&LogTarget>,
        limit: usize,
        before: Option<i64>,
    ) -> Result<LogPage, StoreError> {
        let mut conn = self.conn()?;
        let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
        let mut query = log_entries::table
            .order(log_entries::id.desc())
            .limit(fetch)
            .select(LogRow::as_select())
            .into_boxed();
        if !actions.is_empty() {
            let codes: Vec<&str> = actions.iter().map(|action| action.code()).collect();
            query = query.filter(log_entries::action.eq_any(codes));
        }
        match target {
            Some(LogTarget::Page(title)) => {
                query = query
                    .filter(log_entries::target_namespace.eq(title.namespace().id()))
                    .filter(log_entries::target_name.eq(title.name().to_owned()));
            }
            Some(LogTarget::User(name)) => {
                query = query
                    .filter(log_entries::target_namespace.is_null())
                    .filter(log_entries::target_name.eq(name.clone()));
            }
            None => {}
        }
        if let Some(before) = before {
            query = query.filter(log_entries::id.lt(before));
        }
        let mut rows: Vec<LogRow> = query.load(&mut conn)?;
        let older = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|row| row.id)
        } else {
            None
        };
        Ok(LogPage {
            entries: rows
                .into_iter()
                .map(LogRow::into_entry)
                .collect::<Result<_, _>>()?,
            older,
        })
    }

    /// The id of a page, deleted or not.
    pub fn page_id(&self, title: &Title) -> Result<Option<PageId>, StoreError> {
        let mut conn = self.conn()?;
        Ok(find_page(&mut conn, title)?.map(|page| PageId(page.id)))
    }
}
