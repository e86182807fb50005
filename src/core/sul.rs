//! The scheduler for `lws_sorted_usec_list_t` nodes ("suls").
//!
//! The nodes live in the caller's memory. lws keeps them on a sorted linked
//! list (O(n) insert); we keep them in a [`SulQueue`] instead (a B-tree for
//! the near ones, O(1) buckets for the far ones) and use the node's own list
//! fields only as our bookkeeping while it is scheduled:
//! - `list.owner` points at the scheduler's `marker` (so `lws_sul_cancel`,
//!   which gets no context, finds the scheduler, and lws's "is it attached?"
//!   test on `owner` keeps working);
//! - `list.next` holds the due time it was filed under (not `us`: a caller
//!   moving a sul with lws_sul2_schedule rewrites `us` before we see it),
//!   `list.prev` its class and where the queue keeps it (sul_queue.rs).
//!
//! Order, as lws fires it: earliest due time first; at equal times the
//! wake-if-suspended class first, and within a class the node scheduled last
//! first.

use super::sul_queue::{due_of, key, SulQueue};
use crate::ffi::types::{lws_dll2, lws_dll2_owner, lws_sorted_usec_list};
use std::cell::{Cell, RefCell};
use std::ptr;

/// Which of lws's two per-thread lists a sul belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SulClass {
    /// `LWSSULLI_MISS_IF_SUSPENDED`: the ordinary list
    Normal,
    /// `LWSSULLI_WAKE_IF_SUSPENDED`: fires even across system suspend
    WakeSuspend,
}

impl SulClass {
    fn rank(self) -> u8 {
        match self {
            SulClass::WakeSuspend => 0,
            SulClass::Normal => 1,
        }
    }
}

// The bookkeeping stores a 64-bit due time and sequence in pointer fields.
const _: () = assert!(std::mem::size_of::<usize>() == 8);

/// The per-thread scheduler. `repr(C)` with `marker` first so a node's
/// `owner` pointer converts back to the scheduler.
#[repr(C)]
pub struct SulScheduler {
    marker: lws_dll2_owner,
    queue: RefCell<SulQueue>,
    next_seq: Cell<u64>,
}

impl SulScheduler {
    /// A new, empty scheduler. Boxed: nodes point at it while scheduled.
    pub fn new() -> Box<SulScheduler> {
        let mut s = Box::new(SulScheduler {
            marker: lws_dll2_owner {
                tail: ptr::null_mut(),
                head: ptr::null_mut(),
                count: 0,
            },
            queue: RefCell::new(SulQueue::default()),
            next_seq: Cell::new(1),
        });
        // The marker points at itself: how we recognise our own owner pointers.
        let me = &mut s.marker as *mut lws_dll2_owner as *mut lws_dll2;
        s.marker.head = me;
        s.marker.tail = me;
        s
    }

    fn marker_ptr(&self) -> *mut lws_dll2_owner {
        &self.marker as *const lws_dll2_owner as *mut lws_dll2_owner
    }

    /// The scheduler a scheduled node belongs to, if it is scheduled by us.
    ///
    /// # Safety
    /// `sul` must point to a readable sul node.
    pub unsafe fn owner_of(sul: *const lws_sorted_usec_list) -> Option<*const SulScheduler> {
        // SAFETY: caller guarantees the node is readable.
        let owner = unsafe { (*sul).list.owner };
        if owner.is_null() {
            return None;
        }
        // SAFETY: a non-null owner on a node we scheduled points at a live
        // marker; a foreign one would have to be a caller bug, which the
        // self-pointer check catches in the common cases.
        let looks_ours = unsafe { (*owner).head == owner as *mut lws_dll2 };
        looks_ours.then_some(owner as *const SulScheduler)
    }

    /// Schedule `sul` to fire at absolute monotonic time `due_us`, moving it
    /// if it is already scheduled (here or on another scheduler).
    ///
    /// # Safety
    /// `sul` must point to a sul node that stays valid until it fires or is
    /// cancelled; its list fields must be zero or set by us.
    pub unsafe fn schedule(&self, sul: *mut lws_sorted_usec_list, due_us: i64, class: SulClass) {
        // SAFETY: forwarded caller guarantee.
        unsafe { cancel(sul) };
        let seq = self.next_seq.get();
        self.next_seq.set(seq + 1);
        // SAFETY: the node is valid (caller); we own its list fields now
        // (`prev` is written by the queue).
        unsafe {
            (*sul).us = due_us;
            (*sul).list = lws_dll2 {
                prev: ptr::null_mut(),
                next: due_us as u64 as usize as *mut lws_dll2,
                owner: self.marker_ptr(),
            };
            self.queue
                .borrow_mut()
                .insert(key(due_us, class.rank(), seq), sul);
        }
    }

    fn remove(&self, sul: *mut lws_sorted_usec_list) {
        // SAFETY: only called for nodes whose owner is this scheduler, so
        // filed in its queue.
        unsafe { self.queue.borrow_mut().remove(sul) };
        // SAFETY: detach the node: zeroed list and time, as lws leaves it.
        unsafe { detach(sul) };
    }

    /// Due time of the earliest scheduled node.
    pub fn next_due(&self) -> Option<i64> {
        self.queue.borrow_mut().first().map(due_of)
    }

    /// How many nodes are scheduled.
    pub fn len(&self) -> usize {
        self.queue.borrow().len()
    }

    /// Whether nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.queue.borrow().len() == 0
    }

    /// Take the earliest node if it is due at `now`, detached and ready to
    /// call. The queue is not borrowed once this returns, so the callback
    /// may schedule or cancel anything.
    pub fn pop_ripe(&self, now: i64) -> Option<*mut lws_sorted_usec_list> {
        let sul = self.queue.borrow_mut().pop_due(now)?;
        // SAFETY: the node was valid when scheduled and the caller keeps it
        // valid until it fires (the lws contract).
        unsafe { detach(sul) };
        Some(sul)
    }

    /// Fire every node due at `now` (re-reading the clock is the caller's
    /// choice). Returns how many fired.
    pub fn run_ripe(&self, now: i64) -> usize {
        let mut fired = 0;
        while let Some(sul) = self.pop_ripe(now) {
            fired += 1;
            // SAFETY: the node is valid; its callback was set by the caller.
            if let Some(cb) = unsafe { (*sul).cb } {
                // SAFETY: calling the user's callback with its own node.
                unsafe { cb(sul) };
            }
        }
        fired
    }
}

impl Drop for SulScheduler {
    fn drop(&mut self) {
        // Nodes still scheduled belong to the caller: leave them detached so
        // a later lws_sul_cancel on them is harmless.
        for sul in self.queue.borrow_mut().drain() {
            // SAFETY: scheduled nodes are valid by the lws contract.
            unsafe { detach(sul) };
        }
    }
}

/// Zero a node's list fields and due time.
///
/// # Safety
/// `sul` must be a valid node pointer.
unsafe fn detach(sul: *mut lws_sorted_usec_list) {
    // SAFETY: caller guarantees validity.
    unsafe {
        (*sul).list = lws_dll2 {
            prev: ptr::null_mut(),
            next: ptr::null_mut(),
            owner: ptr::null_mut(),
        };
        (*sul).us = 0;
    }
}

/// Cancel `sul` wherever it is scheduled; harmless if it is not.
///
/// # Safety
/// `sul` must be a valid node pointer; if scheduled, its scheduler is alive.
pub unsafe fn cancel(sul: *mut lws_sorted_usec_list) {
    // SAFETY: forwarded caller guarantee.
    match unsafe { SulScheduler::owner_of(sul) } {
        // SAFETY: an owner we recognise is a live scheduler.
        Some(s) => unsafe { (*s).remove(sul) },
        None => {
            // Not ours (or never scheduled): only reset the time, as lws's
            // cancel leaves an unscheduled node zeroed.
            // SAFETY: caller guarantees validity.
            unsafe { (*sul).us = 0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell as StdRefCell;

    fn node() -> Box<lws_sorted_usec_list> {
        // SAFETY: the all-zero pattern is the documented initial state.
        Box::new(unsafe { std::mem::zeroed() })
    }

    thread_local! {
        static FIRED: StdRefCell<Vec<usize>> = const { StdRefCell::new(Vec::new()) };
    }

    unsafe extern "C" fn record(sul: *mut lws_sorted_usec_list) {
        FIRED.with(|f| f.borrow_mut().push(sul as usize));
    }

    fn fired() -> Vec<usize> {
        FIRED.with(|f| std::mem::take(&mut *f.borrow_mut()))
    }

    #[test]
    fn fires_in_time_order_and_equal_times_lifo() {
        let s = SulScheduler::new();
        let mut n: Vec<_> = (0..4).map(|_| node()).collect();
        let p: Vec<*mut lws_sorted_usec_list> = n.iter_mut().map(|b| &mut **b as *mut _).collect();
        unsafe {
            for &x in &p {
                (*x).cb = Some(record);
            }
            s.schedule(p[0], 300, SulClass::Normal);
            s.schedule(p[1], 100, SulClass::Normal);
            s.schedule(p[2], 100, SulClass::Normal);
            s.schedule(p[3], 100, SulClass::WakeSuspend);
        }
        assert_eq!(s.run_ripe(99), 0);
        assert_eq!(s.run_ripe(100), 3);
        assert_eq!(fired(), vec![p[3] as usize, p[2] as usize, p[1] as usize]);
        assert_eq!(s.next_due(), Some(300));
        assert_eq!(s.run_ripe(1000), 1);
        assert_eq!(fired(), vec![p[0] as usize]);
        assert!(s.is_empty());
        assert_eq!(n[0].us, 0);
        assert!(n[0].list.owner.is_null());
    }

    #[test]
    fn reschedule_moves_and_cancel_detaches() {
        let s = SulScheduler::new();
        let mut a = node();
        let pa: *mut lws_sorted_usec_list = &mut *a;
        unsafe {
            (*pa).cb = Some(record);
            s.schedule(pa, 500, SulClass::Normal);
            s.schedule(pa, 50, SulClass::Normal);
        }
        assert_eq!(s.len(), 1);
        assert_eq!(s.next_due(), Some(50));
        unsafe { cancel(pa) };
        assert!(s.is_empty());
        assert_eq!(a.us, 0);
        // cancelling again, or a never-scheduled node, is harmless
        unsafe { cancel(pa) };
        let mut b = node();
        unsafe { cancel(&mut *b) };
        assert_eq!(s.run_ripe(i64::MAX), 0);
        assert!(fired().is_empty());
    }

    /// lws_sul2_schedule's way to move a sul: the caller writes the new
    /// due time into `us` first, then schedules again. The old entry must
    /// go, though `us` no longer says where it was.
    #[test]
    fn moving_with_a_rewritten_due_time_leaves_no_ghost() {
        let s = SulScheduler::new();
        let mut a = node();
        let pa: *mut lws_sorted_usec_list = &mut *a;
        unsafe {
            (*pa).cb = Some(record);
            s.schedule(pa, 100, SulClass::Normal);
            (*pa).us = 500;
            s.schedule(pa, 500, SulClass::Normal);
        }
        assert_eq!(s.len(), 1, "the old entry is gone");
        assert_eq!(s.run_ripe(1000), 1);
        assert_eq!(fired(), vec![pa as usize]);
    }

    #[test]
    fn drop_detaches_pending_nodes() {
        let mut a = node();
        {
            let s = SulScheduler::new();
            unsafe { s.schedule(&mut *a, 10, SulClass::Normal) };
            assert!(!a.list.owner.is_null());
        }
        assert!(a.list.owner.is_null());
        unsafe { cancel(&mut *a) };
    }
}
