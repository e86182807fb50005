//! `lws_dll2_t` and `lws_dll2_owner_t`: lws's intrusive doubly linked list.
//! Users embed them (a sul starts with one), so the layout is fixed.

/// A list node, embedded in the caller's object.
#[repr(C)]
pub struct lws_dll2 {
    /// previous node, or NULL at the head
    pub prev: *mut lws_dll2,
    /// next node, or NULL at the tail
    pub next: *mut lws_dll2,
    /// the list this node is on, or NULL
    pub owner: *mut lws_dll2_owner,
}

/// The list head. Note lws puts `tail` before `head`.
#[repr(C)]
pub struct lws_dll2_owner {
    /// last node
    pub tail: *mut lws_dll2,
    /// first node
    pub head: *mut lws_dll2,
    /// how many nodes are on the list
    pub count: u32,
}

/// `lws_dll2_t`
pub type lws_dll2_t = lws_dll2;
/// `lws_dll2_owner_t`
pub type lws_dll2_owner_t = lws_dll2_owner;

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<lws_dll2>() == 24);
    assert!(offset_of!(lws_dll2, next) == 8);
    assert!(offset_of!(lws_dll2, owner) == 16);
    assert!(size_of::<lws_dll2_owner>() == 24);
    assert!(offset_of!(lws_dll2_owner, head) == 8);
    assert!(offset_of!(lws_dll2_owner, count) == 16);
};
