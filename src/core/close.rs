//! Closing a wsi: one path, run once, in lws 4.3's callback order:
//!
//! 1. RAW_SKT_DROP_PROTOCOL (sockets with per-session data only)
//! 2. the descriptor leaves the table (LOCK/DEL_POLL_FD/UNLOCK)
//! 3. RAW_CLOSE or RAW_CLOSE_FILE
//! 4. lws's late LOCK/UNLOCK pair; the descriptor is closed
//! 5. WSI_DESTROY through the first protocol's callback, per-session data
//!    still valid
//!
//! An outgoing connection that never connected instead leaves the table,
//! gets CLIENT_CONNECTION_ERROR (with the reason), then DROP, and no close.
//!
//! The memory is parked until no callback can still hold the pointer.

use super::callback;
use super::context::Context;
use super::pollfd;
use super::wsi::{Role, Wsi, WsiState};
use crate::ffi::types::reason::*;
use std::ptr;

/// Close `wsi` (no-op if it is already closing or closed).
///
/// # Safety
/// `wsi` must be a live boxed wsi of `ctx` (from `Box::into_raw`).
pub unsafe fn close(ctx: &Context, wsi: *mut Wsi) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    if !w.is_open() {
        return;
    }
    // Writes gathered while a read was handed over were, as far as the
    // program knows, sent already: send them before the socket goes.
    crate::roles::raw::send_gathered(w);
    let connecting = w.state.get() == WsiState::Connecting;
    w.state.set(WsiState::Closing);
    // SAFETY: our own suls.
    unsafe {
        super::sul::cancel(w.timeout_sul.get());
        if let Some(x) = w.extras_if_any() {
            super::sul::cancel(x.timer_sul.get());
        }
    }
    let (prot, user) = (w.protocol.get(), w.user_space.get());
    let call = |reason| {
        // SAFETY: the wsi stays allocated (parked below, freed after reap);
        // its protocol entry belongs to a vhost that outlives its wsis.
        unsafe { callback::call(ctx, w, prot, reason, user, ptr::null_mut(), 0) };
    };
    // lws passes the name of its close function as DROP_PROTOCOL's `in`.
    let drop_protocol = || {
        let why = c"__lws_close_free_wsi".as_ptr() as *mut std::os::raw::c_void;
        // SAFETY: as for `call`.
        unsafe {
            callback::call(
                ctx,
                w,
                prot,
                LWS_CALLBACK_RAW_SKT_DROP_PROTOCOL,
                user,
                why,
                0,
            )
        };
    };
    if connecting {
        // An outgoing connection that never connected reports the error
        // instead of a close, after leaving the table (lws 4.3's order).
        pollfd::remove(ctx, w);
        let why = w
            .extras_if_any()
            .and_then(|x| x.connect_error.borrow_mut().take());
        let why = why.unwrap_or_else(|| c"closed before connecting".to_owned());
        let (text, len) = (
            why.as_ptr() as *mut std::os::raw::c_void,
            why.as_bytes().len(),
        );
        // SAFETY: as for `call`; `why` outlives the callback.
        unsafe {
            callback::call(
                ctx,
                w,
                prot,
                LWS_CALLBACK_CLIENT_CONNECTION_ERROR,
                user,
                text,
                len,
            )
        };
        if w.user_space_owned.get() {
            drop_protocol();
        }
    } else {
        if matches!(w.role.get(), Role::RawSocket | Role::Udp) && w.user_space_owned.get() {
            drop_protocol();
        }
        pollfd::remove(ctx, w);
        match w.role.get() {
            Role::RawSocket | Role::Udp => call(LWS_CALLBACK_RAW_CLOSE),
            Role::RawFile => call(LWS_CALLBACK_RAW_CLOSE_FILE),
            Role::Listen => super::listen::forget(w),
            Role::Fake | Role::Pipe => {}
        }
    }
    // The event library may keep the wsi a while (its own handle closing):
    // it then finishes the close with __lws_close_free_wsi_final.
    if ctx
        .pt
        .evlib
        .logical_close(wsi as *mut crate::ffi::types::lws)
    {
        return;
    }
    // SAFETY: forwarded.
    unsafe { finish_close(ctx, wsi) };
}

/// The last steps of a close, after the event library let go.
///
/// # Safety
/// `wsi` must be a boxed wsi whose close has run up to `wsi_logical_close`.
pub unsafe fn finish_close(ctx: &Context, wsi: *mut Wsi) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    if w.state.get() != WsiState::Closing {
        return;
    }
    let (prot, user) = (w.protocol.get(), w.user_space.get());
    // lws runs its removal a second time after the close callback: the
    // descriptor is gone by then, so only the lock pair, one io stop and
    // the listener re-arming are seen.
    pollfd::remove(ctx, w);
    let fd = w.fd.replace(-1);
    // lws closes the descriptors it adopted; the wake descriptor belongs
    // to the Wake.
    if fd >= 0 && w.role.get() != Role::Pipe {
        // SAFETY: our descriptor, closed once.
        unsafe { libc::close(fd) };
    }
    // lws sends WSI_DESTROY through the vhost's first protocol's callback
    // (lws_get_protocol still shows the binding), with the pss still valid.
    // SAFETY: a vhost outlives its wsis.
    let first = unsafe { w.vhost.get().as_ref() }.map_or(prot, |vh| vh.protocol_ptr(0));
    // SAFETY: as in close().
    unsafe {
        callback::call(
            ctx,
            w,
            first,
            LWS_CALLBACK_WSI_DESTROY,
            user,
            ptr::null_mut(),
            0,
        )
    };
    // By the time the event library hears of it, lws has unbound the vhost.
    w.vhost.set(ptr::null());
    ctx.pt.evlib.destroy_wsi(wsi as *mut crate::ffi::types::lws);
    w.state.set(WsiState::Closed);
    w.pending_out.borrow_mut().clear();
    if let Some(x) = w.extras_if_any() {
        x.pending_in.borrow_mut().clear();
    }
    // SAFETY: ownership moves from the fd table to the graveyard.
    ctx.pt
        .graveyard
        .borrow_mut()
        .push(unsafe { Box::from_raw(wsi) });
}

/// Close every wsi (bound to `vhost`, or all when None), e.g. for destroy:
/// connections first, then listeners, then the wake, as lws orders it.
pub fn close_all(ctx: &Context, vhost: Option<*const super::vhost::Vhost>) {
    let mut wsis = ctx.pt.fds.snapshot();
    // SAFETY: snapshot entries are live table members.
    wsis.sort_by_key(|&p| match unsafe { (*p).role.get() } {
        Role::Listen => 1,
        Role::Pipe => 2,
        _ => 0,
    });
    for wsi in wsis {
        // SAFETY: snapshot entries are live table members; a callback may
        // have closed one meanwhile, which close() then ignores... but only
        // while it is still allocated, which the graveyard guarantees.
        let w = unsafe { &*wsi };
        if vhost.is_none_or(|v| ptr::eq(w.vhost.get(), v)) {
            // SAFETY: as above.
            unsafe { close(ctx, wsi) };
        }
    }
}

/// Close every listener (a destroy requested from a sul callback, see
/// `run_due`).
pub fn close_listeners(ctx: &Context) {
    for wsi in ctx.pt.fds.snapshot() {
        // SAFETY: snapshot entries are live table members (or parked in
        // the graveyard, still allocated, which close() ignores).
        if unsafe { (*wsi).role.get() } == Role::Listen {
            // SAFETY: as above.
            unsafe { close(ctx, wsi) };
        }
    }
}
