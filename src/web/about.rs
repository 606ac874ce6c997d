//! Under the preset picker: the protocol family in plain words (what it does, what to watch,
//! why), its paper behind a link, and the faults the scenario schedules, so that no crash in a
//! preset comes as a surprise.

use super::explain::family;
use super::notes::scheduled_faults;
use mcast::scenario::Scenario;
use yew::{html, Html};

/// The family's words and the scheduled faults for `s`.
pub fn view(s: &Scenario) -> Html {
    let faults = scheduled_faults(s);
    html! {
        <>
            if let Some(f) = family(s.protocol.kind()) {
                <details class="about" id="about-family" open=true>
                    <summary>{ format!("About {}", s.protocol.info().title()) }</summary>
                    <p class="hint" id="about-what">{ f.what }</p>
                    <p class="hint" id="about-watch">{ f.watch }</p>
                    <p class="hint" id="about-why"><b>{ "Why: " }</b>{ f.why }</p>
                    <p class="hint"><a id="about-paper" href={f.paper.1} target="_blank" rel="noopener">{ f.paper.0 }</a></p>
                </details>
            }
            if let Some(line) = faults { <p class="hint faults-note" id="scheduled-faults">{ line }</p> }
        </>
    }
}
