/*
 * Out of descriptors while connections wait to be accepted: the process
 * lowers its own RLIMIT_NOFILE (setrlimit) so that the listener can accept
 * only a few of the connections waiting in its queue.
 *
 *  1. With connections still queued and no descriptor left, the loop must
 *     not spin on the ever-readable listener: over a window closed by a
 *     sul of the test, lws_service returns are counted (rwsloop: a small
 *     bounded number per 100 ms, its back-off period).
 *  2. A connection closes (both of its descriptors are freed): the
 *     listener accepts again, exactly as many as there are free
 *     descriptors.
 *  3. The limit is restored: every queued connection is accepted, and
 *     each one echoes a byte.
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "stress-util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define CLIENTS 20
#define ROOM 4 /* descriptors left for accepting */

/* The lowest soft limit that leaves exactly `room` descriptor numbers
 * free below it. */
static long limit_leaving(int room)
{
	static char open_fd[4096];
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fd, free_seen = 0, self;

	ASSERT_NOT_NULL(d);
	memset(open_fd, 0, sizeof(open_fd));
	self = dirfd(d);
	while ((e = readdir(d))) {
		fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd != self && fd >= 0 &&
		    fd < (int)sizeof(open_fd))
			open_fd[fd] = 1;
	}
	closedir(d);
	for (fd = 0; fd < (int)sizeof(open_fd); fd++)
		if (!open_fd[fd] && ++free_seen == room)
			return fd + 1;
	return -1;
}

/* Log lines are counted, and only the first few shown: a library that
 * retries accept() on every pass logs on every pass. */
static long log_lines;

static void count_log(int level, const char *line)
{
	(void)level;
	if (++log_lines <= 3)
		fprintf(stderr, "%s", line);
}

static lws_sorted_usec_list_t window_end;
static int window_over;

static void window_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	__atomic_store_n(&window_over, 1, __ATOMIC_SEQ_CST); /* watched */
}

CAPI_TEST(stress_emfile_backoff, .timeout_ms = 60000,
	  .expect_differs_from_lws =
		  "out of descriptors with connections queued, lws 4.3.5 and "
		  "4.1.6 retry accept() on every pass and never sleep: some "
		  "150,000-300,000 lws_service returns in 500 ms, each "
		  "logging 'accept: errno 24'; rwsloop pauses the listener "
		  "100 ms at a time (about 2 passes and 1 log line per 100 "
		  "ms) and resumes early when a descriptor is freed")
{
	struct lws_context *cx;
	struct stress_watchdog wd;
	struct timeval tmo = { 5, 0 };
	struct rlimit saved, low;
	long passes = 0, nv0, nv1, window_ms, logs0;
	long long t0, t1;
	int c[CLIENTS], i;
	char b;

	if (stress_on_valgrind())
		/* valgrind keeps RLIMIT_NOFILE to itself: the kernel's limit
		 * does not change, and a descriptor accept() returns above
		 * the emulated one is closed, so connections are lost. */
		SKIP("valgrind emulates RLIMIT_NOFILE");
	cx = stress_echo_start();
	ASSERT_NOT_NULL(cx);
	lws_set_log_level(LLL_ERR | LLL_WARN, count_log);
	for (i = 0; i < CLIENTS; i++) {
		/* Connected by the kernel, waiting in the accept queue. */
		c[i] = stress_connect(stress_echo.port);
		ASSERT_GE(c[i], 0);
		ASSERT_EQ(setsockopt(c[i], SOL_SOCKET, SO_RCVTIMEO, &tmo,
				     sizeof(tmo)),
			  0);
	}

	ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
	low = saved;
	low.rlim_cur = (rlim_t)limit_leaving(ROOM);
	ASSERT_GT((long)low.rlim_cur, 0);
	ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);

	/* The first ROOM connections are accepted, then none. */
	SERVICE_UNTIL(cx, stress_echo.adopted >= ROOM, 5000);
	ASSERT_EQ(stress_echo.adopted, ROOM);

	/* 1. A window of 500 ms with the queue still full. */
	wd.cx = cx;
	wd.progress = &window_over;
	wd.stall_ms = 3000;
	ASSERT_EQ(stress_watchdog_start(&wd), 0);
	lws_sul_schedule(cx, 0, &window_end, window_cb, 500000);
	nv0 = stress_thread_nvcsw();
	logs0 = log_lines;
	t0 = now_us();
	while (!window_over && passes < 100000000L) {
		ASSERT_EQ(lws_service(cx, 0), 0);
		passes++;
	}
	t1 = now_us();
	nv1 = stress_thread_nvcsw();
	stress_watchdog_stop(&wd);
	window_ms = (long)((t1 - t0) / 1000);
	printf("out of descriptors for %ld ms with %d connections queued: "
	       "%ld lws_service returns, %ld voluntary context switches, "
	       "%ld log lines, %d watchdog cancels, %ld accepted\n",
	       window_ms, CLIENTS - ROOM, passes, nv1 - nv0,
	       log_lines - logs0, wd.kicks, stress_echo.adopted);
	ASSERT_EQ(window_over, 1);
	ASSERT_EQ(stress_echo.adopted, ROOM);
	if (IS_RWSLOOP) {
		ASSERT_EQ(wd.kicks, 0);
		/* One back-off every 100 ms: a few passes each, not a spin. */
		ASSERT_LE(passes, 4 * (window_ms / 100 + 2));
		ASSERT_LE(log_lines - logs0, window_ms / 100 + 2);
	}

	/* 2. One accepted connection closes: its client socket and the
	 * server's side are two free descriptors, so two more accepts. */
	close(c[0]);
	c[0] = -1;
	SERVICE_UNTIL(cx, stress_echo.closed == 1 &&
				  stress_echo.adopted == ROOM + 2,
		      5000);
	printf("after one close: %ld accepted, %ld closed\n",
	       stress_echo.adopted, stress_echo.closed);
	ASSERT_EQ(stress_echo.closed, 1);
	ASSERT_EQ(stress_echo.adopted, ROOM + 2);

	/* 3. Descriptors again: every queued connection is accepted. */
	ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
	SERVICE_UNTIL(cx, stress_echo.adopted == CLIENTS, 5000);
	ASSERT_EQ(stress_echo.adopted, CLIENTS);
	for (i = 1; i < CLIENTS; i++)
		ASSERT_EQ(write(c[i], "e", 1), 1);
	SERVICE_UNTIL(cx, stress_echo.tx_bytes == CLIENTS - 1, 5000);
	ASSERT_EQ(stress_echo.tx_bytes, CLIENTS - 1);
	for (i = 1; i < CLIENTS; i++) {
		ASSERT_EQ(read(c[i], &b, 1), 1);
		ASSERT_EQ(b, 'e');
		close(c[i]);
	}
	SERVICE_UNTIL(cx, stress_echo.closed == CLIENTS, 5000);
	ASSERT_EQ(stress_echo.closed, CLIENTS);
	lws_context_destroy(cx);
}
