//! Tier 1: the kernel's ordering and seed derivation, and one node of the centralized protocol
//! fed inputs one at a time with its exact outputs asserted.

mod common;

use mcast::protocol::{
    Context, Env, GroupInfo, Input, MsgId, NodeId, NodeRng, Output, PacketKind, UniformDistance, Wire,
};
use mcast::protocols::centralized::{CentralizedConfig, Msg, Timer};
use mcast::rng::{stream, Stream};
use mcast::sim::queue::EventQueue;
use mcast::time::{SimDuration, SimTime};
use rand::RngCore;

// ---------------------------------------------------------------------------------------------
// Event queue
// ---------------------------------------------------------------------------------------------

fn drain<E>(q: &mut EventQueue<E>) -> Vec<(SimTime, E)> {
    std::iter::from_fn(|| q.pop()).collect()
}

#[test]
fn queue_pops_earliest_first() {
    let mut q = EventQueue::default();
    for t in [9u64, 3, 7, 1, 8, 2, 6, 4, 5, 0] {
        q.push(SimTime(t), t);
    }
    assert_eq!(q.len(), 10);
    assert_eq!(q.peek_time(), Some(SimTime(0)));
    let times: Vec<u64> = drain(&mut q)
        .into_iter()
        .map(|(t, e)| {
            assert_eq!(t.0, e, "event popped with another event's time");
            e
        })
        .collect();
    assert_eq!(times, (0..10).collect::<Vec<_>>());
    assert!(q.is_empty());
    assert_eq!(q.pop().map(|(t, _)| t), None);
    assert_eq!(q.peek_time(), None);
}

#[test]
fn queue_breaks_ties_in_push_order() {
    let mut q = EventQueue::default();
    // Three times, each pushed in interleaved order; within a time, push order must survive.
    let mut pushed = Vec::new();
    for i in 0..300u32 {
        let t = SimTime([20u64, 10, 30][(i % 3) as usize]);
        q.push(t, i);
        pushed.push((t, i));
    }
    // A stable sort by time is exactly "earliest first, ties in push order".
    pushed.sort_by_key(|&(t, _)| t);
    assert_eq!(drain(&mut q), pushed);
}

#[test]
fn queue_interleaved_push_and_pop() {
    let mut q = EventQueue::default();
    q.push(SimTime(10), "a");
    q.push(SimTime(5), "b");
    assert_eq!(q.pop(), Some((SimTime(5), "b")));
    // Pushed later at the same time as "a": must come after it.
    q.push(SimTime(10), "c");
    // Earlier than everything waiting.
    q.push(SimTime(7), "d");
    assert_eq!(q.peek_time(), Some(SimTime(7)));
    assert_eq!(q.pop(), Some((SimTime(7), "d")));
    q.push(SimTime(10), "e");
    // Earlier than everything waiting, but not before the last event taken out (7): a simulator
    // never schedules into the past, and the queue is a monotone (radix) heap that relies on it.
    q.push(SimTime(7), "f");
    assert_eq!(q.len(), 4);
    assert_eq!(drain(&mut q), vec![(SimTime(7), "f"), (SimTime(10), "a"), (SimTime(10), "c"), (SimTime(10), "e")]);
}

#[test]
fn queue_matches_a_reference_model_under_random_interleaving() {
    // Reference: a Vec searched for the smallest (time, push sequence). Pushes never go before
    // the last time popped, as in a simulator (the queue is monotone).
    for seed in 0..20u64 {
        let mut r = stream(seed, Stream::Workload);
        let mut q = EventQueue::default();
        let mut model: Vec<(u64, u64)> = Vec::new();
        let mut seq = 0u64;
        let mut now = 0u64;
        for _ in 0..2000 {
            if !r.next_u64().is_multiple_of(3) || model.is_empty() {
                let t = now + r.next_u64() % 50;
                q.push(SimTime(t), seq);
                model.push((t, seq));
                seq += 1;
            } else {
                let i = (0..model.len()).min_by_key(|&i| model[i]).unwrap();
                let (t, s) = model.remove(i);
                now = t;
                assert_eq!(q.pop(), Some((SimTime(t), s)), "seed {seed}");
            }
            assert_eq!(q.len(), model.len(), "seed {seed}");
        }
        model.sort();
        let rest: Vec<(SimTime, u64)> = model.into_iter().map(|(t, s)| (SimTime(t), s)).collect();
        assert_eq!(drain(&mut q), rest, "seed {seed}");
    }
}

// ---------------------------------------------------------------------------------------------
// Random streams
// ---------------------------------------------------------------------------------------------

fn first(seed: u64, s: Stream, k: usize) -> Vec<u64> {
    let mut r = stream(seed, s);
    (0..k).map(|_| r.next_u64()).collect()
}

#[test]
fn same_seed_and_stream_give_the_same_sequence() {
    for s in [Stream::Network, Stream::Layout, Stream::Workload, Stream::Node(0), Stream::Node(7)] {
        assert_eq!(first(42, s, 64), first(42, s, 64), "{s:?}");
    }
}

#[test]
fn different_node_ids_give_different_sequences() {
    let seqs: Vec<Vec<u64>> = (0..50).map(|n| first(1, Stream::Node(n), 4)).collect();
    for i in 0..seqs.len() {
        for j in i + 1..seqs.len() {
            assert_ne!(seqs[i], seqs[j], "nodes {i} and {j} share a stream");
        }
    }
}

#[test]
fn different_seeds_give_different_sequences() {
    for s in [Stream::Network, Stream::Layout, Stream::Node(3)] {
        let seqs: Vec<Vec<u64>> = (0..50).map(|seed| first(seed, s, 4)).collect();
        for i in 0..seqs.len() {
            for j in i + 1..seqs.len() {
                assert_ne!(seqs[i], seqs[j], "{s:?}: seeds {i} and {j} agree");
            }
        }
    }
}

#[test]
fn network_layout_workload_and_nodes_are_distinct_streams() {
    let streams =
        [Stream::Network, Stream::Layout, Stream::Workload, Stream::Node(0), Stream::Node(1), Stream::Node(2)];
    for seed in [0u64, 1, 42, (1 << 53) - 1] {
        let seqs: Vec<Vec<u64>> = streams.iter().map(|&s| first(seed, s, 4)).collect();
        for i in 0..seqs.len() {
            for j in i + 1..seqs.len() {
                assert_ne!(seqs[i], seqs[j], "seed {seed}: {:?} and {:?} agree", streams[i], streams[j]);
            }
        }
    }
    assert_ne!(first(9, Stream::Network, 1), first(9, Stream::Layout, 1));
}

#[test]
fn stream_ids_are_fixed() {
    // Share links depend on these: changing one replays every saved link differently.
    assert_eq!(Stream::Network.id(), 0);
    assert_eq!(Stream::Layout.id(), 1);
    assert_eq!(Stream::Workload.id(), 2);
    assert_eq!(Stream::Node(0).id(), 1 << 32);
    assert_eq!(Stream::Node(u32::MAX).id(), (1 << 32) | u64::from(u32::MAX));
}

#[test]
fn context_rng_is_the_nodes_stream() {
    let mut slot = NodeRng::default();
    let mut out: Vec<Output<Msg, Timer>> = Vec::new();
    let group = GroupInfo::of_size(8);
    let env = Env { group: &group, distances: &UniformDistance(SimDuration::ZERO) };
    let mut cx = Context::new(SimTime(0), 5, 77, &mut slot, &mut out, env);
    let a: Vec<u64> = (0..8).map(|_| cx.rng().next_u64()).collect();
    assert_eq!(a, first(77, Stream::Node(5), 8));
    // The slot keeps the stream's position for the next input, and so does a slot remade from it.
    let mut cx = Context::new(SimTime(1), 5, 77, &mut slot, &mut out, env);
    let b = cx.rng().next_u64();
    assert_eq!(b, first(77, Stream::Node(5), 9)[8]);
    for drawn in [9usize, 10, 63, 64, 65, 200] {
        let mut slot = NodeRng::default();
        let mut cx = Context::new(SimTime(0), 5, 77, &mut slot, &mut out, env);
        let mut a: Vec<u64> = (0..drawn).map(|_| cx.rng().next_u64()).collect();
        let mut again = NodeRng::at(slot.position());
        let mut cx = Context::new(SimTime(1), 5, 77, &mut again, &mut out, env);
        a.extend((0..3).map(|_| cx.rng().next_u64()));
        assert_eq!(a, first(77, Stream::Node(5), drawn + 3), "after {drawn} draws");
    }
}

// ---------------------------------------------------------------------------------------------
// Centralized protocol, one node at a time
// ---------------------------------------------------------------------------------------------

use common::{Node, Out};

fn config(reliable: bool) -> CentralizedConfig {
    CentralizedConfig { reliable, ack_timeout_ms: 250.0, max_retries: 3, ack_bytes: 40, header_bytes: 40 }
}

fn data(id: u32, retransmit: bool) -> Msg {
    Msg::Data { id: MsgId(id), bytes: 1040, retransmit }
}

fn ack(id: u32) -> Msg {
    Msg::Ack { id: MsgId(id), bytes: 40 }
}

fn rtx(id: u32, round: u32) -> Timer {
    Timer::Retransmit { id: MsgId(id), round }
}

fn recv(from: NodeId, msg: Msg) -> Input<Msg, Timer> {
    Input::Recv { from, msg }
}

fn app_send(id: u32) -> Input<Msg, Timer> {
    Input::AppSend { id: MsgId(id), bytes: 1000 }
}

#[test]
fn start_does_nothing() {
    for reliable in [false, true] {
        for me in 0..4 {
            assert_eq!(Node::new(me, 4, &config(reliable)).handle(0, Input::Start), vec![]);
        }
    }
}

#[test]
fn unreliable_sender_unicasts_to_every_other_member_in_order() {
    let mut s = Node::new(0, 4, &config(false));
    assert_eq!(
        s.handle(0, app_send(0)),
        vec![Out::Send(1, data(0, false)), Out::Send(2, data(0, false)), Out::Send(3, data(0, false))]
    );
    assert_eq!(s.h.protocol.pending(), 0);
}

#[test]
fn sender_in_the_middle_skips_itself() {
    let mut s = Node::new(2, 4, &config(false));
    assert_eq!(
        s.handle(0, app_send(5)),
        vec![Out::Send(0, data(5, false)), Out::Send(1, data(5, false)), Out::Send(3, data(5, false))]
    );
}

#[test]
fn reliable_sender_also_arms_one_retransmit_timer() {
    let mut s = Node::new(0, 4, &config(true));
    assert_eq!(
        s.handle(0, app_send(0)),
        vec![
            Out::Send(1, data(0, false)),
            Out::Send(2, data(0, false)),
            Out::Send(3, data(0, false)),
            Out::SetTimer(SimDuration::from_ms(250), rtx(0, 1)),
        ]
    );
    assert_eq!(s.h.protocol.pending(), 1);
}

#[test]
fn reliable_receiver_delivers_once_and_acks_every_copy() {
    let mut r = Node::new(2, 4, &config(true));
    let first = recv(0, data(0, false));
    assert_eq!(r.handle(10, first), vec![Out::Deliver(MsgId(0)), Out::Send(0, ack(0))]);
    // A duplicate (our ACK may have been lost): ACK again, deliver no more.
    let again = recv(0, data(0, true));
    assert_eq!(r.handle(300, again.clone()), vec![Out::Send(0, ack(0))]);
    assert_eq!(r.handle(800, again), vec![Out::Send(0, ack(0))]);
    // Another message is delivered on its own.
    let other = recv(0, data(1, false));
    assert_eq!(r.handle(900, other), vec![Out::Deliver(MsgId(1)), Out::Send(0, ack(1))]);
}

#[test]
fn receiver_handles_message_ids_past_the_first_bitmap_word() {
    let mut r = Node::new(1, 3, &config(true));
    for id in [200u32, 63, 64, 0] {
        let out = r.handle(1, recv(0, data(id, false)));
        assert_eq!(out, vec![Out::Deliver(MsgId(id)), Out::Send(0, ack(id))], "id {id}");
    }
    // Second copy of 200 only ACKs.
    assert_eq!(r.handle(2, recv(0, data(200, false))), vec![Out::Send(0, ack(200))]);
    assert_eq!(r.handle(2, recv(0, data(64, false))), vec![Out::Send(0, ack(64))]);
}

#[test]
fn unreliable_receiver_delivers_once_and_never_acks() {
    let mut r = Node::new(3, 4, &config(false));
    assert_eq!(r.handle(10, recv(0, data(0, false))), vec![Out::Deliver(MsgId(0))]);
    assert_eq!(r.handle(20, recv(0, data(0, false))), vec![]);
}

#[test]
fn retransmit_goes_only_to_silent_members_with_doubled_timeout() {
    let mut s = Node::new(0, 4, &config(true));
    s.handle(0, app_send(0));
    assert_eq!(s.handle(30, recv(1, ack(0))), vec![]);
    assert_eq!(s.handle(31, recv(3, ack(0))), vec![]);
    // A duplicate ACK changes nothing.
    assert_eq!(s.handle(32, recv(3, ack(0))), vec![]);
    assert_eq!(s.h.protocol.pending(), 1);
    assert_eq!(
        s.handle(250, Input::Timer(rtx(0, 1))),
        vec![Out::Send(2, data(0, true)), Out::SetTimer(SimDuration::from_ms(500), rtx(0, 2))]
    );
    // Still silent: round 2 resends and doubles again.
    let out = s.handle(750, Input::Timer(rtx(0, 2)));
    assert_eq!(out, vec![Out::Send(2, data(0, true)), Out::SetTimer(SimDuration::from_ms(1000), rtx(0, 3))]);
    // On the wire the copy counts as a retransmission, not as data.
    let Out::Send(_, copy) = &out[0] else { unreachable!() };
    assert_eq!(copy.kind(), PacketKind::Retransmit);
    assert_eq!(data(0, false).kind(), PacketKind::Data);
    assert_eq!(ack(0).kind(), PacketKind::Ack);
    assert_eq!((copy.bytes(), ack(0).bytes()), (1040, 40));
}

#[test]
fn timer_after_every_ack_is_stale() {
    let mut s = Node::new(0, 4, &config(true));
    s.handle(0, app_send(0));
    for from in [3, 1, 2] {
        assert_eq!(s.handle(40, recv(from, ack(0))), vec![]);
    }
    assert_eq!(s.h.protocol.pending(), 0);
    assert_eq!(s.handle(250, Input::Timer(rtx(0, 1))), vec![]);
    // Late ACKs for a finished message are ignored too.
    assert_eq!(s.handle(260, recv(2, ack(0))), vec![]);
    assert_eq!(s.h.protocol.pending(), 0);
}

#[test]
fn acks_for_one_message_do_not_settle_another() {
    let mut s = Node::new(0, 3, &config(true));
    s.handle(0, app_send(0));
    s.handle(100, app_send(1));
    for from in [1, 2] {
        s.handle(150, recv(from, ack(1)));
    }
    assert_eq!(s.h.protocol.pending(), 1);
    assert_eq!(s.handle(250, Input::Timer(rtx(1, 1))), vec![]);
    assert_eq!(
        s.handle(250, Input::Timer(rtx(0, 1))),
        vec![
            Out::Send(1, data(0, true)),
            Out::Send(2, data(0, true)),
            Out::SetTimer(SimDuration::from_ms(500), rtx(0, 2)),
        ]
    );
}

#[test]
fn sender_gives_up_after_max_retries_rounds() {
    let cfg = config(true); // max_retries = 3
    let mut s = Node::new(0, 4, &cfg);
    s.handle(0, app_send(0));
    s.handle(30, recv(1, ack(0)));
    s.handle(30, recv(2, ack(0)));
    let mut now = 0;
    for round in 1..=cfg.max_retries {
        let after = 250u64 << (round - 1);
        now += after;
        assert_eq!(
            s.handle(now, Input::Timer(rtx(0, round))),
            vec![Out::Send(3, data(0, true)), Out::SetTimer(SimDuration::from_ms(after * 2), rtx(0, round + 1))],
            "round {round}"
        );
    }
    now += 250 << cfg.max_retries;
    assert_eq!(s.handle(now, Input::Timer(rtx(0, cfg.max_retries + 1))), vec![]);
    assert_eq!(s.h.protocol.pending(), 0);
    // Given up: a late ACK or a stray timer does nothing.
    assert_eq!(s.handle(now + 1, recv(3, ack(0))), vec![]);
    assert_eq!(s.handle(now + 2, Input::Timer(rtx(0, 1))), vec![]);
}

#[test]
fn zero_max_retries_never_retransmits() {
    let cfg = CentralizedConfig { max_retries: 0, ..config(true) };
    let mut s = Node::new(0, 3, &cfg);
    let out = s.handle(0, app_send(0));
    assert_eq!(out.last(), Some(&Out::SetTimer(SimDuration::from_ms(250), rtx(0, 1))));
    assert_eq!(s.handle(250, Input::Timer(rtx(0, 1))), vec![]);
    assert_eq!(s.h.protocol.pending(), 0);
}

#[test]
fn silent_set_spans_several_bitmap_words() {
    // 130 members: bits across three 64-bit words, the sender (70) in the middle word.
    let mut s = Node::new(70, 130, &config(true));
    let out = s.handle(0, app_send(0));
    let targets: Vec<NodeId> = out
        .iter()
        .filter_map(|o| match o {
            Out::Send(to, _) => Some(*to),
            _ => None,
        })
        .collect();
    assert_eq!(targets, (0..130).filter(|&i| i != 70).collect::<Vec<_>>());
    // Everyone but 0, 63, 64, 129 ACKs, plus out-of-group and self ACKs that must be ignored.
    let silent = [0u32, 63, 64, 129];
    for from in (0..130).filter(|i| !silent.contains(i)).chain([70, 130, 191, 5000]) {
        assert_eq!(s.handle(10, recv(from, ack(0))), vec![], "ack from {from}");
    }
    let mut expect: Vec<Out> = silent.iter().map(|&to| Out::Send(to, data(0, true))).collect();
    expect.push(Out::SetTimer(SimDuration::from_ms(500), rtx(0, 2)));
    assert_eq!(s.handle(250, Input::Timer(rtx(0, 1))), expect);
    for from in silent {
        s.handle(300, recv(from, ack(0)));
    }
    assert_eq!(s.h.protocol.pending(), 0);
}
