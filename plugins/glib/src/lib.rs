//! rwsloop's glib backend (`librwsloop-evlib_glib.so`): rwsloop loads it
//! for a context created with `LWS_SERVER_OPTION_GLIB` and finds
//! [`evlib_glib`] in it.
//!
//! With `info.foreign_loops[0]` set to the program's `GMainLoop *`, rwsloop
//! is a guest on that loop's `GMainContext`: it attaches one source for all
//! its descriptors (the guest's epoll set, `Loop::MULTIPLEX`, added with
//! `g_source_add_unix_fd`) and one timer source (a ready time, re-armed
//! from its `prepare` hook before each wait), and `lws_context_destroy`
//! destroys and unrefs both before it returns.
//!
//! The descriptor source keeps glib's default of not recursing: while it
//! dispatches (a callback of the program's is running), glib blocks it, so
//! a nested main-loop iteration services none of rwsloop's descriptors
//! (the timer source still runs) and cannot re-enter one being serviced.
//! Allowing recursion would save glib's two wake-ups around each dispatch
//! (a few percent in bench figure 8, per loop turn, not per message). Without a foreign loop the plugin makes a `GMainContext` and
//! `GMainLoop` of its own; `lws_service` then runs that loop until it is
//! quit (by the context's destroy, or by SIGINT, which a unix signal
//! source on that context catches: `info.signal_cb(NULL, 0)` if set, else
//! the loop quits) and returns 1.

#[path = "../../common/guest.rs"]
mod guest;

use guest::{Exported, Loop, OpsTable};
use std::cell::Cell;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_short, c_uint, c_void};
use std::ptr;

type Gboolean = c_int;
type Gpointer = *mut c_void;
type GSourceFunc = Option<unsafe extern "C" fn(Gpointer) -> Gboolean>;

/// `GMainContext` / `GMainLoop` (opaque).
#[repr(C)]
struct GMainContext {
    _opaque: [u8; 0],
}
#[repr(C)]
struct GMainLoop {
    _opaque: [u8; 0],
}

/// `GSource`: only its size matters here (a source of our own type embeds
/// it first), but every member is spelled out so the size is right.
#[repr(C)]
struct GSource {
    callback_data: Gpointer,
    callback_funcs: Gpointer,
    source_funcs: *const GSourceFuncs,
    ref_count: c_uint,
    context: *mut GMainContext,
    priority: c_int,
    flags: c_uint,
    source_id: c_uint,
    poll_fds: Gpointer,
    prev: Gpointer,
    next: Gpointer,
    name: *mut c_char,
    private: Gpointer,
}
const _: () = assert!(std::mem::size_of::<GSource>() == 96);

/// `GSourceFuncs`.
#[repr(C)]
struct GSourceFuncs {
    prepare: Option<unsafe extern "C" fn(*mut GSource, *mut c_int) -> Gboolean>,
    check: Option<unsafe extern "C" fn(*mut GSource) -> Gboolean>,
    dispatch: Option<unsafe extern "C" fn(*mut GSource, GSourceFunc, Gpointer) -> Gboolean>,
    finalize: Option<unsafe extern "C" fn(*mut GSource)>,
    closure_callback: GSourceFunc,
    closure_marshal: Gpointer,
}
// SAFETY: immutable tables of function pointers.
unsafe impl Sync for GSourceFuncs {}

const G_SOURCE_CONTINUE: Gboolean = 1;
const G_IO_IN: c_uint = 1;
const G_IO_OUT: c_uint = 4;

#[link(name = "glib-2.0")]
extern "C" {
    fn g_main_context_new() -> *mut GMainContext;
    fn g_main_context_ref(cx: *mut GMainContext) -> *mut GMainContext;
    fn g_main_context_unref(cx: *mut GMainContext);
    fn g_main_loop_new(cx: *mut GMainContext, is_running: Gboolean) -> *mut GMainLoop;
    fn g_main_loop_ref(lp: *mut GMainLoop) -> *mut GMainLoop;
    fn g_main_loop_unref(lp: *mut GMainLoop);
    fn g_main_loop_get_context(lp: *mut GMainLoop) -> *mut GMainContext;
    fn g_main_loop_run(lp: *mut GMainLoop);
    fn g_main_loop_quit(lp: *mut GMainLoop);
    fn g_source_new(funcs: *const GSourceFuncs, struct_size: c_uint) -> *mut GSource;
    fn g_source_set_name(src: *mut GSource, name: *const c_char);
    fn g_source_attach(src: *mut GSource, cx: *mut GMainContext) -> c_uint;
    fn g_source_destroy(src: *mut GSource);
    fn g_source_unref(src: *mut GSource);
    fn g_source_add_unix_fd(src: *mut GSource, fd: c_int, events: c_uint) -> Gpointer;
    fn g_source_modify_unix_fd(src: *mut GSource, tag: Gpointer, events: c_uint);
    fn g_source_remove_unix_fd(src: *mut GSource, tag: Gpointer);
    fn g_source_query_unix_fd(src: *mut GSource, tag: Gpointer) -> c_uint;
    fn g_source_set_ready_time(src: *mut GSource, ready_time: i64);
    fn g_get_monotonic_time() -> i64;
    fn g_source_set_callback(
        src: *mut GSource,
        func: GSourceFunc,
        data: Gpointer,
        notify: Option<unsafe extern "C" fn(Gpointer)>,
    );
    fn g_unix_signal_source_new(signum: c_int) -> *mut GSource;
}

const _: () = assert!(
    guest::KNOWS_INFO_LAYOUT,
    "build.rs must call lws_info_layout"
);

/// A descriptor's source: a `GSource` followed by our fields.
#[repr(C)]
struct FdSource {
    base: GSource,
    slot: *const c_void,
    fd: c_int,
    /// g_source_add_unix_fd's tag; NULL while nothing is watched (an fd
    /// polled for no events would still report hang-ups, over and over)
    tag: Gpointer,
}

/// The timer source.
#[repr(C)]
struct TimerSource {
    base: GSource,
    guest: *const c_void,
}

unsafe extern "C" fn fd_dispatch(src: *mut GSource, _cb: GSourceFunc, _data: Gpointer) -> Gboolean {
    // SAFETY: one of our FdSources; glib holds a reference while it
    // dispatches, so it stays valid even if servicing destroys it.
    unsafe {
        let s = src as *mut FdSource;
        let (slot, tag) = ((*s).slot, (*s).tag);
        if tag.is_null() {
            return G_SOURCE_CONTINUE;
        }
        // G_IO_* equal the POLL* bits on Linux.
        let revents = g_source_query_unix_fd(src, tag) as c_short;
        if revents != 0 {
            guest::fd_ready::<Glib>(slot, revents);
        }
    }
    G_SOURCE_CONTINUE
}

static FD_FUNCS: GSourceFuncs = GSourceFuncs {
    prepare: None,
    check: None,
    dispatch: Some(fd_dispatch),
    finalize: None,
    closure_callback: None,
    closure_marshal: ptr::null_mut(),
};

unsafe extern "C" fn timer_prepare(src: *mut GSource, timeout: *mut c_int) -> Gboolean {
    // SAFETY: our TimerSource; the out-pointer is glib's.
    unsafe {
        *timeout = -1;
        guest::before_wait::<Glib>((*(src as *mut TimerSource)).guest);
    }
    // Readiness comes from the ready time glib checks after this.
    0
}

unsafe extern "C" fn timer_dispatch(
    src: *mut GSource,
    _cb: GSourceFunc,
    _data: Gpointer,
) -> Gboolean {
    // SAFETY: our TimerSource, referenced by glib while it dispatches.
    // The ready time stays set (and passed) until the guest, told it
    // fired, sets a new one.
    unsafe { guest::timer_fired::<Glib>((*(src as *mut TimerSource)).guest) };
    G_SOURCE_CONTINUE
}

static TIMER_FUNCS: GSourceFuncs = GSourceFuncs {
    prepare: Some(timer_prepare),
    check: None,
    dispatch: Some(timer_dispatch),
    finalize: None,
    closure_callback: None,
    closure_marshal: ptr::null_mut(),
};

unsafe extern "C" fn sigint_dispatch(guest: Gpointer) -> Gboolean {
    // SAFETY: the guest given to watch_signals; lws gives a glib program's
    // signal_cb neither a handle nor the number.
    unsafe { guest::signal_caught::<Glib>(guest, ptr::null_mut(), 0) };
    G_SOURCE_CONTINUE
}

/// The loop the guest lives on, its timer source and (own loops) its
/// SIGINT source.
struct Glib {
    cx: *mut GMainContext,
    lp: *mut GMainLoop,
    own: bool,
    timer: Cell<*mut TimerSource>,
    sigint: Cell<*mut GSource>,
}

/// A descriptor's source.
struct GlibIo(*mut FdSource);

fn conditions(events: c_short) -> c_uint {
    let mut c = 0;
    if events & guest::POLLIN != 0 {
        c |= G_IO_IN;
    }
    if events & guest::POLLOUT != 0 {
        c |= G_IO_OUT;
    }
    c
}

impl Loop for Glib {
    const NAME: &'static CStr = c"glib";
    type Io = GlibIo;
    // glib walks every source of the context on every iteration, and
    // blocking a source with descriptors for its dispatch (and changing
    // what it polls for) wakes the context up: one source for all is far
    // cheaper than one each.
    const MULTIPLEX: bool = true;

    unsafe fn open(foreign: *mut c_void) -> Result<Self, String> {
        // SAFETY: glib constructors, or the program's GMainLoop.
        unsafe {
            if foreign.is_null() {
                let cx = g_main_context_new();
                let lp = g_main_loop_new(cx, 0);
                Ok(Glib {
                    cx,
                    lp,
                    own: true,
                    timer: Cell::new(ptr::null_mut()),
                    sigint: Cell::new(ptr::null_mut()),
                })
            } else {
                let lp = g_main_loop_ref(foreign as *mut GMainLoop);
                let cx = g_main_context_ref(g_main_loop_get_context(lp));
                Ok(Glib {
                    cx,
                    lp,
                    own: false,
                    timer: Cell::new(ptr::null_mut()),
                    sigint: Cell::new(ptr::null_mut()),
                })
            }
        }
    }

    fn start(&self, guest: *const c_void) -> Result<(), String> {
        // SAFETY: a new source of our type, attached to our context.
        unsafe {
            let t = g_source_new(&TIMER_FUNCS, std::mem::size_of::<TimerSource>() as c_uint)
                as *mut TimerSource;
            (*t).guest = guest;
            g_source_set_name(t as *mut GSource, c"rwsloop timer".as_ptr());
            g_source_attach(t as *mut GSource, self.cx);
            self.timer.set(t);
        }
        Ok(())
    }

    fn io_new(&self, fd: c_int, slot: *const c_void) -> Result<GlibIo, String> {
        // SAFETY: as in start.
        unsafe {
            let s =
                g_source_new(&FD_FUNCS, std::mem::size_of::<FdSource>() as c_uint) as *mut FdSource;
            (*s).slot = slot;
            (*s).fd = fd;
            (*s).tag = ptr::null_mut();
            g_source_set_name(s as *mut GSource, c"rwsloop fd".as_ptr());
            g_source_attach(s as *mut GSource, self.cx);
            Ok(GlibIo(s))
        }
    }

    fn io_events(&self, io: &GlibIo, events: c_short) {
        let s = io.0;
        // SAFETY: our live source.
        unsafe {
            let src = s as *mut GSource;
            let c = conditions(events);
            match ((*s).tag.is_null(), c) {
                (true, 0) => {}
                (true, c) => (*s).tag = g_source_add_unix_fd(src, (*s).fd, c),
                (false, 0) => {
                    g_source_remove_unix_fd(src, (*s).tag);
                    (*s).tag = ptr::null_mut();
                }
                (false, c) => g_source_modify_unix_fd(src, (*s).tag, c),
            }
        }
    }

    fn io_free(&self, io: GlibIo) {
        // SAFETY: our source, destroyed and released once.
        unsafe {
            g_source_destroy(io.0 as *mut GSource);
            g_source_unref(io.0 as *mut GSource);
        }
    }

    fn timer(&self, ms: c_int) {
        let t = self.timer.get();
        if t.is_null() {
            return;
        }
        // Setting a ready time wakes the context up; the guest calls this
        // only when the deadline moves, not on every iteration.
        // SAFETY: our live timer source.
        unsafe {
            let at = if ms < 0 {
                -1
            } else {
                g_get_monotonic_time() + i64::from(ms) * 1000
            };
            g_source_set_ready_time(t as *mut GSource, at);
        }
    }

    fn run(&self) {
        // SAFETY: our reference keeps the loop alive.
        unsafe { g_main_loop_run(self.lp) };
    }

    fn shutdown(&self) {
        let t = self.timer.replace(ptr::null_mut());
        let sig = self.sigint.replace(ptr::null_mut());
        // SAFETY: our sources, destroyed and released once.
        unsafe {
            for src in [t as *mut GSource, sig] {
                if !src.is_null() {
                    g_source_destroy(src);
                    g_source_unref(src);
                }
            }
            if self.own {
                g_main_loop_quit(self.lp);
            }
        }
    }

    fn watch_signals(&self, guest: *const c_void, _options: u64) -> Result<(), String> {
        // SAFETY: a new source attached to our own context; its callback
        // gets `guest`, which outlives it (destroyed in shutdown).
        unsafe {
            let src = g_unix_signal_source_new(libc::SIGINT);
            if src.is_null() {
                return Err("g_unix_signal_source_new(SIGINT) failed".into());
            }
            g_source_set_callback(src, Some(sigint_dispatch), guest as Gpointer, None);
            g_source_set_name(src, c"rwsloop SIGINT".as_ptr());
            g_source_attach(src, self.cx);
            self.sigint.set(src);
        }
        Ok(())
    }

    fn interrupt(&self) {
        // SAFETY: our reference keeps the loop alive.
        unsafe { g_main_loop_quit(self.lp) };
    }
}

impl Drop for Glib {
    fn drop(&mut self) {
        self.shutdown();
        // SAFETY: the references open() took.
        unsafe {
            g_main_loop_unref(self.lp);
            g_main_context_unref(self.cx);
        }
    }
}

static OPS: OpsTable = OpsTable(guest::ops::<Glib>());

/// The plugin descriptor rwsloop looks up (`lws_plugin_evlib_t`).
#[no_mangle]
pub static evlib_glib: Exported = Exported(guest::descriptor(c"evlib_glib", &OPS));
