/* test-foreign-glib.c: the foreign-loop suite on glib (one X() per scenario
 * of test-list-foreign-suite.h); then any test of glib's own. */
FOREIGN_SUITE_LIST(glib)
