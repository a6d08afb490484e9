//! A radix heap: the timer queue's storage.
//!
//! A timer's key (its moment) only grows from one timer to the next (a controller schedules at
//! now or later), which is what a radix heap needs: entries sit in buckets by the highest digit
//! in which their key differs from the last key taken out, so putting one in is a push onto a
//! `Vec`, and taking the least out moves the entries of the lowest bucket down to lower ones, a
//! handful of times in an entry's life, in order through memory. A binary (or four-ary) heap of
//! tens of thousands of timers walks a dozen levels on every pop, most of them outside the cache
//! (`benches/simulate.rs`). (Ahuja, Mehlhorn, Orlin and Tarjan, "Faster algorithms for the
//! shortest path problem", Journal of the ACM 37(2), 1990, describe the structure with one
//! bucket per bit; one per value of a four-bit digit, as here, moves an entry fewer times.)
//!
//! Entries with equal keys come out in the order they were put in. Nothing keeps an order
//! number: two entries with one key are always in the same bucket (an entry's bucket depends
//! only on its key and the last key, and a move to the last key's new value leaves the entries
//! of the higher buckets where they are), every bucket is filled at its end and moved in order,
//! and the entries equal to the last key are taken from the front. (Until 2026-12-07 the key
//! was a `u128` of the moment and an order number: the entries of one moment then differed in
//! the order's low bits and moved down bucket by bucket: with one bucket per bit, about eight
//! moves per timer in `benches/simulate.rs`; about seven with the moment alone, and four with
//! a bucket per digit.)
//!
//! A key below the last one taken out is still accepted: it goes to a small ordinary heap
//! (`early`) that is emptied first. That happens when [`RadixHeap::peek_mut`] has looked ahead
//! and a timer is then scheduled before the one it found.

use std::collections::VecDeque;

use crate::min_heap::MinHeap;

/// Keys are compared four bits (a digit) at a time: bucket `16 × level + digit` holds the keys
/// whose highest digit differing from `last` is digit `level` (counted from the lowest), with
/// `digit` there; `current` holds those equal to `last`. In bucket order the keys grow, and an
/// entry moves at most once per digit in its life (about four times per timer in
/// `benches/simulate.rs`, where one bucket per bit moved it about seven times).
const DIGIT_BITS: u32 = 4;
const DIGITS: usize = 1 << DIGIT_BITS;
const BUCKETS: usize = 64 / DIGIT_BITS as usize * DIGITS;

#[derive(Debug, Clone)]
pub struct RadixHeap<T> {
    /// The entries whose key is `last`, in the order they were put in.
    current: VecDeque<T>,
    /// The buckets (none until the first is needed), each in the order its entries were put
    /// in.
    buckets: Vec<Vec<(u64, T)>>,
    /// Bit `i % 64` of word `i / 64` is set when bucket `i` holds something.
    occupied: [u64; BUCKETS / 64],
    /// No bucketed key is below it: the last key taken out, or the least key, once
    /// [`RadixHeap::peek_mut`] has moved it to `current`.
    last: u64,
    /// Keys below `last` (scheduled after a look ahead): all of them come before every
    /// bucketed key; among equal keys, in the order they were put in (`early_seq`).
    early: MinHeap<Early<T>>,
    early_seq: u64,
    len: usize,
}

impl<T> Default for RadixHeap<T> {
    fn default() -> Self {
        RadixHeap {
            current: VecDeque::new(),
            buckets: Vec::new(),
            occupied: [0; BUCKETS / 64],
            last: 0,
            early: MinHeap::default(),
            early_seq: 0,
            len: 0,
        }
    }
}

/// An entry of `early`, ordered by its key, then by when it was put in.
#[derive(Debug, Clone)]
struct Early<T>(u64, u64, T);

impl<T> PartialEq for Early<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.0, self.1) == (other.0, other.1)
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
        (self.0, self.1).cmp(&(other.0, other.1))
    }
}

impl<T> RadixHeap<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, key: u64, item: T) {
        self.len += 1;
        if key < self.last {
            self.early_seq += 1;
            self.early.push(Early(key, self.early_seq, item));
        } else {
            self.put(key, item);
        }
    }

    /// The least key and its item (the first put in of those with that key), without changing
    /// anything (a scan of the lowest bucket unless [`RadixHeap::peek_mut`] or a pop has put
    /// the least one in front).
    pub fn peek(&self) -> Option<(u64, &T)> {
        if let Some(Early(key, _, item)) = self.early.peek() {
            return Some((*key, item));
        }
        if let Some(item) = self.current.front() {
            return Some((self.last, item));
        }
        let b = self.lowest()?;
        // `min_by_key` returns the first of equal keys: the first put in.
        self.buckets[b]
            .iter()
            .min_by_key(|(key, _)| *key)
            .map(|(key, item)| (*key, item))
    }

    /// A key no entry is below, without moving anything: the least key when it is in front,
    /// else the least key the lowest bucket could hold. `None` when the heap is empty. (A
    /// caller that only needs to know whether anything is due by a moment asks this first: a
    /// look ahead with [`RadixHeap::peek_mut`] moves the last key forward, and keys put in
    /// below it afterwards wait in `early`.)
    pub fn lower_bound(&self) -> Option<u64> {
        if let Some(Early(key, _, _)) = self.early.peek() {
            return Some(*key);
        }
        if !self.current.is_empty() {
            return Some(self.last);
        }
        // The lowest bucket's keys agree with `last` above its digit and have its digit there.
        let b = self.lowest()?;
        let shift = (b / DIGITS) as u32 * DIGIT_BITS;
        let above = self
            .last
            .checked_shr(shift + DIGIT_BITS)
            .and_then(|high| high.checked_shl(shift + DIGIT_BITS))
            .unwrap_or(0);
        Some(above | ((b % DIGITS) as u64) << shift)
    }

    /// The least key and its item if it is already in front (below or at the last key: no
    /// bucket is looked at or moved). A look ahead that must not move the last key forward:
    /// keys put in below it afterwards would wait in `early`.
    pub fn peek_in_front(&self) -> Option<(u64, &T)> {
        if let Some(Early(key, _, item)) = self.early.peek() {
            return Some((*key, item));
        }
        self.current.front().map(|item| (self.last, item))
    }

    /// The `n`-th entry (from 0) of those with the least key, when they are in front (after a
    /// [`RadixHeap::peek_mut`] or a [`RadixHeap::pop`] brought them there) and no key below
    /// them waits: a look ahead for prefetching, which may find nothing.
    pub fn ahead(&self, n: usize) -> Option<(u64, &T)> {
        if !self.early.is_empty() {
            return None;
        }
        self.current.get(n).map(|item| (self.last, item))
    }

    /// The least key and its item; the entry is put in front so that taking it out, or
    /// looking again, costs nothing more.
    pub fn peek_mut(&mut self) -> Option<(u64, &T)> {
        if self.early.is_empty() {
            self.bring_least_forward()?;
            let item = self.current.front()?;
            return Some((self.last, item));
        }
        self.early.peek().map(|Early(key, _, item)| (*key, item))
    }

    /// Take the least entry out (of equal keys, the first put in).
    pub fn pop(&mut self) -> Option<(u64, T)> {
        let entry = match self.early.pop() {
            Some(Early(key, _, item)) => (key, item),
            None => {
                self.bring_least_forward()?;
                (self.last, self.current.pop_front()?)
            }
        };
        self.len -= 1;
        Some(entry)
    }

    /// Keep only the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.early.retain(|Early(_, _, item)| keep(item));
        self.current.retain(|item| keep(item));
        let mut len = self.early.len() + self.current.len();
        for (b, bucket) in self.buckets.iter_mut().enumerate() {
            bucket.retain(|(_, item)| keep(item));
            len += bucket.len();
            if bucket.is_empty() {
                self.occupied[b / 64] &= !(1 << (b % 64));
            }
        }
        self.len = len;
    }

    fn put(&mut self, key: u64, item: T) {
        let differ = key ^ self.last;
        if differ == 0 {
            self.current.push_back(item);
            return;
        }
        let level = (63 - differ.leading_zeros()) / DIGIT_BITS;
        let digit = (key >> (level * DIGIT_BITS)) as usize % DIGITS;
        let b = level as usize * DIGITS + digit;
        if self.buckets.is_empty() {
            self.buckets = (0..BUCKETS).map(|_| Vec::new()).collect();
        }
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

    /// Make `current` hold the least bucketed key (`last` becomes that key): unless it already
    /// holds something, the lowest bucket's entries move to lower buckets, in order. `None`
    /// when nothing is bucketed.
    fn bring_least_forward(&mut self) -> Option<()> {
        if !self.current.is_empty() {
            return Some(());
        }
        let b = self.lowest()?;
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
        /// Push the last key taken out (or 0) plus this much modulo 8.
        Push(u16),
        /// Push far ahead: the first number shifted to bits 24 and up, plus the second.
        PushFar(u16, u16),
        Pop,
        Peek,
        PeekMut,
        PeekInFront,
        LowerBound,
        Retain(u16),
        /// Look this many entries past the front.
        Ahead(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            5 => any::<u16>().prop_map(Op::Push),
            2 => (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Op::PushFar(a, b)),
            3 => Just(Op::Pop),
            1 => Just(Op::Peek),
            2 => Just(Op::PeekMut),
            1 => Just(Op::PeekInFront),
            1 => Just(Op::LowerBound),
            1 => (1..8u16).prop_map(Op::Retain),
            2 => (0..6u8).prop_map(Op::Ahead),
        ]
    }

    proptest! {
        /// Any mix of pushes (never below the last key taken out, as the timer queue pushes,
        /// and often equal to it or to each other), pops, looks ahead and retains gives the
        /// pops a `BinaryHeap` of `Reverse((key, push number))` gives: least key first, equal
        /// keys in the order they were pushed.
        #[test]
        fn pops_come_out_as_from_a_binary_heap(ops in proptest::collection::vec(op(), 0..400)) {
            let mut heap = RadixHeap::default();
            let mut reference = BinaryHeap::new();
            let mut floor = 0u64;
            let mut n = 0u64;
            for op in ops {
                n += 1;
                match op {
                    // Small steps: many keys equal the floor or each other.
                    Op::Push(d) | Op::PushFar(0, d) => {
                        let key = floor + u64::from(d % 8);
                        heap.push(key, n);
                        reference.push(Reverse((key, n)));
                    }
                    Op::PushFar(hi, d) => {
                        let key = floor + (u64::from(hi) << 24) + u64::from(d);
                        heap.push(key, n);
                        reference.push(Reverse((key, n)));
                    }
                    Op::Pop => {
                        let got = heap.pop();
                        let want = reference.pop().map(|Reverse(x)| x);
                        prop_assert_eq!(got, want);
                        if let Some((k, _)) = got {
                            floor = k;
                        }
                    }
                    // A look ahead may find nothing, but what it finds is the entry that many
                    // pops away, with the least key.
                    Op::Ahead(k) => {
                        if let Some((key, x)) = heap.ahead(usize::from(k)) {
                            let mut order: Vec<(u64, u64)> =
                                reference.iter().map(|Reverse(e)| *e).collect();
                            order.sort();
                            prop_assert_eq!(Some(&(key, *x)), order.get(usize::from(k)));
                            prop_assert_eq!(Some(key), order.first().map(|e| e.0));
                        }
                    }
                    Op::Peek => {
                        let want = reference.peek().map(|Reverse((k, x))| (*k, *x));
                        prop_assert_eq!(heap.peek().map(|(k, x)| (k, *x)), want);
                    }
                    Op::PeekMut => {
                        let want = reference.peek().map(|Reverse((k, x))| (*k, *x));
                        prop_assert_eq!(heap.peek_mut().map(|(k, x)| (k, *x)), want);
                    }
                    Op::PeekInFront => {
                        // It may not know the least entry yet; what it gives is the least.
                        let want = reference.peek().map(|Reverse((k, x))| (*k, *x));
                        if let Some((k, x)) = heap.peek_in_front() {
                            prop_assert_eq!(Some((k, *x)), want);
                        }
                    }
                    Op::LowerBound => {
                        let least = reference.peek().map(|Reverse((k, _))| *k);
                        let bound = heap.lower_bound();
                        prop_assert_eq!(bound.is_some(), least.is_some());
                        if let (Some(bound), Some(least)) = (bound, least) {
                            prop_assert!(bound <= least, "{bound} above the least key {least}");
                        }
                    }
                    Op::Retain(m) => {
                        heap.retain(|x| x % u64::from(m) != 0);
                        reference.retain(|Reverse((_, x))| x % u64::from(m) != 0);
                    }
                }
                prop_assert_eq!(heap.len(), reference.len());
            }
            // What is left comes out in order too.
            while let Some(Reverse(want)) = reference.pop() {
                prop_assert_eq!(heap.pop(), Some(want));
            }
            prop_assert!(heap.pop().is_none());
        }
    }

    /// A key scheduled after a look ahead, below the key found, still comes out first; equal
    /// keys below it come out in the order they were pushed.
    #[test]
    fn a_key_below_the_one_looked_ahead_at_comes_out_first() {
        let mut heap = RadixHeap::default();
        heap.push(10, 'a');
        heap.push(1 << 40, 'd');
        assert_eq!(heap.pop(), Some((10, 'a')));
        assert_eq!(heap.peek_mut().map(|(k, _)| k), Some(1 << 40));
        heap.push(11, 'b');
        heap.push(11, 'c');
        assert_eq!(heap.peek().map(|(k, x)| (k, *x)), Some((11, 'b')));
        assert_eq!(heap.pop(), Some((11, 'b')));
        assert_eq!(heap.pop(), Some((11, 'c')));
        assert_eq!(heap.pop(), Some((1 << 40, 'd')));
        assert_eq!(heap.pop(), None);
    }

    /// Keys in the highest digit (up to `u64::MAX`) are bucketed, bounded and taken out too.
    #[test]
    fn the_highest_keys_come_out_in_order() {
        let mut heap = RadixHeap::default();
        heap.push(1, 'a');
        assert_eq!(heap.pop(), Some((1, 'a')));
        heap.push(u64::MAX, 'c');
        heap.push(u64::MAX - 5, 'b');
        heap.push(1 << 63, 'x');
        let bound = heap.lower_bound().expect("not empty");
        assert!(bound <= 1 << 63, "{bound}");
        assert_eq!(heap.pop(), Some((1 << 63, 'x')));
        assert!(heap.lower_bound().is_some_and(|b| b <= u64::MAX - 5));
        assert_eq!(heap.pop(), Some((u64::MAX - 5, 'b')));
        assert_eq!(heap.pop(), Some((u64::MAX, 'c')));
        assert_eq!(heap.lower_bound(), None);
    }

    /// Entries of one key come out first in, first out, also when some of them were put in
    /// while the key was the last one taken out and others waited in a higher bucket.
    #[test]
    fn equal_keys_come_out_in_the_order_they_were_put_in() {
        let mut heap = RadixHeap::default();
        heap.push(100, 1);
        heap.push(100, 2);
        heap.push(5, 0);
        assert_eq!(heap.pop(), Some((5, 0)));
        // 100 is in a bucket; the next 100 arrives before it comes forward.
        heap.push(100, 3);
        assert_eq!(heap.pop(), Some((100, 1)));
        // Now 100 is the last key: a push of it joins the end.
        heap.push(100, 4);
        assert_eq!(heap.pop(), Some((100, 2)));
        assert_eq!(heap.pop(), Some((100, 3)));
        assert_eq!(heap.pop(), Some((100, 4)));
        assert!(heap.is_empty());
    }
}
