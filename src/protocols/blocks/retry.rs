//! Asking until answered: a JOIN (or any request) repeated with exponential backoff, given up
//! after a number of rounds.
//!
//! A [`Retry`] counts the rounds of one attempt to be answered and hands out a generation token
//! with each timer, so that a timer set before the answer came (or before the attempt started
//! again) is recognised as stale when it fires and nothing has to be cancelled. [`Backoff`] says
//! how long each round waits: the base, doubled each round up to a cap (as TCP's RTO, RFC 6298
//! §5.5).

use crate::time::SimDuration;

/// How long round `k` waits: `base × 2^min(k − 1, max_doublings)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first round's wait.
    pub base: SimDuration,
    /// The most times the wait doubles.
    pub max_doublings: u32,
}

impl Backoff {
    /// The wait of round `round` (1 for the first).
    pub fn wait(&self, round: u32) -> SimDuration {
        self.base.times(1 << round.saturating_sub(1).min(self.max_doublings).min(62))
    }
}

/// One attempt to be answered: its round and the token of its live timer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retry {
    round: u32,
    gen: u32,
    active: bool,
}

impl Retry {
    /// Starts (or starts again) an attempt at round 1; returns the token for its timer.
    pub fn start(&mut self) -> u32 {
        self.round = 1;
        self.active = true;
        self.next_gen()
    }

    /// The attempt was answered (or abandoned): its timers are stale from now on.
    pub fn stop(&mut self) {
        self.active = false;
        self.next_gen();
    }

    /// Whether an attempt is under way.
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Whether `gen` is the token of the live timer: an attempt is under way and no later timer
    /// has been handed out.
    pub fn is_current(&self, gen: u32) -> bool {
        self.active && gen == self.gen
    }

    /// The current round (1 for the first), 0 before any attempt.
    pub fn round(&self) -> u32 {
        self.round
    }

    /// The timer with token `gen` fired: `Some(round)`, the round now starting (2 after the
    /// first timer), with the token for its own timer; `None` if the timer is stale, or if the
    /// attempt has run `max_rounds` rounds (it is then given up).
    pub fn fire(&mut self, gen: u32, max_rounds: u32) -> Option<(u32, u32)> {
        if !self.active || gen != self.gen {
            return None;
        }
        if self.round >= max_rounds {
            self.stop();
            return None;
        }
        self.round += 1;
        Some((self.round, self.next_gen()))
    }

    fn next_gen(&mut self) -> u32 {
        self.gen = self.gen.wrapping_add(1);
        self.gen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_its_cap() {
        let b = Backoff { base: SimDuration::from_ms(100), max_doublings: 3 };
        let waits: Vec<u64> = (1..=6).map(|k| b.wait(k).as_ms_f64() as u64).collect();
        assert_eq!(waits, [100, 200, 400, 800, 800, 800]);
    }

    #[test]
    fn rounds_run_until_answered_or_given_up() {
        let mut r = Retry::default();
        let t1 = r.start();
        assert_eq!(r.round(), 1);
        assert!(r.is_current(t1));
        let (round, t2) = r.fire(t1, 3).expect("round 2");
        assert_eq!(round, 2);
        assert!(!r.is_current(t1) && r.is_current(t2));
        assert_eq!(r.fire(t1, 3), None, "a stale token");
        let (round, t3) = r.fire(t2, 3).expect("round 3");
        assert_eq!(round, 3);
        assert_eq!(r.fire(t3, 3), None, "given up after 3 rounds");
        assert!(!r.is_active() && !r.is_current(t3));
        let t = r.start();
        r.stop();
        assert_eq!(r.fire(t, 3), None, "answered");
    }
}
