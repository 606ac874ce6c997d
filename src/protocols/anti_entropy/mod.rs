//! Anti-entropy (Demers, Greene, Hauser, Irish, Larson, Shenker, Sturgis, Swinehart and Terry,
//! "Epidemic Algorithms for Replicated Database Maintenance", PODC 1987, §1.3).
//!
//! Every period each node picks one member uniformly at random and the two compare what they
//! hold: the initiator sends its digest, and the messages either lacks cross over, push (the
//! initiator's to the responder), pull (the responder's to the initiator) or both
//! ([`exchange`]). It is a *simple epidemic*: a node is susceptible until it holds a message and
//! infective from then on, for good, so every message reaches every member it can reach, at the
//! price of a digest per node per period whether or not anything is new, and digests that grow
//! with what a node holds ([`store::IdSet`], 8 bytes per range of ids).
//!
//! Alone it is this family; under rumor mongering it is the backstop of §1.5 that brings the
//! residue to zero (the `rumor` family runs the same [`exchange`] machine and [`store`]).
//!
//! Membership: a node picks from the members it knows ([`crate::protocols::blocks::Members`],
//! shared with the other epidemic families): the initial members,
//! less those it learns are gone (a LEAVE, or the membership service), plus the joiners it
//! learns of (a packet from one, or the service). A leaving node says goodbye to its contacts.

pub mod config;
pub mod exchange;
pub(crate) mod family;
pub mod model;
pub mod store;
#[cfg(test)]
mod tests;

pub use config::{AntiEntropyConfig, PARAMS};
pub use exchange::{exchange_words, AeMsg, Direction, Exchange};
pub use family::AntiEntropyFamily;

use crate::protocol::{Context, Description, GroupInfo, Input, MsgId, NodeId, PacketKind, Protocol, Wire};
use crate::protocols::blocks::Members;
use crate::time::SimDuration;
use store::{Held, Store};

/// Packets of anti-entropy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A packet of an exchange.
    Exchange(AeMsg),
    /// A node leaving the group says goodbye.
    Leave {
        /// Size on the wire.
        bytes: u32,
    },
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::Exchange(m) => m.kind(),
            Msg::Leave { .. } => PacketKind::Leave,
        }
    }
    fn bytes(&self) -> u32 {
        match self {
            Msg::Exchange(m) => m.bytes(),
            Msg::Leave { bytes } => *bytes,
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match self {
            Msg::Exchange(m) => m.msg(),
            Msg::Leave { .. } => None,
        }
    }
}

/// Timers of anti-entropy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Time for this node's next exchange.
    Exchange,
}

/// One node of anti-entropy.
#[derive(Clone, Debug)]
pub struct AntiEntropy {
    me: NodeId,
    exchange: Exchange,
    period: SimDuration,
    peers: Members,
    store: Store,
}

impl AntiEntropy {
    /// The messages this node holds.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The members this node picks from.
    pub fn peers(&self) -> &Members {
        &self.peers
    }

    /// Starts exchanging: the first exchange one period from now.
    fn start(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        cx.set_timer(self.period, Timer::Exchange);
    }

    /// Opens an exchange with a random member, and sets the next one.
    fn on_exchange_timer(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if let Some(peer) = self.peers.pick(cx.rng(), self.me) {
            cx.send(peer, Msg::Exchange(self.exchange.open(&self.store)));
        }
        cx.set_timer(self.period, Timer::Exchange);
    }

    fn on_exchange(&mut self, from: NodeId, msg: AeMsg, cx: &mut Context<'_, Msg, Timer>) {
        self.peers.add(from);
        let outcome = self.exchange.handle(&mut self.store, msg);
        for id in outcome.learned {
            cx.deliver(id);
        }
        if let Some(reply) = outcome.reply {
            cx.send(from, Msg::Exchange(reply));
        }
    }
}

impl Protocol for AntiEntropy {
    type Msg = Msg;
    type Timer = Timer;
    type Config = AntiEntropyConfig;

    fn new(me: NodeId, group: &GroupInfo, config: &AntiEntropyConfig) -> Self {
        AntiEntropy {
            me,
            exchange: Exchange { direction: config.direction, header_bytes: config.header_bytes },
            period: SimDuration::from_ms_f64(config.period_ms),
            peers: Members::initial(group.size),
            store: Store::new(),
        }
    }

    fn handle(&mut self, input: Input<Msg, Timer>, cx: &mut Context<'_, Msg, Timer>) {
        match input {
            Input::Start | Input::Join { .. } | Input::Restart { .. } => self.start(cx),
            Input::Leave { contacts } => {
                for c in contacts.into_iter().filter(|&c| c != self.me) {
                    cx.send(c, Msg::Leave { bytes: self.exchange.header_bytes });
                }
            }
            Input::Membership(change) => {
                self.peers.apply(change);
            }
            Input::AppSend { id, bytes } => {
                self.store.insert(Held { id, bytes });
            }
            Input::Recv { from, msg: Msg::Exchange(m) } => self.on_exchange(from, m, cx),
            Input::Recv { from, msg: Msg::Leave { .. } } => {
                self.peers.remove(from);
            }
            Input::Timer(Timer::Exchange) => self.on_exchange_timer(cx),
        }
    }

    /// A simple epidemic has no removed state (Demers et al. 1987, §1.3): a node is infective
    /// from the moment it holds a message.
    fn is_infective(&self) -> bool {
        !self.store.is_empty()
    }

    /// How many messages it holds (the inspector lists them), how many members it picks its partners from, and
    /// what crosses over in an exchange.
    fn describe(&self, out: &mut Description) {
        out.state(match self.store.len() {
            0 => "susceptible (holds nothing)".to_string(),
            n => format!("infective, holds {n} message(s)"),
        });
        out.fact("members it picks partners from", self.peers.len());
        out.fact("exchange period", format!("{} ms", self.period.as_ms_f64()));
        out.fact("in an exchange", self.exchange.direction.words());
    }

    /// The period's exchange with a random member.
    fn describe_timer(&self, timer: &Timer) -> String {
        match timer {
            Timer::Exchange => exchange_words(self.store.len(), self.peers.len(), self.exchange.direction),
        }
    }
}
