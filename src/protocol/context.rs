//! One node's view of the kernel while it handles one input: the time, its random stream, its
//! environment (group configuration and distance estimates) and the sink for its outputs.

use super::{GroupInfo, MsgId, NodeId, Output};
use crate::rng::{self, SimRng, Stream};
use crate::time::{SimDuration, SimTime};

/// A distance-estimate service: the one-way latency a node may expect to another, as a
/// network-coordinate service (Vivaldi, GNP) or a few pings would tell a real node.
pub trait Distances {
    /// The estimated one-way latency from `from` to `to`.
    fn between(&self, from: NodeId, to: NodeId) -> SimDuration;
}

/// Every pair of nodes equally far apart: for driving a protocol by hand, where the test names
/// the distance it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UniformDistance(pub SimDuration);

impl Distances for UniformDistance {
    fn between(&self, _from: NodeId, _to: NodeId) -> SimDuration {
        self.0
    }
}

/// Everything a node knows of its surroundings: the group's configuration and a distance
/// service. The kernel makes one from its network; a hand-driven test makes its own.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// The group as configured.
    pub group: &'a GroupInfo,
    /// Distance estimates between nodes.
    pub distances: &'a dyn Distances,
}

/// A node's random stream between two inputs: only its position (8 bytes per node, where a live
/// ChaCha8 generator takes 320), from which the generator is remade the first time an input
/// draws from it. ChaCha is seekable, so the numbers are exactly those one generator kept for the
/// whole run would give.
#[derive(Debug, Default)]
pub struct NodeRng {
    /// Words of the stream drawn before this input.
    pos: u64,
    /// The generator, once this input has drawn from it.
    live: Option<SimRng>,
}

impl NodeRng {
    /// The stream `pos` words in (0: untouched).
    pub fn at(pos: u64) -> NodeRng {
        NodeRng { pos, live: None }
    }

    /// Words drawn so far: what to keep until the node's next input.
    pub fn position(&self) -> u64 {
        match &self.live {
            Some(r) => r.get_word_pos() as u64,
            None => self.pos,
        }
    }

    /// The generator of node `me`'s stream of run `seed`, made at the kept position on first use.
    fn get(&mut self, seed: u64, me: NodeId) -> &mut SimRng {
        let pos = self.pos;
        self.live.get_or_insert_with(|| {
            let mut r = rng::stream(seed, Stream::Node(me));
            if pos > 0 {
                r.set_word_pos(u128::from(pos));
            }
            r
        })
    }
}

/// One node's view of the kernel while it handles one input.
pub struct Context<'a, M, T> {
    now: SimTime,
    me: NodeId,
    seed: u64,
    rng: &'a mut NodeRng,
    out: &'a mut Vec<Output<M, T>>,
    env: Env<'a>,
}

impl<'a, M, T> Context<'a, M, T> {
    /// A context for node `me` at `now` in `env`; `rng` is the node's stream, made on first use
    /// from the run's `seed` at its kept position; outputs go into `out`.
    pub fn new(
        now: SimTime,
        me: NodeId,
        seed: u64,
        rng: &'a mut NodeRng,
        out: &'a mut Vec<Output<M, T>>,
        env: Env<'a>,
    ) -> Self {
        Context { now, me, seed, rng, out, env }
    }

    /// A context for a protocol this node runs inside another (a [`super::Layer`]'s inner
    /// protocol): the same time, node, random stream and environment, with outputs going into
    /// `out` for the outer protocol to map.
    pub fn inner<'b, M2, T2>(&'b mut self, out: &'b mut Vec<Output<M2, T2>>) -> Context<'b, M2, T2> {
        Context { now: self.now, me: self.me, seed: self.seed, rng: self.rng, out, env: self.env }
    }

    /// The node's environment: the group's configuration and the distance service.
    pub fn env(&self) -> Env<'a> {
        self.env
    }

    /// The group as configured when the run started.
    pub fn group(&self) -> &'a GroupInfo {
        self.env.group
    }

    /// An estimate of the one-way latency from this node to `to` ([`Distances`]): the network's
    /// base latency between them, without jitter or queueing. Topology-aware protocols use it (a
    /// tree that prefers nearby parents, RMTP's choice of designated receivers); protocols whose
    /// papers measure distance with their own packets (SRM's session messages) must not.
    pub fn distance(&self, to: NodeId) -> SimDuration {
        self.env.distances.between(self.me, to)
    }

    /// Whether the network replicates multicast packets (see [`GroupInfo::native_multicast`]).
    pub fn native_multicast(&self) -> bool {
        self.env.group.native_multicast
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// This node's id.
    pub fn me(&self) -> NodeId {
        self.me
    }

    /// This node's random stream (derived from the run's seed and the node id).
    pub fn rng(&mut self) -> &mut SimRng {
        self.rng.get(self.seed, self.me)
    }

    /// Sends `msg` to `to`.
    pub fn send(&mut self, to: NodeId, msg: M) {
        self.out.push(Output::Send { to, msg });
    }

    /// Sends one packet to every node of `to`, in order ([`Output::Multicast`]); nothing if `to`
    /// is empty.
    pub fn multicast(&mut self, to: impl IntoIterator<Item = NodeId>, msg: M) {
        let to: Vec<NodeId> = to.into_iter().collect();
        if !to.is_empty() {
            self.out.push(Output::Multicast { to, msg });
        }
    }

    /// Sets a timer that fires after `after`.
    pub fn set_timer(&mut self, after: SimDuration, timer: T) {
        self.out.push(Output::SetTimer { after, timer });
    }

    /// Delivers message `id` to this node's application.
    pub fn deliver(&mut self, id: MsgId) {
        self.out.push(Output::Deliver { id });
    }

    /// Pushes an output as it is (a layer passing on what its inner protocol asked for).
    pub fn push(&mut self, output: Output<M, T>) {
        self.out.push(output);
    }
}
