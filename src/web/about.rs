//! Under the preset picker: the protocol family in plain words (what it does, what to watch,
//! why), its paper behind a link, and the faults the scenario schedules, so that no crash in a
//! preset comes as a surprise.

use super::explain::family;
use super::msg::{Field, Msg};
use super::notes::scheduled_faults;
use mcast::protocols::plumtree::WARM_UP_MS;
use mcast::scenario::Scenario;
use mcast::text::thousands;
use yew::{html, Callback, Html};

/// Group size from which the page points a multicasting protocol at native multicast.
const LARGE_GROUP: u32 = 1_000;

/// For SRM or RMTP over application-level multicast in a large group: what each multicast costs,
/// and a button for native multicast.
fn multicast_hint(s: &Scenario, send: &Callback<Msg>) -> Html {
    let kind = s.protocol.kind();
    if s.network.native_multicast || s.group.size < LARGE_GROUP || !matches!(kind, "srm" | "rmtp") {
        return html! {};
    }
    let copies = thousands(u64::from(s.group.size.saturating_sub(1)));
    html! {
        <p class="hint multicast-hint" id="multicast-hint">
            { format!(
                "Over application-level multicast each of {}'s multicasts (data, requests, repairs) is {copies} copies through one uplink; native multicast sends it once. ",
                s.protocol.label()
            ) }
            <button id="use-native" onclick={send.reform(|_| Msg::Set(Field::Multicast, "native".into()))}>{ "Use native multicast" }</button>
        </p>
    }
}

/// For a family that runs over HyParView's overlay: that the overlay is built as the run
/// starts, so the workload waits for it, or a warning when it does not.
fn overlay_hint(s: &Scenario) -> Html {
    if !s.protocol.info().needs_overlay() {
        return html! {};
    }
    let title = s.protocol.label();
    let words = if s.workload.start_ms >= WARM_UP_MS {
        format!(
            "{title} runs over HyParView's overlay, which the nodes build as the run starts: the first message leaves at {} ms, once most views are full (workload.start_ms in the JSON).",
            thousands(s.workload.start_ms as u64)
        )
    } else {
        format!(
            "The first message leaves at {} ms, before HyParView has built the overlay: it goes only on the links its sender has by then, and {title} has no later repair, so it reaches few or none. Start the workload at {} ms or later (workload.start_ms in the JSON).",
            thousands(s.workload.start_ms as u64),
            thousands(WARM_UP_MS as u64)
        )
    };
    html! { <p class="hint overlay-hint" id="overlay-hint">{ words }</p> }
}

/// The family's words, the scheduled faults and the multicast and overlay hints for `s`.
pub fn view(s: &Scenario, send: &Callback<Msg>) -> Html {
    let faults = scheduled_faults(s);
    html! {
        <>
            if let Some(f) = family(s.protocol.kind()) {
                <p class="hint" id="about-what"><b>{ format!("{}: ", s.protocol.info().title()) }</b>{ f.what }</p>
                <details class="about" id="about-family">
                    <summary>{ "What to watch, and why" }</summary>
                    <p class="hint" id="about-watch">{ f.watch }</p>
                    <p class="hint" id="about-why"><b>{ "Why: " }</b>{ f.why }</p>
                    <p class="hint"><a id="about-paper" href={f.paper.1} target="_blank" rel="noopener">{ f.paper.0 }</a></p>
                </details>
            }
            if let Some(line) = faults { <p class="hint faults-note" id="scheduled-faults">{ line }</p> }
            { multicast_hint(s, send) }
            { overlay_hint(s) }
        </>
    }
}
