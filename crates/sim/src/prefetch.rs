//! A hint to the processor that an object will be read soon.
//!
//! The engine handles one timer at a time, and most timers first read an object (a task, a
//! target) that nothing has touched for a while: with tens of thousands of them, that first
//! read waits for main memory. While timers are handled, the engine hints at the objects the
//! coming ones read, so that they are in the cache by then (`Simulation::process_instant`,
//! `World::prefetch_for`, `benches/simulate.rs`). A hint has no effect on what the program
//! computes.

/// The size of a cache line on the processors Orca runs on (x86-64 and 64-bit ARM).
const LINE: usize = 64;

/// Ask for every cache line `object` spans to be brought into the cache (its own bytes: what it
/// points to is not touched; a task is seven lines, and the steps that handle it read more than
/// the first). Does nothing on processors other than x86-64.
#[inline]
pub fn hint_all<T>(object: &T) {
    let start = (object as *const T).cast::<u8>();
    let mut offset = 0;
    while offset < std::mem::size_of::<T>() {
        line(start.wrapping_add(offset));
        offset += LINE;
    }
}

/// The prefetch of the line that holds `p`.
#[inline]
fn line(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: `_mm_prefetch` only hints: it never faults and never reads or writes memory
        // as far as the program can tell, whatever the address. It needs SSE, which every
        // x86-64 processor has.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
