//! One rumor-mongering node driven by hand: exact outputs for given inputs.

use super::*;
use crate::protocol::{Harness, Output, PacketKind, UniformDistance, Wire};
use crate::protocols::anti_entropy::Direction;

const HEADER: u32 = 40;
/// A contact or reply carrying one 1000-byte rumor: header, payload and its id.
const ONE_RUMOR: u32 = HEADER + 1000 + 4;

fn config() -> RumorConfig {
    RumorConfig { period_ms: 100.0, k: 2, ..RumorConfig::default() }
}

fn node(me: NodeId, config: &RumorConfig) -> Harness<Rumor> {
    Harness::new(me, GroupInfo::of_size(10), UniformDistance(SimDuration::from_ms(1)), config)
}

fn held(id: u32) -> Held {
    Held { id: MsgId(id), bytes: 1000 }
}

fn push(v: &[u32]) -> Msg {
    Msg::contact(HEADER, v.iter().map(|&i| held(i)).collect(), false, IdSet::new())
}

fn known(v: &[u32]) -> Msg {
    Msg::reply(HEADER, Vec::new(), v.iter().map(|&i| MsgId(i)).collect())
}

/// Runs the tick at `ms` and the contact after it; returns the contact's destination and packet.
fn contact(h: &mut Harness<Rumor>, ms: u64) -> Option<(NodeId, Msg)> {
    let tick = h.handle_at_ms(ms, Input::Timer(Timer::Tick));
    if tick.is_empty() {
        return None;
    }
    assert_eq!(tick.first(), Some(&Output::SetTimer { after: SimDuration::ZERO, timer: Timer::Contact }), "{tick:?}");
    let out = h.handle_at_ms(ms, Input::Timer(Timer::Contact));
    match out.as_slice() {
        [Output::Send { to, msg }] => Some((*to, msg.clone())),
        [] => None,
        _ => panic!("{out:?}"),
    }
}

/// Node 0 with rumor 7 hot, given by its application at time 0.
fn sender(config: &RumorConfig) -> Harness<Rumor> {
    let mut h = node(0, config);
    assert_eq!(h.handle_at_ms(0, Input::Start), vec![]);
    let out = h.handle_at_ms(0, Input::AppSend { id: MsgId(7), bytes: 1000 });
    assert_eq!(out, vec![Output::SetTimer { after: SimDuration::from_ms(100), timer: Timer::Tick }]);
    assert!(h.protocol.is_infective());
    h
}

#[test]
fn the_counter_grows_only_on_an_unnecessary_contact_and_the_rumor_goes_at_k() {
    let mut h = sender(&config());
    let (to, msg) = contact(&mut h, 100).unwrap();
    assert_eq!(msg, push(&[7]));
    assert_eq!((msg.kind(), msg.bytes()), (PacketKind::Gossip, ONE_RUMOR));
    // The partner did not know it: a necessary contact, no strike.
    assert_eq!(h.handle_at_ms(200, Input::Recv { from: to, msg: known(&[]) }), vec![]);
    assert_eq!(h.protocol.hot().strikes(MsgId(7)), Some(0));
    // The next partner knew it: one strike.
    let (to, _) = contact(&mut h, 200).unwrap();
    assert_eq!(h.handle_at_ms(300, Input::Recv { from: to, msg: known(&[7]) }), vec![]);
    assert_eq!(h.protocol.hot().strikes(MsgId(7)), Some(1));
    // A reply from a node it did not contact this period counts for nothing.
    let (to, _) = contact(&mut h, 300).unwrap();
    let other = (to + 1) % 10;
    assert_eq!(h.handle_at_ms(400, Input::Recv { from: other, msg: known(&[7]) }), vec![]);
    assert_eq!(h.protocol.hot().strikes(MsgId(7)), Some(1));
    // The second unnecessary contact reaches k = 2: removed, and the ticks stop.
    assert_eq!(h.handle_at_ms(400, Input::Recv { from: to, msg: known(&[7]) }), vec![]);
    assert_eq!(h.protocol.hot().strikes(MsgId(7)), None);
    assert!(!h.protocol.is_infective());
    assert_eq!(h.handle_at_ms(400, Input::Timer(Timer::Tick)), vec![]);
}

#[test]
fn a_necessary_contact_resets_the_counter_unless_told_not_to() {
    for (reset, after) in [(true, 0), (false, 1)] {
        let mut h = sender(&RumorConfig { counter_reset: reset, k: 3, ..config() });
        let (to, _) = contact(&mut h, 100).unwrap();
        h.handle_at_ms(200, Input::Recv { from: to, msg: known(&[7]) });
        assert_eq!(h.protocol.hot().strikes(MsgId(7)), Some(1));
        let (to, _) = contact(&mut h, 200).unwrap();
        h.handle_at_ms(300, Input::Recv { from: to, msg: known(&[]) });
        assert_eq!(h.protocol.hot().strikes(MsgId(7)), Some(after), "counter_reset {reset}");
    }
}

#[test]
fn a_partner_tells_whether_it_knew_each_rumor_it_was_pushed() {
    let mut b = node(5, &config());
    // New: delivered, made hot (a tick at the next period boundary), and "I knew none".
    let out = b.handle_at_ms(150, Input::Recv { from: 0, msg: push(&[7]) });
    assert_eq!(
        out,
        vec![
            Output::Deliver { id: MsgId(7) },
            Output::SetTimer { after: SimDuration::from_ms(50), timer: Timer::Tick },
            Output::Send { to: 0, msg: known(&[]) },
        ]
    );
    assert_eq!(known(&[]).kind(), PacketKind::Ack);
    // Pushed again in the same period: it did not know it when the period began.
    assert_eq!(b.handle_at_ms(160, Input::Recv { from: 1, msg: push(&[7]) }), vec![Output::Send { to: 1, msg: known(&[]) }]);
    // In a later period it did.
    let out = b.handle_at_ms(250, Input::Recv { from: 2, msg: push(&[7, 9]) });
    assert_eq!(
        out,
        vec![Output::Deliver { id: MsgId(9) }, Output::Send { to: 2, msg: known(&[7]) }]
    );
    assert_eq!(known(&[7]).bytes(), HEADER + 4);
}

#[test]
fn blind_counter_strikes_at_every_push_and_nobody_replies() {
    let cfg = RumorConfig { feedback: false, k: 2, ..config() };
    let mut h = sender(&cfg);
    contact(&mut h, 100).unwrap();
    assert_eq!(h.protocol.hot().strikes(MsgId(7)), Some(1));
    contact(&mut h, 200).unwrap();
    assert!(!h.protocol.is_infective());
    assert_eq!(contact(&mut h, 300), None);
    let mut b = node(5, &cfg);
    let out = b.handle_at_ms(150, Input::Recv { from: 0, msg: push(&[7]) });
    assert_eq!(out.len(), 2, "deliver and tick, no reply: {out:?}");
}

#[test]
fn the_coin_drops_a_rumor_with_odds_one_in_k() {
    // 4000 lists of one rumor, each struck once with k = 4: the drops are binomial(4000, 1/4),
    // mean 1000, standard deviation √(4000 · 1/4 · 3/4) ≈ 27; 5 σ is 137.
    let mut rng = crate::rng::stream(3, crate::rng::Stream::Node(0));
    let mut dropped = 0;
    for _ in 0..4000 {
        let mut list = hot::HotList::default();
        list.add(held(1), 0);
        dropped += u32::from(list.strike(MsgId(1), Removal::Coin, 4, &mut rng));
    }
    assert!((863..=1137).contains(&dropped), "{dropped}");
    // The same seed, the same tosses.
    let toss = |seed| {
        let mut rng = crate::rng::stream(seed, crate::rng::Stream::Node(0));
        (0..64)
            .map(|_| {
                let mut list = hot::HotList::default();
                list.add(held(1), 0);
                list.strike(MsgId(1), Removal::Coin, 2, &mut rng)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(toss(9), toss(9));
    assert_ne!(toss(9), toss(10));
}

#[test]
fn past_the_connection_limit_a_contact_is_refused_and_carries_nothing() {
    let cfg = RumorConfig { connection_limit: 1, ..config() };
    let mut b = node(5, &cfg);
    assert_eq!(b.handle_at_ms(150, Input::Recv { from: 0, msg: push(&[7]) }).len(), 3);
    let out = b.handle_at_ms(150, Input::Recv { from: 1, msg: push(&[8]) });
    assert_eq!(out, vec![Output::Send { to: 1, msg: Msg::Busy { bytes: HEADER } }]);
    assert!(!b.protocol.store().contains(MsgId(8)));
    // The next period accepts again.
    let out = b.handle_at_ms(250, Input::Recv { from: 1, msg: push(&[8]) });
    assert_eq!(out.first(), Some(&Output::Deliver { id: MsgId(8) }));
}

#[test]
fn hunting_tries_another_member_after_a_refusal() {
    let mut h = sender(&RumorConfig { connection_limit: 1, hunt: 1, ..config() });
    let (to, msg) = contact(&mut h, 100).unwrap();
    let out = h.handle_at_ms(150, Input::Recv { from: to, msg: Msg::Busy { bytes: HEADER } });
    let [Output::Send { to: again, msg: retry }] = out.as_slice() else { panic!("{out:?}") };
    assert_ne!(*again, to);
    assert_eq!(*retry, msg);
    // One hunt per period only.
    assert_eq!(h.handle_at_ms(160, Input::Recv { from: *again, msg: Msg::Busy { bytes: HEADER } }), vec![]);
    // The retried partner's feedback counts.
    h.handle_at_ms(200, Input::Recv { from: *again, msg: known(&[7]) });
    assert_eq!(h.protocol.hot().strikes(MsgId(7)), Some(1));
}

#[test]
fn pull_sends_the_hot_rumors_the_caller_lacks_and_strikes_the_others() {
    let cfg = RumorConfig { direction: Direction::Pull, ..config() };
    let mut h = node(0, &cfg);
    assert_eq!(h.handle_at_ms(0, Input::Start), vec![Output::SetTimer { after: SimDuration::from_ms(100), timer: Timer::Tick }]);
    h.handle_at_ms(0, Input::AppSend { id: MsgId(7), bytes: 1000 });
    h.handle_at_ms(0, Input::AppSend { id: MsgId(8), bytes: 1000 });
    let digest = IdSet::from_sorted([MsgId(8)]);
    let ask = Msg::contact(HEADER, Vec::new(), true, digest.clone());
    assert_eq!((ask.kind(), ask.bytes()), (PacketKind::Pull, HEADER + 8));
    let out = h.handle_at_ms(150, Input::Recv { from: 3, msg: ask });
    assert_eq!(out, vec![Output::Send { to: 3, msg: Msg::reply(HEADER, vec![held(7)], Vec::new()) }]);
    assert_eq!(h.protocol.hot().strikes(MsgId(8)), Some(1));
    assert_eq!(h.protocol.hot().strikes(MsgId(7)), Some(0));
    // A pulling node asks every period, holding something or not: its digest goes along.
    let (_, msg) = contact(&mut node(4, &cfg), 100).unwrap();
    assert_eq!(msg, Msg::contact(HEADER, Vec::new(), true, IdSet::new()));
}

#[test]
fn the_backstop_delivers_what_anti_entropy_brings_without_making_it_hot() {
    let cfg = RumorConfig { anti_entropy_period_ms: 1000.0, ..config() };
    let mut h = node(2, &cfg);
    assert_eq!(
        h.handle_at_ms(0, Input::Start),
        vec![Output::SetTimer { after: SimDuration::from_ms(1000), timer: Timer::AntiEntropy }]
    );
    let answer = AeMsg::Answer { updates: vec![held(4)], want: IdSet::new(), bytes: ONE_RUMOR };
    let out = h.handle_at_ms(1200, Input::Recv { from: 6, msg: Msg::Exchange(answer) });
    assert_eq!(out, vec![Output::Deliver { id: MsgId(4) }]);
    assert!(!h.protocol.is_infective());
    let out = h.handle_at_ms(2000, Input::Timer(Timer::AntiEntropy));
    let [Output::Send { msg: Msg::Exchange(AeMsg::Digest { bytes, .. }), .. }, Output::SetTimer { .. }] = out.as_slice()
    else {
        panic!("{out:?}")
    };
    assert_eq!(*bytes, HEADER + 8);
}

#[test]
fn with_rekindle_what_anti_entropy_brings_is_a_hot_rumor_again() {
    let cfg = RumorConfig { anti_entropy_period_ms: 1000.0, anti_entropy_rekindle: true, ..config() };
    let mut h = node(2, &cfg);
    h.handle_at_ms(0, Input::Start);
    let answer = AeMsg::Answer { updates: vec![held(4)], want: IdSet::new(), bytes: ONE_RUMOR };
    let out = h.handle_at_ms(1250, Input::Recv { from: 6, msg: Msg::Exchange(answer) });
    assert_eq!(
        out,
        vec![Output::Deliver { id: MsgId(4) }, Output::SetTimer { after: SimDuration::from_ms(50), timer: Timer::Tick }]
    );
    assert!(h.protocol.is_infective());
}

#[test]
fn a_rumor_pulled_in_one_period_is_offered_from_the_next() {
    let cfg = RumorConfig { direction: Direction::Pull, ..config() };
    let mut a = node(4, &cfg);
    a.handle_at_ms(0, Input::Start);
    let (from, _) = contact(&mut a, 100).unwrap();
    // The answer lands on the next period's first instant (the rounds mode, two rounds a period).
    a.handle_at_ms(200, Input::Recv { from, msg: Msg::reply(HEADER, vec![held(7)], Vec::new()) });
    assert!(a.protocol.is_infective());
    // A pull in that period gets it.
    let ask = Msg::contact(HEADER, Vec::new(), true, IdSet::new());
    let out = a.handle_at_ms(250, Input::Recv { from: 8, msg: ask });
    assert_eq!(out, vec![Output::Send { to: 8, msg: Msg::reply(HEADER, vec![held(7)], Vec::new()) }]);
}
