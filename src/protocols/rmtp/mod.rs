//! RMTP, the Reliable Multicast Transport Protocol: a one-to-many protocol whose receivers are
//! grouped into regions, each with a designated receiver (DR) that gathers its region's status
//! and repairs its losses locally.
//!
//! Source: S. Paul, K. K. Sabnani, J. C.-H. Lin, S. Bhattacharyya, "Reliable Multicast Transport
//! Protocol (RMTP)", IEEE JSAC 15(3), April 1997; and J. C.-H. Lin, S. Paul, "RMTP: A Reliable
//! Multicast Transport Protocol", IEEE INFOCOM '96. "§III" is the JSAC paper's protocol
//! description; the names in parentheses (Tack, Tretx, Ws, mcast_thresh, SEND_ACK_TOME) are the
//! paper's, sub-section letters were not checked against the text and are left out.
//!
//! - **Data (§III).** The sender numbers its packets and multicasts them (here: one unicast
//!   to every member it knows, the DRs first: copies of one packet, which leave the uplink once
//!   on a network with native multicast, one after another otherwise). A
//!   window of `window` packets limits how far it runs ahead of the slowest DR (§III); messages
//!   beyond it wait in a queue.
//! - **Status (§III).** Every receiver periodically (`status_interval_ms`, the paper's
//!   Tack) sends its DR a status: the lowest sequence number it lacks and a bitmap of what it
//!   holds beyond ([`Window`]). The DRs send their own status to the sender, so the sender hears
//!   from the DRs only: its load grows with the number of regions, not of receivers.
//! - **Local recovery (§III).** A DR caches every packet it gets. Each round (Tretx) it looks
//!   at its members' last status: a packet that at least `multicast_threshold` of the region
//!   (and two members) lack is multicast to the region (a copy to each member it knows), the
//!   others are unicast to each member lacking them (REPAIR packets). The sender does the same
//!   for the DRs (RETRANSMIT packets). A packet is repaired when the member's bitmap shows a
//!   later one held (a gap), or when the DR has held it for `tail_hold_ms` (a tail loss; the
//!   wait covers the copies still queued in the sender's uplink, as multicast is a unicast loop);
//!   after repairing a member the DR waits 2 status intervals plus a round trip for its next
//!   status before repairing it again, and a member that stays silent through `max_retries`
//!   such rounds is dropped from the region (it crashed or left).
//! - **Regions (§III).** DRs are static configuration, as in the paper: `dr_nodes`, or
//!   `dr_count` ids spread evenly over the group. A receiver joins the nearest DR by the
//!   network's distance estimate (the paper uses the TTL of the DRs' SEND_ACK_TOME
//!   advertisements); a DR learns its region from the status messages it gets. DRs answer to
//!   the sender directly (one level of hierarchy; the paper allows several).
//! - **Quiescence.** The workload has no end-of-file mark, so a receiver reports while it has
//!   had news in the last `linger_rounds` rounds, or lacks something its DR has advertised; a DR
//!   and the sender work while they hear status or some member lacks what they hold. A quiet
//!   group sends nothing.
//! - **Advertisements and DR failure.** While active, a DR sends its region an advertisement
//!   (SEND_ACK_TOME, a HEARTBEAT packet) every `advert_interval_ms`, carrying the highest
//!   sequence number it holds; the sender does the same to the DRs. A receiver that reports and
//!   has heard nothing from its DR for 3 advertisement intervals (or is told by it that it
//!   leaves) suspects it and moves to the next nearest DR it does not suspect, or to the sender
//!   if none is left. A DR that stops answering the sender is dropped from the sender's window
//!   after `max_retries` retransmission rounds.
//! - **Late join (§III).** A joiner (or a node restarted after a crash) sends JOIN to the
//!   sender, which adds it to its recipients and answers with the current window's lower edge,
//!   lowered to the first packet sent since the join (the JOIN says how long the joiner has
//!   waited, as lost JOINs are repeated; the sender adds the trip and a status interval of
//!   margin), so nothing sent after the join is lost on the way; the joiner starts there and recovers what it
//!   lacks from its DR like any receiver. A restarted node may deliver again a message it
//!   delivered before its crash. A restarted sender starts a new sequence space, which its old
//!   receivers take for duplicates: RMTP has no sender recovery.
//!
//! Messages are delivered as they arrive (an ordering layer can wrap the protocol).

mod config;
#[cfg(test)]
mod tests;
mod window;

pub use config::{auto_drs, Resolved, RmtpConfig, RmtpSetup, MAX_DRS, PARAMS};
pub use window::{Window, MAX_AHEAD};

use crate::protocol::{Context, GroupInfo, Input, MemberChange, MsgId, NodeId, PacketKind, Protocol, Wire};
use crate::time::{SimDuration, SimTime};
use rand::Rng;
use std::collections::{BTreeMap, VecDeque};

/// Packets of RMTP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// First transmission of packet `seq` (message `id`) by the sender.
    Data {
        /// Sequence number.
        seq: u32,
        /// The application message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
    },
    /// The sender sends packet `seq` again to a DR (or a receiver that fell back to it).
    Retransmit {
        /// Sequence number.
        seq: u32,
        /// The application message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A DR sends packet `seq` again to a member of its region.
    Repair {
        /// Sequence number.
        seq: u32,
        /// The application message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A status: the lowest sequence number the node lacks and a bitmap of what it holds beyond.
    Status {
        /// Lowest sequence number not received.
        next: u32,
        /// Bit `i` set: `next + i` is held.
        bits: Vec<u64>,
        /// Size on the wire.
        bytes: u32,
    },
    /// SEND_ACK_TOME: a DR (or the sender) is alive and holds everything below `high`.
    Advert {
        /// One past the highest sequence number the advertiser holds.
        high: u32,
        /// Size on the wire.
        bytes: u32,
    },
    /// A joiner asks the sender for the current window.
    Join {
        /// How long ago the joiner joined (a duration, so no clocks need to agree): the sender
        /// owes it what it sent since.
        waited: SimDuration,
        /// Size on the wire.
        bytes: u32,
    },
    /// The sender's answer to a JOIN: start at `base`.
    JoinAck {
        /// The first sequence number the joiner should receive.
        base: u32,
        /// Size on the wire.
        bytes: u32,
    },
    /// A node leaves (a receiver, to its DR and the sender; a DR, to its region too).
    Leave {
        /// Size on the wire.
        bytes: u32,
    },
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::Data { .. } => PacketKind::Data,
            Msg::Retransmit { .. } => PacketKind::Retransmit,
            Msg::Repair { .. } => PacketKind::Repair,
            Msg::Status { .. } => PacketKind::Status,
            Msg::Advert { .. } => PacketKind::Heartbeat,
            Msg::Join { .. } | Msg::JoinAck { .. } => PacketKind::Join,
            Msg::Leave { .. } => PacketKind::Leave,
        }
    }
    fn bytes(&self) -> u32 {
        match self {
            Msg::Data { bytes, .. }
            | Msg::Retransmit { bytes, .. }
            | Msg::Repair { bytes, .. }
            | Msg::Status { bytes, .. }
            | Msg::Advert { bytes, .. }
            | Msg::Join { bytes, .. }
            | Msg::JoinAck { bytes, .. }
            | Msg::Leave { bytes } => *bytes,
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match self {
            Msg::Data { id, .. } | Msg::Retransmit { id, .. } | Msg::Repair { id, .. } => Some(*id),
            _ => None,
        }
    }
}

/// Timers of RMTP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A status / repair round; `gen` tells a stale one apart.
    Tick {
        /// The generation it was set in.
        gen: u32,
    },
    /// Time to repeat an unanswered JOIN.
    Join {
        /// Which attempt fires (1 for the first repetition).
        round: u32,
    },
}

/// What a node counts of its own traffic, for tests and the curious.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RmtpStats {
    /// Packets of every kind this node received.
    pub received: u64,
    /// Status messages this node received (as a DR or the sender).
    pub status_received: u64,
    /// Repairs (or retransmissions) this node unicast to one member.
    pub unicast_repairs: u64,
    /// Packets this node multicast to its whole region (each counted once, however many copies).
    pub multicast_repairs: u64,
    /// Times this node gave up on its DR and chose another.
    pub failovers: u64,
}

/// A packet a DR or the sender holds for retransmission.
#[derive(Clone, Copy, Debug)]
struct Cached {
    id: MsgId,
    bytes: u32,
    at: SimTime,
}

/// What a DR (or the sender) knows of one member of its region.
#[derive(Clone, Debug)]
struct Member {
    /// The member's last status.
    status: Window,
    /// When it was last repaired.
    repaired_at: Option<SimTime>,
    /// Repair rounds since its last status.
    unanswered: u32,
    /// Status messages received from it.
    statuses: u64,
}

impl Member {
    fn new(next: u32) -> Self {
        Member { status: Window::new(next), repaired_at: None, unanswered: 0, statuses: 0 }
    }
}

/// The state of a node that serves a region: a DR, or the sender serving the DRs.
#[derive(Debug, Default)]
struct Hub {
    /// Packets held, by sequence number.
    cache: Vec<Option<Cached>>,
    /// The region: members by id.
    members: BTreeMap<NodeId, Member>,
    /// Rounds since the last status arrived.
    quiet: u32,
    /// When the last advertisement went out.
    last_advert: Option<SimTime>,
}

impl Hub {
    fn holds(&self, s: u32) -> Option<Cached> {
        self.cache.get(s as usize).copied().flatten()
    }
}

/// The sender's own state.
#[derive(Debug, Default)]
struct Source {
    /// Bit i set: node i gets the data.
    recipients: Vec<u64>,
    /// Messages waiting for the window to open.
    queue: VecDeque<(MsgId, u32)>,
    /// Packets sent so far (the next sequence number).
    sent: u32,
}

/// One node of RMTP: a receiver, a DR (a receiver serving a region) or the sender.
#[derive(Debug)]
pub struct Rmtp {
    me: NodeId,
    setup: RmtpSetup,
    /// Receiver side: what this node holds.
    rx: Window,
    /// Receiver side: packets delivered before a joiner learnt its base.
    early: Vec<u32>,
    /// Receiver side: whether it knows where its window starts (initial members do).
    joined: bool,
    /// Joiner side: when it joined.
    joined_at: SimTime,
    /// Receiver side: its DR (or the sender).
    parent: Option<NodeId>,
    /// Receiver side: when it last heard from its parent.
    heard_parent: SimTime,
    /// Receiver side: its parent advertised nothing it lacks since its last news.
    confirmed: bool,
    /// Receiver side: status rounds since the last new packet.
    quiet: u32,
    /// Receiver side: DRs it gave up on.
    suspects: Vec<NodeId>,
    /// Whether a tick is pending, and its generation.
    ticking: bool,
    tick_gen: u32,
    /// DR and sender side.
    hub: Option<Box<Hub>>,
    /// Sender side.
    source: Option<Box<Source>>,
    stats: RmtpStats,
}

impl Rmtp {
    /// This node's counters.
    pub fn stats(&self) -> &RmtpStats {
        &self.stats
    }

    /// Status messages received, by the member that sent them (a DR's region, or the sender's
    /// DRs); empty for a plain receiver.
    pub fn status_senders(&self) -> Vec<(NodeId, u64)> {
        self.hub.as_ref().map_or(Vec::new(), |h| h.members.iter().map(|(&n, m)| (n, m.statuses)).collect())
    }

    /// The members of this node's region (a DR's receivers, the sender's DRs).
    pub fn region(&self) -> Vec<NodeId> {
        self.hub.as_ref().map_or(Vec::new(), |h| h.members.keys().copied().collect())
    }

    /// This node's receive window.
    pub fn window(&self) -> &Window {
        &self.rx
    }

    /// Messages waiting for the sender's window to open.
    pub fn queued(&self) -> usize {
        self.source.as_ref().map_or(0, |s| s.queue.len())
    }

    fn cfg(&self) -> &Resolved {
        self.setup.get()
    }

    fn is_sender(&self) -> bool {
        self.me == self.cfg().sender
    }

    /// Wakes the node: sets the round timer if none is pending, `after` from now.
    fn kick(&mut self, after: SimDuration, cx: &mut Context<'_, Msg, Timer>) {
        if self.ticking {
            return;
        }
        // A receiver waking up gives its parent a fresh chance to be heard.
        self.heard_parent = self.heard_parent.max(cx.now());
        self.arm(after, cx);
    }

    /// Sets the round timer (none is pending).
    fn arm(&mut self, after: SimDuration, cx: &mut Context<'_, Msg, Timer>) {
        self.ticking = true;
        self.tick_gen = self.tick_gen.wrapping_add(1);
        cx.set_timer(after, Timer::Tick { gen: self.tick_gen });
    }

    /// A round from now, at a random phase in its second half (so a region's statuses spread).
    fn kick_soon(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if self.ticking {
            return;
        }
        let i = self.cfg().status_interval.0;
        let after = SimDuration(i / 2 + cx.rng().random_range(0..=i - i / 2));
        self.kick(after, cx);
    }

    /// The nearest DR this node does not suspect, or the sender.
    fn choose_parent(&self, cx: &Context<'_, Msg, Timer>) -> NodeId {
        let c = self.cfg();
        if c.is_dr(self.me) {
            return c.sender;
        }
        c.drs
            .iter()
            .copied()
            .filter(|&d| d != self.me && !self.suspects.contains(&d))
            .min_by_key(|&d| (cx.distance(d), d))
            .unwrap_or(c.sender)
    }

    fn status_msg(&self) -> Msg {
        let bits = self.rx.bits().to_vec();
        let bytes = self.cfg().config.status_bytes.saturating_add(8 * bits.len() as u32);
        Msg::Status { next: self.rx.next(), bits, bytes }
    }

    fn control_bytes(&self) -> u32 {
        self.cfg().config.status_bytes
    }

    // ----------------------------------------------------------------------------------------
    // Receiver side
    // ----------------------------------------------------------------------------------------

    fn on_payload(&mut self, from: NodeId, seq: u32, id: MsgId, bytes: u32, cx: &mut Context<'_, Msg, Timer>) {
        if self.is_sender() {
            return;
        }
        if Some(from) == self.parent {
            self.heard_parent = cx.now();
        }
        if let Some(hub) = self.hub.as_mut() {
            let i = seq as usize;
            if seq < MAX_AHEAD.saturating_add(self.rx.next()) {
                if hub.cache.len() <= i {
                    hub.cache.resize(i + 1, None);
                }
                hub.cache[i].get_or_insert(Cached { id, bytes, at: cx.now() });
            }
        }
        let fresh = if self.joined {
            self.rx.insert(seq)
        } else if self.early.contains(&seq) {
            false
        } else {
            self.early.push(seq);
            true
        };
        if fresh {
            cx.deliver(id);
            self.quiet = 0;
            self.confirmed = false;
            self.kick_soon(cx);
        } else if Some(from) == self.parent {
            // A repair of something held: the parent's record of us is stale, so report once.
            self.quiet = self.quiet.min(self.cfg().config.linger_rounds.saturating_sub(1));
            self.kick_soon(cx);
        }
    }

    fn on_advert(&mut self, from: NodeId, high: u32, cx: &mut Context<'_, Msg, Timer>) {
        if Some(from) != self.parent {
            return;
        }
        self.heard_parent = cx.now();
        self.confirmed = high <= self.rx.next();
        if !self.confirmed {
            self.kick_soon(cx);
        }
    }

    /// Gives up on the current parent and reports to the next one.
    fn fail_over(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let Some(old) = self.parent else {
            return;
        };
        if old != self.cfg().sender && !self.suspects.contains(&old) {
            self.suspects.push(old);
        }
        let new = self.choose_parent(cx);
        self.heard_parent = cx.now();
        if new != old {
            self.stats.failovers += 1;
            self.parent = Some(new);
            self.confirmed = false;
            self.quiet = 0;
        }
    }

    /// The receiver's part of a round: check the parent, report. True if it wants more rounds.
    fn receiver_round(&mut self, cx: &mut Context<'_, Msg, Timer>) -> bool {
        if self.is_sender() || !self.joined {
            return false;
        }
        let fail_after = self.cfg().advert_interval.times(3);
        if cx.now().since(self.heard_parent) >= fail_after {
            self.fail_over(cx);
        }
        let linger = self.cfg().config.linger_rounds;
        if self.quiet >= linger && self.confirmed {
            return false;
        }
        if let Some(p) = self.parent {
            cx.send(p, self.status_msg());
        }
        self.quiet = self.quiet.saturating_add(1);
        true
    }

    fn on_join_ack(&mut self, from: NodeId, base: u32, cx: &mut Context<'_, Msg, Timer>) {
        if self.joined || from != self.cfg().sender {
            return;
        }
        self.joined = true;
        self.rx.advance_to(base);
        for s in std::mem::take(&mut self.early) {
            self.rx.insert(s);
        }
        self.quiet = 0;
        self.confirmed = false;
        self.heard_parent = cx.now();
        self.kick_soon(cx);
    }

    /// Joins (or rejoins after a restart): choose a DR, ask the sender for the window.
    fn join(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if self.is_sender() {
            return;
        }
        self.joined = false;
        self.joined_at = cx.now();
        self.parent = Some(self.choose_parent(cx));
        let sender = self.cfg().sender;
        cx.send(sender, Msg::Join { waited: SimDuration::ZERO, bytes: self.control_bytes() });
        let after = self.cfg().advert_interval;
        cx.set_timer(after, Timer::Join { round: 1 });
    }

    fn on_join_timer(&mut self, round: u32, cx: &mut Context<'_, Msg, Timer>) {
        if self.joined || round > self.cfg().config.max_retries {
            return;
        }
        let sender = self.cfg().sender;
        let waited = cx.now().since(self.joined_at);
        cx.send(sender, Msg::Join { waited, bytes: self.control_bytes() });
        let after = self.cfg().advert_interval.times(1 << round.min(10));
        cx.set_timer(after, Timer::Join { round: round + 1 });
    }

    fn leave(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let bytes = self.control_bytes();
        let mut to: Vec<NodeId> = self.hub.as_ref().map_or(Vec::new(), |h| h.members.keys().copied().collect());
        to.extend(self.parent);
        if !self.is_sender() && self.parent != Some(self.cfg().sender) {
            to.push(self.cfg().sender);
        }
        for n in to {
            cx.send(n, Msg::Leave { bytes });
        }
    }

    // ----------------------------------------------------------------------------------------
    // DR and sender side
    // ----------------------------------------------------------------------------------------

    fn on_status(&mut self, from: NodeId, next: u32, bits: &[u64], cx: &mut Context<'_, Msg, Timer>) {
        let Some(hub) = self.hub.as_mut() else {
            return;
        };
        self.stats.status_received += 1;
        hub.quiet = 0;
        let m = hub.members.entry(from).or_insert_with(|| Member::new(next));
        m.status = Window::from_status(next, bits);
        m.unanswered = 0;
        m.statuses += 1;
        self.pump(cx);
        let i = self.cfg().status_interval;
        self.kick(i, cx);
    }

    /// One past the highest sequence number this hub holds.
    fn hub_high(&self) -> u32 {
        match &self.source {
            Some(s) => s.sent,
            None => self.rx.high(),
        }
    }

    /// The hub's part of a round: advertise, repair. True if it wants more rounds.
    fn hub_round(&mut self, cx: &mut Context<'_, Msg, Timer>) -> bool {
        let high = self.hub_high();
        let bytes = self.control_bytes();
        let (linger, advert) = (self.cfg().config.linger_rounds, self.cfg().advert_interval);
        let Some(hub) = self.hub.as_mut() else {
            return false;
        };
        hub.quiet = hub.quiet.saturating_add(1);
        let hearing = hub.quiet <= linger;
        if hearing && hub.last_advert.is_none_or(|t| cx.now().since(t) >= advert) {
            hub.last_advert = Some(cx.now());
            cx.multicast(hub.members.keys().copied(), Msg::Advert { high, bytes });
        }
        let pending = self.repair_round(high, cx);
        hearing || pending
    }

    /// Sends each member what its last status says it lacks; true if some member still lacks
    /// something this hub holds.
    fn repair_round(&mut self, high: u32, cx: &mut Context<'_, Msg, Timer>) -> bool {
        let now = cx.now();
        let sender = self.is_sender();
        let c = self.setup.get();
        let (interval, hold) = (c.status_interval, c.tail_hold);
        let (cap, retries) = (c.config.window, c.config.max_retries);
        let threshold = c.config.multicast_threshold;
        let Some(hub) = self.hub.as_mut() else {
            return false;
        };
        let mut pending = false;
        let mut wants: Vec<(NodeId, Vec<u32>)> = Vec::new();
        let mut dead = Vec::new();
        for (&n, m) in &hub.members {
            let mut lacks = false;
            let mut list = Vec::new();
            let gap_below = m.status.high();
            for s in m.status.missing(high) {
                let Some(p) = hub.holds(s) else {
                    continue;
                };
                lacks = true;
                if s < gap_below || now.since(p.at) >= hold {
                    list.push(s);
                    if list.len() as u32 >= cap {
                        break;
                    }
                }
            }
            pending |= lacks;
            let holdoff = interval.times(2) + cx.distance(n).times(2);
            if list.is_empty() || m.repaired_at.is_some_and(|t| now.since(t) < holdoff) {
                continue;
            }
            if m.unanswered >= retries {
                dead.push(n);
                continue;
            }
            wants.push((n, list));
        }
        for n in dead {
            hub.members.remove(&n);
        }
        // Count, per packet, the members asking for it.
        let mut count: BTreeMap<u32, u32> = BTreeMap::new();
        for (_, list) in &wants {
            for &s in list {
                *count.entry(s).or_default() += 1;
            }
        }
        let region = hub.members.len() as f64;
        let need = ((threshold * region).ceil() as u32).max(2);
        let multicast: Vec<u32> = count.iter().filter(|&(_, &k)| k >= need).map(|(&s, _)| s).collect();
        let packet = |seq: u32, p: Cached| {
            if sender {
                Msg::Retransmit { seq, id: p.id, bytes: p.bytes }
            } else {
                Msg::Repair { seq, id: p.id, bytes: p.bytes }
            }
        };
        for &s in &multicast {
            if let Some(p) = hub.holds(s) {
                self.stats.multicast_repairs += 1;
                cx.multicast(hub.members.keys().copied(), packet(s, p));
            }
        }
        for (n, list) in wants {
            for s in list {
                if multicast.binary_search(&s).is_err() {
                    if let Some(p) = hub.holds(s) {
                        self.stats.unicast_repairs += 1;
                        cx.send(n, packet(s, p));
                    }
                }
            }
            if let Some(m) = hub.members.get_mut(&n) {
                m.repaired_at = Some(now);
                m.unanswered += 1;
            }
        }
        pending
    }

    // ----------------------------------------------------------------------------------------
    // Sender side
    // ----------------------------------------------------------------------------------------

    /// The window's lower edge: the lowest packet some member of the sender's region lacks.
    fn low(&self) -> u32 {
        let sent = self.source.as_ref().map_or(0, |s| s.sent);
        self.hub.as_ref().and_then(|h| h.members.values().map(|m| m.status.next()).min()).unwrap_or(sent).min(sent)
    }

    /// Sends what the window allows from the queue.
    fn pump(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if self.source.is_none() {
            return;
        }
        let limit = self.low().saturating_add(self.cfg().config.window);
        while let Some(src) = self.source.as_mut() {
            if src.sent >= limit {
                break;
            }
            let Some((id, payload)) = src.queue.pop_front() else {
                break;
            };
            self.send_data(id, payload, cx);
        }
    }

    fn send_data(&mut self, id: MsgId, payload: u32, cx: &mut Context<'_, Msg, Timer>) {
        let bytes = payload.saturating_add(self.cfg().config.header_bytes);
        let now = cx.now();
        let setup = self.setup.clone();
        let c = setup.get();
        let (Some(src), Some(hub)) = (self.source.as_mut(), self.hub.as_mut()) else {
            return;
        };
        let seq = src.sent;
        src.sent += 1;
        hub.cache.push(Some(Cached { id, bytes, at: now }));
        let msg = Msg::Data { seq, id, bytes };
        // One multicast packet, the DRs first: they repair their regions, so they should hold
        // the data soonest.
        let recipients = &src.recipients;
        let others = (0..recipients.len() as u32 * 64).filter(|&n| bit(recipients, n) && !c.is_dr(n));
        cx.multicast(c.drs.iter().copied().filter(|&d| bit(recipients, d)).chain(others), msg);
    }

    fn on_app_send(&mut self, id: MsgId, payload: u32, cx: &mut Context<'_, Msg, Timer>) {
        let Some(src) = self.source.as_mut() else {
            return;
        };
        src.queue.push_back((id, payload));
        self.pump(cx);
        let i = self.cfg().status_interval;
        self.kick(i, cx);
    }

    fn on_join(&mut self, from: NodeId, waited: SimDuration, cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        // Since the join: the JOIN's wait, its trip (estimated) and a status interval of margin.
        let since = waited + cx.distance(from) + self.cfg().status_interval;
        let low = self.low();
        let (Some(src), Some(hub)) = (self.source.as_mut(), self.hub.as_mut()) else {
            return;
        };
        set_bit(&mut src.recipients, from, true);
        // The first packet sent after the joiner may have joined.
        let recent = hub.cache.partition_point(|p| p.is_none_or(|p| now.since(p.at) > since)) as u32;
        let base = low.min(recent);
        cx.send(from, Msg::JoinAck { base, bytes: self.control_bytes() });
    }

    fn forget(&mut self, n: NodeId) {
        if let Some(src) = self.source.as_mut() {
            set_bit(&mut src.recipients, n, false);
        }
        if let Some(hub) = self.hub.as_mut() {
            hub.members.remove(&n);
        }
    }

    fn on_leave(&mut self, from: NodeId, cx: &mut Context<'_, Msg, Timer>) {
        self.forget(from);
        if Some(from) == self.parent {
            self.fail_over(cx);
            self.kick_soon(cx);
        }
        self.pump(cx);
    }

    fn on_membership(&mut self, change: MemberChange, cx: &mut Context<'_, Msg, Timer>) {
        match change {
            MemberChange::Joined(n) | MemberChange::Recovered(n) => {
                if let Some(src) = self.source.as_mut() {
                    set_bit(&mut src.recipients, n, true);
                }
            }
            MemberChange::Left(n) | MemberChange::Crashed(n) => self.on_leave(n, cx),
        }
    }

    fn on_tick(&mut self, gen: u32, cx: &mut Context<'_, Msg, Timer>) {
        if gen != self.tick_gen || !self.ticking {
            return;
        }
        self.ticking = false;
        let mut again = self.receiver_round(cx);
        again |= self.hub_round(cx);
        again |= self.source.as_ref().is_some_and(|s| !s.queue.is_empty());
        if again {
            let i = self.cfg().status_interval;
            self.arm(i, cx);
        }
    }
}

fn bit(set: &[u64], n: NodeId) -> bool {
    set.get((n / 64) as usize).is_some_and(|w| w >> (n % 64) & 1 == 1)
}

fn set_bit(set: &mut Vec<u64>, n: NodeId, on: bool) {
    let w = (n / 64) as usize;
    if on && set.len() <= w {
        set.resize(w + 1, 0);
    }
    if let Some(word) = set.get_mut(w) {
        if on {
            *word |= 1 << (n % 64);
        } else {
            *word &= !(1 << (n % 64));
        }
    }
}

impl Protocol for Rmtp {
    type Msg = Msg;
    type Timer = Timer;
    type Config = RmtpSetup;

    fn new(me: NodeId, group: &GroupInfo, setup: &RmtpSetup) -> Self {
        let c = setup.get();
        let sender = me == c.sender;
        let hub = (sender || c.is_dr(me)).then(|| {
            let mut hub = Box::<Hub>::default();
            if sender {
                // The sender answers for the DRs' regions: it knows them from configuration.
                hub.members = c.drs.iter().map(|&d| (d, Member::new(0))).collect();
            }
            hub
        });
        let source = sender.then(|| {
            let mut recipients = Vec::new();
            for n in (0..group.size).filter(|&n| n != me) {
                set_bit(&mut recipients, n, true);
            }
            Box::new(Source { recipients, queue: VecDeque::new(), sent: 0 })
        });
        Rmtp {
            me,
            setup: setup.clone(),
            rx: Window::new(0),
            early: Vec::new(),
            joined: true,
            joined_at: SimTime::ZERO,
            parent: None,
            heard_parent: SimTime::ZERO,
            confirmed: false,
            quiet: 0,
            suspects: Vec::new(),
            ticking: false,
            tick_gen: 0,
            hub,
            source,
            stats: RmtpStats::default(),
        }
    }

    fn handle(&mut self, input: Input<Msg, Timer>, cx: &mut Context<'_, Msg, Timer>) {
        if matches!(input, Input::Recv { .. }) {
            self.stats.received += 1;
        }
        match input {
            Input::Start => {
                if !self.is_sender() {
                    self.parent = Some(self.choose_parent(cx));
                    self.kick_soon(cx);
                }
            }
            Input::Join { .. } | Input::Restart { .. } => self.join(cx),
            Input::Leave { .. } => self.leave(cx),
            Input::Membership(change) => self.on_membership(change, cx),
            Input::AppSend { id, bytes } => self.on_app_send(id, bytes, cx),
            Input::Recv { from, msg } => match msg {
                Msg::Data { seq, id, bytes } | Msg::Retransmit { seq, id, bytes } | Msg::Repair { seq, id, bytes } => {
                    self.on_payload(from, seq, id, bytes, cx)
                }
                Msg::Status { next, bits, .. } => self.on_status(from, next, &bits, cx),
                Msg::Advert { high, .. } => self.on_advert(from, high, cx),
                Msg::Join { waited, .. } => self.on_join(from, waited, cx),
                Msg::JoinAck { base, .. } => self.on_join_ack(from, base, cx),
                Msg::Leave { .. } => self.on_leave(from, cx),
            },
            Input::Timer(Timer::Tick { gen }) => self.on_tick(gen, cx),
            Input::Timer(Timer::Join { round }) => self.on_join_timer(round, cx),
        }
    }

    fn upstream(&self) -> Option<NodeId> {
        self.parent
    }
}
