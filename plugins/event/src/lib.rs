//! rwsloop's libevent backend, `librwsloop-evlib_event.so`.
//!
//! librwsloop.so loads this file when a context is created with
//! `LWS_SERVER_OPTION_LIBEVENT`, looks up `evlib_event` and drives it
//! exactly like a program's own event library (`info.event_lib_custom`).
//! Everything here talks to rwsloop through the public API only.
//!
//! How it joins an `event_base`:
//!
//! - every descriptor rwsloop announces (listeners, accepted and adopted
//!   sockets, its wake descriptor) gets one persistent `struct event`;
//!   `io` requests re-assign it with the wanted EV_READ / EV_WRITE bits;
//!   when libevent reports it, its callback hands a `struct pollfd` to
//!   `lws_service_fd`;
//! - rwsloop runs its scheduled events (suls, timeouts, protocol init)
//!   only inside `lws_service_adjust_timeout`, which also says how long
//!   until the next one: one timer event is kept armed to that, and is
//!   re-armed after every call into rwsloop this plugin makes. libevent
//!   2.1 has no hook that runs before each wait, so a sul the application
//!   schedules from its *own* callbacks (outside rwsloop's) is noticed at
//!   the next rwsloop event rather than at once; suls scheduled from
//!   rwsloop callbacks are always on time;
//! - with `info.foreign_loops[0]` the base is the application's: the
//!   plugin only adds and removes its own events; `lws_context_destroy`
//!   frees them all at once, so `event_base_free` later finds nothing of
//!   ours and a failed create leaves the base exactly as it was;
//! - without one, the plugin makes a base of its own and `run_pt` (what
//!   `lws_service` runs) dispatches it until the context is destroyed; the
//!   base is freed then.
//!
//! The per-thread area rwsloop keeps for us (`evlib_size_pt`) only holds a
//! pointer to the [`Loop`] record, which outlives the context while one of
//! our callbacks is still on the stack.

#![allow(
    non_camel_case_types,
    non_upper_case_globals,
    clippy::missing_safety_doc
)]

mod ev2;
// The lws API declarations are the same for every backend: one copy.
#[path = "../../uv/src/lwsapi.rs"]
mod lwsapi;

use ev2::*;
use lwsapi::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::os::raw::{c_int, c_short, c_uint, c_void};
use std::ptr;

/// The timeout given to `lws_service_adjust_timeout`: an answer this large
/// means "no scheduled event", and the timer is stopped.
const NO_TIMER_MS: c_int = 1 << 30;

/// What `lws_service` says (once) on a context hosted by the application.
const WARN_NOT_OURS: &str =
    "evlib_event: lws_service() does nothing for a context on the application's event_base: dispatch that base";

/// One descriptor's event.
struct Watch {
    ev: *mut event,
    fd: c_int,
    /// EV_READ | EV_WRITE, as rwsloop asked through `io`.
    mask: Cell<c_short>,
    lp: *const Loop,
}

/// One context's place in an event_base.
struct Loop {
    cx: *mut lws_context,
    base: Cell<*mut event_base>,
    /// We made the base (no foreign loop was given): we run and free it.
    owned: bool,
    /// destroy_pt has run: the context is gone or going; never call it.
    dead: Cell<bool>,
    /// `event_base_dispatch` of our own base is on the stack.
    running: Cell<bool>,
    /// Our callbacks currently inside a call into rwsloop.
    busy: Cell<u32>,
    /// The "lws_service does nothing here" warning was given.
    warned: Cell<bool>,
    /// rwsloop has been given its first chance to run protocol init.
    started: Cell<bool>,
    timer: Cell<*mut event>,
    /// wsi → its event.
    watches: RefCell<HashMap<usize, *mut Watch>>,
}

/// Free the record (and our own base) once nothing can reach it.
///
/// # Safety
/// `lp` a live record from `Box::into_raw`.
unsafe fn maybe_free(lp: *const Loop) {
    // SAFETY: caller contract.
    let l = unsafe { &*lp };
    if !l.dead.get() || l.busy.get() > 0 || l.running.get() {
        return;
    }
    let base = l.base.replace(ptr::null_mut());
    if l.owned && !base.is_null() {
        // SAFETY: our base; every event of ours on it is freed.
        unsafe { event_base_free(base) };
    }
    // SAFETY: the last user is gone.
    drop(unsafe { Box::from_raw(lp as *mut Loop) });
}

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

/// Arm the timer `ms` from now, or stop it.
fn arm(l: &Loop, ms: c_int) {
    let t = l.timer.get();
    if t.is_null() {
        return;
    }
    // SAFETY: our live timer event.
    unsafe {
        if (0..NO_TIMER_MS).contains(&ms) {
            let tv = libc::timeval {
                tv_sec: (ms / 1000) as libc::time_t,
                tv_usec: ((ms % 1000) * 1000) as libc::suseconds_t,
            };
            event_add(t, &tv);
        } else {
            event_del(t);
        }
    }
}

/// After a call into rwsloop: finish a destroy a callback asked for
/// (rwsloop defers it until no callback is running, and this is the first
/// moment nothing is), run what is due, keep the timer on the next
/// scheduled event.
fn settle(l: &Loop) {
    if l.dead.get() {
        return;
    }
    let cx = l.cx;
    // SAFETY: not dead, so the context is alive; we run on its loop thread.
    unsafe {
        if lws_context_is_being_destroyed(cx) != 0 {
            lws_context_destroy(cx);
            return;
        }
        let ms = lws_service_adjust_timeout(cx, NO_TIMER_MS, 0);
        if l.dead.get() {
            return;
        }
        if lws_context_is_being_destroyed(cx) != 0 {
            lws_context_destroy(cx);
            return;
        }
        arm(l, ms);
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
    if !l.started.replace(true) {
        // Protocol init and the first suls before the first descriptor
        // (libevent may run a ready descriptor before our first timer).
        settle(l);
    }
    if !l.dead.get() {
        f(l);
        settle(l);
    }
    l.busy.set(l.busy.get() - 1);
    // SAFETY: as above.
    unsafe { maybe_free(lp) };
}

unsafe extern "C" fn on_io(_fd: c_int, what: c_short, arg: *mut c_void) {
    // SAFETY: a live event carries its live watch; copy what is needed:
    // the watch may be freed while rwsloop handles the descriptor.
    let (lp, fd, mask) = unsafe {
        let w = &*(arg as *const Watch);
        (w.lp, w.fd, w.mask.get())
    };
    let mut revents: i16 = 0;
    if what & EV_READ != 0 {
        revents |= libc::POLLIN;
    }
    if what & EV_WRITE != 0 {
        revents |= libc::POLLOUT;
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

unsafe extern "C" fn on_timer(_fd: c_int, _what: c_short, arg: *mut c_void) {
    // SAFETY: the timer's argument is its live record; settle() runs what
    // is due.
    unsafe { with_loop(arg as *const Loop, |_| {}) };
}

fn poll_events(mask: c_short) -> i16 {
    let mut e = 0;
    if mask & EV_READ != 0 {
        e |= libc::POLLIN;
    }
    if mask & EV_WRITE != 0 {
        e |= libc::POLLOUT;
    }
    e
}

/// Free one watch and its event (removing it from the base).
///
/// # Safety
/// `w` live, already out of the table.
unsafe fn free_watch(w: *mut Watch) {
    // SAFETY: caller contract. Freeing an event from inside its own
    // callback is allowed by libevent.
    unsafe {
        let w = Box::from_raw(w);
        event_free(w.ev);
    }
}

// ---- the ops ----------------------------------------------------------------

/// Free every event of ours; with our own base, stop it (if `run_pt` is
/// dispatching it) or free it.
///
/// # Safety
/// `lp` live, already taken out of the per-thread area.
unsafe fn teardown(lp: *const Loop) {
    // SAFETY: caller contract.
    let l = unsafe { &*lp };
    l.dead.set(true);
    let watches: Vec<*mut Watch> = l.watches.borrow_mut().drain().map(|(_, w)| w).collect();
    // SAFETY: live watches and timer, each freed once.
    unsafe {
        for w in watches {
            free_watch(w);
        }
        let t = l.timer.replace(ptr::null_mut());
        if !t.is_null() {
            event_free(t);
        }
        if l.owned && l.running.get() {
            event_base_loopbreak(l.base.get());
        }
        maybe_free(lp);
    }
}

unsafe extern "C" fn init_pt(cx: *mut lws_context, foreign: *mut c_void, tsi: c_int) -> c_int {
    if tsi != 0 {
        log(LLL_ERR, &format!("evlib_event: no service thread {tsi}"));
        return -1;
    }
    // SAFETY: rwsloop calls this with a live context.
    let slot = unsafe { slot_of(cx) };
    if slot.is_null() {
        return -1;
    }
    let (base, owned) = if foreign.is_null() {
        // SAFETY: plain constructor.
        let b = unsafe { event_base_new() };
        if b.is_null() {
            log(LLL_ERR, "evlib_event: event_base_new failed");
            return -1;
        }
        (b, true)
    } else {
        (foreign as *mut event_base, false)
    };
    let lp: *const Loop = Box::into_raw(Box::new(Loop {
        cx,
        base: Cell::new(base),
        owned,
        dead: Cell::new(false),
        running: Cell::new(false),
        busy: Cell::new(0),
        warned: Cell::new(false),
        started: Cell::new(false),
        timer: Cell::new(ptr::null_mut()),
        watches: RefCell::new(HashMap::new()),
    }));
    // SAFETY: a live base; the record outlives the timer.
    unsafe {
        let t = event_new(base, -1, 0, on_timer, lp as *mut c_void);
        if t.is_null() {
            log(LLL_ERR, "evlib_event: cannot make the timer event");
            teardown(lp);
            return -1;
        }
        (*lp).timer.set(t);
        // The first turn of the loop runs protocol init and what is due.
        arm(&*lp, 0);
        *slot = lp;
    }
    0
}

/// A descriptor joins the loop (sock_accept and init_vhost_listen_wsi):
/// its event is made now and armed by the `io` that follows.
unsafe extern "C" fn watch(wsi: *mut lws) -> c_int {
    // SAFETY: rwsloop passes a live wsi.
    let Some(lp) = (unsafe { loop_of(wsi) }) else {
        return -1;
    };
    if lp.watches.borrow().contains_key(&(wsi as usize)) {
        return 0;
    }
    // SAFETY: as above.
    let fd = unsafe { lws_get_socket_fd(wsi) };
    if fd < 0 {
        return -1;
    }
    let w = Box::into_raw(Box::new(Watch {
        ev: ptr::null_mut(),
        fd,
        mask: Cell::new(0),
        lp,
    }));
    // SAFETY: a live base; the watch lives as long as its event.
    let ev = unsafe { event_new(lp.base.get(), fd, EV_PERSIST, on_io, w as *mut c_void) };
    if ev.is_null() {
        log(
            LLL_WARN,
            &format!("evlib_event: cannot make an event for fd {fd}"),
        );
        // SAFETY: ours, never shared.
        drop(unsafe { Box::from_raw(w) });
        return -1;
    }
    // SAFETY: as above.
    unsafe { (*w).ev = ev };
    lp.watches.borrow_mut().insert(wsi as usize, w);
    0
}

unsafe extern "C" fn io(wsi: *mut lws, flags: c_uint) {
    // SAFETY: rwsloop passes a live wsi.
    let Some(lp) = (unsafe { loop_of(wsi) }) else {
        return;
    };
    let Some(w) = lp.watches.borrow().get(&(wsi as usize)).copied() else {
        return;
    };
    let mut bits: c_short = 0;
    if flags & LWS_EV_READ != 0 {
        bits |= EV_READ;
    }
    if flags & LWS_EV_WRITE != 0 {
        bits |= EV_WRITE;
    }
    // SAFETY: a listed watch is live.
    let w = unsafe { &*w };
    let old = w.mask.get();
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
    w.mask.set(new);
    // SAFETY: our event; it is re-assigned only while not pending (after
    // event_del), which libevent allows even from inside its callback.
    unsafe {
        event_del(w.ev);
        if new != 0 {
            let arg = w as *const Watch as *mut c_void;
            if event_assign(w.ev, lp.base.get(), w.fd, new | EV_PERSIST, on_io, arg) != 0
                || event_add(w.ev, ptr::null()) != 0
            {
                log(
                    LLL_ERR,
                    &format!("evlib_event: fd {}: cannot watch it", w.fd),
                );
            }
        }
    }
}

/// The wsi leaves: free its event now (rwsloop closes the descriptor next).
unsafe extern "C" fn forget(wsi: *mut lws) -> c_int {
    // SAFETY: rwsloop passes a live wsi.
    if let Some(lp) = unsafe { loop_of(wsi) } {
        let w = lp.watches.borrow_mut().remove(&(wsi as usize));
        if let Some(w) = w {
            // SAFETY: out of the table, freed once.
            unsafe { free_watch(w) };
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
    // SAFETY: our base. The record stays alive while `running` is set, even
    // if the context is destroyed meanwhile.
    unsafe { event_base_dispatch(l.base.get()) };
    l.running.set(false);
    if l.dead.get() {
        // SAFETY: the record is live until this frees it.
        unsafe { maybe_free(lp) };
    }
}

static OPS: Ops = Ops(lws_event_loop_ops {
    name: c"event".as_ptr(),
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
pub static evlib_event: Descriptor = Descriptor(lws_plugin_evlib {
    hdr: lws_plugin_header {
        name: c"libevent event loop".as_ptr(),
        _class: c"lws_evlib_plugin".as_ptr(),
        lws_build_hash: LWS_BUILD_HASH.as_ptr(),
        api_magic: LWS_PLUGIN_API_MAGIC,
    },
    ops: &OPS.0,
});
