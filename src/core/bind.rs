//! Binding a wsi to one of its vhost's protocols: found by name (or the
//! vhost's first), with zeroed per-session data allocated unless the
//! program supplies its own, and announced to raw-socket protocols with
//! RAW_SKT_BIND_PROTOCOL.

use super::callback;
use super::context::Context;
use super::vhost::Vhost;
use super::wsi::Wsi;
use crate::ffi::types::reason::*;
use std::ffi::CStr;
use std::os::raw::c_void;
use std::ptr;

/// The index of protocol `name` on `vh` (None: the first).
pub fn protocol_index(vh: &Vhost, name: Option<&CStr>) -> Result<usize, String> {
    match name {
        None => Ok(0),
        Some(n) => vh.protocol_index_by_name(n).ok_or_else(|| {
            format!(
                "vhost {} has no protocol {}",
                vh.name.to_string_lossy(),
                n.to_string_lossy()
            )
        }),
    }
}

/// Bind `w` to protocol `index` of `vh`: its user data is `external_user`
/// when given, else freshly allocated zeroed per-session data (none for a
/// size of 0).
pub fn set_protocol(
    w: &Wsi,
    vh: &Vhost,
    index: usize,
    external_user: *mut c_void,
) -> Result<(), String> {
    w.protocol.set(vh.protocol_ptr(index));
    if !external_user.is_null() {
        w.user_space.set(external_user);
        return Ok(());
    }
    let size = vh.protocol(index).per_session_data_size;
    if size == 0 {
        return Ok(());
    }
    // SAFETY: calloc; freed by the wsi's Drop.
    let pss = unsafe { libc::calloc(1, size) };
    if pss.is_null() {
        return Err("out of memory for per-session data".into());
    }
    w.user_space.set(pss);
    w.user_space_owned.set(true);
    Ok(())
}

/// RAW_SKT_BIND_PROTOCOL to the bound protocol; false if it refused.
pub fn announce(ctx: &Context, w: &Wsi) -> bool {
    // SAFETY: a live wsi bound to a live protocol entry.
    let r = unsafe {
        callback::call(
            ctx,
            w,
            w.protocol.get(),
            LWS_CALLBACK_RAW_SKT_BIND_PROTOCOL,
            w.user_space.get(),
            ptr::null_mut(),
            0,
        )
    };
    r == 0
}
