//! Which nodes the user has picked on the canvas: the one the inspector shows, the lanes of the
//! sequence diagram (shift-click adds or removes one), the message the diagram follows, and
//! the node under the pointer. Moving the selection with the arrow keys picks the nearest node
//! in that direction ([`nearest_in_direction`]). Free of the browser, so its tests run natively.

/// The most nodes the sequence diagram shows as lanes (the message's sender comes on top).
pub const MAX_LANES: usize = 8;

/// What the user has picked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// The node the inspector shows.
    pub node: Option<u32>,
    /// The nodes of the sequence diagram, in the order picked.
    pub lanes: Vec<u32>,
    /// The message the sequence diagram follows (its id).
    pub message: u32,
    /// Whether the sequence diagram is open (a shift-click or its button opens it; it takes
    /// room from the canvas, so a plain click never does).
    pub sequence: bool,
    /// The node under the pointer, with the pointer's place (CSS pixels in the canvas).
    pub hover: Option<(u32, f64, f64)>,
}

impl Selection {
    /// Inspects `node` alone (a plain click, Enter).
    pub fn select(&mut self, node: u32) {
        self.node = Some(node);
        self.lanes = vec![node];
    }

    /// Adds `node` to the sequence diagram's lanes and inspects it, or takes it out if it was
    /// there (a shift-click); at [`MAX_LANES`] a new node is refused.
    pub fn toggle(&mut self, node: u32) {
        if let Some(i) = self.lanes.iter().position(|&n| n == node) {
            self.lanes.remove(i);
            if self.node == Some(node) {
                self.node = self.lanes.last().copied();
            }
        } else if self.lanes.len() < MAX_LANES {
            self.lanes.push(node);
            self.node = Some(node);
            self.sequence = true;
        }
    }

    /// Moves the inspected node to `node`, keeping the other lanes (the arrow keys).
    pub fn move_to(&mut self, node: u32) {
        match self.node.and_then(|old| self.lanes.iter().position(|&n| n == old)) {
            Some(i) if !self.lanes.contains(&node) => self.lanes[i] = node,
            Some(_) => {}
            None => self.lanes = vec![node],
        }
        self.node = Some(node);
    }

    /// Forgets the picked nodes (Escape).
    pub fn clear(&mut self) {
        self.node = None;
        self.lanes.clear();
        self.sequence = false;
    }

    /// Keeps only what a run of `nodes` nodes and `messages` messages has (after a new scenario
    /// is loaded).
    pub fn keep_within(&mut self, nodes: u32, messages: u32) {
        self.lanes.retain(|&n| n < nodes);
        if self.node.is_some_and(|n| n >= nodes) {
            self.node = self.lanes.last().copied();
        }
        if self.message >= messages {
            self.message = 0;
        }
        self.hover = None;
    }
}

/// A direction on the screen (y grows downwards, as on the canvas).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Towards the top.
    Up,
    /// Towards the bottom.
    Down,
    /// Towards the left.
    Left,
    /// Towards the right.
    Right,
}

impl Direction {
    /// The direction an arrow key names (`"ArrowUp"`, ...), if it is one.
    pub fn of_key(key: &str) -> Option<Direction> {
        match key {
            "ArrowUp" => Some(Direction::Up),
            "ArrowDown" => Some(Direction::Down),
            "ArrowLeft" => Some(Direction::Left),
            "ArrowRight" => Some(Direction::Right),
            _ => None,
        }
    }

    fn unit(self) -> (f64, f64) {
        match self {
            Direction::Up => (0.0, -1.0),
            Direction::Down => (0.0, 1.0),
            Direction::Left => (-1.0, 0.0),
            Direction::Right => (1.0, 0.0),
        }
    }
}

/// The node to move to from `from` in direction `dir`: of the nodes (among `candidates`) lying
/// ahead of it within 45° either side, the one nearest, a sideways step counting double; `None`
/// if there is none.
pub fn nearest_in_direction(
    positions: &[[f64; 2]],
    from: u32,
    dir: Direction,
    candidates: impl Fn(u32) -> bool,
) -> Option<u32> {
    let o = positions.get(from as usize)?;
    let (ux, uy) = dir.unit();
    positions
        .iter()
        .enumerate()
        .filter(|&(i, _)| i as u32 != from && candidates(i as u32))
        .filter_map(|(i, p)| {
            let (dx, dy) = (p[0] - o[0], p[1] - o[1]);
            let along = dx * ux + dy * uy;
            let side = (dx * uy - dy * ux).abs();
            (along > 0.0 && side <= along).then_some((i as u32, along + 2.0 * side))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plus: 0 in the middle, 1 right, 2 below, 3 left, 4 above, 5 far right and a bit low.
    const PLUS: [[f64; 2]; 6] = [[0.5, 0.5], [0.7, 0.5], [0.5, 0.7], [0.3, 0.5], [0.5, 0.3], [0.9, 0.55]];

    #[test]
    fn arrows_go_to_the_nearest_node_that_way() {
        let all = |_| true;
        assert_eq!(nearest_in_direction(&PLUS, 0, Direction::Right, all), Some(1));
        assert_eq!(nearest_in_direction(&PLUS, 0, Direction::Down, all), Some(2));
        assert_eq!(nearest_in_direction(&PLUS, 0, Direction::Left, all), Some(3));
        assert_eq!(nearest_in_direction(&PLUS, 0, Direction::Up, all), Some(4));
        assert_eq!(nearest_in_direction(&PLUS, 1, Direction::Right, all), Some(5));
        assert_eq!(nearest_in_direction(&PLUS, 5, Direction::Right, all), None);
        assert_eq!(nearest_in_direction(&PLUS, 0, Direction::Right, |n| n != 1), Some(5));
        assert_eq!(nearest_in_direction(&PLUS, 9, Direction::Right, all), None);
    }

    #[test]
    fn shift_click_adds_and_removes_lanes_up_to_the_cap() {
        let mut s = Selection::default();
        s.select(3);
        assert!(!s.sequence, "a plain click leaves the diagram closed");
        s.toggle(5);
        assert_eq!((s.node, s.lanes.clone(), s.sequence), (Some(5), vec![3, 5], true));
        s.toggle(5);
        assert_eq!((s.node, s.lanes.clone()), (Some(3), vec![3]));
        for n in 10..20 {
            s.toggle(n);
        }
        assert_eq!(s.lanes.len(), MAX_LANES);
        s.move_to(3);
        assert_eq!(s.lanes.len(), MAX_LANES, "moving to a lane already there keeps the lanes");
        s.select(1);
        s.move_to(2);
        assert_eq!((s.node, s.lanes.clone()), (Some(2), vec![2]));
        s.keep_within(2, 1);
        assert_eq!((s.node, s.lanes.clone()), (None, vec![]));
    }
}
