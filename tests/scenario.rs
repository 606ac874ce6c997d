//! Untrusted input: scenario files and share links. Every refusal names the field at fault, and
//! nothing, however damaged, makes the decoder panic.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use mcast::protocols::centralized::CentralizedConfig;
use mcast::rng::{stream, Stream};
use mcast::scenario::link::{self, MAX_JSON_BYTES};
use mcast::scenario::{FaultSpec, Limits, ProtocolSpec, Scenario, ScenarioError};
use rand::Rng;
use serde_json::{json, Value};

fn base_json() -> Value {
    let path = format!("{}/scenarios/centralized-acks.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn base() -> Scenario {
    Scenario::from_json(&base_json().to_string()).expect("the shipped scenario is valid")
}

/// `base_json()` with the value at JSON pointer `ptr` replaced (or removed, for `None`).
fn with(ptr: &str, v: Option<Value>) -> String {
    let mut doc = base_json();
    let (parent, key) = ptr.rsplit_once('/').unwrap();
    let parent = doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}"));
    match (parent, v) {
        (Value::Object(o), Some(v)) => {
            o.insert(key.to_string(), v);
        }
        (Value::Object(o), None) => {
            o.remove(key);
        }
        (Value::Array(a), Some(v)) => a[key.parse::<usize>().unwrap()] = v,
        (p, _) => panic!("cannot edit {ptr} in {p}"),
    }
    doc.to_string()
}

#[track_caller]
fn refused(text: &str, limits: &Limits, field: &str) -> String {
    let err = Scenario::from_json_with(text, limits).expect_err(&format!("accepted, expected an error on {field}"));
    let msg = err.to_string();
    assert!(msg.starts_with(field), "error should start with `{field}`: {msg}");
    assert!(!msg.contains('\n'), "error is more than one line: {msg}");
    assert!(msg.len() > field.len() + 2, "error says nothing past the field: {msg}");
    msg
}

#[track_caller]
fn refused_value(s: &Scenario, field: &str) -> String {
    let err = s.validate(&Limits::NATIVE).expect_err(&format!("accepted, expected an error on {field}"));
    assert!(matches!(err, ScenarioError::Invalid { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{field}: ")), "error should start with `{field}: `: {msg}");
    msg
}

#[test]
fn the_shipped_scenarios_are_valid() {
    for name in ["centralized.json", "centralized-acks.json"] {
        let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        Scenario::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        Scenario::from_json_with(&text, &Limits::BROWSER).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    Scenario::default_playground().validate(&Limits::BROWSER).unwrap();
}

#[test]
fn group_size_out_of_range() {
    let n = &Limits::NATIVE;
    let msg = refused(&with("/group/size", Some(json!(2_000_000))), n, "group.size");
    assert!(msg.contains("2000000"), "{msg}");
    refused(&with("/group/size", Some(json!(0))), n, "group.size");
    // The sender is node 0; a group of one has no receivers.
    refused(&with("/group/size", Some(json!(1))), n, "group.size");
    // The edges are accepted.
    Scenario::from_json(&with("/group/size", Some(json!(1_000_000)))).unwrap();
    Scenario::from_json(&with("/group/size", Some(json!(2)))).map(|_| ()).unwrap_or_else(|e| {
        // A group of 2 with a fault on node 42 is refused for the fault, not for the size.
        assert!(e.to_string().starts_with("faults[0].node"), "{e}");
    });
}

#[test]
fn browser_limit_points_to_the_cli() {
    let text = with("/group/size", Some(json!(20_001)));
    let msg = refused(&text, &Limits::BROWSER, "group.size");
    assert!(msg.contains("CLI") && msg.contains("mcast run"), "{msg}");
    // The same file runs natively.
    Scenario::from_json(&text).unwrap();
    Scenario::from_json_with(&with("/group/size", Some(json!(20_000))), &Limits::BROWSER).unwrap();
}

#[test]
fn sender_out_of_range() {
    let msg = refused(&with("/group/sender", Some(json!(300))), &Limits::NATIVE, "group.sender");
    assert!(msg.contains("299"), "{msg}");
    Scenario::from_json(&with("/group/sender", Some(json!(299)))).unwrap();
}

#[test]
fn loss_out_of_range() {
    for bad in [json!(1.5), json!(-0.1), json!(1.0000001)] {
        refused(&with("/network/loss", Some(bad)), &Limits::NATIVE, "network.loss");
    }
    for ok in [json!(0), json!(1), json!(0.999)] {
        Scenario::from_json(&with("/network/loss", Some(ok))).unwrap();
    }
    // JSON cannot carry NaN or infinity: build them directly.
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut s = base();
        s.network.loss = bad;
        refused_value(&s, "network.loss");
    }
}

#[test]
fn latency_out_of_range() {
    refused(&with("/network/latency_ms", Some(json!(-1))), &Limits::NATIVE, "network.latency_ms");
    refused(&with("/network/latency_ms", Some(json!(1e300))), &Limits::NATIVE, "network.latency_ms");
    // Too big for an f64: serde refuses it, still naming the field.
    refused(
        &with("/network/latency_ms", Some(json!(0))).replace("\"latency_ms\":0", "\"latency_ms\":1e400"),
        &Limits::NATIVE,
        "network.latency_ms",
    );
    for bad in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -0.001] {
        let mut s = base();
        s.network.latency_ms = bad;
        refused_value(&s, "network.latency_ms");
    }
    let mut s = base();
    s.network.jitter_ms = f64::INFINITY;
    refused_value(&s, "network.jitter_ms");
    let mut s = base();
    s.network.distance_ms = -3.0;
    refused_value(&s, "network.distance_ms");
}

#[test]
fn workload_out_of_range() {
    refused(&with("/workload/messages", Some(json!(0))), &Limits::NATIVE, "workload.messages");
    refused(&with("/workload/messages", Some(json!(100_001))), &Limits::NATIVE, "workload.messages");
    refused(&with("/workload/size_bytes", Some(json!(0))), &Limits::NATIVE, "workload.size_bytes");
    refused(&with("/workload/interval_ms", Some(json!(-5))), &Limits::NATIVE, "workload.interval_ms");
    refused(&with("/duration_ms", Some(json!(0))), &Limits::NATIVE, "duration_ms");
}

#[test]
fn version_must_be_one_or_two() {
    for v in [0, 3, 99, u64::from(u32::MAX)] {
        let msg = refused(&with("/version", Some(json!(v))), &Limits::NATIVE, "version");
        assert!(msg.contains(&v.to_string()), "{msg}");
    }
    for v in [1, 2] {
        let s = Scenario::from_json(&with("/version", Some(json!(v)))).unwrap();
        assert_eq!(s.version, 2, "version {v} is read as version 2");
    }
}

#[test]
fn seed_must_fit_javascript() {
    let msg = refused(&with("/seed", Some(json!(1u64 << 53))), &Limits::NATIVE, "seed");
    assert!(msg.contains("9007199254740991"), "{msg}");
    refused(&with("/seed", Some(json!(u64::MAX))), &Limits::NATIVE, "seed");
    Scenario::from_json(&with("/seed", Some(json!((1u64 << 53) - 1)))).unwrap();
    refused(&with("/seed", Some(json!(-1))), &Limits::NATIVE, "seed");
}

#[test]
fn fault_node_out_of_range() {
    let text = with("/faults/0", Some(json!({ "kind": "crash", "at_ms": 20, "node": 300 })));
    let msg = refused(&text, &Limits::NATIVE, "faults[0].node");
    assert!(msg.contains("300"), "{msg}");
    let mut s = base();
    s.faults.push(FaultSpec::Crash { at_ms: 1.0, node: 1000 });
    refused_value(&s, "faults[1].node");
    let mut s = base();
    s.faults[0] = FaultSpec::Crash { at_ms: f64::NAN, node: 1 };
    refused_value(&s, "faults[0].at_ms");
    // An unknown fault kind names the fault.
    refused(&with("/faults/0", Some(json!({ "kind": "explode", "node": 1 }))), &Limits::NATIVE, "faults[0]");
}

#[test]
fn protocol_parameters_out_of_range() {
    refused(&with("/protocol/ack_timeout_ms", Some(json!(0))), &Limits::NATIVE, "protocol.ack_timeout_ms");
    refused(&with("/protocol/max_retries", Some(json!(31))), &Limits::NATIVE, "protocol.max_retries");
    refused(&with("/protocol/ack_bytes", Some(json!(0))), &Limits::NATIVE, "protocol.ack_bytes");
    refused(&with("/protocol/header_bytes", Some(json!(70_000))), &Limits::NATIVE, "protocol.header_bytes");
    let mut s = base();
    s.protocol =
        ProtocolSpec::Centralized(CentralizedConfig { ack_timeout_ms: f64::NAN, ..CentralizedConfig::default() });
    refused_value(&s, "protocol.ack_timeout_ms");
    // An unknown protocol names the protocol.
    refused(&with("/protocol/kind", Some(json!("telepathy"))), &Limits::NATIVE, "protocol");
}

#[test]
fn unknown_field_names_its_parent() {
    let msg = refused(&with("/network/los", Some(json!(0.1))), &Limits::NATIVE, "network");
    assert!(msg.contains("los"), "{msg}");
    let msg = refused(&with("/group/sise", Some(json!(10))), &Limits::NATIVE, "group");
    assert!(msg.contains("sise"), "{msg}");
    refused(&with("/protocol/reliabel", Some(json!(true))), &Limits::NATIVE, "protocol");
    refused(&with("/colour", Some(json!("red"))), &Limits::NATIVE, "colour");
}

#[test]
fn missing_field_names_its_parent() {
    let msg = refused(&with("/group/size", None), &Limits::NATIVE, "group");
    assert!(msg.contains("size"), "{msg}");
    let msg = refused(&with("/seed", None), &Limits::NATIVE, "scenario");
    assert!(msg.contains("seed"), "{msg}");
    refused(&with("/protocol/kind", None), &Limits::NATIVE, "protocol");
}

#[test]
fn wrong_type_names_the_field() {
    let msg = refused(&with("/group/size", Some(json!("ten"))), &Limits::NATIVE, "group.size");
    assert!(msg.contains("string"), "{msg}");
    refused(&with("/network/loss", Some(json!("5%"))), &Limits::NATIVE, "network.loss");
    refused(&with("/group/size", Some(json!(-4))), &Limits::NATIVE, "group.size");
    refused(&with("/group/size", Some(json!(2.5))), &Limits::NATIVE, "group.size");
    refused(&with("/protocol/reliable", Some(json!("yes"))), &Limits::NATIVE, "protocol");
    refused(&with("/faults", Some(json!({}))), &Limits::NATIVE, "faults");
    refused(&with("/group/positions", Some(json!([[0.5]]))), &Limits::NATIVE, "group.positions");
}

#[test]
fn malformed_json_is_refused() {
    let good = base_json().to_string();
    for text in [
        String::new(),
        "{".to_string(),
        "not json".to_string(),
        "[]".to_string(),
        "null".to_string(),
        "{\"version\": 1".to_string(),
        good[..good.len() / 2].to_string(),
        good.replace(':', "="),
        good.replace('}', ")"),
    ] {
        let err = Scenario::from_json(&text).expect_err(&format!("accepted {text:?}"));
        assert!(matches!(err, ScenarioError::Json { .. }), "{text:?}: {err:?}");
        let msg = err.to_string();
        assert!(!msg.contains('\n'), "{msg}");
        assert!(msg.contains(" at line "), "{text:?}: no position in {msg}");
    }
    // Whole-document errors name the scenario.
    refused("[]", &Limits::NATIVE, "scenario");
    refused("", &Limits::NATIVE, "scenario");
    refused("null", &Limits::NATIVE, "scenario");
    refused("not json", &Limits::NATIVE, "scenario");
    // A syntax error inside a field names the field.
    refused("{\"group\": {\"size\": ", &Limits::NATIVE, "group.size");
}

#[test]
fn trailing_text_after_the_scenario_is_refused() {
    let good = base_json().to_string();
    for text in [format!("{good} trailing"), format!("{good}{good}"), format!("{good},"), format!("{good}]")] {
        refused(&text, &Limits::NATIVE, "scenario");
    }
}

#[test]
fn syntax_errors_inside_an_object_name_the_object() {
    // An object cut off after a complete value: the path ends in serde_path_to_error's `?`.
    for (text, field) in [
        ("{", "scenario: "),
        ("{\"version\": 1", "scenario: "),
        ("{\"version\": 1,", "scenario: "),
        ("{\"group\": {\"size\": 3", "group: "),
    ] {
        let msg = Scenario::from_json(text).unwrap_err().to_string();
        assert!(!msg.contains('?'), "{text:?}: {msg}");
        assert!(msg.starts_with(field), "{text:?}: {msg}");
    }
}

#[test]
fn positions_are_checked() {
    let mut s = base();
    s.group.size = 3;
    s.faults.clear();
    s.group.positions = Some(vec![[0.0, 0.0], [1.0, 1.0]]);
    refused_value(&s, "group.positions");
    s.group.positions = Some(vec![[0.0, 0.0], [1.0, 1.0], [0.5, 1.5]]);
    refused_value(&s, "group.positions[2]");
    s.group.positions = Some(vec![[f64::NAN, 0.0], [1.0, 1.0], [0.5, 0.5]]);
    refused_value(&s, "group.positions[0]");
    s.group.positions = Some(vec![[0.0, 0.0], [1.0, 1.0], [0.5, 0.5]]);
    s.validate(&Limits::NATIVE).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Share links
// ---------------------------------------------------------------------------------------------

/// A link carrying `json` verbatim, as a hand-made or tampered link would.
fn link_of(json: &str) -> String {
    format!("v1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6)))
}

#[track_caller]
fn link_refused(fragment: &str) -> ScenarioError {
    let err = link::decode(fragment, &Limits::BROWSER).expect_err(&format!("accepted link {fragment:?}"));
    assert!(!err.to_string().contains('\n'), "{err}");
    err
}

#[test]
fn link_of_valid_json_decodes() {
    let s = base();
    assert_eq!(link::decode(&link_of(&base_json().to_string()), &Limits::BROWSER).unwrap(), s);
}

#[test]
fn damaged_links_are_refused() {
    let mut r = stream(5, Stream::Workload);
    let alphabet: Vec<char> = ('a'..='z').chain('A'..='Z').chain('0'..='9').chain(['-', '_']).collect();
    for len in [0usize, 1, 2, 3, 5, 17, 64, 300] {
        let body: String = (0..len).map(|_| alphabet[r.random_range(0..alphabet.len())]).collect();
        let err = link_refused(&format!("v1.{body}"));
        assert!(matches!(err, ScenarioError::Link(_)) || matches!(err, ScenarioError::Json { .. }), "{body}: {err:?}");
    }
    // Not base64 at all.
    let msg = link_refused("v1.!!!***").to_string();
    assert!(msg.starts_with("share link:") && msg.contains("damaged"), "{msg}");
    // Valid base64 of something that is not deflate.
    let msg = link_refused(&format!("v1.{}", URL_SAFE_NO_PAD.encode(b"hello, world"))).to_string();
    assert!(msg.contains("damaged"), "{msg}");
    // Deflate of bytes that are not UTF-8.
    let bytes = miniz_oxide::deflate::compress_to_vec(&[0xff, 0xfe, 0x00, 0x80], 6);
    let msg = link_refused(&format!("v1.{}", URL_SAFE_NO_PAD.encode(bytes))).to_string();
    assert!(msg.contains("UTF-8"), "{msg}");
    // A good link cut short.
    let good = link::encode(&base());
    link_refused(&good[..good.len() - 5]);
    link_refused(&good[..good.len() / 2]);
}

#[test]
fn empty_and_foreign_links_are_refused() {
    for text in ["", "#", "   ", "s=", "#s=", "hello", "https://example.com", "v1"] {
        let err = link_refused(text);
        assert!(matches!(err, ScenarioError::Link(_)), "{text:?}: {err:?}");
        assert!(err.to_string().contains("v1."), "{text:?}: {err}");
    }
}

#[test]
fn links_from_another_version_say_so() {
    for (text, version) in [("v0.abc", "v0"), ("v2.eNpLTEoGAAJNASc", "v2"), ("#v17.x", "v17")] {
        let msg = link_refused(text).to_string();
        assert!(msg.contains("another version"), "{text}: {msg}");
        assert!(msg.contains(version), "{text}: {msg}");
    }
}

#[test]
fn link_with_valid_json_but_bad_value_names_the_field() {
    let msg = link_refused(&link_of(&with("/network/loss", Some(json!(2.0))))).to_string();
    assert!(msg.starts_with("network.loss"), "{msg}");
    let msg = link_refused(&link_of(&with("/group/size", Some(json!(50_000))))).to_string();
    assert!(msg.starts_with("group.size") && msg.contains("CLI"), "{msg}");
    let msg = link_refused(&link_of(&with("/network/los", Some(json!(0.1))))).to_string();
    assert!(msg.starts_with("network"), "{msg}");
    let msg = link_refused(&link_of("null")).to_string();
    assert!(msg.starts_with("scenario"), "{msg}");
    let msg = link_refused(&link_of(&with("/seed", Some(json!(1u64 << 53))))).to_string();
    assert!(msg.starts_with("seed"), "{msg}");
}

#[test]
fn oversized_links_are_refused_without_inflating_everything() {
    // A deflate bomb: a few kilobytes that would inflate past the 4 MiB cap.
    let mut s = base();
    s.name = "a".repeat(MAX_JSON_BYTES + 1);
    let bomb = link::encode(&s);
    assert!(bomb.len() < 100_000, "bomb is {} chars", bomb.len());
    link_refused(&bomb);
    // Just under the cap it still decodes.
    s.name = "a".repeat(MAX_JSON_BYTES - 10_000);
    assert_eq!(link::decode(&link::encode(&s), &Limits::BROWSER).unwrap(), s);
    // A link longer than any page would make.
    let long = format!("v1.{}", "A".repeat(9 << 20));
    assert!(link_refused(&long).to_string().contains("too long"));
}

/// Decodes `text`, failing the test with the input if the decoder panics.
fn decode_must_not_panic(text: &str, what: &str) {
    let r = std::panic::catch_unwind(|| link::decode(text, &Limits::BROWSER));
    assert!(r.is_ok(), "link::decode panicked on {what}: {text:?}");
}

#[test]
fn random_strings_never_panic_the_decoder() {
    let mut r = stream(99, Stream::Workload);
    for i in 0..20_000u32 {
        let len = r.random_range(0..200usize);
        let bytes: Vec<u8> = (0..len).map(|_| r.random()).collect();
        let text = String::from_utf8_lossy(&bytes);
        // Half of them get the right prefix so they reach base64 and deflate.
        let text = if i % 2 == 0 { format!("v1.{text}") } else { text.into_owned() };
        decode_must_not_panic(&text, &format!("random string {i}"));
    }
}

#[test]
fn mutated_links_never_panic_the_decoder() {
    let alphabet: Vec<u8> =
        (b'a'..=b'z').chain(b'A'..=b'Z').chain(b'0'..=b'9').chain([b'-', b'_', b'.', b'=', b'+', b'/']).collect();
    let mut originals = vec![link::encode(&base()), link::encode(&Scenario::default_playground())];
    let mut s = base();
    s.group.size = 6;
    s.faults.clear();
    s.group.positions = Some(vec![[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8], [0.9, 1.0], [0.0, 0.0]]);
    originals.push(link::encode(&s));
    let mut r = stream(2024, Stream::Workload);
    let mut accepted = 0;
    for i in 0..20_000u32 {
        let mut t: Vec<u8> = originals[i as usize % originals.len()].clone().into_bytes();
        for _ in 0..r.random_range(1..4) {
            if t.len() <= 4 {
                break;
            }
            let at = r.random_range(3..t.len());
            match r.random_range(0..4) {
                0 => t[at] = alphabet[r.random_range(0..alphabet.len())],
                1 => {
                    t.remove(at);
                }
                2 => t.insert(at, alphabet[r.random_range(0..alphabet.len())]),
                _ => t.truncate(at),
            }
        }
        let text = String::from_utf8(t).expect("ASCII mutations stay UTF-8");
        decode_must_not_panic(&text, &format!("mutation {i}"));
        if let Ok(sc) = link::decode(&text, &Limits::BROWSER) {
            // Whatever a mutated link decodes to passed validation, so it must also build.
            sc.validate(&Limits::BROWSER).unwrap();
            mcast::engine::build(&sc).unwrap_or_else(|e| panic!("mutation {i}: decoded but does not build: {e}"));
            accepted += 1;
        }
    }
    // Deflate has no checksum over the data in raw mode, but random damage should rarely yield
    // a valid scenario.
    assert!(accepted < 2_000, "{accepted} of 20000 mutated links decoded");
}

/// Every protocol's parameter docs match its configuration: each documented field exists with
/// its default inside the documented range, the range's ends are accepted, and one step past
/// them is refused with an error naming the field (what the page's editor relies on).
#[test]
fn every_protocol_parameter_doc_matches_validation() {
    use mcast::protocols::ParamKind;
    use mcast::scenario::ProtocolSpec;
    use serde_json::Value;
    for kind in ProtocolSpec::kinds() {
        let spec = ProtocolSpec::default_of(kind).expect("every listed kind has a default");
        assert_eq!(spec.kind(), kind);
        assert_eq!(serde_json::to_value(&spec).unwrap()["kind"], kind, "the registry's kind is the tag");
        let defaults = serde_json::to_value(&spec).unwrap();
        let mut base = Scenario { protocol: spec.clone(), ..Scenario::default_playground() };
        if spec.info().needs_overlay() {
            base.membership.service = mcast::scenario::Service::Hyparview;
        }
        base.validate(&Limits::NATIVE).unwrap_or_else(|e| panic!("{kind}: default invalid: {e}"));
        assert!(!spec.params().is_empty(), "{kind} documents its parameters");
        for doc in spec.params() {
            let path = format!("protocol.{}", doc.field);
            let default = defaults.get(doc.field).unwrap_or_else(|| panic!("{kind}: no field {}", doc.field));
            assert!(!doc.source.is_empty() && !doc.help.is_empty(), "{path}: source and help");
            let (ok, bad): (Vec<Value>, Vec<Value>) = match doc.kind {
                ParamKind::Bool => {
                    assert!(default.is_boolean(), "{path}");
                    (vec![true.into(), false.into()], vec!["yes".into()])
                }
                ParamKind::Int { min, max } => {
                    let d = default.as_u64().unwrap_or_else(|| panic!("{path}: default {default}"));
                    assert!((min..=max).contains(&d), "{path}: default {d} outside [{min}, {max}]");
                    let mut bad = vec![Value::from(max + 1)];
                    if min > 0 {
                        bad.push(Value::from(min - 1));
                    }
                    (vec![min.into(), max.into()], bad)
                }
                ParamKind::Float { min, max } => {
                    let d = default.as_f64().unwrap_or_else(|| panic!("{path}: default {default}"));
                    assert!((min..=max).contains(&d), "{path}: default {d} outside [{min}, {max}]");
                    (vec![min.into(), max.into()], vec![(max * 1.5 + 1.0).into(), (min - 1.0).into()])
                }
                ParamKind::Choice(names) => {
                    assert!(names.iter().any(|n| default == *n), "{path}: default {default} not in {names:?}");
                    (names.iter().map(|n| Value::from(*n)).collect(), vec!["no-such-choice".into()])
                }
                ParamKind::Nodes { max_len } => {
                    assert!(default.as_array().is_some_and(|l| l.len() <= max_len), "{path}: default {default}");
                    let too_many: Vec<u64> = (1..=max_len as u64 + 1).collect();
                    (
                        vec![serde_json::json!([]), serde_json::json!([1, 2])],
                        vec![serde_json::json!([1, 1]), too_many.into()],
                    )
                }
            };
            for v in ok {
                // An end of one range may clash with another parameter's default (a minimum
                // above a maximum): only errors about this field count.
                if let Err(e) = base.with_param(&path, &v) {
                    assert!(!e.to_string().starts_with(&path), "{path} = {v} refused: {e}");
                }
            }
            for v in bad {
                let e = base.with_param(&path, &v).expect_err(&format!("{path} = {v} accepted"));
                assert!(e.to_string().starts_with(&path), "{path} = {v}: the error names another field: {e}");
            }
        }
    }
}

/// Inside the tagged `protocol` object and fault entries, a wrong type names the parameter or
/// field itself, not the enclosing object (serde's internally tagged enums lose the path; these
/// read through an externally tagged twin).
#[test]
fn errors_inside_tagged_objects_name_the_innermost_field() {
    let text = |protocol: Value, faults: Value| {
        json!({"version": 1, "seed": 1, "group": {"size": 3}, "protocol": protocol, "faults": faults}).to_string()
    };
    let cases = [
        (
            text(json!({"kind": "tree", "fanout": "4"}), json!([])),
            "protocol.fanout: invalid type: string \"4\", expected u32",
        ),
        (text(json!({"kind": "rmtp", "dr_nodes": [1, "a"]}), json!([])), "protocol.dr_nodes[1]: invalid type"),
        (text(json!({"kind": "nope"}), json!([])), "protocol.kind: unknown variant `nope`"),
        (text(json!({"kind": 4}), json!([])), "protocol.kind: invalid type"),
        (text(json!({"fanout": 4}), json!([])), "protocol: missing field `kind`"),
        (text(json!({"kind": "tree", "fanot": 4}), json!([])), "protocol: unknown field `fanot`"),
        (
            text(json!({"kind": "centralized"}), json!([{"kind": "crash", "at_ms": "x", "node": 1}])),
            "faults[0].at_ms: invalid type",
        ),
        (
            text(json!({"kind": "centralized"}), json!([{"kind": "crash", "at_ms": 1}])),
            "faults[0]: missing field `node`",
        ),
        (
            text(json!({"kind": "centralized"}), json!([{"kind": "crash", "at_ms": 1, "node": 1}, {"kind": "quake"}])),
            "faults[1].kind: unknown variant `quake`",
        ),
    ];
    for (text, want) in cases {
        let err = Scenario::from_json(&text).expect_err(&text).to_string();
        assert!(err.starts_with(want), "{text}\ngot:  {err}\nwant: {want}…");
        assert!(!err.contains('\n') && !err.contains('\u{E000}'), "{err:?}");
    }
}

/// Values that pass a range but mean nothing are refused (issue 9): a run shorter than the
/// clock's tick, and a workload that starts when the run is over (its messages were counted as
/// owed and never sent).
#[test]
fn meaningless_durations_and_starts_are_refused() {
    let msg = refused(&with("/duration_ms", Some(json!(1e-320))), &Limits::NATIVE, "duration_ms");
    assert!(msg.contains("one microsecond"), "{msg}");
    let mut doc: Value = serde_json::from_str(&with("/duration_ms", Some(json!(5000)))).unwrap();
    doc["workload"] = json!({"messages": 2, "start_ms": 5000});
    let msg = refused(&doc.to_string(), &Limits::NATIVE, "workload.start_ms");
    assert!(msg.contains("nothing would be sent"), "{msg}");
    doc["workload"]["start_ms"] = json!(4999.999);
    Scenario::from_json(&doc.to_string()).expect("a start before the end is fine");
}

/// Churn entries are held to a total as well as one by one: 200 entries of 100,000 leaves per
/// second each drew 4 GB of events during validation (issue 9).
#[test]
fn churn_entries_together_are_bounded() {
    let churn = json!({"kind": "churn", "leave_per_sec": 100000, "from_ms": 0, "to_ms": 10000});
    let mut doc: Value = serde_json::from_str(&base_json().to_string()).unwrap();
    doc["faults"] = json!([churn, churn]);
    let msg = refused(&doc.to_string(), &Limits::NATIVE, "faults[1]");
    assert!(msg.contains("2000000 joins and leaves in all; at most 1000000"), "{msg}");
    doc["faults"] = json!([churn]);
    Scenario::from_json(&doc.to_string()).expect("one entry at its most is fine");
}
