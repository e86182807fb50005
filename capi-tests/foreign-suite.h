/*
 * The foreign-loop suite: one set of scenarios, run on every backend
 * (capi-tests/test-foreign-<backend>.c). Each scenario is an application
 * that owns a loop of its library with a periodic timer of its own, and
 * hosts an rwsloop raw server on 127.0.0.1 in it; clients are plain
 * sockets, in the test thread or in a thread of their own.
 *
 *   foreign-suite.h          the harness: what the application and the
 *                            rwsloop side share, and the lifecycle
 *                            scenarios (serve, destroy, fail, own loop)
 *   foreign-suite-service.h  timers, cancel, timeouts, writing, flow
 *                            control; FOREIGN_SUITE_TESTS
 *   test-list-foreign-suite.h  the list of scenarios
 *
 * A backend file defines the application side, includes the two headers
 * and says FOREIGN_SUITE_TESTS(<backend>): one test per scenario, named
 * foreign_<backend>_<scenario>. What it defines first (all static):
 *
 *   FL_OPTION                   LWS_SERVER_OPTION_LIBUV, ...
 *   FL_SERVICE_RETURNS          1 if lws_service on the plugin's own loop
 *                               returns after one turn (libev, sd-event),
 *                               0 if it runs until the context is gone
 *   FL_KNOWN_GAPS (optional)    { "scenario", "why" }, ... : scenarios
 *                               this backend is known to fail, for a
 *                               reason outside the test; each skips,
 *                               saying why (delete the entry once fixed)
 *   void *fl_loop               the loop object for info.foreign_loops[0]
 *   void fl_loop_new(void)      make the loop (sets fl_loop)
 *   void fl_timer_start(int ms) a periodic timer calling fs_app_tick()
 *   void fl_iterate(void)       one turn of the loop (may block until the
 *                               next event; the app's timer bounds that)
 *   void fl_snapshot(void)      note the loop's state before rwsloop came
 *   void fl_assert_clean(void)  assert nothing of rwsloop is on the loop
 *                               (may turn it once more)
 *   void fl_loop_free(void)     stop the app timer, free the loop and
 *                               assert it really went away
 *
 * Every wait is bounded by a deadline (scaled by CAPI_TIMEOUT_MULT), so a
 * test fails rather than hangs. "In time" is never measured with a clock:
 * it means before the application's own timer has ticked FS_GUARD_TICKS
 * more times, i.e. before the loop has turned for its own reasons a few
 * hundred times.
 *
 * With CAPI_FOREIGN_TRACE=1 each test writes its callback trace (into
 * $CAPI_TRACE_DIR, else on stdout): compare-evlib-uv (mk/foreign.mk)
 * compares the libuv ones with real lws.
 */
#ifndef FOREIGN_SUITE_H
#define FOREIGN_SUITE_H

#include "trace.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FS_TIMEOUT_MS 20000
#define FS_TICK_MS 5
#define FS_GUARD_TICKS 200
#define FS_MS(ms) ((lws_usec_t)(ms) * 1000)

#if !defined(FL_SERVICE_RETURNS)
#error "a backend file defines FL_SERVICE_RETURNS (foreign-suite.h, top)"
#endif
#if !defined(FL_KNOWN_GAPS)
#define FL_KNOWN_GAPS
#endif

/* ---- state ---- */

enum fs_mode {
	FS_ECHO,             /* RAW_RX writes back what it read */
	FS_SINK,             /* RAW_RX keeps what it read in fs.sink */
	FS_BIG,              /* RAW_WRITEABLE sends FS_BIG_TOTAL bytes */
	FS_DESTROY_IN_RX,    /* the first RAW_RX destroys the context */
	FS_DESTROY_IN_SUL,   /* the sul scheduled at RAW_ADOPT destroys it */
	FS_DESTROY_ON_CLOSE, /* RAW_CLOSE destroys it (own loop) */
};

struct fs_timer {
	lws_sorted_usec_list_t sul;
	char name;
	long long due;
	int fired;
};

#define FS_WSIS 4
#define FS_SINK_MAX (64 * 1024)
#define FS_BIG_TOTAL (1024 * 1024)
#define FS_BIG_CHUNK (64 * 1024)

static struct {
	struct lws_context *cx; /* lws NULLs it through info.pcontext */
	enum fs_mode mode;
	pthread_t loop_thread;
	int iterating, turns; /* inside fl_iterate / lws_service; how often */
	int inits, destroys, adopted, closed, destroy_returned;
	struct lws *wsi[FS_WSIS]; /* the first ones adopted, NULLed on close */
	long long closed_at[FS_WSIS];
	atomic_int app_ticks;

	/* RAW_RX */
	size_t rx;
	int rx_calls, write_errors;
	int pause_in_rx, paused, rx_while_paused;
	unsigned char sink[FS_SINK_MAX];
	size_t sink_len;

	/* RAW_WRITEABLE */
	int writeable, in_writeable, nested, rearm_once;
	int writeable_turn[4];
	size_t big_queued;
	atomic_int big_buffered; /* writes lws had to keep part of */
	int big_held_back_wrong; /* WRITEABLE while lws still held bytes */

	/* lws_set_timeout on the first connection */
	int timeout_first;
	long long timeout_set_at;

	/* EVENT_WAIT_CANCELLED */
	atomic_int cancelled;
	int cancel_wrong_thread, cancel_outside_loop;

	/* suls: one from RAW_ADOPT, one from the application */
	lws_sorted_usec_list_t sul_cb, sul_app;
	long long sul_cb_due, sul_app_due;
	int sul_cb_fired, sul_app_fired, sul_early;
	int sul_app_at_tick;    /* fs_app_tick schedules sul_app at this tick */
	int sul_app_fired_tick; /* the tick count when it fired */
	long long sul_app_fired_at;
	atomic_int release;     /* both suls fired: a held client may go */
	int own_loop;           /* fs_own_loop: the suls are not traced */

	/* the timers scenario */
	struct fs_timer t[8];
	char order[16];
	int norder;
} fs;

static long long fs_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The application's timer (the backend file's fl_timer_start calls it). */
static void fs_sul_app(lws_sorted_usec_list_t *sul);

static void fs_app_tick(void)
{
	int n = atomic_fetch_add(&fs.app_ticks, 1) + 1;

	/* a sul scheduled from the application's own loop callback */
	if (fs.sul_app_at_tick && n == fs.sul_app_at_tick && fs.cx) {
		fs.sul_app_due = fs_now_us() + 20000;
		lws_sul_schedule(fs.cx, 0, &fs.sul_app, fs_sul_app, FS_MS(20));
	}
}

static int fs_ticks(void)
{
	return atomic_load(&fs.app_ticks);
}

static unsigned char fs_byte(unsigned int seed, size_t i)
{
	unsigned int x = (unsigned int)i * 2654435761u + seed * 40503u;

	return (unsigned char)(x >> 13 ^ x >> 5 ^ seed);
}

/* ---- the rwsloop side: a raw protocol ---- */

static void fs_check_due(long long due)
{
	if (due && fs_now_us() < due)
		fs.sul_early = 1;
}

static void fs_release_if_done(void)
{
	if (fs.sul_cb_fired && fs.sul_app_fired)
		atomic_store(&fs.release, 1);
}

static void fs_sul_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	fs_check_due(fs.sul_cb_due);
	fs.sul_cb_fired++;
	/* traced only where its place among the other events is fixed: here
	 * it fires 30 ms after the first adoption, whatever the clients are
	 * doing then (the counters check it elsewhere) */
	if (fs.mode == FS_DESTROY_IN_SUL)
		trace_line("sul from callback");
	fs_release_if_done();
	if (fs.mode == FS_DESTROY_IN_SUL) {
		lws_context_destroy(fs.cx);
		fs.destroy_returned = 1;
	}
}

static void fs_sul_app(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	fs_check_due(fs.sul_app_due);
	fs.sul_app_fired++;
	fs.sul_app_fired_tick = fs_ticks();
	fs.sul_app_fired_at = fs_now_us();
	if (!fs.own_loop)
		trace_line("sul from application");
	fs_release_if_done();
}

static int fs_slot(struct lws *wsi)
{
	int i;

	for (i = 0; i < FS_WSIS; i++)
		if (fs.wsi[i] == wsi)
			return i;
	return -1;
}

static void fs_adopt(struct lws *wsi)
{
	int i = fs.adopted++;

	if (i < FS_WSIS)
		fs.wsi[i] = wsi;
	if (i == 0) {
		/* 30 ms from now, scheduled from inside a callback */
		fs.sul_cb_due = fs_now_us() + 30000;
		lws_sul_schedule(lws_get_context(wsi), 0, &fs.sul_cb,
				 fs_sul_cb, FS_MS(30));
		if (fs.timeout_first) {
			fs.timeout_set_at = fs_now_us();
			lws_set_timeout(wsi, PENDING_TIMEOUT_USER_REASON_BASE,
					1);
		}
	}
	if (fs.mode == FS_BIG) {
		int sz = 4096;

		/* a small send buffer: lws must keep what the kernel refuses */
		setsockopt(lws_get_socket_fd(wsi), SOL_SOCKET, SO_SNDBUF, &sz,
			   sizeof(sz));
		lws_callback_on_writable(wsi);
	}
}

static int fs_rx(struct lws *wsi, void *in, size_t len)
{
	fs.rx += len;
	fs.rx_calls++;
	if (fs.paused)
		fs.rx_while_paused++;
	if (fs.in_writeable)
		fs.nested++;
	switch (fs.mode) {
	case FS_DESTROY_IN_RX:
		lws_context_destroy(lws_get_context(wsi));
		fs.destroy_returned = 1;
		return 0;
	case FS_SINK:
		if (fs.sink_len + len <= sizeof(fs.sink)) {
			memcpy(fs.sink + fs.sink_len, in, len);
			fs.sink_len += len;
		}
		if (fs.pause_in_rx) {
			fs.paused = 1;
			lws_rx_flow_control(wsi, 0);
		}
		return 0;
	default:
		if (lws_write(wsi, in, len, LWS_WRITE_RAW) != (int)len) {
			fs.write_errors++;
			return -1;
		}
		return 0;
	}
}

/* FS_BIG: the next chunk of the stream, FS_BIG_CHUNK at a time. */
static int fs_write_more(struct lws *wsi)
{
	static unsigned char buf[LWS_PRE + FS_BIG_CHUNK];
	size_t n = FS_BIG_TOTAL - fs.big_queued, i;

	if (lws_partial_buffered(wsi))
		fs.big_held_back_wrong++;
	if (n > FS_BIG_CHUNK)
		n = FS_BIG_CHUNK;
	for (i = 0; i < n; i++)
		buf[LWS_PRE + i] = fs_byte(7, fs.big_queued + i);
	if (lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_RAW) != (int)n) {
		fs.write_errors++;
		return -1;
	}
	fs.big_queued += n;
	if (lws_partial_buffered(wsi))
		atomic_fetch_add(&fs.big_buffered, 1);
	if (fs.big_queued < FS_BIG_TOTAL)
		lws_callback_on_writable(wsi);
	return 0;
}

static int fs_writeable(struct lws *wsi)
{
	int r = 0;

	if (fs.in_writeable)
		fs.nested++;
	if (fs.writeable < 4)
		fs.writeable_turn[fs.writeable] = fs.turns;
	fs.writeable++;
	fs.in_writeable = 1;
	if (fs.rearm_once) {
		fs.rearm_once = 0;
		ASSERT_EQ(lws_callback_on_writable(wsi), 1);
	}
	if (fs.mode == FS_BIG && fs.big_queued < FS_BIG_TOTAL)
		r = fs_write_more(wsi);
	fs.in_writeable = 0;
	return r;
}

static int fs_cb(struct lws *wsi, enum lws_callback_reasons reason,
		 void *user, void *in, size_t len)
{
	int slot;

	switch (reason) {
	case LWS_CALLBACK_LOCK_POLL:
	case LWS_CALLBACK_UNLOCK_POLL:
	case LWS_CALLBACK_ADD_POLL_FD:
	case LWS_CALLBACK_DEL_POLL_FD:
	case LWS_CALLBACK_CHANGE_MODE_POLL_FD:
		return 0;
	case LWS_CALLBACK_RAW_RX:
	case LWS_CALLBACK_RAW_WRITEABLE:
		break; /* counted, not traced: chunk sizes differ */
	default:
		trace_cb(wsi, (int)reason, user, in, len);
		break;
	}

	switch (reason) {
	case LWS_CALLBACK_PROTOCOL_INIT:
		fs.inits++;
		break;
	case LWS_CALLBACK_PROTOCOL_DESTROY:
		fs.destroys++;
		break;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		if (!pthread_equal(pthread_self(), fs.loop_thread))
			fs.cancel_wrong_thread++;
		if (!fs.iterating)
			fs.cancel_outside_loop++;
		atomic_fetch_add(&fs.cancelled, 1);
		break;
	case LWS_CALLBACK_RAW_ADOPT:
		fs_adopt(wsi);
		break;
	case LWS_CALLBACK_RAW_RX:
		return fs_rx(wsi, in, len);
	case LWS_CALLBACK_RAW_WRITEABLE:
		return fs_writeable(wsi);
	case LWS_CALLBACK_RAW_CLOSE:
		fs.closed++;
		slot = fs_slot(wsi);
		if (slot >= 0) {
			fs.wsi[slot] = NULL;
			fs.closed_at[slot] = fs_now_us();
		}
		if (fs.mode == FS_DESTROY_ON_CLOSE) {
			lws_context_destroy(lws_get_context(wsi));
			fs.destroy_returned = 1;
		}
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols fs_protocols[] = {
	{ "fs", fs_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* A context with a raw listener on 127.0.0.1:port (0: any), hosted on
 * `loop` (NULL: the plugin's own loop); NULL on failure. */
static struct lws_context *fs_create(void *loop, int port)
{
	struct lws_context_creation_info info;
	void *loops[1];

	memset(&info, 0, sizeof(info));
	loops[0] = loop;
	info.port = port;
	info.iface = "127.0.0.1";
	info.protocols = fs_protocols;
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG |
		       FL_OPTION;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "fs";
	info.foreign_loops = loop ? loops : NULL;
	info.pcontext = &fs.cx;
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	fs.loop_thread = pthread_self();
	fs.cx = lws_create_context(&info);
	if (fs.cx)
		trace_expect_context(fs.cx);
	return fs.cx;
}

static int fs_port(void)
{
	struct lws_vhost *vh = lws_get_vhost_by_name(fs.cx, "default");

	ASSERT_NOT_NULL(vh);
	return lws_get_vhost_listen_port(vh);
}

/* ---- the client side: plain sockets ---- */

static int fs_connect_rcvbuf(int port, int rcvbuf)
{
	struct sockaddr_in sin;
	struct timeval tv = { 5, 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT_GE(fd, 0);
	/* every blocking call on the client is bounded */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static int fs_connect(int port)
{
	return fs_connect_rcvbuf(port, 0);
}

/* 1: the peer has closed (EOF or reset) by now. */
static int fs_eof_now(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);

	return n == 0 || (n < 0 && errno == ECONNRESET);
}

/* 1: the peer closed within ms (the loop does not turn meanwhile). */
static int fs_sees_eof(int fd, int ms)
{
	long long end = fs_now_us() + (long long)capi_scaled_ms(ms) * 1000;

	while (fs_now_us() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 50) > 0 && fs_eof_now(fd))
			return 1;
	}
	return 0;
}

/* A listening socket on 127.0.0.1 with a kernel-chosen port: *port. */
static int fs_occupy_port(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT_GE(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ASSERT_EQ(listen(fd, 4), 0);
	ASSERT_EQ(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* At least n descriptors for this process, or skip. */
static void fs_need_fds(rlim_t n)
{
	struct rlimit rl;

	ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur >= n)
		return;
	if (rl.rlim_max < n)
		SKIP("needs %llu descriptors, the hard limit is %llu",
		     (unsigned long long)n, (unsigned long long)rl.rlim_max);
	rl.rlim_cur = n;
	ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

struct fs_client {
	int fd;
	unsigned int seed;
	size_t total, chunk;
	size_t echoed;   /* bytes that came back and matched */
	long bad_at;     /* first mismatch offset, or -1 */
	int cancel_base; /* fs.cancelled just before lws_cancel_service */
	int close_when_done, wait_release;
	atomic_int done;
};

/* Echo `total` bytes in `chunk`-sized rounds, checking every byte; wait
 * for fs.release if asked (bounded); wake the loop with lws_cancel_service
 * from this thread; close if asked. */
static void *fs_client_thread(void *arg)
{
	struct fs_client *c = arg;
	unsigned char out[32 * 1024], back[32 * 1024];
	size_t off = 0, i;
	int waited;

	c->bad_at = -1;
	while (off < c->total) {
		size_t n = c->chunk, got = 0;

		for (i = 0; i < n; i++)
			out[i] = fs_byte(c->seed, off + i);
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
				c->bad_at = (long)(off + i);
				goto out;
			}
		off += n;
		c->echoed = off;
	}
	for (waited = 0; c->wait_release && !atomic_load(&fs.release) &&
			 waited < capi_scaled_ms(5000);
	     waited++)
		usleep(1000);
	c->cancel_base = atomic_load(&fs.cancelled);
	/* done first: a loop woken by the cancel must find it set */
	atomic_store(&c->done, 1);
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

static void fs_turn(void)
{
	fs.turns++;
	fs.iterating = 1;
	fl_iterate();
	fs.iterating = 0;
}

/* Turn the loop until cond or ms (scaled) passed. */
#define FS_ITERATE_UNTIL(cond, ms)                                          \
	do {                                                                \
		long long fs_end_ = fs_now_us() +                           \
				    (long long)capi_scaled_ms(ms) * 1000;   \
		while (!(cond) && fs_now_us() < fs_end_)                    \
			fs_turn();                                          \
	} while (0)

/* The server closed this client's connection: rwsloop closes the socket
 * in the call that closes the wsi, before the loop turns again; real lws
 * on libuv only once the loop has run its close callbacks. Then the
 * client's socket is closed too. */
static void fs_expect_eof(int fd)
{
	if (IS_RWSLOOP)
		ASSERT_TRUE(fs_sees_eof(fd, 2000));
	FS_ITERATE_UNTIL(fs_eof_now(fd), 2000);
	ASSERT_TRUE(fs_eof_now(fd));
	close(fd);
}

/* The application's timer fires n more times. */
static void fs_ticks_on(int n)
{
	int from = fs_ticks();

	FS_ITERATE_UNTIL(fs_ticks() >= from + n, 2000);
	ASSERT_GE(fs_ticks(), from + n);
}

/* The loop exists and its timer runs before rwsloop arrives. */
static void fs_begin(void)
{
	memset(&fs, 0, sizeof(fs));
	fl_loop_new();
	fl_snapshot();
	fl_timer_start(FS_TICK_MS);
	fs_ticks_on(3);
}

/* fs_begin, a context on the loop, its protocol initialised, and the
 * application's timer still firing. Returns the listen port. */
static int fs_start(enum fs_mode mode)
{
	fs_begin();
	fs.mode = mode;
	ASSERT_NOT_NULL(fs_create(fl_loop, 0));
	FS_ITERATE_UNTIL(fs.inits == 1, 2000);
	ASSERT_EQ(fs.inits, 1);
	fs_ticks_on(2);
	return fs_port();
}

/* The application destroys the context. rwsloop finishes it in this call
 * on every loop; real lws on libuv needs the loop to turn and a second
 * call (lws-surface §5.14), which fs_after_destroy makes. */
static void fs_destroy(void)
{
	trace_line("-- destroy");
	lws_context_destroy(fs.cx);
	if (IS_RWSLOOP)
		ASSERT_NULL(fs.cx);
}

/* Real lws on libuv: once the loop has run the close callbacks, the
 * application's second lws_context_destroy; nothing for rwsloop. */
static void fs_lws_second_destroy(void)
{
	if (!IS_RWSLOOP && fs.cx) {
		FS_ITERATE_UNTIL(0, 50);
		lws_context_destroy(fs.cx);
		FS_ITERATE_UNTIL(0, 50);
	}
}

/* After a destroy: nothing of ours on the loop, and the application's own
 * timer keeps firing. */
static void fs_after_destroy(void)
{
	fs_lws_second_destroy();
	ASSERT_NULL(fs.cx);
	fl_assert_clean();
	fs_ticks_on(5);
	fl_assert_clean();
}

/* fs_after_destroy, then the loop goes away with nothing of ours on it. */
static void fs_end(void)
{
	fs_after_destroy();
	fl_loop_free();
}

/* ---- scenarios: serving ---- */

/* An echo client (256 KiB in 32 KiB rounds, every byte checked) with the
 * application's timer firing throughout; the sul scheduled in RAW_ADOPT
 * fires, never early; lws_cancel_service from the client's thread is
 * delivered; idle, the loop wakes for the application's timer only; a
 * second client hangs up (RAW_CLOSE); the context is destroyed with the
 * first connection live. */
static void fs_echo(void)
{
	struct fs_client c;
	pthread_t th;
	int ticks, port = fs_start(FS_ECHO);

	memset(&c, 0, sizeof(c));
	c.fd = fs_connect(port);
	c.seed = 1;
	c.total = 256 * 1024;
	c.chunk = 32 * 1024;
	ticks = fs_ticks();
	ASSERT_EQ(pthread_create(&th, NULL, fs_client_thread, &c), 0);
	FS_ITERATE_UNTIL(atomic_load(&c.done) &&
			 atomic_load(&fs.cancelled) > c.cancel_base, 5000);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(c.bad_at, -1);
	ASSERT_EQ(c.echoed, c.total);
	ASSERT_EQ(fs.rx, c.total);
	ASSERT_EQ(fs.write_errors, 0);
	ASSERT_GT(atomic_load(&fs.cancelled), c.cancel_base);
	ASSERT_EQ(fs.cancel_wrong_thread, 0);
	/* the echo may finish within one tick period: wait for one */
	FS_ITERATE_UNTIL(fs_ticks() > ticks, 2000);
	ASSERT_GT(fs_ticks(), ticks);

	FS_ITERATE_UNTIL(fs.sul_cb_fired, 2000);
	ASSERT_EQ(fs.sul_cb_fired, 1);
	ASSERT_EQ(fs.sul_early, 0);

	/* idle with rwsloop on it, the loop wakes for the application's
	 * 5 ms timer only (about 40 times in 200 ms): it never spins */
	{
		long long end = fs_now_us() + 200000;
		int turns = fs.turns;

		while (fs_now_us() < end)
			fs_turn();
		ASSERT_LT(fs.turns - turns, 120);
	}

	/* a second client echoes a byte and hangs up: its RAW_CLOSE comes
	 * through the loop, the first connection stays */
	{
		int fd = fs_connect(port);
		size_t rx = fs.rx;
		char b = 'y', e = 0;

		ASSERT_EQ(send(fd, &b, 1, MSG_NOSIGNAL), 1);
		FS_ITERATE_UNTIL(fs.rx == rx + 1, 2000);
		ASSERT_EQ(recv(fd, &e, 1, 0), 1);
		ASSERT_EQ(e, 'y');
		close(fd);
		FS_ITERATE_UNTIL(fs.closed == 1, 2000);
		ASSERT_EQ(fs.closed, 1);
		ASSERT_NOT_NULL(fs.wsi[0]);
	}

	fs_destroy();
	if (IS_RWSLOOP) {
		ASSERT_EQ(fs.closed, 2);
		ASSERT_EQ(fs.destroys, 1);
	}
	fs_expect_eof(c.fd);
	fs_end();
	ASSERT_EQ(fs.closed, 2);
	ASSERT_EQ(fs.destroys, 1);
}

/* ---- scenarios: lifecycle ---- */

/* Destroy with n live, idle connections (each has echoed one byte): one
 * RAW_CLOSE each, every client sees the hang-up. Clients connect in
 * batches, so the listen queue never overflows. */
static void fs_destroy_with(int n)
{
	int *fds, i, port;
	char b = 'x';

	fs_need_fds((rlim_t)(2 * n + 64));
	fds = calloc((size_t)n + 1, sizeof(*fds));
	ASSERT_NOT_NULL(fds);
	port = fs_start(FS_ECHO);
	for (i = 0; i < n; i++) {
		fds[i] = fs_connect(port);
		ASSERT_EQ(send(fds[i], &b, 1, MSG_NOSIGNAL), 1);
		if (i % 50 == 49 || i == n - 1) {
			FS_ITERATE_UNTIL(fs.adopted == i + 1 &&
						 fs.rx == (size_t)i + 1, 5000);
			ASSERT_EQ(fs.adopted, i + 1);
			ASSERT_EQ(fs.rx, (size_t)i + 1);
		}
	}
	for (i = 0; i < n; i++) {
		char e = 0;

		ASSERT_EQ(recv(fds[i], &e, 1, 0), 1);
		ASSERT_EQ(e, 'x');
	}
	fs_ticks_on(2);
	ASSERT_EQ(fs.closed, 0);

	fs_destroy();
	if (IS_RWSLOOP) {
		ASSERT_EQ(fs.closed, n);
		ASSERT_EQ(fs.destroys, 1);
	}
	for (i = 0; i < n; i++)
		fs_expect_eof(fds[i]);
	free(fds);
	fs_end();
	ASSERT_EQ(fs.closed, n);
	ASSERT_EQ(fs.destroys, 1);
}

/* lws_context_destroy from inside a protocol callback (RAW_RX) or a sul
 * callback: the call returns, the loop goes on, the context ends up freed
 * (its pcontext slot NULLed), the client sees the hang-up and nothing of
 * ours stays on the loop. */
static void fs_destroy_inside(enum fs_mode mode)
{
	int fd;
	char b = 'x';

	fd = fs_connect(fs_start(mode));
	if (mode == FS_DESTROY_IN_RX)
		ASSERT_EQ(send(fd, &b, 1, MSG_NOSIGNAL), 1);
	FS_ITERATE_UNTIL(fs.destroy_returned && (fs.cx == NULL || !IS_RWSLOOP),
			 3000);
	ASSERT_TRUE(fs.destroy_returned);
	if (IS_RWSLOOP)
		ASSERT_NULL(fs.cx);
	if (mode == FS_DESTROY_IN_SUL)
		ASSERT_EQ(fs.sul_cb_fired, 1);
	fs_lws_second_destroy();
	fs_expect_eof(fd);
	fs_end();
	ASSERT_EQ(fs.closed, 1);
	ASSERT_EQ(fs.destroys, 1);
}

/* A create that fails after the plugin joined the loop (the listen port
 * is taken) returns NULL and leaves the loop as it was: at once, and while
 * the application's timer goes on. */
static void fs_failed_create(void)
{
	int port, busy = fs_occupy_port(&port);

	fs_begin();
	ASSERT_NULL(fs_create(fl_loop, port));
	ASSERT_NULL(fs.cx);
	fl_assert_clean();
	ASSERT_NULL(fs_create(fl_loop, port));
	fs_end();
	ASSERT_EQ(fs.inits, 0);
	close(busy);
}

/* The plugin never turns the application's loop: not in
 * lws_create_context, not in lws_service (which returns 1 at once), not
 * in lws_context_destroy. Each time the application's timer is overdue
 * and would fire if the loop turned. */
static void fs_never_runs_app_loop(void)
{
	int ticks;

	fs_begin();
	usleep(3000 * FS_TICK_MS);
	ticks = fs_ticks();
	ASSERT_NOT_NULL(fs_create(fl_loop, 0));
	ASSERT_EQ(fs_ticks(), ticks);
	FS_ITERATE_UNTIL(fs.inits == 1, 2000);
	ASSERT_EQ(fs.inits, 1);

	usleep(3000 * FS_TICK_MS);
	ticks = fs_ticks();
	ASSERT_EQ(lws_service(fs.cx, 0), 1);
	ASSERT_EQ(lws_service(fs.cx, 0), 1);
	ASSERT_EQ(fs_ticks(), ticks);
	fs_ticks_on(2);

	usleep(3000 * FS_TICK_MS);
	ticks = fs_ticks();
	fs_destroy();
	ASSERT_EQ(fs_ticks(), ticks);
	fs_end();
}

/* No foreign loop: the plugin makes its own and lws_service runs it. An
 * echo client is served through lws_service alone, a sul the program
 * scheduled before and the one from RAW_ADOPT fire, a cancel from the
 * client's thread is delivered. Then either the client hangs up and its
 * RAW_CLOSE destroys the context (inside_cb), or - where lws_service
 * returns after one turn of the loop - the program destroys it. */
static void fs_own_loop(int inside_cb)
{
	struct fs_client c;
	pthread_t th;
	long long end;

	if (!inside_cb && !FL_SERVICE_RETURNS)
		SKIP("lws_service runs this library's loop until the context "
		     "is destroyed: own_loop_destroy_in_cb covers it");
	memset(&fs, 0, sizeof(fs));
	fs.own_loop = 1;
	fs.mode = inside_cb ? FS_DESTROY_ON_CLOSE : FS_ECHO;
	ASSERT_NOT_NULL(fs_create(NULL, 0));
	fs.sul_app_due = fs_now_us() + 20000;
	lws_sul_schedule(fs.cx, 0, &fs.sul_app, fs_sul_app, FS_MS(20));
	memset(&c, 0, sizeof(c));
	c.fd = fs_connect(fs_port());
	c.seed = 4;
	c.total = 64 * 1024;
	c.chunk = 16 * 1024;
	c.close_when_done = inside_cb;
	c.wait_release = 1;
	ASSERT_EQ(pthread_create(&th, NULL, fs_client_thread, &c), 0);
	end = fs_now_us() + (long long)capi_scaled_ms(5000) * 1000;
	fs.iterating = 1;
	if (inside_cb) {
		while (fs.cx && !fs.destroy_returned && fs_now_us() < end)
			ASSERT_EQ(lws_service(fs.cx, 0), 1);
		ASSERT_TRUE(fs.destroy_returned);
		ASSERT_EQ(pthread_join(th, NULL), 0);
		/* real lws on libuv needs a second call (lws-surface §5.14) */
		if (!IS_RWSLOOP && fs.cx)
			lws_context_destroy(fs.cx);
	} else {
		while (!(atomic_load(&c.done) &&
			 atomic_load(&fs.cancelled) > c.cancel_base) &&
		       fs_now_us() < end)
			ASSERT_EQ(lws_service(fs.cx, 0), 1);
		ASSERT_EQ(pthread_join(th, NULL), 0);
		ASSERT_GT(atomic_load(&fs.cancelled), c.cancel_base);
		fs_destroy();
		ASSERT_TRUE(fs_sees_eof(c.fd, 2000));
		close(c.fd);
	}
	fs.iterating = 0;
	if (IS_RWSLOOP)
		ASSERT_NULL(fs.cx);
	ASSERT_EQ(c.bad_at, -1);
	ASSERT_EQ(c.echoed, c.total);
	ASSERT_EQ(fs.rx, c.total);
	ASSERT_EQ(fs.sul_app_fired, 1);
	ASSERT_EQ(fs.sul_cb_fired, 1);
	ASSERT_EQ(fs.sul_early, 0);
	ASSERT_EQ(fs.cancel_wrong_thread, 0);
	ASSERT_EQ(fs.inits, 1);
	ASSERT_EQ(fs.closed, 1);
	ASSERT_EQ(fs.destroys, 1);
}

/* An own-loop context destroyed without ever being serviced: the plugin
 * closes what it made on its loop and frees it (LeakSanitizer and
 * valgrind check nothing is left). */
static void fs_own_loop_unused(void)
{
	memset(&fs, 0, sizeof(fs));
	ASSERT_NOT_NULL(fs_create(NULL, 0));
	lws_context_destroy(fs.cx);
	ASSERT_NULL(fs.cx);
	ASSERT_EQ(fs.inits, 0);
	ASSERT_EQ(fs.destroys, 0);
}

#endif /* FOREIGN_SUITE_H */
