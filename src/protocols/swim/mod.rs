//! SWIM (Das, Gupta & Motivala, "SWIM: Scalable Weakly-consistent Infection-style Process Group
//! Membership Protocol", DSN 2002) as a membership service: a [`Layer`] any family runs under
//! when the scenario names `"membership": {"service": "swim"}`, in place of the oracle.
//!
//! - **Probing (§3.1, §4.3).** Every protocol period T' a member pings the next member of its
//!   list, traversed round-robin over a random permutation (a new one per traversal; a member
//!   learned mid-traversal goes in at a random place of the rest). Without an ack within the
//!   ping timeout it sends a ping-req to k other members picked at random, which ping the target
//!   and relay its ack. This cycle is the shared failure-detection block's
//!   [`ProbeCycle`](crate::protocols::blocks::ProbeCycle): it asks the member list for targets and
//!   helpers and gives the verdict (acked or failed); this layer sends its packets, sets its timers and acts
//!   on its verdicts.
//! - **Suspicion (§4.2).** A target that answered nothing by the end of the period is
//!   *suspected*: the suspicion is disseminated, and unless the member refutes it (an Alive with
//!   a higher incarnation number, which it sends when it hears it is suspected) it is
//!   *confirmed* failed after `suspicion_periods` periods. With `suspicion: false` a failed
//!   probe confirms at once (the basic protocol of §3). An ack from a suspect drops the prober's
//!   own suspicion.
//! - **Dissemination (§4.1).** Updates (alive, suspect, confirm, left) ride on pings, ping-reqs
//!   and acks, each ⌈λ·ln n⌉ times, the fewest-sent first, at most `max_piggyback` per packet.
//!   Joins and leaves are also announced on their own (kind `suspect`): a joiner to its contacts,
//!   a leaver to its contacts and k members.
//! - **The inner protocol** hears `Input::Membership(Crashed)` on a confirmation, `Left`,
//!   `Joined` and `Recovered` when learned, exactly as it would from the oracle; its packets and
//!   timers pass through in [`SwimMsg::Inner`] and [`SwimTimer::Inner`], unchanged on the wire.
//!   Each suspicion and confirmation is also reported to the metrics as
//!   [`crate::protocol::Output::Believe`].
//!
//! Not built: the paper's join through a well-known server with a full state transfer (a
//! joiner here starts from the configured initial members and learns the rest by
//! dissemination), and any refinement past the paper (Lifeguard's local health).
//!
//! Memory per member: the list (8 bytes per node id, state and incarnation), the probe order
//! (4 bytes per member) and the updates waiting (bounded by the changes under way): about 12·n
//! bytes at each of n members.
//!
//! [`Layer`]: crate::protocol::Layer

mod config;
mod members;
mod node;
mod piggyback;
mod wire;

pub use config::SwimConfig;
pub use members::{Effect, Members, State, MAX_NODE};
pub use node::Swim;
pub use piggyback::Piggyback;
pub use wire::{Claim, SwimMsg, SwimTimer, Update, HEADER_BYTES, UPDATE_BYTES};

/// Bytes SWIM's state takes at one member of a group of `nodes` node ids beyond its struct, for
/// the memory estimate: 8 per node id in the list and 4 per member in the probe order.
pub fn node_bytes(nodes: u64) -> u64 {
    nodes.saturating_mul(12)
}
