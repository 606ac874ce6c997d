//! One protocol instance driven by hand: the first tier of tests (one node, exact outputs).
//!
//! A [`Harness`] keeps what the kernel would keep for one node (its random stream, its output
//! sink) in an environment the test names (the group's configuration and the distances), hands
//! the node one input at a time and returns exactly what it asked for, in order.

use super::{Context, Distances, Env, GroupInfo, Input, NodeId, NodeRng, Output, Protocol};
use crate::time::SimTime;

/// One node of protocol `P`, fed inputs one at a time.
pub struct Harness<P: Protocol> {
    /// The node's id.
    pub me: NodeId,
    /// The node's state, for assertions on it.
    pub protocol: P,
    group: GroupInfo,
    distances: Box<dyn Distances>,
    seed: u64,
    rng: NodeRng,
    out: Vec<Output<P::Msg, P::Timer>>,
}

impl<P: Protocol> Harness<P> {
    /// Node `me` of `group`, fresh from [`Protocol::new`] with `config`, seeing `distances`; its
    /// random stream derives from seed 1 (see [`Harness::with_seed`]).
    pub fn new(me: NodeId, group: GroupInfo, distances: impl Distances + 'static, config: &P::Config) -> Self {
        let protocol = P::new(me, &group, config);
        Harness {
            me,
            protocol,
            group,
            distances: Box::new(distances),
            seed: 1,
            rng: NodeRng::default(),
            out: Vec::new(),
        }
    }

    /// The same node with its random stream derived from `seed` instead.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self.rng = NodeRng::default();
        self
    }

    /// Hands `input` to the node at `now` and returns what it asked for, in order.
    pub fn handle(&mut self, now: SimTime, input: Input<P::Msg, P::Timer>) -> Vec<Output<P::Msg, P::Timer>> {
        self.out.clear();
        let env = Env { group: &self.group, distances: &*self.distances };
        let mut cx = Context::new(now, self.me, self.seed, &mut self.rng, &mut self.out, env);
        self.protocol.handle(input, &mut cx);
        std::mem::take(&mut self.out)
    }

    /// Hands `input` to the node at `ms` milliseconds (see [`Harness::handle`]).
    pub fn handle_at_ms(&mut self, ms: u64, input: Input<P::Msg, P::Timer>) -> Vec<Output<P::Msg, P::Timer>> {
        self.handle(SimTime::from_ms(ms), input)
    }
}
