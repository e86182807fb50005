//! Listening sockets of raw-listener vhosts: opened with the vhost, each a
//! wsi bound to the vhost's first protocol (no WSI_CREATE, as in lws), and
//! accepted connections adopted as raw sockets.
//!
//! Running out of descriptors (EMFILE/ENFILE) pauses accepting: the
//! listener stops asking for input, says so once, and resumes when any
//! descriptor is released (lws's "accept modulation") or after a short
//! back-off, so a full process never spins on a ready listener.

use super::adopt::adopt;
use super::callback;
use super::context::Context;
use super::log;
use super::pollfd::{self, POLLIN};
use super::vhost::Vhost;
use super::wsi::{Role, Wsi};
use crate::ffi::options::{ALLOW_LISTEN_SHARE, DISABLE_IPV6, UNIX_SOCK};
use crate::ffi::types::lws_sorted_usec_list;
use crate::ffi::types::reason::*;
use crate::sys::socket::{self, ListenSpec};
use std::os::raw::{c_int, c_void};
use std::ptr;

/// How many connections one readiness event may accept (more wait for the
/// next pass, so one busy listener cannot starve the others).
const ACCEPT_BATCH: usize = 64;
/// How long a listener rests after running out of descriptors.
const EMFILE_BACKOFF_US: i64 = 100_000;

/// `struct lws_filter_network_conn_args`, the `user` of
/// FILTER_NETWORK_CONNECTION.
#[repr(C)]
struct FilterArgs {
    cli_addr: libc::sockaddr_storage,
    clilen: libc::socklen_t,
    accept_fd: c_int,
}

/// Open the vhost's listener, if it is a raw-listener vhost.
pub fn open_listeners(ctx: &Context, vh: &Vhost) -> Result<(), String> {
    if vh.raw_listener.is_none() {
        return Ok(());
    }
    let spec = ListenSpec {
        iface: vh.iface.as_deref(),
        port: vh.port as u16,
        unix: vh.options & UNIX_SOCK != 0,
        reuse_port: vh.options & ALLOW_LISTEN_SHARE != 0,
        ipv4_only: vh.options & DISABLE_IPV6 != 0,
    };
    let opened = socket::listen(&spec).map_err(|e| {
        let at = vh
            .iface
            .as_ref()
            .map_or("*".into(), |s| s.to_string_lossy().into_owned());
        format!(
            "vhost {}: cannot listen on {at} port {}: {e}",
            vh.name.to_string_lossy(),
            vh.port
        )
    })?;
    let mut rest = opened.iter();
    for &(fd, port) in rest.by_ref() {
        let w = Wsi::fake(ctx, vh, vh.protocol_ptr(0));
        w.role.set(Role::Listen);
        w.fd.set(fd);
        let wsi = Box::into_raw(Box::new(w));
        // SAFETY: a new boxed wsi, not yet in the table.
        if let Err(e) = unsafe { pollfd::insert(ctx, wsi) } {
            // SAFETY: never inserted: free it and the descriptors not yet
            // handed to a wsi (the listeners already made close with the
            // vhost the caller now destroys).
            unsafe {
                drop(Box::from_raw(wsi));
                libc::close(fd);
                rest.for_each(|&(other, _)| {
                    libc::close(other);
                });
            }
            return Err(format!(
                "vhost {}: cannot watch the listener: {e}",
                vh.name.to_string_lossy()
            ));
        }
        vh.listeners.borrow_mut().push(wsi);
        if !spec.unix {
            vh.listen_port.set(port as c_int);
        }
        log::info(&format!(
            "vhost {}: listening on port {port}",
            vh.name.to_string_lossy()
        ));
    }
    Ok(())
}

/// Forget a listener that is being closed.
pub fn forget(w: &Wsi) {
    // SAFETY: a listener's vhost outlives it.
    if let Some(vh) = unsafe { w.vhost.get().as_ref() } {
        vh.listeners.borrow_mut().retain(|&p| !ptr::eq(p, w));
    }
}

unsafe extern "C" fn backoff_over(sul: *mut lws_sorted_usec_list) {
    // SAFETY: only scheduled on a listener's timer_sul.
    let w = unsafe { &*Wsi::from_timer_sul(sul) };
    pollfd::change(w.ctx(), w, 0, POLLIN);
}

fn pause_accepting(ctx: &Context, w: &Wsi, errno: c_int) {
    log::warn(&format!(
        "fd {}: out of descriptors accepting a connection ({}); pausing the listener",
        w.fd.get(),
        std::io::Error::from_raw_os_error(errno)
    ));
    pollfd::change(ctx, w, POLLIN, 0);
    let sul = w.extras().timer_sul.get();
    // SAFETY: the listener's own sul, cancelled when it closes.
    unsafe {
        (*sul).cb = Some(backoff_over);
        ctx.pt.sul.schedule(
            sul,
            crate::sys::clock::now_usecs() + EMFILE_BACKOFF_US,
            super::sul::SulClass::Normal,
        );
    }
}

/// A listener is readable: accept what is waiting.
///
/// # Safety
/// `wsi` must be a live listener wsi of `ctx`.
pub unsafe fn service(ctx: &Context, wsi: *mut Wsi) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    for _ in 0..ACCEPT_BATCH {
        if !w.is_open() || w.events.get() & POLLIN == 0 {
            return;
        }
        // SAFETY: zeroed storage for the peer address.
        let mut args: FilterArgs = unsafe { std::mem::zeroed() };
        args.clilen = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: accept4 into our storage.
        let fd = unsafe {
            libc::accept4(
                w.fd.get(),
                &mut args.cli_addr as *mut _ as *mut libc::sockaddr,
                &mut args.clilen,
                libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            )
        };
        if fd < 0 {
            let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
            match errno {
                libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM => {
                    pause_accepting(ctx, w, errno)
                }
                libc::ECONNABORTED | libc::EINTR | libc::EPROTO => continue,
                libc::EAGAIN => {}
                _ => log::err(&format!(
                    "fd {}: accept failed: {}",
                    w.fd.get(),
                    std::io::Error::from_raw_os_error(errno)
                )),
            }
            return;
        }
        args.accept_fd = fd;
        socket::set_nodelay(fd);
        // SAFETY: the listener's vhost is alive while it listens.
        let vh = unsafe { &*w.vhost.get() };
        // SAFETY: a live wsi and protocols[0] of its vhost.
        let refused = unsafe {
            callback::call(
                ctx,
                w,
                vh.protocol_ptr(0),
                LWS_CALLBACK_FILTER_NETWORK_CONNECTION,
                &mut args as *mut FilterArgs as *mut c_void,
                fd as isize as *mut c_void,
                0,
            )
        } != 0;
        if refused {
            // SAFETY: our accepted descriptor.
            unsafe { libc::close(fd) };
            continue;
        }
        let protocol = vh.raw_listener.as_ref().and_then(|p| p.as_deref());
        if let Err(e) = adopt(ctx, vh, Role::RawSocket, fd, protocol, std::ptr::null_mut()) {
            log::err(&format!(
                "vhost {}: accepted connection dropped: {}",
                vh.name.to_string_lossy(),
                e.why
            ));
            if !e.descriptor_closed {
                // SAFETY: our accepted descriptor, which adopt() left alone.
                unsafe { libc::close(fd) };
            }
        }
    }
}
