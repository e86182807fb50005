/*
 * lws_cancel_service under load: 10^6 calls from 8 threads, plus calls
 * from a signal handler that interrupts the service thread, while the
 * loop services.
 *
 * Checked by counting and sequencing, never by timing:
 *  - every thread completes all of its calls (a cancel that blocked would
 *    leave its thread short of its count at the safety deadline);
 *  - every broadcast runs on the service thread;
 *  - the last cancels are answered: a global ticket counter is taken
 *    just before each thread's last call, before each handler's call, and
 *    at the start of every broadcast; the last broadcast's ticket must be
 *    above all the others. (Before the call, not after its return: a call
 *    whose wake-up is consumed by a broadcast that begins while the call
 *    is still returning is answered by that broadcast, in lws as in
 *    rwsloop. What a program relies on is that what it did before
 *    calling is seen by a broadcast that begins later.)
 *  - once everything returned, the wake-up still works: one more cancel,
 *    from a new thread, is answered the same way (a lost wake-up can
 *    leave a coalescing implementation stuck "pending" for good, every
 *    later cancel ignored);
 *  - the context is destroyed and the process ends cleanly (leak checks
 *    run at exit under LSan and valgrind).
 *
 * The threads yield every few calls so that the 10^6 calls spread over
 * many service passes: without that they finish in a few milliseconds,
 * during one or two waits, and the interleavings of a cancel with the
 * loop's consumption of the wake-up are never exercised.
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "stress-util.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EWC LWS_CALLBACK_EVENT_WAIT_CANCELLED
#define THREADS 8

static struct lws_context *cx;
static pthread_t service_thread;

static unsigned long ticket;       /* the global sequence */
static unsigned long last_bcast;   /* ticket taken as a broadcast began */
static unsigned long last_call;    /* highest ticket taken just before a
				    * last cancel (threads and handler) */
static long broadcasts, wrong_thread;

static unsigned long take_ticket(void)
{
	return __atomic_fetch_add(&ticket, 1, __ATOMIC_SEQ_CST) + 1;
}

static void note_call(unsigned long t)
{
	unsigned long old = __atomic_load_n(&last_call, __ATOMIC_SEQ_CST);

	while (t > old && !__atomic_compare_exchange_n(&last_call, &old, t,
						       0, __ATOMIC_SEQ_CST,
						       __ATOMIC_SEQ_CST))
		;
}

static int stress_cancel_cb(struct lws *wsi, enum lws_callback_reasons reason,
			    void *user, void *in, size_t len)
{
	const struct lws_protocols *p = lws_get_protocol(wsi);

	if (reason == EWC && p && !strcmp(p->name, "a")) {
		/* "a" is first in the list: the broadcast begins here. */
		__atomic_store_n(&last_bcast, take_ticket(), __ATOMIC_SEQ_CST);
		broadcasts++;
		if (!pthread_equal(pthread_self(), service_thread))
			wrong_thread++;
	}
	trace_cb(wsi, (int)reason, user, in, len);
	return 0;
}

static const struct lws_protocols ab[] = {
	{ "a", stress_cancel_cb, 0, 0, 0, NULL, 0 },
	{ "b", stress_cancel_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* ---- the cancelling threads ---- */

static long per_thread;
static long progress[THREADS];
static int threads_done;

static void *canceller(void *arg)
{
	long *mine = arg, i;
	int every = (int)(mine - progress) % 2 ? 7 : 63;

	for (i = 0; i < per_thread; i++) {
		if (i == per_thread - 1)
			note_call(take_ticket());
		lws_cancel_service(cx);
		__atomic_store_n(mine, i + 1, __ATOMIC_RELAXED);
		if ((i & every) == 0)
			sched_yield();
	}
	__atomic_fetch_add(&threads_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* ---- the signal handler's cancels ---- */

static int sig_no;
static long sig_sent;
static volatile sig_atomic_t sig_handled;
static int signaller_done;

static void on_signal(int sig)
{
	(void)sig;
	note_call(take_ticket());
	lws_cancel_service(cx); /* async-signal-safe */
	sig_handled++;
}

/* Interrupts the service thread (a queued realtime signal: each one is
 * delivered, none merges with another) until the cancellers are done. */
static void *signaller(void *arg)
{
	struct timespec ts = { 0, 200000 };

	(void)arg;
	while (__atomic_load_n(&threads_done, __ATOMIC_SEQ_CST) < THREADS) {
		if (pthread_kill(service_thread, sig_no) == 0)
			__atomic_fetch_add(&sig_sent, 1, __ATOMIC_SEQ_CST);
		nanosleep(&ts, NULL);
	}
	__atomic_store_n(&signaller_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int all_returned(void)
{
	return __atomic_load_n(&threads_done, __ATOMIC_SEQ_CST) == THREADS &&
	       __atomic_load_n(&signaller_done, __ATOMIC_SEQ_CST) &&
	       sig_handled == __atomic_load_n(&sig_sent, __ATOMIC_SEQ_CST);
}

static int answered(void)
{
	return all_returned() &&
	       __atomic_load_n(&last_bcast, __ATOMIC_SEQ_CST) >
		       __atomic_load_n(&last_call, __ATOMIC_SEQ_CST);
}

static unsigned long probe_called;

static void *probe(void *arg)
{
	(void)arg;
	__atomic_store_n(&probe_called, take_ticket(), __ATOMIC_SEQ_CST);
	lws_cancel_service(cx);
	return NULL;
}

static int probe_answered(void)
{
	unsigned long t = __atomic_load_n(&probe_called, __ATOMIC_SEQ_CST);

	return t && __atomic_load_n(&last_bcast, __ATOMIC_SEQ_CST) > t;
}

static void run(long total)
{
	pthread_t th[THREADS], sigth, pth;
	unsigned long answered_by;
	struct sigaction sa;
	struct loop_wait w;
	long passes = 0;
	int i;

	service_thread = pthread_self();
	sig_no = SIGRTMIN + 3;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(sig_no, &sa, NULL), 0);

	cx = make_context(ab, NULL, 0, NULL);
	ASSERT_NOT_NULL(cx);
	trace_expect_context(cx);
	ASSERT_EQ(loop_settle(cx), 0);
	trace_freeze();

	per_thread = total / THREADS;
	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(pthread_create(&th[i], NULL, canceller, &progress[i]),
			  0);
	if (STRESS_TSAN)
		signaller_done = 1; /* see STRESS_TSAN */
	else
		ASSERT_EQ(pthread_create(&sigth, NULL, signaller, NULL), 0);

	/* Phase 1: every call completes. */
	loop_wait_begin(&w, cx, 120000, 1);
	while (!all_returned() && !loop_wait_step(&w))
		;
	passes += w.passes;
	loop_wait_end(&w);
	ASSERT_EQ(loop_last_ret, 0);
	if (!all_returned()) {
		for (i = 0; i < THREADS; i++)
			printf("thread %d: %ld of %ld calls returned\n", i,
			       __atomic_load_n(&progress[i], __ATOMIC_SEQ_CST),
			       per_thread);
		capi_fail(__FILE__, __LINE__, "all_returned()",
			  "cancels still outstanding at the deadline: %d of "
			  "%d threads done, %ld of %ld signals handled",
			  threads_done, THREADS, (long)sig_handled, sig_sent);
	}
	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(pthread_join(th[i], NULL), 0);
	if (!STRESS_TSAN)
		ASSERT_EQ(pthread_join(sigth, NULL), 0);
	signal(sig_no, SIG_IGN);

	/* Phase 2: the last cancels are answered by a broadcast. */
	loop_wait_begin(&w, cx, 5000, 1);
	while (!answered() && !loop_wait_step(&w))
		;
	passes += w.passes;
	loop_wait_end(&w);
	ASSERT_EQ(loop_last_ret, 0);
	answered_by = last_bcast;

	/* Phase 3: a further cancel still wakes the loop. */
	ASSERT_EQ(pthread_create(&pth, NULL, probe, NULL), 0);
	loop_wait_begin(&w, cx, 5000, 1);
	while (!probe_answered() && !loop_wait_step(&w))
		;
	passes += w.passes;
	loop_wait_end(&w);
	ASSERT_EQ(pthread_join(pth, NULL), 0);
	ASSERT_EQ(loop_last_ret, 0);

	printf("%ld cancels from %d threads + %ld from a signal handler: "
	       "%ld broadcasts in %ld passes; last calls at ticket %lu, "
	       "answered by the broadcast at ticket %lu; probe called at "
	       "ticket %lu, last broadcast at %lu\n",
	       per_thread * THREADS, THREADS, (long)sig_handled, broadcasts,
	       passes, last_call, answered_by, probe_called, last_bcast);
	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(progress[i], per_thread);
	if (!STRESS_TSAN)
		ASSERT_GE(sig_handled, 1);
	ASSERT_EQ(wrong_thread, 0);
	ASSERT_GE(broadcasts, 1);
	ASSERT_GT(answered_by, last_call);
	ASSERT_NE(probe_called, 0);
	ASSERT_GT(last_bcast, probe_called);
	lws_context_destroy(cx);
}

CAPI_TEST(stress_cancel_threads, .timeout_ms = 180000)
{
	run(stress_count(1000000, 1000000, 20000));
}

/* The same over the pipe fallback of the wake-up (rwsloop reads
 * RWSLOOP_WAKE_PIPE when it creates the context; lws ignores it). */
CAPI_TEST(stress_cancel_pipe, .timeout_ms = 180000)
{
	setenv("RWSLOOP_WAKE_PIPE", "1", 1);
	run(stress_count(400000, 400000, 20000));
}
