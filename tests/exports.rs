//! The files a run exports, from the CLI (`mcast run --csv`, `--perfetto`), and the bounded
//! stepping the page's side-by-side comparison uses (`Simulation::run_until_within`): the same
//! run as `run_to_end`, the same report.

use mcast::engine::{self, Simulation};
use mcast::scenario::Scenario;
use mcast::time::{SimDuration, SimTime};
use serde_json::Value;
use std::process::Command;

fn scenario(file: &str) -> Scenario {
    let path = format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    Scenario::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Runs `s` as the comparison does: toward a clock moving `step` at a time, at most `budget`
/// events per call.
fn run_in_slices(s: &Scenario, step: SimDuration, budget: u64) -> Box<dyn Simulation> {
    let mut sim = engine::build(s).unwrap();
    let mut clock = SimTime::ZERO;
    while !sim.is_done() {
        if sim.run_until_within(clock + step, budget) {
            clock += step;
        }
    }
    sim
}

#[test]
fn bounded_slices_make_the_same_run_and_report_as_run_to_end() {
    for file in ["centralized-acks.json", "srm.json", "tree-root-crash.json", "gossip-rounds.json"] {
        let s = scenario(file);
        let mut whole = engine::build(&s).unwrap();
        whole.run_to_end();
        let sliced = run_in_slices(&s, SimDuration::from_ms(7), 500);
        assert_eq!(sliced.trace_hash(), whole.trace_hash(), "{file}");
        assert_eq!(sliced.report(), whole.report(), "{file}: sim_time_ms included");
    }
}

#[test]
fn a_slice_stops_at_its_budget_and_goes_on_from_there() {
    let s = scenario("centralized-acks.json");
    let mut sim = engine::build(&s).unwrap();
    assert!(!sim.run_until_within(SimTime(u64::MAX), 10));
    assert_eq!(sim.counters().events, 10);
    assert!(sim.run_until_within(SimTime(u64::MAX), u64::MAX));
    assert!(sim.is_done());
}

fn mcast(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_mcast")).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn run_csv_is_the_json_report_flattened_in_one_row() {
    let file = format!("{}/scenarios/centralized-acks.json", env!("CARGO_MANIFEST_DIR"));
    let json: Value = serde_json::from_str(&mcast(&["run", &file])).unwrap();
    let csv = mcast(&["run", &file, "--csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2);
    let (head, row): (Vec<&str>, Vec<&str>) = (lines[0].split(',').collect(), lines[1].split(',').collect());
    assert_eq!(head.len(), row.len());
    let at = |k: &str| row[head.iter().position(|h| *h == k).unwrap()];
    assert_eq!(at("trace_hash"), json["trace_hash"]);
    assert_eq!(at("latency_ms.p50"), json["latency_ms"]["p50"].to_string());
    assert_eq!(at("packets.ack"), json["packets"]["ack"].to_string());
}

#[test]
fn run_perfetto_writes_a_trace_with_one_event_per_packet() {
    let file = format!("{}/scenarios/srm.json", env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("mcast-exports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let trace_file = dir.join("trace.json");
    let plain: Value = serde_json::from_str(&mcast(&["run", &file])).unwrap();
    let report: Value =
        serde_json::from_str(&mcast(&["run", &file, "--perfetto", trace_file.to_str().unwrap()])).unwrap();
    assert_eq!(report, plain, "the log only watches");
    let trace: Value = serde_json::from_str(&std::fs::read_to_string(&trace_file).unwrap()).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    let packets = events.iter().filter(|e| e["cat"] == "packet").count() as u64;
    let logged = trace["otherData"]["packets_logged"].as_u64().unwrap();
    assert_eq!(packets, logged);
    let lost = events.iter().filter(|e| e["cat"] == "loss" && e["name"].as_str().unwrap().starts_with("lost:")).count();
    assert!(lost > 0, "10 % loss");
    assert_eq!(events.iter().filter(|e| e["name"] == "thread_name").count(), 200, "a track per node");
    assert!(events.iter().filter(|e| e["ph"] == "f").all(|e| e["bp"] == "e"));
    std::fs::remove_dir_all(&dir).unwrap();
}
