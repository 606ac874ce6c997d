//! SWIM's probe cycle as a state machine of its own (Das, Gupta & Motivala, "SWIM: Scalable
//! Weakly-consistent Infection-style Process Group Membership Protocol", DSN 2002, §3.1, §4.3):
//! one target per protocol period, a ping, ping-reqs through k other members when the ping goes
//! unanswered, and the pings a member sends for others' ping-reqs. Like [`super::Detector`] it
//! returns [`ProbeStep`]s (requests and verdicts) and never touches a
//! [`crate::protocol::Context`]: its owner sends the packets, sets the timers and decides what a
//! failed probe means (SWIM suspects the target, §4.2, and disseminates it, §4.1).
//!
//! The cycle, with the owner's part in brackets:
//!
//! - [`ProbeCycle::end_period`] (the period's timer fired): [`ProbeStep::Failed`] if the period's
//!   probe got no ack; then [`ProbeCycle::next_probe`] picks the next target from the member list
//!   (round-robin over its probe order, §4.3, or uniformly at random, §3.1) and gives
//!   [`ProbeStep::Ping`] (send the ping, hand its `seq` back after the ping timeout).
//! - [`ProbeCycle::ping_timeout`]: the ping is still unanswered, so one [`ProbeStep::PingReq`] per
//!   helper, k members other than this one and the target picked uniformly (§3.1).
//! - [`ProbeCycle::ping_req`] (a ping-req came): [`ProbeStep::RelayPing`] (ping the target under a
//!   sequence number of this member's, hand it to [`ProbeCycle::relay_expired`] after a period).
//! - [`ProbeCycle::ack`]: of the period's probe, direct or relayed, [`ProbeStep::Acked`]; of a relayed
//!   ping, [`ProbeStep::RelayAck`] (send the requester an ack under its sequence number).
//!
//! The member list itself (who is a member, the probe order) is the owner's, seen through
//! [`ProbeTargets`]; every random choice is made there, from the generator the owner passes in.
//! Pings and relayed pings share one sequence counter, so an ack matches one of them at most.

use crate::protocol::NodeId;
use rand::Rng;

/// The member list a probe cycle picks from: its owner's.
pub trait ProbeTargets {
    /// The next member of the probe order (round-robin over a random permutation, §4.3).
    fn next_target(&mut self, rng: &mut impl Rng) -> Option<NodeId>;
    /// A member picked uniformly at random (§3.1's basic protocol).
    fn random_target(&self, rng: &mut impl Rng) -> Option<NodeId>;
    /// Up to `k` distinct members other than the owner and `target`, picked uniformly.
    fn pick_helpers(&self, k: u32, target: NodeId, rng: &mut impl Rng) -> Vec<NodeId>;
}

/// A probe cycle's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProbeConfig {
    /// Members asked to ping the target when the direct ping goes unanswered (the paper's k).
    pub helpers: u32,
    /// Targets round-robin over the probe order (§4.3) rather than uniformly at random (§3.1).
    pub round_robin: bool,
}

/// The probe of the current protocol period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    /// The member probed.
    pub target: NodeId,
    /// The ping's sequence number.
    pub seq: u32,
    /// Whether an ack (direct or relayed) came.
    pub acked: bool,
}

/// What the probe cycle tells its owner, or asks of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeStep {
    /// Send `target` a ping numbered `seq`, and hand `seq` to [`ProbeCycle::ping_timeout`] after
    /// the ping timeout.
    Ping {
        /// The period's target.
        target: NodeId,
        /// The ping's sequence number.
        seq: u32,
    },
    /// Ask `helper` to ping `target` on this member's behalf and relay the ack as `seq`.
    PingReq {
        /// The member asked.
        helper: NodeId,
        /// The member to ping.
        target: NodeId,
        /// The probe's sequence number.
        seq: u32,
    },
    /// Ping `target` for a ping-req under `seq`, and hand `seq` to [`ProbeCycle::relay_expired`]
    /// after a period.
    RelayPing {
        /// The member to ping.
        target: NodeId,
        /// This member's sequence number for the ping.
        seq: u32,
    },
    /// Send `requester` an ack numbered `seq`: the target of its ping-req answered.
    RelayAck {
        /// The member that sent the ping-req.
        requester: NodeId,
        /// The requester's sequence number.
        seq: u32,
    },
    /// The period's probe of the member was answered (directly or through a helper).
    Acked(NodeId),
    /// The period's probe of the member got no ack by the end of the period.
    Failed(NodeId),
}

/// A ping sent for another member's ping-req: its ack is relayed to `requester` as `seq`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Relay {
    /// This member's ping to the target.
    ping_seq: u32,
    requester: NodeId,
    seq: u32,
}

/// One member's probe cycle. See the module docs.
#[derive(Clone, Debug)]
pub struct ProbeCycle {
    config: ProbeConfig,
    probe: Option<Probe>,
    /// The latest sequence number, of a ping or a relayed ping.
    seq: u32,
    relays: Vec<Relay>,
}

impl ProbeCycle {
    /// A cycle with no probe under way.
    pub fn new(config: ProbeConfig) -> ProbeCycle {
        ProbeCycle { config, probe: None, seq: 0, relays: Vec::new() }
    }

    /// Its settings.
    pub fn config(&self) -> &ProbeConfig {
        &self.config
    }

    /// The current period's probe, if any.
    pub fn probe(&self) -> Option<Probe> {
        self.probe
    }

    /// Bytes held beyond the struct: the relays' records.
    pub fn heap_bytes(&self) -> usize {
        self.relays.capacity() * std::mem::size_of::<Relay>()
    }

    /// The end of a protocol period: [`ProbeStep::Failed`] if its probe went unanswered. The probe is
    /// over either way; [`ProbeCycle::next_probe`] starts the next one.
    pub fn end_period(&mut self) -> Option<ProbeStep> {
        match self.probe.take() {
            Some(Probe { target, acked: false, .. }) => Some(ProbeStep::Failed(target)),
            _ => None,
        }
    }

    /// The next period's probe: [`ProbeStep::Ping`] to a target picked from `members`, or nothing if
    /// there is no other member.
    pub fn next_probe(&mut self, members: &mut impl ProbeTargets, rng: &mut impl Rng) -> Option<ProbeStep> {
        let target = if self.config.round_robin { members.next_target(rng) } else { members.random_target(rng) }?;
        self.seq = self.seq.wrapping_add(1);
        self.probe = Some(Probe { target, seq: self.seq, acked: false });
        Some(ProbeStep::Ping { target, seq: self.seq })
    }

    /// The ping numbered `seq` has gone unanswered for the ping timeout: one [`ProbeStep::PingReq`]
    /// per helper picked from `members`; nothing if it was answered or is not the current one.
    pub fn ping_timeout(&self, seq: u32, members: &impl ProbeTargets, rng: &mut impl Rng) -> Vec<ProbeStep> {
        let Some(Probe { target, seq: s, acked: false }) = self.probe else { return Vec::new() };
        if s != seq {
            return Vec::new();
        }
        let helpers = members.pick_helpers(self.config.helpers, target, rng);
        helpers.into_iter().map(|helper| ProbeStep::PingReq { helper, target, seq }).collect()
    }

    /// `requester` asked this member to ping `target` and relay the ack as `seq`:
    /// [`ProbeStep::RelayPing`] under a new sequence number of this member's.
    pub fn ping_req(&mut self, requester: NodeId, seq: u32, target: NodeId) -> ProbeStep {
        self.seq = self.seq.wrapping_add(1);
        self.relays.push(Relay { ping_seq: self.seq, requester, seq });
        ProbeStep::RelayPing { target, seq: self.seq }
    }

    /// The relayed ping numbered `seq` is a period old: its ack, if one still comes, is dropped.
    pub fn relay_expired(&mut self, seq: u32) {
        self.relays.retain(|r| r.ping_seq != seq);
    }

    /// An ack numbered `seq`: [`ProbeStep::Acked`] for the period's probe (once acked, later acks of
    /// it give it again), [`ProbeStep::RelayAck`] for a relayed ping (once), or nothing.
    pub fn ack(&mut self, seq: u32) -> Option<ProbeStep> {
        if let Some(p) = self.probe.as_mut().filter(|p| p.seq == seq) {
            p.acked = true;
            return Some(ProbeStep::Acked(p.target));
        }
        let i = self.relays.iter().position(|r| r.ping_seq == seq)?;
        let r = self.relays.swap_remove(i);
        Some(ProbeStep::RelayAck { requester: r.requester, seq: r.seq })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use ProbeStep::{Acked, Failed, Ping, PingReq, RelayAck, RelayPing};

    /// A scripted member list: targets in a fixed order, helpers the first k of a fixed list
    /// without the target; no randomness.
    struct Script {
        order: Vec<NodeId>,
        next: usize,
        helpers: Vec<NodeId>,
    }

    impl ProbeTargets for Script {
        fn next_target(&mut self, _: &mut impl Rng) -> Option<NodeId> {
            let n = self.order.get(self.next % self.order.len().max(1)).copied();
            self.next += 1;
            n
        }
        fn random_target(&self, _: &mut impl Rng) -> Option<NodeId> {
            self.order.last().copied()
        }
        fn pick_helpers(&self, k: u32, target: NodeId, _: &mut impl Rng) -> Vec<NodeId> {
            self.helpers.iter().copied().filter(|&h| h != target).take(k as usize).collect()
        }
    }

    fn script() -> Script {
        Script { order: vec![4, 7, 2], next: 0, helpers: vec![1, 4, 5, 6] }
    }

    fn cycle(round_robin: bool) -> ProbeCycle {
        ProbeCycle::new(ProbeConfig { helpers: 2, round_robin })
    }

    fn rng() -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(1)
    }

    #[test]
    fn each_period_pings_the_next_target_and_an_unacked_probe_fails() {
        let (mut c, mut m, mut r) = (cycle(true), script(), rng());
        assert_eq!(c.end_period(), None, "no probe yet");
        assert_eq!(c.next_probe(&mut m, &mut r), Some(Ping { target: 4, seq: 1 }));
        assert_eq!(c.probe(), Some(Probe { target: 4, seq: 1, acked: false }));
        assert_eq!(c.end_period(), Some(Failed(4)));
        assert_eq!((c.end_period(), c.probe()), (None, None), "failed once");
        assert_eq!(c.next_probe(&mut m, &mut r), Some(Ping { target: 7, seq: 2 }));
        assert_eq!(c.ack(2), Some(Acked(7)));
        assert_eq!(c.end_period(), None, "acked: no verdict");
        assert_eq!(c.next_probe(&mut m, &mut r), Some(Ping { target: 2, seq: 3 }));
    }

    #[test]
    fn without_round_robin_the_target_is_the_random_one() {
        let (mut c, mut m, mut r) = (cycle(false), script(), rng());
        assert_eq!(c.next_probe(&mut m, &mut r), Some(Ping { target: 2, seq: 1 }));
        assert_eq!(c.next_probe(&mut m, &mut r), Some(Ping { target: 2, seq: 2 }));
    }

    #[test]
    fn with_no_other_member_nothing_is_probed() {
        let (mut c, mut r) = (cycle(true), rng());
        let mut m = Script { order: vec![], next: 0, helpers: vec![] };
        assert_eq!(c.next_probe(&mut m, &mut r), None);
        assert_eq!((c.probe(), c.end_period()), (None, None));
    }

    #[test]
    fn an_unanswered_ping_asks_k_helpers_other_than_the_target() {
        let (mut c, mut m, mut r) = (cycle(true), script(), rng());
        assert_eq!(c.next_probe(&mut m, &mut r), Some(Ping { target: 4, seq: 1 }));
        assert_eq!(
            c.ping_timeout(1, &m, &mut r),
            [PingReq { helper: 1, target: 4, seq: 1 }, PingReq { helper: 5, target: 4, seq: 1 }]
        );
        assert_eq!(c.ping_timeout(2, &m, &mut r), [], "not the current ping");
        assert_eq!(c.ack(1), Some(Acked(4)), "the relayed ack");
        assert_eq!(c.ping_timeout(1, &m, &mut r), [], "answered already");
        assert_eq!(c.end_period(), None);
        assert_eq!(c.ping_timeout(1, &m, &mut r), [], "the probe is over");
    }

    #[test]
    fn a_ping_req_is_pinged_under_a_fresh_seq_and_its_ack_relayed_once() {
        let (mut c, mut m, mut r) = (cycle(true), script(), rng());
        assert_eq!(c.next_probe(&mut m, &mut r), Some(Ping { target: 4, seq: 1 }));
        assert_eq!(c.ping_req(9, 40, 3), RelayPing { target: 3, seq: 2 });
        assert_eq!(c.ping_req(8, 7, 3), RelayPing { target: 3, seq: 3 });
        assert_eq!(c.heap_bytes(), 4 * 12, "two relays in the first push's four slots");
        assert_eq!(c.ack(3), Some(RelayAck { requester: 8, seq: 7 }));
        assert_eq!(c.ack(3), None, "relayed once");
        c.relay_expired(2);
        assert_eq!(c.ack(2), None, "expired");
        assert_eq!(c.ack(1), Some(Acked(4)), "the own probe is unaffected");
        assert_eq!(c.next_probe(&mut m, &mut r), Some(Ping { target: 7, seq: 4 }), "one counter");
    }
}
