//! What a run measured: packets by kind, loss, deliveries and their latency, and the trace hash.
//!
//! The kernel updates [`Metrics`] on every event; [`Metrics::report`] turns it into the
//! [`Report`] the CLI prints as JSON, and [`Counters`] is the cheap subset the page polls.
//!
//! Deliveries are counted honestly under churn: a message is owed to the receivers that were
//! members when it was sent (initial members, and joiners whose join came strictly before the
//! send) and are live members at the end (not crashed, not left; a paused node counts). A
//! recovered node is still a member: the messages sent while it was down are owed to it.
//!
//! Overhead follows the gossip literature: *duplicates received* are payload packets that reach a
//! live node already holding their message, and the *relative message redundancy* is Leitão,
//! Pereira and Rodrigues' RMR (Epidemic Broadcast Trees, SRDS 2007): for one message,
//! m / (n − 1) − 1 with m the payload packets about it that reached a live node and n the nodes
//! that got it (its origin plus every receiver that delivered it, including receivers that crashed
//! afterwards); 0 means one payload packet per receiver.
//!
//! The rooms: `metrics/recorder.rs` the running totals the kernel feeds ([`Metrics`]);
//! `metrics/report.rs` the report's schema and how it is computed, what is owed included;
//! `metrics/broadcast.rs` the Plumtree paper's reliability and last delivery hop;
//! `metrics/load.rs` per-node load (implosion, link stress, hops); `metrics/series.rs` time
//! series; `metrics/stream.rs` a live stream's late and missing packets.

mod attack;
mod broadcast;
mod epidemic;
mod load;
mod membership;
mod recorder;
mod report;
mod series;
mod stream;

pub use attack::AttackReport;
pub use broadcast::BroadcastMeasures;
pub use epidemic::{Epidemic, DELIVERY_BINS};
pub use load::{Hops, Implosion, LinkStress, NodePackets, SentPerNode, HOP_SLOTS, IMPLOSION_BUCKET_US};
pub use membership::{Beliefs, CrashDetection, MembershipReport, Truth, LISTED_CRASHES};
pub use recorder::Metrics;
pub use report::{Counters, LatencyMs, MessageCompletion, Report, Traffic, PER_MESSAGE_CAP};
pub use series::{Chart, Series, MAX_BUCKETS};
pub use stream::{Spread, StreamReport, Viewer};
