//! The `LWS_SERVER_OPTION_*` bits the core consults, and rwsloop's own.

/// lws: create no default vhost; the program makes them itself.
pub(crate) const EXPLICIT_VHOSTS: u64 = 1 << 13;
/// lws: skip PROTOCOL_INIT.
pub(crate) const SKIP_PROTOCOL_INIT: u64 = 1 << 25;
/// lws foreign-loop bits (libev, libuv, libevent, glib, sd-event, uloop).
pub(crate) const FOREIGN_LOOP_BITS: u64 =
    (1 << 4) | (1 << 10) | (1 << 21) | (1 << 33) | (1 << 37) | (1 << 38);

/// rwsloop only: run this context on the poll(2) backend instead of epoll
/// (the same as `RWSLOOP_BACKEND=poll` in the environment). A bit lws 4.3
/// does not use.
pub const RWSLOOP_SERVER_OPTION_POLL_BACKEND: u64 = 1 << 60;
