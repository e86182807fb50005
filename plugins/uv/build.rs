//! Links the plugin against the system libuv (pkg-config, so it is the very
//! libuv the application's `uv_loop_t` comes from) and against
//! librwsloop.so, and reads the creation info's layout from the header (see
//! ../common/build_support.rs).

#[path = "../common/build_support.rs"]
mod support;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    support::pkg_config("libuv", "libuv1-dev");
    support::link_rwsloop();
    support::soname("librwsloop-evlib_uv.so");
    support::lws_info_layout();
}
