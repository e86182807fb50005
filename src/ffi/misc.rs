//! Small helpers every lws program touches (lws-misc.h, lws-writeable.h).

use super::guard::guard;
use super::types::{lws, lws_callback_reasons, lws_context, lws_context_creation_info};
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

/// The default protocol handler programs chain to. For every reason the
/// loop can produce today the right answer is "nothing to do" (0); the
/// HTTP answers (404, 200, transaction completion) arrive with the HTTP role.
///
/// # Safety
/// Any arguments: none is dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_callback_http_dummy(
    wsi: *mut lws,
    reason: lws_callback_reasons,
    user: *mut c_void,
    in_: *mut c_void,
    len: usize,
) -> c_int {
    let _ = (wsi, reason, user, in_, len);
    0
}

/// Copy at most `size - 1` bytes of `src` into `dest` and NUL-terminate.
/// Returns `dest`.
///
/// # Safety
/// `dest` writable for `size` bytes; `src` a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_strncpy(
    dest: *mut c_char,
    src: *const c_char,
    size: usize,
) -> *mut c_char {
    guard("lws_strncpy", || {
        if dest.is_null() || size == 0 {
            return dest;
        }
        let n = if src.is_null() {
            0
        } else {
            // SAFETY: caller's C string.
            unsafe { CStr::from_ptr(src) }
                .to_bytes()
                .len()
                .min(size - 1)
        };
        // SAFETY: n < size bytes fit in dest; the ranges are the caller's.
        unsafe {
            if n > 0 {
                ptr::copy(src, dest, n);
            }
            *dest.add(n) = 0;
        }
        dest
    })
}

/// Fill `buf` with `len` random bytes from the kernel. Returns how many.
///
/// # Safety
/// `buf` writable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_random(
    context: *mut lws_context,
    buf: *mut c_void,
    len: usize,
) -> usize {
    let _ = context;
    guard("lws_get_random", || {
        let mut done = 0usize;
        while done < len {
            // SAFETY: writes within the caller's buffer.
            let n = unsafe { libc::getrandom((buf as *mut u8).add(done).cast(), len - done, 0) };
            if n <= 0 {
                break;
            }
            done += n as usize;
        }
        done
    })
}

/// The value after `val` in argv (`-p 80` or `-p80`), or NULL.
///
/// # Safety
/// `argv` holds `argc` C strings; `val` is a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_cmdline_option(
    argc: c_int,
    argv: *mut *const c_char,
    val: *const c_char,
) -> *const c_char {
    guard("lws_cmdline_option", || {
        if argv.is_null() || val.is_null() {
            return ptr::null();
        }
        // SAFETY: caller's C strings.
        let want = unsafe { CStr::from_ptr(val) }.to_bytes();
        for i in 1..argc.max(0) as usize {
            // SAFETY: i < argc.
            let arg = unsafe { *argv.add(i) };
            if arg.is_null() {
                break;
            }
            // SAFETY: caller's C string.
            let bytes = unsafe { CStr::from_ptr(arg) }.to_bytes();
            if !bytes.starts_with(want) {
                continue;
            }
            if bytes.len() > want.len() {
                // SAFETY: pointing inside the same string.
                return unsafe { arg.add(want.len()) };
            }
            if i + 1 < argc as usize {
                // SAFETY: i + 1 < argc.
                return unsafe { *argv.add(i + 1) };
            }
            // Present with no value: lws returns the empty tail.
            // SAFETY: the terminating NUL of the same string.
            return unsafe { arg.add(want.len()) };
        }
        ptr::null()
    })
}

/// This host's name (from gethostname when the context was made).
///
/// # Safety
/// `context` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_canonical_hostname(context: *mut lws_context) -> *const c_char {
    guard("lws_canonical_hostname", || {
        // SAFETY: caller contract.
        unsafe { super::handles::context_on_loop("lws_canonical_hostname", context) }
            .map_or(ptr::null(), |c| c.settings.hostname.as_ptr())
    })
}

/// Apply the options every lws example understands: `-d <mask>` sets the
/// log level (default err, warn, notice, user), `--ignore-sigterm` makes
/// SIGTERM harmless. Fault-injection options are accepted and ignored.
///
/// # Safety
/// `argv` holds `argc` C strings; `info` NULL or a creation info.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_cmdline_option_handle_builtin(
    argc: c_int,
    argv: *mut *const c_char,
    info: *mut lws_context_creation_info,
) {
    let _ = info;
    guard("lws_cmdline_option_handle_builtin", || {
        let mut level = crate::core::log::DEFAULT_EXAMPLE_LEVELS;
        // SAFETY: forwarded caller contract.
        let d = unsafe { lws_cmdline_option(argc, argv, c"-d".as_ptr()) };
        if !d.is_null() {
            // SAFETY: a C string inside argv.
            level = unsafe { libc::atoi(d) };
        }
        // SAFETY: as above.
        if !unsafe { lws_cmdline_option(argc, argv, c"--ignore-sigterm".as_ptr()) }.is_null() {
            // SAFETY: installing a do-nothing handler, as lws does.
            unsafe {
                libc::signal(
                    libc::SIGTERM,
                    ignore_signal as *const () as libc::sighandler_t,
                )
            };
        }
        crate::core::log::set_level(level, None);
    })
}

extern "C" fn ignore_signal(_: c_int) {}
