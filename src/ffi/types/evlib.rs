//! Event-library types: the external-poll arguments, the custom event
//! library ops table (`info.event_lib_custom`) and its plugin wrapper.

use super::{lws, lws_context, lws_context_creation_info, lws_sockfd_type};
use std::os::raw::{c_char, c_int, c_uint, c_void};

/// `in` of the external-poll callbacks (ADD/DEL/CHANGE_MODE_POLL_FD ...).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct lws_pollargs {
    /// the socket concerned
    pub fd: lws_sockfd_type,
    /// the new poll event mask
    pub events: c_int,
    /// the mask before this change
    pub prev_events: c_int,
}

/// An event library, as lws drives it. Every hook is optional; the
/// evlib_size_* members reserve zeroed per-object areas for the library.
#[repr(C)]
pub struct lws_event_loop_ops {
    /// library name, for logs
    pub name: *const c_char,
    /// once, while the context is being created
    pub init_context: Option<
        unsafe extern "C" fn(
            context: *mut lws_context,
            info: *const lws_context_creation_info,
        ) -> c_int,
    >,
    /// first destroy phase; present means destroy completes later
    pub destroy_context1: Option<unsafe extern "C" fn(context: *mut lws_context) -> c_int>,
    /// late destroy phase
    pub destroy_context2: Option<unsafe extern "C" fn(context: *mut lws_context) -> c_int>,
    /// a listen socket was created
    pub init_vhost_listen_wsi: Option<unsafe extern "C" fn(wsi: *mut lws) -> c_int>,
    /// once per service thread; `_loop` is that thread's foreign loop
    pub init_pt: Option<
        unsafe extern "C" fn(context: *mut lws_context, _loop: *mut c_void, tsi: c_int) -> c_int,
    >,
    /// end of close processing; nonzero: the library frees the wsi later
    pub wsi_logical_close: Option<unsafe extern "C" fn(wsi: *mut lws) -> c_int>,
    /// veto a client connection (nonzero)
    pub check_client_connect_ok: Option<unsafe extern "C" fn(wsi: *mut lws) -> c_int>,
    /// libuv-specific handle close
    pub close_handle_manually: Option<unsafe extern "C" fn(wsi: *mut lws)>,
    /// a non-listen socket is about to join the loop
    pub sock_accept: Option<unsafe extern "C" fn(wsi: *mut lws) -> c_int>,
    /// change interest: LWS_EV_START/STOP with LWS_EV_READ/WRITE
    pub io: Option<unsafe extern "C" fn(wsi: *mut lws, flags: c_uint)>,
    /// if set, lws_service() runs this instead of one poll pass
    pub run_pt: Option<unsafe extern "C" fn(context: *mut lws_context, tsi: c_int)>,
    /// a service thread is being torn down
    pub destroy_pt: Option<unsafe extern "C" fn(context: *mut lws_context, tsi: c_int)>,
    /// a wsi is about to be freed
    pub destroy_wsi: Option<unsafe extern "C" fn(wsi: *mut lws)>,
    /// nonzero if the caller is not on the loop's thread
    pub foreign_thread:
        Option<unsafe extern "C" fn(context: *mut lws_context, tsi: c_int) -> c_int>,
    /// LELOF_* bits
    pub flags: u8,
    /// bytes reserved per context
    pub evlib_size_ctx: u16,
    /// bytes reserved per service thread
    pub evlib_size_pt: u16,
    /// bytes reserved per vhost
    pub evlib_size_vh: u16,
    /// bytes reserved per wsi
    pub evlib_size_wsi: u16,
}

/// `enum lws_event_lib_ops_flags` as C passes it.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct lws_event_lib_ops_flags(pub c_int);

/// `lws_event_loop_ops.flags` bits.
#[repr(C)]
#[allow(missing_docs, dead_code)]
pub enum lws_event_lib_ops_flags_decl {
    /// a poll-style library: enables the graceful half-close
    LELOF_ISPOLL = 1,
    /// zero in lws too (written there as a shift that yields 0)
    LELOF_DESTROY_FINAL = 0,
}

/// `lws_plugin_header_t`: identifies a plugin. lws 4.3 added
/// `lws_build_hash` before `api_magic`; four-value initialisers rely on it.
#[repr(C)]
pub struct lws_plugin_header {
    /// plugin name
    pub name: *const c_char,
    /// plugin class, e.g. "lws_evlib_plugin"
    pub _class: *const c_char,
    /// LWS_BUILD_HASH of the lws it was built for
    pub lws_build_hash: *const c_char,
    /// LWS_PLUGIN_API_MAGIC
    pub api_magic: c_uint,
}

/// `lws_plugin_header_t`
pub type lws_plugin_header_t = lws_plugin_header;

/// `lws_plugin_evlib_t`: an event library as a plugin (or as
/// `info.event_lib_custom`).
#[repr(C)]
pub struct lws_plugin_evlib {
    /// identification
    pub hdr: lws_plugin_header_t,
    /// the library's hooks
    pub ops: *const lws_event_loop_ops,
}

/// `lws_plugin_evlib_t`
pub type lws_plugin_evlib_t = lws_plugin_evlib;

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<lws_pollargs>() == 12);
    type O = lws_event_loop_ops;
    assert!(size_of::<O>() == 136);
    assert!(offset_of!(O, io) == 80);
    assert!(offset_of!(O, foreign_thread) == 112);
    assert!(offset_of!(O, flags) == 120);
    assert!(offset_of!(O, evlib_size_ctx) == 122);
    assert!(offset_of!(O, evlib_size_pt) == 124);
    assert!(offset_of!(O, evlib_size_wsi) == 128);
    assert!(size_of::<lws_plugin_header>() == 32);
    assert!(offset_of!(lws_plugin_header, api_magic) == 24);
    assert!(size_of::<lws_plugin_evlib>() == 40);
    assert!(offset_of!(lws_plugin_evlib, ops) == 32);
};
