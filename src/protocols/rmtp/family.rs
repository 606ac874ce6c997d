//! The RMTP family, for the registry: its kind, parameters, checks, run-size estimate and
//! configuration.

use super::{Rmtp, RmtpConfig, RmtpSetup, PARAMS};
use crate::protocol::{GroupInfo, NodeId, PacketKind};
use crate::protocols::params::ParamError;
use crate::protocols::{Family, ParamDoc, RunInfo, Structure};

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

    /// The parameters resolved for the group: its sender (the workload's first) and its DRs.
    fn configure(params: &RmtpConfig, group: &GroupInfo) -> RmtpSetup {
        RmtpSetup::new(params, group.size, group.senders.first().copied().unwrap_or(0))
    }
}
