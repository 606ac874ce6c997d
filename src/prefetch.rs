//! Software prefetch: a hint to bring a value's cache lines in before it is used.
//!
//! At 100,000 nodes and more, the kernel spends most of an arrival waiting for the receiving
//! node's state (its protocol struct, its load record, its uplink and position) to come from
//! memory, one miss after another. The kernel knows the next event while it handles the current
//! one, so it asks for the next receiver's lines first and the misses overlap the work instead of
//! following it. A prefetch changes no value and cannot fault: the run is the same with or
//! without it. On x86-64 it is `prefetcht0`; elsewhere (wasm32) it compiles to nothing.

/// The size of a cache line on the machines this runs on.
#[cfg(target_arch = "x86_64")]
const LINE: usize = 64;

/// Asks for the cache lines of `value` (at most the first four and its last), to be read soon.
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let p = (value as *const T).cast::<i8>();
        let size = core::mem::size_of::<T>();
        let mut offset = 0;
        while offset < size.min(4 * LINE) {
            // SAFETY: `prefetcht0` only hints the cache: it never faults and reads or writes no
            // value, whatever the address. Every address is within `value` (`offset < size`),
            // computed with `wrapping_add` besides. SSE is part of the x86-64 baseline.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(offset)) };
            offset += LINE;
        }
        // A value that is not naturally aligned may end on one more line than its size spans.
        if size > 1 && size <= 4 * LINE && (!size.is_power_of_two() || core::mem::align_of::<T>() < size) {
            // SAFETY: as above; `size - 1` is the value's last byte.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(size - 1)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Prefetches `slice[i]` if it exists.
#[inline(always)]
pub fn prefetch_at<T>(slice: &[T], i: usize) {
    if let Some(v) = slice.get(i) {
        prefetch(v);
    }
}
