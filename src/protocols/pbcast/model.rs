//! What the mean-field model of bimodal multicast expects of one message: the fraction of
//! members holding it after each gossip round, for the page's chart
//! ([`crate::protocols::Family::informed_model`]).
//!
//! The first phase reaches each member with probability (1 − ℓ)^h, h its hops from the sender
//! (1 for a multicast, its depth in the tree), ℓ the run's worst loss. Then, with x_t the
//! fraction holding the message after round t and a_t the fraction that got it in the last G =
//! `gc_rounds` rounds (those still gossiping; Birman et al. 1999, §3), a member lacking it gets a
//! digest from some holder with probability 1 − e^(−f·a_t) (f = `fanout` digests per holder to
//! uniformly drawn members), and the solicitation and retransmission get through with
//! (1 − ℓ)², the digest itself with 1 − ℓ:
//!
//! x_{t+L} − x_{t+L−1} = (1 − x_{t+L−1}) · (1 − e^(−f · a_t · (1 − ℓ)³)),
//!
//! where L is the steps from a round's digests to the retransmissions' arrival: 1 in the
//! event-driven mode (three one-way trips are well within a round), and in the round-synchronous
//! mode the three network rounds that digest, solicitation and retransmission take. The first
//! phase lands within the first step (event-driven), or a hop per network round. The retransmission limit is not modelled (one message
//! never reaches it). A step is one gossip round: `round_ms`, or in the round-synchronous mode
//! the network rounds a round timer spans.

use super::{FirstPhase, PbcastConfig};
use crate::protocols::tree::heap_depth;
use crate::protocols::{InformedCurve, RunInfo};

/// The most steps the curve runs to.
const MAX_STEPS: usize = 2000;

/// The model's curve for `params` in `run` (see the module docs).
pub fn informed_curve(params: &PbcastConfig, run: &RunInfo) -> Option<InformedCurve> {
    let n = f64::from(run.size.max(1));
    let pass = (1.0 - run.loss).clamp(0.0, 1.0);
    let (step_ms, lag, hop) = timing(params, run);
    let gc = params.gc_rounds as usize;
    let steps = ((gc + 1) * lag * 8 + 2).min(MAX_STEPS);
    // got[s]: the fraction that gets the message at step s (the source at 0); a member that got
    // it at s sends digests at the rounds s + 1 to s + gc, whose retransmissions land `lag` later.
    let mut got = vec![0.0; steps + 1];
    got[0] = 1.0 / n;
    for (at, reached) in first_phase(params, run, pass, hop) {
        if let Some(slot) = got.get_mut(at) {
            *slot += reached;
        }
    }
    let fanout = f64::from(params.fanout);
    for u in 1..steps {
        let active: f64 = got[u.saturating_sub(gc)..u].iter().sum();
        let Some(held) = got.get(..=u + lag).map(|g| g.iter().sum::<f64>()) else { break };
        let reach = 1.0 - libm::exp(-fanout * active * pass * pass * pass);
        got[u + lag] += (1.0 - held).max(0.0) * reach;
    }
    let mut fractions: Vec<f64> = got.iter().scan(0.0, |x, g| Some((*x + g).min(1.0)).inspect(|v| *x = *v)).collect();
    fractions[0] = 1.0 / n;
    let model = "mean-field pbcast: first phase (1 − ℓ)^hops, then x' = x + (1 − x)(1 − e^(−f·a·(1 − ℓ)³)), \
                 a the members that got it in the last gc_rounds rounds (Birman et al. 1999, §3–§4)";
    Some(InformedCurve { step_ms, fractions, model: model.into() })
}

/// The length of a step, the steps from a digest to the retransmission's arrival, and the
/// steps a first-phase hop takes (0: within the first).
fn timing(params: &PbcastConfig, run: &RunInfo) -> (f64, usize, usize) {
    match run.round_ms {
        Some(r) if r > 0.0 => {
            let per = (params.round_ms / r).ceil().max(1.0);
            // The digest, the solicitation and the retransmission each take a network round.
            (per * r, (3.0 / per).ceil() as usize, 1)
        }
        _ => (params.round_ms, 1, 0),
    }
}

/// (step, fraction of members) the first phase reaches at that step, `hop` steps a hop.
fn first_phase(params: &PbcastConfig, run: &RunInfo, pass: f64, hop: usize) -> Vec<(usize, f64)> {
    let n = f64::from(run.size.max(1));
    match params.first_phase {
        FirstPhase::None => Vec::new(),
        FirstPhase::Multicast => vec![(hop, (n - 1.0) / n * pass)],
        FirstPhase::Tree => {
            let k = u64::from(params.tree_arity.max(1));
            let depth = heap_depth(run.size, params.tree_arity);
            let (mut level, mut left, mut out) = (1u64, u64::from(run.size.saturating_sub(1)), Vec::new());
            for h in 1..=depth {
                level = level.saturating_mul(k);
                let here = level.min(left);
                left -= here;
                out.push((hop * h as usize, here as f64 / n * libm::pow(pass, f64::from(h))));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(size: u32, loss: f64, round_ms: Option<f64>) -> RunInfo {
        RunInfo {
            size,
            joiners: 0,
            senders: vec![0],
            messages: 1,
            message_bytes: 1000,
            span_ms: 0.0,
            concurrent: 1,
            queue_delay_ms: 0.0,
            native_multicast: false,
            duration_ms: 10_000.0,
            lives: u64::from(size),
            fault_entries: 0,
            loss,
            latency_ms: 5.0,
            round_ms,
        }
    }

    #[test]
    fn without_loss_the_multicast_informs_everyone_in_one_step() {
        let c = informed_curve(&PbcastConfig::default(), &run(100, 0.0, None)).unwrap();
        assert_eq!(c.step_ms, 100.0);
        assert!((c.fractions[0] - 0.01).abs() < 1e-12);
        assert!((c.fractions[1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn gossip_alone_grows_as_an_s_curve_and_is_monotone() {
        let none = PbcastConfig { first_phase: FirstPhase::None, ..PbcastConfig::default() };
        let c = informed_curve(&none, &run(1000, 0.0, None)).unwrap();
        assert!(c.fractions.windows(2).all(|w| w[1] >= w[0]));
        // Push with fanout 1: about doubling at first, everyone after ~log2 n + ln n rounds.
        assert!(c.fractions[1] < 0.0025 && c.fractions[5] < 0.05, "{:?}", &c.fractions[..6]);
        assert!(*c.fractions.last().unwrap() > 0.999);
    }

    #[test]
    fn in_rounds_mode_an_exchange_takes_three_network_rounds() {
        let none = PbcastConfig { first_phase: FirstPhase::None, ..PbcastConfig::default() };
        let c = informed_curve(&none, &run(100, 0.0, Some(100.0))).unwrap();
        assert_eq!(c.step_ms, 100.0);
        // The source's first digest leaves at step 1; its retransmission lands at step 4.
        assert_eq!(&c.fractions[..4], &[0.01; 4]);
        assert!(c.fractions[4] > 0.019, "{:?}", &c.fractions[..5]);
        let async_ = informed_curve(&none, &run(100, 0.0, None)).unwrap();
        assert!(async_.fractions[1] == 0.01 && async_.fractions[2] > 0.019, "{:?}", &async_.fractions[..3]);
        let tree = PbcastConfig { first_phase: FirstPhase::Tree, tree_arity: 2, ..PbcastConfig::default() };
        let c = informed_curve(&tree, &run(7, 0.0, Some(100.0))).unwrap();
        assert!((c.fractions[1] - 3.0 / 7.0).abs() < 1e-12 && (c.fractions[2] - 1.0).abs() < 1e-12);
    }
}
