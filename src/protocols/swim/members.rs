//! One member's membership list (§4): each member's state and incarnation, the order in which
//! it is probed (§4.3), and the rules that decide which update overrides which (§4.2).
//!
//! Memory: 8 bytes per node id known (state and incarnation) plus 4 per member in the probe
//! order, so about 12 bytes per member per member: SWIM keeps a full list at every member.

use super::wire::{Claim, Update};
use crate::protocol::NodeId;
use rand::Rng;

/// Node ids at or past this are ignored (a bound on the list's growth, far past any group).
pub const MAX_NODE: NodeId = 1 << 24;

/// A member's state in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Not known (a node id never heard of).
    Unknown,
    /// Alive.
    Alive,
    /// Suspected of having failed.
    Suspect,
    /// Confirmed failed.
    Dead,
    /// Left the group.
    Left,
}

impl State {
    /// Whether the member counts as one (alive or suspected): probed, asked to help.
    pub fn is_member(self) -> bool {
        matches!(self, State::Alive | State::Suspect)
    }
}

/// One entry: 8 bytes.
#[derive(Clone, Copy, Debug)]
struct Entry {
    incarnation: u32,
    state: State,
}

/// What applying an update changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Nothing: the update was stale or said what the list knew.
    Stale,
    /// A member not known before joined.
    Joined,
    /// A member's entry was renewed (a higher incarnation, the same state).
    Renewed,
    /// A member is suspected from now on (at the update's incarnation).
    Suspected,
    /// A suspected member was refuted: alive again.
    Refuted,
    /// A member was confirmed failed.
    Confirmed,
    /// A confirmed member is alive again, with a higher incarnation.
    Recovered,
    /// A member left.
    Left,
    /// The update suspected or confirmed this member: it refutes with a higher incarnation.
    Refute,
}

/// A member's list of the group.
#[derive(Clone, Debug)]
pub struct Members {
    me: NodeId,
    entries: Vec<Entry>,
    /// The probe order: a random permutation of the members, traversed round-robin (§4.3).
    order: Vec<NodeId>,
    /// The next position in `order`.
    next: usize,
    /// Members other than this one (alive or suspected).
    count: u32,
}

impl Members {
    /// The list of member `me` at the start: the initial members `0..size`, all alive at
    /// incarnation 0 (and `me`, if it joins later).
    pub fn new(me: NodeId, size: u32) -> Members {
        let alive = Entry { incarnation: 0, state: State::Alive };
        let known = size.max(me.saturating_add(1)).min(MAX_NODE);
        let mut entries = vec![alive; known as usize];
        for e in entries.iter_mut().skip(size as usize) {
            e.state = State::Unknown;
        }
        if let Some(e) = entries.get_mut(me as usize) {
            e.state = State::Alive;
        }
        let count = entries.iter().filter(|e| e.state.is_member()).count() as u32 - 1;
        Members { me, entries, order: Vec::new(), next: 0, count }
    }

    /// Members other than this one (alive or suspected).
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The nodes in state `state`, in id order (for the inspector).
    pub fn in_state(&self, state: State) -> impl Iterator<Item = NodeId> + '_ {
        self.entries.iter().enumerate().filter(move |(_, e)| e.state == state).map(|(i, _)| i as NodeId)
    }

    /// `node`'s state and incarnation.
    pub fn get(&self, node: NodeId) -> (State, u32) {
        self.entries.get(node as usize).map_or((State::Unknown, 0), |e| (e.state, e.incarnation))
    }

    /// Bytes the list holds, for the memory estimate.
    pub fn bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>() + self.order.capacity() * 4
    }

    /// The next member to probe: round-robin over a random permutation of the members, a new
    /// permutation after each traversal (§4.3); members that are no longer members are skipped.
    pub fn next_target(&mut self, rng: &mut impl Rng) -> Option<NodeId> {
        for _ in 0..2 {
            while let Some(&n) = self.order.get(self.next) {
                self.next += 1;
                if n != self.me && self.get(n).0.is_member() {
                    return Some(n);
                }
            }
            self.reshuffle(rng);
        }
        None
    }

    /// A member picked uniformly at random (§3.1's basic protocol).
    pub fn random_target(&self, rng: &mut impl Rng) -> Option<NodeId> {
        self.pick_helpers(1, self.me, rng).first().copied()
    }

    fn reshuffle(&mut self, rng: &mut impl Rng) {
        self.order.clear();
        let me = self.me;
        let members = self.entries.iter().enumerate().filter(|(n, e)| *n as NodeId != me && e.state.is_member());
        self.order.extend(members.map(|(n, _)| n as NodeId));
        for i in (1..self.order.len()).rev() {
            let j = rng.random_range(0..=i);
            self.order.swap(i, j);
        }
        self.next = 0;
    }

    /// Up to `k` distinct members other than this one and `target`, picked uniformly (§3.1).
    pub fn pick_helpers(&self, k: u32, target: NodeId, rng: &mut impl Rng) -> Vec<NodeId> {
        let mut pool: Vec<NodeId> = (0..self.entries.len() as NodeId)
            .filter(|&n| n != self.me && n != target && self.get(n).0.is_member())
            .collect();
        let k = (k as usize).min(pool.len());
        for i in 0..k {
            let j = rng.random_range(i..pool.len());
            pool.swap(i, j);
        }
        pool.truncate(k);
        pool
    }

    /// Applies `update` by the rules of §4.2 (an Alive overrides a Suspect or Alive of a lower
    /// incarnation; a Suspect overrides a Suspect of a lower one and an Alive of a lower or equal
    /// one; a Confirm overrides anything) and says what changed. An update about this member
    /// that suspects or confirms it gives [`Effect::Refute`]; the caller raises its incarnation.
    pub fn apply(&mut self, u: Update, rng: &mut impl Rng) -> Effect {
        if u.node >= MAX_NODE {
            return Effect::Stale;
        }
        if u.node == self.me {
            let own = self.get(self.me).1;
            return match u.claim {
                Claim::Suspect | Claim::Confirm if u.incarnation >= own => Effect::Refute,
                _ => Effect::Stale,
            };
        }
        let (state, inc) = self.get(u.node);
        let (i, newer) = (u.incarnation, u.incarnation > inc);
        let (to, effect) = match (u.claim, state) {
            (Claim::Alive, State::Unknown) => (State::Alive, Effect::Joined),
            (Claim::Alive, State::Alive) if newer => (State::Alive, Effect::Renewed),
            (Claim::Alive, State::Suspect) if newer => (State::Alive, Effect::Refuted),
            (Claim::Alive, State::Dead) if newer => (State::Alive, Effect::Recovered),
            (Claim::Suspect, State::Unknown) => (State::Suspect, Effect::Suspected),
            (Claim::Suspect, State::Alive) if i >= inc => (State::Suspect, Effect::Suspected),
            (Claim::Suspect, State::Suspect) if newer => (State::Suspect, Effect::Suspected),
            (Claim::Confirm, State::Unknown | State::Alive | State::Suspect) => (State::Dead, Effect::Confirmed),
            (Claim::Left, State::Unknown | State::Alive | State::Suspect) => (State::Left, Effect::Left),
            _ => return Effect::Stale,
        };
        self.set(u.node, to, i.max(inc), rng);
        effect
    }

    /// Sets `node`'s entry, keeping the member count and the probe order (a new member goes
    /// into the rest of this traversal at a random position, §4.3).
    pub fn set(&mut self, node: NodeId, state: State, incarnation: u32, rng: &mut impl Rng) {
        if node >= MAX_NODE {
            return;
        }
        if node as usize >= self.entries.len() {
            self.entries.resize(node as usize + 1, Entry { incarnation: 0, state: State::Unknown });
        }
        let Some(e) = self.entries.get_mut(node as usize) else { return };
        let (was, is) = (e.state.is_member(), state.is_member());
        *e = Entry { incarnation, state };
        if node == self.me {
            return;
        }
        match (was, is) {
            (false, true) => {
                self.count += 1;
                if !self.order.is_empty() {
                    let at = rng.random_range(self.next.min(self.order.len())..=self.order.len());
                    self.order.insert(at, node);
                }
            }
            (true, false) => self.count -= 1,
            _ => {}
        }
    }
}
