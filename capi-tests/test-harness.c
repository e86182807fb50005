/*
 * The harness's own checks, run only when named (CAPI_MANUAL): each shows
 * that the runner tells a pass, a failed assertion, a crash, a hang and a
 * skip apart. mk/capi.mk runs them and checks the summary line.
 */
#include "task.h"

#include <stdlib.h>
#include <unistd.h>

CAPI_TEST(harness_pass, .flags = CAPI_MANUAL)
{
	ASSERT_EQ(2 + 2, 4);
	ASSERT_STR_EQ("same", "same");
}

CAPI_TEST(harness_fail_int, .flags = CAPI_MANUAL)
{
	int two = 2;

	ASSERT_EQ(two + two, 5);
}

CAPI_TEST(harness_fail_str, .flags = CAPI_MANUAL)
{
	ASSERT_STR_EQ("left", "right");
}

CAPI_TEST(harness_crash, .flags = CAPI_MANUAL)
{
	abort();
}

CAPI_TEST(harness_hang, .flags = CAPI_MANUAL, .timeout_ms = 300)
{
	for (;;)
		pause();
}

CAPI_TEST(harness_skip, .flags = CAPI_MANUAL)
{
	SKIP("skips say why");
}

/* Loses a heap block: must fail under LeakSanitizer and under valgrind
 * (mk/capi.mk checks that, so a leak checker that silently does not run,
 * e.g. LSan under ptrace, is noticed). Passes elsewhere. */
static void *volatile lost;

CAPI_TEST(harness_leak, .flags = CAPI_MANUAL)
{
	lost = malloc(4096);
	ASSERT_NOT_NULL(lost);
	lost = NULL;
}
