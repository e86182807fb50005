/*
 * Foreign loops hosted by the uloop plugin (test-foreign-uloop.c). They are
 * CAPI_MANUAL: the normal capi builds compile them as stubs; the runner
 * `make check-evlib-uloop` builds (mk/uloop.mk, with libubox linked and
 * -DRWSLOOP_CAPI_FOREIGN_ULOOP) names each one.
 */

/* test-foreign-uloop.c */
X(foreign_uloop_echo)
X(foreign_uloop_destroy_idle)
X(foreign_uloop_destroy_many)
X(foreign_uloop_destroy_in_rx)
X(foreign_uloop_destroy_in_sul)
X(foreign_uloop_failed_create)
X(foreign_uloop_own_loop_destroy_in_cb)
