//! The service thread's descriptor → wsi table. Grows with the highest
//! descriptor seen (nothing is sized from RLIMIT_NOFILE up front) and owns
//! the wsis in it (raw pointers from `Box::into_raw`).

use super::wsi::Wsi;
use std::cell::{Cell, RefCell};
use std::os::raw::c_int;
use std::ptr;

/// fd-indexed wsi pointers.
#[derive(Default)]
pub struct FdTable {
    slots: RefCell<Vec<*mut Wsi>>,
    count: Cell<usize>,
}

impl FdTable {
    /// The wsi on `fd`, if any.
    pub fn get(&self, fd: c_int) -> Option<*mut Wsi> {
        let i = usize::try_from(fd).ok()?;
        self.slots.borrow().get(i).copied().filter(|p| !p.is_null())
    }

    /// Put `wsi` on `fd`. False if the slot is taken.
    pub fn insert(&self, fd: c_int, wsi: *mut Wsi) -> bool {
        let Ok(i) = usize::try_from(fd) else {
            return false;
        };
        let mut slots = self.slots.borrow_mut();
        if slots.len() <= i {
            let grown = (i + 1).max(slots.len() * 2);
            slots.resize(grown, ptr::null_mut());
        }
        if !slots[i].is_null() {
            return false;
        }
        slots[i] = wsi;
        self.count.set(self.count.get() + 1);
        true
    }

    /// Empty the slot of `fd`.
    pub fn remove(&self, fd: c_int) {
        let Ok(i) = usize::try_from(fd) else { return };
        if let Some(slot) = self.slots.borrow_mut().get_mut(i) {
            if !slot.is_null() {
                *slot = ptr::null_mut();
                self.count.set(self.count.get() - 1);
            }
        }
    }

    /// How many wsis are in the table.
    pub fn len(&self) -> usize {
        self.count.get()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every wsi in the table, in descriptor order (a snapshot: callbacks
    /// may change the table while the caller walks it).
    pub fn snapshot(&self) -> Vec<*mut Wsi> {
        self.slots
            .borrow()
            .iter()
            .copied()
            .filter(|p| !p.is_null())
            .collect()
    }
}
