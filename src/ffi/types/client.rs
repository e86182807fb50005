//! `struct lws_client_connect_info`: a client connection request (memset
//! to zero, then assigned by name), and its LCCSCF_* flags.

use super::{lws, lws_context, lws_log_cx_t, lws_retry_bo_t, lws_sequencer, lws_vhost};
use std::os::raw::{c_char, c_int, c_void};

/// Arguments of lws_client_connect_via_info().
#[repr(C)]
pub struct lws_client_connect_info {
    /// context to connect from
    pub context: *mut lws_context,
    /// peer host name or address
    pub address: *const c_char,
    /// peer port
    pub port: c_int,
    /// LCCSCF_* bits
    pub ssl_connection: c_int,
    /// URL path for http / ws
    pub path: *const c_char,
    /// Host: header
    pub host: *const c_char,
    /// Origin: header
    pub origin: *const c_char,
    /// ws subprotocol(s) to ask for
    pub protocol: *const c_char,
    /// ws version, -1 for the latest
    pub ietf_version_or_minus_one: c_int,
    /// pre-allocated per-session data, or NULL
    pub userdata: *mut c_void,
    /// unused
    pub client_exts: *const c_void,
    /// HTTP method; NULL means a ws upgrade, "RAW" a raw socket
    pub method: *const c_char,
    /// parent wsi, or NULL
    pub parent_wsi: *mut lws,
    /// URL rewrite: this prefix ...
    pub uri_replace_from: *const c_char,
    /// ... becomes this
    pub uri_replace_to: *const c_char,
    /// vhost to connect from (NULL: the default)
    pub vhost: *mut lws_vhost,
    /// set to the new wsi early, so callbacks during connect can see it
    pub pwsi: *mut *mut lws,
    /// local interface to bind
    pub iface: *const c_char,
    /// protocol (by name) on our side
    pub local_protocol_name: *const c_char,
    /// ALPN list for TLS
    pub alpn: *const c_char,
    /// sequencer to notify
    pub seq: *mut lws_sequencer,
    /// returned by lws_get_opaque_user_data()
    pub opaque_user_data: *mut c_void,
    /// retry and validity policy for this connection
    pub retry_and_idle_policy: *const lws_retry_bo_t,
    /// h2: initial tx credit to give the peer
    pub manual_initial_tx_credit: c_int,
    /// index of a system client certificate
    pub sys_tls_client_cert: u8,
    /// socket priority
    pub priority: u8,
    /// MQTT connect parameters (MQTT is not built)
    pub mqtt_cp: *mut c_void,
    /// fault-injection name
    pub fi_wsi_name: *const c_char,
    /// seconds to keep an idle pipelined connection
    pub keep_warm_secs: u16,
    /// logging context
    pub log_cx: *mut lws_log_cx_t,
    /// reserved, must stay zero
    pub _unused: [*mut c_void; 4],
}

/// `enum lws_client_connect_ssl_connection_flags` as C passes it.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct lws_client_connect_ssl_connection_flags(pub c_int);

/// LCCSCF_* bits for `lws_client_connect_info.ssl_connection`.
#[repr(C)]
#[allow(missing_docs, dead_code)]
pub enum lws_client_connect_ssl_connection_flags_decl {
    LCCSCF_USE_SSL = 1 << 0,
    LCCSCF_ALLOW_SELFSIGNED = 1 << 1,
    LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK = 1 << 2,
    LCCSCF_ALLOW_EXPIRED = 1 << 3,
    LCCSCF_ALLOW_INSECURE = 1 << 4,
    LCCSCF_H2_QUIRK_NGHTTP2_END_STREAM = 1 << 5,
    LCCSCF_H2_QUIRK_OVERFLOWS_TXCR = 1 << 6,
    LCCSCF_H2_AUTH_BEARER = 1 << 7,
    LCCSCF_H2_HEXIFY_AUTH_TOKEN = 1 << 8,
    LCCSCF_H2_MANUAL_RXFLOW = 1 << 9,
    LCCSCF_HTTP_MULTIPART_MIME = 1 << 10,
    LCCSCF_HTTP_X_WWW_FORM_URLENCODED = 1 << 11,
    LCCSCF_HTTP_NO_FOLLOW_REDIRECT = 1 << 12,
    LCCSCF_PIPELINE = 1 << 16,
    LCCSCF_MUXABLE_STREAM = 1 << 17,
    LCCSCF_H2_PRIOR_KNOWLEDGE = 1 << 18,
    LCCSCF_WAKE_SUSPEND__VALIDITY = 1 << 19,
    LCCSCF_PRIORITIZE_READS = 1 << 20,
    LCCSCF_SECSTREAM_CLIENT = 1 << 21,
    LCCSCF_SECSTREAM_PROXY_LINK = 1 << 22,
    LCCSCF_SECSTREAM_PROXY_ONWARD = 1 << 23,
    LCCSCF_IP_LOW_LATENCY = 1 << 24,
    LCCSCF_IP_HIGH_THROUGHPUT = 1 << 25,
    LCCSCF_IP_HIGH_RELIABILITY = 1 << 26,
    LCCSCF_IP_LOW_COST = 1 << 27,
    LCCSCF_CONMON = 1 << 28,
    LCCSCF_ACCEPT_TLS_DOWNGRADE_REDIRECTS = 1 << 29,
    LCCSCF_CACHE_COOKIES = 1 << 30,
}

impl lws_client_connect_info {
    /// An all-zero value, as C programs start from after memset(0).
    pub fn zeroed() -> Self {
        // SAFETY: every member is an integer, a raw pointer, an array of
        // those, or an Option of a function pointer; all-zero is valid
        // for each (NULL / None / 0).
        unsafe { core::mem::zeroed() }
    }
}

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    type C = lws_client_connect_info;
    assert!(size_of::<C>() == 248);
    assert!(offset_of!(C, port) == 16);
    assert!(offset_of!(C, ietf_version_or_minus_one) == 56);
    assert!(offset_of!(C, manual_initial_tx_credit) == 176);
    assert!(offset_of!(C, sys_tls_client_cert) == 180);
    assert!(offset_of!(C, priority) == 181);
    assert!(offset_of!(C, mqtt_cp) == 184);
    assert!(offset_of!(C, keep_warm_secs) == 200);
    assert!(offset_of!(C, log_cx) == 208);
    assert!(offset_of!(C, _unused) == 216);
};
