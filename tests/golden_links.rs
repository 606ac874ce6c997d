//! Golden share links: links made by earlier builds, each with the trace hash its run had when it
//! was made (`tests/golden_links.txt`). Opening a link must replay the run its author saw, even
//! after a change of defaults; this test opens each as the page does, runs it and compares. A
//! link of an older scenario version is migrated on the way in (`src/scenario/version.rs`); the
//! links that lean on a default since changed show that the migration, not luck, keeps them.

use mcast::engine;
use mcast::scenario::{link, Limits, Scenario, SCENARIO_VERSION};
use serde_json::Value;
use std::path::Path;

/// Golden links whose runs depend on a version-1 default that version 2 changed (unlimited
/// queues): read with the new defaults they would run differently.
const LEAN_ON_OLD_DEFAULTS: [&str; 4] = ["heartbeat-pileup", "node-overrides", "page-slow-uplink", "slow-downlinks"];

/// One golden link: its name, the trace hash recorded when it was made, and the link.
struct Golden {
    name: String,
    hash: String,
    link: String,
}

fn golden() -> Vec<Golden> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden_links.txt");
    let text = std::fs::read_to_string(path).expect("tests/golden_links.txt is readable");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.split(' ').collect();
            assert_eq!(parts.len(), 3, "a golden line is `name hash link`: {l}");
            Golden { name: parts[0].into(), hash: parts[1].into(), link: parts[2].into() }
        })
        .collect()
}

#[test]
fn every_golden_link_replays_the_run_it_was_made_with() {
    let links = golden();
    assert!(links.len() >= 21, "one golden link per scenario file at least, got {}", links.len());
    let mut moved = Vec::new();
    for g in &links {
        let s = link::decode(&g.link, &Limits::BROWSER).unwrap_or_else(|e| panic!("{}: {e}", g.name));
        let mut sim = engine::build(&s).unwrap_or_else(|e| panic!("{}: {e}", g.name));
        sim.run_to_end();
        let hash = sim.trace_hash();
        if hash != g.hash {
            moved.push(format!("{}: made with {}, replays {hash}", g.name, g.hash));
        }
    }
    assert!(moved.is_empty(), "golden links replay a different run:\n{}", moved.join("\n"));
}

#[test]
fn every_scenario_file_has_a_golden_link() {
    let names: Vec<String> = golden().into_iter().map(|g| g.name).collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for entry in std::fs::read_dir(dir).expect("scenarios/ is readable") {
        let name = entry.expect("a directory entry").file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") {
            assert!(names.contains(&name), "scenarios/{name} has no golden link in tests/golden_links.txt");
        }
    }
}

fn hash(s: &Scenario) -> String {
    let mut sim = engine::build(s).unwrap_or_else(|e| panic!("{}: {e}", s.name));
    sim.run_to_end();
    sim.trace_hash()
}

#[test]
fn version_1_links_are_migrated_not_misread() {
    let mut leaning = Vec::new();
    for g in golden() {
        let written: Value = serde_json::from_str(&link::inflate(&g.link).unwrap()).unwrap();
        if written["version"] != 1 {
            continue;
        }
        let s = link::decode(&g.link, &Limits::BROWSER).unwrap();
        // Read as the current version, the old defaults spelt out: a queue the link left out is
        // unlimited (0), one it gave keeps its size.
        assert_eq!(s.version, SCENARIO_VERSION, "{}", g.name);
        let net = &written["network"];
        for (field, now) in [
            ("uplink_queue_bytes", s.network.uplink_queue_bytes),
            ("downlink_queue_bytes", s.network.downlink_queue_bytes),
        ] {
            assert_eq!(now, Some(net[field].as_u64().unwrap_or(0)), "{}: network.{field}", g.name);
        }
        // Shared again, it is a current link of the same scenario.
        let again = link::encode(&s);
        assert_eq!(
            serde_json::from_str::<Value>(&link::inflate(&again).unwrap()).unwrap()["version"],
            SCENARIO_VERSION
        );
        assert_eq!(link::decode(&again, &Limits::BROWSER).unwrap(), s, "{}", g.name);
        // The same JSON taken as the current version, without migration: the files' runs fit the
        // new defaults and do not move; the others would, had the link not been migrated.
        let mut unmigrated = written.clone();
        unmigrated["version"] = SCENARIO_VERSION.into();
        let misread = Scenario::from_json_with(&unmigrated.to_string(), &Limits::BROWSER).unwrap();
        let moved = hash(&misread) != g.hash;
        assert_eq!(moved, LEAN_ON_OLD_DEFAULTS.contains(&g.name.as_str()), "{}: moves when misread: {moved}", g.name);
        if moved {
            leaning.push(g.name);
        }
    }
    assert_eq!(leaning, LEAN_ON_OLD_DEFAULTS, "every link that leans on an old default is a version-1 link");
}
