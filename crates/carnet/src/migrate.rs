//! `carnet migrate-db --to postgres://…`: the wiki's SQLite database copied into an
//! empty PostgreSQL database (`carnet_store::copy_sqlite_to_postgres`: one transaction,
//! ids kept, sequences reset, counts verified), then the PostgreSQL word index built
//! from the copied pages. Uploaded files stay in the data folder (`<data>/media`): the
//! server started on PostgreSQL with the same `--data` serves them.

use std::path::Path;

use anyhow::{Context as _, bail};
use carnet_core::SearchLanguage;
use carnet_store::{Backend, CopyReport, Store, StoreConfig};

/// Copies the SQLite database of `data` (or `database_url`, a SQLite path) to `to`.
pub fn migrate(
    data: &Path,
    database_url: Option<&str>,
    to: &str,
    replace: bool,
    progress: &mut dyn FnMut(&str, i64, i64),
) -> anyhow::Result<CopyReport> {
    let source = match database_url.filter(|url| !url.trim().is_empty()) {
        Some(url) => {
            if Backend::from_url(url).0 != Backend::Sqlite {
                bail!(
                    "migrate-db copies a SQLite database: give its data folder with --data, not a \
                     PostgreSQL --database-url"
                );
            }
            url.to_owned()
        }
        None => {
            let path = data.join(crate::backup::DATABASE_FILE);
            if !path.is_file() {
                bail!("no SQLite database at {}", path.display());
            }
            path.to_string_lossy().into_owned()
        }
    };
    if Backend::from_url(to).0 != Backend::Postgres {
        bail!("--to must be a postgres:// URL");
    }
    let report =
        carnet_store::copy_sqlite_to_postgres(&source, to, replace, progress).map_err(|error| {
            match error {
                carnet_store::CopyError::TargetNotEmpty { .. } => anyhow::anyhow!(
                    "{error}; nothing was copied. Give an empty database, or --replace to \
                 delete its content in the same transaction"
                ),
                other => anyhow::Error::from(other).context("nothing was copied"),
            }
        })?;
    // The word index is backend-specific: built now, in the source's language.
    let mut config = StoreConfig::new(to);
    config.search_language = SearchLanguage::from_code(&report.search_language).unwrap_or_default();
    let store = Store::open(&config).context("cannot open the PostgreSQL database")?;
    store.reindex(&mut |_, _| {}).context(
        "the copy is done, but the search index could not be built: run `carnet search reindex`",
    )?;
    Ok(report)
}

/// `carnet migrate-db`: the command, with progress and the verified counts.
pub fn run_migrate(
    data: &Path,
    database_url: Option<&str>,
    to: &str,
    replace: bool,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let mut last = String::new();
    let mut progress = |table: &str, done: i64, total: i64| {
        if table != last || done == total {
            eprintln!("  {table} : {done}/{total}");
            last = table.to_owned();
        }
    };
    let report = migrate(data, database_url, to, replace, &mut progress)?;
    println!("Copie vérifiée (lignes par table, SQLite → PostgreSQL) :");
    for table in &report.tables {
        println!(
            "  {:<24} {:>10} → {:>10}",
            table.table, table.source, table.target
        );
    }
    println!(
        "Non copiées, reconstruites : {} (index de recherche, langue {}).",
        report.skipped.join(", "),
        report.search_language
    );
    println!(
        "Terminé en {:.1} s. Les fichiers téléversés restent dans {} : démarrez `carnet serve \
         --database-url …` avec le même --data.",
        started.elapsed().as_secs_f64(),
        data.join("media").display()
    );
    Ok(())
}
