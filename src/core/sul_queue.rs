//! The ordered store behind the sul scheduler: near events in a B-tree,
//! far ones in coarse time buckets.
//!
//! A B-tree of every pending event costs a cache-missing walk per insert,
//! and most events are far away (timeouts that are moved on every message,
//! timers seconds ahead). So only events due before `boundary` (a bucket
//! number) live in the ordered `near` tree; later ones are appended to the
//! unsorted bucket of their ~65 ms window, in O(1). When `near` runs dry,
//! the earliest bucket is moved into it whole and `boundary` advances past
//! it. Every far event is due after every near one, so `near`'s first entry
//! is always the earliest event.
//!
//! A node records where it is in its own list fields (the scheduler owns
//! them while it is scheduled): `next` holds its due time (to find its
//! bucket), `prev` its class bit, a FAR bit, and either its sequence number
//! (near: with the due time and class that is its tree key) or its index in
//! the bucket (far: so a cancel is a swap-remove).

use crate::ffi::types::{lws_dll2, lws_sorted_usec_list};
use std::collections::BTreeMap;

/// Firing order packed in one integer: the due time (sign bit flipped, so
/// negative times sort first) above the class rank above the inverted
/// sequence number (the newest first at equal times).
pub type Key = u128;

type Node = *mut lws_sorted_usec_list;

/// Set in `prev` while the node waits in a bucket.
const FAR_BIT: u64 = 1 << 62;
/// The sequence number or bucket index below the two flags.
const VALUE_MASK: u64 = FAR_BIT - 1;
/// Bucket width: 2^16 µs, about 65 ms.
const BUCKET_SHIFT: u32 = 16;

/// The key for a due time, class rank (0 or 1) and sequence number.
pub fn key(due_us: i64, rank: u8, seq: u64) -> Key {
    let low = (u64::from(rank) << 63) | (!seq & VALUE_MASK);
    (u128::from(biased(due_us)) << 64) | u128::from(low)
}

/// The due time a key was made from.
pub fn due_of(key: Key) -> i64 {
    (((key >> 64) as u64) ^ (1 << 63)) as i64
}

/// The class rank bit of a key, where `prev` keeps it too.
fn rank_bit(key: Key) -> u64 {
    (key as u64) & (1 << 63)
}

fn seq_of(key: Key) -> u64 {
    !(key as u64) & VALUE_MASK
}

/// A due time as an unsigned number in the same order.
fn biased(due_us: i64) -> u64 {
    (due_us as u64) ^ (1 << 63)
}

fn bucket_of(due_us: i64) -> u64 {
    biased(due_us) >> BUCKET_SHIFT
}

/// Pending events, earliest first.
#[derive(Default)]
pub struct SulQueue {
    near: BTreeMap<Key, Node>,
    far: BTreeMap<u64, Vec<(Key, Node)>>,
    /// buckets below this number have been moved into `near`
    boundary: u64,
    far_len: usize,
}

impl SulQueue {
    /// File `node` under `key`. Its `next` field must already hold the due
    /// time; this sets `prev`.
    ///
    /// # Safety
    /// `node` is valid and not filed here yet.
    pub unsafe fn insert(&mut self, key: Key, node: Node) {
        let due = due_of(key);
        let bucket = bucket_of(due);
        if bucket < self.boundary {
            // SAFETY: caller contract.
            unsafe { set_prev(node, rank_bit(key) | seq_of(key)) };
            self.near.insert(key, node);
            return;
        }
        let slot = self.far.entry(bucket).or_default();
        // SAFETY: caller contract.
        unsafe { set_prev(node, rank_bit(key) | FAR_BIT | slot.len() as u64) };
        slot.push((key, node));
        self.far_len += 1;
    }

    /// Take `node` out.
    ///
    /// # Safety
    /// `node` is valid and filed here.
    pub unsafe fn remove(&mut self, node: Node) {
        // SAFETY: caller contract.
        let (prev, due) = unsafe {
            let list = &(*node).list;
            (list.prev as usize as u64, list.next as usize as u64 as i64)
        };
        if prev & FAR_BIT == 0 {
            let rank = (prev >> 63) as u8;
            self.near.remove(&key(due, rank, prev & VALUE_MASK));
            return;
        }
        let bucket = bucket_of(due);
        let index = (prev & VALUE_MASK) as usize;
        let Some(slot) = self.far.get_mut(&bucket) else {
            return;
        };
        if index >= slot.len() || slot[index].1 != node {
            return;
        }
        slot.swap_remove(index);
        self.far_len -= 1;
        if let Some(&(moved_key, moved)) = slot.get(index) {
            // SAFETY: filed nodes are valid (the lws contract).
            unsafe { set_prev(moved, rank_bit(moved_key) | FAR_BIT | index as u64) };
        }
        if slot.is_empty() {
            self.far.remove(&bucket);
        }
    }

    /// The earliest key, moving the next bucket into the tree if needed.
    pub fn first(&mut self) -> Option<Key> {
        if self.near.is_empty() {
            self.pull_bucket();
        }
        self.near.first_key_value().map(|(k, _)| *k)
    }

    /// Remove and return the earliest node if it is due at `now`.
    pub fn pop_due(&mut self, now: i64) -> Option<Node> {
        self.first()?;
        let first = self.near.first_entry()?;
        if due_of(*first.key()) > now {
            return None;
        }
        Some(first.remove())
    }

    /// How many nodes are filed.
    pub fn len(&self) -> usize {
        self.near.len() + self.far_len
    }

    /// Every filed node, emptying the queue.
    pub fn drain(&mut self) -> Vec<Node> {
        let mut all: Vec<Node> = std::mem::take(&mut self.near).into_values().collect();
        for (_, slot) in std::mem::take(&mut self.far) {
            all.extend(slot.into_iter().map(|(_, n)| n));
        }
        self.far_len = 0;
        all
    }

    /// Move the earliest bucket into the (empty) tree, sorted in one go.
    fn pull_bucket(&mut self) {
        let Some((bucket, mut slot)) = self.far.pop_first() else {
            return;
        };
        self.far_len -= slot.len();
        self.boundary = bucket + 1;
        slot.sort_unstable_by_key(|&(k, _)| k);
        for &(k, node) in &slot {
            // SAFETY: filed nodes are valid (the lws contract).
            unsafe { set_prev(node, rank_bit(k) | seq_of(k)) };
        }
        // Sorted input: the tree is built without searching.
        self.near = slot.into_iter().collect();
    }
}

/// Write a node's `prev` bookkeeping word.
///
/// # Safety
/// `node` is valid.
unsafe fn set_prev(node: Node, value: u64) {
    // SAFETY: caller contract.
    unsafe { (*node).list.prev = value as usize as *mut lws_dll2 };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::types::lws_dll2;

    fn nodes(n: usize) -> Vec<lws_sorted_usec_list> {
        // SAFETY: all-zero is a node's initial state.
        (0..n).map(|_| unsafe { std::mem::zeroed() }).collect()
    }

    /// File a node the way the scheduler does: `next` = due, then insert.
    fn file(q: &mut SulQueue, node: Node, due: i64, rank: u8, seq: u64) -> Key {
        let k = key(due, rank, seq);
        // SAFETY: a live test node, not filed.
        unsafe {
            (*node).list.next = due as u64 as usize as *mut lws_dll2;
            q.insert(k, node);
        }
        k
    }

    #[test]
    fn keys_order_by_time_then_class_then_newest() {
        assert!(key(-5, 1, 1) < key(0, 0, 1));
        assert!(key(10, 0, 1) < key(10, 1, 2), "wake-if-suspended first");
        assert!(key(10, 1, 9) < key(10, 1, 3), "the newest first");
        assert_eq!(due_of(key(-77, 1, 5)), -77);
        assert_eq!(seq_of(key(3, 1, 42)), 42);
    }

    /// Random inserts, cancels and pops against a sorted model: the queue
    /// must give the same nodes in the same order, across bucket pulls and
    /// swap-removes inside buckets.
    #[test]
    fn matches_a_sorted_model() {
        let mut q = SulQueue::default();
        let mut store = nodes(4000);
        let ptrs: Vec<Node> = store.iter_mut().map(|b| b as Node).collect();
        let mut model: Vec<(Key, Node)> = Vec::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut now: i64 = 1_000_000;
        let mut seq = 1;
        for _ in 0..40_000 {
            let r = rnd();
            let i = (r % ptrs.len() as u64) as usize;
            let filed = model.iter().position(|&(_, n)| n == ptrs[i]);
            match (r >> 32) % 4 {
                0 | 1 if filed.is_none() => {
                    let due = now + (rnd() % 20_000_000) as i64 - 1000;
                    let k = file(&mut q, ptrs[i], due, (rnd() % 2) as u8, seq);
                    seq += 1;
                    model.push((k, ptrs[i]));
                }
                2 if filed.is_some() => {
                    // SAFETY: filed here.
                    unsafe { q.remove(ptrs[i]) };
                    model.swap_remove(filed.unwrap());
                }
                _ => {
                    now += (rnd() % 5_000) as i64;
                    model.sort_unstable();
                    let due: Vec<Node> = model
                        .iter()
                        .take_while(|(k, _)| due_of(*k) <= now)
                        .map(|&(_, n)| n)
                        .collect();
                    let mut got = Vec::new();
                    while let Some(n) = q.pop_due(now) {
                        got.push(n);
                    }
                    assert_eq!(got, due);
                    model.drain(..due.len());
                }
            }
            assert_eq!(q.len(), model.len());
        }
        model.sort_unstable();
        assert_eq!(q.first(), model.first().map(|&(k, _)| k));
        let mut left = q.drain();
        left.sort();
        let mut want: Vec<Node> = model.iter().map(|&(_, n)| n).collect();
        want.sort();
        assert_eq!(left, want);
        assert_eq!(q.len(), 0);
    }
}
