//! epoll, level-triggered: the default backend on Linux. O(ready) per wait,
//! however many descriptors are watched.

use super::{Interest, Poller, Ready, WaitOutcome};
use std::io;
use std::os::raw::c_int;

/// An epoll instance and its event buffer.
pub struct Epoll {
    epfd: c_int,
    events: Vec<libc::epoll_event>,
    /// the kernel lacks epoll_pwait2: use millisecond waits
    no_pwait2: bool,
}

impl Epoll {
    /// Open a close-on-exec epoll instance.
    pub fn new() -> io::Result<Epoll> {
        // SAFETY: plain syscall.
        let epfd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if epfd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Epoll {
            epfd,
            events: Vec::with_capacity(256),
            no_pwait2: false,
        })
    }

    fn ctl(&self, op: c_int, fd: c_int, interest: Interest) -> io::Result<()> {
        let mut bits = 0u32;
        if interest.read {
            bits |= libc::EPOLLIN as u32 | libc::EPOLLRDHUP as u32;
        }
        if interest.write {
            bits |= libc::EPOLLOUT as u32;
        }
        let mut ev = libc::epoll_event {
            events: bits,
            u64: fd as u64,
        };
        // SAFETY: ev is a valid epoll_event for the duration of the call.
        if unsafe { libc::epoll_ctl(self.epfd, op, fd, &mut ev) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

impl Epoll {
    /// epoll_pwait2 (nanosecond timeout, Linux 5.11+) when the timeout is
    /// not whole milliseconds and the kernel has it; else epoll_wait with
    /// the timeout rounded up.
    fn wait_raw(&mut self, timeout_us: Option<i64>, cap: c_int) -> c_int {
        if let Some(us) = timeout_us.filter(|us| us % 1000 != 0) {
            if !self.no_pwait2 {
                let ts = super::timespec_of(us);
                // SAFETY: our buffer of `cap` events and a valid timespec.
                let n = unsafe {
                    libc::epoll_pwait2(
                        self.epfd,
                        self.events.as_mut_ptr(),
                        cap,
                        &ts,
                        std::ptr::null(),
                    )
                };
                if n >= 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ENOSYS) {
                    return n;
                }
                self.no_pwait2 = true;
            }
        }
        let ms = timeout_us.map_or(-1, |us| {
            (us.max(0).saturating_add(999) / 1000).min(c_int::MAX as i64) as c_int
        });
        // SAFETY: the kernel writes at most `cap` events into our buffer.
        unsafe { libc::epoll_wait(self.epfd, self.events.as_mut_ptr(), cap, ms) }
    }
}

impl Poller for Epoll {
    fn name(&self) -> &'static str {
        "epoll"
    }

    fn add(&mut self, fd: c_int, interest: Interest) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_ADD, fd, interest)
    }

    fn modify(&mut self, fd: c_int, interest: Interest) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_MOD, fd, interest)
    }

    fn remove(&mut self, fd: c_int) -> io::Result<()> {
        match self.ctl(libc::EPOLL_CTL_DEL, fd, Interest::default()) {
            // Already closed descriptors left the set on their own.
            Err(e) if matches!(e.raw_os_error(), Some(libc::EBADF) | Some(libc::ENOENT)) => Ok(()),
            other => other,
        }
    }

    fn wait(&mut self, timeout_us: Option<i64>, out: &mut Vec<Ready>) -> io::Result<WaitOutcome> {
        out.clear();
        let cap = self.events.capacity();
        let n = self.wait_raw(timeout_us, cap as c_int);
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.raw_os_error() {
                Some(libc::EINTR) => Ok(WaitOutcome::Interrupted),
                _ => Err(e),
            };
        }
        // SAFETY: the kernel initialised the first n entries.
        unsafe { self.events.set_len(n as usize) };
        for ev in &self.events {
            let bits = ev.events;
            out.push(Ready {
                fd: ev.u64 as c_int,
                readable: bits & (libc::EPOLLIN as u32 | libc::EPOLLRDHUP as u32) != 0,
                writable: bits & libc::EPOLLOUT as u32 != 0,
                hangup: bits & libc::EPOLLHUP as u32 != 0,
                error: bits & libc::EPOLLERR as u32 != 0,
            });
        }
        // A full buffer suggests more were ready: grow for the next wait.
        if n as usize == cap {
            self.events.reserve(cap);
        }
        self.events.clear();
        Ok(WaitOutcome::Ready(out.len()))
    }
}

impl Drop for Epoll {
    fn drop(&mut self) {
        // SAFETY: we own epfd.
        unsafe { libc::close(self.epfd) };
    }
}
