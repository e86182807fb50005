//! Conversions between the opaque C handles and the core objects behind
//! them. The C types are zero-sized markers; the pointers are really
//! `Box::into_raw` of the core types (or stack fakes for callbacks).

use super::types::{lws, lws_context, lws_vhost};
use crate::core::context::Context;
use crate::core::log;
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

/// Like [`context`], but refuses (with a logged error) a call made from a
/// thread other than the context's service thread: only
/// `lws_cancel_service` may be called from elsewhere.
///
/// # Safety
/// `p` must be NULL or a live context handle.
pub unsafe fn context_on_loop<'a>(export: &str, p: *const lws_context) -> Option<&'a Context> {
    // SAFETY: forwarded.
    let ctx = unsafe { context(p) };
    if ctx.is_none() {
        log::err(&format!("{export}: NULL context"));
    }
    ctx.filter(|c| c.check_loop_thread(export))
}

/// [`vhost`], refusing calls from outside the service thread.
///
/// # Safety
/// `p` must be NULL or a live vhost handle.
pub unsafe fn vhost_on_loop<'a>(export: &str, p: *const lws_vhost) -> Option<&'a Vhost> {
    // SAFETY: forwarded; a vhost's context outlives it.
    unsafe { vhost(p) }.filter(|v| unsafe { &*v.context }.check_loop_thread(export))
}

/// [`wsi`], refusing calls from outside the service thread.
///
/// # Safety
/// `p` must be NULL or a live wsi handle.
pub unsafe fn wsi_on_loop<'a>(export: &str, p: *const lws) -> Option<&'a Wsi> {
    // SAFETY: forwarded; a wsi's context outlives it.
    unsafe { wsi(p) }.filter(|w| unsafe { &*w.context }.check_loop_thread(export))
}

/// The C handle of a vhost.
pub fn vhost_handle(v: *const Vhost) -> *mut lws_vhost {
    v as *mut lws_vhost
}
