//! Packet kinds: the shared vocabulary of what a packet is for. Metrics count by kind, the trace
//! hashes it, the page colours and labels it, and each family lists the kinds it sends
//! ([`crate::protocols::Family::PACKETS`]). A family whose packets need a kind not yet here adds
//! it to this table (name, label, colour, meaning).

use serde::{Deserialize, Serialize};

/// What a packet is for: counted, coloured and hashed by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum PacketKind {
    /// Application payload, first transmission.
    Data = 0,
    /// A positive acknowledgement.
    Ack = 1,
    /// Application payload sent again, because a receiver missed it.
    Retransmit = 2,
    /// Membership control: a node asking to join (or rejoin) the group, or the answer to it.
    Join = 3,
    /// Membership control: a node saying goodbye as it leaves the group.
    Leave = 4,
    /// A negative acknowledgement, or SRM's repair request: "I miss message m".
    Nak = 5,
    /// Application payload sent again in answer to a NAK or request (SRM's repair, a local
    /// retransmission by RMTP's designated receiver or a tree parent).
    Repair = 6,
    /// A session message (SRM): the highest sequence number seen and timestamps to estimate
    /// distances.
    Session = 7,
    /// A receiver's status report (RMTP): highest in-order sequence number and a bitmap.
    Status = 8,
    /// A keep-alive for failure detection (a tree parent and its children).
    Heartbeat = 9,
    /// Epidemic payload: a node pushing the messages (rumors, updates) it spreads to a peer it
    /// picked, or answering a pull with them.
    Gossip = 10,
    /// A pull request: "send me what you have that I lack", with what the asker holds.
    Pull = 11,
    /// A digest: a summary of the messages a node holds (anti-entropy, bimodal multicast's gossip
    /// round), so that the peer can ask for, or send, what is missing.
    Digest = 12,
    /// A direct failure-detection probe (SWIM's ping) or its answer.
    Ping = 13,
    /// An indirect probe (SWIM's ping-req): "ping this member for me".
    PingReq = 14,
    /// A membership update sent on its own (SWIM's suspect, alive or confirm, a join).
    Suspect = 15,
    /// A partial view exchange (Cyclon's shuffle) between peer-sampling neighbours.
    Shuffle = 16,
    /// A lazy advertisement: the ids of messages the sender holds, sent instead of the payload
    /// (Plumtree's IHAVE, GossipSub's IHAVE gossip).
    Ihave = 17,
    /// A request for advertised messages by id (GossipSub's IWANT).
    Iwant = 18,
    /// A request to make a link part of the dissemination structure (Plumtree's GRAFT, which also
    /// asks for a missing message; GossipSub's mesh GRAFT).
    Graft = 19,
    /// A request to take a link out of the dissemination structure (Plumtree's PRUNE on a
    /// duplicate; GossipSub's PRUNE, with backoff and peer exchange).
    Prune = 20,
    /// Overlay link control: asking a peer to become (or stop being) a neighbour in the active
    /// view (HyParView's NEIGHBOR and DISCONNECT, and their answers).
    Neighbor = 21,
}

impl PacketKind {
    /// Every kind, in counter order.
    pub const ALL: [PacketKind; 22] = [
        PacketKind::Data,
        PacketKind::Ack,
        PacketKind::Retransmit,
        PacketKind::Join,
        PacketKind::Leave,
        PacketKind::Nak,
        PacketKind::Repair,
        PacketKind::Session,
        PacketKind::Status,
        PacketKind::Heartbeat,
        PacketKind::Gossip,
        PacketKind::Pull,
        PacketKind::Digest,
        PacketKind::Ping,
        PacketKind::PingReq,
        PacketKind::Suspect,
        PacketKind::Shuffle,
        PacketKind::Ihave,
        PacketKind::Iwant,
        PacketKind::Graft,
        PacketKind::Prune,
        PacketKind::Neighbor,
    ];
    /// How many kinds there are.
    pub const COUNT: usize = Self::ALL.len();

    /// The kind's name as metrics and the page show it.
    pub fn name(self) -> &'static str {
        match self {
            PacketKind::Data => "data",
            PacketKind::Ack => "ack",
            PacketKind::Retransmit => "retransmit",
            PacketKind::Join => "join",
            PacketKind::Leave => "leave",
            PacketKind::Nak => "nak",
            PacketKind::Repair => "repair",
            PacketKind::Session => "session",
            PacketKind::Status => "status",
            PacketKind::Heartbeat => "heartbeat",
            PacketKind::Gossip => "gossip",
            PacketKind::Pull => "pull",
            PacketKind::Digest => "digest",
            PacketKind::Ping => "ping",
            PacketKind::PingReq => "ping_req",
            PacketKind::Suspect => "suspect",
            PacketKind::Shuffle => "shuffle",
            PacketKind::Ihave => "ihave",
            PacketKind::Iwant => "iwant",
            PacketKind::Graft => "graft",
            PacketKind::Prune => "prune",
            PacketKind::Neighbor => "neighbor",
        }
    }

    /// Whether the packet carries application payload (as opposed to control traffic).
    pub fn is_payload(self) -> bool {
        matches!(self, PacketKind::Data | PacketKind::Retransmit | PacketKind::Repair | PacketKind::Gossip)
    }

    /// The kind's label on the page's counters and legend.
    pub fn label(self) -> &'static str {
        self.doc().0
    }

    /// The colour the page draws the kind in (CSS hex).
    pub fn colour(self) -> &'static str {
        self.doc().1
    }

    /// One line: what packets of this kind are for.
    pub fn meaning(self) -> &'static str {
        self.doc().2
    }

    /// (label, colour, meaning).
    fn doc(self) -> (&'static str, &'static str, &'static str) {
        match self {
            PacketKind::Data => ("DATA", "#1583cf", "application payload, first transmission"),
            PacketKind::Ack => ("ACK", "#ffdf11", "a positive acknowledgement"),
            PacketKind::Retransmit => {
                ("retransmission", "#cc7afc", "payload sent again by the source to a receiver that missed it")
            }
            PacketKind::Join => ("JOIN", "#65d0fe", "membership control: joining (or rejoining) and the answers to it"),
            PacketKind::Leave => ("LEAVE", "#89817d", "membership control: a node saying goodbye"),
            PacketKind::Nak => ("NAK / repair request", "#e70b14", "a negative acknowledgement or repair request"),
            PacketKind::Repair => {
                ("REPAIR", "#10ff8f", "payload sent again in answer to a NAK or request, by any holder")
            }
            PacketKind::Session => ("SESSION", "#605be3", "a session message: highest sequence numbers and timestamps"),
            PacketKind::Status => ("STATUS", "#ff9b0c", "a receiver's status report: what it holds and lacks"),
            PacketKind::Heartbeat => ("HEARTBEAT", "#818b3a", "a keep-alive or advertisement for failure detection"),
            PacketKind::Gossip => {
                ("GOSSIP", "#2ed5c5", "epidemic payload pushed to a random peer, or sent in answer to a pull")
            }
            PacketKind::Pull => {
                ("PULL", "#ff8fab", "a pull request: what the asker holds, so the peer sends what it lacks")
            }
            PacketKind::Digest => {
                ("DIGEST", "#e6bf66", "a summary of the messages a node holds (anti-entropy, pbcast)")
            }
            PacketKind::Ping => ("PING / ACK", "#a8dadc", "a direct failure-detection probe, or its answer (SWIM)"),
            PacketKind::PingReq => ("PING-REQ", "#9d8df1", "an indirect probe: ping this member for me (SWIM)"),
            PacketKind::Suspect => {
                ("SUSPECT / ALIVE / CONFIRM", "#c86bfa", "a membership update sent on its own (SWIM)")
            }
            PacketKind::Shuffle => {
                ("SHUFFLE", "#bd8fcd", "a partial-view exchange between peer-sampling neighbours (Cyclon, HyParView)")
            }
            PacketKind::Ihave => ("IHAVE", "#218cff", "a lazy advertisement: ids of messages the sender holds"),
            PacketKind::Iwant => ("IWANT", "#77fa3a", "a request for advertised messages by id (GossipSub)"),
            PacketKind::Graft => {
                ("GRAFT", "#76be7b", "a request to add a link to the tree or mesh (and, in Plumtree, for a message)")
            }
            PacketKind::Prune => ("PRUNE", "#f3e491", "a request to take a link out of the tree or mesh"),
            PacketKind::Neighbor => (
                "NEIGHBOR / DISCONNECT",
                "#da9735",
                "overlay link control: become, or stop being, neighbours (HyParView)",
            ),
        }
    }
}
