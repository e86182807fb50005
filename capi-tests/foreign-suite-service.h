/*
 * The foreign-loop suite, second half: what rwsloop's service does through
 * the application's loop - suls (in order, cancelled, scheduled by the
 * application while rwsloop is idle), lws_cancel_service from other
 * threads, lws_set_timeout, writeable requests and a large write to a slow
 * reader, receive flow control. Then FOREIGN_SUITE_TESTS, which makes one
 * test of every scenario (test-list-foreign-suite.h). Read
 * foreign-suite.h first; a backend file includes both.
 */
#ifndef FOREIGN_SUITE_SERVICE_H
#define FOREIGN_SUITE_SERVICE_H

#include "foreign-suite.h"
#include "test-list-foreign-suite.h"

/* ---- clients of their own ---- */

/* Sends `total` bytes of pattern `seed`, `chunk` at a time with a short
 * pause between, then optionally closes. */
struct fs_sender {
	int fd, close_after;
	unsigned int seed;
	size_t total, chunk, sent;
	atomic_int done;
};

static void *fs_sender_thread(void *arg)
{
	struct fs_sender *s = arg;
	unsigned char buf[4096];

	while (s->sent < s->total) {
		size_t n = s->total - s->sent, i;

		if (n > s->chunk)
			n = s->chunk;
		if (n > sizeof(buf))
			n = sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = fs_byte(s->seed, s->sent + i);
		if (send(s->fd, buf, n, MSG_NOSIGNAL) != (ssize_t)n)
			break;
		s->sent += n;
		usleep(2000);
	}
	if (s->close_after) {
		close(s->fd);
		s->fd = -1;
	}
	atomic_store(&s->done, 1);
	return NULL;
}

/* Reads FS_BIG_TOTAL bytes 1000 at a time, once the server has had to
 * keep part of a write (so the rest goes out through the loop's write
 * watcher), checking every byte. */
struct fs_reader {
	int fd;
	size_t got;
	long bad_at;
	atomic_int done;
};

static void *fs_reader_thread(void *arg)
{
	struct fs_reader *r = arg;
	unsigned char buf[1000];
	int waited;

	r->bad_at = -1;
	for (waited = 0; !atomic_load(&fs.big_buffered) &&
			 waited < capi_scaled_ms(5000);
	     waited++)
		usleep(1000);
	while (r->got < FS_BIG_TOTAL) {
		size_t want = FS_BIG_TOTAL - r->got, i;
		ssize_t n;

		if (want > sizeof(buf))
			want = sizeof(buf);
		n = recv(r->fd, buf, want, 0);
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != fs_byte(7, r->got + i) && r->bad_at < 0)
				r->bad_at = (long)(r->got + i);
		r->got += (size_t)n;
	}
	atomic_store(&r->done, 1);
	return NULL;
}

/* ---- scenarios ---- */

/* Connect one client and wait for its RAW_ADOPT. */
static int fs_connect_adopted(int port)
{
	int fd = fs_connect(port), want = fs.adopted + 1;

	FS_ITERATE_UNTIL(fs.adopted == want, 2000);
	ASSERT_EQ(fs.adopted, want);
	return fd;
}

static void fs_timer_cb(lws_sorted_usec_list_t *sul);

/* Each delay is scaled like every bound (CAPI_TIMEOUT_MULT): the order
 * of deadlines scheduled one after the other must not change because the
 * calls between them are slow (valgrind). */
static void fs_arm(int i, char name, int ms)
{
	struct fs_timer *t = &fs.t[i];

	ms = capi_scaled_ms(ms);
	t->name = name;
	t->due = fs_now_us() + (long long)ms * 1000;
	lws_sul_schedule(fs.cx, 0, &t->sul, fs_timer_cb, FS_MS(ms));
}

static void fs_timer_cb(lws_sorted_usec_list_t *sul)
{
	struct fs_timer *t = lws_container_of(sul, struct fs_timer, sul);

	fs_check_due(t->due);
	t->fired++;
	if (fs.norder < (int)sizeof(fs.order) - 1)
		fs.order[fs.norder++] = t->name;
	trace_line("sul %c", t->name);
	if (t->name == 'D') {
		/* from inside a callback: Q 10, R 20, S 25 (cancelled), P 30 */
		fs_arm(5, 'P', 30);
		fs_arm(6, 'Q', 10);
		fs_arm(7, 'R', 20);
		fs_arm(3, 'S', 25);
		lws_sul_cancel(&fs.t[3].sul);
	}
}

/* Suls fire in deadline order, never early, and a cancelled one never:
 * A 30, B 10, C 20, D 40 and E 25 (cancelled) from the application right
 * after lws_create_context, before its loop turns; then, from D's
 * callback, P 30, Q 10, R 20 and S 25 (cancelled). A cancelled sul would
 * have fired before the next later one did. */
static void fs_timers(void)
{
	fs_begin();
	ASSERT_NOT_NULL(fs_create(fl_loop, 0));
	trace_line("-- A 30, B 10, C 20, D 40, E 25; cancel E");
	fs_arm(0, 'A', 30);
	fs_arm(1, 'B', 10);
	fs_arm(2, 'C', 20);
	fs_arm(3, 'E', 25);
	fs_arm(4, 'D', 40);
	lws_sul_cancel(&fs.t[3].sul);
	FS_ITERATE_UNTIL(fs.t[5].fired, 3000);
	ASSERT_EQ(fs.inits, 1);
	ASSERT_STR_EQ(fs.order, "BCADQRP");
	ASSERT_EQ(fs.t[3].fired, 0);
	ASSERT_EQ(fs.sul_early, 0);
	fs_ticks_on(2);
	ASSERT_STR_EQ(fs.order, "BCADQRP");

	fs_destroy();
	fs_end();
}

/* A sul the application schedules while rwsloop is idle (nothing of it
 * due, its loop timer stopped), from its own code between loop turns
 * (from_cb 0) or from its own timer's callback (from_cb 1): it fires, and
 * in time, not at rwsloop's next descriptor event. */
static void fs_sul_from_app(int from_cb)
{
	int guard;

	fs_start(FS_ECHO);
	fs_ticks_on(10);
	guard = fs_ticks() + FS_GUARD_TICKS;
	if (from_cb) {
		fs.sul_app_at_tick = fs_ticks() + 5;
	} else {
		fs.sul_app_due = fs_now_us() + 20000;
		lws_sul_schedule(fs.cx, 0, &fs.sul_app, fs_sul_app, FS_MS(20));
	}
	FS_ITERATE_UNTIL(fs.sul_app_fired || fs_ticks() >= guard, 5000);
	if (fs.sul_app_fired)
		printf("sul fired %lld us after it was due, at tick %d "
		       "(guard %d)\n", fs.sul_app_fired_at - fs.sul_app_due,
		       fs.sul_app_fired_tick, guard);
	ASSERT_EQ(fs.sul_app_fired, 1);
	ASSERT_LT(fs.sul_app_fired_tick, guard);
	if (from_cb)
		ASSERT_GE(fs.sul_app_fired_tick, fs.sul_app_at_tick);
	ASSERT_EQ(fs.sul_early, 0);
	fs_ticks_on(3);
	ASSERT_EQ(fs.sul_app_fired, 1);
	fs_destroy();
	fs_end();
}

static void *fs_cancel_later(void *arg)
{
	(void)arg;
	usleep(20000); /* let the loop go back to waiting */
	lws_cancel_service(fs.cx);
	return NULL;
}

static void *fs_cancel_many(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 50; i++)
		lws_cancel_service(fs.cx);
	return NULL;
}

/* lws_cancel_service from another thread wakes the loop in time and the
 * broadcast runs on the loop thread, inside the application's loop; many
 * cancels before the loop turns (from the application, from 4 threads at
 * once) make one broadcast. */
static void fs_cancel(void)
{
	pthread_t th[4];
	int base, guard, i;

	fs_start(FS_ECHO);
	fs_ticks_on(3);
	base = atomic_load(&fs.cancelled);

	trace_line("-- another thread cancels");
	guard = fs_ticks() + FS_GUARD_TICKS;
	ASSERT_EQ(pthread_create(&th[0], NULL, fs_cancel_later, NULL), 0);
	FS_ITERATE_UNTIL(atomic_load(&fs.cancelled) > base ||
				 fs_ticks() >= guard, 5000);
	ASSERT_EQ(pthread_join(th[0], NULL), 0);
	ASSERT_EQ(atomic_load(&fs.cancelled), base + 1);
	ASSERT_LT(fs_ticks(), guard);
	fs_ticks_on(5);
	ASSERT_EQ(atomic_load(&fs.cancelled), base + 1);

	trace_line("-- 100 cancels");
	for (i = 0; i < 100; i++)
		lws_cancel_service(fs.cx);
	fs_ticks_on(5);
	ASSERT_EQ(atomic_load(&fs.cancelled), base + 2);

	trace_line("-- 4 threads x 50 cancels");
	for (i = 0; i < 4; i++)
		ASSERT_EQ(pthread_create(&th[i], NULL, fs_cancel_many, NULL), 0);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(pthread_join(th[i], NULL), 0);
	fs_ticks_on(5);
	ASSERT_EQ(atomic_load(&fs.cancelled), base + 3);
	ASSERT_EQ(fs.cancel_wrong_thread, 0);
	ASSERT_EQ(fs.cancel_outside_loop, 0);

	fs_destroy();
	fs_end();
}

/* lws_set_timeout(wsi, reason, 1) on an idle connection (set in its
 * RAW_ADOPT) closes it, with RAW_CLOSE, not before a second has passed;
 * its client sees the hang-up; a second connection is not touched. */
static void fs_timeout(void)
{
	int port, a, b;
	char x = 'x', y = 0;

	port = fs_start(FS_ECHO);
	fs.timeout_first = 1;
	a = fs_connect_adopted(port);
	b = fs_connect_adopted(port);
	FS_ITERATE_UNTIL(fs.closed, 5000);
	ASSERT_EQ(fs.closed, 1);
	ASSERT_NULL(fs.wsi[0]);
	ASSERT_NOT_NULL(fs.wsi[1]);
	ASSERT_GE(fs.closed_at[0] - fs.timeout_set_at, 950 * 1000);
	fs_expect_eof(a);

	/* the other one still echoes */
	ASSERT_EQ(send(b, &x, 1, MSG_NOSIGNAL), 1);
	FS_ITERATE_UNTIL(fs.rx == 1, 2000);
	ASSERT_EQ(recv(b, &y, 1, 0), 1);
	ASSERT_EQ(y, 'x');
	fs_ticks_on(3);
	ASSERT_EQ(fs.closed, 1);

	fs_destroy();
	fs_expect_eof(b);
	fs_end();
	ASSERT_EQ(fs.closed, 2);
}

/* Three lws_callback_on_writable before the loop turns: one
 * RAW_WRITEABLE. One more request, and one made inside RAW_WRITEABLE: one
 * callback each, the second on a later turn, never nested. */
static void fs_writable_coalesce(void)
{
	struct lws *w;
	int port, fd;

	port = fs_start(FS_ECHO);
	fd = fs_connect_adopted(port);
	w = fs.wsi[0];
	fs_ticks_on(3);
	ASSERT_EQ(fs.writeable, 0);

	trace_line("-- three requests");
	ASSERT_EQ(lws_callback_on_writable(w), 1);
	ASSERT_EQ(lws_callback_on_writable(w), 1);
	ASSERT_EQ(lws_callback_on_writable(w), 1);
	FS_ITERATE_UNTIL(fs.writeable, 2000);
	fs_ticks_on(5);
	ASSERT_EQ(fs.writeable, 1);

	trace_line("-- one request, and one more inside WRITEABLE");
	fs.rearm_once = 1;
	ASSERT_EQ(lws_callback_on_writable(w), 1);
	FS_ITERATE_UNTIL(fs.writeable == 3, 2000);
	fs_ticks_on(5);
	ASSERT_EQ(fs.writeable, 3);
	ASSERT_GT(fs.writeable_turn[2], fs.writeable_turn[1]);
	ASSERT_EQ(fs.nested, 0);
	ASSERT_EQ(fs.closed, 0);

	fs_destroy();
	fs_expect_eof(fd);
	fs_end();
}

/* 1 MiB written from RAW_WRITEABLE, 64 KiB at a time, to a client with a
 * small receive buffer that starts reading only once lws had to keep part
 * of a write: every byte arrives, in order, nothing more; RAW_WRITEABLE
 * never comes while lws still holds bytes. */
static void fs_write_slow_reader(void)
{
	static struct fs_reader r;
	pthread_t th;
	int port;
	char c;

	port = fs_start(FS_BIG);
	memset(&r, 0, sizeof(r));
	r.fd = fs_connect_rcvbuf(port, 4096);
	ASSERT_EQ(pthread_create(&th, NULL, fs_reader_thread, &r), 0);
	FS_ITERATE_UNTIL(atomic_load(&r.done), 10000);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(r.got, FS_BIG_TOTAL);
	ASSERT_EQ(r.bad_at, -1);
	ASSERT_EQ(fs.big_queued, FS_BIG_TOTAL);
	ASSERT_GT(atomic_load(&fs.big_buffered), 0);
	ASSERT_EQ(fs.big_held_back_wrong, 0);
	ASSERT_EQ(fs.write_errors, 0);
	ASSERT_EQ(fs.nested, 0);
	ASSERT_EQ(lws_partial_buffered(fs.wsi[0]), 0);
	fs_ticks_on(5);
	ASSERT_EQ(recv(r.fd, &c, 1, MSG_DONTWAIT), -1);
	ASSERT_EQ(errno, EAGAIN);
	ASSERT_EQ(fs.closed, 0);

	fs_destroy();
	close(r.fd);
	fs_end();
}

static void fs_check_sink(unsigned int seed, size_t from, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (fs.sink[from + i] != fs_byte(seed, i))
			ASSERT_EQ(i, len); /* names the first bad offset */
}

/* lws_rx_flow_control(wsi, 0) from the application: RAW_RX stops while
 * the client goes on sending; (wsi, 1): what was held arrives, every byte.
 * Then the protocol pauses inside each RAW_RX and the application resumes
 * it: 12000 bytes arrive whole, nothing while paused, and the client's
 * hang-up is seen only after the last byte. */
static void fs_rx_flow(void)
{
	struct fs_sender s;
	pthread_t th;
	struct lws *w;
	int port, resumes = 0;
	long long end;

	port = fs_start(FS_SINK);
	memset(&s, 0, sizeof(s));
	s.fd = fs_connect_adopted(port);
	w = fs.wsi[0];

	trace_line("-- flow off");
	ASSERT_EQ(lws_rx_flow_control(w, 0), 0);
	s.seed = 2;
	s.total = 32 * 1024;
	s.chunk = 4096;
	ASSERT_EQ(pthread_create(&th, NULL, fs_sender_thread, &s), 0);
	FS_ITERATE_UNTIL(atomic_load(&s.done), 5000);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(s.sent, s.total);
	fs_ticks_on(5);
	ASSERT_EQ(fs.rx_calls, 0);

	trace_line("-- flow on");
	ASSERT_EQ(lws_rx_flow_control(w, 1), 0);
	FS_ITERATE_UNTIL(fs.sink_len >= s.total, 2000);
	ASSERT_EQ(fs.sink_len, s.total);
	fs_check_sink(2, 0, s.total);

	trace_line("-- paused in each RAW_RX");
	fs.pause_in_rx = 1;
	fs.sink_len = 0;
	s.seed = 3;
	s.total = 12000;
	s.chunk = 4096;
	s.sent = 0;
	s.close_after = 1;
	atomic_store(&s.done, 0);
	ASSERT_EQ(pthread_create(&th, NULL, fs_sender_thread, &s), 0);
	end = fs_now_us() + (long long)capi_scaled_ms(5000) * 1000;
	while (!fs.closed && fs_now_us() < end) {
		int before = fs.rx_calls;

		FS_ITERATE_UNTIL(fs.rx_calls > before || fs.closed, 2000);
		if (fs.closed)
			break;
		ASSERT_EQ(fs.rx_calls, before + 1);
		/* paused: nothing more, and no hang-up before the data */
		fs_ticks_on(3);
		ASSERT_EQ(fs.rx_calls, before + 1);
		ASSERT_EQ(fs.closed, 0);
		fs.paused = 0;
		resumes++;
		lws_rx_flow_control(w, 1);
	}
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(fs.closed, 1);
	ASSERT_EQ(fs.rx_while_paused, 0);
	ASSERT_EQ(fs.sink_len, s.total);
	fs_check_sink(3, 0, s.total);
	ASSERT_GE(resumes, 3); /* at most 4096 bytes per RAW_RX */

	fs_destroy();
	fs_end();
}

/* ---- the tests: one per scenario, named foreign_<backend>_<scenario> ---- */

/* Where rwsloop's trace is known to differ from real lws 4.3.5's (on
 * the backend named, or on every one for NULL): { backend, scenario,
 * why }. check-foreign-lws (mk/foreign.mk) prints the reason instead of
 * comparing. Delete an entry once the traces agree. */
static const struct {
	const char *backend, *scenario, *why;
} fs_lws_differs[] = {
	{ "uv", "destroy_500",
	  "lws on libuv finishes a wsi only in the handle's close callback: "
	  "every RAW_CLOSE comes first, then every WSI_DESTROY; rwsloop "
	  "sends both for one wsi before closing the next" },
	{ "glib", "timeout",
	  "lws on glib sends an EVENT_WAIT_CANCELLED right after the first "
	  "connection's RAW_ADOPT (which sets a timeout on it), rwsloop's "
	  "glib plugin none there (it does on libuv and libev)" },
	{ NULL, NULL, NULL }
};

/* With CAPI_FOREIGN_TRACE set: the trace, as <name>.trace, and where it
 * is known to differ from lws's, the reason as <name>.differs. */
static void fs_finish(const char *backend, const char *scenario,
		      const char *name)
{
	const char *dir = getenv("CAPI_TRACE_DIR");
	int i;

	if (!getenv("CAPI_FOREIGN_TRACE"))
		return;
	trace_finish(name, NULL);
	for (i = 0; dir && *dir && fs_lws_differs[i].scenario; i++) {
		char path[512];
		FILE *f;

		if (strcmp(fs_lws_differs[i].scenario, scenario) ||
		    (fs_lws_differs[i].backend &&
		     strcmp(fs_lws_differs[i].backend, backend)))
			continue;
		snprintf(path, sizeof(path), "%s/%s.differs", dir, name);
		f = fopen(path, "w");
		ASSERT_NOT_NULL(f);
		fprintf(f, "%s\n", fs_lws_differs[i].why);
		fclose(f);
	}
}

static const struct {
	const char *scenario, *why;
} fs_known_gaps[] = { FL_KNOWN_GAPS { NULL, NULL } };

static void fs_skip_known_gap(const char *scenario)
{
	int i;

	for (i = 0; fs_known_gaps[i].scenario; i++)
		if (!strcmp(fs_known_gaps[i].scenario, scenario))
			SKIP("known gap: %s", fs_known_gaps[i].why);
}

#define FS_DEFINE_TEST(b, name, flg, call)                                  \
	CAPI_TEST(foreign_##b##_##name, .flags = (flg),                     \
		  .timeout_ms = FS_TIMEOUT_MS)                              \
	{                                                                   \
		fs_skip_known_gap(#name);                                   \
		call;                                                       \
		fs_finish(#b, #name, "foreign_" #b "_" #name);              \
	}

#define FOREIGN_SUITE_TESTS(b) FOREIGN_SCENARIOS(FS_DEFINE_TEST, b)

#endif /* FOREIGN_SUITE_SERVICE_H */
