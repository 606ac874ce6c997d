//! SWIM's layer, one node driven by hand: the probe of each period, ping-reqs to k members after
//! the ping timeout, suspicion at the period's end, refutation with a higher incarnation,
//! confirmation after the suspicion time-out, relaying for a ping-req, and piggyback counts.
//! The inner protocol is a recorder of what it is told.

use mcast::protocol::{
    Belief, Context, GroupInfo, Harness, Input, Layer, MemberChange, MsgId, NodeId, Output, PacketKind, Protocol,
    Stack, StackConfig, UniformDistance, Wire,
};
use mcast::protocols::swim::{Claim, Piggyback, State, Swim, SwimConfig, SwimMsg, SwimTimer, Update};
use mcast::time::SimDuration;

/// An inner protocol that only records the membership changes it hears of.
#[derive(Clone, Debug, Default)]
struct Recorder {
    heard: Vec<MemberChange>,
}

/// The recorder's packet (it sends none).
#[derive(Clone, Debug, PartialEq)]
struct Nothing;

impl Wire for Nothing {
    fn kind(&self) -> PacketKind {
        PacketKind::Data
    }
    fn bytes(&self) -> u32 {
        1
    }
    fn msg(&self) -> Option<MsgId> {
        None
    }
}

impl Protocol for Recorder {
    type Msg = Nothing;
    type Timer = ();
    type Config = ();
    fn describe_timer(&self, _timer: &()) -> String {
        "a timer of this test protocol".to_string()
    }

    fn new(_me: NodeId, _group: &GroupInfo, _config: &()) -> Recorder {
        Recorder::default()
    }
    fn handle(&mut self, input: Input<Nothing, ()>, _cx: &mut Context<'_, Nothing, ()>) {
        if let Input::Membership(change) = input {
            self.heard.push(change);
        }
    }
}

type Node = Harness<Stack<Swim, Recorder>>;
type Msg = SwimMsg<Nothing>;
type Timer = SwimTimer<()>;
type Out = Output<Msg, Timer>;

fn config() -> SwimConfig {
    SwimConfig { k: 2, ..SwimConfig::default() }
}

/// Node `me` of a group of `size`, with `config`.
fn node(me: NodeId, size: u32, config: SwimConfig) -> Node {
    let config = StackConfig { layer: config, inner: () };
    Harness::new(me, GroupInfo::of_size(size), UniformDistance(SimDuration::from_ms(1)), &config)
}

fn timer(after_ms: u64, t: Timer) -> Out {
    Output::SetTimer { after: SimDuration::from_ms(after_ms), timer: t }
}

fn up(claim: Claim, node: NodeId, inc: u32) -> Update {
    Update::new(claim, node, inc)
}

/// Starts `n` and runs its first period's end: returns the target pinged (with seq 1).
fn first_probe(n: &mut Node) -> NodeId {
    let start = n.handle_at_ms(0, Input::Start);
    assert!(matches!(start[..], [Output::SetTimer { timer: SwimTimer::Period, .. }]), "{start:?}");
    let out = n.handle_at_ms(1_000, Input::Timer(SwimTimer::Period));
    let Some(Output::Send { to, msg: SwimMsg::Ping { seq: 1, updates } }) = out.get(1).cloned() else {
        panic!("a ping: {out:?}")
    };
    assert_eq!(updates, [], "nothing to piggyback yet");
    assert_eq!(out, [timer(1_000, SwimTimer::Period), out[1].clone(), timer(200, SwimTimer::PingTimeout { seq: 1 })]);
    to
}

#[test]
fn an_unanswered_probe_sends_ping_reqs_then_suspects_then_confirms() {
    let mut n = node(0, 5, config());
    let target = first_probe(&mut n);
    // The ping timeout: ping-reqs to k = 2 distinct members, neither this node nor the target.
    let out = n.handle_at_ms(1_200, Input::Timer(SwimTimer::PingTimeout { seq: 1 }));
    let helpers: Vec<NodeId> = out
        .iter()
        .map(|o| match o {
            Output::Send { to, msg: SwimMsg::PingReq { seq: 1, target: t, updates } } if *t == target => {
                assert_eq!(updates, &[]);
                *to
            }
            other => panic!("only ping-reqs: {other:?}"),
        })
        .collect();
    assert_eq!(helpers.len(), 2);
    assert!(helpers[0] != helpers[1] && !helpers.contains(&0) && !helpers.contains(&target), "{helpers:?}");
    // The period ends without an ack: suspected, disseminated on the next ping, a time-out set.
    let out = n.handle_at_ms(2_000, Input::Timer(SwimTimer::Period));
    assert_eq!(out[0], Output::Believe(Belief::Suspected(target)));
    assert_eq!(out[1], timer(10_000, SwimTimer::Suspicion { node: target, incarnation: 0 }));
    assert_eq!(out[2], timer(1_000, SwimTimer::Period));
    let Output::Send { msg: SwimMsg::Ping { seq: 2, updates }, .. } = &out[3] else { panic!("{out:?}") };
    assert_eq!(updates, &[up(Claim::Suspect, target, 0)]);
    assert_eq!(n.protocol.layer().members().get(target), (State::Suspect, 0));
    assert_eq!(n.protocol.inner().heard, [], "a suspicion is not told to the inner protocol");
    // The time-out: confirmed, the inner protocol hears Crashed, as from the oracle.
    let out = n.handle_at_ms(12_000, Input::Timer(SwimTimer::Suspicion { node: target, incarnation: 0 }));
    assert_eq!(out, [Output::Believe(Belief::Confirmed(target))]);
    assert_eq!(n.protocol.inner().heard, [MemberChange::Crashed(target)]);
    assert_eq!(n.protocol.layer().members().get(target), (State::Dead, 0));
    assert_eq!(n.protocol.layer().gossip().sent(target), Some(0), "the confirm replaces the suspect, unsent");
    // Confirmed once; the dead member is never probed again.
    assert_eq!(n.handle_at_ms(12_000, Input::Timer(SwimTimer::Suspicion { node: target, incarnation: 0 })), []);
    for t in 13..22u64 {
        let out = n.handle_at_ms(t * 1_000, Input::Timer(SwimTimer::Period));
        assert!(!out.iter().any(|o| matches!(o, Output::Send { to, .. } if *to == target)), "{out:?}");
    }
}

#[test]
fn an_ack_in_time_suspects_nobody_and_stops_the_ping_reqs() {
    let mut n = node(0, 5, config());
    let target = first_probe(&mut n);
    assert_eq!(n.handle_at_ms(1_002, Input::Recv { from: target, msg: SwimMsg::Ack { seq: 1, updates: vec![] } }), []);
    assert_eq!(n.handle_at_ms(1_200, Input::Timer(SwimTimer::PingTimeout { seq: 1 })), []);
    let out = n.handle_at_ms(2_000, Input::Timer(SwimTimer::Period));
    assert!(!out.iter().any(|o| matches!(o, Output::Believe(_))), "{out:?}");
}

#[test]
fn a_relayed_ack_counts_as_the_targets() {
    let mut n = node(0, 5, config());
    let target = first_probe(&mut n);
    let helper = (1..5).find(|&h| h != target).unwrap();
    n.handle_at_ms(1_200, Input::Timer(SwimTimer::PingTimeout { seq: 1 }));
    assert_eq!(n.handle_at_ms(1_300, Input::Recv { from: helper, msg: SwimMsg::Ack { seq: 1, updates: vec![] } }), []);
    let out = n.handle_at_ms(2_000, Input::Timer(SwimTimer::Period));
    assert!(!out.iter().any(|o| matches!(o, Output::Believe(_))), "{out:?}");
}

#[test]
fn round_robin_probes_every_member_once_per_traversal() {
    let mut n = node(0, 6, config());
    n.handle_at_ms(0, Input::Start);
    let targets: Vec<NodeId> = (1..=10u64)
        .flat_map(|t| n.handle_at_ms(t * 1_000, Input::Timer(SwimTimer::Period)))
        .filter_map(|o| match o {
            Output::Send { to, msg: SwimMsg::Ping { .. } } => Some(to),
            _ => None,
        })
        .collect();
    for traversal in targets.chunks(5) {
        let mut seen = traversal.to_vec();
        seen.sort_unstable();
        assert_eq!(seen, [1, 2, 3, 4, 5], "{targets:?}");
    }
}

#[test]
fn a_suspected_member_refutes_with_a_higher_incarnation() {
    let mut n = node(1, 5, config());
    n.handle_at_ms(0, Input::Start);
    let ping = SwimMsg::Ping { seq: 7, updates: vec![up(Claim::Suspect, 1, 0)] };
    let out = n.handle_at_ms(500, Input::Recv { from: 0, msg: ping });
    assert_eq!(out, [Output::Send { to: 0, msg: SwimMsg::Ack { seq: 7, updates: vec![up(Claim::Alive, 1, 1)] } }]);
    assert_eq!(n.protocol.layer().incarnation(), 1);
    // A stale suspicion (of incarnation 0) is ignored; a new one at 1 is refuted with 2.
    let stale = SwimMsg::Updates { updates: vec![up(Claim::Suspect, 1, 0)] };
    assert_eq!(n.handle_at_ms(600, Input::Recv { from: 3, msg: stale }), []);
    let again = SwimMsg::Updates { updates: vec![up(Claim::Suspect, 1, 1)] };
    n.handle_at_ms(700, Input::Recv { from: 3, msg: again });
    assert_eq!(n.protocol.layer().incarnation(), 2);
}

#[test]
fn an_alive_of_a_higher_incarnation_ends_a_suspicion_and_its_time_out() {
    let mut n = node(0, 5, config());
    n.handle_at_ms(0, Input::Start);
    let suspect = SwimMsg::Updates { updates: vec![up(Claim::Suspect, 3, 0)] };
    let out = n.handle_at_ms(100, Input::Recv { from: 2, msg: suspect });
    assert_eq!(
        out,
        [Output::Believe(Belief::Suspected(3)), timer(10_000, SwimTimer::Suspicion { node: 3, incarnation: 0 })]
    );
    // An Alive at the same incarnation does not override the suspicion (§4.2); one above does.
    let same = SwimMsg::Updates { updates: vec![up(Claim::Alive, 3, 0)] };
    n.handle_at_ms(200, Input::Recv { from: 2, msg: same });
    assert_eq!(n.protocol.layer().members().get(3), (State::Suspect, 0));
    let refuted = SwimMsg::Updates { updates: vec![up(Claim::Alive, 3, 1)] };
    assert_eq!(n.handle_at_ms(300, Input::Recv { from: 2, msg: refuted }), []);
    assert_eq!(n.protocol.layer().members().get(3), (State::Alive, 1));
    assert_eq!(n.handle_at_ms(10_100, Input::Timer(SwimTimer::Suspicion { node: 3, incarnation: 0 })), []);
    assert_eq!(n.protocol.inner().heard, []);
}

#[test]
fn without_suspicion_a_failed_probe_confirms_at_once() {
    let mut n = node(0, 5, SwimConfig { suspicion: false, ..config() });
    let target = first_probe(&mut n);
    let out = n.handle_at_ms(2_000, Input::Timer(SwimTimer::Period));
    assert_eq!(out[0], Output::Believe(Belief::Confirmed(target)));
    assert_eq!(n.protocol.inner().heard, [MemberChange::Crashed(target)]);
}

#[test]
fn a_ping_req_is_relayed_to_the_target_and_its_ack_back() {
    let mut n = node(2, 5, config());
    n.handle_at_ms(0, Input::Start);
    let req = SwimMsg::PingReq { seq: 9, target: 3, updates: vec![] };
    let out = n.handle_at_ms(1_000, Input::Recv { from: 0, msg: req });
    assert_eq!(
        out,
        [
            Output::Send { to: 3, msg: SwimMsg::Ping { seq: 1, updates: vec![] } },
            timer(1_000, SwimTimer::RelayExpire { seq: 1 })
        ]
    );
    let out = n.handle_at_ms(1_002, Input::Recv { from: 3, msg: SwimMsg::Ack { seq: 1, updates: vec![] } });
    assert_eq!(out, [Output::Send { to: 0, msg: SwimMsg::Ack { seq: 9, updates: vec![] } }]);
    assert_eq!(n.handle_at_ms(1_003, Input::Recv { from: 3, msg: SwimMsg::Ack { seq: 1, updates: vec![] } }), []);
}

#[test]
fn an_update_is_piggybacked_lambda_ln_n_times_and_a_join_reaches_the_inner_protocol() {
    let mut n = node(0, 5, config());
    n.handle_at_ms(0, Input::Start);
    // Node 9 joins: learned from an announcement.
    let join = SwimMsg::Updates { updates: vec![up(Claim::Alive, 9, 0)] };
    assert_eq!(n.handle_at_ms(10, Input::Recv { from: 9, msg: join }), []);
    assert_eq!(n.protocol.inner().heard, [MemberChange::Joined(9)]);
    // 5 other members now: ⌈3·ln 7⌉ = 6 piggybacks, then no more.
    let limit = Piggyback::limit(3.0, 5);
    assert_eq!(limit, 6);
    for i in 0..8u32 {
        let out =
            n.handle_at_ms(20 + u64::from(i), Input::Recv { from: 1, msg: SwimMsg::Ping { seq: i, updates: vec![] } });
        let expect = if i < limit { vec![up(Claim::Alive, 9, 0)] } else { vec![] };
        assert_eq!(out, [Output::Send { to: 1, msg: SwimMsg::Ack { seq: i, updates: expect } }], "ack {i}");
    }
}

#[test]
fn a_packet_carries_at_most_max_piggyback_updates_the_fewest_sent_first() {
    let mut n = node(0, 5, SwimConfig { max_piggyback: 2, ..config() });
    n.handle_at_ms(0, Input::Start);
    let joins = SwimMsg::Updates { updates: (10..13).map(|j| up(Claim::Alive, j, 0)).collect() };
    n.handle_at_ms(10, Input::Recv { from: 1, msg: joins });
    let ack = |n: &mut Node, seq| match &n
        .handle_at_ms(20, Input::Recv { from: 1, msg: SwimMsg::Ping { seq, updates: vec![] } })[..]
    {
        [Output::Send { msg: SwimMsg::Ack { updates, .. }, .. }] => updates.iter().map(|u| u.node).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(ack(&mut n, 1), [12, 11], "the newest first");
    assert_eq!(ack(&mut n, 2), [10, 12], "then the one never sent");
    assert_eq!(ack(&mut n, 3), [11, 10]);
}

#[test]
fn inner_packets_and_timers_pass_through_in_their_envelopes() {
    let mut n = node(0, 3, config());
    n.handle_at_ms(0, Input::Start);
    assert_eq!(n.handle_at_ms(5, Input::Recv { from: 1, msg: SwimMsg::Inner(Nothing) }), []);
    assert_eq!(SwimMsg::Inner(Nothing).bytes(), 1);
    assert_eq!(SwimMsg::<Nothing>::Ping { seq: 1, updates: vec![up(Claim::Alive, 1, 0)] }.bytes(), 28 + 5 + 9);
    assert_eq!(SwimMsg::<Nothing>::PingReq { seq: 1, target: 2, updates: vec![] }.kind(), PacketKind::PingReq);
}

#[test]
fn a_joiner_announces_itself_to_its_contacts() {
    let mut n = node(7, 5, config());
    let out = n.handle_at_ms(3_000, Input::Join { contacts: vec![0] });
    assert!(matches!(out[0], Output::SetTimer { timer: SwimTimer::Period, .. }), "{out:?}");
    assert_eq!(
        out[1],
        Output::Multicast { to: vec![0], msg: SwimMsg::Updates { updates: vec![up(Claim::Alive, 7, 0)] } }
    );
    assert_eq!(n.protocol.layer().members().count(), 5, "the initial members 0 to 4");
}

/// Unused inputs and layers compile: the layer is a [`Layer`] over any protocol.
#[allow(dead_code)]
fn is_a_layer<P: Protocol>() -> impl Layer<P> {
    <Swim as Layer<P>>::new(0, &GroupInfo::of_size(1), &SwimConfig::default())
}
