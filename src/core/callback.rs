//! Calling into user code. Every protocol callback goes through here so the
//! context can tell when user code is running (a destroy requested from a
//! callback is deferred until the loop is back in control).

use super::context::Context;
use super::vhost::Vhost;
use super::wsi::Wsi;
use crate::ffi::types::{lws, lws_callback_reasons, lws_protocols};
use std::os::raw::{c_int, c_void};
use std::ptr;

/// Call `protocol`'s callback for `wsi`. A protocol without a callback
/// answers 0, as an absent handler does in lws.
///
/// # Safety
/// `protocol` must be NULL or point into a live protocol table; `wsi` must
/// stay alive for the call.
pub unsafe fn call(
    ctx: &Context,
    wsi: &Wsi,
    protocol: *const lws_protocols,
    reason: lws_callback_reasons,
    user: *mut c_void,
    input: *mut c_void,
    len: usize,
) -> c_int {
    if protocol.is_null() {
        return 0;
    }
    // SAFETY: caller guarantees the table entry is live.
    let Some(f) = (unsafe { (*protocol).callback }) else {
        return 0;
    };
    ctx.callback_depth.set(ctx.callback_depth.get() + 1);
    let wsi_ptr = wsi as *const Wsi as *mut lws;
    // SAFETY: the user's callback, called with the lws argument contract.
    let r = unsafe { f(wsi_ptr, reason, user, input, len) };
    ctx.callback_depth.set(ctx.callback_depth.get() - 1);
    r
}

/// Call protocol `index` of `vh` with a fake wsi bound to it.
///
/// # Safety
/// `vh` must be live for the call.
pub unsafe fn call_vhost_protocol(
    ctx: &Context,
    vh: &Vhost,
    index: usize,
    reason: lws_callback_reasons,
    input: *mut c_void,
) -> c_int {
    let protocol = vh.protocol_ptr(index);
    let fake = Wsi::fake(ctx, vh, protocol);
    // SAFETY: the protocol entry lives in the vhost's own copy.
    unsafe { call(ctx, &fake, protocol, reason, ptr::null_mut(), input, 0) }
}
