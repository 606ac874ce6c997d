//! Regions: a region per node, and a latency table between regions (LAN inside one, WAN between
//! two), which replaces the latency from distance when a scenario names regions.

use crate::scenario::{RegionsSpec, WanLatency};
use crate::time::SimDuration;

/// Which region each node is in, and the one-way latency between any two regions.
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
    let mut a = libm::atan2(p[1] - 0.5, p[0] - 0.5);
    if a < 0.0 {
        a += std::f64::consts::TAU;
    }
    let r = (a / std::f64::consts::TAU * f64::from(count)) as u32;
    r.min(count.saturating_sub(1))
}

impl Regions {
    /// The regions `spec` describes for nodes at `positions` (already validated).
    pub(super) fn new(spec: &RegionsSpec, positions: &[[f64; 2]]) -> Self {
        let count = spec.region_count().max(1) as usize;
        let of: Vec<u16> = match (&spec.of, spec.count) {
            (Some(of), _) => of.iter().map(|&r| r as u16).collect(),
            (None, k) => {
                let k = k.unwrap_or(1);
                positions.iter().map(|&p| sector(p, k) as u16).collect()
            }
        };
        let lan = SimDuration::from_ms_f64(spec.lan_ms);
        let mut latency = Vec::with_capacity(count * count);
        for i in 0..count {
            for j in 0..count {
                latency.push(match &spec.wan_ms {
                    _ if i == j => lan,
                    WanLatency::Uniform(v) => SimDuration::from_ms_f64(*v),
                    WanLatency::Matrix(m) => SimDuration::from_ms_f64(m[i][j]),
                });
            }
        }
        Regions { of, count, latency }
    }

    /// Node `node`'s region.
    pub(super) fn of(&self, node: u32) -> u32 {
        u32::from(self.of[node as usize])
    }

    /// The one-way latency from `a` to `b`.
    #[inline]
    pub(super) fn latency(&self, a: u32, b: u32) -> SimDuration {
        let (ra, rb) = (usize::from(self.of[a as usize]), usize::from(self.of[b as usize]));
        self.latency[ra * self.count + rb]
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
    fn matrix_is_read_by_ordered_pair_and_lan_on_the_diagonal() {
        let spec = RegionsSpec {
            count: None,
            of: Some(vec![0, 1, 1, 2]),
            lan_ms: 0.5,
            wan_ms: WanLatency::Matrix(vec![vec![9.0, 10.0, 20.0], vec![11.0, 9.0, 30.0], vec![21.0, 31.0, 9.0]]),
        };
        let r = Regions::new(&spec, &[[0.0; 2]; 4]);
        assert_eq!(r.latency(0, 1), SimDuration(10_000));
        assert_eq!(r.latency(1, 0), SimDuration(11_000));
        assert_eq!(r.latency(3, 2), SimDuration(31_000));
        assert_eq!(r.latency(1, 2), SimDuration(500));
        assert_eq!(r.latency(0, 0), SimDuration(500));
        assert_eq!((r.of(0), r.of(3)), (0, 2));
    }
}
