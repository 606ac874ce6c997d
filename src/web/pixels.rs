//! The renderer for large groups: a frame written pixel by pixel into an RGBA buffer in wasm
//! memory and copied to the canvas at once. Building canvas paths of tens of thousands of tiny
//! shapes or lines costs far more (measured in headless Chromium with software rendering: 21
//! frames per second at 20,000 nodes with paths; a 20,000-node tree's edges stroked on top of the
//! pixels cost another two thirds of the frame).
//!
//! Edges are drawn first, under the nodes, one pixel wide, and only as many as fit a budget of
//! [`EDGE_PIXEL_BUDGET`] pixels of line: whole levels of the structure from the top down (the
//! tree's upper levels, every DR's link to the sender), so a large tree shows its skeleton rather
//! than a hairball. Fresh edges (re-attachments) are always drawn, bright and thick. The
//! protocol's overlay, when drawn, lies under them ([`super::overlay_draw`]'s cached picture
//! replaces the background fill), and the upstream edges are then drawn bright.

use super::canvas::{Edges, Frame, MAX_DRAWN_FLIGHTS};
use super::overlay::TREE_OVER_OVERLAY;
use super::palette::{node_colour, packet_colour, rgba, LOST_COLOUR, NODE_STATES};
use mcast::engine::{FlightView, NodeState, NO_UPSTREAM};
use mcast::protocol::PacketKind;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, ImageData};

/// The most pixels of (ordinary) edges drawn in one frame.
pub const EDGE_PIXEL_BUDGET: f64 = 1_500_000.0;

/// [`super::palette::BACKGROUND`] as bytes.
const BACKGROUND: [u8; 4] = [0x0e, 0x14, 0x20, 0xff];
/// [`super::canvas::EDGE_COLOUR`] (140, 160, 195 at 35 %) over the background, precomputed.
const EDGE: [u8; 4] = blend(BACKGROUND, [140, 160, 195], 0.35);
const FRESH: [u8; 3] = [255, 214, 10];

/// `over` at opacity `alpha` on top of `under`.
const fn blend(under: [u8; 4], over: [u8; 3], alpha: f64) -> [u8; 4] {
    [mix(under[0], over[0], alpha), mix(under[1], over[1], alpha), mix(under[2], over[2], alpha), 0xff]
}

const fn mix(under: u8, over: u8, alpha: f64) -> u8 {
    (under as f64 * (1.0 - alpha) + over as f64 * alpha + 0.5) as u8
}

/// Each node state's colour as RGBA bytes, indexed by the state's discriminant: one table per
/// frame, so the node loop does one indexed load per node.
fn node_table() -> [[u8; 4]; NODE_STATES.len()] {
    let mut table = [BACKGROUND; NODE_STATES.len()];
    for s in NODE_STATES {
        if let Some(slot) = table.get_mut(s as usize) {
            *slot = rgba(node_colour(s));
        }
    }
    table
}

/// Each packet kind's colour as RGBA bytes, indexed by the kind's number.
fn kind_table() -> [[u8; 4]; PacketKind::COUNT] {
    PacketKind::ALL.map(|k| rgba(packet_colour(k)))
}

/// A frame buffer in wasm memory, and the edges chosen for the structure last seen.
#[derive(Default)]
pub struct Pixels {
    buf: Vec<u8>,
    w: usize,
    h: usize,
    /// The nodes whose edge to their upstream is drawn, chosen for `chosen_for`.
    drawn: Vec<u32>,
    /// The upstreams, positions and frame size `drawn` was chosen for: a structure changes far
    /// less often than frames come, so the choice is made again only when one of them changes.
    chosen_for: (Vec<u32>, Vec<[f64; 2]>, (usize, usize)),
    /// The zoomed frame's corner and side `drawn` was chosen for.
    chosen_frame: (f64, f64, f64),
    /// The overlay's cached picture (this renderer's and the path renderer's).
    pub(super) overlay: super::overlay_draw::Cache,
}

/// Each node's depth in the structure `up` describes: 0 for a node without an upstream, and a
/// cycle, which a frame caught mid-repair may show, cut where the walk meets itself.
fn depths(up: &[u32]) -> Vec<u32> {
    const UNKNOWN: u32 = u32::MAX;
    const ON_WALK: u32 = u32::MAX - 1;
    let mut depth = vec![UNKNOWN; up.len()];
    let mut walk = Vec::new();
    for start in 0..up.len() {
        let mut v = start;
        // Up the structure until a node whose depth is known, a root, or this walk again.
        let base = loop {
            match depth[v] {
                UNKNOWN => {}
                ON_WALK => break 0,
                d => break d + 1,
            }
            match up[v] {
                u if u == NO_UPSTREAM || u as usize >= up.len() => {
                    depth[v] = 0;
                    break 1;
                }
                u => {
                    depth[v] = ON_WALK;
                    walk.push(v);
                    v = u as usize;
                }
            }
        };
        for (d, c) in (base..).zip(walk.drain(..).rev()) {
            depth[c] = d;
        }
    }
    depth
}

/// The nodes whose edge to their upstream is drawn: whole levels of the structure from the top
/// down while their lines fit [`EDGE_PIXEL_BUDGET`] (the first level always).
fn choose(up: &[u32], positions: &[[f64; 2]], frame: &Frame) -> Vec<u32> {
    let depth = depths(up);
    let mut by_depth: Vec<(u32, u32)> =
        (0..up.len() as u32).filter(|&n| up[n as usize] != NO_UPSTREAM).map(|n| (depth[n as usize], n)).collect();
    by_depth.sort_unstable();
    let mut drawn = Vec::new();
    let mut spent = 0.0;
    for level in by_depth.chunk_by(|a, b| a.0 == b.0) {
        let cost: f64 = level
            .iter()
            .filter_map(|&(_, n)| ends(positions, frame, n, up[n as usize]))
            .map(|(a, b)| (b.0 - a.0).abs().max((b.1 - a.1).abs()))
            .sum();
        if spent + cost > EDGE_PIXEL_BUDGET && spent > 0.0 {
            break;
        }
        spent += cost;
        drawn.extend(level.iter().map(|&(_, n)| n));
    }
    drawn
}

/// The canvas ends of the edge from `n` to `up`, if both are placed.
fn ends(positions: &[[f64; 2]], frame: &Frame, n: u32, up: u32) -> Option<((f64, f64), (f64, f64))> {
    let (a, b) = (positions.get(n as usize)?, positions.get(up as usize)?);
    Some((frame.at(*a), frame.at(*b)))
}

impl Pixels {
    fn square(&mut self, (x, y): (f64, f64), half: f64, colour: [u8; 4]) {
        let (w, h) = (self.w, self.h);
        let (x0, x1) = ((x - half).max(0.0) as usize, ((x + half).ceil().max(0.0) as usize).min(w));
        let (y0, y1) = ((y - half).max(0.0) as usize, ((y + half).ceil().max(0.0) as usize).min(h));
        if x1 <= x0 {
            return;
        }
        for row in y0..y1 {
            for px in self.buf[(row * w + x0) * 4..(row * w + x1) * 4].chunks_exact_mut(4) {
                px.copy_from_slice(&colour);
            }
        }
    }

    /// A crashed node: a cross, two pixels thick, `half` from its centre to each arm's end.
    fn cross(&mut self, (x, y): (f64, f64), half: f64, colour: [u8; 4]) {
        for (ox, oy) in [(0.0, 0.0), (1.0, 0.0)] {
            self.line((x - half + ox, y - half + oy), (x + half + ox, y + half + oy), colour);
            self.line((x + half + ox, y - half + oy), (x - half + ox, y + half + oy), colour);
        }
    }

    /// A paused node: a square outline, two pixels thick.
    fn ring(&mut self, (x, y): (f64, f64), half: f64, colour: [u8; 4]) {
        for inset in [0.0, 1.0] {
            let h = half - inset;
            let (a, b, c, d) = ((x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h));
            self.line(a, b, colour);
            self.line(b, c, colour);
            self.line(c, d, colour);
            self.line(d, a, colour);
        }
    }

    /// A one-pixel line from `a` to `b` (a DDA: one pixel per step along the longer axis).
    fn line(&mut self, a: (f64, f64), b: (f64, f64), colour: [u8; 4]) {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let steps = dx.abs().max(dy.abs()).ceil().max(1.0);
        let (sx, sy) = (dx / steps, dy / steps);
        let (w, h) = (self.w as f64, self.h as f64);
        for i in 0..=steps as usize {
            let (x, y) = (a.0 + sx * i as f64, a.1 + sy * i as f64);
            if x >= 0.0 && y >= 0.0 && x < w && y < h {
                let at = (y as usize * self.w + x as usize) * 4;
                self.buf[at..at + 4].copy_from_slice(&colour);
            }
        }
    }

    /// Draws the chosen edges (chosen again if the structure, the layout or the size changed),
    /// then the fresh ones on top.
    fn edges(&mut self, frame: &Frame, positions: &[[f64; 2]], edges: &Edges) {
        let size = (self.w, self.h);
        let (up, pos, at) = &self.chosen_for;
        let key = (frame.at([0.0, 0.0]).0, frame.at([0.0, 0.0]).1, frame.side);
        if up != &edges.up || pos.as_slice() != positions || *at != size || self.chosen_frame != key {
            self.drawn = choose(&edges.up, positions, frame);
            self.chosen_for = (edges.up.clone(), positions.to_vec(), size);
            self.chosen_frame = key;
        }
        let colour = if edges.overlay_drawn() { super::overlay_draw::blended(TREE_OVER_OVERLAY) } else { EDGE };
        for i in 0..self.drawn.len() {
            let n = self.drawn[i];
            if let Some((a, b)) = ends(positions, frame, n, edges.up[n as usize]) {
                self.line(a, b, colour);
            }
        }
        for &(n, bright) in &edges.fresh {
            let Some(&up) = edges.up.get(n as usize).filter(|u| **u != NO_UPSTREAM) else { continue };
            if let Some((a, b)) = ends(positions, frame, n, up) {
                let colour = blend(BACKGROUND, FRESH, bright.clamp(0.0, 1.0));
                for (ox, oy) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)] {
                    self.line((a.0 + ox, a.1 + oy), (b.0 + ox, b.1 + oy), colour);
                }
            }
        }
    }

    /// Renders one frame: background, the protocol's edges, nodes, packets in flight.
    #[allow(clippy::too_many_arguments)]
    pub fn render(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        (w, h): (f64, f64),
        frame: &Frame,
        max_half: f64,
        positions: &[[f64; 2]],
        states: &[NodeState],
        flights: &[FlightView],
        edges: &Edges,
    ) {
        (self.w, self.h) = (w as usize, h as usize);
        if self.w == 0 || self.h == 0 {
            return;
        }
        self.buf.resize(self.w * self.h * 4, 0);
        if edges.overlay_drawn() {
            self.overlay.copy_into(&mut self.buf, (self.w, self.h), frame, positions, &edges.overlay);
        } else {
            for px in self.buf.chunks_exact_mut(4) {
                px.copy_from_slice(&BACKGROUND);
            }
        }
        self.edges(frame, positions, edges);
        let half = (frame.side / (positions.len().max(1) as f64).sqrt() * 0.28).clamp(0.5, max_half);
        let colours = node_table();
        for (p, s) in positions.iter().zip(states) {
            let colour = colours.get(*s as usize).copied().unwrap_or(BACKGROUND);
            match s {
                NodeState::Crashed if half >= 2.0 => self.cross(frame.at(*p), half * 1.2, colour),
                NodeState::Paused if half >= 2.0 => self.ring(frame.at(*p), half, colour),
                NodeState::Sender => self.square(frame.at(*p), half * 3.0, colour),
                _ => self.square(frame.at(*p), half, colour),
            }
        }
        let dot = (half * 0.8).clamp(1.0, 4.0);
        let stride = flights.len().div_ceil(MAX_DRAWN_FLIGHTS).max(1);
        let (kinds, lost) = (kind_table(), rgba(LOST_COLOUR));
        for f in flights.iter().step_by(stride).filter(|f| !f.lost || f.progress < 0.5) {
            let (Some(a), Some(b)) = (positions.get(f.from as usize), positions.get(f.to as usize)) else { continue };
            let t = f64::from(f.progress);
            let colour = if f.lost { lost } else { kinds.get(f.kind as usize).copied().unwrap_or(lost) };
            self.square(frame.at([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]), dot, colour);
        }
        if let Some(node) = edges.focus.filter(|_| edges.overlay_drawn()) {
            let links = edges.overlay.links_of(node);
            super::overlay_draw::focus_pixels(&mut self.buf, (self.w, self.h), frame, positions, links);
        }
        if let Ok(img) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&self.buf), w as u32, h as u32) {
            let _ = ctx.put_image_data(&img, 0.0, 0.0);
        }
    }
}
