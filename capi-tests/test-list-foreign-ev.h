/* test-foreign-ev.c: the foreign-loop suite on libev (one X() per scenario
 * of test-list-foreign-suite.h); then any test of libev's own. */
FOREIGN_SUITE_LIST(ev)
