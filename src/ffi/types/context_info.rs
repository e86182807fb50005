//! `struct lws_context_creation_info`: what a program fills (after a
//! memset to zero) to create a context or a vhost. Members are exactly
//! those of lws 4.3.5 as Debian builds it (network, h1/h2, ws, TLS with
//! OpenSSL, client, TLS sessions, file ops, libcap, system state, SMD,
//! cookie jar), in lws's order, so binaries built against that lws agree
//! with us on every offset.

use super::{
    lws_context, lws_extension, lws_http_mount, lws_log_cx_t, lws_plat_file_ops, lws_plugin_evlib,
    lws_protocol_vhost_options, lws_protocols, lws_retry_bo_t, lws_smd_class_t,
    lws_smd_notification_cb_t, lws_state_notify_link_t, lws_system_ops_t, lws_token_limits,
    lws_usec_t, lws_vhost, ssl_ctx_st,
};
use std::os::raw::{c_char, c_int, c_long, c_uint, c_ushort, c_void};

/// `cap_value_t` from libcap: a capability number. The header takes the
/// real typedef from <sys/capability.h> when that exists (lws-pre.h).
pub type cap_value_t = c_int;

/// `info.port`: open no listen socket (a client-only vhost).
pub const CONTEXT_PORT_NO_LISTEN: c_int = -1;
/// `info.port`: no listen socket, but adopted sockets are served.
pub const CONTEXT_PORT_NO_LISTEN_SERVER: c_int = -2;

// `info.options` bits. lws types them `long long` (`1ll << n`): several
// are above bit 31. Composite ones include DO_SSL_GLOBAL_INIT (bit 12).
/// require a valid client certificate (TLS)
pub const LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT: i64 = (1i64 << 1) | (1i64 << 12);
/// don't look up the canonical host name at creation
pub const LWS_SERVER_OPTION_SKIP_SERVER_CANONICAL_NAME: i64 = 1i64 << 2;
/// accept plain connections on a TLS listener
pub const LWS_SERVER_OPTION_ALLOW_NON_SSL_ON_SSL_PORT: i64 = (1i64 << 3) | (1i64 << 12);
/// use libev
pub const LWS_SERVER_OPTION_LIBEV: i64 = 1i64 << 4;
/// listen on IPv4 only
pub const LWS_SERVER_OPTION_DISABLE_IPV6: i64 = 1i64 << 5;
/// don't load the OS CA bundle
pub const LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS: i64 = 1i64 << 6;
/// ask for, but don't require, a client certificate
pub const LWS_SERVER_OPTION_PEER_CERT_NOT_REQUIRED: i64 = 1i64 << 7;
/// check ws text frames are valid UTF-8
pub const LWS_SERVER_OPTION_VALIDATE_UTF8: i64 = 1i64 << 8;
/// ECDH certificates
pub const LWS_SERVER_OPTION_SSL_ECDH: i64 = (1i64 << 9) | (1i64 << 12);
/// use libuv
pub const LWS_SERVER_OPTION_LIBUV: i64 = 1i64 << 10;
/// redirect plain HTTP to https
pub const LWS_SERVER_OPTION_REDIRECT_HTTP_TO_HTTPS: i64 = (1i64 << 11) | (1i64 << 12);
/// initialise the TLS library
pub const LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT: i64 = 1i64 << 12;
/// create no default vhost; the program calls lws_create_vhost()
pub const LWS_SERVER_OPTION_EXPLICIT_VHOSTS: i64 = 1i64 << 13;
/// `iface` is a unix socket path
pub const LWS_SERVER_OPTION_UNIX_SOCK: i64 = 1i64 << 14;
/// send Strict-Transport-Security
pub const LWS_SERVER_OPTION_STS: i64 = 1i64 << 15;
/// set IPV6_V6ONLY from IPV6_V6ONLY_VALUE
pub const LWS_SERVER_OPTION_IPV6_V6ONLY_MODIFY: i64 = 1i64 << 16;
/// the IPV6_V6ONLY value to set
pub const LWS_SERVER_OPTION_IPV6_V6ONLY_VALUE: i64 = 1i64 << 17;
/// libuv: don't trap SIGSEGV / SIGFPE
pub const LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN: i64 = 1i64 << 18;
/// proxy mounts pass the origin through unchanged
pub const LWS_SERVER_OPTION_JUST_USE_RAW_ORIGIN: i64 = 1i64 << 19;
/// old name of FALLBACK_TO_APPLY_LISTEN_ACCEPT_CONFIG
pub const LWS_SERVER_OPTION_FALLBACK_TO_RAW: i64 = 1i64 << 20;
/// non-HTTP first bytes switch the connection to the listen_accept role
pub const LWS_SERVER_OPTION_FALLBACK_TO_APPLY_LISTEN_ACCEPT_CONFIG: i64 = 1i64 << 20;
/// use libevent
pub const LWS_SERVER_OPTION_LIBEVENT: i64 = 1i64 << 21;
/// old name of ADOPT_APPLY_LISTEN_ACCEPT_CONFIG
pub const LWS_SERVER_OPTION_ONLY_RAW: i64 = 1i64 << 22;
/// accepted sockets take listen_accept_role / _protocol at once
pub const LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG: i64 = 1i64 << 22;
/// SO_REUSEPORT on listen sockets
pub const LWS_SERVER_OPTION_ALLOW_LISTEN_SHARE: i64 = 1i64 << 23;
/// give the vhost a TLS context even without certificates
pub const LWS_SERVER_OPTION_CREATE_VHOST_SSL_CTX: i64 = 1i64 << 24;
/// don't send PROTOCOL_INIT for this vhost
pub const LWS_SERVER_OPTION_SKIP_PROTOCOL_INIT: i64 = 1i64 << 25;
/// create the vhost even if its certificate is missing
pub const LWS_SERVER_OPTION_IGNORE_MISSING_CERT: i64 = 1i64 << 26;
/// ws upgrades must match the vhost's Host: exactly
pub const LWS_SERVER_OPTION_VHOST_UPG_STRICT_HOST_CHECK: i64 = 1i64 << 27;
/// add the security best-practice headers
pub const LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE: i64 = 1i64 << 28;
/// serve plain HTTP on a TLS listener
pub const LWS_SERVER_OPTION_ALLOW_HTTP_ON_HTTPS_LISTENER: i64 = 1i64 << 29;
/// fail creation if a listen socket can't bind
pub const LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND: i64 = 1i64 << 30;
/// h2: clamp window update overflow instead of failing
pub const LWS_SERVER_OPTION_H2_JUST_FIX_WINDOW_UPDATE_OVERFLOW: i64 = 1i64 << 31;
/// h2: allow half-closed long-poll streams
pub const LWS_SERVER_OPTION_VH_H2_HALF_CLOSED_LONG_POLL: i64 = 1i64 << 32;
/// use glib
pub const LWS_SERVER_OPTION_GLIB: i64 = 1i64 << 33;
/// h2 without upgrade or ALPN
pub const LWS_SERVER_OPTION_H2_PRIOR_KNOWLEDGE: i64 = 1i64 << 34;
/// skip the system state machine
pub const LWS_SERVER_OPTION_NO_LWS_SYSTEM_STATES: i64 = 1i64 << 35;
/// secure-streams proxy
pub const LWS_SERVER_OPTION_SS_PROXY: i64 = 1i64 << 36;
/// use sd-event
pub const LWS_SERVER_OPTION_SDEVENT: i64 = 1i64 << 37;
/// use OpenWrt uloop
pub const LWS_SERVER_OPTION_ULOOP: i64 = 1i64 << 38;
/// no TLS session cache
pub const LWS_SERVER_OPTION_DISABLE_TLS_SESSION_CACHE: i64 = 1i64 << 39;

/// Creation parameters for a context (and for each extra vhost).
#[repr(C)]
pub struct lws_context_creation_info {
    /// interface or address to bind the listen socket to (NULL: any)
    pub iface: *const c_char,
    /// protocol array, ended by an entry with a NULL callback
    pub protocols: *const lws_protocols,
    /// ws extensions, ended by an all-NULL entry
    pub extensions: *const lws_extension,
    /// per-header size limits
    pub token_limits: *const lws_token_limits,
    /// HTTP proxy for client connections
    pub http_proxy_address: *const c_char,
    /// extra headers added to every HTTP response
    pub headers: *const lws_protocol_vhost_options,
    /// URL substrings that get a fixed response
    pub reject_service_keywords: *const lws_protocol_vhost_options,
    /// per-vhost protocol options; also filters which protocols init
    pub pvo: *const lws_protocol_vhost_options,
    /// access log path
    pub log_filepath: *const c_char,
    /// HTTP mount list
    pub mounts: *const lws_http_mount,
    /// Server: header value
    pub server_string: *const c_char,
    /// URL served for 404
    pub error_document_404: *const c_char,
    /// listen port; CONTEXT_PORT_NO_LISTEN(_SERVER) for none
    pub port: c_int,
    /// port of `http_proxy_address`
    pub http_proxy_port: c_uint,
    /// larger header buffer size (0: use `max_http_header_data`)
    pub max_http_header_data2: c_uint,
    /// larger header pool size (0: use `max_http_header_pool`)
    pub max_http_header_pool2: c_uint,
    /// HTTP keep-alive idle seconds
    pub keepalive_timeout: c_int,
    /// h2 SETTINGS values, indexed by setting id
    pub http2_settings: [u32; 7],
    /// bytes of header buffer per connection
    pub max_http_header_data: c_ushort,
    /// number of header buffers in the pool
    pub max_http_header_pool: c_ushort,
    /// passphrase of the server key
    pub ssl_private_key_password: *const c_char,
    /// server certificate file
    pub ssl_cert_filepath: *const c_char,
    /// server key file
    pub ssl_private_key_filepath: *const c_char,
    /// CA bundle for verifying clients
    pub ssl_ca_filepath: *const c_char,
    /// TLS <= 1.2 cipher list
    pub ssl_cipher_list: *const c_char,
    /// ECDH curve name
    pub ecdh_curve: *const c_char,
    /// TLS 1.3 cipher suites
    pub tls1_3_plus_cipher_list: *const c_char,
    /// server certificate in memory
    pub server_ssl_cert_mem: *const c_void,
    /// server key in memory
    pub server_ssl_private_key_mem: *const c_void,
    /// CA bundle in memory
    pub server_ssl_ca_mem: *const c_void,
    /// SSL_CTX options to set
    pub ssl_options_set: c_long,
    /// SSL_CTX options to clear
    pub ssl_options_clear: c_long,
    /// most TLS connections at once (0: no limit)
    pub simultaneous_ssl_restriction: c_int,
    /// most TLS handshakes at once (0: no limit)
    pub simultaneous_ssl_handshake_restriction: c_int,
    /// SSL info events reported via LWS_CALLBACK_SSL_INFO
    pub ssl_info_event_mask: c_int,
    /// length of `server_ssl_cert_mem`
    pub server_ssl_cert_mem_len: c_uint,
    /// length of `server_ssl_private_key_mem`
    pub server_ssl_private_key_mem_len: c_uint,
    /// length of `server_ssl_ca_mem`
    pub server_ssl_ca_mem_len: c_uint,
    /// ALPN list, comma separated
    pub alpn: *const c_char,
    /// passphrase of the client key
    pub client_ssl_private_key_password: *const c_char,
    /// client certificate file
    pub client_ssl_cert_filepath: *const c_char,
    /// client certificate in memory
    pub client_ssl_cert_mem: *const c_void,
    /// length of `client_ssl_cert_mem`
    pub client_ssl_cert_mem_len: c_uint,
    /// client key file
    pub client_ssl_private_key_filepath: *const c_char,
    /// client key in memory
    pub client_ssl_key_mem: *const c_void,
    /// CA bundle for verifying servers
    pub client_ssl_ca_filepath: *const c_char,
    /// CA bundle in memory
    pub client_ssl_ca_mem: *const c_void,
    /// client TLS <= 1.2 cipher list
    pub client_ssl_cipher_list: *const c_char,
    /// client TLS 1.3 cipher suites
    pub client_tls_1_3_plus_cipher_list: *const c_char,
    /// client SSL_CTX options to set
    pub ssl_client_options_set: c_long,
    /// client SSL_CTX options to clear
    pub ssl_client_options_clear: c_long,
    /// length of `client_ssl_ca_mem`
    pub client_ssl_ca_mem_len: c_uint,
    /// length of `client_ssl_key_mem`
    pub client_ssl_key_mem_len: c_uint,
    /// an OpenSSL client context supplied by the application
    pub provided_client_ssl_ctx: *mut ssl_ctx_st,
    /// TCP keepalive idle time (0: off)
    pub ka_time: c_int,
    /// TCP keepalive probe count
    pub ka_probes: c_int,
    /// TCP keepalive probe interval
    pub ka_interval: c_int,
    /// seconds allowed for various network steps (0: default 15)
    pub timeout_secs: c_uint,
    /// seconds allowed for a client connect (0: default)
    pub connect_timeout_secs: c_uint,
    /// bind listen sockets to `iface` as a device
    pub bind_iface: c_int,
    /// seconds a header buffer may sit idle
    pub timeout_secs_ah_idle: c_uint,
    /// TLS session cache lifetime, seconds
    pub tls_session_timeout: u32,
    /// most cached TLS sessions
    pub tls_session_cache_max: u32,
    /// group to switch to after init (0 or -1: keep)
    pub gid: libc::gid_t,
    /// user to switch to after init (0 or -1: keep)
    pub uid: libc::uid_t,
    /// LWS_SERVER_OPTION_* bits; several are above bit 31
    pub options: u64,
    /// opaque, returned by lws_context_user() / lws_vhost_user()
    pub user: *mut c_void,
    /// service threads (0: 1)
    pub count_threads: c_uint,
    /// fd table size per thread (0: from the process limit)
    pub fd_limit_per_thread: c_uint,
    /// vhost name (NULL: "default")
    pub vhost_name: *const c_char,
    /// freed with the context, for the application's convenience
    pub external_baggage_free_on_destroy: *mut c_void,
    /// per-thread service buffer size (0: 4096)
    pub pt_serv_buf_size: c_uint,
    /// custom file operations
    pub fops: *const lws_plat_file_ops,
    /// capabilities to keep after dropping privileges
    pub caps: [cap_value_t; 4],
    /// number of entries used in `caps`
    pub count_caps: c_char,
    /// foreign event loops, one per service thread
    pub foreign_loops: *mut *mut c_void,
    /// called on a signal seen by an event library loop lws created
    pub signal_cb: Option<unsafe extern "C" fn(event_lib_handle: *mut c_void, signum: c_int)>,
    /// set to the context on creation, NULLed when it is finally freed
    pub pcontext: *mut *mut lws_context,
    /// called when a vhost is destroyed
    pub finalize: Option<unsafe extern "C" fn(vh: *mut lws_vhost, arg: *mut c_void)>,
    /// argument for `finalize`
    pub finalize_arg: *mut c_void,
    /// role given to accepted sockets (e.g. "raw-skt")
    pub listen_accept_role: *const c_char,
    /// protocol bound to accepted sockets
    pub listen_accept_protocol: *const c_char,
    /// NULL-terminated array of protocol pointers (instead of `protocols`)
    pub pprotocols: *mut *const lws_protocols,
    /// user name to switch to (instead of `uid`)
    pub username: *const c_char,
    /// group name to switch to (instead of `gid`)
    pub groupname: *const c_char,
    /// "user:group" for a unix listen socket
    pub unix_socket_perms: *const c_char,
    /// platform hooks
    pub system_ops: *const lws_system_ops_t,
    /// default retry and validity policy
    pub retry_and_idle_policy: *const lws_retry_bo_t,
    /// NULL-terminated list of system state notifiers
    pub register_notifier_list: *const *mut lws_state_notify_link_t,
    /// RLIMIT_NOFILE to set (0: leave)
    pub rlimit_nofile: c_int,
    /// receives early SMD messages
    pub early_smd_cb: lws_smd_notification_cb_t,
    /// opaque for `early_smd_cb`
    pub early_smd_opaque: *mut c_void,
    /// SMD classes `early_smd_cb` wants
    pub early_smd_class_filter: lws_smd_class_t,
    /// SMD message lifetime
    pub smd_ttl_us: lws_usec_t,
    /// most queued SMD messages
    pub smd_queue_depth: u16,
    /// listen() backlog (0: default)
    pub fo_listen_queue: c_int,
    /// an application-provided event library
    pub event_lib_custom: *const lws_plugin_evlib,
    /// logging context
    pub log_cx: *mut lws_log_cx_t,
    /// cookie jar file for client connections
    pub http_nsc_filepath: *const c_char,
    /// cookie jar heap limit, bytes
    pub http_nsc_heap_max_footprint: usize,
    /// cookie jar heap limit, entries
    pub http_nsc_heap_max_items: usize,
    /// cookie jar heap limit, payload bytes
    pub http_nsc_heap_max_payload: usize,
    /// reserved, must stay zero
    pub _unused: [*mut c_void; 2],
}

// Offsets are those of Debian's lws 4.3.5 on x86-64 (tools/layout checks
// the C side against that build; these keep the Rust side honest).
impl lws_context_creation_info {
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
    type I = lws_context_creation_info;
    assert!(size_of::<I>() == 744);
    assert!(align_of::<I>() == 8);
    assert!(offset_of!(I, port) == 96);
    assert!(offset_of!(I, http2_settings) == 116);
    assert!(offset_of!(I, max_http_header_pool) == 146);
    assert!(offset_of!(I, ssl_private_key_password) == 152);
    assert!(offset_of!(I, ssl_options_set) == 232);
    assert!(offset_of!(I, alpn) == 272);
    assert!(offset_of!(I, client_ssl_cert_mem_len) == 304);
    assert!(offset_of!(I, provided_client_ssl_ctx) == 384);
    assert!(offset_of!(I, ka_time) == 392);
    assert!(offset_of!(I, tls_session_timeout) == 420);
    assert!(offset_of!(I, gid) == 428);
    assert!(offset_of!(I, options) == 440);
    assert!(offset_of!(I, vhost_name) == 464);
    assert!(offset_of!(I, pt_serv_buf_size) == 480);
    assert!(offset_of!(I, fops) == 488);
    assert!(offset_of!(I, caps) == 496);
    assert!(offset_of!(I, count_caps) == 512);
    assert!(offset_of!(I, foreign_loops) == 520);
    assert!(offset_of!(I, pcontext) == 536);
    assert!(offset_of!(I, pprotocols) == 576);
    assert!(offset_of!(I, retry_and_idle_policy) == 616);
    assert!(offset_of!(I, register_notifier_list) == 624);
    assert!(offset_of!(I, rlimit_nofile) == 632);
    assert!(offset_of!(I, early_smd_cb) == 640);
    assert!(offset_of!(I, smd_ttl_us) == 664);
    assert!(offset_of!(I, smd_queue_depth) == 672);
    assert!(offset_of!(I, fo_listen_queue) == 676);
    assert!(offset_of!(I, event_lib_custom) == 680);
    assert!(offset_of!(I, log_cx) == 688);
    assert!(offset_of!(I, http_nsc_filepath) == 696);
    assert!(offset_of!(I, _unused) == 728);
};
