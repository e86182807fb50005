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
//! while the descriptor is still open. A library that copes badly with
//! many watchers ([`Loop::MULTIPLEX`]) gets only one instead: the guest
//! keeps the descriptors in an epoll set of its own (mux.rs), the library
//! watches that set's descriptor, and each time it is readable every ready
//! descriptor is serviced in one go.
//!
//! Time. rwsloop runs its scheduled events (suls) only from its service
//! calls, so the guest keeps one timer of the loop armed for the next one:
//! re-armed after every descriptor (or batch of them) it serviced, every
//! time the timer fires, and, where the library has a "before waiting"
//! hook, once per loop iteration (so a sul the program schedules from its
//! own callbacks is seen at once; without the hook rwsloop's wake
//! descriptor nudges the loop). The library's timer is only touched when
//! the deadline really moves ([`Guest::arm`]).
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
#[path = "mux.rs"]
mod mux;

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
use std::hash::{BuildHasherDefault, Hasher};
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
    /// negative: disarm it. The guest calls it only when the deadline
    /// moves; a library may fire it earlier on its own account (uloop
    /// does), never later.
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

    /// One watcher for all descriptors instead of one each: the guest
    /// keeps them in an epoll set of its own and asks [`Loop::io_new`] for
    /// a single watcher, on that set's descriptor, for reading. For
    /// libraries whose cost grows with the number of watchers (sd-event
    /// dispatches one source per iteration, glib walks every source on
    /// every iteration). Default: a watcher per descriptor.
    const MULTIPLEX: bool = false;
}

// ---- the guest ----------------------------------------------------------

/// The guest's maps are keyed by wsi addresses and its own counters,
/// nothing a peer chooses, and are looked up on every readiness and
/// interest change: a multiply-and-fold hash does, where the default
/// (SipHash) would be a visible share of the plugin's time.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        // Both halves of the 128-bit product, so that the low bits (which
        // are zero in aligned addresses) count as much as the high ones.
        let p = u128::from(x ^ self.0) * 0x9e37_79b9_7f4a_7c15;
        self.0 = (p as u64) ^ ((p >> 64) as u64);
    }
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

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
    slots: RefCell<Map<usize, Box<Slot<L>>>>,
    /// destroy_pt ran: the context may be gone
    dead: Cell<bool>,
    /// the protocols have been initialised (first adjust_timeout)
    primed: Cell<bool>,
    /// the timer was last armed for 0 ms
    armed_zero: Cell<bool>,
    /// `lws_service` on a foreign loop was already warned about
    warned: Cell<bool>,
    /// what the library's timer was last set to
    timer_at: Cell<Armed>,
    /// MULTIPLEX only: the guest's epoll set (closed at destroy_pt), the
    /// library's watcher on it, and which slot each member's token is
    mux: RefCell<Option<mux::Mux>>,
    hub: RefCell<Option<Box<Slot<L>>>>,
    tokens: RefCell<Map<u64, usize>>,
    /// the next slot's token (never reused, so a stale one finds nothing)
    next_token: Cell<u64>,
}

/// The state of the library's timer as the guest set it.
#[derive(Clone, Copy, PartialEq)]
enum Armed {
    /// not known (not set yet, or it fired): set it whatever is wanted
    Unknown,
    Off,
    /// due at this time (µs, CLOCK_MONOTONIC)
    At(i64),
}

fn monotonic_us() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid out-pointer; CLOCK_MONOTONIC always exists.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    // (both i64 on the LP64 targets the ABI checks in lws.rs allow)
    ts.tv_sec * 1_000_000 + ts.tv_nsec / 1000
}

/// One watched descriptor (or, MULTIPLEX, the epoll set: the hub).
pub struct Slot<L: Loop> {
    guest: *const Guest<L>,
    fd: c_int,
    events: Cell<c_short>,
    /// the library's watcher; None for a member of the epoll set
    io: Option<L::Io>,
    /// MULTIPLEX: the epoll data of this member
    token: u64,
    /// this is the watcher on the epoll set
    hub: bool,
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
        // 0 means more work is waiting now (input a callback resumed while
        // adjust_timeout was handing over held input). Twice in a row, a
        // program that keeps pausing and resuming would make us spin: come
        // back in 1 ms instead.
        let ms = if ms == 0 && self.armed_zero.get() {
            1
        } else {
            ms
        };
        self.armed_zero.set(ms == 0);
        self.arm(ms);
    }

    /// Set the library's timer for `ms` from now (negative: off), unless
    /// it is set for that already. rwsloop answers in whole milliseconds
    /// from now, so the same next event gives a deadline that wanders
    /// within a millisecond from one call to the next: a deadline already
    /// set is kept when it is at most a millisecond earlier than the new
    /// one (never later). Re-arming costs a system call in some libraries
    /// (sd-event's timerfd) and wakes the loop in others (glib).
    fn arm(&self, ms: c_int) {
        let want = if ms < 0 {
            Armed::Off
        } else {
            Armed::At(monotonic_us() + i64::from(ms) * 1000)
        };
        let keep = match (self.timer_at.get(), want) {
            (Armed::Off, Armed::Off) => true,
            (Armed::At(cur), Armed::At(new)) => cur <= new && new - cur < 1000,
            _ => false,
        };
        if !keep {
            self.timer_at.set(want);
            self.lp.timer(ms);
        }
    }

    /// Service one ready descriptor.
    fn service(&self, fd: c_int, events: c_short, revents: c_short) {
        let mut pfd = LwsPollfd {
            fd,
            events,
            revents,
        };
        // SAFETY: callers check `dead`: the context is alive.
        unsafe { lws_service_fd(self.cx, &mut pfd) };
    }

    /// MULTIPLEX: the epoll set is readable: service every member that is
    /// ready (up to a batch; the rest keep the set readable).
    fn service_ready(&self) {
        let mut ready = [mux::Ready {
            token: 0,
            revents: 0,
        }; mux::BATCH];
        let n = match &*self.mux.borrow() {
            Some(m) => m.ready(&mut ready),
            None => return,
        };
        for r in &ready[..n] {
            if self.dead.get() {
                return;
            }
            // Servicing the ones before may have closed this one or
            // changed what it waits for: look it up again.
            let Some((fd, events)) = self.member(r.token) else {
                continue;
            };
            let revents = r.revents & (events | POLLERR | POLLHUP);
            if events != 0 && revents != 0 {
                self.service(fd, events, revents);
            }
        }
    }

    /// The descriptor and wanted events of the slot with `token`.
    fn member(&self, token: u64) -> Option<(c_int, c_short)> {
        let key = *self.tokens.borrow().get(&token)?;
        let slots = self.slots.borrow();
        let slot = slots.get(&key)?;
        Some((slot.fd, slot.events.get()))
    }

    /// Remove every watcher of ours from the loop and close the epoll set
    /// (the members leave it with it). The guest is dead already.
    fn release_watchers(&self) {
        let slots = std::mem::take(&mut *self.slots.borrow_mut());
        let hub = self.hub.borrow_mut().take();
        for mut slot in slots.into_values().chain(hub) {
            if let Some(io) = slot.io.take() {
                self.lp.io_free(io);
            }
        }
        self.tokens.borrow_mut().clear();
        drop(self.mux.borrow_mut().take());
    }

    fn new_token(&self) -> u64 {
        let t = self.next_token.get();
        self.next_token.set(t + 1);
        t
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

/// A watched descriptor is ready: service it (the epoll set of a
/// MULTIPLEX guest: every member that is ready), then re-arm the timer.
///
/// # Safety
/// `slot` is the pointer given to [`Loop::io_new`], for a live watcher.
pub unsafe fn fd_ready<L: Loop>(slot: *const c_void, revents: c_short) {
    guard("fd_ready", (), || {
        // Copy out what is needed: servicing may close the wsi and free
        // its slot.
        // SAFETY: caller contract.
        let (gp, fd, events, hub) = unsafe {
            let s = &*(slot as *const Slot<L>);
            (s.guest, s.fd, s.events.get(), s.hub)
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
        if hub {
            g.service_ready();
        } else {
            g.service(fd, events, revents);
        }
        g.rearm();
    })
}

/// The guest's timer fired (a one-shot: the library's timer is off now,
/// or, glib, set for a time that has passed).
///
/// # Safety
/// `guest` is the pointer given to [`Loop::start`].
pub unsafe fn timer_fired<L: Loop>(guest: *const c_void) {
    guard("timer_fired", (), || {
        // SAFETY: the timer exists only while the guest does.
        if let Some(g) = unsafe { hold(guest as *const Guest<L>) } {
            g.timer_at.set(Armed::Unknown);
            g.rearm();
        }
    })
}

/// The loop is about to wait: re-arm for the next scheduled event.
///
/// # Safety
/// `guest` is the pointer given to [`Loop::start`].
pub unsafe fn before_wait<L: Loop>(guest: *const c_void) {
    guard("before_wait", (), || {
        // SAFETY: the hook exists only while the guest does.
        if let Some(g) = unsafe { hold(guest as *const Guest<L>) } {
            g.rearm();
        }
    })
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
            slots: RefCell::new(Map::default()),
            dead: Cell::new(false),
            primed: Cell::new(false),
            armed_zero: Cell::new(false),
            warned: Cell::new(false),
            timer_at: Cell::new(Armed::Unknown),
            mux: RefCell::new(None),
            hub: RefCell::new(None),
            tokens: RefCell::new(Map::default()),
            next_token: Cell::new(1),
        });
        let raw = Rc::as_ptr(&g) as *const c_void;
        let mut started = g.lp.start(raw);
        if started.is_ok() && L::MULTIPLEX {
            started = start_hub(&g);
        }
        if started.is_ok() && g.own {
            // Never on the program's loop: its signals are its own.
            started = g.lp.watch_signals(raw, options);
        }
        if let Err(why) = started {
            log_err(&format!("evlib {name}: {why}"));
            g.dead.set(true);
            g.release_watchers();
            g.lp.shutdown();
            return -1;
        }
        // Run protocol init and the first due events as soon as the loop
        // turns.
        g.armed_zero.set(true);
        g.arm(0);
        // SAFETY: the area checked above; the guest's reference moves in.
        unsafe { (*area).guest = Rc::into_raw(g) as *const c_void };
        0
    })
}

/// MULTIPLEX: open the epoll set and have the library watch it.
fn start_hub<L: Loop>(g: &Rc<Guest<L>>) -> Result<(), String> {
    let m = mux::Mux::new().map_err(|e| format!("epoll_create1: {e}"))?;
    let mut hub = Box::new(Slot {
        guest: Rc::as_ptr(g),
        fd: m.fd(),
        events: Cell::new(POLLIN),
        io: None,
        token: 0,
        hub: true,
    });
    *g.mux.borrow_mut() = Some(m);
    let sp = &*hub as *const Slot<L> as *const c_void;
    let io = g.lp.io_new(hub.fd, sp)?;
    g.lp.io_events(&io, POLLIN);
    hub.io = Some(io);
    *g.hub.borrow_mut() = Some(hub);
    Ok(())
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
        token: g.new_token(),
        hub: false,
    });
    if L::MULTIPLEX {
        // Joins the epoll set when it is first wanted for something.
        g.tokens.borrow_mut().insert(slot.token, wsi as usize);
    } else {
        let sp = &*slot as *const Slot<L> as *const c_void;
        slot.io = Some(g.lp.io_new(fd, sp)?);
    }
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
        if new == old {
            return;
        }
        slot.events.set(new);
        if let Some(io) = &slot.io {
            g.lp.io_events(io, new);
        } else if let Some(m) = &*g.mux.borrow() {
            if let Err(e) = m.change(slot.fd, slot.token, old, new) {
                log_err(&format!(
                    "evlib {}: fd {}: epoll_ctl: {e}",
                    L::NAME.to_string_lossy(),
                    slot.fd
                ));
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
    let Some(mut slot) = slot else {
        return;
    };
    if let Some(io) = slot.io.take() {
        g.lp.io_free(io);
    }
    g.tokens.borrow_mut().remove(&slot.token);
    if slot.events.get() != 0 {
        if let Some(m) = &*g.mux.borrow() {
            // Out of the set while the descriptor is still open (a closed
            // one leaves by itself only once no duplicate is open).
            let _ = m.remove(slot.fd);
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
        g.release_watchers();
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
