//! Dense bit sets and bit matrices over MIR indices (locals, blocks), stored as `u64` words.
//!
//! Takes nothing but a domain size; produces the sets dataflow analyses use as their state
//! ([`BitSet`]) and the pairwise relations they report, such as storage conflicts ([`BitMatrix`]).
//! Written here rather than taken from a crate (`fixedbitset` would do) because the analyses need
//! only a dozen operations, want them typed by index (`BitSet<Local>` cannot be queried with a
//! `BasicBlock`), and want `union`/`subtract` to report whether anything changed, which is what
//! the fixpoint solver's termination test is; wrapping a crate would take as much code as this.
//! Invariant: bits at and beyond the domain size in the last word are always zero, so word-wise
//! equality and counting need no masking.

use std::fmt;
use std::marker::PhantomData;

use crate::mir::{BasicBlock, Local};

/// An index type a bit set can be keyed by.
pub trait Idx: Copy + fmt::Debug {
    fn new(i: usize) -> Self;
    fn index(self) -> usize;
}

impl Idx for usize {
    fn new(i: usize) -> Self {
        i
    }
    fn index(self) -> usize {
        self
    }
}

impl Idx for Local {
    fn new(i: usize) -> Self {
        Local(u32::try_from(i).expect("local index fits in u32"))
    }
    fn index(self) -> usize {
        self.0 as usize
    }
}

impl Idx for BasicBlock {
    fn new(i: usize) -> Self {
        BasicBlock(u32::try_from(i).expect("block index fits in u32"))
    }
    fn index(self) -> usize {
        self.0 as usize
    }
}

const WORD_BITS: usize = 64;

fn words_for(bits: usize) -> usize {
    bits.div_ceil(WORD_BITS)
}

fn word_and_mask(i: usize) -> (usize, u64) {
    (i / WORD_BITS, 1u64 << (i % WORD_BITS))
}

/// A fixed-size set of indices `0..domain_size`.
pub struct BitSet<T: Idx = usize> {
    domain_size: usize,
    words: Vec<u64>,
    marker: PhantomData<fn(T)>,
}

impl<T: Idx> BitSet<T> {
    pub fn new_empty(domain_size: usize) -> Self {
        BitSet { domain_size, words: vec![0; words_for(domain_size)], marker: PhantomData }
    }

    pub fn new_filled(domain_size: usize) -> Self {
        let mut s = BitSet { domain_size, words: vec![!0; words_for(domain_size)], marker: PhantomData };
        s.clear_excess_bits();
        s
    }

    /// The set of the given elements.
    pub fn from_elems(domain_size: usize, elems: impl IntoIterator<Item = T>) -> Self {
        let mut s = Self::new_empty(domain_size);
        for e in elems {
            s.insert(e);
        }
        s
    }

    fn clear_excess_bits(&mut self) {
        let used = self.domain_size % WORD_BITS;
        if used != 0 {
            let last = self.words.len() - 1;
            self.words[last] &= (1u64 << used) - 1;
        }
    }

    pub fn domain_size(&self) -> usize {
        self.domain_size
    }

    /// Adds `e`; returns whether it was absent.
    pub fn insert(&mut self, e: T) -> bool {
        let i = e.index();
        assert!(i < self.domain_size, "index {i} outside a bit set of {} elements", self.domain_size);
        let (w, m) = word_and_mask(i);
        let old = self.words[w];
        self.words[w] = old | m;
        old & m == 0
    }

    /// Removes `e`; returns whether it was present.
    pub fn remove(&mut self, e: T) -> bool {
        let i = e.index();
        assert!(i < self.domain_size, "index {i} outside a bit set of {} elements", self.domain_size);
        let (w, m) = word_and_mask(i);
        let old = self.words[w];
        self.words[w] = old & !m;
        old & m != 0
    }

    pub fn contains(&self, e: T) -> bool {
        let i = e.index();
        assert!(i < self.domain_size, "index {i} outside a bit set of {} elements", self.domain_size);
        let (w, m) = word_and_mask(i);
        self.words[w] & m != 0
    }

    pub fn clear(&mut self) {
        self.words.iter_mut().for_each(|w| *w = 0);
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    fn check_same_domain(&self, other: &BitSet<T>) {
        assert_eq!(self.domain_size, other.domain_size, "bit sets over different domains");
    }

    /// `self ∪= other`; returns whether `self` changed.
    pub fn union(&mut self, other: &BitSet<T>) -> bool {
        self.check_same_domain(other);
        let mut changed = 0;
        for (a, &b) in self.words.iter_mut().zip(&other.words) {
            let new = *a | b;
            changed |= new ^ *a;
            *a = new;
        }
        changed != 0
    }

    /// `self −= other`; returns whether `self` changed.
    pub fn subtract(&mut self, other: &BitSet<T>) -> bool {
        self.check_same_domain(other);
        let mut changed = 0;
        for (a, &b) in self.words.iter_mut().zip(&other.words) {
            let new = *a & !b;
            changed |= new ^ *a;
            *a = new;
        }
        changed != 0
    }

    /// `self ∩= other`; returns whether `self` changed.
    pub fn intersect(&mut self, other: &BitSet<T>) -> bool {
        self.check_same_domain(other);
        let mut changed = 0;
        for (a, &b) in self.words.iter_mut().zip(&other.words) {
            let new = *a & b;
            changed |= new ^ *a;
            *a = new;
        }
        changed != 0
    }

    /// Whether the two sets share an element.
    pub fn intersects(&self, other: &BitSet<T>) -> bool {
        self.check_same_domain(other);
        self.words.iter().zip(&other.words).any(|(&a, &b)| a & b != 0)
    }

    /// Whether every element of `self` is in `other`.
    pub fn is_subset(&self, other: &BitSet<T>) -> bool {
        self.check_same_domain(other);
        self.words.iter().zip(&other.words).all(|(&a, &b)| a & !b == 0)
    }

    /// The elements in increasing order.
    pub fn iter(&self) -> BitIter<'_, T> {
        BitIter {
            words: &self.words,
            word_index: 0,
            current: self.words.first().copied().unwrap_or(0),
            marker: PhantomData,
        }
    }
}

impl<T: Idx> Clone for BitSet<T> {
    fn clone(&self) -> Self {
        BitSet { domain_size: self.domain_size, words: self.words.clone(), marker: PhantomData }
    }

    // The solver and cursors copy states into scratch sets in their inner loops: reuse the buffer.
    fn clone_from(&mut self, source: &Self) {
        self.domain_size = source.domain_size;
        self.words.clone_from(&source.words);
    }
}

impl<T: Idx> PartialEq for BitSet<T> {
    fn eq(&self, other: &Self) -> bool {
        self.domain_size == other.domain_size && self.words == other.words
    }
}

impl<T: Idx> Eq for BitSet<T> {}

impl<T: Idx> fmt::Debug for BitSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The elements of a [`BitSet`] (or of a [`BitMatrix`] row), in increasing order.
pub struct BitIter<'a, T: Idx> {
    words: &'a [u64],
    word_index: usize,
    /// The not-yet-returned bits of `words[word_index]`.
    current: u64,
    marker: PhantomData<fn() -> T>,
}

impl<T: Idx> Iterator for BitIter<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            if self.current != 0 {
                let bit = self.current.trailing_zeros() as usize;
                self.current &= self.current - 1;
                return Some(T::new(self.word_index * WORD_BITS + bit));
            }
            self.word_index += 1;
            self.current = *self.words.get(self.word_index)?;
        }
    }
}

/// A `rows × columns` boolean matrix: row `r` is a bit set over the columns.
#[derive(Clone, PartialEq, Eq)]
pub struct BitMatrix<R: Idx, C: Idx> {
    rows: usize,
    columns: usize,
    words_per_row: usize,
    words: Vec<u64>,
    marker: PhantomData<fn(R, C)>,
}

impl<R: Idx, C: Idx> BitMatrix<R, C> {
    pub fn new(rows: usize, columns: usize) -> Self {
        let words_per_row = words_for(columns);
        BitMatrix { rows, columns, words_per_row, words: vec![0; rows * words_per_row], marker: PhantomData }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn columns(&self) -> usize {
        self.columns
    }

    fn row_range(&self, r: R) -> std::ops::Range<usize> {
        let r = r.index();
        assert!(r < self.rows, "row {r} outside a matrix of {} rows", self.rows);
        r * self.words_per_row..(r + 1) * self.words_per_row
    }

    fn position(&self, r: R, c: C) -> (usize, u64) {
        let c = c.index();
        assert!(c < self.columns, "column {c} outside a matrix of {} columns", self.columns);
        let (w, m) = word_and_mask(c);
        (self.row_range(r).start + w, m)
    }

    /// Sets `(r, c)`; returns whether it was unset.
    pub fn insert(&mut self, r: R, c: C) -> bool {
        let (w, m) = self.position(r, c);
        let old = self.words[w];
        self.words[w] = old | m;
        old & m == 0
    }

    pub fn contains(&self, r: R, c: C) -> bool {
        let (w, m) = self.position(r, c);
        self.words[w] & m != 0
    }

    /// `row r ∪= set`; returns whether the row changed.
    pub fn union_row_with(&mut self, set: &BitSet<C>, r: R) -> bool {
        assert_eq!(set.domain_size(), self.columns, "set and matrix columns differ");
        let range = self.row_range(r);
        let mut changed = 0;
        for (a, &b) in self.words[range].iter_mut().zip(&set.words) {
            let new = *a | b;
            changed |= new ^ *a;
            *a = new;
        }
        changed != 0
    }

    /// Whether row `r` shares a column with `set`.
    pub fn row_intersects(&self, r: R, set: &BitSet<C>) -> bool {
        assert_eq!(set.domain_size(), self.columns, "set and matrix columns differ");
        self.words[self.row_range(r)].iter().zip(&set.words).any(|(&a, &b)| a & b != 0)
    }

    /// The columns set in row `r`, in increasing order.
    pub fn iter_row(&self, r: R) -> BitIter<'_, C> {
        let row = &self.words[self.row_range(r)];
        BitIter { words: row, word_index: 0, current: row.first().copied().unwrap_or(0), marker: PhantomData }
    }
}

impl<R: Idx, C: Idx> fmt::Debug for BitMatrix<R, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for r in 0..self.rows {
            let r = R::new(r);
            if self.iter_row(r).next().is_some() {
                m.entry(&r, &self.iter_row(r).collect::<Vec<_>>());
            }
        }
        m.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_remove_contains_across_words() {
        let mut s: BitSet = BitSet::new_empty(130);
        assert!(s.insert(0));
        assert!(s.insert(64));
        assert!(s.insert(129));
        assert!(!s.insert(64));
        assert!(s.contains(129) && s.contains(0) && !s.contains(1) && !s.contains(128));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 64, 129]);
        assert_eq!(s.count(), 3);
        assert!(s.remove(64));
        assert!(!s.remove(64));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 129]);
    }

    #[test]
    fn filled_set_has_no_bits_past_the_domain() {
        let s: BitSet = BitSet::new_filled(70);
        assert_eq!(s.count(), 70);
        assert_eq!(s.iter().last(), Some(69));
        let e: BitSet = BitSet::new_filled(0);
        assert!(e.is_empty() && e.iter().next().is_none());
    }

    #[test]
    fn set_operations_report_change() {
        let mut a: BitSet = BitSet::from_elems(100, [1, 2, 70]);
        let b: BitSet = BitSet::from_elems(100, [2, 3]);
        assert!(a.union(&b));
        assert!(!a.union(&b));
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![1, 2, 3, 70]);
        assert!(a.subtract(&BitSet::from_elems(100, [1, 99])));
        assert!(!a.subtract(&BitSet::from_elems(100, [99])));
        assert!(a.intersect(&BitSet::from_elems(100, [3, 70, 80])));
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![3, 70]);
        assert!(!a.intersect(&BitSet::from_elems(100, [3, 70])));
        assert!(a.intersects(&BitSet::from_elems(100, [70])));
        assert!(!a.intersects(&BitSet::from_elems(100, [71])));
        assert!(a.is_subset(&BitSet::from_elems(100, [3, 70, 5])));
        assert!(!a.is_subset(&BitSet::from_elems(100, [3])));
    }

    #[test]
    fn clone_from_copies_contents() {
        let a: BitSet<Local> = BitSet::from_elems(10, [Local(3)]);
        let mut b: BitSet<Local> = BitSet::from_elems(10, [Local(4), Local(5)]);
        b.clone_from(&a);
        assert_eq!(a, b);
    }

    #[test]
    fn matrix_rows_are_independent() {
        let mut m: BitMatrix<usize, usize> = BitMatrix::new(3, 65);
        assert!(m.insert(1, 64));
        assert!(!m.insert(1, 64));
        assert!(m.contains(1, 64) && !m.contains(0, 64) && !m.contains(2, 64));
        assert!(m.union_row_with(&BitSet::from_elems(65, [0, 5]), 2));
        assert!(!m.union_row_with(&BitSet::from_elems(65, [5]), 2));
        assert_eq!(m.iter_row(2).collect::<Vec<_>>(), vec![0, 5]);
        assert_eq!(m.iter_row(1).collect::<Vec<_>>(), vec![64]);
        assert!(m.iter_row(0).next().is_none());
        assert!(m.row_intersects(2, &BitSet::from_elems(65, [5])));
        assert!(!m.row_intersects(1, &BitSet::from_elems(65, [5])));
    }
}
