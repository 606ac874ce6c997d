//! Range checks for every scenario field, each error naming its field.

use super::{ProtocolSpec, Scenario, ScenarioError, SCENARIO_VERSION};
use crate::sim::faults::FaultPlan;

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
/// The most messages (or stream packets) a workload may send, all senders together.
pub(super) const MAX_MESSAGES: u32 = 100_000;
/// The longest time a scenario may name (milliseconds): one hour.
pub(super) const MAX_MS: f64 = 3_600_000.0;
/// The largest payload (bytes).
pub(super) const MAX_BYTES: u32 = 10_000_000;
/// The fastest link, in bytes per second, and the largest queue, in bytes: 2^50 (about a
/// petabyte), past any real link and below 2^53 so JavaScript holds it exactly.
pub(super) const MAX_RATE: u64 = 1 << 50;

/// Checks that `v` is a number of milliseconds in `[0, max]`.
pub(super) fn ms(field: &str, v: f64, max: f64) -> Result<(), ScenarioError> {
    if !v.is_finite() || v < 0.0 || v > max {
        return Err(ScenarioError::invalid(field, format!("must be a number of milliseconds in [0, {max}], got {v}")));
    }
    Ok(())
}

pub(super) fn probability(field: &str, v: f64) -> Result<(), ScenarioError> {
    if !v.is_finite() || !(0.0..=1.0).contains(&v) {
        return Err(ScenarioError::invalid(field, format!("must be a probability in [0, 1], got {v}")));
    }
    Ok(())
}

pub(super) fn node(field: &str, v: u32, size: u32) -> Result<(), ScenarioError> {
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
    /// ([`Scenario::compile`] checks the same and compiles the scenario as well.)
    pub fn validate(&self, limits: &Limits) -> Result<(), ScenarioError> {
        self.check(limits).map(|_| ())
    }

    /// [`Scenario::validate`]'s checks, returning the fault plan they resolve on the way (the
    /// churn drawn once, its joiners counted in the packet budget).
    pub(super) fn check(&self, limits: &Limits) -> Result<FaultPlan, ScenarioError> {
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
        self.network.validate(g.size)?;
        self.workload.validate(g)?;
        ms("duration_ms", self.duration_ms, MAX_MS)?;
        if self.duration_ms == 0.0 {
            return Err(ScenarioError::invalid("duration_ms", "must be more than 0"));
        }
        let faults = super::faults::plan(self, limits)?;
        match &self.protocol {
            ProtocolSpec::Centralized(c) => c.validate("protocol")?,
            ProtocolSpec::Srm(c) => c.validate("protocol")?,
            ProtocolSpec::Rmtp(c) => {
                c.validate("protocol")?;
                let senders = self.workload.senders(g);
                if senders.len() > 1 {
                    return Err(ScenarioError::invalid(
                        "workload.senders",
                        format!("RMTP is one-to-many: give one sender, got {}", senders.len()),
                    ));
                }
                c.validate_group("protocol", g.size, senders.first().copied().unwrap_or(g.sender))?;
            }
            ProtocolSpec::Tree(t) => t.validate("protocol")?,
        }
        self.check_packets(limits, faults.joiners)?;
        Ok(faults)
    }

    /// The most packets the workload can make the protocol send: messages × receivers × the
    /// rounds in which each copy may go out (see [`Scenario::transmission_rounds`]), plus the
    /// protocol's traffic that does not depend on messages ([`Scenario::background_packets`]).
    /// `joiners` is how many nodes join during the run: the [`super::Plan`]'s `faults.joiners`
    /// (explicit joins and the churn drawn from the seed).
    pub fn worst_case_packets(&self, joiners: u32) -> u64 {
        (self.workload.message_count() * u64::from(self.group.size.saturating_sub(1)))
            .saturating_mul(self.transmission_rounds(joiners))
            .saturating_add(self.background_packets(joiners))
    }

    /// How many times at most the protocol sends one message to one receiver (counting requests
    /// and repairs about it): 1, or with ACKs 1 + `max_retries` (every round resends to every
    /// silent member). For SRM, 1 + 2 R (1 + `max_backoffs`), R the members that may request
    /// and repair one loss: each sends at most 1 + `max_backoffs` requests and as many repairs,
    /// each to every other member. Without suppression R is every member but one (L − 1, L the
    /// node lives: initial members, joiners and recoveries), the true worst case. With it R is
    /// ⌈√L⌉, an estimate from the paper's analysis rather than a bound: on a star with C2 = √G,
    /// about 1 + (G − 2)/C2 ≈ √G members request each loss (measured: 27.5 at G = 1000), and
    /// the worst case (every member requesting every message) would refuse any sizeable run
    /// though requests and repairs never pile up in memory together.
    /// A tree sends each receiver a message once from its parent plus `max_retries` resends (ACK)
    /// or repairs (NAK), and again as much after one re-attachment: 2 (1 + `max_retries`);
    /// without repair, the first copy and one catch-up, 2.
    pub fn transmission_rounds(&self, joiners: u32) -> u64 {
        match &self.protocol {
            ProtocolSpec::Centralized(c) if c.reliable => 1 + u64::from(c.max_retries),
            ProtocolSpec::Centralized(_) => 1,
            ProtocolSpec::Srm(c) => {
                let lives = self.node_lives(joiners);
                let requesters =
                    if c.suppression { (lives as f64).sqrt().ceil() as u64 } else { lives.saturating_sub(1) };
                1u64.saturating_add(2 * requesters.saturating_mul(1 + u64::from(c.max_backoffs)))
            }
            // The first copy, at most `max_retries` unanswered repair rounds to a member, and the
            // sender's retransmission to its DR. An estimate: a member that keeps answering with
            // a status while its repairs are lost may get more.
            ProtocolSpec::Rmtp(c) => 2 + u64::from(c.max_retries),
            ProtocolSpec::Tree(t) if t.reliable() => 2 * (1 + u64::from(t.max_retries)),
            ProtocolSpec::Tree(_) => 2,
        }
    }

    /// Packets a protocol sends whatever the workload: none, or SRM's session messages, and per
    /// fault entry a hello, its answer and a goodbye to every member.
    ///
    /// SRM's sessions are bounded twice, and the smaller bound counts. By the interval: at most
    /// one per member to each other member every half `session_interval_ms` (the shortest gap
    /// drawn) over `duration_ms`, plus one to start. By the budget B: a member knowing m members
    /// that sends m − 1 copies of S ≥ `header_bytes` bytes then waits at least half of
    /// m (m − 1) S / B, so its copies go out at most 2 B / (m S) a second; an initial member
    /// knows the whole group, so together they send at most 2 B / `header_bytes` copies a second.
    /// Each joiner or recovered node may know only a few members at first and is allowed that
    /// whole rate again; each node life adds one round (to every other life) that the
    /// duration's end may cut short.
    pub fn background_packets(&self, joiners: u32) -> u64 {
        match &self.protocol {
            ProtocolSpec::Centralized(_) => 0,
            // Status and advertisements go on per interval while members lack something; the
            // repair rounds bound them (see `transmission_rounds`).
            ProtocolSpec::Rmtp(_) => 0,
            // Heartbeats: two per tree edge per interval for the whole run, but never more than
            // a few per edge in flight at once, so they do not pile up in memory (the cap's
            // concern); a 10,000-node tree over 60 s sends 2.4 M of them in about 2 s.
            ProtocolSpec::Tree(_) => 0,
            ProtocolSpec::Srm(c) => {
                let lives = self.node_lives(joiners);
                let rounds = (self.duration_ms / (c.session_interval_ms / 2.0)).floor().min(1e12) as u64 + 1;
                let by_interval = rounds.saturating_mul(lives).saturating_mul(lives.saturating_sub(1));
                let extra_lives = lives.saturating_sub(u64::from(self.group.size));
                let per_sec = 2.0 * c.session_bandwidth_bytes_per_sec as f64 / f64::from(c.header_bytes.max(1));
                let by_budget = ((self.duration_ms / 1000.0 * per_sec).ceil().min(1e15) as u64)
                    .saturating_mul(1 + extra_lives)
                    .saturating_add(lives.saturating_mul(lives.saturating_sub(1)));
                let sessions = by_interval.min(by_budget);
                sessions.saturating_add((self.faults.len() as u64).saturating_mul(3 * lives))
            }
        }
    }

    /// Initial members, plus one per joiner (`joiners` of them) and per recovery.
    fn node_lives(&self, joiners: u32) -> u64 {
        let recoveries = self.faults.iter().filter(|f| matches!(f, super::FaultSpec::Recover { .. })).count();
        u64::from(self.group.size) + u64::from(joiners) + recoveries as u64
    }

    /// Refuses runs whose worst case would not fit in memory (a million receivers times a hundred
    /// thousand messages is 10^11 packets); the error spells out the product.
    fn check_packets(&self, limits: &Limits, joiners: u32) -> Result<(), ScenarioError> {
        let packets = self.worst_case_packets(joiners);
        if packets <= limits.max_packets {
            return Ok(());
        }
        let rounds = match (&self.protocol, self.transmission_rounds(joiners)) {
            (_, 1) => String::new(),
            (ProtocolSpec::Srm(_), r) => {
                format!(" × {r} (1 + 2 × requesters × (1 + protocol.max_backoffs)) requests and repairs")
            }
            (ProtocolSpec::Tree(_), r) => {
                format!(" × {r} rounds (2 × (1 + protocol.max_retries)), re-attachment included")
            }
            (_, r) => format!(" × {r} rounds (1 + protocol.max_retries)"),
        };
        let background = match self.background_packets(joiners) {
            0 => String::new(),
            b => format!(
                " + {b} session messages (the smaller of members² × duration / (session_interval_ms / 2) and \
                 2 × duration × session_bandwidth_bytes_per_sec / header_bytes + members²)"
            ),
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
