//! Types C only ever sees through pointers. The header forward-declares
//! them by hand (lws-pre.h): cbindgen would print a zero-length array body
//! for these Rust placeholders, which is not valid ISO C or C++.

/// Opaque: a connection, owned by the library.
#[repr(C)]
pub struct lws {
    _private: [u8; 0],
}

/// Opaque: a context, owned by the library.
#[repr(C)]
pub struct lws_context {
    _private: [u8; 0],
}

/// Opaque: a virtual host, owned by the library.
#[repr(C)]
pub struct lws_vhost {
    _private: [u8; 0],
}

/// OpenSSL's `SSL_CTX` (`struct ssl_ctx_st`); only carried, never used.
#[repr(C)]
pub struct ssl_ctx_st {
    _private: [u8; 0],
}

/// `lws_system_ops_t`: platform hooks; accepted but not used.
#[repr(C)]
pub struct lws_system_ops {
    _private: [u8; 0],
}

/// `lws_log_cx_t`: a logging context; accepted but not used.
#[repr(C)]
pub struct lws_log_cx {
    _private: [u8; 0],
}

/// `struct lws_plat_file_ops`: a virtual file system; accepted but not used.
#[repr(C)]
pub struct lws_plat_file_ops {
    _private: [u8; 0],
}

/// `struct lws_sequencer`: lws's sequencer; accepted but not used.
#[repr(C)]
pub struct lws_sequencer {
    _private: [u8; 0],
}

/// `SSL_CTX`
pub type SSL_CTX = ssl_ctx_st;
/// `lws_system_ops_t`
pub type lws_system_ops_t = lws_system_ops;
/// `lws_log_cx_t`
pub type lws_log_cx_t = lws_log_cx;

/// `struct lws_spa`: a POST-body parser, owned by the library.
#[repr(C)]
pub struct lws_spa {
    _private: [u8; 0],
}

/// `struct lwsac`: lws's chunk allocator; accepted but not used.
#[repr(C)]
pub struct lwsac {
    _private: [u8; 0],
}
