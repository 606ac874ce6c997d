//! One node's HyParView layer: joins (§4.2), the active view's upkeep with NEIGHBOR and
//! DISCONNECT (§4.2, §4.3), repair from the passive view when the transport reports a peer
//! unreachable (§4.3), and the inner protocol told of every change of the active view. The
//! shuffle (§4.4) is in [`super::shuffle`].

use super::config::HyParViewConfig;
use super::views::Views;
use super::wire::{HpvMsg, HpvTimer, NO_REQUEST};
use crate::protocol::{
    Context, Description, GroupInfo, Inner, Input, Layer, MemberChange, NodeId, OverlayLink, Protocol,
};
use crate::time::SimDuration;
use rand::Rng;

/// A NEIGHBOR request (or a JOIN) waiting for its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending {
    /// The peer asked.
    pub peer: NodeId,
    /// The request's generation, carried by its time-out.
    pub gen: u32,
    /// Whether it is this node's JOIN (to a contact), not a NEIGHBOR request.
    pub join: bool,
}

/// One node's HyParView state. See the module docs of [`super`].
#[derive(Clone, Debug)]
pub struct HyParView {
    pub(super) me: NodeId,
    pub(super) config: HyParViewConfig,
    pub(super) views: Views,
    /// The request waiting for its answer, if any (one at a time, §4.3).
    pending: Option<Pending>,
    /// The generation of the latest request.
    gen: u32,
    /// Whether the node is replacing lost active peers from its passive view (§4.3), and the
    /// passive peers it has asked since it began.
    repairing: bool,
    tried: Vec<NodeId>,
    /// Whether the repair under way is the periodic refill's (see [`HyParView::refill`]).
    refilling: bool,
    /// Whether a retry of a node left alone is due (see [`HyParView::continue_repair`]).
    alone_retry_due: bool,
    /// Whether a periodic refill found every passive peer refusing while the active view held
    /// a single peer, and it still does (see [`HyParView::refill`]).
    lone_refused: bool,
    /// The nodes this one may join through: the well-known contacts.
    contacts: Vec<NodeId>,
    /// How many initial members the group has (a last resort to join through).
    group_size: u32,
    /// The entries this node sent in its latest shuffle (evicted first when the reply comes).
    pub(super) last_shuffle: Vec<NodeId>,
}

pub(super) type Cx<'c, 'a, M, T> = &'c mut Context<'a, HpvMsg<M>, HpvTimer<T>>;

impl HyParView {
    /// The active view.
    pub fn active(&self) -> &[NodeId] {
        self.views.active()
    }

    /// The passive view.
    pub fn passive(&self) -> &[NodeId] {
        self.views.passive()
    }

    /// The request waiting for an answer, if any.
    pub fn pending(&self) -> Option<Pending> {
        self.pending
    }

    /// Bytes the layer holds beyond its struct.
    pub fn heap_bytes(&self) -> usize {
        self.views.heap_bytes() + (self.tried.capacity() + self.contacts.capacity() + self.last_shuffle.capacity()) * 4
    }

    fn is_full(&self) -> bool {
        self.views.active().len() >= self.config.active as usize
    }

    /// Puts `n` in the active view (§4.2 addNodeActiveView), first dropping a random peer
    /// with a DISCONNECT if the view is full; tells the inner protocol. Whether `n` came in.
    pub(super) fn add_active<P: Protocol>(
        &mut self,
        n: NodeId,
        inner: &mut Inner<'_, P>,
        cx: Cx<'_, '_, P::Msg, P::Timer>,
    ) -> bool {
        if n == self.me || self.views.is_active(n) || self.config.active == 0 {
            return false;
        }
        if self.is_full() {
            if let Some(d) = self.views.random_active(&[], cx.rng()) {
                self.views.remove_active(d);
                self.forget_request_to(d);
                cx.send(d, HpvMsg::Disconnect { leaving: false });
                let me = self.me;
                self.views.add_passive(me, d, &[], cx.rng());
                run_inner(Input::Membership(MemberChange::NeighborDown(d)), inner, cx);
            }
        }
        self.views.push_active(n);
        run_inner(Input::Membership(MemberChange::NeighborUp(n)), inner, cx);
        true
    }

    /// Stops waiting for the answer of a request to `peer` (the link was set up or torn down
    /// otherwise): an acceptance still on its way is then undone ([`HyParView::on_reply`]).
    fn forget_request_to(&mut self, peer: NodeId) {
        if self.pending.is_some_and(|p| p.peer == peer && !p.join) {
            self.pending = None;
        }
    }

    /// Takes `n` out of the active view, telling the inner protocol; whether it was there.
    fn drop_active<P: Protocol>(
        &mut self,
        n: NodeId,
        inner: &mut Inner<'_, P>,
        cx: Cx<'_, '_, P::Msg, P::Timer>,
    ) -> bool {
        let was = self.views.remove_active(n);
        if was {
            run_inner(Input::Membership(MemberChange::NeighborDown(n)), inner, cx);
        }
        was
    }

    /// Sends a request to `peer` and waits for its answer (or its time-out).
    fn ask<M, T>(&mut self, peer: NodeId, join: bool, cx: Cx<'_, '_, M, T>) {
        self.gen = self.gen.wrapping_add(1).max(NO_REQUEST + 1);
        let req = self.gen;
        self.pending = Some(Pending { peer, gen: req, join });
        let msg = if join { HpvMsg::Join { req } } else { HpvMsg::Neighbor { high: self.high_priority(), req } };
        cx.send(peer, msg);
        cx.set_timer(self.config.neighbor_timeout, HpvTimer::NeighborTimeout { gen: self.gen });
    }

    /// Whether a NEIGHBOR request now is of high priority: with an empty active view (§4.3),
    /// or in a periodic refill of a single-peer view after a whole refill was refused.
    fn high_priority(&self) -> bool {
        let active = self.views.active().len();
        active == 0 || (active == 1 && self.refilling && self.lone_refused)
    }

    /// Joins the overlay through a contact (§4.2): a well-known node at random, or, with none
    /// (or only this one), an initial member at random.
    fn join_any<M, T>(&mut self, cx: Cx<'_, '_, M, T>) {
        let me = self.me;
        let others: Vec<NodeId> = self.contacts.iter().copied().filter(|&c| c != me).collect();
        let contact = if others.is_empty() {
            if self.group_size < 2 {
                return;
            }
            let c = cx.rng().random_range(0..self.group_size);
            if c == me {
                (c + 1) % self.group_size
            } else {
                c
            }
        } else {
            others[cx.rng().random_range(0..others.len())]
        };
        self.ask(contact, true, cx);
    }

    /// Starts the periodic shuffle, its first at a random phase after `after`.
    fn start_shuffles<M, T>(&mut self, after: SimDuration, cx: Cx<'_, '_, M, T>) {
        let period = self.config.shuffle_period.0.max(1);
        let phase = cx.rng().random_range(1..=period);
        cx.set_timer(SimDuration(after.0.saturating_add(phase)), HpvTimer::Shuffle);
    }

    /// An initial member at the start: member 0 is the overlay's first node; member i joins at
    /// i join staggers through a member drawn among 0..i, already in (or joining) the overlay.
    fn on_start<M, T>(&mut self, cx: Cx<'_, '_, M, T>) {
        let at = self.config.join_stagger.times(u64::from(self.me));
        if self.me > 0 {
            cx.set_timer(at, HpvTimer::Bootstrap);
        }
        self.start_shuffles(at, cx);
    }

    /// An initial member's turn to join.
    fn on_bootstrap<M, T>(&mut self, cx: Cx<'_, '_, M, T>) {
        if self.me > 0 && self.views.active().is_empty() && self.pending.is_none() {
            let contact = cx.rng().random_range(0..self.me);
            self.ask(contact, true, cx);
        }
    }

    /// Begins replacing lost active peers from the passive view (§4.3).
    fn start_repair<M, T>(&mut self, cx: Cx<'_, '_, M, T>) {
        self.start_repair_without(None, cx);
    }

    /// Begins replacing lost active peers from the passive view (§4.3), not asking `skip` (a
    /// peer that has just dropped this node).
    fn start_repair_without<M, T>(&mut self, skip: Option<NodeId>, cx: Cx<'_, '_, M, T>) {
        if !self.repairing {
            self.repairing = true;
            self.refilling = false;
            self.tried.clear();
        }
        self.tried.extend(skip);
        self.continue_repair(cx);
    }

    /// Asks the next passive peer not yet tried, while the active view is not full and no
    /// request is out. A node whose active view is empty and that has tried them all (or has
    /// none but the peer that just dropped it) asks them all again an `alone_retry` later, the
    /// dropping peer included, with high priority ([`HyParView::refill`]); if that refill runs
    /// out too, it joins again through a contact, whose FORWARD_JOIN walks reach the whole
    /// overlay. (Not at once: a joiner briefly alone gets its walks' NEIGHBORs within a round
    /// trip or two, and the contacts would be flooded with JOINs. Not for a merely short view:
    /// each JOIN forces the joiner into full views, whose dropped peers fall short in turn, and
    /// the overlay never settles.)
    pub(super) fn continue_repair<M, T>(&mut self, cx: Cx<'_, '_, M, T>) {
        if self.pending.is_some() || !self.repairing {
            return;
        }
        if self.is_full() {
            self.repairing = false;
            return;
        }
        match self.views.random_passive(&self.tried, cx.rng()) {
            Some(q) => {
                self.tried.push(q);
                self.ask(q, false, cx);
            }
            None => {
                self.repairing = false;
                if self.refilling && self.views.active().len() == 1 {
                    self.lone_refused = true;
                }
                if self.views.active().is_empty() {
                    self.left_alone(cx);
                }
            }
        }
    }

    /// A node alone with no passive peer left to ask: after a refill it joins through a
    /// contact; after a failure or a DISCONNECT it tries again an `alone_retry` later.
    fn left_alone<M, T>(&mut self, cx: Cx<'_, '_, M, T>) {
        if self.refilling {
            self.join_any(cx);
        } else if !self.alone_retry_due {
            self.alone_retry_due = true;
            cx.set_timer(self.config.alone_retry, HpvTimer::AloneRetry);
        }
    }

    /// A node left alone has waited `alone_retry`: if it is still alone, it asks its whole
    /// passive view again, joining through a contact if none takes it.
    fn on_alone_retry<M, T>(&mut self, cx: Cx<'_, '_, M, T>) {
        self.alone_retry_due = false;
        if self.views.active().is_empty() {
            self.refill(cx);
        }
    }

    /// The periodic refill: a node whose active view is short of full asks its passive peers
    /// in turn, as after a failure (low-priority requests unless its active view is empty, or
    /// holds a single peer and the previous refill was refused by every passive peer).
    pub(super) fn refill<M, T>(&mut self, cx: Cx<'_, '_, M, T>) {
        if self.views.active().len() != 1 {
            self.lone_refused = false;
        }
        if self.pending.is_none() && !self.is_full() {
            self.repairing = true;
            self.refilling = true;
            self.tried.clear();
            self.continue_repair(cx);
        }
    }

    /// A JOIN from `joiner` (§4.2): it comes into the active view, is told so, and is announced
    /// by FORWARD_JOINs to every other active peer.
    fn on_join<P: Protocol>(
        &mut self,
        joiner: NodeId,
        req: u32,
        inner: &mut Inner<'_, P>,
        cx: Cx<'_, '_, P::Msg, P::Timer>,
    ) {
        if joiner == self.me {
            return;
        }
        cx.send(joiner, HpvMsg::NeighborReply { accepted: true, req });
        self.add_active(joiner, inner, cx);
        let ttl = self.config.arwl;
        let others: Vec<NodeId> = self.views.active().iter().copied().filter(|&n| n != joiner).collect();
        cx.multicast(others, HpvMsg::ForwardJoin { joiner, ttl });
    }

    /// A FORWARD_JOIN (§4.2): at the walk's end (TTL 0, or a lone active peer) the joiner comes
    /// into the active view (told with a high-priority NEIGHBOR); at TTL = PRWL into the passive
    /// view; the walk goes on to a random active peer other than the sender.
    fn on_forward_join<P: Protocol>(
        &mut self,
        from: NodeId,
        joiner: NodeId,
        ttl: u32,
        inner: &mut Inner<'_, P>,
        cx: Cx<'_, '_, P::Msg, P::Timer>,
    ) {
        if joiner == self.me {
            return;
        }
        let next = if ttl == 0 || self.views.active().len() <= 1 {
            None
        } else {
            self.views.random_active(&[from, joiner], cx.rng())
        };
        match next {
            Some(n) => {
                if ttl == self.config.prwl {
                    let me = self.me;
                    self.views.add_passive(me, joiner, &[], cx.rng());
                }
                cx.send(n, HpvMsg::ForwardJoin { joiner, ttl: ttl - 1 });
            }
            None if !self.views.is_active(joiner) => {
                cx.send(joiner, HpvMsg::Neighbor { high: true, req: NO_REQUEST });
                self.add_active(joiner, inner, cx);
            }
            None => {}
        }
    }

    /// A NEIGHBOR request (§4.3): one of high priority is always granted (a random peer dropped
    /// to make room); one of low priority only while the active view has room.
    fn on_neighbor<P: Protocol>(
        &mut self,
        from: NodeId,
        high: bool,
        req: u32,
        inner: &mut Inner<'_, P>,
        cx: Cx<'_, '_, P::Msg, P::Timer>,
    ) {
        let accepted = self.views.is_active(from) || high || !self.is_full();
        cx.send(from, HpvMsg::NeighborReply { accepted, req });
        if accepted {
            // Two requests that crossed: the link is up, this node's own answer is moot.
            self.forget_request_to(from);
            self.add_active(from, inner, cx);
            self.continue_repair(cx);
        }
    }

    /// The answer to this node's request (`req` tells it from an older one to the same peer).
    /// An acceptance this node no longer waits for (after the time-out, or of a link this node
    /// has dropped since) is undone with a DISCONNECT, so that views stay symmetric.
    fn on_reply<P: Protocol>(
        &mut self,
        from: NodeId,
        accepted: bool,
        req: u32,
        inner: &mut Inner<'_, P>,
        cx: Cx<'_, '_, P::Msg, P::Timer>,
    ) {
        let awaited = self.pending.filter(|p| p.peer == from && p.gen == req);
        if awaited.is_some() {
            self.pending = None;
        }
        if accepted && !self.views.is_active(from) {
            if awaited.is_some() {
                self.add_active(from, inner, cx);
            } else if self.pending.is_none_or(|p| p.peer != from) {
                // (With a later request to the same peer under way, its answer settles the
                // link: a DISCONNECT now would reach the peer after it granted that one.)
                cx.send(from, HpvMsg::Disconnect { leaving: false });
            }
        }
        self.continue_repair(cx);
    }

    /// A DISCONNECT (§4.2): the peer leaves the active view for the passive one (for no view if
    /// it is leaving the group, which is then repaired as a failure).
    fn on_disconnect<P: Protocol>(
        &mut self,
        from: NodeId,
        leaving: bool,
        inner: &mut Inner<'_, P>,
        cx: Cx<'_, '_, P::Msg, P::Timer>,
    ) {
        let was = self.drop_active(from, inner, cx);
        if leaving {
            self.views.remove_passive(from);
        } else if was {
            let me = self.me;
            self.views.add_passive(me, from, &[], cx.rng());
        }
        if was {
            self.start_repair_without(Some(from), cx);
        }
    }

    /// The transport gave up on `peer` (§4.3, the paper's TCP failure detector): it leaves both
    /// views; an active peer is replaced from the passive view; a request to it counts as
    /// refused (a JOIN is tried again through another contact).
    fn on_unreachable<P: Protocol>(
        &mut self,
        peer: NodeId,
        inner: &mut Inner<'_, P>,
        cx: Cx<'_, '_, P::Msg, P::Timer>,
    ) {
        self.views.remove_passive(peer);
        let lost = self.drop_active(peer, inner, cx);
        let pending = self.pending.filter(|p| p.peer == peer);
        if let Some(p) = pending {
            self.pending = None;
            if p.join && self.views.active().is_empty() {
                return self.join_any(cx);
            }
        }
        if lost {
            self.start_repair(cx);
        } else {
            self.continue_repair(cx);
        }
    }

    /// A request's time-out: refused, as far as this node is concerned.
    fn on_neighbor_timeout<M, T>(&mut self, gen: u32, cx: Cx<'_, '_, M, T>) {
        let Some(p) = self.pending.filter(|p| p.gen == gen) else { return };
        self.pending = None;
        if p.join && self.views.active().is_empty() {
            return self.join_any(cx);
        }
        self.continue_repair(cx);
    }

    /// A packet from `from` that only an active peer sends (a walk's hop, the inner protocol's
    /// packets): if `from` is not in the active view (it missed a DISCONNECT that overtook its
    /// link's set-up), it is told to drop this node, so that views stay symmetric.
    pub(super) fn expect_active<M, T>(&mut self, from: NodeId, cx: Cx<'_, '_, M, T>) {
        let awaited = self.pending.is_some_and(|p| p.peer == from);
        if !self.views.is_active(from) && !awaited {
            cx.send(from, HpvMsg::Disconnect { leaving: false });
        }
    }

    fn on_recv<P: Protocol>(
        &mut self,
        from: NodeId,
        msg: HpvMsg<P::Msg>,
        inner: &mut Inner<'_, P>,
        cx: Cx<'_, '_, P::Msg, P::Timer>,
    ) {
        match msg {
            HpvMsg::Inner(m) => {
                self.expect_active(from, cx);
                run_inner(Input::Recv { from, msg: m }, inner, cx);
            }
            HpvMsg::Join { req } => self.on_join(from, req, inner, cx),
            HpvMsg::ForwardJoin { joiner, ttl } => {
                self.expect_active(from, cx);
                self.on_forward_join(from, joiner, ttl, inner, cx);
            }
            HpvMsg::Neighbor { high, req } => self.on_neighbor(from, high, req, inner, cx),
            HpvMsg::NeighborReply { accepted, req } => self.on_reply(from, accepted, req, inner, cx),
            HpvMsg::Disconnect { leaving } => self.on_disconnect(from, leaving, inner, cx),
            HpvMsg::Shuffle { origin, ttl, nodes } => self.on_shuffle(from, origin, ttl, nodes, cx),
            HpvMsg::ShuffleReply { nodes } => self.on_shuffle_reply(&nodes, cx),
            HpvMsg::KeepAlive => self.expect_active(from, cx),
        }
    }

    /// The node leaves the group: every active peer is told (§4.2's DISCONNECT, marked leaving).
    fn on_leave<M, T>(&mut self, cx: Cx<'_, '_, M, T>) {
        let active = self.views.active().to_vec();
        cx.multicast(active, HpvMsg::Disconnect { leaving: true });
    }
}

/// Runs the inner protocol on `input` and passes on what it asked for, its packets and timers
/// wrapped.
pub(super) fn run_inner<P: Protocol>(
    input: Input<P::Msg, P::Timer>,
    inner: &mut Inner<'_, P>,
    cx: Cx<'_, '_, P::Msg, P::Timer>,
) {
    inner.pass(input, cx, HpvMsg::Inner, HpvTimer::Inner);
}

impl<P: Protocol> Layer<P> for HyParView {
    type Msg = HpvMsg<P::Msg>;
    type Timer = HpvTimer<P::Timer>;
    type Config = HyParViewConfig;

    const TRANSPORT_FAILURES: bool = true;

    fn new(me: NodeId, group: &GroupInfo, config: &HyParViewConfig) -> HyParView {
        HyParView {
            me,
            config: *config,
            views: Views::new(config.passive),
            pending: None,
            gen: 0,
            repairing: false,
            tried: Vec::new(),
            refilling: false,
            alone_retry_due: false,
            lone_refused: false,
            contacts: group.senders.clone(),
            group_size: group.size,
            last_shuffle: Vec::new(),
        }
    }

    fn handle(
        &mut self,
        input: Input<Self::Msg, Self::Timer>,
        inner: &mut Inner<'_, P>,
        cx: Cx<'_, '_, P::Msg, P::Timer>,
    ) {
        match input {
            Input::Recv { from, msg } => self.on_recv(from, msg, inner, cx),
            Input::Timer(HpvTimer::Inner(t)) => run_inner(Input::Timer(t), inner, cx),
            Input::Timer(HpvTimer::Bootstrap) => self.on_bootstrap(cx),
            Input::Timer(HpvTimer::Shuffle) => self.on_shuffle_timer(cx),
            Input::Timer(HpvTimer::NeighborTimeout { gen }) => self.on_neighbor_timeout(gen, cx),
            Input::Timer(HpvTimer::AloneRetry) => self.on_alone_retry(cx),
            Input::Membership(MemberChange::Unreachable(peer)) => self.on_unreachable(peer, inner, cx),
            Input::Start => {
                self.on_start(cx);
                run_inner(Input::Start, inner, cx);
            }
            Input::Join { contacts } => {
                self.contacts.clone_from(&contacts);
                self.start_shuffles(SimDuration::ZERO, cx);
                self.join_any(cx);
                run_inner(Input::Join { contacts }, inner, cx);
            }
            Input::Restart { contacts } => {
                self.contacts.clone_from(&contacts);
                self.start_shuffles(SimDuration::ZERO, cx);
                self.join_any(cx);
                run_inner(Input::Restart { contacts }, inner, cx);
            }
            Input::Leave { contacts } => {
                self.on_leave(cx);
                run_inner(Input::Leave { contacts }, inner, cx);
            }
            Input::Membership(change) => run_inner(Input::Membership(change), inner, cx),
            Input::AppSend { id, bytes } => run_inner(Input::AppSend { id, bytes }, inner, cx),
        }
    }

    /// Its two views, and the request it waits on.
    fn describe(&self, out: &mut Description) {
        let (a, p) = (self.views.active().len(), self.views.passive().len());
        out.state(format!("HyParView: {a} of {} active, {p} of {} passive", self.config.active, self.config.passive));
        out.link("active view", self.views.active().iter().copied());
        out.link("passive view", self.views.passive().iter().copied());
        if let Some(p) = self.pending {
            let what = if p.join { "join through" } else { "neighbour request to" };
            out.fact("waiting for", format!("{what} node {}", p.peer));
        }
        if self.repairing {
            out.fact("repairing", format!("{} passive peer(s) asked", self.tried.len()));
        }
    }

    fn describe_timer(&self, timer: &Self::Timer, inner: &P) -> String {
        match timer {
            HpvTimer::Inner(t) => inner.describe_timer(t),
            HpvTimer::Bootstrap => "HyParView: join the overlay".to_string(),
            HpvTimer::Shuffle => "HyParView: shuffle (and refill the active view)".to_string(),
            HpvTimer::NeighborTimeout { gen } => match self.pending.filter(|p| p.gen == *gen) {
                Some(p) if p.join => format!("HyParView: give up on the join through node {} and try again", p.peer),
                Some(p) => format!("HyParView: give up on the neighbour request to node {} and ask another", p.peer),
                None => format!("HyParView: neighbour request {gen} times out, but it was answered: nothing to do"),
            },
            HpvTimer::AloneRetry if self.views.active().is_empty() => {
                "HyParView: still alone, ask every passive peer again (or join through a contact)".to_string()
            }
            HpvTimer::AloneRetry => "HyParView: it was alone, but has a peer again: nothing to do".to_string(),
        }
    }

    fn overlay(&self, out: &mut Vec<(NodeId, OverlayLink)>) {
        out.extend(self.views.active().iter().map(|&n| (n, OverlayLink::Active)));
    }
}
