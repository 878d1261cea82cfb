//! A tree of nodes in layered levels: the hierarchy rules and node bookkeeping that the
//! locations (warehouse → zone → bin) and organisation (company → department → team)
//! aggregates share, free of either domain's words.
//!
//! A [`Tree`] maps ids to the aggregate's own node type, a [`Member`], which keeps the shared
//! [`Node`] part — name, level, parent, open or closed — beside what is its own (its id under
//! its own field name, a location's warehouse). The rules: ids are unique, closed nodes
//! included; a node of the top [`Level`] has no parent; any other node's parent exists, is
//! open and is of the level above; a closed node takes no change; a node closes only once no
//! open node sits directly under it; a move keeps the placement rules. Since the levels are
//! layered, no node can end up under itself.
//!
//! The `check_*` methods decide (pure, no change) and refuse with a neutral [`Refused`], which
//! each aggregate turns into its own error variant through `From`, so `?` reports the rule in
//! the aggregate's words. `insert`, `rename`, `move_to` and `close` fold the facts the
//! aggregate recorded.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A level of a hierarchy, such as `warehouse`, `zone` or `bin`: each but the top sits under
/// exactly one level above it.
pub(crate) trait Level: Copy + Eq + 'static {
    /// Every level, from the top down: each sits under the one listed before it.
    const TOP_DOWN: &'static [Self];

    /// The level a node of this level sits under: the one listed before it in
    /// [`Level::TOP_DOWN`]; `None` for the top level.
    fn above(self) -> Option<Self> {
        let index = Self::TOP_DOWN.iter().position(|&level| level == self)?;
        index.checked_sub(1).map(|above| Self::TOP_DOWN[above])
    }
}

/// What every node of a hierarchy has, whatever the domain: a name, a level, a parent and
/// whether it is open. Serialized as the fields `name`, `kind`, `parent` and `open`, flattened
/// into the aggregate's node so that its JSON keeps one flat object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Node<L> {
    name: String,
    kind: L,
    parent: Option<String>,
    open: bool,
}

impl<L: Level> Node<L> {
    /// An open node named `name` at level `kind` under `parent`.
    pub(crate) fn new(name: String, kind: L, parent: Option<String>) -> Self {
        Self { name, kind, parent, open: true }
    }

    /// The display name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The level.
    pub(crate) fn kind(&self) -> L {
        self.kind
    }

    /// Id of the node it sits under; `None` at the top level.
    pub(crate) fn parent(&self) -> Option<&str> {
        self.parent.as_deref()
    }

    /// Whether it is open: it takes changes and new nodes under it. Closing is for good.
    pub(crate) fn is_open(&self) -> bool {
        self.open
    }
}

/// An aggregate's node type: the shared [`Node`] and whatever the aggregate keeps beside it.
pub(crate) trait Member {
    /// The levels of the hierarchy.
    type Level: Level;

    /// The shared part, read.
    fn node(&self) -> &Node<Self::Level>;

    /// The shared part, for folding.
    fn node_mut(&mut self) -> &mut Node<Self::Level>;
}

/// Why the tree refuses a change, in neutral terms; each aggregate maps every variant to its
/// own error variant (same data, its own field names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refused<L> {
    /// A node with this id exists already (closed ones included).
    Exists {
        /// The id asked for.
        id: String,
    },
    /// The tree already has the most nodes allowed.
    Full {
        /// The limit.
        max: usize,
    },
    /// The node addressed is not in the tree.
    NotFound {
        /// The id given.
        id: String,
    },
    /// The node addressed is closed: it takes no change.
    Closed {
        /// The id given.
        id: String,
    },
    /// A rename to the name the node already has.
    NameUnchanged {
        /// The node.
        id: String,
        /// Its current (and requested) name.
        name: String,
    },
    /// A node below the top level without a parent.
    ParentRequired {
        /// The node's level.
        kind: L,
        /// The level its parent must have.
        expected: L,
    },
    /// A top-level node given a parent.
    ParentNotAllowed,
    /// The parent is not in the tree.
    ParentNotFound {
        /// The parent id given.
        parent: String,
    },
    /// The parent is not of the level above the node's.
    ParentKindMismatch {
        /// The parent id given.
        parent: String,
        /// The parent's level.
        parent_kind: L,
        /// The node's level.
        kind: L,
        /// The level its parent must have.
        expected: L,
    },
    /// The parent is closed.
    ParentClosed {
        /// The parent id given.
        parent: String,
    },
    /// Closing a node under which open nodes sit.
    HasOpenChildren {
        /// The node.
        id: String,
        /// Ids of the open nodes directly under it, in id order.
        children: Vec<String>,
    },
}

/// The nodes of one hierarchy by id, in id order (byte-wise). Serialized as the bare map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Tree<N> {
    nodes: BTreeMap<String, N>,
}

impl<N> Default for Tree<N> {
    fn default() -> Self {
        Self { nodes: BTreeMap::new() }
    }
}

impl<N: Member> Tree<N> {
    /// The node `id`, open or closed.
    pub(crate) fn get(&self, id: &str) -> Option<&N> {
        self.nodes.get(id)
    }

    /// Every node, closed ones included, in id order.
    pub(crate) fn nodes(&self) -> impl Iterator<Item = &N> {
        self.nodes.values()
    }

    /// The nodes directly under `id`, closed ones included, in id order.
    pub(crate) fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a N> + 'a {
        self.nodes.values().filter(move |node| node.node().parent() == Some(id))
    }

    /// How many nodes there are, closed ones included.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether there is no node at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Refuses `id` when a node has it already, closed or not.
    pub(crate) fn check_unused(&self, id: &str) -> Result<(), Refused<N::Level>> {
        if self.nodes.contains_key(id) {
            return Err(Refused::Exists { id: id.to_owned() });
        }
        Ok(())
    }

    /// Refuses one more node when there are `max` already.
    pub(crate) fn check_room(&self, max: usize) -> Result<(), Refused<N::Level>> {
        if self.nodes.len() >= max {
            return Err(Refused::Full { max });
        }
        Ok(())
    }

    /// Where a node of level `kind` may sit under `parent`: nowhere (`None`) at the top level;
    /// below it, the parent, which must exist, be of the level above and be open.
    pub(crate) fn check_placement(
        &self,
        kind: N::Level,
        parent: Option<&str>,
    ) -> Result<Option<&N>, Refused<N::Level>> {
        let (expected, parent) = match (kind.above(), parent) {
            (None, None) => return Ok(None),
            (None, Some(_)) => return Err(Refused::ParentNotAllowed),
            (Some(expected), None) => return Err(Refused::ParentRequired { kind, expected }),
            (Some(expected), Some(parent)) => (expected, parent),
        };
        let found = self.nodes.get(parent).ok_or_else(|| Refused::ParentNotFound { parent: parent.to_owned() })?;
        let parent_kind = found.node().kind();
        if parent_kind != expected {
            return Err(Refused::ParentKindMismatch { parent: parent.to_owned(), parent_kind, kind, expected });
        }
        if !found.node().is_open() {
            return Err(Refused::ParentClosed { parent: parent.to_owned() });
        }
        Ok(Some(found))
    }

    /// Whether the open node `id` may be named `name`: the node first, then `check_name`, the
    /// aggregate's rule for names, then that the name changes.
    pub(crate) fn check_rename<E: From<Refused<N::Level>>>(
        &self,
        id: &str,
        name: &str,
        check_name: impl FnOnce(&str) -> Result<(), E>,
    ) -> Result<(), E> {
        let node = self.open_node(id)?;
        check_name(name)?;
        if node.node().name() == name {
            return Err(Refused::NameUnchanged { id: id.to_owned(), name: name.to_owned() }.into());
        }
        Ok(())
    }

    /// Whether the open node `id` may be put under `parent` (see [`Tree::check_placement`]);
    /// the parent it sits under now when it may. Whether that is `parent` already is the
    /// aggregate's to refuse.
    pub(crate) fn check_move(&self, id: &str, parent: &str) -> Result<&str, Refused<N::Level>> {
        let node = self.open_node(id)?.node();
        self.check_placement(node.kind(), Some(parent))?;
        // Past the placement check the node is below the top level, so it has a parent.
        node.parent().ok_or(Refused::ParentNotAllowed)
    }

    /// Whether the open node `id` may close: no open node sits directly under it.
    pub(crate) fn check_close(&self, id: &str) -> Result<(), Refused<N::Level>> {
        self.open_node(id)?;
        let children: Vec<String> = self
            .nodes
            .iter()
            .filter(|(_, child)| child.node().parent() == Some(id) && child.node().is_open())
            .map(|(child_id, _)| child_id.clone())
            .collect();
        if !children.is_empty() {
            return Err(Refused::HasOpenChildren { id: id.to_owned(), children });
        }
        Ok(())
    }

    /// The node `id` when it exists and is open, or why not.
    fn open_node(&self, id: &str) -> Result<&N, Refused<N::Level>> {
        let node = self.nodes.get(id).ok_or_else(|| Refused::NotFound { id: id.to_owned() })?;
        if !node.node().is_open() {
            return Err(Refused::Closed { id: id.to_owned() });
        }
        Ok(node)
    }

    /// Folds a node added under `id`.
    pub(crate) fn insert(&mut self, id: String, node: N) {
        self.nodes.insert(id, node);
    }

    /// Folds the rename of `id` to `name`.
    pub(crate) fn rename(&mut self, id: &str, name: String) {
        if let Some(node) = self.node_mut(id) {
            node.name = name;
        }
    }

    /// Folds the move of `id` from under `previous` to under `parent`.
    pub(crate) fn move_to(&mut self, id: &str, parent: String, previous: &str) {
        if let Some(node) = self.node_mut(id) {
            debug_assert_eq!(node.parent(), Some(previous), "{id} moved from elsewhere");
            node.parent = Some(parent);
        }
    }

    /// Folds the closing of `id`.
    pub(crate) fn close(&mut self, id: &str) {
        if let Some(node) = self.node_mut(id) {
            debug_assert!(node.open, "{id} closed twice");
            node.open = false;
        }
    }

    /// The shared part of node `id`, for folding an event about it; the aggregate records no
    /// event about an unknown node.
    fn node_mut(&mut self, id: &str) -> Option<&mut Node<N::Level>> {
        let node = self.nodes.get_mut(id).map(Member::node_mut);
        debug_assert!(node.is_some(), "event about unknown node {id}");
        node
    }
}

#[cfg(test)]
mod tests {
    //! The rules on a neutral three-level tree (`Top` → `Mid` → `Leaf`) whose members keep
    //! nothing beside the shared node.

    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    enum Tier {
        Top,
        Mid,
        Leaf,
    }

    impl Level for Tier {
        const TOP_DOWN: &'static [Self] = &[Tier::Top, Tier::Mid, Tier::Leaf];
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    struct Item(Node<Tier>);

    impl Member for Item {
        type Level = Tier;

        fn node(&self) -> &Node<Tier> {
            &self.0
        }

        fn node_mut(&mut self) -> &mut Node<Tier> {
            &mut self.0
        }
    }

    fn tree_with(nodes: &[(&str, Tier, Option<&str>)]) -> Tree<Item> {
        let mut tree = Tree::default();
        for &(id, tier, parent) in nodes {
            tree.insert(id.to_owned(), Item(Node::new(format!("Node {id}"), tier, parent.map(str::to_owned))));
        }
        tree
    }

    /// `t1` → `m1` → `l1`, `l2`; `t2` → `m2`.
    fn tree() -> Tree<Item> {
        use Tier::{Leaf, Mid, Top};
        tree_with(&[
            ("t1", Top, None),
            ("m1", Mid, Some("t1")),
            ("l1", Leaf, Some("m1")),
            ("l2", Leaf, Some("m1")),
            ("t2", Top, None),
            ("m2", Mid, Some("t2")),
        ])
    }

    fn parent_of<'a>(tree: &'a Tree<Item>, id: &str) -> Option<&'a str> {
        tree.get(id).and_then(|item| item.node().parent())
    }

    #[test]
    fn each_level_sits_under_the_one_listed_before_it() {
        let above: Vec<Option<Tier>> = Tier::TOP_DOWN.iter().map(|tier| tier.above()).collect();
        assert_eq!(above, [None, Some(Tier::Top), Some(Tier::Mid)]);
    }

    #[test]
    fn the_top_level_takes_no_parent_and_every_other_level_needs_one() {
        let tree = tree();
        assert_eq!(tree.check_placement(Tier::Top, None), Ok(None));
        assert_eq!(tree.check_placement(Tier::Top, Some("t1")), Err(Refused::ParentNotAllowed));
        assert_eq!(
            tree.check_placement(Tier::Leaf, None),
            Err(Refused::ParentRequired { kind: Tier::Leaf, expected: Tier::Mid })
        );
        let placed = tree.check_placement(Tier::Leaf, Some("m2")).unwrap();
        assert_eq!(placed.map(|item| item.node().name()), Some("Node m2"));
    }

    #[test]
    fn a_parent_must_exist_be_of_the_level_above_and_be_open() {
        let mut tree = tree();
        let not_found = Refused::ParentNotFound { parent: "x".to_owned() };
        assert_eq!(tree.check_placement(Tier::Mid, Some("x")), Err(not_found));
        let mismatch = Refused::ParentKindMismatch {
            parent: "t1".to_owned(),
            parent_kind: Tier::Top,
            kind: Tier::Leaf,
            expected: Tier::Mid,
        };
        assert_eq!(tree.check_placement(Tier::Leaf, Some("t1")), Err(mismatch));
        tree.close("m2");
        assert_eq!(
            tree.check_placement(Tier::Leaf, Some("m2")),
            Err(Refused::ParentClosed { parent: "m2".to_owned() })
        );
    }

    #[test]
    fn ids_are_unique_closed_ones_included_and_the_size_is_bounded() {
        let mut tree = tree();
        tree.close("l1");
        assert_eq!(tree.check_unused("l1"), Err(Refused::Exists { id: "l1".to_owned() }));
        assert_eq!(tree.check_unused("l3"), Ok(()));
        assert_eq!(tree.check_room(7), Ok(()));
        assert_eq!(tree.check_room(6), Err(Refused::Full { max: 6 }));
    }

    #[test]
    fn a_node_closes_only_once_no_open_node_sits_under_it_and_then_takes_no_change() {
        let mut tree = tree();
        let open_children =
            Refused::HasOpenChildren { id: "m1".to_owned(), children: vec!["l1".to_owned(), "l2".to_owned()] };
        assert_eq!(tree.check_close("m1"), Err(open_children));
        tree.close("l1");
        tree.close("l2");
        assert_eq!(tree.check_close("m1"), Ok(()));
        tree.close("m1");
        let closed = Refused::Closed { id: "m1".to_owned() };
        assert_eq!(tree.check_close("m1"), Err(closed.clone()));
        assert_eq!(tree.check_move("m1", "t2"), Err(closed.clone()));
        assert_eq!(tree.check_rename("m1", "New", |_| Ok::<_, Refused<Tier>>(())), Err(closed));
        assert!(tree.get("m1").is_some_and(|item| !item.node().is_open()));
        assert_eq!(tree.check_close("x"), Err(Refused::NotFound { id: "x".to_owned() }));
    }

    /// What an aggregate's error looks like to the tree: its own name rule, and the tree's.
    #[derive(Debug, PartialEq)]
    enum Error {
        NameBlank,
        Tree(Refused<Tier>),
    }

    impl From<Refused<Tier>> for Error {
        fn from(refused: Refused<Tier>) -> Self {
            Error::Tree(refused)
        }
    }

    #[test]
    fn a_rename_checks_the_node_then_the_aggregates_name_rule_then_that_the_name_changes() {
        let mut tree = tree();
        let not_blank = |name: &str| if name.is_empty() { Err(Error::NameBlank) } else { Ok(()) };
        assert_eq!(tree.check_rename("x", "", not_blank), Err(Error::Tree(Refused::NotFound { id: "x".to_owned() })));
        assert_eq!(tree.check_rename("l1", "", not_blank), Err(Error::NameBlank));
        let unchanged = Refused::NameUnchanged { id: "l1".to_owned(), name: "Node l1".to_owned() };
        assert_eq!(tree.check_rename("l1", "Node l1", not_blank), Err(Error::Tree(unchanged)));
        assert_eq!(tree.check_rename("l1", "Shelf", not_blank), Ok(()));
        tree.rename("l1", "Shelf".to_owned());
        assert_eq!(tree.get("l1").unwrap().node().name(), "Shelf");
    }

    #[test]
    fn a_move_keeps_the_placement_rules_and_answers_the_current_parent() {
        let mut tree = tree();
        assert_eq!(tree.check_move("l1", "m2"), Ok("m1"));
        assert_eq!(tree.check_move("t1", "t2"), Err(Refused::ParentNotAllowed));
        let mismatch = Refused::ParentKindMismatch {
            parent: "l2".to_owned(),
            parent_kind: Tier::Leaf,
            kind: Tier::Leaf,
            expected: Tier::Mid,
        };
        assert_eq!(tree.check_move("l1", "l2"), Err(mismatch));
        tree.move_to("l1", "m2".to_owned(), "m1");
        assert_eq!(parent_of(&tree, "l1"), Some("m2"));
        let under_m1: Vec<&str> = tree.children("m1").map(|item| item.node().name()).collect();
        assert_eq!(under_m1, ["Node l2"]);
        assert_eq!(
            tree.check_close("m2"),
            Err(Refused::HasOpenChildren { id: "m2".to_owned(), children: vec!["l1".to_owned()] })
        );
    }

    #[test]
    fn nodes_iterate_in_id_order_and_the_tree_serializes_as_a_bare_map() {
        let mut tree = tree();
        tree.close("l2");
        let names: Vec<&str> = tree.nodes().map(|item| item.node().name()).collect();
        assert_eq!(names, ["Node l1", "Node l2", "Node m1", "Node m2", "Node t1", "Node t2"]);
        assert_eq!(tree.len(), 6);
        assert!(!tree.is_empty() && Tree::<Item>::default().is_empty());
        let json = serde_json::to_value(&tree).unwrap();
        assert_eq!(json["l2"], serde_json::json!({"name": "Node l2", "kind": "Leaf", "parent": "m1", "open": false}));
        assert_eq!(serde_json::from_value::<Tree<Item>>(json).unwrap(), tree);
    }
}
