//! How the loop waits. Two contracts:
//!
//! - [`EventLib`], the Rust mirror of lws's `struct lws_event_loop_ops`:
//!   what the core tells an event library (a descriptor appeared, start/stop
//!   read/write interest, a wsi is closing, teardown) and how a service pass
//!   waits. Every event library implements it: the default loop
//!   ([`default::DefaultLoop`]) and a program's C ops table
//!   ([`custom::Custom`], wrapped, not special-cased). Nothing above this
//!   module knows which one runs.
//! - [`Poller`], the default loop's readiness backend: epoll (the default on
//!   Linux) or poll (a complete fallback, chosen with `RWSLOOP_BACKEND=poll`
//!   or `RWSLOOP_SERVER_OPTION_POLL_BACKEND`).

pub mod custom;
pub mod default;
pub mod epoll;
pub mod plugin;
pub mod poll;

use crate::ffi::types::{lws, lws_context};
use std::os::raw::{c_int, c_void};

/// `LWS_EV_READ`: the interest concerns input.
pub(crate) const EV_READ: u32 = 1;
/// `LWS_EV_WRITE`: the interest concerns output.
pub(crate) const EV_WRITE: u32 = 2;
/// `LWS_EV_START`: begin watching.
pub(crate) const EV_START: u32 = 4;
/// `LWS_EV_STOP`: stop watching.
pub(crate) const EV_STOP: u32 = 8;

/// A library's own loop runner (`run_pt`).
pub type RunHook = unsafe extern "C" fn(cx: *mut lws_context, tsi: c_int);

/// What the core asks of an event library (mirrors lws_event_loop_ops).
/// Methods take `&self`: an implementation may call back into the library
/// (a C ops table does), so it keeps its own state in cells.
pub trait EventLib {
    /// For logs.
    fn name(&self) -> String;
    /// Context and service-thread setup (`init_context`, `init_pt`), given
    /// the program's loop object for thread 0 (or NULL).
    fn init(&self, cx: *mut lws_context, foreign_loop: *mut c_void) -> Result<(), String>;
    /// A descriptor is about to enter the table: `init_vhost_listen_wsi`
    /// for listeners, `sock_accept` for the rest. An error refuses it.
    fn adopted(&self, wsi: *mut lws, fd: c_int, listener: bool) -> Result<(), String>;
    /// Start or stop interest (`EV_START`/`EV_STOP` with `EV_READ`/`EV_WRITE`).
    fn io(&self, wsi: *mut lws, fd: c_int, flags: u32);
    /// The descriptor has left lws's own table.
    fn forget(&self, fd: c_int);
    /// `wsi_logical_close`: true when the library will finish the close
    /// itself later (through `__lws_close_free_wsi_final`).
    fn logical_close(&self, wsi: *mut lws) -> bool;
    /// `destroy_wsi`: the wsi's memory is about to be freed.
    fn destroy_wsi(&self, wsi: *mut lws);
    /// `destroy_pt`: the service thread's wsis are all closed.
    fn destroy_pt(&self, cx: *mut lws_context);
    /// `destroy_context2`: late teardown (called before and after the
    /// protocols' PROTOCOL_DESTROY, as lws does).
    fn destroy_context(&self, cx: *mut lws_context);
    /// One wait on lws's own descriptor table, for `lws_service`
    /// (microseconds; None: forever).
    fn wait(&self, timeout_us: Option<i64>, out: &mut Vec<Ready>) -> std::io::Result<WaitOutcome>;
    /// `run_pt`: the hook that runs the library's own loop, if it has one
    /// (lws_service then calls it and returns 1; else it uses
    /// [`EventLib::wait`]). Handed out rather than called here because the
    /// loop may destroy the context, and with it this object, while it runs.
    fn run_hook(&self) -> Option<RunHook>;
    /// The zeroed per-thread area the library asked for (never NULL).
    fn pt_area(&self) -> *mut c_void;
    /// Whether the waiting is done by a loop of the program's (or a
    /// plugin's), which learns our next deadline only when it calls us.
    fn waits_elsewhere(&self) -> bool {
        false
    }
}

/// What a descriptor is waited for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Interest {
    /// wake when readable
    pub read: bool,
    /// wake when writable
    pub write: bool,
}

/// One ready descriptor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ready {
    /// the descriptor
    pub fd: c_int,
    /// POLLIN-like
    pub readable: bool,
    /// POLLOUT-like
    pub writable: bool,
    /// peer hung up
    pub hangup: bool,
    /// error (or, for poll, an invalid descriptor)
    pub error: bool,
}

/// The outcome of one wait.
#[derive(Debug, PartialEq, Eq)]
pub enum WaitOutcome {
    /// these many entries were written to the output
    Ready(usize),
    /// a signal interrupted the wait; lws returns from the pass
    Interrupted,
}

/// A readiness backend.
pub trait Poller {
    /// Short name for logs and tests.
    fn name(&self) -> &'static str;
    /// Start watching `fd`.
    fn add(&mut self, fd: c_int, interest: Interest) -> std::io::Result<()>;
    /// Change what `fd` is watched for.
    fn modify(&mut self, fd: c_int, interest: Interest) -> std::io::Result<()>;
    /// Stop watching `fd` (it may already be closed).
    fn remove(&mut self, fd: c_int) -> std::io::Result<()>;
    /// Wait up to `timeout_us` microseconds (None: forever, 0: don't
    /// block) and fill `out`. Sub-millisecond waits are honoured, so a
    /// timer under 1 ms away is neither spun on nor overslept.
    fn wait(
        &mut self,
        timeout_us: Option<i64>,
        out: &mut Vec<Ready>,
    ) -> std::io::Result<WaitOutcome>;
}

/// A timeout as a `timespec` (for ppoll / epoll_pwait2).
pub(crate) fn timespec_of(us: i64) -> libc::timespec {
    let us = us.max(0);
    libc::timespec {
        tv_sec: us / 1_000_000,
        tv_nsec: (us % 1_000_000) * 1000,
    }
}

/// Which backend to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// epoll, level-triggered
    Epoll,
    /// poll(2) over a dense array
    Poll,
}

impl Backend {
    /// The environment's choice (`RWSLOOP_BACKEND=poll|epoll`), if any.
    pub fn from_env() -> Option<Backend> {
        match std::env::var("RWSLOOP_BACKEND").ok()?.as_str() {
            "poll" => Some(Backend::Poll),
            "epoll" => Some(Backend::Epoll),
            other => {
                crate::core::log::warn(&format!(
                    "RWSLOOP_BACKEND={other} is not a backend (epoll, poll); using the default"
                ));
                None
            }
        }
    }

    /// Open a poller of this kind.
    pub fn open(self) -> std::io::Result<Box<dyn Poller>> {
        Ok(match self {
            Backend::Epoll => Box::new(epoll::Epoll::new()?),
            Backend::Poll => Box::new(poll::Poll::new()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipe() -> (c_int, c_int) {
        let mut fds = [0; 2];
        // SAFETY: room for two descriptors.
        assert_eq!(
            unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK) },
            0
        );
        (fds[0], fds[1])
    }

    fn exercise(mut p: Box<dyn Poller>) {
        let (r, w) = pipe();
        let mut out = Vec::new();
        p.add(
            r,
            Interest {
                read: true,
                write: false,
            },
        )
        .unwrap();
        p.add(
            w,
            Interest {
                read: false,
                write: false,
            },
        )
        .unwrap();
        assert_eq!(
            p.wait(Some(0), &mut out).unwrap(),
            WaitOutcome::Ready(0),
            "{}",
            p.name()
        );
        // SAFETY: one byte from a live buffer.
        unsafe { libc::write(w, b"x".as_ptr().cast(), 1) };
        assert_eq!(
            p.wait(Some(1_000_000), &mut out).unwrap(),
            WaitOutcome::Ready(1)
        );
        assert_eq!(out[0].fd, r);
        assert!(out[0].readable);
        p.modify(
            w,
            Interest {
                read: false,
                write: true,
            },
        )
        .unwrap();
        p.remove(r).unwrap();
        assert_eq!(p.wait(Some(0), &mut out).unwrap(), WaitOutcome::Ready(1));
        assert_eq!(out[0].fd, w);
        assert!(out[0].writable);
        p.remove(w).unwrap();
        // SAFETY: closing descriptors we opened.
        unsafe {
            libc::close(r);
            libc::close(w);
        }
        assert_eq!(p.wait(Some(0), &mut out).unwrap(), WaitOutcome::Ready(0));
    }

    #[test]
    fn epoll_contract() {
        exercise(Backend::Epoll.open().unwrap());
    }

    #[test]
    fn poll_contract() {
        exercise(Backend::Poll.open().unwrap());
    }
}
