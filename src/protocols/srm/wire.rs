//! SRM's packets and timers, and what they cost on the wire.
//!
//! Data is named by its source and a per-source sequence number (Floyd et al. 1997, §3), so a
//! request or a repair names the packet it is about the same way, whoever sends it. A session
//! message (§3) carries the highest sequence number its sender knows per source and the
//! timestamps of the NTP-like distance exchange; its size grows with both, as the paper's
//! multicast packet does. Timers carry the packet they are about and a generation token, so a
//! timer that was reset or cancelled is recognised as stale when it fires.

use crate::protocol::{MsgId, NodeId, PacketKind, Wire};
use crate::time::{SimDuration, SimTime};
use std::sync::Arc;

/// Bytes a session message spends per source it reports (id and sequence number).
const SOURCE_ENTRY_BYTES: u32 = 8;
/// Bytes a session message spends per member it echoes (id, timestamp, time held).
const ECHO_ENTRY_BYTES: u32 = 12;
/// Bytes a member list spends per member.
const MEMBER_ENTRY_BYTES: u32 = 4;
/// Bytes a request spends naming its packet (source and sequence number).
const NAME_BYTES: u32 = 8;

/// The size of a session message with a `header`-byte header that reports `sources` sources,
/// echoes `echoes` members and lists `members` members (none but in answer to a hello).
pub(super) fn session_bytes(header: u32, sources: usize, echoes: usize, members: usize) -> u32 {
    header
        .saturating_add(SOURCE_ENTRY_BYTES.saturating_mul(sources as u32))
        .saturating_add(ECHO_ENTRY_BYTES.saturating_mul(echoes as u32))
        .saturating_add(MEMBER_ENTRY_BYTES.saturating_mul(members as u32))
}

/// The size of a request with a `header`-byte header: the header and the packet's name.
pub(super) fn request_bytes(header: u32) -> u32 {
    header.saturating_add(NAME_BYTES)
}

/// A session message's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The sender's clock when it sent the message (t1 of the paper's exchange).
    pub sent_at: SimTime,
    /// For each member the sender has heard a session message from, in id order: that member's
    /// last t1 as the sender heard it, and how long the sender held it.
    pub echoes: Arc<[Echo]>,
    /// Per source, the highest sequence number the sender knows of.
    pub highest: Arc<[(NodeId, u32)]>,
    /// The members the sender knows, in answer to a hello.
    pub members: Option<Arc<[NodeId]>>,
    /// A newcomer's announcement: please answer with the members you know.
    pub hello: bool,
    /// Size on the wire.
    pub bytes: u32,
}

/// One member's timestamp echoed in a session message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Echo {
    /// The member whose timestamp this is.
    pub member: NodeId,
    /// Its t1, as the sender of the session message heard it.
    pub their_t1: SimTime,
    /// How long the sender held it before sending this message.
    pub held: SimDuration,
}

impl Session {
    /// The echo of `member`'s own timestamp, if the message carries one.
    pub fn echo_for(&self, member: NodeId) -> Option<(SimTime, SimDuration)> {
        let i = self.echoes.binary_search_by_key(&member, |e| e.member).ok()?;
        let e = self.echoes[i];
        Some((e.their_t1, e.held))
    }
}

/// Packets of SRM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// Packet `seq` of source `src`, carrying application message `id`.
    Data {
        /// The source.
        src: NodeId,
        /// Its sequence number at the source.
        seq: u32,
        /// The application message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A repair request for packet `seq` of `src` (counted as `nak`).
    Request {
        /// The source.
        src: NodeId,
        /// The missing sequence number.
        seq: u32,
        /// Size on the wire.
        bytes: u32,
    },
    /// Packet `seq` of `src` sent again by any member holding it.
    Repair {
        /// The source.
        src: NodeId,
        /// Its sequence number.
        seq: u32,
        /// The application message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A session message.
    Session(Box<Session>),
    /// A member leaving says goodbye.
    Bye {
        /// Size on the wire.
        bytes: u32,
    },
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::Data { .. } => PacketKind::Data,
            Msg::Request { .. } => PacketKind::Nak,
            Msg::Repair { .. } => PacketKind::Repair,
            Msg::Session(_) => PacketKind::Session,
            Msg::Bye { .. } => PacketKind::Leave,
        }
    }
    fn bytes(&self) -> u32 {
        match self {
            Msg::Data { bytes, .. } | Msg::Request { bytes, .. } | Msg::Repair { bytes, .. } | Msg::Bye { bytes } => {
                *bytes
            }
            Msg::Session(s) => s.bytes,
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match self {
            Msg::Data { id, .. } | Msg::Repair { id, .. } => Some(*id),
            Msg::Request { .. } | Msg::Session(_) | Msg::Bye { .. } => None,
        }
    }
}

/// Timers of SRM; `gen` tokens recognise stale ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Time for the next session message.
    Session,
    /// Time to request packet `seq` of `src`, unless the timer was reset since.
    Request {
        /// The source.
        src: NodeId,
        /// The missing sequence number.
        seq: u32,
        /// The request's generation when the timer was set.
        gen: u32,
    },
    /// Time to repair packet `seq` of `src`, unless cancelled since.
    Repair {
        /// The source.
        src: NodeId,
        /// The sequence number.
        seq: u32,
        /// The repair's generation when the timer was set.
        gen: u32,
    },
    /// End of a repair round for packet `seq` of `src` (adaptive mode): count its duplicates.
    RepairRound {
        /// The source.
        src: NodeId,
        /// The sequence number.
        seq: u32,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(echoes: &[Echo]) -> Session {
        Session {
            sent_at: SimTime::from_ms(5),
            echoes: echoes.into(),
            highest: Arc::from([]),
            members: None,
            hello: false,
            bytes: 64,
        }
    }

    #[test]
    fn each_packet_is_counted_by_its_kind_and_carries_its_message() {
        let id = MsgId(7);
        let cases = [
            (Msg::Data { src: 0, seq: 3, id, bytes: 1040 }, PacketKind::Data, 1040, Some(id)),
            (Msg::Request { src: 0, seq: 3, bytes: 48 }, PacketKind::Nak, 48, None),
            (Msg::Repair { src: 0, seq: 3, id, bytes: 1040 }, PacketKind::Repair, 1040, Some(id)),
            (Msg::Session(Box::new(session(&[]))), PacketKind::Session, 64, None),
            (Msg::Bye { bytes: 40 }, PacketKind::Leave, 40, None),
        ];
        for (msg, kind, bytes, carries) in cases {
            assert_eq!((msg.kind(), msg.bytes(), msg.msg()), (kind, bytes, carries), "{msg:?}");
        }
    }

    #[test]
    fn sizes_add_a_fixed_cost_per_entry() {
        assert_eq!(session_bytes(40, 0, 0, 0), 40);
        assert_eq!(session_bytes(40, 2, 3, 0), 40 + 2 * 8 + 3 * 12);
        assert_eq!(session_bytes(40, 1, 1, 5), 40 + 8 + 12 + 5 * 4);
        assert_eq!(session_bytes(u32::MAX - 1, 1, 0, 0), u32::MAX, "saturates");
        assert_eq!(request_bytes(40), 48);
    }

    #[test]
    fn a_member_finds_its_own_echo_among_the_others() {
        let echo = |member, ms| Echo { member, their_t1: SimTime::from_ms(ms), held: SimDuration::from_ms(1) };
        let s = session(&[echo(1, 10), echo(4, 40), echo(9, 90)]);
        assert_eq!(s.echo_for(4), Some((SimTime::from_ms(40), SimDuration::from_ms(1))));
        assert_eq!(s.echo_for(9), Some((SimTime::from_ms(90), SimDuration::from_ms(1))));
        assert_eq!(s.echo_for(5), None);
        assert_eq!(session(&[]).echo_for(1), None);
    }
}
