//! `struct lws`: a connection, or a "fake" wsi that only carries context,
//! vhost and protocol for callbacks that are not about a connection
//! (PROTOCOL_INIT, EVENT_WAIT_CANCELLED, ...).

use super::context::Context;
use super::vhost::Vhost;
use crate::ffi::types::lws_protocols;
use std::cell::Cell;
use std::os::raw::c_void;
use std::ptr;

/// A connection object as C sees it (`struct lws *`).
pub struct Wsi {
    /// owning context; outlives the wsi
    pub context: *const Context,
    /// bound vhost, or NULL
    pub vhost: Cell<*const Vhost>,
    /// bound protocol (an entry of the vhost's copy), or NULL
    pub protocol: Cell<*const lws_protocols>,
    /// per-session data handed to callbacks as `user`
    pub user_space: Cell<*mut c_void>,
    /// `lws_set_opaque_user_data` storage
    pub opaque_user_data: Cell<*mut c_void>,
    /// service thread index
    pub tsi: i32,
}

impl Wsi {
    /// A fake wsi for a callback that concerns no connection.
    pub fn fake(
        context: *const Context,
        vhost: *const Vhost,
        protocol: *const lws_protocols,
    ) -> Wsi {
        Wsi {
            context,
            vhost: Cell::new(vhost),
            protocol: Cell::new(protocol),
            user_space: Cell::new(ptr::null_mut()),
            opaque_user_data: Cell::new(ptr::null_mut()),
            tsi: 0,
        }
    }
}
