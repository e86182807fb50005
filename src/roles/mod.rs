//! Per-connection behaviour: what a ready descriptor means for each kind of
//! wsi. Today: adopted raw sockets and raw files.

pub mod raw;
