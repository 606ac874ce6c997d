//! The scenario's `attackers` through the kernel: who they are, that they behave until the flash
//! time and withhold every forwarded payload after it while control traffic flows, what a
//! forward-once push epidemic reaches with 30 % of them against the theory, the report's honest
//! figures, the errors for bad values, and determinism. Every assertion message names the seeds.

mod common;

use mcast::engine;
use mcast::metrics::AttackReport;
use mcast::protocol::PacketKind;
use mcast::protocols::gossip::{reached_fraction, GossipConfig, Mode, Spread};
use mcast::scenario::{AttackersSpec, NetworkMode, NetworkSpec, Scenario, ScenarioError, WorkloadSpec};
use mcast::sim::log::PacketFate;
use mcast::time::SimTime;

/// `s` with `fraction` of its nodes attacking from `from_ms`.
fn attacked(s: &Scenario, fraction: f64, from_ms: f64) -> Scenario {
    Scenario { attackers: AttackersSpec { fraction, from_ms }, ..s.clone() }
}

/// Push-pull gossip (fanout 2, the family's periods) among `n` nodes: payload and control.
fn gossip(n: u32, seed: u64) -> Scenario {
    let config = GossipConfig { fanout: 2, ..GossipConfig::default() };
    Scenario { seed, workload: common::messages(5, 1000, 200.0), duration_ms: 5_000.0, ..common::scenario(n, config) }
}

fn attack_of(s: &Scenario) -> Vec<u32> {
    s.attack().unwrap_or_else(|e| panic!("seed {}: {e}", s.seed)).map(|a| a.nodes).unwrap_or_default()
}

#[test]
fn the_attackers_are_the_rounded_fraction_never_a_sender_and_fixed_by_the_seed() {
    for (n, fraction, want) in [(100u32, 0.3, 30usize), (7, 0.3, 2), (10, 0.25, 3), (3, 0.9, 2), (50, 0.0, 0)] {
        for seed in 1..=5u64 {
            let mut s = gossip(n, seed);
            s.workload = WorkloadSpec { senders: Some(vec![0, n - 1]), ..s.workload };
            let a = attack_of(&attacked(&s, fraction, 0.0));
            // round(0.9 × 3) = 3, capped at the 1 node that is not a sender.
            let want = if n == 3 { 1 } else { want };
            assert_eq!(a.len(), want, "n {n}, fraction {fraction}, seed {seed}: {a:?}");
            assert!(a.iter().all(|&x| x != 0 && x != n - 1 && x < n), "seed {seed}: {a:?}");
            assert!(a.windows(2).all(|w| w[0] < w[1]), "seed {seed}: sorted and distinct {a:?}");
            assert_eq!(a, attack_of(&attacked(&s, fraction, 0.0)), "seed {seed}: same seed, same set");
        }
    }
    let sets: Vec<Vec<u32>> = (1..=4).map(|seed| attack_of(&attacked(&gossip(100, seed), 0.3, 0.0))).collect();
    assert!(sets.windows(2).all(|w| w[0] != w[1]), "each seed draws its own set");
    for seed in 1..=4u64 {
        let (small, large) =
            (attack_of(&attacked(&gossip(100, seed), 0.1, 0.0)), attack_of(&attacked(&gossip(100, seed), 0.3, 0.0)));
        assert!(small.iter().all(|n| large.contains(n)), "seed {seed}: 10 % {small:?} within 30 % {large:?}");
    }
}

#[test]
fn bad_values_get_one_line_naming_the_field() {
    let s = gossip(20, 1);
    for (json, field) in [
        (r#"{"fraction": 1}"#, "attackers.fraction"),
        (r#"{"fraction": -0.5}"#, "attackers.fraction"),
        (r#"{"fraction": 0.2, "from_ms": -1}"#, "attackers.from_ms"),
        (r#"{"fraction": 0.2, "from_ms": 1e300}"#, "attackers.from_ms"),
        (r#"{"fraction": 0.2, "at_ms": 5}"#, "attackers"),
    ] {
        let mut v: serde_json::Value = serde_json::from_str(&s.to_json_pretty()).unwrap();
        v["attackers"] = serde_json::from_str(json).unwrap();
        let err = Scenario::from_json(&v.to_string()).expect_err(json);
        let text = err.to_string();
        assert!(text.starts_with(field) && !text.contains('\n'), "{json}: {text}");
    }
    let nan = attacked(&s, f64::NAN, 0.0);
    assert!(matches!(nan.attack(), Err(ScenarioError::Invalid { field, .. }) if field == "attackers.fraction"));
    let nan = attacked(&s, 0.2, f64::NAN);
    assert!(matches!(nan.validate(&mcast::scenario::Limits::NATIVE),
        Err(ScenarioError::Invalid { field, .. }) if field == "attackers.from_ms"));
}

#[test]
fn without_attackers_the_json_and_the_run_are_unchanged() {
    let s = gossip(50, 3);
    assert!(!s.to_json_pretty().contains("attackers"), "the default is left out of the file");
    let zero = attacked(&s, 0.004, 0.0);
    let (a, _) = common::run(&s);
    let (b, _) = common::run(&zero);
    assert_eq!(a, b, "a fraction that rounds to no attacker changes nothing");
    assert_eq!(a.attack, None);
}

#[test]
fn before_the_flash_the_run_is_the_plain_run_and_after_it_payload_is_withheld() {
    for seed in 1..=3u64 {
        let plain = gossip(200, seed);
        let flash = attacked(&plain, 0.3, 500.0);
        let (mut p, mut f) = (engine::build(&plain).unwrap(), engine::build(&flash).unwrap());
        for t in [100u64, 250, 499] {
            p.run_until(SimTime::from_ms(t));
            f.run_until(SimTime::from_ms(t));
            assert_eq!(p.counters(), f.counters(), "seed {seed}, {t} ms: same counters before the flash");
            assert_eq!(p.owed(), f.owed(), "seed {seed}, {t} ms: same deliveries");
            assert_eq!(p.trace_hash(), f.trace_hash(), "seed {seed}, {t} ms: same trace");
        }
        assert_eq!(f.report().attack.map(|a| a.withheld_packets), Some(0), "seed {seed}: nothing withheld yet");
        p.run_to_end();
        f.run_to_end();
        let a = f.report().attack.expect("an attack section");
        assert_eq!(a.attackers, 60, "seed {seed}");
        assert_eq!(a.from_ms, 500.0);
        assert!(a.withheld_packets > 0, "seed {seed}: {a:?}");
        assert_eq!(f.counters().withheld, a.withheld_packets, "seed {seed}: the page's counter");
        let (ps, fs) = (p.counters().sent[PacketKind::Gossip as usize], f.counters().sent[PacketKind::Gossip as usize]);
        assert!(fs < ps, "seed {seed}: fewer gossip packets leave ({fs} against {ps})");
    }
}

#[test]
fn attackers_withhold_every_forwarded_payload_and_nothing_else() {
    let s = attacked(&gossip(100, 7), 0.3, 0.0);
    let attackers = attack_of(&s);
    let mut sim = engine::build(&s).unwrap();
    sim.set_packet_log(true);
    sim.run_to_end();
    let log = sim.packet_log();
    let (mut withheld, mut control_out) = (0u64, 0u64);
    for r in log.iter().filter(|r| attackers.contains(&r.from)) {
        if r.kind.is_payload() {
            assert_eq!(r.fate, PacketFate::Withheld, "a payload packet from attacker {} left: {r:?}", r.from);
            withheld += 1;
        } else {
            assert_ne!(r.fate, PacketFate::Withheld, "control from attacker {} withheld: {r:?}", r.from);
            control_out += 1;
        }
    }
    assert!(log.iter().filter(|r| !attackers.contains(&r.from)).all(|r| r.fate != PacketFate::Withheld));
    assert!(control_out > 0, "attackers still pull and answer: {control_out} control packets");
    let report = sim.report();
    let a = report.attack.expect("an attack section");
    assert_eq!(a.withheld_packets, withheld, "the report counts what the log shows");
    // Attackers are members: they receive and deliver what honest nodes send them.
    for &n in &attackers {
        let view = sim.inspect(n).expect("an attacker is a node");
        assert_eq!(view.holds.len(), 5, "attacker {n} delivered every message: {:?}", view.holds);
    }
}

/// One message from node 0, forward-once push (each node pushes to `f` uniform peers on its
/// first receipt, then stops) in rounds mode without loss, to its end.
fn forward_once(seed: u64, n: u32, f: u32, fraction: f64) -> AttackReport {
    let config =
        GossipConfig { mode: Mode::Push, fanout: f, spread: Spread::Once, period_ms: 100.0, ..GossipConfig::default() };
    let network = NetworkSpec { loss: 0.0, mode: NetworkMode::Rounds { round_ms: 100.0 }, ..NetworkSpec::default() };
    let s = Scenario {
        seed,
        network,
        workload: common::messages(1, 1000, 1.0),
        duration_ms: 4_000.0,
        ..common::scenario(n, config)
    };
    let (r, _) = common::run(&attacked(&s, fraction, 0.0));
    r.attack.unwrap_or_else(|| panic!("seed {seed}: an attack section"))
}

/// Forward-once push with fanout f among n nodes of which a fraction α withhold: the attackers
/// receive like anyone (the targets are uniform) but push to no one, so the pushes made are
/// f (1 − α) per node reached, and a node escapes all of them with probability
/// e^(−f (1 − α) π): the reached fraction π solves π = 1 − e^(−f (1 − α) π), the giant
/// component of the epidemic with effective fanout f (1 − α) (Eugster et al. 2003 §4; the
/// same derivation as for f alone, see tests/gossip.rs). For f = 4, α = 0.3: π = 0.9250, where
/// α = 0 gives 0.9802. Honest receivers are reached with the same probability.
///
/// Early extinction: a reached node has f children with probability 1 − α and none with α, so
/// the epidemic dies out early with probability q^f (the origin is honest), q = α + (1 − α) q^f:
/// q = 0.306, q^4 = 0.0088. Such runs (reach below 10 %) are counted apart: at most 3 of 24
/// (expected 0.2; P(≥ 3) < 10^-3).
///
/// Tolerance: the honest fraction reached in a run that took off has sd about
/// √(π (1 − π) / n_h), n_h = 0.7 n honest receivers (the indicator argument and measured check
/// of tests/gossip.rs); the mean over k seeds lies within 4 sd/√k plus 1/n_h of π, and the
/// measured sd within a factor 2 of the formula (its own sampling error over 24 seeds is 15 %).
/// Measured at n = 4000 over seeds 1-24: mean 0.9256 (tolerance 0.0044), sd 0.0052 against 0.0050.
/// Without attackers π(4) = 0.9802 lies 12 tolerances away (3.5 in a debug build's smaller sweep):
/// the test asserts at least 3.
#[test]
fn thirty_percent_attackers_reach_the_effective_fanout_giant_component() {
    let (n, seeds, f, alpha) = if cfg!(debug_assertions) { (1000u32, 8u64, 4u32, 0.3) } else { (4000, 24, 4, 0.3) };
    let reports: Vec<AttackReport> = (1..=seeds).map(|seed| forward_once(seed, n, f, alpha)).collect();
    let reach: Vec<f64> = reports.iter().map(|a| a.honest_received_mean.unwrap_or(0.0)).collect();
    let took_off: Vec<f64> = reach.iter().copied().filter(|&r| r > 0.1).collect();
    assert!(reach.len() - took_off.len() <= 3, "seeds 1-{seeds}: {reach:?}");
    let pi = reached_fraction(f64::from(f) * (1.0 - alpha));
    let honest = f64::from(n) * (1.0 - alpha);
    let sd = (pi * (1.0 - pi) / honest).sqrt();
    let tolerance = 4.0 * sd / (took_off.len() as f64).sqrt() + 1.0 / honest;
    let mean = took_off.iter().sum::<f64>() / took_off.len() as f64;
    let measured_sd =
        (took_off.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (took_off.len() as f64 - 1.0).max(1.0)).sqrt();
    assert!(
        (mean - pi).abs() <= tolerance,
        "seeds 1-{seeds}: honest reach {mean:.5}, π(f·0.7) = {pi:.5}, tolerance {tolerance:.5}"
    );
    if !cfg!(debug_assertions) {
        assert!(
            measured_sd > sd / 2.0 && measured_sd < sd * 2.0,
            "seeds 1-{seeds}: sd {measured_sd:.5}, expected {sd:.5}"
        );
    }
    let unhindered = reached_fraction(f64::from(f));
    assert!(
        unhindered - mean > 3.0 * tolerance,
        "seeds 1-{seeds}: {mean:.5} against {unhindered:.5} without attackers"
    );
    for (seed, a) in (1..).zip(&reports) {
        assert_eq!(a.attackers, (f64::from(n) * alpha).round() as u32, "seed {seed}");
        assert_eq!(a.honest_received_worst, a.honest_received_mean, "seed {seed}: one message");
    }
}

#[test]
fn the_same_scenario_gives_the_same_run() {
    let s = attacked(&gossip(150, 11), 0.3, 300.0);
    let (a, _) = common::run(&s);
    let (b, _) = common::run(&s);
    assert_eq!(a, b);
    let (plain, _) = common::run(&gossip(150, 11));
    assert_ne!(a.trace_hash, plain.trace_hash, "the attack shows in the trace");
}

/// One message from node 0, push gossip (fanout `f`, each holder pushing every round for 40
/// rounds) in rounds mode without loss: the honest nodes' mean latency, in rounds.
fn push_rounds(seed: u64, n: u32, f: u32, fraction: f64) -> f64 {
    let config = GossipConfig {
        mode: Mode::Push,
        fanout: f,
        spread: Spread::Rounds,
        rounds: 40,
        period_ms: 100.0,
        ..GossipConfig::default()
    };
    let network = NetworkSpec { loss: 0.0, mode: NetworkMode::Rounds { round_ms: 100.0 }, ..NetworkSpec::default() };
    let s = Scenario {
        seed,
        network,
        workload: common::messages(1, 1000, 1.0),
        duration_ms: 6_000.0,
        ..common::scenario(n, config)
    };
    let (r, _) = common::run(&attacked(&s, fraction, 0.0));
    r.attack.map_or(r.latency_ms.mean, |a| a.honest_latency_ms.mean) / 100.0
}

/// The mean-field push epidemic in synchronous rounds with a fraction α of attackers (Demers et
/// al. 1987's push, Pittel 1987): each honest holder pushes to f uniform peers a round, an
/// attacker to none; with i the fraction holding the message and h the fraction holding it and
/// honest, i' = 1 − (1 − i) e^(−f h n/(n − 1)) and h' = h + (1 − α)(i' − i), from i = h = 1/n.
/// Returns the mean round of a first delivery (the origin's own excluded).
fn mean_field_rounds(n: u32, f: u32, alpha: f64) -> f64 {
    let n = f64::from(n);
    let (mut i, mut h, mut sum, mut total) = (1.0 / n, 1.0 / n, 0.0, 0.0);
    for t in 1..200 {
        let next = 1.0 - (1.0 - i) * libm::exp(-f64::from(f) * h * n / (n - 1.0));
        let d = next - i;
        h += (1.0 - alpha) * d;
        sum += f64::from(t) * d;
        total += d;
        i = next;
    }
    sum / total
}

/// Push gossip (fanout 1, every holder pushing each round) is slowed, not stopped, by 30 %
/// attackers: everyone is reached in the end, later. The honest mean latency in rounds against
/// the mean-field recursion above: 11.07 rounds without attackers, 13.74 with 30 % at n = 2000
/// (the early rounds grow by 1 + 0.7 a round instead of 2). Tolerance: 4 standard errors of the
/// mean over the seeds, from the measured sd. Measured over seeds 1-20: 11.10 (sd 0.068) and
/// 14.16 (sd 1.05: who the first few holders are decides much, so the spread is wide and right
/// skewed, which the mean-field's mean does not see; 1.8 standard errors above it). And every
/// attacked run is slower than every unattacked one (13.06 rounds at least against 11.27 at
/// most).
#[test]
fn thirty_percent_attackers_slow_push_gossip_as_the_mean_field_says() {
    let (n, seeds) = if cfg!(debug_assertions) { (1000u32, 10u64) } else { (2000, 20) };
    let mean_sd = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        (m, (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt())
    };
    let plain: Vec<f64> = (1..=seeds).map(|seed| push_rounds(seed, n, 1, 0.0)).collect();
    let attacked: Vec<f64> = (1..=seeds).map(|seed| push_rounds(seed, n, 1, 0.3)).collect();
    for (alpha, v) in [(0.0, &plain), (0.3, &attacked)] {
        let (m, sd) = mean_sd(v);
        let model = mean_field_rounds(n, 1, alpha);
        let tolerance = 4.0 * sd / (v.len() as f64).sqrt();
        assert!(
            (m - model).abs() <= tolerance,
            "α {alpha}, seeds 1-{seeds}: {m:.3} rounds, model {model:.3}, tolerance {tolerance:.3}"
        );
    }
    let fastest_attacked = attacked.iter().copied().fold(f64::INFINITY, f64::min);
    let slowest_plain = plain.iter().copied().fold(0.0, f64::max);
    assert!(fastest_attacked > slowest_plain, "seeds 1-{seeds}: {attacked:?} against {plain:?}");
}
