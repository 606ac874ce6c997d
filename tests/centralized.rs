//! Tiers 2 and 3: the centralized protocol through the kernel, its metrics against theory, over
//! sweeps of seeds. Every assertion message names the seed.

mod common;

use common::run;

use mcast::engine;
use mcast::metrics::Report;
use mcast::protocol::{NodeId, PacketKind};
use mcast::protocols::centralized::{Centralized, CentralizedConfig};
use mcast::scenario::{FaultSpec, NetworkSpec, ProtocolSpec, Scenario};
use mcast::sim::world::World;
use std::collections::BTreeSet;

/// The longest run a scenario may ask for (milliseconds).
const MAX_DURATION_MS: f64 = 3_600_000.0;

fn scenario(seed: u64, n: u32, messages: u32, loss: f64, config: CentralizedConfig) -> Scenario {
    let network = NetworkSpec { loss, ..NetworkSpec::default() };
    Scenario { seed, network, workload: common::messages(messages, 1000, 100.0), ..common::scenario(n, config) }
}

fn unreliable() -> CentralizedConfig {
    CentralizedConfig { reliable: false, ..CentralizedConfig::default() }
}

fn reliable(max_retries: u32) -> CentralizedConfig {
    CentralizedConfig { reliable: true, max_retries, ..CentralizedConfig::default() }
}

fn packets(r: &Report, kind: &str) -> u64 {
    *r.packets.get(kind).unwrap_or_else(|| panic!("no `{kind}` in packets: {:?}", r.packets))
}

// ---------------------------------------------------------------------------------------------
// Unreliable
// ---------------------------------------------------------------------------------------------

#[test]
fn unreliable_without_loss_reaches_every_receiver() {
    for (seed, n, m) in [(1u64, 2u32, 1u32), (2, 10, 5), (3, 300, 1), (4, 300, 4), (5, 1000, 2)] {
        let (r, sim) = run(&scenario(seed, n, m, 0.0, unreliable()));
        let want = u64::from(n - 1) * u64::from(m);
        let ctx = format!("seed {seed}, n {n}, messages {m}: {r:?}");
        assert_eq!(r.delivered_ratio, 1.0, "{ctx}");
        assert_eq!(r.deliveries, want, "{ctx}");
        assert_eq!(r.expected_deliveries, want, "{ctx}");
        assert_eq!(r.duplicate_deliveries, 0, "{ctx}");
        assert_eq!(packets(&r, "data"), want, "{ctx}");
        assert_eq!(packets(&r, "ack"), 0, "{ctx}");
        assert_eq!(packets(&r, "retransmit"), 0, "{ctx}");
        assert_eq!(r.packets_lost, 0, "{ctx}");
        assert_eq!(r.bytes["data"], want * 1040, "{ctx}: payload + 40-byte header per copy");
        assert_eq!((r.nodes, r.live_nodes, r.messages), (n, n, m), "{ctx}");
        // Events: one App per message and one arrival per copy, nothing else.
        assert_eq!(r.events, u64::from(m) + want, "{ctx}");
        let c = sim.counters();
        assert_eq!(c.sent[PacketKind::Data as usize], want, "{ctx}");
        assert_eq!(c.deliveries, want, "{ctx}");
    }
}

/// Time for one copy of `bytes` bytes to leave an uplink of `rate` bytes/s, in microseconds.
fn tx_us(bytes: u64, rate: u64) -> u64 {
    (bytes * 1_000_000).div_ceil(rate)
}

#[test]
fn last_arrival_grows_linearly_with_the_group() {
    // No jitter, no distance term: every copy takes L after leaving the uplink, and the uplink
    // sends the n - 1 copies back to back, so the last one lands at L + (n - 1) (B + 40) / R.
    for (latency_ms, payload, rate) in [(5.0, 960u32, 1_000_000u64), (12.5, 1000, 2_500_000), (1.0, 1460, 10_000_000)] {
        let mut completion = Vec::new();
        for n in [50u32, 100, 200, 400] {
            let mut s = scenario(7, n, 1, 0.0, unreliable());
            s.network = common::exact_network(latency_ms, rate);
            s.workload.size_bytes = payload;
            let (r, _) = run(&s);
            let per_copy_us = tx_us(u64::from(payload) + 40, rate);
            let ctx = format!("seed 7, n {n}, L {latency_ms} ms, B {payload}, R {rate}: {r:?}");
            // The formula in milliseconds, as the brief states it...
            let formula_ms = latency_ms + f64::from(n - 1) * f64::from(payload + 40) / rate as f64 * 1000.0;
            assert!((r.completion_ms - formula_ms).abs() < 1e-9, "{ctx}: expected {formula_ms}");
            // ...and exactly, in the kernel's integer microseconds.
            let exact_us = (latency_ms * 1000.0) as u64 + u64::from(n - 1) * per_copy_us;
            assert_eq!(r.completion_ms, exact_us as f64 / 1000.0, "{ctx}");
            assert_eq!(r.latency_ms.max, r.completion_ms, "{ctx}: message sent at 0");
            // Copy k (1-based) lands at L + k t; the nearest-rank median is copy ceil((n - 1) / 2).
            let median_us = (latency_ms * 1000.0) as u64 + u64::from(n - 1).div_ceil(2) * per_copy_us;
            assert_eq!(r.latency_ms.p50, median_us as f64 / 1000.0, "{ctx}");
            completion.push(r.completion_ms - latency_ms);
        }
        let ratio = completion[3] / completion[1];
        assert!((ratio - 399.0 / 99.0).abs() < 1e-9, "L {latency_ms}: (n=400) / (n=100) = {ratio}, want 399/99");
        let ratio = completion[2] / completion[0];
        assert!((ratio - 199.0 / 49.0).abs() < 1e-9, "L {latency_ms}: (n=200) / (n=50) = {ratio}, want 199/49");
    }
}

#[test]
fn latency_is_rounded_to_the_nearest_microsecond() {
    // 2.01 ms * 1000 = 2009.9999999999998 in f64: truncation gives 2009 us, not 2010.
    for latency_ms in [2.01, 4.02, 8.03, 5.0] {
        let mut s = scenario(1, 2, 1, 0.0, unreliable());
        s.network = NetworkSpec {
            latency_ms,
            distance_ms: 0.0,
            jitter_ms: 0.0,
            loss: 0.0,
            uplink_bytes_per_sec: 0,
            ..NetworkSpec::default()
        };
        let (r, _) = run(&s);
        assert_eq!(r.completion_ms, latency_ms, "latency {latency_ms} ms");
    }
}

#[test]
fn loss_matches_its_probability() {
    // Each of the n - 1 copies is lost independently with p: delivered ratio ~ Binomial / (n - 1).
    let (n, p) = (2000u32, 0.2);
    let sd = (p * (1.0 - p) / f64::from(n - 1)).sqrt();
    let mut total = 0.0;
    let seeds = 1..=8u64;
    for seed in seeds.clone() {
        let (r, _) = run(&scenario(seed, n, 1, p, unreliable()));
        assert!(
            (r.delivered_ratio - (1.0 - p)).abs() <= 5.0 * sd,
            "seed {seed}: delivered_ratio {} outside 0.8 +- 5 sd ({sd:.5})",
            r.delivered_ratio
        );
        assert_eq!(r.deliveries + r.packets_lost, u64::from(n - 1), "seed {seed}: every copy delivered or lost");
        assert_eq!(packets(&r, "retransmit"), 0, "seed {seed}");
        assert_eq!(r.duplicate_deliveries, 0, "seed {seed}");
        total += r.delivered_ratio;
    }
    let k = seeds.count() as f64;
    let mean = total / k;
    assert!((mean - (1.0 - p)).abs() <= 5.0 * sd / k.sqrt(), "mean ratio over seeds {mean}");
}

// ---------------------------------------------------------------------------------------------
// Reliable
// ---------------------------------------------------------------------------------------------

#[test]
fn reliable_at_thirty_percent_loss_delivers_everything() {
    // A receiver misses a message only if all 1 + max_retries copies are lost: 0.3^13 ~ 1.6e-7
    // per receiver and message, ~1e-3 over the whole sweep. The default 8 retries would not fit
    // in 60 s (the 8th round fires at 250 ms * 255), hence the longer run.
    let (n, m, loss, retries) = (200u32, 3u32, 0.3, 12);
    let mut rtx_total = 0u64;
    let seeds = 0..12u64;
    for seed in seeds.clone() {
        let mut s = scenario(seed, n, m, loss, reliable(retries));
        s.duration_ms = MAX_DURATION_MS;
        let (r, _) = run(&s);
        let want = u64::from(n - 1) * u64::from(m);
        let ctx = format!("seed {seed}: {r:?}");
        assert_eq!(r.delivered_ratio, 1.0, "{ctx}");
        assert_eq!(r.deliveries, want, "{ctx}");
        assert_eq!(r.duplicate_deliveries, 0, "{ctx}");
        assert_eq!(packets(&r, "data"), want, "{ctx}");
        assert!(packets(&r, "retransmit") > 0, "{ctx}");
        // Every delivery produced at least one ACK; duplicates produce more.
        assert!(packets(&r, "ack") >= r.deliveries, "{ctx}");
        assert!(r.packets_lost > 0, "{ctx}");
        assert!(r.sim_time_ms < s.duration_ms, "{ctx}: the sender never went quiet");
        rtx_total += packets(&r, "retransmit");
    }
    // Theory: a round for one receiver succeeds when the copy and its ACK both arrive,
    // q = 0.7^2 = 0.49, so retransmissions per receiver and message are geometric with mean
    // (1 - q) / q and variance (1 - q) / q^2 (the timeout, 250 ms, exceeds every round trip here).
    let trials = seeds.count() as f64 * f64::from((n - 1) * m);
    let q = (1.0 - loss) * (1.0 - loss);
    let mean = trials * (1.0 - q) / q;
    let sd = (trials * (1.0 - q) / (q * q)).sqrt();
    assert!(
        (rtx_total as f64 - mean).abs() <= 5.0 * sd,
        "retransmissions over seeds 0..12: {rtx_total}, theory {mean:.0} +- 5 x {sd:.0}"
    );
}

#[test]
fn ack_implosion_without_loss() {
    // Every receiver ACKs every message once: (n - 1) m ACKs, all to the one sender.
    for (seed, n, m) in [(1u64, 2u32, 1u32), (2, 50, 3), (3, 300, 2), (4, 1000, 1)] {
        let mut s = scenario(seed, n, m, 0.0, reliable(8));
        // Enough time for n copies plus a round trip, so no round fires spuriously.
        s.protocol = ProtocolSpec::Centralized(CentralizedConfig { ack_timeout_ms: 2_000.0, ..reliable(8) });
        let (r, _) = run(&s);
        let want = u64::from(n - 1) * u64::from(m);
        let ctx = format!("seed {seed}, n {n}, messages {m}: {r:?}");
        assert_eq!(packets(&r, "ack"), want, "{ctx}");
        assert_eq!(r.bytes["ack"], want * 40, "{ctx}");
        assert_eq!(packets(&r, "retransmit"), 0, "{ctx}");
        assert_eq!(packets(&r, "data"), want, "{ctx}");
        assert_eq!(r.delivered_ratio, 1.0, "{ctx}");

        // Through the kernel directly: every ACK lands at the sender, and it ends with nothing
        // pending.
        let (world, flights) = world_run(&s);
        let acks_to_sender =
            flights.iter().filter(|f| f.kind == PacketKind::Ack as u8 && f.to == s.group.sender && !f.lost).count();
        assert_eq!(acks_to_sender as u64, want, "{ctx}");
        assert_eq!(flights.iter().filter(|f| f.kind == PacketKind::Ack as u8).count() as u64, want, "{ctx}");
        assert_eq!(world.node(s.group.sender).pending(), 0, "{ctx}");
        assert_eq!(world.trace_hash(), r.trace_hash, "{ctx}: World and engine::build disagree");
    }
}

/// A packet seen on the wire, as a sortable key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    from: NodeId,
    to: NodeId,
    depart: u64,
    arrive: u64,
    kind: u8,
    lost: bool,
}

/// Builds the same world `engine::build` would, steps it to the end and returns every packet
/// sent. Each packet stays in `World::flights` at least until the step after it was sent, and
/// a sender's packets depart at distinct times (finite uplink), so the set catches each once.
fn world_run(s: &Scenario) -> (World<Centralized>, Vec<Seen>) {
    assert!(s.network.uplink_bytes_per_sec > 0, "distinct departures need a finite uplink");
    let ProtocolSpec::Centralized(config) = &s.protocol else { panic!("a centralized scenario") };
    let setup = engine::setup(s).unwrap_or_else(|e| panic!("seed {}: {e}", s.seed));
    let mut world = World::<Centralized>::new(setup, config);
    world.set_recording(true);
    let mut seen = BTreeSet::new();
    let mut sent = 0;
    while !world.is_done() {
        assert!(world.step(), "seed {}: is_done is false but no event", s.seed);
        for f in world.flights() {
            seen.insert(Seen {
                from: f.from,
                to: f.to,
                depart: f.depart.0,
                arrive: f.arrive.0,
                kind: f.kind as u8,
                lost: f.lost,
            });
        }
        sent = world.counters().sent.iter().sum::<u64>();
    }
    assert_eq!(seen.len() as u64, sent, "seed {}: flights seen vs packets counted", s.seed);
    (world, seen.into_iter().collect())
}

#[test]
fn crashed_receiver_costs_exactly_max_retries_and_the_sender_goes_quiet() {
    // Loss 0: every live receiver ACKs the first copy, so every retransmission goes to the
    // crashed node, max_retries per message, then the sender gives up.
    let (n, m, retries, crashed) = (60u32, 2u32, 3u32, 17u32);
    for seed in 0..5u64 {
        let mut s = scenario(seed, n, m, 0.0, reliable(retries));
        s.workload.start_ms = 10.0;
        s.faults = vec![FaultSpec::Crash { at_ms: 1.0, node: crashed }];
        let (r, _) = run(&s);
        let ctx = format!("seed {seed}: {r:?}");
        assert_eq!(r.live_nodes, n - 1, "{ctx}");
        assert_eq!(r.delivered_ratio, 1.0, "{ctx}");
        assert_eq!(r.expected_deliveries, u64::from((n - 2) * m), "{ctx}");
        assert_eq!(r.deliveries, u64::from((n - 2) * m), "{ctx}");
        assert_eq!(packets(&r, "retransmit"), u64::from(retries * m), "{ctx}");
        assert_eq!(r.packets_to_crashed, u64::from((1 + retries) * m), "{ctx}");
        assert_eq!(packets(&r, "ack"), u64::from((n - 2) * m), "{ctx}");
        // The last event is the last message's give-up timer: round k fires 250 ms * (2^k - 1)
        // after the send, and round max_retries + 1 only gives up.
        let give_up_ms = 10.0 + 100.0 * f64::from(m - 1) + 250.0 * f64::from((1u32 << (retries + 1)) - 1);
        assert_eq!(r.sim_time_ms, give_up_ms, "{ctx}");
        assert!(r.sim_time_ms < s.duration_ms, "{ctx}");

        let (world, flights) = world_run(&s);
        assert_eq!(world.node(0).pending(), 0, "seed {seed}: the sender still waits");
        let rtx: Vec<&Seen> = flights.iter().filter(|f| f.kind == PacketKind::Retransmit as u8).collect();
        assert!(rtx.iter().all(|f| f.to == crashed), "seed {seed}: retransmitted to a live node: {rtx:?}");
    }
}

#[test]
fn crashed_receiver_under_loss_is_bounded_by_max_retries() {
    // With loss the live receivers need retransmissions too, but the crashed one never ACKs:
    // it gets exactly max_retries retransmissions per message, never more.
    let (n, m, retries, crashed) = (100u32, 3u32, 10u32, 42u32);
    for seed in 0..10u64 {
        let mut s = scenario(seed, n, m, 0.2, reliable(retries));
        s.workload.start_ms = 10.0;
        s.faults = vec![FaultSpec::Crash { at_ms: 5.0, node: crashed }];
        s.duration_ms = MAX_DURATION_MS;
        let (r, _) = run(&s);
        let ctx = format!("seed {seed}: {r:?}");
        assert_eq!(r.live_nodes, n - 1, "{ctx}");
        // 0.2^11 per live receiver and message: none should miss.
        assert_eq!(r.delivered_ratio, 1.0, "{ctx}");
        assert_eq!(r.duplicate_deliveries, 0, "{ctx}");
        assert!(r.packets_to_crashed <= u64::from((1 + retries) * m), "{ctx}");
        assert!(r.sim_time_ms < s.duration_ms, "{ctx}: the sender never gave up");

        let (world, flights) = world_run(&s);
        assert_eq!(world.trace_hash(), r.trace_hash, "seed {seed}");
        assert_eq!(world.node(0).pending(), 0, "seed {seed}");
        let to_crashed = flights.iter().filter(|f| f.kind == PacketKind::Retransmit as u8 && f.to == crashed).count();
        assert_eq!(to_crashed as u32, retries * m, "seed {seed}: retransmissions to the crashed node");
        let to_live = flights.iter().filter(|f| f.kind == PacketKind::Retransmit as u8 && f.to != crashed).count();
        assert!(to_live > 0, "seed {seed}: 20 % loss but no live receiver needed a retransmission");
        // Only the sender retransmits, and no one ACKs to anyone but the sender.
        assert!(flights.iter().filter(|f| f.kind != PacketKind::Ack as u8).all(|f| f.from == 0), "seed {seed}");
        assert!(flights.iter().filter(|f| f.kind == PacketKind::Ack as u8).all(|f| f.to == 0), "seed {seed}");
    }
}

#[test]
fn crash_after_delivery_does_not_count_the_dead_node() {
    // Node crashes long after it delivered: it counts neither in deliveries nor in expected.
    let (n, crashed) = (30u32, 5u32);
    let mut s = scenario(3, n, 1, 0.0, unreliable());
    s.faults = vec![FaultSpec::Crash { at_ms: 5_000.0, node: crashed }];
    let (r, sim) = run(&s);
    assert_eq!(r.live_nodes, n - 1, "seed 3: {r:?}");
    assert_eq!(r.deliveries, u64::from(n - 2), "seed 3: {r:?}");
    assert_eq!(r.expected_deliveries, u64::from(n - 2), "seed 3: {r:?}");
    assert_eq!(r.delivered_ratio, 1.0, "seed 3: {r:?}");
    let mut states = Vec::new();
    sim.node_states(&mut states);
    assert_eq!(states[crashed as usize], engine::NodeState::Crashed);
    assert_eq!(states[0], engine::NodeState::Sender);
    assert!(states.iter().enumerate().all(|(i, st)| i == 0 || i == crashed as usize || *st == engine::NodeState::Done));
}

#[test]
fn crashed_sender_sends_nothing() {
    let mut s = scenario(4, 20, 2, 0.0, reliable(3));
    s.workload.start_ms = 10.0;
    s.faults = vec![FaultSpec::Crash { at_ms: 0.0, node: 0 }];
    let (r, _) = run(&s);
    assert_eq!(r.packets.values().sum::<u64>(), 0, "seed 4: {r:?}");
    assert_eq!(r.deliveries, 0, "seed 4: {r:?}");
    assert_eq!(r.delivered_ratio, 0.0, "seed 4: {r:?}");
}

#[test]
fn a_sender_crashing_mid_loop_loses_the_copies_still_in_its_uplink() {
    // 1040-byte copies at 1.04 MB/s leave every 1 ms; the sender crashes at 10.5 ms, so exactly
    // the copies that left at 1, 2, ..., 10 ms arrive and the other 90 die in its uplink.
    let mut s = scenario(3, 101, 1, 0.0, unreliable());
    s.network = NetworkSpec {
        latency_ms: 1.0,
        distance_ms: 0.0,
        jitter_ms: 0.0,
        loss: 0.0,
        uplink_bytes_per_sec: 1_040_000,
        ..NetworkSpec::default()
    };
    s.faults = vec![FaultSpec::Crash { at_ms: 10.5, node: 0 }];
    let (r, _) = run(&s);
    assert_eq!(r.deliveries, 10, "{r:?}");
    assert_eq!(r.packets_lost_in_crash, 90, "{r:?}");
    assert_eq!(packets(&r, "data"), 10, "only copies that left the uplink count as sent: {r:?}");
    assert_eq!(r.completion_ms, 11.0, "the 10th copy left at 10 ms and took 1 ms: {r:?}");
    assert_eq!(r.expected_deliveries, 100, "receivers are still live and still count: {r:?}");
}
