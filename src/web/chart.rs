//! The chart under the stage: packets sent in each interval of the run so far, stacked by kind
//! in the legend's colours; the fraction informed so far as a solid line (deliveries made over
//! deliveries owed, or for one message from one node the fraction of live members holding it,
//! the source included); and, for a family with an epidemic model, the model's curve for the
//! same message, dashed. It reads the engine's time series ([`mcast::metrics::Chart`]); the x
//! axis runs from 0 to now.

pub use super::informed::Informed;
use super::palette::{node_colour, packet_colour, BACKGROUND, MODEL_COLOUR};
use mcast::engine::NodeState;
use mcast::metrics::Chart;
use mcast::protocol::PacketKind;
use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d;

/// Columns the chart sums the series into at most.
pub const COLUMNS: usize = 120;

const AXIS: &str = "#93a0b8";

/// Where the plot sits on the canvas, and its scales: time (ms) and fraction (0 to 1).
struct Plot {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    span_ms: f64,
}

impl Plot {
    fn x(&self, ms: f64) -> f64 {
        self.left + ms / self.span_ms * self.width
    }
    fn y(&self, fraction: f64) -> f64 {
        self.top + self.height - fraction * self.height
    }
}

/// Draws `chart` on a canvas of `(w, h)` device pixels; `owed` (every delivery owed so far)
/// scales the measured line, `informed` says what it counts and gives the model; `dpr` is the
/// device pixel ratio, for the text size.
pub fn draw(
    ctx: &CanvasRenderingContext2d,
    (w, h): (f64, f64),
    chart: &Chart,
    owed: u64,
    informed: &Informed,
    dpr: f64,
) {
    ctx.set_fill_style_str(BACKGROUND);
    ctx.fill_rect(0.0, 0.0, w, h);
    if chart.sent.is_empty() || w < 40.0 || h < 30.0 {
        return;
    }
    let font = 11.0 * dpr;
    let (left, right, top, bottom) = (6.0 * dpr, 6.0 * dpr, font + 6.0 * dpr, font + 6.0 * dpr);
    let span_ms = (chart.column_ms * chart.sent.len() as f64).max(f64::MIN_POSITIVE);
    let plot = Plot { left, top, width: w - left - right, height: h - top - bottom, span_ms };
    let peak = bars(ctx, &plot, chart);
    model_curve(ctx, &plot, &informed.model_points(span_ms), dpr);
    if owed > 0 {
        measured(ctx, &plot, chart, owed, informed, dpr);
    }
    axes(ctx, (w, h), &plot, chart, peak, dpr);
}

/// The stacked bars, one path per kind; returns the tallest bar's packets.
fn bars(ctx: &CanvasRenderingContext2d, plot: &Plot, chart: &Chart) -> u64 {
    let peak = chart.sent.iter().map(|c| c.iter().sum::<u64>()).max().unwrap_or(0).max(1);
    let col_w = plot.width / chart.sent.len() as f64;
    let bar_w = (col_w - if col_w > 4.0 { 1.0 } else { 0.0 }).max(0.5);
    let mut base = vec![0u64; chart.sent.len()];
    for kind in PacketKind::ALL {
        ctx.set_fill_style_str(packet_colour(kind));
        ctx.begin_path();
        for ((i, col), below) in chart.sent.iter().enumerate().zip(base.iter_mut()) {
            let v = col[kind as usize];
            if v > 0 {
                let (y0, y1) = (plot.y(*below as f64 / peak as f64), plot.y((*below + v) as f64 / peak as f64));
                ctx.rect(plot.left + i as f64 * col_w, y1, bar_w, y0 - y1);
                *below += v;
            }
        }
        ctx.fill();
    }
    peak
}

/// The measured fraction informed: after each column, the deliveries made so far.
fn measured(ctx: &CanvasRenderingContext2d, plot: &Plot, chart: &Chart, owed: u64, informed: &Informed, dpr: f64) {
    ctx.set_stroke_style_str(node_colour(NodeState::Done));
    ctx.set_line_width(2.0 * dpr);
    ctx.begin_path();
    ctx.move_to(plot.x(0.0), plot.y(informed.fraction(0, owed)));
    let mut sum = 0u64;
    for (i, d) in chart.deliveries.iter().enumerate() {
        sum += d;
        ctx.line_to(plot.x((i + 1) as f64 * chart.column_ms), plot.y(informed.fraction(sum, owed)));
    }
    ctx.stroke();
}

/// The model's fraction informed, dashed, through `points` (ms, fraction).
fn model_curve(ctx: &CanvasRenderingContext2d, plot: &Plot, points: &[(f64, f64)], dpr: f64) {
    let Some(&(t0, f0)) = points.first() else { return };
    ctx.set_stroke_style_str(MODEL_COLOUR);
    ctx.set_line_width(1.5 * dpr);
    let dash = js_sys::Array::of2(&JsValue::from_f64(5.0 * dpr), &JsValue::from_f64(4.0 * dpr));
    let _ = ctx.set_line_dash(&dash);
    ctx.begin_path();
    ctx.move_to(plot.x(t0), plot.y(f0));
    for &(t, f) in &points[1..] {
        ctx.line_to(plot.x(t), plot.y(f));
    }
    ctx.stroke();
    let _ = ctx.set_line_dash(&js_sys::Array::new());
}

/// The axes' words: the bars' scale, 0 and now.
fn axes(ctx: &CanvasRenderingContext2d, (w, h): (f64, f64), plot: &Plot, chart: &Chart, peak: u64, dpr: f64) {
    let font = 11.0 * dpr;
    ctx.set_fill_style_str(AXIS);
    ctx.set_font(&format!("{font}px system-ui, sans-serif"));
    ctx.set_text_baseline("top");
    ctx.set_text_align("left");
    let _ =
        ctx.fill_text(&format!("{peak} packets per {} (tallest bar)", duration(chart.column_ms)), plot.left, 2.0 * dpr);
    ctx.set_text_align("right");
    let _ = ctx.fill_text("lines: fraction informed, 0 to 100 %", w - 6.0 * dpr, 2.0 * dpr);
    ctx.set_text_baseline("bottom");
    ctx.set_text_align("left");
    let _ = ctx.fill_text("0", plot.left, h - 2.0 * dpr);
    ctx.set_text_align("right");
    let _ = ctx.fill_text(&duration(plot.span_ms), w - 6.0 * dpr, h - 2.0 * dpr);
}

/// A duration in milliseconds, in the unit that reads best.
fn duration(ms: f64) -> String {
    if ms >= 10_000.0 {
        format!("{:.0} s", ms / 1000.0)
    } else if ms >= 1000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}
