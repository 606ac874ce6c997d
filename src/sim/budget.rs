//! What a run may spend, and the clean stop when it has spent it.
//!
//! Every accepted scenario has an estimate of its events and memory (see
//! `docs/architecture.md`, bounded runs), and is refused up front past its budget. Where no
//! estimate is safe (a protocol whose traffic depends on its timers' races, a detector set to
//! hair-trigger), the kernel holds the line while running: past the event budget, or with more
//! bytes of events waiting in its queue than the memory budget leaves, it stops the run at once,
//! and the report says why (`"stopped": "event budget"`) with the metrics so far.

/// What a run may spend before the kernel stops it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Events the kernel may process.
    pub events: u64,
    /// Bytes the event queue may hold at once (every packet on the wire or in a queue, every
    /// timer set): the memory a run may use beyond its nodes' and metrics' own.
    pub queue_bytes: u64,
}

impl Budget {
    /// No limit (tests that drive a world by hand).
    pub const UNLIMITED: Budget = Budget { events: u64::MAX, queue_bytes: u64::MAX };
}

/// Why a run stopped before its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// It processed as many events as its budget allows.
    EventBudget,
    /// Its event queue held more than its memory budget allows.
    MemoryBudget,
}

impl Stop {
    /// The reason as the report and the page give it.
    pub fn reason(self) -> &'static str {
        match self {
            Stop::EventBudget => "event budget",
            Stop::MemoryBudget => "memory budget",
        }
    }
}

/// The budget of one run in the units the kernel counts: events, and entries of its queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Allowance {
    events: u64,
    queued: u64,
}

impl Allowance {
    /// `budget` for a queue whose entries take `entry_bytes` each.
    pub(super) fn new(budget: Budget, entry_bytes: usize) -> Allowance {
        Allowance { events: budget.events, queued: budget.queue_bytes / (entry_bytes.max(1) as u64) }
    }

    /// Whether a run that has processed `events` and holds `queued` entries must stop, and why.
    #[inline(always)]
    pub(super) fn exceeded(&self, events: u64, queued: usize) -> Option<Stop> {
        if events >= self.events {
            Some(Stop::EventBudget)
        } else if queued as u64 > self.queued {
            Some(Stop::MemoryBudget)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_first_then_queue_entries() {
        let a = Allowance::new(Budget { events: 10, queue_bytes: 1000 }, 100);
        assert_eq!(a.exceeded(9, 10), None);
        assert_eq!(a.exceeded(9, 11), Some(Stop::MemoryBudget));
        assert_eq!(a.exceeded(10, 0), Some(Stop::EventBudget));
        assert_eq!(Allowance::new(Budget::UNLIMITED, 64).exceeded(u64::MAX - 1, usize::MAX / 128), None);
    }
}
