/*
 * capi-tests loop helpers: drive lws_service() until something happened,
 * without depending on how many passes an implementation needs.
 *
 * Why a helper: a service pass runs the ripe timers and then waits for the
 * next event, so the pass that completes a test's condition may go on to
 * sleep for a long time (real lws: up to its next internal timer, ~30 s, or
 * ~23 days). SERVICE_UNTIL keeps a private 10 ms heartbeat timer scheduled
 * while it loops, so every pass returns soon and the wall-clock bound is
 * honoured. The heartbeat is never traced.
 */
#ifndef CAPI_LOOP_H
#define CAPI_LOOP_H

#include <libwebsockets.h>

struct loop_wait {
	struct lws_context *cx;
	long long deadline_us;
	long passes;
	int ret;       /* last lws_service() return */
	int gone;      /* lws_service() returned < 0: the context may be freed */
	int heartbeat; /* the private 10 ms timer is scheduled */
};

/* heartbeat 0: no private timer, for tests that must see lws_service block
 * (they schedule their own far-off guard sul to bound a blocked pass). */
void loop_wait_begin(struct loop_wait *w, struct lws_context *cx, int ms,
		     int heartbeat);
/* One lws_service(cx, 0). Returns nonzero when the caller must stop: the
 * deadline passed, the pass bound was hit, or lws_service returned < 0. */
int loop_wait_step(struct loop_wait *w);
void loop_wait_end(struct loop_wait *w);

/* Return value of the last lws_service() made by SERVICE_UNTIL. */
extern int loop_last_ret;

/* Service until `cond` holds or `ms` (scaled by CAPI_TIMEOUT_MULT) passed;
 * the caller then asserts `cond` itself. */
#define SERVICE_UNTIL(cx, cond, ms)                                         \
	do {                                                                \
		struct loop_wait loop_w_;                                   \
		loop_wait_begin(&loop_w_, (cx), (ms), 1);                   \
		while (!(cond) && !loop_wait_step(&loop_w_))                \
			;                                                   \
		loop_wait_end(&loop_w_);                                    \
	} while (0)

/* The same without the heartbeat: each pass may block as long as the
 * library wants; `ms` is only checked between passes. */
#define SERVICE_UNTIL_BLOCKING(cx, cond, ms)                                \
	do {                                                                \
		struct loop_wait loop_w_;                                   \
		loop_wait_begin(&loop_w_, (cx), (ms), 0);                   \
		while (!(cond) && !loop_wait_step(&loop_w_))                \
			;                                                   \
		loop_wait_end(&loop_w_);                                    \
	} while (0)

/*
 * Non-blocking passes (lws_service(cx, -1)) until three in a row record no
 * trace event: the end of start-up (lws 4.3.5 needs one pass more than
 * 4.1.6) or of a burst. Returns 0 when quiet, -1 if it never got quiet or
 * lws_service returned < 0. Only meaningful when every protocol callback
 * goes through trace_cb().
 */
int loop_settle(struct lws_context *cx);

/*
 * A context with no listener, the given protocols (a positional array
 * ending with a NULL callback), pvo list, options and user pointer; lws's
 * log mask is set to errors and warnings first. Returns NULL on failure.
 * Nothing is serviced.
 */
struct lws_context *make_context(const struct lws_protocols *protocols,
				 const struct lws_protocol_vhost_options *pvo,
				 unsigned long long options, void *user);

/* make_context() + trace_expect_context() + loop_settle(), asserting both
 * worked: a context past its start-up, trace holding the start-up events. */
struct lws_context *started_context(const struct lws_protocols *protocols,
				    const struct lws_protocol_vhost_options *pvo);

/* CLOCK_MONOTONIC in microseconds (our clock, not the library's). */
long long now_us(void);

/* Sleep for ms milliseconds (restarted after signals). */
void sleep_ms(int ms);

#endif /* CAPI_LOOP_H */
