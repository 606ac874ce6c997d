//! RMTP's packets and timers, and what each costs on the wire.
//!
//! Payload travels three ways (Paul et al. 1997, §III): DATA, the sender's first transmission;
//! RETRANSMIT, the sender sending a packet again to a DR (or a receiver that fell back to it);
//! REPAIR, a DR sending a packet again to its region. Control traffic is the receivers' STATUS
//! (lowest sequence number lacking and a bitmap), the advertisement SEND_ACK_TOME, JOIN and its
//! answer, and LEAVE.
//!
//! Sizes: a payload packet is the application's bytes plus `header_bytes`; a status is
//! `status_bytes` plus 8 bytes per 64-bit word of bitmap; every other control packet is
//! `status_bytes`.

use super::config::RmtpConfig;
use super::window::Window;
use crate::protocol::{MsgId, PacketKind, Wire};
use crate::time::SimDuration;

/// Packets of RMTP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// First transmission of packet `seq` (message `id`) by the sender.
    Data {
        /// Sequence number.
        seq: u32,
        /// The application message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
    },
    /// The sender sends packet `seq` again to a DR (or a receiver that fell back to it).
    Retransmit {
        /// Sequence number.
        seq: u32,
        /// The application message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A DR sends packet `seq` again to a member of its region.
    Repair {
        /// Sequence number.
        seq: u32,
        /// The application message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A status: the lowest sequence number the node lacks and a bitmap of what it holds beyond.
    Status {
        /// Lowest sequence number not received.
        next: u32,
        /// Bit `i` set: `next + i` is held.
        bits: Vec<u64>,
        /// Size on the wire.
        bytes: u32,
    },
    /// SEND_ACK_TOME: a DR (or the sender) is alive and holds everything below `high`.
    Advert {
        /// One past the highest sequence number the advertiser holds.
        high: u32,
        /// Size on the wire.
        bytes: u32,
    },
    /// A joiner asks the sender for the current window.
    Join {
        /// How long ago the joiner joined (a duration, so no clocks need to agree): the sender
        /// owes it what it sent since.
        waited: SimDuration,
        /// Size on the wire.
        bytes: u32,
    },
    /// The sender's answer to a JOIN: start at `base`.
    JoinAck {
        /// The first sequence number the joiner should receive.
        base: u32,
        /// Size on the wire.
        bytes: u32,
    },
    /// A node leaves (a receiver, to its DR and the sender; a DR, to its region too).
    Leave {
        /// Size on the wire.
        bytes: u32,
    },
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::Data { .. } => PacketKind::Data,
            Msg::Retransmit { .. } => PacketKind::Retransmit,
            Msg::Repair { .. } => PacketKind::Repair,
            Msg::Status { .. } => PacketKind::Status,
            Msg::Advert { .. } => PacketKind::Heartbeat,
            Msg::Join { .. } | Msg::JoinAck { .. } => PacketKind::Join,
            Msg::Leave { .. } => PacketKind::Leave,
        }
    }
    fn bytes(&self) -> u32 {
        match self {
            Msg::Data { bytes, .. }
            | Msg::Retransmit { bytes, .. }
            | Msg::Repair { bytes, .. }
            | Msg::Status { bytes, .. }
            | Msg::Advert { bytes, .. }
            | Msg::Join { bytes, .. }
            | Msg::JoinAck { bytes, .. }
            | Msg::Leave { bytes } => *bytes,
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match self {
            Msg::Data { id, .. } | Msg::Retransmit { id, .. } | Msg::Repair { id, .. } => Some(*id),
            _ => None,
        }
    }
}

impl Msg {
    /// A status describing `window`: `status_bytes` plus 8 bytes per word of bitmap.
    pub(super) fn status(window: &Window, config: &RmtpConfig) -> Msg {
        let bits = window.bits().to_vec();
        let bytes = config.status_bytes.saturating_add(8 * bits.len() as u32);
        Msg::Status { next: window.next(), bits, bytes }
    }
}

/// The size of a control packet other than a status (advertisement, JOIN, its answer, LEAVE).
pub(super) fn control_bytes(config: &RmtpConfig) -> u32 {
    config.status_bytes
}

/// The size of a payload packet carrying `payload` bytes of application data.
pub(super) fn payload_bytes(config: &RmtpConfig, payload: u32) -> u32 {
    payload.saturating_add(config.header_bytes)
}

/// Timers of RMTP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A status / repair round; `gen` tells a stale one apart.
    Tick {
        /// The generation it was set in.
        gen: u32,
    },
    /// Time to repeat an unanswered JOIN; `gen` tells a stale one apart (see
    /// [`crate::protocols::blocks::Retry`]).
    Join {
        /// The token of the attempt's round that set it.
        gen: u32,
    },
}
