/*
 * Many connections: a raw listener echoes what plain TCP clients (made by
 * the test, not by the library) send; every byte that comes back is
 * checked against the pattern its connection sent.
 *
 *  - stress_conn_many: 1,000 connections at once, 100..4,100 bytes each;
 *  - stress_conn_64k: 10 connections x 64 KiB with tiny client receive
 *    buffers, so the server's sends come back short and lws_write must
 *    keep the rest, in order;
 *  - stress_conn_19000 (manual: name it to run it): 19,000 simultaneous
 *    connections, the clients in a child process so that each side has
 *    its own descriptor limit.
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "stress-util.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static struct stress_clients clients;
static int clients_done;
static int clients_rc;

static void *client_thread(void *arg)
{
	(void)arg;
	clients_rc = stress_clients_run(&clients);
	__atomic_store_n(&clients_done, 1, __ATOMIC_SEQ_CST);
	/* stress_clients_run woke the loop (clients.wake). */
	return NULL;
}

static int all_closed(int n)
{
	return __atomic_load_n(&clients_done, __ATOMIC_SEQ_CST) &&
	       (clients_rc || stress_echo.closed >= n);
}

/* Serve `clients` from a thread until every connection is verified and
 * closed on both sides, then check the counts of both sides. */
static void run_echo(struct lws_context *cx, int n, int hold)
{
	pthread_t th;
	int fds0 = stress_open_fds();

	clients.port = stress_echo.port;
	clients.n = n;
	clients.hold = hold;
	clients.wake = cx;
	ASSERT_EQ(pthread_create(&th, NULL, client_thread, NULL), 0);
	SERVICE_UNTIL(cx, all_closed(n), clients.deadline_ms + 20000);
	if (!__atomic_load_n(&clients_done, __ATOMIC_SEQ_CST))
		capi_fail(__FILE__, __LINE__, "clients finished",
			  "still running at the deadline (the test ends "
			  "here); server: %ld adopted, %ld closed",
			  stress_echo.adopted, stress_echo.closed);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	printf("%d connections: %lld bytes each way, %ld RAW_RX calls, "
	       "peak %ld live on the server, %d open client sockets\n",
	       n, clients.bytes_verified, stress_echo.rx_calls,
	       stress_echo.max_live, clients.peak_open);
	ASSERT_STR_EQ(clients.error, "");
	ASSERT_EQ(clients_rc, 0);
	ASSERT_EQ(clients.verified, n);
	ASSERT_EQ(clients.failed, 0);
	ASSERT_EQ(stress_echo.adopted, n);
	ASSERT_EQ(stress_echo.closed, n);
	ASSERT_EQ(stress_echo.live, 0);
	if (hold)
		ASSERT_EQ(stress_echo.max_live, n);
	ASSERT_EQ(stress_echo.write_errors, 0);
	ASSERT_EQ(stress_echo.rx_bytes, clients.bytes_sent);
	ASSERT_EQ(stress_echo.tx_bytes, clients.bytes_sent);
	ASSERT_EQ(clients.bytes_verified, clients.bytes_sent);
	/* Every accepted descriptor was closed with its connection. */
	ASSERT_EQ(stress_open_fds(), fds0);
}

CAPI_TEST(stress_conn_many, .timeout_ms = 90000)
{
	int n = (int)stress_count(1000, 1000, 100);
	struct lws_context *cx;

	if (stress_raise_nofile(2L * n + 100) < 2L * n + 100)
		SKIP("RLIMIT_NOFILE too low for %d connections", n);
	cx = stress_echo_start();
	ASSERT_NOT_NULL(cx);
	clients.min_len = 100;
	clients.max_len = 4100;
	clients.max_unanswered = 128;
	clients.deadline_ms = 60000;
	run_echo(cx, n, 1);
	lws_context_destroy(cx);
}

CAPI_TEST(stress_conn_64k, .timeout_ms = 60000)
{
	struct lws_context *cx = stress_echo_start();

	ASSERT_NOT_NULL(cx);
	clients.min_len = 65536;
	clients.max_len = 65536;
	clients.max_unanswered = 10;
	stress_echo.sndbuf = 4096;
	clients.rcvbuf = 4096;
	clients.send_first = 1;
	clients.deadline_ms = 30000;
	run_echo(cx, 10, 0);
	printf("lws_partial_buffered() was true after %ld of %ld lws_writes\n",
	       stress_echo.partial, stress_echo.rx_calls);
	/* The small buffers made lws keep output: the case under test. */
	ASSERT_GT(stress_echo.partial, 0);
	ASSERT_EQ(clients.bytes_verified, 10LL * 65536);
	lws_context_destroy(cx);
}

/* ---- 19,000 connections, clients in a child process ---- */

#define BIG_N 19000

static pid_t child;
static int child_status = -1;

static int child_gone(void)
{
	if (child_status == -1 && waitpid(child, &child_status, WNOHANG) <= 0)
		child_status = -1;
	return child_status != -1;
}

CAPI_TEST(stress_conn_19000, .flags = CAPI_MANUAL, .timeout_ms = 600000)
{
	struct lws_context *cx;
	struct rlimit rl;
	int pfd[2], fds0;
	ssize_t got;

	ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < BIG_N + 500)
		SKIP("hard RLIMIT_NOFILE %ld < %d", (long)rl.rlim_max,
		     BIG_N + 500);
	ASSERT_GE(stress_raise_nofile(BIG_N + 500), BIG_N + 500);
	cx = stress_echo_start();
	ASSERT_NOT_NULL(cx);
	fds0 = stress_open_fds();
	ASSERT_EQ(pipe(pfd), 0);

	clients.port = stress_echo.port;
	clients.n = BIG_N;
	clients.min_len = 16;
	clients.max_len = 300;
	clients.max_unanswered = 256;
	clients.hold = 1;
	clients.deadline_ms = 400000;
	clients.wake = NULL;
	fflush(NULL);
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		/* The child never touches the context it inherited. */
		int rc = stress_clients_run(&clients);

		if (write(pfd[1], &clients, sizeof(clients)) < 0)
			rc = 1;
		_exit(rc ? 1 : 0);
	}
	close(pfd[1]);
	SERVICE_UNTIL(cx, child_gone(), 500000);
	if (!child_gone()) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		capi_fail(__FILE__, __LINE__, "client process finished",
			  "still running; server: %ld adopted, %ld closed",
			  stress_echo.adopted, stress_echo.closed);
	}
	got = read(pfd[0], &clients, sizeof(clients));
	close(pfd[0]);
	ASSERT_EQ(got, (ssize_t)sizeof(clients));
	/* The clients closed their sockets as the process ended: wait for
	 * the server to see every one. */
	SERVICE_UNTIL(cx, stress_echo.closed >= BIG_N, 60000);
	printf("%d connections: peak %ld live on the server, %lld bytes "
	       "each way\n",
	       BIG_N, stress_echo.max_live, clients.bytes_verified);
	ASSERT_STR_EQ(clients.error, "");
	ASSERT_TRUE(WIFEXITED(child_status) && WEXITSTATUS(child_status) == 0);
	ASSERT_EQ(clients.verified, BIG_N);
	ASSERT_EQ(clients.peak_open, BIG_N);
	ASSERT_EQ(stress_echo.adopted, BIG_N);
	ASSERT_EQ(stress_echo.max_live, BIG_N);
	ASSERT_EQ(stress_echo.closed, BIG_N);
	ASSERT_EQ(stress_echo.write_errors, 0);
	ASSERT_EQ(stress_echo.rx_bytes, clients.bytes_sent);
	ASSERT_EQ(clients.bytes_verified, clients.bytes_sent);
	ASSERT_EQ(stress_open_fds(), fds0);
	lws_context_destroy(cx);
}
