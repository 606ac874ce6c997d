//! Bounded runs: past its event or memory budget the kernel stops a run cleanly, with the
//! metrics so far and the reason, and what it ran is exactly the start of the unbounded run.

mod common;

use mcast::engine::{self, Simulation};
use mcast::protocols::tree::TreeConfig;
use mcast::scenario::{NetworkSpec, Scenario};
use mcast::sim::budget::Budget;

/// `s` started with `budget` (past the up-front estimate, which the small budgets here would
/// refuse: these tests are of the kernel's stop).
fn with_budget(s: &Scenario, budget: Budget) -> Box<dyn Simulation> {
    let mut setup = engine::setup(s).unwrap();
    setup.budget = budget;
    engine::start_setup(s, setup)
}

/// A tree whose heartbeats (every 1 ms, 65,535 bytes each) outrun every uplink, whose queues are
/// as good as unlimited: control traffic piles up in them for as long as the run lasts.
fn heartbeat_storm() -> Scenario {
    let tree = TreeConfig { heartbeat_interval_ms: 1.0, control_bytes: 65_535, ..TreeConfig::default() };
    let network =
        NetworkSpec { uplink_bytes_per_sec: 2_500_000, uplink_queue_bytes: Some(0), ..NetworkSpec::default() };
    Scenario { network, duration_ms: 2_000.0, ..common::scenario(30, tree) }
}

#[test]
fn the_event_budget_stops_a_run_where_the_unbounded_run_was_after_as_many_events() {
    let s = common::scenario_file("srm.json");
    for events in [1, 1_000, 54_321] {
        let mut stopped = with_budget(&s, Budget { events, ..Budget::UNLIMITED });
        stopped.run_to_end();
        assert!(stopped.is_done(), "a stopped run is over");
        let report = stopped.report();
        assert_eq!((report.stopped, report.events), (Some("event budget"), events));
        let mut whole = engine::build(&s).unwrap();
        assert_eq!(whole.run_steps(events), events);
        assert_eq!(stopped.trace_hash(), whole.trace_hash(), "{events} events: the same start");
        assert!(!whole.is_done(), "the unbounded run goes on");
    }
}

#[test]
fn the_memory_budget_stops_a_run_whose_queue_outgrows_it() {
    let s = heartbeat_storm();
    let small = Budget { queue_bytes: 1 << 20, ..Budget::UNLIMITED };
    let mut sim = with_budget(&s, small);
    sim.run_to_end();
    let report = sim.report();
    assert_eq!(report.stopped, Some("memory budget"), "events {}", report.events);
    assert!(report.sim_time_ms < s.duration_ms, "stopped early, at {} ms", report.sim_time_ms);
    // The same run twice stops at the same event.
    let mut again = with_budget(&s, small);
    again.run_to_end();
    assert_eq!(again.trace_hash(), sim.trace_hash());
    // With room, it runs to its end.
    let (whole, _) = common::run(&s);
    assert_eq!(whole.stopped, None);
    assert!(whole.events > report.events);
}

#[test]
fn stepping_a_stopped_run_does_nothing() {
    let s = common::scenario_file("centralized.json");
    let mut sim = with_budget(&s, Budget { events: 10, ..Budget::UNLIMITED });
    assert_eq!(sim.run_steps(100), 10);
    assert!(!sim.step(), "no event after the budget");
    let hash = sim.trace_hash();
    sim.run_until(mcast::time::SimTime::from_ms(1_000_000));
    assert_eq!((sim.trace_hash(), sim.report().events), (hash, 10));
}
