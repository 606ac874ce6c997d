//! One gossip node driven by hand: exact outputs for given inputs (tier 1).

use super::*;
use crate::protocol::{Harness, MemberChange, MsgId, Output, UniformDistance, Wire};
use crate::protocols::blocks::Entry;
use crate::time::SimDuration;

type Out = Output<Msg, Timer>;

fn node(me: NodeId, size: u32, config: GossipConfig) -> Harness<Gossip> {
    Harness::new(me, GroupInfo::of_size(size), UniformDistance(SimDuration::from_ms(1)), &Setup::new(config, size))
}

fn push(spread: Spread, fanout: u32) -> GossipConfig {
    GossipConfig { mode: Mode::Push, spread, fanout, ..GossipConfig::default() }
}

fn item(id: u32, hops: u16) -> Item {
    Item { id: MsgId(id), bytes: 1000, hops }
}

fn gossip(items: &[Item]) -> Msg {
    let bytes = 40 + items.iter().map(|i| i.bytes).sum::<u32>();
    Msg::gossip(items, None, bytes)
}

/// The destinations of the sends in `out`, with their packets.
fn sends(out: &[Out]) -> Vec<(NodeId, Msg)> {
    out.iter().filter_map(|o| if let Output::Send { to, msg } = o { Some((*to, msg.clone())) } else { None }).collect()
}

#[test]
fn push_on_first_receipt_sends_one_batched_packet_to_each_of_fanout_distinct_peers() {
    let mut n = node(5, 50, push(Spread::Once, 3));
    let out = n.handle_at_ms(10, Input::Recv { from: 1, msg: gossip(&[item(0, 0), item(1, 0)]) });
    assert_eq!(out[..2], [Out::Deliver { id: MsgId(0) }, Out::Deliver { id: MsgId(1) }]);
    let sent = sends(&out);
    assert_eq!(sent.len(), 3, "{out:?}");
    let mut to: Vec<NodeId> = sent.iter().map(|s| s.0).collect();
    assert!(sent.iter().all(|(_, m)| *m == gossip(&[item(0, 0), item(1, 0)])), "one packet carries both");
    assert_eq!(sent[0].1.bytes(), 40 + 2000);
    to.sort_unstable();
    to.dedup();
    assert!(to.len() == 3 && to.iter().all(|&t| t != 5 && t < 50), "{to:?}");
    assert_eq!(out.len(), 5, "forward once sets no timer: {out:?}");
    assert!(!n.protocol.is_infective());
    assert!(n.protocol.side.is_none(), "a forward-once receiver keeps no side state");
    // Forward once: the same messages again, and another, are not forwarded twice.
    assert_eq!(n.handle_at_ms(20, Input::Recv { from: 2, msg: gossip(&[item(0, 0)]) }), []);
}

#[test]
fn rounds_push_every_period_then_stop() {
    let mut n = node(5, 50, GossipConfig { rounds: 3, ..push(Spread::Rounds, 2) });
    let out = n.handle_at_ms(0, Input::Recv { from: 1, msg: gossip(&[item(0, 0)]) });
    assert_eq!(sends(&out).len(), 2);
    assert_eq!(out.last(), Some(&Out::SetTimer { after: SimDuration::from_ms(100), timer: Timer::Tick }));
    assert!(n.protocol.is_infective());
    let out = n.handle_at_ms(100, Input::Timer(Timer::Tick));
    assert_eq!((sends(&out).len(), out.len()), (2, 3), "second period: {out:?}");
    let out = n.handle_at_ms(200, Input::Timer(Timer::Tick));
    assert_eq!((sends(&out).len(), out.len()), (2, 2), "third and last period, no timer: {out:?}");
    assert!(!n.protocol.is_infective());
}

#[test]
fn ttl_decrements_and_stops_at_zero() {
    let mut n = node(5, 50, push(Spread::Ttl, 2));
    let out = n.handle_at_ms(0, Input::Recv { from: 1, msg: gossip(&[item(0, 2)]) });
    assert!(sends(&out).iter().all(|(_, m)| *m == gossip(&[item(0, 1)])), "{out:?}");
    let out = n.handle_at_ms(0, Input::Recv { from: 1, msg: gossip(&[item(1, 0)]) });
    assert_eq!(out, [Out::Deliver { id: MsgId(1) }], "no hops left: kept, not forwarded");
    let mut origin = node(0, 50, GossipConfig { ttl: 4, ..push(Spread::Ttl, 1) });
    let out = origin.handle_at_ms(0, Input::AppSend { id: MsgId(7), bytes: 10 });
    assert_eq!(sends(&out)[0].1, gossip(&[Item { id: MsgId(7), bytes: 10, hops: 3 }]));
}

#[test]
fn a_pull_is_answered_with_exactly_the_missing_messages_still_spread() {
    let config = GossipConfig { mode: Mode::Pull, rounds: 5, ..GossipConfig::default() };
    let mut n = node(3, 10, config);
    let start = n.handle_at_ms(0, Input::Start);
    assert!(matches!(start[..], [Out::SetTimer { timer: Timer::Tick, .. }]), "{start:?}");
    let got = n.handle_at_ms(1, Input::Recv { from: 1, msg: gossip(&[item(0, 0), item(1, 0), item(2, 0)]) });
    assert_eq!(got.len(), 3, "pull mode forwards nothing on receipt: {got:?}");
    let mut held = crate::bits::InlineBits::new();
    held.insert(1);
    let digest = Digest { held, bits: 2 };
    let out = n.handle_at_ms(1, Input::Recv { from: 7, msg: Msg::Pull { digest: Box::new(digest.clone()), bytes: 45 } });
    assert_eq!(out, [], "messages that arrived at this instant are not served yet");
    let out = n.handle_at_ms(2, Input::Recv { from: 7, msg: Msg::Pull { digest: Box::new(digest), bytes: 45 } });
    assert_eq!(out, [Out::Send { to: 7, msg: gossip(&[item(0, 0), item(2, 0)]) }]);
    assert_eq!(digest_bytes(&n), 4 + 1, "3 ids: one byte of bits");
}

fn digest_bytes(n: &Harness<Gossip>) -> u32 {
    n.protocol.digest().bytes()
}

#[test]
fn a_pulling_period_sends_a_pull_with_the_digest_to_fanout_peers() {
    let config = GossipConfig { mode: Mode::PushPull, fanout: 2, ..GossipConfig::default() };
    let mut n = node(3, 10, config);
    n.handle_at_ms(0, Input::Start);
    let out = n.handle_at_ms(100, Input::Timer(Timer::Tick));
    let sent = sends(&out);
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|(_, m)| matches!(m, Msg::Pull { bytes: 44, .. })), "{sent:?}");
    assert_eq!(out.last(), Some(&Out::SetTimer { after: SimDuration::from_ms(100), timer: Timer::Tick }));
    // Holding a message, the period's packet is a GOSSIP carrying the digest; the peer answers.
    n.handle_at_ms(120, Input::AppSend { id: MsgId(0), bytes: 1000 });
    let out = n.handle_at_ms(200, Input::Timer(Timer::Tick));
    let sent = sends(&out);
    assert!(sent.iter().all(|(_, m)| matches!(m, Msg::Gossip(b) if b.digest.is_some() && b.bytes == 1045)), "{sent:?}");
    let mut peer = node(4, 10, GossipConfig { mode: Mode::PushPull, ..GossipConfig::default() });
    peer.handle_at_ms(0, Input::Start);
    peer.handle_at_ms(50, Input::AppSend { id: MsgId(1), bytes: 500 });
    let out = peer.handle_at_ms(201, Input::Recv { from: 3, msg: sent[0].1.clone() });
    assert_eq!(out[0], Out::Deliver { id: MsgId(0) });
    assert!(out.contains(&Out::Send { to: 3, msg: gossip(&[Item { id: MsgId(1), bytes: 500, hops: 5 }]) }), "{out:?}");
}

#[test]
fn uniform_peers_skip_the_gone_and_include_joiners() {
    let mut n = node(0, 4, push(Spread::Once, 3));
    n.handle_at_ms(0, Input::Membership(MemberChange::Crashed(1)));
    n.handle_at_ms(0, Input::Recv { from: 9, msg: Msg::Join { bytes: 40 } });
    n.handle_at_ms(0, Input::Recv { from: 2, msg: Msg::Leave { bytes: 40 } });
    let out = n.handle_at_ms(1, Input::AppSend { id: MsgId(0), bytes: 1 });
    let mut to: Vec<NodeId> = sends(&out).iter().map(|s| s.0).collect();
    to.sort_unstable();
    assert_eq!(to, [3, 9]);
}

#[test]
fn a_cyclon_shuffle_goes_to_the_oldest_and_the_answer_is_merged() {
    let config = GossipConfig { peers: Peers::Cyclon, view_size: 4, shuffle_length: 2, ..push(Spread::Once, 1) };
    let mut n = node(0, 100, config.clone());
    let start = n.handle_at_ms(0, Input::Start);
    assert!(matches!(start[..], [Out::SetTimer { timer: Timer::Shuffle, .. }]), "{start:?}");
    let view = n.protocol.view();
    assert_eq!(view.len(), 4);
    let out = n.handle_at_ms(1000, Input::Timer(Timer::Shuffle));
    let Output::Send { to, msg: Msg::Shuffle(shuffle) } = &out[0] else { panic!("{out:?}") };
    assert_eq!((shuffle.answer, shuffle.bytes), (false, 56));
    let entries = &shuffle.entries;
    assert_eq!(*to, view[0].node, "all of age 1: the first");
    assert_eq!(entries[0], Entry { node: 0, age: 0 });
    assert!(view[1..].contains(&entries[1]) || view[1..].iter().any(|e| e.node == entries[1].node));
    assert_eq!(out[1], Out::SetTimer { after: SimDuration::from_ms(1000), timer: Timer::Shuffle });
    assert!(!n.protocol.view().iter().any(|e| e.node == *to), "the partner left the view");
    let reply = vec![Entry { node: 70, age: 2 }, Entry { node: 0, age: 0 }];
    n.handle_at_ms(1010, Input::Recv { from: *to, msg: Msg::shuffle(reply, true, 56) });
    let nodes: Vec<NodeId> = n.protocol.view().iter().map(|e| e.node).collect();
    assert_eq!(nodes.len(), 4);
    assert!(nodes.contains(&70) && !nodes.contains(&0), "{nodes:?}");
    // A peer answers a shuffle with ℓ of its own entries and takes what it got.
    let mut p = node(7, 100, config);
    p.handle_at_ms(0, Input::Start);
    let mine = p.protocol.view();
    let out = p.handle_at_ms(5, Input::Recv { from: 0, msg: Msg::shuffle(entries.clone(), false, 56) });
    let Output::Send { to: 0, msg: Msg::Shuffle(back) } = &out[0] else { panic!("{out:?}") };
    assert!(back.answer);
    let back = &back.entries;
    assert_eq!(back.len(), 2);
    assert!(back.iter().all(|e| mine.contains(e)));
    assert!(p.protocol.view().iter().any(|e| e.node == 0), "the asker enters the view");
}

#[test]
fn a_joiner_announces_itself_and_a_cyclon_contact_answers_with_its_view() {
    let config = GossipConfig { peers: Peers::Cyclon, view_size: 3, ..push(Spread::Once, 1) };
    let mut joiner = node(100, 50, config.clone());
    let out = joiner.handle_at_ms(0, Input::Join { contacts: vec![0] });
    assert_eq!(out[0], Out::Send { to: 0, msg: Msg::Join { bytes: 40 } });
    let mut contact = node(0, 50, config);
    contact.handle_at_ms(0, Input::Start);
    let before = contact.protocol.view();
    let out = contact.handle_at_ms(1, Input::Recv { from: 100, msg: Msg::Join { bytes: 40 } });
    let Output::Send { to: 100, msg } = &out[0] else { panic!("{out:?}") };
    assert!(contact.protocol.view().iter().any(|e| e.node == 100));
    joiner.handle_at_ms(2, Input::Recv { from: 0, msg: msg.clone() });
    let view: Vec<NodeId> = joiner.protocol.view().iter().map(|e| e.node).collect();
    assert_eq!(view.len(), 3);
    assert!(view.contains(&0) && before.iter().filter(|e| view.contains(&e.node)).count() == 2, "{view:?}");
}

#[test]
fn ids_past_63_are_held_in_the_side_state_and_the_digest_has_them_all() {
    let mut n = node(5, 50, push(Spread::Once, 1));
    n.handle_at_ms(0, Input::Recv { from: 1, msg: gossip(&[item(3, 0)]) });
    assert!(n.protocol.side.is_none() && n.protocol.holds(3) && !n.protocol.holds(70));
    let out = n.handle_at_ms(1, Input::Recv { from: 1, msg: gossip(&[item(70, 0)]) });
    assert_eq!(out[0], Out::Deliver { id: MsgId(70) });
    assert!(n.protocol.holds(70) && n.protocol.holds(3) && !n.protocol.holds(4));
    assert_eq!(n.handle_at_ms(2, Input::Recv { from: 2, msg: gossip(&[item(70, 0)]) }), [], "not new twice");
    n.handle_at_ms(3, Input::Recv { from: 1, msg: gossip(&[item(9, 0)]) });
    let held = n.protocol.digest().held;
    assert!([3, 9, 70].iter().all(|&i| held.contains(i)) && held.len() == 3, "{held:?}");
}
