/* test-foreign-uv.c: the foreign-loop suite on libuv (one X() per scenario
 * of test-list-foreign-suite.h); then any test of libuv's own. */
FOREIGN_SUITE_LIST(uv)
