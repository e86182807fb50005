//! The cross-thread wake behind `lws_cancel_service`.
//!
//! An atomic "pending" flag in front of a wake descriptor: the first cancel
//! after a broadcast writes the descriptor, later ones see the flag and do
//! nothing, so any number of cancels costs one syscall and one broadcast.
//!
//! The invariant is "flag set ⇒ descriptor readable". The loop therefore
//! drains *first* and clears the flag after: a cancel racing with that
//! either finds the flag still set (and is covered by the broadcast that
//! follows the drain) or finds it clear and writes again (a further
//! broadcast). Clearing first would let a racing write be drained while
//! its flag stays set, after which every cancel would be skipped.
//!
//! A *nudge* makes the descriptor readable without a cancel: the loop
//! thread uses it to get a program's own event loop to call us back (see
//! [`Wake::nudge`]). It has a flag of its own, so it never sets "pending"
//! and never causes an `EVENT_WAIT_CANCELLED`.

use crate::sys::eventfd::WakeFd;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, Ordering};

/// One service thread's wake.
pub struct Wake {
    pending: AtomicBool,
    /// a nudge is in the descriptor, not yet drained (loop thread only)
    nudged: AtomicBool,
    fd: WakeFd,
}

impl Wake {
    /// Open the wake descriptor (`force_pipe` selects the pipe fallback).
    pub fn open(force_pipe: bool) -> std::io::Result<Wake> {
        Ok(Wake {
            pending: AtomicBool::new(false),
            nudged: AtomicBool::new(false),
            fd: WakeFd::open(force_pipe)?,
        })
    }

    /// Wake the loop. Any thread, any signal handler; never blocks.
    pub fn signal(&self) {
        if !self.pending.swap(true, Ordering::AcqRel) {
            self.fd.signal();
        }
    }

    /// Loop thread, outside any service call: make the descriptor readable
    /// so that an event loop of the program's (which waits on it) turns and
    /// services us once. One write until the loop drains it.
    pub fn nudge(&self) {
        if !self.nudged.swap(true, Ordering::Relaxed) {
            self.fd.signal();
        }
    }

    /// Loop side: consume the wake. Returns whether a cancel was pending
    /// (false when the descriptor only carried a nudge).
    pub fn take(&self) -> bool {
        self.fd.drain();
        self.nudged.store(false, Ordering::Relaxed);
        self.pending.swap(false, Ordering::AcqRel)
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
    fn a_nudge_wakes_without_a_cancel() {
        for pipe in [false, true] {
            let w = Wake::open(pipe).unwrap();
            w.nudge();
            w.nudge();
            assert!(readable(w.fd()));
            assert!(!w.take(), "a nudge is not a cancel");
            assert!(!readable(w.fd()));
            w.nudge();
            w.signal();
            assert!(w.take(), "a cancel after a nudge is still seen");
            assert!(!readable(w.fd()));
            w.nudge();
            assert!(readable(w.fd()), "drained nudges can be sent again");
        }
    }

    /// Cancels racing with the loop's drain must never leave the flag set
    /// with nothing to read: every later cancel would then be skipped.
    #[test]
    fn a_cancel_racing_the_drain_is_never_lost() {
        let w = std::sync::Arc::new(Wake::open(false).unwrap());
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let senders: Vec<_> = (0..3)
            .map(|_| {
                let w = w.clone();
                std::thread::spawn(move || (0..200_000).for_each(|_| w.signal()))
            })
            .collect();
        let taker = {
            let (w, done) = (w.clone(), done.clone());
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    if readable(w.fd()) {
                        w.take();
                    }
                }
            })
        };
        senders.into_iter().for_each(|h| h.join().unwrap());
        done.store(true, Ordering::Relaxed);
        taker.join().unwrap();
        // Quiet now. A pending flag with nothing to read is the lost state:
        // every later cancel would skip its write.
        let pending = w.pending.load(Ordering::Acquire);
        assert!(
            !pending || readable(w.fd()),
            "flag set, nothing to read: cancels are being swallowed"
        );
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
