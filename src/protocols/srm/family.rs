//! The SRM family, for the registry: its kind, parameters, run-size estimate and configuration.

use super::{Srm, SrmConfig, PARAMS};
use crate::protocol::{GroupInfo, PacketKind};
use crate::protocols::params::ParamError;
use crate::protocols::{Family, ParamDoc, RunInfo, Structure};

/// The SRM family.
pub struct SrmFamily;

impl Family for SrmFamily {
    type Protocol = Srm;
    type Params = SrmConfig;
    type Error = ParamError;

    const KIND: &'static str = "srm";
    const TITLE: &'static str = "SRM (Floyd et al. 1997)";
    const SUMMARY: &'static str = "Scalable Reliable Multicast: receivers multicast repair requests after a \
        random wait scaled by distance, any holder repairs, and hearing another's request or repair suppresses \
        one's own";
    const PARAMS: &'static [ParamDoc] = PARAMS;
    const PACKETS: &'static [PacketKind] =
        &[PacketKind::Data, PacketKind::Nak, PacketKind::Repair, PacketKind::Session, PacketKind::Leave];
    const STRUCTURE: Structure = Structure::Flat;

    fn label(params: &SrmConfig) -> &'static str {
        if params.suppression {
            "SRM"
        } else {
            "SRM without suppression (NAKs)"
        }
    }

    /// 1 + 2 R (1 + `max_backoffs`), R the members that may request and repair one loss: each
    /// sends at most 1 + `max_backoffs` requests and as many repairs, each to every other member.
    /// Without suppression R is every node life but one, the true worst case. With it R is
    /// ⌈√lives⌉, an estimate from the paper's analysis rather than a bound: on a star with
    /// C2 = √G, about 1 + (G − 2)/C2 ≈ √G members request each loss (measured: 27.5 at
    /// G = 1000), and the worst case would refuse any sizeable run though requests and repairs
    /// never pile up in memory together.
    fn rounds(params: &SrmConfig, run: &RunInfo) -> (u64, String) {
        let lives = run.lives;
        let requesters =
            if params.suppression { (lives as f64).sqrt().ceil() as u64 } else { lives.saturating_sub(1) };
        let r = 1u64.saturating_add(2 * requesters.saturating_mul(1 + u64::from(params.max_backoffs)));
        (r, "(1 + 2 × requesters × (1 + protocol.max_backoffs)) requests and repairs".into())
    }

    /// Session messages, bounded twice, the smaller bound counting. By the interval: at most one
    /// per member to each other member every half `session_interval_ms` (the shortest gap drawn)
    /// over the run, plus one to start. By the budget B: a member knowing m members that sends
    /// m − 1 copies of S ≥ `header_bytes` bytes then waits at least half of m (m − 1) S / B, so
    /// the initial members together send at most 2 B / `header_bytes` copies a second; each
    /// joiner or recovered node may know only a few members at first and is allowed that whole
    /// rate again; each node life adds one round that the run's end may cut short. Plus, per
    /// fault entry, a hello, its answer and a goodbye to every member.
    fn background(params: &SrmConfig, run: &RunInfo) -> (u64, String) {
        let lives = run.lives;
        let rounds = (run.duration_ms / (params.session_interval_ms / 2.0)).floor().min(1e12) as u64 + 1;
        let by_interval = rounds.saturating_mul(lives).saturating_mul(lives.saturating_sub(1));
        let extra_lives = lives.saturating_sub(u64::from(run.size));
        let per_sec = 2.0 * params.session_bandwidth_bytes_per_sec as f64 / f64::from(params.header_bytes.max(1));
        let by_budget = ((run.duration_ms / 1000.0 * per_sec).ceil().min(1e15) as u64)
            .saturating_mul(1 + extra_lives)
            .saturating_add(lives.saturating_mul(lives.saturating_sub(1)));
        let sessions = by_interval.min(by_budget).saturating_add(run.fault_entries.saturating_mul(3 * lives));
        let formula = "session messages (the smaller of members² × duration / (session_interval_ms / 2) and \
                       2 × duration × session_bandwidth_bytes_per_sec / header_bytes + members²)";
        (sessions, formula.into())
    }

    fn configure(params: &SrmConfig, _group: &GroupInfo) -> SrmConfig {
        params.clone()
    }
}
