//! The SRM family, for the registry: its kind, parameters, run-size estimate and configuration.

use super::{Srm, SrmConfig, PARAMS};
use crate::protocol::{GroupInfo, PacketKind};
use crate::protocols::params::ParamError;
use crate::protocols::{Family, Load, ParamDoc, RunInfo, Structure};

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

    /// Each message multicast to every member; per message, its losers request it (with
    /// suppression about 1 + √losers/2 of them, measured 1.6-1.7 per message at 200 members and
    /// 10 % loss; without, every loser), each request multicast to every member, each answered
    /// by about √members repairs (measured 9-12), each multicast; the session messages of
    /// [`Family::background`]; a timer per loser and per member hearing a request.
    fn load(params: &SrmConfig, run: &RunInfo) -> Vec<Load> {
        let (n, m) = (run.receivers() as f64, run.messages as f64);
        let losers = n * run.loss;
        let requesters = if params.suppression { losers.min(1.0 + losers.sqrt() / 2.0) } else { losers };
        let requests = m * requesters * f64::from(params.max_backoffs + 1).min(2.0);
        let repairs = requests * n.sqrt().min(n);
        let (sessions, session_timers) = expected_sessions(params, run);
        let under_way = n * run.concurrent as f64;
        vec![
            Load::packets("workload.messages", "copies: messages × members", m * n, under_way),
            Load::packets("protocol.suppression", "requests: per message its requesters, to every member", requests * n, under_way),
            Load::packets("protocol.suppression", "repairs: about √members per request, to every member", repairs * n, under_way),
            Load::packets("protocol.session_interval_ms", "session messages (see the run-size check)", sessions, n * n.min(64.0)),
            Load::timers("protocol.session_interval_ms", "session timers: per node life per half interval", session_timers, run.lives as f64),
            Load::timers("workload.messages", "request and repair timers: per loser and per member hearing a request", m * losers + requests * n, under_way),
        ]
    }

    /// A member's session message grows with the members it echoes.
    fn node_bytes(_params: &SrmConfig, run: &RunInfo) -> u64 {
        (run.size as u64 + u64::from(run.joiners)).saturating_mul(48)
    }

    fn configure(params: &SrmConfig, _group: &GroupInfo) -> SrmConfig {
        params.clone()
    }
}

/// Session messages and timers over the run, as the members' intervals allow: each member sends
/// one to every other per interval T = max(`session_interval_ms`, m · copies · S / B), S the
/// message's size with an echo per member, copies m − 1 (1 over native multicast).
fn expected_sessions(params: &SrmConfig, run: &RunInfo) -> (f64, f64) {
    let m = run.lives as f64;
    let bytes = f64::from(params.header_bytes) + 8.0 * run.senders.len() as f64 + 12.0 * (m - 1.0);
    let copies = if run.native_multicast { 1.0 } else { m - 1.0 };
    let share_ms = m * copies * bytes * 1000.0 / params.session_bandwidth_bytes_per_sec as f64;
    let rounds = run.duration_ms / params.session_interval_ms.max(share_ms);
    (m * (m - 1.0) * rounds, m * rounds)
}
