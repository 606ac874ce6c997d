//! Attackers: a fraction of the members that withhold every payload they should forward.
//!
//! `attackers` names a **fraction** of the group and a time `from_ms`. The attackers are members
//! like any other (they receive, deliver and answer control traffic: ACKs, NAKs, IHAVE, GRAFT,
//! ...), but from `from_ms` on every payload packet ([`crate::protocol::PacketKind::is_payload`])
//! they send about a message they did not originate is silently withheld by the kernel
//! ([`crate::sim::attack`]): free-riders in the sense of the gossip literature's non-forwarding
//! attack (Vyzovitis et al., "GossipSub: attack-resilient message propagation", 2020, §5). With
//! `from_ms` > 0 they behave until then and stop at once: the covert flash attack of the same
//! paper (§5.3).
//!
//! Who attacks, deterministically from the seed:
//! - the candidates are the initial members (`0..group.size`) that are not the workload's
//!   senders, in id order (joiners never attack);
//! - their number is `round(fraction × group.size)` (half away from zero), at most the number of
//!   candidates;
//! - they are drawn by a partial Fisher–Yates shuffle of the candidates with the seed's own
//!   attackers stream ([`crate::rng::Stream::Attackers`], so no other stream moves), each draw a
//!   uniform `u32` index, and listed in id order. The draws are a prefix of one shuffle, so with
//!   the same seed a larger fraction keeps every attacker of a smaller one and adds others.

use super::limits::{ms, MAX_MS};
use super::{Scenario, ScenarioError};
use crate::protocol::NodeId;
use crate::rng::{stream, Stream};
use crate::sim::attack::Attack;
use crate::time::{SimDuration, SimTime};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// The scenario's `attackers`: which fraction of the members withhold payload, from when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttackersSpec {
    /// The fraction of the group that attacks, in [0, 1): 0 means none.
    #[serde(default)]
    pub fraction: f64,
    /// When the attackers stop forwarding (milliseconds): before it they behave.
    #[serde(default)]
    pub from_ms: f64,
}

impl Default for AttackersSpec {
    fn default() -> AttackersSpec {
        AttackersSpec { fraction: 0.0, from_ms: 0.0 }
    }
}

impl AttackersSpec {
    /// Whether this is the default (no attackers), which the JSON leaves out.
    pub fn is_default(&self) -> bool {
        *self == AttackersSpec::default()
    }

    /// The fraction's and the time's ranges; the error names the field.
    pub fn check(&self) -> Result<(), ScenarioError> {
        if !self.fraction.is_finite() || !(0.0..1.0).contains(&self.fraction) {
            return Err(ScenarioError::invalid(
                "attackers.fraction",
                format!("must be a fraction of the group in [0, 1), got {}", self.fraction),
            ));
        }
        ms("attackers.from_ms", self.from_ms, MAX_MS)
    }

    /// How many of `size` members attack, before the cap at the number of candidates:
    /// `round(fraction × size)`, half away from zero.
    pub fn wanted(&self, size: u32) -> u32 {
        (self.fraction * f64::from(size)).round().clamp(0.0, f64::from(size)) as u32
    }
}

impl Scenario {
    /// The attackers the kernel runs with, if any: checked, then drawn from the seed as the
    /// module docs say (`None` when the fraction rounds to no attacker).
    pub fn attack(&self) -> Result<Option<Attack>, ScenarioError> {
        let spec = &self.attackers;
        spec.check()?;
        let senders = self.workload.senders(&self.group);
        let mut candidates: Vec<NodeId> = (0..self.group.size).filter(|n| !senders.contains(n)).collect();
        let count = (spec.wanted(self.group.size) as usize).min(candidates.len());
        if count == 0 {
            return Ok(None);
        }
        let mut rng = stream(self.seed, Stream::Attackers);
        let len = candidates.len() as u32;
        for i in 0..count as u32 {
            let j = rng.random_range(i..len);
            candidates.swap(i as usize, j as usize);
        }
        candidates.truncate(count);
        candidates.sort_unstable();
        let from = SimTime(SimDuration::from_ms_f64(spec.from_ms).0);
        Ok(Some(Attack { nodes: candidates, from }))
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn with(fraction: f64, from_ms: f64) -> Scenario {
        let mut s = Scenario::default_playground();
        s.group.size = 100;
        s.attackers = AttackersSpec { fraction, from_ms };
        s
    }

    #[test]
    fn the_count_is_the_rounded_fraction_without_the_sender() {
        let a = with(0.305, 0.0).attack().unwrap().unwrap();
        assert_eq!(a.nodes.len(), 31);
        assert!(!a.nodes.contains(&0));
        assert!(a.nodes.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(with(0.004, 0.0).attack().unwrap(), None);
    }

    #[test]
    fn bad_values_name_their_field() {
        for (f, t, field) in [
            (f64::NAN, 0.0, "attackers.fraction"),
            (1.0, 0.0, "attackers.fraction"),
            (-0.1, 0.0, "attackers.fraction"),
            (0.1, -1.0, "attackers.from_ms"),
            (0.1, f64::NAN, "attackers.from_ms"),
        ] {
            match with(f, t).attack() {
                Err(ScenarioError::Invalid { field: got, .. }) => assert_eq!(got, field, "{f} {t}"),
                other => panic!("{f} {t}: {other:?}"),
            }
        }
    }
}
