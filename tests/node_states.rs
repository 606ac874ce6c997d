//! What the page reads of each node ([`Simulation::node_states`]) for an epidemic: a rumor
//! mongering run in synchronous rounds shows every receiver susceptible (waiting) at first, then
//! infective while the rumor is hot for it (`Protocol::is_infective`), then removed (done) once it
//! lost interest; the states agree with the deliveries counted, and the run is the same with or
//! without reading them.

use mcast::engine::{self, NodeState, Simulation};
use mcast::scenario::Scenario;
use mcast::time::SimTime;

/// Push rumor mongering with feedback and a counter (k = 2), 50 ms rounds, 200 nodes, no loss.
fn scenario() -> Scenario {
    Scenario::from_json(
        r#"{"version": 2, "seed": 3, "group": {"size": 200},
            "network": {"loss": 0, "mode": {"rounds": {"round_ms": 50}}},
            "protocol": {"kind": "rumor", "direction": "push", "feedback": true, "removal": "counter", "k": 2, "period_ms": 100},
            "duration_ms": 6000}"#,
    )
    .unwrap()
}

fn count(states: &[NodeState], s: NodeState) -> usize {
    states.iter().filter(|x| **x == s).count()
}

#[test]
fn rumor_nodes_go_susceptible_then_infective_then_removed() {
    let mut sim = engine::build(&scenario()).unwrap();
    let mut states = Vec::new();
    sim.node_states(&mut states);
    assert_eq!(states[0], NodeState::Sender);
    assert_eq!(count(&states, NodeState::Waiting), 199, "every receiver susceptible at the start");
    let (mut peak, mut infective_seen) = (0, false);
    for round in 1..120 {
        sim.run_until(SimTime::from_ms(round * 50));
        sim.node_states(&mut states);
        let infective = count(&states, NodeState::Infective);
        let holding = infective + count(&states, NodeState::Done);
        assert_eq!(holding as u64, sim.owed().0, "round {round}: infective + removed = receivers holding it");
        infective_seen |= infective > 0;
        peak = peak.max(infective);
    }
    assert!(infective_seen && peak > 20, "peak infective {peak}");
    sim.run_to_end();
    sim.node_states(&mut states);
    assert_eq!(count(&states, NodeState::Infective), 0, "every node loses interest in the end");
    assert_eq!(count(&states, NodeState::Done) as u64, sim.owed().0);
}

#[test]
fn reading_the_states_leaves_the_run_unchanged() {
    let mut plain = engine::build(&scenario()).unwrap();
    plain.run_to_end();
    let mut read: Box<dyn Simulation> = engine::build(&scenario()).unwrap();
    let mut states = Vec::new();
    while !read.is_done() {
        read.run_steps(50);
        read.node_states(&mut states);
    }
    assert_eq!(read.trace_hash(), plain.trace_hash());
}
