//! `lws_sorted_usec_list_t`: a scheduled callback that lives in the caller's
//! memory. We keep a pointer to it while it is scheduled and never move or
//! free it (core/sul.rs owns the ordering, not this node).

use super::{lws_dll2, lws_usec_t};

/// The callback a sul runs when it comes due.
pub type sul_cb_t = Option<unsafe extern "C" fn(sul: *mut lws_sorted_usec_list)>;

/// A scheduled event node, embedded in the caller's object.
#[repr(C)]
pub struct lws_sorted_usec_list {
    /// list linkage; lws requires it first and zeroed before first use
    pub list: lws_dll2,
    /// absolute due time in monotonic µs, 0 while not scheduled
    pub us: lws_usec_t,
    /// what to call when due
    pub cb: sul_cb_t,
    /// allowed lateness, informational
    pub latency_us: u32,
}

/// `lws_sorted_usec_list_t`
pub type lws_sorted_usec_list_t = lws_sorted_usec_list;

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    type S = lws_sorted_usec_list;
    assert!(size_of::<S>() == 48);
    assert!(offset_of!(S, us) == 24);
    assert!(offset_of!(S, cb) == 32);
    assert!(offset_of!(S, latency_us) == 40);
};
