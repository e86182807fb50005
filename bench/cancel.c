/*
 * cancel: lws_cancel_service() seen from the threads that call it.
 *
 *   cancel --latency K [--lifetime S]
 *       K times, one at a time: another thread stamps the time and calls
 *       lws_cancel_service(); the service thread stamps the time when
 *       LWS_CALLBACK_EVENT_WAIT_CANCELLED arrives. Between wakes the other
 *       thread pauses 100..500 us so the loop is really asleep. Reports
 *       p50/p99/max of the wake latency.
 *   cancel --flood N --threads T [--lifetime S]
 *       T threads call lws_cancel_service() N/T times each, flat out, while
 *       the loop serves. Reports the wall time, the callbacks delivered
 *       (cancels coalesce, so fewer than N is expected), the slowest single
 *       call, and whether the last cancel was delivered after the last call.
 *
 * Output: "RESULT key=value ..."; exit 1 on a wake that never came.
 */
#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>

#include "bench_util.h"

static struct lws_context *ctx;
static atomic_int stop;
static lws_sorted_usec_list_t lifetime_sul;

/* latency mode: the stamping thread and the service thread hand over */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t woken = PTHREAD_COND_INITIALIZER;
static atomic_llong stamp_ns;		/* set before a cancel, 0 once seen */
static long long seen_ns;		/* latency of the last wake (under lock) */

/* flood mode */
static atomic_llong callbacks, last_callback_ns;

static int
callback_cancel(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		void *in, size_t len)
{
	long long t0, t;

	(void)wsi;
	(void)user;
	(void)in;
	(void)len;

	if (reason != LWS_CALLBACK_EVENT_WAIT_CANCELLED)
		return 0;
	t = now_ns();
	atomic_fetch_add(&callbacks, 1);
	atomic_store(&last_callback_ns, t);
	t0 = atomic_exchange(&stamp_ns, 0);
	if (t0) {
		pthread_mutex_lock(&lock);
		seen_ns = t - t0;
		pthread_cond_signal(&woken);
		pthread_mutex_unlock(&lock);
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "cancel", callback_cancel, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* The lifetime ends the loop even if a cancel was lost. */
static void
on_lifetime(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	atomic_store(&stop, 1);
	lws_cancel_service(ctx);
}

struct job {
	long count;		/* wakes (latency) or calls (flood) */
	int ok;
	/* results */
	uint32_t *lat;
	long long max_call_ns, last_call_start_ns;
};

/* Give the loop time to settle first: lws wakes itself after creation. */
static void
settle(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static void
finish(void)
{
	atomic_store(&stop, 1);
	lws_cancel_service(ctx);
}

static void *
latency_thread(void *arg)
{
	struct job *j = arg;
	struct timespec ts;
	unsigned x = 12345;

	settle();
	j->ok = 1;
	for (long i = 0; i < j->count && j->ok; i++) {
		x = x * 1103515245u + 12345u;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(100000 + (x >> 8) % 400000);
		nanosleep(&ts, NULL);

		pthread_mutex_lock(&lock);
		seen_ns = -1;
		atomic_store(&stamp_ns, now_ns());
		lws_cancel_service(ctx);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 2;
		while (seen_ns < 0 && j->ok)
			if (pthread_cond_timedwait(&woken, &lock, &ts))
				j->ok = 0;	/* no wake within 2 s */
		if (j->ok)
			j->lat[i] = seen_ns > UINT32_MAX ? UINT32_MAX : (uint32_t)seen_ns;
		pthread_mutex_unlock(&lock);
	}
	finish();
	return NULL;
}

static void *
flood_thread(void *arg)
{
	struct job *j = arg;

	for (long i = 0; i < j->count; i++) {
		long long t0 = now_ns(), d;

		j->last_call_start_ns = t0;
		lws_cancel_service(ctx);
		d = now_ns() - t0;
		if (d > j->max_call_ns)
			j->max_call_ns = d;
	}
	j->ok = 1;
	return NULL;
}

static void *
flood_main(void *arg)
{
	struct job *jobs = arg, *all = &jobs[0];
	long threads = all->count;
	pthread_t tid[64];
	long long t0 = now_ns(), wall, last_call = 0, max_call = 0;
	long long cb_before;
	int delivered = 0;

	settle();
	t0 = now_ns();
	cb_before = atomic_load(&callbacks);

	for (long i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, flood_thread, &jobs[i + 1]);
	for (long i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		if (jobs[i + 1].last_call_start_ns > last_call)
			last_call = jobs[i + 1].last_call_start_ns;
		if (jobs[i + 1].max_call_ns > max_call)
			max_call = jobs[i + 1].max_call_ns;
	}
	wall = now_ns() - t0;
	/* the last cancel must still produce a callback: wait up to 1 s */
	for (int i = 0; i < 1000 && !delivered; i++) {
		struct timespec ms = { 0, 1000000 };

		delivered = atomic_load(&last_callback_ns) > last_call;
		if (!delivered)
			nanosleep(&ms, NULL);
	}
	printf("RESULT mode=flood calls=%ld threads=%ld wall_ms=%.1f "
	       "calls_per_s=%.0f callbacks=%lld max_call_us=%.1f "
	       "last_delivered=%d\n",
	       jobs[1].count * threads, threads, wall / 1e6,
	       (double)jobs[1].count * threads / (wall / 1e9),
	       atomic_load(&callbacks) - cb_before, max_call / 1e3, delivered);
	fflush(stdout);
	all->ok = delivered;
	finish();
	return NULL;
}

int
main(int argc, char **argv)
{
	long lifetime = (long)opt_num(argc, argv, "--lifetime", 60);
	long latency = (long)opt_num(argc, argv, "--latency", 0);
	long flood = (long)opt_num(argc, argv, "--flood", 0);
	long threads = (long)opt_num(argc, argv, "--threads", 8);
	struct lws_context_creation_info info;
	struct job jobs[65];
	pthread_t tid;

	hard_lifetime(lifetime);
	lws_set_log_level(LLL_ERR, NULL);
	if ((!latency == !flood) || threads < 1 || threads > 64) {
		fprintf(stderr, "cancel: give --latency K or --flood N [--threads T<=64]\n");
		return 2;
	}
	memset(jobs, 0, sizeof jobs);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	ctx = lws_create_context(&info);
	if (!ctx) {
		fprintf(stderr, "cancel: lws_create_context failed\n");
		return 1;
	}
	lws_sul_schedule(ctx, 0, &lifetime_sul, on_lifetime,
			 (lws_usec_t)lifetime * LWS_US_PER_SEC);

	if (latency) {
		jobs[0].count = latency;
		jobs[0].lat = calloc((size_t)latency, sizeof *jobs[0].lat);
		pthread_create(&tid, NULL, latency_thread, &jobs[0]);
	} else {
		jobs[0].count = threads;
		for (long i = 1; i <= threads; i++)
			jobs[i].count = flood / threads;
		pthread_create(&tid, NULL, flood_main, jobs);
	}

	while (!atomic_load(&stop) && lws_service(ctx, 0) >= 0)
		;
	pthread_join(tid, NULL);

	if (latency && jobs[0].ok) {
		qsort(jobs[0].lat, (size_t)latency, sizeof *jobs[0].lat, cmp_u32);
		printf("RESULT mode=latency wakes=%ld p50_us=%.1f p99_us=%.1f max_us=%.1f\n",
		       latency, quantile_u32(jobs[0].lat, (size_t)latency, 0.5) / 1e3,
		       quantile_u32(jobs[0].lat, (size_t)latency, 0.99) / 1e3,
		       jobs[0].lat[latency - 1] / 1e3);
	} else if (latency) {
		printf("RESULT mode=latency failed=1\n");
	}
	lws_context_destroy(ctx);
	return jobs[0].ok ? 0 : 1;
}
