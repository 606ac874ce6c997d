//! The network model against theory and arithmetic: bursty loss against the Gilbert–Elliott
//! chain's stationary law, loss overrides against their rates, drop-tail queues against the
//! bytes that fit, partitions against the exact pairs they name, regions against their latency
//! table, and the round-synchronous mode against its boundaries. Every failure names its seed.

mod common;

use common::scenario_file;

use mcast::engine::{self, NodeState, Simulation};
use mcast::metrics::Report;
use mcast::protocols::centralized::{Centralized, CentralizedConfig};
use mcast::scenario::layout;
use mcast::scenario::{
    BurstSpec, GroupSpec, Layout, LinkSpec, NetworkMode, NetworkSpec, NodeNetSpec, PartitionSpec, ProtocolSpec,
    RegionsSpec, Scenario, WanLatency,
};
use mcast::sim::network::{Fate, Network};
use mcast::sim::world::World;
use mcast::time::SimTime;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A network with no latency spread, no jitter, no loss and unlimited links: every feature a
/// test needs is switched on explicitly.
fn quiet() -> NetworkSpec {
    common::exact_network(5.0, 0)
}

fn network(spec: &NetworkSpec, n: usize, seed: u64) -> Network {
    Network::new(&spec.config(), vec![[0.5, 0.5]; n], seed)
}

fn scenario(seed: u64, n: u32, messages: u32, config: CentralizedConfig) -> Scenario {
    let workload = common::messages(messages, 960, 200.0);
    Scenario { seed, network: quiet(), workload, ..common::scenario(n, config) }
}

fn unreliable() -> CentralizedConfig {
    CentralizedConfig { reliable: false, ..CentralizedConfig::default() }
}

fn reliable(ack_timeout_ms: f64) -> CentralizedConfig {
    CentralizedConfig { reliable: true, ack_timeout_ms, ..CentralizedConfig::default() }
}

fn run(s: &Scenario) -> (Report, Box<dyn Simulation>) {
    s.validate(&mcast::scenario::Limits::NATIVE).unwrap_or_else(|e| panic!("seed {}: {e}", s.seed));
    let mut sim = engine::build(s).unwrap_or_else(|e| panic!("seed {}: {e}", s.seed));
    sim.run_to_end();
    (sim.report(), sim)
}

fn packets(r: &Report, kind: &str) -> u64 {
    r.packets[kind]
}

/// The same world `engine::build` makes, for tests that step it event by event.
fn world(s: &Scenario) -> World<Centralized> {
    let ProtocolSpec::Centralized(config) = &s.protocol else { panic!("a centralized scenario") };
    let setup = engine::setup(s).unwrap_or_else(|e| panic!("seed {}: {e}", s.seed));
    World::new(setup, config)
}

// ---------------------------------------------------------------------------------------------
// Bursty loss (Gilbert–Elliott)
// ---------------------------------------------------------------------------------------------

fn burst(p: f64, r: f64, loss_good: f64, loss_bad: f64) -> NetworkSpec {
    NetworkSpec { burst: Some(BurstSpec { p_good_to_bad: p, p_bad_to_good: r, loss_good, loss_bad }), ..quiet() }
}

/// Long-run variance per packet of the loss indicator of a stationary Gilbert–Elliott chain:
/// μ(1 − μ) + 2 (l_b − l_g)² π_b π_g λ / (1 − λ), with λ = 1 − p − r the chain's second eigenvalue
/// (the covariance of the state indicators k packets apart is π_b π_g λ^k).
fn burst_variance(b: &BurstSpec) -> f64 {
    let mu = b.mean_loss();
    let pb = b.stationary_bad();
    let lambda = 1.0 - b.p_good_to_bad - b.p_bad_to_good;
    let dl = b.loss_bad - b.loss_good;
    mu * (1.0 - mu) + 2.0 * dl * dl * pb * (1.0 - pb) * lambda / (1.0 - lambda)
}

#[test]
fn burst_loss_rate_matches_the_stationary_law() {
    let n = 200_000u32;
    for (seed, (p, r, lg, lb)) in [
        (0.05, 0.3, 0.0, 1.0),
        (0.01, 0.1, 0.02, 0.6),
        (0.2, 0.5, 0.1, 0.9),
        (0.002, 0.25, 0.0, 1.0),
        (0.7, 0.6, 0.0, 1.0),
    ]
    .into_iter()
    .enumerate()
    {
        let spec = burst(p, r, lg, lb);
        let b = spec.burst.clone().unwrap();
        let mut net = network(&spec, 2, seed as u64);
        let lost = (0..n).filter(|_| net.transmit(SimTime(0), 0, 1, 100).fate == Fate::Lost).count() as f64;
        let mean = f64::from(n) * b.mean_loss();
        let sd = (f64::from(n) * burst_variance(&b)).sqrt();
        assert!(
            (lost - mean).abs() <= 5.0 * sd,
            "seed {seed}, {b:?}: lost {lost} of {n}, theory {mean:.0} +- 5 x {sd:.1} (pi_bad {:.4})",
            b.stationary_bad()
        );
    }
}

/// The lengths of the complete runs of `true` in `v` (a run touching the end is cut short and left
/// out; one touching the start is kept, since the chain starts stationary and a sojourn is
/// memoryless).
fn runs(v: &[bool]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut len = 0;
    for &x in v {
        if x {
            len += 1;
        } else if len > 0 {
            out.push(len);
            len = 0;
        }
    }
    out
}

/// Asserts that runs of losses in `seq` are geometric with mean 1/r: their mean within 5 standard
/// errors of 1/r, and the share of length-1 runs within 5 binomial sd of r.
#[track_caller]
fn assert_geometric_runs(seq: &[bool], r: f64, ctx: &str) {
    let runs = runs(seq);
    let b = runs.len() as f64;
    assert!(b > 1000.0, "{ctx}: only {b} bursts");
    let mean = runs.iter().sum::<u64>() as f64 / b;
    let se = ((1.0 - r) / (r * r) / b).sqrt();
    assert!((mean - 1.0 / r).abs() <= 5.0 * se, "{ctx}: mean burst {mean:.3}, theory {:.3} +- 5 x {se:.3}", 1.0 / r);
    let ones = runs.iter().filter(|&&l| l == 1).count() as f64;
    let sd = (b * r * (1.0 - r)).sqrt();
    assert!((ones - b * r).abs() <= 5.0 * sd, "{ctx}: {ones} bursts of length 1 of {b}, theory {:.0}", b * r);
}

#[test]
fn mean_burst_length_is_one_over_p_bad_to_good() {
    for (seed, (p, r)) in [(0.05, 0.3), (0.02, 0.1), (0.1, 0.5), (0.3, 0.8)].into_iter().enumerate() {
        let mut net = network(&burst(p, r, 0.0, 1.0), 2, 100 + seed as u64);
        let seq: Vec<bool> = (0..200_000).map(|_| net.transmit(SimTime(0), 0, 1, 100).fate == Fate::Lost).collect();
        assert_geometric_runs(&seq, r, &format!("seed {}, p {p}, r {r}", 100 + seed));
    }
}

#[test]
fn each_receiver_has_its_own_chain() {
    // Packets alternate between two receivers. Were the chain shared, each receiver's own
    // sequence would see it stepped twice per packet, and its bursts would average
    // 1 / (1 - (1 - r)^2) = 2.78 packets instead of 1 / r = 5.
    let r = 0.2;
    let mut net = network(&burst(0.05, r, 0.0, 1.0), 3, 7);
    let mut seq = [Vec::new(), Vec::new()];
    for i in 0..400_000 {
        let to = 1 + i % 2;
        seq[to as usize - 1].push(net.transmit(SimTime(0), 0, to, 100).fate == Fate::Lost);
    }
    for (k, s) in seq.iter().enumerate() {
        assert_geometric_runs(s, r, &format!("seed 7, receiver {}", k + 1));
    }
}

#[test]
fn burst_loss_through_a_whole_run_matches_theory() {
    // 500 receivers, 100 messages: 49,900 copies, each receiver's chain independent.
    let mut s = scenario(11, 500, 100, unreliable());
    s.network = burst(0.04, 0.2, 0.01, 0.7);
    s.workload.interval_ms = 10.0;
    let b = s.network.burst.clone().unwrap();
    let (r, _) = run(&s);
    let sent = packets(&r, "data") as f64;
    assert_eq!(sent, 499.0 * 100.0, "{r:?}");
    let mean = sent * b.mean_loss();
    let sd = (sent * burst_variance(&b)).sqrt();
    let lost = r.packets_lost as f64;
    assert!((lost - mean).abs() <= 5.0 * sd, "seed 11: lost {lost}, theory {mean:.0} +- 5 x {sd:.1}");
    assert_eq!(r.deliveries as f64, sent - lost, "seed 11: {r:?}");
}

// ---------------------------------------------------------------------------------------------
// Loss overrides
// ---------------------------------------------------------------------------------------------

#[test]
fn node_and_link_loss_override_the_global_rate() {
    let mut spec = quiet();
    spec.loss = 0.1;
    spec.nodes = vec![
        NodeNetSpec { node: 3, recv_loss: Some(0.5), ..NodeNetSpec::default() },
        NodeNetSpec { node: 4, send_loss: Some(0.8), ..NodeNetSpec::default() },
        NodeNetSpec { node: 7, recv_loss: Some(0.5), uplink_bytes_per_sec: Some(0), ..NodeNetSpec::default() },
    ];
    spec.links = vec![LinkSpec { from: 5, to: 6, loss: 0.0 }, LinkSpec { from: 4, to: 3, loss: 0.05 }];
    let cases = [
        ((0, 1), 0.1, "global"),
        ((0, 3), 0.5, "receiver's recv_loss"),
        ((4, 1), 0.8, "sender's send_loss"),
        ((3, 4), 0.1, "node 3 sets only what it receives, node 4 only what it sends"),
        ((4, 7), 1.0 - 0.2 * 0.5, "send_loss and recv_loss both crossed"),
        ((4, 3), 0.05, "the link beats both nodes"),
        ((5, 6), 0.0, "a lossless link"),
        ((6, 5), 0.1, "links are directed"),
    ];
    let n = 100_000;
    for (seed, ((from, to), p, what)) in cases.into_iter().enumerate() {
        let mut net = network(&spec, 8, seed as u64);
        let lost = (0..n).filter(|_| net.transmit(SimTime(0), from, to, 100).fate == Fate::Lost).count() as f64;
        let mean = f64::from(n) * p;
        let sd = (f64::from(n) * p * (1.0 - p)).sqrt();
        assert!(
            (lost - mean).abs() <= 5.0 * sd,
            "seed {seed}, {from} -> {to} ({what}): lost {lost} of {n}, want {mean:.0} +- 5 x {sd:.1}"
        );
    }
}

#[test]
fn overrides_take_precedence_over_the_burst_model() {
    let mut spec = burst(0.1, 0.1, 0.0, 1.0);
    spec.nodes = vec![NodeNetSpec { node: 2, recv_loss: Some(0.0), ..NodeNetSpec::default() }];
    let mut net = network(&spec, 3, 3);
    let (mut lost1, mut lost2) = (0, 0);
    for _ in 0..50_000 {
        lost1 += u32::from(net.transmit(SimTime(0), 0, 1, 100).lost());
        lost2 += u32::from(net.transmit(SimTime(0), 0, 2, 100).lost());
    }
    assert_eq!(lost2, 0, "seed 3: node 2's recv_loss 0 overrides the burst model");
    assert!((20_000..30_000).contains(&lost1), "seed 3: node 1 follows the chain (pi_bad 0.5): {lost1}");
}

// ---------------------------------------------------------------------------------------------
// Bandwidth and drop-tail queues
// ---------------------------------------------------------------------------------------------

/// Sends `count` packets of `bytes` every `every_us` microseconds through a link of `rate` bytes
/// per second and a queue of `queue` bytes, via `offer` (which says whether it was accepted), and
/// checks the drops against the arithmetic: none when the offered load is at most the rate; else,
/// with room for two packets or more, the link is busy from the first packet on, so after A
/// accepted packets it is free at A τ, and drop-tail keeps that within
/// (t_last + Q/R − τ − T, t_last + Q/R]; with room for one, it takes only what finds it idle.
fn check_cbr(rate: u64, queue: u64, bytes: u32, every_us: u64, count: u64, accepted: u64, what: &str) {
    let tau = u64::from(bytes) * 1_000_000 / rate;
    assert_eq!(tau * rate, u64::from(bytes) * 1_000_000, "pick exact numbers");
    let dropped = count - accepted;
    let ctx = format!("{what}: {bytes} B every {every_us} us at {rate} B/s (tau {tau} us), queue {queue}");
    if every_us >= tau {
        assert_eq!(dropped, 0, "{ctx}: offered load within the rate, yet {dropped} drops");
        return;
    }
    assert!(dropped > 0, "{ctx}: overloaded, yet no drops");
    if queue == u64::from(bytes) {
        // Room for one packet: only an idle link takes one, so it takes every ceil(τ / T)-th.
        assert_eq!(accepted, count.div_ceil(tau.div_ceil(every_us)), "{ctx}");
        return;
    }
    // With room for two or more, the link never idles once it has started.
    assert!(queue >= 2 * u64::from(bytes), "{ctx}: pick a queue of one packet or of two or more");
    let last = (count - 1) * every_us;
    let q_us = queue * 1_000_000 / rate;
    let (lo, hi) = (last + q_us - tau - every_us, last + q_us);
    assert!(
        accepted * tau > lo && accepted * tau <= hi,
        "{ctx}: accepted {accepted} ({dropped} dropped): busy until {} us, want in ({lo}, {hi}]",
        accepted * tau
    );
}

#[test]
fn uplink_queue_drops_only_past_the_rate_and_exactly_what_does_not_fit() {
    let (rate, bytes, count) = (1_000_000u64, 1000u32, 20_000u64);
    for queue in [1000u64, 4000, 10_000] {
        for every_us in [5000u64, 2000, 1001, 1000, 999, 900, 500, 250] {
            let mut spec = quiet();
            spec.uplink_bytes_per_sec = rate;
            spec.uplink_queue_bytes = Some(queue);
            let mut net = network(&spec, 2, 1);
            let accepted = (0..count)
                .filter(|k| net.transmit(SimTime(k * every_us), 0, 1, bytes).fate != Fate::UplinkFull)
                .count() as u64;
            check_cbr(rate, queue, bytes, every_us, count, accepted, "uplink");
        }
    }
}

#[test]
fn downlink_queue_drops_only_past_the_rate_and_exactly_what_does_not_fit() {
    let (rate, bytes, count) = (2_000_000u64, 500u32, 20_000u64); // 250 us per packet
    for queue in [500u64, 2000, 20_000] {
        for every_us in [1000u64, 251, 250, 249, 200, 100] {
            let mut spec = quiet();
            spec.downlink_bytes_per_sec = rate;
            spec.downlink_queue_bytes = Some(queue);
            let mut net = network(&spec, 2, 1);
            assert!(net.downlink_limited(1));
            let accepted =
                (0..count).filter(|k| net.downlink(SimTime(k * every_us), 1, bytes).is_some()).count() as u64;
            check_cbr(rate, queue, bytes, every_us, count, accepted, "downlink");
        }
    }
}

#[test]
fn a_sender_blasting_n_copies_drops_what_its_queue_cannot_hold() {
    // 100 copies of 1000 bytes (960 + 40 header) at once into a 1 MB/s uplink: the queue holds
    // floor(Q / 1000) of them, the rest are dropped at the send, before any leaves. Messages are
    // 200 ms apart and the uplink drains in at most 100 ms, so each message starts empty.
    for (queue, fit) in
        [(0u64, 100u64), (1000, 1), (25_000, 25), (25_999, 25), (99_999, 99), (100_000, 100), (1 << 40, 100)]
    {
        let mut s = scenario(5, 101, 3, unreliable());
        s.network.uplink_bytes_per_sec = 1_000_000;
        s.network.uplink_queue_bytes = Some(queue);
        let (r, _) = run(&s);
        let ctx = format!("seed 5, queue {queue}: {r:?}");
        assert_eq!(r.packets_dropped_uplink, 3 * (100 - fit), "{ctx}");
        assert_eq!(r.deliveries, 3 * fit, "{ctx}");
        assert_eq!((r.packets_lost, r.packets_dropped_downlink, r.packets_dropped_partition), (0, 0, 0), "{ctx}");
        assert_eq!(packets(&r, "data"), 300, "{ctx}: queue drops count as sent");
        if fit > 0 {
            // The last accepted copy leaves after fit transmission times and takes 5 ms.
            assert_eq!(r.completion_ms, 400.0 + fit as f64 + 5.0, "{ctx}");
        }
    }
}

#[test]
fn ack_implosion_overflows_the_senders_downlink() {
    // An unlimited uplink sends 100 copies at once; each receiver's 1 MB/s downlink takes 1 ms for
    // its copy; all 100 ACKs (40 bytes) then reach the sender's downlink in the same microsecond,
    // which holds k of them. The timeout (1 s) is later than all of it.
    for k in [1u64, 10, 25, 99, 100] {
        let mut s = scenario(8, 101, 1, reliable(1000.0));
        s.network.downlink_bytes_per_sec = 1_000_000;
        s.network.downlink_queue_bytes = Some(1000);
        s.network.nodes = vec![NodeNetSpec { node: 0, downlink_queue_bytes: Some(40 * k), ..NodeNetSpec::default() }];
        let mut sim = engine::build(&s).unwrap();
        sim.run_until(SimTime::from_ms(900));
        let r = sim.report();
        let ctx = format!("seed 8, sender queue {} B: {r:?}", 40 * k);
        assert_eq!(r.packets_dropped_downlink, 100 - k, "{ctx}");
        assert_eq!(r.deliveries, 100, "{ctx}: each receiver's downlink holds its one copy");
        // Each copy: 5 ms latency, then 1 ms through the receiver's downlink.
        assert_eq!(r.completion_ms, 6.0, "{ctx}");
        assert_eq!((packets(&r, "ack"), r.packets_dropped_uplink, r.packets_lost), (100, 0, 0), "{ctx}");
        // Then the sender retransmits to exactly the members whose ACK it dropped.
        sim.run_until(SimTime::from_ms(1500));
        assert_eq!(packets(&sim.report(), "retransmit"), 100 - k, "{ctx}");
    }
}

#[test]
fn a_downlink_serialises_what_reaches_it_together() {
    // Without a queue limit nothing is dropped; the downlink hands over one packet per
    // transmission time, in arrival order.
    let mut spec = quiet();
    spec.downlink_bytes_per_sec = 1_000_000;
    let mut net = network(&spec, 3, 1);
    let got: Vec<Option<SimTime>> = [(0, 1000), (0, 500), (100, 1000), (5000, 10)]
        .into_iter()
        .map(|(t, b)| net.downlink(SimTime(t), 2, b))
        .collect();
    let want = [1000, 1500, 2500, 5010].map(|t| Some(SimTime(t)));
    assert_eq!(got, want);
    // Node 1's downlink is independent.
    assert_eq!(net.downlink(SimTime(0), 1, 1000), Some(SimTime(1000)));
}

// ---------------------------------------------------------------------------------------------
// Partitions
// ---------------------------------------------------------------------------------------------

#[test]
fn a_partition_blocks_exactly_the_pairs_it_names() {
    let mut spec = quiet();
    spec.partitions = vec![
        PartitionSpec { from_ms: 10.0, to_ms: 20.0, a: vec![1, 2], b: Some(vec![5, 6, 7]), one_way: false },
        PartitionSpec { from_ms: 15.0, to_ms: 30.0, a: vec![3], b: None, one_way: true },
    ];
    let mut net = network(&spec, 9, 1);
    let in_ = |v: &[u32], x: u32| v.contains(&x);
    for t in [0u64, 9_999, 10_000, 14_999, 15_000, 19_999, 20_000, 29_999, 30_000, 40_000] {
        for from in 0..9 {
            for to in (0..9).filter(|&to| to != from) {
                let first = (10_000..20_000).contains(&t)
                    && ((in_(&[1, 2], from) && in_(&[5, 6, 7], to)) || (in_(&[5, 6, 7], from) && in_(&[1, 2], to)));
                let second = (15_000..30_000).contains(&t) && from == 3;
                let want = if first || second { Fate::Partitioned } else { Fate::Arrives };
                assert_eq!(
                    net.partitioned(SimTime(t), from, to),
                    want == Fate::Partitioned,
                    "t {t} us: {from} -> {to}"
                );
                assert_eq!(net.transmit(SimTime(t), from, to, 100).fate, want, "t {t} us: {from} -> {to}");
            }
        }
    }
}

#[test]
fn a_partition_is_tested_when_the_packet_leaves_the_uplink() {
    // 1 ms per packet: sent at 0, the third copy leaves at 3 ms, inside [2.5, 4) ms.
    let mut spec = quiet();
    spec.uplink_bytes_per_sec = 1_000_000;
    spec.partitions = vec![PartitionSpec { from_ms: 2.5, to_ms: 4.0, a: vec![0], b: None, one_way: false }];
    let mut net = network(&spec, 2, 1);
    let fates: Vec<Fate> = (0..5).map(|_| net.transmit(SimTime(0), 0, 1, 1000).fate).collect();
    use Fate::{Arrives as A, Partitioned as P};
    assert_eq!(fates, [A, A, P, A, A]);
}

/// Node states at the end of `s`.
fn states(s: &Scenario) -> (Report, Vec<NodeState>) {
    let (r, sim) = run(s);
    let mut out = Vec::new();
    sim.node_states(&mut out);
    (r, out)
}

#[test]
fn partitioned_receivers_miss_exactly_the_messages_sent_during_the_partition() {
    // Messages at 0, 200 and 400 ms; the sender is cut from 3, 5 and 7 during [100, 300) ms.
    let mut s = scenario(2, 20, 3, unreliable());
    s.network.partitions =
        vec![PartitionSpec { from_ms: 100.0, to_ms: 300.0, a: vec![0], b: Some(vec![7, 3, 5]), one_way: false }];
    let (r, st) = states(&s);
    assert_eq!(r.packets_dropped_partition, 3, "seed 2: {r:?}");
    assert_eq!(r.deliveries, 19 * 3 - 3, "seed 2: {r:?}");
    assert_eq!(r.packets_lost, 0, "seed 2: partition drops are not random loss: {r:?}");
    for (i, st) in st.iter().enumerate().skip(1) {
        let want = if [3, 5, 7].contains(&i) { NodeState::Partial } else { NodeState::Done };
        assert_eq!(*st, want, "seed 2: node {i}");
    }
}

#[test]
fn one_way_partition_blocks_acks_but_not_data() {
    // Node 4 cannot reach the sender during [0, 100) ms, but hears it. It delivers the first copy
    // at once; its ACK is dropped; the retransmission at 250 ms is ACKed after the partition.
    let mut s = scenario(3, 10, 1, reliable(250.0));
    s.network.partitions =
        vec![PartitionSpec { from_ms: 0.0, to_ms: 100.0, a: vec![4], b: Some(vec![0]), one_way: true }];
    let (r, _) = run(&s);
    let ctx = format!("seed 3: {r:?}");
    assert_eq!((r.packets_dropped_partition, packets(&r, "retransmit")), (1, 1), "{ctx}");
    assert_eq!(r.delivered_ratio, 1.0, "{ctx}");
    assert_eq!(r.latency_ms.max, 5.0, "{ctx}: the data got through at once");
    assert_eq!(packets(&r, "ack"), 10, "{ctx}: 9 ACKs, and one more for the retransmission");

    // Both ways: the first copy to 4 is dropped instead, and it delivers the retransmission.
    s.network.partitions[0].one_way = false;
    let (r, _) = run(&s);
    let ctx = format!("seed 3, both ways: {r:?}");
    assert_eq!((r.packets_dropped_partition, packets(&r, "retransmit"), packets(&r, "ack")), (1, 1, 9), "{ctx}");
    assert_eq!(r.delivered_ratio, 1.0, "{ctx}");
    assert_eq!(r.latency_ms.max, 255.0, "{ctx}: delivered by the retransmission at 250 ms");
}

#[test]
fn traffic_flows_again_after_the_partition_heals() {
    // The whole group is split in two halves for [0, 1000) ms; messages every 200 ms: the first
    // five cross nothing, the rest reach everyone.
    let mut s = scenario(4, 40, 8, unreliable());
    s.network.partitions =
        vec![PartitionSpec { from_ms: 0.0, to_ms: 1000.0, a: (0..20).collect(), b: None, one_way: false }];
    let (r, _) = run(&s);
    assert_eq!(r.packets_dropped_partition, 5 * 20, "seed 4: {r:?}");
    assert_eq!(r.deliveries, 5 * 19 + 3 * 39, "seed 4: {r:?}");
}

// ---------------------------------------------------------------------------------------------
// Regions
// ---------------------------------------------------------------------------------------------

#[test]
fn regions_set_latency_lan_inside_wan_between() {
    let mut s = scenario(6, 10, 1, unreliable());
    s.network.regions = Some(RegionsSpec {
        count: None,
        of: Some(vec![0, 0, 0, 0, 1, 1, 1, 1, 1, 1]),
        lan_ms: 1.0,
        wan_ms: WanLatency::Uniform(40.0),
    });
    let (r, _) = run(&s);
    // 3 receivers 1 ms away, 6 receivers 40 ms away; distance no longer counts.
    assert_eq!((r.latency_ms.p50, r.latency_ms.max, r.latency_ms.mean), (40.0, 40.0, 27.0), "seed 6: {r:?}");

    // A matrix is read by ordered pair of regions.
    s.network.regions = Some(RegionsSpec {
        count: None,
        of: Some(vec![1, 0, 0, 2, 2, 2, 2, 2, 2, 2]),
        lan_ms: 3.0,
        wan_ms: WanLatency::Matrix(vec![vec![0.0, 9.0, 9.0], vec![17.0, 0.0, 23.0], vec![9.0, 9.0, 0.0]]),
    });
    let (r, _) = run(&s);
    assert_eq!((r.latency_ms.p50, r.latency_ms.max), (23.0, 23.0), "seed 6: {r:?}");
    assert_eq!(r.latency_ms.mean, (2.0 * 17.0 + 7.0 * 23.0) / 9.0, "seed 6: {r:?}");

    // Jitter still applies on top.
    s.network.jitter_ms = 2.0;
    let (r, _) = run(&s);
    assert!(r.latency_ms.max > 23.0 && r.latency_ms.max <= 25.0, "seed 6: {r:?}");
}

#[test]
fn sectors_split_a_disk_evenly() {
    let n = 4000;
    for k in [1u32, 2, 3, 4, 7, 16] {
        let mut spec = quiet();
        spec.regions = Some(RegionsSpec { count: Some(k), of: None, lan_ms: 1.0, wan_ms: WanLatency::Uniform(50.0) });
        let g = GroupSpec { size: n, sender: 0, layout: Layout::Disk, positions: None };
        let net = Network::new(&spec.config(), layout::positions(&g, 1), 1);
        let mut counts = vec![0u32; k as usize];
        for i in 0..n {
            counts[net.region_of(i).unwrap() as usize] += 1;
        }
        // The sunflower spiral spaces angles evenly: each sector within 1 % of n / k.
        for (r, &c) in counts.iter().enumerate() {
            let want = f64::from(n) / f64::from(k);
            assert!((f64::from(c) - want).abs() <= 0.01 * f64::from(n), "k {k}: sector {r} has {c}, want ~{want}");
        }
        assert_eq!(net.region_of(0), Some(0), "the sender sits at the centre");
    }
}

// ---------------------------------------------------------------------------------------------
// Round-synchronous mode
// ---------------------------------------------------------------------------------------------

#[test]
fn in_rounds_every_event_and_arrival_lands_on_a_boundary() {
    // Lossy and reliable, with a timeout that is no multiple of the round: retransmission timers
    // snap to the next boundary (25 ms -> 30 ms), so the whole run moves in lock-step.
    let round = 10_000u64;
    for seed in 0..4u64 {
        let mut s = scenario(seed, 200, 3, reliable(25.0));
        s.network.loss = 0.3;
        s.network.jitter_ms = 3.0;
        s.network.uplink_bytes_per_sec = 1000; // ignored in rounds
        s.network.mode = NetworkMode::Rounds { round_ms: 10.0 };
        s.workload.interval_ms = 50.0;
        let mut w = world(&s);
        w.set_recording(true);
        let mut first_retransmit = None;
        let mut flights = 0usize;
        while w.step() {
            assert_eq!(w.now().0 % round, 0, "seed {seed}: an event at {} off the boundaries", w.now());
            for f in w.flights() {
                assert_eq!(f.depart.0 % round, 0, "seed {seed}: {f:?}");
                assert_eq!(f.arrive.0, (f.depart.0 / round + 1) * round, "seed {seed}: {f:?}");
                if f.kind == mcast::protocol::PacketKind::Retransmit {
                    first_retransmit = Some(first_retransmit.map_or(f.depart, |t: SimTime| t.min(f.depart)));
                }
            }
            flights += w.flights().len();
        }
        assert!(flights > 0);
        assert_eq!(first_retransmit, Some(SimTime::from_ms(30)), "seed {seed}: the 25 ms timer fires at 30 ms");
        let r = w.report();
        assert_eq!(r.delivered_ratio, 1.0, "seed {seed}: {r:?}");
        assert!(r.packets_lost > 0, "seed {seed}: loss still applies: {r:?}");
        assert_eq!(r.completion_ms % 10.0, 0.0, "seed {seed}: {r:?}");
    }
}

#[test]
fn in_rounds_a_message_sent_mid_round_arrives_at_the_next_boundary() {
    for (start, n) in [(0.0, 10u32), (3.5, 300), (9.999, 1000)] {
        let mut s = scenario(1, n, 1, unreliable());
        s.network.uplink_bytes_per_sec = 1; // no bandwidth in rounds: it would take 1000 s a copy
        s.network.mode = NetworkMode::Rounds { round_ms: 10.0 };
        s.workload.start_ms = start;
        let (r, _) = run(&s);
        assert_eq!(r.completion_ms, 10.0, "start {start}, n {n}: {r:?}");
        assert_eq!(r.deliveries, u64::from(n - 1), "start {start}, n {n}: {r:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Defaults, determinism and the example scenarios
// ---------------------------------------------------------------------------------------------

#[test]
fn explicit_defaults_and_inert_settings_leave_the_run_unchanged() {
    let base = scenario_file("centralized.json");
    let base_hash = run(&base).0.trace_hash;
    let json = base.to_json_pretty();
    for key in ["regions", "burst", "partitions", "links", "\"nodes\"", "mode", "downlink", "queue"] {
        assert!(!json.contains(key), "a scenario without new fields serialises `{key}`: {json}");
    }
    let mut text: serde_json::Value = serde_json::from_str(&json).unwrap();
    let net = text["network"].as_object_mut().unwrap();
    for (k, v) in [
        ("downlink_bytes_per_sec", serde_json::json!(0)),
        ("nodes", serde_json::json!([])),
        ("links", serde_json::json!([])),
        ("partitions", serde_json::json!([])),
        ("mode", serde_json::json!("async")),
    ] {
        net.insert(k.into(), v);
    }
    let explicit = Scenario::from_json(&text.to_string()).unwrap();
    assert_eq!(explicit, base);
    assert_eq!(run(&explicit).0.trace_hash, base_hash);
    // Queues are not written while left out (their default depends on the rate); this run fits
    // the default, so unlimited queues (0) give it too.
    let net = text["network"].as_object_mut().unwrap();
    net.insert("uplink_queue_bytes".into(), serde_json::json!(0));
    net.insert("downlink_queue_bytes".into(), serde_json::json!(0));
    let unlimited = Scenario::from_json(&text.to_string()).unwrap();
    assert_eq!(unlimited.network.uplink_queue_bytes, Some(0));
    assert_eq!(run(&unlimited).0.trace_hash, base_hash);

    // Settings that change nothing for this run leave its hash alone too: they draw nothing.
    let mut inert = base.clone();
    inert.network.partitions =
        vec![PartitionSpec { from_ms: 0.0, to_ms: 1e6, a: vec![5], b: Some(vec![6]), one_way: false }];
    inert.network.nodes =
        vec![NodeNetSpec { node: 9, uplink_bytes_per_sec: Some(2_500_000), ..NodeNetSpec::default() }];
    inert.network.uplink_queue_bytes = Some(1 << 40);
    assert_eq!(run(&inert).0.trace_hash, base_hash, "inert settings changed the run");
}

fn examples() -> Vec<(&'static str, Scenario)> {
    ["partition.json", "congested-sender.json", "bursty-loss.json", "regions.json", "rounds.json"]
        .into_iter()
        .map(|name| (name, scenario_file(name)))
        .collect()
}

#[test]
fn example_scenarios_show_their_feature() {
    for (name, s) in examples() {
        let (r, _) = run(&s);
        let ctx = format!("{name} (seed {}): {r:?}", s.seed);
        match name {
            "partition.json" => assert!(r.packets_dropped_partition > 0 && r.delivered_ratio == 1.0, "{ctx}"),
            "congested-sender.json" => {
                assert!(r.packets_dropped_uplink > 0 && r.packets_dropped_downlink > 0, "{ctx}");
                assert_eq!(r.packets_lost, 0, "{ctx}");
            }
            "bursty-loss.json" => assert!(r.packets_lost > 0 && r.delivered_ratio == 1.0, "{ctx}"),
            "regions.json" => assert!(s.network.regions.is_some() && r.delivered_ratio == 1.0, "{ctx}"),
            _ => assert_eq!(r.completion_ms % 50.0, 0.0, "{ctx}"),
        }
    }
}

#[test]
fn example_scenarios_are_deterministic_and_animate_like_the_batch() {
    for (name, s) in examples() {
        let (a, _) = run(&s);
        let (b, batch) = run(&s);
        assert_eq!(a, b, "{name} (seed {})", s.seed);
        // The page: slices of 16.667 ms with recording on; the counters must agree at the end.
        let mut sim = engine::build(&s).unwrap();
        sim.set_recording(true);
        let mut t = 0;
        while !sim.is_done() {
            t += 16_667;
            sim.run_until(SimTime(t));
            let c = sim.counters();
            let total = sim.report();
            assert!(c.dropped_partition <= total.packets_dropped_partition, "{name}: {c:?}");
            assert!(c.lost <= total.packets_lost, "{name}: {c:?}");
        }
        assert_eq!(sim.trace_hash(), batch.trace_hash(), "{name} (seed {})", s.seed);
        assert_eq!(sim.counters(), batch.counters(), "{name} (seed {})", s.seed);
        let c = sim.counters();
        assert_eq!(c.dropped_queue, a.packets_dropped_uplink + a.packets_dropped_downlink, "{name}");
        assert_eq!(c.dropped_partition, a.packets_dropped_partition, "{name}");
        let mut other = s.clone();
        other.seed += 1;
        assert_ne!(run(&other).0.trace_hash, a.trace_hash, "{name}: the seed changes nothing");
    }
}

// ---------------------------------------------------------------------------------------------
// Validation: every new field is range-checked, and the error names it
// ---------------------------------------------------------------------------------------------

/// `scenarios/centralized.json` with `network` fields replaced by those of `patch`.
fn with_network(patch: serde_json::Value) -> String {
    let path = format!("{}/scenarios/centralized.json", env!("CARGO_MANIFEST_DIR"));
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let net = doc["network"].as_object_mut().unwrap();
    for (k, v) in patch.as_object().unwrap() {
        net.insert(k.clone(), v.clone());
    }
    doc.to_string()
}

#[track_caller]
fn refused(patch: serde_json::Value, field: &str) -> String {
    let text = with_network(patch.clone());
    let err = Scenario::from_json(&text).expect_err(&format!("accepted {patch}, expected an error on {field}"));
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{field}: ")), "error for {patch} should start with `{field}: `: {msg}");
    assert!(!msg.contains('\n'), "{msg}");
    msg
}

#[track_caller]
fn accepted(patch: serde_json::Value) -> Scenario {
    Scenario::from_json(&with_network(patch.clone())).unwrap_or_else(|e| panic!("{patch}: {e}"))
}

#[test]
fn burst_fields_are_checked() {
    use serde_json::json;
    let ok = json!({"p_good_to_bad": 0.1, "p_bad_to_good": 0.5});
    let s = accepted(json!({"loss": 0, "burst": ok}));
    assert_eq!(s.network.burst.as_ref().map(|b| (b.loss_good, b.loss_bad)), Some((0.0, 1.0)), "Gilbert's defaults");
    for (key, bad) in [("p_good_to_bad", json!(1.5)), ("p_bad_to_good", json!(-0.1)), ("loss_bad", json!(2))] {
        let mut b = ok.clone();
        b[key] = bad;
        let msg = refused(json!({"loss": 0, "burst": b}), &format!("network.burst.{key}"));
        assert!(msg.contains("probability"), "{msg}");
    }
    refused(json!({"loss": 0, "burst": {"p_good_to_bad": 0.1}}), "network.burst");
    refused(json!({"loss": 0, "burst": {"p_good_to_bad": 0.1, "p_bad_to_good": 0.1, "r": 1}}), "network.burst.r");
    let msg = refused(json!({"loss": 0.05, "burst": ok}), "network.loss");
    assert!(msg.contains("network.burst"), "{msg}");
}

#[test]
fn partition_fields_are_checked() {
    use serde_json::json;
    let p = |v: serde_json::Value| json!({"partitions": [{"from_ms": 0, "to_ms": 10, "a": [1]}, {"from_ms": 0, "to_ms": 10, "a": [1]}, v]});
    let s = accepted(p(json!({"from_ms": 5, "to_ms": 6, "a": [1, 2], "b": [3], "one_way": true})));
    assert_eq!(s.network.partitions.len(), 3);
    let msg = refused(p(json!({"from_ms": 0, "to_ms": 10, "a": [1, 2, 3, 4, 5, 300]})), "network.partitions[2].a[5]");
    assert!(msg.contains("300") && msg.contains("299"), "{msg}");
    refused(p(json!({"from_ms": 0, "to_ms": 10, "a": [1], "b": [2, 300]})), "network.partitions[2].b[1]");
    let msg = refused(p(json!({"from_ms": 0, "to_ms": 10, "a": [1, 2], "b": [3, 2]})), "network.partitions[2].b[1]");
    assert!(msg.contains("also in a"), "{msg}");
    refused(p(json!({"from_ms": 10, "to_ms": 10, "a": [1]})), "network.partitions[2].to_ms");
    refused(p(json!({"from_ms": -1, "to_ms": 10, "a": [1]})), "network.partitions[2].from_ms");
    refused(p(json!({"from_ms": 0, "to_ms": 1e9, "a": [1]})), "network.partitions[2].to_ms");
    refused(p(json!({"from_ms": 0, "to_ms": 10, "a": []})), "network.partitions[2].a");
    refused(p(json!({"from_ms": 0, "to_ms": 10, "a": [1], "b": []})), "network.partitions[2].b");
    refused(p(json!({"from_ms": 0, "to_ms": 10})), "network.partitions[2]");
    refused(p(json!({"from_ms": 0, "to_ms": 10, "a": [1], "oneway": true})), "network.partitions[2].oneway");
}

#[test]
fn node_and_link_overrides_are_checked() {
    use serde_json::json;
    let s = accepted(
        json!({"nodes": [{"node": 4, "send_loss": 1, "uplink_bytes_per_sec": 0}], "links": [{"from": 1, "to": 2, "loss": 0.5}]}),
    );
    assert_eq!(s.network.nodes[0].uplink_bytes_per_sec, Some(0));
    refused(json!({"nodes": [{"node": 4}, {"node": 300}]}), "network.nodes[1].node");
    let msg = refused(json!({"nodes": [{"node": 4}, {"node": 5}, {"node": 4}]}), "network.nodes[2].node");
    assert!(msg.contains("network.nodes[0]"), "{msg}");
    refused(json!({"nodes": [{"node": 4, "recv_loss": 1.01}]}), "network.nodes[0].recv_loss");
    refused(json!({"nodes": [{"node": 4, "send_loss": -0.5}]}), "network.nodes[0].send_loss");
    refused(json!({"nodes": [{"node": 4, "uplink_bytes_per_sec": -1}]}), "network.nodes[0].uplink_bytes_per_sec");
    refused(json!({"nodes": [{"node": 4, "downlink_queue": 5}]}), "network.nodes[0].downlink_queue");
    refused(json!({"links": [{"from": 1, "to": 300, "loss": 0.5}]}), "network.links[0].to");
    refused(
        json!({"links": [{"from": 1, "to": 2, "loss": 0.5}, {"from": 1, "to": 2, "loss": 0.1}]}),
        "network.links[1]",
    );
    refused(json!({"links": [{"from": 1, "to": 2, "loss": "high"}]}), "network.links[0].loss");
    refused(json!({"uplink_queue_bytes": -5}), "network.uplink_queue_bytes");
    refused(json!({"downlink_bytes_per_sec": 1.5}), "network.downlink_bytes_per_sec");
}

#[test]
fn regions_are_checked() {
    use serde_json::json;
    let of: Vec<u32> = (0..300).map(|i| i % 3).collect();
    let s = accepted(json!({"regions": {"of": of, "wan_ms": [[0, 1, 2], [1, 0, 3], [2, 3, 0]]}}));
    assert_eq!(s.network.regions.as_ref().map(|r| (r.region_count(), r.lan_ms)), Some((3, 1.0)));
    accepted(json!({"regions": {"count": 1024}}));
    refused(json!({"regions": {"count": 0}}), "network.regions.count");
    refused(json!({"regions": {"count": 1025}}), "network.regions.count");
    refused(json!({"regions": {"lan_ms": 1}}), "network.regions");
    refused(json!({"regions": {"count": 3, "of": of}}), "network.regions");
    refused(json!({"regions": {"of": [0, 1]}}), "network.regions.of");
    let mut far = of.clone();
    far[7] = 5000;
    refused(json!({"regions": {"of": far}}), "network.regions.of[7]");
    refused(json!({"regions": {"count": 2, "lan_ms": -1}}), "network.regions.lan_ms");
    refused(json!({"regions": {"count": 2, "wan_ms": f64::MAX}}), "network.regions.wan_ms");
    refused(json!({"regions": {"count": 2, "wan_ms": [[0, 1]]}}), "network.regions.wan_ms");
    refused(json!({"regions": {"count": 2, "wan_ms": [[0, 1], [1]]}}), "network.regions.wan_ms[1]");
    refused(json!({"regions": {"count": 2, "wan_ms": [[0, 1], [-1, 0]]}}), "network.regions.wan_ms[1][0]");
    let msg = refused(json!({"regions": {"count": 2, "wan_ms": "far"}}), "network.regions.wan_ms");
    assert!(msg.contains("matrix"), "{msg}");
}

#[test]
fn mode_is_checked() {
    use serde_json::json;
    assert!(accepted(json!({"mode": "async"})).network.mode.is_async());
    let s = accepted(json!({"mode": {"rounds": {"round_ms": 0.001}}}));
    assert_eq!(s.network.mode, NetworkMode::Rounds { round_ms: 0.001 });
    refused(json!({"mode": {"rounds": {"round_ms": 0}}}), "network.mode.rounds.round_ms");
    refused(json!({"mode": {"rounds": {"round_ms": -3}}}), "network.mode.rounds.round_ms");
    refused(json!({"mode": {"rounds": {}}}), "network.mode.rounds");
    refused(json!({"mode": "sync"}), "network.mode");
    refused(json!({"mode": {"rounds": {"round_ms": 5, "jitter": 1}}}), "network.mode.rounds.jitter");
}

#[test]
fn new_fields_survive_json_and_share_links_exactly() {
    for (name, s) in examples() {
        let back = Scenario::from_json(&s.to_json_pretty()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, s, "{name}: changed through JSON");
        let link = mcast::scenario::link::encode(&s);
        let back = mcast::scenario::link::decode(&link, &mcast::scenario::Limits::BROWSER)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, s, "{name}: changed through the share link");
    }
}

#[test]
fn the_general_path_reproduces_the_plain_one() {
    // A scenario with no newer field takes a short path through the network; one with an inert
    // newer field takes the general path. Both must give the same run, draw for draw.
    // With a global uplink queue that drops (64,000 bytes hold 61 of the sender's 299 copies)
    // the short path drops what the general one drops.
    for name in ["centralized.json", "centralized-acks.json"] {
        for (seed, queue) in (0..4u64).flat_map(|seed| [(seed, None), (seed, Some(64_000))]) {
            let mut s = scenario_file(name);
            s.seed = seed;
            s.network.uplink_queue_bytes = queue;
            let plain = run(&s).0;
            assert_eq!(plain.packets_dropped_uplink > 0, queue.is_some(), "{name} (seed {seed}, queue {queue:?})");
            s.network.partitions =
                vec![PartitionSpec { from_ms: 1e6, to_ms: 2e6, a: vec![1], b: None, one_way: false }];
            let general = run(&s).0;
            assert_eq!(general, plain, "{name} (seed {seed}, queue {queue:?})");
        }
    }
}
