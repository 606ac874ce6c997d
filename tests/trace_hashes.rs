//! The trace contract: every file in `scenarios/` at three seeds, and once more at its own seed
//! with `network.native_multicast` flipped, gives the trace hash recorded in
//! `tests/trace_hashes.txt`. A refactor leaves every line unchanged; a change of behaviour
//! updates the file (`UPDATE_TRACE_HASHES=1 cargo test --test trace_hashes`) and says in its
//! commit which hashes moved and why.

mod common;

use mcast::engine;
use mcast::scenario::Scenario;
use std::collections::BTreeMap;
use std::path::Path;

/// Seeds run for each file: its own and the next two.
const SEEDS_PER_FILE: u64 = 3;

fn recorded_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/trace_hashes.txt")
}

/// `file seed` → hash, for every scenario file and seed, computed now.
fn current() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, base) in common::scenario_files() {
        for seed in base.seed..base.seed + SEEDS_PER_FILE {
            let s = Scenario { seed, ..base.clone() };
            let mut sim = engine::build(&s).unwrap_or_else(|e| panic!("{name} seed {seed}: {e}"));
            sim.run_to_end();
            out.insert(format!("{name} {seed}"), sim.trace_hash());
        }
        let mut flipped = base.clone();
        flipped.network.native_multicast = !base.network.native_multicast;
        let mut sim = engine::build(&flipped).unwrap_or_else(|e| panic!("{name} native multicast flipped: {e}"));
        sim.run_to_end();
        out.insert(format!("{name} {} native-multicast-flipped", base.seed), sim.trace_hash());
    }
    out
}

fn recorded() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(recorded_path()).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' ').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect()
}

fn write(hashes: &BTreeMap<String, String>) {
    let mut text = String::from("# scenario-file seed trace-hash (tests/trace_hashes.rs)\n");
    for (k, v) in hashes {
        text.push_str(&format!("{k} {v}\n"));
    }
    std::fs::write(recorded_path(), text).expect("tests/trace_hashes.txt is writable");
}

#[test]
fn every_scenario_file_keeps_its_trace_hashes() {
    let now = current();
    if std::env::var_os("UPDATE_TRACE_HASHES").is_some() {
        write(&now);
        return;
    }
    let before = recorded();
    let moved: Vec<String> = now
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, v)| format!("{k}: {} -> {v}", before.get(k).map_or("(none)", String::as_str)))
        .chain(before.keys().filter(|k| !now.contains_key(*k)).map(|k| format!("{k}: no longer run")))
        .collect();
    assert!(
        moved.is_empty(),
        "{} trace hashes moved (if intended, rerun with UPDATE_TRACE_HASHES=1 and say why in the commit):\n{}",
        moved.len(),
        moved.join("\n")
    );
}
