//! Per-connection timeouts and timers (lws-timeout-timer.h).

use super::guard::guard;
use super::handles;
use super::types::{lws, lws_usec_t, pending_timeout};
use crate::core::timeout;
use crate::core::wsi::Wsi;
use std::os::raw::c_int;

/// Close `wsi` after `secs` seconds (0 cancels; LWS_TO_KILL_ASYNC closes on
/// the next pass; LWS_TO_KILL_SYNC closes now, the pointer is dead on
/// return). One timeout per wsi: a new one replaces the old. `reason` is
/// only recorded.
///
/// # Safety
/// `wsi` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_set_timeout(wsi: *mut lws, reason: pending_timeout, secs: c_int) {
    guard("lws_set_timeout", || {
        // SAFETY: caller contract.
        if unsafe { handles::wsi_on_loop("lws_set_timeout", wsi) }.is_some_and(|w| w.is_open()) {
            // SAFETY: a live boxed wsi.
            unsafe { timeout::set_timeout(wsi as *mut Wsi, reason.0, secs) };
        }
    })
}

/// `lws_set_timeout` with a microsecond delay (0 cancels).
///
/// # Safety
/// `wsi` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_set_timeout_us(
    wsi: *mut lws,
    reason: pending_timeout,
    us: lws_usec_t,
) {
    guard("lws_set_timeout_us", || {
        // SAFETY: caller contract.
        if unsafe { handles::wsi_on_loop("lws_set_timeout_us", wsi) }.is_some_and(|w| w.is_open()) {
            let delay = (us > 0).then_some(us);
            // SAFETY: a live boxed wsi.
            unsafe { timeout::set_timeout_us(wsi as *mut Wsi, reason.0, delay) };
        }
    })
}

/// LWS_CALLBACK_TIMER on `wsi` after `usecs` (one-shot; re-arm from the
/// callback; a non-zero return closes). LWS_SET_TIMER_USEC_CANCEL (-1)
/// cancels, as lws documents (lws 4.3 itself fires instead).
///
/// # Safety
/// `wsi` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_set_timer_usecs(wsi: *mut lws, usecs: lws_usec_t) {
    guard("lws_set_timer_usecs", || {
        // SAFETY: caller contract.
        if unsafe { handles::wsi_on_loop("lws_set_timer_usecs", wsi) }.is_some_and(|w| w.is_open())
        {
            // SAFETY: a live boxed wsi.
            unsafe { timeout::set_timer_us(wsi as *mut Wsi, usecs) };
        }
    })
}
