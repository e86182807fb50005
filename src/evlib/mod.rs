//! How the default loop waits for descriptors. One small contract, one file
//! per backend: epoll (the default on Linux) and poll (a complete fallback,
//! chosen with `RWSLOOP_BACKEND=poll` or `RWSLOOP_SERVER_OPTION_POLL_BACKEND`).
//! Foreign loops and custom ops tables join through the same layer later.

pub mod epoll;
pub mod poll;

use std::os::raw::c_int;

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
    /// Wait up to `timeout_ms` (-1: forever, 0: don't block) and fill `out`.
    fn wait(&mut self, timeout_ms: c_int, out: &mut Vec<Ready>) -> std::io::Result<WaitOutcome>;
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
            p.wait(0, &mut out).unwrap(),
            WaitOutcome::Ready(0),
            "{}",
            p.name()
        );
        // SAFETY: one byte from a live buffer.
        unsafe { libc::write(w, b"x".as_ptr().cast(), 1) };
        assert_eq!(p.wait(1000, &mut out).unwrap(), WaitOutcome::Ready(1));
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
        assert_eq!(p.wait(0, &mut out).unwrap(), WaitOutcome::Ready(1));
        assert_eq!(out[0].fd, w);
        assert!(out[0].writable);
        p.remove(w).unwrap();
        // SAFETY: closing descriptors we opened.
        unsafe {
            libc::close(r);
            libc::close(w);
        }
        assert_eq!(p.wait(0, &mut out).unwrap(), WaitOutcome::Ready(0));
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
