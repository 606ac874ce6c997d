//! Tier 4: the same scenario gives the same run, whichever way it is driven and however it
//! travels (JSON file, share link).

mod common;

use common::scenario_file;

use mcast::engine::{self, Simulation};
use mcast::protocols::centralized::CentralizedConfig;
use mcast::rng::{stream, Stream};
use mcast::scenario::link;
use mcast::scenario::{FaultSpec, Layout, Limits, ProtocolSpec, Scenario};
use mcast::time::SimTime;
use rand::Rng;

fn run(s: &Scenario) -> Box<dyn Simulation> {
    common::run(s).1
}

fn report_json(sim: &dyn Simulation) -> serde_json::Value {
    serde_json::to_value(sim.report()).expect("report serialises")
}

/// A mid-sized lossy reliable scenario with jitter, a crash and several messages: every random
/// draw and every kind of event is exercised.
fn busy(seed: u64) -> Scenario {
    let mut s = scenario_file("centralized-acks.json");
    s.seed = seed;
    s.group.size = 120;
    s
}

/// Every scenario these tests run, by name.
fn all_scenarios() -> Vec<(&'static str, Scenario)> {
    let mut random_layout = busy(3);
    random_layout.group.layout = Layout::Random;
    let mut unreliable = scenario_file("centralized.json");
    unreliable.workload.messages = 4;
    unreliable.workload.interval_ms = 7.5;
    let mut unlimited = busy(11);
    unlimited.network.uplink_bytes_per_sec = 0;
    vec![
        ("centralized.json", scenario_file("centralized.json")),
        ("centralized-acks.json", scenario_file("centralized-acks.json")),
        ("busy", busy(5)),
        ("random layout", random_layout),
        ("unreliable 4 messages", unreliable),
        ("unlimited uplink", unlimited),
    ]
}

#[test]
fn same_scenario_twice_gives_same_hash_and_report() {
    for (name, s) in all_scenarios() {
        let a = run(&s);
        let b = run(&s);
        assert_eq!(a.trace_hash(), b.trace_hash(), "{name} (seed {})", s.seed);
        assert_eq!(report_json(&*a), report_json(&*b), "{name} (seed {})", s.seed);
        assert_eq!(a.counters(), b.counters(), "{name} (seed {})", s.seed);
        assert_eq!(a.positions(), b.positions(), "{name} (seed {})", s.seed);
        // The report carries the hash it was made with.
        assert_eq!(a.report().trace_hash, a.trace_hash(), "{name}");
    }
}

#[test]
fn different_seed_gives_different_hash() {
    for (name, s) in all_scenarios() {
        let base = run(&s).trace_hash();
        for delta in 1..4 {
            let mut t = s.clone();
            t.seed = s.seed + delta;
            assert_ne!(run(&t).trace_hash(), base, "{name}: seeds {} and {} ran identically", s.seed, t.seed);
        }
    }
}

#[test]
fn the_name_does_not_change_the_run() {
    let s = scenario_file("centralized.json");
    let mut t = s.clone();
    t.name = "something else entirely".into();
    assert_eq!(run(&s).trace_hash(), run(&t).trace_hash());
}

#[test]
fn a_change_of_any_parameter_changes_the_hash() {
    let s = busy(9);
    let base = run(&s).trace_hash();
    let mut variants: Vec<(&str, Scenario)> = Vec::new();
    let mut v = s.clone();
    v.network.loss = 0.31;
    variants.push(("loss", v));
    let mut v = s.clone();
    v.network.latency_ms += 1.0;
    variants.push(("latency", v));
    let mut v = s.clone();
    v.workload.size_bytes += 1;
    variants.push(("size_bytes", v));
    let mut v = s.clone();
    v.group.size += 1;
    variants.push(("group.size", v));
    let mut v = s.clone();
    v.faults[0] = FaultSpec::Crash { at_ms: 20.0, node: 43 };
    variants.push(("crashed node", v));
    let mut v = s.clone();
    v.protocol = ProtocolSpec::Centralized(CentralizedConfig {
        reliable: true,
        ack_timeout_ms: 260.0,
        max_retries: 8,
        ..CentralizedConfig::default()
    });
    variants.push(("ack_timeout_ms", v));
    for (what, v) in variants {
        assert_ne!(run(&v).trace_hash(), base, "changing {what} left the trace hash unchanged");
    }
}

/// Drives `s` to its end by `run_until` in steps of `step_us` microseconds, as the page does
/// once per animation frame.
fn run_in_slices(s: &Scenario, step_us: u64, recording: bool) -> Box<dyn Simulation> {
    let mut sim = engine::build(s).unwrap();
    sim.set_recording(recording);
    let mut flights = Vec::new();
    let mut t = 0;
    let mut slices = 0u64;
    while !sim.is_done() {
        t += step_us;
        sim.run_until(SimTime(t));
        assert_eq!(sim.now(), SimTime(t.min(sim.end().0)), "seed {}: clock after run_until", s.seed);
        if recording {
            sim.flights(&mut flights);
            for f in &flights {
                assert!((0.0..=1.0).contains(&f.progress), "seed {}: flight {f:?}", s.seed);
            }
        }
        slices += 1;
        assert!(slices < 100_000_000, "seed {}: run_until never finishes", s.seed);
    }
    sim
}

#[test]
fn animation_slices_give_the_batch_run() {
    for (name, s) in all_scenarios() {
        let batch = run(&s);
        for (step_us, recording) in [(1_000, false), (1_000, true), (16_667, true), (333, false)] {
            let sliced = run_in_slices(&s, step_us, recording);
            let what = format!("{name} (seed {}), steps of {step_us} us, recording {recording}", s.seed);
            assert_eq!(sliced.trace_hash(), batch.trace_hash(), "{what}");
            assert_eq!(sliced.counters(), batch.counters(), "{what}");
            // Everything but the clock: the batch stops at the last event, slices at the last
            // slice boundary.
            let mut a = report_json(&*sliced);
            let mut b = report_json(&*batch);
            a.as_object_mut().unwrap().remove("sim_time_ms");
            b.as_object_mut().unwrap().remove("sim_time_ms");
            assert_eq!(a, b, "{what}");
        }
    }
}

#[test]
fn irregular_slices_give_the_batch_run() {
    // Frames of uneven length, repeated and zero-length calls, and a final run_to_end.
    for seed in 0..6u64 {
        let s = busy(seed);
        let batch = run(&s);
        let mut sim = engine::build(&s).unwrap();
        let mut r = stream(seed, Stream::Workload);
        let mut t = 0u64;
        for _ in 0..400 {
            t += r.random_range(0..40_000u64);
            sim.run_until(SimTime(t));
            if r.random_bool(0.2) {
                sim.run_until(SimTime(t));
            }
            // An earlier time never moves the clock back nor replays anything.
            sim.run_until(SimTime(t / 2));
            assert_eq!(sim.now(), SimTime(t.min(sim.end().0)), "seed {seed}");
        }
        sim.run_to_end();
        assert!(sim.is_done(), "seed {seed}");
        assert_eq!(sim.trace_hash(), batch.trace_hash(), "seed {seed}");
        assert_eq!(sim.counters(), batch.counters(), "seed {seed}");
    }
}

#[test]
fn partial_runs_are_prefixes_of_the_full_run() {
    // Stopping early and continuing must not change anything.
    let s = busy(21);
    let batch = run(&s);
    let mut sim = engine::build(&s).unwrap();
    sim.run_until(SimTime::from_ms(150));
    let mid = sim.trace_hash();
    assert_ne!(mid, batch.trace_hash(), "the run had nothing left after 150 ms");
    let mut again = engine::build(&s).unwrap();
    again.run_until(SimTime::from_ms(150));
    assert_eq!(again.trace_hash(), mid);
    sim.run_to_end();
    assert_eq!(sim.trace_hash(), batch.trace_hash());
}

#[test]
fn share_link_round_trip_keeps_the_scenario_and_the_run() {
    for (name, s) in all_scenarios() {
        let fragment = link::encode(&s);
        assert!(fragment.starts_with("v1."), "{name}: {fragment}");
        assert!(
            fragment.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'),
            "{name}: link is not URL-safe: {fragment}"
        );
        for text in [fragment.clone(), format!("#{fragment}"), format!("s={fragment}"), format!("  #s={fragment}\n")] {
            let back = link::decode(&text, &Limits::BROWSER).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(back, s, "{name}: decoded scenario differs");
        }
        let back = link::decode(&fragment, &Limits::BROWSER).unwrap();
        assert_eq!(run(&back).trace_hash(), run(&s).trace_hash(), "{name} (seed {})", s.seed);
        // Encoding is deterministic too.
        assert_eq!(link::encode(&back), fragment, "{name}");
    }
}

#[test]
fn share_link_round_trip_is_exact_for_arbitrary_numbers() {
    // Every float a page control can produce must survive the link bit for bit, or the link
    // replays a different run.
    let mut r = stream(12345, Stream::Workload);
    for i in 0..300 {
        let mut s = Scenario::default_playground();
        s.seed = r.random_range(0..(1u64 << 53));
        s.group.size = r.random_range(2..60);
        s.group.sender = r.random_range(0..s.group.size);
        s.group.positions = Some((0..s.group.size).map(|_| [r.random::<f64>(), r.random::<f64>()]).collect());
        s.network.loss = r.random::<f64>();
        s.network.latency_ms = r.random::<f64>() * 100.0;
        s.network.distance_ms = r.random::<f64>() * 100.0;
        s.network.jitter_ms = r.random::<f64>() * 10.0;
        s.network.uplink_bytes_per_sec = r.random_range(0..10_000_000);
        s.workload.interval_ms = r.random::<f64>() * 1000.0;
        s.workload.start_ms = r.random::<f64>() * 10.0;
        s.duration_ms = 1.0 + r.random::<f64>() * 100_000.0;
        s.faults = vec![FaultSpec::Crash { at_ms: r.random::<f64>() * 500.0, node: r.random_range(0..s.group.size) }];
        s.protocol = ProtocolSpec::Centralized(CentralizedConfig {
            reliable: r.random_bool(0.5),
            ack_timeout_ms: 0.1 + r.random::<f64>() * 1000.0,
            ..CentralizedConfig::default()
        });
        s.validate(&Limits::BROWSER).unwrap_or_else(|e| panic!("case {i}: generated an invalid scenario: {e}"));
        let back = link::decode(&link::encode(&s), &Limits::BROWSER).unwrap_or_else(|e| panic!("case {i}: {e}"));
        assert_eq!(back, s, "case {i} (seed {}): scenario changed through the link", s.seed);
        // And through the JSON the CLI reads.
        let json = Scenario::from_json(&s.to_json_pretty()).unwrap_or_else(|e| panic!("case {i}: {e}"));
        assert_eq!(json, s, "case {i} (seed {}): scenario changed through JSON", s.seed);
    }
}

#[test]
fn share_link_replays_a_latency_that_json_parses_one_ulp_off() {
    // 0.020999999999999998 prints as itself but, without serde_json's `float_roundtrip`, parses
    // back as 0.021: the link's base latency becomes 21 us instead of 20 us and the run differs.
    let mut s = Scenario::default_playground();
    s.network.latency_ms = 0.020999999999999998;
    s.network.distance_ms = 0.0;
    s.network.jitter_ms = 0.0;
    let back = link::decode(&link::encode(&s), &Limits::BROWSER).unwrap();
    assert_eq!(back.network.latency_ms.to_bits(), s.network.latency_ms.to_bits(), "latency changed through the link");
    assert_eq!(run(&back).trace_hash(), run(&s).trace_hash(), "the link replays a different run");
}

/// The trace hash of `scenarios/centralized.json`, pinned.
///
/// If this changes, every share link saved so far replays a different run than the one its author
/// saw: bump `SCENARIO_VERSION` and migrate the older version by writing its defaults in
/// (`src/scenario/version.rs`), so old links keep their runs (`tests/golden_links.rs`).
const CENTRALIZED_JSON_HASH: &str = "ec9d9cb65ccc462a";

#[test]
fn golden_trace_hash_of_centralized_json() {
    let sim = run(&scenario_file("centralized.json"));
    let hash = sim.trace_hash();
    println!("scenarios/centralized.json trace_hash = {hash}");
    assert_eq!(
        hash, CENTRALIZED_JSON_HASH,
        "the run of scenarios/centralized.json changed: saved share links now replay differently; \
         if intended, bump the scenario version, migrate the old one and update this hash"
    );
}
