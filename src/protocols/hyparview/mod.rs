//! HyParView (Leitão, Pereira & Rodrigues, "HyParView: a membership protocol for reliable
//! gossip-based broadcast", DSN 2007) as a membership layer: a [`Layer`] any family runs over
//! when the scenario names `"membership": {"service": "hyparview"}`; the family hears of its
//! neighbours as `NeighborUp` and `NeighborDown` and gossips over them (Plumtree's overlay).
//!
//! - **Two views (§4.1).** A small symmetric *active view* (the fanout plus one: 5), the peers
//!   a node keeps open links to, and a larger *passive view* (30), a reserve of peers it knows
//!   of. Active links are symmetric: a node that takes a peer in tells it, and one that drops a
//!   peer sends it a DISCONNECT (the peer moves it to its passive view).
//! - **Join (§4.2).** A joiner sends JOIN to a contact, which takes it into its active view and
//!   sends a FORWARD_JOIN to each of its other active peers. Each FORWARD_JOIN walks the active
//!   views at random for ARWL (6) hops: the node at hop PRWL (3) puts the joiner in its passive
//!   view; the walk's last node (TTL 0, or a node with a single active peer) takes it into its
//!   active view.
//! - **Failures (§4.3).** The paper relies on TCP to notice a failed active peer; here the
//!   kernel's transport reports `MemberChange::Unreachable` a timeout after a send to a node that
//!   is not up (`network.transport_timeout_ms`, [`crate::protocol::Protocol::TRANSPORT_FAILURES`]).
//!   The peer leaves both views and the node asks passive peers one at a time, at random, with a
//!   NEIGHBOR request: of *high* priority when its active view is empty (never refused), *low*
//!   otherwise (refused by a full active view); a refusal, a time-out or an unreachable peer
//!   moves on to the next.
//! - **Shuffle (§4.4).** Every shuffle period a node sends itself, ka (3) active and kp (4)
//!   passive entries on an ARWL-hop walk; the last node answers with as many passive entries;
//!   both merge, evicting what they sent first (see `shuffle.rs`).
//!
//! Choices the paper leaves open, each documented in docs/protocols/hyparview.md: the initial
//! members bootstrap by joining one after another, member i at i × `join_stagger` (100 µs)
//! through a member drawn uniformly among 0..i (the paper's simulations join every node through
//! a node already in the overlay); a joiner or a restarted node joins through one of its
//! contacts (the workload's senders); a JOIN is answered (NEIGHBOR_REPLY) and FORWARD_JOIN's
//! last node tells the joiner with a high-priority NEIGHBOR, where the paper opens a TCP
//! connection, and answers carry their request's number; a node whose active view is short of
//! full (after a DISCONNECT too) asks its passive peers as after a failure, and again each
//! shuffle period (the paper refills only on failures); a node left alone asks again soon (see
//! below); every shuffle period a node sends a keep-alive on its other
//! active links (TCP's keep-alive: an idle link to a crashed peer is noticed); a node receiving
//! a walk's hop, a keep-alive or an inner packet from a peer not in its active view sends it a
//! DISCONNECT (a link whose set-up and tear-down crossed on the network, which TCP's ordering
//! rules out, heals within a period).
//!
//! **Left alone.** §4.3 keeps a node with an empty active view asking its passive peers with
//! high priority, which no peer refuses: such a node must not stay cut off. Here a node dropped
//! by its only active peer first asks its other passive peers, not the one that has just chosen
//! to drop it. If none is left, it waits `alone_retry` (1 s, a few round trips: a joiner's walks
//! may link it meanwhile) and asks its whole passive view again, the dropping peer included; if
//! all of them fail, it joins again through a contact. (It used to wait for its next shuffle, up
//! to 10 s: node 885 of the Plumtree preset missed 7 of 10 broadcasts so.) Joining at once would
//! flood the contacts with JOINs and churn the overlay (see `continue_repair`). Likewise a node
//! with a single active peer whose whole periodic refill was refused asks with high priority at
//! the next one: two such nodes linked to each other are an island that full views, refusing
//! low priority, would never take in. Both rules cost one NEIGHBOR, which displaces one peer of
//! a node with a full view, and only where a node is alone or one link from it.
//!
//! Memory per node: the two views and the shuffle's entries, about 4 × (active + passive + ka +
//! kp) bytes, and the peers tried while repairing (at most the passive view).
//!
//! [`Layer`]: crate::protocol::Layer

mod config;
mod node;
mod shuffle;
mod views;
mod wire;

#[cfg(test)]
mod tests;

pub use config::HyParViewConfig;
pub use node::{HyParView, Pending};
pub use views::Views;
pub use wire::{HpvMsg, HpvTimer, HEADER_BYTES, NODE_BYTES, NO_REQUEST};

/// Bytes HyParView's state takes at one node beyond its struct, for the memory estimate: its
/// views, the peers it tried while repairing, its contacts and its latest shuffle.
pub fn node_bytes(config: &HyParViewConfig, contacts: u64) -> u64 {
    let ids = u64::from(config.active) + 2 * u64::from(config.passive) + u64::from(config.ka + config.kp) + 1;
    ids.saturating_add(contacts).saturating_mul(4)
}
