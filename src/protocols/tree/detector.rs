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
    use super::super::testkit::{binary, data, deliver, heartbeat, join, leave, send, set, Node, Out};
    use super::super::{Reliability, TreeConfig};
    use super::*;

    /// Node 3 of a binary heap of 15: parent 1, children 7 and 8, path [3, 1, 0].
    fn node(config: TreeConfig) -> Node {
        Node::heap(3, 15, binary(config))
    }

    const PROBE: Msg = Msg::Probe { bytes: 40 };

    /// The heartbeat to a child: the path [3, 1, 0].
    fn down() -> Msg {
        heartbeat(0, &[3, 1, 0])
    }

    /// The heartbeat to the parent: no path.
    fn up() -> Msg {
        heartbeat(0, &[])
    }

    /// The probe timer of `node` (the parent is node 1, the others are children), token `gen`.
    fn probe(node: NodeId, gen: u32) -> Timer {
        Timer::Probe { node, parent: node == 1, gen }
    }

    /// A probe to `node` and its timer, 400 ms.
    fn probed(node: NodeId, gen: u32) -> [Out; 2] {
        [send(node, PROBE), set(400, probe(node, gen))]
    }

    /// A tick's heartbeats knowing `top` messages (the next tick in 500 ms), then `more`.
    fn tick_then(top: u32, more: &[Out]) -> Vec<Out> {
        let (down, up) = (heartbeat(top, &[3, 1, 0]), heartbeat(top, &[]));
        [&[set(500, Timer::Tick), send(7, down.clone()), send(8, down), send(1, up)], more].concat()
    }

    #[test]
    fn a_probe_is_answered_at_once_by_a_parent_or_child_and_refused_by_a_stranger() {
        let mut n = node(TreeConfig::default());
        assert_eq!(n.recv(10, 7, PROBE), [send(7, down())], "a child gets the path");
        assert_eq!(n.recv(20, 1, PROBE), [send(1, up())], "the parent gets an up heartbeat");
        assert_eq!(n.recv(30, 2, PROBE), [send(2, leave(None))]);
    }

    #[test]
    fn silent_neighbours_are_probed_then_presumed_dead_unless_they_answer() {
        let mut n = node(TreeConfig::default());
        // Silent for more than 2 s: suspected, not dead; each is probed, the children first.
        assert_eq!(n.fire(2_100, Timer::Tick), tick_then(0, &[probed(7, 1), probed(8, 2), probed(1, 1)].concat()));
        // Child 7 answers: its suspicion is over, its timer stale.
        assert_eq!(n.recv(2_150, 7, up()), []);
        // The others are still suspected at the next tick: no second suspicion, no probe.
        assert_eq!(n.fire(2_200, Timer::Tick), tick_then(0, &[]));
        assert_eq!(n.fire(2_500, probe(7, 1)), []);
        // Child 8 and the parent stay silent: probed twice more, 400 ms apart.
        for t in [2_500, 2_900] {
            assert_eq!(n.fire(t, probe(8, 2)), probed(8, 2));
            assert_eq!(n.fire(t, probe(1, 1)), probed(1, 1));
        }
        assert_eq!((n.children(), n.tree().parent()), (vec![7, 8], Some(1)));
        // The last probe unanswered: child 8 is dropped, the parent replaced through the root
        // (its grandparent), naming it.
        assert_eq!(n.fire(3_300, probe(8, 2)), []);
        assert_eq!(n.children(), [7]);
        assert_eq!(n.fire(3_300, probe(1, 1)), [send(0, join(Some(0), Some(1))), set(200, Timer::Join { gen: 1 })]);
        assert_eq!((n.tree().parent(), n.tree().parent_losses()), (None, 1));
    }

    #[test]
    fn an_answer_clears_a_parents_suspicion_and_a_later_silence_starts_a_new_one() {
        let mut n = node(TreeConfig::default());
        assert_eq!(n.fire(2_100, Timer::Tick), tick_then(0, &[probed(7, 1), probed(8, 2), probed(1, 1)].concat()));
        // Any packet from the parent clears the suspicion: the pending probe timer is stale.
        assert_eq!(n.recv(2_300, 1, heartbeat(0, &[1, 0])), []);
        assert_eq!(n.fire(2_500, probe(1, 1)), []);
        // Silent again for 2 s: a new suspicion with a new token (children 7 and 8, never
        // heard, are still suspected from the first tick); the old one stays stale.
        assert_eq!(n.fire(4_400, Timer::Tick), tick_then(0, &probed(1, 2)));
        assert_eq!(n.fire(4_800, probe(1, 1)), []);
        assert_eq!(n.tree().parent(), Some(1));
    }

    #[test]
    fn without_probes_silent_neighbours_are_presumed_dead_at_once() {
        let mut n = node(TreeConfig { probe_attempts: 0, ..TreeConfig::default() });
        assert_eq!(
            n.fire(2_100, Timer::Tick),
            tick_then(0, &[send(0, join(Some(0), Some(1))), set(200, Timer::Join { gen: 1 })])
        );
        assert_eq!((n.tree().parent(), n.children()), (None, vec![]));
    }

    #[test]
    fn a_child_heard_from_is_not_suspected_and_a_dropped_child_takes_its_acks_along() {
        let mut n = node(TreeConfig { reliability: Reliability::Ack, ..TreeConfig::default() });
        assert_eq!(
            n.recv(100, 1, data(0)),
            [
                send(1, Msg::Ack { seq: 0, bytes: 40 }),
                deliver(0),
                send(7, data(0)),
                send(8, data(0)),
                set(200, Timer::Retransmit { seq: 0, round: 1 }),
            ]
        );
        assert_eq!(n.tree().pending(), 1);
        // Child 7 and the parent speak at 1 s; child 8 never does.
        assert_eq!(n.recv(1_000, 7, up()), []);
        assert_eq!(n.recv(1_000, 1, heartbeat(1, &[1, 0])), []);
        assert_eq!(n.fire(2_900, Timer::Tick), tick_then(1, &probed(8, 1)), "only child 8 is silent for 2 s");
        // Child 8 presumed dead: dropped, and with it the one message only it owed an ACK for.
        for t in [3_300, 3_700] {
            assert_eq!(n.fire(t, probe(8, 1)), probed(8, 1));
        }
        assert_eq!(n.recv(3_800, 7, Msg::Ack { seq: 0, bytes: 40 }), []);
        assert_eq!(n.tree().pending(), 1, "8 has not ACKed");
        assert_eq!(n.fire(4_100, probe(8, 1)), []);
        assert_eq!((n.children(), n.tree().pending()), (vec![7], 0));
    }
}
