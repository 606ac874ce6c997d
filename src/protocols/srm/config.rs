//! SRM's parameters: the timer constants of the paper, the session interval, and sizes.
//!
//! Defaults follow Floyd et al. (IEEE/ACM ToN 5(6), 1997): C1 = C2 = 2 and D1 = D2 = 1 are the
//! values the paper uses for its wb measurements and its simulations (§3–§5); the adaptive
//! adjustment of §7 moves them within the bounds given in [`super::adaptive`].
//!
//! Session messages share a fixed budget, as the paper asks (§3: "the bandwidth used by session
//! messages is limited to a small fraction of the session bandwidth", after RTCP) and as RTP does
//! (RFC 3550 §6.2, §6.3.1): a member that knows m members (itself included) sends one session
//! message of S bytes to each of the m − 1 others, so m members sending one every T put
//! m (m − 1) S / T bytes on the network; each member keeps that within
//! `session_bandwidth_bytes_per_sec` by waiting T = max(`session_interval_ms`, m (m − 1) S / B),
//! drawn from [T/2, 3T/2] as RFC 3550 §6.3.1 draws RTCP's interval.

use crate::protocols::{ParamDoc, ParamKind};
use serde::{Deserialize, Serialize};

/// Parameters of SRM, shared by every member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SrmConfig {
    /// Request timer: the deterministic part, in units of the distance to the data's source.
    pub c1: f64,
    /// Request timer: the width of the random part, in units of the distance to the source.
    pub c2: f64,
    /// Repair timer: the deterministic part, in units of the distance to the requester.
    pub d1: f64,
    /// Repair timer: the width of the random part, in units of the distance to the requester.
    pub d2: f64,
    /// Whether hearing another member's request backs off one's own request timer, and hearing
    /// another member's repair cancels one's own repair timer. Off, every member that misses a
    /// packet requests it (NAK implosion) and every holder that hears a request answers it.
    pub suppression: bool,
    /// Whether each member adjusts C1, C2, D1 and D2 from the duplicates and delays it observes
    /// (the paper's §7).
    pub adaptive: bool,
    /// Mean time between a member's session messages (milliseconds); each gap is drawn
    /// uniformly from half to one and a half times it.
    pub session_interval_ms: f64,
    /// The whole group's budget for session messages (bytes per second, every copy counted):
    /// a member's session interval grows with the members it knows so that their session
    /// messages together stay within it.
    pub session_bandwidth_bytes_per_sec: u64,
    /// The distance assumed to a member before a session exchange has measured it
    /// (milliseconds, one way).
    pub initial_distance_ms: f64,
    /// Backoffs of one request before the member gives up asking for that packet (it still takes
    /// a repair that comes); a member also repairs one packet at most `max_backoffs + 1` times.
    pub max_backoffs: u32,
    /// Per-packet header (bytes): added to each payload, and the size of a request before its
    /// 8-byte name.
    pub header_bytes: u32,
}

impl Default for SrmConfig {
    fn default() -> Self {
        SrmConfig {
            c1: 2.0,
            c2: 2.0,
            d1: 1.0,
            d2: 1.0,
            suppression: true,
            adaptive: false,
            session_interval_ms: 1000.0,
            session_bandwidth_bytes_per_sec: DEFAULT_SESSION_BANDWIDTH,
            initial_distance_ms: 30.0,
            max_backoffs: 5,
            header_bytes: 40,
        }
    }
}

/// The default session budget: 5 % (RTCP's share, RFC 3550 §6.2) of a 20 MB/s session, e.g. a
/// 1 Mbit/s stream copied to 160 members (here every copy is a packet of its own).
pub const DEFAULT_SESSION_BANDWIDTH: u64 = 1_000_000;

/// The largest session budget accepted (bytes per second): 2^50, as the network's rates.
const MAX_SESSION_BANDWIDTH: u64 = 1 << 50;

/// The largest timer constant accepted.
const MAX_CONSTANT: f64 = 1000.0;

/// SRM's parameters, for the page's editor and docs/protocols/srm.md.
pub const PARAMS: &[ParamDoc] = &[
    ParamDoc {
        field: "c1",
        label: "C1",
        kind: ParamKind::Float { min: 0.0, max: MAX_CONSTANT },
        unit: "× distance",
        source: "Floyd et al. 1997, §3 (request timer)",
        help: "a request waits at least C1 times the distance to the source",
    },
    ParamDoc {
        field: "c2",
        label: "C2",
        kind: ParamKind::Float { min: 0.0, max: MAX_CONSTANT },
        unit: "× distance",
        source: "Floyd et al. 1997, §3, §4 (√G on a star)",
        help: "width of the random part of the request timer; larger suppresses more but waits longer",
    },
    ParamDoc {
        field: "d1",
        label: "D1",
        kind: ParamKind::Float { min: 0.0, max: MAX_CONSTANT },
        unit: "× distance",
        source: "Floyd et al. 1997, §3 (repair timer)",
        help: "a repair waits at least D1 times the distance to the requester",
    },
    ParamDoc {
        field: "d2",
        label: "D2",
        kind: ParamKind::Float { min: 0.0, max: MAX_CONSTANT },
        unit: "× distance",
        source: "Floyd et al. 1997, §3 (repair timer)",
        help: "width of the random part of the repair timer",
    },
    ParamDoc {
        field: "suppression",
        label: "suppression",
        kind: ParamKind::Bool,
        unit: "",
        source: "Floyd et al. 1997, §3; off: a plain NAK scheme, to show NAK implosion",
        help: "hearing a request backs off one's own; hearing a repair cancels one's own",
    },
    ParamDoc {
        field: "adaptive",
        label: "adaptive timers",
        kind: ParamKind::Bool,
        unit: "",
        source: "Floyd et al. 1997, §7",
        help: "each member tunes C1, C2, D1, D2 from the duplicates and delays it sees",
    },
    ParamDoc {
        field: "session_interval_ms",
        label: "session interval",
        kind: ParamKind::Float { min: 1.0, max: 3_600_000.0 },
        unit: "ms",
        source: "Floyd et al. 1997, §3 (session messages)",
        help: "mean time between a member's session messages (highest sequence numbers, timestamps)",
    },
    ParamDoc {
        field: "session_bandwidth_bytes_per_sec",
        label: "session bandwidth",
        kind: ParamKind::Int { min: 1, max: MAX_SESSION_BANDWIDTH },
        unit: "bytes/s",
        source: "Floyd et al. 1997, §3; RFC 3550 §6.2 (5 % of the session, interval ∝ members)",
        help: "the whole group's session-message budget; each member's interval grows to m(m−1)·size/budget",
    },
    ParamDoc {
        field: "initial_distance_ms",
        label: "initial distance",
        kind: ParamKind::Float { min: 0.0, max: 600_000.0 },
        unit: "ms",
        source: "this playground",
        help: "distance assumed to a member until session messages have measured it",
    },
    ParamDoc {
        field: "max_backoffs",
        label: "max backoffs",
        kind: ParamKind::Int { min: 0, max: 20 },
        unit: "",
        source: "this playground (the paper backs off without a limit)",
        help: "a member stops requesting a packet after this many backoffs",
    },
    ParamDoc {
        field: "header_bytes",
        label: "header",
        kind: ParamKind::Int { min: 1, max: 65_535 },
        unit: "bytes",
        source: "this playground",
        help: "per-packet header; requests are header + 8 bytes",
    },
];
