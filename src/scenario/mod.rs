//! The scenario: one value that describes a whole run, seed included.
//!
//! Scenarios come from JSON files (the CLI), from the page's controls and from share links, and
//! all three are untrusted: [`Scenario::from_json`] and [`link::decode`] parse, then
//! [`Scenario::validate`] checks every range, and any error names the field that is wrong.
//! [`Scenario::compile`] checks the same and resolves the scenario, once, into the [`Plan`] the
//! kernel runs (positions, network configuration, message schedule, fault plan).
//!
//! No index here can panic: everything in this folder reads lists and strings the scenario
//! sizes through `get`, iterators and patterns (tests aside), which the two lints below enforce.

#![deny(clippy::indexing_slicing, clippy::string_slice)]

pub mod attackers;
mod estimate;
pub mod faults;
pub mod layout;
mod limits;
pub mod link;
mod network;
pub mod param;
mod plan;
pub mod reference;
mod validate;
pub mod version;
pub mod workload;

pub use attackers::AttackersSpec;
pub use estimate::Estimate;
pub use faults::{FaultSpec, MembershipSpec, Service};
pub use limits::{Limits, MAX_SEED};
pub use network::{
    default_queue_bytes, queue_capacity, BurstSpec, LinkSpec, NetworkMode, NetworkSpec, NodeNetSpec, PartitionSpec,
    RegionsSpec, WanLatency, DEFAULT_QUEUE_SECS, MAX_DEFAULT_QUEUE_BYTES, MAX_PARTITIONS, MAX_REGIONS,
    MIN_DEFAULT_QUEUE_BYTES, UNLIMITED_QUEUE_BYTES,
};
pub use plan::Plan;
pub use version::{OLDEST_VERSION, SCENARIO_VERSION};
pub use workload::{StreamSpec, WorkloadSpec};

pub use crate::protocols::ProtocolSpec;

use crate::protocols::centralized::CentralizedConfig;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Everything that determines a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The format version, which names the engine semantics the scenario was written for: must
    /// be [`SCENARIO_VERSION`]; an older one is migrated when read ([`version`]).
    pub version: u32,
    /// A title for people; no effect on the run.
    #[serde(default)]
    pub name: String,
    /// The master seed every random stream derives from (below 2^53, so JavaScript keeps it exact).
    pub seed: u64,
    /// Who is in the group and where they sit.
    pub group: GroupSpec,
    /// Latency, loss and bandwidth.
    #[serde(default)]
    pub network: NetworkSpec,
    /// The protocol and its parameters.
    pub protocol: ProtocolSpec,
    /// What the senders send, and when.
    #[serde(default)]
    pub workload: WorkloadSpec,
    /// Crashes, recoveries, pauses, joins, leaves and churn.
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    /// The membership service nodes may rely on; none unless named.
    #[serde(default, skip_serializing_if = "MembershipSpec::is_default")]
    pub membership: MembershipSpec,
    /// Members that withhold the payload they should forward, from a time on; none unless named.
    #[serde(default, skip_serializing_if = "AttackersSpec::is_default")]
    pub attackers: AttackersSpec,
    /// The run stops at this simulated time even if events remain (milliseconds).
    #[serde(default = "default_duration_ms")]
    pub duration_ms: f64,
}

fn default_duration_ms() -> f64 {
    60_000.0
}

/// The group's members and their positions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// How many nodes, the sender included.
    pub size: u32,
    /// The node that multicasts the workload.
    #[serde(default)]
    pub sender: u32,
    /// How positions are chosen when `positions` is absent.
    #[serde(default)]
    pub layout: Layout,
    /// Explicit positions in the unit square, one `[x, y]` per node; overrides `layout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positions: Option<Vec<[f64; 2]>>,
}

/// Ways to place nodes in the unit square; distance sets latency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// A sunflower spiral filling a disk, the sender at its centre: even spacing at any size.
    #[default]
    Disk,
    /// Evenly on a circle, the sender at its centre.
    Ring,
    /// A square grid, row by row.
    Grid,
    /// Uniformly at random (from the seed's layout stream).
    Random,
}

/// Why a scenario or a share link was refused. Every message names the field or part at fault.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ScenarioError {
    /// The JSON did not parse or did not fit the format.
    #[error("{path}: {message}")]
    Json {
        /// Where in the scenario, dotted (`group.size`), or `scenario` for the whole.
        path: String,
        /// What serde said.
        message: String,
    },
    /// A value is out of its range.
    #[error("{field}: {reason}")]
    Invalid {
        /// The dotted path of the field.
        field: String,
        /// What is wrong and what is allowed.
        reason: String,
    },
    /// A share link that cannot be read.
    #[error("share link: {0}")]
    Link(String),
}

impl ScenarioError {
    /// An out-of-range error for `field`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ScenarioError::Invalid { field: field.into(), reason: reason.into() }
    }
}

/// The longest field path or serde message an error repeats (an unknown key is echoed back).
const MAX_ERROR_PART: usize = 200;

/// One line of at most `MAX_ERROR_PART` characters: control characters (a newline inside an
/// unknown key) are escaped, the rest cut with `…`.
fn one_line(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    if escaped.chars().nth(MAX_ERROR_PART).is_some() {
        let mut cut: String = escaped.chars().take(MAX_ERROR_PART).collect();
        cut.push('…');
        cut
    } else {
        escaped
    }
}

/// The dotted path of a serde error (`faults[0].at_ms`). A key that is not a plain name (an
/// unknown field may be anything) is quoted as in JavaScript, `group[": "]`, so the path stays
/// unambiguous and on one line; parts serde could not name are left out.
fn field_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(&one_line(key));
                } else {
                    let quoted = serde_json::to_string(key).unwrap_or_default();
                    out.push_str(&format!("[{}]", one_line(&quoted)));
                }
            }
            Segment::Unknown => {}
        }
    }
    if out.is_empty() {
        "scenario".to_string()
    } else {
        out
    }
}

/// A serde error as a [`ScenarioError::Json`] naming the path where it happened, inside a tagged
/// enum too (see [`crate::tagged`]).
fn format_error<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> ScenarioError {
    let outer = field_path(e.path());
    let message = e.into_inner().to_string();
    let (path, message) = match crate::tagged::inner(&message) {
        Some((inner, rest)) if outer == "scenario" => (one_line(inner), rest),
        Some((inner, rest)) => (format!("{outer}.{}", one_line(inner)), rest),
        None => (outer, message.as_str()),
    };
    ScenarioError::Json { path, message: one_line(message) }
}

impl Scenario {
    /// Parses and validates a scenario from JSON, with the native limits.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        Self::from_json_with(text, &Limits::NATIVE)
    }

    /// Parses and validates a scenario from JSON against `limits`; an older version is migrated
    /// to the current one first ([`version`]).
    pub fn from_json_with(text: &str, limits: &Limits) -> Result<Scenario, ScenarioError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let mut scenario: Scenario = serde_path_to_error::deserialize(&mut *de).map_err(format_error)?;
        de.end().map_err(|e| ScenarioError::Json { path: "scenario".into(), message: e.to_string() })?;
        scenario.upgrade();
        scenario.validate(limits)?;
        Ok(scenario)
    }

    /// Deserializes and validates a scenario from any serde source (the JS API passes a
    /// JavaScript object through serde-wasm-bindgen), migrating an older version as
    /// [`Scenario::from_json_with`] does, with errors as it gives them.
    pub fn from_deserializer<'de, D>(de: D, limits: &Limits) -> Result<Scenario, ScenarioError>
    where
        D: serde::Deserializer<'de>,
        D::Error: std::fmt::Display,
    {
        let mut scenario: Scenario = serde_path_to_error::deserialize(de).map_err(format_error)?;
        scenario.upgrade();
        scenario.validate(limits)?;
        Ok(scenario)
    }

    /// The scenario as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The playground's default: a few hundred receivers, one message, centralized.
    pub fn default_playground() -> Scenario {
        Scenario {
            version: SCENARIO_VERSION,
            name: String::new(),
            seed: 1,
            group: GroupSpec { size: 300, sender: 0, layout: Layout::Disk, positions: None },
            network: NetworkSpec::default(),
            protocol: ProtocolSpec::Centralized(CentralizedConfig::default()),
            workload: WorkloadSpec::default(),
            faults: Vec::new(),
            membership: MembershipSpec::default(),
            attackers: AttackersSpec::default(),
            duration_ms: default_duration_ms(),
        }
    }
}
