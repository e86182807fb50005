/*
 * Idle is idle: a loop with nothing due sleeps, and a short timer costs a
 * bounded number of passes per firing.
 *
 * Counted, not timed: lws_service() returns, and the service thread's
 * voluntary context switches (getrusage(RUSAGE_THREAD).ru_nvcsw: one per
 * wait that actually slept), over a window that a sul of the test's own
 * closes.
 *
 *  - idle_listener_sleeps: a listener and 3 established, quiet
 *    connections; the only thing due is a sul 1 s away. rwsloop: at most
 *    2 passes and 2 voluntary switches until it fires.
 *  - idle_timer_500us: a sul that re-arms itself 500 us ahead, 200 times.
 *    rwsloop: at most 3 passes per firing (it waits for the sul instead
 *    of returning at once while the sul is less than 1 ms away).
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "stress-util.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static lws_sorted_usec_list_t tick;
static struct stress_watchdog wd;
static lws_usec_t tick_due;
static int tick_fired, tick_early;

static void tick_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	if (lws_now_usecs() < tick_due)
		tick_early++;
	/* atomic: the watchdog thread reads it */
	__atomic_fetch_add(&tick_fired, 1, __ATOMIC_SEQ_CST);
}

CAPI_TEST(idle_listener_sleeps,
	  .expect_differs_from_lws =
		  "lws 4.3.5 and 4.1.6 sleep through a sul due in 1 s, until "
		  "their own next timer ~30 s later (4.1.6 wakes at the due "
		  "time but runs the sul only on the next pass, which then "
		  "sleeps); the test's watchdog wakes them with "
		  "lws_cancel_service after 3 s. rwsloop wakes once, at the "
		  "due time, and runs it")
{
	struct lws_context *cx = stress_echo_start();
	struct timeval tmo = { 5, 0 };
	long passes = 0, nv0, nv1;
	long long t0, t1;
	int c[3], i;
	char b;

	ASSERT_NOT_NULL(cx);
	for (i = 0; i < 3; i++) {
		c[i] = stress_connect(stress_echo.port);
		ASSERT_GE(c[i], 0);
		ASSERT_EQ(setsockopt(c[i], SOL_SOCKET, SO_RCVTIMEO, &tmo,
				     sizeof(tmo)),
			  0);
	}
	SERVICE_UNTIL(cx, stress_echo.adopted == 3, 5000);
	ASSERT_EQ(stress_echo.adopted, 3);
	/* Each connection carries a byte both ways, then goes quiet. */
	for (i = 0; i < 3; i++)
		ASSERT_EQ(write(c[i], "x", 1), 1);
	SERVICE_UNTIL(cx, stress_echo.tx_bytes == 3, 5000);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(read(c[i], &b, 1), 1);
		ASSERT_EQ(b, 'x');
	}
	ASSERT_EQ(loop_settle(cx), 0);

	lws_sul_schedule(cx, 0, &tick, tick_cb, 1000000);
	tick_due = tick.us;
	wd.cx = cx;
	wd.progress = &tick_fired;
	wd.stall_ms = 3000;
	ASSERT_EQ(stress_watchdog_start(&wd), 0);
	nv0 = stress_thread_nvcsw();
	t0 = now_us();
	while (!tick_fired && passes < 10000000L &&
	       now_us() - t0 < (long long)capi_scaled_ms(10000) * 1000) {
		ASSERT_EQ(lws_service(cx, 0), 0);
		passes++;
	}
	nv1 = stress_thread_nvcsw();
	t1 = now_us();
	stress_watchdog_stop(&wd);
	printf("idle for %lld ms: %ld lws_service returns, %ld voluntary "
	       "context switches, %d watchdog cancels\n",
	       (t1 - t0) / 1000, passes, nv1 - nv0, wd.kicks);
	ASSERT_EQ(tick_fired, 1);
	ASSERT_EQ(tick_early, 0);
	ASSERT_EQ(stress_echo.closed, 0);
	if (IS_RWSLOOP) {
		ASSERT_EQ(wd.kicks, 0);
		ASSERT_LE(passes, 2);
		ASSERT_LE(nv1 - nv0, 2);
	}
	for (i = 0; i < 3; i++)
		close(c[i]);
	SERVICE_UNTIL(cx, stress_echo.closed == 3, 5000);
	ASSERT_EQ(stress_echo.closed, 3);
	lws_context_destroy(cx);
}

/* ---- a 500 us timer ---- */

static const struct lws_protocols one_protocol[] = {
	{ "p", trace_protocol_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static struct lws_context *tcx;
static long firings_wanted, passes_now, passes_at_last, worst;

static void rearm_cb(lws_sorted_usec_list_t *sul)
{
	long cost = passes_now + 1 - passes_at_last; /* this pass included */

	if (lws_now_usecs() < tick_due)
		tick_early++;
	if (cost > worst)
		worst = cost;
	passes_at_last = passes_now + 1;
	if (__atomic_add_fetch(&tick_fired, 1, __ATOMIC_SEQ_CST) <
	    firings_wanted) {
		lws_sul_schedule(tcx, 0, sul, rearm_cb, 500);
		tick_due = sul->us;
	}
}

CAPI_TEST(idle_timer_500us,
	  .expect_differs_from_lws =
		  "lws returns from lws_service at once while the next sul is "
		  "less than 1 ms away, so a 500 us timer costs it ~1,000 "
		  "passes per firing, and now and then it sleeps through the "
		  "timer until its own ~30 s timer (the watchdog wakes it); "
		  "rwsloop waits for it: one pass per firing")
{
	long nv0, nv1;

	firings_wanted = stress_slow() ? 50 : 200;
	tcx = started_context(one_protocol, NULL);
	lws_sul_schedule(tcx, 0, &tick, rearm_cb, 500);
	tick_due = tick.us;
	wd.cx = tcx;
	wd.progress = &tick_fired;
	wd.stall_ms = 2000;
	ASSERT_EQ(stress_watchdog_start(&wd), 0);
	nv0 = stress_thread_nvcsw();
	while (tick_fired < firings_wanted && passes_now < 100000000L) {
		ASSERT_EQ(lws_service(tcx, 0), 0);
		passes_now++;
	}
	nv1 = stress_thread_nvcsw();
	stress_watchdog_stop(&wd);
	printf("%d firings of a 500 us timer: %ld lws_service returns "
	       "(%.1f per firing, worst %ld), %ld voluntary context "
	       "switches, %d watchdog cancels\n",
	       tick_fired, passes_now, (double)passes_now / (double)tick_fired,
	       worst, nv1 - nv0, wd.kicks);
	ASSERT_EQ(tick_fired, firings_wanted);
	ASSERT_EQ(tick_early, 0);
	if (IS_RWSLOOP) {
		ASSERT_EQ(wd.kicks, 0);
		ASSERT_LE(worst, 3);
		ASSERT_LE(passes_now, 3 * firings_wanted);
	}
	lws_context_destroy(tcx);
}
