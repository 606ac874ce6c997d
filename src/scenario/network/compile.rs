//! The network section compiled into the kernel's [`NetworkConfig`]: milliseconds become
//! microseconds, per-node overrides take the global value for every field they leave out, queues
//! get their capacity in bytes ([`queue_capacity`]: the default for the link's rate, or 2^50 for
//! 0), the timing mode becomes a round length, and the regions' latency table is built.
//!
//! Every conversion is the arithmetic the kernel did itself before it had a configuration of its
//! own (`latency_ms × 1000`, [`SimDuration::from_ms_f64`]), so every trace is unchanged.

use super::{queue_capacity, BurstSpec, NetworkMode, NetworkSpec, NodeNetSpec, PartitionSpec, RegionsSpec, WanLatency};
use crate::sim::network::{BurstConfig, LinkLoss, NetworkConfig, NodeLink, PartitionConfig, RegionsConfig};
use crate::time::{SimDuration, SimTime};

fn at(ms: f64) -> SimTime {
    SimTime(SimDuration::from_ms_f64(ms).0)
}

impl NetworkSpec {
    /// What the kernel runs for this (validated) network section.
    pub fn config(&self) -> NetworkConfig {
        NetworkConfig {
            latency_us: self.latency_ms * 1000.0,
            distance_us: self.distance_ms * 1000.0,
            jitter: SimDuration::from_ms_f64(self.jitter_ms),
            loss: self.loss,
            uplink_rate: self.uplink_bytes_per_sec,
            uplink_queue: queue_capacity(self.uplink_queue_bytes, self.uplink_bytes_per_sec),
            downlink_rate: self.downlink_bytes_per_sec,
            downlink_queue: queue_capacity(self.downlink_queue_bytes, self.downlink_bytes_per_sec),
            regions: self.regions.as_ref().map(RegionsSpec::config),
            burst: self.burst.as_ref().map(BurstSpec::config),
            nodes: self.nodes.iter().map(|o| self.node_link(o)).collect(),
            links: self.links.iter().map(|l| LinkLoss { from: l.from, to: l.to, loss: l.loss }).collect(),
            partitions: self.partitions.iter().map(PartitionSpec::config).collect(),
            round: match self.mode {
                NetworkMode::Async => None,
                NetworkMode::Rounds { round_ms } => Some(SimDuration::from_ms_f64(round_ms)),
            },
            native_multicast: self.native_multicast,
            transport_timeout: SimDuration::from_ms_f64(self.transport_timeout_ms),
        }
    }

    /// Node `o.node`'s link, the global value in every field `o` leaves out; a queue neither
    /// sizes takes the default for this node's own rate.
    fn node_link(&self, o: &NodeNetSpec) -> NodeLink {
        let uplink_rate = o.uplink_bytes_per_sec.unwrap_or(self.uplink_bytes_per_sec);
        let downlink_rate = o.downlink_bytes_per_sec.unwrap_or(self.downlink_bytes_per_sec);
        NodeLink {
            node: o.node,
            uplink_rate,
            uplink_queue: queue_capacity(o.uplink_queue_bytes.or(self.uplink_queue_bytes), uplink_rate),
            downlink_rate,
            downlink_queue: queue_capacity(o.downlink_queue_bytes.or(self.downlink_queue_bytes), downlink_rate),
            send_loss: o.send_loss,
            recv_loss: o.recv_loss,
        }
    }
}

impl RegionsSpec {
    /// The regions and their `k × k` latency table: `lan_ms` on the diagonal, `wan_ms` elsewhere.
    fn config(&self) -> RegionsConfig {
        let count = self.region_count().max(1);
        let k = count as usize;
        let lan = SimDuration::from_ms_f64(self.lan_ms);
        let mut latency = Vec::with_capacity(k * k);
        for i in 0..k {
            for j in 0..k {
                latency.push(match &self.wan_ms {
                    _ if i == j => lan,
                    WanLatency::Uniform(v) => SimDuration::from_ms_f64(*v),
                    // Validation makes the matrix k × k; an entry missing all the same (an
                    // unchecked spec) takes the LAN latency rather than a panic.
                    WanLatency::Matrix(m) => {
                        m.get(i).and_then(|row| row.get(j)).map_or(lan, |v| SimDuration::from_ms_f64(*v))
                    }
                });
            }
        }
        RegionsConfig { count, of: self.of.clone(), latency }
    }
}

impl BurstSpec {
    fn config(&self) -> BurstConfig {
        BurstConfig {
            p_good_to_bad: self.p_good_to_bad,
            p_bad_to_good: self.p_bad_to_good,
            loss_good: self.loss_good,
            loss_bad: self.loss_bad,
            start_bad: self.stationary_bad(),
        }
    }
}

impl PartitionSpec {
    fn config(&self) -> PartitionConfig {
        PartitionConfig {
            from: at(self.from_ms),
            to: at(self.to_ms),
            a: self.a.clone(),
            b: self.b.clone(),
            one_way: self.one_way,
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::super::{MAX_DEFAULT_QUEUE_BYTES, MIN_DEFAULT_QUEUE_BYTES, UNLIMITED_QUEUE_BYTES};
    use super::*;

    #[test]
    fn a_matrix_is_read_by_ordered_pair_with_lan_on_the_diagonal() {
        let spec = RegionsSpec {
            count: None,
            of: Some(vec![0, 1, 1, 2]),
            lan_ms: 0.5,
            wan_ms: WanLatency::Matrix(vec![vec![9.0, 10.0, 20.0], vec![11.0, 9.0, 30.0], vec![21.0, 31.0, 9.0]]),
        };
        let c = spec.config();
        assert_eq!(c.count, 3);
        let ms = [0.5, 10.0, 20.0, 11.0, 0.5, 30.0, 21.0, 31.0, 0.5].map(SimDuration::from_ms_f64);
        assert_eq!(c.latency, ms.to_vec());
    }

    #[test]
    fn overrides_take_the_global_value_where_they_say_nothing() {
        let spec = NetworkSpec {
            uplink_bytes_per_sec: 100,
            downlink_queue_bytes: Some(9),
            nodes: vec![NodeNetSpec { node: 3, uplink_bytes_per_sec: Some(7), ..NodeNetSpec::default() }],
            mode: NetworkMode::Rounds { round_ms: 2.5 },
            ..NetworkSpec::default()
        };
        let c = spec.config();
        let uplink_queue = MIN_DEFAULT_QUEUE_BYTES;
        assert_eq!(
            c.nodes[0],
            NodeLink { node: 3, uplink_rate: 7, uplink_queue, downlink_queue: 9, ..NodeLink::default() }
        );
        assert_eq!(c.round, Some(SimDuration(2500)));
        assert_eq!((c.latency_us, c.distance_us, c.jitter), (5000.0, 40_000.0, SimDuration(2000)));
    }

    #[test]
    fn a_queue_left_out_holds_two_seconds_of_its_own_link() {
        let spec = NetworkSpec {
            uplink_bytes_per_sec: 2_500_000,
            downlink_bytes_per_sec: 1_000,
            nodes: vec![
                NodeNetSpec { node: 1, uplink_bytes_per_sec: Some(100_000_000), ..NodeNetSpec::default() },
                NodeNetSpec {
                    node: 2,
                    uplink_queue_bytes: Some(0),
                    downlink_queue_bytes: Some(7),
                    ..NodeNetSpec::default()
                },
            ],
            ..NetworkSpec::default()
        };
        let c = spec.config();
        assert_eq!((c.uplink_queue, c.downlink_queue), (5_000_000, MIN_DEFAULT_QUEUE_BYTES));
        assert_eq!(
            (c.nodes[0].uplink_queue, c.nodes[0].downlink_queue),
            (MAX_DEFAULT_QUEUE_BYTES, MIN_DEFAULT_QUEUE_BYTES)
        );
        assert_eq!((c.nodes[1].uplink_queue, c.nodes[1].downlink_queue), (UNLIMITED_QUEUE_BYTES, 7));
        // A global size applies to every node that names none, whatever its rate.
        let spec = NetworkSpec { uplink_queue_bytes: Some(0), downlink_queue_bytes: Some(3000), ..spec };
        let c = spec.config();
        assert_eq!((c.uplink_queue, c.downlink_queue), (UNLIMITED_QUEUE_BYTES, 3000));
        assert_eq!((c.nodes[0].uplink_queue, c.nodes[0].downlink_queue), (UNLIMITED_QUEUE_BYTES, 3000));
    }
}
