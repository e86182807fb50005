//! What event-library code calls back (lws-eventlib-exports.h).

use super::guard::guard;
use super::handles;
use super::types::{lws, lws_context};
use crate::core::close::finish_close;
use crate::core::log;
use crate::core::wsi::Wsi;
use std::os::raw::{c_int, c_void};
use std::ptr;

/// The zeroed per-thread area (`evlib_size_pt`) of service thread `tsi`.
/// Never NULL, even for a size of 0.
///
/// # Safety
/// `ctx` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_evlib_tsi_to_evlib_pt(
    ctx: *mut lws_context,
    tsi: c_int,
) -> *mut c_void {
    guard("lws_evlib_tsi_to_evlib_pt", || {
        if tsi != 0 {
            log::err(&format!(
                "lws_evlib_tsi_to_evlib_pt: no service thread {tsi}"
            ));
            return ptr::null_mut();
        }
        // SAFETY: caller contract. Event libraries call this from their
        // hooks, which may run before the loop thread is settled: no check.
        unsafe { handles::context(ctx) }.map_or(ptr::null_mut(), |c| c.pt.evlib.pt_area())
    })
}

/// The per-thread area of the thread `wsi` is serviced by.
///
/// # Safety
/// `wsi` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_evlib_wsi_to_evlib_pt(wsi: *mut lws) -> *mut c_void {
    guard("lws_evlib_wsi_to_evlib_pt", || {
        // SAFETY: caller contract.
        unsafe { handles::wsi(wsi) }.map_or(ptr::null_mut(), |w| w.ctx().pt.evlib.pt_area())
    })
}

/// Finish closing a wsi whose `wsi_logical_close` hook returned non-zero
/// (the event library kept it until its own handle was closed).
///
/// # Safety
/// `wsi` must be such a wsi.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __lws_close_free_wsi_final(wsi: *mut lws) {
    guard("__lws_close_free_wsi_final", || {
        // SAFETY: caller contract.
        if let Some(w) = unsafe { handles::wsi(wsi) } {
            // SAFETY: a wsi whose close stopped at wsi_logical_close.
            unsafe { finish_close(w.ctx(), wsi as *mut Wsi) };
            w.ctx().reap();
        }
    })
}
