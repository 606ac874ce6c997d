//! A hub's room: a node serving a region (Paul et al. 1997, §III). A DR serves the receivers
//! that chose it; the sender serves the DRs in the same way.
//!
//! A hub caches every packet it gets (the sender every packet it sends) and keeps each member's
//! last status. Each round (the paper's Tretx) it:
//!
//! - **advertises** (SEND_ACK_TOME) to its region, at most once per `advert_interval_ms` and
//!   only while it hears statuses, the highest sequence number it holds;
//! - **repairs** what each member's last status says it lacks and the hub holds: a packet below
//!   the member's highest held one (a gap) at once, a later one (a tail loss, or a copy still
//!   queued in the sender's uplink) once the hub has held it for `tail_hold_ms`; at most
//!   `window` packets per member and round. A packet that at least `multicast_threshold` of
//!   the region (and two members) lack is multicast to the whole region; the others are unicast
//!   to each member lacking them. A DR sends REPAIR packets, the sender RETRANSMIT;
//! - **waits** for a repaired member's next status: 2 status intervals plus a round trip before
//!   repairing it again;
//! - **drops** a member that stayed silent through `max_retries` such repair rounds (it crashed
//!   or left).
//!
//! The region is learnt from the statuses that arrive (the sender knows its DRs from
//! configuration).

use super::config::Resolved;
use super::window::{Window, MAX_AHEAD};
use super::wire::{control_bytes, Msg, Timer};
use super::RmtpStats;
use crate::protocol::{Context, MsgId, NodeId};
use crate::time::{SimDuration, SimTime};
use std::collections::BTreeMap;

/// A packet a hub holds for retransmission.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cached {
    /// The application message it carries.
    pub(super) id: MsgId,
    /// Its size on the wire.
    pub(super) bytes: u32,
    /// When the hub got it (or sent it).
    pub(super) at: SimTime,
}

/// What a hub knows of one member of its region.
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

/// The packets one member is due this round, in ascending order.
struct Due {
    member: NodeId,
    seqs: Vec<u32>,
}

/// The state of a node that serves a region: a DR, or the sender serving the DRs.
#[derive(Clone, Debug, Default)]
pub(super) struct Hub {
    /// Packets held, by sequence number.
    cache: Vec<Option<Cached>>,
    /// The region: members by id.
    members: BTreeMap<NodeId, Member>,
    /// Rounds since the last status arrived.
    quiet: u32,
    /// When the last advertisement went out.
    last_advert: Option<SimTime>,
    /// Whether its repairs are the sender's RETRANSMIT packets (else a DR's REPAIR packets).
    retransmits: bool,
}

impl Hub {
    /// A DR's hub: an empty region, learnt from the statuses that come.
    pub(super) fn dr() -> Hub {
        Hub::default()
    }

    /// The sender's hub: the DRs, known from configuration, each expecting packet 0.
    pub(super) fn sender(drs: &[NodeId]) -> Hub {
        Hub { members: drs.iter().map(|&d| (d, Member::new(0))).collect(), retransmits: true, ..Hub::default() }
    }

    /// Packet `s`, if held.
    fn holds(&self, s: u32) -> Option<Cached> {
        self.cache.get(s as usize).copied().flatten()
    }

    /// A DR got packet `seq`: holds it, unless it lies [`MAX_AHEAD`] or more past `next`, the
    /// lowest packet the DR itself lacks (a hostile number must not make it allocate gigabytes).
    pub(super) fn keep(&mut self, seq: u32, packet: Cached, next: u32) {
        if seq < MAX_AHEAD.saturating_add(next) {
            let i = seq as usize;
            if self.cache.len() <= i {
                self.cache.resize(i + 1, None);
            }
            self.cache[i].get_or_insert(packet);
        }
    }

    /// The sender sent its next packet: holds it under the next sequence number.
    pub(super) fn push(&mut self, packet: Cached) {
        self.cache.push(Some(packet));
    }

    /// The members of the region, in ascending id order.
    pub(super) fn members(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.members.keys().copied()
    }

    /// Status messages received, by member.
    pub(super) fn statuses(&self) -> impl Iterator<Item = (NodeId, u64)> + '_ {
        self.members.iter().map(|(&n, m)| (n, m.statuses))
    }

    /// Node `n` left the region.
    pub(super) fn forget(&mut self, n: NodeId) {
        self.members.remove(&n);
    }

    /// The lowest packet some member lacks, by the members' last statuses; `None` for an empty
    /// region.
    pub(super) fn lowest_lacking(&self) -> Option<u32> {
        self.members.values().map(|m| m.status.next()).min()
    }

    /// The first packet held for `within` or less at `now` (the number of packets held if none
    /// is); the cache is in sending order, as the sender's is.
    pub(super) fn first_held_within(&self, now: SimTime, within: SimDuration) -> u32 {
        self.cache.partition_point(|p| p.is_none_or(|p| now.since(p.at) > within)) as u32
    }

    /// Member `from` reports it lacks `next` and holds `bits` beyond; a stranger becomes a member.
    pub(super) fn on_status(&mut self, from: NodeId, next: u32, bits: &[u64]) {
        self.quiet = 0;
        let m = self.members.entry(from).or_insert_with(|| Member::new(next));
        m.status = Window::from_status(next, bits);
        m.unanswered = 0;
        m.statuses += 1;
    }

    /// The hub's part of a round: advertise, repair; `high` is one past the highest packet held.
    /// True if it wants more rounds (it heard statuses lately, or some member lacks something it
    /// holds).
    pub(super) fn round(
        &mut self,
        high: u32,
        c: &Resolved,
        stats: &mut RmtpStats,
        cx: &mut Context<'_, Msg, Timer>,
    ) -> bool {
        self.quiet = self.quiet.saturating_add(1);
        let hearing = self.quiet <= c.config.linger_rounds;
        if hearing {
            self.advertise(high, c, cx);
        }
        let pending = self.repair(high, c, stats, cx);
        hearing || pending
    }

    /// Multicasts SEND_ACK_TOME to the region unless one went out in the last interval.
    fn advertise(&mut self, high: u32, c: &Resolved, cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        if self.last_advert.is_none_or(|t| now.since(t) >= c.advert_interval) {
            self.last_advert = Some(now);
            cx.multicast(self.members(), Msg::Advert { high, bytes: control_bytes(&c.config) });
        }
    }

    /// Sends each member what its last status says it lacks; true if some member still lacks
    /// something this hub holds.
    fn repair(&mut self, high: u32, c: &Resolved, stats: &mut RmtpStats, cx: &mut Context<'_, Msg, Timer>) -> bool {
        let (pending, due) = self.due(high, c, cx);
        let multicast = self.to_multicast(&due, c.config.multicast_threshold);
        self.multicast_repairs(&multicast, stats, cx);
        self.unicast_repairs(&multicast, due, stats, cx);
        pending
    }

    /// What each member is due this round, dropping the members silent for too long. Also
    /// whether some member lacks something held (due now or later).
    fn due(&mut self, high: u32, c: &Resolved, cx: &Context<'_, Msg, Timer>) -> (bool, Vec<Due>) {
        let now = cx.now();
        let mut pending = false;
        let mut due = Vec::new();
        let mut silent = Vec::new();
        for (&n, m) in &self.members {
            let (lacks, seqs) = self.lacking(&m.status, high, now, c);
            pending |= lacks;
            if seqs.is_empty() {
                continue;
            }
            let holdoff = c.status_interval.times(2) + cx.distance(n).times(2);
            if m.repaired_at.is_some_and(|t| now.since(t) < holdoff) {
                continue;
            }
            if m.unanswered >= c.config.max_retries {
                silent.push(n);
                continue;
            }
            due.push(Due { member: n, seqs });
        }
        for n in silent {
            self.members.remove(&n);
        }
        (pending, due)
    }

    /// The packets below `high` that `status` lacks and this hub holds: whether there are any,
    /// and those due now (a gap at once, a tail once held for `tail_hold`; at most `window`).
    fn lacking(&self, status: &Window, high: u32, now: SimTime, c: &Resolved) -> (bool, Vec<u32>) {
        let mut lacks = false;
        let mut seqs = Vec::new();
        let gap_below = status.high();
        for s in status.missing(high) {
            let Some(p) = self.holds(s) else {
                continue;
            };
            lacks = true;
            if s < gap_below || now.since(p.at) >= c.tail_hold {
                seqs.push(s);
                if seqs.len() as u32 >= c.config.window {
                    break;
                }
            }
        }
        (lacks, seqs)
    }

    /// The packets due to at least `threshold` of the region (and two members), ascending.
    fn to_multicast(&self, due: &[Due], threshold: f64) -> Vec<u32> {
        let mut count: BTreeMap<u32, u32> = BTreeMap::new();
        for d in due {
            for &s in &d.seqs {
                *count.entry(s).or_default() += 1;
            }
        }
        let region = self.members.len() as f64;
        let need = ((threshold * region).ceil() as u32).max(2);
        count.into_iter().filter(|&(_, k)| k >= need).map(|(s, _)| s).collect()
    }

    /// Multicasts each packet of `seqs` to the whole region.
    fn multicast_repairs(&self, seqs: &[u32], stats: &mut RmtpStats, cx: &mut Context<'_, Msg, Timer>) {
        for &s in seqs {
            if let Some(p) = self.holds(s) {
                stats.multicast_repairs += 1;
                cx.multicast(self.members(), self.repair_msg(s, p));
            }
        }
    }

    /// Unicasts each member what it is due but `multicast` did not carry, and notes the repair.
    fn unicast_repairs(
        &mut self,
        multicast: &[u32],
        due: Vec<Due>,
        stats: &mut RmtpStats,
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        let now = cx.now();
        for Due { member, seqs } in due {
            for s in seqs.into_iter().filter(|s| multicast.binary_search(s).is_err()) {
                if let Some(p) = self.holds(s) {
                    stats.unicast_repairs += 1;
                    cx.send(member, self.repair_msg(s, p));
                }
            }
            if let Some(m) = self.members.get_mut(&member) {
                m.repaired_at = Some(now);
                m.unanswered += 1;
            }
        }
    }

    /// Packet `seq` sent again: a RETRANSMIT from the sender, a REPAIR from a DR.
    fn repair_msg(&self, seq: u32, p: Cached) -> Msg {
        if self.retransmits {
            Msg::Retransmit { seq, id: p.id, bytes: p.bytes }
        } else {
            Msg::Repair { seq, id: p.id, bytes: p.bytes }
        }
    }
}
