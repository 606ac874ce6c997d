//! Faults as objects: the scenario's faults (crashes, recoveries, pauses, joins, leaves, churn)
//! and its network partitions listed one per line, each removable; an undo/redo history of fault
//! edits; crashes added from the page at whole milliseconds; and the partition tool, which cuts
//! the nodes inside a region dragged on the canvas off from the rest for a while. Every edit goes
//! into the scenario, so a share link replays it. The scenario edits and the history are free of
//! the browser (tested natively); the panel's markup is [`view`].

use mcast::scenario::{FaultSpec, Limits, PartitionSpec, Scenario, ScenarioError};
use mcast::time::SimTime;

/// How long a partition drawn without a heal time lasts, in milliseconds.
pub const DEFAULT_PARTITION_MS: f64 = 1000.0;
/// How many fault edits Undo can take back.
const HISTORY: usize = 50;

/// One entry of the fault list: a `faults[i]` entry or a `network.partitions[i]` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultRef {
    /// `faults[i]`.
    Fault(usize),
    /// `network.partitions[i]`.
    Partition(usize),
}

/// What the user did in the fault panel.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultMsg {
    /// Remove this entry.
    Remove(FaultRef),
    /// Remove every fault and partition.
    Clear,
    /// Take the last fault edit back.
    Undo,
    /// Do again the edit Undo took back.
    Redo,
    /// Turn the partition tool on or off.
    Tool,
    /// The partition's start field (ms; empty = now).
    From(String),
    /// The partition's heal field (ms; empty = start + [`DEFAULT_PARTITION_MS`]).
    Heal(String),
}

/// The fault panel's state, kept by the component: the history and the partition tool.
#[derive(Default)]
pub struct Panel {
    /// Undo and redo of fault edits.
    pub history: History,
    /// Whether a drag on the canvas draws a partition (rather than panning).
    pub tool: bool,
    /// The partition's start field, as typed.
    pub from: String,
    /// The partition's heal field, as typed.
    pub heal: String,
}

/// The scenario's faults and partitions: what the history keeps of each edit.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultSet {
    faults: Vec<FaultSpec>,
    partitions: Vec<PartitionSpec>,
}

impl FaultSet {
    /// The faults and partitions of `s`.
    pub fn of(s: &Scenario) -> FaultSet {
        FaultSet { faults: s.faults.clone(), partitions: s.network.partitions.clone() }
    }

    /// No faults and no partitions.
    pub fn none() -> FaultSet {
        FaultSet { faults: Vec::new(), partitions: Vec::new() }
    }

    /// `s` with these faults and partitions instead of its own, validated.
    pub fn applied_to(&self, s: &Scenario) -> Result<Scenario, ScenarioError> {
        let mut s = s.clone();
        s.faults.clone_from(&self.faults);
        s.network.partitions.clone_from(&self.partitions);
        s.name.clear();
        s.validate(&Limits::BROWSER)?;
        Ok(s)
    }
}

/// Undo and redo of fault edits: the fault sets before each edit, and those undone.
#[derive(Default)]
pub struct History {
    undo: Vec<FaultSet>,
    redo: Vec<FaultSet>,
}

impl History {
    /// An edit was made; `before` is the fault set it replaced. Clears what could be redone.
    pub fn record(&mut self, before: FaultSet) {
        self.undo.push(before);
        if self.undo.len() > HISTORY {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// The fault set to go back to from `current`, if any (`current` becomes redoable).
    pub fn undo(&mut self, current: FaultSet) -> Option<FaultSet> {
        let back = self.undo.pop()?;
        self.redo.push(current);
        Some(back)
    }

    /// The fault set to go forward to from `current`, if any (`current` becomes undoable).
    pub fn redo(&mut self, current: FaultSet) -> Option<FaultSet> {
        let forward = self.redo.pop()?;
        self.undo.push(current);
        Some(forward)
    }

    /// Whether Undo / Redo have something to do.
    pub fn can(&self) -> (bool, bool) {
        (!self.undo.is_empty(), !self.redo.is_empty())
    }
}

/// The first whole millisecond at or after `now`, and never time 0: a crash added from the page
/// lands on a round number that a person can read back and type into the JSON.
pub fn whole_ms_from(now: SimTime) -> f64 {
    (now.0.div_ceil(1000)).max(1) as f64
}

/// `s` with node `node` crashing at the first whole millisecond at or after `now` (see
/// [`whole_ms_from`]).
pub fn with_crash(s: &Scenario, node: u32, now: SimTime) -> Scenario {
    let mut s = s.clone();
    s.faults.push(FaultSpec::Crash { at_ms: whole_ms_from(now), node });
    s.name.clear();
    s
}

/// `s` without entry `r`, validated (removing a crash its recovery depends on is refused).
pub fn without(s: &Scenario, r: FaultRef) -> Result<Scenario, ScenarioError> {
    let mut s = s.clone();
    let gone = match r {
        FaultRef::Fault(i) if i < s.faults.len() => s.faults.remove(i).kind_name(),
        FaultRef::Partition(i) if i < s.network.partitions.len() => {
            s.network.partitions.remove(i);
            "partition"
        }
        _ => return Err(ScenarioError::invalid("faults", "that fault is no longer in the scenario")),
    };
    s.name.clear();
    s.validate(&Limits::BROWSER)
        .map_err(|e| ScenarioError::invalid("faults", format!("removing the {gone} leaves {e}")))?;
    Ok(s)
}

/// The partition window the tool's fields name: from the `from` field (empty: the first whole
/// millisecond at or after `now`) to the `heal` field (empty: [`DEFAULT_PARTITION_MS`] later).
pub fn window(from: &str, heal: &str, now: SimTime) -> Result<(f64, f64), ScenarioError> {
    let number = |field: &str, v: &str| {
        v.trim().parse::<f64>().map_err(|_| ScenarioError::invalid(field, format!("not a number: `{v}`")))
    };
    let from_ms = if from.trim().is_empty() { whole_ms_from(now) } else { number("partition from (ms)", from)? };
    let to_ms =
        if heal.trim().is_empty() { from_ms + DEFAULT_PARTITION_MS } else { number("partition heals at (ms)", heal)? };
    Ok((from_ms, to_ms))
}

/// `s` with the nodes `inside` cut off from every other node over `[from_ms, to_ms)`, validated.
pub fn with_partition(s: &Scenario, inside: Vec<u32>, (from_ms, to_ms): (f64, f64)) -> Result<Scenario, ScenarioError> {
    if inside.is_empty() {
        return Err(ScenarioError::invalid("partition", "the region holds no node: drag around some nodes"));
    }
    let mut s = s.clone();
    s.network.partitions.push(PartitionSpec { from_ms, to_ms, a: inside, b: None, one_way: false });
    s.name.clear();
    let at = format!("network.partitions[{}]", s.network.partitions.len() - 1);
    s.validate(&Limits::BROWSER).map_err(|e| ScenarioError::invalid(at, e.to_string()))?;
    Ok(s)
}

/// The group's first `size` nodes whose drawn position (`place` of its unit position) lies in
/// the rectangle with corners `a` and `b`.
pub fn nodes_in(
    positions: &[[f64; 2]],
    size: u32,
    place: impl Fn([f64; 2]) -> (f64, f64),
    a: (f64, f64),
    b: (f64, f64),
) -> Vec<u32> {
    let (x0, x1, y0, y1) = (a.0.min(b.0), a.0.max(b.0), a.1.min(b.1), a.1.max(b.1));
    (0..size.min(positions.len() as u32))
        .filter(|&i| {
            let (x, y) = place(positions[i as usize]);
            (x0..=x1).contains(&x) && (y0..=y1).contains(&y)
        })
        .collect()
}

/// Each entry of the fault list and its line: `node 3 crashes at 12 ms`.
pub fn entries(s: &Scenario) -> Vec<(FaultRef, String)> {
    let faults = s.faults.iter().enumerate().map(|(i, f)| (FaultRef::Fault(i), describe(f)));
    let parts = s.network.partitions.iter().enumerate().map(|(i, p)| (FaultRef::Partition(i), describe_partition(p)));
    faults.chain(parts).collect()
}

/// A fault in words, as the fault list and the preset's note show it.
pub fn describe(f: &FaultSpec) -> String {
    match f {
        FaultSpec::Crash { at_ms, node } => format!("node {node} crashes at {at_ms} ms"),
        FaultSpec::Recover { at_ms, node } => format!("node {node} recovers at {at_ms} ms"),
        FaultSpec::Pause { at_ms, node } => format!("node {node} pauses at {at_ms} ms"),
        FaultSpec::Resume { at_ms, node } => format!("node {node} resumes at {at_ms} ms"),
        FaultSpec::Join { at_ms } => format!("a node joins at {at_ms} ms"),
        FaultSpec::Leave { at_ms, node } => format!("node {node} leaves at {at_ms} ms"),
        FaultSpec::Churn { join_per_sec, leave_per_sec, from_ms, to_ms } => {
            format!("churn {from_ms}–{to_ms} ms: {join_per_sec} joins/s, {leave_per_sec} leaves/s")
        }
    }
}

fn describe_partition(p: &PartitionSpec) -> String {
    let nodes = |n: usize| if n == 1 { "1 node".to_string() } else { format!("{n} nodes") };
    let other = p.b.as_ref().map_or("the rest".to_string(), |b| nodes(b.len()));
    let way = if p.one_way { " (one way)" } else { "" };
    format!("partition {}–{} ms: {} cut off from {other}{way}", p.from_ms, p.to_ms, nodes(p.a.len()))
}

/// The short name of an entry's kind, for messages.
trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for FaultSpec {
    fn kind_name(&self) -> &'static str {
        match self {
            FaultSpec::Crash { .. } => "crash",
            FaultSpec::Recover { .. } => "recovery",
            FaultSpec::Pause { .. } => "pause",
            FaultSpec::Resume { .. } => "resume",
            FaultSpec::Join { .. } => "join",
            FaultSpec::Leave { .. } => "leave",
            FaultSpec::Churn { .. } => "churn",
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use panel::view;

#[cfg(target_arch = "wasm32")]
#[path = "faults_view.rs"]
mod panel;

#[cfg(test)]
mod tests {
    use super::*;

    fn crashed(at_us: u64) -> Scenario {
        with_crash(&Scenario::default_playground(), 3, SimTime(at_us))
    }

    #[test]
    fn crashes_land_on_whole_milliseconds_and_never_at_time_zero() {
        assert_eq!(whole_ms_from(SimTime(0)), 1.0);
        assert_eq!(whole_ms_from(SimTime(1000)), 1.0);
        assert_eq!(whole_ms_from(SimTime(1001)), 2.0);
        assert_eq!(crashed(12_345).faults, vec![FaultSpec::Crash { at_ms: 13.0, node: 3 }]);
    }

    #[test]
    fn the_list_names_each_fault_and_removing_one_restores_the_scenario() {
        let base = Scenario::default_playground();
        let s = crashed(12_345);
        assert_eq!(entries(&s), vec![(FaultRef::Fault(0), "node 3 crashes at 13 ms".to_string())]);
        let back = without(&s, FaultRef::Fault(0)).expect("valid");
        assert_eq!(back.faults, base.faults);
        assert!(without(&s, FaultRef::Fault(7)).is_err());
        assert!(without(&s, FaultRef::Partition(0)).is_err());
    }

    #[test]
    fn removing_a_crash_its_recovery_needs_is_refused_with_a_reason() {
        let mut s = crashed(0);
        s.faults.push(FaultSpec::Recover { at_ms: 50.0, node: 3 });
        s.validate(&Limits::BROWSER).expect("valid");
        let e = without(&s, FaultRef::Fault(0)).expect_err("refused").to_string();
        assert!(e.starts_with("faults: removing the crash leaves faults[0]"), "{e}");
    }

    #[test]
    fn partitions_are_added_listed_and_checked() {
        let base = Scenario::default_playground();
        let w = window("", "", SimTime(2_500)).expect("valid");
        assert_eq!(w, (3.0, 1003.0));
        assert_eq!(window("10", "40", SimTime(0)).expect("valid"), (10.0, 40.0));
        assert!(window("ten", "", SimTime(0)).is_err());
        let s = with_partition(&base, vec![1, 2], w).expect("valid");
        assert_eq!(s.network.partitions.len(), 1);
        assert_eq!(entries(&s)[0].1, "partition 3–1003 ms: 2 nodes cut off from the rest");
        assert!(with_partition(&base, vec![], w).is_err());
        let e = with_partition(&base, vec![1], (50.0, 10.0)).expect_err("refused").to_string();
        assert!(e.starts_with("network.partitions[0]"), "{e}");
        let json = Scenario::from_json_with(&s.to_json_pretty(), &Limits::BROWSER).expect("round trip");
        assert_eq!(json.network.partitions, s.network.partitions);
    }

    #[test]
    fn nodes_in_a_region_are_those_drawn_inside_it() {
        let positions = [[0.1, 0.1], [0.5, 0.5], [0.9, 0.9], [0.5, 0.6]];
        let place = |p: [f64; 2]| (p[0] * 100.0, p[1] * 100.0);
        assert_eq!(nodes_in(&positions, 4, place, (60.0, 70.0), (40.0, 40.0)), vec![1, 3]);
        assert_eq!(nodes_in(&positions, 2, place, (0.0, 0.0), (100.0, 100.0)), vec![0, 1]);
    }

    #[test]
    fn undo_and_redo_walk_the_fault_edits() {
        let base = Scenario::default_playground();
        let s = crashed(5_000);
        let mut h = History::default();
        assert_eq!(h.can(), (false, false));
        h.record(FaultSet::of(&base));
        let back = h.undo(FaultSet::of(&s)).expect("one edit");
        assert_eq!(back.applied_to(&s).expect("valid").faults, base.faults);
        assert_eq!(h.can(), (false, true));
        let again = h.redo(FaultSet::of(&base)).expect("redoable");
        assert_eq!(again.applied_to(&base).expect("valid").faults, s.faults);
        assert!(h.redo(FaultSet::of(&s)).is_none());
    }
}
