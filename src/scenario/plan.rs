//! A scenario compiled for the kernel: validated once, then resolved into plain values the kernel
//! runs, so the kernel never reads a serde type and nothing is resolved twice.
//!
//! [`Scenario::compile`] does, in one pass: every range check ([`Scenario::validate`]'s, errors
//! and their order included), the fault plan with the churn drawn from the seed (once: the budget
//! check reads its joiner count), every node's position (joiners included, see
//! [`super::layout::with_joiners`]), the network's configuration ([`NetworkSpec::config`]), the
//! message schedule, the playout delay and the end time. [`Plan::into_setup`] then builds the
//! kernel's starting state from it.
//!
//! [`NetworkSpec::config`]: super::NetworkSpec::config

use super::{layout, Limits, Scenario, ScenarioError};
use crate::protocol::NodeId;
use crate::sim::budget::Budget;
use crate::sim::faults::FaultPlan;
use crate::sim::network::{Network, NetworkConfig};
use crate::sim::world::Setup;
use crate::time::{SimDuration, SimTime};

/// Everything the kernel runs for one scenario, resolved from it once.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The master seed every random stream derives from.
    pub seed: u64,
    /// The initial group size; joiners get the ids after it.
    pub size: u32,
    /// Every node's position in the unit square: the initial members, then the joiners.
    pub positions: Vec<[f64; 2]>,
    /// The network model's configuration.
    pub network: NetworkConfig,
    /// `(time, sender, payload bytes)` for each message, in id order.
    pub messages: Vec<(SimTime, NodeId, u32)>,
    /// Crashes, recoveries, pauses, joins and leaves (the churn drawn), and how nodes learn of
    /// them.
    pub faults: FaultPlan,
    /// For a live stream: a packet delivered later than this after its send is late.
    pub playout: Option<SimDuration>,
    /// The run stops at this time.
    pub end: SimTime,
    /// What the run may spend before the kernel stops it (from the limits it was compiled for).
    pub budget: Budget,
}

impl Scenario {
    /// Checks every field against its range and `limits`, as [`Scenario::validate`] does (same
    /// errors, same order), and compiles the scenario into the [`Plan`] the kernel runs.
    pub fn compile(&self, limits: &Limits) -> Result<Plan, ScenarioError> {
        let faults = self.check(limits)?;
        Ok(Plan {
            seed: self.seed,
            size: self.group.size,
            positions: layout::with_joiners(&self.group, faults.joiners, self.seed),
            network: self.network.config(),
            messages: self.workload.schedule(&self.group),
            faults,
            playout: self.workload.playout(),
            end: SimTime(SimDuration::from_ms_f64(self.duration_ms).0),
            budget: limits.budget(),
        })
    }
}

impl Plan {
    /// How many nodes the run has ids for: the initial members and every joiner.
    pub fn capacity(&self) -> u32 {
        self.size + self.faults.joiners
    }

    /// The kernel's starting state: the network built over the positions, with its random
    /// stream from the seed, and the rest as it is.
    pub fn into_setup(self) -> Setup {
        Setup {
            seed: self.seed,
            size: self.size,
            network: Network::new(&self.network, self.positions, self.seed),
            messages: self.messages,
            faults: self.faults,
            playout: self.playout,
            end: self.end,
            budget: self.budget,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::FaultSpec;

    fn churning() -> Scenario {
        let mut s = Scenario::default_playground();
        s.group.size = 50;
        s.faults = vec![
            FaultSpec::Join { at_ms: 5.0 },
            FaultSpec::Churn { join_per_sec: 200.0, leave_per_sec: 100.0, from_ms: 0.0, to_ms: 100.0 },
        ];
        s
    }

    #[test]
    fn every_joiner_has_a_position() {
        let p = churning().compile(&Limits::NATIVE).unwrap();
        assert!(p.faults.joiners > 1, "the churn adds joiners: {}", p.faults.joiners);
        assert_eq!(p.positions.len(), p.capacity() as usize);
        assert_eq!(p.clone().into_setup().network.positions(), &p.positions[..]);
    }

    #[test]
    fn compiling_twice_gives_the_same_plan() {
        let s = churning();
        assert_eq!(s.compile(&Limits::NATIVE), s.compile(&Limits::NATIVE));
    }

    #[test]
    fn a_refusal_is_validate_s_refusal() {
        let mut s = churning();
        s.group.size = 20_001;
        let err = s.compile(&Limits::BROWSER).unwrap_err();
        assert_eq!(Err(err), s.validate(&Limits::BROWSER));
    }
}
