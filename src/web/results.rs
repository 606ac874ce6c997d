//! The run's results, shown once it is over: the report's headline figures, each with a stable
//! element id (`result-<name>`) for the browser tests.

use mcast::metrics::Report;
use yew::{html, Html};

/// The figures, `(id, label)`, in the order shown.
const FIGURES: [(&str, &str); 9] = [
    ("delivered", "Delivered"),
    ("complete", "Messages complete"),
    ("completion", "Completion p50 / max"),
    ("latency", "Latency p50 / p99"),
    ("payload", "Payload pkts / delivery"),
    ("control", "Control pkts / delivery"),
    ("rmr", "RMR (redundancy)"),
    ("duplicates", "Duplicates received"),
    ("implosion", "Peak in per 100 ms"),
];

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
        let values = [
            format!("{:.1} % of {}", r.delivered_ratio * 100.0, r.expected_deliveries),
            format!("{} of {}", c.complete, c.complete + c.incomplete),
            format!("{} / {}", ms(c.p50), ms(c.max)),
            format!("{} / {}", ms(Some(r.latency_ms.p50)), ms(Some(r.latency_ms.p99))),
            per_delivery(t.payload_packets),
            per_delivery(t.control_packets),
            r.rmr.map_or_else(|| "–".to_string(), |v| format!("{v:.3}")),
            r.duplicates_received.to_string(),
            implosion,
        ];
        Summary(FIGURES.iter().zip(values).map(|(&(id, label), v)| (id, label, v)).collect())
    }
}

impl Summary {
    /// Every figure's `(id, label)`, in the order shown.
    pub fn labels() -> &'static [(&'static str, &'static str)] {
        &FIGURES
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
