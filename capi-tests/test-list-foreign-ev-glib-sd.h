/*
 * Foreign loops hosted by the libev, glib and sd-event plugins
 * (test-foreign-ev.c, test-foreign-glib.c, test-foreign-sdevent.c). They
 * are CAPI_MANUAL: the normal capi builds compile them as stubs; the
 * runner `make check-evlib-ev-glib-sd` builds (mk/evlib2.mk, with the
 * loop libraries linked and -DRWSLOOP_CAPI_FOREIGN) names each one.
 */

/* test-foreign-ev.c */
X(foreign_ev_echo)
X(foreign_ev_destroy_idle)
X(foreign_ev_destroy_many)
X(foreign_ev_destroy_in_rx)
X(foreign_ev_destroy_in_sul)
X(foreign_ev_failed_create)
X(foreign_ev_own_loop)
X(foreign_ev_own_loop_destroy_in_cb)

/* test-foreign-glib.c */
X(foreign_glib_echo)
X(foreign_glib_destroy_idle)
X(foreign_glib_destroy_many)
X(foreign_glib_destroy_in_rx)
X(foreign_glib_destroy_in_sul)
X(foreign_glib_failed_create)
X(foreign_glib_own_loop_destroy_in_cb)

/* test-foreign-sdevent.c */
X(foreign_sdevent_echo)
X(foreign_sdevent_destroy_idle)
X(foreign_sdevent_destroy_many)
X(foreign_sdevent_destroy_in_rx)
X(foreign_sdevent_destroy_in_sul)
X(foreign_sdevent_failed_create)
X(foreign_sdevent_own_loop)
X(foreign_sdevent_own_loop_destroy_in_cb)
