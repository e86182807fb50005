//! rwsloop's libuv backend, `librwsloop-evlib_uv.so`.
//!
//! librwsloop.so loads this file when a context is created with
//! `LWS_SERVER_OPTION_LIBUV`, looks up `evlib_uv` and drives it exactly like
//! a program's own event library (`info.event_lib_custom`). Everything here
//! talks to rwsloop through the public API only.
//!
//! How it joins a libuv loop:
//!
//! - every descriptor rwsloop announces (listeners, accepted and adopted
//!   sockets, its wake descriptor) gets a `uv_poll_t`; `io` requests start
//!   and stop it; when libuv reports the descriptor ready, its callback
//!   hands a `struct pollfd` to `lws_service_fd`;
//! - rwsloop runs its scheduled events (suls, timeouts, protocol init) only
//!   inside `lws_service_adjust_timeout`, which also says how long until the
//!   next one. One `uv_timer_t` is kept armed to that, and an unreferenced
//!   `uv_prepare_t` asks again every time the loop is about to block, so a
//!   sul scheduled from anywhere (even from the application's own libuv
//!   callbacks) is never waited past;
//! - with `info.foreign_loops[0]` the loop is the application's: the plugin
//!   only adds and removes its own handles, never runs, stops or closes the
//!   loop. `lws_context_destroy` `uv_close`s every handle; the memory behind
//!   each one is freed by its close callback, when the application's loop
//!   next turns, so once the application has closed its own handles
//!   `uv_loop_close` succeeds;
//! - without one, the plugin makes a loop of its own and `run_pt` (what
//!   `lws_service` runs) runs it until the context is destroyed; the loop is
//!   closed and freed then.
//!
//! The per-thread area rwsloop keeps for us (`evlib_size_pt`) only holds a
//! pointer to the [`Loop`] record: that area dies with the context, while
//! the record must live until the last close callback has run.

#![allow(
    non_camel_case_types,
    non_upper_case_globals,
    clippy::missing_safety_doc
)]

mod lwsapi;
mod uv;

use lwsapi::*;
use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::os::raw::{c_int, c_uint, c_void};
use std::ptr;
use uv::*;

/// The timeout given to `lws_service_adjust_timeout`: an answer this large
/// means "no scheduled event", and the timer is stopped.
const NO_TIMER_MS: c_int = 1 << 30;

/// What `lws_service` says (once) on a context hosted by the application.
const WARN_NOT_OURS: &str =
    "evlib_uv: lws_service() does nothing for a context on the application's libuv loop: run that loop";

/// Alignment used for libuv's opaque objects.
const UV_ALIGN: usize = 16;

fn uv_layout(size: usize) -> Layout {
    Layout::from_size_align(size.max(1), UV_ALIGN).expect("libuv object sizes are small")
}

/// Zeroed memory for a libuv object of `size` bytes.
fn uv_alloc(size: usize) -> *mut u8 {
    // SAFETY: a non-zero size.
    let p = unsafe { alloc_zeroed(uv_layout(size)) };
    if p.is_null() {
        std::alloc::handle_alloc_error(uv_layout(size));
    }
    p
}

/// # Safety
/// `p` from [`uv_alloc`] with the same `size`, no longer used by libuv.
unsafe fn uv_free(p: *mut u8, size: usize) {
    // SAFETY: caller contract.
    unsafe { dealloc(p, uv_layout(size)) };
}

/// Our record of one libuv handle. The handle's own memory is separate
/// (`uv`, sized by `uv_handle_size`) and points back here through its data
/// field; both are freed by [`on_close`].
struct Handle {
    uv: *mut uv_handle_t,
    size: usize,
    lp: *const Loop,
    /// For poll handles: the descriptor.
    fd: c_int,
    /// UV_READABLE | UV_WRITABLE, as rwsloop asked through `io`.
    mask: Cell<c_int>,
}

/// One context's place in a libuv loop.
struct Loop {
    cx: *mut lws_context,
    uv: *mut uv_loop_t,
    /// We made the loop (no foreign loop was given): we run and close it.
    owned: bool,
    /// destroy_pt has run: the context is gone or going; never call it.
    dead: Cell<bool>,
    /// `uv_run` of our own loop is on the stack.
    running: Cell<bool>,
    /// Our callbacks currently inside a call into rwsloop.
    busy: Cell<u32>,
    /// The "lws_service does nothing here" warning was given.
    warned: Cell<bool>,
    /// Handles made and not yet through their close callback.
    open: Cell<usize>,
    timer: Cell<*mut Handle>,
    prepare: Cell<*mut Handle>,
    /// wsi → its poll handle.
    polls: RefCell<HashMap<usize, *mut Handle>>,
}

// ---- handle lifetime ----------------------------------------------------

/// A record and zeroed memory for a handle of `kind`, not yet initialised.
fn new_handle(lp: *const Loop, kind: c_int, fd: c_int) -> *mut Handle {
    // SAFETY: plain query.
    let size = unsafe { uv_handle_size(kind) };
    Box::into_raw(Box::new(Handle {
        uv: uv_alloc(size) as *mut uv_handle_t,
        size,
        lp,
        fd,
        mask: Cell::new(0),
    }))
}

/// The handle's `uv_*_init` succeeded: it belongs to the loop now and is
/// freed only by its close callback.
///
/// # Safety
/// `h` from [`new_handle`], initialised.
unsafe fn adopt_handle(h: *mut Handle) {
    // SAFETY: caller contract; the loop record outlives its handles.
    unsafe {
        uv_handle_set_data((*h).uv, h as *mut c_void);
        let lp = &*(*h).lp;
        lp.open.set(lp.open.get() + 1);
    }
}

/// The handle's init failed: libuv never saw it.
///
/// # Safety
/// `h` from [`new_handle`], not initialised.
unsafe fn discard_handle(h: *mut Handle) {
    // SAFETY: caller contract.
    unsafe {
        let b = Box::from_raw(h);
        uv_free(b.uv as *mut u8, b.size);
    }
}

/// Start closing a handle (once).
///
/// # Safety
/// `h` adopted and not yet freed.
unsafe fn close_handle(h: *mut Handle) {
    // SAFETY: caller contract.
    unsafe {
        if uv_is_closing((*h).uv) == 0 {
            uv_close((*h).uv, Some(on_close));
        }
    }
}

unsafe extern "C" fn on_close(uvh: *mut uv_handle_t) {
    // SAFETY: every handle we close carries its record in its data field;
    // libuv is done with the memory once this callback runs.
    unsafe {
        let h = Box::from_raw(uv_handle_get_data(uvh) as *mut Handle);
        let lp = h.lp;
        uv_free(h.uv as *mut u8, h.size);
        drop(h);
        (*lp).open.set((*lp).open.get() - 1);
        maybe_free(lp);
    }
}

/// Free the loop record (and our own loop) once nothing can reach it: the
/// context is gone, no handle awaits its close callback, no callback of
/// ours is on the stack and our loop is not running.
///
/// # Safety
/// `lp` a live record from `Box::into_raw`.
unsafe fn maybe_free(lp: *const Loop) {
    // SAFETY: caller contract.
    let l = unsafe { &*lp };
    if !l.dead.get() || l.open.get() > 0 || l.busy.get() > 0 || l.running.get() {
        return;
    }
    if l.owned {
        // SAFETY: our loop, with every handle closed.
        let r = unsafe { uv_loop_close(l.uv) };
        if r == 0 {
            // SAFETY: closed: libuv no longer uses the memory.
            unsafe { uv_free(l.uv as *mut u8, uv_loop_size()) };
        } else {
            // Freeing memory libuv still links to would be worse than a leak.
            log(
                LLL_ERR,
                &format!("evlib_uv: our loop did not close ({})", strerror(r)),
            );
        }
    }
    // SAFETY: the last user is gone.
    drop(unsafe { Box::from_raw(lp as *mut Loop) });
}

// ---- finding our record -------------------------------------------------

/// The record a context's per-thread area points to, if any.
///
/// # Safety
/// `cx` live.
unsafe fn slot_of(cx: *mut lws_context) -> *mut *const Loop {
    // SAFETY: caller contract.
    unsafe { lws_evlib_tsi_to_evlib_pt(cx, 0) as *mut *const Loop }
}

/// The record of the thread `wsi` is serviced by (None once destroyed).
///
/// # Safety
/// `wsi` live.
unsafe fn loop_of<'a>(wsi: *mut lws) -> Option<&'a Loop> {
    // SAFETY: caller contract; the area holds NULL or a live record.
    unsafe {
        let slot = lws_evlib_wsi_to_evlib_pt(wsi) as *mut *const Loop;
        if slot.is_null() {
            return None;
        }
        (*slot).as_ref().filter(|l| !l.dead.get())
    }
}

// ---- talking to rwsloop -------------------------------------------------

/// After a call into rwsloop from one of our callbacks: finish a destroy a
/// callback asked for (rwsloop defers it until no callback is running, and
/// this is the first moment nothing is), run what is due, and keep the
/// timer on the next scheduled event.
fn settle(lp: &Loop) {
    if lp.dead.get() {
        return;
    }
    let cx = lp.cx;
    // SAFETY: not dead, so the context is alive; we run on its loop thread.
    unsafe {
        if lws_context_is_being_destroyed(cx) != 0 {
            lws_context_destroy(cx);
            return;
        }
        let ms = lws_service_adjust_timeout(cx, NO_TIMER_MS, 0);
        if lp.dead.get() {
            return;
        }
        if lws_context_is_being_destroyed(cx) != 0 {
            lws_context_destroy(cx);
            return;
        }
        let t = lp.timer.get();
        if t.is_null() {
            return;
        }
        if (0..NO_TIMER_MS).contains(&ms) {
            uv_timer_start((*t).uv, on_timer, ms as u64, 0);
        } else {
            uv_timer_stop((*t).uv);
        }
    }
}

/// Run `f` (a call into rwsloop) with the record pinned, then settle.
///
/// # Safety
/// `lp` live.
unsafe fn with_loop(lp: *const Loop, f: impl FnOnce(&Loop)) {
    // SAFETY: caller contract; `busy` keeps it alive across `f`.
    let l = unsafe { &*lp };
    if l.dead.get() {
        return;
    }
    l.busy.set(l.busy.get() + 1);
    f(l);
    settle(l);
    l.busy.set(l.busy.get() - 1);
    // SAFETY: as above.
    unsafe { maybe_free(lp) };
}

unsafe extern "C" fn on_poll(uvh: *mut uv_handle_t, status: c_int, events: c_int) {
    // SAFETY: a live poll handle carries its record; the record stays
    // allocated until its close callback, which cannot run inside this one.
    let (lp, fd, mask) = unsafe {
        let h = &*(uv_handle_get_data(uvh) as *const Handle);
        (h.lp, h.fd, h.mask.get())
    };
    let mut revents: i16 = 0;
    if status < 0 {
        revents = libc::POLLERR | libc::POLLHUP;
    } else {
        if events & UV_READABLE != 0 {
            revents |= libc::POLLIN;
        }
        if events & UV_WRITABLE != 0 {
            revents |= libc::POLLOUT;
        }
        if events & UV_DISCONNECT != 0 {
            revents |= libc::POLLHUP;
        }
    }
    if revents == 0 {
        return;
    }
    let mut pfd = libc::pollfd {
        fd,
        events: poll_events(mask),
        revents,
    };
    // SAFETY: the record is live (pinned by with_loop); the context is
    // alive while the record is not dead.
    unsafe {
        with_loop(lp, |l| {
            lws_service_fd(l.cx, &mut pfd);
        })
    };
}

unsafe extern "C" fn on_timer(uvh: *mut uv_handle_t) {
    // SAFETY: as in on_poll; settle() runs what is due.
    unsafe {
        let lp = (*(uv_handle_get_data(uvh) as *const Handle)).lp;
        with_loop(lp, |_| {});
    }
}

fn poll_events(mask: c_int) -> i16 {
    let mut e = 0;
    if mask & UV_READABLE != 0 {
        e |= libc::POLLIN;
    }
    if mask & UV_WRITABLE != 0 {
        e |= libc::POLLOUT;
    }
    e
}

// ---- the ops ----------------------------------------------------------------

/// Close every handle of ours; with our own loop, run it until the close
/// callbacks are through (unless `run_pt` is running it: then stop it and
/// let `run_pt` finish).
///
/// # Safety
/// `lp` live, already taken out of the per-thread area.
unsafe fn teardown(lp: *const Loop) {
    // SAFETY: caller contract.
    let l = unsafe { &*lp };
    l.dead.set(true);
    let polls: Vec<*mut Handle> = l.polls.borrow_mut().drain().map(|(_, h)| h).collect();
    // SAFETY: adopted handles, not yet freed (their close callbacks are
    // what frees them, and those run later).
    unsafe {
        for h in polls {
            close_handle(h);
        }
        for h in [
            l.timer.replace(ptr::null_mut()),
            l.prepare.replace(ptr::null_mut()),
        ] {
            if !h.is_null() {
                close_handle(h);
            }
        }
    }
    if l.owned {
        if l.running.get() {
            // SAFETY: our loop; run_pt's uv_run returns after this turn.
            unsafe { uv_stop(l.uv) };
        } else {
            drain_own_loop(l);
        }
    }
    // SAFETY: as above.
    unsafe { maybe_free(lp) };
}

/// Turn our own loop until every close callback has run.
fn drain_own_loop(l: &Loop) {
    l.running.set(true);
    for _ in 0..64 {
        if l.open.get() == 0 {
            break;
        }
        // SAFETY: our loop, not running.
        unsafe { uv_run(l.uv, UV_RUN_NOWAIT) };
    }
    l.running.set(false);
}

unsafe extern "C" fn init_pt(cx: *mut lws_context, foreign: *mut c_void, tsi: c_int) -> c_int {
    if tsi != 0 {
        log(LLL_ERR, &format!("evlib_uv: no service thread {tsi}"));
        return -1;
    }
    // SAFETY: rwsloop calls this with a live context.
    let slot = unsafe { slot_of(cx) };
    if slot.is_null() {
        return -1;
    }
    let (uvl, owned) = if foreign.is_null() {
        // SAFETY: plain query, then an init of zeroed memory of that size.
        let size = unsafe { uv_loop_size() };
        let mem = uv_alloc(size) as *mut uv_loop_t;
        let r = unsafe { uv_loop_init(mem) };
        if r != 0 {
            log(
                LLL_ERR,
                &format!("evlib_uv: cannot make a loop: {}", strerror(r)),
            );
            // SAFETY: never initialised.
            unsafe { uv_free(mem as *mut u8, size) };
            return -1;
        }
        (mem, true)
    } else {
        (foreign as *mut uv_loop_t, false)
    };
    let lp: *const Loop = Box::into_raw(Box::new(Loop {
        cx,
        uv: uvl,
        owned,
        dead: Cell::new(false),
        running: Cell::new(false),
        busy: Cell::new(0),
        warned: Cell::new(false),
        open: Cell::new(0),
        timer: Cell::new(ptr::null_mut()),
        prepare: Cell::new(ptr::null_mut()),
        polls: RefCell::new(HashMap::new()),
    }));
    // SAFETY: fresh handles on a live loop; the record is live.
    unsafe {
        let t = new_handle(lp, UV_TIMER, -1);
        let r = uv_timer_init(uvl, (*t).uv);
        if r != 0 {
            discard_handle(t);
            log(
                LLL_ERR,
                &format!("evlib_uv: uv_timer_init: {}", strerror(r)),
            );
            teardown(lp);
            return -1;
        }
        adopt_handle(t);
        (*lp).timer.set(t);
        let p = new_handle(lp, UV_PREPARE, -1);
        let r = uv_prepare_init(uvl, (*p).uv);
        if r != 0 {
            discard_handle(p);
            log(
                LLL_ERR,
                &format!("evlib_uv: uv_prepare_init: {}", strerror(r)),
            );
            teardown(lp);
            return -1;
        }
        adopt_handle(p);
        (*lp).prepare.set(p);
        // Runs before every wait; it must not keep the loop alive itself.
        uv_prepare_start((*p).uv, on_timer);
        uv_unref((*p).uv);
        *slot = lp;
    }
    0
}

/// A descriptor joins the loop (sock_accept and init_vhost_listen_wsi):
/// its poll handle is made now and started by the `io` that follows.
unsafe extern "C" fn watch(wsi: *mut lws) -> c_int {
    // SAFETY: rwsloop passes a live wsi.
    let Some(lp) = (unsafe { loop_of(wsi) }) else {
        return -1;
    };
    if lp.polls.borrow().contains_key(&(wsi as usize)) {
        return 0;
    }
    // SAFETY: as above.
    let fd = unsafe { lws_get_socket_fd(wsi) };
    if fd < 0 {
        return -1;
    }
    let h = new_handle(lp, UV_POLL, fd);
    // SAFETY: a fresh handle on the live loop.
    let r = unsafe { uv_poll_init(lp.uv, (*h).uv, fd) };
    if r != 0 {
        log(
            LLL_WARN,
            &format!("evlib_uv: cannot watch fd {fd}: {}", strerror(r)),
        );
        // SAFETY: never initialised.
        unsafe { discard_handle(h) };
        return -1;
    }
    // SAFETY: initialised.
    unsafe { adopt_handle(h) };
    lp.polls.borrow_mut().insert(wsi as usize, h);
    0
}

unsafe extern "C" fn io(wsi: *mut lws, flags: c_uint) {
    // SAFETY: rwsloop passes a live wsi.
    let Some(lp) = (unsafe { loop_of(wsi) }) else {
        return;
    };
    let Some(h) = lp.polls.borrow().get(&(wsi as usize)).copied() else {
        return;
    };
    let mut bits = 0;
    if flags & LWS_EV_READ != 0 {
        bits |= UV_READABLE;
    }
    if flags & LWS_EV_WRITE != 0 {
        bits |= UV_WRITABLE;
    }
    // SAFETY: a listed handle is adopted and open.
    let h = unsafe { &*h };
    let old = h.mask.get();
    let new = if flags & LWS_EV_START != 0 {
        old | bits
    } else if flags & LWS_EV_STOP != 0 {
        old & !bits
    } else {
        old
    };
    if new == old {
        return;
    }
    h.mask.set(new);
    // SAFETY: as above.
    let r = unsafe {
        if new == 0 {
            uv_poll_stop(h.uv)
        } else {
            uv_poll_start(h.uv, new, on_poll)
        }
    };
    if r != 0 {
        log(
            LLL_ERR,
            &format!("evlib_uv: fd {}: uv_poll: {}", h.fd, strerror(r)),
        );
    }
}

/// The wsi leaves: close its poll handle. rwsloop may close the descriptor
/// right away: the handle was stopped by the `io` calls before this one,
/// which took the descriptor out of libuv's backend.
unsafe extern "C" fn forget(wsi: *mut lws) -> c_int {
    // SAFETY: rwsloop passes a live wsi.
    if let Some(lp) = unsafe { loop_of(wsi) } {
        let h = lp.polls.borrow_mut().remove(&(wsi as usize));
        if let Some(h) = h {
            // SAFETY: adopted, open.
            unsafe {
                uv_poll_stop((*h).uv);
                close_handle(h);
            }
        }
    }
    0
}

unsafe extern "C" fn destroy_wsi(wsi: *mut lws) {
    // SAFETY: forwarded (a no-op when wsi_logical_close already ran).
    unsafe { forget(wsi) };
}

unsafe extern "C" fn destroy_pt(cx: *mut lws_context, _tsi: c_int) {
    // SAFETY: rwsloop calls this with a live context.
    unsafe {
        let slot = slot_of(cx);
        if slot.is_null() || (*slot).is_null() {
            return;
        }
        let lp = std::mem::replace(&mut *slot, ptr::null());
        teardown(lp);
    }
}

unsafe extern "C" fn run_pt(cx: *mut lws_context, _tsi: c_int) {
    // SAFETY: rwsloop calls this with a live context.
    let lp = unsafe {
        let slot = slot_of(cx);
        if slot.is_null() {
            return;
        }
        *slot
    };
    // SAFETY: NULL or live.
    let Some(l) = (unsafe { lp.as_ref() }) else {
        return;
    };
    if !l.owned {
        // The application's loop: it runs it, not us (said once).
        if !l.warned.replace(true) {
            log(LLL_WARN, WARN_NOT_OURS);
        }
        return;
    }
    if l.running.replace(true) {
        return;
    }
    // SAFETY: our loop. The record stays alive while `running` is set, even
    // if the context is destroyed meanwhile.
    unsafe { uv_run(l.uv, UV_RUN_DEFAULT) };
    l.running.set(false);
    if l.dead.get() {
        drain_own_loop(l);
        // SAFETY: the record is live until this frees it.
        unsafe { maybe_free(lp) };
    }
}

static OPS: Ops = Ops(lws_event_loop_ops {
    name: c"uv".as_ptr(),
    init_context: None,
    destroy_context1: None,
    destroy_context2: None,
    init_vhost_listen_wsi: Some(watch),
    init_pt: Some(init_pt),
    wsi_logical_close: Some(forget),
    check_client_connect_ok: None,
    close_handle_manually: None,
    sock_accept: Some(watch),
    io: Some(io),
    run_pt: Some(run_pt),
    destroy_pt: Some(destroy_pt),
    destroy_wsi: Some(destroy_wsi),
    foreign_thread: None,
    flags: 0,
    evlib_size_ctx: 0,
    evlib_size_pt: std::mem::size_of::<*const Loop>() as u16,
    evlib_size_vh: 0,
    evlib_size_wsi: 0,
});

/// What librwsloop.so looks up.
#[no_mangle]
pub static evlib_uv: Descriptor = Descriptor(lws_plugin_evlib {
    hdr: lws_plugin_header {
        name: c"libuv event loop".as_ptr(),
        _class: c"lws_evlib_plugin".as_ptr(),
        lws_build_hash: LWS_BUILD_HASH.as_ptr(),
        api_magic: LWS_PLUGIN_API_MAGIC,
    },
    ops: &OPS.0,
});
