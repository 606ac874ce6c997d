//! The reference table against the code: every field has a row and every row a field (a),
//! leaving a field out is writing its default (b), and each range's ends are what validation
//! accepts, one step past them refused with an error naming the field (c).
//!
//! A row is probed in the minimal scenario below with the parts that enclose it copied from a
//! scenario that has every part ([`every_part`], or [`alternatives`] for a field that is one of
//! two ways to say a thing); a list entry is probed as the only entry of its list.

use super::{Bound, DefaultValue, FieldDoc, Range, FIELDS};
use crate::protocols::FAMILIES;
use crate::scenario::limits::MAX_MS;
use crate::scenario::param::number;
use crate::scenario::{Limits, Scenario, ScenarioError};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The smallest scenario: the four required fields.
const MINIMAL: &str = r#"{"version":2,"seed":1,"group":{"size":3},"protocol":{"kind":"centralized"}}"#;
/// `group.size` in [`MINIMAL`].
const SIZE: u64 = 3;

/// A scenario of three nodes with every optional part present: positions, regions by count, a
/// burst, per-node and per-link overrides, a partition, rounds, several senders with a stream,
/// one fault of each kind and a membership service.
fn every_part() -> Value {
    json!({
        "version": 2, "name": "every part", "seed": 7,
        "group": { "size": 3, "sender": 0, "layout": "ring", "positions": [[0.5, 0.5], [0.1, 0.2], [0.9, 0.8]] },
        "network": {
            "latency_ms": 3, "distance_ms": 20, "jitter_ms": 1, "loss": 0,
            "uplink_bytes_per_sec": 1_000_000, "downlink_bytes_per_sec": 2_000_000,
            "uplink_queue_bytes": 64_000, "downlink_queue_bytes": 32_000,
            "regions": { "count": 4, "lan_ms": 2, "wan_ms": 60 },
            "burst": { "p_good_to_bad": 0.02, "p_bad_to_good": 0.25, "loss_good": 0.01, "loss_bad": 0.8 },
            "nodes": [{
                "node": 1, "uplink_bytes_per_sec": 500_000, "downlink_bytes_per_sec": 400_000,
                "uplink_queue_bytes": 8000, "downlink_queue_bytes": 4000, "send_loss": 0.1, "recv_loss": 0.2
            }],
            "links": [{ "from": 1, "to": 2, "loss": 0.3 }],
            "partitions": [{ "from_ms": 100, "to_ms": 400, "a": [0], "b": [1], "one_way": true }],
            "mode": { "rounds": { "round_ms": 10 } },
            "native_multicast": true, "transport_timeout_ms": 300
        },
        "protocol": { "kind": "centralized" },
        "workload": {
            "start_ms": 5, "senders": [0, 1],
            "stream": { "rate_per_sec": 20, "packet_bytes": 500, "duration_ms": 1000, "playout_delay_ms": 80 }
        },
        "faults": [
            { "kind": "crash", "at_ms": 100, "node": 2 }, { "kind": "recover", "at_ms": 200, "node": 2 },
            { "kind": "pause", "at_ms": 100, "node": 1 }, { "kind": "resume", "at_ms": 300, "node": 1 },
            { "kind": "join", "at_ms": 150 }, { "kind": "leave", "at_ms": 250, "node": 3 },
            { "kind": "churn", "join_per_sec": 10, "leave_per_sec": 10, "from_ms": 2, "to_ms": 12 }
        ],
        "membership": { "service": "oracle", "delay_ms": 50 },
        "attackers": { "fraction": 0.3, "from_ms": 20 },
        "duration_ms": 2000
    })
}

/// [`every_part`] with regions given node by node (`of`) instead of by `count`, and without the
/// faults that add nodes (`of` names the initial members' regions only).
fn alternatives() -> Value {
    let mut v = every_part();
    v["network"]["regions"] = json!({ "of": [0, 1, 1] });
    if let Some(faults) = v["faults"].as_array_mut() {
        faults.retain(|f| f["kind"] != "join" && f["kind"] != "churn" && f["node"].as_u64().is_none_or(|n| n < 3));
    }
    // SWIM instead of the oracle, every parameter away from its default (or it is left out).
    v["membership"] = json!({
        "service": "swim", "delay_ms": 0, "period_ms": 900, "ping_timeout_ms": 150, "k": 2, "suspicion": false,
        "suspicion_periods": 4, "lambda": 2.5, "max_piggyback": 6
    });
    v
}

/// [`alternatives`] with HyParView as the membership service, every parameter away from its
/// default.
fn hyparview_part() -> Value {
    let mut v = alternatives();
    v["membership"] = json!({
        "service": "hyparview", "active_view": 4, "passive_view": 20, "arwl": 5, "prwl": 2, "ka": 2, "kp": 3,
        "shuffle_period_ms": 5000
    });
    v
}

/// `doc` parsed, validated with the native limits and written out again.
fn written(doc: &Value) -> Result<Value, ScenarioError> {
    Scenario::from_json(&doc.to_string()).map(|s| serde_json::to_value(s).expect("a scenario serialises"))
}

/// Every path in `v` as the table writes it (`faults[].at_ms`), with whether it is a leaf: not
/// an object, nor a list of objects.
fn paths(v: &Value, at: &str, out: &mut BTreeMap<String, bool>) {
    let join = |key: &str| if at.is_empty() { key.to_string() } else { format!("{at}.{key}") };
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                let path = join(key);
                match value {
                    Value::Object(_) => {
                        out.insert(path.clone(), false);
                        paths(value, &path, out);
                    }
                    Value::Array(list) if list.iter().any(Value::is_object) => {
                        out.insert(path.clone(), false);
                        for entry in list {
                            paths(entry, &format!("{path}[]"), out);
                        }
                    }
                    _ => {
                        out.entry(path).or_insert(true);
                    }
                }
            }
        }
        _ => panic!("{at}: not an object"),
    }
}

fn paths_of(v: &Value) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    paths(v, "", &mut out);
    out
}

fn row(path: &str) -> Option<&'static FieldDoc> {
    FIELDS.iter().find(|f| f.path == path)
}

/// A row set up for probing: the minimal scenario with the parts around the field filled in.
#[derive(Clone)]
struct Probe {
    /// The scenario, the field itself as in [`MINIMAL`] (usually absent).
    doc: Value,
    /// JSON pointer of the object holding the field.
    parent: String,
    /// The field's name in it.
    key: String,
    /// The field's path as an error names it (`faults[0].at_ms`).
    field: String,
    /// The field's value in the full scenario it was taken from.
    sample: Value,
}

impl Probe {
    fn new(row: &FieldDoc) -> Probe {
        let full = [every_part(), alternatives(), hyparview_part()]
            .iter()
            .map(|v| written(v).expect("the full scenarios are valid"))
            .find(|v| paths_of(v).contains_key(row.path))
            .unwrap_or_else(|| panic!("{}: in no full scenario", row.path));
        let mut doc: Value = serde_json::from_str(MINIMAL).unwrap();
        if row.path == "workload.start_ms" {
            // Its range's top is the run's end: probe it in the longest run.
            doc["duration_ms"] = json!(MAX_MS);
        }
        let steps: Vec<&str> = row.path.split('.').collect();
        let (mut ptr, mut full_ptr, mut field, mut norm) = (String::new(), String::new(), String::new(), String::new());
        for (i, step) in steps.iter().enumerate() {
            let (key, each) = step.strip_suffix("[]").map_or((*step, false), |k| (k, true));
            let dot = |s: &str| if s.is_empty() { key.to_string() } else { format!("{s}.{key}") };
            (field, norm) = (dot(&field), dot(&norm));
            if i + 1 == steps.len() {
                let sample = full.pointer(&format!("{full_ptr}/{key}")).cloned().unwrap_or(Value::Null);
                return Probe { doc, parent: ptr, key: key.to_string(), field, sample };
            }
            let (next, full_next) = (format!("{ptr}/{key}"), format!("{full_ptr}/{key}"));
            let from_full = full.pointer(&full_next).unwrap_or_else(|| panic!("{}: no {norm}", row.path));
            // A list entry: the full scenario's first entry that has the next field.
            let entry = each.then(|| {
                let list = from_full.as_array().expect("a list");
                let next_key = steps[i + 1].trim_end_matches("[]");
                list.iter().position(|e| e.get(next_key).is_some()).expect("an entry with the field")
            });
            if doc.pointer(&next).is_none() {
                let part = match (row_default(&norm), entry) {
                    (Some(DefaultValue::Parts), _) => json!({}),
                    (_, Some(k)) => json!([from_full[k]]),
                    _ => from_full.clone(),
                };
                doc.pointer_mut(&ptr).and_then(Value::as_object_mut).expect("an object").insert(key.into(), part);
            }
            (ptr, full_ptr) = (next, full_next);
            if let Some(k) = entry {
                ptr.push_str("/0");
                full_ptr.push_str(&format!("/{k}"));
                field.push_str("[0]");
                norm.push_str("[]");
            }
        }
        unreachable!("a path has a last step")
    }

    /// The scenario with the field set to `v` (or removed, for `None`).
    fn with(&self, v: Option<Value>) -> Value {
        let mut doc = self.doc.clone();
        let parent = doc.pointer_mut(&self.parent).and_then(Value::as_object_mut).expect("the parent object");
        match v {
            Some(v) => parent.insert(self.key.clone(), v),
            None => parent.remove(&self.key),
        };
        doc
    }

    /// The sibling's value, for a range bounded by another field.
    fn sibling(&self, name: &str) -> f64 {
        let v = self.with(None);
        v.pointer(&format!("{}/{name}", self.parent)).and_then(Value::as_f64).expect("the sibling is a number")
    }

    #[track_caller]
    fn accepts(&self, v: Value, limits: &Limits) {
        let doc = self.with(Some(v.clone())).to_string();
        if let Err(e) = Scenario::from_json_with(&doc, limits) {
            panic!("{} = {v}: the end of its range is refused: {e}", self.field);
        }
    }

    /// Refused with an error naming the field (or one of `others`).
    #[track_caller]
    fn refuses(&self, v: Value, limits: &Limits, others: &[String]) {
        let doc = self.with(Some(v.clone())).to_string();
        let e = match Scenario::from_json_with(&doc, limits) {
            Ok(_) => panic!("{} = {v}: past its range, accepted", self.field),
            Err(e) => e.to_string(),
        };
        let names = |f: &str| e.strip_prefix(f).is_some_and(|rest| rest.starts_with([':', '[']));
        assert!(
            names(&self.field) || others.iter().any(|o| names(o)),
            "{} = {v}: refused, but the error names another field: {e}",
            self.field
        );
    }
}

fn row_default(path: &str) -> Option<DefaultValue> {
    row(path).map(|r| r.default)
}

/// The next number up or down, for "just past" an end.
fn up(v: f64) -> f64 {
    v.next_up()
}
fn down(v: f64) -> f64 {
    v.next_down()
}
fn num(v: f64) -> Value {
    number(v).expect("a finite number")
}

#[test]
fn every_field_has_a_row_and_every_row_a_field() {
    let mut seen = BTreeMap::new();
    let full = every_part();
    for v in [full.clone(), alternatives(), hyparview_part()] {
        let v = written(&v).unwrap_or_else(|e| panic!("the full scenario is refused: {e}"));
        seen.extend(paths_of(&v));
    }
    let rows: BTreeSet<&str> = FIELDS.iter().map(|f| f.path).collect();
    assert_eq!(rows.len(), FIELDS.len(), "a path has two rows");
    let centralized: BTreeSet<&str> =
        FAMILIES.iter().find(|f| f.kind() == "centralized").unwrap().params().iter().map(|p| p.field).collect();
    for (path, leaf) in &seen {
        match path.strip_prefix("protocol.") {
            Some(param) if param != "kind" => {
                assert!(centralized.contains(param), "{path}: not a documented parameter of centralized")
            }
            _ => assert!(!leaf || rows.contains(path.as_str()), "{path}: a field with no row"),
        }
    }
    for f in FIELDS {
        assert!(seen.contains_key(f.path), "{}: a row for no field of the full scenarios", f.path);
        assert!(!f.ty.is_empty() && f.meaning.ends_with('.'), "{}: type and one sentence", f.path);
    }
    // The fault kinds the table lists are those of the full scenario's entries, one each.
    let listed = FIELDS.iter().find_map(|f| match f.range {
        Range::Tag(names) if f.path == "faults[].kind" => Some(names),
        _ => None,
    });
    let kinds: Vec<&str> = full["faults"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(listed, Some(&kinds[..]), "faults[].kind lists the kinds of the full scenario");
}

/// The protocol rows point to the families' pages instead: every family's parameters there are
/// all its fields.
#[test]
fn every_family_parameter_is_on_its_page_not_here() {
    for f in FAMILIES {
        let spec = serde_json::to_value(f.default_spec()).unwrap();
        let documented: BTreeSet<&str> = f.params().iter().map(|p| p.field).collect();
        for key in spec.as_object().unwrap().keys().filter(|k| *k != "kind") {
            assert!(documented.contains(key.as_str()), "{}: protocol.{key} is on no page", f.kind());
        }
    }
    assert!(FIELDS.iter().all(|f| !f.path.starts_with("protocol.") || f.path == "protocol.kind"));
}

#[test]
fn leaving_a_field_out_is_writing_its_default() {
    for f in FIELDS {
        let probe = Probe::new(f);
        let without = probe.with(None);
        match f.default {
            DefaultValue::Required | DefaultValue::RequiredUnless(_) => {
                let e = Scenario::from_json(&without.to_string())
                    .expect_err(&format!("{}: required, but accepted when left out", f.path));
                assert!(e.to_string().contains(&probe.key), "{}: the error does not name it: {e}", f.path);
            }
            DefaultValue::Json(_) | DefaultValue::Parts => {
                let default: Value = match f.default {
                    DefaultValue::Json(text) => serde_json::from_str(text).expect("a default is JSON"),
                    _ => json!({}),
                };
                let left_out = written(&without).unwrap_or_else(|e| panic!("{}: left out, refused: {e}", f.path));
                let given = written(&probe.with(Some(default.clone())))
                    .unwrap_or_else(|e| panic!("{} = {default}: refused: {e}", f.path));
                assert_eq!(left_out, given, "{}: leaving it out is not writing {default}", f.path);
            }
            DefaultValue::Absent(_) => {
                let left_out = written(&without).unwrap_or_else(|e| panic!("{}: left out, refused: {e}", f.path));
                let pointer = format!("{}/{}", probe.parent, probe.key);
                assert_eq!(left_out.pointer(&pointer), None, "{}: left out, but written out", f.path);
            }
        }
    }
}

#[test]
fn the_ends_of_each_range_are_accepted_and_one_step_past_them_refused() {
    let native = &Limits::NATIVE;
    for f in FIELDS {
        let p = Probe::new(f);
        let sibling = |b: &Bound| match b {
            Bound::Field(name) => {
                vec![p.field.rsplit_once('.').map_or(name.to_string(), |(at, _)| format!("{at}.{name}"))]
            }
            _ => Vec::new(),
        };
        match f.range {
            Range::Any => {}
            // Each kind has its own fields: the full scenario has one entry of each (see above).
            Range::Tag(_) => p.refuses(json!("no-such-kind"), native, &[]),
            Range::Int { min, max } => {
                p.accepts(min.into(), native);
                p.accepts(max.into(), native);
                p.refuses((max + 1).into(), native, &[]);
                p.refuses(if min == 0 { json!(-1) } else { (min - 1).into() }, native, &[]);
            }
            Range::Float { min, max } => {
                let others: Vec<String> = [sibling(&min), sibling(&max)].concat();
                match min {
                    Bound::Incl(v) => {
                        p.accepts(num(v), native);
                        p.refuses(num(down(v)), native, &others);
                    }
                    Bound::Excl(v) => {
                        p.accepts(num(up(v)), native);
                        p.refuses(num(v), native, &others);
                    }
                    Bound::Field(name) => {
                        p.accepts(num(up(p.sibling(name))), native);
                        p.refuses(num(p.sibling(name)), native, &others);
                    }
                }
                match max {
                    Bound::Incl(v) => {
                        p.accepts(num(v), native);
                        p.refuses(num(up(v)), native, &others);
                    }
                    Bound::Excl(v) => {
                        p.accepts(num(down(v)), native);
                        p.refuses(num(v), native, &others);
                    }
                    Bound::Field(name) => {
                        p.accepts(num(down(p.sibling(name))), native);
                        p.refuses(num(p.sibling(name)), native, &others);
                    }
                }
            }
            Range::Each { min, max, whole } => {
                let at_first = |v: Value| {
                    let mut list = p.sample.clone();
                    *first_number(&mut list).unwrap_or_else(|| panic!("{}: no number in {}", f.path, p.sample)) = v;
                    list
                };
                let (below, above) =
                    if whole { (json!(min as i64 - 1), num(max + 1.0)) } else { (num(down(min)), num(up(max))) };
                p.accepts(at_first(num(min)), native);
                p.accepts(at_first(num(max)), native);
                p.refuses(at_first(below), native, &[]);
                p.refuses(at_first(above), native, &[]);
            }
            Range::Node => {
                p.accepts((SIZE - 1).into(), native);
                p.refuses(SIZE.into(), native, &[]);
            }
            Range::Nodes => {
                p.accepts(json!([SIZE - 1]), native);
                p.refuses(json!([SIZE]), native, &[]);
                p.refuses(json!([]), native, &[]);
            }
            Range::Count { max } => {
                let entry = p.sample.get(0).unwrap_or_else(|| panic!("{}: no entry to repeat", f.path)).clone();
                p.accepts(Value::Array(vec![entry.clone(); max]), native);
                p.refuses(Value::Array(vec![entry; max + 1]), native, &[]);
            }
            Range::Choice(names) => {
                for name in names {
                    p.accepts(json!(name), native);
                }
                p.refuses(json!("no-such-name"), native, &[]);
            }
            Range::Kinds => {
                for family in FAMILIES {
                    if family.needs_overlay() {
                        // Without HyParView named, refused naming the service (Plumtree).
                        p.refuses(json!(family.kind()), native, &["membership.service".to_string()]);
                    } else {
                        p.accepts(json!(family.kind()), native);
                    }
                }
                p.refuses(json!("no-such-kind"), native, &[]);
            }
            Range::GroupSize => {
                for limits in [&Limits::NATIVE, &Limits::BROWSER] {
                    p.accepts(2.into(), limits);
                    p.accepts(limits.max_group.into(), limits);
                    p.refuses((limits.max_group + 1).into(), limits, &[]);
                    p.refuses(1.into(), limits, &[]);
                }
            }
        }
    }
}

/// The first number in a list, or in a list of lists.
fn first_number(v: &mut Value) -> Option<&mut Value> {
    match v {
        Value::Number(_) => Some(v),
        Value::Array(list) => list.first_mut().and_then(first_number),
        _ => None,
    }
}

#[test]
fn the_table_renders_one_line_per_row_with_each_section_in_bold() {
    let md = super::markdown();
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines.len(), FIELDS.len() + 2, "a header, a rule, one line per row");
    for section in ["group", "network", "protocol", "workload", "faults", "membership"] {
        assert!(md.contains(&format!("| **`{section}`** |")), "{section} opens in bold");
    }
    assert!(md.contains("| `network.burst.p_good_to_bad` | probability | *required* | 0 to 1 |"), "{md}");
    assert!(
        md.contains("| `duration_ms` | number (ms) | `60000` | 0.001 to 3,600,000; above `workload.start_ms` |"),
        "{md}"
    );
    assert!(md.contains("| `group.size` | whole number | *required* | 2 to 1,000,000 (20,000 in the browser)"), "{md}");
    for f in FAMILIES {
        assert!(md.contains(&format!("[`{}`](protocols/{}.md)", f.kind(), f.kind())), "{}", f.kind());
    }
}
