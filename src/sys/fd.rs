//! Descriptor helpers.

use std::os::raw::c_int;

/// Put `fd` in non-blocking mode. Returns false if fcntl failed.
pub fn set_nonblocking(fd: c_int) -> bool {
    // SAFETY: fcntl on an arbitrary int is safe; a bad fd just fails.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) == 0
    }
}

/// The calling thread's kernel id, used to tell the service thread apart.
pub fn thread_id() -> i64 {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::syscall(libc::SYS_gettid) }
}
