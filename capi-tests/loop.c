/*
 * capi-tests loop helpers: see loop.h.
 */
#define _GNU_SOURCE
#include "loop.h"
#include "task.h"
#include "trace.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#define HEARTBEAT_US 10000
#define MAX_PASSES 10000000L

int loop_last_ret;

static struct {
	lws_sorted_usec_list_t sul;
	struct lws_context *cx;
} heartbeat;

static void heartbeat_cb(lws_sorted_usec_list_t *sul)
{
	lws_sul_schedule(heartbeat.cx, 0, sul, heartbeat_cb, HEARTBEAT_US);
}

long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void loop_wait_begin(struct loop_wait *w, struct lws_context *cx, int ms,
		     int with_heartbeat)
{
	memset(w, 0, sizeof(*w));
	w->cx = cx;
	w->deadline_us = now_us() + (long long)capi_scaled_ms(ms) * 1000;
	w->heartbeat = with_heartbeat;
	if (!with_heartbeat)
		return;
	heartbeat.cx = cx;
	lws_sul_schedule(cx, 0, &heartbeat.sul, heartbeat_cb, HEARTBEAT_US);
}

int loop_wait_step(struct loop_wait *w)
{
	if (w->gone || now_us() >= w->deadline_us || w->passes >= MAX_PASSES)
		return 1;
	w->ret = lws_service(w->cx, 0);
	w->passes++;
	if (w->ret < 0) {
		w->gone = 1;
		return 1;
	}
	return 0;
}

void loop_wait_end(struct loop_wait *w)
{
	loop_last_ret = w->ret;
	if (!w->heartbeat)
		return;
	if (w->gone)
		/* The context may be freed: forget the node, don't unlink it. */
		memset(&heartbeat.sul, 0, sizeof(heartbeat.sul));
	else
		lws_sul_cancel(&heartbeat.sul);
	heartbeat.cx = NULL;
}

int loop_settle(struct lws_context *cx)
{
	int quiet = 0, i;

	for (i = 0; i < 1000 && quiet < 3; i++) {
		unsigned int before = trace_events();

		if (lws_service(cx, -1) < 0)
			return -1;
		quiet = trace_events() == before ? quiet + 1 : 0;
	}
	return quiet >= 3 ? 0 : -1;
}

struct lws_context *make_context(const struct lws_protocols *protocols,
				 const struct lws_protocol_vhost_options *pvo,
				 unsigned long long options, void *user)
{
	struct lws_context_creation_info info;

	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.pvo = pvo;
	info.options = options;
	info.user = user;
	return lws_create_context(&info);
}

struct lws_context *started_context(const struct lws_protocols *protocols,
				    const struct lws_protocol_vhost_options *pvo)
{
	struct lws_context *cx = make_context(protocols, pvo, 0, NULL);

	ASSERT_NOT_NULL(cx);
	trace_expect_context(cx);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(trace_count(LWS_CALLBACK_GET_THREAD_ID), 1);
	return cx;
}
