//! Logging as lws users know it: a global level mask, one emit function,
//! and lines of the form `[YYYY/MM/DD HH:MM:SS:ffff] L: message`.
//!
//! The mask and emitter are process-wide (as in lws) and read from any
//! thread, so they live in atomics.

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

/// lws's level bits, lowest first.
pub(crate) const LLL_ERR: c_int = 1 << 0;
/// warnings
pub(crate) const LLL_WARN: c_int = 1 << 1;
/// notices
pub(crate) const LLL_NOTICE: c_int = 1 << 2;
/// information
pub(crate) const LLL_INFO: c_int = 1 << 3;
/// how many level bits there are
pub(crate) const LLL_COUNT: u32 = 12;

/// What lws_cmdline_option_handle_builtin sets without `-d`: errors,
/// warnings, notices and user messages.
pub(crate) const DEFAULT_EXAMPLE_LEVELS: c_int = LLL_ERR | LLL_WARN | LLL_NOTICE | (1 << 10);

/// One letter per level bit, in bit order.
const LEVEL_LETTERS: &[u8; LLL_COUNT as usize] = b"EWNIDPHXCLUT";

/// The emit function signature (`lws_log_emit_t`).
pub type EmitFn = unsafe extern "C" fn(level: c_int, line: *const c_char);

static LEVEL_MASK: AtomicI32 = AtomicI32::new(LLL_ERR | LLL_WARN | LLL_NOTICE);
/// 0 means the built-in stderr emitter.
static EMITTER: AtomicUsize = AtomicUsize::new(0);

/// Set the mask, and the emitter unless `emit` is None (lws keeps the
/// current one then; `lwsl_emit_stderr` restores the default).
pub fn set_level(mask: c_int, emit: Option<EmitFn>) {
    LEVEL_MASK.store(mask, Ordering::Relaxed);
    if let Some(f) = emit {
        EMITTER.store(f as usize, Ordering::Relaxed);
    }
}

/// Whether any bit of `level` is enabled.
pub fn enabled(level: c_int) -> bool {
    LEVEL_MASK.load(Ordering::Relaxed) & level != 0
}

/// The letter lws shows for a level (the lowest set bit wins).
fn letter(level: c_int) -> char {
    let bit = (level as u32).trailing_zeros();
    LEVEL_LETTERS.get(bit as usize).map_or('?', |b| *b as char)
}

/// `[YYYY/MM/DD HH:MM:SS:ffff] L: ` for now, in local time.
fn line_prefix(level: c_int) -> String {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid out-pointers; localtime_r writes only into `tm`.
    let tm = unsafe {
        libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts);
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&ts.tv_sec, &mut tm);
        tm
    };
    format!(
        "[{:04}/{:02}/{:02} {:02}:{:02}:{:02}:{:04}] {}: ",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        ts.tv_nsec / 100_000,
        letter(level)
    )
}

/// Emit an already formatted message at `level`, if the level is enabled.
/// As lws 4.3: the line gets the timestamp prefix (only for a single level
/// bit) and ends in exactly one newline, added when the message lacks it.
pub fn emit(level: c_int, message: &str) {
    if !enabled(level) {
        return;
    }
    let prefix = if level.count_ones() == 1 {
        line_prefix(level)
    } else {
        String::new()
    };
    let newline = if message.ends_with('\n') { "" } else { "\n" };
    let line = format!("{prefix}{message}{newline}");
    let f = EMITTER.load(Ordering::Relaxed);
    if f == 0 {
        emit_stderr(&line);
        return;
    }
    let c = CString::new(line.replace('\0', "?")).unwrap_or_default();
    // SAFETY: f was stored from a valid EmitFn by set_level.
    let f: EmitFn = unsafe { std::mem::transmute::<usize, EmitFn>(f) };
    // SAFETY: the user's emitter gets a NUL-terminated line that outlives the call.
    unsafe { f(level, c.as_ptr()) };
}

/// The default emitter: the whole line to stderr in one write.
pub fn emit_stderr(line: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// The syslog emitter lws offers (`lwsl_emit_syslog`).
pub fn emit_syslog(level: c_int, line: &CStr) {
    let priority = match level {
        LLL_ERR => libc::LOG_ERR,
        LLL_WARN => libc::LOG_WARNING,
        LLL_NOTICE => libc::LOG_NOTICE,
        LLL_INFO => libc::LOG_INFO,
        _ => libc::LOG_DEBUG,
    };
    // SAFETY: a constant "%s" format and a NUL-terminated argument.
    unsafe { libc::syslog(priority, c"%s".as_ptr(), line.as_ptr()) };
}

/// The lines `lwsl_hexdump_level` emits: a blank line, then per 16 bytes the
/// offset, the bytes in hex and their printable characters, then a blank line.
pub fn hexdump_lines(data: &[u8]) -> Vec<String> {
    let mut lines = vec!["\n".to_string()];
    for (row, chunk) in data.chunks(16).enumerate() {
        let mut s = format!("{:04X}: ", row * 16);
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => s.push_str(&format!("{b:02X} ")),
                None => s.push_str("   "),
            }
        }
        s.push_str("   ");
        for i in 0..16 {
            s.push(match chunk.get(i) {
                Some(b) if (0x20..0x7f).contains(b) => *b as char,
                Some(_) => '.',
                None => ' ',
            });
        }
        s.push('\n');
        lines.push(s);
    }
    lines.push("\n".to_string());
    lines
}

/// Library-side shorthands; messages end with a newline as lws's do.
pub fn err(msg: &str) {
    emit(LLL_ERR, &format!("{msg}\n"));
}
/// A warning line.
pub fn warn(msg: &str) {
    emit(LLL_WARN, &format!("{msg}\n"));
}
/// A notice line.
pub fn notice(msg: &str) {
    emit(LLL_NOTICE, &format!("{msg}\n"));
}
/// An info line.
pub fn info(msg: &str) {
    if enabled(LLL_INFO) {
        emit(LLL_INFO, &format!("{msg}\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_follow_bits() {
        assert_eq!(letter(LLL_ERR), 'E');
        assert_eq!(letter(LLL_NOTICE), 'N');
        assert_eq!(letter(1 << 10), 'U', "LLL_USER");
    }

    #[test]
    fn hexdump_pads_short_rows() {
        let lines = hexdump_lines(&[0x41, 0x00]);
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("0000: 41 00    "));
        assert!(lines[1].ends_with("A.              \n"), "{:?}", lines[1]);
    }
}
