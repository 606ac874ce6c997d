//! The engine as a JavaScript class (wasm32 only): `new Simulation(scenario)`, `step(ms)`,
//! `snapshot()`, `metrics()`, so the page, a Web Worker and a browser test drive the same engine
//! the CLI runs, and get the same trace hash.
//!
//! ```js
//! const sim = new wasmBindings.Simulation({ version: 2, seed: 7, group: { size: 300 },
//!                                           protocol: { kind: 'centralized', reliable: true } });
//! while (!sim.step(16)) draw(sim.snapshot());   // 16 ms of simulated time per call
//! console.log(sim.metrics().delivered_ratio, sim.traceHash());
//! ```
//!
//! A scenario is a plain object (read through serde-wasm-bindgen) or its JSON text, checked
//! against the browser's limits ([`Limits::BROWSER`]); a bad one throws an `Error` whose message
//! starts with the field at fault (`network.loss: must be a probability in [0, 1], got NaN`),
//! never a panic. Results come back as plain objects and typed arrays (see [`Simulation::snapshot`]).
//! The class lives in the library crate, and the app's binary (`src/main.rs`) exports it with no
//! re-export needed: wasm-bindgen keeps every `#[wasm_bindgen]` export linked into the binary, so
//! trunk's `window.wasmBindings` carries `Simulation` next to the Yew app. `www/worker.js` loads
//! the same module in a Web Worker and drives the class there.
//!
//! Everything a script hands over is untrusted: no index or string slice here can panic.

#![deny(clippy::indexing_slicing, clippy::string_slice)]

use crate::engine::{self, FlightView, NodeState};
use crate::metrics::{Chart, Counters};
use crate::protocol::PacketKind;
use crate::scenario::{link, Limits, Scenario, ScenarioError};
use crate::time::SimDuration;
use js_sys::{Array, Float32Array, Float64Array, Object, Reflect, Uint32Array, Uint8Array};
use serde::Serialize;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// How deep a scenario object may nest: the real format needs 4 levels (`group.positions[i][0]`);
/// a cyclic object would otherwise recurse until the stack overflows.
const MAX_DEPTH: u32 = 16;

/// A running simulation, as JavaScript sees it.
#[wasm_bindgen]
pub struct Simulation {
    sim: Box<dyn engine::Simulation>,
    scenario: Scenario,
    states: Vec<NodeState>,
    flights: Vec<FlightView>,
}

/// A node's state as one byte of `snapshot().states`.
fn state_code(s: NodeState) -> u8 {
    match s {
        NodeState::Sender => 0,
        NodeState::Waiting => 1,
        NodeState::Partial => 2,
        NodeState::Done => 3,
        NodeState::Crashed => 4,
        NodeState::Paused => 5,
        NodeState::Absent => 6,
        NodeState::Infective => 7,
    }
}

/// The names of the state codes, in code order.
const STATE_NAMES: [&str; 8] = ["sender", "waiting", "partial", "done", "crashed", "paused", "absent", "infective"];

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// Sets `key` on a fresh plain object; that cannot fail, so the result is not looked at.
fn set(o: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(o, &JsValue::from_str(key), &value.into());
}

/// Refuses objects nested deeper than [`MAX_DEPTH`] (or cyclic) before serde walks them, and
/// reads every field once through `Reflect`, which catches what a getter or a `Proxy` throws: an
/// exception thrown through the wasm frames would skip Rust's clean-up and name no field.
/// `path` is where `v` sits (`group.positions[3]`; empty for the scenario itself).
fn check_depth(v: &JsValue, depth: u32, path: &mut String) -> Result<(), ScenarioError> {
    if !v.is_object() {
        return Ok(());
    }
    if depth > MAX_DEPTH {
        return Err(ScenarioError::Json {
            path: "scenario".into(),
            message: format!("nested more than {MAX_DEPTH} levels deep, or refers to itself"),
        });
    }
    let threw = |path: &str, e: JsValue| ScenarioError::Json {
        path: if path.is_empty() { "scenario".into() } else { path.to_string() },
        message: format!("reading it threw: {}", thrown_message(&e)),
    };
    let keys = Reflect::own_keys(v).map_err(|e| threw(path, e))?;
    let array = Array::is_array(v);
    for key in keys.iter() {
        // serde never reads symbol keys.
        let Some(name) = key.as_string() else { continue };
        let len = path.len();
        match (array, len) {
            (true, _) => path.push_str(&format!("[{name}]")),
            (false, 0) => path.push_str(&name),
            (false, _) => path.push_str(&format!(".{name}")),
        }
        let child = Reflect::get(v, &key).map_err(|e| threw(path, e))?;
        check_depth(&child, depth + 1, path)?;
        path.truncate(len);
    }
    Ok(())
}

/// What a JS exception says: an `Error`'s message, a thrown string, or its type.
fn thrown_message(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().unwrap_or_else(|| format!("a {}", e.js_typeof().as_string().unwrap_or_default()))
}

/// A scenario from a JS object or JSON text, validated against the browser's limits.
fn parse(value: JsValue) -> Result<Scenario, ScenarioError> {
    if let Some(text) = value.as_string() {
        return Scenario::from_json_with(&text, &Limits::BROWSER);
    }
    if !value.is_object() || Array::is_array(&value) {
        let got = if Array::is_array(&value) {
            "array".to_string()
        } else if value.is_null() {
            "null".to_string()
        } else {
            value.js_typeof().as_string().unwrap_or_default()
        };
        return Err(ScenarioError::Json {
            path: "scenario".into(),
            message: format!("expected a scenario object or its JSON text, got {got}"),
        });
    }
    check_depth(&value, 0, &mut String::new())?;
    let scenario = Scenario::from_deserializer(serde_wasm_bindgen::Deserializer::from(value.clone()), &Limits::BROWSER)
        .map_err(|e| match e {
            // serde-wasm-bindgen's errors are JS `Error`s, displayed as `Error: invalid type: ...`:
            // the field's name is already in front, the `Error: ` in the middle only gets in the way.
            ScenarioError::Json { path, message } => {
                let message = message.strip_prefix("Error: ").map(str::to_string).unwrap_or(message);
                ScenarioError::Json { path, message }
            }
            e => e,
        })?;
    unknown_fields(value)?;
    Ok(scenario)
}

/// Refuses keys the format does not have, as a scenario file does: serde-wasm-bindgen reads only
/// the fields a struct names, so a typo (`"los": 0.3`) would otherwise pass silently. The object
/// goes through a JSON value (which sees every key) and the text parser reports the first unknown
/// field by its path; other differences (a NaN turns into null there) were judged by the first pass.
fn unknown_fields(value: JsValue) -> Result<(), ScenarioError> {
    let Ok(v) = serde_wasm_bindgen::from_value::<serde_json::Value>(value) else {
        return Ok(());
    };
    match Scenario::from_json(&v.to_string()) {
        Err(ScenarioError::Json { path, message }) if message.starts_with("unknown field") => {
            let message = message.rsplit_once(" at line ").map_or(message.clone(), |m| m.0.to_string());
            Err(ScenarioError::Json { path, message })
        }
        _ => Ok(()),
    }
}

/// The page's counters, as `counters()` returns them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CountersJs {
    sent: BTreeMap<&'static str, u64>,
    lost: u64,
    deliveries: u64,
    made: u64,
    owed: u64,
    events: u64,
    now_ms: f64,
}

impl CountersJs {
    fn new(c: &Counters, (made, owed): (u64, u64), now_ms: f64) -> Self {
        CountersJs {
            sent: PacketKind::ALL.iter().map(|&k| (k.name(), c.sent.get(k as usize).copied().unwrap_or(0))).collect(),
            lost: c.lost,
            deliveries: c.deliveries,
            made,
            owed,
            events: c.events,
            now_ms,
        }
    }
}

/// The time series in columns, as `chart()` returns it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChartJs {
    column_ms: f64,
    sent: BTreeMap<&'static str, Vec<u64>>,
    lost: Vec<u64>,
    deliveries: Vec<u64>,
}

impl ChartJs {
    fn new(c: Chart) -> Self {
        // A column has a count per kind (`[u64; PacketKind::COUNT]`): `get` never misses.
        let sent = PacketKind::ALL
            .iter()
            .map(|&k| (k.name(), c.sent.iter().map(|col| col.get(k as usize).copied().unwrap_or(0)).collect()))
            .collect();
        ChartJs { column_ms: c.column_ms, sent, lost: c.lost, deliveries: c.deliveries }
    }
}

fn to_js(v: &impl Serialize) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(js_error)
}

impl Simulation {
    fn start(scenario: Scenario) -> Result<Simulation, JsError> {
        let mut sim = engine::build_with(&scenario, &Limits::BROWSER).map_err(js_error)?;
        sim.set_recording(true);
        Ok(Simulation { sim, scenario, states: Vec::new(), flights: Vec::new() })
    }
}

#[wasm_bindgen]
impl Simulation {
    /// Starts a run of `scenario`: a plain object in the scenario format, or its JSON text.
    /// Throws an `Error` naming the field if the scenario is invalid or too large for the browser.
    #[wasm_bindgen(constructor)]
    pub fn new(scenario: JsValue) -> Result<Simulation, JsError> {
        Self::start(parse(scenario).map_err(js_error)?)
    }

    /// Starts a run of the scenario in a share link's fragment (`v1.…`, with or without `#`).
    /// Throws an `Error` starting with `share link:` for anything else.
    #[wasm_bindgen(js_name = fromLink)]
    pub fn from_link(fragment: JsValue) -> Result<Simulation, JsError> {
        // Taken as a JsValue: a `&str` parameter given a number traps in wasm-bindgen's glue
        // ("memory access out of bounds") instead of throwing.
        let Some(fragment) = fragment.as_string() else {
            let got = if fragment.is_null() {
                "null".to_string()
            } else {
                fragment.js_typeof().as_string().unwrap_or_default()
            };
            return Err(JsError::new(&format!("share link: expected the link's text (a string), got {got}")));
        };
        Self::start(link::decode(&fragment, &Limits::BROWSER).map_err(js_error)?)
    }

    /// Advances simulated time by `ms` milliseconds (capped at the scenario's end), processing
    /// every event on the way. Returns whether the run is over.
    pub fn step(&mut self, ms: f64) -> Result<bool, JsError> {
        if !ms.is_finite() || ms < 0.0 {
            return Err(JsError::new(&format!("step: ms must be a finite number of milliseconds ≥ 0, got {ms}")));
        }
        let t = self.sim.now() + SimDuration::from_ms_f64(ms);
        self.sim.run_until(t);
        Ok(self.sim.is_done())
    }

    /// Processes at most `max` events, however little simulated time they span, and returns how
    /// many it processed (0 once the run is over): bounded work per call, for a worker's loop.
    /// `max` is a whole number ≥ 1 (a fraction is rounded down; `Infinity` runs to the end).
    #[wasm_bindgen(js_name = stepEvents)]
    pub fn step_events(&mut self, max: f64) -> Result<f64, JsError> {
        // An f64, not a u32: wasm-bindgen would wrap 2^32 to 0 and a negative count to ~4e9,
        // and a loop waiting for 0 would stop at once or run everything.
        if max.is_nan() || max < 1.0 {
            return Err(JsError::new(&format!("stepEvents: max must be a number of events ≥ 1, got {max}")));
        }
        // `as` saturates: Infinity becomes u64::MAX.
        Ok(self.sim.run_steps(max as u64) as f64)
    }

    /// Runs the rest of the scenario at once. Packets still in flight are not kept for the view.
    #[wasm_bindgen(js_name = runToEnd)]
    pub fn run_to_end(&mut self) {
        // Recording every packet of the rest of the run would only be thrown away.
        self.sim.set_recording(false);
        self.sim.run_to_end();
        self.sim.set_recording(true);
    }

    /// Whether nothing is left to happen before the end.
    #[wasm_bindgen(js_name = isDone)]
    pub fn is_done(&self) -> bool {
        self.sim.is_done()
    }

    /// The current simulated time in milliseconds.
    #[wasm_bindgen(js_name = nowMs)]
    pub fn now_ms(&self) -> f64 {
        self.sim.now().as_ms_f64()
    }

    /// When the run stops at the latest (the scenario's `duration_ms`).
    #[wasm_bindgen(js_name = endMs)]
    pub fn end_ms(&self) -> f64 {
        self.sim.end().as_ms_f64()
    }

    /// How many node ids the run has: the group (`group.size`) plus every node that joins later
    /// (churn), numbered from `group.size` up. `snapshot().states` has one entry per id,
    /// `positions()` two.
    pub fn nodes(&self) -> u32 {
        self.sim.positions().len() as u32
    }

    /// What the view draws, as of now:
    /// `{ nowMs, done, states: Uint8Array, flights: { from: Uint32Array, to: Uint32Array,
    /// progress: Float32Array, kind: Uint8Array, lost: Uint8Array } }`. `states[i]` is node i's
    /// state, one per id in [`Simulation::nodes`] (0 sender, 1 waiting, 2 partial, 3 done,
    /// 4 crashed, 5 paused, 6 absent: not joined yet or left; names in
    /// `Simulation.nodeStates()`). `flights` holds one entry per packet on the wire, column by
    /// column: `progress` runs from 0 at the sender to 1 at the receiver, `kind` indexes
    /// `Simulation.packetKinds()`, and `lost` is 1 for a packet the network will drop (the page
    /// fades it out half-way).
    pub fn snapshot(&mut self) -> JsValue {
        self.sim.node_states(&mut self.states);
        let states: Vec<u8> = self.states.iter().map(|s| state_code(*s)).collect();
        self.sim.flights(&mut self.flights);
        let f = &self.flights;
        let from: Vec<u32> = f.iter().map(|x| x.from).collect();
        let to: Vec<u32> = f.iter().map(|x| x.to).collect();
        let progress: Vec<f32> = f.iter().map(|x| x.progress).collect();
        let kind: Vec<u8> = f.iter().map(|x| x.kind as u8).collect();
        let lost: Vec<u8> = f.iter().map(|x| u8::from(x.lost)).collect();
        let flights = Object::new();
        set(&flights, "from", Uint32Array::from(&from[..]));
        set(&flights, "to", Uint32Array::from(&to[..]));
        set(&flights, "progress", Float32Array::from(&progress[..]));
        set(&flights, "kind", Uint8Array::from(&kind[..]));
        set(&flights, "lost", Uint8Array::from(&lost[..]));
        let out = Object::new();
        set(&out, "nowMs", self.now_ms());
        set(&out, "done", self.sim.is_done());
        set(&out, "states", Uint8Array::from(&states[..]));
        set(&out, "flights", flights);
        out.into()
    }

    /// Each node's upstream in its protocol's structure (a tree node's parent, an RMTP
    /// receiver's designated receiver), one per id in [`Simulation::nodes`]; 4294967295 for a
    /// node without one (a root, a flat protocol, a node that is not up).
    pub fn upstreams(&self) -> Uint32Array {
        let mut up = Vec::new();
        self.sim.upstreams(&mut up);
        Uint32Array::from(&up[..])
    }

    /// Node positions in the unit square, flat: `[x0, y0, x1, y1, ...]`.
    pub fn positions(&self) -> Float64Array {
        let flat: Vec<f64> = self.sim.positions().iter().flat_map(|p| p.iter().copied()).collect();
        Float64Array::from(&flat[..])
    }

    /// The full report as of now, a plain object with the keys `mcast run` prints
    /// (`trace_hash`, `delivered_ratio`, `latency_ms: {p50, p99, max, mean}`, `packets` by kind,
    /// ...); at the end, equal to the CLI's report key for key. `sim_time_ms` is the clock: after
    /// [`Simulation::step`] it is the last step's end, where the CLI stops at the last event.
    pub fn metrics(&self) -> Result<JsValue, JsError> {
        to_js(&self.sim.report())
    }

    /// The cheap counters the page polls:
    /// `{ sent: {ack, data, ...every packet kind}, lost, deliveries, made, owed, events, nowMs }`.
    /// `deliveries` counts every first delivery to a receiver; `made` and `owed` count as the
    /// report does (its `deliveries` and `expected_deliveries` as of now): only deliveries owed,
    /// to members when the message went out and live now. They differ when nodes join, leave or
    /// crash.
    pub fn counters(&self) -> Result<JsValue, JsError> {
        to_js(&CountersJs::new(&self.sim.counters(), self.sim.owed(), self.now_ms()))
    }

    /// Starts recording the time series (packets sent by kind, lost, arrivals, deliveries and
    /// duplicates per bucket of `bucketMs` simulated milliseconds, widened to fit the run in
    /// 10,000 buckets) from now on; `metrics()` then carries it as `series`, as `mcast run
    /// --series` does. Returns the bucket width used. Call it before stepping to cover the run.
    #[wasm_bindgen(js_name = recordSeries)]
    pub fn record_series(&mut self, bucket_ms: f64) -> Result<f64, JsError> {
        if !(bucket_ms.is_finite() && bucket_ms >= 0.001) {
            return Err(JsError::new(&format!(
                "bucketMs: must be a number of milliseconds, at least 0.001, got {bucket_ms}"
            )));
        }
        Ok(self.sim.record_series(SimDuration::from_ms_f64(bucket_ms)).as_ms_f64())
    }

    /// The time series so far summed into at most `columns` columns, for a live chart:
    /// `{ columnMs, sent: {data: [...], ...every kind}, lost: [...], deliveries: [...] }`, or
    /// `null` unless `recordSeries()` was called.
    pub fn chart(&self, columns: u32) -> Result<JsValue, JsError> {
        match self.sim.chart(columns.clamp(1, 10_000) as usize) {
            Some(c) => to_js(&ChartJs::new(c)),
            None => Ok(JsValue::NULL),
        }
    }

    /// The trace hash so far: 16 hex digits, equal to the CLI's for the same scenario.
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&self) -> String {
        self.sim.trace_hash()
    }

    /// The scenario as validated, every default filled in (a plain object in the file format).
    pub fn scenario(&self) -> Result<JsValue, JsError> {
        to_js(&self.scenario)
    }

    /// The scenario's share-link fragment (`v1.…`, without `#`); an error if the page could not
    /// read it back (too large a scenario: share its JSON instead).
    #[wasm_bindgen(js_name = shareLink)]
    pub fn share_link(&self) -> Result<String, JsError> {
        link::encode_checked(&self.scenario).map_err(js_error)
    }

    /// Turns the recording of packets in flight (for `snapshot().flights`) on or off; on by
    /// default. A run that is never drawn saves memory with it off. It never changes the run.
    #[wasm_bindgen(js_name = setRecording)]
    pub fn set_recording(&mut self, on: bool) {
        self.sim.set_recording(on);
    }

    /// The packet kinds, in the order of their codes in `snapshot().flights.kind`.
    #[wasm_bindgen(js_name = packetKinds)]
    pub fn packet_kinds() -> Vec<String> {
        let mut names = vec![String::new(); PacketKind::COUNT];
        for k in PacketKind::ALL {
            if let Some(name) = names.get_mut(k as usize) {
                *name = k.name().to_string();
            }
        }
        names
    }

    /// The node states, in the order of their codes in `snapshot().states`.
    #[wasm_bindgen(js_name = nodeStates)]
    pub fn node_states() -> Vec<String> {
        STATE_NAMES.iter().map(|s| s.to_string()).collect()
    }
}
