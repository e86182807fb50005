/*
 * rwsloop hosted on a libuv loop (LWS_SERVER_OPTION_LIBUV), the loop
 * usually being the application's own (info.foreign_loops).
 *
 * Every test is an application that owns a uv_loop_t with a repeating
 * timer of its own, and serves a raw echo listener on 127.0.0.1 from an
 * rwsloop context that joins that loop. A client thread talks to it with
 * plain blocking sockets. What is checked: the echo is byte-exact, lws
 * timers (suls) fire, lws_cancel_service from another thread reaches the
 * protocols on the loop thread, destroying the context (from the
 * application, from inside a callback, with 0, 1 and 50 connections open)
 * closes what it should in one call while the application's timer keeps
 * firing, and afterwards the application can close its loop with nothing
 * of ours left on it (uv_loop_close returns 0, not UV_EBUSY). A failed
 * create leaves nothing active on the loop. Without a foreign loop,
 * lws_service runs the plugin's own loop until the context is destroyed;
 * with one, lws_service never runs the application's loop.
 *
 * Real lws finishes a libuv destroy only after the loop has run the close
 * callbacks and then needs a second lws_context_destroy from the
 * application (lws-surface §5.14), so the tests hold the context through
 * info.pcontext and call lws_context_destroy again only if it is still
 * set; rwsloop must have cleared it in the first call.
 *
 * With CAPI_FOREIGN_TRACE=1 each test writes its callback trace (into
 * $CAPI_TRACE_DIR, else on stdout, shown with -v): mk/evlib.mk's
 * compare-evlib-uv compares the libuv ones with real lws.
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

/* ---- the server side: an rwsloop raw echo protocol ---------------------- */

static struct {
	struct lws_context *cx;      /* through info.pcontext */
	pthread_t loop_thread;
	int inits, destroys, adopts, closes, cancels, cancel_off_thread;
	size_t rx_bytes;
	int write_errors;
	int destroy_on_rx;           /* lws_context_destroy inside RAW_RX */
	int destroy_on_close;        /* ... inside RAW_CLOSE */
	int destroy_returned;        /* set after that call came back */
	lws_sorted_usec_list_t sul_app, sul_cb, sul_destroy;
	long long sul_app_due_us, sul_app_fired_us;
	int sul_cb_fired, sul_destroy_fired;
} S;

/* a client to let go once both suls below have fired */
static atomic_int *release_on_sul;

static void release_after_suls(void)
{
	if (release_on_sul && S.sul_app_fired_us && S.sul_cb_fired)
		*release_on_sul = 1;
}

static void sul_app_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	S.sul_app_fired_us = now_us();
	trace_line("sul app");
	release_after_suls();
}

static void sul_cb_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	S.sul_cb_fired++;
	trace_line("sul from callback");
	release_after_suls();
}

static void sul_destroy_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	S.sul_destroy_fired++;
	trace_line("sul destroys");
	lws_context_destroy(S.cx);
	S.destroy_returned = 1;
}

static int echo_cb(struct lws *wsi, enum lws_callback_reasons reason,
		   void *user, void *in, size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_LOCK_POLL:
	case LWS_CALLBACK_UNLOCK_POLL:
	case LWS_CALLBACK_ADD_POLL_FD:
	case LWS_CALLBACK_DEL_POLL_FD:
	case LWS_CALLBACK_CHANGE_MODE_POLL_FD:
		return 0;
	default:
		break;
	}
	trace_cb(wsi, (int)reason, user, in, len);

	switch (reason) {
	case LWS_CALLBACK_PROTOCOL_INIT:
		S.inits++;
		break;
	case LWS_CALLBACK_PROTOCOL_DESTROY:
		S.destroys++;
		break;
	case LWS_CALLBACK_RAW_ADOPT:
		S.adopts++;
		/* a sul scheduled from inside a callback */
		lws_sul_schedule(lws_get_context(wsi), 0, &S.sul_cb, sul_cb_cb,
				 5 * LWS_USEC_PER_SEC / 1000);
		break;
	case LWS_CALLBACK_RAW_RX:
		S.rx_bytes += len;
		if (S.destroy_on_rx) {
			lws_context_destroy(lws_get_context(wsi));
			S.destroy_returned = 1;
			return 0;
		}
		if (lws_write(wsi, in, len, LWS_WRITE_RAW) != (int)len) {
			S.write_errors++;
			return -1;
		}
		break;
	case LWS_CALLBACK_RAW_CLOSE:
		S.closes++;
		if (S.destroy_on_close) {
			lws_context_destroy(lws_get_context(wsi));
			S.destroy_returned = 1;
		}
		break;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		S.cancels++;
		if (!pthread_equal(pthread_self(), S.loop_thread))
			S.cancel_off_thread++;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "echo", echo_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 } /* LWS_PROTOCOL_LIST_TERM (4.3 only) */
};

/* A raw echo server on 127.0.0.1:port (0: any) hosted by `loop` (NULL:
 * the plugin's own loop). */
static struct lws_context *server(uv_loop_t *loop, const char *iface, int port)
{
	struct lws_context_creation_info info;
	void *loops[1] = { loop };

	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	memset(&info, 0, sizeof(info));
	info.port = port;
	info.iface = iface;
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG |
		       LWS_SERVER_OPTION_LIBUV;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "echo";
	info.foreign_loops = loop ? loops : NULL;
	info.pcontext = &S.cx;
	S.loop_thread = pthread_self();
	S.cx = lws_create_context(&info);
	if (S.cx)
		trace_expect_context(S.cx);
	return S.cx;
}

/* server() that must work; real lws may lack its plugin at the fixed path
 * it loads it from (lws 4.3.5's is not installed here): then skip. */
static void serve_on(uv_loop_t *loop)
{
	if (!server(loop, "127.0.0.1", 0) && !IS_RWSLOOP)
		SKIP("%s could not load its libuv event-lib plugin", capi_impl_name());
	ASSERT_NOT_NULL(S.cx);
}

static int listen_port(struct lws_context *cx)
{
	return lws_get_vhost_listen_port(lws_get_vhost_by_name(cx, "default"));
}

/* ---- the application: its loop and its own timer ----------------------- */

static struct {
	uv_loop_t loop;
	uv_timer_t tick;
	unsigned int ticks;
} A;

static void app_tick(uv_timer_t *t)
{
	(void)t;
	A.ticks++;
}

static void app_begin(void)
{
	ASSERT_EQ(uv_loop_init(&A.loop), 0);
	ASSERT_EQ(uv_timer_init(&A.loop, &A.tick), 0);
	ASSERT_EQ(uv_timer_start(&A.tick, app_tick, 2, 2), 0);
}

/* Turn the application's loop until `cond` or `ms` (scaled) passed. */
#define APP_RUN_UNTIL(cond, ms)                                             \
	do {                                                                \
		long long app_deadline_ =                                   \
			now_us() + (long long)capi_scaled_ms(ms) * 1000;    \
		while (!(cond) && now_us() < app_deadline_)                 \
			uv_run(&A.loop, UV_RUN_ONCE);                       \
	} while (0)

/* The application's timer keeps firing: at least n more ticks. */
static void app_ticks_on(unsigned int n)
{
	unsigned int from = A.ticks;

	APP_RUN_UNTIL(A.ticks >= from + n, 2000);
	ASSERT_GE(A.ticks, from + n);
}

static void count_handle(uv_handle_t *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
}

static int loop_handles(void)
{
	int n = 0;

	uv_walk(&A.loop, count_handle, &n);
	return n;
}

static void count_active_other(uv_handle_t *h, void *arg)
{
	if (h != (uv_handle_t *)&A.tick && uv_is_active(h) && !uv_is_closing(h))
		(*(int *)arg)++;
}

/* Handles on the loop, not the application's, that are still active. */
static int foreign_active_handles(void)
{
	int n = 0;

	uv_walk(&A.loop, count_active_other, &n);
	return n;
}

/* The context is gone (real lws: after the second destroy it needs); then
 * the application closes its own timer and the loop must close cleanly. */
static void app_end(void)
{
	if (S.cx) {
		/* only real lws gets here (see the top of the file) */
		ASSERT_TRUE(!IS_RWSLOOP);
		APP_RUN_UNTIL(0, 50);
		lws_context_destroy(S.cx);
		APP_RUN_UNTIL(0, 50);
	}
	if (IS_RWSLOOP)
		ASSERT_NULL(S.cx);
	uv_close((uv_handle_t *)&A.tick, NULL);
	APP_RUN_UNTIL(!uv_loop_alive(&A.loop), 2000);
	ASSERT_EQ(uv_loop_alive(&A.loop), 0);
	ASSERT_EQ(loop_handles(), 0);
	ASSERT_EQ(uv_loop_close(&A.loop), 0);
}

/* For comparing with real lws by hand (mk/evlib.mk: compare-evlib-uv):
 * with CAPI_FOREIGN_TRACE set, the trace goes to $CAPI_TRACE_DIR/<name>.trace
 * (stdout without CAPI_TRACE_DIR). Not compared by capi-diff: real lws 4.3.5
 * can load its libuv plugin only from its fixed install path. */
static void print_trace(const char *body_name)
{
	const char *prefix = "capi_body_";

	if (!getenv("CAPI_FOREIGN_TRACE"))
		return;
	if (!strncmp(body_name, prefix, strlen(prefix)))
		body_name += strlen(prefix);
	trace_finish(body_name, NULL);
}
#define PRINT_TRACE() print_trace(__func__)

/* ---- the client: a thread with blocking sockets ------------------------ */

#define MAX_CONNS 64

struct client {
	int port, conns;
	size_t bytes;                /* echoed per connection */
	int expect_eof;              /* wait for the server to hang up */
	pthread_t thread;
	atomic_int echoed;           /* connections whose echo matched */
	atomic_int failed;           /* connect, write, read or compare failed */
	atomic_int held;             /* all echoes done; holding them open */
	atomic_int release;          /* main: go on (check EOF / close) */
	atomic_int eofs;             /* connections the server closed */
	atomic_int done;
	int fd[MAX_CONNS];
};

static unsigned char pattern(unsigned int seed, size_t i)
{
	unsigned int x = (seed + 1) * 2246822519u ^ (unsigned int)i * 3266489917u;

	x ^= x >> 15;
	x *= 668265263u;
	x ^= x >> 13;
	return (unsigned char)x;
}

static int tcp_connect(int port)
{
	struct sockaddr_in sin;
	struct timeval tv = { 5, 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Write `bytes` of pattern `seed` and read them back, 1000 at a time. */
static int echo_once(int fd, unsigned int seed, size_t bytes)
{
	unsigned char out[1000], in[1000];
	size_t done = 0;

	while (done < bytes) {
		size_t n = bytes - done < sizeof(out) ? bytes - done : sizeof(out);
		size_t got = 0, i;

		for (i = 0; i < n; i++)
			out[i] = pattern(seed, done + i);
		if (write(fd, out, n) != (ssize_t)n)
			return -1;
		while (got < n) {
			ssize_t r = read(fd, in + got, n - got);

			if (r <= 0)
				return -1;
			got += (size_t)r;
		}
		if (memcmp(in, out, n))
			return -1;
		done += n;
	}
	return 0;
}

static int sees_eof(int fd)
{
	char c;
	ssize_t r;

	do
		r = read(fd, &c, 1);
	while (r < 0 && errno == EINTR);
	return r == 0 || (r < 0 && errno == ECONNRESET);
}

static void *client_main(void *arg)
{
	struct client *c = arg;
	int i;

	for (i = 0; i < c->conns; i++) {
		c->fd[i] = tcp_connect(c->port);
		if (c->fd[i] < 0 || echo_once(c->fd[i], (unsigned int)i, c->bytes))
			c->failed++;
		else
			c->echoed++;
	}
	c->held = 1;
	for (i = 0; i < 500 && !c->release; i++)
		usleep(10000);
	for (i = 0; i < c->conns; i++) {
		if (c->fd[i] < 0)
			continue;
		if (c->expect_eof && sees_eof(c->fd[i]))
			c->eofs++;
		close(c->fd[i]);
	}
	c->done = 1;
	return NULL;
}

static void client_start(struct client *c, int port, int conns, size_t bytes,
			 int expect_eof)
{
	memset(c, 0, sizeof(*c));
	c->port = port;
	c->conns = conns;
	c->bytes = bytes;
	c->expect_eof = expect_eof;
	ASSERT_TRUE(conns <= MAX_CONNS);
	ASSERT_EQ(pthread_create(&c->thread, NULL, client_main, c), 0);
}

static void client_join(struct client *c)
{
	c->release = 1;
	pthread_join(c->thread, NULL);
	ASSERT_TRUE(c->done);
}

static void *cancel_main(void *arg)
{
	lws_cancel_service(arg);
	return NULL;
}

/* ---- the tests ----------------------------------------------------------- */

/* Echo, suls, cancel from a thread, destroy with nothing connected, then
 * the application's loop goes on and closes cleanly. */
CAPI_TEST(foreign_uv_echo, .timeout_ms = 20000)
{
	struct client c;
	pthread_t t;
	unsigned int ticks_before;
	int cancels;

	memset(&S, 0, sizeof(S));
	app_begin();
	app_ticks_on(3);
	serve_on(&A.loop);
	ASSERT_GT(listen_port(S.cx), 0);

	/* A sul the application schedules from its own code, outside any
	 * callback: the loop must not sleep past it. */
	S.sul_app_due_us = now_us() + 30000;
	lws_sul_schedule(S.cx, 0, &S.sul_app, sul_app_cb, 30 * 1000);
	APP_RUN_UNTIL(S.sul_app_fired_us, 2000);
	ASSERT_EQ(S.inits, 1);
	ASSERT_TRUE(S.sul_app_fired_us >= S.sul_app_due_us);
	ASSERT_LT(S.sul_app_fired_us - S.sul_app_due_us,
		  (long long)capi_scaled_ms(500) * 1000);

	client_start(&c, listen_port(S.cx), 1, 64 * 1024, 0);
	APP_RUN_UNTIL(c.held, 5000);
	ASSERT_EQ(c.failed, 0);
	ASSERT_EQ(c.echoed, 1);
	ASSERT_EQ(S.adopts, 1);
	ASSERT_EQ(S.rx_bytes, 64 * 1024);
	ASSERT_EQ(S.write_errors, 0);
	APP_RUN_UNTIL(S.sul_cb_fired, 2000);
	ASSERT_EQ(S.sul_cb_fired, 1);

	/* the application's timer fired all along */
	ticks_before = A.ticks;
	app_ticks_on(3);
	ASSERT_GT(A.ticks, ticks_before);

	/* lws_cancel_service from another thread */
	cancels = S.cancels;
	ASSERT_EQ(pthread_create(&t, NULL, cancel_main, S.cx), 0);
	pthread_join(t, NULL);
	APP_RUN_UNTIL(S.cancels > cancels, 2000);
	ASSERT_GT(S.cancels, cancels);
	ASSERT_EQ(S.cancel_off_thread, 0);

	/* the client leaves: RAW_CLOSE */
	client_join(&c);
	APP_RUN_UNTIL(S.closes == 1, 2000);
	ASSERT_EQ(S.closes, 1);

	trace_line("-- destroy");
	lws_context_destroy(S.cx);
	if (IS_RWSLOOP) {
		ASSERT_NULL(S.cx);
		ASSERT_EQ(S.destroys, 1);
	}
	app_ticks_on(5);
	app_end();
	ASSERT_EQ(S.destroys, 1);
	PRINT_TRACE();
}

/* The application schedules a sul from inside its own libuv timer
 * callback, long after the loop went idle (nothing of rwsloop's is due,
 * its timer is stopped): the plugin must still wake up for it. */
static int app_sul_at_tick;

static void app_tick_schedules(uv_timer_t *t)
{
	app_tick(t);
	if (A.ticks == (unsigned int)app_sul_at_tick) {
		S.sul_app_due_us = now_us() + 20000;
		lws_sul_schedule(S.cx, 0, &S.sul_app, sul_app_cb, 20 * 1000);
	}
}

CAPI_TEST(foreign_uv_sul_from_app_callback, .flags = CAPI_NEEDS_43)
{
	memset(&S, 0, sizeof(S));
	app_begin();
	serve_on(&A.loop);
	APP_RUN_UNTIL(S.inits, 2000);
	ASSERT_EQ(S.inits, 1);
	app_ticks_on(10);
	/* from now on the application's timer schedules it */
	app_sul_at_tick = (int)A.ticks + 5;
	ASSERT_EQ(uv_timer_start(&A.tick, app_tick_schedules, 2, 2), 0);
	APP_RUN_UNTIL(S.sul_app_fired_us, 3000);
	ASSERT_TRUE(S.sul_app_fired_us);
	ASSERT_TRUE(S.sul_app_fired_us >= S.sul_app_due_us);
	ASSERT_LT(S.sul_app_fired_us - S.sul_app_due_us,
		  (long long)capi_scaled_ms(500) * 1000);
	lws_context_destroy(S.cx);
	app_ticks_on(3);
	app_end();
	PRINT_TRACE();
}

/* Destroy from the application while n connections are open: each gets
 * RAW_CLOSE and its peer sees the hang-up; the loop goes on and closes. */
static void destroy_live(int n)
{
	struct client c;

	memset(&S, 0, sizeof(S));
	app_begin();
	serve_on(&A.loop);
	APP_RUN_UNTIL(S.inits, 2000);
	ASSERT_EQ(S.inits, 1);
	client_start(&c, listen_port(S.cx), n, 3000, 1);
	APP_RUN_UNTIL(c.held && S.adopts == n, 8000);
	ASSERT_EQ(c.failed, 0);
	ASSERT_EQ(c.echoed, n);
	ASSERT_EQ(S.adopts, n);
	ASSERT_EQ(S.closes, 0);

	lws_context_destroy(S.cx);
	if (IS_RWSLOOP) {
		ASSERT_NULL(S.cx);
		ASSERT_EQ(S.closes, n);
	}
	app_ticks_on(5);
	client_join(&c);
	ASSERT_EQ(c.eofs, n);
	app_end();
	ASSERT_EQ(S.closes, n);
	ASSERT_EQ(S.destroys, 1);
}

CAPI_TEST(foreign_uv_destroy_live_0)
{
	destroy_live(0);
	PRINT_TRACE();
}

CAPI_TEST(foreign_uv_destroy_live_1)
{
	destroy_live(1);
	PRINT_TRACE();
}

CAPI_TEST(foreign_uv_destroy_live_50, .timeout_ms = 20000)
{
	destroy_live(50);
	PRINT_TRACE();
}

/* lws_context_destroy from inside RAW_RX: the destroy completes once the
 * callback has returned (rwsloop: in that one call), the peer is hung up
 * on, the loop lives on and closes. */
CAPI_TEST(foreign_uv_destroy_in_callback)
{
	struct client c;

	memset(&S, 0, sizeof(S));
	app_begin();
	serve_on(&A.loop);
	S.destroy_on_rx = 1;
	client_start(&c, listen_port(S.cx), 1, 1, 1);
	APP_RUN_UNTIL(S.destroy_returned && S.closes, 5000);
	ASSERT_TRUE(S.destroy_returned);
	ASSERT_EQ(S.closes, 1);
	if (IS_RWSLOOP) {
		ASSERT_NULL(S.cx);
		ASSERT_EQ(S.destroys, 1);
	}
	app_ticks_on(5);
	client_join(&c);
	ASSERT_EQ(c.eofs, 1);
	app_end();
	ASSERT_EQ(S.destroys, 1);
	PRINT_TRACE();
}

/* lws_context_destroy from inside a sul callback (in rwsloop that runs
 * inside lws_service_adjust_timeout, not lws_service_fd). */
CAPI_TEST(foreign_uv_destroy_in_sul)
{
	memset(&S, 0, sizeof(S));
	app_begin();
	serve_on(&A.loop);
	lws_sul_schedule(S.cx, 0, &S.sul_destroy, sul_destroy_cb, 10 * 1000);
	APP_RUN_UNTIL(S.sul_destroy_fired && (S.destroys || !IS_RWSLOOP), 5000);
	ASSERT_EQ(S.sul_destroy_fired, 1);
	ASSERT_TRUE(S.destroy_returned);
	if (IS_RWSLOOP) {
		ASSERT_NULL(S.cx);
		ASSERT_EQ(S.destroys, 1);
	}
	app_ticks_on(5);
	app_end();
	ASSERT_EQ(S.destroys, 1);
	PRINT_TRACE();
}

/* A listening socket on 127.0.0.1 with a kernel-chosen port; *port set. */
static int occupy_port(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT_TRUE(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ASSERT_EQ(listen(fd, 4), 0);
	ASSERT_EQ(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A create that fails after the plugin joined the loop (the listener's
 * port is taken) leaves nothing active on it; what it had to uv_close is
 * gone after one turn of the loop, and the loop closes. */
CAPI_TEST(foreign_uv_failed_create, .flags = CAPI_NEEDS_43)
{
	int port, busy = occupy_port(&port);

	memset(&S, 0, sizeof(S));
	ASSERT_EQ(uv_loop_init(&A.loop), 0);
	ASSERT_EQ(uv_loop_alive(&A.loop), 0);

	ASSERT_NULL(server(&A.loop, "127.0.0.1", port));
	ASSERT_NULL(S.cx);
	ASSERT_EQ(foreign_active_handles(), 0);
	uv_run(&A.loop, UV_RUN_NOWAIT);
	ASSERT_EQ(loop_handles(), 0);
	ASSERT_EQ(uv_loop_alive(&A.loop), 0);
	ASSERT_EQ(S.inits, 0);

	/* and the same with the application's timer running */
	ASSERT_EQ(uv_timer_init(&A.loop, &A.tick), 0);
	ASSERT_EQ(uv_timer_start(&A.tick, app_tick, 2, 2), 0);
	app_ticks_on(2);
	ASSERT_NULL(server(&A.loop, "127.0.0.1", port));
	ASSERT_EQ(foreign_active_handles(), 0);
	app_ticks_on(3);
	ASSERT_EQ(loop_handles(), 1);
	app_end();
	close(busy);
	PRINT_TRACE();
}

/* No foreign loop: lws_service runs the plugin's own loop (and returns 1)
 * until a callback destroys the context; rwsloop then has freed it. */
CAPI_TEST(foreign_uv_own_loop)
{
	struct client c;
	int n;

	memset(&S, 0, sizeof(S));
	serve_on(NULL);
	lws_sul_schedule(S.cx, 0, &S.sul_app, sul_app_cb, 20 * 1000);
	S.destroy_on_close = 1;
	/* the client hangs up once both suls have fired; RAW_CLOSE destroys */
	release_on_sul = &c.release;
	client_start(&c, listen_port(S.cx), 1, 10000, 0);
	n = lws_service(S.cx, 0);
	ASSERT_EQ(n, 1);
	ASSERT_TRUE(S.destroy_returned);
	if (IS_RWSLOOP)
		ASSERT_NULL(S.cx);
	else if (S.cx)
		lws_context_destroy(S.cx);
	client_join(&c);
	ASSERT_EQ(c.echoed, 1);
	ASSERT_EQ(c.failed, 0);
	ASSERT_EQ(S.rx_bytes, 10000);
	ASSERT_TRUE(S.sul_app_fired_us);
	ASSERT_EQ(S.sul_cb_fired, 1);
	ASSERT_EQ(S.closes, 1);
	ASSERT_EQ(S.destroys, 1);
	if (IS_RWSLOOP)
		ASSERT_NULL(S.cx);
	PRINT_TRACE();
}

/* An own-loop context destroyed without ever being serviced: the plugin
 * runs its own loop just long enough to close what it made (LSan checks
 * that nothing is left). */
CAPI_TEST(foreign_uv_own_loop_unused, .flags = CAPI_RWSLOOP_ONLY)
{
	memset(&S, 0, sizeof(S));
	serve_on(NULL);
	lws_context_destroy(S.cx);
	ASSERT_NULL(S.cx);
	ASSERT_EQ(S.inits, 0);
	ASSERT_EQ(S.destroys, 0);
}

/* lws_service on a context hosted by the application's loop must not run
 * that loop (real lws runs it: uv_run would block here). It returns 1 at
 * once, and the application's timer did not fire inside it. */
CAPI_TEST(foreign_uv_service_leaves_app_loop, .flags = CAPI_RWSLOOP_ONLY)
{
	unsigned int ticks;

	memset(&S, 0, sizeof(S));
	app_begin();
	serve_on(&A.loop);
	APP_RUN_UNTIL(S.inits, 2000);
	sleep_ms(10); /* the application's 2 ms timer is due now */
	ticks = A.ticks;
	ASSERT_EQ(lws_service(S.cx, 0), 1);
	ASSERT_EQ(lws_service(S.cx, 0), 1);
	ASSERT_EQ(A.ticks, ticks);
	app_ticks_on(2);
	lws_context_destroy(S.cx);
	app_end();
}
