//! Conversions between the opaque C handles and the core objects behind
//! them. The C types are zero-sized markers; the pointers are really
//! `Box::into_raw` of the core types (or stack fakes for callbacks).

use super::types::{lws, lws_context, lws_vhost};
use crate::core::context::Context;
use crate::core::vhost::Vhost;
use crate::core::wsi::Wsi;

/// The context behind a C handle; None for NULL.
///
/// # Safety
/// `p` must be NULL or a live context handle.
pub unsafe fn context<'a>(p: *const lws_context) -> Option<&'a Context> {
    // SAFETY: forwarded.
    unsafe { (p as *const Context).as_ref() }
}

/// The wsi behind a C handle; None for NULL.
///
/// # Safety
/// `p` must be NULL or a live wsi handle.
pub unsafe fn wsi<'a>(p: *const lws) -> Option<&'a Wsi> {
    // SAFETY: forwarded.
    unsafe { (p as *const Wsi).as_ref() }
}

/// The vhost behind a C handle; None for NULL.
///
/// # Safety
/// `p` must be NULL or a live vhost handle.
pub unsafe fn vhost<'a>(p: *const lws_vhost) -> Option<&'a Vhost> {
    // SAFETY: forwarded.
    unsafe { (p as *const Vhost).as_ref() }
}

/// The C handle of a vhost.
pub fn vhost_handle(v: *const Vhost) -> *mut lws_vhost {
    v as *mut lws_vhost
}
