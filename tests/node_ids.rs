//! Every node id a scenario names, at the edges of its range, for every family: an id in range
//! runs to the end of the run, one out of range is refused in one line that names the field and
//! the id, and none panics (issue 9).
//!
//! The group has 6 initial members (0 to 5), two explicit joiners (6 and 7, which `faults` may
//! name) and churn joiners after them (8 on, which nothing may name). So the ranges are: initial
//! members for `group.sender`, `workload.senders`, `network.nodes`, `network.links`,
//! `network.partitions` and RMTP's `protocol.dr_nodes`; initial members and explicit joiners
//! for `faults[].node`.

use mcast::engine;
use mcast::protocols::ProtocolSpec;
use mcast::scenario::Scenario;
use serde_json::{json, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Initial members.
const SIZE: u64 = 6;
/// Initial members and explicit joiners: the ids `faults` may name.
const KNOWN: u64 = 8;
/// Ids at and around every edge: members, the first and last explicit joiner, the first churn
/// joiner, and the largest id there is.
const IDS: [u64; 6] = [1, SIZE - 1, SIZE, KNOWN - 1, KNOWN, u32::MAX as u64];

/// Six nodes running `kind`, three messages, two explicit joins (`faults[0]` and `faults[1]`)
/// and churn that adds more.
fn base(kind: &str) -> Value {
    let mut s = json!({
        "version": 2,
        "seed": 3,
        "group": { "size": SIZE },
        "protocol": { "kind": kind },
        "workload": { "messages": 3, "interval_ms": 20 },
        "faults": [
            { "kind": "join", "at_ms": 5 },
            { "kind": "join", "at_ms": 6 },
            { "kind": "churn", "join_per_sec": 20, "from_ms": 0, "to_ms": 300 }
        ],
        "duration_ms": 2000
    });
    if needs_overlay(kind) {
        s["membership"] = json!({ "service": "hyparview" });
    }
    s
}

/// Whether family `kind` runs only over HyParView (Plumtree).
fn needs_overlay(kind: &str) -> bool {
    ProtocolSpec::default_of(kind).is_some_and(|p| p.info().needs_overlay())
}

/// A field that names a node: the path an error names, the highest id it takes plus one, and
/// how to put `id` in a scenario.
struct Field {
    path: &'static str,
    bound: u64,
    set: fn(&mut Value, u64),
}

fn push_faults(s: &mut Value, faults: Value) {
    if let (Some(list), Value::Array(more)) = (s["faults"].as_array_mut(), faults) {
        list.extend(more);
    }
}

const FIELDS: &[Field] = &[
    Field { path: "group.sender", bound: SIZE, set: |s, id| s["group"]["sender"] = json!(id) },
    Field { path: "workload.senders[0]", bound: SIZE, set: |s, id| s["workload"]["senders"] = json!([id]) },
    Field {
        path: "faults[3].node",
        bound: KNOWN,
        set: |s, id| {
            let f =
                json!([{ "kind": "crash", "at_ms": 50, "node": id }, { "kind": "recover", "at_ms": 80, "node": id }]);
            push_faults(s, f);
        },
    },
    Field {
        path: "faults[3].node",
        bound: KNOWN,
        set: |s, id| {
            let f =
                json!([{ "kind": "pause", "at_ms": 50, "node": id }, { "kind": "resume", "at_ms": 80, "node": id }]);
            push_faults(s, f);
        },
    },
    Field {
        path: "faults[3].node",
        bound: KNOWN,
        set: |s, id| push_faults(s, json!([{ "kind": "leave", "at_ms": 50, "node": id }])),
    },
    Field {
        path: "network.nodes[0].node",
        bound: SIZE,
        set: |s, id| {
            let node = json!({ "node": id, "uplink_bytes_per_sec": 100_000, "downlink_bytes_per_sec": 50_000, "recv_loss": 0.2 });
            s["network"] = json!({ "nodes": [node] });
        },
    },
    Field {
        path: "network.links[0].from",
        bound: SIZE,
        set: |s, id| s["network"] = json!({ "links": [{ "from": id, "to": 1, "loss": 0.5 }] }),
    },
    Field {
        path: "network.links[0].to",
        bound: SIZE,
        set: |s, id| s["network"] = json!({ "links": [{ "from": 2, "to": id, "loss": 0.5 }] }),
    },
    Field {
        path: "network.partitions[0].a[0]",
        bound: SIZE,
        set: |s, id| s["network"] = json!({ "partitions": [{ "from_ms": 0, "to_ms": 100, "a": [id] }] }),
    },
    Field {
        path: "network.partitions[0].b[1]",
        bound: SIZE,
        set: |s, id| s["network"] = json!({ "partitions": [{ "from_ms": 0, "to_ms": 100, "a": [0], "b": [2, id] }] }),
    },
];

/// What the scenario gives: `Ok` once it ran to its end, else the refusal; a panic fails.
fn outcome(s: &Value, what: &str) -> Result<(), String> {
    let text = s.to_string();
    catch_unwind(AssertUnwindSafe(|| {
        let scenario = Scenario::from_json(&text).map_err(|e| e.to_string())?;
        let mut sim = engine::build(&scenario).map_err(|e| e.to_string())?;
        sim.run_to_end();
        assert!(sim.is_done(), "{what}: the run did not reach its end");
        Ok(())
    }))
    .unwrap_or_else(|_| panic!("{what}: panicked on {text}"))
}

#[track_caller]
fn check(s: &Value, path: &str, id: u64, in_range: bool, what: &str) {
    match (outcome(s, what), in_range) {
        (Ok(()), true) => {}
        (Err(msg), false) => {
            assert!(msg.starts_with(&format!("{path}: ")), "{what}: should name {path}: {msg}");
            assert!(msg.contains(&id.to_string()) && !msg.contains('\n'), "{what}: {msg}");
        }
        (Ok(()), false) => panic!("{what}: accepted an id out of range"),
        (Err(msg), true) => panic!("{what}: refused an id in range: {msg}"),
    }
}

#[test]
fn every_node_id_runs_or_is_refused_naming_its_field() {
    for kind in ProtocolSpec::kinds() {
        for (f, field) in FIELDS.iter().enumerate() {
            for id in IDS {
                let mut s = base(kind);
                (field.set)(&mut s, id);
                let what = format!("{kind}, {} (field {f}) = {id}", field.path);
                check(&s, field.path, id, id < field.bound, &what);
            }
        }
    }
}

#[test]
fn designated_receivers_are_initial_members() {
    for id in IDS {
        let mut s = base("rmtp");
        s["protocol"]["dr_nodes"] = json!([2, id]);
        push_faults(&mut s, json!([{ "kind": "crash", "at_ms": 30, "node": 2 }]));
        check(&s, "protocol.dr_nodes[1]", id, id < SIZE, &format!("rmtp, dr_nodes[1] = {id}"));
    }
}

#[test]
fn joiners_have_every_per_node_table() {
    // Regions by sector, bursty loss, finite downlinks, native multicast and an oracle: every
    // per-node table of the network and the kernel, reached by joiners that send and receive.
    for kind in ProtocolSpec::kinds() {
        let mut s = base(kind);
        s["network"] = json!({
            "regions": { "count": 3 },
            "burst": { "p_good_to_bad": 0.1, "p_bad_to_good": 0.5 },
            "downlink_bytes_per_sec": 200_000,
            "native_multicast": true
        });
        if !needs_overlay(kind) {
            s["membership"] = json!({ "service": "oracle", "delay_ms": 1 });
        }
        push_faults(
            &mut s,
            json!([{ "kind": "crash", "at_ms": 40, "node": 7 }, { "kind": "leave", "at_ms": 60, "node": 6 }]),
        );
        check(&s, "", 0, true, &format!("{kind}, joiners with every table"));
        s["network"]["mode"] = json!({ "rounds": { "round_ms": 5 } });
        check(&s, "", 0, true, &format!("{kind}, joiners in rounds"));
    }
}
