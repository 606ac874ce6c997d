//! The epidemic literature's measures of one run, as Demers et al. ("Epidemic Algorithms for
//! Replicated Database Maintenance", PODC 1987, §1.4) tabulate them for an update spread from one
//! site, computed for every family so that gossip and the ACK- and NAK-based protocols can be set
//! side by side:
//!
//! - `residue`: the fraction of owed deliveries never made (for one message, the fraction of live
//!   receivers it never reached; Demers' s);
//! - `traffic`: payload packets sent per node per message (Demers' m, "update messages per site":
//!   data, retransmissions, repairs and gossip; control packets are in `traffic.control_packets`);
//! - `t_ave` and `t_last`: the mean and the largest time from a message's send to a first
//!   delivery, in rounds in the round-synchronous network mode (a packet sent in round k arrives
//!   in round k + 1, so a receiver h hops from the source counts h) and in milliseconds otherwise;
//! - `delivery_histogram`: how many messages reached each tenth of their owed receivers (bin i
//!   holds fractions in [i/10, (i+1)/10), the last bin [0.9, 1]): bimodal multicast's two modes
//!   show as weight in the first and last bins and little between.

use serde::Serialize;

/// Bins of [`Epidemic::delivery_histogram`].
pub const DELIVERY_BINS: usize = 10;

/// The epidemic measures of a run (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Epidemic {
    /// The unit of `t_ave` and `t_last`: `"rounds"` or `"ms"`.
    pub unit: &'static str,
    /// Fraction of owed deliveries never made (0 to 1).
    pub residue: f64,
    /// Payload packets sent per node per message.
    pub traffic: f64,
    /// Mean time from a message's send to a first delivery.
    pub t_ave: f64,
    /// Largest time from a message's send to a first delivery.
    pub t_last: f64,
    /// Messages by the fraction of their owed receivers that delivered them, in tenths.
    pub delivery_histogram: [u32; DELIVERY_BINS],
}

impl Epidemic {
    /// The measures from the report's sums: deliveries made and owed, payload packets, nodes
    /// and messages, the mean and largest latency (ms), each message's delivered fraction, and
    /// the round length in rounds mode.
    pub(super) fn of(tally: Sums, fractions: impl Iterator<Item = f64>, round_ms: Option<f64>) -> Epidemic {
        let residue = if tally.expected == 0 { 0.0 } else { 1.0 - tally.delivered as f64 / tally.expected as f64 };
        let per = (tally.nodes as f64) * (tally.messages.max(1) as f64);
        let traffic = if tally.nodes == 0 { 0.0 } else { tally.payload_packets as f64 / per };
        let (unit, scale) = match round_ms {
            Some(r) if r > 0.0 => ("rounds", 1.0 / r),
            _ => ("ms", 1.0),
        };
        let mut delivery_histogram = [0u32; DELIVERY_BINS];
        for f in fractions {
            let bin = ((f * DELIVERY_BINS as f64).floor() as usize).min(DELIVERY_BINS - 1);
            if let Some(b) = delivery_histogram.get_mut(bin) {
                *b += 1;
            }
        }
        Epidemic {
            unit,
            residue,
            traffic,
            t_ave: tally.mean_ms * scale,
            t_last: tally.max_ms * scale,
            delivery_histogram,
        }
    }
}

/// What the measures are made of.
#[derive(Clone, Copy, Debug)]
pub(super) struct Sums {
    /// Deliveries made to the receivers owed them.
    pub delivered: u64,
    /// Deliveries owed.
    pub expected: u64,
    /// Payload packets sent.
    pub payload_packets: u64,
    /// Node ids in the run.
    pub nodes: u32,
    /// Messages the workload sent.
    pub messages: u32,
    /// Mean first-delivery latency (ms).
    pub mean_ms: f64,
    /// Largest first-delivery latency (ms).
    pub max_ms: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums() -> Sums {
        Sums {
            delivered: 90,
            expected: 100,
            payload_packets: 400,
            nodes: 101,
            messages: 1,
            mean_ms: 250.0,
            max_ms: 700.0,
        }
    }

    #[test]
    fn rounds_mode_counts_rounds() {
        let e = Epidemic::of(sums(), [0.0, 0.05, 0.5, 0.95, 1.0].into_iter(), Some(100.0));
        assert_eq!(e.unit, "rounds");
        assert!((e.residue - 0.1).abs() < 1e-12);
        assert!((e.traffic - 400.0 / 101.0).abs() < 1e-12);
        assert_eq!((e.t_ave, e.t_last), (2.5, 7.0));
        assert_eq!(e.delivery_histogram, [2, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
    }

    #[test]
    fn async_mode_counts_milliseconds_and_nothing_owed_is_no_residue() {
        let e = Epidemic::of(Sums { expected: 0, delivered: 0, nodes: 0, ..sums() }, std::iter::empty(), None);
        assert_eq!((e.unit, e.residue, e.traffic, e.t_last), ("ms", 0.0, 0.0, 700.0));
    }
}
