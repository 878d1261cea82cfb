//! The invariants every tree-shaped aggregate keeps (the organisation's units, the
//! locations), for their command-sequence property tests: each node sits under an existing
//! node of the kind above its own; an open node's parent is open (a closed node takes no new
//! children and closes only once its children have); and nodes are never removed, never
//! change kind, and a closed node stays closed and unchanged.

use std::fmt::Debug;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// One node of a tree as its invariants see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TreeNode<K> {
    /// The node's id (unit id, location code).
    pub(crate) id: String,
    /// Its name.
    pub(crate) name: String,
    /// Its kind.
    pub(crate) kind: K,
    /// The kind a node of its kind sits in; `None` at the top.
    pub(crate) parent_kind: Option<K>,
    /// The id of the node it sits in.
    pub(crate) parent: Option<String>,
    /// Whether it is open.
    pub(crate) open: bool,
}

/// Checks the tree invariants of `after`, the nodes once a command was handled, against
/// `before`, the nodes before it.
pub(crate) fn check_tree<K: Copy + PartialEq + Debug>(
    before: &[TreeNode<K>],
    after: &[TreeNode<K>],
) -> Result<(), TestCaseError> {
    let find = |id: &str| after.iter().find(|node| node.id == id);
    for node in after {
        match &node.parent {
            None => prop_assert_eq!(node.parent_kind, None, "{} has no parent", &node.id),
            Some(parent_id) => {
                let parent = find(parent_id);
                prop_assert!(parent.is_some(), "{} sits in {}, which does not exist", &node.id, parent_id);
                let parent = parent.expect("checked");
                prop_assert_eq!(Some(parent.kind), node.parent_kind, "{} sits in {}", &node.id, parent_id);
                prop_assert!(parent.open || !node.open, "open {} sits in closed {}", &node.id, parent_id);
            }
        }
    }
    for old in before {
        let new = find(&old.id);
        prop_assert!(new.is_some(), "{} was removed", &old.id);
        let new = new.expect("checked");
        prop_assert_eq!(new.kind, old.kind, "{} changed kind", &old.id);
        if !old.open {
            prop_assert_eq!(new, old, "closed {} changed", &old.id);
        }
    }
    Ok(())
}
