//! Layers: a protocol that owns an inner protocol and maps its inputs, outputs, packets and
//! timers, so that ordering, FEC or congestion control can wrap any family.
//!
//! A [`Stack`] of a [`Layer`] `L` over a protocol `P` is itself a [`Protocol`]: the kernel runs it
//! like any other. Every input reaches the layer first; the layer decides what its inner protocol
//! sees, runs it through [`Inner::handle`] with the same node, time, random stream and
//! environment, and maps each output the inner protocol asked for into its own (wrapping packets
//! in its own envelope, holding deliveries back, adding packets of its own). This is the shape of
//! iroh-gossip's `proto/topic.rs`, which composes HyParView and Plumtree by turning one machine's
//! outputs into the other's inputs, and of stateright's `ordered_reliable_link`, which wraps an
//! actor with sequence numbers and resends.
//!
//! [`PassThrough`] is the identity layer: it wraps every packet and timer of its inner protocol
//! in an [`Envelope`] of its own and unwraps them on the way back, changing nothing on the wire,
//! so a stack of it over any protocol runs exactly the protocol's run (same trace hash).

use super::{Context, Description, GroupInfo, Input, MsgId, NodeId, Output, OverlayLink, PacketKind, Protocol, Wire};
use std::fmt::Debug;

/// A protocol that wraps another (`P`): see the module docs.
pub trait Layer<P: Protocol>: Sized + Clone {
    /// The stack's packets: the inner protocol's, wrapped, and the layer's own.
    type Msg: Wire;
    /// The stack's timers: the inner protocol's, wrapped, and the layer's own.
    type Timer: Clone + Debug;
    /// The layer's parameters.
    type Config: Clone + Debug;

    /// Whether the layer wants to hear of transport failures
    /// ([`Protocol::TRANSPORT_FAILURES`]); a stack asks if its layer or its inner protocol does.
    const TRANSPORT_FAILURES: bool = false;

    /// Node `me`'s layer state.
    fn new(me: NodeId, group: &GroupInfo, config: &Self::Config) -> Self;

    /// Handles one input for the stack; `inner` runs the wrapped protocol.
    fn handle(
        &mut self,
        input: Input<Self::Msg, Self::Timer>,
        inner: &mut Inner<'_, P>,
        cx: &mut Context<'_, Self::Msg, Self::Timer>,
    );

    /// Describes the layer's part of the node, after the inner protocol has described its own
    /// ([`Protocol::describe`]). Says nothing by default.
    fn describe(&self, out: &mut Description) {
        let _ = out;
    }

    /// A pending timer of the stack in plain words, as [`Protocol::describe_timer`] says it: the
    /// layer's own, and the inner protocol's through `inner`'s. No default, as for a protocol.
    fn describe_timer(&self, timer: &Self::Timer, inner: &P) -> String;

    /// Pushes the layer's own overlay links ([`Protocol::overlay`]), before the inner
    /// protocol's: a membership layer's active view, under the structure its inner protocol
    /// builds on it. Pushes nothing by default.
    fn overlay(&self, out: &mut Vec<(NodeId, OverlayLink)>) {
        let _ = out;
    }
}

/// The wrapped protocol as its layer sees it while handling one input.
pub struct Inner<'s, P: Protocol> {
    protocol: &'s mut P,
    out: &'s mut Vec<Output<P::Msg, P::Timer>>,
}

impl<P: Protocol> Inner<'_, P> {
    /// Hands `input` to the wrapped protocol, with the node's time, random stream and
    /// environment from `cx`, and returns what it asked for, in order, for the layer to map.
    pub fn handle<M, T>(
        &mut self,
        input: Input<P::Msg, P::Timer>,
        cx: &mut Context<'_, M, T>,
    ) -> std::vec::Drain<'_, Output<P::Msg, P::Timer>> {
        self.out.clear();
        {
            let mut inner_cx = cx.inner(self.out);
            self.protocol.handle(input, &mut inner_cx);
        }
        self.out.drain(..)
    }

    /// Hands `input` to the wrapped protocol and passes on everything it asked for, its packets
    /// wrapped by `msg` and its timers by `timer`: what a layer does with an input it leaves to
    /// its inner protocol.
    pub fn pass<M, T>(
        &mut self,
        input: Input<P::Msg, P::Timer>,
        cx: &mut Context<'_, M, T>,
        msg: impl Fn(P::Msg) -> M,
        timer: impl Fn(P::Timer) -> T,
    ) {
        for output in self.handle(input, cx) {
            cx.push(output.map(&msg, &timer));
        }
    }

    /// The wrapped protocol's state.
    pub fn protocol(&self) -> &P {
        self.protocol
    }
}

/// The parameters of a [`Stack`]: the layer's and the inner protocol's.
#[derive(Clone, Debug, PartialEq)]
pub struct StackConfig<L, P> {
    /// The layer's parameters.
    pub layer: L,
    /// The wrapped protocol's parameters.
    pub inner: P,
}

/// Layer `L` over protocol `P`, run as one protocol.
#[derive(Clone, Debug)]
pub struct Stack<L, P: Protocol> {
    layer: L,
    inner: P,
    /// The inner protocol's outputs while the layer maps them (kept to reuse its allocation).
    scratch: Vec<Output<P::Msg, P::Timer>>,
}

impl<L, P: Protocol> Stack<L, P> {
    /// The layer's state.
    pub fn layer(&self) -> &L {
        &self.layer
    }

    /// The wrapped protocol's state.
    pub fn inner(&self) -> &P {
        &self.inner
    }
}

impl<L: Layer<P>, P: Protocol> Protocol for Stack<L, P> {
    type Msg = L::Msg;
    type Timer = L::Timer;
    type Config = StackConfig<L::Config, P::Config>;

    const TRANSPORT_FAILURES: bool = L::TRANSPORT_FAILURES || P::TRANSPORT_FAILURES;

    fn new(me: NodeId, group: &GroupInfo, config: &Self::Config) -> Self {
        Stack { layer: L::new(me, group, &config.layer), inner: P::new(me, group, &config.inner), scratch: Vec::new() }
    }

    fn handle(&mut self, input: Input<L::Msg, L::Timer>, cx: &mut Context<'_, L::Msg, L::Timer>) {
        let mut inner = Inner { protocol: &mut self.inner, out: &mut self.scratch };
        self.layer.handle(input, &mut inner, cx);
    }

    fn upstream(&self) -> Option<NodeId> {
        self.inner.upstream()
    }

    fn is_infective(&self) -> bool {
        self.inner.is_infective()
    }

    fn describe(&self, out: &mut Description) {
        self.inner.describe(out);
        self.layer.describe(out);
    }

    fn describe_timer(&self, timer: &L::Timer) -> String {
        self.layer.describe_timer(timer, &self.inner)
    }

    fn overlay(&self, out: &mut Vec<(NodeId, OverlayLink)>) {
        self.layer.overlay(out);
        self.inner.overlay(out);
    }
}

/// A packet or timer of an inner protocol inside its layer's own type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope<X>(pub X);

impl<M: Wire> Wire for Envelope<M> {
    fn kind(&self) -> PacketKind {
        self.0.kind()
    }
    fn bytes(&self) -> u32 {
        self.0.bytes()
    }
    fn msg(&self) -> Option<MsgId> {
        self.0.msg()
    }
}

/// The identity layer: every packet and timer of the inner protocol travels in an [`Envelope`]
/// and is unwrapped on the way back, nothing added, nothing held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PassThrough;

impl<P: Protocol> Layer<P> for PassThrough {
    type Msg = Envelope<P::Msg>;
    type Timer = Envelope<P::Timer>;
    type Config = ();

    fn new(_me: NodeId, _group: &GroupInfo, _config: &()) -> Self {
        PassThrough
    }

    fn handle(
        &mut self,
        input: Input<Self::Msg, Self::Timer>,
        inner: &mut Inner<'_, P>,
        cx: &mut Context<'_, Self::Msg, Self::Timer>,
    ) {
        inner.pass(input.map(|m| m.0, |t| t.0), cx, Envelope, Envelope);
    }

    fn describe_timer(&self, timer: &Self::Timer, inner: &P) -> String {
        inner.describe_timer(&timer.0)
    }
}
