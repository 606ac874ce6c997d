//! The mean-field model of one message's epidemic, step by step (one step = one gossip period,
//! one round in rounds mode), as this implementation runs it: the page draws it beside the run,
//! and `tests/gossip.rs` holds runs to it.
//!
//! With x(k) the fraction informed after step k (x(0) = 1/n, the origin), u = 1 − x, and a(k) the
//! fraction *spreading* at step k (informed within the last `rounds` steps; just informed, with
//! `once` or `ttl`; nobody past the TTL's hops):
//!
//! - push (Demers et al. 1987 §1.3, Pittel 1987): an uninformed node escapes each of the
//!   n a(k) pushers' f distinct draws with probability 1 − f/(n − 1), so
//!   u(k+1) = u(k) · e^(−f a(k));
//! - pull: a PULL sent at step k ≥ 1 is answered from the peer's state of step k and arrives two
//!   steps later, so u(k+2) = u(k+1) · (1 − a(k))^f (Karp et al. 2000's pull, one step late);
//! - push-pull: both, u(k+1) = u(k) · e^(−f a(k)) · (1 − a(k−1))^f.
//!
//! In the event-driven mode a node pushes a message the moment it takes it, one hop latency
//! before its peers hold it, and gossips on its own period after that, its ticks spread over the
//! period. So the step there is one typical hop (`RunInfo::latency_ms`, at most a period) and a
//! period is 1/p steps: the nodes informed in the last step push f copies each, the others still
//! spreading push (and every node pulls) with odds p per step, and a pull's answer comes two
//! steps later:
//!
//! - u(k+1) = u(k) · e^(−f (new(k) + p · older(k))) (push) · (1 − a(k−2))^(f p) (pull).

use super::{GossipConfig, Spread};
use crate::protocols::load::{InformedCurve, RunInfo};

/// Steps the curve follows at most.
const MAX_STEPS: usize = 1000;

/// The expected fraction informed after each step, until all but half a node are: per round in
/// rounds mode, per hop in the event-driven mode (see the module docs).
pub fn informed_curve(params: &GossipConfig, run: &RunInfo) -> Option<InformedCurve> {
    match run.round_ms {
        Some(round_ms) => Some(rounds_curve(params, run, round_ms)),
        None => Some(event_curve(params, run)),
    }
}

/// The curve in rounds mode: one step per round.
fn rounds_curve(params: &GossipConfig, run: &RunInfo, round_ms: f64) -> InformedCurve {
    let n = f64::from(run.size.max(2));
    let f = f64::from(params.fanout);
    let mut x = vec![1.0 / n];
    while x.len() <= MAX_STEPS && x.last().is_some_and(|&last| last < 1.0 - 0.5 / n) {
        let k = x.len() - 1;
        let mut escape = 1.0;
        if params.mode.pushes() {
            escape *= libm::exp(-f * spreading(params, &x, k));
        }
        if params.mode.pulls() && k >= 2 {
            escape *= libm::pow(1.0 - spreading(params, &x, k - 1), f);
        }
        let next = 1.0 - (1.0 - x[k]) * escape;
        // Pulls need two steps to answer: stop only after three steps without growth.
        let stalled = |j: usize| j >= 1 && x[j] - x[j - 1] < 1e-12;
        if next - x[k] < 1e-12 && stalled(k) && stalled(k - 1) {
            break;
        }
        x.push(next.min(1.0));
    }
    let model = "mean-field gossip per round: u' = u · e^(−f·a) (push) · (1 − a₋₁)^f (pull, a round trip late), a the \
                 fraction spreading (Demers et al. 1987; Pittel 1987; Karp et al. 2000)";
    InformedCurve { step_ms: round_ms, fractions: x, model: model.into() }
}

/// The curve in the event-driven mode: one step per typical hop, a period being 1/p steps.
fn event_curve(params: &GossipConfig, run: &RunInfo) -> InformedCurve {
    let n = f64::from(run.size.max(2));
    let f = f64::from(params.fanout);
    let step_ms = run.latency_ms.clamp(0.1, params.period_ms.max(0.1));
    let p = step_ms / params.period_ms.max(step_ms);
    // Periods a message is gossiped after its receipt's push, in steps.
    let life = match params.spread {
        Spread::Rounds => (f64::from(params.rounds) / p).ceil() as usize,
        Spread::Once | Spread::Ttl => 0,
    };
    let at = |x: &[f64], j: isize| if j < 0 { 0.0 } else { x.get(j as usize).copied().unwrap_or(0.0) };
    let mut x = vec![1.0 / n];
    while x.len() <= MAX_STEPS && x.last().is_some_and(|&last| last < 1.0 - 0.5 / n) {
        let k = x.len() as isize - 1;
        let hops_left = params.spread != Spread::Ttl || k < params.ttl as isize;
        let new = if hops_left { at(&x, k) - at(&x, k - 1) } else { 0.0 };
        let older = at(&x, k - 1) - at(&x, k - 1 - life as isize);
        let mut escape = 1.0;
        if params.mode.pushes() {
            escape *= libm::exp(-f * (new + p * older));
        }
        if params.mode.pulls() {
            let holders = at(&x, k - 2) - at(&x, k - 2 - life.max(1) as isize);
            escape *= libm::pow(1.0 - holders, f * p);
        }
        let next = (1.0 - (1.0 - at(&x, k)) * escape).min(1.0);
        if next - at(&x, k) < 1e-12 && at(&x, k) - at(&x, k - 2) < 1e-12 {
            break;
        }
        x.push(next);
    }
    let model = "mean-field gossip per hop: u' = u · e^(−f·(new + p·older)) (push at receipt, then each period) · \
                 (1 − a₋₂)^(f·p) (pull), p = hop / period (Demers et al. 1987; Karp et al. 2000)";
    InformedCurve { step_ms, fractions: x, model: model.into() }
}

/// The fraction spreading at step `k`: informed in the last `rounds` steps (`rounds`), in the
/// last step (`once`), or in the last step while hops remain (`ttl`: those informed at step k
/// got it with `ttl − k` hops).
fn spreading(params: &GossipConfig, x: &[f64], k: usize) -> f64 {
    let life = match params.spread {
        Spread::Rounds => params.rounds as usize,
        Spread::Once => 1,
        Spread::Ttl if k < params.ttl as usize => 1,
        Spread::Ttl => return 0.0,
    };
    let before = if k >= life { x[k - life] } else { 0.0 };
    x[k] - before
}
