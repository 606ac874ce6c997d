//! The stage: the page's two canvases (the group in the middle, the chart strip under it) and
//! everything drawing them needs between frames. Every animation frame the group is
//! redrawn, when something changed, from the engine's snapshot (node states, packets in flight,
//! each node's upstream) read into buffers kept from frame to frame, so a frame allocates
//! nothing; re-attachments (a node whose upstream moved to another live node) are remembered
//! here and drawn bright, fading over [`FRESH_EDGE_MS`] of page time. The protocol's overlay is
//! read only every [`overlay::READ_EVERY_MS`] while the run moves (see [`super::overlay`]). Yew state holds none of
//! this: the component owns one [`Stage`] and the view only places its canvases.

use super::selection::Selection;
use super::zoom::Zoom;
use super::{canvas, chart, dom, inspector, overlay};
use mcast::engine::{FlightView, NodeState, Simulation, NO_UPSTREAM};
use mcast::protocol::OverlayLink;
use mcast::scenario::Scenario;
use web_sys::HtmlCanvasElement;
use yew::NodeRef;

/// How long a re-attached edge stays bright, in page milliseconds.
const FRESH_EDGE_MS: f64 = 2500.0;

/// The canvases and what drawing them keeps between frames.
pub struct Stage {
    /// The group's canvas (`#stage`).
    canvas: NodeRef,
    /// The chart's canvas (`#chart`).
    chart: NodeRef,
    /// The group canvas's size in device pixels at the last draw.
    size: (f64, f64),
    /// Whether the group needs drawing at the next frame.
    dirty: bool,
    /// The snapshot: each node's state and the packets in flight.
    states: Vec<NodeState>,
    flights: Vec<FlightView>,
    /// The frame buffer for large groups.
    pixels: canvas::Pixels,
    /// The protocol's structure and its fresh edges, as drawn.
    edges: canvas::Edges,
    /// Last frame's upstreams, and when (page time, ms) each node last re-attached.
    prev_up: Vec<u32>,
    attached_at: Vec<(u32, f64)>,
    /// Nodes drawn crashed and infective at the last draw, and whether any node has been drawn
    /// infective since the run started.
    crashed: u32,
    infective: u32,
    seen_infective: bool,
    /// What the chart's lines show for this scenario, the family's model included.
    informed: chart::Informed,
    /// The picked nodes, ringed on the canvas.
    selection: Selection,
    /// The view's zoom and pan, and the partition tool's region being dragged (device pixels).
    zoom: Zoom,
    region: Option<((f64, f64), (f64, f64))>,
    /// Reduced motion: the group is redrawn at most every [`REDUCED_MOTION_MS`], and when (page
    /// time, ms) it was last drawn.
    reduced_motion: bool,
    drawn_at: f64,
    /// The overlay's latest reading (swapped with the drawn one when it differs), when (page
    /// time, ms) it was read, and whether it must be read at the next draw.
    overlay_read: Vec<mcast::protocol::OverlayEdge>,
    overlay_read_at: f64,
    overlay_stale: bool,
    /// How long (page ms) to wait between readings: [`overlay::READ_EVERY_MS`], or longer for
    /// an overlay slow to read.
    overlay_every: f64,
    /// Whether the run moved since the overlay was last read.
    overlay_behind: bool,
    /// The scenario's attackers, marked on the group ([`super::attackers_view::mark`]).
    attackers: Vec<u32>,
}

/// How often the group is redrawn at most when the user asks for reduced motion (page ms):
/// packets then jump a few times a second instead of gliding.
pub const REDUCED_MOTION_MS: f64 = 250.0;

impl Stage {
    /// A stage not drawn yet.
    pub fn new() -> Stage {
        Stage {
            canvas: NodeRef::default(),
            chart: NodeRef::default(),
            size: (0.0, 0.0),
            dirty: true,
            states: Vec::new(),
            flights: Vec::new(),
            pixels: canvas::Pixels::default(),
            edges: canvas::Edges { show_overlay: true, ..canvas::Edges::default() },
            prev_up: Vec::new(),
            attached_at: Vec::new(),
            crashed: 0,
            infective: 0,
            seen_infective: false,
            informed: chart::Informed::default(),
            selection: Selection::default(),
            zoom: Zoom::default(),
            region: None,
            reduced_motion: false,
            drawn_at: f64::NEG_INFINITY,
            overlay_read: Vec::new(),
            overlay_read_at: f64::NEG_INFINITY,
            overlay_stale: true,
            overlay_every: overlay::READ_EVERY_MS,
            overlay_behind: false,
            attackers: Vec::new(),
        }
    }

    /// The group's canvas, for the view to place.
    pub fn canvas(&self) -> &NodeRef {
        &self.canvas
    }

    /// The chart's canvas, for the view to place.
    pub fn chart(&self) -> &NodeRef {
        &self.chart
    }

    /// A new run of `scenario` starts: forget the old run's re-attachments and infective nodes,
    /// learn what the chart draws for it, and draw it at the next frame.
    pub fn restart(&mut self, scenario: &Scenario) {
        self.prev_up.clear();
        self.attached_at.clear();
        self.seen_infective = false;
        self.informed = chart::Informed::of(scenario);
        self.edges.overlay.clear();
        self.overlay_stale = true;
        self.attackers = super::attackers::nodes(scenario);
        self.dirty = true;
    }

    /// What the chart's lines show, the family's model included, for the chart's legend.
    pub fn informed(&self) -> &chart::Informed {
        &self.informed
    }

    /// The run moved on: draw it at the next frame.
    pub fn moved(&mut self) {
        self.dirty = true;
        self.overlay_behind = true;
    }

    /// A move in time (a seek, End, run until) has arrived: draw it at the next frame with the
    /// overlay read at the arrival, not up to [`overlay::READ_EVERY_MS`] later.
    pub fn arrived(&mut self) {
        self.moved();
        self.overlay_stale = true;
    }

    /// One animation frame: draws the group if the run moved, the canvas changed size or a fresh
    /// edge is still fading (it fades even while paused).
    pub fn frame(&mut self, sim: &mut dyn Simulation) {
        if let Some(el) = self.canvas.cast::<HtmlCanvasElement>() {
            let (w, h) = (f64::from(el.client_width()), f64::from(el.client_height()));
            let dpr = dom::pixel_ratio();
            if ((w * dpr) as u32, (h * dpr) as u32) != (self.size.0 as u32, self.size.1 as u32) {
                self.dirty = true;
            }
        }
        if !self.attached_at.is_empty() {
            self.dirty = true;
        }
        // The run moved since the overlay was last read: read it again once due, even if the
        // run has stopped moving since (the last reading of a seek must not be its start).
        if self.overlay_behind && page_ms() - self.overlay_read_at >= self.overlay_every {
            self.dirty = true;
        }
        if self.reduced_motion && self.dirty && page_ms() - self.drawn_at < REDUCED_MOTION_MS {
            return;
        }
        if self.dirty {
            self.dirty = false;
            self.paint(sim);
        }
    }

    /// Reads the snapshot, the overlay included, and draws the group now (after a user's
    /// action: what it changed shows at once).
    pub fn draw(&mut self, sim: &mut dyn Simulation) {
        self.overlay_stale = true;
        self.paint(sim);
    }

    /// Reads the snapshot (the overlay only if due, see [`overlay::READ_EVERY_MS`] and
    /// [`overlay::READ_SPACING`]) and draws
    /// the group.
    fn paint(&mut self, sim: &mut dyn Simulation) {
        let Some(el) = self.canvas.cast::<HtmlCanvasElement>() else {
            return;
        };
        let size = canvas::fit(&el);
        let Some(ctx) = dom::context_2d(&el) else {
            return;
        };
        sim.node_states(&mut self.states);
        self.count_states();
        sim.flights(&mut self.flights);
        self.track_edges(sim);
        self.read_overlay(sim, size);
        canvas::draw(
            &ctx,
            size,
            &self.zoom,
            sim.positions(),
            &self.states,
            &self.flights,
            &self.edges,
            &mut self.pixels,
        );
        let marked = super::attackers_view::mark(&ctx, size, &self.zoom, sim.positions(), &self.attackers);
        let _ = el.set_attribute("data-attackers", &marked.to_string());
        inspector::draw_rings(&ctx, size, &self.zoom, sim.positions(), &self.selection, dom::pixel_ratio());
        if let Some((a, b)) = self.region {
            canvas::region(&ctx, a, b);
        }
        self.size = size;
        self.drawn_at = page_ms();
    }

    /// Counts the nodes drawn crashed and infective, in one pass.
    fn count_states(&mut self) {
        let (mut crashed, mut infective) = (0, 0);
        for s in &self.states {
            match s {
                NodeState::Crashed => crashed += 1,
                NodeState::Infective => infective += 1,
                _ => {}
            }
        }
        (self.crashed, self.infective) = (crashed, infective);
        self.seen_infective |= infective > 0;
    }

    /// Reads the protocol's structure and notes re-attachments (a node whose upstream changed to
    /// another live node), which the canvas draws bright for [`FRESH_EDGE_MS`] of page time.
    fn track_edges(&mut self, sim: &dyn Simulation) {
        let now = page_ms();
        sim.upstreams(&mut self.edges.up);
        let up = &self.edges.up;
        if self.prev_up.len() == up.len() {
            for (node, (old, new)) in self.prev_up.iter().zip(up).enumerate() {
                if old != new && *old != NO_UPSTREAM && *new != NO_UPSTREAM {
                    self.attached_at.push((node as u32, now));
                }
            }
        }
        self.attached_at.retain(|(_, t)| now - t < FRESH_EDGE_MS);
        self.edges.fresh.clear();
        self.edges.fresh.extend(self.attached_at.iter().map(|&(n, t)| (n, 1.0 - (now - t) / FRESH_EDGE_MS)));
        self.prev_up.clone_from(&self.edges.up);
    }

    /// Reads the overlay again if it is due, and plans what of it a frame of `size` draws.
    fn read_overlay(&mut self, sim: &dyn Simulation, size: (f64, f64)) {
        let now = page_ms();
        let periodic = !self.overlay_stale && now - self.overlay_read_at >= self.overlay_every;
        if self.overlay_stale || periodic {
            sim.overlay(&mut self.overlay_read);
            self.edges.overlay.update(&mut self.overlay_read);
            let took = page_ms() - now;
            self.overlay_every = overlay::READ_EVERY_MS.max(took * overlay::READ_SPACING);
            (self.overlay_stale, self.overlay_read_at, self.overlay_behind) = (false, now, false);
        }
        // A periodic reading is drawn at the next frame: no frame both reads and redraws it.
        if periodic {
            self.dirty = true;
        } else if self.edges.overlay_drawn() {
            let frame = canvas::Frame::zoomed(size, &self.zoom);
            let (x0, y0) = frame.at([0.0, 0.0]);
            self.edges.overlay.plan(sim.positions(), |p| frame.at(p), [x0, y0, frame.side], size);
        }
    }

    /// The overlay's kinds as drawn, weakest first, each with how sparsely (one line in k; 0:
    /// none), and whether the overlay is shown.
    pub fn overlay_kinds(&self) -> (Vec<(OverlayLink, usize)>, bool) {
        (self.edges.overlay.kinds(), self.edges.show_overlay)
    }

    /// `node`'s own overlay links by kind, as last read.
    pub fn overlay_links(&self, node: u32) -> Vec<(OverlayLink, Vec<u32>)> {
        self.edges.overlay.grouped(node)
    }

    /// Shows or hides the overlay.
    pub fn toggle_overlay(&mut self) {
        self.edges.show_overlay = !self.edges.show_overlay;
        self.dirty = true;
    }

    /// Draws the chart of the run so far; `owed` (every delivery owed) is its 100 %.
    pub fn draw_chart(&self, sim: &dyn Simulation, owed: u64) {
        let Some(el) = self.chart.cast::<HtmlCanvasElement>() else {
            return;
        };
        let size = canvas::fit(&el);
        let (Some(ctx), Some(series)) = (dom::context_2d(&el), sim.chart(chart::COLUMNS)) else {
            return;
        };
        chart::draw(&ctx, size, &series, owed, &self.informed, dom::pixel_ratio());
    }

    /// The node drawn under a click at `css` (CSS pixels from the canvas's corner), if there is
    /// one: the canvas's one hit test.
    pub fn node_at(&self, sim: &dyn Simulation, css: (f64, f64)) -> Option<u32> {
        let dpr = dom::pixel_ratio();
        canvas::node_at(self.size, &self.zoom, sim.positions(), (css.0 * dpr, css.1 * dpr))
    }

    /// Whether `node` is drawn up: neither crashed already nor outside the group.
    pub fn is_live(&self, node: u32) -> bool {
        !matches!(self.states.get(node as usize), None | Some(NodeState::Crashed | NodeState::Absent))
    }

    /// The state `node` was drawn in at the last draw.
    pub fn state_of(&self, node: u32) -> Option<NodeState> {
        self.states.get(node as usize).copied()
    }

    /// Whether `node` is one of the scenario's attackers.
    pub fn is_attacker(&self, node: u32) -> bool {
        self.attackers.contains(&node)
    }

    /// Rings the picked nodes from the next draw on.
    pub fn select(&mut self, selection: &Selection) {
        if (self.selection.node, &self.selection.lanes) != (selection.node, &selection.lanes) {
            self.selection.clone_from(selection);
            self.dirty = true;
        }
        // The overlay links drawn highlighted: the hovered node's, else the selected one's.
        let focus = selection.hover.map(|h| h.0).or(selection.node);
        if focus != self.edges.focus {
            self.edges.focus = focus;
            self.dirty = true;
        }
    }

    /// The nodes drawn crashed at the last draw.
    pub fn crashed(&self) -> u32 {
        self.crashed
    }

    /// The nodes drawn infective at the last draw.
    pub fn infective(&self) -> u32 {
        self.infective
    }

    /// Whether the page shows the epidemic states (susceptible, infective, removed): the family
    /// has an epidemic model, or a node of this run has been infective.
    pub fn epidemic(&self) -> bool {
        self.informed.model.is_some() || self.seen_infective
    }

    /// Honour the user's wish for reduced motion (see [`REDUCED_MOTION_MS`]).
    pub fn set_reduced_motion(&mut self, on: bool) {
        self.reduced_motion = on;
    }

    /// Zooms by `factor` about `css` (CSS pixels from the canvas's corner; `None`: its centre).
    pub fn zoom_at(&mut self, css: Option<(f64, f64)>, factor: f64) {
        let at = css.map_or((self.size.0 / 2.0, self.size.1 / 2.0), |(x, y)| {
            let dpr = dom::pixel_ratio();
            (x * dpr, y * dpr)
        });
        self.zoom.zoom_at(at, factor);
        self.dirty = true;
    }

    /// Pans a zoomed view by `css` CSS pixels.
    pub fn pan(&mut self, css: (f64, f64)) {
        let dpr = dom::pixel_ratio();
        self.zoom.pan((css.0 * dpr, css.1 * dpr), self.size);
        self.dirty = true;
    }

    /// Back to the whole group.
    pub fn reset_view(&mut self) {
        self.zoom = Zoom::default();
        self.dirty = true;
    }

    /// The view's zoom (1 = the whole group).
    pub fn scale(&self) -> f64 {
        self.zoom.scale
    }

    /// Shows (or, with `None`, hides) the partition tool's region, corners in CSS pixels.
    pub fn set_region(&mut self, css: Option<((f64, f64), (f64, f64))>) {
        let dpr = dom::pixel_ratio();
        self.region = css.map(|(a, b)| ((a.0 * dpr, a.1 * dpr), (b.0 * dpr, b.1 * dpr)));
        self.dirty = true;
    }

    /// The first `members` nodes drawn inside the rectangle with corners `a` and `b` (CSS pixels).
    pub fn nodes_in(&self, sim: &dyn Simulation, members: u32, a: (f64, f64), b: (f64, f64)) -> Vec<u32> {
        let dpr = dom::pixel_ratio();
        let frame = canvas::Frame::zoomed(self.size, &self.zoom);
        let scale = |p: (f64, f64)| (p.0 * dpr, p.1 * dpr);
        super::faults::nodes_in(sim.positions(), members, |p| frame.at(p), scale(a), scale(b))
    }
}

/// The page's clock (ms), or 0 without one.
fn page_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
