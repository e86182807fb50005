//! Per-connection behaviour: what a ready descriptor means for each kind of
//! wsi: adopted raw sockets and files, raw listeners
//! (core/listen.rs) and UDP.

pub mod raw;
pub mod udp;
