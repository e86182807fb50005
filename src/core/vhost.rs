//! Virtual hosts: a name, a private copy of the protocol table, per-protocol
//! private memory, and (later) listeners.

use super::callback;
use super::context::Context;
use crate::ffi::types::reason::*;
use crate::ffi::types::{lws_protocol_vhost_options, lws_protocols};
use std::cell::{Cell, RefCell};
use std::ffi::{CStr, CString};
use std::os::raw::{c_int, c_void};
use std::ptr;

/// What a vhost is made from (the parts of the creation info it keeps).
pub struct VhostConfig {
    /// vhost name
    pub name: CString,
    /// the user's protocol table, copied
    pub protocols: Vec<lws_protocols>,
    /// per-vhost protocol options
    pub pvo: *const lws_protocol_vhost_options,
    /// `info.user`
    pub user: *mut c_void,
    /// `info.port`
    pub port: c_int,
    /// `info.iface`
    pub iface: Option<CString>,
    /// `info.options`
    pub options: u64,
    /// a raw listener: accepted sockets become raw wsis bound to this
    /// protocol (None: the vhost's first)
    pub raw_listener: Option<Option<CString>>,
}

/// A virtual host.
pub struct Vhost {
    /// owning context
    pub context: *const Context,
    /// name given at creation ("default" when none)
    pub name: CString,
    /// our copy of the protocols, followed by an all-zero terminator entry
    protocols: Box<[lws_protocols]>,
    /// per-protocol private memory (`lws_protocol_vh_priv_zalloc`)
    privs: Box<[Cell<*mut c_void>]>,
    /// every private block ever handed out, freed at destroy (a second
    /// zalloc replaces the slot but must not invalidate the first pointer)
    priv_blocks: RefCell<Vec<*mut c_void>>,
    /// which protocols got PROTOCOL_INIT (and so will get PROTOCOL_DESTROY)
    inited: Box<[Cell<bool>]>,
    /// per-vhost protocol options
    pub pvo: *const lws_protocol_vhost_options,
    /// `info.user` of the creation
    pub user: *mut c_void,
    /// configured port
    pub port: c_int,
    /// configured interface
    pub iface: Option<CString>,
    /// creation options
    pub options: u64,
    /// raw-listener configuration (see VhostConfig)
    pub raw_listener: Option<Option<CString>>,
    /// listening wsis of this vhost
    pub listeners: RefCell<Vec<*mut super::wsi::Wsi>>,
    /// the port it listens on (the configured one until it listens)
    pub listen_port: Cell<c_int>,
    /// set once lws_vhost_destroy (or context destroy) has begun
    pub destroyed: Cell<bool>,
}

impl Vhost {
    /// Build a vhost; nothing is initialised yet.
    pub fn new(context: *const Context, cfg: VhostConfig) -> Box<Vhost> {
        let count = cfg.protocols.len();
        let mut table = cfg.protocols;
        // SAFETY: an all-zero lws_protocols is the list terminator.
        table.push(unsafe { std::mem::zeroed() });
        Box::new(Vhost {
            context,
            name: cfg.name,
            protocols: table.into_boxed_slice(),
            privs: (0..count).map(|_| Cell::new(ptr::null_mut())).collect(),
            priv_blocks: RefCell::new(Vec::new()),
            inited: (0..count).map(|_| Cell::new(false)).collect(),
            pvo: cfg.pvo,
            user: cfg.user,
            port: cfg.port,
            iface: cfg.iface,
            options: cfg.options,
            raw_listener: cfg.raw_listener,
            listeners: RefCell::new(Vec::new()),
            listen_port: Cell::new(cfg.port),
            destroyed: Cell::new(false),
        })
    }

    /// The owning context (it outlives its vhosts).
    pub fn ctx(&self) -> &Context {
        // SAFETY: a vhost never outlives its context.
        unsafe { &*self.context }
    }

    /// Number of protocols (terminator excluded).
    pub fn protocol_count(&self) -> usize {
        self.protocols.len() - 1
    }

    /// Pointer to protocol `i` of our copy (the terminator for `i == count`).
    pub fn protocol_ptr(&self, i: usize) -> *const lws_protocols {
        &self.protocols[i]
    }

    /// Protocol `i` of our copy.
    pub fn protocol(&self, i: usize) -> &lws_protocols {
        &self.protocols[i]
    }

    /// Index of `p` in our copy: by address first, then by name, as lws
    /// resolves the user's own array elements too.
    ///
    /// # Safety
    /// `p` must be NULL or point to a protocol entry.
    pub unsafe fn protocol_index(&self, p: *const lws_protocols) -> Option<usize> {
        if p.is_null() {
            return None;
        }
        let base = self.protocols.as_ptr() as usize;
        let size = std::mem::size_of::<lws_protocols>();
        let addr = p as usize;
        if addr >= base && addr < base + self.protocol_count() * size && (addr - base) % size == 0 {
            return Some((addr - base) / size);
        }
        // SAFETY: a non-null protocol pointer from C points at an entry.
        let name = unsafe { (*p).name };
        if name.is_null() {
            return None;
        }
        // SAFETY: the entry's name is a C string.
        self.protocol_index_by_name(unsafe { CStr::from_ptr(name) })
    }

    /// Index of the protocol called `want`.
    pub fn protocol_index_by_name(&self, want: &CStr) -> Option<usize> {
        self.protocols[..self.protocol_count()]
            .iter()
            .position(|p| !p.name.is_null() && unsafe { CStr::from_ptr(p.name) } == want)
    }

    /// The private block of protocol `i`, or NULL.
    pub fn priv_get(&self, i: usize) -> *mut c_void {
        self.privs[i].get()
    }

    /// Allocate a zeroed private block of `size` bytes for protocol `i`.
    pub fn priv_zalloc(&self, i: usize, size: usize) -> *mut c_void {
        // SAFETY: calloc of at least one byte; NULL on exhaustion is returned.
        let p = unsafe { libc::calloc(1, size.max(1)) };
        if !p.is_null() {
            self.priv_blocks.borrow_mut().push(p);
            self.privs[i].set(p);
        }
        p
    }

    fn free_privs(&self) {
        for p in self.priv_blocks.borrow_mut().drain(..) {
            // SAFETY: each block came from calloc and is freed once.
            unsafe { libc::free(p) };
        }
        self.privs.iter().for_each(|c| c.set(ptr::null_mut()));
    }

    /// The pvo options for protocol `i`: Some(options child list) when the
    /// vhost has a pvo naming it, Some(NULL) when the vhost has no pvo list
    /// at all, None when a pvo list exists but leaves this protocol out (lws
    /// then skips its PROTOCOL_INIT).
    fn pvo_for(&self, i: usize) -> Option<*const lws_protocol_vhost_options> {
        if self.pvo.is_null() {
            return Some(ptr::null());
        }
        let name = self.protocols[i].name;
        if name.is_null() {
            return None;
        }
        // SAFETY: the pvo list is caller memory valid for the vhost's life.
        let want = unsafe { CStr::from_ptr(name) };
        let mut p = self.pvo;
        while !p.is_null() {
            // SAFETY: walking a NULL-terminated caller list.
            let node = unsafe { &*p };
            if !node.name.is_null() && unsafe { CStr::from_ptr(node.name) } == want {
                return Some(node.options);
            }
            p = node.next;
        }
        None
    }

    /// Send PROTOCOL_INIT to each protocol the pvo filter admits, in table
    /// order. Stops at the first non-zero answer and reports failure.
    pub fn init_protocols(&self, ctx: &Context) -> bool {
        for i in 0..self.protocol_count() {
            if self.destroyed.get() {
                return false;
            }
            let Some(options) = self.pvo_for(i) else {
                continue;
            };
            // SAFETY: the vhost is alive for the call (it is only freed at the
            // end of a service pass or by context destroy, neither of which
            // can run inside this loop).
            let r = unsafe {
                callback::call_vhost_protocol(
                    ctx,
                    self,
                    i,
                    LWS_CALLBACK_PROTOCOL_INIT,
                    options as *mut c_void,
                )
            };
            if r != 0 {
                crate::core::log::warn(&format!(
                    "vhost {}: protocol {} failed PROTOCOL_INIT ({r})",
                    self.name.to_string_lossy(),
                    i
                ));
                return false;
            }
            self.inited[i].set(true);
        }
        true
    }

    /// Send PROTOCOL_DESTROY to every protocol that was initialised, then
    /// free the per-protocol private memory.
    pub fn destroy_protocols(&self, ctx: &Context) {
        for i in 0..self.protocol_count() {
            if self.inited[i].replace(false) {
                // SAFETY: as in init_protocols.
                unsafe {
                    callback::call_vhost_protocol(
                        ctx,
                        self,
                        i,
                        LWS_CALLBACK_PROTOCOL_DESTROY,
                        ptr::null_mut(),
                    )
                };
            }
        }
        self.free_privs();
    }

    /// Whether protocol `i` has had PROTOCOL_INIT.
    pub fn protocol_inited(&self, i: usize) -> bool {
        self.inited[i].get()
    }
}

impl Drop for Vhost {
    fn drop(&mut self) {
        self.free_privs();
    }
}
