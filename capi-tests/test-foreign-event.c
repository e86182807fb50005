/*
 * The foreign-loop suite (capi-tests/foreign-suite.h) on libevent 2,
 * through plugins/event: the application owns an event_base with a
 * persistent timer event of its own.
 *
 * What "nothing of rwsloop is left" means here: the base's count of added
 * events is the application's own, and at the end, with its timer freed,
 * zero; event_base_free then finds nothing of ours (LeakSanitizer and
 * valgrind would see what it leaked).
 *
 * Debian's libev exports libevent's API too (event_add, event_base_new,
 * ...): in a program that links both, libevent must come first, or these
 * calls, and the plugin's, land in libev. mk/foreign.mk links it first;
 * fl_loop_new checks where event_base_new really is.
 */
#define _GNU_SOURCE
#include "task.h"

#include <dlfcn.h>
#include <event2/event.h>
#include <string.h>

#define FL_OPTION LWS_SERVER_OPTION_LIBEVENT
#define FL_SERVICE_RETURNS 0

static struct event_base *fl_base;
static struct event *fl_tick;
static int fl_app_events; /* events the application added */
static void *fl_loop;

static void fs_app_tick(void);

static void fl_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	fs_app_tick();
}

static int fl_added(void)
{
	return event_base_get_num_events(fl_base, EVENT_BASE_COUNT_ADDED);
}

static void fl_loop_new(void)
{
	Dl_info where;

	ASSERT_NE(dladdr((void *)event_base_new, &where), 0);
	ASSERT_NOT_NULL(strstr(where.dli_fname, "libevent"));
	fl_base = event_base_new();
	ASSERT_NOT_NULL(fl_base);
	fl_tick = NULL;
	fl_app_events = 0;
	fl_loop = fl_base;
}

static void fl_timer_start(int ms)
{
	struct timeval tv = { 0, ms * 1000 };

	fl_tick = event_new(fl_base, -1, EV_PERSIST, fl_tick_cb, NULL);
	ASSERT_NOT_NULL(fl_tick);
	ASSERT_EQ(event_add(fl_tick, &tv), 0);
	fl_app_events = fl_added();
	ASSERT_EQ(fl_app_events, 1);
}

static void fl_iterate(void)
{
	ASSERT_GE(event_base_loop(fl_base, EVLOOP_ONCE), 0);
}

static void fl_snapshot(void)
{
	ASSERT_EQ(fl_added(), 0);
}

static void fl_assert_clean(void)
{
	ASSERT_EQ(fl_added(), fl_app_events);
}

static void fl_loop_free(void)
{
	if (fl_tick)
		event_free(fl_tick);
	fl_tick = NULL;
	ASSERT_EQ(fl_added(), 0);
	event_base_free(fl_base);
	fl_base = NULL;
	fl_loop = NULL;
}

#include "foreign-suite.h"
#include "foreign-suite-service.h"

FOREIGN_SUITE_TESTS(event)
