/*
 * hello-context: the smallest whole rwsloop (libwebsockets 4.3 API) program.
 *
 * It creates a context that listens on nothing, schedules three timers on
 * the event loop, runs the loop until the last one has fired, and tears the
 * context down again. Nothing here is specific to rwsloop: the same file
 * builds against real libwebsockets.
 *
 *   cc hello-context.c $(pkg-config --cflags --libs rwsloop) -o hello-context
 *   ./hello-context
 *
 * Expect one line per timer, about a quarter of a second apart, then
 * "all timers fired" and exit status 0.
 */
#include <libwebsockets.h>
#include <string.h>

/*
 * One scheduled event. The lws_sorted_usec_list_t ("sul") lives inside our
 * own struct: the library keeps a pointer to it while it is scheduled, so
 * it must stay where it is until it has fired or been cancelled.
 * lws_container_of() gets from the sul back to the struct around it.
 */
struct beat {
	lws_sorted_usec_list_t sul;
	struct lws_context *context;
	const char *label;
	lws_usec_t delay_us;
};

/* What the whole program shares; lws hands it back via lws_context_user(). */
struct app {
	struct beat beats[3];
	lws_usec_t started;
	int fired;
	int finished;
};

static void
on_beat(lws_sorted_usec_list_t *sul)
{
	struct beat *b = lws_container_of(sul, struct beat, sul);
	struct app *app = lws_context_user(b->context);
	lws_usec_t elapsed_ms = (lws_now_usecs() - app->started) / 1000;

	lwsl_user("%s (after %d ms)\n", b->label, (int)elapsed_ms);

	if (++app->fired < (int)LWS_ARRAY_SIZE(app->beats))
		return;

	/*
	 * That was the last one. lws_service() may be about to sleep with no
	 * timer left to wake it, so ask it to return: the main loop then sees
	 * `finished` and stops.
	 */
	app->finished = 1;
	lws_cancel_service(b->context);
}

/*
 * Every context needs at least one protocol, even when, as here, no
 * connection ever uses it. Its callback is told about the loop's life.
 */
static int
callback_hello(struct lws *wsi, enum lws_callback_reasons reason,
	       void *user, void *in, size_t len)
{
	struct app *app = lws_context_user(lws_get_context(wsi));

	(void)user;
	(void)in;
	(void)len;

	switch (reason) {
	case LWS_CALLBACK_PROTOCOL_INIT:
		/* The first lws_service() pass initialises each protocol. */
		lwsl_user("protocol \"hello\" is ready, %d timers pending\n",
			  (int)LWS_ARRAY_SIZE(app->beats) - app->fired);
		break;
	default:
		break;
	}

	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "hello", callback_hello, 0, 0, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

int
main(void)
{
	static const char *const labels[] = { "tick", "tock", "and done" };
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct app app;
	int n = 0;
	size_t i;

	lws_set_log_level(LLL_USER | LLL_ERR | LLL_WARN, NULL);

	memset(&app, 0, sizeof app);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN; /* no listening socket */
	info.protocols = protocols;
	info.user = &app; /* returned by lws_context_user() */

	context = lws_create_context(&info);
	if (!context) {
		lwsl_err("lws_create_context failed\n");
		return 1;
	}

	/* The sul structs must start zeroed (the memset above did that). */
	app.started = lws_now_usecs();
	for (i = 0; i < LWS_ARRAY_SIZE(app.beats); i++) {
		struct beat *b = &app.beats[i];

		b->context = context;
		b->label = labels[i];
		b->delay_us = (lws_usec_t)(i + 1) * LWS_US_PER_SEC / 4;
		lws_sul_schedule(context, 0, &b->sul, on_beat, b->delay_us);
	}
	lwsl_user("scheduled %d timers; running the loop\n",
		  (int)LWS_ARRAY_SIZE(app.beats));

	/*
	 * Each lws_service() call waits for the next event or timer, handles
	 * it and returns; a negative result means the loop is finished.
	 */
	while (n >= 0 && !app.finished)
		n = lws_service(context, 0);

	lws_context_destroy(context);

	if (app.fired != (int)LWS_ARRAY_SIZE(app.beats)) {
		lwsl_err("only %d timers fired\n", app.fired);
		return 1;
	}
	lwsl_user("all timers fired\n");

	return 0;
}
