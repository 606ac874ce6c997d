//! Checkpoints ([`Simulation::checkpoint`]): a copy of a run taken part-way, run on to the end,
//! gives the same trace hash and report as the original run on, and as a straight run, for every
//! file in `scenarios/` (every protocol family, SWIM's stack, faults, streams).
//!
//! `cargo test --release --test checkpoints -- --ignored --nocapture` prints what a checkpoint of
//! a 20,000-node tree costs (bytes copied, microseconds).

mod common;

use mcast::engine::{self, Simulation};
use mcast::scenario::Scenario;
use mcast::time::SimTime;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts the bytes allocated, to measure a checkpoint's size.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: forwards the caller's layout to the system allocator unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The time a run spends most of its events around: half-way to its last delivery, or a tenth
/// of its end if it delivers nothing.
fn midpoint(s: &Scenario) -> SimTime {
    let mut probe = engine::build(s).expect("a valid scenario");
    probe.run_to_end();
    let last = probe.report().completion_ms;
    let ms = if last > 0.0 { last / 2.0 } else { s.duration_ms / 10.0 };
    SimTime((ms * 1000.0) as u64)
}

#[test]
fn a_checkpoint_runs_on_exactly_like_its_original() {
    for (name, s) in common::scenario_files() {
        let mut straight = engine::build(&s).expect("a valid scenario");
        straight.run_to_end();
        for t in [SimTime(0), midpoint(&s)] {
            let mut original = engine::build(&s).expect("a valid scenario");
            original.run_until(t);
            let mut copy = original.checkpoint();
            assert_eq!(copy.trace_hash(), original.trace_hash(), "{name} at {t:?}: hash on copying");
            copy.run_to_end();
            original.run_to_end();
            assert_eq!(copy.trace_hash(), original.trace_hash(), "{name} from {t:?}: trace hash");
            assert_eq!(copy.report(), original.report(), "{name} from {t:?}: report");
            assert_eq!(original.trace_hash(), straight.trace_hash(), "{name} from {t:?}: straight run");
        }
    }
}

#[test]
fn a_checkpoint_is_independent_of_its_original() {
    let s = common::scenario_file("gossip.json");
    let mut original = engine::build(&s).expect("a valid scenario");
    original.run_steps(500);
    let copy = original.checkpoint();
    let before = copy.counters();
    original.run_to_end();
    assert_eq!(copy.counters(), before, "running the original moved the copy");
}

/// Prints what a checkpoint of a 20,000-node tree costs, part-way through its run.
#[test]
#[ignore = "a measurement: run with --release --ignored --nocapture"]
fn checkpoint_cost_at_20000_nodes() {
    let base = common::scenario_file("tree.json");
    let mut s = base.clone();
    s.group.size = 20_000;
    let mut sim = engine::build(&s).expect("a valid scenario");
    sim.run_steps(300_000);
    let events = sim.counters();
    let bytes0 = ALLOCATED.load(Ordering::Relaxed);
    let start = std::time::Instant::now();
    let copies: Vec<Box<dyn Simulation>> = (0..10).map(|_| sim.checkpoint()).collect();
    let micros = start.elapsed().as_micros() / 10;
    let bytes = (ALLOCATED.load(Ordering::Relaxed) - bytes0) / 10;
    println!("20,000-node tree at {:?} ({events:?}): checkpoint {bytes} bytes, {micros} µs", sim.now());
    drop(copies);
}
