"""ctypes mirrors of the lws 4.3 C types the binding touches.

Layouts follow libwebsockets 4.3.5 as Debian trixie builds it (the reference
configuration rwsloop copies): conditional members of
``struct lws_context_creation_info`` are present exactly when that build's
``lws_config.h`` enables them. ``python/tests/test_layout.py`` compiles a C
probe against rwsloop's header and against the real 4.3.5 header and compares
every offset and size listed here.

Every Structure carries ``_c_name_``, the C spelling of its type, which the
layout test uses.
"""

import ctypes
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char,
    c_char_p,
    c_int,
    c_int64,
    c_long,
    c_short,
    c_size_t,
    c_uint,
    c_uint8,
    c_uint16,
    c_uint32,
    c_uint64,
    c_ushort,
    c_void_p,
)

# ---------------------------------------------------------------------------
# Scalar aliases (Linux)

lws_usec_t = c_int64
lws_sockfd_type = c_int
lws_filefd_type = c_int
lws_smd_class_t = c_uint32
gid_t = c_uint
uid_t = c_uint
cap_value_t = c_int

# Opaque library-owned objects travel as plain pointers.
lws_context_p = c_void_p
lws_vhost_p = c_void_p
lws_p = c_void_p

# ---------------------------------------------------------------------------
# Linked list and scheduled-callback nodes (lws-dll2.h, lws-timeout-timer.h)


class lws_dll2(Structure):
    """``struct lws_dll2``: an intrusive list link."""

    _c_name_ = "struct lws_dll2"


class lws_dll2_owner(Structure):
    """``struct lws_dll2_owner``: list head (note: tail comes first)."""

    _c_name_ = "struct lws_dll2_owner"


lws_dll2._fields_ = [
    ("prev", POINTER(lws_dll2)),
    ("next", POINTER(lws_dll2)),
    ("owner", POINTER(lws_dll2_owner)),
]
lws_dll2_owner._fields_ = [
    ("tail", POINTER(lws_dll2)),
    ("head", POINTER(lws_dll2)),
    ("count", c_uint32),
]
lws_dll2_t = lws_dll2
lws_dll2_owner_t = lws_dll2_owner


class lws_sorted_usec_list(Structure):
    """``lws_sorted_usec_list_t``: a scheduled callback living in caller memory.

    Must be zeroed before first use (ctypes zeroes new instances).
    """

    _c_name_ = "lws_sorted_usec_list_t"


# void (*)(struct lws_sorted_usec_list *)
sul_cb_t = CFUNCTYPE(None, POINTER(lws_sorted_usec_list))

lws_sorted_usec_list._fields_ = [
    ("list", lws_dll2),
    ("us", lws_usec_t),
    ("cb", sul_cb_t),
    ("latency_us", c_uint32),
]
lws_sorted_usec_list_t = lws_sorted_usec_list

# ---------------------------------------------------------------------------
# Function pointer types

# int (*)(struct lws *wsi, enum lws_callback_reasons reason, void *user,
#         void *in, size_t len)
lws_callback_function = CFUNCTYPE(c_int, c_void_p, c_int, c_void_p, c_void_p, c_size_t)

# void (*)(int level, const char *line)
lws_log_emit_t = CFUNCTYPE(None, c_int, c_char_p)

# void (*)(void *event_lib_handle, int signum)
lws_signal_cb_t = CFUNCTYPE(None, c_void_p, c_int)

# void (*)(struct lws_vhost *vh, void *arg)
lws_finalize_t = CFUNCTYPE(None, c_void_p, c_void_p)

# int (*)(void *opaque, lws_smd_class_t _class, lws_usec_t timestamp,
#         void *buf, size_t len)
lws_smd_notification_cb_t = CFUNCTYPE(
    c_int, c_void_p, lws_smd_class_t, lws_usec_t, c_void_p, c_size_t
)

# ---------------------------------------------------------------------------
# Protocols and per-vhost options


class lws_protocols(Structure):
    """``struct lws_protocols``; an array ends with an entry whose callback is NULL."""

    _c_name_ = "struct lws_protocols"
    _fields_ = [
        ("name", c_char_p),
        ("callback", lws_callback_function),
        ("per_session_data_size", c_size_t),
        ("rx_buffer_size", c_size_t),
        ("id", c_uint),
        ("user", c_void_p),
        ("tx_packet_size", c_size_t),
    ]


class lws_protocol_vhost_options(Structure):
    """``struct lws_protocol_vhost_options`` ("pvo"): a name/value tree."""

    _c_name_ = "struct lws_protocol_vhost_options"


lws_protocol_vhost_options._fields_ = [
    ("next", POINTER(lws_protocol_vhost_options)),
    ("options", POINTER(lws_protocol_vhost_options)),
    ("name", c_char_p),
    ("value", c_char_p),
]

# ---------------------------------------------------------------------------
# Retry / idle policy (lws-retry.h)


class lws_retry_bo_t(Structure):
    """``lws_retry_bo_t`` (``struct lws_retry_bo``)."""

    _c_name_ = "lws_retry_bo_t"
    _fields_ = [
        ("retry_ms_table", POINTER(c_uint32)),
        ("retry_ms_table_count", c_uint16),
        ("conceal_count", c_uint16),
        ("secs_since_valid_ping", c_uint16),
        ("secs_since_valid_hangup", c_uint16),
        ("jitter_percent", c_uint8),
    ]


lws_retry_bo = lws_retry_bo_t

# ---------------------------------------------------------------------------
# Polling (libwebsockets.h): struct lws_pollfd is struct pollfd on POSIX


class lws_pollfd(Structure):
    """``struct lws_pollfd`` (a macro for ``struct pollfd`` on POSIX)."""

    _c_name_ = "struct lws_pollfd"
    _fields_ = [
        ("fd", c_int),
        ("events", c_short),
        ("revents", c_short),
    ]


class lws_pollargs(Structure):
    """``struct lws_pollargs``: ``in`` of the external-poll callbacks."""

    _c_name_ = "struct lws_pollargs"
    _fields_ = [
        ("fd", lws_sockfd_type),
        ("events", c_int),
        ("prev_events", c_int),
    ]


# ---------------------------------------------------------------------------
# Context / vhost creation (lws-context-vhost.h), Debian 4.3.5 configuration:
# NETWORK, ROLE_WS, ROLE_H1/H2, WITH_TLS (OpenSSL), WITH_CLIENT, TLS_SESSIONS,
# FILE_OPS, HAVE_SYS_CAPABILITY_H + HAVE_LIBCAP, SYS_STATE, SYS_SMD,
# CACHE_NSCOOKIEJAR; no PLUGINS, SOCKS5, SECURE_STREAMS, PEER_LIMITS,
# SYS_FAULT_INJECTION, SYS_METRICS, TLS_JIT_TRUST, MBEDTLS.


class lws_context_creation_info(Structure):
    """``struct lws_context_creation_info`` (744 bytes on x86-64)."""

    _c_name_ = "struct lws_context_creation_info"
    _fields_ = [
        # LWS_WITH_NETWORK
        ("iface", c_char_p),
        ("protocols", POINTER(lws_protocols)),
        # LWS_ROLE_WS
        ("extensions", c_void_p),
        # LWS_ROLE_H1 || LWS_ROLE_H2
        ("token_limits", c_void_p),
        ("http_proxy_address", c_char_p),
        ("headers", POINTER(lws_protocol_vhost_options)),
        ("reject_service_keywords", POINTER(lws_protocol_vhost_options)),
        ("pvo", POINTER(lws_protocol_vhost_options)),
        ("log_filepath", c_char_p),
        ("mounts", c_void_p),
        ("server_string", c_char_p),
        ("error_document_404", c_char_p),
        ("port", c_int),
        ("http_proxy_port", c_uint),
        ("max_http_header_data2", c_uint),
        ("max_http_header_pool2", c_uint),
        ("keepalive_timeout", c_int),
        ("http2_settings", c_uint32 * 7),
        ("max_http_header_data", c_ushort),
        ("max_http_header_pool", c_ushort),
        # LWS_WITH_TLS
        ("ssl_private_key_password", c_char_p),
        ("ssl_cert_filepath", c_char_p),
        ("ssl_private_key_filepath", c_char_p),
        ("ssl_ca_filepath", c_char_p),
        ("ssl_cipher_list", c_char_p),
        ("ecdh_curve", c_char_p),
        ("tls1_3_plus_cipher_list", c_char_p),
        ("server_ssl_cert_mem", c_void_p),
        ("server_ssl_private_key_mem", c_void_p),
        ("server_ssl_ca_mem", c_void_p),
        ("ssl_options_set", c_long),
        ("ssl_options_clear", c_long),
        ("simultaneous_ssl_restriction", c_int),
        ("simultaneous_ssl_handshake_restriction", c_int),
        ("ssl_info_event_mask", c_int),
        ("server_ssl_cert_mem_len", c_uint),
        ("server_ssl_private_key_mem_len", c_uint),
        ("server_ssl_ca_mem_len", c_uint),
        ("alpn", c_char_p),
        # LWS_WITH_TLS && LWS_WITH_CLIENT
        ("client_ssl_private_key_password", c_char_p),
        ("client_ssl_cert_filepath", c_char_p),
        ("client_ssl_cert_mem", c_void_p),
        ("client_ssl_cert_mem_len", c_uint),
        ("client_ssl_private_key_filepath", c_char_p),
        ("client_ssl_key_mem", c_void_p),
        ("client_ssl_ca_filepath", c_char_p),
        ("client_ssl_ca_mem", c_void_p),
        ("client_ssl_cipher_list", c_char_p),
        ("client_tls_1_3_plus_cipher_list", c_char_p),
        ("ssl_client_options_set", c_long),
        ("ssl_client_options_clear", c_long),
        ("client_ssl_ca_mem_len", c_uint),
        ("client_ssl_key_mem_len", c_uint),
        # LWS_WITH_TLS && !LWS_WITH_MBEDTLS
        ("provided_client_ssl_ctx", c_void_p),
        # LWS_WITH_NETWORK
        ("ka_time", c_int),
        ("ka_probes", c_int),
        ("ka_interval", c_int),
        ("timeout_secs", c_uint),
        ("connect_timeout_secs", c_uint),
        ("bind_iface", c_int),
        ("timeout_secs_ah_idle", c_uint),
        # LWS_WITH_TLS_SESSIONS
        ("tls_session_timeout", c_uint32),
        ("tls_session_cache_max", c_uint32),
        # always
        ("gid", gid_t),
        ("uid", uid_t),
        ("options", c_uint64),
        ("user", c_void_p),
        ("count_threads", c_uint),
        ("fd_limit_per_thread", c_uint),
        ("vhost_name", c_char_p),
        ("external_baggage_free_on_destroy", c_void_p),
        ("pt_serv_buf_size", c_uint),
        # LWS_WITH_FILE_OPS
        ("fops", c_void_p),
        # LWS_HAVE_SYS_CAPABILITY_H && LWS_HAVE_LIBCAP
        ("caps", cap_value_t * 4),
        ("count_caps", c_char),
        # always
        ("foreign_loops", POINTER(c_void_p)),
        ("signal_cb", lws_signal_cb_t),
        ("pcontext", POINTER(c_void_p)),
        ("finalize", lws_finalize_t),
        ("finalize_arg", c_void_p),
        ("listen_accept_role", c_char_p),
        ("listen_accept_protocol", c_char_p),
        ("pprotocols", POINTER(POINTER(lws_protocols))),
        ("username", c_char_p),
        ("groupname", c_char_p),
        ("unix_socket_perms", c_char_p),
        ("system_ops", c_void_p),
        ("retry_and_idle_policy", POINTER(lws_retry_bo_t)),
        # LWS_WITH_SYS_STATE
        ("register_notifier_list", c_void_p),
        # always
        ("rlimit_nofile", c_int),
        # LWS_WITH_SYS_SMD
        ("early_smd_cb", lws_smd_notification_cb_t),
        ("early_smd_opaque", c_void_p),
        ("early_smd_class_filter", lws_smd_class_t),
        ("smd_ttl_us", lws_usec_t),
        ("smd_queue_depth", c_uint16),
        # always
        ("fo_listen_queue", c_int),
        ("event_lib_custom", c_void_p),
        ("log_cx", c_void_p),
        # LWS_WITH_CACHE_NSCOOKIEJAR && LWS_WITH_CLIENT
        ("http_nsc_filepath", c_char_p),
        ("http_nsc_heap_max_footprint", c_size_t),
        ("http_nsc_heap_max_items", c_size_t),
        ("http_nsc_heap_max_payload", c_size_t),
        # always
        ("_unused", c_void_p * 2),
    ]


# ---------------------------------------------------------------------------
# Client connections (lws-client.h); no MQTT role, no fault injection.


class lws_client_connect_info(Structure):
    """``struct lws_client_connect_info``."""

    _c_name_ = "struct lws_client_connect_info"
    _fields_ = [
        ("context", c_void_p),
        ("address", c_char_p),
        ("port", c_int),
        ("ssl_connection", c_int),
        ("path", c_char_p),
        ("host", c_char_p),
        ("origin", c_char_p),
        ("protocol", c_char_p),
        ("ietf_version_or_minus_one", c_int),
        ("userdata", c_void_p),
        ("client_exts", c_void_p),
        ("method", c_char_p),
        ("parent_wsi", c_void_p),
        ("uri_replace_from", c_char_p),
        ("uri_replace_to", c_char_p),
        ("vhost", c_void_p),
        ("pwsi", POINTER(c_void_p)),
        ("iface", c_char_p),
        ("local_protocol_name", c_char_p),
        ("alpn", c_char_p),
        ("seq", c_void_p),
        ("opaque_user_data", c_void_p),
        ("retry_and_idle_policy", POINTER(lws_retry_bo_t)),
        ("manual_initial_tx_credit", c_int),
        ("sys_tls_client_cert", c_uint8),
        ("priority", c_uint8),
        ("mqtt_cp", c_void_p),
        ("fi_wsi_name", c_char_p),
        ("keep_warm_secs", c_uint16),
        ("log_cx", c_void_p),
        ("_unused", c_void_p * 4),
    ]


# ---------------------------------------------------------------------------
# Adoption (lws-adopt.h)


class lws_sock_file_fd_type(ctypes.Union):
    """``lws_sock_file_fd_type``: a socket or a file descriptor.

    lws passes it by value; the binding passes a plain ``int`` in its place,
    which is the same thing on the SysV ABIs (an int-sized union of ints).
    """

    _c_name_ = "lws_sock_file_fd_type"
    _fields_ = [
        ("sockfd", lws_sockfd_type),
        ("filefd", lws_filefd_type),
    ]


class lws_adopt_desc_t(Structure):
    """``lws_adopt_desc_t`` (``struct lws_adopt_desc``)."""

    _c_name_ = "lws_adopt_desc_t"
    _fields_ = [
        ("vh", c_void_p),
        ("type", c_int),  # lws_adoption_type
        ("fd", lws_sock_file_fd_type),
        ("vh_prot_name", c_char_p),
        ("parent", c_void_p),
        ("opaque", c_void_p),
        ("fi_wsi_name", c_char_p),
    ]


lws_adopt_desc = lws_adopt_desc_t

#: Every mirrored struct, for the layout test and for introspection.
MIRRORED_STRUCTS = (
    lws_dll2,
    lws_dll2_owner,
    lws_sorted_usec_list,
    lws_protocols,
    lws_protocol_vhost_options,
    lws_retry_bo_t,
    lws_pollfd,
    lws_pollargs,
    lws_context_creation_info,
    lws_client_connect_info,
    lws_sock_file_fd_type,
    lws_adopt_desc_t,
)

#: Sizes on x86-64 Linux of the real lws 4.3.5 (Debian) structs.
EXPECTED_SIZES_X86_64 = {
    "struct lws_context_creation_info": 744,
    "struct lws_client_connect_info": 248,
}


# ---------------------------------------------------------------------------
# Constants (values of lws 4.3)

#: ``enum lws_callback_reasons``, without the ``LWS_CALLBACK_`` prefix.
CALLBACK_REASONS = {
    "ESTABLISHED": 0,
    "CLIENT_CONNECTION_ERROR": 1,
    "CLIENT_FILTER_PRE_ESTABLISH": 2,
    "CLIENT_ESTABLISHED": 3,
    "CLOSED": 4,
    "CLOSED_HTTP": 5,
    "RECEIVE": 6,
    "RECEIVE_PONG": 7,
    "CLIENT_RECEIVE": 8,
    "CLIENT_RECEIVE_PONG": 9,
    "CLIENT_WRITEABLE": 10,
    "SERVER_WRITEABLE": 11,
    "HTTP": 12,
    "HTTP_BODY": 13,
    "HTTP_BODY_COMPLETION": 14,
    "HTTP_FILE_COMPLETION": 15,
    "HTTP_WRITEABLE": 16,
    "FILTER_NETWORK_CONNECTION": 17,
    "FILTER_HTTP_CONNECTION": 18,
    "SERVER_NEW_CLIENT_INSTANTIATED": 19,
    "FILTER_PROTOCOL_CONNECTION": 20,
    "OPENSSL_LOAD_EXTRA_CLIENT_VERIFY_CERTS": 21,
    "OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS": 22,
    "OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION": 23,
    "CLIENT_APPEND_HANDSHAKE_HEADER": 24,
    "CONFIRM_EXTENSION_OKAY": 25,
    "CLIENT_CONFIRM_EXTENSION_SUPPORTED": 26,
    "PROTOCOL_INIT": 27,
    "PROTOCOL_DESTROY": 28,
    "WSI_CREATE": 29,
    "WSI_DESTROY": 30,
    "GET_THREAD_ID": 31,
    "ADD_POLL_FD": 32,
    "DEL_POLL_FD": 33,
    "CHANGE_MODE_POLL_FD": 34,
    "LOCK_POLL": 35,
    "UNLOCK_POLL": 36,
    "WS_PEER_INITIATED_CLOSE": 38,
    "WS_EXT_DEFAULTS": 39,
    "CGI": 40,
    "CGI_TERMINATED": 41,
    "CGI_STDIN_DATA": 42,
    "CGI_STDIN_COMPLETED": 43,
    "ESTABLISHED_CLIENT_HTTP": 44,
    "CLOSED_CLIENT_HTTP": 45,
    "RECEIVE_CLIENT_HTTP": 46,
    "COMPLETED_CLIENT_HTTP": 47,
    "RECEIVE_CLIENT_HTTP_READ": 48,
    "HTTP_BIND_PROTOCOL": 49,
    "HTTP_DROP_PROTOCOL": 50,
    "CHECK_ACCESS_RIGHTS": 51,
    "PROCESS_HTML": 52,
    "ADD_HEADERS": 53,
    "SESSION_INFO": 54,
    "GS_EVENT": 55,
    "HTTP_PMO": 56,
    "CLIENT_HTTP_WRITEABLE": 57,
    "OPENSSL_PERFORM_SERVER_CERT_VERIFICATION": 58,
    "RAW_RX": 59,
    "RAW_CLOSE": 60,
    "RAW_WRITEABLE": 61,
    "RAW_ADOPT": 62,
    "RAW_ADOPT_FILE": 63,
    "RAW_RX_FILE": 64,
    "RAW_WRITEABLE_FILE": 65,
    "RAW_CLOSE_FILE": 66,
    "SSL_INFO": 67,
    "CHILD_CLOSING": 69,
    "CGI_PROCESS_ATTACH": 70,
    "EVENT_WAIT_CANCELLED": 71,
    "VHOST_CERT_AGING": 72,
    "TIMER": 73,
    "VHOST_CERT_UPDATE": 74,
    "CLIENT_CLOSED": 75,
    "CLIENT_HTTP_DROP_PROTOCOL": 76,
    "WS_SERVER_BIND_PROTOCOL": 77,
    "WS_SERVER_DROP_PROTOCOL": 78,
    "WS_CLIENT_BIND_PROTOCOL": 79,
    "WS_CLIENT_DROP_PROTOCOL": 80,
    "RAW_SKT_BIND_PROTOCOL": 81,
    "RAW_SKT_DROP_PROTOCOL": 82,
    "RAW_FILE_BIND_PROTOCOL": 83,
    "RAW_FILE_DROP_PROTOCOL": 84,
    "CLIENT_HTTP_BIND_PROTOCOL": 85,
    "HTTP_CONFIRM_UPGRADE": 86,
    "RAW_PROXY_CLI_RX": 89,
    "RAW_PROXY_SRV_RX": 90,
    "RAW_PROXY_CLI_CLOSE": 91,
    "RAW_PROXY_SRV_CLOSE": 92,
    "RAW_PROXY_CLI_WRITEABLE": 93,
    "RAW_PROXY_SRV_WRITEABLE": 94,
    "RAW_PROXY_CLI_ADOPT": 95,
    "RAW_PROXY_SRV_ADOPT": 96,
    "RAW_PROXY_CLI_BIND_PROTOCOL": 97,
    "RAW_PROXY_SRV_BIND_PROTOCOL": 98,
    "RAW_PROXY_CLI_DROP_PROTOCOL": 99,
    "RAW_PROXY_SRV_DROP_PROTOCOL": 100,
    "RAW_CONNECTED": 101,
    "VERIFY_BASIC_AUTHORIZATION": 102,
    "WSI_TX_CREDIT_GET": 103,
    "CLIENT_HTTP_REDIRECT": 104,
    "CONNECTING": 105,
    "MQTT_NEW_CLIENT_INSTANTIATED": 200,
    "MQTT_IDLE": 201,
    "MQTT_CLIENT_ESTABLISHED": 202,
    "MQTT_SUBSCRIBED": 203,
    "MQTT_CLIENT_WRITEABLE": 204,
    "MQTT_CLIENT_RX": 205,
    "MQTT_UNSUBSCRIBED": 206,
    "MQTT_DROP_PROTOCOL": 207,
    "MQTT_CLIENT_CLOSED": 208,
    "MQTT_ACK": 209,
    "MQTT_RESEND": 210,
    "MQTT_UNSUBSCRIBE_TIMEOUT": 211,
    "MQTT_SHADOW_TIMEOUT": 212,
    "USER": 1000,
}

#: Reverse map: reason number -> short name ("PROTOCOL_INIT").
REASON_NAMES = {value: name for name, value in CALLBACK_REASONS.items()}

globals().update({"LWS_CALLBACK_" + _n: _v for _n, _v in CALLBACK_REASONS.items()})


def reason_name(reason: int) -> str:
    """Short name of a callback reason ("PROTOCOL_INIT"), or "USER+n" / "UNKNOWN(n)"."""
    name = REASON_NAMES.get(int(reason))
    if name is not None:
        return name
    if reason > CALLBACK_REASONS["USER"]:
        return f"USER+{reason - CALLBACK_REASONS['USER']}"
    return f"UNKNOWN({int(reason)})"


#: ``LWS_SERVER_OPTION_*``, without the prefix (``uint64_t`` bit masks).
SERVER_OPTIONS = {
    "SKIP_SERVER_CANONICAL_NAME": 4,
    "LIBEV": 16,
    "DISABLE_IPV6": 32,
    "DISABLE_OS_CA_CERTS": 64,
    "PEER_CERT_NOT_REQUIRED": 128,
    "VALIDATE_UTF8": 256,
    "LIBUV": 1024,
    "DO_SSL_GLOBAL_INIT": 0x1000,
    "REQUIRE_VALID_OPENSSL_CLIENT_CERT": 0x1002,
    "ALLOW_NON_SSL_ON_SSL_PORT": 0x1008,
    "SSL_ECDH": 0x1200,
    "REDIRECT_HTTP_TO_HTTPS": 0x1800,
    "EXPLICIT_VHOSTS": 0x2000,
    "UNIX_SOCK": 0x4000,
    "STS": 0x8000,
    "IPV6_V6ONLY_MODIFY": 1 << 16,
    "IPV6_V6ONLY_VALUE": 1 << 17,
    "UV_NO_SIGSEGV_SIGFPE_SPIN": 1 << 18,
    "JUST_USE_RAW_ORIGIN": 1 << 19,
    "FALLBACK_TO_APPLY_LISTEN_ACCEPT_CONFIG": 1 << 20,
    "FALLBACK_TO_RAW": 1 << 20,
    "LIBEVENT": 1 << 21,
    "ADOPT_APPLY_LISTEN_ACCEPT_CONFIG": 1 << 22,
    "ONLY_RAW": 1 << 22,
    "ALLOW_LISTEN_SHARE": 1 << 23,
    "CREATE_VHOST_SSL_CTX": 1 << 24,
    "SKIP_PROTOCOL_INIT": 1 << 25,
    "IGNORE_MISSING_CERT": 1 << 26,
    "VHOST_UPG_STRICT_HOST_CHECK": 1 << 27,
    "HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE": 1 << 28,
    "ALLOW_HTTP_ON_HTTPS_LISTENER": 1 << 29,
    "FAIL_UPON_UNABLE_TO_BIND": 1 << 30,
    "H2_JUST_FIX_WINDOW_UPDATE_OVERFLOW": 1 << 31,
    "VH_H2_HALF_CLOSED_LONG_POLL": 1 << 32,
    "GLIB": 1 << 33,
    "H2_PRIOR_KNOWLEDGE": 1 << 34,
    "NO_LWS_SYSTEM_STATES": 1 << 35,
    "SS_PROXY": 1 << 36,
    "SDEVENT": 1 << 37,
    "ULOOP": 1 << 38,
    "DISABLE_TLS_SESSION_CACHE": 1 << 39,
}

globals().update({"LWS_SERVER_OPTION_" + _n: _v for _n, _v in SERVER_OPTIONS.items()})

#: Log level bits ``LLL_*`` (``LLL_COUNT`` is a count, not a bit).
LOG_LEVELS = {
    "ERR": 1 << 0,
    "WARN": 1 << 1,
    "NOTICE": 1 << 2,
    "INFO": 1 << 3,
    "DEBUG": 1 << 4,
    "PARSER": 1 << 5,
    "HEADER": 1 << 6,
    "EXT": 1 << 7,
    "CLIENT": 1 << 8,
    "LATENCY": 1 << 9,
    "USER": 1 << 10,
    "THREAD": 1 << 11,
}
LLL_COUNT = 12
globals().update({"LLL_" + _n: _v for _n, _v in LOG_LEVELS.items()})

CONTEXT_PORT_NO_LISTEN = -1
CONTEXT_PORT_NO_LISTEN_SERVER = -2
LWS_SET_TIMER_USEC_CANCEL = -1
LWSSULLI_MISS_IF_SUSPENDED = 0
LWSSULLI_WAKE_IF_SUSPENDED = 1
LWS_PRE = 16
LWS_USEC_PER_SEC = 1000000
LWS_POLLIN = 0x1
LWS_POLLOUT = 0x4
LWS_POLLHUP = 0x10 | 0x8

#: ``lws_adoption_type`` flags, without the ``LWS_ADOPT_`` prefix.
ADOPT_FLAGS = {
    "RAW_FILE_DESC": 0,
    "HTTP": 1,
    "SOCKET": 2,
    "ALLOW_SSL": 4,
    "FLAG_UDP": 16,
    "RAW_SOCKET_UDP": 2 | 16,
    "FLAG_RAW_PROXY": 32,
}
globals().update({"LWS_ADOPT_" + _n: _v for _n, _v in ADOPT_FLAGS.items()})

#: ``enum lws_write_protocol`` (+ ``LWS_WRITE_RAW``), without the prefix.
WRITE_PROTOCOLS = {
    "TEXT": 0,
    "BINARY": 1,
    "CONTINUATION": 2,
    "HTTP": 3,
    "RAW": 3,
    "PING": 5,
    "PONG": 6,
    "HTTP_FINAL": 7,
    "HTTP_HEADERS": 8,
    "HTTP_HEADERS_CONTINUATION": 9,
    "BUFLIST": 32,
    "NO_FIN": 64,
    "CLIENT_IGNORE_XOR_MASK": 128,
    "H2_STREAM_END": 128,
}
globals().update({"LWS_WRITE_" + _n: _v for _n, _v in WRITE_PROTOCOLS.items()})

LWS_TO_KILL_SYNC = -2
LWS_TO_KILL_ASYNC = -1
NO_PENDING_TIMEOUT = 0
PENDING_TIMEOUT_USER_OK = 32
PENDING_TIMEOUT_USER_REASON_BASE = 1000
LWS_RXFLOW_REASON_USER_BOOL = 1 << 0

#: What ``from rwsloop._types import *`` (and so ``import rwsloop``) exports:
#: the lws names and tables above, not the ctypes helpers they are built from.
__all__ = sorted(
    n
    for n in list(globals())
    if n.startswith(("lws_", "LWS", "LLL_", "CONTEXT_PORT_"))
    or n
    in (
        "sul_cb_t",
        "gid_t",
        "uid_t",
        "cap_value_t",
        "CALLBACK_REASONS",
        "REASON_NAMES",
        "SERVER_OPTIONS",
        "LOG_LEVELS",
        "ADOPT_FLAGS",
        "WRITE_PROTOCOLS",
        "NO_PENDING_TIMEOUT",
        "PENDING_TIMEOUT_USER_OK",
        "PENDING_TIMEOUT_USER_REASON_BASE",
        "MIRRORED_STRUCTS",
        "EXPECTED_SIZES_X86_64",
        "reason_name",
    )
)
