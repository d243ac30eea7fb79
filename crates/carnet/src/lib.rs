//! The `carnet` command's library half: what its subcommands do beyond parsing
//! options, so that tests and examples call the same code.
//!
//! - [`import`]: `carnet import mediawiki`, a MediaWiki dump into the store.
//! - [`export`]: `carnet export` and `carnet import carnet`, a whole wiki out and back.

pub mod export;
pub mod import;
