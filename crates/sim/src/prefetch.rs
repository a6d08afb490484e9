//! A hint to the processor that an object will be read soon.
//!
//! The engine handles one timer at a time, and most timers first read an object (a task, a
//! target) that nothing has touched for a while: with tens of thousands of them, that first
//! read waits for main memory. While one timer is handled, the engine hints at the object the
//! next one reads, so that it is in the cache by then (`Simulation::process_instant`,
//! `benches/simulate.rs`). A hint has no effect on what the program computes.

/// Ask for the memory of `object` to be brought into the cache. Does nothing on processors
/// other than x86-64.
#[inline]
pub fn hint<T>(object: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let p = (object as *const T).cast::<i8>();
        // SAFETY: `_mm_prefetch` only hints: it never faults and never reads or writes memory
        // as far as the program can tell. It needs SSE, which every x86-64 processor has.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = object;
}
