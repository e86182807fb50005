/*
 * capi-tests trace: a text record of what the library called back, in
 * order, that is identical across implementations when they behave alike.
 *
 * One line per event:
 *
 *   PROTOCOL_INIT default/b in=pvo(k1=v1,k2=v2)
 *   EVENT_WAIT_CANCELLED one/a one/b two/x
 *   sul B
 *   -- destroy
 *
 * A callback line is the reason without its LWS_CALLBACK_ prefix, then
 * vhost-name/protocol-name ("-" for a fake wsi without one), then " user"
 * if the user pointer was not NULL, " in=..." if in was not NULL (a pvo list
 * is spelled out, anything else is "set"), " len=N" if len was not 0.
 *
 * EVENT_WAIT_CANCELLED is special: lws delivers it as a broadcast (one call
 * per protocol of every vhost) and sends more of them than the program
 * asked for (lws-surface §5.10); lws 4.3.5 even sends one more on the pass
 * after the first. So consecutive calls form ONE line listing every
 * receiver, and a broadcast identical to the line just before it is not
 * recorded again (it is counted: trace_count()).
 *
 * Nothing time-, address- or pass-count-dependent goes into a trace.
 */
#ifndef CAPI_TRACE_H
#define CAPI_TRACE_H

#include <libwebsockets.h>
#include <stddef.h>

/* runner: start a fresh trace (the child process does it once). */
void trace_begin(void);

/* Record a protocol callback. */
void trace_cb(struct lws *wsi, int reason, void *user, void *in, size_t len);

/* A protocol callback that only records and returns 0. */
int trace_protocol_cb(struct lws *wsi, enum lws_callback_reasons reason,
		      void *user, void *in, size_t len);

/* Callbacks must see this context through lws_get_context(wsi); a line
 * for a callback that does not gets " ctx-mismatch". NULL: no check. */
void trace_expect_context(struct lws_context *cx);

/* Record a free-form event ("sul A", "-- destroy"). */
void trace_line(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

/* Stop recording lines (counting continues): for a test whose remaining
 * events are asserted elsewhere and must not reach the compared trace. */
void trace_freeze(void);

/* The trace so far, one event per line, each ending in '\n'. */
const char *trace_text(void);

/* Raw number of callbacks seen for a reason (coalesced ones included). */
unsigned int trace_count(int reason);
/* Raw number of callbacks with this reason delivered to one protocol. */
unsigned int trace_count_for(int reason, const char *protocol);
/* Raw number of events (callbacks and lines) so far. */
unsigned int trace_events(void);

/* Name of a callback reason, without the LWS_CALLBACK_ prefix. */
const char *trace_reason_name(int reason, char *buf, size_t len);

/* runner: write <name>.trace into $CAPI_TRACE_DIR (or print the trace on
 * stdout when unset); failure, if not NULL, is appended as a last line. */
void trace_finish(const char *name, const char *failure);

/* Assert the whole trace so far equals `expected` (lines ending in '\n'). */
void capi_assert_trace(const char *file, int line, const char *expected);
#define ASSERT_TRACE(expected) capi_assert_trace(__FILE__, __LINE__, expected)

#endif /* CAPI_TRACE_H */
