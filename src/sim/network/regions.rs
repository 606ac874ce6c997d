//! Regions: a region per node, and a latency table between regions (LAN inside one, WAN between
//! two), which replaces the latency from distance when a scenario names regions.

use super::RegionsConfig;
use crate::time::SimDuration;

/// Which region each node is in, and the one-way latency between any two regions.
#[derive(Clone)]
pub(super) struct Regions {
    of: Vec<u16>,
    count: usize,
    /// Row-major `count × count`, the diagonal holding the LAN latency.
    latency: Vec<SimDuration>,
}

/// The sector of the unit square, out of `count` equal sectors around its centre, that holds
/// `p`: sector `r` covers angles `[r, r + 1) · 2π / count` from the +x axis towards +y, and the
/// centre itself is in sector 0. `libm::atan2` makes the answer the same on every target.
pub fn sector(p: [f64; 2], count: u32) -> u32 {
    let [x, y] = p;
    let mut a = libm::atan2(y - 0.5, x - 0.5);
    if a < 0.0 {
        a += std::f64::consts::TAU;
    }
    let r = (a / std::f64::consts::TAU * f64::from(count)) as u32;
    r.min(count.saturating_sub(1))
}

impl Regions {
    /// The regions `config` describes for nodes at `positions`.
    pub(super) fn new(config: &RegionsConfig, positions: &[[f64; 2]]) -> Self {
        let of = match &config.of {
            Some(of) => of.iter().map(|&r| r as u16).collect(),
            None => positions.iter().map(|&p| sector(p, config.count) as u16).collect(),
        };
        Regions { of, count: config.count.max(1) as usize, latency: config.latency.clone() }
    }

    /// Node `node`'s region, if it has one (every node the scenario places does).
    pub(super) fn of(&self, node: u32) -> Option<u32> {
        self.of.get(node as usize).map(|&r| u32::from(r))
    }

    /// Asks the cache for node `node`'s region (a hint that changes nothing).
    #[inline(always)]
    pub(super) fn prefetch(&self, node: u32) {
        crate::prefetch::prefetch_at(&self.of, node as usize);
    }

    /// The one-way latency from `a` to `b`. Validation gives every node a region below the
    /// count and the table `count × count` entries; a pair outside them all the same (an
    /// unchecked configuration) gets no latency rather than a panic.
    #[inline]
    pub(super) fn latency(&self, a: u32, b: u32) -> SimDuration {
        let (Some(&ra), Some(&rb)) = (self.of.get(a as usize), self.of.get(b as usize)) else {
            return SimDuration::ZERO;
        };
        let cell = usize::from(ra) * self.count + usize::from(rb);
        self.latency.get(cell).copied().unwrap_or(SimDuration::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sectors_split_the_circle_evenly() {
        assert_eq!(sector([0.5, 0.5], 4), 0);
        assert_eq!(sector([1.0, 0.5], 4), 0);
        assert_eq!(sector([0.6, 0.9], 4), 0);
        assert_eq!(sector([0.4, 0.9], 4), 1);
        assert_eq!(sector([0.0, 0.6], 4), 1);
        assert_eq!(sector([0.0, 0.4], 4), 2);
        assert_eq!(sector([0.6, 0.0], 4), 3);
        assert_eq!(sector([0.9, 0.5 - 1e-12], 4), 3);
        assert_eq!(sector([0.1, 0.2], 1), 0);
    }

    #[test]
    fn the_table_is_read_by_ordered_pair() {
        let config = RegionsConfig {
            count: 3,
            of: Some(vec![0, 1, 1, 2]),
            latency: [5, 10, 20, 11, 5, 30, 21, 31, 5].map(SimDuration).to_vec(),
        };
        let r = Regions::new(&config, &[[0.0; 2]; 4]);
        assert_eq!(r.latency(0, 1), SimDuration(10));
        assert_eq!(r.latency(1, 0), SimDuration(11));
        assert_eq!(r.latency(3, 2), SimDuration(31));
        assert_eq!(r.latency(1, 2), SimDuration(5));
        assert_eq!((r.of(0), r.of(3), r.of(4)), (Some(0), Some(2), None));
        assert_eq!(r.latency(4, 0), SimDuration::ZERO, "a node without a region: no panic");
    }

    #[test]
    fn without_a_list_each_node_takes_its_sector() {
        let config = RegionsConfig { count: 4, of: None, latency: vec![SimDuration(1); 16] };
        let r = Regions::new(&config, &[[0.5, 0.5], [0.4, 0.9], [0.6, 0.0]]);
        assert_eq!((r.of(0), r.of(1), r.of(2)), (Some(0), Some(1), Some(3)));
    }
}
