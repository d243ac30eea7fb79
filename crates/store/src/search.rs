//! Full-text search: one interface, two engines.
//!
//! Carnet's analyzer (`carnet_core::Analyzer`: Snowball stems, accents folded) prepares
//! every text. On SQLite an FTS5 table (`search_index`, rowid = page id) holds the stems;
//! on PostgreSQL `search_documents` holds tsvectors of the folded words in the language's
//! text search configuration (`french`), under a GIN index. Rows are written by
//! [`index_page`] inside the transaction that saves, moves, deletes or restores the page,
//! so a search never sees a page other than it is. `search_titles` (both engines) keeps
//! each page's folded title for suggestions as one types.
//!
//! The word tables are not in `schema.rs` (diesel has no FTS5 or tsvector types): this
//! module is the only code that touches them, with raw SQL and bound parameters, and a
//! local `table!` for the FTS5 rows a save writes.

use std::collections::HashMap;
use std::sync::LazyLock;

use carnet_core::{
    Analyzer, Namespace, SearchLanguage, SearchQuery, SnippetPart, Title, snippet, title_key,
};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::{BigInt, Bool, Integer, Text};

use crate::connection::{AnyConnection, write_transaction};
use crate::schema::{pages, revisions, search_settings, search_titles};
use crate::{Store, StoreError};

// The columns of SQLite's FTS5 word index, for the statements a save runs every time:
// diesel prepares them once per connection (raw SQL would be parsed on each save).
// Queries (MATCH, bm25) stay raw SQL.
diesel::table! {
    search_index (rowid) {
        rowid -> BigInt,
        title -> Text,
        body -> Text,
    }
}

/// Most results on one page of results.
pub const MAX_RESULTS: usize = 100;
/// Pages indexed per transaction when reindexing.
const REINDEX_BATCH: i64 = 200;

/// Which pages a search looks at, and which slice of the results it returns.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    /// Empty: every namespace.
    pub namespaces: Vec<Namespace>,
    /// Only members of this category (its name, without namespace).
    pub category: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

/// One page found.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub title: Title,
    /// Every wanted word is in the title (these come first).
    pub in_title: bool,
    pub snippet: Vec<SnippetPart>,
    pub bytes: i64,
}

/// A page of results and how many pages matched in all.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub total: i64,
}

#[derive(QueryableByName)]
struct HitRow {
    #[diesel(sql_type = Integer)]
    namespace: i32,
    #[diesel(sql_type = Text)]
    name: String,
    /// The current revision, whose text (read through `texts`) gives the snippet.
    #[diesel(sql_type = BigInt)]
    revision_id: i64,
    #[diesel(sql_type = BigInt)]
    size: i64,
    #[diesel(sql_type = Bool)]
    in_title: bool,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Most words whose stems this process remembers (about 5 MB): a city wiki's whole
/// vocabulary fits (the 10,000 generated pages of the load benchmark use 42,000 words).
const MAX_KNOWN_STEMS: usize = 65_536;

/// Stems already made, for the language they were made in. Stemming every word of a
/// page was a sixth of a save's work, though an edit changes a few words of it.
struct KnownStems {
    language: SearchLanguage,
    words: HashMap<String, String>,
}

static KNOWN_STEMS: LazyLock<parking_lot::Mutex<KnownStems>> = LazyLock::new(|| {
    parking_lot::Mutex::new(KnownStems {
        language: SearchLanguage::default(),
        words: HashMap::new(),
    })
});

/// The remembered stems of `language`, forgotten when full or made in another language
/// (tests run stores of both languages in one process).
fn known_stems(
    language: SearchLanguage,
) -> parking_lot::MappedMutexGuard<'static, HashMap<String, String>> {
    let mut known = KNOWN_STEMS.lock();
    if known.language != language || known.words.len() >= MAX_KNOWN_STEMS {
        known.language = language;
        known.words = HashMap::new();
    }
    parking_lot::MutexGuard::map(known, |known| &mut known.words)
}

/// Writes (or rewrites) a page's search rows: its folded title and its words.
/// A page's new text whose full-text indexing waits for the end of its transaction
/// (`batch.rs`: FTS5 flushes its pending terms into a new segment at every savepoint).
pub(crate) struct PendingIndex {
    pub(crate) page_id: i64,
    pub(crate) title: Title,
    pub(crate) text: String,
}

pub(crate) fn index_page(
    conn: &mut AnyConnection,
    language: SearchLanguage,
    page_id: i64,
    title: &Title,
    text: &str,
) -> Result<(), DieselError> {
    let analyzer = Analyzer::new(language);
    diesel::delete(search_titles::table.find(page_id)).execute(conn)?;
    diesel::insert_into(search_titles::table)
        .values((
            search_titles::page_id.eq(page_id),
            search_titles::folded.eq(title_key(title.name())),
        ))
        .execute(conn)?;
    match conn {
        AnyConnection::Sqlite(conn) => {
            diesel::delete(search_index::table.filter(search_index::rowid.eq(page_id)))
                .execute(conn)?;
            let (title_stems, body_stems) = {
                let mut known = known_stems(language);
                (
                    analyzer.stems_remembering(title.name(), &mut known),
                    analyzer.stems_remembering(text, &mut known),
                )
            };
            diesel::insert_into(search_index::table)
                .values((
                    search_index::rowid.eq(page_id),
                    search_index::title.eq(title_stems),
                    search_index::body.eq(body_stems),
                ))
                .execute(conn)?;
        }
        AnyConnection::Postgresql(conn) => {
            let config = language.postgres_config();
            diesel::sql_query(format!(
                "INSERT INTO search_documents (page_id, title, document) \
                 VALUES ($1, to_tsvector('{config}', $2), \
                 setweight(to_tsvector('{config}', $2), 'A') || \
                 setweight(to_tsvector('{config}', $3), 'D')) \
                 ON CONFLICT (page_id) DO UPDATE \
                 SET title = EXCLUDED.title, document = EXCLUDED.document"
            ))
            .bind::<BigInt, _>(page_id)
            .bind::<Text, _>(analyzer.folded(title.name()))
            .bind::<Text, _>(analyzer.folded(text))
            .execute(conn)?;
        }
    }
    Ok(())
}

/// Removes a page from the index (it was deleted).
pub(crate) fn unindex_page(conn: &mut AnyConnection, page_id: i64) -> Result<(), DieselError> {
    diesel::delete(search_titles::table.find(page_id)).execute(conn)?;
    match conn {
        AnyConnection::Sqlite(conn) => {
            diesel::delete(search_index::table.filter(search_index::rowid.eq(page_id)))
                .execute(conn)?;
        }
        AnyConnection::Postgresql(conn) => {
            diesel::sql_query("DELETE FROM search_documents WHERE page_id = $1")
                .bind::<BigInt, _>(page_id)
                .execute(conn)?;
        }
    }
    Ok(())
}

/// `AND …` clauses for a filter, with the category bound as the parameter `category`
/// (written by `placeholder`). Namespace ids are numbers from the enum, never input.
fn filter_sql(filter: &SearchFilter, placeholder: &str) -> String {
    let mut sql = String::new();
    if !filter.namespaces.is_empty() {
        let ids: Vec<String> = filter
            .namespaces
            .iter()
            .map(|ns| ns.id().to_string())
            .collect();
        sql.push_str(&format!(" AND p.namespace IN ({})", ids.join(", ")));
    }
    if filter.category.is_some() {
        sql.push_str(&format!(
            " AND p.id IN (SELECT from_page FROM category_links WHERE category = {placeholder})"
        ));
    }
    sql
}

impl Store {
    /// The language the index is built in.
    pub fn search_language(&self) -> SearchLanguage {
        self.search_language
    }

    /// Pages matching `query`, those with every wanted word in their title first, then
    /// by relevance (BM25 on SQLite, `ts_rank` on PostgreSQL), with a snippet each.
    /// Redirects are left out: their target is the page to find.
    pub fn search(
        &self,
        query: &SearchQuery,
        filter: &SearchFilter,
    ) -> Result<SearchResults, StoreError> {
        let limit = i64::try_from(filter.limit.min(MAX_RESULTS)).unwrap_or(0);
        let offset = i64::try_from(filter.offset).unwrap_or(i64::MAX);
        let category = filter.category.clone().unwrap_or_default();
        let mut conn = self.conn()?;
        let (rows, total): (Vec<HitRow>, i64) = match &mut *conn {
            AnyConnection::Sqlite(conn) => {
                let filters = filter_sql(filter, "?");
                // Matches are ranked on ids alone; the text (for snippets) is read only
                // for the page of results kept.
                let from = "FROM search_index \
                     JOIN pages p ON p.id = search_index.rowid \
                     WHERE p.redirect_name IS NULL AND p.latest_revision_id IS NOT NULL \
                     AND search_index MATCH ?";
                let mut count = diesel::sql_query(format!("SELECT count(*) AS n {from}{filters}"))
                    .into_boxed::<diesel::sqlite::Sqlite>()
                    .bind::<Text, _>(query.fts5());
                let mut select = diesel::sql_query(format!(
                    "SELECT p.namespace AS namespace, p.name AS name, r.id AS revision_id, \
                     r.size AS size, hits.in_title AS in_title \
                     FROM (SELECT p.id AS id, p.name AS name, \
                     (p.id IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)) \
                     AS in_title, bm25(search_index, 10.0, 1.0) AS score \
                     {from}{filters} \
                     ORDER BY in_title DESC, score, p.name LIMIT ? OFFSET ?) AS hits \
                     JOIN pages p ON p.id = hits.id \
                     JOIN revisions r ON r.id = p.latest_revision_id \
                     ORDER BY hits.in_title DESC, hits.score, hits.name"
                ))
                .into_boxed::<diesel::sqlite::Sqlite>()
                .bind::<Text, _>(query.fts5_title())
                .bind::<Text, _>(query.fts5());
                if let Some(category) = &filter.category {
                    count = count.bind::<Text, _>(category.clone());
                    select = select.bind::<Text, _>(category.clone());
                }
                let count: CountRow = count.get_result(conn)?;
                let rows = select
                    .bind::<BigInt, _>(limit)
                    .bind::<BigInt, _>(offset)
                    .load(conn)?;
                (rows, count.n)
            }
            AnyConnection::Postgresql(conn) => {
                let config = self.search_language.postgres_config();
                let filters = filter_sql(filter, "$2");
                let from = format!(
                    "FROM search_documents d \
                     JOIN pages p ON p.id = d.page_id \
                     WHERE p.redirect_name IS NULL AND p.latest_revision_id IS NOT NULL \
                     AND d.document @@ to_tsquery('{config}', $1)"
                );
                // $2 is always bound, so that the placeholders keep their numbers.
                let filters = if filter.category.is_some() {
                    filters
                } else {
                    format!("{filters} AND $2 = $2")
                };
                let count: CountRow =
                    diesel::sql_query(format!("SELECT count(*)::bigint AS n {from}{filters}"))
                        .bind::<Text, _>(query.tsquery())
                        .bind::<Text, _>(&category)
                        .get_result(conn)?;
                let rows = diesel::sql_query(format!(
                    "SELECT p.namespace AS namespace, p.name AS name, r.id AS revision_id, \
                     r.size AS size, hits.in_title AS in_title \
                     FROM (SELECT p.id AS id, p.name AS name, \
                     (d.title @@ to_tsquery('{config}', $3)) AS in_title, \
                     ts_rank(d.document, to_tsquery('{config}', $1)) AS score \
                     {from}{filters} \
                     ORDER BY in_title DESC, score DESC, p.name LIMIT $4 OFFSET $5) AS hits \
                     JOIN pages p ON p.id = hits.id \
                     JOIN revisions r ON r.id = p.latest_revision_id \
                     ORDER BY hits.in_title DESC, hits.score DESC, hits.name"
                ))
                .bind::<Text, _>(query.tsquery())
                .bind::<Text, _>(&category)
                .bind::<Text, _>(query.tsquery_wanted())
                .bind::<BigInt, _>(limit)
                .bind::<BigInt, _>(offset)
                .load(conn)?;
                (rows, count.n)
            }
        };
        let ids: Vec<i64> = rows.iter().map(|row| row.revision_id).collect();
        let texts = crate::texts::read_ids(&mut conn, &ids)?;
        let analyzer = Analyzer::new(self.search_language);
        let stems = query.highlight_stems();
        let hits = rows
            .into_iter()
            .filter_map(|row| {
                let title =
                    Title::from_parts(Namespace::from_id(row.namespace)?, &row.name).ok()?;
                let text = texts.get(&row.revision_id).map_or("", String::as_str);
                Some(SearchHit {
                    title,
                    in_title: row.in_title,
                    snippet: snippet(text, &stems, &analyzer),
                    bytes: row.size,
                })
            })
            .collect();
        Ok(SearchResults { hits, total })
    }

    /// Titles starting with what was typed, accents and case aside: `ecole` suggests
    /// "École Jean-Macé". A namespace prefix (`Catégorie:éco`) looks in that namespace;
    /// otherwise articles come first.
    pub fn suggest_titles(&self, typed: &str, limit: usize) -> Result<Vec<Title>, StoreError> {
        let (namespace, typed) = match typed.split_once(':') {
            Some((prefix, rest)) => match Namespace::from_prefix(prefix.trim()) {
                Some(namespace) => (Some(namespace), rest),
                None => (None, typed),
            },
            None => (None, typed),
        };
        let key = title_key(typed);
        if key.is_empty() && namespace.is_none() {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(limit).unwrap_or(0);
        let mut conn = self.conn()?;
        let mut query = search_titles::table
            .inner_join(pages::table)
            .filter(pages::latest_revision_id.is_not_null())
            .select((pages::namespace, pages::name))
            .order((
                pages::namespace.asc(),
                search_titles::folded.asc(),
                pages::name.asc(),
            ))
            .limit(limit)
            .into_boxed();
        query = match &*conn {
            // SQLite keeps its query plans whatever the bound values (SQLITE_ENABLE_QPSG),
            // so a bound LIKE pattern never uses the index: a range of keys does. Keys
            // are folded to lower case, which the NOCASE index compares alike; every key
            // starting with `key` sorts before `key` followed by the last code point.
            AnyConnection::Sqlite(_) => query
                .filter(search_titles::folded.ge(key.clone()))
                .filter(search_titles::folded.lt(format!("{key}\u{10FFFF}"))),
            // The index is built for LIKE prefixes (`text_pattern_ops`).
            AnyConnection::Postgresql(_) => {
                query.filter(search_titles::folded.like(format!("{key}%")))
            }
        };
        if let Some(namespace) = namespace {
            query = query.filter(pages::namespace.eq(namespace.id()));
        }
        let rows: Vec<(i32, String)> = query.load(&mut conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|(ns, name)| Title::from_parts(Namespace::from_id(ns)?, &name).ok())
            .collect())
    }

    /// Whether the index must be rebuilt: built in another language, or not holding
    /// every current page (a database from before search existed).
    pub fn search_needs_reindex(&self) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let language: Option<String> = search_settings::table
            .find(1)
            .select(search_settings::language)
            .first(&mut conn)
            .optional()?;
        if language
            .as_deref()
            .is_some_and(|code| code != self.search_language.code())
        {
            return Ok(true);
        }
        let indexed: i64 = search_titles::table
            .inner_join(pages::table)
            .filter(pages::latest_revision_id.is_not_null())
            .count()
            .get_result(&mut conn)?;
        let current: i64 = pages::table
            .filter(pages::latest_revision_id.is_not_null())
            .count()
            .get_result(&mut conn)?;
        Ok(indexed != current)
    }

    /// Makes the index ready at start: rebuilt when [`Store::search_needs_reindex`]
    /// says so (returning how many pages were indexed), else only its language recorded.
    pub fn search_prepare(
        &self,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Option<u64>, StoreError> {
        if self.search_needs_reindex()? {
            return self.reindex(progress).map(Some);
        }
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| -> Result<(), StoreError> {
            record_language(conn, self.search_language)?;
            Ok(())
        })?;
        Ok(None)
    }

    /// Rebuilds the whole index, `REINDEX_BATCH` pages per transaction, calling
    /// `progress(done, total)` after each batch. Saves may go on meanwhile: each writes
    /// its own rows, and a batch rereads the current text in its own transaction.
    pub fn reindex(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<u64, StoreError> {
        let mut conn = self.conn()?;
        let total: i64 = pages::table
            .filter(pages::latest_revision_id.is_not_null())
            .count()
            .get_result(&mut conn)?;
        let total = u64::try_from(total).unwrap_or(0);
        write_transaction(&mut conn, |conn| -> Result<(), StoreError> {
            // Rows of pages deleted meanwhile, or of an index in another language.
            diesel::delete(search_titles::table).execute(conn)?;
            match conn {
                AnyConnection::Sqlite(conn) => {
                    diesel::sql_query("DELETE FROM search_index").execute(conn)?;
                }
                AnyConnection::Postgresql(conn) => {
                    diesel::sql_query("DELETE FROM search_documents").execute(conn)?;
                }
            }
            Ok(())
        })?;
        let mut done = 0u64;
        let mut after = 0i64;
        progress(0, total);
        loop {
            let language = self.search_language;
            let batch = write_transaction(&mut conn, |conn| -> Result<Option<i64>, StoreError> {
                let rows: Vec<(i64, i32, String, crate::texts::StoredText)> = pages::table
                    .inner_join(
                        revisions::table.on(pages::latest_revision_id.eq(revisions::id.nullable())),
                    )
                    .filter(pages::id.gt(after))
                    .order(pages::id.asc())
                    .select((
                        pages::id,
                        pages::namespace,
                        pages::name,
                        crate::texts::StoredText::as_select(),
                    ))
                    .limit(REINDEX_BATCH)
                    .load(conn)?;
                let Some(last) = rows.last().map(|row| row.0) else {
                    return Ok(None);
                };
                let (pages, stored): (Vec<_>, Vec<_>) = rows
                    .into_iter()
                    .map(|(id, namespace, name, stored)| ((id, namespace, name), stored))
                    .unzip();
                let texts = crate::texts::read_many(conn, stored)?;
                let rows: Vec<_> = pages
                    .into_iter()
                    .zip(texts)
                    .map(|((id, namespace, name), text)| (id, namespace, name, text))
                    .collect();
                for (id, namespace, name, text) in &rows {
                    let Some(title) = Namespace::from_id(*namespace)
                        .and_then(|ns| Title::from_parts(ns, name).ok())
                    else {
                        continue;
                    };
                    index_page(conn, language, *id, &title, text)?;
                }
                done += u64::try_from(rows.len()).unwrap_or(0);
                Ok(Some(last))
            })?;
            let Some(last) = batch else {
                break;
            };
            after = last;
            progress(done, total);
        }
        write_transaction(&mut conn, |conn| -> Result<(), StoreError> {
            record_language(conn, self.search_language)?;
            Ok(())
        })?;
        Ok(done)
    }
}

fn record_language(conn: &mut AnyConnection, language: SearchLanguage) -> Result<(), DieselError> {
    diesel::delete(search_settings::table).execute(conn)?;
    diesel::insert_into(search_settings::table)
        .values((
            search_settings::id.eq(1),
            search_settings::language.eq(language.code()),
        ))
        .execute(conn)?;
    Ok(())
}
