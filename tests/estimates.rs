//! The run-size estimate against what runs really use: over every scenario file and sweeps of
//! group size per family, the estimated events and packets stay within a documented factor of
//! the measured counts (docs/architecture.md, bounded runs), so that nothing that would run in
//! a second is refused and nothing that would take an hour is accepted silently.

mod common;

use mcast::protocols::anti_entropy::{AntiEntropyConfig, Direction};
use mcast::protocols::centralized::CentralizedConfig;
use mcast::protocols::gossip::{GossipConfig, Mode, Peers, Spread};
use mcast::protocols::gossipsub::GossipsubConfig;
use mcast::protocols::pbcast::{FirstPhase, PbcastConfig};
use mcast::protocols::rmtp::RmtpConfig;
use mcast::protocols::rumor::RumorConfig;
use mcast::protocols::srm::SrmConfig;
use mcast::protocols::tree::{Reliability, Topology, TreeConfig};
use mcast::scenario::{faults, FaultSpec, Limits, MembershipSpec, NetworkSpec, ProtocolSpec, Scenario, Service};
use std::path::Path;

/// How far an estimate may be from the measured count, either way.
const FACTOR: f64 = 4.0;

/// (name, scenario) for every scenario file and every family at a few sizes and losses.
fn cases() -> Vec<(String, Scenario)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut out: Vec<(String, Scenario)> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                common::scenario_file(&p.file_name().unwrap().to_string_lossy()),
            )
        })
        .collect();
    let families: [(&str, ProtocolSpec); 19] = [
        ("centralized", CentralizedConfig::default().into()),
        ("centralized-acks", CentralizedConfig { reliable: true, ..CentralizedConfig::default() }.into()),
        ("tree-nak", TreeConfig { reliability: Reliability::Nak, ..TreeConfig::default() }.into()),
        (
            "tree-aware-ack",
            TreeConfig { topology: Topology::Aware, reliability: Reliability::Ack, ..TreeConfig::default() }.into(),
        ),
        ("srm", SrmConfig::default().into()),
        ("rmtp", RmtpConfig::default().into()),
        ("gossip", GossipConfig::default().into()),
        (
            "gossip-push-once",
            GossipConfig { mode: Mode::Push, fanout: 4, spread: Spread::Once, ..GossipConfig::default() }.into(),
        ),
        ("gossip-push", GossipConfig { mode: Mode::Push, ..GossipConfig::default() }.into()),
        ("gossip-pull", GossipConfig { mode: Mode::Pull, ..GossipConfig::default() }.into()),
        ("gossip-cyclon", GossipConfig { peers: Peers::Cyclon, ..GossipConfig::default() }.into()),
        ("rumor", RumorConfig::default().into()),
        ("rumor-pull", RumorConfig { direction: Direction::Pull, ..RumorConfig::default() }.into()),
        ("rumor-backstop", RumorConfig { anti_entropy_period_ms: 1000.0, ..RumorConfig::default() }.into()),
        ("anti-entropy", AntiEntropyConfig::default().into()),
        ("pbcast", PbcastConfig::default().into()),
        ("pbcast-gossip-only", PbcastConfig { first_phase: FirstPhase::None, ..PbcastConfig::default() }.into()),
        ("gossipsub", GossipsubConfig::default().into()),
        ("gossipsub-no-scoring", GossipsubConfig { scoring: false, ..GossipsubConfig::default() }.into()),
    ];
    for (name, protocol) in families {
        for n in [50, 400] {
            for loss in [0.0, 0.1] {
                let network = NetworkSpec { loss, ..NetworkSpec::default() };
                let workload = common::messages(10, 1000, 50.0);
                let s = Scenario { network, workload, duration_ms: 10_000.0, ..common::scenario(n, protocol.clone()) };
                out.push((format!("{name} n={n} loss={loss}"), s));
            }
        }
    }
    // SWIM under centralized with ACKs: its probes dominate over a long run.
    for n in [50, 400] {
        for loss in [0.0, 0.1] {
            let network = NetworkSpec { loss, ..NetworkSpec::default() };
            let membership = MembershipSpec { service: Service::Swim, ..MembershipSpec::default() };
            let protocol = CentralizedConfig { reliable: true, ..CentralizedConfig::default() };
            let faults = vec![FaultSpec::Crash { at_ms: 2_000.0, node: 7 }];
            let s = Scenario { network, membership, faults, duration_ms: 30_000.0, ..common::scenario(n, protocol) };
            out.push((format!("swim n={n} loss={loss}"), s));
        }
    }
    out
}

/// (estimated, measured) events and packets of `s`.
fn compare(s: &Scenario) -> ((u64, u64), (u64, u64)) {
    let joiners = faults::plan(s, &Limits::NATIVE).unwrap().joiners;
    let e = s.estimate(joiners);
    let (r, _) = common::run(s);
    let packets: u64 = r.packets.values().sum();
    ((e.events, r.events), (e.packets, packets))
}

fn within(est: u64, measured: u64) -> bool {
    let (e, m) = (est.max(1) as f64, measured.max(1) as f64);
    e <= m * FACTOR && m <= e * FACTOR
}

#[test]
fn estimates_stay_within_a_factor_of_what_runs_use() {
    let mut off = Vec::new();
    for (name, s) in cases() {
        let ((ee, me), (ep, mp)) = compare(&s);
        let line = format!("{name:<36} events {ee:>9} est / {me:>9} run   packets {ep:>9} est / {mp:>9} run");
        println!("{line}");
        if !within(ee, me) || !within(ep, mp) {
            off.push(line);
        }
    }
    assert!(off.is_empty(), "estimates more than {FACTOR}x off:\n{}", off.join("\n"));
}

#[test]
#[ignore]
fn print_estimate() {
    let mut s = Scenario::default_playground();
    s.group.size = 1_000_000;
    s.workload.messages = 400;
    let e = s.estimate(0);
    println!("{} events, {} MiB", e.events, e.memory_bytes >> 20);
    for l in &e.loads {
        println!("{l:?}");
    }
}
