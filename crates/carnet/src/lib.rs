//! The `carnet` command's library half: what its subcommands do beyond parsing
//! options, so that tests and examples call the same code.
//!
//! - [`import`]: `carnet import mediawiki`, a MediaWiki dump into the store.

pub mod import;
