//! One anti-entropy exchange between two nodes (Demers et al. 1987, §1.3), as packets: the
//! machine both the `anti_entropy` family and rumor mongering's backstop (§1.5) run.
//!
//! The initiator opens with its digest ([`AeMsg::Digest`], the ids it holds as ranges). The
//! responder compares it with what it holds:
//! - **pull**: it answers with the messages the initiator lacks ([`AeMsg::Answer`]);
//! - **push**: it answers with the ids it lacks from the initiator's digest, and the initiator
//!   sends those messages ([`AeMsg::Updates`]);
//! - **push-pull**: both at once: the answer carries what the initiator lacks and asks for what
//!   the responder lacks.
//!
//! Nothing is sent when there is nothing to send: an answer with neither messages nor ids is
//! left out, so two nodes that agree exchange one digest. The paper compares checksums first and
//! falls back to recent-update lists and whole databases (§1.3); here the digest is the list of
//! ranges itself, which a checksum would only shorten when the two agree.

use super::store::{Held, IdSet, Store};
use crate::protocol::{MsgId, PacketKind};

/// Bytes each message carried in a batch costs besides its payload: its id.
pub const MESSAGE_ID_BYTES: u32 = 4;

/// Which way updates flow in an exchange (Demers et al. 1987, §1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The initiator sends what the responder lacks.
    Push,
    /// The responder sends what the initiator lacks.
    Pull,
    /// Both.
    PushPull,
}

impl Direction {
    /// Whether the initiator sends updates.
    pub fn pushes(self) -> bool {
        matches!(self, Direction::Push | Direction::PushPull)
    }

    /// Whether the responder sends updates.
    pub fn pulls(self) -> bool {
        matches!(self, Direction::Pull | Direction::PushPull)
    }

    /// What crosses over in an exchange, in plain words for the inspector.
    pub fn words(self) -> &'static str {
        match self {
            Direction::Push => "it sends the partner what the partner lacks",
            Direction::Pull => "the partner sends back what it lacks",
            Direction::PushPull => "each sends the other what the other lacks",
        }
    }

    /// The names a scenario writes.
    pub const NAMES: &'static [&'static str] = &["push", "pull", "push_pull"];
}

/// A periodic exchange in words: a digest of the `held` messages to one of `members` members,
/// and what crosses over (`direction`). Rumor mongering's backstop says the same.
pub fn exchange_words(held: usize, members: u32, direction: Direction) -> String {
    let digest = match held {
        0 => "send a digest saying it holds nothing".to_string(),
        n => format!("send a digest of the {n} message(s) it holds"),
    };
    format!("exchange with a random member of {members}: {digest}, then {}", direction.words())
}

/// A packet of an anti-entropy exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AeMsg {
    /// The initiator's digest: the ids it holds.
    Digest {
        /// Which way updates flow in this exchange.
        direction: Direction,
        /// The ids the initiator holds.
        digest: IdSet,
        /// Size on the wire: header and 8 bytes per range.
        bytes: u32,
    },
    /// The responder's answer: the messages the initiator lacks (pull) and the ids the responder
    /// lacks (push).
    Answer {
        /// Messages the initiator lacks.
        updates: Vec<Held>,
        /// Ids the responder lacks, for the initiator to send.
        want: IdSet,
        /// Size on the wire: header, each message with its id, 8 bytes per range wanted.
        bytes: u32,
    },
    /// The initiator's messages the responder asked for (push).
    Updates {
        /// The messages.
        updates: Vec<Held>,
        /// Size on the wire: header and each message with its id.
        bytes: u32,
    },
}

impl AeMsg {
    /// The packet's kind: DIGEST for the opening, GOSSIP for anything carrying messages, PULL
    /// for an answer that only asks.
    pub fn kind(&self) -> PacketKind {
        match self {
            AeMsg::Digest { .. } => PacketKind::Digest,
            AeMsg::Answer { updates, .. } if updates.is_empty() => PacketKind::Pull,
            AeMsg::Answer { .. } | AeMsg::Updates { .. } => PacketKind::Gossip,
        }
    }

    /// Its size on the wire.
    pub fn bytes(&self) -> u32 {
        match self {
            AeMsg::Digest { bytes, .. } | AeMsg::Answer { bytes, .. } | AeMsg::Updates { bytes, .. } => *bytes,
        }
    }

    /// The first message it carries, if any.
    pub fn msg(&self) -> Option<MsgId> {
        match self {
            AeMsg::Digest { .. } => None,
            AeMsg::Answer { updates, .. } | AeMsg::Updates { updates, .. } => updates.first().map(|h| h.id),
        }
    }
}

/// The size of a batch of `msgs` after a `header`-byte header: each message's payload and id.
pub fn batch_bytes(header: u32, msgs: &[Held]) -> u32 {
    msgs.iter().fold(header, |b, h| b.saturating_add(h.bytes).saturating_add(MESSAGE_ID_BYTES))
}

/// What handling one exchange packet gave: the messages that were new to this node (to
/// deliver) and the packet to send back to its sender, if any.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Messages this node did not hold, now stored, in id order.
    pub learned: Vec<MsgId>,
    /// The answer to the packet's sender.
    pub reply: Option<AeMsg>,
}

/// The exchange's settings: the direction and the header size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// Which way updates flow.
    pub direction: Direction,
    /// Per-packet header (bytes).
    pub header_bytes: u32,
}

impl Exchange {
    /// The opening packet of an exchange this node starts: its digest.
    pub fn open(&self, store: &Store) -> AeMsg {
        let digest = store.digest();
        let bytes = self.header_bytes.saturating_add(digest.bytes());
        AeMsg::Digest { direction: self.direction, digest, bytes }
    }

    /// Handles an exchange packet `msg` against `store`.
    pub fn handle(&self, store: &mut Store, msg: AeMsg) -> Outcome {
        match msg {
            AeMsg::Digest { direction, digest, .. } => Outcome { learned: Vec::new(), reply: self.answer(store, direction, &digest) },
            AeMsg::Answer { updates, want, .. } => {
                let learned = take(store, &updates);
                let send: Vec<Held> = want.iter().filter_map(|id| store.get(id)).collect();
                let reply = (!send.is_empty())
                    .then(|| AeMsg::Updates { bytes: batch_bytes(self.header_bytes, &send), updates: send });
                Outcome { learned, reply }
            }
            AeMsg::Updates { updates, .. } => Outcome { learned: take(store, &updates), reply: None },
        }
    }

    /// The responder's answer to digest `digest` in an exchange going `direction`, or `None` if
    /// it has nothing to send and nothing to ask.
    fn answer(&self, store: &Store, direction: Direction, digest: &IdSet) -> Option<AeMsg> {
        let updates = if direction.pulls() { store.missing_from(digest) } else { Vec::new() };
        let want = if direction.pushes() { store.lacking(digest) } else { IdSet::new() };
        if updates.is_empty() && want.is_empty() {
            return None;
        }
        let bytes = batch_bytes(self.header_bytes, &updates).saturating_add(want.bytes());
        Some(AeMsg::Answer { updates, want, bytes })
    }
}

/// Stores `updates`, returning the ids that were new.
pub fn take(store: &mut Store, updates: &[Held]) -> Vec<MsgId> {
    updates.iter().filter(|&&h| store.insert(h)).map(|h| h.id).collect()
}
