//! Scheduled events (lws-timeout-timer.h). The node is the caller's memory:
//! it must start zeroed and stay valid until it fires or is cancelled.

use super::guard::guard;
use super::handles;
use super::types::{
    lws, lws_context, lws_retry_bo_t, lws_sorted_usec_list_t, lws_usec_t, sul_cb_t,
};
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
    ctx.sul_filed(due_us);
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

/// The next back-off delay (ms) from `retry` for try number `*ctry`, which
/// is then counted; and whether that try is still within `conceal_count`.
/// The table's entry (its last once exhausted; 3 s without a table) plus a
/// random 0..jitter_percent % (30 % when the table leaves it 0), as lws.
fn retry_delay_ms(retry: Option<&lws_retry_bo_t>, ctry: &mut u16) -> (u64, bool) {
    let mut ms: u64 = 3000;
    let mut percent: u64 = 30;
    if let Some(r) = retry {
        let n = r.retry_ms_table_count as usize;
        if n > 0 && !r.retry_ms_table.is_null() {
            let i = (*ctry as usize).min(n - 1);
            // SAFETY: the table has retry_ms_table_count entries.
            ms = unsafe { *r.retry_ms_table.add(i) } as u64;
        }
        if r.jitter_percent != 0 {
            percent = r.jitter_percent as u64;
        }
    }
    let mut rnd = [0u8; 2];
    // SAFETY: two writable bytes.
    unsafe { libc::getrandom(rnd.as_mut_ptr().cast(), 2, 0) };
    ms += ((ms * percent * u16::from_ne_bytes(rnd) as u64) >> 16) / 100;
    *ctry = ctry.saturating_add(1);
    let within = retry.is_some_and(|r| *ctry <= r.conceal_count);
    (ms, within)
}

/// Schedule `sul` for the next back-off delay of `retry` and count the try
/// in `*ctry`. Returns 1 without scheduling once the tries exceed the
/// policy's `conceal_count` (or when there is no policy), else 0.
///
/// # Safety
/// `context` NULL or live; `sul` a valid node; `retry` NULL or a policy;
/// `ctry` a valid counter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_retry_sul_schedule(
    context: *mut lws_context,
    tid: c_int,
    sul: *mut lws_sorted_usec_list_t,
    retry: *const lws_retry_bo_t,
    cb: sul_cb_t,
    ctry: *mut u16,
) -> c_int {
    guard("lws_retry_sul_schedule", || {
        if ctry.is_null() {
            log::err("lws_retry_sul_schedule: NULL try counter");
            return 1;
        }
        // SAFETY: caller contract on retry and ctry.
        let (ms, within) = retry_delay_ms(unsafe { retry.as_ref() }, unsafe { &mut *ctry });
        if !within {
            return 1;
        }
        let us = (ms as lws_usec_t).saturating_mul(1000);
        // SAFETY: forwarded.
        unsafe {
            schedule_in(
                "lws_retry_sul_schedule",
                context,
                tid,
                sul,
                cb,
                us,
                SulClass::Normal,
            )
        };
        0
    })
}

/// `lws_retry_sul_schedule` with the context and retry policy of `wsi`.
///
/// # Safety
/// `wsi` NULL or live; `sul` a valid node; `ctry` a valid counter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_retry_sul_schedule_retry_wsi(
    wsi: *mut lws,
    sul: *mut lws_sorted_usec_list_t,
    cb: sul_cb_t,
    ctry: *mut u16,
) -> c_int {
    guard("lws_retry_sul_schedule_retry_wsi", || {
        // SAFETY: caller contract.
        let Some(w) = (unsafe { handles::wsi_on_loop("lws_retry_sul_schedule_retry_wsi", wsi) })
        else {
            return 1;
        };
        let policy = w.ctx().settings.retry_policy;
        // SAFETY: forwarded.
        unsafe { lws_retry_sul_schedule(w.ctx().as_c(), 0, sul, policy, cb, ctry) }
    })
}
