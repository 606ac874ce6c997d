//! The aware tree's placement: a full node picks where a joiner goes, as TBCP's parent does
//! (Mathy, Canonico & Hutchison, "An Overlay Tree Building Control Protocol", NGC 2001).
//!
//! A joiner that asks a full node without distance estimates is offered the node's *light*
//! children (a REDIRECT, see [`Tree::on_redirect`]): those whose weight (the joiners placed
//! below them, or the subtree size they last reported if larger) is at most twice the
//! lightest's plus one. This weight balance keeps each subtree within about 2/(k + 1) of its
//! parent's, so the depth stays within about log_{(k+1)/2} n: 1.5 log_4 n, 1.7 log_2 n. The
//! joiner measures its distance to each ([`Context::distance`]) and asks again with the
//! estimates (a CHOOSE). Only on estimates of every light child does the node decide: the
//! nearest, equal distances to the lightest, counted there at once. The counts never wait for
//! the joiner's word, so a crowd that joins together is spread as it arrives, not sent down one
//! path. The answer (a PLACE) names the picked child's children as that child last reported them
//! (every aware node reports its children and size to its parent in its upward keep-alive, and
//! at once when it attaches or takes a child), so the joiner measures them on its way and
//! CHOOSEs one level down at once: two packets per level, as a descent by redirects. The
//! balance costs locality: the aware tree's edges are about 0.4 of the heap's on a disk, where
//! the unbalanced descent had them at 0.1 to 0.3 (and up to twice the heap's depth).
//!
//! **Succession.** A departed child (it left, or is presumed dead) leaves orphans that re-attach
//! to this node, its parent. Grafting each orphan's whole subtree at a free slot near the leaves
//! would add that subtree's height to the tree's, every time. Instead, as a heap refills a
//! vacated place from below (our design): the first orphan to ask takes the departed child's
//! place and its weight (the place is kept for one of its orphans up to the detection bound);
//! the others are sent on to it (a PLACE); and it makes room for each of its siblings by
//! handing its lightest child but one down to its lightest (a LEAVE naming the heir), which
//! makes room for that one in turn, down to a node with a free slot. The successor's subtree
//! moved up a level, so every node handed down is back at its old depth: no node ends deeper
//! than it was. Each hand-down costs the node moved one re-attachment (and a catch-up).

use super::wire::{Msg, Timer};
use super::{Joining, Topology, Tree};
use crate::protocol::{Context, NodeId};
use crate::time::{SimDuration, SimTime};
use std::sync::Arc;

/// Aware: what a node keeps to hold a departed node's orphans at their depth.
#[derive(Clone, Debug, Default)]
pub(super) struct Succession {
    /// Children that left or were dropped lately, the oldest first (at most `fanout`).
    vacated: Vec<Vacated>,
    /// The parent this node lost when it last attached: it may have taken that parent's place,
    /// and its orphaned siblings, naming it, are taken in.
    pub(super) replaced: Option<NodeId>,
}

/// Aware: a child that left or was dropped.
#[derive(Clone, Debug)]
struct Vacated {
    /// The departed child.
    lost: NodeId,
    /// Its weight, which the orphan that takes its place inherits.
    weight: u32,
    /// When it departed.
    at: SimTime,
    /// Whether it had children: only then is its place kept for one of them.
    orphans: bool,
    /// The orphan that took its place; the others are sent on to it.
    successor: Option<NodeId>,
}

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

    /// Aware: this node's children and subtree size, for its parent: its keep-alive up the tree
    /// (in place of a heartbeat), sent also as soon as it attaches or takes a child.
    pub(super) fn children_report(&self) -> Msg {
        let ids: Arc<[NodeId]> = self.children.iter().map(|c| c.id).collect();
        let size = self.children.iter().fold(1u32, |n, c| n.saturating_add(c.weight));
        Msg::Children { bytes: self.config.control_bytes + 4 + 4 * ids.len() as u32, ids, size }
    }

    /// Aware: a child names its children and its subtree's size (and is alive): a weight only
    /// grows by it (joiners placed there may not have arrived yet); a stranger is refused.
    pub(super) fn on_children(
        &mut self,
        from: NodeId,
        ids: Arc<[NodeId]>,
        size: u32,
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        if let Some(c) = self.child_mut(from) {
            c.kids = Some(ids);
            c.weight = c.weight.max(size);
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

impl Tree {
    /// Child `id` left or is presumed dead: drop it, and (aware) remember it for its orphans.
    pub(super) fn vacate(&mut self, id: NodeId, now: SimTime) {
        let fanout = self.config.fanout as usize;
        let child = self.children.iter().find(|c| c.id == id);
        if let Some(c) = child.filter(|_| self.config.topology == Topology::Aware) {
            let orphans = c.kids.as_ref().is_some_and(|k| !k.is_empty());
            let gone = Vacated { lost: id, weight: c.weight, at: now, orphans, successor: None };
            let s = self.succession.get_or_insert_default();
            s.vacated.retain(|v| v.lost != id);
            if s.vacated.len() >= fanout {
                s.vacated.remove(0);
            }
            s.vacated.push(gone);
        }
        self.remove_child(id);
    }

    fn vacated(&self, lost: Option<NodeId>) -> Option<&Vacated> {
        let lost = lost?;
        self.succession.as_ref()?.vacated.iter().find(|v| v.lost == lost)
    }

    /// Places kept for the orphans of departed children (but those of `lost`, which the
    /// joiner is one of): a departed child's place is kept until one of its orphans takes it,
    /// at most a failure's detection bound (the orphans' own detection may take that long).
    pub(super) fn reserved(&self, lost: Option<NodeId>, now: SimTime) -> usize {
        let bound = self.config.detection_bound();
        self.succession.as_ref().map_or(0, |s| {
            let kept = |v: &&Vacated| v.orphans && v.successor.is_none() && now.since(v.at) <= bound;
            s.vacated.iter().filter(kept).filter(|v| Some(v.lost) != lost).count()
        })
    }

    /// Aware: an orphan of departed child `lost` whose place another orphan took already is
    /// sent on to that one (a PLACE), which takes it in; true if so.
    pub(super) fn send_to_successor(
        &mut self,
        from: NodeId,
        lost: Option<NodeId>,
        start: Option<u32>,
        cx: &mut Context<'_, Msg, Timer>,
    ) -> bool {
        let Some(heir) = self.vacated(lost).and_then(|v| v.successor).filter(|&s| s != from) else {
            return false;
        };
        let Some(child) = self.children.iter().find(|c| c.id == heir) else {
            return false;
        };
        let below = child.kids.clone().unwrap_or_else(|| Arc::from([]));
        let bytes = self.config.control_bytes + 8 + 4 * below.len() as u32;
        cx.send(from, Msg::Place { child: heir, below, start, bytes });
        true
    }

    /// Aware: new child `from` lost `lost`; if it is the first orphan of a departed child of
    /// this node, it takes that child's place, and its weight.
    pub(super) fn succeeded(&mut self, from: NodeId, lost: Option<NodeId>) {
        let Some(v) = self.succession.as_mut().and_then(|s| s.vacated.iter_mut().find(|v| Some(v.lost) == lost)) else {
            return;
        };
        if v.successor.is_some() {
            return;
        }
        v.successor = Some(from);
        let weight = v.weight;
        if let Some(c) = self.child_mut(from) {
            c.weight = c.weight.max(weight);
        }
    }

    /// Aware: a full node asked by a sibling handed over (the joiner lost this node's parent,
    /// or the parent whose place this node took) makes room for it: it hands its lightest
    /// child but one to its lightest, with a LEAVE naming that one as heir. The node handed
    /// down keeps its depth (this node's subtree moved up a level when it took its parent's
    /// place), and so on down, along the lightest children, to a node with a free slot; true
    /// if room was made.
    pub(super) fn make_room(&mut self, from: NodeId, lost: Option<NodeId>, cx: &mut Context<'_, Msg, Timer>) -> bool {
        let replaced = self.succession.as_ref().and_then(|s| s.replaced);
        if lost.is_none() || (lost != self.parent && lost != replaced) {
            return false;
        }
        let mut others: Vec<(u32, NodeId)> =
            self.children.iter().filter(|c| c.id != from).map(|c| (c.weight, c.id)).collect();
        others.sort_unstable();
        let [(_, heir), (weight, moved), ..] = others[..] else {
            return false;
        };
        self.remove_child(moved);
        if let Some(h) = self.child_mut(heir) {
            h.weight = h.weight.saturating_add(weight);
        }
        cx.send(moved, Msg::Leave { heir: Some(heir), bytes: self.config.control_bytes });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{self, sends};
    use super::super::{Topology, TreeConfig};
    use super::*;
    use crate::protocol::Input;

    /// One aware node of fanout 2 in a group of 20 rooted at 0, driven by hand (every distance
    /// estimate is zero); what it sends, in order.
    struct Node(testkit::Node);

    impl Node {
        fn new(me: NodeId) -> Node {
            let config = TreeConfig { fanout: 2, topology: Topology::Aware, ..TreeConfig::default() };
            let mut n = Node(testkit::Node::new(me, 20, config, 0));
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
            sends(self.0.at(10, input))
        }

        fn recv(&mut self, from: NodeId, msg: Msg) -> Vec<(NodeId, Msg)> {
            self.handle(Input::Recv { from, msg })
        }

        fn tree(&self) -> &Tree {
            self.0.tree()
        }

        fn weights(&self) -> Vec<(NodeId, u32)> {
            self.tree().children.iter().map(|c| (c.id, c.weight)).collect()
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
        let kids = Msg::Children { ids: Arc::from([7, 8]), size: 3, bytes: 52 };
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
        // The JOIN timers' tokens: 1 for the JOIN at the start, 2 for the CHOOSE to the root,
        // 3 for the one to child 2 and 4 for its repetition.
        let mut n = Node::new(5);
        assert_eq!(
            n.recv(0, Msg::Redirect { candidates: vec![1, 2], start: Some(3), bytes: 48 }),
            [(0, choose(&[(1, 0), (2, 0)]))]
        );
        // The PLACE names child 2's children: the joiner measures them and asks 2.
        assert_eq!(n.recv(0, place(2, &[7, 8])), [(2, choose(&[(7, 0), (8, 0)]))]);
        assert_eq!(n.tree().joining.as_ref().map(|j| j.want), Some(Some(0)), "an initial member wants everything");
        // Child 2 stays silent for two tries: back to the root, with the estimates of its
        // children at once, 2 reported as given up on.
        assert_eq!(n.handle(Input::Timer(Timer::Join { gen: 2 })), [], "stale");
        assert_eq!(n.handle(Input::Timer(Timer::Join { gen: 3 })), [(2, choose(&[(7, 0), (8, 0)]))]);
        let near = Box::from([(1, SimDuration::ZERO), (2, SimDuration(u64::MAX))]);
        let gave_up = Msg::Choose { want: Some(0), lost: None, near, bytes: 64 };
        assert_eq!(n.handle(Input::Timer(Timer::Join { gen: 4 })), [(0, gave_up)]);
    }

    #[test]
    fn an_aware_node_reports_its_children_to_its_parent_as_it_attaches_and_takes_one() {
        let mut n = Node::new(1);
        let accept = Msg::Accept { path: Arc::from([0]), top: 0, start: None, oldest: 0, bytes: 44 };
        assert_eq!(n.recv(0, accept), [(0, Msg::Children { ids: Arc::from([]), size: 1, bytes: 44 })]);
        let out = n.recv(9, join());
        assert!(matches!(out[..], [(9, Msg::Accept { .. }), (0, Msg::Children { .. })]), "{out:?}");
        assert_eq!(out[1].1, Msg::Children { ids: Arc::from([9]), size: 2, bytes: 48 });
    }

    fn orphan_join(lost: NodeId) -> Msg {
        Msg::Join { want: Some(4), lost: Some(lost), waited: SimDuration::ZERO, bytes: 48 }
    }

    #[test]
    fn the_first_orphan_takes_a_departed_childs_place_and_the_others_go_to_it() {
        let mut n = Node::root();
        let kids = |ids: &[NodeId], size| Msg::Children { ids: ids.into(), size, bytes: 44 + 4 * ids.len() as u32 };
        assert_eq!(n.recv(1, kids(&[5, 6], 9)), []);
        assert_eq!(n.recv(2, kids(&[7, 8], 3)), []);
        // Child 1 leaves: its place is kept for its orphans, a fresh joiner goes below.
        assert_eq!(n.recv(1, Msg::Leave { heir: None, bytes: 40 }), []);
        assert!(matches!(n.recv(9, join())[..], [(9, Msg::Place { child: 2, .. })]));
        // The first orphan takes the place, and its weight.
        assert!(matches!(n.recv(6, orphan_join(1))[..], [(6, Msg::Accept { .. })]));
        assert_eq!(n.weights(), [(2, 4), (6, 9)]);
        // The other is sent on to it, and counted there already.
        assert_eq!(
            n.recv(5, orphan_join(1)),
            [(5, Msg::Place { child: 6, below: Arc::from([]), start: None, bytes: 48 })]
        );
        assert_eq!(n.weights(), [(2, 4), (6, 9)]);
    }

    #[test]
    fn a_successor_makes_room_for_its_siblings_by_handing_a_child_down() {
        // Node 6, a child of 1 with children 7 and 8 (fanout 2), loses 1 (it leaves, naming
        // the root) and takes its place under the root.
        let mut n = Node::new(6);
        let accept = |path: &[NodeId]| Msg::Accept { path: path.into(), top: 0, start: None, oldest: 0, bytes: 48 };
        assert!(matches!(n.recv(0, place(1, &[]))[..], [(1, Msg::Join { .. })]));
        assert!(matches!(n.recv(1, accept(&[1, 0]))[..], [(1, Msg::Children { .. })]));
        for c in [7, 8] {
            assert!(matches!(n.recv(c, join())[..], [(_, Msg::Accept { .. }), (1, Msg::Children { .. })]));
        }
        n.recv(8, Msg::Children { ids: Arc::from([11]), size: 2, bytes: 48 });
        assert!(matches!(
            n.recv(1, Msg::Leave { heir: Some(0), bytes: 40 })[..],
            [(0, Msg::Join { lost: Some(1), .. })]
        ));
        assert!(matches!(n.recv(0, accept(&[0]))[..], [(0, Msg::Children { size: 4, .. })]));
        // Sibling 5, orphaned by 1 too, asks: 6 hands its lightest child but one (8, weight 2)
        // down to its lightest (7, weight 1), and takes 5 in.
        let out = n.recv(5, orphan_join(1));
        assert!(
            matches!(
                out[..],
                [(8, Msg::Leave { heir: Some(7), .. }), (5, Msg::Accept { .. }), (0, Msg::Children { .. })]
            ),
            "{out:?}"
        );
        assert_eq!(n.weights(), [(7, 3), (5, 1)]);
        // A stranger that lost some other node is not made room for: it is placed below.
        assert!(matches!(n.recv(12, orphan_join(3))[..], [(12, Msg::Redirect { .. })]));
    }
}
