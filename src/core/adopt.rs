//! Adopting an existing descriptor as a raw wsi, in lws 4.3's order:
//! WSI_CREATE (protocols[0], no user data) → bind the protocol (named, or
//! the vhost's first) and allocate its per-session data → RAW_SKT_BIND_PROTOCOL
//! (sockets only) → non-blocking, into the table (ADD_POLL_FD) → RAW_ADOPT or
//! RAW_ADOPT_FILE → wake the loop (programs see an EVENT_WAIT_CANCELLED).
//!
//! A descriptor that is not open, or is already a wsi, is refused before
//! anything happens.

use super::bind;
use super::callback;
use super::close::close;
use super::context::Context;
use super::pollfd;
use super::vhost::Vhost;
use super::wsi::{Role, Wsi, WsiState};
use crate::ffi::types::reason::*;
use std::ffi::CStr;
use std::os::raw::c_int;
use std::ptr;

/// Why an adoption was refused or failed, and whether the descriptor was
/// closed on the way (it is once the wsi existed and was closed again).
#[derive(Debug)]
pub struct AdoptError {
    /// what went wrong
    pub why: String,
    /// the close path ran and closed the descriptor
    pub descriptor_closed: bool,
}

fn refused(why: String) -> AdoptError {
    AdoptError {
        why,
        descriptor_closed: false,
    }
}

fn descriptor_is_open(fd: c_int) -> bool {
    // SAFETY: F_GETFD on any int is harmless.
    fd >= 0 && unsafe { libc::fcntl(fd, libc::F_GETFD) } >= 0
}

fn is_unix_socket(fd: c_int) -> bool {
    // SAFETY: getsockname into a zeroed storage of the right size.
    unsafe {
        let mut ss: libc::sockaddr_storage = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        libc::getsockname(fd, &mut ss as *mut _ as *mut libc::sockaddr, &mut len) == 0
            && ss.ss_family as c_int == libc::AF_UNIX
    }
}

/// lws 4.3 binds a UDP wsi's protocol a second time once adoption is done:
/// DROP, fresh zeroed per-session data, BIND again. Programs see it, so we
/// do it too.
fn rebind_udp(ctx: &Context, w: &Wsi) {
    let prot = w.protocol.get();
    // SAFETY: live wsi and protocol entry.
    unsafe {
        if w.user_space_owned.get() {
            callback::call(
                ctx,
                w,
                prot,
                LWS_CALLBACK_RAW_SKT_DROP_PROTOCOL,
                w.user_space.get(),
                // lws passes the name of its binding step as `in`.
                c"rops_adoption_bind_raw_skt".as_ptr() as *mut _,
                0,
            );
            std::ptr::write_bytes(
                w.user_space.get() as *mut u8,
                0,
                (*prot).per_session_data_size,
            );
        }
    }
    bind::announce(ctx, w);
}

/// Adopt `fd` on `vh` as `role`, bound to the protocol called `protocol`
/// (None: the vhost's first protocol). Returns the new wsi, or why not.
pub fn adopt(
    ctx: &Context,
    vh: &Vhost,
    role: Role,
    fd: c_int,
    protocol: Option<&CStr>,
    opaque: *mut std::os::raw::c_void,
) -> Result<*mut Wsi, AdoptError> {
    if !descriptor_is_open(fd) {
        return Err(refused(format!("fd {fd} is not an open descriptor")));
    }
    if ctx.pt.fds.get(fd).is_some() {
        return Err(refused(format!("fd {fd} is already adopted")));
    }
    if vh.destroyed.get() || vh.protocol_count() == 0 {
        return Err(refused(format!(
            "vhost {} cannot adopt (destroyed, or has no protocols)",
            vh.name.to_string_lossy()
        )));
    }
    let index = match bind::protocol_index(vh, protocol) {
        Ok(i) => i,
        Err(why) => {
            // lws closes the descriptor of an adoption that names a
            // protocol the vhost does not have.
            // SAFETY: the descriptor the program handed over.
            unsafe { libc::close(fd) };
            return Err(AdoptError {
                why,
                descriptor_closed: true,
            });
        }
    };

    let w = Wsi::fake(ctx, vh, vh.protocol_ptr(0));
    w.role.set(role);
    w.fd.set(fd);
    w.state.set(WsiState::Adopting);
    // Visible from the first callback on (lws_adopt_desc_t's `opaque`).
    w.opaque_user_data.set(opaque);
    let wsi = Box::into_raw(Box::new(w));
    // SAFETY: just boxed; freed only through close() or the error path below.
    let w = unsafe { &*wsi };
    // SAFETY: live wsi, protocol entry of a live vhost.
    unsafe {
        callback::call(
            ctx,
            w,
            vh.protocol_ptr(0),
            LWS_CALLBACK_WSI_CREATE,
            ptr::null_mut(),
            ptr::null_mut(),
            0,
        )
    };

    let bound = vh.protocol_ptr(index);
    if let Err(why) = bind::set_protocol(w, vh, index, ptr::null_mut()) {
        // SAFETY: never inserted anywhere: plain free.
        drop(unsafe { Box::from_raw(wsi) });
        return Err(refused(why));
    }
    let fail = |why: String| {
        // SAFETY: the wsi is ours; close() runs its close path once.
        unsafe { close(ctx, wsi) };
        Err(AdoptError {
            why,
            descriptor_closed: true,
        })
    };
    if matches!(role, Role::RawSocket | Role::Udp) {
        if !bind::announce(ctx, w) {
            return fail("RAW_SKT_BIND_PROTOCOL refused the connection".into());
        }
        w.is_unix.set(is_unix_socket(fd));
    }
    if !crate::sys::fd::set_nonblocking(fd) {
        return fail(format!("fd {fd}: cannot make it non-blocking"));
    }
    // SAFETY: a live boxed wsi, not yet in the table.
    if let Err(e) = unsafe { pollfd::insert(ctx, wsi) } {
        return fail(format!("fd {fd}: cannot watch it: {e}"));
    }
    w.state.set(WsiState::Live);
    let (adopt_reason, closes_on_refusal) = match role {
        Role::RawFile => (LWS_CALLBACK_RAW_ADOPT_FILE, true),
        _ => (LWS_CALLBACK_RAW_ADOPT, true),
    };
    // SAFETY: live wsi and protocol.
    let r = unsafe {
        callback::call(
            ctx,
            w,
            bound,
            adopt_reason,
            w.user_space.get(),
            ptr::null_mut(),
            0,
        )
    };
    if r != 0 && closes_on_refusal {
        return fail(format!("fd {fd}: the protocol refused the adoption ({r})"));
    }
    if role == Role::Udp {
        rebind_udp(ctx, w);
    }
    // lws wakes the loop after every adoption.
    ctx.pt.wake.signal();
    Ok(wsi)
}
