//! Carnet's revision store: pages and their immutable revisions, on SQLite or
//! PostgreSQL through one diesel code path.
//!
//! Every method blocks (diesel is synchronous): the web front end calls them from its
//! blocking thread pool. What a save *does* is decided by [`carnet_core::decide_save`];
//! this crate only reads the inputs and writes the outcome atomically.

mod accounts;
mod batch;
mod blobs;
mod categories;
mod changes;
mod compact;
mod connection;
mod events;
mod export;
mod generation;
mod import;
mod limits;
mod links;
mod live;
mod media;
mod moderation;
mod pages;
mod portal;
mod schema;
mod search;
#[cfg(feature = "testing")]
pub mod testing;
mod texts;
mod tokens;
mod transfer;
mod wal;
mod walk;
mod watchlist;

use std::sync::atomic::AtomicI64;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use carnet_core::{Revision, TextError};

pub use accounts::{Credentials, User};
pub use blobs::{BlobError, BlobStore, is_sha256};
pub use categories::SizedPage;
pub use changes::{Change, ChangeFilter, ChangePage, MAX_CHANGES, Statistics};
pub use compact::{COMPACT_BATCH, StorageStats};
pub use connection::{AnyConnection, Backend};
pub use events::{ActivityMark, Event, EventActivity, EventParticipant, EventRevision};
pub use export::{ArchiveError, RestoreSummary};
pub use generation::ContentGeneration;
pub use import::{ImportRefusal, ImportedAuthor, ImportedPage, ImportedRevision, PageImported};
pub use links::{Analyzer, Lookup, MemberOrder, MemberPage, NoAnalysis, WantedPage};
pub use live::{LIVE_CHANNEL, LiveAppended, LiveNews, LiveParticipant, LiveStored};
pub use media::{CurrentFile, FileList, FileVersion, MediaStatistics, NewFile, UploadOutcome};
pub use moderation::{
    HideOutcome, LogEntry, LogPage, LogTarget, MoveOutcome, PageProtection, RollbackPlan,
};
pub use pages::{Edit, HistoryEntry, HistoryPage, PageSummary, SaveOutcome};
pub use portal::{
    CurateOutcome, Curation, Featured, PortalChange, PortalSummary, PortalView, Section,
};
pub use search::{MAX_RESULTS, SearchFilter, SearchHit, SearchResults};
pub use tokens::ApiToken;
pub use transfer::{
    CopyError, CopyReport, DatabaseSummary, TableCount, copy_sqlite_to_postgres, describe,
    known_migrations, sqlite_snapshot,
};
pub use wal::WalCheckpoint;
pub use watchlist::WatchSettings;

use connection::{Manager, Pool};

/// Connections kept open by default: four per core, from 4 to 16. Each connection comes
/// with a blocking thread at work and its memory (SQLite's page cache, the allocator's
/// heap); past a few per core they add memory and no speed — on two cores, 16 instead
/// of 8 kept 20–30 MiB more under load for the same rates (docs/PERFORMANCE.md).
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    u32::try_from(cores.saturating_mul(4))
        .unwrap_or(u32::MAX)
        .clamp(4, 16)
}

/// Everything that can go wrong below the domain: none of it is the user's fault.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] connection::ConnectError),
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The base revision of an edit does not exist or belongs to another page.
    #[error("revision {0} is not a revision of this page")]
    ForeignBase(i64),
    /// The merged text exceeds the size limit.
    #[error(transparent)]
    Text(#[from] TextError),
    /// The link analysis of a save could not read the database.
    #[error("the links of the page could not be worked out")]
    Analysis,
    /// Other writers kept winning the race for this page; the edit was not saved.
    #[error("the page is being saved by others too often; try again")]
    Busy,
}

/// Settings of a store.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// A `postgres://` URL, or a SQLite file path (optionally `sqlite://`).
    pub url: String,
    pub pool_size: u32,
    /// Largest text accepted for a revision, in bytes.
    pub max_page_bytes: usize,
    /// The stemming language of full-text search.
    pub search_language: carnet_core::SearchLanguage,
}

impl StoreConfig {
    pub fn new(url: &str) -> StoreConfig {
        StoreConfig {
            url: url.to_owned(),
            pool_size: default_pool_size(),
            max_page_bytes: carnet_core::MAX_PAGE_BYTES,
            search_language: carnet_core::SearchLanguage::default(),
        }
    }
}

/// A handle on the database, cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    backend: Backend,
    max_page_bytes: usize,
    search_language: carnet_core::SearchLanguage,
    analyzer: Arc<dyn Analyzer>,
    /// The secret that rate limit keys are hashed with, read once (`limits.rs`).
    limit_secret: Arc<OnceLock<String>>,
    /// When this process last pruned expired rate limit windows (Unix seconds).
    last_prune: Arc<AtomicI64>,
    /// The database URL, for connections outside the pool (the live relay's `LISTEN`).
    url: Arc<str>,
    /// Saves waiting for SQLite's writer, committed together (`batch.rs`).
    saves: Arc<batch::SaveQueue>,
}

impl Store {
    /// Connects, migrates the schema and opens the pool.
    pub fn open(config: &StoreConfig) -> Result<Store, StoreError> {
        let manager = Manager::new(&config.url);
        let backend = manager.backend();
        manager.prepare()?;
        let pool = r2d2::Pool::builder()
            .max_size(config.pool_size)
            .connection_timeout(Duration::from_secs(30))
            // A SQLite file does not drop connections: testing each one on checkout
            // (a `SELECT 1` parsed every time) only costs. A PostgreSQL connection may
            // have been cut (server restart) and is still tested.
            .test_on_check_out(backend == Backend::Postgres)
            .build(manager)?;
        Ok(Store {
            pool,
            backend,
            max_page_bytes: config.max_page_bytes,
            search_language: config.search_language,
            analyzer: Arc::new(links::NoAnalysis),
            limit_secret: Arc::new(OnceLock::new()),
            last_prune: Arc::new(AtomicI64::new(0)),
            url: Arc::from(config.url.as_str()),
            saves: Arc::default(),
        })
    }

    /// Plugs in what works out a text's links on every save (the renderer).
    pub fn with_analyzer(mut self, analyzer: Arc<dyn Analyzer>) -> Store {
        self.analyzer = analyzer;
        self
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Connections the pool opens at most.
    pub fn pool_size(&self) -> u32 {
        self.pool.max_size()
    }

    pub fn max_page_bytes(&self) -> usize {
        self.max_page_bytes
    }

    fn conn(&self) -> Result<r2d2::PooledConnection<Manager>, StoreError> {
        Ok(self.pool.get()?)
    }
}

/// A revision with the title of its page (revisions are looked up by id alone).
#[derive(Debug, Clone)]
pub struct TitledRevision {
    pub title: carnet_core::Title,
    pub revision: Revision,
    /// The page's current revision, to tell readers they are looking at an old one.
    pub latest: Option<carnet_core::RevisionId>,
}
