//! SRM, Scalable Reliable Multicast: receiver-driven repair with randomized, distance-scaled
//! timers, after Floyd, Jacobson, Liu, McCanne and Zhang, "A Reliable Multicast Framework for
//! Light-weight Sessions and Application Level Framing", IEEE/ACM Transactions on Networking
//! 5(6), 1997 (SIGCOMM '95).
//!
//! Every member may send; data is named by its source and a per-source sequence number, and
//! reliability is the receivers' business (§3). "Multicast to the group" is one packet to every
//! member the node knows ([`Context::multicast`]), so each request or repair to n members costs
//! n − 1 packets: unicasts one after another through the uplink by default, one transmission the
//! network replicates with `network.native_multicast` (the IP multicast the paper assumes).
//!
//! - **Session messages** (§3): each member multicasts, every T on average (drawn from [½, 1½]
//!   of it), the highest sequence number it has seen from each source, its
//!   send time t1, and for each member it heard a session from, the echo of that member's t1 with
//!   the time it held it. A member getting its own t1 back computes the round trip
//!   now − t1 − held, and takes half of it as its distance to the echoing member (the NTP-like
//!   exchange of §3). Until measured, a distance is `initial_distance_ms`. One session packet
//!   carries every echo (member B reads its own), and its size counts them all, as the paper's
//!   multicast packet does. T is `session_interval_ms`, or longer in a large group: the group's
//!   session messages share `session_bandwidth_bytes_per_sec` (see [`SrmConfig`]), so a member
//!   that knows m members and has just sent m − 1 copies of S bytes waits T = m (m − 1) S / B,
//!   as RTCP's interval grows with the members (RFC 3550 §6.2).
//! - **Loss detection** (§3): a gap in a source's sequence numbers, or a session message (or a
//!   request) naming a higher number than held.
//! - **Requests** (§3, §4): a member missing packet (S, i) waits a time drawn uniformly from
//!   [C1·d, (C1+C2)·d], d its distance to S, then multicasts a request and backs off: the timer
//!   is reset from [2^k·C1·d, 2^k·(C1+C2)·d] for the k-th backoff. Hearing someone else's request
//!   for the same packet before its timer fires, it backs off instead of sending (suppression);
//!   after a backoff it ignores further requests for half the new timer, so one round of
//!   duplicates backs it off once. It gives up after `max_backoffs` backoffs.
//! - **Repairs** (§3): a member holding the packet that hears a request waits a time drawn from
//!   [D1·d, (D1+D2)·d], d its distance to the requester, then multicasts the repair; hearing
//!   another member's repair first cancels its own. After sending or hearing a repair it ignores
//!   requests for that packet for 3·d (d to the request's sender), the requests of the same
//!   round still on their way.
//! - **Adaptive timers** (§7, `adaptive`): see [`adaptive`].
//!
//! Timers are drawn from the node's own random stream and scaled by measured distances, so on a
//! chain (deterministic timers, C2 = D2 = 0) the member next to the loss requests and the one next
//! to it repairs, once each; on a star, the expected requests per loss are about 1 + (G − 2)/C2
//! (§4), so C2 of order √G keeps them to O(√G). With `suppression` off this is a plain NAK scheme:
//! every member that misses a packet requests it, the NAK implosion SRM was designed to avoid.
//!
//! Membership. A member knows the initial members `0..size` from its configuration and learns
//! others from any packet they send. A joiner, or a node restarted after a crash, announces
//! itself with a *hello* session message to its contacts; a contact answers with a session
//! message carrying the members it knows. A leaving member multicasts a goodbye (counted as
//! `leave`, as RTCP's BYE); with a membership service, members also follow its notices. A joiner
//! is not owed what was sent before it joined: it takes the first sequence number it hears from a
//! source (or the one after a session's highest) as its start.
//!
//! The code is split by phase, one room each: `wire.rs` (packets, timers, sizes), `session.rs`
//! (session messages, distances, membership), `request.rs` (loss detection, request timers,
//! backoff, suppression), `repair.rs` (repair timers, their suppression, the adaptive repair
//! rounds); this file holds the node's state, the data path and the entry point
//! ([`Protocol::handle`]), which hands each input to its phase.

pub mod adaptive;
mod config;
mod family;
mod repair;
mod request;
mod session;
mod wire;

pub use config::{SrmConfig, PARAMS};
pub use family::SrmFamily;
pub use wire::{Echo, Msg, Session, Timer};

use crate::protocol::{Context, Description, GroupInfo, Input, MsgId, NodeId, Protocol};
use crate::protocols::blocks::NodeSet;
use crate::time::{SimDuration, SimTime};
use adaptive::Tuning;
use rand::Rng;
use repair::Repair;
use request::Request;
use session::Peer;
use std::collections::BTreeMap;

/// A packet this node holds: what a repair carries.
#[derive(Clone, Copy, Debug)]
struct Held {
    id: MsgId,
    bytes: u32,
}

/// What this node knows of one source.
#[derive(Clone, Debug, Default)]
struct Source {
    /// Lowest sequence number this node is owed (a joiner's start).
    base: u32,
    /// Highest sequence number known to exist.
    highest: Option<u32>,
    held: BTreeMap<u32, Held>,
    requests: BTreeMap<u32, Request>,
    repairs: BTreeMap<u32, Repair>,
}

/// One SRM member.
#[derive(Clone, Debug)]
pub struct Srm {
    me: NodeId,
    config: SrmConfig,
    /// The members this node multicasts to (never itself).
    members: NodeSet,
    peers: BTreeMap<NodeId, Peer>,
    sources: BTreeMap<NodeId, Source>,
    /// Next sequence number of this node's own data.
    next_seq: u32,
    /// Generation counter for timers.
    gen: u32,
    /// A joiner: not owed what its sources sent before it heard them.
    late: bool,
    request_tuning: Tuning,
    repair_tuning: Tuning,
    /// Whether the session timer chain runs.
    sessions_on: bool,
    /// When the last session message went out (or the chain started).
    last_session: SimTime,
    /// The factor in [½, 1½] drawn for the current gap.
    session_factor: f64,
    /// The network replicates multicast packets: a session message costs one copy, not m − 1.
    native_multicast: bool,
}

/// A duration drawn uniformly from [lo·d, hi·d], `scale` times (2^k for backoffs).
fn draw(cx: &mut Context<'_, Msg, Timer>, lo: f64, spread: f64, d: SimDuration, scale: u64) -> SimDuration {
    let base = d.0 as f64 * scale as f64;
    let u: f64 = if spread > 0.0 { cx.rng().random() } else { 0.0 };
    let us = base * (lo + spread * u);
    if !us.is_finite() || us <= 0.0 {
        SimDuration::ZERO
    } else {
        SimDuration(us.round().min(u64::MAX as f64 / 2.0) as u64)
    }
}

impl Srm {
    /// Whether `n` is a member this node multicasts to.
    pub fn knows_member(&self, n: NodeId) -> bool {
        self.members.contains(n)
    }

    /// How many members this node multicasts to.
    pub fn member_count(&self) -> u32 {
        self.members.len()
    }

    /// The distance to `n` measured by session messages, if measured yet.
    pub fn measured_distance(&self, n: NodeId) -> Option<SimDuration> {
        self.peers.get(&n).and_then(|p| p.distance)
    }

    /// The current request constants (C1, C2) and repair constants (D1, D2).
    pub fn constants(&self) -> [f64; 4] {
        let (r, p) = (self.request_tuning, self.repair_tuning);
        [r.fixed, r.spread, p.fixed, p.spread]
    }

    /// How many packets this node knows of but does not hold.
    pub fn missing(&self) -> usize {
        self.sources.values().map(|s| s.requests.len()).sum()
    }

    /// The distance to `n`: measured, or `initial_distance_ms` until it is.
    fn distance(&self, n: NodeId) -> SimDuration {
        self.measured_distance(n).unwrap_or_else(|| SimDuration::from_ms_f64(self.config.initial_distance_ms))
    }

    /// A fresh generation token for a timer.
    fn next_gen(&mut self) -> u32 {
        self.gen = self.gen.wrapping_add(1);
        self.gen
    }

    /// Sends `msg` to every member this node knows, as one multicast packet.
    fn multicast(&self, msg: Msg, cx: &mut Context<'_, Msg, Timer>) {
        cx.multicast(self.members.iter(), msg);
    }

    /// The application sends: the next sequence number of this node's own data, multicast.
    fn on_app_send(&mut self, id: MsgId, payload: u32, cx: &mut Context<'_, Msg, Timer>) {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        let bytes = payload.saturating_add(self.config.header_bytes);
        let me = self.me;
        let source = self.sources.entry(me).or_default();
        source.held.insert(seq, Held { id, bytes });
        source.highest = Some(seq);
        self.multicast(Msg::Data { src: me, seq, id, bytes }, cx);
    }

    /// Takes packet (src, seq) if new: delivers it and closes its request. True if it was new.
    fn take(&mut self, src: NodeId, seq: u32, id: MsgId, bytes: u32, cx: &mut Context<'_, Msg, Timer>) -> bool {
        if src == self.me {
            return false;
        }
        let late = self.late;
        let source =
            self.sources.entry(src).or_insert_with(|| Source { base: if late { seq } else { 0 }, ..Source::default() });
        if source.held.contains_key(&seq) {
            return false;
        }
        source.held.insert(seq, Held { id, bytes });
        cx.deliver(id);
        self.close_request(src, seq);
        true
    }

    /// A data packet: taken if new, and any gap before it revealed.
    fn on_data(&mut self, src: NodeId, seq: u32, id: MsgId, bytes: u32, cx: &mut Context<'_, Msg, Timer>) {
        if self.take(src, seq, id, bytes, cx) {
            self.reveal(src, seq, false, cx);
        }
    }
}

impl Protocol for Srm {
    type Msg = Msg;
    type Timer = Timer;
    type Config = SrmConfig;

    fn new(me: NodeId, group: &GroupInfo, config: &SrmConfig) -> Self {
        let size = group.size;
        let mut members = NodeSet::first(size);
        members.remove(me);
        Srm {
            me,
            config: config.clone(),
            members,
            peers: BTreeMap::new(),
            sources: BTreeMap::new(),
            next_seq: 0,
            gen: 0,
            late: me >= size,
            request_tuning: Tuning::new(config.c1, config.c2),
            repair_tuning: Tuning::new(config.d1, config.d2),
            sessions_on: false,
            last_session: SimTime::ZERO,
            session_factor: 1.0,
            native_multicast: group.native_multicast,
        }
    }

    fn handle(&mut self, input: Input<Msg, Timer>, cx: &mut Context<'_, Msg, Timer>) {
        match input {
            Input::Start => self.start_sessions(cx),
            Input::Join { contacts } => {
                self.late = true;
                self.join(contacts, cx);
            }
            Input::Restart { contacts } => self.join(contacts, cx),
            Input::Leave { .. } => {
                let bytes = self.config.header_bytes;
                self.multicast(Msg::Bye { bytes }, cx);
            }
            Input::Membership(change) => self.on_membership(change),
            Input::AppSend { id, bytes } => self.on_app_send(id, bytes, cx),
            Input::Recv { from, msg } => {
                self.add_member(from);
                match msg {
                    Msg::Data { src, seq, id, bytes } => self.on_data(src, seq, id, bytes, cx),
                    Msg::Request { src, seq, .. } => self.on_request(from, src, seq, cx),
                    Msg::Repair { src, seq, id, bytes } => self.on_repair(src, seq, id, bytes, cx),
                    Msg::Session(s) => self.on_session(from, &s, cx),
                    Msg::Bye { .. } => self.remove_member(from),
                }
            }
            Input::Timer(Timer::Session) => self.on_session_timer(cx),
            Input::Timer(Timer::Request { src, seq, gen }) => self.on_request_timer(src, seq, gen, cx),
            Input::Timer(Timer::Repair { src, seq, gen }) => self.on_repair_timer(src, seq, gen, cx),
            Input::Timer(Timer::RepairRound { src, seq }) => self.on_repair_round(src, seq, cx.now()),
        }
    }

    fn describe_timer(&self, timer: &Timer) -> String {
        match timer {
            Timer::Session => "send a session message".to_string(),
            Timer::Request { src, seq, .. } => format!("request a repair of node {src}'s seq {seq} (unless suppressed)"),
            Timer::Repair { src, seq, .. } => format!("multicast a repair of node {src}'s seq {seq} (unless suppressed)"),
            Timer::RepairRound { src, seq } => format!("end the repair hold-down of node {src}'s seq {seq}"),
        }
    }

    /// Per source: the sequence numbers it holds, those it knows it misses, and the requests
    /// and repairs it has pending.
    fn describe(&self, out: &mut Description) {
        let requesting: usize = self.sources.values().map(|s| s.requests.len()).sum();
        out.state(match (self.next_seq, requesting) {
            (0, 0) => "member".to_string(),
            (0, n) => format!("member, requesting {n} repair(s)"),
            (k, _) => format!("sender of {k} message(s)"),
        });
        out.fact("members it multicasts to", self.members.len());
        out.fact("members it measured a distance to", self.peers.values().filter(|p| p.distance.is_some()).count());
        for (src, source) in &self.sources {
            let top = source.highest.map_or(source.base, |h| h + 1);
            let missing: Vec<String> =
                (source.base..top).filter(|q| !source.held.contains_key(q)).map(|q| q.to_string()).collect();
            let requests: Vec<String> = source.requests.keys().map(|q| q.to_string()).collect();
            let repairs: Vec<String> = source.repairs.keys().map(|q| q.to_string()).collect();
            out.fact(
                "source",
                format!(
                    "node {src}: holds {} of seq {}..{top}; missing [{}]; requesting [{}]; repairing [{}]",
                    source.held.len(),
                    source.base,
                    missing.join(", "),
                    requests.join(", "),
                    repairs.join(", ")
                ),
            );
        }
    }
}

/// One SRM node driven by hand, for the rooms' exact-output tests (tier 1).
#[cfg(test)]
mod testkit {
    use super::{Msg, Session, Srm, SrmConfig, Timer};
    use crate::protocol::{GroupInfo, Harness, Input, MsgId, NodeId, Output, UniformDistance};
    use crate::rng::{self, Stream};
    use crate::time::{SimDuration, SimTime};
    use rand::Rng;
    use std::sync::Arc;

    /// What a node asks for.
    pub(super) type Out = Output<Msg, Timer>;

    /// The distance to a member until a session exchange measures it: `initial_distance_ms`.
    pub(super) const D: SimDuration = SimDuration(30_000);

    /// The default parameters with deterministic timers (C2 = D2 = 0): a request waits exactly
    /// C1·d = 2d, a repair D1·d = d.
    pub(super) fn exact() -> SrmConfig {
        SrmConfig { c2: 0.0, d2: 0.0, ..SrmConfig::default() }
    }

    /// One node in a [`Harness`] (random stream from seed 1). Its distance service says 999 ms
    /// to everyone: SRM measures distances with its own packets, so no timer may show it.
    pub(super) struct Node(pub(super) Harness<Srm>);

    impl Node {
        /// Node `me` of a group of `size` initial members over application-level multicast.
        pub(super) fn new(me: NodeId, size: u32, config: SrmConfig) -> Node {
            Node::in_group(me, GroupInfo::of_size(size), config)
        }

        /// Node `me` of `group`.
        pub(super) fn in_group(me: NodeId, group: GroupInfo, config: SrmConfig) -> Node {
            Node(Harness::new(me, group, UniformDistance(SimDuration::from_ms(999)), &config))
        }

        /// The node's state.
        pub(super) fn srm(&self) -> &Srm {
            &self.0.protocol
        }

        /// Hands the node `input` at `ms` milliseconds.
        pub(super) fn at(&mut self, ms: u64, input: Input<Msg, Timer>) -> Vec<Out> {
            self.0.handle_at_ms(ms, input)
        }

        /// Packet `msg` from `from` arrives at `ms` milliseconds.
        pub(super) fn recv(&mut self, ms: u64, from: NodeId, msg: Msg) -> Vec<Out> {
            self.at(ms, Input::Recv { from, msg })
        }

        /// `timer` fires at `ms` milliseconds.
        pub(super) fn fire(&mut self, ms: u64, timer: Timer) -> Vec<Out> {
            self.at(ms, Input::Timer(timer))
        }
    }

    /// Packet `seq` of `src`, carrying message `seq`: 1000 bytes of payload and the header.
    pub(super) fn data(src: NodeId, seq: u32) -> Msg {
        Msg::Data { src, seq, id: MsgId(seq), bytes: 1040 }
    }

    /// The repair of [`data`]`(src, seq)`.
    pub(super) fn repair(src: NodeId, seq: u32) -> Msg {
        Msg::Repair { src, seq, id: MsgId(seq), bytes: 1040 }
    }

    /// A request for packet `seq` of `src`: the header and an 8-byte name.
    pub(super) fn request(src: NodeId, seq: u32) -> Msg {
        Msg::Request { src, seq, bytes: 48 }
    }

    /// A session message sent at `sent_at_ms`, echoing and reporting nothing.
    pub(super) fn session(sent_at_ms: u64) -> Session {
        Session {
            sent_at: SimTime::from_ms(sent_at_ms),
            echoes: Arc::from([]),
            highest: Arc::from([]),
            members: None,
            hello: false,
            bytes: 40,
        }
    }

    /// `SetTimer { after, timer }`.
    pub(super) fn set(after: SimDuration, timer: Timer) -> Out {
        Output::SetTimer { after, timer }
    }

    /// `Deliver` of message `id`.
    pub(super) fn deliver(id: u32) -> Out {
        Output::Deliver { id: MsgId(id) }
    }

    /// One `Multicast` of `msg` to `to`.
    pub(super) fn multicast(to: &[NodeId], msg: Msg) -> Out {
        Output::Multicast { to: to.to_vec(), msg }
    }

    /// The first `k` uniform draws of node `me`'s random stream under the harness's seed: what
    /// its random timers are made of.
    pub(super) fn draws(me: NodeId, k: usize) -> Vec<f64> {
        let mut rng = rng::stream(1, Stream::Node(me));
        (0..k).map(|_| rng.random::<f64>()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::{data, deliver, multicast, repair, Node};
    use super::*;
    use crate::protocol::MsgId;

    #[test]
    fn the_source_numbers_its_packets_and_multicasts_each_to_every_member() {
        let mut n = Node::new(0, 3, SrmConfig::default());
        let sent = |seq, id, bytes| multicast(&[1, 2], Msg::Data { src: 0, seq, id: MsgId(id), bytes });
        assert_eq!(n.at(10, Input::AppSend { id: MsgId(7), bytes: 1000 }), [sent(0, 7, 1040)]);
        assert_eq!(n.at(20, Input::AppSend { id: MsgId(8), bytes: 500 }), [sent(1, 8, 540)]);
        assert_eq!(n.srm().missing(), 0);
    }

    #[test]
    fn each_packet_is_delivered_once_whichever_way_it_comes() {
        let mut n = Node::new(1, 3, SrmConfig::default());
        assert_eq!(n.recv(10, 0, data(0, 0)), [deliver(0)]);
        assert_eq!(n.recv(20, 0, data(0, 0)), []);
        assert_eq!(n.recv(30, 2, repair(0, 0)), []);
        assert_eq!(n.recv(40, 2, repair(0, 1)), [deliver(1)], "a repair of a packet never seen");
        assert_eq!(n.recv(50, 0, data(1, 0)), [], "its own packet, sent back");
    }

    #[test]
    fn a_packet_from_a_stranger_makes_it_a_member() {
        let mut n = Node::new(1, 3, SrmConfig::default());
        assert_eq!((n.srm().member_count(), n.srm().knows_member(1)), (2, false), "never itself");
        assert_eq!(n.recv(10, 70, data(70, 0)), [deliver(0)]);
        assert_eq!((n.srm().member_count(), n.srm().knows_member(70)), (3, true));
        assert_eq!(n.at(20, Input::Leave { contacts: vec![0] }), [multicast(&[0, 2, 70], Msg::Bye { bytes: 40 })]);
    }
}
