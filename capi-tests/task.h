/*
 * capi-tests: the test descriptor, the registration macro and the typed
 * assertions every test file uses.
 *
 * One test = one function plus one descriptor. The runner (runner.c) forks a
 * process per test, so a test may leave global state behind, crash or hang
 * without disturbing the others: a hang is killed at the test's timeout.
 *
 *   CAPI_TEST(sul_order_distinct, .flags = CAPI_TRACE | CAPI_AGREES_41)
 *   {
 *           ...
 *           ASSERT_EQ(fired, 3);
 *   }
 *
 * and a line `X(sul_order_distinct)` in test-list.h. A test passes by
 * returning; an assertion that fails prints both sides and ends the process
 * with a failure; SKIP("why") ends it as skipped.
 *
 * The same sources are compiled three times (see mk/capi.mk): against
 * rwsloop (CAPI_IMPL_RWSLOOP), against the real lws 4.3.5 (CAPI_IMPL_LWS43)
 * and against the real lws 4.1.6 (CAPI_IMPL_LWS41).
 */
#ifndef CAPI_TASK_H
#define CAPI_TASK_H

#include <libwebsockets.h>
#include <stddef.h>

#ifndef LWS_LIBRARY_VERSION_NUMBER
#error "the libwebsockets header under test does not define LWS_LIBRARY_VERSION_NUMBER"
#endif

/* API or behaviour that only lws 4.3 has is compiled in only when the
 * header under test is a 4.3 one. */
#if LWS_LIBRARY_VERSION_NUMBER >= 4003000
#define CAPI_HAVE_43 1
#else
#define CAPI_HAVE_43 0
#endif

enum capi_impl { CAPI_RWSLOOP, CAPI_LWS43, CAPI_LWS41 };

#if defined(CAPI_IMPL_RWSLOOP)
#define CAPI_IMPL CAPI_RWSLOOP
#elif defined(CAPI_IMPL_LWS43)
#define CAPI_IMPL CAPI_LWS43
#elif defined(CAPI_IMPL_LWS41)
#define CAPI_IMPL CAPI_LWS41
#else
#error "build with -DCAPI_IMPL_RWSLOOP, -DCAPI_IMPL_LWS43 or -DCAPI_IMPL_LWS41"
#endif

/* True in the build that runs against rwsloop: guards the assertions that
 * check a deliberate difference from lws (see expect_differs_from_lws). */
#define IS_RWSLOOP (CAPI_IMPL == CAPI_RWSLOOP)

/* Descriptor flags. */
#define CAPI_TRACE       0x01u /* writes a trace that capi-diff compares */
#define CAPI_AGREES_41   0x02u /* lws 4.1.6's trace must equal 4.3.5's too */
#define CAPI_NEEDS_43    0x04u /* API or behaviour 4.1.6 lacks: skipped there */
#define CAPI_RWSLOOP_ONLY 0x08u /* cannot run against real lws (it crashes) */
#define CAPI_MANUAL      0x10u /* runs only when named (harness self-tests) */

struct capi_test {
	const char *name;
	void (*body)(void);
	unsigned int timeout_ms; /* 0: the default, 10 s */
	unsigned int flags;
	/* Set when rwsloop deliberately behaves differently from lws (a fixed
	 * lws bug): the reason, as listed in docs/COMPAT.md. The trace of such
	 * a test is not compared with lws's, and the assertions that check
	 * the rwsloop side are guarded by IS_RWSLOOP. */
	const char *expect_differs_from_lws;
};

#define CAPI_TEST(id, ...)                                                  \
	static void capi_body_##id(void);                                   \
	const struct capi_test capi_test_##id = {                           \
		.name = #id, .body = capi_body_##id, __VA_ARGS__ };         \
	static void capi_body_##id(void)

/* ---- failing and skipping (runner.c) ---- */

#if defined(__GNUC__)
#define CAPI_NORETURN __attribute__((noreturn))
#define CAPI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CAPI_NORETURN
#define CAPI_PRINTF(a, b)
#endif

CAPI_NORETURN void capi_fail(const char *file, int line, const char *what,
			     const char *fmt, ...) CAPI_PRINTF(4, 5);
CAPI_NORETURN void capi_skip(const char *fmt, ...) CAPI_PRINTF(1, 2);

/* Name of the implementation under test: "rwsloop", "lws-4.3.5", ... */
const char *capi_impl_name(void);

/* Scales a wall-clock bound by $CAPI_TIMEOUT_MULT (valgrind runs slower). */
int capi_scaled_ms(int ms);

#define SKIP(...) capi_skip(__VA_ARGS__)

/* ---- typed assertions: each prints the expression and both values ---- */

#define CAPI_ASSERT_INT(op, a, b)                                           \
	do {                                                                \
		long long capi_a_ = (long long)(a);                         \
		long long capi_b_ = (long long)(b);                         \
		if (!(capi_a_ op capi_b_))                                  \
			capi_fail(__FILE__, __LINE__,                       \
				  #a " " #op " " #b,                        \
				  "left %lld, right %lld", capi_a_, capi_b_); \
	} while (0)

#define ASSERT_EQ(a, b) CAPI_ASSERT_INT(==, a, b)
#define ASSERT_NE(a, b) CAPI_ASSERT_INT(!=, a, b)
#define ASSERT_LT(a, b) CAPI_ASSERT_INT(<, a, b)
#define ASSERT_LE(a, b) CAPI_ASSERT_INT(<=, a, b)
#define ASSERT_GT(a, b) CAPI_ASSERT_INT(>, a, b)
#define ASSERT_GE(a, b) CAPI_ASSERT_INT(>=, a, b)

#define ASSERT_TRUE(x)                                                      \
	do {                                                                \
		if (!(x))                                                   \
			capi_fail(__FILE__, __LINE__, #x,                   \
				  "expected true, was false");              \
	} while (0)

#define ASSERT_PTR_EQ(a, b)                                                 \
	do {                                                                \
		const void *capi_a_ = (const void *)(a);                    \
		const void *capi_b_ = (const void *)(b);                    \
		if (capi_a_ != capi_b_)                                     \
			capi_fail(__FILE__, __LINE__, #a " == " #b,         \
				  "left %p, right %p", capi_a_, capi_b_);   \
	} while (0)

#define ASSERT_NULL(p)                                                      \
	do {                                                                \
		const void *capi_p_ = (const void *)(p);                    \
		if (capi_p_ != NULL)                                        \
			capi_fail(__FILE__, __LINE__, #p " == NULL",        \
				  "was %p", capi_p_);                       \
	} while (0)

#define ASSERT_NOT_NULL(p)                                                  \
	do {                                                                \
		if ((const void *)(p) == NULL)                              \
			capi_fail(__FILE__, __LINE__, #p " != NULL",        \
				  "was NULL");                              \
	} while (0)

void capi_assert_str(const char *file, int line, const char *expr,
		     const char *a, const char *b, int want_equal);

#define ASSERT_STR_EQ(a, b)                                                 \
	capi_assert_str(__FILE__, __LINE__, #a " == " #b, (a), (b), 1)
#define ASSERT_STR_NE(a, b)                                                 \
	capi_assert_str(__FILE__, __LINE__, #a " != " #b, (a), (b), 0)

#endif /* CAPI_TASK_H */
