/* test-foreign-event.c: the foreign-loop suite on libevent (one X() per scenario
 * of test-list-foreign-suite.h); then any test of libevent's own. */
FOREIGN_SUITE_LIST(event)
