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
        let start = (self.is_root() && want.is_none()).then(|| {
            // The joiner joined `waited` before it sent this JOIN, which took about one
            // distance: owed is what was sent after that, give or take jitter (a margin of one
            // more distance and 10 ms; an older message given is harmless).
            let ago = waited + cx.distance(from).times(2) + SimDuration::from_ms(10);
            let since = SimTime(cx.now().0.saturating_sub(ago.0));
            self.buffer.first_since(since).unwrap_or(self.next_seq)
        });
        let aware = self.config.topology == Topology::Aware;
        if aware && self.send_to_successor(from, lost, start, cx) {
            return;
        }
        let free = self.children.len() + self.reserved(lost, cx.now()) < self.config.fanout as usize;
        if self.is_child(from) || free || (aware && self.make_room(from, lost, cx)) {
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
                bytes: bytes + 4 * self.path.len() as u32,
            };
            cx.send(from, accept);
            if let Some(p) = self.parent.filter(|_| aware && new) {
                cx.send(p, self.children_report());
            }
        } else if aware {
            self.place(from, start, measured, cx);
        } else {
            let candidates = self.candidates(from);
            let bytes = bytes + 4 * candidates.len() as u32;
            cx.send(from, Msg::Redirect { candidates, start, bytes });
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
