//! Tiers 2 to 4 for rumor mongering (Demers et al. 1987, §1.4-1.5): one update spread from one
//! node in the round-synchronous network, against the paper's tables over a seed sweep; the
//! anti-entropy backstop bringing the residue to zero; the connection limit; determinism.
//! Every assertion message names the seed or the k.

mod common;

use mcast::metrics::Report;
use mcast::protocols::anti_entropy::Direction;
use mcast::protocols::rumor::{Removal, RumorConfig};
use mcast::scenario::{NetworkMode, NetworkSpec, Scenario};

/// One round; a period (the paper's cycle) is two, so a push and its feedback fit one cycle.
const ROUND_MS: f64 = 50.0;
const PERIOD_MS: f64 = 2.0 * ROUND_MS;
const N: u32 = 1000;
/// Seeds per sweep: 20 in release; 10 in debug builds, where a run is ten times slower (the
/// tolerances follow the measured standard errors, so they widen with fewer seeds).
const SEEDS: u64 = if cfg!(debug_assertions) { 10 } else { 20 };

fn rounds() -> NetworkSpec {
    NetworkSpec { mode: NetworkMode::Rounds { round_ms: ROUND_MS }, ..NetworkSpec::default() }
}

fn scenario(seed: u64, config: RumorConfig) -> Scenario {
    let config = RumorConfig { period_ms: PERIOD_MS, ..config };
    Scenario {
        seed,
        network: rounds(),
        workload: common::messages(1, 1000, 1.0),
        duration_ms: 20_000.0,
        ..common::scenario(N, config)
    }
}

/// The epidemic measures of one run (the report's `epidemic` section): residue (fraction of
/// receivers never reached), traffic m (rumor-carrying packets per member, Demers' "update
/// messages sent per site") and the cycle of the last delivery (a push at cycle c's tick, round
/// 2c, arrives at round 2c + 1).
struct Measures {
    residue: f64,
    traffic: f64,
    t_last: f64,
}

fn measure(r: &Report) -> Measures {
    assert_eq!(r.epidemic.unit, "rounds");
    let gossip = r.packets.get("gossip").copied().unwrap_or(0) as f64 / f64::from(N);
    assert!((r.epidemic.traffic - gossip).abs() < 1e-9, "the report's traffic counts the rumor packets");
    Measures { residue: r.epidemic.residue, traffic: r.epidemic.traffic, t_last: (r.epidemic.t_last - 1.0) / 2.0 }
}

/// Mean and standard error of the mean.
fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Sweeps `config` with k = 1..=5 over the seeds: per k, (residue mean, its SE, traffic mean,
/// its SE, mean t_last).
fn sweep(config: RumorConfig) -> Vec<(f64, f64, f64, f64, f64)> {
    (1..=5)
        .map(|k| {
            let runs: Vec<Measures> = (1..=SEEDS)
                .map(|seed| measure(&common::run(&scenario(seed, RumorConfig { k, ..config.clone() })).0))
                .collect();
            let (s, s_se) = mean_se(&runs.iter().map(|m| m.residue).collect::<Vec<_>>());
            let (m, m_se) = mean_se(&runs.iter().map(|m| m.traffic).collect::<Vec<_>>());
            let t_last = runs.iter().map(|m| m.t_last).sum::<f64>() / runs.len() as f64;
            eprintln!("k={k}: residue {s:.4} ± {s_se:.4}, traffic {m:.3} ± {m_se:.3}, t_last {t_last:.1} cycles");
            (s, s_se, m, m_se, t_last)
        })
        .collect()
}

/// Whether `measured` (mean with standard error `se` over our seeds) agrees with the paper's
/// `figure`, printed to `places` decimals. The paper's figure is itself a mean over runs it
/// does not count; taking it to be as precise as ours, the difference of the two means has
/// standard error √2 · se, and we allow three of those plus half a unit of the figure's last
/// place (its rounding).
fn agrees(measured: f64, se: f64, figure: f64, places: i32) -> bool {
    (measured - figure).abs() <= 3.0 * std::f64::consts::SQRT_2 * se + 0.5 * 10f64.powi(-places)
}

/// Demers et al. 1987, §1.4, Table 1: push, feedback, counter, n = 1000: (k, residue s, its
/// decimals, traffic m, its decimals).
const TABLE_1: [(u32, f64, i32, f64, i32); 5] = [
    (1, 0.18, 2, 1.7, 1),
    (2, 0.037, 3, 3.3, 1),
    (3, 0.011, 3, 4.5, 1),
    (4, 0.0036, 4, 5.6, 1),
    (5, 0.0012, 4, 6.7, 1),
];

#[test]
fn push_feedback_counter_matches_table_1_and_residue_is_e_to_the_minus_traffic() {
    let measured = sweep(RumorConfig {
        direction: Direction::Push,
        feedback: true,
        removal: Removal::Counter,
        ..RumorConfig::default()
    });
    for (&(k, s_paper, s_places, m_paper, m_places), &(s, s_se, m, m_se, _)) in TABLE_1.iter().zip(&measured) {
        assert!(agrees(s, s_se, s_paper, s_places), "k={k}: residue {s:.4} ± {s_se:.4}, Table 1 {s_paper}");
        assert!(agrees(m, m_se, m_paper, m_places), "k={k}: traffic {m:.3} ± {m_se:.3}, Table 1 {m_paper}");
        // s ≈ e^(−m) (§1.4), which the paper's own figures meet to 0.05 in ln s; ln s has
        // standard error about se(s)/s, m its own: 0.1 plus three of each.
        let tolerance = 0.1 + 3.0 * (s_se / s + m_se);
        assert!(
            (s.ln() + m).abs() <= tolerance,
            "k={k}: ln s = {:.2}, −m = {:.2}, tolerance {tolerance:.2}",
            s.ln(),
            -m
        );
    }
    // Residue falls with k, traffic grows.
    for w in measured.windows(2) {
        assert!(w[1].0 < w[0].0 && w[1].2 > w[0].2, "{measured:?}");
    }
}

/// Blind coin (the table the paper gives beside Table 1): k = 1..5, residue and traffic. These
/// figures are recalled, not checked against the paper's text (docs/protocols/rumor.md).
const BLIND_COIN: [(u32, f64, i32, f64, i32); 5] =
    [(1, 0.96, 2, 0.04, 2), (2, 0.20, 2, 1.6, 1), (3, 0.060, 3, 2.8, 1), (4, 0.021, 3, 3.9, 1), (5, 0.008, 3, 4.9, 1)];

#[test]
fn blind_coin_leaves_more_behind_for_less_traffic() {
    let measured = sweep(RumorConfig { feedback: false, removal: Removal::Coin, ..RumorConfig::default() });
    for (&(k, s_paper, s_places, m_paper, m_places), &(s, s_se, m, m_se, _)) in BLIND_COIN.iter().zip(&measured) {
        assert!(agrees(s, s_se, s_paper, s_places), "k={k}: residue {s:.4} ± {s_se:.4}, paper {s_paper}");
        assert!(agrees(m, m_se, m_paper, m_places), "k={k}: traffic {m:.3} ± {m_se:.3}, paper {m_paper}");
    }
}

#[test]
fn anti_entropy_beneath_brings_the_residue_to_zero_within_a_few_periods() {
    // k = 1 leaves about 18 % behind (Table 1); anti-entropy every 10 cycles, push-pull.
    let backstop_ms = 10.0 * PERIOD_MS;
    for seed in 1..=10 {
        let config = RumorConfig {
            k: 1,
            anti_entropy_period_ms: backstop_ms,
            anti_entropy_direction: Direction::PushPull,
            ..RumorConfig::default()
        };
        let alone =
            measure(&common::run(&scenario(seed, RumorConfig { anti_entropy_period_ms: 0.0, ..config.clone() })).0);
        let (r, _) = common::run(&scenario(seed, config));
        assert!(alone.residue > 0.05, "seed {seed}: the rumor alone left {:.3}", alone.residue);
        assert_eq!(r.deliveries, r.expected_deliveries, "seed {seed}");
        // The rumor dies out by about cycle 20; push-pull anti-entropy then closes the residue
        // in a few of its periods (each leaves a fraction about p² e^(−1) of the p missing).
        let backstop_periods = r.completion_ms / backstop_ms;
        assert!(backstop_periods <= 6.0, "seed {seed}: last delivery after {backstop_periods:.1} backstop periods");
    }
}

#[test]
fn a_connection_limit_refuses_pushes_without_discouraging_the_pusher() {
    // A refused push carries nothing over and draws no feedback, so it is no strike against the
    // rumor: the pusher stays hot longer. With limit 1 the residue comes out below Table 1's
    // (push alone: measured 0.018 against 0.037 at k = 2), as the paper reports of push with a
    // connection limit (§1.4 item 3, recalled, unchecked).
    let limited = |connection_limit, hunt, seed| {
        let config = RumorConfig { k: 2, connection_limit, hunt, ..RumorConfig::default() };
        let (r, _) = common::run(&scenario(seed, config));
        (measure(&r).residue, r.packets.get("ack").copied().unwrap_or(0))
    };
    let (mut free, mut limit, mut hunting) = (0.0, 0.0, 0.0);
    for seed in 1..=10 {
        let (s_free, acks_free) = limited(0, 0, seed);
        let (s_limit, acks_limit) = limited(1, 0, seed);
        let (s_hunt, _) = limited(1, 2, seed);
        // Every push draws an answer: feedback, or BUSY when refused; refusals add none.
        assert!(acks_limit > 0 && acks_free > 0, "seed {seed}");
        (free, limit, hunting) = (free + s_free, limit + s_limit, hunting + s_hunt);
    }
    let (free, limit, hunting) = (free / 10.0, limit / 10.0, hunting / 10.0);
    eprintln!("residue: no limit {free:.4}, limit 1 {limit:.4}, limit 1 with hunting {hunting:.4}");
    assert!(limit < free, "limit {limit} vs none {free}");
    assert!(hunting < free, "hunting {hunting} vs none {free}");
}

#[test]
fn the_scenario_files_replay_exactly() {
    for file in ["rumor.json", "rumor-backstop.json"] {
        let s = common::scenario_file(file);
        let (a, _) = common::run(&s);
        let (b, _) = common::run(&s);
        assert_eq!(a.trace_hash, b.trace_hash, "{file}");
        assert_eq!(a, b, "{file}");
    }
    let (r, _) = common::run(&common::scenario_file("rumor-backstop.json"));
    assert_eq!(r.deliveries, r.expected_deliveries);
}
