//! Session messages and membership (Floyd et al. 1997, §3).
//!
//! Each member multicasts a session message every T on average (each gap drawn from [½, 1½] of
//! it): the highest sequence number it knows per source, its send time t1, and for each member it
//! heard a session from, that member's t1 echoed with the time it held it. A member getting its
//! own t1 back takes half of now − t1 − held as its distance to the echoing member, the NTP-like
//! exchange of §3; request and repair timers scale with these distances. T is
//! `session_interval_ms`, or longer in a large group, so that the group's session messages share
//! `session_bandwidth_bytes_per_sec` (RFC 3550 §6.2, with §6.3.6's reconsideration when the timer
//! fires).
//!
//! Membership comes from the same packets: a member knows the initial members, learns others from
//! any packet they send and from the member list answering a hello, and forgets one that says
//! goodbye (or that a membership service reports gone).

use super::wire::{session_bytes, Echo, Msg, Session, Timer};
use super::Srm;
use crate::protocol::{Context, MemberChange, NodeId};
use crate::time::{SimDuration, SimTime};
use rand::Rng;
use std::sync::Arc;

/// What this node knows of another member from its session messages.
#[derive(Clone, Copy, Debug)]
pub(super) struct Peer {
    /// t1 of its last session message.
    their_t1: SimTime,
    /// When that message arrived.
    heard_at: SimTime,
    /// Measured one-way distance (half the round trip), once measured.
    pub(super) distance: Option<SimDuration>,
}

impl Srm {
    /// Adds `n` to the members this node multicasts to (never itself); true if it was new.
    pub(super) fn add_member(&mut self, n: NodeId) -> bool {
        n != self.me && self.members.insert(n)
    }

    /// Forgets member `n` and what its session messages told.
    pub(super) fn remove_member(&mut self, n: NodeId) {
        self.members.remove(n);
        self.peers.remove(&n);
    }

    /// This node, then the members it knows in id order: the list a hello is answered with.
    fn member_list(&self) -> Vec<NodeId> {
        let mut out = Vec::with_capacity(self.members.len() as usize + 1);
        out.push(self.me);
        out.extend(self.members.iter());
        out
    }

    /// A membership service's notice: a member joined or came back, or left or crashed.
    pub(super) fn on_membership(&mut self, change: MemberChange) {
        match change {
            MemberChange::Joined(n) | MemberChange::Recovered(n) | MemberChange::NeighborUp(n) => {
                self.add_member(n);
            }
            MemberChange::Left(n) | MemberChange::Crashed(n) => self.remove_member(n),
            MemberChange::NeighborDown(_) | MemberChange::Unreachable(_) => {}
        }
    }

    /// The session interval T now: max(`session_interval_ms`, m (m − 1) S / B), m the members
    /// known (this node included) and S the size of this node's next session message.
    fn session_interval(&self) -> SimDuration {
        let m = f64::from(self.members.len()) + 1.0;
        let bytes = f64::from(self.next_session_bytes());
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
    fn next_session_bytes(&self) -> u32 {
        let sources = self.sources.values().filter(|s| s.highest.is_some()).count();
        session_bytes(self.config.header_bytes, sources, self.peers.len(), 0)
    }

    /// Starts the session timer chain, once.
    pub(super) fn start_sessions(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if !self.sessions_on {
            self.sessions_on = true;
            self.schedule_session(cx);
        }
    }

    /// Per source heard of, the highest sequence number known, in id order.
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
        let list = members.map_or(0, |m| m.len());
        let bytes = session_bytes(self.config.header_bytes, highest.len(), self.peers.len(), list);
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
    pub(super) fn on_session_timer(&mut self, cx: &mut Context<'_, Msg, Timer>) {
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
    pub(super) fn join(&mut self, contacts: Vec<NodeId>, cx: &mut Context<'_, Msg, Timer>) {
        let (now, highest) = (cx.now(), self.highest_list());
        for c in contacts {
            if c != self.me {
                self.add_member(c);
                cx.send(c, self.session(now, &highest, None, true));
            }
        }
        self.start_sessions(cx);
    }

    /// Another member's session message: its echo of this node's t1 measures the distance to
    /// it, its member list and highest sequence numbers are learned (revealing losses), and a
    /// hello is answered with the members this node knows.
    pub(super) fn on_session(&mut self, from: NodeId, s: &Session, cx: &mut Context<'_, Msg, Timer>) {
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
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{data, deliver, draws, exact, multicast, session, set, Node, D};
    use super::*;
    use crate::protocol::{GroupInfo, Input, Output};
    use crate::protocols::srm::SrmConfig;

    /// `Msg::Session` of `s`.
    fn msg(s: Session) -> Msg {
        Msg::Session(Box::new(s))
    }

    /// The gap to the next session message when the interval is `interval_ms` and the factor
    /// was drawn from `u`.
    fn gap(interval_ms: f64, u: f64) -> SimDuration {
        SimDuration::from_ms_f64(interval_ms * (0.5 + u))
    }

    #[test]
    fn sessions_start_once_with_a_gap_drawn_around_the_interval() {
        let mut n = Node::new(1, 4, exact());
        let u = draws(1, 1)[0];
        assert_eq!(n.at(0, Input::Start), [set(gap(1000.0, u), Timer::Session)]);
        assert_eq!(n.at(10, Input::Start), []);
    }

    #[test]
    fn a_session_goes_to_every_known_member_in_id_order_as_one_multicast() {
        // Node 1 of {0, 1, 2, 3} hears data from source 0, a session from newcomer 70 and a
        // goodbye from 3; its session at 2 s (past the first gap) goes to 0, 2 and 70.
        let mut n = Node::new(1, 4, exact());
        let u = draws(1, 2);
        assert_eq!(n.at(0, Input::Start), [set(gap(1000.0, u[0]), Timer::Session)]);
        assert_eq!(n.recv(100, 0, data(0, 0)), [deliver(0)]);
        assert_eq!(n.recv(200, 70, msg(session(190))), []);
        assert_eq!(n.recv(300, 3, Msg::Bye { bytes: 40 }), []);
        let sent = Session {
            sent_at: SimTime::from_ms(2000),
            echoes: Arc::from([Echo { member: 70, their_t1: SimTime::from_ms(190), held: SimDuration::from_ms(1800) }]),
            highest: Arc::from([(0, 0)]),
            members: None,
            hello: false,
            bytes: 40 + 8 + 12,
        };
        let out = n.fire(2000, Timer::Session);
        assert_eq!(out, [multicast(&[0, 2, 70], msg(sent)), set(gap(1000.0, u[1]), Timer::Session)]);
    }

    #[test]
    fn an_echo_measures_the_distance_as_half_the_round_trip_less_the_hold_time() {
        let mut n = Node::new(1, 3, exact());
        n.at(0, Input::Start);
        assert!(matches!(n.fire(2000, Timer::Session)[0], Output::Multicast { .. }), "t1 = 2000 ms");
        // Node 2 held the echo 20 ms; it comes back at 2100 ms: (100 − 20) / 2 = 40 ms.
        let echo = |held_ms| Echo { member: 1, their_t1: SimTime::from_ms(2000), held: SimDuration::from_ms(held_ms) };
        let back = |held_ms| msg(Session { echoes: Arc::from([echo(held_ms)]), bytes: 52, ..session(2090) });
        assert_eq!(n.srm().measured_distance(2), None);
        assert_eq!(n.recv(2100, 2, back(20)), []);
        assert_eq!(n.srm().measured_distance(2), Some(SimDuration::from_ms(40)));
        // A stale echo (held longer than the trip) is dropped; the measure stays.
        assert_eq!(n.recv(2300, 2, back(400)), []);
        assert_eq!(n.srm().measured_distance(2), Some(SimDuration::from_ms(40)));
        // A loss of source 2's data waits C1 times the measured distance, not the initial one.
        assert_eq!(
            n.recv(2400, 2, data(2, 1)),
            [deliver(1), set(SimDuration::from_ms(80), Timer::Request { src: 2, seq: 0, gen: 1 })]
        );
        assert_eq!(n.srm().measured_distance(0), None, "node 0 never echoed: {D:?} assumed");
    }

    #[test]
    fn a_hello_is_answered_with_the_members_known() {
        let mut n = Node::new(1, 3, exact());
        assert_eq!(n.recv(100, 0, data(0, 0)), [deliver(0)]);
        let answer = Session {
            sent_at: SimTime::from_ms(500),
            // The hello's t1, held no time: answered as it arrives.
            echoes: Arc::from([Echo { member: 7, their_t1: SimTime::from_ms(490), held: SimDuration::ZERO }]),
            highest: Arc::from([(0, 0)]),
            members: Some(Arc::from([1, 0, 2, 7])),
            hello: false,
            bytes: 40 + 8 + 12 + 4 * 4,
        };
        let hello = msg(Session { hello: true, ..session(490) });
        assert_eq!(n.recv(500, 7, hello), [Output::Send { to: 7, msg: msg(answer) }]);
        assert!(n.srm().knows_member(7));
    }

    #[test]
    fn a_joiner_says_hello_to_its_contacts_then_starts_its_sessions() {
        // Node 5 joins a group of 3 through contacts 0 and itself (skipped).
        let mut n = Node::new(5, 3, exact());
        let u = draws(5, 1)[0];
        let hello = Session { sent_at: SimTime::from_ms(1000), hello: true, ..session(0) };
        assert_eq!(
            n.at(1000, Input::Join { contacts: vec![0, 5] }),
            [Output::Send { to: 0, msg: msg(hello) }, set(gap(1000.0, u), Timer::Session)]
        );
        // The answer's member list makes every listed node a member.
        let list = Session { members: Some(Arc::from([0, 1, 2, 4])), ..session(1010) };
        assert_eq!(n.recv(1020, 0, msg(list)), []);
        assert_eq!(n.srm().member_count(), 4);
        assert!(!n.srm().knows_member(5), "never itself");
    }

    #[test]
    fn goodbyes_and_a_membership_services_notices_change_the_members() {
        let mut n = Node::new(1, 3, exact());
        assert_eq!(n.recv(10, 2, Msg::Bye { bytes: 40 }), []);
        assert_eq!((n.srm().member_count(), n.srm().knows_member(2)), (1, false));
        for change in [MemberChange::Joined(9), MemberChange::Recovered(4), MemberChange::Crashed(0)] {
            assert_eq!(n.at(20, Input::Membership(change)), []);
        }
        assert_eq!(n.at(30, Input::Membership(MemberChange::Left(4))), []);
        assert_eq!(n.at(40, Input::Leave { contacts: vec![0] }), [multicast(&[9], Msg::Bye { bytes: 40 })]);
    }

    #[test]
    fn the_session_timer_moves_later_when_the_interval_has_grown() {
        // A budget of 1000 bytes/s: in a group of 3 the interval is 1000 ms (the share,
        // 3 · 2 · 40 bytes / budget = 240 ms, is shorter). Then a session lists 10 members:
        // the share is 10 · 9 · 52 / budget = 4680 ms, and the timer moves to its new end;
        // with native multicast one copy is paid, 10 · 1 · 52 = 520 ms, and the message goes.
        let config = SrmConfig { session_bandwidth_bytes_per_sec: 1000, ..exact() };
        let u = draws(1, 1)[0];
        let first = gap(1000.0, u);
        for native in [false, true] {
            let group = GroupInfo { native_multicast: native, ..GroupInfo::of_size(3) };
            let mut n = Node::in_group(1, group, config.clone());
            assert_eq!(n.at(0, Input::Start), [set(first, Timer::Session)]);
            let list = Session { members: Some((0..10).collect()), ..session(10) };
            assert_eq!(n.recv(20, 9, msg(list)), []);
            let out = n.0.handle(SimTime(first.0), Input::Timer(Timer::Session));
            if native {
                assert!(matches!(&out[0], Output::Multicast { to, .. } if to.len() == 9), "{out:?}");
            } else {
                assert_eq!(out, [set(SimDuration(gap(4680.0, u).0 - first.0), Timer::Session)]);
            }
        }
    }
}
