//! Tiers 2 and 3: the tree protocol through the kernel. Its depth against log_k n, its repair at
//! heavy loss, its healing after crashes and leaves, exactly-once delivery, and the unreliable
//! tree's delivery ratio against (1 − p)^depth, over sweeps of seeds. Every assertion message
//! names the seed.

mod common;

use mcast::engine;
use mcast::metrics::Report;
use mcast::protocol::NodeId;
use mcast::protocols::tree::{
    heap_children, heap_depth, heap_path, Reliability, Topology, Tree, TreeConfig, TreeFamily,
};
use mcast::scenario::{FaultSpec, NetworkSpec, ProtocolSpec, Scenario};
use mcast::sim::faults::Status;
use mcast::sim::world::World;
use mcast::time::SimDuration;

fn config(topology: Topology, reliability: Reliability, fanout: u32) -> TreeConfig {
    TreeConfig { topology, reliability, fanout, ..TreeConfig::default() }
}

/// `n` nodes on a disk at loss `loss`, `messages` of 1000 bytes `interval_ms` apart, for 20 s.
fn scenario(seed: u64, n: u32, messages: u32, interval_ms: f64, loss: f64, tree: TreeConfig) -> Scenario {
    Scenario {
        seed,
        network: NetworkSpec { loss, ..NetworkSpec::default() },
        workload: common::messages(messages, 1000, interval_ms),
        duration_ms: 20_000.0,
        ..common::scenario(n, tree)
    }
}

fn run(s: &Scenario) -> Report {
    common::run(s).0
}

/// The same world `engine::build` makes, not yet run, to look at the nodes during the run.
fn build(s: &Scenario) -> World<Tree> {
    let ProtocolSpec::Tree(config) = &s.protocol else { panic!("a tree scenario") };
    let setup = engine::setup(s).unwrap_or_else(|e| panic!("seed {}: {e}", s.seed));
    World::new(setup, &engine::configure::<TreeFamily>(s, config))
}

/// The world of `s` run to its end, to look at the nodes after the run.
fn world(s: &Scenario) -> World<Tree> {
    let mut w = build(s);
    w.run_to_end();
    w
}

fn up(w: &World<Tree>, n: NodeId) -> bool {
    w.status(n) == Status::Up
}

/// Every live node but the root has a live parent that lists it as a child; no node has more
/// than k children; following parents from any node reaches the root.
fn assert_spanning_tree(w: &World<Tree>, root: NodeId, k: u32, ctx: &str) {
    let n = w.positions().len() as NodeId;
    for v in (0..n).filter(|&v| up(w, v)) {
        let node = w.node(v);
        assert!(node.children().count() <= k as usize, "{ctx}: node {v} has more than {k} children");
        if v == root {
            continue;
        }
        let p = node.parent().unwrap_or_else(|| panic!("{ctx}: node {v} has no parent"));
        assert!(up(w, p), "{ctx}: node {v}'s parent {p} is not up");
        assert!(w.node(p).children().any(|c| c == v), "{ctx}: {p} does not list its child {v}");
        let (mut at, mut steps) = (v, 0);
        while at != root {
            at = w.node(at).parent().unwrap_or_else(|| panic!("{ctx}: {at} on {v}'s way up has no parent"));
            steps += 1;
            assert!(steps <= n, "{ctx}: a loop above {v}");
        }
    }
}

/// The smallest d with 1 + k + … + k^d ≥ n: the depth of a complete k-ary tree of n nodes.
fn log_depth(n: u32, k: u32) -> u32 {
    let (mut d, mut level, mut total) = (0, 1u64, 1u64);
    while total < u64::from(n) {
        level *= u64::from(k);
        total += level;
        d += 1;
    }
    d
}

#[test]
fn the_heap_tree_is_as_deep_as_log_k_n() {
    for (seed, n, k) in
        [(1u64, 2u32, 2u32), (2, 10, 2), (3, 100, 2), (4, 300, 4), (5, 1000, 4), (6, 1000, 8), (7, 5000, 3)]
    {
        let s = scenario(seed, n, 1, 100.0, 0.0, config(Topology::Heap, Reliability::None, k));
        let r = run(&s);
        let ctx = format!("seed {seed}, n {n}, k {k}");
        assert_eq!(heap_depth(n, k), log_depth(n, k), "{ctx}");
        assert_eq!(r.deliveries, u64::from(n - 1), "{ctx}: {r:?}");
        assert_eq!(r.hops.max, Some(log_depth(n, k) as u16), "{ctx}: {:?}", r.hops);
        assert_eq!(r.hops.unknown, 0, "{ctx}");
        // The root's uplink carries k copies, not n - 1.
        assert_eq!(r.link_stress.copies, k.min(n - 1), "{ctx}");
        let w = world(&s);
        assert_spanning_tree(&w, 0, k, &ctx);
        for v in 0..n {
            assert_eq!(w.node(v).path(), heap_path(v, 0, n, k).as_slice(), "{ctx}: node {v}");
        }
    }
}

#[test]
fn the_aware_tree_is_shallow_and_nearer_than_the_heap() {
    for (seed, n, k) in [(11u64, 300u32, 4u32), (12, 1000, 4), (13, 1000, 2)] {
        let ctx = format!("seed {seed}, n {n}, k {k}");
        let mut s = scenario(seed, n, 1, 100.0, 0.0, config(Topology::Aware, Reliability::Nak, k));
        s.duration_ms = 5_000.0;
        let r = run(&s);
        assert_eq!((r.deliveries, r.duplicate_deliveries), (u64::from(n - 1), 0), "{ctx}: {r:?}");
        let w = world(&s);
        assert_spanning_tree(&w, 0, k, &ctx);
        let depth = (0..n).map(|v| w.node(v).path().len() as u32 - 1).max().unwrap_or(0);
        assert!(depth <= 2 * log_depth(n, k), "{ctx}: depth {depth}, log depth {}", log_depth(n, k));
        // Mean length of a tree edge in the unit square: the aware tree's are shorter.
        let pos = w.positions();
        let edge = |a: NodeId, b: NodeId| {
            let ([ax, ay], [bx, by]) = (pos[a as usize], pos[b as usize]);
            ((ax - bx).powi(2) + (ay - by).powi(2)).sqrt()
        };
        let aware: f64 = (1..n).map(|v| edge(v, w.node(v).parent().unwrap())).sum::<f64>() / f64::from(n - 1);
        let heap: f64 = (1..n).map(|v| edge(v, heap_path(v, 0, n, k)[1])).sum::<f64>() / f64::from(n - 1);
        assert!(aware < 0.6 * heap, "{ctx}: mean edge {aware:.3} (aware) vs {heap:.3} (heap)");
    }
}

#[test]
fn hop_by_hop_repair_delivers_everything_at_20_percent_loss() {
    for reliability in [Reliability::Ack, Reliability::Nak] {
        for topology in [Topology::Heap, Topology::Aware] {
            for seed in 1..=10u64 {
                let s = scenario(seed, 200, 10, 50.0, 0.2, config(topology, reliability, 4));
                let r = run(&s);
                let ctx = format!("seed {seed}, {reliability:?}, {topology:?}: {r:?}");
                assert_eq!(r.expected_deliveries, 199 * 10, "{ctx}");
                assert_eq!(r.deliveries, r.expected_deliveries, "{ctx}");
                assert_eq!(r.duplicate_deliveries, 0, "{ctx}");
                let resent = if reliability == Reliability::Ack { "retransmit" } else { "repair" };
                assert!(r.packets[resent] > 0, "{ctx}");
            }
        }
    }
}

fn crash(at_ms: f64, node: u32) -> FaultSpec {
    FaultSpec::Crash { at_ms, node }
}

#[test]
fn a_crash_below_the_root_is_healed_and_the_orphans_catch_up() {
    // 300 nodes, a 4-ary heap: node 1 is a child of the root with a subtree of about a quarter
    // of the group. It crashes at 500 ms in the middle of a stream of one message every 20 ms.
    // Its children suspect it after heartbeat_misses silent intervals, probe it probe_attempts
    // times (at the fast heartbeat's pace), re-attach to the root (their grandparent, naming the
    // dead parent so its slot is freed), and NAK what they missed.
    for reliability in [Reliability::Ack, Reliability::Nak] {
        for seed in 1..=5u64 {
            let tree = TreeConfig {
                heartbeat_interval_ms: 100.0,
                heartbeat_misses: 3,
                probe_timeout_ms: 100.0,
                ..config(Topology::Heap, reliability, 4)
            };
            let mut s = scenario(seed, 300, 60, 20.0, 0.01, tree);
            s.duration_ms = 5_000.0;
            s.faults = vec![crash(500.0, 1)];
            let r = run(&s);
            let ctx = format!("seed {seed}, {reliability:?}: {r:?}");
            assert_eq!(r.expected_deliveries, 298 * 60, "{ctx}");
            assert_eq!(r.deliveries, r.expected_deliveries, "{ctx}");
            assert_eq!(r.duplicate_deliveries, 0, "{ctx}");
            // Detection takes 600-700 ms (three to four silent intervals, then three probes), the
            // JOIN a round trip and the catch-up a few more: no message waits much longer than
            // 1.3 seconds.
            let slowest = r.message_completion_ms.max.unwrap();
            assert!(slowest < 1_500.0, "{ctx}: slowest message took {slowest} ms");
            assert!(slowest > 600.0, "{ctx}: the orphans cannot have given up on their parent before 600 ms");
            let w = world(&s);
            assert_spanning_tree(&w, 0, 4, &format!("seed {seed}, {reliability:?}"));
            for orphan in heap_children(1, 0, 300, 4) {
                let p = w.node(orphan).parent();
                assert!(p.is_some_and(|p| p != 1 && up(&w, p)), "seed {seed}: orphan {orphan} has parent {p:?}");
            }
        }
    }
}

#[test]
fn a_restarted_node_rejoins_and_gets_everything_it_is_owed() {
    for reliability in [Reliability::Ack, Reliability::Nak] {
        for seed in 1..=3u64 {
            let mut s = scenario(seed, 100, 30, 20.0, 0.02, config(Topology::Heap, reliability, 3));
            s.duration_ms = 10_000.0;
            // Node 2 is internal (children 7, 8, 9): it is down from 200 to 450 ms.
            s.faults = vec![crash(200.0, 2), FaultSpec::Recover { at_ms: 450.0, node: 2 }];
            let r = run(&s);
            let ctx = format!("seed {seed}, {reliability:?}: {r:?}");
            assert_eq!(r.expected_deliveries, 99 * 30, "{ctx}");
            assert_eq!(r.deliveries, r.expected_deliveries, "{ctx}");
            // Its state gone, the restarted node asks for everything, and delivers again what
            // it had delivered before the crash (messages 0..9, sent before 200 ms): at most 10
            // duplicates, all its own.
            assert!(r.duplicate_deliveries <= 10, "{ctx}");
            let w = world(&s);
            assert_spanning_tree(&w, 0, 3, &format!("seed {seed}"));
            assert!(w.node(2).parent().is_some(), "seed {seed}: node 2 rejoined");
        }
    }
}

#[test]
fn every_reliable_mode_delivers_exactly_once_and_runs_are_reproducible() {
    for reliability in [Reliability::Ack, Reliability::Nak] {
        for topology in [Topology::Heap, Topology::Aware] {
            for seed in 20..26u64 {
                let mut s = scenario(seed, 150, 8, 30.0, 0.1, config(topology, reliability, 3));
                // Two senders: node 37's messages go up to the root, which numbers them too.
                s.workload.senders = Some(vec![0, 37]);
                let r = run(&s);
                let ctx = format!("seed {seed}, {reliability:?}, {topology:?}: {r:?}");
                assert_eq!(r.expected_deliveries, 149 * 16, "{ctx}");
                assert_eq!(r.deliveries, r.expected_deliveries, "{ctx}");
                assert_eq!(r.duplicate_deliveries, 0, "{ctx}");
                assert_eq!(run(&s).trace_hash, r.trace_hash, "{ctx}");
                let mut other = s.clone();
                other.seed += 100;
                assert_ne!(run(&other).trace_hash, r.trace_hash, "{ctx}");
            }
        }
    }
}

#[test]
fn joiners_get_what_follows_their_join_and_a_leavers_children_keep_receiving() {
    for reliability in [Reliability::Ack, Reliability::Nak] {
        for topology in [Topology::Heap, Topology::Aware] {
            for seed in 1..=4u64 {
                let mut s = scenario(seed, 100, 40, 25.0, 0.02, config(topology, reliability, 3));
                s.duration_ms = 10_000.0;
                s.faults = vec![
                    FaultSpec::Join { at_ms: 300.0 },
                    FaultSpec::Join { at_ms: 420.0 },
                    FaultSpec::Leave { at_ms: 500.0, node: 1 },
                ];
                let r = run(&s);
                let ctx = format!("seed {seed}, {reliability:?}, {topology:?}: {r:?}");
                assert_eq!((r.joins, r.leaves), (2, 1), "{ctx}");
                assert_eq!(r.deliveries, r.expected_deliveries, "{ctx}");
                assert_eq!(r.duplicate_deliveries, 0, "{ctx}");
                // Messages 13.. (sent after 300 ms) are owed to joiner 100, 17.. to joiner 101.
                assert_eq!(r.expected_deliveries, 98 * 40 + 27 + 23, "{ctx}");
                let w = world(&s);
                let ctx = format!("seed {seed}, {reliability:?}, {topology:?}");
                assert_spanning_tree(&w, 0, 3, &ctx);
                assert!(w.node(100).parent().is_some() && w.node(101).parent().is_some(), "{ctx}");
                assert!((0..102).filter(|&v| up(&w, v)).all(|v| w.node(v).parent() != Some(1)), "{ctx}");
            }
        }
    }
}

#[test]
fn without_repair_a_node_at_depth_d_receives_with_probability_one_minus_p_to_the_d() {
    // Loss hits each edge independently, and a copy lost on an edge is lost below it: the
    // expected delivery ratio is the mean over receivers of (1 - p)^depth. The run ends before
    // any heartbeat timeout, so no re-attachment (and its one catch-up) interferes.
    let (n, k) = (2000u32, 4u32);
    for p in [0.05f64, 0.2] {
        let theory: f64 =
            (1..n).map(|v| (1.0 - p).powi(heap_path(v, 0, n, k).len() as i32 - 1)).sum::<f64>() / f64::from(n - 1);
        let mut ratios = Vec::new();
        for seed in 1..=8u64 {
            let mut s = scenario(seed, n, 5, 10.0, p, config(Topology::Heap, Reliability::None, k));
            s.duration_ms = 1_500.0;
            let r = run(&s);
            assert_eq!((r.packets["nak"], r.packets["repair"], r.packets["join"]), (0, 0, 0), "seed {seed}: {r:?}");
            ratios.push(r.delivered_ratio);
        }
        let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
        assert!((mean - theory).abs() < 0.02, "p {p}: mean ratio {mean:.4} vs theory {theory:.4} ({ratios:?})");
    }
}

/// The stress configuration: an aware ACK tree of 100 nodes at 20 % loss, two senders, a join,
/// a leave and a crash, for 20 s.
fn stress(seed: u64) -> Scenario {
    let mut s = scenario(seed, 100, 40, 25.0, 0.2, config(Topology::Aware, Reliability::Ack, 3));
    s.workload.senders = Some(vec![0, 37]);
    s.faults = vec![FaultSpec::Join { at_ms: 300.0 }, crash(400.0, 5), FaultSpec::Leave { at_ms: 500.0, node: 1 }];
    s
}

/// Runs `s` and returns its report, the longest time (ms, sampled every 50 ms) any live node
/// spent without a parent, that node, how many live nodes are without a parent at the end, and
/// how many times nodes lost their parent (the crash's and the leave's orphans included).
fn longest_detached(s: &Scenario) -> (Report, u64, NodeId, usize, u32) {
    let mut w = build(s);
    let n = w.positions().len() as NodeId;
    let (mut since, mut longest) = (vec![None::<u64>; n as usize], (0, 0));
    for t in (0..=s.duration_ms as u64).step_by(50) {
        w.run_until(mcast::time::SimTime(t * 1000));
        for v in (0..n).filter(|&v| v != 0) {
            if up(&w, v) && w.node(v).parent().is_none() {
                let from = *since[v as usize].get_or_insert(t);
                longest = longest.max((t - from, v));
            } else {
                since[v as usize] = None;
            }
        }
    }
    w.run_to_end();
    let at_end = (1..n).filter(|&v| up(&w, v) && w.node(v).parent().is_none()).count();
    let losses = (0..n).map(|v| w.node(v).parent_losses()).sum();
    (w.report(), longest.0, longest.1, at_end, losses)
}

#[test]
fn at_20_percent_loss_no_node_stays_detached_for_long() {
    // Seed 154 once left node 83 detached for its first 12.7 s: its JOINs to the root backed off
    // to 1.6 s each and at 20 % loss a JOIN and its redirect both arrive only 64 % of the time.
    // Others followed stale descents back to a departed node, or were sent back to the root by
    // detached children again and again. Joins now retry every 200-400 ms, keep their descent
    // free of stale entries, and avoid the nodes that failed them.
    for seed in std::iter::once(154).chain(1..=40u64) {
        let (r, longest, node, _, _) = longest_detached(&stress(seed));
        let ctx = format!("seed {seed}: {r:?}");
        assert_eq!(r.deliveries, r.expected_deliveries, "{ctx}");
        assert_eq!(r.duplicate_deliveries, 0, "{ctx}");
        assert!(longest <= 10_000, "seed {seed}: node {node} detached for {longest} ms");
    }
}

#[test]
#[ignore = "a long sweep: STRESS_SEEDS=a..b (default 1..240), STRESS_PROBES=n, prints the tail"]
fn stress_sweep() {
    let spec = std::env::var("STRESS_SEEDS").unwrap_or_else(|_| "1..240".into());
    let (a, b) = spec.split_once("..").expect("STRESS_SEEDS=a..b");
    let probes: Option<u32> = std::env::var("STRESS_PROBES").ok().map(|p| p.parse().expect("STRESS_PROBES=n"));
    let (mut worst, mut missed, mut buckets, mut rejoining, mut losses) = (Vec::new(), Vec::new(), [0u32; 21], 0, 0);
    for seed in a.parse::<u64>().unwrap()..=b.parse().unwrap() {
        let mut s = stress(seed);
        if let (Some(p), ProtocolSpec::Tree(tree)) = (probes, &mut s.protocol) {
            tree.probe_attempts = p;
        }
        let (r, longest, node, at_end, lost) = longest_detached(&s);
        rejoining += usize::from(at_end > 0);
        losses += lost;
        if r.deliveries != r.expected_deliveries {
            missed.push((seed, r.deliveries, r.expected_deliveries));
        }
        buckets[(longest / 1000).min(20) as usize] += 1;
        worst.push((longest, seed, node));
    }
    worst.sort_unstable();
    println!("seeds by longest detachment (whole seconds): {buckets:?}");
    println!("worst (ms, seed, node): {:?}", &worst[worst.len().saturating_sub(5)..]);
    println!("seeds ending with a live node still (re)joining: {rejoining}");
    println!("parent losses, all seeds (the crash's and the leave's orphans included): {losses}");
    println!("missed deliveries (seed, got, expected): {missed:?}");
    assert!(missed.is_empty() && worst.last().is_none_or(|w| w.0 <= 10_000));
}

/// Runs `s`, sampling every `step_ms` from `after_ms` on, and returns the world at the end and,
/// for each node `v`, the first sampled time (ms) at which `holds(world, v)`.
fn first_time(
    s: &Scenario,
    after_ms: u64,
    step_ms: u64,
    holds: impl Fn(&World<Tree>, NodeId) -> bool,
) -> (World<Tree>, Vec<Option<u64>>) {
    let mut w = build(s);
    let n = w.positions().len();
    let mut at = vec![None; n];
    for t in (after_ms..=s.duration_ms as u64).step_by(step_ms as usize) {
        w.run_until(mcast::time::SimTime(t * 1000));
        for (v, at) in at.iter_mut().enumerate() {
            if at.is_none() && holds(&w, v as NodeId) {
                *at = Some(t);
            }
        }
    }
    w.run_to_end();
    (w, at)
}

#[test]
fn a_crashed_parent_is_probed_then_replaced_within_the_detection_bound() {
    // Lossless, a 4-ary heap of 100 nodes, one message every 50 ms: node 1 crashes at 1 s. Its
    // children hear nothing from it after that, suspect it after dead_after (checked on each
    // heartbeat tick, so up to one interval later), probe it probe_attempts times probe_timeout
    // apart, and only then re-attach: not before dead_after − one interval + the probes (they
    // did wait for the probes: without them they would re-attach from 3.0 to 3.5 s), and not
    // after TreeConfig::detection_bound plus a join (two retry timeouts: one round trip to the
    // root, or a redirect and another). The root drops node 1 within the bound too.
    let crash_ms = 1_000u64;
    for (seed, probes) in [(1u64, 3u32), (2, 3), (3, 3), (4, 5)] {
        let tree = TreeConfig { probe_attempts: probes, ..config(Topology::Heap, Reliability::Nak, 4) };
        let mut s = scenario(seed, 100, 100, 50.0, 0.0, tree.clone());
        s.duration_ms = 8_000.0;
        s.faults = vec![crash(crash_ms as f64, 1)];
        let ms = |d: SimDuration| d.as_ms_f64() as u64;
        let probing = u64::from(probes) * ms(tree.probe_timeout());
        let early = crash_ms + ms(tree.dead_after()) - ms(tree.heartbeat()) + probing;
        let bound = crash_ms + ms(tree.detection_bound());
        let join = 2 * tree.retry_timeout_ms as u64;
        let (w, at) = first_time(&s, crash_ms, 10, |w, v| match v {
            0 => !w.node(0).children().any(|c| c == 1),
            v => w.node(v).parent().is_some_and(|p| p != 1),
        });
        let ctx = format!("seed {seed}, {probes} probes");
        let root = at[0].unwrap_or_else(|| panic!("{ctx}: the root still lists node 1"));
        assert!(root <= bound, "{ctx}: the root dropped node 1 at {root} ms, after {bound} ms");
        for orphan in heap_children(1, 0, 100, 4) {
            let t = at[orphan as usize].unwrap_or_else(|| panic!("{ctx}: orphan {orphan} never re-attached"));
            assert!(t >= early, "{ctx}: orphan {orphan} re-attached at {t} ms, before {early} ms");
            assert!(t <= bound + join, "{ctx}: orphan {orphan} re-attached at {t} ms, after {} ms", bound + join);
        }
        assert_spanning_tree(&w, 0, 4, &ctx);
        assert_eq!(w.report().deliveries, w.report().expected_deliveries, "{ctx}");
    }
}

/// Parent losses, over the whole group, of a fault-free aware ACK tree at 20 % loss (the stress
/// configuration without its join, crash and leave): every one is a live parent presumed dead,
/// or a live child dropped by its parent, then refused by it.
fn false_parent_losses(seed: u64, probe_attempts: u32) -> u32 {
    let tree = TreeConfig { probe_attempts, ..config(Topology::Aware, Reliability::Ack, 3) };
    let mut s = scenario(seed, 100, 40, 25.0, 0.2, tree);
    s.workload.senders = Some(vec![0, 37]);
    let w = world(&s);
    let r = w.report();
    assert_eq!((r.deliveries, r.duplicate_deliveries), (r.expected_deliveries, 0), "seed {seed}: {r:?}");
    (0..100).map(|v| w.node(v).parent_losses()).sum()
}

#[test]
fn probing_spares_live_parents_at_20_percent_loss() {
    // Four lost heartbeats in a row (0.2^4 = 0.16 % of the checks) made about ten live parents
    // per run presumed dead. Three probes, each failing 36 % of the time (a lost probe or a
    // lost answer), with heartbeats still coming meanwhile, leave about 1 in 500 of those
    // suspicions confirmed: over 40 seeds, 288 suspicions and none confirmed, against 383
    // parent losses without probes.
    let (mut with, mut without) = (0, 0);
    for seed in 1..=6u64 {
        let (a, b) = (false_parent_losses(seed, 3), false_parent_losses(seed, 0));
        println!("seed {seed}: {a} parent losses with probes, {b} without");
        with += a;
        without += b;
    }
    assert!(without >= 30, "without probes only {without} parent losses: the test no longer tests anything");
    assert!(with * 10 <= without, "{with} parent losses with probes against {without} without");
}
