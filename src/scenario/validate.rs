//! Range checks for every scenario field, each error naming its field.

use super::limits::{ms, node, Limits, MAX_MS, MAX_SEED, MIN_DURATION_MS};
use super::{Scenario, ScenarioError, SCENARIO_VERSION};
use crate::protocols::params::ParamError;
use crate::protocols::registry::{self, Family, RunInfo, Visit};
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
        let faults = super::faults::plan(self, limits)?;
        let run = self.run_info(faults.joiners);
        self.protocol.visit(CheckParams { run: &run })?;
        self.check_packets(&run, limits)?;
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

    /// What the protocol's checks and estimate know of the scenario, with `joiners` drawn.
    fn run_info(&self, joiners: u32) -> RunInfo {
        let recoveries = self.faults.iter().filter(|f| matches!(f, super::FaultSpec::Recover { .. })).count();
        RunInfo {
            size: self.group.size,
            senders: self.workload.senders(&self.group),
            messages: self.workload.message_count(),
            duration_ms: self.duration_ms,
            lives: u64::from(self.group.size) + u64::from(joiners) + recoveries as u64,
            fault_entries: self.faults.len() as u64,
        }
    }

    /// Refuses runs whose worst case would not fit in memory (a million receivers times a hundred
    /// thousand messages is 10^11 packets); the error spells out the product.
    fn check_packets(&self, run: &RunInfo, limits: &Limits) -> Result<(), ScenarioError> {
        let ((rounds, rounds_formula), (background, background_formula)) = self.protocol.visit(Estimate { run });
        let packets = (self.workload.message_count() * u64::from(self.group.size.saturating_sub(1)))
            .saturating_mul(rounds)
            .saturating_add(background);
        if packets <= limits.max_packets {
            return Ok(());
        }
        let rounds = match rounds {
            1 => String::new(),
            r => format!(" × {r} {rounds_formula}"),
        };
        let background = match background {
            0 => String::new(),
            b => format!(" + {b} {background_formula}"),
        };
        let hint = if limits.max_packets < Limits::NATIVE.max_packets {
            format!("; larger runs go to the native CLI (`mcast run`), up to {}", Limits::NATIVE.max_packets)
        } else {
            String::new()
        };
        Err(ScenarioError::invalid(
            "workload.messages",
            format!(
                "{} messages × {} receivers{rounds}{background} is {packets} packets in the worst case, more than \
                 the {} a run may send: send fewer messages, use a smaller group, fewer retries or a shorter \
                 run{hint}",
                self.workload.message_count(),
                self.group.size.saturating_sub(1),
                limits.max_packets,
            ),
        ))
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
