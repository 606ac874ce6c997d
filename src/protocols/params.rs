//! Parameter tables: each family describes its parameters once ([`ParamDoc`]: name, label,
//! values, unit, meaning, source), and that table drives validation ([`check`]), the page's
//! editor and the generated docs.

use crate::protocol::NodeId;
use crate::text::count;
use serde_json::Value;

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
    /// A list of distinct initial members' ids, at most `max_len` of them.
    Nodes {
        /// The longest list accepted.
        max_len: usize,
    },
}

/// One protocol parameter, as the page edits it and the docs describe it. Its default is the
/// value in the parameters' `Default`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamDoc {
    /// The field's name under `protocol` (`ack_timeout_ms`).
    pub field: &'static str,
    /// A short label for the editor.
    pub label: &'static str,
    /// Its values.
    pub kind: ParamKind,
    /// Its unit (`ms`, `bytes`, `bytes/s`, `fraction`), or empty.
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

/// A parameter (or another scenario field) a family refuses, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ParamError {
    /// The dotted path of the field in the scenario (`protocol.fanout`, `workload.senders`).
    pub field: String,
    /// What is wrong and what is allowed.
    pub reason: String,
}

impl ParamError {
    /// Parameter `field` of the protocol (`protocol.<field>`) refused for `reason`.
    pub fn param(field: &str, reason: impl Into<String>) -> ParamError {
        ParamError { field: format!("protocol.{field}"), reason: reason.into() }
    }
}

impl ParamDoc {
    /// The accepted values in words, for the docs' "range" column.
    pub fn range(&self) -> String {
        match self.kind {
            ParamKind::Bool => String::new(),
            ParamKind::Int { min, max } => format!("{} to {}", count(min), count(max)),
            ParamKind::Float { min, max } => format!("{} to {}", grouped_f(min), grouped_f(max)),
            ParamKind::Choice(names) => names.join(", "),
            ParamKind::Nodes { max_len } => format!("up to {max_len} distinct initial members"),
        }
    }

    /// Checks `value` (the field as the scenario holds it) against the table; `size` is the
    /// group's initial size, for node lists.
    pub fn check(&self, value: &Value, size: u32) -> Result<(), ParamError> {
        let bad = |reason: String| Err(ParamError::param(self.field, reason));
        match self.kind {
            ParamKind::Bool => Ok(()),
            ParamKind::Int { min, max } => match value.as_u64() {
                Some(v) if (min..=max).contains(&v) => Ok(()),
                _ => {
                    let per = if self.unit == "bytes/s" { " bytes per second" } else { "" };
                    bad(format!("must be from {min} to {max}{per}, got {}", shown(value)))
                }
            },
            ParamKind::Float { min, max } => match value.as_f64() {
                Some(v) if v.is_finite() && (min..=max).contains(&v) => Ok(()),
                _ => {
                    let what = match self.unit {
                        "ms" => "a number of milliseconds",
                        "fraction" => "a fraction",
                        _ => "a number",
                    };
                    bad(format!("must be {what} in [{min}, {max}], got {}", shown(value)))
                }
            },
            ParamKind::Choice(names) => match value.as_str() {
                Some(v) if names.contains(&v) => Ok(()),
                _ => bad(format!("must be one of {}, got {value}", names.join(", "))),
            },
            ParamKind::Nodes { max_len } => check_nodes(self.field, value, max_len, size),
        }
    }
}

/// A value as an error repeats it: whole numbers as written, others as Rust prints an `f64`
/// (`0.5`, `1e300`). A parameter that is NaN or infinite serialises as JSON's `null`.
fn shown(value: &Value) -> String {
    match value {
        Value::Null => "NaN or an infinity".to_string(),
        Value::Number(n) if n.is_u64() || n.is_i64() => n.to_string(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |x| x.to_string()),
        v => v.to_string(),
    }
}

fn check_nodes(field: &str, value: &Value, max_len: usize, size: u32) -> Result<(), ParamError> {
    let list = value.as_array().map(Vec::as_slice).unwrap_or_default();
    if list.len() > max_len {
        return Err(ParamError::param(field, format!("at most {max_len} nodes, got {}", list.len())));
    }
    let ids: Vec<Option<u64>> = list.iter().map(Value::as_u64).collect();
    for (i, id) in ids.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let Some(d) = *id else {
            return Err(ParamError::param(&at, "must be a node id"));
        };
        if ids[..i].contains(id) {
            return Err(ParamError::param(&at, format!("node {d} is named twice")));
        }
        if d >= u64::from(size) {
            let last = size.saturating_sub(1);
            return Err(ParamError::param(&at, format!("node {d} is not an initial member (they are 0 to {last})")));
        }
    }
    Ok(())
}

/// Checks every parameter of `params` (serialised) against `table`; the first error names its
/// field under `protocol`.
pub fn check(table: &[ParamDoc], params: &Value, size: u32) -> Result<(), ParamError> {
    for doc in table {
        doc.check(params.get(doc.field).unwrap_or(&Value::Null), size)?;
    }
    Ok(())
}

/// The ids a `Nodes` parameter holds (for a family's own checks).
pub fn node_ids(value: &Value) -> Vec<NodeId> {
    value.as_array().map_or(Vec::new(), |l| l.iter().filter_map(Value::as_u64).map(|v| v as NodeId).collect())
}

fn grouped_f(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        count(v as u64)
    } else {
        v.to_string()
    }
}
