//! rwsloop: the libwebsockets 4.3 C API on a Rust event-loop core.
//!
//! Layers, from the C boundary down (see docs/ARCHITECTURE.md):
//! - [`ffi`]: the only place with `#[no_mangle]` exports and raw C pointers;
//! - [`core`]: context, vhosts, protocols, wsis, the service phases, the
//!   scheduler and the cross-thread wake;
//! - [`roles`]: per-connection behaviour (raw sockets, files, ...);
//! - [`roles`]: per-connection behaviour (raw sockets and files);
//! - [`evlib`]: how the loop waits (epoll, poll, and foreign loops later);
//! - [`sys`]: thin wrappers over libc.

pub mod core;
pub mod evlib;
pub mod ffi;
pub mod roles;
pub mod sys;
