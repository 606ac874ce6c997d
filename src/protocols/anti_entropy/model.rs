//! What anti-entropy's epidemic model expects of one update spread from one node (Demers et al.
//! 1987, §1.3): with p the fraction of members still susceptible after a period, pull gives
//! p' = p² (a susceptible node stays so only if the member it asks is susceptible too), push
//! p' = p·e^(−(1 − p)) (no holder picks it), push-pull both: p' = p²·e^(−(1 − p)).

use super::Direction;
use crate::protocols::load::InformedCurve;

/// The most periods the curve runs for.
const MAX_STEPS: usize = 500;

/// The susceptible fraction after one period of `direction`, from `p`.
pub fn next_susceptible(direction: Direction, p: f64) -> f64 {
    let pushed = libm::exp(-(1.0 - p));
    match direction {
        Direction::Pull => p * p,
        Direction::Push => p * pushed,
        Direction::PushPull => p * p * pushed,
    }
}

/// The fraction informed at the start (one node of `n`) and after each period of `period_ms`,
/// until fewer than half a member is left.
pub fn curve(direction: Direction, n: u32, period_ms: f64) -> InformedCurve {
    let n = f64::from(n.max(1));
    let mut p = 1.0 - 1.0 / n;
    let mut fractions = vec![1.0 - p];
    while p * n >= 0.5 && fractions.len() < MAX_STEPS {
        p = next_susceptible(direction, p);
        fractions.push(1.0 - p);
    }
    let model = match direction {
        Direction::Pull => "anti-entropy, pull (Demers et al. 1987, §1.3): p' = p²",
        Direction::Push => "anti-entropy, push (Demers et al. 1987, §1.3): p' = p·e^(−(1 − p))",
        Direction::PushPull => "anti-entropy, push-pull (Demers et al. 1987, §1.3): p' = p²·e^(−(1 − p))",
    };
    InformedCurve { step_ms: period_ms, fractions, model: model.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_pull_finishes_first_and_every_curve_reaches_everyone() {
        let lens: Vec<usize> =
            [Direction::Push, Direction::Pull, Direction::PushPull].iter().map(|&d| curve(d, 1000, 100.0).fractions.len()).collect();
        let (push, pull, push_pull) = (lens[0], lens[1], lens[2]);
        assert!(push_pull < pull && pull < push, "{lens:?}");
        for d in [Direction::Push, Direction::Pull, Direction::PushPull] {
            let c = curve(d, 1000, 100.0);
            assert!((c.fractions[0] - 0.001).abs() < 1e-12);
            assert!(c.fractions.windows(2).all(|w| w[1] >= w[0]));
            assert!(*c.fractions.last().unwrap() > 0.999);
        }
    }
}
