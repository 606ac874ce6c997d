//! The broadcast measures of Leitão, Pereira and Rodrigues ("Epidemic Broadcast Trees", SRDS
//! 2007, §4), for every family: *reliability*, the fraction of the live nodes owed a message that
//! delivered it, per message; and the *last delivery hop*, the hop count of each message's last
//! first delivery (the hops its slowest chain of first receptions took), per message. Their
//! third measure, the relative message redundancy, is the report's `rmr`.

use super::recorder::MessageRecord;
use serde::Serialize;

/// Reliability and last delivery hop, over the messages of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BroadcastMeasures {
    /// The mean, over sent messages owed to someone, of the fraction of their owed receivers
    /// (live at the end) that delivered them (null if none was sent).
    pub reliability: Option<f64>,
    /// The smallest such fraction.
    pub reliability_min: Option<f64>,
    /// The mean, over messages whose last first delivery has a known hop, of that hop.
    pub last_delivery_hop: Option<f64>,
    /// The largest of those hops.
    pub last_delivery_hop_max: Option<u16>,
}

impl BroadcastMeasures {
    /// The measures of `messages`, given each sent message's delivered fraction (`fractions`).
    pub(super) fn of(messages: &[MessageRecord], fractions: &[f64]) -> BroadcastMeasures {
        let n = fractions.len() as f64;
        let reliability = (!fractions.is_empty()).then(|| fractions.iter().sum::<f64>() / n);
        let reliability_min = fractions.iter().copied().reduce(f64::min);
        let hops: Vec<u16> = messages.iter().filter_map(|m| m.last_hop).collect();
        let last_delivery_hop =
            (!hops.is_empty()).then(|| hops.iter().map(|&h| f64::from(h)).sum::<f64>() / hops.len() as f64);
        BroadcastMeasures {
            reliability,
            reliability_min,
            last_delivery_hop,
            last_delivery_hop_max: hops.iter().copied().max(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::Metrics;
    use crate::protocol::MsgId;
    use crate::time::SimTime;

    #[test]
    fn reliability_and_last_delivery_hop_per_message() {
        // Two messages from node 0 among 5 nodes; node 4 crashes (owed nothing).
        let mut m = Metrics::new(5, &[0, 0]);
        m.on_app_send(MsgId(0), SimTime(0));
        m.on_app_send(MsgId(1), SimTime(0));
        // Message 0: a chain 0 → 1 → 2 → 3, its last delivery at hop 3.
        for (node, from, t) in [(1, 0, 10), (2, 1, 20), (3, 2, 30)] {
            assert!(m.on_deliver(node, MsgId(0), SimTime(t), Some(from)));
        }
        // Message 1: 0 → 1 and 0 → 2 only, last at hop 1; node 3 never gets it.
        assert!(m.on_deliver(2, MsgId(1), SimTime(10), Some(0)));
        assert!(m.on_deliver(1, MsgId(1), SimTime(11), Some(0)));
        let r = m.report(&[true, true, true, true, false], "x".into(), SimTime(100));
        let b = r.broadcast;
        assert_eq!((b.reliability, b.reliability_min), (Some((1.0 + 2.0 / 3.0) / 2.0), Some(2.0 / 3.0)));
        assert_eq!((b.last_delivery_hop, b.last_delivery_hop_max), (Some(2.0), Some(3)));
    }

    #[test]
    fn nothing_sent_measures_nothing() {
        let m = Metrics::new(3, &[0]);
        let b = m.report(&[true; 3], "x".into(), SimTime(0)).broadcast;
        assert_eq!((b.reliability, b.last_delivery_hop), (None, None));
    }
}
