//! The loop's wake-up descriptor: an eventfd (non-blocking, close-on-exec),
//! or a pipe pair where eventfd is unavailable. Signalling never blocks and
//! is async-signal-safe: it is one `write(2)` whose failure (counter or pipe
//! full) only means a wake is already pending.

use std::os::raw::c_int;

/// A readable-when-signalled descriptor.
pub struct WakeFd {
    read_fd: c_int,
    /// Same as `read_fd` for an eventfd; the pipe's write end otherwise.
    write_fd: c_int,
}

impl WakeFd {
    /// Open one, preferring eventfd; `force_pipe` tests the fallback.
    pub fn open(force_pipe: bool) -> std::io::Result<WakeFd> {
        if !force_pipe {
            // SAFETY: plain syscall, flags are valid.
            let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
            if fd >= 0 {
                return Ok(WakeFd {
                    read_fd: fd,
                    write_fd: fd,
                });
            }
        }
        let mut fds = [0 as c_int; 2];
        // SAFETY: fds has room for the two descriptors pipe2 writes.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(WakeFd {
            read_fd: fds[0],
            write_fd: fds[1],
        })
    }

    /// The descriptor to wait on for readability.
    pub fn read_fd(&self) -> c_int {
        self.read_fd
    }

    /// Make the descriptor readable. Safe from any thread or signal handler.
    pub fn signal(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live u64; the fd stays open for our life.
        // EAGAIN means the counter or pipe is already full: a wake is pending.
        unsafe { libc::write(self.write_fd, (&one as *const u64).cast(), 8) };
    }

    /// Consume every pending signal so the descriptor stops being readable.
    pub fn drain(&self) {
        let mut buf = [0u8; 64];
        loop {
            // SAFETY: reads into a live stack buffer of the given length.
            let n = unsafe { libc::read(self.read_fd, buf.as_mut_ptr().cast(), buf.len()) };
            // An eventfd empties in one read; a pipe may need several.
            if n <= 0 || self.read_fd == self.write_fd {
                break;
            }
        }
    }
}

impl Drop for WakeFd {
    fn drop(&mut self) {
        // SAFETY: we own both descriptors and close each once.
        unsafe {
            libc::close(self.read_fd);
            if self.write_fd != self.read_fd {
                libc::close(self.write_fd);
            }
        }
    }
}
