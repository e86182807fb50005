//! Links the plugin against libsystemd's sd-event (pkg-config libsystemd)
//! and librwsloop.so, and reads the creation info's layout from the header
//! (see ../common/build_support.rs).

#[path = "../common/build_support.rs"]
mod support;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    support::pkg_config("libsystemd", "libsystemd-dev");
    support::link_rwsloop();
    support::soname("librwsloop-evlib_sdevent.so");
    support::lws_info_layout();
}
