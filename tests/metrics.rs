//! The report's metrics against theory: exact values where the model gives them (centralized
//! without loss, trees and chains of a test protocol through the kernel), distributions where it
//! gives those (duplicates of centralized with ACKs under loss). Every message names the seed.

mod common;

use mcast::engine;
use mcast::metrics::{Report, IMPLOSION_BUCKET_US, PER_MESSAGE_CAP};
use mcast::protocol::{Context, GroupInfo, Input, MsgId, NodeId, PacketKind, Protocol, Wire};
use mcast::protocols::centralized::CentralizedConfig;
use mcast::scenario::layout;
use mcast::scenario::{NetworkSpec, Scenario};
use mcast::sim::network::Network;
use mcast::sim::world::{Setup, World};
use mcast::time::{SimDuration, SimTime};
use std::collections::BTreeMap;

fn scenario(seed: u64, n: u32, messages: u32, network: NetworkSpec, config: CentralizedConfig) -> Scenario {
    let workload = common::messages(messages, 1000, 100.0);
    Scenario { seed, network, workload, duration_ms: 3_600_000.0, ..common::scenario(n, config) }
}

fn lossless() -> NetworkSpec {
    NetworkSpec { loss: 0.0, ..NetworkSpec::default() }
}

fn unreliable() -> CentralizedConfig {
    CentralizedConfig { reliable: false, ..CentralizedConfig::default() }
}

fn reliable(max_retries: u32) -> CentralizedConfig {
    CentralizedConfig { reliable: true, max_retries, ..CentralizedConfig::default() }
}

fn run(s: &Scenario) -> Report {
    common::run(s).0
}

// ---------------------------------------------------------------------------------------------
// Centralized without loss: everything is exact
// ---------------------------------------------------------------------------------------------

#[test]
fn centralized_without_loss_has_no_redundancy_and_stress_n_minus_1() {
    for (seed, n, m) in [(1u64, 2u32, 1u32), (2, 10, 5), (3, 300, 1), (4, 300, 4), (5, 1000, 2)] {
        let r = run(&scenario(seed, n, m, lossless(), unreliable()));
        let ctx = format!("seed {seed}, n {n}, messages {m}: {r:?}");
        let copies = u64::from(n - 1) * u64::from(m);
        assert_eq!(r.duplicates_received, 0, "{ctx}");
        assert_eq!(r.rmr, Some(0.0), "{ctx}");
        assert_eq!(
            (r.link_stress.copies, r.link_stress.node, r.link_stress.message),
            (n - 1, Some(0), Some(0)),
            "{ctx}"
        );
        assert_eq!((r.hops.last, r.hops.max, r.hops.mean, r.hops.unknown), (Some(1), Some(1), Some(1.0), 0), "{ctx}");
        assert_eq!((r.traffic.payload_packets, r.traffic.payload_bytes), (copies, copies * 1040), "{ctx}");
        assert_eq!((r.traffic.control_packets, r.traffic.control_bytes), (0, 0), "{ctx}");
        assert_eq!((r.sent_per_node.max, r.sent_per_node.node), (copies, Some(0)), "{ctx}");
        assert_eq!(r.sent_per_node.mean, copies as f64 / f64::from(n), "{ctx}");
        let c = &r.message_completion_ms;
        assert_eq!((c.complete, c.incomplete, c.per_message.len()), (m, 0, m as usize), "{ctx}");
        assert_eq!(c.max, Some(c.per_message.iter().map(|v| v.unwrap()).fold(0.0, f64::max)), "{ctx}");
    }
}

/// Time for one copy of `bytes` bytes to leave an uplink of `rate` bytes/s, in microseconds.
fn per_copy_us(bytes: u64, rate: u64) -> u64 {
    (bytes * 1_000_000).div_ceil(rate)
}

#[test]
fn message_completion_follows_the_uplink_queue() {
    // Constant latency L, uplink R, copies of T = (B + 40) / R each. Message k is sent at k·I.
    // If the uplink is idle at each send, every message completes in (n − 1)·T + L. If it is not,
    // the uplink stays busy from time zero and message k's last copy leaves at (k + 1)(n − 1)·T,
    // so it completes in (k + 1)(n − 1)·T + L − k·I.
    let (n, latency_us, rate) = (50u32, 3_000u64, 1_000_000u64);
    let t = per_copy_us(1040, rate);
    let busy = u64::from(n - 1) * t; // 50,960 µs
    for (seed, interval_ms) in [(1u64, 100.0), (2, 20.0), (3, 0.0)] {
        let network = NetworkSpec {
            latency_ms: latency_us as f64 / 1000.0,
            distance_ms: 0.0,
            jitter_ms: 0.0,
            loss: 0.0,
            uplink_bytes_per_sec: rate,
            ..NetworkSpec::default()
        };
        let mut s = scenario(seed, n, 6, network, unreliable());
        s.workload.interval_ms = interval_ms;
        let r = run(&s);
        let interval_us = (interval_ms * 1000.0) as u64;
        let want: Vec<Option<f64>> = (0..6u64)
            .map(|k| {
                let us =
                    if interval_us >= busy { busy + latency_us } else { (k + 1) * busy + latency_us - k * interval_us };
                Some(us as f64 / 1000.0)
            })
            .collect();
        let ctx = format!("seed {seed}, interval {interval_ms} ms: {r:?}");
        assert_eq!(r.message_completion_ms.per_message, want, "{ctx}");
        // The last message's completion is the last delivery, sent at 5·I.
        assert!((r.completion_ms - (want[5].unwrap() + 5.0 * interval_ms)).abs() < 1e-9, "{ctx}");
    }
    // One message: its completion time is the last delivery.
    let r = run(&scenario(9, 300, 1, lossless(), unreliable()));
    let c = &r.message_completion_ms;
    assert_eq!(
        (c.p50, c.p99, c.max, c.mean),
        (Some(r.completion_ms), Some(r.completion_ms), Some(r.completion_ms), Some(r.completion_ms))
    );
    assert_eq!(r.latency_ms.max, r.completion_ms);
}

#[test]
fn implosion_at_the_sender_is_its_busiest_100_ms_of_acks() {
    // Reliable, no loss, no jitter, unlimited uplink: receiver i's ACK for message k lands at the
    // sender at k·I + L(0, i) + L(i, 0), and no retransmission ever goes out. Receivers get one
    // packet per message, far fewer than the sender's ACKs, so the sender's busiest bucket wins.
    for (seed, n, m, interval_ms) in [(1u64, 1000u32, 5u32, 30.0), (2, 400, 3, 70.0), (3, 2000, 2, 5.0)] {
        let network = NetworkSpec { jitter_ms: 0.0, loss: 0.0, uplink_bytes_per_sec: 0, ..NetworkSpec::default() };
        let mut s = scenario(seed, n, m, network.clone(), reliable(8));
        s.workload.interval_ms = interval_ms;
        s.workload.start_ms = 42.0;
        let r = run(&s);
        let net = Network::new(&network.config(), layout::positions(&s.group, seed), seed);
        let mut buckets: BTreeMap<u64, u32> = BTreeMap::new();
        for k in 0..u64::from(m) {
            let sent = 42_000 + k * (interval_ms * 1000.0) as u64;
            for i in 1..n {
                let ack = sent + net.base_latency(0, i).0 + net.base_latency(i, 0).0;
                *buckets.entry(ack / IMPLOSION_BUCKET_US).or_default() += 1;
            }
        }
        let best = *buckets.values().max().unwrap();
        // Arrivals come in time order, so the first bucket to reach the maximum is the earliest.
        let first = buckets.iter().find(|b| *b.1 == best).map(|b| *b.0).unwrap();
        let ctx = format!("seed {seed}, n {n}, messages {m}, interval {interval_ms}: {buckets:?} vs {:?}", r.implosion);
        assert_eq!(r.packets["retransmit"], 0, "{ctx}");
        assert_eq!(r.implosion.packets, best, "{ctx}");
        assert_eq!(r.implosion.node, Some(0), "{ctx}");
        assert_eq!(r.implosion.at_ms, Some((first * IMPLOSION_BUCKET_US) as f64 / 1000.0), "{ctx}");
        assert_eq!(r.implosion.bucket_ms, 100.0, "{ctx}");
        // ACKs are control traffic.
        assert_eq!(r.traffic.control_packets, u64::from((n - 1) * m), "{ctx}");
        assert_eq!(r.traffic.control_bytes, u64::from((n - 1) * m) * 40, "{ctx}");
    }
}

// ---------------------------------------------------------------------------------------------
// Centralized with ACKs under loss: duplicates against an exact distribution
// ---------------------------------------------------------------------------------------------

/// The exact distribution of duplicate copies one receiver gets from the reliable centralized
/// sender at loss `p` with `max_retries` rounds, when every ACK lands before the next round:
/// each round the sender sends a copy (lost with p); a copy that arrives is a duplicate if the
/// receiver already had the message, and its ACK (lost with p) stops the rounds. Returns
/// (mean, variance).
fn duplicates_per_receiver(p: f64, max_retries: u32) -> (f64, f64) {
    // Probability mass of (has the message, duplicates so far) while the sender still sends.
    let mut live: BTreeMap<(bool, u32), f64> = BTreeMap::from([((false, 0), 1.0)]);
    let mut done: BTreeMap<u32, f64> = BTreeMap::new();
    for _round in 0..=max_retries {
        let mut next: BTreeMap<(bool, u32), f64> = BTreeMap::new();
        for (&(has, d), &pr) in &live {
            *next.entry((has, d)).or_default() += pr * p; // copy lost
            let d2 = d + u32::from(has);
            *next.entry((true, d2)).or_default() += pr * (1.0 - p) * p; // arrives, ACK lost
            *done.entry(d2).or_default() += pr * (1.0 - p) * (1.0 - p); // arrives, ACK lands
        }
        live = next;
    }
    for ((_, d), pr) in live {
        *done.entry(d).or_default() += pr;
    }
    let total: f64 = done.values().sum();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
    let mean: f64 = done.iter().map(|(&d, &pr)| f64::from(d) * pr).sum();
    let var: f64 = done.iter().map(|(&d, &pr)| (f64::from(d) - mean).powi(2) * pr).sum();
    (mean, var)
}

#[test]
fn reliable_with_loss_receives_duplicates_as_theory_says() {
    // Unlimited uplink: every ACK is back within 2 × (5 + 40 · 0.5) = 50 ms, well before the first
    // round at 250 ms, as the model assumes. Receivers' duplicates are independent.
    let (n, m, retries) = (300u32, 3u32, 8u32);
    let mut identities = 0;
    for (seed, p) in [(1u64, 0.1), (2, 0.2), (3, 0.3), (4, 0.3), (5, 0.5)] {
        let network = NetworkSpec { loss: p, uplink_bytes_per_sec: 0, ..NetworkSpec::default() };
        let r = run(&scenario(seed, n, m, network, reliable(retries)));
        let (mean, var) = duplicates_per_receiver(p, retries);
        let k = f64::from((n - 1) * m);
        let (want, sd) = (k * mean, (k * var).sqrt());
        let got = r.duplicates_received as f64;
        let ctx = format!("seed {seed}, loss {p}: duplicates {got}, expected {want:.1} ± {sd:.1}: {r:?}");
        assert!(r.duplicates_received > 0, "{ctx}");
        assert!((got - want).abs() <= 5.0 * sd, "{ctx}");
        // The centralized receiver delivers once and ACKs every copy: duplicates never reach the
        // application, and every ACK answers a copy that arrived.
        assert_eq!(r.duplicate_deliveries, 0, "{ctx}");
        assert_eq!(r.packets["ack"], r.deliveries + r.duplicates_received, "{ctx}");
        // Payload packets received = first deliveries + duplicates, so RMR = duplicates / deliveries
        // when every message reached every receiver (at loss 0.5 a receiver misses a message
        // after 9 lost copies, 0.2 % of the time).
        if r.delivered_ratio == 1.0 {
            let rmr = r.rmr.unwrap();
            assert!((rmr - got / r.deliveries as f64).abs() < 1e-12, "{ctx}");
            identities += 1;
        }
        assert!(r.link_stress.copies >= n - 1, "{ctx}");
    }
    assert!(identities >= 4, "the RMR identity was checked {identities} times");
}

#[test]
fn rmr_is_the_mean_over_messages_and_null_when_nothing_arrived() {
    // Loss 1: nothing arrives anywhere; no message has a receiver, RMR is undefined, every
    // message is incomplete, and the latency summaries are null rather than 0.
    let network = NetworkSpec { loss: 1.0, ..NetworkSpec::default() };
    let r = run(&scenario(1, 20, 3, network, reliable(2)));
    assert_eq!(r.rmr, None, "{r:?}");
    assert_eq!(r.duplicates_received, 0, "{r:?}");
    let c = &r.message_completion_ms;
    assert_eq!((c.complete, c.incomplete, c.p50, c.max), (0, 3, None, None), "{r:?}");
    assert_eq!(c.per_message, [None, None, None], "{r:?}");
    assert_eq!((r.implosion.packets, r.implosion.node, r.implosion.at_ms), (0, None, None), "{r:?}");
    assert_eq!((r.hops.last, r.hops.max, r.hops.mean), (None, None, None), "{r:?}");
}

#[test]
fn per_message_list_is_capped() {
    let mut s = scenario(3, 3, PER_MESSAGE_CAP as u32 + 5, lossless(), unreliable());
    s.workload.interval_ms = 1.0;
    let r = run(&s);
    let c = &r.message_completion_ms;
    assert_eq!((c.complete, c.per_message.len()), (PER_MESSAGE_CAP as u32 + 5, PER_MESSAGE_CAP));
}

#[test]
fn crashed_receivers_leave_messages_complete_for_the_living() {
    // Node 5 crashes before anything is sent: the others' deliveries complete every message.
    let mut s = scenario(4, 30, 2, lossless(), reliable(1));
    s.workload.start_ms = 10.0;
    s.faults = vec![mcast::scenario::FaultSpec::Crash { at_ms: 1.0, node: 5 }];
    let r = run(&s);
    assert_eq!((r.message_completion_ms.complete, r.message_completion_ms.incomplete), (2, 0), "{r:?}");
    // The crashed node did not get it: n − 1 = 28 receivers per message, 28 payload packets
    // received (the copies to node 5 reach a crashed node, not a live one).
    assert_eq!(r.rmr, Some(0.0), "{r:?}");
}

// ---------------------------------------------------------------------------------------------
// Hops, stress and implosion of a test protocol through the kernel
// ---------------------------------------------------------------------------------------------

/// How a [`Relay`] node forwards.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// Node i forwards to i + 1.
    Chain,
    /// Node i forwards to 2i + 1 and 2i + 2.
    Binary,
}

#[derive(Clone, Debug)]
struct RelayConfig {
    shape: Shape,
    /// Deliver from a timer 1 ms after receipt (the kernel then cannot attribute a hop).
    deliver_later: bool,
}

#[derive(Clone, Debug)]
struct Pkt(MsgId);

impl Wire for Pkt {
    fn kind(&self) -> PacketKind {
        PacketKind::Data
    }
    fn bytes(&self) -> u32 {
        100
    }
    fn msg(&self) -> Option<MsgId> {
        Some(self.0)
    }
}

/// Forwards every message down a fixed chain or binary tree rooted at node 0.
#[derive(Clone)]
struct Relay {
    me: NodeId,
    size: u32,
    config: RelayConfig,
    seen: Vec<MsgId>,
}

impl Relay {
    fn forward(&self, id: MsgId, cx: &mut Context<'_, Pkt, MsgId>) {
        let children = match self.config.shape {
            Shape::Chain => vec![self.me + 1],
            Shape::Binary => vec![2 * self.me + 1, 2 * self.me + 2],
        };
        for c in children.into_iter().filter(|&c| c < self.size) {
            cx.send(c, Pkt(id));
        }
    }
}

impl Protocol for Relay {
    type Msg = Pkt;
    type Timer = MsgId;
    type Config = RelayConfig;

    fn describe_timer(&self, id: &MsgId) -> String {
        format!("deliver m{}", id.0)
    }

    fn new(me: NodeId, group: &GroupInfo, config: &RelayConfig) -> Self {
        Relay { me, size: group.size, config: config.clone(), seen: Vec::new() }
    }

    fn handle(&mut self, input: Input<Pkt, MsgId>, cx: &mut Context<'_, Pkt, MsgId>) {
        match input {
            Input::Start => {}
            Input::AppSend { id, .. } => self.forward(id, cx),
            Input::Recv { msg: Pkt(id), .. } if !self.seen.contains(&id) => {
                self.seen.push(id);
                if self.config.deliver_later {
                    cx.set_timer(SimDuration::from_ms(1), id);
                } else {
                    cx.deliver(id);
                }
                self.forward(id, cx);
            }
            Input::Recv { .. } => {}
            Input::Timer(id) => cx.deliver(id),
            _ => {}
        }
    }
}

/// Runs `messages` messages from node 0, `interval_us` apart, over `n` relay nodes with 1 ms
/// links, no loss, no jitter and unlimited uplinks.
fn relay(n: u32, messages: u32, interval_us: u64, config: RelayConfig) -> (Report, World<Relay>) {
    let spec = NetworkSpec {
        latency_ms: 1.0,
        distance_ms: 0.0,
        jitter_ms: 0.0,
        loss: 0.0,
        uplink_bytes_per_sec: 0,
        ..NetworkSpec::default()
    };
    let setup = Setup {
        seed: 1,
        size: n,
        network: Network::new(&spec.config(), vec![[0.5, 0.5]; n as usize], 1),
        messages: (0..messages).map(|k| (SimTime(u64::from(k) * interval_us), 0, 100)).collect(),
        faults: Default::default(),
        playout: None,
        end: SimTime::from_ms(60_000),
        budget: mcast::sim::budget::Budget::UNLIMITED,
    };
    let mut world = World::<Relay>::new(setup, &config);
    world.run_to_end();
    (world.report(), world)
}

#[test]
fn binary_tree_hops_are_depths_and_stress_is_two() {
    for (n, messages) in [(15u32, 1u32), (15, 4), (100, 3)] {
        let (r, w) = relay(n, messages, 10_000, RelayConfig { shape: Shape::Binary, deliver_later: false });
        let depth = |i: u32| (i + 1).ilog2() as u16;
        let ctx = format!("n {n}, messages {messages}: {r:?}");
        for i in 0..n {
            for k in 0..messages {
                assert_eq!(w.metrics().hop_of(i, MsgId(k)), Some(depth(i)), "node {i}, message {k}: {ctx}");
            }
        }
        let deepest = depth(n - 1);
        // Equal depths land at the same time and the deepest, highest-numbered node comes last.
        assert_eq!((r.hops.last, r.hops.max, r.hops.unknown), (Some(deepest), Some(deepest), 0), "{ctx}");
        let mean = (1..n).map(|i| f64::from(depth(i))).sum::<f64>() / f64::from(n - 1);
        assert!((r.hops.mean.unwrap() - mean).abs() < 1e-12, "{ctx}");
        assert_eq!((r.link_stress.copies, r.link_stress.node, r.link_stress.message), (2, Some(0), Some(0)), "{ctx}");
        assert_eq!((r.duplicates_received, r.rmr), (0, Some(0.0)), "{ctx}");
        // Every node but the root gets one packet per message, all within the first 100 ms; node
        // 1 is the first to get them all.
        assert_eq!((r.implosion.packets, r.implosion.node, r.implosion.at_ms), (messages, Some(1), Some(0.0)), "{ctx}");
        assert_eq!((r.sent_per_node.max, r.sent_per_node.node), (u64::from(2 * messages), Some(0)), "{ctx}");
    }
}

#[test]
fn hop_memory_is_bounded_and_says_what_it_forgot() {
    let chain = RelayConfig { shape: Shape::Chain, deliver_later: false };
    // Spaced messages: each has left the 6-node chain (5 ms) before the next; every hop is known.
    let (r, w) = relay(6, 8, 10_000, chain.clone());
    assert_eq!((r.hops.last, r.hops.max, r.hops.unknown), (Some(5), Some(5), 0), "{r:?}");
    assert_eq!(w.metrics().hop_of(4, MsgId(6)), Some(4));
    // Message 2's slot now holds message 6: forgotten, not guessed.
    assert_eq!(w.metrics().hop_of(4, MsgId(2)), None);
    // All 8 at once: node 1 (hop 1 from the origin) delivers 0..7 before node 2 hears of 0, so
    // its slots hold 4..7 and messages 0..3 are unknown from node 2 on: 4 per node from 2 to 5.
    let (r, w) = relay(6, 8, 0, chain);
    assert_eq!((r.hops.last, r.hops.max, r.hops.unknown), (Some(5), Some(5), 16), "{r:?}");
    assert_eq!(r.hops.mean, Some(f64::from(8 + 4 * (2 + 3 + 4 + 5)) / 24.0), "{r:?}");
    for i in 2..6 {
        assert_eq!(w.metrics().hop_of(i, MsgId(1)), None, "node {i}");
        assert_eq!(w.metrics().hop_of(i, MsgId(6)), Some(i as u16), "node {i}");
    }
    // Delivered from a timer: no packet to attribute the delivery to, every hop unknown.
    let (r, _) = relay(6, 2, 10_000, RelayConfig { shape: Shape::Chain, deliver_later: true });
    assert_eq!((r.hops.last, r.hops.max, r.hops.unknown), (None, None, 10), "{r:?}");
    assert_eq!(r.deliveries, 10);
}

// ---------------------------------------------------------------------------------------------
// Time series
// ---------------------------------------------------------------------------------------------

#[test]
fn series_sum_to_the_totals() {
    for seed in 0..4u64 {
        let network = NetworkSpec { loss: 0.2, ..NetworkSpec::default() };
        let mut s = scenario(seed, 200, 3, network, reliable(4));
        s.duration_ms = 60_000.0;
        let mut sim = engine::build(&s).unwrap();
        assert_eq!(sim.record_series(SimDuration::from_ms(10)), SimDuration::from_ms(10));
        sim.run_to_end();
        let r = sim.report();
        let series = r.series.clone().unwrap_or_else(|| panic!("seed {seed}: no series"));
        let ctx = format!("seed {seed}: {r:?}");
        let sum = |v: &[u64]| v.iter().sum::<u64>();
        // The sender gives up after 250 · (2^5 − 1) ms, long before the minute ends, so every
        // packet left within the run.
        for (kind, v) in &series.sent {
            assert_eq!(sum(v), r.packets[kind], "{kind}: {ctx}");
        }
        assert_eq!(sum(&series.lost), r.packets_lost, "{ctx}");
        assert_eq!(sum(&series.deliveries), r.deliveries, "{ctx}");
        assert_eq!(sum(&series.duplicates), r.duplicates_received, "{ctx}");
        let sent: u64 = r.packets.values().sum();
        assert_eq!(sum(&series.arrivals), sent - r.packets_lost, "{ctx}");
        // [0, 60 s] in 10 ms buckets, the end included.
        assert_eq!((series.bucket_ms, series.requested_bucket_ms, series.lost.len()), (10.0, 10.0, 6001), "{ctx}");
        // Recording changes nothing else.
        let plain = run(&s);
        assert_eq!(Report { series: None, ..r }, plain, "seed {seed}");
    }
}

#[test]
fn series_too_fine_for_the_run_is_widened() {
    // An hour in 10 ms buckets would be 360,001 buckets; at most 10,000: widened to the smallest
    // multiple of 10 ms that fits, 370 ms (3,600,000 / 9,999 = 360.04 ms rounded up).
    let s = scenario(1, 20, 1, lossless(), unreliable());
    let mut sim = engine::build(&s).unwrap();
    assert_eq!(sim.record_series(SimDuration::from_ms(10)), SimDuration::from_ms(370));
    sim.run_to_end();
    let series = sim.report().series.unwrap();
    assert_eq!((series.bucket_ms, series.requested_bucket_ms), (370.0, 10.0));
    assert_eq!(series.deliveries.len(), 3_600_000 / 370 + 1);
    assert_eq!(series.deliveries[0], 19);
}

#[test]
fn epidemic_measures_count_rounds_in_rounds_mode_and_milliseconds_otherwise() {
    let s = common::scenario_file("rounds.json");
    let (r, _) = common::run(&s);
    let e = &r.epidemic;
    assert_eq!(e.unit, "rounds");
    // 50 ms rounds: every latency is a whole number of rounds.
    assert_eq!((e.t_ave, e.t_last), (r.latency_ms.mean / 50.0, r.latency_ms.max / 50.0));
    assert_eq!(e.t_last.fract(), 0.0);
    assert!((e.residue - (1.0 - r.delivered_ratio)).abs() < 1e-12);
    let per_node = r.traffic.payload_packets as f64 / f64::from(r.nodes) / f64::from(r.messages);
    assert!((e.traffic - per_node).abs() < 1e-12);
    assert_eq!(e.delivery_histogram.iter().sum::<u32>(), r.messages);

    let mut s = s;
    s.network.mode = mcast::scenario::NetworkMode::Async;
    let (r, _) = common::run(&s);
    assert_eq!((r.epidemic.unit, r.epidemic.t_last), ("ms", r.latency_ms.max));
}

/// The delivery window's traffic counts what was sent up to the last first delivery: a tree's
/// heartbeats after it are in the whole run's count only.
#[test]
fn traffic_to_last_delivery_stops_at_the_last_delivery() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tree.json")).expect("tree.json");
    let s = mcast::scenario::Scenario::from_json(&text).expect("a valid scenario");
    let mut sim = mcast::engine::build(&s).expect("a valid scenario");
    sim.run_to_end();
    let r = sim.report();
    let (whole, window) = (&r.traffic, &r.traffic_to_last_delivery);
    assert!(
        window.control_packets > 0 && window.control_packets * 4 < whole.control_packets,
        "{window:?} vs {whole:?}"
    );
    assert!(window.payload_packets <= whole.payload_packets);
    // Re-run to the last delivery: what had been sent then is the window's count.
    let mut again = mcast::engine::build(&s).expect("a valid scenario");
    again.run_until(mcast::time::SimTime((r.completion_ms * 1000.0).round() as u64));
    let sent_then: u64 = again.counters().sent.iter().sum();
    assert!(sent_then >= window.control_packets + window.payload_packets);
}
