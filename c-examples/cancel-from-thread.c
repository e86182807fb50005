/*
 * cancel-from-thread: waking the event loop from another thread.
 *
 * The rule: only the thread running lws_service() may call into the
 * library, with one exception, lws_cancel_service(), which any thread (or a
 * signal handler) may call at any time. It wakes the service thread, which
 * then calls every protocol with LWS_CALLBACK_EVENT_WAIT_CANCELLED. That
 * callback runs on the service thread, so it may use the whole API.
 *
 * Here a worker thread "finishes a job", publishes the result in shared
 * memory and calls lws_cancel_service(); the service thread picks the
 * result up in the callback and leaves its loop.
 *
 *   cc cancel-from-thread.c $(pkg-config --cflags --libs rwsloop) -pthread
 *   ./a.out
 */
#include <libwebsockets.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

struct app {
	struct lws_context *context;
	pthread_mutex_t lock;	/* guards job_done and job_result */
	int job_done;
	int job_result;
	int finished;		/* service thread only */
	lws_sorted_usec_list_t give_up;
};

static void *
worker(void *arg)
{
	struct app *app = arg;
	struct timespec pause = { 0, 200 * 1000 * 1000 }; /* 200 ms of "work" */

	nanosleep(&pause, NULL);

	pthread_mutex_lock(&app->lock);
	app->job_done = 1;
	app->job_result = 42;
	pthread_mutex_unlock(&app->lock);

	/* The one call another thread may make: wake the service thread. */
	lws_cancel_service(app->context);

	return NULL;
}

static int
callback_waker(struct lws *wsi, enum lws_callback_reasons reason,
	       void *user, void *in, size_t len)
{
	struct app *app = lws_context_user(lws_get_context(wsi));
	int done, result;

	(void)user;
	(void)in;
	(void)len;

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		/*
		 * The library wakes itself too (for example once right after
		 * the context is created), so this callback can come without
		 * our worker having asked: always check the shared state.
		 */
		pthread_mutex_lock(&app->lock);
		done = app->job_done;
		result = app->job_result;
		pthread_mutex_unlock(&app->lock);

		if (done && !app->finished) {
			lwsl_user("service thread: woken, the job says %d\n",
				  result);
			app->finished = 1;
		}
		break;
	default:
		break;
	}

	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "waker", callback_waker, 0, 0, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

/* A safety net so the example can never hang: stop after 5 s regardless. */
static void
on_give_up(lws_sorted_usec_list_t *sul)
{
	struct app *app = lws_container_of(sul, struct app, give_up);

	lwsl_err("no wake-up within 5 s\n");
	app->finished = -1;
}

int
main(void)
{
	struct lws_context_creation_info info;
	struct app app;
	pthread_t thread;
	int n = 0;

	lws_set_log_level(LLL_USER | LLL_ERR | LLL_WARN, NULL);

	memset(&app, 0, sizeof app);
	pthread_mutex_init(&app.lock, NULL);

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.user = &app;

	app.context = lws_create_context(&info);
	if (!app.context) {
		lwsl_err("lws_create_context failed\n");
		return 1;
	}
	lws_sul_schedule(app.context, 0, &app.give_up, on_give_up,
			 5 * LWS_US_PER_SEC);

	/* Start the worker only once the context it will wake exists. */
	if (pthread_create(&thread, NULL, worker, &app)) {
		lwsl_err("pthread_create failed\n");
		lws_context_destroy(app.context);
		return 1;
	}
	lwsl_user("service thread: waiting for the worker\n");

	while (n >= 0 && !app.finished)
		n = lws_service(app.context, 0);

	/* The worker has made its last library call; wait for it to end. */
	pthread_join(thread, NULL);
	lws_context_destroy(app.context);
	pthread_mutex_destroy(&app.lock);

	if (app.finished != 1)
		return 1;
	lwsl_user("done\n");

	return 0;
}
