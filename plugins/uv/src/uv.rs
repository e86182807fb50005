//! The few libuv functions the plugin uses, declared by hand. Handles and
//! loops are opaque: their memory is sized with `uv_handle_size` /
//! `uv_loop_size`, and a handle finds its owner through
//! `uv_handle_get_data`.

use std::os::raw::{c_int, c_void};

/// `uv_loop_t` (opaque).
#[repr(C)]
pub struct uv_loop_t {
    _opaque: [u8; 0],
}

/// `uv_handle_t` and every handle type (opaque).
#[repr(C)]
pub struct uv_handle_t {
    _opaque: [u8; 0],
}

/// `uv_handle_type` values (uv.h's UV_HANDLE_TYPE_MAP order).
pub const UV_POLL: c_int = 8;
pub const UV_PREPARE: c_int = 9;
pub const UV_TIMER: c_int = 13;
pub const UV_SIGNAL: c_int = 16;

/// `uv_run_mode`.
pub const UV_RUN_DEFAULT: c_int = 0;
pub const UV_RUN_NOWAIT: c_int = 2;

/// `uv_poll_event` bits.
pub const UV_READABLE: c_int = 1;
pub const UV_WRITABLE: c_int = 2;
pub const UV_DISCONNECT: c_int = 4;

pub type uv_close_cb = unsafe extern "C" fn(*mut uv_handle_t);
pub type uv_poll_cb = unsafe extern "C" fn(*mut uv_handle_t, c_int, c_int);
pub type uv_timer_cb = unsafe extern "C" fn(*mut uv_handle_t);
pub type uv_prepare_cb = unsafe extern "C" fn(*mut uv_handle_t);
pub type uv_signal_cb = unsafe extern "C" fn(*mut uv_handle_t, c_int);

extern "C" {
    pub fn uv_loop_size() -> usize;
    pub fn uv_loop_init(lp: *mut uv_loop_t) -> c_int;
    pub fn uv_loop_close(lp: *mut uv_loop_t) -> c_int;
    pub fn uv_run(lp: *mut uv_loop_t, mode: c_int) -> c_int;
    pub fn uv_stop(lp: *mut uv_loop_t);
    pub fn uv_strerror(err: c_int) -> *const std::os::raw::c_char;

    pub fn uv_handle_size(kind: c_int) -> usize;
    pub fn uv_handle_get_data(h: *const uv_handle_t) -> *mut c_void;
    pub fn uv_handle_set_data(h: *mut uv_handle_t, data: *mut c_void);
    pub fn uv_close(h: *mut uv_handle_t, cb: Option<uv_close_cb>);
    pub fn uv_is_closing(h: *const uv_handle_t) -> c_int;
    pub fn uv_unref(h: *mut uv_handle_t);

    pub fn uv_poll_init(lp: *mut uv_loop_t, h: *mut uv_handle_t, fd: c_int) -> c_int;
    pub fn uv_poll_start(h: *mut uv_handle_t, events: c_int, cb: uv_poll_cb) -> c_int;
    pub fn uv_poll_stop(h: *mut uv_handle_t) -> c_int;

    pub fn uv_timer_init(lp: *mut uv_loop_t, h: *mut uv_handle_t) -> c_int;
    pub fn uv_timer_start(h: *mut uv_handle_t, cb: uv_timer_cb, timeout: u64, repeat: u64)
        -> c_int;
    pub fn uv_timer_stop(h: *mut uv_handle_t) -> c_int;

    pub fn uv_prepare_init(lp: *mut uv_loop_t, h: *mut uv_handle_t) -> c_int;
    pub fn uv_prepare_start(h: *mut uv_handle_t, cb: uv_prepare_cb) -> c_int;

    pub fn uv_signal_init(lp: *mut uv_loop_t, h: *mut uv_handle_t) -> c_int;
    pub fn uv_signal_start(h: *mut uv_handle_t, cb: uv_signal_cb, signum: c_int) -> c_int;
}

/// libuv's message for an error code.
pub fn strerror(err: c_int) -> String {
    // SAFETY: uv_strerror returns a static C string for any code.
    unsafe { std::ffi::CStr::from_ptr(uv_strerror(err)) }
        .to_string_lossy()
        .into_owned()
}
