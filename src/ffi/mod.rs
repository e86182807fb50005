//! The C boundary: every `#[no_mangle]` export lives under here, split like
//! lws's headers. Each export converts C arguments, runs through
//! [`guard::guard`] so no panic crosses into C, and calls safe code in
//! `core`. Nothing below this module sees a C-only convention.

pub mod adopt;
pub mod client;
pub mod context;
pub mod evlib;
pub mod guard;
pub mod handles;
pub mod logs;
pub mod misc;
pub mod options;
pub mod service;
pub mod sul;
pub mod timeout;
pub mod types;
pub mod vhost;
pub mod write;
pub mod wsi;

#[cfg(test)]
mod tests;
