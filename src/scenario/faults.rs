//! Faults and membership in a scenario: crashes and recoveries, pauses, joins and leaves at given
//! times, a churn process, and the optional membership service.
//!
//! [`plan`] checks them and resolves them into the kernel's [`FaultPlan`]:
//!
//! - **Ids.** The group starts with `group.size` members, `0..size`. The k-th `join` entry of
//!   `faults` (in list order) gets id `size + k`; churn joiners get the ids after those, in the
//!   order they join. Faults may name explicit joiners by id, never churn joiners. With regions
//!   listed per node (`network.regions.of`), no entry may add nodes: a joiner would have no region.
//! - **Order.** Each node's faults are replayed in time order against its state: only a live
//!   node (up or paused) crashes, only a crashed node recovers, only an up node pauses or leaves,
//!   only a paused node resumes; a joiner does nothing before its join, a leaver nothing after its
//!   leave; two faults of one node need distinct times. A violation names the entry, `faults[i]`.
//! - **Churn.** `{"kind": "churn", "join_per_sec": λ, "leave_per_sec": μ, "from_ms", "to_ms"}`
//!   is two Poisson processes on `[from_ms, to_ms)`: exponential gaps (`-ln U / rate`, through
//!   `libm` so every target agrees) drawn from the seed's workload stream. Each leave picks,
//!   uniformly from the same stream, one current member that no explicit fault names and that is
//!   not a sender (explicit joiners are not candidates either); a leave that finds no candidate is
//!   skipped and counted. Several churn entries may overlap; their draws come in list order.

use super::limits::{ms, Limits, MAX_MS};
use super::{Scenario, ScenarioError};
use crate::protocol::NodeId;
use crate::protocols::hyparview::HyParViewConfig;
use crate::protocols::swim::SwimConfig;
use crate::rng::{self, Stream};
use crate::sim::faults::{Fault, FaultPlan};
use crate::tagged::tagged_enum;
use crate::time::{SimDuration, SimTime};
use rand::{Rng, RngCore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The highest churn rate, per second, for joins and for leaves.
pub const MAX_CHURN_RATE: f64 = 100_000.0;
/// The most joins (or leaves) one churn entry, and all of them together, may expect.
pub const MAX_CHURN_EVENTS: f64 = 1_000_000.0;
/// The most entries the `faults` list may hold.
pub const MAX_FAULTS: usize = 100_000;

tagged_enum! {
/// A fault or membership change, tagged by `kind`.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultSpec / FaultByKind {
    /// Node `node` crashes at `at_ms`: it stops, loses its state and drops what it receives, and
    /// the packets still queued in its uplink never leave.
    Crash {
        /// When (milliseconds).
        at_ms: f64,
        /// Which node.
        node: u32,
    },
    /// Crashed node `node` comes back at `at_ms` with fresh state and is told it restarted.
    Recover {
        /// When (milliseconds).
        at_ms: f64,
        /// Which node.
        node: u32,
    },
    /// Node `node` pauses at `at_ms`: it keeps its state but handles nothing; packets arriving
    /// meanwhile are dropped, its timers (and application sends) wait for the resume.
    Pause {
        /// When (milliseconds).
        at_ms: f64,
        /// Which node.
        node: u32,
    },
    /// Paused node `node` goes on at `at_ms`, first handling its deferred timers in order.
    Resume {
        /// When (milliseconds).
        at_ms: f64,
        /// Which node.
        node: u32,
    },
    /// A new node joins at `at_ms`; the k-th join entry of the list gets id `group.size + k`.
    Join {
        /// When (milliseconds).
        at_ms: f64,
    },
    /// Node `node` leaves at `at_ms`: it is told so it can say goodbye, then stops for good.
    Leave {
        /// When (milliseconds).
        at_ms: f64,
        /// Which node.
        node: u32,
    },
    /// Joins and leaves as Poisson processes over `[from_ms, to_ms)`.
    Churn {
        /// Joins per second (new nodes).
        #[serde(default)]
        join_per_sec: f64,
        /// Leaves per second (current members, picked at random).
        #[serde(default)]
        leave_per_sec: f64,
        /// Start of the window (milliseconds).
        #[serde(default)]
        from_ms: f64,
        /// End of the window (milliseconds).
        to_ms: f64,
    },
}
}

impl FaultSpec {
    /// The node the entry names, if it names one (joins and churn do not).
    pub fn node(&self) -> Option<u32> {
        match self {
            FaultSpec::Crash { node, .. }
            | FaultSpec::Recover { node, .. }
            | FaultSpec::Pause { node, .. }
            | FaultSpec::Resume { node, .. }
            | FaultSpec::Leave { node, .. } => Some(*node),
            FaultSpec::Join { .. } | FaultSpec::Churn { .. } => None,
        }
    }
}

/// A membership service members may rely on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// None: a node learns of others only from packets and its own failure detection.
    #[default]
    None,
    /// An oracle: every live member hears of each join, leave, crash and recovery of another
    /// member `delay_ms` after it happens (a paused member hears of it when it resumes).
    Oracle,
    /// SWIM (Das, Gupta & Motivala 2002): the members detect failures themselves by probing
    /// each other and disseminate what they learn on their probes (`crate::protocols::swim`).
    Swim,
    /// HyParView (Leitão, Pereira & Rodrigues 2007): the members keep a small symmetric active
    /// view and a larger passive view; the protocol gossips over the active view and hears of
    /// its changes as `NeighborUp`/`NeighborDown` (`crate::protocols::hyparview`).
    Hyparview,
}

/// The membership service the scenario names, if any, with SWIM's parameters (read only when
/// the service is `swim`) and HyParView's (read only when it is `hyparview`), left out of the
/// JSON at their defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MembershipSpec {
    /// Which service.
    pub service: Service,
    /// How long after a change members hear of it (milliseconds; the oracle).
    pub delay_ms: f64,
    /// SWIM's protocol period T' (milliseconds, §3.1).
    #[serde(skip_serializing_if = "is_default_period")]
    pub period_ms: f64,
    /// SWIM: how long a direct ping waits for its ack before ping-reqs (milliseconds, §3.1).
    #[serde(skip_serializing_if = "is_default_ping_timeout")]
    pub ping_timeout_ms: f64,
    /// SWIM: members asked to ping a target indirectly (§3.1's k).
    #[serde(skip_serializing_if = "is_default_k")]
    pub k: u32,
    /// SWIM: whether a failed probe suspects its target first (§4.2), or confirms it at once.
    #[serde(skip_serializing_if = "is_true")]
    pub suspicion: bool,
    /// SWIM: the suspicion time-out, in protocol periods (§4.2).
    #[serde(skip_serializing_if = "is_default_suspicion_periods")]
    pub suspicion_periods: u32,
    /// SWIM: each update is piggybacked ⌈λ·ln n⌉ times (§4.1).
    #[serde(skip_serializing_if = "is_default_lambda")]
    pub lambda: f64,
    /// SWIM: the most updates one packet carries.
    #[serde(skip_serializing_if = "is_default_max_piggyback")]
    pub max_piggyback: u32,
    /// HyParView: the active view's capacity (§4.1, the fanout plus one).
    #[serde(skip_serializing_if = "is_default_active_view")]
    pub active_view: u32,
    /// HyParView: the passive view's capacity (§4.1).
    #[serde(skip_serializing_if = "is_default_passive_view")]
    pub passive_view: u32,
    /// HyParView: the active random walk length, ARWL (§4.2), also a shuffle's walk (§4.4).
    #[serde(skip_serializing_if = "is_default_arwl")]
    pub arwl: u32,
    /// HyParView: the passive random walk length, PRWL (§4.2).
    #[serde(skip_serializing_if = "is_default_prwl")]
    pub prwl: u32,
    /// HyParView: active-view entries a shuffle carries, ka (§4.4).
    #[serde(skip_serializing_if = "is_default_ka")]
    pub ka: u32,
    /// HyParView: passive-view entries a shuffle carries, kp (§4.4).
    #[serde(skip_serializing_if = "is_default_kp")]
    pub kp: u32,
    /// HyParView: the shuffle period (milliseconds, §4.4).
    #[serde(skip_serializing_if = "is_default_shuffle_period")]
    pub shuffle_period_ms: f64,
}

impl Default for MembershipSpec {
    fn default() -> MembershipSpec {
        let swim = SwimConfig::default();
        let hpv = HyParViewConfig::default();
        MembershipSpec {
            service: Service::None,
            delay_ms: 0.0,
            period_ms: swim.period.as_ms_f64(),
            ping_timeout_ms: swim.ping_timeout.as_ms_f64(),
            k: swim.k,
            suspicion: swim.suspicion,
            suspicion_periods: swim.suspicion_periods,
            lambda: swim.lambda,
            max_piggyback: swim.max_piggyback,
            active_view: hpv.active,
            passive_view: hpv.passive,
            arwl: hpv.arwl,
            prwl: hpv.prwl,
            ka: hpv.ka,
            kp: hpv.kp,
            shuffle_period_ms: hpv.shuffle_period.as_ms_f64(),
        }
    }
}

fn is_default_period(v: &f64) -> bool {
    *v == MembershipSpec::default().period_ms
}
fn is_default_ping_timeout(v: &f64) -> bool {
    *v == MembershipSpec::default().ping_timeout_ms
}
fn is_default_k(v: &u32) -> bool {
    *v == MembershipSpec::default().k
}
fn is_true(v: &bool) -> bool {
    *v
}
fn is_default_suspicion_periods(v: &u32) -> bool {
    *v == MembershipSpec::default().suspicion_periods
}
fn is_default_lambda(v: &f64) -> bool {
    *v == MembershipSpec::default().lambda
}
fn is_default_max_piggyback(v: &u32) -> bool {
    *v == MembershipSpec::default().max_piggyback
}
fn is_default_active_view(v: &u32) -> bool {
    *v == MembershipSpec::default().active_view
}
fn is_default_passive_view(v: &u32) -> bool {
    *v == MembershipSpec::default().passive_view
}
fn is_default_arwl(v: &u32) -> bool {
    *v == MembershipSpec::default().arwl
}
fn is_default_prwl(v: &u32) -> bool {
    *v == MembershipSpec::default().prwl
}
fn is_default_ka(v: &u32) -> bool {
    *v == MembershipSpec::default().ka
}
fn is_default_kp(v: &u32) -> bool {
    *v == MembershipSpec::default().kp
}
fn is_default_shuffle_period(v: &f64) -> bool {
    *v == MembershipSpec::default().shuffle_period_ms
}

/// The largest HyParView active view, walk length and shuffle count.
pub const MAX_HYPARVIEW_ACTIVE: u32 = 100;
/// The largest HyParView passive view.
pub const MAX_HYPARVIEW_PASSIVE: u32 = 1_000;

/// The most members a ping-req goes to, periods a suspicion lasts, and updates a packet carries.
pub const MAX_SWIM_COUNT: u32 = 1_000;

impl MembershipSpec {
    /// Whether this is the default (no service), which the JSON leaves out.
    pub fn is_default(&self) -> bool {
        *self == MembershipSpec::default()
    }

    /// SWIM's parameters, if the service is SWIM.
    pub fn swim(&self) -> Option<SwimConfig> {
        (self.service == Service::Swim).then(|| SwimConfig {
            period: SimDuration::from_ms_f64(self.period_ms),
            ping_timeout: SimDuration::from_ms_f64(self.ping_timeout_ms),
            k: self.k,
            suspicion: self.suspicion,
            suspicion_periods: self.suspicion_periods,
            lambda: self.lambda,
            max_piggyback: self.max_piggyback,
            round_robin: true,
        })
    }

    /// HyParView's parameters, if the service is HyParView.
    pub fn hyparview(&self) -> Option<HyParViewConfig> {
        (self.service == Service::Hyparview).then(|| HyParViewConfig {
            active: self.active_view,
            passive: self.passive_view,
            arwl: self.arwl,
            prwl: self.prwl,
            ka: self.ka,
            kp: self.kp,
            shuffle_period: SimDuration::from_ms_f64(self.shuffle_period_ms),
            ..HyParViewConfig::default()
        })
    }

    /// Checks HyParView's fields' ranges, naming the field.
    fn check_hyparview(&self) -> Result<(), ScenarioError> {
        ms("membership.shuffle_period_ms", self.shuffle_period_ms, MAX_MS)?;
        if self.shuffle_period_ms < 1.0 {
            return Err(ScenarioError::invalid(
                "membership.shuffle_period_ms",
                format!("must be at least 1, got {}", self.shuffle_period_ms),
            ));
        }
        for (field, v, min, max) in [
            ("membership.active_view", self.active_view, 1, MAX_HYPARVIEW_ACTIVE),
            ("membership.passive_view", self.passive_view, 0, MAX_HYPARVIEW_PASSIVE),
            ("membership.arwl", self.arwl, 0, MAX_HYPARVIEW_ACTIVE),
            ("membership.prwl", self.prwl, 0, MAX_HYPARVIEW_ACTIVE),
            ("membership.ka", self.ka, 0, MAX_HYPARVIEW_ACTIVE),
            ("membership.kp", self.kp, 0, MAX_HYPARVIEW_PASSIVE),
        ] {
            if !(min..=max).contains(&v) {
                return Err(ScenarioError::invalid(field, format!("must be in [{min}, {max}], got {v}")));
            }
        }
        Ok(())
    }

    /// Checks every field's range, naming the field.
    fn check(&self) -> Result<(), ScenarioError> {
        self.check_hyparview()?;
        ms("membership.delay_ms", self.delay_ms, MAX_MS)?;
        ms("membership.period_ms", self.period_ms, MAX_MS)?;
        ms("membership.ping_timeout_ms", self.ping_timeout_ms, MAX_MS)?;
        if self.period_ms < 1.0 {
            return Err(ScenarioError::invalid(
                "membership.period_ms",
                format!("must be at least 1, got {}", self.period_ms),
            ));
        }
        for (field, v, min) in [
            ("membership.k", self.k, 0),
            ("membership.suspicion_periods", self.suspicion_periods, 1),
            ("membership.max_piggyback", self.max_piggyback, 0),
        ] {
            if !(min..=MAX_SWIM_COUNT).contains(&v) {
                return Err(ScenarioError::invalid(field, format!("must be in [{min}, {MAX_SWIM_COUNT}], got {v}")));
            }
        }
        if !self.lambda.is_finite() || !(0.0..=100.0).contains(&self.lambda) {
            return Err(ScenarioError::invalid(
                "membership.lambda",
                format!("must be in [0, 100], got {}", self.lambda),
            ));
        }
        Ok(())
    }
}

fn at(ms: f64) -> SimTime {
    SimTime(SimDuration::from_ms_f64(ms).0)
}

/// A node's state while the explicit faults are replayed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Up,
    Paused,
    Crashed,
    NotJoined,
    Left,
}

impl State {
    fn describe(self) -> &'static str {
        match self {
            State::Up => "up",
            State::Paused => "paused",
            State::Crashed => "crashed",
            State::NotJoined => "not joined yet",
            State::Left => "gone (it left)",
        }
    }
}

/// Checks the scenario's faults and membership and resolves them into the kernel's plan,
/// drawing the churn from the seed. Errors name the entry (`faults[i]`, `faults[i].node`, ...).
pub fn plan(s: &Scenario, limits: &Limits) -> Result<FaultPlan, ScenarioError> {
    let size = s.group.size;
    let joins = s.faults.iter().filter(|f| matches!(f, FaultSpec::Join { .. })).count() as u64;
    if u64::from(size) + joins > u64::from(limits.max_group) {
        return Err(ScenarioError::invalid(
            "faults",
            format!("{size} members and {joins} joins make more than {} nodes", limits.max_group),
        ));
    }
    if s.faults.len() > MAX_FAULTS {
        return Err(ScenarioError::invalid(
            "faults",
            format!("at most {MAX_FAULTS} entries (churn entries draw many events each), got {}", s.faults.len()),
        ));
    }
    let known = size + joins as u32;
    let explicit = explicit_faults(s, known)?;
    check_churn_total(s)?;
    check_order(&explicit, size, known, &s.faults)?;
    check_joiner_regions(s)?;

    let m = &s.membership;
    m.check()?;
    let contacts = s.workload.senders(&s.group);
    let named: BTreeSet<NodeId> = explicit.iter().map(|e| e.2.node()).chain(contacts.iter().copied()).collect();
    let (churn, joiners, skipped) = churn(s, known, &named);
    check_churn_size(s, known, joiners, limits)?;
    let mut events: Vec<(SimTime, usize, Fault)> = explicit;
    events.extend(churn);
    events.sort_by_key(|e| (e.0, e.1));
    Ok(FaultPlan {
        events: events.into_iter().map(|(t, _, f)| (t, f)).collect(),
        joiners: joins as u32 + joiners,
        contacts,
        notify_after: (m.service == Service::Oracle).then(|| SimDuration::from_ms_f64(m.delay_ms)),
        skipped_leaves: skipped,
        observe_beliefs: m.service == Service::Swim,
        attack: None,
    })
}

/// Every entry's field ranges, then the explicit faults with their node ids (of `known` nodes,
/// explicit joiners included), as `(time, list index, fault)` sorted by time, then list order.
fn explicit_faults(s: &Scenario, known: u32) -> Result<Vec<(SimTime, usize, Fault)>, ScenarioError> {
    let size = s.group.size;
    let mut explicit: Vec<(SimTime, usize, Fault)> = Vec::new();
    let mut next_joiner = size;
    for (i, f) in s.faults.iter().enumerate() {
        let Some((at_ms, fault)) = resolve(i, f, &mut next_joiner)? else { continue };
        if fault.node() >= known {
            let joiners = if known == size { String::new() } else { format!(", joiners {size} to {}", known - 1) };
            return Err(ScenarioError::invalid(
                format!("faults[{i}].node"),
                format!(
                    "node {} is not in the group (members are 0 to {}{joiners})",
                    fault.node(),
                    size.saturating_sub(1)
                ),
            ));
        }
        explicit.push((at(at_ms), i, fault));
    }
    explicit.sort_by_key(|e| (e.0, e.1));
    Ok(explicit)
}

/// Entry `i`'s fields checked, and its time and fault (a join takes the id `next_joiner` and
/// advances it); None for a churn entry.
fn resolve(i: usize, f: &FaultSpec, next_joiner: &mut u32) -> Result<Option<(f64, Fault)>, ScenarioError> {
    let (at_ms, fault) = match *f {
        FaultSpec::Churn { join_per_sec, leave_per_sec, from_ms, to_ms } => {
            return check_churn(i, join_per_sec, leave_per_sec, from_ms, to_ms).map(|()| None);
        }
        FaultSpec::Join { at_ms } => {
            *next_joiner += 1;
            (at_ms, Fault::Join(*next_joiner - 1))
        }
        FaultSpec::Crash { at_ms, node } => (at_ms, Fault::Crash(node)),
        FaultSpec::Recover { at_ms, node } => (at_ms, Fault::Recover(node)),
        FaultSpec::Pause { at_ms, node } => (at_ms, Fault::Pause(node)),
        FaultSpec::Resume { at_ms, node } => (at_ms, Fault::Resume(node)),
        FaultSpec::Leave { at_ms, node } => (at_ms, Fault::Leave(node)),
    };
    ms(&format!("faults[{i}].at_ms"), at_ms, MAX_MS)?;
    Ok(Some((at_ms, fault)))
}

/// Refuses churn whose joiners (as drawn from this seed) would take the `known` nodes past the
/// group limit, naming the first churn entry.
fn check_churn_size(s: &Scenario, known: u32, joiners: u32, limits: &Limits) -> Result<(), ScenarioError> {
    if u64::from(known) + u64::from(joiners) > u64::from(limits.max_group) {
        let i = s.faults.iter().position(|f| matches!(f, FaultSpec::Churn { .. })).unwrap_or(0);
        return Err(ScenarioError::invalid(
            format!("faults[{i}].join_per_sec"),
            format!("the churn adds {joiners} nodes to {known}: more than {} nodes (with this seed)", limits.max_group),
        ));
    }
    Ok(())
}

fn check_churn(i: usize, join: f64, leave: f64, from: f64, to: f64) -> Result<(), ScenarioError> {
    ms(&format!("faults[{i}].from_ms"), from, MAX_MS)?;
    ms(&format!("faults[{i}].to_ms"), to, MAX_MS)?;
    if to <= from {
        return Err(ScenarioError::invalid(
            format!("faults[{i}].to_ms"),
            format!("must be after from_ms ({from}), got {to}"),
        ));
    }
    for (name, rate) in [("join_per_sec", join), ("leave_per_sec", leave)] {
        if !rate.is_finite() || !(0.0..=MAX_CHURN_RATE).contains(&rate) {
            return Err(ScenarioError::invalid(
                format!("faults[{i}].{name}"),
                format!("must be a rate per second in [0, {MAX_CHURN_RATE}], got {rate}"),
            ));
        }
        let expected = rate * (to - from) / 1000.0;
        if expected > MAX_CHURN_EVENTS {
            return Err(ScenarioError::invalid(
                format!("faults[{i}].{name}"),
                format!("expects {expected} events over the window; at most {MAX_CHURN_EVENTS}"),
            ));
        }
    }
    Ok(())
}

/// Refuses churn entries that together expect more than [`MAX_CHURN_EVENTS`] joins and leaves
/// (each entry is held to it alone as well): every draw is kept in the plan, so many entries at
/// the most each allows would fill gigabytes before the run starts. Names the entry past it.
fn check_churn_total(s: &Scenario) -> Result<(), ScenarioError> {
    let mut total = 0.0;
    for (i, f) in s.faults.iter().enumerate() {
        if let FaultSpec::Churn { join_per_sec, leave_per_sec, from_ms, to_ms } = f {
            total += (join_per_sec + leave_per_sec) * (to_ms - from_ms).max(0.0) / 1000.0;
            if total > MAX_CHURN_EVENTS {
                return Err(ScenarioError::invalid(
                    format!("faults[{i}]"),
                    format!("the churn entries up to this one expect {total} joins and leaves in all; at most {MAX_CHURN_EVENTS}"),
                ));
            }
        }
    }
    Ok(())
}

/// With regions listed node by node (`network.regions.of`, one per initial member), a joiner
/// would have no region: refuses the first entry that adds a node (a join, or churn with joins).
fn check_joiner_regions(s: &Scenario) -> Result<(), ScenarioError> {
    let Some(of) = s.network.regions.as_ref().and_then(|r| r.of.as_ref()) else {
        return Ok(());
    };
    let adds = s.faults.iter().position(|f| match *f {
        FaultSpec::Join { .. } => true,
        FaultSpec::Churn { join_per_sec, .. } => join_per_sec > 0.0,
        _ => false,
    });
    match adds {
        None => Ok(()),
        Some(i) => Err(ScenarioError::invalid(
            format!("faults[{i}]"),
            format!(
                "adds nodes, but network.regions.of gives regions to the {} initial members only: place regions \
                 by network.regions.count (sectors), which covers joiners",
                of.len()
            ),
        )),
    }
}

/// Replays the explicit faults (sorted by time, then list order) against each node's state.
fn check_order(
    events: &[(SimTime, usize, Fault)],
    size: u32,
    known: u32,
    list: &[FaultSpec],
) -> Result<(), ScenarioError> {
    // Each node's state, and its latest fault as (time, list index).
    let mut nodes: Vec<(State, Option<(SimTime, usize)>)> =
        (0..known).map(|n| (if n < size { State::Up } else { State::NotJoined }, None)).collect();
    for &(t, i, fault) in events {
        let n = fault.node();
        // `explicit_faults` refused every id past the known nodes already.
        let Some(node) = nodes.get_mut(n as usize) else {
            return Err(ScenarioError::invalid(
                format!("faults[{i}].node"),
                format!("node {n} is not in the group ({known} nodes, joiners included)"),
            ));
        };
        let now = node.0;
        let fail = |what: String| Err(ScenarioError::invalid(format!("faults[{i}]"), what));
        if let Some((prev, j)) = node.1 {
            if prev == t {
                return fail(format!(
                    "node {n} already has faults[{j}] at {} ms; one node's faults need distinct times",
                    t.as_ms_f64()
                ));
            }
        }
        let next = match (fault, now) {
            (Fault::Crash(_), State::Up | State::Paused) => State::Crashed,
            (Fault::Recover(_), State::Crashed) => State::Up,
            (Fault::Pause(_), State::Up) => State::Paused,
            (Fault::Resume(_), State::Paused) => State::Up,
            (Fault::Leave(_), State::Up) => State::Left,
            (Fault::Join(_), State::NotJoined) => State::Up,
            _ => {
                let (verb, needs) = match fault {
                    Fault::Crash(_) => ("crash", "up or paused"),
                    Fault::Recover(_) => ("recover", "crashed"),
                    Fault::Pause(_) => ("pause", "up"),
                    Fault::Resume(_) => ("resume", "paused"),
                    Fault::Leave(_) => ("leave", "up (a paused node resumes first)"),
                    Fault::Join(_) => ("join", "new"),
                };
                let joined = match (now, n >= size) {
                    (State::NotJoined, true) => {
                        let k = (n - size) as usize;
                        let j = list.iter().enumerate().filter(|(_, f)| matches!(f, FaultSpec::Join { .. })).nth(k);
                        j.map_or(String::new(), |(j, _)| format!("; faults[{j}] joins it"))
                    }
                    _ => String::new(),
                };
                return fail(format!(
                    "node {n} cannot {verb} at {} ms: it is {}, it must be {needs}{joined}",
                    t.as_ms_f64(),
                    now.describe()
                ));
            }
        };
        *node = (next, Some((t, i)));
    }
    Ok(())
}

/// An exponential gap of mean `1 / rate` seconds, in microseconds.
fn exponential_us(r: &mut impl RngCore, rate: f64) -> f64 {
    // U in (0, 1]: 53 random bits, never zero, so the log is finite.
    let u = ((r.next_u64() >> 11) as f64 + 1.0) / 9_007_199_254_740_992.0;
    -libm::log(u) / rate * 1e6
}

/// The churn entries' joins and leaves as `(time, rank, fault)` (rank orders them after the
/// explicit faults at equal times), how many nodes they add, and how many leaves found no one.
fn churn(s: &Scenario, known: u32, named: &BTreeSet<NodeId>) -> (Vec<(SimTime, usize, Fault)>, u32, u32) {
    let specs: Vec<(f64, f64, f64, f64)> = s
        .faults
        .iter()
        .filter_map(|f| match *f {
            FaultSpec::Churn { join_per_sec, leave_per_sec, from_ms, to_ms } => {
                Some((join_per_sec, leave_per_sec, from_ms, to_ms))
            }
            _ => None,
        })
        .collect();
    if specs.is_empty() {
        return (Vec::new(), 0, 0);
    }
    let mut r = rng::stream(s.seed, Stream::Workload);
    // (time, join?) in draw order: each entry's joins, then its leaves.
    let mut draws: Vec<(SimTime, bool)> = Vec::new();
    for &(join, leave, from, to) in &specs {
        let (from_us, to_us) = (from * 1000.0, to * 1000.0);
        for (rate, is_join) in [(join, true), (leave, false)] {
            if rate <= 0.0 {
                continue;
            }
            let mut t = from_us;
            loop {
                t += exponential_us(&mut r, rate);
                if t >= to_us {
                    break;
                }
                draws.push((SimTime(t.round() as u64), is_join));
            }
        }
    }
    // By time, draw order at equal times (a stable sort).
    draws.sort_by_key(|d| d.0);
    let base = s.faults.len();
    let mut candidates: Vec<NodeId> = if draws.iter().any(|d| !d.1) {
        (0..s.group.size).filter(|n| !named.contains(n)).collect()
    } else {
        Vec::new()
    };
    let (mut out, mut joiners, mut skipped) = (Vec::with_capacity(draws.len()), 0u32, 0u32);
    for (rank, (t, is_join)) in draws.into_iter().enumerate() {
        let fault = if is_join {
            let id = known + joiners;
            joiners += 1;
            candidates.push(id);
            Fault::Join(id)
        } else if candidates.is_empty() {
            skipped += 1;
            continue;
        } else {
            let pick = r.random_range(0..candidates.len());
            Fault::Leave(candidates.swap_remove(pick))
        };
        out.push((t, base + rank, fault));
    }
    (out, joiners, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{RegionsSpec, WanLatency};

    #[test]
    fn joiners_need_regions_by_sector() {
        let mut s = Scenario::default_playground();
        s.group.size = 4;
        let of = RegionsSpec { count: None, of: Some(vec![0, 1, 1, 0]), lan_ms: 1.0, wan_ms: WanLatency::Uniform(9.0) };
        s.network.regions = Some(of);
        s.faults = vec![
            FaultSpec::Crash { at_ms: 1.0, node: 1 },
            FaultSpec::Churn { join_per_sec: 0.0, leave_per_sec: 5.0, from_ms: 0.0, to_ms: 10.0 },
        ];
        assert!(plan(&s, &Limits::NATIVE).is_ok(), "no joiner, no need");
        s.faults.push(FaultSpec::Join { at_ms: 2.0 });
        let err = plan(&s, &Limits::NATIVE).unwrap_err().to_string();
        assert!(err.starts_with("faults[2]: adds nodes, but network.regions.of gives regions to the 4"), "{err}");
        s.network.regions.as_mut().unwrap().of = None;
        s.network.regions.as_mut().unwrap().count = Some(3);
        assert_eq!(plan(&s, &Limits::NATIVE).unwrap().joiners, 1);
    }

    #[test]
    fn an_unchecked_group_is_refused_not_a_panic() {
        // `plan` is public: called on a scenario `validate` never saw, with no member at all.
        let mut s = Scenario::default_playground();
        s.group.size = 0;
        s.faults = vec![FaultSpec::Crash { at_ms: 1.0, node: 0 }];
        let err = plan(&s, &Limits::NATIVE).unwrap_err().to_string();
        assert_eq!(err, "faults[0].node: node 0 is not in the group (members are 0 to 0)");
    }

    #[test]
    fn exponential_gaps_have_the_right_mean() {
        let mut r = rng::stream(3, Stream::Workload);
        let n = 200_000;
        let mean = (0..n).map(|_| exponential_us(&mut r, 4.0)).sum::<f64>() / f64::from(n);
        // Mean 250 000 us, sd of the mean 250 000 / sqrt(n) ≈ 559; 5 sd.
        assert!((mean - 250_000.0).abs() < 2_800.0, "mean gap {mean} us");
    }
}
