/* test-foreign-sdevent.c: the foreign-loop suite on sd-event (one X() per scenario
 * of test-list-foreign-suite.h); then any test of sd-event's own. */
FOREIGN_SUITE_LIST(sdevent)
