//! Native (IP-style) multicast in the network model: the copies of one multicast packet
//! ([`Context::multicast`]) leave the sender's uplink once, together, then meet their own loss,
//! latency and partitions; without it each copy is a unicast of its own. SRM and RMTP on both.

use mcast::engine;
use mcast::protocol::{Context, GroupInfo, Input, MsgId, NodeId, PacketKind, Protocol, Wire};
use mcast::protocols::srm::SrmConfig;
use mcast::scenario::{
    GroupSpec, Layout, Limits, MembershipSpec, NetworkSpec, PartitionSpec, ProtocolSpec, Scenario, WorkloadSpec,
    SCENARIO_VERSION,
};
use mcast::sim::world::World;

#[derive(Clone, Debug)]
struct Packet(u32);

impl Wire for Packet {
    fn kind(&self) -> PacketKind {
        PacketKind::Data
    }
    fn bytes(&self) -> u32 {
        1000
    }
    fn msg(&self) -> Option<MsgId> {
        Some(MsgId(self.0))
    }
}

/// Multicasts every application message to every other initial member as one packet and logs
/// when each message arrives.
#[derive(Clone)]
struct Blaster {
    me: NodeId,
    size: u32,
    arrivals: Vec<(u32, u64)>,
}

impl Protocol for Blaster {
    type Msg = Packet;
    type Timer = ();
    type Config = ();

    fn describe_timer(&self, _timer: &()) -> String {
        "a timer of this test protocol".to_string()
    }

    fn new(me: NodeId, group: &GroupInfo, _: &()) -> Self {
        Blaster { me, size: group.size, arrivals: Vec::new() }
    }

    fn handle(&mut self, input: Input<Packet, ()>, cx: &mut Context<'_, Packet, ()>) {
        match input {
            Input::AppSend { id, .. } => {
                let me = self.me;
                cx.multicast((0..self.size).filter(|&n| n != me), Packet(id.0));
            }
            Input::Recv { msg, .. } => {
                self.arrivals.push((msg.0, cx.now().0));
                cx.deliver(MsgId(msg.0));
            }
            _ => {}
        }
    }
}

/// `n` nodes, 1 ms one way, no jitter, a 1 MB/s uplink (a 1000-byte packet takes 1 ms to leave),
/// two messages sent together at time 0.
fn scenario(n: u32, native: bool, loss: f64) -> Scenario {
    Scenario {
        version: SCENARIO_VERSION,
        name: String::new(),
        seed: 5,
        group: GroupSpec { size: n, sender: 0, layout: Layout::Disk, positions: None },
        network: NetworkSpec {
            latency_ms: 1.0,
            distance_ms: 0.0,
            jitter_ms: 0.0,
            loss,
            uplink_bytes_per_sec: 1_000_000,
            native_multicast: native,
            ..NetworkSpec::default()
        },
        protocol: ProtocolSpec::default_of("centralized").unwrap(),
        workload: WorkloadSpec { messages: 2, interval_ms: 0.0, ..WorkloadSpec::default() },
        faults: Vec::new(),
        membership: MembershipSpec::default(),
        attackers: Default::default(),
        duration_ms: 60_000.0,
    }
}

fn run(s: &Scenario) -> World<Blaster> {
    s.validate(&Limits::NATIVE).unwrap_or_else(|e| panic!("{e}"));
    let mut w = World::<Blaster>::new(engine::setup(s).unwrap(), &());
    w.run_to_end();
    w
}

fn arrival(w: &World<Blaster>, node: NodeId, msg: u32) -> Option<u64> {
    w.node(node).arrivals.iter().find(|a| a.0 == msg).map(|a| a.1)
}

#[test]
fn a_native_multicast_leaves_the_uplink_once_and_copies_arrive_together() {
    let w = run(&scenario(50, true, 0.0));
    for v in 1..50 {
        // 1 ms on the uplink + 1 ms on the wire; the second packet queues behind the first.
        assert_eq!(arrival(&w, v, 0), Some(2_000), "node {v}, message 0");
        assert_eq!(arrival(&w, v, 1), Some(3_000), "node {v}, message 1");
    }
    let r = w.report();
    assert_eq!((r.packets["data"], r.deliveries), (98, 98), "every copy counts as a packet to its receiver");
}

#[test]
fn without_native_multicast_each_copy_is_a_unicast_of_its_own() {
    let w = run(&scenario(50, false, 0.0));
    for v in 1..50u64 {
        // Copy k of message 0 leaves after k ms, message 1's copies after 49 more.
        assert_eq!(arrival(&w, v as u32, 0), Some(v * 1000 + 1000), "node {v}");
        assert_eq!(arrival(&w, v as u32, 1), Some((49 + v) * 1000 + 1000), "node {v}");
    }
}

#[test]
fn native_copies_are_lost_independently_at_the_configured_rate() {
    let n = 2001;
    let w = run(&scenario(n, true, 0.3));
    let r = w.report();
    let copies = 2.0 * f64::from(n - 1);
    let lost = r.packets_lost as f64 / copies;
    // 4,000 copies: the standard deviation of the loss ratio is about 0.007.
    assert!((lost - 0.3).abs() < 0.03, "lost {lost}");
    // Lost independently: about 0.3^2 of receivers miss both messages, not 0.3 (one fate for all).
    let both = (1..n).filter(|&v| arrival(&w, v, 0).is_none() && arrival(&w, v, 1).is_none()).count() as f64;
    assert!((both / f64::from(n - 1) - 0.09).abs() < 0.03, "missed both: {both}");
}

#[test]
fn a_partition_blocks_only_the_copies_it_names() {
    let mut s = scenario(10, true, 0.0);
    s.network.partitions =
        vec![PartitionSpec { from_ms: 0.0, to_ms: 100.0, a: vec![0], b: Some(vec![3, 7]), one_way: false }];
    let w = run(&s);
    for v in 1..10 {
        let blocked = v == 3 || v == 7;
        assert_eq!(arrival(&w, v, 0).is_none(), blocked, "node {v}");
    }
    assert_eq!(w.report().packets_dropped_partition, 4);
}

#[test]
fn scenarios_without_the_field_keep_it_off_and_leave_it_out_of_their_json() {
    let s = scenario(5, false, 0.0);
    let json = serde_json::to_string(&s).unwrap();
    assert!(!json.contains("native_multicast"), "{json}");
    let on = serde_json::to_string(&scenario(5, true, 0.0)).unwrap();
    assert!(on.contains("\"native_multicast\":true"), "{on}");
    assert!(Scenario::from_json(&on).unwrap().network.native_multicast);
}

/// SRM over native multicast: a packet's copies to 200 members leave in one transmission, so
/// data, requests and repairs reach everyone within a propagation delay, not after the
/// sender's uplink has pushed 199 copies (83 ms at 2.5 MB/s): messages complete several times
/// sooner.
#[test]
fn srm_completes_sooner_with_native_multicast() {
    let mut completion = Vec::new();
    for native in [false, true] {
        let mut s = Scenario::default_playground();
        s.seed = 3;
        s.group.size = 200;
        s.network.loss = 0.1;
        s.network.native_multicast = native;
        s.protocol = ProtocolSpec::Srm(SrmConfig::default());
        s.workload = WorkloadSpec { messages: 10, interval_ms: 100.0, start_ms: 2500.0, ..WorkloadSpec::default() };
        s.duration_ms = 15_000.0;
        let mut sim = engine::build(&s).unwrap();
        sim.run_to_end();
        let r = sim.report();
        assert_eq!(r.deliveries, r.expected_deliveries, "native {native}");
        completion.push(r.message_completion_ms.p50.unwrap());
    }
    assert!(completion[1] * 3.0 < completion[0], "p50 completion unicast vs native: {completion:?}");
}
