//! A receive window as RMTP's status message describes it (Paul et al. 1997, §III): the lowest
//! sequence number not yet received, and a bitmap of what is held beyond it.
//!
//! A receiver keeps one for itself; a designated receiver keeps one per member of its region,
//! copied from that member's last status. Bit `i` of the bitmap stands for sequence number
//! `next + i`; bit 0 is always clear (else `next` would be higher) and the bitmap never ends in a
//! zero word, so a receiver holding everything it has seen costs no heap at all.

/// How far past `next` a window records a packet: farther ones are ignored (a malformed or
/// hostile sequence number must not make a receiver allocate gigabytes). Above the workload's
/// largest message count, so a real run never reaches it.
pub const MAX_AHEAD: u32 = 1 << 17;

/// The lowest sequence number not yet received and a bitmap of the ones held beyond it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Window {
    next: u32,
    bits: Vec<u64>,
}

impl Window {
    /// An empty window expecting `next` first.
    pub fn new(next: u32) -> Self {
        Window { next, bits: Vec::new() }
    }

    /// A window as a status message describes it (a peer's, so it is normalised: a set bit 0
    /// moves `next`, trailing zero words are dropped, an overlong bitmap is cut).
    pub fn from_status(next: u32, bits: &[u64]) -> Self {
        let words = bits.len().min((MAX_AHEAD / 64) as usize);
        let mut w = Window { next, bits: bits[..words].to_vec() };
        w.normalise();
        w
    }

    /// The lowest sequence number not yet received (everything below it is held).
    pub fn next(&self) -> u32 {
        self.next
    }

    /// The bitmap of what is held from `next` on (bit `i` is `next + i`).
    pub fn bits(&self) -> &[u64] {
        &self.bits
    }

    /// One past the highest sequence number held (`next` if nothing beyond it is).
    pub fn high(&self) -> u32 {
        match self.bits.last() {
            Some(&w) => {
                let top = (self.bits.len() as u32 - 1) * 64 + (64 - w.leading_zeros());
                self.next.saturating_add(top)
            }
            None => self.next,
        }
    }

    /// Whether sequence number `s` is held.
    pub fn contains(&self, s: u32) -> bool {
        if s < self.next {
            return true;
        }
        let i = s - self.next;
        self.bits.get((i / 64) as usize).is_some_and(|w| w >> (i % 64) & 1 == 1)
    }

    /// Records `s`; true if it was not held before. Numbers more than [`MAX_AHEAD`] past `next`
    /// are ignored (and reported as not new).
    pub fn insert(&mut self, s: u32) -> bool {
        if s < self.next {
            return false;
        }
        let i = s - self.next;
        if i >= MAX_AHEAD {
            return false;
        }
        let w = (i / 64) as usize;
        if self.bits.len() <= w {
            self.bits.resize(w + 1, 0);
        }
        let fresh = self.bits[w] >> (i % 64) & 1 == 0;
        self.bits[w] |= 1 << (i % 64);
        self.normalise();
        fresh
    }

    /// Moves the window's lower edge up to `base` (a late joiner starts at the sender's current
    /// window), treating everything below it as held.
    pub fn advance_to(&mut self, base: u32) {
        if base > self.next {
            self.shift(base - self.next);
            self.next = base;
            self.normalise();
        }
    }

    /// The sequence numbers in `[next, upto)` that are not held, in order.
    pub fn missing(&self, upto: u32) -> impl Iterator<Item = u32> + '_ {
        (self.next..upto).filter(move |&s| !self.contains(s))
    }

    /// Drops the bitmap's first `k` bits.
    fn shift(&mut self, k: u32) {
        let (words, b) = ((k / 64) as usize, k % 64);
        if words >= self.bits.len() {
            self.bits.clear();
            return;
        }
        self.bits.drain(..words);
        if b > 0 {
            for i in 0..self.bits.len() {
                let carry = self.bits.get(i + 1).map_or(0, |&x| x << (64 - b));
                self.bits[i] = self.bits[i] >> b | carry;
            }
        }
        while self.bits.last() == Some(&0) {
            self.bits.pop();
        }
    }

    /// Restores the invariants: bit 0 clear (moving `next` past what is held in a row), no
    /// trailing zero word.
    fn normalise(&mut self) {
        let mut run = 0u32;
        for &w in &self.bits {
            run += w.trailing_ones();
            if w != u64::MAX {
                break;
            }
        }
        if run > 0 {
            self.shift(run);
            self.next = self.next.saturating_add(run);
        }
        while self.bits.last() == Some(&0) {
            self.bits.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_packets_move_next_and_keep_no_bitmap() {
        let mut w = Window::new(0);
        for s in 0..200 {
            assert!(w.insert(s));
            assert!(!w.insert(s));
        }
        assert_eq!((w.next(), w.high(), w.bits().len()), (200, 200, 0));
    }

    #[test]
    fn gaps_are_reported_missing_until_filled() {
        let mut w = Window::new(0);
        for s in [0, 1, 3, 70, 130] {
            w.insert(s);
        }
        assert_eq!(w.next(), 2);
        assert_eq!(w.high(), 131);
        assert!(w.contains(3) && w.contains(70) && !w.contains(2) && !w.contains(69));
        assert_eq!(w.missing(6).collect::<Vec<_>>(), vec![2, 4, 5]);
        w.insert(2);
        assert_eq!(w.next(), 4);
        for s in 4..70 {
            w.insert(s);
        }
        assert_eq!(w.next(), 71);
        assert_eq!(w.missing(131).count(), 130 - 71);
        let copy = Window::from_status(w.next(), w.bits());
        assert_eq!(copy, w);
    }

    #[test]
    fn advance_and_hostile_input_are_bounded() {
        let mut w = Window::new(0);
        w.insert(10);
        w.advance_to(5);
        assert_eq!((w.next(), w.high()), (5, 11));
        w.advance_to(11);
        assert_eq!((w.next(), w.bits().len()), (11, 0));
        assert!(!w.insert(u32::MAX));
        assert!(w.bits().is_empty());
        let w = Window::from_status(u32::MAX - 1, &[u64::MAX; 4]);
        assert_eq!(w.next(), u32::MAX);
        let w = Window::from_status(0, &[1, 0, 0]);
        assert_eq!((w.next(), w.bits().len()), (1, 0));
    }
}
