//! Reading a wsi's bindings (lws-misc.h, lws-protocols-plugins.h).

use super::guard::guard;
use super::handles::{self, vhost_handle};
use super::types::{lws, lws_context, lws_protocols, lws_vhost};
use std::os::raw::{c_char, c_int, c_void};
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

/// The wsi's descriptor, or -1.
///
/// # Safety
/// `wsi` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_socket_fd(wsi: *mut lws) -> c_int {
    guard("lws_get_socket_fd", || {
        // SAFETY: caller contract.
        unsafe { handles::wsi_on_loop("lws_get_socket_fd", wsi) }.map_or(-1, |w| w.fd.get())
    })
}

/// The wsi that owns the network connection: the wsi itself for raw wsis.
///
/// # Safety
/// `wsi` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_network_wsi(wsi: *mut lws) -> *mut lws {
    wsi
}

/// Write the peer's numeric address into `name` (at most `namelen` bytes
/// with the NUL) and return it, or NULL if there is none (files, unnamed
/// Unix sockets report their family as lws does: NULL).
///
/// # Safety
/// `wsi` NULL or live; `name` writable for `namelen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_peer_simple(
    wsi: *mut lws,
    name: *mut c_char,
    namelen: usize,
) -> *const c_char {
    guard("lws_get_peer_simple", || {
        // SAFETY: caller contract.
        let Some(w) = (unsafe { handles::wsi_on_loop("lws_get_peer_simple", wsi) }) else {
            return ptr::null();
        };
        if name.is_null() || namelen == 0 {
            return ptr::null();
        }
        let Some(text) = crate::sys::fd::peer_address(w.fd.get()) else {
            return ptr::null();
        };
        let n = text.len().min(namelen - 1);
        // SAFETY: n + 1 <= namelen bytes into the caller's buffer.
        unsafe {
            ptr::copy_nonoverlapping(text.as_ptr(), name as *mut u8, n);
            *name.add(n) = 0;
        }
        name
    })
}

/// A short label for the wsi in logs: "[wsi|<kind>|fd <n>]". Valid while
/// the wsi is.
///
/// # Safety
/// `wsi` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_wsi_tag(wsi: *mut lws) -> *const c_char {
    guard("lws_wsi_tag", || {
        // SAFETY: caller contract.
        let Some(w) = (unsafe { handles::wsi(wsi) }) else {
            return c"[null wsi]".as_ptr();
        };
        let mut tag = w.extras().tag.borrow_mut();
        let text = tag.get_or_insert_with(|| {
            let kind = format!("{:?}", w.role.get()).to_lowercase();
            std::ffi::CString::new(format!("[wsi|{kind}|fd {}]", w.fd.get())).unwrap_or_default()
        });
        text.as_ptr()
    })
}
