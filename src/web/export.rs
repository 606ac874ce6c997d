//! Saving what the page shows as files: the run's report (JSON exactly as `mcast run` prints it,
//! CSV as `mcast run --csv`), its time series (JSON and CSV), its packets as a Chrome / Perfetto
//! trace (as `mcast run --perfetto`), the comparison (JSON and CSV), and the canvases as PNG. The text comes from [`mcast::export`], shared with the CLI; a file is
//! handed to the browser through an `<a download>` link.

use super::compare::Comparison;
use super::msg::{Download, Msg};
use super::stage::Stage;
use mcast::engine::Simulation;
use mcast::export;
use mcast::scenario::Scenario;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement};
use yew::{html, Callback, Html, NodeRef};

/// Hands `href` to the browser as a download named `name`.
fn click_download(href: &str, name: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(a) = doc.create_element("a").ok().and_then(|e| e.dyn_into::<HtmlAnchorElement>().ok()) else { return };
    a.set_href(href);
    a.set_download(name);
    a.click();
}

/// Saves `text` as a file named `name` of type `mime`.
fn save_text(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    click_download(&url, name);
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Saves a canvas as a PNG file named `name`.
fn save_png(name: &str, canvas: &NodeRef) {
    if let Some(url) = canvas.cast::<HtmlCanvasElement>().and_then(|c| c.to_data_url_with_type("image/png").ok()) {
        click_download(&url, name);
    }
}

/// The file name for `what` of this scenario: `mcast-KIND-seedN-WHAT`.
fn file_name(s: &Scenario, what: &str) -> String {
    format!("mcast-{}-seed{}-{what}", s.protocol.kind(), s.seed)
}

/// Saves `d` from the run, the stage and the comparison.
pub fn save(d: Download, s: &Scenario, sim: &dyn Simulation, stage: &Stage, comparison: Option<&Comparison>) {
    const JSON: &str = "application/json";
    const CSV: &str = "text/csv";
    let report = || {
        let mut r = sim.report();
        r.series = None;
        r
    };
    let series = || sim.report().series;
    match d {
        Download::ResultsJson => save_text(&file_name(s, "results.json"), JSON, &export::report_json(&report())),
        Download::ResultsCsv => save_text(&file_name(s, "results.csv"), CSV, &export::report_csv(&report())),
        Download::SeriesJson => {
            if let Some(series) = series() {
                save_text(&file_name(s, "series.json"), JSON, &export::series_json(&series));
            }
        }
        Download::SeriesCsv => {
            if let Some(series) = series() {
                save_text(&file_name(s, "series.csv"), CSV, &export::series_csv(&series));
            }
        }
        Download::Trace => {
            let name = if s.name.is_empty() { s.protocol.label() } else { s.name.as_str() };
            let info = export::perfetto::TraceInfo {
                name,
                nodes: sim.positions().len() as u32,
                overflow: sim.packet_log_overflow(),
            };
            save_text(&file_name(s, "trace.json"), JSON, &export::perfetto::trace(sim.packet_log(), &info));
        }
        Download::StagePng => save_png(&file_name(s, "canvas.png"), stage.canvas()),
        Download::ChartPng => save_png(&file_name(s, "chart.png"), stage.chart()),
        Download::ComparisonJson | Download::ComparisonCsv | Download::CdfPng | Download::DeliveriesPng => {
            if let Some(c) = comparison {
                save_comparison(d, s, c);
            }
        }
    }
}

/// Saves one of the comparison's files.
fn save_comparison(d: Download, s: &Scenario, c: &Comparison) {
    match d {
        Download::ComparisonJson => {
            save_text(&file_name(s, "comparison.json"), "application/json", &export::comparison_json(&c.compared()))
        }
        Download::ComparisonCsv => {
            save_text(&file_name(s, "comparison.csv"), "text/csv", &export::comparison_csv(&c.compared()))
        }
        Download::CdfPng => save_png(&file_name(s, "latency-cdf.png"), c.chart_canvas("cdf")),
        Download::DeliveriesPng => save_png(&file_name(s, "deliveries.png"), c.chart_canvas("deliveries")),
        _ => {}
    }
}

/// The run's export buttons.
pub fn view(send: &Callback<Msg>) -> Html {
    let button = |id: &'static str, label: &'static str, title: &'static str, d: Download| {
        html! { <button id={id} title={title} onclick={send.reform(move |_| Msg::Export(d))}>{ label }</button> }
    };
    html! {
        <div class="exports" id="exports" aria-label="Export this run">
            <span class="label" title="Files of the run as of now; once it is over, the results equal what `mcast run` prints for this scenario (its JSON from Share)">{ "Export" }</span>
            { button("export-results-json", "Results JSON", "The report, exactly as `mcast run FILE` prints it (time series left out)", Download::ResultsJson) }
            { button("export-results-csv", "CSV", "The report as `mcast run FILE --csv` prints it: a header and one row", Download::ResultsCsv) }
            { button("export-series-json", "Series JSON", "Packets sent by kind, lost, arrivals, deliveries and duplicates per 1 ms bucket (per round in rounds mode), as `mcast run --series 1` reports them", Download::SeriesJson) }
            { button("export-series-csv", "CSV", "The time series as CSV, one row per bucket", Download::SeriesCsv) }
            { button("export-trace", "Trace (Perfetto)", "Every packet of the run so far (the first 200,000) as a Chrome / Perfetto trace, as `mcast run --perfetto FILE` writes it: a track per node, flows from sender to receiver, losses as instants; open it in ui.perfetto.dev", Download::Trace) }
            { button("export-canvas-png", "Canvas PNG", "The group's canvas as it is now", Download::StagePng) }
            { button("export-chart-png", "Chart PNG", "The chart as it is now", Download::ChartPng) }
        </div>
    }
}
