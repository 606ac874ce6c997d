//! Under the preset picker: the protocol family in plain words (what it does, what to watch,
//! why), its paper behind a link, and the faults the scenario schedules, so that no crash in a
//! preset comes as a surprise.

use super::explain::family;
use super::msg::{Field, Msg};
use super::notes::scheduled_faults;
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

/// The family's words, the scheduled faults and the multicast hint for `s`.
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
        </>
    }
}
