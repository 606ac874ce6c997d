//! One protocol of the side-by-side comparison: its run of the shared scenario, its small canvas
//! and what drawing it keeps between frames, and, once the run is over, its results, report and
//! latency distribution. [`super::compare`] advances every lane to the same simulated time.

use super::canvas;
use super::dom;
use super::results::Summary;
use mcast::engine::{self, FlightView, NodeState, Simulation};
use mcast::metrics::Report;
use mcast::protocol::PacketKind;
use mcast::scenario::{Limits, Scenario, ScenarioError};
use mcast::time::{SimDuration, SimTime};
use web_sys::HtmlCanvasElement;
use yew::NodeRef;

/// Points of each lane's latency CDF.
pub const CDF_POINTS: usize = 101;

/// What a finished lane measured.
pub struct Finished {
    /// The figures the table shows.
    pub summary: Summary,
    /// The full report, for the exports.
    pub report: Report,
    /// Latency (ms) at `CDF_POINTS` evenly spaced quantiles.
    pub cdf: Vec<f64>,
}

/// A protocol's run in the comparison.
pub struct Lane {
    /// The protocol as the page labels it; `(native multicast)` appended when it runs so.
    pub label: String,
    /// Whether this is the user's own configuration.
    pub yours: bool,
    /// Why the lane runs over native multicast although the scenario says unicast.
    pub native_because: Option<String>,
    /// The run.
    pub sim: Box<dyn Simulation>,
    /// Set once the run is over.
    pub finished: Option<Finished>,
    canvas: NodeRef,
    states: Vec<NodeState>,
    flights: Vec<FlightView>,
    edges: canvas::Edges,
    pixels: canvas::Pixels,
    /// The scenario's attackers, marked as on the main canvas.
    attackers: Vec<u32>,
}

/// A lane's live counters: deliveries made and owed, payload and control packets sent.
pub struct LaneCounters {
    /// Deliveries made.
    pub deliveries: u64,
    /// Deliveries owed so far.
    pub owed: u64,
    /// Payload packets sent.
    pub payload: u64,
    /// Control packets sent.
    pub control: u64,
}

impl Lane {
    /// Builds the run of `scenario` (recording packets in flight and the time series, as the
    /// main run does); the refusal if the page may not run it.
    pub fn start(label: String, yours: bool, scenario: &Scenario) -> Result<Lane, ScenarioError> {
        let mut sim = engine::build_with(scenario, &Limits::BROWSER)?;
        sim.set_recording(true);
        sim.record_series(series_bucket(scenario));
        Ok(Lane {
            label,
            yours,
            native_because: None,
            sim,
            finished: None,
            canvas: NodeRef::default(),
            states: Vec::new(),
            flights: Vec::new(),
            edges: canvas::Edges::default(),
            pixels: canvas::Pixels::default(),
            attackers: super::attackers::nodes(scenario),
        })
    }

    /// The lane's canvas, for the view to place.
    pub fn canvas(&self) -> &NodeRef {
        &self.canvas
    }

    /// Runs toward `t` with at most `budget` events; true if it got there (or is over). Notes
    /// the results when the run ends.
    pub fn advance(&mut self, t: SimTime, budget: u64) -> bool {
        if self.finished.is_some() {
            return true;
        }
        let reached = self.sim.run_until_within(t, budget);
        if self.sim.is_done() {
            let report = self.sim.report();
            self.finished = Some(Finished {
                summary: Summary::of(&report),
                cdf: self.sim.latency_quantiles_ms(CDF_POINTS),
                report,
            });
        }
        reached
    }

    /// Whether the run is over.
    pub fn is_done(&self) -> bool {
        self.finished.is_some()
    }

    /// Deliveries, owed deliveries, payload and control packets so far.
    pub fn counters(&self) -> LaneCounters {
        let c = self.sim.counters();
        let payload = PacketKind::ALL.iter().filter(|k| k.is_payload()).map(|&k| c.sent[k as usize]).sum();
        let all: u64 = c.sent.iter().sum();
        LaneCounters { deliveries: c.deliveries, owed: self.sim.owed().1, payload, control: all - payload }
    }

    /// Draws the group as it is now on the lane's canvas.
    pub fn draw(&mut self) {
        let Some(el) = self.canvas.cast::<HtmlCanvasElement>() else {
            return;
        };
        let size = canvas::fit(&el);
        let Some(ctx) = dom::context_2d(&el) else {
            return;
        };
        self.sim.node_states(&mut self.states);
        self.sim.flights(&mut self.flights);
        self.sim.upstreams(&mut self.edges.up);
        let whole = super::zoom::Zoom::default();
        canvas::draw(
            &ctx,
            size,
            &whole,
            self.sim.positions(),
            &self.states,
            &self.flights,
            &self.edges,
            &mut self.pixels,
        );
        super::attackers_view::mark(&ctx, size, &whole, self.sim.positions(), &self.attackers);
    }
}

/// The bucket of a lane's time series: the main run's (1 ms, or a round in rounds mode).
fn series_bucket(s: &Scenario) -> SimDuration {
    match s.network.mode {
        mcast::scenario::NetworkMode::Rounds { round_ms } => SimDuration::from_ms_f64(round_ms),
        mcast::scenario::NetworkMode::Async => SimDuration::from_ms(1),
    }
}
