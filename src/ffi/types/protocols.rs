//! `struct lws_protocols` and `struct lws_protocol_vhost_options`: filled in
//! by C programs, usually with positional initialisers, so order is law.

use super::{lws, lws_callback_reasons};
use std::os::raw::{c_char, c_int, c_uint, c_void};

/// A protocol's user callback (`lws_callback_function *` in C).
pub type lws_callback_fn = unsafe extern "C" fn(
    wsi: *mut lws,
    reason: lws_callback_reasons,
    user: *mut c_void,
    r#in: *mut c_void,
    len: usize,
) -> c_int;

/// One entry of a protocol list; a NULL `callback` ends the list.
#[repr(C)]
pub struct lws_protocols {
    /// protocol name
    pub name: *const c_char,
    // Spelled out rather than `Option<lws_callback_fn>` (the same Rust
    // type) because cbindgen prints a C function pointer only this way.
    /// the user callback; NULL terminates the array
    pub callback: Option<
        unsafe extern "C" fn(
            wsi: *mut lws,
            reason: lws_callback_reasons,
            user: *mut c_void,
            r#in: *mut c_void,
            len: usize,
        ) -> c_int,
    >,
    /// bytes of zeroed per-connection memory handed to the callback as `user`
    pub per_session_data_size: usize,
    /// most bytes one RX callback delivers (0: the service buffer size)
    pub rx_buffer_size: usize,
    /// opaque to the library
    pub id: c_uint,
    /// opaque to the library
    pub user: *mut c_void,
    /// most bytes one write tries to send at once (0: rx_buffer_size)
    pub tx_packet_size: usize,
}

/// A per-vhost protocol option ("pvo"): a tree of name/value pairs.
#[repr(C)]
pub struct lws_protocol_vhost_options {
    /// next sibling
    pub next: *const lws_protocol_vhost_options,
    /// child list (for a protocol-level pvo: its options)
    pub options: *const lws_protocol_vhost_options,
    /// protocol name at the top level, option name below it
    pub name: *const c_char,
    /// option value
    pub value: *const c_char,
}

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    type P = lws_protocols;
    assert!(size_of::<P>() == 56);
    assert!(offset_of!(P, callback) == 8);
    assert!(offset_of!(P, per_session_data_size) == 16);
    assert!(offset_of!(P, rx_buffer_size) == 24);
    assert!(offset_of!(P, id) == 32);
    assert!(offset_of!(P, user) == 40);
    assert!(offset_of!(P, tx_packet_size) == 48);
    type V = lws_protocol_vhost_options;
    assert!(size_of::<V>() == 32);
    assert!(offset_of!(V, name) == 16);
    assert!(offset_of!(V, value) == 24);
};
