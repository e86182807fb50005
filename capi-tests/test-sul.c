/*
 * Scheduled callbacks (lws_sorted_usec_list_t): order, equal deadlines,
 * cancel, reschedule, self-rescheduling, us = 0, never firing early.
 */
#include "task.h"
#include "trace.h"
#include "loop.h"

#include <string.h>

static const struct lws_protocols one_protocol[] = {
	{ "p", trace_protocol_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

struct timer {
	lws_sorted_usec_list_t sul; /* zeroed: static storage */
	const char *name;
	lws_usec_t due;        /* sul.us right after scheduling */
	long long due_mono;    /* our own clock's lower bound for it */
	int fired;
	int again;             /* times the callback reschedules itself */
};

static struct lws_context *cx;
static int nfired;

static void timer_cb(lws_sorted_usec_list_t *sul)
{
	struct timer *t = lws_container_of(sul, struct timer, sul);
	lws_usec_t now = lws_now_usecs();

	/* Unlinked and zeroed before the call, so it may be reused. */
	ASSERT_EQ(sul->us, 0);
	/* Never early, by the library's clock and by ours. */
	ASSERT_GE(now, t->due);
	ASSERT_GE(now_us(), t->due_mono);
	t->fired++;
	nfired++;
	trace_line("sul %s", t->name);
	if (t->again > 0) {
		t->again--;
		t->due_mono = now_us() + 2000;
		lws_sul_schedule(cx, 0, &t->sul, timer_cb, 2000);
		ASSERT_NE(t->sul.us, 0);
		t->due = t->sul.us;
	}
}

static void arm(struct timer *t, const char *name, lws_usec_t us)
{
	t->name = name;
	t->due_mono = now_us() + us;
	lws_sul_schedule(cx, 0, &t->sul, timer_cb, us);
	/* The node holds its absolute due time while queued. */
	ASSERT_NE(t->sul.us, 0);
	t->due = t->sul.us;
	ASSERT_GE(t->due, lws_now_usecs() - 1000000); /* same time base */
}

CAPI_TEST(sul_order_distinct, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	static struct timer a, b, c, d;

	cx = started_context(one_protocol, NULL);
	trace_line("-- schedule A 30ms, B 10ms, C 20ms, D 40ms");
	arm(&a, "A", 30000);
	arm(&b, "B", 10000);
	arm(&c, "C", 20000);
	arm(&d, "D", 40000);
	ASSERT_EQ(nfired, 0);
	SERVICE_UNTIL(cx, nfired == 4, 2000);
	ASSERT_EQ(nfired, 4);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/p\n"
		     "EVENT_WAIT_CANCELLED default/p\n"
		     "-- schedule A 30ms, B 10ms, C 20ms, D 40ms\n"
		     "sul B\n"
		     "sul C\n"
		     "sul A\n"
		     "sul D\n");
	lws_context_destroy(cx);
}

CAPI_TEST(sul_equal_deadlines_lifo, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	static struct timer t[4];
	static const char *const names[] = { "A", "B", "C", "D" };
	lws_usec_t due;
	int i;

	cx = started_context(one_protocol, NULL);
	/* lws_sul_schedule reads the clock on every call, so equal due
	 * times are set directly and queued with lws_sul2_schedule. */
	due = lws_now_usecs() + 20000;
	trace_line("-- schedule A, B, C, D for the same microsecond");
	for (i = 0; i < 4; i++) {
		t[i].name = names[i];
		t[i].due = due;
		t[i].due_mono = 0;
		t[i].sul.cb = timer_cb;
		t[i].sul.us = due;
		lws_sul2_schedule(cx, 0, LWSSULLI_MISS_IF_SUSPENDED, &t[i].sul);
	}
	SERVICE_UNTIL(cx, nfired == 4, 2000);
	ASSERT_EQ(nfired, 4);
	/* The most recently scheduled of equal deadlines fires first. */
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/p\n"
		     "EVENT_WAIT_CANCELLED default/p\n"
		     "-- schedule A, B, C, D for the same microsecond\n"
		     "sul D\n"
		     "sul C\n"
		     "sul B\n"
		     "sul A\n");
	lws_context_destroy(cx);
}

CAPI_TEST(sul_cancel, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	static struct timer a, b, c, d, end;

	cx = started_context(one_protocol, NULL);
	trace_line("-- schedule A 10ms, B 20ms, C 30ms, D 25ms; cancel B, D");
	arm(&a, "A", 10000);
	arm(&b, "B", 20000);
	arm(&c, "C", 30000);
	arm(&d, "D", 25000);
	lws_sul_cancel(&b.sul);
	ASSERT_EQ(b.sul.us, 0);
	/* The old spelling: scheduling with LWS_SET_TIMER_USEC_CANCEL. */
	lws_sul_schedule(cx, 0, &d.sul, timer_cb, LWS_SET_TIMER_USEC_CANCEL);
	ASSERT_EQ(d.sul.us, 0);
	SERVICE_UNTIL(cx, c.fired, 2000);
	ASSERT_EQ(a.fired, 1);
	ASSERT_EQ(c.fired, 1);

	/* Cancelling a fired or already cancelled sul does nothing. */
	lws_sul_cancel(&a.sul);
	lws_sul_cancel(&b.sul);
	lws_sul_cancel(&b.sul);
	arm(&end, "end", 30000);
	SERVICE_UNTIL(cx, end.fired, 2000);
	ASSERT_EQ(end.fired, 1);
	ASSERT_EQ(b.fired + d.fired, 0);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/p\n"
		     "EVENT_WAIT_CANCELLED default/p\n"
		     "-- schedule A 10ms, B 20ms, C 30ms, D 25ms; cancel B, D\n"
		     "sul A\n"
		     "sul C\n"
		     "sul end\n");
	lws_context_destroy(cx);
}

CAPI_TEST(sul_reschedule_moves, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	static struct timer a, b, c, end;
	lws_usec_t first;

	cx = started_context(one_protocol, NULL);
	trace_line("-- A 60ms, B 20ms, C 10ms; then A to 5ms, C to 40ms");
	arm(&a, "A", 60000);
	first = a.due;
	arm(&b, "B", 20000);
	arm(&c, "C", 10000);
	arm(&a, "A", 5000);
	ASSERT_LT(a.due, first);
	arm(&c, "C", 40000);
	arm(&end, "end", 90000);
	SERVICE_UNTIL(cx, end.fired, 2000);
	/* Moved, never duplicated. */
	ASSERT_EQ(a.fired, 1);
	ASSERT_EQ(b.fired, 1);
	ASSERT_EQ(c.fired, 1);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/p\n"
		     "EVENT_WAIT_CANCELLED default/p\n"
		     "-- A 60ms, B 20ms, C 10ms; then A to 5ms, C to 40ms\n"
		     "sul A\n"
		     "sul B\n"
		     "sul C\n"
		     "sul end\n");
	lws_context_destroy(cx);
}

CAPI_TEST(sul_self_reschedule, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	static struct timer t, end;

	cx = started_context(one_protocol, NULL);
	trace_line("-- T reschedules itself 4 times");
	t.again = 4;
	arm(&t, "T", 2000);
	SERVICE_UNTIL(cx, t.fired == 5, 2000);
	ASSERT_EQ(t.fired, 5);
	ASSERT_EQ(t.sul.us, 0);
	arm(&end, "end", 30000);
	SERVICE_UNTIL(cx, end.fired, 2000);
	ASSERT_EQ(t.fired, 5);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/p\n"
		     "EVENT_WAIT_CANCELLED default/p\n"
		     "-- T reschedules itself 4 times\n"
		     "sul T\n"
		     "sul T\n"
		     "sul T\n"
		     "sul T\n"
		     "sul T\n"
		     "sul end\n");
	lws_context_destroy(cx);
}

CAPI_TEST(sul_zero_fires_next_pass, .flags = CAPI_AGREES_41)
{
	static struct timer z, backstop;

	cx = started_context(one_protocol, NULL);
	/* Something later, so the pass that runs Z cannot wait forever
	 * (whether a pass runs timers before or after its wait is not
	 * asserted: only that Z runs within it). */
	arm(&backstop, "backstop", 200000);
	arm(&z, "Z", 0);
	/* Not called from inside lws_sul_schedule... */
	ASSERT_EQ(z.fired, 0);
	/* ...but by the very next service pass. */
	ASSERT_EQ(lws_service(cx, 0), 0);
	ASSERT_EQ(z.fired, 1);
	lws_sul_cancel(&backstop.sul);
	lws_context_destroy(cx);
}

CAPI_TEST(sul_cancel_unscheduled, .flags = CAPI_AGREES_41)
{
	static struct timer t;
	struct timer stack_timer;

	cx = started_context(one_protocol, NULL);
	/* A zeroed node that was never scheduled: cancel is a no-op. */
	memset(&stack_timer, 0, sizeof(stack_timer));
	lws_sul_cancel(&stack_timer.sul);
	lws_sul_cancel(&stack_timer.sul);
	ASSERT_EQ(stack_timer.sul.us, 0);
	ASSERT_NULL(stack_timer.sul.list.owner);
	ASSERT_NULL(stack_timer.sul.list.next);
	ASSERT_NULL(stack_timer.sul.list.prev);
	lws_sul_cancel(&t.sul);
	/* ...and the node is still good for scheduling afterwards. */
	arm(&t, "T", 1000);
	SERVICE_UNTIL(cx, t.fired, 2000);
	ASSERT_EQ(t.fired, 1);
	lws_context_destroy(cx);
}

CAPI_TEST(sul_never_early, .flags = CAPI_AGREES_41)
{
	static struct timer t[8];
	static const lws_usec_t us[8] = { 300,  900,   1000,  1500,
					  2500, 7000, 15000, 50000 };
	static const char *const names[8] = { "t300",  "t900",  "t1000",
					       "t1500", "t2500", "t7000",
					       "t15000", "t50000" };
	int i;

	cx = started_context(one_protocol, NULL);
	for (i = 7; i >= 0; i--)
		arm(&t[i], names[i], us[i]);
	/* timer_cb asserts each firing against its due time. */
	SERVICE_UNTIL(cx, nfired == 8, 2000);
	ASSERT_EQ(nfired, 8);
	for (i = 0; i < 8; i++)
		ASSERT_EQ(t[i].fired, 1);
	lws_context_destroy(cx);
}
