/*
 * The foreign-loop suite: every scenario of capi-tests/foreign-suite.h, run
 * on every backend. One line per scenario:
 *
 *   S(backend, name, flags, call)
 *
 * becomes the test foreign_<backend>_<name> (CAPI_TEST with those flags,
 * body `call`) in capi-tests/test-foreign-<backend>.c, through
 * FOREIGN_SUITE_TESTS(<backend>), and its X() line in the runner's list,
 * through FOREIGN_SUITE_LIST(<backend>) in test-list-foreign-<backend>.h.
 * So a scenario added here runs on every backend, listed by itself.
 *
 * Only the foreign runner (mk/foreign.mk) includes this; the normal capi
 * builds never see the foreign tests.
 */
#ifndef TEST_LIST_FOREIGN_SUITE_H
#define TEST_LIST_FOREIGN_SUITE_H

#define FOREIGN_SCENARIOS(S, b)                                             \
	S(b, echo, 0, fs_echo())                                            \
	S(b, timers, 0, fs_timers())                                        \
	S(b, sul_from_app_code, CAPI_NEEDS_43, fs_sul_from_app(0))                      \
	S(b, sul_from_app_callback, CAPI_NEEDS_43, fs_sul_from_app(1))      \
	S(b, cancel, 0, fs_cancel())                                        \
	S(b, timeout, 0, fs_timeout())                                      \
	S(b, writable_coalesce, 0, fs_writable_coalesce())                  \
	S(b, write_slow_reader, 0, fs_write_slow_reader())                  \
	S(b, rx_flow, CAPI_NEEDS_43, fs_rx_flow())                          \
	S(b, destroy_0, 0, fs_destroy_with(0))                              \
	S(b, destroy_1, 0, fs_destroy_with(1))                              \
	S(b, destroy_500, 0, fs_destroy_with(500))                          \
	S(b, destroy_in_rx, 0, fs_destroy_inside(FS_DESTROY_IN_RX))         \
	S(b, destroy_in_sul, 0, fs_destroy_inside(FS_DESTROY_IN_SUL))       \
	S(b, failed_create, CAPI_NEEDS_43, fs_failed_create())              \
	S(b, never_runs_app_loop, CAPI_RWSLOOP_ONLY, fs_never_runs_app_loop()) \
	S(b, own_loop_destroy_in_cb, 0, fs_own_loop(1))                     \
	S(b, own_loop_service_returns, 0, fs_own_loop(0))                   \
	S(b, own_loop_unused, CAPI_RWSLOOP_ONLY, fs_own_loop_unused())

#define FOREIGN_SUITE_LIST_ONE(b, name, flags, call) X(foreign_##b##_##name)
#define FOREIGN_SUITE_LIST(b) FOREIGN_SCENARIOS(FOREIGN_SUITE_LIST_ONE, b)

#endif /* TEST_LIST_FOREIGN_SUITE_H */
