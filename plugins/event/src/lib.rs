//! rwsloop's libevent backend (`librwsloop-evlib_event.so`): rwsloop loads
//! it for a context created with `LWS_SERVER_OPTION_LIBEVENT` and finds
//! [`evlib_event`] in it. The loop-independent part is
//! ../../common/guest.rs; this file is its [`Loop`] for libevent 2.
//!
//! With `info.foreign_loops[0]` set to the program's `struct event_base *`,
//! rwsloop is a guest on that base: one persistent `struct event` per
//! descriptor (re-assigned when the wanted events change) and one timer
//! event for its scheduled events, all freed inside `lws_context_destroy`,
//! so `event_base_free` later finds nothing of ours. libevent 2.1 has no
//! hook that runs before each wait: the timer is re-armed after every call
//! into rwsloop, and a sul the program schedules from its own code is
//! noticed because rwsloop then makes its wake descriptor readable.
//!
//! Without a foreign loop the plugin makes a base of its own:
//! `lws_service` dispatches it until the context is destroyed, and a signal
//! event on it catches SIGINT (`info.signal_cb(signum as a pointer,
//! signum)` if set, else `event_base_loopbreak`, so `lws_service` returns).

#![allow(non_camel_case_types)]

mod ev2;
#[path = "../../common/guest.rs"]
mod guest;

use ev2::*;
use guest::{Exported, Loop, OpsTable, POLLIN, POLLOUT};
use std::cell::Cell;
use std::ffi::CStr;
use std::os::raw::{c_int, c_short, c_void};
use std::ptr;

const _: () = assert!(
    guest::KNOWS_INFO_LAYOUT,
    "build.rs must call lws_info_layout"
);

unsafe extern "C" fn on_io(_fd: c_int, what: c_short, slot: *mut c_void) {
    let mut revents: c_short = 0;
    if what & EV_READ != 0 {
        revents |= POLLIN;
    }
    if what & EV_WRITE != 0 {
        revents |= POLLOUT;
    }
    if revents != 0 {
        // SAFETY: the slot given to io_new, alive while its event is.
        unsafe { guest::fd_ready::<Event>(slot, revents) };
    }
}

unsafe extern "C" fn on_timer(_fd: c_int, _what: c_short, g: *mut c_void) {
    // SAFETY: the guest given to start, which outlives the event.
    unsafe { guest::timer_fired::<Event>(g) };
}

unsafe extern "C" fn on_signal(signum: c_int, _what: c_short, g: *mut c_void) {
    // SAFETY: the guest given to watch_signals. lws passes a libevent
    // program the event's descriptor (here the signal number) as handle.
    unsafe { guest::signal_caught::<Event>(g, signum as isize as *mut c_void, signum) };
}

/// The base the guest lives on and its loop-wide events.
struct Event {
    base: *mut event_base,
    /// we made the base: we dispatch and free it
    own: bool,
    /// `event_base_dispatch` of our own base is on the stack
    running: Cell<bool>,
    timer: Cell<*mut event>,
    /// own bases only: the SIGINT event
    sigint: Cell<*mut event>,
}

/// A descriptor's event, and what `event_assign` needs again.
struct EventIo {
    ev: *mut event,
    fd: c_int,
    slot: *const c_void,
}

impl Loop for Event {
    const NAME: &'static CStr = c"event";
    type Io = EventIo;

    unsafe fn open(foreign: *mut c_void) -> Result<Self, String> {
        let (base, own) = if foreign.is_null() {
            // SAFETY: plain constructor.
            let b = unsafe { event_base_new() };
            if b.is_null() {
                return Err("event_base_new failed".into());
            }
            (b, true)
        } else {
            (foreign as *mut event_base, false)
        };
        Ok(Event {
            base,
            own,
            running: Cell::new(false),
            timer: Cell::new(ptr::null_mut()),
            sigint: Cell::new(ptr::null_mut()),
        })
    }

    fn start(&self, guest: *const c_void) -> Result<(), String> {
        // SAFETY: a timer event on our base; its argument outlives it.
        let t = unsafe { event_new(self.base, -1, 0, on_timer, guest as *mut c_void) };
        if t.is_null() {
            return Err("cannot make the timer event".into());
        }
        self.timer.set(t);
        Ok(())
    }

    fn io_new(&self, fd: c_int, slot: *const c_void) -> Result<EventIo, String> {
        // SAFETY: an event on our base, added by io_events; the slot
        // outlives it (freed in io_free first).
        let ev = unsafe { event_new(self.base, fd, EV_PERSIST, on_io, slot as *mut c_void) };
        if ev.is_null() {
            return Err(format!("cannot make an event for fd {fd}"));
        }
        Ok(EventIo { ev, fd, slot })
    }

    fn io_events(&self, io: &EventIo, events: c_short) {
        let mut what: c_short = 0;
        if events & POLLIN != 0 {
            what |= EV_READ;
        }
        if events & POLLOUT != 0 {
            what |= EV_WRITE;
        }
        // SAFETY: our event; re-assigned only while not pending (after
        // event_del), which libevent allows even inside its callback.
        unsafe {
            event_del(io.ev);
            if what == 0 {
                return;
            }
            let arg = io.slot as *mut c_void;
            if event_assign(io.ev, self.base, io.fd, what | EV_PERSIST, on_io, arg) != 0
                || event_add(io.ev, ptr::null()) != 0
            {
                guest::log_err(&format!("evlib event: fd {}: cannot watch it", io.fd));
            }
        }
    }

    fn io_free(&self, io: EventIo) {
        // SAFETY: our event, freed once (libevent allows it from inside the
        // event's own callback).
        unsafe { event_free(io.ev) };
    }

    fn timer(&self, ms: c_int) {
        let t = self.timer.get();
        if t.is_null() {
            return;
        }
        // SAFETY: our timer event.
        unsafe {
            if ms < 0 {
                event_del(t);
            } else {
                let tv = libc::timeval {
                    tv_sec: (ms / 1000) as libc::time_t,
                    tv_usec: ((ms % 1000) * 1000) as libc::suseconds_t,
                };
                event_add(t, &tv);
            }
        }
    }

    fn run(&self) {
        if self.running.replace(true) {
            return;
        }
        // SAFETY: our base; the guest (and so this) outlives the call.
        unsafe { event_base_dispatch(self.base) };
        self.running.set(false);
    }

    fn shutdown(&self) {
        for ev in [
            self.timer.replace(ptr::null_mut()),
            self.sigint.replace(ptr::null_mut()),
        ] {
            if !ev.is_null() {
                // SAFETY: our events, freed once (the fields were cleared).
                unsafe { event_free(ev) };
            }
        }
        if self.own && self.running.get() {
            self.interrupt();
        }
    }

    fn watch_signals(&self, guest: *const c_void, _options: u64) -> Result<(), String> {
        // SAFETY: a signal event on our own base; its argument outlives it
        // (freed in shutdown).
        unsafe {
            let ev = event_new(
                self.base,
                libc::SIGINT,
                EV_SIGNAL | EV_PERSIST,
                on_signal,
                guest as *mut c_void,
            );
            if ev.is_null() {
                return Err("cannot make the SIGINT event".into());
            }
            self.sigint.set(ev);
            if event_add(ev, ptr::null()) != 0 {
                return Err("cannot watch SIGINT".into());
            }
        }
        Ok(())
    }

    fn interrupt(&self) {
        // SAFETY: our own base (signals are watched on nothing else).
        unsafe { event_base_loopbreak(self.base) };
    }
}

impl Drop for Event {
    fn drop(&mut self) {
        self.shutdown();
        if self.own {
            // SAFETY: our base, not running (the guest is dropped only once
            // no callback of ours is on its stack), every event of ours on
            // it freed.
            unsafe { event_base_free(self.base) };
        }
    }
}

static OPS: OpsTable = OpsTable(guest::ops::<Event>());

/// The plugin descriptor rwsloop looks up (`lws_plugin_evlib_t`).
#[no_mangle]
pub static evlib_event: Exported = Exported(guest::descriptor(c"evlib_event", &OPS));
