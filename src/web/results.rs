//! The run's results, shown once it is over: the report's headline figures, each with a stable
//! element id (`result-<name>`) for the browser tests.

use mcast::metrics::Report;
use yew::{html, Html};

/// The figures shown, each `(id, label, value)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary(Vec<(&'static str, &'static str, String)>);

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| if v >= 100.0 { format!("{v:.0} ms") } else { format!("{v:.1} ms") })
}

impl Summary {
    /// The headline figures of `r`.
    pub fn of(r: &Report) -> Summary {
        let c = &r.message_completion_ms;
        let t = &r.traffic;
        let per_delivery = |p: u64| {
            if r.deliveries == 0 {
                "–".to_string()
            } else {
                format!("{:.2}", p as f64 / r.deliveries as f64)
            }
        };
        let implosion = match r.implosion.node {
            Some(n) => format!("{} at node {n}", r.implosion.packets),
            None => "–".to_string(),
        };
        Summary(vec![
            ("delivered", "Delivered", format!("{:.1} % of {}", r.delivered_ratio * 100.0, r.expected_deliveries)),
            ("complete", "Messages complete", format!("{} of {}", c.complete, c.complete + c.incomplete)),
            ("completion", "Completion p50 / max", format!("{} / {}", ms(c.p50), ms(c.max))),
            (
                "latency",
                "Latency p50 / p99",
                format!("{} / {}", ms(Some(r.latency_ms.p50)), ms(Some(r.latency_ms.p99))),
            ),
            ("payload", "Payload pkts / delivery", per_delivery(t.payload_packets)),
            ("control", "Control pkts / delivery", per_delivery(t.control_packets)),
            ("rmr", "RMR (redundancy)", r.rmr.map_or_else(|| "–".to_string(), |v| format!("{v:.3}"))),
            ("duplicates", "Duplicates received", r.duplicates_received.to_string()),
            ("implosion", "Peak in per 100 ms", implosion),
        ])
    }
}

impl Summary {
    /// Every figure as `(id, label, value)`.
    pub fn items(&self) -> &[(&'static str, &'static str, String)] {
        &self.0
    }

    /// The value of figure `id`.
    pub fn value(&self, id: &str) -> Option<&str> {
        self.0.iter().find(|(i, _, _)| *i == id).map(|(_, _, v)| v.as_str())
    }
}

/// The results panel: the figures, or a line saying they come at the end.
pub fn view(summary: Option<&Summary>) -> Html {
    html! {
        <div class="results" id="results" aria-label="Results">
            <h2>{ "Results" }</h2>
            if let Some(Summary(items)) = summary {
                <dl>
                    { for items.iter().map(|(id, label, value)| html! {
                        <>
                            <dt>{ *label }</dt>
                            <dd id={format!("result-{id}")}>{ value.clone() }</dd>
                        </>
                    }) }
                </dl>
            } else {
                <p class="hint">{ "When the run is over (or after Finish): delivery, latency and overhead." }</p>
            }
        </div>
    }
}
