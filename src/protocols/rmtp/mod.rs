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
//!   margin), so nothing sent after the join is lost on the way; the joiner starts there and
//!   recovers what it lacks from its DR like any receiver. A restarted node may deliver again a
//!   message it delivered before its crash. A restarted sender starts a new sequence space,
//!   which its old receivers take for duplicates: RMTP has no sender recovery.
//!
//! Messages are delivered as they arrive (an ordering layer can wrap the protocol).
//!
//! The rooms, by role: `wire.rs` (packets, timers, sizes), `receiver.rs` (what every node
//! but the sender does for itself: status, DR choice and failover, join), `hub.rs` (a DR's or the
//! sender's region: statuses heard, repair rounds, advertisements, silent members dropped),
//! `source.rs` (the sender's window, data, recipients and JOIN answers). This file holds a node
//! together: its role parts, the round timer, and the [`Protocol`] entry point that hands each
//! input to the parts it concerns.

mod config;
mod family;
mod hub;
mod receiver;
mod source;
#[cfg(test)]
mod tests;
mod window;
mod wire;

pub use config::{auto_drs, Resolved, RmtpConfig, RmtpSetup, MAX_DRS, PARAMS};
pub use family::{RmtpError, RmtpFamily};
pub use window::{Window, MAX_AHEAD};
pub use wire::{Msg, Timer};

use crate::protocol::{Context, Description, GroupInfo, Input, MemberChange, MsgId, NodeId, Protocol};
use crate::time::SimDuration;
use hub::{Cached, Hub};
use rand::Rng;
use receiver::Receiver;
use source::Source;
use wire::control_bytes;

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

/// The round timer: whether one is pending, and the generation that tells a stale one apart.
#[derive(Clone, Debug, Default)]
struct Ticker {
    pending: bool,
    gen: u32,
}

impl Ticker {
    /// Sets the round timer to fire after `after` (none is pending).
    fn arm(&mut self, after: SimDuration, cx: &mut Context<'_, Msg, Timer>) {
        self.pending = true;
        self.gen = self.gen.wrapping_add(1);
        cx.set_timer(after, Timer::Tick { gen: self.gen });
    }

    /// The round timer `gen` fired: true if it is the pending one (it is then no longer pending).
    fn fire(&mut self, gen: u32) -> bool {
        let live = self.pending && gen == self.gen;
        self.pending &= !live;
        live
    }
}

/// One node of RMTP: a receiver, a DR (a receiver serving a region) or the sender (serving the
/// DRs, with a window and data of its own).
#[derive(Clone, Debug)]
pub struct Rmtp {
    setup: RmtpSetup,
    /// What it does as a receiver (idle at the sender).
    rx: Receiver,
    /// Its round timer.
    tick: Ticker,
    /// A DR's region, or the sender's DRs.
    hub: Option<Box<Hub>>,
    /// The sender's own state (the sender has a hub too).
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
        self.hub.as_ref().map_or(Vec::new(), |h| h.statuses().collect())
    }

    /// The members of this node's region (a DR's receivers, the sender's DRs).
    pub fn region(&self) -> Vec<NodeId> {
        self.hub.as_ref().map_or(Vec::new(), |h| h.members().collect())
    }

    /// This node's receive window.
    pub fn window(&self) -> &Window {
        self.rx.window()
    }

    /// Messages waiting for the sender's window to open.
    pub fn queued(&self) -> usize {
        self.source.as_ref().map_or(0, |s| s.queued())
    }

    fn cfg(&self) -> &Resolved {
        self.setup.get()
    }

    /// Wakes the node: sets the round timer if none is pending, `after` from now.
    fn kick(&mut self, after: SimDuration, cx: &mut Context<'_, Msg, Timer>) {
        if self.tick.pending {
            return;
        }
        self.rx.wake(cx.now());
        self.tick.arm(after, cx);
    }

    /// A round from now, at a random phase in its second half (so a region's statuses spread).
    fn kick_soon(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if self.tick.pending {
            return;
        }
        let i = self.cfg().status_interval.0;
        let after = SimDuration(i / 2 + cx.rng().random_range(0..=i - i / 2));
        self.kick(after, cx);
    }

    /// What this node's next round does, in words for the inspector.
    fn round_words(&self) -> String {
        let to = if self.hub.is_some() { "the sender" } else { "its designated receiver" };
        let status = match self.rx.parent() {
            Some(p) => format!("send its status (next wanted: seq {}) to {to}, node {p}", self.rx.window().next()),
            None => "send its status (no designated receiver chosen)".to_string(),
        };
        match (&self.source, &self.hub) {
            (Some(s), _) => format!(
                "round: tell the designated receivers it has sent {} packet(s), and retransmit what their \
                 statuses lack",
                s.sent()
            ),
            (None, Some(_)) => format!("round: {status}, advertise to its region and repair what members lack"),
            (None, None) => format!("round: {status}"),
        }
    }

    /// A round: the receiver reports, the hub advertises and repairs; another round follows if
    /// any part wants one or the sender has messages queued.
    fn on_tick(&mut self, gen: u32, cx: &mut Context<'_, Msg, Timer>) {
        if !self.tick.fire(gen) {
            return;
        }
        let c = self.setup.get();
        let mut again = self.source.is_none() && self.rx.round(c, &mut self.stats, cx);
        if let Some(hub) = self.hub.as_mut() {
            let high = self.source.as_ref().map_or_else(|| self.rx.window().high(), |s| s.sent());
            again |= hub.round(high, c, &mut self.stats, cx);
        }
        again |= self.source.as_ref().is_some_and(|s| s.queued() > 0);
        if again {
            let i = c.status_interval;
            self.tick.arm(i, cx);
        }
    }

    /// Payload arrived: a DR holds it for its region, a receiver delivers it if new.
    fn on_payload(&mut self, from: NodeId, seq: u32, id: MsgId, bytes: u32, cx: &mut Context<'_, Msg, Timer>) {
        if self.source.is_some() {
            return;
        }
        if let Some(hub) = self.hub.as_mut() {
            hub.keep(seq, Cached { id, bytes, at: cx.now() }, self.rx.window().next());
        }
        if self.rx.on_payload(from, seq, id, self.setup.get(), cx) {
            self.kick_soon(cx);
        }
    }

    /// A member's status: its hub notes it, and the sender's window may open.
    fn on_status(&mut self, from: NodeId, next: u32, bits: &[u64], cx: &mut Context<'_, Msg, Timer>) {
        let Some(hub) = self.hub.as_mut() else {
            return;
        };
        self.stats.status_received += 1;
        hub.on_status(from, next, bits);
        self.pump(cx);
        let i = self.cfg().status_interval;
        self.kick(i, cx);
    }

    /// The sender sends what its window allows.
    fn pump(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if let (Some(src), Some(hub)) = (self.source.as_mut(), self.hub.as_mut()) {
            src.pump(hub, self.setup.get(), cx);
        }
    }

    /// The application hands the sender a message.
    fn on_app_send(&mut self, id: MsgId, payload: u32, cx: &mut Context<'_, Msg, Timer>) {
        let (Some(src), Some(hub)) = (self.source.as_mut(), self.hub.as_mut()) else {
            return;
        };
        src.on_app_send(id, payload, hub, self.setup.get(), cx);
        let i = self.cfg().status_interval;
        self.kick(i, cx);
    }

    /// A JOIN reached the sender.
    fn on_join(&mut self, from: NodeId, waited: SimDuration, cx: &mut Context<'_, Msg, Timer>) {
        if let (Some(src), Some(hub)) = (self.source.as_mut(), self.hub.as_ref()) {
            src.on_join(from, waited, hub, self.setup.get(), cx);
        }
    }

    /// This node leaves: it tells its region, its parent and the sender.
    fn leave(&self, cx: &mut Context<'_, Msg, Timer>) {
        let c = self.setup.get();
        let mut to: Vec<NodeId> = self.hub.as_ref().map_or(Vec::new(), |h| h.members().collect());
        to.extend(self.rx.parent());
        if self.source.is_none() && self.rx.parent() != Some(c.sender) {
            to.push(c.sender);
        }
        let bytes = control_bytes(&c.config);
        for n in to {
            cx.send(n, Msg::Leave { bytes });
        }
    }

    /// Node `from` left (or crashed): forgotten as a recipient and a member; if it was this
    /// node's parent, the node moves to another.
    fn on_leave(&mut self, from: NodeId, cx: &mut Context<'_, Msg, Timer>) {
        if let Some(src) = self.source.as_mut() {
            src.forget(from);
        }
        if let Some(hub) = self.hub.as_mut() {
            hub.forget(from);
        }
        if Some(from) == self.rx.parent() {
            self.rx.fail_over(self.setup.get(), &mut self.stats, cx);
            self.kick_soon(cx);
        }
        self.pump(cx);
    }

    /// The membership service reports a change: the sender adds joiners, every node forgets
    /// leavers.
    fn on_membership(&mut self, change: MemberChange, cx: &mut Context<'_, Msg, Timer>) {
        match change {
            MemberChange::Joined(n) | MemberChange::Recovered(n) => {
                if let Some(src) = self.source.as_mut() {
                    src.add(n);
                }
            }
            MemberChange::Left(n) | MemberChange::Crashed(n) => self.on_leave(n, cx),
            MemberChange::NeighborUp(_) | MemberChange::NeighborDown(_) | MemberChange::Unreachable(_) => {}
        }
    }

    /// A packet arrived: handed to the part it concerns.
    fn on_recv(&mut self, from: NodeId, msg: Msg, cx: &mut Context<'_, Msg, Timer>) {
        self.stats.received += 1;
        let now = cx.now();
        match msg {
            Msg::Data { seq, id, bytes } | Msg::Retransmit { seq, id, bytes } | Msg::Repair { seq, id, bytes } => {
                self.on_payload(from, seq, id, bytes, cx)
            }
            Msg::Status { next, bits, .. } => self.on_status(from, next, &bits, cx),
            Msg::Advert { high, .. } => {
                if self.rx.on_advert(from, high, now) {
                    self.kick_soon(cx);
                }
            }
            Msg::Join { waited, .. } => self.on_join(from, waited, cx),
            Msg::JoinAck { base, .. } => {
                if self.rx.on_join_ack(from, base, self.setup.get(), now) {
                    self.kick_soon(cx);
                }
            }
            Msg::Leave { .. } => self.on_leave(from, cx),
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
        let hub = if sender { Some(Box::new(Hub::sender(&c.drs))) } else { c.is_dr(me).then(|| Box::new(Hub::dr())) };
        let source = sender.then(|| Box::new(Source::new(me, group.size)));
        Rmtp {
            setup: setup.clone(),
            rx: Receiver::new(),
            tick: Ticker::default(),
            hub,
            source,
            stats: RmtpStats::default(),
        }
    }

    fn handle(&mut self, input: Input<Msg, Timer>, cx: &mut Context<'_, Msg, Timer>) {
        let receiver = self.source.is_none();
        match input {
            Input::Start if receiver => {
                self.rx.start(self.setup.get(), cx);
                self.kick_soon(cx);
            }
            Input::Join { .. } | Input::Restart { .. } if receiver => self.rx.join(self.setup.get(), cx),
            Input::Start | Input::Join { .. } | Input::Restart { .. } => {}
            Input::Leave { .. } => self.leave(cx),
            Input::Membership(change) => self.on_membership(change, cx),
            Input::AppSend { id, bytes } => self.on_app_send(id, bytes, cx),
            Input::Recv { from, msg } => self.on_recv(from, msg, cx),
            Input::Timer(Timer::Tick { gen }) => self.on_tick(gen, cx),
            Input::Timer(Timer::Join { gen }) => self.rx.on_join_timer(gen, self.setup.get(), cx),
        }
    }

    fn upstream(&self) -> Option<NodeId> {
        self.rx.parent()
    }

    /// What the round does for this node's role, to whom; a JOIN repeated to the sender.
    fn describe_timer(&self, timer: &Timer) -> String {
        match *timer {
            Timer::Tick { gen } if !(self.tick.pending && gen == self.tick.gen) => {
                "an old round timer: it will do nothing".to_string()
            }
            Timer::Tick { .. } => self.round_words(),
            Timer::Join { gen } if self.rx.join_timer_live(gen) => {
                format!("send JOIN to the sender (node {}) again: it has not answered", self.cfg().sender)
            }
            Timer::Join { .. } => "repeat the JOIN, but the sender has answered: it will do nothing".to_string(),
        }
    }

    /// Its role (sender, designated receiver, receiver), its designated receiver, its region,
    /// and the window of sequence numbers it holds.
    fn describe(&self, out: &mut Description) {
        let role = match (&self.source, &self.hub) {
            (Some(_), _) => "sender",
            (None, Some(_)) => "designated receiver",
            (None, None) => "receiver",
        };
        out.state(role);
        out.link("designated receiver", self.rx.parent());
        if let Some(hub) = &self.hub {
            out.link("region", hub.members());
        }
        if let Some(source) = &self.source {
            out.fact("packets sent", source.sent());
            out.fact("messages waiting for the window", source.queued());
            return;
        }
        let window = self.rx.window();
        out.fact("next sequence wanted", window.next());
        let missing: Vec<String> = window.missing(window.high()).map(|q| q.to_string()).collect();
        out.fact("missing below the highest seen", format!("[{}]", missing.join(", ")));
        out.fact("times it changed designated receiver", self.stats.failovers);
    }
}
