//! Attackers as the kernel runs them: members that withhold the payload they should forward.
//!
//! The scenario names them ([`crate::scenario::attackers`]); the kernel enforces it where a
//! node's packets enter the network: from [`Attack::from`] on, a payload packet
//! ([`PacketKind::is_payload`]) an attacker sends about a message it did not originate (or about
//! no message at all) never leaves it, and is counted as withheld. Control packets go out as
//! usual, and the attacker receives and delivers like any member: a free-rider, invisible to the
//! protocol except through what it does not send. A protocol never learns who attacks.
//!
//! With no attackers the kernel holds no [`Withholding`] and sends exactly as before: the trace
//! of every scenario without `attackers` is unchanged.

use crate::protocol::{MsgId, NodeId, PacketKind};
use crate::time::SimTime;

/// Who attacks and from when, compiled from the scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attack {
    /// The attackers, in id order: initial members, never a workload sender.
    pub nodes: Vec<NodeId>,
    /// From this time on they withhold payload; before it they behave.
    pub from: SimTime,
}

/// The kernel's look-up for an [`Attack`]: one flag per node and each message's origin.
#[derive(Clone, Debug)]
pub struct Withholding {
    attacker: Vec<bool>,
    /// Message id → the node that originated it.
    origin: Vec<NodeId>,
    from: SimTime,
}

impl Withholding {
    /// The look-up for `attack` over `nodes` node ids and messages sent by `senders[id]`.
    pub fn new(attack: &Attack, nodes: u32, senders: &[NodeId]) -> Self {
        let mut attacker = vec![false; nodes as usize];
        for &n in &attack.nodes {
            if let Some(flag) = attacker.get_mut(n as usize) {
                *flag = true;
            }
        }
        Withholding { attacker, origin: senders.to_vec(), from: attack.from }
    }

    /// Whether node `from` withholds, at `now`, a packet of `kind` about `msg`.
    #[inline]
    pub fn withholds(&self, from: NodeId, kind: PacketKind, msg: Option<MsgId>, now: SimTime) -> bool {
        now >= self.from
            && kind.is_payload()
            && self.attacker.get(from as usize).copied().unwrap_or(false)
            && msg.and_then(|m| self.origin.get(m.0 as usize)) != Some(&from)
    }

    /// Whether node `node` is an attacker.
    pub fn is_attacker(&self, node: NodeId) -> bool {
        self.attacker.get(node as usize).copied().unwrap_or(false)
    }

    /// From when node `node` withholds, if it is an attacker.
    pub fn attacks_from(&self, node: NodeId) -> Option<SimTime> {
        self.is_attacker(node).then_some(self.from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_forwarded_payload_from_an_attacker_after_the_time_is_withheld() {
        let w = Withholding::new(&Attack { nodes: vec![2, 9], from: SimTime(100) }, 4, &[0, 2]);
        let (gossip, ack) = (PacketKind::Gossip, PacketKind::Ack);
        assert!(w.withholds(2, gossip, Some(MsgId(0)), SimTime(100)));
        assert!(w.withholds(2, gossip, None, SimTime(100)));
        assert!(!w.withholds(2, gossip, Some(MsgId(0)), SimTime(99)), "before the flash");
        assert!(!w.withholds(2, gossip, Some(MsgId(1)), SimTime(100)), "its own message");
        assert!(!w.withholds(2, ack, Some(MsgId(0)), SimTime(100)), "control flows");
        assert!(!w.withholds(1, gossip, Some(MsgId(0)), SimTime(100)), "honest");
        assert!(!w.withholds(9, gossip, Some(MsgId(0)), SimTime(100)), "past the ids");
        assert!(w.is_attacker(2) && !w.is_attacker(1) && !w.is_attacker(9));
        assert_eq!((w.attacks_from(2), w.attacks_from(1)), (Some(SimTime(100)), None));
    }
}
