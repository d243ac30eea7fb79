//! The category tree (`Spécial:Arbre_des_catégories`), its cycle report, and the pages
//! by size (`Spécial:Pages_longues`, `Spécial:Pages_courtes`).
//!
//! The tree is plain nested `<details>` lists: it folds and unfolds without JavaScript.
//! It stops a few levels down (a link opens the branch below) and at any category
//! already on the way down, so a loop of categories cannot make it endless.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use carnet_core::{CategoryCycle, CategoryGraph, Namespace, Title};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::i18n::Tr;
use crate::problem::Problem;
use crate::templates::{Chrome, LinkView};
use crate::views::Ctx;

/// Levels unfolded below the starting point; deeper branches get their own page.
const TREE_DEPTH: usize = 4;
/// Most lines one tree page shows, whatever the shape of the graph.
const TREE_LINES: usize = 2_000;
/// Most pages a size listing shows.
const SIZE_LIMIT: usize = 500;

/// One line of the tree, in document order: `open` starts a branch (closed by a later
/// `close` line), `leaf` is a category shown without its children.
pub struct TreeLine {
    pub kind: &'static str,
    pub link: LinkView,
    pub counts: String,
    /// The branch continues on its own tree page.
    pub deeper_href: Option<String>,
    /// This category is already higher on the same branch: a loop.
    pub loops_back: bool,
    pub expanded: bool,
}

/// A cycle of categories, as links, first one repeated at the end.
pub struct CycleView {
    pub links: Vec<LinkView>,
}

#[derive(Template)]
#[template(path = "category_tree.html")]
struct TreeView<'a> {
    tr: Tr<'a>,
    chrome: Chrome,
    heading: String,
    help: String,
    /// "Filed in" links, to go up from a chosen root.
    parents: Vec<LinkView>,
    lines: Vec<TreeLine>,
    truncated: bool,
    cycles: Vec<CycleView>,
    whole_tree_href: Option<String>,
}

/// `Spécial:Arbre_des_catégories[/Catégorie]`: the whole tree, or the branch under one
/// category, with the cycle report.
pub async fn tree(ctx: &Ctx<'_>, root: Option<&str>) -> Result<HttpResponse, Problem> {
    let root = match root.map(str::trim).filter(|r| !r.is_empty()) {
        Some(name) => Some(category_name(name)?),
        None => None,
    };
    let store = ctx.state.store.clone();
    let wanted_root = root.clone();
    let (graph, counts, existing) = web::block(move || -> Result<_, Problem> {
        let graph = store.category_graph()?;
        let names = shown_names(&graph, wanted_root.as_deref());
        let counts = store.category_member_counts(&names)?;
        let titles: Vec<Title> = names
            .iter()
            .filter_map(|name| Title::from_parts(Namespace::Category, name).ok())
            .collect();
        let existing = store.lookup()?.existing(&titles);
        Ok((graph, counts, existing))
    })
    .await??;
    let tr = ctx.tr;
    let link = |name: &str| -> Option<LinkView> {
        let title = Title::from_parts(Namespace::Category, name).ok()?;
        let exists = existing.contains(&title);
        Some(LinkView::to(&title, exists))
    };
    let counts_of = |name: &str| {
        let subcategories = graph.children(name).len();
        let members = counts.get(name).copied().unwrap_or(0);
        let pages = members.saturating_sub(i64::try_from(subcategories).unwrap_or(0));
        tr.t_with(
            "category-tree-counts",
            &[
                ("pages", pages.into()),
                (
                    "subcategories",
                    i64::try_from(subcategories).unwrap_or(0).into(),
                ),
            ],
        )
    };
    let starts: Vec<&str> = match &root {
        Some(name) => vec![name.as_str()],
        None => graph.roots(),
    };
    let mut lines = Vec::new();
    let mut path = Vec::new();
    let mut truncated = false;
    for start in starts {
        walk(
            &graph,
            start,
            0,
            &mut path,
            &mut lines,
            &mut truncated,
            &link,
            &counts_of,
        );
    }
    let (heading, help, parents, whole_tree_href) = match &root {
        Some(name) => (
            tr.t1("category-tree-branch-heading", "category", name),
            if graph.contains(name) {
                tr.t("category-tree-branch-help")
            } else {
                tr.t1("category-tree-unknown", "category", name)
            },
            graph.parents(name).into_iter().filter_map(link).collect(),
            Some(tree_href(None)),
        ),
        None => (
            tr.t("category-tree-heading"),
            if graph.is_empty() {
                tr.t("category-tree-empty")
            } else {
                tr.t("category-tree-help")
            },
            Vec::new(),
            None,
        ),
    };
    let cycles = if root.is_none() {
        graph
            .cycles()
            .iter()
            .map(|cycle| cycle_view(cycle, &link))
            .collect()
    } else {
        root.as_deref()
            .and_then(|name| graph.cycle_through(name))
            .map(|cycle| vec![cycle_view(&cycle, &link)])
            .unwrap_or_default()
    };
    let view = TreeView {
        tr,
        chrome: ctx.chrome_for(heading.clone()),
        heading,
        help,
        parents,
        lines,
        truncated,
        cycles,
        whole_tree_href,
    };
    Ok(ctx.html_response(StatusCode::OK, &view))
}

/// A category name from a URL: `Éducation` or `Catégorie:Éducation`.
fn category_name(raw: &str) -> Result<String, Problem> {
    let title = Title::parse(raw)?;
    if title.namespace() == Namespace::Category {
        return Ok(title.name().to_owned());
    }
    Ok(Title::from_parts(Namespace::Category, &title.to_string())?
        .name()
        .to_owned())
}

/// The categories a tree page may show (for one counts query): everything within
/// reach of the starting points, as deep as the tree unfolds.
fn shown_names<'g>(graph: &'g CategoryGraph, root: Option<&'g str>) -> Vec<&'g str> {
    let mut names: Vec<&str> = match root {
        Some(name) => vec![name],
        None => graph.roots(),
    };
    let mut frontier = names.clone();
    for _ in 0..TREE_DEPTH {
        let next: Vec<&str> = frontier
            .iter()
            .flat_map(|name| graph.children(name))
            .collect();
        names.extend(next.iter().copied());
        frontier = next;
        if names.len() > TREE_LINES {
            break;
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

#[allow(clippy::too_many_arguments)]
fn walk<'g>(
    graph: &'g CategoryGraph,
    name: &'g str,
    depth: usize,
    path: &mut Vec<&'g str>,
    lines: &mut Vec<TreeLine>,
    truncated: &mut bool,
    link: &dyn Fn(&str) -> Option<LinkView>,
    counts: &dyn Fn(&str) -> String,
) {
    if lines.len() >= TREE_LINES {
        *truncated = true;
        return;
    }
    let Some(view) = link(name) else {
        return;
    };
    let children = graph.children(name);
    let loops_back = path.contains(&name);
    let line = |kind, deeper_href| TreeLine {
        kind,
        link: view.clone(),
        counts: counts(name),
        deeper_href,
        loops_back,
        expanded: depth == 0,
    };
    if children.is_empty() || loops_back {
        lines.push(line("leaf", None));
        return;
    }
    if depth >= TREE_DEPTH {
        lines.push(line("leaf", Some(tree_href(Some(name)))));
        return;
    }
    lines.push(line("open", None));
    path.push(name);
    for child in children {
        walk(
            graph,
            child,
            depth + 1,
            path,
            lines,
            truncated,
            link,
            counts,
        );
    }
    path.pop();
    lines.push(TreeLine {
        kind: "close",
        link: view,
        counts: String::new(),
        deeper_href: None,
        loops_back: false,
        expanded: false,
    });
}

fn cycle_view(cycle: &CategoryCycle, link: &dyn Fn(&str) -> Option<LinkView>) -> CycleView {
    let mut links: Vec<LinkView> = cycle.names.iter().filter_map(|n| link(n)).collect();
    if let Some(first) = links.first().cloned() {
        links.push(first);
    }
    CycleView { links }
}

/// The tree page, whole or from one category.
pub fn tree_href(root: Option<&str>) -> String {
    let base = "/wiki/Sp%C3%A9cial:Arbre_des_cat%C3%A9gories";
    match root {
        Some(name) => format!("{base}/{}", utf8_percent_encode(name, NON_ALPHANUMERIC)),
        None => base.to_owned(),
    }
}

/// The loop a category page is part of, as a notice for its readers.
pub fn cycle_notice(store: &carnet_store::Store, category: &Title) -> Option<Vec<Title>> {
    if category.namespace() != Namespace::Category {
        return None;
    }
    let graph = match store.category_graph() {
        Ok(graph) => graph,
        Err(error) => {
            log::error!("category graph: {error}");
            return None;
        }
    };
    let cycle = graph.cycle_through(category.name())?;
    let mut titles: Vec<Title> = cycle
        .names
        .iter()
        .filter_map(|name| Title::from_parts(Namespace::Category, name).ok())
        .collect();
    if let Some(first) = titles.first().cloned() {
        titles.push(first);
    }
    Some(titles)
}

#[derive(Template)]
#[template(path = "special.html")]
struct SizeView<'a> {
    tr: Tr<'a>,
    chrome: Chrome,
    heading: String,
    help: Option<String>,
    items: Vec<(LinkView, String)>,
    next_href: Option<String>,
}

/// `Spécial:Pages_longues` and `Spécial:Pages_courtes`: articles by size.
pub async fn by_size(ctx: &Ctx<'_>, longest_first: bool) -> Result<HttpResponse, Problem> {
    let offset = match ctx
        .req
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("offset="))
    {
        None | Some("") => 0,
        Some(value) => value
            .parse::<usize>()
            .map_err(|_| Problem::BadParameter("offset"))?,
    };
    let store = ctx.state.store.clone();
    let pages =
        web::block(move || store.pages_by_size(longest_first, SIZE_LIMIT, offset)).await??;
    let next_href = (pages.len() == SIZE_LIMIT).then(|| {
        format!(
            "{}?offset={}",
            ctx.req.uri().path(),
            offset.saturating_add(SIZE_LIMIT)
        )
    });
    let tr = ctx.tr;
    let items = pages
        .iter()
        .map(|page| {
            (
                LinkView::to(&page.title, true),
                tr.t_with("history-bytes", &[("size", page.bytes.into())]),
            )
        })
        .collect();
    let (heading, help) = if longest_first {
        (tr.t("special-long-heading"), tr.t("special-long-help"))
    } else {
        (tr.t("special-short-heading"), tr.t("special-short-help"))
    };
    let view = SizeView {
        tr,
        chrome: ctx.chrome_for(heading.clone()),
        heading,
        help: Some(help),
        items,
        next_href,
    };
    Ok(ctx.html_response(StatusCode::OK, &view))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_url_names_the_category_without_namespace() {
        assert_eq!(
            tree_href(Some("Vie locale")),
            "/wiki/Sp%C3%A9cial:Arbre_des_cat%C3%A9gories/Vie%20locale"
        );
        assert_eq!(
            category_name("Catégorie:Écoles").ok().as_deref(),
            Some("Écoles")
        );
        assert_eq!(category_name("écoles").ok().as_deref(), Some("Écoles"));
    }

    #[test]
    fn a_loop_stops_the_walk_and_is_marked() {
        let graph = CategoryGraph::new(
            [
                ("B".to_owned(), "A".to_owned()),
                ("A".to_owned(), "B".to_owned()),
            ],
            Vec::<String>::new(),
        );
        let mut lines = Vec::new();
        let mut truncated = false;
        let link = |name: &str| {
            Some(LinkView {
                href: format!("/{name}"),
                label: name.to_owned(),
                missing: false,
            })
        };
        walk(
            &graph,
            "A",
            0,
            &mut Vec::new(),
            &mut lines,
            &mut truncated,
            &link,
            &|_| String::new(),
        );
        let kinds: Vec<(&str, &str, bool)> = lines
            .iter()
            .map(|l| (l.kind, l.link.label.as_str(), l.loops_back))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("open", "A", false),
                ("open", "B", false),
                ("leaf", "A", true),
                ("close", "B", false),
                ("close", "A", false),
            ]
        );
        assert!(!truncated);
    }
}
