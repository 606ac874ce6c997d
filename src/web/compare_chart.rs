//! The comparison's two charts, one line per protocol in its lane colour: the latency CDF (the
//! fraction of deliveries made within x ms, for each finished protocol) and deliveries over time
//! (the fraction of owed deliveries made by time t, as the lanes run).

use super::palette::BACKGROUND;
use mcast::engine::Simulation;
use web_sys::CanvasRenderingContext2d;

/// Each lane's colour (Okabe and Ito's palette, told apart by colour-blind readers too).
pub const LANE_COLOURS: [&str; 6] = ["#56b4e9", "#e69f00", "#009e73", "#f0e442", "#cc79a7", "#d55e00"];

/// Columns a lane's delivery curve is summed into.
const COLUMNS: usize = 200;

const AXIS: &str = "#93a0b8";

/// One line: its protocol, colour and points (x in the chart's unit, y from 0 to 1).
pub struct Line {
    /// The protocol, for the legend.
    pub label: String,
    /// The lane's colour.
    pub colour: &'static str,
    /// The points, in x order.
    pub points: Vec<(f64, f64)>,
}

/// A lane's latency CDF as points (latency ms, fraction of deliveries).
pub fn cdf_line(label: &str, colour: &'static str, quantiles: &[f64]) -> Line {
    let steps = quantiles.len().saturating_sub(1).max(1) as f64;
    Line {
        label: label.to_string(),
        colour,
        points: quantiles.iter().enumerate().map(|(i, &ms)| (ms, i as f64 / steps)).collect(),
    }
}

/// A lane's deliveries so far as points (ms, fraction of owed deliveries), from its series.
pub fn delivery_line(label: &str, colour: &'static str, sim: &dyn Simulation) -> Line {
    let owed = sim.owed().1.max(1) as f64;
    let mut points = vec![(0.0, 0.0)];
    if let Some(chart) = sim.chart(COLUMNS) {
        let mut sum = 0u64;
        for (i, d) in chart.deliveries.iter().enumerate() {
            sum += d;
            points.push(((i + 1) as f64 * chart.column_ms, sum as f64 / owed));
        }
    }
    Line { label: label.to_string(), colour, points }
}

/// Draws `lines` on a canvas of `(w, h)` device pixels, x from 0 to the largest x, y from 0 to
/// 100 %, with `x_label` (the x axis's unit) and a title.
pub fn draw(ctx: &CanvasRenderingContext2d, (w, h): (f64, f64), lines: &[Line], title: &str, dpr: f64) {
    ctx.set_fill_style_str(BACKGROUND);
    ctx.fill_rect(0.0, 0.0, w, h);
    if w < 60.0 || h < 40.0 {
        return;
    }
    let font = 11.0 * dpr;
    let (left, right, top, bottom) = (30.0 * dpr, 8.0 * dpr, font + 8.0 * dpr, font + 8.0 * dpr);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let span = lines.iter().flat_map(|l| l.points.iter().map(|p| p.0)).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    ctx.set_stroke_style_str("#2a3550");
    ctx.set_line_width(dpr);
    ctx.stroke_rect(left, top, pw, ph);
    ctx.set_line_width(2.0 * dpr);
    for line in lines {
        ctx.set_stroke_style_str(line.colour);
        ctx.begin_path();
        for (i, &(x, y)) in line.points.iter().enumerate() {
            let (px, py) = (left + x / span * pw, top + ph - y.clamp(0.0, 1.0) * ph);
            if i == 0 {
                ctx.move_to(px, py);
            } else {
                ctx.line_to(px, py);
            }
        }
        ctx.stroke();
    }
    ctx.set_fill_style_str(AXIS);
    ctx.set_font(&format!("{font}px system-ui, sans-serif"));
    ctx.set_text_baseline("top");
    ctx.set_text_align("left");
    let _ = ctx.fill_text(title, left, 2.0 * dpr);
    let _ = ctx.fill_text("100 %", 2.0 * dpr, top);
    ctx.set_text_baseline("bottom");
    let _ = ctx.fill_text("0", left, h - 2.0 * dpr);
    ctx.set_text_align("right");
    let _ = ctx.fill_text(&format!("{} ms", fmt_ms(span)), w - right, h - 2.0 * dpr);
    legend(ctx, lines, (w - right - 6.0 * dpr, top + ph - 6.0 * dpr), font);
}

/// The legend, bottom right of the plot ending at `(x, y)`: a swatch and the protocol per line.
fn legend(ctx: &CanvasRenderingContext2d, lines: &[Line], (x, y): (f64, f64), font: f64) {
    ctx.set_text_align("right");
    ctx.set_text_baseline("bottom");
    for (i, line) in lines.iter().rev().enumerate() {
        let row = y - i as f64 * (font + 3.0);
        ctx.set_fill_style_str(AXIS);
        let _ = ctx.fill_text(&line.label, x, row);
        let width = ctx.measure_text(&line.label).map_or(0.0, |m| m.width());
        ctx.set_fill_style_str(line.colour);
        ctx.fill_rect(x - width - font - 4.0, row - font * 0.8, font * 0.9, font * 0.7);
    }
}

/// A number of milliseconds, rounded to what reads well.
fn fmt_ms(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else {
        format!("{ms:.1}")
    }
}
