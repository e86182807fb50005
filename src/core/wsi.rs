//! `struct lws`: a connection (or an adopted file), or a "fake" wsi that
//! only carries context, vhost and protocol for callbacks that are not about
//! a connection (PROTOCOL_INIT, EVENT_WAIT_CANCELLED, ...).
//!
//! Lifecycle: created by adoption (boxed; C holds the pointer), lives in the
//! service thread's fd table, closed once by `close::close`, then parked in
//! the graveyard until no callback can still hold the pointer.

use super::context::Context;
use super::vhost::Vhost;
use crate::ffi::types::{lws_protocols, lws_sorted_usec_list, lws_udp};
use std::cell::{Cell, OnceCell, RefCell, UnsafeCell};
use std::collections::VecDeque;
use std::os::raw::{c_int, c_void};
use std::ptr;

/// What a wsi is, which decides how its events and close are handled.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    /// a callback-only wsi with no descriptor
    Fake,
    /// an adopted stream socket (`LWS_ADOPT_SOCKET`)
    RawSocket,
    /// an adopted file or pipe descriptor (`LWS_ADOPT_RAW_FILE_DESC`)
    RawFile,
    /// a listening socket of a raw-listener vhost
    Listen,
    /// a UDP socket (`lws_create_adopt_udp`, `LWS_ADOPT_FLAG_UDP`)
    Udp,
    /// the service thread's wake descriptor (lws's "event pipe"): no vhost,
    /// no protocol; readable means EVENT_WAIT_CANCELLED is due
    Pipe,
}

/// Where a wsi is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum WsiState {
    /// being set up: callbacks allowed, not yet in the table
    Adopting,
    /// an outgoing connection waiting for the connect to finish
    Connecting,
    /// serving
    Live,
    /// the close path is running
    Closing,
    /// closed; no further callback will ever see it
    Closed,
}

/// Why receiving is paused (`lws_rx_flow_control` with reasons).
pub(crate) const RXFLOW_USER_BIT: u32 = 1;

/// A connection object as C sees it (`struct lws *`).
pub struct Wsi {
    /// owning context; outlives the wsi
    pub context: *const Context,
    /// bound vhost, or NULL
    pub vhost: Cell<*const Vhost>,
    /// bound protocol (an entry of the vhost's copy), or NULL
    pub protocol: Cell<*const lws_protocols>,
    /// per-session data handed to callbacks as `user`
    pub user_space: Cell<*mut c_void>,
    /// whether `user_space` is ours to free (else the caller's)
    pub user_space_owned: Cell<bool>,
    /// `lws_set_opaque_user_data` storage
    pub opaque_user_data: Cell<*mut c_void>,
    /// service thread index
    pub tsi: i32,
    /// the descriptor, or -1
    pub fd: Cell<c_int>,
    /// what this wsi is
    pub role: Cell<Role>,
    /// lifecycle state
    pub state: Cell<WsiState>,
    /// the poll events we asked for (POLLIN / POLLOUT bits)
    pub events: Cell<i16>,
    /// the program asked for a writeable callback
    pub writable_requested: Cell<bool>,
    /// our writeable callback is running
    pub handling_pollout: Cell<bool>,
    /// close once `pending_out` has drained (lws_raw_transaction_completed)
    pub close_when_drained: Cell<bool>,
    /// writes are being gathered while one read is handed over in chunks
    /// (see roles::raw::deliver); `pending_out` then also holds bytes lws
    /// would already have sent
    pub corked: Cell<bool>,
    /// the peer finished sending while rx was paused: its data waits in
    /// `pending_in`, and the wsi closes once that has been delivered
    pub eof_pending: Cell<bool>,
    /// POLLOUT was asked for during that callback
    pub leave_pollout_active: Cell<bool>,
    /// bytes lws_write accepted but the kernel has not taken yet
    pub pending_out: RefCell<VecDeque<u8>>,
    /// rx pause reasons (bit set = paused); 0 = receiving
    pub rx_paused: Cell<u32>,
    /// `lws_set_timeout`; lives here so the address never moves
    pub timeout_sul: UnsafeCell<lws_sorted_usec_list>,
    /// the reason given to `lws_set_timeout`
    pub timeout_reason: Cell<c_int>,
    /// the socket is AF_UNIX
    pub is_unix: Cell<bool>,
    /// what only some wsis need, allocated on first use (keeps an idle
    /// connection small)
    extras: OnceCell<Box<WsiExtras>>,
}

/// The parts of a wsi most connections never use.
pub struct WsiExtras {
    /// the wsi these belong to
    owner: *const Wsi,
    /// `lws_set_timer_usecs` (also a listener's back-off timer)
    pub timer_sul: UnsafeCell<lws_sorted_usec_list>,
    /// bytes read but not yet delivered (arrived while rx was paused)
    pub pending_in: RefCell<VecDeque<u8>>,
    /// peer addresses, for UDP wsis
    pub udp: UnsafeCell<lws_udp>,
    /// why an outgoing connection failed, for CLIENT_CONNECTION_ERROR
    pub connect_error: RefCell<Option<std::ffi::CString>>,
    /// `lws_wsi_tag`, made on first use
    pub tag: RefCell<Option<std::ffi::CString>>,
}

impl Wsi {
    /// A wsi with no descriptor, bound as given.
    pub fn fake(
        context: *const Context,
        vhost: *const Vhost,
        protocol: *const lws_protocols,
    ) -> Wsi {
        Wsi {
            context,
            vhost: Cell::new(vhost),
            protocol: Cell::new(protocol),
            user_space: Cell::new(ptr::null_mut()),
            user_space_owned: Cell::new(false),
            opaque_user_data: Cell::new(ptr::null_mut()),
            tsi: 0,
            fd: Cell::new(-1),
            role: Cell::new(Role::Fake),
            state: Cell::new(WsiState::Live),
            events: Cell::new(0),
            writable_requested: Cell::new(false),
            handling_pollout: Cell::new(false),
            close_when_drained: Cell::new(false),
            corked: Cell::new(false),
            eof_pending: Cell::new(false),
            leave_pollout_active: Cell::new(false),
            pending_out: RefCell::new(VecDeque::new()),
            rx_paused: Cell::new(0),
            // SAFETY: an all-zero sul is the unscheduled state lws requires.
            timeout_sul: UnsafeCell::new(unsafe { std::mem::zeroed() }),
            timeout_reason: Cell::new(0),
            is_unix: Cell::new(false),
            extras: OnceCell::new(),
        }
    }

    /// The context (it outlives every wsi).
    pub fn ctx(&self) -> &Context {
        // SAFETY: a wsi never outlives its context.
        unsafe { &*self.context }
    }

    /// Whether callbacks may still be delivered.
    pub fn is_open(&self) -> bool {
        matches!(
            self.state.get(),
            WsiState::Adopting | WsiState::Connecting | WsiState::Live
        )
    }

    /// Recover the wsi from a pointer to its `timeout_sul` or `timer_sul`.
    ///
    /// # Safety
    /// `sul` must point at that field of a live wsi.
    pub unsafe fn from_timeout_sul(sul: *mut lws_sorted_usec_list) -> *const Wsi {
        // SAFETY: caller guarantees the field relation.
        unsafe { (sul as *mut u8).sub(std::mem::offset_of!(Wsi, timeout_sul)) as *const Wsi }
    }

    /// The wsi whose extras hold the `timer_sul` that `sul` points to.
    ///
    /// # Safety
    /// `sul` must point at the `timer_sul` of a live wsi's extras.
    pub unsafe fn from_timer_sul(sul: *mut lws_sorted_usec_list) -> *const Wsi {
        // SAFETY: caller guarantees the field relation.
        unsafe {
            let extras = (sul as *mut u8).sub(std::mem::offset_of!(WsiExtras, timer_sul))
                as *const WsiExtras;
            (*extras).owner
        }
    }

    /// The extras, allocated on first use.
    pub fn extras(&self) -> &WsiExtras {
        self.extras.get_or_init(|| {
            Box::new(WsiExtras {
                owner: self,
                // SAFETY: an all-zero sul is the unscheduled state.
                timer_sul: UnsafeCell::new(unsafe { std::mem::zeroed() }),
                pending_in: RefCell::new(VecDeque::new()),
                udp: UnsafeCell::new(lws_udp::zeroed()),
                connect_error: RefCell::new(None),
                tag: RefCell::new(None),
            })
        })
    }

    /// The extras, if any were needed.
    pub fn extras_if_any(&self) -> Option<&WsiExtras> {
        self.extras.get().map(|b| &**b)
    }

    /// Whether input is waiting for rx to be allowed again.
    pub fn has_pending_in(&self) -> bool {
        self.extras_if_any()
            .is_some_and(|x| !x.pending_in.borrow().is_empty())
    }
}

impl Drop for Wsi {
    fn drop(&mut self) {
        // SAFETY: our own suls; cancelling unscheduled ones is harmless.
        unsafe {
            super::sul::cancel(self.timeout_sul.get());
            if let Some(x) = self.extras_if_any() {
                super::sul::cancel(x.timer_sul.get());
            }
        }
        if self.user_space_owned.get() {
            // SAFETY: allocated by us with calloc.
            unsafe { libc::free(self.user_space.get()) };
        }
    }
}

#[cfg(test)]
mod tests {
    /// Issue 4 budgets 300 bytes of user-space memory per idle connection;
    /// the wsi is most of it (plus the allocator's header and a table slot).
    #[test]
    fn an_idle_wsi_stays_small() {
        let size = std::mem::size_of::<super::Wsi>();
        assert!(size <= 200, "struct Wsi grew to {size} bytes");
    }
}
