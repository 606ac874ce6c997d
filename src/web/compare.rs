//! Side by side: the current scenario (network, group, workload, faults and seed) run to its end
//! under each protocol family, and the results in one table. The protocol the user configured
//! keeps its parameters; the others run with their defaults, centralized both without and with
//! ACKs.

use super::results::Summary;
use mcast::engine;
use mcast::protocols::centralized::CentralizedConfig;
use mcast::scenario::{Limits, ProtocolSpec, Scenario};
use yew::{html, Callback, Html, MouseEvent};

/// One column: the protocol's label, whether it is the user's configuration, its results.
pub struct Column {
    label: &'static str,
    yours: bool,
    result: Result<Summary, String>,
}

/// The table's columns, in the page's protocol order.
pub struct Comparison(Vec<Column>);

/// The protocols compared: each family with its defaults, and centralized with ACKs too.
fn contenders() -> Vec<ProtocolSpec> {
    let mut all: Vec<ProtocolSpec> = ProtocolSpec::KINDS.iter().filter_map(|k| ProtocolSpec::default_of(k)).collect();
    all.insert(1, ProtocolSpec::Centralized(CentralizedConfig { reliable: true, ..CentralizedConfig::default() }));
    all
}

/// Runs `scenario` under every contender, the user's own configuration in place of the default
/// it resembles most (same family; for centralized, the same ACK setting).
pub fn run(scenario: &Scenario) -> Comparison {
    let mine = &scenario.protocol;
    let same = |p: &ProtocolSpec| match (p, mine) {
        (ProtocolSpec::Centralized(a), ProtocolSpec::Centralized(b)) => a.reliable == b.reliable,
        _ => p.kind() == mine.kind(),
    };
    let columns = contenders()
        .into_iter()
        .map(|p| {
            let yours = same(&p);
            let mut s = scenario.clone();
            if !yours {
                s.protocol = p;
            }
            let result = s
                .validate(&Limits::BROWSER)
                .and_then(|()| engine::build(&s))
                .map(|mut sim| {
                    sim.run_to_end();
                    Summary::of(&sim.report())
                })
                .map_err(|e| e.to_string());
            Column { label: s.protocol.label(), yours, result }
        })
        .collect();
    Comparison(columns)
}

/// The table over the canvas, with a button that closes it.
pub fn view(c: &Comparison, close: Callback<MouseEvent>) -> Html {
    let Comparison(columns) = c;
    let rows: Vec<(&'static str, &'static str)> = columns
        .iter()
        .find_map(|col| col.result.as_ref().ok())
        .map(|s| s.items().iter().map(|(id, label, _)| (*id, *label)).collect())
        .unwrap_or_default();
    html! {
        <div class="compare" id="compare" role="dialog" aria-label="Every protocol on this scenario">
            <div class="compare-head">
                <h2>{ "Every protocol on this network, group, workload and seed" }</h2>
                <button id="compare-close" aria-label="Close" onclick={close}>{ "×" }</button>
            </div>
            <table>
                <thead>
                    <tr>
                        <th></th>
                        { for columns.iter().map(|col| html! {
                            <th class={if col.yours { "yours" } else { "" }}>
                                { col.label }
                                if col.yours { <span class="hint">{ " (yours)" }</span> }
                            </th>
                        }) }
                    </tr>
                </thead>
                <tbody>
                    { for rows.iter().map(|(id, label)| html! {
                        <tr id={format!("compare-{id}")}>
                            <th>{ *label }</th>
                            { for columns.iter().map(|col| html! {
                                <td class={if col.yours { "yours" } else { "" }}>
                                    { match &col.result {
                                        Ok(s) => s.value(id).unwrap_or("–").to_string(),
                                        Err(e) => if *id == "delivered" { e.clone() } else { String::new() },
                                    } }
                                </td>
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="hint">{ "Other protocols run with their default parameters; edit a protocol's parameters and compare again to see yours." }</p>
        </div>
    }
}
