//! Logging (lws-logs.h). `_lws_log`, `_lws_logv` and `lws_snprintf` are
//! C-variadic and live in src/c/variadic.c; they call back in here.

use super::guard::guard;
use super::types::lws_log_emit_t;
use crate::core::log;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};

/// The lws version rwsloop implements, and rwsloop's own.
static VERSION: &CStr = c"4.3.5-rwsloop-0.1.0";

/// Set which levels (`LLL_*` bits) are logged and, unless NULL, where
/// lines go (NULL keeps the current emitter, as in lws).
#[unsafe(no_mangle)]
pub extern "C" fn lws_set_log_level(level: c_int, log_emit_function: lws_log_emit_t) {
    guard("lws_set_log_level", || {
        log::set_level(level, log_emit_function)
    })
}

/// Non-zero if any bit of `level` is being logged.
#[unsafe(no_mangle)]
pub extern "C" fn lwsl_visible(level: c_int) -> c_int {
    log::enabled(level) as c_int
}

/// An emit function that writes to syslog.
///
/// # Safety
/// `line` must be NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lwsl_emit_syslog(level: c_int, line: *const c_char) {
    guard("lwsl_emit_syslog", || {
        if !line.is_null() {
            // SAFETY: caller's C string.
            log::emit_syslog(level, unsafe { CStr::from_ptr(line) });
        }
    })
}

/// An emit function that writes to stderr (the default).
///
/// # Safety
/// `line` must be NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lwsl_emit_stderr(level: c_int, line: *const c_char) {
    let _ = level;
    guard("lwsl_emit_stderr", || {
        if !line.is_null() {
            // SAFETY: caller's C string.
            log::emit_stderr(&unsafe { CStr::from_ptr(line) }.to_string_lossy());
        }
    })
}

/// Log `len` bytes at `vbuf` as a hex dump at `level`.
///
/// # Safety
/// `vbuf` must be NULL or readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lwsl_hexdump_level(level: c_int, vbuf: *const c_void, len: usize) {
    guard("lwsl_hexdump_level", || {
        if !log::enabled(level) {
            return;
        }
        if vbuf.is_null() {
            log::emit(level, "(hexdump: NULL ptr)\n");
            return;
        }
        if len == 0 {
            log::emit(level, "(hexdump: zero length)\n");
            return;
        }
        // SAFETY: caller guarantees len readable bytes.
        let data = unsafe { std::slice::from_raw_parts(vbuf as *const u8, len) };
        for line in log::hexdump_lines(data) {
            log::emit(level, &line);
        }
    })
}

/// The library version string ("4.3.5-rwsloop-<ours>").
#[unsafe(no_mangle)]
pub extern "C" fn lws_get_library_version() -> *const c_char {
    VERSION.as_ptr()
}

/// For the C shim: whether `level` is enabled (saves formatting).
#[unsafe(no_mangle)]
pub extern "C" fn rwsloop_log_enabled(level: c_int) -> c_int {
    log::enabled(level) as c_int
}

/// Emit an already formatted message at `level`, with lws's line prefix,
/// through the current emitter. Also usable by bindings (Python).
///
/// # Safety
/// `message` must be NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rwsloop_log_emit_line(level: c_int, message: *const c_char) {
    guard("rwsloop_log_emit_line", || {
        if !message.is_null() {
            // SAFETY: caller's C string.
            log::emit(level, &unsafe { CStr::from_ptr(message) }.to_string_lossy());
        }
    })
}
