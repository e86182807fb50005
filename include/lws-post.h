/*
 * rwsloop: hand-written declarations that need the generated ones.
 *
 * Function types, a struct ending in a bit-field, the logging macros (they
 * test LLL_* bits with #if), the C-implemented variadic functions, and the
 * small inline helpers lws keeps in its headers.
 */
#ifndef RWSLOOP_LWS_POST_H
#define RWSLOOP_LWS_POST_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The protocol callback as a function type (not a pointer type): programs
 * declare their callbacks with it and struct lws_protocols holds a pointer
 * to one.
 */
typedef int lws_callback_function(struct lws *wsi,
				  enum lws_callback_reasons reason,
				  void *user, void *in, size_t len);

/* Same idea for ws extensions (struct lws_extension.callback). */
typedef int lws_extension_callback_function(struct lws_context *context,
					    const struct lws_extension *ext,
					    struct lws *wsi,
					    enum lws_extension_callback_reasons reason,
					    void *user, void *in, size_t len);

/* Ends a protocol array: all seven members zero, callback NULL. */
#define LWS_PROTOCOL_LIST_TERM { NULL, NULL, 0, 0, 0, NULL, 0 }

/*
 * What a UDP wsi knows about its peer (lws_get_udp()). Written by hand for
 * the trailing one-bit field; src/ffi/types/adopt.rs mirrors it.
 */
struct lws_udp {
	lws_sockaddr46 sa46;		/* sender of the last datagram */
	lws_sockaddr46 sa46_pending;	/* where lws_write() sends */
	uint8_t connected:1;
};

/*
 * Logging. Which lwsl_* macros produce code is decided when the
 * application compiles: with _DEBUG (lws_config.h sets it unless NDEBUG)
 * every level, otherwise only errors, warnings, notices and user messages;
 * LWS_WITH_NO_LOGS keeps just errors and user messages. The runtime mask
 * from lws_set_log_level() then filters what is emitted.
 */
#if defined(_DEBUG)
#if defined(LWS_WITH_NO_LOGS)
#define _LWS_LINIT (LLL_ERR | LLL_USER)
#else
#define _LWS_LINIT ((1 << LLL_COUNT) - 1)
#endif
#else
#if defined(LWS_WITH_NO_LOGS)
#define _LWS_LINIT (LLL_ERR | LLL_USER)
#else
#define _LWS_LINIT (LLL_ERR | LLL_USER | LLL_WARN | LLL_NOTICE)
#endif
#endif

#if defined(LWS_LOGGING_BITFIELD_SET)
#define _LWS_LBS (LWS_LOGGING_BITFIELD_SET)
#else
#define _LWS_LBS 0
#endif
#if defined(LWS_LOGGING_BITFIELD_CLEAR)
#define _LWS_LBC (LWS_LOGGING_BITFIELD_CLEAR)
#else
#define _LWS_LBC 0
#endif

#define _LWS_ENABLED_LOGS (((_LWS_LINIT) | (_LWS_LBS)) & ~(_LWS_LBC))

/* Implemented in C inside the library (src/c/variadic.c): Rust cannot
 * define variadic functions, so cbindgen never sees these. */
LWS_VISIBLE LWS_EXTERN void
_lws_log(int filter, const char *format, ...) LWS_FORMAT(2);
LWS_VISIBLE LWS_EXTERN void
_lws_logv(int filter, const char *format, va_list vl);
LWS_VISIBLE LWS_EXTERN int
lws_snprintf(char *str, size_t size, const char *format, ...) LWS_FORMAT(3);
/* open(2) with O_CLOEXEC added; the mode follows when O_CREAT asks for it. */
LWS_VISIBLE LWS_EXTERN int
lws_open(const char *__file, int __oflag, ...);

/* A disabled level still swallows its arguments without evaluating them. */
#define _LWS_LOG_OFF(...) do { } while (0)

#if (_LWS_ENABLED_LOGS & LLL_ERR)
#define lwsl_err(...) _lws_log(LLL_ERR, __VA_ARGS__)
#else
#define lwsl_err(...) _LWS_LOG_OFF(__VA_ARGS__)
#endif
#if (_LWS_ENABLED_LOGS & LLL_WARN)
#define lwsl_warn(...) _lws_log(LLL_WARN, __VA_ARGS__)
#else
#define lwsl_warn(...) _LWS_LOG_OFF(__VA_ARGS__)
#endif
#if (_LWS_ENABLED_LOGS & LLL_NOTICE)
#define lwsl_notice(...) _lws_log(LLL_NOTICE, __VA_ARGS__)
#else
#define lwsl_notice(...) _LWS_LOG_OFF(__VA_ARGS__)
#endif
#if (_LWS_ENABLED_LOGS & LLL_INFO)
#define lwsl_info(...) _lws_log(LLL_INFO, __VA_ARGS__)
#else
#define lwsl_info(...) _LWS_LOG_OFF(__VA_ARGS__)
#endif
#if (_LWS_ENABLED_LOGS & LLL_DEBUG)
#define lwsl_debug(...) _lws_log(LLL_DEBUG, __VA_ARGS__)
#else
#define lwsl_debug(...) _LWS_LOG_OFF(__VA_ARGS__)
#endif
#if (_LWS_ENABLED_LOGS & LLL_PARSER)
#define lwsl_parser(...) _lws_log(LLL_PARSER, __VA_ARGS__)
#else
#define lwsl_parser(...) _LWS_LOG_OFF(__VA_ARGS__)
#endif
#if (_LWS_ENABLED_LOGS & LLL_HEADER)
#define lwsl_header(...) _lws_log(LLL_HEADER, __VA_ARGS__)
#else
#define lwsl_header(...) _LWS_LOG_OFF(__VA_ARGS__)
#endif
#if (_LWS_ENABLED_LOGS & LLL_EXT)
#define lwsl_ext(...) _lws_log(LLL_EXT, __VA_ARGS__)
#else
#define lwsl_ext(...) _LWS_LOG_OFF(__VA_ARGS__)
#endif
#if (_LWS_ENABLED_LOGS & LLL_CLIENT)
#define lwsl_client(...) _lws_log(LLL_CLIENT, __VA_ARGS__)
#else
#define lwsl_client(...) _LWS_LOG_OFF(__VA_ARGS__)
#endif
#if (_LWS_ENABLED_LOGS & LLL_LATENCY)
#define lwsl_latency(...) _lws_log(LLL_LATENCY, __VA_ARGS__)
#else
#define lwsl_latency(...) _LWS_LOG_OFF(__VA_ARGS__)
#endif
#if (_LWS_ENABLED_LOGS & LLL_THREAD)
#define lwsl_thread(...) _lws_log(LLL_THREAD, __VA_ARGS__)
#else
#define lwsl_thread(...) _LWS_LOG_OFF(__VA_ARGS__)
#endif
#if (_LWS_ENABLED_LOGS & LLL_USER)
#define lwsl_user(...) _lws_log(LLL_USER, __VA_ARGS__)
#else
#define lwsl_user(...) _LWS_LOG_OFF(__VA_ARGS__)
#endif

/* Hex dumps are always compiled; the runtime mask decides. */
#define lwsl_hexdump_err(...) lwsl_hexdump_level(LLL_ERR, __VA_ARGS__)
#define lwsl_hexdump_warn(...) lwsl_hexdump_level(LLL_WARN, __VA_ARGS__)
#define lwsl_hexdump_notice(...) lwsl_hexdump_level(LLL_NOTICE, __VA_ARGS__)
#define lwsl_hexdump_info(...) lwsl_hexdump_level(LLL_INFO, __VA_ARGS__)
#define lwsl_hexdump_debug(...) lwsl_hexdump_level(LLL_DEBUG, __VA_ARGS__)
#define lwsl_hexdump_user(...) lwsl_hexdump_level(LLL_USER, __VA_ARGS__)

/* Nonzero on a big-endian host. */
static LWS_INLINE int lws_is_be(void)
{
	const int word = ~0xff;

	return *(const char *)&word;
}

/* Copy at most size1 bytes of src (plus a NUL), bounded by destsize. */
#define lws_strnncpy(dest, src, size1, destsize) \
	lws_strncpy(dest, src, (size_t)((size1) + 1) < (size_t)(destsize) ? \
		    (size_t)((size1) + 1) : (size_t)(destsize))

/* Close a wsi by timing it out now (LWS_TO_KILL_SYNC) or next pass (_ASYNC). */
#define lws_wsi_close(w, to_kill) lws_set_timeout(w, 1, to_kill)

/* Old name of lws_now_usecs(). */
#define lws_time_in_microseconds lws_now_usecs

/* lws_write() of an HTTP body chunk. */
#define lws_write_http(wsi, buf, len) \
	lws_write(wsi, (unsigned char *)(buf), len, LWS_WRITE_HTTP)

/*
 * The lws_write() type for one fragment of a ws message: `initial`
 * (TEXT or BINARY) on the first fragment, CONTINUATION after, and NO_FIN
 * on every fragment but the last.
 */
static LWS_INLINE int
lws_write_ws_flags(int initial, int is_start, int is_end)
{
	int type = is_start ? initial : (int)LWS_WRITE_CONTINUATION;

	if (!is_end)
		type |= (int)LWS_WRITE_NO_FIN;

	return type;
}

/* Accessors for lws_dll2 lists. */
static LWS_INLINE const struct lws_dll2_owner *
lws_dll2_owner(const struct lws_dll2 *d)
{
	return d->owner;
}

static LWS_INLINE struct lws_dll2 *
lws_dll2_get_head(struct lws_dll2_owner *owner)
{
	return owner->head;
}

static LWS_INLINE struct lws_dll2 *
lws_dll2_get_tail(struct lws_dll2_owner *owner)
{
	return owner->tail;
}

#ifdef __cplusplus
}
#endif

#endif /* RWSLOOP_LWS_POST_H */
