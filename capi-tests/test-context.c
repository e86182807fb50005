/*
 * Context lifecycle: creation, the first service pass, protocol init and
 * destroy, pvo filtering, per-vhost protocol storage, destroy from inside
 * a callback.
 */
#include "task.h"
#include "trace.h"
#include "loop.h"

#include <string.h>

#define EWC LWS_CALLBACK_EVENT_WAIT_CANCELLED

static const struct lws_protocols abc[] = {
	{ "a", trace_protocol_cb, 0, 0, 0, NULL, 0 },
	{ "b", trace_protocol_cb, 0, 0, 0, NULL, 0 },
	{ "c", trace_protocol_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static const char startup_abc[] =
	"GET_THREAD_ID -/-\n"
	"PROTOCOL_INIT default/a\n"
	"PROTOCOL_INIT default/b\n"
	"PROTOCOL_INIT default/c\n"
	"EVENT_WAIT_CANCELLED default/a default/b default/c\n";

CAPI_TEST(context_create_null, .flags = CAPI_RWSLOOP_ONLY,
	  .expect_differs_from_lws =
		  "lws 4.3.5 and 4.1.6 dereference a NULL info in "
		  "lws_create_context and crash (SIGSEGV); rwsloop returns NULL")
{
	ASSERT_NULL(lws_create_context(NULL));
}

CAPI_TEST(context_user, .flags = CAPI_AGREES_41)
{
	static int token;
	struct lws_context *cx = make_context(abc, NULL, 0, &token);

	ASSERT_NOT_NULL(cx);
	ASSERT_PTR_EQ(lws_context_user(cx), &token);
	lws_context_destroy(cx);

	cx = make_context(abc, NULL, 0, NULL);
	ASSERT_NOT_NULL(cx);
	ASSERT_NULL(lws_context_user(cx));
	lws_context_destroy(cx);
}

CAPI_TEST(context_first_pass, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws_context *cx = make_context(abc, NULL, 0, NULL);

	ASSERT_NOT_NULL(cx);
	trace_expect_context(cx);
	/* Creating a context calls nothing back. */
	ASSERT_EQ(trace_events(), 0);

	/* The first pass: thread id, every protocol's init, then the
	 * broadcast caused by the cancel at the end of creation. */
	SERVICE_UNTIL(cx, trace_count(EWC) >= 3, 2000);
	ASSERT_EQ(loop_last_ret, 0);
	ASSERT_TRACE(startup_abc);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(trace_count(LWS_CALLBACK_GET_THREAD_ID), 1);
	ASSERT_EQ(trace_count(LWS_CALLBACK_PROTOCOL_INIT), 3);
	ASSERT_TRACE(startup_abc);

	trace_line("-- destroy");
	lws_context_destroy(cx);
	trace_line("-- destroyed");
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/a\n"
		     "PROTOCOL_INIT default/b\n"
		     "PROTOCOL_INIT default/c\n"
		     "EVENT_WAIT_CANCELLED default/a default/b default/c\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY default/a\n"
		     "PROTOCOL_DESTROY default/b\n"
		     "PROTOCOL_DESTROY default/c\n"
		     "-- destroyed\n");
}

/* pvo naming b (with two options) and c: a is not initialised. */
static const struct lws_protocol_vhost_options opt_k2 = { NULL, NULL, "k2",
							  "v2" };
static const struct lws_protocol_vhost_options opt_k1 = { &opt_k2, NULL,
							  "k1", "v1" };
static const struct lws_protocol_vhost_options pvo_c = { NULL, NULL, "c",
							 "" };
static const struct lws_protocol_vhost_options pvo_bc = { &pvo_c, &opt_k1,
							  "b", "" };

CAPI_TEST(context_pvo_filter, .flags = CAPI_TRACE | CAPI_NEEDS_43)
{
	struct lws_context *cx = make_context(abc, &pvo_bc, 0, NULL);

	ASSERT_NOT_NULL(cx);
	trace_expect_context(cx);
	SERVICE_UNTIL(cx, trace_count(EWC) >= 3, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	/* Only the protocols the pvo names are initialised, and each gets
	 * its pvo's child list as `in`; the broadcast still reaches all. */
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/b in=pvo(k1=v1,k2=v2)\n"
		     "PROTOCOL_INIT default/c\n"
		     "EVENT_WAIT_CANCELLED default/a default/b default/c\n");
	ASSERT_EQ(trace_count_for(LWS_CALLBACK_PROTOCOL_INIT, "a"), 0);

	/* Which protocols get PROTOCOL_DESTROY is context_pvo_destroy's. */
	trace_freeze();
	lws_context_destroy(cx);
}

CAPI_TEST(context_pvo_destroy, .flags = CAPI_NEEDS_43,
	  .expect_differs_from_lws =
		  "lws 4.3.5 sends PROTOCOL_DESTROY to every protocol of a "
		  "vhost, also to those the pvo list kept from PROTOCOL_INIT; "
		  "lws 4.3.10 and rwsloop send it only to initialised ones")
{
	struct lws_context *cx = make_context(abc, &pvo_bc, 0, NULL);

	ASSERT_NOT_NULL(cx);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(trace_count_for(LWS_CALLBACK_PROTOCOL_INIT, "a"), 0);
	ASSERT_EQ(trace_count(LWS_CALLBACK_PROTOCOL_INIT), 2);
	lws_context_destroy(cx);
	ASSERT_EQ(trace_count_for(LWS_CALLBACK_PROTOCOL_DESTROY, "b"), 1);
	ASSERT_EQ(trace_count_for(LWS_CALLBACK_PROTOCOL_DESTROY, "c"), 1);
	if (IS_RWSLOOP)
		ASSERT_EQ(trace_count_for(LWS_CALLBACK_PROTOCOL_DESTROY, "a"),
			  0);
	else
		ASSERT_EQ(trace_count_for(LWS_CALLBACK_PROTOCOL_DESTROY, "a"),
			  1);
}

/* ---- per-vhost protocol private data ---- */

static int marker_a, marker_b;
static int priv_cb(struct lws *wsi, enum lws_callback_reasons reason,
		   void *user, void *in, size_t len);
static const struct lws_protocols priv_protos[] = {
	{ "pa", priv_cb, 0, 0, 7, &marker_a, 0 },
	{ "pb", priv_cb, 0, 0, 8, &marker_b, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};
static unsigned char *priv_blocks[2];
static int priv_checks;

static int priv_cb(struct lws *wsi, enum lws_callback_reasons reason,
		   void *user, void *in, size_t len)
{
	const struct lws_protocols *p = lws_get_protocol(wsi);
	struct lws_vhost *vh = lws_get_vhost(wsi);
	unsigned char *blk;
	int i, idx;

	trace_cb(wsi, (int)reason, user, in, len);
	if (!p || !vh)
		return 0;
	idx = !strcmp(p->name, "pb");

	switch (reason) {
	case LWS_CALLBACK_PROTOCOL_INIT:
		/* The vhost holds a copy of the array, not the user's. */
		ASSERT_TRUE(p != &priv_protos[idx]);
		ASSERT_PTR_EQ(p->callback, priv_cb);
		ASSERT_EQ(p->id, 7 + idx);
		ASSERT_PTR_EQ(p->user, idx ? &marker_b : &marker_a);
		ASSERT_NULL(lws_protocol_vh_priv_get(vh, p));

		blk = lws_protocol_vh_priv_zalloc(vh, p, 100 + (size_t)idx);
		ASSERT_NOT_NULL(blk);
		for (i = 0; i < 100 + idx; i++)
			ASSERT_EQ(blk[i], 0);
		blk[0] = (unsigned char)p->name[1];
		priv_blocks[idx] = blk;
		ASSERT_PTR_EQ(lws_protocol_vh_priv_get(vh, p), blk);
		/* The user's own array element is found by name. */
		ASSERT_PTR_EQ(lws_protocol_vh_priv_get(vh, &priv_protos[idx]),
			      blk);
		priv_checks++;
		break;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
	case LWS_CALLBACK_PROTOCOL_DESTROY:
		blk = lws_protocol_vh_priv_get(vh, p);
		ASSERT_PTR_EQ(blk, priv_blocks[idx]);
		ASSERT_EQ(blk[0], p->name[1]);
		priv_checks++;
		break;
	default:
		break;
	}
	return 0;
}

CAPI_TEST(context_vh_priv, .flags = CAPI_AGREES_41)
{
	struct lws_context *cx = started_context(priv_protos, NULL);

	ASSERT_NOT_NULL(priv_blocks[0]);
	ASSERT_NOT_NULL(priv_blocks[1]);
	ASSERT_TRUE(priv_blocks[0] != priv_blocks[1]);
	ASSERT_GE(priv_checks, 4);
	/* Outside a callback, with the user's array. */
	ASSERT_PTR_EQ(lws_protocol_vh_priv_get(
			      lws_get_vhost_by_name(cx, "default"),
			      &priv_protos[1]),
		      priv_blocks[1]);
	priv_checks = 0;
	lws_context_destroy(cx);
	ASSERT_EQ(priv_checks, 2);
}

/* ---- destroying the context from inside a callback ---- */

static struct lws_context *victim;
static int destroy_armed, destroy_was_deferred;

static int destroy_cb(struct lws *wsi, enum lws_callback_reasons reason,
		      void *user, void *in, size_t len)
{
	const struct lws_protocols *p = lws_get_protocol(wsi);

	trace_cb(wsi, (int)reason, user, in, len);
	if (reason == EWC && destroy_armed && p && !strcmp(p->name, "a")) {
		destroy_armed = 0;
		lws_context_destroy(victim);
		/* Deferred: nothing is torn down under the running pass. */
		destroy_was_deferred =
			trace_count(LWS_CALLBACK_PROTOCOL_DESTROY) == 0;
	}
	return 0;
}

static const struct lws_protocols destroy_protos[] = {
	{ "a", destroy_cb, 0, 0, 0, NULL, 0 },
	{ "b", destroy_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

CAPI_TEST(context_destroy_in_callback, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	victim = started_context(destroy_protos, NULL);
	trace_line("-- cancel; EVENT_WAIT_CANCELLED on a destroys");
	destroy_armed = 1;
	lws_cancel_service(victim);
	/* The pass finishes the broadcast, then the destroy, returns -1. */
	SERVICE_UNTIL(victim, 0, 2000);
	ASSERT_EQ(loop_last_ret, -1);
	trace_line("-- lws_service returned %d", loop_last_ret);
	ASSERT_TRUE(destroy_was_deferred);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/a\n"
		     "PROTOCOL_INIT default/b\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "-- cancel; EVENT_WAIT_CANCELLED on a destroys\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "PROTOCOL_DESTROY default/a\n"
		     "PROTOCOL_DESTROY default/b\n"
		     "-- lws_service returned -1\n");
	/* The context is gone: it must not be touched again. */
}

CAPI_TEST(context_destroy_in_first_pass,
	  .expect_differs_from_lws =
		  "lws 4.3.5 never finishes a context destroy requested from "
		  "the EVENT_WAIT_CANCELLED of the first lws_service() pass: "
		  "lws_service returns -1 but PROTOCOL_DESTROY never comes, "
		  "the context leaks and later lws_service calls keep "
		  "returning -1; rwsloop finishes it (PROTOCOL_DESTROY, then "
		  "-1) as 4.1.6 does and as 4.3.5 does on later passes")
{
	victim = make_context(destroy_protos, NULL, 0, NULL);
	ASSERT_NOT_NULL(victim);
	destroy_armed = 1;
	SERVICE_UNTIL(victim, 0, 2000);
	ASSERT_EQ(loop_last_ret, -1);
	ASSERT_TRUE(destroy_was_deferred);
	ASSERT_EQ(trace_count_for(EWC, "b"), 1);
	if (CAPI_IMPL == CAPI_LWS43) {
		ASSERT_EQ(trace_count(LWS_CALLBACK_PROTOCOL_DESTROY), 0);
	} else {
		ASSERT_EQ(trace_count_for(LWS_CALLBACK_PROTOCOL_DESTROY, "a"),
			  1);
		ASSERT_EQ(trace_count_for(LWS_CALLBACK_PROTOCOL_DESTROY, "b"),
			  1);
	}
}

static lws_sorted_usec_list_t kill_sul;

static void kill_cb(lws_sorted_usec_list_t *sul)
{
	ASSERT_PTR_EQ(sul, &kill_sul);
	trace_line("sul kill");
	lws_context_destroy(victim);
	destroy_was_deferred = trace_count(LWS_CALLBACK_PROTOCOL_DESTROY) == 0;
}

CAPI_TEST(context_destroy_in_sul, .flags = CAPI_TRACE)
{
	victim = started_context(destroy_protos, NULL);
	trace_line("-- schedule a sul that destroys the context");
	lws_sul_schedule(victim, 0, &kill_sul, kill_cb, 20000);
	SERVICE_UNTIL(victim, 0, 2000);
	ASSERT_EQ(loop_last_ret, -1);
	trace_line("-- lws_service returned %d", loop_last_ret);
	ASSERT_TRUE(destroy_was_deferred);
	/* (lws 4.1.6 adds an EVENT_WAIT_CANCELLED broadcast before the
	 * PROTOCOL_DESTROYs: not compared with 4.1.6.) */
	ASSERT_EQ(trace_count_for(LWS_CALLBACK_PROTOCOL_DESTROY, "a"), 1);
	ASSERT_EQ(trace_count_for(LWS_CALLBACK_PROTOCOL_DESTROY, "b"), 1);
	if (CAPI_IMPL != CAPI_LWS41)
		ASSERT_TRACE("GET_THREAD_ID -/-\n"
			     "PROTOCOL_INIT default/a\n"
			     "PROTOCOL_INIT default/b\n"
			     "EVENT_WAIT_CANCELLED default/a default/b\n"
			     "-- schedule a sul that destroys the context\n"
			     "sul kill\n"
			     "PROTOCOL_DESTROY default/a\n"
			     "PROTOCOL_DESTROY default/b\n"
			     "-- lws_service returned -1\n");
}
