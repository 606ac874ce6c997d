//! A live stream on the page: its own controls in place of the Messages box, and, once the run
//! is over, how it played out per viewer (frames on time, late and missing; worst viewers first,
//! with the totals the CLI's report gives).

use super::msg::{Field, Msg};
use super::stream::{value, SETTINGS};
use mcast::metrics::{StreamReport, Viewer};
use mcast::scenario::StreamSpec;
use mcast::text::thousands;
use web_sys::HtmlInputElement;
use yew::{html, Callback, Event, Html, TargetCast};

/// Viewers listed in the table (the worst); the totals count them all.
const LISTED: usize = 8;

/// The stream's settings, one box each, in place of the Messages box.
pub fn controls(st: &StreamSpec, send: &Callback<Msg>) -> Html {
    html! {
        <div class="stream-controls" id="stream-controls">
            { for SETTINGS.iter().map(|setting| {
                let id = format!("stream-{}", setting.field);
                let field = Field::Stream(setting.field);
                html! {
                    <>
                        <label for={id.clone()} title={setting.means}>{ setting.label }</label>
                        <input id={id} type="number" min="0" step="any" title={setting.means} value={value(st, setting.field)}
                            onchange={send.reform(move |e: Event| Msg::Set(field, e.target_unchecked_into::<HtmlInputElement>().value()))} />
                    </>
                }
            }) }
            <p class="hint">{ format!("{} frames; a live stream replaces the message count.", frames(st)) }</p>
        </div>
    }
}

/// Frames the stream sends per sender.
fn frames(st: &StreamSpec) -> String {
    thousands(st.packets())
}

/// Viewers, worst first: the most missing, then the most late, then by node.
fn worst_first(st: &StreamReport) -> Vec<Viewer> {
    let mut v = st.viewers.clone();
    v.sort_by_key(|x| (std::cmp::Reverse(x.missing + x.late), std::cmp::Reverse(x.missing), x.node));
    v
}

/// A viewer's row: node, on time, late, missing, and a bar of the three.
fn row(v: &Viewer) -> Html {
    let owed = f64::from(v.owed.max(1));
    let pct = |n: u32| format!("width:{:.1}%", 100.0 * f64::from(n) / owed);
    html! {
        <tr>
            <th scope="row">{ v.node }</th>
            <td>{ v.on_time() }</td><td>{ v.late }</td><td>{ v.missing }</td>
            <td class="stream-bar" title={format!("{} on time, {} late, {} missing of {}", v.on_time(), v.late, v.missing, v.owed)}>
                <span class="on-time" style={pct(v.on_time())}></span>
                <span class="late" style={pct(v.late)}></span>
                <span class="missing" style={pct(v.missing)}></span>
            </td>
        </tr>
    }
}

/// How the stream played out: the totals over every viewer, then the worst viewers.
pub fn results(st: &StreamReport) -> Html {
    let owed: u64 = st.viewers.iter().map(|v| u64::from(v.owed)).sum();
    let on_time = owed.saturating_sub(st.late).saturating_sub(st.missing);
    let worst = worst_first(st);
    html! {
        <div class="stream-results" id="stream-results">
            <h2 class="sub" title={format!("A frame must arrive within the playout deadline ({} ms) of its send; later it is late (a glitch), never it is missing.", st.playout_delay_ms)}>
                { "The stream, per viewer" }
            </h2>
            <p class="hint" id="stream-totals" data-receivers={st.receivers.to_string()} data-late={st.late.to_string()}
                data-missing={st.missing.to_string()} data-on-time={on_time.to_string()} data-complete={st.receivers_complete_on_time.to_string()}>
                { format!(
                    "{} viewers, {} frames each: {} on time, {} late, {} missing in all; {} viewers saw every frame on time.",
                    thousands(u64::from(st.receivers)), thousands(u64::from(st.packets)), thousands(on_time), thousands(st.late),
                    thousands(st.missing), thousands(u64::from(st.receivers_complete_on_time))
                ) }
            </p>
            <table class="stream-table" id="stream-viewers">
                <thead><tr>
                    <th scope="col" title="The viewer: a receiving node, by id">{ "Node" }</th>
                    <th scope="col" title="Frames delivered within the playout deadline">{ "On time" }</th>
                    <th scope="col" title="Frames delivered after the playout deadline">{ "Late" }</th>
                    <th scope="col" title="Frames owed and never delivered">{ "Missing" }</th>
                    <th scope="col"><span class="sr-only">{ "On time, late and missing, as a bar" }</span></th>
                </tr></thead>
                <tbody>{ for worst.iter().take(LISTED).map(row) }</tbody>
            </table>
            if worst.len() > LISTED {
                <p class="hint">{ format!("The {LISTED} worst of {} viewers.", worst.len()) }</p>
            }
        </div>
    }
}
