//! The trace hash: one 64-bit fingerprint of every event a run processed, in order.
//!
//! Two runs with the same hash took the same steps at the same times. FNV-1a over 64-bit words:
//! simple, fast, and the same on every target (no `std::hash::Hasher`, whose output may change
//! between Rust releases).

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// A running FNV-1a hash over 64-bit words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceHash(u64);

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash(OFFSET)
    }
}

impl TraceHash {
    /// Folds one word into the hash.
    #[inline]
    pub fn word(&mut self, w: u64) {
        // Byte-wise FNV-1a would cost 8 multiplies per word; mixing whole words keeps it to one,
        // with a final avalanche in `finish`.
        self.0 = (self.0 ^ w).wrapping_mul(PRIME);
        self.0 ^= self.0 >> 29;
    }

    /// The hash so far, avalanched.
    pub fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }

    /// The hash so far as 16 lower-case hex digits, as the CLI and the page show it.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_matters() {
        let mut a = TraceHash::default();
        a.word(1);
        a.word(2);
        let mut b = TraceHash::default();
        b.word(2);
        b.word(1);
        assert_ne!(a.finish(), b.finish());
        assert_eq!(a.hex().len(), 16);
    }
}
