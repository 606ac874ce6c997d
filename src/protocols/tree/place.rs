//! The aware tree's placement: a full node picks where a joiner goes, as TBCP's parent does
//! (Mathy, Canonico & Hutchison, "An Overlay Tree Building Control Protocol", NGC 2001).
//!
//! A joiner that asks a full node without distance estimates is offered the node's light
//! children (a REDIRECT, see [`Tree::on_redirect`]); it measures its distance to each
//! ([`Context::distance`]) and asks again with the estimates (a CHOOSE). The node picks the
//! nearest light child, equal distances to the lightest, and counts the joiner there at once:
//! the counts never wait for the joiner's word, so a crowd that joins together is spread as it
//! arrives, not sent down one path. Its answer (a PLACE) names the picked child's children as
//! that child last reported them (every aware node reports its children to its parent in its
//! upward keep-alive, and at once when it takes one), so the joiner measures them on its way
//! and CHOOSEs one level down at once: two packets per level, as a descent by redirects.

use super::wire::{Msg, Timer};
use super::{Joining, Tree};
use crate::protocol::{Context, NodeId};
use crate::time::SimDuration;
use std::sync::Arc;

/// Aware: the joiner's distance estimates to `ids`.
pub(super) fn measure(ids: impl Iterator<Item = NodeId>, cx: &Context<'_, Msg, Timer>) -> Vec<(NodeId, SimDuration)> {
    ids.map(|c| (c, cx.distance(c))).collect()
}

/// Aware: what a CHOOSE reports of `near`: a node this join gave up on as infinitely far.
pub(super) fn report(j: &Joining, near: &[(NodeId, SimDuration)]) -> Box<[(NodeId, SimDuration)]> {
    near.iter().map(|&(c, d)| (c, if j.avoid.contains(&c) { SimDuration(u64::MAX) } else { d })).collect()
}

/// Aware: keeps the joiner's distance estimates `near` to the children of `target`.
pub(super) fn remember_near(j: &mut Joining, target: NodeId, near: Vec<(NodeId, SimDuration)>) {
    j.measured.retain(|m| m.0 != target);
    j.measured.push((target, near));
}

impl Tree {
    /// Aware: this full node places joiner `from`, given the joiner's distance estimates to its
    /// children (`measured`). It picks the nearest light child (ties to the lightest, then the
    /// lowest id), counts the joiner there at once, and sends the joiner a PLACE naming that
    /// child's children; with several light children and none of them measured yet, it offers
    /// them in a REDIRECT instead, for the joiner to measure and CHOOSE.
    pub(super) fn place(
        &mut self,
        from: NodeId,
        start: Option<u32>,
        measured: &[(NodeId, SimDuration)],
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        let bytes = self.config.control_bytes;
        let light = self.candidates(from);
        let distance = |c: NodeId| measured.iter().find(|m| m.0 == c).map(|m| m.1);
        let weight = |c: NodeId| self.children.iter().find(|x| x.id == c).map_or(u32::MAX, |x| x.weight);
        // A light child the joiner has not measured may be the nearest: offer them all again.
        let unmeasured = light.len() > 1 && light.iter().any(|&c| distance(c).is_none());
        let pick = light
            .iter()
            .copied()
            .filter(|&c| self.is_child(c) && !unmeasured)
            .min_by_key(|&c| (distance(c), weight(c), c));
        let Some(child) = pick.and_then(|c| self.child_mut(c)) else {
            let bytes = bytes + 4 * light.len() as u32;
            cx.send(from, Msg::Redirect { candidates: light, start, bytes });
            return;
        };
        child.weight = child.weight.saturating_add(1);
        let below = child.kids.clone().unwrap_or_else(|| Arc::from([]));
        let bytes = bytes + 8 + 4 * below.len() as u32;
        cx.send(from, Msg::Place { child: child.id, below, start, bytes });
    }

    /// Aware: this node's children, for its parent: its keep-alive up the tree (in place of a
    /// heartbeat), and sent as soon as it takes a child.
    pub(super) fn children_report(&self) -> Msg {
        let ids: Arc<[NodeId]> = self.children.iter().map(|c| c.id).collect();
        Msg::Children { bytes: self.config.control_bytes + 4 * ids.len() as u32, ids }
    }

    /// Aware: a child names its children (and is alive); a stranger is refused.
    pub(super) fn on_children(&mut self, from: NodeId, ids: Arc<[NodeId]>, cx: &mut Context<'_, Msg, Timer>) {
        if let Some(c) = self.child_mut(from) {
            c.kids = Some(ids);
        } else if !self.related(from) {
            self.reject(from, cx);
        }
    }

    /// Aware: the node this one is joining picked its child `child` for it; measure that
    /// child's children (`below`) and CHOOSE among them there.
    pub(super) fn on_place(
        &mut self,
        from: NodeId,
        child: NodeId,
        below: &[NodeId],
        start: Option<u32>,
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        let me = self.me;
        let Some(j) = self.joining.as_mut().filter(|j| j.targets.front() == Some(&from)) else {
            return;
        };
        if j.want.is_none() {
            j.want = start;
        }
        if !below.is_empty() {
            let near = measure(below.iter().copied().filter(|&c| c != me && c != child), cx);
            remember_near(j, child, near);
        }
        self.descend(from, (child != me).then_some(child), cx);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Topology, TreeConfig, TreeSetup};
    use super::*;
    use crate::protocol::{GroupInfo, Input, Output, Protocol};
    use crate::rng::SimRng;
    use crate::time::SimTime;

    /// One aware node of fanout 2 in a group of 20 rooted at 0, driven by hand (no network:
    /// every distance estimate is zero); what it sends, in order.
    struct Node {
        tree: Tree,
        rng: Option<Box<SimRng>>,
        out: Vec<Output<Msg, Timer>>,
    }

    impl Node {
        fn new(me: NodeId) -> Node {
            let config = TreeConfig { fanout: 2, topology: Topology::Aware, ..TreeConfig::default() };
            let tree = Tree::new(me, &GroupInfo { size: 20 }, &TreeSetup { config, root: 0 });
            let mut n = Node { tree, rng: None, out: Vec::new() };
            n.handle(Input::Start);
            n
        }

        /// The root with children 1 and 2.
        fn root() -> Node {
            let mut n = Node::new(0);
            for c in [1, 2] {
                assert!(matches!(n.recv(c, join())[..], [(_, Msg::Accept { .. })]));
            }
            n
        }

        fn handle(&mut self, input: Input<Msg, Timer>) -> Vec<(NodeId, Msg)> {
            self.out.clear();
            let me = self.tree.me;
            let mut cx = Context::new(SimTime::from_ms(10), me, 1, &mut self.rng, &mut self.out);
            self.tree.handle(input, &mut cx);
            self.out
                .drain(..)
                .filter_map(|o| match o {
                    Output::Send { to, msg } | Output::Copy { to, msg } => Some((to, msg)),
                    _ => None,
                })
                .collect()
        }

        fn recv(&mut self, from: NodeId, msg: Msg) -> Vec<(NodeId, Msg)> {
            self.handle(Input::Recv { from, msg })
        }

        fn weights(&self) -> Vec<(NodeId, u32)> {
            self.tree.children.iter().map(|c| (c.id, c.weight)).collect()
        }
    }

    fn join() -> Msg {
        Msg::Join { want: Some(0), lost: None, waited: SimDuration::ZERO, bytes: 48 }
    }

    fn choose(near: &[(NodeId, u64)]) -> Msg {
        let near: Box<[_]> = near.iter().map(|&(c, ms)| (c, SimDuration::from_ms(ms))).collect();
        Msg::Choose { want: Some(0), lost: None, bytes: 48 + 8 * near.len() as u32, near }
    }

    fn place(child: NodeId, below: &[NodeId]) -> Msg {
        Msg::Place { child, below: below.into(), start: None, bytes: 48 + 4 * below.len() as u32 }
    }

    #[test]
    fn a_full_node_offers_its_children_then_places_the_joiner_at_the_nearest() {
        let mut n = Node::root();
        let offer = Msg::Redirect { candidates: vec![1, 2], start: None, bytes: 48 };
        assert_eq!(n.recv(5, join()), [(5, offer.clone())]);
        assert_eq!(n.recv(5, choose(&[(1, 9), (2, 4)])), [(5, place(2, &[]))]);
        assert_eq!(n.weights(), [(1, 1), (2, 2)], "counted at once");
        // A light child left out of the estimates may be the nearest: the children are offered
        // again.
        assert_eq!(n.recv(9, choose(&[(2, 4)])), [(9, offer.clone())]);
        // Child 2 reports its children: the next PLACE there names them, to be measured.
        let kids = Msg::Children { ids: Arc::from([7, 8]), bytes: 48 };
        assert_eq!(n.recv(2, kids), []);
        assert_eq!(n.recv(6, choose(&[(1, 9), (2, 4)])), [(6, place(2, &[7, 8]))]);
    }

    #[test]
    fn a_crowd_that_prefers_one_child_is_spread_by_the_weight_balance() {
        // Every joiner is nearest child 2, which is offered while it has taken at most 2·m + 1
        // joiners, m being child 1's count; the others go to child 1.
        let mut n = Node::root();
        let picks: Vec<NodeId> = (5..13)
            .map(|j| match n.recv(j, choose(&[(1, 9), (2, 4)]))[..] {
                [(to, Msg::Place { child, .. })] if to == j => child,
                ref out => panic!("joiner {j}: {out:?}"),
            })
            .collect();
        assert_eq!(picks, [2, 2, 2, 1, 2, 2, 1, 2]);
        assert_eq!(n.weights(), [(1, 3), (2, 7)]);
        // Equal distances go to the lighter child.
        assert!(matches!(n.recv(13, choose(&[(1, 5), (2, 5)]))[..], [(13, Msg::Place { child: 1, .. })]));
    }

    #[test]
    fn a_joiner_measures_what_it_is_offered_and_chooses_on_its_way_down() {
        let mut n = Node::new(5);
        let first = n.tree.join_gen;
        assert_eq!(
            n.recv(0, Msg::Redirect { candidates: vec![1, 2], start: Some(3), bytes: 48 }),
            [(0, choose(&[(1, 0), (2, 0)]))]
        );
        // The PLACE names child 2's children: the joiner measures them and asks 2.
        assert_eq!(n.recv(0, place(2, &[7, 8])), [(2, choose(&[(7, 0), (8, 0)]))]);
        assert_eq!(n.tree.joining.as_ref().map(|j| j.want), Some(Some(0)), "an initial member wants everything");
        // Child 2 stays silent for two tries: back to the root, with the estimates of its
        // children at once, 2 reported as given up on.
        let gen = n.tree.join_gen;
        assert!(gen > first);
        assert_eq!(n.handle(Input::Timer(Timer::Join { gen })), [(2, choose(&[(7, 0), (8, 0)]))]);
        let gen = n.tree.join_gen;
        let near = Box::from([(1, SimDuration::ZERO), (2, SimDuration(u64::MAX))]);
        let gave_up = Msg::Choose { want: Some(0), lost: None, near, bytes: 64 };
        assert_eq!(n.handle(Input::Timer(Timer::Join { gen })), [(0, gave_up)]);
    }

    #[test]
    fn an_aware_node_reports_its_children_to_its_parent_as_soon_as_it_takes_one() {
        let mut n = Node::new(1);
        let accept = Msg::Accept { path: Arc::from([0]), top: 0, start: None, oldest: 0, bytes: 44 };
        assert_eq!(n.recv(0, accept), []);
        let out = n.recv(9, join());
        assert!(matches!(out[..], [(9, Msg::Accept { .. }), (0, Msg::Children { .. })]), "{out:?}");
        assert_eq!(out[1].1, Msg::Children { ids: Arc::from([9]), bytes: 44 });
    }
}
