//! Node positions in the unit square. Distance between positions sets latency, and the page draws
//! nodes where they sit.

use crate::rng::{self, Stream};
use crate::scenario::{GroupSpec, Layout};
use rand::Rng;

/// The golden angle in radians, for the sunflower spiral.
const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;

/// Positions for every node of `group`, in `[0, 1]²`. Trigonometry goes through `libm` so the
/// same scenario places nodes identically on every target.
pub fn positions(group: &GroupSpec, seed: u64) -> Vec<[f64; 2]> {
    if let Some(p) = &group.positions {
        return p.clone();
    }
    let n = group.size as usize;
    let sender = group.sender as usize;
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
    match group.layout {
        Layout::Disk => (0..n)
            .map(|i| {
                let k = slot(i) as f64;
                let r = 0.47 * libm::sqrt(k / (n as f64 - 1.0).max(1.0));
                let a = k * GOLDEN_ANGLE;
                [0.5 + r * libm::cos(a), 0.5 + r * libm::sin(a)]
            })
            .collect(),
        Layout::Ring => (0..n)
            .map(|i| {
                let k = slot(i);
                if k == 0 {
                    return [0.5, 0.5];
                }
                let a = (k - 1) as f64 * std::f64::consts::TAU / (n - 1) as f64;
                [0.5 + 0.46 * libm::cos(a), 0.5 + 0.46 * libm::sin(a)]
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
    fn centred_layouts_put_the_sender_in_the_middle() {
        for layout in [Layout::Disk, Layout::Ring] {
            let p = positions(&group(50, layout), 1);
            assert_eq!(p[3], [0.5, 0.5], "{layout:?}");
        }
    }
}
