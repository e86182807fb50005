//! The C types of the lws API, laid out exactly as lws 4.3.5 lays them out
//! (Debian trixie's build is the reference; `make check-layout` proves it).
//!
//! cbindgen reads these to write `include/rwsloop-generated.h`. Shapes:
//! - transparent structs C fills or embeds (`#[repr(C)]`, fields in lws order,
//!   sizes and offsets asserted at compile time);
//! - integer newtypes for C enums (C may pass any value; Rust never holds a
//!   Rust enum built from C input), renamed to `enum lws_x` in the header;
//! - `*_decl` Rust enums that exist only so cbindgen emits the C enum body and
//!   Rust can read the discriminants as constants. They are never constructed;
//! - opaque placeholders, forward-declared by hand in the header.
//!
//! What cbindgen cannot say (bit-fields, anonymous enums, macros, inline
//! helpers) is hand-written in include/lws-pre.h and include/lws-post.h.

pub mod adopt;
pub mod client;
pub mod consts;
pub mod context_info;
pub mod dll2;
pub mod enums;
pub mod evlib;
pub mod ext;
pub mod http;
pub mod logs;
pub mod misc;
pub mod mount;
pub mod opaque;
pub mod protocols;
pub mod reasons;
pub mod retry;
pub mod state;
pub mod sul;

pub use adopt::*;
pub use client::*;
pub use consts::*;
pub use context_info::*;
pub use dll2::*;
pub use enums::*;
pub use evlib::*;
pub use ext::*;
pub use http::*;
pub use logs::*;
pub use misc::*;
pub use mount::*;
pub use opaque::*;
pub use protocols::*;
pub use reasons::*;
pub use retry::*;
pub use state::*;
pub use sul::*;

/// `lws_usec_t`: microseconds, signed.
pub type lws_usec_t = i64;
/// `lws_sockfd_type`: a socket descriptor on POSIX.
pub type lws_sockfd_type = std::os::raw::c_int;
/// `lws_filefd_type`: a file descriptor on POSIX.
pub type lws_filefd_type = std::os::raw::c_int;
