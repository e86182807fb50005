//! rwsloop's libuv backend (`librwsloop-evlib_uv.so`): rwsloop loads it for
//! a context created with `LWS_SERVER_OPTION_LIBUV` and finds [`evlib_uv`]
//! in it. The loop-independent part is ../../common/guest.rs; this file is
//! its [`Loop`] for libuv.
//!
//! With `info.foreign_loops[0]` set to the program's `uv_loop_t *`, rwsloop
//! is a guest on that loop: one `uv_poll_t` per descriptor, one
//! `uv_timer_t` for its scheduled events and one unreferenced
//! `uv_prepare_t` that re-arms the timer before each wait. The plugin never
//! runs, stops or closes that loop. libuv closes handles asynchronously:
//! `lws_context_destroy` (one call) stops and `uv_close`s every handle, and
//! the memory behind each is freed by its close callback the next time the
//! program's loop turns, so once the program has closed its own handles
//! `uv_loop_close` returns 0.
//!
//! Without a foreign loop the plugin makes a loop of its own: `lws_service`
//! runs it until the context is destroyed, and signal handles on it catch
//! SIGINT, SIGTERM, SIGSEGV, SIGFPE and SIGHUP (only the first two with
//! `LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN`): `info.signal_cb(handle,
//! signum)` if set, else the context is destroyed. When the guest goes, the
//! loop is turned until the close callbacks have run, closed and freed.

#![allow(non_camel_case_types)]

#[path = "../../common/guest.rs"]
mod guest;
mod uv;

use guest::{Exported, Loop, OpsTable, POLLERR, POLLHUP, POLLIN, POLLOUT};
use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::cell::{Cell, RefCell};
use std::ffi::CStr;
use std::os::raw::{c_int, c_short, c_void};
use std::ptr;
use uv::*;

const _: () = assert!(
    guest::KNOWS_INFO_LAYOUT,
    "build.rs must call lws_info_layout"
);

/// Alignment used for libuv's opaque objects.
const UV_ALIGN: usize = 16;

/// Turns of our own loop allowed for its close callbacks at the end.
const DRAIN_TURNS: usize = 64;

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

// ---- handles --------------------------------------------------------------

/// Our record of one libuv handle: its memory (sized by `uv_handle_size`,
/// pointing back here through its data field) and what its callback is
/// for. Both are freed by [`on_close`], which needs nothing else: a handle
/// may finish closing long after the guest is gone.
struct Handle {
    uv: *mut uv_handle_t,
    size: usize,
    /// the guest (timer, prepare, signals) or the slot (polls)
    arg: *const c_void,
    /// polls: UV_READABLE | UV_WRITABLE being watched
    mask: Cell<c_int>,
}

/// A handle of `kind` initialised on `lp` by `init`, carrying `arg`.
fn new_handle(
    lp: *mut uv_loop_t,
    kind: c_int,
    arg: *const c_void,
    init: impl FnOnce(*mut uv_loop_t, *mut uv_handle_t) -> c_int,
) -> Result<*mut Handle, String> {
    // SAFETY: plain query.
    let size = unsafe { uv_handle_size(kind) };
    let mem = uv_alloc(size) as *mut uv_handle_t;
    let r = init(lp, mem);
    if r != 0 {
        // SAFETY: never initialised: libuv does not know it.
        unsafe { uv_free(mem as *mut u8, size) };
        return Err(strerror(r));
    }
    let h = Box::into_raw(Box::new(Handle {
        uv: mem,
        size,
        arg,
        mask: Cell::new(0),
    }));
    // SAFETY: initialised; the record lives until the close callback.
    unsafe { uv_handle_set_data(mem, h as *mut c_void) };
    Ok(h)
}

/// The record behind a handle libuv passes to a callback.
///
/// # Safety
/// `uvh` is one of ours, not yet through its close callback.
unsafe fn record<'a>(uvh: *mut uv_handle_t) -> &'a Handle {
    // SAFETY: caller contract.
    unsafe { &*(uv_handle_get_data(uvh) as *const Handle) }
}

/// Start closing a handle; [`on_close`] frees it.
///
/// # Safety
/// `h` from [`new_handle`], not yet closed.
unsafe fn close_handle(h: *mut Handle) {
    // SAFETY: caller contract.
    unsafe {
        if uv_is_closing((*h).uv) == 0 {
            uv_close((*h).uv, Some(on_close));
        }
    }
}

unsafe extern "C" fn on_close(uvh: *mut uv_handle_t) {
    // SAFETY: every handle we close carries its record; libuv is done with
    // the memory once this callback runs.
    unsafe {
        let h = Box::from_raw(uv_handle_get_data(uvh) as *mut Handle);
        uv_free(h.uv as *mut u8, h.size);
    }
}

// ---- callbacks --------------------------------------------------------------

unsafe extern "C" fn on_poll(uvh: *mut uv_handle_t, status: c_int, events: c_int) {
    let mut revents: c_short = 0;
    if status < 0 {
        revents = POLLERR | POLLHUP;
    } else {
        if events & UV_READABLE != 0 {
            revents |= POLLIN;
        }
        if events & UV_WRITABLE != 0 {
            revents |= POLLOUT;
        }
        if events & UV_DISCONNECT != 0 {
            revents |= POLLHUP;
        }
    }
    if revents == 0 {
        return;
    }
    // SAFETY: a started poll handle's record holds its live slot (the
    // handle is stopped and closed before the slot goes).
    unsafe { guest::fd_ready::<Uv>(record(uvh).arg, revents) };
}

unsafe extern "C" fn on_timer(uvh: *mut uv_handle_t) {
    // SAFETY: the timer carries the guest, which outlives it.
    unsafe { guest::timer_fired::<Uv>(record(uvh).arg) };
}

unsafe extern "C" fn on_prepare(uvh: *mut uv_handle_t) {
    // SAFETY: as above.
    unsafe { guest::before_wait::<Uv>(record(uvh).arg) };
}

unsafe extern "C" fn on_signal(uvh: *mut uv_handle_t, signum: c_int) {
    // SAFETY: as above; lws hands the program the uv_signal_t itself.
    unsafe { guest::signal_caught::<Uv>(record(uvh).arg, uvh as *mut c_void, signum) };
}

// ---- the loop ---------------------------------------------------------------

/// The loop the guest lives on and its loop-wide handles.
struct Uv {
    lp: *mut uv_loop_t,
    /// we made the loop: we run, stop, close and free it
    own: bool,
    /// `uv_run` of our own loop is on the stack
    running: Cell<bool>,
    timer: Cell<*mut Handle>,
    prepare: Cell<*mut Handle>,
    signals: RefCell<Vec<*mut Handle>>,
}

/// A descriptor's poll handle.
struct UvIo(*mut Handle);

impl Uv {
    /// Turn our own loop (not running) until its close callbacks have run,
    /// then close and free it.
    fn close_own_loop(&self) {
        let mut r = 0;
        for _ in 0..DRAIN_TURNS {
            // SAFETY: our loop; nothing of it is running.
            unsafe { uv_run(self.lp, UV_RUN_NOWAIT) };
            // SAFETY: as above; UV_EBUSY while a handle is still open.
            r = unsafe { uv_loop_close(self.lp) };
            if r == 0 {
                // SAFETY: closed: libuv no longer uses the memory.
                unsafe { uv_free(self.lp as *mut u8, uv_loop_size()) };
                return;
            }
        }
        // Freeing memory libuv still links to would be worse than a leak.
        guest::log_err(&format!(
            "evlib uv: our loop did not close ({})",
            strerror(r)
        ));
    }
}

impl Loop for Uv {
    const NAME: &'static CStr = c"uv";
    type Io = UvIo;
    const SIGNAL_DESTROYS_CONTEXT: bool = true;

    unsafe fn open(foreign: *mut c_void) -> Result<Self, String> {
        let (lp, own) = if foreign.is_null() {
            // SAFETY: plain query, then the init of zeroed memory that big.
            let size = unsafe { uv_loop_size() };
            let mem = uv_alloc(size) as *mut uv_loop_t;
            let r = unsafe { uv_loop_init(mem) };
            if r != 0 {
                // SAFETY: never initialised.
                unsafe { uv_free(mem as *mut u8, size) };
                return Err(format!("cannot make a loop: {}", strerror(r)));
            }
            (mem, true)
        } else {
            (foreign as *mut uv_loop_t, false)
        };
        Ok(Uv {
            lp,
            own,
            running: Cell::new(false),
            timer: Cell::new(ptr::null_mut()),
            prepare: Cell::new(ptr::null_mut()),
            signals: RefCell::new(Vec::new()),
        })
    }

    fn start(&self, guest: *const c_void) -> Result<(), String> {
        // SAFETY: the init functions of each kind, on our loop.
        let t = new_handle(self.lp, UV_TIMER, guest, |l, h| unsafe {
            uv_timer_init(l, h)
        })
        .map_err(|e| format!("uv_timer_init: {e}"))?;
        self.timer.set(t);
        let p = new_handle(self.lp, UV_PREPARE, guest, |l, h| unsafe {
            uv_prepare_init(l, h)
        })
        .map_err(|e| format!("uv_prepare_init: {e}"))?;
        self.prepare.set(p);
        // SAFETY: an initialised prepare handle. It runs before every wait
        // and must not keep the loop alive by itself.
        unsafe {
            uv_prepare_start((*p).uv, on_prepare);
            uv_unref((*p).uv);
        }
        Ok(())
    }

    fn io_new(&self, fd: c_int, slot: *const c_void) -> Result<UvIo, String> {
        // SAFETY: a poll handle on our loop; started by io_events.
        let h = new_handle(self.lp, UV_POLL, slot, |l, h| unsafe {
            uv_poll_init(l, h, fd)
        })
        .map_err(|e| format!("cannot watch fd {fd}: {e}"))?;
        Ok(UvIo(h))
    }

    fn io_events(&self, io: &UvIo, events: c_short) {
        let mut mask = 0;
        if events & POLLIN != 0 {
            mask |= UV_READABLE;
        }
        if events & POLLOUT != 0 {
            mask |= UV_WRITABLE;
        }
        // SAFETY: an open poll handle of ours.
        let h = unsafe { &*io.0 };
        if h.mask.replace(mask) == mask {
            return;
        }
        // SAFETY: as above.
        let r = unsafe {
            if mask == 0 {
                uv_poll_stop(h.uv)
            } else {
                uv_poll_start(h.uv, mask, on_poll)
            }
        };
        if r != 0 {
            guest::log_err(&format!("evlib uv: uv_poll: {}", strerror(r)));
        }
    }

    fn io_free(&self, io: UvIo) {
        // SAFETY: an open poll handle of ours. Stopped now (rwsloop may
        // close the descriptor right after), freed by its close callback.
        unsafe {
            uv_poll_stop((*io.0).uv);
            close_handle(io.0);
        }
    }

    fn timer(&self, ms: c_int) {
        let t = self.timer.get();
        if t.is_null() {
            return;
        }
        // SAFETY: our open timer.
        unsafe {
            if ms < 0 {
                uv_timer_stop((*t).uv);
            } else {
                uv_timer_start((*t).uv, on_timer, ms as u64, 0);
            }
        }
    }

    fn run(&self) {
        if self.running.replace(true) {
            return;
        }
        // SAFETY: our loop; the guest (and so this) outlives the call.
        unsafe { uv_run(self.lp, UV_RUN_DEFAULT) };
        self.running.set(false);
    }

    fn shutdown(&self) {
        let mut handles = std::mem::take(&mut *self.signals.borrow_mut());
        handles.push(self.timer.replace(ptr::null_mut()));
        handles.push(self.prepare.replace(ptr::null_mut()));
        for h in handles.into_iter().filter(|h| !h.is_null()) {
            // SAFETY: open handles of ours, each closed once (the fields
            // were cleared).
            unsafe { close_handle(h) };
        }
        if self.own && self.running.get() {
            // SAFETY: our loop; run's uv_run returns after this turn.
            unsafe { uv_stop(self.lp) };
        }
    }

    fn watch_signals(&self, guest: *const c_void, options: u64) -> Result<(), String> {
        let all: &[c_int] = &[
            libc::SIGINT,
            libc::SIGTERM,
            libc::SIGSEGV,
            libc::SIGFPE,
            libc::SIGHUP,
        ];
        let n = if options & guest::LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN != 0 {
            2
        } else {
            all.len()
        };
        for &signum in &all[..n] {
            // SAFETY: a signal handle on our own loop.
            let h = new_handle(self.lp, UV_SIGNAL, guest, |l, h| unsafe {
                uv_signal_init(l, h)
            })
            .map_err(|e| format!("uv_signal_init: {e}"))?;
            self.signals.borrow_mut().push(h);
            // SAFETY: initialised. Unreferenced: a signal watcher alone
            // does not keep the loop running.
            let r = unsafe {
                let r = uv_signal_start((*h).uv, on_signal, signum);
                uv_unref((*h).uv);
                r
            };
            if r != 0 {
                return Err(format!("uv_signal_start({signum}): {}", strerror(r)));
            }
        }
        Ok(())
    }
}

impl Drop for Uv {
    fn drop(&mut self) {
        self.shutdown();
        if self.own {
            self.close_own_loop();
        }
    }
}

static OPS: OpsTable = OpsTable(guest::ops::<Uv>());

/// The plugin descriptor rwsloop looks up (`lws_plugin_evlib_t`).
#[no_mangle]
pub static evlib_uv: Exported = Exported(guest::descriptor(c"evlib_uv", &OPS));
