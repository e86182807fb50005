/*
 * Compile-time check of src/lib.rs against libubox's header: the plugin
 * declares struct uloop_fd and struct uloop_timeout itself (it lays them
 * inside its own records), so their sizes, offsets and flag values must be
 * exactly these. build.rs compiles this file; it emits no code.
 */
#include <stddef.h>
#include <libubox/uloop.h>

#define SAME(what, value) _Static_assert((what) == (value), #what " != " #value)

SAME(sizeof(struct uloop_fd), 16);
SAME(offsetof(struct uloop_fd, cb), 0);
SAME(offsetof(struct uloop_fd, fd), 8);
SAME(offsetof(struct uloop_fd, eof), 12);
SAME(offsetof(struct uloop_fd, error), 13);
SAME(offsetof(struct uloop_fd, registered), 14);
SAME(offsetof(struct uloop_fd, flags), 15);

SAME(sizeof(struct uloop_timeout), 48);
SAME(offsetof(struct uloop_timeout, list), 0);
SAME(offsetof(struct uloop_timeout, pending), 16);
SAME(offsetof(struct uloop_timeout, cb), 24);
SAME(offsetof(struct uloop_timeout, time), 32);

SAME(ULOOP_READ, 1);
SAME(ULOOP_WRITE, 2);
SAME(ULOOP_ERROR_CB, 64);
