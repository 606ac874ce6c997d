//! The form: what a control's text does to the scenario. Each edit is a pure function of the
//! applied scenario, the control ([`Field`]) and the text typed or chosen, and gives either the
//! new scenario, validated against the browser's limits, or a [`ScenarioError`] naming the field
//! (`group.size`, `protocol.ack_timeout_ms`), which the page shows while keeping the scenario it
//! has. Nothing here touches the browser: the tests below run natively (`cargo test`).
//!
//! The text is untrusted (a share link or a preset may carry anything): no index or string
//! slice here can panic.

#![deny(clippy::indexing_slicing, clippy::string_slice)]

use super::gallery;
use super::msg::Field;
use mcast::protocols::plumtree::WARM_UP_MS;
use mcast::protocols::{ParamDoc, ParamKind};
use mcast::scenario::{param, Layout, Limits, ProtocolSpec, Scenario, ScenarioError};
use mcast::time::SimTime;
use serde_json::Value;

/// The scenario `s` with `field` set from the control's text `v`, validated against the
/// browser's limits. A preset replaces the whole scenario; the speed is not part of it (`s` comes
/// back as it was); any other edit clears the scenario's name, which described it before.
pub fn edited(s: &Scenario, field: Field, v: &str) -> Result<Scenario, ScenarioError> {
    let s = changed(s, field, v)?;
    s.validate(&Limits::BROWSER)?;
    Ok(s)
}

/// The scenario `s` with `field` set from `v`, before the checks of the whole scenario (a
/// refused edit's scenario, for [`super::refusal`] to say what it would cost); an error if the
/// text itself cannot be read.
pub fn changed(s: &Scenario, field: Field, v: &str) -> Result<Scenario, ScenarioError> {
    let mut s = s.clone();
    match field {
        Field::Preset => return preset(v),
        Field::Speed => return Ok(s),
        Field::Protocol => {
            let had_overlay = s.protocol.info().needs_overlay();
            s.protocol = protocol(v)?;
            overlay_service(&mut s, had_overlay);
        }
        Field::Param(name) => s = with_param(&s, name, v)?,
        Field::Size => {
            s.group.size = whole("group.size", v)?;
            regroup(&mut s);
        }
        Field::Layout => {
            s.group.layout = layout(v)?;
            regroup(&mut s);
        }
        Field::Loss => s.network.loss = percent("network.loss", v)? / 100.0,
        Field::Uplink => s.network.uplink_bytes_per_sec = uplink(v)?,
        Field::Multicast => s.network.native_multicast = multicast(v)?,
        Field::Messages => s.workload.messages = whole("workload.messages", v)?,
        Field::Seed => s.seed = whole("seed", v)?,
        Field::Duration => s.duration_ms = real("duration_ms", v)?,
        Field::Stream(name) => super::stream::set(&mut s, name, v)?,
        Field::Attack(name) => super::attackers::set(&mut s, name, v)?,
    }
    s.name.clear();
    Ok(s)
}

/// The animation speed (simulated time per real time) the speed select's text names, or the
/// banner's message.
pub fn speed(v: &str) -> Result<f64, String> {
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("speed: not a positive number: `{v}`")),
    }
}

/// `s` with a fresh `seed`.
pub fn reseeded(s: &Scenario, seed: u64) -> Scenario {
    let mut s = s.clone();
    s.seed = seed;
    s.name.clear();
    s
}

/// `s` with node `node` crashing at the first whole millisecond at or after `at` (a click on the
/// canvas; never time 0), so a share link replays it. See [`super::faults::with_crash`].
pub fn with_crash(s: &Scenario, node: u32, at: SimTime) -> Scenario {
    super::faults::with_crash(s, node, at)
}

fn whole<T: std::str::FromStr>(field: &str, v: &str) -> Result<T, ScenarioError> {
    v.trim().parse().map_err(|_| ScenarioError::invalid(field, format!("not a whole number in range: `{v}`")))
}

fn real(field: &str, v: &str) -> Result<f64, ScenarioError> {
    v.trim().parse().map_err(|_| ScenarioError::invalid(field, format!("not a number: `{v}`")))
}

/// A percentage from 0 to 100, in the box's own unit.
fn percent(field: &str, v: &str) -> Result<f64, ScenarioError> {
    let x = real(field, v)?;
    if !(0.0..=100.0).contains(&x) {
        return Err(ScenarioError::invalid(field, format!("must be from 0 to 100 %, got {} %", v.trim())));
    }
    Ok(x)
}

/// The gallery's preset in file `v`, as it is (its name included).
fn preset(v: &str) -> Result<Scenario, ScenarioError> {
    let s = gallery::load(v)?;
    s.validate(&Limits::BROWSER)?;
    Ok(s)
}

/// A family that runs only over HyParView gets it as the membership service, and a workload
/// that starts before the overlay is built starts once it is ([`WARM_UP_MS`]; the JSON editor
/// shows both, and the family's hint says why); leaving such a family (`had_overlay`) for
/// another drops the service again. The comparison gives each column what the picker would.
pub(super) fn overlay_service(s: &mut Scenario, had_overlay: bool) {
    use mcast::scenario::Service;
    if s.protocol.info().needs_overlay() {
        s.membership.service = Service::Hyparview;
        s.workload.start_ms = s.workload.start_ms.max(WARM_UP_MS);
    } else if had_overlay && s.membership.service == Service::Hyparview {
        s.membership.service = Service::None;
    }
}

/// Protocol `v` with its default parameters.
fn protocol(v: &str) -> Result<ProtocolSpec, ScenarioError> {
    ProtocolSpec::default_of(v)
        .ok_or_else(|| ScenarioError::invalid("protocol.kind", format!("unknown protocol `{v}`")))
}

/// `s` with the current protocol's parameter `name` set from `v`.
fn with_param(s: &Scenario, name: &str, v: &str) -> Result<Scenario, ScenarioError> {
    let doc = s
        .protocol
        .params()
        .iter()
        .find(|d| d.field == name)
        .ok_or_else(|| ScenarioError::invalid(format!("protocol.{name}"), "not a parameter of this protocol"))?;
    set_param(s, doc, v)
}

/// The scenario with parameter `doc` set from the control's text `v`; the error names the field.
fn set_param(s: &Scenario, doc: &ParamDoc, v: &str) -> Result<Scenario, ScenarioError> {
    let path = format!("protocol.{}", doc.field);
    let value =
        param_value(doc.kind, v).map_err(|what| ScenarioError::invalid(&path, format!("must be {what}, got `{v}`")))?;
    s.with_param(&path, &value)
}

/// The JSON value a parameter of `kind` takes from text `v`, or what the text must be.
fn param_value(kind: ParamKind, v: &str) -> Result<Value, String> {
    match kind {
        ParamKind::Bool => match v {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("true or false".to_string()),
        },
        ParamKind::Int { min, max } => {
            v.trim().parse::<u64>().map(Value::from).map_err(|_| format!("a whole number from {min} to {max}"))
        }
        ParamKind::Float { min, max } => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .and_then(param::number)
            .ok_or_else(|| format!("a number from {min} to {max}")),
        ParamKind::Choice(names) => names
            .iter()
            .find(|n| **n == v)
            .map(|n| Value::from(*n))
            .ok_or_else(|| format!("one of {}", names.join(", "))),
        ParamKind::Nodes { .. } => v
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::parse::<u64>)
            .collect::<Result<Vec<u64>, _>>()
            .map(Value::from)
            .map_err(|_| "node ids separated by commas (empty: none)".to_string()),
    }
}

/// After the group's size or layout changed: explicit positions belong to the old group, the
/// sender stays inside it, and faults naming a node past it go (joiners' ids move with the size).
fn regroup(s: &mut Scenario) {
    s.group.positions = None;
    s.group.sender = s.group.sender.min(s.group.size.saturating_sub(1));
    let size = s.group.size;
    s.faults.retain(|f| f.node().is_none_or(|node| node < size));
}

/// The layout select's value.
fn layout(v: &str) -> Result<Layout, ScenarioError> {
    match v {
        "disk" => Ok(Layout::Disk),
        "ring" => Ok(Layout::Ring),
        "grid" => Ok(Layout::Grid),
        "random" => Ok(Layout::Random),
        other => Err(ScenarioError::invalid("group.layout", format!("unknown layout `{other}`"))),
    }
}

/// The uplink box's megabytes per second, in bytes per second.
fn uplink(v: &str) -> Result<u64, ScenarioError> {
    let mb = real("network.uplink_bytes_per_sec", v)?;
    if !mb.is_finite() || !(0.0..=1e6).contains(&mb) {
        return Err(ScenarioError::invalid(
            "network.uplink_bytes_per_sec",
            format!("must be from 0 to 1000000 MB/s (0 = unlimited), got {v}"),
        ));
    }
    Ok((mb * 1e6).round() as u64)
}

/// The multicast select's value: whether the network replicates multicast packets.
fn multicast(v: &str) -> Result<bool, ScenarioError> {
    match v {
        "unicast" => Ok(false),
        "native" => Ok(true),
        other => Err(ScenarioError::invalid("network.native_multicast", format!("unknown multicast mode `{other}`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcast::scenario::FaultSpec;

    /// The banner's text for an edit of the default scenario, or the edit's result.
    fn edit(field: Field, v: &str) -> Result<Scenario, String> {
        edited(&Scenario::default_playground(), field, v).map_err(|e| e.to_string())
    }

    fn error(field: Field, v: &str) -> String {
        edit(field, v).err().unwrap_or_else(|| panic!("{field:?} = `{v}` was accepted"))
    }

    #[test]
    fn the_duration_sets_the_run_end_and_a_bad_one_names_the_field() {
        let s = Scenario::default_playground();
        assert_eq!(edited(&s, Field::Duration, "5000").unwrap().duration_ms, 5000.0);
        assert!(edited(&s, Field::Duration, "-3").unwrap_err().to_string().starts_with("duration_ms"));
        assert!(edited(&s, Field::Duration, "soon").unwrap_err().to_string().starts_with("duration_ms"));
    }

    #[test]
    fn group_size_errors_name_the_field_and_point_large_groups_at_the_cli() {
        assert_eq!(error(Field::Size, "abc"), "group.size: not a whole number in range: `abc`");
        assert_eq!(error(Field::Size, "-5"), "group.size: not a whole number in range: `-5`");
        assert_eq!(
            error(Field::Size, "20001"),
            "group.size: must be from 2 to 20000, got 20001; larger groups run in the native CLI \
             (`mcast run`), up to 1000000"
        );
    }

    #[test]
    fn network_errors_name_the_field() {
        assert_eq!(error(Field::Loss, "ten"), "network.loss: not a number: `ten`");
        assert_eq!(error(Field::Loss, "150"), "network.loss: must be from 0 to 100 %, got 150 %");
        assert_eq!(
            error(Field::Uplink, "-1"),
            "network.uplink_bytes_per_sec: must be from 0 to 1000000 MB/s (0 = unlimited), got -1"
        );
        assert_eq!(error(Field::Multicast, "both"), "network.native_multicast: unknown multicast mode `both`");
        assert_eq!(error(Field::Layout, "hex"), "group.layout: unknown layout `hex`");
    }

    #[test]
    fn protocol_errors_name_the_field() {
        assert_eq!(error(Field::Protocol, "nope"), "protocol.kind: unknown protocol `nope`");
        assert_eq!(error(Field::Param("fanout"), "3"), "protocol.fanout: not a parameter of this protocol");
        assert_eq!(error(Field::Param("reliable"), "yes"), "protocol.reliable: must be true or false, got `yes`");
        assert_eq!(
            error(Field::Param("max_retries"), "2.5"),
            "protocol.max_retries: must be a whole number from 0 to 30, got `2.5`"
        );
        assert_eq!(
            error(Field::Param("ack_timeout_ms"), "soon"),
            "protocol.ack_timeout_ms: must be a number from 0.1 to 600000, got `soon`"
        );
        assert_eq!(error(Field::Preset, "none.json"), "preset: no preset named `none.json`");
    }

    #[test]
    fn an_edit_sets_its_field_and_clears_the_name() {
        let mut named = Scenario::default_playground();
        named.name = "from a preset".to_string();
        let s = edited(&named, Field::Loss, " 12.5 ").unwrap();
        assert_eq!(s.network.loss, 0.125);
        assert_eq!(s.name, "");
        assert_eq!(edit(Field::Uplink, "2.5").unwrap().network.uplink_bytes_per_sec, 2_500_000);
        assert!(edit(Field::Multicast, "native").unwrap().network.native_multicast);
        assert_eq!(edit(Field::Seed, "42").unwrap().seed, 42);
        assert_eq!(edit(Field::Param("max_retries"), "7").unwrap().protocol.kind(), "centralized");
        // The speed is no part of the scenario: it comes back as it was, name and all.
        assert_eq!(edited(&named, Field::Speed, "4").unwrap(), named);
    }

    #[test]
    fn a_smaller_group_keeps_its_sender_and_drops_faults_past_it() {
        let mut s = Scenario::default_playground();
        s.group.sender = 250;
        s.faults = vec![FaultSpec::Crash { at_ms: 5.0, node: 10 }, FaultSpec::Crash { at_ms: 5.0, node: 200 }];
        let s = edited(&s, Field::Size, "100").unwrap();
        assert_eq!((s.group.size, s.group.sender), (100, 99));
        assert_eq!(s.faults, vec![FaultSpec::Crash { at_ms: 5.0, node: 10 }]);
        assert_eq!(edit(Field::Layout, "grid").unwrap().group.layout, Layout::Grid);
    }

    #[test]
    fn a_click_crash_and_a_new_seed_go_into_the_scenario() {
        let mut named = Scenario::default_playground();
        named.name = "from a preset".to_string();
        let s = with_crash(&named, 7, SimTime(12_345));
        assert_eq!(s.faults, vec![FaultSpec::Crash { at_ms: 13.0, node: 7 }]);
        assert_eq!(s.name, "");
        let s = reseeded(&named, 99);
        assert_eq!((s.seed, s.name.as_str()), (99, ""));
    }

    #[test]
    fn every_preset_opens_as_it_is_in_the_browser() {
        for p in gallery::PRESETS {
            let s = edit(Field::Preset, p.file).unwrap_or_else(|e| panic!("{}: {e}", p.file));
            assert!(!s.name.is_empty(), "{} keeps its name, so the picker shows it", p.file);
        }
    }

    #[test]
    fn speed_is_a_positive_number() {
        assert_eq!(speed("0.25"), Ok(0.25));
        assert_eq!(speed("0"), Err("speed: not a positive number: `0`".to_string()));
        assert_eq!(speed("inf"), Err("speed: not a positive number: `inf`".to_string()));
    }
}
