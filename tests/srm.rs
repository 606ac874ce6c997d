//! Tiers 2 to 4 for SRM: exact chains, the star's suppression against the paper's analysis, no
//! suppression (NAK implosion), exponential backoff, delivery under loss over seeds, joins, and
//! determinism. Every assertion message names the seed.

mod common;

use mcast::engine;
use mcast::metrics::Report;
use mcast::protocol::PacketKind;
use mcast::protocols::srm::{Srm, SrmConfig};
use mcast::scenario::{FaultSpec, NetworkSpec, PartitionSpec, ProtocolSpec, Scenario, WorkloadSpec};
use mcast::sim::world::World;
use mcast::time::SimDuration;

/// Data starts here, after two session rounds have measured every distance.
const START_MS: f64 = 3000.0;

/// An exact network (no jitter, no loss, unlimited links): one-way latency between nodes at
/// distance x is `latency_ms + x * distance_ms`.
fn exact(latency_ms: f64, distance_ms: f64) -> NetworkSpec {
    NetworkSpec {
        latency_ms,
        distance_ms,
        jitter_ms: 0.0,
        loss: 0.0,
        uplink_bytes_per_sec: 0,
        ..NetworkSpec::default()
    }
}

fn scenario(seed: u64, n: u32, network: NetworkSpec, config: SrmConfig) -> Scenario {
    let workload = WorkloadSpec { start_ms: START_MS, ..common::messages(2, 1000, 1.0) };
    Scenario { seed, network, workload, duration_ms: START_MS + 500.0, ..common::scenario(n, config) }
}

/// Drops the source's first message to `b` only: it leaves at `START_MS`, the second a
/// millisecond later.
fn drop_first(b: Vec<u32>) -> PartitionSpec {
    PartitionSpec { from_ms: START_MS, to_ms: START_MS + 0.5, a: vec![0], b: Some(b), one_way: true }
}

fn run(s: &Scenario) -> Report {
    common::run(s).0
}

fn packets(r: &Report, kind: &str) -> u64 {
    r.packets.get(kind).copied().unwrap_or(0)
}

fn complete(r: &Report, ctx: &str) {
    assert_eq!(r.deliveries, r.expected_deliveries, "{ctx}: {r:?}");
    assert_eq!(r.duplicate_deliveries, 0, "{ctx}");
}

fn deterministic() -> SrmConfig {
    SrmConfig { c2: 0.0, d2: 0.0, ..SrmConfig::default() }
}

#[test]
fn chain_one_request_and_one_repair_per_loss() {
    // Nodes on a line 0.08 apart, the source at one end. The first message is lost on the link
    // between k - 1 and k: every node from k on misses it. Node k, nearest the loss, requests
    // first and suppresses the rest; node k - 1, nearest to k, repairs first and suppresses the
    // other holders: exactly one request and one repair, each multicast to n - 1 members (§4).
    for (seed, n, k) in [(1u64, 6u32, 3u32), (2, 6, 5), (3, 12, 1), (4, 12, 7), (5, 12, 11)] {
        let mut net = exact(1.0, 100.0);
        net.partitions = vec![drop_first((k..n).collect())];
        let mut s = scenario(seed, n, net, deterministic());
        s.group.positions = Some((0..n).map(|i| [0.08 * f64::from(i), 0.5]).collect());
        let r = run(&s);
        let ctx = format!("seed {seed}, n {n}, loss before node {k}");
        complete(&r, &ctx);
        assert_eq!(r.packets_dropped_partition, u64::from(n - k), "{ctx}: the loss");
        assert_eq!(packets(&r, "nak"), u64::from(n - 1), "{ctx}: one request to n - 1 members");
        assert_eq!(packets(&r, "repair"), u64::from(n - 1), "{ctx}: one repair to n - 1 members");
    }
}

#[test]
fn sessions_measure_distances_exactly() {
    let n = 5;
    let mut s = scenario(9, n, exact(1.0, 100.0), SrmConfig::default());
    s.group.positions = Some((0..n).map(|i| [0.1 * f64::from(i), 0.5]).collect());
    let mut w = World::<Srm>::new(engine::setup(&s).unwrap(), &SrmConfig::default());
    w.run_to_end();
    for a in 0..n {
        for b in (0..n).filter(|&b| b != a) {
            let want = SimDuration::from_us(1000 + 10_000 * u64::from(a.abs_diff(b)));
            assert_eq!(w.node(a).measured_distance(b), Some(want), "{a} to {b}");
        }
    }
}

/// The star: every node at one spot, so every pair is `latency` apart (the paper's star with
/// the source on a leaf). The first message reaches only node 1; everyone else detects the loss
/// together when the second arrives. Returns requests per loss (request packets / (n - 1)).
/// Sessions get an unbounded budget, so that every distance is measured before the data.
fn star(seed: u64, n: u32, mut config: SrmConfig) -> (f64, Report) {
    config.session_bandwidth_bytes_per_sec = 1 << 50;
    let mut net = exact(10.0, 0.0);
    net.partitions = vec![drop_first((2..n).collect())];
    let mut s = scenario(seed, n, net, config);
    s.group.positions = Some(vec![[0.5, 0.5]; n as usize]);
    let r = run(&s);
    complete(&r, &format!("seed {seed}, star of {n}"));
    (packets(&r, "nak") as f64 / f64::from(n - 1), r)
}

#[test]
fn star_requests_grow_far_slower_than_the_group() {
    // §4: with the random part C2 of the request timer, the expected requests per loss on a
    // star are about 1 + (G - 2) / C2 (a request suppresses those whose timers fire more than
    // one latency after it). With C2 = √G that is O(√G), far below G.
    let mut means = Vec::new();
    for (n, seeds) in [(10u32, 1..=10u64), (100, 1..=6), (1000, 1..=2)] {
        let c2 = f64::from(n).sqrt();
        let config = SrmConfig { c2, ..SrmConfig::default() };
        let per: Vec<f64> = seeds.clone().map(|seed| star(seed, n, config.clone()).0).collect();
        let mean = per.iter().sum::<f64>() / per.len() as f64;
        let theory = 1.0 + f64::from(n - 2) / c2;
        eprintln!("star n {n}, C2 {c2:.1}: requests per loss {per:?}, mean {mean:.2}, theory {theory:.2}");
        assert!(mean >= 1.0, "n {n}: someone must ask");
        assert!(mean <= 1.5 * theory + 1.0, "n {n}: {mean} requests per loss, theory {theory}: {per:?}");
        means.push((n, mean));
    }
    let (_, big) = means[2];
    assert!(big < 1000.0 / 10.0, "n 1000: {big} requests per loss is not far below the group");
}

#[test]
fn without_suppression_every_member_that_misses_requests() {
    // NAK implosion: every one of the n - 2 members that missed the message requests it.
    let mut per = Vec::new();
    for n in [10u32, 40, 100] {
        let config = SrmConfig { suppression: false, ..SrmConfig::default() };
        let (rpl, _) = star(1, n, config);
        assert!(rpl >= f64::from(n - 2), "n {n}: {rpl} requests per loss, want at least {}", n - 2);
        assert!(rpl <= 2.0 * f64::from(n), "n {n}: {rpl}");
        // With suppression, the same loss costs far fewer (at n = 10 the two are too close to
        // tell on one seed).
        if n >= 40 {
            let (with, _) = star(1, n, SrmConfig { c2: f64::from(n).sqrt(), ..SrmConfig::default() });
            assert!(with * 2.0 < rpl, "n {n}: {with} with suppression, {rpl} without");
        }
        per.push(rpl);
    }
    assert!(per[2] >= 8.0 * per[0], "linear growth: {per:?}");
}

#[test]
fn unanswered_requests_back_off_exponentially_then_stop() {
    // Two nodes 11 ms apart; the first message is lost, then a partition cuts them for good: node
    // 1's requests go unanswered. Deterministic timers: it requests C1·d after detecting the gap,
    // then after 2·C1·d, 4·C1·d, ..., max_backoffs + 1 requests in all.
    let max_backoffs = 5;
    let config = SrmConfig { max_backoffs, ..deterministic() };
    let mut net = exact(1.0, 100.0);
    net.partitions = vec![
        drop_first(vec![1]),
        PartitionSpec { from_ms: START_MS + 1.5, to_ms: 60_000.0, a: vec![0], b: None, one_way: false },
    ];
    let mut s = scenario(3, 2, net, config.clone());
    s.group.positions = Some(vec![[0.0, 0.5], [0.1, 0.5]]);
    s.duration_ms = 20_000.0;
    let mut w = World::<Srm>::new(engine::setup(&s).unwrap(), &config);
    let (mut times, mut seen) = (Vec::new(), 0);
    while !w.is_done() && w.step() {
        let sent = w.counters().sent[PacketKind::Nak as usize];
        if sent > seen {
            assert_eq!(sent, seen + 1, "one request at a time to one member");
            seen = sent;
            times.push(w.now().0);
        }
    }
    let d = 11_000u64;
    assert_eq!(w.node(1).measured_distance(0), Some(SimDuration::from_us(d)));
    assert_eq!(times.len(), max_backoffs as usize + 1, "{times:?}");
    // Detected when the second message arrived at START + 1 ms + d.
    let detected = (START_MS as u64 + 1) * 1000 + d;
    assert_eq!(times[0] - detected, 2 * d, "first request after C1·d");
    let gaps: Vec<u64> = times.windows(2).map(|t| t[1] - t[0]).collect();
    assert_eq!(gaps[0], 2 * 2 * d, "first backoff 2·C1·d");
    for g in gaps.windows(2) {
        assert_eq!(g[1], 2 * g[0], "each backoff doubles: {gaps:?}");
    }
    assert_eq!(w.node(1).missing(), 1);
}

#[test]
fn every_message_reaches_every_member_under_loss() {
    for loss in [0.1, 0.2] {
        for seed in 1..=12u64 {
            let mut s = scenario(seed, 40, NetworkSpec { loss, ..NetworkSpec::default() }, SrmConfig::default());
            s.workload = WorkloadSpec { messages: 10, size_bytes: 500, interval_ms: 50.0, ..WorkloadSpec::default() };
            s.duration_ms = 15_000.0;
            let r = run(&s);
            let ctx = format!("seed {seed}, loss {loss}");
            complete(&r, &ctx);
            assert_eq!(r.expected_deliveries, 39 * 10, "{ctx}");
            assert!(packets(&r, "nak") > 0 && packets(&r, "repair") > 0, "{ctx}: losses were repaired");
        }
    }
}

#[test]
fn adaptive_timers_deliver_and_move_the_constants() {
    let mut s = scenario(4, 60, NetworkSpec { loss: 0.15, ..NetworkSpec::default() }, SrmConfig::default());
    let config = SrmConfig { adaptive: true, ..SrmConfig::default() };
    s.protocol = ProtocolSpec::Srm(config.clone());
    s.workload = WorkloadSpec { messages: 30, size_bytes: 500, interval_ms: 50.0, ..WorkloadSpec::default() };
    s.duration_ms = 15_000.0;
    let mut w = World::<Srm>::new(engine::setup(&s).unwrap(), &config);
    w.run_to_end();
    let r = w.report();
    complete(&r, "seed 4, adaptive");
    let moved = (0..60).filter(|&n| w.node(n).constants() != [2.0, 2.0, 1.0, 1.0]).count();
    assert!(moved > 30, "only {moved} members adjusted their timers");
}

#[test]
fn joiners_announce_themselves_and_get_what_follows() {
    let mut s = scenario(6, 30, NetworkSpec { loss: 0.1, ..NetworkSpec::default() }, SrmConfig::default());
    s.workload =
        WorkloadSpec { messages: 10, size_bytes: 500, interval_ms: 100.0, start_ms: 2000.0, ..WorkloadSpec::default() };
    s.faults = vec![FaultSpec::Join { at_ms: 500.0 }, FaultSpec::Join { at_ms: 2500.0 }];
    s.duration_ms = 12_000.0;
    let config = SrmConfig::default();
    let mut w = World::<Srm>::new(engine::setup(&s).unwrap(), &config);
    w.run_to_end();
    let r = w.report();
    complete(&r, "seed 6, joins");
    // The joiners learnt every member, and every member learnt them.
    for j in [30, 31] {
        assert_eq!(w.node(j).member_count(), 31, "joiner {j}");
        assert!((0..30).all(|n| w.node(n).knows_member(j)), "joiner {j} unknown to someone");
    }
}

#[test]
fn same_seed_same_trace() {
    let text = std::fs::read_to_string("scenarios/srm.json").unwrap();
    let s = Scenario::from_json(&text).unwrap();
    let (a, b) = (run(&s), run(&s));
    assert_eq!(a.trace_hash, b.trace_hash);
    complete(&a, "scenarios/srm.json");
    let mut other = s.clone();
    other.seed += 1;
    assert_ne!(run(&other).trace_hash, a.trace_hash, "the seed changes the run");
}

#[test]
fn bad_parameters_are_refused_by_name() {
    for (json, field) in [
        (r#""c1": -1"#, "protocol.c1"),
        (r#""d2": 1e9"#, "protocol.d2"),
        (r#""session_interval_ms": 0"#, "protocol.session_interval_ms"),
        (r#""max_backoffs": 21"#, "protocol.max_backoffs"),
        (r#""header_bytes": 0"#, "protocol.header_bytes"),
    ] {
        let text =
            format!(r#"{{"version": 1, "seed": 1, "group": {{"size": 3}}, "protocol": {{"kind": "srm", {json}}}}}"#);
        let err = Scenario::from_json(&text).unwrap_err().to_string();
        assert!(err.starts_with(field), "{json}: {err}");
    }
    // A group too large for its session traffic is refused with the product spelled out.
    let text = r#"{"version": 1, "seed": 1, "group": {"size": 5000}, "duration_ms": 600000,
        "protocol": {"kind": "srm", "session_bandwidth_bytes_per_sec": 1000000000000}}"#;
    let err = Scenario::from_json(text).unwrap_err().to_string();
    assert!(err.contains("session messages"), "{err}");
}

/// Session bytes per second of sim time in a lossless group of `n` with budget `b`.
fn session_rate(n: u32, b: u64, duration_ms: f64) -> (f64, Report) {
    let config = SrmConfig { session_bandwidth_bytes_per_sec: b, ..SrmConfig::default() };
    let mut s = scenario(1, n, exact(5.0, 40.0), config);
    s.workload.start_ms = 0.0;
    s.duration_ms = duration_ms;
    let r = run(&s);
    let bytes = r.bytes.get("session").copied().unwrap_or(0) as f64;
    (bytes / (r.sim_time_ms / 1000.0), r)
}

#[test]
fn session_traffic_stays_within_the_budget() {
    // RFC 3550 §6.2 as the paper asks: the interval grows as m (m − 1) S / B, so the group's
    // session bytes per second stay near B whatever its size (T ≪ duration, so the run's end
    // cuts off little).
    let b = 1_000_000u64;
    for (n, duration_ms) in [(100u32, 300_000.0), (300, 900_000.0)] {
        let (rate, r) = session_rate(n, b, duration_ms);
        eprintln!("n {n}: {rate:.0} session bytes/s, {} session packets", packets(&r, "session"));
        assert!(rate <= 1.1 * b as f64, "n {n}: {rate} session bytes/s over the budget {b}");
        assert!(rate >= 0.5 * b as f64, "n {n}: {rate} session bytes/s: the budget should be used");
    }
    // Without a binding budget, sessions every second: bytes/s grow as n² × (n echoes).
    let (small, _) = session_rate(20, 1 << 50, 20_000.0);
    let (large, _) = session_rate(80, 1 << 50, 20_000.0);
    assert!(large > 16.0 * small, "uncapped: {small} bytes/s at 20, {large} at 80");
}

#[test]
fn the_default_page_scenario_with_srm_fits_the_browser() {
    use mcast::scenario::Limits;
    let s = Scenario { protocol: ProtocolSpec::default_of("srm").unwrap(), ..Scenario::default_playground() };
    s.validate(&Limits::BROWSER).unwrap_or_else(|e| panic!("{e}"));
    let r = run(&s);
    complete(&r, "default page scenario");
    assert!(packets(&r, "session") < 200_000, "{}", packets(&r, "session"));
    let mut big = s.clone();
    big.group.size = 1000;
    big.validate(&Limits::NATIVE).unwrap_or_else(|e| panic!("1000 members natively: {e}"));
}
