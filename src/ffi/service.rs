//! Running the loop and waking it (lws-service.h).

use super::guard::{guard, guard_or};
use super::handles;
use super::types::{lws, lws_context};
use crate::core::context::Context;
use crate::core::log;
use crate::core::service::run_pass;
use std::os::raw::c_int;

/// One service pass: wait for the next descriptor or scheduled event
/// (`timeout_ms` < 0: don't wait), handle it, return. 0 normally, -1 if
/// the context was destroyed during the pass (it is freed then), 1 for a
/// NULL context.
///
/// # Safety
/// `context` must be NULL or a live context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_service(context: *mut lws_context, timeout_ms: c_int) -> c_int {
    guard_or("lws_service", -1, || {
        if context.is_null() {
            return 1;
        }
        // SAFETY: caller contract.
        unsafe { run_pass(context as *mut Context, timeout_ms) }
    })
}

/// `lws_service` for service thread `tsi`; rwsloop has only thread 0.
///
/// # Safety
/// `context` must be NULL or a live context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_service_tsi(
    context: *mut lws_context,
    timeout_ms: c_int,
    tsi: c_int,
) -> c_int {
    if tsi != 0 {
        log::err(&format!(
            "lws_service_tsi: no service thread {tsi} (rwsloop runs one)"
        ));
        return -1;
    }
    // SAFETY: forwarded.
    unsafe { lws_service(context, timeout_ms) }
}

/// Wake the loop: its next pass delivers LWS_CALLBACK_EVENT_WAIT_CANCELLED
/// to every protocol of every vhost. Safe from any thread and from signal
/// handlers; never blocks; many calls before the loop wakes make one
/// broadcast.
///
/// # Safety
/// `context` must be NULL or a live context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_cancel_service(context: *mut lws_context) {
    // No guard: nothing here can panic, and the guard's logging is not
    // async-signal-safe.
    // SAFETY: caller contract.
    if let Some(ctx) = unsafe { handles::context(context) } {
        ctx.pt.wake.signal();
    }
}

/// Wake the service thread `wsi` belongs to.
///
/// # Safety
/// `wsi` must be NULL or a live wsi.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_cancel_service_pt(wsi: *mut lws) {
    guard("lws_cancel_service_pt", || {
        // SAFETY: caller contract.
        if let Some(w) = unsafe { handles::wsi(wsi) } {
            // SAFETY: a wsi's context outlives it.
            unsafe { &*w.context }.pt.wake.signal();
        }
    })
}
