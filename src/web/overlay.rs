//! The protocol's overlay as the page draws it ([`mcast::engine::Simulation::overlay`]): active
//! views faint, lazy links dashed in another tone, eager and mesh links bright, and the links
//! of the node under the pointer (or the selected one) highlighted and listed in its tooltip.
//!
//! The stage reads the overlay at most every [`READ_EVERY_MS`] of page time while the run moves
//! (and at once after a user's action), since views change at protocol periods, not per frame;
//! a periodic reading is planned and drawn at the next frame, so that no frame does both.
//! Each linked pair becomes one line of the strongest kind either end keeps (a Plumtree node
//! over HyParView reports a peer both as active and as eager), grouped by kind, so a frame
//! strokes one path per kind. What a frame can afford is planned here too: at most
//! [`LINE_PIXEL_BUDGET`] pixels of line, the bright kinds first; a kind that does not fit is
//! drawn one line in k, and the legend says so. The renderers keep the drawn overlay in a cache
//! ([`Overlay::version`] says when to redraw it). Free of the browser: its tests run natively.

use mcast::protocol::{NodeId, OverlayEdge, OverlayLink};

/// How often the stage reads the overlay again while the run moves, at most (page ms).
pub const READ_EVERY_MS: f64 = 500.0;

/// A reading that took `ms` waits this many times as long before the next, so that a large
/// overlay (400,000 links: about 10 ms to read in wasm) takes no more than a tenth of the time.
pub const READ_SPACING: f64 = 10.0;

/// The most pixels of overlay line drawn into the cached picture (about 5 ms to
/// rasterize in wasm, done only when the overlay or the view changes).
pub const LINE_PIXEL_BUDGET: f64 = 1_000_000.0;

/// The most lines of a kind whose length a plan measures; it scales the rest from them.
const PLAN_SAMPLE: usize = 20_000;

/// How a kind of link is drawn: its colour (`r, g, b` and opacity), width in device pixels at
/// a normal density, and whether dashed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    /// Red, green, blue.
    pub rgb: [u8; 3],
    /// Opacity over the background.
    pub alpha: f64,
    /// Line width (device pixels) in the path renderer.
    pub width: f64,
    /// Dashed (lazy links).
    pub dashed: bool,
}

impl Style {
    /// The colour as CSS.
    pub fn css(&self) -> String {
        let [r, g, b] = self.rgb;
        format!("rgba({r}, {g}, {b}, {})", self.alpha)
    }
}

/// How each kind is drawn: active links faint, lazy dashed violet, eager and mesh bright cyan
/// (the two never meet in one family), eager wide under the tree.
pub fn style(link: OverlayLink) -> Style {
    match link {
        OverlayLink::Active => Style { rgb: [140, 160, 195], alpha: 0.22, width: 1.0, dashed: false },
        OverlayLink::Lazy => Style { rgb: [186, 140, 255], alpha: 0.5, width: 1.0, dashed: true },
        // Wide, so that the tree drawn thin and white over it (every eager link is one) shows
        // its colour on both sides.
        OverlayLink::Eager => Style { rgb: [0, 229, 255], alpha: 0.7, width: 3.0, dashed: false },
        OverlayLink::Mesh => Style { rgb: [0, 229, 255], alpha: 0.55, width: 1.0, dashed: false },
    }
}

/// The colour of the protocol's upstream edges (the emerging tree) drawn over an overlay: bright.
pub const TREE_OVER_OVERLAY: Style = Style { rgb: [255, 255, 255], alpha: 0.9, width: 1.0, dashed: false };

/// The overlay as last read, the lines to draw and the plan of what fits.
#[derive(Clone, Debug, Default)]
pub struct Overlay {
    /// Every up node's links, node by node in id order (as the engine lists them).
    edges: Vec<OverlayEdge>,
    /// The lines to draw by kind ([`OverlayLink::ALL`] order): each linked pair once.
    lines: [Vec<(NodeId, NodeId)>; 4],
    /// Of each kind's lines, one in this many is drawn (1: all; 0: none).
    strides: [usize; 4],
    /// Bumped whenever the links change.
    read: u64,
    /// What the picture was planned for: the links' version, the view (corner and side) and
    /// the size.
    planned_for: (u64, [f64; 3], (f64, f64)),
    /// Bumped whenever a plan makes a new picture: the renderers' cache key.
    picture: u64,
}

impl Overlay {
    /// Forgets the overlay (a new run starts).
    pub fn clear(&mut self) {
        self.edges.clear();
        self.lines.iter_mut().for_each(Vec::clear);
        self.read += 1;
    }

    /// Takes a fresh reading `fresh` (swapped in, the old one left in it); true if it differs.
    pub fn update(&mut self, fresh: &mut Vec<OverlayEdge>) -> bool {
        if *fresh == self.edges {
            return false;
        }
        std::mem::swap(&mut self.edges, fresh);
        self.lines = lines(&self.edges);
        self.read += 1;
        true
    }

    /// Whether there is anything to draw.
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// The lines of kind `link`.
    pub fn lines(&self, link: OverlayLink) -> &[(NodeId, NodeId)] {
        &self.lines[link as usize]
    }

    /// The version of the picture last planned (the renderers redraw their cache when it
    /// changes): links read since show only once planned ([`Overlay::plan`]).
    pub fn version(&self) -> u64 {
        self.picture
    }

    /// Of kind `link`'s lines, one in this many is drawn (1: all; 0: none).
    pub fn stride(&self, link: OverlayLink) -> usize {
        self.strides[link as usize]
    }

    /// The kinds present, weakest first, each with its stride (see [`Overlay::stride`]).
    pub fn kinds(&self) -> Vec<(OverlayLink, usize)> {
        OverlayLink::ALL.iter().filter(|k| !self.lines(**k).is_empty()).map(|&k| (k, self.stride(k))).collect()
    }

    /// `node`'s own links (those it keeps), in the protocol's order.
    pub fn links_of(&self, node: NodeId) -> &[OverlayEdge] {
        let start = self.edges.partition_point(|e| e.from < node);
        let end = start + self.edges[start..].partition_point(|e| e.from == node);
        &self.edges[start..end]
    }

    /// `node`'s links grouped by kind, weakest first, for the tooltip.
    pub fn grouped(&self, node: NodeId) -> Vec<(OverlayLink, Vec<NodeId>)> {
        let mine = self.links_of(node);
        OverlayLink::ALL
            .iter()
            .map(|&k| (k, mine.iter().filter(|e| e.link == k).map(|e| e.to).collect::<Vec<_>>()))
            .filter(|(_, nodes)| !nodes.is_empty())
            .collect()
    }

    /// Plans what a frame draws through `at` (unit square to canvas pixels) on a canvas of
    /// `size`, seen from `view` (the frame's corner and side), unless already planned for them.
    pub fn plan(
        &mut self,
        positions: &[[f64; 2]],
        at: impl Fn([f64; 2]) -> (f64, f64),
        view: [f64; 3],
        size: (f64, f64),
    ) {
        if self.planned_for == (self.read, view, size) {
            return;
        }
        // Each kind's cost from at most PLAN_SAMPLE of its lines, evenly spread.
        let cost = |k: OverlayLink| -> f64 {
            let lines = self.lines(k);
            let step = lines.len().div_ceil(PLAN_SAMPLE).max(1);
            let sampled: f64 = lines
                .iter()
                .step_by(step)
                .filter_map(|&(a, b)| ends(positions, &at, size, a, b))
                .map(|(p, q)| span(p, q))
                .sum();
            // A wide kind is drawn three times over, offset by a pixel (see overlay_draw).
            let passes = if style(k).width > 2.0 { 3.0 } else { 1.0 };
            sampled * step as f64 * passes
        };
        self.strides = strides(OverlayLink::ALL.map(cost), LINE_PIXEL_BUDGET);
        self.picture += 1;
        self.planned_for = (self.read, view, size);
    }
}

/// Each linked pair once, with the strongest kind either end keeps, grouped by kind. Each link
/// is packed into one integer (the pair as `low × n + high`, then the kind) and the keys are
/// radix-sorted: a 400,000-link overlay takes a few milliseconds, where sorting tuples took 40.
fn lines(edges: &[OverlayEdge]) -> [Vec<(NodeId, NodeId)>; 4] {
    // Ids from 2^30 up (no page runs such groups) are left out, so that no key overflows.
    const ID_LIMIT: u64 = 1 << 30;
    let fits = |e: &&OverlayEdge| e.from != e.to && u64::from(e.from.max(e.to)) < ID_LIMIT;
    let n = edges.iter().filter(fits).map(|e| u64::from(e.from.max(e.to)) + 1).max().unwrap_or(1);
    let mut keys: Vec<u64> = edges
        .iter()
        .filter(fits)
        .map(|e| ((u64::from(e.from.min(e.to)) * n + u64::from(e.from.max(e.to))) << 2) | e.link as u64)
        .collect();
    radix_sort(&mut keys);
    let mut out: [Vec<(NodeId, NodeId)>; 4] = Default::default();
    for run in keys.chunk_by(|a, b| a >> 2 == b >> 2) {
        if let Some(&key) = run.last() {
            let pair = key >> 2;
            out[(key & 3) as usize].push(((pair / n) as NodeId, (pair % n) as NodeId));
        }
    }
    out
}

/// Sorts `keys` by 11-bit digits from the lowest, as many passes as the largest key needs.
fn radix_sort(keys: &mut Vec<u64>) {
    const BITS: u32 = 11;
    let top = keys.iter().copied().max().unwrap_or(0);
    let mut other = vec![0; keys.len()];
    let mut shift = 0;
    while shift < 64 && top >> shift > 0 {
        let mut count = [0usize; 1 << BITS];
        for &k in keys.iter() {
            count[((k >> shift) & ((1 << BITS) - 1)) as usize] += 1;
        }
        let mut at = 0;
        for c in count.iter_mut() {
            (*c, at) = (at, at + *c);
        }
        for &k in keys.iter() {
            let digit = ((k >> shift) & ((1 << BITS) - 1)) as usize;
            other[count[digit]] = k;
            count[digit] += 1;
        }
        std::mem::swap(keys, &mut other);
        shift += BITS;
    }
}

/// How many pixels a line covers: its longer side.
pub fn span(a: (f64, f64), b: (f64, f64)) -> f64 {
    (b.0 - a.0).abs().max((b.1 - a.1).abs())
}

/// The visible part of the line between nodes `a` and `b` on a canvas of `size`, if any.
pub fn ends(
    positions: &[[f64; 2]],
    at: impl Fn([f64; 2]) -> (f64, f64),
    size: (f64, f64),
    a: NodeId,
    b: NodeId,
) -> Option<((f64, f64), (f64, f64))> {
    let (p, q) = (positions.get(a as usize)?, positions.get(b as usize)?);
    clip(at(*p), at(*q), size)
}

/// The part of the segment `a`-`b` inside `[0, w] × [0, h]` (Liang and Barsky's clipping).
pub fn clip(a: (f64, f64), b: (f64, f64), (w, h): (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [(-dx, a.0), (dx, w - a.0), (-dy, a.1), (dy, h - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else if p < 0.0 {
            t0 = t0.max(q / p);
        } else {
            t1 = t1.min(q / p);
        }
    }
    (t0 <= t1).then_some(((a.0 + t0 * dx, a.1 + t0 * dy), (a.0 + t1 * dx, a.1 + t1 * dy)))
}

/// Of each kind's lines (pixel `costs` in [`OverlayLink::ALL`] order), one in how many fit
/// `budget`: the strongest kind first, every line of a kind that fits what is left, else one
/// in k so that it does (0: nothing left for it).
fn strides(costs: [f64; 4], budget: f64) -> [usize; 4] {
    let mut left = budget;
    let mut out = [1; 4];
    for k in (0..4).rev() {
        let cost = costs[k];
        if cost <= left {
            left -= cost;
        } else if left < 1.0 {
            out[k] = 0;
        } else {
            let k_stride = (cost / left).ceil().max(1.0);
            out[k] = k_stride as usize;
            left -= cost / k_stride;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: NodeId, to: NodeId, link: OverlayLink) -> OverlayEdge {
        OverlayEdge { from, to, link }
    }

    #[test]
    fn each_pair_is_one_line_of_the_strongest_kind_either_end_keeps() {
        use OverlayLink::*;
        let mut o = Overlay::default();
        let mut read = vec![
            edge(0, 1, Active),
            edge(0, 1, Eager),
            edge(0, 2, Active),
            edge(1, 0, Active),
            edge(1, 0, Lazy),
            edge(2, 0, Active),
            edge(2, 3, Lazy),
            edge(3, 3, Mesh),
        ];
        assert!(o.update(&mut read));
        assert_eq!(o.lines(Active), [(0, 2)]);
        assert_eq!(o.lines(Lazy), [(2, 3)]);
        assert_eq!(o.lines(Eager), [(0, 1)]);
        assert!(o.lines(Mesh).is_empty(), "a link to itself is no line");
        assert_eq!(o.links_of(1), [edge(1, 0, Active), edge(1, 0, Lazy)]);
        assert_eq!(o.links_of(4), []);
        assert_eq!(o.grouped(0), [(Active, vec![1, 2]), (Eager, vec![1])]);
        let at = |p: [f64; 2]| (p[0], p[1]);
        o.plan(&[[0.0; 2]; 4], at, [0.0; 3], (1.0, 1.0));
        let v = o.version();
        let mut same = read.clone();
        same.clone_from(&o.edges);
        assert!(!o.update(&mut same), "the same reading changes nothing");
        o.plan(&[[0.0; 2]; 4], at, [0.0; 3], (1.0, 1.0));
        assert_eq!(o.version(), v, "nothing to draw again");
        o.clear();
        assert!(o.is_empty() && o.kinds().is_empty());
        assert_eq!(o.version(), v, "a new picture only once planned");
        o.plan(&[[0.0; 2]; 4], at, [0.0; 3], (1.0, 1.0));
        assert!(o.version() > v);
    }

    #[test]
    fn the_radix_sort_sorts() {
        let mut keys: Vec<u64> = (0..5000u64).map(|i| ((i * 2_654_435_761) % 1_000_003) << 20 | i).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        radix_sort(&mut keys);
        assert_eq!(keys, sorted);
    }

    #[test]
    fn a_line_is_clipped_to_the_canvas() {
        assert_eq!(clip((10.0, 10.0), (20.0, 30.0), (100.0, 100.0)), Some(((10.0, 10.0), (20.0, 30.0))));
        assert_eq!(clip((-50.0, 50.0), (150.0, 50.0), (100.0, 100.0)), Some(((0.0, 50.0), (100.0, 50.0))));
        assert_eq!(clip((-50.0, -10.0), (150.0, -10.0), (100.0, 100.0)), None);
        assert_eq!(clip((120.0, 0.0), (200.0, 100.0), (100.0, 100.0)), None);
    }

    #[test]
    fn the_bright_kinds_are_drawn_whole_first_and_the_rest_sampled_to_fit() {
        // Active 3000 px, lazy 500, eager 400, mesh none, in a budget of 1000.
        assert_eq!(strides([3000.0, 500.0, 400.0, 0.0], 1000.0), [30, 1, 1, 1], "100 px left for 3000");
        assert_eq!(strides([100.0, 100.0, 100.0, 100.0], 1000.0), [1; 4]);
        assert_eq!(strides([100.0, 0.0, 2000.0, 0.0], 1000.0), [0, 1, 2, 1]);
    }

    #[test]
    fn a_plan_counts_only_what_the_canvas_shows() {
        use OverlayLink::*;
        let mut o = Overlay::default();
        let positions = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0]];
        let mut read = vec![edge(0, 1, Active), edge(0, 2, Active), edge(1, 3, Eager)];
        o.update(&mut read);
        // Unit square onto 100 px: the active lines cost 100 each, the eager one 100 (clipped).
        let at = |p: [f64; 2]| (p[0] * 100.0, p[1] * 100.0);
        o.plan(&positions, at, [0.0, 0.0, 100.0], (100.0, 100.0));
        assert_eq!(o.kinds(), [(Active, 1), (Eager, 1)]);
        assert_eq!(o.stride(Lazy), 1);
    }
}
