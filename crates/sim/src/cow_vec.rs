//! A vector whose clones share their elements: the storage of the objects a run accumulates
//! (tasks, targets), so that a snapshot of the world costs a pointer per object instead of a
//! deep copy of each.
//!
//! [`CowVec<T>`] keeps each element behind its own `Arc`. Cloning the vector clones the
//! pointers; reading is as for a `Vec`; writing through `IndexMut`, `get_mut` or `iter_mut`
//! copies the one element written (`Arc::make_mut`) if another clone still holds it, and
//! writes in place otherwise. So a clone never sees a write made to another clone after it was
//! taken (each clone is its own value, exactly as a cloned `Vec` is), and a playback's
//! snapshots share every object nothing wrote to between them.
//!
//! Equality, `Debug` and serialization are those of the elements, as for `Vec<T>`: nothing the
//! world compares or prints can tell the two apart (equality takes one element shared by both
//! sides as equal without comparing it, which differs from `Vec` only for an element not equal
//! to itself, such as a NaN).

use std::fmt;
use std::ops::{Index, IndexMut, RangeBounds};
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// A `Vec<T>` whose clones share elements until one of them is written. See the module docs.
pub struct CowVec<T> {
    items: Vec<Arc<T>>,
}

impl<T> CowVec<T> {
    pub const fn new() -> Self {
        CowVec { items: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn push(&mut self, value: T) {
        self.items.push(Arc::new(value));
    }

    pub fn insert(&mut self, index: usize, value: T) {
        self.items.insert(index, Arc::new(value));
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.items.get(index).map(|a| &**a)
    }

    pub fn first(&self) -> Option<&T> {
        self.get(0)
    }

    pub fn last(&self) -> Option<&T> {
        self.items.last().map(|a| &**a)
    }

    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            inner: self.items.iter(),
        }
    }

    /// Take the elements in `range` out (they are dropped, or stay with the clones that hold
    /// them).
    pub fn remove_range(&mut self, range: impl RangeBounds<usize>) {
        self.items.drain(range);
    }

    pub fn truncate(&mut self, len: usize) {
        self.items.truncate(len);
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Keep the elements `keep` accepts (it reads them; nothing is copied).
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.items.retain(|a| keep(a));
    }

    /// As [`slice::partition_point`].
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        self.items.partition_point(|a| pred(a))
    }

    /// As [`slice::binary_search_by_key`].
    pub fn binary_search_by_key<B: Ord>(
        &self,
        key: &B,
        mut f: impl FnMut(&T) -> B,
    ) -> Result<usize, usize> {
        self.items.binary_search_by_key(key, |a| f(a))
    }

    /// How many of the elements `older` (an earlier clone) does not hold: the elements this
    /// vector added or copied since. A snapshot costs this many elements on top of the one
    /// before it.
    pub fn count_not_in(&self, older: &CowVec<T>) -> usize {
        // Clones keep shared elements in the same relative order (elements are only
        // appended, inserted, removed or replaced by their copy), and most are at the same
        // place: look there first and only then in a set of the older pointers.
        let same_place =
            |i: usize, a: &Arc<T>| older.items.get(i).is_some_and(|o| Arc::ptr_eq(o, a));
        let mut set: Option<std::collections::HashSet<*const T>> = None;
        self.items
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                if same_place(*i, a) {
                    return false;
                }
                let set = set.get_or_insert_with(|| older.items.iter().map(Arc::as_ptr).collect());
                !set.contains(&Arc::as_ptr(a))
            })
            .count()
    }

    /// How many elements no other clone holds (written or added since the last clone).
    pub fn count_unshared(&self) -> usize {
        self.items
            .iter()
            .filter(|a| Arc::strong_count(a) == 1)
            .count()
    }
}

impl<T: Clone> CowVec<T> {
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.items.get_mut(index).map(Arc::make_mut)
    }

    pub fn last_mut(&mut self) -> Option<&mut T> {
        self.items.last_mut().map(Arc::make_mut)
    }

    /// Every element, writable: each one another clone holds is copied first. Prefer indexing
    /// the ones to write when only some are.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut T> + ExactSizeIterator {
        self.items.iter_mut().map(Arc::make_mut)
    }

    pub fn remove(&mut self, index: usize) -> T {
        Arc::unwrap_or_clone(self.items.remove(index))
    }

    /// Keep the elements `keep` accepts, which may write to them (each is copied first if
    /// another clone holds it).
    pub fn retain_mut(&mut self, mut keep: impl FnMut(&mut T) -> bool) {
        self.items.retain_mut(|a| keep(Arc::make_mut(a)));
    }

    /// The elements as a plain vector.
    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }
}

/// An iterator over a [`CowVec`]'s elements.
pub struct Iter<'a, T> {
    inner: std::slice::Iter<'a, Arc<T>>,
}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter {
            inner: self.inner.clone(),
        }
    }
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        self.inner.next().map(|a| &**a)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<&'a T> {
        self.inner.nth(n).map(|a| &**a)
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|a| &**a)
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<'a, T> IntoIterator for &'a CowVec<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T> Index<usize> for CowVec<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        &self.items[index]
    }
}

impl<T: Clone> IndexMut<usize> for CowVec<T> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        Arc::make_mut(&mut self.items[index])
    }
}

/// Cheap: the clone shares every element.
impl<T> Clone for CowVec<T> {
    fn clone(&self) -> Self {
        CowVec {
            items: self.items.clone(),
        }
    }
}

impl<T> Default for CowVec<T> {
    fn default() -> Self {
        CowVec::new()
    }
}

impl<T: PartialEq> PartialEq for CowVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items.len() == other.items.len()
            && self
                .items
                .iter()
                .zip(&other.items)
                .all(|(a, b)| Arc::ptr_eq(a, b) || **a == **b)
    }
}

impl<T: fmt::Debug> fmt::Debug for CowVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for CowVec<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<T> FromIterator<T> for CowVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        CowVec {
            items: iter.into_iter().map(Arc::new).collect(),
        }
    }
}

impl<T> From<Vec<T>> for CowVec<T> {
    fn from(v: Vec<T>) -> Self {
        v.into_iter().collect()
    }
}

impl<T> Extend<T> for CowVec<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.items.extend(iter.into_iter().map(Arc::new));
    }
}

#[cfg(test)]
mod tests;
