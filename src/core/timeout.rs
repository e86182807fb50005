//! Per-wsi timeouts (`lws_set_timeout`) and timers (`lws_set_timer_usecs`),
//! both suls embedded in the wsi.

use super::callback;
use super::close;
use super::wsi::Wsi;
use crate::ffi::types::lws_sorted_usec_list;
use crate::ffi::types::reason::*;
use crate::sys::clock::now_usecs;
use std::os::raw::c_int;
use std::ptr;

/// `secs` meaning "close inside this call".
pub(crate) const KILL_SYNC: c_int = -2;
/// `secs` meaning "close on the next service pass".
pub(crate) const KILL_ASYNC: c_int = -1;

unsafe extern "C" fn timeout_fired(sul: *mut lws_sorted_usec_list) {
    // SAFETY: only ever scheduled on a wsi's timeout_sul.
    let wsi = unsafe { Wsi::from_timeout_sul(sul) } as *mut Wsi;
    // SAFETY: a scheduled timeout belongs to a live wsi (close cancels it).
    let w = unsafe { &*wsi };
    super::client::timed_out(w);
    // SAFETY: as above.
    unsafe { close::close(w.ctx(), wsi) };
}

unsafe extern "C" fn timer_fired(sul: *mut lws_sorted_usec_list) {
    // SAFETY: only ever scheduled on a wsi's timer_sul.
    let wsi = unsafe { Wsi::from_timer_sul(sul) } as *mut Wsi;
    // SAFETY: a scheduled timer belongs to a live wsi (close cancels it).
    let w = unsafe { &*wsi };
    let ctx = w.ctx();
    // SAFETY: live wsi and protocol.
    let r = unsafe {
        callback::call(
            ctx,
            w,
            w.protocol.get(),
            LWS_CALLBACK_TIMER,
            w.user_space.get(),
            ptr::null_mut(),
            0,
        )
    };
    if r != 0 {
        // SAFETY: as above.
        unsafe { close::close(ctx, wsi) };
    }
}

/// Arm (or with `us` == None, cancel) the wsi's timeout.
///
/// # Safety
/// `wsi` must be a live boxed wsi.
pub unsafe fn set_timeout_us(wsi: *mut Wsi, reason: c_int, us: Option<i64>) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    let sul = w.timeout_sul.get();
    match us {
        None => {
            w.timeout_reason.set(0);
            // SAFETY: our own sul.
            unsafe { super::sul::cancel(sul) };
        }
        Some(us) => {
            w.timeout_reason.set(reason);
            // SAFETY: our own sul, inside a boxed wsi that cancels it on close.
            unsafe {
                (*sul).cb = Some(timeout_fired);
                w.ctx().pt.sul.schedule(
                    sul,
                    now_usecs().saturating_add(us.max(0)),
                    super::sul::SulClass::Normal,
                );
            }
        }
    }
}

/// `lws_set_timeout` semantics: 0 cancels, KILL_SYNC closes now,
/// KILL_ASYNC closes on the next pass, otherwise close after `secs`.
///
/// # Safety
/// `wsi` must be a live boxed wsi.
pub unsafe fn set_timeout(wsi: *mut Wsi, reason: c_int, secs: c_int) {
    // SAFETY: forwarded caller contract.
    unsafe {
        match secs {
            0 => set_timeout_us(wsi, reason, None),
            KILL_SYNC => close::close((*wsi).ctx(), wsi),
            KILL_ASYNC => set_timeout_us(wsi, reason, Some(0)),
            s if s < 0 => set_timeout_us(wsi, reason, None),
            s => set_timeout_us(wsi, reason, Some(s as i64 * 1_000_000)),
        }
    }
}

/// `lws_set_timer_usecs`: TIMER after `us`; a negative `us`
/// (LWS_SET_TIMER_USEC_CANCEL) cancels, as lws documents.
///
/// # Safety
/// `wsi` must be a live boxed wsi.
pub unsafe fn set_timer_us(wsi: *mut Wsi, us: i64) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    let sul = w.extras().timer_sul.get();
    // SAFETY: our own sul, inside a boxed wsi that cancels it on close.
    unsafe {
        if us < 0 {
            super::sul::cancel(sul);
            return;
        }
        (*sul).cb = Some(timer_fired);
        w.ctx().pt.sul.schedule(
            sul,
            now_usecs().saturating_add(us),
            super::sul::SulClass::Normal,
        );
    }
}
