//! Loss detection and requests (Floyd et al. 1997, §3, §4).
//!
//! A member learns that a packet exists from a gap in a source's sequence numbers, from a session
//! message naming a higher number than it holds, or from someone's request. For each packet it
//! misses it sets a request timer drawn from [C1·d, (C1+C2)·d], d its distance to the source;
//! when the timer fires it multicasts a request and backs off, resetting the timer from
//! [2^k·C1·d, 2^k·(C1+C2)·d] for the k-th backoff, until `max_backoffs`. Hearing another member's
//! request for the same packet first, it backs off instead of sending (suppression), then ignores
//! further requests for half the new timer: one round of duplicate requests backs it off once.
//! When the packet comes, the request closes; in adaptive mode (§7) its duplicates and delay
//! tune C1 and C2 (see [`super::adaptive`]).

use super::adaptive;
use super::wire::{request_bytes, Msg, Timer};
use super::{draw, Source, Srm};
use crate::protocol::{Context, NodeId};
use crate::time::{SimDuration, SimTime};

/// A packet this node misses and is (or was) requesting.
#[derive(Clone, Copy, Debug)]
pub(super) struct Request {
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

impl Srm {
    /// Learns that packets of `src` up to `h` exist; starts a request for each one missing.
    /// `from_session`: a joiner hearing of a source first from a session is owed only what follows.
    pub(super) fn reveal(&mut self, src: NodeId, h: u32, from_session: bool, cx: &mut Context<'_, Msg, Timer>) {
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

    /// Starts requesting (src, seq): a timer drawn from [C1·d, (C1+C2)·d], d the distance to
    /// the source.
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

    /// Backs request (src, seq) off once more (k, at most `max_backoffs` and at least 1) and
    /// resets its timer from [2^k·C1·d, 2^k·(C1+C2)·d]; requests heard in the first half of the
    /// new wait do not back it off again.
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

    /// The request timer fired: unless it is stale or the member gave up, multicast the request
    /// and back off, or give up after the last backoff.
    pub(super) fn on_request_timer(&mut self, src: NodeId, seq: u32, gen: u32, cx: &mut Context<'_, Msg, Timer>) {
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
        let bytes = request_bytes(self.config.header_bytes);
        self.multicast(Msg::Request { src, seq, bytes }, cx);
        if !last {
            self.back_off(src, seq, cx);
        }
    }

    /// Another member's request: a holder schedules a repair; a member missing the packet too
    /// learns of it if it had not, and backs its own request off (suppression).
    pub(super) fn on_request(&mut self, from: NodeId, src: NodeId, seq: u32, cx: &mut Context<'_, Msg, Timer>) {
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

    /// Closes request (src, seq): the packet has come. In adaptive mode (§7) the request's
    /// duplicates (requests beyond the first) and the delay of its first request, in distances
    /// to the source, tune C1 and C2; a member whose own request went first shortens C1.
    pub(super) fn close_request(&mut self, src: NodeId, seq: u32) {
        let Some(req) = self.sources.get_mut(&src).and_then(|s| s.requests.remove(&seq)) else {
            return;
        };
        if !self.config.adaptive {
            return;
        }
        let d = self.distance(src).0.max(1) as f64;
        let delay = req.first_request.map_or(f64::NAN, |t| t.since(req.detected).0 as f64 / d);
        let group = self.members.len() + 1;
        self.request_tuning.period(req.requests.saturating_sub(1), delay, group, adaptive::C1_MAX);
        if req.went_first {
            self.request_tuning.went_first(group, adaptive::C1_MAX);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{data, deliver, draws, exact, multicast, repair, request, session, set, Node, D};
    use super::*;
    use crate::protocol::MsgId;
    use crate::protocols::srm::{Session, SrmConfig};
    use std::sync::Arc;

    /// `Timer::Request` for packet `seq` of source 0, generation `gen`.
    fn req(seq: u32, gen: u32) -> Timer {
        Timer::Request { src: 0, seq, gen }
    }

    /// Node 1 of {0, 1, 2} with `config`, which has packet 0 of source 0 and, at 100 ms,
    /// packet 2: it misses packet 1 and its request timer (generation 1) is set.
    fn missing_one(config: SrmConfig) -> Node {
        let mut n = Node::new(1, 3, config);
        assert_eq!(n.recv(50, 0, data(0, 0)), [deliver(0)]);
        let out = n.recv(100, 0, data(0, 2));
        assert_eq!(out[0], deliver(2));
        assert_eq!(n.srm().missing(), 1);
        n
    }

    #[test]
    fn a_gap_sets_a_request_timer_at_c1_times_the_distance() {
        let mut n = Node::new(1, 3, exact());
        assert_eq!(n.recv(50, 0, data(0, 0)), [deliver(0)]);
        assert_eq!(n.recv(100, 0, data(0, 2)), [deliver(2), set(D.times(2), req(1, 1))]);
        assert_eq!(
            n.recv(110, 0, data(0, 5)),
            [deliver(5), set(D.times(2), req(3, 2)), set(D.times(2), req(4, 3))],
            "one timer per missing packet"
        );
        assert_eq!(n.srm().missing(), 3);
    }

    #[test]
    fn the_random_part_of_the_timer_comes_from_the_nodes_stream() {
        // C1 = C2 = 2: the timer is d·(2 + 2u), u the node's first draw.
        let mut n = Node::new(1, 3, SrmConfig::default());
        let u = draws(1, 1)[0];
        let after = SimDuration((D.0 as f64 * (2.0 + 2.0 * u)).round() as u64);
        assert!(D.times(2) <= after && after <= D.times(4), "{after:?}");
        assert_eq!(n.recv(100, 0, data(0, 1)), [deliver(1), set(after, req(0, 1))]);
    }

    #[test]
    fn a_request_timer_multicasts_the_request_then_backs_off_twice_as_long() {
        let mut n = missing_one(exact());
        let sent = multicast(&[0, 2], request(0, 1));
        assert_eq!(n.fire(160, req(1, 1)), [sent.clone(), set(D.times(4), req(1, 2))]);
        assert_eq!(n.fire(280, req(1, 2)), [sent.clone(), set(D.times(8), req(1, 3))]);
        assert_eq!(n.fire(280, req(1, 1)), [], "a stale generation");
        assert_eq!(n.fire(520, req(1, 3)), [sent, set(D.times(16), req(1, 4))]);
    }

    #[test]
    fn a_request_gives_up_after_max_backoffs_but_still_takes_the_packet() {
        let mut n = missing_one(SrmConfig { max_backoffs: 1, ..exact() });
        let sent = multicast(&[0, 2], request(0, 1));
        assert_eq!(n.fire(160, req(1, 1)), [sent.clone(), set(D.times(4), req(1, 2))]);
        assert_eq!(n.fire(280, req(1, 2)), [sent], "the last request, no timer after it");
        assert_eq!(n.fire(400, req(1, 2)), []);
        assert_eq!(n.recv(410, 2, request(0, 1)), [], "given up: no backoff either");
        assert_eq!(n.recv(500, 2, repair(0, 1)), [deliver(1)]);
        assert_eq!(n.srm().missing(), 0);
    }

    #[test]
    fn hearing_anothers_request_backs_off_instead_of_sending() {
        let mut n = missing_one(exact());
        // Node 2's request for the same packet, before the timer fires at 160 ms: back off
        // (k = 1) and ignore requests until 130 + 120 / 2 = 190 ms.
        assert_eq!(n.recv(130, 2, request(0, 1)), [set(D.times(4), req(1, 2))]);
        assert_eq!(n.fire(160, req(1, 1)), [], "the old timer is stale");
        assert_eq!(n.recv(150, 2, request(0, 1)), [], "a duplicate of the same round");
        assert_eq!(n.recv(190, 2, request(0, 1)), [set(D.times(8), req(1, 3))], "a new round: k = 2");
    }

    #[test]
    fn without_suppression_a_heard_request_changes_nothing() {
        let mut n = missing_one(SrmConfig { suppression: false, ..exact() });
        assert_eq!(n.recv(130, 2, request(0, 1)), []);
        assert_eq!(n.fire(160, req(1, 1)), [multicast(&[0, 2], request(0, 1)), set(D.times(4), req(1, 2))]);
    }

    #[test]
    fn the_packet_closes_its_request() {
        let mut n = missing_one(exact());
        assert_eq!(n.recv(150, 2, repair(0, 1)), [deliver(1)]);
        assert_eq!(n.srm().missing(), 0);
        assert_eq!(n.fire(160, req(1, 1)), []);
        // Now a holder: a request is answered with a repair timer, once the repair's quiet time
        // (3 distances from the repair heard at 150 ms) is over.
        assert_eq!(n.recv(239, 2, request(0, 1)), []);
        assert_eq!(n.recv(240, 2, request(0, 1)), [set(D, Timer::Repair { src: 0, seq: 1, gen: 3 })]);
    }

    #[test]
    fn a_request_for_a_packet_not_known_reveals_it_and_counts_as_heard() {
        // The loss is detected (timer 1) and the request heard at the same instant backs it
        // off at once (timer 2): timer 1 is stale from the start.
        let mut n = Node::new(1, 3, exact());
        assert_eq!(n.recv(100, 2, request(0, 0)), [set(D.times(2), req(0, 1)), set(D.times(4), req(0, 2))]);
        assert_eq!(n.fire(160, req(0, 1)), []);
    }

    #[test]
    fn a_session_naming_a_higher_number_reveals_the_losses() {
        let mut n = Node::new(1, 3, exact());
        let s = Session { highest: Arc::from([(0, 1)]), bytes: 48, ..session(90) };
        assert_eq!(n.recv(100, 2, Msg::Session(Box::new(s))), [set(D.times(2), req(0, 1)), set(D.times(2), req(1, 2))]);
    }

    #[test]
    fn a_joiner_is_owed_only_what_follows_what_it_first_hears() {
        // Node 5, not among the 3 initial members, joined: a session naming packet 4 of source 0
        // owes it from 5 on.
        let mut n = Node::new(5, 3, exact());
        let s = Session { highest: Arc::from([(0, 4)]), bytes: 48, ..session(90) };
        assert_eq!(n.recv(100, 2, Msg::Session(Box::new(s))), []);
        assert_eq!(n.recv(110, 0, data(0, 6)), [deliver(6), set(D.times(2), req(5, 1))]);
        // Data first from source 2: owed from that packet on.
        let from_2 = |seq| Msg::Data { src: 2, seq, id: MsgId(100 + seq), bytes: 1040 };
        assert_eq!(n.recv(120, 2, from_2(7)), [deliver(107)]);
    }

    #[test]
    fn adaptive_requests_tune_c1_and_c2_from_what_each_loss_cost() {
        let mut n = missing_one(SrmConfig { adaptive: true, ..exact() });
        assert_eq!(n.fire(160, req(1, 1)).len(), 2, "the request and the backoff");
        assert_eq!(n.recv(200, 0, repair(0, 1)), [deliver(1)]);
        // No duplicates, first request after 2 distances: C1 shortens by 0.05, and again because
        // this node's request went first; C2 = 0 rises to its floor, 1.
        assert_eq!(n.srm().constants(), [2.0 - 0.05 - 0.05, 1.0, 1.0, 0.0]);
        // The next loss waits d·(C1 + C2·u), u the node's first draw.
        let u = draws(1, 1)[0];
        let after = SimDuration((D.0 as f64 * ((2.0 - 0.05 - 0.05) + u)).round() as u64);
        assert_eq!(n.recv(300, 0, data(0, 4)), [deliver(4), set(after, req(3, 3))]);
    }
}
