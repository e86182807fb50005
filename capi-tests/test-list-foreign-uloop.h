/* test-foreign-uloop.c: the foreign-loop suite on uloop (one X() per
 * scenario of test-list-foreign-suite.h); then uloop's own tests. */
FOREIGN_SUITE_LIST(uloop)
X(foreign_uloop_own_loop_closed)
X(foreign_uloop_own_loop_children)
