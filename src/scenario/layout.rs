//! Node positions in the unit square, computed before the run: distance between positions sets
//! latency, and the page draws nodes where they sit.
//!
//! Joiners are placed by the group's layout too: the layout is computed for the initial members
//! and the joiners together, and joiner `size + k` takes its slot `size + k`, even when
//! `group.positions` places the initial members.

use super::{GroupSpec, Layout};
use crate::rng::{self, Stream};
use rand::Rng;

/// The golden angle in radians, for the sunflower spiral.
const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;

/// Positions for every initial member of `group`, in `[0, 1]²`.
pub fn positions(group: &GroupSpec, seed: u64) -> Vec<[f64; 2]> {
    match &group.positions {
        Some(p) => p.clone(),
        None => place(group.layout, group.size as usize, group.sender as usize, seed),
    }
}

/// Positions for the initial members of `group` and `joiners` nodes after them.
pub fn with_joiners(group: &GroupSpec, joiners: u32, seed: u64) -> Vec<[f64; 2]> {
    if joiners == 0 {
        return positions(group, seed);
    }
    let all = place(group.layout, (group.size + joiners) as usize, group.sender as usize, seed);
    match &group.positions {
        Some(p) => p.iter().chain(all.iter().skip(group.size as usize)).copied().collect(),
        None => all,
    }
}

/// `n` nodes laid out by `layout`, the centred layouts with `sender` at the centre. Trigonometry
/// goes through `libm` so the same scenario places nodes identically on every target.
fn place(layout: Layout, n: usize, sender: usize, seed: u64) -> Vec<[f64; 2]> {
    // Centred layouts put the sender at slot 0 (the centre) and everyone else around it.
    let slot = |i: usize| {
        if i == sender {
            0
        } else if i < sender {
            i + 1
        } else {
            i
        }
    };
    match layout {
        Layout::Disk => (0..n)
            .map(|i| {
                let k = slot(i) as f64;
                let r = 0.47 * libm::sqrt(k / (n as f64 - 1.0).max(1.0));
                let (sin, cos) = libm::sincos(k * GOLDEN_ANGLE);
                [0.5 + r * cos, 0.5 + r * sin]
            })
            .collect(),
        Layout::Ring => (0..n)
            .map(|i| {
                let k = slot(i);
                if k == 0 {
                    return [0.5, 0.5];
                }
                let (sin, cos) = libm::sincos((k - 1) as f64 * std::f64::consts::TAU / (n - 1) as f64);
                [0.5 + 0.46 * cos, 0.5 + 0.46 * sin]
            })
            .collect(),
        Layout::Grid => {
            let side = (1..).find(|s| s * s >= n).unwrap_or(1);
            let step = if side > 1 { 0.94 / (side - 1) as f64 } else { 0.0 };
            (0..n).map(|i| [0.03 + (i % side) as f64 * step, 0.03 + (i / side) as f64 * step]).collect()
        }
        Layout::Random => {
            let mut r = rng::stream(seed, Stream::Layout);
            (0..n).map(|_| [r.random_range(0.02..0.98), r.random_range(0.02..0.98)]).collect()
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn group(size: u32, layout: Layout) -> GroupSpec {
        GroupSpec { size, sender: 3, layout, positions: None }
    }

    #[test]
    fn every_layout_stays_in_the_unit_square() {
        for layout in [Layout::Disk, Layout::Ring, Layout::Grid, Layout::Random] {
            let p = positions(&group(500, layout), 9);
            assert_eq!(p.len(), 500);
            assert!(p.iter().all(|[x, y]| (0.0..=1.0).contains(x) && (0.0..=1.0).contains(y)), "{layout:?}");
        }
    }

    #[test]
    fn joiners_take_the_slots_after_the_members() {
        for layout in [Layout::Disk, Layout::Ring, Layout::Grid, Layout::Random] {
            let g = group(40, layout);
            let all = positions(&GroupSpec { size: 45, ..g.clone() }, 7);
            assert_eq!(with_joiners(&g, 5, 7), all, "{layout:?}");
            assert_eq!(with_joiners(&g, 0, 7), positions(&g, 7), "{layout:?}");
            let placed = GroupSpec { positions: Some(vec![[0.25; 2]; 40]), ..g };
            let p = with_joiners(&placed, 5, 7);
            assert_eq!((&p[..40], &p[40..]), (&[[0.25; 2]; 40][..], &all[40..]), "{layout:?}");
        }
    }

    #[test]
    fn centred_layouts_put_the_sender_in_the_middle() {
        for layout in [Layout::Disk, Layout::Ring] {
            let p = positions(&group(50, layout), 1);
            assert_eq!(p[3], [0.5, 0.5], "{layout:?}");
        }
    }
}
