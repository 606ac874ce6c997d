//! Gossip: epidemic multicast, after Demers, Greene, Hauser, Irish, Larson, Shenker, Sturgis,
//! Swinehart and Terry, "Epidemic Algorithms for Replicated Database Maintenance", PODC 1987;
//! Karp, Schindelhauer, Shenker and Vöcking, "Randomized Rumor Spreading", FOCS 2000; and
//! Eugster, Guerraoui, Handurukande, Kouznetsov and Kermarrec, "Lightweight Probabilistic
//! Broadcast", ACM TOCS 21(4), 2003.
//!
//! Every node that holds a message passes it to peers it picks at random; nobody keeps a
//! structure, so a crash or a loss only slows the epidemic down. A node is *susceptible* until it
//! holds a message, *infective* while it spreads it and *removed* once it has stopped
//! ([`Protocol::is_infective`], Demers et al. §1).
//!
//! - **Modes** (Demers et al. §1.3, Karp et al. §2). *Push*: a node spreading messages sends
//!   them to `fanout` peers, once when it gets them and then once every `period_ms`. *Pull*:
//!   every node, every period, sends `fanout` peers a PULL with a digest of what it holds (a
//!   bit per message id); a peer answers with one GOSSIP packet of the messages it still
//!   spreads that the asker lacks, or nothing. *Push-pull*: both in one contact; a GOSSIP
//!   pushed in a period carries the sender's digest and the receiver answers with what the
//!   sender lacks (a node spreading nothing sends a plain PULL).
//! - **Batching.** One packet per peer per contact carries every message the node spreads
//!   (bytes: the header plus the payloads, plus the digest if any).
//! - **How long a message is spread** (`spread`). `once`: forwarded on first receipt and never
//!   again ("infect and die", Eugster et al. §3 with one round); in pull mode, served to pullers
//!   until the node's next period. `rounds`: for `rounds` periods from receipt (the receipt's
//!   forward is the first). `ttl`: the message carries a hop count, `ttl` at its origin; a node
//!   getting it with h > 0 hops left forwards it once with h − 1 (in pull mode: serves it until
//!   its next period), and with 0 keeps it.
//! - **Rounds mode.** A node that gets a message at a round boundary forwards it at once, so it
//!   arrives at the next boundary: with `period_ms` the round length one period is one round and
//!   push follows the synchronous model of Pittel (1987) and Karp et al. A period's push or
//!   answer includes only messages held *before* the period's instant (messages arriving at the
//!   same boundary were forwarded on receipt), so the order of events at one instant never
//!   changes what is sent. A pull takes two rounds (the PULL, then the answer); pulls are
//!   pipelined, one per period, so pull's recurrence is Karp et al.'s, one round late.
//! - **Peers** ([`crate::protocols::blocks::Members`], [`crate::protocols::blocks::Cyclon`]).
//!   `uniform`: `fanout` distinct peers drawn uniformly from the membership the node knows: the
//!   initial members from its configuration, minus those it learned left or crashed (a LEAVE, a
//!   membership notice), plus joiners it learned of (a JOIN, a notice, or any packet from them).
//!   `cyclon`: distinct peers from a Cyclon view of `view_size` entries, bootstrapped at the start
//!   with random initial members and kept by shuffles of `shuffle_length` entries every
//!   `shuffle_period_ms` (Voulgaris et al. 2005, §3). The page draws the views as the overlay
//!   ([`Protocol::overlay`]: each entry an active link).
//! - **Joins and leaves.** A joiner (or a node restarted after a crash, its state gone) knows the
//!   initial members from its configuration and sends a JOIN to its contacts (the workload's
//!   senders): a contact adds it to its membership; with Cyclon, the contact puts the joiner in
//!   its view and answers with its own view (a SHUFFLE answer), which becomes the joiner's. Other
//!   nodes learn of a joiner when it contacts them, or from the membership service. A joiner is
//!   not owed what was sent before it joined, but pulls it if still spread. A node leaving sends
//!   LEAVE to `fanout` peers, which forget it; the others keep drawing it (their packets to it are
//!   lost) unless a membership service tells them.
//!
//! Memory. A node is 24 bytes: the shared configuration (one pointer), the ids below 64 it
//! holds (one word), and one pointer to what only some nodes need (`Side`: ids from 64 up,
//! messages still spread, membership exceptions, the Cyclon view); its own id comes with each
//! input. A forward-once push receiver of message ids below 64 never makes a `Side`. A packet is
//! 16 bytes ([`Msg`]): the common GOSSIP (one message, no digest) inline, the rest behind one
//! pointer.
//!
//! The code: `config.rs` (parameters), `wire.rs` (packets, timers), `spread.rs` (receiving,
//! forwarding, periods, pulls), `members.rs` (peers, joins, leaves, shuffles), `family.rs`
//! (the registry's estimate), `model.rs` (the epidemic's mean-field curve), and this file (the
//! node and its entry point).

mod config;
mod family;
mod members;
mod model;
mod spread;
#[cfg(test)]
mod tests;
mod wire;

pub use config::{GossipConfig, Mode, Peers, Spread, PARAMS};
pub use family::{reached_fraction, GossipFamily};
pub use model::informed_curve;
pub use wire::{Batch, Digest, Item, Msg, Shuffle, Timer};

use crate::bits::InlineBits;
use crate::protocol::{msg_list, Context, Description, GroupInfo, Input, MsgId, NodeId, OverlayLink, Protocol};
use crate::protocols::blocks::{Cyclon, Members};
use crate::time::SimTime;
use std::sync::Arc;

/// What every node of a run shares: the parameters and the group's initial size.
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    /// The parameters.
    pub config: GossipConfig,
    /// Initial members, `0..size`.
    pub size: u32,
}

impl Setup {
    /// The shared setup of `config` over a group of `size` initial members.
    pub fn new(config: GossipConfig, size: u32) -> Arc<Setup> {
        Arc::new(Setup { config, size })
    }
}

/// A message this node still spreads.
#[derive(Clone, Copy, Debug)]
struct Held {
    item: Item,
    /// When it arrived: a period's contact sends only messages held before its instant.
    since: SimTime,
    /// Periods it is still spread for (0: no longer).
    left: u32,
}

/// What only some nodes need, behind one pointer: a forward-once push receiver never makes it.
#[derive(Clone, Debug)]
struct Side {
    /// Every message id this node holds (those below 64 copied in when the side was made).
    held: InlineBits,
    /// One more than the highest message id held (the digest's length).
    bits: u32,
    /// Messages still spread, in the order they arrived.
    spreading: Vec<Held>,
    /// The membership this node knows (uniform peers).
    members: Members,
    /// The Cyclon view (Cyclon peers).
    cyclon: Option<Cyclon>,
    /// Whether the gossip period's timer is set.
    ticking: bool,
}

/// One gossip node: 24 bytes (its id comes with each input's [`Context`]).
#[derive(Clone, Debug)]
pub struct Gossip {
    setup: Arc<Setup>,
    /// Bit `i`: this node holds message `i` (delivered, or its own), for ids below 64; the
    /// others are in the side state, made for the first of them.
    low: u64,
    side: Option<Box<Side>>,
}

impl Gossip {
    /// Whether this node holds message `id`.
    pub fn holds(&self, id: u32) -> bool {
        match (id < 64, &self.side) {
            (true, _) => self.low >> id & 1 == 1,
            (false, Some(side)) => side.held.contains(id),
            (false, None) => false,
        }
    }

    /// Records that this node holds message `id`; returns true if it did not before.
    fn take(&mut self, id: u32) -> bool {
        if id >= 64 {
            return self.side().held.insert(id);
        }
        let fresh = self.low >> id & 1 == 0;
        self.low |= 1 << id;
        if let Some(side) = self.side.as_mut() {
            side.held.insert(id);
        }
        fresh
    }

    /// Every message id this node holds.
    fn held(&self) -> InlineBits {
        match &self.side {
            Some(side) => side.held.clone(),
            None => low_bits(self.low),
        }
    }

    /// How many messages this node still spreads.
    pub fn spreading(&self) -> usize {
        self.side.as_ref().map_or(0, |s| s.spreading.iter().filter(|h| h.left > 0).count())
    }

    /// The Cyclon view's entries (empty with uniform peers).
    pub fn view(&self) -> Vec<crate::protocols::blocks::Entry> {
        self.side.as_ref().and_then(|s| s.cyclon.as_ref()).map_or(Vec::new(), |c| c.entries().to_vec())
    }

    /// Whether this node counts `n` as a member (uniform peers).
    pub fn knows_member(&self, n: NodeId) -> bool {
        match &self.side {
            Some(s) => s.members.contains(n),
            None => n < self.setup.size,
        }
    }

    fn config(&self) -> &GossipConfig {
        &self.setup.config
    }

    /// Whom a period's contact goes to, in words: peers of the Cyclon view, or of the members.
    fn peer_words(&self) -> String {
        let fanout = self.config().fanout;
        match self.side.as_ref().and_then(|s| s.cyclon.as_ref()) {
            Some(c) => format!("{fanout} random peer(s) of its view of {}", c.entries().len()),
            None => format!("{fanout} random member(s)"),
        }
    }

    /// What the next gossip period does: push what it still spreads, pull what it lacks.
    fn period_words(&self) -> String {
        let mode = self.config().mode;
        let spread: Vec<MsgId> = match &self.side {
            Some(side) => side.spreading.iter().filter(|h| h.left > 0).map(|h| h.item.id).collect(),
            None => Vec::new(),
        };
        let last: Vec<MsgId> = self.side.as_ref().map_or(Vec::new(), |s| {
            s.spreading.iter().filter(|h| h.left == 1).map(|h| h.item.id).collect()
        });
        let peers = self.peer_words();
        let mut words = match (mode.pushes() && !spread.is_empty(), mode.pulls()) {
            (true, true) => format!("gossip period: push {} to {peers} and ask for what it lacks", msg_list(&spread)),
            (true, false) => format!("gossip period: push {} to {peers}", msg_list(&spread)),
            (false, true) => format!("gossip period: ask {peers} for what it lacks (a PULL with its digest)"),
            (false, false) => "gossip period: nothing left to push, so it stops".to_string(),
        };
        if !last.is_empty() && mode.pushes() {
            words.push_str(&format!("; last period for {}", msg_list(&last)));
        }
        words
    }

    /// The side state, made on first need.
    fn side(&mut self) -> &mut Side {
        let (size, config, low) = (self.setup.size, &self.setup.config, self.low);
        self.side.get_or_insert_with(|| {
            let cyclon = (config.peers == Peers::Cyclon).then(|| Cyclon::new(config.view_size, config.shuffle_length));
            let members = Members::initial(size);
            Box::new(Side { held: low_bits(low), bits: 0, spreading: Vec::new(), members, cyclon, ticking: false })
        })
    }
}

/// The ids whose bits are set in `low`.
fn low_bits(low: u64) -> InlineBits {
    let mut bits = InlineBits::new();
    for i in (0..64).filter(|i| low >> i & 1 == 1) {
        bits.insert(i);
    }
    bits
}

impl Protocol for Gossip {
    type Msg = Msg;
    type Timer = Timer;
    type Config = Arc<Setup>;

    fn new(_me: NodeId, _group: &GroupInfo, setup: &Arc<Setup>) -> Self {
        Gossip { setup: setup.clone(), low: 0, side: None }
    }

    fn handle(&mut self, input: Input<Msg, Timer>, cx: &mut Context<'_, Msg, Timer>) {
        match input {
            Input::Start => self.start(cx),
            Input::Join { contacts } | Input::Restart { contacts } => self.join(contacts, cx),
            Input::Leave { .. } => self.leave(cx),
            Input::Membership(change) => self.on_membership(change, cx.me()),
            Input::AppSend { id, bytes } => self.on_app_send(id, bytes, cx),
            Input::Recv { from, msg } => {
                self.learn(from, cx.me());
                match msg {
                    Msg::One { id, payload, hops, .. } => {
                        self.on_gossip(from, &[Item { id, bytes: payload, hops }], None, cx);
                    }
                    Msg::Gossip(batch) => self.on_gossip(from, &batch.items, batch.digest.as_ref(), cx),
                    Msg::Pull { digest, .. } => self.answer(from, &digest, cx),
                    Msg::Join { .. } => self.on_join(from, cx),
                    Msg::Leave { .. } => self.on_leave(from, cx.me()),
                    Msg::Shuffle(shuffle) => self.on_shuffle(from, &shuffle.entries, shuffle.answer, cx),
                }
            }
            Input::Timer(Timer::Tick) => self.on_tick(cx),
            Input::Timer(Timer::Shuffle) => self.on_shuffle_timer(cx),
        }
    }

    fn is_infective(&self) -> bool {
        self.spreading() > 0
    }

    /// A period's push and pull with its peers, or a Cyclon shuffle with the oldest entry.
    fn describe_timer(&self, timer: &Timer) -> String {
        match timer {
            Timer::Tick => self.period_words(),
            Timer::Shuffle => match self.side.as_ref().and_then(|s| s.cyclon.as_ref()).and_then(|c| c.oldest()) {
                Some(n) => format!(
                    "Cyclon shuffle: swap {} view entries with node {n}, the oldest in its view",
                    self.config().shuffle_length
                ),
                None => "Cyclon shuffle: its view is empty, nothing to swap".to_string(),
            },
        }
    }

    /// Whether it still spreads, the messages it spreads and for how many more periods, and its
    /// peers (the Cyclon view, or how many members it knows).
    fn describe(&self, out: &mut Description) {
        out.state(match self.spreading() {
            0 if self.held().is_empty() => "susceptible (holds nothing)".to_string(),
            0 => "removed (holds messages, spreads none)".to_string(),
            n => format!("infective, spreading {n} message(s)"),
        });
        let Some(side) = &self.side else { return };
        if let Some(cyclon) = &side.cyclon {
            out.link("view", cyclon.entries().iter().map(|e| e.node));
        } else {
            out.fact("members it knows", side.members.len());
        }
        for h in side.spreading.iter().filter(|h| h.left > 0) {
            out.fact("spreading", format!("m{} for {} more period(s)", h.item.id.0, h.left));
        }
    }

    /// The Cyclon view, each entry an active link: the peers this node may gossip with
    /// (Voulgaris et al. 2005, §3). Nothing with uniform peers, whose peers are the whole
    /// membership rather than an overlay.
    fn overlay(&self, out: &mut Vec<(NodeId, OverlayLink)>) {
        if let Some(cyclon) = self.side.as_ref().and_then(|s| s.cyclon.as_ref()) {
            out.extend(cyclon.entries().iter().map(|e| (e.node, OverlayLink::Active)));
        }
    }
}

// A receiver's state stays small: a million of them fit in 24 MB.
const _: () = assert!(std::mem::size_of::<Gossip>() <= 24);
// A packet in the kernel's queue stays small: millions may be in flight at once.
const _: () = assert!(std::mem::size_of::<Msg>() <= 16);
