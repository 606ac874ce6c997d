//! The discrete-event kernel: owns time, the event queue, the random streams, the network and
//! the fault schedule, and runs one protocol instance per node.
//!
//! Each event is hashed into the trace, then handed to its node as an [`Input`]; the node's
//! [`Output`]s are resolved at once (sends through the network, timers into the queue, deliveries
//! into the metrics). The kernel never looks inside a protocol.
//!
//! Faults and membership changes come from a [`FaultPlan`] (see [`super::faults`] for what each
//! does to a node): the kernel knows the schedule, a protocol learns of it only through its own
//! inputs, its packets, or a membership service the scenario names.

use super::attack::Withholding;
use super::budget::{Allowance, Budget, Stop};
use super::faults::{Fault, FaultPlan, Lifecycle, Status};
use super::log::{PacketFate, PacketLog, PacketRecord};
use super::network::{Fate, Network, Transmission};
use super::queue::EventQueue;
use super::slots::Slots;
use super::trace::TraceHash;
use crate::metrics::{Beliefs, Counters, Metrics, Report, Truth};
use crate::prefetch::prefetch_at;
use crate::protocol::{
    Belief, Context, Env, GroupInfo, Input, MemberChange, MsgId, NodeId, NodeRng, Output, PacketKind, Protocol, Wire,
};
use crate::time::{SimDuration, SimTime};

mod inspect;
pub use inspect::{NodeView, PendingTimer, LAST_PACKETS};

/// Something scheduled to happen. A timer carries `inc`, its node's incarnation when it was set:
/// after a crash it is stale. `Notify` is the membership service telling every other live member.
/// `Unreachable` is the transport telling `node` (at incarnation `inc`) that `peer` is not up,
/// for protocols that ask ([`Protocol::TRANSPORT_FAILURES`]).
/// A packet to a node with a finite downlink first reaches that downlink (`Downlink`, the packet
/// parked in [`Slots`] under `slot`), queues there, then arrives. Only `Arrive` carries a packet,
/// so the event keeps its variant in the packet's spare values where it has any: 24 bytes for
/// a 16-byte packet.
#[derive(Clone)]
enum Event<M, T> {
    Arrive { to: NodeId, from: NodeId, msg: M },
    Downlink { to: NodeId, from: NodeId, slot: u32 },
    Timer { node: NodeId, timer: T, inc: u32 },
    App { node: NodeId, id: MsgId, bytes: u32 },
    Fault(Fault),
    Notify { change: MemberChange },
    Unreachable { node: NodeId, peer: NodeId, inc: u32 },
}

/// Bytes one waiting event of protocol `P` takes in the kernel's queue: the entry itself, and
/// the slack of the queue's buckets (measured: 10^7 queued copies of a centralized run took 34
/// bytes each, deliveries' latencies included).
pub fn queued_bytes<P: Protocol>() -> u64 {
    let entry = std::mem::size_of::<(SimTime, Event<P::Msg, P::Timer>)>() as u64;
    entry + entry / 2
}

/// A packet on the wire, kept for the view while recording is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flight {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it left the sender's uplink.
    pub depart: SimTime,
    /// When it arrives (or would have, if lost).
    pub arrive: SimTime,
    /// Its kind.
    pub kind: PacketKind,
    /// Whether the network drops it on the way (random loss or a partition).
    pub lost: bool,
    /// Whether a partition drops it (then `lost` is true as well).
    pub partitioned: bool,
}

/// What to schedule before the run starts.
pub struct Setup {
    /// The master seed.
    pub seed: u64,
    /// Initial group size; joiners get the ids after it.
    pub size: u32,
    /// The network.
    pub network: Network,
    /// `(time, sender, bytes)` for each message, in id order.
    pub messages: Vec<(SimTime, NodeId, u32)>,
    /// Crashes, recoveries, pauses, joins and leaves, and how nodes learn of them.
    pub faults: FaultPlan,
    /// For a live stream: a packet delivered later than this after its send is late.
    pub playout: Option<SimDuration>,
    /// The run stops at this time.
    pub end: SimTime,
    /// What the run may spend before the kernel stops it.
    pub budget: Budget,
}

impl Setup {
    /// The group as every node knows it from configuration: its initial size, the well-known
    /// senders and whether the network replicates multicast.
    pub fn group(&self) -> GroupInfo {
        GroupInfo {
            size: self.size,
            senders: self.faults.contacts.clone(),
            native_multicast: self.network.native_multicast(),
        }
    }
}

/// A running simulation of protocol `P`.
#[derive(Clone)]
pub struct World<P: Protocol> {
    now: SimTime,
    end: SimTime,
    seed: u64,
    queue: EventQueue<Event<P::Msg, P::Timer>>,
    /// Packets on their way to a finite downlink ([`Event::Downlink`]).
    parked: Slots<P::Msg>,
    nodes: Vec<P>,
    /// Whether each node is up (handles inputs).
    alive: Vec<bool>,
    /// When each node's next crash is scheduled (`SimTime::MAX` if never): a packet that would
    /// leave its uplink after that never leaves. The kernel knows the fault schedule; protocols
    /// do not.
    crash_time: Vec<SimTime>,
    life: Lifecycle<Input<P::Msg, P::Timer>>,
    group: GroupInfo,
    config: P::Config,
    contacts: Vec<NodeId>,
    notify_after: Option<SimDuration>,
    /// Each node's random stream, as its position (see [`NodeRng`]).
    rngs: Vec<u64>,
    net: Network,
    metrics: Metrics,
    /// What the nodes' membership service believed, if it reports beliefs (SWIM).
    beliefs: Option<Beliefs>,
    trace: TraceHash,
    out: Vec<Output<P::Msg, P::Timer>>,
    flights: Option<Vec<Flight>>,
    /// The packet log, while it is on ([`World::set_packet_log`]).
    packets: Option<Box<PacketLog>>,
    allowance: Allowance,
    stopped: Option<Stop>,
    /// The scenario's attackers, if it names any ([`super::attack`]).
    withholding: Option<Box<Withholding>>,
}

/// How many of a handler's outputs the kernel prefetches the destinations of before resolving
/// them ([`World::prefetch_destinations`]).
const PREFETCH_SENDS: usize = 16;

/// How many events past the next the kernel prefetches the receiver state of, when that many
/// are due at the same time ([`World::prefetch_next`]).
const AHEAD: usize = 8;

const TAG_ARRIVE: u64 = 1;
const TAG_TIMER: u64 = 2;
const TAG_APP: u64 = 3;
const TAG_CRASH: u64 = 4;
const TAG_SEND: u64 = 5;
const TAG_DELIVER: u64 = 6;
const TAG_RECOVER: u64 = 16;
const TAG_PAUSE: u64 = 17;
const TAG_RESUME: u64 = 18;
const TAG_JOIN: u64 = 19;
const TAG_LEAVE: u64 = 20;
const TAG_NOTIFY: u64 = 21;
const TAG_UNREACHABLE: u64 = 23;
const TAG_DOWNLINK: u64 = 7;
const TAG_WITHHOLD: u64 = 22;

/// The trace tag of a fault's kind.
fn fault_tag(fault: Fault) -> u64 {
    match fault {
        Fault::Crash(_) => TAG_CRASH,
        Fault::Recover(_) => TAG_RECOVER,
        Fault::Pause(_) => TAG_PAUSE,
        Fault::Resume(_) => TAG_RESUME,
        Fault::Join(_) => TAG_JOIN,
        Fault::Leave(_) => TAG_LEAVE,
    }
}

impl<P: Protocol> World<P> {
    /// A world of `setup.size` initial nodes (and `setup.faults.joiners` later ones) running `P`
    /// with `config`, started at time zero. The network must place every one of them.
    pub fn new(setup: Setup, config: &P::Config) -> Self {
        let group = setup.group();
        let capacity = setup.size + setup.faults.joiners;
        let n = capacity as usize;
        let senders: Vec<NodeId> = setup.messages.iter().map(|m| m.1).collect();
        let mut crash_time = vec![SimTime::MAX; n];
        let life = Lifecycle::new(setup.size, capacity, &setup.faults, &mut crash_time);
        let mut metrics = Metrics::new(capacity, &senders);
        if let Some(playout) = setup.playout {
            metrics.set_stream(playout);
        }
        if let Some(round) = setup.network.round() {
            metrics.set_round(round);
        }
        let withholding = setup.faults.attack.as_ref().map(|a| Box::new(Withholding::new(a, capacity, &senders)));
        if let Some(a) = &setup.faults.attack {
            metrics.set_attack(a);
        }
        let mut alive = vec![true; n];
        alive[setup.size as usize..].fill(false);
        let mut w = World {
            now: SimTime::ZERO,
            end: setup.end,
            seed: setup.seed,
            queue: EventQueue::default(),
            parked: Slots::default(),
            nodes: (0..capacity).map(|i| P::new(i, &group, config)).collect(),
            alive,
            crash_time,
            life,
            group,
            config: config.clone(),
            contacts: setup.faults.contacts,
            notify_after: setup.faults.notify_after,
            rngs: vec![0; n],
            net: setup.network,
            metrics,
            beliefs: setup.faults.observe_beliefs.then(Beliefs::default),
            trace: TraceHash::default(),
            out: Vec::new(),
            flights: None,
            packets: None,
            allowance: Allowance::new(setup.budget, std::mem::size_of::<(SimTime, Event<P::Msg, P::Timer>)>()),
            stopped: None,
            withholding,
        };
        for node in 0..setup.size {
            w.handle(node, Input::Start);
        }
        // Faults first: a node that crashes at T does not also send at T.
        for (t, fault) in setup.faults.events {
            w.queue.push(t, Event::Fault(fault));
        }
        for (i, (t, node, bytes)) in setup.messages.into_iter().enumerate() {
            w.queue.push(t, Event::App { node, id: MsgId(i as u32), bytes });
        }
        w
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// When the run stops at the latest.
    pub fn end(&self) -> SimTime {
        self.end
    }

    /// Whether nothing is left to happen before the end, or the run has spent its budget.
    pub fn is_done(&self) -> bool {
        self.stopped.is_some() || self.queue.peek_time().is_none_or(|t| t > self.end)
    }

    /// Why the run stopped before its end, if it did (its budget, see [`Budget`]).
    pub fn stopped(&self) -> Option<Stop> {
        self.stopped
    }

    /// Processes every event up to and including `t` (capped at the end), then sets the clock to
    /// `t`; a run stopped at its budget stays where it stopped.
    pub fn run_until(&mut self, t: SimTime) {
        let t = t.min(self.end);
        while self.stopped.is_none() {
            let Some((time, ev)) = self.queue.pop_before(t) else { break };
            self.prefetch_next();
            self.process(time, ev);
            self.spend();
        }
        if self.stopped.is_none() {
            self.now = self.now.max(t);
        }
    }

    /// [`World::run_until`] in slices: processes at most `max_events` of the events up to `t`;
    /// true once none is left before `t` (then the clock is at `t`, as after `run_until(t)`).
    /// Calling it until it returns true gives exactly `run_until(t)`'s run.
    pub fn run_until_bounded(&mut self, t: SimTime, max_events: u64) -> bool {
        let reached = self.run_events_until(t, max_events);
        if reached && self.stopped.is_none() {
            self.now = self.now.max(t.min(self.end));
        }
        reached
    }

    /// Processes at most `max_events` of the events due at or before `t` (and the end), leaving
    /// the clock at the last one processed; true once none is left before `t` or the budget is
    /// spent.
    pub fn run_events_until(&mut self, t: SimTime, max_events: u64) -> bool {
        let t = t.min(self.end);
        for _ in 0..max_events {
            if self.stopped.is_some() {
                return true;
            }
            let Some((time, ev)) = self.queue.pop_before(t) else { break };
            self.prefetch_next();
            self.process(time, ev);
            self.spend();
        }
        self.stopped.is_some() || self.queue.peek_time().is_none_or(|next| next > t)
    }

    /// Runs until nothing is left to happen, the end is reached or the budget is spent, and
    /// returns the final time.
    pub fn run_to_end(&mut self) -> SimTime {
        while self.stopped.is_none() {
            let Some((time, ev)) = self.queue.pop_before(self.end) else { break };
            self.prefetch_next();
            self.process(time, ev);
            self.spend();
        }
        self.now
    }

    /// Processes the earliest event. Returns false if there was none, or the budget is spent.
    pub fn step(&mut self) -> bool {
        if self.stopped.is_some() {
            return false;
        }
        match self.queue.pop() {
            Some((t, ev)) => {
                self.prefetch_next();
                self.process(t, ev);
                self.spend();
                true
            }
            None => false,
        }
    }

    /// Counts the event just processed against the budget; past it, the run stops (unless it has
    /// nothing left to do anyway).
    #[inline(always)]
    fn spend(&mut self) {
        if let Some(stop) = self.allowance.exceeded(self.metrics.events(), self.queue.len()) {
            if self.queue.peek_time().is_some_and(|t| t <= self.end) {
                self.stopped = Some(stop);
            }
        }
    }

    /// Asks the cache for what the next packet's receiver will touch (its protocol state, status,
    /// uplink, position and metrics record) while this event is handled: at 100,000 nodes and
    /// more each is a miss. An arrival that sends nothing is handled faster than memory answers,
    /// so the receiver [`AHEAD`] events on is asked for too, when it is due at the same time
    /// (packets arrive several to a microsecond at 10^6 nodes): its misses then overlap the
    /// handling of the events before it. Only a hint (see [`super::prefetch`]): it changes
    /// nothing.
    #[inline(always)]
    fn prefetch_next(&self) {
        if let Some(ev) = self.queue.peek() {
            self.prefetch_event(ev);
        }
        if let Some(ev) = self.queue.peek_due(AHEAD) {
            self.prefetch_event(ev);
        }
    }

    /// Prefetches what `ev` will touch, if it is a packet reaching its node.
    #[inline(always)]
    fn prefetch_event(&self, ev: &Event<P::Msg, P::Timer>) {
        if let Event::Arrive { to, from, msg } = ev {
            let i = *to as usize;
            prefetch_at(&self.nodes, i);
            prefetch_at(&self.alive, i);
            prefetch_at(&self.crash_time, i);
            prefetch_at(&self.rngs, i);
            self.net.prefetch(*to);
            self.metrics.prefetch(*to, *from, msg.msg());
        }
    }

    fn process(&mut self, t: SimTime, ev: Event<P::Msg, P::Timer>) {
        self.now = t;
        self.metrics.on_event();
        self.trace.word(t.0);
        match ev {
            Event::Arrive { to, from, msg } => {
                self.trace.word(TAG_ARRIVE | u64::from(to) << 8 | u64::from(from) << 32);
                let fate = if self.alive[to as usize] { PacketFate::Arrived } else { PacketFate::ReceiverDown };
                self.settle(t, to, from, fate);
                if self.alive[to as usize] {
                    self.metrics.on_arrive(to, msg.kind(), msg.msg(), t);
                    self.handle(to, Input::Recv { from, msg });
                } else {
                    match self.life.status(to) {
                        Status::Paused => self.metrics.on_to_paused(),
                        Status::Crashed => self.metrics.on_to_crashed(),
                        _ => self.metrics.on_to_absent(),
                    }
                }
            }
            Event::Downlink { to, from, slot } => {
                self.trace.word(TAG_DOWNLINK | u64::from(to) << 8 | u64::from(from) << 32);
                let Some(msg) = self.parked.take(slot) else { return };
                if !self.alive[to as usize] {
                    self.settle(t, to, from, PacketFate::ReceiverDown);
                    match self.life.status(to) {
                        Status::Paused => self.metrics.on_to_paused(),
                        Status::Crashed => self.metrics.on_to_crashed(),
                        _ => self.metrics.on_to_absent(),
                    }
                } else if let Some(at) = self.net.downlink(t, to, msg.bytes()) {
                    self.trace.word(at.0);
                    if let Some(log) = &mut self.packets {
                        log.requeue(t, to, from, at);
                    }
                    self.queue.push(at, Event::Arrive { to, from, msg });
                } else {
                    self.settle(t, to, from, PacketFate::DownlinkFull);
                    self.trace.word(u64::MAX);
                    self.metrics.on_dropped_downlink();
                }
            }
            Event::Timer { node, timer, inc } => {
                self.trace.word(TAG_TIMER | u64::from(node) << 8);
                if inc == self.life.epoch(node) {
                    self.handle_or_defer(node, Input::Timer(timer));
                }
            }
            Event::App { node, id, bytes } => {
                self.trace.word(TAG_APP | u64::from(node) << 8 | u64::from(id.0) << 32);
                self.metrics.on_app_send(id, t);
                self.handle_or_defer(node, Input::AppSend { id, bytes });
            }
            Event::Fault(fault) => self.fault(fault),
            Event::Unreachable { node, peer, inc } => {
                self.trace.word(TAG_UNREACHABLE | u64::from(node) << 8 | u64::from(peer) << 32);
                if inc == self.life.epoch(node) {
                    self.handle_or_defer(node, Input::Membership(MemberChange::Unreachable(peer)));
                }
            }
            Event::Notify { change } => {
                let (kind, subject) = match change {
                    MemberChange::Joined(n) => (0, n),
                    MemberChange::Left(n) => (1, n),
                    MemberChange::Crashed(n) => (2, n),
                    MemberChange::Recovered(n) => (3, n),
                    MemberChange::NeighborUp(n) => (4, n),
                    MemberChange::NeighborDown(n) => (5, n),
                    MemberChange::Unreachable(n) => (6, n),
                };
                self.trace.word(TAG_NOTIFY | kind << 6 | u64::from(subject) << 8);
                for node in (0..self.nodes.len() as NodeId).filter(|&n| n != subject) {
                    self.handle_or_defer(node, Input::Membership(change));
                }
            }
        }
    }

    /// Hands `input` to `node` if it is up, keeps it for the resume if it is paused, and drops it
    /// otherwise.
    fn handle_or_defer(&mut self, node: NodeId, input: Input<P::Msg, P::Timer>) {
        if self.alive[node as usize] {
            self.handle(node, input);
        } else if self.life.status(node) == Status::Paused {
            self.life.defer(node, input);
        }
    }

    /// Applies one scheduled fault, and with a membership service tells the others later.
    fn fault(&mut self, fault: Fault) {
        let node = fault.node();
        let i = node as usize;
        self.trace.word(fault_tag(fault) | u64::from(node) << 8);
        let change = match fault {
            Fault::Crash(_) => {
                self.alive[i] = false;
                self.crash_time[i] = self.life.crash(node);
                // What was queued in its uplink died with it: a recovered node starts empty.
                self.net.clear_uplink(node, self.now);
                if let Some(b) = &mut self.beliefs {
                    b.on_crash(node, self.now);
                }
                Some(MemberChange::Crashed(node))
            }
            Fault::Recover(_) => {
                self.alive[i] = true;
                self.life.set(node, Status::Up);
                self.nodes[i] = P::new(node, &self.group, &self.config);
                self.handle(node, Input::Restart { contacts: self.contacts.clone() });
                Some(MemberChange::Recovered(node))
            }
            Fault::Pause(_) => {
                self.alive[i] = false;
                self.life.set(node, Status::Paused);
                None
            }
            Fault::Resume(_) => {
                self.alive[i] = true;
                self.life.set(node, Status::Up);
                // What it missed, in the order it came, at the resume time (only faults change a
                // node's status, so it stays up through this loop).
                for input in self.life.take_deferred(node) {
                    self.handle(node, input);
                }
                None
            }
            Fault::Join(_) => {
                self.alive[i] = true;
                self.life.set(node, Status::Up);
                self.metrics.on_join(node, self.now);
                self.handle(node, Input::Join { contacts: self.contacts.clone() });
                Some(MemberChange::Joined(node))
            }
            Fault::Leave(_) => {
                self.handle(node, Input::Leave { contacts: self.contacts.clone() });
                self.alive[i] = false;
                self.life.set(node, Status::Left);
                self.metrics.on_leave();
                Some(MemberChange::Left(node))
            }
        };
        if let (Some(change), Some(after)) = (change, self.notify_after) {
            self.queue.push(self.now + after, Event::Notify { change });
        }
    }

    fn handle(&mut self, node: NodeId, input: Input<P::Msg, P::Timer>) {
        // The packet being handled, for the hop count of what it makes the node deliver.
        let via = match &input {
            Input::Recv { from, msg } => msg.msg().map(|m| (*from, m)),
            _ => None,
        };
        let mut out = std::mem::take(&mut self.out);
        {
            let mut rng = NodeRng::at(self.rngs[node as usize]);
            let env = Env { group: &self.group, distances: &self.net };
            let mut cx = Context::new(self.now, node, self.seed, &mut rng, &mut out, env);
            self.nodes[node as usize].handle(input, &mut cx);
            self.rngs[node as usize] = rng.position();
        }
        self.prefetch_destinations(&out);
        for o in out.drain(..) {
            match o {
                Output::Send { to, msg } => {
                    self.send(node, to, msg, None);
                }
                Output::Multicast { to, msg } => self.multicast(node, &to, msg),
                Output::SetTimer { after, timer } => {
                    let inc = self.life.epoch(node);
                    self.queue.push(self.net.timer_due(self.now + after), Event::Timer { node, timer, inc });
                }
                Output::Deliver { id } => {
                    self.trace.word(TAG_DELIVER | u64::from(node) << 8 | u64::from(id.0) << 32);
                    let from = via.filter(|v| v.1 == id).map(|v| v.0);
                    self.metrics.on_deliver(node, id, self.now, from);
                }
                Output::Believe(belief) => self.believe(node, belief),
            }
        }
        self.out = out;
    }

    /// Records what `node`'s membership service came to believe, against the truth.
    fn believe(&mut self, node: NodeId, belief: Belief) {
        let Some(b) = &mut self.beliefs else { return };
        let subject = match belief {
            Belief::Suspected(n) | Belief::Confirmed(n) => n,
        };
        let truth = match self.life.status(subject) {
            Status::Crashed => Truth::Crashed,
            Status::Up | Status::Paused => Truth::Alive,
            Status::Absent | Status::Left => Truth::Absent,
        };
        b.on_belief(node, belief, self.now, truth);
    }

    /// Asks the cache for what the sends among `out` will read of their destinations (their
    /// positions), all at once before the first is resolved: a gossip node's few targets are
    /// random, each a miss at 100,000 nodes and more, and asked for together the misses overlap.
    /// Only the first [`PREFETCH_SENDS`] outputs: a long list would evict what it brought in
    /// before its turn. A hint that changes nothing.
    #[inline(always)]
    fn prefetch_destinations(&self, out: &[Output<P::Msg, P::Timer>]) {
        for o in out.iter().take(PREFETCH_SENDS) {
            if let Output::Send { to, .. } = o {
                self.net.prefetch_receiver(*to);
            }
        }
    }

    /// Hands one packet to the network for every node of `to`: over application-level multicast
    /// a unicast each; with native multicast the copies after the first (that went out) leave
    /// the uplink with it, as one transmission the network replicates.
    fn multicast(&mut self, from: NodeId, to: &[NodeId], msg: P::Msg) {
        let Some((&last_to, rest)) = to.split_last() else { return };
        let native = self.net.native_multicast();
        let mut first = None;
        for &n in rest {
            let tx = self.send(from, n, msg.clone(), first.filter(|_| native));
            first = first.or(tx);
        }
        self.send(from, last_to, msg, first.filter(|_| native));
    }

    /// Hands `msg` to the network: a packet of its own, or with `first` a copy of the multicast
    /// packet that went out as `first` (native multicast). Returns how it went out, if it did.
    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg, first: Option<Transmission>) -> Option<Transmission> {
        let (kind, bytes) = (msg.kind(), msg.bytes());
        if self.withholding.as_ref().is_some_and(|w| w.withholds(from, kind, msg.msg(), self.now)) {
            self.withhold(from, to, &msg);
            return None;
        }
        if to as usize >= self.nodes.len() {
            // A protocol bug, not a crash of the simulator: count it as lost.
            self.metrics.on_send(from, kind, bytes, msg.msg(), self.now, true);
            self.log_send(from, to, &msg, None, PacketFate::NoSuchNode);
            self.transport_failure(from, to);
            return None;
        }
        let tx = match first {
            None => self.net.transmit(self.now, from, to, bytes),
            Some(first) => self.net.transmit_copy(first, self.now, from, to),
        };
        let m = msg.msg().map_or(u64::MAX >> 32, |m| u64::from(m.0));
        if tx.fate == Fate::UplinkFull {
            // Drop-tail at the sender's own uplink: it never leaves.
            self.trace.word(TAG_SEND | (kind as u64) << 8 | 3 << 16 | m << 32);
            self.metrics.on_send(from, kind, bytes, msg.msg(), self.now, false);
            self.metrics.on_dropped_uplink();
            self.log_send(from, to, &msg, None, PacketFate::UplinkFull);
            return Some(tx);
        }
        if tx.depart > self.crash_time[from as usize] {
            // Still queued in the uplink when its node crashes: it never leaves.
            self.trace.word(TAG_SEND | (kind as u64) << 8 | 2 << 16);
            self.metrics.on_lost_in_crash();
            self.log_send(from, to, &msg, None, PacketFate::SenderCrashed);
            return Some(tx);
        }
        if P::TRANSPORT_FAILURES && (!self.alive[to as usize] || self.crash_time[to as usize] <= tx.arrive) {
            self.transport_failure(from, to);
        }
        let (lost, partitioned) = (tx.fate == Fate::Lost, tx.fate == Fate::Partitioned);
        self.metrics.on_send(from, kind, bytes, msg.msg(), tx.depart, lost);
        if partitioned {
            self.metrics.on_dropped_partition();
        }
        let code = if partitioned { 4 } else { u64::from(lost) };
        self.trace.word(TAG_SEND | (kind as u64) << 8 | code << 16 | m << 32);
        self.trace.word(tx.arrive.0 ^ u64::from(to) << 40);
        if let Some(f) = &mut self.flights {
            let lost = lost || partitioned;
            f.push(Flight { from, to, depart: tx.depart, arrive: tx.arrive, kind, lost, partitioned });
        }
        if self.packets.is_some() {
            let fate = match tx.fate {
                Fate::Arrives => PacketFate::InFlight,
                Fate::Partitioned => PacketFate::Partitioned,
                _ => PacketFate::Lost,
            };
            self.log_send(from, to, &msg, Some(&tx), fate);
        }
        if tx.fate == Fate::Arrives {
            if self.net.downlink_limited(to) {
                let slot = self.parked.park(msg);
                self.queue.push(tx.arrive, Event::Downlink { to, from, slot });
            } else {
                self.queue.push(tx.arrive, Event::Arrive { to, from, msg });
            }
        }
        Some(tx)
    }

    /// For a protocol that asks for transport failures ([`Protocol::TRANSPORT_FAILURES`]): tells
    /// `from`, the transport timeout from now, that `to` is not up (it was not when the packet
    /// left, or crashes before it arrives), as a TCP sender notices a dead peer.
    fn transport_failure(&mut self, from: NodeId, to: NodeId) {
        if !P::TRANSPORT_FAILURES {
            return;
        }
        let due = self.net.timer_due(self.now + self.net.transport_timeout());
        let inc = self.life.epoch(from);
        self.queue.push(due, Event::Unreachable { node: from, peer: to, inc });
    }

    /// Attacker `from` withholds `msg` for `to`: it never reaches the network; traced, counted and
    /// logged.
    fn withhold(&mut self, from: NodeId, to: NodeId, msg: &P::Msg) {
        let m = msg.msg().map_or(u64::MAX >> 32, |m| u64::from(m.0));
        self.trace.word(TAG_WITHHOLD | (msg.kind() as u64) << 8 | m << 32);
        self.trace.word(u64::from(from) | u64::from(to) << 32);
        self.metrics.on_withheld();
        self.log_send(from, to, msg, None, PacketFate::Withheld);
    }

    /// Writes one packet to the log, if it is on: `tx` is how it went out, `None` if it never
    /// left the sender.
    fn log_send(&mut self, from: NodeId, to: NodeId, msg: &P::Msg, tx: Option<&Transmission>, fate: PacketFate) {
        let Some(log) = &mut self.packets else { return };
        let (depart, arrive) = tx.map_or((self.now, self.now), |tx| (tx.depart, tx.arrive));
        let (kind, bytes, msg) = (msg.kind(), msg.bytes(), msg.msg());
        log.push(PacketRecord { sent: self.now, depart, arrive, from, to, kind, bytes, msg, fate });
    }

    /// Settles in the log, if it is on, the packet from `from` whose event for `to` came due at
    /// `t`.
    #[inline(always)]
    fn settle(&mut self, t: SimTime, to: NodeId, from: NodeId, fate: PacketFate) {
        if let Some(log) = &mut self.packets {
            log.settle(t, to, from, fate);
        }
    }

    /// Turns the packet log on or off ([`PacketLog`]): off by default; turning it off drops
    /// what it holds. It changes nothing in the run, its trace hash included.
    pub fn set_packet_log(&mut self, on: bool) {
        self.packets = if on { Some(self.packets.take().unwrap_or_default()) } else { None };
    }

    /// The packet log, if it is on.
    pub fn packet_log(&self) -> Option<&PacketLog> {
        self.packets.as_deref()
    }

    /// Turns recording of packets in flight (for the view) on or off.
    pub fn set_recording(&mut self, on: bool) {
        self.flights = if on { Some(self.flights.take().unwrap_or_default()) } else { None };
    }

    /// The packets on the wire now (dropping those that have landed), if recording is on.
    pub fn flights(&mut self) -> &[Flight] {
        let now = self.now;
        match &mut self.flights {
            Some(f) => {
                f.retain(|x| x.arrive >= now);
                f
            }
            None => &[],
        }
    }

    /// Node positions in the unit square.
    pub fn positions(&self) -> &[[f64; 2]] {
        self.net.positions()
    }

    /// Which nodes are up (handling inputs): not crashed, paused, absent or gone.
    pub fn alive(&self) -> &[bool] {
        &self.alive
    }

    /// Where node `node` is in its life.
    pub fn status(&self, node: NodeId) -> Status {
        self.life.status(node)
    }

    /// Starts recording the metrics' time series in buckets of `bucket` (see
    /// [`Metrics::record_series`]); returns the width used.
    pub fn record_series(&mut self, bucket: SimDuration) -> SimDuration {
        self.metrics.record_series(bucket, self.end)
    }

    /// The time series so far in at most `columns` columns, if recording (see
    /// [`World::record_series`]).
    pub fn chart(&self, columns: usize) -> Option<crate::metrics::Chart> {
        self.metrics.chart(self.now, columns)
    }

    /// The running metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Node `node`'s protocol state, for tests and inspection.
    pub fn node(&self, node: NodeId) -> &P {
        &self.nodes[node as usize]
    }

    /// The cheap counters the page polls. While recording, a packet counts as sent (and lost)
    /// once it has left its sender's uplink, as the animation shows it; otherwise from the moment
    /// it is handed to the network. Both agree once the uplinks are empty.
    pub fn counters(&self) -> Counters {
        let mut c = self.metrics.counters();
        if let Some(flights) = &self.flights {
            for f in flights.iter().filter(|f| f.depart > self.now) {
                c.sent[f.kind as usize] -= 1;
                if f.partitioned {
                    c.dropped_partition -= 1;
                } else {
                    c.lost -= u64::from(f.lost);
                }
            }
        }
        c
    }

    /// The trace hash so far.
    pub fn trace_hash(&self) -> String {
        self.trace.hex()
    }

    /// The most events that have waited in the event queue at once so far: packets on the wire
    /// and in queues, timers and scheduled sends, what the run's memory grows with.
    pub fn queue_peak(&self) -> usize {
        self.queue.peak()
    }

    /// Deliveries made and owed as of now, as the report counts them: (made, owed).
    pub fn owed(&self) -> (u64, u64) {
        self.metrics.owed(&self.life.live_members(), self.now)
    }

    /// The full report as of now.
    pub fn report(&self) -> Report {
        let mut report = self.metrics.report(&self.life.live_members(), self.trace.hex(), self.now);
        report.stopped = self.stopped.map(Stop::reason);
        report.membership = self.beliefs.as_ref().map(|b| b.report(&self.life.live_members()));
        report
    }
}
