//! Adoption and UDP types: how a program hands an existing fd to a vhost,
//! and the peer addresses a UDP wsi keeps.

use super::{lws, lws_filefd_type, lws_sockfd_type, lws_vhost};
use std::os::raw::{c_char, c_int, c_void};

/// `lws_adoption_type`: LWS_ADOPT_* bits as C passes them. In C this is a
/// typedef'd anonymous enum, written by hand in lws-pre.h.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct lws_adoption_type(pub c_int);

/// Values of `lws_adoption_type` (the C body is hand-written because
/// cbindgen cannot print an anonymous enum).
/// cbindgen:ignore
#[repr(C)]
#[allow(missing_docs, dead_code)]
pub enum lws_adoption_type_decl {
    LWS_ADOPT_RAW_FILE_DESC = 0,
    LWS_ADOPT_HTTP = 1,
    LWS_ADOPT_SOCKET = 2,
    LWS_ADOPT_ALLOW_SSL = 4,
    LWS_ADOPT_FLAG_UDP = 16,
    LWS_ADOPT_FLAG_RAW_PROXY = 32,
    LWS_ADOPT_RAW_SOCKET_UDP = 2 | 16,
}

/// A descriptor to adopt, passed by value: a socket or a file.
#[repr(C)]
#[derive(Clone, Copy)]
pub union lws_sock_file_fd_type {
    /// when adopting a socket
    pub sockfd: lws_sockfd_type,
    /// when adopting a file (LWS_ADOPT_RAW_FILE_DESC)
    pub filefd: lws_filefd_type,
}

/// An IPv4 or IPv6 socket address; `sa4.sin_family` says which.
#[repr(C)]
#[derive(Clone, Copy)]
pub union lws_sockaddr46 {
    /// IPv6 view
    pub sa6: libc::sockaddr_in6,
    /// IPv4 view
    pub sa4: libc::sockaddr_in,
}

/// Bit of [`lws_udp::flags`]: C `connected`, set after connect().
/// cbindgen:ignore
pub const LWS_UDP_CONNECTED: u8 = 1 << 0;

/// `struct lws_udp`: what a UDP wsi remembers about its peer. The C struct
/// ends in a one-bit field, so it is hand-written (lws-post.h) and this
/// mirror keeps that byte as `flags`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct lws_udp {
    /// sender of the last datagram received
    pub sa46: lws_sockaddr46,
    /// where lws_write() sends to
    pub sa46_pending: lws_sockaddr46,
    /// the C bit-field byte: LWS_UDP_CONNECTED
    pub flags: u8,
    _pad: [u8; 3],
}

impl lws_udp {
    /// A zeroed value: no peer yet, not connected.
    pub fn zeroed() -> Self {
        // SAFETY: every member is plain integers; all-zero is valid.
        unsafe { core::mem::zeroed() }
    }
}

/// `lws_adopt_desc_t`: the arguments of
/// lws_adopt_descriptor_vhost_via_info().
#[repr(C)]
pub struct lws_adopt_desc {
    /// vhost to adopt into
    pub vh: *mut lws_vhost,
    /// LWS_ADOPT_* bits
    pub r#type: lws_adoption_type,
    /// the descriptor
    pub fd: lws_sock_file_fd_type,
    /// protocol to bind by name (NULL: the vhost default)
    pub vh_prot_name: *const c_char,
    /// parent wsi, or NULL
    pub parent: *mut lws,
    /// opaque user pointer for the new wsi
    pub opaque: *mut c_void,
    /// fault-injection name
    pub fi_wsi_name: *const c_char,
}

/// `lws_adopt_desc_t`
pub type lws_adopt_desc_t = lws_adopt_desc;

/// lws_create_adopt_udp() flag: bind to the port (else connect to it).
pub const LWS_CAUDP_BIND: c_int = 1 << 0;
/// lws_create_adopt_udp() flag: allow broadcast.
pub const LWS_CAUDP_BROADCAST: c_int = 1 << 1;
/// lws_create_adopt_udp() flag: a packet socket.
pub const LWS_CAUDP_PF_PACKET: c_int = 1 << 2;

impl lws_adopt_desc {
    /// An all-zero value, as C programs start from after memset(0).
    pub fn zeroed() -> Self {
        // SAFETY: every member is an integer, a raw pointer, an array of
        // those, or an Option of a function pointer; all-zero is valid
        // for each (NULL / None / 0).
        unsafe { core::mem::zeroed() }
    }
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
const _: () = {
    use core::mem::{align_of, offset_of, size_of};
    assert!(size_of::<lws_sock_file_fd_type>() == 4);
    assert!(size_of::<lws_sockaddr46>() == 28);
    assert!(align_of::<lws_sockaddr46>() == 4);
    assert!(size_of::<lws_udp>() == 60);
    assert!(offset_of!(lws_udp, sa46_pending) == 28);
    assert!(offset_of!(lws_udp, flags) == 56);
    type D = lws_adopt_desc;
    assert!(size_of::<D>() == 48);
    assert!(offset_of!(D, r#type) == 8);
    assert!(offset_of!(D, fd) == 12);
    assert!(offset_of!(D, vh_prot_name) == 16);
    assert!(offset_of!(D, fi_wsi_name) == 40);
};
