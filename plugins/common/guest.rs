//! The loop-independent half of a foreign-loop plugin.
//!
//! rwsloop loads a plugin when a context asks for its loop and drives it
//! through the public event-library contract (`struct lws_event_loop_ops`);
//! the plugin in turn drives rwsloop through the public API only:
//! `lws_service_fd` when a descriptor is ready, `lws_service_adjust_timeout`
//! to run due scheduled events and learn when the next one is due.
//!
//! This file is shared, as source, by every plugin under plugins/ (each
//! includes it with `#[path]`): a plugin implements [`Loop`] for its
//! library and exports [`ops`]`::<ThatLoop>()` inside an
//! `lws_plugin_evlib_t` ([`descriptor`]).
//!
//! State. Everything a context's plugin owns hangs off one [`Guest`], kept
//! in an `Rc` whose raw pointer sits in rwsloop's per-thread area
//! (`evlib_size_pt` bytes, reached with `lws_evlib_*_to_evlib_pt`). A loop
//! callback takes its own strong reference for as long as it runs, so a
//! context destroyed from inside one of its callbacks frees the guest only
//! once that callback has returned; `dead` tells the callback not to touch
//! the context any more.
//!
//! Watchers are keyed by wsi (its address is stable from `sock_accept` to
//! `destroy_wsi`), one per descriptor, and removed at `wsi_logical_close`,
//! while the descriptor is still open.
//!
//! Time. rwsloop runs its scheduled events (suls) only from its service
//! calls, so the guest keeps one timer of the loop armed for the next one:
//! re-armed after every descriptor it serviced, every time the timer fires,
//! and, where the library has a "before waiting" hook, once per loop
//! iteration (so a sul the program schedules from its own callbacks is seen
//! at once; without the hook rwsloop's wake descriptor nudges the loop).
//!
//! Whose loop. With a foreign loop the guest only adds and removes its own
//! watchers: `run_pt` does not run the program's loop, and no signal is
//! watched. A loop the plugin made itself is run by `run_pt` and watches
//! the signals lws watches on that library's own loops
//! ([`Loop::watch_signals`]); a caught one goes to `info.signal_cb`, or else
//! stops the loop or destroys the context ([`signal_caught`]).

#![allow(dead_code)]

#[path = "lws.rs"]
mod lws;

use lws::*;
// What a plugin takes from here; no plugin uses all of it.
#[allow(unused_imports)]
pub use lws::{
    log_err, log_warn, Exported, OpsTable, SignalCb, KNOWS_INFO_LAYOUT,
    LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN, POLLERR, POLLHUP, POLLIN, POLLOUT,
};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::CStr;
use std::os::raw::{c_int, c_short, c_uint, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::rc::Rc;

/// Run `f`, turning a panic into `fallback` (a panic must never unwind
/// into C).
pub fn guard<T>(what: &str, fallback: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(_) => {
            log_err(&format!("evlib plugin: panic in {what}"));
            fallback
        }
    }
}

// ---- what a loop library has to provide ------------------------------------

/// One loop library, seen from the guest.
///
/// The first eight items are what every library provides; the signal
/// items have defaults (no signals), so a library that watches none
/// implements nothing for them.
pub trait Loop: Sized + 'static {
    /// The library's name (logs, the ops table's `name`).
    const NAME: &'static CStr;
    /// A watcher on one descriptor.
    type Io;

    /// Adopt the program's loop (`foreign` non-NULL: a `uv_loop_t *`,
    /// `struct event_base *`, `struct ev_loop *`, `GMainLoop *`,
    /// `sd_event *`, ...) or make a loop of our own.
    ///
    /// # Safety
    /// `foreign` is NULL or the loop object of this library.
    unsafe fn open(foreign: *mut c_void) -> Result<Self, String>;
    /// Create the timer and the before-waiting hook (if the library has
    /// one); their callbacks must call [`timer_fired`] / [`before_wait`]
    /// with `guest`. The timer starts disarmed.
    fn start(&self, guest: *const c_void) -> Result<(), String>;
    /// A (stopped) watcher on `fd`; its callback must call [`fd_ready`]
    /// with `slot`.
    fn io_new(&self, fd: c_int, slot: *const c_void) -> Result<Self::Io, String>;
    /// Watch for `events` (POLLIN | POLLOUT); 0: stop watching.
    fn io_events(&self, io: &Self::Io, events: c_short);
    /// Stop the watcher at once and release it. Its callback is never
    /// called again; a library whose handles close asynchronously (libuv)
    /// frees the memory from its close callback, which needs nothing of
    /// the guest.
    fn io_free(&self, io: Self::Io);
    /// Fire the timer in `ms` milliseconds (0: as soon as possible);
    /// negative: disarm it.
    fn timer(&self, ms: c_int);
    /// `run_pt` on a loop of our own (never called for a foreign one): run
    /// it (libev, sd-event: one iteration; libuv, libevent, glib: until
    /// the context is destroyed or a signal stops it).
    fn run(&self);
    /// Remove the timer, the hook and the signal watchers; an own loop
    /// that is running is told to return. What `open` made is freed by
    /// `Drop`, which runs once no callback of ours is on the stack any
    /// more (an own libuv loop is turned there until its close callbacks
    /// have run, then closed).
    fn shutdown(&self);

    /// Called for a loop of our own only, right after [`Loop::start`]:
    /// watch the signals lws 4.3 watches on its own loops of this library
    /// (`options` are the context's, for libuv's
    /// [`LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN`]). Each watcher's
    /// callback must call [`signal_caught`] with `guest`; `shutdown`
    /// removes them. Default: no signals.
    fn watch_signals(&self, guest: *const c_void, options: u64) -> Result<(), String> {
        let _ = (guest, options);
        Ok(())
    }
    /// A caught signal with no `info.signal_cb` destroys the context
    /// (libuv) rather than calling [`Loop::interrupt`].
    const SIGNAL_DESTROYS_CONTEXT: bool = false;
    /// A caught signal with no `info.signal_cb`: make a running
    /// [`Loop::run`] return. Default: nothing.
    fn interrupt(&self) {}
}

// ---- the guest ----------------------------------------------------------

/// What rwsloop's per-thread area (`evlib_size_pt`, zeroed) holds for us.
/// `init_context` fills in the two creation-info members, `init_pt` makes
/// the guest.
#[repr(C)]
struct PtArea {
    guest: *const c_void,
    options: u64,
    signal_cb: Option<SignalCb>,
}

/// A context's plugin state.
pub struct Guest<L: Loop> {
    cx: *mut LwsContext,
    lp: L,
    /// we made the loop (no foreign loop was given)
    own: bool,
    /// `info.signal_cb`
    signal_cb: Option<SignalCb>,
    slots: RefCell<HashMap<usize, Box<Slot<L>>>>,
    /// destroy_pt ran: the context may be gone
    dead: Cell<bool>,
    /// the protocols have been initialised (first adjust_timeout)
    primed: Cell<bool>,
    /// the timer was last armed for 0 ms
    armed_zero: Cell<bool>,
    /// `lws_service` on a foreign loop was already warned about
    warned: Cell<bool>,
}

/// One watched descriptor.
pub struct Slot<L: Loop> {
    guest: *const Guest<L>,
    fd: c_int,
    events: Cell<c_short>,
    io: Option<L::Io>,
}

impl<L: Loop> Guest<L> {
    /// Run due scheduled events and re-arm the timer for the next one.
    fn rearm(&self) {
        if self.dead.get() {
            return;
        }
        self.primed.set(true);
        // SAFETY: not dead, so the context is alive.
        let ms = unsafe { lws_service_adjust_timeout(self.cx, -1, 0) };
        if self.dead.get() {
            return;
        }
        // A callback run above (a sul, PROTOCOL_INIT) may have asked for
        // the context to be destroyed; rwsloop deferred it because it was
        // inside a service call. Nothing of ours is running now: finish it.
        // SAFETY: as above.
        if unsafe { lws_context_is_being_destroyed(self.cx) } != 0 {
            // SAFETY: as above; afterwards the context is freed.
            unsafe { lws_context_destroy(self.cx) };
            return;
        }
        // Twice 0 in a row means rwsloop has work adjust_timeout cannot do
        // (resumed rx waits for a full service pass): poll at 1 ms rather
        // than spin.
        let ms = if ms == 0 && self.armed_zero.get() {
            1
        } else {
            ms
        };
        self.armed_zero.set(ms == 0);
        self.lp.timer(ms);
    }
}

/// A context's per-thread area (our [`PtArea`]), or NULL.
unsafe fn area_of_cx(cx: *mut LwsContext) -> *mut PtArea {
    // SAFETY: a live context; rwsloop sized the area from our ops table,
    // and it is 16-byte aligned.
    unsafe { lws_evlib_tsi_to_evlib_pt(cx, 0) as *mut PtArea }
}

/// The guest stored in the context's per-thread area, with a new strong
/// reference; None once destroy_pt ran.
unsafe fn guest_of_cx<L: Loop>(cx: *mut LwsContext) -> Option<Rc<Guest<L>>> {
    // SAFETY: a live context.
    let area = unsafe { area_of_cx(cx) };
    if area.is_null() {
        return None;
    }
    // SAFETY: the area holds our pointer or NULL.
    unsafe { hold((*area).guest as *const Guest<L>) }
}

unsafe fn guest_of_wsi<L: Loop>(wsi: *mut Lws) -> Option<Rc<Guest<L>>> {
    // SAFETY: a live wsi.
    let area = unsafe { lws_evlib_wsi_to_evlib_pt(wsi) } as *mut PtArea;
    if area.is_null() {
        return None;
    }
    // SAFETY: as in guest_of_cx.
    unsafe { hold((*area).guest as *const Guest<L>) }
}

/// A new strong reference from a raw guest pointer whose `Rc` is alive.
unsafe fn hold<L: Loop>(p: *const Guest<L>) -> Option<Rc<Guest<L>>> {
    if p.is_null() {
        return None;
    }
    // SAFETY: p came from Rc::into_raw / Rc::as_ptr of a live Rc.
    unsafe {
        Rc::increment_strong_count(p);
        Some(Rc::from_raw(p))
    }
}

// ---- callbacks from the loop ------------------------------------------------

/// A watched descriptor is ready: service it, then re-arm the timer.
///
/// # Safety
/// `slot` is the pointer given to [`Loop::io_new`], for a live watcher.
pub unsafe fn fd_ready<L: Loop>(slot: *const c_void, revents: c_short) {
    guard("fd_ready", (), || {
        // Copy out what is needed: servicing may close the wsi and free
        // its slot.
        // SAFETY: caller contract.
        let (gp, fd, events) = unsafe {
            let s = &*(slot as *const Slot<L>);
            (s.guest, s.fd, s.events.get())
        };
        // SAFETY: a live slot's guest is alive.
        let Some(g) = (unsafe { hold(gp) }) else {
            return;
        };
        if g.dead.get() {
            return;
        }
        if !g.primed.get() {
            g.rearm();
            if g.dead.get() {
                return;
            }
        }
        let mut pfd = LwsPollfd {
            fd,
            events,
            revents,
        };
        // SAFETY: the context is alive while the guest is not dead.
        unsafe { lws_service_fd(g.cx, &mut pfd) };
        g.rearm();
    })
}

/// The guest's timer fired.
///
/// # Safety
/// `guest` is the pointer given to [`Loop::start`].
pub unsafe fn timer_fired<L: Loop>(guest: *const c_void) {
    guard("timer_fired", (), || {
        // SAFETY: the timer exists only while the guest does.
        if let Some(g) = unsafe { hold(guest as *const Guest<L>) } {
            g.rearm();
        }
    })
}

/// The loop is about to wait: re-arm for the next scheduled event.
///
/// # Safety
/// `guest` is the pointer given to [`Loop::start`].
pub unsafe fn before_wait<L: Loop>(guest: *const c_void) {
    timer_fired::<L>(guest)
}

/// A signal watcher of an own loop ([`Loop::watch_signals`]) fired:
/// `info.signal_cb(handle, signum)` if the program set one, else the
/// context is destroyed ([`Loop::SIGNAL_DESTROYS_CONTEXT`]) or the loop
/// told to return ([`Loop::interrupt`]). `handle` and `signum` are what
/// lws passes for this library.
///
/// # Safety
/// `guest` is the pointer given to [`Loop::watch_signals`].
pub unsafe fn signal_caught<L: Loop>(guest: *const c_void, handle: *mut c_void, signum: c_int) {
    guard("signal_caught", (), || {
        // SAFETY: the watchers exist only while the guest does.
        let Some(g) = (unsafe { hold(guest as *const Guest<L>) }) else {
            return;
        };
        if g.dead.get() {
            return;
        }
        if let Some(cb) = g.signal_cb {
            // SAFETY: the program's callback with the arguments lws gives
            // it; nothing of rwsloop's is on the stack, so it may destroy
            // the context.
            unsafe { cb(handle, signum) };
        } else if L::SIGNAL_DESTROYS_CONTEXT {
            // SAFETY: not dead, so the context is alive; no callback of
            // rwsloop's runs, so the destroy is finished here.
            unsafe { lws_context_destroy(g.cx) };
        } else {
            g.lp.interrupt();
        }
        // The callback may have scheduled something.
        g.rearm();
    })
}

// ---- the ops ----------------------------------------------------------

unsafe extern "C" fn init_context<L: Loop>(cx: *mut LwsContext, info: *const c_void) -> c_int {
    guard("init_context", -1, || {
        // SAFETY: a live context.
        let area = unsafe { area_of_cx(cx) };
        if area.is_null() || info.is_null() {
            return 0;
        }
        let (Some(options_at), Some(signal_cb_at)) = (INFO_OPTIONS_AT, INFO_SIGNAL_CB_AT) else {
            return 0;
        };
        // SAFETY: `info` is the program's creation info, laid out as the
        // header the build script compiled against says; read unaligned
        // so nothing is assumed about the program's copy.
        unsafe {
            let base = info as *const u8;
            (*area).options = ptr::read_unaligned(base.add(options_at) as *const u64);
            (*area).signal_cb =
                ptr::read_unaligned(base.add(signal_cb_at) as *const Option<SignalCb>);
        }
        0
    })
}

unsafe extern "C" fn init_pt<L: Loop>(
    cx: *mut LwsContext,
    foreign: *mut c_void,
    tsi: c_int,
) -> c_int {
    guard("init_pt", -1, || {
        let name = L::NAME.to_string_lossy();
        if tsi != 0 {
            log_err("evlib plugin: only service thread 0 exists");
            return -1;
        }
        // SAFETY: a live context.
        let area = unsafe { area_of_cx(cx) };
        if area.is_null() {
            return -1;
        }
        // SAFETY: ours, filled by init_context (zero if it had nothing).
        let (options, signal_cb) = unsafe { ((*area).options, (*area).signal_cb) };
        // SAFETY: rwsloop passes info.foreign_loops[0] (or NULL).
        let lp = match unsafe { L::open(foreign) } {
            Ok(lp) => lp,
            Err(why) => {
                log_err(&format!("evlib {name}: {why}"));
                return -1;
            }
        };
        let g = Rc::new(Guest {
            cx,
            lp,
            own: foreign.is_null(),
            signal_cb,
            slots: RefCell::new(HashMap::new()),
            dead: Cell::new(false),
            primed: Cell::new(false),
            armed_zero: Cell::new(false),
            warned: Cell::new(false),
        });
        let raw = Rc::as_ptr(&g) as *const c_void;
        let mut started = g.lp.start(raw);
        if started.is_ok() && g.own {
            // Never on the program's loop: its signals are its own.
            started = g.lp.watch_signals(raw, options);
        }
        if let Err(why) = started {
            log_err(&format!("evlib {name}: {why}"));
            g.dead.set(true);
            g.lp.shutdown();
            return -1;
        }
        // Run protocol init and the first due events as soon as the loop
        // turns.
        g.armed_zero.set(true);
        g.lp.timer(0);
        // SAFETY: the area checked above; the guest's reference moves in.
        unsafe { (*area).guest = Rc::into_raw(g) as *const c_void };
        0
    })
}

/// Start tracking a new descriptor (listener, accepted, adopted, the wake).
unsafe fn attach<L: Loop>(g: &Rc<Guest<L>>, wsi: *mut Lws) -> Result<(), String> {
    if g.slots.borrow().contains_key(&(wsi as usize)) {
        return Ok(());
    }
    // SAFETY: a live wsi.
    let fd = unsafe { lws_get_socket_fd(wsi) };
    if fd < 0 {
        return Err("wsi has no descriptor".into());
    }
    let mut slot = Box::new(Slot {
        guest: Rc::as_ptr(g),
        fd,
        events: Cell::new(0),
        io: None,
    });
    let sp = &*slot as *const Slot<L> as *const c_void;
    slot.io = Some(g.lp.io_new(fd, sp)?);
    g.slots.borrow_mut().insert(wsi as usize, slot);
    Ok(())
}

unsafe extern "C" fn sock_accept<L: Loop>(wsi: *mut Lws) -> c_int {
    guard("sock_accept", -1, || {
        // SAFETY: a live wsi of a context of ours.
        let Some(g) = (unsafe { guest_of_wsi::<L>(wsi) }) else {
            return -1;
        };
        // SAFETY: as above.
        match unsafe { attach(&g, wsi) } {
            Ok(()) => 0,
            Err(why) => {
                log_err(&format!("evlib {}: {why}", L::NAME.to_string_lossy()));
                -1
            }
        }
    })
}

unsafe extern "C" fn io<L: Loop>(wsi: *mut Lws, flags: c_uint) {
    guard("io", (), || {
        // SAFETY: a live wsi of a context of ours.
        let Some(g) = (unsafe { guest_of_wsi::<L>(wsi) }) else {
            return;
        };
        let key = wsi as usize;
        if !g.slots.borrow().contains_key(&key) {
            if flags & LWS_EV_START == 0 {
                return;
            }
            // SAFETY: as above.
            if let Err(why) = unsafe { attach(&g, wsi) } {
                log_err(&format!("evlib {}: {why}", L::NAME.to_string_lossy()));
                return;
            }
        }
        let mut bits: c_short = 0;
        if flags & LWS_EV_READ != 0 {
            bits |= POLLIN;
        }
        if flags & LWS_EV_WRITE != 0 {
            bits |= POLLOUT;
        }
        let slots = g.slots.borrow();
        let Some(slot) = slots.get(&key) else {
            return;
        };
        let old = slot.events.get();
        let new = if flags & LWS_EV_START != 0 {
            old | bits
        } else if flags & LWS_EV_STOP != 0 {
            old & !bits
        } else {
            old
        };
        if new != old {
            slot.events.set(new);
            if let Some(io) = &slot.io {
                g.lp.io_events(io, new);
            }
        }
    })
}

/// Forget a wsi's watcher (its descriptor is still open here).
unsafe fn detach<L: Loop>(wsi: *mut Lws) {
    // SAFETY: a wsi of a context of ours, not yet freed.
    let Some(g) = (unsafe { guest_of_wsi::<L>(wsi) }) else {
        return;
    };
    let slot = g.slots.borrow_mut().remove(&(wsi as usize));
    if let Some(mut slot) = slot {
        if let Some(io) = slot.io.take() {
            g.lp.io_free(io);
        }
    }
}

unsafe extern "C" fn wsi_logical_close<L: Loop>(wsi: *mut Lws) -> c_int {
    guard("wsi_logical_close", 0, || {
        // SAFETY: forwarded.
        unsafe { detach::<L>(wsi) };
        // Our watchers go synchronously: rwsloop may free the wsi now.
        0
    })
}

unsafe extern "C" fn destroy_wsi<L: Loop>(wsi: *mut Lws) {
    // Normally gone at wsi_logical_close already.
    // SAFETY: forwarded.
    guard("destroy_wsi", (), || unsafe { detach::<L>(wsi) })
}

unsafe extern "C" fn run_pt<L: Loop>(cx: *mut LwsContext, tsi: c_int) {
    guard("run_pt", (), || {
        if tsi != 0 {
            return;
        }
        // Our own reference keeps the loop alive if the context is
        // destroyed while it runs; it is freed when we drop it below.
        // SAFETY: a live context.
        let Some(g) = (unsafe { guest_of_cx::<L>(cx) }) else {
            return;
        };
        if !g.own {
            // The program runs its loop, not lws_service (said once).
            if !g.warned.replace(true) {
                log_warn(&format!(
                    "evlib {}: lws_service() does not run the application's loop: \
                     the application runs it",
                    L::NAME.to_string_lossy()
                ));
            }
            return;
        }
        if !g.primed.get() {
            g.rearm();
            if g.dead.get() {
                return;
            }
        }
        g.lp.run();
        drop(g);
    })
}

unsafe extern "C" fn destroy_pt<L: Loop>(cx: *mut LwsContext, tsi: c_int) {
    guard("destroy_pt", (), || {
        if tsi != 0 {
            return;
        }
        // SAFETY: a live context; its area holds our pointer or NULL (when
        // init_pt failed or never ran).
        let raw = unsafe {
            let area = area_of_cx(cx);
            if area.is_null() {
                return;
            }
            std::mem::replace(&mut (*area).guest, ptr::null())
        };
        if raw.is_null() {
            return;
        }
        // SAFETY: the reference init_pt leaked into the area.
        let g = unsafe { Rc::from_raw(raw as *const Guest<L>) };
        g.dead.set(true);
        let slots = std::mem::take(&mut *g.slots.borrow_mut());
        for (_, mut slot) in slots {
            if let Some(io) = slot.io.take() {
                g.lp.io_free(io);
            }
        }
        g.lp.shutdown();
        // The last reference (unless a callback of ours is on the stack)
        // frees what open() made.
        drop(g);
    })
}

/// The ops table for loop `L`.
pub const fn ops<L: Loop>() -> EventLoopOps {
    EventLoopOps {
        name: L::NAME.as_ptr(),
        init_context: Some(init_context::<L>),
        destroy_context1: None,
        destroy_context2: None,
        init_vhost_listen_wsi: Some(sock_accept::<L>),
        init_pt: Some(init_pt::<L>),
        wsi_logical_close: Some(wsi_logical_close::<L>),
        check_client_connect_ok: None,
        close_handle_manually: None,
        sock_accept: Some(sock_accept::<L>),
        io: Some(io::<L>),
        run_pt: Some(run_pt::<L>),
        destroy_pt: Some(destroy_pt::<L>),
        destroy_wsi: Some(destroy_wsi::<L>),
        foreign_thread: None,
        flags: LELOF_ISPOLL,
        evlib_size_ctx: 0,
        evlib_size_pt: std::mem::size_of::<PtArea>() as u16,
        evlib_size_vh: 0,
        evlib_size_wsi: 0,
    }
}

/// The plugin descriptor pointing at `ops`.
pub const fn descriptor(name: &'static CStr, ops: &'static OpsTable) -> PluginEvlib {
    PluginEvlib {
        hdr: PluginHeader {
            name: name.as_ptr(),
            class: c"lws_evlib_plugin".as_ptr(),
            lws_build_hash: c"rwsloop".as_ptr(),
            api_magic: LWS_PLUGIN_API_MAGIC,
        },
        ops: &ops.0,
    }
}
