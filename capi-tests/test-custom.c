/*
 * A custom event library (info.event_lib_custom, lws 4.3 API) driven by
 * the program's own poll() loop: lws_service_adjust_timeout gives the
 * wait and runs lws's timers, lws_service_fd hands back ready
 * descriptors. Which hooks lws calls, and when; lws_service_fd's return
 * values; a cancel from another thread waking the program's loop;
 * wsi_logical_close keeping a wsi until __lws_close_free_wsi_final.
 *
 * Hooks are traced only for wsis bound to a protocol: lws 4.3.5 also runs
 * them for two internal descriptors (its event pipe and a netlink socket)
 * where rwsloop has one (the pipe); those are only counted.
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "raw-util.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#if CAPI_HAVE_43

#define MAXFDS 32
#define PT_MAGIC 0x6f70ee11u

/* The event library's per-thread area (evlib_size_pt). */
struct cpt {
	unsigned int magic;
	int n;
	struct pollfd fds[MAXFDS];
};

static struct lws_context *cx;
static int foreign_marker;
static void *foreign_loops[1] = { &foreign_marker };
static int pt_was_zeroed;
static unsigned int unbound_hooks, unbound_accepts;
static int defer_close;        /* wsi_logical_close returns 1 (bound) */
static struct lws *deferred;
static int destroy_wsi_bound;
static int svc_ret1;           /* lws_service_fd returned 1 */
static int closed;

/* The wsis that were bound to a protocol when sock_accept saw them. */
static struct lws *known[8];

static int bound(struct lws *wsi)
{
	int i;

	for (i = 0; i < 8; i++)
		if (wsi && known[i] == wsi)
			return 1;
	return 0;
}

static void learn(struct lws *wsi)
{
	int i;

	if (!wsi || !lws_get_protocol(wsi) || !lws_get_vhost(wsi))
		return;
	for (i = 0; i < 8; i++)
		if (!known[i]) {
			known[i] = wsi;
			return;
		}
}

static void forget(struct lws *wsi)
{
	int i;

	for (i = 0; i < 8; i++)
		if (known[i] == wsi)
			known[i] = NULL;
}

static void hook_line(struct lws *wsi, const char *what, unsigned int flags)
{
	const struct lws_protocols *p = lws_get_protocol(wsi);
	struct lws_vhost *vh = lws_get_vhost(wsi);

	trace_line("evlib %s %s/%s%s%s%s%s", what,
		   vh ? lws_get_vhost_name(vh) : "-", p ? p->name : "-",
		   flags & LWS_EV_START ? " START" : "",
		   flags & LWS_EV_STOP ? " STOP" : "",
		   flags & LWS_EV_READ ? " READ" : "",
		   flags & LWS_EV_WRITE ? " WRITE" : "");
}

static struct cpt *cpt_of(struct lws *wsi)
{
	return lws_evlib_wsi_to_evlib_pt(wsi);
}

static struct pollfd *find(struct cpt *p, int fd)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->fds[i].fd == fd)
			return &p->fds[i];
	return NULL;
}

static int add_fd(struct lws *wsi)
{
	struct cpt *p = cpt_of(wsi);
	int fd = lws_get_socket_fd(wsi);

	if (p->magic != PT_MAGIC)
		return 1;
	if (find(p, fd))
		return 0;
	if (p->n == MAXFDS)
		return 1;
	p->fds[p->n].fd = fd;
	p->fds[p->n].events = POLLIN;
	p->fds[p->n].revents = 0;
	p->n++;
	return 0;
}

static int c_init_context(struct lws_context *c,
			  const struct lws_context_creation_info *info)
{
	(void)c;
	trace_line("evlib init_context%s",
		   info && info->foreign_loops == foreign_loops ? " (info)" : "");
	return 0;
}

static int c_init_pt(struct lws_context *c, void *loop, int tsi)
{
	struct cpt *p = lws_evlib_tsi_to_evlib_pt(c, tsi);
	const unsigned char *b = (const unsigned char *)p;
	size_t i;

	pt_was_zeroed = 1;
	for (i = 0; i < sizeof(*p); i++)
		if (b[i])
			pt_was_zeroed = 0;
	p->magic = PT_MAGIC;
	trace_line("evlib init_pt tsi %d, loop %s", tsi,
		   loop == &foreign_marker ? "foreign_loops[0]"
		   : loop		   ? "other"
					   : "NULL");
	return 0;
}

static int c_init_vhost_listen_wsi(struct lws *wsi)
{
	trace_line("evlib init_vhost_listen_wsi %s",
		   lws_get_vhost_name(lws_get_vhost(wsi)));
	return add_fd(wsi);
}

static int c_sock_accept(struct lws *wsi)
{
	learn(wsi);
	if (bound(wsi))
		hook_line(wsi, "sock_accept", 0);
	else {
		unbound_hooks++;
		unbound_accepts++;
	}
	return add_fd(wsi);
}

static void c_io(struct lws *wsi, unsigned int flags)
{
	struct pollfd *pfd = find(cpt_of(wsi), lws_get_socket_fd(wsi));
	short bits = (short)((flags & LWS_EV_READ ? POLLIN : 0) |
			     (flags & LWS_EV_WRITE ? POLLOUT : 0));

	if (bound(wsi))
		hook_line(wsi, "io", flags);
	else
		unbound_hooks++;
	if (!pfd)
		return;
	if (flags & LWS_EV_START)
		pfd->events = (short)(pfd->events | bits);
	else
		pfd->events = (short)(pfd->events & ~bits);
}

static int c_wsi_logical_close(struct lws *wsi)
{
	struct cpt *p = cpt_of(wsi);
	struct pollfd *pfd = find(p, lws_get_socket_fd(wsi));

	if (pfd)
		*pfd = p->fds[--p->n];
	if (!bound(wsi)) {
		unbound_hooks++;
		return 0;
	}
	hook_line(wsi, "wsi_logical_close", 0);
	if (defer_close) {
		deferred = wsi;
		trace_line("  (returns 1: the program frees it later)");
		return 1;
	}
	return 0;
}

static void c_destroy_wsi(struct lws *wsi)
{
	if (bound(wsi)) {
		destroy_wsi_bound++;
		hook_line(wsi, "destroy_wsi", 0);
		forget(wsi);
	} else
		unbound_hooks++;
}

static void c_destroy_pt(struct lws_context *c, int tsi)
{
	(void)c;
	trace_line("evlib destroy_pt tsi %d", tsi);
}

static const struct lws_event_loop_ops capi_ops = {
	.name = "capi poll loop",
	.init_context = c_init_context,
	.init_vhost_listen_wsi = c_init_vhost_listen_wsi,
	.init_pt = c_init_pt,
	.wsi_logical_close = c_wsi_logical_close,
	.sock_accept = c_sock_accept,
	.io = c_io,
	.destroy_pt = c_destroy_pt,
	.destroy_wsi = c_destroy_wsi,
	.evlib_size_pt = sizeof(struct cpt),
};

static const lws_plugin_evlib_t capi_evlib = {
	.hdr = { "capi poll loop", "lws_evlib_plugin", LWS_BUILD_HASH,
		 LWS_PLUGIN_API_MAGIC },
	.ops = &capi_ops,
};

/* ---- the program's protocol: an echo ---- */

static unsigned char echo_buf[LWS_PRE + 64];
static size_t echo_len;
static size_t rx_total;         /* bytes RAW_RX handed over */
static int pause_on_rx;         /* the next RAW_RX pauses rx */

static int echo_cb(struct lws *wsi, enum lws_callback_reasons reason,
		   void *user, void *in, size_t len)
{
	int n;

	if (raw_is_poll_reason(reason))
		return 0;
	trace_cb(wsi, (int)reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_RAW_RX:
		rx_total += len;
		if (pause_on_rx) {
			pause_on_rx = 0;
			lws_rx_flow_control(wsi, 0);
		}
		if (echo_len + len <= sizeof(echo_buf) - LWS_PRE) {
			memcpy(echo_buf + LWS_PRE + echo_len, in, len);
			echo_len += len;
		}
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_RAW_WRITEABLE:
		n = lws_write(wsi, echo_buf + LWS_PRE, echo_len,
			      LWS_WRITE_RAW);
		trace_line("lws_write %zu -> %d", echo_len, n);
		echo_len = 0;
		break;
	case LWS_CALLBACK_RAW_CLOSE:
		closed++;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protos[] = {
	{ "raw", echo_cb, 16, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void start(void)
{
	struct lws_context_creation_info info;

	raw_info(&info, protos);
	info.event_lib_custom = &capi_evlib;
	info.foreign_loops = foreign_loops;
	cx = lws_create_context(&info);
	ASSERT_NOT_NULL(cx);
	trace_expect_context(cx);
}

/*
 * The program's loop: wait (at most what lws_service_adjust_timeout
 * allows, and at most until the deadline) on the event library's
 * descriptors, hand the ready ones to lws_service_fd. Returns when `cond`
 * holds or `ms` (scaled) passed.
 */
static long app_passes;

#define APP_UNTIL(cond, ms)                                                 \
	do {                                                                \
		long long app_dl_ = now_us() +                              \
				    (long long)capi_scaled_ms(ms) * 1000;   \
		while (!(cond) && now_us() < app_dl_)                       \
			app_pass(app_dl_, 1000);                            \
	} while (0)

static void app_pass(long long deadline, int max_wait_ms)
{
	struct cpt *p = lws_evlib_tsi_to_evlib_pt(cx, 0);
	struct pollfd snap[MAXFDS];
	int n, i, t, left;

	t = lws_service_adjust_timeout(cx, max_wait_ms, 0);
	ASSERT_GE(t, 0);
	left = (int)((deadline - now_us()) / 1000);
	if (left < 0)
		left = 0;
	if (t > left)
		t = left;
	n = p->n;
	memcpy(snap, p->fds, sizeof(snap[0]) * (size_t)n);
	if (poll(snap, (nfds_t)n, t) < 0) {
		ASSERT_EQ(errno, EINTR);
		return;
	}
	app_passes++;
	for (i = 0; i < n; i++) {
		int r;

		if (!snap[i].revents)
			continue;
		/* Still watched? (an earlier one may have closed it) */
		if (!find(p, snap[i].fd))
			continue;
		r = lws_service_fd(cx, &snap[i]);
		ASSERT_TRUE(r == 0 || r == 1);
		if (r == 1) {
			svc_ret1++;
			trace_line("lws_service_fd -> 1");
		}
	}
}

/* Run the loop until three passes in a row traced nothing. */
static void app_settle(void)
{
	int quiet = 0, i;

	for (i = 0; i < 1000 && quiet < 3; i++) {
		unsigned int before = trace_events();

		app_pass(now_us() + 1000 * 1000, 0);
		quiet = trace_events() == before ? quiet + 1 : 0;
	}
	ASSERT_EQ(quiet, 3);
}

#endif /* CAPI_HAVE_43 */

/*
 * Start-up, one adopted socket echoing "ping" and closed by its peer,
 * then the destroy, through the program's poll() loop. The hooks come in
 * lws's order: sock_accept and io(START|READ) before RAW_ADOPT; io
 * START|WRITE for the writeable request, STOP|WRITE before RAW_WRITEABLE;
 * on close io(STOP|READ|WRITE), RAW_CLOSE, wsi_logical_close, WSI_DESTROY,
 * destroy_wsi; lws_service_fd returns 1 for the pass that closed it.
 */
CAPI_TEST(custom_evlib_hooks, .flags = CAPI_TRACE | CAPI_NEEDS_43)
{
#if CAPI_HAVE_43
	struct cpt *p;
	char got[8];
	int sv[2];

	start();
	p = lws_evlib_tsi_to_evlib_pt(cx, 0);
	ASSERT_NOT_NULL(p);
	ASSERT_TRUE(pt_was_zeroed);
	ASSERT_EQ(p->magic, PT_MAGIC);
	/* The event pipe was handed over (unbound). */
	ASSERT_GE(unbound_accepts, 1);
	trace_line("-- first passes");
	app_settle();
	ASSERT_EQ(trace_count(LWS_CALLBACK_PROTOCOL_INIT), 1);
	ASSERT_GE(trace_count(LWS_CALLBACK_EVENT_WAIT_CANCELLED), 1);

	raw_socketpair(sv);
	trace_line("-- adopt");
	ASSERT_NOT_NULL(raw_adopt(cx, sv[0], "raw"));
	ASSERT_NOT_NULL(find(p, sv[0]));
	app_settle();

	trace_line("-- peer writes ping");
	ASSERT_EQ(write(sv[1], "ping", 4), 4);
	APP_UNTIL(trace_count(LWS_CALLBACK_RAW_WRITEABLE) == 1, 2000);
	ASSERT_EQ(raw_read_full(sv[1], got, 4, 1000), 4);
	ASSERT_TRUE(!memcmp(got, "ping", 4));
	app_settle();

	trace_line("-- peer hangs up");
	close(sv[1]);
	APP_UNTIL(closed, 2000);
	ASSERT_EQ(closed, 1);
	ASSERT_EQ(svc_ret1, 1);
	ASSERT_NULL(find(p, sv[0]));
	app_settle();

	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_EQ(destroy_wsi_bound, 1);
	ASSERT_TRACE("evlib init_context (info)\n"
		     "evlib init_pt tsi 0, loop foreign_loops[0]\n"
		     "-- first passes\n"
		     "PROTOCOL_INIT default/raw\n"
		     "EVENT_WAIT_CANCELLED default/raw\n"
		     "-- adopt\n"
		     "WSI_CREATE default/raw\n"
		     "RAW_SKT_BIND_PROTOCOL default/raw user\n"
		     "evlib sock_accept default/raw\n"
		     "evlib io default/raw START READ\n"
		     "RAW_ADOPT default/raw user\n"
		     "EVENT_WAIT_CANCELLED default/raw\n"
		     "-- peer writes ping\n"
		     "RAW_RX default/raw user in=set len=4\n"
		     "evlib io default/raw START WRITE\n"
		     "evlib io default/raw STOP WRITE\n"
		     "RAW_WRITEABLE default/raw user\n"
		     "lws_write 4 -> 4\n"
		     "-- peer hangs up\n"
		     "RAW_SKT_DROP_PROTOCOL default/raw user in=set\n"
		     "evlib io default/raw STOP READ WRITE\n"
		     "evlib io default/raw STOP READ WRITE\n"
		     "RAW_CLOSE default/raw user\n"
		     "evlib wsi_logical_close default/raw\n"
		     "evlib io default/raw STOP READ WRITE\n"
		     "WSI_DESTROY default/raw user\n"
		     "evlib destroy_wsi -/raw\n"
		     "lws_service_fd -> 1\n"
		     "-- destroy\n"
		     "evlib destroy_pt tsi 0\n"
		     "PROTOCOL_DESTROY default/raw\n");
#endif
}

/*
 * lws_service_fd on a descriptor lws does not know returns 0 and leaves
 * revents alone; on a readable one of its own it returns 0 and clears
 * revents.
 */
CAPI_TEST(custom_service_fd_returns, .flags = CAPI_NEEDS_43)
{
#if CAPI_HAVE_43
	struct pollfd pfd;
	int pp[2], sv[2];

	start();
	app_settle();
	ASSERT_EQ(pipe(pp), 0);
	ASSERT_EQ(write(pp[1], "z", 1), 1);
	pfd.fd = pp[0];
	pfd.events = POLLIN;
	pfd.revents = POLLIN;
	ASSERT_EQ(lws_service_fd(cx, &pfd), 0);
	ASSERT_EQ(pfd.revents, POLLIN);
	ASSERT_EQ(pfd.fd, pp[0]);
	close(pp[0]);
	close(pp[1]);

	raw_socketpair(sv);
	ASSERT_NOT_NULL(raw_adopt(cx, sv[0], "raw"));
	app_settle();
	ASSERT_EQ(write(sv[1], "q", 1), 1);
	ASSERT_TRUE(raw_readable(sv[0], 1000));
	pfd.fd = sv[0];
	pfd.events = POLLIN;
	pfd.revents = POLLIN;
	ASSERT_EQ(lws_service_fd(cx, &pfd), 0);
	ASSERT_EQ(pfd.revents, 0);
	ASSERT_EQ(trace_count(LWS_CALLBACK_RAW_RX), 1);
	/* And through lws_service_fd_tsi the same way. */
	ASSERT_EQ(write(sv[1], "r", 1), 1);
	ASSERT_TRUE(raw_readable(sv[0], 1000));
	pfd.revents = POLLIN;
	ASSERT_EQ(lws_service_fd_tsi(cx, &pfd, 0), 0);
	ASSERT_EQ(trace_count(LWS_CALLBACK_RAW_RX), 2);
	app_settle();

	close(sv[1]);
	ASSERT_TRUE(raw_readable(sv[0], 1000));
	pfd.revents = POLLIN | POLLHUP;
	ASSERT_EQ(lws_service_fd(cx, &pfd), 1);
	ASSERT_EQ(closed, 1);
	lws_context_destroy(cx);
#endif
}

#if CAPI_HAVE_43
static lws_sorted_usec_list_t sul;
static int sul_fired;

static void sul_cb(lws_sorted_usec_list_t *s)
{
	(void)s;
	sul_fired++;
}
#endif

/*
 * lws_service_adjust_timeout never returns more than it was given, is
 * lowered to the next timer and runs ripe timers itself.
 */
CAPI_TEST(custom_adjust_timeout, .flags = CAPI_NEEDS_43)
{
#if CAPI_HAVE_43
	long long t0;
	int t;

	start();
	app_settle();
	t = lws_service_adjust_timeout(cx, 100, 0);
	ASSERT_LE(t, 100);
	ASSERT_GT(t, 0);

	lws_sul_schedule(cx, 0, &sul, sul_cb, 50 * 1000);
	t = lws_service_adjust_timeout(cx, 5000, 0);
	ASSERT_LE(t, 50);
	ASSERT_GE(t, 40);

	/* Ripe timers run inside it (lws_service_fd never runs them). */
	t0 = now_us();
	sleep_ms(80);
	ASSERT_GE(now_us() - t0, 50 * 1000);
	ASSERT_EQ(sul_fired, 0);
	lws_service_adjust_timeout(cx, 5000, 0);
	ASSERT_EQ(sul_fired, 1);
	lws_context_destroy(cx);
#endif
}

/*
 * A timer 300 us away: lws 4.3.5 truncates the wait to 0 ms, so a program
 * polling with that value spins until the timer is ripe.
 */
CAPI_TEST(custom_adjust_timeout_sub_ms, .flags = CAPI_NEEDS_43,
	  .expect_differs_from_lws =
		  "lws 4.3.5's lws_service_adjust_timeout truncates a wait "
		  "shorter than 1 ms to 0, so a program that polls with the "
		  "result spins until the timer is due; rwsloop rounds up "
		  "to 1 ms (never 0 while a timer is pending and not due)")
{
#if CAPI_HAVE_43
	int t = -1, tries;

	start();
	app_settle();
	/* The timer must still be pending when the call looks at it: on a
	 * slow run (valgrind) 300 us may pass first, and then it just runs
	 * inside the call. */
	for (tries = 0; tries < 50; tries++) {
		sul_fired = 0;
		lws_sul_schedule(cx, 0, &sul, sul_cb, 300);
		t = lws_service_adjust_timeout(cx, 5000, 0);
		if (!sul_fired)
			break;
	}
	if (sul_fired)
		SKIP("too slow to see a timer 300 us away still pending");
	if (IS_RWSLOOP) {
		ASSERT_GT(t, 0);
		ASSERT_LE(t, 1);
	} else {
		ASSERT_EQ(t, 0);
	}
	lws_sul_cancel(&sul);
	lws_context_destroy(cx);
#endif
}

#if CAPI_HAVE_43
static long long cancel_at;

static void *cancel_later(void *arg)
{
	(void)arg;
	sleep_ms(100);
	cancel_at = now_us();
	lws_cancel_service(cx);
	return NULL;
}
#endif

/*
 * lws_cancel_service from another thread wakes the program's poll(): the
 * event pipe it was given in sock_accept becomes readable and
 * lws_service_fd delivers EVENT_WAIT_CANCELLED.
 */
CAPI_TEST(custom_cancel_wakes_loop, .flags = CAPI_TRACE | CAPI_NEEDS_43)
{
#if CAPI_HAVE_43
	unsigned int base;
	pthread_t th;
	long long woke;

	start();
	app_settle();
	base = trace_count(LWS_CALLBACK_EVENT_WAIT_CANCELLED);
	trace_line("-- another thread cancels");
	ASSERT_EQ(pthread_create(&th, NULL, cancel_later, NULL), 0);
	{
		long long dl = now_us() + (long long)capi_scaled_ms(5000) * 1000;

		while (trace_count(LWS_CALLBACK_EVENT_WAIT_CANCELLED) == base &&
		       now_us() < dl)
			app_pass(dl, 5000);
	}
	woke = now_us();
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(trace_count(LWS_CALLBACK_EVENT_WAIT_CANCELLED), base + 1);
	ASSERT_LT(woke - cancel_at, (long long)capi_scaled_ms(1000) * 1000);
	app_settle();
	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_TRACE("evlib init_context (info)\n"
		     "evlib init_pt tsi 0, loop foreign_loops[0]\n"
		     "PROTOCOL_INIT default/raw\n"
		     "EVENT_WAIT_CANCELLED default/raw\n"
		     "-- another thread cancels\n"
		     "EVENT_WAIT_CANCELLED default/raw\n"
		     "-- destroy\n"
		     "evlib destroy_pt tsi 0\n"
		     "PROTOCOL_DESTROY default/raw\n");
#endif
}

/*
 * wsi_logical_close returning nonzero: lws stops before freeing the wsi
 * (no WSI_DESTROY, no destroy_wsi) until the event library calls
 * __lws_close_free_wsi_final.
 */
CAPI_TEST(custom_logical_close_deferred, .flags = CAPI_TRACE | CAPI_NEEDS_43)
{
#if CAPI_HAVE_43
	int sv[2];

	start();
	app_settle();
	raw_socketpair(sv);
	trace_line("-- adopt");
	ASSERT_NOT_NULL(raw_adopt(cx, sv[0], "raw"));
	app_settle();
	defer_close = 1;
	trace_line("-- peer hangs up");
	close(sv[1]);
	APP_UNTIL(closed, 2000);
	app_settle();
	ASSERT_EQ(closed, 1);
	ASSERT_NOT_NULL(deferred);
	ASSERT_EQ(trace_count(LWS_CALLBACK_WSI_DESTROY), 0);
	ASSERT_EQ(destroy_wsi_bound, 0);
	trace_line("-- __lws_close_free_wsi_final");
	__lws_close_free_wsi_final(deferred);
	ASSERT_EQ(trace_count(LWS_CALLBACK_WSI_DESTROY), 1);
	ASSERT_EQ(destroy_wsi_bound, 1);
	ASSERT_TRUE(!raw_fd_open(sv[0]));
	app_settle();
	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_TRACE("evlib init_context (info)\n"
		     "evlib init_pt tsi 0, loop foreign_loops[0]\n"
		     "PROTOCOL_INIT default/raw\n"
		     "EVENT_WAIT_CANCELLED default/raw\n"
		     "-- adopt\n"
		     "WSI_CREATE default/raw\n"
		     "RAW_SKT_BIND_PROTOCOL default/raw user\n"
		     "evlib sock_accept default/raw\n"
		     "evlib io default/raw START READ\n"
		     "RAW_ADOPT default/raw user\n"
		     "EVENT_WAIT_CANCELLED default/raw\n"
		     "-- peer hangs up\n"
		     "RAW_SKT_DROP_PROTOCOL default/raw user in=set\n"
		     "evlib io default/raw STOP READ WRITE\n"
		     "evlib io default/raw STOP READ WRITE\n"
		     "RAW_CLOSE default/raw user\n"
		     "evlib wsi_logical_close default/raw\n"
		     "  (returns 1: the program frees it later)\n"
		     "lws_service_fd -> 1\n"
		     "-- __lws_close_free_wsi_final\n"
		     "evlib io default/raw STOP READ WRITE\n"
		     "WSI_DESTROY default/raw user\n"
		     "evlib destroy_wsi -/raw\n"
		     "-- destroy\n"
		     "evlib destroy_pt tsi 0\n"
		     "PROTOCOL_DESTROY default/raw\n");
#endif
}

/*
 * A loop that asks lws_service_adjust_timeout only after it has called into
 * the library (libevent has no before-waiting hook, so a plugin for it
 * works this way). The program then schedules a sul from its own code,
 * outside every callback, and goes back to waiting with the stale answer
 * ("nothing scheduled"). rwsloop makes its wake descriptor readable in
 * lws_sul_schedule so that loop turns and learns the new deadline; lws
 * leaves the loop asleep until something else happens.
 */
CAPI_TEST(custom_sul_from_program_code_wakes_loop, .flags = CAPI_NEEDS_43,
	  .expect_differs_from_lws =
		  "lws does not wake a program's own event loop when the "
		  "program schedules a sul from its own code, so a loop "
		  "without a before-waiting hook sleeps past it; rwsloop "
		  "makes its wake descriptor readable when such a sul "
		  "becomes the earliest")
{
#if CAPI_HAVE_43
	struct cpt *p;
	struct pollfd snap[MAXFDS];
	int n, i, ready, t;

	start();
	app_settle();
	t = lws_service_adjust_timeout(cx, -1, 0);
	ASSERT_EQ(t, -1);
	ASSERT_EQ(sul_fired, 0);

	/* From the program's own code: no callback of the library runs. */
	lws_sul_schedule(cx, 0, &sul, sul_cb, 20 * 1000);

	/* Wait as the stale -1 says, bounded for the test. */
	p = lws_evlib_tsi_to_evlib_pt(cx, 0);
	n = p->n;
	memcpy(snap, p->fds, sizeof(snap[0]) * (size_t)n);
	ready = poll(snap, (nfds_t)n, capi_scaled_ms(500));
	if (!IS_RWSLOOP) {
		ASSERT_EQ(ready, 0);
		lws_sul_cancel(&sul);
		lws_context_destroy(cx);
		return;
	}
	ASSERT_EQ(ready, 1);
	for (i = 0; i < n; i++)
		if (snap[i].revents)
			ASSERT_EQ(lws_service_fd(cx, &snap[i]), 0);
	/* The nudge is not a cancel. */
	ASSERT_EQ(trace_count(LWS_CALLBACK_EVENT_WAIT_CANCELLED), 1);
	/* Having been called, the loop now asks and gets the deadline. */
	t = lws_service_adjust_timeout(cx, -1, 0);
	ASSERT_GE(t, 0);
	ASSERT_LE(t, 20);
	APP_UNTIL(sul_fired, 2000);
	ASSERT_EQ(sul_fired, 1);

	/* A sul that is not the earliest needs no nudge: nothing readable
	 * (once the nudge for the earliest one has been serviced). */
	lws_sul_schedule(cx, 0, &sul, sul_cb, 60 * 1000 * 1000);
	app_pass(now_us() + 1000 * 1000, 0);
	t = lws_service_adjust_timeout(cx, -1, 0);
	ASSERT_GT(t, 1000);
	memcpy(snap, p->fds, sizeof(snap[0]) * (size_t)n);
	ASSERT_EQ(poll(snap, (nfds_t)n, 0), 0);
	{
		static lws_sorted_usec_list_t later;

		lws_sul_schedule(cx, 0, &later, sul_cb, 120 * 1000 * 1000);
		memcpy(snap, p->fds, sizeof(snap[0]) * (size_t)n);
		ASSERT_EQ(poll(snap, (nfds_t)n, 0), 0);
		lws_sul_cancel(&later);
	}
	lws_sul_cancel(&sul);
	lws_context_destroy(cx);
#endif
}

/*
 * Input held back by a pause inside RAW_RX, rx resumed from the program's
 * own code, then the peer hangs up: the program's loop reports the socket
 * (readable, end of file) before it calls lws_service_adjust_timeout. The
 * held bytes must come first and the close after them.
 */
CAPI_TEST(custom_resumed_rx_before_hangup, .flags = CAPI_NEEDS_43)
{
#if CAPI_HAVE_43
	static char msg[3 * 4096];
	struct cpt *p;
	struct pollfd snap[MAXFDS];
	struct lws *wsi;
	int sv[2], n, i, ready;

	start();
	app_settle();
	raw_socketpair(sv);
	wsi = raw_adopt(cx, sv[0], "raw");
	ASSERT_NOT_NULL(wsi);
	app_settle();

	/* More than one service buffer: the first RAW_RX pauses, so the rest
	 * waits (inside the library or in the kernel). */
	memset(msg, 'x', sizeof(msg));
	pause_on_rx = 1;
	ASSERT_EQ(raw_write_full(sv[1], msg, sizeof(msg), 1000), sizeof(msg));
	APP_UNTIL(rx_total > 0, 2000);
	app_settle();
	ASSERT_GT(rx_total, 0);
	ASSERT_LT(rx_total, sizeof(msg));

	/* Resume from the program's code, and the peer goes away. */
	ASSERT_EQ(lws_rx_flow_control(wsi, 1), 0);
	close(sv[1]);

	/* The loop reports the socket first. */
	p = lws_evlib_tsi_to_evlib_pt(cx, 0);
	n = p->n;
	memcpy(snap, p->fds, sizeof(snap[0]) * (size_t)n);
	ready = poll(snap, (nfds_t)n, capi_scaled_ms(2000));
	ASSERT_GT(ready, 0);
	for (i = 0; i < n; i++)
		if (snap[i].fd == sv[0] && snap[i].revents)
			lws_service_fd(cx, &snap[i]);
	APP_UNTIL(closed, 2000);
	ASSERT_EQ(closed, 1);
	ASSERT_EQ(rx_total, sizeof(msg));
	lws_context_destroy(cx);
#endif
}
