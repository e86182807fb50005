/*
 * capi-tests raw helpers: what the raw-socket, UDP, custom-event-lib and
 * external-poll tests share.
 *
 * Descriptor numbers never go into a trace (real lws holds descriptors
 * rwsloop does not, so the numbers differ); a test names the descriptors
 * it cares about with raw_label_fd() and the external-poll callbacks are
 * traced with that label, for labelled descriptors only.
 */
#ifndef CAPI_RAW_UTIL_H
#define CAPI_RAW_UTIL_H

#include <libwebsockets.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- descriptor labels ---- */

void raw_label_fd(int fd, const char *label);
/* The label of fd, or NULL. */
const char *raw_fd_label(int fd);
void raw_forget_fds(void);

/* reason is one of the five external-poll reasons? */
int raw_is_poll_reason(int reason);

/*
 * Trace an external-poll callback as
 *   ADD_POLL_FD vhost/protocol [user] <label> events=E prev=P
 * (events/prev only for ADD, DEL and CHANGE_MODE: 4.3.5 passes an
 * unfilled lws_pollargs with LOCK_POLL/UNLOCK_POLL). Calls that concern
 * an unlabelled descriptor are counted in raw_poll_unlabelled only.
 * The lock callbacks are traced only when `with_locks`.
 */
void raw_trace_poll(struct lws *wsi, int reason, void *user, void *in,
		    int with_locks);
extern unsigned int raw_poll_unlabelled;

/* ---- split traces ----
 *
 * Two sockets served in the same pass (a connecting client and the
 * listener accepting it) are handled in an order that depends on the
 * event backend, so a test with both ends in one context keeps the
 * callbacks of each vhost in a log of its own: raw_split_vhost("srv")
 * makes every callback raw_cb() sees for a wsi of vhost "srv" go to that
 * log (the context-wide ones - PROTOCOL_INIT/DESTROY, EVENT_WAIT_CANCELLED,
 * GET_THREAD_ID - stay in the main trace); raw_split_flush() appends each
 * log to the main trace, one vhost after the other, and empties them.
 * Lines use the trace format.
 */
void raw_split_vhost(const char *vhost_name);
/* trace_cb(), or the vhost's log; returns 1 if it went to a log. */
int raw_cb(struct lws *wsi, int reason, void *user, void *in, size_t len);
/* A free-form line into the log of wsi's vhost (main trace if none). */
void raw_line(struct lws *wsi, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
void raw_split_flush(void);
/* Calls raw_cb() has seen with this reason (either route). */
unsigned int raw_count(int reason);
/* loop_settle() that also counts what went to the logs. */
int raw_settle(struct lws_context *cx);

/* ---- descriptors ---- */

/* AF_UNIX SOCK_STREAM pair, close-on-exec; asserts success. */
void raw_socketpair(int sv[2]);
void raw_set_nonblock(int fd);
/* fd is an open descriptor? */
int raw_fd_open(int fd);
/* Read exactly `want` bytes from a (possibly non-blocking) fd within `ms`
 * (scaled); returns the bytes read (< want on timeout or EOF). */
size_t raw_read_full(int fd, void *buf, size_t want, int ms);
/* Write all of buf to a blocking or non-blocking fd within `ms`. */
size_t raw_write_full(int fd, const void *buf, size_t len, int ms);
/* poll() fd for POLLIN for up to ms: 1 readable (or EOF), 0 not. */
int raw_readable(int fd, int ms);
/* Returns 1 when a read on fd reports end of file within ms. */
int raw_sees_eof(int fd, int ms);

/* ---- contexts ---- */

/* info zeroed, no listener, the protocols, lws log level errors+warnings. */
void raw_info(struct lws_context_creation_info *info,
	      const struct lws_protocols *protocols);
/* lws_create_context(info), trace_expect_context, loop_settle; asserts. */
struct lws_context *raw_start(const struct lws_context_creation_info *info);

/* Adopt a socket on the context's default vhost. */
struct lws *raw_adopt(struct lws_context *cx, int fd, const char *protocol);

/* A connected TCP client socket (blocking) to 127.0.0.1:port, or -1. */
int raw_tcp_connect(int port);

/* Deterministic test bytes: byte i of a stream seeded with seed. */
unsigned char raw_pattern(unsigned int seed, size_t i);
void raw_fill(unsigned char *buf, size_t len, unsigned int seed, size_t off);
/* Offset of the first byte that differs from the pattern, or len. */
size_t raw_check(const unsigned char *buf, size_t len, unsigned int seed,
		 size_t off);

#endif /* CAPI_RAW_UTIL_H */
