/*
 * lws_cancel_service: wakes a blocked lws_service from another thread,
 * broadcasts EVENT_WAIT_CANCELLED to every protocol of every vhost, on the
 * service thread; repeated cancels coalesce; a cancel made before the wait
 * is not lost.
 */
#include "task.h"
#include "trace.h"
#include "loop.h"

#include <pthread.h>
#include <string.h>

#define EWC LWS_CALLBACK_EVENT_WAIT_CANCELLED

static pthread_t service_thread;
static long long ewc_at_us;   /* when the last broadcast reached "y" */
static int ewc_wrong_thread;

static int cancel_cb(struct lws *wsi, enum lws_callback_reasons reason,
		     void *user, void *in, size_t len)
{
	const struct lws_protocols *p = lws_get_protocol(wsi);

	trace_cb(wsi, (int)reason, user, in, len);
	if (reason == EWC) {
		if (!pthread_equal(pthread_self(), service_thread))
			ewc_wrong_thread++;
		if (p && !strcmp(p->name, "y"))
			ewc_at_us = now_us();
	}
	return 0;
}

static const struct lws_protocols ab[] = {
	{ "a", cancel_cb, 0, 0, 0, NULL, 0 },
	{ "b", cancel_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};
static const struct lws_protocols xy[] = {
	{ "x", cancel_cb, 0, 0, 0, NULL, 0 },
	{ "y", cancel_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static struct lws_vhost *add_vhost(struct lws_context *cx, const char *name,
				   const struct lws_protocols *protocols)
{
	struct lws_context_creation_info info;

	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.vhost_name = name;
	return lws_create_vhost(cx, &info);
}

static struct lws_context *cx;

/* Context with vhosts "one" (a, b) and "two" (x, y), past start-up. */
static void start(void)
{
	service_thread = pthread_self();
	cx = make_context(ab, NULL, LWS_SERVER_OPTION_EXPLICIT_VHOSTS, NULL);
	ASSERT_NOT_NULL(cx);
	trace_expect_context(cx);
	ASSERT_NOT_NULL(add_vhost(cx, "one", ab));
	ASSERT_NOT_NULL(add_vhost(cx, "two", xy));
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_GE(trace_count_for(EWC, "y"), 1);
}

/* A far-off sul: if it fires, the wait was not woken by what the test
 * expected (a cancel, a signal) but ran to its end. */
static lws_sorted_usec_list_t guard;
static int guard_fired;

static void guard_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	guard_fired = 1;
}

static long long cancel_at_us;

static void *cancel_later(void *arg)
{
	(void)arg;
	sleep_ms(100);
	cancel_at_us = now_us();
	lws_cancel_service(cx);
	return NULL;
}

CAPI_TEST(cancel_from_thread, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	unsigned int base;
	pthread_t th;

	start();
	base = trace_count_for(EWC, "y");
	lws_sul_schedule(cx, 0, &guard, guard_cb,
			 (lws_usec_t)capi_scaled_ms(5000) * 1000);
	trace_line("-- another thread cancels while lws_service waits");
	ASSERT_EQ(pthread_create(&th, NULL, cancel_later, NULL), 0);
	SERVICE_UNTIL_BLOCKING(cx, trace_count_for(EWC, "y") > base ||
					   guard_fired, 5000);
	ASSERT_EQ(loop_last_ret, 0);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(guard_fired, 0);
	ASSERT_EQ(trace_count_for(EWC, "y"), base + 1);
	ASSERT_NE(cancel_at_us, 0);
	/* Woken promptly, and the broadcast ran on the service thread. */
	ASSERT_LT(ewc_at_us - cancel_at_us,
		  (long long)capi_scaled_ms(1000) * 1000);
	ASSERT_EQ(ewc_wrong_thread, 0);
	lws_sul_cancel(&guard);
	ASSERT_EQ(loop_settle(cx), 0);
	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT one/a\n"
		     "PROTOCOL_INIT one/b\n"
		     "PROTOCOL_INIT two/x\n"
		     "PROTOCOL_INIT two/y\n"
		     "EVENT_WAIT_CANCELLED one/a one/b two/x two/y\n"
		     "-- another thread cancels while lws_service waits\n"
		     "EVENT_WAIT_CANCELLED one/a one/b two/x two/y\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY one/a\n"
		     "PROTOCOL_DESTROY one/b\n"
		     "PROTOCOL_DESTROY two/x\n"
		     "PROTOCOL_DESTROY two/y\n");
}

#define CANCEL_THREADS 4

static void *cancel_many(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 50; i++)
		lws_cancel_service(cx);
	return NULL;
}

CAPI_TEST(cancel_coalesce, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	pthread_t th[CANCEL_THREADS];
	unsigned int base;
	int i;

	start();
	base = trace_count_for(EWC, "a");

	/* Many cancels before the loop runs: one broadcast. */
	trace_line("-- 100 cancels");
	for (i = 0; i < 100; i++)
		lws_cancel_service(cx);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(trace_count_for(EWC, "a"), base + 1);
	ASSERT_EQ(trace_count_for(EWC, "y"), base + 1);

	/* The same from several threads at once. */
	trace_line("-- %d threads x 50 cancels", CANCEL_THREADS);
	for (i = 0; i < CANCEL_THREADS; i++)
		ASSERT_EQ(pthread_create(&th[i], NULL, cancel_many, NULL), 0);
	for (i = 0; i < CANCEL_THREADS; i++)
		ASSERT_EQ(pthread_join(th[i], NULL), 0);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(trace_count_for(EWC, "a"), base + 2);
	ASSERT_EQ(ewc_wrong_thread, 0);
	lws_context_destroy(cx);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT one/a\n"
		     "PROTOCOL_INIT one/b\n"
		     "PROTOCOL_INIT two/x\n"
		     "PROTOCOL_INIT two/y\n"
		     "EVENT_WAIT_CANCELLED one/a one/b two/x two/y\n"
		     "-- 100 cancels\n"
		     "EVENT_WAIT_CANCELLED one/a one/b two/x two/y\n"
		     "-- 4 threads x 50 cancels\n"
		     "EVENT_WAIT_CANCELLED one/a one/b two/x two/y\n"
		     "PROTOCOL_DESTROY one/a\n"
		     "PROTOCOL_DESTROY one/b\n"
		     "PROTOCOL_DESTROY two/x\n"
		     "PROTOCOL_DESTROY two/y\n");
}

CAPI_TEST(cancel_before_wait_not_lost, .flags = CAPI_AGREES_41)
{
	unsigned int base;
	long long t0;

	start();
	base = trace_count_for(EWC, "y");
	lws_sul_schedule(cx, 0, &guard, guard_cb,
			 (lws_usec_t)capi_scaled_ms(5000) * 1000);
	/* Cancelled while nobody waits: the next wait returns at once. */
	lws_cancel_service(cx);
	t0 = now_us();
	SERVICE_UNTIL_BLOCKING(cx, trace_count_for(EWC, "y") > base ||
					   guard_fired, 5000);
	ASSERT_EQ(loop_last_ret, 0);
	ASSERT_EQ(guard_fired, 0);
	ASSERT_EQ(trace_count_for(EWC, "y"), base + 1);
	ASSERT_LT(now_us() - t0, (long long)capi_scaled_ms(1000) * 1000);
	lws_sul_cancel(&guard);
	lws_context_destroy(cx);
}
