//! One node's exact answers (Leitão et al. 2007, §4.2-§4.4), through a [`Harness`] over a quiet
//! inner protocol that only records the neighbour changes it hears of.

use super::*;
use crate::protocol::{
    Context, GroupInfo, Harness, Input, MemberChange, MsgId, NodeId, Output, PacketKind, Protocol, Stack, StackConfig,
    UniformDistance, Wire,
};
use crate::time::SimDuration;

/// The quiet protocol's packet (it never sends one).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Nothing;

impl Wire for Nothing {
    fn kind(&self) -> PacketKind {
        PacketKind::Gossip
    }
    fn bytes(&self) -> u32 {
        1
    }
    fn msg(&self) -> Option<MsgId> {
        None
    }
}

/// An inner protocol that records the membership changes it hears of.
#[derive(Clone, Debug, Default)]
struct Quiet {
    heard: Vec<MemberChange>,
}

impl Protocol for Quiet {
    type Msg = Nothing;
    type Timer = ();
    type Config = ();
    fn describe_timer(&self, _timer: &()) -> String {
        "a timer of this test protocol".to_string()
    }

    fn new(_me: NodeId, _group: &GroupInfo, _config: &()) -> Quiet {
        Quiet::default()
    }
    fn handle(&mut self, input: Input<Nothing, ()>, _cx: &mut Context<'_, Nothing, ()>) {
        if let Input::Membership(change) = input {
            self.heard.push(change);
        }
    }
}

type Node = Stack<HyParView, Quiet>;
type Out = Output<HpvMsg<Nothing>, HpvTimer<()>>;

/// Node 50 of 100, default parameters.
fn node() -> Harness<Node> {
    let config = StackConfig { layer: HyParViewConfig::default(), inner: () };
    Harness::new(50, GroupInfo::of_size(100), UniformDistance(SimDuration::from_ms(1)), &config)
}

fn recv(h: &mut Harness<Node>, from: NodeId, msg: HpvMsg<Nothing>) -> Vec<Out> {
    h.handle_at_ms(1, Input::Recv { from, msg })
}

/// Node 50 with `peers` in its active view (each took it in with a high-priority NEIGHBOR).
fn with_active(peers: &[NodeId]) -> Harness<Node> {
    let mut h = node();
    for &p in peers {
        recv(&mut h, p, HpvMsg::Neighbor { high: true, req: NO_REQUEST });
    }
    assert_eq!(h.protocol.layer().active(), peers);
    h
}

fn active(h: &Harness<Node>) -> Vec<NodeId> {
    h.protocol.layer().active().to_vec()
}

fn passive(h: &Harness<Node>) -> Vec<NodeId> {
    h.protocol.layer().passive().to_vec()
}

fn heard(h: &Harness<Node>) -> &[MemberChange] {
    &h.protocol.inner().heard
}

fn send(to: NodeId, msg: HpvMsg<Nothing>) -> Out {
    Output::Send { to, msg }
}

/// The packets among `out`, a multicast spelt out as one send per destination.
fn sends(out: &[Out]) -> Vec<(NodeId, HpvMsg<Nothing>)> {
    let mut v = Vec::new();
    for o in out {
        match o {
            Output::Send { to, msg } => v.push((*to, msg.clone())),
            Output::Multicast { to, msg } => v.extend(to.iter().map(|&t| (t, msg.clone()))),
            _ => {}
        }
    }
    v
}

#[test]
fn a_join_is_taken_in_answered_and_forwarded_to_every_other_active_peer() {
    let mut h = with_active(&[1, 2]);
    let out = recv(&mut h, 9, HpvMsg::Join { req: 4 });
    assert_eq!(out[0], send(9, HpvMsg::NeighborReply { accepted: true, req: 4 }));
    assert_eq!(out[1], Output::Multicast { to: vec![1, 2], msg: HpvMsg::ForwardJoin { joiner: 9, ttl: 6 } });
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(active(&h), [1, 2, 9]);
    assert_eq!(heard(&h).last(), Some(&MemberChange::NeighborUp(9)));
}

#[test]
fn a_join_at_a_full_node_drops_one_peer_with_a_disconnect_into_the_passive_view() {
    let mut h = with_active(&[1, 2, 3, 4, 5]);
    let out = sends(&recv(&mut h, 9, HpvMsg::Join { req: 4 }));
    let dropped: Vec<NodeId> =
        out.iter().filter(|(_, m)| *m == HpvMsg::Disconnect { leaving: false }).map(|(t, _)| *t).collect();
    assert_eq!(dropped.len(), 1, "{out:?}");
    let d = dropped[0];
    assert!(!active(&h).contains(&d) && active(&h).contains(&9) && active(&h).len() == 5);
    assert_eq!(passive(&h), [d]);
    assert!(heard(&h).contains(&MemberChange::NeighborDown(d)));
    let forwarded: Vec<NodeId> =
        out.iter().filter(|(_, m)| matches!(m, HpvMsg::ForwardJoin { .. })).map(|p| p.0).collect();
    assert_eq!(forwarded.len(), 4, "to the four others: {out:?}");
}

#[test]
fn a_forward_join_at_ttl_zero_takes_the_joiner_in_with_a_high_priority_neighbor() {
    let mut h = with_active(&[1, 2, 3]);
    let out = recv(&mut h, 1, HpvMsg::ForwardJoin { joiner: 9, ttl: 0 });
    assert_eq!(out, [send(9, HpvMsg::Neighbor { high: true, req: NO_REQUEST })]);
    assert_eq!(active(&h), [1, 2, 3, 9]);
}

#[test]
fn a_forward_join_at_a_node_with_a_single_active_peer_ends_there_whatever_its_ttl() {
    let mut h = with_active(&[1]);
    let out = recv(&mut h, 1, HpvMsg::ForwardJoin { joiner: 9, ttl: 5 });
    assert_eq!(out, [send(9, HpvMsg::Neighbor { high: true, req: NO_REQUEST })]);
    assert_eq!(active(&h), [1, 9]);
}

#[test]
fn a_forward_join_at_ttl_prwl_puts_the_joiner_in_the_passive_view_and_walks_on() {
    let mut h = with_active(&[1, 2, 3]);
    let out = sends(&recv(&mut h, 1, HpvMsg::ForwardJoin { joiner: 9, ttl: 3 }));
    assert_eq!(out.len(), 1, "{out:?}");
    let (to, msg) = &out[0];
    assert!([2, 3].contains(to), "not back to the sender: {out:?}");
    assert_eq!(*msg, HpvMsg::ForwardJoin { joiner: 9, ttl: 2 });
    assert_eq!(passive(&h), [9]);
    assert_eq!(active(&h), [1, 2, 3]);
}

#[test]
fn a_forward_join_at_another_ttl_only_walks_on() {
    let mut h = with_active(&[1, 2, 3]);
    let out = sends(&recv(&mut h, 2, HpvMsg::ForwardJoin { joiner: 9, ttl: 5 }));
    assert!(matches!(out[..], [(to, HpvMsg::ForwardJoin { joiner: 9, ttl: 4 })] if to == 1 || to == 3), "{out:?}");
    assert!(passive(&h).is_empty());
}

#[test]
fn a_high_priority_neighbor_is_granted_even_when_full() {
    let mut h = with_active(&[1, 2, 3, 4, 5]);
    let out = sends(&recv(&mut h, 9, HpvMsg::Neighbor { high: true, req: 3 }));
    assert_eq!(out[0], (9, HpvMsg::NeighborReply { accepted: true, req: 3 }));
    assert!(matches!(out[1], (_, HpvMsg::Disconnect { leaving: false })), "{out:?}");
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(active(&h).contains(&9) && active(&h).len() == 5);
}

#[test]
fn a_low_priority_neighbor_is_refused_when_full_and_granted_with_room() {
    let mut h = with_active(&[1, 2, 3, 4, 5]);
    let out = recv(&mut h, 9, HpvMsg::Neighbor { high: false, req: 3 });
    assert_eq!(out, [send(9, HpvMsg::NeighborReply { accepted: false, req: 3 })]);
    assert_eq!(active(&h), [1, 2, 3, 4, 5]);
    let mut h = with_active(&[1, 2, 3, 4]);
    let out = recv(&mut h, 9, HpvMsg::Neighbor { high: false, req: 3 });
    assert_eq!(out, [send(9, HpvMsg::NeighborReply { accepted: true, req: 3 })]);
    assert_eq!(active(&h), [1, 2, 3, 4, 9]);
}

#[test]
fn a_disconnect_moves_the_peer_to_the_passive_view_and_asks_another_passive_peer() {
    let mut h = with_active(&[1, 2, 3]);
    recv(&mut h, 9, HpvMsg::Neighbor { high: true, req: NO_REQUEST });
    recv(&mut h, 4, HpvMsg::Neighbor { high: true, req: NO_REQUEST });
    // Full: a sixth peer drops one of the five into the passive view.
    let out = sends(&recv(&mut h, 6, HpvMsg::Neighbor { high: true, req: NO_REQUEST }));
    let Some(&(gone, _)) = out.iter().find(|(_, m)| matches!(m, HpvMsg::Disconnect { .. })) else { panic!("{out:?}") };
    assert_eq!(passive(&h), [gone]);
    // Node 3 (or another active peer) drops this node: it goes passive, and the node asks the
    // other passive peer, with low priority (its active view is not empty), not node 3 again.
    let leaver = if gone == 3 { 1 } else { 3 };
    let out = recv(&mut h, leaver, HpvMsg::Disconnect { leaving: false });
    assert_eq!(out[0], send(gone, HpvMsg::Neighbor { high: false, req: 1 }));
    assert!(matches!(out[1], Output::SetTimer { timer: HpvTimer::NeighborTimeout { .. }, .. }), "{out:?}");
    assert_eq!(passive(&h), [gone, leaver]);
    assert!(heard(&h).contains(&MemberChange::NeighborDown(leaver)));
    assert_eq!(h.protocol.layer().pending().map(|p| p.peer), Some(gone));
}

#[test]
fn a_refused_request_moves_on_to_the_next_passive_peer_and_an_accepted_one_links() {
    let mut h = with_active(&[1, 2]);
    recv(&mut h, 1, HpvMsg::ShuffleReply { nodes: vec![7, 8] });
    assert_eq!(passive(&h), [7, 8]);
    // Node 2 is found dead: the node asks a passive peer, then the other when refused.
    let out = h.handle_at_ms(2, Input::Membership(MemberChange::Unreachable(2)));
    let first = match sends(&out)[..] {
        [(to, HpvMsg::Neighbor { high: false, req: 1 })] => to,
        _ => panic!("{out:?}"),
    };
    let out = recv(&mut h, first, HpvMsg::NeighborReply { accepted: false, req: 1 });
    let second = if first == 7 { 8 } else { 7 };
    assert_eq!(sends(&out), [(second, HpvMsg::Neighbor { high: false, req: 2 })]);
    // An answer to an older request from the same peer is not this one's: it links nothing,
    // and undoes nothing either (the answer to the request under way settles the link).
    let stale = recv(&mut h, second, HpvMsg::NeighborReply { accepted: true, req: 1 });
    assert_eq!(stale, []);
    assert_eq!(active(&h), [1]);
    recv(&mut h, second, HpvMsg::NeighborReply { accepted: true, req: 2 });
    assert_eq!(active(&h), [1, second]);
    assert_eq!(h.protocol.layer().pending(), None);
}

#[test]
fn an_unreachable_active_peer_leaves_both_views_and_an_empty_view_asks_with_high_priority() {
    let mut h = with_active(&[1]);
    recv(&mut h, 1, HpvMsg::ShuffleReply { nodes: vec![7] });
    let out = h.handle_at_ms(2, Input::Membership(MemberChange::Unreachable(1)));
    assert_eq!(out[0], send(7, HpvMsg::Neighbor { high: true, req: 1 }));
    assert!(active(&h).is_empty());
    assert_eq!(heard(&h).last(), Some(&MemberChange::NeighborDown(1)));
    // Unreachable too: with nothing left, the node waits a second (a walk's NEIGHBOR may be on
    // its way), then joins again through a contact (node 0).
    let out = h.handle_at_ms(3, Input::Membership(MemberChange::Unreachable(7)));
    assert_eq!(out, [Output::SetTimer { after: SimDuration::from_ms(1_000), timer: HpvTimer::AloneRetry }]);
    assert!(passive(&h).is_empty());
    let out = h.handle_at_ms(1_003, Input::Timer(HpvTimer::AloneRetry));
    assert_eq!(sends(&out), [(0, HpvMsg::Join { req: 2 })]);
}

#[test]
fn a_node_dropped_by_its_only_peer_asks_it_again_a_second_later_with_high_priority() {
    // Node 1, its only active peer, drops it to make room; node 1 is its only passive entry.
    let mut h = with_active(&[1]);
    let out = h.handle_at_ms(500, Input::Recv { from: 1, msg: HpvMsg::Disconnect { leaving: false } });
    assert!(active(&h).is_empty());
    assert_eq!(passive(&h), [1]);
    // Not at once (node 1 has just chosen to drop it), but a second later, not a whole
    // shuffle period (10 s) later.
    let retry = SimDuration::from_ms(1_000);
    assert_eq!(out, [Output::SetTimer { after: retry, timer: HpvTimer::AloneRetry }]);
    assert_eq!(
        h.protocol.describe_timer(&HpvTimer::AloneRetry),
        "HyParView: still alone, ask every passive peer again (or join through a contact)"
    );
    let out = h.handle_at_ms(1_500, Input::Timer(HpvTimer::AloneRetry));
    assert_eq!(sends(&out), [(1, HpvMsg::Neighbor { high: true, req: 1 })]);
    // A high-priority request is never refused: the node is linked again at 1.5 s plus a
    // round trip.
    let out = h.handle_at_ms(1_502, Input::Recv { from: 1, msg: HpvMsg::NeighborReply { accepted: true, req: 1 } });
    assert_eq!(sends(&out), []);
    assert_eq!(active(&h), [1]);
    assert_eq!(heard(&h).last(), Some(&MemberChange::NeighborUp(1)));
}

#[test]
fn a_node_that_is_linked_again_before_its_retry_asks_nobody() {
    let mut h = with_active(&[1]);
    h.handle_at_ms(500, Input::Recv { from: 1, msg: HpvMsg::Disconnect { leaving: false } });
    // A FORWARD_JOIN's last node links to it meanwhile.
    h.handle_at_ms(600, Input::Recv { from: 9, msg: HpvMsg::Neighbor { high: true, req: NO_REQUEST } });
    assert_eq!(
        h.protocol.describe_timer(&HpvTimer::AloneRetry),
        "HyParView: it was alone, but has a peer again: nothing to do"
    );
    let out = h.handle_at_ms(1_500, Input::Timer(HpvTimer::AloneRetry));
    assert_eq!(out, []);
    assert_eq!(active(&h), [9]);
}

#[test]
fn a_lone_link_refused_by_a_whole_refill_asks_with_high_priority_at_the_next() {
    // One active peer (node 1) and one passive peer (node 7), which refuses low priority.
    let mut h = with_active(&[1]);
    recv(&mut h, 1, HpvMsg::ShuffleReply { nodes: vec![7] });
    let neighbors = |out: &[Out]| -> Vec<(NodeId, HpvMsg<Nothing>)> {
        sends(out).into_iter().filter(|(_, m)| matches!(m, HpvMsg::Neighbor { .. })).collect()
    };
    let out = h.handle_at_ms(10_000, Input::Timer(HpvTimer::Shuffle));
    assert_eq!(neighbors(&out), [(7, HpvMsg::Neighbor { high: false, req: 1 })]);
    recv(&mut h, 7, HpvMsg::NeighborReply { accepted: false, req: 1 });
    // A pair of such nodes would be an island that full views never take in: the next refill
    // asks with high priority, which is never refused.
    let out = h.handle_at_ms(20_000, Input::Timer(HpvTimer::Shuffle));
    assert_eq!(neighbors(&out), [(7, HpvMsg::Neighbor { high: true, req: 2 })]);
    recv(&mut h, 7, HpvMsg::NeighborReply { accepted: true, req: 2 });
    assert_eq!(active(&h), [1, 7]);
    // With two peers, low priority again.
    recv(&mut h, 1, HpvMsg::ShuffleReply { nodes: vec![8] });
    let out = h.handle_at_ms(30_000, Input::Timer(HpvTimer::Shuffle));
    assert_eq!(neighbors(&out), [(8, HpvMsg::Neighbor { high: false, req: 3 })]);
}

#[test]
fn a_shuffle_with_hops_left_walks_on_to_an_active_peer_other_than_sender_and_origin() {
    let mut h = with_active(&[1, 2, 3]);
    let nodes = vec![3, 11, 12];
    let out = sends(&recv(&mut h, 1, HpvMsg::Shuffle { origin: 3, ttl: 4, nodes: nodes.clone() }));
    assert_eq!(out, [(2, HpvMsg::Shuffle { origin: 3, ttl: 3, nodes })]);
    assert!(passive(&h).is_empty());
}

#[test]
fn a_shuffle_at_its_last_hop_is_answered_to_its_origin_and_merged() {
    let mut h = with_active(&[1, 2]);
    recv(&mut h, 1, HpvMsg::ShuffleReply { nodes: vec![7] });
    let out = recv(&mut h, 1, HpvMsg::Shuffle { origin: 30, ttl: 1, nodes: vec![30, 31, 50, 2] });
    // As many passive entries as it can (here its only one), to the origin directly.
    assert_eq!(out, [send(30, HpvMsg::ShuffleReply { nodes: vec![7] })]);
    // Merged: not itself, not an active peer.
    assert_eq!(passive(&h), [7, 30, 31]);
}

#[test]
fn the_shuffle_timer_sends_self_and_samples_to_one_active_peer_and_keep_alives_to_the_rest() {
    let mut h = with_active(&[1, 2, 3, 4]);
    recv(&mut h, 1, HpvMsg::ShuffleReply { nodes: vec![7, 8, 9, 10, 11] });
    // Fill the view so that the timer does not also refill it.
    recv(&mut h, 5, HpvMsg::Neighbor { high: true, req: NO_REQUEST });
    let out = h.handle_at_ms(10_000, Input::Timer(HpvTimer::Shuffle));
    assert!(matches!(out[0], Output::SetTimer { timer: HpvTimer::Shuffle, .. }), "{out:?}");
    let packets = sends(&out);
    let shuffles: Vec<_> = packets.iter().filter(|(_, m)| matches!(m, HpvMsg::Shuffle { .. })).collect();
    let alive: Vec<NodeId> = packets.iter().filter(|(_, m)| *m == HpvMsg::KeepAlive).map(|p| p.0).collect();
    let [(to, HpvMsg::Shuffle { origin: 50, ttl: 6, nodes })] = shuffles[..] else { panic!("{out:?}") };
    assert_eq!(nodes.len(), 1 + 3 + 4, "itself, ka = 3 active, kp = 4 passive: {nodes:?}");
    assert_eq!(nodes[0], 50);
    assert!(!nodes[1..4].contains(to) && nodes[1..4].iter().all(|n| active(&h).contains(n)));
    assert!(nodes[4..].iter().all(|n| passive(&h).contains(n)));
    assert_eq!(alive.len(), 4);
    assert!(!alive.contains(to));
}

#[test]
fn an_acceptance_no_longer_awaited_is_undone_with_a_disconnect() {
    let mut h = with_active(&[1]);
    let out = recv(&mut h, 9, HpvMsg::NeighborReply { accepted: true, req: 1 });
    assert_eq!(out, [send(9, HpvMsg::Disconnect { leaving: false })]);
    assert_eq!(active(&h), [1]);
}

#[test]
fn a_packet_from_a_peer_outside_the_active_view_tells_it_to_drop_this_node() {
    let mut h = with_active(&[1]);
    let out = recv(&mut h, 9, HpvMsg::KeepAlive);
    assert_eq!(out, [send(9, HpvMsg::Disconnect { leaving: false })]);
    assert_eq!(recv(&mut h, 1, HpvMsg::KeepAlive), []);
}

#[test]
fn an_initial_member_joins_at_its_stagger_through_an_earlier_member() {
    let mut h = node();
    let out = h.handle_at_ms(0, Input::Start);
    assert_eq!(out[0], Output::SetTimer { after: SimDuration::from_us(5_000), timer: HpvTimer::Bootstrap });
    let out = h.handle(crate::time::SimTime(5_000), Input::Timer(HpvTimer::Bootstrap));
    let [(contact, HpvMsg::Join { req: 1 })] = sends(&out)[..] else { panic!("{out:?}") };
    assert!(contact < 50);
    let out = recv(&mut h, contact, HpvMsg::NeighborReply { accepted: true, req: 1 });
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(active(&h), [contact]);
    assert_eq!(heard(&h), [MemberChange::NeighborUp(contact)]);
}

#[test]
fn a_leaver_tells_every_active_peer() {
    let mut h = with_active(&[1, 2]);
    let out = h.handle_at_ms(5, Input::Leave { contacts: vec![0] });
    assert_eq!(out, [Output::Multicast { to: vec![1, 2], msg: HpvMsg::Disconnect { leaving: true } }]);
}
