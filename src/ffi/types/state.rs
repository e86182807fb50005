//! System state notifiers (`lws_state_*`) and the SMD message types that
//! `lws_context_creation_info` names.

use super::{lws_context, lws_dll2_owner_t, lws_dll2_t, lws_usec_t};
use std::os::raw::{c_char, c_int, c_void};

/// `lws_smd_class_t`: a bitmap of SMD message classes.
pub type lws_smd_class_t = u32;

/// Receives SMD messages (`info.early_smd_cb`).
pub type lws_smd_notification_cb_t = Option<
    unsafe extern "C" fn(
        opaque: *mut c_void,
        _class: lws_smd_class_t,
        timestamp: lws_usec_t,
        buf: *mut c_void,
        len: usize,
    ) -> c_int,
>;

/// Told about (and may veto) system state transitions.
pub type lws_state_notify_t = Option<
    unsafe extern "C" fn(
        mgr: *mut lws_state_manager,
        link: *mut lws_state_notify_link,
        current: c_int,
        target: c_int,
    ) -> c_int,
>;

/// A state notifier, usually a static positional initialiser
/// `{ { NULL, NULL, NULL }, cb, "name" }`.
#[repr(C)]
pub struct lws_state_notify_link {
    /// linkage on the manager's notify list
    pub list: lws_dll2_t,
    /// the notifier
    pub notify_cb: lws_state_notify_t,
    /// name, for logs
    pub name: *const c_char,
}

/// `lws_state_notify_link_t`
pub type lws_state_notify_link_t = lws_state_notify_link;

/// A state machine that notifiers hang off (the context's system state).
#[repr(C)]
pub struct lws_state_manager {
    /// registered notifiers
    pub notify_list: lws_dll2_owner_t,
    /// owning context
    pub context: *mut lws_context,
    /// the object holding this manager (the context for system state)
    pub parent: *mut c_void,
    /// SMD class used to broadcast transitions
    pub smd_class: lws_smd_class_t,
    /// names of the states, for logs
    pub state_names: *mut *const c_char,
    /// manager name
    pub name: *const c_char,
    /// current state
    pub state: c_int,
}

/// `lws_state_manager_t`
pub type lws_state_manager_t = lws_state_manager;

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<lws_state_notify_link>() == 40);
    assert!(offset_of!(lws_state_notify_link, notify_cb) == 24);
    assert!(offset_of!(lws_state_notify_link, name) == 32);
    type S = lws_state_manager;
    assert!(size_of::<S>() == 72);
    assert!(offset_of!(S, context) == 24);
    assert!(offset_of!(S, parent) == 32);
    assert!(offset_of!(S, smd_class) == 40);
    assert!(offset_of!(S, state_names) == 48);
    assert!(offset_of!(S, state) == 64);
};
