//! `struct lws_http_mount`: maps a URL prefix to a directory, a protocol
//! callback or a redirect. Programs give all 17 members positionally.
//!
//! Three members are 1-bit `unsigned int` bit-fields, which Rust cannot
//! declare; the C struct is written by hand in lws-pre.h and this mirror
//! (not exported to the header) uses one flag byte plus the two following
//! `unsigned char`s, which is where x86-64 SysV puts them.

use super::lws_protocol_vhost_options;
use std::os::raw::{c_char, c_int, c_uchar, c_uint};

/// Bit of [`lws_http_mount::cache_flags`]: C `cache_reusable`.
/// cbindgen:ignore
pub const LWS_MOUNT_CACHE_REUSABLE: u8 = 1 << 0;
/// Bit of [`lws_http_mount::cache_flags`]: C `cache_revalidate`.
/// cbindgen:ignore
pub const LWS_MOUNT_CACHE_REVALIDATE: u8 = 1 << 1;
/// Bit of [`lws_http_mount::cache_flags`]: C `cache_intermediaries`.
/// cbindgen:ignore
pub const LWS_MOUNT_CACHE_INTERMEDIARIES: u8 = 1 << 2;

/// A mount; `mount_next` links them into a list.
#[repr(C)]
pub struct lws_http_mount {
    /// next mount, or NULL
    pub mount_next: *const lws_http_mount,
    /// URL prefix, e.g. "/"
    pub mountpoint: *const c_char,
    /// directory, URL or protocol name, depending on `origin_protocol`
    pub origin: *const c_char,
    /// default file for a directory, e.g. "index.html"
    pub def: *const c_char,
    /// protocol to bind for callback mounts
    pub protocol: *const c_char,
    /// CGI environment additions
    pub cgienv: *const lws_protocol_vhost_options,
    /// extra file-suffix to mime-type mappings
    pub extra_mimetypes: *const lws_protocol_vhost_options,
    /// file suffixes handed to a protocol for processing
    pub interpret: *const lws_protocol_vhost_options,
    /// CGI timeout, seconds
    pub cgi_timeout: c_int,
    /// max-age for cache-control, seconds
    pub cache_max_age: c_int,
    /// authorisation bits required
    pub auth_mask: c_uint,
    /// the three C bit-fields: LWS_MOUNT_CACHE_* bits
    pub cache_flags: u8,
    /// an LWSMPRO_* value
    pub origin_protocol: c_uchar,
    /// strlen(mountpoint)
    pub mountpoint_len: c_uchar,
    _pad: u8,
    /// file of user:password lines for basic auth
    pub basic_auth_login_file: *const c_char,
}

impl lws_http_mount {
    /// Whether the C bit-field for `bit` (an LWS_MOUNT_CACHE_* value) is set.
    pub fn cache_flag(&self, bit: u8) -> bool {
        self.cache_flags & bit != 0
    }
}

/// `enum lws_mount_protocols` as C passes it.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct lws_mount_protocols(pub c_int);

/// What a mount serves (`lws_http_mount.origin_protocol`).
#[repr(C)]
#[allow(missing_docs, dead_code)]
pub enum lws_mount_protocols_decl {
    LWSMPRO_HTTP = 0,
    LWSMPRO_HTTPS = 1,
    LWSMPRO_FILE = 2,
    LWSMPRO_CGI = 3,
    LWSMPRO_REDIR_HTTP = 4,
    LWSMPRO_REDIR_HTTPS = 5,
    LWSMPRO_CALLBACK = 6,
}

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    type M = lws_http_mount;
    assert!(size_of::<M>() == 88);
    assert!(offset_of!(M, cgi_timeout) == 64);
    assert!(offset_of!(M, auth_mask) == 72);
    assert!(offset_of!(M, cache_flags) == 76);
    assert!(offset_of!(M, origin_protocol) == 77);
    assert!(offset_of!(M, mountpoint_len) == 78);
    assert!(offset_of!(M, basic_auth_login_file) == 80);
};
