//! Helpers shared by the integration tests (each test file that needs them says `mod common;`).

#![allow(dead_code)]

use mcast::protocol::{GroupInfo, Harness, Input, MsgId, NodeId, Output, UniformDistance};
use mcast::protocols::centralized::{Centralized, CentralizedConfig, Msg, Timer};
use mcast::time::{SimDuration, SimTime};

/// An output in a comparable form, a multicast spelt out as one send per destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Out {
    Send(NodeId, Msg),
    SetTimer(SimDuration, Timer),
    Deliver(MsgId),
}

/// One centralized protocol instance, driven one input at a time (a [`Harness`] whose group has
/// one sender, node 0, and every pair 1 ms apart).
pub struct Node {
    pub h: Harness<Centralized>,
}

impl Node {
    pub fn new(me: NodeId, size: u32, config: &CentralizedConfig) -> Node {
        let distances = UniformDistance(SimDuration::from_ms(1));
        Node { h: Harness::new(me, GroupInfo::of_size(size), distances, config) }
    }

    /// Hands `input` to the protocol at `now_ms` and returns what it did.
    pub fn handle(&mut self, now_ms: u64, input: Input<Msg, Timer>) -> Vec<Out> {
        self.h
            .handle(SimTime::from_ms(now_ms), input)
            .into_iter()
            .flat_map(|o| match o {
                Output::Send { to, msg } => vec![Out::Send(to, msg)],
                Output::Multicast { to, msg } => to.into_iter().map(|n| Out::Send(n, msg.clone())).collect(),
                Output::SetTimer { after, timer } => vec![Out::SetTimer(after, timer)],
                Output::Deliver { id } => vec![Out::Deliver(id)],
            })
            .collect()
    }
}
