/*
 * timers: schedule N one-shot suls at random delays within a spread
 * (default 1 s), then run the loop until all have fired.
 *
 *   timers --count N [--spread-us U] [--lifetime S]
 *
 * Reports the time spent in the N lws_sul_schedule() calls, how late each
 * firing was (firing time minus the due time lws stored in sul->us when it
 * was scheduled; both are lws_now_usecs() time), and order errors: a sul
 * firing after one that was due later than it.
 *
 * Output: "RESULT key=value ..."; exit 1 if not everything fired.
 */
#include <libwebsockets.h>

#include "bench_util.h"

struct timer {
	lws_sorted_usec_list_t sul;	/* first, so a sul pointer is a timer */
	lws_usec_t due;
};

static struct lws_context *ctx;
static uint32_t *late_us;		/* per firing, in firing order */
static size_t count, fired, order_errors;
static lws_usec_t max_due_fired, last_fire;
static lws_sorted_usec_list_t lifetime_sul;
static int stop;

static int
callback_timers(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		void *in, size_t len)
{
	(void)wsi;
	(void)reason;
	(void)user;
	(void)in;
	(void)len;
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "timers", callback_timers, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void
on_fire(lws_sorted_usec_list_t *sul)
{
	struct timer *t = (struct timer *)sul;
	lws_usec_t now = lws_now_usecs(), late = now - t->due;

	if (t->due < max_due_fired)
		order_errors++;
	else
		max_due_fired = t->due;
	late_us[fired++] = late < 0 ? 0 : late > UINT32_MAX ? UINT32_MAX : (uint32_t)late;
	last_fire = now;
	if (fired == count) {
		stop = 1;
		lws_cancel_service(ctx);
	}
}

static void
on_lifetime(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	stop = 1;
	lws_cancel_service(ctx);
}

int
main(int argc, char **argv)
{
	long lifetime = (long)opt_num(argc, argv, "--lifetime", 30);
	lws_usec_t spread = (lws_usec_t)opt_num(argc, argv, "--spread-us", 1000000);
	struct lws_context_creation_info info;
	uint64_t x = 88172645463325252ull;
	struct timer *timers;
	lws_usec_t start;
	int64_t t0, t1;

	count = (size_t)opt_num(argc, argv, "--count", 1000);
	hard_lifetime(lifetime);
	lws_set_log_level(LLL_ERR, NULL);
	timers = calloc(count, sizeof *timers);
	late_us = calloc(count, sizeof *late_us);
	if (!timers || !late_us || !count)
		return 2;

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	ctx = lws_create_context(&info);
	if (!ctx) {
		fprintf(stderr, "timers: lws_create_context failed\n");
		return 1;
	}
	lws_sul_schedule(ctx, 0, &lifetime_sul, on_lifetime,
			 (lws_usec_t)lifetime * LWS_US_PER_SEC);

	start = lws_now_usecs();
	t0 = now_ns();
	for (size_t i = 0; i < count; i++) {
		lws_usec_t delay, before;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		delay = (lws_usec_t)(x % (uint64_t)spread);
		before = lws_now_usecs();
		lws_sul_schedule(ctx, 0, &timers[i].sul, on_fire, delay);
		/* lws keeps the absolute due time in sul->us */
		timers[i].due = timers[i].sul.us ? timers[i].sul.us : before + delay;
	}
	t1 = now_ns();

	while (!stop && lws_service(ctx, 0) >= 0)
		;

	qsort(late_us, fired, sizeof *late_us, cmp_u32);
	printf("RESULT count=%zu fired=%zu schedule_ms=%.2f schedule_ns_per=%.1f "
	       "late_p50_us=%u late_p99_us=%u late_max_us=%u order_errors=%zu "
	       "total_ms=%.1f\n",
	       count, fired, (double)(t1 - t0) / 1e6, (double)(t1 - t0) / (double)count,
	       quantile_u32(late_us, fired, 0.5), quantile_u32(late_us, fired, 0.99),
	       fired ? late_us[fired - 1] : 0, order_errors,
	       fired ? (double)(last_fire - start) / 1e3 : 0.0);
	lws_context_destroy(ctx);
	return fired == count ? 0 : 1;
}
