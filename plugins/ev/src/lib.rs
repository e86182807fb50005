//! rwsloop's libev backend (`librwsloop-evlib_ev.so`): rwsloop loads it for
//! a context created with `LWS_SERVER_OPTION_LIBEV` and finds
//! [`evlib_ev`] in it.
//!
//! With `info.foreign_loops[0]` set to the program's `struct ev_loop *`,
//! rwsloop is a guest on that loop: it adds one `ev_io` per descriptor, one
//! `ev_timer` for its scheduled events and one `ev_prepare` (to re-arm that
//! timer before each wait), and `lws_context_destroy` stops and frees all of
//! them before it returns. Without a foreign loop the plugin makes a loop of
//! its own (`ev_loop_new`); `lws_service` then runs one iteration of it
//! (`ev_run(loop, EVRUN_ONCE)`) and returns 1, and an `ev_signal` on that
//! loop catches SIGINT (to `info.signal_cb(watcher, SIGINT)`, else
//! `ev_break`).

#[path = "../../common/guest.rs"]
mod guest;

use guest::{Exported, Loop, OpsTable, POLLERR, POLLIN, POLLOUT};
use std::cell::Cell;
use std::ffi::CStr;
use std::os::raw::{c_int, c_short, c_uint, c_void};
use std::ptr;

/// `struct ev_loop` (opaque).
#[repr(C)]
struct EvLoop {
    _opaque: [u8; 0],
}

type ShimFn = unsafe extern "C" fn(arg: *mut c_void, revents: c_int);
type ShimSignalFn = unsafe extern "C" fn(arg: *mut c_void, watcher: *mut c_void, signum: c_int);

const EV_READ: c_int = 0x01;
const EV_WRITE: c_int = 0x02;
const EV_ERROR: c_int = 0x8000_0000u32 as c_int;
const EVFLAG_AUTO: c_uint = 0;
const EVRUN_ONCE: c_int = 2;
const EVBREAK_ONE: c_int = 1;

extern "C" {
    fn ev_loop_new(flags: c_uint) -> *mut EvLoop;
    fn ev_loop_destroy(lp: *mut EvLoop);
    fn ev_run(lp: *mut EvLoop, flags: c_int) -> c_int;
    fn ev_break(lp: *mut EvLoop, how: c_int);

    // src/shim.c
    fn rwsloop_ev_io_new(fd: c_int, f: ShimFn, arg: *mut c_void) -> *mut c_void;
    fn rwsloop_ev_io_events(lp: *mut EvLoop, w: *mut c_void, events: c_int);
    fn rwsloop_ev_io_free(lp: *mut EvLoop, w: *mut c_void);
    fn rwsloop_ev_timer_new(f: ShimFn, arg: *mut c_void) -> *mut c_void;
    fn rwsloop_ev_timer_arm(lp: *mut EvLoop, w: *mut c_void, ms: c_int);
    fn rwsloop_ev_timer_free(lp: *mut EvLoop, w: *mut c_void);
    fn rwsloop_ev_prepare_new(lp: *mut EvLoop, f: ShimFn, arg: *mut c_void) -> *mut c_void;
    fn rwsloop_ev_prepare_free(lp: *mut EvLoop, w: *mut c_void);
    fn rwsloop_ev_signal_new(
        lp: *mut EvLoop,
        signum: c_int,
        f: ShimSignalFn,
        arg: *mut c_void,
    ) -> *mut c_void;
    fn rwsloop_ev_signal_free(lp: *mut EvLoop, w: *mut c_void);
}

const _: () = assert!(
    guest::KNOWS_INFO_LAYOUT,
    "build.rs must call lws_info_layout"
);

/// The loop the guest lives on, and its loop-wide watchers.
struct Ev {
    lp: *mut EvLoop,
    own: bool,
    timer: Cell<*mut c_void>,
    prepare: Cell<*mut c_void>,
    /// own loops only: the SIGINT watcher
    sigint: Cell<*mut c_void>,
}

/// An `ev_io` (inside the shim's record).
struct EvIo(*mut c_void);

unsafe extern "C" fn io_cb(arg: *mut c_void, revents: c_int) {
    let mut r: c_short = 0;
    if revents & EV_READ != 0 {
        r |= POLLIN;
    }
    if revents & EV_WRITE != 0 {
        r |= POLLOUT;
    }
    if revents & EV_ERROR != 0 {
        r |= POLLERR;
    }
    // SAFETY: arg is the slot given to io_new, alive while its watcher is.
    unsafe { guest::fd_ready::<Ev>(arg, r) }
}

unsafe extern "C" fn timer_cb(arg: *mut c_void, _revents: c_int) {
    // SAFETY: arg is the guest given to start.
    unsafe { guest::timer_fired::<Ev>(arg) }
}

unsafe extern "C" fn prepare_cb(arg: *mut c_void, _revents: c_int) {
    // SAFETY: arg is the guest given to start.
    unsafe { guest::before_wait::<Ev>(arg) }
}

unsafe extern "C" fn signal_cb(arg: *mut c_void, watcher: *mut c_void, signum: c_int) {
    // SAFETY: arg is the guest given to watch_signals; lws hands the
    // program the ev_signal itself.
    unsafe { guest::signal_caught::<Ev>(arg, watcher, signum) }
}

impl Loop for Ev {
    const NAME: &'static CStr = c"libev";
    type Io = EvIo;

    unsafe fn open(foreign: *mut c_void) -> Result<Self, String> {
        let (lp, own) = if foreign.is_null() {
            // SAFETY: plain constructor.
            let lp = unsafe { ev_loop_new(EVFLAG_AUTO) };
            if lp.is_null() {
                return Err("ev_loop_new failed".into());
            }
            (lp, true)
        } else {
            (foreign as *mut EvLoop, false)
        };
        Ok(Ev {
            lp,
            own,
            timer: Cell::new(ptr::null_mut()),
            prepare: Cell::new(ptr::null_mut()),
            sigint: Cell::new(ptr::null_mut()),
        })
    }

    fn start(&self, guest: *const c_void) -> Result<(), String> {
        // SAFETY: the callbacks get `guest`, which outlives the watchers.
        unsafe {
            let t = rwsloop_ev_timer_new(timer_cb, guest as *mut c_void);
            if t.is_null() {
                return Err("out of memory".into());
            }
            self.timer.set(t);
            let p = rwsloop_ev_prepare_new(self.lp, prepare_cb, guest as *mut c_void);
            if p.is_null() {
                return Err("out of memory".into());
            }
            self.prepare.set(p);
        }
        Ok(())
    }

    fn io_new(&self, fd: c_int, slot: *const c_void) -> Result<EvIo, String> {
        // SAFETY: the slot outlives its watcher (freed in io_free first).
        let w = unsafe { rwsloop_ev_io_new(fd, io_cb, slot as *mut c_void) };
        if w.is_null() {
            return Err("out of memory".into());
        }
        Ok(EvIo(w))
    }

    fn io_events(&self, io: &EvIo, events: c_short) {
        let mut e = 0;
        if events & POLLIN != 0 {
            e |= EV_READ;
        }
        if events & POLLOUT != 0 {
            e |= EV_WRITE;
        }
        // SAFETY: a watcher of ours on our loop.
        unsafe { rwsloop_ev_io_events(self.lp, io.0, e) };
    }

    fn io_free(&self, io: EvIo) {
        // SAFETY: as above; stopped, then freed once.
        unsafe { rwsloop_ev_io_free(self.lp, io.0) };
    }

    fn timer(&self, ms: c_int) {
        let t = self.timer.get();
        if !t.is_null() {
            // SAFETY: our timer on our loop.
            unsafe { rwsloop_ev_timer_arm(self.lp, t, ms) };
        }
    }

    fn run(&self) {
        // SAFETY: the loop is alive (ours, or the program's while the
        // context lives).
        unsafe { ev_run(self.lp, EVRUN_ONCE) };
    }

    fn shutdown(&self) {
        // SAFETY: our watchers, freed once (the cells are cleared).
        unsafe {
            let t = self.timer.replace(ptr::null_mut());
            if !t.is_null() {
                rwsloop_ev_timer_free(self.lp, t);
            }
            let p = self.prepare.replace(ptr::null_mut());
            if !p.is_null() {
                rwsloop_ev_prepare_free(self.lp, p);
            }
            let s = self.sigint.replace(ptr::null_mut());
            if !s.is_null() {
                rwsloop_ev_signal_free(self.lp, s);
            }
            if self.own {
                ev_break(self.lp, EVBREAK_ONE);
            }
        }
    }

    fn watch_signals(&self, guest: *const c_void, _options: u64) -> Result<(), String> {
        // SAFETY: our loop; the callback gets `guest`, which outlives the
        // watcher (freed in shutdown).
        let w = unsafe {
            rwsloop_ev_signal_new(self.lp, libc::SIGINT, signal_cb, guest as *mut c_void)
        };
        if w.is_null() {
            return Err("out of memory".into());
        }
        self.sigint.set(w);
        Ok(())
    }

    fn interrupt(&self) {
        // SAFETY: our own loop (signals are watched on nothing else).
        unsafe { ev_break(self.lp, EVBREAK_ONE) };
    }
}

impl Drop for Ev {
    fn drop(&mut self) {
        self.shutdown();
        if self.own {
            // SAFETY: the loop we made, no longer running (the guest is
            // dropped only once no callback of ours is on its stack).
            unsafe { ev_loop_destroy(self.lp) };
        }
    }
}

static OPS: OpsTable = OpsTable(guest::ops::<Ev>());

/// The plugin descriptor rwsloop looks up (`lws_plugin_evlib_t`).
#[no_mangle]
pub static evlib_ev: Exported = Exported(guest::descriptor(c"evlib_ev", &OPS));
