//! What the members' membership service believed, against the truth: how fast a crash was
//! detected, how long until every live member knew, and how often a live member was suspected
//! or declared failed. Recorded only when the scenario names a membership service that reports
//! its beliefs (SWIM, [`crate::protocol::Output::Believe`]).

use crate::protocol::{Belief, NodeId};
use crate::time::SimTime;
use serde::Serialize;
use std::collections::BTreeMap;

/// The most crashes the report lists one by one (the summary covers them all).
pub const LISTED_CRASHES: usize = 100;

/// One crash and what the members came to believe of it.
#[derive(Clone, Debug, Default)]
struct Crash {
    node: NodeId,
    at: SimTime,
    first_suspicion: Option<SimTime>,
    first_confirmation: Option<SimTime>,
    /// When each member first confirmed it.
    confirmed_by: BTreeMap<NodeId, SimTime>,
}

/// The beliefs recorded so far.
#[derive(Clone, Debug, Default)]
pub struct Beliefs {
    crashes: Vec<Crash>,
    false_suspicions: u64,
    false_confirmations: u64,
    suspicions: u64,
    confirmations: u64,
}

/// Whether a belief's subject is, in truth, crashed, alive (up or paused) or neither (absent or
/// gone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    /// Crashed (not recovered since).
    Crashed,
    /// Up or paused.
    Alive,
    /// Not a member: not joined yet, or left.
    Absent,
}

impl Beliefs {
    /// Node `node` crashed at `at`.
    pub fn on_crash(&mut self, node: NodeId, at: SimTime) {
        self.crashes.push(Crash { node, at, ..Crash::default() });
    }

    /// Member `observer` came to believe `belief` at `now`; `truth` is its subject's state.
    pub fn on_belief(&mut self, observer: NodeId, belief: Belief, now: SimTime, truth: Truth) {
        let (subject, confirmed) = match belief {
            Belief::Suspected(n) => (n, false),
            Belief::Confirmed(n) => (n, true),
        };
        if confirmed {
            self.confirmations += 1;
        } else {
            self.suspicions += 1;
        }
        match truth {
            Truth::Alive if confirmed => self.false_confirmations += 1,
            Truth::Alive => self.false_suspicions += 1,
            Truth::Absent => {}
            Truth::Crashed => {
                let Some(c) = self.crashes.iter_mut().rev().find(|c| c.node == subject) else { return };
                if confirmed {
                    c.first_confirmation.get_or_insert(now);
                    c.confirmed_by.entry(observer).or_insert(now);
                } else {
                    c.first_suspicion.get_or_insert(now);
                }
            }
        }
    }

    /// The report, given which nodes are live members now.
    pub fn report(&self, alive: &[bool]) -> MembershipReport {
        let listed: Vec<CrashDetection> = self.crashes.iter().map(|c| c.detection(alive)).collect();
        let mean = |f: fn(&CrashDetection) -> Option<f64>| {
            let v: Vec<f64> = listed.iter().filter_map(f).collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        MembershipReport {
            crashes: listed.len() as u64,
            detected: listed.iter().filter(|c| c.first_detection_ms.is_some()).count() as u64,
            known_to_all: listed.iter().filter(|c| c.all_confirmed_ms.is_some()).count() as u64,
            first_detection_ms: mean(|c| c.first_detection_ms),
            first_suspicion_ms: mean(|c| c.first_suspicion_ms),
            first_confirmation_ms: mean(|c| c.first_confirmation_ms),
            all_confirmed_ms: mean(|c| c.all_confirmed_ms),
            suspicions: self.suspicions,
            confirmations: self.confirmations,
            false_suspicions: self.false_suspicions,
            false_confirmations: self.false_confirmations,
            per_crash: listed.into_iter().take(LISTED_CRASHES).collect(),
        }
    }
}

impl Crash {
    fn detection(&self, alive: &[bool]) -> CrashDetection {
        let since = |t: SimTime| t.since(self.at).as_ms_f64();
        let first = match (self.first_suspicion, self.first_confirmation) {
            (Some(s), Some(c)) => Some(s.min(c)),
            (s, c) => s.or(c),
        };
        let mut last = Some(self.at);
        for (n, &live) in alive.iter().enumerate() {
            let n = n as NodeId;
            if live && n != self.node {
                last = match (last, self.confirmed_by.get(&n)) {
                    (Some(l), Some(&t)) => Some(l.max(t)),
                    _ => None,
                };
            }
        }
        CrashDetection {
            node: self.node,
            at_ms: self.at.as_ms_f64(),
            first_detection_ms: first.map(since),
            first_suspicion_ms: self.first_suspicion.map(since),
            first_confirmation_ms: self.first_confirmation.map(since),
            all_confirmed_ms: last.filter(|_| !self.confirmed_by.is_empty()).map(since),
        }
    }
}

/// How one crash was detected (times from the crash, milliseconds; null if it never was).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrashDetection {
    /// The crashed node.
    pub node: NodeId,
    /// When it crashed (milliseconds).
    pub at_ms: f64,
    /// Until the first member suspected or confirmed it.
    pub first_detection_ms: Option<f64>,
    /// Until the first member suspected it.
    pub first_suspicion_ms: Option<f64>,
    /// Until the first member confirmed it failed.
    pub first_confirmation_ms: Option<f64>,
    /// Until every live member (at the end) had confirmed it.
    pub all_confirmed_ms: Option<f64>,
}

/// The report's `membership` section: see [`Beliefs`] and docs/metrics.md.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MembershipReport {
    /// Crashes during the run.
    pub crashes: u64,
    /// Crashes some member suspected or confirmed.
    pub detected: u64,
    /// Crashes every live member confirmed by the end.
    pub known_to_all: u64,
    /// Mean over detected crashes: from the crash to the first suspicion or confirmation.
    pub first_detection_ms: Option<f64>,
    /// Mean over suspected crashes: from the crash to the first suspicion.
    pub first_suspicion_ms: Option<f64>,
    /// Mean over confirmed crashes: from the crash to the first confirmation.
    pub first_confirmation_ms: Option<f64>,
    /// Mean over crashes known to all: from the crash until every live member had confirmed it.
    pub all_confirmed_ms: Option<f64>,
    /// Suspicions reported, of any member (one per member per suspicion).
    pub suspicions: u64,
    /// Confirmations reported.
    pub confirmations: u64,
    /// Suspicions of a member that was alive (up or paused) at the time.
    pub false_suspicions: u64,
    /// Confirmations of a member that was alive at the time: false positives.
    pub false_confirmations: u64,
    /// The first crashes one by one (at most [`LISTED_CRASHES`]).
    pub per_crash: Vec<CrashDetection>,
}
