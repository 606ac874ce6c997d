//! Layers: a protocol wrapped in the identity layer ([`PassThrough`]) runs exactly the run of the
//! protocol alone, for every scenario file (same trace hash); the layer sees its inner
//! protocol's packets in its own envelope.

mod common;

use mcast::engine;
use mcast::protocol::{
    Envelope, GroupInfo, Harness, Input, MsgId, Output, PassThrough, Protocol, Stack, StackConfig, UniformDistance,
};
use mcast::protocols::centralized::{Centralized, CentralizedConfig, Msg};
use mcast::protocols::{Family, Visit};
use mcast::scenario::Scenario;
use mcast::sim::world::World;
use mcast::time::SimDuration;

/// The trace hash of `s` run to its end with protocol `P` (stacked or not) and `config`.
fn hash_of<P: Protocol>(s: &Scenario, config: &P::Config) -> String {
    let mut w = World::<P>::new(engine::setup(s).expect("a valid scenario"), config);
    w.run_to_end();
    w.trace_hash()
}

/// Runs a scenario's family plainly and wrapped in the identity layer: (plain, wrapped) hashes.
struct PlainAndWrapped<'a>(&'a Scenario);

impl Visit for PlainAndWrapped<'_> {
    type Output = (String, String);
    fn visit<F: Family>(self, params: &F::Params) -> (String, String) {
        let config = engine::configure::<F>(self.0, params);
        let wrapped = StackConfig { layer: (), inner: config.clone() };
        (hash_of::<F::Protocol>(self.0, &config), hash_of::<Stack<PassThrough, F::Protocol>>(self.0, &wrapped))
    }
}

fn plain_and_wrapped(s: &Scenario) -> (String, String) {
    s.protocol.visit(PlainAndWrapped(s))
}

#[test]
fn the_identity_layer_leaves_every_scenario_files_run_unchanged() {
    for (name, s) in common::scenario_files() {
        let (plain, wrapped) = plain_and_wrapped(&s);
        assert_eq!(plain, wrapped, "{name}: the stack ran differently");
    }
}

#[test]
fn the_stack_wraps_the_inner_protocols_packets_and_timers() {
    let config = StackConfig { layer: (), inner: CentralizedConfig { reliable: true, ..CentralizedConfig::default() } };
    let group = GroupInfo::of_size(3);
    let mut h = Harness::<Stack<PassThrough, Centralized>>::new(0, group, UniformDistance(SimDuration::ZERO), &config);
    let out = h.handle_at_ms(0, Input::AppSend { id: MsgId(0), bytes: 1000 });
    let data = |to| Output::Send { to, msg: Envelope(Msg::Data { id: MsgId(0), bytes: 1040, retransmit: false }) };
    assert_eq!(out[..2], [data(1), data(2)]);
    let Output::SetTimer { timer, .. } = out[2].clone() else { panic!("a retransmission timer: {out:?}") };
    assert_eq!(out.len(), 3, "{out:?}");
    // Node 1's ACK in its envelope reaches the inner sender; when the (wrapped) timer fires, only
    // node 2 gets the message again, in an envelope.
    let ack = Envelope(Msg::Ack { id: MsgId(0), bytes: 40 });
    assert_eq!(h.handle_at_ms(5, Input::Recv { from: 1, msg: ack }), []);
    let again = h.handle_at_ms(250, Input::Timer(timer));
    let resend = Output::Send { to: 2, msg: Envelope(Msg::Data { id: MsgId(0), bytes: 1040, retransmit: true }) };
    assert_eq!(again[0], resend, "{again:?}");
    assert!(!again.iter().any(|o| matches!(o, Output::Send { to: 1, .. })), "{again:?}");
}
