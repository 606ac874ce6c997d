//! One member's SWIM layer: suspicion (§4.2) and piggybacked dissemination (§4.1) around an
//! inner protocol, which hears of confirmed failures, leaves and joins as [`Input::Membership`].
//! The probe cycle (§3.1, §4.3) is the shared failure-detection block's [`ProbeCycle`]: this
//! layer drives it (its timers, its packets) and acts on its verdicts.

use super::config::SwimConfig;
use super::members::{Effect, Members, State};
use super::piggyback::Piggyback;
use super::wire::{Claim, SwimMsg, SwimTimer, Update};
use crate::protocol::{Belief, Context, Description, GroupInfo, Inner, Input, Layer, MemberChange, NodeId, Protocol};
use crate::protocols::blocks::{Probe, ProbeConfig, ProbeCycle, ProbeStep, ProbeTargets};
use rand::Rng;

/// One member's SWIM state. See the module docs of [`super`].
#[derive(Clone, Debug)]
pub struct Swim {
    me: NodeId,
    config: SwimConfig,
    members: Members,
    gossip: Piggyback,
    incarnation: u32,
    probes: ProbeCycle,
}

type Cx<'c, 'a, M, T> = &'c mut Context<'a, SwimMsg<M>, SwimTimer<T>>;

impl Swim {
    /// The member list.
    pub fn members(&self) -> &Members {
        &self.members
    }

    /// This member's incarnation number.
    pub fn incarnation(&self) -> u32 {
        self.incarnation
    }

    /// The current period's probe, if any.
    pub fn probe(&self) -> Option<Probe> {
        self.probes.probe()
    }

    /// The updates waiting to be piggybacked.
    pub fn gossip(&self) -> &Piggyback {
        &self.gossip
    }

    /// Bytes the layer holds beyond its struct (member list, probe order, updates, relays).
    pub fn heap_bytes(&self) -> usize {
        self.members.bytes() + self.gossip.len() * 20 + self.probes.heap_bytes()
    }

    /// Starts the probe cycle: the first period ends at a random phase (members' periods are
    /// not synchronised).
    fn start<M, T>(&mut self, cx: Cx<'_, '_, M, T>) {
        let period = self.config.period.0.max(1);
        let phase = cx.rng().random_range(1..=period);
        cx.set_timer(crate::time::SimDuration(phase), SwimTimer::Period);
    }

    /// The end of a protocol period: the last probe unanswered suspects (or confirms) its
    /// target; then the next target is pinged.
    fn on_period<P: Protocol>(&mut self, inner: &mut Inner<'_, P>, cx: Cx<'_, '_, P::Msg, P::Timer>) {
        if let Some(ProbeStep::Failed(target)) = self.probes.end_period() {
            self.fail_probe(target, inner, cx);
        }
        cx.set_timer(self.config.period, SwimTimer::Period);
        let Some(ProbeStep::Ping { target, seq }) = self.probes.next_probe(&mut self.members, cx.rng()) else { return };
        let updates = self.piggyback();
        cx.send(target, SwimMsg::Ping { seq, updates });
        cx.set_timer(self.config.ping_timeout, SwimTimer::PingTimeout { seq });
    }

    /// `target` answered neither the ping nor the ping-reqs within the period.
    fn fail_probe<P: Protocol>(&mut self, target: NodeId, inner: &mut Inner<'_, P>, cx: Cx<'_, '_, P::Msg, P::Timer>) {
        let (state, inc) = self.members.get(target);
        if state != State::Alive {
            return;
        }
        let claim = if self.config.suspicion { Claim::Suspect } else { Claim::Confirm };
        self.learn(Update::new(claim, target, inc), inner, cx);
    }

    /// The direct ping went unanswered for the ping timeout: k members are asked to ping.
    fn on_ping_timeout<M, T>(&mut self, seq: u32, cx: Cx<'_, '_, M, T>) {
        for step in self.probes.ping_timeout(seq, &self.members, cx.rng()) {
            if let ProbeStep::PingReq { helper, target, seq } = step {
                let updates = self.piggyback();
                cx.send(helper, SwimMsg::PingReq { seq, target, updates });
            }
        }
    }

    /// Updates for one outgoing packet.
    fn piggyback(&mut self) -> Vec<Update> {
        self.gossip.take(self.config.max_piggyback)
    }

    /// Queues `update` for dissemination.
    fn spread(&mut self, update: Update) {
        let limit = Piggyback::limit(self.config.lambda, self.members.count());
        self.gossip.push(update, limit);
    }

    /// Applies a received or locally made update and acts on what it changed.
    fn learn<P: Protocol>(&mut self, u: Update, inner: &mut Inner<'_, P>, cx: Cx<'_, '_, P::Msg, P::Timer>) {
        let effect = self.members.apply(u, cx.rng());
        let change = match effect {
            Effect::Stale => return,
            Effect::Refute => {
                self.incarnation = self.incarnation.max(u.incarnation) + 1;
                let me = self.me;
                self.members.set(me, State::Alive, self.incarnation, cx.rng());
                self.spread(Update::new(Claim::Alive, me, self.incarnation));
                return;
            }
            Effect::Renewed | Effect::Refuted => None,
            Effect::Joined => Some(MemberChange::Joined(u.node)),
            Effect::Recovered => Some(MemberChange::Recovered(u.node)),
            Effect::Left => Some(MemberChange::Left(u.node)),
            Effect::Suspected => {
                cx.push(crate::protocol::Output::Believe(Belief::Suspected(u.node)));
                let timer = SwimTimer::Suspicion { node: u.node, incarnation: u.incarnation };
                cx.set_timer(self.config.suspicion_timeout(), timer);
                None
            }
            Effect::Confirmed => {
                cx.push(crate::protocol::Output::Believe(Belief::Confirmed(u.node)));
                Some(MemberChange::Crashed(u.node))
            }
        };
        let (_, inc) = self.members.get(u.node);
        self.spread(Update { incarnation: inc, ..u });
        if let Some(change) = change {
            run_inner(Input::Membership(change), inner, cx);
        }
    }

    /// A suspicion's time-out: still suspected at the same incarnation, the member is confirmed.
    fn on_suspicion<P: Protocol>(
        &mut self,
        node: NodeId,
        incarnation: u32,
        inner: &mut Inner<'_, P>,
        cx: Cx<'_, '_, P::Msg, P::Timer>,
    ) {
        if self.members.get(node) == (State::Suspect, incarnation) {
            self.learn(Update::new(Claim::Confirm, node, incarnation), inner, cx);
        }
    }

    fn on_recv<P: Protocol>(
        &mut self,
        from: NodeId,
        msg: SwimMsg<P::Msg>,
        inner: &mut Inner<'_, P>,
        cx: Cx<'_, '_, P::Msg, P::Timer>,
    ) {
        let (updates, answer) = match msg {
            SwimMsg::Inner(m) => return run_inner(Input::Recv { from, msg: m }, inner, cx),
            SwimMsg::Ping { seq, updates } => (updates, Some((from, seq))),
            SwimMsg::Ack { seq, updates } => {
                self.on_ack(seq, cx);
                (updates, None)
            }
            SwimMsg::PingReq { seq, target, updates } => match self.probes.ping_req(from, seq, target) {
                ProbeStep::RelayPing { target, seq } => (updates, Some((target, seq))),
                _ => (updates, None),
            },
            SwimMsg::Updates { updates } => (updates, None),
        };
        for u in updates {
            self.learn(u, inner, cx);
        }
        match answer {
            Some((to, seq)) if to == from => {
                let updates = self.piggyback();
                cx.send(to, SwimMsg::Ack { seq, updates });
            }
            Some((target, seq)) => {
                let updates = self.piggyback();
                cx.send(target, SwimMsg::Ping { seq, updates });
                cx.set_timer(self.config.period, SwimTimer::RelayExpire { seq });
            }
            None => {}
        }
    }

    /// An ack: of this period's probe (direct or relayed), or of a ping sent for a ping-req,
    /// relayed to its requester.
    fn on_ack<M, T>(&mut self, seq: u32, cx: Cx<'_, '_, M, T>) {
        match self.probes.ack(seq) {
            // An answer from a member this one suspects: the suspicion is dropped here (§4.2);
            // others drop theirs when the suspect refutes it.
            Some(ProbeStep::Acked(target)) => {
                if let (State::Suspect, inc) = self.members.get(target) {
                    self.members.set(target, State::Alive, inc, cx.rng());
                }
            }
            Some(ProbeStep::RelayAck { requester, seq }) => {
                let updates = self.piggyback();
                cx.send(requester, SwimMsg::Ack { seq, updates });
            }
            _ => {}
        }
    }

    /// Announces `update` (a join or a leave) on its own to `to`, and queues it for piggybacking.
    fn announce<M, T>(&mut self, update: Update, to: &[NodeId], cx: Cx<'_, '_, M, T>) {
        self.spread(update);
        let to: Vec<NodeId> = to.iter().copied().filter(|&n| n != self.me).collect();
        cx.multicast(to, SwimMsg::Updates { updates: vec![update] });
    }
}

/// Runs the inner protocol on `input` and passes on what it asked for, its packets and timers
/// wrapped.
fn run_inner<P: Protocol>(input: Input<P::Msg, P::Timer>, inner: &mut Inner<'_, P>, cx: Cx<'_, '_, P::Msg, P::Timer>) {
    inner.pass(input, cx, SwimMsg::Inner, SwimTimer::Inner);
}

impl<P: Protocol> Layer<P> for Swim {
    type Msg = SwimMsg<P::Msg>;
    type Timer = SwimTimer<P::Timer>;
    type Config = SwimConfig;

    /// Its membership list as SWIM sees it: how many members it counts, which it suspects or
    /// has confirmed failed, and its own incarnation.
    fn describe(&self, out: &mut Description) {
        out.state(format!("SWIM: {} other member(s), incarnation {}", self.members.count(), self.incarnation));
        out.link("suspected", self.members.in_state(State::Suspect));
        out.link("confirmed failed", self.members.in_state(State::Dead));
        out.link("left", self.members.in_state(State::Left));
        if let Some(p) = self.probes.probe() {
            out.fact(
                "probing",
                format!("node {} (ping {}), {}", p.target, p.seq, if p.acked { "answered" } else { "no answer yet" }),
            );
        }
    }

    /// SWIM's own timers in words; the inner protocol's as it says them.
    fn describe_timer(&self, timer: &Self::Timer, inner: &P) -> String {
        match timer {
            SwimTimer::Inner(t) => inner.describe_timer(t),
            SwimTimer::Period => "SWIM: end of the protocol period".to_string(),
            SwimTimer::PingTimeout { seq } => match self.probes.probe().filter(|p| p.seq == *seq) {
                Some(p) if !p.acked => {
                    format!("SWIM: ping {seq} to node {} times out: ask others to ping it", p.target)
                }
                _ => format!("SWIM: ping {seq} times out, but it was answered: nothing to do"),
            },
            SwimTimer::Suspicion { node, incarnation } => {
                format!("SWIM: confirm node {node} failed if still suspected (incarnation {incarnation})")
            }
            SwimTimer::RelayExpire { seq } => format!("SWIM: forget relayed ping {seq}"),
        }
    }

    fn new(me: NodeId, group: &GroupInfo, config: &SwimConfig) -> Swim {
        Swim {
            me,
            config: *config,
            members: Members::new(me, group.size),
            gossip: Piggyback::default(),
            incarnation: 0,
            probes: ProbeCycle::new(ProbeConfig { helpers: config.k, round_robin: config.round_robin }),
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
            Input::Timer(SwimTimer::Inner(t)) => run_inner(Input::Timer(t), inner, cx),
            Input::Timer(SwimTimer::Period) => self.on_period(inner, cx),
            Input::Timer(SwimTimer::PingTimeout { seq }) => self.on_ping_timeout(seq, cx),
            Input::Timer(SwimTimer::Suspicion { node, incarnation }) => self.on_suspicion(node, incarnation, inner, cx),
            Input::Timer(SwimTimer::RelayExpire { seq }) => self.probes.relay_expired(seq),
            Input::Start => {
                self.start(cx);
                run_inner(Input::Start, inner, cx);
            }
            Input::Join { contacts } => {
                self.start(cx);
                self.announce(Update::new(Claim::Alive, self.me, 0), &contacts, cx);
                run_inner(Input::Join { contacts }, inner, cx);
            }
            Input::Restart { contacts } => {
                // A restarted member has lost its incarnation number: it takes one above any it
                // could have had, from its clock (milliseconds since the start, plus one).
                self.incarnation = (cx.now().0 / 1_000).min(u64::from(u32::MAX - 1)) as u32 + 1;
                let (me, inc) = (self.me, self.incarnation);
                self.members.set(me, State::Alive, inc, cx.rng());
                self.start(cx);
                self.announce(Update::new(Claim::Alive, me, inc), &contacts, cx);
                run_inner(Input::Restart { contacts }, inner, cx);
            }
            Input::Leave { contacts } => {
                let update = Update::new(Claim::Left, self.me, self.incarnation);
                let mut to = self.members.pick_helpers(self.config.k, self.me, cx.rng());
                for &c in &contacts {
                    if !to.contains(&c) {
                        to.push(c);
                    }
                }
                self.announce(update, &to, cx);
                run_inner(Input::Leave { contacts }, inner, cx);
            }
            Input::Membership(change) => run_inner(Input::Membership(change), inner, cx),
            Input::AppSend { id, bytes } => run_inner(Input::AppSend { id, bytes }, inner, cx),
        }
    }
}

/// SWIM's member list is what its probe cycle picks targets and helpers from.
impl ProbeTargets for Members {
    fn next_target(&mut self, rng: &mut impl rand::Rng) -> Option<NodeId> {
        Members::next_target(self, rng)
    }

    fn random_target(&self, rng: &mut impl rand::Rng) -> Option<NodeId> {
        Members::random_target(self, rng)
    }

    fn pick_helpers(&self, k: u32, target: NodeId, rng: &mut impl rand::Rng) -> Vec<NodeId> {
        Members::pick_helpers(self, k, target, rng)
    }
}
