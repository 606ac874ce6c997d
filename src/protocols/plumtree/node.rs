//! Plumtree's handlers: broadcasting, receiving GOSSIP and IHAVE, answering GRAFT, the GRAFT
//! timer and the tree optimization (Leitão et al. 2007, Algorithms 1 and 2, §3.3-§3.8).

use super::{Held, Msg, Plumtree, Round, Timer, ID_BYTES};
use crate::protocol::{Context, MsgId, NodeId};
use crate::time::SimDuration;

type Cx<'a, 'b> = &'a mut Context<'b, Msg, Timer>;

impl Plumtree {
    /// The application broadcasts message `id` of `payload` bytes: deliver it, push GOSSIP of
    /// round 0 to the eager peers and IHAVE to the lazy ones (§3.3).
    pub(super) fn broadcast(&mut self, id: MsgId, payload: u32, cx: Cx) {
        if self.holds(id) {
            return;
        }
        let bytes = self.config.header_bytes.saturating_add(ID_BYTES).saturating_add(payload);
        self.received.insert(id, Held { round: 0, bytes, from: self.me });
        cx.deliver(id);
        self.push(id, 0, bytes, self.me, cx);
    }

    /// Pushes message `id` at `round`: GOSSIP to every eager peer and IHAVE to every lazy peer
    /// but `except` (the peer it came from).
    fn push(&mut self, id: MsgId, round: Round, bytes: u32, except: NodeId, cx: Cx) {
        cx.multicast(self.eager.iter().copied().filter(|&p| p != except), Msg::Gossip { id, round, bytes });
        let ihave = Msg::IHave { id, round, bytes: self.control_bytes() };
        cx.multicast(self.lazy.iter().copied().filter(|&p| p != except), ihave);
    }

    /// A control packet's size: the header and one id.
    fn control_bytes(&self) -> u32 {
        self.config.header_bytes.saturating_add(ID_BYTES)
    }

    /// GOSSIP(id, round) from `from` (§3.3): the first delivers and forwards at round + 1 and
    /// makes the sender eager; a duplicate makes it lazy and PRUNEs it (§3.5).
    pub(super) fn on_gossip(&mut self, from: NodeId, id: MsgId, round: Round, bytes: u32, cx: Cx) {
        if self.holds(id) {
            if self.config.lazy_push && self.eager.contains(&from) {
                self.make_lazy(from);
                self.prune(from, cx);
            }
            return;
        }
        self.received.insert(id, Held { round, bytes, from });
        cx.deliver(id);
        self.push(id, round.saturating_add(1), bytes, from, cx);
        self.make_eager(from);
        self.parent = Some(from);
        let announced = self.missing.remove(&id);
        if let Some(missing) = announced.filter(|_| self.optimizes()) {
            // §3.8: the earliest-round announcer that beats the tree path by the threshold.
            let best = missing.announcers.iter().copied().min_by_key(|a| a.1);
            if let Some((announcer, r)) = best {
                self.optimize(id, announcer, r, cx);
            }
        }
    }

    /// Whether the tree optimization runs (it needs lazy push).
    fn optimizes(&self) -> bool {
        self.config.lazy_push && self.config.optimize
    }

    /// §3.8: message `id` came through the tree at some round from its parent while
    /// `announcer` offers it at round `r`: if the lazy path is at least `threshold` hops shorter,
    /// GRAFT the announcer (asking for no message) and PRUNE the parent. The announcer is then
    /// the message's parent, at round `r`, so a later IHAVE is judged against the new path.
    fn optimize(&mut self, id: MsgId, announcer: NodeId, r: Round, cx: Cx) {
        let Some(held) = self.received.get(&id).copied() else {
            return;
        };
        let saved = u32::from(held.round.saturating_sub(r));
        let parent = held.from;
        if parent == self.me || saved < self.config.threshold || announcer == parent || !self.is_neighbor(announcer) {
            return;
        }
        self.received.insert(id, Held { round: r, from: announcer, ..held });
        self.make_eager(announcer);
        cx.send(announcer, Msg::Graft { id: None, round: r, bytes: self.control_bytes() });
        self.grafts += 1;
        self.make_lazy(parent);
        self.prune(parent, cx);
        self.parent = Some(announcer);
    }

    /// Sends PRUNE to `peer`.
    fn prune(&mut self, peer: NodeId, cx: Cx) {
        cx.send(peer, Msg::Prune { bytes: self.config.header_bytes });
        self.prunes += 1;
    }

    /// IHAVE(id, round) from `from` (§3.6): for a missing message, queue the announcer and start
    /// the wait unless one runs; for a held one, the optimization may swap links (§3.8).
    pub(super) fn on_ihave(&mut self, from: NodeId, id: MsgId, round: Round, cx: Cx) {
        if self.holds(id) {
            if self.optimizes() {
                self.optimize(id, from, round, cx);
            }
            return;
        }
        let missing = self.missing.entry(id).or_default();
        if !missing.announcers.iter().any(|a| a.0 == from) {
            missing.announcers.push((from, round));
        }
        if !missing.waiting {
            missing.waiting = true;
            cx.set_timer(SimDuration::from_ms_f64(self.config.timeout1_ms), Timer::Missing(id));
        }
    }

    /// The wait for `id` is over (§3.6): unless it arrived, GRAFT the first announcer left and
    /// wait `timeout2` for its answer; with none left, stop until the next IHAVE.
    pub(super) fn on_missing_timer(&mut self, id: MsgId, cx: Cx) {
        if self.holds(id) {
            return;
        }
        let Some(missing) = self.missing.get_mut(&id) else {
            return;
        };
        if missing.announcers.is_empty() {
            missing.waiting = false;
            return;
        }
        let (announcer, round) = missing.announcers.remove(0);
        cx.set_timer(SimDuration::from_ms_f64(self.config.timeout2_ms), Timer::Missing(id));
        self.make_eager(announcer);
        cx.send(announcer, Msg::Graft { id: Some(id), round, bytes: self.control_bytes() });
        self.grafts += 1;
    }

    /// GRAFT(id, round) from `from` (§3.6): the sender becomes eager, and gets the message if
    /// it asked for one this node holds (at the GRAFT's round).
    pub(super) fn on_graft(&mut self, from: NodeId, id: Option<MsgId>, round: Round, cx: Cx) {
        self.make_eager(from);
        if let Some((id, held)) = id.and_then(|id| self.received.get(&id).map(|h| (id, *h))) {
            cx.send(from, Msg::Gossip { id, round, bytes: held.bytes });
        }
    }
}
