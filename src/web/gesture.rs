//! Pointer gestures on the group canvas: one pointer dragging pans the view (or, with the
//! partition tool on, draws a region), two pointers pinch to zoom, and a press that barely moved
//! stays a click (whose meaning is the canvas click's). Free of the browser: tested natively.

use super::zoom::PointerPhase;

/// How far (CSS pixels) a press may move and still count as a click.
const CLICK_SLOP: f64 = 4.0;

/// What a pointer event does to the view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    /// Nothing to do.
    None,
    /// Move the view by this much.
    Pan(f64, f64),
    /// Zoom by this factor about this point (a pinch).
    Pinch((f64, f64), f64),
    /// The partition tool's region, from the press to here; `done` once released.
    Region((f64, f64), (f64, f64), bool),
}

/// The pointers down on the canvas and what they have done since the first went down.
#[derive(Default)]
pub struct Gesture {
    pointers: Vec<(i32, (f64, f64))>,
    start: Option<(f64, f64)>,
    moved: bool,
    swallow_click: bool,
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

impl Gesture {
    /// Takes pointer `id`'s event at `p`; `region_tool` says whether the partition tool is on.
    pub fn on(&mut self, phase: PointerPhase, id: i32, p: (f64, f64), region_tool: bool) -> Action {
        match phase {
            PointerPhase::Down => {
                self.pointers.retain(|(i, _)| *i != id);
                self.pointers.push((id, p));
                if self.pointers.len() == 1 {
                    (self.start, self.moved) = (Some(p), false);
                }
                Action::None
            }
            PointerPhase::Move => self.moved_to(id, p, region_tool),
            PointerPhase::Up => {
                let action = match self.start {
                    Some(s) if region_tool && self.moved && self.pointers.len() == 1 => Action::Region(s, p, true),
                    _ => Action::None,
                };
                self.pointers.retain(|(i, _)| *i != id);
                if self.pointers.is_empty() {
                    self.swallow_click = self.moved || region_tool;
                    self.start = None;
                }
                action
            }
        }
    }

    fn moved_to(&mut self, id: i32, p: (f64, f64), region_tool: bool) -> Action {
        let Some(at) = self.pointers.iter().position(|(i, _)| *i == id) else { return Action::None };
        let before: Vec<(f64, f64)> = self.pointers.iter().map(|(_, q)| *q).collect();
        if let Some(slot) = self.pointers.get_mut(at) {
            slot.1 = p;
        }
        if self.start.is_some_and(|s| distance(s, p) > CLICK_SLOP) {
            self.moved = true;
        }
        match (before.as_slice(), self.pointers.as_slice()) {
            ([old], _) if self.moved => match (region_tool, self.start) {
                (true, Some(s)) => Action::Region(s, p, false),
                (true, None) => Action::None,
                (false, _) => Action::Pan(p.0 - old.0, p.1 - old.1),
            },
            ([a0, b0], [(_, a1), (_, b1)]) => {
                self.moved = true;
                let (d0, d1) = (distance(*a0, *b0), distance(*a1, *b1));
                if d0 < 1.0 {
                    return Action::None;
                }
                Action::Pinch(((a1.0 + b1.0) / 2.0, (a1.1 + b1.1) / 2.0), d1 / d0)
            }
            _ => Action::None,
        }
    }

    /// Whether the click that follows the last release should be ignored (the press was a drag,
    /// a pinch or a region): asked once per click.
    pub fn take_swallowed_click(&mut self) -> bool {
        std::mem::take(&mut self.swallow_click)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PointerPhase::{Down, Move, Up};

    #[test]
    fn a_press_that_does_not_move_stays_a_click() {
        let mut g = Gesture::default();
        assert_eq!(g.on(Down, 1, (10.0, 10.0), false), Action::None);
        assert_eq!(g.on(Move, 1, (11.0, 12.0), false), Action::None);
        assert_eq!(g.on(Up, 1, (11.0, 12.0), false), Action::None);
        assert!(!g.take_swallowed_click());
    }

    #[test]
    fn a_drag_pans_and_swallows_its_click() {
        let mut g = Gesture::default();
        g.on(Down, 1, (10.0, 10.0), false);
        assert_eq!(g.on(Move, 1, (30.0, 10.0), false), Action::Pan(20.0, 0.0));
        assert_eq!(g.on(Move, 1, (30.0, 15.0), false), Action::Pan(0.0, 5.0));
        g.on(Up, 1, (30.0, 15.0), false);
        assert!(g.take_swallowed_click());
        assert!(!g.take_swallowed_click());
    }

    #[test]
    fn with_the_tool_on_a_drag_draws_a_region() {
        let mut g = Gesture::default();
        g.on(Down, 1, (10.0, 10.0), true);
        assert_eq!(g.on(Move, 1, (50.0, 40.0), true), Action::Region((10.0, 10.0), (50.0, 40.0), false));
        assert_eq!(g.on(Up, 1, (60.0, 40.0), true), Action::Region((10.0, 10.0), (60.0, 40.0), true));
        assert!(g.take_swallowed_click());
    }

    #[test]
    fn two_pointers_pinch() {
        let mut g = Gesture::default();
        g.on(Down, 1, (0.0, 0.0), false);
        g.on(Down, 2, (100.0, 0.0), false);
        assert_eq!(g.on(Move, 2, (200.0, 0.0), false), Action::Pinch((100.0, 0.0), 2.0));
        assert_eq!(g.on(Move, 9, (5.0, 5.0), false), Action::None);
    }
}
