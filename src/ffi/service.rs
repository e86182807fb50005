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

/// Service one descriptor the program's own loop found ready (its
/// `revents` as given). Never waits and never runs scheduled events (call
/// `lws_service_adjust_timeout` each iteration for those). 0: handled
/// (`revents` zeroed) or not ours (`revents` untouched); 1: the wsi closed
/// (re-examine the same slot of your array); -1: context being destroyed.
///
/// # Safety
/// `context` NULL or live; `pollfd` NULL or a valid `struct lws_pollfd`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_service_fd(
    context: *mut lws_context,
    pollfd: *mut libc::pollfd,
) -> c_int {
    // SAFETY: forwarded.
    unsafe { lws_service_fd_tsi(context, pollfd, 0) }
}

/// `lws_service_fd` for service thread `tsi` (only 0 exists).
///
/// # Safety
/// As `lws_service_fd`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_service_fd_tsi(
    context: *mut lws_context,
    pollfd: *mut libc::pollfd,
    tsi: c_int,
) -> c_int {
    guard("lws_service_fd", || {
        if context.is_null() || pollfd.is_null() || tsi != 0 {
            log::err("lws_service_fd: NULL context or pollfd, or no such service thread");
            return -1;
        }
        // SAFETY: caller contract.
        let p = unsafe { &mut *pollfd };
        // SAFETY: caller contract: a live context.
        unsafe { crate::core::service::service_fd(context as *mut Context, p.fd, &mut p.revents) }
    })
}

/// How long the program's own loop may wait (ms, at most `timeout_ms`).
/// Runs protocol init and due scheduled events first; 0 if work is
/// pending; a scheduled event under 1 ms away gives 1, never a spin.
/// 1 for a NULL context, as in lws.
///
/// # Safety
/// `context` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_service_adjust_timeout(
    context: *mut lws_context,
    timeout_ms: c_int,
    tsi: c_int,
) -> c_int {
    guard_or("lws_service_adjust_timeout", 1, || {
        if context.is_null() || tsi != 0 {
            return 1;
        }
        // SAFETY: caller contract: a live context.
        unsafe { crate::core::service::adjust_timeout(context as *mut Context, timeout_ms) }
    })
}
