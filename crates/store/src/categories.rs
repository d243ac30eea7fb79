//! The category graph and the size listings, read from the link tables.
//!
//! The graph holds categories only (the rows of category pages filed in other
//! categories), a few hundred rows on a city wiki, so it is read whole and handed to
//! [`carnet_core::CategoryGraph`]; member counts are asked only for the categories a
//! view shows, through the `category_links_members` index.

use std::collections::HashMap;

use carnet_core::{CategoryGraph, Namespace, Title};
use diesel::prelude::*;

use crate::schema::{category_links, pages, revisions};
use crate::{Store, StoreError};

/// A page and the size of its current text, for `Spécial:Pages_longues`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizedPage {
    pub title: Title,
    /// Bytes of UTF-8 text.
    pub bytes: i64,
}

impl Store {
    /// Every category that exists as a page or has members, with which category pages
    /// are filed in which categories.
    pub fn category_graph(&self) -> Result<CategoryGraph, StoreError> {
        let mut conn = self.conn()?;
        let filed_in: Vec<(String, String)> = category_links::table
            .inner_join(pages::table)
            .filter(pages::namespace.eq(Namespace::Category.id()))
            .filter(pages::latest_revision_id.is_not_null())
            .select((pages::name, category_links::category))
            .load(&mut conn)?;
        let existing: Vec<String> = pages::table
            .filter(pages::namespace.eq(Namespace::Category.id()))
            .filter(pages::latest_revision_id.is_not_null())
            .select(pages::name)
            .load(&mut conn)?;
        let used: Vec<String> = category_links::table
            .select(category_links::category)
            .distinct()
            .load(&mut conn)?;
        Ok(CategoryGraph::new(
            filed_in,
            existing.into_iter().chain(used),
        ))
    }

    /// How many live pages (subcategories included) each of `names` holds.
    pub fn category_member_counts(
        &self,
        names: &[&str],
    ) -> Result<HashMap<String, i64>, StoreError> {
        let mut counts = HashMap::new();
        if names.is_empty() {
            return Ok(counts);
        }
        let mut conn = self.conn()?;
        // Bounded batches: SQLite allows a limited number of bound parameters.
        for batch in names.chunks(500) {
            let rows: Vec<(String, i64)> = category_links::table
                .inner_join(pages::table)
                .filter(category_links::category.eq_any(batch))
                .filter(pages::latest_revision_id.is_not_null())
                .group_by(category_links::category)
                .select((category_links::category, diesel::dsl::count_star()))
                .load(&mut conn)?;
            counts.extend(rows);
        }
        Ok(counts)
    }

    /// Articles by the size of their current text: longest first, or shortest first.
    /// Redirects are left out; `offset` pages through the list.
    pub fn pages_by_size(
        &self,
        longest_first: bool,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<SizedPage>, StoreError> {
        let mut conn = self.conn()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let query = pages::table
            .inner_join(revisions::table.on(pages::latest_revision_id.eq(revisions::id.nullable())))
            .filter(pages::namespace.eq(Namespace::Main.id()))
            .filter(pages::redirect_name.is_null())
            .select((pages::namespace, pages::name, revisions::size))
            .limit(limit)
            .offset(offset);
        let rows: Vec<(i32, String, i64)> = if longest_first {
            query
                .order((revisions::size.desc(), pages::name.asc()))
                .load(&mut conn)?
        } else {
            query
                .order((revisions::size.asc(), pages::name.asc()))
                .load(&mut conn)?
        };
        Ok(rows
            .into_iter()
            .filter_map(|(namespace, name, bytes)| {
                let title = Title::from_parts(Namespace::from_id(namespace)?, &name).ok()?;
                Some(SizedPage { title, bytes })
            })
            .collect())
    }
}
