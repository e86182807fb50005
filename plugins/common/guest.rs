//! The loop-independent half of a foreign-loop plugin.
//!
//! rwsloop loads a plugin when a context asks for its loop and drives it
//! through the public event-library contract (`struct lws_event_loop_ops`);
//! the plugin in turn drives rwsloop through the public API only:
//! `lws_service_fd` when a descriptor is ready, `lws_service_adjust_timeout`
//! to run due scheduled events and learn when the next one is due.
//!
//! This file is shared, as source, by plugins/ev, plugins/glib and
//! plugins/sdevent (each includes it with `#[path]`): a plugin implements
//! [`Loop`] for its library and exports [`ops`]`::<ThatLoop>()` inside an
//! `lws_plugin_evlib_t`.
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
//! and once per loop iteration from the library's "before waiting" hook
//! (so a sul the program schedules from its own callbacks is seen too).

#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_short, c_uint, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::rc::Rc;

// ---- rwsloop's public API, as much of it as a plugin uses ----------------

/// `struct lws_context` (opaque).
#[repr(C)]
pub struct LwsContext {
    _opaque: [u8; 0],
}

/// `struct lws` (opaque).
#[repr(C)]
pub struct Lws {
    _opaque: [u8; 0],
}

/// `struct lws_pollfd` (= `struct pollfd` on Linux).
#[repr(C)]
pub struct LwsPollfd {
    pub fd: c_int,
    pub events: c_short,
    pub revents: c_short,
}

/// `struct lws_event_loop_ops`, member for member (lws 4.3 order).
#[repr(C)]
pub struct EventLoopOps {
    pub name: *const c_char,
    pub init_context: Option<unsafe extern "C" fn(*mut LwsContext, *const c_void) -> c_int>,
    pub destroy_context1: Option<unsafe extern "C" fn(*mut LwsContext) -> c_int>,
    pub destroy_context2: Option<unsafe extern "C" fn(*mut LwsContext) -> c_int>,
    pub init_vhost_listen_wsi: Option<unsafe extern "C" fn(*mut Lws) -> c_int>,
    pub init_pt: Option<unsafe extern "C" fn(*mut LwsContext, *mut c_void, c_int) -> c_int>,
    pub wsi_logical_close: Option<unsafe extern "C" fn(*mut Lws) -> c_int>,
    pub check_client_connect_ok: Option<unsafe extern "C" fn(*mut Lws) -> c_int>,
    pub close_handle_manually: Option<unsafe extern "C" fn(*mut Lws)>,
    pub sock_accept: Option<unsafe extern "C" fn(*mut Lws) -> c_int>,
    pub io: Option<unsafe extern "C" fn(*mut Lws, c_uint)>,
    pub run_pt: Option<unsafe extern "C" fn(*mut LwsContext, c_int)>,
    pub destroy_pt: Option<unsafe extern "C" fn(*mut LwsContext, c_int)>,
    pub destroy_wsi: Option<unsafe extern "C" fn(*mut Lws)>,
    pub foreign_thread: Option<unsafe extern "C" fn(*mut LwsContext, c_int) -> c_int>,
    pub flags: u8,
    pub evlib_size_ctx: u16,
    pub evlib_size_pt: u16,
    pub evlib_size_vh: u16,
    pub evlib_size_wsi: u16,
}

/// `lws_plugin_header_t`.
#[repr(C)]
pub struct PluginHeader {
    pub name: *const c_char,
    pub class: *const c_char,
    pub lws_build_hash: *const c_char,
    pub api_magic: c_uint,
}

/// `lws_plugin_evlib_t`.
#[repr(C)]
pub struct PluginEvlib {
    pub hdr: PluginHeader,
    pub ops: *const EventLoopOps,
}

/// The exported descriptor: immutable, so sharing it between threads is
/// sound even though it holds raw pointers.
#[repr(transparent)]
pub struct Exported(pub PluginEvlib);
// SAFETY: points only at immutable statics.
unsafe impl Sync for Exported {}

/// The ops table, as a static the descriptor can point at.
#[repr(transparent)]
pub struct OpsTable(pub EventLoopOps);
// SAFETY: immutable, points only at static strings and functions.
unsafe impl Sync for OpsTable {}

/// `LWS_PLUGIN_API_MAGIC` of lws 4.3.
pub const LWS_PLUGIN_API_MAGIC: c_uint = 191;
/// `LELOF_ISPOLL`.
pub const LELOF_ISPOLL: u8 = 1;

const LWS_EV_READ: c_uint = 1;
const LWS_EV_WRITE: c_uint = 2;
const LWS_EV_START: c_uint = 4;
const LWS_EV_STOP: c_uint = 8;

/// `LLL_ERR`, `LLL_WARN`.
const LLL_ERR: c_int = 1;

/// POLLIN / POLLOUT as rwsloop spells interest.
pub const POLLIN: c_short = libc::POLLIN;
pub const POLLOUT: c_short = libc::POLLOUT;
pub const POLLERR: c_short = libc::POLLERR;
pub const POLLHUP: c_short = libc::POLLHUP;

extern "C" {
    fn lws_get_socket_fd(wsi: *mut Lws) -> c_int;
    fn lws_evlib_wsi_to_evlib_pt(wsi: *mut Lws) -> *mut c_void;
    fn lws_evlib_tsi_to_evlib_pt(cx: *mut LwsContext, tsi: c_int) -> *mut c_void;
    fn lws_service_fd(cx: *mut LwsContext, pollfd: *mut LwsPollfd) -> c_int;
    fn lws_service_adjust_timeout(cx: *mut LwsContext, timeout_ms: c_int, tsi: c_int) -> c_int;
    fn lws_context_is_being_destroyed(cx: *mut LwsContext) -> c_int;
    fn lws_context_destroy(cx: *mut LwsContext);
    fn _lws_log(filter: c_int, format: *const c_char, ...);
}

/// Log an error through rwsloop's logger.
pub fn log_err(what: &str) {
    let line = std::ffi::CString::new(format!("{what}\n"))
        .unwrap_or_else(|_| c"(unprintable)\n".to_owned());
    // SAFETY: a "%s" format with one C string.
    unsafe { _lws_log(LLL_ERR, c"%s".as_ptr(), line.as_ptr()) };
}

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
pub trait Loop: Sized + 'static {
    /// The library's name (logs, the ops table's `name`).
    const NAME: &'static CStr;
    /// A watcher on one descriptor.
    type Io;

    /// Adopt the program's loop (`foreign` non-NULL: a `struct ev_loop *`,
    /// `GMainLoop *` or `sd_event *`) or make a loop of our own.
    ///
    /// # Safety
    /// `foreign` is NULL or the loop object of this library.
    unsafe fn open(foreign: *mut c_void) -> Result<Self, String>;
    /// Create the timer and the before-waiting hook; their callbacks must
    /// call [`timer_fired`] / [`before_wait`] with `guest`. The timer starts
    /// disarmed.
    fn start(&self, guest: *const c_void) -> Result<(), String>;
    /// A (stopped) watcher on `fd`; its callback must call [`fd_ready`]
    /// with `slot`.
    fn io_new(&self, fd: c_int, slot: *const c_void) -> Result<Self::Io, String>;
    /// Watch for `events` (POLLIN | POLLOUT); 0: stop watching.
    fn io_events(&self, io: &Self::Io, events: c_short);
    /// Remove and free the watcher.
    fn io_free(&self, io: Self::Io);
    /// Fire the timer in `ms` milliseconds (0: as soon as possible);
    /// negative: disarm it.
    fn timer(&self, ms: c_int);
    /// `run_pt`: run the loop (libev, sd-event: one iteration; glib: until
    /// the loop is quit).
    fn run(&self);
    /// Remove the timer and the hook; an own loop that is running is told
    /// to return. What `open` made is freed by `Drop`, which runs once no
    /// callback of ours is on the stack any more.
    fn shutdown(&self);
}

// ---- the guest ----------------------------------------------------------

/// A context's plugin state.
pub struct Guest<L: Loop> {
    cx: *mut LwsContext,
    lp: L,
    slots: RefCell<HashMap<usize, Box<Slot<L>>>>,
    /// destroy_pt ran: the context may be gone
    dead: Cell<bool>,
    /// the protocols have been initialised (first adjust_timeout)
    primed: Cell<bool>,
    /// the timer was last armed for 0 ms
    armed_zero: Cell<bool>,
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

/// The guest stored in the context's per-thread area, with a new strong
/// reference; None once destroy_pt ran.
unsafe fn guest_of_cx<L: Loop>(cx: *mut LwsContext) -> Option<Rc<Guest<L>>> {
    // SAFETY: a live context; its area holds our pointer or NULL.
    let area = unsafe { lws_evlib_tsi_to_evlib_pt(cx, 0) } as *mut *const Guest<L>;
    if area.is_null() {
        return None;
    }
    // SAFETY: the area is at least pointer-sized and 16-byte aligned.
    unsafe { hold(*area) }
}

unsafe fn guest_of_wsi<L: Loop>(wsi: *mut Lws) -> Option<Rc<Guest<L>>> {
    // SAFETY: a live wsi.
    let area = unsafe { lws_evlib_wsi_to_evlib_pt(wsi) } as *mut *const Guest<L>;
    if area.is_null() {
        return None;
    }
    // SAFETY: as in guest_of_cx.
    unsafe { hold(*area) }
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

// ---- the ops ----------------------------------------------------------

unsafe extern "C" fn init_pt<L: Loop>(
    cx: *mut LwsContext,
    foreign: *mut c_void,
    tsi: c_int,
) -> c_int {
    guard("init_pt", -1, || {
        if tsi != 0 {
            log_err("evlib plugin: only service thread 0 exists");
            return -1;
        }
        // SAFETY: rwsloop passes info.foreign_loops[0] (or NULL).
        let lp = match unsafe { L::open(foreign) } {
            Ok(lp) => lp,
            Err(why) => {
                log_err(&format!("evlib {}: {why}", L::NAME.to_string_lossy()));
                return -1;
            }
        };
        let g = Rc::new(Guest {
            cx,
            lp,
            slots: RefCell::new(HashMap::new()),
            dead: Cell::new(false),
            primed: Cell::new(false),
            armed_zero: Cell::new(false),
        });
        let raw = Rc::as_ptr(&g) as *const c_void;
        let started = g.lp.start(raw);
        if let Err(why) = started {
            log_err(&format!("evlib {}: {why}", L::NAME.to_string_lossy()));
            g.lp.shutdown();
            return -1;
        }
        // Run protocol init and the first due events as soon as the loop
        // turns.
        g.armed_zero.set(true);
        g.lp.timer(0);
        // SAFETY: a live context's area, at least pointer-sized.
        unsafe {
            let area = lws_evlib_tsi_to_evlib_pt(cx, 0) as *mut *const Guest<L>;
            *area = Rc::into_raw(g);
        }
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
            let area = lws_evlib_tsi_to_evlib_pt(cx, 0) as *mut *const Guest<L>;
            if area.is_null() {
                return;
            }
            std::mem::replace(&mut *area, ptr::null())
        };
        if raw.is_null() {
            return;
        }
        // SAFETY: the reference init_pt leaked into the area.
        let g = unsafe { Rc::from_raw(raw) };
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
        init_context: None,
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
        evlib_size_pt: std::mem::size_of::<*const c_void>() as u16,
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
