//! Coming from MediaWiki, without a database.
//!
//! - [`dump`] reads MediaWiki XML export dumps (format 0.10 and 0.11) as a stream of
//!   pages and revisions, so memory does not grow with the dump.
//! - [`convert`] turns MediaWiki wikitext into Carnet's wikitext, revision by revision,
//!   and reports every construct it could not convert instead of dropping it.
//! - [`titles`] maps a dump's titles and namespaces to Carnet's, and its redirects.
//! - [`carnet`] writes a whole Carnet wiki as MediaWiki XML 0.11 with Carnet's own
//!   extension elements, and reads it back (`carnet export`, `carnet import carnet`).
//!
//! Writing into a wiki is the store's job (`carnet import mediawiki`); this crate only
//! reads and converts, and is tested on the corpora without any I/O but reading files.

pub mod carnet;
pub mod convert;
pub mod dump;
pub mod titles;
