//! Workloads: several senders, and the live stream with its late and missing packets per
//! receiver. Exact counts where the network is exact, binomial bounds (5 sd) where it is lossy;
//! plus the determinism of the shipped fault and workload scenarios. Every assertion names its
//! seed.

mod common;

use common::run;

use mcast::engine;
use mcast::metrics::{Report, Spread, StreamReport};
use mcast::protocols::centralized::{Centralized, CentralizedConfig};
use mcast::scenario::{link, FaultSpec, Limits, NetworkSpec, ProtocolSpec, Scenario, StreamSpec, WorkloadSpec};
use mcast::sim::world::World;
use mcast::time::SimTime;

/// Every one-way trip takes exactly 1 ms; `rate` bytes per second per uplink (0 = unlimited).
fn exact_network(rate: u64) -> NetworkSpec {
    common::exact_network(1.0, rate)
}

fn scenario(seed: u64, n: u32, workload: WorkloadSpec, config: CentralizedConfig) -> Scenario {
    Scenario { seed, network: exact_network(0), workload, duration_ms: 600_000.0, ..common::scenario(n, config) }
}

fn stream(rate_per_sec: f64, duration_ms: f64, playout_delay_ms: f64) -> WorkloadSpec {
    WorkloadSpec {
        stream: Some(StreamSpec { rate_per_sec, packet_bytes: 1000, duration_ms, playout_delay_ms }),
        ..WorkloadSpec::default()
    }
}

fn reliable() -> CentralizedConfig {
    CentralizedConfig { reliable: true, max_retries: 12, ..CentralizedConfig::default() }
}

fn stream_of(r: &Report) -> &StreamReport {
    r.stream.as_ref().unwrap_or_else(|| panic!("no stream in the report: {r:?}"))
}

// ---------------------------------------------------------------------------------------------
// Several senders
// ---------------------------------------------------------------------------------------------

#[test]
fn several_senders_each_deliver_all_their_messages() {
    // Three senders, four messages each, to 30 nodes at 10 % loss with ACKs: every node gets
    // every message of every other sender (a sender gets the other two's), once.
    let senders = vec![0u32, 5, 29];
    for seed in 0..6 {
        let w = WorkloadSpec { messages: 4, senders: Some(senders.clone()), ..WorkloadSpec::default() };
        let mut s = scenario(seed, 30, w, reliable());
        s.network = NetworkSpec { loss: 0.1, ..NetworkSpec::default() };
        let (r, _) = run(&s);
        let ctx = format!("seed {seed}: {r:?}");
        assert_eq!(r.messages, 12, "{ctx}");
        assert_eq!((r.deliveries, r.expected_deliveries), (12 * 29, 12 * 29), "{ctx}");
        assert_eq!(r.duplicate_deliveries, 0, "{ctx}");
        let mut world = World::<Centralized>::new(engine::setup(&s).unwrap(), &reliable());
        world.run_to_end();
        for n in 0..30 {
            let want = if senders.contains(&n) { 8 } else { 12 };
            assert_eq!(world.metrics().delivered_by(n), want, "seed {seed}: node {n}");
        }
        for &sender in &senders {
            assert_eq!(world.node(sender).pending(), 0, "seed {seed}: sender {sender} still waits");
        }
    }
}

#[test]
fn several_senders_share_nothing_but_the_network() {
    // Without loss and with unlimited uplinks, each sender's 29 copies and 29 ACKs per message
    // are exactly what one sender alone would cost, times three.
    let w = WorkloadSpec { messages: 4, senders: Some(vec![3, 1, 2]), ..WorkloadSpec::default() };
    let (r, _) = run(&scenario(1, 30, w, reliable()));
    assert_eq!((r.packets["data"], r.packets["ack"], r.packets["retransmit"]), (12 * 29, 12 * 29, 0), "{r:?}");
    // Message j of every sender at j × 100 ms: all latencies are the 1 ms trip.
    assert_eq!((r.latency_ms.max, r.completion_ms), (1.0, 301.0), "{r:?}");
}

#[test]
fn the_default_workload_serialises_as_before() {
    // No `senders`, `stream` or `membership` keys when unused: existing files and share links
    // read and encode exactly as they did.
    let json = serde_json::to_value(Scenario::default_playground()).unwrap();
    assert_eq!(json["workload"].as_object().unwrap().len(), 4, "{json}");
    assert!(json.get("membership").is_none(), "{json}");
}

// ---------------------------------------------------------------------------------------------
// Live stream
// ---------------------------------------------------------------------------------------------

#[test]
fn a_stream_at_rate_r_for_duration_d_sends_r_times_d_packets() {
    for (rate, duration_ms, want) in
        [(50.0, 2000.0, 100u32), (7.0, 3000.0, 21), (0.5, 10_000.0, 5), (1000.0, 250.0, 250)]
    {
        let s = scenario(1, 10, stream(rate, duration_ms, 1000.0), CentralizedConfig::default());
        let (r, _) = run(&s);
        let ctx = format!("rate {rate}, duration {duration_ms} ms: {r:?}");
        assert_eq!((r.messages, stream_of(&r).packets), (want, want), "{ctx}");
        assert_eq!(r.packets["data"], u64::from(want) * 9, "{ctx}");
        // The last packet goes out at (want - 1) / rate, inside the duration.
        let last = s.workload.schedule(&s.group).last().map(|m| m.0).unwrap();
        assert_eq!(last, SimTime(((f64::from(want) - 1.0) * 1e6 / rate).round() as u64), "{ctx}");
        assert!(last.as_ms_f64() < duration_ms, "{ctx}");
    }
}

#[test]
fn zero_jitter_and_a_generous_playout_delay_give_no_late_packet() {
    for seed in 0..4 {
        let mut s = scenario(seed, 50, stream(30.0, 3000.0, 1000.0), CentralizedConfig::default());
        s.network = NetworkSpec { jitter_ms: 0.0, loss: 0.0, ..NetworkSpec::default() };
        let (r, _) = run(&s);
        let st = stream_of(&r);
        let ctx = format!("seed {seed}: {st:?}");
        assert_eq!((st.packets, st.receivers, st.late, st.missing), (90, 49, 0, 0), "{ctx}");
        assert_eq!(st.late_per_receiver, Spread::default(), "{ctx}");
        assert_eq!(st.receivers_complete_on_time, 49, "{ctx}");
        assert_eq!(st.playout_delay_ms, 1000.0, "{ctx}");
    }
}

#[test]
fn late_packets_appear_exactly_when_the_playout_delay_is_below_the_uplinks_queueing_delay() {
    // 1040-byte copies at 1.04 MB/s: the sender's uplink takes 1 ms a copy, so receiver k (the
    // k-th in its loop, k = 1..100) gets each packet k + 1 ms after its send. Five packets a
    // second leave the uplink idle between packets. With playout delay p, receiver k is late on
    // all 10 packets iff k + 1 > p (strictly: on the deadline is on time).
    for (p, late_receivers) in [(200.0, 0u32), (101.0, 0), (100.5, 1), (50.5, 51), (10.0, 91), (1.5, 100), (0.0, 100)] {
        let mut s = scenario(2, 101, stream(5.0, 2000.0, p), CentralizedConfig::default());
        s.network = exact_network(1_040_000);
        let (r, _) = run(&s);
        let st = stream_of(&r);
        let ctx = format!("playout {p} ms: {st:?}");
        assert_eq!((st.packets, st.receivers, st.missing), (10, 100, 0), "{ctx}");
        assert_eq!(st.late, u64::from(late_receivers) * 10, "{ctx}");
        assert_eq!(st.receivers_complete_on_time, 100 - late_receivers, "{ctx}");
        // Nearest rank over 100 receivers: p50 is the 50th smallest, p99 the 99th.
        let rank = |k: u32| if k > 100 - late_receivers { 10 } else { 0 };
        assert_eq!(st.late_per_receiver, Spread { p50: rank(50), p99: rank(99), max: rank(100) }, "{ctx}");
    }
}

#[test]
fn missing_packets_are_the_undelivered_owed_ones_and_match_the_loss() {
    // Unreliable at 10 % loss: every lost copy is a missing packet. Over N = 200 × 49 copies the
    // count is Binomial(N, 0.1): 980 ± 5 × 29.7. The copies (5.1 MB/s) outrun the 2.5 MB/s
    // uplink, and by the end 5.2 MB wait in it, past the default queue: an unlimited one (0)
    // keeps them all, so only loss makes a packet missing.
    for seed in 0..6 {
        let mut s = scenario(seed, 50, stream(100.0, 2000.0, 1000.0), CentralizedConfig::default());
        s.network = NetworkSpec { loss: 0.1, uplink_queue_bytes: Some(0), ..NetworkSpec::default() };
        let (r, _) = run(&s);
        let st = stream_of(&r);
        let ctx = format!("seed {seed}: {st:?}");
        assert_eq!(st.missing, r.expected_deliveries - r.deliveries, "{ctx}");
        assert_eq!(st.missing, r.packets_lost, "{ctx}");
        let (n, p): (f64, f64) = (200.0 * 49.0, 0.1);
        let sd = (n * p * (1.0 - p)).sqrt();
        assert!((st.missing as f64 - n * p).abs() <= 5.0 * sd, "{ctx}");
        assert!(st.missing_per_receiver.p50 <= st.missing_per_receiver.p99, "{ctx}");
        assert!(st.missing_per_receiver.p99 <= st.missing_per_receiver.max, "{ctx}");
        // With ACKs and a playout delay far beyond the retransmission rounds, nothing is missing.
        let mut t = s.clone();
        t.protocol = ProtocolSpec::Centralized(reliable());
        let (r, _) = run(&t);
        let st = stream_of(&r);
        assert_eq!((st.missing, r.delivered_ratio), (0, 1.0), "seed {seed} with ACKs: {st:?}");
    }
}

#[test]
fn a_joiner_is_owed_only_the_stream_packets_sent_after_it_joined() {
    // 50 packets a second from 0 ms; node 10 joins at 105 ms, its JOIN lands at 106 ms, before
    // the packet at 120 ms. It is owed the 44 packets from 120 to 980 ms, and gets them on time.
    let mut s = scenario(3, 10, stream(50.0, 1000.0, 100.0), CentralizedConfig::default());
    s.faults = vec![FaultSpec::Join { at_ms: 105.0 }];
    let (r, _) = run(&s);
    let st = stream_of(&r);
    assert_eq!((st.receivers, st.late, st.missing, st.receivers_complete_on_time), (10, 0, 0, 10), "{st:?}");
    assert_eq!(r.expected_deliveries, 50 * 9 + 44, "{r:?}");
    assert_eq!(st.missing_per_receiver, Spread::default());
}

#[test]
fn a_receiver_that_leaves_is_not_summarised_and_a_crashed_one_neither() {
    let mut s = scenario(4, 10, stream(50.0, 1000.0, 100.0), CentralizedConfig::default());
    s.faults = vec![FaultSpec::Leave { at_ms: 500.0, node: 3 }, FaultSpec::Crash { at_ms: 300.0, node: 4 }];
    let (r, _) = run(&s);
    let st = stream_of(&r);
    assert_eq!((st.receivers, st.missing, st.late), (7, 0, 0), "{st:?}");
}

#[test]
fn two_streams_are_owed_to_everyone_but_their_own_sender() {
    let mut w = stream(20.0, 1000.0, 100.0);
    w.senders = Some(vec![0, 1]);
    let (r, _) = run(&scenario(5, 8, w, CentralizedConfig::default()));
    let st = stream_of(&r);
    // 40 packets; each sender is owed the other's 20, each of the 6 others all 40.
    assert_eq!((st.packets, st.receivers, st.missing), (40, 8, 0), "{st:?}");
    assert_eq!(r.expected_deliveries, 2 * 20 + 6 * 40, "{r:?}");
}

#[test]
fn a_message_workload_has_no_stream_report() {
    let (r, _) = run(&scenario(1, 5, WorkloadSpec::default(), CentralizedConfig::default()));
    assert!(r.stream.is_none());
    let json = serde_json::to_value(&r).unwrap();
    assert!(json.get("stream").is_none(), "{json}");
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

#[track_caller]
fn refused(w: WorkloadSpec, field: &str, words: &[&str]) {
    let s = scenario(1, 10, w, CentralizedConfig::default());
    let err = s.validate(&Limits::NATIVE).expect_err(&format!("accepted, expected an error on {field}"));
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{field}: ")), "error should start with `{field}: `: {msg}");
    for word in words {
        assert!(msg.contains(word), "`{msg}` does not say `{word}`");
    }
}

#[test]
fn bad_workloads_are_refused_naming_the_field() {
    let senders = |v: Vec<u32>| WorkloadSpec { senders: Some(v), ..WorkloadSpec::default() };
    refused(senders(vec![]), "workload.senders", &["at least one"]);
    refused(senders(vec![1, 10]), "workload.senders[1]", &["node 10"]);
    refused(senders(vec![1, 2, 1]), "workload.senders[2]", &["workload.senders[0]"]);
    refused(
        WorkloadSpec { messages: 50_000, senders: Some(vec![1, 2, 3]), ..WorkloadSpec::default() },
        "workload.messages",
        &["100000"],
    );
    refused(stream(0.0, 1000.0, 10.0), "workload.stream.rate_per_sec", &["0"]);
    refused(stream(f64::NAN, 1000.0, 10.0), "workload.stream.rate_per_sec", &["NaN"]);
    refused(stream(-3.0, 1000.0, 10.0), "workload.stream.rate_per_sec", &["-3"]);
    refused(stream(10.0, 0.0, 10.0), "workload.stream.duration_ms", &["more than 0"]);
    refused(stream(10.0, f64::INFINITY, 10.0), "workload.stream.duration_ms", &["inf"]);
    refused(stream(10.0, 1000.0, -1.0), "workload.stream.playout_delay_ms", &["-1"]);
    refused(stream(100_000.0, 3_600_000.0, 1.0), "workload.stream", &["100000"]);
    let mut w = stream(10.0, 1000.0, 10.0);
    w.stream.as_mut().unwrap().packet_bytes = 0;
    refused(w, "workload.stream.packet_bytes", &["0"]);
    let mut w = stream(10.0, 1000.0, 10.0);
    w.messages = 5;
    refused(w, "workload.messages", &["workload.stream"]);
    let mut w = stream(10.0, 1000.0, 10.0);
    w.interval_ms = 20.0;
    refused(w, "workload.interval_ms", &["workload.stream"]);
    // JSON: an unknown stream field names the stream.
    let json = r#"{"version":1,"seed":1,"group":{"size":5},"protocol":{"kind":"centralized"},
        "workload":{"stream":{"rate":3}}}"#;
    let err = Scenario::from_json(json).unwrap_err().to_string();
    assert!(err.starts_with("workload.stream") && err.contains("rate"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// The shipped scenarios: valid, deterministic, replayable from a link
// ---------------------------------------------------------------------------------------------

fn shipped(name: &str) -> Scenario {
    let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Scenario::from_json_with(&text, &Limits::BROWSER).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const SHIPPED: [&str; 3] = ["churn.json", "crash-recover.json", "live-stream.json"];

#[test]
fn the_fault_and_workload_scenarios_run_the_same_every_way() {
    for name in SHIPPED {
        let s = shipped(name);
        let (a, _) = run(&s);
        let (b, _) = run(&s);
        assert_eq!(serde_json::to_value(&a).unwrap(), serde_json::to_value(&b).unwrap(), "{name}");
        // Through a share link.
        let back = link::decode(&link::encode(&s), &Limits::BROWSER).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, s, "{name}");
        assert_eq!(run(&back).0.trace_hash, a.trace_hash, "{name}");
        // In animation slices, recording flights, as the page does.
        let mut sim = engine::build(&s).unwrap();
        sim.set_recording(true);
        let mut t = 0;
        let mut flights = Vec::new();
        while !sim.is_done() {
            t += 16_667;
            sim.run_until(SimTime(t));
            sim.flights(&mut flights);
        }
        assert_eq!(sim.trace_hash(), a.trace_hash, "{name}: sliced");
        assert_eq!(sim.counters(), run(&s).1.counters(), "{name}: sliced");
        // Another seed, another run.
        let mut t = s.clone();
        t.seed += 1;
        assert_ne!(run(&t).0.trace_hash, a.trace_hash, "{name}: seeds {} and {}", s.seed, t.seed);
    }
}

#[test]
fn the_shipped_scenarios_show_what_they_say() {
    let (r, _) = run(&shipped("crash-recover.json"));
    assert_eq!(r.delivered_ratio, 1.0, "crash-recover: both nodes caught up: {r:?}");
    assert!(r.packets_to_crashed > 0 && r.packets_to_paused > 0, "{r:?}");
    let (r, _) = run(&shipped("churn.json"));
    assert!(r.joins > 0 && r.leaves > 0 && r.packets["join"] > 0 && r.packets["leave"] > 0, "{r:?}");
    assert!(r.delivered_ratio > 0.99, "churn: {r:?}");
    let (r, _) = run(&shipped("live-stream.json"));
    let st = stream_of(&r);
    assert!(st.late > 0 && st.late_per_receiver.max == st.packets, "live-stream: the last in the loop: {st:?}");
    assert!(st.late_per_receiver.p50 == 0, "live-stream: most are on time: {st:?}");
}
