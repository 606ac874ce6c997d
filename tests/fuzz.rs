//! Fuzzing the untrusted inputs: scenario JSON and share links, over more than 100,000 random
//! inputs in all, none of which may panic the parser, the validator or the engine.
//!
//! Four families of inputs, each in its own test so they run in parallel:
//!
//! - **structured scenarios**: JSON trees built from the real schema's field names and string
//!   values (taken from serialized scenarios), mutated with random values of every JSON type
//!   (huge, negative and fractional numbers, `1e308`, `-0`, `1e400`, strings, nulls, nested junk),
//!   duplicated keys and unknown fields;
//! - **share links**: valid links with their characters, their deflate bytes or their inflated
//!   JSON damaged by bit flips, truncation and insertion;
//! - **scenario text**: valid scenario JSON damaged byte by byte;
//! - **random bytes**, as JSON and as links.
//!
//! Whatever parses and validates must also build, and its run must stay within the bound the
//! scenario implies: a small scenario runs to its end within `2 × worst-case packets + timers +
//! app sends + crashes` events (so no input can make the engine spin), a large one for a fixed
//! budget of events. Every accepted run gives the same trace hash run again, and a kernel budget
//! cut anywhere stops it cleanly at that many events. The generator is ChaCha8 from a fixed
//! seed, so a failure replays exactly; `MCAST_FUZZ_SEED=<n> cargo test --test fuzz` tries
//! another seed, `MCAST_FUZZ_CASES=<k>` k times as many cases, and every failure message names
//! the seed, the case and the input.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use mcast::engine::{self, FlightView, NodeState, Simulation};
use mcast::protocol::PacketKind;
use mcast::protocols::centralized::CentralizedConfig;
use mcast::scenario::{faults, link, FaultSpec, Layout, Limits, ProtocolSpec, Scenario};
use mcast::sim::budget::Budget;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The fuzz's master seed; `MCAST_FUZZ_SEED` overrides it.
const DEFAULT_SEED: u64 = 0x6d63_6173_7420_2611;

/// `n` cases, times `MCAST_FUZZ_CASES` (1 by default, as CI runs it; `MCAST_FUZZ_CASES=100
/// cargo test --release --test fuzz` tries a hundred times as many, a few minutes per test).
fn cases(n: usize) -> usize {
    let times = std::env::var("MCAST_FUZZ_CASES").ok().and_then(|s| s.trim().parse::<usize>().ok());
    n.saturating_mul(times.unwrap_or(1).max(1))
}

fn master_seed() -> u64 {
    std::env::var("MCAST_FUZZ_SEED").ok().and_then(|s| s.trim().parse().ok()).unwrap_or(DEFAULT_SEED)
}

/// The generator of one test: the master seed's ChaCha8 stream `test`.
fn rng(test: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(master_seed());
    r.set_stream(test);
    r
}

/// Where a failure happened, for its message.
#[derive(Clone, Copy)]
struct Case<'a> {
    family: &'a str,
    index: usize,
}

impl std::fmt::Display for Case<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let seed = master_seed();
        write!(f, "{} case {} (fuzz seed {seed}; replay with MCAST_FUZZ_SEED={seed})", self.family, self.index)
    }
}

fn shorten(input: &str) -> String {
    if input.len() <= 3000 {
        return input.to_string();
    }
    let cut = (0..=3000).rev().find(|&i| input.is_char_boundary(i)).unwrap_or(0);
    format!("{}… ({} bytes)", &input[..cut], input.len())
}

/// Runs `f`, turning a panic into a test failure that names the case and the input.
fn no_panic<T>(case: Case<'_>, what: &str, input: &str, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(e) => {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{what} panicked on {case}: {msg}\ninput: {}", shorten(input))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What every accepted or refused input must satisfy
// ---------------------------------------------------------------------------------------------

/// Parses `text` with both limits and checks what the two answers must satisfy. Returns the
/// scenario if the native limits accept it.
fn parse_both(case: Case<'_>, text: &str) -> Option<Scenario> {
    let native =
        no_panic(case, "Scenario::from_json_with(NATIVE)", text, || Scenario::from_json_with(text, &Limits::NATIVE));
    let browser =
        no_panic(case, "Scenario::from_json_with(BROWSER)", text, || Scenario::from_json_with(text, &Limits::BROWSER));
    for r in [&native, &browser] {
        if let Err(e) = r {
            check_error(case, text, &e.to_string());
        }
    }
    if let Ok(b) = &browser {
        // The browser's limits are the native ones, tightened.
        assert_eq!(native.as_ref().ok(), Some(b), "{case}: the browser accepts what the CLI refuses\n{text}");
    }
    native.ok()
}

/// A refusal is one short line that names a field or part (`group.size: ...`, `scenario: ...`).
fn check_error(case: Case<'_>, input: &str, msg: &str) {
    let (head, rest) = msg.split_once(": ").unwrap_or_else(|| panic!("{case}: error names nothing: {msg:?}"));
    assert!(!head.is_empty() && !rest.is_empty(), "{case}: error {msg:?} for {}", shorten(input));
    assert!(!msg.contains(char::is_control), "{case}: error is more than one line: {msg:?}");
    assert!(msg.chars().count() < 1000, "{case}: error of {} characters: {msg}", msg.chars().count());
}

/// An upper bound on the events a run of `s` can have: every packet arrives at most once and
/// draws at most one ACK; each message has its app event and at most `rounds` timers; each
/// crash is one event.
fn event_bound(s: &Scenario) -> u64 {
    let messages = u64::from(s.workload.messages);
    2 * worst_case_packets(s) + messages * (1 + s.transmission_rounds(joiners(s))) + s.faults.len() as u64
}

/// How many nodes join during a run of `s`: explicit joins and the churn drawn from its seed.
fn joiners(s: &Scenario) -> u32 {
    faults::plan(s, &Limits::NATIVE).map_or(0, |p| p.joiners)
}

/// The budget check's worst case for `s` ([`Scenario::worst_case_packets`]).
fn worst_case_packets(s: &Scenario) -> u64 {
    s.worst_case_packets(joiners(s))
}

/// Scenarios up to this many worst-case packets run to their end; larger ones for a budget.
const RUN_TO_END_PACKETS: u64 = 1_000;
/// Events a larger scenario runs for.
const EVENT_BUDGET: u64 = 600;
/// Groups larger than the browser's are built and run for a few events only: one event of the
/// centralized sender is n sends, and a debug build of a million nodes takes a good second.
const BIG_GROUP: u32 = 20_000;

/// Builds an accepted scenario and runs it, looking at it the way the page does on the way.
fn exercise(case: Case<'_>, s: &Scenario) {
    let input = s.to_json_pretty();
    // The share link carries it unchanged.
    let fragment = no_panic(case, "link::encode", &input, || link::encode(s));
    let back =
        no_panic(case, "link::decode of an encoded scenario", &input, || link::decode(&fragment, &Limits::NATIVE));
    assert_eq!(back.as_ref(), Ok(s), "{case}: a share link changed the scenario\n{}", shorten(&input));
    no_panic(case, "engine run", &input, || run_bounded(case, s, &input));
}

fn run_bounded(case: Case<'_>, s: &Scenario, input: &str) {
    let mut sim = engine::build(s).unwrap_or_else(|e| panic!("{case}: validated but does not build: {e}\n{input}"));
    let big = s.group.size > BIG_GROUP;
    sim.set_recording(!big);
    let (mut states, mut flights) = (Vec::new(), Vec::new());
    let full = !big && worst_case_packets(s) <= RUN_TO_END_PACKETS;
    let budget = match () {
        _ if big => 3,
        _ if full => event_bound(s),
        _ => EVENT_BUDGET,
    };
    let mut events = 0u64;
    while events < budget && sim.step() {
        events += 1;
        if events.is_multiple_of(149) {
            look(case, &mut *sim, &mut states, &mut flights, input);
        }
    }
    look(case, &mut *sim, &mut states, &mut flights, input);
    if full {
        assert!(!sim.step(), "{case}: more than {budget} events, the most this scenario can have\n{input}");
        assert!(sim.is_done(), "{case}: not done after its last event\n{input}");
    }
    let r = sim.report();
    assert_eq!(r.events, events, "{case}: report.events\n{input}");
    assert_eq!(r.trace_hash, sim.trace_hash(), "{case}\n{input}");
    assert!(r.deliveries <= r.expected_deliveries, "{case}: {} of {}\n{input}", r.deliveries, r.expected_deliveries);
    assert!((0.0..=1.0).contains(&r.delivered_ratio), "{case}: ratio {}\n{input}", r.delivered_ratio);
    assert_eq!(r.duplicate_deliveries, 0, "{case}: duplicates\n{input}");
    let payload = r.packets["data"] + r.packets["retransmit"];
    assert!(payload <= worst_case_packets(s), "{case}: {payload} payload packets\n{input}");
    assert!(r.packets_lost <= r.packets.values().sum::<u64>(), "{case}: lost more than sent\n{input}");
    assert!(r.latency_ms.p50 <= r.latency_ms.p99 && r.latency_ms.p99 <= r.latency_ms.max, "{case}\n{input}");
    assert_eq!(r.nodes, s.group.size, "{case}");
    if !big {
        again_and_cut(case, s, events, &r.trace_hash, input);
    }
}

/// The same scenario run again for `events` events gives `hash`; with a kernel budget of half as
/// many it stops cleanly there, saying so.
fn again_and_cut(case: Case<'_>, s: &Scenario, events: u64, hash: &str, input: &str) {
    let mut again = engine::build(s).unwrap_or_else(|e| panic!("{case}: built once, not twice: {e}\n{input}"));
    again.run_steps(events);
    assert_eq!(again.trace_hash(), hash, "{case}: the same scenario ran differently\n{input}");
    let cut = events / 2 + 1;
    let mut setup = engine::setup(s).unwrap_or_else(|e| panic!("{case}: {e}\n{input}"));
    setup.budget = Budget { events: cut, ..Budget::UNLIMITED };
    let mut bounded = engine::start_setup(s, setup);
    bounded.run_to_end();
    let r = bounded.report();
    assert!(r.events <= cut, "{case}: {} events past a budget of {cut}\n{input}", r.events);
    assert_eq!(r.stopped.is_some(), r.events == cut && bounded.stopped().is_some(), "{case}\n{input}");
}

/// Reads what the page reads every frame and checks it is consistent.
fn look(
    case: Case<'_>,
    sim: &mut dyn Simulation,
    states: &mut Vec<NodeState>,
    flights: &mut Vec<FlightView>,
    input: &str,
) {
    sim.node_states(states);
    assert_eq!(states.len(), sim.positions().len(), "{case}: one state per node\n{input}");
    sim.flights(flights);
    for f in flights.iter() {
        assert!((0.0..=1.0).contains(&f.progress), "{case}: progress {}\n{input}", f.progress);
        assert!((f.from as usize) < states.len() && (f.to as usize) < states.len(), "{case}: {f:?}\n{input}");
    }
    let c = sim.counters();
    let sent: u64 = PacketKind::ALL.iter().map(|k| c.sent[*k as usize]).sum();
    assert!(c.lost <= sent, "{case}: counters lost {} of {sent}\n{input}", c.lost);
    assert!(sim.now() <= sim.end(), "{case}: time {:?} past the end {:?}\n{input}", sim.now(), sim.end());
}

// ---------------------------------------------------------------------------------------------
// JSON trees with duplicate keys and raw numbers
// ---------------------------------------------------------------------------------------------

/// A JSON value as text will carry it: numbers stay raw (`-0`, `1e400`) and objects may repeat
/// a key, which `serde_json::Value` cannot express.
#[derive(Clone, Debug)]
enum J {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn from_value(v: &Value) -> J {
        match v {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => J::Num(n.to_string()),
            Value::String(s) => J::Str(s.clone()),
            Value::Array(a) => J::Arr(a.iter().map(J::from_value).collect()),
            Value::Object(o) => J::Obj(o.iter().map(|(k, v)| (k.clone(), J::from_value(v))).collect()),
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => out.push_str(n),
            J::Str(s) => out.push_str(&Value::String(s.clone()).to_string()),
            J::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            J::Obj(o) => {
                out.push('{');
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    fn text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }
}

/// The real schema's vocabulary, read from serialized scenarios, and valid scenarios to mutate.
struct Schema {
    keys: Vec<String>,
    strings: Vec<String>,
    bases: Vec<J>,
}

fn collect(v: &Value, keys: &mut Vec<String>, strings: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
                collect(v, keys, strings);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect(v, keys, strings)),
        Value::String(s) if !strings.contains(s) && s.len() < 40 => strings.push(s.clone()),
        _ => {}
    }
}

/// Valid scenarios covering every field: the playground's default, the shipped files, and a
/// small one with explicit positions, a crash and ACKs.
fn base_scenarios() -> Vec<Scenario> {
    let mut out = vec![Scenario::default_playground()];
    for name in ["centralized.json", "centralized-acks.json"] {
        let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
        out.push(Scenario::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap());
    }
    let mut small = Scenario::default_playground();
    small.name = "small".into();
    small.group.size = 6;
    small.group.sender = 2;
    small.group.positions = Some(vec![[0.1, 0.2], [0.3, 0.4], [0.5, 0.5], [0.7, 0.8], [0.9, 1.0], [0.0, 0.0]]);
    small.network.loss = 0.25;
    small.protocol = ProtocolSpec::Centralized(CentralizedConfig { reliable: true, ..CentralizedConfig::default() });
    small.workload.messages = 4;
    small.faults = vec![FaultSpec::Crash { at_ms: 12.5, node: 4 }];
    out.push(small);
    let mut grid = Scenario::default_playground();
    grid.group.size = 40;
    grid.group.layout = Layout::Grid;
    grid.network.uplink_bytes_per_sec = 0;
    out.push(grid);
    for s in &out {
        s.validate(&Limits::BROWSER).expect("base scenarios are valid in the browser");
    }
    out
}

fn schema() -> Schema {
    let (mut keys, mut strings) = (Vec::new(), Vec::new());
    let scenarios = base_scenarios();
    let values: Vec<Value> = scenarios.iter().map(|s| serde_json::to_value(s).unwrap()).collect();
    for v in &values {
        collect(v, &mut keys, &mut strings);
    }
    for layout in [Layout::Disk, Layout::Ring, Layout::Grid, Layout::Random] {
        collect(&serde_json::to_value(layout).unwrap(), &mut keys, &mut strings);
    }
    for k in ["version", "seed", "group", "size", "positions", "faults", "kind", "node", "at_ms", "reliable"] {
        assert!(keys.iter().any(|x| x == k), "the schema's keys should include {k}: {keys:?}");
    }
    Schema { keys, strings, bases: values.iter().map(J::from_value).collect() }
}

/// A number as JSON text: boundaries of every range, extremes, and random magnitudes.
fn number(r: &mut ChaCha8Rng) -> String {
    const POOL: &[&str] = &[
        "0",
        "-0",
        "0.0",
        "-0.0",
        "1",
        "2",
        "3",
        "7",
        "-1",
        "-2",
        "0.5",
        "-0.5",
        "0.1",
        "0.09",
        "0.25",
        "1.0",
        "1.5",
        "8",
        "30",
        "31",
        "100",
        "299",
        "300",
        "1000",
        "20000",
        "20001",
        "65535",
        "65536",
        "100000",
        "100001",
        "600000",
        "600001",
        "1000000",
        "1000001",
        "3600000",
        "3600000.5",
        "3600001",
        "10000000",
        "10000001",
        "4294967295",
        "4294967296",
        "9007199254740991",
        "9007199254740992",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "1e3",
        "2.5e6",
        "1e308",
        "-1e308",
        "1.7976931348623157e308",
        "1e-308",
        "5e-324",
        "-5e-324",
        "1e400",
        "-1e400",
        "1e-400",
        "0.30000000000000004",
        "123456789012345678901234567890",
    ];
    match r.random_range(0..10) {
        0..=5 => POOL.choose(r).unwrap().to_string(),
        6 => r.random_range(0..50u32).to_string(),
        7 => {
            let digits = r.random_range(1..24);
            let mut s: String = (0..digits).map(|_| char::from(b'0' + r.random_range(0..10u8))).collect();
            if r.random_bool(0.3) {
                s.insert(0, '-');
            }
            s
        }
        8 => format!("{}", r.random_range(-10.0..1e6f64)),
        _ => {
            let f = f64::from_bits(r.random());
            if f.is_finite() {
                format!("{f:e}")
            } else {
                "1e999".to_string()
            }
        }
    }
}

fn string(r: &mut ChaCha8Rng, s: &Schema) -> String {
    match r.random_range(0..8) {
        0..=2 => s.strings.choose(r).unwrap().clone(),
        3 => s.keys.choose(r).unwrap().clone(),
        4 => ["", " ", "NaN", "Infinity", "-Infinity", "1", "null", "true", "CENTRALIZED", "disk ", "\u{0}", "é"]
            .choose(r)
            .unwrap()
            .to_string(),
        5 => (0..r.random_range(0..20)).map(|_| char::from(r.random_range(32..127u8))).collect(),
        6 => (0..r.random_range(0..8)).filter_map(|_| char::from_u32(r.random_range(0..0x11_0000))).collect(),
        _ => "x".repeat(r.random_range(0..400)),
    }
}

fn scalar(r: &mut ChaCha8Rng, s: &Schema) -> J {
    match r.random_range(0..10) {
        0..=4 => J::Num(number(r)),
        5 | 6 => J::Str(string(r, s)),
        7 => J::Bool(r.random()),
        _ => J::Null,
    }
}

fn key(r: &mut ChaCha8Rng, s: &Schema) -> String {
    if r.random_bool(0.85) {
        s.keys.choose(r).unwrap().clone()
    } else {
        string(r, s)
    }
}

/// A random tree: objects keyed from the schema, arrays, scalars.
fn tree(r: &mut ChaCha8Rng, s: &Schema, depth: u32) -> J {
    if depth == 0 || r.random_bool(0.45) {
        return scalar(r, s);
    }
    let n = r.random_range(0..6);
    if r.random_bool(0.6) {
        J::Obj((0..n).map(|_| (key(r, s), tree(r, s, depth - 1))).collect())
    } else {
        J::Arr((0..n).map(|_| tree(r, s, depth - 1)).collect())
    }
}

/// Mutates one random node of `j`, going deeper with the odds set by `depth`.
fn mutate(j: &mut J, r: &mut ChaCha8Rng, s: &Schema, depth: u32) {
    let stop = [0.02, 0.3, 0.45][depth.min(2) as usize];
    let children = match j {
        J::Arr(a) => a.len(),
        J::Obj(o) => o.len(),
        _ => 0,
    };
    if children == 0 || r.random_bool(stop) {
        mutate_here(j, r, s);
        return;
    }
    let i = r.random_range(0..children);
    match j {
        J::Arr(a) => mutate(&mut a[i], r, s, depth + 1),
        J::Obj(o) => mutate(&mut o[i].1, r, s, depth + 1),
        _ => unreachable!(),
    }
}

fn mutate_here(j: &mut J, r: &mut ChaCha8Rng, s: &Schema) {
    match (j, r.random_range(0..10)) {
        (J::Obj(o), 0..=2) if !o.is_empty() => {
            o.remove(r.random_range(0..o.len()));
        }
        (J::Obj(o), 3 | 4) => {
            let at = r.random_range(0..=o.len());
            let v = tree(r, s, 2);
            o.insert(at, (key(r, s), v));
        }
        (J::Obj(o), 5) if !o.is_empty() => {
            // The same key twice, with the same or another value.
            let (k, v) = o[r.random_range(0..o.len())].clone();
            let v = if r.random() { v } else { scalar(r, s) };
            o.push((k, v));
        }
        (J::Arr(a), 0..=2) if !a.is_empty() => {
            a.remove(r.random_range(0..a.len()));
        }
        (J::Arr(a), 3 | 4) => {
            let v = if !a.is_empty() && r.random() { a[r.random_range(0..a.len())].clone() } else { tree(r, s, 2) };
            a.insert(r.random_range(0..=a.len()), v);
        }
        (J::Num(n), 0..=4) => *n = number(r),
        (J::Str(t), 0..=3) => *t = string(r, s),
        (j, 6) => *j = tree(r, s, 3),
        (j, _) => *j = scalar(r, s),
    }
}

#[test]
fn structured_scenarios_never_panic() {
    let schema = schema();
    let mut r = rng(1);
    let (mut accepted, mut browser, mut ran) = (0u32, 0u32, 0u32);
    let cases = cases(25_000);
    for index in 0..cases {
        let case = Case { family: "structured scenario", index };
        let doc = if index % 10 == 9 {
            // A whole tree from the vocabulary, most often an object at the top.
            let mut t = tree(&mut r, &schema, 4);
            if r.random_bool(0.7) {
                t = J::Obj(
                    (0..r.random_range(0..10)).map(|_| (key(&mut r, &schema), tree(&mut r, &schema, 3))).collect(),
                );
            }
            t
        } else {
            let mut t = schema.bases.choose(&mut r).unwrap().clone();
            for _ in 0..r.random_range(1..=4) {
                mutate(&mut t, &mut r, &schema, 0);
            }
            t
        };
        let text = doc.text();
        if let Some(s) = parse_both(case, &text) {
            accepted += 1;
            browser += u32::from(s.validate(&Limits::BROWSER).is_ok());
            // Big groups cost an O(n) build; the few the fuzz draws are still built and run.
            if std::env::var("SKIPX").is_err() {
                exercise(case, &s);
            }
            ran += 1;
        }
    }
    eprintln!("structured: {cases} documents, {accepted} valid natively ({browser} in the browser), {ran} run");
    // The mutations must keep a fair share valid, or the engine half of the fuzz tests nothing.
    assert!(accepted as usize > cases / 20, "only {accepted} of {cases} mutated scenarios were valid");
    assert!((accepted as usize) < cases * 9 / 10, "{accepted} of {cases} valid: the mutations are too timid");
}

// ---------------------------------------------------------------------------------------------
// Share links and scenario text, damaged
// ---------------------------------------------------------------------------------------------

/// Valid scenarios to damage: the bases and, for variety, scenarios the structured generator
/// finds valid.
fn valid_scenarios(r: &mut ChaCha8Rng, schema: &Schema, extra: usize) -> Vec<Scenario> {
    let mut out = base_scenarios();
    while out.len() < extra {
        let mut t = schema.bases.choose(r).unwrap().clone();
        mutate(&mut t, r, schema, 0);
        if let Ok(s) = Scenario::from_json_with(&t.text(), &Limits::BROWSER) {
            if worst_case_packets(&s) <= 100_000 {
                out.push(s);
            }
        }
    }
    out
}

/// Decodes `fragment` with both limits; what decodes must build and run within its bound.
fn decode_both(case: Case<'_>, fragment: &str) -> bool {
    let native = no_panic(case, "link::decode(NATIVE)", fragment, || link::decode(fragment, &Limits::NATIVE));
    let browser = no_panic(case, "link::decode(BROWSER)", fragment, || link::decode(fragment, &Limits::BROWSER));
    for r in [&native, &browser] {
        if let Err(e) = r {
            check_error(case, fragment, &e.to_string());
        }
    }
    if let Ok(b) = &browser {
        assert_eq!(native.as_ref().ok(), Some(b), "{case}: the browser accepts a link the CLI refuses\n{fragment}");
    }
    match native {
        Ok(s) => {
            exercise(case, &s);
            true
        }
        Err(_) => false,
    }
}

/// One random edit of `bytes`: a bit flip, a random byte, a deletion, an insertion from
/// `alphabet`, a truncation, a duplicated or swapped slice.
fn damage(bytes: &mut Vec<u8>, r: &mut ChaCha8Rng, alphabet: &[u8]) {
    if bytes.is_empty() {
        bytes.push(*alphabet.choose(r).unwrap());
        return;
    }
    let at = r.random_range(0..bytes.len());
    match r.random_range(0..8) {
        0 | 1 => bytes[at] ^= 1 << r.random_range(0..8),
        2 => bytes[at] = *alphabet.choose(r).unwrap(),
        3 => {
            bytes.remove(at);
        }
        4 => bytes.insert(at, *alphabet.choose(r).unwrap()),
        5 => bytes.truncate(at),
        6 => {
            let end = r.random_range(at..=bytes.len().min(at + 16));
            let chunk = bytes[at..end].to_vec();
            let to = r.random_range(0..=bytes.len());
            bytes.splice(to..to, chunk);
        }
        _ => {
            let other = r.random_range(0..bytes.len());
            bytes.swap(at, other);
        }
    }
}

const BASE64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn deflate_link(bytes: &[u8]) -> String {
    format!("v1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(bytes, 1)))
}

#[test]
fn damaged_share_links_never_panic() {
    let schema = schema();
    let mut r = rng(2);
    let links: Vec<String> = valid_scenarios(&mut r, &schema, 60).iter().map(link::encode).collect();
    let mut alphabet = BASE64URL.to_vec();
    alphabet.extend_from_slice(b".=+/#%s ~\x00\xff");
    let (mut decoded, mut intact) = (0u32, 0u32);
    let text_cases = cases(20_000);
    for index in 0..text_cases {
        let case = Case { family: "damaged link text", index };
        let mut bytes = links.choose(&mut r).unwrap().clone().into_bytes();
        for _ in 0..r.random_range(1..=3) {
            damage(&mut bytes, &mut r, &alphabet);
        }
        let mut text = String::from_utf8_lossy(&bytes).into_owned();
        match r.random_range(0..10) {
            0 => text.insert(0, '#'),
            1 => text.insert_str(0, "#s="),
            2 => text = format!("  {text}\n"),
            _ => {}
        }
        decoded += u32::from(decode_both(case, &text));
    }
    // Damage below the base64 layer: the deflate stream itself.
    let deflate_cases = cases(15_000);
    let all_bytes: Vec<u8> = (0..=255).collect();
    for index in 0..deflate_cases {
        let case = Case { family: "damaged deflate stream", index };
        let link = links.choose(&mut r).unwrap();
        let mut packed = URL_SAFE_NO_PAD.decode(&link[3..]).expect("encode makes base64");
        for _ in 0..r.random_range(1..=3) {
            damage(&mut packed, &mut r, &all_bytes);
        }
        let text = format!("v1.{}", URL_SAFE_NO_PAD.encode(&packed));
        let ok = decode_both(case, &text);
        decoded += u32::from(ok);
        intact += u32::from(ok && links.contains(&text));
    }
    eprintln!("links: {} damaged, {decoded} still decoded ({intact} unchanged)", text_cases + deflate_cases);
    // Raw deflate has no checksum, so some damage goes unnoticed, but rarely.
    assert!((decoded as usize) < (text_cases + deflate_cases) / 5, "{decoded} damaged links decoded");
}

/// Tokens that make JSON text interesting when spliced in.
const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "null",
    "true",
    "-",
    "-0",
    "1e999",
    "0.5",
    "\\u0000",
    "\\ud800",
    "\"kind\"",
    "\"size\":",
    "{\"kind\":\"crash\",\"at_ms\":1,\"node\":0}",
    "\"positions\":[[0,0]]",
    "NaN",
    "Infinity",
    "/*",
    "\u{feff}",
    "\u{0}",
];

#[test]
fn damaged_scenario_text_never_panics() {
    let schema = schema();
    let mut r = rng(3);
    let texts: Vec<String> = valid_scenarios(&mut r, &schema, 60)
        .iter()
        .flat_map(|s| [serde_json::to_string(s).unwrap(), s.to_json_pretty()])
        .collect();
    let all_bytes: Vec<u8> = (0..=255).collect();
    let mut accepted = 0u32;
    let cases = cases(20_000);
    for index in 0..cases {
        let case = Case { family: "damaged scenario text", index };
        let mut bytes = texts.choose(&mut r).unwrap().clone().into_bytes();
        for _ in 0..r.random_range(1..=3) {
            if r.random_bool(0.3) {
                let at = r.random_range(0..=bytes.len());
                bytes.splice(at..at, JSON_TOKENS.choose(&mut r).unwrap().bytes());
            } else {
                damage(&mut bytes, &mut r, &all_bytes);
            }
        }
        // As text (made valid UTF-8), and as the inflated body of a link (raw, maybe not UTF-8).
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(s) = parse_both(case, &text) {
            accepted += 1;
            exercise(case, &s);
        }
        if index % 4 == 0 {
            let case = Case { family: "damaged scenario text in a link", index };
            decode_both(case, &deflate_link(&bytes));
        }
    }
    eprintln!("text: {cases} damaged scenarios, {accepted} still valid");
}

// ---------------------------------------------------------------------------------------------
// Random bytes
// ---------------------------------------------------------------------------------------------

fn random_bytes(r: &mut ChaCha8Rng) -> Vec<u8> {
    let len = match r.random_range(0..10) {
        0 => 0,
        1..=7 => r.random_range(1..64),
        8 => r.random_range(64..600),
        _ => r.random_range(600..5000),
    };
    (0..len).map(|_| r.random()).collect()
}

#[test]
fn random_bytes_never_panic() {
    let mut r = rng(4);
    let cases = cases(25_000);
    for index in 0..cases {
        let case = Case { family: "random bytes", index };
        let bytes = random_bytes(&mut r);
        match index % 5 {
            // As a scenario file.
            0 | 1 => {
                parse_both(case, &String::from_utf8_lossy(&bytes));
            }
            // As a link, whole.
            2 => {
                decode_both(case, &String::from_utf8_lossy(&bytes));
            }
            // As a link body: base64url characters after the right prefix.
            3 => {
                let body: String = bytes.iter().map(|b| char::from(BASE64URL[usize::from(b % 64)])).collect();
                decode_both(case, &format!("v1.{body}"));
            }
            // As the inflated JSON of a well-formed link.
            _ => {
                decode_both(case, &deflate_link(&bytes));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions: what the fuzz (and reading the engine for it) found, each pinned
// ---------------------------------------------------------------------------------------------

fn centralized(size: u32, messages: u32, reliable: bool) -> Scenario {
    let mut s = Scenario::default_playground();
    s.group.size = size;
    s.workload.messages = messages;
    s.protocol = ProtocolSpec::Centralized(CentralizedConfig { reliable, ..CentralizedConfig::default() });
    s
}

#[test]
fn runs_too_large_for_the_budget_are_refused_naming_what_drives_them() {
    // A million nodes times a hundred thousand messages passed every per-field check and then
    // asked for 10^11 queued packets (and 12 GB of delivery bitmaps up front).
    let err = centralized(1_000_000, 100_000, false).validate(&Limits::NATIVE).unwrap_err().to_string();
    assert!(err.starts_with("workload.messages: this run is expected to take 100000000000 events"), "{err}");
    assert!(err.contains("more than the 300000000 a run may") && err.contains("--budget"), "{err}");
    // Fewer messages fit the events but not the memory: every copy of every message waits in
    // the uplink at once (a million copies take 416 s to leave).
    let err = refused_on(&centralized(1_000_000, 200, false), &Limits::NATIVE, "workload.messages");
    assert!(err.contains("MiB, more than the 4096 MiB a run may"), "{err}");
    centralized(1_000_000, 50, false).validate(&Limits::NATIVE).unwrap();
    // The browser's budget is smaller and points to the CLI.
    centralized(20_000, 250, false).validate(&Limits::BROWSER).unwrap();
    let err = refused_on(&centralized(20_000, 1_000, false), &Limits::BROWSER, "workload.messages");
    assert!(err.contains("native CLI"), "{err}");
    centralized(20_000, 1_000, false).validate(&Limits::NATIVE).unwrap();
    // The worst case stays a bound on what the rounds may send.
    assert_eq!(centralized(100_000, 200, true).worst_case_packets(0), 200 * 99_999 * 9);
}

#[track_caller]
fn refused_on(s: &Scenario, limits: &Limits, field: &str) -> String {
    let err = s.validate(limits).expect_err("accepted").to_string();
    assert!(err.starts_with(&format!("{field}: ")), "{err}");
    err
}

#[test]
fn the_largest_run_the_cli_accepts_builds() {
    let s = centralized(1_000_000, 50, false);
    let mut sim = engine::build(&s).unwrap();
    assert_eq!(sim.positions().len(), 1_000_000);
    assert!(sim.step(), "the first message is due at time zero");
    assert_eq!(sim.counters().sent[PacketKind::Data as usize], 999_999);
}

#[test]
fn an_unknown_key_is_quoted_and_kept_on_one_line() {
    // Unknown keys are echoed in the error; one with a newline broke the CLI's one-line
    // message, and one of a few kilobytes filled the page's banner.
    let key = format!("a\nb{}", "x".repeat(5000));
    let text = format!(
        r#"{{"version": 1, "seed": 1, "group": {{"size": 3, {}: 1}}, "protocol": {{"kind": "centralized"}}}}"#,
        serde_json::to_string(&key).unwrap()
    );
    let err = Scenario::from_json(&text).unwrap_err().to_string();
    assert!(err.starts_with(r#"group["a\nb"#), "{err}");
    assert!(!err.contains('\n') && err.chars().count() < 600, "{} characters: {err}", err.chars().count());
    let err = Scenario::from_json(r#"{"version": 1, ": ": 2}"#).unwrap_err().to_string();
    assert!(err.starts_with(r#"[": "]: unknown field"#), "{err}");
    // Plain names keep their dotted form.
    let err = Scenario::from_json(r#"{"version": 1, "seed": 1, "group": {"size": 3, "sise": 1}}"#).unwrap_err();
    assert!(err.to_string().starts_with("group.sise: unknown field"), "{err}");
}

#[test]
fn a_link_echoes_only_a_real_version() {
    // Whatever came before the first dot was echoed as "another version": control bytes and
    // megabytes of it.
    let junk = format!("v\u{1}\n{}.AAAA", "z".repeat(100_000));
    let err = link::decode(&junk, &Limits::BROWSER).unwrap_err().to_string();
    assert_eq!(err, "share link: not a playground link (it should start with v1.)");
    let err = link::decode("v12.AAAA", &Limits::BROWSER).unwrap_err().to_string();
    assert!(err.contains("another version of the playground (v12)"), "{err}");
}
