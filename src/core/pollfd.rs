//! Changing what the loop waits for on a wsi's descriptor.
//!
//! Every change goes to the backend and, because our configuration is
//! Debian's (LWS_WITH_EXTERNAL_POLL), is also announced exactly as lws 4.3
//! announces it, so programs that keep their own pollfd array see the same
//! calls. The announcements go to the callback *function* of the vhost's
//! first protocol, with the wsi (whatever it is bound to) and its user data:
//! - insert: LOCK_POLL(len 1), ADD_POLL_FD, UNLOCK_POLL(len 1)
//! - change: LOCK_POLL(len 0), CHANGE_MODE_POLL_FD, UNLOCK_POLL(len 0), once
//!   per request even when nothing changes (lws does not de-duplicate)
//! - remove: LOCK_POLL(len 1), DEL_POLL_FD, listeners re-armed, UNLOCK_POLL
//! - re-arming listeners after any removal ("accept modulation"): a bare
//!   CHANGE_MODE_POLL_FD per listener, setting POLLIN
//!
//! `in` is a `struct lws_pollargs` { fd, events, prev_events }.

use super::callback;
use super::context::{Context, Lifecycle};
use super::wsi::Wsi;
use crate::evlib::{EV_READ, EV_START, EV_STOP, EV_WRITE};
use crate::ffi::types::reason::*;
use crate::ffi::types::{lws, lws_callback_reasons, lws_pollargs};
use std::os::raw::{c_int, c_void};

/// POLLIN as lws spells it in pollargs.
pub(crate) const POLLIN: i16 = libc::POLLIN;
/// POLLOUT as lws spells it in pollargs.
pub(crate) const POLLOUT: i16 = libc::POLLOUT;

/// One external-poll callback, through the vhost's first protocol.
fn tell(ctx: &Context, w: &Wsi, reason: lws_callback_reasons, args: &mut lws_pollargs, len: usize) {
    let Some(vh) = (unsafe { w.vhost.get().as_ref() }) else {
        return;
    };
    if vh.protocol_count() == 0 {
        return;
    }
    // SAFETY: a live wsi; protocols[0] of its live vhost. Only the callback
    // function is taken from protocols[0]: lws_get_protocol(wsi) still
    // shows what the wsi is bound to.
    unsafe {
        callback::call(
            ctx,
            w,
            vh.protocol_ptr(0),
            reason,
            w.user_space.get(),
            args as *mut lws_pollargs as *mut c_void,
            len,
        )
    };
}

/// The C handle of a wsi, as event libraries receive it.
fn handle(w: &Wsi) -> *mut lws {
    w as *const Wsi as *mut lws
}

/// Put the wsi's descriptor in the table and the event library, waiting
/// for input: `sock_accept` (or `init_vhost_listen_wsi`) first, then
/// LOCK_POLL, `io(START|READ)`, ADD_POLL_FD, UNLOCK_POLL.
///
/// # Safety
/// `wsi` must be a live boxed wsi not yet in the table.
pub unsafe fn insert(ctx: &Context, wsi: *mut Wsi) -> std::io::Result<()> {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    let fd = w.fd.get();
    if ctx.pt.fds.get(fd).is_some() {
        return Err(std::io::Error::from_raw_os_error(libc::EEXIST));
    }
    let listener = w.role.get() == super::wsi::Role::Listen;
    if let Err(why) = ctx.pt.evlib.adopted(handle(w), fd, listener) {
        return Err(std::io::Error::other(why));
    }
    ctx.pt.fds.insert(fd, wsi);
    w.events.set(POLLIN);
    let mut args = lws_pollargs {
        fd,
        events: POLLIN as c_int,
        prev_events: 0,
    };
    tell(ctx, w, LWS_CALLBACK_LOCK_POLL, &mut args, 1);
    ctx.pt.evlib.io(handle(w), fd, EV_START | EV_READ);
    tell(ctx, w, LWS_CALLBACK_ADD_POLL_FD, &mut args, 0);
    tell(ctx, w, LWS_CALLBACK_UNLOCK_POLL, &mut args, 1);
    Ok(())
}

/// Apply the change: announce CHANGE_MODE_POLL_FD (no lock pair), then one
/// `io` call per requested bit, in lws's order (read stop, read start,
/// write stop, write start).
fn change_inner(ctx: &Context, w: &Wsi, clear: i16, set: i16) {
    let prev = w.events.get();
    let next = (prev & !clear) | set;
    w.events.set(next);
    let mut args = lws_pollargs {
        fd: w.fd.get(),
        events: next as c_int,
        prev_events: prev as c_int,
    };
    tell(ctx, w, LWS_CALLBACK_CHANGE_MODE_POLL_FD, &mut args, 0);
    let steps = [
        (clear, POLLIN, EV_STOP | EV_READ),
        (set, POLLIN, EV_START | EV_READ),
        (clear, POLLOUT, EV_STOP | EV_WRITE),
        (set, POLLOUT, EV_START | EV_WRITE),
    ];
    for (bits, bit, flags) in steps {
        if bits & bit != 0 {
            ctx.pt.evlib.io(handle(w), w.fd.get(), flags);
        }
    }
}

/// Clear then set poll bits on the wsi's descriptor.
pub fn change(ctx: &Context, w: &Wsi, clear: i16, set: i16) {
    if ctx.pt.fds.get(w.fd.get()).is_none() {
        return;
    }
    let prev = w.events.get();
    let next = (prev & !clear) | set;
    let mut args = lws_pollargs {
        fd: w.fd.get(),
        events: next as c_int,
        prev_events: prev as c_int,
    };
    tell(ctx, w, LWS_CALLBACK_LOCK_POLL, &mut args, 0);
    change_inner(ctx, w, clear, set);
    tell(ctx, w, LWS_CALLBACK_UNLOCK_POLL, &mut args, 0);
}

/// Ask for POLLOUT. While the wsi's own writeable callback runs the request
/// is only noted, and announced once the callback has returned (as lws
/// does with its "leave POLLOUT active" flag).
pub fn want_pollout(ctx: &Context, w: &Wsi) {
    if w.handling_pollout.get() {
        w.leave_pollout_active.set(true);
        return;
    }
    change(ctx, w, 0, POLLOUT);
}

/// Re-arm every listener for input: lws does this after each removal,
/// since a descriptor may have been freed.
fn accept_modulation(ctx: &Context) {
    if ctx.lifecycle.get() != Lifecycle::Live {
        return;
    }
    for listener in ctx.listeners() {
        // SAFETY: listeners in the table are live boxed wsis.
        change_inner(ctx, unsafe { &*listener }, 0, POLLIN);
    }
}

/// Take the wsi's descriptor out of the table: LOCK_POLL, `io(STOP|READ|
/// WRITE)` (twice while it is in the table: lws's core and platform layers
/// each stop it), DEL_POLL_FD, listeners re-armed, UNLOCK_POLL. lws runs
/// this again after the close callback, when only the lock pair, one `io`
/// and the re-arming remain.
pub fn remove(ctx: &Context, w: &Wsi) {
    let fd = w.fd.get();
    let mut args = lws_pollargs {
        fd,
        events: 0,
        prev_events: 0,
    };
    tell(ctx, w, LWS_CALLBACK_LOCK_POLL, &mut args, 1);
    let all = EV_STOP | EV_READ | EV_WRITE;
    ctx.pt.evlib.io(handle(w), fd, all);
    if ctx.pt.fds.get(fd).is_some() {
        ctx.pt.evlib.io(handle(w), fd, all);
        ctx.pt.evlib.forget(fd);
        ctx.pt.fds.remove(fd);
        w.events.set(0);
        tell(ctx, w, LWS_CALLBACK_DEL_POLL_FD, &mut args, 0);
    }
    accept_modulation(ctx);
    tell(ctx, w, LWS_CALLBACK_UNLOCK_POLL, &mut args, 1);
}
