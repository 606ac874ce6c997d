//! Failure detection as a state machine of its own: which monitored peers have gone silent, which
//! answered, which are presumed dead. It returns verdicts; its owner decides what to send and
//! what a death means.
//!
//! A [`Detector`] knows the peers it monitors, when each was last heard from, and three settings
//! ([`DetectorConfig`]): the silence after which a peer is suspected (`dead_after`), how many
//! probes a suspect is sent (`probe_attempts`) and how far apart (`probe_interval`). Its inputs:
//! start and stop monitoring a peer, "heard from p at t" (any packet is a sign of life), a tick
//! (the owner's periodic check; a heartbeat protocol ticks once per heartbeat interval) and the
//! timeout of a probe. Its outputs are [`Verdict`]s, in the order of the peers' monitoring:
//!
//! - silent past `dead_after` at a tick: [`Verdict::Suspect`], then a first [`Verdict::Probe`]
//!   (without probes, [`Verdict::Dead`] at once);
//! - a probe's timeout while still suspected: the next probe, or after `probe_attempts` of them
//!   [`Verdict::Dead`], and the peer is no longer monitored;
//! - a sign of life from a suspect: [`Verdict::Alive`], and the suspicion is over.
//!
//! It holds no packets and no [`crate::protocol::Context`], sets no timer and never calls its
//! owner: a probe is a request ("send p a probe, and hand me this token after the probe
//! interval"), and a stale token (the peer answered, or is no longer monitored) yields nothing.
//! The tree re-joins on a dead parent and drops a dead child; a membership protocol would gossip
//! the death.
//!
//! **SWIM** (Das, Gupta & Motivala, "SWIM: Scalable Weakly-consistent Infection-style Process
//! Group Membership Protocol", DSN 2002) probes differently, so its probe cycle is the block's
//! second state machine, [`super::ProbeCycle`] (in `probe.rs`), not this detector. Here every
//! monitored peer is checked at every tick against the last time it was heard from, and probes
//! go to the suspect itself: the heartbeat shape of a tree node watching its parent and a few
//! children. The probe cycle instead pings one member per protocol period, round-robin over the
//! whole group (§3.1, §4.3); without an ack within the ping timeout it asks k other members to
//! ping on its behalf (*ping-req*) and relays acks for the ping-reqs it gets; its verdict is that
//! the period's probe was acked or failed. Both return verdicts and requests and never touch a
//! [`crate::protocol::Context`]. What a failed probe means stays with
//! [`crate::protocols::swim`]: it only suspects the target, which refutes the suspicion with a
//! higher *incarnation number* (§4.2), and every verdict is disseminated to the group on the
//! probes themselves (§4.1). Shared besides: the packet kinds (`ping` for pings and acks,
//! `ping_req`, `suspect`) and the idea of a suspicion that ends in a verdict unless the peer
//! shows a sign of life ([`Verdict::Alive`]).
//!
//! Peers are kept in a list in the order their monitoring started, so that verdicts come in the
//! same order on every run; lookups scan it, which suits a few neighbours (a tree node's parent
//! or k children), not thousands.

use crate::protocol::NodeId;
use crate::time::{SimDuration, SimTime};

/// A detector's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DetectorConfig {
    /// How long a peer may stay silent before it is suspected: a tick finds it suspected once
    /// its silence is longer than this.
    pub dead_after: SimDuration,
    /// Probes a suspect is sent before it is presumed dead (0: dead as soon as suspected).
    pub probe_attempts: u32,
    /// The time between two probes, and from the last one to the verdict.
    pub probe_interval: SimDuration,
}

/// What the detector tells its owner, or asks of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The peer has been silent past `dead_after`: suspected from now on (probes follow).
    Suspect(NodeId),
    /// Send the peer a probe, and hand `token` back to [`Detector::probe_timeout`] after the
    /// probe interval.
    Probe {
        /// The suspect.
        peer: NodeId,
        /// This suspicion's token: the same for each of its probes, stale once it is over.
        token: u32,
    },
    /// A suspect was heard from: the suspicion is over.
    Alive(NodeId),
    /// Every probe went unanswered (or there were none): presumed dead, no longer monitored.
    Dead(NodeId),
}

/// A monitored peer.
#[derive(Clone, Copy, Debug)]
struct Peer {
    /// When it was last heard from (or monitoring started).
    heard: SimTime,
    id: NodeId,
    /// While suspected: the probes sent so far and the suspicion's token.
    probing: Option<(u32, u32)>,
}

/// The failure detector of one node over the peers it monitors.
#[derive(Clone, Debug)]
pub struct Detector {
    config: DetectorConfig,
    /// The monitored peers, in the order their monitoring started.
    peers: Vec<Peer>,
    /// The latest suspicion's token.
    token: u32,
}

impl Detector {
    /// A detector monitoring nobody yet.
    pub fn new(config: DetectorConfig) -> Detector {
        Detector { config, peers: Vec::new(), token: 0 }
    }

    /// Its settings.
    pub fn config(&self) -> &DetectorConfig {
        &self.config
    }

    /// Starts monitoring `peer`, as heard from at `now` (if it was monitored already, it starts
    /// afresh, unsuspected, in its place).
    pub fn monitor(&mut self, peer: NodeId, now: SimTime) {
        let fresh = Peer { heard: now, id: peer, probing: None };
        match self.peers.iter_mut().find(|p| p.id == peer) {
            Some(p) => *p = fresh,
            None => {
                if self.peers.capacity() == 0 {
                    // Room for one peer first (a tree node's parent detector never needs more),
                    // not the four a first push makes room for.
                    self.peers.reserve_exact(1);
                }
                self.peers.push(fresh);
            }
        }
    }

    /// Stops monitoring `peer`: nothing more is said of it, its probes' tokens are stale.
    pub fn stop(&mut self, peer: NodeId) {
        self.peers.retain(|p| p.id != peer);
    }

    /// Stops monitoring every peer.
    pub fn stop_all(&mut self) {
        self.peers.clear();
    }

    /// A sign of life from `peer` at `now`: [`Verdict::Alive`] if it was suspected.
    pub fn heard(&mut self, peer: NodeId, now: SimTime) -> Option<Verdict> {
        let p = self.peers.iter_mut().find(|p| p.id == peer)?;
        p.heard = now;
        p.probing.take().map(|_| Verdict::Alive(peer))
    }

    /// The periodic check at `now`: each peer silent past `dead_after` and not yet suspected is
    /// suspected and sent its first probe (or, without probes, presumed dead).
    pub fn tick(&mut self, now: SimTime) -> Vec<Verdict> {
        let DetectorConfig { dead_after, probe_attempts, .. } = self.config;
        let mut out = Vec::new();
        for p in self.peers.iter_mut().filter(|p| p.probing.is_none() && now.since(p.heard) > dead_after) {
            out.push(Verdict::Suspect(p.id));
            if probe_attempts == 0 {
                out.push(Verdict::Dead(p.id));
                continue;
            }
            self.token = self.token.wrapping_add(1);
            p.probing = Some((1, self.token));
            out.push(Verdict::Probe { peer: p.id, token: self.token });
        }
        if probe_attempts == 0 && !out.is_empty() {
            self.peers.retain(|p| now.since(p.heard) <= dead_after);
        }
        out
    }

    /// The probe of `peer` with `token` has gone unanswered for a probe interval: the next
    /// probe, or after the last one [`Verdict::Dead`]; nothing if the token is stale.
    pub fn probe_timeout(&mut self, peer: NodeId, token: u32) -> Option<Verdict> {
        let i = self.peers.iter().position(|p| p.id == peer && p.probing.is_some_and(|(_, t)| t == token))?;
        let (sent, _) = self.peers[i].probing.as_mut()?;
        if *sent >= self.config.probe_attempts {
            self.peers.remove(i);
            return Some(Verdict::Dead(peer));
        }
        *sent += 1;
        Some(Verdict::Probe { peer, token })
    }

    /// When `peer` was last heard from, if it is monitored.
    pub fn last_heard(&self, peer: NodeId) -> Option<SimTime> {
        self.peers.iter().find(|p| p.id == peer).map(|p| p.heard)
    }

    /// Whether `peer` is monitored and suspected.
    pub fn is_suspected(&self, peer: NodeId) -> bool {
        self.peers.iter().any(|p| p.id == peer && p.probing.is_some())
    }

    /// The monitored peers, in the order their monitoring started.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.peers.iter().map(|p| p.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::{Alive, Dead, Probe, Suspect};

    /// Silent for more than 2 s: suspected; three probes 400 ms apart.
    fn detector() -> Detector {
        Detector::new(DetectorConfig {
            dead_after: SimDuration::from_ms(2_000),
            probe_attempts: 3,
            probe_interval: SimDuration::from_ms(400),
        })
    }

    fn at(ms: u64) -> SimTime {
        SimTime::from_ms(ms)
    }

    #[test]
    fn silence_past_dead_after_gives_a_suspicion_and_a_probe_request() {
        let mut d = detector();
        d.monitor(7, at(0));
        d.monitor(3, at(500));
        assert_eq!(d.tick(at(2_000)), [], "silent for exactly dead_after: not yet");
        assert_eq!(d.tick(at(2_001)), [Suspect(7), Probe { peer: 7, token: 1 }]);
        assert_eq!(d.tick(at(2_400)), [], "7 is suspected already, 3 silent for 1.9 s");
        assert_eq!(d.tick(at(2_600)), [Suspect(3), Probe { peer: 3, token: 2 }]);
        assert_eq!((d.is_suspected(7), d.is_suspected(3), d.is_suspected(9)), (true, true, false));
    }

    #[test]
    fn unanswered_probes_give_dead_after_probe_attempts_and_the_peer_is_forgotten() {
        let mut d = detector();
        d.monitor(7, at(0));
        assert_eq!(d.tick(at(2_100)), [Suspect(7), Probe { peer: 7, token: 1 }]);
        assert_eq!(d.probe_timeout(7, 1), Some(Probe { peer: 7, token: 1 }), "the second probe");
        assert_eq!(d.probe_timeout(7, 1), Some(Probe { peer: 7, token: 1 }), "the third");
        assert_eq!(d.probe_timeout(7, 1), Some(Dead(7)));
        assert_eq!((d.peers().count(), d.last_heard(7)), (0, None));
        assert_eq!(d.probe_timeout(7, 1), None, "dead once");
        assert_eq!(d.tick(at(9_000)), []);
    }

    #[test]
    fn an_answer_between_probes_gives_alive_and_resets_the_silence() {
        let mut d = detector();
        d.monitor(7, at(0));
        assert_eq!(d.tick(at(2_100)), [Suspect(7), Probe { peer: 7, token: 1 }]);
        assert_eq!(d.probe_timeout(7, 1), Some(Probe { peer: 7, token: 1 }));
        assert_eq!(d.heard(7, at(2_600)), Some(Alive(7)));
        assert_eq!(d.heard(7, at(2_700)), None, "not suspected any more");
        assert_eq!(d.probe_timeout(7, 1), None, "the suspicion's token is stale");
        assert_eq!(d.last_heard(7), Some(at(2_700)));
        // Silent again from 2.7 s: a new suspicion past 4.7 s, with a new token.
        assert_eq!(d.tick(at(4_700)), []);
        assert_eq!(d.tick(at(4_701)), [Suspect(7), Probe { peer: 7, token: 2 }]);
        assert_eq!(d.probe_timeout(7, 1), None);
    }

    #[test]
    fn a_stopped_peer_gives_nothing() {
        let mut d = detector();
        d.monitor(7, at(0));
        d.monitor(8, at(0));
        assert_eq!(
            d.tick(at(2_100)),
            [Suspect(7), Probe { peer: 7, token: 1 }, Suspect(8), Probe { peer: 8, token: 2 }]
        );
        d.stop(7);
        assert_eq!((d.probe_timeout(7, 1), d.heard(7, at(2_200))), (None, None));
        assert_eq!(d.tick(at(5_000)), [], "8 is suspected already");
        d.stop_all();
        assert_eq!((d.probe_timeout(8, 2), d.tick(at(9_000))), (None, vec![]));
    }

    #[test]
    fn without_probes_a_silent_peer_is_dead_at_once() {
        let mut d = Detector::new(DetectorConfig { probe_attempts: 0, ..*detector().config() });
        d.monitor(7, at(0));
        d.monitor(8, at(1_000));
        d.monitor(9, at(0));
        assert_eq!(d.tick(at(2_100)), [Suspect(7), Dead(7), Suspect(9), Dead(9)]);
        assert_eq!(d.peers().collect::<Vec<_>>(), [8]);
    }

    #[test]
    fn monitoring_a_peer_again_starts_it_afresh_in_its_place() {
        let mut d = detector();
        d.monitor(7, at(0));
        d.monitor(8, at(0));
        assert_eq!(d.tick(at(2_100)).len(), 4);
        d.monitor(7, at(2_200));
        assert_eq!((d.is_suspected(7), d.last_heard(7)), (false, Some(at(2_200))));
        assert_eq!(d.probe_timeout(7, 1), None);
        assert_eq!(d.peers().collect::<Vec<_>>(), [7, 8]);
        assert_eq!(d.heard(9, at(2_300)), None, "not monitored");
    }
}
