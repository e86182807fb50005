//! Vhosts and their protocols (lws-context-vhost.h, lws-protocols-plugins.h).

use super::guard::guard;
use super::handles::{self, vhost_handle};
use super::options::APPLY_LISTEN_ACCEPT_CONFIG;
use super::types::{
    lws_context, lws_context_creation_info, lws_protocol_vhost_options, lws_protocols, lws_vhost,
};
use crate::core::log;
use crate::core::vhost::VhostConfig;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

/// lws's CONTEXT_PORT_NO_LISTEN and CONTEXT_PORT_NO_LISTEN_SERVER.
const PORT_NO_LISTEN: c_int = -1;
const PORT_NO_LISTEN_SERVER: c_int = -2;

/// The protocol list used when a vhost is given none, as in lws.
static DUMMY_NAME: &CStr = c"http-only";

/// Copy the caller's protocol list: `pprotocols` (a NULL-terminated array of
/// pointers) wins over `protocols` (an array ending at a NULL callback).
unsafe fn copy_protocols(info: &lws_context_creation_info) -> Vec<lws_protocols> {
    let mut out = Vec::new();
    if !info.pprotocols.is_null() {
        let mut pp = info.pprotocols;
        // SAFETY: a NULL-terminated array of protocol pointers (caller).
        unsafe {
            while !(*pp).is_null() {
                out.push(std::ptr::read(*pp));
                pp = pp.add(1);
            }
        }
    } else if !info.protocols.is_null() {
        let mut p = info.protocols;
        // SAFETY: an array terminated by an entry with a NULL callback.
        unsafe {
            while (*p).callback.is_some() {
                out.push(std::ptr::read(p));
                p = p.add(1);
            }
        }
    } else {
        out.push(lws_protocols {
            name: DUMMY_NAME.as_ptr(),
            callback: Some(super::misc::lws_callback_http_dummy),
            per_session_data_size: 0,
            rx_buffer_size: 0,
            id: 0,
            user: ptr::null_mut(),
            tx_packet_size: 0,
        });
    }
    out
}

/// The vhost-level part of a creation info, checked.
pub(crate) fn vhost_config_from_info(
    info: &lws_context_creation_info,
) -> Result<VhostConfig, String> {
    let raw_listener = listener_config(info)?;
    // SAFETY: C strings from the caller's info.
    let name = match info.vhost_name.is_null() {
        true => c"default".to_owned(),
        false => unsafe { CStr::from_ptr(info.vhost_name) }.to_owned(),
    };
    let iface = (!info.iface.is_null()).then(|| unsafe { CStr::from_ptr(info.iface) }.to_owned());
    Ok(VhostConfig {
        name,
        // SAFETY: caller's lists, read once here.
        protocols: unsafe { copy_protocols(info) },
        pvo: info.pvo,
        user: info.user,
        port: info.port,
        iface,
        options: info.options,
        raw_listener,
    })
}

/// What a listening vhost does with accepted sockets. Only raw listeners
/// exist so far: ADOPT_APPLY_LISTEN_ACCEPT_CONFIG (alias ONLY_RAW) with role
/// "raw-skt" or none. None for vhosts that do not listen.
fn listener_config(info: &lws_context_creation_info) -> Result<Option<Option<CString>>, String> {
    if info.port == PORT_NO_LISTEN || info.port == PORT_NO_LISTEN_SERVER {
        return Ok(None);
    }
    if !(0..=65535).contains(&info.port) {
        return Err(format!("info.port = {} is not a port", info.port));
    }
    // SAFETY: C strings from the caller's info.
    let text = |p: *const c_char| (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_owned());
    let role = text(info.listen_accept_role);
    let raw_role = role.as_deref().is_none_or(|r| r.to_bytes() == b"raw-skt");
    if info.options & APPLY_LISTEN_ACCEPT_CONFIG == 0 || !raw_role {
        return Err(format!(
            "info.port = {}: this listener would serve {}, and rwsloop has no such role yet; raw listeners \
             (LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG with listen_accept_role \"raw-skt\") work, \
             or use CONTEXT_PORT_NO_LISTEN",
            info.port,
            role.map_or("HTTP".to_string(), |r| format!("role \"{}\"", r.to_string_lossy()))
        ));
    }
    Ok(Some(text(info.listen_accept_protocol)))
}

/// Create a vhost on `context` from `info`. Once protocols are initialised
/// (after the first service pass) its protocols get PROTOCOL_INIT now, and
/// a non-zero answer fails the call. NULL on failure.
///
/// # Safety
/// `context` must be NULL or live; `info` NULL or a filled creation info.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_create_vhost(
    context: *mut lws_context,
    info: *const lws_context_creation_info,
) -> *mut lws_vhost {
    guard("lws_create_vhost", || {
        // SAFETY: caller contract.
        let (Some(ctx), Some(info)) = (
            unsafe { handles::context_on_loop("lws_create_vhost", context) },
            unsafe { info.as_ref() },
        ) else {
            log::err("lws_create_vhost: NULL context or info");
            return ptr::null_mut();
        };
        match vhost_config_from_info(info) {
            Ok(cfg) => match ctx.add_vhost(cfg) {
                Ok(v) => vhost_handle(v),
                Err(why) => {
                    log::err(&format!("lws_create_vhost: {why}"));
                    ptr::null_mut()
                }
            },
            Err(why) => {
                log::err(&format!("lws_create_vhost: {why}"));
                ptr::null_mut()
            }
        }
    })
}

/// Destroy a vhost: its protocols get PROTOCOL_DESTROY; the handle stays
/// readable until the current service pass ends.
///
/// # Safety
/// `vh` must be NULL or a live vhost.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_vhost_destroy(vh: *mut lws_vhost) {
    guard("lws_vhost_destroy", || {
        // SAFETY: caller contract.
        let Some(v) = (unsafe { handles::vhost_on_loop("lws_vhost_destroy", vh) }) else {
            return;
        };
        // SAFETY: a vhost's context outlives it.
        unsafe { &*v.context }.destroy_vhost(v);
    })
}

/// The live vhost called `name`, or NULL.
///
/// # Safety
/// `context` NULL or live; `name` NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_vhost_by_name(
    context: *mut lws_context,
    name: *const c_char,
) -> *mut lws_vhost {
    guard("lws_get_vhost_by_name", || {
        // SAFETY: caller contract.
        let Some(ctx) = (unsafe { handles::context_on_loop("lws_get_vhost_by_name", context) })
        else {
            return ptr::null_mut();
        };
        if name.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: caller's C string.
        let want = unsafe { CStr::from_ptr(name) };
        ctx.vhosts
            .borrow()
            .iter()
            .find(|v| v.name.as_c_str() == want)
            .map_or(ptr::null_mut(), |v| vhost_handle(&**v))
    })
}

/// The vhost's name.
///
/// # Safety
/// `vh` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_vhost_name(vh: *mut lws_vhost) -> *const c_char {
    guard("lws_get_vhost_name", || {
        // SAFETY: caller contract.
        unsafe { handles::vhost_on_loop("lws_get_vhost_name", vh) }
            .map_or(ptr::null(), |v| v.name.as_ptr())
    })
}

/// The port the vhost listens on (its configured port while it has no
/// listener: -1 for CONTEXT_PORT_NO_LISTEN).
///
/// # Safety
/// `vh` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_vhost_port(vh: *mut lws_vhost) -> c_int {
    guard("lws_get_vhost_port", || {
        // SAFETY: caller contract.
        unsafe { handles::vhost_on_loop("lws_get_vhost_port", vh) }
            .map_or(-1, |v| v.listen_port.get())
    })
}

/// Same as `lws_get_vhost_port`.
///
/// # Safety
/// `vh` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_vhost_listen_port(vh: *mut lws_vhost) -> c_int {
    // SAFETY: forwarded.
    unsafe { lws_get_vhost_port(vh) }
}

/// The `user` pointer of the vhost's creation info.
///
/// # Safety
/// `vh` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_vhost_user(vh: *mut lws_vhost) -> *mut c_void {
    guard("lws_get_vhost_user", || {
        // SAFETY: caller contract.
        unsafe { handles::vhost_on_loop("lws_get_vhost_user", vh) }
            .map_or(ptr::null_mut(), |v| v.user)
    })
}

/// The interface the vhost was configured with, or NULL.
///
/// # Safety
/// `vh` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_vhost_iface(vh: *mut lws_vhost) -> *const c_char {
    guard("lws_get_vhost_iface", || {
        // SAFETY: caller contract.
        unsafe { handles::vhost_on_loop("lws_get_vhost_iface", vh) }
            .and_then(|v| v.iface.as_ref())
            .map_or(ptr::null(), |s| s.as_ptr())
    })
}

/// The context a vhost belongs to.
///
/// # Safety
/// `vh` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_vhost_get_context(vh: *mut lws_vhost) -> *mut lws_context {
    guard("lws_vhost_get_context", || {
        // SAFETY: caller contract.
        unsafe { handles::vhost_on_loop("lws_vhost_get_context", vh) }
            .map_or(ptr::null_mut(), |v| unsafe { &*v.context }.as_c())
    })
}

/// Allocate zeroed per-vhost memory for protocol `prot` (our copy's entry
/// or the caller's, matched by name). Freed after PROTOCOL_DESTROY.
///
/// # Safety
/// `vh` NULL or live; `prot` NULL or a protocol entry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_protocol_vh_priv_zalloc(
    vh: *mut lws_vhost,
    prot: *const lws_protocols,
    size: c_int,
) -> *mut c_void {
    guard("lws_protocol_vh_priv_zalloc", || {
        // SAFETY: caller contract.
        let Some(v) = (unsafe { handles::vhost_on_loop("lws_protocol_vh_priv_zalloc", vh) }) else {
            return ptr::null_mut();
        };
        // SAFETY: caller contract on prot.
        match (unsafe { v.protocol_index(prot) }, usize::try_from(size)) {
            (Some(i), Ok(size)) => v.priv_zalloc(i, size),
            _ => {
                log::err(
                    "lws_protocol_vh_priv_zalloc: protocol not on this vhost, or negative size",
                );
                ptr::null_mut()
            }
        }
    })
}

/// The memory `lws_protocol_vh_priv_zalloc` gave protocol `prot`, or NULL.
///
/// # Safety
/// `vh` NULL or live; `prot` NULL or a protocol entry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_protocol_vh_priv_get(
    vh: *mut lws_vhost,
    prot: *const lws_protocols,
) -> *mut c_void {
    guard("lws_protocol_vh_priv_get", || {
        // SAFETY: caller contract.
        let Some(v) = (unsafe { handles::vhost_on_loop("lws_protocol_vh_priv_get", vh) }) else {
            return ptr::null_mut();
        };
        // SAFETY: caller contract on prot.
        unsafe { v.protocol_index(prot) }.map_or(ptr::null_mut(), |i| v.priv_get(i))
    })
}

/// The vhost's protocol called `name`, or NULL.
///
/// # Safety
/// `vh` NULL or live; `name` NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_vhost_name_to_protocol(
    vh: *mut lws_vhost,
    name: *const c_char,
) -> *const lws_protocols {
    guard("lws_vhost_name_to_protocol", || {
        // SAFETY: caller contract.
        let Some(v) = (unsafe { handles::vhost_on_loop("lws_vhost_name_to_protocol", vh) }) else {
            return ptr::null();
        };
        if name.is_null() {
            return ptr::null();
        }
        // SAFETY: caller's C string.
        let want = unsafe { CStr::from_ptr(name) };
        v.protocol_index_by_name(want)
            .map_or(ptr::null(), |i| v.protocol_ptr(i))
    })
}

/// The pvo called `name` in the sibling list starting at `pvo`, or NULL.
///
/// # Safety
/// `pvo` NULL or a NULL-terminated list; `name` NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_pvo_search(
    pvo: *const lws_protocol_vhost_options,
    name: *const c_char,
) -> *const lws_protocol_vhost_options {
    guard("lws_pvo_search", || {
        if name.is_null() {
            return ptr::null();
        }
        // SAFETY: caller's C string.
        let want = unsafe { CStr::from_ptr(name) };
        let mut p = pvo;
        while !p.is_null() {
            // SAFETY: walking the caller's list.
            let node = unsafe { &*p };
            if !node.name.is_null() && unsafe { CStr::from_ptr(node.name) } == want {
                return p;
            }
            p = node.next;
        }
        ptr::null()
    })
}

/// Find pvo `name` in the list `in_` and store its value in `*result`.
/// 0 when found, 1 when not.
///
/// # Safety
/// `in_` NULL or a pvo list; `name` a C string; `result` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_pvo_get_str(
    in_: *mut c_void,
    name: *const c_char,
    result: *mut *const c_char,
) -> c_int {
    guard("lws_pvo_get_str", || {
        // SAFETY: forwarded caller contract.
        let found = unsafe { lws_pvo_search(in_ as *const lws_protocol_vhost_options, name) };
        if found.is_null() || result.is_null() {
            return 1;
        }
        // SAFETY: found is a list node; result is writable.
        unsafe { *result = (*found).value };
        0
    })
}
