//! Writing and flow control (lws-write.h, lws-writeable.h).

use super::guard::guard;
use super::handles;
use super::types::rxflow::*;
use super::types::{lws, lws_context, lws_protocols, lws_vhost, lws_write_protocol};
use crate::core::context::Context;
use crate::core::pollfd::{self, POLLIN};
use crate::core::wsi::{Wsi, RXFLOW_USER_BIT};
use std::os::raw::{c_int, c_uchar};
use std::ptr;

/// Send `len` bytes at `buf` on `wsi`. Returns `len` when everything was
/// sent or kept for sending (never dropped, never reordered), -1 on error.
///
/// # Safety
/// `wsi` NULL or live; `buf` readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_write(
    wsi: *mut lws,
    buf: *mut c_uchar,
    len: usize,
    protocol: lws_write_protocol,
) -> c_int {
    let _ = protocol;
    guard("lws_write", || {
        // SAFETY: caller contract.
        let Some(w) = (unsafe { handles::wsi_on_loop("lws_write", wsi) }) else {
            return -1;
        };
        if buf.is_null() && len > 0 {
            crate::core::log::err("lws_write: NULL buffer");
            return -1;
        }
        let data = if len == 0 {
            &[][..]
        } else {
            unsafe { std::slice::from_raw_parts(buf, len) }
        };
        // SAFETY: a live boxed wsi.
        unsafe { crate::roles::raw::write(w.ctx(), wsi as *mut Wsi, data) }
    })
}

fn request_writable(w: &Wsi) -> c_int {
    if !w.is_open() {
        return 0;
    }
    if w.fd.get() < 0 {
        return -1;
    }
    w.writable_requested.set(true);
    // lws re-announces POLLOUT on every request (no de-duplication).
    pollfd::want_pollout(w.ctx(), w);
    1
}

/// Ask for one RAW_WRITEABLE (or WRITEABLE_FILE) when the descriptor can
/// take data. Any number of requests before it comes make one callback.
/// 1 when armed, 0 if the wsi is closing, -1 if it has no descriptor.
///
/// # Safety
/// `wsi` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_callback_on_writable(wsi: *mut lws) -> c_int {
    guard("lws_callback_on_writable", || {
        // SAFETY: caller contract.
        unsafe { handles::wsi_on_loop("lws_callback_on_writable", wsi) }
            .map_or(-1, request_writable)
    })
}

/// Every live wsi of `ctx` (optionally only on `vh`) bound to `prot`.
fn wsis_bound_to(ctx: &Context, matches: impl Fn(&Wsi) -> bool) -> Vec<*mut Wsi> {
    ctx.pt
        .fds
        .snapshot()
        .into_iter()
        .filter(|&p| matches(unsafe { &*p }))
        .collect()
}

fn same_protocol(a: *const lws_protocols, b: *const lws_protocols) -> bool {
    if a.is_null() || b.is_null() {
        return false;
    }
    // SAFETY: both are protocol entries.
    let (a, b) = unsafe { (&*a, &*b) };
    let names_equal = match (a.name.is_null(), b.name.is_null()) {
        (false, false) => unsafe {
            std::ffi::CStr::from_ptr(a.name) == std::ffi::CStr::from_ptr(b.name)
        },
        (true, true) => true,
        _ => false,
    };
    a.callback.map(|f| f as usize) == b.callback.map(|f| f as usize) && names_equal
}

/// `lws_callback_on_writable` for every connection of the context using
/// protocol `prot` (matched by callback and name, on any vhost).
///
/// # Safety
/// `context` NULL or live; `prot` NULL or a protocol entry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_callback_on_writable_all_protocol(
    context: *const lws_context,
    prot: *const lws_protocols,
) -> c_int {
    guard("lws_callback_on_writable_all_protocol", || {
        // SAFETY: caller contract.
        let Some(ctx) =
            (unsafe { handles::context_on_loop("lws_callback_on_writable_all_protocol", context) })
        else {
            return -1;
        };
        for wsi in wsis_bound_to(ctx, |w| same_protocol(w.protocol.get(), prot)) {
            // SAFETY: snapshot members stay allocated for the pass.
            request_writable(unsafe { &*wsi });
        }
        0
    })
}

/// `lws_callback_on_writable` for every connection of vhost `vh` bound to
/// `prot`, which must be an entry of that vhost's own protocol table
/// (as returned by lws_get_protocol); -1 otherwise, as in lws.
///
/// # Safety
/// `vh` NULL or live; `prot` NULL or a protocol entry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_callback_on_writable_all_protocol_vhost(
    vh: *const lws_vhost,
    prot: *const lws_protocols,
) -> c_int {
    guard("lws_callback_on_writable_all_protocol_vhost", || {
        // SAFETY: caller contract.
        let Some(v) =
            (unsafe { handles::vhost_on_loop("lws_callback_on_writable_all_protocol_vhost", vh) })
        else {
            return -1;
        };
        let in_table = (0..v.protocol_count()).any(|i| ptr::eq(v.protocol_ptr(i), prot));
        if !in_table {
            crate::core::log::err("lws_callback_on_writable_all_protocol_vhost: protocol is not this vhost's own entry");
            return -1;
        }
        for wsi in wsis_bound_to(v.ctx(), |w| ptr::eq(w.protocol.get(), prot)) {
            // SAFETY: snapshot members stay allocated for the pass.
            request_writable(unsafe { &*wsi });
        }
        0
    })
}

/// 1 if a write now would not be taken at once (output is still queued, or
/// the socket buffer is full), else 0.
///
/// # Safety
/// `wsi` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_send_pipe_choked(wsi: *mut lws) -> c_int {
    guard("lws_send_pipe_choked", || {
        // SAFETY: caller contract.
        let Some(w) = (unsafe { handles::wsi_on_loop("lws_send_pipe_choked", wsi) }) else {
            return 1;
        };
        crate::roles::raw::send_gathered(w);
        if !w.pending_out.borrow().is_empty() {
            return 1;
        }
        let mut p = libc::pollfd {
            fd: w.fd.get(),
            events: libc::POLLOUT,
            revents: 0,
        };
        // SAFETY: one pollfd, no wait.
        let n = unsafe { libc::poll(&mut p, 1, 0) };
        (n != 1 || p.revents & libc::POLLOUT == 0) as c_int
    })
}

/// 1 while output accepted by lws_write is still waiting to be sent.
///
/// # Safety
/// `wsi` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_partial_buffered(wsi: *mut lws) -> c_int {
    guard("lws_partial_buffered", || {
        // SAFETY: caller contract.
        unsafe { handles::wsi_on_loop("lws_partial_buffered", wsi) }.map_or(0, |w| {
            // Answer as lws would: after really offering gathered writes.
            crate::roles::raw::send_gathered(w);
            !w.pending_out.borrow().is_empty() as c_int
        })
    })
}

/// Apply an rx flow change: a boolean (`enable` 0 pauses, else resumes), or
/// with LWS_RXFLOW_REASON_APPLIES, reason bits to set or clear.
fn apply_rx_flow(w: &Wsi, enable: c_int) {
    let before = w.rx_paused.get();
    let after = if enable & LWS_RXFLOW_REASON_APPLIES != 0 {
        let reasons = (enable & 0xff) as u32;
        if enable & LWS_RXFLOW_REASON_APPLIES_ENABLE_BIT != 0 {
            before & !reasons
        } else {
            before | reasons
        }
    } else if enable != 0 {
        before & !RXFLOW_USER_BIT
    } else {
        before | RXFLOW_USER_BIT
    };
    w.rx_paused.set(after);
    let ctx = w.ctx();
    match (before == 0, after == 0) {
        (true, false) => pollfd::change(ctx, w, POLLIN, 0),
        (false, true) => {
            // After the peer's hang-up there is nothing more to read.
            if !w.eof_pending.get() {
                pollfd::change(ctx, w, 0, POLLIN);
            }
            if w.has_pending_in() || w.eof_pending.get() {
                // Delivered by the next service pass, which then won't sleep.
                ctx.pt
                    .rx_resumed
                    .borrow_mut()
                    .push(w as *const Wsi as *mut Wsi);
            }
        }
        _ => {}
    }
}

/// Pause or resume receiving on `wsi`. Input that already arrived while
/// paused is delivered after resuming; nothing is lost. 0, or -1 for a
/// wsi that cannot receive.
///
/// # Safety
/// `wsi` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_rx_flow_control(wsi: *mut lws, enable: c_int) -> c_int {
    guard("lws_rx_flow_control", || {
        // SAFETY: caller contract.
        let Some(w) = (unsafe { handles::wsi_on_loop("lws_rx_flow_control", wsi) }) else {
            return -1;
        };
        if !w.is_open() {
            return -1;
        }
        apply_rx_flow(w, enable);
        0
    })
}

/// Resume receiving on every connection bound to `protocol`.
///
/// # Safety
/// `context` NULL or live; `protocol` NULL or a protocol entry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_rx_flow_allow_all_protocol(
    context: *const lws_context,
    protocol: *const lws_protocols,
) {
    guard("lws_rx_flow_allow_all_protocol", || {
        // SAFETY: caller contract.
        let Some(ctx) =
            (unsafe { handles::context_on_loop("lws_rx_flow_allow_all_protocol", context) })
        else {
            return;
        };
        // lws matches the entry itself here (unlike the writable form).
        for wsi in wsis_bound_to(ctx, |w| ptr::eq(w.protocol.get(), protocol)) {
            // SAFETY: snapshot members stay allocated for the pass.
            apply_rx_flow(unsafe { &*wsi }, 1);
        }
    })
}

/// For a raw callback that has finished its exchange: -1 (return it to
/// close now) when nothing is left to send; 0 when output is still queued,
/// in which case the wsi closes by itself once it has been sent.
///
/// # Safety
/// `wsi` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_raw_transaction_completed(wsi: *mut lws) -> c_int {
    guard("lws_raw_transaction_completed", || {
        // SAFETY: caller contract.
        let Some(w) = (unsafe { handles::wsi_on_loop("lws_raw_transaction_completed", wsi) })
        else {
            return -1;
        };
        crate::roles::raw::send_gathered(w);
        if w.pending_out.borrow().is_empty() {
            return -1;
        }
        w.close_when_drained.set(true);
        request_writable(w);
        0
    })
}
