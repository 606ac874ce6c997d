//! Side by side: the current scenario (network, group, workload, faults and seed) run to its end
//! under each protocol family, and the results in one table. The protocol the user configured
//! keeps its parameters; the others run with their defaults, centralized both without and with
//! ACKs.

use super::results::Summary;
use mcast::engine::{self, Simulation};
use mcast::protocols::FAMILIES;
use mcast::scenario::{Limits, ProtocolSpec, Scenario};
use yew::{html, Callback, Html, MouseEvent};

/// One column: the protocol's label, whether it is the user's configuration, the scenario it
/// runs, and its results once the run is over.
pub struct Column {
    label: &'static str,
    yours: bool,
    scenario: Scenario,
    result: Option<Result<Summary, String>>,
}

/// The table's columns, in the page's protocol order, and the run in progress. The runs go one
/// after another, a slice of events per animation frame ([`Comparison::advance`]), so the page
/// stays responsive while a large group is compared.
pub struct Comparison {
    columns: Vec<Column>,
    running: Option<(usize, Box<dyn Simulation>)>,
}

/// The protocols compared: each registered family's contenders (its defaults, or variants
/// worth a column each, such as centralized without and with ACKs).
fn contenders() -> Vec<ProtocolSpec> {
    FAMILIES.iter().flat_map(|f| f.contenders()).collect()
}

impl Comparison {
    /// Sets up a run of `scenario` under every contender, the user's own configuration in place
    /// of the one it resembles most: its family's only contender, or among several the one of
    /// the same label (centralized with ACKs).
    pub fn start(scenario: &Scenario) -> Comparison {
        let mine = &scenario.protocol;
        let variants = mine.info().contenders().len();
        let same = |p: &ProtocolSpec| p.kind() == mine.kind() && (variants == 1 || p.label() == mine.label());
        let columns = contenders()
            .into_iter()
            .map(|p| {
                let yours = same(&p);
                let mut s = scenario.clone();
                if !yours {
                    s.protocol = p;
                }
                Column { label: s.protocol.label(), yours, scenario: s, result: None }
            })
            .collect();
        Comparison { columns, running: None }
    }

    /// Whether every run is over.
    pub fn is_done(&self) -> bool {
        self.columns.iter().all(|c| c.result.is_some())
    }

    /// Runs at most `budget` more events, starting the next protocol's run when one ends.
    /// Returns whether a column got its results (the table then needs drawing again).
    pub fn advance(&mut self, mut budget: u64) -> bool {
        let mut finished = false;
        while budget > 0 {
            if self.running.is_none() {
                let Some(i) = self.columns.iter().position(|c| c.result.is_none()) else { break };
                let s = &self.columns[i].scenario;
                match engine::build_with(s, &Limits::BROWSER) {
                    Ok(sim) => self.running = Some((i, sim)),
                    Err(e) => {
                        self.columns[i].result = Some(Err(e.to_string()));
                        finished = true;
                        continue;
                    }
                }
            }
            let Some((i, sim)) = &mut self.running else { break };
            budget = budget.saturating_sub(sim.run_steps(budget).max(1));
            if sim.is_done() {
                self.columns[*i].result = Some(Ok(Summary::of(&sim.report())));
                self.running = None;
                finished = true;
            }
        }
        finished
    }
}

/// The table over the canvas, with a button that closes it.
pub fn view(c: &Comparison, close: Callback<MouseEvent>) -> Html {
    let columns = &c.columns;
    let rows = Summary::figures();
    html! {
        <div class="compare" id="compare" role="dialog" aria-label="Every protocol on this scenario" data-done={c.is_done().to_string()}>
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
                    { for rows.iter().map(|f| (f.id, f)).map(|(id, f)| html! {
                        <tr id={format!("compare-{id}")}>
                            <th title={f.means}>{ f.label }</th>
                            { for columns.iter().map(|col| html! {
                                <td class={if col.yours { "yours" } else { "" }}>
                                    { match &col.result {
                                        Some(Ok(s)) => s.value(id).unwrap_or("–").to_string(),
                                        Some(Err(e)) => if id == "delivered" { e.clone() } else { String::new() },
                                        None if id == "delivered" => "running…".to_string(),
                                        None => String::new(),
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
