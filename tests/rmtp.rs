//! Tiers 2 to 4 for RMTP: the designated receivers' role (the sender hears only them, they repair
//! locally, multicast past the threshold, carry their region's status load), delivery over seed
//! sweeps, failover, late join and determinism. Every assertion message names the seed.

mod common;

use mcast::engine;
use mcast::metrics::Report;
use mcast::protocol::{NodeId, Protocol};
use mcast::protocols::rmtp::{Rmtp, RmtpConfig, RmtpFamily};
use mcast::scenario::{FaultSpec, LinkSpec, NetworkSpec, ProtocolSpec, Scenario};
use mcast::sim::world::World;

fn scenario(seed: u64, n: u32, messages: u32, loss: f64, config: RmtpConfig) -> Scenario {
    let network = NetworkSpec { loss, uplink_bytes_per_sec: 0, ..NetworkSpec::default() };
    Scenario { seed, network, workload: common::messages(messages, 1000, 100.0), ..common::scenario(n, config) }
}

fn config(drs: u32) -> RmtpConfig {
    RmtpConfig { dr_count: drs, ..RmtpConfig::default() }
}

fn run(s: &Scenario) -> Report {
    common::run(s).0
}

/// The same run as `engine::build`, with the nodes' state open to inspection.
fn world(s: &Scenario) -> (World<Rmtp>, Vec<NodeId>) {
    let ProtocolSpec::Rmtp(c) = &s.protocol else { panic!("an RMTP scenario") };
    let setup = engine::configure::<RmtpFamily>(s, c);
    let drs = setup.get().drs.clone();
    let mut w = World::<Rmtp>::new(engine::setup(s).unwrap_or_else(|e| panic!("seed {}: {e}", s.seed)), &setup);
    w.run_to_end();
    (w, drs)
}

fn packets(r: &Report, kind: &str) -> u64 {
    *r.packets.get(kind).unwrap_or_else(|| panic!("no `{kind}` in packets: {:?}", r.packets))
}

fn assert_exact(r: &Report, ctx: &str) {
    assert_eq!(r.deliveries, r.expected_deliveries, "{ctx}: {r:?}");
    assert_eq!(r.duplicate_deliveries, 0, "{ctx}: {r:?}");
    assert_eq!(r.delivered_ratio, 1.0, "{ctx}");
}

#[test]
fn every_message_reaches_every_member_exactly_once_under_loss() {
    for loss in [0.1, 0.2] {
        for seed in 1..=10u64 {
            let s = scenario(seed, 150, 12, loss, config(6));
            let r = run(&s);
            let ctx = format!("seed {seed}, loss {loss}");
            assert_exact(&r, &ctx);
            assert_eq!(r.expected_deliveries, 149 * 12, "{ctx}");
            assert!(packets(&r, "repair") > 0, "{ctx}: losses are repaired by DRs");
        }
    }
    // With a finite uplink (the sender's copies leave one by one) and a larger group.
    let mut s = scenario(3, 400, 10, 0.15, config(8));
    s.network.uplink_bytes_per_sec = 2_500_000;
    s.workload.interval_ms = 200.0;
    assert_exact(&run(&s), "seed 3, 400 nodes, finite uplink");
}

#[test]
fn the_sender_hears_status_only_from_drs_whatever_the_group_size() {
    let mut per_round = Vec::new();
    for n in [100u32, 1000] {
        let seed = 4;
        let s = scenario(seed, n, 10, 0.1, config(8));
        let (w, drs) = world(&s);
        let ctx = format!("seed {seed}, n {n}");
        let from = w.node(0).status_senders();
        assert!(!from.is_empty(), "{ctx}");
        let total: u64 = from.iter().map(|&(_, k)| k).sum();
        for &(node, k) in &from {
            assert!(drs.contains(&node), "{ctx}: status from {node} ({k} of them), not a DR {drs:?}");
        }
        assert_eq!(total, w.node(0).stats().status_received, "{ctx}");
        // The DRs' statuses are DR-count × rounds, and the receivers' go to the DRs.
        let rounds = w.now().as_ms_f64() / 100.0;
        assert!(total as f64 <= drs.len() as f64 * (rounds + 1.0), "{ctx}: {total} statuses in {rounds} rounds");
        let at_drs: u64 = drs.iter().map(|&d| w.node(d).stats().status_received).sum();
        assert!(at_drs >= u64::from(n) - 1 - drs.len() as u64, "{ctx}: every receiver reports to a DR ({at_drs})");
        per_round.push(total as f64);
    }
    let ratio = per_round[1] / per_round[0];
    assert!((0.5..=2.0).contains(&ratio), "sender's status load 100 vs 1000 nodes: {per_round:?}");
}

#[test]
fn one_receivers_losses_are_repaired_by_its_dr_not_the_sender() {
    for seed in 1..=3u64 {
        let mut s = scenario(seed, 120, 8, 0.0, config(4));
        let (_, drs) = world(&s);
        let victim = (11..120).find(|n| !drs.contains(n)).unwrap_or(11);
        s.network.links = vec![LinkSpec { from: 0, to: victim, loss: 1.0 }];
        let (w, drs) = world(&s);
        let ctx = format!("seed {seed}, victim {victim}");
        let dr = w.node(victim).upstream().unwrap_or_else(|| panic!("{ctx}: no DR"));
        assert!(drs.contains(&dr), "{ctx}: upstream {dr} is not a DR");
        assert_eq!(w.node(victim).window().next(), 8, "{ctx}: every message recovered");
        let sender = w.node(0).stats();
        assert_eq!((sender.unicast_repairs, sender.multicast_repairs), (0, 0), "{ctx}: the sender repaired");
        assert_eq!(w.node(dr).stats().unicast_repairs, 8, "{ctx}: one unicast repair per message");
        for &d in drs.iter().filter(|&&d| d != dr) {
            assert_eq!(w.node(d).stats().unicast_repairs + w.node(d).stats().multicast_repairs, 0, "{ctx}: DR {d}");
        }
        let r = run(&s);
        assert_exact(&r, &ctx);
        assert_eq!((packets(&r, "repair"), packets(&r, "retransmit")), (8, 0), "{ctx}");
    }
}

#[test]
fn a_packet_most_of_a_region_lacks_is_multicast_once_one_member_lacks_is_unicast() {
    let seed = 6;
    let base = scenario(seed, 120, 1, 0.0, config(4));
    let (w, drs) = world(&base);
    let dr = drs[1];
    let region = w.node(dr).region();
    assert!(region.len() >= 5, "seed {seed}: region of {dr}: {region:?}");

    // Everyone in the region but one misses the message: one multicast, region-size copies.
    let mut s = base.clone();
    s.network.links = region.iter().skip(1).map(|&m| LinkSpec { from: 0, to: m, loss: 1.0 }).collect();
    let (w, _) = world(&s);
    let st = w.node(dr).stats();
    let ctx = format!("seed {seed}, DR {dr}, region {}", region.len());
    assert_eq!((st.multicast_repairs, st.unicast_repairs), (1, 0), "{ctx}");
    let r = run(&s);
    assert_exact(&r, &ctx);
    assert_eq!(packets(&r, "repair"), region.len() as u64, "{ctx}: one copy to each member");

    // One member misses it: one unicast.
    let mut s = base.clone();
    s.network.links = vec![LinkSpec { from: 0, to: region[0], loss: 1.0 }];
    let (w, _) = world(&s);
    let st = w.node(dr).stats();
    assert_eq!((st.multicast_repairs, st.unicast_repairs), (0, 1), "{ctx}");
    let r = run(&s);
    assert_exact(&r, &ctx);
    assert_eq!(packets(&r, "repair"), 1, "{ctx}");
}

#[test]
fn drs_carry_their_regions_status_load() {
    let seed = 8;
    let s = scenario(seed, 600, 10, 0.1, config(4));
    let (w, drs) = world(&s);
    let sender = w.node(0).stats().clone();
    // Statuses per member: the sender's members are the DRs, a DR's its region.
    let sender_rate = sender.status_received as f64 / drs.len() as f64;
    let mut total_region = 0;
    for &d in &drs {
        let region = w.node(d).region().len();
        total_region += region;
        let st = w.node(d).stats();
        let ctx = format!("seed {seed}, DR {d}, region {region}");
        assert!(region > 50, "{ctx}");
        let rate = st.status_received as f64 / region as f64;
        assert!(
            (sender_rate / 3.0..=sender_rate * 3.0).contains(&rate),
            "{ctx}: {rate} statuses per member, the sender {sender_rate} per DR"
        );
        assert!(
            st.received > 10 * sender.received / drs.len() as u64,
            "{ctx}: DR {} vs sender {}",
            st.received,
            sender.received
        );
    }
    assert_eq!(total_region, 599 - drs.len(), "seed {seed}: every receiver in one region");
}

#[test]
fn receivers_of_a_crashed_dr_fail_over_and_still_get_everything() {
    for seed in 1..=3u64 {
        let mut s = scenario(seed, 100, 10, 0.1, config(4));
        s.workload.start_ms = 500.0;
        let (w, drs) = world(&s);
        let dead = drs.iter().copied().max_by_key(|&d| w.node(d).region().len()).unwrap_or(1);
        assert!(w.node(dead).region().len() > 5, "seed {seed}: DR {dead}'s region");
        s.faults = vec![FaultSpec::Crash { at_ms: 200.0, node: dead }];
        let (w, _) = world(&s);
        let ctx = format!("seed {seed}, DR {dead} crashed");
        let moved = (1..100).filter(|&n| n != dead && w.node(n).stats().failovers > 0).count();
        assert!(moved > 0, "{ctx}: nobody failed over");
        for n in (1..100).filter(|&n| n != dead) {
            assert_ne!(w.node(n).upstream(), Some(dead), "{ctx}: {n} still reports to the dead DR");
        }
        assert_exact(&run(&s), &ctx);
    }
}

#[test]
fn joiners_and_leavers_get_what_they_are_owed() {
    for seed in 1..=3u64 {
        let mut s = scenario(seed, 80, 20, 0.1, config(4));
        s.faults = vec![
            FaultSpec::Join { at_ms: 350.0 },
            FaultSpec::Join { at_ms: 1200.0 },
            FaultSpec::Leave { at_ms: 800.0, node: 33 },
        ];
        let r = run(&s);
        let ctx = format!("seed {seed}");
        assert_exact(&r, &ctx);
        assert_eq!((r.joins, r.leaves), (2, 1), "{ctx}");
    }
}

#[test]
fn same_seed_same_trace() {
    let path = format!("{}/scenarios/rmtp.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let s = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (a, b) = (run(&s), run(&s));
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_exact(&a, "rmtp.json");
    let mut other = s.clone();
    other.seed += 1;
    assert_ne!(run(&other).trace_hash, a.trace_hash);
    let mut sim = engine::build(&s).unwrap_or_else(|e| panic!("{e}"));
    while sim.run_steps(1000) > 0 {}
    assert_eq!(sim.report().trace_hash, a.trace_hash, "chunked run");
}

#[test]
fn bad_rmtp_settings_are_refused_by_name() {
    let mut s = scenario(1, 10, 1, 0.0, RmtpConfig { dr_nodes: vec![3, 12], ..RmtpConfig::default() });
    let e = engine::build(&s).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("protocol.dr_nodes[1]"), "{e}");
    s.protocol = ProtocolSpec::Rmtp(RmtpConfig { dr_nodes: vec![0], ..RmtpConfig::default() });
    let e = engine::build(&s).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("sender"), "{e}");
    s.protocol = ProtocolSpec::Rmtp(RmtpConfig::default());
    s.workload.senders = Some(vec![0, 1]);
    let e = engine::build(&s).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("workload.senders"), "{e}");
}
#[test]
fn the_dr_load_preset_puts_the_load_on_the_drs() {
    let path = format!("{}/scenarios/rmtp-dr-load.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let s = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let r = run(&s);
    assert_exact(&r, "rmtp-dr-load.json");
    let (w, drs) = world(&s);
    let sender = w.node(0).stats().received;
    let busiest = drs.iter().map(|&d| w.node(d).stats().received).max().unwrap_or(0);
    assert!(busiest > 100 * sender, "busiest DR {busiest} packets in, the sender {sender}");
    let node = r.implosion.node.unwrap_or(0);
    assert!(drs.contains(&node), "the worst 100 ms implosion is at {node}, not a DR {drs:?}");
    for &d in &drs {
        let (region, st) = (w.node(d).region().len() as u64, w.node(d).stats());
        // Every member reports at least once per message, and a handful of times at most.
        assert!(st.status_received >= region, "DR {d}: {} statuses, region {region}", st.status_received);
        let per = st.status_received as f64 / (region * u64::from(s.workload.messages)) as f64;
        assert!(per < 4.0, "DR {d}: {per} statuses per member per message");
    }
}
