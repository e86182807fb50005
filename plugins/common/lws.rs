//! rwsloop's side of a plugin: the plugin ABI (`struct lws_event_loop_ops`,
//! `lws_plugin_evlib_t`, laid out member for member as
//! include/rwsloop-generated.h declares them), the public functions a
//! plugin calls, and where the two creation-info members a plugin reads
//! sit. Part of the guest (../common/guest.rs includes it).

#![allow(dead_code)]

use std::os::raw::{c_char, c_int, c_short, c_uint, c_void};

/// `struct lws_context` (opaque).
#[repr(C)]
pub struct LwsContext {
    _opaque: [u8; 0],
}

/// `struct lws` (opaque).
#[repr(C)]
pub struct Lws {
    _opaque: [u8; 0],
}

/// `struct lws_pollfd` (= `struct pollfd` on Linux).
#[repr(C)]
pub struct LwsPollfd {
    pub fd: c_int,
    pub events: c_short,
    pub revents: c_short,
}

/// `struct lws_event_loop_ops`, member for member (lws 4.3 order).
#[repr(C)]
pub struct EventLoopOps {
    pub name: *const c_char,
    pub init_context: Option<unsafe extern "C" fn(*mut LwsContext, *const c_void) -> c_int>,
    pub destroy_context1: Option<unsafe extern "C" fn(*mut LwsContext) -> c_int>,
    pub destroy_context2: Option<unsafe extern "C" fn(*mut LwsContext) -> c_int>,
    pub init_vhost_listen_wsi: Option<unsafe extern "C" fn(*mut Lws) -> c_int>,
    pub init_pt: Option<unsafe extern "C" fn(*mut LwsContext, *mut c_void, c_int) -> c_int>,
    pub wsi_logical_close: Option<unsafe extern "C" fn(*mut Lws) -> c_int>,
    pub check_client_connect_ok: Option<unsafe extern "C" fn(*mut Lws) -> c_int>,
    pub close_handle_manually: Option<unsafe extern "C" fn(*mut Lws)>,
    pub sock_accept: Option<unsafe extern "C" fn(*mut Lws) -> c_int>,
    pub io: Option<unsafe extern "C" fn(*mut Lws, c_uint)>,
    pub run_pt: Option<unsafe extern "C" fn(*mut LwsContext, c_int)>,
    pub destroy_pt: Option<unsafe extern "C" fn(*mut LwsContext, c_int)>,
    pub destroy_wsi: Option<unsafe extern "C" fn(*mut Lws)>,
    pub foreign_thread: Option<unsafe extern "C" fn(*mut LwsContext, c_int) -> c_int>,
    pub flags: u8,
    pub evlib_size_ctx: u16,
    pub evlib_size_pt: u16,
    pub evlib_size_vh: u16,
    pub evlib_size_wsi: u16,
}

/// `lws_plugin_header_t`.
#[repr(C)]
pub struct PluginHeader {
    pub name: *const c_char,
    pub class: *const c_char,
    pub lws_build_hash: *const c_char,
    pub api_magic: c_uint,
}

/// `lws_plugin_evlib_t`.
#[repr(C)]
pub struct PluginEvlib {
    pub hdr: PluginHeader,
    pub ops: *const EventLoopOps,
}

// The layout include/rwsloop-generated.h gives these on LP64 targets.
const _: () = {
    assert!(std::mem::size_of::<EventLoopOps>() == 136);
    assert!(std::mem::offset_of!(EventLoopOps, flags) == 120);
    assert!(std::mem::offset_of!(EventLoopOps, evlib_size_pt) == 124);
    assert!(std::mem::size_of::<PluginHeader>() == 32);
    assert!(std::mem::offset_of!(PluginEvlib, ops) == 32);
};

/// The exported descriptor: immutable, so sharing it between threads is
/// sound even though it holds raw pointers.
#[repr(transparent)]
pub struct Exported(pub PluginEvlib);
// SAFETY: points only at immutable statics.
unsafe impl Sync for Exported {}

/// The ops table, as a static the descriptor can point at.
#[repr(transparent)]
pub struct OpsTable(pub EventLoopOps);
// SAFETY: immutable, points only at static strings and functions.
unsafe impl Sync for OpsTable {}

/// `LWS_PLUGIN_API_MAGIC` of lws 4.3.
pub const LWS_PLUGIN_API_MAGIC: c_uint = 191;
/// `LELOF_ISPOLL`.
pub const LELOF_ISPOLL: u8 = 1;

pub const LWS_EV_READ: c_uint = 1;
pub const LWS_EV_WRITE: c_uint = 2;
pub const LWS_EV_START: c_uint = 4;
pub const LWS_EV_STOP: c_uint = 8;

/// `LLL_ERR`, `LLL_WARN`.
const LLL_ERR: c_int = 1;
const LLL_WARN: c_int = 2;

/// `LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN`: a libuv loop of the
/// plugin's own watches SIGINT and SIGTERM only.
pub const LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN: u64 = 1 << 18;

/// `info.signal_cb`: the event library's handle of the watcher (or NULL)
/// and the signal number, as each library passes them.
pub type SignalCb = unsafe extern "C" fn(handle: *mut c_void, signum: c_int);

/// A decimal number given by the build script, at compile time.
const fn parse_usize(s: Option<&str>) -> Option<usize> {
    let Some(s) = s else {
        return None;
    };
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let mut n = 0usize;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            return None;
        }
        n = n * 10 + (b[i] - b'0') as usize;
        i += 1;
    }
    Some(n)
}

/// Where `options` and `signal_cb` sit in `struct lws_context_creation_info`,
/// as the C compiler saw include/libwebsockets.h
/// (../common/build_support.rs, `lws_info_layout`); None when the build
/// script did not ask.
pub const INFO_OPTIONS_AT: Option<usize> = parse_usize(option_env!("RWSLOOP_INFO_OPTIONS_AT"));
pub const INFO_SIGNAL_CB_AT: Option<usize> = parse_usize(option_env!("RWSLOOP_INFO_SIGNAL_CB_AT"));

/// The guest can read the creation info: a plugin that watches signals
/// asserts this, so a build script that forgot `lws_info_layout` fails the
/// build instead of silently ignoring `signal_cb`.
pub const KNOWS_INFO_LAYOUT: bool = INFO_OPTIONS_AT.is_some() && INFO_SIGNAL_CB_AT.is_some();

/// POLLIN / POLLOUT as rwsloop spells interest.
pub const POLLIN: c_short = libc::POLLIN;
pub const POLLOUT: c_short = libc::POLLOUT;
pub const POLLERR: c_short = libc::POLLERR;
pub const POLLHUP: c_short = libc::POLLHUP;

extern "C" {
    pub fn lws_get_socket_fd(wsi: *mut Lws) -> c_int;
    pub fn lws_evlib_wsi_to_evlib_pt(wsi: *mut Lws) -> *mut c_void;
    pub fn lws_evlib_tsi_to_evlib_pt(cx: *mut LwsContext, tsi: c_int) -> *mut c_void;
    pub fn lws_service_fd(cx: *mut LwsContext, pollfd: *mut LwsPollfd) -> c_int;
    pub fn lws_service_adjust_timeout(cx: *mut LwsContext, timeout_ms: c_int, tsi: c_int) -> c_int;
    pub fn lws_context_is_being_destroyed(cx: *mut LwsContext) -> c_int;
    pub fn lws_context_destroy(cx: *mut LwsContext);
    pub fn _lws_log(filter: c_int, format: *const c_char, ...);
}

fn log_at(level: c_int, what: &str) {
    let line = std::ffi::CString::new(format!("{what}\n"))
        .unwrap_or_else(|_| c"(unprintable)\n".to_owned());
    // SAFETY: a "%s" format with one C string.
    unsafe { _lws_log(level, c"%s".as_ptr(), line.as_ptr()) };
}

/// Log an error through rwsloop's logger.
pub fn log_err(what: &str) {
    log_at(LLL_ERR, what);
}

/// Log a warning through rwsloop's logger.
pub fn log_warn(what: &str) {
    log_at(LLL_WARN, what);
}
