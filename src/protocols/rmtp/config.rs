//! RMTP's parameters: the scenario's `protocol` object, its range checks, its documentation for
//! the page and the docs, and the resolved form every node gets (the session's sender and the
//! designated receivers, fixed by configuration as the paper's are).

use crate::protocol::NodeId;
use crate::protocols::{ParamDoc, ParamKind, HEADER_BYTES};
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The most designated receivers a run may name.
pub const MAX_DRS: usize = 1024;

/// Parameters of RMTP.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RmtpConfig {
    /// How many designated receivers, spread evenly over the ids when `dr_nodes` is empty.
    pub dr_count: u32,
    /// The designated receivers' ids, explicitly; empty: `dr_count` of them chosen from the ids.
    pub dr_nodes: Vec<u32>,
    /// Time between two status messages of a receiver, and between two repair rounds of a
    /// designated receiver or the sender (milliseconds): the paper's Tack / Tretx.
    pub status_interval_ms: f64,
    /// Time between two advertisements (SEND_ACK_TOME) of a designated receiver to its region,
    /// and of the sender to the designated receivers (milliseconds); three missed in a row and a
    /// receiver moves to the next nearest designated receiver.
    pub advert_interval_ms: f64,
    /// How long a DR (or the sender) holds a packet before repairing it to a member whose
    /// status shows nothing later (a tail loss, or a copy still queued in the sender's uplink:
    /// the playground multicasts by a unicast loop, so copies leave one after another)
    /// (milliseconds). Gaps (a later packet held) are repaired at once.
    pub tail_hold_ms: f64,
    /// The sender's window: at most this many packets beyond the lowest one some designated
    /// receiver still lacks.
    pub window: u32,
    /// A packet that at least this fraction of a region lacks (and at least 2 members) is
    /// multicast to the whole region; otherwise it is unicast to each member that lacks it.
    pub multicast_threshold: f64,
    /// Status rounds a receiver keeps reporting after its last new packet.
    pub linger_rounds: u32,
    /// Repair rounds a designated receiver (or the sender) spends on a member that does not
    /// answer with a status before dropping it; also the JOIN attempts of a joiner.
    pub max_retries: u32,
    /// Per-packet header added to the payload (bytes).
    pub header_bytes: u32,
    /// Size of a status message without its bitmap, and of the control packets (bytes).
    pub status_bytes: u32,
}

impl Default for RmtpConfig {
    fn default() -> Self {
        RmtpConfig {
            dr_count: 8,
            dr_nodes: Vec::new(),
            status_interval_ms: 100.0,
            advert_interval_ms: 1000.0,
            tail_hold_ms: 200.0,
            window: 64,
            multicast_threshold: 0.5,
            linger_rounds: 3,
            max_retries: 8,
            header_bytes: 40,
            status_bytes: 40,
        }
    }
}

/// RMTP's parameters, for the page's editor, validation and the docs.
pub const PARAMS: &[ParamDoc] = &[
    ParamDoc {
        field: "dr_count",
        label: "DRs",
        kind: ParamKind::Int { min: 1, max: MAX_DRS as u64 },
        unit: "",
        source: "Paul et al. 1997 §III (DRs are configured statically)",
        help: "designated receivers, spread evenly over the node ids (unless dr_nodes names them)",
    },
    ParamDoc {
        field: "dr_nodes",
        label: "DR nodes",
        kind: ParamKind::Nodes { max_len: MAX_DRS },
        unit: "",
        source: "Paul et al. 1997 §III",
        help: "the designated receivers' ids, explicitly (initial members, not the sender); empty: dr_count spread evenly",
    },
    ParamDoc {
        field: "status_interval_ms",
        label: "status interval",
        kind: ParamKind::Float { min: 1.0, max: 600_000.0 },
        unit: "ms",
        source: "Paul et al. 1997 §III (Tack, Tretx)",
        help: "period of receivers' status messages and of repair rounds",
    },
    ParamDoc {
        field: "advert_interval_ms",
        label: "advert interval",
        kind: ParamKind::Float { min: 1.0, max: 600_000.0 },
        unit: "ms",
        source: "Paul et al. 1997 §III (SEND_ACK_TOME)",
        help: "period of a DR's advertisement to its region; 3 missed and a receiver changes DR",
    },
    ParamDoc {
        field: "tail_hold_ms",
        label: "tail hold",
        kind: ParamKind::Float { min: 0.0, max: 600_000.0 },
        unit: "ms",
        source: "this playground (multicast is a unicast loop, so copies leave one by one)",
        help: "time a DR holds a packet before repairing it to a member that shows nothing later",
    },
    ParamDoc {
        field: "window",
        label: "window",
        kind: ParamKind::Int { min: 1, max: 65_536 },
        unit: "packets",
        source: "Paul et al. 1997 §III (Ws, flow control)",
        help: "packets the sender may have beyond the lowest one a DR still lacks",
    },
    ParamDoc {
        field: "multicast_threshold",
        label: "multicast threshold",
        kind: ParamKind::Float { min: 0.0, max: 1.0 },
        unit: "fraction",
        source: "Paul et al. 1997 §III (mcast_thresh)",
        help: "fraction of a region lacking a packet from which the DR multicasts it to the region",
    },
    ParamDoc {
        field: "linger_rounds",
        label: "linger",
        kind: ParamKind::Int { min: 1, max: 100 },
        unit: "rounds",
        source: "this playground (the workload has no end-of-file mark)",
        help: "status rounds a receiver goes on reporting after its last new packet",
    },
    ParamDoc {
        field: "max_retries",
        label: "max retries",
        kind: ParamKind::Int { min: 1, max: 30 },
        unit: "",
        source: "this playground",
        help: "repair rounds spent on a silent member before it is dropped; JOIN attempts",
    },
    HEADER_BYTES,
    ParamDoc {
        field: "status_bytes",
        label: "status size",
        kind: ParamKind::Int { min: 1, max: 65_535 },
        unit: "bytes",
        source: "this playground (a UDP/IP header, a sequence number; the bitmap is added)",
        help: "size of a status (plus 8 bytes per 64 bits of bitmap) and of control packets",
    },
];

/// `count` designated receivers spread evenly over the initial members other than `sender`:
/// the middle id of each of `count` equal blocks. Sorted; fewer if the group is smaller.
pub fn auto_drs(count: u32, size: u32, sender: NodeId) -> Vec<NodeId> {
    let candidates = u64::from(size.saturating_sub(u32::from(sender < size)));
    let count = u64::from(count).min(candidates);
    (0..count)
        .map(|i| {
            let idx = ((2 * i + 1) * candidates / (2 * count)) as NodeId;
            if idx >= sender {
                idx + 1
            } else {
                idx
            }
        })
        .collect()
}

/// What every node of a run knows from configuration: the parameters, the session's sender and
/// the designated receivers. Cheap to clone (the kernel gives each node a reference; nodes keep
/// a shared pointer).
#[derive(Clone, Debug)]
pub struct RmtpSetup(Arc<Resolved>);

/// The resolved configuration behind [`RmtpSetup`].
#[derive(Debug)]
pub struct Resolved {
    /// The parameters as the scenario gave them.
    pub config: RmtpConfig,
    /// The session's sender (RMTP is one-to-many).
    pub sender: NodeId,
    /// The designated receivers, sorted, the sender never among them.
    pub drs: Vec<NodeId>,
    /// `status_interval_ms` as a duration.
    pub status_interval: SimDuration,
    /// `advert_interval_ms` as a duration.
    pub advert_interval: SimDuration,
    /// `tail_hold_ms` as a duration.
    pub tail_hold: SimDuration,
}

impl RmtpSetup {
    /// Resolves `config` for a group of `size` initial members sending from `sender`:
    /// `dr_nodes` if given, else [`auto_drs`].
    pub fn new(config: &RmtpConfig, size: u32, sender: NodeId) -> Self {
        let mut drs =
            if config.dr_nodes.is_empty() { auto_drs(config.dr_count, size, sender) } else { config.dr_nodes.clone() };
        drs.retain(|&d| d != sender);
        drs.sort_unstable();
        drs.dedup();
        RmtpSetup(Arc::new(Resolved {
            config: config.clone(),
            sender,
            drs,
            status_interval: SimDuration::from_ms_f64(config.status_interval_ms).max(SimDuration(1)),
            advert_interval: SimDuration::from_ms_f64(config.advert_interval_ms).max(SimDuration(1)),
            tail_hold: SimDuration::from_ms_f64(config.tail_hold_ms),
        }))
    }

    /// The resolved configuration.
    pub fn get(&self) -> &Resolved {
        &self.0
    }
}

impl Resolved {
    /// Whether `n` is a designated receiver.
    pub fn is_dr(&self, n: NodeId) -> bool {
        self.drs.binary_search(&n).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_drs_are_spread_and_skip_the_sender() {
        assert_eq!(auto_drs(4, 9, 0), vec![2, 4, 6, 8]);
        assert_eq!(auto_drs(2, 5, 2), vec![1, 4]);
        assert_eq!(auto_drs(10, 3, 0), vec![1, 2]);
        let d = auto_drs(8, 300, 0);
        assert_eq!(d.len(), 8);
        assert!(d.windows(2).all(|w| w[0] < w[1]) && !d.contains(&0));
    }

    #[test]
    fn every_documented_parameter_is_a_field() {
        let fields = serde_json::to_value(RmtpConfig::default()).unwrap_or_default();
        for p in PARAMS {
            assert!(fields.get(p.field).is_some(), "{} is not a field", p.field);
        }
    }
}
