/*
 * Every test, in the order the runner runs them. Each line X(name) refers
 * to a CAPI_TEST(name, ...) in one of the test-*.c files; flags, timeout
 * and the expect_differs_from_lws reason live with the test itself.
 */

/* test-log.c */
X(log_emit_format)
X(log_level_filter)
X(log_null_emit_keeps_previous)
X(log_default_emit_stderr)
X(log_visible)
X(log_hexdump)
X(log_snprintf)
X(log_library_version)

/* test-context.c */
X(context_create_null)
X(context_user)
X(context_first_pass)
X(context_pvo_filter)
X(context_pvo_destroy)
X(context_vh_priv)
X(context_destroy_in_callback)
X(context_destroy_in_first_pass)
X(context_destroy_in_sul)

/* test-vhost.c */
X(vhost_explicit)
X(vhost_create_after_init)
X(vhost_destroy)

/* test-sul.c */
X(sul_order_distinct)
X(sul_equal_deadlines_lifo)
X(sul_cancel)
X(sul_reschedule_moves)
X(sul_self_reschedule)
X(sul_zero_fires_next_pass)
X(sul_cancel_unscheduled)
X(sul_never_early)

/* test-cancel.c */
X(cancel_from_thread)
X(cancel_coalesce)
X(cancel_before_wait_not_lost)

/* test-service.c */
X(service_null_context)
X(service_nonblocking)
X(service_signal_interrupts_wait)
X(service_no_spin)

/* Raw sockets, files, listeners, clients, UDP, custom event libs and
 * external poll: test-raw*.c, test-udp.c, test-custom*.c, test-extpoll.c */
#include "test-list-raw.h"

/* Bounded stress and idle tests: test-stress*.c, test-idle*.c */
#include "test-list-stress.h"

/* The foreign-loop tests (test-foreign-*.c) are not here: they have a
 * runner of their own, mk/foreign.mk. */

/* test-harness.c: run only when named */
X(harness_pass)
X(harness_fail_int)
X(harness_fail_str)
X(harness_crash)
X(harness_hang)
X(harness_skip)
X(harness_leak)
