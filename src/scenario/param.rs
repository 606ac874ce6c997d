//! Setting one scenario field by its dotted path, for parameter sweeps (`mcast sweep`).
//!
//! The scenario goes through [`serde_json::Value`], so any field works without a list of
//! sweepable fields to keep up to date: the value is put at the path, then the result is parsed
//! and validated like a scenario file, and any error names the field.

use super::{Scenario, ScenarioError};
use serde_json::{Number, Value};

/// One step of a dotted path: a field name or an index into a list.
enum Step<'a> {
    Field(&'a str),
    Index(usize),
}

/// Splits `faults[0].at_ms` into `faults`, `[0]`, `at_ms`.
fn steps(path: &str) -> Result<Vec<Step<'_>>, ScenarioError> {
    let bad = |why: &str| ScenarioError::invalid(path, format!("not a field path: {why}"));
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.find('[').and_then(|i| part.split_at_checked(i)).unwrap_or((part, ""));
        if name.is_empty() {
            return Err(bad("empty field name (write `group.size`, `faults[0].at_ms`)"));
        }
        out.push(Step::Field(name));
        while !rest.is_empty() {
            // `rest` starts with `[` here: where `name` ends, or checked below.
            let (index, after) =
                rest.strip_prefix('[').and_then(|r| r.split_once(']')).ok_or_else(|| bad("missing `]`"))?;
            out.push(Step::Index(index.parse().map_err(|_| bad("an index must be a whole number"))?));
            rest = after;
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(bad("unexpected text after `]`"));
            }
        }
    }
    Ok(out)
}

/// `v` as a JSON number: an integer when it is a whole number (so integer fields accept it).
pub fn number(v: f64) -> Option<Value> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if v.fract() == 0.0 && v.abs() < EXACT {
        Some(if v < 0.0 { Value::from(v as i64) } else { Value::from(v as u64) })
    } else {
        Number::from_f64(v).map(Value::Number)
    }
}

impl Scenario {
    /// A copy of this scenario with the field at dotted `path` (e.g. `network.loss`,
    /// `protocol.ack_timeout_ms`, `faults[0].at_ms`) set to `value`, parsed and validated against
    /// the native limits. The field must exist in the scenario as written out (every field with a
    /// default does); errors name the field.
    pub fn with_param(&self, path: &str, value: &Value) -> Result<Scenario, ScenarioError> {
        let mut root = serde_json::to_value(self)
            .map_err(|e| ScenarioError::Json { path: "scenario".into(), message: e.to_string() })?;
        let steps = steps(path)?;
        let mut at = &mut root;
        // The path walked so far, to say where it went wrong.
        let mut walked = String::new();
        for step in &steps {
            let parent = if walked.is_empty() { "the scenario".to_string() } else { format!("`{walked}`") };
            at = match (step, at) {
                (Step::Field(f), Value::Object(map)) => {
                    walked = if walked.is_empty() { f.to_string() } else { format!("{walked}.{f}") };
                    let known = map.keys().map(String::as_str).collect::<Vec<_>>().join(", ");
                    map.get_mut(*f).ok_or_else(|| {
                        ScenarioError::invalid(path, format!("{parent} has no field `{f}` (it has: {known})"))
                    })?
                }
                (Step::Index(k), Value::Array(list)) => {
                    walked = format!("{walked}[{k}]");
                    let len = list.len();
                    list.get_mut(*k).ok_or_else(|| {
                        ScenarioError::invalid(path, format!("{parent} has no entry {k} (it has {len})"))
                    })?
                }
                (Step::Field(f), _) => {
                    return Err(ScenarioError::invalid(path, format!("{parent} is not an object: no field `{f}`")))
                }
                (Step::Index(k), _) => {
                    return Err(ScenarioError::invalid(path, format!("{parent} is not a list: no entry {k}")))
                }
            };
        }
        *at = value.clone();
        Scenario::from_json(&root.to_string()).map_err(|e| match e {
            // The position is in JSON the user never wrote: leave it out. Only the field at
            // `path` changed, so an error on an enclosing object (serde loses the field inside a
            // tagged enum such as `protocol`) is about it.
            ScenarioError::Json { path: at, message } => {
                let message = message.rsplit_once(" at line ").map_or(message.clone(), |m| m.0.to_string());
                let inside = path.strip_prefix(at.as_str()).is_some_and(|below| below.starts_with(['.', '[']));
                ScenarioError::Json { path: if inside { path.to_string() } else { at }, message }
            }
            other => other,
        })
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn base() -> Scenario {
        Scenario::default_playground()
    }

    #[test]
    fn sets_numbers_anywhere() {
        let s = base().with_param("network.loss", &number(0.25).unwrap()).unwrap();
        assert_eq!(s.network.loss, 0.25);
        let s = base().with_param("group.size", &number(1000.0).unwrap()).unwrap();
        assert_eq!(s.group.size, 1000);
        // A whole number goes into a float field too.
        let s = base().with_param("protocol.ack_timeout_ms", &number(300.0).unwrap()).unwrap();
        assert_eq!(s, Scenario { protocol: s.protocol.clone(), ..base() });
        assert_eq!(s.to_json_pretty().matches("300").count(), 2, "300 nodes and 300 ms");
        let mut crash = base();
        crash.faults.push(crate::scenario::FaultSpec::Crash { at_ms: 5.0, node: 3 });
        let s = crash.with_param("faults[0].at_ms", &number(7.5).unwrap()).unwrap();
        assert_eq!(s.faults[0], crate::scenario::FaultSpec::Crash { at_ms: 7.5, node: 3 });
        let s = base().with_param("group.layout", &Value::from("ring")).unwrap();
        assert_eq!(s.group.layout, crate::scenario::Layout::Ring);
    }

    #[test]
    fn errors_name_the_field() {
        let err = |path: &str, v: Value| base().with_param(path, &v).unwrap_err().to_string();
        let e = err("network.loss", number(1.5).unwrap());
        assert!(e.starts_with("network.loss: must be a probability"), "{e}");
        let e = err("group.size", number(10.5).unwrap());
        assert_eq!(e, "group.size: invalid type: floating point `10.5`, expected u32");
        let e = err("group.size", number(-3.0).unwrap());
        assert!(e.starts_with("group.size:"), "{e}");
        let e = err("group.sise", number(10.0).unwrap());
        assert!(e.starts_with("group.sise: `group` has no field `sise` (it has: ") && e.contains("size"), "{e}");
        let e = err("nework.loss", number(0.1).unwrap());
        assert!(e.starts_with("nework.loss: the scenario has no field `nework`"), "{e}");
        let e = err("faults[0].at_ms", number(1.0).unwrap());
        assert_eq!(e, "faults[0].at_ms: `faults` has no entry 0 (it has 0)");
        let e = err("seed.x", number(1.0).unwrap());
        assert_eq!(e, "seed.x: `seed` is not an object: no field `x`");
        for bad in ["", "group..size", "faults[x].at_ms", "faults[0", "faults[0]x"] {
            let e = err(bad, number(1.0).unwrap());
            assert!(e.contains("not a field path"), "{bad}: {e}");
        }
    }

    #[test]
    fn whole_numbers_become_integers() {
        assert_eq!(number(3.0), Some(Value::from(3u64)));
        assert_eq!(number(-3.0), Some(Value::from(-3i64)));
        assert_eq!(number(0.5), Some(Value::from(0.5)));
        assert_eq!(number(f64::NAN), None);
        assert_eq!(number(1e300), Some(Value::from(1e300)));
    }
}
