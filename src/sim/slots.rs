//! Packets parked outside the event queue while they wait to reach a receiver's downlink.
//!
//! The queue's entry is as large as its largest event, and a packet's is the largest. A packet
//! appears in two events (reaching the downlink, then arriving); were both to carry it, the
//! event could not keep its variant in the packet's spare values (Rust's niche), and every
//! entry would grow by 8 bytes: 8 MB per million events waiting. So the first event carries
//! only a slot number here, and only networks with finite downlinks use it.

/// Values kept under slot numbers, free slots reused first.
#[derive(Clone, Debug)]
pub struct Slots<T> {
    slots: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots { slots: Vec::new(), free: Vec::new() }
    }
}

impl<T> Slots<T> {
    /// Keeps `value`; returns its slot.
    pub fn park(&mut self, value: T) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                if let Some(s) = self.slots.get_mut(slot as usize) {
                    *s = Some(value);
                }
                slot
            }
            None => {
                self.slots.push(Some(value));
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// Takes back what slot `slot` holds, freeing it.
    pub fn take(&mut self, slot: u32) -> Option<T> {
        let value = self.slots.get_mut(slot as usize)?.take();
        if value.is_some() {
            self.free.push(slot);
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_give_back_what_was_parked_and_are_reused() {
        let mut s = Slots::default();
        let (a, b) = (s.park("a"), s.park("b"));
        assert_eq!(s.take(a), Some("a"));
        assert_eq!(s.take(a), None, "taken once");
        let c = s.park("c");
        assert_eq!(c, a, "the freed slot is reused");
        assert_eq!((s.take(b), s.take(c), s.take(9)), (Some("b"), Some("c"), None));
    }
}
