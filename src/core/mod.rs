//! The loop's objects and phases, free of C pointers except where a field
//! must hand a pointer back to C (protocol tables, user data).
//!
//! Re-entrancy rule: user callbacks may call back into the library (create
//! vhosts, schedule suls, destroy the context...). So state lives in `Cell`s
//! and `RefCell`s whose borrows end before any call into user code, and
//! objects are freed only after the callback that could see them returns.

pub mod adopt;
pub mod bind;
pub mod callback;
pub mod client;
pub mod close;
pub mod context;
pub mod fdtable;
pub mod listen;
pub mod log;
pub mod pollfd;
pub mod service;
pub mod sul;
mod sul_queue;
pub mod timeout;
pub mod vhost;
pub mod wake;
pub mod wsi;
