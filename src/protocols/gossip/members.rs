//! Peers: whom a node gossips with (uniform over the membership it knows, or its Cyclon view),
//! the start, joins and leaves, membership notices and Cyclon's shuffles.

use super::{Gossip, Msg, Peers, Timer};
use crate::protocol::{Context, MemberChange, NodeId};
use crate::protocols::blocks::{Entry, Members};
use crate::time::SimDuration;
use rand::Rng;

type Cx<'a> = Context<'a, Msg, Timer>;

impl Gossip {
    /// The run starts: a pulling node starts its periods; a Cyclon node draws its initial view
    /// from the initial members and starts shuffling.
    pub(super) fn start(&mut self, cx: &mut Cx<'_>) {
        if self.config().mode.pulls() {
            self.start_ticking_at_random(cx);
        }
        if self.config().peers == Peers::Cyclon {
            let me = cx.me();
            let side = self.side();
            let members = side.members.clone();
            if let Some(view) = side.cyclon.as_mut() {
                view.bootstrap(&members, me, cx.rng());
            }
            self.start_shuffling(cx);
        }
    }

    /// This node joins (or comes back after a crash): JOIN to each contact; its Cyclon view
    /// starts with the contacts until one answers with its view.
    pub(super) fn join(&mut self, contacts: Vec<NodeId>, cx: &mut Cx<'_>) {
        let (me, bytes) = (cx.me(), self.config().header_bytes);
        let side = self.side();
        for &c in contacts.iter().filter(|&&c| c != me) {
            side.members.add(c);
            if let Some(view) = side.cyclon.as_mut() {
                view.insert(c, me, cx.rng());
            }
            cx.send(c, Msg::Join { bytes });
        }
        if self.config().mode.pulls() {
            self.start_ticking_at_random(cx);
        }
        if self.config().peers == Peers::Cyclon {
            self.start_shuffling(cx);
        }
    }

    /// This node leaves: LEAVE to `fanout` peers.
    pub(super) fn leave(&mut self, cx: &mut Cx<'_>) {
        let bytes = self.config().header_bytes;
        for to in self.pick_peers(cx) {
            cx.send(to, Msg::Leave { bytes });
        }
    }

    /// A membership notice: joined and recovered nodes become members, left and crashed ones
    /// are forgotten (and leave the Cyclon view).
    pub(super) fn on_membership(&mut self, change: MemberChange, me: NodeId) {
        if change.node() == me {
            return;
        }
        let side = self.side();
        match change {
            MemberChange::Joined(n) | MemberChange::Recovered(n) | MemberChange::NeighborUp(n) => {
                side.members.add(n);
            }
            MemberChange::NeighborDown(_) | MemberChange::Unreachable(_) => {}
            MemberChange::Left(n) | MemberChange::Crashed(n) => {
                side.members.remove(n);
                if let Some(view) = side.cyclon.as_mut() {
                    view.remove(n);
                }
            }
        }
    }

    /// A packet from `from` shows it is a member.
    pub(super) fn learn(&mut self, from: NodeId, me: NodeId) {
        if from != me && !self.knows_member(from) {
            self.side().members.add(from);
        }
    }

    /// A JOIN from `from`: it is a member (already recorded by [`Gossip::learn`]); with Cyclon,
    /// it enters the view and gets the view as an answer.
    pub(super) fn on_join(&mut self, from: NodeId, cx: &mut Cx<'_>) {
        let (me, header) = (cx.me(), self.config().header_bytes);
        let Some(view) = self.side.as_mut().and_then(|s| s.cyclon.as_mut()) else { return };
        let entries: Vec<Entry> = view.entries().iter().copied().filter(|e| e.node != from).collect();
        view.insert(from, me, cx.rng());
        let bytes = shuffle_bytes(header, entries.len());
        cx.send(from, Msg::shuffle(entries, true, bytes));
    }

    /// A LEAVE from `from`: it is forgotten.
    pub(super) fn on_leave(&mut self, from: NodeId, me: NodeId) {
        self.on_membership(MemberChange::Left(from), me);
    }

    /// A Cyclon shuffle from `from`, or the answer to this node's.
    pub(super) fn on_shuffle(&mut self, from: NodeId, entries: &[Entry], answer: bool, cx: &mut Cx<'_>) {
        let (me, header) = (cx.me(), self.config().header_bytes);
        let Some(view) = self.side.as_mut().and_then(|s| s.cyclon.as_mut()) else { return };
        if answer {
            view.on_answer(me, entries);
            return;
        }
        let reply = view.answer(me, from, entries, cx.rng());
        let bytes = shuffle_bytes(header, reply.len());
        cx.send(from, Msg::shuffle(reply, true, bytes));
    }

    /// The shuffle period: shuffle with the oldest neighbour, and re-arm.
    pub(super) fn on_shuffle_timer(&mut self, cx: &mut Cx<'_>) {
        let (me, header) = (cx.me(), self.config().header_bytes);
        if let Some(view) = self.side.as_mut().and_then(|s| s.cyclon.as_mut()) {
            if let Some((to, send)) = view.start_shuffle(me, cx.rng()) {
                let bytes = shuffle_bytes(header, send.len());
                cx.send(to, Msg::shuffle(send, false, bytes));
            }
        }
        cx.set_timer(SimDuration::from_ms_f64(self.config().shuffle_period_ms), Timer::Shuffle);
    }

    /// Starts shuffling after a uniform fraction of a shuffle period.
    fn start_shuffling(&mut self, cx: &mut Cx<'_>) {
        let u: f64 = cx.rng().random();
        let after = SimDuration::from_ms_f64(self.config().shuffle_period_ms * (1.0 - u)).max(SimDuration(1));
        cx.set_timer(after, Timer::Shuffle);
    }

    /// `fanout` distinct peers: drawn uniformly from the known membership, or from the view.
    pub(super) fn pick_peers(&mut self, cx: &mut Cx<'_>) -> Vec<NodeId> {
        let (me, fanout) = (cx.me(), self.config().fanout);
        let mut out = Vec::with_capacity(fanout as usize);
        match &self.side {
            Some(side) => match &side.cyclon {
                Some(view) => view.sample(cx.rng(), fanout, &mut out),
                None => side.members.sample(cx.rng(), fanout, me, &mut out),
            },
            None => Members::initial(self.setup.size).sample(cx.rng(), fanout, me, &mut out),
        }
        out
    }
}

/// A SHUFFLE's size: the header and 8 bytes per entry (an id and an age).
fn shuffle_bytes(header: u32, entries: usize) -> u32 {
    header.saturating_add(8u32.saturating_mul(entries as u32))
}
