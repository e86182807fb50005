/*
 * Vhosts: LWS_SERVER_OPTION_EXPLICIT_VHOSTS, lws_create_vhost,
 * lws_get_vhost_by_name, lws_get_vhost_name, lws_vhost_destroy, and the
 * order of protocol init / broadcast / destroy across vhosts.
 */
#include "task.h"
#include "trace.h"
#include "loop.h"

#include <string.h>

#define EWC LWS_CALLBACK_EVENT_WAIT_CANCELLED

static const struct lws_protocols ab[] = {
	{ "a", trace_protocol_cb, 0, 0, 0, NULL, 0 },
	{ "b", trace_protocol_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};
static const struct lws_protocols xy[] = {
	{ "x", trace_protocol_cb, 0, 0, 0, NULL, 0 },
	{ "y", trace_protocol_cb, 0, 0, 0, NULL, 0 },
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

/* An explicit-vhosts context with vhosts "one" (a, b) and "two" (x, y),
 * past its first pass. */
static struct lws_context *two_vhosts(struct lws_vhost **one,
				      struct lws_vhost **two)
{
	struct lws_context *cx = make_context(
		ab, NULL, LWS_SERVER_OPTION_EXPLICIT_VHOSTS, NULL);

	ASSERT_NOT_NULL(cx);
	trace_expect_context(cx);
	/* No default vhost was made. */
	ASSERT_NULL(lws_get_vhost_by_name(cx, "default"));
	*one = add_vhost(cx, "one", ab);
	*two = add_vhost(cx, "two", xy);
	ASSERT_NOT_NULL(*one);
	ASSERT_NOT_NULL(*two);
	/* Creating vhosts before the first pass initialises nothing. */
	ASSERT_EQ(trace_events(), 0);
	SERVICE_UNTIL(cx, trace_count(EWC) >= 4, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	return cx;
}

static const char startup_two[] = "GET_THREAD_ID -/-\n"
				  "PROTOCOL_INIT one/a\n"
				  "PROTOCOL_INIT one/b\n"
				  "PROTOCOL_INIT two/x\n"
				  "PROTOCOL_INIT two/y\n"
				  "EVENT_WAIT_CANCELLED one/a one/b two/x two/y\n";

CAPI_TEST(vhost_explicit, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws_vhost *one, *two;
	struct lws_context *cx = two_vhosts(&one, &two);

	ASSERT_TRACE(startup_two);
	ASSERT_PTR_EQ(lws_get_vhost_by_name(cx, "one"), one);
	ASSERT_PTR_EQ(lws_get_vhost_by_name(cx, "two"), two);
	ASSERT_NULL(lws_get_vhost_by_name(cx, "three"));
	ASSERT_STR_EQ(lws_get_vhost_name(one), "one");
	ASSERT_STR_EQ(lws_get_vhost_name(two), "two");

	/* Destroy visits vhosts in creation order. */
	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT one/a\n"
		     "PROTOCOL_INIT one/b\n"
		     "PROTOCOL_INIT two/x\n"
		     "PROTOCOL_INIT two/y\n"
		     "EVENT_WAIT_CANCELLED one/a one/b two/x two/y\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY one/a\n"
		     "PROTOCOL_DESTROY one/b\n"
		     "PROTOCOL_DESTROY two/x\n"
		     "PROTOCOL_DESTROY two/y\n");
}

CAPI_TEST(vhost_create_after_init, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws_vhost *one, *two, *late;
	struct lws_context *cx = two_vhosts(&one, &two);
	unsigned int base;

	/* After protocol init has run, a new vhost is initialised inside
	 * lws_create_vhost itself. */
	trace_line("-- create late");
	late = add_vhost(cx, "late", xy);
	trace_line("-- created");
	ASSERT_NOT_NULL(late);
	ASSERT_PTR_EQ(lws_get_vhost_by_name(cx, "late"), late);
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- cancel");
	base = trace_count_for(EWC, "y");
	lws_cancel_service(cx);
	SERVICE_UNTIL(cx, trace_count_for(EWC, "y") >= base + 2, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT one/a\n"
		     "PROTOCOL_INIT one/b\n"
		     "PROTOCOL_INIT two/x\n"
		     "PROTOCOL_INIT two/y\n"
		     "EVENT_WAIT_CANCELLED one/a one/b two/x two/y\n"
		     "-- create late\n"
		     "PROTOCOL_INIT late/x\n"
		     "PROTOCOL_INIT late/y\n"
		     "-- created\n"
		     "-- cancel\n"
		     "EVENT_WAIT_CANCELLED one/a one/b two/x two/y late/x "
		     "late/y\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY one/a\n"
		     "PROTOCOL_DESTROY one/b\n"
		     "PROTOCOL_DESTROY two/x\n"
		     "PROTOCOL_DESTROY two/y\n"
		     "PROTOCOL_DESTROY late/x\n"
		     "PROTOCOL_DESTROY late/y\n");
}

CAPI_TEST(vhost_destroy, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws_vhost *one, *two;
	struct lws_context *cx = two_vhosts(&one, &two);
	unsigned int base;

	/* A vhost without connections is torn down inside the call. */
	trace_line("-- destroy two");
	lws_vhost_destroy(two);
	trace_line("-- destroyed two");
	ASSERT_NULL(lws_get_vhost_by_name(cx, "two"));
	ASSERT_PTR_EQ(lws_get_vhost_by_name(cx, "one"), one);
	ASSERT_EQ(loop_settle(cx), 0);

	/* The broadcast no longer reaches it. */
	trace_line("-- cancel");
	base = trace_count_for(EWC, "b");
	lws_cancel_service(cx);
	SERVICE_UNTIL(cx, trace_count_for(EWC, "b") > base, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT one/a\n"
		     "PROTOCOL_INIT one/b\n"
		     "PROTOCOL_INIT two/x\n"
		     "PROTOCOL_INIT two/y\n"
		     "EVENT_WAIT_CANCELLED one/a one/b two/x two/y\n"
		     "-- destroy two\n"
		     "PROTOCOL_DESTROY two/x\n"
		     "PROTOCOL_DESTROY two/y\n"
		     "-- destroyed two\n"
		     "-- cancel\n"
		     "EVENT_WAIT_CANCELLED one/a one/b\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY one/a\n"
		     "PROTOCOL_DESTROY one/b\n");
}
