//! Integer enums that cross the API: write types, timeouts, close codes.

use std::os::raw::c_int;

/// `enum lws_write_protocol` as C passes it (a base type OR-ed with flags).
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct lws_write_protocol(pub c_int);

/// Values of `enum lws_write_protocol`: 0-9 are base types (4 is
/// lws-internal), 32, 64 and 128 are flags. The C body is hand-written in
/// lws-pre.h because lws gives two names the value 0x80.
/// cbindgen:ignore
#[repr(C)]
#[allow(missing_docs, dead_code)]
pub enum lws_write_protocol_decl {
    LWS_WRITE_TEXT = 0,
    LWS_WRITE_BINARY = 1,
    LWS_WRITE_CONTINUATION = 2,
    LWS_WRITE_HTTP = 3,
    LWS_WRITE_PING = 5,
    LWS_WRITE_PONG = 6,
    LWS_WRITE_HTTP_FINAL = 7,
    LWS_WRITE_HTTP_HEADERS = 8,
    LWS_WRITE_HTTP_HEADERS_CONTINUATION = 9,
    LWS_WRITE_BUFLIST = 0x20,
    LWS_WRITE_NO_FIN = 0x40,
    LWS_WRITE_H2_STREAM_END = 0x80,
}

/// `LWS_WRITE_CLIENT_IGNORE_XOR_MASK`: shares 0x80 with H2_STREAM_END,
/// which a Rust enum cannot express.
/// cbindgen:ignore
pub const LWS_WRITE_CLIENT_IGNORE_XOR_MASK: c_int = 0x80;
/// `LWS_WRITE_RAW`: same value as LWS_WRITE_HTTP (a macro in C).
/// cbindgen:ignore
pub const LWS_WRITE_RAW: c_int = lws_write_protocol_decl::LWS_WRITE_HTTP as c_int;

/// `enum pending_timeout` as C passes it; programs use their own values
/// from PENDING_TIMEOUT_USER_REASON_BASE on.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct pending_timeout(pub c_int);

/// Why a wsi has a timeout pending (lws_set_timeout()); applications
/// use values from PENDING_TIMEOUT_USER_REASON_BASE on.
#[repr(C)]
#[allow(missing_docs, dead_code)]
pub enum pending_timeout_decl {
    NO_PENDING_TIMEOUT = 0,
    PENDING_TIMEOUT_AWAITING_PROXY_RESPONSE = 1,
    PENDING_TIMEOUT_AWAITING_CONNECT_RESPONSE = 2,
    PENDING_TIMEOUT_ESTABLISH_WITH_SERVER = 3,
    PENDING_TIMEOUT_AWAITING_SERVER_RESPONSE = 4,
    PENDING_TIMEOUT_AWAITING_PING = 5,
    PENDING_TIMEOUT_CLOSE_ACK = 6,
    PENDING_TIMEOUT_UNUSED1 = 7,
    PENDING_TIMEOUT_SENT_CLIENT_HANDSHAKE = 8,
    PENDING_TIMEOUT_SSL_ACCEPT = 9,
    PENDING_TIMEOUT_HTTP_CONTENT = 10,
    PENDING_TIMEOUT_AWAITING_CLIENT_HS_SEND = 11,
    PENDING_FLUSH_STORED_SEND_BEFORE_CLOSE = 12,
    PENDING_TIMEOUT_SHUTDOWN_FLUSH = 13,
    PENDING_TIMEOUT_CGI = 14,
    PENDING_TIMEOUT_HTTP_KEEPALIVE_IDLE = 15,
    PENDING_TIMEOUT_WS_PONG_CHECK_SEND_PING = 16,
    PENDING_TIMEOUT_WS_PONG_CHECK_GET_PONG = 17,
    PENDING_TIMEOUT_CLIENT_ISSUE_PAYLOAD = 18,
    PENDING_TIMEOUT_AWAITING_SOCKS_GREETING_REPLY = 19,
    PENDING_TIMEOUT_AWAITING_SOCKS_CONNECT_REPLY = 20,
    PENDING_TIMEOUT_AWAITING_SOCKS_AUTH_REPLY = 21,
    PENDING_TIMEOUT_KILLED_BY_SSL_INFO = 22,
    PENDING_TIMEOUT_KILLED_BY_PARENT = 23,
    PENDING_TIMEOUT_CLOSE_SEND = 24,
    PENDING_TIMEOUT_HOLDING_AH = 25,
    PENDING_TIMEOUT_UDP_IDLE = 26,
    PENDING_TIMEOUT_CLIENT_CONN_IDLE = 27,
    PENDING_TIMEOUT_LAGGING = 28,
    PENDING_TIMEOUT_THREADPOOL = 29,
    PENDING_TIMEOUT_THREADPOOL_TASK = 30,
    PENDING_TIMEOUT_KILLED_BY_PROXY_CLIENT_CLOSE = 31,
    PENDING_TIMEOUT_USER_OK = 32,
    PENDING_TIMEOUT_USER_REASON_BASE = 1000,
}

/// lws_set_timeout() `secs`: close on the next service pass.
pub const LWS_TO_KILL_ASYNC: c_int = -1;
/// lws_set_timeout() `secs`: close now, inside the call.
pub const LWS_TO_KILL_SYNC: c_int = -2;

/// `enum lws_close_status` as C passes it: a ws close code.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct lws_close_status(pub c_int);

/// WebSocket close codes (RFC 6455) plus lws's own 0, 2000 and 9999.
#[repr(C)]
#[allow(missing_docs, dead_code)]
pub enum lws_close_status_decl {
    LWS_CLOSE_STATUS_NOSTATUS = 0,
    LWS_CLOSE_STATUS_NORMAL = 1000,
    LWS_CLOSE_STATUS_GOINGAWAY = 1001,
    LWS_CLOSE_STATUS_PROTOCOL_ERR = 1002,
    LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE = 1003,
    LWS_CLOSE_STATUS_RESERVED = 1004,
    LWS_CLOSE_STATUS_NO_STATUS = 1005,
    LWS_CLOSE_STATUS_ABNORMAL_CLOSE = 1006,
    LWS_CLOSE_STATUS_INVALID_PAYLOAD = 1007,
    LWS_CLOSE_STATUS_POLICY_VIOLATION = 1008,
    LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE = 1009,
    LWS_CLOSE_STATUS_EXTENSION_REQUIRED = 1010,
    LWS_CLOSE_STATUS_UNEXPECTED_CONDITION = 1011,
    LWS_CLOSE_STATUS_TLS_FAILURE = 1015,
    LWS_CLOSE_STATUS_CLIENT_TRANSACTION_DONE = 2000,
    LWS_CLOSE_STATUS_NOSTATUS_CONTEXT_DESTROY = 9999,
}
