//! The page's markup: controls on the left, the canvas in the middle, counters and legend on the
//! right. Element ids are stable: the browser tests and people's bookmarks rely on them.

use super::canvas::{node_colour, packet_colour, LOST_COLOUR};
use super::chart::Informed;
use super::compare::Comparison;
use super::msg::{Field, Msg};
use super::results::Summary;
use super::selection::Selection;
use super::zoom::{PointerPhase, ViewMsg};
use mcast::engine::{NodeState, NodeView};
use mcast::metrics::Counters;
use mcast::protocol::PacketKind;
use mcast::protocols::Structure;
use mcast::scenario::{Layout, NetworkMode, Scenario};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::{
    component, html, AttrValue, Callback, Event, Html, MouseEvent, NodeRef, PointerEvent, Properties, TargetCast,
};

/// What the page shows, read from the component: the view sees nothing else of it, and
/// everything the user does goes back through `send`.
pub struct Page<'a> {
    /// The applied scenario.
    pub scenario: &'a Rc<Scenario>,
    /// Whether the run is playing.
    pub playing: bool,
    /// The error banner's text, if one is up.
    pub error: Option<&'a str>,
    /// The refusal the banner shows, with its details and ways out, if it is one.
    pub refusal: Option<&'a super::refusal::Refusal>,
    /// The last share link made, or empty.
    pub share_link: &'a str,
    /// The counters.
    pub shown: &'a Shown,
    /// The group's canvas (the stage draws both canvases).
    pub stage: &'a NodeRef,
    /// The chart's canvas.
    pub chart: &'a NodeRef,
    /// What the chart's lines show, the family's model included.
    pub informed: &'a Informed,
    /// The run's results, once it is over.
    pub summary: Option<&'a Summary>,
    /// The comparison of every protocol, while its table is open.
    pub comparison: Option<&'a Comparison>,
    /// Refused control edits so far (see [`ControlsProps::refused_edits`]).
    pub refused_edits: u32,
    /// The picked nodes.
    pub selection: &'a Selection,
    /// The selected node as the inspector shows it.
    pub inspected: Option<&'a NodeView>,
    /// The state of the node under the pointer, for its tooltip.
    pub hover_state: Option<NodeState>,
    /// Whether the node under the pointer is an attacker, for its tooltip.
    pub hover_attacker: bool,
    /// The overlay links of the node under the pointer, by kind, for its tooltip.
    pub hover_links: Vec<(mcast::protocol::OverlayLink, Vec<u32>)>,
    /// What the page shows of the protocol's overlay.
    pub overlay: super::overlay_view::Shown,
    /// The sequence diagram's canvas.
    pub sequence: &'a NodeRef,
    /// How many messages the run has (the sequence diagram's picker).
    pub messages: u32,
    /// The last selection said to screen readers.
    pub announced: &'a str,
    /// Where the page sends what the user did.
    pub send: &'a Callback<Msg>,
    /// The run toolbar above the canvas.
    pub bar: super::toolbar::Bar<'a>,
    /// The fault panel's state (history, partition tool).
    pub faults: &'a super::faults::Panel,
    /// Whether the help dialog is open.
    pub help: bool,
    /// The screen reader's live region.
    pub live: &'a super::live::Live,
    /// The group canvas's zoom (1 = the whole group).
    pub scale: f64,
    /// Whether the user asked for reduced motion.
    pub reduced_motion: bool,
}

/// What the counters show; the component re-renders only when it changes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shown {
    /// The engine's counters.
    pub counters: Counters,
    /// Simulated time, in tenths of a millisecond.
    pub now_tenth_ms: u64,
    /// The trace hash so far.
    pub hash: String,
    /// Whether the run is over.
    pub done: bool,
    /// Why the run stopped before its end, if it spent its budget (`"event budget"`).
    pub stopped: Option<&'static str>,
    /// Nodes crashed so far.
    pub crashed: u32,
    /// Nodes infective now ([`NodeState::Infective`]).
    pub infective: u32,
    /// Whether the page shows the epidemic states: the family has an epidemic model, or a node
    /// of this run has been infective.
    pub epidemic: bool,
    /// Deliveries made and owed, as the report counts them (filled in only when shown).
    pub owed: (u64, u64),
}

fn counter(id: &str, label: &str, value: String, colour: Option<&'static str>) -> Html {
    html! {
        <div class="counter" title={super::explain::counter_means(id)}>
            <span class="swatch" style={colour.map(|c| format!("background:{c}")).unwrap_or_default()}></span>
            <span class="label">{ label }</span>
            <span class="value" id={id.to_string()} data-testid={id.to_string()}>{ value }</span>
        </div>
    }
}

fn legend_item(colour: &'static str, label: &str, round: bool) -> Html {
    let class = if round { "swatch round" } else { "swatch" };
    html! { <li><span class={class} style={format!("background:{colour}")}></span>{ label }</li> }
}

/// A legend entry for a node state drawn with a shape of its own (`cross`, `ring`).
fn shaped_item(colour: &'static str, label: &str, shape: &str) -> Html {
    html! { <li><span class={format!("swatch {shape}")} style={format!("color:{colour}")}></span>{ label }</li> }
}

/// What the controls panel shows; it re-renders only when these change, so the counters'
/// updates never reset a value the user is typing.
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// The applied scenario.
    pub scenario: Rc<Scenario>,
    /// The last share link made, or empty.
    pub share_link: AttrValue,
    /// Refused control edits so far: the scenario's controls are keyed on it, so a refusal
    /// rebuilds them from the running scenario (the JSON editor keeps what was typed).
    pub refused_edits: u32,
    /// Where the controls send what the user did.
    pub send: Callback<Msg>,
}

fn on_input(send: &Callback<Msg>, field: Field) -> Callback<Event> {
    send.reform(move |e: Event| Msg::Set(field, e.target_unchecked_into::<HtmlInputElement>().value()))
}

fn on_select(send: &Callback<Msg>, field: Field) -> Callback<Event> {
    send.reform(move |e: Event| Msg::Set(field, e.target_unchecked_into::<HtmlSelectElement>().value()))
}

fn click(send: &Callback<Msg>, m: fn() -> Msg) -> Callback<MouseEvent> {
    send.reform(move |_: MouseEvent| m())
}

/// The scenario, run and share controls.
#[component]
pub fn Controls(p: &ControlsProps) -> Html {
    html! {
        <section class="panel controls" aria-label="Scenario">
            <div key={p.refused_edits.to_string()} style="display: contents">
                { preset_controls(&p.scenario, &p.send) }
                { scenario_controls(&p.scenario, &p.send) }
            </div>
            { run_controls(p) }
            { share_controls(p) }
        </section>
    }
}

/// The preset picker, and what the chosen preset shows.
fn preset_controls(s: &Scenario, send: &Callback<Msg>) -> Html {
    let preset = super::gallery::matching(s);
    html! {
        <>
            <h2>{ "Gallery" }</h2>
            <select id="preset" aria-label="Preset" onchange={on_select(send, Field::Preset)}>
                <option value="" selected={preset.is_none()} disabled=true>{ "Choose a preset…" }</option>
                { for super::gallery::groups().into_iter().map(|(group, presets)| html! {
                    <optgroup label={group}>
                        { for presets.into_iter().map(|p| html! {
                            <option value={p.file} selected={preset.is_some_and(|q| q.file == p.file)}>{ p.title }</option>
                        }) }
                    </optgroup>
                }) }
            </select>
            if let Some(p) = preset {
                <p class="hint" id="preset-shows">{ p.shows }</p>
                if let Some(why) = super::explain::preset_why(p.file) { <p class="hint" id="preset-why"><b>{ "Why it matters: " }</b>{ why }</p> }
            }
            { super::about::view(s, send) }
        </>
    }
}

/// The scenario's controls: protocol, group, network, workload, seed, protocol parameters.
fn scenario_controls(s: &Scenario, send: &Callback<Msg>) -> Html {
    let layout = match s.group.layout {
        Layout::Disk => "disk",
        Layout::Ring => "ring",
        Layout::Grid => "grid",
        Layout::Random => "random",
    };
    html! {
        <>
            <h2>{ "Scenario" }</h2>
            { super::params::picker(s, send) }
            <label for="group-size">{ "Group size" }</label>
            <input id="group-size" type="number" min="2" max="20000" value={s.group.size.to_string()} onchange={on_input(send, Field::Size)} />
            <label for="loss">{ "Packet loss (%)" }</label>
            <input id="loss" type="number" min="0" max="100" step="1" value={format!("{}", s.network.loss * 100.0)} onchange={on_input(send, Field::Loss)} />
            <label for="uplink">{ "Uplink per node (MB/s, 0 = unlimited)" }</label>
            <input id="uplink" type="number" min="0" step="0.1" value={format!("{}", s.network.uplink_bytes_per_sec as f64 / 1e6)} onchange={on_input(send, Field::Uplink)} />
            <label for="multicast">{ "Multicast" }</label>
            <select id="multicast" title="How a protocol's multicast packet leaves its sender (SRM, RMTP): one copy per member through the uplink, or once, replicated by the network" onchange={on_select(send, Field::Multicast)}>
                <option value="unicast" selected={!s.network.native_multicast}>{ "application-level (a copy per member)" }</option>
                <option value="native" selected={s.network.native_multicast}>{ "native, IP-style (one send)" }</option>
            </select>
            if let Some(st) = &s.workload.stream {
                { super::stream_view::controls(st, send) }
            } else {
                <label for="messages">{ messages_label(s) }</label>
                <input id="messages" type="number" min="1" value={s.workload.messages.to_string()} onchange={on_input(send, Field::Messages)} />
            }
            <label for="layout">{ "Layout" }</label>
            <select id="layout" onchange={on_select(send, Field::Layout)}>
                { for ["disk", "ring", "grid", "random"].into_iter().map(|l| html! { <option value={l} selected={l == layout}>{ l }</option> }) }
            </select>
            <label for="seed">{ "Seed" }</label>
            <div class="row">
                <input id="seed" type="number" min="0" value={s.seed.to_string()} onchange={on_input(send, Field::Seed)} />
                <button id="new-seed" title="Draw a new seed" onclick={click(send, || Msg::NewSeed)}>{ "New" }</button>
            </div>
            { super::attackers_view::controls(s, send) }
            { super::params::editor(s, send) }
        </>
    }
}

/// Play, reset, end, compare, and the animation speed.
fn run_controls(p: &ControlsProps) -> Html {
    let send = &p.send;
    html! {
        <>
            <h2>{ "Run" }</h2>
            <p class="hint">{ "Play, Step, End, the time slider, the duration and the speed are in the toolbar above the group." }</p>
            <button id="compare-all" class="wide" title="Animate this scenario under two to six protocols side by side, then compare their results" onclick={click(send, || Msg::Compare)}>{ "Compare protocols" }</button>
        </>
    }
}

/// The share link, and the scenario as JSON to read, edit and apply.
fn share_controls(p: &ControlsProps) -> Html {
    let send = &p.send;
    html! {
        <>
            <h2>{ "Share" }</h2>
            <button id="share" onclick={click(send, || Msg::Share)}>{ "Copy share link" }</button>
            if !p.share_link.is_empty() {
                <input id="share-link" class="share-link" readonly=true value={p.share_link.clone()} />
                <p class="hint">{ "Copied. Anyone opening it replays exactly this run." }</p>
            }
            <super::json_editor::JsonEditor scenario={p.scenario.clone()} send={send.clone()} />
        </>
    }
}

/// The legend's entry for the lines the protocol draws between nodes, if it draws any.
fn structure_item(structure: Structure) -> Html {
    let label = match structure {
        Structure::Flat => return html! {},
        Structure::Tree => "tree edge (bright: just re-attached)",
        Structure::Regions => "line to the designated receiver (bright: just moved)",
    };
    html! { <li><span class="swatch edge"></span>{ label }</li> }
}

/// The kinds SWIM sends when the scenario names it as the membership service (see
/// `SwimMsg::kind` in `src/protocols/swim/wire.rs`).
const SWIM_PACKETS: [PacketKind; 3] = [PacketKind::Ping, PacketKind::PingReq, PacketKind::Suspect];

/// The kinds HyParView sends when the scenario names it as the membership service (see
/// `HpvMsg::kind` in `src/protocols/hyparview/wire.rs`).
const HYPARVIEW_PACKETS: [PacketKind; 3] = [PacketKind::Join, PacketKind::Neighbor, PacketKind::Shuffle];

/// Whether the legend lists `k`: the kinds the family sends (its `PACKETS`) and SWIM's or
/// HyParView's when it is the membership service, always; any other kind once one was sent.
fn shows_kind(s: &Scenario, c: &Counters, k: PacketKind) -> bool {
    s.protocol.info().packets().contains(&k)
        || (s.membership.swim().is_some() && SWIM_PACKETS.contains(&k))
        || (s.membership.hyparview().is_some() && HYPARVIEW_PACKETS.contains(&k))
        || c.sent[k as usize] > 0
}

/// Whether the counters list `k`: as the legend, but JOIN and LEAVE only once one was sent
/// (every family answers churn, few scenarios have it).
fn counts_kind(s: &Scenario, c: &Counters, k: PacketKind) -> bool {
    shows_kind(s, c, k) && (!matches!(k, PacketKind::Join | PacketKind::Leave) || c.sent[k as usize] > 0)
}

/// The round the run is in, in the round-synchronous network mode: simulated time over the
/// round's length, rounded down (round 0 is the first).
fn round(shown: &Shown, round_ms: f64) -> u64 {
    (shown.now_tenth_ms as f64 / 10.0 / round_ms + 1e-9).floor() as u64
}

/// The round counter and what it counts, in the round-synchronous network mode.
fn round_counter(s: &Scenario, shown: &Shown) -> Html {
    let NetworkMode::Rounds { round_ms } = s.network.mode else { return html! {} };
    html! {
        <>
            { counter("round", "Round", round(shown, round_ms).to_string(), None) }
            <p class="hint" id="round-hint">{ format!(
                "Round-synchronous network: a packet sent in round k arrives at the start of round k + 1; \
                 round = simulated time ÷ {round_ms} ms, from round 0."
            ) }</p>
        </>
    }
}

/// The counters: packets by kind, losses, deliveries, nodes, time, round, events, the trace hash
/// and status.
fn counters(s: &Scenario, shown: &Shown, playing: bool) -> Html {
    let c = &shown.counters;
    let (status, label) = match shown.stopped {
        Some(reason) => ("stopped", format!("stopped: {reason}")),
        None if shown.done => ("done", "done".to_string()),
        None if playing => ("running", "running".to_string()),
        None => ("paused", "paused".to_string()),
    };
    html! {
        <>
            <h2>{ "Counters" }</h2>
            { for PacketKind::ALL.iter().filter(|k| counts_kind(s, c, **k)).map(|k| counter(
                &format!("count-{}", k.name()),
                k.label(),
                c.sent[*k as usize].to_string(),
                Some(packet_colour(*k)),
            )) }
            { counter("count-lost", "Packets lost (random)", c.lost.to_string(), Some(LOST_COLOUR)) }
            if c.dropped_queue > 0 {
                { counter("count-dropped-queue", "Dropped at a full queue", c.dropped_queue.to_string(), Some(LOST_COLOUR)) }
            }
            if c.dropped_partition > 0 {
                { counter("count-dropped-partition", "Dropped by a partition", c.dropped_partition.to_string(), Some(LOST_COLOUR)) }
            }
            if c.withheld > 0 || s.attackers.fraction > 0.0 {
                { counter("count-withheld", "Withheld by attackers", c.withheld.to_string(), Some(super::attackers_view::MARK_COLOUR)) }
            }
            { counter("count-deliveries", "Deliveries", format!("{} / {}", shown.owed.0, shown.owed.1), Some(node_colour(NodeState::Done))) }
            { counter("count-crashed", "Crashed nodes", shown.crashed.to_string(), Some(node_colour(NodeState::Crashed))) }
            if shown.epidemic {
                { counter("count-infective", "Infective nodes now", shown.infective.to_string(), Some(node_colour(NodeState::Infective))) }
            }
            { counter("sim-time", "Simulated time", format!("{:.1} ms", shown.now_tenth_ms as f64 / 10.0), None) }
            { round_counter(s, shown) }
            { counter("events", "Events", c.events.to_string(), None) }
            <div class="hash">
                <span class="label">{ "Trace hash" }</span>
                <code id="trace-hash" data-testid="trace-hash">{ shown.hash.clone() }</code>
                <span id="status" class={format!("status {status}")}>{ label }</span>
            </div>
        </>
    }
}

/// The legend's node states for delivery: waiting, some messages, all messages; or, for an
/// epidemic, the same colours named by the epidemic's states (Demers et al. 1987, §1), with the
/// infective nodes.
fn delivery_states(epidemic: bool) -> Html {
    if !epidemic {
        return html! {
            <>
                { legend_item(node_colour(NodeState::Waiting), "waiting", true) }
                { legend_item(node_colour(NodeState::Partial), "some messages", true) }
                { legend_item(node_colour(NodeState::Done), "all messages", true) }
            </>
        };
    }
    html! {
        <>
            { legend_item(node_colour(NodeState::Waiting), "susceptible: holds nothing yet", true) }
            { legend_item(node_colour(NodeState::Infective), "infective: holds a message and spreads it", true) }
            { legend_item(node_colour(NodeState::Partial), "removed: holds some messages, stopped spreading", true) }
            { legend_item(node_colour(NodeState::Done), "removed: holds every message, stopped spreading", true) }
        </>
    }
}

/// The legend: node states, the packet kinds shown (the family's, and any other sent), the
/// protocol's structure, lost packets.
fn legend(s: &Scenario, shown: &Shown, overlay: &super::overlay_view::Shown) -> Html {
    let info = s.protocol.info();
    let over = overlay.on && !overlay.kinds.is_empty() && info.structure() != Structure::Flat;
    let c = &shown.counters;
    html! {
        <>
            <h2>{ "Legend" }</h2>
            <ul class="legend" id="legend">
                { legend_item(node_colour(NodeState::Sender), "sender", true) }
                { delivery_states(shown.epidemic) }
                { shaped_item(node_colour(NodeState::Crashed), "crashed (a cross)", "cross") }
                { shaped_item(node_colour(NodeState::Paused), "paused (a ring)", "ring") }
                { legend_item(node_colour(NodeState::Absent), "not a member (yet, or any more)", true) }
                { for PacketKind::ALL.iter().filter(|k| shows_kind(s, c, **k)).map(|k| legend_item(packet_colour(*k), k.label(), false)) }
                if !over { { structure_item(info.structure()) } }
                { super::overlay_view::legend_items(overlay, over) }
                { legend_item(LOST_COLOUR, "lost (vanishes half-way)", false) }
                { super::attackers_view::legend_item(super::attackers::count(s)) }
            </ul>
        </>
    }
}

/// The title and the line under it: the scenario's name, protocol, size, loss and seed.
fn header(s: &Scenario) -> Html {
    html! {
        <header>
            <h1>{ "Multicast Playground" }</h1>
            <p class="subtitle" id="subtitle">
                if !s.name.is_empty() { <span class="name" title={s.name.clone()}>{ s.name.clone() }</span>{ " · " } }
                { format!(
                    "{} · {} nodes · {} % loss · seed {}",
                    s.protocol.label(),
                    s.group.size,
                    s.network.loss * 100.0,
                    s.seed
                ) }
            </p>
        </header>
    }
}

/// The chart's legend for its lines: what the solid line measures and, for a family with an
/// epidemic model, the dashed line's model.
fn chart_legend(s: &Scenario, informed: &Informed) -> Html {
    let measured = if informed.one_message {
        "measured: fraction of live members holding the message (deliveries + the source, over owed + 1)"
    } else {
        "measured: deliveries made, as a fraction of those owed"
    };
    html! {
        <p class="chart-legend" id="chart-legend">
            <span id="chart-measured" title={measured}><span class="swatch line"></span><span class="words">{ measured }</span></span>
            if let Some(m) = &informed.model {
                <span id="chart-model" title={format!("{}: the family's epidemic model of one message spread from one node, one point per step of {} ms", m.model, m.step_ms)}>
                    <span class="swatch dashed"></span>
                    <span class="words">
                        { format!("model: {}", m.model) }
                        if !informed.one_message {
                            { format!(" (for one message from one node; this run sends {})", messages(s)) }
                        }
                    </span>
                </span>
            }
        </p>
    }
}

/// How many messages the run sends: each sender's workload, or a stream's packets.
fn messages(s: &Scenario) -> String {
    match &s.workload.stream {
        Some(_) => "a stream".to_string(),
        None => format!("{}", u64::from(s.workload.messages) * s.workload.senders(&s.group).len() as u64),
    }
}

/// The middle column: the group's canvas (with the comparison's table over it) and the chart
/// strip with the results under it.
fn stage_column(p: &Page) -> Html {
    let send = p.send;
    html! {
        <section class="stage">
            { super::toolbar::view(&p.bar) }
            <div class="stage-view">
                <canvas id="stage" ref={p.stage.clone()} tabindex="0"
                    aria-label="The group: nodes and packets in flight. Click a node to inspect it; with focus here, arrow keys move the selection, Enter inspects, Escape clears"
                    class={if p.faults.tool { "drawing" } else { "" }}
                    onpointerdown={pointer(send, PointerPhase::Down)} onpointermove={pointer(send, PointerPhase::Move)}
                    onpointerup={pointer(send, PointerPhase::Up)} onpointercancel={pointer(send, PointerPhase::Up)}
                    onclick={send.reform(|e: MouseEvent| {
                        let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
                        if e.shift_key() { Msg::CanvasShiftClick(x, y) } else { Msg::CanvasClick(x, y) }
                    })}
                    onmousemove={send.reform(|e: MouseEvent| Msg::CanvasHover(f64::from(e.offset_x()), f64::from(e.offset_y())))}
                    onmouseleave={send.reform(|_: MouseEvent| Msg::CanvasLeave)}
                    onkeydown={canvas_keys(send, p.selection.node.is_some())}></canvas>
                { super::stage_tools::view(p.scale, super::overlay_view::toggle(&p.overlay, send), send) }
                { super::inspector::tooltip(p.selection.hover, p.hover_state, p.hover_attacker, &p.hover_links) }
                <p class="sr-only" id="selection-announce" aria-live="polite">{ p.announced.to_string() }</p>
                <p class="stage-hint">{ if p.faults.tool {
                    "Drag a rectangle: the nodes inside are cut off from the rest (Esc: cancel)"
                } else {
                    "Click a node to inspect it, shift-click for the sequence diagram · wheel or +/− to zoom, drag to pan · ? for keys"
                } }</p>
                if let NetworkMode::Rounds { round_ms } = p.scenario.network.mode {
                    <p class="stage-round" id="stage-round" title="Round-synchronous network: simulated time over the round length">
                        { format!("round {}", round(p.shown, round_ms)) }
                    </p>
                }
                if let Some(c) = p.comparison {
                    { super::compare::view(c, send) }
                }
            </div>
            { super::inspector::sequence_strip(p.selection, p.messages, p.sequence, send) }
            <div class="chart-strip">
                <div class="chart-box">
                    <canvas id="chart" ref={p.chart.clone()}
                        aria-label="Packets sent per interval by kind, and the fraction informed so far"></canvas>
                    { chart_legend(p.scenario, p.informed) }
                </div>
                { super::results::view(p.summary) }
            </div>
        </section>
    }
}

/// A pointer event on the group canvas, as a [`ViewMsg`]; a press captures the pointer so a drag
/// that leaves the canvas still ends.
fn pointer(send: &Callback<Msg>, phase: PointerPhase) -> Callback<PointerEvent> {
    send.reform(move |e: PointerEvent| {
        if phase == PointerPhase::Down {
            if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
        }
        Msg::View(ViewMsg::Pointer(phase, e.pointer_id(), f64::from(e.offset_x()), f64::from(e.offset_y())))
    })
}

/// The whole page.
pub fn view(p: &Page) -> Html {
    html! {
        <div class="app" data-reduced-motion={p.reduced_motion.to_string()}>
            { header(p.scenario) }
            <super::tour::Tour />
            if let Some(err) = p.error {
                { super::banner::view(err, p.refusal, p.send) }
            }
            <main>
                <Controls
                    scenario={p.scenario.clone()}
                    refused_edits={p.refused_edits}
                    share_link={AttrValue::from(p.share_link.to_string())}
                    send={p.send.clone()}
                />
                { stage_column(p) }
                <section class="panel stats" aria-label="Counters">
                    <h2>{ "Inspector" }</h2>
                    { super::inspector::panel(p.inspected, p.selection.sequence, p.send) }
                    { counters(p.scenario, p.shown, p.playing) }
                    { super::results::beside_counters(p.summary) }
                    { super::faults::view(p.scenario, p.faults, p.send) }
                    { legend(p.scenario, p.shown, &p.overlay) }
                    { super::export::view(p.send) }
                </section>
            </main>
            { p.live.view() }
            if p.help { { super::help::view(p.send) } }
        </div>
    }
}

/// The focused canvas's keys: arrows and Enter, and Escape while a node is `selected`, go to the
/// selection and no further (the page's own shortcuts, on the window, do not see them); other
/// keys pass on.
fn canvas_keys(send: &Callback<Msg>, selected: bool) -> Callback<yew::KeyboardEvent> {
    let send = send.clone();
    Callback::from(move |e: yew::KeyboardEvent| {
        let key = e.key();
        let ours = matches!(key.as_str(), "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight" | "Enter");
        if ours || (selected && key == "Escape") {
            e.prevent_default();
            e.stop_propagation();
            send.emit(Msg::CanvasKey(key));
        }
    })
}

/// The Messages field's label: with several senders the field counts each one's messages, and
/// the label says so with the total, which is what the run sends.
fn messages_label(s: &Scenario) -> String {
    let senders = s.workload.senders(&s.group).len() as u64;
    if senders > 1 {
        let all = mcast::text::thousands(s.workload.message_count());
        format!("Messages per sender ({senders} senders: {all} in all)")
    } else {
        "Messages".to_string()
    }
}
