//! The default event library: lws's own descriptor table waited on with a
//! [`Poller`] (epoll or poll). It is also the table a custom event library
//! falls back to when `lws_service` is called without a `run_pt`.

use super::{
    Backend, EventLib, Interest, Poller, Ready, WaitOutcome, EV_READ, EV_START, EV_STOP, EV_WRITE,
};
use crate::ffi::types::{lws, lws_context};
use std::cell::RefCell;
use std::os::raw::{c_int, c_void};
use std::ptr::NonNull;

/// Per-descriptor interest, and whether the poller knows the descriptor.
#[derive(Clone, Copy, Default)]
struct Slot {
    registered: bool,
    interest: Interest,
}

/// The default loop.
pub struct DefaultLoop {
    poller: RefCell<Box<dyn Poller>>,
    slots: RefCell<Vec<Slot>>,
}

impl DefaultLoop {
    /// A loop over `backend`.
    pub fn new(backend: Backend) -> std::io::Result<DefaultLoop> {
        Ok(DefaultLoop {
            poller: RefCell::new(backend.open()?),
            slots: RefCell::new(Vec::new()),
        })
    }

    /// Which backend waits.
    pub fn backend_name(&self) -> &'static str {
        self.poller.borrow().name()
    }
}

impl EventLib for DefaultLoop {
    fn name(&self) -> String {
        self.backend_name().to_string()
    }

    fn init(&self, _cx: *mut lws_context, _foreign_loop: *mut c_void) -> Result<(), String> {
        Ok(())
    }

    fn adopted(&self, _wsi: *mut lws, _fd: c_int, _listener: bool) -> Result<(), String> {
        Ok(())
    }

    fn io(&self, _wsi: *mut lws, fd: c_int, flags: u32) {
        let Ok(i) = usize::try_from(fd) else { return };
        let mut slots = self.slots.borrow_mut();
        if slots.len() <= i {
            let grown = (i + 1).max(slots.len() * 2);
            slots.resize(grown, Slot::default());
        }
        let slot = &mut slots[i];
        let on = flags & EV_START != 0 && flags & EV_STOP == 0;
        // Stopping interest in a descriptor we do not watch (lws stops it
        // once more after the close callback) must not register it: it is
        // about to be closed, and its number reused.
        if !slot.registered && !on {
            return;
        }
        if flags & EV_READ != 0 {
            slot.interest.read = on;
        }
        if flags & EV_WRITE != 0 {
            slot.interest.write = on;
        }
        let mut poller = self.poller.borrow_mut();
        let result = if slot.registered {
            poller.modify(fd, slot.interest)
        } else {
            slot.registered = true;
            poller.add(fd, slot.interest)
        };
        if let Err(e) = result {
            crate::core::log::err(&format!(
                "fd {fd}: the {} backend refused it: {e}",
                poller.name()
            ));
        }
    }

    fn forget(&self, fd: c_int) {
        let Ok(i) = usize::try_from(fd) else { return };
        if let Some(slot) = self.slots.borrow_mut().get_mut(i) {
            if slot.registered {
                // Best effort: the descriptor may already be closed.
                let _ = self.poller.borrow_mut().remove(fd);
            }
            *slot = Slot::default();
        }
    }

    fn logical_close(&self, _wsi: *mut lws) -> bool {
        false
    }

    fn destroy_wsi(&self, _wsi: *mut lws) {}

    fn destroy_pt(&self, _cx: *mut lws_context) {}

    fn destroy_context(&self, _cx: *mut lws_context) {}

    fn wait(&self, timeout_us: Option<i64>, out: &mut Vec<Ready>) -> std::io::Result<WaitOutcome> {
        self.poller.borrow_mut().wait(timeout_us, out)
    }

    fn run_hook(&self) -> Option<super::RunHook> {
        None
    }

    fn pt_area(&self) -> *mut c_void {
        // lws never hands out NULL here, even for an empty area.
        NonNull::<u64>::dangling().as_ptr() as *mut c_void
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evlib::{EV_READ, EV_START, EV_STOP, EV_WRITE};

    fn socketpair() -> [c_int; 2] {
        let mut sv = [0; 2];
        // SAFETY: room for two descriptors.
        assert_eq!(
            unsafe {
                libc::socketpair(
                    libc::AF_UNIX,
                    libc::SOCK_STREAM | libc::SOCK_NONBLOCK,
                    0,
                    sv.as_mut_ptr(),
                )
            },
            0
        );
        sv
    }

    /// A descriptor number closed and reused must be watched again: the
    /// stop lws sends after a close must not leave a stale registration.
    #[test]
    fn a_reused_descriptor_number_is_served() {
        for backend in [Backend::Epoll, Backend::Poll] {
            let lib = DefaultLoop::new(backend).unwrap();
            let wsi = std::ptr::null_mut();
            let first = socketpair();
            lib.io(wsi, first[0], EV_START | EV_READ);
            lib.io(wsi, first[0], EV_STOP | EV_READ | EV_WRITE);
            lib.forget(first[0]);
            lib.io(wsi, first[0], EV_STOP | EV_READ | EV_WRITE);
            // SAFETY: closing descriptors we opened.
            unsafe { libc::close(first[0]) };
            let second = socketpair();
            assert_eq!(second[0], first[0], "the kernel reuses the lowest number");
            lib.io(wsi, second[0], EV_START | EV_READ);
            // SAFETY: one byte from a live buffer.
            unsafe { libc::write(second[1], b"x".as_ptr().cast(), 1) };
            let mut out = Vec::new();
            assert_eq!(
                lib.wait(Some(1_000_000), &mut out).unwrap(),
                WaitOutcome::Ready(1),
                "{}",
                lib.backend_name()
            );
            assert!(out[0].readable && out[0].fd == second[0]);
            // SAFETY: closing descriptors we opened.
            unsafe {
                libc::close(first[1]);
                libc::close(second[0]);
                libc::close(second[1]);
            }
        }
    }
}
