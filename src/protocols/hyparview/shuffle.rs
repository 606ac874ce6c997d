//! The periodic shuffle (Leitão et al. 2007, §4.4): every period a node sends itself, ka of its
//! active peers and kp of its passive peers on a random walk of ARWL hops over the active
//! views; the walk's last node answers with as many of its passive peers, and both merge what
//! they got into their passive views, evicting first what they sent. The same timer refills an
//! active view that is short of full.

use super::node::{Cx, HyParView};
use super::wire::{HpvMsg, HpvTimer};
use crate::protocol::NodeId;

impl HyParView {
    /// The shuffle period's end: refill the active view if it is short, shuffle with a random
    /// active peer, and keep the links to the others alive (so that a dead one is noticed).
    pub(super) fn on_shuffle_timer<M, T>(&mut self, cx: Cx<'_, '_, M, T>) {
        cx.set_timer(self.config.shuffle_period, HpvTimer::Shuffle);
        self.refill(cx);
        let Some(q) = self.views.random_active(&[], cx.rng()) else { return };
        let others: Vec<NodeId> = self.views.active().iter().copied().filter(|&n| n != q).collect();
        cx.multicast(others, HpvMsg::KeepAlive);
        let mut nodes = vec![self.me];
        nodes.extend(self.views.sample_active(self.config.ka, q, cx.rng()));
        nodes.extend(self.views.sample_passive(self.config.kp, cx.rng()));
        self.last_shuffle.clone_from(&nodes);
        cx.send(q, HpvMsg::Shuffle { origin: self.me, ttl: self.config.arwl, nodes });
    }

    /// A SHUFFLE: passed on while its walk has hops left and there is an active peer other than
    /// the sender and origin; else answered to the origin and merged.
    pub(super) fn on_shuffle<M, T>(
        &mut self,
        from: NodeId,
        origin: NodeId,
        ttl: u32,
        nodes: Vec<NodeId>,
        cx: Cx<'_, '_, M, T>,
    ) {
        self.expect_active(from, cx);
        if origin == self.me {
            return;
        }
        let ttl = ttl.saturating_sub(1);
        if ttl > 0 {
            if let Some(next) = self.views.random_active(&[from, origin], cx.rng()) {
                cx.send(next, HpvMsg::Shuffle { origin, ttl, nodes });
                return;
            }
        }
        let reply = self.views.sample_passive(nodes.len() as u32, cx.rng());
        cx.send(origin, HpvMsg::ShuffleReply { nodes: reply.clone() });
        self.merge(&nodes, &reply, cx);
    }

    /// A SHUFFLEREPLY: merged, evicting first what this node sent in its shuffle.
    pub(super) fn on_shuffle_reply<M, T>(&mut self, nodes: &[NodeId], cx: Cx<'_, '_, M, T>) {
        let sent = std::mem::take(&mut self.last_shuffle);
        self.merge(nodes, &sent, cx);
    }

    /// Puts `nodes` into the passive view (not this node, not a peer already in a view),
    /// evicting first those of `sent`.
    fn merge<M, T>(&mut self, nodes: &[NodeId], sent: &[NodeId], cx: Cx<'_, '_, M, T>) {
        let me = self.me;
        for &n in nodes {
            self.views.add_passive(me, n, sent, cx.rng());
        }
    }
}
