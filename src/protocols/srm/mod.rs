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

pub mod adaptive;
mod config;

pub use config::{SrmConfig, PARAMS};

use crate::protocol::{Context, GroupInfo, Input, MemberChange, MsgId, NodeId, PacketKind, Protocol, Wire};
use crate::protocols::blocks::NodeSet;
use crate::time::{SimDuration, SimTime};
use adaptive::Tuning;
use rand::Rng;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Bytes a session message spends per source it reports (id and sequence number).
const SOURCE_ENTRY_BYTES: u32 = 8;
/// Bytes a session message spends per member it echoes (id, timestamp, time held).
const ECHO_ENTRY_BYTES: u32 = 12;
/// Bytes a member list spends per member.
const MEMBER_ENTRY_BYTES: u32 = 4;
/// Bytes a request or repair spends naming its packet (source and sequence number).
const NAME_BYTES: u32 = 8;

/// A session message's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The sender's clock when it sent the message (t1 of the paper's exchange).
    pub sent_at: SimTime,
    /// For each member the sender has heard a session message from, in id order: that member's
    /// last t1 as the sender heard it, and how long the sender held it.
    pub echoes: Arc<[Echo]>,
    /// Per source, the highest sequence number the sender knows of.
    pub highest: Arc<[(NodeId, u32)]>,
    /// The members the sender knows, in answer to a hello.
    pub members: Option<Arc<[NodeId]>>,
    /// A newcomer's announcement: please answer with the members you know.
    pub hello: bool,
    /// Size on the wire.
    pub bytes: u32,
}

/// One member's timestamp echoed in a session message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Echo {
    /// The member whose timestamp this is.
    pub member: NodeId,
    /// Its t1, as the sender of the session message heard it.
    pub their_t1: SimTime,
    /// How long the sender held it before sending this message.
    pub held: SimDuration,
}

impl Session {
    /// The echo of `member`'s own timestamp, if the message carries one.
    pub fn echo_for(&self, member: NodeId) -> Option<(SimTime, SimDuration)> {
        let i = self.echoes.binary_search_by_key(&member, |e| e.member).ok()?;
        let e = self.echoes[i];
        Some((e.their_t1, e.held))
    }
}

/// Packets of SRM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// Packet `seq` of source `src`, carrying application message `id`.
    Data {
        /// The source.
        src: NodeId,
        /// Its sequence number at the source.
        seq: u32,
        /// The application message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A repair request for packet `seq` of `src` (counted as `nak`).
    Request {
        /// The source.
        src: NodeId,
        /// The missing sequence number.
        seq: u32,
        /// Size on the wire.
        bytes: u32,
    },
    /// Packet `seq` of `src` sent again by any member holding it.
    Repair {
        /// The source.
        src: NodeId,
        /// Its sequence number.
        seq: u32,
        /// The application message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A session message.
    Session(Box<Session>),
    /// A member leaving says goodbye.
    Bye {
        /// Size on the wire.
        bytes: u32,
    },
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::Data { .. } => PacketKind::Data,
            Msg::Request { .. } => PacketKind::Nak,
            Msg::Repair { .. } => PacketKind::Repair,
            Msg::Session(_) => PacketKind::Session,
            Msg::Bye { .. } => PacketKind::Leave,
        }
    }
    fn bytes(&self) -> u32 {
        match self {
            Msg::Data { bytes, .. } | Msg::Request { bytes, .. } | Msg::Repair { bytes, .. } | Msg::Bye { bytes } => {
                *bytes
            }
            Msg::Session(s) => s.bytes,
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match self {
            Msg::Data { id, .. } | Msg::Repair { id, .. } => Some(*id),
            Msg::Request { .. } | Msg::Session(_) | Msg::Bye { .. } => None,
        }
    }
}

/// Timers of SRM; `gen` tokens recognise stale ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Time for the next session message.
    Session,
    /// Time to request packet `seq` of `src`, unless the timer was reset since.
    Request {
        /// The source.
        src: NodeId,
        /// The missing sequence number.
        seq: u32,
        /// The request's generation when the timer was set.
        gen: u32,
    },
    /// Time to repair packet `seq` of `src`, unless cancelled since.
    Repair {
        /// The source.
        src: NodeId,
        /// The sequence number.
        seq: u32,
        /// The repair's generation when the timer was set.
        gen: u32,
    },
    /// End of a repair round for packet `seq` of `src` (adaptive mode): count its duplicates.
    RepairRound {
        /// The source.
        src: NodeId,
        /// The sequence number.
        seq: u32,
    },
}

/// A packet this node holds: what a repair carries.
#[derive(Clone, Copy, Debug)]
struct Held {
    id: MsgId,
    bytes: u32,
}

/// A packet this node misses and is (or was) requesting.
#[derive(Clone, Copy, Debug)]
struct Request {
    /// Backoffs so far (k).
    backoff: u32,
    /// Generation of the live timer.
    gen: u32,
    /// Requests heard before this time do not back the timer off again.
    ignore_until: SimTime,
    /// Stopped asking after `max_backoffs`.
    gave_up: bool,
    /// When the loss was detected.
    detected: SimTime,
    /// When the first request for it (own or heard) went out or came in.
    first_request: Option<SimTime>,
    /// Requests for it sent and heard.
    requests: u32,
    /// Whether this node's own request was the first.
    went_first: bool,
}

/// Repair state of a held packet that someone requested.
#[derive(Clone, Copy, Debug, Default)]
struct Repair {
    /// Generation of the live repair timer, if one is pending.
    pending: Option<u32>,
    /// When this node last sent or heard a repair for it.
    last: Option<SimTime>,
    /// Repairs this node sent for it.
    sent: u32,
    /// Adaptive: when the round's first request came in, the distance to its sender, repairs
    /// seen in the round, and whether this node's repair was the first.
    round_start: Option<(SimTime, SimDuration)>,
    round_repairs: u32,
    went_first: bool,
}

/// What this node knows of one source.
#[derive(Debug, Default)]
struct Source {
    /// Lowest sequence number this node is owed (a joiner's start).
    base: u32,
    /// Highest sequence number known to exist.
    highest: Option<u32>,
    held: BTreeMap<u32, Held>,
    requests: BTreeMap<u32, Request>,
    repairs: BTreeMap<u32, Repair>,
}

/// What this node knows of another member from its session messages.
#[derive(Clone, Copy, Debug)]
struct Peer {
    /// t1 of its last session message.
    their_t1: SimTime,
    /// When that message arrived.
    heard_at: SimTime,
    /// Measured one-way distance (half the round trip), once measured.
    distance: Option<SimDuration>,
}

/// One SRM member.
#[derive(Debug)]
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

    fn distance(&self, n: NodeId) -> SimDuration {
        self.measured_distance(n).unwrap_or_else(|| SimDuration::from_ms_f64(self.config.initial_distance_ms))
    }

    fn next_gen(&mut self) -> u32 {
        self.gen = self.gen.wrapping_add(1);
        self.gen
    }

    /// Adds `n` to the members this node multicasts to (never itself); true if it was new.
    fn add_member(&mut self, n: NodeId) -> bool {
        n != self.me && self.members.insert(n)
    }

    /// Forgets member `n` and what its session messages told.
    fn remove_member(&mut self, n: NodeId) {
        self.members.remove(n);
        self.peers.remove(&n);
    }

    /// Sends `msg` to every member this node knows, as one multicast packet.
    fn multicast(&self, msg: Msg, cx: &mut Context<'_, Msg, Timer>) {
        cx.multicast(self.members.iter(), msg);
    }

    /// This node, then the members it knows in id order: the list a hello is answered with.
    fn member_list(&self) -> Vec<NodeId> {
        let mut out = Vec::with_capacity(self.members.len() as usize + 1);
        out.push(self.me);
        out.extend(self.members.iter());
        out
    }

    // -----------------------------------------------------------------------------------------
    // Session messages
    // -----------------------------------------------------------------------------------------

    /// The session interval T now: max(`session_interval_ms`, m (m − 1) S / B), m the members
    /// known (this node included) and S the size of this node's next session message.
    fn session_interval(&self) -> SimDuration {
        let m = f64::from(self.members.len()) + 1.0;
        let bytes = f64::from(self.session_bytes());
        let copies = if self.native_multicast { 1.0 } else { m - 1.0 };
        let share_ms = m * copies * bytes * 1000.0 / self.config.session_bandwidth_bytes_per_sec as f64;
        // Capped at about four months, past any run, so that the timer never overflows.
        SimDuration::from_ms_f64(self.config.session_interval_ms.max(share_ms).min(1e10))
    }

    /// The gap from the last session message to the next: the interval now, times the factor
    /// drawn in [½, 1½] after the last one.
    fn session_gap(&self) -> SimDuration {
        SimDuration::from_ms_f64(self.session_interval().as_ms_f64() * self.session_factor)
    }

    /// Draws the factor for the next gap and sets the timer.
    fn schedule_session(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        self.session_factor = 0.5 + cx.rng().random::<f64>();
        self.last_session = cx.now();
        let after = self.session_gap();
        cx.set_timer(after, Timer::Session);
    }

    /// The size of this node's session message now (without a member list).
    fn session_bytes(&self) -> u32 {
        let sources = self.sources.values().filter(|s| s.highest.is_some()).count() as u32;
        self.config
            .header_bytes
            .saturating_add(SOURCE_ENTRY_BYTES.saturating_mul(sources))
            .saturating_add(ECHO_ENTRY_BYTES.saturating_mul(self.peers.len() as u32))
    }

    fn start_sessions(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if !self.sessions_on {
            self.sessions_on = true;
            self.schedule_session(cx);
        }
    }

    fn highest_list(&self) -> Arc<[(NodeId, u32)]> {
        self.sources.iter().filter_map(|(&src, s)| s.highest.map(|h| (src, h))).collect()
    }

    /// A session message sent now, echoing every member heard from (see the module doc).
    fn session(
        &self,
        now: SimTime,
        highest: &Arc<[(NodeId, u32)]>,
        members: Option<&Arc<[NodeId]>>,
        hello: bool,
    ) -> Msg {
        let echoes = self
            .peers
            .iter()
            .map(|(&member, p)| Echo { member, their_t1: p.their_t1, held: now.since(p.heard_at) })
            .collect();
        let list = members.map_or(0, |m| m.len() as u32);
        let bytes = self
            .config
            .header_bytes
            .saturating_add(SOURCE_ENTRY_BYTES.saturating_mul(highest.len() as u32))
            .saturating_add(ECHO_ENTRY_BYTES.saturating_mul(self.peers.len() as u32))
            .saturating_add(MEMBER_ENTRY_BYTES.saturating_mul(list));
        Msg::Session(Box::new(Session {
            sent_at: now,
            echoes,
            highest: highest.clone(),
            members: members.cloned(),
            hello,
            bytes,
        }))
    }

    /// Sends a session message to every known member, unless the interval has grown since the
    /// timer was set (more members known, a longer message): then the timer moves to the later
    /// time, RFC 3550 §6.3.6's reconsideration, so each message's copies are paid for by the gap
    /// before them.
    fn on_session_timer(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let (now, highest) = (cx.now(), self.highest_list());
        let due = self.last_session.0.saturating_add(self.session_gap().0);
        if due > now.0 {
            cx.set_timer(SimDuration(due - now.0), Timer::Session);
            return;
        }
        let session = self.session(now, &highest, None, false);
        self.multicast(session, cx);
        self.schedule_session(cx);
    }

    /// Joins (or rejoins after a restart): hello to the contacts, then periodic sessions.
    fn join(&mut self, contacts: Vec<NodeId>, cx: &mut Context<'_, Msg, Timer>) {
        let (now, highest) = (cx.now(), self.highest_list());
        for c in contacts {
            if c != self.me {
                self.add_member(c);
                cx.send(c, self.session(now, &highest, None, true));
            }
        }
        self.start_sessions(cx);
    }

    fn on_session(&mut self, from: NodeId, s: &Session, cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        let mut distance = self.peers.get(&from).and_then(|p| p.distance);
        if let Some((t1, held)) = s.echo_for(self.me) {
            // Round trip = now − t1 − held; a stale or odd echo (held longer than the trip) is
            // dropped rather than trusted.
            if let Some(rtt) = now.0.checked_sub(t1.0).and_then(|x| x.checked_sub(held.0)) {
                distance = Some(SimDuration(rtt / 2));
            }
        }
        self.peers.insert(from, Peer { their_t1: s.sent_at, heard_at: now, distance });
        if let Some(list) = &s.members {
            for &n in list.iter() {
                self.add_member(n);
            }
        }
        for &(src, h) in s.highest.iter() {
            self.reveal(src, h, true, cx);
        }
        if s.hello {
            let highest = self.highest_list();
            let list: Arc<[NodeId]> = self.member_list().into();
            cx.send(from, self.session(now, &highest, Some(&list), false));
        }
    }

    // -----------------------------------------------------------------------------------------
    // Loss detection and requests
    // -----------------------------------------------------------------------------------------

    /// Learns that packets of `src` up to `h` exist; starts a request for each one missing.
    /// `from_session`: a joiner hearing of a source first from a session is owed only what follows.
    fn reveal(&mut self, src: NodeId, h: u32, from_session: bool, cx: &mut Context<'_, Msg, Timer>) {
        if src == self.me {
            return;
        }
        let late = self.late;
        let source = self.sources.entry(src).or_insert_with(|| Source {
            base: match (late, from_session) {
                (false, _) => 0,
                (true, true) => h.saturating_add(1),
                (true, false) => h,
            },
            ..Source::default()
        });
        let start = match source.highest {
            Some(old) if old >= h => return,
            Some(old) => old + 1,
            None => 0,
        }
        .max(source.base);
        source.highest = Some(h);
        if start > h {
            return;
        }
        let missing: Vec<u32> =
            (start..=h).filter(|seq| !source.held.contains_key(seq) && !source.requests.contains_key(seq)).collect();
        for seq in missing {
            self.start_request(src, seq, cx);
        }
    }

    fn start_request(&mut self, src: NodeId, seq: u32, cx: &mut Context<'_, Msg, Timer>) {
        let gen = self.next_gen();
        let t = self.request_tuning;
        let after = draw(cx, t.fixed, t.spread, self.distance(src), 1);
        let now = cx.now();
        let req = Request {
            backoff: 0,
            gen,
            ignore_until: now,
            gave_up: false,
            detected: now,
            first_request: None,
            requests: 0,
            went_first: false,
        };
        if let Some(s) = self.sources.get_mut(&src) {
            s.requests.insert(seq, req);
        }
        cx.set_timer(after, Timer::Request { src, seq, gen });
    }

    /// Backs request (src, seq) off once more and resets its timer.
    fn back_off(&mut self, src: NodeId, seq: u32, cx: &mut Context<'_, Msg, Timer>) {
        let gen = self.next_gen();
        let (t, d, max) = (self.request_tuning, self.distance(src), self.config.max_backoffs);
        let Some(req) = self.sources.get_mut(&src).and_then(|s| s.requests.get_mut(&seq)) else {
            return;
        };
        req.backoff = (req.backoff + 1).min(max.max(1));
        let scale = 1u64 << req.backoff.min(40);
        let after = draw(cx, t.fixed, t.spread, d, scale);
        req.gen = gen;
        req.ignore_until = cx.now() + SimDuration(after.0 / 2);
        cx.set_timer(after, Timer::Request { src, seq, gen });
    }

    fn on_request_timer(&mut self, src: NodeId, seq: u32, gen: u32, cx: &mut Context<'_, Msg, Timer>) {
        let max = self.config.max_backoffs;
        let Some(req) = self.sources.get_mut(&src).and_then(|s| s.requests.get_mut(&seq)) else {
            return;
        };
        if req.gen != gen || req.gave_up {
            return;
        }
        let now = cx.now();
        req.requests += 1;
        if req.first_request.is_none() {
            req.first_request = Some(now);
            req.went_first = true;
        }
        let last = req.backoff >= max;
        if last {
            req.gave_up = true;
        }
        let bytes = self.config.header_bytes.saturating_add(NAME_BYTES);
        self.multicast(Msg::Request { src, seq, bytes }, cx);
        if !last {
            self.back_off(src, seq, cx);
        }
    }

    fn on_request(&mut self, from: NodeId, src: NodeId, seq: u32, cx: &mut Context<'_, Msg, Timer>) {
        let holds = src == self.me || self.sources.get(&src).is_some_and(|s| s.held.contains_key(&seq));
        if holds {
            self.schedule_repair(from, src, seq, cx);
            return;
        }
        self.reveal(src, seq, false, cx);
        let now = cx.now();
        let suppress = self.config.suppression;
        let Some(req) = self.sources.get_mut(&src).and_then(|s| s.requests.get_mut(&seq)) else {
            return;
        };
        req.requests += 1;
        if req.first_request.is_none() {
            req.first_request = Some(now);
        }
        if suppress && !req.gave_up && now >= req.ignore_until {
            self.back_off(src, seq, cx);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Data and repairs
    // -----------------------------------------------------------------------------------------

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
        let closed = source.requests.remove(&seq);
        cx.deliver(id);
        if let (Some(req), true) = (closed, self.config.adaptive) {
            let d = self.distance(src).0.max(1) as f64;
            let delay = req.first_request.map_or(f64::NAN, |t| t.since(req.detected).0 as f64 / d);
            let group = self.members.len() + 1;
            self.request_tuning.period(req.requests.saturating_sub(1), delay, group, adaptive::C1_MAX);
            if req.went_first {
                self.request_tuning.went_first(group, adaptive::C1_MAX);
            }
        }
        true
    }

    fn on_data(&mut self, src: NodeId, seq: u32, id: MsgId, bytes: u32, cx: &mut Context<'_, Msg, Timer>) {
        if self.take(src, seq, id, bytes, cx) {
            self.reveal(src, seq, false, cx);
        }
    }

    fn schedule_repair(&mut self, requester: NodeId, src: NodeId, seq: u32, cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        let d = self.distance(requester);
        let (max, adaptive) = (self.config.max_backoffs, self.config.adaptive);
        let gen = self.next_gen();
        let t = self.repair_tuning;
        let Some(source) = self.sources.get_mut(&src) else {
            return;
        };
        let rep = source.repairs.entry(seq).or_default();
        if rep.last.is_some_and(|last| now < last + d.times(3)) || rep.pending.is_some() || rep.sent > max {
            return;
        }
        rep.pending = Some(gen);
        if adaptive && rep.round_start.is_none() {
            rep.round_start = Some((now, d));
            rep.round_repairs = 0;
            rep.went_first = false;
        }
        let after = draw(cx, t.fixed, t.spread, d, 1);
        cx.set_timer(after, Timer::Repair { src, seq, gen });
    }

    fn on_repair_timer(&mut self, src: NodeId, seq: u32, gen: u32, cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        let Some(source) = self.sources.get_mut(&src) else {
            return;
        };
        let Some(&Held { id, bytes }) = source.held.get(&seq) else {
            return;
        };
        let Some(rep) = source.repairs.get_mut(&seq).filter(|r| r.pending == Some(gen)) else {
            return;
        };
        rep.pending = None;
        rep.sent += 1;
        rep.last = Some(now);
        let round_end = self.note_round_repair(src, seq, true);
        self.multicast(Msg::Repair { src, seq, id, bytes }, cx);
        if let Some(after) = round_end {
            cx.set_timer(after, Timer::RepairRound { src, seq });
        }
    }

    /// Adaptive bookkeeping of a repair sent or heard; returns when to close the round if this
    /// repair is its first.
    fn note_round_repair(&mut self, src: NodeId, seq: u32, own: bool) -> Option<SimDuration> {
        let rep = self.sources.get_mut(&src)?.repairs.get_mut(&seq)?;
        let (_, d) = rep.round_start?;
        rep.round_repairs += 1;
        if rep.round_repairs == 1 {
            rep.went_first = own;
            return Some(d.times(3));
        }
        None
    }

    fn on_repair_round(&mut self, src: NodeId, seq: u32, now: SimTime) {
        let group = self.members.len() + 1;
        let Some(rep) = self.sources.get_mut(&src).and_then(|s| s.repairs.get_mut(&seq)) else {
            return;
        };
        let Some((start, d)) = rep.round_start.take() else {
            return;
        };
        let first = rep.last.unwrap_or(now);
        let delay = first.since(start).0 as f64 / d.0.max(1) as f64;
        let (dups, first_was_mine) = (rep.round_repairs.saturating_sub(1), rep.went_first);
        let max = adaptive::d1_max(group);
        self.repair_tuning.period(dups, delay, group, max);
        if first_was_mine {
            self.repair_tuning.went_first(group, max);
        }
    }

    fn on_repair(&mut self, src: NodeId, seq: u32, id: MsgId, bytes: u32, cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        let fresh = self.take(src, seq, id, bytes, cx);
        if fresh {
            self.reveal(src, seq, false, cx);
        }
        let suppress = self.config.suppression;
        if let Some(rep) = self.sources.get_mut(&src).map(|s| s.repairs.entry(seq).or_default()) {
            rep.last = Some(now);
            if suppress {
                rep.pending = None;
            }
        }
        if let Some(after) = self.note_round_repair(src, seq, false) {
            cx.set_timer(after, Timer::RepairRound { src, seq });
        }
    }

    fn on_membership(&mut self, change: MemberChange) {
        match change {
            MemberChange::Joined(n) | MemberChange::Recovered(n) => {
                self.add_member(n);
            }
            MemberChange::Left(n) | MemberChange::Crashed(n) => self.remove_member(n),
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
}
