//! Adopting descriptors (lws-adopt.h).

use super::guard::guard;
use super::handles;
use super::types::lws_adoption_type_decl as adopt_bits;
use super::types::{
    lws, lws_adopt_desc_t, lws_adoption_type, lws_context, lws_retry_bo_t, lws_sock_file_fd_type,
    lws_udp, lws_vhost, LWS_CAUDP_BIND, LWS_CAUDP_BROADCAST, LWS_CAUDP_PF_PACKET,
};
use crate::core::adopt::adopt;
use crate::core::log;
use crate::core::wsi::Role;
use crate::sys::socket;
use std::ffi::CStr;
use std::net::{Ipv4Addr, SocketAddr};
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

fn role_for(kind: lws_adoption_type) -> Result<Role, String> {
    let bits = kind.0;
    let http = adopt_bits::LWS_ADOPT_HTTP as c_int;
    let udp = adopt_bits::LWS_ADOPT_FLAG_UDP as c_int;
    let socket = adopt_bits::LWS_ADOPT_SOCKET as c_int;
    if bits & http != 0 {
        return Err(format!(
            "adoption type {bits:#x} needs the HTTP role, which rwsloop does not have yet"
        ));
    }
    Ok(match (bits & socket != 0, bits & udp != 0) {
        (true, true) => Role::Udp,
        (true, false) => Role::RawSocket,
        _ => Role::RawFile,
    })
}

unsafe fn adopt_on(
    vh: *mut lws_vhost,
    kind: lws_adoption_type,
    fd: c_int,
    protocol: *const c_char,
    opaque: *mut c_void,
) -> *mut lws {
    // SAFETY: caller contract.
    let Some(v) = (unsafe { handles::vhost_on_loop("lws_adopt_descriptor_vhost", vh) }) else {
        log::err("lws_adopt_descriptor_vhost: NULL vhost");
        return ptr::null_mut();
    };
    // SAFETY: caller's C string.
    let name = (!protocol.is_null()).then(|| unsafe { CStr::from_ptr(protocol) });
    let result = role_for(kind)
        .and_then(|role| adopt(v.ctx(), v, role, fd, name, opaque).map_err(|e| e.why));
    match result {
        Ok(wsi) => wsi as *mut lws,
        Err(why) => {
            log::err(&format!("lws_adopt_descriptor_vhost: {why}"));
            ptr::null_mut()
        }
    }
}

/// Adopt an open socket or file descriptor on `vh` as a raw wsi bound to
/// `vh_prot_name` (NULL: the vhost's first protocol). On success lws owns
/// the descriptor and closes it with the wsi. NULL, with the descriptor
/// untouched, if it is invalid or already adopted.
///
/// # Safety
/// `vh` NULL or live; `vh_prot_name` NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_adopt_descriptor_vhost(
    vh: *mut lws_vhost,
    type_: lws_adoption_type,
    fd: lws_sock_file_fd_type,
    vh_prot_name: *const c_char,
    parent: *mut lws,
) -> *mut lws {
    let _ = parent;
    // SAFETY: both union members are the same int on POSIX.
    let raw_fd = unsafe { fd.sockfd };
    // SAFETY: forwarded.
    guard("lws_adopt_descriptor_vhost", || unsafe {
        adopt_on(vh, type_, raw_fd, vh_prot_name, ptr::null_mut())
    })
}

/// `lws_adopt_descriptor_vhost` with its arguments in a struct.
///
/// # Safety
/// `info` NULL or a filled `lws_adopt_desc_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_adopt_descriptor_vhost_via_info(
    info: *const lws_adopt_desc_t,
) -> *mut lws {
    guard("lws_adopt_descriptor_vhost_via_info", || {
        // SAFETY: caller contract.
        let Some(i) = (unsafe { info.as_ref() }) else {
            log::err("lws_adopt_descriptor_vhost_via_info: NULL info");
            return ptr::null_mut();
        };
        // SAFETY: both union members are the same int on POSIX; forwarded.
        unsafe { adopt_on(i.vh, i.r#type, i.fd.sockfd, i.vh_prot_name, i.opaque) }
    })
}

fn needs_http(export: &str) -> *mut lws {
    log::err(&format!(
        "{export}: adopts the socket as HTTP, and rwsloop has no HTTP role yet; \
         use lws_adopt_descriptor_vhost with LWS_ADOPT_SOCKET for a raw socket"
    ));
    ptr::null_mut()
}

/// Adopt a socket as an HTTP connection. rwsloop: unimplemented (no HTTP
/// role yet): logs and returns NULL.
///
/// # Safety
/// Any arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_adopt_socket(context: *mut lws_context, accept_fd: c_int) -> *mut lws {
    let _ = (context, accept_fd);
    needs_http("lws_adopt_socket")
}

/// Adopt a socket on a vhost as HTTP. rwsloop: unimplemented (no HTTP role
/// yet): logs and returns NULL.
///
/// # Safety
/// Any arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_adopt_socket_vhost(vh: *mut lws_vhost, accept_fd: c_int) -> *mut lws {
    let _ = (vh, accept_fd);
    needs_http("lws_adopt_socket_vhost")
}

/// Adopt a socket as HTTP with already-read data. rwsloop: unimplemented
/// (no HTTP role yet): logs and returns NULL.
///
/// # Safety
/// Any arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_adopt_socket_readbuf(
    context: *mut lws_context,
    accept_fd: c_int,
    readbuf: *const c_char,
    len: usize,
) -> *mut lws {
    let _ = (context, accept_fd, readbuf, len);
    needs_http("lws_adopt_socket_readbuf")
}

/// Adopt a socket on a vhost as HTTP with already-read data. rwsloop:
/// unimplemented (no HTTP role yet): logs and returns NULL.
///
/// # Safety
/// Any arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_adopt_socket_vhost_readbuf(
    vhost: *mut lws_vhost,
    accepted_fd: c_int,
    readbuf: *const c_char,
    len: usize,
) -> *mut lws {
    let _ = (vhost, accepted_fd, readbuf, len);
    needs_http("lws_adopt_socket_vhost_readbuf")
}

/// Create a UDP socket for `ads`:`port` and adopt it on `vhost` bound to
/// `protocol_name`. With LWS_CAUDP_BIND it is bound there (port 0: any
/// free port); without, it is a "connected" UDP wsi that sends there.
/// `ifname`, `retry_policy` and `fi_wsi_name` are accepted and not used.
///
/// # Safety
/// `vhost` NULL or live; strings NULL or C strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_create_adopt_udp(
    vhost: *mut lws_vhost,
    ads: *const c_char,
    port: c_int,
    flags: c_int,
    protocol_name: *const c_char,
    ifname: *const c_char,
    parent_wsi: *mut lws,
    opaque: *mut c_void,
    retry_policy: *const lws_retry_bo_t,
    fi_wsi_name: *const c_char,
) -> *mut lws {
    let _ = (ifname, parent_wsi, retry_policy, fi_wsi_name);
    guard("lws_create_adopt_udp", || {
        // SAFETY: caller contract.
        let Some(v) = (unsafe { handles::vhost_on_loop("lws_create_adopt_udp", vhost) }) else {
            return ptr::null_mut();
        };
        let fail = |why: String| {
            log::err(&format!("lws_create_adopt_udp: {why}"));
            ptr::null_mut()
        };
        if flags & LWS_CAUDP_PF_PACKET != 0 {
            return fail("LWS_CAUDP_PF_PACKET is not supported".into());
        }
        let bind = flags & LWS_CAUDP_BIND != 0;
        // SAFETY: caller's C string.
        let host = if ads.is_null() {
            None
        } else {
            unsafe { CStr::from_ptr(ads) }.to_str().ok()
        };
        let port = u16::try_from(port.max(0)).unwrap_or(0);
        let addr = match (host, bind) {
            (Some(h), _) => match socket::resolve(h, port) {
                Ok(a) => a,
                Err(e) => return fail(format!("cannot resolve {h}: {e}")),
            },
            (None, true) => SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), port),
            (None, false) => return fail("an unbound UDP wsi needs an address to send to".into()),
        };
        let fd = match socket::udp(&addr, bind, flags & LWS_CAUDP_BROADCAST != 0) {
            Ok(fd) => fd,
            Err(e) => {
                return fail(format!(
                    "cannot {} {addr}: {e}",
                    if bind { "bind" } else { "connect to" }
                ))
            }
        };
        // SAFETY: caller's C string.
        let name = (!protocol_name.is_null()).then(|| unsafe { CStr::from_ptr(protocol_name) });
        match adopt(v.ctx(), v, Role::Udp, fd, name, opaque) {
            Ok(wsi) => {
                // SAFETY: the new wsi.
                let w = unsafe { &*wsi };
                if !bind {
                    crate::roles::udp::set_connected_peer(w, &addr);
                }
                wsi as *mut lws
            }
            Err(e) => {
                if !e.descriptor_closed {
                    // SAFETY: our socket, which adopt() left alone.
                    unsafe { libc::close(fd) };
                }
                fail(e.why)
            }
        }
    })
}

/// The UDP state of a UDP wsi (last sender, send destination), or NULL.
///
/// # Safety
/// `wsi` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_udp(wsi: *const lws) -> *const lws_udp {
    guard("lws_get_udp", || {
        // SAFETY: caller contract.
        unsafe { handles::wsi_on_loop("lws_get_udp", wsi) }.map_or(ptr::null(), |w| {
            crate::roles::udp::state(w) as *const lws_udp
        })
    })
}
