/*
 * capi-tests stress helpers: counts that scale with the build, descriptor
 * and context-switch counters, a raw echo listener, and a client engine
 * that opens many plain TCP connections to it and checks every byte that
 * comes back.
 *
 * Nothing here asserts on wall-clock time: the tests count (passes,
 * wakeups, callbacks, bytes) and only bound their waits with generous
 * safety deadlines.
 */
#ifndef CAPI_STRESS_UTIL_H
#define CAPI_STRESS_UTIL_H

#include <libwebsockets.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* ThreadSanitizer build (mk/stress.mk): it defers asynchronous signals to
 * its next interceptor, which a thread blocked in (or looping through)
 * uninstrumented library code may not reach, so signal tests leave the
 * signals out there. */
#if defined(__SANITIZE_THREAD__)
#define STRESS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STRESS_TSAN 1
#endif
#endif
#ifndef STRESS_TSAN
#define STRESS_TSAN 0
#endif

/* ---- sizing ---- */

/* Nonzero when the run is slowed down: under valgrind (detected directly
 * when valgrind.h is available, else by CAPI_TIMEOUT_MULT > 1, which the
 * harness sets for its valgrind run). */
int stress_slow(void);

/* Nonzero when running under valgrind (only detectable when valgrind.h
 * was available at build time). */
int stress_on_valgrind(void);

/*
 * The count a test should use: `full` against rwsloop, `lws` against the
 * real lws (whose scheduler and loop are much slower at volume), `slow`
 * under valgrind. CAPI_STRESS_DIV=N (N > 1) divides the result further,
 * for a quick local run.
 */
long stress_count(long full, long lws, long slow);

/* ---- process counters ---- */

/* Open descriptors of this process (/proc/self/fd, the directory's own
 * descriptor not counted); -1 if /proc is unavailable. */
int stress_open_fds(void);

/* Voluntary context switches of the calling thread so far. */
long stress_thread_nvcsw(void);

/* Raise the soft RLIMIT_NOFILE to at least `want` (up to the hard limit).
 * Returns the soft limit now in force. */
long stress_raise_nofile(long want);

/* ---- a watchdog for tests that let lws_service block ---- */

/*
 * Real lws can sleep through a due sul until its own next timer (~30 s
 * away): a test that lets lws_service block on a sul of its own would then
 * hang. The watchdog thread watches a progress counter (read atomically);
 * when it has not moved for `stall_ms` (scaled by CAPI_TIMEOUT_MULT), it
 * calls lws_cancel_service (the one call allowed from another thread)
 * every 100 ms until it moves, counting `kicks`. A test asserts
 * kicks == 0 where the library must not need them.
 */
struct stress_watchdog {
	struct lws_context *cx;
	const int *progress;
	int stall_ms;
	int kicks;
	int stop;
	pthread_t th;
};

int stress_watchdog_start(struct stress_watchdog *w);
void stress_watchdog_stop(struct stress_watchdog *w);

/* ---- the echo server: a raw listener on 127.0.0.1, ephemeral port ---- */


struct stress_echo {
	struct lws_context *cx;
	int port;
	/* counted by the protocol callback */
	long adopted;       /* RAW_ADOPT */
	long closed;        /* RAW_CLOSE */
	long live, max_live;
	long long rx_bytes; /* handed to RAW_RX */
	long long tx_bytes; /* accepted by lws_write */
	long write_errors;  /* lws_write returned other than len */
	long rx_calls;
	int sndbuf;         /* set before connecting: SO_SNDBUF for each
			     * accepted socket (0: the kernel's default) */
	long partial;       /* lws_partial_buffered() after an lws_write */
};

extern struct stress_echo stress_echo;

/*
 * A context whose only vhost listens on 127.0.0.1 (port chosen by the
 * kernel) and hands accepted connections, as raw sockets, to protocol
 * "echo", which writes back every byte it receives with lws_write straight
 * from RAW_RX (so it relies on lws_write keeping what the kernel does not
 * take). Returns NULL on failure. The start-up is settled.
 */
struct lws_context *stress_echo_start(void);

/* ---- the client engine ---- */

struct stress_clients {
	/* input */
	int port;
	int n;                 /* connections */
	size_t min_len, max_len; /* message length, per connection, in range */
	int max_unanswered;    /* connections opened whose first echo byte has
				* not come back yet (paces the accept queue) */
	int hold;              /* keep every connection open until all are
				* verified, then close all (peak = n) */
	int rcvbuf;            /* SO_RCVBUF for each client (0: default): a
				* small one makes the server's sends partial */
	int send_first;        /* read nothing before the whole message is
				* sent, so the echo piles up in the server */
	int deadline_ms;       /* safety bound for the whole run (scaled) */
	struct lws_context *wake; /* lws_cancel_service()d when done, or NULL */
	/* output */
	int verified;          /* connections whose whole echo matched */
	int failed;
	long long bytes_sent, bytes_verified;
	int peak_open;
	char error[256];       /* first failure, "" if none */
};

/* Run the clients to completion (blocking; from a thread or a forked
 * child, never from the service thread). Returns 0 when all n connections
 * were verified. Each connection i sends a pattern unique to i and checks
 * the echo byte for byte. */
int stress_clients_run(struct stress_clients *c);

/* Byte `off` of connection `id`'s pattern. */
uint8_t stress_pattern(uint32_t id, uint64_t off);

/* A connected, blocking TCP socket to 127.0.0.1:port, or -1. */
int stress_connect(int port);

#endif /* CAPI_STRESS_UTIL_H */
