//! Draws the overlay ([`super::overlay`]) under the group: the lines of each kind, weakest first,
//! into a cached picture of the background (an offscreen canvas for the path renderer, an RGBA
//! buffer for the pixel renderer), redrawn only when the overlay, its plan or the view changes,
//! and copied under every frame at the cost of one background fill. The focused node's own
//! links (under the pointer, else selected) are drawn over the frame, thick and opaque.

use super::canvas::Frame;
use super::overlay::{self, Overlay, Style};
use super::palette::BACKGROUND;
use mcast::protocol::{OverlayEdge, OverlayLink};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The dash pattern of lazy links (device pixels on, off).
const DASH: [f64; 2] = [4.0, 3.0];

/// What a cache holds: the overlay's version, the view (corner and side) and the size.
type Key = (u64, [f64; 3], (f64, f64));

/// The frame's corner and side, which the picture depends on.
fn view(frame: &Frame) -> [f64; 3] {
    let (x0, y0) = frame.at([0.0, 0.0]);
    [x0, y0, frame.side]
}

/// `style`'s colour over the background, as opaque RGBA bytes.
pub fn blended(style: Style) -> [u8; 4] {
    let bg = super::palette::rgba(BACKGROUND);
    let mix = |u: u8, o: u8| (f64::from(u) * (1.0 - style.alpha) + f64::from(o) * style.alpha + 0.5) as u8;
    [mix(bg[0], style.rgb[0]), mix(bg[1], style.rgb[1]), mix(bg[2], style.rgb[2]), 0xff]
}

/// The overlay's cached picture for both renderers.
#[derive(Default)]
pub struct Cache {
    canvas: Option<HtmlCanvasElement>,
    canvas_key: Option<Key>,
    buf: Vec<u8>,
    buf_key: Option<Key>,
}

impl Cache {
    /// Paints the background with the overlay on it onto `ctx` (the path renderer).
    pub fn paint(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        size: (f64, f64),
        frame: &Frame,
        positions: &[[f64; 2]],
        o: &Overlay,
    ) {
        let key = (o.version(), view(frame), size);
        if self.canvas.is_none() {
            self.canvas = offscreen();
        }
        let Some(cache) = &self.canvas else { return };
        if self.canvas_key != Some(key) {
            cache.set_width(size.0 as u32);
            cache.set_height(size.1 as u32);
            let Some(c) = super::dom::context_2d(cache) else { return };
            let dpr = super::dom::pixel_ratio();
            c.set_fill_style_str(BACKGROUND);
            c.fill_rect(0.0, 0.0, size.0, size.1);
            for link in OverlayLink::ALL {
                let stride = o.stride(link);
                if stride == 0 {
                    continue;
                }
                let lines = o.lines(link).iter().step_by(stride);
                stroke(&c, style(link), lines.filter_map(|&(a, b)| ends(positions, frame, size, a, b)), dpr);
            }
            self.canvas_key = Some(key);
        }
        let _ = ctx.draw_image_with_html_canvas_element(cache, 0.0, 0.0);
    }

    /// Writes the background with the overlay on it into `buf` (`w` × `h` RGBA, the pixel
    /// renderer).
    pub fn copy_into(
        &mut self,
        buf: &mut [u8],
        (w, h): (usize, usize),
        frame: &Frame,
        positions: &[[f64; 2]],
        o: &Overlay,
    ) {
        let size = (w as f64, h as f64);
        let key = (o.version(), view(frame), size);
        if self.buf_key != Some(key) || self.buf.len() != buf.len() {
            self.buf.resize(buf.len(), 0);
            let bg = super::palette::rgba(BACKGROUND);
            for px in self.buf.chunks_exact_mut(4) {
                px.copy_from_slice(&bg);
            }
            for link in OverlayLink::ALL {
                let (stride, s) = (o.stride(link), style(link));
                if stride == 0 {
                    continue;
                }
                let colour = blended(s);
                // Wide kinds two pixels wide (the tree's one-pixel line goes over the middle).
                let offsets: &[(f64, f64)] =
                    if s.width > 2.0 { &[(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)] } else { &[(0.0, 0.0)] };
                for &(a, b) in o.lines(link).iter().step_by(stride) {
                    if let Some((p, q)) = ends(positions, frame, size, a, b) {
                        for &(ox, oy) in offsets {
                            let shift = |v: (f64, f64)| ((v.0 + ox).min(size.0 - 1.0), (v.1 + oy).min(size.1 - 1.0));
                            line(&mut self.buf, (w, h), shift(p), shift(q), colour, s.dashed);
                        }
                    }
                }
            }
            self.buf_key = Some(key);
        }
        buf.copy_from_slice(&self.buf);
    }
}

/// How `link` is drawn.
fn style(link: OverlayLink) -> Style {
    overlay::style(link)
}

/// The visible part of the line between nodes `a` and `b`.
fn ends(positions: &[[f64; 2]], frame: &Frame, size: (f64, f64), a: u32, b: u32) -> Option<((f64, f64), (f64, f64))> {
    overlay::ends(positions, |p| frame.at(p), size, a, b)
}

/// A canvas the page does not show, for the cached picture.
fn offscreen() -> Option<HtmlCanvasElement> {
    let document = web_sys::window()?.document()?;
    document.create_element("canvas").ok()?.dyn_into::<HtmlCanvasElement>().ok()
}

/// Strokes `lines` as one path in `s`'s colour, dash and width times `scale`.
fn stroke(ctx: &CanvasRenderingContext2d, s: Style, lines: impl Iterator<Item = ((f64, f64), (f64, f64))>, scale: f64) {
    ctx.set_stroke_style_str(&s.css());
    ctx.set_line_width(s.width * scale);
    if s.dashed {
        let _ = ctx.set_line_dash(&js_sys::Array::of2(&DASH[0].into(), &DASH[1].into()));
    }
    ctx.begin_path();
    for (p, q) in lines {
        ctx.move_to(p.0, p.1);
        ctx.line_to(q.0, q.1);
    }
    ctx.stroke();
    if s.dashed {
        let _ = ctx.set_line_dash(&js_sys::Array::new());
    }
}

/// A one-pixel line from `a` to `b` (both inside the buffer, clipped), dashed if asked: one
/// pixel per step along the longer axis.
pub fn line(buf: &mut [u8], (w, h): (usize, usize), a: (f64, f64), b: (f64, f64), colour: [u8; 4], dashed: bool) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let steps = dx.abs().max(dy.abs()).ceil().max(1.0);
    let (sx, sy) = (dx / steps, dy / steps);
    for i in 0..=steps as usize {
        if dashed && (i / 4) % 2 == 1 {
            continue;
        }
        let (x, y) = (a.0 + sx * i as f64, a.1 + sy * i as f64);
        let (x, y) = (x.max(0.0) as usize, y.max(0.0) as usize);
        if x < w && y < h {
            let at = (y * w + x) * 4;
            if let Some(px) = buf.get_mut(at..at + 4) {
                px.copy_from_slice(&colour);
            }
        }
    }
}

/// The focused node's own links, drawn opaque and thick over a path-rendered frame.
pub fn focus_paths(
    ctx: &CanvasRenderingContext2d,
    size: (f64, f64),
    frame: &Frame,
    positions: &[[f64; 2]],
    links: &[OverlayEdge],
    dpr: f64,
) {
    for link in OverlayLink::ALL {
        let s = Style { alpha: 1.0, width: 2.5, ..style(link) };
        let mine = links.iter().filter(|e| e.link == link);
        stroke(ctx, s, mine.filter_map(|e| ends(positions, frame, size, e.from, e.to)), dpr);
    }
}

/// The focused node's own links, drawn opaque and three pixels thick into a pixel-rendered frame.
pub fn focus_pixels(
    buf: &mut [u8],
    (w, h): (usize, usize),
    frame: &Frame,
    positions: &[[f64; 2]],
    links: &[OverlayEdge],
) {
    let size = (w as f64, h as f64);
    for link in OverlayLink::ALL {
        let s = style(link);
        let colour = [s.rgb[0], s.rgb[1], s.rgb[2], 0xff];
        for e in links.iter().filter(|e| e.link == link) {
            let Some((p, q)) = ends(positions, frame, size, e.from, e.to) else { continue };
            for (ox, oy) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)] {
                let shifted = ((p.0 + ox).min(size.0 - 1.0), (p.1 + oy).min(size.1 - 1.0));
                let to = ((q.0 + ox).min(size.0 - 1.0), (q.1 + oy).min(size.1 - 1.0));
                line(buf, (w, h), shifted, to, colour, s.dashed);
            }
        }
    }
}
