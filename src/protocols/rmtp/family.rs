//! The RMTP family, for the registry: its kind, parameters, checks, run-size estimate and
//! configuration.

use super::{Rmtp, RmtpConfig, RmtpSetup, PARAMS};
use crate::protocol::{GroupInfo, NodeId, PacketKind};
use crate::protocols::params::ParamError;
use crate::protocols::{Family, Load, ParamDoc, RunInfo, Structure};

/// The RMTP family.
pub struct RmtpFamily;

/// Why RMTP refuses a scenario its parameter table allows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RmtpError {
    /// RMTP has one sender; the workload names several.
    #[error("RMTP is one-to-many: give one sender, got {0}")]
    SeveralSenders(usize),
    /// A named designated receiver is the sender.
    #[error("node {node} is the sender, not a receiver")]
    DrIsSender {
        /// Its place in `dr_nodes`.
        index: usize,
        /// The node.
        node: NodeId,
    },
}

impl From<RmtpError> for ParamError {
    fn from(e: RmtpError) -> ParamError {
        let reason = e.to_string();
        match e {
            RmtpError::SeveralSenders(_) => ParamError { field: "workload.senders".into(), reason },
            RmtpError::DrIsSender { index, .. } => ParamError::param(&format!("dr_nodes[{index}]"), reason),
        }
    }
}

impl Family for RmtpFamily {
    type Protocol = Rmtp;
    type Params = RmtpConfig;
    type Error = RmtpError;

    const KIND: &'static str = "rmtp";
    const TITLE: &'static str = "RMTP (Paul et al. 1997)";
    const SUMMARY: &'static str = "receivers report their status to the designated receiver of their region, which \
        caches every packet and repairs its region locally; the sender hears only from the DRs";
    const PARAMS: &'static [ParamDoc] = PARAMS;
    const PACKETS: &'static [PacketKind] = &[
        PacketKind::Data,
        PacketKind::Retransmit,
        PacketKind::Repair,
        PacketKind::Status,
        PacketKind::Heartbeat,
        PacketKind::Join,
        PacketKind::Leave,
    ];
    const STRUCTURE: Structure = Structure::Regions;

    fn label(_params: &RmtpConfig) -> &'static str {
        "RMTP"
    }

    /// One sender; no named DR is the sender.
    fn check(params: &RmtpConfig, run: &RunInfo) -> Result<(), RmtpError> {
        if run.senders.len() > 1 {
            return Err(RmtpError::SeveralSenders(run.senders.len()));
        }
        let sender = run.senders.first().copied().unwrap_or(0);
        match params.dr_nodes.iter().position(|&d| d == sender) {
            Some(index) => Err(RmtpError::DrIsSender { index, node: sender }),
            None => Ok(()),
        }
    }

    /// The first copy, at most `max_retries` unanswered repair rounds to a member, and the
    /// sender's retransmission to its DR. An estimate: a member that keeps answering with a
    /// status while its repairs are lost may get more. Statuses and advertisements go on per
    /// interval while members lack something; the repair rounds bound them.
    fn rounds(params: &RmtpConfig, _run: &RunInfo) -> (u64, String) {
        (2 + u64::from(params.max_retries), "rounds (2 + protocol.max_retries)".into())
    }

    /// Each message to every receiver, again (by its DR) for each loss; every receiver reports
    /// its status to its DR each status interval while the workload runs, plus
    /// `linger_rounds` + 2 rounds (measured: 43 statuses per receiver over 38 rounds of data);
    /// the DRs the same to the sender; advertisements to each region every advert interval
    /// while it is active; a round timer per node per status interval.
    fn load(params: &RmtpConfig, run: &RunInfo) -> Vec<Load> {
        let (n, m) = (run.receivers() as f64, run.messages as f64);
        let interval = params.status_interval_ms.max(1e-3);
        let active_ms = (run.span_ms + f64::from(params.linger_rounds + 2) * interval).min(run.duration_ms);
        let rounds = (active_ms / interval).ceil();
        let drs = if params.dr_nodes.is_empty() { f64::from(params.dr_count) } else { params.dr_nodes.len() as f64 };
        let repairs = m * n * run.loss * RunInfo::attempts(run.loss, params.max_retries);
        let adverts = n * (active_ms / params.advert_interval_ms.max(1e-3)).ceil();
        vec![
            Load::packets("workload.messages", "copies: messages × receivers", m * n, n * run.concurrent as f64),
            Load::packets("workload.messages", "repairs: per loss, by the DR", repairs, n),
            Load::packets("protocol.status_interval_ms", "statuses: per receiver and DR per round while active", (n + drs) * rounds, n + drs),
            Load::packets("protocol.advert_interval_ms", "advertisements to each region while active", adverts, n),
            Load::timers("protocol.status_interval_ms", "round timers: per node per status interval while active", run.lives as f64 * rounds, run.lives as f64),
        ]
    }

    /// The parameters resolved for the group: its sender (the workload's first) and its DRs.
    fn configure(params: &RmtpConfig, group: &GroupInfo) -> RmtpSetup {
        RmtpSetup::new(params, group.size, group.senders.first().copied().unwrap_or(0))
    }
}
