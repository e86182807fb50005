/*
 * foreign_echo: the bench's raw echo server (echo_proto.h, the same lws code
 * echo_server.c runs) as a guest on an event loop this program creates and
 * runs itself, the way an application hosts lws on its own loop.
 *
 *   foreign_echo_<loop> [--lifetime S]
 *
 * One binary per loop library, chosen when it is built with -DBENCH_LOOP_uv,
 * _event, _ev, _glib, _sdevent or _uloop, so each links only its own library
 * (Debian's libev also exports libevent's old API under the same names: a
 * program linking both would bind one library's calls to the other).
 *
 * The program makes the loop, hands it to lws in info.foreign_loops[0] with
 * the loop's option bit, prints "PORT <n>" like echo_server and runs the
 * loop with the library's own run call; lws only has watchers on it. At the
 * end of its lifetime (an lws sul) it stops the loop, destroys the context
 * and frees the loop. Built against rwsloop, lws 4.3.5 and lws 4.1.6; the
 * lws versions need their evlib plugin installed where they look for it.
 */
#include "echo_proto.h"

/* The option bits are lws's; 4.1.6's header lacks the newer ones. */
#ifndef LWS_SERVER_OPTION_SDEVENT
#define LWS_SERVER_OPTION_SDEVENT (1ll << 37)
#endif
#ifndef LWS_SERVER_OPTION_ULOOP
#define LWS_SERVER_OPTION_ULOOP (1ll << 38)
#endif

/*
 * Each loop library provides, in the same five names:
 *   LOOP_NAME, LOOP_OPTION  for messages and info.options
 *   loop_make()             create the loop; 0 or -1
 *   loop_handle()           what goes in info.foreign_loops[0]
 *   loop_run()              run it until loop_stop()
 *   loop_stop()             called from the lifetime sul, inside the loop
 *   loop_end(pctx)          after loop_run() returned: destroy the context
 *                           (*pctx, kept by lws through info.pcontext) and
 *                           free the loop
 */

#if defined(BENCH_LOOP_uv)
#include <uv.h>

#define LOOP_NAME "libuv"
#define LOOP_OPTION LWS_SERVER_OPTION_LIBUV

static uv_loop_t uvl;

static int loop_make(void) { return uv_loop_init(&uvl) ? -1 : 0; }
static void *loop_handle(void) { return &uvl; }
static void loop_run(void) { uv_run(&uvl, UV_RUN_DEFAULT); }
static void loop_stop(void) { uv_stop(&uvl); }

static void
loop_end(struct lws_context **pctx)
{
	lws_context_destroy(*pctx);
	/*
	 * libuv closes handles asynchronously: the loop turns until the
	 * last close callback has run. lws 4.3 then wants a second destroy
	 * call (it clears *pctx only at the final free); rwsloop cleared it
	 * in the first.
	 */
	uv_run(&uvl, UV_RUN_DEFAULT);
	if (*pctx)
		lws_context_destroy(*pctx);
	uv_loop_close(&uvl);
}

#elif defined(BENCH_LOOP_event)
#include <event2/event.h>

#define LOOP_NAME "libevent"
#define LOOP_OPTION LWS_SERVER_OPTION_LIBEVENT

static struct event_base *base;

static int loop_make(void) { return (base = event_base_new()) ? 0 : -1; }
static void *loop_handle(void) { return base; }
static void loop_run(void) { event_base_dispatch(base); }
static void loop_stop(void) { event_base_loopbreak(base); }

static void
loop_end(struct lws_context **pctx)
{
	lws_context_destroy(*pctx);
	event_base_free(base);
}

#elif defined(BENCH_LOOP_ev)
#include <ev.h>

#define LOOP_NAME "libev"
#define LOOP_OPTION LWS_SERVER_OPTION_LIBEV

static struct ev_loop *evl;

static int loop_make(void) { return (evl = ev_loop_new(EVFLAG_AUTO)) ? 0 : -1; }
static void *loop_handle(void) { return evl; }
static void loop_run(void) { ev_run(evl, 0); }
static void loop_stop(void) { ev_break(evl, EVBREAK_ALL); }

static void
loop_end(struct lws_context **pctx)
{
	lws_context_destroy(*pctx);
	ev_loop_destroy(evl);
}

#elif defined(BENCH_LOOP_glib)
#include <glib.h>

#define LOOP_NAME "glib"
#define LOOP_OPTION LWS_SERVER_OPTION_GLIB

static GMainLoop *gml;

/* On the default main context: where an application's loop usually is. */
static int loop_make(void) { return (gml = g_main_loop_new(NULL, FALSE)) ? 0 : -1; }
static void *loop_handle(void) { return gml; }
static void loop_run(void) { g_main_loop_run(gml); }
static void loop_stop(void) { g_main_loop_quit(gml); }

static void
loop_end(struct lws_context **pctx)
{
	lws_context_destroy(*pctx);
	g_main_loop_unref(gml);
}

#elif defined(BENCH_LOOP_sdevent)
#include <systemd/sd-event.h>

#define LOOP_NAME "sd-event"
#define LOOP_OPTION LWS_SERVER_OPTION_SDEVENT

static sd_event *sde;

static int loop_make(void) { return sd_event_new(&sde) < 0 ? -1 : 0; }
static void *loop_handle(void) { return sde; }
static void loop_run(void) { sd_event_loop(sde); }
static void loop_stop(void) { sd_event_exit(sde, 0); }

static void
loop_end(struct lws_context **pctx)
{
	lws_context_destroy(*pctx);
	sd_event_unref(sde);
}

#elif defined(BENCH_LOOP_uloop)
#include <libubox/uloop.h>

#define LOOP_NAME "uloop"
#define LOOP_OPTION LWS_SERVER_OPTION_ULOOP

/* uloop is one per process: lws ignores the pointer, but it must be set
 * for the loop to count as the application's. */
static int uloop_token;

static int loop_make(void) { return uloop_init() ? -1 : 0; }
static void *loop_handle(void) { return &uloop_token; }
static void loop_run(void) { uloop_run(); }
static void loop_stop(void) { uloop_end(); }

static void
loop_end(struct lws_context **pctx)
{
	lws_context_destroy(*pctx);
	uloop_done();
}

#else
#error "build with -DBENCH_LOOP_<uv|event|ev|glib|sdevent|uloop>"
#endif

static struct lws_context *ctx; /* through info.pcontext */

static void
on_lifetime(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	loop_stop();
}

int
main(int argc, char **argv)
{
	long lifetime = (long)opt_num(argc, argv, "--lifetime", 60);
	struct lws_context_creation_info info;
	lws_sorted_usec_list_t lifetime_sul;
	void *loops[1];

	raise_nofile();
	hard_lifetime(lifetime);
	lws_set_log_level(LLL_ERR, NULL);

	if (loop_make()) {
		fprintf(stderr, "foreign_echo: cannot make a %s loop\n", LOOP_NAME);
		return 1;
	}
	loops[0] = loop_handle();
	echo_info(&info);
	info.options |= LOOP_OPTION;
	info.foreign_loops = loops;
	info.pcontext = &ctx;
	ctx = lws_create_context(&info);
	if (!ctx) {
		fprintf(stderr, "foreign_echo: lws_create_context on %s failed\n",
			LOOP_NAME);
		return 1;
	}
	if (echo_announce(ctx, "foreign_echo")) {
		loop_end(&ctx);
		return 1;
	}

	memset(&lifetime_sul, 0, sizeof lifetime_sul);
	lws_sul_schedule(ctx, 0, &lifetime_sul, on_lifetime,
			 (lws_usec_t)lifetime * LWS_US_PER_SEC);

	loop_run();
	loop_end(&ctx);
	return 0;
}
