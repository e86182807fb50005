//! Logging types of the API.

use std::os::raw::{c_char, c_int};

/// `lws_log_emit_t`: where formatted log lines go
/// (the second argument of lws_set_log_level(); NULL keeps the current one).
pub type lws_log_emit_t = Option<unsafe extern "C" fn(level: c_int, line: *const c_char)>;
