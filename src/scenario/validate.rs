//! Range checks for every scenario field, each error naming its field.

use super::{FaultSpec, ProtocolSpec, Scenario, ScenarioError, SCENARIO_VERSION};

/// Caps that depend on where the scenario runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest group.
    pub max_group: u32,
    /// Where to point people whose group is too large.
    pub too_large_hint: &'static str,
    /// The most packets a run may send in the worst case: messages × receivers × transmission
    /// rounds (see [`Scenario::worst_case_packets`]). Every one of them may sit in the event queue
    /// at once: 10^7 queued packets took 534 MB natively, so this caps a run's memory.
    pub max_packets: u64,
}

impl Limits {
    /// The native CLI's caps.
    pub const NATIVE: Limits = Limits { max_group: 1_000_000, too_large_hint: "", max_packets: 50_000_000 };
    /// The browser's caps: past this the tab would stutter; the CLI takes more.
    pub const BROWSER: Limits = Limits {
        max_group: 20_000,
        too_large_hint: "; larger groups run in the native CLI (`mcast run`), up to 1000000",
        max_packets: 5_000_000,
    };
}

/// The largest seed: 2^53 - 1, the largest integer JavaScript holds exactly.
pub const MAX_SEED: u64 = (1 << 53) - 1;
const MAX_MESSAGES: u32 = 100_000;
const MAX_MS: f64 = 3_600_000.0;
const MAX_BYTES: u32 = 10_000_000;
/// A terabyte per second: past any real link, and below 2^53 so JavaScript holds it exactly.
const MAX_UPLINK: u64 = 1_000_000_000_000;

fn ms(field: &str, v: f64, max: f64) -> Result<(), ScenarioError> {
    if !v.is_finite() || v < 0.0 || v > max {
        return Err(ScenarioError::invalid(field, format!("must be a number of milliseconds in [0, {max}], got {v}")));
    }
    Ok(())
}

fn probability(field: &str, v: f64) -> Result<(), ScenarioError> {
    if !v.is_finite() || !(0.0..=1.0).contains(&v) {
        return Err(ScenarioError::invalid(field, format!("must be a probability in [0, 1], got {v}")));
    }
    Ok(())
}

fn node(field: &str, v: u32, size: u32) -> Result<(), ScenarioError> {
    if v >= size {
        return Err(ScenarioError::invalid(
            field,
            format!("node {v} is not in the group (nodes are 0 to {})", size.saturating_sub(1)),
        ));
    }
    Ok(())
}

impl Scenario {
    /// Checks every field against its range and `limits`; the error names the first bad field.
    pub fn validate(&self, limits: &Limits) -> Result<(), ScenarioError> {
        if self.version != SCENARIO_VERSION {
            return Err(ScenarioError::invalid(
                "version",
                format!("this playground reads version {SCENARIO_VERSION}, got {}", self.version),
            ));
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
        let n = &self.network;
        ms("network.latency_ms", n.latency_ms, MAX_MS)?;
        ms("network.distance_ms", n.distance_ms, MAX_MS)?;
        ms("network.jitter_ms", n.jitter_ms, MAX_MS)?;
        probability("network.loss", n.loss)?;
        if n.uplink_bytes_per_sec > MAX_UPLINK {
            return Err(ScenarioError::invalid(
                "network.uplink_bytes_per_sec",
                format!("must be from 0 (unlimited) to {MAX_UPLINK}, got {}", n.uplink_bytes_per_sec),
            ));
        }
        let w = &self.workload;
        if w.messages == 0 || w.messages > MAX_MESSAGES {
            return Err(ScenarioError::invalid(
                "workload.messages",
                format!("must be from 1 to {MAX_MESSAGES}, got {}", w.messages),
            ));
        }
        if w.size_bytes == 0 || w.size_bytes > MAX_BYTES {
            return Err(ScenarioError::invalid(
                "workload.size_bytes",
                format!("must be from 1 to {MAX_BYTES}, got {}", w.size_bytes),
            ));
        }
        ms("workload.interval_ms", w.interval_ms, MAX_MS)?;
        ms("workload.start_ms", w.start_ms, MAX_MS)?;
        ms("duration_ms", self.duration_ms, MAX_MS)?;
        if self.duration_ms == 0.0 {
            return Err(ScenarioError::invalid("duration_ms", "must be more than 0"));
        }
        for (i, f) in self.faults.iter().enumerate() {
            match f {
                FaultSpec::Crash { at_ms, node: v } => {
                    ms(&format!("faults[{i}].at_ms"), *at_ms, MAX_MS)?;
                    node(&format!("faults[{i}].node"), *v, g.size)?;
                }
            }
        }
        match &self.protocol {
            ProtocolSpec::Centralized(c) => c.validate("protocol")?,
        }
        self.check_packets(limits)
    }

    /// The most packets the workload can make the protocol send: messages × receivers × the
    /// rounds in which each copy may go out (see [`Scenario::transmission_rounds`]).
    pub fn worst_case_packets(&self) -> u64 {
        u64::from(self.workload.messages) * u64::from(self.group.size.saturating_sub(1)) * self.transmission_rounds()
    }

    /// How many times at most the protocol sends one message to one receiver: 1, or with ACKs
    /// 1 + `max_retries` (every round resends to every silent member).
    pub fn transmission_rounds(&self) -> u64 {
        match &self.protocol {
            ProtocolSpec::Centralized(c) if c.reliable => 1 + u64::from(c.max_retries),
            ProtocolSpec::Centralized(_) => 1,
        }
    }

    /// Refuses runs whose worst case would not fit in memory (a million receivers times a hundred
    /// thousand messages is 10^11 packets); the error spells out the product.
    fn check_packets(&self, limits: &Limits) -> Result<(), ScenarioError> {
        let packets = self.worst_case_packets();
        if packets <= limits.max_packets {
            return Ok(());
        }
        let rounds = match self.transmission_rounds() {
            1 => String::new(),
            r => format!(" × {r} rounds (1 + protocol.max_retries)"),
        };
        let hint = if limits.max_packets < Limits::NATIVE.max_packets {
            format!("; larger runs go to the native CLI (`mcast run`), up to {}", Limits::NATIVE.max_packets)
        } else {
            String::new()
        };
        Err(ScenarioError::invalid(
            "workload.messages",
            format!(
                "{} messages × {} receivers{rounds} is {packets} packets in the worst case, more than the {} a \
                 run may send: send fewer messages, use a smaller group or fewer retries{hint}",
                self.workload.messages,
                self.group.size.saturating_sub(1),
                limits.max_packets,
            ),
        ))
    }
}
