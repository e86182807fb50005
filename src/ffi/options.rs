//! The `LWS_SERVER_OPTION_*` bits the core consults, and rwsloop's own.

/// lws: create no default vhost; the program makes them itself.
pub(crate) const EXPLICIT_VHOSTS: u64 = 1 << 13;
/// lws: accepted sockets take listen_accept_role/protocol (alias ONLY_RAW).
pub(crate) const APPLY_LISTEN_ACCEPT_CONFIG: u64 = 1 << 22;
/// lws: the listener is a Unix-domain socket; iface is its path.
pub(crate) const UNIX_SOCK: u64 = 1 << 14;
/// lws: several listeners may share the port (SO_REUSEPORT).
pub(crate) const ALLOW_LISTEN_SHARE: u64 = 1 << 23;
/// lws: no IPv6.
pub(crate) const DISABLE_IPV6: u64 = 1 << 5;
/// lws: skip PROTOCOL_INIT.
pub(crate) const SKIP_PROTOCOL_INIT: u64 = 1 << 25;

/// rwsloop only: run this context on the poll(2) backend instead of epoll
/// (the same as `RWSLOOP_BACKEND=poll` in the environment). A bit lws 4.3
/// does not use.
pub const RWSLOOP_SERVER_OPTION_POLL_BACKEND: u64 = 1u64 << 60;
