//! Context creation and destruction (lws-context-vhost.h).

use super::guard::guard;
use super::handles;
use super::options::{EXPLICIT_VHOSTS, RWSLOOP_SERVER_OPTION_POLL_BACKEND};
use super::types::{lws_context, lws_context_creation_info, lws_retry_bo_t};
use super::vhost::vhost_config_from_info;
use crate::core::context::{Context, ContextSettings, Lifecycle};
use crate::core::log;
use crate::evlib::custom::Custom;
use crate::evlib::default::DefaultLoop;
use crate::evlib::{Backend, EventLib};
use std::os::raw::{c_int, c_void};
use std::ptr;

const DEFAULT_SERV_BUF_SIZE: usize = 4096;
const DEFAULT_TIMEOUT_SECS: u32 = 15;
const DEFAULT_CONNECT_TIMEOUT_SECS: u32 = 20;

/// lws's default retry policy: back off 1, 3, 9, 17 s with 20 % jitter,
/// give up after 4 tries; ping after 300 s idle, hang up after 310 s.
static DEFAULT_RETRY_TABLE: [u32; 4] = [1000, 3000, 9000, 17000];
struct SharedPolicy(lws_retry_bo_t);
// SAFETY: the policy and its table are immutable statics.
unsafe impl Sync for SharedPolicy {}
static DEFAULT_RETRY: SharedPolicy = SharedPolicy(lws_retry_bo_t {
    retry_ms_table: DEFAULT_RETRY_TABLE.as_ptr(),
    retry_ms_table_count: 4,
    conceal_count: 4,
    secs_since_valid_ping: 300,
    secs_since_valid_hangup: 310,
    jitter_percent: 20,
});

/// The event library the context runs on: the program's own ops table
/// (`info.event_lib_custom`) wrapped around our table, or the default loop.
fn event_lib_for(info: &lws_context_creation_info) -> Result<Box<dyn EventLib>, String> {
    let own_table = DefaultLoop::new(backend_for(info.options))
        .map_err(|e| format!("cannot open the poll backend: {e}"))?;
    // A custom event lib wins; else a foreign-loop option loads its backend.
    let plugin = if !info.event_lib_custom.is_null() {
        info.event_lib_custom
    } else if let Some(name) = crate::evlib::plugin::requested(info.options) {
        crate::evlib::plugin::load(name)?
    } else {
        return Ok(Box::new(own_table));
    };
    // SAFETY: the plugin descriptor (lws does not check the magic or hash
    // of a custom event lib, and neither do we).
    let ops = unsafe { (*plugin).ops };
    if ops.is_null() {
        return Err("info.event_lib_custom has no ops table".into());
    }
    // SAFETY: the ops table outlives the context (lws contract); info is
    // valid for the whole creation.
    Ok(Box::new(unsafe { Custom::new(ops, info, own_table) }))
}

/// The program's loop object for service thread 0, or NULL.
fn foreign_loop(info: &lws_context_creation_info) -> *mut c_void {
    if info.foreign_loops.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: an array with at least one entry per service thread.
    unsafe { *info.foreign_loops }
}

fn backend_for(options: u64) -> Backend {
    if options & RWSLOOP_SERVER_OPTION_POLL_BACKEND != 0 {
        return Backend::Poll;
    }
    Backend::from_env().unwrap_or(Backend::Epoll)
}

/// lws treats 0 and -1 as "keep the current id".
fn wanted_id(id: u32) -> Option<u32> {
    (id != 0 && id != u32::MAX).then_some(id)
}

/// Drop to info.gid / info.uid after the listeners exist, as lws does.
fn drop_privileges(info: &lws_context_creation_info) -> Result<(), String> {
    if let Some(gid) = wanted_id(info.gid) {
        // SAFETY: plain syscall.
        if unsafe { libc::setgid(gid) } != 0 {
            return Err(format!(
                "setgid({gid}) failed: {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    if let Some(uid) = wanted_id(info.uid) {
        // SAFETY: plain syscall.
        if unsafe { libc::setuid(uid) } != 0 {
            return Err(format!(
                "setuid({uid}) failed: {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    Ok(())
}

fn create(info: &lws_context_creation_info) -> Result<*mut Context, String> {
    if info.count_threads > 1 {
        log::notice(&format!(
            "count_threads = {}: rwsloop runs one service thread",
            info.count_threads
        ));
    }
    let settings = ContextSettings {
        user: info.user,
        options: info.options,
        pt_serv_buf_size: match info.pt_serv_buf_size {
            0 => DEFAULT_SERV_BUF_SIZE,
            n => n as usize,
        },
        timeout_secs: match info.timeout_secs {
            0 => DEFAULT_TIMEOUT_SECS,
            n => n,
        },
        pcontext: info.pcontext,
        hostname: crate::sys::fd::hostname(),
        retry_policy: match info.retry_and_idle_policy.is_null() {
            true => &DEFAULT_RETRY.0,
            false => info.retry_and_idle_policy,
        },
        connect_timeout_secs: match info.connect_timeout_secs {
            0 => DEFAULT_CONNECT_TIMEOUT_SECS,
            n => n,
        },
    };
    let evlib = event_lib_for(info)?;
    let ctx = Context::new(settings, evlib).map_err(|e| format!("cannot start the loop: {e}"))?;
    let ctx = Box::into_raw(ctx);
    // From here on, failures must free the context again.
    let fail = |why: String| {
        // SAFETY: ctx is ours, just created, and no callback has run.
        unsafe { Context::finish_destroy(ctx) };
        Err(why)
    };
    // SAFETY: ctx is live.
    if let Err(why) = unsafe { &*ctx }.start(foreign_loop(info)) {
        return fail(why);
    }
    if info.options & EXPLICIT_VHOSTS == 0 {
        // SAFETY: ctx is live.
        let c = unsafe { &*ctx };
        let cfg = match vhost_config_from_info(info) {
            Ok(cfg) => cfg,
            Err(why) => return fail(why),
        };
        if let Err(why) = c.add_vhost(cfg) {
            return fail(format!("the default vhost could not be created: {why}"));
        }
        if let Err(why) = drop_privileges(info) {
            return fail(why);
        }
    }
    if !info.pcontext.is_null() {
        // SAFETY: the caller's out-pointer.
        unsafe { *info.pcontext = ctx as *mut lws_context };
    }
    // lws ends creation with a cancel: the first pass broadcasts it.
    // SAFETY: ctx is live.
    unsafe { &*ctx }.pt.wake.signal();
    Ok(ctx)
}

/// Create a context from `info`. Returns NULL (and logs why) on failure,
/// leaving nothing open.
///
/// # Safety
/// `info` must be NULL or point to a filled creation info.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_create_context(
    info: *const lws_context_creation_info,
) -> *mut lws_context {
    guard("lws_create_context", || {
        // SAFETY: caller contract.
        let Some(info) = (unsafe { info.as_ref() }) else {
            log::err("lws_create_context: info is NULL");
            return ptr::null_mut();
        };
        match create(info) {
            Ok(ctx) => ctx as *mut lws_context,
            Err(why) => {
                log::err(&format!("lws_create_context: {why}"));
                ptr::null_mut()
            }
        }
    })
}

/// Destroy `context`: close everything, PROTOCOL_DESTROY, free. From inside
/// a callback (or while `lws_service` runs) the destroy is finished by the
/// running service call, which then returns -1. NULL and repeated calls are
/// harmless.
///
/// # Safety
/// `context` must be NULL or a live context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_context_destroy(context: *mut lws_context) {
    guard("lws_context_destroy", || {
        // SAFETY: caller contract: NULL or a live context handle.
        if unsafe { handles::context(context) }
            .is_some_and(|c| c.check_loop_thread("lws_context_destroy"))
        {
            // SAFETY: as above.
            unsafe { Context::destroy(context as *mut Context) };
        }
    })
}

/// The `user` pointer given at creation.
///
/// # Safety
/// `context` must be NULL or a live context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_context_user(context: *mut lws_context) -> *mut c_void {
    guard("lws_context_user", || {
        // SAFETY: caller contract.
        unsafe { handles::context_on_loop("lws_context_user", context) }
            .map_or(ptr::null_mut(), |c| c.settings.user)
    })
}

/// 1 once destroy has begun (or been deferred), else 0.
///
/// # Safety
/// `context` must be NULL or a live context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_context_is_being_destroyed(context: *mut lws_context) -> c_int {
    guard("lws_context_is_being_destroyed", || {
        // SAFETY: caller contract.
        match unsafe { handles::context_on_loop("lws_context_is_being_destroyed", context) } {
            Some(c) => (c.lifecycle.get() != Lifecycle::Live) as c_int,
            None => 0,
        }
    })
}

/// How many service threads the context runs: always 1 in rwsloop.
///
/// # Safety
/// `context` must be NULL or a live context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lws_get_count_threads(context: *mut lws_context) -> c_int {
    guard("lws_get_count_threads", || {
        // SAFETY: caller contract.
        unsafe { handles::context_on_loop("lws_get_count_threads", context) }.map_or(0, |_| 1)
    })
}
