//! Reading a wsi's bindings (lws-misc.h, lws-protocols-plugins.h).

use super::guard::guard;
use super::handles::{self, vhost_handle};
use super::types::{lws, lws_context, lws_protocols, lws_vhost};
use std::os::raw::c_void;
use std::ptr;

/// The context a wsi belongs to.
///
/// # Safety
/// `wsi` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_context(wsi: *const lws) -> *mut lws_context {
    guard("lws_get_context", || {
        // SAFETY: caller contract; a wsi's context outlives it.
        unsafe { handles::wsi_on_loop("lws_get_context", wsi) }
            .map_or(ptr::null_mut(), |w| unsafe { &*w.context }.as_c())
    })
}

/// The vhost a wsi is bound to, or NULL.
///
/// # Safety
/// `wsi` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_vhost(wsi: *mut lws) -> *mut lws_vhost {
    guard("lws_get_vhost", || {
        // SAFETY: caller contract.
        unsafe { handles::wsi_on_loop("lws_get_vhost", wsi) }
            .map_or(ptr::null_mut(), |w| vhost_handle(w.vhost.get()))
    })
}

/// The protocol a wsi is bound to (an entry of its vhost's copy), or NULL.
///
/// # Safety
/// `wsi` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_protocol(wsi: *mut lws) -> *const lws_protocols {
    guard("lws_get_protocol", || {
        // SAFETY: caller contract.
        unsafe { handles::wsi_on_loop("lws_get_protocol", wsi) }
            .map_or(ptr::null(), |w| w.protocol.get())
    })
}

/// The wsi's per-session data.
///
/// # Safety
/// `wsi` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_wsi_user(wsi: *mut lws) -> *mut c_void {
    guard("lws_wsi_user", || {
        // SAFETY: caller contract.
        unsafe { handles::wsi_on_loop("lws_wsi_user", wsi) }
            .map_or(ptr::null_mut(), |w| w.user_space.get())
    })
}

/// Point the wsi's per-session data at caller memory.
///
/// # Safety
/// `wsi` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_set_wsi_user(wsi: *mut lws, user: *mut c_void) {
    guard("lws_set_wsi_user", || {
        // SAFETY: caller contract.
        if let Some(w) = unsafe { handles::wsi_on_loop("lws_set_wsi_user", wsi) } {
            w.user_space.set(user);
        }
    })
}

/// The pointer stored with `lws_set_opaque_user_data`.
///
/// # Safety
/// `wsi` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_opaque_user_data(wsi: *const lws) -> *mut c_void {
    guard("lws_get_opaque_user_data", || {
        // SAFETY: caller contract.
        unsafe { handles::wsi_on_loop("lws_get_opaque_user_data", wsi) }
            .map_or(ptr::null_mut(), |w| w.opaque_user_data.get())
    })
}

/// Store an application pointer on the wsi.
///
/// # Safety
/// `wsi` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_set_opaque_user_data(wsi: *mut lws, data: *mut c_void) {
    guard("lws_set_opaque_user_data", || {
        // SAFETY: caller contract.
        if let Some(w) = unsafe { handles::wsi_on_loop("lws_set_opaque_user_data", wsi) } {
            w.opaque_user_data.set(data);
        }
    })
}
