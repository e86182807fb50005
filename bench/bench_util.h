/*
 * bench_util.h: the few helpers every bench program shares (clock, option
 * parsing, the fd limit, a hard lifetime). Header-only, no lws in here, so
 * the reference programs (epoll_echo, loadgen, bare) use it too.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Monotonic time in nanoseconds. */
static inline int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* "--name value" from argv as a number, or dflt when absent. */
static inline long long
opt_num(int argc, char **argv, const char *name, long long dflt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return strtoll(argv[i + 1], NULL, 0);
	return dflt;
}

/* Whether a bare "--flag" is present. */
static inline int
opt_flag(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return 0;
}

/* Raise the soft fd limit to the hard one; returns the new soft limit. */
static inline long
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return (long)rl.rlim_cur;
}

/*
 * Every bench process ends by itself: the program's own timer stops it
 * cleanly after its lifetime, and SIGALRM (default action: terminate) a
 * little later is the backstop if the loop is stuck.
 */
static inline void
hard_lifetime(long seconds)
{
	alarm((unsigned)(seconds + 3));
}

/* qsort comparator for uint32_t samples. */
static inline int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n sorted samples. */
static inline uint32_t
quantile_u32(const uint32_t *sorted, size_t n, double q)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return sorted[i < n ? i : n - 1];
}

#endif
