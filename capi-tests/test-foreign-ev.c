/*
 * The foreign-loop suite (capi-tests/foreign-suite.h) on libev, through
 * plugins/ev: the application owns a struct ev_loop with a repeating
 * ev_timer of its own.
 *
 * What "nothing of rwsloop is left" means here: with the application's
 * timer stopped, a non-blocking ev_run reports that no watcher is active
 * (every watcher the plugin starts is active and referenced).
 */
#define _GNU_SOURCE
/* Before libwebsockets.h: its header #defines EV_READ and EV_WRITE (same
 * values), which would break libev's enum if it came first. */
#include <ev.h>
#include "task.h"

#define FL_OPTION LWS_SERVER_OPTION_LIBEV
#define FL_SERVICE_RETURNS 1

static struct ev_loop *fl_ev;
static ev_timer fl_tick;
static void *fl_loop;

static void fs_app_tick(void);

static void fl_tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
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
	ev_timer_init(&fl_tick, fl_tick_cb, ms / 1000., ms / 1000.);
	ev_timer_start(fl_ev, &fl_tick);
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

static void fl_assert_clean(void)
{
	int alive;

	ASSERT_EQ(ev_pending_count(fl_ev), 0);
	ev_timer_stop(fl_ev, &fl_tick);
	alive = ev_run(fl_ev, EVRUN_NOWAIT);
	ev_timer_again(fl_ev, &fl_tick);
	ASSERT_EQ(alive, 0);
}

static void fl_loop_free(void)
{
	ev_timer_stop(fl_ev, &fl_tick);
	ASSERT_EQ(ev_run(fl_ev, EVRUN_NOWAIT), 0);
	ev_loop_destroy(fl_ev);
	fl_ev = NULL;
	fl_loop = NULL;
}

#include "foreign-suite.h"
#include "foreign-suite-service.h"

FOREIGN_SUITE_TESTS(ev)
