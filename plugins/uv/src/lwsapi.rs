//! The rwsloop side: the plugin descriptor types (laid out as
//! include/rwsloop-generated.h declares `struct lws_event_loop_ops`,
//! `lws_plugin_header_t` and `lws_plugin_evlib_t`) and the public functions
//! an event library calls, all exported by librwsloop.so.

use std::os::raw::{c_char, c_int, c_uint, c_void};

/// `struct lws` (opaque).
#[repr(C)]
pub struct lws {
    _opaque: [u8; 0],
}

/// `struct lws_context` (opaque).
#[repr(C)]
pub struct lws_context {
    _opaque: [u8; 0],
}

/// `struct lws_context_creation_info` (never looked into here).
#[repr(C)]
pub struct lws_context_creation_info {
    _opaque: [u8; 0],
}

/// `struct lws_event_loop_ops`, member for member.
#[repr(C)]
pub struct lws_event_loop_ops {
    pub name: *const c_char,
    pub init_context:
        Option<unsafe extern "C" fn(*mut lws_context, *const lws_context_creation_info) -> c_int>,
    pub destroy_context1: Option<unsafe extern "C" fn(*mut lws_context) -> c_int>,
    pub destroy_context2: Option<unsafe extern "C" fn(*mut lws_context) -> c_int>,
    pub init_vhost_listen_wsi: Option<unsafe extern "C" fn(*mut lws) -> c_int>,
    pub init_pt: Option<unsafe extern "C" fn(*mut lws_context, *mut c_void, c_int) -> c_int>,
    pub wsi_logical_close: Option<unsafe extern "C" fn(*mut lws) -> c_int>,
    pub check_client_connect_ok: Option<unsafe extern "C" fn(*mut lws) -> c_int>,
    pub close_handle_manually: Option<unsafe extern "C" fn(*mut lws)>,
    pub sock_accept: Option<unsafe extern "C" fn(*mut lws) -> c_int>,
    pub io: Option<unsafe extern "C" fn(*mut lws, c_uint)>,
    pub run_pt: Option<unsafe extern "C" fn(*mut lws_context, c_int)>,
    pub destroy_pt: Option<unsafe extern "C" fn(*mut lws_context, c_int)>,
    pub destroy_wsi: Option<unsafe extern "C" fn(*mut lws)>,
    pub foreign_thread: Option<unsafe extern "C" fn(*mut lws_context, c_int) -> c_int>,
    pub flags: u8,
    pub evlib_size_ctx: u16,
    pub evlib_size_pt: u16,
    pub evlib_size_vh: u16,
    pub evlib_size_wsi: u16,
}

/// `lws_plugin_header_t`.
#[repr(C)]
pub struct lws_plugin_header {
    pub name: *const c_char,
    pub _class: *const c_char,
    pub lws_build_hash: *const c_char,
    pub api_magic: c_uint,
}

/// `lws_plugin_evlib_t`.
#[repr(C)]
pub struct lws_plugin_evlib {
    pub hdr: lws_plugin_header,
    pub ops: *const lws_event_loop_ops,
}

// The header's layout (x86_64 and every LP64 target), checked at build time.
const _: () = {
    assert!(std::mem::size_of::<lws_event_loop_ops>() == 136);
    assert!(std::mem::offset_of!(lws_event_loop_ops, flags) == 120);
    assert!(std::mem::offset_of!(lws_event_loop_ops, evlib_size_pt) == 124);
    assert!(std::mem::size_of::<lws_plugin_header>() == 32);
    assert!(std::mem::offset_of!(lws_plugin_evlib, ops) == 32);
};

/// The descriptor as a `static`: it only holds pointers to other statics
/// and string literals, never written, so sharing it between threads is
/// sound.
#[repr(transparent)]
pub struct Descriptor(pub lws_plugin_evlib);
// SAFETY: immutable data pointing at immutable statics.
unsafe impl Sync for Descriptor {}

/// The ops table as a `static` (see [`Descriptor`]).
#[repr(transparent)]
pub struct Ops(pub lws_event_loop_ops);
// SAFETY: immutable data pointing at immutable statics.
unsafe impl Sync for Ops {}

/// `LWS_PLUGIN_API_MAGIC` of the 4.3 API.
pub const LWS_PLUGIN_API_MAGIC: c_uint = 191;
/// What rwsloop's lws_config.h sets `LWS_BUILD_HASH` to.
pub const LWS_BUILD_HASH: &std::ffi::CStr = c"unknown";

/// `LWS_EV_*`, the bits of an `io` request.
pub const LWS_EV_READ: c_uint = 1;
pub const LWS_EV_WRITE: c_uint = 2;
pub const LWS_EV_START: c_uint = 4;
pub const LWS_EV_STOP: c_uint = 8;

/// `LLL_ERR`, `LLL_WARN`.
pub const LLL_ERR: c_int = 1;
pub const LLL_WARN: c_int = 2;

extern "C" {
    pub fn lws_get_socket_fd(wsi: *mut lws) -> c_int;
    pub fn lws_evlib_wsi_to_evlib_pt(wsi: *mut lws) -> *mut c_void;
    pub fn lws_evlib_tsi_to_evlib_pt(cx: *mut lws_context, tsi: c_int) -> *mut c_void;
    pub fn lws_service_fd(cx: *mut lws_context, pollfd: *mut libc::pollfd) -> c_int;
    pub fn lws_service_adjust_timeout(cx: *mut lws_context, timeout_ms: c_int, tsi: c_int)
        -> c_int;
    pub fn lws_context_is_being_destroyed(cx: *mut lws_context) -> c_int;
    pub fn lws_context_destroy(cx: *mut lws_context);
    pub fn _lws_log(filter: c_int, format: *const c_char, ...);
}

/// One line through rwsloop's logger.
pub fn log(level: c_int, msg: &str) {
    let line = std::ffi::CString::new(msg.replace('\0', " ")).unwrap_or_default();
    // SAFETY: a "%s" format with one C string.
    unsafe { _lws_log(level, c"%s\n".as_ptr(), line.as_ptr()) };
}
