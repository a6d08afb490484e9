//! A radix heap: the timer queue's storage.
//!
//! A timer's key only grows from one timer to the next (a controller schedules at now or later,
//! and the order number of a scheduled timer is the next one), which is what a radix heap
//! needs: entries sit in buckets by the highest bit in which their key differs from the last
//! key taken out, so putting one in is a push onto a `Vec`, and taking the least out moves the
//! entries of the lowest bucket down to lower ones, a handful of times in an entry's life, in
//! order through memory. A binary (or four-ary) heap of tens of thousands of timers walks a
//! dozen levels on every pop, most of them outside the cache (`benches/simulate.rs`).
//! (Ahuja, Mehlhorn, Orlin and Tarjan, "Faster algorithms for the shortest path problem",
//! Journal of the ACM 37(2), 1990, describe the structure.)
//!
//! A key below the last one taken out is still accepted: it goes to a small ordinary heap
//! (`early`) that is emptied first. That happens when [`RadixHeap::peek_mut`] has looked ahead
//! and a timer is then scheduled before the one it found. Equal keys come out in no particular
//! order, as from `BinaryHeap<Reverse<T>>`; the timer queue gives every timer a distinct key.

use crate::min_heap::MinHeap;

/// Bucket `i` holds the keys whose highest bit differing from `last` is bit `i − 1`; bucket 0
/// those equal to `last`.
const BUCKETS: usize = 129;

#[derive(Debug, Clone)]
pub struct RadixHeap<T> {
    buckets: Vec<Vec<(u128, T)>>,
    /// Bit `i` is set when bucket `i` holds something.
    occupied: [u64; 3],
    /// No bucketed key is below it: the last key taken out, or the least key, once
    /// [`RadixHeap::peek_mut`] has moved it to bucket 0.
    last: u128,
    /// Keys below `last` (scheduled after a look ahead): all of them come before every
    /// bucketed key.
    early: MinHeap<Early<T>>,
    len: usize,
}

impl<T> Default for RadixHeap<T> {
    fn default() -> Self {
        RadixHeap {
            buckets: Vec::new(),
            occupied: [0; 3],
            last: 0,
            early: MinHeap::default(),
            len: 0,
        }
    }
}

/// An entry of `early`, ordered by its key alone.
#[derive(Debug, Clone)]
struct Early<T>(u128, T);

impl<T> PartialEq for Early<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<T> Eq for Early<T> {}
impl<T> PartialOrd for Early<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Early<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl<T> RadixHeap<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, key: u128, item: T) {
        self.len += 1;
        if key < self.last {
            self.early.push(Early(key, item));
        } else {
            self.put(key, item);
        }
    }

    /// The least key and its item, without changing anything (a scan of the lowest bucket
    /// unless [`RadixHeap::peek_mut`] or a pop has put the least one in front).
    pub fn peek(&self) -> Option<(u128, &T)> {
        if let Some(Early(key, item)) = self.early.peek() {
            return Some((*key, item));
        }
        let b = self.lowest()?;
        self.buckets[b]
            .iter()
            .min_by_key(|(key, _)| *key)
            .map(|(key, item)| (*key, item))
    }

    /// The least key and its item; the entry is put in front so that taking it out, or
    /// looking again, costs nothing more.
    pub fn peek_mut(&mut self) -> Option<(u128, &T)> {
        if self.early.is_empty() {
            self.bring_least_forward()?;
            let (key, item) = self.buckets[0].last()?;
            return Some((*key, item));
        }
        self.early.peek().map(|Early(key, item)| (*key, item))
    }

    /// Take the least entry out.
    pub fn pop(&mut self) -> Option<(u128, T)> {
        let (key, item) = match self.early.pop() {
            Some(Early(key, item)) => (key, item),
            None => {
                self.bring_least_forward()?;
                let entry = self.buckets[0].pop()?;
                if self.buckets[0].is_empty() {
                    self.occupied[0] &= !1;
                }
                entry
            }
        };
        self.len -= 1;
        Some((key, item))
    }

    /// Keep only the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.early.retain(|Early(_, item)| keep(item));
        let mut len = self.early.len();
        for (b, bucket) in self.buckets.iter_mut().enumerate() {
            bucket.retain(|(_, item)| keep(item));
            len += bucket.len();
            if bucket.is_empty() {
                self.occupied[b / 64] &= !(1 << (b % 64));
            }
        }
        self.len = len;
    }

    fn bucket_of(&self, key: u128) -> usize {
        (128 - (key ^ self.last).leading_zeros()) as usize
    }

    fn put(&mut self, key: u128, item: T) {
        if self.buckets.is_empty() {
            self.buckets = (0..BUCKETS).map(|_| Vec::new()).collect();
        }
        let b = self.bucket_of(key);
        self.buckets[b].push((key, item));
        self.occupied[b / 64] |= 1 << (b % 64);
    }

    /// The lowest bucket that holds something.
    fn lowest(&self) -> Option<usize> {
        self.occupied
            .iter()
            .enumerate()
            .find(|(_, word)| **word != 0)
            .map(|(w, word)| w * 64 + word.trailing_zeros() as usize)
    }

    /// Make bucket 0 hold the least bucketed key (`last` becomes that key): the lowest bucket's
    /// entries move to lower buckets. `None` when nothing is bucketed.
    fn bring_least_forward(&mut self) -> Option<()> {
        let b = self.lowest()?;
        if b == 0 {
            return Some(());
        }
        let mut moving = std::mem::take(&mut self.buckets[b]);
        self.occupied[b / 64] &= !(1 << (b % 64));
        self.last = moving.iter().map(|(key, _)| *key).min()?;
        for (key, item) in moving.drain(..) {
            self.put(key, item);
        }
        // The bucket keeps its allocation for the next entries it gets.
        self.buckets[b] = moving;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::RadixHeap;
    use proptest::prelude::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    #[derive(Debug, Clone)]
    enum Op {
        /// Push the last key taken out (or 0) plus this much.
        Push(u16),
        /// Push far ahead: the high half of the key (the timer queue's moment) differs.
        PushFar(u16, u16),
        Pop,
        Peek,
        PeekMut,
        Retain(u16),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            5 => any::<u16>().prop_map(Op::Push),
            2 => (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Op::PushFar(a, b)),
            3 => Just(Op::Pop),
            1 => Just(Op::Peek),
            2 => Just(Op::PeekMut),
            1 => (1..8u16).prop_map(Op::Retain),
        ]
    }

    proptest! {
        /// Any mix of pushes (never below the last key taken out, as the timer queue pushes),
        /// pops, looks ahead and retains gives the pops a `BinaryHeap` of `Reverse` gives.
        #[test]
        fn pops_come_out_as_from_a_binary_heap(ops in proptest::collection::vec(op(), 0..400)) {
            let mut heap = RadixHeap::default();
            let mut reference = BinaryHeap::new();
            // Keys are distinct, as the timer queue's are (a moment, then the order the timer
            // was scheduled in): a base in the high bits, the push's number in the low 16.
            // With equal keys, which item comes out first is unspecified, so the two heaps
            // could rightly keep different items, and a later retain by item would tell them
            // apart.
            let key_of = |base: u128, n: u64| (base << 16) | u128::from(n);
            let mut floor = 0u128;
            let mut n = 0u64;
            for op in ops {
                n += 1;
                match op {
                    Op::Push(d) | Op::PushFar(0, d) => {
                        let key = key_of(floor + u128::from(d), n);
                        heap.push(key, n);
                        reference.push(Reverse((key, n)));
                    }
                    Op::PushFar(hi, d) => {
                        let key = key_of(floor + (u128::from(hi) << 64) + u128::from(d), n);
                        heap.push(key, n);
                        reference.push(Reverse((key, n)));
                    }
                    Op::Pop => {
                        let got = heap.pop();
                        let want = reference.pop().map(|Reverse(x)| x);
                        prop_assert_eq!(got.as_ref().map(|(k, _)| *k), want.map(|(k, _)| k));
                        // Distinct keys: the same item too.
                        prop_assert_eq!(got.as_ref().map(|(_, x)| *x), want.map(|(_, x)| x));
                        if let Some((k, _)) = got {
                            floor = k >> 16;
                        }
                    }
                    Op::Peek => {
                        let want = reference.peek().map(|Reverse((k, _))| *k);
                        prop_assert_eq!(heap.peek().map(|(k, _)| k), want);
                    }
                    Op::PeekMut => {
                        let want = reference.peek().map(|Reverse((k, _))| *k);
                        prop_assert_eq!(heap.peek_mut().map(|(k, _)| k), want);
                    }
                    Op::Retain(m) => {
                        heap.retain(|x| x % u64::from(m) != 0);
                        reference.retain(|Reverse((_, x))| x % u64::from(m) != 0);
                    }
                }
                prop_assert_eq!(heap.len(), reference.len());
            }
            // What is left comes out in order too.
            while let Some(Reverse((key, _))) = reference.pop() {
                prop_assert_eq!(heap.pop().map(|(k, _)| k), Some(key));
            }
            prop_assert!(heap.pop().is_none());
        }
    }

    /// A key scheduled after a look ahead, below the key found, still comes out first.
    #[test]
    fn a_key_below_the_one_looked_ahead_at_comes_out_first() {
        let mut heap = RadixHeap::default();
        heap.push(10, 'a');
        heap.push(1 << 70, 'c');
        assert_eq!(heap.pop(), Some((10, 'a')));
        assert_eq!(heap.peek_mut().map(|(k, _)| k), Some(1 << 70));
        heap.push(11, 'b');
        assert_eq!(heap.peek().map(|(k, _)| k), Some(11));
        assert_eq!(heap.pop(), Some((11, 'b')));
        assert_eq!(heap.pop(), Some((1 << 70, 'c')));
        assert_eq!(heap.pop(), None);
    }
}
