//! `lws_retry_bo_t`: a back-off and connection-validity policy. Programs
//! build it with designated initialisers and pass it by pointer.

/// Retry back-off table plus ping / hang-up periods.
#[repr(C)]
pub struct lws_retry_bo {
    /// delays in ms, one per retry; the last is reused once exhausted
    pub retry_ms_table: *const u32,
    /// number of entries in `retry_ms_table`
    pub retry_ms_table_count: u16,
    /// retries allowed before giving up
    pub conceal_count: u16,
    /// idle seconds before a validity ping
    pub secs_since_valid_ping: u16,
    /// idle seconds before hanging up
    pub secs_since_valid_hangup: u16,
    /// random extra delay, as a percentage of the table entry
    pub jitter_percent: u8,
}

/// `lws_retry_bo_t`
pub type lws_retry_bo_t = lws_retry_bo;

const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<lws_retry_bo>() == 24);
    assert!(offset_of!(lws_retry_bo, retry_ms_table_count) == 8);
    assert!(offset_of!(lws_retry_bo, conceal_count) == 10);
    assert!(offset_of!(lws_retry_bo, secs_since_valid_ping) == 12);
    assert!(offset_of!(lws_retry_bo, secs_since_valid_hangup) == 14);
    assert!(offset_of!(lws_retry_bo, jitter_percent) == 16);
};
