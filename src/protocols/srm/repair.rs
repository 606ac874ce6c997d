//! Repairs (Floyd et al. 1997, §3) and the repair side of the adaptive timers (§7).
//!
//! A member holding a packet that hears a request for it sets a repair timer drawn from
//! [D1·d, (D1+D2)·d], d its distance to the requester, and multicasts the repair when it fires;
//! hearing another member's repair first cancels its own (suppression). After sending or hearing
//! a repair it ignores requests for that packet for 3·d, d to the request's sender: the requests
//! of the same round still on their way. In adaptive mode a repair round starts with the first
//! request heard and ends 3·d after its first repair; the repairs seen in it (duplicates beyond
//! the first) and the delay from its start to the latest repair sent or heard, in distances, tune
//! D1 and D2 (see [`super::adaptive`]).

use super::adaptive;
use super::wire::{Msg, Timer};
use super::{draw, Held, Srm};
use crate::protocol::{Context, MsgId, NodeId};
use crate::time::{SimDuration, SimTime};

/// Repair state of a held packet that someone requested.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Repair {
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

impl Srm {
    /// A request from `requester` for held packet (src, seq): set a repair timer drawn from
    /// [D1·d, (D1+D2)·d], d the distance to the requester, unless one is pending, a repair went
    /// out or came in less than 3·d ago, or this node has repaired it `max_backoffs + 1` times.
    pub(super) fn schedule_repair(
        &mut self,
        requester: NodeId,
        src: NodeId,
        seq: u32,
        cx: &mut Context<'_, Msg, Timer>,
    ) {
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

    /// The repair timer fired: unless it was cancelled (or superseded), multicast the repair;
    /// the first repair of an adaptive round also sets the timer that ends the round.
    pub(super) fn on_repair_timer(&mut self, src: NodeId, seq: u32, gen: u32, cx: &mut Context<'_, Msg, Timer>) {
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

    /// End of an adaptive repair round: its duplicates and delay tune D1 and D2 (§7); a member
    /// whose repair went first shortens D1.
    pub(super) fn on_repair_round(&mut self, src: NodeId, seq: u32, now: SimTime) {
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

    /// Another member's repair: taken if new (closing the request), and with suppression it
    /// cancels this node's own pending repair; either way it starts the 3·d quiet time.
    pub(super) fn on_repair(&mut self, src: NodeId, seq: u32, id: MsgId, bytes: u32, cx: &mut Context<'_, Msg, Timer>) {
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
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{data, deliver, exact, multicast, repair, request, set, Node, D};
    use super::*;
    use crate::protocol::Input;
    use crate::protocols::srm::SrmConfig;

    /// `Timer::Repair` for packet 0 of source 0, generation `gen`.
    fn rep(gen: u32) -> Timer {
        Timer::Repair { src: 0, seq: 0, gen }
    }

    /// Node 1 of a group of `size` with `config`, holding packet 0 of source 0.
    fn holder(size: u32, config: SrmConfig) -> Node {
        let mut n = Node::new(1, size, config);
        assert_eq!(n.recv(100, 0, data(0, 0)), [deliver(0)]);
        n
    }

    #[test]
    fn a_holder_hearing_a_request_sets_a_repair_timer_at_d1_times_the_distance() {
        let mut n = holder(3, exact());
        assert_eq!(n.recv(200, 2, request(0, 0)), [set(D, rep(1))]);
        assert_eq!(n.recv(210, 0, request(0, 0)), [], "a repair is already pending");
        assert_eq!(n.fire(230, rep(1)), [multicast(&[0, 2], repair(0, 0))]);
    }

    #[test]
    fn the_source_repairs_its_own_packets() {
        let mut n = Node::new(0, 3, exact());
        assert_eq!(n.at(10, Input::AppSend { id: MsgId(0), bytes: 1000 }), [multicast(&[1, 2], data(0, 0))]);
        assert_eq!(n.recv(100, 2, request(0, 0)), [set(D, rep(1))]);
        assert_eq!(n.fire(130, rep(1)), [multicast(&[1, 2], repair(0, 0))]);
    }

    #[test]
    fn hearing_anothers_repair_cancels_ones_own() {
        let mut n = holder(3, exact());
        assert_eq!(n.recv(200, 2, request(0, 0)), [set(D, rep(1))]);
        assert_eq!(n.recv(210, 0, repair(0, 0)), []);
        assert_eq!(n.fire(230, rep(1)), [], "cancelled");
    }

    #[test]
    fn without_suppression_a_heard_repair_cancels_nothing() {
        let mut n = holder(3, SrmConfig { suppression: false, ..exact() });
        assert_eq!(n.recv(200, 2, request(0, 0)), [set(D, rep(1))]);
        assert_eq!(n.recv(210, 0, repair(0, 0)), []);
        assert_eq!(n.fire(230, rep(1)), [multicast(&[0, 2], repair(0, 0))]);
    }

    #[test]
    fn after_a_repair_requests_are_ignored_for_three_distances() {
        let mut n = holder(3, exact());
        assert_eq!(n.recv(200, 2, request(0, 0)), [set(D, rep(1))]);
        assert_eq!(n.fire(230, rep(1)), [multicast(&[0, 2], repair(0, 0))]);
        // Requests of the same round still on their way: until 230 + 3·30 = 320 ms.
        assert_eq!(n.recv(319, 2, request(0, 0)), []);
        assert_eq!(n.recv(320, 2, request(0, 0)), [set(D, rep(3))], "generation 2 went to the ignored one");
    }

    #[test]
    fn a_member_repairs_one_packet_at_most_max_backoffs_plus_one_times() {
        let mut n = holder(3, SrmConfig { max_backoffs: 1, ..exact() });
        for (t, gen) in [(200, 1), (400, 2)] {
            assert_eq!(n.recv(t, 2, request(0, 0)), [set(D, rep(gen))]);
            assert_eq!(n.fire(t + 30, rep(gen)), [multicast(&[0, 2], repair(0, 0))]);
        }
        assert_eq!(n.recv(600, 2, request(0, 0)), []);
    }

    #[test]
    fn an_adaptive_round_counts_its_repairs_then_tunes_d1_and_d2() {
        // A group of 20 (D1 at most log10 20 ≈ 1.3). The round starts with the request at 200 ms;
        // this node's repair is its first (the round ends 3·d later), another member's a
        // duplicate.
        let mut n = holder(20, SrmConfig { adaptive: true, ..exact() });
        let others: Vec<NodeId> = (0..20).filter(|&m| m != 1).collect();
        let round = Timer::RepairRound { src: 0, seq: 0 };
        assert_eq!(n.recv(200, 2, request(0, 0)), [set(D, rep(1))]);
        assert_eq!(n.fire(230, rep(1)), [multicast(&others, repair(0, 0)), set(D.times(3), round.clone())]);
        assert_eq!(n.recv(250, 7, repair(0, 0)), [], "a duplicate: no second round timer");
        assert_eq!(n.srm().constants(), [2.0, 0.0, 1.0, 0.0], "unchanged until the round ends");
        assert_eq!(n.fire(320, round.clone()), []);
        // One duplicate (average 0.25): D1 stays, D2 = 0 rises to its floor, 1; this node's
        // repair went first, so D1 shortens by 0.05.
        assert_eq!(n.srm().constants(), [2.0, 0.0, 1.0 - 0.05, 1.0]);
        assert_eq!(n.fire(330, round), [], "the round is over");
        assert_eq!(n.srm().constants(), [2.0, 0.0, 1.0 - 0.05, 1.0]);
    }
}
