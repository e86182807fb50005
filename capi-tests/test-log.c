/*
 * Logging and small utilities: lws_set_log_level, the emit function and the
 * line it receives, lwsl_visible, lwsl_hexdump_level, lws_snprintf,
 * lws_get_library_version.
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CAUGHT 32

static struct {
	int level;
	char line[512];
} caught[MAX_CAUGHT];
static int ncaught;

static void catch_emit(int level, const char *line)
{
	if (ncaught < MAX_CAUGHT) {
		caught[ncaught].level = level;
		snprintf(caught[ncaught].line, sizeof(caught[0].line), "%s",
			 line);
	}
	ncaught++;
}

/*
 * Splits "[YYYY/MM/DD HH:MM:SS:ffff] L: message" (the lws 4.3 shape). Returns
 * the message part and fills tm and letter, or returns NULL if the line
 * does not have that shape.
 */
static const char *split_prefixed(const char *line, struct tm *tm,
				  char *letter)
{
	static const char shape[] = "[dddd/dd/dd dd:dd:dd:dddd] L: ";
	size_t i;

	for (i = 0; i < sizeof(shape) - 1; i++) {
		char c = line[i];

		if (shape[i] == 'd' ? (c < '0' || c > '9')
				    : shape[i] == 'L' ? c < 'A' || c > 'Z'
						      : c != shape[i])
			return NULL;
	}
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = atoi(line + 1) - 1900;
	tm->tm_mon = atoi(line + 6) - 1;
	tm->tm_mday = atoi(line + 9);
	tm->tm_hour = atoi(line + 12);
	tm->tm_min = atoi(line + 15);
	tm->tm_sec = atoi(line + 18);
	tm->tm_isdst = -1;
	*letter = line[27];
	return line + sizeof(shape) - 1;
}

/* The message part of a caught line: after the prefix if there is one. */
static const char *message_of(const char *line)
{
	struct tm tm;
	char letter;
	const char *msg = split_prefixed(line, &tm, &letter);

	return msg ? msg : line;
}

/* Records a caught line in the trace: level, the prefix letter if asked
 * for ('-' when the line has no prefix), the escaped message. */
static void trace_caught(int i, int with_letter)
{
	char esc[600], letter = '-';
	const char *msg, *p;
	struct tm tm;
	size_t n = 0;

	msg = split_prefixed(caught[i].line, &tm, &letter);
	if (!msg) {
		msg = caught[i].line;
		letter = '-';
	}
	for (p = msg; *p && n < sizeof(esc) - 3; p++) {
		if (*p == '\n') {
			esc[n++] = '\\';
			esc[n++] = 'n';
		} else {
			esc[n++] = *p;
		}
	}
	esc[n] = '\0';
	if (with_letter)
		trace_line("log %d %c \"%s\"", caught[i].level, letter, esc);
	else
		trace_line("log %d \"%s\"", caught[i].level, esc);
}

CAPI_TEST(log_emit_format, .flags = CAPI_TRACE | CAPI_NEEDS_43)
{
#if CAPI_HAVE_43
	static const struct {
		int level;
		char letter;
		const char *msg;
	} want[] = {
		{ LLL_ERR, 'E', "an error 42\n" },
		{ LLL_WARN, 'W', "a warning\n" },
		{ LLL_NOTICE, 'N', "ends in a newline\n" },
		{ LLL_USER, 'U', "user\n" },
	};
	time_t before, after;
	int i;

	/* Local time, and a zone that is not UTC, so the test sees which. */
	setenv("TZ", "UTC-3", 1);
	tzset();

	lws_set_log_level(LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_USER,
			  catch_emit);
	before = time(NULL);
	lwsl_err("an error %d", 42);
	lwsl_warn("a warning");
	lwsl_notice("ends in a newline\n");
	lwsl_user("user");
	lwsl_info("filtered out");
	lwsl_debug("filtered out");
	after = time(NULL);

	ASSERT_EQ(ncaught, 4);
	for (i = 0; i < 4; i++) {
		struct tm tm;
		char letter = 0;
		const char *msg = split_prefixed(caught[i].line, &tm, &letter);
		time_t stamp;

		trace_caught(i, 1);
		ASSERT_EQ(caught[i].level, want[i].level);
		ASSERT_NOT_NULL(msg);
		ASSERT_EQ(letter, want[i].letter);
		/* exactly one trailing newline, added when missing */
		ASSERT_STR_EQ(msg, want[i].msg);
		stamp = mktime(&tm);
		ASSERT_GE(stamp, before - 1);
		ASSERT_LE(stamp, after + 1);
	}

	/* A level with more than one bit set gets no prefix at all. */
	ncaught = 0;
	_lws_log(LLL_ERR | LLL_WARN, "two bits");
	ASSERT_EQ(ncaught, 1);
	ASSERT_EQ(caught[0].level, LLL_ERR | LLL_WARN);
	ASSERT_STR_EQ(caught[0].line, "two bits\n");
	trace_caught(0, 1);
#endif
}

CAPI_TEST(log_level_filter, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	int i;

	lws_set_log_level(LLL_ERR | LLL_USER, catch_emit);
	lwsl_err("e");
	lwsl_warn("w");
	lwsl_notice("n");
	lwsl_info("i");
	lwsl_debug("d");
	lwsl_user("u");
	ASSERT_EQ(ncaught, 2);
	ASSERT_EQ(caught[0].level, LLL_ERR);
	ASSERT_EQ(message_of(caught[0].line)[0], 'e');
	ASSERT_EQ(caught[1].level, LLL_USER);

	/* A new mask replaces the old one. */
	lws_set_log_level(LLL_WARN, catch_emit);
	lwsl_err("e");
	lwsl_warn("w");
	lwsl_user("u");
	ASSERT_EQ(ncaught, 3);
	ASSERT_EQ(caught[2].level, LLL_WARN);

	/* Mask 0: nothing at all. */
	lws_set_log_level(0, catch_emit);
	lwsl_err("e");
	lwsl_user("u");
	ASSERT_EQ(ncaught, 3);

	for (i = 0; i < ncaught; i++)
		trace_line("log %d", caught[i].level);
}

CAPI_TEST(log_null_emit_keeps_previous, .flags = CAPI_AGREES_41)
{
	lws_set_log_level(LLL_ERR, catch_emit);
	lwsl_err("one");
	ASSERT_EQ(ncaught, 1);
	/* NULL changes only the mask: the custom emit function stays. */
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	lwsl_warn("two");
	ASSERT_EQ(ncaught, 2);
	ASSERT_EQ(caught[1].level, LLL_WARN);
}

CAPI_TEST(log_default_emit_stderr, .flags = CAPI_NEEDS_43)
{
#if CAPI_HAVE_43
	char path[] = "/tmp/capi-log-XXXXXX", buf[256];
	int fd = mkstemp(path), saved = dup(2);
	const char *msg;
	struct tm tm;
	char letter = 0;
	ssize_t n;

	ASSERT_GE(fd, 0);
	unlink(path);
	ASSERT_GE(saved, 0);
	/* The process never set an emit function: lws's default is used. */
	lws_set_log_level(LLL_ERR, NULL);
	fflush(stderr);
	dup2(fd, 2);
	lwsl_err("to stderr %s", "ok");
	lwsl_warn("filtered");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	ASSERT_GT(n, 0);
	buf[n] = '\0';
	msg = split_prefixed(buf, &tm, &letter);
	ASSERT_NOT_NULL(msg);
	ASSERT_EQ(letter, 'E');
	ASSERT_STR_EQ(msg, "to stderr ok\n");
#endif
}

CAPI_TEST(log_visible, .flags = CAPI_AGREES_41)
{
	lws_set_log_level(LLL_ERR | LLL_NOTICE, catch_emit);
	ASSERT_TRUE(lwsl_visible(LLL_ERR));
	ASSERT_TRUE(lwsl_visible(LLL_NOTICE));
	ASSERT_EQ(lwsl_visible(LLL_WARN), 0);
	ASSERT_EQ(lwsl_visible(LLL_INFO), 0);
	ASSERT_EQ(lwsl_visible(LLL_USER), 0);
#if CAPI_HAVE_43
	/* 4.3 answers 0 or 1; 4.1.6 returned the masked bits. */
	ASSERT_EQ(lwsl_visible(LLL_NOTICE), 1);
#endif
	lws_set_log_level(LLL_USER, catch_emit);
	ASSERT_EQ(lwsl_visible(LLL_ERR), 0);
	ASSERT_TRUE(lwsl_visible(LLL_USER));
	ASSERT_EQ(ncaught, 0);
}

CAPI_TEST(log_hexdump, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	static const char *const rows[] = {
		"\n",
		"0000: 1E 25 2C 33 3A 41 48 4F 56 5D 64 6B 72 79 80 87"
		"    .%,3:AHOV]dkry..\n",
		"0010: 8E 95 9C A3 AA B1 B8 BF C6 CD D4 DB E2 E9 F0 F7"
		"    ................\n",
		"0020: FE 05 0C 13 1A 21 28 2F                        "
		"    .....!(/        \n",
		"\n",
	};
	unsigned char buf[40];
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 30);
	lws_set_log_level(LLL_NOTICE, catch_emit);

	lwsl_hexdump_level(LLL_NOTICE, buf, sizeof(buf));
	ASSERT_EQ(ncaught, 5);
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(caught[i].level, LLL_NOTICE);
		ASSERT_STR_EQ(message_of(caught[i].line), rows[i]);
		trace_caught(i, 0);
	}

	/* A level that is filtered out dumps nothing. */
	lwsl_hexdump_level(LLL_INFO, buf, sizeof(buf));
	ASSERT_EQ(ncaught, 5);

	/* Degenerate input gets one explanatory line. */
	lwsl_hexdump_level(LLL_NOTICE, buf, 0);
	ASSERT_EQ(ncaught, 6);
	ASSERT_STR_EQ(message_of(caught[5].line), "(hexdump: zero length)\n");
	trace_caught(5, 0);
	lwsl_hexdump_level(LLL_NOTICE, NULL, 4);
	ASSERT_EQ(ncaught, 7);
	ASSERT_STR_EQ(message_of(caught[6].line), "(hexdump: NULL ptr)\n");
	trace_caught(6, 0);
}

CAPI_TEST(log_snprintf, .flags = CAPI_AGREES_41)
{
	char buf[8];

	/* Fits: the length, like snprintf. */
	ASSERT_EQ(lws_snprintf(buf, sizeof(buf), "%s", "abc"), 3);
	ASSERT_STR_EQ(buf, "abc");
	ASSERT_EQ(lws_snprintf(buf, sizeof(buf), "%d-%d", 12, 34), 5);
	ASSERT_STR_EQ(buf, "12-34");
	ASSERT_EQ(lws_snprintf(buf, sizeof(buf), "%s", "1234567"), 7);
	ASSERT_STR_EQ(buf, "1234567");

	/* Truncated: NUL-terminated, and the return is capped at the size. */
	ASSERT_EQ(lws_snprintf(buf, sizeof(buf), "%s", "12345678"), 8);
	ASSERT_STR_EQ(buf, "1234567");
	ASSERT_EQ(lws_snprintf(buf, sizeof(buf), "%s", "hello world"), 8);
	ASSERT_STR_EQ(buf, "hello w");
	ASSERT_EQ(lws_snprintf(buf, 1, "%s", "xyz"), 1);
	ASSERT_STR_EQ(buf, "");

	/* Size 0 writes nothing and returns 0. */
	memcpy(buf, "keep", 5);
	ASSERT_EQ(lws_snprintf(buf, 0, "%s", "xyz"), 0);
	ASSERT_STR_EQ(buf, "keep");
}

CAPI_TEST(log_library_version, .flags = CAPI_AGREES_41)
{
	const char *v = lws_get_library_version();
	char want[32];

	ASSERT_NOT_NULL(v);
	snprintf(want, sizeof(want), "%d.%d", LWS_LIBRARY_VERSION_MAJOR,
		 LWS_LIBRARY_VERSION_MINOR);
	/* The string agrees with the header the program was built with... */
	ASSERT_EQ(strncmp(v, want, strlen(want)), 0);
#if CAPI_HAVE_43
	/* ...which, for rwsloop and the reference, is 4.3. */
	ASSERT_EQ(strncmp(v, "4.3", 3), 0);
	ASSERT_TRUE(v[3] == '.' || v[3] == '\0' || v[3] == '-');
#endif
}
