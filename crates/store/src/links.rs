//! Link tables, the render cache and what the renderer may ask of the database.
//!
//! On every save the store asks an [`Analyzer`] (the renderer, plugged in by the web
//! front end) what the new text links to, in the same transaction, and rewrites the
//! page's rows. The same rows tell which cached pages to throw away: pages linking to a
//! page that was just created (red becomes blue), pages using a template that changed
//! (templates are recorded transitively), pages listing a category that gained or lost a
//! member, pages showing the page count.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashSet};

use carnet_core::{Namespace, PageId, PageLinks, RevisionId, Title, collation_key};
use chrono::Utc;
use diesel::prelude::*;
use diesel::result::Error as DieselError;

use crate::connection::{AnyConnection, write_transaction};
use crate::schema::{
    category_links, file_links, listed_categories, page_links, pages, render_cache, revisions,
    template_links,
};
use crate::{Store, StoreError};

/// How a category's members are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberOrder {
    /// By sort key, the French way.
    Alphabetical,
    RecentlyChanged,
    Newest,
}

/// Works out what a text links to; the web front end plugs the renderer in.
pub trait Analyzer: Send + Sync {
    fn analyze(&self, title: &Title, text: &str, lookup: &Lookup<'_>) -> PageLinks;
}

/// The analyzer of a store without renderer (tools, store tests): no links.
pub struct NoAnalysis;

impl Analyzer for NoAnalysis {
    fn analyze(&self, _: &Title, _: &str, _: &Lookup<'_>) -> PageLinks {
        PageLinks::default()
    }
}

enum LookupConn<'c> {
    Pooled(Box<r2d2::PooledConnection<crate::connection::Manager>>),
    Borrowed(&'c mut AnyConnection),
}

impl LookupConn<'_> {
    fn get(&mut self) -> &mut AnyConnection {
        match self {
            LookupConn::Pooled(conn) => conn,
            LookupConn::Borrowed(conn) => conn,
        }
    }
}

/// Read access to the wiki for rendering: inside a save's transaction, or on its own
/// pooled connection for page views. A database error makes the lookup answer "nothing"
/// and marks it failed, so the caller does not cache what was rendered from it.
pub struct Lookup<'c> {
    conn: RefCell<LookupConn<'c>>,
    failed: Cell<bool>,
}

impl<'c> Lookup<'c> {
    pub(crate) fn borrowed(conn: &'c mut AnyConnection) -> Lookup<'c> {
        Lookup {
            conn: RefCell::new(LookupConn::Borrowed(conn)),
            failed: Cell::new(false),
        }
    }

    /// Whether any query failed (the rendering is then not to be trusted).
    pub fn failed(&self) -> bool {
        self.failed.get()
    }

    fn run<T: Default>(
        &self,
        query: impl FnOnce(&mut AnyConnection) -> Result<T, DieselError>,
    ) -> T {
        let Ok(mut conn) = self.conn.try_borrow_mut() else {
            self.failed.set(true);
            return T::default();
        };
        match query(conn.get()) {
            Ok(value) => value,
            Err(error) => {
                log::error!("lookup failed: {error}");
                self.failed.set(true);
                T::default()
            }
        }
    }

    /// Which of `titles` exist.
    pub fn existing(&self, titles: &[Title]) -> HashSet<Title> {
        let mut found = HashSet::new();
        for namespace in titles.iter().map(Title::namespace).collect::<BTreeSet<_>>() {
            let names: Vec<&str> = titles
                .iter()
                .filter(|title| title.namespace() == namespace)
                .map(Title::name)
                .collect();
            for chunk in names.chunks(500) {
                let rows: Vec<String> = self.run(|conn| {
                    pages::table
                        .filter(pages::namespace.eq(namespace.id()))
                        .filter(pages::name.eq_any(chunk))
                        .filter(pages::latest_revision_id.is_not_null())
                        .select(pages::name)
                        .load(conn)
                });
                found.extend(
                    rows.iter()
                        .filter_map(|name| Title::from_parts(namespace, name).ok()),
                );
            }
        }
        found
    }

    /// The current text of a page (for transclusion).
    pub fn page_text(&self, title: &Title) -> Option<String> {
        self.run(|conn| {
            pages::table
                .inner_join(
                    revisions::table.on(pages::latest_revision_id.eq(revisions::id.nullable())),
                )
                .filter(pages::namespace.eq(title.namespace().id()))
                .filter(pages::name.eq(title.name()))
                .select(crate::texts::StoredText::as_select())
                .first::<crate::texts::StoredText>(conn)
                .optional()?
                .map(|row| crate::texts::read(conn, row).map_err(into_diesel))
                .transpose()
        })
    }

    /// Up to `limit` members of a category, by an index range scan whatever the order
    /// (`portal::members_query`).
    pub fn category_members(
        &self,
        category: &Title,
        limit: usize,
        order: MemberOrder,
    ) -> Vec<Title> {
        self.run(|conn| crate::portal::members(conn, category, limit, order))
    }

    /// The current version of each of `titles` that is an uploaded file (the renderer's
    /// `[[Fichier:…]]`).
    pub fn files(
        &self,
        titles: &[Title],
    ) -> std::collections::HashMap<Title, crate::media::CurrentFile> {
        self.run(|conn| crate::media::current_files(conn, titles))
    }

    /// Articles in the wiki (main namespace, redirects excluded).
    pub fn page_count(&self) -> u64 {
        let count: i64 = self.run(|conn| {
            pages::table
                .filter(pages::namespace.eq(Namespace::Main.id()))
                .filter(pages::latest_revision_id.is_not_null())
                .filter(pages::redirect_name.is_null())
                .count()
                .get_result(conn)
        });
        u64::try_from(count).unwrap_or(0)
    }
}

fn title_of(namespace: i32, name: &str) -> Option<Title> {
    Title::from_parts(Namespace::from_id(namespace)?, name).ok()
}

#[derive(Insertable)]
#[diesel(table_name = page_links)]
struct PageLinkRow<'a> {
    from_page: i64,
    to_namespace: i32,
    to_name: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = template_links)]
struct TemplateLinkRow<'a> {
    from_page: i64,
    to_namespace: i32,
    to_name: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = file_links)]
struct FileLinkRow<'a> {
    from_page: i64,
    to_name: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = category_links)]
struct CategoryLinkRow<'a> {
    from_page: i64,
    category: &'a str,
    sort_key: String,
    page_created_at: chrono::NaiveDateTime,
    page_touched_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = listed_categories)]
struct ListedCategoryRow<'a> {
    from_page: i64,
    category: &'a str,
}

/// Why a page's link rows are rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkChange {
    /// A first revision: links to the page turn blue.
    Created,
    /// The page was deleted: links to it turn red.
    Deleted,
    /// A new revision: pages transcluding it change.
    Edited,
    /// The same revision rendered again (a template it uses changed): only its own
    /// rows, and the lists of categories it joined or left, change.
    Refreshed,
}

/// Rewrites the link rows of a page and throws away the cached HTML they make stale.
pub(crate) fn replace_links(
    conn: &mut AnyConnection,
    page_id: i64,
    title: &Title,
    links: &PageLinks,
    change: LinkChange,
) -> Result<(), DieselError> {
    // A page rendered again to the same rows (the usual case on a render cache miss)
    // writes nothing: reading a page changes no content table, so it never moves the
    // content generation (generation.rs) and never invalidates other pages.
    // An edit that keeps every link (most edits: a sentence, a typo) rewrites no row
    // either: only the category rows' copy of the page's touched time moves. Deleting
    // and inserting the same rows touched a few hundred B-tree pages per save.
    let unchanged = match change {
        LinkChange::Refreshed => links_unchanged(conn, page_id, title, links, Times::Compared)?,
        LinkChange::Edited => links_unchanged(conn, page_id, title, links, Times::Ignored)?,
        LinkChange::Created | LinkChange::Deleted => false,
    };
    if unchanged && change == LinkChange::Refreshed {
        return Ok(());
    }
    let old_categories: BTreeSet<String> = category_links::table
        .filter(category_links::from_page.eq(page_id))
        .select(category_links::category)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let new_categories = if unchanged {
        let touched_at: chrono::NaiveDateTime = pages::table
            .find(page_id)
            .select(pages::touched_at)
            .first(conn)?;
        diesel::update(category_links::table.filter(category_links::from_page.eq(page_id)))
            .set(category_links::page_touched_at.eq(touched_at))
            .execute(conn)?;
        old_categories.clone()
    } else {
        rewrite_links(conn, page_id, title, links)?
    };
    invalidate_after(conn, title, change, &old_categories, &new_categories)
}

/// Replaces every link row of a page and its redirect and page-count columns; the
/// categories it is now in.
fn rewrite_links(
    conn: &mut AnyConnection,
    page_id: i64,
    title: &Title,
    links: &PageLinks,
) -> Result<BTreeSet<String>, DieselError> {
    diesel::delete(page_links::table.filter(page_links::from_page.eq(page_id))).execute(conn)?;
    diesel::delete(template_links::table.filter(template_links::from_page.eq(page_id)))
        .execute(conn)?;
    diesel::delete(file_links::table.filter(file_links::from_page.eq(page_id))).execute(conn)?;
    diesel::delete(category_links::table.filter(category_links::from_page.eq(page_id)))
        .execute(conn)?;
    diesel::delete(listed_categories::table.filter(listed_categories::from_page.eq(page_id)))
        .execute(conn)?;

    let mut seen = HashSet::new();
    let rows: Vec<PageLinkRow<'_>> = links
        .links
        .iter()
        .filter(|target| seen.insert((target.namespace(), target.name())))
        .map(|target| PageLinkRow {
            from_page: page_id,
            to_namespace: target.namespace().id(),
            to_name: target.name(),
        })
        .collect();
    for row in &rows {
        diesel::insert_into(page_links::table)
            .values(row)
            .execute(conn)?;
    }
    let mut seen = HashSet::new();
    for target in links
        .templates
        .iter()
        .filter(|t| seen.insert((t.namespace(), t.name())))
    {
        diesel::insert_into(template_links::table)
            .values(TemplateLinkRow {
                from_page: page_id,
                to_namespace: target.namespace().id(),
                to_name: target.name(),
            })
            .execute(conn)?;
    }
    let mut seen = HashSet::new();
    for file in links.files.iter().filter(|f| seen.insert(f.name())) {
        diesel::insert_into(file_links::table)
            .values(FileLinkRow {
                from_page: page_id,
                to_name: file.name(),
            })
            .execute(conn)?;
    }
    // The member's times go with each row, so that category lists by date are index
    // range scans (`portal.rs`). Every change of `touched_at` ends up here.
    let (created_at, touched_at): (chrono::NaiveDateTime, chrono::NaiveDateTime) = pages::table
        .find(page_id)
        .select((pages::created_at, pages::touched_at))
        .first(conn)?;
    let mut new_categories = BTreeSet::new();
    for link in &links.categories {
        if !new_categories.insert(link.category.name().to_owned()) {
            continue;
        }
        let key = link.sort_key.as_deref().unwrap_or(title.name());
        diesel::insert_into(category_links::table)
            .values(CategoryLinkRow {
                from_page: page_id,
                category: link.category.name(),
                sort_key: collation_key(key),
                page_created_at: created_at,
                page_touched_at: touched_at,
            })
            .execute(conn)?;
    }
    let mut seen = HashSet::new();
    for category in links
        .listed_categories
        .iter()
        .filter(|c| seen.insert(c.name()))
    {
        diesel::insert_into(listed_categories::table)
            .values(ListedCategoryRow {
                from_page: page_id,
                category: category.name(),
            })
            .execute(conn)?;
    }
    diesel::update(pages::table.find(page_id))
        .set((
            pages::redirect_namespace.eq(links.redirect.as_ref().map(|t| t.namespace().id())),
            pages::redirect_name.eq(links.redirect.as_ref().map(|t| t.name().to_owned())),
            pages::uses_page_count.eq(links.uses_page_count),
        ))
        .execute(conn)?;
    Ok(new_categories)
}

/// Throws away the cached HTML a change of a page's links makes stale.
fn invalidate_after(
    conn: &mut AnyConnection,
    title: &Title,
    change: LinkChange,
    old_categories: &BTreeSet<String>,
    new_categories: &BTreeSet<String>,
) -> Result<(), DieselError> {
    // Pages listing a category that gained or lost this page; after a new revision,
    // pages listing any of its categories (lists by date change order).
    let changed: Vec<String> = if change == LinkChange::Refreshed {
        old_categories
            .symmetric_difference(new_categories)
            .cloned()
            .collect()
    } else {
        old_categories.union(new_categories).cloned().collect()
    };
    if !changed.is_empty() {
        let listing = listed_categories::table
            .filter(listed_categories::category.eq_any(changed))
            .select(listed_categories::from_page);
        diesel::delete(render_cache::table.filter(render_cache::page_id.eq_any(listing)))
            .execute(conn)?;
    }
    if change == LinkChange::Refreshed {
        return Ok(());
    }
    // Pages using this page as a template (directly or through other templates).
    let users = template_links::table
        .filter(template_links::to_namespace.eq(title.namespace().id()))
        .filter(template_links::to_name.eq(title.name()))
        .select(template_links::from_page);
    diesel::delete(render_cache::table.filter(render_cache::page_id.eq_any(users)))
        .execute(conn)?;
    if matches!(change, LinkChange::Created | LinkChange::Deleted) {
        // Red links to this page become blue, or blue ones red.
        let linking = page_links::table
            .filter(page_links::to_namespace.eq(title.namespace().id()))
            .filter(page_links::to_name.eq(title.name()))
            .select(page_links::from_page);
        diesel::delete(render_cache::table.filter(render_cache::page_id.eq_any(linking)))
            .execute(conn)?;
        if title.namespace() == Namespace::Main {
            let counting = pages::table
                .filter(pages::uses_page_count.eq(true))
                .select(pages::id);
            diesel::delete(render_cache::table.filter(render_cache::page_id.eq_any(counting)))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Whether [`links_unchanged`] compares the category rows' copy of the page's touched
/// time (an edit moves it, and updates it alone when nothing else changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Times {
    Compared,
    Ignored,
}

/// Whether the page's stored link rows (and redirect, page count use) are exactly what
/// `links` would write.
fn links_unchanged(
    conn: &mut AnyConnection,
    page_id: i64,
    title: &Title,
    links: &PageLinks,
    times: Times,
) -> Result<bool, DieselError> {
    let stored: BTreeSet<(i32, String)> = page_links::table
        .filter(page_links::from_page.eq(page_id))
        .select((page_links::to_namespace, page_links::to_name))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    let wanted: BTreeSet<(i32, String)> = links
        .links
        .iter()
        .map(|t| (t.namespace().id(), t.name().to_owned()))
        .collect();
    if stored != wanted {
        return Ok(false);
    }
    let stored: BTreeSet<(i32, String)> = template_links::table
        .filter(template_links::from_page.eq(page_id))
        .select((template_links::to_namespace, template_links::to_name))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    let wanted: BTreeSet<(i32, String)> = links
        .templates
        .iter()
        .map(|t| (t.namespace().id(), t.name().to_owned()))
        .collect();
    if stored != wanted {
        return Ok(false);
    }
    let stored: BTreeSet<String> = file_links::table
        .filter(file_links::from_page.eq(page_id))
        .select(file_links::to_name)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let wanted: BTreeSet<String> = links.files.iter().map(|t| t.name().to_owned()).collect();
    if stored != wanted {
        return Ok(false);
    }
    let stored: BTreeSet<String> = listed_categories::table
        .filter(listed_categories::from_page.eq(page_id))
        .select(listed_categories::category)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let wanted: BTreeSet<String> = links
        .listed_categories
        .iter()
        .map(|t| t.name().to_owned())
        .collect();
    if stored != wanted {
        return Ok(false);
    }
    type PageRow = (
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        Option<i32>,
        Option<String>,
        bool,
    );
    let page: Option<PageRow> = pages::table
        .find(page_id)
        .select((
            pages::created_at,
            pages::touched_at,
            pages::redirect_namespace,
            pages::redirect_name,
            pages::uses_page_count,
        ))
        .first(conn)
        .optional()?;
    let Some((created_at, touched_at, redirect_namespace, redirect_name, uses_page_count)) = page
    else {
        return Ok(false);
    };
    if redirect_namespace != links.redirect.as_ref().map(|t| t.namespace().id())
        || redirect_name.as_deref() != links.redirect.as_ref().map(|t| t.name())
        || uses_page_count != links.uses_page_count
    {
        return Ok(false);
    }
    type CategoryRow = (String, String, chrono::NaiveDateTime, chrono::NaiveDateTime);
    let stored: BTreeSet<CategoryRow> = category_links::table
        .filter(category_links::from_page.eq(page_id))
        .select((
            category_links::category,
            category_links::sort_key,
            category_links::page_created_at,
            category_links::page_touched_at,
        ))
        .load::<CategoryRow>(conn)?
        .into_iter()
        .collect();
    let mut seen = HashSet::new();
    let wanted: BTreeSet<CategoryRow> = links
        .categories
        .iter()
        .filter(|link| seen.insert(link.category.name().to_owned()))
        .map(|link| {
            let key = link.sort_key.as_deref().unwrap_or(title.name());
            (
                link.category.name().to_owned(),
                collation_key(key),
                created_at,
                touched_at,
            )
        })
        .collect();
    if times == Times::Ignored {
        let untimed =
            |rows: BTreeSet<CategoryRow>| -> BTreeSet<(String, String, chrono::NaiveDateTime)> {
                rows.into_iter()
                    .map(|(category, key, created, _)| (category, key, created))
                    .collect()
            };
        return Ok(untimed(stored) == untimed(wanted));
    }
    Ok(stored == wanted)
}

/// Separates the sort key from the page id in a category slice cursor.
const CURSOR_SEPARATOR: char = '\u{2}';

/// A page linking to another, for "what links here".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WantedPage {
    pub title: Title,
    /// How many pages link to it.
    pub links: i64,
}

/// A slice of a category's members, with where the next slice starts.
#[derive(Debug, Clone, Default)]
pub struct MemberPage {
    pub subcategories: Vec<Title>,
    pub pages: Vec<Title>,
    /// Pass as `after` for the next slice.
    pub next: Option<String>,
}

// Link tables seen from the web front end.
impl Store {
    /// A lookup on its own pooled connection, for rendering outside a save.
    pub fn lookup(&self) -> Result<Lookup<'static>, StoreError> {
        Ok(Lookup {
            conn: RefCell::new(LookupConn::Pooled(Box::new(self.conn()?))),
            failed: Cell::new(false),
        })
    }

    /// The cached HTML of a revision, if still valid.
    pub fn cached_html(
        &self,
        page: PageId,
        revision: RevisionId,
    ) -> Result<Option<String>, StoreError> {
        let mut conn = self.conn()?;
        Ok(render_cache::table
            .filter(render_cache::page_id.eq(page.0))
            .filter(render_cache::revision_id.eq(revision.0))
            .select(render_cache::html)
            .first(&mut conn)
            .optional()?)
    }

    /// Stores the rendered HTML of the page's current revision and refreshes its link
    /// rows from that rendering (a template it uses may have changed them). Does nothing
    /// if the page moved on meanwhile.
    pub fn cache_render(
        &self,
        page: PageId,
        revision: RevisionId,
        title: &Title,
        html: &str,
        links: &PageLinks,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| -> Result<(), StoreError> {
            let latest: Option<Option<i64>> = pages::table
                .find(page.0)
                .select(pages::latest_revision_id)
                .first(conn)
                .optional()?;
            if latest != Some(Some(revision.0)) {
                return Ok(());
            }
            replace_links(conn, page.0, title, links, LinkChange::Refreshed)?;
            diesel::delete(render_cache::table.filter(render_cache::page_id.eq(page.0)))
                .execute(conn)?;
            diesel::insert_into(render_cache::table)
                .values((
                    render_cache::page_id.eq(page.0),
                    render_cache::revision_id.eq(revision.0),
                    render_cache::html.eq(html),
                    render_cache::rendered_at.eq(Utc::now().naive_utc()),
                ))
                .execute(conn)?;
            Ok(())
        })
    }

    /// The categories a page is in, with whether each category page exists.
    pub fn page_categories(&self, page: PageId) -> Result<Vec<(Title, bool)>, StoreError> {
        let mut conn = self.conn()?;
        let names: Vec<String> = category_links::table
            .filter(category_links::from_page.eq(page.0))
            .order(category_links::category.asc())
            .select(category_links::category)
            .load(&mut conn)?;
        let titles: Vec<Title> = names
            .iter()
            .filter_map(|name| Title::from_parts(Namespace::Category, name).ok())
            .collect();
        drop(conn);
        let existing = self.lookup()?.existing(&titles);
        Ok(titles
            .into_iter()
            .map(|t| {
                let e = existing.contains(&t);
                (t, e)
            })
            .collect())
    }

    /// Members of a category in French order, `limit` at a time after `after` (the
    /// `next` of the previous slice: a sort key and a page id, so equal keys are never
    /// skipped at a slice boundary).
    pub fn category_page(
        &self,
        category: &Title,
        after: Option<&str>,
        limit: usize,
    ) -> Result<MemberPage, StoreError> {
        let mut conn = self.conn()?;
        let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
        let mut query = category_links::table
            .inner_join(pages::table)
            .filter(category_links::category.eq(category.name()))
            .filter(pages::latest_revision_id.is_not_null())
            .order((
                category_links::sort_key.asc(),
                category_links::from_page.asc(),
            ))
            .select((
                category_links::sort_key,
                category_links::from_page,
                pages::namespace,
                pages::name,
            ))
            .limit(fetch)
            .into_boxed();
        if let Some((key, page)) = after.and_then(|after| after.rsplit_once(CURSOR_SEPARATOR)) {
            let page: i64 = page.parse().unwrap_or(i64::MAX);
            query = query.filter(
                category_links::sort_key
                    .gt(key.to_owned())
                    .or(category_links::sort_key
                        .eq(key.to_owned())
                        .and(category_links::from_page.gt(page))),
            );
        }
        let mut rows: Vec<(String, i64, i32, String)> = query.load(&mut conn)?;
        let next = if rows.len() > limit {
            rows.truncate(limit);
            rows.last()
                .map(|(key, page, _, _)| format!("{key}{CURSOR_SEPARATOR}{page}"))
        } else {
            None
        };
        let mut page = MemberPage {
            next,
            ..MemberPage::default()
        };
        for (_, _, namespace, name) in rows {
            let Some(title) = title_of(namespace, &name) else {
                continue;
            };
            if title.namespace() == Namespace::Category {
                page.subcategories.push(title);
            } else {
                page.pages.push(title);
            }
        }
        Ok(page)
    }

    /// Pages that link to `title` (or transclude it), by title.
    pub fn links_here(&self, title: &Title, limit: usize) -> Result<Vec<Title>, StoreError> {
        let mut conn = self.conn()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let linking = page_links::table
            .filter(page_links::to_namespace.eq(title.namespace().id()))
            .filter(page_links::to_name.eq(title.name()))
            .select(page_links::from_page);
        let transcluding = template_links::table
            .filter(template_links::to_namespace.eq(title.namespace().id()))
            .filter(template_links::to_name.eq(title.name()))
            .select(template_links::from_page);
        let rows: Vec<(i32, String)> = pages::table
            .filter(pages::id.eq_any(linking).or(pages::id.eq_any(transcluding)))
            .order((pages::namespace.asc(), pages::name.asc()))
            .select((pages::namespace, pages::name))
            .limit(limit)
            .load(&mut conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|(ns, name)| title_of(ns, &name))
            .collect())
    }

    /// Red links across the wiki, most wanted first.
    pub fn wanted_pages(&self, limit: usize) -> Result<Vec<WantedPage>, StoreError> {
        let mut conn = self.conn()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let existing = pages::table
            .filter(pages::latest_revision_id.is_not_null())
            .filter(pages::namespace.eq(page_links::to_namespace))
            .filter(pages::name.eq(page_links::to_name))
            .select(pages::id);
        let rows: Vec<(i32, String, i64)> = page_links::table
            .filter(diesel::dsl::not(diesel::dsl::exists(existing)))
            .group_by((page_links::to_namespace, page_links::to_name))
            .select((
                page_links::to_namespace,
                page_links::to_name,
                diesel::dsl::count_star(),
            ))
            .order((diesel::dsl::count_star().desc(), page_links::to_name.asc()))
            .limit(limit)
            .load(&mut conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|(ns, name, links)| {
                Some(WantedPage {
                    title: title_of(ns, &name)?,
                    links,
                })
            })
            .collect())
    }

    /// Articles no other page links to.
    pub fn orphaned_pages(&self, limit: usize) -> Result<Vec<Title>, StoreError> {
        let mut conn = self.conn()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let linked = page_links::table
            .filter(page_links::to_namespace.eq(pages::namespace))
            .filter(page_links::to_name.eq(pages::name))
            .filter(page_links::from_page.ne(pages::id))
            .select(page_links::from_page);
        let rows: Vec<(i32, String)> = pages::table
            .filter(pages::namespace.eq(Namespace::Main.id()))
            .filter(pages::latest_revision_id.is_not_null())
            .filter(pages::redirect_name.is_null())
            .filter(diesel::dsl::not(diesel::dsl::exists(linked)))
            .order(pages::name.asc())
            .select((pages::namespace, pages::name))
            .limit(limit)
            .load(&mut conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|(ns, name)| title_of(ns, &name))
            .collect())
    }

    /// Where a page redirects to.
    pub fn redirect_target(&self, page: PageId) -> Result<Option<Title>, StoreError> {
        let mut conn = self.conn()?;
        let row: Option<(Option<i32>, Option<String>)> = pages::table
            .find(page.0)
            .select((pages::redirect_namespace, pages::redirect_name))
            .first(&mut conn)
            .optional()?;
        Ok(match row {
            Some((Some(ns), Some(name))) => title_of(ns, &name),
            _ => None,
        })
    }
}

/// A store error inside a lookup's diesel-typed closure (it is logged and the lookup
/// marked failed like any other).
fn into_diesel(error: StoreError) -> DieselError {
    match error {
        StoreError::Database(error) => error,
        other => DieselError::DeserializationError(other.to_string().into()),
    }
}
