/*
 * Timeouts and timers on a raw wsi: lws_set_timeout (seconds, cancel with
 * 0, LWS_TO_KILL_ASYNC, LWS_TO_KILL_SYNC), lws_set_timeout_us, and
 * lws_set_timer_usecs (TIMER, re-armed from the callback, a nonzero
 * return closes, -1 cancels).
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "raw-util.h"

#include <string.h>
#include <unistd.h>

#ifndef LWS_SET_TIMER_USEC_CANCEL /* (lws 4.1.6 headers) */
#define LWS_SET_TIMER_USEC_CANCEL ((lws_usec_t)-1ll)
#endif

static struct lws_context *cx;
static int closed, timers, timer_rearms, timer_ret;
static long long timer_at_us[8];
static long long closed_at_us;
static struct lws *live;

static int to_cb(struct lws *wsi, enum lws_callback_reasons reason,
		 void *user, void *in, size_t len)
{
	if (raw_is_poll_reason(reason))
		return 0;
	trace_cb(wsi, (int)reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_TIMER:
		if (timers < 8)
			timer_at_us[timers] = now_us();
		timers++;
		if (timer_rearms) {
			timer_rearms--;
			lws_set_timer_usecs(wsi, 30000);
			trace_line("re-armed");
		}
		if (timer_ret)
			trace_line("return %d", timer_ret);
		return timer_ret;
	case LWS_CALLBACK_RAW_CLOSE:
		closed++;
		closed_at_us = now_us();
		break;
	case LWS_CALLBACK_WSI_DESTROY:
		if (wsi == live)
			live = NULL;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protos[] = {
	{ "t", to_cb, 16, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static int peer = -1;

static struct lws *start_adopted(void)
{
	struct lws_context_creation_info info;
	int sv[2];

	raw_info(&info, protos);
	cx = raw_start(&info);
	raw_socketpair(sv);
	peer = sv[1];
	live = raw_adopt(cx, sv[0], "t");
	ASSERT_NOT_NULL(live);
	ASSERT_EQ(loop_settle(cx), 0);
	return live;
}

static void finish(void)
{
	trace_line("-- destroy");
	lws_context_destroy(cx);
	close(peer);
}

/*
 * lws_set_timeout(wsi, reason, 1): the connection is closed about one
 * second later (not before), once; a timeout of 0 cancels an armed one.
 */
CAPI_TEST(raw_timeout_secs, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws *w = start_adopted();
	long long t0;

	trace_line("-- timeout 1 s, then 0");
	lws_set_timeout(w, PENDING_TIMEOUT_USER_REASON_BASE, 1);
	lws_set_timeout(w, PENDING_TIMEOUT_USER_REASON_BASE, 0);
	t0 = now_us();
	/* 1.6 s of wall-clock time, however slow the run */
	SERVICE_UNTIL(cx, closed || now_us() - t0 > 1600 * 1000, 5000);
	ASSERT_EQ(closed, 0);
	ASSERT_GT(now_us() - t0, 1600 * 1000);

	trace_line("-- timeout 1 s");
	t0 = now_us();
	lws_set_timeout(w, PENDING_TIMEOUT_USER_REASON_BASE, 1);
	SERVICE_UNTIL(cx, closed, 4000);
	ASSERT_EQ(closed, 1);
	ASSERT_GE((closed_at_us - t0) / 1000, 950);
	/* (lws 4.1.6 checks timeouts once a second) */
	ASSERT_LE((closed_at_us - t0) / 1000, capi_scaled_ms(2500));
	ASSERT_NULL(live);
	ASSERT_TRUE(raw_sees_eof(peer, 1000));
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(closed, 1);
	finish();
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/t\n"
		     "EVENT_WAIT_CANCELLED default/t\n"
		     "WSI_CREATE default/t\n"
		     "RAW_SKT_BIND_PROTOCOL default/t user\n"
		     "RAW_ADOPT default/t user\n"
		     "EVENT_WAIT_CANCELLED default/t\n"
		     "-- timeout 1 s, then 0\n"
		     "-- timeout 1 s\n"
		     "RAW_SKT_DROP_PROTOCOL default/t user in=set\n"
		     "RAW_CLOSE default/t user\n"
		     "WSI_DESTROY default/t user\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY default/t\n");
}

/* LWS_TO_KILL_ASYNC: closed on the next pass, not inside the call;
 * LWS_TO_KILL_SYNC: closed inside the call. */
CAPI_TEST(raw_timeout_kill, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws *w = start_adopted();

	trace_line("-- kill async");
	lws_set_timeout(w, PENDING_TIMEOUT_USER_REASON_BASE,
			LWS_TO_KILL_ASYNC);
	trace_line("-- returned, closed %d", closed);
	ASSERT_EQ(closed, 0);
	SERVICE_UNTIL(cx, closed, 2000);
	ASSERT_EQ(closed, 1);
	ASSERT_EQ(loop_settle(cx), 0);
	close(peer);

	{
		int sv[2];

		raw_socketpair(sv);
		peer = sv[1];
		w = live = raw_adopt(cx, sv[0], "t");
		ASSERT_NOT_NULL(w);
		ASSERT_EQ(loop_settle(cx), 0);
	}
	trace_line("-- kill sync");
	lws_set_timeout(w, PENDING_TIMEOUT_USER_REASON_BASE, LWS_TO_KILL_SYNC);
	trace_line("-- returned, closed %d", closed);
	ASSERT_EQ(closed, 2);
	ASSERT_NULL(live);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(closed, 2);
	finish();
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/t\n"
		     "EVENT_WAIT_CANCELLED default/t\n"
		     "WSI_CREATE default/t\n"
		     "RAW_SKT_BIND_PROTOCOL default/t user\n"
		     "RAW_ADOPT default/t user\n"
		     "EVENT_WAIT_CANCELLED default/t\n"
		     "-- kill async\n"
		     "-- returned, closed 0\n"
		     "RAW_SKT_DROP_PROTOCOL default/t user in=set\n"
		     "RAW_CLOSE default/t user\n"
		     "WSI_DESTROY default/t user\n"
		     "WSI_CREATE default/t\n"
		     "RAW_SKT_BIND_PROTOCOL default/t user\n"
		     "RAW_ADOPT default/t user\n"
		     "EVENT_WAIT_CANCELLED default/t\n"
		     "-- kill sync\n"
		     "RAW_SKT_DROP_PROTOCOL default/t user in=set\n"
		     "RAW_CLOSE default/t user\n"
		     "WSI_DESTROY default/t user\n"
		     "-- returned, closed 2\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY default/t\n");
}

/* lws_set_timeout_us: 200 ms. */
CAPI_TEST(raw_timeout_us, .flags = CAPI_RWSLOOP_ONLY,
	  .expect_differs_from_lws =
		  "lws 4.3.5 declares lws_set_timeout_us() in its header but "
		  "the library does not export it (a program using it fails "
		  "to link); 4.1.6 has neither; rwsloop implements it")
{
#if defined(CAPI_IMPL_RWSLOOP)
	struct lws *w = start_adopted();
	long long t0 = now_us();

	trace_line("-- timeout 200 ms");
	lws_set_timeout_us(w, PENDING_TIMEOUT_USER_REASON_BASE, 200000);
	SERVICE_UNTIL(cx, closed, 3000);
	ASSERT_EQ(closed, 1);
	ASSERT_GE((closed_at_us - t0) / 1000, 190);
	ASSERT_LE((closed_at_us - t0) / 1000, capi_scaled_ms(1000));
	ASSERT_EQ(loop_settle(cx), 0);
	finish();
	ASSERT_EQ(trace_count(LWS_CALLBACK_RAW_CLOSE), 1);
#endif
}

/*
 * lws_set_timer_usecs(50 ms): TIMER after at least 50 ms; re-armed twice
 * from the callback (30 ms each); the third TIMER returns nonzero, which
 * closes the connection.
 */
CAPI_TEST(raw_timer, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws *w = start_adopted();
	long long t0;

	trace_line("-- timer 50 ms, re-armed twice, then return 1");
	timer_rearms = 2;
	t0 = now_us();
	lws_set_timer_usecs(w, 50000);
	SERVICE_UNTIL(cx, timers == 2, 2000);
	ASSERT_EQ(timers, 2);
	timer_ret = 1;
	SERVICE_UNTIL(cx, closed, 2000);
	ASSERT_EQ(timers, 3);
	ASSERT_EQ(closed, 1);
	ASSERT_GE(timer_at_us[0] - t0, 50000);
	ASSERT_GE(timer_at_us[1] - timer_at_us[0], 30000);
	ASSERT_GE(timer_at_us[2] - timer_at_us[1], 30000);
	ASSERT_EQ(loop_settle(cx), 0);
	finish();
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/t\n"
		     "EVENT_WAIT_CANCELLED default/t\n"
		     "WSI_CREATE default/t\n"
		     "RAW_SKT_BIND_PROTOCOL default/t user\n"
		     "RAW_ADOPT default/t user\n"
		     "EVENT_WAIT_CANCELLED default/t\n"
		     "-- timer 50 ms, re-armed twice, then return 1\n"
		     "TIMER default/t user\n"
		     "re-armed\n"
		     "TIMER default/t user\n"
		     "re-armed\n"
		     "TIMER default/t user\n"
		     "return 1\n"
		     "RAW_SKT_DROP_PROTOCOL default/t user in=set\n"
		     "RAW_CLOSE default/t user\n"
		     "WSI_DESTROY default/t user\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY default/t\n");
}

/* A timer armed on a connection that then closes never fires. */
CAPI_TEST(raw_timer_dies_with_wsi, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws *w = start_adopted();

	trace_line("-- timer 100 ms, then the peer hangs up");
	lws_set_timer_usecs(w, 100000);
	close(peer);
	peer = -1;
	SERVICE_UNTIL(cx, closed, 2000);
	ASSERT_EQ(closed, 1);
	SERVICE_UNTIL(cx, timers, 300);
	ASSERT_EQ(timers, 0);
	ASSERT_EQ(loop_settle(cx), 0);
	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/t\n"
		     "EVENT_WAIT_CANCELLED default/t\n"
		     "WSI_CREATE default/t\n"
		     "RAW_SKT_BIND_PROTOCOL default/t user\n"
		     "RAW_ADOPT default/t user\n"
		     "EVENT_WAIT_CANCELLED default/t\n"
		     "-- timer 100 ms, then the peer hangs up\n"
		     "RAW_SKT_DROP_PROTOCOL default/t user in=set\n"
		     "RAW_CLOSE default/t user\n"
		     "WSI_DESTROY default/t user\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY default/t\n");
}

/*
 * lws_set_timer_usecs(wsi, -1) is documented to cancel the timer.
 */
CAPI_TEST(raw_timer_cancel,
	  .expect_differs_from_lws =
		  "lws 4.3.5 (and 4.1.6) do not cancel on "
		  "lws_set_timer_usecs(wsi, -1) "
		  "(LWS_SET_TIMER_USEC_CANCEL), which its header documents as "
		  "cancel: it schedules the timer 1 us in the past, so TIMER "
		  "fires on the next pass; rwsloop cancels")
{
	struct lws *w = start_adopted();

	lws_set_timer_usecs(w, 50000);
	lws_set_timer_usecs(w, LWS_SET_TIMER_USEC_CANCEL);
	SERVICE_UNTIL(cx, timers, 300);
	if (!IS_RWSLOOP)
		ASSERT_EQ(timers, 1);
	else
		ASSERT_EQ(timers, 0);
	/* Not armed at all: -1 on an idle wsi does nothing either. */
	timers = 0;
	lws_set_timer_usecs(w, LWS_SET_TIMER_USEC_CANCEL);
	SERVICE_UNTIL(cx, timers, 200);
	if (!IS_RWSLOOP)
		ASSERT_EQ(timers, 1);
	else
		ASSERT_EQ(timers, 0);
	ASSERT_EQ(closed, 0);
	finish();
}
