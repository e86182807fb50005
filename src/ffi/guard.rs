//! The panic boundary: every export runs its body through [`guard`], so an
//! unwinding panic never crosses into C. Instead the export logs the failure
//! and hands back the value lws callers already check for.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// The value an export returns when it cannot do its job.
pub trait FailValue {
    /// What C callers of lws test for: -1, NULL, or nothing at all.
    fn fail() -> Self;
}

impl FailValue for () {
    fn fail() -> Self {}
}

impl FailValue for i32 {
    fn fail() -> Self {
        -1
    }
}

impl FailValue for u32 {
    fn fail() -> Self {
        0
    }
}

impl FailValue for i64 {
    fn fail() -> Self {
        -1
    }
}

impl FailValue for usize {
    fn fail() -> Self {
        0
    }
}

impl<T> FailValue for *mut T {
    fn fail() -> Self {
        std::ptr::null_mut()
    }
}

impl<T> FailValue for *const T {
    fn fail() -> Self {
        std::ptr::null()
    }
}

/// Run `body`; if it panics, log which export failed and return the type's
/// failure value.
pub fn guard<R: FailValue>(export: &str, body: impl FnOnce() -> R) -> R {
    guard_or(export, R::fail(), body)
}

/// Like [`guard`], for exports whose failure value is not the type's usual one
/// (`lws_service` returns 1 where most `int` exports return -1).
pub fn guard_or<R>(export: &str, on_panic: R, body: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            crate::core::log::err(&format!(
                "{export}: internal error ({why}); failing the call"
            ));
            on_panic
        }
    }
}
