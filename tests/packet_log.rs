//! The packet log ([`mcast::sim::log`]): exact entries for a small centralized run, every fate it
//! can settle, and the promise that logging changes nothing in a run.

mod common;

use mcast::engine;
use mcast::protocol::{MsgId, PacketKind};
use mcast::protocols::centralized::CentralizedConfig;
use mcast::scenario::{FaultSpec, Scenario};
use mcast::sim::log::{PacketFate, PacketRecord};
use mcast::time::SimTime;

fn reliable() -> CentralizedConfig {
    CentralizedConfig { reliable: true, ..CentralizedConfig::default() }
}

/// Three nodes 10 ms apart, node 0 sending one 1000-byte message at time zero.
fn three_nodes() -> Scenario {
    Scenario {
        network: common::exact_network(10.0, 0),
        workload: common::messages(1, 1000, 100.0),
        ..common::scenario(3, reliable())
    }
}

fn logged(s: &Scenario) -> Vec<PacketRecord> {
    let mut sim = engine::build(s).unwrap_or_else(|e| panic!("{e}"));
    sim.set_packet_log(true);
    sim.run_to_end();
    assert_eq!(sim.packet_log_overflow(), 0);
    sim.packet_log().to_vec()
}

fn ms(t: u64) -> SimTime {
    SimTime::from_ms(t)
}

#[test]
fn three_node_centralized_run_logs_every_packet_exactly() {
    let log = logged(&three_nodes());
    let rows: Vec<_> = log.iter().map(|r| (r.sent, r.depart, r.arrive, r.from, r.to, r.kind, r.msg, r.fate)).collect();
    let arrived = PacketFate::Arrived;
    let m0 = Some(MsgId(0));
    assert_eq!(
        rows,
        [
            (ms(0), ms(0), ms(10), 0, 1, PacketKind::Data, m0, arrived),
            (ms(0), ms(0), ms(10), 0, 2, PacketKind::Data, m0, arrived),
            (ms(10), ms(10), ms(20), 1, 0, PacketKind::Ack, m0, arrived),
            (ms(10), ms(10), ms(20), 2, 0, PacketKind::Ack, m0, arrived),
        ]
    );
    assert_eq!(log[0].bytes, 1040);
}

#[test]
fn log_is_empty_while_off_and_logging_leaves_the_hash_alone() {
    for name in
        ["srm.json", "tree-root-crash.json", "swim-crash.json", "congested-sender.json", "partition.json", "churn.json"]
    {
        let s = common::scenario_file(name);
        let mut off = engine::build(&s).unwrap_or_else(|e| panic!("{name}: {e}"));
        off.run_to_end();
        assert!(off.packet_log().is_empty(), "{name}");
        let mut on = engine::build(&s).unwrap_or_else(|e| panic!("{name}: {e}"));
        on.set_packet_log(true);
        on.run_to_end();
        assert_eq!(on.trace_hash(), off.trace_hash(), "{name}");
        let sent: u64 = on.counters().sent.iter().sum();
        let log = on.packet_log();
        let never_left = log.iter().filter(|r| r.fate == PacketFate::SenderCrashed).count() as u64;
        let kept = log.len() as u64 + on.packet_log_overflow();
        assert_eq!(kept, sent + never_left, "{name}: one record per packet sent");
        let end = on.end();
        let unsettled = log.iter().find(|r| r.fate == PacketFate::InFlight && r.arrive <= end);
        assert_eq!(unsettled, None, "{name}: every packet due by the end is settled");
    }
}

#[test]
fn losses_and_crashed_receivers_are_settled_with_their_reason() {
    let mut s = three_nodes();
    s.network.loss = 0.5;
    s.seed = 3;
    let log = logged(&s);
    assert!(log.iter().any(|r| r.fate == PacketFate::Lost), "{log:?}");
    assert!(log.iter().all(|r| r.fate != PacketFate::InFlight), "{log:?}");
    for r in &log {
        assert_eq!(r.arrive.since(r.depart), mcast::time::SimDuration::from_ms(10), "{r:?}");
    }
    let mut s = three_nodes();
    s.faults = vec![FaultSpec::Crash { node: 2, at_ms: 5.0 }];
    let log = logged(&s);
    let to_2: Vec<_> = log.iter().filter(|r| r.to == 2).map(|r| (r.kind, r.fate)).collect();
    assert_eq!(to_2[0], (PacketKind::Data, PacketFate::ReceiverDown), "{log:?}");
}
