//! The guest's own epoll set, for libraries that do better with one watcher
//! than with one per descriptor ([`crate::guest::Loop::MULTIPLEX`]).
//!
//! Every descriptor of the context is in the set while it is wanted for
//! something, with a token of the guest's as its data; the loop library
//! watches only the set's own descriptor, which is readable while any
//! member is ready. Level-triggered, like the per-descriptor watchers it
//! replaces: what is not consumed is reported again.
//!
//! A descriptor wanted for nothing is taken out of the set rather than
//! left in with an empty mask: epoll reports hang-ups and errors whatever
//! the mask, and a hang-up nobody reads would keep the set readable.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::raw::{c_int, c_short};

/// At most this many ready descriptors are taken per wait; the rest stay
/// ready and are taken on the loop's next turn.
pub const BATCH: usize = 256;

/// One ready member: its token and what happened (POLL* bits).
#[derive(Clone, Copy)]
pub struct Ready {
    pub token: u64,
    pub revents: c_short,
}

/// An epoll set of the guest's, closed when dropped.
pub struct Mux {
    ep: OwnedFd,
}

fn cvt(r: c_int) -> io::Result<()> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// POLLIN / POLLOUT as epoll bits (they have the same values on Linux,
/// spelled out for clarity).
fn epoll_bits(events: c_short) -> u32 {
    let mut bits = 0;
    if events & libc::POLLIN != 0 {
        bits |= libc::EPOLLIN as u32;
    }
    if events & libc::POLLOUT != 0 {
        bits |= libc::EPOLLOUT as u32;
    }
    bits
}

fn poll_bits(bits: u32) -> c_short {
    let mut r = 0;
    if bits & libc::EPOLLIN as u32 != 0 {
        r |= libc::POLLIN;
    }
    if bits & libc::EPOLLOUT as u32 != 0 {
        r |= libc::POLLOUT;
    }
    if bits & libc::EPOLLERR as u32 != 0 {
        r |= libc::POLLERR;
    }
    if bits & libc::EPOLLHUP as u32 != 0 {
        r |= libc::POLLHUP;
    }
    r
}

impl Mux {
    /// A new, empty, close-on-exec set.
    pub fn new() -> io::Result<Mux> {
        // SAFETY: plain syscall.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        cvt(fd)?;
        // SAFETY: a descriptor we just opened and nobody else holds.
        Ok(Mux {
            ep: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    /// The set's own descriptor, for the loop library to watch.
    pub fn fd(&self) -> c_int {
        self.ep.as_raw_fd()
    }

    fn ctl(&self, op: c_int, fd: c_int, events: c_short, token: u64) -> io::Result<()> {
        let mut ev = libc::epoll_event {
            events: epoll_bits(events),
            u64: token,
        };
        // SAFETY: ev is valid for the call; the kernel checks fd.
        cvt(unsafe { libc::epoll_ctl(self.ep.as_raw_fd(), op, fd, &mut ev) })
    }

    /// `fd` was wanted for `old` and is now wanted for `new` (POLLIN |
    /// POLLOUT; 0: nothing): add it, change it or take it out.
    pub fn change(&self, fd: c_int, token: u64, old: c_short, new: c_short) -> io::Result<()> {
        match (old, new) {
            (_, 0) => self.remove(fd),
            (0, _) => match self.ctl(libc::EPOLL_CTL_ADD, fd, new, token) {
                // Still in from a previous owner of the number that never
                // took it out: take it over.
                Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {
                    self.ctl(libc::EPOLL_CTL_MOD, fd, new, token)
                }
                r => r,
            },
            _ => self.ctl(libc::EPOLL_CTL_MOD, fd, new, token),
        }
    }

    /// Take `fd` out of the set (one already closed left by itself).
    pub fn remove(&self, fd: c_int) -> io::Result<()> {
        match self.ctl(libc::EPOLL_CTL_DEL, fd, 0, 0) {
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT) | Some(libc::EBADF)) => Ok(()),
            r => r,
        }
    }

    /// The members ready now (no waiting), at most [`BATCH`], into `out`;
    /// how many.
    pub fn ready(&self, out: &mut [Ready; BATCH]) -> usize {
        let mut evs = [libc::epoll_event { events: 0, u64: 0 }; BATCH];
        // SAFETY: the kernel writes at most BATCH entries into our array.
        let n =
            unsafe { libc::epoll_wait(self.ep.as_raw_fd(), evs.as_mut_ptr(), BATCH as c_int, 0) };
        // EINTR cannot happen without waiting; any error: nothing ready
        // (the loop asks again when the set is readable).
        let n = n.max(0) as usize;
        for (o, e) in out.iter_mut().zip(&evs[..n]) {
            *o = Ready {
                token: e.u64,
                revents: poll_bits(e.events),
            };
        }
        n
    }
}
