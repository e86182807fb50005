//! The context: vhosts, the (single) service thread's state, and the
//! lifecycle from creation to destroy.

use super::callback;
use super::fdtable::FdTable;
use super::log;
use super::sul::SulScheduler;
use super::vhost::{Vhost, VhostConfig};
use super::wake::Wake;
use super::wsi::Wsi;
use crate::evlib::{EventLib, Ready};
use crate::ffi::types::lws_context;
use crate::ffi::types::reason::*;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::os::raw::c_void;
use std::ptr;

/// The calling thread's id, cached per thread (one syscall per thread).
fn current_thread() -> i64 {
    thread_local! {
        static TID: i64 = crate::sys::fd::thread_id();
    }
    TID.with(|t| *t)
}

/// Where a context is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lifecycle {
    /// serving
    Live,
    /// destroy was asked for while the loop was busy; the loop finishes it
    DestroyDeferred,
    /// destroy is running; further destroy calls are ignored
    Destroying,
}

/// Per-service-thread state ("pt" in lws).
pub struct ServiceThread {
    /// scheduled events
    pub sul: Box<SulScheduler>,
    /// cross-thread wake
    pub wake: Wake,
    /// the event library: the default loop or the program's own
    pub evlib: Box<dyn EventLib>,
    /// reused buffer of ready descriptors
    pub ready: RefCell<Vec<Ready>>,
    /// descriptor → wsi
    pub fds: FdTable,
    /// closed wsis, freed once no callback can still hold them
    pub graveyard: RefCell<Vec<Box<Wsi>>>,
    /// the receive buffer raw reads land in (see roles::raw::READ_BATCH)
    pub rx_buf: UnsafeCell<Box<[u8]>>,
    /// wsis whose paused input may be delivered again
    pub rx_resumed: RefCell<Vec<*mut Wsi>>,
}

/// Settings taken from the creation info that the loop consults later.
pub struct ContextSettings {
    /// `info.user`
    pub user: *mut c_void,
    /// `info.options`
    pub options: u64,
    /// bytes of the per-thread receive buffer
    pub pt_serv_buf_size: usize,
    /// default for connection-establishment timeouts
    pub timeout_secs: u32,
    /// how long an outgoing connect may take
    pub connect_timeout_secs: u32,
    /// this host's name, for lws_canonical_hostname
    pub hostname: std::ffi::CString,
    /// the retry/back-off policy wsis of this context use
    pub retry_policy: *const crate::ffi::types::lws_retry_bo_t,
    /// `info.pcontext`: NULLed when the context is freed
    pub pcontext: *mut *mut lws_context,
}

/// `struct lws_context`.
pub struct Context {
    /// creation settings
    pub settings: ContextSettings,
    /// the service thread
    pub pt: ServiceThread,
    /// live vhosts in creation order (boxed: C holds pointers to them)
    pub vhosts: RefCell<Vec<Box<Vhost>>>,
    /// destroyed vhosts, kept until no callback can still see them
    pub dead_vhosts: RefCell<Vec<Box<Vhost>>>,
    /// PROTOCOL_INIT has been sent (first service pass, or earlier when a
    /// client connect needs it)
    pub protocols_initialised: Cell<bool>,
    /// the first service pass has run
    pub first_pass_done: Cell<bool>,
    /// lifecycle state
    pub lifecycle: Cell<Lifecycle>,
    /// > 0 while lws_service is running
    pub service_depth: Cell<u32>,
    /// > 0 while a user callback is running
    pub callback_depth: Cell<u32>,
    /// the thread allowed to use the context: its creator, until a thread
    /// first services it (which then owns it)
    loop_thread: Cell<i64>,
    /// whether lws_service has bound `loop_thread`
    loop_thread_bound: Cell<bool>,
}

impl Context {
    /// Make a context with no vhosts yet, on `evlib`. Fails if the wake
    /// cannot be opened. Call [`Context::start`] next.
    pub fn new(
        settings: ContextSettings,
        evlib: Box<dyn EventLib>,
    ) -> std::io::Result<Box<Context>> {
        let force_pipe = std::env::var_os("RWSLOOP_WAKE_PIPE").is_some();
        let wake = Wake::open(force_pipe)?;
        Ok(Box::new(Context {
            settings,
            pt: ServiceThread {
                sul: SulScheduler::new(),
                wake,
                evlib,
                ready: RefCell::new(Vec::with_capacity(64)),
                fds: FdTable::default(),
                graveyard: RefCell::new(Vec::new()),
                rx_buf: UnsafeCell::new(
                    vec![0u8; crate::roles::raw::READ_BATCH].into_boxed_slice(),
                ),
                rx_resumed: RefCell::new(Vec::new()),
            },
            vhosts: RefCell::new(Vec::new()),
            dead_vhosts: RefCell::new(Vec::new()),
            protocols_initialised: Cell::new(false),
            first_pass_done: Cell::new(false),
            lifecycle: Cell::new(Lifecycle::Live),
            service_depth: Cell::new(0),
            callback_depth: Cell::new(0),
            loop_thread: Cell::new(current_thread()),
            loop_thread_bound: Cell::new(false),
        }))
    }

    /// Start the event library (with the program's loop object, if any) and
    /// put the wake descriptor in the table as a wsi of its own, as lws does
    /// with its event pipe (a custom event library sees it in sock_accept).
    pub fn start(&self, foreign_loop: *mut c_void) -> Result<(), String> {
        self.pt.evlib.init(self.as_c(), foreign_loop)?;
        let w = Wsi::fake(self, ptr::null(), ptr::null());
        w.role.set(super::wsi::Role::Pipe);
        w.fd.set(self.pt.wake.fd());
        let wsi = Box::into_raw(Box::new(w));
        // SAFETY: a new boxed wsi, not yet in the table.
        if let Err(e) = unsafe { super::pollfd::insert(self, wsi) } {
            // SAFETY: never inserted: ours to free (the Wake owns the fd).
            drop(unsafe { Box::from_raw(wsi) });
            return Err(format!("cannot watch the wake descriptor: {e}"));
        }
        Ok(())
    }

    /// Called by every entry that services the loop (lws_service,
    /// lws_service_fd, lws_service_adjust_timeout): the first one makes its
    /// thread the loop thread; later ones must come from it. False (logged)
    /// otherwise.
    pub fn enter_loop_thread(&self, export: &str) -> bool {
        if !self.loop_thread_bound.replace(true) {
            self.loop_thread.set(current_thread());
            return true;
        }
        self.check_loop_thread(export)
    }

    /// Whether the caller is on the loop thread; logs the refusal if not.
    pub fn check_loop_thread(&self, export: &str) -> bool {
        let me = current_thread();
        if me == self.loop_thread.get() {
            return true;
        }
        log::err(&format!(
            "{export}: called from thread {me}, but only the service thread ({}) may use this context \
             (other threads may only call lws_cancel_service)",
            self.loop_thread.get()
        ));
        false
    }

    /// Every listening wsi, vhost by vhost.
    pub fn listeners(&self) -> Vec<*mut Wsi> {
        let vhosts = self.vhosts.borrow();
        vhosts
            .iter()
            .flat_map(|v| v.listeners.borrow().clone())
            .collect()
    }

    /// The C handle for this context.
    pub fn as_c(&self) -> *mut lws_context {
        self as *const Context as *mut lws_context
    }

    /// Snapshot of the live vhosts, so callbacks may add or destroy vhosts
    /// while the caller walks the list.
    pub fn vhost_snapshot(&self) -> Vec<*const Vhost> {
        self.vhosts
            .borrow()
            .iter()
            .map(|v| &**v as *const Vhost)
            .collect()
    }

    /// Add a vhost. If protocols were already initialised, initialise its
    /// protocols now; a failure there destroys it and returns None.
    pub fn add_vhost(&self, cfg: VhostConfig) -> Result<*const Vhost, String> {
        let vh = Vhost::new(self, cfg);
        let p: *const Vhost = &*vh;
        self.vhosts.borrow_mut().push(vh);
        // SAFETY: p was just listed.
        if let Err(why) = super::listen::open_listeners(self, unsafe { &*p }) {
            // SAFETY: as above.
            self.destroy_vhost(unsafe { &*p });
            return Err(why);
        }
        if self.protocols_initialised.get() {
            // SAFETY: p is alive: only destroy_vhost retires it, and retired
            // vhosts are kept until reap().
            let v = unsafe { &*p };
            if !v.init_protocols(self) {
                self.destroy_vhost(v);
                return Err(format!(
                    "vhost {}: a protocol failed PROTOCOL_INIT",
                    v.name.to_string_lossy()
                ));
            }
        }
        Ok(p)
    }

    /// Destroy a vhost: PROTOCOL_DESTROY for its initialised protocols now;
    /// the memory is kept until the end of the service pass.
    pub fn destroy_vhost(&self, v: &Vhost) {
        let vh: *const Vhost = v;
        if v.destroyed.replace(true) {
            return;
        }
        super::close::close_all(self, Some(vh));
        v.destroy_protocols(self);
        let mut list = self.vhosts.borrow_mut();
        if let Some(i) = list.iter().position(|b| ptr::eq(&**b, vh)) {
            let b = list.remove(i);
            self.dead_vhosts.borrow_mut().push(b);
        }
        drop(list);
    }

    /// Free retired vhosts once no callback can reach them.
    pub fn reap(&self) {
        if self.callback_depth.get() == 0 {
            let dead = std::mem::take(&mut *self.pt.graveyard.borrow_mut());
            drop(dead);
            self.dead_vhosts.borrow_mut().clear();
        }
    }

    /// Send PROTOCOL_INIT to every vhost, once, in creation order. A vhost
    /// whose init fails is logged and the others carry on, as in lws.
    pub fn init_all_protocols(&self) {
        if self.protocols_initialised.replace(true) {
            return;
        }
        if self.settings.options & crate::ffi::options::SKIP_PROTOCOL_INIT != 0 {
            return;
        }
        for vh in self.vhost_snapshot() {
            // SAFETY: snapshot entries stay allocated until reap().
            let v = unsafe { &*vh };
            if !v.destroyed.get() && !v.init_protocols(self) {
                log::warn(&format!(
                    "vhost {}: protocol init failed",
                    v.name.to_string_lossy()
                ));
            }
        }
    }

    /// The first service pass asks the first protocol for its thread id,
    /// with a wsi bound to nothing, as lws does.
    pub fn ask_thread_id(&self) {
        let Some(first) = self.vhost_snapshot().first().copied() else {
            return;
        };
        // SAFETY: a live vhost from the snapshot.
        let vh = unsafe { &*first };
        if vh.protocol_count() == 0 {
            return;
        }
        let fake = super::wsi::Wsi::fake(self, ptr::null(), ptr::null());
        // SAFETY: the protocol table belongs to the live vhost.
        unsafe {
            callback::call(
                self,
                &fake,
                vh.protocol_ptr(0),
                LWS_CALLBACK_GET_THREAD_ID,
                ptr::null_mut(),
                ptr::null_mut(),
                0,
            )
        };
    }

    /// Deliver EVENT_WAIT_CANCELLED to every protocol of every vhost, in
    /// list and table order.
    pub fn broadcast_cancel(&self) {
        for vh in self.vhost_snapshot() {
            // SAFETY: snapshot entries stay allocated until reap().
            let v = unsafe { &*vh };
            for i in 0..v.protocol_count() {
                if v.destroyed.get() || self.lifecycle.get() == Lifecycle::Destroying {
                    break;
                }
                // SAFETY: a live vhost. lws closes its wake pipe when this
                // returns non-zero, after which cancels are lost; we ignore
                // the value instead (docs/COMPAT.md).
                unsafe {
                    callback::call_vhost_protocol(
                        self,
                        v,
                        i,
                        LWS_CALLBACK_EVENT_WAIT_CANCELLED,
                        ptr::null_mut(),
                    )
                };
            }
        }
    }

    /// A sul was just filed for `due_us`. A loop of the program's learns
    /// our next deadline only when it calls us (after servicing something,
    /// or from a before-waiting hook, which not every library has). When
    /// the program schedules from its own code, nothing of ours runs
    /// afterwards, so if this sul is now the earliest the loop is nudged
    /// through the wake descriptor to come and ask.
    pub fn sul_filed(&self, due_us: i64) {
        if self.pt.evlib.waits_elsewhere()
            && !self.must_defer_destroy()
            && self.lifecycle.get() == Lifecycle::Live
            && self.pt.sul.next_due() == Some(due_us)
        {
            self.pt.wake.nudge();
        }
    }

    /// Whether a destroy should wait for the loop to regain control.
    fn must_defer_destroy(&self) -> bool {
        self.service_depth.get() > 0 || self.callback_depth.get() > 0
    }

    /// Begin destroying. Returns true if the context was freed now; false
    /// if it was deferred (the running service pass finishes it) or was
    /// already being destroyed.
    ///
    /// # Safety
    /// `this` must come from `Box::into_raw` of a live context.
    pub unsafe fn destroy(this: *mut Context) -> bool {
        // SAFETY: caller guarantees liveness.
        let ctx = unsafe { &*this };
        match ctx.lifecycle.get() {
            Lifecycle::Destroying => return false,
            Lifecycle::DestroyDeferred if ctx.must_defer_destroy() => return false,
            _ => {}
        }
        if ctx.must_defer_destroy() {
            ctx.lifecycle.set(Lifecycle::DestroyDeferred);
            ctx.pt.wake.signal();
            return false;
        }
        // SAFETY: forwarded.
        unsafe { Self::finish_destroy(this) };
        true
    }

    /// Close everything, PROTOCOL_DESTROY, free. `this` is dangling after.
    ///
    /// # Safety
    /// As [`Context::destroy`], and no service pass or callback is running.
    pub unsafe fn finish_destroy(this: *mut Context) {
        // SAFETY: caller guarantees liveness.
        let ctx = unsafe { &*this };
        ctx.lifecycle.set(Lifecycle::Destroying);
        // lws's order: every wsi closed, the thread torn down, the event
        // library's late hook, PROTOCOL_DESTROY per vhost, the hook again.
        super::close::close_all(ctx, None);
        let cx = ctx.as_c();
        ctx.pt.evlib.destroy_pt(cx);
        ctx.pt.evlib.destroy_context(cx);
        for vh in ctx.vhost_snapshot() {
            // SAFETY: snapshot entries stay allocated until the clear below.
            ctx.destroy_vhost(unsafe { &*vh });
        }
        ctx.pt.evlib.destroy_context(cx);
        ctx.pt.graveyard.borrow_mut().clear();
        ctx.dead_vhosts.borrow_mut().clear();
        let pcontext = ctx.settings.pcontext;
        // SAFETY: we own the box; nothing refers to it any more.
        drop(unsafe { Box::from_raw(this) });
        if !pcontext.is_null() {
            // SAFETY: the caller gave us this out-pointer at creation.
            unsafe { *pcontext = ptr::null_mut() };
        }
    }
}
