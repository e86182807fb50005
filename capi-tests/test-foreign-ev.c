/*
 * rwsloop as a guest on the application's libev loop (and on a libev loop
 * of its own), through the libev plugin (plugins/ev). The scenarios are in
 * capi-tests/foreign-suite.h; this file is the application side.
 *
 * Built for real only by `make check-evlib-ev-glib-sd` (mk/evlib2.mk
 * defines RWSLOOP_CAPI_FOREIGN and links libev); elsewhere each test is a
 * stub, never run (CAPI_MANUAL).
 */
#define _GNU_SOURCE
#if defined(RWSLOOP_CAPI_FOREIGN)
/* Before libwebsockets.h: rwsloop's header currently #defines EV_READ and
 * EV_WRITE (same values), which would break libev's enum if it came first. */
#include <ev.h>
#endif
#include "task.h"

#define FOREIGN_EV_FLAGS .flags = CAPI_MANUAL, \
	.timeout_ms = 20000

#if defined(RWSLOOP_CAPI_FOREIGN)

#define FL_NAME "libev"
#define FL_OPTION LWS_SERVER_OPTION_LIBEV

static struct ev_loop *fl_ev;
static void *fl_loop;
static ev_timer fl_app_timer;

static void fs_app_tick(void);

static void fl_app_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	fs_app_tick();
}

static void fl_loop_new(void)
{
	fl_ev = ev_loop_new(EVFLAG_AUTO);
	ASSERT_NOT_NULL(fl_ev);
	fl_loop = fl_ev;
}

static void fl_timer_start(int ms)
{
	ev_timer_init(&fl_app_timer, fl_app_timer_cb, ms / 1000.,
		      ms / 1000.);
	ev_timer_start(fl_ev, &fl_app_timer);
}

static void fl_iterate(void)
{
	ev_run(fl_ev, EVRUN_ONCE);
}

static void fl_snapshot(void)
{
	/* a fresh loop: nothing active, nothing pending */
	ASSERT_EQ(ev_pending_count(fl_ev), 0);
	ASSERT_EQ(ev_run(fl_ev, EVRUN_NOWAIT), 0);
}

/* Every watcher the plugin starts is an active, referenced one, so with the
 * app's timer stopped a non-blocking run reports whether anything else is
 * still active on the loop (ev_run returns false when nothing is). */
static void fl_assert_clean(void)
{
	int alive;

	ASSERT_EQ(ev_pending_count(fl_ev), 0);
	ev_timer_stop(fl_ev, &fl_app_timer);
	alive = ev_run(fl_ev, EVRUN_NOWAIT);
	ev_timer_again(fl_ev, &fl_app_timer);
	ASSERT_EQ(alive, 0);
}

static void fl_loop_free(void)
{
	ev_timer_stop(fl_ev, &fl_app_timer);
	ASSERT_EQ(ev_run(fl_ev, EVRUN_NOWAIT), 0);
	ev_loop_destroy(fl_ev);
	fl_ev = NULL;
	fl_loop = NULL;
}

/* the shared scenarios */
#include "foreign-suite.h"

#define FOREIGN_BODY(call) call
#else
#define FOREIGN_BODY(call)                                                  \
	SKIP("built without the foreign-loop libraries: "                  \
	     "make check-evlib-ev-glib-sd")
#endif

CAPI_TEST(foreign_ev_echo, FOREIGN_EV_FLAGS)
{
	FOREIGN_BODY(fs_echo());
}

CAPI_TEST(foreign_ev_destroy_idle, FOREIGN_EV_FLAGS)
{
	FOREIGN_BODY(fs_destroy_with(0));
}

CAPI_TEST(foreign_ev_destroy_many, FOREIGN_EV_FLAGS)
{
	FOREIGN_BODY(fs_destroy_with(50));
}

CAPI_TEST(foreign_ev_destroy_in_rx, FOREIGN_EV_FLAGS)
{
	FOREIGN_BODY(fs_destroy_inside(FS_DESTROY_IN_RX));
}

CAPI_TEST(foreign_ev_destroy_in_sul, FOREIGN_EV_FLAGS)
{
	FOREIGN_BODY(fs_destroy_inside(FS_DESTROY_IN_SUL));
}

CAPI_TEST(foreign_ev_failed_create, FOREIGN_EV_FLAGS)
{
	FOREIGN_BODY(fs_failed_create());
}

CAPI_TEST(foreign_ev_own_loop, FOREIGN_EV_FLAGS)
{
	FOREIGN_BODY(fs_own_loop(0));
}

CAPI_TEST(foreign_ev_own_loop_destroy_in_cb, FOREIGN_EV_FLAGS)
{
	FOREIGN_BODY(fs_own_loop(1));
}
