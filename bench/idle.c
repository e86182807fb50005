/*
 * idle: an lws server with nothing to do, for the idle figure. A context
 * with a raw listener on 127.0.0.1 (like echo_server) and, with --tick-us U,
 * a timer that re-arms itself every U microseconds. Each firing calls
 * getppid() once, so a syscall counter watching the process counts firings
 * and loop wake-ups in the same window.
 *
 *   idle [--lifetime S] [--tick-us U]
 *
 * Prints "PORT <n>" once serving, "DONE firings=<n>" at exit.
 */
#include <libwebsockets.h>

#include "bench_util.h"

static struct lws_context *ctx;
static lws_sorted_usec_list_t tick_sul, lifetime_sul;
static long tick_us;
static unsigned long firings;
static int stop;

static int
callback_idle(struct lws *wsi, enum lws_callback_reasons reason, void *user,
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
	{ "idle", callback_idle, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void
on_tick(lws_sorted_usec_list_t *sul)
{
	firings++;
	getppid();
	lws_sul_schedule(ctx, 0, sul, on_tick, tick_us);
}

static void
on_lifetime(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	stop = 1;
	lws_cancel_service(ctx);	/* leave lws_service() now */
}

int
main(int argc, char **argv)
{
	long lifetime = (long)opt_num(argc, argv, "--lifetime", 60);
	struct lws_context_creation_info info;
	struct lws_vhost *vh;

	tick_us = (long)opt_num(argc, argv, "--tick-us", 0);
	raise_nofile();
	hard_lifetime(lifetime);
	lws_set_log_level(LLL_ERR, NULL);

	memset(&info, 0, sizeof info);
	info.port = 0;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "idle";

	ctx = lws_create_context(&info);
	if (!ctx) {
		fprintf(stderr, "idle: lws_create_context failed\n");
		return 1;
	}
	vh = lws_get_vhost_by_name(ctx, "default");
	printf("PORT %d\n", vh ? lws_get_vhost_listen_port(vh) : -1);
	fflush(stdout);

	lws_sul_schedule(ctx, 0, &lifetime_sul, on_lifetime,
			 (lws_usec_t)lifetime * LWS_US_PER_SEC);
	if (tick_us > 0)
		lws_sul_schedule(ctx, 0, &tick_sul, on_tick, tick_us);

	while (!stop && lws_service(ctx, 0) >= 0)
		;

	lws_context_destroy(ctx);
	printf("DONE firings=%lu\n", firings);
	return 0;
}
