//! The node inspector on the page: the tooltip over the node under the pointer, the panel that
//! shows the selected node ([`mcast::engine::NodeView`]: its state in its protocol's words,
//! what it holds and misses, its links, timers, counts and latest packets) with the button that
//! crashes it, the sequence diagram's strip, and the rings drawn around picked nodes on the
//! canvas. What is picked is the [`Selection`]'s.

use super::canvas::Frame;
use super::msg::Msg;
use super::palette::packet_colour;
use super::selection::Selection;
use super::zoom::Zoom;
use mcast::engine::{NodeState, NodeView};
use mcast::protocol::{MsgId, OverlayLink, PacketKind};
use mcast::sim::faults::Status;
use mcast::sim::log::PacketRecord;
use std::f64::consts::TAU;
use web_sys::{CanvasRenderingContext2d, HtmlSelectElement};
use yew::{html, Callback, Event, Html, MouseEvent, NodeRef, TargetCast};

/// The most message ids a list in the panel spells out before it says "and k more".
const LIST_MAX: usize = 24;
/// The most timers the panel lists.
const TIMERS_MAX: usize = 8;
/// The most messages the sequence diagram's picker offers.
const PICKER_MAX: u32 = 500;

/// Colour of the ring around the inspected node, and around the other lanes.
const RING_COLOUR: &str = "#ffffff";
const LANE_RING_COLOUR: &str = "rgba(255, 255, 255, 0.55)";

/// Rings the picked nodes on the group's canvas (size `size` in device pixels, seen through
/// `zoom` as the canvas draws it): the inspected one solid, the sequence diagram's other lanes
/// fainter.
pub fn draw_rings(
    ctx: &CanvasRenderingContext2d,
    size: (f64, f64),
    zoom: &Zoom,
    positions: &[[f64; 2]],
    s: &Selection,
    dpr: f64,
) {
    let frame = Frame::zoomed(size, zoom);
    let spacing = frame.side / (positions.len().max(1) as f64).sqrt();
    let r = (spacing * 0.28).clamp(0.8, Frame::max_radius(zoom)) * 2.2 + 4.0 * dpr;
    for &n in &s.lanes {
        let Some(p) = positions.get(n as usize) else { continue };
        let (x, y) = frame.at(*p);
        let main = s.node == Some(n);
        ctx.set_stroke_style_str(if main { RING_COLOUR } else { LANE_RING_COLOUR });
        ctx.set_line_width(if main { 2.5 } else { 1.5 } * dpr);
        ctx.begin_path();
        let _ = ctx.arc(x, y, r, 0.0, TAU);
        ctx.stroke();
    }
}

/// A node's state as the tooltip and the announcement say it.
pub fn state_words(state: Option<NodeState>) -> &'static str {
    match state {
        Some(NodeState::Sender) => "sender",
        Some(NodeState::Waiting) => "waiting (holds nothing yet)",
        Some(NodeState::Infective) => "infective (spreading)",
        Some(NodeState::Partial) => "holds some messages",
        Some(NodeState::Done) => "holds every message",
        Some(NodeState::Crashed) => "crashed",
        Some(NodeState::Paused) => "paused",
        Some(NodeState::Absent) => "not a member",
        None => "unknown",
    }
}

/// What the tooltip and the panel say of an attacker.
const ATTACKER_WORDS: &str = "attacker: withholds the payload it should forward";

/// The tooltip over the node under the pointer (CSS pixels in the canvas): its state, whether it
/// is an `attacker`, and its overlay `links` by kind.
pub fn tooltip(
    hover: Option<(u32, f64, f64)>,
    state: Option<NodeState>,
    attacker: bool,
    links: &[(OverlayLink, Vec<u32>)],
) -> Html {
    let Some((node, x, y)) = hover else { return html! {} };
    html! {
        <div id="node-tooltip" class="node-tooltip" role="tooltip" style={format!("left:{}px;top:{}px", x + 14.0, y + 10.0)}>
            <strong>{ format!("node {node}") }</strong>{ format!(" · {}", state_words(state)) }
            if attacker { <div class="tooltip-attacker" id="tooltip-attacker">{ ATTACKER_WORDS }</div> }
            { super::overlay_view::tooltip_links(links) }
        </div>
    }
}

/// Message ids as the panel lists them (up to [`LIST_MAX`]).
fn ids(list: &[MsgId]) -> String {
    mcast::protocol::msg_list_upto(list, LIST_MAX)
}

fn status_words(status: Status) -> &'static str {
    match status {
        Status::Up => "up",
        Status::Crashed => "crashed",
        Status::Paused => "paused",
        Status::Absent => "not joined yet",
        Status::Left => "left",
    }
}

/// `label` as an element id's tail: lower case, words joined by dashes.
fn slug(label: &str) -> String {
    label.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-").to_lowercase()
}

fn row(id: &str, label: &str, value: String) -> Html {
    html! { <><dt>{ label.to_string() }</dt><dd id={id.to_string()}>{ value }</dd></> }
}

fn row_titled(id: &str, label: &str, title: &str, value: String) -> Html {
    html! { <><dt title={title.to_string()}>{ label.to_string() }</dt><dd id={id.to_string()}>{ value }</dd></> }
}

/// The structure's links (each with how many nodes, and the colour the canvas draws it in when
/// it is an overlay link) and the family's facts.
fn description(v: &NodeView) -> Html {
    let d = &v.description;
    html! {
        <dl class="inspect-facts">
            { for d.links.iter().map(|l| {
                let nodes: Vec<String> = l.nodes.iter().take(LIST_MAX).map(|n| n.to_string()).collect();
                let more = l.nodes.len().saturating_sub(LIST_MAX);
                let value = match (nodes.is_empty(), more) {
                    (true, _) => "none".to_string(),
                    (false, 0) => nodes.join(", "),
                    (false, k) => format!("{} and {k} more", nodes.join(", ")),
                };
                let id = format!("inspect-link-{}", slug(l.label));
                html! { <><dt>{ super::overlay_view::link_label(l.label, l.nodes.len()) }</dt><dd id={id}>{ value }</dd></> }
            }) }
            { for d.facts.iter().map(|f| row(&format!("inspect-fact-{}", slug(f.label)), f.label, f.value.clone())) }
        </dl>
    }
}

/// Packet counts by kind, sent and received, for the kinds with any.
fn counts(v: &NodeView) -> Html {
    if !v.logged {
        return html! { <p class="hint">{ "Packet counts need the packet log, which is off." }</p> };
    }
    let kinds = PacketKind::ALL.iter().filter(|k| v.sent[**k as usize] + v.received[**k as usize] > 0);
    html! {
        <>
            <table class="inspect-counts" id="inspect-counts">
                <thead><tr><th>{ "kind" }</th><th>{ "sent" }</th><th>{ "received" }</th></tr></thead>
                <tbody>
                    { for kinds.map(|k| html! {
                        <tr>
                            <th><span class="swatch" style={format!("background:{}", packet_colour(*k))}></span>{ format!(" {}", k.label()) }</th>
                            <td>{ v.sent[*k as usize] }</td><td>{ v.received[*k as usize] }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if v.log_overflow > 0 {
                <p class="hint">{ format!("The packet log is full: {} later packets are not counted.", v.log_overflow) }</p>
            }
        </>
    }
}

fn packet_line(r: &PacketRecord, node: u32) -> Html {
    let (dir, other) = if r.from == node { ("to", r.to) } else { ("from", r.from) };
    let t = if r.from == node { r.depart } else { r.arrive };
    let msg = r.msg.map(|m| format!(" m{}", m.0)).unwrap_or_default();
    html! {
        <li>
            <span class="swatch" style={format!("background:{}", packet_colour(r.kind))}></span>
            { format!(" {} ms {}{msg} {dir} {other}: {}", t.as_ms_f64(), r.kind.label(), r.fate.name().replace('_', " ")) }
        </li>
    }
}

fn timers(v: &NodeView) -> Html {
    if v.timers.is_empty() {
        return html! { <p class="hint" id="inspect-timers">{ "No timer pending." }</p> };
    }
    html! {
        <ul class="inspect-list" id="inspect-timers" title="A protocol ignores a timer it no longer wants when it fires: some may be stale">
            { for v.timers.iter().take(TIMERS_MAX).map(|t| html! { <li>{ format!("{} ms: {}", t.due.as_ms_f64(), t.what) }</li> }) }
            if v.timers.len() > TIMERS_MAX { <li>{ format!("and {} more", v.timers.len() - TIMERS_MAX) }</li> }
        </ul>
    }
}

/// The inspector panel for `view`, with the crash button.
pub fn panel(view: Option<&NodeView>, sequence_open: bool, send: &Callback<Msg>) -> Html {
    let Some(v) = view else {
        return html! {
            <p class="hint" id="inspect-empty">{ "Click a node (or focus the canvas and press Enter) to inspect it; shift-click adds nodes to the sequence diagram." }</p>
        };
    };
    let node = v.node;
    html! {
        <div class="inspector" id="inspector" data-node={node.to_string()}>
            <div class="inspect-head">
                <strong id="inspect-node">{ format!("Node {node}") }</strong>
                <span class="status" id="inspect-status">{ status_words(v.status) }</span>
                if v.attacks_from.is_some() {
                    <span class="status attacker" id="inspect-attacker" title={ATTACKER_WORDS}>{ "attacker" }</span>
                }
                <button class="close" aria-label="Close the inspector" onclick={send.reform(|_: MouseEvent| Msg::Deselect)}>{ "×" }</button>
            </div>
            <p id="inspect-state" class="inspect-state">{ if v.description.state.is_empty() { "-".to_string() } else { v.description.state.clone() } }</p>
            <dl class="inspect-facts">
                { row_titled("inspect-holds", "holds", "Messages sent so far that it delivered, or sent itself", ids(&v.holds)) }
                { row_titled("inspect-missing", "missing", "Messages sent so far by others that it has not delivered", ids(&v.missing)) }
                if v.attacks_from.is_some() && v.logged {
                    { row_titled("inspect-withheld", "withheld", "Payload packets it kept instead of forwarding, so far", v.withheld.to_string()) }
                }
            </dl>
            { description(v) }
            <h2 class="sub">{ "Timers" }</h2>
            { timers(v) }
            <h2 class="sub">{ "Packets" }</h2>
            { counts(v) }
            if !v.last_in.is_empty() { <p class="inspect-sub">{ "Latest in" }</p> }
            <ul class="inspect-list" id="inspect-last-in">
                { for v.last_in.iter().map(|r| packet_line(r, node)) }
            </ul>
            if !v.last_out.is_empty() { <p class="inspect-sub">{ "Latest out" }</p> }
            <ul class="inspect-list" id="inspect-last-out">
                { for v.last_out.iter().map(|r| packet_line(r, node)) }
            </ul>
            <button id="inspect-sequence" class="wide" aria-pressed={sequence_open.to_string()}
                title="A space-time diagram of one message's packets between the picked nodes (shift-click a node to add it)"
                onclick={send.reform(|_: MouseEvent| Msg::ToggleSequence)}>
                { if sequence_open { "Close the sequence diagram" } else { "Sequence diagram" } }
            </button>
            <button id="inspect-crash" class="wide danger" disabled={v.status != Status::Up}
                title="Adds a crash of this node at the current time (whole milliseconds) to the scenario and replays it to here"
                onclick={send.reform(move |_: MouseEvent| Msg::CrashNode(node))}>{ "Crash this node now" }</button>
        </div>
    }
}

/// The sequence diagram's strip: the message picker and the canvas (shown while a node is
/// picked and the diagram is open).
pub fn sequence_strip(s: &Selection, messages: u32, canvas: &NodeRef, send: &Callback<Msg>) -> Html {
    if s.node.is_none() || !s.sequence {
        return html! {};
    }
    let pick = send.reform(|e: Event| Msg::SequenceMessage(e.target_unchecked_into::<HtmlSelectElement>().value()));
    html! {
        <div class="sequence-strip">
            <div class="sequence-head">
                <label for="sequence-message">{ "Sequence diagram of message" }</label>
                <select id="sequence-message" onchange={pick}>
                    { for (0..messages.min(PICKER_MAX)).map(|m| html! {
                        <option value={m.to_string()} selected={m == s.message}>{ format!("m{m}") }</option>
                    }) }
                </select>
                <span class="hint">{ "lanes: its sender (▸) and the picked nodes; shift-click a node to add or remove it (up to 8); × = lost" }</span>
                <button class="close" id="sequence-close" aria-label="Close the sequence diagram"
                    onclick={send.reform(|_: MouseEvent| Msg::ToggleSequence)}>{ "×" }</button>
            </div>
            <canvas id="sequence" ref={canvas.clone()} aria-label="Sequence diagram: the picked nodes' packets about the chosen message, time to the right"></canvas>
        </div>
    }
}
