//! Outgoing raw connections (`lws_client_connect_via_info` with method
//! "RAW"), in lws 4.3's order:
//!
//! - at the call: RAW_SKT_BIND_PROTOCOL, the socket enters the table
//!   (ADD_POLL_FD, then an unchanged CHANGE_MODE), CONNECTING, POLLOUT asked
//!   for, connect timeout armed; the call returns the wsi;
//! - connected: WSI_CREATE (lws sends it only now), RAW_CONNECTED, then the
//!   usual writeable handling;
//! - refused, unreachable or timed out: CLIENT_CONNECTION_ERROR with a
//!   readable reason, DROP, WSI_DESTROY (see close.rs), never RAW_CLOSE.

use super::bind;
use super::callback;
use super::close::close;
use super::context::Context;
use super::pollfd;
use super::vhost::Vhost;
use super::wsi::{Role, Wsi, WsiState};
use crate::ffi::types::lws;
use crate::ffi::types::reason::*;
use crate::sys::socket;
use std::ffi::{CStr, CString};
use std::net::IpAddr;
use std::os::raw::c_void;
use std::ptr;

/// What to connect to and how to bind the result.
pub struct RawConnect<'a> {
    /// vhost whose protocols the wsi uses
    pub vhost: &'a Vhost,
    /// host name or address
    pub host: &'a str,
    /// TCP port
    pub port: u16,
    /// protocol to bind by name (None: the vhost's first)
    pub protocol: Option<&'a CStr>,
    /// caller-owned user data; NULL: allocate the protocol's per-session data
    pub userdata: *mut c_void,
    /// `opaque_user_data`
    pub opaque: *mut c_void,
    /// local address to bind first
    pub local: Option<IpAddr>,
    /// where to store the wsi as soon as it exists (NULLed on failure)
    pub pwsi: *mut *mut lws,
}

fn set_pwsi(pwsi: *mut *mut lws, value: *mut Wsi) {
    if !pwsi.is_null() {
        // SAFETY: the caller's out-pointer.
        unsafe { *pwsi = value as *mut lws };
    }
}

fn fail_early(
    ctx: &Context,
    wsi: *mut Wsi,
    pwsi: *mut *mut lws,
    why: String,
) -> Result<*mut Wsi, String> {
    // SAFETY: our wsi; close() reports the error to the protocol.
    unsafe {
        *(*wsi).extras().connect_error.borrow_mut() = CString::new(why.clone()).ok();
        close(ctx, wsi);
    }
    set_pwsi(pwsi, ptr::null_mut());
    Err(why)
}

/// Start connecting. Returns the wsi (the result arrives later as
/// RAW_CONNECTED or CLIENT_CONNECTION_ERROR), or why nothing was started.
pub fn connect(ctx: &Context, req: &RawConnect) -> Result<*mut Wsi, String> {
    let vh = req.vhost;
    let index = bind::protocol_index(vh, req.protocol)?;
    let bound = vh.protocol_ptr(index);
    let w = Wsi::fake(ctx, vh, bound);
    w.role.set(Role::RawSocket);
    w.state.set(WsiState::Connecting);
    w.opaque_user_data.set(req.opaque);
    bind::set_protocol(&w, vh, index, req.userdata)?;
    let wsi = Box::into_raw(Box::new(w));
    // SAFETY: just boxed.
    let w = unsafe { &*wsi };
    set_pwsi(req.pwsi, wsi);
    if !bind::announce(ctx, w) {
        return fail_early(
            ctx,
            wsi,
            req.pwsi,
            "RAW_SKT_BIND_PROTOCOL refused the connection".into(),
        );
    }
    let addr = match socket::resolve(req.host, req.port) {
        Ok(a) => a,
        Err(e) => {
            return fail_early(
                ctx,
                wsi,
                req.pwsi,
                format!("cannot resolve {}: {e}", req.host),
            )
        }
    };
    let (fd, failed_at_once) = match socket::connect_start(&addr, req.local) {
        Ok(r) => r,
        Err(e) => {
            return fail_early(
                ctx,
                wsi,
                req.pwsi,
                format!("conn fail: {}", e.raw_os_error().unwrap_or(0)),
            )
        }
    };
    w.fd.set(fd);
    if let Some(errno) = failed_at_once {
        // Reported from the loop, like a connect that fails later.
        *w.extras().connect_error.borrow_mut() = CString::new(format!("conn fail: {errno}")).ok();
    }
    // SAFETY: our boxed wsi, not yet in the table.
    if let Err(e) = unsafe { pollfd::insert(ctx, wsi) } {
        // SAFETY: never inserted: the descriptor is still ours alone.
        unsafe { libc::close(fd) };
        w.fd.set(-1);
        return fail_early(ctx, wsi, req.pwsi, format!("cannot watch the socket: {e}"));
    }
    pollfd::change(ctx, w, 0, 0);
    // CONNECTING gets the socket as `in`; a non-zero answer refuses the
    // connection (reported like any failed connect).
    // SAFETY: live wsi and protocol.
    let refused = unsafe {
        callback::call(
            ctx,
            w,
            bound,
            LWS_CALLBACK_CONNECTING,
            w.user_space.get(),
            fd as isize as *mut c_void,
            0,
        )
    } != 0;
    if refused {
        *w.extras().connect_error.borrow_mut() =
            Some(c"the CONNECTING callback refused the connection".to_owned());
        // SAFETY: our boxed wsi; the close path reports the error.
        unsafe { close(ctx, wsi) };
        set_pwsi(req.pwsi, ptr::null_mut());
        return Err("the CONNECTING callback refused the connection".into());
    }
    if w.is_open() {
        pollfd::change(ctx, w, 0, pollfd::POLLOUT);
        let timeout = ctx.settings.connect_timeout_secs as i64 * 1_000_000;
        // SAFETY: a live boxed wsi.
        unsafe { super::timeout::set_timeout_us(wsi, 0, Some(timeout)) };
    }
    Ok(wsi)
}

/// The connecting socket became writable (or failed): finish the connect.
///
/// # Safety
/// `wsi` must be a live boxed wsi in the Connecting state.
pub unsafe fn finish_connect(ctx: &Context, wsi: *mut Wsi) -> bool {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    let errno = if w.extras().connect_error.borrow().is_some() {
        -1
    } else {
        socket::take_error(w.fd.get())
    };
    if errno != 0 {
        if errno > 0 {
            *w.extras().connect_error.borrow_mut() =
                CString::new(format!("conn fail: {errno}")).ok();
        }
        // SAFETY: forwarded.
        unsafe { close(ctx, wsi) };
        return false;
    }
    // SAFETY: our own timeout sul.
    unsafe { super::sul::cancel(w.timeout_sul.get()) };
    w.state.set(WsiState::Live);
    let (prot, user) = (w.protocol.get(), w.user_space.get());
    // SAFETY: live wsi and protocol entry.
    unsafe {
        callback::call(
            ctx,
            w,
            prot,
            LWS_CALLBACK_WSI_CREATE,
            user,
            ptr::null_mut(),
            0,
        );
        if callback::call(
            ctx,
            w,
            prot,
            LWS_CALLBACK_RAW_CONNECTED,
            user,
            ptr::null_mut(),
            0,
        ) != 0
        {
            close(ctx, wsi);
            return false;
        }
    }
    w.is_open()
}

/// Text for a connect that timed out.
pub fn timed_out(w: &Wsi) {
    if w.state.get() == WsiState::Connecting && w.extras().connect_error.borrow().is_none() {
        *w.extras().connect_error.borrow_mut() = Some(c"connect timed out".to_owned());
    }
}
