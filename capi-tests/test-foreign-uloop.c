/*
 * The foreign-loop suite (capi-tests/foreign-suite.h) on uloop (OpenWrt
 * libubox), through plugins/uloop: the application calls uloop_init and
 * keeps a repeating uloop_timeout of its own.
 *
 * uloop has one loop per process, with no loop object: fl_loop is only a
 * token (any non-NULL info.foreign_loops[0] means "the application's
 * uloop"). What is on the loop is read from outside: the descriptors
 * registered with uloop's epoll instance (/proc/self/fdinfo lists one "tfd:"
 * line per descriptor) and uloop_get_next_timeout() with the application's
 * timer cancelled (-1: no uloop_timeout is pending at all). fl_loop_free
 * checks that uloop_done really closed the epoll instance and gave SIGINT
 * back.
 *
 * Two tests of uloop's own, on the plugin's loop (NULL foreign loop):
 * uloop_own_loop_closed (uloop_done ran with the last context) and
 * uloop_own_loop_children (the plugin leaves the program's children to it).
 */
#define _GNU_SOURCE
#include <libubox/uloop.h>
#include "task.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FL_OPTION LWS_SERVER_OPTION_ULOOP
#define FL_SERVICE_RETURNS 0

static int fl_token;
static void *fl_loop;
static struct uloop_timeout fl_app_timer;
static int fl_app_ms;
/* uloop's epoll descriptor, and how many descriptors uloop watches on its
 * own (its signal pipe) */
static int fl_epfd = -1;
static int fl_base_fds = -1;

static void fs_app_tick(void);

static void fl_app_timer_cb(struct uloop_timeout *t)
{
	uloop_timeout_set(t, fl_app_ms);
	fs_app_tick();
}

static int fl_is_epoll(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	return !strcmp(link, "anon_inode:[eventpoll]");
}

/* The lowest-numbered epoll descriptor above `after`, or -1. */
static int fl_next_epoll(int after)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int best = -1;

	ASSERT_NOT_NULL(d);
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd <= after ||
		    fd == dirfd(d))
			continue;
		if (fl_is_epoll(fd) && (best < 0 || fd < best))
			best = fd;
	}
	closedir(d);
	return best;
}

/* How many descriptors epoll instance `epfd` watches. */
static int fl_watched(int epfd)
{
	char path[64], line[256];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", epfd);
	f = fopen(path, "r");
	ASSERT_NOT_NULL(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "tfd:", 4))
			n++;
	fclose(f);
	return n;
}

/* uloop_init makes one epoll instance: the one that was not there before. */
static void fl_loop_new(void)
{
	int before = fl_next_epoll(-1), fd;

	ASSERT_EQ(before, -1); /* each test runs in a fresh process */
	ASSERT_EQ(uloop_init(), 0);
	fd = fl_next_epoll(-1);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(fl_next_epoll(fd), -1);
	fl_epfd = fd;
	fl_loop = &fl_token;
}

static void fl_timer_start(int ms)
{
	memset(&fl_app_timer, 0, sizeof(fl_app_timer));
	fl_app_ms = ms;
	fl_app_timer.cb = fl_app_timer_cb;
	ASSERT_EQ(uloop_timeout_set(&fl_app_timer, ms), 0);
}

/* One pass: due timeouts, then one descriptor's callback (waiting for one
 * at most until the next timeout, and never longer than a second). */
static void fl_iterate(void)
{
	uloop_run_timeout(1000);
}

/* Before rwsloop: uloop watches only its own signal pipe, and no timeout
 * is pending (fl_timer_start comes after). */
static void fl_snapshot(void)
{
	fl_base_fds = fl_watched(fl_epfd);
	ASSERT_EQ(fl_base_fds, 1);
	ASSERT_EQ(uloop_get_next_timeout(), -1);
}

/* No descriptor of ours in uloop's epoll, no timeout of ours pending (with
 * the app's cancelled, none is), and the app's loop was never told to
 * end. */
static void fl_assert_clean(void)
{
	int pending = fl_app_timer.pending, next;

	ASSERT_EQ(fl_watched(fl_epfd), fl_base_fds);
	uloop_timeout_cancel(&fl_app_timer);
	next = uloop_get_next_timeout();
	if (pending)
		uloop_timeout_set(&fl_app_timer, fl_app_ms);
	ASSERT_EQ(next, -1);
	ASSERT_EQ(uloop_cancelled, 0);
}

static int fl_sigint_is_default(void)
{
	struct sigaction sa;

	ASSERT_EQ(sigaction(SIGINT, NULL, &sa), 0);
	return sa.sa_handler == SIG_DFL;
}

/* uloop_done closes uloop's epoll instance and gives SIGINT back: the loop
 * is really gone. */
static void fl_loop_free(void)
{
	uloop_timeout_cancel(&fl_app_timer);
	ASSERT_EQ(fl_watched(fl_epfd), fl_base_fds);
	ASSERT_EQ(uloop_get_next_timeout(), -1);
	ASSERT_EQ(fl_sigint_is_default(), 0); /* uloop_init's handler */
	uloop_done();
	ASSERT_EQ(fl_next_epoll(-1), -1);
	ASSERT_TRUE(fl_sigint_is_default());
	fl_epfd = -1;
	fl_loop = NULL;
}

#include "foreign-suite.h"
#include "foreign-suite-service.h"

FOREIGN_SUITE_TESTS(uloop)

/* ---- uloop's own ---- */

/* No foreign loop: the plugin's uloop_init comes with the context and its
 * uloop_done with the context's end (the suite's own_loop_destroy_in_cb),
 * after which uloop's epoll instance is closed and SIGINT is back to its
 * default. */
CAPI_TEST(foreign_uloop_own_loop_closed, .timeout_ms = FS_TIMEOUT_MS)
{
	ASSERT_EQ(fl_next_epoll(-1), -1);
	ASSERT_TRUE(fl_sigint_is_default());
	fs_own_loop(1);
	ASSERT_EQ(fl_next_epoll(-1), -1);
	ASSERT_TRUE(fl_sigint_is_default());
}

static pid_t fl_child;
static lws_sorted_usec_list_t fl_sul_fork, fl_sul_end;

/* Ends the test: destroys the context from the loop. */
static void fl_sul_end_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	lws_context_destroy(fs.cx);
	fs.destroy_returned = 1;
}

/* From inside the plugin's loop: a child that exits at once. Once it is a
 * zombie (waited for without reaping it) its SIGCHLD is pending or
 * delivered; the loop then turns a few more times before the end. */
static void fl_sul_fork_cb(lws_sorted_usec_list_t *sul)
{
	siginfo_t si;

	(void)sul;
	fl_child = fork();
	if (fl_child == 0)
		_exit(7);
	ASSERT_GT(fl_child, 0);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_PID, (id_t)fl_child, &si, WEXITED | WNOWAIT), 0);
	ASSERT_EQ(si.si_pid, fl_child);
	lws_sul_schedule(fs.cx, 0, &fl_sul_end, fl_sul_end_cb, FS_MS(30));
}

/* With the plugin's own uloop, a child the program forks and that exits
 * is still the program's to waitpid(): the plugin turns off uloop's
 * SIGCHLD handling (which reaps every child) before its uloop_init. */
CAPI_TEST(foreign_uloop_own_loop_children, .timeout_ms = FS_TIMEOUT_MS)
{
	long long end;
	int status = 0;

	memset(&fs, 0, sizeof(fs));
	ASSERT_NOT_NULL(fs_create(NULL, 0));
	lws_sul_schedule(fs.cx, 0, &fl_sul_fork, fl_sul_fork_cb, FS_MS(10));
	end = fs_now_us() + (long long)capi_scaled_ms(5000) * 1000;
	while (fs.cx && !fs.destroy_returned && fs_now_us() < end)
		ASSERT_EQ(lws_service(fs.cx, 0), 1);
	ASSERT_TRUE(fs.destroy_returned);
	ASSERT_NULL(fs.cx);
	ASSERT_GT(fl_child, 0);
	/* had uloop's handler reaped it, this would fail with ECHILD */
	ASSERT_EQ(waitpid(fl_child, &status, WNOHANG), fl_child);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 7);
	ASSERT_EQ(fl_next_epoll(-1), -1);
}
