//! Thin, safe wrappers over the libc calls the loop makes. Nothing here
//! knows about lws; every function says what it returns on failure.

pub mod clock;
pub mod eventfd;
pub mod fd;
pub mod socket;
