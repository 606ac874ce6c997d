//! The run's results, shown once it is over: the report's headline figures and its epidemic
//! measures, each with a stable element id (`result-<name>`) for the browser tests and a tooltip
//! saying what it is, and, for a run of several messages, the histogram of their delivery
//! fractions as a tiny bar chart.

use super::notes::{self, Note};
use mcast::metrics::{AttackReport, BroadcastMeasures, Report, StreamReport, DELIVERY_BINS};
use mcast::text::thousands;
use yew::{html, Html};

/// One figure: its id, its label, and what it means (the tooltip; docs/metrics.md says more).
pub struct Figure {
    /// The element id's tail (`result-<id>`, `compare-<id>`).
    pub id: &'static str,
    /// The label.
    pub label: &'static str,
    /// What it is, in a sentence or two.
    pub means: &'static str,
}

const fn figure(id: &'static str, label: &'static str, means: &'static str) -> Figure {
    Figure { id, label, means }
}

/// The figures, in the order shown: the headline figures, then the epidemic measures (from
/// [`EPIDEMIC_FROM`] on), then the broadcast measures (from [`BROADCAST_FROM`] on).
const FIGURES: [Figure; 16] = [
    figure("delivered", "Delivered", "Deliveries made over deliveries owed: each message to every receiver that was a member when it was sent and is still up."),
    figure("complete", "Messages complete", "Messages that every receiver owed them delivered."),
    figure("completion", "Completion p50 / max", "Per complete message, the time from its send to its last first delivery: the median and the largest."),
    figure("latency", "Latency p50 / p99", "Per delivery, the time from the message's send to the receiver's first delivery: the median and the 99th percentile."),
    figure("payload", "Payload pkts / delivery", "Payload packets sent (data, retransmissions, repairs, gossip) per delivery made."),
    figure("control", "Control pkts / delivery (whole run)", "Every other packet sent (ACKs, NAKs, sessions, status, digests, pulls, probes, membership) per delivery made, over the whole run: heartbeats and sessions after the last delivery included."),
    figure("control_window", "Control pkts / delivery (to last delivery)", "The same, counting only the control packets sent before the last delivery: the overhead of delivering, without the idle time after it."),
    figure("duplicates", "Duplicates received", "Payload packets that arrived at a node already holding their message."),
    figure("implosion", "Peak in per 100 ms", "The most packets of any kind that arrived at one node within one 100 ms interval, and that node."),
    figure("residue", "Residue", "The fraction of owed deliveries never made; for one message, the fraction of live receivers it never reached (Demers et al. 1987, s)."),
    figure("traffic", "Traffic (payload / node / msg)", "Payload packets sent per node per message (Demers et al. 1987, m: update messages per site)."),
    figure("t_ave", "t_ave", "Mean time from a message's send to a receiver's first delivery (Demers et al. 1987), in rounds in the round-synchronous mode, else in ms."),
    figure("t_last", "t_last", "The largest such time: when the last receiver got it (Demers et al. 1987), in rounds in the round-synchronous mode, else in ms."),
    figure("reliability", "Reliability (mean / worst)", "Per message, the fraction of the live nodes owed it that delivered it (Leitão et al. 2007): the mean over messages and the worst message."),
    figure("rmr", "RMR (redundancy)", "Relative message redundancy (Leitão et al., Plumtree): payload packets that arrived per message over the nodes it reached, minus one; 0 is exactly one copy per receiver."),
    figure("last_hop", "Last delivery hop (mean / max)", "Per message, the hop count of its last first delivery: how many hops the slowest chain of first receptions took to reach everyone (Leitão et al. 2007); the mean over messages and the largest."),
];

/// Where the epidemic measures start in [`FIGURES`].
const EPIDEMIC_FROM: usize = 9;

/// Where the broadcast measures start in [`FIGURES`].
const BROADCAST_FROM: usize = 13;

/// What the delivery histogram is, its tooltip.
const HISTOGRAM_MEANS: &str = "Messages by the fraction of their owed receivers that delivered them, in tenths: 0–10 % on the left, 90–100 % on the right. Bimodal multicast puts its weight at both ends.";

/// The figures shown, each `(id, value)` in [`FIGURES`] order, and the delivery histogram for a
/// run of several messages.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    values: Vec<(&'static str, String)>,
    histogram: Option<[u32; DELIVERY_BINS]>,
    /// How a live stream played out, per viewer.
    stream: Option<StreamReport>,
    /// With attackers: what they withheld and what the honest nodes got.
    attack: Option<AttackReport>,
    /// Lines that keep the figures from misleading (see [`notes::after_run`]).
    notes: Vec<Note>,
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| if v >= 100.0 { format!("{v:.0} ms") } else { format!("{v:.1} ms") })
}

/// The mean and worst reliability, in per cent.
fn reliability(b: &BroadcastMeasures) -> String {
    match (b.reliability, b.reliability_min) {
        (Some(mean), Some(min)) => format!("{:.1} % / {:.1} %", 100.0 * mean, 100.0 * min),
        _ => "–".to_string(),
    }
}

/// The mean and largest last delivery hop.
fn last_hop(b: &BroadcastMeasures) -> String {
    match (b.last_delivery_hop, b.last_delivery_hop_max) {
        (Some(mean), Some(max)) => format!("{mean:.1} / {max}"),
        _ => "–".to_string(),
    }
}

/// A time of the epidemic measures in its unit: rounds or milliseconds.
fn epidemic_time(v: f64, unit: &str) -> String {
    match unit {
        "rounds" => format!("{v:.2} rounds"),
        _ => ms(Some(v)),
    }
}

impl Summary {
    /// The headline figures and epidemic measures of `r`.
    pub fn of(r: &Report) -> Summary {
        let c = &r.message_completion_ms;
        let t = &r.traffic;
        let e = &r.epidemic;
        let per_delivery = |p: u64| {
            if r.deliveries == 0 {
                "–".to_string()
            } else {
                format!("{:.2}", p as f64 / r.deliveries as f64)
            }
        };
        let implosion = match r.implosion.node {
            Some(n) => format!("{} at node {n}", thousands(u64::from(r.implosion.packets))),
            None => "–".to_string(),
        };
        let values = [
            notes::delivered(r),
            format!("{} of {}", c.complete, c.complete + c.incomplete),
            format!("{} / {}", ms(c.p50), ms(c.max)),
            format!("{} / {}", ms(Some(r.latency_ms.p50)), ms(Some(r.latency_ms.p99))),
            per_delivery(t.payload_packets),
            per_delivery(t.control_packets),
            per_delivery(r.traffic_to_last_delivery.control_packets),
            thousands(r.duplicates_received),
            implosion,
            format!("{:.3}", e.residue),
            format!("{:.2}", e.traffic),
            epidemic_time(e.t_ave, e.unit),
            epidemic_time(e.t_last, e.unit),
            reliability(&r.broadcast),
            r.rmr.map_or_else(|| "–".to_string(), |v| format!("{v:.3}")),
            last_hop(&r.broadcast),
        ];
        let several = e.delivery_histogram.iter().sum::<u32>() > 1;
        Summary {
            values: FIGURES.iter().zip(values).map(|(f, v)| (f.id, v)).collect(),
            histogram: several.then_some(e.delivery_histogram),
            stream: r.stream.clone(),
            attack: r.attack.clone(),
            notes: Vec::new(),
        }
    }

    /// The summary with `notes` shown under the figures.
    pub fn with_notes(mut self, notes: Vec<Note>) -> Summary {
        self.notes = notes;
        self
    }

    /// Every figure, in the order shown.
    pub fn figures() -> &'static [Figure] {
        &FIGURES
    }

    /// The value of figure `id`.
    pub fn value(&self, id: &str) -> Option<&str> {
        self.values.iter().find(|(i, _)| *i == id).map(|(_, v)| v.as_str())
    }
}

/// One figure as a `<dt>`/`<dd>` pair, its meaning as both's tooltip.
fn row(f: &Figure, value: &str) -> Html {
    html! {
        <>
            <dt title={f.means}>{ f.label }</dt>
            <dd id={format!("result-{}", f.id)} title={f.means}>{ value.to_string() }</dd>
        </>
    }
}

/// The delivery histogram as ten bars, the tallest full height, each with its count.
fn histogram(bins: &[u32; DELIVERY_BINS]) -> Html {
    let top = bins.iter().copied().max().unwrap_or(0).max(1);
    let counts = bins.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    html! {
        <>
            <dt title={HISTOGRAM_MEANS}>{ "Delivered to (0 → 100 %)" }</dt>
            <dd id="result-histogram" class="histogram" title={HISTOGRAM_MEANS} data-counts={counts}>
                { for bins.iter().enumerate().map(|(i, n)| html! {
                    <span class="bar" style={format!("height:{}%", 100 * n / top)}
                        title={format!("{n} messages reached {}–{} % of their receivers", i * 10, i * 10 + 10)}></span>
                }) }
            </dd>
        </>
    }
}

/// What the run's end adds beside the counters: the stream per viewer, and the notes that keep
/// the figures from misleading (nothing while the run goes on).
pub fn beside_counters(summary: Option<&Summary>) -> Html {
    let Some(s) = summary else { return html! {} };
    html! {
        <>
            if let Some(st) = &s.stream { { super::stream_view::results(st) } }
            if !s.notes.is_empty() {
                <div class="run-notes" id="run-notes">
                    <h2>{ "About these results" }</h2>
                    { for s.notes.iter().map(|n| html! { <p class="hint result-note" id={format!("note-{}", n.id)}>{ n.text.clone() }</p> }) }
                </div>
            }
        </>
    }
}

/// The results panel: the figures, or a line saying they come at the end.
pub fn view(summary: Option<&Summary>) -> Html {
    let Some(s) = summary else {
        return html! {
            <div class="results" id="results" role="region" aria-label="Results" tabindex="0">
                <h2>{ "Results" }</h2>
                <p class="hint">{ "When the run is over (or after End): delivery, latency, overhead and the epidemic measures. Hover a figure for what it means." }</p>
            </div>
        };
    };
    let shown =
        |figures: &[Figure]| -> Html { figures.iter().map(|f| row(f, s.value(f.id).unwrap_or("–"))).collect() };
    html! {
        <div class="results" id="results" role="region" aria-label="Results" tabindex="0">
            <h2>{ "Results" }</h2>
            <dl>{ shown(&FIGURES[..EPIDEMIC_FROM]) }</dl>
            <h2 class="sub" title="Demers et al., Epidemic Algorithms for Replicated Database Maintenance, PODC 1987, §1.4; for every protocol">{ "Epidemic measures" }</h2>
            <dl id="results-epidemic">
                { shown(&FIGURES[EPIDEMIC_FROM..BROADCAST_FROM]) }
                if let Some(bins) = &s.histogram { { histogram(bins) } }
            </dl>
            <h2 class="sub" title="Leitão, Pereira and Rodrigues, Epidemic Broadcast Trees, SRDS 2007, §4; for every protocol">{ "Broadcast measures" }</h2>
            <dl id="results-broadcast">{ shown(&FIGURES[BROADCAST_FROM..]) }</dl>
            if let Some(a) = &s.attack { { super::attackers_view::results(a) } }
        </div>
    }
}
