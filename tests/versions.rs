//! The scenario's version is the engine semantics it was written for. Version 2 made queues
//! finite: left out, a queue holds two seconds of its link's rate (8 KiB to 64 MiB), and 0 means
//! 2^50 bytes. Version 1 is still read, with its unlimited queues written in, so its runs do not
//! change; what is written out is version 2. (`tests/golden_links.rs` replays links made by
//! version 1; `tests/queues.rs` shows what finite queues bound.)

mod common;

use mcast::protocols::centralized::CentralizedConfig;
use mcast::scenario::{
    link, Limits, NodeNetSpec, Scenario, MAX_DEFAULT_QUEUE_BYTES, MIN_DEFAULT_QUEUE_BYTES, SCENARIO_VERSION,
    UNLIMITED_QUEUE_BYTES,
};
use serde_json::{json, Value};

/// A scenario as JSON text: `network` and the `version` given, a centralized sender of
/// `messages` messages of 1,000,000 bytes, all at once, to one receiver.
fn text(version: u32, network: Value, messages: u32) -> String {
    json!({
        "version": version, "seed": 3, "group": { "size": 2 }, "network": network,
        "protocol": { "kind": "centralized" },
        "workload": { "messages": messages, "size_bytes": 1_000_000, "interval_ms": 0 }
    })
    .to_string()
}

fn read(text: &str) -> Scenario {
    Scenario::from_json(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The uplink and downlink capacities the kernel runs for node `node` (the global ones for a node
/// without an override).
fn queues(s: &Scenario, node: u32) -> (u64, u64) {
    let net = s.compile(&Limits::NATIVE).unwrap().network;
    net.nodes
        .iter()
        .find(|o| o.node == node)
        .map_or((net.uplink_queue, net.downlink_queue), |o| (o.uplink_queue, o.downlink_queue))
}

fn dropped_at_uplink(s: &Scenario) -> u64 {
    common::run(s).0.packets_dropped_uplink
}

#[test]
fn a_version_2_scenario_without_queue_sizes_gets_two_seconds_of_each_link() {
    let net = json!({
        "uplink_bytes_per_sec": 2_500_000, "downlink_bytes_per_sec": 1_000_000,
        "nodes": [
            { "node": 1, "uplink_bytes_per_sec": 100, "downlink_bytes_per_sec": 1_000_000_000 }
        ]
    });
    let s = read(&text(2, net, 1));
    assert_eq!((s.network.uplink_queue_bytes, s.network.downlink_queue_bytes), (None, None));
    assert_eq!(queues(&s, 0), (5_000_000, 2_000_000), "two seconds of 2.5 MB/s and of 1 MB/s");
    assert_eq!(
        queues(&s, 1),
        (MIN_DEFAULT_QUEUE_BYTES, MAX_DEFAULT_QUEUE_BYTES),
        "a node's own rates, within 8 KiB to 64 MiB"
    );
    // Left out, the sizes stay out of what is written: the default is the rate's.
    assert!(!s.to_json_pretty().contains("queue"), "{}", s.to_json_pretty());

    // Ten packets of 1,000,040 bytes at once into 2.5 MB/s: the queue takes the first four
    // (4,000,160 bytes); the fifth would make 5,000,200.
    let s = read(&text(2, json!({}), 10));
    assert_eq!(dropped_at_uplink(&s), 6);
}

#[test]
fn zero_under_version_2_means_two_to_the_fifty_bytes() {
    let s = read(&text(
        2,
        json!({ "uplink_queue_bytes": 0, "downlink_queue_bytes": 0, "downlink_bytes_per_sec": 1000 }),
        10,
    ));
    assert_eq!(queues(&s, 0), (UNLIMITED_QUEUE_BYTES, UNLIMITED_QUEUE_BYTES));
    assert_eq!(UNLIMITED_QUEUE_BYTES, 1 << 50);
    let unlimited = read(&text(2, json!({ "uplink_queue_bytes": 0 }), 10));
    assert_eq!(dropped_at_uplink(&unlimited), 0, "ten packets fit in an unlimited queue");
    // 0 is the largest queue a scenario can name, written out.
    let largest = read(&text(2, json!({ "uplink_queue_bytes": 1u64 << 50 }), 10));
    assert_eq!(common::run(&largest).0, common::run(&unlimited).0);
    let err = Scenario::from_json(&text(2, json!({ "uplink_queue_bytes": (1u64 << 50) + 1 }), 1)).unwrap_err();
    assert!(err.to_string().starts_with("network.uplink_queue_bytes: "), "{err}");
}

#[test]
fn version_1_is_read_with_its_unlimited_queues_written_in() {
    // Left out in version 1: unlimited. Now written in as 0, which node entries inherit; a size
    // the scenario gave is kept.
    let v1 =
        text(1, json!({ "nodes": [ { "node": 1, "downlink_bytes_per_sec": 500, "uplink_queue_bytes": 3000 } ] }), 10);
    let s = read(&v1);
    assert_eq!(s.version, SCENARIO_VERSION);
    assert_eq!((s.network.uplink_queue_bytes, s.network.downlink_queue_bytes), (Some(0), Some(0)));
    assert_eq!(
        s.network.nodes,
        vec![NodeNetSpec {
            node: 1,
            downlink_bytes_per_sec: Some(500),
            uplink_queue_bytes: Some(3000),
            ..NodeNetSpec::default()
        }]
    );
    assert_eq!(queues(&s, 0), (UNLIMITED_QUEUE_BYTES, UNLIMITED_QUEUE_BYTES));
    assert_eq!(queues(&s, 1), (3000, UNLIMITED_QUEUE_BYTES));
    assert_eq!(dropped_at_uplink(&s), 0, "version 1's sender queues all ten");

    // What is written is version 2, the zeros spelt out; read back, the same scenario.
    let written: Value = serde_json::from_str(&s.to_json_pretty()).unwrap();
    assert_eq!(written["version"], 2);
    assert_eq!(
        (&written["network"]["uplink_queue_bytes"], &written["network"]["downlink_queue_bytes"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(read(&s.to_json_pretty()), s);
    assert_eq!(link::decode(&link::encode(&s), &Limits::BROWSER).unwrap(), s);

    // Version 1's explicit sizes mean what they meant.
    let s = read(&text(1, json!({ "uplink_queue_bytes": 2_500_000, "downlink_queue_bytes": 0 }), 10));
    assert_eq!((s.network.uplink_queue_bytes, s.network.downlink_queue_bytes), (Some(2_500_000), Some(0)));
    assert_eq!(dropped_at_uplink(&s), 8);
}

#[test]
fn a_scenario_built_in_code_must_say_the_current_version() {
    let mut s = common::scenario(3, CentralizedConfig::default());
    assert_eq!(s.version, SCENARIO_VERSION);
    s.validate(&Limits::NATIVE).unwrap();
    s.version = 1;
    let err = s.validate(&Limits::NATIVE).unwrap_err().to_string();
    assert!(err.starts_with("version: version 1 is migrated"), "{err}");
    s.version = 3;
    let err = s.validate(&Limits::NATIVE).unwrap_err().to_string();
    assert_eq!(err, "version: this playground reads versions 1 to 2, got 3");
}

#[test]
fn the_files_in_scenarios_say_version_2() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(v["version"], 2, "{}", path.display());
    }
}
