//! The cross-thread wake behind `lws_cancel_service`.
//!
//! An atomic "pending" flag in front of a wake descriptor: the first cancel
//! after a broadcast writes the descriptor, later ones see the flag and do
//! nothing, so any number of cancels costs one syscall and one broadcast.
//! The loop clears the flag *before* draining, so a cancel racing with the
//! drain either lands before it (covered by the coming broadcast) or writes
//! the descriptor again (a further broadcast): none is lost.

use crate::sys::eventfd::WakeFd;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, Ordering};

/// One service thread's wake.
pub struct Wake {
    pending: AtomicBool,
    fd: WakeFd,
}

impl Wake {
    /// Open the wake descriptor (`force_pipe` selects the pipe fallback).
    pub fn open(force_pipe: bool) -> std::io::Result<Wake> {
        Ok(Wake {
            pending: AtomicBool::new(false),
            fd: WakeFd::open(force_pipe)?,
        })
    }

    /// Wake the loop. Any thread, any signal handler; never blocks.
    pub fn signal(&self) {
        if !self.pending.swap(true, Ordering::AcqRel) {
            self.fd.signal();
        }
    }

    /// Loop side: consume the wake. Returns whether one was pending.
    pub fn take(&self) -> bool {
        let was = self.pending.swap(false, Ordering::AcqRel);
        self.fd.drain();
        was
    }

    /// The descriptor the loop waits on.
    pub fn fd(&self) -> c_int {
        self.fd.read_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readable(fd: c_int) -> bool {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, zero timeout.
        unsafe { libc::poll(&mut p, 1, 0) == 1 }
    }

    #[test]
    fn coalesces_and_rearms() {
        for pipe in [false, true] {
            let w = Wake::open(pipe).unwrap();
            assert!(!readable(w.fd()));
            w.signal();
            w.signal();
            assert!(readable(w.fd()));
            assert!(w.take());
            assert!(!readable(w.fd()));
            w.signal();
            assert!(readable(w.fd()), "a cancel after the drain must wake again");
            assert!(w.take());
        }
    }

    #[test]
    fn many_threads_never_block() {
        let w = std::sync::Arc::new(Wake::open(false).unwrap());
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let w = w.clone();
                std::thread::spawn(move || (0..10_000).for_each(|_| w.signal()))
            })
            .collect();
        hs.into_iter().for_each(|h| h.join().unwrap());
        assert!(w.take());
        assert!(!readable(w.fd()));
    }
}
