//! A program's own event library: its `struct lws_event_loop_ops`, given as
//! `info.event_lib_custom`, wrapped into the [`EventLib`] contract. Every
//! hook is optional. lws's own table (the default loop) is kept up to date
//! beside it, so `lws_service` still works when the ops have no `run_pt`.
//!
//! The per-context and per-thread areas (`evlib_size_ctx`/`_pt`) are zeroed,
//! 16-byte aligned and live as long as the context.

use super::default::DefaultLoop;
use super::{EventLib, Ready, WaitOutcome};
use crate::ffi::types::{lws, lws_context, lws_context_creation_info, lws_event_loop_ops};
use std::cell::Cell;
use std::ffi::CStr;
use std::os::raw::{c_int, c_void};

/// Zeroed memory with 16-byte alignment.
struct Area(Box<[u128]>);

impl Area {
    fn new(bytes: u16) -> Area {
        Area(vec![0u128; (bytes as usize).div_ceil(16).max(1)].into_boxed_slice())
    }
    fn ptr(&self) -> *mut c_void {
        self.0.as_ptr() as *mut c_void
    }
}

/// A wrapped C ops table.
pub struct Custom {
    ops: *const lws_event_loop_ops,
    info: *const lws_context_creation_info,
    own_table: DefaultLoop,
    pt_area: Area,
    _ctx_area: Area,
    cx: Cell<*mut lws_context>,
}

impl Custom {
    /// Wrap `ops`; `own_table` is lws's own descriptor table.
    ///
    /// # Safety
    /// `ops` must point to an ops table that outlives the context; `info`
    /// must stay valid until `init` has run.
    pub unsafe fn new(
        ops: *const lws_event_loop_ops,
        info: *const lws_context_creation_info,
        own_table: DefaultLoop,
    ) -> Custom {
        // SAFETY: caller contract.
        let o = unsafe { &*ops };
        Custom {
            ops,
            info,
            own_table,
            pt_area: Area::new(o.evlib_size_pt),
            _ctx_area: Area::new(o.evlib_size_ctx),
            cx: Cell::new(std::ptr::null_mut()),
        }
    }

    fn ops(&self) -> &lws_event_loop_ops {
        // SAFETY: the program keeps its table alive for the context's life.
        unsafe { &*self.ops }
    }
}

// The pointers are opaque handles passed through to the program's hooks;
// this code never dereferences them.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
impl EventLib for Custom {
    fn name(&self) -> String {
        let n = self.ops().name;
        // SAFETY: the table's name is a C string when set.
        if n.is_null() {
            "custom".into()
        } else {
            unsafe { CStr::from_ptr(n) }.to_string_lossy().into_owned()
        }
    }

    fn init(&self, cx: *mut lws_context, foreign_loop: *mut c_void) -> Result<(), String> {
        self.cx.set(cx);
        // SAFETY: the program's hooks, called as lws calls them.
        unsafe {
            if let Some(f) = self.ops().init_context {
                if f(cx, self.info) != 0 {
                    return Err(format!("event lib {}: init_context failed", self.name()));
                }
            }
            if let Some(f) = self.ops().init_pt {
                if f(cx, foreign_loop, 0) != 0 {
                    return Err(format!("event lib {}: init_pt failed", self.name()));
                }
            }
        }
        Ok(())
    }

    fn adopted(&self, wsi: *mut lws, fd: c_int, listener: bool) -> Result<(), String> {
        let hook = if listener {
            self.ops().init_vhost_listen_wsi
        } else {
            self.ops().sock_accept
        };
        if let Some(f) = hook {
            // SAFETY: the program's hook with a live wsi.
            if unsafe { f(wsi) } != 0 {
                return Err(format!("event lib {} refused fd {fd}", self.name()));
            }
        }
        self.own_table.adopted(wsi, fd, listener)
    }

    fn io(&self, wsi: *mut lws, fd: c_int, flags: u32) {
        if let Some(f) = self.ops().io {
            // SAFETY: the program's hook with a live wsi.
            unsafe { f(wsi, flags) };
        }
        self.own_table.io(wsi, fd, flags);
    }

    fn forget(&self, fd: c_int) {
        self.own_table.forget(fd);
    }

    fn logical_close(&self, wsi: *mut lws) -> bool {
        // SAFETY: the program's hook with a live wsi.
        self.ops()
            .wsi_logical_close
            .is_some_and(|f| unsafe { f(wsi) } != 0)
    }

    fn destroy_wsi(&self, wsi: *mut lws) {
        if let Some(f) = self.ops().destroy_wsi {
            // SAFETY: the program's hook with a still-allocated wsi.
            unsafe { f(wsi) };
        }
    }

    fn destroy_pt(&self, cx: *mut lws_context) {
        if let Some(f) = self.ops().destroy_pt {
            // SAFETY: the program's hook.
            unsafe { f(cx, 0) };
        }
    }

    fn destroy_context(&self, cx: *mut lws_context) {
        if let Some(f) = self.ops().destroy_context2 {
            // SAFETY: the program's hook.
            unsafe { f(cx) };
        }
    }

    fn wait(&self, timeout_us: Option<i64>, out: &mut Vec<Ready>) -> std::io::Result<WaitOutcome> {
        self.own_table.wait(timeout_us, out)
    }

    fn run_hook(&self) -> Option<super::RunHook> {
        self.ops().run_pt
    }

    fn waits_elsewhere(&self) -> bool {
        true
    }

    fn pt_area(&self) -> *mut c_void {
        self.pt_area.ptr()
    }
}
