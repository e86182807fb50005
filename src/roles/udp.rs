//! UDP wsis: each datagram is one RAW_RX, its sender is remembered in the
//! wsi's `struct lws_udp` (sa46), and `lws_write` sends to the last sender
//! (sa46_pending), or to the peer a "connected" UDP wsi was made for.

use super::raw::deliver_datagram;
use crate::core::close::close;
use crate::core::context::Context;
use crate::core::wsi::Wsi;
use crate::ffi::types::{lws_sockaddr46, lws_udp, LWS_UDP_CONNECTED};
use std::net::SocketAddr;
use std::os::raw::c_int;

/// The wsi's UDP state; NULL for other wsis.
pub fn state(w: &Wsi) -> *mut lws_udp {
    if w.role.get() != crate::core::wsi::Role::Udp {
        return std::ptr::null_mut();
    }
    w.extras().udp.get()
}

/// An `lws_sockaddr46` from a socket address.
pub fn sa46_of(addr: &SocketAddr) -> lws_sockaddr46 {
    let (ss, _) = crate::sys::socket::to_raw(addr);
    // SAFETY: lws_sockaddr46 is a union of sockaddr_in/_in6, both within
    // sockaddr_storage, which to_raw filled for the right family.
    unsafe { std::ptr::read(&ss as *const libc::sockaddr_storage as *const lws_sockaddr46) }
}

fn sa46_len(sa: &lws_sockaddr46) -> libc::socklen_t {
    // SAFETY: the family field is common to both union members.
    match unsafe { sa.sa4.sin_family } as c_int {
        libc::AF_INET6 => std::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t,
        _ => std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
    }
}

/// Mark a UDP wsi as sending to `peer` by default.
pub fn set_connected_peer(w: &Wsi, peer: &SocketAddr) {
    let u = state(w);
    // SAFETY: the wsi's own UDP state; no reference to it is held elsewhere.
    unsafe {
        (*u).sa46_pending = sa46_of(peer);
        (*u).flags |= LWS_UDP_CONNECTED;
    }
}

/// Readable: take one datagram, note its sender, hand it over.
///
/// # Safety
/// `wsi` must be a live boxed UDP wsi of `ctx`.
pub unsafe fn read(ctx: &Context, wsi: *mut Wsi) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    // SAFETY: the service buffer is only used from dispatch, never re-entrantly.
    let buf: &mut [u8] = unsafe { &mut *ctx.pt.rx_buf.get() };
    // SAFETY: all-zero is a valid address union.
    let mut from: lws_sockaddr46 = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<lws_sockaddr46>() as libc::socklen_t;
    // SAFETY: recvfrom into our buffer and address storage of the given sizes.
    let n = unsafe {
        libc::recvfrom(
            w.fd.get(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            0,
            &mut from as *mut lws_sockaddr46 as *mut libc::sockaddr,
            &mut len,
        )
    };
    if n < 0 {
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            // An ICMP error from an earlier send: not a reason to close.
            Some(libc::EAGAIN) | Some(libc::EINTR) | Some(libc::ECONNREFUSED) => {}
            _ => {
                crate::core::log::info(&format!(
                    "fd {}: recvfrom failed: {e}; closing",
                    w.fd.get()
                ));
                // SAFETY: forwarded.
                unsafe { close(ctx, wsi) };
            }
        }
        return;
    }
    let u = state(w);
    // SAFETY: the wsi's own UDP state.
    unsafe {
        (*u).sa46 = from;
        if (*u).flags & LWS_UDP_CONNECTED == 0 {
            (*u).sa46_pending = from;
        }
    }
    // SAFETY: forwarded; one datagram is one RX, however short.
    unsafe { deliver_datagram(ctx, wsi, &buf[..n as usize]) };
}

/// Send one datagram to the wsi's current destination. Ok(len) when sent,
/// Ok(0) when the kernel is full (the datagram is then queued by the
/// caller), Err on a hard error.
pub fn send(w: &Wsi, data: &[u8]) -> std::io::Result<usize> {
    let u = state(w);
    // SAFETY: the wsi's own UDP state.
    let to = unsafe { (*u).sa46_pending };
    // SAFETY: sendto from a live slice to a valid address of the right length.
    let n = unsafe {
        if sa46_len(&to) > 0 && to.sa4.sin_family != 0 {
            libc::sendto(
                w.fd.get(),
                data.as_ptr().cast(),
                data.len(),
                libc::MSG_NOSIGNAL,
                &to as *const lws_sockaddr46 as *const libc::sockaddr,
                sa46_len(&to),
            )
        } else {
            libc::send(
                w.fd.get(),
                data.as_ptr().cast(),
                data.len(),
                libc::MSG_NOSIGNAL,
            )
        }
    };
    crate::sys::fd::nonblocking(n)
}
