//! Scheduled events (lws-timeout-timer.h). The node is the caller's memory:
//! it must start zeroed and stay valid until it fires or is cancelled.

use super::guard::guard;
use super::handles;
use super::types::{lws_context, lws_sorted_usec_list_t, lws_usec_t, sul_cb_t};
use crate::core::log;
use crate::core::sul::{self, SulClass};
use crate::sys::clock;
use std::os::raw::{c_int, c_ulong};

/// lws_sul_schedule's "cancel instead" delay.
const CANCEL_US: lws_usec_t = -1;
/// lws_sul2_schedule flag: keep this one across system suspend.
const WAKE_IF_SUSPENDED: c_int = 1;

unsafe fn schedule_at(
    export: &str,
    context: *mut lws_context,
    tsi: c_int,
    sul: *mut lws_sorted_usec_list_t,
    due_us: lws_usec_t,
    class: SulClass,
) {
    // SAFETY: caller contract.
    let Some(ctx) = (unsafe { handles::context_on_loop(export, context) }) else {
        return;
    };
    if sul.is_null() || tsi != 0 {
        log::err(&format!("{export}: NULL sul or no service thread {tsi}"));
        return;
    }
    // SAFETY: the node is the caller's valid memory (lws contract).
    unsafe { ctx.pt.sul.schedule(sul, due_us, class) };
}

unsafe fn schedule_in(
    export: &str,
    context: *mut lws_context,
    tsi: c_int,
    sul: *mut lws_sorted_usec_list_t,
    cb: sul_cb_t,
    us: lws_usec_t,
    class: SulClass,
) {
    if sul.is_null() {
        log::err(&format!("{export}: NULL sul"));
        return;
    }
    if us == CANCEL_US {
        // SAFETY: caller's node.
        unsafe { sul::cancel(sul) };
        return;
    }
    // SAFETY: caller's node.
    unsafe { (*sul).cb = cb };
    let due = clock::now_usecs().saturating_add(us.max(0));
    // SAFETY: forwarded.
    unsafe { schedule_at(export, context, tsi, sul, due, class) };
}

/// Call `cb(sul)` from the loop `us` microseconds from now (0: on the next
/// pass). Scheduling a pending sul moves it; `us` = -1 cancels it.
///
/// # Safety
/// `sul` must be zeroed before first use and stay valid while scheduled.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_sul_schedule(
    ctx: *mut lws_context,
    tsi: c_int,
    sul: *mut lws_sorted_usec_list_t,
    _cb: sul_cb_t,
    _us: lws_usec_t,
) {
    // SAFETY: forwarded.
    guard("lws_sul_schedule", || unsafe {
        schedule_in(
            "lws_sul_schedule",
            ctx,
            tsi,
            sul,
            _cb,
            _us,
            SulClass::Normal,
        )
    })
}

/// As `lws_sul_schedule`, on the list that survives system suspend.
///
/// # Safety
/// As `lws_sul_schedule`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_sul_schedule_wakesuspend(
    ctx: *mut lws_context,
    tsi: c_int,
    sul: *mut lws_sorted_usec_list_t,
    _cb: sul_cb_t,
    _us: lws_usec_t,
) {
    guard("lws_sul_schedule_wakesuspend", || {
        // SAFETY: forwarded.
        unsafe {
            schedule_in(
                "lws_sul_schedule_wakesuspend",
                ctx,
                tsi,
                sul,
                _cb,
                _us,
                SulClass::WakeSuspend,
            )
        }
    })
}

/// Schedule `sul` at the absolute monotonic time already in `sul->us`,
/// calling `sul->cb`; `flags` picks the list (LWSSULLI_*).
///
/// # Safety
/// As `lws_sul_schedule`, with `us` and `cb` set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_sul2_schedule(
    context: *mut lws_context,
    tsi: c_int,
    flags: c_int,
    sul: *mut lws_sorted_usec_list_t,
) {
    guard("lws_sul2_schedule", || {
        if sul.is_null() {
            log::err("lws_sul2_schedule: NULL sul");
            return;
        }
        let class = if flags & WAKE_IF_SUSPENDED != 0 {
            SulClass::WakeSuspend
        } else {
            SulClass::Normal
        };
        // SAFETY: caller's node.
        let due = unsafe { (*sul).us };
        // SAFETY: forwarded.
        unsafe { schedule_at("lws_sul2_schedule", context, tsi, sul, due, class) };
    })
}

/// Unschedule `sul`; harmless if it is not scheduled.
///
/// # Safety
/// `sul` must be NULL or a valid node.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_sul_cancel(sul: *mut lws_sorted_usec_list_t) {
    guard("lws_sul_cancel", || {
        if !sul.is_null() {
            // SAFETY: caller's node.
            unsafe { sul::cancel(sul) };
        }
    })
}

/// Monotonic microseconds: the clock suls are scheduled on.
#[unsafe(no_mangle)]
pub extern "C" fn lws_now_usecs() -> lws_usec_t {
    clock::now_usecs()
}

/// Wall-clock seconds since the Unix epoch.
#[unsafe(no_mangle)]
pub extern "C" fn lws_now_secs() -> c_ulong {
    clock::wall_secs() as c_ulong
}
