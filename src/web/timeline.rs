//! The run's timeline: copies of the run ([`Simulation::checkpoint`]) taken every so many events
//! as it advances, so that any moment can be shown again. Seeking to a time restores the latest
//! checkpoint at or before it and simulates on to it; the run is deterministic, so what shows is
//! exactly what a straight run to that time shows (same counters, same trace hash).
//!
//! Memory is bounded: past `max` checkpoints, or past [`BUDGET_BYTES`] by their estimated size,
//! every other one is dropped and the spacing doubles, so a run of any length keeps a few dozen
//! at most, evenly spread.
//!
//! Long moves (a seek, End, Run until) are [`Job`]s, advanced in slices of about
//! [`SLICE_MS`] per animation frame so the tab never freezes; they show their progress and can
//! be cancelled.

use super::msg::StepKind;
use mcast::engine::Simulation;
use mcast::time::{SimDuration, SimTime};

/// Wall time a job may take per animation frame (milliseconds).
pub const SLICE_MS: f64 = 12.0;
/// Events run between two looks at the clock within a slice.
const CHUNK: u64 = 4_000;
/// The first spacing between checkpoints, in events; it doubles at each thinning.
const FIRST_EVERY: u64 = 10_000;
/// About what the checkpoints may hold, in node-copies (a checkpoint costs roughly a kilobyte
/// per node: 18 MB for 20,000 nodes part-way through a tree's run, measured natively).
const NODE_COPIES: u64 = 256_000;
/// What the checkpoints may hold by their estimated size ([`estimate`]), in bytes.
const BUDGET_BYTES: u64 = 192 << 20;

/// A checkpoint's size, estimated: a kilobyte per node, and 32 bytes per event that has waited
/// at once at the most (the queue's peak, an upper bound on what it holds).
fn estimate(sim: &dyn Simulation, nodes: u32) -> u64 {
    u64::from(nodes) * 1024 + sim.queue_peak() as u64 * 32
}

/// Where a move in time goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// The state at this simulated time, as `run_until` leaves it.
    Time(SimTime),
    /// The state after exactly this many events.
    Events(u64),
    /// The run's end (what End and `run_to_end` give).
    End,
    /// The first moment, once every message has been sent (the time given: the workload's last
    /// send), that every owed delivery is made (or the end).
    Delivered(SimTime),
    /// Just after the next packet is sent (or the end).
    NextPacket,
}

/// A move in progress.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Job {
    /// Where it goes.
    pub target: Target,
    /// The simulated time it started from (for its progress).
    from: SimTime,
    /// Packets sent when it started (for [`Target::NextPacket`]).
    sent: u64,
}

/// A kept copy of the run.
struct Checkpoint {
    bytes: u64,
    events: u64,
    now: SimTime,
    sim: Box<dyn Simulation>,
}

/// The checkpoints of one run, and the move in progress.
pub struct Timeline {
    checkpoints: Vec<Checkpoint>,
    every: u64,
    max: usize,
    nodes: u32,
    furthest: SimTime,
    job: Option<Job>,
    /// Event counts each step started from, for Back.
    history: Vec<u64>,
}

fn sent(sim: &dyn Simulation) -> u64 {
    sim.counters().sent.iter().sum()
}

impl Timeline {
    /// The timeline of a run that has not started yet: its first checkpoint is the start.
    pub fn new(sim: &dyn Simulation, nodes: u32) -> Timeline {
        let max = (NODE_COPIES / u64::from(nodes.max(1))).clamp(8, 64) as usize;
        let (events, now) = (sim.counters().events, sim.now());
        let first = Checkpoint { bytes: estimate(sim, nodes), events, now, sim: sim.checkpoint() };
        Timeline {
            checkpoints: vec![first],
            every: FIRST_EVERY,
            max,
            nodes,
            furthest: sim.now(),
            job: None,
            history: Vec::new(),
        }
    }

    /// The furthest simulated time the run has reached.
    pub fn furthest(&self) -> SimTime {
        self.furthest
    }

    /// The move in progress, if any.
    pub fn job(&self) -> Option<Job> {
        self.job
    }

    /// How many checkpoints are kept.
    pub fn kept(&self) -> usize {
        self.checkpoints.len()
    }

    /// Notes where the run is: takes a checkpoint if it has gone far enough past the last one,
    /// thinning them out when there are too many. True if it took one (a copy costs time).
    pub fn observe(&mut self, sim: &dyn Simulation) -> bool {
        self.furthest = self.furthest.max(sim.now());
        let events = sim.counters().events;
        let last = self.checkpoints.last().map_or(0, |c| c.events);
        if events < last + self.every {
            return false;
        }
        let bytes = estimate(sim, self.nodes);
        self.checkpoints.push(Checkpoint { bytes, events, now: sim.now(), sim: sim.checkpoint() });
        let held: u64 = self.checkpoints.iter().map(|c| c.bytes).sum();
        if self.checkpoints.len() > self.max || (held > BUDGET_BYTES && self.checkpoints.len() > 2) {
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.every *= 2;
        }
        true
    }

    /// Starts moving to `target` from the latest checkpoint at or before it, if the run is
    /// past the target or that checkpoint is ahead of the run; else onwards from where the run
    /// is. The move runs in [`Timeline::advance`].
    pub fn go(&mut self, sim: &mut Box<dyn Simulation>, target: Target) {
        let events = sim.counters().events;
        let behind = match target {
            Target::Time(t) => t < sim.now(),
            Target::Events(n) => n < events,
            _ => false,
        };
        let at = |c: &Checkpoint| match target {
            Target::Time(t) => c.now <= t,
            Target::Events(n) => c.events <= n,
            _ => false,
        };
        if let Some(c) = self.checkpoints.iter().rev().find(|c| at(c)) {
            if behind || c.events > events {
                *sim = c.sim.checkpoint();
            }
        }
        self.job = Some(Job { target, from: sim.now(), sent: sent(sim.as_ref()) });
    }

    /// A step of `kind` forward, remembered for Back.
    pub fn step(&mut self, sim: &mut Box<dyn Simulation>, kind: StepKind, round: SimDuration) {
        let events = sim.counters().events;
        self.history.push(events);
        let target = match kind {
            StepKind::Event => Target::Events(events + 1),
            StepKind::Packet => Target::NextPacket,
            StepKind::Round => Target::Time(sim.now() + round),
        };
        self.go(sim, target);
    }

    /// Back to where the last step started; without one, one step of `kind` back.
    pub fn back(&mut self, sim: &mut Box<dyn Simulation>, kind: StepKind, round: SimDuration) {
        let events = sim.counters().events;
        let target = match self.history.pop() {
            Some(n) if n < events => Target::Events(n),
            _ => match kind {
                StepKind::Round => Target::Time(SimTime(sim.now().0.saturating_sub(round.0))),
                _ => Target::Events(events.saturating_sub(1)),
            },
        };
        self.go(sim, target);
    }

    /// Forgets the steps taken (after a seek or a run that was not a step).
    pub fn forget_steps(&mut self) {
        self.history.clear();
    }

    /// Stops the move in progress where it is.
    pub fn cancel(&mut self) {
        self.job = None;
    }

    /// How far the move in progress has come, 0 to 1, in simulated time.
    pub fn progress(&self, sim: &dyn Simulation) -> f64 {
        let Some(job) = self.job else { return 1.0 };
        let to = match job.target {
            Target::Time(t) => t.min(sim.end()),
            _ => sim.end(),
        };
        let span = to.0.saturating_sub(job.from.0).max(1) as f64;
        (sim.now().0.saturating_sub(job.from.0) as f64 / span).clamp(0.0, 1.0)
    }

    /// Runs the move in progress for about `budget_ms` of wall time (`clock` gives the time in
    /// ms); true once it has arrived.
    pub fn advance(&mut self, sim: &mut Box<dyn Simulation>, budget_ms: f64, clock: impl Fn() -> f64) -> bool {
        let Some(job) = self.job else { return true };
        let start = clock();
        loop {
            let arrived = Self::chunk(sim, job);
            let copied = self.observe(sim.as_ref());
            if arrived {
                self.job = None;
                return true;
            }
            if copied || clock() - start >= budget_ms {
                return false;
            }
        }
    }

    /// At most [`CHUNK`] events towards `job`'s target; true once there.
    fn chunk(sim: &mut Box<dyn Simulation>, job: Job) -> bool {
        match job.target {
            Target::Time(t) => sim.run_until_bounded(t, CHUNK),
            Target::Events(n) => {
                let left = n.saturating_sub(sim.counters().events);
                sim.run_steps(left.min(CHUNK));
                sim.counters().events >= n || sim.is_done()
            }
            Target::End => {
                sim.run_steps(CHUNK);
                sim.is_done()
            }
            Target::NextPacket => Self::step_while(sim, |s| sent(s) == job.sent),
            Target::Delivered(last_send) => {
                let mut delivered = u64::MAX;
                Self::step_while(sim, |s| {
                    let now = s.counters().deliveries;
                    let unchanged = now == delivered;
                    delivered = now;
                    s.now() < last_send || unchanged || {
                        let (made, owed) = s.owed();
                        made < owed
                    }
                })
            }
        }
    }

    /// Steps one event at a time while `go_on` holds, at most [`CHUNK`] events; true once it no
    /// longer holds or the run is over.
    fn step_while(sim: &mut Box<dyn Simulation>, mut go_on: impl FnMut(&dyn Simulation) -> bool) -> bool {
        for _ in 0..CHUNK {
            if !go_on(sim.as_ref()) || !sim.step() {
                return true;
            }
        }
        !go_on(sim.as_ref()) || sim.is_done()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcast::engine;
    use mcast::scenario::{Limits, Scenario};

    fn preset(file: &str) -> Scenario {
        super::super::gallery::load(file).expect("a preset")
    }

    fn start(s: &Scenario) -> (Box<dyn Simulation>, Timeline) {
        let sim = engine::build_with(s, &Limits::BROWSER).expect("a valid scenario");
        let timeline = Timeline::new(sim.as_ref(), s.group.size);
        (sim, timeline)
    }

    /// Runs the move in progress to its end in slices, as the frame loop does.
    fn arrive(timeline: &mut Timeline, sim: &mut Box<dyn Simulation>) {
        while !timeline.advance(sim, 0.0, || 1.0) {}
    }

    fn straight(s: &Scenario, t: SimTime) -> Box<dyn Simulation> {
        let mut sim = engine::build_with(s, &Limits::BROWSER).expect("a valid scenario");
        sim.run_until(t);
        sim
    }

    #[test]
    fn seeking_back_and_forth_shows_what_a_straight_run_shows() {
        let s = preset("gossip.json");
        let (mut sim, mut timeline) = start(&s);
        timeline.go(&mut sim, Target::Time(SimTime(3_000_000)));
        arrive(&mut timeline, &mut sim);
        assert!(timeline.kept() > 3, "checkpoints taken on the way: {}", timeline.kept());
        for ms in [1_000u64, 2_500, 137, 4_000, 0, 1_000] {
            let t = SimTime(ms * 1000);
            timeline.go(&mut sim, Target::Time(t));
            arrive(&mut timeline, &mut sim);
            let reference = straight(&s, t);
            assert_eq!(sim.counters(), reference.counters(), "counters at {ms} ms");
            assert_eq!(sim.trace_hash(), reference.trace_hash(), "trace hash at {ms} ms");
            assert_eq!(sim.now(), reference.now(), "time at {ms} ms");
        }
        timeline.go(&mut sim, Target::End);
        arrive(&mut timeline, &mut sim);
        let mut whole = engine::build_with(&s, &Limits::BROWSER).expect("a valid scenario");
        whole.run_to_end();
        assert_eq!(sim.report(), whole.report(), "End after seeking gives the straight run's report");
    }

    #[test]
    fn a_step_is_one_event_and_back_undoes_it() {
        let s = preset("gossip.json");
        let (mut sim, mut timeline) = start(&s);
        timeline.go(&mut sim, Target::Events(45_000));
        arrive(&mut timeline, &mut sim);
        let before = (sim.counters(), sim.trace_hash());
        timeline.step(&mut sim, StepKind::Event, SimDuration::from_ms(10));
        arrive(&mut timeline, &mut sim);
        assert_eq!(sim.counters().events, 45_001);
        timeline.back(&mut sim, StepKind::Event, SimDuration::from_ms(10));
        arrive(&mut timeline, &mut sim);
        assert_eq!((sim.counters(), sim.trace_hash()), before);
        let sent_before = sent(sim.as_ref());
        timeline.step(&mut sim, StepKind::Packet, SimDuration::from_ms(10));
        arrive(&mut timeline, &mut sim);
        assert_eq!(sent(sim.as_ref()), sent_before + 1, "to the next packet sent, no further");
    }

    #[test]
    fn until_delivered_stops_at_the_last_owed_delivery() {
        let s = preset("tree.json");
        let (mut sim, mut timeline) = start(&s);
        let last_send = SimTime(400_000);
        timeline.go(&mut sim, Target::Delivered(last_send));
        arrive(&mut timeline, &mut sim);
        let (made, owed) = sim.owed();
        assert_eq!(made, owed);
        let mut whole = engine::build_with(&s, &Limits::BROWSER).expect("a valid scenario");
        whole.run_to_end();
        assert_eq!(sim.now().as_ms_f64(), whole.report().completion_ms, "stops at the last delivery");
    }

    #[test]
    fn thinning_keeps_checkpoints_bounded_and_in_order() {
        let mut s = preset("gossip.json");
        s.group.size = 10_000;
        let (mut sim, mut timeline) = start(&s);
        timeline.go(&mut sim, Target::End);
        arrive(&mut timeline, &mut sim);
        assert!(timeline.kept() <= timeline.max, "{} kept, at most {}", timeline.kept(), timeline.max);
        assert!(timeline.checkpoints.windows(2).all(|w| w[0].events < w[1].events && w[0].now <= w[1].now));
    }

    /// Seeking at a million events: prints the worst seek's wall time.
    #[test]
    #[ignore = "a measurement: cargo test --release --bin multicast-playground -- --ignored --nocapture"]
    fn seek_time_at_a_million_events() {
        let mut s = preset("srm.json");
        s.duration_ms = 30_000.0;
        let (mut sim, mut timeline) = start(&s);
        timeline.go(&mut sim, Target::Events(1_000_000));
        let t0 = std::time::Instant::now();
        arrive(&mut timeline, &mut sim);
        let run = t0.elapsed();
        let end = sim.now().0;
        let mut worst = std::time::Duration::ZERO;
        // Back and forth: each seek from where the last one left the run.
        for i in [19u64, 12, 3, 1, 18, 7, 15, 2, 10, 0] {
            let start = std::time::Instant::now();
            timeline.go(&mut sim, Target::Time(SimTime(end * i / 20)));
            arrive(&mut timeline, &mut sim);
            worst = worst.max(start.elapsed());
        }
        println!(
            "{} events ({} ms simulated) in {run:?}; {} checkpoints, every {} events; worst of 10 seeks {worst:?}",
            1_000_000,
            end / 1000,
            timeline.kept(),
            timeline.every
        );
    }
}
