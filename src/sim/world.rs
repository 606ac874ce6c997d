//! The discrete-event kernel: owns time, the event queue, the random streams, the network and
//! the fault schedule, and runs one protocol instance per node.
//!
//! Each event is hashed into the trace, then handed to its node as an [`Input`]; the node's
//! [`Output`]s are resolved at once (sends through the network, timers into the queue, deliveries
//! into the metrics). The kernel never looks inside a protocol.

use super::network::Network;
use super::queue::EventQueue;
use super::rng::SimRng;
use super::time::{SimDuration, SimTime};
use super::trace::TraceHash;
use crate::metrics::{Counters, Metrics, Report};
use crate::protocol::{Context, GroupInfo, Input, MsgId, NodeId, Output, PacketKind, Protocol, Wire};

/// Something scheduled to happen.
enum Event<M, T> {
    Arrive { to: NodeId, from: NodeId, msg: M },
    Timer { node: NodeId, timer: T },
    App { node: NodeId, id: MsgId, bytes: u32 },
    Crash { node: NodeId },
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
    /// Whether the network drops it on the way.
    pub lost: bool,
}

/// What to schedule before the run starts.
pub struct Setup {
    /// The master seed.
    pub seed: u64,
    /// Group size.
    pub size: u32,
    /// The network.
    pub network: Network,
    /// `(time, sender, bytes)` for each message, in id order.
    pub messages: Vec<(SimTime, NodeId, u32)>,
    /// `(time, node)` crashes.
    pub crashes: Vec<(SimTime, NodeId)>,
    /// The run stops at this time.
    pub end: SimTime,
}

/// A running simulation of protocol `P`.
pub struct World<P: Protocol> {
    now: SimTime,
    end: SimTime,
    seed: u64,
    queue: EventQueue<Event<P::Msg, P::Timer>>,
    nodes: Vec<P>,
    alive: Vec<bool>,
    /// When each node's first crash is scheduled (`SimTime::MAX` if never): a packet that would
    /// leave its uplink after that never leaves. The kernel knows the fault schedule; protocols
    /// do not.
    crash_time: Vec<SimTime>,
    rngs: Vec<Option<Box<SimRng>>>,
    net: Network,
    metrics: Metrics,
    trace: TraceHash,
    out: Vec<Output<P::Msg, P::Timer>>,
    flights: Option<Vec<Flight>>,
}

const TAG_ARRIVE: u64 = 1;
const TAG_TIMER: u64 = 2;
const TAG_APP: u64 = 3;
const TAG_CRASH: u64 = 4;
const TAG_SEND: u64 = 5;
const TAG_DELIVER: u64 = 6;

impl<P: Protocol> World<P> {
    /// A world of `setup.size` nodes running `P` with `config`, started at time zero.
    pub fn new(setup: Setup, config: &P::Config) -> Self {
        let group = GroupInfo { size: setup.size };
        let n = setup.size as usize;
        let senders: Vec<NodeId> = setup.messages.iter().map(|m| m.1).collect();
        let mut w = World {
            now: SimTime::ZERO,
            end: setup.end,
            seed: setup.seed,
            queue: EventQueue::default(),
            nodes: (0..setup.size).map(|i| P::new(i, &group, config)).collect(),
            alive: vec![true; n],
            crash_time: vec![SimTime::MAX; n],
            rngs: (0..n).map(|_| None).collect(),
            net: setup.network,
            metrics: Metrics::new(setup.size, &senders),
            trace: TraceHash::default(),
            out: Vec::new(),
            flights: None,
        };
        for node in 0..setup.size {
            w.handle(node, Input::Start);
        }
        // Faults first: a node that crashes at T does not also send at T.
        for (t, node) in setup.crashes {
            let first = &mut w.crash_time[node as usize];
            *first = (*first).min(t);
            w.queue.push(t, Event::Crash { node });
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

    /// Whether nothing is left to happen before the end.
    pub fn is_done(&self) -> bool {
        self.queue.peek_time().is_none_or(|t| t > self.end)
    }

    /// Processes every event up to and including `t` (capped at the end), then sets the clock to
    /// `t`.
    pub fn run_until(&mut self, t: SimTime) {
        let t = t.min(self.end);
        while let Some(next) = self.queue.peek_time() {
            if next > t {
                break;
            }
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// Runs until nothing is left to happen or the end is reached, and returns the final time.
    pub fn run_to_end(&mut self) -> SimTime {
        while !self.is_done() {
            self.step();
        }
        self.now
    }

    /// Processes the earliest event. Returns false if there was none.
    pub fn step(&mut self) -> bool {
        let Some((t, ev)) = self.queue.pop() else {
            return false;
        };
        self.now = t;
        self.metrics.on_event();
        self.trace.word(t.0);
        match ev {
            Event::Arrive { to, from, msg } => {
                self.trace.word(TAG_ARRIVE | u64::from(to) << 8 | u64::from(from) << 32);
                if self.alive[to as usize] {
                    self.metrics.on_arrive(to, msg.kind(), msg.msg(), t);
                    self.handle(to, Input::Recv { from, msg });
                } else {
                    self.metrics.on_to_crashed();
                }
            }
            Event::Timer { node, timer } => {
                self.trace.word(TAG_TIMER | u64::from(node) << 8);
                if self.alive[node as usize] {
                    self.handle(node, Input::Timer(timer));
                }
            }
            Event::App { node, id, bytes } => {
                self.trace.word(TAG_APP | u64::from(node) << 8 | u64::from(id.0) << 32);
                self.metrics.on_app_send(id, t);
                if self.alive[node as usize] {
                    self.handle(node, Input::AppSend { id, bytes });
                }
            }
            Event::Crash { node } => {
                self.trace.word(TAG_CRASH | u64::from(node) << 8);
                self.alive[node as usize] = false;
            }
        }
        true
    }

    fn handle(&mut self, node: NodeId, input: Input<P::Msg, P::Timer>) {
        // The packet being handled, for the hop count of what it makes the node deliver.
        let via = match &input {
            Input::Recv { from, msg } => msg.msg().map(|m| (*from, m)),
            _ => None,
        };
        let mut out = std::mem::take(&mut self.out);
        {
            let rng = &mut self.rngs[node as usize];
            let mut cx = Context::new(self.now, node, self.seed, rng, &mut out);
            self.nodes[node as usize].handle(input, &mut cx);
        }
        for o in out.drain(..) {
            match o {
                Output::Send { to, msg } => self.send(node, to, msg),
                Output::SetTimer { after, timer } => {
                    self.queue.push(self.now + after, Event::Timer { node, timer });
                }
                Output::Deliver { id } => {
                    self.trace.word(TAG_DELIVER | u64::from(node) << 8 | u64::from(id.0) << 32);
                    let from = via.filter(|v| v.1 == id).map(|v| v.0);
                    self.metrics.on_deliver(node, id, self.now, from);
                }
            }
        }
        self.out = out;
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        let (kind, bytes) = (msg.kind(), msg.bytes());
        if to as usize >= self.nodes.len() {
            // A protocol bug, not a crash of the simulator: count it as lost.
            self.metrics.on_send(from, kind, bytes, msg.msg(), self.now, true);
            return;
        }
        let tx = self.net.transmit(self.now, from, to, bytes);
        if tx.depart > self.crash_time[from as usize] {
            // Still queued in the uplink when its node crashes: it never leaves.
            self.trace.word(TAG_SEND | (kind as u64) << 8 | 2 << 16);
            self.metrics.on_lost_in_crash();
            return;
        }
        self.metrics.on_send(from, kind, bytes, msg.msg(), tx.depart, tx.lost);
        let m = msg.msg().map_or(u64::MAX >> 32, |m| u64::from(m.0));
        self.trace.word(TAG_SEND | (kind as u64) << 8 | u64::from(tx.lost) << 16 | m << 32);
        self.trace.word(tx.arrive.0 ^ u64::from(to) << 40);
        if let Some(f) = &mut self.flights {
            f.push(Flight { from, to, depart: tx.depart, arrive: tx.arrive, kind, lost: tx.lost });
        }
        if !tx.lost {
            self.queue.push(tx.arrive, Event::Arrive { to, from, msg });
        }
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

    /// Which nodes are alive.
    pub fn alive(&self) -> &[bool] {
        &self.alive
    }

    /// Starts recording the metrics' time series in buckets of `bucket` (see
    /// [`Metrics::record_series`]); returns the width used.
    pub fn record_series(&mut self, bucket: SimDuration) -> SimDuration {
        self.metrics.record_series(bucket, self.end)
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
                c.lost -= u64::from(f.lost);
            }
        }
        c
    }

    /// The trace hash so far.
    pub fn trace_hash(&self) -> String {
        self.trace.hex()
    }

    /// The full report as of now.
    pub fn report(&self) -> Report {
        self.metrics.report(&self.alive, self.trace.hex(), self.now)
    }
}
