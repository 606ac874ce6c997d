//! Tier 3: the aware tree's depth over networks × join patterns × sizes × seeds. Built by
//! joins, the tree must stay within twice the depth of a balanced k-ary tree of its n live
//! members (`heap_depth`, at most ⌈log_k n⌉), whether distances tie (every pair equally far
//! apart, or the nodes of a region) or not (a disk, a ring), and whether the members join all
//! at once, one after another, under churn, or lose a tenth of their number to crashes. Every
//! assertion message names the case and the seed.
//!
//! Before the full parent placed joiners itself, a crowd that joined at once followed one path
//! down: depth 63 at 250 nodes and 65 at 2,000 over equal distances (k = 4); `depth_table`
//! prints the depths (`cargo test --test tree_depth -- --ignored --nocapture`).

mod common;

use mcast::engine;
use mcast::protocol::NodeId;
use mcast::protocols::tree::{heap_depth, Reliability, Topology, Tree, TreeConfig, TreeFamily};
use mcast::scenario::{FaultSpec, GroupSpec, Layout, NetworkSpec, ProtocolSpec, RegionsSpec, Scenario, WanLatency};
use mcast::sim::faults::Status;
use mcast::sim::world::World;

/// The network the tree is built on.
#[derive(Clone, Copy, Debug)]
enum Net {
    /// Every pair equally far apart: 5 ms, no distance term, no jitter. Every distance ties.
    Uniform,
    /// Four regions, 1 ms inside, 50 ms between: distances tie inside a region.
    Regions,
    /// The default network on the disk layout: 5 ms + 40 ms per unit of distance, 2 ms jitter.
    Disk,
    /// The default network on the ring layout: every node equally far from the root.
    Ring,
}

/// How the members arrive.
#[derive(Clone, Copy, Debug)]
enum Pattern {
    /// Every member starts at once and joins through the root at time zero.
    AtOnce,
    /// Two initial members; the others join one every millisecond (`join` fault entries).
    Staggered,
    /// Every member at once, then 1 to 3 s of churn replacing a fifth of the group.
    Churn,
    /// Every member at once, then a tenth of them crash between 1 and 3 s.
    Crashes,
}

/// The scenario of one case: `n` members (at the end, give or take churn) and fanout `k`.
fn scenario(net: Net, pattern: Pattern, n: u32, k: u32, seed: u64) -> Scenario {
    let layout = if matches!(net, Net::Ring) { Layout::Ring } else { Layout::Disk };
    let network = match net {
        Net::Uniform => NetworkSpec { distance_ms: 0.0, jitter_ms: 0.0, ..NetworkSpec::default() },
        Net::Regions => NetworkSpec {
            regions: Some(RegionsSpec { count: Some(4), of: None, lan_ms: 1.0, wan_ms: WanLatency::Uniform(50.0) }),
            ..NetworkSpec::default()
        },
        Net::Disk | Net::Ring => NetworkSpec::default(),
    };
    let (size, faults, settle_from) = match pattern {
        Pattern::AtOnce => (n, Vec::new(), 0.0),
        Pattern::Staggered => {
            let joins = (2..n).map(|i| FaultSpec::Join { at_ms: f64::from(i) }).collect();
            (2, joins, f64::from(n))
        }
        Pattern::Churn => {
            // A fifth of the group leaves and as many join, over two seconds.
            let rate = f64::from(n) / 10.0;
            let churn = FaultSpec::Churn { join_per_sec: rate, leave_per_sec: rate, from_ms: 1_000.0, to_ms: 3_000.0 };
            (n, vec![churn], 3_000.0)
        }
        Pattern::Crashes => {
            // A tenth of the members (never the root) crash one after another from 1 to 3 s;
            // their orphans notice within the detection bound (3.7 s) and re-attach.
            let count = n / 10;
            let crashes = victims(count, n, seed)
                .into_iter()
                .enumerate()
                .map(|(i, node)| FaultSpec::Crash { at_ms: 1_000.0 + (2_000 * i as u32 / count) as f64, node })
                .collect();
            (n, crashes, 5_000.0)
        }
    };
    let tree =
        TreeConfig { topology: Topology::Aware, reliability: Reliability::Nak, fanout: k, ..TreeConfig::default() };
    let s = common::scenario(size, tree);
    Scenario {
        seed,
        group: GroupSpec { layout, ..s.group },
        network,
        faults,
        // Joins settle within a second or two of the last arrival; five leave a wide margin.
        duration_ms: settle_from + 5_000.0,
        // One message of 1000 bytes.
        ..s
    }
}

/// `count` distinct members but the root (0), drawn from `seed` (xorshift64).
fn victims(count: u32, n: u32, seed: u64) -> std::collections::BTreeSet<u32> {
    let (mut x, mut picked) = (seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1, std::collections::BTreeSet::new());
    while picked.len() < count as usize {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        picked.insert(1 + (x % u64::from(n - 1)) as u32);
    }
    picked
}

/// What a built tree looks like at the end of a run.
#[derive(Debug)]
struct Shape {
    /// Live members.
    live: u32,
    /// Live members without a path of parents to the root.
    detached: u32,
    /// The most hops from the root to a live member.
    depth: u32,
    /// The mean hops from the root over live members but the root.
    mean: f64,
}

/// Runs `s` to its end and measures the tree by following parents from every live member.
fn shape(s: &Scenario) -> Shape {
    let ProtocolSpec::Tree(config) = &s.protocol else { panic!("a tree scenario") };
    let setup = engine::setup(s).unwrap_or_else(|e| panic!("seed {}: {e}", s.seed));
    let mut w: World<Tree> = World::new(setup, &engine::configure::<TreeFamily>(s, config));
    w.run_to_end();
    let all = w.positions().len() as NodeId;
    let live: Vec<NodeId> = (0..all).filter(|&v| w.status(v) == Status::Up).collect();
    let (mut depth, mut sum, mut detached) = (0, 0u64, 0);
    for &v in &live {
        let (mut at, mut hops) = (v, 0);
        while at != 0 && hops <= all {
            match w.node(at).parent() {
                Some(p) => (at, hops) = (p, hops + 1),
                None => break,
            }
        }
        if at != 0 {
            detached += 1;
            continue;
        }
        depth = depth.max(hops);
        sum += u64::from(hops);
    }
    let live = live.len() as u32;
    Shape { live, detached, depth, mean: sum as f64 / f64::from(live.saturating_sub(1).max(1)) }
}

const NETS: [Net; 4] = [Net::Uniform, Net::Regions, Net::Disk, Net::Ring];
const PATTERNS: [Pattern; 4] = [Pattern::AtOnce, Pattern::Staggered, Pattern::Churn, Pattern::Crashes];

#[test]
#[ignore = "prints the aware tree's depth for every network and pattern: DEPTH_SIZES=250,2000 DEPTH_K=4"]
fn depth_table() {
    let list = |var: &str, default: &str| -> Vec<u32> {
        let text = std::env::var(var).unwrap_or_else(|_| default.into());
        text.split(',').map(|x| x.trim().parse().expect("a comma-separated list of numbers")).collect()
    };
    for k in list("DEPTH_K", "4") {
        for n in list("DEPTH_SIZES", "250,2000") {
            for net in NETS {
                for pattern in PATTERNS {
                    for seed in 1..=3u64 {
                        let sh = shape(&scenario(net, pattern, n, k, seed));
                        println!(
                            "{net:?} {pattern:?} n {n} k {k} seed {seed}: live {} detached {} depth {} mean {:.1} (balanced {})",
                            sh.live,
                            sh.detached,
                            sh.depth,
                            sh.mean,
                            heap_depth(sh.live, k)
                        );
                    }
                }
            }
        }
    }
}

/// Builds the aware tree of `n` members on `net` with fanout `k`, for every pattern and seed:
/// every live member ends attached, no deeper than twice a balanced k-ary tree of them.
fn sweep(net: Net, k: u32, n: u32, seeds: std::ops::RangeInclusive<u64>) {
    for pattern in PATTERNS {
        for seed in seeds.clone() {
            let sh = shape(&scenario(net, pattern, n, k, seed));
            let balanced = heap_depth(sh.live, k);
            let ctx = format!("{net:?}, {pattern:?}, n {n}, k {k}, seed {seed}: {sh:?}");
            assert_eq!(sh.detached, 0, "{ctx}");
            assert!(sh.depth <= 2 * balanced, "{ctx}: depth {} over 2 × {balanced}", sh.depth);
        }
    }
}

// Each network is a test of its own, so that they run in parallel: a few seconds each.

#[test]
fn equal_distances_everywhere() {
    sweep(Net::Uniform, 4, 250, 1..=2);
    sweep(Net::Uniform, 4, 2000, 1..=1);
    sweep(Net::Uniform, 2, 250, 1..=1);
    sweep(Net::Uniform, 2, 2000, 1..=1);
}

#[test]
fn four_regions() {
    sweep(Net::Regions, 4, 250, 1..=2);
    sweep(Net::Regions, 4, 2000, 1..=1);
    sweep(Net::Regions, 2, 250, 1..=1);
    sweep(Net::Regions, 2, 2000, 1..=1);
}

#[test]
fn a_disk() {
    sweep(Net::Disk, 4, 250, 1..=2);
    sweep(Net::Disk, 4, 2000, 1..=1);
    sweep(Net::Disk, 2, 250, 1..=1);
    sweep(Net::Disk, 2, 2000, 1..=1);
}

#[test]
fn a_ring() {
    sweep(Net::Ring, 4, 250, 1..=2);
    sweep(Net::Ring, 4, 2000, 1..=1);
    sweep(Net::Ring, 2, 250, 1..=1);
    sweep(Net::Ring, 2, 2000, 1..=1);
}
