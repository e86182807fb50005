//! Outgoing connections (lws-client.h). Method "RAW" works; ws/http
//! clients and TLS arrive with those roles.

use super::guard::guard;
use super::handles;
use super::types::{lws, lws_client_connect_info};
use crate::core::client::{connect, RawConnect};
use crate::core::log;
use std::ffi::CStr;
use std::os::raw::c_char;
use std::ptr;

/// lws's LCCSCF_USE_SSL.
const USE_SSL: i32 = 1;

fn text<'a>(p: *const c_char) -> Option<&'a CStr> {
    // SAFETY: the caller's C strings, valid for the call.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) })
}

/// Start a connection described by `i`. For method "RAW" the result comes
/// later as RAW_CONNECTED or CLIENT_CONNECTION_ERROR on the bound protocol
/// (`local_protocol_name`, else `protocol`, else the vhost's first). NULL,
/// with a logged reason, if it cannot be started.
///
/// # Safety
/// `i` must be NULL or a filled, zero-initialised connect info.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_client_connect_via_info(
    i: *const lws_client_connect_info,
) -> *mut lws {
    guard("lws_client_connect_via_info", || {
        // SAFETY: caller contract.
        let Some(i) = (unsafe { i.as_ref() }) else {
            log::err("lws_client_connect_via_info: NULL info");
            return ptr::null_mut();
        };
        // SAFETY: caller contract.
        let Some(ctx) =
            (unsafe { handles::context_on_loop("lws_client_connect_via_info", i.context) })
        else {
            return ptr::null_mut();
        };
        let fail = |why: &str| {
            log::err(&format!("lws_client_connect_via_info: {why}"));
            ptr::null_mut()
        };
        if text(i.method).is_none_or(|m| m.to_bytes() != b"RAW") {
            return fail("only method \"RAW\" is supported yet (no ws/http client role)");
        }
        if i.ssl_connection & USE_SSL != 0 {
            return fail("TLS (LCCSCF_USE_SSL) is not supported yet");
        }
        let Some(host) = text(i.address).and_then(|a| a.to_str().ok()) else {
            return fail("no address");
        };
        let Ok(port) = u16::try_from(i.port) else {
            return fail("port out of range");
        };
        // SAFETY: caller contract on the vhost pointer.
        let vhost = match unsafe { handles::vhost(i.vhost) } {
            Some(v) => v as *const _,
            None => match ctx.vhost_snapshot().first() {
                Some(&v) => v,
                None => return fail("the context has no vhost"),
            },
        };
        let local = text(i.iface)
            .and_then(|s| s.to_str().ok())
            .and_then(|s| s.parse().ok());
        let req = RawConnect {
            // SAFETY: a live vhost of this context.
            vhost: unsafe { &*vhost },
            host,
            port,
            protocol: text(i.local_protocol_name).or(text(i.protocol)),
            userdata: i.userdata,
            opaque: i.opaque_user_data,
            local,
            pwsi: i.pwsi,
        };
        // lws initialises protocols here if no service pass has yet.
        ctx.init_all_protocols();
        match connect(ctx, &req) {
            Ok(wsi) => wsi as *mut lws,
            Err(why) => fail(&why),
        }
    })
}
