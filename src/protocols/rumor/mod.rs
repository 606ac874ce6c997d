//! Rumor mongering (Demers, Greene, Hauser, Irish, Larson, Shenker, Sturgis, Swinehart and
//! Terry, "Epidemic Algorithms for Replicated Database Maintenance", PODC 1987, §1.4), with
//! anti-entropy as its backstop (§1.5).
//!
//! A new message is a *hot rumor* at its sender. Every period a node with hot rumors picks a
//! member uniformly at random and pushes them all, batched in one packet (push); or every node
//! asks a random member for its hot rumors (pull); or both in one contact (push-pull). A node
//! that learns a rumor delivers it and makes it hot in turn. A node loses interest in a rumor
//! ([`hot`]) after k *unnecessary contacts* (counter) or with probability 1/k at each (coin);
//! with *feedback* a contact is unnecessary only when the partner already knew the rumor (the
//! partner says so in its reply, [`wire`]), *blind* every contact that carries the rumor counts.
//! The counter grows by one per unnecessary contact and is never reset. A node accepts at most
//! `connection_limit` contacts per period and refuses the others (BUSY), which may make the
//! caller try other members ("hunting", `hunt` more per period).
//!
//! The epidemic ends with some members never reached: the *residue* s, which for push with
//! feedback and counter falls as s ≈ e^(−m) with the traffic m (rumor packets per member,
//! Table 1). Anti-entropy beneath (`anti_entropy_period_ms`, the machine of
//! [`crate::protocols::anti_entropy`]) reaches them: a message a node learns by anti-entropy is
//! delivered, and made hot again only with `anti_entropy_rekindle` (§1.5 calls doing nothing
//! more the conservative response, adequate when the rumor reached all but a few, and
//! redistribution as a hot rumor the remedy for a rumor that failed early).
//!
//! Cycles. The paper's cycle is one period. Ticks fall on multiples of the period (a node that
//! gets its first rumor between ticks waits for the next), and at each tick the node contacts
//! its peer only after the packets due at that instant, so that the partner's feedback on the
//! last contact counts before the next: in the round-synchronous network with two rounds per
//! period a contact and its reply fit one cycle, as in the paper's simulations.

#![deny(clippy::indexing_slicing)]

pub mod config;
mod family;
pub mod hot;
pub mod model;
#[cfg(test)]
mod tests;
pub mod wire;

pub use config::{Removal, RumorConfig, PARAMS};
pub use family::RumorFamily;
pub use wire::{Msg, Timer};

use crate::protocol::{msg_list, Context, Description, GroupInfo, Input, MsgId, NodeId, Protocol};
use crate::protocols::anti_entropy::store::{Held, IdSet, Store};
use crate::protocols::anti_entropy::{exchange_words, AeMsg, Exchange};
use crate::protocols::blocks::Members;
use crate::time::SimDuration;
use hot::HotList;

/// One node of rumor mongering.
#[derive(Clone, Debug)]
pub struct Rumor {
    me: NodeId,
    config: RumorConfig,
    period: SimDuration,
    peers: Members,
    store: Store,
    hot: HotList,
    /// Whether a tick is set.
    ticking: bool,
    /// The period whose contacts `accepted` counts.
    cycle: u64,
    /// Contacts accepted in period `cycle` (the connection limit).
    accepted: u32,
    /// Peers this node may still try in this period after a refusal (hunting).
    hunts_left: u32,
    /// The partner of this period's push and the rumors pushed, until its feedback comes.
    pushed: Option<(NodeId, Vec<MsgId>)>,
    /// The period of this node's last contact: rumors its reply brings were learned in it (a
    /// reply in the rounds mode lands on the next period's first instant).
    contact_cycle: u64,
}

impl Rumor {
    /// The rumors this node is spreading.
    pub fn hot(&self) -> &HotList {
        &self.hot
    }

    /// The messages this node holds.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The backstop's exchange settings.
    fn backstop(&self) -> Exchange {
        Exchange { direction: self.config.anti_entropy_direction, header_bytes: self.config.header_bytes }
    }

    /// Whether this node contacts a peer every period whatever it holds (it pulls).
    fn always_ticks(&self) -> bool {
        self.config.direction.pulls()
    }

    fn start(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if self.always_ticks() {
            self.ensure_ticking(cx);
        }
        if self.config.anti_entropy_period_ms > 0.0 {
            cx.set_timer(SimDuration::from_ms_f64(self.config.anti_entropy_period_ms), Timer::AntiEntropy);
        }
    }

    /// Sets a tick at the next multiple of the period, unless one is set.
    fn ensure_ticking(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if self.ticking {
            return;
        }
        self.ticking = true;
        let p = self.period.0.max(1);
        cx.set_timer(SimDuration(p - cx.now().0 % p), Timer::Tick);
    }

    /// `msg` is new here: deliver it and spread it.
    fn learn(&mut self, msg: Held, cx: &mut Context<'_, Msg, Timer>) {
        let since = self.cycle_at(cx);
        self.learn_since(msg, since, cx);
    }

    /// `msg` is new here, brought by a contact of period `since`: deliver it and spread it.
    fn learn_since(&mut self, msg: Held, since: u64, cx: &mut Context<'_, Msg, Timer>) {
        cx.deliver(msg.id);
        self.hot.add(msg, since);
        self.ensure_ticking(cx);
    }

    fn on_tick(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        self.ticking = false;
        if self.hot.is_empty() && !self.always_ticks() {
            return;
        }
        cx.set_timer(SimDuration::ZERO, Timer::Contact);
        self.ensure_ticking(cx);
    }

    /// The period's contact: a random peer gets this node's hot rumors and/or its request.
    fn on_contact(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        self.hunts_left = self.config.hunt;
        self.pushed = None;
        self.contact_cycle = self.cycle_at(cx);
        if let Some(msg) = self.contact_packet(true, cx) {
            if let Some(peer) = self.peers.pick(cx.rng(), self.me) {
                self.send_contact(peer, msg, cx);
            }
        }
    }

    /// Sends contact `msg` to `peer`, remembering what it pushed until the feedback comes.
    fn send_contact(&mut self, peer: NodeId, msg: Msg, cx: &mut Context<'_, Msg, Timer>) {
        if let Msg::Contact { push, .. } = &msg {
            self.pushed = (self.config.feedback && !push.is_empty()).then(|| (peer, push.iter().map(|h| h.id).collect()));
        }
        cx.send(peer, msg);
    }

    /// The contact packet for this period, if there is anything to push or pull. Blind, each
    /// rumor pushed takes its strike now (on the first attempt of the period only, `strike`).
    fn contact_packet(&mut self, strike: bool, cx: &mut Context<'_, Msg, Timer>) -> Option<Msg> {
        let (direction, header) = (self.config.direction, self.config.header_bytes);
        let push = if direction.pushes() { self.hot.messages() } else { Vec::new() };
        if push.is_empty() && !direction.pulls() {
            return None;
        }
        if strike && !self.config.feedback {
            for h in &push {
                self.hot.strike(h.id, self.config.removal, self.config.k, cx.rng());
            }
        }
        let digest = if direction.pulls() && self.config.feedback { self.store.digest() } else { IdSet::new() };
        Some(Msg::contact(header, push, direction.pulls(), digest))
    }

    /// What this period's contact sends, to whom, and how it counts against the rumors.
    fn contact_words(&self) -> String {
        let direction = self.config.direction;
        let hot: Vec<MsgId> = if direction.pushes() { self.hot.iter().map(|h| h.msg.id).collect() } else { Vec::new() };
        let to = format!("a random member of {}", self.peers.len());
        let counts = if self.config.feedback {
            "its reply says which it already knew"
        } else {
            "each counts as a contact against them (blind)"
        };
        match (hot.is_empty(), direction.pulls()) {
            (false, true) => format!("contact {to}: push {} ({counts}) and ask for its hot rumors", msg_list(&hot)),
            (false, false) => format!("contact {to}: push {} ({counts})", msg_list(&hot)),
            (true, true) => format!("contact {to}: ask for its hot rumors"),
            (true, false) => "contact: no hot rumor to push, so it does nothing".to_string(),
        }
    }

    /// The period `cx.now()` falls in.
    fn cycle_at(&self, cx: &Context<'_, Msg, Timer>) -> u64 {
        cx.now().0 / self.period.0.max(1)
    }

    /// Whether this node accepts one more contact in the current period (the connection limit).
    fn accept(&mut self, cx: &Context<'_, Msg, Timer>) -> bool {
        let cycle = self.cycle_at(cx);
        if cycle != self.cycle {
            (self.cycle, self.accepted) = (cycle, 0);
        }
        let limit = self.config.connection_limit;
        if limit > 0 && self.accepted >= limit {
            return false;
        }
        self.accepted += 1;
        true
    }

    /// A contact from `from`: answer its pull (before learning its push, so that rumors it
    /// brings are not sent back), then take its push, then reply. A pushed rumor counts as
    /// known only if this node knew it before the period began: two callers that push it to this
    /// node in one period both reach a node that did not know it, as in the paper's cycles,
    /// where every contact of a cycle meets the states of the cycle's start.
    fn on_contact_packet(
        &mut self,
        from: NodeId,
        push: Vec<Held>,
        pull: bool,
        digest: IdSet,
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        if !self.accept(cx) {
            cx.send(from, Msg::Busy { bytes: self.config.header_bytes });
            return;
        }
        let rumors = if pull { self.answer_pull(&push, &digest, cx) } else { Vec::new() };
        let pushed_any = !push.is_empty();
        let mut known = Vec::new();
        let cycle = self.cycle_at(cx);
        for h in push {
            if self.store.insert(h) {
                self.learn(h, cx);
            } else if !self.hot.learned_in(h.id, cycle) {
                known.push(h.id);
            }
        }
        let feedback = self.config.feedback && pushed_any;
        if !feedback {
            known.clear();
        }
        if feedback || !rumors.is_empty() {
            cx.send(from, Msg::reply(self.config.header_bytes, rumors, known));
        }
    }

    /// This node's hot rumors for a caller that pulls. With feedback, those the caller holds
    /// (its digest, or its own push) are not sent and count as an unnecessary contact; blind,
    /// every hot rumor but those it pushed goes, and each takes a strike.
    fn answer_pull(&mut self, pushed: &[Held], digest: &IdSet, cx: &mut Context<'_, Msg, Timer>) -> Vec<Held> {
        let (removal, k, feedback) = (self.config.removal, self.config.k, self.config.feedback);
        let mut send = Vec::new();
        // As with pushes, the period's contacts meet the states of its start.
        let cycle = self.cycle_at(cx);
        let spreading: Vec<Held> = self.hot.iter().filter(|h| h.since < cycle).map(|h| h.msg).collect();
        for h in spreading {
            let caller_has = digest.contains(h.id) || pushed.iter().any(|p| p.id == h.id);
            if feedback && caller_has {
                self.hot.strike(h.id, removal, k, cx.rng());
                continue;
            }
            if caller_has {
                continue;
            }
            if feedback {
                self.hot.spared(h.id, self.config.counter_reset);
            } else {
                self.hot.strike(h.id, removal, k, cx.rng());
            }
            send.push(h);
        }
        send
    }

    /// The partner's reply: learn its rumors. With feedback, each rumor pushed to it that it
    /// knew is an unnecessary contact, each other one a necessary contact.
    fn on_reply(&mut self, from: NodeId, rumors: Vec<Held>, known: Vec<MsgId>, cx: &mut Context<'_, Msg, Timer>) {
        for h in rumors {
            if self.store.insert(h) {
                self.learn_since(h, self.contact_cycle, cx);
            }
        }
        let Some((_, pushed)) = self.pushed.take_if(|(peer, _)| *peer == from) else {
            return;
        };
        for id in pushed {
            if known.contains(&id) {
                self.hot.strike(id, self.config.removal, self.config.k, cx.rng());
            } else {
                self.hot.spared(id, self.config.counter_reset);
            }
        }
    }

    /// The partner refused the contact: try another, while hunting allows.
    fn on_busy(&mut self, from: NodeId, cx: &mut Context<'_, Msg, Timer>) {
        if self.hunts_left == 0 {
            return;
        }
        self.hunts_left -= 1;
        let Some(msg) = self.contact_packet(false, cx) else { return };
        // Another member than the one that refused, uniformly, if there is one: of two distinct
        // peers drawn uniformly, the first that is not `from` is uniform over the others.
        let mut two = Vec::with_capacity(2);
        self.peers.sample(cx.rng(), 2, self.me, &mut two);
        if let Some(&peer) = two.iter().find(|&&p| p != from).or(two.first()) {
            self.send_contact(peer, msg, cx);
        }
    }

    fn on_anti_entropy_timer(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let backstop = self.backstop();
        if let Some(peer) = self.peers.pick(cx.rng(), self.me) {
            cx.send(peer, Msg::Exchange(backstop.open(&self.store)));
        }
        cx.set_timer(SimDuration::from_ms_f64(self.config.anti_entropy_period_ms), Timer::AntiEntropy);
    }

    /// A backstop packet: what it brings is delivered, and made hot again with
    /// `anti_entropy_rekindle`.
    fn on_exchange(&mut self, from: NodeId, msg: AeMsg, cx: &mut Context<'_, Msg, Timer>) {
        let outcome = self.backstop().handle(&mut self.store, msg);
        for id in outcome.learned {
            match self.store.get(id) {
                Some(held) if self.config.anti_entropy_rekindle => self.learn(held, cx),
                _ => cx.deliver(id),
            }
        }
        if let Some(reply) = outcome.reply {
            cx.send(from, Msg::Exchange(reply));
        }
    }
}

impl Protocol for Rumor {
    type Msg = Msg;
    type Timer = Timer;
    type Config = RumorConfig;

    fn new(me: NodeId, group: &GroupInfo, config: &RumorConfig) -> Self {
        Rumor {
            me,
            config: config.clone(),
            period: SimDuration::from_ms_f64(config.period_ms),
            peers: Members::initial(group.size),
            store: Store::new(),
            hot: HotList::default(),
            ticking: false,
            cycle: 0,
            accepted: 0,
            hunts_left: 0,
            pushed: None,
            contact_cycle: 0,
        }
    }

    fn handle(&mut self, input: Input<Msg, Timer>, cx: &mut Context<'_, Msg, Timer>) {
        if let Input::Recv { from, .. } = &input {
            self.peers.add(*from);
        }
        match input {
            Input::Start | Input::Join { .. } | Input::Restart { .. } => self.start(cx),
            Input::Leave { contacts } => {
                for c in contacts.into_iter().filter(|&c| c != self.me) {
                    cx.send(c, Msg::Leave { bytes: self.config.header_bytes });
                }
            }
            Input::Membership(change) => {
                self.peers.apply(change);
            }
            Input::AppSend { id, bytes } => {
                let msg = Held { id, bytes };
                if self.store.insert(msg) {
                    self.hot.add(msg, self.cycle_at(cx));
                    self.ensure_ticking(cx);
                }
            }
            Input::Recv { from, msg: Msg::Contact { push, pull, digest, .. } } => {
                self.on_contact_packet(from, push, pull, digest, cx)
            }
            Input::Recv { from, msg: Msg::Reply { rumors, known, .. } } => self.on_reply(from, rumors, known, cx),
            Input::Recv { from, msg: Msg::Busy { .. } } => self.on_busy(from, cx),
            Input::Recv { from, msg: Msg::Exchange(m) } => self.on_exchange(from, m, cx),
            Input::Recv { from, msg: Msg::Leave { .. } } => {
                self.peers.remove(from);
            }
            Input::Timer(Timer::Tick) => self.on_tick(cx),
            Input::Timer(Timer::Contact) => self.on_contact(cx),
            Input::Timer(Timer::AntiEntropy) => self.on_anti_entropy_timer(cx),
        }
    }

    /// A period's boundary, its contact with a random member, the backstop's exchange.
    fn describe_timer(&self, timer: &Timer) -> String {
        match timer {
            Timer::Tick if self.hot.is_empty() && !self.always_ticks() => {
                "period boundary: no hot rumor left, so it stops contacting".to_string()
            }
            Timer::Tick => "period boundary: contact a random member once the feedback due now is in".to_string(),
            Timer::Contact => self.contact_words(),
            Timer::AntiEntropy => format!(
                "anti-entropy backstop: {}",
                exchange_words(self.store.len(), self.peers.len(), self.config.anti_entropy_direction)
            ),
        }
    }

    /// Infective while it spreads a hot rumor (Demers et al. 1987, §1.4).
    fn is_infective(&self) -> bool {
        !self.hot.is_empty()
    }

    /// The rumors it holds and those still hot (with their unnecessary contacts so far), and
    /// how many members it knows.
    fn describe(&self, out: &mut Description) {
        out.state(match (self.store.len(), self.hot.len()) {
            (0, _) => "susceptible (holds nothing)".to_string(),
            (_, 0) => "removed (holds rumors, spreads none)".to_string(),
            (_, n) => format!("infective, spreading {n} rumor(s)"),
        });
        out.fact("members it knows", self.peers.len());
        let k = self.config.k;
        out.fact("stops spreading a rumor", match self.config.removal {
            Removal::Counter => format!("after {k} unnecessary contact(s)"),
            Removal::Coin => format!("with chance 1/{k} at each unnecessary contact"),
        });
        for h in self.hot.iter() {
            out.fact("hot rumor", format!("m{}, {} unnecessary contact(s)", h.msg.id.0, h.strikes));
        }
        if let Some((partner, ids)) = &self.pushed {
            out.fact("waiting for feedback", format!("from node {partner} on {} rumor(s)", ids.len()));
        }
    }
}
