//! Raw sockets and raw files: bytes in, bytes out, lws_protocols callbacks.
//!
//! Sockets: in a pass with both events, input is handled before output.
//! Input is read in one large `recv` and handed over in chunks no bigger
//! than lws would hand over (so programs with fixed buffers stay safe);
//! chunks that arrive while rx is paused wait in `pending_in`. Output the
//! kernel did not take waits in `pending_out` and is flushed before the
//! next RAW_WRITEABLE. Only a negative return from RAW_RX / RAW_WRITEABLE
//! closes the connection, as in lws.
//!
//! Files: POLLOUT → RAW_WRITEABLE_FILE, POLLIN → RAW_RX_FILE (the program
//! reads the fd itself), hang-up without input → close; any non-zero return
//! closes.

use crate::core::callback;
use crate::core::close::close;
use crate::core::context::Context;
use crate::core::pollfd::{self, POLLIN, POLLOUT};
use crate::core::wsi::{Role, Wsi};
use crate::evlib::Ready;
use crate::ffi::types::lws_callback_reasons;
use crate::ffi::types::reason::*;
use std::os::raw::{c_int, c_void};
use std::ptr;

/// lws's LWS_PRE: headroom the service buffer keeps in front of rx data.
const LWS_PRE: usize = 16;
/// How much one `recv` may take before the chunks are handed over.
pub(crate) const READ_BATCH: usize = 64 * 1024;

fn call(
    ctx: &Context,
    w: &Wsi,
    reason: lws_callback_reasons,
    input: *mut c_void,
    len: usize,
) -> c_int {
    // SAFETY: a live wsi bound to a protocol entry of a live vhost.
    unsafe {
        callback::call(
            ctx,
            w,
            w.protocol.get(),
            reason,
            w.user_space.get(),
            input,
            len,
        )
    }
}

/// The most one RAW_RX hands over: the protocol's rx_buffer_size (or the
/// service buffer size), never more than the service buffer minus LWS_PRE.
pub fn rx_chunk(ctx: &Context, w: &Wsi) -> usize {
    let serv = ctx.settings.pt_serv_buf_size;
    // SAFETY: live protocol entry.
    let rx = unsafe { w.protocol.get().as_ref() }.map_or(0, |p| p.rx_buffer_size);
    let wanted = if rx == 0 { serv } else { rx };
    wanted.min(serv.saturating_sub(LWS_PRE)).max(1)
}

pub(crate) unsafe fn service_socket(ctx: &Context, wsi: *mut Wsi, ready: Ready) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    if w.state.get() == crate::core::wsi::WsiState::Connecting {
        // Writable, or failed: either way the connect has finished.
        // SAFETY: forwarded.
        if !unsafe { crate::core::client::finish_connect(ctx, wsi) } {
            return;
        }
        if ready.writable {
            // SAFETY: forwarded.
            unsafe { handle_pollout(ctx, wsi) };
        }
        return;
    }
    if w.rx_paused.get() == 0 && w.has_pending_in() {
        // Input held during a pause goes before anything newer. A program's
        // own loop may report the socket (even its end of file) before the
        // resume has been handled by a service pass.
        // SAFETY: forwarded.
        unsafe { deliver_pending(ctx, wsi) };
        if !w.is_open() || w.rx_paused.get() != 0 {
            return;
        }
    }
    if ready.readable && w.events.get() & POLLIN != 0 {
        // SAFETY: forwarded.
        match w.role.get() {
            Role::Udp => unsafe { super::udp::read(ctx, wsi) },
            _ => unsafe { read_socket(ctx, wsi) },
        }
    } else if ready.hangup || ready.error {
        if !ready.error && w.rx_paused.get() != 0 && w.role.get() == Role::RawSocket {
            // The peer finished sending while rx is paused: what it sent
            // is still owed to the program.
            // SAFETY: forwarded.
            unsafe { hold_until_resumed(ctx, wsi) };
            return;
        }
        // Hang-up or error with nothing to read: the connection is gone.
        // SAFETY: forwarded.
        unsafe { close(ctx, wsi) };
        return;
    }
    if w.is_open() && ready.writable && w.events.get() & POLLOUT != 0 {
        // SAFETY: forwarded.
        unsafe { handle_pollout(ctx, wsi) };
    }
}

/// The peer hung up while rx is paused: take everything it sent into
/// `pending_in` now, stop watching the descriptor (a hang-up would be
/// reported on every wait), and close only once the data has been
/// delivered after rx resumes.
///
/// # Safety
/// `wsi` must be a live boxed raw socket wsi.
unsafe fn hold_until_resumed(ctx: &Context, wsi: *mut Wsi) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    // SAFETY: the service buffer is only used from dispatch, never re-entrantly.
    let buf: &mut [u8] = unsafe { &mut *ctx.pt.rx_buf.get() };
    loop {
        // SAFETY: recv into our buffer.
        let n = unsafe { libc::recv(w.fd.get(), buf.as_mut_ptr().cast(), buf.len(), 0) };
        match crate::sys::fd::nonblocking(n) {
            Ok(0) | Err(_) => break,
            Ok(n) => w.extras().pending_in.borrow_mut().extend(&buf[..n]),
        }
    }
    w.eof_pending.set(true);
    let all = crate::evlib::EV_STOP | crate::evlib::EV_READ | crate::evlib::EV_WRITE;
    ctx.pt
        .evlib
        .io(wsi as *mut crate::ffi::types::lws, w.fd.get(), all);
    ctx.pt.evlib.forget(w.fd.get());
}

/// Read what is there and hand it over chunk by chunk.
unsafe fn read_socket(ctx: &Context, wsi: *mut Wsi) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    // SAFETY: the service buffer is only used here, never re-entrantly
    // (reads happen only from dispatch, which callbacks cannot re-enter).
    let buf: &mut [u8] = unsafe { &mut *ctx.pt.rx_buf.get() };
    // SAFETY: recv writes at most buf.len() bytes into it.
    let n = unsafe { libc::recv(w.fd.get(), buf.as_mut_ptr().cast(), buf.len(), 0) };
    if n < 0 {
        let e = std::io::Error::last_os_error();
        if matches!(e.raw_os_error(), Some(libc::EAGAIN) | Some(libc::EINTR)) {
            return;
        }
        crate::core::log::info(&format!("fd {}: recv failed: {e}; closing", w.fd.get()));
        // SAFETY: forwarded.
        unsafe { close(ctx, wsi) };
        return;
    }
    if n == 0 {
        // The peer finished sending: lws closes the raw connection.
        // SAFETY: forwarded.
        unsafe { close(ctx, wsi) };
        return;
    }
    let data = &buf[..n as usize];
    // SAFETY: forwarded.
    unsafe { deliver(ctx, wsi, data) };
}

/// Hand `data` to RAW_RX in chunks; keep what arrives while rx is paused.
///
/// # Safety
/// `wsi` must be a live boxed wsi; `data` must not alias `pending_in`.
pub unsafe fn deliver(ctx: &Context, wsi: *mut Wsi, data: &[u8]) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    // A large read is handed over in many chunks, and programs typically
    // answer each with lws_write: gather those writes and send them in one
    // go afterwards (same bytes, same order, same return values).
    // (A read that fits one chunk gains nothing: its answer goes straight
    // out, without touching the output queue.)
    let cork = w.role.get() == Role::RawSocket && !w.corked.get() && data.len() > rx_chunk(ctx, w);
    if cork {
        w.corked.set(true);
    }
    // SAFETY: forwarded.
    unsafe { deliver_chunks(ctx, wsi, data) };
    if cork {
        // SAFETY: forwarded.
        unsafe { uncork(ctx, wsi) };
    }
}

/// Send now what was gathered under a cork, as far as the kernel takes it
/// (lws would already have sent it): before a close, or when the program
/// asks whether its output is done.
pub(crate) fn send_gathered(w: &Wsi) {
    if w.corked.get() && !w.pending_out.borrow().is_empty() {
        // An error here is reported by the close or the next write.
        let _ = flush(w);
    }
}

/// Stop gathering writes and send what was gathered (what the kernel does
/// not take waits for POLLOUT, as after any short write).
///
/// # Safety
/// `wsi` must be a boxed wsi (open or not).
pub unsafe fn uncork(ctx: &Context, wsi: *mut Wsi) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    if !w.corked.replace(false) || !w.is_open() || w.pending_out.borrow().is_empty() {
        return;
    }
    if flush(w).is_err() {
        // SAFETY: forwarded; closes on the next pass, once.
        unsafe { crate::core::timeout::set_timeout(wsi, 0, crate::core::timeout::KILL_ASYNC) };
        return;
    }
    if w.pending_out.borrow().is_empty() {
        if w.close_when_drained.get() {
            // SAFETY: forwarded; lws_raw_transaction_completed asked for it.
            unsafe { close(ctx, wsi) };
        }
    } else if w.events.get() & POLLOUT == 0 {
        pollfd::change(ctx, w, 0, POLLOUT);
    }
}

unsafe fn deliver_chunks(ctx: &Context, wsi: *mut Wsi, data: &[u8]) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    let chunk = rx_chunk(ctx, w);
    let mut rest = data;
    while !rest.is_empty() {
        if !w.is_open() {
            return;
        }
        if w.rx_paused.get() != 0 {
            w.extras().pending_in.borrow_mut().extend(rest);
            return;
        }
        let (now, later) = rest.split_at(rest.len().min(chunk));
        if call(
            ctx,
            w,
            LWS_CALLBACK_RAW_RX,
            now.as_ptr() as *mut c_void,
            now.len(),
        ) < 0
        {
            // SAFETY: forwarded.
            unsafe { close(ctx, wsi) };
            return;
        }
        rest = later;
    }
}

/// Hand one datagram to RAW_RX whole (even when empty).
///
/// # Safety
/// `wsi` must be a live boxed wsi.
pub unsafe fn deliver_datagram(ctx: &Context, wsi: *mut Wsi, data: &[u8]) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    if call(
        ctx,
        w,
        LWS_CALLBACK_RAW_RX,
        data.as_ptr() as *mut c_void,
        data.len(),
    ) < 0
    {
        // SAFETY: forwarded.
        unsafe { close(ctx, wsi) };
    }
}

/// Deliver bytes that waited while rx was paused (called by the service
/// pass once rx is allowed again).
///
/// # Safety
/// `wsi` must be a live boxed wsi.
pub unsafe fn deliver_pending(ctx: &Context, wsi: *mut Wsi) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    if w.rx_paused.get() != 0 || !w.is_open() {
        return;
    }
    let data: Vec<u8> = match w.extras_if_any() {
        Some(extras) => extras.pending_in.borrow_mut().drain(..).collect(),
        None => Vec::new(),
    };
    // SAFETY: forwarded; `data` is our own copy.
    unsafe { deliver(ctx, wsi, &data) };
    // The peer had hung up: once everything it sent is delivered, close.
    if w.eof_pending.get() && w.is_open() && w.rx_paused.get() == 0 && !w.has_pending_in() {
        // SAFETY: forwarded.
        unsafe { close(ctx, wsi) };
    }
}

/// POLLOUT: flush buffered output first; RAW_WRITEABLE only when nothing
/// is left over, with POLLOUT switched off before the callback (one-shot).
unsafe fn handle_pollout(ctx: &Context, wsi: *mut Wsi) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    if w.close_when_drained.get() && w.pending_out.borrow().is_empty() {
        // Drained already (e.g. when gathered writes were sent).
        // SAFETY: forwarded.
        unsafe { close(ctx, wsi) };
        return;
    }
    if !w.pending_out.borrow().is_empty() {
        match flush(w) {
            Err(_) => {
                // SAFETY: forwarded.
                unsafe { close(ctx, wsi) };
                return;
            }
            // Still more to send, or drained: the writeable callback the
            // program asked for comes on the next POLLOUT, as in lws.
            Ok(()) => {
                let drained = w.pending_out.borrow().is_empty();
                if drained && w.close_when_drained.get() {
                    // lws_raw_transaction_completed asked for this.
                    // SAFETY: forwarded.
                    unsafe { close(ctx, wsi) };
                } else if drained && !w.writable_requested.get() {
                    pollfd::change(ctx, w, POLLOUT, 0);
                }
                return;
            }
        }
    }
    pollfd::change(ctx, w, POLLOUT, 0);
    if !w.writable_requested.replace(false) {
        return;
    }
    w.handling_pollout.set(true);
    w.leave_pollout_active.set(false);
    let r = call(ctx, w, LWS_CALLBACK_RAW_WRITEABLE, ptr::null_mut(), 0);
    w.handling_pollout.set(false);
    if r < 0 {
        // SAFETY: forwarded.
        unsafe { close(ctx, wsi) };
        return;
    }
    if w.leave_pollout_active.replace(false) && w.is_open() {
        pollfd::change(ctx, w, 0, POLLOUT);
    }
}

/// Send as much of `pending_out` as the kernel takes.
fn flush(w: &Wsi) -> std::io::Result<()> {
    let mut out = w.pending_out.borrow_mut();
    while !out.is_empty() {
        let (front, _) = out.as_slices();
        match send_some(w, front) {
            Ok(0) => break,
            Ok(n) => {
                out.drain(..n);
            }
            Err(e) => return Err(e),
        }
    }
    if out.is_empty() {
        // Give the buffer back: an idle connection keeps no output memory.
        *out = std::collections::VecDeque::new();
    }
    Ok(())
}

/// A datagram goes whole or not at all: a full socket buffer is reported
/// (-1, logged) rather than queued, as datagrams may be lost anyway.
fn write_datagram(w: &Wsi, data: &[u8]) -> c_int {
    match super::udp::send(w, data) {
        Ok(n) if n == data.len() => n.min(c_int::MAX as usize) as c_int,
        Ok(_) => {
            crate::core::log::warn(&format!(
                "fd {}: UDP send buffer full; datagram not sent",
                w.fd.get()
            ));
            -1
        }
        Err(e) => {
            crate::core::log::info(&format!("fd {}: UDP send failed: {e}", w.fd.get()));
            -1
        }
    }
}

/// One non-blocking send (write for files). Ok(0) when the kernel is full.
pub fn send_some(w: &Wsi, data: &[u8]) -> std::io::Result<usize> {
    // SAFETY: sending from a live slice; MSG_NOSIGNAL keeps SIGPIPE away.
    let n = unsafe {
        match w.role.get() {
            Role::Udp => return super::udp::send(w, data),
            Role::RawFile => libc::write(w.fd.get(), data.as_ptr().cast(), data.len()),
            _ => libc::send(
                w.fd.get(),
                data.as_ptr().cast(),
                data.len(),
                libc::MSG_NOSIGNAL,
            ),
        }
    };
    crate::sys::fd::nonblocking(n)
}

/// `lws_write` for raw wsis: send now what the kernel takes, keep the rest
/// (in order, after anything already waiting) and ask for POLLOUT. Returns
/// `data.len()` when everything was sent or kept, -1 on a hard error (the
/// connection is then closed on the next pass).
///
/// # Safety
/// `wsi` must be a live boxed wsi.
pub unsafe fn write(ctx: &Context, wsi: *mut Wsi, data: &[u8]) -> c_int {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    if !w.is_open() || w.fd.get() < 0 {
        return -1;
    }
    if w.role.get() == Role::Udp {
        return write_datagram(w, data);
    }
    let sent = if w.pending_out.borrow().is_empty() && !w.corked.get() {
        match send_some(w, data) {
            Ok(n) => n,
            Err(e) => {
                crate::core::log::info(&format!("fd {}: write failed: {e}; closing", w.fd.get()));
                // SAFETY: forwarded; closes on the next pass, once.
                unsafe {
                    crate::core::timeout::set_timeout(wsi, 0, crate::core::timeout::KILL_ASYNC)
                };
                return -1;
            }
        }
    } else {
        0
    };
    if sent < data.len() {
        w.pending_out.borrow_mut().extend(&data[sent..]);
        // Under a cork the uncork sends it (and asks for POLLOUT if needed).
        if !w.corked.get() && w.events.get() & POLLOUT == 0 {
            pollfd::change(ctx, w, 0, POLLOUT);
        }
    }
    data.len().min(c_int::MAX as usize) as c_int
}

pub(crate) unsafe fn service_file(ctx: &Context, wsi: *mut Wsi, ready: Ready) {
    // SAFETY: caller contract.
    let w = unsafe { &*wsi };
    if ready.writable && w.events.get() & POLLOUT != 0 {
        pollfd::change(ctx, w, POLLOUT, 0);
        w.writable_requested.set(false);
        if call(ctx, w, LWS_CALLBACK_RAW_WRITEABLE_FILE, ptr::null_mut(), 0) != 0 {
            // SAFETY: forwarded.
            unsafe { close(ctx, wsi) };
            return;
        }
    }
    if !w.is_open() {
        return;
    }
    if ready.readable && w.events.get() & POLLIN != 0 {
        if call(ctx, w, LWS_CALLBACK_RAW_RX_FILE, ptr::null_mut(), 0) != 0 {
            // SAFETY: forwarded.
            unsafe { close(ctx, wsi) };
        }
    } else if ready.hangup || ready.error {
        // SAFETY: forwarded.
        unsafe { close(ctx, wsi) };
    }
}
