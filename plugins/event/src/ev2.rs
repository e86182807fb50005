//! The few libevent 2 functions the plugin uses, declared by hand. Events
//! are opaque and made by `event_new`; timers are events on descriptor -1,
//! signal events have the signal number as descriptor.

use std::os::raw::{c_int, c_short, c_void};

/// `struct event_base` (opaque).
#[repr(C)]
pub struct event_base {
    _opaque: [u8; 0],
}

/// `struct event` (opaque).
#[repr(C)]
pub struct event {
    _opaque: [u8; 0],
}

/// `event_callback_fn`: descriptor, what happened (EV_*), the argument.
pub type event_callback_fn = unsafe extern "C" fn(c_int, c_short, *mut c_void);

/// `EV_*` bits.
pub const EV_READ: c_short = 0x02;
pub const EV_WRITE: c_short = 0x04;
pub const EV_SIGNAL: c_short = 0x08;
pub const EV_PERSIST: c_short = 0x10;

extern "C" {
    pub fn event_base_new() -> *mut event_base;
    pub fn event_base_free(base: *mut event_base);
    pub fn event_base_dispatch(base: *mut event_base) -> c_int;
    pub fn event_base_loopbreak(base: *mut event_base) -> c_int;

    pub fn event_new(
        base: *mut event_base,
        fd: c_int,
        what: c_short,
        cb: event_callback_fn,
        arg: *mut c_void,
    ) -> *mut event;
    pub fn event_assign(
        ev: *mut event,
        base: *mut event_base,
        fd: c_int,
        what: c_short,
        cb: event_callback_fn,
        arg: *mut c_void,
    ) -> c_int;
    pub fn event_add(ev: *mut event, timeout: *const libc::timeval) -> c_int;
    pub fn event_del(ev: *mut event) -> c_int;
    pub fn event_free(ev: *mut event);
}
