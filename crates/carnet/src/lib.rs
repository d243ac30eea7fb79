//! The `carnet` command's library half: what its subcommands do beyond parsing
//! options, so that tests and examples call the same code.
//!
//! - [`config`]: `carnet serve`'s settings (flags, environment, TOML file) and logs.
//! - [`import`]: `carnet import mediawiki`, a MediaWiki dump into the store.
//! - [`backup`]: `carnet backup` and `carnet restore` (one archive file).
//! - [`migrate`]: `carnet migrate-db`, SQLite to PostgreSQL.
//! - [`export`]: `carnet export` and `carnet import carnet`, a whole wiki out and back.

pub mod backup;
pub mod config;
pub mod export;
pub mod import;
pub mod migrate;
