//! Range checks for every scenario field, each error naming its field.

use super::limits::{ms, node, Limits, MAX_MS, MAX_SEED, MIN_DURATION_MS};
use super::{Scenario, ScenarioError, SCENARIO_VERSION};
use crate::protocols::params::ParamError;
use crate::protocols::registry::{self, Family, Visit};
use crate::protocols::RunInfo;
use crate::sim::faults::FaultPlan;

impl Scenario {
    /// Checks every field against its range and `limits`; the error names the first bad field.
    /// ([`Scenario::compile`] checks the same and compiles the scenario as well.)
    pub fn validate(&self, limits: &Limits) -> Result<(), ScenarioError> {
        self.check(limits).map(|_| ())
    }

    /// [`Scenario::validate`]'s checks, returning the fault plan they resolve on the way (the
    /// churn drawn once, its joiners counted in the packet budget).
    pub(super) fn check(&self, limits: &Limits) -> Result<FaultPlan, ScenarioError> {
        if self.version != SCENARIO_VERSION {
            return Err(ScenarioError::invalid("version", super::version::refusal(self.version)));
        }
        if self.seed > MAX_SEED {
            return Err(ScenarioError::invalid("seed", format!("must be at most {MAX_SEED}, got {}", self.seed)));
        }
        let g = &self.group;
        if g.size < 2 || g.size > limits.max_group {
            return Err(ScenarioError::invalid(
                "group.size",
                format!("must be from 2 to {}, got {}{}", limits.max_group, g.size, limits.too_large_hint),
            ));
        }
        node("group.sender", g.sender, g.size)?;
        if let Some(p) = &g.positions {
            if p.len() != g.size as usize {
                return Err(ScenarioError::invalid(
                    "group.positions",
                    format!("needs one [x, y] per node: {} nodes, {} positions", g.size, p.len()),
                ));
            }
            if let Some(i) = p.iter().position(|[x, y]| !(0.0..=1.0).contains(x) || !(0.0..=1.0).contains(y)) {
                return Err(ScenarioError::invalid(
                    format!("group.positions[{i}]"),
                    "coordinates must be numbers in [0, 1]",
                ));
            }
        }
        self.network.validate(g.size)?;
        self.workload.validate(g)?;
        ms("duration_ms", self.duration_ms, MAX_MS)?;
        if self.duration_ms < MIN_DURATION_MS {
            return Err(ScenarioError::invalid(
                "duration_ms",
                format!("must be at least 0.001 (one microsecond, the clock's tick), got {}", self.duration_ms),
            ));
        }
        if self.workload.start_ms >= self.duration_ms {
            return Err(ScenarioError::invalid(
                "workload.start_ms",
                format!(
                    "the first message is due at {} ms, when the run has ended (duration_ms {}): nothing would be sent",
                    self.workload.start_ms, self.duration_ms
                ),
            ));
        }
        if self.protocol.info().needs_overlay() && self.membership.service != super::faults::Service::Hyparview {
            let reason =
                format!("{} runs over HyParView's overlay: set it to \"hyparview\"", self.protocol.info().title());
            return Err(ScenarioError::invalid("membership.service", reason));
        }
        let mut faults = super::faults::plan(self, limits)?;
        faults.attack = self.attack()?;
        let run = self.run_info(faults.joiners);
        self.protocol.visit(CheckParams { run: &run })?;
        self.check_budget(&run, limits)?;
        Ok(faults)
    }

    /// The most packets the workload can make the protocol send: messages × receivers × the
    /// rounds in which each copy may go out ([`crate::protocols::Family::rounds`]), plus the
    /// protocol's traffic that does not depend on messages
    /// ([`crate::protocols::Family::background`]). `joiners` is how many nodes join during the
    /// run: the [`super::Plan`]'s `faults.joiners` (explicit joins and the churn drawn).
    pub fn worst_case_packets(&self, joiners: u32) -> u64 {
        let run = self.run_info(joiners);
        let (rounds, background) = self.protocol.visit(Estimate { run: &run });
        (self.workload.message_count() * u64::from(self.group.size.saturating_sub(1)))
            .saturating_mul(rounds.0)
            .saturating_add(background.0)
    }

    /// How many times at most the protocol sends one message to one receiver, requests and
    /// repairs about it included ([`crate::protocols::Family::rounds`]), with `joiners` joining.
    pub fn transmission_rounds(&self, joiners: u32) -> u64 {
        let run = self.run_info(joiners);
        self.protocol.visit(Estimate { run: &run }).0 .0
    }
}

/// Checks a family's parameters: its table's ranges, then its own checks.
struct CheckParams<'a> {
    run: &'a RunInfo,
}

impl Visit for CheckParams<'_> {
    type Output = Result<(), ScenarioError>;
    fn visit<F: Family>(self, params: &F::Params) -> Self::Output {
        registry::check::<F>(params, self.run).map_err(ScenarioError::from)
    }
}

/// A family's run-size estimate: (rounds, formula), (background packets, formula).
struct Estimate<'a> {
    run: &'a RunInfo,
}

impl Visit for Estimate<'_> {
    type Output = ((u64, String), (u64, String));
    fn visit<F: Family>(self, params: &F::Params) -> Self::Output {
        (F::rounds(params, self.run), F::background(params, self.run))
    }
}

impl From<ParamError> for ScenarioError {
    fn from(e: ParamError) -> ScenarioError {
        ScenarioError::Invalid { field: e.field, reason: e.reason }
    }
}
