//! The chart under the stage: packets sent in each interval of the run so far, stacked by kind
//! in the legend's colours, and the deliveries so far as a line, as a share of what is owed. It
//! reads the engine's time series ([`mcast::metrics::Chart`]); the x axis runs from 0 to now.

use super::canvas::{node_colour, packet_colour};
use mcast::engine::NodeState;
use mcast::metrics::Chart;
use mcast::protocol::PacketKind;
use web_sys::CanvasRenderingContext2d;

/// Columns the chart sums the series into at most.
pub const COLUMNS: usize = 120;

const BACKGROUND: &str = "#0e1420";
const AXIS: &str = "#93a0b8";

/// Draws `chart` on a canvas of `(w, h)` device pixels; `owed` scales the deliveries line
/// (100 % = every delivery owed); `dpr` is the device pixel ratio, for the text size.
pub fn draw(ctx: &CanvasRenderingContext2d, (w, h): (f64, f64), chart: &Chart, owed: u64, dpr: f64) {
    ctx.set_fill_style_str(BACKGROUND);
    ctx.fill_rect(0.0, 0.0, w, h);
    if chart.sent.is_empty() || w < 40.0 || h < 30.0 {
        return;
    }
    let font = 11.0 * dpr;
    let (left, right, top, bottom) = (6.0 * dpr, 6.0 * dpr, font + 6.0 * dpr, font + 6.0 * dpr);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let peak = chart.sent.iter().map(|c| c.iter().sum::<u64>()).max().unwrap_or(0).max(1);
    let col_w = pw / chart.sent.len() as f64;
    let bar_w = (col_w - if col_w > 4.0 { 1.0 } else { 0.0 }).max(0.5);
    let x = |i: usize| left + i as f64 * col_w;
    let y = |v: f64| top + ph - v * ph;
    // Stacked bars, one path per kind.
    let mut base = vec![0u64; chart.sent.len()];
    for kind in PacketKind::ALL {
        ctx.set_fill_style_str(packet_colour(kind));
        ctx.begin_path();
        for (i, col) in chart.sent.iter().enumerate() {
            let v = col[kind as usize];
            if v > 0 {
                let (y0, y1) = (y(base[i] as f64 / peak as f64), y((base[i] + v) as f64 / peak as f64));
                ctx.rect(x(i), y1, bar_w, y0 - y1);
                base[i] += v;
            }
        }
        ctx.fill();
    }
    // Deliveries so far over what is owed.
    if owed > 0 {
        ctx.set_stroke_style_str(node_colour(NodeState::Done));
        ctx.set_line_width(2.0 * dpr);
        ctx.begin_path();
        ctx.move_to(x(0), y(0.0));
        let mut sum = 0u64;
        for (i, d) in chart.deliveries.iter().enumerate() {
            sum += d;
            ctx.line_to(x(i + 1), y((sum as f64 / owed as f64).min(1.0)));
        }
        ctx.stroke();
    }
    // Axes' words.
    ctx.set_fill_style_str(AXIS);
    ctx.set_font(&format!("{font}px system-ui, sans-serif"));
    ctx.set_text_baseline("top");
    ctx.set_text_align("left");
    let span = chart.column_ms * chart.sent.len() as f64;
    let _ = ctx.fill_text(&format!("{peak} packets per {} (tallest bar)", duration(chart.column_ms)), left, 2.0 * dpr);
    ctx.set_text_align("right");
    let _ = ctx.fill_text("line: deliveries, % of owed", w - right, 2.0 * dpr);
    ctx.set_text_baseline("bottom");
    ctx.set_text_align("left");
    let _ = ctx.fill_text("0", left, h - 2.0 * dpr);
    ctx.set_text_align("right");
    let _ = ctx.fill_text(&duration(span), w - right, h - 2.0 * dpr);
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
