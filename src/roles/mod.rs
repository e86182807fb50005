//! Per-connection behaviour: what a ready descriptor means for each kind of
//! wsi: adopted raw sockets and files, raw listeners
//! (core/listen.rs) and UDP.

pub mod raw;
pub mod udp;

use crate::core::context::Context;
use crate::core::wsi::{Role, Wsi};
use crate::evlib::Ready;

/// Handle a ready descriptor according to what its wsi is.
///
/// # Safety
/// `wsi` must be a live boxed wsi in `ctx`'s table.
pub unsafe fn service(ctx: &Context, wsi: *mut Wsi, ready: Ready) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    match w.role.get() {
        // SAFETY: forwarded.
        Role::RawSocket | Role::Udp => unsafe { raw::service_socket(ctx, wsi, ready) },
        // SAFETY: forwarded.
        Role::RawFile => unsafe { raw::service_file(ctx, wsi, ready) },
        // SAFETY: forwarded.
        Role::Listen => unsafe { crate::core::listen::service(ctx, wsi) },
        Role::Pipe => {
            if ctx.pt.wake.take() {
                ctx.broadcast_cancel();
            }
        }
        Role::Fake => {}
    }
}
