//! rwsloop's sd-event backend (`librwsloop-evlib_sdevent.so`): rwsloop
//! loads it for a context created with `LWS_SERVER_OPTION_SDEVENT` and
//! finds [`evlib_sdevent`] in it.
//!
//! With `info.foreign_loops[0]` set to the program's `sd_event *`, rwsloop
//! is a guest on that loop: it adds one I/O source for all its descriptors
//! (the guest's epoll set, `Loop::MULTIPLEX`), one one-shot
//! CLOCK_MONOTONIC time source for its scheduled events and one post
//! source (which re-arms that timer after every iteration that dispatched
//! anything), and `lws_context_destroy` disables and unrefs all of them
//! before it returns, so they hold no reference to the loop afterwards. Without a foreign loop the plugin makes its own
//! (`sd_event_new`); `lws_service` then runs one iteration of it
//! (`sd_event_run`) and returns 1.

#[path = "../../common/guest.rs"]
mod guest;

use guest::{Exported, Loop, OpsTable};
use std::cell::Cell;
use std::ffi::CStr;
use std::os::raw::{c_int, c_short, c_void};
use std::ptr;

/// `sd_event` / `sd_event_source` (opaque).
#[repr(C)]
struct SdEvent {
    _opaque: [u8; 0],
}
#[repr(C)]
struct SdEventSource {
    _opaque: [u8; 0],
}

type IoHandler = unsafe extern "C" fn(*mut SdEventSource, c_int, u32, *mut c_void) -> c_int;
type TimeHandler = unsafe extern "C" fn(*mut SdEventSource, u64, *mut c_void) -> c_int;
type PostHandler = unsafe extern "C" fn(*mut SdEventSource, *mut c_void) -> c_int;

const SD_EVENT_OFF: c_int = 0;
const SD_EVENT_ON: c_int = 1;
const SD_EVENT_ONESHOT: c_int = -1;
const CLOCK_MONOTONIC: c_int = libc::CLOCK_MONOTONIC;
const EPOLLIN: u32 = libc::EPOLLIN as u32;
const EPOLLOUT: u32 = libc::EPOLLOUT as u32;
/// Fire within a microsecond of the deadline (0 would mean sd-event's
/// default slack of 250 ms).
const ACCURACY_USEC: u64 = 1;

extern "C" {
    fn sd_event_new(e: *mut *mut SdEvent) -> c_int;
    fn sd_event_ref(e: *mut SdEvent) -> *mut SdEvent;
    fn sd_event_unref(e: *mut SdEvent) -> *mut SdEvent;
    fn sd_event_run(e: *mut SdEvent, usec: u64) -> c_int;
    fn sd_event_add_io(
        e: *mut SdEvent,
        s: *mut *mut SdEventSource,
        fd: c_int,
        events: u32,
        cb: IoHandler,
        data: *mut c_void,
    ) -> c_int;
    fn sd_event_add_time_relative(
        e: *mut SdEvent,
        s: *mut *mut SdEventSource,
        clock: c_int,
        usec: u64,
        accuracy: u64,
        cb: TimeHandler,
        data: *mut c_void,
    ) -> c_int;
    fn sd_event_add_post(
        e: *mut SdEvent,
        s: *mut *mut SdEventSource,
        cb: PostHandler,
        data: *mut c_void,
    ) -> c_int;
    fn sd_event_source_set_io_events(s: *mut SdEventSource, events: u32) -> c_int;
    fn sd_event_source_set_enabled(s: *mut SdEventSource, enabled: c_int) -> c_int;
    fn sd_event_source_set_time_relative(s: *mut SdEventSource, usec: u64) -> c_int;
    fn sd_event_source_set_description(
        s: *mut SdEventSource,
        d: *const std::os::raw::c_char,
    ) -> c_int;
    fn sd_event_source_disable_unref(s: *mut SdEventSource) -> *mut SdEventSource;
}

unsafe extern "C" fn io_cb(
    _s: *mut SdEventSource,
    _fd: c_int,
    revents: u32,
    data: *mut c_void,
) -> c_int {
    // EPOLLIN/OUT/ERR/HUP equal the POLL* bits; nothing wider is asked for.
    // SAFETY: data is the slot given to io_new, alive while its source is.
    unsafe { guest::fd_ready::<SdEv>(data, (revents & 0xffff) as u16 as c_short) };
    0
}

unsafe extern "C" fn time_cb(_s: *mut SdEventSource, _usec: u64, data: *mut c_void) -> c_int {
    // SAFETY: data is the guest given to start.
    unsafe { guest::timer_fired::<SdEv>(data) };
    0
}

unsafe extern "C" fn post_cb(_s: *mut SdEventSource, data: *mut c_void) -> c_int {
    // SAFETY: as above.
    unsafe { guest::before_wait::<SdEv>(data) };
    0
}

fn errno_text(r: c_int) -> String {
    std::io::Error::from_raw_os_error(-r).to_string()
}

/// The loop the guest lives on, its time source and its post source.
struct SdEv {
    e: *mut SdEvent,
    timer: Cell<*mut SdEventSource>,
    post: Cell<*mut SdEventSource>,
}

/// A descriptor's I/O source.
struct SdIo(*mut SdEventSource);

impl Loop for SdEv {
    const NAME: &'static CStr = c"sd-event";
    type Io = SdIo;
    // sd-event dispatches one source per iteration, and every iteration
    // waits on its epoll set first: with a source per descriptor, each
    // ready descriptor would cost a wait that returns all the others.
    const MULTIPLEX: bool = true;

    unsafe fn open(foreign: *mut c_void) -> Result<Self, String> {
        let e = if foreign.is_null() {
            let mut e = ptr::null_mut();
            // SAFETY: out-pointer to a local.
            let r = unsafe { sd_event_new(&mut e) };
            if r < 0 {
                return Err(format!("sd_event_new: {}", errno_text(r)));
            }
            e
        } else {
            // SAFETY: the program's sd_event; our reference lasts until Drop.
            unsafe { sd_event_ref(foreign as *mut SdEvent) }
        };
        Ok(SdEv {
            e,
            timer: Cell::new(ptr::null_mut()),
            post: Cell::new(ptr::null_mut()),
        })
    }

    fn start(&self, guest: *const c_void) -> Result<(), String> {
        // SAFETY: sources on our loop whose callbacks get `guest`, which
        // outlives them (they are unref'd in shutdown).
        unsafe {
            let mut t = ptr::null_mut();
            let r = sd_event_add_time_relative(
                self.e,
                &mut t,
                CLOCK_MONOTONIC,
                u64::MAX / 2,
                ACCURACY_USEC,
                time_cb,
                guest as *mut c_void,
            );
            if r < 0 {
                return Err(format!("sd_event_add_time_relative: {}", errno_text(r)));
            }
            sd_event_source_set_enabled(t, SD_EVENT_OFF);
            sd_event_source_set_description(t, c"rwsloop timer".as_ptr());
            self.timer.set(t);
            let mut p = ptr::null_mut();
            let r = sd_event_add_post(self.e, &mut p, post_cb, guest as *mut c_void);
            if r < 0 {
                return Err(format!("sd_event_add_post: {}", errno_text(r)));
            }
            sd_event_source_set_description(p, c"rwsloop re-arm".as_ptr());
            self.post.set(p);
        }
        Ok(())
    }

    fn io_new(&self, fd: c_int, slot: *const c_void) -> Result<SdIo, String> {
        let mut s = ptr::null_mut();
        // SAFETY: as in start; the slot outlives its source.
        unsafe {
            let r = sd_event_add_io(self.e, &mut s, fd, 0, io_cb, slot as *mut c_void);
            if r < 0 {
                return Err(format!("sd_event_add_io(fd {fd}): {}", errno_text(r)));
            }
            sd_event_source_set_enabled(s, SD_EVENT_OFF);
            sd_event_source_set_description(s, c"rwsloop fd".as_ptr());
        }
        Ok(SdIo(s))
    }

    fn io_events(&self, io: &SdIo, events: c_short) {
        let mut ev = 0;
        if events & guest::POLLIN != 0 {
            ev |= EPOLLIN;
        }
        if events & guest::POLLOUT != 0 {
            ev |= EPOLLOUT;
        }
        // SAFETY: our live source. Off while nothing is wanted: epoll
        // reports hang-ups even for an empty event mask.
        unsafe {
            if ev == 0 {
                sd_event_source_set_enabled(io.0, SD_EVENT_OFF);
            } else {
                sd_event_source_set_io_events(io.0, ev);
                sd_event_source_set_enabled(io.0, SD_EVENT_ON);
            }
        }
    }

    fn io_free(&self, io: SdIo) {
        // SAFETY: our source, released once (sd-event copes with a source
        // released from inside its own callback).
        unsafe { sd_event_source_disable_unref(io.0) };
    }

    fn timer(&self, ms: c_int) {
        let t = self.timer.get();
        if t.is_null() {
            return;
        }
        // SAFETY: our live time source.
        unsafe {
            if ms < 0 {
                sd_event_source_set_enabled(t, SD_EVENT_OFF);
            } else {
                sd_event_source_set_time_relative(t, ms as u64 * 1000);
                sd_event_source_set_enabled(t, SD_EVENT_ONESHOT);
            }
        }
    }

    fn run(&self) {
        // SAFETY: our reference keeps the loop alive; one iteration.
        unsafe { sd_event_run(self.e, u64::MAX) };
    }

    fn shutdown(&self) {
        // SAFETY: our sources, released once (the cells are cleared).
        unsafe {
            let t = self.timer.replace(ptr::null_mut());
            if !t.is_null() {
                sd_event_source_disable_unref(t);
            }
            let p = self.post.replace(ptr::null_mut());
            if !p.is_null() {
                sd_event_source_disable_unref(p);
            }
        }
    }
}

impl Drop for SdEv {
    fn drop(&mut self) {
        self.shutdown();
        // SAFETY: the reference open() took (or the loop it made).
        unsafe { sd_event_unref(self.e) };
    }
}

static OPS: OpsTable = OpsTable(guest::ops::<SdEv>());

/// The plugin descriptor rwsloop looks up (`lws_plugin_evlib_t`).
#[no_mangle]
pub static evlib_sdevent: Exported = Exported(guest::descriptor(c"evlib_sdevent", &OPS));
