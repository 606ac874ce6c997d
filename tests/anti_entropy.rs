//! Tiers 2 to 4 for anti-entropy (Demers et al. 1987, §1.3): one update from one node in the
//! round-synchronous network reaches every member in O(log n) periods, push-pull fastest;
//! digests grow with the gaps in what a node holds; determinism.

mod common;

use mcast::protocols::anti_entropy::{AntiEntropyConfig, Direction};
use mcast::scenario::{NetworkMode, NetworkSpec, Scenario};

const ROUND_MS: f64 = 25.0;
/// Four rounds: a push exchange's three packets (digest, the ids wanted, the updates) land
/// within the period, as the paper's exchange fits one cycle.
const PERIOD_MS: f64 = 4.0 * ROUND_MS;
/// Seeds per mean: 10 in release, 4 in debug builds (ten times slower).
const SEEDS: u64 = if cfg!(debug_assertions) { 4 } else { 10 };

fn scenario(seed: u64, n: u32, direction: Direction) -> Scenario {
    let config = AntiEntropyConfig { direction, period_ms: PERIOD_MS, ..AntiEntropyConfig::default() };
    let network = NetworkSpec { mode: NetworkMode::Rounds { round_ms: ROUND_MS }, ..NetworkSpec::default() };
    Scenario {
        seed,
        network,
        workload: common::messages(1, 1000, 1.0),
        duration_ms: 6000.0,
        ..common::scenario(n, config)
    }
}

/// Mean periods until the last member holds the update, over the seeds; every run complete.
fn t_last(n: u32, direction: Direction) -> f64 {
    let total: f64 = (1..=SEEDS)
        .map(|seed| {
            let (r, _) = common::run(&scenario(seed, n, direction));
            assert_eq!(r.deliveries, r.expected_deliveries, "seed {seed} n={n} {direction:?}");
            assert_eq!(r.duplicate_deliveries, 0, "seed {seed}");
            r.completion_ms / PERIOD_MS
        })
        .sum();
    let mean = total / SEEDS as f64;
    eprintln!("n={n} {direction:?}: t_last {mean:.2} periods");
    mean
}

#[test]
fn every_member_is_reached_in_logarithmic_periods_push_pull_first() {
    let n = 1000;
    let bound = (n as f64).log2() + (n as f64).ln();
    let push_pull = t_last(n, Direction::PushPull);
    let push = t_last(n, Direction::Push);
    let pull = t_last(n, Direction::Pull);
    // Push alone needs about log2 n + ln n periods (Pittel 1987, the analysis §1.3 cites); pull
    // and push-pull finish faster (pull's missing fraction squares each period once most hold
    // the update, p_{i+1} = p_i², against push's p_i e^(−1)).
    assert!(push <= bound + 3.0, "push {push:.1} against log2 n + ln n = {bound:.1}");
    assert!(push_pull < push && pull < push, "push-pull {push_pull:.1}, pull {pull:.1}, push {push:.1}");
    assert!(push_pull <= pull, "push-pull {push_pull:.1}, pull {pull:.1}");
    // O(log n): ten times the members, a few periods more, not ten times as many.
    let small = t_last(100, Direction::PushPull);
    assert!(small < push_pull && push_pull - small < 0.6 * bound, "n=100 {small:.1}, n=1000 {push_pull:.1}");
}

#[test]
fn digests_on_the_wire_cost_eight_bytes_per_range() {
    // Ten messages with no gap: every digest of a node holding some is one range (48 bytes),
    // of a node holding none the header alone (40).
    let s = Scenario { workload: common::messages(10, 1000, 1.0), ..scenario(1, 50, Direction::PushPull) };
    let (r, _) = common::run(&s);
    assert_eq!(r.deliveries, r.expected_deliveries);
    let (digests, bytes) = (r.packets["digest"], r.bytes["digest"]);
    assert!(bytes >= 40 * digests && bytes <= 48 * digests, "{digests} digests, {bytes} bytes");
    assert!(bytes > 40 * digests + 8 * digests / 2, "most digests carry their range: {digests} digests, {bytes} bytes");
}

#[test]
fn the_scenario_file_replays_exactly() {
    let s = common::scenario_file("anti-entropy.json");
    let (a, _) = common::run(&s);
    let (b, _) = common::run(&s);
    assert_eq!(a, b);
    assert_eq!(a.deliveries, a.expected_deliveries);
}
