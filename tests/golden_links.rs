//! Golden share links: links made by earlier builds, each with the trace hash its run had when it
//! was made (`tests/golden_links.txt`). Opening a link must replay the run its author saw, even
//! after a change of defaults; this test opens each as the page does, runs it and compares.

use mcast::engine;
use mcast::scenario::{link, Limits};
use std::path::Path;

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
