//! What a node says of itself in plain words, for the page's inspector ([`Protocol::describe`]).
//!
//! A family fills a [`Description`]: its node's role and phase in a few words, the nodes it is
//! linked to in the protocol's structure (a tree's parent and children, RMTP's designated
//! receiver, a gossip node's view, SWIM's members), and a few labelled facts (a sequence number
//! it waits for, the rumors it still spreads). What every family shares (messages delivered and
//! missing, pending timers, packets in and out) the kernel knows and adds itself
//! ([`crate::engine::NodeView`]).
//!
//! [`Protocol::describe`]: super::Protocol::describe

use super::{MsgId, NodeId};
use std::fmt::Display;

/// How many message ids [`msg_list`] spells out before it says "and k more".
const MSG_LIST_MAX: usize = 8;

/// Message ids as the inspector says them: "m0, m1 and 3 more", or "none".
pub fn msg_list(ids: &[MsgId]) -> String {
    msg_list_upto(ids, MSG_LIST_MAX)
}

/// Message ids as [`msg_list`] says them, spelling out at most `most` of them.
pub fn msg_list_upto(ids: &[MsgId], most: usize) -> String {
    if ids.is_empty() {
        return "none".to_string();
    }
    let shown: Vec<String> = ids.iter().take(most).map(|m| format!("m{}", m.0)).collect();
    match ids.len().saturating_sub(most) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// A named set of nodes this node is linked to ("parent", "children", "view").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// What the link is, in plain words.
    pub label: &'static str,
    /// The nodes, in the protocol's order.
    pub nodes: Vec<NodeId>,
}

/// One labelled fact ("waiting for sequence" = "4").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// What the fact is about.
    pub label: &'static str,
    /// Its value, in plain words.
    pub value: String,
}

/// What a node says of itself; empty for a family that says nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Description {
    /// The node's role and phase in a few words ("root", "receiver, detached").
    pub state: String,
    /// The nodes it is linked to in the protocol's structure.
    pub links: Vec<Link>,
    /// Other facts, in the order the family gives them.
    pub facts: Vec<Fact>,
}

impl Description {
    /// Sets the role and phase; a layer's words go after the inner protocol's.
    pub fn state(&mut self, words: impl Display) {
        if self.state.is_empty() {
            self.state = words.to_string();
        } else {
            self.state = format!("{}; {words}", self.state);
        }
    }

    /// Adds a link named `label` to `nodes`.
    pub fn link(&mut self, label: &'static str, nodes: impl IntoIterator<Item = NodeId>) {
        self.links.push(Link { label, nodes: nodes.into_iter().collect() });
    }

    /// Adds the fact `label` = `value`.
    pub fn fact(&mut self, label: &'static str, value: impl Display) {
        self.facts.push(Fact { label, value: value.to_string() });
    }

    /// The nodes of the link named `label`, if there is one.
    pub fn linked(&self, label: &str) -> Option<&[NodeId]> {
        self.links.iter().find(|l| l.label == label).map(|l| l.nodes.as_slice())
    }

    /// The value of the fact named `label`, if there is one.
    pub fn value(&self, label: &str) -> Option<&str> {
        self.facts.iter().find(|f| f.label == label).map(|f| f.value.as_str())
    }
}
