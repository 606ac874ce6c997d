//! Bimodal multicast (pbcast): an unreliable first phase, then rounds of gossip in which members
//! exchange digests and retransmit what others lack.
//!
//! Birman, Hayden, Ozkasap, Xiao, Budiu and Minsky, "Bimodal Multicast", ACM TOCS 17(2), 1999.
//! Its reliability is probabilistic and *bimodal*: a message reaches almost every member or
//! almost none, rarely anything in between, and the probabilities of both are computable (§4).
//!
//! 1. **First phase** (§3): the sender spreads each message unreliably, by one multicast to every
//!    member it knows (`first_phase: "multicast"`: IP multicast when the network replicates it,
//!    else the unicast loop the kernel makes of it), or down a best-effort spanning tree rooted at
//!    the sender (`"tree"`: here the k-ary heap over the initial members, see
//!    [`crate::protocols::tree::heap_children`], where the paper draws a random tree; nothing is
//!    repaired in the tree), or not at all (`"none"`, pure gossip, for comparison).
//! 2. **Anti-entropy rounds** (§3): every `round_ms`, each member that holds a message not yet
//!    garbage collected sends a digest of the messages it holds to `fanout` members drawn
//!    uniformly from those it knows. A member receiving a digest *solicits* (a NAK) the messages
//!    of it that it never had, from the digest's sender; the gossiper retransmits them (REPAIR)
//!    subject to the paper's limits: at most `max_retransmissions_per_round` a round, the most
//!    recently received first (round retransmission limit, most-recent-first retransmission),
//!    and only for solicitations that arrive within `solicit_window_rounds` of the digest's round
//!    (soft-failure detection: a late solicitation's sender is assumed slow or failed, and
//!    ignored).
//! 3. **Garbage collection** (§3): a member keeps a message `gc_rounds` of its rounds after it got
//!    it, naming it in those rounds' digests and serving it; then drops it. A member still holding
//!    some message is *infective* ([`Protocol::is_infective`]); one holding none stops its round
//!    timer until a message arrives, where the paper's processes gossip every round regardless (a
//!    digest of nothing solicits nothing, so no delivery changes; only the empty digests are
//!    saved).
//!
//! Delivery is on first receipt, from the first phase or a retransmission, in no particular
//! order: the paper's FIFO layer above pbcast (§3) is left out, and a message that arrives after
//! a later one from the same sender is delivered at once. A message is never delivered twice,
//! even after it was garbage collected (each node remembers a bit per message id).
//!
//! Membership ([`Members`], shared with the other epidemic families): the initial members from [`GroupInfo`], joiners learned of from
//! their packets (a joiner announces itself with JOIN to its contacts; anyone it gossips to learns
//! of it), departures from LEAVE (to the contacts) or the membership service's notices.

mod buffer;
mod config;
mod family;
mod gossip;
mod model;
mod wire;

pub use buffer::{Held, History};
pub use config::{FirstPhase, PbcastConfig, PARAMS};
pub use family::PbcastFamily;
pub use model::informed_curve;
pub use wire::{list_bytes, Msg, Timer, ENTRY_BYTES, ROUND_BYTES};

use crate::protocol::{msg_list, Context, Description, GroupInfo, Input, MemberChange, MsgId, NodeId, Protocol};
use crate::protocols::blocks::Members;
use crate::protocols::tree::heap_children;

/// One member of bimodal multicast.
#[derive(Clone, Debug)]
pub struct Pbcast {
    me: NodeId,
    /// The initial members are `0..size` (the first phase's tree spans them).
    size: u32,
    config: PbcastConfig,
    /// The members this node knows.
    members: Members,
    /// What it delivered, and the messages it still gossips about.
    history: History,
    /// Its round number (rounds are numbered independently at each node).
    round: u32,
    /// Whether its round timer is armed.
    ticking: bool,
    /// Retransmissions sent in the current round.
    served: u32,
}

impl Pbcast {
    /// This node's round number.
    pub fn round(&self) -> u32 {
        self.round
    }

    /// Its message history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The members it knows.
    pub fn members(&self) -> &Members {
        &self.members
    }

    /// Retransmissions it has sent in the current round.
    pub fn served_this_round(&self) -> u32 {
        self.served
    }

    /// The size of a packet with no payload.
    /// What round `round + 1` does: forget what is older than `gc_rounds`, then send a digest of
    /// the rest to `fanout` members.
    fn round_words(&self) -> String {
        let next = self.round.wrapping_add(1);
        let gc = self.config.gc_rounds;
        let (kept, dropped): (Vec<MsgId>, Vec<MsgId>) = self
            .history
            .digest()
            .into_iter()
            .partition(|&id| self.history.held(id).is_some_and(|h| next.saturating_sub(h.got) <= gc));
        let forget = if dropped.is_empty() {
            String::new()
        } else {
            format!("forget {} (held {gc} rounds), then ", msg_list(&dropped))
        };
        if kept.is_empty() {
            return format!("gossip round {next}: {forget}nothing is left to gossip about, so it stops");
        }
        format!(
            "gossip round {next}: {forget}send a digest of {} to {} random member(s) of {}",
            msg_list(&kept),
            self.config.fanout,
            self.members.len()
        )
    }

    fn control_bytes(&self) -> u32 {
        self.config.header_bytes
    }

    /// The application sends message `id`: hold it, then the first phase.
    fn on_app_send(&mut self, id: MsgId, payload: u32, cx: &mut Context<'_, Msg, Timer>) {
        let bytes = payload.saturating_add(self.config.header_bytes);
        let me = self.me;
        if !self.history.take(id, Held { origin: me, bytes, got: self.round }) {
            return;
        }
        self.start_ticking(cx);
        let data = Msg::Data { id, origin: me, bytes };
        match self.config.first_phase {
            FirstPhase::Multicast => cx.multicast(self.members.others(me), data),
            FirstPhase::Tree => self.forward(me, data, cx),
            FirstPhase::None => {}
        }
    }

    /// Sends the first phase's copy on to this node's children in the tree rooted at `origin`.
    fn forward(&self, origin: NodeId, data: Msg, cx: &mut Context<'_, Msg, Timer>) {
        for child in heap_children(self.me, origin, self.size, self.config.tree_arity) {
            cx.send(child, data.clone());
        }
    }

    /// A copy of message `id` arrived (first phase or retransmission): deliver it the first time,
    /// hold it for gossip, and in a tree first phase pass it on.
    fn on_copy(&mut self, id: MsgId, origin: NodeId, bytes: u32, first_phase: bool, cx: &mut Context<'_, Msg, Timer>) {
        if !self.history.take(id, Held { origin, bytes, got: self.round }) {
            return;
        }
        cx.deliver(id);
        self.start_ticking(cx);
        if first_phase && self.config.first_phase == FirstPhase::Tree {
            self.forward(origin, Msg::Data { id, origin, bytes }, cx);
        }
    }

    /// Joins (or rejoins after a restart) through `contacts`: a JOIN to each, so that they know
    /// of this node and may pick it as a gossip peer.
    fn join(&mut self, contacts: &[NodeId], cx: &mut Context<'_, Msg, Timer>) {
        let bytes = self.control_bytes();
        for &c in contacts.iter().filter(|&&c| c != self.me) {
            self.members.add(c);
            cx.send(c, Msg::Join { bytes });
        }
    }

    fn on_membership(&mut self, change: MemberChange) {
        self.members.apply(change);
    }

    /// A packet from `from`: a sender not heard of before is a member (a joiner).
    fn heard_from(&mut self, from: NodeId) {
        if from != self.me {
            self.members.add(from);
        }
    }
}

impl Protocol for Pbcast {
    type Msg = Msg;
    type Timer = Timer;
    type Config = PbcastConfig;

    fn new(me: NodeId, group: &GroupInfo, config: &PbcastConfig) -> Self {
        Pbcast {
            me,
            size: group.size,
            config: config.clone(),
            members: Members::initial(group.size),
            history: History::default(),
            round: 0,
            ticking: false,
            served: 0,
        }
    }

    fn handle(&mut self, input: Input<Msg, Timer>, cx: &mut Context<'_, Msg, Timer>) {
        if let Input::Recv { from, msg } = &input {
            if !matches!(msg, Msg::Leave { .. }) {
                self.heard_from(*from);
            }
        }
        match input {
            Input::Start => {}
            Input::Join { contacts } | Input::Restart { contacts } => self.join(&contacts, cx),
            Input::Leave { contacts } => {
                let bytes = self.control_bytes();
                for c in contacts.into_iter().filter(|&c| c != self.me) {
                    cx.send(c, Msg::Leave { bytes });
                }
            }
            Input::Membership(change) => self.on_membership(change),
            Input::AppSend { id, bytes } => self.on_app_send(id, bytes, cx),
            Input::Recv { msg: Msg::Data { id, origin, bytes }, .. } => self.on_copy(id, origin, bytes, true, cx),
            Input::Recv { msg: Msg::Repair { id, origin, bytes }, .. } => self.on_copy(id, origin, bytes, false, cx),
            Input::Recv { from, msg: Msg::Digest { round, ids, .. } } => self.on_digest(from, round, &ids, cx),
            Input::Recv { from, msg: Msg::Solicit { round, ids, .. } } => self.on_solicit(from, round, &ids, cx),
            Input::Recv { msg: Msg::Join { .. }, .. } => {}
            Input::Recv { from, msg: Msg::Leave { .. } } => {
                self.members.remove(from);
            }
            Input::Timer(Timer::Round) => self.on_round(cx),
        }
    }

    /// Holding a message not yet garbage collected: still gossiping about it.
    fn is_infective(&self) -> bool {
        self.history.holds_any()
    }

    /// Its gossip round, the messages it still gossips about and how many members it knows.
    /// The next round: the digest it will send and to how many, what it will forget first.
    fn describe_timer(&self, timer: &Timer) -> String {
        match timer {
            Timer::Round => self.round_words(),
        }
    }

    fn describe(&self, out: &mut Description) {
        let held = self.history.digest();
        out.state(match held.len() {
            0 => "quiet (gossips about nothing)".to_string(),
            n => format!("gossiping about {n} message(s)"),
        });
        out.fact("gossip round", self.round);
        out.fact("members it knows", self.members.len());
        let ids: Vec<String> = held.iter().map(|m| format!("m{}", m.0)).collect();
        out.fact("gossips about", format!("[{}]", ids.join(", ")));
        out.fact("retransmissions this round", self.served);
    }
}

// A member's own state stays within two cache lines; what grows (messages held, joiners and
// departures learned) sits behind pointers made on first need.
const _: () = assert!(std::mem::size_of::<Pbcast>() <= 128);
