//! One GossipSub node driven by hand: exact outputs for given inputs (tier 1).

use super::*;
use crate::protocol::{Harness, Output, UniformDistance};
use crate::time::{SimDuration, SimTime};

type Out = Output<Msg, Timer>;

fn node(me: NodeId, size: u32, config: GossipsubConfig) -> Harness<Gossipsub> {
    let group = GroupInfo::of_size(size);
    let setup = Setup::new(config, &group);
    Harness::new(me, group, UniformDistance(SimDuration::from_ms(1)), &setup)
}

/// Connects `peers` to node `n` as inbound peers (each announcing its subscription).
fn connect(n: &mut Harness<Gossipsub>, peers: impl IntoIterator<Item = NodeId>) {
    for p in peers {
        let out = n.handle_at_ms(0, Input::Recv { from: p, msg: subscribe(false) });
        assert_eq!(out, [Out::Send { to: p, msg: subscribe(true) }], "the dialed side answers once");
    }
}

fn subscribe(answer: bool) -> Msg {
    Msg::Subscribe { subscribed: true, answer, bytes: 40 }
}

fn ids(ids: &[u32]) -> Ids {
    Arc::new(ids.iter().map(|&i| MsgId(i)).collect())
}

/// The destinations of every GRAFT (or PRUNE, with `prunes`) in `out`, sorted.
fn sent(out: &[Out], prunes: bool) -> Vec<NodeId> {
    let mut to: Vec<NodeId> = out
        .iter()
        .filter_map(|o| match o {
            Output::Send { to, msg: Msg::Graft { .. } } if !prunes => Some(*to),
            Output::Send { to, msg: Msg::Prune { .. } } if prunes => Some(*to),
            _ => None,
        })
        .collect();
    to.sort_unstable();
    to
}

fn heartbeat_timer() -> Out {
    Out::SetTimer { after: SimDuration::from_ms(1000), timer: Timer::Heartbeat }
}

#[test]
fn a_graft_is_accepted_a_prune_sets_the_backoff_and_a_graft_within_it_is_refused_and_penalised() {
    let mut n = node(5, 50, GossipsubConfig::default());
    connect(&mut n, [7]);
    assert_eq!(n.handle_at_ms(10, Input::Recv { from: 7, msg: Msg::Graft { bytes: 40 } }), []);
    assert_eq!(n.protocol.mesh(), [7]);
    let prune = Msg::prune(60_000, Vec::new(), 48);
    assert_eq!(n.handle_at_ms(20, Input::Recv { from: 7, msg: prune }), []);
    assert!(n.protocol.mesh().is_empty());
    let out = n.handle_at_ms(30, Input::Recv { from: 7, msg: Msg::Graft { bytes: 40 } });
    let refusal = Msg::prune(60_000, Vec::new(), 48);
    assert_eq!(out, [Out::Send { to: 7, msg: refusal }], "in backoff: PRUNE without PX");
    assert_eq!(n.protocol.peers()[0].counters.behaviour, 1.0, "P7 penalty");
    assert_eq!(n.protocol.peers()[0].backoff_until(), SimTime::from_ms(60_030), "backoff re-armed");
    // The heartbeat does not graft a peer in backoff, even with the mesh empty.
    assert_eq!(n.handle_at_ms(1000, Input::Timer(Timer::Heartbeat)), [heartbeat_timer()]);
    // After the backoff it does.
    let out = n.handle_at_ms(61_000, Input::Timer(Timer::Heartbeat));
    assert_eq!(out, [Out::Send { to: 7, msg: Msg::Graft { bytes: 40 } }, heartbeat_timer()]);
}

#[test]
fn ihave_asks_with_iwant_for_exactly_the_unseen_ids_once() {
    let mut n = node(5, 50, GossipsubConfig::default());
    connect(&mut n, [7, 8]);
    n.handle_at_ms(1, Input::Recv { from: 8, msg: Msg::Message { id: MsgId(1), origin: 0, bytes: 1040 } });
    let out = n.handle_at_ms(2, Input::Recv { from: 7, msg: Msg::IHave { ids: ids(&[1, 2, 3]), bytes: 64 } });
    assert_eq!(out, [Out::Send { to: 7, msg: Msg::IWant { ids: ids(&[2, 3]), bytes: 56 } }]);
    let out = n.handle_at_ms(3, Input::Recv { from: 8, msg: Msg::IHave { ids: ids(&[2, 3]), bytes: 56 } });
    assert_eq!(out, [], "already asked for, within the follow-up time");
    // The promise breaks: one id of the IWANT was tracked, a behaviour penalty at the heartbeat.
    n.handle_at_ms(3010, Input::Timer(Timer::Heartbeat));
    assert_eq!(n.protocol.peers()[0].counters.behaviour, 1.0);
    let out = n.handle_at_ms(3011, Input::Recv { from: 8, msg: Msg::IHave { ids: ids(&[2]), bytes: 48 } });
    assert_eq!(out, [Out::Send { to: 8, msg: Msg::IWant { ids: ids(&[2]), bytes: 48 } }], "asked again");
}

#[test]
fn iwant_is_answered_from_the_cache_three_times_at_most() {
    let mut n = node(0, 50, GossipsubConfig::default());
    connect(&mut n, [7]);
    let out = n.handle_at_ms(1, Input::AppSend { id: MsgId(4), bytes: 1000 });
    let message = Msg::Message { id: MsgId(4), origin: 0, bytes: 1040 };
    assert_eq!(out, [Out::Deliver { id: MsgId(4) }, Out::Multicast { to: vec![7], msg: message.clone() }], "flood");
    let want = || Input::Recv { from: 7, msg: Msg::IWant { ids: ids(&[4, 9]), bytes: 56 } };
    for _ in 0..3 {
        assert_eq!(n.handle_at_ms(2, want()), [Out::Send { to: 7, msg: message.clone() }], "9 is not cached");
    }
    assert_eq!(n.handle_at_ms(2, want()), [], "GossipRetransmission reached");
}

#[test]
fn the_heartbeat_grafts_up_to_d_under_d_lo_and_prunes_to_d_over_d_hi_with_px() {
    let config = GossipsubConfig { connections: 14, ..GossipsubConfig::default() };
    let mut n = node(0, 15, config);
    let out = n.handle_at_ms(0, Input::Start);
    assert_eq!(n.protocol.peers().len(), 14, "dialed every other node: {out:?}");
    assert_eq!(out.iter().filter(|o| matches!(o, Output::Send { msg: Msg::Subscribe { .. }, .. })).count(), 14);
    let out = n.handle_at_ms(1000, Input::Timer(Timer::Heartbeat));
    assert_eq!(sent(&out, false).len(), 6, "under D_lo: GRAFT up to D: {out:?}");
    assert_eq!(n.protocol.mesh_len(), 6);
    // Every outbound peer grafts back: all accepted (outbound peers pass D_hi), 14 in the mesh.
    for p in 1..15 {
        assert_eq!(n.handle_at_ms(1100, Input::Recv { from: p, msg: Msg::Graft { bytes: 40 } }), []);
    }
    assert_eq!(n.protocol.mesh_len(), 14);
    let out = n.handle_at_ms(2000, Input::Timer(Timer::Heartbeat));
    let pruned = sent(&out, true);
    assert_eq!((pruned.len(), n.protocol.mesh_len()), (8, 6), "over D_hi: PRUNE down to D: {out:?}");
    for o in &out {
        if let Output::Send { to, msg: Msg::Prune { prune, bytes } } = o {
            assert_eq!(prune.backoff_ms, 60_000);
            assert_eq!(prune.px.len(), 13, "every other peer offered (PX up to 16): to {to}");
            assert!(!prune.px.contains(to));
            assert_eq!(*bytes, 40 + 8 + 13 * 40);
        }
    }
}

#[test]
fn an_inbound_graft_to_a_full_mesh_is_pruned_with_px() {
    let mut n = node(5, 50, GossipsubConfig::default());
    connect(&mut n, 10..23);
    for p in 10..22 {
        assert_eq!(n.handle_at_ms(1, Input::Recv { from: p, msg: Msg::Graft { bytes: 40 } }), []);
    }
    let out = n.handle_at_ms(1, Input::Recv { from: 22, msg: Msg::Graft { bytes: 40 } });
    assert!(matches!(&out[..], [Out::Send { to: 22, msg: Msg::Prune { prune, .. } }] if prune.px.len() == 12), "{out:?}");
}

#[test]
fn a_peer_below_the_graylist_threshold_is_ignored() {
    let config = GossipsubConfig {
        gossip_threshold: -1.0,
        publish_threshold: -2.0,
        graylist_threshold: -5.0,
        ..GossipsubConfig::default()
    };
    let mut n = node(5, 50, config);
    connect(&mut n, [7]);
    let prune = Msg::prune(60_000, Vec::new(), 48);
    n.handle_at_ms(1, Input::Recv { from: 7, msg: prune });
    // Nine GRAFTs in backoff: nine penalties, P7 = −(9 − 6)² = −9, below −5.
    for _ in 0..9 {
        n.handle_at_ms(2, Input::Recv { from: 7, msg: Msg::Graft { bytes: 40 } });
    }
    assert_eq!(n.protocol.score_of(7, SimTime::from_ms(2)), -9.0);
    let message = Msg::Message { id: MsgId(1), origin: 0, bytes: 1040 };
    assert_eq!(n.handle_at_ms(3, Input::Recv { from: 7, msg: message }), [], "not even delivered");
    assert_eq!(n.handle_at_ms(3, Input::Recv { from: 7, msg: Msg::IHave { ids: ids(&[2]), bytes: 48 } }), []);
    assert!(!n.protocol.has_seen(MsgId(1)));
    // Without scoring the same peer is heard.
    let mut plain = node(5, 50, GossipsubConfig { scoring: false, ..GossipsubConfig::default() });
    connect(&mut plain, [7]);
    let message = Msg::Message { id: MsgId(1), origin: 0, bytes: 1040 };
    assert_eq!(plain.handle_at_ms(3, Input::Recv { from: 7, msg: message }), [Out::Deliver { id: MsgId(1) }]);
}

#[test]
fn a_new_message_is_forwarded_to_the_mesh_but_not_back() {
    let mut n = node(5, 50, GossipsubConfig::default());
    connect(&mut n, [0, 7, 8, 9]);
    for p in [0, 7, 8] {
        n.handle_at_ms(1, Input::Recv { from: p, msg: Msg::Graft { bytes: 40 } });
    }
    let message = Msg::Message { id: MsgId(2), origin: 0, bytes: 1040 };
    let out = n.handle_at_ms(5, Input::Recv { from: 7, msg: message.clone() });
    assert_eq!(out, [Out::Deliver { id: MsgId(2) }, Out::Multicast { to: vec![0, 8], msg: message.clone() }]);
    assert_eq!(n.protocol.upstream(), Some(7));
    assert_eq!(n.handle_at_ms(6, Input::Recv { from: 8, msg: message }), [], "a duplicate");
    let first = |p: NodeId| n.protocol.peers().iter().find(|q| q.id == p).map(|q| q.counters).unwrap_or_default();
    assert_eq!((first(7).first, first(7).mesh), (1.0, 1.0), "P2 and P3 for the first");
    assert_eq!((first(8).first, first(8).mesh), (0.0, 1.0), "P3 only, within the window");
    let mut links = Vec::new();
    n.protocol.overlay(&mut links);
    assert_eq!(links, [(0, OverlayLink::Mesh), (7, OverlayLink::Mesh), (8, OverlayLink::Mesh), (9, OverlayLink::Active)]);
}

#[test]
fn a_peer_record_takes_32_bytes_and_its_one_time_is_the_mesh_time_or_the_backoff() {
    assert_eq!(std::mem::size_of::<Peer>(), 32, "two to a cache line");
    let mut p = Peer::new(7, true);
    p.join_mesh(SimTime::from_ms(5));
    assert_eq!((p.mesh_since(), p.backoff_until()), (Some(SimTime::from_ms(5)), SimTime::ZERO));
    p.back_off(SimTime::from_ms(60_005));
    assert_eq!((p.mesh_since(), p.backoff_until()), (None, SimTime::from_ms(60_005)));
}
