//! Faults and membership: crash and recover, pause and resume, join and leave, churn and the
//! membership oracle. Tier 2 (a probe protocol through the kernel, exact inputs and times; the
//! centralized protocol through the kernel, exact packet counts), tier 1 (one centralized node's
//! exact outputs for the membership messages) and tier 3 (churn rates against their Poisson
//! theory over seeds). Every assertion names its seed.

mod common;

use common::run;

use mcast::engine::{self, NodeState};
use mcast::metrics::Report;
use mcast::protocol::{Context, GroupInfo, Input, MemberChange, MsgId, NodeId, PacketKind, Protocol, Wire};
use mcast::protocols::centralized::{Centralized, CentralizedConfig, Msg, Timer};
use mcast::scenario::{faults, FaultSpec, Limits, MembershipSpec, NetworkSpec, ProtocolSpec, Scenario, Service};
use mcast::sim::faults::{Fault, Status};
use mcast::sim::world::World;
use mcast::time::{SimDuration, SimTime};

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

/// A network where every one-way trip takes exactly 1 ms and nothing is lost; `rate` bytes per
/// second per uplink (0 = unlimited).
fn exact_network(rate: u64) -> NetworkSpec {
    common::exact_network(1.0, rate)
}

fn scenario(seed: u64, n: u32, messages: u32, config: CentralizedConfig) -> Scenario {
    let workload = common::messages(messages, 1000, 100.0);
    Scenario { seed, network: exact_network(0), workload, ..common::scenario(n, config) }
}

fn reliable(max_retries: u32) -> CentralizedConfig {
    CentralizedConfig { reliable: true, ack_timeout_ms: 250.0, max_retries, ..CentralizedConfig::default() }
}

fn unreliable() -> CentralizedConfig {
    CentralizedConfig::default()
}

fn crash(at_ms: f64, node: u32) -> FaultSpec {
    FaultSpec::Crash { at_ms, node }
}
fn recover(at_ms: f64, node: u32) -> FaultSpec {
    FaultSpec::Recover { at_ms, node }
}
fn pause(at_ms: f64, node: u32) -> FaultSpec {
    FaultSpec::Pause { at_ms, node }
}
fn resume(at_ms: f64, node: u32) -> FaultSpec {
    FaultSpec::Resume { at_ms, node }
}
fn leave(at_ms: f64, node: u32) -> FaultSpec {
    FaultSpec::Leave { at_ms, node }
}
fn join(at_ms: f64) -> FaultSpec {
    FaultSpec::Join { at_ms }
}

fn packets(r: &Report, kind: &str) -> u64 {
    r.packets[kind]
}

/// Every packet a run sends from now on, as `(from, to, depart_us, kind)`, in send order. Each
/// step appends its sends at the end of the world's flights, and the metrics count them.
fn sends<P: Protocol>(world: &mut World<P>) -> Vec<(NodeId, NodeId, u64, PacketKind)> {
    let total = |w: &World<P>| w.metrics().counters().sent.iter().sum::<u64>();
    world.set_recording(true);
    let (mut counted, mut out) = (total(world), Vec::new());
    while !world.is_done() {
        world.step();
        let new = (total(world) - counted) as usize;
        counted += new as u64;
        let f = world.flights();
        out.extend(f[f.len() - new..].iter().map(|f| (f.from, f.to, f.depart.0, f.kind)));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// A probe protocol: logs every input it gets with its time, through the real kernel
// ---------------------------------------------------------------------------------------------

/// What the probe saw.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    Start,
    Join(Vec<NodeId>),
    Leave(Vec<NodeId>),
    Restart(Vec<NodeId>),
    Notice(MemberChange),
    Recv(NodeId, u32),
    Tick(u32),
    App(u32),
}

#[derive(Clone, Debug)]
struct Ping(u32);

impl Wire for Ping {
    fn kind(&self) -> PacketKind {
        if self.0 == u32::MAX {
            PacketKind::Leave
        } else {
            PacketKind::Data
        }
    }
    fn bytes(&self) -> u32 {
        100
    }
    fn msg(&self) -> Option<MsgId> {
        Some(MsgId(self.0))
    }
}

/// Timers each node sets at its start, `(node, after_ms, tick)`; every message goes to every
/// initial member; a leaver says goodbye (`Ping(u32::MAX)`) to its contacts.
#[derive(Clone, Debug)]
struct ProbeConfig {
    timers: Vec<(NodeId, u64, u32)>,
}

#[derive(Clone)]
struct Probe {
    me: NodeId,
    size: u32,
    config: ProbeConfig,
    log: Vec<(u64, Seen)>,
}

impl Protocol for Probe {
    type Msg = Ping;
    type Timer = u32;
    type Config = ProbeConfig;

    fn describe_timer(&self, tick: &u32) -> String {
        format!("tick {tick}")
    }

    fn new(me: NodeId, group: &GroupInfo, config: &ProbeConfig) -> Self {
        Probe { me, size: group.size, config: config.clone(), log: Vec::new() }
    }

    fn handle(&mut self, input: Input<Ping, u32>, cx: &mut Context<'_, Ping, u32>) {
        let now = cx.now().0;
        let seen = match input {
            Input::Start => {
                for &(node, after_ms, tick) in &self.config.timers {
                    if node == self.me {
                        cx.set_timer(SimDuration::from_ms(after_ms), tick);
                    }
                }
                Seen::Start
            }
            Input::Join { contacts } => Seen::Join(contacts),
            Input::Leave { contacts } => {
                for &c in &contacts {
                    cx.send(c, Ping(u32::MAX));
                }
                Seen::Leave(contacts)
            }
            Input::Restart { contacts } => Seen::Restart(contacts),
            Input::Membership(change) => Seen::Notice(change),
            Input::Recv { from, msg } => {
                if msg.0 != u32::MAX {
                    cx.deliver(MsgId(msg.0));
                }
                Seen::Recv(from, msg.0)
            }
            Input::Timer(t) => Seen::Tick(t),
            Input::AppSend { id, .. } => {
                for to in (0..self.size).filter(|&n| n != self.me) {
                    cx.send(to, Ping(id.0));
                }
                Seen::App(id.0)
            }
        };
        self.log.push((now, seen));
    }
}

/// A 3-node group on the exact network (1 ms each way, unlimited uplinks), node 0 sending
/// messages at 2, 10 and 18 ms, with `faults`, run to its end under the probe.
fn probe_world(timers: Vec<(NodeId, u64, u32)>, faults: Vec<FaultSpec>, oracle_ms: Option<f64>) -> World<Probe> {
    let mut s = scenario(1, 3, 3, unreliable());
    s.workload.start_ms = 2.0;
    s.workload.interval_ms = 8.0;
    s.faults = faults;
    if let Some(d) = oracle_ms {
        s.membership = MembershipSpec { service: Service::Oracle, delay_ms: d, ..MembershipSpec::default() };
    }
    s.validate(&Limits::NATIVE).unwrap_or_else(|e| panic!("{e}"));
    let mut w = World::<Probe>::new(engine::setup(&s).unwrap(), &ProbeConfig { timers });
    w.run_to_end();
    w
}

fn ms(v: u64) -> u64 {
    v * 1000
}

#[test]
fn pause_drops_arrivals_and_defers_timers_to_the_resume_in_order() {
    // Node 1 pauses at 4 ms and resumes at 20 ms. Its ticks due at 5 and 12 ms fire at 20 ms, in
    // order; the one due at 30 ms fires on time. Messages reach it at 3, 11 and 19 ms: the first
    // is handled, the other two are dropped while it is paused.
    let w = probe_world(vec![(1, 5, 1), (1, 12, 2), (1, 30, 3)], vec![pause(4.0, 1), resume(20.0, 1)], None);
    assert_eq!(
        w.node(1).log,
        vec![
            (0, Seen::Start),
            (ms(3), Seen::Recv(0, 0)),
            (ms(20), Seen::Tick(1)),
            (ms(20), Seen::Tick(2)),
            (ms(30), Seen::Tick(3)),
        ]
    );
    // Node 2 got all three.
    let recvs: Vec<(u64, Seen)> = w.node(2).log.iter().filter(|e| matches!(e.1, Seen::Recv(..))).cloned().collect();
    assert_eq!(recvs, vec![(ms(3), Seen::Recv(0, 0)), (ms(11), Seen::Recv(0, 1)), (ms(19), Seen::Recv(0, 2))]);
    let r = w.report();
    assert_eq!((r.packets_to_paused, r.packets_to_crashed, r.packets_to_absent), (2, 0, 0), "{r:?}");
    // A paused node is a live member: the two messages it dropped are owed and missing.
    assert_eq!((r.live_nodes, r.expected_deliveries, r.deliveries), (3, 6, 4), "{r:?}");
    assert_eq!(w.status(1), Status::Up);
}

#[test]
fn a_paused_sender_sends_on_resume_what_its_application_submitted_meanwhile() {
    // Node 0 pauses from 9 to 15 ms: message 1 (submitted at 10 ms) goes out at 15 ms and lands
    // at 16 ms; the metrics still count its latency from 10 ms.
    let w = probe_world(vec![], vec![pause(9.0, 0), resume(15.0, 0)], None);
    let log0: Vec<(u64, Seen)> = w.node(0).log.clone();
    assert_eq!(log0, vec![(0, Seen::Start), (ms(2), Seen::App(0)), (ms(15), Seen::App(1)), (ms(18), Seen::App(2))]);
    assert!(w.node(2).log.contains(&(ms(16), Seen::Recv(0, 1))), "{:?}", w.node(2).log);
    let r = w.report();
    assert_eq!(r.deliveries, 6, "{r:?}");
    assert_eq!(r.latency_ms.max, 6.0, "message 1: submitted at 10 ms, delivered at 16 ms: {r:?}");
}

#[test]
fn a_recovered_node_starts_fresh_and_its_old_timers_never_fire() {
    // Node 1 crashes at 4 ms (its ticks at 5, 12 and 30 ms belong to the dead incarnation) and
    // recovers at 10 ms: a fresh probe whose log starts with Restart, then the message at 11 ms.
    let w = probe_world(vec![(1, 5, 1), (1, 12, 2), (1, 30, 3)], vec![crash(4.0, 1), recover(10.0, 1)], None);
    assert_eq!(
        w.node(1).log,
        vec![(ms(10), Seen::Restart(vec![0])), (ms(11), Seen::Recv(0, 1)), (ms(19), Seen::Recv(0, 2))]
    );
    let r = w.report();
    assert_eq!((r.packets_to_crashed, r.live_nodes), (0, 3), "nothing arrived while it was down: {r:?}");
}

#[test]
fn a_crash_during_a_pause_discards_what_the_pause_deferred() {
    let w = probe_world(vec![(1, 5, 1), (1, 40, 2)], vec![pause(4.0, 1), crash(8.0, 1), recover(12.0, 1)], None);
    assert_eq!(w.node(1).log, vec![(ms(12), Seen::Restart(vec![0])), (ms(19), Seen::Recv(0, 2))]);
    let r = w.report();
    assert_eq!((r.packets_to_crashed, r.packets_to_paused), (1, 0), "message 1 landed at 11 ms: {r:?}");
}

#[test]
fn join_and_leave_inputs_and_the_oracles_notices_come_at_their_times() {
    // Node 3 joins at 7 ms, node 2 leaves at 15 ms; the oracle tells the others 3 ms later.
    // Node 1 is paused from 9 to 12 ms: the join notice (due at 10 ms) waits for its resume.
    let w = probe_world(vec![], vec![join(7.0), leave(15.0, 2), pause(9.0, 1), resume(12.0, 1)], Some(3.0));
    assert_eq!(w.node(3).log[0], (ms(7), Seen::Join(vec![0])));
    assert_eq!(w.node(3).log[1], (ms(18), Seen::Notice(MemberChange::Left(2))));
    assert_eq!(w.node(3).log.len(), 2, "the probe sends only to initial members: {:?}", w.node(3).log);
    assert!(w.node(0).log.contains(&(ms(10), Seen::Notice(MemberChange::Joined(3)))));
    assert!(w.node(1).log.contains(&(ms(12), Seen::Notice(MemberChange::Joined(3)))), "{:?}", w.node(1).log);
    assert!(w.node(0).log.contains(&(ms(18), Seen::Notice(MemberChange::Left(2)))));
    // The leaver: its Leave input, its goodbye lands at node 0 at 16 ms, then nothing more;
    // message 2 (sent at 18 ms) reaches it after it left and is dropped.
    let leaver = &w.node(2).log;
    assert_eq!(leaver.last(), Some(&(ms(15), Seen::Leave(vec![0]))), "{leaver:?}");
    assert!(w.node(0).log.contains(&(ms(16), Seen::Recv(2, u32::MAX))));
    assert!(w.node(2).log.contains(&(ms(10), Seen::Notice(MemberChange::Joined(3)))), "{leaver:?}");
    assert!(!w.node(3).log.iter().any(|e| e.1 == Seen::Notice(MemberChange::Joined(3))), "told of itself");
    let r = w.report();
    assert_eq!((r.joins, r.leaves, r.packets_to_absent), (1, 1, 1), "{r:?}");
    assert_eq!((w.status(2), w.status(3)), (Status::Left, Status::Up));
    assert_eq!(r.nodes, 4);
    assert_eq!(r.live_nodes, 3);
}

#[test]
fn without_a_membership_service_nobody_is_told_anything() {
    let w = probe_world(vec![], vec![join(7.0), leave(15.0, 2), crash(5.0, 1), recover(9.0, 1)], None);
    for n in 0..4 {
        assert!(!w.node(n).log.iter().any(|e| matches!(e.1, Seen::Notice(_))), "node {n}: {:?}", w.node(n).log);
    }
}

// ---------------------------------------------------------------------------------------------
// Crash and recover, centralized
// ---------------------------------------------------------------------------------------------

/// Six messages at 0, 100, ..., 500 ms to 20 nodes; node 7 down from 150 ms to `recover_ms`.
fn crash_recover(seed: u64, max_retries: u32, recover_ms: f64) -> Scenario {
    let mut s = scenario(seed, 20, 6, reliable(max_retries));
    s.network = NetworkSpec { loss: 0.0, ..NetworkSpec::default() };
    s.faults = vec![crash(150.0, 7), recover(recover_ms, 7)];
    s
}

#[test]
fn a_recovered_receiver_gets_what_was_sent_while_it_was_down_if_retries_remain() {
    // Messages 2 and 3 (sent at 200 and 300 ms) reach node 7 while it is down. It recovers at
    // 350 ms and rejoins (JOIN, JOIN-ACK). The sender, which still counts it as a member, sends
    // both again in their first rounds (450 and 550 ms): node 7 ends with all six. Messages 0 and
    // 1 it had ACKed before the crash: they are not sent again, and nothing is delivered twice.
    for seed in 0..5 {
        let s = crash_recover(seed, 8, 350.0);
        let (r, sim) = run(&s);
        let ctx = format!("seed {seed}: {r:?}");
        assert_eq!((r.deliveries, r.expected_deliveries, r.duplicate_deliveries), (114, 114, 0), "{ctx}");
        assert_eq!(packets(&r, "retransmit"), 2, "{ctx}");
        assert_eq!(r.packets_to_crashed, 2, "{ctx}");
        assert_eq!(packets(&r, "join"), 2, "JOIN and its JOIN-ACK: {ctx}");
        assert_eq!(sim.report().live_nodes, 20, "{ctx}");
    }
}

#[test]
fn messages_sent_while_down_are_lost_for_good_when_the_retries_run_out_first() {
    // max_retries 2 and node 7 back only at 2000 ms. Messages 2..5 (200..500 ms) reach it while
    // it is down, and so do both their rounds (250 and 750 ms after each send, all before
    // 1250 ms). It is still a member, owed all six: the report shows exactly four missing.
    for seed in 0..5 {
        let s = crash_recover(seed, 2, 2000.0);
        let (r, _) = run(&s);
        let ctx = format!("seed {seed}: {r:?}");
        assert_eq!(r.expected_deliveries, 114, "{ctx}");
        assert_eq!(r.deliveries, 110, "node 7 misses messages 2 to 5: {ctx}");
        assert_eq!(packets(&r, "retransmit"), 8, "2 rounds x 4 messages, all to node 7: {ctx}");
        assert_eq!(r.packets_to_crashed, 12, "4 first copies and 8 retransmissions: {ctx}");
    }
}

#[test]
fn with_an_oracle_the_sender_skips_a_crashed_member_and_takes_it_back_when_it_recovers() {
    // The oracle tells the sender of node 7's crash at 160 ms and of its recovery at 360 ms:
    // messages 2 and 3 are never sent to it (no copy to a dead node, no retransmission), and
    // messages 4 and 5 are. It is still owed 2 and 3: the report shows them missing.
    for seed in 0..5 {
        let mut s = crash_recover(seed, 8, 350.0);
        s.membership = MembershipSpec { service: Service::Oracle, delay_ms: 10.0, ..MembershipSpec::default() };
        let (r, _) = run(&s);
        let ctx = format!("seed {seed}: {r:?}");
        assert_eq!((r.packets_to_crashed, packets(&r, "retransmit")), (0, 0), "{ctx}");
        assert_eq!((r.deliveries, r.expected_deliveries), (112, 114), "{ctx}");
        assert_eq!(packets(&r, "data"), 19 * 6 - 2, "{ctx}");
    }
}

#[test]
fn an_uplink_loses_exactly_what_was_queued_at_each_crash_and_restarts_empty() {
    // 1040-byte copies at 1.04 MB/s leave every 1 ms. Message 0 (at 0 ms) to 100 receivers: the
    // sender crashes at 10.5 ms, so copies 1..10 leave and 90 die. It recovers at 20 ms with an
    // empty uplink; message 1 (at 30 ms) leaves at 31, 32, ... ms; the second crash at 50.5 ms
    // lets 20 of them out and kills 80. Message 2 (at 60 ms) is submitted to a dead node.
    let mut s = scenario(3, 101, 3, unreliable());
    s.workload.interval_ms = 30.0;
    s.network = exact_network(1_040_000);
    s.faults = vec![crash(10.5, 0), recover(20.0, 0), crash(50.5, 0)];
    let (r, _) = run(&s);
    assert_eq!(r.packets_lost_in_crash, 170, "{r:?}");
    assert_eq!(packets(&r, "data"), 30, "{r:?}");
    assert_eq!(r.deliveries, 30, "{r:?}");
    // Message 1's copies leave at 31, 32, ... ms: no ghost backlog from message 0.
    let mut w = World::<Centralized>::new(engine::setup(&s).unwrap(), &unreliable());
    let all = sends(&mut w);
    let after_recovery: Vec<u64> = all.iter().filter(|x| x.2 > 20_000).map(|x| x.2).collect();
    assert_eq!(after_recovery, (31..=50).map(|t| t * 1000).collect::<Vec<_>>());
}

// ---------------------------------------------------------------------------------------------
// Join and leave, centralized
// ---------------------------------------------------------------------------------------------

#[test]
fn a_joiner_gets_what_is_sent_after_its_join_reached_the_sender_and_is_not_owed_the_rest() {
    // Ten messages at 0, 100, ..., 900 ms to 10 initial members; node 10 joins at 450 ms. Its
    // JOIN reaches the sender at 451 ms: messages 5..9 (500 ms on) go to it, 0..4 do not and are
    // not owed.
    for (seed, config) in [(1, unreliable()), (2, reliable(8)), (3, reliable(0))] {
        let mut s = scenario(seed, 10, 10, config.clone());
        s.faults = vec![join(450.0)];
        let (r, sim) = run(&s);
        let ctx = format!("seed {seed} reliable {}: {r:?}", config.reliable);
        assert_eq!((r.nodes, r.live_nodes, r.joins), (11, 11, 1), "{ctx}");
        assert_eq!(r.expected_deliveries, 9 * 10 + 5, "{ctx}");
        assert_eq!(r.deliveries, r.expected_deliveries, "{ctx}");
        assert_eq!(packets(&r, "data"), 9 * 10 + 5, "{ctx}");
        assert_eq!(packets(&r, "join"), if config.reliable { 2 } else { 1 }, "{ctx}");
        let mut states = Vec::new();
        sim.node_states(&mut states);
        assert_eq!(states.len(), 11, "{ctx}");
    }
}

#[test]
fn a_message_sent_between_a_join_and_the_senders_hearing_of_it_is_owed_and_missed() {
    // Node 10 joins at 499.5 ms; its JOIN lands at 500.5 ms, after message 5 (at 500 ms) went
    // out. The joiner was a member when message 5 was sent: it is owed and the report shows it
    // missing, the honest cost of the join's one-way trip.
    let mut s = scenario(4, 10, 10, unreliable());
    s.faults = vec![join(499.5)];
    let (r, _) = run(&s);
    assert_eq!((r.expected_deliveries, r.deliveries), (9 * 10 + 5, 9 * 10 + 4), "seed 4: {r:?}");
}

#[test]
fn the_joiner_repeats_its_join_until_answered() {
    // The sender is paused when the JOIN (and the first repetition) arrives: reliable mode
    // repeats it with backoff (250, 500 ms) until the sender, resumed, answers.
    let mut s = scenario(5, 10, 10, reliable(8));
    s.faults = vec![join(50.0), pause(40.0, 0), resume(600.0, 0)];
    let (r, _) = run(&s);
    // JOINs at 50, 300 and 800 ms (the first two dropped at the paused sender), one JOIN-ACK.
    assert_eq!(packets(&r, "join"), 4, "seed 5: {r:?}");
    assert_eq!(r.packets_to_paused, 2, "seed 5: {r:?}");
}

#[test]
fn a_leaver_stops_receiving_and_the_sender_stops_retransmitting_to_it() {
    // Ten nodes, reliable, messages at 0..500 ms. Node 4 leaves at 100.5 ms: message 1's copy
    // (sent at 100 ms) lands at 101 ms, after it left, so it never ACKs. Its LEAVE reaches the
    // sender at 101.5 ms: no round of message 1 goes to node 4, and messages 2..5 are not sent
    // to it. Nothing is owed to a node that left.
    for seed in 0..4 {
        let mut s = scenario(seed, 10, 6, reliable(8));
        s.faults = vec![leave(100.5, 4)];
        let (r, _) = run(&s);
        let ctx = format!("seed {seed}: {r:?}");
        assert_eq!((r.leaves, r.live_nodes), (1, 9), "{ctx}");
        assert_eq!(packets(&r, "retransmit"), 0, "{ctx}");
        assert_eq!(packets(&r, "leave"), 1, "{ctx}");
        assert_eq!(r.packets_to_absent, 1, "message 1's copy: {ctx}");
        assert_eq!(packets(&r, "data"), 9 + 9 + 8 * 4, "{ctx}");
        assert_eq!((r.deliveries, r.expected_deliveries), (8 * 6, 8 * 6), "{ctx}");
        let ProtocolSpec::Centralized(config) = &s.protocol else { panic!("a centralized scenario") };
        let mut w = World::<Centralized>::new(engine::setup(&s).unwrap(), config);
        w.run_to_end();
        assert_eq!(w.node(0).pending(), 0, "{ctx}");
        assert!(!w.node(0).knows_member(4), "{ctx}");
    }
}

#[test]
fn a_lost_goodbye_costs_at_most_max_retries_rounds() {
    // Without its LEAVE (the sender is paused when it lands), the sender learns nothing and
    // retransmits message 1 to node 4 max_retries times, then gives up: bounded, like a crash.
    let mut s = scenario(6, 10, 2, reliable(3));
    s.faults = vec![leave(100.5, 4), pause(101.0, 0), resume(102.0, 0)];
    let (r, _) = run(&s);
    assert_eq!((packets(&r, "retransmit"), r.packets_to_absent), (3, 4), "seed 6: {r:?}");
}

// ---------------------------------------------------------------------------------------------
// One centralized node, exact outputs for membership
// ---------------------------------------------------------------------------------------------

use common::{Node, Out};

fn config(reliable: bool) -> CentralizedConfig {
    CentralizedConfig { reliable, ack_timeout_ms: 250.0, max_retries: 2, ack_bytes: 40, header_bytes: 40 }
}

fn data(id: u32, retransmit: bool) -> Msg {
    Msg::Data { id: MsgId(id), bytes: 1040, retransmit }
}

fn app(id: u32) -> Input<Msg, Timer> {
    Input::AppSend { id: MsgId(id), bytes: 1000 }
}

const JOIN: Msg = Msg::Join { bytes: 40 };

#[test]
fn a_joiner_sends_join_to_its_contacts_and_repeats_only_in_reliable_mode() {
    let mut u = Node::new(5, 4, &config(false));
    assert_eq!(u.handle(0, Input::Join { contacts: vec![0, 2, 5] }), vec![Out::Send(0, JOIN), Out::Send(2, JOIN)]);
    let mut r = Node::new(5, 4, &config(true));
    let ms250 = SimDuration::from_ms(250);
    assert_eq!(
        r.handle(0, Input::Join { contacts: vec![0, 2] }),
        vec![Out::Send(0, JOIN), Out::Send(2, JOIN), Out::SetTimer(ms250, Timer::Join { gen: 1 })]
    );
    // Contact 2 answers; round 1 repeats to 0 only, round 2 too, round 3 gives up.
    assert_eq!(r.handle(10, Input::Recv { from: 2, msg: Msg::JoinAck { bytes: 40 } }), vec![]);
    assert_eq!(
        r.handle(250, Input::Timer(Timer::Join { gen: 1 })),
        vec![Out::Send(0, JOIN), Out::SetTimer(SimDuration::from_ms(500), Timer::Join { gen: 2 })]
    );
    assert_eq!(
        r.handle(750, Input::Timer(Timer::Join { gen: 2 })),
        vec![Out::Send(0, JOIN), Out::SetTimer(SimDuration::from_ms(1000), Timer::Join { gen: 3 })]
    );
    assert_eq!(r.handle(1750, Input::Timer(Timer::Join { gen: 3 })), vec![]);
    // A restart joins the same way.
    let mut again = Node::new(3, 4, &config(false));
    assert_eq!(again.handle(0, Input::Restart { contacts: vec![0] }), vec![Out::Send(0, JOIN)]);
}

#[test]
fn the_sender_adds_a_joiner_for_later_messages_only_and_drops_a_leaver_from_every_round() {
    let mut s = Node::new(0, 3, &config(true));
    let ms250 = SimDuration::from_ms(250);
    let rtx = |id: u32, round: u32| Timer::Retransmit { id: MsgId(id), round };
    assert_eq!(
        s.handle(0, app(0)),
        vec![Out::Send(1, data(0, false)), Out::Send(2, data(0, false)), Out::SetTimer(ms250, rtx(0, 1))]
    );
    // Node 7 joins: answered, and sent message 1 but never message 0.
    assert_eq!(s.handle(5, Input::Recv { from: 7, msg: JOIN }), vec![Out::Send(7, Msg::JoinAck { bytes: 40 })]);
    assert!(s.h.protocol.knows_member(7));
    assert_eq!(
        s.handle(10, app(1)),
        vec![
            Out::Send(1, data(1, false)),
            Out::Send(2, data(1, false)),
            Out::Send(7, data(1, false)),
            Out::SetTimer(ms250, rtx(1, 1)),
        ]
    );
    // Node 2 leaves before ACKing anything: no round goes to it.
    assert_eq!(s.handle(20, Input::Recv { from: 2, msg: Msg::Leave { bytes: 40 } }), vec![]);
    assert!(!s.h.protocol.knows_member(2));
    assert_eq!(s.handle(250, Input::Timer(rtx(0, 1))).first(), Some(&Out::Send(1, data(0, true))));
    assert_eq!(s.handle(250, Input::Timer(rtx(0, 1))).len(), 2, "one copy to node 1, one timer");
    // Nodes 1 and 7 ACK message 1: settled without node 2.
    s.handle(30, Input::Recv { from: 1, msg: Msg::Ack { id: MsgId(1), bytes: 40 } });
    s.handle(30, Input::Recv { from: 7, msg: Msg::Ack { id: MsgId(1), bytes: 40 } });
    assert_eq!(s.handle(260, Input::Timer(rtx(1, 1))), vec![]);
    // A joiner's repeated JOIN is answered again and changes nothing.
    assert_eq!(s.handle(300, Input::Recv { from: 7, msg: JOIN }), vec![Out::Send(7, Msg::JoinAck { bytes: 40 })]);
}

#[test]
fn oracle_notices_update_a_senders_list_and_receivers_ignore_them() {
    let mut s = Node::new(0, 4, &config(true));
    s.handle(0, app(0));
    assert_eq!(s.handle(1, Input::Membership(MemberChange::Crashed(3))), vec![]);
    assert!(!s.h.protocol.knows_member(3));
    // Round 1 of message 0 goes to 1 and 2 only.
    let round = s.handle(250, Input::Timer(Timer::Retransmit { id: MsgId(0), round: 1 }));
    assert_eq!(round[..2], [Out::Send(1, data(0, true)), Out::Send(2, data(0, true))]);
    assert_eq!(round.len(), 3);
    s.handle(300, Input::Membership(MemberChange::Recovered(3)));
    s.handle(300, Input::Membership(MemberChange::Joined(9)));
    assert!(s.h.protocol.knows_member(3) && s.h.protocol.knows_member(9));
    let sends: Vec<NodeId> = s
        .handle(400, app(1))
        .into_iter()
        .filter_map(|o| if let Out::Send(to, _) = o { Some(to) } else { None })
        .collect();
    assert_eq!(sends, vec![1, 2, 3, 9]);
    let mut r = Node::new(2, 4, &config(true));
    assert_eq!(r.handle(1, Input::Membership(MemberChange::Joined(9))), vec![]);
    assert!(!r.h.protocol.knows_member(9), "a receiver keeps no member list");
    // A leaver says goodbye to its contacts, itself excepted.
    assert_eq!(r.handle(2, Input::Leave { contacts: vec![0, 2] }), vec![Out::Send(0, Msg::Leave { bytes: 40 })]);
}

// ---------------------------------------------------------------------------------------------
// Churn against Poisson theory
// ---------------------------------------------------------------------------------------------

#[test]
fn churn_rates_match_lambda_and_mu_and_gaps_are_exponential() {
    // λ = 20/s and μ = 10/s over 100 s: Poisson counts with means 2000 and 1000, sd √2000 ≈ 44.7
    // and √1000 ≈ 31.6; 5 sd either side. The gaps are exponential: the share shorter than the
    // median (mean · ln 2) is 1/2, sd √(1/4N).
    let (lambda, mu, secs) = (20.0, 10.0, 100.0);
    for seed in 0..6u64 {
        let mut s = scenario(seed, 500, 1, unreliable());
        s.faults =
            vec![FaultSpec::Churn { join_per_sec: lambda, leave_per_sec: mu, from_ms: 0.0, to_ms: secs * 1000.0 }];
        let plan = faults::plan(&s, &Limits::NATIVE).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let times = |join: bool| -> Vec<u64> {
            plan.events.iter().filter(|e| matches!(e.1, Fault::Join(_)) == join).map(|e| e.0 .0).collect()
        };
        let (joins, leaves) = (times(true), times(false));
        for (what, got, rate) in [("joins", &joins, lambda), ("leaves", &leaves, mu)] {
            let mean = rate * secs;
            let n = got.len() as f64 + f64::from(if what == "leaves" { plan.skipped_leaves } else { 0 });
            assert!(
                (n - mean).abs() <= 5.0 * mean.sqrt(),
                "seed {seed}: {n} {what}, expected {mean} ± {}",
                5.0 * mean.sqrt()
            );
            let median_us = 1e6 / rate * std::f64::consts::LN_2;
            let gaps: Vec<f64> = got.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
            let short = gaps.iter().filter(|&&g| g < median_us).count() as f64 / gaps.len() as f64;
            let sd = (0.25 / gaps.len() as f64).sqrt();
            assert!((short - 0.5).abs() <= 5.0 * sd, "seed {seed}: {what}: {short} of gaps below the median");
        }
        assert_eq!(plan.skipped_leaves, 0, "seed {seed}: 500 members never run out");
        // Joiners have fresh ids in join order; leavers are distinct, never the sender.
        let joined: Vec<NodeId> =
            plan.events.iter().filter_map(|e| if let Fault::Join(n) = e.1 { Some(n) } else { None }).collect();
        assert_eq!(joined, (500..500 + joined.len() as u32).collect::<Vec<_>>(), "seed {seed}");
        let mut left: Vec<NodeId> =
            plan.events.iter().filter_map(|e| if let Fault::Leave(n) = e.1 { Some(n) } else { None }).collect();
        assert!(!left.contains(&0), "seed {seed}: the sender left");
        left.sort_unstable();
        left.dedup();
        assert_eq!(left.len(), leaves.len(), "seed {seed}: a node left twice");
        // A leaver joined before it left.
        for e in &plan.events {
            if let Fault::Leave(n) = e.1 {
                if n >= 500 {
                    let at = plan.events.iter().find(|j| j.1 == Fault::Join(n)).map(|j| j.0);
                    assert!(at.is_some_and(|t| t <= e.0), "seed {seed}: node {n} left before it joined");
                }
            }
        }
        // The run applies exactly the plan.
        s.duration_ms = secs * 1000.0;
        let (r, _) = run(&s);
        assert_eq!((r.joins, r.leaves), (joins.len() as u64, leaves.len() as u64), "seed {seed}");
        assert_eq!(r.nodes, 500 + joins.len() as u32, "seed {seed}");
        assert_eq!(u64::from(r.live_nodes), 500 + r.joins - r.leaves, "seed {seed}");
    }
}

#[test]
fn churn_is_deterministic_and_depends_on_the_seed() {
    let mut s = scenario(9, 100, 1, unreliable());
    s.faults = vec![FaultSpec::Churn { join_per_sec: 5.0, leave_per_sec: 5.0, from_ms: 100.0, to_ms: 10_000.0 }];
    let a = faults::plan(&s, &Limits::NATIVE).unwrap();
    assert_eq!(a, faults::plan(&s, &Limits::NATIVE).unwrap());
    assert!(a.events.iter().all(|e| (100_000..10_000_000).contains(&e.0 .0)), "outside the window");
    s.seed = 10;
    assert_ne!(a.events, faults::plan(&s, &Limits::NATIVE).unwrap().events);
}

#[test]
fn churn_never_picks_a_node_an_explicit_fault_names() {
    // Four members, three of them named (the sender and two faulted nodes): every leave picks
    // node 3 or a churn joiner.
    let mut s = scenario(2, 4, 1, unreliable());
    s.faults = vec![
        crash(5.0, 1),
        pause(5.0, 2),
        FaultSpec::Churn { join_per_sec: 0.0, leave_per_sec: 50.0, from_ms: 0.0, to_ms: 1000.0 },
    ];
    let plan = faults::plan(&s, &Limits::NATIVE).unwrap();
    let leaves: Vec<&(SimTime, Fault)> = plan.events.iter().filter(|e| matches!(e.1, Fault::Leave(_))).collect();
    assert_eq!(leaves.len(), 1, "only node 3 can leave: {leaves:?}");
    assert_eq!(leaves[0].1, Fault::Leave(3));
    assert!(plan.skipped_leaves > 20, "the rest found no one: {}", plan.skipped_leaves);
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

#[track_caller]
fn refused(s: &Scenario, field: &str, words: &[&str]) {
    let err = s.validate(&Limits::NATIVE).expect_err(&format!("accepted, expected an error on {field}"));
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{field}: ")), "error should start with `{field}: `: {msg}");
    for w in words {
        assert!(msg.contains(w), "`{msg}` does not say `{w}`");
    }
}

#[test]
fn faults_out_of_order_are_refused_naming_the_entry() {
    let base = scenario(1, 10, 1, unreliable());
    let with = |faults: Vec<FaultSpec>| Scenario { faults, ..base.clone() };
    refused(&with(vec![recover(5.0, 3)]), "faults[0]", &["node 3", "recover", "up", "crashed"]);
    refused(&with(vec![recover(50.0, 3), crash(60.0, 3)]), "faults[0]", &["recover"]);
    refused(&with(vec![crash(60.0, 3), recover(50.0, 3)]), "faults[1]", &["recover", "50 ms"]);
    refused(&with(vec![resume(5.0, 3)]), "faults[0]", &["resume", "paused"]);
    refused(&with(vec![crash(1.0, 3), pause(5.0, 3)]), "faults[1]", &["pause", "crashed"]);
    refused(&with(vec![pause(1.0, 3), leave(5.0, 3)]), "faults[1]", &["leave", "paused"]);
    refused(&with(vec![leave(1.0, 3), crash(5.0, 3)]), "faults[1]", &["left"]);
    refused(&with(vec![leave(1.0, 3), recover(5.0, 3)]), "faults[1]", &["left"]);
    refused(&with(vec![crash(5.0, 3), crash(5.0, 3)]), "faults[1]", &["faults[0]", "distinct times"]);
    refused(&with(vec![crash(5.0, 3), recover(5.0, 3)]), "faults[1]", &["distinct times"]);
    refused(&with(vec![crash(1.0, 3), crash(5.0, 3)]), "faults[1]", &["crash", "crashed"]);
    // Joiners: ids after the group in list order; nothing before the join.
    refused(&with(vec![crash(5.0, 10)]), "faults[0].node", &["node 10", "0 to 9"]);
    refused(&with(vec![join(10.0), crash(5.0, 10)]), "faults[1]", &["not joined yet", "faults[0] joins it"]);
    refused(&with(vec![join(10.0), crash(15.0, 11)]), "faults[1].node", &["joiners 10 to 10"]);
    with(vec![join(10.0), crash(15.0, 10), recover(20.0, 10), leave(30.0, 10)]).validate(&Limits::NATIVE).unwrap();
    // A pause, a crash in it, a recovery, then a pause again: fine.
    with(vec![pause(1.0, 2), crash(2.0, 2), recover(3.0, 2), pause(4.0, 2), resume(5.0, 2)])
        .validate(&Limits::NATIVE)
        .unwrap();
    refused(&with(vec![pause(f64::NAN, 2)]), "faults[0].at_ms", &["NaN"]);
}

#[test]
fn churn_and_membership_out_of_range_are_refused() {
    let base = scenario(1, 10, 1, unreliable());
    let churn = |j: f64, l: f64, from: f64, to: f64| Scenario {
        faults: vec![crash(1.0, 2), FaultSpec::Churn { join_per_sec: j, leave_per_sec: l, from_ms: from, to_ms: to }],
        ..base.clone()
    };
    refused(&churn(-1.0, 0.0, 0.0, 10.0), "faults[1].join_per_sec", &["-1"]);
    refused(&churn(f64::NAN, 0.0, 0.0, 10.0), "faults[1].join_per_sec", &["NaN"]);
    refused(&churn(0.0, f64::INFINITY, 0.0, 10.0), "faults[1].leave_per_sec", &["inf"]);
    refused(&churn(1.0, 1.0, 10.0, 10.0), "faults[1].to_ms", &["after from_ms"]);
    refused(&churn(1.0, 1.0, -5.0, 10.0), "faults[1].from_ms", &[]);
    refused(&churn(100_000.0, 0.0, 0.0, 3_600_000.0), "faults[1].join_per_sec", &["at most"]);
    let mut small = churn(1000.0, 0.0, 0.0, 1000.0);
    small.group.size = 19_500;
    small.validate(&Limits::NATIVE).unwrap();
    let err = small.validate(&Limits::BROWSER).expect_err("about 1000 joiners past the browser's 20000");
    assert!(err.to_string().starts_with("faults[1].join_per_sec: "), "{err}");
    let mut m = base.clone();
    m.membership = MembershipSpec { service: Service::Oracle, delay_ms: -1.0, ..MembershipSpec::default() };
    refused(&m, "membership.delay_ms", &[]);
    // JSON: unknown fields and kinds name their place.
    let json = r#"{"version":1,"seed":1,"group":{"size":5},"protocol":{"kind":"centralized"},
        "faults":[{"kind":"churn","join_per_sec":1,"to_ms":10,"rate":3}]}"#;
    let err = Scenario::from_json(json).unwrap_err().to_string();
    assert!(err.starts_with("faults[0]") && err.contains("rate"), "{err}");
    let json = r#"{"version":1,"seed":1,"group":{"size":5},"protocol":{"kind":"centralized"},
        "membership":{"service":"gossip"}}"#;
    let err = Scenario::from_json(json).unwrap_err().to_string();
    assert!(err.starts_with("membership.service"), "{err}");
}

#[test]
fn node_states_show_paused_crashed_and_absent_nodes() {
    let mut s = scenario(1, 6, 1, unreliable());
    s.faults = vec![pause(1.0, 1), crash(1.0, 2), join(5.0), join(1e6), leave(2.0, 3)];
    let mut sim = engine::build(&s).unwrap();
    sim.run_until(SimTime::from_ms(3));
    let mut states = Vec::new();
    sim.node_states(&mut states);
    assert_eq!(states.len(), 8);
    assert_eq!(states[0], NodeState::Sender);
    assert_eq!(&states[1..4], &[NodeState::Paused, NodeState::Crashed, NodeState::Absent]);
    assert_eq!((states[6], states[7]), (NodeState::Absent, NodeState::Absent), "joiners not yet joined");
    sim.run_until(SimTime::from_ms(6));
    sim.node_states(&mut states);
    assert_eq!(states[6], NodeState::Waiting, "joined at 5 ms");
    assert_eq!(sim.positions().len(), 8, "joiners have positions");
}

/// The page's "Deliveries made / owed" counter ([`Simulation::owed`]) counts as the report does,
/// at every moment of a run with crashes, a recovery, joins and a leave: it must not fall back to
/// messages × (n − 1) when members come and go.
#[test]
fn the_polled_delivery_tally_matches_the_report_through_churn() {
    let mut s = scenario(7, 40, 10, reliable(3));
    s.faults = vec![crash(150.0, 3), recover(420.0, 3), crash(250.0, 9), join(300.0), join(520.0), leave(610.0, 12)];
    let mut sim = engine::build(&s).unwrap();
    let mut checked = 0;
    while !sim.is_done() {
        let t = sim.now().0 + 37_000;
        sim.run_until(SimTime(t));
        let r = sim.report();
        assert_eq!(sim.owed(), (r.deliveries, r.expected_deliveries), "at {} us", sim.now().0);
        checked += 1;
    }
    let (made, owed) = sim.owed();
    // 10 messages to 39 receivers, less node 9 (crashed for good) and node 12 (left), plus the
    // joiners' share of what followed their joins.
    assert!(owed < 10 * 39 && owed > 10 * 36, "owed {owed}");
    assert_eq!(made, owed, "a reliable run without loss delivers everything owed");
    assert!(checked > 10);
}
