//! Smaller enum families of the API: TLS certificate queries, the
//! tokenizer and the system states.

use std::os::raw::c_int;

/// `enum lws_tls_cert_info` as C passes it.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct lws_tls_cert_info(pub c_int);

/// Which certificate detail lws_tls_peer_cert_info() reports.
#[repr(C)]
#[allow(missing_docs, dead_code)]
pub enum lws_tls_cert_info_decl {
    LWS_TLS_CERT_INFO_VALIDITY_FROM = 0,
    LWS_TLS_CERT_INFO_VALIDITY_TO = 1,
    LWS_TLS_CERT_INFO_COMMON_NAME = 2,
    LWS_TLS_CERT_INFO_ISSUER_NAME = 3,
    LWS_TLS_CERT_INFO_USAGE = 4,
    LWS_TLS_CERT_INFO_VERIFIED = 5,
    LWS_TLS_CERT_INFO_OPAQUE_PUBLIC_KEY = 6,
    LWS_TLS_CERT_INFO_DER_RAW = 7,
    LWS_TLS_CERT_INFO_AUTHORITY_KEY_ID = 8,
    LWS_TLS_CERT_INFO_AUTHORITY_KEY_ID_ISSUER = 9,
    LWS_TLS_CERT_INFO_AUTHORITY_KEY_ID_SERIAL = 10,
    LWS_TLS_CERT_INFO_SUBJECT_KEY_ID = 11,
}

/// tokenizer flag: '-' does not end a token
pub const LWS_TOKENIZE_F_MINUS_NONTERM: c_int = 1 << 0;
/// tokenizer flag: a run of ':' is one delimiter
pub const LWS_TOKENIZE_F_AGG_COLON: c_int = 1 << 1;
/// tokenizer flag: the input is a comma-separated list
pub const LWS_TOKENIZE_F_COMMA_SEP_LIST: c_int = 1 << 2;
/// tokenizer flag: delimiters are RFC 7230's
pub const LWS_TOKENIZE_F_RFC7230_DELIMS: c_int = 1 << 3;
/// tokenizer flag: '.' does not end a token
pub const LWS_TOKENIZE_F_DOT_NONTERM: c_int = 1 << 4;
/// tokenizer flag: no floating point numbers
pub const LWS_TOKENIZE_F_NO_FLOATS: c_int = 1 << 5;
/// tokenizer flag: no integers
pub const LWS_TOKENIZE_F_NO_INTEGERS: c_int = 1 << 6;
/// tokenizer flag: '#' starts a comment
pub const LWS_TOKENIZE_F_HASH_COMMENT: c_int = 1 << 7;
/// tokenizer flag: '/' does not end a token
pub const LWS_TOKENIZE_F_SLASH_NONTERM: c_int = 1 << 8;
/// tokenizer flag: '*' does not end a token
pub const LWS_TOKENIZE_F_ASTERISK_NONTERM: c_int = 1 << 9;
/// tokenizer flag: '=' does not end a token
pub const LWS_TOKENIZE_F_EQUALS_NONTERM: c_int = 1 << 10;

/// `lws_tokenize_elem`: what the tokenizer found (negative: an error).
/// A typedef'd anonymous enum in C, hand-written in lws-pre.h.
/// cbindgen:ignore
pub mod tokenize_elem {
    use std::os::raw::c_int;
    /// invalid UTF-8
    pub const LWS_TOKZE_ERR_BROKEN_UTF8: c_int = -5;
    /// a quoted string was not closed
    pub const LWS_TOKZE_ERR_UNTERM_STRING: c_int = -4;
    /// a malformed number
    pub const LWS_TOKZE_ERR_MALFORMED_FLOAT: c_int = -3;
    /// a number before '=' or ':'
    pub const LWS_TOKZE_ERR_NUM_ON_LHS: c_int = -2;
    /// a bad comma-separated list
    pub const LWS_TOKZE_ERR_COMMA_LIST: c_int = -1;
    /// end of input
    pub const LWS_TOKZE_ENDED: c_int = 0;
    /// a delimiter
    pub const LWS_TOKZE_DELIMITER: c_int = 1;
    /// a token
    pub const LWS_TOKZE_TOKEN: c_int = 2;
    /// an integer
    pub const LWS_TOKZE_INTEGER: c_int = 3;
    /// a floating point number
    pub const LWS_TOKZE_FLOAT: c_int = 4;
    /// a token followed by '='
    pub const LWS_TOKZE_TOKEN_NAME_EQUALS: c_int = 5;
    /// a token followed by ':'
    pub const LWS_TOKZE_TOKEN_NAME_COLON: c_int = 6;
    /// a quoted string
    pub const LWS_TOKZE_QUOTED_STRING: c_int = 7;
    /// how many error values there are
    pub const LWS_TOKZE_ERRS: c_int = 5;
}

/// `lws_system_states_t`: the context's system state machine, in order.
/// A typedef'd anonymous enum in C, hand-written in lws-pre.h.
/// cbindgen:ignore
#[allow(missing_docs)]
pub mod system_states {
    use std::os::raw::c_int;
    pub const LWS_SYSTATE_UNKNOWN: c_int = 0;
    pub const LWS_SYSTATE_CONTEXT_CREATED: c_int = 1;
    pub const LWS_SYSTATE_INITIALIZED: c_int = 2;
    pub const LWS_SYSTATE_IFACE_COLDPLUG: c_int = 3;
    pub const LWS_SYSTATE_DHCP: c_int = 4;
    pub const LWS_SYSTATE_CPD_PRE_TIME: c_int = 5;
    pub const LWS_SYSTATE_TIME_VALID: c_int = 6;
    pub const LWS_SYSTATE_CPD_POST_TIME: c_int = 7;
    pub const LWS_SYSTATE_POLICY_VALID: c_int = 8;
    pub const LWS_SYSTATE_REGISTERED: c_int = 9;
    pub const LWS_SYSTATE_AUTH1: c_int = 10;
    pub const LWS_SYSTATE_AUTH2: c_int = 11;
    pub const LWS_SYSTATE_OPERATIONAL: c_int = 12;
    pub const LWS_SYSTATE_POLICY_INVALID: c_int = 13;
    pub const LWS_SYSTATE_CONTEXT_DESTROYING: c_int = 14;
}
