//! One service pass, as a short list of phases (the shape of libuv's
//! `uv_run`):
//!
//! 1. first pass only: ask for the thread id, send PROTOCOL_INIT;
//! 2. run the scheduled events that are due;
//! 3. wait for descriptors, no longer than the next scheduled event;
//! 4. dispatch what became ready (the wake → EVENT_WAIT_CANCELLED);
//! 5. run the scheduled events that came due during the wait;
//! 6. free what was retired during the pass; finish a deferred destroy.
//!
//! lws semantics: a negative timeout never blocks; any other value waits
//! until the next event (the number itself is ignored, as since lws 3.2).

use super::context::{Context, Lifecycle};
use crate::evlib::WaitOutcome;
use crate::sys::clock::now_usecs;
use std::os::raw::c_int;

/// What a pass returns to `lws_service`.
pub(crate) const PASS_OK: c_int = 0;
/// The event library ran its own loop (`run_pt`).
pub(crate) const PASS_RAN_FOREIGN_LOOP: c_int = 1;
/// The pass could not run (called from the wrong thread).
pub(crate) const PASS_ERROR: c_int = -1;
/// The context was destroyed during the pass (and is now freed).
pub(crate) const PASS_DESTROYED: c_int = -1;

/// How long a program's own loop should wait, in ms, for the next
/// scheduled event due at `due_us` (lws_service_adjust_timeout). Rounded
/// up, so a sub-millisecond event waits 1 ms instead of spinning through
/// zero-length waits (lws 4.3 spins there).
pub fn wait_ms_until(due_us: Option<i64>, now_us: i64) -> c_int {
    match due_us {
        None => -1,
        Some(due) if due <= now_us => 0,
        Some(due) => {
            let ms = due.saturating_sub(now_us).saturating_add(999) / 1000;
            ms.min(c_int::MAX as i64) as c_int
        }
    }
}

/// How long to wait, in µs, for the next scheduled event (None: nothing is
/// scheduled). The backends honour sub-millisecond waits, so an event
/// under 1 ms away costs one wake, on time.
pub fn wait_us_until(due_us: Option<i64>, now_us: i64) -> Option<i64> {
    due_us.map(|due| due.saturating_sub(now_us).max(0))
}

/// Run one pass. Returns [`PASS_OK`], or [`PASS_DESTROYED`] when the
/// context was destroyed during the pass (`this` is then dangling).
///
/// # Safety
/// `this` must be a live context from `Box::into_raw`.
pub unsafe fn run_pass(this: *mut Context, timeout_ms: c_int) -> c_int {
    // SAFETY: caller guarantees liveness until finish_destroy below.
    let ctx = unsafe { &*this };
    if !ctx.enter_loop_thread("lws_service") {
        return PASS_ERROR;
    }
    // An event library with its own loop (run_pt) runs it instead; lws then
    // returns 1.
    if let Some(run_pt) = ctx.pt.evlib.run_hook() {
        // Nothing of the context may be held across this call: a callback
        // inside it may destroy the context.
        let cx = ctx.as_c();
        // SAFETY: the library's hook with our handle.
        unsafe { run_pt(cx, 0) };
        return PASS_RAN_FOREIGN_LOOP;
    }
    ctx.service_depth.set(ctx.service_depth.get() + 1);

    if !ctx.first_pass_done.replace(true) {
        ctx.ask_thread_id();
    }
    ctx.init_all_protocols();
    run_due(ctx);

    deliver_resumed_rx(ctx);
    if ctx.lifecycle.get() == Lifecycle::Live {
        let busy = timeout_ms < 0 || !ctx.pt.rx_resumed.borrow().is_empty();
        let wait = if busy {
            Some(0)
        } else {
            wait_us_until(ctx.pt.sul.next_due(), now_usecs())
        };
        let outcome = {
            let mut ready = ctx.pt.ready.borrow_mut();
            ctx.pt.evlib.wait(wait, &mut ready)
        };
        match outcome {
            Ok(WaitOutcome::Ready(_)) => dispatch(ctx),
            // A signal: return to the caller promptly (lws programs rely on
            // it to notice their SIGINT flag).
            Ok(WaitOutcome::Interrupted) => {}
            Err(e) => super::log::err(&format!("service: wait failed: {e}")),
        }
        run_due(ctx);
    }

    ctx.service_depth.set(ctx.service_depth.get() - 1);
    ctx.reap();
    // SAFETY: forwarded.
    if unsafe { finish_deferred_destroy(this) } {
        return PASS_DESTROYED;
    }
    PASS_OK
}

/// Finish a destroy that was deferred, once nothing of ours is running.
/// True when the context has been freed (`this` is dangling then).
///
/// # Safety
/// `this` must be a live context from `Box::into_raw`.
unsafe fn finish_deferred_destroy(this: *mut Context) -> bool {
    // SAFETY: caller contract.
    let ctx = unsafe { &*this };
    let idle = ctx.service_depth.get() == 0 && ctx.callback_depth.get() == 0;
    if ctx.lifecycle.get() != Lifecycle::DestroyDeferred || !idle {
        return false;
    }
    // SAFETY: nothing of ours is running any more.
    unsafe { Context::finish_destroy(this) };
    true
}

/// Fire every scheduled event that is due now, stopping if a callback
/// asked for the context to be destroyed.
fn run_due(ctx: &Context) {
    let now = now_usecs();
    while ctx.lifecycle.get() == Lifecycle::Live {
        let Some(sul) = ctx.pt.sul.pop_ripe(now) else {
            break;
        };
        ctx.callback_depth.set(ctx.callback_depth.get() + 1);
        // SAFETY: a popped node is valid (lws contract) and detached, so its
        // callback may reschedule it.
        if let Some(cb) = unsafe { (*sul).cb } {
            unsafe { cb(sul) };
        }
        ctx.callback_depth.set(ctx.callback_depth.get() - 1);
        if ctx.lifecycle.get() == Lifecycle::DestroyDeferred {
            // lws kills the listeners at a destroy with a timeout due at
            // once, which the sul pass that asked for the destroy still
            // runs: they close before the connections the deferred destroy
            // closes.
            crate::core::close::close_listeners(ctx);
        }
    }
}

/// Handle every descriptor the wait reported. Each is looked up again
/// when its turn comes: a callback for an earlier one may have closed it.
fn dispatch(ctx: &Context) {
    // The wake goes first, as in lws (its event pipe is slot 0 of the
    // pollfd array): EVENT_WAIT_CANCELLED precedes other callbacks of the pass.
    let wake = ctx.pt.wake.fd();
    {
        let mut ready = ctx.pt.ready.borrow_mut();
        if let Some(i) = ready.iter().position(|r| r.fd == wake) {
            ready.swap(0, i);
        }
    }
    let n = ctx.pt.ready.borrow().len();
    for i in 0..n {
        if ctx.lifecycle.get() != Lifecycle::Live {
            break;
        }
        let Some(ready) = ctx.pt.ready.borrow().get(i).copied() else {
            break;
        };
        if let Some(wsi) = ctx.pt.fds.get(ready.fd) {
            // SAFETY: a table member is a live boxed wsi.
            unsafe { crate::roles::service(ctx, wsi, ready) };
        }
    }
}

/// `lws_service_fd`: handle one descriptor the program's own loop found
/// ready, as a pass would, without waiting and without running scheduled
/// events. 0 when handled (`revents` cleared) or not ours (`revents` left
/// for the program), 1 when the wsi closed (the program should look at the
/// same slot of its array again), -1 when the context is being destroyed.
///
/// # Safety
/// `this` must be a live context from `Box::into_raw`.
pub unsafe fn service_fd(this: *mut Context, fd: c_int, revents: &mut i16) -> c_int {
    // SAFETY: caller contract.
    let ctx = unsafe { &*this };
    if !ctx.enter_loop_thread("lws_service_fd") {
        return -1;
    }
    // A destroy asked for while rwsloop was busy (e.g. from a timer run by
    // lws_service_adjust_timeout) is finished by the next call from the
    // program's loop; the deferral woke the wake descriptor to make sure
    // there is one.
    // SAFETY: forwarded.
    if unsafe { finish_deferred_destroy(this) } {
        return -1;
    }
    if ctx.lifecycle.get() != Lifecycle::Live {
        return -1;
    }
    let Some(wsi) = ctx.pt.fds.get(fd) else {
        return 0;
    };
    let r = *revents;
    let ready = crate::evlib::Ready {
        fd,
        readable: r & libc::POLLIN != 0,
        writable: r & libc::POLLOUT != 0,
        hangup: r & libc::POLLHUP != 0,
        error: r & (libc::POLLERR | libc::POLLNVAL) != 0,
    };
    ctx.service_depth.set(ctx.service_depth.get() + 1);
    // SAFETY: a table member is a live boxed wsi.
    unsafe { crate::roles::service(ctx, wsi, ready) };
    ctx.service_depth.set(ctx.service_depth.get() - 1);
    let closed = ctx.pt.fds.get(fd) != Some(wsi);
    ctx.reap();
    // SAFETY: forwarded.
    if unsafe { finish_deferred_destroy(this) } {
        return -1;
    }
    if closed {
        return 1;
    }
    *revents = 0;
    0
}

/// `lws_service_adjust_timeout`: what a program's own loop may wait for.
/// Initialises protocols and runs due scheduled events first (this is
/// where a custom loop gets its timers), then answers 0 when work is
/// pending, else `timeout_ms` lowered to the next scheduled event, rounded
/// up so an event under 1 ms away does not make the program spin.
///
/// # Safety
/// `this` must be a live context from `Box::into_raw`.
pub unsafe fn adjust_timeout(this: *mut Context, timeout_ms: c_int) -> c_int {
    // SAFETY: caller contract.
    let ctx = unsafe { &*this };
    if !ctx.enter_loop_thread("lws_service_adjust_timeout") {
        return timeout_ms;
    }
    ctx.service_depth.set(ctx.service_depth.get() + 1);
    ctx.init_all_protocols();
    run_due(ctx);
    // Input held while rx was paused is handed over here: a program's own
    // loop has no other moment for it (its descriptor may stay quiet).
    deliver_resumed_rx(ctx);
    ctx.service_depth.set(ctx.service_depth.get() - 1);
    ctx.reap();
    // Resumed again meanwhile: come straight back.
    if !ctx.pt.rx_resumed.borrow().is_empty() {
        return 0;
    }
    match wait_ms_until(ctx.pt.sul.next_due(), now_usecs()) {
        -1 => timeout_ms,
        ms if timeout_ms < 0 => ms,
        ms => ms.min(timeout_ms),
    }
}

/// Hand over input that waited while a wsi's rx was paused.
fn deliver_resumed_rx(ctx: &Context) {
    let resumed = std::mem::take(&mut *ctx.pt.rx_resumed.borrow_mut());
    for wsi in resumed {
        // Only wsis still in the table: one may have closed meanwhile (its
        // memory is parked in the graveyard until the end of the pass).
        // SAFETY: entries are live or parked, so readable.
        let fd = unsafe { (*wsi).fd.get() };
        if ctx.pt.fds.get(fd) == Some(wsi) {
            // SAFETY: a table member is a live boxed wsi.
            unsafe { crate::roles::raw::deliver_pending(ctx, wsi) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_waits_are_microsecond_exact() {
        assert_eq!(wait_us_until(None, 5), None);
        assert_eq!(
            wait_us_until(Some(5_300), 5_000),
            Some(300),
            "a 300 µs wait stays 300 µs"
        );
        assert_eq!(
            wait_us_until(Some(4_000), 5_000),
            Some(0),
            "overdue: don't wait"
        );
    }

    #[test]
    fn waits_round_up_and_never_spin() {
        assert_eq!(wait_ms_until(None, 5), -1);
        assert_eq!(wait_ms_until(Some(5), 5), 0);
        assert_eq!(wait_ms_until(Some(4), 5), 0);
        assert_eq!(
            wait_ms_until(Some(5_300), 5_000),
            1,
            "300 µs waits a whole ms"
        );
        assert_eq!(wait_ms_until(Some(7_000), 5_000), 2);
        assert_eq!(wait_ms_until(Some(i64::MAX), 0), c_int::MAX);
    }
}
