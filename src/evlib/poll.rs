//! poll(2): the portable fallback. A dense pollfd array plus an fd → slot
//! index that grows with use (nothing is sized from RLIMIT_NOFILE).

use super::{Interest, Poller, Ready, WaitOutcome};
use std::io;
use std::os::raw::c_int;

const NO_SLOT: u32 = u32::MAX;

/// The pollfd set.
pub struct Poll {
    fds: Vec<libc::pollfd>,
    slot_of: Vec<u32>,
}

impl Poll {
    /// An empty set.
    pub fn new() -> Poll {
        Poll {
            fds: Vec::new(),
            slot_of: Vec::new(),
        }
    }

    fn slot(&self, fd: c_int) -> Option<usize> {
        let s = *self.slot_of.get(usize::try_from(fd).ok()?)?;
        (s != NO_SLOT).then_some(s as usize)
    }

    fn events_for(interest: Interest) -> i16 {
        let mut e = 0;
        if interest.read {
            e |= libc::POLLIN;
        }
        if interest.write {
            e |= libc::POLLOUT;
        }
        e
    }
}

impl Default for Poll {
    fn default() -> Self {
        Self::new()
    }
}

fn bad_fd() -> io::Error {
    io::Error::from_raw_os_error(libc::EBADF)
}

impl Poller for Poll {
    fn name(&self) -> &'static str {
        "poll"
    }

    fn add(&mut self, fd: c_int, interest: Interest) -> io::Result<()> {
        let i = usize::try_from(fd).map_err(|_| bad_fd())?;
        if self.slot(fd).is_some() {
            return Err(io::Error::from_raw_os_error(libc::EEXIST));
        }
        if self.slot_of.len() <= i {
            self.slot_of.resize(i + 1, NO_SLOT);
        }
        self.slot_of[i] = self.fds.len() as u32;
        self.fds.push(libc::pollfd {
            fd,
            events: Self::events_for(interest),
            revents: 0,
        });
        Ok(())
    }

    fn modify(&mut self, fd: c_int, interest: Interest) -> io::Result<()> {
        let s = self
            .slot(fd)
            .ok_or_else(|| io::Error::from_raw_os_error(libc::ENOENT))?;
        self.fds[s].events = Self::events_for(interest);
        Ok(())
    }

    fn remove(&mut self, fd: c_int) -> io::Result<()> {
        let Some(s) = self.slot(fd) else {
            return Ok(());
        };
        // Move the last entry into the hole, keeping the array dense.
        self.fds.swap_remove(s);
        if let Some(moved) = self.fds.get(s) {
            self.slot_of[moved.fd as usize] = s as u32;
        }
        self.slot_of[fd as usize] = NO_SLOT;
        Ok(())
    }

    fn wait(&mut self, timeout_us: Option<i64>, out: &mut Vec<Ready>) -> io::Result<WaitOutcome> {
        out.clear();
        let ts = timeout_us.map(super::timespec_of);
        let ts_ptr = ts
            .as_ref()
            .map_or(std::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: the array is valid for fds.len() entries; ppoll takes a
        // nanosecond timeout (NULL: forever).
        let n = unsafe {
            libc::ppoll(
                self.fds.as_mut_ptr(),
                self.fds.len() as libc::nfds_t,
                ts_ptr,
                std::ptr::null(),
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.raw_os_error() {
                Some(libc::EINTR) => Ok(WaitOutcome::Interrupted),
                _ => Err(e),
            };
        }
        for p in self.fds.iter().filter(|p| p.revents != 0) {
            out.push(Ready {
                fd: p.fd,
                readable: p.revents & libc::POLLIN != 0,
                writable: p.revents & libc::POLLOUT != 0,
                hangup: p.revents & libc::POLLHUP != 0,
                error: p.revents & (libc::POLLERR | libc::POLLNVAL) != 0,
            });
        }
        Ok(WaitOutcome::Ready(out.len()))
    }
}
