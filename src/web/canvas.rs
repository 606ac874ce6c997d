//! Draws one frame of the simulation onto the `<canvas>`: nodes coloured by state, packets in
//! flight coloured by kind. Everything of one colour goes into one path, so a frame costs a
//! handful of fill calls however many nodes there are.

use super::dom;
use super::zoom::Zoom;
use mcast::engine::{FlightView, NodeState, NO_UPSTREAM};
use mcast::protocol::PacketKind;
use std::f64::consts::TAU;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

pub use super::palette::{node_colour, packet_colour, LOST_COLOUR};
use super::palette::{BACKGROUND, NODE_STATES};
pub use super::pixels::Pixels;

/// The most packets drawn in one frame; beyond it the frame shows a sample.
pub(super) const MAX_DRAWN_FLIGHTS: usize = 30_000;

/// Maps the unit square onto the canvas, keeping it square and centred.
pub(super) struct Frame {
    x0: f64,
    y0: f64,
    pub(super) side: f64,
}

impl Frame {
    pub(super) fn at(&self, p: [f64; 2]) -> (f64, f64) {
        (self.x0 + p[0] * self.side, self.y0 + p[1] * self.side)
    }
}

impl Frame {
    pub(super) fn of((w, h): (f64, f64)) -> Frame {
        let margin = 0.03 * w.min(h);
        let side = w.min(h) - 2.0 * margin;
        Frame { x0: (w - side) / 2.0, y0: (h - side) / 2.0, side }
    }

    /// The frame of a canvas of `size` seen through `zoom`.
    pub(super) fn zoomed(size: (f64, f64), zoom: &Zoom) -> Frame {
        let f = Frame::of(size);
        let (x0, y0) = zoom.place((f.x0, f.y0));
        Frame { x0, y0, side: f.side * zoom.scale }
    }

    /// The largest node radius (device pixels) at this zoom: 7 for the whole group, up to 17.5
    /// zoomed in, so a close look at a large group shows nodes a finger can hit.
    pub(super) fn max_radius(zoom: &Zoom) -> f64 {
        7.0 * zoom.scale.sqrt().min(2.5)
    }
}

/// The node drawn nearest to canvas pixel `(x, y)` through `zoom`, if one is within a few node
/// radii of it.
pub fn node_at(size: (f64, f64), zoom: &Zoom, positions: &[[f64; 2]], (x, y): (f64, f64)) -> Option<u32> {
    let frame = Frame::zoomed(size, zoom);
    let reach = (frame.side / (positions.len().max(1) as f64).sqrt()).max(8.0);
    positions
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (px, py) = frame.at(*p);
            (i, (px - x) * (px - x) + (py - y) * (py - y))
        })
        .filter(|(_, d2)| *d2 <= reach * reach)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i as u32)
}

/// Makes the canvas's pixel size match its displayed size; returns the size in pixels.
pub fn fit(canvas: &HtmlCanvasElement) -> (f64, f64) {
    let dpr = dom::pixel_ratio();
    let (w, h) = ((canvas.client_width() as f64 * dpr) as u32, (canvas.client_height() as f64 * dpr) as u32);
    if w > 0 && h > 0 && (canvas.width() != w || canvas.height() != h) {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    (canvas.width() as f64, canvas.height() as f64)
}

/// Above this many nodes a frame is rendered pixel by pixel into [`Pixels`] and copied to the
/// canvas at once: building a canvas path of thousands of tiny shapes costs far more (measured:
/// 21 frames per second at 20,000 nodes with paths, headless Chromium, software rendering).
pub const PIXEL_RENDER_FROM: usize = 1500;

/// The protocol's structure to draw under the packets: each node's upstream (tree parent,
/// designated receiver; [`NO_UPSTREAM`] for none), and the edges made recently, each with how
/// bright it still is (1 just made, fading to 0).
#[derive(Default)]
pub struct Edges {
    /// Each node's upstream.
    pub up: Vec<u32>,
    /// Recent re-attachments: `(node, brightness)`.
    pub fresh: Vec<(u32, f64)>,
    /// The protocol's overlay, drawn under the upstreams (which are then drawn bright).
    pub overlay: super::overlay::Overlay,
    /// Whether the user wants the overlay drawn.
    pub show_overlay: bool,
    /// The node whose own overlay links are highlighted (hovered, else selected).
    pub focus: Option<u32>,
}

impl Edges {
    /// Whether the overlay is drawn.
    pub fn overlay_drawn(&self) -> bool {
        self.show_overlay && !self.overlay.is_empty()
    }
}

/// Colour of the protocol's structure (tree edges, receiver to designated receiver).
pub const EDGE_COLOUR: &str = "rgba(140, 160, 195, 0.35)";
/// Colour of an edge just made (a re-attachment), at full brightness.
const FRESH_EDGE_RGB: &str = "255, 214, 10";

fn draw_edges(ctx: &CanvasRenderingContext2d, frame: &Frame, positions: &[[f64; 2]], edges: &Edges) {
    let line = |ctx: &CanvasRenderingContext2d, node: u32, up: u32| {
        if let (Some(a), Some(b)) = (positions.get(node as usize), positions.get(up as usize)) {
            let ((ax, ay), (bx, by)) = (frame.at(*a), frame.at(*b));
            ctx.move_to(ax, ay);
            ctx.line_to(bx, by);
        }
    };
    if edges.up.iter().all(|u| *u == NO_UPSTREAM) {
        return;
    }
    if edges.overlay_drawn() {
        let bright = super::overlay::TREE_OVER_OVERLAY;
        ctx.set_line_width(bright.width);
        ctx.set_stroke_style_str(&bright.css());
    } else {
        ctx.set_line_width(1.0);
        ctx.set_stroke_style_str(EDGE_COLOUR);
    }
    ctx.begin_path();
    for (node, up) in edges.up.iter().enumerate().filter(|(_, u)| **u != NO_UPSTREAM) {
        line(ctx, node as u32, *up);
    }
    ctx.stroke();
    ctx.set_line_width(2.5);
    for &(node, bright) in &edges.fresh {
        let Some(&up) = edges.up.get(node as usize).filter(|u| **u != NO_UPSTREAM) else { continue };
        ctx.set_stroke_style_str(&format!("rgba({FRESH_EDGE_RGB}, {bright:.2})"));
        ctx.begin_path();
        line(ctx, node, up);
        ctx.stroke();
    }
}

/// Draws nodes at `positions` in `states`, the protocol's `edges` and the packets in `flights`,
/// seen through `zoom`; large groups go through `pixels`.
#[allow(clippy::too_many_arguments)]
pub fn draw(
    ctx: &CanvasRenderingContext2d,
    size: (f64, f64),
    zoom: &Zoom,
    positions: &[[f64; 2]],
    states: &[NodeState],
    flights: &[FlightView],
    edges: &Edges,
    pixels: &mut Pixels,
) {
    if positions.len() >= PIXEL_RENDER_FROM {
        pixels.render(
            ctx,
            size,
            &Frame::zoomed(size, zoom),
            Frame::max_radius(zoom),
            positions,
            states,
            flights,
            edges,
        );
    } else {
        let frame = Frame::zoomed(size, zoom);
        if edges.overlay_drawn() {
            pixels.overlay.paint(ctx, size, &frame, positions, &edges.overlay);
        } else {
            ctx.set_fill_style_str(BACKGROUND);
            ctx.fill_rect(0.0, 0.0, size.0, size.1);
        }
        draw_paths(ctx, (&frame, Frame::max_radius(zoom)), positions, states, flights, edges);
        if let Some(node) = edges.focus.filter(|_| edges.overlay_drawn()) {
            let links = edges.overlay.links_of(node);
            super::overlay_draw::focus_paths(ctx, size, &frame, positions, links, super::dom::pixel_ratio());
        }
    }
}

fn draw_paths(
    ctx: &CanvasRenderingContext2d,
    (frame, max_r): (&Frame, f64),
    positions: &[[f64; 2]],
    states: &[NodeState],
    flights: &[FlightView],
    edges: &Edges,
) {
    draw_edges(ctx, frame, positions, edges);
    let n = positions.len().max(1) as f64;
    let spacing = frame.side / n.sqrt();
    let r = (spacing * 0.28).clamp(0.8, max_r);

    for state in NODE_STATES {
        let marked = matches!(state, NodeState::Crashed | NodeState::Paused);
        if marked && r >= 2.0 {
            draw_marked(ctx, frame, positions, states, state, r);
            continue;
        }
        ctx.set_fill_style_str(node_colour(state));
        ctx.begin_path();
        let big = if state == NodeState::Sender { 2.2 } else { 1.0 };
        for (p, _) in positions.iter().zip(states).filter(|(_, s)| **s == state) {
            let (x, y) = frame.at(*p);
            if r * big < 2.0 {
                ctx.rect(x - r * big, y - r * big, 2.0 * r * big, 2.0 * r * big);
            } else {
                ctx.move_to(x + r * big, y);
                let _ = ctx.arc(x, y, r * big, 0.0, TAU);
            }
        }
        ctx.fill();
    }

    let dot = (r * 0.8).clamp(1.2, 4.0);
    let stride = flights.len().div_ceil(MAX_DRAWN_FLIGHTS).max(1);
    for kind in PacketKind::ALL {
        ctx.set_fill_style_str(packet_colour(kind));
        ctx.begin_path();
        for f in flights.iter().step_by(stride).filter(|f| f.kind == kind && !f.lost) {
            flight_dot(ctx, frame, positions, f, dot);
        }
        ctx.fill();
    }
    // Lost packets travel half-way and vanish.
    ctx.set_fill_style_str(LOST_COLOUR);
    ctx.begin_path();
    for f in flights.iter().step_by(stride).filter(|f| f.lost && f.progress < 0.5) {
        flight_dot(ctx, frame, positions, f, dot);
    }
    ctx.fill();
}

/// Nodes whose state colour alone could be mistaken (by a colour-blind reader, or for a packet)
/// drawn with a shape of their own: a crashed node as a cross, a paused node as a ring.
fn draw_marked(
    ctx: &CanvasRenderingContext2d,
    frame: &Frame,
    positions: &[[f64; 2]],
    states: &[NodeState],
    state: NodeState,
    r: f64,
) {
    ctx.set_stroke_style_str(node_colour(state));
    ctx.set_line_width((r * 0.45).clamp(1.5, 4.0));
    ctx.begin_path();
    for (p, _) in positions.iter().zip(states).filter(|(_, s)| **s == state) {
        let (x, y) = frame.at(*p);
        if state == NodeState::Crashed {
            let a = r * 1.1;
            ctx.move_to(x - a, y - a);
            ctx.line_to(x + a, y + a);
            ctx.move_to(x + a, y - a);
            ctx.line_to(x - a, y + a);
        } else {
            ctx.move_to(x + r, y);
            let _ = ctx.arc(x, y, r, 0.0, TAU);
        }
    }
    ctx.stroke();
}

fn flight_dot(ctx: &CanvasRenderingContext2d, frame: &Frame, positions: &[[f64; 2]], f: &FlightView, dot: f64) {
    let (Some(a), Some(b)) = (positions.get(f.from as usize), positions.get(f.to as usize)) else {
        return;
    };
    let t = f64::from(f.progress);
    let (x, y) = frame.at([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
    ctx.rect(x - dot, y - dot, 2.0 * dot, 2.0 * dot);
}

/// Outlines the partition tool's region, corners `a` and `b` in device pixels.
pub fn region(ctx: &CanvasRenderingContext2d, a: (f64, f64), b: (f64, f64)) {
    ctx.set_stroke_style_str(REGION_COLOUR);
    ctx.set_line_width(2.0);
    let dash = js_sys::Array::of2(&6.0.into(), &4.0.into());
    let _ = ctx.set_line_dash(&dash);
    ctx.stroke_rect(a.0.min(b.0), a.1.min(b.1), (a.0 - b.0).abs(), (a.1 - b.1).abs());
    let _ = ctx.set_line_dash(&js_sys::Array::new());
}

/// The partition tool's region outline.
const REGION_COLOUR: &str = "#ffffff";
