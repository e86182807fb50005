//! Monotonic time in microseconds, as lws measures it.

/// Microseconds on CLOCK_MONOTONIC. Never goes backwards; 0 is never
/// returned on a running system, which lets 0 mean "not scheduled".
pub fn now_usecs() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid out-pointer; CLOCK_MONOTONIC always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec * 1_000_000 + ts.tv_nsec / 1_000
}

/// Whole seconds since the Unix epoch (wall clock), as `lws_now_secs` gives.
pub fn wall_secs() -> u64 {
    // SAFETY: time(NULL) only reads the clock.
    let t = unsafe { libc::time(std::ptr::null_mut()) };
    t.max(0) as u64
}
