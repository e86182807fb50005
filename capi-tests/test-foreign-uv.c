/*
 * The foreign-loop suite (capi-tests/foreign-suite.h) on libuv, through
 * plugins/uv: the application owns a uv_loop_t with a repeating
 * uv_timer_t of its own.
 *
 * What "nothing of rwsloop is left" means here: no handle other than the
 * application's is active; the handles rwsloop closed are gone after one
 * turn of the loop (libuv cannot drop a handle without one); and at the
 * end, with the application's timer closed, uv_loop_close returns 0 (not
 * UV_EBUSY).
 */
#define _GNU_SOURCE
#include "task.h"

#include <uv.h>

#define FL_OPTION LWS_SERVER_OPTION_LIBUV
#define FL_SERVICE_RETURNS 0

static uv_loop_t fl_uv;
static uv_timer_t fl_tick;
static int fl_app_handles; /* handles of the application's on the loop */
static void *fl_loop;

static void fs_app_tick(void);

static void fl_tick_cb(uv_timer_t *t)
{
	(void)t;
	fs_app_tick();
}

static void fl_loop_new(void)
{
	ASSERT_EQ(uv_loop_init(&fl_uv), 0);
	fl_app_handles = 0;
	fl_loop = &fl_uv;
}

static void fl_timer_start(int ms)
{
	ASSERT_EQ(uv_timer_init(&fl_uv, &fl_tick), 0);
	ASSERT_EQ(uv_timer_start(&fl_tick, fl_tick_cb, (uint64_t)ms,
				 (uint64_t)ms), 0);
	fl_app_handles = 1;
}

static void fl_iterate(void)
{
	uv_run(&fl_uv, UV_RUN_ONCE);
}

static void fl_count(uv_handle_t *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
}

static int fl_handles(void)
{
	int n = 0;

	uv_walk(&fl_uv, fl_count, &n);
	return n;
}

static void fl_count_active_other(uv_handle_t *h, void *arg)
{
	if (h != (uv_handle_t *)&fl_tick && uv_is_active(h) &&
	    !uv_is_closing(h))
		(*(int *)arg)++;
}

static void fl_snapshot(void)
{
	ASSERT_EQ(fl_handles(), 0);
	ASSERT_EQ(uv_loop_alive(&fl_uv), 0);
}

static void fl_assert_clean(void)
{
	int active = 0;

	uv_walk(&fl_uv, fl_count_active_other, &active);
	ASSERT_EQ(active, 0);
	/* the close callbacks of what rwsloop closed */
	uv_run(&fl_uv, UV_RUN_NOWAIT);
	ASSERT_EQ(fl_handles(), fl_app_handles);
}

static void fl_loop_free(void)
{
	int i;

	if (fl_app_handles)
		uv_close((uv_handle_t *)&fl_tick, NULL);
	for (i = 0; i < 100 && uv_loop_alive(&fl_uv); i++)
		uv_run(&fl_uv, UV_RUN_NOWAIT);
	ASSERT_EQ(uv_loop_alive(&fl_uv), 0);
	ASSERT_EQ(fl_handles(), 0);
	ASSERT_EQ(uv_loop_close(&fl_uv), 0);
	fl_loop = NULL;
}

#include "foreign-suite.h"
#include "foreign-suite-service.h"

FOREIGN_SUITE_TESTS(uv)
