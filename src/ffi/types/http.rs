//! HTTP constants: status codes and the header token numbering.
//!
//! `WSI_TOKEN_*` numbers depend on lws's build options; these follow
//! Debian's 4.3.5 build (uncommon headers, h2, ws and custom headers all on),
//! so every name exists and `WSI_TOKEN_COUNT` is 96.

use super::lwsac;
use std::os::raw::{c_char, c_int, c_void};

/// `enum lws_token_indexes` as C passes it.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct lws_token_indexes(pub c_int);

/// HTTP header indexes for lws_hdr_copy() and friends; the values after
/// WSI_TOKEN_COUNT are parser states.
#[repr(C)]
#[allow(missing_docs, dead_code)]
pub enum lws_token_indexes_decl {
    WSI_TOKEN_GET_URI = 0,
    WSI_TOKEN_POST_URI = 1,
    WSI_TOKEN_OPTIONS_URI = 2,
    WSI_TOKEN_HOST = 3,
    WSI_TOKEN_CONNECTION = 4,
    WSI_TOKEN_UPGRADE = 5,
    WSI_TOKEN_ORIGIN = 6,
    WSI_TOKEN_DRAFT = 7,
    WSI_TOKEN_CHALLENGE = 8,
    WSI_TOKEN_EXTENSIONS = 9,
    WSI_TOKEN_KEY1 = 10,
    WSI_TOKEN_KEY2 = 11,
    WSI_TOKEN_PROTOCOL = 12,
    WSI_TOKEN_ACCEPT = 13,
    WSI_TOKEN_NONCE = 14,
    WSI_TOKEN_HTTP = 15,
    WSI_TOKEN_HTTP2_SETTINGS = 16,
    WSI_TOKEN_HTTP_ACCEPT = 17,
    WSI_TOKEN_HTTP_AC_REQUEST_HEADERS = 18,
    WSI_TOKEN_HTTP_IF_MODIFIED_SINCE = 19,
    WSI_TOKEN_HTTP_IF_NONE_MATCH = 20,
    WSI_TOKEN_HTTP_ACCEPT_ENCODING = 21,
    WSI_TOKEN_HTTP_ACCEPT_LANGUAGE = 22,
    WSI_TOKEN_HTTP_PRAGMA = 23,
    WSI_TOKEN_HTTP_CACHE_CONTROL = 24,
    WSI_TOKEN_HTTP_AUTHORIZATION = 25,
    WSI_TOKEN_HTTP_COOKIE = 26,
    WSI_TOKEN_HTTP_CONTENT_LENGTH = 27,
    WSI_TOKEN_HTTP_CONTENT_TYPE = 28,
    WSI_TOKEN_HTTP_DATE = 29,
    WSI_TOKEN_HTTP_RANGE = 30,
    WSI_TOKEN_HTTP_REFERER = 31,
    WSI_TOKEN_KEY = 32,
    WSI_TOKEN_VERSION = 33,
    WSI_TOKEN_SWORIGIN = 34,
    WSI_TOKEN_HTTP_COLON_AUTHORITY = 35,
    WSI_TOKEN_HTTP_COLON_METHOD = 36,
    WSI_TOKEN_HTTP_COLON_PATH = 37,
    WSI_TOKEN_HTTP_COLON_SCHEME = 38,
    WSI_TOKEN_HTTP_COLON_STATUS = 39,
    WSI_TOKEN_HTTP_ACCEPT_CHARSET = 40,
    WSI_TOKEN_HTTP_ACCEPT_RANGES = 41,
    WSI_TOKEN_HTTP_ACCESS_CONTROL_ALLOW_ORIGIN = 42,
    WSI_TOKEN_HTTP_AGE = 43,
    WSI_TOKEN_HTTP_ALLOW = 44,
    WSI_TOKEN_HTTP_CONTENT_DISPOSITION = 45,
    WSI_TOKEN_HTTP_CONTENT_ENCODING = 46,
    WSI_TOKEN_HTTP_CONTENT_LANGUAGE = 47,
    WSI_TOKEN_HTTP_CONTENT_LOCATION = 48,
    WSI_TOKEN_HTTP_CONTENT_RANGE = 49,
    WSI_TOKEN_HTTP_ETAG = 50,
    WSI_TOKEN_HTTP_EXPECT = 51,
    WSI_TOKEN_HTTP_EXPIRES = 52,
    WSI_TOKEN_HTTP_FROM = 53,
    WSI_TOKEN_HTTP_IF_MATCH = 54,
    WSI_TOKEN_HTTP_IF_RANGE = 55,
    WSI_TOKEN_HTTP_IF_UNMODIFIED_SINCE = 56,
    WSI_TOKEN_HTTP_LAST_MODIFIED = 57,
    WSI_TOKEN_HTTP_LINK = 58,
    WSI_TOKEN_HTTP_LOCATION = 59,
    WSI_TOKEN_HTTP_MAX_FORWARDS = 60,
    WSI_TOKEN_HTTP_PROXY_AUTHENTICATE = 61,
    WSI_TOKEN_HTTP_PROXY_AUTHORIZATION = 62,
    WSI_TOKEN_HTTP_REFRESH = 63,
    WSI_TOKEN_HTTP_RETRY_AFTER = 64,
    WSI_TOKEN_HTTP_SERVER = 65,
    WSI_TOKEN_HTTP_SET_COOKIE = 66,
    WSI_TOKEN_HTTP_STRICT_TRANSPORT_SECURITY = 67,
    WSI_TOKEN_HTTP_TRANSFER_ENCODING = 68,
    WSI_TOKEN_HTTP_USER_AGENT = 69,
    WSI_TOKEN_HTTP_VARY = 70,
    WSI_TOKEN_HTTP_VIA = 71,
    WSI_TOKEN_HTTP_WWW_AUTHENTICATE = 72,
    WSI_TOKEN_PATCH_URI = 73,
    WSI_TOKEN_PUT_URI = 74,
    WSI_TOKEN_DELETE_URI = 75,
    WSI_TOKEN_HTTP_URI_ARGS = 76,
    WSI_TOKEN_PROXY = 77,
    WSI_TOKEN_HTTP_X_REAL_IP = 78,
    WSI_TOKEN_HTTP1_0 = 79,
    WSI_TOKEN_X_FORWARDED_FOR = 80,
    WSI_TOKEN_CONNECT = 81,
    WSI_TOKEN_HEAD_URI = 82,
    WSI_TOKEN_TE = 83,
    WSI_TOKEN_REPLAY_NONCE = 84,
    WSI_TOKEN_COLON_PROTOCOL = 85,
    WSI_TOKEN_X_AUTH_TOKEN = 86,
    WSI_TOKEN_DSS_SIGNATURE = 87,
    _WSI_TOKEN_CLIENT_SENT_PROTOCOLS = 88,
    _WSI_TOKEN_CLIENT_PEER_ADDRESS = 89,
    _WSI_TOKEN_CLIENT_URI = 90,
    _WSI_TOKEN_CLIENT_HOST = 91,
    _WSI_TOKEN_CLIENT_ORIGIN = 92,
    _WSI_TOKEN_CLIENT_METHOD = 93,
    _WSI_TOKEN_CLIENT_IFACE = 94,
    _WSI_TOKEN_CLIENT_ALPN = 95,
    WSI_TOKEN_COUNT = 96,
    WSI_TOKEN_NAME_PART = 97,
    WSI_TOKEN_UNKNOWN_VALUE_PART = 98,
    WSI_TOKEN_SKIPPING = 99,
    WSI_TOKEN_SKIPPING_SAW_CR = 100,
    WSI_PARSING_COMPLETE = 101,
    WSI_INIT_TOKEN_MUXURL = 102,
}

/// `WSI_TOKEN_COUNT`, for sizing arrays indexed by token. The array
/// below spells the number out so the header shows a plain `[96]`.
/// cbindgen:ignore
pub const WSI_TOKEN_COUNT_USIZE: usize = 96;
const _: () = assert!(WSI_TOKEN_COUNT_USIZE == lws_token_indexes_decl::WSI_TOKEN_COUNT as usize);

/// `struct lws_token_limits`: the most bytes kept per header.
#[repr(C)]
pub struct lws_token_limits {
    /// limit per `WSI_TOKEN_*` index
    pub token_limit: [u16; 96],
}

/// `enum http_status` as C passes it.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct http_status(pub c_int);

/// HTTP status codes.
#[repr(C)]
#[allow(missing_docs, dead_code)]
pub enum http_status_decl {
    HTTP_STATUS_CONTINUE = 100,
    HTTP_STATUS_OK = 200,
    HTTP_STATUS_NO_CONTENT = 204,
    HTTP_STATUS_PARTIAL_CONTENT = 206,
    HTTP_STATUS_MOVED_PERMANENTLY = 301,
    HTTP_STATUS_FOUND = 302,
    HTTP_STATUS_SEE_OTHER = 303,
    HTTP_STATUS_NOT_MODIFIED = 304,
    HTTP_STATUS_BAD_REQUEST = 400,
    HTTP_STATUS_UNAUTHORIZED = 401,
    HTTP_STATUS_PAYMENT_REQUIRED = 402,
    HTTP_STATUS_FORBIDDEN = 403,
    HTTP_STATUS_NOT_FOUND = 404,
    HTTP_STATUS_METHOD_NOT_ALLOWED = 405,
    HTTP_STATUS_NOT_ACCEPTABLE = 406,
    HTTP_STATUS_PROXY_AUTH_REQUIRED = 407,
    HTTP_STATUS_REQUEST_TIMEOUT = 408,
    HTTP_STATUS_CONFLICT = 409,
    HTTP_STATUS_GONE = 410,
    HTTP_STATUS_LENGTH_REQUIRED = 411,
    HTTP_STATUS_PRECONDITION_FAILED = 412,
    HTTP_STATUS_REQ_ENTITY_TOO_LARGE = 413,
    HTTP_STATUS_REQ_URI_TOO_LONG = 414,
    HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE = 415,
    HTTP_STATUS_REQ_RANGE_NOT_SATISFIABLE = 416,
    HTTP_STATUS_EXPECTATION_FAILED = 417,
    HTTP_STATUS_INTERNAL_SERVER_ERROR = 500,
    HTTP_STATUS_NOT_IMPLEMENTED = 501,
    HTTP_STATUS_BAD_GATEWAY = 502,
    HTTP_STATUS_SERVICE_UNAVAILABLE = 503,
    HTTP_STATUS_GATEWAY_TIMEOUT = 504,
    HTTP_STATUS_HTTP_VERSION_NOT_SUPPORTED = 505,
}

const _: () = assert!(core::mem::size_of::<lws_token_limits>() == 192);

/// `enum lws_spa_fileupload_states` as C passes it.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct lws_spa_fileupload_states(pub c_int);

/// The stage of a file upload reported to a POST-body parser callback.
#[repr(C)]
#[allow(missing_docs, dead_code)]
pub enum lws_spa_fileupload_states_decl {
    LWS_UFS_CONTENT = 0,
    LWS_UFS_FINAL_CONTENT = 1,
    LWS_UFS_OPEN = 2,
    LWS_UFS_CLOSE = 3,
}

/// Receives file uploads found by a POST-body parser.
pub type lws_spa_fileupload_cb = Option<
    unsafe extern "C" fn(
        data: *mut c_void,
        name: *const c_char,
        filename: *const c_char,
        buf: *mut c_char,
        len: c_int,
        state: lws_spa_fileupload_states,
    ) -> c_int,
>;

/// `lws_spa_create_info_t`: the arguments of lws_spa_create_via_info().
#[repr(C)]
pub struct lws_spa_create_info {
    /// names of the form fields to collect
    pub param_names: *const *const c_char,
    /// entries in `param_names`
    pub count_params: c_int,
    /// bytes of storage for the collected values
    pub max_storage: c_int,
    /// file upload callback, or NULL
    pub opt_cb: lws_spa_fileupload_cb,
    /// passed to `opt_cb`
    pub opt_data: *mut c_void,
    /// distance between names, if not a plain pointer array (0: pointers)
    pub param_names_stride: usize,
    /// allocate from this lwsac instead of the heap
    pub ac: *mut *mut lwsac,
    /// lwsac chunk size
    pub ac_chunk_size: usize,
}

/// `lws_spa_create_info_t`
pub type lws_spa_create_info_t = lws_spa_create_info;

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    type S = lws_spa_create_info;
    assert!(size_of::<S>() == 56);
    assert!(offset_of!(S, count_params) == 8);
    assert!(offset_of!(S, opt_cb) == 16);
    assert!(offset_of!(S, param_names_stride) == 32);
    assert!(offset_of!(S, ac_chunk_size) == 48);
};
