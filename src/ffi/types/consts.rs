//! Plain numeric constants of the API. Where cbindgen prints lws's exact
//! spelling (value and C type) the header `#define` comes from here; the
//! rest are hand-written in lws-pre.h and their Rust twins carry
//! `cbindgen:ignore`. `make check-layout` compares every one with lws.

use super::lws_usec_t;
use std::os::raw::c_int;

/// log level bit: errors
pub const LLL_ERR: c_int = 1 << 0;
/// log level bit: warnings
pub const LLL_WARN: c_int = 1 << 1;
/// log level bit: notices
pub const LLL_NOTICE: c_int = 1 << 2;
/// log level bit: information
pub const LLL_INFO: c_int = 1 << 3;
/// log level bit: debugging
pub const LLL_DEBUG: c_int = 1 << 4;
/// log level bit: parser detail
pub const LLL_PARSER: c_int = 1 << 5;
/// log level bit: header detail
pub const LLL_HEADER: c_int = 1 << 6;
/// log level bit: extensions
pub const LLL_EXT: c_int = 1 << 7;
/// log level bit: client connections
pub const LLL_CLIENT: c_int = 1 << 8;
/// log level bit: latency reports
pub const LLL_LATENCY: c_int = 1 << 9;
/// log level bit: the application's own messages
pub const LLL_USER: c_int = 1 << 10;
/// log level bit: threads
pub const LLL_THREAD: c_int = 1 << 11;
/// number of log level bits (not itself a level)
pub const LLL_COUNT: c_int = 12;

/// Bytes a ws write needs free before the payload, for the frame header.
/// (lws derives 16 by rounding 4 + 10 + 2 up to 16 on x86-64; 16 is what
/// that gives on every common target.)
pub const LWS_PRE: usize = 16;
/// old name of LWS_PRE
pub const LWS_SEND_BUFFER_PRE_PADDING: usize = LWS_PRE;
/// no padding is needed after the payload
pub const LWS_SEND_BUFFER_POST_PADDING: usize = 0;

/// plugin API version a plugin header must carry
pub const LWS_PLUGIN_API_MAGIC: c_int = 191;
/// a useful minimum buffer size for composing HTTP headers
pub const LWS_RECOMMENDED_MIN_HEADER_SPACE: c_int = 2048;

/// sul list: skip while the system is suspended
pub const LWSSULLI_MISS_IF_SUSPENDED: c_int = 0;
/// sul list: wake the system for this event
pub const LWSSULLI_WAKE_IF_SUSPENDED: c_int = 1;

/// `LWS_SOCK_INVALID`: not a socket (hand-written: lws brackets it).
/// cbindgen:ignore
pub const LWS_SOCK_INVALID: c_int = -1;
/// not a file descriptor
pub const LWS_INVALID_FILE: c_int = -1;

/// `LWS_US_PER_SEC` (hand-written: typed `lws_usec_t` in C).
/// cbindgen:ignore
pub const LWS_US_PER_SEC: lws_usec_t = 1_000_000;
/// `LWS_USEC_PER_SEC` (hand-written, as above).
/// cbindgen:ignore
pub const LWS_USEC_PER_SEC: lws_usec_t = 1_000_000;
/// `LWS_MS_PER_SEC` (hand-written, as above).
/// cbindgen:ignore
pub const LWS_MS_PER_SEC: lws_usec_t = 1000;
/// `LWS_US_PER_MS` (hand-written, as above).
/// cbindgen:ignore
pub const LWS_US_PER_MS: lws_usec_t = 1000;
/// lws_set_timer_usecs() / lws_sul_schedule(): cancel instead (hand-written).
/// cbindgen:ignore
pub const LWS_SET_TIMER_USEC_CANCEL: lws_usec_t = -1;

/// lws_rx_flow_control() reason bits (an anonymous enum in C, hand-written).
/// cbindgen:ignore
pub mod rxflow {
    use std::os::raw::c_int;
    /// the classic boolean on/off
    pub const LWS_RXFLOW_REASON_USER_BOOL: c_int = 1 << 0;
    /// lws-internal: HTTP rx buffer full
    pub const LWS_RXFLOW_REASON_HTTP_RXBUFFER: c_int = 1 << 6;
    /// lws-internal: h2 pending
    pub const LWS_RXFLOW_REASON_H2_PPS_PENDING: c_int = 1 << 7;
    /// the argument carries reason bits, not a boolean
    pub const LWS_RXFLOW_REASON_APPLIES: c_int = 1 << 14;
    /// with APPLIES: enable (else disable) the given reasons
    pub const LWS_RXFLOW_REASON_APPLIES_ENABLE_BIT: c_int = 1 << 13;
    /// enable the given reasons
    pub const LWS_RXFLOW_REASON_APPLIES_ENABLE: c_int =
        LWS_RXFLOW_REASON_APPLIES | LWS_RXFLOW_REASON_APPLIES_ENABLE_BIT;
    /// disable the given reasons
    pub const LWS_RXFLOW_REASON_APPLIES_DISABLE: c_int = LWS_RXFLOW_REASON_APPLIES;
    /// apply the change at once
    pub const LWS_RXFLOW_REASON_FLAG_PROCESS_NOW: c_int = 1 << 12;
}

/// `LWS_EV_*`: the `flags` of `lws_event_loop_ops.io` (an anonymous enum in
/// C, hand-written).
/// cbindgen:ignore
pub mod ev {
    use std::os::raw::c_uint;
    /// read interest
    pub const LWS_EV_READ: c_uint = 1 << 0;
    /// write interest
    pub const LWS_EV_WRITE: c_uint = 1 << 1;
    /// add the interest
    pub const LWS_EV_START: c_uint = 1 << 2;
    /// remove the interest
    pub const LWS_EV_STOP: c_uint = 1 << 3;
}
