//! Side by side: the current scenario (network, group, workload, faults and seed) under two to
//! six protocols the user picks, animated together on small canvases in step with one shared
//! simulated clock, then their results in one table and two charts (latency CDF, deliveries over
//! time). The protocol the user configured keeps its parameters; the others run with their
//! defaults. The lanes advance for a slice of page time per animation frame, so the tab never
//! freezes (see [`Comparison::frame`]).

use super::compare_chart::{self as chart, LANE_COLOURS};
use super::compare_lane::Lane;
use super::dom;
use super::msg::{CompareAction, Download, Msg};
use super::refusal;
use super::results::Summary;
use mcast::export::Compared;
use mcast::protocols::FAMILIES;
use mcast::scenario::{ProtocolSpec, Scenario, ScenarioError};
use mcast::text::thousands;
use mcast::time::SimTime;
use web_sys::HtmlCanvasElement;
use yew::{html, Callback, Html, NodeRef};

/// Page time (ms) the lanes may run for in one animation frame; drawing them comes on top.
const SLICE_MS: f64 = 10.0;
/// Events a lane runs at a time before the next lane's turn (a few milliseconds at most).
const CHUNK: u64 = 250;
/// The least page time (ms) between two drawings of the lanes while they run.
const DRAW_MS: f64 = 50.0;
/// The most protocols animated side by side, and the fewest.
pub const MOST: usize = 6;
const FEWEST: usize = 2;
/// The protocols picked when the comparison opens: the user's and the first in the page's order.
const DEFAULT_PICKS: usize = 5;
/// Above this many members, SRM runs over native multicast in the comparison (see [`native_because`]).
const SRM_UNICAST_MOST: u32 = 1_000;

/// A protocol the user may pick: its label, scenario, and whether it is the user's own.
struct Choice {
    label: &'static str,
    yours: bool,
    picked: bool,
    scenario: Scenario,
}

/// A picked protocol the page may not run, and why (one line, and the full text).
pub struct Refused {
    label: &'static str,
    short: String,
    full: String,
}

/// The comparison: the choices, the lanes running, their shared clock, and the charts.
pub struct Comparison {
    choices: Vec<Choice>,
    lanes: Vec<Lane>,
    refused: Vec<Refused>,
    clock: SimTime,
    playing: bool,
    finishing: bool,
    /// When the lanes were last drawn (page ms).
    drawn_at: f64,
    /// The lane that runs first in the next frame.
    turn: usize,
    cdf: NodeRef,
    deliveries: NodeRef,
}

/// The protocols compared: each registered family's contenders.
fn contenders() -> Vec<ProtocolSpec> {
    FAMILIES.iter().flat_map(|f| f.contenders()).collect()
}

/// The page's clock, in milliseconds.
fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Why `s` runs over native multicast in the comparison although it asks for unicast: SRM
/// multicasts every request and repair to the whole group, which over application-level
/// multicast costs n − 1 copies through one uplink each.
fn native_because(s: &Scenario) -> Option<String> {
    let big_srm = s.protocol.kind() == "srm" && s.group.size > SRM_UNICAST_MOST;
    (big_srm && !s.network.native_multicast).then(|| {
        format!(
            "over application-level multicast each SRM repair costs {} copies through one uplink, which makes a comparison of large groups slow (at 2,000 members and 10 % loss, 5 messages take 27 M events, against 9 M over native multicast), so above {} members this column runs over native multicast",
            thousands(u64::from(s.group.size - 1)),
            thousands(u64::from(SRM_UNICAST_MOST))
        )
    })
}

/// A refused protocol: the page's one-sentence refusal (as the banner words it, without the
/// banner's ending), and the engine's words with the estimate behind the toggle.
fn refused(label: &'static str, s: &Scenario, e: &ScenarioError) -> Refused {
    let r = refusal::refusal("", Some(s), e);
    let short = r.headline.strip_suffix(refusal::UNCHANGED).unwrap_or(&r.headline).trim_end_matches('.').to_string();
    let full = if r.details.is_empty() { e.to_string() } else { r.details };
    Refused { label, short, full }
}

impl Comparison {
    /// Opens the comparison of `scenario`: the user's protocol and the first others picked, up
    /// to [`DEFAULT_PICKS`], and starts them.
    pub fn start(scenario: &Scenario) -> Comparison {
        let mine = &scenario.protocol;
        let variants = mine.info().contenders().len();
        let same = |p: &ProtocolSpec| p.kind() == mine.kind() && (variants == 1 || p.label() == mine.label());
        let mut choices: Vec<Choice> = contenders()
            .into_iter()
            .map(|p| {
                let yours = same(&p);
                let mut s = scenario.clone();
                if !yours {
                    let had_overlay = s.protocol.info().needs_overlay();
                    s.protocol = p;
                    super::form::overlay_service(&mut s, had_overlay);
                }
                Choice { label: s.protocol.label(), yours, picked: yours, scenario: s }
            })
            .collect();
        let mut room = DEFAULT_PICKS - usize::from(choices.iter().any(|c| c.yours));
        for c in choices.iter_mut().filter(|c| !c.yours) {
            if room == 0 {
                break;
            }
            c.picked = true;
            room -= 1;
        }
        let mut c = Comparison {
            choices,
            lanes: Vec::new(),
            refused: Vec::new(),
            clock: SimTime::ZERO,
            playing: true,
            finishing: false,
            drawn_at: 0.0,
            turn: 0,
            cdf: NodeRef::default(),
            deliveries: NodeRef::default(),
        };
        c.restart();
        c
    }

    /// Builds a lane for every picked protocol, from time zero.
    fn restart(&mut self) {
        self.lanes.clear();
        self.refused.clear();
        self.clock = SimTime::ZERO;
        self.finishing = false;
        // A column that needs the overlay the user's scenario lacks runs over it, from its
        // warm-up on (see `form::overlay_service`), and says so.
        let base = self.choices.iter().find(|c| c.yours).map(|c| c.scenario.membership.service);
        for c in self.choices.iter().filter(|c| c.picked) {
            let mut s = c.scenario.clone();
            let because = native_because(&s);
            s.network.native_multicast |= because.is_some();
            let mut label = c.label.to_string();
            if because.is_some() {
                label.push_str(" (native multicast)");
            }
            if base.is_some_and(|b| b != s.membership.service) && s.protocol.info().needs_overlay() {
                label.push_str(&format!(" (over HyParView, from {} ms)", thousands(s.workload.start_ms as u64)));
            }
            match Lane::start(label, c.yours, &s) {
                Ok(mut lane) => {
                    lane.native_because = because;
                    self.lanes.push(lane);
                }
                Err(e) => self.refused.push(refused(c.label, &s, &e)),
            }
        }
    }

    /// Does what the comparison's controls ask: a new pick starts the lanes again, playing.
    pub fn act(&mut self, action: CompareAction) {
        match action {
            CompareAction::Pick(i) => {
                let picked = self.choices.iter().filter(|c| c.picked).count();
                if let Some(c) = self.choices.get_mut(i) {
                    if c.picked && picked > FEWEST {
                        c.picked = false;
                    } else if !c.picked && picked < MOST {
                        c.picked = true;
                    }
                }
                self.restart();
                self.playing = true;
            }
            CompareAction::TogglePlay => {
                if self.is_done() {
                    self.restart();
                    self.playing = true;
                } else {
                    self.playing = !self.playing;
                }
            }
            CompareAction::Finish => self.finishing = true,
        }
    }

    /// When the last lane's run ends at the latest.
    fn end(&self) -> SimTime {
        self.lanes.iter().map(|l| l.sim.end()).max().unwrap_or(SimTime::ZERO)
    }

    /// Whether every lane's run is over.
    pub fn is_done(&self) -> bool {
        self.lanes.iter().all(Lane::is_done)
    }

    /// One animation frame: moves the shared clock `sim_ms` of simulated time on (to the end
    /// while finishing), the lanes toward it in turns of [`CHUNK`] events for at most
    /// [`SLICE_MS`] of page time; the clock only goes as far as every lane got, so the lanes
    /// stay in step. Redraws the lanes; true if anything moved.
    pub fn frame(&mut self, sim_ms: f64) -> bool {
        if self.is_done() || !(self.playing || self.finishing) {
            return false;
        }
        let end = self.end();
        let target =
            if self.finishing { end } else { (self.clock + mcast::time::SimDuration::from_ms_f64(sim_ms)).min(end) };
        let started = now_ms();
        let mut reached = vec![false; self.lanes.len()];
        // Turns go round the lanes, starting one further each frame, so none waits on the others.
        let n = self.lanes.len().max(1);
        self.turn = (self.turn + 1) % n;
        'slice: loop {
            for i in (0..n).map(|k| (self.turn + k) % n) {
                if let (Some(lane), Some(got)) = (self.lanes.get_mut(i), reached.get_mut(i)) {
                    if !*got {
                        *got = lane.advance(target, CHUNK);
                    }
                }
                if now_ms() - started > SLICE_MS {
                    break 'slice;
                }
            }
            if reached.iter().all(|&r| r) {
                break;
            }
        }
        let behind = self.lanes.iter().zip(&reached).filter(|(_, got)| !**got).map(|(l, _)| l.sim.now()).min();
        self.clock = self.clock.max(behind.map_or(target, |t| t.min(target)));
        // Drawing five large groups costs as much as running them: at most every DRAW_MS.
        if self.is_done() || started - self.drawn_at >= DRAW_MS {
            self.drawn_at = started;
            for lane in &mut self.lanes {
                lane.draw();
            }
        }
        if self.is_done() {
            self.playing = false;
            self.finishing = false;
        }
        true
    }

    /// Draws the two charts (the latency CDF of each finished lane, and each lane's deliveries
    /// so far), and the lanes when they are not moving (moving, [`Comparison::frame`] draws them).
    pub fn draw_charts(&mut self) {
        if !(self.playing || self.finishing) || self.is_done() {
            for lane in &mut self.lanes {
                lane.draw();
            }
        }
        let colour = |i: usize| LANE_COLOURS[i % LANE_COLOURS.len()];
        let cdf: Vec<chart::Line> = self
            .lanes
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.finished.as_ref().map(|f| chart::cdf_line(&l.label, colour(i), &f.cdf)))
            .collect();
        let deliveries: Vec<chart::Line> = self
            .lanes
            .iter()
            .enumerate()
            .map(|(i, l)| chart::delivery_line(&l.label, colour(i), l.sim.as_ref()))
            .collect();
        for (canvas, lines, title) in [
            (&self.cdf, &cdf, "Latency CDF: fraction of deliveries within x ms (finished protocols)"),
            (&self.deliveries, &deliveries, "Deliveries over time: fraction of owed deliveries made by t"),
        ] {
            if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                let size = super::canvas::fit(&el);
                if let Some(ctx) = dom::context_2d(&el) {
                    chart::draw(&ctx, size, lines, title, dom::pixel_ratio());
                }
            }
        }
    }

    /// The comparison for the exports: each picked protocol's report (runs not over yet are
    /// left out) or refusal.
    pub fn compared(&self) -> Vec<Compared> {
        let ran = self
            .lanes
            .iter()
            .filter_map(|l| l.finished.as_ref().map(|f| Compared::new(&l.label, Ok(f.report.clone()))));
        let refused = self.refused.iter().map(|r| Compared::new(r.label, Err(r.short.clone())));
        ran.chain(refused).collect()
    }

    /// The canvas of a chart: `cdf` or `deliveries`.
    pub fn chart_canvas(&self, which: &str) -> &NodeRef {
        if which == "cdf" {
            &self.cdf
        } else {
            &self.deliveries
        }
    }
}

/// A lane's cell: its label, its canvas and its live counters.
fn lane_view(i: usize, lane: &Lane) -> Html {
    let c = lane.counters();
    let colour = LANE_COLOURS[i % LANE_COLOURS.len()];
    html! {
        <figure class={if lane.yours { "lane yours" } else { "lane" }} id={format!("lane-{i}")}
            data-protocol={lane.label.clone()} data-done={lane.is_done().to_string()}
            data-deliveries={c.deliveries.to_string()} data-hash={lane.sim.trace_hash()} data-now-us={lane.sim.now().0.to_string()}>
            <figcaption title={lane.native_because.clone().unwrap_or_default()}>
                <span class="swatch" style={format!("background:{colour}")}></span>
                { lane.label.clone() }
                if lane.yours { <span class="hint">{ " (yours)" }</span> }
            </figcaption>
            <canvas ref={lane.canvas().clone()} aria-label={format!("{}: nodes and packets in flight", lane.label)}></canvas>
            <p class="lane-counters">
                <span title="Deliveries made over deliveries owed so far">{ format!("{} / {} delivered", c.deliveries, c.owed) }</span>
                <span title="Payload packets sent: data, retransmissions, repairs, gossip">{ format!("{} payload", c.payload) }</span>
                <span title="Control packets sent: ACKs, NAKs, sessions, status, digests, pulls, probes, membership">{ format!("{} control", c.control) }</span>
            </p>
        </figure>
    }
}

/// The picker: a checkbox per protocol, at most [`MOST`] and at least [`FEWEST`] picked.
fn picker(c: &Comparison, send: &Callback<Msg>) -> Html {
    let picked = c.choices.iter().filter(|c| c.picked).count();
    html! {
        <fieldset class="compare-pick" id="compare-pick">
            <legend>{ format!("Protocols side by side ({picked} of {FEWEST} to {MOST})") }</legend>
            { for c.choices.iter().enumerate().map(|(i, ch)| html! {
                <label>
                    <input type="checkbox" value={ch.label} checked={ch.picked}
                        disabled={(ch.picked && picked <= FEWEST) || (!ch.picked && picked >= MOST)}
                        onchange={send.reform(move |_| Msg::CompareDo(CompareAction::Pick(i)))} />
                    { ch.label }
                    if ch.yours { <span class="hint">{ " (yours)" }</span> }
                </label>
            }) }
        </fieldset>
    }
}

/// The table: a row per figure (its meaning as the tooltip), a column per lane.
fn table(c: &Comparison) -> Html {
    html! {
        <table>
            <thead>
                <tr>
                    <th scope="col"><span class="sr-only">{ "Figure" }</span></th>
                    { for c.lanes.iter().map(|l| html! {
                        <th class={if l.yours { "yours" } else { "" }} title={l.native_because.clone().unwrap_or_default()}>
                            { l.label.clone() }
                            if l.yours { <span class="hint">{ " (yours)" }</span> }
                        </th>
                    }) }
                </tr>
            </thead>
            <tbody>
                { for Summary::figures().iter().map(|f| html! {
                    <tr id={format!("compare-{}", f.id)}>
                        <th title={f.means}>{ f.label }</th>
                        { for c.lanes.iter().map(|l| html! {
                            <td class={if l.yours { "yours" } else { "" }} title={f.means}>
                                { match &l.finished {
                                    Some(done) => done.summary.value(f.id).unwrap_or("–").to_string(),
                                    None if f.id == "delivered" => "running…".to_string(),
                                    None => String::new(),
                                } }
                            </td>
                        }) }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// A refused protocol: one short line, the full text behind a toggle.
fn refused_view(r: &Refused) -> Html {
    html! {
        <details class="refused">
            <summary>{ format!("{}: refused: {}", r.label, r.short) }</summary>
            <p class="hint">{ r.full.clone() }</p>
        </details>
    }
}

/// The comparison over the canvas: picker, controls, lanes, table, charts, exports.
pub fn view(c: &Comparison, send: &Callback<Msg>) -> Html {
    let act = |a: CompareAction| send.reform(move |_| Msg::CompareDo(a));
    let download = |d: Download| send.reform(move |_| Msg::Export(d));
    html! {
        <div class="compare" id="compare" role="dialog" aria-label="Protocols side by side" data-done={c.is_done().to_string()}>
            <div class="compare-head">
                <h2>{ "Side by side: the same network, group, workload, faults and seed" }</h2>
                <button id="compare-close" aria-label="Close" onclick={send.reform(|_| Msg::CloseCompare)}>{ "×" }</button>
            </div>
            { picker(c, send) }
            <div class="row buttons compare-run">
                <button id="compare-play" class="primary" onclick={act(CompareAction::TogglePlay)}>
                    { if c.is_done() { "Replay" } else if c.playing && !c.finishing { "Pause" } else { "Play" } }
                </button>
                <button id="compare-finish" disabled={c.is_done()} title="Run every protocol to its end, a slice per frame" onclick={act(CompareAction::Finish)}>{ "End" }</button>
                <span class="compare-clock" id="compare-clock" data-us={c.clock.0.to_string()} title="The shared simulated clock: every lane shows this moment">
                    { format!("t = {:.1} of {:.0} ms, at the toolbar's speed", c.clock.as_ms_f64(), c.end().as_ms_f64()) }
                </span>
            </div>
            <div class="lanes" id="compare-lanes">{ for c.lanes.iter().enumerate().map(|(i, l)| lane_view(i, l)) }</div>
            { for c.lanes.iter().filter_map(|l| l.native_because.as_ref().map(|why| (l, why))).map(|(l, why)| html! {
                <p class="hint compare-native">{ format!("{}: {why}.", l.label) }</p>
            }) }
            { for c.refused.iter().map(refused_view) }
            { table(c) }
            <div class="compare-charts">
                <canvas id="compare-cdf" ref={c.cdf.clone()} aria-label="Latency CDF per protocol"></canvas>
                <canvas id="compare-deliveries" ref={c.deliveries.clone()} aria-label="Deliveries over time per protocol"></canvas>
            </div>
            <p class="hint">{ "Lines in each protocol's colour (the swatch by its name). Other protocols run with their default parameters; edit a protocol's parameters and compare again to see yours." }</p>
            <div class="row buttons exports" aria-label="Export the comparison">
                <button id="export-compare-json" disabled={!c.is_done()} onclick={download(Download::ComparisonJson)}>{ "Comparison JSON" }</button>
                <button id="export-compare-csv" disabled={!c.is_done()} onclick={download(Download::ComparisonCsv)}>{ "Comparison CSV" }</button>
                <button id="export-cdf-png" onclick={download(Download::CdfPng)}>{ "CDF PNG" }</button>
                <button id="export-deliveries-png" onclick={download(Download::DeliveriesPng)}>{ "Deliveries PNG" }</button>
            </div>
        </div>
    }
}
