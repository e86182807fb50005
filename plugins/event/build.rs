//! Links the plugin against the system libevent (pkg-config, so it is the
//! very libevent the application's `struct event_base` comes from) and
//! against librwsloop.so, and reads the creation info's layout from the
//! header (see ../common/build_support.rs).

#[path = "../common/build_support.rs"]
mod support;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    support::pkg_config("libevent", "libevent-dev");
    support::link_rwsloop();
    support::soname("librwsloop-evlib_event.so");
    support::lws_info_layout();
}
