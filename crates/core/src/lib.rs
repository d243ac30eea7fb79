//! Carnet's domain core: titles, revisions, diffs and three-way merges.
//!
//! Everything here is pure: no files, no database, no network. The store and the
//! web front end call into it; it calls nothing of theirs. This keeps the logic that
//! decides what a save does (and whether anything is lost) fast to test.

mod account;
mod archive;
mod category;
mod diff;
mod event;
pub mod export;
mod ids;
mod limits;
mod links;
mod log;
mod media;
mod merge;
pub mod portal;
mod revision;
pub mod rights;
mod save;
mod search;
mod section;
mod signature;
pub mod storage;
mod text;
mod title;
mod token;

pub use account::{
    MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS, PasswordError, Role, UserName, UserNameError,
    check_password,
};
pub use archive::{
    ArchiveFile, ArchiveItem, ArchiveOrigin, ArchivePage, ArchiveRevision, ArchiveUser,
    mime_of_kind,
};
pub use category::{CategoryCycle, CategoryGraph};
pub use diff::{Diff, DiffLine, DiffRow, Hunk, LineKind, Segment};
pub use event::{
    EventDraft, EventEdit, EventError, EventFigures, EventStatus, EventWindow, IpRange,
    MAX_EVENT_DAYS, MAX_EVENT_NAME_CHARS, Tally, parse_target, parse_time,
};
pub use ids::{PageId, RevisionId, UserId};
pub use limits::{
    Account, Limit, LimitCheck, LimitPolicy, LimitSyntaxError, LimitedAction, Refusal, account_key,
    ip_subject, verdict, window_start,
};
pub use links::{CategoryLink, PageLinks, collation_key};
pub use log::LogAction;
pub use media::{THUMB_WIDTHS, is_standard_width, standard_width};
pub use merge::{MergeLabels, MergeOutcome, merge};
pub use revision::{
    Author, AuthorError, Comment, CommentError, MAX_AUTHOR_CHARS, MAX_COMMENT_CHARS, Revision,
    RevisionMeta,
};
pub use save::{SaveDecision, decide_save};
pub use search::{
    Analyzer, MAX_QUERY_CHARS, MAX_QUERY_TERMS, QueryError, SearchLanguage, SearchQuery,
    SnippetPart, Term, Word, fold, snippet, title_key,
};
pub use section::{MAX_SUBJECT_CHARS, NewSection, SectionError};
pub use signature::expand_signatures;
pub use text::{ContentHash, MAX_PAGE_BYTES, PageText, TextError};
pub use title::{MAX_TITLE_BYTES, Namespace, Title, TitleError};
pub use token::{MAX_TOKEN_NAME_CHARS, TOKEN_PREFIX, TokenName, TokenNameError};
