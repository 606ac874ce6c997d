//! The protocols, one file (or folder) per family. Each is a sans-IO
//! [`crate::protocol::Protocol`] with a configuration struct under the scenario's `protocol`
//! object, range-checked by its `validate`, and described field by field by a [`ParamDoc`] list
//! that the page turns into its parameter editor and docs/protocols/ into its tables.

pub mod blocks;
pub mod centralized;
pub mod rmtp;
pub mod srm;
pub mod tree;

/// What values a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamKind {
    /// `true` or `false`.
    Bool,
    /// A whole number in `[min, max]`.
    Int {
        /// Smallest accepted value.
        min: u64,
        /// Largest accepted value.
        max: u64,
    },
    /// A number in `[min, max]`.
    Float {
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
    },
    /// One of a few names.
    Choice(&'static [&'static str]),
}

/// One protocol parameter, as the page edits it and docs/protocols/ documents it. Its default is the
/// value in the configuration's `Default`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamDoc {
    /// The field's name under `protocol` (`ack_timeout_ms`).
    pub field: &'static str,
    /// A short label for the editor.
    pub label: &'static str,
    /// Its values.
    pub kind: ParamKind,
    /// Its unit (`ms`, `bytes`), or empty.
    pub unit: &'static str,
    /// Where it comes from: the paper and section, or the RFC, or "this playground".
    pub source: &'static str,
    /// One sentence: what it changes.
    pub help: &'static str,
}

/// The `header_bytes` parameter every protocol has: the per-packet header added to the payload.
pub const HEADER_BYTES: ParamDoc = ParamDoc {
    field: "header_bytes",
    label: "header",
    kind: ParamKind::Int { min: 1, max: 65_535 },
    unit: "bytes",
    source: "this playground",
    help: "per-packet header added to the payload",
};
