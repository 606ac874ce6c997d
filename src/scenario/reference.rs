//! The scenario format's field reference: [`FIELDS`], one row per field, rendered by
//! [`markdown`] into `docs/scenario.md` (`mcast docs`).
//!
//! A row names its field by the dotted path errors use (`network.burst.p_good_to_bad`, with `[]`
//! for any entry of a list: `faults[].at_ms`), says its type in plain words, its default and the
//! range validation enforces, and what it means. Defaults and ranges are data, not prose, so the
//! tests in `reference/tests.rs` check every row against the parser and the validator: each
//! field of a scenario with every part present has a row, leaving a field out equals writing its
//! default, and each end of a range is accepted while one step past it is refused by name. The
//! protocols' own parameters are not repeated here: each family's page lists them.

use super::faults::{
    MAX_CHURN_EVENTS, MAX_CHURN_RATE, MAX_FAULTS, MAX_HYPARVIEW_ACTIVE, MAX_HYPARVIEW_PASSIVE, MAX_SWIM_COUNT,
};
const _: () = assert!(MAX_FAULTS == 100_000);
use super::limits::{Limits, MAX_BYTES, MAX_MESSAGES, MAX_MS, MAX_RATE, MAX_SEED, MIN_DURATION_MS};
use super::network::{DEFAULT_QUEUE_SECS, MAX_DEFAULT_QUEUE_BYTES, MIN_DEFAULT_QUEUE_BYTES, UNLIMITED_QUEUE_BYTES};
use super::version::{OLDEST_VERSION, SCENARIO_VERSION};
use super::workload::MAX_STREAM_RATE;
use super::{MAX_PARTITIONS, MAX_REGIONS};
use crate::protocols::FAMILIES;
use crate::text::{count, table_cell};
use DefaultValue::{Absent, Json, Parts, Required, RequiredUnless};

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests;

/// One field of the scenario format.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldDoc {
    /// Its dotted path, as errors name it; `[]` stands for any entry of a list.
    pub path: &'static str,
    /// Its type, in plain words.
    pub ty: &'static str,
    /// What holds when it is left out.
    pub default: DefaultValue,
    /// The values validation accepts.
    pub range: Range,
    /// Conditions beyond [`FieldDoc::range`] that involve other fields, in words (may be empty).
    pub note: &'static str,
    /// One sentence: what it means.
    pub meaning: &'static str,
}

/// What holds when a field is left out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DefaultValue {
    /// Nothing: the field must be given.
    Required,
    /// The field must be given unless the named sibling is (one of two ways to say a thing).
    RequiredUnless(&'static str),
    /// This value, as JSON: leaving the field out is the same as writing it.
    Json(&'static str),
    /// An object whose every field takes its own default: leaving it out is writing `{}`.
    Parts,
    /// Nothing is set (the field stays absent from the saved scenario); the text says what
    /// holds instead.
    Absent(&'static str),
}

/// One end of a numeric range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// This value, included.
    Incl(f64),
    /// This value, excluded.
    Excl(f64),
    /// Strictly beyond the value of the named sibling field (below it for a maximum, above it
    /// for a minimum).
    Field(&'static str),
}

/// The values a field accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Range {
    /// Any value of its type.
    Any,
    /// A whole number in `[min, max]`.
    Int {
        /// Smallest accepted value.
        min: u64,
        /// Largest accepted value.
        max: u64,
    },
    /// A number between two ends.
    Float {
        /// The lower end.
        min: Bound,
        /// The upper end.
        max: Bound,
    },
    /// A list (or a list of lists) whose every number lies in `[min, max]`.
    Each {
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
        /// Whether the numbers are whole.
        whole: bool,
    },
    /// The id of a node of the initial group: 0 to `group.size` − 1.
    Node,
    /// A list of at least one node id, each of the initial group.
    Nodes,
    /// A list of at most `max` entries.
    Count {
        /// The longest list accepted.
        max: usize,
    },
    /// One of a few names.
    Choice(&'static [&'static str]),
    /// The tag of a list entry: one of these names, each with its own fields.
    Tag(&'static [&'static str]),
    /// The `kind` of a registered protocol family ([`FAMILIES`]).
    Kinds,
    /// A group size: 2 to [`Limits::NATIVE`]'s largest, less in the browser ([`Limits::BROWSER`]).
    GroupSize,
}

/// A number of milliseconds, 0 to [`MAX_MS`].
const MS: Range = Range::Float { min: Bound::Incl(0.0), max: Bound::Incl(MAX_MS) };
/// A probability.
const PROBABILITY: Range = Range::Float { min: Bound::Incl(0.0), max: Bound::Incl(1.0) };
/// A byte rate or queue size, 0 meaning unlimited.
const RATE: Range = Range::Int { min: 0, max: MAX_RATE };
/// More than 0 milliseconds, up to [`MAX_MS`].
const POSITIVE_MS: Range = Range::Float { min: Bound::Excl(0.0), max: Bound::Incl(MAX_MS) };

/// A row with no note.
const fn row(
    path: &'static str,
    ty: &'static str,
    default: DefaultValue,
    range: Range,
    meaning: &'static str,
) -> FieldDoc {
    FieldDoc { path, ty, default, range, note: "", meaning }
}

/// A row whose range has a condition on other fields.
const fn noted(
    path: &'static str,
    ty: &'static str,
    default: DefaultValue,
    range: Range,
    note: &'static str,
    meaning: &'static str,
) -> FieldDoc {
    FieldDoc { path, ty, default, range, note, meaning }
}

/// Every field of the scenario format, top-level fields first, then each section in the order
/// of the format (its own row first).
#[rustfmt::skip]
pub const FIELDS: &[FieldDoc] = &[
    row("version", "whole number", Required, Range::Int { min: OLDEST_VERSION as u64, max: SCENARIO_VERSION as u64 },
        "The format version, which names the engine semantics the scenario was written for; this build \
         writes 2 and reads 1 with version 1's defaults written in, so it runs as it did \
         ([versions](#versions)). Another version is refused by name."),
    row("name", "text", Json("\"\""), Range::Any, "A title for people; no effect on the run."),
    row("seed", "whole number", Required, Range::Int { min: 0, max: MAX_SEED },
        "The master seed every random stream derives from (below 2^53, so JavaScript keeps it exact)."),
    noted("duration_ms", "number (ms)", Json("60000"),
        Range::Float { min: Bound::Incl(MIN_DURATION_MS), max: Bound::Incl(MAX_MS) }, "above `workload.start_ms`",
        "The run stops at this simulated time even if events remain."),
    // group
    row("group", "object", Required, Range::Any, "Who is in the group and where they sit."),
    noted("group.size", "whole number", Required, Range::GroupSize,
        "with every joiner of `faults` (explicit and churn), within the same limit",
        "How many nodes, the sender included."),
    row("group.sender", "node id", Json("0"), Range::Node, "The node that multicasts the workload."),
    row("group.layout", "name", Json("\"disk\""), Range::Choice(&["disk", "ring", "grid", "random"]),
        "How nodes are placed in the unit square when `positions` is absent (distance sets latency): \
         `disk` a sunflower spiral filling a disk, `ring` evenly on a circle, both with the sender at the \
         centre; `grid` row by row; `random` uniformly from the seed."),
    noted("group.positions", "list of `[x, y]`", Absent("none: placed by `layout`"),
        Range::Each { min: 0.0, max: 1.0, whole: false }, "one pair per node",
        "Explicit positions in the unit square, one `[x, y]` per node; overrides `layout` (joiners are \
         still placed by `layout`)."),
    // network
    row("network", "object", Parts, Range::Any,
        "Latency, loss and bandwidth: the [network model](network.md)."),
    row("network.latency_ms", "number (ms)", Json("5"), MS,
        "One-way latency between two nodes at the same spot."),
    row("network.distance_ms", "number (ms)", Json("40"), MS,
        "Extra one-way latency per unit of distance in the unit square."),
    row("network.jitter_ms", "number (ms)", Json("2"), MS,
        "Uniform random extra delay in `[0, jitter_ms]` per packet."),
    noted("network.loss", "probability", Json("0"), PROBABILITY, "0 when `burst` is set",
        "Probability that a packet is lost, independently per packet."),
    row("network.uplink_bytes_per_sec", "whole number (bytes/s)", Json("2500000"), RATE,
        "Each node's uplink rate: its packets leave one after another (0 = unlimited)."),
    row("network.downlink_bytes_per_sec", "whole number (bytes/s)", Json("0"), RATE,
        "Each node's downlink rate: arriving packets queue in arrival order and are handed to the node \
         once received in full (0 = unlimited)."),
    row("network.uplink_queue_bytes", "whole number (bytes)", Absent(UPLINK_QUEUE_DEFAULT), RATE,
        "Bytes an uplink may hold not yet transmitted; a packet that would exceed it is dropped \
         (drop-tail; [more](network.md#queues)). 0 = unlimited: 2^50 bytes, more than any run queues."),
    row("network.downlink_queue_bytes", "whole number (bytes)", Absent(DOWNLINK_QUEUE_DEFAULT), RATE,
        "Bytes a downlink may hold not yet received; a packet that would exceed it is dropped \
         (drop-tail). 0 = unlimited: 2^50 bytes."),
    row("network.native_multicast", "true or false", Json("false"), Range::Any,
        "Whether the network replicates multicast packets as IP multicast does: one departure from the \
         sender's uplink, then each copy meets its own loss, latency and partitions \
         ([more](network.md#native-multicast))."),
    row("network.transport_timeout_ms", "number (ms)", Json("500"), MS,
        "How long after a packet is sent to a node that is not up the transport tells its sender the peer \
         is unreachable, as TCP notices a dead peer; only protocols that ask hear of it (HyParView, \
         docs/protocols/hyparview.md; GossipSub, docs/protocols/gossipsub.md). 500 ms lies between Linux's minimum TCP retransmission timeout \
         (200 ms) and RFC 6298's initial one (1 s)."),
    row("network.mode", "`\"async\"` or `{\"rounds\": {\"round_ms\": R}}`", Json("\"async\""), Range::Any,
        "Event-driven, or round-synchronous: every packet sent during a round arrives at the start of the \
         next, with no latency, jitter or bandwidth ([more](network.md#rounds))."),
    row("network.mode.rounds.round_ms", "number (ms)", Required,
        Range::Float { min: Bound::Incl(0.001), max: Bound::Incl(MAX_MS) }, "The length of a round."),
    row("network.regions", "object", Absent("none"), Range::Any,
        "Regions: latency is `lan_ms` inside a region and `wan_ms` between regions, replacing \
         `latency_ms` and `distance_ms`."),
    row("network.regions.count", "whole number", RequiredUnless("of"),
        Range::Int { min: 1, max: MAX_REGIONS as u64 },
        "Split the unit square into this many equal sectors around its centre, by the angle from the +x \
         axis towards +y (a node at the centre is in sector 0)."),
    noted("network.regions.of", "list of whole numbers", RequiredUnless("count"),
        Range::Each { min: 0.0, max: (MAX_REGIONS - 1) as f64, whole: true },
        "one per initial member; no joins or churn with it",
        "Instead of `count`, each node's region, one number per node; there are then as many regions as \
         the largest number + 1."),
    row("network.regions.lan_ms", "number (ms)", Json("1"), MS,
        "One-way latency between two nodes of the same region."),
    noted("network.regions.wan_ms", "number (ms), or a k × k matrix of them", Json("50"), MS,
        "a matrix has one row and one column per region",
        "One-way latency between two nodes of different regions; a matrix's entry `[i][j]` is from region \
         i to region j (its diagonal is not read)."),
    row("network.burst", "object", Absent("none"), Range::Any,
        "Bursty loss (Gilbert–Elliott) in place of `loss`: each receiver has a good/bad chain, stepped once \
         per packet that reaches it ([more](network.md#bursty-loss))."),
    row("network.burst.p_good_to_bad", "probability", Required, PROBABILITY,
        "Probability of moving from the good to the bad state at a packet."),
    row("network.burst.p_bad_to_good", "probability", Required, PROBABILITY,
        "Probability of moving from the bad to the good state at a packet."),
    row("network.burst.loss_good", "probability", Json("0"), PROBABILITY, "Loss probability in the good state."),
    row("network.burst.loss_bad", "probability", Json("1"), PROBABILITY, "Loss probability in the bad state."),
    noted("network.nodes", "list of objects", Json("[]"), Range::Any, "one entry per node",
        "Per-node overrides of rates, queues and loss; each field left out takes the global value."),
    row("network.nodes[].node", "node id", Required, Range::Node, "The node."),
    row("network.nodes[].uplink_bytes_per_sec", "whole number (bytes/s)",
        Absent("`network.uplink_bytes_per_sec`"), RATE, "Its uplink rate (0 = unlimited)."),
    row("network.nodes[].downlink_bytes_per_sec", "whole number (bytes/s)",
        Absent("`network.downlink_bytes_per_sec`"), RATE, "Its downlink rate (0 = unlimited)."),
    row("network.nodes[].uplink_queue_bytes", "whole number (bytes)", Absent(NODE_QUEUE_DEFAULT),
        RATE, "Its uplink queue capacity (0 = unlimited)."),
    row("network.nodes[].downlink_queue_bytes", "whole number (bytes)", Absent(NODE_QUEUE_DEFAULT), RATE,
        "Its downlink queue capacity (0 = unlimited)."),
    row("network.nodes[].send_loss", "probability", Absent("the global loss"), PROBABILITY,
        "Loss probability of every packet this node sends, replacing `loss` and `burst` for them."),
    row("network.nodes[].recv_loss", "probability", Absent("the global loss"), PROBABILITY,
        "Loss probability of every packet sent to this node, likewise; a packet from a node with \
         `send_loss` to one with `recv_loss` survives with probability (1 − send)(1 − recv)."),
    noted("network.links", "list of objects", Json("[]"), Range::Any, "one entry per `(from, to)`",
        "Per-directed-link loss, overriding every other loss setting for that link."),
    row("network.links[].from", "node id", Required, Range::Node, "The sender."),
    row("network.links[].to", "node id", Required, Range::Node, "The receiver."),
    row("network.links[].loss", "probability", Required, PROBABILITY,
        "Loss probability of packets from `from` to `to`."),
    row("network.partitions", "list of objects", Json("[]"), Range::Count { max: MAX_PARTITIONS },
        "Partitions: a packet leaving its sender's uplink during `[from_ms, to_ms)` from a node of `a` to \
         a node of `b` (and back, unless `one_way`) is dropped."),
    row("network.partitions[].from_ms", "number (ms)", Required,
        Range::Float { min: Bound::Incl(0.0), max: Bound::Field("to_ms") }, "When the partition starts."),
    row("network.partitions[].to_ms", "number (ms)", Required,
        Range::Float { min: Bound::Field("from_ms"), max: Bound::Incl(MAX_MS) },
        "When it heals; packets leaving at this time pass."),
    row("network.partitions[].a", "list of node ids", Required, Range::Nodes, "One side."),
    noted("network.partitions[].b", "list of node ids", Absent("every node not in `a`"), Range::Nodes,
        "none of them in `a`", "The other side."),
    row("network.partitions[].one_way", "true or false", Json("false"), Range::Any,
        "Block only packets from `a` to `b`; those from `b` to `a` pass."),
    // protocol
    row("protocol", "object", Required, Range::Any,
        "The protocol: its `kind` and that family's parameters, each family's listed on its page."),
    row("protocol.kind", "name", Required, Range::Kinds,
        "The protocol family; the other fields of `protocol` are its parameters, all optional."),
    // workload
    row("workload", "object", Parts, Range::Any, "What the senders send, and when ([more](#workloads))."),
    noted("workload.messages", "whole number", Json("1"), Range::Int { min: 1, max: MAX_MESSAGES as u64 },
        "all senders together at most 100,000, and the run's estimate within its budget \
         ([budgets](budgets.md))",
        "How many messages each sender sends."),
    row("workload.size_bytes", "whole number (bytes)", Json("1000"), Range::Int { min: 1, max: MAX_BYTES as u64 },
        "Payload bytes per message."),
    row("workload.interval_ms", "number (ms)", Json("100"), MS, "Time between two messages of a sender."),
    noted("workload.start_ms", "number (ms)", Json("0"),
        Range::Float { min: Bound::Incl(0.0), max: Bound::Excl(MAX_MS) }, "below `duration_ms`",
        "When the first message (or stream packet) is sent."),
    noted("workload.senders", "list of node ids", Absent("`group.sender` alone"), Range::Nodes,
        "distinct; `rmtp` takes one",
        "The nodes that send, each the whole workload; message j of every sender goes out at the same \
         time."),
    noted("workload.stream", "object", Absent("none"), Range::Any,
        "`messages`, `size_bytes` and `interval_ms` left at their defaults",
        "A live stream instead of the messages: packets at a fixed rate that must arrive within a playout \
         delay."),
    noted("workload.stream.rate_per_sec", "number", Json("50"),
        Range::Float { min: Bound::Excl(0.0), max: Bound::Incl(MAX_STREAM_RATE) },
        "rate × duration × senders at most 100,000 packets", "Packets per second."),
    row("workload.stream.packet_bytes", "whole number (bytes)", Json("1000"),
        Range::Int { min: 1, max: MAX_BYTES as u64 }, "Payload bytes per packet."),
    row("workload.stream.duration_ms", "number (ms)", Json("10000"), POSITIVE_MS,
        "How long the stream lasts; it sends `rate × duration` packets, rounded up."),
    row("workload.stream.playout_delay_ms", "number (ms)", Json("500"), MS,
        "A packet delivered more than this after its send is late."),
    // faults
    noted("faults", "list of objects", Json("[]"), Range::Any,
        "at most 100,000 entries, in time order, each node's entries fitting its state ([below](#faults)); \
         the churn entries together expect at most 1,000,000 joins and leaves",
        "Crashes, recoveries, pauses, joins, leaves and churn, each entry tagged by `kind`."),
    row("faults[].kind", "name", Required,
        Range::Tag(&["crash", "recover", "pause", "resume", "join", "leave", "churn"]),
        "What happens: a node crashes, recovers, pauses, resumes, joins or leaves at `at_ms`, or `churn` \
         draws joins and leaves over a window."),
    row("faults[].at_ms", "number (ms)", Required, MS, "When, for every kind but `churn`."),
    noted("faults[].node", "node id", Required, Range::Node,
        "or an explicit joiner: the k-th `join` entry is node `group.size` + k",
        "Which node, for `crash`, `recover`, `pause`, `resume` and `leave`."),
    noted("faults[].join_per_sec", "number", Json("0"),
        Range::Float { min: Bound::Incl(0.0), max: Bound::Incl(MAX_CHURN_RATE) }, CHURN_NOTE,
        "For `churn`: joins per second (new nodes)."),
    noted("faults[].leave_per_sec", "number", Json("0"),
        Range::Float { min: Bound::Incl(0.0), max: Bound::Incl(MAX_CHURN_RATE) }, CHURN_NOTE,
        "For `churn`: leaves per second (current members that no entry names and that do not send, \
         picked at random)."),
    row("faults[].from_ms", "number (ms)", Json("0"),
        Range::Float { min: Bound::Incl(0.0), max: Bound::Field("to_ms") }, "For `churn`: start of the window."),
    row("faults[].to_ms", "number (ms)", Required,
        Range::Float { min: Bound::Field("from_ms"), max: Bound::Incl(MAX_MS) }, "For `churn`: end of the window."),
    // membership
    row("membership", "object", Parts, Range::Any,
        "The membership service nodes may rely on; none unless named ([more](#membership))."),
    row("membership.service", "name", Json("\"none\""), Range::Choice(&["none", "oracle", "swim", "hyparview"]),
        "`none`: a node learns of others only from packets and its own failure detection; `oracle`: every \
         live member hears of each join, leave, crash and recovery of another; `swim`: the members run SWIM \
         (docs/protocols/swim.md) under the protocol and hear of what it detects; `hyparview`: the members \
         run HyParView (docs/protocols/hyparview.md) and the protocol gossips over its active view."),
    row("membership.delay_ms", "number (ms)", Json("0"), MS, "`oracle`: how long after a change members hear of it."),
    row("membership.period_ms", "number (ms)", Json("1000"), Range::Float { min: Bound::Incl(1.0), max: Bound::Incl(MAX_MS) },
        "`swim`: the protocol period T': one probe per member per period."),
    noted("membership.ping_timeout_ms", "number (ms)", Json("200"), MS, "at or past `period_ms`, no ping-req goes out",
        "`swim`: how long a direct ping waits for its ack before ping-reqs go out."),
    row("membership.k", "whole number", Json("3"), Range::Int { min: 0, max: MAX_SWIM_COUNT as u64 },
        "`swim`: members asked to ping an unanswering target for the prober (ping-req)."),
    row("membership.suspicion", "true or false", Json("true"), Range::Any,
        "`swim`: whether a failed probe only suspects its target, which may refute it; `false`: confirmed at once."),
    row("membership.suspicion_periods", "whole number", Json("10"), Range::Int { min: 1, max: MAX_SWIM_COUNT as u64 },
        "`swim`: the suspicion time-out, in protocol periods."),
    row("membership.lambda", "number", Json("3"), Range::Float { min: Bound::Incl(0.0), max: Bound::Incl(100.0) },
        "`swim`: each update is piggybacked ⌈λ·ln n⌉ times."),
    row("membership.max_piggyback", "whole number", Json("8"), Range::Int { min: 0, max: MAX_SWIM_COUNT as u64 },
        "`swim`: the most updates one packet carries."),
    row("membership.active_view", "whole number", Json("5"), Range::Int { min: 1, max: MAX_HYPARVIEW_ACTIVE as u64 },
        "`hyparview`: the active view's capacity, the peers a node keeps links to (the fanout plus one)."),
    row("membership.passive_view", "whole number", Json("30"), Range::Int { min: 0, max: MAX_HYPARVIEW_PASSIVE as u64 },
        "`hyparview`: the passive view's capacity, the peers a node knows of to replace failed ones."),
    row("membership.arwl", "whole number", Json("6"), Range::Int { min: 0, max: MAX_HYPARVIEW_ACTIVE as u64 },
        "`hyparview`: the active random walk length: hops a FORWARD_JOIN (and a SHUFFLE) walks."),
    row("membership.prwl", "whole number", Json("3"), Range::Int { min: 0, max: MAX_HYPARVIEW_ACTIVE as u64 },
        "`hyparview`: the passive random walk length: the hop whose node puts the joiner in its passive view \
         (above `membership.arwl`: none does)."),
    row("membership.ka", "whole number", Json("3"), Range::Int { min: 0, max: MAX_HYPARVIEW_ACTIVE as u64 },
        "`hyparview`: active-view entries a SHUFFLE carries."),
    row("membership.kp", "whole number", Json("4"), Range::Int { min: 0, max: MAX_HYPARVIEW_PASSIVE as u64 },
        "`hyparview`: passive-view entries a SHUFFLE carries."),
    row("membership.shuffle_period_ms", "number (ms)", Json("10000"),
        Range::Float { min: Bound::Incl(1.0), max: Bound::Incl(MAX_MS) },
        "`hyparview`: how often a node shuffles its views with a random walk's end (and refills a short \
         active view)."),
    // attackers
    row("attackers", "object", Parts, Range::Any,
        "Members that withhold every payload they should forward, from a time on; none unless named \
         ([more](#attackers))."),
    row("attackers.fraction", "number", Json("0"), Range::Float { min: Bound::Incl(0.0), max: Bound::Excl(1.0) },
        "The fraction of the group that attacks: round(fraction × `group.size`) initial members, never a \
         workload sender, drawn from the seed."),
    row("attackers.from_ms", "number (ms)", Json("0"), MS,
        "When the attackers stop forwarding: before it they behave (a covert flash attack when above 0)."),
];

/// What an uplink queue left out holds.
const UPLINK_QUEUE_DEFAULT: &str = "2 s of the uplink's rate, from 8 KiB to 64 MiB: 5,000,000 at the default rate";
/// What a downlink queue left out holds.
const DOWNLINK_QUEUE_DEFAULT: &str = "2 s of the downlink's rate, from 8 KiB to 64 MiB";
/// What a node's queue left out holds.
const NODE_QUEUE_DEFAULT: &str = "the global value; if that is left out too, 2 s of this node's own rate, from 8 KiB \
                                  to 64 MiB";
// The defaults state these numbers in words.
const _: () =
    assert!(DEFAULT_QUEUE_SECS == 2 && MIN_DEFAULT_QUEUE_BYTES == 8192 && MAX_DEFAULT_QUEUE_BYTES == 67_108_864);
const _: () = assert!(UNLIMITED_QUEUE_BYTES == 1 << 50);

/// The churn rates' shared condition.
const CHURN_NOTE: &str = "at most 1,000,000 expected over the window";
// The notes state these caps in words.
const _: () = assert!(MAX_CHURN_EVENTS == 1_000_000.0 && MAX_MESSAGES == 100_000);

/// The reference as a Markdown table, one bold row opening each section.
pub fn markdown() -> String {
    let mut out = String::from("| field | type | default | range | meaning |\n|---|---|---|---|---|\n");
    for f in FIELDS {
        let section = !f.path.contains(['.', '[']) && (f.ty == "object" || f.ty == "list of objects");
        let path = if section { format!("**`{}`**", f.path) } else { format!("`{}`", f.path) };
        let mut range = f.range.text();
        if !f.note.is_empty() {
            range = if range.is_empty() { f.note.to_string() } else { format!("{range}; {}", f.note) };
        }
        out.push_str(&format!(
            "| {path} | {} | {} | {} | {} |\n",
            table_cell(f.ty),
            table_cell(&f.default.text()),
            table_cell(&range),
            table_cell(f.meaning)
        ));
    }
    out
}

impl DefaultValue {
    /// The default as the table shows it.
    pub fn text(&self) -> String {
        match self {
            Required => "*required*".into(),
            RequiredUnless(other) => format!("*required* unless `{other}`"),
            Json(v) => format!("`{v}`"),
            Parts => "each field's default".into(),
            Absent(what) => what.to_string(),
        }
    }
}

impl Range {
    /// The range as the table shows it (empty for [`Range::Any`]).
    pub fn text(&self) -> String {
        let end = |b: &Bound| match b {
            Bound::Incl(v) | Bound::Excl(v) => number(*v),
            Bound::Field(f) => format!("`{f}`"),
        };
        match self {
            Range::Any => String::new(),
            Range::Int { min, max } if min == max => format!("`{min}`"),
            Range::Int { min, max } => format!("{} to {}", number(*min as f64), number(*max as f64)),
            Range::Float { min, max } => {
                let low = match min {
                    Bound::Incl(_) => end(min),
                    Bound::Excl(_) | Bound::Field(_) => format!("above {}", end(min)),
                };
                match (min, max) {
                    (Bound::Incl(_), Bound::Incl(_)) => format!("{low} to {}", end(max)),
                    (_, Bound::Field(_)) => format!("{low} or more, below {}", end(max)),
                    _ => format!("{low}, up to {}", end(max)),
                }
            }
            Range::Each { min, max, .. } => format!("each {} to {}", number(*min), number(*max)),
            Range::Node => "0 to `group.size` − 1".into(),
            Range::Nodes => "at least one, each 0 to `group.size` − 1".into(),
            Range::Count { max } => format!("at most {} entries", number(*max as f64)),
            Range::Choice(names) | Range::Tag(names) => {
                names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            }
            Range::Kinds => FAMILIES
                .iter()
                .map(|f| format!("[`{}`](protocols/{}.md)", f.kind(), f.kind()))
                .collect::<Vec<_>>()
                .join(", "),
            Range::GroupSize => format!(
                "2 to {} ({} in the browser)",
                number(f64::from(Limits::NATIVE.max_group)),
                number(f64::from(Limits::BROWSER.max_group))
            ),
        }
    }
}

/// A number as the table writes it: `3,600,000`, `2^50`, `2^53 − 1`, `0.001`.
fn number(v: f64) -> String {
    const TWO_53: f64 = 9_007_199_254_740_992.0;
    if v == TWO_53 - 1.0 {
        return "2^53 − 1".into();
    }
    if v.fract() != 0.0 || v.abs() >= TWO_53 {
        return v.to_string();
    }
    count(v as u64)
}
