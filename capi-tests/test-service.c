/*
 * lws_service: NULL context, the non-blocking form, interruption of the
 * wait by a signal, and waiting instead of spinning.
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const struct lws_protocols one_protocol[] = {
	{ "p", trace_protocol_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static lws_sorted_usec_list_t guard;
static int guard_fired;

static void guard_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	guard_fired = 1;
}

CAPI_TEST(service_null_context, .flags = CAPI_AGREES_41)
{
	ASSERT_EQ(lws_service(NULL, 0), 1);
	ASSERT_EQ(lws_service(NULL, -1), 1);
	ASSERT_EQ(lws_service(NULL, 1000), 1);
}

CAPI_TEST(service_nonblocking, .flags = CAPI_AGREES_41)
{
	struct lws_context *cx = started_context(one_protocol, NULL);
	int i;

	/* Nothing to do for five seconds: -1 still returns at once. */
	lws_sul_schedule(cx, 0, &guard, guard_cb, 5000000);
	for (i = 0; i < 5; i++) {
		long long t0 = now_us();

		ASSERT_EQ(lws_service(cx, -1), 0);
		ASSERT_LT(now_us() - t0,
			  (long long)capi_scaled_ms(500) * 1000);
	}
	ASSERT_EQ(guard_fired, 0);
	lws_sul_cancel(&guard);
	lws_context_destroy(cx);
}

/* ---- a signal interrupts the blocking wait ---- */

static volatile sig_atomic_t signals_seen;
static volatile int service_returned;
static long long first_signal_us;
static pthread_t main_thread;

static void on_alarm(int sig)
{
	(void)sig;
	signals_seen++;
}

/* Sends SIGALRM to the service thread every 20 ms until it reports back:
 * a single signal could land just before the wait starts. */
static void *signaller(void *arg)
{
	(void)arg;
	sleep_ms(100);
	first_signal_us = now_us();
	while (!__atomic_load_n(&service_returned, __ATOMIC_SEQ_CST)) {
		pthread_kill(main_thread, SIGALRM);
		sleep_ms(20);
	}
	return NULL;
}

CAPI_TEST(service_signal_interrupts_wait, .flags = CAPI_AGREES_41)
{
	struct lws_context *cx = started_context(one_protocol, NULL);
	struct sigaction sa;
	pthread_t th;
	int ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: the wait sees EINTR */
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(SIGALRM, &sa, NULL), 0);

	lws_sul_schedule(cx, 0, &guard, guard_cb,
			 (lws_usec_t)capi_scaled_ms(5000) * 1000);
	main_thread = pthread_self();
	ASSERT_EQ(pthread_create(&th, NULL, signaller, NULL), 0);
	/* A handler that only sets a flag, as the examples' SIGINT ones:
	 * the pass in which it runs must return, with 0. */
	SERVICE_UNTIL_BLOCKING(cx, signals_seen || guard_fired, 5000);
	ret = loop_last_ret;
	__atomic_store_n(&service_returned, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(guard_fired, 0);
	ASSERT_GE(signals_seen, 1);
	ASSERT_EQ(ret, 0);
	ASSERT_LT(now_us() - first_signal_us,
		  (long long)capi_scaled_ms(1000) * 1000);
	lws_sul_cancel(&guard);
	signal(SIGALRM, SIG_IGN);
	lws_context_destroy(cx);
}

/* ---- waiting, not spinning ---- */

static lws_sorted_usec_list_t soon, later, backstop;
static int soon_fired, later_fired;

static void soon_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	soon_fired = 1;
}

static void later_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	later_fired = 1;
}

CAPI_TEST(service_no_spin,
	  .expect_differs_from_lws =
		  "lws returns from lws_service at once, without waiting, "
		  "while the next sul is less than 1 ms away (a busy loop of "
		  "passes); rwsloop waits for it")
{
	struct lws_context *cx = started_context(one_protocol, NULL);
	long passes = 0;

	/* One timer due in under the 1 ms wait resolution, one later, and
	 * a backstop so the pass that runs `later` returns too. */
	lws_sul_schedule(cx, 0, &soon, soon_cb, 500);
	lws_sul_schedule(cx, 0, &later, later_cb, 30000);
	lws_sul_schedule(cx, 0, &backstop, guard_cb, 60000);
	while (!later_fired && passes < 10000000L) {
		ASSERT_EQ(lws_service(cx, 0), 0);
		passes++;
	}
	ASSERT_EQ(soon_fired, 1);
	ASSERT_EQ(later_fired, 1);
	printf("%ld service passes for two timers\n", passes);
	if (IS_RWSLOOP)
		ASSERT_LE(passes, 4);
	lws_sul_cancel(&backstop);
	lws_context_destroy(cx);
}
