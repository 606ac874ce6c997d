//! One anti-entropy node driven by hand: exact outputs for given inputs.

use super::store::{Held, IdSet, RANGE_BYTES};
use super::*;
use crate::protocol::{Harness, Output, UniformDistance};

const HEADER: u32 = 40;

fn node(me: NodeId, direction: Direction) -> Harness<AntiEntropy> {
    let config = AntiEntropyConfig { direction, period_ms: 100.0, header_bytes: HEADER };
    Harness::new(me, GroupInfo::of_size(10), UniformDistance(SimDuration::from_ms(1)), &config)
}

fn held(id: u32) -> Held {
    Held { id: MsgId(id), bytes: 1000 }
}

fn ids(v: &[u32]) -> IdSet {
    IdSet::from_sorted(v.iter().map(|&i| MsgId(i)))
}

/// `h` holding messages `v`, given by its application.
fn holding(mut h: Harness<AntiEntropy>, v: &[u32]) -> Harness<AntiEntropy> {
    for &id in v {
        assert!(h.handle_at_ms(0, Input::AppSend { id: MsgId(id), bytes: 1000 }).is_empty());
    }
    h
}

fn digest(v: &[u32], direction: Direction) -> Msg {
    let digest = ids(v);
    Msg::Exchange(AeMsg::Digest { direction, bytes: HEADER + digest.bytes(), digest })
}

#[test]
fn each_period_a_node_sends_its_digest_to_one_random_member() {
    let mut h = holding(node(3, Direction::PushPull), &[0, 1, 2, 5]);
    assert_eq!(h.handle_at_ms(0, Input::Start), vec![Output::SetTimer { after: SimDuration::from_ms(100), timer: Timer::Exchange }]);
    let out = h.handle_at_ms(100, Input::Timer(Timer::Exchange));
    let [Output::Send { to, msg }, Output::SetTimer { after, timer: Timer::Exchange }] = out.as_slice() else {
        panic!("{out:?}")
    };
    assert!(*to != 3 && *to < 10, "{to}");
    assert_eq!(*after, SimDuration::from_ms(100));
    // Two ranges, 0-2 and 5: 8 bytes each after the header.
    assert_eq!(*msg, digest(&[0, 1, 2, 5], Direction::PushPull));
    assert_eq!(msg.bytes(), HEADER + 2 * RANGE_BYTES);
    assert_eq!(msg.kind(), PacketKind::Digest);
}

#[test]
fn pull_answers_with_exactly_what_the_initiator_lacks() {
    let mut h = holding(node(1, Direction::Pull), &[0, 1, 2, 3]);
    let out = h.handle_at_ms(10, Input::Recv { from: 4, msg: digest(&[1, 3, 7], Direction::Pull) });
    let updates = vec![held(0), held(2)];
    let expected = AeMsg::Answer { bytes: HEADER + 2 * (1000 + 4), updates, want: IdSet::new() };
    assert_eq!(out, vec![Output::Send { to: 4, msg: Msg::Exchange(expected) }]);
    // The initiator stores and delivers them, and sends nothing back.
    let mut a = holding(node(4, Direction::Pull), &[1, 3, 7]);
    let Output::Send { msg, .. } = out[0].clone() else { unreachable!() };
    assert_eq!(msg.kind(), PacketKind::Gossip);
    assert_eq!(
        a.handle_at_ms(20, Input::Recv { from: 1, msg }),
        vec![Output::Deliver { id: MsgId(0) }, Output::Deliver { id: MsgId(2) }]
    );
    assert_eq!(a.protocol.store().len(), 5);
}

#[test]
fn push_asks_for_what_the_responder_lacks_and_gets_exactly_that() {
    let mut b = holding(node(1, Direction::Push), &[1]);
    let out = b.handle_at_ms(10, Input::Recv { from: 4, msg: digest(&[0, 1, 2], Direction::Push) });
    // A push answer carries no messages: it asks for 0 and 2 (two ranges).
    let answer = AeMsg::Answer { updates: Vec::new(), want: ids(&[0, 2]), bytes: HEADER + 2 * RANGE_BYTES };
    assert_eq!(out, vec![Output::Send { to: 4, msg: Msg::Exchange(answer.clone()) }]);
    assert_eq!(answer.kind(), PacketKind::Pull);
    let mut a = holding(node(4, Direction::Push), &[0, 1, 2]);
    let out = a.handle_at_ms(20, Input::Recv { from: 1, msg: Msg::Exchange(answer) });
    let updates = AeMsg::Updates { updates: vec![held(0), held(2)], bytes: HEADER + 2 * 1004 };
    assert_eq!(out, vec![Output::Send { to: 1, msg: Msg::Exchange(updates.clone()) }]);
    assert_eq!(
        b.handle_at_ms(30, Input::Recv { from: 4, msg: Msg::Exchange(updates) }),
        vec![Output::Deliver { id: MsgId(0) }, Output::Deliver { id: MsgId(2) }]
    );
}

#[test]
fn push_pull_crosses_both_ways_and_agreeing_nodes_say_nothing() {
    let mut b = holding(node(1, Direction::PushPull), &[1, 2]);
    let out = b.handle_at_ms(10, Input::Recv { from: 4, msg: digest(&[0, 1], Direction::PushPull) });
    let answer = AeMsg::Answer { updates: vec![held(2)], want: ids(&[0]), bytes: HEADER + 1004 + RANGE_BYTES };
    assert_eq!(out, vec![Output::Send { to: 4, msg: Msg::Exchange(answer) }]);
    // The same digest as its own store: nothing to send, nothing to ask.
    assert_eq!(b.handle_at_ms(20, Input::Recv { from: 5, msg: digest(&[1, 2], Direction::PushPull) }), vec![]);
}

#[test]
fn infective_from_the_first_message_and_never_removed() {
    let mut h = node(2, Direction::PushPull);
    assert!(!h.protocol.is_infective());
    h = holding(h, &[0]);
    assert!(h.protocol.is_infective());
}

#[test]
fn a_goodbye_takes_the_member_out_of_the_draw() {
    let mut h = node(0, Direction::Pull);
    assert_eq!(h.handle_at_ms(0, Input::Recv { from: 5, msg: Msg::Leave { bytes: HEADER } }), vec![]);
    assert!(!h.protocol.peers().contains(5));
    assert_eq!(h.handle_at_ms(0, Input::Membership(crate::protocol::MemberChange::Joined(12))), vec![]);
    assert!(h.protocol.peers().contains(12));
    assert_eq!(h.protocol.peers().len(), 10, "ten known, itself included");
}
