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
