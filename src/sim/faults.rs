//! The fault and membership schedule as the kernel runs it, and each node's life cycle.
//!
//! The scenario's faults (`crash`, `recover`, `pause`, `resume`, `join`, `leave` and the churn
//! process) are resolved before the run into a [`FaultPlan`]: a list of timed [`Fault`]s on node
//! ids, checked for order (a node recovers only when crashed, resumes only when paused, ...). The
//! kernel knows this schedule; protocols do not. A node learns of its own join, leave and restart
//! through its inputs, and of others' only through packets, or through a membership service when
//! the scenario names one.
//!
//! What each fault does to a node:
//!
//! | fault | state | inputs while in it | packets arriving | its uplink |
//! |---|---|---|---|---|
//! | crash | lost | none; its timers die | dropped, counted `to_crashed` | queued packets never leave |
//! | recover | fresh, from `Protocol::new` | `Restart`, then as usual | handled | empty |
//! | pause | kept | timers, application sends and notifications are deferred to the resume, in order | dropped, counted `to_paused` | keeps draining |
//! | resume | kept | the deferred inputs first, then as usual | handled | |
//! | join | fresh | `Join`, then as usual | handled | |
//! | leave | gone | `Leave`, then none ever | dropped, counted `to_absent` | keeps draining: the goodbye leaves |
//!
//! Node ids here come from the scenario (validated against the initial members and the
//! joiners), yet no lookup panics on one past them: such an id reads as absent and changes
//! nothing.

#![deny(clippy::indexing_slicing)]

use crate::protocol::NodeId;
use crate::time::{SimDuration, SimTime};
use std::collections::{BTreeMap, VecDeque};

/// One scheduled change of one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// The node stops and loses its state; packets still in its uplink never leave.
    Crash(NodeId),
    /// A crashed node comes back with fresh state and gets [`crate::protocol::Input::Restart`].
    Recover(NodeId),
    /// The node stops handling inputs but keeps its state; arrivals are dropped, timers deferred.
    Pause(NodeId),
    /// A paused node goes on, first handling what was deferred.
    Resume(NodeId),
    /// A new node joins the running group and gets [`crate::protocol::Input::Join`].
    Join(NodeId),
    /// A node gets [`crate::protocol::Input::Leave`], then stops for good.
    Leave(NodeId),
}

impl Fault {
    /// The node the fault happens to.
    pub fn node(self) -> NodeId {
        match self {
            Fault::Crash(n)
            | Fault::Recover(n)
            | Fault::Pause(n)
            | Fault::Resume(n)
            | Fault::Join(n)
            | Fault::Leave(n) => n,
        }
    }
}

/// Everything the kernel needs to run a scenario's faults and membership changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultPlan {
    /// The faults, sorted by time; faults at equal times keep the scenario's order.
    pub events: Vec<(SimTime, Fault)>,
    /// How many nodes join during the run: they have ids `size..size + joiners`.
    pub joiners: u32,
    /// The well-known nodes every node can contact (the workload's senders), handed over with
    /// `Join`, `Leave` and `Restart`.
    pub contacts: Vec<NodeId>,
    /// With a membership service: how long after a join, leave, crash or recovery every other
    /// member hears of it. `None`: no service, nodes learn only from packets.
    pub notify_after: Option<SimDuration>,
    /// Churn leaves that found no node to leave (every candidate had left already).
    pub skipped_leaves: u32,
    /// Whether the nodes run a membership service that reports its beliefs
    /// ([`crate::protocol::Output::Believe`]): the kernel records them against the truth.
    pub observe_beliefs: bool,
    /// Members that withhold the payload they should forward ([`super::attack`]); none if `None`.
    pub attack: Option<super::attack::Attack>,
}

impl FaultPlan {
    /// A plan of crashes only, given as `(time, node)` in any order.
    pub fn crashes(list: impl IntoIterator<Item = (SimTime, NodeId)>) -> FaultPlan {
        let mut events: Vec<(SimTime, Fault)> = list.into_iter().map(|(t, n)| (t, Fault::Crash(n))).collect();
        events.sort_by_key(|e| e.0);
        FaultPlan { events, ..FaultPlan::default() }
    }
}

/// Where a node is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Running: handles every input.
    Up,
    /// Paused: keeps its state, handles nothing until it resumes.
    Paused,
    /// Crashed: its state is gone; it may recover.
    Crashed,
    /// Not (yet) a member: a joiner before its join time.
    Absent,
    /// Left the group for good.
    Left,
}

impl Status {
    /// Whether the node is a member that has not crashed: up or paused. These are the receivers
    /// a message is owed to at the end of a run.
    pub fn is_live_member(self) -> bool {
        matches!(self, Status::Up | Status::Paused)
    }
}

/// Each node's status, incarnation and deferred inputs, kept by the kernel.
///
/// The incarnation (`epoch`) grows at each crash: a timer carries the epoch it was set in, so a
/// timer of a crashed incarnation never fires into the recovered one.
#[derive(Clone)]
pub(crate) struct Lifecycle<I> {
    status: Vec<Status>,
    epoch: Vec<u32>,
    /// Each node's crashes after its first, earliest first (the first is in the world's
    /// `crash_time`).
    later_crashes: BTreeMap<NodeId, VecDeque<SimTime>>,
    /// Inputs that reached a paused node, in order.
    deferred: BTreeMap<NodeId, Vec<I>>,
}

impl<I> Lifecycle<I> {
    /// `initial` members up, the other `capacity - initial` ids absent until they join; fills
    /// `first_crash` (one entry per node) with each node's first scheduled crash. A crash of a
    /// node past `first_crash` (never, once validated) is left out.
    pub(crate) fn new(initial: u32, capacity: u32, plan: &FaultPlan, first_crash: &mut [SimTime]) -> Self {
        let status = (0..capacity).map(|n| if n < initial { Status::Up } else { Status::Absent }).collect();
        let mut later_crashes: BTreeMap<NodeId, VecDeque<SimTime>> = BTreeMap::new();
        for &(t, f) in &plan.events {
            if let Fault::Crash(n) = f {
                let Some(first) = first_crash.get_mut(n as usize) else { continue };
                if *first == SimTime::MAX {
                    *first = t;
                } else {
                    later_crashes.entry(n).or_default().push_back(t);
                }
            }
        }
        Lifecycle { status, epoch: vec![0; capacity as usize], later_crashes, deferred: BTreeMap::new() }
    }

    /// Node `n`'s status ([`Status::Absent`] for an id past every node).
    pub(crate) fn status(&self, n: NodeId) -> Status {
        self.status.get(n as usize).copied().unwrap_or(Status::Absent)
    }

    /// Sets node `n`'s status (nothing for an id past every node).
    pub(crate) fn set(&mut self, n: NodeId, s: Status) {
        if let Some(status) = self.status.get_mut(n as usize) {
            *status = s;
        }
    }

    /// Node `n`'s incarnation (0 for an id past every node).
    pub(crate) fn epoch(&self, n: NodeId) -> u32 {
        self.epoch.get(n as usize).copied().unwrap_or(0)
    }

    /// Node `n` crashes: a new incarnation (its timers go stale), nothing deferred survives.
    /// Returns the time of its next crash, if any, else `SimTime::MAX`.
    pub(crate) fn crash(&mut self, n: NodeId) -> SimTime {
        self.set(n, Status::Crashed);
        if let Some(epoch) = self.epoch.get_mut(n as usize) {
            *epoch = epoch.wrapping_add(1);
        }
        self.deferred.remove(&n);
        self.later_crashes.get_mut(&n).and_then(VecDeque::pop_front).unwrap_or(SimTime::MAX)
    }

    /// Keeps `input` for paused node `n` until it resumes.
    pub(crate) fn defer(&mut self, n: NodeId, input: I) {
        self.deferred.entry(n).or_default().push(input);
    }

    /// What paused node `n` missed, in order, leaving nothing behind.
    pub(crate) fn take_deferred(&mut self, n: NodeId) -> Vec<I> {
        self.deferred.remove(&n).unwrap_or_default()
    }

    /// For each node, whether it is a live member (up or paused).
    pub(crate) fn live_members(&self) -> Vec<bool> {
        self.status.iter().map(|s| s.is_live_member()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_crashes_come_out_in_order() {
        let plan = FaultPlan {
            events: vec![
                (SimTime(5), Fault::Crash(1)),
                (SimTime(6), Fault::Recover(1)),
                (SimTime(9), Fault::Crash(1)),
                (SimTime(10), Fault::Recover(1)),
                (SimTime(12), Fault::Crash(1)),
            ],
            ..FaultPlan::default()
        };
        let mut first = vec![SimTime::MAX; 3];
        let mut l: Lifecycle<u8> = Lifecycle::new(2, 3, &plan, &mut first);
        assert_eq!(first, vec![SimTime::MAX, SimTime(5), SimTime::MAX]);
        assert_eq!(l.status(2), Status::Absent);
        assert_eq!(l.crash(1), SimTime(9));
        assert_eq!(l.epoch(1), 1);
        assert_eq!(l.crash(1), SimTime(12));
        assert_eq!(l.crash(1), SimTime::MAX);
        assert_eq!(l.epoch(1), 3);
    }

    #[test]
    fn a_crash_discards_what_a_pause_deferred() {
        let mut first = vec![SimTime::MAX; 2];
        let mut l: Lifecycle<u8> = Lifecycle::new(2, 2, &FaultPlan::default(), &mut first);
        l.defer(0, 1);
        l.defer(0, 2);
        assert_eq!(l.take_deferred(0), vec![1, 2]);
        assert_eq!(l.take_deferred(0), Vec::<u8>::new());
        l.defer(0, 3);
        l.crash(0);
        assert_eq!(l.take_deferred(0), Vec::<u8>::new());
    }
}
