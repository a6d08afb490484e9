//! A min-heap with four children per node: the timer queue's storage until the radix heap
//! (`radix_heap.rs`) replaced it, and now where that heap keeps the few keys that arrive below
//! its last one.
//!
//! Taking the least element out of a binary heap of tens of thousands walks about 15 levels,
//! most of them outside the cache; with four children per node the walk is half as deep and
//! each step reads four neighbouring entries (one or two cache lines).
//!
//! The order of pops is the order of the elements (`Ord`), as for
//! `BinaryHeap<Reverse<T>>`: equal elements come out in no particular order.

/// Children per node.
const D: usize = 4;

#[derive(Debug, Clone)]
pub struct MinHeap<T> {
    items: Vec<T>,
}

impl<T> Default for MinHeap<T> {
    fn default() -> Self {
        MinHeap { items: Vec::new() }
    }
}

impl<T: Ord> MinHeap<T> {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The least element.
    pub fn peek(&self) -> Option<&T> {
        self.items.first()
    }

    pub fn push(&mut self, item: T) {
        self.items.push(item);
        self.sift_up(self.items.len() - 1);
    }

    /// Take the least element out.
    pub fn pop(&mut self) -> Option<T> {
        let last = self.items.pop()?;
        if self.items.is_empty() {
            return Some(last);
        }
        let least = std::mem::replace(&mut self.items[0], last);
        self.sift_down(0);
        Some(least)
    }

    /// Keep only the elements `keep` accepts.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
        for i in (0..self.items.len().div_ceil(D)).rev() {
            self.sift_down(i);
        }
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / D;
            if self.items[i] >= self.items[parent] {
                break;
            }
            self.items.swap(i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.items.len();
        loop {
            let first = i * D + 1;
            if first >= n {
                return;
            }
            let last = (first + D).min(n);
            let mut least = first;
            for c in first + 1..last {
                if self.items[c] < self.items[least] {
                    least = c;
                }
            }
            if self.items[least] >= self.items[i] {
                return;
            }
            self.items.swap(i, least);
            i = least;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MinHeap;
    use proptest::prelude::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    #[derive(Debug, Clone)]
    enum Op {
        Push(u16),
        Pop,
        Retain(u16),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => any::<u16>().prop_map(Op::Push),
            3 => Just(Op::Pop),
            1 => (1..8u16).prop_map(Op::Retain),
        ]
    }

    proptest! {
        /// Any mix of pushes, pops and retains gives the pops a `BinaryHeap` of `Reverse`
        /// gives.
        #[test]
        fn pops_come_out_as_from_a_binary_heap(ops in proptest::collection::vec(op(), 0..300)) {
            let mut heap = MinHeap::default();
            let mut reference = BinaryHeap::new();
            for op in ops {
                match op {
                    Op::Push(x) => {
                        heap.push(x);
                        reference.push(Reverse(x));
                    }
                    Op::Pop => prop_assert_eq!(heap.pop(), reference.pop().map(|Reverse(x)| x)),
                    Op::Retain(m) => {
                        heap.retain(|x| x % m != 0);
                        reference.retain(|Reverse(x)| x % m != 0);
                    }
                }
                prop_assert_eq!(heap.len(), reference.len());
                prop_assert_eq!(heap.peek(), reference.peek().map(|Reverse(x)| x));
            }
        }
    }
}
