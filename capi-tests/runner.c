/*
 * capi-tests runner: runs every registered test in its own process, with a
 * timeout, and reports one line per test plus a summary.
 *
 *   capi-tests [-v] [--no-fork] [PATTERN...]   run (all, or those matching)
 *   capi-tests --list [PATTERN...]             name, flags, timeout, reason
 *
 * PATTERN is a shell glob on the test name. Tests flagged CAPI_MANUAL (the
 * harness's own self-tests) run only when a pattern names them exactly.
 *
 * Output: "ok N - name", "not ok N - name # why" (followed by the test's own
 * output, indented), "ok N - name # SKIP why", then exactly one summary line
 *
 *   <passed> passed, <failed> failed, <skipped> skipped
 *
 * which CI reads. The exit status is 1 if anything failed, 2 on a usage
 * error or when no test matches, else 0.
 *
 * Environment: CAPI_TRACE_DIR (where trace tests write <name>.trace),
 * CAPI_TIMEOUT_MULT (integer factor for timeouts and in-test wall-clock
 * bounds, for valgrind), CAPI_VERBOSE=1 (same as -v), RWSLOOP_BACKEND (only
 * echoed in the header line; the library reads it).
 *
 * A child reports a skip by writing "skip <reason>" on the status pipe and
 * exiting with CAPI_EXIT_SKIP; the parent sees the pipe's end-of-file when
 * the child is gone, which is also how it notices a hang.
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"

#include <errno.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CAPI_EXIT_SKIP 77
#define CAPI_DEFAULT_TIMEOUT_MS 10000u

#define X(id) extern const struct capi_test capi_test_##id;
#include "test-list.h"
#undef X

static const struct capi_test *const all_tests[] = {
#define X(id) &capi_test_##id,
#include "test-list.h"
#undef X
};
#define TEST_COUNT (sizeof(all_tests) / sizeof(all_tests[0]))

/* State of the running test, in the child (or in-process with --no-fork). */
static const struct capi_test *current;
static int status_fd = -1;

const char *capi_impl_name(void)
{
	switch (CAPI_IMPL) {
	case CAPI_RWSLOOP:
		return "rwsloop";
	case CAPI_LWS43:
		return "lws-4.3.5";
	default:
		return "lws-4.1.6";
	}
}

static int timeout_mult(void)
{
	const char *s = getenv("CAPI_TIMEOUT_MULT");
	int m = s ? atoi(s) : 1;

	return m > 0 ? m : 1;
}

int capi_scaled_ms(int ms)
{
	return ms * timeout_mult();
}

void capi_fail(const char *file, int line, const char *what, const char *fmt,
	       ...)
{
	char detail[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s:%d: assertion failed: %s\n    %s\n", file, line,
		what, detail);
	if (current && (current->flags & CAPI_TRACE)) {
		char where[600];

		snprintf(where, sizeof(where), "%s:%d: %s", file, line, what);
		trace_finish(current->name, where);
	}
	fflush(NULL);
	exit(1);
}

void capi_skip(const char *fmt, ...)
{
	char reason[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (status_fd >= 0) {
		dprintf(status_fd, "skip %s\n", reason);
	} else {
		printf("skipped: %s\n", reason);
	}
	fflush(NULL);
	exit(CAPI_EXIT_SKIP);
}

void capi_assert_str(const char *file, int line, const char *expr,
		     const char *a, const char *b, int want_equal)
{
	int equal = (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;

	if (equal == want_equal)
		return;
	capi_fail(file, line, expr, "left  \"%s\"\n    right \"%s\"",
		  a ? a : "(null)", b ? b : "(null)");
}

/* A reason to skip decided before forking, or NULL. */
static const char *static_skip(const struct capi_test *t)
{
	if ((t->flags & CAPI_NEEDS_43) && !CAPI_HAVE_43)
		return "needs lws 4.3 API or behaviour";
	if ((t->flags & CAPI_RWSLOOP_ONLY) && !IS_RWSLOOP)
		return t->expect_differs_from_lws ? t->expect_differs_from_lws
						  : "rwsloop only";
	return NULL;
}

/* Body of the child process (or of --no-fork). */
static void run_body(const struct capi_test *t)
{
	current = t;
	trace_begin();
	t->body();
	if (t->flags & CAPI_TRACE)
		trace_finish(t->name, NULL);
	fflush(NULL);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum outcome { PASSED, FAILED, SKIPPED };

struct result {
	enum outcome outcome;
	char why[400];
	long long ms;
	FILE *out; /* the child's stdout and stderr, or NULL */
};

static void dump_output(FILE *out)
{
	char line[1024];

	if (!out)
		return;
	rewind(out);
	while (fgets(line, sizeof(line), out)) {
		size_t n = strlen(line);

		printf("#   %s%s", line,
		       n && line[n - 1] == '\n' ? "" : "\n");
	}
}

static void run_forked(const struct capi_test *t, struct result *r)
{
	unsigned int tmo = t->timeout_ms ? t->timeout_ms
					 : CAPI_DEFAULT_TIMEOUT_MS;
	long long limit = (long long)tmo * timeout_mult();
	long long start = mono_ms();
	char msg[512];
	size_t got = 0;
	int pipefd[2], wstatus = 0, timed_out = 0;
	FILE *out = tmpfile();
	pid_t pid;

	if (!out || pipe(pipefd)) {
		if (out)
			fclose(out);
		r->outcome = FAILED;
		snprintf(r->why, sizeof(r->why), "runner: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fclose(out);
		close(pipefd[0]);
		close(pipefd[1]);
		r->outcome = FAILED;
		snprintf(r->why, sizeof(r->why), "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL); /* the test sees the default */
		close(pipefd[0]);
		status_fd = pipefd[1];
		dup2(fileno(out), STDOUT_FILENO);
		dup2(fileno(out), STDERR_FILENO);
		setvbuf(stdout, NULL, _IONBF, 0);
		run_body(t);
		exit(0);
	}
	setpgid(pid, pid); /* no race either way: both sides set it */
	close(pipefd[1]);

	memset(msg, 0, sizeof(msg));
	for (;;) {
		long long left = limit - (mono_ms() - start);
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		ssize_t n;
		int pr;

		if (left <= 0) {
			timed_out = 1;
			break;
		}
		pr = poll(&pfd, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0) {
			timed_out = pr == 0;
			break;
		}
		n = read(pipefd[0], msg + got, sizeof(msg) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* end of file: the child has exited */
		got += (size_t)n;
		if (got >= sizeof(msg) - 1)
			got = 0; /* a runaway writer: keep the tail */
	}
	close(pipefd[0]);
	if (timed_out) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	r->ms = mono_ms() - start;

	if (timed_out) {
		r->outcome = FAILED;
		snprintf(r->why, sizeof(r->why), "timed out after %lld ms",
			 limit);
	} else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
		r->outcome = PASSED;
	} else if (WIFEXITED(wstatus) &&
		   WEXITSTATUS(wstatus) == CAPI_EXIT_SKIP &&
		   !strncmp(msg, "skip ", 5)) {
		size_t n = strcspn(msg + 5, "\n");

		r->outcome = SKIPPED;
		snprintf(r->why, sizeof(r->why), "%.*s", (int)n, msg + 5);
	} else if (WIFEXITED(wstatus)) {
		r->outcome = FAILED;
		snprintf(r->why, sizeof(r->why), "exit status %d",
			 WEXITSTATUS(wstatus));
	} else {
		r->outcome = FAILED;
		snprintf(r->why, sizeof(r->why), "killed by signal %d (%s)",
			 WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
	}
	r->out = out;
}

static int selected(const struct capi_test *t, int argc, char **argv,
		    int first)
{
	int i;

	if (first >= argc)
		return !(t->flags & CAPI_MANUAL);
	for (i = first; i < argc; i++) {
		if (t->flags & CAPI_MANUAL) {
			if (!strcmp(argv[i], t->name))
				return 1;
		} else if (!fnmatch(argv[i], t->name, 0)) {
			return 1;
		}
	}
	return 0;
}

static void list_flags(const struct capi_test *t, char *buf, size_t len)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {
		{ CAPI_TRACE, "trace" },
		{ CAPI_AGREES_41, "agrees41" },
		{ CAPI_NEEDS_43, "needs43" },
		{ CAPI_RWSLOOP_ONLY, "rwsloop-only" },
		{ CAPI_MANUAL, "manual" },
	};
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(t->flags & names[i].bit))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? "," : "", names[i].name);
		if (used >= len)
			break;
	}
	if (t->expect_differs_from_lws && used < len)
		snprintf(buf + used, len - used, "%sdiffers", used ? "," : "");
	if (!buf[0])
		snprintf(buf, len, "-");
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [-v] [--no-fork] [PATTERN...]\n"
		"       %s --list [PATTERN...]\n",
		argv0, argv0);
}

int main(int argc, char **argv)
{
	int verbose = 0, no_fork = 0, list = 0, first = 1;
	unsigned int passed = 0, failed = 0, skipped = 0, n = 0;
	const char *backend = getenv("RWSLOOP_BACKEND");
	const char *v = getenv("CAPI_VERBOSE");
	size_t i;

	if (v && *v && strcmp(v, "0"))
		verbose = 1;
	for (; first < argc && argv[first][0] == '-'; first++) {
		if (!strcmp(argv[first], "-v")) {
			verbose = 1;
		} else if (!strcmp(argv[first], "--no-fork")) {
			no_fork = 1;
		} else if (!strcmp(argv[first], "--list")) {
			list = 1;
		} else if (!strcmp(argv[first], "--")) {
			first++;
			break;
		} else {
			usage(argv[0]);
			return 2;
		}
	}

	if (list) {
		for (i = 0; i < TEST_COUNT; i++) {
			const struct capi_test *t = all_tests[i];
			char flags[128];

			if (first < argc && !selected(t, argc, argv, first))
				continue;
			list_flags(t, flags, sizeof(flags));
			printf("%s\t%s\t%u\t%s\n", t->name, flags,
			       t->timeout_ms ? t->timeout_ms
					     : CAPI_DEFAULT_TIMEOUT_MS,
			       t->expect_differs_from_lws
				       ? t->expect_differs_from_lws
				       : "");
		}
		return 0;
	}

	if (no_fork) {
		/* One test, in this process: for a debugger. */
		for (i = 0; i < TEST_COUNT; i++) {
			const struct capi_test *t = all_tests[i];
			const char *why;

			if (!selected(t, argc, argv, first))
				continue;
			why = static_skip(t);
			if (why) {
				printf("skipped: %s\n", why);
				return CAPI_EXIT_SKIP;
			}
			run_body(t);
			printf("passed: %s\n", t->name);
			return 0;
		}
		fprintf(stderr, "no test matches\n");
		return 2;
	}

	signal(SIGPIPE, SIG_IGN);
	printf("# capi-tests against %s%s%s\n", capi_impl_name(),
	       backend ? ", RWSLOOP_BACKEND=" : "", backend ? backend : "");
	for (i = 0; i < TEST_COUNT; i++) {
		const struct capi_test *t = all_tests[i];
		struct result r;
		const char *why;

		if (!selected(t, argc, argv, first))
			continue;
		n++;
		memset(&r, 0, sizeof(r));
		why = static_skip(t);
		if (why) {
			r.outcome = SKIPPED;
			snprintf(r.why, sizeof(r.why), "%s", why);
		} else {
			run_forked(t, &r);
		}
		switch (r.outcome) {
		case PASSED:
			passed++;
			printf("ok %u - %s (%lld ms)\n", n, t->name, r.ms);
			break;
		case SKIPPED:
			skipped++;
			printf("ok %u - %s # SKIP %s\n", n, t->name, r.why);
			break;
		case FAILED:
			failed++;
			printf("not ok %u - %s # %s\n", n, t->name, r.why);
			break;
		}
		if (r.outcome == FAILED || verbose)
			dump_output(r.out);
		if (r.out)
			fclose(r.out);
		fflush(stdout);
	}
	if (n == 0) {
		fprintf(stderr, "no test matches\n");
		return 2;
	}
	printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
