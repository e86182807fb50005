//! rwsloop's uloop backend (`librwsloop-evlib_uloop.so`): rwsloop loads it
//! for a context created with `LWS_SERVER_OPTION_ULOOP` and finds
//! [`evlib_uloop`] in it.
//!
//! uloop (OpenWrt's libubox) has exactly one loop per process: its state is
//! global, `uloop_init` makes it, `uloop_run` runs it, `uloop_end` asks the
//! running `uloop_run` to return, `uloop_done` closes it. So the loop object
//! in `info.foreign_loops[0]` means nothing here; only whether it is there:
//!
//! - non-NULL (any value): the program's loop. The program has called
//!   `uloop_init` and runs `uloop_run` itself. rwsloop adds one `uloop_fd`
//!   per descriptor and one `uloop_timeout` for its scheduled events, and
//!   `lws_context_destroy` removes every one of them before it returns; it
//!   never ends, runs or closes that loop (`lws_service` on such a context
//!   returns 1 at once and logs a warning the first time).
//! - NULL: the plugin owns uloop. Creating the context calls `uloop_init`,
//!   `lws_service` runs `uloop_run` until the context is destroyed (then it
//!   returns 1), and the last such context's destroy calls `uloop_done`.
//!
//! uloop has no hook that runs before each wait. The timer is re-armed after
//! every call into rwsloop (a descriptor serviced, the timer fired), and
//! rwsloop itself nudges its wake descriptor when the program schedules a
//! sul from its own code that is earlier than any other, so no sul is slept
//! past.
//!
//! Signals: the plugin installs no signal handling of its own. `uloop_init`
//! (the program's, or the plugin's on an own loop) installs uloop's: see
//! README.md.

#[path = "../../common/guest.rs"]
mod guest;

use guest::{Exported, Loop, OpsTable, POLLERR, POLLHUP, POLLIN, POLLOUT};
use std::cell::Cell;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_short, c_uint, c_void};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

// ---- libubox's uloop, as much of it as the plugin uses --------------------
// (src/layout.c checks these against <libubox/uloop.h> at build time)

/// `struct list_head`.
#[repr(C)]
struct ListHead {
    next: *mut ListHead,
    prev: *mut ListHead,
}

type FdHandler = unsafe extern "C" fn(u: *mut UloopFd, events: c_uint);
type TimeoutHandler = unsafe extern "C" fn(t: *mut UloopTimeout);

/// `struct uloop_fd`: registered with epoll by address, so it must not
/// move while registered.
#[repr(C)]
struct UloopFd {
    cb: Option<FdHandler>,
    fd: c_int,
    eof: bool,
    error: bool,
    registered: bool,
    flags: u8,
}

/// `struct uloop_timeout`: linked into uloop's list by address.
#[repr(C)]
struct UloopTimeout {
    list: ListHead,
    pending: bool,
    cb: Option<TimeoutHandler>,
    time: libc::timeval,
}

const _: () = {
    assert!(std::mem::size_of::<UloopFd>() == 16);
    assert!(std::mem::offset_of!(UloopFd, fd) == 8);
    assert!(std::mem::offset_of!(UloopFd, flags) == 15);
    assert!(std::mem::size_of::<UloopTimeout>() == 48);
    assert!(std::mem::offset_of!(UloopTimeout, pending) == 16);
    assert!(std::mem::offset_of!(UloopTimeout, cb) == 24);
    assert!(std::mem::offset_of!(UloopTimeout, time) == 32);
};

const ULOOP_READ: c_uint = 1 << 0;
const ULOOP_WRITE: c_uint = 1 << 1;
/// Report EPOLLERR / EPOLLHUP to the callback instead of silently taking
/// the descriptor out of the loop (which would leave rwsloop waiting on a
/// descriptor nobody watches).
const ULOOP_ERROR_CB: c_uint = 1 << 6;

extern "C" {
    /// What the header's inline `uloop_end()` sets.
    static mut uloop_cancelled: bool;
    static mut uloop_handle_sigchld: bool;
    fn uloop_init() -> c_int;
    fn uloop_run_timeout(timeout: c_int) -> c_int;
    fn uloop_done();
    fn uloop_fd_add(sock: *mut UloopFd, flags: c_uint) -> c_int;
    fn uloop_fd_delete(sock: *mut UloopFd) -> c_int;
    fn uloop_timeout_set(timeout: *mut UloopTimeout, msecs: c_int) -> c_int;
    fn uloop_timeout_cancel(timeout: *mut UloopTimeout) -> c_int;

    fn _lws_log(filter: c_int, format: *const c_char, ...);
}

// ---- the plugin's records on the loop ---------------------------------

/// A descriptor's watcher: the `uloop_fd` first, so the pointer uloop hands
/// the callback is the record's.
#[repr(C)]
struct FdWatch {
    ufd: UloopFd,
    /// the guest's slot for this descriptor (see `guest::fd_ready`)
    slot: *const c_void,
}

/// The guest's timer, laid out the same way.
#[repr(C)]
struct Timer {
    t: UloopTimeout,
    /// the guest (see `guest::timer_fired`)
    guest: *const c_void,
}

/// Contexts alive on a loop the plugin made: the first one's `uloop_init`
/// opens uloop, the last one's destroy closes it.
static OWN_USERS: AtomicUsize = AtomicUsize::new(0);

/// `uloop_init` for a loop of ours, without uloop's SIGCHLD handling: it
/// would reap every exited child of the program (`waitpid(-1)`) behind its
/// back, and an lws context must not change what happens to the program's
/// children.
///
/// # Safety
/// uloop is not open yet (first own user); loop thread.
unsafe fn own_init() -> c_int {
    // SAFETY: a plain global of libubox, read by uloop_init only.
    unsafe {
        uloop_handle_sigchld = false;
        uloop_init()
    }
}

/// uloop as one context's guest sees it.
struct Uloop {
    /// No foreign loop was given: the plugin initialised uloop.
    own: bool,
    timer: Cell<*mut Timer>,
}

/// A watcher made by `io_new`; dropping it takes it off the loop.
struct UloopIo(*mut FdWatch);

impl Drop for UloopIo {
    fn drop(&mut self) {
        // SAFETY: ours from Box::into_raw in io_new, freed only here; out of
        // uloop (and out of the events it has fetched) before it is freed,
        // which is allowed from inside its own callback.
        unsafe {
            uloop_fd_delete(&mut (*self.0).ufd);
            drop(Box::from_raw(self.0));
        }
    }
}

unsafe extern "C" fn io_cb(u: *mut UloopFd, events: c_uint) {
    // SAFETY: `u` is the first member of a live FdWatch of ours.
    let slot = unsafe {
        let w = u as *mut FdWatch;
        (*w).slot
    };
    let mut revents: c_short = 0;
    if events & ULOOP_READ != 0 {
        revents |= POLLIN;
    }
    if events & ULOOP_WRITE != 0 {
        revents |= POLLOUT;
    }
    // uloop sets `error` on EPOLLERR / EPOLLHUP and never clears it until
    // the descriptor is added again: report it once.
    // SAFETY: as above.
    unsafe {
        if (*u).error {
            (*u).error = false;
            revents |= POLLERR | POLLHUP;
        }
    }
    if revents == 0 {
        return;
    }
    // SAFETY: the slot lives as long as its watcher.
    unsafe { guest::fd_ready::<Uloop>(slot, revents) }
}

unsafe extern "C" fn timer_cb(t: *mut UloopTimeout) {
    // SAFETY: `t` is the first member of our live Timer. uloop has already
    // unlinked it and does not touch it after this returns, so the guest
    // may free it from inside (a context destroyed in a sul).
    let guest = unsafe { (*(t as *mut Timer)).guest };
    // SAFETY: the timer exists only while its guest does.
    unsafe { guest::timer_fired::<Uloop>(guest) }
}

impl Loop for Uloop {
    const NAME: &'static CStr = c"uloop";
    type Io = UloopIo;

    unsafe fn open(foreign: *mut c_void) -> Result<Self, String> {
        let own = foreign.is_null();
        // SAFETY: uloop_init only opens uloop's descriptors (it does nothing
        // if uloop is open already).
        if own && OWN_USERS.fetch_add(1, Ordering::SeqCst) == 0 && unsafe { own_init() } != 0 {
            OWN_USERS.fetch_sub(1, Ordering::SeqCst);
            return Err(format!(
                "uloop_init failed: {}",
                std::io::Error::last_os_error()
            ));
        }
        Ok(Uloop {
            own,
            timer: Cell::new(ptr::null_mut()),
        })
    }

    fn start(&self, guest: *const c_void) -> Result<(), String> {
        // uloop has no before-waiting hook: only the timer.
        // SAFETY: an all-zero uloop_timeout is an unlinked, unarmed one.
        let mut t: UloopTimeout = unsafe { std::mem::zeroed() };
        t.cb = Some(timer_cb);
        self.timer.set(Box::into_raw(Box::new(Timer { t, guest })));
        Ok(())
    }

    fn io_new(&self, fd: c_int, slot: *const c_void) -> Result<UloopIo, String> {
        let w = Box::new(FdWatch {
            ufd: UloopFd {
                cb: Some(io_cb),
                fd,
                eof: false,
                error: false,
                registered: false,
                flags: 0,
            },
            slot,
        });
        Ok(UloopIo(Box::into_raw(w)))
    }

    fn io_events(&self, io: &UloopIo, events: c_short) {
        let mut flags = 0;
        if events & POLLIN != 0 {
            flags |= ULOOP_READ;
        }
        if events & POLLOUT != 0 {
            flags |= ULOOP_WRITE;
        }
        // SAFETY: our live watcher, at a fixed address.
        let failed = unsafe {
            let u = &mut (*io.0).ufd;
            let was_reading = u.registered && c_uint::from(u.flags) & ULOOP_READ != 0;
            if flags & ULOOP_READ != 0 && !was_reading {
                // Reading (re)starts, maybe from the program's own code
                // (rx flow control resumed outside any rwsloop call).
                // rwsloop may hold input from before the pause, which it
                // hands over in lws_service_adjust_timeout; with no
                // before-wait hook to call that, fire the timer now: uloop
                // runs due timeouts before it looks at descriptors, so the
                // held input comes before anything read afterwards (an
                // end of file included).
                self.timer(0);
            }
            if flags == 0 {
                // nothing wanted: out of the loop, so a hung-up descriptor
                // nobody reads cannot keep the loop busy
                uloop_fd_delete(u);
                false
            } else {
                uloop_fd_add(u, flags | ULOOP_ERROR_CB) < 0
            }
        };
        if failed {
            // SAFETY: as above.
            let fd = unsafe { (*io.0).ufd.fd };
            guest::log_err(&format!(
                "evlib uloop: cannot watch fd {fd}: {}",
                std::io::Error::last_os_error()
            ));
        }
    }

    fn io_free(&self, io: UloopIo) {
        drop(io);
    }

    fn timer(&self, ms: c_int) {
        let t = self.timer.get();
        if t.is_null() {
            return;
        }
        // SAFETY: our live timer.
        unsafe {
            if ms < 0 {
                uloop_timeout_cancel(&mut (*t).t);
            } else {
                uloop_timeout_set(&mut (*t).t, ms);
            }
        }
    }

    fn run(&self) {
        // Only for an own loop (the guest never runs the program's).
        if self.own {
            // Until the context's destroy calls uloop_end (or uloop's own
            // SIGINT / SIGTERM handler does).
            // SAFETY: uloop is open while an own-loop context lives.
            unsafe { uloop_run_timeout(-1) };
        }
    }

    fn shutdown(&self) {
        let t = self.timer.replace(ptr::null_mut());
        if !t.is_null() {
            // SAFETY: our timer, unlinked, then freed once.
            unsafe {
                uloop_timeout_cancel(&mut (*t).t);
                drop(Box::from_raw(t));
            }
        }
        if self.own {
            // uloop_end(): the run_pt that may be running returns.
            // SAFETY: a plain flag of uloop's, on the loop's thread.
            unsafe { ptr::addr_of_mut!(uloop_cancelled).write(true) };
        }
    }
}

impl Drop for Uloop {
    fn drop(&mut self) {
        self.shutdown();
        if self.own && OWN_USERS.fetch_sub(1, Ordering::SeqCst) == 1 {
            // SAFETY: the last own-loop context is gone and no callback of
            // ours is on the stack (the guest is dropped only then).
            unsafe { uloop_done() };
        }
    }
}

static OPS: OpsTable = OpsTable(guest::ops::<Uloop>());

/// The plugin descriptor rwsloop looks up (`lws_plugin_evlib_t`).
#[no_mangle]
pub static evlib_uloop: Exported = Exported(guest::descriptor(c"evlib_uloop", &OPS));
