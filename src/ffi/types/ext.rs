//! `struct lws_extension`: a ws extension table entry (permessage-deflate
//! in practice), given positionally as `{ name, callback, client_offer }`.

use super::{lws, lws_context};
use std::os::raw::{c_char, c_int, c_void};

/// Why an extension callback is called, as C passes it (any `int`).
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct lws_extension_callback_reasons(pub c_int);

/// Why an extension callback is being called.
#[repr(C)]
#[allow(missing_docs, dead_code)]
pub enum lws_extension_callback_reasons_decl {
    LWS_EXT_CB_CONSTRUCT = 4,
    LWS_EXT_CB_CLIENT_CONSTRUCT = 5,
    LWS_EXT_CB_DESTROY = 8,
    LWS_EXT_CB_PACKET_TX_PRESEND = 12,
    LWS_EXT_CB_PAYLOAD_TX = 21,
    LWS_EXT_CB_PAYLOAD_RX = 22,
    LWS_EXT_CB_OPTION_DEFAULT = 23,
    LWS_EXT_CB_OPTION_SET = 24,
    LWS_EXT_CB_OPTION_CONFIRM = 25,
    LWS_EXT_CB_NAMED_OPTION_SET = 26,
}

/// An extension's callback (`lws_extension_callback_function *` in C).
pub type lws_extension_callback_fn = unsafe extern "C" fn(
    context: *mut lws_context,
    ext: *const lws_extension,
    wsi: *mut lws,
    reason: lws_extension_callback_reasons,
    user: *mut c_void,
    r#in: *mut c_void,
    len: usize,
) -> c_int;

/// One entry of an extension list; an all-NULL entry ends it.
#[repr(C)]
pub struct lws_extension {
    /// extension name as negotiated, e.g. "permessage-deflate"
    pub name: *const c_char,
    /// the extension's callback
    pub callback: Option<
        unsafe extern "C" fn(
            context: *mut lws_context,
            ext: *const lws_extension,
            wsi: *mut lws,
            reason: lws_extension_callback_reasons,
            user: *mut c_void,
            r#in: *mut c_void,
            len: usize,
        ) -> c_int,
    >,
    /// parameters a client offers
    pub client_offer: *const c_char,
}

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<lws_extension>() == 24);
    assert!(offset_of!(lws_extension, callback) == 8);
    assert!(offset_of!(lws_extension, client_offer) == 16);
};
