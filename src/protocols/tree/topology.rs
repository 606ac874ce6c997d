//! The tree's shape and its upkeep: a node's place at the start (in the heap, see `heap.rs`, or
//! by a join), joins and redirects, leaves, and the paths heartbeats carry (failure detection is
//! in `detector.rs`).

use super::heap::{heap_children, heap_path, rank, subtree_size};
use super::place::{measure, remember_near, report};
use super::wire::{Msg, Timer};
use super::{Child, Joining, Topology, Tree};
use crate::protocol::{Context, NodeId};
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;
use std::sync::Arc;

/// The longest path to the root a node believes; a longer one can only come from a loop.
const MAX_PATH: usize = 4096;
/// Redirects a joiner follows before it starts again from the root.
const MAX_REDIRECTS: u32 = 64;
/// JOINs sent to an ancestor before the orphan tries the next one up.
const TRIES_PER_TARGET: u32 = 2;
/// Targets a join remembers to avoid, to try other candidates first.
const AVOID_CAP: usize = 8;

/// Adds `n` to a join's nodes to avoid, forgetting the oldest beyond [`AVOID_CAP`].
fn remember(avoid: &mut Vec<NodeId>, n: NodeId) {
    if !avoid.contains(&n) {
        if avoid.len() >= AVOID_CAP {
            avoid.remove(0);
        }
        avoid.push(n);
    }
}

impl Tree {
    /// The run starts: take the heap place, or (aware) join through the root.
    pub(super) fn start(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let k = self.config.fanout;
        if self.config.topology == Topology::Heap || self.is_root() {
            self.path = Arc::from(heap_path(self.me, self.root, self.size, k));
            self.parent = self.path.get(1).copied();
            if let Some(p) = self.parent {
                self.up.monitor(p, cx.now());
            }
        }
        if self.config.topology == Topology::Heap {
            self.children = heap_children(self.me, self.root, self.size, k)
                .into_iter()
                .map(|id| Child { id, weight: subtree_size(rank(id, self.root, self.size), self.size, k), kids: None })
                .collect();
            for c in &self.children {
                self.down.monitor(c.id, cx.now());
            }
        } else if !self.is_root() {
            // Initial members are owed every message: want them from the first.
            self.begin_join(VecDeque::from([self.root]), Some(0), None, cx);
        }
    }

    /// Starts looking for a parent among `targets` (the root is added last).
    pub(super) fn begin_join(
        &mut self,
        mut targets: VecDeque<NodeId>,
        want: Option<u32>,
        lost: Option<NodeId>,
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        if let Some(p) = self.parent.take() {
            self.up.stop(p);
            self.parent_losses = self.parent_losses.saturating_add(1);
        }
        targets.retain(|&t| t != self.me && Some(t) != lost);
        if targets.back() != Some(&self.root) {
            targets.push_back(self.root);
        }
        self.joining = Some(Joining { targets, redirects: 0, want, lost, measured: Vec::new(), avoid: Vec::new() });
        self.ask(cx);
    }

    /// Asks the current target afresh: the first of its [`TRIES_PER_TARGET`] JOINs.
    fn ask(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let gen = self.join.start();
        self.send_join(1, gen, cx);
    }

    /// Sends the current target its `round`th JOIN (aware: a CHOOSE, if the joiner measured
    /// the target's children), its timer with token `gen`.
    fn send_join(&mut self, round: u32, gen: u32, cx: &mut Context<'_, Msg, Timer>) {
        let bytes = self.config.control_bytes;
        let Some(j) = &mut self.joining else {
            return;
        };
        let Some(&target) = j.targets.front() else {
            return;
        };
        j.measured.retain(|(t, _)| j.targets.contains(t));
        let near = j.measured.iter().find(|m| m.0 == target).map(|(_, near)| report(j, near));
        let msg = match near {
            Some(near) => {
                let bytes = bytes + 8 + 8 * near.len() as u32;
                Msg::Choose { want: j.want, lost: j.lost, near, bytes }
            }
            None => {
                let waited = self.joined_at.map_or(SimDuration::ZERO, |t| cx.now().since(t));
                Msg::Join { want: j.want, lost: j.lost, waited, bytes: bytes + 8 }
            }
        };
        cx.send(target, msg);
        cx.set_timer(self.config.join_backoff().wait(round), Timer::Join { gen });
    }

    /// The JOIN with timer token `gen` went unanswered: ask again, or after
    /// [`TRIES_PER_TARGET`] JOINs the next ancestor up (the root, last, is asked until it
    /// answers).
    pub(super) fn on_join_timer(&mut self, gen: u32, cx: &mut Context<'_, Msg, Timer>) {
        let Some(j) = &mut self.joining else {
            return;
        };
        if !self.join.is_current(gen) {
            return;
        }
        let tries = if j.targets.len() > 1 { TRIES_PER_TARGET } else { u32::MAX };
        if let Some((round, gen)) = self.join.fire(gen, tries) {
            self.send_join(round, gen, cx);
            return;
        }
        if let Some(t) = j.targets.pop_front() {
            remember(&mut j.avoid, t);
        }
        self.ask(cx);
    }

    /// Where a joiner that this full node cannot take may go next: the heap's lightest child,
    /// or (aware) the light children, those within twice the lightest's weight plus one.
    pub(super) fn candidates(&self, joiner: NodeId) -> Vec<NodeId> {
        let others = || self.children.iter().filter(|c| c.id != joiner);
        let Some(min) = others().map(|c| c.weight).min() else {
            return vec![self.root];
        };
        match self.config.topology {
            Topology::Heap => others().filter(|c| c.weight == min).map(|c| c.id).take(1).collect(),
            Topology::Aware => others().filter(|c| c.weight <= min.saturating_mul(2) + 1).map(|c| c.id).collect(),
        }
    }

    /// A node asks to become this node's child: a JOIN, or (aware) a CHOOSE with the joiner's
    /// distance estimates to this node's children (`measured`).
    pub(super) fn on_join(
        &mut self,
        from: NodeId,
        want: Option<u32>,
        lost: Option<NodeId>,
        waited: SimDuration,
        measured: &[(NodeId, SimDuration)],
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        // The joiner lost its parent `l`: free its slot, unless this node has heard from `l`
        // within a heartbeat interval. At high loss a few heartbeats lost in a row make a child
        // presume a live parent dead; dropping that parent would orphan its whole subtree.
        // A parent that did die goes silent here too, and is dropped (or at worst times out).
        let recent = self.config.heartbeat();
        if let Some(l) = lost.filter(|&l| self.down.last_heard(l).is_some_and(|t| cx.now().since(t) > recent)) {
            self.vacate(l, cx.now());
        }
        let bytes = self.config.control_bytes;
        let attached = self.is_root() || self.parent.is_some();
        if !attached || self.path[1..].contains(&from) {
            // Detached, or the joiner is an ancestor (taking it would make a loop): send it back
            // up, to the node this one is joining if any (most likely the joiner's previous
            // step, so it need not descend from the root again), else to the root.
            let up = self.joining.as_ref().and_then(|j| j.targets.front().copied()).filter(|&t| t != from);
            let back = if attached { self.root } else { up.unwrap_or(self.root) };
            cx.send(from, Msg::Redirect { candidates: vec![back], start: None, bytes: bytes + 4 });
            return;
        }
        let start = (self.is_root() && want.is_none()).then(|| self.history_start(from, waited, cx));
        let aware = self.config.topology == Topology::Aware;
        if aware && self.send_to_successor(from, lost, start, cx) {
            return;
        }
        let free = self.children.len() + self.reserved(lost, cx.now()) < self.config.fanout as usize;
        if self.is_child(from) || free || (aware && self.make_room(from, lost, cx)) {
            self.take_child(from, lost, start, cx);
        } else if aware {
            self.place(from, start, measured, cx);
        } else {
            let candidates = self.candidates(from);
            let bytes = bytes + 4 * candidates.len() as u32;
            cx.send(from, Msg::Redirect { candidates, start, bytes });
        }
    }

    /// The root: where the history of fresh joiner `from` starts, which joined `waited` before
    /// it sent its JOIN.
    fn history_start(&self, from: NodeId, waited: SimDuration, cx: &Context<'_, Msg, Timer>) -> u32 {
        // The JOIN took about one distance: owed is what was sent after the join, give or take
        // jitter (a margin of one more distance and 10 ms; an older message given is harmless).
        let ago = waited + cx.distance(from).times(2) + SimDuration::from_ms(10);
        let since = SimTime(cx.now().0.saturating_sub(ago.0));
        self.buffer.first_since(since).unwrap_or(self.next_seq)
    }

    /// Takes `from` (which lost `lost`) as a child, or again if it is one already: an ACCEPT
    /// with this node's path, top and buffer, and `start` for a fresh joiner; aware, a new
    /// child may take a departed one's place, and the parent hears of it at once.
    fn take_child(&mut self, from: NodeId, lost: Option<NodeId>, start: Option<u32>, cx: &mut Context<'_, Msg, Timer>) {
        let aware = self.config.topology == Topology::Aware;
        let new = !self.is_child(from);
        if new {
            self.children.push(Child { id: from, weight: 1, kids: None });
            self.down.monitor(from, cx.now());
            if aware {
                self.succeeded(from, lost);
            }
        }
        let accept = Msg::Accept {
            path: self.path.clone(),
            top: self.top,
            start,
            oldest: self.oldest(),
            bytes: self.config.control_bytes + 4 * self.path.len() as u32,
        };
        cx.send(from, accept);
        if let Some(p) = self.parent.filter(|_| aware && new) {
            cx.send(p, self.children_report());
        }
    }

    /// The node this one is joining sends it on: to one node, or (aware) to measure the
    /// children it offers and CHOOSE.
    pub(super) fn on_redirect(
        &mut self,
        from: NodeId,
        candidates: &[NodeId],
        start: Option<u32>,
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        let me = self.me;
        let aware = self.config.topology == Topology::Aware;
        let Some(j) = self.joining.as_mut().filter(|j| j.targets.front() == Some(&from)) else {
            return;
        };
        if j.want.is_none() {
            j.want = start;
        }
        let offered = || candidates.iter().copied().filter(|&c| c != me && c != from);
        if aware && offered().nth(1).is_some() {
            let near = measure(offered(), cx);
            remember_near(j, from, near);
            self.ask(cx);
            return;
        }
        // The one candidate, or (heap) the first, preferring those this join has not already
        // given up on.
        let pick = offered().min_by_key(|&c| (j.avoid.contains(&c), c));
        self.descend(from, pick, cx);
    }

    /// Goes on from `from` to `next` (none: back to the root), and asks it.
    pub(super) fn descend(&mut self, from: NodeId, next: Option<NodeId>, cx: &mut Context<'_, Msg, Timer>) {
        let aware = self.config.topology == Topology::Aware;
        let root = self.root;
        let Some(j) = &mut self.joining else {
            return;
        };
        j.redirects += 1;
        match next {
            Some(c) if j.redirects <= MAX_REDIRECTS => {
                // The targets stay a descent: distinct nodes, the root last. Sent back up to a
                // node already on it (a detached node sends joiners to the root), the joiner
                // goes on from there; pushing it again would leave behind it the nodes that
                // sent it away, to be asked again, in a loop, when it falls back.
                match j.targets.iter().position(|&t| t == c) {
                    Some(i) => {
                        j.targets.drain(..i);
                        remember(&mut j.avoid, from);
                    }
                    None => {
                        // A heap parent counts its children's joiners from the joiners' word;
                        // an aware one counted this joiner as it placed it.
                        if c != root && !aware {
                            cx.send(from, Msg::Chose { child: c, bytes: self.config.control_bytes });
                        }
                        j.targets.push_front(c);
                    }
                }
            }
            _ => {
                j.redirects = 0;
                j.targets = VecDeque::from([root]);
            }
        }
        self.ask(cx);
    }

    /// A node takes this one as its child.
    pub(super) fn on_accept(
        &mut self,
        from: NodeId,
        path: Arc<[NodeId]>,
        top: u32,
        start: Option<u32>,
        oldest: u32,
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        let joining_from = self.joining.as_ref().is_some_and(|j| j.targets.front() == Some(&from));
        if !joining_from {
            if self.parent != Some(from) {
                self.reject(from, cx);
            }
            return;
        }
        if path.contains(&self.me) || path.len() >= MAX_PATH || path.first() != Some(&from) {
            self.reject(from, cx);
            self.begin_join(VecDeque::new(), self.joining.as_ref().and_then(|j| j.want), None, cx);
            return;
        }
        let joining = self.joining.take();
        self.join.stop();
        let want = joining.as_ref().and_then(|j| j.want.or(start)).unwrap_or(top);
        self.parent = Some(from);
        self.up.monitor(from, cx.now());
        self.set_path(&path);
        if self.config.topology == Topology::Aware {
            // The parent lost is the one this node may have taken the place of: its orphaned
            // siblings come asking.
            self.succession.get_or_insert_default().replaced = joining.and_then(|j| j.lost);
            cx.send(from, self.children_report());
        }
        self.attached(want.max(oldest), top, cx);
    }

    /// This node's path becomes itself followed by its parent's `path`.
    fn set_path(&mut self, path: &[NodeId]) {
        if self.path.get(1..) != Some(path) {
            self.path = std::iter::once(self.me).chain(path.iter().copied()).collect();
        }
    }

    /// A LEAVE: from the parent (it leaves, or refuses this node), a child (it leaves), or the
    /// node being joined (it refuses).
    pub(super) fn on_leave(&mut self, from: NodeId, heir: Option<NodeId>, cx: &mut Context<'_, Msg, Timer>) {
        if self.parent == Some(from) {
            self.lose_parent(from, heir, cx);
        } else if self.is_child(from) {
            self.vacate(from, cx.now());
        } else if let Some(j) = self.joining.as_mut().filter(|j| j.targets.front() == Some(&from)) {
            if j.targets.len() > 1 {
                j.targets.pop_front();
            }
            self.ask(cx);
        }
    }

    /// The parent `lost` is gone (it left naming `heir`, or is presumed dead): re-join through
    /// the heir, then the ancestors, then the root, naming it.
    pub(super) fn lose_parent(&mut self, lost: NodeId, heir: Option<NodeId>, cx: &mut Context<'_, Msg, Timer>) {
        let mut targets: VecDeque<NodeId> = heir.into_iter().collect();
        targets.extend(self.path.iter().skip(2).copied().filter(|&t| Some(t) != heir));
        self.begin_join(targets, Some(self.next), Some(lost), cx);
    }

    /// The application leaves: hand the children to the parent, say goodbye to it.
    pub(super) fn leave(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let bytes = self.config.control_bytes;
        for c in &self.children {
            cx.send(c.id, Msg::Leave { heir: self.parent, bytes });
        }
        if let Some(p) = self.parent {
            cx.send(p, Msg::Leave { heir: None, bytes });
        }
        self.children.clear();
        self.parent = None;
        self.up.stop_all();
        self.down.stop_all();
    }

    /// Tells `to` that it is neither this node's parent nor child.
    pub(super) fn reject(&self, to: NodeId, cx: &mut Context<'_, Msg, Timer>) {
        cx.send(to, Msg::Leave { heir: None, bytes: self.config.control_bytes });
    }

    /// Whether a packet from `from` is expected: the parent, a child, or the node being joined.
    pub(super) fn related(&self, from: NodeId) -> bool {
        self.parent == Some(from)
            || self.is_child(from)
            || self.joining.as_ref().is_some_and(|j| j.targets.front() == Some(&from))
    }

    pub(super) fn remove_child(&mut self, id: NodeId) {
        self.down.stop(id);
        self.children.retain(|c| c.id != id);
        self.pending.retain(|_, p| {
            p.waiting.retain(|&w| w != id);
            !p.waiting.is_empty()
        });
    }

    /// A heartbeat: the parent's carries its path and its top.
    pub(super) fn on_heartbeat(
        &mut self,
        from: NodeId,
        top: u32,
        path: Arc<[NodeId]>,
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        if self.parent == Some(from) {
            if path.contains(&self.me) || path.len() >= MAX_PATH {
                // A loop: leave it and start again from the root.
                self.reject(from, cx);
                self.begin_join(VecDeque::new(), Some(self.next), Some(from), cx);
                return;
            }
            if path.first() == Some(&from) {
                self.set_path(&path);
            }
            self.learn_top(top, cx);
        } else if !self.related(from) {
            self.reject(from, cx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{binary, heartbeat, join, leave, send, set, Node, Out};
    use super::super::TreeConfig;
    use super::*;
    use crate::protocol::{Input, Output};

    /// Node `me` of a binary heap of `size` rooted at 0, default parameters (in a heap of 15:
    /// 0 → 1, 2; 1 → 3, 4; 3 → 7, 8).
    fn node(me: NodeId, size: u32) -> Node {
        Node::heap(me, size, binary(TreeConfig::default()))
    }

    fn join_timer(gen: u32) -> Timer {
        Timer::Join { gen }
    }

    fn accept(path: &[NodeId], top: u32, start: Option<u32>, oldest: u32) -> Msg {
        Msg::Accept { path: Arc::from(path), top, start, oldest, bytes: 40 + 4 * path.len() as u32 }
    }

    fn redirect(candidates: &[NodeId], start: Option<u32>) -> Msg {
        Msg::Redirect { candidates: candidates.to_vec(), start, bytes: 40 + 4 * candidates.len() as u32 }
    }

    /// Heartbeats down the tree carry the sender's path to the root.
    mod heartbeats {
        use super::*;

        #[test]
        fn a_heartbeat_carries_the_path_to_the_root_down_and_none_up() {
            let mut n = node(3, 15);
            assert_eq!(n.tree().path(), [3, 1, 0]);
            // The parent moved under node 5: its heartbeat says so, and the node's path follows.
            assert_eq!(n.recv(100, 1, heartbeat(0, &[1, 5, 0])), []);
            assert_eq!(n.tree().path(), [3, 1, 5, 0]);
            let down = heartbeat(0, &[3, 1, 5, 0]);
            assert_eq!(
                n.fire(200, Timer::Tick),
                [set(500, Timer::Tick), send(7, down.clone()), send(8, down), send(1, heartbeat(0, &[]))]
            );
        }

        #[test]
        fn a_path_through_the_node_itself_is_a_loop_that_it_leaves_for_the_root() {
            let mut n = node(3, 15);
            assert_eq!(
                n.recv(100, 1, heartbeat(0, &[1, 3, 0])),
                [send(1, leave(None)), send(0, join(Some(0), Some(1))), set(200, join_timer(1))]
            );
            assert_eq!((n.tree().parent(), n.tree().parent_losses()), (None, 1));
        }

        #[test]
        fn a_childs_heartbeat_is_taken_and_a_strangers_refused() {
            let mut n = node(3, 15);
            assert_eq!(n.recv(100, 7, heartbeat(0, &[])), []);
            assert_eq!(n.recv(100, 5, heartbeat(0, &[5, 2, 0])), [send(5, leave(None))]);
        }
    }

    /// Joins: a free slot takes the joiner, a full node sends it on.
    mod joins {
        use super::*;

        #[test]
        fn a_full_heap_node_redirects_a_joiner_to_its_lightest_child() {
            // The root's children 1 and 2 each hold 3 of the 7 nodes: 1 first, by id. The root
            // tells a fresh joiner where its history starts: nothing sent yet, message 0.
            let mut n = node(0, 7);
            let fresh = Msg::Join { want: None, lost: None, waited: SimDuration::ZERO, bytes: 48 };
            assert_eq!(n.recv(100, 9, fresh.clone()), [send(9, redirect(&[1], Some(0)))]);
            // The joiner says it went to 1: the next one goes to 2.
            assert_eq!(n.recv(120, 9, Msg::Chose { child: 1, bytes: 40 }), []);
            assert_eq!(n.recv(130, 10, fresh), [send(10, redirect(&[2], Some(0)))]);
        }

        #[test]
        fn a_node_with_a_free_slot_accepts_a_joiner_and_heartbeats_it() {
            // In a heap of 8, node 3 has one child, 7.
            let mut n = node(3, 8);
            assert_eq!(n.recv(100, 9, join(Some(5), None)), [send(9, accept(&[3, 1, 0], 0, None, 0))]);
            assert_eq!(n.children(), [7, 9]);
            let down = heartbeat(0, &[3, 1, 0]);
            assert_eq!(
                n.fire(200, Timer::Tick),
                [set(500, Timer::Tick), send(7, down.clone()), send(9, down), send(1, heartbeat(0, &[]))]
            );
        }

        #[test]
        fn an_orphan_naming_its_lost_parent_frees_its_slot_unless_it_was_heard_lately() {
            // Node 1's children 3 and 4 fill it. An orphan of 3 asks at 2 s: 3 was last heard
            // at the start, so its slot is freed and the orphan takes it.
            let mut n = node(1, 15);
            assert_eq!(n.recv(2_000, 7, join(Some(0), Some(3))), [send(7, accept(&[1, 0], 0, None, 0))]);
            assert_eq!(n.children(), [4, 7]);
            // Child 4, heard 100 ms before its orphan asks, keeps its slot: the orphan is sent
            // down, to the lighter of 4 (3 nodes) and 7 (1).
            assert_eq!(n.recv(2_900, 4, heartbeat(0, &[])), []);
            assert_eq!(n.recv(3_000, 9, join(Some(0), Some(4))), [send(9, redirect(&[7], None))]);
        }

        #[test]
        fn a_joiner_follows_a_redirect_and_catches_up_from_where_its_history_starts() {
            // Node 9 joins a running heap of 7 at 100 ms: it asks the root.
            let mut n = Node::new(9, 7, binary(TreeConfig::default()), 10);
            let out = n.at(100, Input::Join { contacts: vec![0] });
            let fresh = Msg::Join { want: None, lost: None, waited: SimDuration::ZERO, bytes: 48 };
            assert_eq!(out[..2], [send(0, fresh), set(200, join_timer(1))]);
            assert!(matches!(out[2..], [Output::SetTimer { timer: Timer::Tick, .. }]), "{out:?}");
            // Sent on to 1, owed messages from 4 on: it tells the root, and asks 1, saying how
            // long ago it joined.
            let asked = Msg::Join { want: Some(4), lost: None, waited: SimDuration::from_ms(50), bytes: 48 };
            assert_eq!(
                n.recv(150, 0, redirect(&[1], Some(4))),
                [send(0, Msg::Chose { child: 1, bytes: 40 }), send(1, asked), set(200, join_timer(2))]
            );
            // Node 1 takes it: 6 messages exist, 2 and later still buffered. It wants 4 and 5.
            assert_eq!(n.recv(170, 1, accept(&[1, 0], 6, None, 2)), [set(50, Timer::Nak { gen: 1 })]);
            assert_eq!((n.tree().parent(), n.tree().path()), (Some(1), &[9, 1, 0][..]));
            assert_eq!(n.fire(200, join_timer(2)), [], "answered");
            let nak = Msg::Nak { missing: vec![4, 5], bytes: 48 };
            assert_eq!(n.fire(220, Timer::Nak { gen: 1 }), [send(1, nak), set(200, Timer::Nak { gen: 2 })]);
        }

        #[test]
        fn unanswered_joins_fall_back_up_the_path_then_keep_asking_the_root() {
            // Node 7 (path 7, 3, 1, 0) loses its parent 3, which leaves naming no heir: it asks
            // its grandparent 1 twice, 200 then 400 ms apart, then the root, at most 400 ms apart.
            let mut n = node(7, 15);
            let asked = |to| send(to, join(Some(0), Some(3)));
            assert_eq!(n.recv(100, 3, leave(None)), [asked(1), set(200, join_timer(1))]);
            assert_eq!(n.fire(300, join_timer(1)), [asked(1), set(400, join_timer(2))]);
            assert_eq!(n.fire(700, join_timer(2)), [asked(0), set(200, join_timer(4))]);
            assert_eq!(n.fire(900, join_timer(4)), [asked(0), set(400, join_timer(5))]);
            assert_eq!(n.fire(1_300, join_timer(5)), [asked(0), set(400, join_timer(6))]);
            assert_eq!(n.fire(1_300, join_timer(2)), [], "stale");
        }

        #[test]
        fn a_target_that_refuses_is_left_for_the_next_one_up() {
            let mut n = node(7, 15);
            assert_eq!(n.recv(100, 3, leave(None))[0], send(1, join(Some(0), Some(3))));
            assert_eq!(n.recv(120, 1, leave(None)), [send(0, join(Some(0), Some(3))), set(200, join_timer(2))]);
            assert_eq!(n.recv(140, 0, leave(None)), [send(0, join(Some(0), Some(3))), set(200, join_timer(3))]);
        }
    }

    /// Leaves: the leaver's children go to its parent.
    mod leaves {
        use super::*;

        #[test]
        fn a_leaver_hands_its_children_to_its_parent() {
            let mut n = node(3, 15);
            let out: Vec<Out> = n.at(100, Input::Leave { contacts: vec![0] });
            assert_eq!(out, [send(7, leave(Some(1))), send(8, leave(Some(1))), send(1, leave(None))]);
            assert_eq!((n.tree().parent(), n.children()), (None, vec![]));
        }

        #[test]
        fn an_orphan_rejoins_through_the_heir_its_parent_named_then_its_ancestors() {
            let mut n = node(7, 15);
            assert_eq!(n.recv(100, 3, leave(Some(5))), [send(5, join(Some(0), Some(3))), set(200, join_timer(1))]);
            assert_eq!((n.tree().parent(), n.tree().parent_losses()), (None, 1));
            assert_eq!(n.fire(300, join_timer(1))[0], send(5, join(Some(0), Some(3))));
            assert_eq!(n.fire(700, join_timer(2))[0], send(1, join(Some(0), Some(3))));
        }

        #[test]
        fn a_parent_drops_a_child_that_leaves() {
            let mut n = node(1, 15);
            assert_eq!(n.recv(100, 3, leave(None)), []);
            assert_eq!(n.children(), [4]);
            assert_eq!(
                n.fire(200, Timer::Tick),
                [set(500, Timer::Tick), send(4, heartbeat(0, &[1, 0])), send(0, heartbeat(0, &[]))]
            );
        }
    }
}
