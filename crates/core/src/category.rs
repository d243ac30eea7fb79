//! The category graph: which categories sit inside which.
//!
//! Wikis let anyone put a category inside another, so the "tree" is really a directed
//! graph that may loop (`A` in `B`, `B` in `A`). Nothing is refused for it — a writer
//! cannot know the whole graph when saving — but the tree view must not loop forever
//! and the cycles are reported so that someone can untangle them. The graph is small
//! (categories only, not articles), so it is built whole from the link table's
//! category-to-category rows.

use std::collections::{BTreeMap, HashMap, HashSet};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::links::collation_key;

/// Categories (by name, without namespace) and which category each is filed in.
#[derive(Debug, Default)]
pub struct CategoryGraph {
    /// Edges point from a parent category to the category filed in it.
    graph: DiGraph<String, ()>,
    index: HashMap<String, NodeIndex>,
}

/// A loop of categories, each filed in the next: `names[0]` is in `names[1]`, …, and
/// the last is in `names[0]`. It starts at its first name in French order, so one cycle
/// is always written the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryCycle {
    pub names: Vec<String>,
}

impl CategoryGraph {
    /// A graph from `(category, filed in)` pairs, plus categories that have no parent
    /// and no subcategory (they are roots of their own).
    pub fn new(
        filed_in: impl IntoIterator<Item = (String, String)>,
        lone: impl IntoIterator<Item = String>,
    ) -> CategoryGraph {
        let mut this = CategoryGraph::default();
        let mut seen = HashSet::new();
        for (child, parent) in filed_in {
            if !seen.insert((child.clone(), parent.clone())) {
                continue;
            }
            let child = this.node(child);
            let parent = this.node(parent);
            this.graph.add_edge(parent, child, ());
        }
        for name in lone {
            this.node(name);
        }
        this
    }

    fn node(&mut self, name: String) -> NodeIndex {
        if let Some(node) = self.index.get(&name) {
            return *node;
        }
        let node = self.graph.add_node(name.clone());
        self.index.insert(name, node);
        node
    }

    fn name(&self, node: NodeIndex) -> &str {
        self.graph.node_weight(node).map_or("", String::as_str)
    }

    fn sorted(&self, nodes: impl Iterator<Item = NodeIndex>) -> Vec<&str> {
        let mut names: Vec<&str> = nodes.map(|n| self.name(n)).collect();
        names.sort_by_cached_key(|name| collation_key(name));
        names.dedup();
        names
    }

    /// How many categories the graph knows.
    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    pub fn is_empty(&self) -> bool {
        self.graph.node_count() == 0
    }

    /// Whether the graph knows `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// The categories filed directly in `name`, in French order.
    pub fn children(&self, name: &str) -> Vec<&str> {
        match self.index.get(name) {
            Some(node) => self.sorted(
                self.graph
                    .edges_directed(*node, petgraph::Direction::Outgoing)
                    .map(|e| e.target()),
            ),
            None => Vec::new(),
        }
    }

    /// The categories `name` is filed in, in French order.
    pub fn parents(&self, name: &str) -> Vec<&str> {
        match self.index.get(name) {
            Some(node) => self.sorted(
                self.graph
                    .edges_directed(*node, petgraph::Direction::Incoming)
                    .map(|e| e.source()),
            ),
            None => Vec::new(),
        }
    }

    /// Where the tree starts: categories filed nowhere, and one entry into each loop
    /// that nothing outside leads to — so that every category can be reached from a root.
    pub fn roots(&self) -> Vec<&str> {
        let mut roots = Vec::new();
        for component in tarjan_scc(&self.graph) {
            let inside: HashSet<NodeIndex> = component.iter().copied().collect();
            let entered_from_outside = component.iter().any(|node| {
                self.graph
                    .edges_directed(*node, petgraph::Direction::Incoming)
                    .any(|e| !inside.contains(&e.source()))
            });
            if !entered_from_outside {
                let first = component
                    .iter()
                    .min_by_key(|node| collation_key(self.name(**node)));
                roots.extend(first.copied());
            }
        }
        self.sorted(roots.into_iter())
    }

    /// Every loop of categories, one per tangle (a set of categories each reachable from
    /// the others), in French order of their first name.
    pub fn cycles(&self) -> Vec<CategoryCycle> {
        let mut cycles: Vec<CategoryCycle> = tarjan_scc(&self.graph)
            .into_iter()
            .filter_map(|component| self.cycle_in(&component))
            .collect();
        cycles.sort_by_cached_key(|cycle| {
            cycle
                .names
                .first()
                .map(|name| collation_key(name))
                .unwrap_or_default()
        });
        cycles
    }

    /// The cycle through `name`, if it is part of one.
    pub fn cycle_through(&self, name: &str) -> Option<CategoryCycle> {
        let node = *self.index.get(name)?;
        tarjan_scc(&self.graph)
            .into_iter()
            .find(|component| component.contains(&node))
            .and_then(|component| self.cycle_in(&component))
    }

    /// One concrete loop inside a strongly connected component (None when the component
    /// is a single category not filed in itself).
    fn cycle_in(&self, component: &[NodeIndex]) -> Option<CategoryCycle> {
        let inside: HashSet<NodeIndex> = component.iter().copied().collect();
        let start = *component
            .iter()
            .min_by_key(|node| collation_key(self.name(**node)))?;
        // Shortest way back to `start` following "is filed in" (child → parent), inside
        // the component: breadth-first, remembering where each category was reached from.
        let mut reached_from: BTreeMap<NodeIndex, NodeIndex> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            for edge in self
                .graph
                .edges_directed(node, petgraph::Direction::Incoming)
            {
                let parent = edge.source();
                if !inside.contains(&parent) {
                    continue;
                }
                if parent == start {
                    let mut path = vec![node];
                    let mut at = node;
                    while at != start {
                        at = *reached_from.get(&at)?;
                        path.push(at);
                    }
                    path.reverse();
                    return Some(CategoryCycle {
                        names: path.iter().map(|n| self.name(*n).to_owned()).collect(),
                    });
                }
                if let std::collections::btree_map::Entry::Vacant(entry) =
                    reached_from.entry(parent)
                {
                    entry.insert(node);
                    queue.push_back(parent);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &str)]) -> CategoryGraph {
        CategoryGraph::new(
            edges
                .iter()
                .map(|(child, parent)| ((*child).to_owned(), (*parent).to_owned())),
            Vec::new(),
        )
    }

    fn names(cycle: &CategoryCycle) -> Vec<&str> {
        cycle.names.iter().map(String::as_str).collect()
    }

    #[test]
    fn a_tree_has_no_cycles_and_its_roots_are_the_top_categories() {
        let g = CategoryGraph::new(
            [
                ("Écoles".to_owned(), "Éducation".to_owned()),
                ("Collèges".to_owned(), "Éducation".to_owned()),
                ("Éducation".to_owned(), "Vie locale".to_owned()),
                ("Marchés".to_owned(), "Vie locale".to_owned()),
            ],
            ["Sport".to_owned()],
        );
        assert!(g.cycles().is_empty());
        assert_eq!(g.roots(), vec!["Sport", "Vie locale"]);
        assert_eq!(g.children("Éducation"), vec!["Collèges", "Écoles"]);
        assert_eq!(g.children("Vie locale"), vec!["Éducation", "Marchés"]);
        assert_eq!(g.parents("Écoles"), vec!["Éducation"]);
        assert!(g.children("Inconnue").is_empty());
        assert_eq!(g.len(), 6);
    }

    #[test]
    fn a_loop_is_reported_once_starting_at_its_first_name() {
        let g = graph(&[("B", "C"), ("C", "A"), ("A", "B"), ("D", "A")]);
        let cycles = g.cycles();
        assert_eq!(cycles.len(), 1);
        // A is in B, B in C, C in A.
        assert_eq!(names(&cycles[0]), vec!["A", "B", "C"]);
        assert_eq!(g.cycle_through("C"), Some(cycles[0].clone()));
        assert_eq!(g.cycle_through("D"), None);
    }

    #[test]
    fn a_category_filed_in_itself_is_a_cycle() {
        let g = graph(&[("Moi", "Moi"), ("Autre", "Racine")]);
        let cycles = g.cycles();
        assert_eq!(cycles.len(), 1);
        assert_eq!(names(&cycles[0]), vec!["Moi"]);
        assert_eq!(g.roots(), vec!["Moi", "Racine"]);
    }

    #[test]
    fn a_loop_nothing_leads_into_still_has_a_root() {
        let g = graph(&[("X", "Y"), ("Y", "X"), ("Feuille", "Y")]);
        assert_eq!(g.roots(), vec!["X"]);
        // A loop entered from outside needs no root of its own.
        let g = graph(&[("X", "Y"), ("Y", "X"), ("Y", "Haut")]);
        assert_eq!(g.roots(), vec!["Haut"]);
    }

    #[test]
    fn separate_tangles_are_separate_cycles_and_the_shortest_loop_is_shown() {
        let g = graph(&[
            ("A", "B"),
            ("B", "A"),
            ("B", "C"),
            ("C", "A"),
            ("P", "Q"),
            ("Q", "P"),
        ]);
        let cycles = g.cycles();
        assert_eq!(cycles.len(), 2);
        assert_eq!(names(&cycles[0]), vec!["A", "B"]);
        assert_eq!(names(&cycles[1]), vec!["P", "Q"]);
    }

    #[test]
    fn repeated_rows_do_not_repeat_children() {
        let g = graph(&[("A", "B"), ("A", "B")]);
        assert_eq!(g.children("B"), vec!["A"]);
    }
}
