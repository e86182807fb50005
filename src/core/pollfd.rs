//! Changing what the loop waits for on a wsi's descriptor.
//!
//! Every change goes to the backend and, because our configuration is
//! Debian's (LWS_WITH_EXTERNAL_POLL), is also announced to the wsi's
//! protocol exactly as lws 4.3 announces it, so programs that keep their
//! own pollfd array see the same calls:
//! - insert: LOCK_POLL(len 1), ADD_POLL_FD, UNLOCK_POLL(len 1)
//! - change: LOCK_POLL(len 0), CHANGE_MODE_POLL_FD, UNLOCK_POLL(len 0),
//!   once per request even when nothing changes (lws does not de-duplicate)
//! - remove: LOCK_POLL(len 1), DEL_POLL_FD, UNLOCK_POLL(len 1)
//!
//! `in` is a `struct lws_pollargs` { fd, events, prev_events }.

use super::callback;
use super::context::Context;
use super::wsi::Wsi;
use crate::evlib::Interest;
use crate::ffi::types::lws_pollargs;
use crate::ffi::types::reason::*;
use std::os::raw::{c_int, c_void};

/// POLLIN as lws spells it in pollargs.
pub const POLLIN: i16 = libc::POLLIN;
/// POLLOUT as lws spells it in pollargs.
pub const POLLOUT: i16 = libc::POLLOUT;

fn interest_of(events: i16) -> Interest {
    Interest {
        read: events & POLLIN != 0,
        write: events & POLLOUT != 0,
    }
}

/// Tell the wsi's protocol about an fd-table operation, wrapped in the
/// lock/unlock pair.
fn announce(
    ctx: &Context,
    wsi: &Wsi,
    reason: crate::ffi::types::lws_callback_reasons,
    args: lws_pollargs,
    lock_len: usize,
) {
    let mut args = args;
    let p = &mut args as *mut lws_pollargs as *mut c_void;
    let (prot, user) = (wsi.protocol.get(), wsi.user_space.get());
    // SAFETY: the wsi is live and its protocol entry belongs to a live vhost.
    unsafe {
        callback::call(ctx, wsi, prot, LWS_CALLBACK_LOCK_POLL, user, p, lock_len);
        callback::call(ctx, wsi, prot, reason, user, p, 0);
        callback::call(ctx, wsi, prot, LWS_CALLBACK_UNLOCK_POLL, user, p, lock_len);
    }
}

/// Put the wsi's descriptor in the table and the backend, waiting for input.
///
/// # Safety
/// `wsi` must be a live boxed wsi not yet in the table.
pub unsafe fn insert(ctx: &Context, wsi: *mut Wsi) -> std::io::Result<()> {
    // SAFETY: a live, boxed wsi.
    let w = unsafe { &*wsi };
    let fd = w.fd.get();
    if !ctx.pt.fds.insert(fd, wsi) {
        return Err(std::io::Error::from_raw_os_error(libc::EEXIST));
    }
    if let Err(e) = ctx.pt.poller.borrow_mut().add(fd, interest_of(POLLIN)) {
        ctx.pt.fds.remove(fd);
        return Err(e);
    }
    w.events.set(POLLIN);
    announce(
        ctx,
        w,
        LWS_CALLBACK_ADD_POLL_FD,
        lws_pollargs {
            fd,
            events: POLLIN as c_int,
            prev_events: 0,
        },
        1,
    );
    Ok(())
}

/// Clear then set poll bits on the wsi's descriptor.
pub fn change(ctx: &Context, w: &Wsi, clear: i16, set: i16) {
    if !w.is_open() || w.fd.get() < 0 {
        return;
    }
    let prev = w.events.get();
    let next = (prev & !clear) | set;
    if next != prev {
        w.events.set(next);
        if let Err(e) = ctx
            .pt
            .poller
            .borrow_mut()
            .modify(w.fd.get(), interest_of(next))
        {
            super::log::err(&format!(
                "fd {}: changing poll interest failed: {e}",
                w.fd.get()
            ));
        }
    }
    let args = lws_pollargs {
        fd: w.fd.get(),
        events: next as c_int,
        prev_events: prev as c_int,
    };
    announce(ctx, w, LWS_CALLBACK_CHANGE_MODE_POLL_FD, args, 0);
}

/// Take the wsi's descriptor out of the backend and the table.
pub fn remove(ctx: &Context, w: &Wsi) {
    let fd = w.fd.get();
    if ctx.pt.fds.get(fd).is_none() {
        return;
    }
    // Best effort: the descriptor may already be gone.
    let _ = ctx.pt.poller.borrow_mut().remove(fd);
    ctx.pt.fds.remove(fd);
    w.events.set(0);
    announce(
        ctx,
        w,
        LWS_CALLBACK_DEL_POLL_FD,
        lws_pollargs {
            fd,
            events: 0,
            prev_events: 0,
        },
        1,
    );
}

/// The second, empty lock/unlock pair lws 4.3 issues after the close
/// callback (its platform layer looks the descriptor up again).
pub fn announce_late_unlock(ctx: &Context, w: &Wsi) {
    let mut args = lws_pollargs {
        fd: w.fd.get(),
        events: 0,
        prev_events: 0,
    };
    let p = &mut args as *mut lws_pollargs as *mut c_void;
    let (prot, user) = (w.protocol.get(), w.user_space.get());
    // SAFETY: as in announce.
    unsafe {
        callback::call(ctx, w, prot, LWS_CALLBACK_LOCK_POLL, user, p, 1);
        callback::call(ctx, w, prot, LWS_CALLBACK_UNLOCK_POLL, user, p, 1);
    }
}
