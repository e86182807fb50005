/* Signals and the foreign-loop backends: test-foreign-signal.c. Built for
 * real with -DRWSLOOP_CAPI_FOREIGN and -luv -levent -lev, glib-2.0 and
 * libsystemd; one X(name) per test. */

X(foreign_signal_uv_cb)
X(foreign_signal_uv_all_five)
X(foreign_signal_uv_no_spin)
X(foreign_signal_uv_default)
X(foreign_signal_uv_app_loop)
X(foreign_signal_event_cb)
X(foreign_signal_event_default)
X(foreign_signal_event_app_loop)
X(foreign_signal_ev_cb)
X(foreign_signal_ev_default)
X(foreign_signal_ev_app_loop)
X(foreign_signal_glib_cb)
X(foreign_signal_glib_default)
X(foreign_signal_glib_app_loop)
X(foreign_signal_sdevent_own_loop)
X(foreign_signal_sdevent_app_loop)
