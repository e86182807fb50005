/*
 * Signals and the foreign-loop backends (lws-surface §5.14).
 *
 * On a loop the backend makes itself (no info.foreign_loops), lws watches
 * signals: libuv SIGINT, SIGTERM, SIGSEGV, SIGFPE and SIGHUP (SIGINT and
 * SIGTERM only with LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN); libevent,
 * libev and glib SIGINT; sd-event none. A caught signal goes to
 * info.signal_cb with the library's arguments (libuv the uv_signal_t and
 * the number, libevent the number as a pointer and the number, libev the
 * ev_signal and the number, glib NULL and 0); without signal_cb libuv
 * destroys the context, libevent and libev break their loop, glib quits
 * its main loop. On the application's loop nothing is watched: its own
 * handlers see its signals. When the context is gone the signals are back
 * to their default disposition.
 *
 * Each test raises the signal from inside a sul callback, that is from the
 * loop the backend runs, so the signal reaches the loop's own machinery
 * (a pipe, an eventfd) and is delivered on a later turn.
 *
 * Two groups, real only when their libraries are linked (elsewhere each
 * test is a stub, never run: CAPI_MANUAL):
 *
 *   -DRWSLOOP_CAPI_FOREIGN          libev, glib, sd-event (-lev, glib-2.0,
 *                                   libsystemd: mk/evlib2.mk's runner)
 *   -DRWSLOOP_CAPI_FOREIGN_UV_EVENT libuv, libevent (-luv -levent)
 *
 * Both may be defined in one build if libevent comes before libev on the
 * link line: Debian's libev exports libevent's API (event_add, ...) too,
 * and when it is found first the libevent plugin's calls land in libev.
 */
#define _GNU_SOURCE
#if defined(RWSLOOP_CAPI_FOREIGN)
#include <ev.h>
#include <glib.h>
#include <systemd/sd-event.h>
#endif
#if defined(RWSLOOP_CAPI_FOREIGN_UV_EVENT)
#include <event2/event.h>
#include <uv.h>
#endif
#include "task.h"

#define SIGNAL_FLAGS .flags = CAPI_MANUAL, .timeout_ms = 20000

#if defined(RWSLOOP_CAPI_FOREIGN) || defined(RWSLOOP_CAPI_FOREIGN_UV_EVENT)

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the application's side of each library ---------------------------- */

struct lib {
	const char *name;
	uint64_t option;
	void *(*loop_new)(void);
	void (*iterate)(void *loop);   /* one blocking turn */
	void (*loop_free)(void *loop); /* asserts nothing of ours is left */
	/* the signal number kept in the handle signal_cb gets (libuv's
	 * uv_signal_t, libev's ev_signal); NULL: the handle is no watcher */
	int (*handle_signum)(void *handle);
	/* no signal_cb: the caught SIGINT destroys the context (libuv) */
	int sigint_destroys;
};

#if defined(RWSLOOP_CAPI_FOREIGN_UV_EVENT)

static void *uv_new(void)
{
	uv_loop_t *l = calloc(1, sizeof(*l));

	ASSERT_NOT_NULL(l);
	ASSERT_EQ(uv_loop_init(l), 0);
	return l;
}

static void uv_iterate(void *l)
{
	uv_run(l, UV_RUN_ONCE);
}

static void uv_free_loop(void *l)
{
	/* our handles finish closing on this turn */
	uv_run(l, UV_RUN_NOWAIT);
	ASSERT_EQ(uv_loop_close(l), 0);
	free(l);
}

static int uv_handle_signum(void *h)
{
	return ((uv_signal_t *)h)->signum;
}

static void *event_new_base(void)
{
	struct event_base *b = event_base_new();

	ASSERT_NOT_NULL(b);
	return b;
}

static void event_iterate(void *b)
{
	event_base_loop(b, EVLOOP_ONCE);
}

static void event_free_base(void *b)
{
	ASSERT_EQ(event_base_get_num_events(b, EVENT_BASE_COUNT_ADDED), 0);
	event_base_free(b);
}

static const struct lib L_UV = { "libuv", LWS_SERVER_OPTION_LIBUV, uv_new,
				 uv_iterate, uv_free_loop, uv_handle_signum,
				 1 };
static const struct lib L_EVENT = { "libevent", LWS_SERVER_OPTION_LIBEVENT,
				    event_new_base, event_iterate,
				    event_free_base, NULL, 0 };
#endif /* RWSLOOP_CAPI_FOREIGN_UV_EVENT */

#if defined(RWSLOOP_CAPI_FOREIGN)

static void *ev_new(void)
{
	struct ev_loop *l = ev_loop_new(EVFLAG_AUTO);

	ASSERT_NOT_NULL(l);
	return l;
}

static void ev_iterate(void *l)
{
	ev_run(l, EVRUN_ONCE);
}

static void ev_free_loop(void *l)
{
	/* nothing active: a non-blocking run says the loop is done */
	ASSERT_EQ(ev_run(l, EVRUN_NOWAIT), 0);
	ev_loop_destroy(l);
}

static int ev_handle_signum(void *h)
{
	return ((ev_signal *)h)->signum;
}

static void *glib_new(void)
{
	GMainContext *c = g_main_context_new();

	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL |
			       G_LOG_LEVEL_WARNING);
	return g_main_loop_new(c, FALSE);
}

static void glib_iterate(void *l)
{
	g_main_context_iteration(g_main_loop_get_context(l), TRUE);
}

static void glib_free_loop(void *l)
{
	GMainContext *c = g_main_context_ref(g_main_loop_get_context(l));

	/* nothing of ours left to dispatch or wait for */
	ASSERT_EQ(g_main_context_pending(c), 0);
	g_main_loop_unref(l);
	g_main_context_unref(c);
}

static void *sd_new(void)
{
	sd_event *e = NULL;

	ASSERT_GE(sd_event_new(&e), 0);
	return e;
}

static void sd_iterate(void *e)
{
	ASSERT_GE(sd_event_run(e, UINT64_MAX), 0);
}

static void sd_free_loop(void *e)
{
	sd_event_unref(e);
}

static const struct lib L_EV = { "libev", LWS_SERVER_OPTION_LIBEV, ev_new,
				 ev_iterate, ev_free_loop, ev_handle_signum,
				 0 };
static const struct lib L_GLIB = { "glib", LWS_SERVER_OPTION_GLIB,
				   glib_new, glib_iterate, glib_free_loop,
				   NULL, 0 };
static const struct lib L_SD = { "sd-event", LWS_SERVER_OPTION_SDEVENT,
				 sd_new, sd_iterate, sd_free_loop, NULL, 0 };
#endif /* RWSLOOP_CAPI_FOREIGN */

/* ---- the test's state ---------------------------------------------------- */

static struct {
	const struct lib *lib;
	struct lws_context *cx;  /* through info.pcontext */
	lws_sorted_usec_list_t sul;
	const int *raise_list;   /* raised, in order, by the sul */
	int sul_fired;
	/* info.signal_cb */
	int cb_calls;
	void *cb_handle[8];
	int cb_signum[8];
	int cb_handle_signum[8]; /* read from the handle during the call */
	int cb_destroy_after;    /* destroy the context at this many calls */
	/* the application's own handlers */
	volatile sig_atomic_t app_caught[NSIG];
	int inits, destroys;
} T;

static int proto_cb(struct lws *wsi, enum lws_callback_reasons reason,
		    void *user, void *in, size_t len)
{
	(void)wsi;
	(void)user;
	(void)in;
	(void)len;
	if (reason == LWS_CALLBACK_PROTOCOL_INIT)
		T.inits++;
	if (reason == LWS_CALLBACK_PROTOCOL_DESTROY)
		T.destroys++;
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "signal-test", proto_cb, 0, 0, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

static void sig_cb(void *handle, int signum)
{
	ASSERT_LT(T.cb_calls, 8);
	T.cb_handle[T.cb_calls] = handle;
	T.cb_signum[T.cb_calls] = signum;
	T.cb_handle_signum[T.cb_calls] =
		T.lib->handle_signum && handle ? T.lib->handle_signum(handle)
					       : -1;
	if (++T.cb_calls == T.cb_destroy_after && T.cx)
		lws_context_destroy(T.cx);
}

static void app_handler(int signum)
{
	T.app_caught[signum]++;
}

static void app_handles(int signum)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = app_handler;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(signum, &sa, NULL), 0);
}

/* What a signal is set to do now. */
static void (*disposition(int signum))(int)
{
	struct sigaction sa;

	ASSERT_EQ(sigaction(signum, NULL, &sa), 0);
	return sa.sa_handler;
}

static void sul_raise(lws_sorted_usec_list_t *sul)
{
	const int *s;

	(void)sul;
	T.sul_fired++;
	for (s = T.raise_list; s && *s; s++)
		ASSERT_EQ(raise(*s), 0);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A context on `loop` (NULL: the backend's own), no listener, whose sul
 * raises `raise_list` 10 ms after creation. */
static void create(const struct lib *lib, void *loop, uint64_t options,
		   int with_cb, const int *raise_list)
{
	struct lws_context_creation_info info;
	void *loops[1] = { loop };

	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.options = lib->option | options;
	info.foreign_loops = loop ? loops : NULL;
	info.pcontext = &T.cx;
	info.signal_cb = with_cb ? sig_cb : NULL;
	T.lib = lib;
	T.raise_list = raise_list;
	ASSERT_NOT_NULL(lws_create_context(&info));
	ASSERT_NOT_NULL(T.cx);
	lws_sul_schedule(T.cx, 0, &T.sul, sul_raise, 10 * 1000);
}

/* lws_service until `cond` or 5 s. */
#define SERVICE_WHILE(cond)                                                 \
	do {                                                                \
		long long end_ = mono_ms() + capi_scaled_ms(5000);          \
		while ((cond) && mono_ms() < end_)                          \
			ASSERT_EQ(lws_service(T.cx, 0), 1);                 \
	} while (0)

static void begin(void)
{
	memset(&T, 0, sizeof(T));
	lws_set_log_level(LLL_ERR, NULL);
}

/* ---- scenarios ------------------------------------------------------------ */

static const int RAISE_INT[] = { SIGINT, 0 };

/* Own loop, signal_cb set: SIGINT reaches it; the callback destroys the
 * context, which ends lws_service. */
static void own_loop_cb(const struct lib *lib)
{
	begin();
	create(lib, NULL, 0, 1, RAISE_INT);
	T.cb_destroy_after = 1;
	ASSERT_TRUE(disposition(SIGINT) != SIG_DFL);
	SERVICE_WHILE(T.cx);
	ASSERT_NULL(T.cx);
	ASSERT_EQ(T.sul_fired, 1);
	ASSERT_EQ(T.cb_calls, 1);
	ASSERT_EQ(T.destroys, 1);
	if (lib->handle_signum) {
		/* the library's signal watcher */
		ASSERT_NOT_NULL(T.cb_handle[0]);
		ASSERT_EQ(T.cb_handle_signum[0], SIGINT);
		ASSERT_EQ(T.cb_signum[0], SIGINT);
	} else if (lib->option == LWS_SERVER_OPTION_LIBEVENT) {
		/* the signal event's "descriptor", the number */
		ASSERT_PTR_EQ(T.cb_handle[0], (void *)(intptr_t)SIGINT);
		ASSERT_EQ(T.cb_signum[0], SIGINT);
	} else {
		/* glib: nothing */
		ASSERT_NULL(T.cb_handle[0]);
		ASSERT_EQ(T.cb_signum[0], 0);
	}
	ASSERT_TRUE(disposition(SIGINT) == SIG_DFL);
}

/* Own loop, no signal_cb: SIGINT is caught (the process lives on) and
 * libuv destroys the context, libevent and glib make lws_service return
 * with the context alive (libev's lws_service returns after every turn
 * anyway). */
static void sul_noop(lws_sorted_usec_list_t *sul)
{
	(void)sul;
}

static void own_loop_default(const struct lib *lib)
{
	begin();
	create(lib, NULL, 0, 0, RAISE_INT);
	ASSERT_TRUE(disposition(SIGINT) != SIG_DFL);
	if (lib->sigint_destroys) {
		SERVICE_WHILE(T.cx);
		ASSERT_EQ(T.sul_fired, 1);
		if (IS_RWSLOOP)
			ASSERT_NULL(T.cx);
		if (T.cx)
			lws_context_destroy(T.cx);
	} else if (lib->option == LWS_SERVER_OPTION_LIBEV) {
		/* lws_service is one ev_run(EVRUN_ONCE) turn. The sul may fire
		 * in the prepare hook (then the signal is handled in that same
		 * turn) or in a timer callback (then in the next one), so give
		 * the next turn a timer of its own rather than assume which. */
		static lws_sorted_usec_list_t guard;

		SERVICE_WHILE(!T.sul_fired);
		ASSERT_EQ(T.sul_fired, 1);
		lws_sul_schedule(T.cx, 0, &guard, sul_noop, 50 * 1000);
		ASSERT_EQ(lws_service(T.cx, 0), 1);
		/* SIGINT reached our watcher, not the default action */
		ASSERT_NOT_NULL(T.cx);
		lws_sul_cancel(&guard);
		lws_context_destroy(T.cx);
	} else {
		/* one lws_service: it runs the loop until SIGINT stops it */
		ASSERT_EQ(lws_service(T.cx, 0), 1);
		ASSERT_EQ(T.sul_fired, 1);
		ASSERT_NOT_NULL(T.cx);
		lws_context_destroy(T.cx);
	}
	ASSERT_NULL(T.cx);
	ASSERT_EQ(T.destroys, 1);
	ASSERT_TRUE(disposition(SIGINT) == SIG_DFL);
}

/* The application's loop: nothing of the backend's watches SIGINT, the
 * application's handler gets it and signal_cb is never called. */
static void app_loop(const struct lib *lib)
{
	void *loop;
	long long end;

	begin();
	app_handles(SIGINT);
	loop = lib->loop_new();
	create(lib, loop, 0, 1, RAISE_INT);
	ASSERT_TRUE(disposition(SIGINT) == app_handler);
	end = mono_ms() + capi_scaled_ms(5000);
	while (!T.sul_fired && mono_ms() < end)
		lib->iterate(loop);
	ASSERT_EQ(T.sul_fired, 1);
	ASSERT_EQ(T.app_caught[SIGINT], 1);
	/* a few more turns: the signal is not delivered anywhere else */
	lws_sul_schedule(T.cx, 0, &T.sul, sul_raise, 5 * 1000);
	T.raise_list = NULL;
	while (T.sul_fired < 2 && mono_ms() < end)
		lib->iterate(loop);
	ASSERT_EQ(T.sul_fired, 2);
	ASSERT_EQ(T.cb_calls, 0);
	ASSERT_TRUE(disposition(SIGINT) == app_handler);
	lws_context_destroy(T.cx);
	ASSERT_NULL(T.cx);
	ASSERT_EQ(T.destroys, 1);
	ASSERT_TRUE(disposition(SIGINT) == app_handler);
	lib->loop_free(loop);
}

#if defined(RWSLOOP_CAPI_FOREIGN_UV_EVENT)
/* libuv's own loop, by LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN:
 * without it SIGINT, SIGTERM, SIGSEGV, SIGFPE and SIGHUP reach signal_cb;
 * with it SIGSEGV, SIGFPE and SIGHUP stay with the application. */
static void uv_signal_set(int no_spin)
{
	static const int all[] = { SIGINT, SIGTERM, SIGSEGV, SIGFPE, SIGHUP,
				   0 };
	static const int app[] = { SIGSEGV, SIGFPE, SIGHUP, 0 };
	int i, want = no_spin ? 2 : 5, seen = 0;
	const int *s;

	begin();
	for (s = app; *s; s++)
		app_handles(*s);
	create(&L_UV, NULL,
	       no_spin ? LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN : 0, 1,
	       all);
	T.cb_destroy_after = want;
	SERVICE_WHILE(T.cx);
	ASSERT_NULL(T.cx);
	ASSERT_EQ(T.cb_calls, want);
	for (i = 0; i < want; i++) {
		ASSERT_EQ(T.cb_handle_signum[i], T.cb_signum[i]);
		seen |= 1 << T.cb_signum[i];
	}
	ASSERT_TRUE(seen & (1 << SIGINT));
	ASSERT_TRUE(seen & (1 << SIGTERM));
	for (s = app; *s; s++) {
		ASSERT_EQ(!!(seen & (1 << *s)), !no_spin);
		ASSERT_EQ(T.app_caught[*s], no_spin);
	}
	/* everything the backend watched is back to the default */
	ASSERT_TRUE(disposition(SIGINT) == SIG_DFL);
	ASSERT_TRUE(disposition(SIGTERM) == SIG_DFL);
	for (s = app; *s; s++)
		ASSERT_TRUE(disposition(*s) ==
			    (no_spin ? app_handler : SIG_DFL));
}

#endif

#if defined(RWSLOOP_CAPI_FOREIGN)
/* sd-event's own loop watches nothing: the application's handler gets
 * SIGINT and signal_cb is never called. */
static void sd_own_loop(void)
{
	begin();
	app_handles(SIGINT);
	create(&L_SD, NULL, 0, 1, RAISE_INT);
	ASSERT_TRUE(disposition(SIGINT) == app_handler);
	SERVICE_WHILE(!T.sul_fired);
	ASSERT_EQ(T.sul_fired, 1);
	ASSERT_EQ(T.app_caught[SIGINT], 1);
	ASSERT_EQ(T.cb_calls, 0);
	lws_context_destroy(T.cx);
	ASSERT_NULL(T.cx);
	ASSERT_TRUE(disposition(SIGINT) == app_handler);
}

#endif
#endif /* either group */

#if defined(RWSLOOP_CAPI_FOREIGN_UV_EVENT)
#define UV_EVENT_BODY(call) call
#else
#define UV_EVENT_BODY(call)                                                 \
	SKIP("built without -DRWSLOOP_CAPI_FOREIGN_UV_EVENT (-luv -levent)")
#endif
#if defined(RWSLOOP_CAPI_FOREIGN)
#define EV_GLIB_SD_BODY(call) call
#else
#define EV_GLIB_SD_BODY(call)                                               \
	SKIP("built without -DRWSLOOP_CAPI_FOREIGN "                       \
	     "(-lev, glib-2.0, libsystemd)")
#endif

CAPI_TEST(foreign_signal_uv_cb, SIGNAL_FLAGS)
{
	UV_EVENT_BODY(own_loop_cb(&L_UV));
}

CAPI_TEST(foreign_signal_uv_all_five, SIGNAL_FLAGS)
{
	UV_EVENT_BODY(uv_signal_set(0));
}

CAPI_TEST(foreign_signal_uv_no_spin, SIGNAL_FLAGS)
{
	UV_EVENT_BODY(uv_signal_set(1));
}

CAPI_TEST(foreign_signal_uv_default, SIGNAL_FLAGS)
{
	UV_EVENT_BODY(own_loop_default(&L_UV));
}

CAPI_TEST(foreign_signal_uv_app_loop, SIGNAL_FLAGS)
{
	UV_EVENT_BODY(app_loop(&L_UV));
}

CAPI_TEST(foreign_signal_event_cb, SIGNAL_FLAGS)
{
	UV_EVENT_BODY(own_loop_cb(&L_EVENT));
}

CAPI_TEST(foreign_signal_event_default, SIGNAL_FLAGS)
{
	UV_EVENT_BODY(own_loop_default(&L_EVENT));
}

CAPI_TEST(foreign_signal_event_app_loop, SIGNAL_FLAGS)
{
	UV_EVENT_BODY(app_loop(&L_EVENT));
}

CAPI_TEST(foreign_signal_ev_cb, SIGNAL_FLAGS)
{
	EV_GLIB_SD_BODY(own_loop_cb(&L_EV));
}

CAPI_TEST(foreign_signal_ev_default, SIGNAL_FLAGS)
{
	EV_GLIB_SD_BODY(own_loop_default(&L_EV));
}

CAPI_TEST(foreign_signal_ev_app_loop, SIGNAL_FLAGS)
{
	EV_GLIB_SD_BODY(app_loop(&L_EV));
}

CAPI_TEST(foreign_signal_glib_cb, SIGNAL_FLAGS)
{
	EV_GLIB_SD_BODY(own_loop_cb(&L_GLIB));
}

CAPI_TEST(foreign_signal_glib_default, SIGNAL_FLAGS)
{
	EV_GLIB_SD_BODY(own_loop_default(&L_GLIB));
}

CAPI_TEST(foreign_signal_glib_app_loop, SIGNAL_FLAGS)
{
	EV_GLIB_SD_BODY(app_loop(&L_GLIB));
}

CAPI_TEST(foreign_signal_sdevent_own_loop, SIGNAL_FLAGS)
{
	EV_GLIB_SD_BODY(sd_own_loop());
}

CAPI_TEST(foreign_signal_sdevent_app_loop, SIGNAL_FLAGS)
{
	EV_GLIB_SD_BODY(app_loop(&L_SD));
}
