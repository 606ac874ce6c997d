//! Failure detection on tree edges: heartbeats out, and the verdicts of the node's two failure
//! detectors ([`Detector`](crate::protocols::blocks::Detector): one watches the parent, one the children) turned into probes,
//! re-joins and dropped children.
//!
//! Every `heartbeat_interval_ms` a node sends a heartbeat to its parent and to each child, and
//! any packet from a neighbour is a sign of life. A neighbour silent for `dead_after`
//! (`heartbeat_misses` intervals) is only *suspected*: it is sent a direct [`Msg::Probe`], which
//! it answers at once with a heartbeat, up to `probe_attempts` times `probe_timeout_ms` apart.
//! Any packet from it clears the suspicion; only when every probe has gone unanswered is it
//! presumed dead: a parent is replaced (the child re-joins through its ancestors,
//! [`Tree::lose_parent`]), a child is dropped ([`Tree::vacate`]). This is the "ping before you
//! declare" of SWIM (Das, Gupta & Motivala, DSN 2002), on a tree edge where the one node that can
//! vouch for the suspect is the suspect itself, so there are no indirect probes. The parent and
//! the children are two relations, each with its own detector: a stale edge can make a node
//! both, and each relation is judged on its own (a packet from it is a sign of life of the
//! parent). At loss p, `heartbeat_misses` silent intervals
//! happen with probability about p^misses; each probe then fails with 1 − (1 − p)², so a live
//! neighbour is presumed dead p^misses · (1 − (1 − p)²)^attempts of the time (at 20 %: 0.0016 →
//! 0.00008 with three probes, heartbeats during the probing not even counted).
//!
//! A crashed neighbour is presumed dead at most [`super::TreeConfig::detection_bound`] after
//! its last packet: `dead_after`, plus up to one heartbeat interval (silence is checked on each
//! tick), plus `probe_attempts × probe_timeout_ms`.

use super::wire::{Msg, Timer};
use super::Tree;
use crate::protocol::{Context, NodeId};
use crate::protocols::blocks::Verdict;
use std::sync::Arc;

impl Tree {
    /// Heartbeats out, and the neighbours that have been silent too long suspected.
    pub(super) fn on_tick(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        cx.set_timer(self.config.heartbeat(), Timer::Tick);
        let down = self.heartbeat_down();
        for c in &self.children {
            cx.send(c.id, down.clone());
        }
        if let Some(p) = self.parent {
            cx.send(p, self.heartbeat_up());
        }
        debug_assert!(self.down.peers().eq(self.children()), "the children's detector watches the children");
        debug_assert!(self.up.peers().eq(self.parent), "the parent's detector watches the parent");
        let now = cx.now();
        for verdict in self.down.tick(now) {
            self.on_verdict(verdict, false, cx);
        }
        for verdict in self.up.tick(now) {
            self.on_verdict(verdict, true, cx);
        }
        if self.parent.is_some() {
            self.check_gaps(cx);
        }
    }

    /// The heartbeat to a child: this node's path to the root and its top.
    fn heartbeat_down(&self) -> Msg {
        let bytes = self.config.control_bytes + 4 * self.path.len() as u32;
        Msg::Heartbeat { top: self.top, path: self.path.clone(), bytes }
    }

    /// The heartbeat to the parent: no path (aware: the children, see `Tree::children_report`).
    fn heartbeat_up(&self) -> Msg {
        if self.config.topology == super::Topology::Aware {
            return self.children_report();
        }
        Msg::Heartbeat { top: self.top, path: Arc::from([]), bytes: self.config.control_bytes }
    }

    /// The probe of `node` (the parent, or a child) with token `gen` went unanswered: the
    /// detector's next probe, or its verdict.
    pub(super) fn on_probe_timer(&mut self, node: NodeId, parent: bool, gen: u32, cx: &mut Context<'_, Msg, Timer>) {
        let detector = if parent { &mut self.up } else { &mut self.down };
        if let Some(verdict) = detector.probe_timeout(node, gen) {
            self.on_verdict(verdict, parent, cx);
        }
    }

    /// What a verdict on the parent (`parent`) or a child means: a probe to send, a parent to
    /// replace, a child to drop. A suspicion, and its end, change nothing on their own.
    fn on_verdict(&mut self, verdict: Verdict, parent: bool, cx: &mut Context<'_, Msg, Timer>) {
        match verdict {
            Verdict::Probe { peer, token } => {
                cx.send(peer, Msg::Probe { bytes: self.config.control_bytes });
                cx.set_timer(self.config.probe_timeout(), Timer::Probe { node: peer, parent, gen: token });
            }
            Verdict::Dead(peer) if parent => self.lose_parent(peer, None, cx),
            Verdict::Dead(peer) => self.vacate(peer, cx.now()),
            Verdict::Suspect(_) | Verdict::Alive(_) => {}
        }
    }

    /// A probe: answered at once with a heartbeat if the prober is related, refused if not.
    pub(super) fn on_probe(&mut self, from: NodeId, cx: &mut Context<'_, Msg, Timer>) {
        if self.is_child(from) {
            cx.send(from, self.heartbeat_down());
        } else if self.related(from) {
            cx.send(from, self.heartbeat_up());
        } else {
            self.reject(from, cx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{TreeConfig, TreeSetup};
    use super::*;
    use crate::protocol::{GroupInfo, Harness, Input, Output, UniformDistance};
    use crate::time::SimDuration;

    /// An output, comparable.
    #[derive(Debug, PartialEq)]
    enum Out {
        Send(NodeId, Msg),
        Timer(SimDuration, Timer),
        Other,
    }

    /// Node 3 of a binary heap of 15 nodes rooted at 0: parent 1, children 7 and 8, path
    /// [3, 1, 0]; default timing (dead after 2 s, three probes 400 ms apart), driven by hand.
    struct Node {
        h: Harness<Tree>,
    }

    impl Node {
        fn new() -> Node {
            Node::with(TreeConfig { fanout: 2, ..TreeConfig::default() })
        }

        fn with(config: TreeConfig) -> Node {
            let setup = TreeSetup { config, root: 0 };
            let distances = UniformDistance(SimDuration::from_ms(10));
            let mut n = Node { h: Harness::new(3, GroupInfo::of_size(15), distances, &setup) };
            n.handle(0, Input::Start);
            n
        }

        fn handle(&mut self, now_ms: u64, input: Input<Msg, Timer>) -> Vec<Out> {
            self.h
                .handle_at_ms(now_ms, input)
                .into_iter()
                .flat_map(|o| match o {
                    Output::Send { to, msg } => vec![Out::Send(to, msg)],
                    Output::Multicast { to, msg } => to.into_iter().map(|n| Out::Send(n, msg.clone())).collect(),
                    Output::SetTimer { after, timer } => vec![Out::Timer(after, timer)],
                    Output::Deliver { .. } => vec![Out::Other],
                })
                .collect()
        }

        fn recv(&mut self, now_ms: u64, from: NodeId, msg: Msg) -> Vec<Out> {
            self.handle(now_ms, Input::Recv { from, msg })
        }

        fn timer(&mut self, now_ms: u64, timer: Timer) -> Vec<Out> {
            self.handle(now_ms, Input::Timer(timer))
        }
    }

    const PROBE: Msg = Msg::Probe { bytes: 40 };

    fn down() -> Msg {
        Msg::Heartbeat { top: 0, path: Arc::from([3, 1, 0]), bytes: 52 }
    }

    fn up() -> Msg {
        Msg::Heartbeat { top: 0, path: Arc::from([]), bytes: 40 }
    }

    /// The probe timer of child `node` (the parent is node 1).
    fn probe_timer(node: NodeId, gen: u32) -> Out {
        Out::Timer(SimDuration::from_ms(400), probe(node, gen))
    }

    fn probe(node: NodeId, gen: u32) -> Timer {
        Timer::Probe { node, parent: node == 1, gen }
    }

    #[test]
    fn a_probe_is_answered_at_once_by_a_parent_or_child_and_refused_by_a_stranger() {
        let mut n = Node::new();
        assert_eq!(n.recv(10, 7, PROBE), [Out::Send(7, down())], "a child gets the path");
        assert_eq!(n.recv(20, 1, PROBE), [Out::Send(1, up())], "the parent gets an up heartbeat");
        assert_eq!(n.recv(30, 2, PROBE), [Out::Send(2, Msg::Leave { heir: None, bytes: 40 })]);
    }

    #[test]
    fn silent_neighbours_are_probed_then_presumed_dead_unless_they_answer() {
        let mut n = Node::new();
        // Silent for more than 2 s: suspected, not dead; each is probed.
        assert_eq!(
            n.timer(2_100, Timer::Tick),
            [
                Out::Timer(SimDuration::from_ms(500), Timer::Tick),
                Out::Send(7, down()),
                Out::Send(8, down()),
                Out::Send(1, up()),
                Out::Send(7, PROBE),
                probe_timer(7, 1),
                Out::Send(8, PROBE),
                probe_timer(8, 2),
                Out::Send(1, PROBE),
                probe_timer(1, 1),
            ]
        );
        // Child 7 answers: its suspicion is over, its timer stale.
        assert_eq!(n.recv(2_150, 7, up()), []);
        // The others are still suspected at the next tick: no second suspicion, no probe.
        let tick = n.timer(2_200, Timer::Tick);
        assert!(!tick.iter().any(|o| matches!(o, Out::Send(_, Msg::Probe { .. }))), "{tick:?}");
        assert_eq!(n.timer(2_500, probe(7, 1)), []);
        // Child 8 and the parent stay silent: probed twice more, 400 ms apart.
        for t in [2_500, 2_900] {
            assert_eq!(n.timer(t, probe(8, 2)), [Out::Send(8, PROBE), probe_timer(8, 2)]);
            assert_eq!(n.timer(t, probe(1, 1)), [Out::Send(1, PROBE), probe_timer(1, 1)]);
        }
        assert_eq!(n.h.protocol.children().collect::<Vec<_>>(), [7, 8]);
        assert_eq!(n.h.protocol.parent(), Some(1));
        // The last probe unanswered: child 8 is dropped, the parent replaced through the root.
        assert_eq!(n.timer(3_300, probe(8, 2)), []);
        assert_eq!(n.h.protocol.children().collect::<Vec<_>>(), [7]);
        let out = n.timer(3_300, probe(1, 1));
        assert!(
            matches!(
                out.as_slice(),
                [Out::Send(0, Msg::Join { lost: Some(1), want: Some(0), .. }), Out::Timer(_, Timer::Join { .. })]
            ),
            "{out:?}"
        );
        assert_eq!((n.h.protocol.parent(), n.h.protocol.parent_losses()), (None, 1));
    }

    #[test]
    fn an_answer_clears_a_parents_suspicion_and_a_later_silence_starts_a_new_one() {
        let mut n = Node::new();
        let tick = n.timer(2_100, Timer::Tick);
        assert!(tick.contains(&probe_timer(1, 1)), "{tick:?}");
        // Any packet from the parent clears the suspicion: the pending probe timer is stale.
        assert_eq!(n.recv(2_300, 1, down_from_parent()), []);
        assert_eq!(n.timer(2_500, probe(1, 1)), []);
        // Silent again for 2 s: a new suspicion with a new generation (children 7 and 8, never
        // heard, are still suspected from the first tick); the old one stays stale.
        let tick = n.timer(4_400, Timer::Tick);
        assert!(tick.contains(&Out::Send(1, PROBE)) && tick.contains(&probe_timer(1, 2)), "{tick:?}");
        assert_eq!(n.timer(4_800, probe(1, 1)), []);
        assert_eq!(n.h.protocol.parent(), Some(1));
    }

    fn down_from_parent() -> Msg {
        Msg::Heartbeat { top: 0, path: Arc::from([1, 0]), bytes: 48 }
    }

    #[test]
    fn without_probes_a_silent_parent_is_presumed_dead_at_once() {
        let mut n = Node::with(TreeConfig { fanout: 2, probe_attempts: 0, ..TreeConfig::default() });
        let tick = n.timer(2_100, Timer::Tick);
        assert!(!tick.iter().any(|o| matches!(o, Out::Send(_, Msg::Probe { .. }))), "{tick:?}");
        assert!(tick.iter().any(|o| matches!(o, Out::Send(0, Msg::Join { lost: Some(1), .. }))), "{tick:?}");
        assert_eq!((n.h.protocol.parent(), n.h.protocol.children().count()), (None, 0));
    }
}
