//! Issue 9's reproducers, each ending as it must: a one-line refusal naming a field, a clean
//! stop at the budget with the metrics so far, or a normal run. (The CLI's own cases, a closed
//! pipe and a sweep of 4,294,967,295 steps, are in tests/cli.rs.)

mod common;

use mcast::engine;
use mcast::scenario::{Limits, Scenario};
use mcast::sim::budget::Budget;
use serde_json::{json, Value};

/// How one reproducer ends.
enum Ends {
    /// Refused, the error starting with this field.
    Refused(&'static str),
    /// Accepted; run with at most this many events, it ends or stops at that budget.
    Bounded(u64),
}

fn scenario(doc: Value) -> String {
    let mut base = json!({"version": 1, "seed": 1, "group": {"size": 300}, "protocol": {"kind": "centralized"}});
    if let (Value::Object(b), Value::Object(d)) = (&mut base, doc) {
        b.extend(d);
    }
    base.to_string()
}

fn check(name: &str, text: &str, ends: Ends) {
    let parsed = Scenario::from_json(text);
    match ends {
        Ends::Refused(field) => {
            let e = parsed.expect_err(&format!("{name}: accepted")).to_string();
            assert!(e.starts_with(&format!("{field}: ")) || e.starts_with(&format!("{field}.")), "{name}: {e}");
            assert!(!e.contains('\n'), "{name}: more than one line: {e}");
        }
        Ends::Bounded(events) => {
            let s = parsed.unwrap_or_else(|e| panic!("{name}: refused: {e}"));
            let mut setup = engine::setup(&s).unwrap();
            setup.budget = Budget { events, ..Limits::NATIVE.budget() };
            let mut sim = engine::start_setup(&s, setup);
            sim.run_to_end();
            let r = sim.report();
            assert!(r.events <= events, "{name}: {} events", r.events);
            assert!(sim.is_done(), "{name}: not over");
            println!("{name}: {} events, stopped: {:?}", r.events, r.stopped);
        }
    }
}

#[test]
fn every_reproducer_of_issue_9_ends_as_it_must() {
    let tree = |extra: Value| {
        let mut p = json!({"kind": "tree"});
        if let (Value::Object(a), Value::Object(b)) = (&mut p, extra) {
            a.extend(b);
        }
        p
    };
    let cases: Vec<(&str, String, Ends)> = vec![
        (
            "regions.of with a joiner (a panic)",
            scenario(
                json!({"group": {"size": 3}, "network": {"regions": {"of": [0, 0, 0]}}, "faults": [{"kind": "join", "at_ms": 0}]}),
            ),
            Ends::Refused("faults[0]"),
        ),
        (
            "2 nodes, 100,000 messages, churn of 100,000 joins/s (11 GB of bitmaps)",
            scenario(json!({"group": {"size": 2}, "workload": {"messages": 100000, "interval_ms": 0.01},
                "faults": [{"kind": "churn", "join_per_sec": 100000, "to_ms": 60000}]})),
            Ends::Refused("faults[0].join_per_sec"),
        ),
        (
            "a million-node tree with default heartbeats (minutes)",
            scenario(json!({"group": {"size": 1000000}, "protocol": tree(json!({}))})),
            Ends::Refused("protocol.heartbeat_interval_ms"),
        ),
        (
            "a tree's heartbeats every 1 ms of 65,535 bytes (2.8 GB)",
            scenario(
                json!({"protocol": tree(json!({"heartbeat_interval_ms": 1, "control_bytes": 65535})), "duration_ms": 3000}),
            ),
            Ends::Bounded(2_000_000),
        ),
        (
            "a hair-trigger detector at 5 % loss (millions of JOINs, 3.3 GB)",
            scenario(json!({"network": {"loss": 0.05}, "protocol": tree(json!({"retry_timeout_ms": 0.1,
                "heartbeat_misses": 1, "probe_timeout_ms": 1}))})),
            Ends::Bounded(2_000_000),
        ),
        (
            "RMTP statuses every 1 ms of 65,535 bytes that never go quiet",
            scenario(json!({"group": {"size": 500}, "protocol": {"kind": "rmtp", "status_interval_ms": 1,
                "status_bytes": 65535, "advert_interval_ms": 600000}, "duration_ms": 10000})),
            Ends::Bounded(2_000_000),
        ),
        (
            "SRM with C1 = C2 = D1 = D2 = 0 at 10 % loss",
            scenario(json!({"group": {"size": 500}, "network": {"loss": 0.1}, "protocol": {"kind": "srm", "c1": 0,
                "c2": 0, "d1": 0, "d2": 0}, "workload": {"messages": 5}})),
            Ends::Bounded(2_000_000),
        ),
        (
            "rounds of 0.001 ms",
            scenario(json!({"network": {"mode": {"rounds": {"round_ms": 0.001}}}, "protocol": tree(json!({}))})),
            Ends::Bounded(2_000_000),
        ),
        ("a duration of 1e-320 ms", scenario(json!({"duration_ms": 1e-320})), Ends::Refused("duration_ms")),
        (
            "a workload starting after the run",
            scenario(json!({"workload": {"start_ms": 90000}})),
            Ends::Refused("workload.start_ms"),
        ),
        (
            "a wrong type inside protocol",
            scenario(json!({"protocol": {"kind": "tree", "fanout": "4"}})),
            Ends::Refused("protocol.fanout"),
        ),
        (
            "a wrong type inside a fault",
            scenario(json!({"faults": [{"kind": "crash", "at_ms": "soon", "node": 1}]})),
            Ends::Refused("faults[0].at_ms"),
        ),
    ];
    for (name, text, ends) in cases {
        check(name, &text, ends);
    }
}
