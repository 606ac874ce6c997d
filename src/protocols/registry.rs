//! The registry of protocol families: each family implements [`Family`] once, and one line in
//! [`crate::protocols`]'s `families!` list registers it. Scenario parsing ([`ProtocolSpec`]),
//! validation, the run-size estimate, the engine, the CLI, the page's editor, legend and
//! comparison, and the generated docs all read it; none of them names a family.
//!
//! Static facts (kind, title, parameter table, packet kinds, structure) are reached through the
//! object-safe [`FamilyInfo`] ([`FAMILIES`], [`ProtocolSpec::info`]); generic work (running
//! `F::Protocol`, wrapping it in a layer) through a [`Visit`]or ([`ProtocolSpec::visit`]).

use super::load::{InformedCurve, Load, RunInfo};
use super::params::{self, ParamDoc, ParamError};
use crate::protocol::{GroupInfo, PacketKind, Protocol};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;
use std::marker::PhantomData;

pub use super::ProtocolSpec;

/// The structure a family draws between nodes ([`Protocol::upstream`]), for the page's legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Structure {
    /// No structure: every node talks to whom it needs.
    Flat,
    /// Each node's line goes to its parent in a tree.
    Tree,
    /// Each receiver's line goes to its designated receiver (the head of its region).
    Regions,
}

/// A family of protocols, as everything outside its folder sees it.
pub trait Family: 'static {
    /// The protocol each node runs.
    type Protocol: Protocol;
    /// The parameters, as the scenario writes them under `protocol` (besides `kind`).
    type Params: Clone + Debug + PartialEq + Default + Serialize + DeserializeOwned + Into<ProtocolSpec>;
    /// Why the family refuses a scenario beyond its parameter table's ranges.
    type Error: std::error::Error + Into<ParamError>;

    /// The `kind` tag (`"srm"`).
    const KIND: &'static str;
    /// The name the page's picker shows (`"SRM (Floyd et al. 1997)"`).
    const TITLE: &'static str;
    /// One line: what the family does, for the docs' protocol list.
    const SUMMARY: &'static str;
    /// Its parameters: name, values, unit, meaning, source.
    const PARAMS: &'static [ParamDoc];
    /// The kinds of packet it sends, in the order its legend lists them.
    const PACKETS: &'static [PacketKind];
    /// What it draws between nodes.
    const STRUCTURE: Structure;
    /// Whether it runs only over an overlay membership layer that reports its neighbours
    /// (HyParView, `membership.service: "hyparview"`): without one it never hears of a peer.
    const NEEDS_OVERLAY: bool = false;

    /// A short name for these parameters (`"centralized with ACKs"`).
    fn label(params: &Self::Params) -> &'static str;

    /// Checks beyond the parameter table's ranges (fields that depend on each other or on the
    /// group). The table's ranges are checked before.
    fn check(_params: &Self::Params, _run: &RunInfo) -> Result<(), Self::Error> {
        Ok(())
    }

    /// How many times at most the protocol sends one message to one receiver, requests and
    /// repairs about it included (the run-size estimate's multiplier), and the formula behind
    /// it in words (empty for 1).
    fn rounds(params: &Self::Params, run: &RunInfo) -> (u64, String);

    /// Packets sent whatever the workload (session messages, ...), and the formula in words.
    fn background(_params: &Self::Params, _run: &RunInfo) -> (u64, String) {
        (0, String::new())
    }

    /// The run's expected cost, term by term: packets and timers, each with the field that
    /// drives it (see [`super::load`]).
    fn load(params: &Self::Params, run: &RunInfo) -> Vec<Load>;

    /// Bytes one node's state takes beyond the protocol struct itself (buffers, maps that grow
    /// with the group), for the memory estimate.
    fn node_bytes(_params: &Self::Params, _run: &RunInfo) -> u64 {
        0
    }

    /// What every node is built with, from the parameters and the group.
    fn configure(params: &Self::Params, group: &GroupInfo) -> <Self::Protocol as Protocol>::Config;

    /// What the family's epidemic model expects of one message spread from one node: the
    /// fraction of live members informed after each step, for the page's chart. `None` for
    /// families without such a model (the default).
    fn informed_model(_params: &Self::Params, _run: &RunInfo) -> Option<InformedCurve> {
        None
    }

    /// The parameter sets the page's comparison runs for this family (the default alone, unless
    /// the family has variants worth a column of their own).
    fn contenders() -> Vec<Self::Params> {
        vec![Self::Params::default()]
    }
}

/// Work that needs a family's types: [`ProtocolSpec::visit`] calls `visit::<F>` with the
/// family the scenario names.
pub trait Visit {
    /// What the work gives back.
    type Output;
    /// Does the work for family `F` with the scenario's parameters.
    fn visit<F: Family>(self, params: &F::Params) -> Self::Output;
}

/// A family's static facts, object-safe, for code that lists families.
pub trait FamilyInfo: Sync {
    /// The `kind` tag.
    fn kind(&self) -> &'static str;
    /// The picker's name.
    fn title(&self) -> &'static str;
    /// One line on what it does.
    fn summary(&self) -> &'static str;
    /// Its parameter table.
    fn params(&self) -> &'static [ParamDoc];
    /// The packet kinds it sends.
    fn packets(&self) -> &'static [PacketKind];
    /// What it draws between nodes.
    fn structure(&self) -> Structure;
    /// Whether it runs only over HyParView ([`Family::NEEDS_OVERLAY`]).
    fn needs_overlay(&self) -> bool;
    /// Its default parameters.
    fn default_spec(&self) -> ProtocolSpec;
    /// The parameter sets the comparison runs.
    fn contenders(&self) -> Vec<ProtocolSpec>;
}

/// The [`FamilyInfo`] of family `F`.
pub struct Registered<F>(PhantomData<fn() -> F>);

impl<F> Registered<F> {
    /// The entry of family `F`.
    pub const ENTRY: Registered<F> = Registered(PhantomData);
}

impl<F: Family> FamilyInfo for Registered<F> {
    fn kind(&self) -> &'static str {
        F::KIND
    }
    fn title(&self) -> &'static str {
        F::TITLE
    }
    fn summary(&self) -> &'static str {
        F::SUMMARY
    }
    fn params(&self) -> &'static [ParamDoc] {
        F::PARAMS
    }
    fn packets(&self) -> &'static [PacketKind] {
        F::PACKETS
    }
    fn structure(&self) -> Structure {
        F::STRUCTURE
    }
    fn needs_overlay(&self) -> bool {
        F::NEEDS_OVERLAY
    }
    fn default_spec(&self) -> ProtocolSpec {
        F::Params::default().into()
    }
    fn contenders(&self) -> Vec<ProtocolSpec> {
        F::contenders().into_iter().map(Into::into).collect()
    }
}

/// The registered family of kind `kind`.
pub fn family(kind: &str) -> Option<&'static dyn FamilyInfo> {
    super::FAMILIES.iter().copied().find(|f| f.kind() == kind)
}

/// Checks `params` of family `F` for `run`: the parameter table's ranges, then the family's own
/// checks.
pub fn check<F: Family>(params: &F::Params, run: &RunInfo) -> Result<(), ParamError> {
    let value = serde_json::to_value(params).unwrap_or_default();
    params::check(F::PARAMS, &value, run.size)?;
    F::check(params, run).map_err(Into::into)
}

/// Every registered family's static facts, in the page's order.
pub use super::FAMILIES;
