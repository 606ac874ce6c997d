//! Helpers shared by the integration tests (each test file that needs them says `mod common;`).

#![allow(dead_code)]

use mcast::protocol::{Context, GroupInfo, Input, MsgId, NodeId, Output, Protocol};
use mcast::protocols::centralized::{Centralized, CentralizedConfig, Msg, Timer};
use mcast::rng::SimRng;
use mcast::time::{SimDuration, SimTime};

/// An output in a comparable form (`Output` itself has no `PartialEq`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Out {
    Send(NodeId, Msg),
    SetTimer(SimDuration, Timer),
    Deliver(MsgId),
}

/// One centralized protocol instance and the state the kernel would keep for it, driven one
/// input at a time.
pub struct Node {
    me: NodeId,
    pub p: Centralized,
    rng: Option<Box<SimRng>>,
    out: Vec<Output<Msg, Timer>>,
}

impl Node {
    pub fn new(me: NodeId, size: u32, config: &CentralizedConfig) -> Node {
        Node { me, p: Centralized::new(me, &GroupInfo { size }, config), rng: None, out: Vec::new() }
    }

    /// Hands `input` to the protocol at `now_ms` and returns what it did.
    pub fn handle(&mut self, now_ms: u64, input: Input<Msg, Timer>) -> Vec<Out> {
        self.out.clear();
        let mut cx = Context::new(SimTime::from_ms(now_ms), self.me, 1, &mut self.rng, &mut self.out);
        self.p.handle(input, &mut cx);
        self.out
            .drain(..)
            .map(|o| match o {
                Output::Send { to, msg } | Output::Copy { to, msg } => Out::Send(to, msg),
                Output::SetTimer { after, timer } => Out::SetTimer(after, timer),
                Output::Deliver { id } => Out::Deliver(id),
            })
            .collect()
    }
}
