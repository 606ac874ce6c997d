//! Zoom and pan of the group canvas: a scale and an offset applied on top of the square the
//! layout is drawn in, so 20,000 nodes can be looked at closely. Drawing and the hit test both
//! read node positions through [`Zoom::place`], so a click lands on the node drawn under it at any
//! zoom. Free of the browser: the tests below run natively.

/// What the user did to the view of the canvas.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ViewMsg {
    /// A pointer (mouse, pen or finger) went down, moved, or went up / was cancelled, at this
    /// point (CSS pixels from the canvas's corner), by pointer id.
    Pointer(PointerPhase, i32, f64, f64),
    /// The wheel turned over the canvas at this point by `delta_y` (CSS pixels; negative zooms in).
    Wheel(f64, f64, f64),
    /// Zoom in (`> 1`) or out (`< 1`) by this factor about the canvas's centre (the +/− buttons).
    ZoomBy(f64),
    /// Back to the whole group.
    Reset,
}

/// Where a pointer event is in its gesture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointerPhase {
    /// Pressed.
    Down,
    /// Moved (pressed or not).
    Move,
    /// Released or cancelled.
    Up,
}

/// The closest and farthest zoom.
pub const MIN_SCALE: f64 = 1.0;
/// See [`MIN_SCALE`]: at 40× a 20,000-node disk's nodes are tens of pixels apart.
pub const MAX_SCALE: f64 = 40.0;

/// The view's scale and offset: a point `p` of the unzoomed canvas (device pixels) is drawn at
/// `p · scale + offset`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Zoom {
    /// How much bigger than the whole-group view (1 = the whole group fits).
    pub scale: f64,
    /// The offset, device pixels.
    pub offset: (f64, f64),
}

impl Default for Zoom {
    fn default() -> Self {
        Zoom { scale: 1.0, offset: (0.0, 0.0) }
    }
}

impl Zoom {
    /// Where the unzoomed point `p` is drawn.
    pub fn place(&self, p: (f64, f64)) -> (f64, f64) {
        (p.0 * self.scale + self.offset.0, p.1 * self.scale + self.offset.1)
    }

    /// Zooms by `factor` keeping the point drawn at `at` where it is; the scale stays within
    /// [`MIN_SCALE`]..=[`MAX_SCALE`], and at the whole-group scale the view is not offset.
    pub fn zoom_at(&mut self, at: (f64, f64), factor: f64) {
        if !factor.is_finite() || factor <= 0.0 {
            return;
        }
        let scale = (self.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        let k = scale / self.scale;
        self.offset = (at.0 - (at.0 - self.offset.0) * k, at.1 - (at.1 - self.offset.1) * k);
        self.scale = scale;
        if scale <= MIN_SCALE {
            *self = Zoom::default();
        }
    }

    /// Moves the view by `d` device pixels, keeping some of the group on a canvas of `size`.
    pub fn pan(&mut self, d: (f64, f64), size: (f64, f64)) {
        if self.scale <= MIN_SCALE || !d.0.is_finite() || !d.1.is_finite() {
            return;
        }
        let clamp = |o: f64, len: f64| o.clamp(-(self.scale - 0.2) * len, 0.8 * len);
        self.offset = (clamp(self.offset.0 + d.0, size.0), clamp(self.offset.1 + d.1, size.1));
    }
}

/// The zoom factor of one wheel step of `delta_y` CSS pixels (a notch is about 100).
pub fn wheel_factor(delta_y: f64) -> f64 {
    if !delta_y.is_finite() {
        return 1.0;
    }
    (-delta_y.clamp(-500.0, 500.0) / 300.0).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let mut z = Zoom::default();
        z.zoom_at((300.0, 200.0), 4.0);
        assert_eq!(z.scale, 4.0);
        assert_eq!(z.place((300.0, 200.0)), (300.0, 200.0));
        let q = z.place((10.0, 20.0));
        assert_eq!(q, (300.0 - 290.0 * 4.0, 200.0 - 180.0 * 4.0));
    }

    #[test]
    fn zoom_is_clamped_and_zooming_out_fully_resets_the_view() {
        let mut z = Zoom::default();
        z.zoom_at((0.0, 0.0), 1000.0);
        assert_eq!(z.scale, MAX_SCALE);
        z.zoom_at((50.0, 50.0), 0.0001);
        assert_eq!(z, Zoom::default());
        z.zoom_at((50.0, 50.0), f64::NAN);
        assert_eq!(z, Zoom::default());
    }

    #[test]
    fn pan_moves_only_a_zoomed_view_and_keeps_part_of_the_group_on_the_canvas() {
        let mut z = Zoom::default();
        z.pan((30.0, 30.0), (100.0, 100.0));
        assert_eq!(z, Zoom::default());
        z.zoom_at((0.0, 0.0), 2.0);
        z.pan((30.0, -10.0), (100.0, 100.0));
        assert_eq!(z.offset, (30.0, -10.0));
        z.pan((1e9, -1e9), (100.0, 100.0));
        assert_eq!(z.offset, (80.0, -180.0));
    }

    #[test]
    fn wheel_up_zooms_in_and_a_bad_delta_does_nothing() {
        assert!(wheel_factor(-100.0) > 1.0);
        assert!(wheel_factor(100.0) < 1.0);
        assert_eq!(wheel_factor(f64::INFINITY), 1.0);
    }
}
