//! Portals: what administrators and animateurs curate around a `Portail:` page —
//! featured pages in order (with a blurb and a picture), sections bound to categories,
//! the animateurs appointed to the portal — and the paged, indexed queries that show a
//! portal whatever the size of its categories.
//!
//! Every curation change writes its public log entry (target: the portal page) in the
//! same transaction, so the portal's history and `Spécial:Journal` say who curated what.
//! Nothing here decides who may curate: the web front end asks
//! `carnet_core::rights::check_portal` first.

use std::collections::HashSet;

use carnet_core::portal::{MAX_FEATURED, MAX_SECTIONS, SectionOrder};
use carnet_core::{LogAction, Namespace, PageId, Title, UserId};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::{BigInt, Integer, Text};

use crate::changes::Change;
use crate::connection::{AnyConnection, write_transaction};
use crate::links::MemberOrder;
use crate::moderation::{LogTarget, write_log};
use crate::pages::find_page;
use crate::schema::{
    category_links, log_entries, pages, portal_animateurs, portal_features, portal_sections, users,
};
use crate::{Store, StoreError, User};

/// The members of a category, newest first: a range scan of `category_links_newest`.
const MEMBERS_NEWEST: &str = "SELECT p.namespace AS namespace, p.name AS name \
     FROM category_links c INNER JOIN pages p ON p.id = c.from_page \
     WHERE c.category = $1 AND p.latest_revision_id IS NOT NULL \
     ORDER BY c.page_created_at DESC, c.from_page DESC LIMIT $2";
/// Most recently changed first: `category_links_recent`.
const MEMBERS_RECENT: &str = "SELECT p.namespace AS namespace, p.name AS name \
     FROM category_links c INNER JOIN pages p ON p.id = c.from_page \
     WHERE c.category = $1 AND p.latest_revision_id IS NOT NULL \
     ORDER BY c.page_touched_at DESC, c.from_page DESC LIMIT $2";
/// In French order: `category_links_alpha`.
const MEMBERS_ALPHA: &str = "SELECT p.namespace AS namespace, p.name AS name \
     FROM category_links c INNER JOIN pages p ON p.id = c.from_page \
     WHERE c.category = $1 AND p.latest_revision_id IS NOT NULL \
     ORDER BY c.sort_key ASC, c.from_page ASC LIMIT $2";

fn members_sql(order: MemberOrder) -> &'static str {
    match order {
        MemberOrder::Newest => MEMBERS_NEWEST,
        MemberOrder::RecentlyChanged => MEMBERS_RECENT,
        MemberOrder::Alphabetical => MEMBERS_ALPHA,
    }
}

/// The same SQL with SQLite's placeholders.
fn for_sqlite(sql: &str) -> String {
    sql.replace("$1", "?").replace("$2", "?")
}

#[derive(QueryableByName)]
struct MemberRow {
    #[diesel(sql_type = Integer)]
    namespace: i32,
    #[diesel(sql_type = Text)]
    name: String,
}

/// Up to `limit` members of `category` in `order`: one index range scan that stops after
/// `limit` rows (the dynamic lists and the portal sections both use it).
pub(crate) fn members(
    conn: &mut AnyConnection,
    category: &Title,
    limit: usize,
    order: MemberOrder,
) -> Result<Vec<Title>, DieselError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let sql = members_sql(order);
    let rows: Vec<MemberRow> = match conn {
        AnyConnection::Sqlite(conn) => diesel::sql_query(for_sqlite(sql))
            .bind::<Text, _>(category.name())
            .bind::<BigInt, _>(limit)
            .load(conn)?,
        AnyConnection::Postgresql(conn) => diesel::sql_query(sql)
            .bind::<Text, _>(category.name())
            .bind::<BigInt, _>(limit)
            .load(conn)?,
    };
    Ok(rows
        .into_iter()
        .filter_map(|row| title_of(row.namespace, &row.name))
        .collect())
}

fn title_of(namespace: i32, name: &str) -> Option<Title> {
    Title::from_parts(Namespace::from_id(namespace)?, name).ok()
}

pub(crate) fn member_order(order: SectionOrder) -> MemberOrder {
    match order {
        SectionOrder::Newest => MemberOrder::Newest,
        SectionOrder::RecentlyChanged => MemberOrder::RecentlyChanged,
        SectionOrder::Alphabetical => MemberOrder::Alphabetical,
    }
}

/// A page pinned on a portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Featured {
    pub title: Title,
    pub blurb: String,
    /// A file or page shown with it (no upload exists yet: a title, shown as a link).
    pub picture: Option<Title>,
    /// Whether the page exists (a featured page may have been deleted since).
    pub exists: bool,
}

/// A section of a portal, bound to a category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub category: Title,
    pub order: SectionOrder,
    /// How many pages it shows.
    pub size: usize,
}

/// What is curated on a portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curation {
    pub portal: PageId,
    /// In their order.
    pub featured: Vec<Featured>,
    pub sections: Vec<Section>,
    /// The animateurs appointed to the portal, by name.
    pub animateurs: Vec<String>,
}

/// A portal as readers see it: its curation, each section's pages, its recent activity.
#[derive(Debug, Clone)]
pub struct PortalView {
    pub curation: Curation,
    /// The pages of each section, in the section's order.
    pub sections: Vec<(Section, Vec<Title>)>,
    /// The newest changes of the portal's pages (itself, its categories' pages, its
    /// featured pages), newest first.
    pub activity: Vec<Change>,
}

/// One line of the portal index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalSummary {
    pub title: Title,
    /// Distinct pages in its sections' categories, plus featured pages outside them.
    pub pages: i64,
    /// The newest of: a change to the portal page, to one of its pages, a curation.
    pub last_activity: Option<DateTime<Utc>>,
}

/// A change of curation.
#[derive(Debug, Clone)]
pub enum PortalChange {
    /// Pin a page (or update its blurb and picture if it is pinned already).
    Feature {
        target: Title,
        blurb: String,
        picture: Option<Title>,
    },
    Unfeature(Title),
    /// Move a featured page one place up (`true`) or down.
    MoveFeature {
        target: Title,
        up: bool,
    },
    AddSection {
        category: Title,
        order: SectionOrder,
        size: usize,
    },
    RemoveSection {
        category: Title,
        order: SectionOrder,
    },
    Appoint(User),
    Dismiss(User),
}

/// What a curation change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurateOutcome {
    Done,
    /// The portal page does not exist.
    PortalMissing,
    /// The page, section or animateur named is not on the portal.
    NotFound,
    /// Already so (section already there, animateur already appointed, top of the list…).
    Unchanged,
    /// [`MAX_FEATURED`] or [`MAX_SECTIONS`] reached.
    Full,
}

type FeatureRow = (i32, String, i32, String, String);

fn load_curation(conn: &mut AnyConnection, portal: i64) -> Result<Curation, StoreError> {
    let rows: Vec<FeatureRow> = portal_features::table
        .filter(portal_features::portal_id.eq(portal))
        .order((portal_features::position.asc(), portal_features::name.asc()))
        .select((
            portal_features::namespace,
            portal_features::name,
            portal_features::position,
            portal_features::blurb,
            portal_features::picture,
        ))
        .load(conn)?;
    let mut featured = Vec::with_capacity(rows.len());
    for (namespace, name, _, blurb, picture) in rows {
        let Some(title) = title_of(namespace, &name) else {
            continue;
        };
        featured.push(Featured {
            title,
            blurb,
            picture: Title::parse(&picture).ok(),
            exists: false,
        });
    }
    // Existence in one query per namespace (usually one).
    let mut existing: HashSet<(i32, String)> = HashSet::new();
    for namespace in featured
        .iter()
        .map(|f| f.title.namespace().id())
        .collect::<HashSet<_>>()
    {
        let names: Vec<&str> = featured
            .iter()
            .filter(|f| f.title.namespace().id() == namespace)
            .map(|f| f.title.name())
            .collect();
        let found: Vec<String> = pages::table
            .filter(pages::namespace.eq(namespace))
            .filter(pages::name.eq_any(names))
            .filter(pages::latest_revision_id.is_not_null())
            .select(pages::name)
            .load(conn)?;
        existing.extend(found.into_iter().map(|name| (namespace, name)));
    }
    for feature in &mut featured {
        feature.exists = existing.contains(&(
            feature.title.namespace().id(),
            feature.title.name().to_owned(),
        ));
    }
    let rows: Vec<(String, String, i32)> = portal_sections::table
        .filter(portal_sections::portal_id.eq(portal))
        .order(portal_sections::position.asc())
        .select((
            portal_sections::category,
            portal_sections::sort,
            portal_sections::size,
        ))
        .load(conn)?;
    let sections = rows
        .into_iter()
        .filter_map(|(category, sort, size)| {
            Some(Section {
                category: Title::from_parts(Namespace::Category, &category).ok()?,
                order: SectionOrder::parse(&sort)?,
                size: usize::try_from(size).ok()?,
            })
        })
        .collect();
    let animateurs: Vec<String> = portal_animateurs::table
        .inner_join(users::table)
        .filter(portal_animateurs::portal_id.eq(portal))
        .order(users::name.asc())
        .select(users::name)
        .load(conn)?;
    Ok(Curation {
        portal: PageId(portal),
        featured,
        sections,
        animateurs,
    })
}

/// The id of an existing portal page.
fn portal_id(conn: &mut AnyConnection, portal: &Title) -> Result<Option<i64>, StoreError> {
    Ok(find_page(conn, portal)?
        .filter(|page| page.latest_revision_id.is_some())
        .map(|page| page.id))
}

/// The ids of the pages whose changes make a portal's activity: the portal itself, its
/// featured pages, and the `per_category` most recently changed pages of each section
/// category (index range scans). The newest `n` changes of the portal's pages are
/// changes of at most `n` pages, the `n` most recently touched: so `n` per category is
/// enough.
fn activity_pages(
    conn: &mut AnyConnection,
    portal: i64,
    per_category: usize,
) -> Result<Vec<i64>, StoreError> {
    let mut ids = vec![portal];
    let featured: Vec<i64> = portal_features::table
        .inner_join(
            pages::table.on(pages::namespace
                .eq(portal_features::namespace)
                .and(pages::name.eq(portal_features::name))),
        )
        .filter(portal_features::portal_id.eq(portal))
        .select(pages::id)
        .load(conn)?;
    ids.extend(featured);
    let categories: Vec<String> = portal_sections::table
        .filter(portal_sections::portal_id.eq(portal))
        .select(portal_sections::category)
        .distinct()
        .load(conn)?;
    let limit = i64::try_from(per_category).unwrap_or(i64::MAX);
    for category in categories {
        let recent: Vec<i64> = category_links::table
            .filter(category_links::category.eq(category))
            .order((
                category_links::page_touched_at.desc(),
                category_links::from_page.desc(),
            ))
            .select(category_links::from_page)
            .limit(limit)
            .load(conn)?;
        ids.extend(recent);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

fn details(parts: &[&str]) -> String {
    parts.join("\t")
}

impl Store {
    /// What is curated on `portal`, or `None` if the page does not exist.
    pub fn curation(&self, portal: &Title) -> Result<Option<Curation>, StoreError> {
        let mut conn = self.conn()?;
        let Some(id) = portal_id(&mut conn, portal)? else {
            return Ok(None);
        };
        Ok(Some(load_curation(&mut conn, id)?))
    }

    /// Everything a portal shows around its text: curation, sections' pages (each an
    /// index range scan of `size` rows), and its `activity` newest changes.
    pub fn portal_view(
        &self,
        portal: &Title,
        activity: usize,
    ) -> Result<Option<PortalView>, StoreError> {
        let mut conn = self.conn()?;
        let Some(id) = portal_id(&mut conn, portal)? else {
            return Ok(None);
        };
        let curation = load_curation(&mut conn, id)?;
        let mut sections = Vec::with_capacity(curation.sections.len());
        for section in &curation.sections {
            let pages = members(
                &mut conn,
                &section.category,
                section.size,
                member_order(section.order),
            )?;
            sections.push((section.clone(), pages));
        }
        let ids = activity_pages(&mut conn, id, activity)?;
        drop(conn);
        let activity = self.changes_of_pages(&ids, activity)?;
        Ok(Some(PortalView {
            curation,
            sections,
            activity,
        }))
    }

    /// Whether `user` is one of the animateurs appointed to `portal`.
    pub fn is_portal_animateur(&self, portal: &Title, user: UserId) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let Some(id) = portal_id(&mut conn, portal)? else {
            return Ok(false);
        };
        let count: i64 = portal_animateurs::table
            .filter(portal_animateurs::portal_id.eq(id))
            .filter(portal_animateurs::user_id.eq(user.0))
            .count()
            .get_result(&mut conn)?;
        Ok(count > 0)
    }

    /// Applies a curation change and logs it (target: the portal page), in one
    /// transaction.
    pub fn curate(
        &self,
        portal: &Title,
        change: &PortalChange,
        by: &User,
        reason: &str,
    ) -> Result<CurateOutcome, StoreError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| -> Result<CurateOutcome, StoreError> {
            let Some(id) = portal_id(conn, portal)? else {
                return Ok(CurateOutcome::PortalMissing);
            };
            let now = Utc::now().naive_utc();
            let (action, logged) = match change {
                PortalChange::Feature {
                    target,
                    blurb,
                    picture,
                } => {
                    let picture = picture.as_ref().map(Title::to_string).unwrap_or_default();
                    let existing = feature_position(conn, id, target)?;
                    match existing {
                        Some(_) => {
                            diesel::update(portal_features::table.find((
                                id,
                                target.namespace().id(),
                                target.name(),
                            )))
                            .set((
                                portal_features::blurb.eq(blurb),
                                portal_features::picture.eq(&picture),
                            ))
                            .execute(conn)?;
                        }
                        None => {
                            let count: i64 = portal_features::table
                                .filter(portal_features::portal_id.eq(id))
                                .count()
                                .get_result(conn)?;
                            if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_FEATURED {
                                return Ok(CurateOutcome::Full);
                            }
                            let last: Option<i32> = portal_features::table
                                .filter(portal_features::portal_id.eq(id))
                                .select(diesel::dsl::max(portal_features::position))
                                .first(conn)?;
                            diesel::insert_into(portal_features::table)
                                .values((
                                    portal_features::portal_id.eq(id),
                                    portal_features::namespace.eq(target.namespace().id()),
                                    portal_features::name.eq(target.name()),
                                    portal_features::position.eq(last.unwrap_or(0) + 1),
                                    portal_features::blurb.eq(blurb),
                                    portal_features::picture.eq(&picture),
                                    portal_features::added_by.eq(Some(by.id.0)),
                                    portal_features::added_at.eq(now),
                                ))
                                .execute(conn)?;
                        }
                    }
                    let verb = if existing.is_some() {
                        "update"
                    } else {
                        "feature"
                    };
                    (
                        LogAction::Curate,
                        details(&[verb, &target.to_string(), &picture]),
                    )
                }
                PortalChange::Unfeature(target) => {
                    let removed = diesel::delete(portal_features::table.find((
                        id,
                        target.namespace().id(),
                        target.name(),
                    )))
                    .execute(conn)?;
                    if removed == 0 {
                        return Ok(CurateOutcome::NotFound);
                    }
                    (
                        LogAction::Curate,
                        details(&["unfeature", &target.to_string()]),
                    )
                }
                PortalChange::MoveFeature { target, up } => {
                    let Some(position) = feature_position(conn, id, target)? else {
                        return Ok(CurateOutcome::NotFound);
                    };
                    let base = portal_features::table
                        .filter(portal_features::portal_id.eq(id))
                        .select((
                            portal_features::namespace,
                            portal_features::name,
                            portal_features::position,
                        ));
                    let neighbour: Option<(i32, String, i32)> = if *up {
                        base.filter(portal_features::position.lt(position))
                            .order(portal_features::position.desc())
                            .first(conn)
                            .optional()?
                    } else {
                        base.filter(portal_features::position.gt(position))
                            .order(portal_features::position.asc())
                            .first(conn)
                            .optional()?
                    };
                    let Some((ns, name, other)) = neighbour else {
                        return Ok(CurateOutcome::Unchanged);
                    };
                    diesel::update(portal_features::table.find((id, ns, &name)))
                        .set(portal_features::position.eq(position))
                        .execute(conn)?;
                    diesel::update(portal_features::table.find((
                        id,
                        target.namespace().id(),
                        target.name(),
                    )))
                    .set(portal_features::position.eq(other))
                    .execute(conn)?;
                    (
                        LogAction::Curate,
                        details(&[if *up { "up" } else { "down" }, &target.to_string()]),
                    )
                }
                PortalChange::AddSection {
                    category,
                    order,
                    size,
                } => {
                    let size = i32::try_from(*size).unwrap_or(i32::MAX);
                    let key = (id, category.name(), order.code());
                    let exists: i64 = portal_sections::table.find(key).count().get_result(conn)?;
                    if exists > 0 {
                        diesel::update(portal_sections::table.find(key))
                            .set(portal_sections::size.eq(size))
                            .execute(conn)?;
                    } else {
                        let count: i64 = portal_sections::table
                            .filter(portal_sections::portal_id.eq(id))
                            .count()
                            .get_result(conn)?;
                        if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_SECTIONS {
                            return Ok(CurateOutcome::Full);
                        }
                        let last: Option<i32> = portal_sections::table
                            .filter(portal_sections::portal_id.eq(id))
                            .select(diesel::dsl::max(portal_sections::position))
                            .first(conn)?;
                        diesel::insert_into(portal_sections::table)
                            .values((
                                portal_sections::portal_id.eq(id),
                                portal_sections::category.eq(category.name()),
                                portal_sections::sort.eq(order.code()),
                                portal_sections::position.eq(last.unwrap_or(0) + 1),
                                portal_sections::size.eq(size),
                            ))
                            .execute(conn)?;
                    }
                    (
                        LogAction::Curate,
                        details(&[
                            "section",
                            &category.to_string(),
                            order.code(),
                            &size.to_string(),
                        ]),
                    )
                }
                PortalChange::RemoveSection { category, order } => {
                    let removed = diesel::delete(portal_sections::table.find((
                        id,
                        category.name(),
                        order.code(),
                    )))
                    .execute(conn)?;
                    if removed == 0 {
                        return Ok(CurateOutcome::NotFound);
                    }
                    (
                        LogAction::Curate,
                        details(&["unsection", &category.to_string(), order.code()]),
                    )
                }
                PortalChange::Appoint(user) => {
                    let exists: i64 = portal_animateurs::table
                        .find((id, user.id.0))
                        .count()
                        .get_result(conn)?;
                    if exists > 0 {
                        return Ok(CurateOutcome::Unchanged);
                    }
                    diesel::insert_into(portal_animateurs::table)
                        .values((
                            portal_animateurs::portal_id.eq(id),
                            portal_animateurs::user_id.eq(user.id.0),
                            portal_animateurs::added_by.eq(Some(by.id.0)),
                            portal_animateurs::added_at.eq(now),
                        ))
                        .execute(conn)?;
                    (
                        LogAction::PortalAnimateur,
                        details(&["appoint", user.name.as_str()]),
                    )
                }
                PortalChange::Dismiss(user) => {
                    let removed = diesel::delete(portal_animateurs::table.find((id, user.id.0)))
                        .execute(conn)?;
                    if removed == 0 {
                        return Ok(CurateOutcome::NotFound);
                    }
                    (
                        LogAction::PortalAnimateur,
                        details(&["dismiss", user.name.as_str()]),
                    )
                }
            };
            write_log(
                conn,
                action,
                Some(by),
                LogTarget::Page(portal.clone()),
                reason,
                &logged,
            )?;
            Ok(CurateOutcome::Done)
        })
    }

    /// Existing portals in name order, `limit` at a time after the name `after`, with
    /// their page counts and last activity.
    pub fn portal_index(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<PortalSummary>, StoreError> {
        let mut conn = self.conn()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut query = pages::table
            .filter(pages::namespace.eq(Namespace::Portal.id()))
            .filter(pages::latest_revision_id.is_not_null())
            .order(pages::name.asc())
            .select((pages::id, pages::name, pages::touched_at))
            .limit(limit)
            .into_boxed();
        if let Some(after) = after {
            query = query.filter(pages::name.gt(after.to_owned()));
        }
        let rows: Vec<(i64, String, NaiveDateTime)> = query.load(&mut conn)?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, name, touched) in rows {
            let Ok(title) = Title::from_parts(Namespace::Portal, &name) else {
                continue;
            };
            let (pages, last) = portal_figures(&mut conn, id, &title, touched)?;
            out.push(PortalSummary {
                title,
                pages,
                last_activity: Some(last.and_utc()),
            });
        }
        Ok(out)
    }

    /// The query plans of the member lists of `category` (SQLite's `EXPLAIN QUERY PLAN`,
    /// PostgreSQL's `EXPLAIN`), one string per order: the proof that they are index
    /// range scans.
    pub fn explain_member_queries(
        &self,
        category: &str,
    ) -> Result<Vec<(MemberOrder, String)>, StoreError> {
        #[derive(QueryableByName)]
        struct SqlitePlan {
            #[diesel(sql_type = Text)]
            detail: String,
        }
        #[derive(QueryableByName)]
        struct PgPlan {
            #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
            line: String,
        }
        let mut conn = self.conn()?;
        let mut out = Vec::new();
        for order in [
            MemberOrder::Newest,
            MemberOrder::RecentlyChanged,
            MemberOrder::Alphabetical,
        ] {
            let sql = members_sql(order);
            let plan = match &mut *conn {
                AnyConnection::Sqlite(conn) => {
                    let rows: Vec<SqlitePlan> =
                        diesel::sql_query(format!("EXPLAIN QUERY PLAN {}", for_sqlite(sql)))
                            .bind::<Text, _>(category)
                            .bind::<BigInt, _>(10)
                            .load(conn)?;
                    rows.into_iter()
                        .map(|row| row.detail)
                        .collect::<Vec<_>>()
                        .join("\n")
                }
                AnyConnection::Postgresql(conn) => {
                    let rows: Vec<PgPlan> = diesel::sql_query(format!("EXPLAIN {sql}"))
                        .bind::<Text, _>(category)
                        .bind::<BigInt, _>(10)
                        .load(conn)?;
                    rows.into_iter()
                        .map(|row| row.line)
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            };
            out.push((order, plan));
        }
        Ok(out)
    }
}

fn feature_position(
    conn: &mut AnyConnection,
    portal: i64,
    target: &Title,
) -> Result<Option<i32>, DieselError> {
    portal_features::table
        .find((portal, target.namespace().id(), target.name()))
        .select(portal_features::position)
        .first(conn)
        .optional()
}

/// A portal's page count and last activity: counts and maxima read from indexes.
fn portal_figures(
    conn: &mut AnyConnection,
    portal: i64,
    title: &Title,
    touched: NaiveDateTime,
) -> Result<(i64, NaiveDateTime), StoreError> {
    let categories: Vec<String> = portal_sections::table
        .filter(portal_sections::portal_id.eq(portal))
        .select(portal_sections::category)
        .distinct()
        .load(conn)?;
    let mut last = touched;
    let mut count: i64 = 0;
    if !categories.is_empty() {
        count = category_links::table
            .filter(category_links::category.eq_any(&categories))
            .select(diesel::dsl::count(category_links::from_page).aggregate_distinct())
            .first(conn)?;
        for category in &categories {
            let newest: Option<NaiveDateTime> = category_links::table
                .filter(category_links::category.eq(category))
                .order(category_links::page_touched_at.desc())
                .select(category_links::page_touched_at)
                .first(conn)
                .optional()?;
            if let Some(newest) = newest {
                last = last.max(newest);
            }
        }
    }
    let featured: Vec<(i64, NaiveDateTime)> = portal_features::table
        .inner_join(
            pages::table.on(pages::namespace
                .eq(portal_features::namespace)
                .and(pages::name.eq(portal_features::name))),
        )
        .filter(portal_features::portal_id.eq(portal))
        .filter(pages::latest_revision_id.is_not_null())
        .select((pages::id, pages::touched_at))
        .load(conn)?;
    if let Some(newest) = featured.iter().map(|(_, at)| *at).max() {
        last = last.max(newest);
    }
    let ids: Vec<i64> = featured.iter().map(|(id, _)| *id).collect();
    let inside: Vec<i64> = if categories.is_empty() || ids.is_empty() {
        Vec::new()
    } else {
        category_links::table
            .filter(category_links::from_page.eq_any(&ids))
            .filter(category_links::category.eq_any(&categories))
            .select(category_links::from_page)
            .distinct()
            .load(conn)?
    };
    count += i64::try_from(ids.len().saturating_sub(inside.len())).unwrap_or(0);
    let curated: Option<NaiveDateTime> = log_entries::table
        .filter(log_entries::target_namespace.eq(title.namespace().id()))
        .filter(log_entries::target_name.eq(title.name()))
        .filter(
            log_entries::action
                .eq_any([LogAction::Curate.code(), LogAction::PortalAnimateur.code()]),
        )
        .order(log_entries::id.desc())
        .select(log_entries::created_at)
        .first(conn)
        .optional()?;
    if let Some(curated) = curated {
        last = last.max(curated);
    }
    Ok((count, last))
}
