//! Centralized multicast: the sender unicasts each message to every member in a loop.
//!
//! The simplest answer to the multicast problem and the baseline for every other one. Its cost is
//! O(n) at the sender: all n − 1 copies go out through one uplink, so the last member waits
//! (n − 1) transmission times before its copy even leaves. It has no fault tolerance of its own:
//! a lost copy is simply lost.
//!
//! The reliable variant adds positive acknowledgements, as a TCP-per-receiver design would: every
//! receiver ACKs every copy it gets (duplicates included, since the first ACK may have been lost),
//! and the sender keeps, per message, the set of members that have not yet ACKed. When a message's
//! retransmission timer fires, the sender sends it again to exactly those members and re-arms the
//! timer with exponential backoff (timeout × 2^attempt, as TCP's RTO, RFC 6298 §5.5), giving up
//! after `max_retries` rounds. Every ACK comes back to the one sender: n − 1 per message, at least,
//! which is the ACK implosion that motivates NAK-based, hierarchical and gossip protocols.
//!
//! Membership. The sender keeps a member list: the initial members `0..size` from its
//! configuration ([`GroupInfo`]), then what it learns. A joiner (and a node restarting after a
//! crash, its state gone) sends JOIN to its contacts (the senders); a contact adds it and, in
//! reliable mode, answers JOIN-ACK, and the joiner repeats its JOIN with the same backoff until
//! answered or `max_retries` rounds have passed. A node that leaves sends LEAVE to its contacts
//! (once: it stops right after); the sender drops it from the list and stops retransmitting to
//! it. A message is sent to the members the sender knows at that moment: a joiner is not owed
//! what was sent before its JOIN arrived, and the retransmission rounds of a message go only to
//! members that were sent it. With a membership service (scenario `membership`), a node that
//! keeps a member list (it has sent, or been sent a JOIN or LEAVE) also applies the service's
//! notices: joined and recovered nodes are added, left and crashed ones removed, so no round is
//! wasted on a crashed member. Receivers keep no list and ignore notices. A sender restarted
//! after a crash knows the initial members again, and joiners only as they (re)join or as the
//! service reports them.

use crate::bits::InlineBits;
use crate::protocol::{Description, Context, GroupInfo, Input, MemberChange, MsgId, NodeId, PacketKind, Protocol, Wire};
use crate::protocols::blocks::{Backoff, NodeSet, Retry};
use crate::protocols::params::ParamError;
use crate::protocols::{Family, Load, ParamDoc, ParamKind, RunInfo, Structure, HEADER_BYTES};
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Parameters of the centralized protocol.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CentralizedConfig {
    /// Whether receivers ACK and the sender retransmits until every member has ACKed.
    pub reliable: bool,
    /// Time from the first send (or a retransmission round) to the next round (milliseconds).
    /// It should exceed the time the uplink needs for n copies plus a round trip, or the sender
    /// retransmits copies that are merely still queued.
    pub ack_timeout_ms: f64,
    /// Retransmission rounds before the sender gives up on the members still silent.
    pub max_retries: u32,
    /// Size of an ACK (and of a JOIN, JOIN-ACK or LEAVE) on the wire (bytes).
    pub ack_bytes: u32,
    /// Per-packet header added to the payload (bytes).
    pub header_bytes: u32,
}

impl Default for CentralizedConfig {
    fn default() -> Self {
        CentralizedConfig { reliable: false, ack_timeout_ms: 250.0, max_retries: 8, ack_bytes: 40, header_bytes: 40 }
    }
}

/// The centralized protocol's parameters, for the page's editor and docs/protocols/centralized.md.
pub const PARAMS: &[ParamDoc] = &[
    ParamDoc {
        field: "reliable",
        label: "ACKs",
        kind: ParamKind::Bool,
        unit: "",
        source: "positive acknowledgement with retransmission (RFC 6298 for the timer)",
        help: "receivers ACK each message; the sender resends to the silent ones each timeout",
    },
    ParamDoc {
        field: "ack_timeout_ms",
        label: "ACK timeout",
        kind: ParamKind::Float { min: 0.1, max: 600_000.0 },
        unit: "ms",
        source: "RFC 6298 §5.5 (doubled each round)",
        help: "time from a round of sends to the next round; doubles every round",
    },
    ParamDoc {
        field: "max_retries",
        label: "max retries",
        kind: ParamKind::Int { min: 0, max: 30 },
        unit: "",
        source: "this playground",
        help: "rounds of retransmission before the sender gives up on silent members",
    },
    ParamDoc {
        field: "ack_bytes",
        label: "ACK size",
        kind: ParamKind::Int { min: 1, max: 65_535 },
        unit: "bytes",
        source: "this playground (a UDP/IP header and a sequence number)",
        help: "size of an ACK, JOIN, JOIN-ACK or LEAVE on the wire",
    },
    HEADER_BYTES,
];

/// The centralized family, for the registry.
pub struct CentralizedFamily;

impl Family for CentralizedFamily {
    type Protocol = Centralized;
    type Params = CentralizedConfig;
    type Error = ParamError;

    const KIND: &'static str = "centralized";
    const TITLE: &'static str = "Centralized (unicast loop)";
    const SUMMARY: &'static str = "the sender unicasts each message to every member in a loop, optionally with \
        ACKs and retransmission: O(n) at the sender, and ACK implosion";
    const PARAMS: &'static [ParamDoc] = PARAMS;
    const PACKETS: &'static [PacketKind] =
        &[PacketKind::Data, PacketKind::Ack, PacketKind::Retransmit, PacketKind::Join, PacketKind::Leave];
    const STRUCTURE: Structure = Structure::Flat;

    fn label(params: &CentralizedConfig) -> &'static str {
        if params.reliable {
            "centralized with ACKs"
        } else {
            "centralized"
        }
    }

    /// 1, or with ACKs 1 + `max_retries`: every round resends to every silent member.
    fn rounds(params: &CentralizedConfig, _run: &RunInfo) -> (u64, String) {
        match params.reliable {
            true => (1 + u64::from(params.max_retries), "rounds (1 + protocol.max_retries)".into()),
            false => (1, String::new()),
        }
    }

    /// Every receiver gets each message once, and with ACKs again for as many rounds as losses of
    /// the copy or its ACK call for; one ACK per copy that arrives; one retransmission timer per
    /// round; a JOIN (and its answer) to each contact per node life.
    fn load(params: &CentralizedConfig, run: &RunInfo) -> Vec<Load> {
        let (n, m) = (run.receivers() as f64, run.messages as f64);
        let under_way = n * run.concurrent as f64;
        let joins = (run.lives - u64::from(run.size)) as f64 * run.senders.len() as f64 * 2.0;
        let mut loads = vec![Load::packets("faults", "JOINs and their answers, per node life", joins, joins)];
        if !params.reliable {
            loads.push(Load::packets("workload.messages", "copies: messages × receivers", m * n, under_way));
            return loads;
        }
        let fail = 1.0 - (1.0 - run.loss) * (1.0 - run.loss);
        // A copy still waiting in the uplink when the timeout fires is sent again, lost or not.
        let spurious = (run.queue_delay_ms / params.ack_timeout_ms).floor().min(f64::from(params.max_retries));
        let copies = m * n * (RunInfo::attempts(fail, params.max_retries) + spurious);
        let rounds = RunInfo::rounds_until_all(fail, run.receivers(), params.max_retries) as f64 + spurious;
        loads.extend([
            Load::packets("workload.messages", "copies: messages × receivers × expected attempts", copies, under_way),
            Load::packets("workload.messages", "ACKs: one per copy that arrives", copies * (1.0 - run.loss), under_way),
            Load::timers("protocol.max_retries", "retransmission rounds: messages × rounds until all ACK", m * rounds, m),
        ]);
        loads
    }

    fn configure(params: &CentralizedConfig, _group: &GroupInfo) -> CentralizedConfig {
        params.clone()
    }

    /// Without and with ACKs.
    fn contenders() -> Vec<CentralizedConfig> {
        vec![CentralizedConfig::default(), CentralizedConfig { reliable: true, ..CentralizedConfig::default() }]
    }
}

/// Packets of the centralized protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A copy of message `id` carrying `bytes` on the wire; `retransmit` for later rounds.
    Data {
        /// The message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
        /// Whether this is a retransmission.
        retransmit: bool,
    },
    /// A receiver has message `id`.
    Ack {
        /// The message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A node asks a contact to add it to the group (a join, or a rejoin after a restart).
    Join {
        /// Size on the wire.
        bytes: u32,
    },
    /// A contact has added the joiner (reliable mode only).
    JoinAck {
        /// Size on the wire.
        bytes: u32,
    },
    /// A node leaving the group says goodbye.
    Leave {
        /// Size on the wire.
        bytes: u32,
    },
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::Data { retransmit: false, .. } => PacketKind::Data,
            Msg::Data { retransmit: true, .. } => PacketKind::Retransmit,
            Msg::Ack { .. } => PacketKind::Ack,
            Msg::Join { .. } | Msg::JoinAck { .. } => PacketKind::Join,
            Msg::Leave { .. } => PacketKind::Leave,
        }
    }
    fn bytes(&self) -> u32 {
        match self {
            Msg::Data { bytes, .. }
            | Msg::Ack { bytes, .. }
            | Msg::Join { bytes }
            | Msg::JoinAck { bytes }
            | Msg::Leave { bytes } => *bytes,
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match self {
            Msg::Data { id, .. } | Msg::Ack { id, .. } => Some(*id),
            Msg::Join { .. } | Msg::JoinAck { .. } | Msg::Leave { .. } => None,
        }
    }
}

/// Timers of the centralized protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Time to retransmit message `id` to the members that have not ACKed; `round` counts rounds.
    Retransmit {
        /// The message.
        id: MsgId,
        /// Which round fires (1 for the first retransmission).
        round: u32,
    },
    /// Time to repeat the JOIN to the contacts that have not answered (reliable mode), unless
    /// the attempt `gen` was answered or started again since.
    Join {
        /// The attempt's token ([`Retry`]).
        gen: u32,
    },
}

/// A message the sender is still retransmitting.
#[derive(Clone, Debug)]
struct Pending {
    bytes: u32,
    /// The members that have not ACKed.
    silent: NodeSet,
}

/// What only a sender or a joiner keeps: most nodes never need it, so it sits behind one pointer
/// (made on first need) and a receiver's whole state fits in one cache line.
#[derive(Clone, Debug, Default)]
struct Side {
    /// Sender side: unacknowledged messages.
    pending: BTreeMap<MsgId, Pending>,
    /// Sender side: the members this node sends to. Made on first need, from the initial
    /// members: a receiver never keeps one.
    members: Option<NodeSet>,
    /// Joiner side: contacts that have not answered its JOIN yet (reliable mode).
    joining: Vec<NodeId>,
    /// Joiner side: the JOIN's rounds.
    join: Retry,
}

/// One node of the centralized protocol.
///
/// 64 bytes, aligned to a cache line: a receiver handling a copy touches one line (a packet
/// arrival is one miss at 100,000 nodes and more, instead of three for the 136 bytes it took with
/// the sender's fields inline).
#[derive(Clone, Debug)]
#[repr(align(64))]
pub struct Centralized {
    me: NodeId,
    size: u32,
    /// Whether this node is one of the workload's senders ([`GroupInfo::senders`]): it says so
    /// before its first send, when it keeps no member list yet.
    sender: bool,
    config: CentralizedConfig,
    /// Receiver side: which messages this node has delivered (bit per message id).
    delivered: InlineBits,
    /// Sender and joiner state, if this node has needed any.
    side: Option<Box<Side>>,
}

impl Centralized {
    /// How many messages this node still waits for ACKs on (sender side).
    pub fn pending(&self) -> usize {
        self.side.as_ref().map_or(0, |s| s.pending.len())
    }

    /// A receiver: what it waits for, and what it does with it.
    fn describe_receiver(&self, out: &mut Description) {
        out.state("receiver");
        out.fact(
            "waits for",
            if self.config.reliable {
                "DATA from the sender, and answers each copy with an ACK"
            } else {
                "DATA from the sender (no ACKs: a lost copy stays lost)"
            },
        );
    }

    /// The sender and joiner state, made on first need.
    fn side(&mut self) -> &mut Side {
        self.side.get_or_insert_with(Box::default)
    }

    /// The wait of round `round` (1 for the first): `ack_timeout_ms`, doubled each round.
    fn timeout(&self, round: u32) -> SimDuration {
        Backoff { base: SimDuration::from_ms_f64(self.config.ack_timeout_ms), max_doublings: 20 }.wait(round)
    }

    /// Whether this node keeps a member list and `n` is on it (sender side).
    pub fn knows_member(&self, n: NodeId) -> bool {
        self.side.as_ref().and_then(|s| s.members.as_ref()).is_some_and(|m| m.contains(n))
    }

    /// The member list, made from the initial members (this node left out) the first time it is
    /// needed.
    fn members(&mut self) -> &mut NodeSet {
        let (size, me) = (self.size, self.me);
        self.side().members.get_or_insert_with(|| {
            let mut m = NodeSet::first(size);
            m.remove(me);
            m
        })
    }

    fn add_member(&mut self, n: NodeId) {
        if n != self.me {
            self.members().insert(n);
        }
    }

    /// Forgets member `n`: no more messages, and no more retransmission rounds for it.
    fn remove_member(&mut self, n: NodeId) {
        self.members().remove(n);
        self.side().pending.retain(|_, p| {
            p.silent.remove(n);
            !p.silent.is_empty()
        });
    }

    fn on_app_send(&mut self, id: MsgId, payload: u32, cx: &mut Context<'_, Msg, Timer>) {
        let bytes = payload.saturating_add(self.config.header_bytes);
        let reliable = self.config.reliable;
        let members = self.members();
        for to in members.iter() {
            cx.send(to, Msg::Data { id, bytes, retransmit: false });
        }
        if let Some(silent) = (reliable && !members.is_empty()).then(|| members.clone()) {
            self.side().pending.insert(id, Pending { bytes, silent });
            cx.set_timer(self.timeout(1), Timer::Retransmit { id, round: 1 });
        }
    }

    /// Joins (or rejoins) through `contacts`: JOIN to each, repeated in reliable mode until
    /// answered.
    fn join(&mut self, contacts: Vec<NodeId>, cx: &mut Context<'_, Msg, Timer>) {
        let (bytes, reliable, me, timeout) = (self.config.ack_bytes, self.config.reliable, self.me, self.timeout(1));
        let side = self.side();
        side.joining = contacts.into_iter().filter(|&c| c != me).collect();
        for &c in side.joining.iter() {
            cx.send(c, Msg::Join { bytes });
        }
        if !reliable {
            side.joining.clear();
        } else if !side.joining.is_empty() {
            let gen = side.join.start();
            cx.set_timer(timeout, Timer::Join { gen });
        }
    }

    /// The JOIN went unanswered by some contact: ask them again, up to `max_retries` times.
    fn on_join_timer(&mut self, gen: u32, cx: &mut Context<'_, Msg, Timer>) {
        let (bytes, max_retries) = (self.config.ack_bytes, self.config.max_retries);
        let Some(side) = self.side.as_mut() else {
            return;
        };
        let Some((round, gen)) = side.join.fire(gen, max_retries + 1) else {
            return;
        };
        for &c in &side.joining {
            cx.send(c, Msg::Join { bytes });
        }
        cx.set_timer(self.timeout(round), Timer::Join { gen });
    }

    fn on_membership(&mut self, change: MemberChange) {
        if self.side.as_ref().is_none_or(|s| s.members.is_none()) {
            return;
        }
        match change {
            MemberChange::Joined(n) | MemberChange::Recovered(n) | MemberChange::NeighborUp(n) => self.add_member(n),
            MemberChange::Left(n) | MemberChange::Crashed(n) => self.remove_member(n),
            MemberChange::NeighborDown(_) | MemberChange::Unreachable(_) => {}
        }
    }

    fn on_ack(&mut self, from: NodeId, id: MsgId) {
        let Some(side) = self.side.as_mut() else {
            return;
        };
        let Some(p) = side.pending.get_mut(&id) else {
            return;
        };
        if p.silent.remove(from) && p.silent.is_empty() {
            side.pending.remove(&id);
        }
    }

    fn on_retransmit(&mut self, id: MsgId, round: u32, cx: &mut Context<'_, Msg, Timer>) {
        let (max_retries, timeout) = (self.config.max_retries, self.timeout(round + 1));
        let Some(side) = self.side.as_mut() else {
            return;
        };
        let Some(p) = side.pending.get(&id) else {
            return;
        };
        if round > max_retries {
            side.pending.remove(&id);
            return;
        }
        for to in p.silent.iter() {
            cx.send(to, Msg::Data { id, bytes: p.bytes, retransmit: true });
        }
        cx.set_timer(timeout, Timer::Retransmit { id, round: round + 1 });
    }

    fn on_data(&mut self, from: NodeId, id: MsgId, cx: &mut Context<'_, Msg, Timer>) {
        if self.delivered.insert(id.0) {
            cx.deliver(id);
        }
        if self.config.reliable {
            cx.send(from, Msg::Ack { id, bytes: self.config.ack_bytes });
        }
    }
}

impl Protocol for Centralized {
    type Msg = Msg;
    type Timer = Timer;
    type Config = CentralizedConfig;

    fn new(me: NodeId, group: &GroupInfo, config: &CentralizedConfig) -> Self {
        let sender = group.senders.contains(&me);
        Centralized { me, size: group.size, sender, config: config.clone(), delivered: InlineBits::new(), side: None }
    }

    fn handle(&mut self, input: Input<Msg, Timer>, cx: &mut Context<'_, Msg, Timer>) {
        match input {
            Input::Start => {}
            Input::Join { contacts } | Input::Restart { contacts } => self.join(contacts, cx),
            Input::Leave { contacts } => {
                for c in contacts.into_iter().filter(|&c| c != self.me) {
                    cx.send(c, Msg::Leave { bytes: self.config.ack_bytes });
                }
            }
            Input::Membership(change) => self.on_membership(change),
            Input::AppSend { id, bytes } => self.on_app_send(id, bytes, cx),
            Input::Recv { from, msg: Msg::Data { id, .. } } => self.on_data(from, id, cx),
            Input::Recv { from, msg: Msg::Ack { id, .. } } => self.on_ack(from, id),
            Input::Recv { from, msg: Msg::Join { .. } } => {
                self.add_member(from);
                if self.config.reliable {
                    cx.send(from, Msg::JoinAck { bytes: self.config.ack_bytes });
                }
            }
            Input::Recv { from, msg: Msg::JoinAck { .. } } => {
                if let Some(side) = &mut self.side {
                    side.joining.retain(|&c| c != from);
                    if side.joining.is_empty() {
                        side.join.stop();
                    }
                }
            }
            Input::Recv { from, msg: Msg::Leave { .. } } => self.remove_member(from),
            Input::Timer(Timer::Retransmit { id, round }) => self.on_retransmit(id, round, cx),
            Input::Timer(Timer::Join { gen }) => self.on_join_timer(gen, cx),
        }
    }

    fn describe_timer(&self, timer: &Timer) -> String {
        let side = self.side.as_deref();
        match *timer {
            Timer::Retransmit { id, round } => match side.and_then(|s| s.pending.get(&id)) {
                Some(p) if round <= self.config.max_retries => {
                    format!("retransmit m{} (round {round}) to the members that have not ACKed: {}", id.0, node_list(&p.silent))
                }
                Some(_) => format!("give up on m{}: {} rounds without every ACK", id.0, self.config.max_retries),
                None => format!("retransmit m{}, but every member has ACKed: it will do nothing", id.0),
            },
            Timer::Join { gen } => match side.filter(|s| s.join.is_current(gen)) {
                Some(s) => format!("send JOIN again to the contacts that have not answered ({})", s.joining.len()),
                None => "send JOIN again, but the contacts have answered: it will do nothing".to_string(),
            },
        }
    }

    /// The sender's role and the members it waits for ACKs from, message by message; a
    /// joiner's contacts that have not answered. A sender says so from the start, before it
    /// keeps a member list.
    fn describe(&self, out: &mut Description) {
        let Some(side) = &self.side else {
            if self.sender {
                out.state("sender");
            } else {
                self.describe_receiver(out);
            }
            return;
        };
        if !side.joining.is_empty() {
            out.state("joining");
            out.link("contacts not answered", side.joining.iter().copied());
        } else if self.sender || side.members.is_some() {
            out.state(match side.pending.len() {
                0 => "sender".to_string(),
                n => format!("sender, waiting for ACKs on {n} message(s)"),
            });
        } else {
            self.describe_receiver(out);
        }
        for (id, p) in &side.pending {
            let silent: Vec<String> = p.silent.iter().map(|n| n.to_string()).collect();
            out.fact("no ACK yet", format!("m{}: from {}", id.0, silent.join(", ")));
        }
    }
}

/// Nodes as the inspector lists them: "1, 2, 5", the first few and how many more.
fn node_list(nodes: &NodeSet) -> String {
    const SHOWN: usize = 8;
    let shown: Vec<String> = nodes.iter().take(SHOWN).map(|n| n.to_string()).collect();
    match nodes.len().saturating_sub(SHOWN as u32) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

// A receiver's state is one cache line (see `Centralized`).
const _: () = assert!(std::mem::size_of::<Centralized>() == 64);
