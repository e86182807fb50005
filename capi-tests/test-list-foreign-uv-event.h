/* Foreign loops: rwsloop hosted on the application's libuv and libevent
 * loops through the evlib plugins (plugins/uv, plugins/event). One X(name)
 * per test; these binaries link -luv -levent. */

/* test-foreign-uv.c */
X(foreign_uv_echo)
X(foreign_uv_sul_from_app_callback)
X(foreign_uv_destroy_live_0)
X(foreign_uv_destroy_live_1)
X(foreign_uv_destroy_live_50)
X(foreign_uv_destroy_in_callback)
X(foreign_uv_destroy_in_sul)
X(foreign_uv_failed_create)
X(foreign_uv_own_loop)
X(foreign_uv_own_loop_unused)
X(foreign_uv_service_leaves_app_loop)

/* test-foreign-event.c */
X(foreign_event_echo)
X(foreign_event_destroy_live_0)
X(foreign_event_destroy_live_1)
X(foreign_event_destroy_live_50)
X(foreign_event_destroy_in_callback)
X(foreign_event_destroy_in_sul)
X(foreign_event_failed_create)
X(foreign_event_own_loop)
X(foreign_event_own_loop_unused)
X(foreign_event_service_leaves_app_loop)
