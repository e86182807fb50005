/*
 * The foreign-loop scenarios shared by capi-tests/test-foreign-ev.c,
 * test-foreign-glib.c and test-foreign-sdevent.c. Each of those files
 * defines the small "application" side for its loop library (make a loop,
 * run its own periodic timer, turn the loop once, tell whether anything of
 * rwsloop is left on it) and then includes this file, which holds the
 * scenarios themselves: an rwsloop raw echo server hosted on the
 * application's loop, served, woken from another thread and destroyed in
 * the ways a program does it.
 *
 * What the including file provides (all static):
 *
 *   FL_NAME, FL_OPTION          "libev", LWS_SERVER_OPTION_LIBEV
 *   void *fl_loop               the application's loop object, as it goes
 *                               in info.foreign_loops[0]
 *   void fl_loop_new(void)      make it (sets fl_loop)
 *   void fl_timer_start(int ms) a periodic timer of the application's own
 *                               that calls fs_app_tick() each time
 *   void fl_iterate(void)       one iteration of the loop (may block until
 *                               the next event; the app timer bounds it)
 *   void fl_snapshot(void)      remember the loop's state before rwsloop
 *   void fl_assert_clean(void)  assert nothing of rwsloop is on the loop
 *   void fl_loop_free(void)     stop the app timer, free the loop, and
 *                               assert the loop really went away
 *
 * Everything runs on 127.0.0.1 with a kernel-chosen port; every wait is
 * bounded by a deadline, so a test fails rather than hangs.
 */
#ifndef FOREIGN_SUITE_H
#define FOREIGN_SUITE_H

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
#include <time.h>
#include <unistd.h>

/* ---- state ---- */

enum fs_mode {
	FS_SERVE,              /* echo */
	FS_DESTROY_IN_RX,      /* the first RAW_RX destroys the context */
	FS_DESTROY_IN_SUL,     /* a sul scheduled at RAW_ADOPT destroys it */
	FS_DESTROY_ON_CLOSE,   /* RAW_CLOSE destroys it (own-loop mode) */
};

static struct {
	struct lws_context *cx; /* NULLed by lws through info.pcontext */
	enum fs_mode mode;
	int inits, destroys, adopted, closed;
	size_t rx;
	atomic_int cancelled;
	/* suls: one scheduled from a callback, one from application code */
	lws_sorted_usec_list_t sul_cb, sul_app;
	long long sul_cb_due, sul_app_due; /* our clock, µs */
	int sul_cb_fired, sul_app_fired, sul_early;
	atomic_int app_ticks;
} fs;

static void fs_app_tick(void)
{
	atomic_fetch_add(&fs.app_ticks, 1);
}

static long long fs_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- the rwsloop side: a raw echo protocol ---- */

static void fs_sul_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	if (fs_now_us() < fs.sul_cb_due)
		fs.sul_early = 1;
	fs.sul_cb_fired++;
	if (fs.mode == FS_DESTROY_IN_SUL)
		lws_context_destroy(fs.cx);
}

static void fs_sul_app(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	if (fs_now_us() < fs.sul_app_due)
		fs.sul_early = 1;
	fs.sul_app_fired++;
}

static int fs_cb(struct lws *wsi, enum lws_callback_reasons reason,
		 void *user, void *in, size_t len)
{
	(void)user;
	switch (reason) {
	case LWS_CALLBACK_PROTOCOL_INIT:
		fs.inits++;
		break;
	case LWS_CALLBACK_PROTOCOL_DESTROY:
		fs.destroys++;
		break;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		atomic_fetch_add(&fs.cancelled, 1);
		break;
	case LWS_CALLBACK_RAW_ADOPT:
		if (!fs.adopted++) {
			/* 30 ms from now, scheduled from inside a callback */
			fs.sul_cb_due = fs_now_us() + 30000;
			lws_sul_schedule(lws_get_context(wsi), 0, &fs.sul_cb,
					 fs_sul_cb, 30 * LWS_US_PER_MS);
		}
		break;
	case LWS_CALLBACK_RAW_RX:
		fs.rx += len;
		if (fs.mode == FS_DESTROY_IN_RX) {
			lws_context_destroy(lws_get_context(wsi));
			return 0;
		}
		if (lws_write(wsi, in, len, LWS_WRITE_RAW) != (int)len)
			return -1;
		break;
	case LWS_CALLBACK_RAW_CLOSE:
		fs.closed++;
		if (fs.mode == FS_DESTROY_ON_CLOSE)
			lws_context_destroy(lws_get_context(wsi));
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols fs_protocols[] = {
	{ "fs-echo", fs_cb, 0, 0, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

/* A context with a raw listener on 127.0.0.1, hosted on `loop` (NULL: the
 * plugin's own loop), NULL on failure. fs.cx is the pcontext slot. */
static struct lws_context *fs_create(void *loop, const char *iface)
{
	struct lws_context_creation_info info;
	void *loops[1];

	memset(&info, 0, sizeof(info));
	loops[0] = loop;
	info.port = 0;
	info.iface = iface;
	info.protocols = fs_protocols;
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG |
		       FL_OPTION;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "fs-echo";
	info.foreign_loops = loop ? loops : NULL;
	info.pcontext = &fs.cx;
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	fs.cx = lws_create_context(&info);
	return fs.cx;
}

static int fs_port(void)
{
	struct lws_vhost *vh = lws_get_vhost_by_name(fs.cx, "default");

	ASSERT_NOT_NULL(vh);
	return lws_get_vhost_listen_port(vh);
}

/* ---- the client side: plain sockets ---- */

static int fs_connect(int port)
{
	struct sockaddr_in sin;
	struct timeval tv = { 5, 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT_GE(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	/* every blocking call on the client is bounded */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* 1: the peer closed (EOF or reset) within ms; 0: not. */
static int fs_sees_eof(int fd, int ms)
{
	long long end = fs_now_us() + (long long)capi_scaled_ms(ms) * 1000;
	char c;

	while (fs_now_us() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 50) > 0) {
			ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);

			if (n == 0 || (n < 0 && errno == ECONNRESET))
				return 1;
		}
	}
	return 0;
}

static unsigned char fs_byte(size_t i)
{
	unsigned int x = (unsigned int)i * 2654435761u;

	return (unsigned char)(x >> 13 ^ x >> 5);
}

struct fs_client {
	int fd;
	size_t total, chunk;
	size_t echoed;   /* bytes that came back and matched */
	int bad_at;      /* first mismatch offset, or -1 */
	int cancel_base; /* fs.cancelled just before lws_cancel_service */
	int close_when_done;
	atomic_int done;
};

/* Echo `total` bytes in `chunk`-sized rounds, checking every byte, then
 * wake the loop with lws_cancel_service from this thread. The socket stays
 * open (the context is destroyed with it live). */
static void *fs_client_thread(void *arg)
{
	struct fs_client *c = arg;
	unsigned char out[32 * 1024], back[32 * 1024];
	size_t off = 0, i;

	c->bad_at = -1;
	while (off < c->total) {
		size_t n = c->chunk, got = 0;

		for (i = 0; i < n; i++)
			out[i] = fs_byte(off + i);
		if (send(c->fd, out, n, MSG_NOSIGNAL) != (ssize_t)n)
			break;
		while (got < n) {
			ssize_t r = recv(c->fd, back + got, n - got, 0);

			if (r <= 0)
				goto out;
			got += (size_t)r;
		}
		for (i = 0; i < n; i++)
			if (back[i] != out[i]) {
				c->bad_at = (int)(off + i);
				goto out;
			}
		off += n;
		c->echoed = off;
	}
	c->cancel_base = atomic_load(&fs.cancelled);
	lws_cancel_service(fs.cx);
out:
	if (c->close_when_done) {
		close(c->fd);
		c->fd = -1;
	}
	atomic_store(&c->done, 1);
	return NULL;
}

/* ---- driving the application's loop ---- */

/* Turn the loop until cond or ms (scaled) passed. */
#define FS_ITERATE_UNTIL(cond, ms)                                          \
	do {                                                                \
		long long fs_end_ = fs_now_us() +                           \
				    (long long)capi_scaled_ms(ms) * 1000;   \
		while (!(cond) && fs_now_us() < fs_end_)                    \
			fl_iterate();                                       \
	} while (0)

/* After a destroy: nothing of ours on the loop, and the application's own
 * timer keeps firing. */
static void fs_after_destroy(void)
{
	int ticks;

	ASSERT_NULL(fs.cx);
	fl_assert_clean();
	ticks = atomic_load(&fs.app_ticks);
	FS_ITERATE_UNTIL(atomic_load(&fs.app_ticks) >= ticks + 5, 2000);
	ASSERT_GE(atomic_load(&fs.app_ticks), ticks + 5);
	fl_assert_clean();
}

static void fs_begin(void)
{
	memset(&fs, 0, sizeof(fs));
	fl_loop_new();
	fl_snapshot();
	fl_timer_start(5);
	/* the app's timer runs before rwsloop arrives */
	FS_ITERATE_UNTIL(atomic_load(&fs.app_ticks) >= 3, 2000);
	ASSERT_GE(atomic_load(&fs.app_ticks), 3);
}

/* ---- scenarios ---- */

/* Serve an echo client (256 KiB, byte-checked), fire a sul scheduled in a
 * callback and one scheduled by the application outside any callback,
 * deliver a cross-thread lws_cancel_service, then destroy the context with
 * the connection live. */
static void fs_echo(void)
{
	struct fs_client c;
	pthread_t th;
	int ticks, port;

	fs_begin();
	ASSERT_NOT_NULL(fs_create(fl_loop, "127.0.0.1"));
	port = fs_port();
	ASSERT_GT(port, 0);
	FS_ITERATE_UNTIL(fs.inits == 1, 2000);
	ASSERT_EQ(fs.inits, 1);

	memset(&c, 0, sizeof(c));
	c.fd = fs_connect(port);
	c.total = 256 * 1024;
	c.chunk = 32 * 1024;
	ticks = atomic_load(&fs.app_ticks);
	ASSERT_EQ(pthread_create(&th, NULL, fs_client_thread, &c), 0);
	FS_ITERATE_UNTIL(atomic_load(&c.done) &&
			 atomic_load(&fs.cancelled) > c.cancel_base, 5000);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(c.bad_at, -1);
	ASSERT_EQ(c.echoed, c.total);
	ASSERT_EQ(fs.rx, c.total);
	ASSERT_GT(atomic_load(&fs.cancelled), c.cancel_base);
	/* the app's timer keeps firing with rwsloop on its loop (wait for a
	 * tick: the echo itself may finish within one tick period) */
	FS_ITERATE_UNTIL(atomic_load(&fs.app_ticks) > ticks, 2000);
	ASSERT_GT(atomic_load(&fs.app_ticks), ticks);

	/* the sul from RAW_ADOPT */
	FS_ITERATE_UNTIL(fs.sul_cb_fired, 2000);
	ASSERT_EQ(fs.sul_cb_fired, 1);
	/* a sul the application schedules from its own code, with rwsloop
	 * idle: it must fire on time, not at rwsloop's next fd event (real
	 * lws 4.3.5's libev and glib plugins only look at their timer again
	 * after their own events, so there it waits for the next one) */
	if (IS_RWSLOOP) {
		fs.sul_app_due = fs_now_us() + 40000;
		lws_sul_schedule(fs.cx, 0, &fs.sul_app, fs_sul_app,
				 40 * LWS_US_PER_MS);
		FS_ITERATE_UNTIL(fs.sul_app_fired, 2000);
		ASSERT_EQ(fs.sul_app_fired, 1);
		ASSERT_LT(fs_now_us() - fs.sul_app_due,
			  capi_scaled_ms(500) * 1000);
	}
	ASSERT_EQ(fs.sul_early, 0);

	/* idle with rwsloop on it, the loop wakes for the app's 5 ms timer
	 * only (about 40 times in 200 ms), never spins */
	{
		long long end = fs_now_us() + 200000;
		int turns = 0;

		while (fs_now_us() < end) {
			fl_iterate();
			turns++;
		}
		ASSERT_LT(turns, 120);
	}

	/* one destroy, connection live */
	lws_context_destroy(fs.cx);
	ASSERT_EQ(fs.closed, 1);
	ASSERT_EQ(fs.destroys, 1);
	ASSERT_TRUE(fs_sees_eof(c.fd, 2000));
	close(c.fd);
	fs_after_destroy();
	fl_loop_free();
}

/* Destroy with `n` live, idle connections (each has echoed one byte). */
static void fs_destroy_with(int n)
{
	int fds[64], i, port;
	char b = 'x';

	ASSERT_LE(n, 64);
	fs_begin();
	ASSERT_NOT_NULL(fs_create(fl_loop, "127.0.0.1"));
	port = fs_port();
	FS_ITERATE_UNTIL(fs.inits == 1, 2000);
	ASSERT_EQ(fs.inits, 1);
	for (i = 0; i < n; i++) {
		fds[i] = fs_connect(port);
		ASSERT_EQ(send(fds[i], &b, 1, MSG_NOSIGNAL), 1);
	}
	FS_ITERATE_UNTIL(fs.adopted == n && fs.rx == (size_t)n, 5000);
	ASSERT_EQ(fs.adopted, n);
	ASSERT_EQ(fs.rx, (size_t)n);
	for (i = 0; i < n; i++) {
		char e = 0;

		ASSERT_EQ(recv(fds[i], &e, 1, 0), 1);
		ASSERT_EQ(e, 'x');
	}
	lws_context_destroy(fs.cx);
	ASSERT_EQ(fs.closed, n);
	ASSERT_EQ(fs.destroys, 1);
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(fs_sees_eof(fds[i], 2000));
		close(fds[i]);
	}
	fs_after_destroy();
	fl_loop_free();
}

/* lws_context_destroy from inside a protocol callback (RAW_RX) or from a
 * sul callback: the loop keeps running, the context ends up freed (its
 * pcontext slot NULLed) and nothing of ours stays on the loop. */
static void fs_destroy_inside(enum fs_mode mode)
{
	int fd;
	char b = 'x';

	fs_begin();
	fs.mode = mode;
	ASSERT_NOT_NULL(fs_create(fl_loop, "127.0.0.1"));
	fd = fs_connect(fs_port());
	if (mode == FS_DESTROY_IN_RX)
		ASSERT_EQ(send(fd, &b, 1, MSG_NOSIGNAL), 1);
	FS_ITERATE_UNTIL(fs.cx == NULL, 3000);
	ASSERT_NULL(fs.cx);
	if (mode == FS_DESTROY_IN_SUL)
		ASSERT_EQ(fs.sul_cb_fired, 1);
	ASSERT_EQ(fs.closed, 1);
	ASSERT_EQ(fs.destroys, 1);
	ASSERT_TRUE(fs_sees_eof(fd, 2000));
	close(fd);
	fs_after_destroy();
	fl_loop_free();
}

/* A create that fails (its listener cannot bind) returns NULL and leaves
 * the application's loop exactly as it was. */
static void fs_failed_create(void)
{
	fs_begin();
	ASSERT_NULL(fs_create(fl_loop, "rwsloop-no-such-interface"));
	fs_after_destroy();
	fl_loop_free();
}

/* No foreign loop: the plugin makes its own and lws_service runs it. The
 * echo client is served through lws_service alone; then the context is
 * destroyed from its RAW_CLOSE callback (inside_cb) or, after
 * lws_service returned, from the program (only for libraries whose run_pt
 * returns after one iteration). */
static void fs_own_loop(int inside_cb)
{
	struct fs_client c;
	pthread_t th;
	long long end;

	memset(&fs, 0, sizeof(fs));
	fs.mode = inside_cb ? FS_DESTROY_ON_CLOSE : FS_SERVE;
	ASSERT_NOT_NULL(fs_create(NULL, "127.0.0.1"));
	memset(&c, 0, sizeof(c));
	c.fd = fs_connect(fs_port());
	c.total = 64 * 1024;
	c.chunk = 16 * 1024;
	c.close_when_done = inside_cb;
	ASSERT_EQ(pthread_create(&th, NULL, fs_client_thread, &c), 0);
	end = fs_now_us() + (long long)capi_scaled_ms(5000) * 1000;
	if (inside_cb) {
		/* the client closes once done: RAW_CLOSE destroys */
		while (fs.cx && fs_now_us() < end)
			ASSERT_EQ(lws_service(fs.cx, 0), 1);
		ASSERT_NULL(fs.cx);
		ASSERT_EQ(pthread_join(th, NULL), 0);
	} else {
		while (!(atomic_load(&c.done) &&
			 atomic_load(&fs.cancelled) > c.cancel_base) &&
		       fs_now_us() < end)
			ASSERT_EQ(lws_service(fs.cx, 0), 1);
		ASSERT_EQ(pthread_join(th, NULL), 0);
		ASSERT_GT(atomic_load(&fs.cancelled), c.cancel_base);
		lws_context_destroy(fs.cx);
		ASSERT_NULL(fs.cx);
		ASSERT_TRUE(fs_sees_eof(c.fd, 2000));
		close(c.fd);
	}
	ASSERT_EQ(c.bad_at, -1);
	ASSERT_EQ(c.echoed, c.total);
	ASSERT_EQ(fs.inits, 1);
	ASSERT_EQ(fs.closed, 1);
	ASSERT_EQ(fs.destroys, 1);
}

#endif /* FOREIGN_SUITE_H */
