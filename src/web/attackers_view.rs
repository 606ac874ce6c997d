//! Attackers on the page: their boxes in the scenario panel, their mark on the canvas (a white
//! diamond around each attacker, apart from every node state by its shape as well as its
//! brightness, so colour-blind readers see it too), the legend's entry for it, and, once the run
//! is over, what the honest nodes got (the report's `attack` section, with tooltips).

use super::attackers::{summary, value, SETTINGS};
use super::canvas::Frame;
use super::msg::{Field, Msg};
use super::zoom::Zoom;
use mcast::metrics::AttackReport;
use mcast::scenario::Scenario;
use web_sys::{CanvasRenderingContext2d, HtmlInputElement};
use yew::{html, Callback, Event, Html, TargetCast};

/// The attackers' mark: near white, apart from the dark background and from every node state's
/// colour by brightness, and a diamond, a shape no node state takes.
pub const MARK_COLOUR: &str = "#f2f2ff";

/// The attackers' boxes, after the seed (the set is drawn from it), and who attacks.
pub fn controls(s: &Scenario, send: &Callback<Msg>) -> Html {
    html! {
        <div class="attackers-controls" id="attackers-controls">
            { for SETTINGS.iter().map(|setting| {
                let id = format!("attackers-{}", setting.field.replace('_', "-"));
                let field = Field::Attack(setting.field);
                let max = if setting.field == "fraction" { "99" } else { "" };
                html! {
                    <>
                        <label for={id.clone()} title={setting.means}>{ setting.label }</label>
                        <input id={id} type="number" min="0" max={max} step="any" title={setting.means} value={value(s, setting.field)}
                            onchange={send.reform(move |e: Event| Msg::Set(field, e.target_unchecked_into::<HtmlInputElement>().value()))} />
                    </>
                }
            }) }
            <p class="hint" id="attackers-summary">{ summary(s) }</p>
        </div>
    }
}

/// The legend's entry for the mark, when the scenario has attackers.
pub fn legend_item(attackers: usize) -> Html {
    if attackers == 0 {
        return html! {};
    }
    html! {
        <li id="legend-attacker"><span class="swatch diamond" style={format!("color:{MARK_COLOUR}")}></span>
            { "attacker (a white diamond): withholds what it should forward" }</li>
    }
}

/// Draws the mark around each of `attackers` at `positions`, through `zoom`, on a canvas of
/// `size` device pixels, sized to the nodes [`super::canvas::draw`] drew; returns how many it
/// drew.
pub fn mark(
    ctx: &CanvasRenderingContext2d,
    size: (f64, f64),
    zoom: &Zoom,
    positions: &[[f64; 2]],
    attackers: &[u32],
) -> usize {
    if attackers.is_empty() {
        return 0;
    }
    let frame = Frame::zoomed(size, zoom);
    let spacing = frame.side / (positions.len().max(1) as f64).sqrt();
    let r = (spacing * 0.28).clamp(0.8, Frame::max_radius(zoom));
    let a = (r * 1.8).max(3.0);
    ctx.set_stroke_style_str(MARK_COLOUR);
    ctx.set_line_width((r * 0.3).clamp(1.0, 2.5));
    ctx.begin_path();
    let mut drawn = 0;
    for p in attackers.iter().filter_map(|&n| positions.get(n as usize)) {
        let (x, y) = frame.at(*p);
        ctx.move_to(x, y - a);
        ctx.line_to(x + a, y);
        ctx.line_to(x, y + a);
        ctx.line_to(x - a, y);
        ctx.close_path();
        drawn += 1;
    }
    ctx.stroke();
    drawn
}

/// One figure of the section: its id (`result-attack-<id>`), label, tooltip and value.
fn row(id: &str, label: &str, means: &str, value: String) -> Html {
    html! {
        <>
            <dt title={means.to_string()}>{ label.to_string() }</dt>
            <dd id={format!("result-attack-{id}")} title={means.to_string()}>{ value }</dd>
        </>
    }
}

/// A fraction as a percentage with one decimal, or a dash.
fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{:.1} %", 100.0 * v))
}

/// The report's attack section: how many attackers, what they withheld, and what the honest
/// nodes received and how fast (docs/metrics.md#attack).
pub fn results(a: &AttackReport) -> Html {
    let l = &a.honest_latency_ms;
    html! {
        <>
            <h2 class="sub" title="Members that withheld every payload packet they should have forwarded (the scenario's attackers), and what the honest members got despite them">{ "Attackers" }</h2>
            <dl id="results-attack" data-honest-mean={a.honest_received_mean.map(|v| v.to_string()).unwrap_or_default()}
                data-withheld={a.withheld_packets.to_string()} data-attackers={a.attackers.to_string()}>
                { row("count", "Attackers", "Nodes that withhold every payload packet they should forward, from the attack time on.",
                    format!("{} from {} ms", a.attackers, a.from_ms)) }
                { row("withheld", "Payload withheld", "Payload packets the attackers kept instead of forwarding (one per copy per receiver).",
                    a.withheld_packets.to_string()) }
                { row("honest", "Honest delivered", "Deliveries to honest receivers (live members that do not attack) over the deliveries owed to them.",
                    pct(Some(a.honest_delivered_ratio))) }
                { row("received", "Honest received mean / worst", "Per message, the fraction of its honest receivers that delivered it: the mean over messages and the worst message.",
                    format!("{} / {}", pct(a.honest_received_mean), pct(a.honest_received_worst))) }
                { row("latency", "Honest latency mean / p99", "Per first delivery to an honest node, the time from the message's send: the mean and the 99th percentile.",
                    format!("{:.1} ms / {:.1} ms", l.mean, l.p99)) }
            </dl>
        </>
    }
}
