//! The message sequence (space-time) diagram: one lane per picked node (the message's sender on
//! top), time to the right, and each packet about the chosen message between two of the lanes
//! drawn as an arrow from (sender's lane, when it left) to (receiver's lane, when it arrived),
//! coloured by kind; a lost or dropped packet ends in an ×. It reads the packet log
//! ([`mcast::sim::log`]); [`arrows`] picks and places the packets (natively tested), the
//! [`Sequence`] draws them onto its own canvas.

use mcast::protocol::{MsgId, PacketKind};
use mcast::sim::log::{PacketFate, PacketRecord};
use mcast::time::SimTime;

/// One packet as the diagram draws it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrow {
    /// The sender's lane (0 on top).
    pub from: usize,
    /// The receiver's lane.
    pub to: usize,
    /// When it left the sender.
    pub depart: SimTime,
    /// Where the arrow ends: when it arrived, or now if it is still on its way.
    pub end: SimTime,
    /// Its kind (its colour).
    pub kind: PacketKind,
    /// Whether it was lost or dropped (it ends in an ×).
    pub lost: bool,
}

/// The lanes for `picked` nodes following a message from `sender`: the sender first, then the
/// picked nodes in order, each once.
pub fn lanes(sender: Option<u32>, picked: &[u32]) -> Vec<u32> {
    let mut lanes: Vec<u32> = sender.into_iter().collect();
    for &n in picked {
        if !lanes.contains(&n) {
            lanes.push(n);
        }
    }
    lanes
}

/// The packets about `message` between two of `lanes` that have left their sender by `now`, in
/// the log's order.
pub fn arrows(log: &[PacketRecord], lanes: &[u32], message: MsgId, now: SimTime) -> Vec<Arrow> {
    let lane = |n: u32| lanes.iter().position(|&l| l == n);
    log.iter()
        .filter(|r| r.msg == Some(message) && r.depart <= now)
        .filter_map(|r| {
            let (from, to) = (lane(r.from)?, lane(r.to)?);
            let settled = r.fate != PacketFate::InFlight && r.arrive <= now;
            Some(Arrow {
                from,
                to,
                depart: r.depart,
                end: if settled { r.arrive } else { r.arrive.min(now) },
                kind: r.kind,
                lost: settled && r.fate.is_dropped(),
            })
        })
        .collect()
}

/// The time span the diagram's axis covers: from the first departure to the last arrow's end,
/// at least a millisecond.
pub fn span(arrows: &[Arrow]) -> (SimTime, SimTime) {
    let start = arrows.iter().map(|a| a.depart).min().unwrap_or(SimTime::ZERO);
    let end = arrows.iter().map(|a| a.end).max().unwrap_or(start);
    (start, end.max(SimTime(start.0 + 1000)))
}

/// Tick marks for an axis from `start` to `end` (microseconds): about five, at round numbers
/// of milliseconds (1, 2 or 5 times a power of ten).
pub fn ticks(start: SimTime, end: SimTime) -> Vec<SimTime> {
    let range_ms = (end.0.saturating_sub(start.0)) as f64 / 1000.0;
    let raw = (range_ms / 5.0).max(0.001);
    let power = 10f64.powf(raw.log10().floor());
    let step_ms = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|s| *s >= raw).unwrap_or(raw);
    let step = ((step_ms * 1000.0).round() as u64).max(1);
    let first = start.0.div_ceil(step) * step;
    (0..64).map(|i| SimTime(first + i * step)).take_while(|t| *t <= end).collect()
}

#[cfg(target_arch = "wasm32")]
pub use draw::Sequence;

#[cfg(target_arch = "wasm32")]
mod draw {
    use super::{arrows, lanes, span, ticks, Arrow};
    use crate::web::canvas::fit;
    use crate::web::dom;
    use crate::web::palette::{packet_colour, BACKGROUND};
    use crate::web::selection::Selection;
    use mcast::engine::Simulation;
    use mcast::protocol::MsgId;
    use mcast::time::SimTime;
    use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
    use yew::NodeRef;

    /// Colour of the × that ends a lost packet.
    const CROSS_COLOUR: &str = "#ff453a";
    /// Width of the lane labels, in CSS pixels.
    const LABEL_W: f64 = 64.0;

    /// The diagram's canvas (`#sequence`).
    #[derive(Default)]
    pub struct Sequence {
        canvas: NodeRef,
    }

    /// Where things go on the canvas: device pixels per CSS pixel, the plot's box, the time
    /// span.
    struct Plot {
        dpr: f64,
        left: f64,
        right: f64,
        top: f64,
        lane_h: f64,
        start: SimTime,
        end: SimTime,
    }

    impl Plot {
        fn x(&self, t: SimTime) -> f64 {
            let f = t.0.saturating_sub(self.start.0) as f64 / (self.end.0 - self.start.0).max(1) as f64;
            self.left + f.min(1.0) * (self.right - self.left)
        }
        fn y(&self, lane: usize) -> f64 {
            self.top + (lane as f64 + 0.5) * self.lane_h
        }
    }

    impl Sequence {
        /// The canvas, for the view to place.
        pub fn canvas(&self) -> &NodeRef {
            &self.canvas
        }

        /// Draws the picked nodes' packets about the picked message as of now; the canvas
        /// records how many arrows and crosses it drew (`data-arrows`, `data-lost`).
        pub fn draw(&self, sim: &dyn Simulation, selection: &Selection) {
            let Some(el) = self.canvas.cast::<HtmlCanvasElement>() else { return };
            let size = fit(&el);
            let Some(ctx) = dom::context_2d(&el) else { return };
            let message = MsgId(selection.message);
            let lanes = lanes(sim.message_sender(message), &selection.lanes);
            let arrows = arrows(sim.packet_log(), &lanes, message, sim.now());
            let (start, end) = span(&arrows);
            let dpr = dom::pixel_ratio();
            let (top, bottom) = (6.0 * dpr, 20.0 * dpr);
            let lane_h = ((size.1 - top - bottom) / lanes.len().max(1) as f64).max(1.0);
            let plot = Plot { dpr, left: LABEL_W * dpr, right: size.0 - 12.0 * dpr, top, lane_h, start, end };
            ctx.set_fill_style_str(BACKGROUND);
            ctx.fill_rect(0.0, 0.0, size.0, size.1);
            draw_lanes(&ctx, &plot, &lanes, size.0);
            draw_axis(&ctx, &plot, size.1);
            for a in &arrows {
                draw_arrow(&ctx, &plot, a);
            }
            if arrows.is_empty() {
                ctx.set_fill_style_str("#93a0b8");
                let words = format!(
                    "No packet about m{} between these nodes yet: shift-click the nodes on its way to add them.",
                    message.0
                );
                let _ = ctx.fill_text(&words, plot.left + 8.0 * dpr, top + lane_h * lanes.len() as f64 / 2.0);
            }
            let lost = arrows.iter().filter(|a| a.lost).count();
            let _ = el.set_attribute("data-arrows", &arrows.len().to_string());
            let _ = el.set_attribute("data-lost", &lost.to_string());
            let _ = el.set_attribute("data-lanes", &lanes.len().to_string());
        }
    }

    fn draw_lanes(ctx: &CanvasRenderingContext2d, plot: &Plot, lanes: &[u32], width: f64) {
        ctx.set_font(&format!("{}px system-ui, sans-serif", (11.0 * plot.dpr).round()));
        ctx.set_text_baseline("middle");
        for (i, n) in lanes.iter().enumerate() {
            let y = plot.y(i);
            ctx.set_fill_style_str("#93a0b8");
            let label = if i == 0 { format!("node {n} ▸") } else { format!("node {n}") };
            let _ = ctx.fill_text(&label, 6.0 * plot.dpr, y);
            ctx.set_stroke_style_str("#243049");
            ctx.set_line_width(plot.dpr);
            ctx.begin_path();
            ctx.move_to(plot.left, y);
            ctx.line_to(width - 6.0 * plot.dpr, y);
            ctx.stroke();
        }
    }

    fn draw_axis(ctx: &CanvasRenderingContext2d, plot: &Plot, height: f64) {
        let y = height - 10.0 * plot.dpr;
        ctx.set_fill_style_str("#93a0b8");
        ctx.set_text_baseline("middle");
        ctx.set_text_align("center");
        for t in ticks(plot.start, plot.end) {
            let _ = ctx.fill_text(&format!("{} ms", t.as_ms_f64()), plot.x(t), y);
        }
        ctx.set_text_align("start");
        let _ = ctx.fill_text("time →", 6.0 * plot.dpr, y);
    }

    fn draw_arrow(ctx: &CanvasRenderingContext2d, plot: &Plot, a: &Arrow) {
        let (x0, y0, x1, y1) = (plot.x(a.depart), plot.y(a.from), plot.x(a.end), plot.y(a.to));
        let colour = packet_colour(a.kind);
        ctx.set_stroke_style_str(colour);
        ctx.set_fill_style_str(colour);
        ctx.set_line_width(1.5 * plot.dpr);
        ctx.begin_path();
        ctx.move_to(x0, y0);
        ctx.line_to(x1, y1);
        ctx.stroke();
        let d = 4.0 * plot.dpr;
        if a.lost {
            ctx.set_stroke_style_str(CROSS_COLOUR);
            ctx.set_line_width(2.0 * plot.dpr);
            ctx.begin_path();
            ctx.move_to(x1 - d, y1 - d);
            ctx.line_to(x1 + d, y1 + d);
            ctx.move_to(x1 + d, y1 - d);
            ctx.line_to(x1 - d, y1 + d);
            ctx.stroke();
            return;
        }
        let angle = (y1 - y0).atan2(x1 - x0);
        ctx.begin_path();
        ctx.move_to(x1, y1);
        ctx.line_to(x1 - 2.0 * d * (angle - 0.4).cos(), y1 - 2.0 * d * (angle - 0.4).sin());
        ctx.line_to(x1 - 2.0 * d * (angle + 0.4).cos(), y1 - 2.0 * d * (angle + 0.4).sin());
        ctx.close_path();
        ctx.fill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(from: u32, to: u32, depart: u64, arrive: u64, msg: u32, fate: PacketFate) -> PacketRecord {
        PacketRecord {
            sent: SimTime(depart),
            depart: SimTime(depart),
            arrive: SimTime(arrive),
            from,
            to,
            kind: PacketKind::Data,
            bytes: 1,
            msg: Some(MsgId(msg)),
            fate,
        }
    }

    #[test]
    fn picks_the_message_between_lanes_and_ends_in_flight_arrows_now() {
        let log = [
            record(0, 1, 0, 10, 0, PacketFate::Arrived),
            record(0, 2, 0, 10, 0, PacketFate::Lost),
            record(0, 3, 0, 10, 0, PacketFate::Arrived),
            record(0, 1, 5, 15, 1, PacketFate::Arrived),
            record(1, 0, 10, 30, 0, PacketFate::InFlight),
            record(2, 0, 40, 50, 0, PacketFate::Arrived),
        ];
        let lanes = lanes(Some(0), &[1, 2, 0]);
        assert_eq!(lanes, [0, 1, 2]);
        let got = arrows(&log, &lanes, MsgId(0), SimTime(20));
        let short: Vec<_> = got.iter().map(|a| (a.from, a.to, a.end.0, a.lost)).collect();
        assert_eq!(short, [(0, 1, 10, false), (0, 2, 10, true), (1, 0, 20, false)]);
        assert_eq!(span(&got), (SimTime(0), SimTime(1000)));
    }

    #[test]
    fn ticks_fall_on_round_milliseconds() {
        let ms = |t: u64| SimTime(t * 1000);
        assert_eq!(ticks(ms(0), ms(20)), [ms(0), ms(5), ms(10), ms(15), ms(20)]);
        assert_eq!(ticks(ms(3), ms(52)), [ms(10), ms(20), ms(30), ms(40), ms(50)]);
        assert!(ticks(SimTime(0), SimTime(1000)).len() <= 11);
    }
}
