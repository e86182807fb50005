/*
 * rwsloop: hand-written declarations needed before the generated ones.
 *
 * Holds what cbindgen cannot produce from Rust: the system headers lws
 * programs expect to get through <libwebsockets.h>, forward declarations,
 * typedefs whose C form is special (function types, anonymous enums and
 * unions), structs with bit-fields, and macros that do not depend on the
 * generated declarations. Values here are compared with lws 4.3.5 by
 * `make check-layout`.
 */
#ifndef RWSLOOP_LWS_PRE_H
#define RWSLOOP_LWS_PRE_H

/*
 * lws's header pulls these in, and programs written against it rely on
 * that (memset, poll, getaddrinfo, struct sockaddr_in ...).
 */
#ifdef __cplusplus
#include <cstddef>
#include <cstdarg>
#else
#include <stdarg.h>
#include <stddef.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <poll.h>
#include <netdb.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#if defined(LWS_HAVE_SYS_CAPABILITY_H) && defined(LWS_HAVE_LIBCAP)
#include <sys/capability.h>
#else
/* Keeps `info.caps` the same size when libcap's header is absent. */
typedef int cap_value_t;
#endif

/*
 * As with lws, TLS builds expose OpenSSL's API to the program (callbacks
 * such as LWS_CALLBACK_OPENSSL_LOAD_EXTRA_CLIENT_VERIFY_CERTS hand it
 * OpenSSL objects). Only when the headers are installed: nothing in our
 * own declarations needs them.
 */
#if defined(LWS_WITH_TLS) && defined(__has_include) && !defined(RWSLOOP_NO_OPENSSL_HEADERS)
#if __has_include(<openssl/ssl.h>)
#include <openssl/ssl.h>
#include <openssl/err.h>
#endif
#endif

/* Attribute spellings lws programs use on their own declarations. */
#define LWS_INLINE inline
#ifndef LWS_VISIBLE
#define LWS_VISIBLE
#endif
#ifndef LWS_EXTERN
#define LWS_EXTERN
#endif
#if defined(__GNUC__)
#define LWS_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#define LWS_WARN_DEPRECATED __attribute__((deprecated))
#define LWS_FORMAT(string_index) \
	__attribute__((format(printf, string_index, string_index + 1)))
#else
#define LWS_WARN_UNUSED_RESULT
#define LWS_WARN_DEPRECATED
#define LWS_FORMAT(string_index)
#endif

#define LWS_O_RDONLY O_RDONLY
#define LWS_O_WRONLY O_WRONLY
#define LWS_O_CREAT O_CREAT
#define LWS_O_TRUNC O_TRUNC

#define lws_intptr_t intptr_t

/* Time units; typed so arithmetic on them stays 64-bit. */
#define LWS_US_PER_SEC ((lws_usec_t)1000000)
#define LWS_MS_PER_SEC ((lws_usec_t)1000)
#define LWS_US_PER_MS ((lws_usec_t)1000)
#define LWS_NS_PER_US ((lws_usec_t)1000)
#define LWS_USEC_PER_SEC ((lws_usec_t)1000000)
#define LWS_US_TO_MS(x) (((x) + (LWS_US_PER_MS / 2)) / LWS_US_PER_MS)
/* lws_set_timer_usecs() / lws_sul_schedule() with this cancel instead. */
#define LWS_SET_TIMER_USEC_CANCEL ((lws_usec_t)-1ll)

/* Size helpers. */
#define LWS_KI (1024)
#define LWS_MI (LWS_KI * 1024)
#define LWS_GI (LWS_MI * 1024)
#define LWS_TI ((uint64_t)LWS_GI * 1024)
#define LWS_PI ((uint64_t)LWS_TI * 1024)

/* On POSIX an invalid socket is -1; bracketed like lws's. */
#define LWS_SOCK_INVALID (-1)

/*
 * `struct lws_pollfd` must be the system's struct pollfd itself, so that
 * arrays of it can go straight to poll(2).
 */
#define lws_pollfd pollfd
#define LWS_POLLHUP (POLLHUP | POLLERR)
#define LWS_POLLIN (POLLIN)
#define LWS_POLLOUT (POLLOUT)

/* File sizes and offsets as lws's file API spells them. */
typedef unsigned long long lws_filepos_t;
typedef long long lws_fileofs_t;
typedef uint32_t lws_fop_flags_t;

/* "No Content-Length": the largest lws_filepos_t. */
#define LWS_ILLEGAL_HTTP_CONTENT_LEN ((lws_filepos_t)-1ll)

/* A retry policy conceal_count meaning "retry for ever". */
#define LWS_RETRY_CONCEAL_ALWAYS (0xffff)

/* API-change markers old programs test with #ifdef. */
#define LWS_FEATURE_SERVE_HTTP_FILE_HAS_OTHER_HEADERS_ARG
#define LWS_FEATURE_PROTOCOLS_HAS_ID_FIELD
#define LWS_FEATURE_PROTOCOLS_HAS_PEER_WRITE_ALLOWANCE
#define LWS_FEATURE_SERVE_HTTP_FILE_HAS_OTHER_HEADERS_LEN
#define LWS_FEATURE_FOPS

/* Only one service thread, so the lock helpers compile to nothing. */
#define lws_pthread_mutex(name)
#define lws_pthread_mutex_init(_a)
#define lws_pthread_mutex_destroy(_a)
#define lws_pthread_mutex_lock(_a)
#define lws_pthread_mutex_unlock(_a)

/*
 * Every struct tag the API names, declared once at file scope so that a
 * mention inside a prototype refers to this type rather than a new one.
 */
struct lws;
struct lws_context;
struct lws_vhost;
struct lws_dll2;
struct lws_dll2_owner;
struct lws_sorted_usec_list;
struct lws_protocols;
struct lws_protocol_vhost_options;
struct lws_extension;
struct lws_token_limits;
struct lws_tokens;
struct lws_http_mount;
struct lws_context_creation_info;
struct lws_client_connect_info;
struct lws_event_loop_ops;
struct lws_plugin_evlib;
struct lws_plat_file_ops;
struct lws_retry_bo;
struct lws_state_manager;
struct lws_state_notify_link;
struct lws_udp;
struct lws_adopt_desc;
struct lws_sequencer;
struct lws_dsh;
struct lws_spa;
struct lwsac;
struct lws_system_ops;
struct lws_log_cx;
struct lws_ss_policy;
struct lws_ss_plugin;
struct lws_metric_policy;
/* OpenSSL's SSL_CTX is `struct ssl_ctx_st`; naming the tag keeps us
 * independent of whether its headers were included. */
struct ssl_ctx_st;

typedef struct lws_context *lws_ctx_t;

/* Types lws defines fully and we only carry by pointer. */
typedef struct lws_system_ops lws_system_ops_t;
typedef struct lws_log_cx lws_log_cx_t;

/* A scheduled callback; the struct itself is generated. */
typedef void (*sul_cb_t)(struct lws_sorted_usec_list *sul);

/* lws names these unions by typedef only; ours also have a tag. */
typedef union lws_sock_file_fd_type lws_sock_file_fd_type;
typedef union lws_sockaddr46 lws_sockaddr46;

/* What lws_adopt_descriptor_vhost() is given: bits, OR-able. */
typedef enum {
	LWS_ADOPT_RAW_FILE_DESC = 0,
	LWS_ADOPT_HTTP = 1,
	LWS_ADOPT_SOCKET = 2,
	LWS_ADOPT_ALLOW_SSL = 4,
	LWS_ADOPT_FLAG_UDP = 16,
	LWS_ADOPT_FLAG_RAW_PROXY = 32,
	LWS_ADOPT_RAW_SOCKET_UDP = LWS_ADOPT_SOCKET | LWS_ADOPT_FLAG_UDP
} lws_adoption_type;

/*
 * lws_write() types: 0-9 choose the framing, the high bits are flags to
 * OR in. Two names share 0x80 (one is for h2, one for ws clients).
 */
enum lws_write_protocol {
	LWS_WRITE_TEXT = 0,
	LWS_WRITE_BINARY = 1,
	LWS_WRITE_CONTINUATION = 2,
	LWS_WRITE_HTTP = 3,
	LWS_WRITE_PING = 5,
	LWS_WRITE_PONG = 6,
	LWS_WRITE_HTTP_FINAL = 7,
	LWS_WRITE_HTTP_HEADERS = 8,
	LWS_WRITE_HTTP_HEADERS_CONTINUATION = 9,
	LWS_WRITE_BUFLIST = 0x20,
	LWS_WRITE_NO_FIN = 0x40,
	LWS_WRITE_H2_STREAM_END = 0x80,
	LWS_WRITE_CLIENT_IGNORE_XOR_MASK = 0x80
};
/* Raw sockets write with the same value as plain HTTP. */
#define LWS_WRITE_RAW LWS_WRITE_HTTP

/* `flags` of lws_event_loop_ops.io(): one START/STOP with READ/WRITE. */
enum {
	LWS_EV_READ = (1 << 0),
	LWS_EV_WRITE = (1 << 1),
	LWS_EV_START = (1 << 2),
	LWS_EV_STOP = (1 << 3)
};

/* lws_rx_flow_control() arguments beyond the plain 0/1. */
enum {
	LWS_RXFLOW_REASON_USER_BOOL = (1 << 0),
	LWS_RXFLOW_REASON_HTTP_RXBUFFER = (1 << 6),
	LWS_RXFLOW_REASON_H2_PPS_PENDING = (1 << 7),
	LWS_RXFLOW_REASON_APPLIES = (1 << 14),
	LWS_RXFLOW_REASON_APPLIES_ENABLE_BIT = (1 << 13),
	LWS_RXFLOW_REASON_APPLIES_ENABLE = LWS_RXFLOW_REASON_APPLIES |
					   LWS_RXFLOW_REASON_APPLIES_ENABLE_BIT,
	LWS_RXFLOW_REASON_APPLIES_DISABLE = LWS_RXFLOW_REASON_APPLIES,
	LWS_RXFLOW_REASON_FLAG_PROCESS_NOW = (1 << 12)
};

/* What lws_tokenize() found; the negative values are errors. */
typedef enum {
	LWS_TOKZE_ERRS = 5,
	LWS_TOKZE_ERR_BROKEN_UTF8 = -5,
	LWS_TOKZE_ERR_UNTERM_STRING = -4,
	LWS_TOKZE_ERR_MALFORMED_FLOAT = -3,
	LWS_TOKZE_ERR_NUM_ON_LHS = -2,
	LWS_TOKZE_ERR_COMMA_LIST = -1,
	LWS_TOKZE_ENDED = 0,
	LWS_TOKZE_DELIMITER = 1,
	LWS_TOKZE_TOKEN = 2,
	LWS_TOKZE_INTEGER = 3,
	LWS_TOKZE_FLOAT = 4,
	LWS_TOKZE_TOKEN_NAME_EQUALS = 5,
	LWS_TOKZE_TOKEN_NAME_COLON = 6,
	LWS_TOKZE_QUOTED_STRING = 7
} lws_tokenize_elem;

/* The context's system states, in the order it passes through them. */
typedef enum {
	LWS_SYSTATE_UNKNOWN = 0,
	LWS_SYSTATE_CONTEXT_CREATED = 1,
	LWS_SYSTATE_INITIALIZED = 2,
	LWS_SYSTATE_IFACE_COLDPLUG = 3,
	LWS_SYSTATE_DHCP = 4,
	LWS_SYSTATE_CPD_PRE_TIME = 5,
	LWS_SYSTATE_TIME_VALID = 6,
	LWS_SYSTATE_CPD_POST_TIME = 7,
	LWS_SYSTATE_POLICY_VALID = 8,
	LWS_SYSTATE_REGISTERED = 9,
	LWS_SYSTATE_AUTH1 = 10,
	LWS_SYSTATE_AUTH2 = 11,
	LWS_SYSTATE_OPERATIONAL = 12,
	LWS_SYSTATE_POLICY_INVALID = 13,
	LWS_SYSTATE_CONTEXT_DESTROYING = 14
} lws_system_states_t;

/*
 * A URL mount. Written here rather than generated because of its three
 * one-bit fields; programs give all 17 members positionally, in this
 * order. src/ffi/types/mount.rs mirrors the layout.
 */
struct lws_http_mount {
	const struct lws_http_mount *mount_next;
	const char *mountpoint;		/* URL prefix, e.g. "/" */
	const char *origin;		/* directory, URL or protocol name */
	const char *def;		/* default file for a directory */
	const char *protocol;		/* protocol bound for callback mounts */
	const struct lws_protocol_vhost_options *cgienv;
	const struct lws_protocol_vhost_options *extra_mimetypes;
	const struct lws_protocol_vhost_options *interpret;
	int cgi_timeout;
	int cache_max_age;
	unsigned int auth_mask;
	unsigned int cache_reusable:1;
	unsigned int cache_revalidate:1;
	unsigned int cache_intermediaries:1;
	unsigned char origin_protocol;	/* an LWSMPRO_* value */
	unsigned char mountpoint_len;	/* strlen(mountpoint) */
	const char *basic_auth_login_file;
};

/* The usual helpers. */
#ifndef lws_container_of
#define lws_container_of(P, T, M) ((T *)((char *)(P) - offsetof(T, M)))
#endif
#ifndef LWS_ARRAY_SIZE
#define LWS_ARRAY_SIZE(_x) (sizeof(_x) / sizeof((_x)[0]))
#endif
#define LWS_ALIGN_TO(x, bou) x += ((bou) - ((x) % (bou))) % (bou)

/* Byte distance from tail up to head, as int or as size_t. */
#define lws_ptr_diff(head, tail) ((int)((char *)(head) - (char *)(tail)))
#define lws_ptr_diff_size_t(head, tail) \
	((size_t)(ssize_t)((char *)(head) - (char *)(tail)))

/* Test that every bit of `f` is set in the options `c`. */
#define lws_check_opt(c, f) ((((uint64_t)(c)) & ((uint64_t)(f))) == ((uint64_t)(f)))

/*
 * Walking singly linked lists through a named "next" member.
 * _ll: `it` visits each element; _llp: `it` points at each link, so the
 * body may unlink through it; _safe variants tolerate the body freeing
 * the current element.
 */
#define lws_start_foreach_ll(type, it, start) \
	{ \
		type it = start; \
		while (it) {
#define lws_end_foreach_ll(it, nxt) \
			it = it->nxt; \
		} \
	}

#define lws_start_foreach_ll_safe(type, it, start, nxt) \
	{ \
		type it = start; \
		while (it) { \
			type next_##it = it->nxt;
#define lws_end_foreach_ll_safe(it) \
			it = next_##it; \
		} \
	}

#define lws_start_foreach_llp(type, it, start) \
	{ \
		type it = &(start); \
		while (*(it)) {
#define lws_end_foreach_llp(it, nxt) \
			it = &(*(it))->nxt; \
		} \
	}

#define lws_start_foreach_llp_safe(type, it, start, nxt) \
	{ \
		type it = &(start); \
		type next; \
		while (*(it)) { \
			next = &((*(it))->nxt);
#define lws_end_foreach_llp_safe(it) \
			it = next; \
		} \
	}

/* Push `obj` on the front of the list at `head`, linked through `m`. */
#define lws_ll_fwd_insert(obj, m, head) \
	{ \
		(obj)->m = (head); \
		(head) = (obj); \
	}

/* Unlink `target` (of `type`) from the list at `head`, linked through `m`. */
#define lws_ll_fwd_remove(type, m, target, head) \
	{ \
		lws_start_foreach_llp(type **, _lws_llp, head) { \
			if (*_lws_llp == (target)) { \
				*_lws_llp = (target)->m; \
				break; \
			} \
		} lws_end_foreach_llp(_lws_llp, m); \
	}

/* Walking lws_dll2 lists (forwards), optionally tolerating removal. */
#define lws_start_foreach_dll(type, it, start) \
	{ \
		type it = start; \
		while (it) {
#define lws_end_foreach_dll(it) \
			it = (it)->next; \
		} \
	}

#define lws_start_foreach_dll_safe(type, it, tmp, start) \
	{ \
		type it = start; \
		while (it) { \
			type tmp = (it)->next;
#define lws_end_foreach_dll_safe(it, tmp) \
			it = tmp; \
		} \
	}

/* lws_sockaddr46 helpers: the sockaddr view, its length and its port. */
#define sa46_sockaddr(_sa46) ((struct sockaddr *)(_sa46))
#define sa46_socklen(_sa46) \
	(socklen_t)((_sa46)->sa4.sin_family == AF_INET ? \
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6))
#define sa46_sockport(_sa46, _sp) \
	{ \
		if ((_sa46)->sa4.sin_family == AF_INET) \
			(_sa46)->sa4.sin_port = (_sp); \
		else \
			(_sa46)->sa6.sin6_port = (_sp); \
	}
#define sa46_address(_sa46) \
	((uint8_t *)((_sa46)->sa4.sin_family == AF_INET ? \
		     (void *)&(_sa46)->sa4.sin_addr : (void *)&(_sa46)->sa6.sin6_addr))
#define sa46_address_len(_sa46) ((_sa46)->sa4.sin_family == AF_INET ? 4 : 16)

#endif /* RWSLOOP_LWS_PRE_H */
